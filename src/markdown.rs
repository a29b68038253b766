//! Markdown in one place: the parser options, the links a body holds (with their byte
//! ranges, for diagnostics), and the HTML of a body with its links rewritten, heading ids
//! and a table of contents. Pure functions that know nothing of pages or sites.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::slug::slugify;

mod raw_html;
mod render;
mod splice;
pub use raw_html::{Change as RawHtmlChange, Policy as RawHtml};
pub use splice::Prepared;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// A link or image in a body whose target is a relative path (not a URL, not `#x`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyLink {
    /// The destination as written (`../fiches-outils/x.md#titre`).
    pub dest: String,
    /// The byte range of the whole link in the body.
    pub range: Range<usize>,
    /// Whether it is an image.
    pub image: bool,
}

/// Splits a destination into path and `#fragment`, if the path is relative and local.
/// A path starting with `/` is read from `content/` (the site's root): it is returned
/// with its `/`.
pub fn relative_target(dest: &str) -> Option<(&str, Option<&str>)> {
    let is_url = dest.starts_with("//") || scheme(dest).is_some();
    if is_url || dest.starts_with('#') || dest.is_empty() {
        return None;
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    Some((path, fragment))
}

/// Schemes a guide links to as they are.
const SCHEMES: [&str; 12] = [
    "http", "https", "mailto", "tel", "sms", "ftp", "sftp", "geo", "xmpp", "irc", "ircs", "matrix",
];

/// The scheme of a destination (`https` in `https://…`, `javascript` in
/// `javascript:…`), as written, if it has one.
pub fn scheme(dest: &str) -> Option<&str> {
    let (scheme, _) = dest.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

/// Whether `scheme` is one that archipel publishes as it is (`https`, `mailto`…).
pub fn known_scheme(scheme: &str) -> bool {
    SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(scheme))
}

/// What the link stage needs of a body, from one parse.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    /// The links and images that point into the site (relative or `/` paths), or use a
    /// scheme archipel does not publish as it is, in order.
    pub links: Vec<BodyLink>,
    /// The links to a heading of the page itself (`#x`), in order.
    pub fragments: Vec<BodyLink>,
    /// The heading ids, as [`to_html`] gives them.
    pub ids: Vec<String>,
    /// Explicit ids (`{#x}`) that an earlier heading already has, with the heading's range.
    pub duplicates: Vec<(String, Range<usize>)>,
}

/// Scans a body for its relative links, its links to its own headings and its heading ids.
/// One pass over the parser's events: a heading's text is gathered as its events go by.
pub fn scan(body: &str) -> Scan {
    let mut out = Scan::default();
    let mut ids = HeadingIds::default();
    // The heading being read: its explicit id, its range and its text so far.
    let mut heading: Option<(Option<CowStr<'_>>, Range<usize>, String)> = None;
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        if let (Some((_, _, text)), Some(part)) = (&mut heading, plain_part(&event)) {
            text.push_str(part);
            continue;
        }
        match event {
            Event::Start(Tag::Heading { id, .. }) => heading = Some((id, range, String::new())),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((id, range, text)) = heading.take() {
                    out.heading(&mut ids, id.as_deref(), text.trim(), range);
                }
            }
            event => out.link(&event, range),
        }
    }
    out
}

/// The body rendered with its links as written, and what [`scan`] gives, from one parse
/// (see [`Prepared`]); only [`scan`]'s part when the body's raw HTML is sanitized, where
/// links may pass through the sanitizer with the HTML around them, and for a body of
/// 256 MiB or more (a prepared body's offsets in its HTML take 32 bits).
pub fn scan_rendered(body: &str, policy: RawHtml) -> (Scan, Option<Prepared>) {
    if policy == RawHtml::Sanitize && may_hold_html(body) || body.len() >= 1 << 28 {
        return (scan(body), None);
    }
    let (scan, prepared) = splice::prepare(body, policy);
    (scan, Some(prepared))
}

