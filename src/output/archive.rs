//! The site as one zip archive, for readers who get the guide as a file (a USB key, an
//! attachment) rather than a URL: `archipel build --offline --zip guide.zip`.
//!
//! An [`Archive`] is a [`Sink`]: rendering streams files into it from several threads,
//! in any order, and each is compressed into the archive as it comes (nothing is held
//! in memory), under one top folder named after the archive (`guide.zip` holds
//! `guide/index.html`), so that unzipping gives a folder that opens on its `index.html`.
//! Like the directory output, the archive is written beside its target and renamed over
//! it only once complete; a failed build leaves the previous archive as it was. Archives
//! carry archipel's mark in their comment, and an existing file without it (another
//! program's zip, anything else) is never overwritten.

use std::collections::BTreeSet;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::target::{Target, outside_sources, refuse};
use super::{Sink, cleanup};
use crate::diag::Error;

/// The first bytes of a zip archive (a local file header).
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

/// The comment that marks an archive as archipel's, safe to replace.
const MARK: &str = "Written by archipel; the next build of this guide replaces it.";

/// A zip archive being filled.
pub struct Archive {
    path: PathBuf,
    top: String,
    /// The archive being written, beside `path`.
    tmp: PathBuf,
    writer: Mutex<Option<Writer>>,
    committed: bool,
}

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive").field("path", &self.path).finish()
    }
}

/// The zip writer and the folders it already holds.
struct Writer {
    zip: ZipWriter<BufWriter<std::fs::File>>,
    folders: BTreeSet<String>,
    options: SimpleFileOptions,
}

impl Archive {
    /// Checks that `path` may be written by a build of the site at `root` and starts an
    /// empty archive beside it.
    pub fn create(root: &Path, path: &Path) -> Result<Self, Error> {
        let (_, path) = outside_sources(root, path, Target::Archive)?;
        if path.is_dir() {
            return Err(refuse(&path, Target::Archive, "it is a directory"));
        }
        if path.exists() && !is_zip(&path) {
            return Err(refuse(
                &path,
                Target::Archive,
                "it is a file that is not a zip archive",
            ));
        }
        if path.exists() && !marked(&path) {
            return Err(refuse(
                &path,
                Target::Archive,
                "it is a zip archive that archipel did not write",
            ));
        }
        let top = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| !s.is_empty() && !s.starts_with('.'))
            .unwrap_or_else(|| "site".to_string());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        cleanup::leftovers(&path);
        let tmp = cleanup::sibling(&path, "new");
        // Registered before it exists: a signal between the two must still remove it.
        cleanup::register(&tmp);
        let file = std::fs::File::create(&tmp).map_err(|e| {
            cleanup::unregister(&tmp);
            Error::io(&path, e)
        })?;
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(modified_now());
        let mut zip = ZipWriter::new(BufWriter::new(file));
        let archive = |zip| Archive {
            writer: Mutex::new(Some(Writer {
                zip,
                folders: BTreeSet::new(),
                options,
            })),
            path: path.clone(),
            top: top.clone(),
            tmp: tmp.clone(),
            committed: false,
        };
        match zip.add_directory(format!("{top}/"), options.unix_permissions(0o755)) {
            Ok(()) => Ok(archive(zip)),
            Err(e) => {
                drop(archive(zip));
                Err(Error::io(&path, std::io::Error::other(e)))
            }
        }
    }

    /// The folder that holds the site inside the archive.
    pub fn top(&self) -> &str {
        &self.top
    }

    /// The archive's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Finishes the archive and swaps it in place of any previous one. Returns its size
    /// in bytes.
    pub fn commit(mut self) -> Result<u64, Error> {
        let io = |e: std::io::Error| Error::io(&self.path, e);
        let writer = self.writer.lock().unwrap_or_else(|e| e.into_inner()).take();
        let Some(mut writer) = writer else {
            return Err(io(std::io::Error::other("the archive was left unfinished")));
        };
        writer
            .zip
            .set_comment(MARK)
            .map_err(|e| io(std::io::Error::other(e)))?;
        let mut out = writer
            .zip
            .finish()
            .map_err(|e| io(std::io::Error::other(e)))?;
        out.flush().map_err(io)?;
        out.get_ref().sync_all().map_err(io)?;
        drop(out);
        std::fs::rename(&self.tmp, &self.path).map_err(io)?;
        self.committed = true;
        cleanup::unregister(&self.tmp);
        let size = std::fs::metadata(&self.path).map_err(io)?;
        Ok(size.len())
    }
}

impl Drop for Archive {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.tmp);
            cleanup::unregister(&self.tmp);
        }
    }
}

impl Archive {
    /// Adds the entry `path` (after the folders it needs), its bytes written by `write`.
    fn entry(
        &self,
        path: &str,
        write: impl FnOnce(&mut ZipWriter<BufWriter<std::fs::File>>) -> std::io::Result<()>,
    ) -> Result<(), Error> {
        let io = |e: std::io::Error| Error::io(&self.path, e);
        let zip_err = |e: zip::result::ZipError| io(std::io::Error::other(e));
        let mut guard = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let Some(w) = guard.as_mut() else {
            return Err(io(std::io::Error::other("the archive is closed")));
        };
        // Each folder before what it holds.
        for (slash, _) in path.match_indices('/') {
            let folder = &path[..=slash];
            if w.folders.insert(folder.to_string()) {
                w.zip
                    .add_directory(
                        format!("{}/{folder}", self.top),
                        w.options.unix_permissions(0o755),
                    )
                    .map_err(zip_err)?;
            }
        }
        w.zip
            .start_file(
                format!("{}/{path}", self.top),
                w.options.unix_permissions(0o644),
            )
            .map_err(zip_err)?;
        write(&mut w.zip).map_err(io)
    }
}

impl Sink for Archive {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), Error> {
        self.entry(path, |zip| zip.write_all(bytes))
    }

    fn copy(&self, path: &str, source: &Path) -> Result<(), Error> {
        let mut from = std::fs::File::open(source).map_err(|e| Error::io(source, e))?;
        self.entry(path, |zip| std::io::copy(&mut from, zip).map(drop))
    }
}

fn is_zip(path: &Path) -> bool {
    let mut head = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok_and(|()| head == ZIP_MAGIC)
}

/// Whether the zip archive at `path` carries archipel's mark.
fn marked(path: &Path) -> bool {
    std::fs::File::open(path)
        .ok()
        .and_then(|f| zip::ZipArchive::new(std::io::BufReader::new(f)).ok())
        .is_some_and(|a| a.comment() == MARK.as_bytes())
}

/// The current time (or `SOURCE_DATE_EPOCH`) as a zip timestamp (UTC; zip has no time
/// zones).
fn modified_now() -> DateTime {
    let secs = crate::date::now_secs();
    let (y, m, d) = crate::date::civil_from_days(secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400);
    u16::try_from(y)
        .ok()
        .and_then(|y| {
            // Each part is in range by construction; zip refuses years before 1980.
            DateTime::from_date_and_time(
                y,
                m as u8,
                d as u8,
                (t / 3600) as u8,
                (t / 60 % 60) as u8,
                (t % 60) as u8,
            )
            .ok()
        })
        .unwrap_or_default()
}
