//! The postings of the search index (each term's documents and weights), as
//! [`files`](super::files) writes them. `archipel serve` keeps an [`Index`] between
//! rebuilds (#16): it knows what each document gave, so that the rebuild after a save
//! changes only the entries of the documents that changed, and tells which terms and
//! documents changed, so that only their shards and chunks are made again. A one-shot
//! build makes one, writes it and drops it.

use std::sync::atomic::{AtomicU64, Ordering};

use super::{IndexedDoc, WordMap};

/// A number no other [`IndexedDoc`] gets: an index knows a document it indexed by it,
/// without comparing its terms.
pub(super) fn stamp() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The postings of every term of a list of documents, kept up to date with it.
#[derive(Default)]
pub struct Index {
    /// Each term's number.
    ids: WordMap<Box<str>, u32>,
    /// Each term with its postings, by number. A term that no document has any more keeps
    /// its number, without postings.
    terms: Vec<Term>,
    /// The numbers of the terms that have postings, sorted by term.
    order: Vec<u32>,
    /// What each document gave, by document number (not kept unless [`Index::tracking`]).
    docs: Vec<Given>,
    /// Whether `docs` is kept.
    track: bool,
    /// The term shards last written: each key with its terms' numbers.
    pub(super) shards: WordMap<String, Vec<u32>>,
}

struct Term {
    text: Box<str>,
    /// (document, weight), by document.
    list: Vec<(u32, u32)>,
    /// The length of `list` as written (see [`push_list`]).
    size: usize,
    /// Whether the term is in [`Index::order`].
    listed: bool,
}

/// What one document gave to the index.
struct Given {
    stamp: u64,
    /// Its terms' numbers and weights.
    terms: Vec<(u32, u32)>,
}

/// What an [`Index::update`] changed.
pub(super) struct Changes {
    /// By term number: whether its postings changed.
    pub(super) terms: Vec<bool>,
    /// By document number: whether the document changed (or is new).
    pub(super) docs: Vec<bool>,
    /// The number of documents before the update.
    pub(super) before: usize,
}

impl Index {
    /// An index that keeps what each document gave, to be updated again and again.
    pub fn tracking() -> Self {
        Index {
            track: true,
            ..Index::default()
        }
    }

    /// Brings the index up to date with `docs`, the documents by number; a document
    /// indexed before under the same number is looked at again only when it is not the
    /// same [`IndexedDoc`] (see [`stamp`]).
    pub(super) fn update(&mut self, docs: &[&IndexedDoc]) -> Changes {
        let before = self.docs.len();
        let mut dirty = vec![false; self.terms.len()];
        for d in docs.len()..before {
            let gone = std::mem::take(&mut self.docs[d].terms);
            self.change(d as u32, gone, Vec::new(), &mut dirty);
        }
        self.docs.truncate(docs.len());
        let mut changed = vec![false; docs.len()];
        for (d, doc) in docs.iter().enumerate() {
            if self.docs.get(d).is_some_and(|g| g.stamp == doc.stamp) {
                continue;
            }
            changed[d] = true;
            let terms: Vec<(u32, u32)> = doc.terms().map(|(t, w)| (self.id(t), w)).collect();
            let old = match self.docs.get_mut(d) {
                Some(given) => std::mem::take(&mut given.terms),
                None => Vec::new(),
            };
            dirty.resize(self.terms.len(), false);
            let kept = self.change(d as u32, old, terms, &mut dirty);
            let given = Given {
                stamp: doc.stamp,
                terms: kept,
            };
            match self.docs.get_mut(d) {
                Some(g) => *g = given,
                None if self.track => self.docs.push(given),
                None => {}
            }
        }
        self.relist(&dirty);
        Changes {
            terms: dirty,
            docs: changed,
            before,
        }
    }

    /// The number of `term`, given one if it is new.
    fn id(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.ids.get(term) {
            return id;
        }
        let id = self.terms.len() as u32;
        self.ids.insert(term.into(), id);
        self.terms.push(Term {
            text: term.into(),
            list: Vec::new(),
            size: 0,
            listed: false,
        });
        id
    }

    /// Replaces the postings of document `d` from its `old` terms with those of `new`
    /// (numbers and weights), marking in `dirty` the terms that changed; returns `new`.
    fn change(
        &mut self,
        d: u32,
        mut old: Vec<(u32, u32)>,
        mut new: Vec<(u32, u32)>,
        dirty: &mut [bool],
    ) -> Vec<(u32, u32)> {
        if old.is_empty() {
            for &(t, w) in &new {
                self.set(t, d, Some(w));
                dirty[t as usize] = true;
            }
            return new;
        }
        old.sort_unstable();
        new.sort_unstable();
        let (mut i, mut j) = (0, 0);
        loop {
            let (t, w) = match (old.get(i), new.get(j)) {
                (None, None) => break,
                (Some(&(a, wa)), Some(&(b, wb))) if a == b => {
                    (i, j) = (i + 1, j + 1);
                    if wa == wb {
                        continue;
                    }
                    (b, Some(wb))
                }
                (Some(&(a, _)), Some(&(b, _))) if a < b => {
                    i += 1;
                    (a, None)
                }
                (Some(&(a, _)), None) => {
                    i += 1;
                    (a, None)
                }
                (_, Some(&(b, wb))) => {
                    j += 1;
                    (b, Some(wb))
                }
            };
            self.set(t, d, w);
            dirty[t as usize] = true;
        }
        new
    }