impl Scan {
    /// Notes `event`, at `range` of the body, if it is a link or image [`Scan`] lists.
    fn link(&mut self, event: &Event<'_>, range: Range<usize>) {
        let (dest, image) = match event {
            Event::Start(Tag::Link { dest_url, .. }) => (dest_url, false),
            Event::Start(Tag::Image { dest_url, .. }) => (dest_url, true),
            _ => return,
        };
        let list =
            if relative_target(dest).is_some() || scheme(dest).is_some_and(|s| !known_scheme(s)) {
                &mut self.links
            } else if dest.starts_with('#') && !image {
                &mut self.fragments
            } else {
                return;
            };
        list.push(BodyLink {
            dest: dest.to_string(),
            range,
            image,
        });
    }

    /// Gives the heading at `range`, with its `explicit` id and its plain `text`, its id
    /// from `ids`, and notes an explicit id an earlier heading already has.
    fn heading(
        &mut self,
        ids: &mut HeadingIds<'_>,
        explicit: Option<&str>,
        text: &str,
        range: Range<usize>,
    ) -> String {
        if let Some(explicit) = explicit.filter(|id| ids.used.contains(*id)) {
            self.duplicates.push((explicit.to_string(), range));
        }
        let id = ids.assign(explicit, text);
        self.ids.push(id.clone());
        id
    }
}

/// Gives each heading of a page its id: the explicit `{#id}`, else the slug of its text,
/// made unique within the page by a suffix (`-2`, `-3`…); or, when rendering a body
/// whose [`scan`] gave them, the ids it gave, in order (each slugified once).
#[derive(Default)]
struct HeadingIds<'k> {
    used: HashSet<String>,
    known: std::slice::Iter<'k, String>,
}

impl HeadingIds<'_> {
    /// The next heading's id: the next known one, else one made by [`HeadingIds::assign`].
    fn next(&mut self, explicit: Option<&str>, text: &str) -> String {
        match self.known.next() {
            Some(id) => id.clone(),
            None => self.assign(explicit, text),
        }
    }

    fn assign(&mut self, explicit: Option<&str>, text: &str) -> String {
        let base = match explicit {
            Some(explicit) => explicit.to_string(),
            None => {
                let s = slugify(text);
                if s.is_empty() {
                    "section".to_string()
                } else {
                    s
                }
            }
        };
        let mut unique = base.clone();
        let mut n = 1;
        while !self.used.insert(unique.clone()) {
            n += 1;
            unique = format!("{base}-{n}");
        }
        unique
    }
}

/// One heading of a body, for the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The anchor id.
    pub id: String,
    /// The heading's text.
    pub text: String,
}

/// A body rendered to HTML.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// The HTML.
    pub html: String,
    /// Its headings, in order.
    pub headings: Vec<Heading>,
    /// Its text without markup, for search.
    pub text: String,
    /// Where each heading's text lies in `text`, in order: a section's own text runs from
    /// the end of its heading to the start of the next one.
    pub heading_spans: Vec<std::ops::Range<usize>>,
}

/// What becomes of a relative link or image when a body is rendered.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Rewrite {
    /// Point it at this URL.
    To(String),
    /// Keep its text only, without the link (a link to an unpublished draft).
    Text,
}

/// Whether `body` may hold raw HTML: every piece of it starts with a `<`, which most
/// bodies lack. Asked of every body by the link stage and by the render, so searched
/// with SIMD (the standard library's search for a byte reads a word at a time).
pub fn may_hold_html(body: &str) -> bool {
    memchr::memchr(b'<', body.as_bytes()).is_some()
}

/// Each piece of raw HTML in `body` that `policy` removes or escapes, in order.
pub fn raw_html_changes(body: &str, policy: RawHtml) -> Vec<RawHtmlChange> {
    let events: Vec<_> = Parser::new_ext(body, options())
        .into_offset_iter()
        .collect();
    raw_html::changes(&events, policy)
}

/// Where a body is shown inside a larger document (the printable guide), so that its
/// ids stay unique and its headings sit below the page's own title.
#[derive(Debug, Clone, Copy, Default)]
pub struct Nesting<'a> {
    /// Put before every id the body defines (headings, footnotes) and every in-page
    /// `#fragment` link, with a `-` between: `fiche-1` and `freins` give `fiche-1-freins`.
    pub id_prefix: &'a str,
    /// Levels added to every heading (at most `<h6>`).
    pub shift: u8,
}

