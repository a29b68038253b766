//! In-place updates of an output directory that a previous build wrote, for incremental
//! rebuilds (`archipel serve`, #4).
//!
//! An [`Update`] knows the hash of every file the previous build left. Files that are put
//! with the same bytes are not rewritten; changed or new ones are held in memory (or, past
//! a budget, written into a pending directory beside the output). Only [`Update::commit`]
//! touches the output: each changed file is written beside its target and renamed over it
//! (one atomic rename per file, so a reader never sees half a file), then the files this
//! build no longer produces are removed. Dropped without a commit (a failed build), it
//! leaves the output as it was.

use std::collections::HashMap;
use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::{MARKER, Sink, check_target, cleanup, remove_ours, write_file};
use crate::diag::Error;

/// The hash of an output file's bytes, as [`Update`] compares them.
pub fn hash(bytes: &[u8]) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    h.write(bytes);
    h.finish()
}

/// Output path → hash of its bytes.
pub type Hashes = HashMap<String, u64>;

/// A sink that changes an existing output directory file by file.
#[derive(Debug)]
pub struct Update {
    out: PathBuf,
    pending: PathBuf,
    previous: Hashes,
    state: Mutex<State>,
    committed: bool,
}

/// Changed files are held in memory up to this many bytes; the rest go to the pending
/// directory. A save changes a few files; a template change may change them all.
const MEMORY_BUDGET: usize = 128 << 20;

#[derive(Debug, Default)]
struct State {
    /// Every file of the new tree with its hash.
    current: Hashes,
    /// The files whose bytes differ from the previous build's.
    written: Vec<String>,
    /// Changed files held in memory, and their total size.
    memory: Vec<(String, Vec<u8>)>,
    memory_bytes: usize,
    /// Whether the pending directory was created.
    spilled: bool,
    /// Whether every previous file that is not put is kept.
    keep_all: bool,
    /// Directories whose previous files are kept only if put again, even with `keep_all`.
    replaced: Vec<String>,
}

/// What a committed update changed.
#[derive(Debug, Default)]
pub struct Applied {
    /// Every file of the new tree with its hash, for the next update.
    pub hashes: Hashes,
    /// Files written (new or changed), sorted.
    pub written: Vec<String>,
    /// Files removed, sorted.
    pub removed: Vec<String>,
}

impl Update {
    /// Prepares an update of `out`, which the previous build of the site at `root` wrote
    /// with the files and hashes `previous`.
    pub fn create(root: &Path, out: &Path, previous: Hashes) -> Result<Self, Error> {
        let out = check_target(root, out)?;
        let pending = cleanup::sibling(&out, "pending");
        if pending.exists() {
            remove_ours(&pending)?;
        }
        Ok(Update {
            out,
            pending,
            previous,
            state: Mutex::new(State::default()),
            committed: false,
        })
    }

    /// Declares that `path` is part of the new tree: with the bytes put in this update if
    /// it was put, else with the same bytes as before, without rendering it again. Returns
    /// false when it was neither put nor written by the previous build.
    pub fn keep(&self, path: &str) -> bool {
        let mut state = self.lock();
        if state.current.contains_key(path) {
            return true;
        }
        let Some(&h) = self.previous.get(path) else {
            return false;
        };
        state.current.insert(path.to_string(), h);
        true
    }

    /// Gives up the update, leaving the output as it was, and returns the hashes that
    /// describe it.
    pub fn into_previous(mut self) -> Hashes {
        std::mem::take(&mut self.previous)
    }

    /// Declares that the new tree has the same files as the previous one: those not put
    /// keep their bytes, and none is removed. Cheaper than [`Update::keep`] on each.
    pub fn keep_all(&self) {
        self.lock().keep_all = true;
    }

    /// Declares that the previous files under `dir` (a path prefix ending in `/`) are
    /// part of the new tree unless put, as [`Update::keep`] does for each.
    pub fn keep_under(&self, dir: &str) {
        let mut state = self.lock();
        for (path, &h) in self.previous.iter().filter(|(p, _)| p.starts_with(dir)) {
            state.current.entry(path.clone()).or_insert(h);
        }
    }

    /// Declares that the files under `dir` (a path prefix ending in `/`) are all put in
    /// this update: previous ones that are not are removed, even with
    /// [`Update::keep_all`].
    pub fn replace_under(&self, dir: &str) {
        self.lock().replaced.push(dir.to_string());
    }

