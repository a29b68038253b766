//! The postings of a render that keeps nothing afterwards (a build, `check`), made while
//! the pages render (#16). Each rendering thread adds the terms of the pages it renders
//! to postings of its own, split by term into [`PARTS`] parts; once every page is in, the
//! threads' parts are put together, part by part in parallel, into the [`Index`] that
//! [`files`](super::files) writes, the same as one made from every page in order. Made on
//! one thread at the end of a build, from the terms every page held until then, the
//! postings were a serial tail of the build and the last part of its peak memory (see
//! benches/README.md).

use std::collections::hash_map::Entry;
use std::hash::BuildHasher;
use std::sync::Mutex;

use rayon::prelude::*;

use super::index::{Index, TermPostings};
use super::{IndexedDoc, WordMap};

/// The parts the terms are split into, by a hash of the term, so that putting the
/// threads' postings together runs in parallel.
const PARTS: usize = 64;

/// One part: each term with its postings (document, weight), in the order the documents
/// came to the thread.
type Part = WordMap<Box<str>, Segments>;

/// The postings of one term in one thread, in segments of at most [`SEGMENT`] postings:
/// small allocations, which take the room that the pages' texts, freed as the pages
/// render, leave in the heap. Postings of one growing `Vec` each, the longest in blocks
/// of their own, added their whole size to the build's peak memory.
type Segments = Vec<Vec<(u32, u32)>>;

/// The most postings of a segment (8 KB).
const SEGMENT: usize = 1024;

/// The postings of the documents added so far.
pub struct Postings {
    /// How many documents the index has.
    docs: usize,
    /// The parts of each rendering thread, by thread (see [`Postings::add`]).
    threads: Vec<Mutex<Vec<Part>>>,
}

impl Postings {
    /// The postings of an index of `docs` documents, none added yet.
    pub fn new(docs: usize) -> Self {
        let threads = (0..rayon::current_num_threads().max(1))
            .map(|_| Mutex::new((0..PARTS).map(|_| Part::default()).collect()))
            .collect();
        Postings { docs, threads }
    }

    /// Adds the terms of `doc`, document number `d`, and frees them from `doc`: nothing
    /// reads them afterwards. Each thread of the pool has postings of its own, so that
    /// threads do not wait for each other (a thread outside the pool shares some).
    pub fn add(&self, d: usize, doc: &mut IndexedDoc) {
        let slot = rayon::current_thread_index().unwrap_or(0) % self.threads.len();
        let mut parts = self.threads[slot].lock().unwrap_or_else(|e| e.into_inner());
        for (term, weight) in doc.terms() {
            let part = &mut parts[part_of(term)];
            let posting = (d as u32, weight);
            match part.get_mut(term) {
                Some(segments) => push(segments, posting),
                None => {
                    part.insert(term.into(), vec![vec![posting]]);
                }
            }
        }
        drop(parts);
        doc.term_text = String::new();
        doc.term_ends = Vec::new();
    }

    /// How many documents the index has.
    pub(super) fn docs(&self) -> usize {
        self.docs
    }

    /// The index of every document added: each part's postings put together from every
    /// thread's, each term's sorted by document.
    pub(super) fn into_index(self) -> Index {
        let mut by_part: Vec<Vec<Part>> = (0..PARTS).map(|_| Vec::new()).collect();
        for thread in self.threads {
            let parts = thread.into_inner().unwrap_or_else(|e| e.into_inner());
            for (p, part) in parts.into_iter().enumerate() {
                by_part[p].push(part);
            }
        }
        let terms = by_part
            .into_par_iter()
            .flat_map_iter(merge)
            .collect::<Vec<_>>();
        Index::from_postings(terms)
    }
}

/// The part of `term`: bits of its hash that the maps of the parts use neither for their
/// buckets (low bits) nor for their tags (the top bits).
fn part_of(term: &str) -> usize {
    let hash = rustc_hash::FxBuildHasher.hash_one(term);
    (hash >> 32) as usize % PARTS
}

