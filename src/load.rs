//! Loading: the only module that reads content files.
//!
//! It walks `content/`, splits each Markdown file into TOML front matter and body, parses
//! the front matter into spanned raw values, and reads the tag vocabulary. It checks
//! syntax only; what the values mean is the model's business. Every span it returns is a
//! byte offset into the whole file, so later stages can point at the exact spot.

use std::borrow::Cow;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diag::{Diagnostic, Error, LineIndex};
use crate::t;

/// The content directory under the site root.
pub const CONTENT_DIR: &str = "content";
/// The tag vocabulary, relative to the content directory.
pub const TAGS_FILE: &str = "tags.toml";

/// One Markdown file, split and with its front matter parsed.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path relative to the site root (`content/temoignages/x.md`).
    pub path: PathBuf,
    /// Path relative to `content/`, with `/` separators (`temoignages/x.md`).
    pub rel: String,
    /// The whole file.
    pub text: Text,
    /// The front matter entries, in file order.
    pub front: Vec<Entry>,
    /// Where the Markdown body starts in `text`.
    pub body_offset: usize,
    /// Where the body is in `text` without the white space around it, so that review
    /// knows an empty or unwritten body without unpacking the text (see [`Text`]).
    pub body_trimmed: Range<usize>,
}

impl Source {
    /// The Markdown body.
    pub fn body(&self) -> Cow<'_, str> {
        match self.text.get() {
            Cow::Borrowed(text) => Cow::Borrowed(&text[self.body_offset..]),
            Cow::Owned(mut text) => {
                text.drain(..self.body_offset);
                Cow::Owned(text)
            }
        }
    }
}

/// Past this many bytes of Markdown in all, [`load`] keeps every file's text compressed:
/// the texts of 100,000 pages took 566 MB, most of a build's memory beside the rest of
/// the model (see benches/README.md). Below it (a site of about 10,000 pages), texts
/// stay as read, and nothing is decompressed.
const PACK_ABOVE: usize = 64 << 20;

/// A source's text, as read or compressed (LZ4, about half the size of French prose).
/// Either way the file is read once: a file edited during a build cannot mix two
/// versions into one site.
#[derive(Debug)]
pub struct Text(Stored);

#[derive(Debug)]
enum Stored {
    Plain(String),
    /// Compressed; emptied by [`Text::release`].
    Packed(Mutex<Vec<u8>>),
}

impl Text {
    /// The text as read.
    pub fn new(text: String) -> Self {
        Text(Stored::Plain(text))
    }

    /// The text compressed.
    pub fn packed(text: &str) -> Self {
        let bytes = lz4_flex::block::compress_prepend_size(text.as_bytes());
        Text(Stored::Packed(Mutex::new(bytes)))
    }

    /// The text, decompressed if it is packed (empty once released).
    // The text is unpacked twice a page at 100,000 pages (link scan, then render), and
    // checking it as UTF-8 again each time was about 2% of such a build.
    #[allow(unsafe_code)]
    pub fn get(&self) -> Cow<'_, str> {
        match &self.0 {
            Stored::Plain(text) => Cow::Borrowed(text),
            Stored::Packed(bytes) => {
                let bytes = bytes.lock().unwrap_or_else(|e| e.into_inner());
                let text = lz4_flex::block::decompress_size_prepended(&bytes).unwrap_or_default();
                debug_assert!(std::str::from_utf8(&text).is_ok());
                // SAFETY: `Stored::Packed` is private to this module and made only by
                // `Text::packed`, from the bytes of a `&str` (or emptied by `release`).
                // LZ4 is lossless: unpacking gives back exactly those bytes, or an error,
                // and then nothing (empty). Either is valid UTF-8.
                Cow::Owned(unsafe { String::from_utf8_unchecked(text) })
            }
        }
    }

    /// Frees a packed text: a build that keeps nothing calls it once the page is
    /// rendered, its last use. A text as read stays (it is small).
    pub fn release(&self) {
        if let Stored::Packed(bytes) = &self.0 {
            *bytes.lock().unwrap_or_else(|e| e.into_inner()) = Vec::new();
        }
    }

    /// Whether the text is kept compressed.
    pub fn is_packed(&self) -> bool {
        matches!(self.0, Stored::Packed(_))
    }
}

impl Default for Text {
    fn default() -> Self {
        Text::new(String::new())
    }
}

impl Clone for Text {
    fn clone(&self) -> Self {
        match &self.0 {
            Stored::Plain(text) => Text::new(text.clone()),
            Stored::Packed(_) => Text::packed(&self.get()),
        }
    }
}