    /// Moves the changed files into the output and removes the files no longer produced.
    pub fn commit(mut self) -> Result<Applied, Error> {
        let state = std::mem::take(&mut *self.lock());
        let mut written = state.written;
        written.sort();
        let in_memory: std::collections::HashSet<&str> =
            state.memory.iter().map(|(f, _)| f.as_str()).collect();
        for (file, bytes) in &state.memory {
            let to = self.out.join(file);
            let tmp = cleanup::sibling(&to, "tmp");
            let parent = tmp.parent().unwrap_or(&self.out);
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
            std::fs::rename(&tmp, &to).map_err(|e| Error::io(&to, e))?;
        }
        for file in written.iter().filter(|f| !in_memory.contains(f.as_str())) {
            let to = self.out.join(file);
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            let from = self.pending.join(file);
            std::fs::rename(&from, &to).map_err(|e| Error::io(&to, e))?;
        }
        let mut current = state.current;
        let mut removed: Vec<String> = if state.keep_all {
            let mut all = std::mem::take(&mut self.previous);
            let gone: Vec<String> = all
                .keys()
                .filter(|p| state.replaced.iter().any(|dir| p.starts_with(dir.as_str())))
                .filter(|p| !current.contains_key(*p))
                .cloned()
                .collect();
            for path in &gone {
                all.remove(path);
            }
            all.extend(current);
            current = all;
            gone
        } else {
            // The marker is the output directory's own, not a file of the site.
            self.previous
                .keys()
                .filter(|k| !current.contains_key(*k) && *k != MARKER)
                .cloned()
                .collect()
        };
        removed.sort();
        for file in &removed {
            let path = self.out.join(file);
            match std::fs::remove_file(&path) {
                Ok(()) => self.prune(&path),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(&path, e)),
            }
        }
        self.committed = true;
        if state.spilled {
            let _ = remove_ours(&self.pending);
        }
        Ok(Applied {
            hashes: current,
            written,
            removed,
        })
    }

    /// Removes the directories that `removed` left empty, up to the output directory, so
    /// that the tree matches a clean build's.
    fn prune(&self, removed: &Path) {
        let mut dir = removed.parent();
        while let Some(d) = dir {
            if d == self.out || std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Update {
    /// Notes `path` with fingerprint `h`; whether it changed (and so must be written).
    fn note(&self, path: &str, h: u64) -> bool {
        let changed = self.previous.get(path) != Some(&h);
        let mut state = self.lock();
        state.current.insert(path.to_string(), h);
        if changed {
            state.written.push(path.to_string());
        }
        changed
    }

    /// Makes the pending directory, once.
    fn spill(&self) -> Result<(), Error> {
        let mut state = self.lock();
        let first = !state.spilled;
        state.spilled = true;
        drop(state);
        if first {
            // Registered before it exists: a signal in between must still remove it.
            super::cleanup::register(&self.pending);
            std::fs::create_dir_all(&self.pending).map_err(|e| Error::io(&self.pending, e))?;
            // The marker makes a pending directory left by a killed process ours to remove.
            write_file(&self.pending, MARKER, b"")?;
        }
        Ok(())
    }
}

impl Sink for Update {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), Error> {
        if !self.note(path, hash(bytes)) {
            return Ok(());
        }
        let mut state = self.lock();
        if state.memory_bytes + bytes.len() <= MEMORY_BUDGET {
            state.memory_bytes += bytes.len();
            state.memory.push((path.to_string(), bytes.to_vec()));
            return Ok(());
        }
        drop(state);
        self.spill()?;
        write_file(&self.pending, path, bytes)
    }

    fn copy(&self, path: &str, source: &Path) -> Result<(), Error> {
        let meta = std::fs::metadata(source).map_err(|e| Error::io(source, e))?;
        if !self.note(path, super::fingerprint(&meta)) {
            return Ok(());
        }
        self.spill()?;
        let to = self.pending.join(path);
        super::copy_file(source, &to).map_err(|e| Error::io(&to, e))
    }

    fn kept(&self, path: &str) -> bool {
        self.keep(path)
    }
}

impl Drop for Update {
    fn drop(&mut self) {
        if !self.committed && self.lock().spilled {
            let _ = remove_ours(&self.pending);
        }
        super::cleanup::unregister(&self.pending);
    }
}

/// A sink that records the hash of every file it passes on, so that a first build can
/// seed the next [`Update`].
pub struct Recording<'a> {
    inner: &'a dyn Sink,
    hashes: Mutex<Hashes>,
}

impl<'a> Recording<'a> {
    /// Records what goes into `inner`.
    pub fn new(inner: &'a dyn Sink) -> Self {
        Recording {
            inner,
            hashes: Mutex::new(Hashes::new()),
        }
    }

    /// The hashes recorded.
    pub fn into_hashes(self) -> Hashes {
        self.hashes.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for Recording<'_> {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), Error> {
        self.inner.put(path, bytes)?;
        self.hashes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), hash(bytes));
        Ok(())
    }

    fn copy(&self, path: &str, source: &Path) -> Result<(), Error> {
        self.inner.copy(path, source)?;
        let meta = std::fs::metadata(source).map_err(|e| Error::io(source, e))?;
        self.hashes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), super::fingerprint(&meta));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &Path) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = walkdir::WalkDir::new(dir)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap();
                (
                    rel.to_string_lossy().into_owned(),
                    std::fs::read_to_string(e.path()).unwrap(),
                )
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn writes_only_changes_and_removes_what_is_gone() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        for (f, t) in [(MARKER, ""), ("a/index.html", "a"), ("b/index.html", "b")] {
            write_file(&out, f, t.as_bytes()).unwrap();
        }
        let previous: Hashes = [("a/index.html", "a"), ("b/index.html", "b")]
            .into_iter()
            .map(|(f, t)| (f.to_string(), hash(t.as_bytes())))
            .collect();
        let update = Update::create(root.path(), &out, previous).unwrap();
        update.put("a/index.html", b"a").unwrap();
        update.put("c/index.html", b"c").unwrap();
        let applied = update.commit().unwrap();
        assert_eq!(applied.written, ["c/index.html"]);
        assert_eq!(applied.removed, ["b/index.html"]);
        assert!(!out.join("b").exists(), "empty directories are pruned");
        assert_eq!(
            files(&out),
            [
                (MARKER.to_string(), String::new()),
                ("a/index.html".into(), "a".into()),
                ("c/index.html".into(), "c".into())
            ]
        );
        assert_eq!(applied.hashes.len(), 2);
    }

    #[test]
    fn a_dropped_update_leaves_the_output_alone() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        write_file(&out, MARKER, b"").unwrap();
        write_file(&out, "a.html", b"old").unwrap();
        let previous: Hashes = [("a.html".to_string(), hash(b"old"))].into();
        let update = Update::create(root.path(), &out, previous).unwrap();
        update.put("a.html", b"new").unwrap();
        drop(update);
        assert_eq!(std::fs::read_to_string(out.join("a.html")).unwrap(), "old");
        let leftovers: Vec<_> = std::fs::read_dir(root.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "only public/ remains");
    }
}
