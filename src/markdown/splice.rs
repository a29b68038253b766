//! A body rendered before its links are resolved, from the same parse as its scan
//! ([`prepare`]), and finished once they are ([`Prepared::splice`]): each Markdown body
//! is then parsed once in a build, not once by the link stage and again by the render
//! (#16). What the render's rewriter decides is all that the scan does not know: the
//! HTML is written with every relative link as written, and the places that depend on
//! the rewriter are noted as it is written (a link's address, its start and end tags, an
//! image's source), to be spliced in.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::render::Pass;
use super::{Nesting, RawHtml, Rendered, Rewrite, Scan, relative_target};
use pieces::{Pieces, SHORTEST};

mod pieces;

/// A body's HTML with its relative links as written, the rest of its render (headings,
/// text), and where the rewriter's answers go in the HTML. The HTML and the text are
/// kept as pieces of the body (see [`pieces`]). Boxed: a site that packs its texts
/// holds a `None` for each page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared(Box<Parts>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Parts {
    /// The render, its HTML and text aside.
    rendered: Rendered,
    html: Pieces,
    text: Pieces,
    holes: Box<[Hole]>,
    /// The length of the body it was made from.
    body: usize,
}

/// A place in the HTML that depends on what the rewriter answers.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Hole {
    /// A link's start tag, with its destination and where its address is written. Both
    /// ranges are empty where the tag is not written (a link in an image's text).
    Link {
        dest: String,
        tag: Range<usize>,
        href: Range<usize>,
    },
    /// The end tag of the last link.
    LinkEnd(Range<usize>),
    /// An image, with its destination and where its source is written (empty if it is
    /// not: an image in another image's text).
    Image { dest: String, src: Range<usize> },
}

thread_local! {
    /// The buffers each thread writes a body's HTML and text into before it copies them.
    static SCRATCH: RefCell<(String, String)> = RefCell::default();
}

/// Renders `body` with its relative links as written, scanning it on the way.
pub(super) fn prepare(body: &str, policy: RawHtml) -> (Scan, Prepared) {
    let keep = |_: &str| None;
    let mut pass = Pass::new(body, &[], &keep, policy, Nesting::default());
    pass.scan = Some(Scan::default());
    let (mut html, mut text) = SCRATCH.take();
    html.clear();
    text.clear();
    pass.out.text = text;
    let written = Cell::new(0);
    let mut html = Measured {
        html,
        written: &written,
    };
    let mut holes = Holes {
        body,
        events: pass.by_ref(),
        written: &written,
        holes: Vec::new(),
        words: Vec::new(),
        last: None,
        open: false,
    };
    pulldown_cmark::html::write_html_fmt(&mut html, holes.by_ref()).expect("writing to a String");
    let (mut holes, words) = (holes.holes, holes.words);
    let html = html.html;
    // The addresses end where their attribute does: `escape_href` writes no `"`.
    for hole in &mut holes {
        if let Hole::Link { href: value, .. } | Hole::Image { src: value, .. } = hole
            && value.start < value.end
        {
            value.end = value.start + html[value.start..].find('"').unwrap_or(0);
        }
    }
    // Kept until the page's render as pieces of the body, the buffers kept for the next.
    let mut rendered = pass.out;
    let text = std::mem::take(&mut rendered.text);
    let prepared = Parts {
        rendered,
        html: Pieces::placed(&html, body, &words),
        text: Pieces::new(&text, body, words.iter().map(|(_, word)| word)),
        holes: holes.into_boxed_slice(),
        body: body.len(),
    };
    SCRATCH.set((html, text));
    let scan = pass.scan.take().unwrap_or_default();
    (scan, Prepared(Box::new(prepared)))
}

