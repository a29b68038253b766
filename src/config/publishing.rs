//! The publishing settings of `archipel.toml` (#13): `[markdown]`, what becomes of raw
//! HTML in pages, and `[forge]`, the URL templates of the links from each page to its
//! source on the forge. Read into `Raw*` mirrors, validated into [`Markdown`] and
//! [`Forge`] with a positioned diagnostic for each bad value.

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
                    crate::t!("bad-setting.raw-html", value = name.get_ref()),
                )
                .at(index, name.span().start)
                .help(crate::t!(
                    "bad-setting.help",
                    names = RawHtml::NAMES.join(", ")
                )),
            );
            Markdown::default()
        }
    }
}

/// `[forge]` as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawForge {
    #[serde(default)]
    edit: Option<Spanned<String>>,
    #[serde(default)]
    new: Option<Spanned<String>>,
}

/// Where the site's source is edited (`[forge]`): URL templates, each optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Forge {
    /// The editor of one file; `{path}` is the page's file relative to the site root.
    pub edit: Option<String>,
    /// The new-file form; `{dir}`, `{slug}` and `{content}` are the kind's directory
    /// (relative to the site root), a suggested file name and the page's starting text.
    pub new: Option<String>,
}

/// The placeholders each template must hold, and those it may hold.
const EDIT_PLACEHOLDERS: (&[&str], &[&str]) = (&["{path}"], &["{path}"]);
const NEW_PLACEHOLDERS: (&[&str], &[&str]) = (&["{content}"], &["{dir}", "{slug}", "{content}"]);

/// Validates `[forge]`.
pub(super) fn forge(raw: &RawForge, index: &LineIndex<'_>, diags: &mut Vec<Diagnostic>) -> Forge {
    let mut check =
        |name: &str, value: &Option<Spanned<String>>, (required, allowed): (&[&str], &[&str])| {
            let value = value.as_ref()?;
            let text = value.get_ref();
            let missing = required.iter().find(|p| !text.contains(**p));
            let unknown = placeholders(text).find(|p| !allowed.contains(p));
            let problem = match (missing, unknown) {
                (Some(p), _) => format!("the `{name}` URL has no `{p}`"),
                (None, Some(p)) => format!("the `{name}` URL has an unknown placeholder `{p}`"),
                (None, None) => return Some(text.clone()),
            };
            diags.push(
                Diagnostic::error("bad-setting", super::FILE_NAME, problem)
                    .at(index, value.span().start)
                    .help(format!("its placeholders are: {}", allowed.join(", "))),
            );
            None
        };
    Forge {
        edit: check("edit", &raw.edit, EDIT_PLACEHOLDERS),
        new: check("new", &raw.new, NEW_PLACEHOLDERS),
    }
}

/// The `{name}` placeholders of a template.
fn placeholders(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices('{').filter_map(|(i, _)| {
        let end = text[i..].find('}')?;
        Some(&text[i..=i + end])
    })
}
