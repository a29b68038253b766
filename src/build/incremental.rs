//! Incremental rebuilds: a [`Cache`] that outlives one build, and [`rebuild`], which
//! brings an output directory up to date with the files on disk.
//!
//! The caller tells the cache which files may have changed ([`Cache::invalidate`]); the
//! build itself never learns why it runs. The result on disk is byte-identical to a clean
//! [`build`](super::build) of the same files; only files whose bytes changed are
//! rewritten, and files the site no longer produces are removed.

use std::path::{Path, PathBuf};

use super::check_with_theme;
use crate::diag::{Diagnostic, Error};
use crate::output::Staging;
use crate::output::update::{Hashes, Recording, Update};
use crate::render::{self, Summary};

/// What survives from one build to the next.
#[derive(Debug, Default)]
pub struct Cache {
    /// The files of the output directory and their hashes, once a build succeeded.
    outputs: Option<Hashes>,
    /// Paths (relative to the site root) that may have changed since the last build.
    changed: Vec<PathBuf>,
}

impl Cache {
    /// An empty cache: the next rebuild is a full build into a fresh directory.
    pub fn new() -> Self {
        Cache::default()
    }

    /// Notes that the file or directory at `path` (relative to the site root) may have
    /// changed, appeared or disappeared.
    pub fn invalidate(&mut self, path: &Path) {
        self.changed.push(path.to_path_buf());
    }

    /// Forgets everything: the next rebuild starts from scratch.
    pub fn invalidate_all(&mut self) {
        *self = Cache::default();
    }
}

/// What a rebuild did.
#[derive(Debug)]
pub struct Rebuilt {
    /// Counts of the site's pages and files.
    pub summary: Summary,
    /// Problems that did not block the build.
    pub warnings: Vec<Diagnostic>,
    /// How many outputs were rendered again.
    pub rendered: usize,
    /// Output files written (new or changed), sorted.
    pub written: Vec<String>,
    /// Output files removed, sorted.
    pub removed: Vec<String>,
}

/// Brings `out` up to date with the site at `root`. On error, `out` is left as the last
/// successful rebuild wrote it, and the cache still describes it.
pub fn rebuild(
    root: &Path,
    out: &Path,
    options: render::Options,
    cache: &mut Cache,
) -> Result<Rebuilt, Error> {
    let (checked, theme) = check_with_theme(root)?;
    let (summary, written, removed, hashes) = match cache.outputs.take() {
        None => {
            let staging = Staging::create(root, out)?;
            let recording = Recording::new(&staging);
            let summary =
                render::render(&checked.site, &checked.graph, &theme, options, &recording)?;
            let hashes = recording.into_hashes();
            staging.commit()?;
            let mut written: Vec<String> = hashes.keys().cloned().collect();
            written.sort();
            (summary, written, Vec::new(), hashes)
        }
        Some(previous) => {
            let update = match Update::create(root, out, previous.clone()) {
                Ok(u) => u,
                Err(e) => {
                    cache.outputs = Some(previous);
                    return Err(e);
                }
            };
            let rendered = render::render(&checked.site, &checked.graph, &theme, options, &update);
            let summary = match rendered {
                Ok(s) => s,
                Err(e) => {
                    cache.outputs = Some(previous);
                    return Err(e);
                }
            };
            let applied = update.commit()?;
            (summary, applied.written, applied.removed, applied.hashes)
        }
    };
    cache.outputs = Some(hashes);
    cache.changed.clear();
    Ok(Rebuilt {
        rendered: summary.files,
        summary,
        warnings: checked.warnings,
        written,
        removed,
    })
}
