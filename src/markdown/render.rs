//! A body's HTML in one pass over the parser's events ([`render`]): links rewritten,
//! headings given their ids and anchors, the plain text for search gathered, all as the
//! events stream into the HTML writer. Only a heading's events are held (its text names
//! its id and its anchor), and a whole body's only when its raw HTML is sanitized, which
//! needs runs of events (see [`super::raw_html`]); escaping goes event by event.

use std::collections::{HashSet, VecDeque};
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, OffsetIter, Parser, Tag, TagEnd};

use super::{
    Heading, HeadingIds, Nesting, RawHtml, Rendered, Rewrite, Scan, heading_level, is_inline,
    is_inline_end, options, plain, raw_html, relative_target, shifted,
};

/// Renders `body`, with `ids` the heading ids its scan gave (made again if they are not
/// one per heading).
pub(super) fn render(
    body: &str,
    ids: &[String],
    rewrite: &dyn Fn(&str) -> Option<Rewrite>,
    policy: RawHtml,
    nesting: Nesting<'_>,
) -> Rendered {
    let mut pass = Pass::new(body, ids, rewrite, policy, nesting);
    let mut html = String::new();
    // Sanitizing needs runs of events, and raw HTML needs a '<'; `escape` turns each
    // piece into text as it passes (not the heading anchors this pass adds).
    let whole = policy == RawHtml::Sanitize && super::may_hold_html(body);
    if whole {
        let mut events: Vec<Event<'_>> = pass.by_ref().collect();
        // After the text and the headings were read, so that search and the table of
        // contents keep the words inside raw HTML.
        raw_html::sanitize(&mut events);
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
    } else {
        pulldown_cmark::html::push_html(&mut html, pass.by_ref());
    }
    if !ids.is_empty() && pass.out.headings.len() != ids.len() {
        return render(body, &[], rewrite, policy, nesting);
    }
    pass.out.html = html;
    pass.out
}

/// The events of a body on their way to the HTML writer, and what was read of them.
pub(super) struct Pass<'a, 'r> {
    events: OffsetIter<'a>,
    rewrite: &'r dyn Fn(&str) -> Option<Rewrite>,
    policy: RawHtml,
    nesting: Nesting<'r>,
    ids: HeadingIds<'r>,
    /// Whether the next link end is that of a link whose link was taken off.
    unlinking: bool,
    /// A heading's events, after its start was given out.
    ready: VecDeque<Event<'a>>,
    pub(super) out: Rendered,
    /// What a scan of the body finds, when the pass also scans it (see
    /// [`super::scan_rendered`]); its heading ids are then the pass's.
    pub(super) scan: Option<Scan>,
}

impl<'a, 'r> Pass<'a, 'r> {
    /// The pass over `body`'s events, with `ids` its scan's heading ids (if known).
    pub(super) fn new(
        body: &'a str,
        ids: &'r [String],
        rewrite: &'r dyn Fn(&str) -> Option<Rewrite>,
        policy: RawHtml,
        nesting: Nesting<'r>,
    ) -> Self {
        Pass {
            events: Parser::new_ext(body, options()).into_offset_iter(),
            rewrite,
            policy,
            nesting,
            ids: HeadingIds {
                used: HashSet::new(),
                known: ids.iter(),
            },
            unlinking: false,
            ready: VecDeque::new(),
            out: Rendered::default(),
            scan: None,
        }
    }

    /// The next event from the parser, with its range in the body, noted by the scan.
    #[inline]
    fn pull(&mut self) -> Option<(Event<'a>, Range<usize>)> {
        let (event, range) = self.events.next()?;
        if let Some(scan) = &mut self.scan {
            scan.link(&event, range.clone());
        }
        Some((event, range))
    }
}

impl<'a> Iterator for Pass<'a, '_> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(event) = self.ready.pop_front() {
            return Some(event);
        }
        let (mut event, range) = self.pull()?;
        self.link(&mut event);
        if matches!(event, Event::Start(Tag::Heading { .. })) {
            return Some(self.heading(event, range));
        }
        read(&mut self.out, self.nesting, &mut event);
        escape(self.policy, &mut event);
        Some(event)
    }
}

