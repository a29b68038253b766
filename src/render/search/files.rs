//! The files of the search index, all scripts so that they load from `file://`:
//!
//! - `search-index.js`, the manifest, read first: `window.ARCHIPEL_SEARCH = {docs: N,
//!   chunk: C, terms: {...}}` for a small site, or `{docs, chunk, shards: [key, ...]}`
//!   when the postings pass [`SHARD_ABOVE`] bytes;
//! - `search/shards/d<k>.js`, documents `k*C` to `k*C + C - 1` as [`super::record`]s;
//! - `search/shards/t-<key>.js`, the postings of the terms whose longest shard key
//!   prefix is `<key>` (see [`shard_keys`]).
//!
//! Each shard calls `ARCHIPEL_SEARCH_LOADED(name, data)`, defined by the theme's
//! `search.js`, which loads only the shards a query needs: the first search of a large
//! site reads a few of them instead of the whole index. A shard's bytes change only
//! when its own terms or documents do, so a rebuild makes again only those (see
//! [`Index`]).
//!
//! Postings are `term: [gap, weight, gap, weight, ...]`, where each gap is the
//! document's number minus the previous one's in the list (the first is the number
//! itself): small numbers, which keeps large indexes about a third smaller.

use std::sync::Mutex;

use rayon::prelude::*;

use super::index::{Changes, Index};
use super::{IndexedDoc, WordMap};

/// The directory of the index's shards.
pub const SHARD_DIR: &str = "search/shards/";
/// Documents per chunk file: a result list of 8 reads at most 8 chunks.
const DOCS_PER_CHUNK: usize = 4;
/// The default of `[search] shard_above`, a setting of the configuration.
pub use crate::config::SHARD_ABOVE;
/// A shard whose postings pass this many bytes is split by the next character of its
/// terms (a single term is never split).
const SHARD_TARGET: usize = 32 * 1024;

/// Where the index's files go: each one's output path and bytes.
pub type Put<'a, E> = dyn Fn(String, Vec<u8>) -> Result<(), E> + Sync + 'a;

/// Where the index's files go: `put` takes a file made again, `kept` is asked first
/// about a file whose bytes cannot have changed since the previous build wrote them
/// (see [`crate::output::Sink::kept`]), and the file is made only if it says no.
pub struct Out<'a, E> {
    /// Takes a file made (again).
    pub put: &'a Put<'a, E>,
    /// Keeps a file as it was, if there is one.
    pub kept: &'a (dyn Fn(&str) -> bool + Sync),
}

/// Writes the index's files for `docs` into `out`, each as soon as it is made: the
/// manifest and term shards, then, when `chunks` is true (they were not made by
/// [`Chunks`] as the pages rendered), each chunk of documents. At 10,000 pages the
/// chunks hold the pages' text, 50 MB, and at 100,000 pages the term shards 150 MB:
/// made all at once, they were a sixth of a build's peak memory (see
/// benches/README.md). With an `index` kept from the previous build, it is brought up
/// to date, and only the shards and chunks that changed are made.
pub fn write_index<E: Send>(
    index: Option<&mut Index>,
    docs: &[&IndexedDoc],
    shard_above: usize,
    chunks: bool,
    out: &Out<'_, E>,
) -> Result<(), E> {
    // Without a kept index, one made for this write and dropped after it.
    let mut once = Index::default();
    let index = index.unwrap_or(&mut once);
    let changes = index.update(docs);
    write_terms(index, &changes, shard_above, out)?;
    if !chunks {
        return Ok(());
    }
    // A chunk changes with its documents, and the last ones when their number does.
    let resized = match changes.before == docs.len() {
        true => usize::MAX,
        false => changes.before.min(docs.len()) / DOCS_PER_CHUNK,
    };
    docs.par_chunks(DOCS_PER_CHUNK)
        .enumerate()
        .try_for_each(|(k, chunk)| {
            let at = k * DOCS_PER_CHUNK..k * DOCS_PER_CHUNK + chunk.len();
            let same = k < resized && !changes.docs[at].iter().any(|&c| c);
            if same && (out.kept)(&chunk_name(k)) {
                return Ok(());
            }
            let records: Vec<&[u8]> = chunk.iter().map(|d| d.record.as_slice()).collect();
            let (file, bytes) = chunk_file(k, &records);
            (out.put)(file, bytes)
        })
}

