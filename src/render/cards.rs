//! Cards: a page as lists show it (its kind, title, link, summary), rendered once by the
//! theme's optional `card.html` and reused wherever the page is listed. A page is listed
//! a dozen times on average (its kind's list, its tags' pages, the related pages and
//! relations of other pages), and running the theme's card loop for each use was a
//! seventh of a build's instructions (benches/README.md).
//!
//! A card's link is relative, so a card is made once per depth of the file that lists
//! it (the number of directories above it), and per variant: `mixed` lists (a page's
//! relations and related pages) hold pages of several kinds. Each (depth, variant) gets
//! its slots on first use; each slot is filled once, by whichever thread needs it first.
//! When the template prints the link plainly ([`relocate`]), the card of each variant is
//! rendered once, with a marker for its link, and each use's card is that rendering with
//! the link put in the marker's place: a page listed at three depths costs one render
//! instead of three, and one kept card per variant instead of one per depth.

mod relocate;

use std::borrow::Cow;
use std::sync::{Mutex, OnceLock};

use tera::Context;

use super::Theme;
use super::views::PageLink;
use crate::diag::Error;

/// The theme's card template.
const TEMPLATE: &str = "card.html";

/// What a relocatable card is rendered with in place of its link: no field of a page
/// holds it (those that do are rendered for each depth), and escaping leaves it as is.
const MARKER: &str = "\u{1}archipel-href\u{1}";

/// Depths whose cards are kept: the deepest file that lists pages is a tag's later page,
/// `tags/<id>/page/<n>/index.html` (depth 4); a deeper one would render its cards each
/// time it lists them.
const KEPT_DEPTHS: usize = 8;

/// The slot of the cards listed by output file `from` in a `mixed` list or not, if its
/// depth is kept.
fn slot(from: &str, mixed: bool) -> Option<usize> {
    let depth = from.bytes().filter(|&b| b == b'/').count();
    (depth < KEPT_DEPTHS).then_some(2 * depth + usize::from(mixed))
}

/// A page's card, as [`PageLink::card`]: present in lists when the theme has a
/// `card.html`, the link alone otherwise. Not hashed: it is made from the link's other
/// fields, which are, and from the list's variant, which its place fixes.
#[derive(Default)]
pub struct Card<'a>(pub Option<Cow<'a, str>>);

impl Card<'_> {
    pub(super) fn is_none(&self) -> bool {
        self.0.is_none()
    }
}

impl serde::Serialize for Card<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Some(card) => s.serialize_str(card),
            None => s.serialize_none(),
        }
    }
}

impl std::hash::Hash for Card<'_> {
    fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
}

/// One card slot per page, filled on first use.
type Slots = Box<[OnceLock<Box<str>>]>;

/// The cards of one phase of a render, each made on first use.
pub struct Cards<'t> {
    theme: &'t Theme,
    /// How many pages the site has.
    pages: usize,
    /// For each depth then variant, one slot per page.
    slots: [OnceLock<Slots>; 2 * KEPT_DEPTHS],
    /// When the template is relocatable, for each variant, one slot per page for its card
    /// rendered with [`MARKER`] as its link.
    marked: Option<[OnceLock<Slots>; 2]>,
    /// The first error a card's template gave, until [`Cards::check`] reports it.
    error: Mutex<Option<Error>>,
    /// Contexts of the theme's strings, one per thread that renders cards, each taking
    /// the card's variables in turn: a card is a few lookups, and building a whole
    /// context for each cost more than rendering it.
    contexts: Mutex<Vec<Context>>,
}

impl<'t> Cards<'t> {
    /// The cards of a site of `pages` pages, or `None` when `theme` has no
    /// `card.html` (its lists then show the links' fields themselves).
    pub fn new(theme: &'t Theme, pages: usize) -> Option<Self> {
        let template = theme.tera.get_template(TEMPLATE).ok()?;
        Some(Cards {
            theme,
            pages,
            slots: std::array::from_fn(|_| OnceLock::new()),
            marked: relocate::relocatable(&template.ast)
                .then(|| std::array::from_fn(|_| OnceLock::new())),
            error: Mutex::default(),
            contexts: Mutex::default(),
        })
    }

