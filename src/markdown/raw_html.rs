//! Raw HTML in Markdown bodies, under the site's policy (`[markdown] raw_html`, #13).
//!
//! Pages come from pull requests: with `sanitize` (the default), raw HTML goes through
//! the `ammonia` sanitizer, which keeps formatting markup and removes scripts, styles,
//! event-handler attributes, frames, objects, forms and `javascript:` URLs; on top of its
//! defaults, `src` attributes may only name files of the site, so that a page loads
//! nothing from another host. `escape` shows raw HTML as text, `allow` keeps it as
//! written. [`changes`] finds each piece the policy changes, so that `check` can point at
//! it. Pure functions, like the rest of [`super`].

use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, TagEnd};

/// What becomes of raw HTML in a body.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Policy {
    /// Keep the harmless part (see the module header).
    #[default]
    Sanitize,
    /// Show it as text.
    Escape,
    /// Keep it as written.
    Allow,
}

impl Policy {
    /// The policy named `name` in `archipel.toml`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "sanitize" => Some(Policy::Sanitize),
            "escape" => Some(Policy::Escape),
            "allow" => Some(Policy::Allow),
            _ => None,
        }
    }

    /// Its name in `archipel.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Policy::Sanitize => "sanitize",
            Policy::Escape => "escape",
            Policy::Allow => "allow",
        }
    }

    /// The names of every policy.
    pub const NAMES: [&'static str; 3] = ["sanitize", "escape", "allow"];
}

/// A piece of raw HTML that the policy changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Its byte range in the body.
    pub range: Range<usize>,
    /// Its first line, shortened, to name it in a message.
    pub snippet: String,
}

/// The sanitizer of the `sanitize` policy.
static STRICT: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    // What the Markdown renderer itself writes next to raw HTML (footnote references)
    // must survive; a class loads or runs nothing.
    b.add_generic_attributes(["class"])
        .link_rel(None)
        .strip_comments(false)
        .attribute_filter(|_, attribute, value| {
            if attribute == "src" && !is_local(value) {
                None
            } else {
                Some(value.into())
            }
        });
    b
});

/// Whether following a link to `url` would run a script (`javascript:`, `vbscript:`):
/// Markdown links to such URLs lose their link unless raw HTML is allowed.
pub(super) fn runs_script(url: &str) -> bool {
    let url = url.trim_start().to_ascii_lowercase();
    url.starts_with("javascript:") || url.starts_with("vbscript:")
}

/// Whether a URL names a file of the site: relative, with no scheme and no host.
fn is_local(url: &str) -> bool {
    let url = url.trim();
    let scheme = url
        .find(':')
        .is_some_and(|colon| !url[..colon].contains(['/', '?', '#']));
    !scheme && !url.starts_with("//") && !url.starts_with("\\\\")
}

/// The runs of events that hold raw HTML, as index ranges into `events`: each HTML
/// block's lines, and in each other block the span from its first piece of inline HTML
/// to its last (so that an opening tag and its closing tag are sanitized together).
/// With `anchored`, the last event of each heading is the anchor the renderer added
/// (see [`super::to_html`]), which is not raw HTML.
fn runs(events: &[Event<'_>], anchored: bool) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    for (i, event) in events.iter().enumerate() {
        let anchor = anchored && matches!(events.get(i + 1), Some(Event::End(TagEnd::Heading(_))));
        match event {
            Event::InlineHtml(_) if anchor => close(&mut open, &mut runs),
            Event::InlineHtml(_) => {
                let start = open.map_or(i, |(s, _)| s);
                open = Some((start, i));
            }
            Event::Html(_) => {
                if let Some((s, e)) = open.take() {
                    runs.push(s..e + 1);
                }
                match runs.last_mut() {
                    Some(last) if last.end == i && matches!(events[last.start], Event::Html(_)) => {
                        last.end = i + 1;
                    }
                    _ => runs.push(i..i + 1),
                }
            }
            Event::Start(tag) if !super::is_inline(tag) => close(&mut open, &mut runs),
            Event::End(end) if !super::is_inline_end(end) => close(&mut open, &mut runs),
            Event::Rule => close(&mut open, &mut runs),
            _ => {}
        }
    }
    close(&mut open, &mut runs);
    runs
}

fn close(open: &mut Option<(usize, usize)>, runs: &mut Vec<Range<usize>>) {
    if let Some((s, e)) = open.take() {
        runs.push(s..e + 1);
    }
}

