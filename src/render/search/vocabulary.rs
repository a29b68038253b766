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

use super::scan::{next_span, pack};
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
    /// Each raw word seen of at most 16 bytes, packed ([`pack`]) → what it gives. Most
    /// words are that short: their key is in the table itself, where a `Box<str>` sent
    /// every lookup to the word's bytes elsewhere in memory (at 10,000 pages, comparing
    /// them was a third of the time of weighing).
    short: WordMap<u128, Gives>,
    /// Likewise for the longer words.
    words: WordMap<Box<str>, Gives>,
    /// The term numbers of the raw words that give several, laid end to end.
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

/// The terms a raw word gives.
#[derive(Clone, Copy)]
enum Gives {
    /// None: a stop word, or a word too short.
    Nothing,
    /// One, by its number: most words, read from the map's entry itself.
    One(u32),
    /// The terms numbered in this range of [`Memo::parts`], where folding splits the
    /// word (`l’œuvre`).
    Several(u32, u32),
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
        if self.short.len() + self.words.len() > MEMO_LIMIT || self.page == u32::MAX {
            *self = Memo::default();
        }
        self.page += 1;
        let mut weighed: Vec<Weighed> = Vec::with_capacity(256);
        for (text, weight) in texts {
            let mut i = 0;
            while let Some(span) = next_span(text, i) {
                i = span.end;
                let key = pack(text.as_bytes(), span.clone());
                let known = match key {
                    Some(key) => self.short.get(&key),
                    None => self.words.get(&text[span.clone()]),
                };
                let gives = match known {
                    Some(&gives) => gives,
                    None => self.learn(&text[span], key),
                };
                let mut tally = |number| {
                    tally(&mut self.last_use, self.page, &mut weighed, number, weight);
                };
                match gives {
                    Gives::Nothing => {}
                    Gives::One(number) => tally(number),
                    Gives::Several(start, end) => {
                        self.parts[start as usize..end as usize]
                            .iter()
                            .for_each(|&number| tally(number));
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

    /// Folds, splits, filters and stems a raw word not seen yet (packed as `key` if it
    /// is short), numbering its new terms.
    fn learn(&mut self, word: &str, key: Option<u128>) -> Gives {
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
        let gives = match self.parts[start as usize..] {
            [] => Gives::Nothing,
            [number] => {
                self.parts.truncate(start as usize);
                Gives::One(number)
            }
            _ => Gives::Several(start, self.parts.len() as u32),
        };
        match key {
            Some(key) => self.short.insert(key, gives),
            None => self.words.insert(word.into(), gives),
        };
        gives
    }
}

/// Counts one use of term `number`, with `weight`, in the terms `weighed` of `page`.
#[inline]
fn tally(
    last_use: &mut [(u32, u32)],
    page: u32,
    weighed: &mut Vec<Weighed>,
    number: u32,
    weight: u32,
) {
    let last = &mut last_use[number as usize];
    if last.0 != page {
        *last = (page, weighed.len() as u32);
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

    /// Words of up to 16 bytes are remembered packed, longer ones as they are: either
    /// way they give the terms that folding and stemming them anew gives, on first sight
    /// and from the memo.
    #[test]
    fn short_and_long_words_give_their_terms() {
        // 15 bytes (with a two-byte letter) and 15, 16 (two-byte letter) and 16, 17, 18.
        let text = "écologiquement conflictualites Réorganisations anticonstitution \
                    professionnalisme organisationnelles";
        for word in text.split(' ') {
            let key = pack(word.as_bytes(), 0..word.len());
            assert_eq!(key.is_some(), word.len() <= 16, "{word}");
        }
        let mut expected: Vec<String> = super::super::terms(text).collect();
        expected.dedup();
        assert_eq!(expected.len(), 6, "{expected:?}");
        let twice = format!("{text} {text}");
        for _ in 0..2 {
            let (joined, ends) = weigh([(twice.as_str(), 3)].into_iter());
            let mut start = 0;
            let got: Vec<(&str, u32)> = ends
                .iter()
                .map(|&(end, weight)| {
                    let term = &joined[start..end as usize];
                    start = end as usize;
                    (term, weight)
                })
                .collect();
            let want: Vec<(&str, u32)> = expected.iter().map(|t| (t.as_str(), 6)).collect();
            assert_eq!(got, want);
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

    /// A raw word gives no term (a stop word, a letter), one, or several where folding
    /// splits it (`İ` lowercases to `i` and a combining dot, which is not alphanumeric):
    /// each counts every one of its terms, on first sight and from the memo, short (10
    /// bytes) or long (23 bytes).
    #[test]
    fn words_give_none_one_or_several_terms() {
        let (short, long) = ("ÇİFTLİK", "ÇİFTLİKLERİMİZDEN");
        assert_eq!(super::super::terms(short).count(), 2);
        assert!(super::super::terms(long).count() > 2);
        let text = format!("Les {short} réseau, l’ a {long} réseau {short} l’œuvre {long}");
        let text = text.as_str();
        let mut expected: Vec<(String, u32)> = Vec::new();
        for term in super::super::terms(text) {
            match expected.iter_mut().find(|(t, _)| *t == term) {
                Some((_, weight)) => *weight += 4,
                None => expected.push((term, 4)),
            }
        }
        for _ in 0..2 {
            let (joined, ends) = weigh([(text, 4)].into_iter());
            let mut start = 0;
            let got: Vec<(String, u32)> = ends
                .iter()
                .map(|&(end, weight)| {
                    let term = joined[start..end as usize].to_string();
                    start = end as usize;
                    (term, weight)
                })
                .collect();
            assert_eq!(got, expected);
        }
    }
}
