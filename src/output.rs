//! Output: the only module that writes the site to disk.
//!
//! Rendering streams each file into a [`Sink`]. A [`Staging`] sink writes into a fresh
//! sibling of the output directory and, on [`Staging::commit`], swaps it in; dropped
//! without a commit (a failed build), it removes what it wrote and leaves the previous
//! output untouched. Before anything is written, the output path is checked: archipel
//! never writes into, or deletes, a directory it did not create. `archipel build` keeps
//! the replaced tree hidden beside the output and brings it up to date as the next
//! staging tree ([`spare`]).

pub mod archive;
pub mod cleanup;
mod spare;
mod target;
pub mod update;

use std::path::{Path, PathBuf};

use crate::diag::Error;
pub use target::check_target;
use target::{Target, refuse};

/// The file that marks a directory as archipel's output, safe to replace.
pub const MARKER: &str = ".archipel-output";

/// Where rendered files go. Paths are relative, with `/` separators.
pub trait Sink: Sync {
    /// Stores one output file.
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), Error>;

    /// Stores one output file as a copy of the file at `source` (an image, a static
    /// file), streamed: never read whole, whatever its size.
    fn copy(&self, path: &str, source: &Path) -> Result<(), Error>;

    /// Keeps the file at `path` as the previous build wrote it, if the sink has it: the
    /// caller knows its bytes have not changed and need not make them again. Returns
    /// false when it has no such file (one that starts empty never has): put it then.
    fn kept(&self, _path: &str) -> bool {
        false
    }
}

/// What stands for the bytes of a copied file when deciding whether it changed: its
/// size and modification time, which [`copy_file`] gives the copy too.
pub fn fingerprint(meta: &std::fs::Metadata) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    ("copy", meta.len(), meta.modified().ok()).hash(&mut h);
    h.finish()
}

/// Copies `source` to `to` block by block, leaving a hole where the source has one
/// (skipped without reading it, where the system says where data is) or where a block
/// holds only zeros: a sparse file stays sparse. The copy gets the source's modification
/// time. Memory stays at one block, whatever the size.
pub fn copy_file(source: &Path, to: &Path) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom, Write};
    let mut from = std::fs::File::open(source)?;
    let meta = from.metadata()?;
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut out = std::fs::File::create(to)?;
    let mut block = vec![0u8; 64 * 1024];
    let mut at = 0;
    while let Some((start, end)) = data_after(&from, at, meta.len())? {
        from.seek(SeekFrom::Start(start))?;
        out.seek(SeekFrom::Start(start))?;
        let mut left = end - start;
        while left > 0 {
            let want = block.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            let n = from.read(&mut block[..want])?;
            if n == 0 {
                break;
            }
            if block[..n].iter().all(|&b| b == 0) {
                out.seek(SeekFrom::Current(n as i64))?;
            } else {
                out.write_all(&block[..n])?;
            }
            left -= n as u64;
        }
        at = end;
    }
    out.set_len(meta.len())?;
    out.set_modified(meta.modified()?)?;
    Ok(())
}

/// The next range of `file` at or after `at` that may hold data, up to the next hole.
#[cfg(target_os = "linux")]
fn data_after(file: &std::fs::File, at: u64, len: u64) -> std::io::Result<Option<(u64, u64)>> {
    use rustix::fs::{SeekFrom, seek};
    if at >= len {
        return Ok(None);
    }
    match seek(file, SeekFrom::Data(at)) {
        Ok(start) => Ok(Some((start, seek(file, SeekFrom::Hole(start))?))),
        // No data after `at`: the rest is a hole.
        Err(rustix::io::Errno::NXIO) => Ok(None),
        // A file system that cannot tell: read everything.
        Err(_) => Ok(Some((at, len))),
    }
}

/// Elsewhere, the whole file is read (blocks of zeros still become holes).
#[cfg(not(target_os = "linux"))]
fn data_after(_: &std::fs::File, at: u64, len: u64) -> std::io::Result<Option<(u64, u64)>> {
    Ok((at < len).then_some((at, len)))
}