/// One `key = value` of a front matter.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The key.
    pub key: String,
    /// Where the key is in the file.
    pub key_span: Range<usize>,
    /// The value.
    pub value: Value,
}

/// A front-matter value with its place in the file.
#[derive(Debug, Clone)]
pub struct Value {
    /// Where the value is in the file.
    pub span: Range<usize>,
    /// The value itself.
    pub data: Data,
}

/// The TOML value types a front matter can hold.
#[derive(Debug, Clone)]
pub enum Data {
    /// A string.
    String(String),
    /// An integer, or `None` when it does not fit in 64 bits.
    Integer(Option<i64>),
    /// A float.
    Float,
    /// A boolean.
    Bool(bool),
    /// A date, time or both.
    Datetime(toml::value::Datetime),
    /// An array.
    Array(Vec<Value>),
    /// A table.
    Table,
}

impl Data {
    /// The TOML name of the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Data::String(_) => "a string",
            Data::Integer(Some(_)) => "an integer",
            Data::Integer(None) => "an integer beyond 64 bits",
            Data::Float => "a float",
            Data::Bool(_) => "a boolean",
            Data::Datetime(_) => "a date",
            Data::Array(_) => "an array",
            Data::Table => "a table",
        }
    }
}

/// One declared tag, as written in `tags.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTag {
    /// The identifier pages use.
    pub id: Spanned<String>,
    /// The label readers see.
    pub label: String,
    /// One sentence about the tag.
    #[serde(default)]
    pub description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTagsFile {
    #[serde(default)]
    tag: Vec<RawTag>,
}

/// The tag vocabulary file.
#[derive(Debug, Clone, Default)]
pub struct TagsSource {
    /// Path relative to the site root.
    pub path: PathBuf,
    /// The whole file, for positions.
    pub text: String,
    /// The declared tags, in file order.
    pub tags: Vec<RawTag>,
}

/// Everything read from `content/`.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The Markdown files that could be read and split, sorted by path.
    pub sources: Vec<Source>,
    /// The tag vocabulary (empty when the file is absent).
    pub tags: TagsSource,
    /// Other files under `content/` (images, documents), relative to it, sorted.
    pub assets: Vec<String>,
    /// Problems found while reading.
    pub diags: Vec<Diagnostic>,
}

/// Reads every Markdown file under `<root>/content` and the tag vocabulary.
pub fn load(root: &Path) -> Result<Loaded, Error> {
    load_packing(root, PACK_ABOVE)
}

/// [`load`], every text packed when the files hold more than `pack_above` bytes in all.
fn load_packing(root: &Path, pack_above: usize) -> Result<Loaded, Error> {
    let (paths, assets) = content_paths(root)?;
    let mut loaded = Loaded {
        assets,
        ..Loaded::default()
    };
    // Files read after the first `pack_above` bytes are packed as they are read, the
    // first ones once all are read. Only a packed text is freed after its page renders:
    // the first 64 MiB kept as read were as much of a 100,000-page build's peak, which
    // comes after the pages (the search index's postings).
    let read = AtomicUsize::new(0);
    let mut results: Vec<Result<Source, Diagnostic>> = paths
        .par_iter()
        .map(|rel| {
            let mut source = read_source(root, rel)?;
            if let Ok(s) = &mut source
                && let Stored::Plain(text) = &s.text.0
                && read.fetch_add(text.len(), Ordering::Relaxed) > pack_above
            {
                s.text = Text::packed(text);
            }
            Some(source)
        })
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect();
    if read.into_inner() > pack_above {
        results
            .par_iter_mut()
            .filter_map(|r| r.as_mut().ok())
            .for_each(|s| {
                if let Stored::Plain(text) = &s.text.0 {
                    s.text = Text::packed(text);
                }
            });
    }
    for r in results {
        match r {
            Ok(s) => loaded.sources.push(s),
            Err(d) => loaded.diags.push(d),
        }
    }
    let (tags, diags) = read_tags(root);
    loaded.tags = tags;
    loaded.diags.extend(diags);
    Ok(loaded)
}