impl Prepared {
    /// The body rendered, with each relative destination as `rewrite` says; asks
    /// `rewrite` about the same destinations, in the same order, as [`super::to_html`].
    /// `body` is the body it was prepared from (`None`, having asked nothing, if it is
    /// not).
    pub fn splice(self, body: &str, rewrite: &dyn Fn(&str) -> Option<Rewrite>) -> Option<Rendered> {
        let parts = *self.0;
        if body.len() != parts.body {
            return None;
        }
        let mut out = parts.rendered;
        out.html = parts.html.get(body)?;
        out.text = parts.text.get(body)?;
        let mut edits = Edits {
            html: &out.html,
            spliced: String::new(),
            from: 0,
        };
        // Whether the last link lost its link (it leads to a draft).
        let mut unlinked = false;
        for hole in &parts.holes {
            match hole {
                Hole::Link { dest, tag, href } => match rewrite(dest) {
                    _ if tag.is_empty() => {}
                    Some(Rewrite::To(url)) => edits.replace(href, &url),
                    Some(Rewrite::Text) => {
                        edits.replace(tag, "");
                        unlinked = true;
                    }
                    None => {}
                },
                Hole::LinkEnd(tag) if std::mem::take(&mut unlinked) => edits.replace(tag, ""),
                Hole::LinkEnd(_) => {}
                Hole::Image { dest, src } => {
                    if let Some(Rewrite::To(url)) = rewrite(dest)
                        && !src.is_empty()
                    {
                        edits.replace(src, &url);
                    }
                }
            }
        }
        if edits.spliced.capacity() > 0 {
            let mut spliced = edits.spliced;
            spliced.push_str(&out.html[edits.from..]);
            out.html = spliced;
        }
        Some(out)
    }
}

/// The HTML being spliced: what was copied into `spliced`, up to `from` in `html`.
struct Edits<'h> {
    html: &'h str,
    spliced: String,
    from: usize,
}

impl Edits<'_> {
    /// Writes `url` as an address (or nothing, if empty) in place of `range`.
    fn replace(&mut self, range: &Range<usize>, url: &str) {
        if self.spliced.capacity() == 0 {
            self.spliced.reserve(self.html.len() + 64);
        }
        self.spliced.push_str(&self.html[self.from..range.start]);
        pulldown_cmark_escape::escape_href(&mut self.spliced, url).expect("writing a String");
        self.from = range.end;
    }
}

/// The HTML writer's output, with how much of it is written so far.
struct Measured<'c> {
    html: String,
    written: &'c Cell<usize>,
}

impl fmt::Write for Measured<'_> {
    #[inline]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.html.push_str(s);
        self.written.set(self.html.len());
        Ok(())
    }
}

/// The events on their way to the HTML writer, noting where each hole is written: the
/// writer writes an event whole before it asks for the next one (an image's text aside,
/// which it asks for after the image's source).
struct Holes<'c, I> {
    /// The body, where the text events' words are.
    body: &'c str,
    events: I,
    written: &'c Cell<usize>,
    holes: Vec<Hole>,
    /// The ranges of the body that the HTML holds as they are, in order, with where it
    /// holds each: its text events written without escaping (see [`Pieces`]).
    words: Vec<(usize, Range<usize>)>,
    /// What the last event given out was, if it was a hole or a text.
    last: Option<Last>,
    /// Whether the last link start was a hole (links do not nest: its end is next).
    open: bool,
}

/// The last event given out, when its output matters.
enum Last {
    /// A hole, whose address starts this many bytes into its output.
    Hole(usize),
    /// A text, whose output started at `start`, that is `word` of the body.
    Text { start: usize, word: Range<usize> },
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for Holes<'_, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        let at = self.written.get();
        match self.last.take() {
            Some(Last::Hole(offset)) => self.written_up_to(at, offset),
            // Written as it is: escaping would have made it longer.
            Some(Last::Text { start, word }) if at - start == word.len() => {
                self.words.push((start, word));
            }
            _ => {}
        }
        let event = self.events.next()?;
        let (hole, offset) = match &event {
            Event::Text(CowStr::Borrowed(text)) if text.len() >= SHORTEST => {
                if let Some(word) = within(self.body, text) {
                    self.last = Some(Last::Text { start: at, word });
                }
                return Some(event);
            }
            Event::Start(Tag::Link {
                dest_url,
                link_type,
                ..
            }) if relative_target(dest_url).is_some() => {
                let offset = match link_type {
                    LinkType::Email => r#"<a href="mailto:"#.len(),
                    _ => r#"<a href=""#.len(),
                };
                let hole = Hole::Link {
                    dest: dest_url.to_string(),
                    tag: at..at,
                    href: at..at,
                };
                self.open = true;
                (hole, offset)
            }
            Event::End(TagEnd::Link) if std::mem::take(&mut self.open) => {
                (Hole::LinkEnd(at..at), 0)
            }
            Event::Start(Tag::Image { dest_url, .. }) if relative_target(dest_url).is_some() => {
                let hole = Hole::Image {
                    dest: dest_url.to_string(),
                    src: at..at,
                };
                (hole, r#"<img src=""#.len())
            }
            _ => return Some(event),
        };
        self.holes.push(hole);
        self.last = Some(Last::Hole(offset));
        Some(event)
    }
}