/// A fresh directory beside the output, swapped in when the build succeeds.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    committed: bool,
    /// Whether `out` holds a previous build whose unchanged files can be linked.
    reuse: bool,
    /// Set when the staging tree is a spare tree brought up to date ([`spare`]).
    recycled: Option<spare::Recycled>,
    /// Whether the replaced tree is kept as the next build's spare.
    keep_spare: bool,
    /// The directories of the staging tree known to exist, relative to it: a file put in
    /// one of them is written without asking for its directory again (a `mkdir` that
    /// fails and a `stat`, for 2,700 of the 13,600 files of a 10,000-page site).
    made: std::sync::Mutex<rustc_hash::FxHashSet<String>>,
}

impl Staging {
    /// Checks that `out` may be written by a build of the site at `root`, then creates the
    /// staging directory beside it. The replaced tree is removed (for `serve`, whose
    /// output is temporary).
    pub fn create(root: &Path, out: &Path) -> Result<Self, Error> {
        Self::open(root, out, false)
    }

    /// Like [`Staging::create`], but the staging tree is the spare tree when there is one
    /// (brought up to date), and the replaced tree becomes the next spare ([`spare`]).
    pub fn recycling(root: &Path, out: &Path) -> Result<Self, Error> {
        Self::open(root, out, true)
    }

    fn open(root: &Path, out: &Path, keep_spare: bool) -> Result<Self, Error> {
        let out = check_target(root, out)?;
        if out.parent().is_none() {
            return Err(refuse(&out, Target::Dir, "it has no parent directory"));
        }
        // Trees that killed builds left beside the output (they carry our marker).
        cleanup::leftovers(&out);
        let tmp = cleanup::sibling(&out, "new");
        if tmp.exists() {
            remove_ours(&tmp)?;
        }
        // Errors name the output the user chose, not the hidden directory beside it.
        // Registered before it exists: a signal between the two must still remove it.
        cleanup::register(&tmp);
        let recycled = if keep_spare {
            spare::take(&out, &tmp)
        } else {
            Ok(None)
        };
        let made = match recycled {
            Ok(None) => std::fs::create_dir_all(&tmp).map(|()| None),
            taken => taken,
        };
        let recycled = match made {
            Ok(recycled) => recycled,
            Err(e) => {
                let _ = remove_ours(&tmp);
                cleanup::unregister(&tmp);
                return Err(Error::io(&out, e));
            }
        };
        let reuse = out.join(MARKER).is_file();
        let staging = Staging {
            out,
            tmp,
            committed: false,
            reuse,
            recycled,
            keep_spare,
            made: std::sync::Mutex::default(),
        };
        staging.put(
            MARKER,
            b"This directory is written by archipel; it is replaced by each build.\n",
        )?;
        Ok(staging)
    }

    /// The output directory this staging will replace.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// Swaps the staged tree in place of the output directory: in one atomic exchange
    /// where the system has one (Linux), so that there is no moment without an output;
    /// elsewhere, by moving the old tree aside first.
    pub fn commit(mut self) -> Result<(), Error> {
        if let Some(recycled) = &self.recycled {
            recycled
                .sweep(&self.tmp)
                .map_err(|e| self.named(Error::io(&self.tmp, e)))?;
        }
        let had_old = self.out.exists();
        if had_old && exchange(&self.tmp, &self.out).is_ok() {
            // The staging path now holds the previous tree (still registered).
            self.committed = true;
            let removed = self.drop_old(&self.tmp);
            cleanup::unregister(&self.tmp);
            return removed;
        }
        let old = cleanup::sibling(&self.out, "old");
        if had_old {
            cleanup::register(&old);
            if let Err(e) = std::fs::rename(&self.out, &old) {
                cleanup::unregister(&old);
                return Err(Error::io(&self.out, e));
            }
        }
        if let Err(e) = std::fs::rename(&self.tmp, &self.out) {
            if had_old {
                // Put the previous output back before reporting.
                let _ = std::fs::rename(&old, &self.out);
                cleanup::unregister(&old);
            }
            return Err(Error::io(&self.out, e));
        }
        self.committed = true;
        cleanup::unregister(&self.tmp);
        if had_old {
            let removed = self.drop_old(&old);
            cleanup::unregister(&old);
            removed?;
        }
        Ok(())
    }

    /// Removes the replaced tree, now at `old`, or keeps it as the next spare.
    fn drop_old(&self, old: &Path) -> Result<(), Error> {
        if self.keep_spare {
            spare::keep(&self.out, old)
        } else {
            remove_ours(old)
        }
    }