    /// The card of `link`, the link to page `i` from output file `from`, in a `mixed`
    /// list or not. `None` when its template failed: [`Cards::check`] says why.
    pub fn card(
        &self,
        i: usize,
        link: &PageLink<'_>,
        from: &str,
        mixed: bool,
    ) -> Option<Cow<'_, str>> {
        if let Some(marked) = &self.marked {
            // Made anew for each use: splicing costs little, and keeping a copy for each
            // depth held over 100 MB at 100,000 pages.
            let marked = &marked[usize::from(mixed)];
            return self.relocated(marked, i, link, from, mixed).map(Cow::Owned);
        }
        let Some(slots) = slot(from, mixed).map(|s| &self.slots[s]) else {
            return self.render(link, from, mixed).map(Cow::Owned);
        };
        self.kept(slots, i, || self.render(link, from, mixed))
            .map(Cow::Borrowed)
    }

    /// Page `i`'s card in `slots`, made by `make` on first use.
    fn kept<'s>(
        &'s self,
        slots: &'s OnceLock<Slots>,
        i: usize,
        make: impl FnOnce() -> Option<String>,
    ) -> Option<&'s str> {
        let slots = slots.get_or_init(|| (0..self.pages).map(|_| OnceLock::new()).collect());
        if let Some(card) = slots[i].get() {
            return Some(card);
        }
        let card = make()?;
        Some(slots[i].get_or_init(|| card.into_boxed_str()))
    }

    /// The card of `link` (to page `i`, from `from`) made from the page's card rendered
    /// with [`MARKER`] for its link, kept in `marked`, the slots of its variant.
    fn relocated(
        &self,
        marked: &OnceLock<Slots>,
        i: usize,
        link: &PageLink<'_>,
        from: &str,
        mixed: bool,
    ) -> Option<String> {
        if [link.title, link.summary, link.kind]
            .iter()
            .any(|field| field.contains(MARKER))
        {
            return self.render(link, from, mixed);
        }
        let card = self.kept(marked, i, || {
            let blank = PageLink {
                href: MARKER.to_string(),
                card: Card::default(),
                ..*link
            };
            self.render(&blank, from, mixed)
        })?;
        Some(splice(card, &link.href))
    }

    /// Renders the card of `link` from `from`, keeping the error if it fails.
    fn render(&self, link: &PageLink<'_>, from: &str, mixed: bool) -> Option<String> {
        let kept = self
            .contexts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop();
        let mut context = kept.unwrap_or_else(|| self.theme.strings_context());
        // The link's fields as variables of their own: Tera looks a dotted name up
        // segment by segment, each unescaped with two replacements (benches/README.md).
        // (A link always serializes as a map.)
        if let Ok(fields) = Context::from_serialize(link) {
            context.extend(fields);
        }
        context.insert("mixed", &mixed);
        let rendered = self.theme.render_fragment(TEMPLATE, &context, from, 512);
        self.contexts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(context);
        match rendered {
            Ok(card) => Some(card),
            Err(e) => {
                let mut error = self.error.lock().unwrap_or_else(|e| e.into_inner());
                error.get_or_insert(e);
                None
            }
        }
    }

    /// The error of a card that could not be rendered, if any.
    pub fn check(&self) -> Result<(), Error> {
        match self.error.lock().unwrap_or_else(|e| e.into_inner()).take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// `card` with `href` in place of each [`MARKER`]: escaped, since `{{ href }}` escapes
/// what it prints. The marker begins with a byte no text has, found by `memchr`.
fn splice(card: &str, href: &str) -> String {
    let href = crate::escape::html(href);
    let mut out = String::with_capacity(card.len() + href.len());
    let mut rest = card;
    while let Some(at) = memchr::memchr(MARKER.as_bytes()[0], rest.as_bytes()) {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        match after.strip_prefix(MARKER) {
            Some(after) => {
                out.push_str(&href);
                rest = after;
            }
            None => {
                out.push_str(&after[..1]);
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spliced_card_has_the_escaped_link_in_each_marker_s_place() {
        let card = format!("<a href=\"{MARKER}\">x\u{1}y</a><a href=\"{MARKER}\">z</a>");
        assert_eq!(
            splice(&card, "../a&b/"),
            "<a href=\"../a&amp;b/\">x\u{1}y</a><a href=\"../a&amp;b/\">z</a>"
        );
        assert_eq!(splice("no link", "../x/"), "no link");
    }

    #[test]
    fn each_depth_and_variant_has_its_slot_up_to_the_kept_depths() {
        assert_eq!(slot("index.html", false), Some(0));
        assert_eq!(slot("index.html", true), Some(1));
        assert_eq!(slot("methodes/index.html", false), Some(2));
        assert_eq!(slot("tags/vote/index.html", false), Some(4));
        assert_eq!(slot("cas/second/index.html", true), Some(5));
        assert_eq!(slot("tags/vote/page/2/index.html", false), Some(8));
        assert_eq!(slot("a/b/c/d/e/f/g/index.html", true), Some(15));
        assert_eq!(slot("a/b/c/d/e/f/g/h/index.html", false), None);
    }
}
