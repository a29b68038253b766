//! The search index: a compact term index written as a script, so that the theme's
//! search works from `file://` without fetching anything.
//!
//! Terms are folded (case, accents) and lightly stemmed for French; the theme's
//! `search.js` (themes/default/static/) applies the same folding, stop words and [`stem`]
//! to what the reader types. The two must change together: the test vectors of
//! `tests/fixtures/search/terms.tsv` are checked here and by `tests/browser`. Each term maps to the
//! documents holding it with a weight: title and tag matches weigh more than body ones.
//! No full text is stored: only a short snippet per document.

use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use crate::slug::fold;

mod files;
mod index;
mod record;
mod scan;
mod vocabulary;
pub use files::{Chunks, Out, Put, SHARD_ABOVE, SHARD_DIR, write_index};
pub use index::Index;

/// One document to index.
pub struct Doc<'a> {
    /// The title.
    pub title: &'a str,
    /// The kind's singular label, or empty.
    pub kind: &'a str,
    /// The URL relative to the site root.
    pub url: String,
    /// The summary, shown as the result's snippet when present.
    pub summary: &'a str,
    /// Tag labels.
    pub tags: Vec<&'a str>,
    /// Each heading's anchor id and text.
    pub headings: Vec<(&'a str, &'a str)>,
    /// Where each heading's text lies in `text` (see [`crate::markdown::Rendered`]).
    pub spans: &'a [Range<usize>],
    /// The body text without markup.
    pub text: &'a str,
}

/// Weights of where a term appears.
const TITLE: u32 = 16;
const TAG: u32 = 8;
const SUMMARY: u32 = 4;
const HEADING: u32 = 4;
const BODY: u32 = 1;
/// A body term counts at most this many times, so long pages do not drown short ones.
const BODY_CAP: u32 = 5;

/// Words too common to help a search. Must match `search.js`.
const STOP_WORDS: &[&str] = &[
    "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "elle", "en", "et", "eux", "il",
    "je", "la", "le", "les", "leur", "lui", "ma", "mais", "me", "meme", "mes", "moi", "mon", "ne",
    "nos", "notre", "nous", "on", "ou", "par", "pas", "pour", "qu", "que", "qui", "sa", "se",
    "ses", "son", "sur", "ta", "te", "tes", "toi", "ton", "tu", "un", "une", "vos", "votre",
    "vous", "est", "sont", "ont", "the", "and", "of", "to", "a", "d", "l", "c", "s", "n", "y",
];

/// Suffixes removed by [`stem`], longest first. Must match `search.js`.
const SUFFIXES: &[&str] = &[
    "issement", "ations", "ation", "ements", "ement", "ments", "ment", "istes", "iste", "ismes",
    "isme", "iques", "ique", "ables", "able", "ances", "ance", "ences", "ence", "euses", "euse",
    "eurs", "eur", "ites", "ite", "ives", "ive", "ifs", "if", "ees", "ee", "er", "es", "e", "s",
    "x",
];

/// A light French stemmer over folded words: strips one common suffix, keeping at least
/// four characters. `cooperations`, `cooperation` and `cooperer` all give `cooper`.
pub fn stem(word: &str) -> String {
    stem_str(word).into_owned()
}

/// [`stem`] without an allocation when the stem is a prefix of the word (almost always).
fn stem_str(word: &str) -> Cow<'_, str> {
    if word.len() <= 4 || !word.is_ascii() {
        return Cow::Borrowed(word);
    }
    // `reseaux` → `reseau`, as its singular stays.
    if let Some(base) = word.strip_suffix("eaux") {
        return Cow::Owned(format!("{base}eau"));
    }
    if let Some(base) = word.strip_suffix("aux")
        && base.len() >= 3
    {
        return Cow::Owned(format!("{base}al"));
    }
    let bytes = word.as_bytes();
    // Only the suffixes that end with the word's last byte: the profile of a 10,000-page
    // build showed the loop over all of them as a top cost of indexing.
    for suffix in &SUFFIXES_BY_LAST[usize::from(bytes[bytes.len() - 1] & 0x7f)] {
        let s = suffix.as_bytes();
        if bytes.len() >= s.len() + 4 && bytes[bytes.len() - s.len()..] == *s {
            return Cow::Borrowed(&word[..word.len() - s.len()]);
        }
    }
    Cow::Borrowed(word)
}

/// [`SUFFIXES`] grouped by their last byte (all are ASCII), longest first as there.
static SUFFIXES_BY_LAST: LazyLock<[Vec<&'static str>; 128]> = LazyLock::new(|| {
    let mut table: [Vec<&'static str>; 128] = std::array::from_fn(|_| Vec::new());
    for suffix in SUFFIXES {
        table[usize::from(suffix.as_bytes()[suffix.len() - 1] & 0x7f)].push(suffix);
    }
    table
});

fn is_stop_word(word: &str) -> bool {
    // The set, and the length of the longest stop word: most words are longer, and are
    // decided without hashing them.
    static SET: LazyLock<(HashSet<&'static str>, usize)> = LazyLock::new(|| {
        let longest = STOP_WORDS.iter().map(|w| w.len()).max().unwrap_or(0);
        (STOP_WORDS.iter().copied().collect(), longest)
    });
    word.len() <= SET.1 && SET.0.contains(word)
}

/// The words of a text: its maximal runs of alphanumeric characters, as
/// `split(|c| !c.is_alphanumeric())` gives them less the empty ones (see [`scan`]).
fn words(text: &str) -> impl Iterator<Item = &str> {
    scan::spans(text).map(move |span| &text[span])
}