    /// An error about a file of the staging tree, told about the same file of the output.
    fn named(&self, e: Error) -> Error {
        match e {
            Error::Io { path, source } => Error::Io {
                path: self.out.join(path.strip_prefix(&self.tmp).unwrap_or(&path)),
                source,
            },
            e => e,
        }
    }
}

impl Staging {
    /// Links the previous build's `path` into the staging tree if it holds exactly
    /// `bytes`, and says whether it did. A rebuild then creates no new file, and removing
    /// the previous tree frees nothing, for every unchanged page: on the benchmark
    /// machine's file system, allocating and freeing inodes was most of the time of a
    /// build over the previous output (see benches/README.md). The previous tree is only
    /// read: a failed build still leaves it as it was.
    fn link_unchanged(&self, path: &str, bytes: &[u8]) -> bool {
        if self.live_holding(path, bytes).is_none() {
            return false;
        }
        let new = self.tmp.join(path);
        new.parent()
            .is_none_or(|parent| std::fs::create_dir_all(parent).is_ok())
            && std::fs::hard_link(self.out.join(path), &new).is_ok()
    }

    /// Creates the directory of the staging tree's file `path`, unless it is known to exist.
    fn make_parent(&self, path: &str) -> Result<(), Error> {
        let Some((dir, _)) = path.rsplit_once('/') else {
            return Ok(());
        };
        let made = || self.made.lock().unwrap_or_else(|e| e.into_inner());
        if made().contains(dir) {
            return Ok(());
        }
        let full = self.tmp.join(dir);
        std::fs::create_dir_all(&full).map_err(|e| self.named(Error::io(&full, e)))?;
        made().insert(dir.to_string());
        Ok(())
    }

    /// The metadata of the live output's file `path` when it holds exactly `bytes`.
    fn live_holding(&self, path: &str, bytes: &[u8]) -> Option<std::fs::Metadata> {
        let old = self.out.join(path);
        let live = std::fs::symlink_metadata(&old)
            .ok()
            .filter(|m| m.is_file() && m.len() == bytes.len() as u64)?;
        std::fs::read(&old)
            .is_ok_and(|b| b == bytes)
            .then_some(live)
    }

    /// The metadata of the live output's file `path` when it is a copy with the
    /// [`fingerprint`] `print`.
    fn live_copy(&self, path: &str, print: u64) -> Option<std::fs::Metadata> {
        std::fs::symlink_metadata(self.out.join(path))
            .ok()
            .filter(|m| m.is_file() && fingerprint(m) == print)
    }
}

impl Sink for Staging {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), Error> {
        if let Some(recycled) = &self.recycled {
            return self.update(recycled, path, bytes);
        }
        if self.reuse && self.link_unchanged(path, bytes) {
            return Ok(());
        }
        let full = self.tmp.join(path);
        if self.reuse && full.symlink_metadata().is_ok() {
            // Written twice: never write through a link to the previous build's file.
            std::fs::remove_file(&full).map_err(|e| self.named(Error::io(&full, e)))?;
        }
        self.make_parent(path)?;
        std::fs::write(&full, bytes).map_err(|e| self.named(Error::io(&full, e)))
    }

    fn copy(&self, path: &str, source: &Path) -> Result<(), Error> {
        if let Some(recycled) = &self.recycled {
            return self.update_copy(recycled, path, source);
        }
        let meta = std::fs::metadata(source).map_err(|e| Error::io(source, e))?;
        let new = self.tmp.join(path);
        if self.reuse {
            // The previous build's copy, when it has the same size and time: linked.
            let old = self.out.join(path);
            if self.live_copy(path, fingerprint(&meta)).is_some()
                && new
                    .parent()
                    .is_none_or(|p| std::fs::create_dir_all(p).is_ok())
                && std::fs::hard_link(&old, &new).is_ok()
            {
                return Ok(());
            }
            if new.symlink_metadata().is_ok() {
                std::fs::remove_file(&new).map_err(|e| self.named(Error::io(&new, e)))?;
            }
        }
        copy_file(source, &new).map_err(|e| self.named(Error::io(&new, e)))
    }
}

/// Exchanges two paths atomically (`renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

/// Elsewhere, no atomic exchange: the caller moves the old tree aside first.
#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_ours(&self.tmp);
            cleanup::unregister(&self.tmp);
        }
    }
}

/// Writes `bytes` to `dir/path`, creating parent directories.
pub fn write_file(dir: &Path, path: &str, bytes: &[u8]) -> Result<(), Error> {
    let full = dir.join(path);
    if let Some(parent) = full.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    std::fs::write(&full, bytes).map_err(|e| Error::io(&full, e))
}

