//! Links from the site to its source on the forge (#13), from the `[forge]` URL
//! templates: « Modifier cette page » opens a page's file in the forge's editor, and each
//! kind's list offers to propose a new page through the forge's new-file form, prefilled
//! with the kind's starting text. Pure functions of the configuration.

use crate::config::{Config, Kind};
use crate::load::CONTENT_DIR;
use crate::slug::slugify;

/// The link to edit the page whose file is `rel` (relative to `content/`), if the site
/// has an `edit` template.
pub fn edit_href(config: &Config, rel: &str) -> Option<String> {
    let template = config.forge.edit.as_ref()?;
    Some(template.replace("{path}", &encode(&format!("{CONTENT_DIR}/{rel}"), true)))
}

/// The link to propose a new page of `kind`, if the site has a `new` template.
pub fn new_href(config: &Config, kind: &Kind) -> Option<String> {
    let template = config.forge.new.as_ref()?;
    Some(
        template
            .replace(
                "{dir}",
                &encode(&format!("{CONTENT_DIR}/{}", kind.dir), true),
            )
            .replace(
                "{slug}",
                &encode(&slugify(&format!("nouveau {}", kind.singular)), false),
            )
            .replace("{content}", &encode(&starter(kind), false)),
    )
}

/// The text a proposed page starts with: a draft titled after the kind (an empty title
/// is an error), its required fields empty, and its skeleton. Shorter than what
/// `archipel new` writes (no lists of choices), since it travels in a URL.
pub fn starter(kind: &Kind) -> String {
    let title = toml::Value::String(kind.singular.clone());
    let mut out = format!("+++\ntitle = {title}\ndraft = true\n");
    for name in kind.required.iter().filter(|n| *n != "title") {
        if let Some(field) = kind.field(name) {
            out.push_str(&format!("{name} = {}\n", field.ty.empty_value()));
        }
    }
    out.push_str("+++\n");
    if !kind.skeleton.trim().is_empty() {
        out.push('\n');
        out.push_str(kind.skeleton.trim_start_matches('\n'));
    }
    out
}

/// Percent-encodes `text` for a URL, as `encodeURIComponent` does; with `keep_slash`,
/// `/` stays, for paths.
fn encode(text: &str, keep_slash: bool) -> String {
    super::url::percent_encode(text, |byte| {
        byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'_' | b'.' | b'~')
            || (keep_slash && byte == b'/')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_escapes_all_but_unreserved_characters() {
        assert_eq!(encode("a b/é+c", false), "a%20b%2F%C3%A9%2Bc");
        assert_eq!(
            encode("content/témoignages/x.md", true),
            "content/t%C3%A9moignages/x.md"
        );
        assert_eq!(encode("+++\n", false), "%2B%2B%2B%0A");
    }
}