/// One part's postings from every thread, put together: each term with its postings
/// sorted by document. A document gives a term once, so no two postings of a term share
/// a document; each thread's come in runs of increasing documents, which the sort keeps.
fn merge(parts: Vec<Part>) -> impl Iterator<Item = TermPostings> {
    let mut parts = parts.into_iter();
    let mut all = parts.next().unwrap_or_default();
    for part in parts {
        for (term, mut segments) in part {
            match all.entry(term) {
                Entry::Occupied(mut e) => e.get_mut().append(&mut segments),
                Entry::Vacant(e) => {
                    e.insert(segments);
                }
            }
        }
    }
    all.into_iter().map(|(term, segments)| {
        let mut list = Vec::with_capacity(segments.iter().map(Vec::len).sum());
        for segment in segments {
            list.extend_from_slice(&segment);
        }
        list.sort_by_key(|&(d, _)| d);
        (term, list)
    })
}

/// Adds `posting` to the last segment of `segments`, or to a new one when it is full.
fn push(segments: &mut Segments, posting: (u32, u32)) {
    match segments.last_mut() {
        Some(last) if last.len() < SEGMENT => last.push(posting),
        _ => {
            let mut segment = Vec::with_capacity(SEGMENT);
            segment.push(posting);
            segments.push(segment);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::files::{Out, write_index, write_postings};
    use super::super::{Doc, indexed};
    use super::*;

    /// A document of a few words drawn from a vocabulary of 300 with a fixed generator,
    /// so that postings are long enough to split shards by two characters and more.
    fn doc_text(d: usize) -> String {
        let mut x = (d as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        (0..24)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let w = (x % 300) as usize;
                format!("{}mot{w}", ["co", "re", "é", "a"][w % 4])
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn docs(n: usize) -> Vec<IndexedDoc> {
        (0..n)
            .map(|d| {
                let text = doc_text(d);
                indexed(&Doc {
                    title: "Titre",
                    kind: "K",
                    url: format!("p{d}/"),
                    summary: "",
                    tags: vec![],
                    headings: vec![],
                    spans: &[],
                    text: &text,
                })
            })
            .collect()
    }

    /// The files that `write` writes, sorted by name.
    fn files(write: impl FnOnce(&Out<'_, ()>)) -> Vec<(String, Vec<u8>)> {
        let files = Mutex::new(Vec::new());
        let put = |file: String, bytes: Vec<u8>| -> Result<(), ()> {
            files.lock().unwrap().push((file, bytes));
            Ok(())
        };
        write(&Out {
            put: &put,
            kept: &|_| false,
        });
        let mut files = files.into_inner().unwrap();
        files.sort();
        files
    }

    /// The postings of `n` documents added by the `threads` threads of a pool, each
    /// thread every `threads`-th document, the last first: each thread's postings hold
    /// documents between the others', out of order.
    fn spread(n: usize, threads: usize) -> Postings {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let docs: Vec<Mutex<IndexedDoc>> = docs(n).into_iter().map(Mutex::new).collect();
        let postings = pool.install(|| Postings::new(n));
        pool.broadcast(|ctx| {
            for d in (ctx.index()..n).step_by(threads).rev() {
                postings.add(d, &mut docs[d].lock().unwrap());
            }
        });
        let filled = (postings.threads.iter())
            .filter(|t| t.lock().unwrap().iter().any(|p| !p.is_empty()))
            .count();
        assert_eq!(filled, threads);
        let freed = docs.into_iter().map(|d| d.into_inner().unwrap());
        assert!(
            freed
                .into_iter()
                .all(|d| d.term_text.is_empty() && d.term_ends.is_empty())
        );
        postings
    }

    #[test]
    fn postings_added_by_many_threads_give_the_index_made_in_order() {
        let n = 2000;
        let docs = docs(n);
        let docs: Vec<&IndexedDoc> = docs.iter().collect();
        // Term shards (`shard_above` 0), and the whole index in the manifest.
        for shard_above in [0, usize::MAX] {
            let made = files(|out| write_index(None, &docs, shard_above, false, out).unwrap());
            let postings = spread(n, 4);
            let streamed = files(|out| write_postings(postings, shard_above, out).unwrap());
            if shard_above == 0 {
                let split = made.iter().filter(|(f, _)| f.contains("/t-com")).count();
                assert!(split > 1, "shards split by three characters: {split}");
            }
            assert_eq!(made.len(), streamed.len());
            for ((a, x), (b, y)) in made.iter().zip(&streamed) {
                assert_eq!(a, b);
                assert!(x == y, "{a} differs");
            }
        }
    }
}