impl Nesting<'_> {
    fn id(&self, id: &str) -> String {
        if self.id_prefix.is_empty() {
            id.to_string()
        } else {
            format!("{}-{id}", self.id_prefix)
        }
    }
}

/// Renders a body. `rewrite` says what becomes of each relative link destination
/// (`None`: keep it as written); raw HTML is treated as `policy` says.
pub fn to_html(body: &str, rewrite: &dyn Fn(&str) -> Option<Rewrite>, policy: RawHtml) -> Rendered {
    to_html_nested(body, rewrite, policy, Nesting::default())
}

/// Renders a body as [`to_html`] does, with `ids`, the heading ids its [`scan`] gave
/// (made again if they are not one per heading).
pub fn to_html_scanned(
    body: &str,
    ids: &[String],
    rewrite: &dyn Fn(&str) -> Option<Rewrite>,
    policy: RawHtml,
) -> Rendered {
    render::render(body, ids, rewrite, policy, Nesting::default())
}

/// Renders a body as [`to_html`] does, nested as `nesting` says.
pub fn to_html_nested(
    body: &str,
    rewrite: &dyn Fn(&str) -> Option<Rewrite>,
    policy: RawHtml,
    nesting: Nesting<'_>,
) -> Rendered {
    render::render(body, &[], rewrite, policy, nesting)
}

fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

fn is_inline_end(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

fn heading_level(level: HeadingLevel) -> u8 {
    level as u8
}

/// `level` moved down by `shift` levels, at most to `<h6>`.
fn shifted(level: HeadingLevel, shift: u8) -> HeadingLevel {
    HeadingLevel::try_from(usize::from(heading_level(level) + shift).min(6))
        .unwrap_or(HeadingLevel::H6)
}

/// The plain text of a heading's events (trimmed): its text and code, no markup. The
/// scan and the render both name headings by it, so their ids agree.
fn plain<'e, 'a: 'e>(events: impl Iterator<Item = &'e Event<'a>>) -> String {
    let mut s = String::new();
    for part in events.filter_map(plain_part) {
        s.push_str(part);
    }
    s.trim().to_string()
}