/// The `.md` files and the other files under `content/`, relative to it, sorted. Hidden
/// entries and the tag vocabulary are skipped.
pub fn content_paths(root: &Path) -> Result<(Vec<String>, Vec<String>), Error> {
    let content = root.join(CONTENT_DIR);
    if !content.is_dir() {
        return Err(Error::Config(vec![
            Diagnostic::error("no-content", CONTENT_DIR, t!("no-content"))
                .help(t!("no-content.help")),
        ]));
    }
    let mut paths = Vec::new();
    let mut assets = Vec::new();
    let walker = walkdir::WalkDir::new(&content)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(&content).to_path_buf();
            Error::io(path, e.into())
        })?;
        let kind = entry.file_type();
        if !kind.is_file() && !kind.is_symlink() {
            continue;
        }
        let rel = entry.path().strip_prefix(&content).unwrap_or(entry.path());
        // Names that are not UTF-8 are reported by read_source; keep them lossy here.
        let rel = rel.to_string_lossy().replace('\\', "/");
        if is_leftover(&entry.file_name().to_string_lossy()) {
            continue;
        }
        if kind.is_symlink() {
            // Links are never followed: one could publish a file from outside the site.
            // A linked page is reported by read_source, a linked directory here, so that
            // no page goes missing without a word; a linked file is never published.
            if entry.path().is_dir() {
                let path = Path::new(CONTENT_DIR).join(&rel);
                return Err(Error::Config(vec![symlink(&path)]));
            }
            if !rel.ends_with(".md") {
                continue;
            }
        }
        if rel.ends_with(".md") {
            paths.push(rel);
        } else if rel != TAGS_FILE {
            assets.push(rel);
        }
    }
    // The walk goes in the file system's order; sorted once here by path components,
    // the order of a walk sorted by file name: byte order with `/` below any byte of a
    // name (a file name holds no NUL). Sorting the walk itself, at 60,000 files in one
    // folder, parsed both paths of every comparison, and comparing split paths was not
    // much faster: a serial stretch at the start of a build (0.2 s at 100,000 pages).
    for list in [&mut paths, &mut assets] {
        list.sort_by_cached_key(|path| path.replace('/', "\0"));
    }
    Ok((paths, assets))
}

/// The error for a symbolic link under `content/` (a page or a directory of pages).
fn symlink(path: &Path) -> Diagnostic {
    Diagnostic::error("symlink", path, t!("symlink")).help(t!("symlink.help"))
}

/// Whether a file name is an editor's or a system's leftover (`page.md~`, `#page.md#`,
/// `.swp`, `.bak`, `.orig`, `Thumbs.db`): never a page, never published, never reported.
pub fn is_leftover(name: &str) -> bool {
    const SUFFIXES: [&str; 5] = ["~", ".swp", ".swo", ".bak", ".orig"];
    SUFFIXES.iter().any(|s| name.ends_with(s))
        || (name.len() > 1 && name.starts_with('#') && name.ends_with('#'))
        || name.eq_ignore_ascii_case("Thumbs.db")
        || name.eq_ignore_ascii_case("desktop.ini")
}

/// Reads and splits one file. `Ok(None)` means the file vanished (deleted while reading).
pub fn read_source(root: &Path, rel: &str) -> Option<Result<Source, Diagnostic>> {
    let path = Path::new(CONTENT_DIR).join(rel);
    if rel.contains('\u{FFFD}') {
        return Some(Err(Diagnostic::error(
            "bad-file-name",
            &path,
            t!("bad-file-name"),
        )
        .help(t!("bad-file-name.help"))));
    }
    if std::fs::symlink_metadata(root.join(&path)).is_ok_and(|m| m.is_symlink()) {
        return Some(Err(symlink(&path)));
    }
    let text = match std::fs::read(root.join(&path)) {
        Ok(bytes) => match utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                let bytes = e.into_bytes();
                let lossy = String::from_utf8_lossy(&bytes);
                let d = Diagnostic::error("not-utf8", &path, t!("not-utf8"))
                    .at(&LineIndex::new(&lossy), offset)
                    .help(t!("not-utf8.help"));
                return Some(Err(d));
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            return Some(Err(Diagnostic::error(
                "unreadable",
                &path,
                t!("unreadable", error = e),
            )));
        }
    };
    Some(parse_source(path, rel.to_string(), text))
}

/// `bytes` as text. The SIMD check comes first: French text leaves the standard check's
/// ASCII fast path at every accented letter, and checking was 40 % of reading a
/// source's instructions. Copying the checked text costs less, and needs no `unsafe`.
fn utf8(bytes: Vec<u8>) -> Result<String, std::string::FromUtf8Error> {
    match simdutf8::basic::from_utf8(&bytes) {
        Ok(text) => Ok(text.to_owned()),
        // The standard check says where the text stops being UTF-8.
        Err(_) => String::from_utf8(bytes),
    }
}

