//! The site as one zip archive, for readers who get the guide as a file (a USB key, an
//! attachment) rather than a URL: `archipel build --offline --zip guide.zip`.
//!
//! An [`Archive`] is a [`Sink`]: rendering streams files into it from several threads,
//! in any order. They are kept in memory and, on [`Archive::commit`], written sorted under
//! one top folder named after the archive (`guide.zip` holds `guide/index.html`), so that
//! unzipping gives a folder that opens on its `index.html`. Like the directory output,
//! the archive is written beside its target and renamed over it only once complete; a
//! failed build leaves the previous archive as it was, and an existing file that is not
//! a zip archive is never overwritten.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::{Sink, absolute};
use crate::diag::{Diagnostic, Error};

/// The first bytes of a zip archive (a local file header).
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

/// A zip archive being filled.
#[derive(Debug)]
pub struct Archive {
    path: PathBuf,
    top: String,
    files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl Archive {
    /// Checks that `path` may be written by a build of the site at `root` and prepares an
    /// empty archive for it.
    pub fn create(root: &Path, path: &Path) -> Result<Self, Error> {
        let root = root.canonicalize().map_err(|e| Error::io(root, e))?;
        let path = absolute(path)?;
        for protected in ["content", "themes", "templates", "static"] {
            if path.starts_with(root.join(protected)) {
                return Err(refuse(
                    &path,
                    &format!("it lies inside the site's `{protected}/`"),
                ));
            }
        }
        if path.is_dir() {
            return Err(refuse(&path, "it is a directory"));
        }
        if path.exists() && !is_zip(&path) {
            return Err(refuse(&path, "it is a file that is not a zip archive"));
        }
        let top = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| !s.is_empty() && !s.starts_with('.'))
            .unwrap_or_else(|| "site".to_string());
        Ok(Archive {
            path,
            top,
            files: Mutex::default(),
        })
    }

    /// The folder that holds the site inside the archive.
    pub fn top(&self) -> &str {
        &self.top
    }

    /// The archive's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the archive and swaps it in place of any previous one. Returns its size
    /// in bytes.
    pub fn commit(self) -> Result<u64, Error> {
        let files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        if let Some(parent) = self.path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = self
            .path
            .with_file_name(format!(".{name}.archipel-new-{}", std::process::id()));
        let written = write_zip(&tmp, &self.top, &files, modified_now())
            .and_then(|()| std::fs::rename(&tmp, &self.path).map_err(|e| Error::io(&self.path, e)));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        let size = std::fs::metadata(&self.path).map_err(|e| Error::io(&self.path, e))?;
        Ok(size.len())
    }
}

impl Sink for Archive {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), Error> {
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.insert(path.to_string(), bytes.to_vec());
        Ok(())
    }
}

fn refuse(path: &Path, why: &str) -> Error {
    Error::Config(vec![
        Diagnostic::error(
            "unsafe-output",
            path,
            format!("refusing to write the archive {}: {why}", path.display()),
        )
        .help("choose a new file name, or a zip archive that a previous build wrote"),
    ])
}

fn is_zip(path: &Path) -> bool {
    let mut head = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok_and(|()| head == ZIP_MAGIC)
}

/// Writes `files` under `top/` into a new zip file at `path`, each folder before what it
/// holds.
fn write_zip(
    path: &Path,
    top: &str,
    files: &BTreeMap<String, Vec<u8>>,
    modified: DateTime,
) -> Result<(), Error> {
    let io = |e: std::io::Error| Error::io(path, e);
    let zip_err = |e: zip::result::ZipError| Error::io(path, std::io::Error::other(e));
    let file = std::fs::File::create(path).map_err(io)?;
    let mut zip = ZipWriter::new(std::io::BufWriter::new(file));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(modified);
    let mut folders = BTreeSet::new();
    zip.add_directory(format!("{top}/"), options.unix_permissions(0o755))
        .map_err(zip_err)?;
    for (name, bytes) in files {
        for (slash, _) in name.match_indices('/') {
            let folder = &name[..=slash];
            if folders.insert(folder) {
                zip.add_directory(format!("{top}/{folder}"), options.unix_permissions(0o755))
                    .map_err(zip_err)?;
            }
        }
        zip.start_file(format!("{top}/{name}"), options.unix_permissions(0o644))
            .map_err(zip_err)?;
        zip.write_all(bytes).map_err(io)?;
    }
    let mut out = zip.finish().map_err(zip_err)?;
    out.flush().map_err(io)?;
    out.get_ref().sync_all().map_err(io)
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
