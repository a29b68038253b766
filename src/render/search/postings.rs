//! The postings of a render that keeps nothing afterwards (a build, `check`), made while
//! the pages render (#16). Each rendering thread adds the terms of the pages it renders
//! to postings of its own; once every page is in, the threads' postings are put
//! together, term by term in parallel, into the [`Index`] that [`files`](super::files)
//! writes, the same as one made from every page in order. Made on one thread at the end
//! of a build, from the terms every page held until then, the postings were a serial
//! tail of the build and the last part of its peak memory (see benches/README.md).

use std::sync::Mutex;

use rayon::prelude::*;

use super::index::{Index, TermPostings};
use super::{IndexedDoc, WordMap};

/// The postings of one thread: each term with its postings (document, weight), in the
/// order the documents came to the thread.
type Thread = WordMap<Box<str>, Segments>;

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
    /// The postings of each rendering thread, by thread (see [`Postings::add`]).
    threads: Vec<Mutex<Thread>>,
}

impl Postings {
    /// The postings of an index of `docs` documents, none added yet.
    pub fn new(docs: usize) -> Self {
        let threads = (0..rayon::current_num_threads().max(1))
            .map(|_| Mutex::default())
            .collect();
        Postings { docs, threads }
    }

    /// Adds the terms of `doc`, document number `d`, and frees them from `doc`: nothing
    /// reads them afterwards. Each thread of the pool has postings of its own, so that
    /// threads do not wait for each other (a thread outside the pool shares some).
    pub fn add(&self, d: usize, doc: &mut IndexedDoc) {
        let slot = rayon::current_thread_index().unwrap_or(0) % self.threads.len();
        let mut thread = self.threads[slot].lock().unwrap_or_else(|e| e.into_inner());
        for (term, weight) in doc.terms() {
            let posting = (d as u32, weight);
            match thread.get_mut(term) {
                Some(segments) => push(segments, posting),
                None => {
                    thread.insert(term.into(), vec![vec![posting]]);
                }
            }
        }
        drop(thread);
        doc.term_text = String::new();
        doc.term_ends = Vec::new();
    }

    /// How many documents the index has.
    pub(super) fn docs(&self) -> usize {
        self.docs
    }

    /// The index of every document added: each term's postings put together from every
    /// thread's, sorted by document.
    pub(super) fn into_index(self) -> Index {
        let mut all: Vec<(Box<str>, Segments)> = (self.threads.into_iter())
            .flat_map(|t| t.into_inner().unwrap_or_else(|e| e.into_inner()))
            .collect();
        all.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut terms: Vec<(Box<str>, Vec<Segments>)> = Vec::with_capacity(all.len());
        for (term, segments) in all {
            match terms.last_mut() {
                Some((last, each)) if *last == term => each.push(segments),
                _ => terms.push((term, vec![segments])),
            }
        }
        let terms: Vec<TermPostings> = terms.into_par_iter().map(merge).collect();
        Index::from_postings(terms)
    }
}

/// One term's postings from every thread, put together, sorted by document. A document
/// gives a term once, so no two postings of a term share a document; each thread's come
/// in runs of increasing documents, which the sort keeps.
fn merge((term, threads): (Box<str>, Vec<Segments>)) -> TermPostings {
    let size = threads.iter().flatten().map(Vec::len).sum();
    let mut list = Vec::with_capacity(size);
    for segment in threads.into_iter().flatten() {
        list.extend_from_slice(&segment);
    }
    list.sort_by_key(|&(d, _)| d);
    (term, list)
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
            .filter(|t| !t.lock().unwrap().is_empty())
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
