//! What each word of a page gives to the search index, remembered per thread for the
//! whole build: a site repeats its vocabulary from page to page, and folding, splitting,
//! checking the stop words and stemming every occurrence again was most of the time of
//! indexing (see benches/README.md). Each raw word is looked up once in a map; the terms
//! it gives are numbered, so that a page's terms are gathered by number, without hashing
//! them again.
//!
//! A raw word is a run of alphanumeric characters of the text as written: folding never
//! turns a character that is not alphanumeric into one that is, so the terms of a text
//! are the terms of its raw words, in order (checked for every character by a test).

use std::cell::RefCell;

use super::{BODY, BODY_CAP, WordMap, is_stop_word, stem_str, words};
use crate::slug::fold;

/// Above this many raw words, the memo is emptied before the next page, so that a huge
/// vocabulary (or a long-lived `serve`) does not grow it without end.
const MEMO_LIMIT: usize = 1 << 17;

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
}

/// The memo of one thread.
#[derive(Default)]
struct Memo {
    /// Each raw word seen → the range of `parts` holding the numbers of its terms (none
    /// for a stop word or a word too short; more than one where folding splits it).
    words: WordMap<Box<str>, (u32, u32)>,
    /// The term numbers of the raw words, laid end to end.
    parts: Vec<u32>,
    /// Each term's number, by its text.
    numbers: WordMap<Box<str>, u32>,
    /// Each term's text, by its number.
    terms: Vec<Box<str>>,
    /// For each term number: the page that last used it ([`Memo::page`]) and its slot in
    /// that page's terms.
    last_use: Vec<(u32, u32)>,
    /// The number of the page being weighed, from 1.
    page: u32,
}

/// One term of the page being weighed.
struct Weighed {
    number: u32,
    weight: u32,
    /// Body occurrences counted so far, up to [`BODY_CAP`].
    body: u32,
}

/// The distinct terms of `texts` (each with the weight of where it appears), in order of
/// first use: their texts laid end to end, and where each ends with its weight.
pub(super) fn weigh<'a>(texts: impl Iterator<Item = (&'a str, u32)>) -> (String, Vec<(u32, u32)>) {
    MEMO.with_borrow_mut(|memo| memo.weigh(texts))
}

impl Memo {
    fn weigh<'a>(
        &mut self,
        texts: impl Iterator<Item = (&'a str, u32)>,
    ) -> (String, Vec<(u32, u32)>) {
        if self.words.len() > MEMO_LIMIT || self.page == u32::MAX {
            *self = Memo::default();
        }
        self.page += 1;
        let mut weighed: Vec<Weighed> = Vec::with_capacity(256);
        for (text, weight) in texts {
            for word in words(text) {
                let (start, len) = match self.words.get(word) {
                    Some(&range) => range,
                    None => self.learn(word),
                };
                for &number in &self.parts[start as usize..(start + len) as usize] {
                    let last = &mut self.last_use[number as usize];
                    if last.0 != self.page {
                        *last = (self.page, weighed.len() as u32);
                        weighed.push(Weighed {
                            number,
                            weight: 0,
                            body: 0,
                        });
                    }
                    let entry = &mut weighed[last.1 as usize];
                    if weight == BODY {
                        if entry.body < BODY_CAP {
                            entry.body += 1;
                            entry.weight += BODY;
                        }
                    } else {
                        entry.weight += weight;
                    }
                }
            }
        }
        let term = |w: &Weighed| &*self.terms[w.number as usize];
        let mut text = String::with_capacity(weighed.iter().map(|w| term(w).len()).sum());
        let mut ends = Vec::with_capacity(weighed.len());
        for w in &weighed {
            text.push_str(term(w));
            ends.push((text.len() as u32, w.weight));
        }
        (text, ends)
    }

    /// Folds, splits, filters and stems a raw word not seen yet, numbering its new terms.
    fn learn(&mut self, word: &str) -> (u32, u32) {
        let start = self.parts.len() as u32;
        let folded = fold(word);
        for part in words(&folded).filter(|w| w.len() >= 2 && !is_stop_word(w)) {
            let term = stem_str(part);
            let number = match self.numbers.get(term.as_ref()) {
                Some(&number) => number,
                None => {
                    let number = self.terms.len() as u32;
                    self.numbers.insert(term.as_ref().into(), number);
                    self.terms.push(term.as_ref().into());
                    self.last_use.push((0, 0));
                    number
                }
            };
            self.parts.push(number);
        }
        let range = (start, self.parts.len() as u32 - start);
        self.words.insert(word.into(), range);
        range
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The premise of the memo: a character that is not alphanumeric folds to characters
    /// that are not either, so that no word of a folded text spans two raw words.
    #[test]
    fn folding_never_makes_a_separator_alphanumeric() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            if !c.is_alphanumeric() {
                let folded = fold(c.encode_utf8(&mut [0; 4]));
                assert!(
                    !folded.chars().any(char::is_alphanumeric),
                    "U+{:04X} folds to {folded:?}",
                    u32::from(c)
                );
            }
        }
    }

    /// A page's weights are its own: the memo's numbers carry over from page to page,
    /// the counts do not.
    #[test]
    fn each_page_is_weighed_afresh() {
        let page = || weigh([("Réseaux locaux", 16), ("réseau réseau local", 1)].into_iter());
        let first = page();
        assert_eq!(first, ("reseaulocal".to_string(), vec![(6, 18), (11, 17)]));
        assert_eq!(page(), first);
        let other = weigh([("local", 1)].into_iter());
        assert_eq!(other, ("local".to_string(), vec![(5, 1)]));
    }
}