/// The document chunks of a render that keeps nothing afterwards (a build, `check`),
/// made while the pages render: each page hands its record over as soon as it is
/// rendered, and a chunk is made, and its records dropped, once its pages are all in.
/// Held until the index was written, the records were most of a build's memory (1 GB
/// of 2.4 GB at 100,000 pages, see benches/README.md). Pages render in parallel over
/// ranges of consecutive pages, so few chunks wait for a page at any time.
pub struct Chunks {
    /// How many documents the index has.
    docs: usize,
    /// The chunks with some of their records in, by number.
    pending: Mutex<WordMap<usize, Pending>>,
}

/// The records of one chunk, by position in it, and how many are in.
type Pending = ([Vec<u8>; DOCS_PER_CHUNK], usize);

impl Chunks {
    /// The chunks of an index of `docs` documents, none made yet.
    pub fn new(docs: usize) -> Self {
        Chunks {
            docs,
            pending: Mutex::new(WordMap::default()),
        }
    }

    /// Takes the record out of `doc`, document number `d`; returns the file of its
    /// chunk (path and bytes) when it was the last one missing.
    pub fn add(&self, d: usize, doc: &mut IndexedDoc) -> Option<(String, Vec<u8>)> {
        let k = d / DOCS_PER_CHUNK;
        let size = DOCS_PER_CHUNK.min(self.docs - k * DOCS_PER_CHUNK);
        let record = std::mem::take(&mut doc.record);
        let complete = {
            let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            let (records, count) = pending.entry(k).or_default();
            records[d % DOCS_PER_CHUNK] = record;
            *count += 1;
            match *count == size {
                true => pending.remove(&k),
                false => None,
            }
        };
        complete.map(|(records, _)| {
            let records: Vec<&[u8]> = records[..size].iter().map(Vec::as_slice).collect();
            chunk_file(k, &records)
        })
    }
}

/// Writes the manifest, and the term shards when the postings pass `shard_above` bytes:
/// the whole index but its chunks. A shard is made again only when one of its terms
/// changed or its terms are not those of the shard of the same key last written.
fn write_terms<E: Send>(
    index: &mut Index,
    changes: &Changes,
    shard_above: usize,
    out: &Out<'_, E>,
) -> Result<(), E> {
    let listed = index.listed();
    let total: usize = listed.iter().map(|(_, t, size)| t.len() + size + 4).sum();
    let mut manifest = format!(
        "window.ARCHIPEL_SEARCH={{\"docs\":{},\"chunk\":{DOCS_PER_CHUNK},",
        changes.docs.len()
    );
    let mut shards = WordMap::default();
    if total <= shard_above {
        manifest.push_str("\"terms\":");
        index.push_terms(&mut manifest, listed.iter().map(|(t, _, _)| *t));
    } else {
        let keys = shard_keys(&listed);
        manifest.push_str("\"shards\":");
        let names: Vec<&str> = keys.iter().map(|(k, _)| k.as_str()).collect();
        manifest.push_str(&serde_json::to_string(&names).unwrap_or_default());
        let index = &*index;
        keys.par_iter().try_for_each(|(key, range)| {
            let ids = || listed[range.clone()].iter().map(|(t, _, _)| *t);
            let name = format!("t-{}", file_name(key));
            let file = format!("{SHARD_DIR}{name}.js");
            let same = !ids().any(|t| changes.terms[t as usize])
                && index
                    .shards
                    .get(key)
                    .is_some_and(|was| was.iter().copied().eq(ids()));
            if same && (out.kept)(&file) {
                return Ok(());
            }
            let mut script = loaded_prefix(&name);
            index.push_terms(&mut script, ids());
            script.push_str(");\n");
            (out.put)(file, script.into_bytes())
        })?;
        if index.tracks() {
            shards = keys
                .into_iter()
                .map(|(key, range)| (key, listed[range].iter().map(|(t, _, _)| *t).collect()))
                .collect();
        }
    }
    drop(listed);
    index.shards = shards;
    manifest.push_str("};\n");
    (out.put)(
        super::super::url::SEARCH_INDEX_FILE.into(),
        manifest.into_bytes(),
    )
}

/// The file of chunk `k`.
fn chunk_name(k: usize) -> String {
    format!("{SHARD_DIR}d{k}.js")
}