impl<'a> Pass<'a, '_> {
    /// A heading's start, given its id; its other events, through its end and with its
    /// anchor before that end, wait in `ready`. `range` is the heading's in the body.
    fn heading(&mut self, start: Event<'a>, range: Range<usize>) -> Event<'a> {
        let Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) = start
        else {
            unreachable!("called on a heading's start")
        };
        let level = shifted(level, self.nesting.shift);
        let mut end = None;
        while let Some((mut event, _)) = self.pull() {
            self.link(&mut event);
            if matches!(event, Event::End(TagEnd::Heading(_))) {
                end = Some(event);
                break;
            }
            self.ready.push_back(event);
        }
        let text = plain(self.ready.iter());
        let id = match &mut self.scan {
            Some(scan) => scan.heading(&mut self.ids, id.as_deref(), &text, range),
            None => self.ids.next(id.as_deref(), &text),
        };
        let unique = self.nesting.id(&id);
        // Named after its heading, so that a screen reader says where it leads;
        // explicit ids are written as they are, so they are escaped like the label.
        let mut anchor = String::with_capacity(64 + unique.len() + text.len());
        anchor.push_str(r##" <a class="anchor" href="#"##);
        pulldown_cmark_escape::escape_html(&mut anchor, &unique).expect("writing a String");
        anchor.push_str(r#"" aria-label=""#);
        pulldown_cmark_escape::escape_html(&mut anchor, &text).expect("writing a String");
        anchor.push_str(r#"">#</a>"#);
        let at = self.out.text.len();
        self.out.heading_spans.push(at..at);
        for event in self.ready.iter_mut() {
            read(&mut self.out, self.nesting, event);
            escape(self.policy, event);
        }
        self.ready
            .push_back(Event::InlineHtml(CowStr::from(anchor)));
        if let Some(mut end) = end {
            read(&mut self.out, self.nesting, &mut end);
            self.ready.push_back(end);
        }
        self.out.headings.push(Heading {
            level: heading_level(level),
            id: unique.clone(),
            text,
        });
        Event::Start(Tag::Heading {
            level,
            id: Some(CowStr::from(unique)),
            classes,
            attrs,
        })
    }

    /// Rewrites `event`'s link as `rewrite` says, an in-page `#fragment` link as `nesting`
    /// says, and takes the link off `javascript:` URLs unless raw HTML is allowed. A link
    /// taken off leaves empty text at its start and end.
    #[inline]
    fn link(&mut self, event: &mut Event<'a>) {
        let unlink = match event {
            Event::Start(Tag::Link { dest_url, .. })
                if self.policy != RawHtml::Allow && raw_html::runs_script(dest_url) =>
            {
                true
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                match relative_target(dest_url).and_then(|_| (self.rewrite)(dest_url)) {
                    Some(Rewrite::To(url)) => *dest_url = CowStr::from(url),
                    Some(Rewrite::Text) => return self.unlink(event),
                    None => {
                        if let Some(fragment) = dest_url.strip_prefix('#') {
                            *dest_url = CowStr::from(format!("#{}", self.nesting.id(fragment)));
                        }
                    }
                }
                false
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                if let Some(Rewrite::To(url)) =
                    relative_target(dest_url).and_then(|_| (self.rewrite)(dest_url))
                {
                    *dest_url = CowStr::from(url);
                }
                false
            }
            // Links do not nest: the next link end is that of the link taken off.
            Event::End(TagEnd::Link) if self.unlinking => {
                self.unlinking = false;
                *event = Event::Text(CowStr::Borrowed(""));
                false
            }
            _ => false,
        };
        if unlink {
            self.unlink(event);
        }
    }

    fn unlink(&mut self, event: &mut Event<'a>) {
        self.unlinking = true;
        *event = Event::Text(CowStr::Borrowed(""));
    }
}

/// Turns `event`, if it is raw HTML, into text when `policy` is `escape`: once it was
/// read, so that search and heading ids keep the words inside raw HTML; the anchors
/// this pass adds to headings are never escaped.
#[inline]
fn escape(policy: RawHtml, event: &mut Event<'_>) {
    if policy == RawHtml::Escape {
        raw_html::escape(event);
    }
}

/// Reads `event` (not a heading's start) into `out`'s text and heading spans, and gives
/// its footnote labels their prefix and its heading end its level.
#[inline]
fn read(out: &mut Rendered, nesting: Nesting<'_>, event: &mut Event<'_>) {
    match event {
        Event::FootnoteReference(label) | Event::Start(Tag::FootnoteDefinition(label)) => {
            *label = CowStr::from(nesting.id(label));
        }
        Event::End(TagEnd::Heading(level)) => {
            *level = shifted(*level, nesting.shift);
            let at = out.text.len();
            if let Some(span) = out.heading_spans.last_mut() {
                span.end = at;
            }
            out.text.push(' ');
        }
        Event::Text(t) | Event::Code(t) => out.text.push_str(t),
        // Blocks separate words: without a space, the last word of a list item and
        // the first of its nested list would become one search term (#5).
        Event::SoftBreak | Event::HardBreak | Event::Rule => out.text.push(' '),
        Event::Start(tag) if !is_inline(tag) => out.text.push(' '),
        Event::End(end) if !is_inline_end(end) => out.text.push(' '),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Nesting, RawHtml, Rewrite, to_html, to_html_nested};

    fn drafts(dest: &str) -> Option<Rewrite> {
        Some(match dest.starts_with("draft") {
            true => Rewrite::Text,
            false => Rewrite::To(format!("A/{dest}")),
        })
    }

    #[test]
    fn a_heading_keeps_its_inline_markup_and_links_and_names_its_anchor_by_text() {
        let r = to_html(
            "## Un *beau* [lien](a.md) `x`\n",
            &drafts,
            RawHtml::Sanitize,
        );
        assert_eq!(
            r.html,
            "<h2 id=\"un-beau-lien-x\">Un <em>beau</em> <a href=\"A/a.md\">lien</a> \
             <code>x</code> <a class=\"anchor\" href=\"#un-beau-lien-x\" \
             aria-label=\"Un beau lien x\">#</a></h2>\n"
        );
        assert_eq!(r.text, "Un beau lien x ");
        assert_eq!(r.heading_spans.len(), 1);
        assert_eq!(&r.text[r.heading_spans[0].clone()], "Un beau lien x");
        assert_eq!(r.headings[0].text, "Un beau lien x");
    }

    #[test]
    fn a_link_to_a_draft_loses_its_link_inside_and_after_a_heading() {
        let body = "## Voir [le brouillon](draft.md)\n\nEt [ceci](draft.md) [cela](a.md).\n";
        let r = to_html(body, &drafts, RawHtml::Sanitize);
        assert_eq!(
            r.html,
            "<h2 id=\"voir-le-brouillon\">Voir le brouillon <a class=\"anchor\" \
             href=\"#voir-le-brouillon\" aria-label=\"Voir le brouillon\">#</a></h2>\n\
             <p>Et ceci <a href=\"A/a.md\">cela</a>.</p>\n"
        );
    }

    #[test]
    fn a_script_link_loses_its_link_unless_raw_html_is_allowed() {
        let body = "[x](javascript:alert) [y](#moi)\n";
        let none = |_: &str| None;
        let r = to_html(body, &none, RawHtml::Sanitize);
        assert_eq!(r.html, "<p>x <a href=\"#moi\">y</a></p>\n");
        let r = to_html(body, &none, RawHtml::Allow);
        assert_eq!(
            r.html,
            "<p><a href=\"javascript:alert\">x</a> <a href=\"#moi\">y</a></p>\n"
        );
    }

    #[test]
    fn a_nested_body_prefixes_its_ids_footnotes_and_fragments_and_shifts_headings() {
        let body = "## T\n\nTexte[^1], [voir](#t).\n\n[^1]: note\n";
        let nesting = Nesting {
            id_prefix: "f",
            shift: 1,
        };
        let r = to_html_nested(body, &|_| None, RawHtml::Sanitize, nesting);
        assert_eq!(
            r.html,
            "<h3 id=\"f-t\">T <a class=\"anchor\" href=\"#f-t\" aria-label=\"T\">#</a></h3>\n\
             <p>Texte<sup class=\"footnote-reference\"><a href=\"#f-1\">1</a></sup>, \
             <a href=\"#f-t\">voir</a>.</p>\n\
             <div class=\"footnote-definition\" id=\"f-1\">\
             <sup class=\"footnote-definition-label\">1</sup>\n<p>note</p>\n</div>\n"
        );
        assert_eq!(r.headings[0].level, 3);
    }

    #[test]
    fn raw_html_in_a_heading_is_sanitized_and_its_anchor_kept() {
        let body = "## A <b>x</b> <script>y</script>\n\n<i>z</i>\n";
        let r = to_html(body, &|_| None, RawHtml::Sanitize);
        assert_eq!(
            r.html,
            "<h2 id=\"a-x-y\">A <b>x</b>  <a class=\"anchor\" href=\"#a-x-y\" \
             aria-label=\"A x y\">#</a></h2>\n<p><i>z</i></p>\n"
        );
        // Search keeps the words inside raw HTML.
        assert_eq!(
            r.text.split_whitespace().collect::<Vec<_>>(),
            ["A", "x", "y", "z"]
        );
        let r = to_html("<i>z</i> w\n", &|_| None, RawHtml::Escape);
        assert_eq!(r.html, "<p>&lt;i&gt;z&lt;/i&gt; w</p>\n");
    }

    /// `escape` shows a heading's raw HTML as text, and its anchor stays a link: the
    /// anchor is the engine's own HTML, not the author's.
    #[test]
    fn raw_html_in_a_heading_is_escaped_and_its_anchor_kept() {
        let body = "## A <b>x</b>\n\nUn <i>mot</i>.\n";
        let r = to_html(body, &|_| None, RawHtml::Escape);
        assert_eq!(
            r.html,
            "<h2 id=\"a-x\">A &lt;b&gt;x&lt;/b&gt; <a class=\"anchor\" href=\"#a-x\" \
             aria-label=\"A x\">#</a></h2>\n<p>Un &lt;i&gt;mot&lt;/i&gt;.</p>\n"
        );
        assert_eq!(r.headings[0].id, "a-x");
        assert_eq!(
            r.text.split_whitespace().collect::<Vec<_>>(),
            ["A", "x", "Un", "mot."]
        );
    }
}
