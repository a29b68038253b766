//! The spare tree: the output of the build before the previous one, kept hidden beside
//! the output (`.<name>.archipel-spare`) so that the next build brings it up to date
//! instead of writing a new tree.
//!
//! A build that finds the spare moves it to its staging path and updates it file by
//! file: a file whose bytes the live output already holds becomes a hard link to the
//! live file (usually it already is one, from the build before), a changed file is
//! written beside its path and renamed over it, and before the swap every file this
//! build did not put is removed. An unchanged page therefore creates and frees no inode
//! and no directory; on the benchmark machine's file system, allocating inodes after a
//! tree had been deleted was most of a rebuild's time (benches/README.md). After the
//! swap, the previous output becomes the next spare.
//!
//! What keeps this safe: the live output is only read (a file of the staging tree may be
//! the live file itself, through a hard link, so nothing is ever written into an existing
//! file: new files are renamed over old paths); a spare is used only when it is a real
//! directory carrying archipel's marker, and what it holds besides files and directories
//! (a symbolic link a user left in the output) is removed before anything is written;
//! a failed or interrupted build removes the staging tree like any other.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::{MARKER, Staging};
use crate::diag::Error;

/// The path of the spare tree of the output `out`.
fn path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    out.with_file_name(format!(".{name}.archipel-spare"))
}

/// A staging tree made from a spare: what it held when it was taken, and what this
/// build has put into it so far.
#[derive(Debug)]
pub(super) struct Recycled {
    /// Files and directories of the spare, relative, `/`-separated.
    files: Vec<String>,
    dirs: Vec<String>,
    put: Mutex<HashSet<String>>,
}

/// Whether `dir` is a directory (not a link to one) carrying archipel's marker.
fn ours(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir())
        && std::fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file())
}