/// What `event` gives to a heading's plain text, if anything.
fn plain_part<'e>(event: &'e Event<'_>) -> Option<&'e str> {
    match event {
        Event::Text(t) | Event::Code(t) => Some(t),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_relative_links_with_ranges() {
        let body =
            "Voir [la fiche](../fiches-outils/x.md#a), [web](https://e.org) et ![i](img.png).";
        let found = scan(body).links;
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].dest, "../fiches-outils/x.md#a");
        assert_eq!(
            &body[found[0].range.clone()],
            "[la fiche](../fiches-outils/x.md#a)"
        );
        assert!(found[1].image);
    }

    #[test]
    fn heading_anchors_are_named_after_their_heading() {
        let r = to_html("## Vous & « nous »\n", &|_| None, RawHtml::Sanitize);
        assert!(
            r.html.contains(
                r##"<a class="anchor" href="#vous-nous" aria-label="Vous &amp; « nous »">#</a>"##
            ),
            "{}",
            r.html
        );
        assert!(!r.html.contains("aria-hidden"));
    }

    #[test]
    fn a_scanned_body_keeps_the_ids_its_scan_gave() {
        let body = "## Étape un\n\n## Étape un\n\n### Custom {#moi}\n\n### Custom {#moi}\n";
        let ids = scan(body).ids;
        assert_eq!(ids, ["etape-un", "etape-un-2", "moi", "moi-2"]);
        let none = |_: &str| None;
        assert_eq!(
            to_html_scanned(body, &ids, &none, RawHtml::Sanitize),
            to_html(body, &none, RawHtml::Sanitize)
        );
        // Taken as given, not made again.
        let given: Vec<String> = ["a", "b", "c", "d"].map(String::from).into();
        let r = to_html_scanned(body, &given, &none, RawHtml::Sanitize);
        let got: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(got, ["a", "b", "c", "d"]);
        assert!(
            r.html
                .contains(r##"<h2 id="b">Étape un <a class="anchor" href="#b""##)
        );
        // Not one per heading: made again.
        let r = to_html_scanned(body, &given[..3], &none, RawHtml::Sanitize);
        assert_eq!(r, to_html(body, &none, RawHtml::Sanitize));
        let more: Vec<String> = ["a", "b", "c", "d", "e"].map(String::from).into();
        let r = to_html_scanned(body, &more, &none, RawHtml::Sanitize);
        assert_eq!(r, to_html(body, &none, RawHtml::Sanitize));
    }

    #[test]
    fn rewrites_links_and_numbers_headings() {
        let body =
            "## Étape un\n\n## Étape un\n\n### Custom {#moi}\n\n[x](a.md#t) [y](https://e.org)\n";
        let r = to_html(
            body,
            &|d| Some(Rewrite::To(format!("REW:{d}"))),
            RawHtml::Sanitize,
        );
        assert!(
            r.html
                .contains(r##"<h2 id="etape-un">Étape un <a class="anchor" href="#etape-un""##),
            "{}",
            r.html
        );
        assert!(r.html.contains(r#"<h2 id="etape-un-2">"#));
        assert!(r.html.contains(r#"<h3 id="moi">"#));
        assert!(r.html.contains(r#"href="REW:a.md#t""#));
        assert!(r.html.contains(r#"href="https://e.org""#));
        assert_eq!(r.headings.len(), 3);
        let spans: Vec<&str> = r.heading_spans.iter().map(|s| &r.text[s.clone()]).collect();
        assert_eq!(spans, ["Étape un", "Étape un", "Custom"]);
        assert_eq!(
            r.headings[2],
            Heading {
                level: 3,
                id: "moi".into(),
                text: "Custom".into()
            }
        );
    }

    #[test]
    fn links_to_drafts_keep_their_text_only() {
        let body = "Voir [la *fiche*](brouillon.md) et [l'autre](autre.md).\n";
        let r = to_html(
            body,
            &|d| {
                Some(match d {
                    "brouillon.md" => Rewrite::Text,
                    _ => Rewrite::To("autre/".into()),
                })
            },
            RawHtml::Sanitize,
        );
        assert_eq!(
            r.html,
            "<p>Voir la <em>fiche</em> et <a href=\"autre/\">l'autre</a>.</p>\n"
        );
    }

    #[test]
    fn renders_tables_footnotes_strikethrough() {
        let r = to_html(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~non~~ oui[^1]\n\n[^1]: note\n",
            &|_| None,
            RawHtml::Sanitize,
        );
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("<del>non</del>"));
        assert!(r.html.contains("footnote-definition"));
        assert!(r.text.contains("oui"));
    }

    #[test]
    fn text_keeps_words_of_adjacent_blocks_apart() {
        let r = to_html(
            "## Titre\nSuite\n\n- un\n  - deux\n\n| a | b |\n|---|---|\n| c | d |\n\nco**op**ération",
            &|_| None,
            RawHtml::Sanitize,
        );
        let words: Vec<&str> = r.text.split_whitespace().collect();
        assert_eq!(
            words,
            [
                "Titre",
                "Suite",
                "un",
                "deux",
                "a",
                "b",
                "c",
                "d",
                "coopération"
            ]
        );
    }

    #[test]
    fn the_scan_reads_headings_with_markup_links_and_repeated_ids() {
        let body = "## Un *beau* [lien](a.md) `x`\n\n## B {#x}\n\n## C {#x}\n\n\
                    [f](#x) [g](https://e.org) [h](zz:y)\n";
        let s = scan(body);
        assert_eq!(s.ids, ["un-beau-lien-x", "x", "x-2"]);
        assert_eq!(s.duplicates.len(), 1);
        assert_eq!(s.duplicates[0].0, "x");
        assert_eq!(body[s.duplicates[0].1.clone()].trim_end(), "## C {#x}");
        let dests: Vec<&str> = s.links.iter().map(|l| l.dest.as_str()).collect();
        assert_eq!(dests, ["a.md", "zz:y"]);
        assert_eq!(&body[s.links[0].range.clone()], "[lien](a.md)");
        assert_eq!(s.fragments.len(), 1);
        assert_eq!(&body[s.fragments[0].range.clone()], "[f](#x)");
    }
}
