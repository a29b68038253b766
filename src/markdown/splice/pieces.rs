//! A prepared body's HTML and search text, kept as pieces of its Markdown (see
//! [`super::Prepared`]), which stays in memory as read until the page renders: most of
//! both is the body's lines of text, which the Markdown holds as they are, so each is
//! kept as what lies between those lines and where in the Markdown each line is. At
//! 10,000 pages, the bodies' HTML and text took 120 MB until their pages rendered, a
//! build's peak rising from 200 to 300 MB; as pieces, they take a tenth of that (#16).

use std::ops::Range;

/// A string as pieces: each is some bytes of `between`, then a copy of some of a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Pieces {
    between: Box<str>,
    pieces: Box<[Piece]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    /// How many bytes of `between` come first.
    between: u32,
    /// Where the copy starts in the source, and its length.
    from: u32,
    len: u32,
}

/// Words shorter than this are kept in `between`: a piece takes 12 bytes.
pub(super) const SHORTEST: usize = 16;

/// How many bytes the search for the words may compare, per byte of the string, before
/// the rest is kept whole: a word the string lacks is searched for through its rest.
const SEARCH: usize = 4;

impl Pieces {
    /// `whole` as pieces of `source`, where `words` are ranges of `source` that hold
    /// parts of `whole` as they are, in the order `whole` has them. Each piece is checked
    /// against `whole`, so a range it lacks is only kept as text. `whole` and `source`
    /// are shorter than 4 GiB.
    pub(super) fn new<'w>(
        whole: &str,
        source: &str,
        words: impl Iterator<Item = &'w Range<usize>>,
    ) -> Pieces {
        let mut out = Builder::default();
        let mut budget = SEARCH * whole.len();
        for range in words.filter(|w| w.len() >= SHORTEST) {
            let word = source.as_bytes().get(range.clone()).unwrap_or_default();
            match find(&whole.as_bytes()[out.at..], word, &mut budget) {
                Some(skip) => out.piece(whole, out.at + skip, range),
                None if budget == 0 => break,
                None => {}
            }
        }
        out.finish(whole)
    }

    /// [`Pieces::new`], where `words` also say where `whole` holds each range of
    /// `source`: no search is needed, each is only checked.
    pub(super) fn placed(whole: &str, source: &str, words: &[(usize, Range<usize>)]) -> Pieces {
        let mut out = Builder::default();
        for (at, range) in words.iter().filter(|(_, w)| w.len() >= SHORTEST) {
            let word = source.as_bytes().get(range.clone());
            let here = whole.as_bytes().get(*at..at + range.len());
            if *at >= out.at && word.is_some() && here == word {
                out.piece(whole, *at, range);
            }
        }
        out.finish(whole)
    }

    /// The string, from the `source` it was made with (`None` if that is not it).
    pub(super) fn get(&self, source: &str) -> Option<String> {
        let copied: usize = self.pieces.iter().map(|p| p.len as usize).sum();
        let mut whole = String::with_capacity(self.between.len() + copied);
        let mut between = 0;
        for piece in self.pieces.iter() {
            let next = between + piece.between as usize;
            whole.push_str(self.between.get(between..next)?);
            between = next;
            let from = piece.from as usize;
            whole.push_str(source.get(from..from + piece.len as usize)?);
        }
        Some(whole)
    }
}

/// Pieces being made from the start of a string: up to `at`.
#[derive(Default)]
struct Builder {
    between: String,
    pieces: Vec<Piece>,
    at: usize,
}

impl Builder {
    /// The piece of `whole` at `at` (not before `self.at`) that is `range` of the source.
    fn piece(&mut self, whole: &str, at: usize, range: &Range<usize>) {
        self.between.push_str(&whole[self.at..at]);
        self.pieces.push(Piece {
            between: to_u32(at - self.at),
            from: to_u32(range.start),
            len: to_u32(range.len()),
        });
        self.at = at + range.len();
    }

    fn finish(mut self, whole: &str) -> Pieces {
        self.piece(whole, whole.len(), &(0..0));
        Pieces {
            between: self.between.into_boxed_str(),
            pieces: self.pieces.into_boxed_slice(),
        }
    }
}

/// Where `word` first is in `text`, if it is found within `budget` bytes
/// compared (the budget is then spent: 0). Where a word is found is where it starts in
/// the text, for a string in UTF-8 cannot start inside another's character.
fn find(text: &[u8], word: &[u8], budget: &mut usize) -> Option<usize> {
    let first = *word.first()?;
    let mut from = 0;
    while let Some(i) = memchr::memchr(first, &text[from..]) {
        let at = from + i;
        match budget.checked_sub(i + word.len()) {
            Some(left) => *budget = left,
            None => {
                *budget = 0;
                return None;
            }
        }
        if text[at..].starts_with(word) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).expect("a prepared body and its HTML are shorter than 4 GiB")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_comes_back_from_its_pieces_whatever_the_ranges_name() {
        let html = "<p>Une coopération qui dure longtemps &amp; bien.</p>\n<p>Encore une phrase assez longue.</p>";
        let text = " Une coopération qui dure longtemps & bien.  Encore une phrase assez longue. ";
        let range = |word: &str| {
            let start = html.find(word).unwrap();
            start..start + word.len()
        };
        let words = [
            range("Une coopération qui dure"),
            range("Encore une phrase assez longue."),
        ];
        let pieces = Pieces::new(text, html, words.iter());
        assert_eq!(pieces.get(html).unwrap(), text);
        assert_eq!(pieces.pieces.len(), 3);
        assert_eq!(&*pieces.between, "  longtemps & bien.   ");
        // A range the text lacks, or out of order, is kept as text.
        let wrong = [0..20, words[1].clone(), words[0].clone()];
        let pieces = Pieces::new(text, html, wrong.iter());
        assert_eq!(pieces.get(html).unwrap(), text);
        assert_eq!(pieces.pieces.len(), 2);
        // A word the text lacks is passed over; searching for such words stops at a
        // bound, and the rest is kept whole.
        let text = "x".repeat(1000);
        let html = format!("{}{}", "x".repeat(100), "y".repeat(20));
        let found = Pieces::new(&text, &html, [0..100, 100..120, 0..100].iter());
        assert_eq!(found.get(&html).unwrap(), text);
        let pieces = Pieces::new(&text, &html, vec![0..101; 100].iter());
        assert_eq!(pieces.get(&html).unwrap(), text);
        assert_eq!(pieces.pieces.len(), 1);
        assert_eq!(found.pieces.len(), 3);
    }
}