/// Moves the spare tree of `out`, if there is one of archipel's, to `to` (which the
/// caller has registered for removal) and lists it. Returns `None` when there is no
/// usable spare: the caller then makes a fresh directory.
pub(super) fn take(out: &Path, to: &Path) -> std::io::Result<Option<Recycled>> {
    let spare = path(out);
    if !ours(&spare) || std::fs::rename(&spare, to).is_err() {
        return Ok(None);
    }
    if !ours(to) {
        // Replaced between the check and the move: put it back, never write into it.
        std::fs::rename(to, &spare)?;
        return Ok(None);
    }
    let (mut files, mut dirs) = (Vec::new(), Vec::new());
    for entry in walkdir::WalkDir::new(to).min_depth(1) {
        let entry = entry.map_err(std::io::Error::from)?;
        let rel = relative(to, entry.path());
        let kind = entry.file_type();
        if kind.is_dir() {
            dirs.push(rel);
        } else if kind.is_file() {
            files.push(rel);
        } else {
            // A symbolic link (or stranger) must never be written through.
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(Some(Recycled {
        files,
        dirs,
        put: Mutex::default(),
    }))
}

fn relative(base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let parts: Vec<_> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    parts.join("/")
}

/// Keeps the previous output, now at `old`, as the next build's spare when there is
/// none; otherwise removes it. A `.gitignore` that ignores everything keeps the hidden
/// tree out of a repository holding the site (the next build removes it, not put).
pub(super) fn keep(out: &Path, old: &Path) -> Result<(), Error> {
    let spare = path(out);
    if std::fs::symlink_metadata(&spare).is_err() && std::fs::rename(old, &spare).is_ok() {
        // A new file only: an existing one may be a link to a live file.
        let _ = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(spare.join(".gitignore"))
            .and_then(|mut f| std::io::Write::write_all(&mut f, b"*\n"));
        return Ok(());
    }
    super::remove_ours(old)
}

/// Whether two metadata describe the same file (two hard links to one inode).
#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

/// Elsewhere, never known to be: the file is linked again, which is correct.
#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    false
}

impl Recycled {
    fn note(&self, path: &str) {
        let mut put = self.put.lock().unwrap_or_else(|e| e.into_inner());
        put.insert(path.to_string());
    }

    /// Removes from the tree at `base` every file and directory of the spare that this
    /// build did not put (nor needs as a parent of what it put).
    pub(super) fn sweep(&self, base: &Path) -> std::io::Result<()> {
        let put = self.put.lock().unwrap_or_else(|e| e.into_inner());
        let mut needed: HashSet<&str> = HashSet::new();
        for path in put.iter() {
            let mut at = path.as_str();
            while let Some((parent, _)) = at.rsplit_once('/') {
                if !needed.insert(parent) {
                    break;
                }
                at = parent;
            }
        }
        // A file of the spare may be a directory now, and a directory a file.
        let stale = |p: &&String| !put.contains(*p) && !needed.contains(p.as_str());
        for file in self.files.iter().filter(stale) {
            remove_if_there(std::fs::remove_file(base.join(file)))?;
        }
        for dir in self.dirs.iter().filter(stale) {
            remove_if_there(std::fs::remove_dir_all(base.join(dir)))?;
        }
        Ok(())
    }
}

/// An error other than "already gone" (a parent removed first, or now a file).
fn remove_if_there(done: std::io::Result<()>) -> std::io::Result<()> {
    use std::io::ErrorKind::{NotADirectory, NotFound};
    match done {
        Err(e) if !matches!(e.kind(), NotFound | NotADirectory) => Err(e),
        _ => Ok(()),
    }
}

impl Staging {
    /// Brings the staging tree's `path` up to date with `bytes` (see the module header).
    pub(super) fn update(
        &self,
        recycled: &Recycled,
        path: &str,
        bytes: &[u8],
    ) -> Result<(), Error> {
        recycled.note(path);
        let (old, new) = (self.out.join(path), self.tmp.join(path));
        let here = std::fs::symlink_metadata(&new).ok().filter(|m| m.is_file());
        if self.reuse
            && let Some(live) = self.live_holding(path, bytes)
        {
            if here.is_some_and(|h| same_file(&h, &live)) {
                return Ok(());
            }
            return self.replace(&new, |tmp| std::fs::hard_link(&old, tmp));
        }
        // Not the live file's bytes, so not a link to it: the spare's own copy may hold them.
        if here.is_some_and(|h| h.len() == bytes.len() as u64)
            && std::fs::read(&new).is_ok_and(|b| b == bytes)
        {
            return Ok(());
        }
        self.replace(&new, |tmp| std::fs::write(tmp, bytes))
    }

    /// Brings the staging tree's `path` up to date as a copy of `source`.
    pub(super) fn update_copy(
        &self,
        recycled: &Recycled,
        path: &str,
        source: &Path,
    ) -> Result<(), Error> {
        recycled.note(path);
        let meta = std::fs::metadata(source).map_err(|e| Error::io(source, e))?;
        let print = super::fingerprint(&meta);
        let (old, new) = (self.out.join(path), self.tmp.join(path));
        let here = std::fs::symlink_metadata(&new).ok().filter(|m| m.is_file());
        if self.reuse
            && let Some(live) = self.live_copy(path, print)
        {
            if here.is_some_and(|h| same_file(&h, &live)) {
                return Ok(());
            }
            return self.replace(&new, |tmp| std::fs::hard_link(&old, tmp));
        }
        if here.is_some_and(|h| super::fingerprint(&h) == print) {
            return Ok(());
        }
        self.replace(&new, |tmp| super::copy_file(source, tmp))
    }

    /// Makes a new file with `make` beside `new` and renames it over `new`: whatever
    /// `new` was (a link to a live file, a directory of the spare) is never written into.
    fn replace(
        &self,
        new: &Path,
        make: impl Fn(&Path) -> std::io::Result<()>,
    ) -> Result<(), Error> {
        let name = new.file_name().unwrap_or_default().to_string_lossy();
        let tmp = new.with_file_name(format!(".{name}.archipel-write"));
        let attempt = || -> std::io::Result<()> {
            self.parents(new)?;
            remove_if_there(std::fs::remove_file(&tmp))?;
            make(&tmp)?;
            if let Err(e) = std::fs::rename(&tmp, new) {
                if !std::fs::symlink_metadata(new).is_ok_and(|m| m.is_dir()) {
                    let _ = std::fs::remove_file(&tmp);
                    return Err(e);
                }
                // A directory of the spare where a file goes now.
                std::fs::remove_dir_all(new)?;
                std::fs::rename(&tmp, new)?;
            }
            Ok(())
        };
        attempt().map_err(|e| self.named(Error::io(new, e)))
    }

    /// Creates the parent directories of `new` in the staging tree, removing the spare's
    /// files that stand where a directory goes now.
    fn parents(&self, new: &Path) -> std::io::Result<()> {
        let Some(parent) = new.parent() else {
            return Ok(());
        };
        if std::fs::create_dir_all(parent).is_ok() {
            return Ok(());
        }
        let mut at = self.tmp.clone();
        for part in parent
            .strip_prefix(&self.tmp)
            .unwrap_or(parent)
            .components()
        {
            at.push(part);
            if std::fs::symlink_metadata(&at).is_ok_and(|m| !m.is_dir()) {
                std::fs::remove_file(&at)?;
            }
        }
        std::fs::create_dir_all(parent)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::MetadataExt;

    use super::*;
    use crate::output::Sink;

    fn ino(p: &Path) -> u64 {
        std::fs::symlink_metadata(p).unwrap().ino()
    }

    /// Builds `files` into `public/` of `root` (a whole build: staging, puts, commit).
    fn build(root: &Path, files: &[(&str, &str)]) {
        let staging = Staging::recycling(root, &root.join("public")).unwrap();
        for (path, text) in files {
            staging.put(path, text.as_bytes()).unwrap();
        }
        staging.commit().unwrap();
    }

    /// Every file under `dir`, relative, with its text, sorted.
    fn tree(dir: &Path) -> Vec<(String, String)> {
        let mut files: Vec<_> = walkdir::WalkDir::new(dir)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| !e.file_type().is_dir())
            .map(|e| {
                let text = std::fs::read_to_string(e.path()).unwrap();
                (relative(dir, e.path()), text)
            })
            .collect();
        files.sort();
        files
    }

    const MARK: &str = "This directory is written by archipel; it is replaced by each build.\n";

    /// The tree of `files` after the marker, as [`tree`] lists it.
    fn expected(files: &[(&str, &str)]) -> Vec<(String, String)> {
        let marker = std::iter::once((".archipel-output", MARK));
        marker
            .chain(files.iter().copied())
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect()
    }

    #[test]
    fn the_replaced_tree_is_the_next_staging_tree_and_shares_unchanged_files() {
        let root = tempfile::tempdir().unwrap();
        let (out, spare) = (
            root.path().join("public"),
            path(&root.path().join("public")),
        );
        build(
            root.path(),
            &[("a/index.html", "a"), ("b/index.html", "b1")],
        );
        assert!(!spare.exists(), "no previous tree, no spare");
        build(
            root.path(),
            &[("a/index.html", "a"), ("b/index.html", "b2")],
        );
        // The first tree is the spare; its unchanged page is the live file itself.
        assert_eq!(
            ino(&spare.join("a/index.html")),
            ino(&out.join("a/index.html"))
        );
        assert_eq!(std::fs::read(spare.join("b/index.html")).unwrap(), b"b1");
        let dir = ino(&spare.join("a"));
        build(root.path(), &[("a/index.html", "a"), ("c", "c")]);
        // The spare was brought up to date and swapped in: its directory is the output's.
        assert_eq!(ino(&out.join("a")), dir);
        assert_eq!(
            tree(&out),
            expected(&[("a/index.html", "a"), ("c", "c")]),
            "b/ and the spare's .gitignore are gone"
        );
        assert_eq!(std::fs::read(spare.join(".gitignore")).unwrap(), b"*\n");
    }

    #[test]
    fn a_failed_build_never_writes_through_a_link_to_the_live_output() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        build(root.path(), &[("a/index.html", "a")]);
        build(root.path(), &[("a/index.html", "a")]);
        let live = tree(&out);
        assert_eq!(
            ino(&path(&out).join("a/index.html")),
            ino(&out.join("a/index.html"))
        );
        let staging = Staging::recycling(root.path(), &out).unwrap();
        staging.put("a/index.html", b"changed").unwrap();
        drop(staging); // the build failed
        assert_eq!(tree(&out), live);
        assert!(
            !path(&out).exists(),
            "the spare was the staging tree, removed"
        );
    }

    #[test]
    fn files_become_directories_and_directories_files() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        build(root.path(), &[("x", "file"), ("y/index.html", "y")]);
        build(root.path(), &[("x", "file"), ("y/index.html", "y")]);
        build(root.path(), &[("x/index.html", "dir"), ("y", "file")]);
        assert_eq!(
            tree(&out),
            expected(&[("x/index.html", "dir"), ("y", "file")]),
        );
    }

    #[test]
    fn a_symbolic_link_left_in_the_output_is_never_written_through() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        let elsewhere = root.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        build(root.path(), &[("a/index.html", "a")]);
        // A user links a directory into the output; that tree becomes the spare.
        std::os::unix::fs::symlink(&elsewhere, out.join("docs")).unwrap();
        build(root.path(), &[("a/index.html", "a")]);
        build(
            root.path(),
            &[("a/index.html", "a"), ("docs/index.html", "docs")],
        );
        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
        assert!(
            std::fs::symlink_metadata(out.join("docs"))
                .unwrap()
                .is_dir()
        );
    }

    #[test]
    fn a_spare_is_brought_up_to_date_when_the_output_was_deleted() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        build(root.path(), &[("a/index.html", "a"), ("b/index.html", "b")]);
        build(root.path(), &[("a/index.html", "a"), ("b/index.html", "b")]);
        std::fs::remove_dir_all(&out).unwrap();
        build(
            root.path(),
            &[("a/index.html", "a2"), ("c/index.html", "c")],
        );
        assert_eq!(
            tree(&out),
            expected(&[("a/index.html", "a2"), ("c/index.html", "c")]),
        );
        assert!(!path(&out).exists(), "no replaced tree, so no spare");
    }

    #[test]
    fn a_spare_without_the_marker_is_left_alone() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        let spare = path(&out);
        std::fs::create_dir(&spare).unwrap();
        std::fs::write(spare.join("notes.txt"), "mine").unwrap();
        build(root.path(), &[("a/index.html", "a")]);
        build(root.path(), &[("a/index.html", "a")]);
        assert_eq!(std::fs::read(spare.join("notes.txt")).unwrap(), b"mine");
        assert_eq!(std::fs::read_dir(&spare).unwrap().count(), 1);
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"a");
    }
}
