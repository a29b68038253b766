//! Output: the only module that writes the site to disk.
//!
//! Rendering streams each file into a [`Sink`]. A [`Staging`] sink writes into a fresh
//! sibling of the output directory and, on [`Staging::commit`], swaps it in; dropped
//! without a commit (a failed build), it removes what it wrote and leaves the previous
//! output untouched. Before anything is written, the output path is checked: archipel
//! never writes into, or deletes, a directory it did not create.

pub mod archive;
pub mod update;

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Error};

/// The file that marks a directory as archipel's output, safe to replace.
pub const MARKER: &str = ".archipel-output";

/// Where rendered files go. Paths are relative, with `/` separators.
pub trait Sink: Sync {
    /// Stores one output file.
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), Error>;
}

/// A fresh directory beside the output, swapped in when the build succeeds.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    committed: bool,
}

impl Staging {
    /// Checks that `out` may be written by a build of the site at `root`, then creates the
    /// staging directory beside it.
    pub fn create(root: &Path, out: &Path) -> Result<Self, Error> {
        let out = check_target(root, out)?;
        let parent = out
            .parent()
            .ok_or_else(|| refuse(&out, "it has no parent directory"))?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = parent.join(format!(".{name}.archipel-new-{}", std::process::id()));
        if tmp.exists() {
            // Left by a build of ours that was killed: it carries our marker.
            remove_ours(&tmp)?;
        }
        std::fs::create_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let staging = Staging {
            out,
            tmp,
            committed: false,
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

    /// Swaps the staged tree in place of the output directory.
    pub fn commit(mut self) -> Result<(), Error> {
        let old = self.tmp.with_file_name(format!(
            ".{}.archipel-old-{}",
            self.out
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            std::process::id()
        ));
        let had_old = self.out.exists();
        if had_old {
            std::fs::rename(&self.out, &old).map_err(|e| Error::io(&self.out, e))?;
        }
        if let Err(e) = std::fs::rename(&self.tmp, &self.out) {
            if had_old {
                // Put the previous output back before reporting.
                let _ = std::fs::rename(&old, &self.out);
            }
            return Err(Error::io(&self.out, e));
        }
        self.committed = true;
        if had_old {
            remove_ours(&old)?;
        }
        Ok(())
    }
}

impl Sink for Staging {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), Error> {
        write_file(&self.tmp, path, bytes)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_ours(&self.tmp);
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
        Err(refuse(dir, "it holds files that archipel did not write"))
    }
}

fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

fn refuse(out: &Path, why: &str) -> Error {
    Error::Config(vec![
        Diagnostic::error("unsafe-output", out, format!("refusing to write the site to {}: {why}", out.display()))
            .help("choose an empty directory, or one that a previous archipel build wrote (it holds `.archipel-output`)"),
    ])
}

/// Checks that `out` is a safe output directory for the site at `root`, and returns its
/// absolute path.
pub fn check_target(root: &Path, out: &Path) -> Result<PathBuf, Error> {
    let root = root.canonicalize().map_err(|e| Error::io(root, e))?;
    let out = absolute(out)?;
    if root.starts_with(&out) {
        return Err(refuse(&out, "it is the site root or one of its parents"));
    }
    for protected in ["content", "themes", "templates", "static"] {
        if out.starts_with(root.join(protected)) {
            return Err(refuse(
                &out,
                &format!("it lies inside the site's `{protected}/`"),
            ));
        }
    }
    if out.exists() {
        if !out.is_dir() {
            return Err(refuse(&out, "it is a file"));
        }
        if !out.join(MARKER).is_file() && !is_empty_dir(&out) {
            return Err(refuse(
                &out,
                "it is a non-empty directory that archipel did not create",
            ));
        }
    }
    Ok(out)
}

/// The absolute form of `path`, with symbolic links of existing parents resolved.
fn absolute(path: &Path) -> Result<PathBuf, Error> {
    let cwd = std::env::current_dir().map_err(|e| Error::io(".", e))?;
    let joined = cwd.join(path);
    // Resolve the longest existing prefix, then append the rest.
    let mut existing = joined.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(c) = existing.canonicalize() {
            let mut result = c;
            for part in rest.iter().rev() {
                match part {
                    std::path::Component::ParentDir => {
                        result.pop();
                    }
                    std::path::Component::Normal(p) => result.push(p),
                    _ => {}
                }
            }
            return Ok(result);
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                existing = parent;
            }
            _ => return Ok(joined),
        }
    }
}