fn html_of(events: &[Event<'_>]) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.iter().cloned());
    html
}

/// Sanitizes the raw HTML of a body's events, after links were rewritten: each run of
/// raw HTML pieces is cleaned as one.
pub(super) fn sanitize(events: &mut Vec<Event<'_>>) {
    // From the last run back, so that earlier indexes stay valid.
    for run in runs(events, true).into_iter().rev() {
        let clean = STRICT.clean(&html_of(&events[run.clone()])).to_string();
        let block = matches!(events[run.start], Event::Html(_));
        let replacement = if block {
            Event::Html(clean.into())
        } else {
            Event::InlineHtml(clean.into())
        };
        events.splice(run, [replacement]);
    }
}

/// `event` as the `escape` policy shows it: raw HTML becomes text, shown as written.
pub(super) fn escape(event: &mut Event<'_>) {
    if let Event::Html(html) | Event::InlineHtml(html) = event {
        *event = Event::Text(std::mem::replace(html, CowStr::Borrowed("")));
    }
}

/// Each piece of raw HTML in `events` (with their byte ranges) that `policy` changes.
pub(super) fn changes(events: &[(Event<'_>, Range<usize>)], policy: Policy) -> Vec<Change> {
    let raw = |e: &Event<'_>| matches!(e, Event::Html(_) | Event::InlineHtml(_));
    let pieces: Vec<Range<usize>> = match policy {
        Policy::Allow => Vec::new(),
        Policy::Escape => (0..events.len())
            .filter(|&i| raw(&events[i].0))
            .map(|i| i..i + 1)
            .collect(),
        Policy::Sanitize => {
            let plain: Vec<Event<'_>> = events.iter().map(|(e, _)| e.clone()).collect();
            runs(&plain, false)
                .into_iter()
                .filter(|run| {
                    let html = html_of(&plain[run.clone()]);
                    STRICT.clean(&html).to_string() != unchanged(&html)
                })
                .collect()
        }
    };
    pieces
        .into_iter()
        .map(|run| {
            let first = &events[run.start].1;
            let last = &events[run.end - 1].1;
            let text = match &events[run.start].0 {
                Event::Html(t) | Event::InlineHtml(t) => t.to_string(),
                _ => String::new(),
            };
            Change {
                range: first.start..last.end.max(first.end),
                snippet: snippet(&text),
            }
        })
        .collect()
}

/// `html` parsed and written again by the sanitizer with nothing removed: what
/// [`STRICT`]'s output is compared with, so that mere re-serialization (quotes, closed
/// tags) does not count as a change.
fn unchanged(html: &str) -> String {
    let (tags, attributes) = names(html);
    let mut b = ammonia::Builder::default();
    b.add_tags(tags.iter().map(String::as_str))
        .clean_content_tags(HashSet::new())
        .add_generic_attributes(attributes.iter().map(String::as_str))
        .add_generic_attributes(["class"])
        .add_url_schemes(["javascript", "vbscript", "data", "file"])
        .link_rel(None)
        .strip_comments(false);
    b.clean(html).to_string()
}

/// The tag and attribute names that appear in `html`, lowercased.
fn names(html: &str) -> (HashSet<String>, HashSet<String>) {
    let (mut tags, mut attributes) = (HashSet::new(), HashSet::new());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt + 1..];
        let rest_tag = rest.trim_start_matches('/');
        let name: String = rest_tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let end = rest.find('>').unwrap_or(rest.len());
        // `>` is neither a leading `/` nor part of the name, so it comes after both.
        let slashes = rest.len() - rest_tag.len();
        let inside = &rest_tag[name.len()..end - slashes];
        tags.insert(name.to_ascii_lowercase());
        attributes.extend(attribute_names(inside));
        rest = &rest[end..];
    }
    (tags, attributes)
}

/// The attribute names of the inside of a tag (`a="1" b c='2'`).
fn attribute_names(inside: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut chars = inside.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() || c == '/' {
            chars.next();
            continue;
        }
        let name: String = std::iter::from_fn(|| {
            chars.next_if(|c| !c.is_whitespace() && !matches!(c, '=' | '>' | '/'))
        })
        .collect();
        if name.is_empty() {
            chars.next();
            continue;
        }
        names.push(name.to_ascii_lowercase());
        if chars.next_if_eq(&'=').is_some() {
            match chars.next() {
                Some(q @ ('"' | '\'')) => while chars.next().is_some_and(|c| c != q) {},
                Some(_) => while chars.next_if(|c| !c.is_whitespace()).is_some() {},
                None => {}
            }
        }
    }
    names
}

