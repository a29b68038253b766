//! The publishing settings of `archipel.toml` (#13): `[markdown]`, what becomes of raw
//! HTML in pages. Read into `Raw*` mirrors, validated into [`Markdown`] with a positioned
//! diagnostic for each bad value.

use serde::Deserialize;
use toml::Spanned;

use crate::diag::{Diagnostic, LineIndex};
use crate::markdown::RawHtml;

/// `[markdown]` as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMarkdown {
    #[serde(default)]
    raw_html: Option<Spanned<String>>,
}

/// How page bodies are rendered (`[markdown]`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Markdown {
    /// What becomes of raw HTML: `sanitize` (the default), `escape` or `allow`.
    pub raw_html: RawHtml,
}

/// Validates `[markdown]`.
pub(super) fn markdown(
    raw: &RawMarkdown,
    index: &LineIndex<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Markdown {
    let Some(name) = &raw.raw_html else {
        return Markdown::default();
    };
    match RawHtml::from_name(name.get_ref()) {
        Some(raw_html) => Markdown { raw_html },
        None => {
            diags.push(
                Diagnostic::error(
                    "bad-setting",
                    super::FILE_NAME,
                    format!("`raw_html` cannot be `{}`", name.get_ref()),
                )
                .at(index, name.span().start)
                .help(format!("use one of: {}", RawHtml::NAMES.join(", "))),
            );
            Markdown::default()
        }
    }
}