/// Splits and parses one file's text.
pub fn parse_source(path: PathBuf, rel: String, text: String) -> Result<Source, Diagnostic> {
    let index = LineIndex::new(&text);
    let (front_range, body_offset) = split(&text).map_err(|(offset, key)| {
        let help = match key {
            "front-matter" => t!("front-matter.help"),
            _ => t!("front-matter.unclosed.help"),
        };
        Diagnostic::error("front-matter", &path, t!(key))
            .at(&index, offset)
            .help(help)
    })?;
    let front_text = &text[front_range.clone()];
    let table = DeTable::parse(front_text).map_err(|e| {
        let offset = front_range.start + e.span().map_or(0, |s| s.start);
        let message = e.message().trim();
        // TOML itself rejects a day that is no day (`2024-09-32`, `2024-13-01`).
        let (code, help) = if message.starts_with("invalid date") {
            ("bad-date", t!("bad-date.help"))
        } else {
            ("front-matter-syntax", t!("front-matter-syntax.help"))
        };
        Diagnostic::error(code, &path, t!("front-matter-syntax", message = message))
            .at(&index, offset)
            .help(help)
    })?;
    let base = front_range.start;
    let front = table
        .into_inner()
        .into_iter()
        .map(|(k, v)| {
            let key_span = shift(k.span(), base);
            Entry {
                key: k.into_inner().into_owned(),
                key_span,
                value: convert(v, base),
            }
        })
        .collect();
    let body = &text[body_offset..];
    let start = text.len() - body.trim_start().len();
    let body_trimmed = start..start + body.trim().len();
    Ok(Source {
        path,
        rel,
        text: Text::new(text),
        front,
        body_offset,
        body_trimmed,
    })
}

fn shift(span: Range<usize>, base: usize) -> Range<usize> {
    span.start + base..span.end + base
}

fn convert(v: Spanned<DeValue<'_>>, base: usize) -> Value {
    let span = shift(v.span(), base);
    let data = match v.into_inner() {
        DeValue::String(s) => Data::String(s.into_owned()),
        DeValue::Integer(i) => {
            Data::Integer(i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok())
        }
        DeValue::Float(_) => Data::Float,
        DeValue::Boolean(b) => Data::Bool(b),
        DeValue::Datetime(d) => Data::Datetime(d),
        DeValue::Array(a) => Data::Array(a.into_iter().map(|v| convert(v, base)).collect()),
        DeValue::Table(_) => Data::Table,
    };
    Value { span, data }
}