/// The first line of a piece of HTML, at most 60 characters.
fn snippet(text: &str) -> String {
    let line = text.trim().lines().next().unwrap_or("");
    let mut s: String = line.chars().take(60).collect();
    if line.chars().count() > 60 {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::super::to_html;
    use super::*;

    fn html(body: &str, policy: Policy) -> String {
        to_html(body, &|_| None, policy).html
    }

    #[test]
    fn sanitize_removes_scripts_handlers_frames_and_remote_resources() {
        let body = "Avant <script>alert(1)</script> après.\n\n\
            <div onclick=\"x()\"><iframe src=\"https://e.org\"></iframe><object data=\"a\"></object><embed src=\"b\"></div>\n\n\
            [lien](javascript:alert(1)) <a href=\"javascript:alert(1)\">a</a> \
            <img src=\"https://traceur.example/p.gif\" alt=\"t\"> <img src=\"image.png\" alt=\"i\">\n";
        let out = html(body, Policy::Sanitize);
        for bad in [
            "script", "alert", "onclick", "iframe", "object", "embed", "traceur",
        ] {
            assert!(!out.contains(bad), "{bad} in {out}");
        }
        assert!(out.contains("<img src=\"image.png\" alt=\"i\">"), "{out}");
        assert!(out.contains("Avant"), "{out}");
        assert!(out.contains("<p>lien <a>a</a>"), "{out}");
        assert!(html(body, Policy::Allow).contains("href=\"javascript:alert(1)\""));
    }

    #[test]
    fn sanitize_keeps_formatting_and_the_renderer_s_own_markup() {
        let body = "Un <abbr title=\"Économie sociale\">ESS</abbr> et <kbd>Ctrl</kbd>.[^1]\n\n## Titre <em>x</em>\n\n[^1]: Note.\n";
        let out = html(body, Policy::Sanitize);
        assert!(
            out.contains("<abbr title=\"Économie sociale\">ESS</abbr>"),
            "{out}"
        );
        assert!(out.contains("<kbd>Ctrl</kbd>"));
        assert!(out.contains("class=\"footnote-reference\""), "{out}");
        assert!(
            out.contains("<h2 id=\"titre-x\">Titre <em>x</em> <a class=\"anchor\" href=\"#titre-x\" aria-label=\"Titre x\">"),
            "{out}"
        );
        assert!(changes_of(body, Policy::Sanitize).is_empty());
    }

    fn changes_of(body: &str, policy: Policy) -> Vec<Change> {
        super::super::raw_html_changes(body, policy)
    }

    #[test]
    fn changes_point_at_what_the_policy_removes_or_escapes() {
        let body = "Texte <b>gras</b>.\n\n<script>alert(1)</script>\n\nUn <span onmouseover=\"x\">survol</span>.\n";
        let found = changes_of(body, Policy::Sanitize);
        let at: Vec<&str> = found.iter().map(|c| &body[c.range.clone()]).collect();
        assert_eq!(at.len(), 2, "{found:?}");
        assert!(at[0].starts_with("<script>"), "{at:?}");
        assert!(at[1].starts_with("<span onmouseover"), "{at:?}");
        assert_eq!(found[0].snippet, "<script>alert(1)</script>");
        assert_eq!(changes_of(body, Policy::Escape).len(), 5);
        assert!(changes_of(body, Policy::Allow).is_empty());
    }

    #[test]
    fn escape_shows_html_as_text_and_allow_keeps_it() {
        let body = "Un <b>mot</b>.\n";
        assert_eq!(
            html(body, Policy::Escape),
            "<p>Un &lt;b&gt;mot&lt;/b&gt;.</p>\n"
        );
        assert_eq!(html(body, Policy::Allow), "<p>Un <b>mot</b>.</p>\n");
    }

    #[test]
    fn only_urls_without_scheme_or_host_are_local() {
        assert!(is_local("image.png"));
        assert!(is_local("../images/a.png"));
        assert!(is_local("a/b:c.png"));
        assert!(!is_local("https://e.org/a.png"));
        assert!(!is_local("//e.org/a.png"));
        assert!(!is_local("data:image/png;base64,AAAA"));
    }
}