/// The terms of an already folded text, borrowed from it where possible.
fn folded_terms(folded: &str) -> impl Iterator<Item = Cow<'_, str>> {
    words(folded)
        .filter(|w| w.len() >= 2 && !is_stop_word(w))
        .map(stem_str)
}

/// The search terms of a text: folded, split on non-alphanumerics, stop words dropped,
/// stemmed.
pub fn terms(text: &str) -> impl Iterator<Item = String> + '_ {
    let folded = fold(text);
    folded_terms(&folded)
        .map(Cow::into_owned)
        .collect::<Vec<_>>()
        .into_iter()
}

/// A document reduced to what the index keeps.
pub struct IndexedDoc {
    /// What a result shows, as JSON: see [`record::record`].
    record: Vec<u8>,
    /// The document's distinct terms, in order of first use, laid end to end: one
    /// allocation per document rather than one per term, which is most of a build's
    /// memory otherwise.
    term_text: String,
    /// For each term of `term_text`, where it ends and its weight.
    term_ends: Vec<(u32, u32)>,
    /// Tells this document from any other (see [`index::stamp`]).
    stamp: u64,
}

impl IndexedDoc {
    /// Each term of the document with its weight.
    fn terms(&self) -> impl Iterator<Item = (&str, u32)> {
        let mut start = 0;
        self.term_ends.iter().map(move |&(end, weight)| {
            let term = &self.term_text[start..end as usize];
            start = end as usize;
            (term, weight)
        })
    }
}

/// A map keyed by the short words of one document, with FxHash (`rustc-hash`): SipHash,
/// the default, was a visible share of indexing. The words come from the site's own
/// files, so there is no flooding to defend against.
type WordMap<K, V> = rustc_hash::FxHashMap<K, V>;

/// Weighs the terms of one document (done per page, in parallel).
pub fn indexed(doc: &Doc<'_>) -> IndexedDoc {
    let texts = [(doc.title, TITLE)]
        .into_iter()
        .chain(doc.tags.iter().map(|t| (*t, TAG)))
        .chain([(doc.summary, SUMMARY)])
        .chain(doc.headings.iter().map(|(_, h)| (*h, HEADING)))
        .chain([(doc.text, BODY)]);
    let (term_text, term_ends) = vocabulary::weigh(texts);
    IndexedDoc {
        record: record::record(doc),
        term_text,
        term_ends,
        stamp: index::stamp(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_french_variants_together() {
        for w in ["cooperation", "cooperations", "cooperer"] {
            assert_eq!(stem(w), "cooper", "{w}");
        }
        assert_eq!(stem("conflits"), "conflit");
        assert_eq!(stem("locaux"), "local");
        assert_eq!(stem("reseaux"), stem("reseau"));
        assert_eq!(stem("gouvernance"), "gouvern");
        assert_eq!(stem("ess"), "ess");
    }

    /// The vectors that `search.js` is checked against too (tests/browser), so that what
    /// the reader types gives the terms the build indexed.
    #[test]
    fn terms_match_the_shared_vectors() {
        let vectors = include_str!("../../tests/fixtures/search/terms.tsv");
        let mut checked = 0;
        for line in vectors
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            let (text, expected) = line.split_once('\t').expect("text<TAB>terms");
            let got: Vec<String> = terms(text).collect();
            assert_eq!(got.join(" "), expected, "terms of {text:?}");
            checked += 1;
        }
        assert!(checked >= 20, "only {checked} vectors");
    }

    #[test]
    fn words_are_the_runs_of_alphanumerics() {
        for text in [
            "l'été, à 3h — ok!  fin",
            "",
            "   ",
            "ǅemal² x½ œuvre…suite",
            "a",
        ] {
            let expected: Vec<&str> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            assert_eq!(words(text).collect::<Vec<_>>(), expected, "{text:?}");
        }
    }

    #[test]
    fn every_character_splits_words_as_is_alphanumeric_says() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let text = format!("a{c}b {c}");
            let expected: Vec<&str> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            assert_eq!(
                words(&text).collect::<Vec<_>>(),
                expected,
                "U+{:04X}",
                u32::from(c)
            );
        }
    }

    #[test]
    fn terms_fold_and_drop_stop_words() {
        let t: Vec<String> = terms("La COOPÉRATION et les Coopérations").collect();
        assert_eq!(t, ["cooper", "cooper"]);
    }

    #[test]
    fn indexed_terms_are_the_terms_of_its_texts() {
        let doc = Doc {
            title: "Les réseaux locaux",
            kind: "K",
            url: "x/".into(),
            summary: "Un réseau, des coopérations.",
            tags: vec!["Coopération"],
            headings: vec![("ecouter", "Écouter")],
            spans: &[],
            text: "Coopérer en réseau : écouter, écoute, écoutes et le réseau local. \
                   L’œuvre d'İstanbul, ǅemal, COOPÉRER, Œuvres, l'été 2024, x½.",
        };
        let index = indexed(&doc);
        let got: Vec<(&str, u32)> = index.terms().collect();
        let mut expected: Vec<String> = [doc.title, doc.summary, doc.tags[0], doc.headings[0].1]
            .into_iter()
            .chain([doc.text])
            .flat_map(|t| terms(t).collect::<Vec<_>>())
            .collect();
        expected.sort();
        expected.dedup();
        let mut names: Vec<&str> = got.iter().map(|(t, _)| *t).collect();
        names.sort_unstable();
        assert_eq!(names, expected);
        // "reseau": title 16 + summary 4 + two body occurrences.
        assert!(got.contains(&("reseau", 22)), "{got:?}");
    }
}