/// Where the front matter is wrong, and the catalog key of what is wrong.
type SplitError = (usize, &'static str);

/// Finds the front matter (between two `+++` lines) and the start of the body.
fn split(text: &str) -> Result<(Range<usize>, usize), SplitError> {
    let start = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
    let mut lines = text[start..]
        .split_inclusive('\n')
        .scan(start, |offset, line| {
            let at = *offset;
            *offset += line.len();
            Some((at, line))
        });
    match lines.next() {
        Some((_, first)) if first.trim_end() == "+++" => {}
        _ => {
            return Err((start, "front-matter"));
        }
    }
    let front_start = start
        + text[start..]
            .find('\n')
            .map_or(text.len() - start, |i| i + 1);
    for (at, line) in lines {
        if line.trim_end() == "+++" {
            return Ok((front_start..at, at + line.len()));
        }
    }
    Err((start, "front-matter.unclosed"))
}

/// Reads the tag vocabulary, `content/tags.toml` (empty when absent).
pub fn read_tags(root: &Path) -> (TagsSource, Vec<Diagnostic>) {
    let path = Path::new(CONTENT_DIR).join(TAGS_FILE);
    let text = match std::fs::read_to_string(root.join(&path)) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return (
                TagsSource {
                    path,
                    ..TagsSource::default()
                },
                Vec::new(),
            );
        }
        Err(e) => {
            let d = Diagnostic::error("unreadable", &path, t!("unreadable.tags", error = e));
            return (
                TagsSource {
                    path,
                    ..TagsSource::default()
                },
                vec![d],
            );
        }
    };
    match toml::from_str::<RawTagsFile>(&text) {
        Ok(file) => (
            TagsSource {
                path,
                text,
                tags: file.tag,
            },
            Vec::new(),
        ),
        Err(e) => {
            let index = LineIndex::new(&text);
            let d = Diagnostic::error(
                "tags-syntax",
                &path,
                t!("tags-syntax", message = e.message().trim()),
            )
            .at(&index, e.span().map_or(0, |s| s.start))
            .help(t!("tags-syntax.help"));
            (
                TagsSource {
                    path,
                    ..TagsSource::default()
                },
                vec![d],
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Lang;

    #[test]
    fn utf8_gives_the_text_or_where_it_stops_being_utf8() {
        let text = "Écouter, décider, coopérer : « l’été » — ".repeat(20);
        assert_eq!(utf8(text.clone().into_bytes()).unwrap(), text);
        let at = (300..).find(|&i| text.is_char_boundary(i)).unwrap();
        let mut bytes = text.into_bytes();
        bytes.insert(at, 0xff);
        let e = utf8(bytes).unwrap_err();
        assert_eq!(e.utf8_error().valid_up_to(), at);
    }

    fn parse(text: &str) -> Result<Source, Diagnostic> {
        parse_source("content/a.md".into(), "a.md".into(), text.into())
    }

    #[test]
    fn splits_front_matter_and_body() {
        let s = parse("+++\ntitle = \"Été\"\ntags = [\"a\", \"b\"]\n+++\n\nCorps.\n").unwrap();
        assert_eq!(s.body(), "\nCorps.\n");
        let tags = s.front.iter().find(|e| e.key == "tags").unwrap();
        let Data::Array(items) = &tags.value.data else {
            panic!()
        };
        assert_eq!(&s.text.get()[items[1].span.clone()], "\"b\"");
    }

    #[test]
    fn a_packed_text_reads_as_the_text_until_released() {
        let text = "+++\ntitle = \"Été\"\n+++\n\nCoopération, coopération, coopération.\n";
        let mut s = parse(text).unwrap();
        s.text = Text::packed(text);
        assert!(s.text.is_packed());
        assert_eq!(s.text.get(), text);
        assert_eq!(s.body(), "\nCoopération, coopération, coopération.\n");
        assert_eq!(s.clone().text.get(), text);
        s.text.release();
        assert_eq!(s.text.get(), "");
        // A text as read stays: small sites never pack theirs.
        let plain = Text::new(text.into());
        plain.release();
        assert_eq!(plain.get(), text);
        assert!(!plain.is_packed());
    }

    #[test]
    fn past_the_threshold_every_text_is_packed_or_none() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(CONTENT_DIR)).unwrap();
        let text = "+++\ntitle = \"Page\"\n+++\n\nCoopération.\n";
        for name in ["a", "b", "c"] {
            let path = dir.path().join(CONTENT_DIR).join(format!("{name}.md"));
            std::fs::write(path, text).unwrap();
        }
        // Past the threshold every text ends packed, whether it was packed as it was
        // read or once all were (which one depends on the order of the parallel reads);
        // under it, none.
        let loaded = load_packing(dir.path(), text.len()).unwrap();
        assert_eq!(loaded.sources.len(), 3);
        for s in &loaded.sources {
            assert!(s.text.is_packed(), "{}", s.rel);
            assert_eq!(s.text.get(), text);
        }
        let loaded = load_packing(dir.path(), 3 * text.len()).unwrap();
        assert!(loaded.sources.iter().all(|s| !s.text.is_packed()));
    }

    /// The order of a walk that visits each folder's entries sorted by name: a folder's
    /// files come before a sibling whose name its own extends (`a/` before `a-b.md`,
    /// although `/` sorts after `-`), byte order within a folder.
    #[test]
    fn content_paths_come_in_the_order_of_their_components() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join(CONTENT_DIR);
        let files = [
            "a/z.md", "a/b/c.md", "a-b.md", "a.md", "B.md", "é.md", "a/b.png",
        ];
        for file in files {
            let path = content.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        let (paths, assets) = content_paths(dir.path()).unwrap();
        assert_eq!(
            paths,
            ["B.md", "a/b/c.md", "a/z.md", "a-b.md", "a.md", "é.md"]
        );
        assert_eq!(assets, ["a/b.png"]);
    }

    #[test]
    fn syntax_errors_point_into_the_file_not_the_block() {
        let d = parse("+++\ntitle = \"ok\"\ndate = 2024-13-45x\n+++\n").unwrap_err();
        assert_eq!(d.code, "bad-date");
        assert_eq!(d.pos.unwrap().line, 3);
    }

    #[test]
    fn missing_or_unclosed_front_matter_is_reported() {
        assert_eq!(
            parse("# Titre\n").unwrap_err().message.render(Lang::En),
            "the file does not start with front matter"
        );
        let d = parse("+++\ntitle = \"x\"\n").unwrap_err();
        assert_eq!(
            d.message.render(Lang::En),
            "the front matter is never closed"
        );
        assert_eq!(d.pos.unwrap().line, 1);
    }

    #[test]
    fn accepts_bom_and_crlf() {
        let s = parse("\u{FEFF}+++\r\ntitle = \"x\"\r\n+++\r\nbody").unwrap();
        assert_eq!(s.body(), "body");
        assert_eq!(s.front.len(), 1);
    }
}
