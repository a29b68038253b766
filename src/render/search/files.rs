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
//! when its own terms or documents do, so a rebuild rewrites only those.
//!
//! Postings are `term: [gap, weight, gap, weight, ...]`, where each gap is the
//! document's number minus the previous one's in the list (the first is the number
//! itself): small numbers, which keeps large indexes about a third smaller.

use std::sync::Mutex;

use rayon::prelude::*;

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

/// Writes the index's files for `docs` into `put`, each as soon as it is made: the
/// manifest and term shards, then, when `chunks` is true (they were not made by
/// [`Chunks`] as the pages rendered), each chunk of documents. At 10,000 pages the
/// chunks hold the pages' text, 50 MB, and at 100,000 pages the term shards 150 MB:
/// made all at once, they were a sixth of a build's peak memory (see
/// benches/README.md).
pub fn write_index<E: Send>(
    docs: &[&IndexedDoc],
    shard_above: usize,
    chunks: bool,
    put: &Put<'_, E>,
) -> Result<(), E> {
    write_terms(docs, shard_above, put)?;
    if !chunks {
        return Ok(());
    }
    docs.par_chunks(DOCS_PER_CHUNK)
        .enumerate()
        .try_for_each(|(k, chunk)| {
            let records: Vec<&[u8]> = chunk.iter().map(|d| d.record.as_slice()).collect();
            let (file, bytes) = chunk_file(k, &records);
            put(file, bytes)
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
/// the whole index but its chunks.
fn write_terms<E: Send>(
    docs: &[&IndexedDoc],
    shard_above: usize,
    put: &Put<'_, E>,
) -> Result<(), E> {
    let postings = postings(docs);
    let total: usize = postings.iter().map(|(t, p)| t.len() + p.len() + 4).sum();
    let mut manifest = format!(
        "window.ARCHIPEL_SEARCH={{\"docs\":{},\"chunk\":{DOCS_PER_CHUNK},",
        docs.len()
    );
    if total <= shard_above {
        manifest.push_str("\"terms\":");
        push_terms(&mut manifest, &postings);
    } else {
        let keys = shard_keys(&postings);
        manifest.push_str("\"shards\":");
        let names: Vec<&str> = keys.iter().map(|(k, _)| k.as_str()).collect();
        manifest.push_str(&serde_json::to_string(&names).unwrap_or_default());
        keys.par_iter().try_for_each(|(key, range)| {
            let name = format!("t-{}", file_name(key));
            let mut script = loaded_prefix(&name);
            push_terms(&mut script, &postings[range.clone()]);
            script.push_str(");\n");
            put(format!("{SHARD_DIR}{name}.js"), script.into_bytes())
        })?;
    }
    manifest.push_str("};\n");
    put(
        super::super::url::SEARCH_INDEX_FILE.into(),
        manifest.into_bytes(),
    )
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
    (format!("{SHARD_DIR}{name}.js"), script)
}

fn loaded_prefix(name: &str) -> String {
    format!("ARCHIPEL_SEARCH_LOADED(\"{name}\",")
}

/// Every term with its postings written out, sorted by term.
fn postings(docs: &[&IndexedDoc]) -> Vec<(String, String)> {
    // This runs once, after every page, on one core: a hash map sorted once and numbers
    // written by hand rather than a BTreeMap and `write!` (see benches/README.md).
    let mut lists: WordMap<&str, Vec<(u32, u32)>> = WordMap::default();
    for (d, doc) in docs.iter().enumerate() {
        for (term, w) in doc.terms() {
            lists.entry(term).or_default().push((d as u32, w));
        }
    }
    let mut lists: Vec<(&str, Vec<(u32, u32)>)> = lists.into_iter().collect();
    lists.sort_unstable_by(|a, b| a.0.cmp(b.0));
    lists
        .into_iter()
        .map(|(term, list)| {
            let mut out = String::with_capacity(list.len() * 5 + 2);
            out.push('[');
            let mut previous = 0;
            for (j, &(d, w)) in list.iter().enumerate() {
                if j > 0 {
                    out.push(',');
                }
                push_number(&mut out, d - previous);
                previous = d;
                out.push(',');
                push_number(&mut out, w);
            }
            out.push(']');
            (term.to_string(), out)
        })
        .collect()
}

/// Writes `{"term":[...],...}`.
fn push_terms(out: &mut String, postings: &[(String, String)]) {
    out.push('{');
    for (i, (term, list)) in postings.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        // Terms are runs of alphanumerics: nothing to escape.
        out.push('"');
        out.push_str(term);
        out.push_str("\":");
        out.push_str(list);
    }
    out.push('}');
}

/// Splits the sorted `postings` into shards, each named by a key: a term belongs to the
/// shard of the longest key that starts it. Terms are grouped by their first character,
/// and a group past [`SHARD_TARGET`] bytes by their first two, and so on; the terms
/// exactly as long as a split group's prefix keep it as their key. Keys depend only on
/// the terms, so an edit moves shard boundaries only where a group crosses the target.
fn shard_keys(postings: &[(String, String)]) -> Vec<(String, std::ops::Range<usize>)> {
    let mut keys = Vec::new();
    split(postings, 0..postings.len(), 1, &mut keys);
    keys
}

fn split(
    postings: &[(String, String)],
    range: std::ops::Range<usize>,
    chars: usize,
    keys: &mut Vec<(String, std::ops::Range<usize>)>,
) {
    let prefix = |i: usize| -> &str {
        let term = &postings[i].0;
        term.char_indices()
            .nth(chars)
            .map_or(term.as_str(), |(end, _)| &term[..end])
    };
    let mut start = range.start;
    while start < range.end {
        let key = prefix(start);
        let mut end = start + 1;
        while end < range.end && prefix(end) == key {
            end += 1;
        }
        let size: usize = postings[start..end]
            .iter()
            .map(|(t, p)| t.len() + p.len())
            .sum();
        let splittable = postings[start..end]
            .iter()
            .any(|(t, _)| t.chars().count() > chars);
        if size > SHARD_TARGET && splittable {
            // The terms equal to the key come first (sorted) and keep it.
            let longer = start
                + postings[start..end]
                    .iter()
                    .take_while(|(t, _)| t == key)
                    .count();
            if longer > start {
                keys.push((key.to_string(), start..longer));
            }
            split(postings, longer..end, chars + 1, keys);
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

/// Appends `n` in decimal.
fn push_number(out: &mut String, n: u32) {
    out.push_str(itoa::Buffer::new().format(n));
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
        write_index(docs, shard_above, true, &put).unwrap();
        files.into_inner().unwrap()
    }

    fn file<'a>(files: &'a [(String, Vec<u8>)], name: &str) -> &'a str {
        let (_, bytes) = files.iter().find(|(f, _)| f == name).expect(name);
        std::str::from_utf8(bytes).unwrap()
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        let mut out = String::new();
        for n in [0, 7, 10, 4_294_967_295] {
            push_number(&mut out, n);
            out.push(' ');
        }
        assert_eq!(out, "0 7 10 4294967295 ");
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
        let big = "[".to_string() + &"1,1,".repeat(SHARD_TARGET / 4) + "1,1]";
        let postings: Vec<(String, String)> = ["ca", "co", "coop", "cop", "d", "été"]
            .iter()
            .map(|t| {
                (
                    t.to_string(),
                    if t.starts_with("co") {
                        big.clone()
                    } else {
                        "[0,1]".into()
                    },
                )
            })
            .collect();
        let shards = shard_keys(&postings);
        let keys: Vec<(&str, Vec<&str>)> = shards
            .iter()
            .map(|(k, r)| {
                (
                    k.as_str(),
                    postings[r.clone()]
                        .iter()
                        .map(|(t, _)| t.as_str())
                        .collect(),
                )
            })
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
