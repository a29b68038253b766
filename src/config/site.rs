//! Site-wide settings (`[site]`): the validated [`SiteConfig`] and the checks of the
//! values it cannot take as written (a base URL that is no `http(s)` address, a theme
//! name that is a path, a `language` set in `[site]` instead of at the top).

use toml::Spanned;

use super::Check;
use super::raw::RawSite;
use crate::t;

/// Site-wide settings (`[site]`).
#[derive(Debug)]
pub struct SiteConfig {
    /// The site title.
    pub title: String,
    /// One sentence about the site, for the home page, the feed and search engines.
    pub description: String,
    /// The absolute URL the online site is published at, ending in `/`: canonical and
    /// sharing metadata, the feed, the sitemap and the 404 page use it. Empty means
    /// "unknown": then there is no feed, no sitemap and no sharing metadata.
    pub base_url: String,
    /// Who the feed names as its author (`author`; the site title by default).
    pub author: String,
    /// The theme directory name under `themes/`.
    pub theme: String,
    /// How many entries the Atom feed holds.
    pub feed_size: usize,
    /// How many related pages each page lists.
    pub related: usize,
    /// The number of headings from which a page gets a table of contents.
    pub toc_min_headings: usize,
    /// The label of the `see_also` references.
    pub see_also_label: String,
    /// The label of the pages whose `see_also` names a page, on that page.
    pub see_also_inverse_label: String,
    /// Whether to build the printable guide (all pages of every kind on one page).
    pub print: bool,
    /// Whether to build the map of the guide (`carte/index.html`).
    pub map: bool,
}

impl SiteConfig {
    /// Whether the online build has a feed and a sitemap, which need absolute addresses.
    pub fn feeds(&self) -> bool {
        !self.base_url.is_empty()
    }
}

/// The base URL as written, ending in `/` (empty when unset); one that is no `http(s)`
/// address is reported.
pub(super) fn base_url(written: &Spanned<String>, check: &mut Check<'_>) -> String {
    let url = written.get_ref().trim();
    if !url.is_empty() && !url.starts_with("https://") && !url.starts_with("http://") {
        let d = check
            .error(
                "bad-base-url",
                written.span(),
                t!("bad-base-url", value = url),
            )
            .help(t!("bad-base-url.help"));
        check.push(d);
    }
    match url {
        "" => String::new(),
        url if url.ends_with('/') => url.to_string(),
        url => format!("{url}/"),
    }
}

/// Reports a `language` written in `[site]`: it is a top-level setting.
pub(super) fn check_language(raw: &RawSite, check: &mut Check<'_>) {
    if let Some(language) = &raw.language {
        let d = check
            .error(
                "misplaced-setting",
                language.span(),
                t!("misplaced-setting"),
            )
            .help(t!("misplaced-setting.help"));
        check.push(d);
    }
}

/// Reports a theme name that is not a plain directory name under `themes/`.
pub(super) fn check_theme(theme: &Spanned<String>, check: &mut Check<'_>) {
    let name = theme.get_ref();
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        let d = check.error("bad-theme", theme.span(), t!("bad-theme", theme = name));
        check.push(d);
    }
}

/// The validated `[site]`, with its checked `base_url`.
pub(super) fn site(raw: RawSite, base_url: String) -> SiteConfig {
    SiteConfig {
        author: if raw.author.is_empty() {
            raw.title.clone()
        } else {
            raw.author
        },
        title: raw.title,
        description: raw.description,
        base_url,
        theme: raw.theme.into_inner(),
        feed_size: raw.feed_size,
        related: raw.related,
        toc_min_headings: raw.toc_min_headings,
        see_also_label: raw.see_also_label,
        see_also_inverse_label: raw.see_also_inverse_label,
        print: raw.print,
        map: raw.map,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::LineIndex;

    fn check(text: &str) -> Check<'_> {
        Check {
            index: LineIndex::new(text),
            diags: Vec::new(),
        }
    }

    #[test]
    fn base_url_ends_in_a_slash_and_must_be_http() {
        let mut c = check("x");
        let url = |s: &str| Spanned::new(0..1, s.to_string());
        assert_eq!(
            base_url(&url(" https://a.org/guide "), &mut c),
            "https://a.org/guide/"
        );
        assert_eq!(base_url(&url("http://a.org/"), &mut c), "http://a.org/");
        assert_eq!(base_url(&url(""), &mut c), "");
        assert!(c.diags.is_empty());
        base_url(&url("a.org"), &mut c);
        assert_eq!(c.diags[0].code, "bad-base-url");
    }

    #[test]
    fn a_theme_is_a_plain_directory_name() {
        let mut c = check("x");
        let theme = |s: &str| Spanned::new(0..1, s.to_string());
        check_theme(&theme("default"), &mut c);
        assert!(c.diags.is_empty());
        for bad in ["", "../x", "a/b", "a\\b", ".hidden"] {
            check_theme(&theme(bad), &mut c);
        }
        assert_eq!(c.diags.len(), 5);
    }
}