/// Where `part` is in `body`, if it is a slice of it.
fn within(body: &str, part: &str) -> Option<Range<usize>> {
    let start = (part.as_ptr() as usize).checked_sub(body.as_ptr() as usize)?;
    (start + part.len() <= body.len()).then_some(start..start + part.len())
}

impl<I> Holes<'_, I> {
    /// The last hole's output ends at `at`: its ranges cover it, if it was written, its
    /// address starting `offset` bytes in (the end of which is found in the HTML).
    fn written_up_to(&mut self, at: usize, offset: usize) {
        let Some(hole) = self.holes.last_mut() else {
            return;
        };
        match hole {
            Hole::Link { tag, href, .. } if tag.start < at => {
                tag.end = at;
                *href = tag.start + offset..at;
            }
            Hole::LinkEnd(tag) => tag.end = at,
            Hole::Image { src, .. } if src.start < at => *src = src.start + offset..at,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::super::{RawHtml, Rendered, Rewrite, scan, scan_rendered, to_html_scanned};

    /// Drafts lose their link, `keep*` stays as written, others point to `A/…`.
    fn rewrite(dest: &str) -> Option<Rewrite> {
        match dest {
            d if d.starts_with("draft") => Some(Rewrite::Text),
            d if d.starts_with("keep") => None,
            d => Some(Rewrite::To(format!("A/{d}?x=1&y=\"é\""))),
        }
    }

    /// `body` spliced, checked against the two-pass render: the same HTML, text and
    /// headings, the same destinations asked in the same order, the same scan.
    fn spliced(body: &str, policy: RawHtml) -> Rendered {
        let (scanned, prepared) = scan_rendered(body, policy);
        assert_eq!(scanned, scan(body));
        let asked = RefCell::new(Vec::new());
        let recording = |d: &str| {
            asked.borrow_mut().push(d.to_string());
            rewrite(d)
        };
        let prepared = prepared.expect("rendered by the scan");
        assert!(prepared.clone().splice("autre", &recording).is_none());
        assert!(asked.borrow().is_empty());
        let out = prepared.splice(body, &recording).unwrap();
        let asked = asked.take();
        let again = RefCell::new(Vec::new());
        let recording = |d: &str| {
            again.borrow_mut().push(d.to_string());
            rewrite(d)
        };
        let expected = to_html_scanned(body, &scanned.ids, &recording, policy);
        assert_eq!(out, expected, "{body}");
        assert_eq!(asked, again.take());
        out
    }

    #[test]
    fn a_relative_link_gets_its_new_address() {
        let r = spliced(
            "Voir [la fiche](a.md#t \"Titre\") et [web](https://e.org).\n",
            RawHtml::Sanitize,
        );
        assert_eq!(
            r.html,
            "<p>Voir <a href=\"A/a.md#t?x=1&amp;y=%22%C3%A9%22\" title=\"Titre\">la fiche</a> \
             et <a href=\"https://e.org\">web</a>.</p>\n"
        );
    }

    #[test]
    fn a_link_to_a_draft_becomes_its_text_and_what_it_holds_is_kept() {
        let body = "Un [*brouillon* ![i](i.png)](draft.md), [ceci](keep.md) \
                    et [cela](b.md).\n\n[encore](draft.md)\n";
        let r = spliced(body, RawHtml::Sanitize);
        assert_eq!(
            r.html,
            "<p>Un <em>brouillon</em> <img src=\"A/i.png?x=1&amp;y=%22%C3%A9%22\" alt=\"i\" />, \
             <a href=\"keep.md\">ceci</a> et \
             <a href=\"A/b.md?x=1&amp;y=%22%C3%A9%22\">cela</a>.</p>\n<p>encore</p>\n"
        );
    }

    #[test]
    fn a_heading_keeps_its_id_and_anchor_and_its_links_are_spliced() {
        let body = "## Voir [le brouillon](draft.md)\n\n## Voir [ceci](c.md) {#moi}\n";
        let r = spliced(body, RawHtml::Sanitize);
        assert_eq!(
            r.html,
            "<h2 id=\"voir-le-brouillon\">Voir le brouillon <a class=\"anchor\" \
             href=\"#voir-le-brouillon\" aria-label=\"Voir le brouillon\">#</a></h2>\n\
             <h2 id=\"moi\">Voir <a href=\"A/c.md?x=1&amp;y=%22%C3%A9%22\">ceci</a> \
             <a class=\"anchor\" href=\"#moi\" aria-label=\"Voir ceci\">#</a></h2>\n"
        );
        assert_eq!(r.headings[1].id, "moi");
    }

    #[test]
    fn escaped_raw_html_stays_text_around_spliced_links() {
        let body = "## A <b>x</b>\n\n<i>[y](draft.md)</i> [z](z.md)\n\n<div>\n[w](w.md)\n</div>\n";
        let r = spliced(body, RawHtml::Escape);
        assert_eq!(
            r.html,
            "<h2 id=\"a-x\">A &lt;b&gt;x&lt;/b&gt; <a class=\"anchor\" href=\"#a-x\" \
             aria-label=\"A x\">#</a></h2>\n<p>&lt;i&gt;y&lt;/i&gt; \
             <a href=\"A/z.md?x=1&amp;y=%22%C3%A9%22\">z</a></p>\n\
             &lt;div&gt;\n[w](w.md)\n&lt;/div&gt;\n"
        );
        // Allowed raw HTML is kept as written, around the links.
        spliced(body, RawHtml::Allow);
    }

    #[test]
    fn links_the_writer_does_not_write_whole_are_asked_about_all_the_same() {
        for body in [
            // A link and an image in an image's text: only their text is written.
            "![un [lien](b.md) ![x](draft.png)](i.png) [a](draft.md)\n",
            "![un [lien](draft.md)](keep.png) [a](a.md)\n",
            // An e-mail autolink, a script link, a footnote, a table, a reference link.
            "<moi@example.org> [x](javascript:alert) [y][r]\n\n[r]: draft.md\n",
            "Texte[^1]\n\n[^1]: [note](n.md)\n\n| a | [b](b.md) |\n|---|---|\n| [c](draft.md) | d |\n",
            "[](empty.md)[](draft.md)\n",
        ] {
            spliced(body, RawHtml::Escape);
            spliced(body, RawHtml::Allow);
        }
    }

    #[test]
    fn the_search_text_is_the_render_s_with_long_words_taken_from_the_html() {
        let body = "## Un titre assez long pour une pièce\n\nUne ligne de texte assez longue,\n\
                    une autre & encore < une [avec un lien assez long](draft.md) `du code assez long`\n\n\
                    ![une image au texte assez long](i.png)\n\n<div>\nune ligne de HTML assez longue\n\
                    </div>\n\n- un élément de liste assez long\n";
        let r = spliced(body, RawHtml::Escape);
        assert!(
            r.text
                .contains("une autre & encore < une avec un lien assez long du code")
        );
        spliced(body, RawHtml::Allow);
    }

    /// A site whose texts are packed keeps a `None` for each page: a pointer's worth.
    #[test]
    fn no_prepared_body_takes_a_pointer() {
        assert_eq!(
            std::mem::size_of::<Option<super::Prepared>>(),
            std::mem::size_of::<usize>()
        );
    }

    #[test]
    fn sanitized_raw_html_is_left_to_the_render() {
        let (scanned, prepared) = scan_rendered("<b>[x](a.md)</b>\n", RawHtml::Sanitize);
        assert_eq!(scanned.links.len(), 1);
        assert!(prepared.is_none());
        assert!(scan_rendered("[x](a.md)\n", RawHtml::Sanitize).1.is_some());
    }
}