/// The script of chunk `k`: the records of its documents.
fn chunk_file(k: usize, records: &[&[u8]]) -> (String, Vec<u8>) {
    let name = format!("d{k}");
    let mut script = loaded_prefix(&name).into_bytes();
    script.reserve(records.iter().map(|r| r.len() + 1).sum::<usize>() + 4);
    script.push(b'[');
    for (i, record) in records.iter().enumerate() {
        if i > 0 {
            script.push(b',');
        }
        script.extend_from_slice(record);
    }
    script.extend_from_slice(b"]);\n");
    (chunk_name(k), script)
}

fn loaded_prefix(name: &str) -> String {
    format!("ARCHIPEL_SEARCH_LOADED(\"{name}\",")
}

/// A term with postings as [`Index::listed`] gives it: its number, text and size as
/// written.
type Listed<'a> = (u32, &'a str, usize);

/// Splits the sorted terms `listed` into shards, each named by a key: a term belongs to
/// the shard of the longest key that starts it. Terms are grouped by their first
/// character, and a group past [`SHARD_TARGET`] bytes by their first two, and so on; the
/// terms exactly as long as a split group's prefix keep it as their key. Keys depend only
/// on the terms, so an edit moves shard boundaries only where a group crosses the target.
fn shard_keys(listed: &[Listed<'_>]) -> Vec<(String, std::ops::Range<usize>)> {
    let mut keys = Vec::new();
    split(listed, 0..listed.len(), 1, &mut keys);
    keys
}

fn split(
    listed: &[Listed<'_>],
    range: std::ops::Range<usize>,
    chars: usize,
    keys: &mut Vec<(String, std::ops::Range<usize>)>,
) {
    let prefix = |i: usize| -> &str {
        let term = listed[i].1;
        term.char_indices()
            .nth(chars)
            .map_or(term, |(end, _)| &term[..end])
    };
    let mut start = range.start;
    while start < range.end {
        let key = prefix(start);
        let mut end = start + 1;
        while end < range.end && prefix(end) == key {
            end += 1;
        }
        let group = &listed[start..end];
        let size: usize = group.iter().map(|(_, t, size)| t.len() + size).sum();
        let splittable = group.iter().any(|(_, t, _)| t.chars().count() > chars);
        if size > SHARD_TARGET && splittable {
            // The terms equal to the key come first (sorted) and keep it.
            let longer = start + group.iter().take_while(|(_, t, _)| *t == key).count();
            if longer > start {
                keys.push((key.to_string(), start..longer));
            }
            split(listed, longer..end, chars + 1, keys);
        } else {
            keys.push((key.to_string(), start..end));
        }
        start = end;
    }
}

/// The file name of a shard key: ASCII letters and digits as they are, any other
/// character as `_` and its code point in hex (`search.js` does the same).
fn file_name(key: &str) -> String {
    let mut name = String::with_capacity(key.len());
    for c in key.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            name.push(c);
        } else {
            name.push_str(&format!("_{:x}", u32::from(c)));
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::super::{Doc, indexed};
    use super::*;

    fn doc<'a>(title: &'a str, text: &'a str) -> Doc<'a> {
        Doc {
            title,
            kind: "K",
            url: "x/".into(),
            summary: "",
            tags: vec![],
            headings: vec![],
            spans: &[],
            text,
        }
    }

    /// Every file of the index of `docs`, chunks included.
    fn index_files(docs: &[&IndexedDoc], shard_above: usize) -> Vec<(String, Vec<u8>)> {
        let files = Mutex::new(Vec::new());
        let put = |file: String, bytes: Vec<u8>| -> Result<(), ()> {
            files.lock().unwrap().push((file, bytes));
            Ok(())
        };
        let out = Out {
            put: &put,
            kept: &|_| false,
        };
        write_index(None, docs, shard_above, true, &out).unwrap();
        files.into_inner().unwrap()
    }

    fn file<'a>(files: &'a [(String, Vec<u8>)], name: &str) -> &'a str {
        let (_, bytes) = files.iter().find(|(f, _)| f == name).expect(name);
        std::str::from_utf8(bytes).unwrap()
    }

    #[test]
    fn index_weighs_titles_over_bodies() {
        let docs = [
            indexed(&doc("Conflit", "rien")),
            indexed(&doc("Autre", "un conflit ici")),
        ];
        let files: Vec<_> = index_files(&docs.iter().collect::<Vec<_>>(), SHARD_ABOVE);
        let manifest = file(&files, "search-index.js");
        assert!(manifest.contains("\"conflit\":[0,16,1,1]"), "{manifest}");
        assert!(manifest.starts_with("window.ARCHIPEL_SEARCH={\"docs\":2,\"chunk\":4,"));
        assert!(
            file(&files, "search/shards/d0.js")
                .starts_with("ARCHIPEL_SEARCH_LOADED(\"d0\",[[\"Conflit\",\"K\",\"x/\",\"rien\","),
        );
        let more: Vec<IndexedDoc> = ["a", "b conflit", "c", "d conflit"]
            .iter()
            .map(|t| indexed(&doc("T", t)))
            .collect();
        let files: Vec<_> = index_files(&more.iter().collect::<Vec<_>>(), SHARD_ABOVE);
        let gaps = file(&files, "search-index.js");
        assert!(
            gaps.contains("\"conflit\":[1,1,2,1]"),
            "gaps, not indexes: {gaps}"
        );
    }

    #[test]
    fn documents_are_chunked_with_their_sections() {
        let text = "Avant. Écoute Tout écouter. Suite Encore";
        let at = |word: &str| text.find(word).unwrap();
        let spans = [at("Écoute")..at(" Tout"), at("Suite")..at(" Encore")];
        let docs: Vec<IndexedDoc> = (0..6)
            .map(|_| {
                indexed(&Doc {
                    headings: vec![("ecoute", "Écoute"), ("suite", "Suite")],
                    spans: &spans,
                    ..doc("T", text)
                })
            })
            .collect();
        let files: Vec<_> = index_files(&docs.iter().collect::<Vec<_>>(), SHARD_ABOVE);
        let chunk = file(&files, "search/shards/d1.js");
        let expected = r#"["T","K","x/","Avant. Écoute Tout écouter. Suite Encore","Avant.",[["ecoute","Écoute","Tout écouter."],["suite","Suite","Encore"]]]"#;
        assert_eq!(
            chunk,
            format!("ARCHIPEL_SEARCH_LOADED(\"d1\",[{expected},{expected}]);\n")
        );
        assert!(files.iter().all(|(f, _)| f != "search/shards/d2.js"));
    }

    #[test]
    fn chunks_made_as_pages_come_equal_the_index_s_chunks() {
        let docs: Vec<IndexedDoc> = (0..7)
            .map(|d| indexed(&doc("T", &format!("texte {d}"))))
            .collect();
        let all: Vec<_> = index_files(&docs.iter().collect::<Vec<_>>(), SHARD_ABOVE);
        let chunks = Chunks::new(docs.len());
        let mut streamed = Vec::new();
        let mut docs = docs;
        // Out of order, as pages rendered in parallel hand them over.
        for d in [5, 0, 6, 2, 1, 4, 3] {
            streamed.extend(chunks.add(d, &mut docs[d]));
            let made: Vec<&str> = streamed.iter().map(|(f, _)| f.as_str()).collect();
            match d {
                1 => assert_eq!(made, Vec::<&str>::new(), "d0 misses 3, d1 misses 4"),
                4 => assert_eq!(made, ["search/shards/d1.js"]),
                _ => {}
            }
        }
        assert_eq!(streamed.len(), 2);
        for (name, bytes) in &streamed {
            assert_eq!(file(&all, name).as_bytes(), bytes.as_slice(), "{name}");
        }
        assert!(docs.iter().all(|d| d.record.is_empty()), "records dropped");
    }

    #[test]
    fn shards_split_large_groups_by_the_next_character() {
        let big = SHARD_TARGET + 4;
        let listed: Vec<Listed<'_>> = ["ca", "co", "coop", "cop", "d", "été"]
            .into_iter()
            .map(|t| (0, t, if t.starts_with("co") { big } else { 5 }))
            .collect();
        let shards = shard_keys(&listed);
        let keys: Vec<(&str, Vec<&str>)> = shards
            .iter()
            .map(|(k, r)| (k.as_str(), listed[r.clone()].iter().map(|l| l.1).collect()))
            .collect();
        assert_eq!(
            keys,
            [
                ("ca", vec!["ca"]),
                ("co", vec!["co"]),
                ("coop", vec!["coop"]),
                ("cop", vec!["cop"]),
                ("d", vec!["d"]),
                ("é", vec!["été"]),
            ]
        );
        assert_eq!(file_name("é"), "_e9");
        assert_eq!(file_name("été"), "_e9t_e9");
        assert_eq!(file_name("co2"), "co2");
    }
}