    /// Sets the weight of document `d` in the postings of term `t` (`None`: removes it).
    fn set(&mut self, t: u32, d: u32, weight: Option<u32>) {
        let list = &mut self.terms[t as usize].list;
        if let Some(w) = weight
            && list.last().is_none_or(|&(last, _)| last < d)
        {
            list.push((d, w));
            return;
        }
        match (list.binary_search_by_key(&d, |&(doc, _)| doc), weight) {
            (Ok(p), Some(w)) => list[p].1 = w,
            (Ok(p), None) => {
                list.remove(p);
            }
            (Err(p), Some(w)) => list.insert(p, (d, w)),
            (Err(_), None) => {}
        }
    }

    /// Updates the sizes of the `dirty` terms and the sorted list of terms with postings.
    fn relist(&mut self, dirty: &[bool]) {
        let mut added = Vec::new();
        let mut removed = false;
        for (t, _) in dirty.iter().enumerate().filter(|(_, d)| **d) {
            let term = &mut self.terms[t];
            term.size = list_size(&term.list);
            let has = !term.list.is_empty();
            removed |= term.listed && !has;
            if has && !term.listed {
                added.push(t as u32);
            }
            term.listed = has;
        }
        let terms = &self.terms;
        if removed {
            self.order.retain(|&t| terms[t as usize].listed);
        }
        let text = |t: &u32| &terms[*t as usize].text;
        if added.len() > 64 {
            self.order.extend(added);
            self.order.sort_unstable_by(|a, b| text(a).cmp(text(b)));
        } else {
            for t in added {
                let at = self
                    .order
                    .binary_search_by(|o| text(o).cmp(text(&t)))
                    .unwrap_or_else(|p| p);
                self.order.insert(at, t);
            }
        }
    }

    /// The terms with postings, sorted: each one's number, text and size as written.
    pub(super) fn listed(&self) -> Vec<(u32, &str, usize)> {
        self.order
            .iter()
            .map(|&t| {
                let term = &self.terms[t as usize];
                (t, &*term.text, term.size)
            })
            .collect()
    }

    /// Whether shards are remembered from one update to the next.
    pub(super) fn tracks(&self) -> bool {
        self.track
    }

    /// Writes `{"term":[...],...}` for the terms numbered `ids`.
    pub(super) fn push_terms(&self, out: &mut String, ids: impl Iterator<Item = u32>) {
        out.push('{');
        for (i, t) in ids.enumerate() {
            let term = &self.terms[t as usize];
            if i > 0 {
                out.push(',');
            }
            // Terms are runs of alphanumerics: nothing to escape.
            out.push('"');
            out.push_str(&term.text);
            out.push_str("\":");
            push_list(out, &term.list);
        }
        out.push('}');
    }
}

/// Writes `[gap, weight, gap, weight, ...]`, where each gap is the document's number
/// minus the previous one's in the list (the first is the number itself).
fn push_list(out: &mut String, list: &[(u32, u32)]) {
    out.push('[');
    let mut previous = 0;
    for (j, &(d, w)) in list.iter().enumerate() {
        if j > 0 {
            out.push(',');
        }
        out.push_str(itoa::Buffer::new().format(d - previous));
        previous = d;
        out.push(',');
        out.push_str(itoa::Buffer::new().format(w));
    }
    out.push(']');
}

/// The length of what [`push_list`] writes for `list`.
fn list_size(list: &[(u32, u32)]) -> usize {
    let digits = |n: u32| n.checked_ilog10().map_or(1, |l| l as usize + 1);
    let mut size = 2 + list.len().saturating_sub(1);
    let mut previous = 0;
    for &(d, w) in list {
        size += digits(d - previous) + 1 + digits(w);
        previous = d;
    }
    size
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_the_lengths_written() {
        for list in [
            vec![],
            vec![(0, 1)],
            vec![(9, 10), (10, 99), (1010, 100_000)],
            vec![(4_294_967_295, 4_294_967_295)],
        ] {
            let mut out = String::new();
            push_list(&mut out, &list);
            assert_eq!(list_size(&list), out.len(), "{out}");
        }
        let mut out = String::new();
        push_list(&mut out, &[(3, 16), (4, 1), (10, 2)]);
        assert_eq!(out, "[3,16,1,1,6,2]");
    }
}