/// Removes a directory only if it carries our marker.
fn remove_ours(dir: &Path) -> Result<(), Error> {
    if dir.join(MARKER).is_file() || is_empty_dir(dir) {
        std::fs::remove_dir_all(dir).map_err(|e| Error::io(dir, e))
    } else {
        Err(refuse(
            dir,
            Target::Dir,
            "it holds files that archipel did not write",
        ))
    }
}

pub(crate) fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A site root with a previous output `public/` holding `same.html` and `changed.html`.
    fn previous_build() -> (tempfile::TempDir, PathBuf) {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        std::fs::create_dir_all(out.join("a")).unwrap();
        std::fs::write(out.join(MARKER), "marker").unwrap();
        std::fs::write(out.join("a/same.html"), "same").unwrap();
        std::fs::write(out.join("changed.html"), "old").unwrap();
        (root, out)
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_linked_and_the_previous_build_is_never_written() {
        use std::os::unix::fs::MetadataExt;
        let (root, out) = previous_build();
        let ino = |p: &Path| std::fs::metadata(p).unwrap().ino();
        let staging = Staging::create(root.path(), &out).unwrap();
        staging.put("a/same.html", b"same").unwrap();
        staging.put("changed.html", b"new").unwrap();
        assert_eq!(
            ino(&staging.tmp.join("a/same.html")),
            ino(&out.join("a/same.html"))
        );
        assert_ne!(
            ino(&staging.tmp.join("changed.html")),
            ino(&out.join("changed.html"))
        );
        // A path put twice is rewritten without writing through the link.
        staging.put("a/same.html", b"twice").unwrap();
        assert_eq!(std::fs::read(out.join("a/same.html")).unwrap(), b"same");
        drop(staging); // a failed build
        assert_eq!(std::fs::read(out.join("a/same.html")).unwrap(), b"same");
        assert_eq!(std::fs::read(out.join("changed.html")).unwrap(), b"old");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn exchange_swaps_two_trees_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(a.join("f"), "a").unwrap();
        std::fs::write(b.join("f"), "b").unwrap();
        exchange(&a, &b).unwrap();
        assert_eq!(std::fs::read(a.join("f")).unwrap(), b"b");
        assert_eq!(std::fs::read(b.join("f")).unwrap(), b"a");
    }

    #[cfg(unix)]
    #[test]
    fn copies_keep_holes_and_times() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let (from, to) = (dir.path().join("creux.bin"), dir.path().join("a/copie.bin"));
        let file = std::fs::File::create(&from).unwrap();
        file.set_len(64 << 20).unwrap();
        std::io::Write::write_all(&mut &file, b"debut").unwrap();
        drop(file);
        copy_file(&from, &to).unwrap();
        let (a, b) = (
            std::fs::metadata(&from).unwrap(),
            std::fs::metadata(&to).unwrap(),
        );
        assert_eq!(b.len(), 64 << 20);
        assert!(b.blocks() * 512 < 1 << 20, "{} blocks", b.blocks());
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_eq!(&std::fs::read(&to).unwrap()[..5], b"debut");
    }

    /// Directories are made once each and remembered: files beside, below and above a
    /// directory already made all land where their paths say.
    #[test]
    fn files_land_in_the_directories_their_paths_name() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        let staging = Staging::create(root.path(), &out).unwrap();
        let files = [
            "a/b/un.html",
            "a/b/deux.html",
            "a/trois.html",
            "a/b/c/quatre.html",
            "cinq.html",
        ];
        for f in files {
            staging.put(f, f.as_bytes()).unwrap();
        }
        staging.commit().unwrap();
        for f in files {
            assert_eq!(std::fs::read(out.join(f)).unwrap(), f.as_bytes());
        }
    }

    #[test]
    fn a_rebuild_replaces_the_output() {
        let (root, out) = previous_build();
        let staging = Staging::create(root.path(), &out).unwrap();
        staging.put("a/same.html", b"same").unwrap();
        staging.put("changed.html", b"new").unwrap();
        staging.commit().unwrap();
        assert_eq!(std::fs::read(out.join("a/same.html")).unwrap(), b"same");
        assert_eq!(std::fs::read(out.join("changed.html")).unwrap(), b"new");
        assert!(out.join(MARKER).is_file());
    }
}
