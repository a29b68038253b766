//! Where a build may write: the checks that keep archipel from writing into the site's
//! own sources, over the site itself, or over files and directories it did not write.
//! One list of protected directories ([`PROTECTED`]) and one refusal ([`refuse`]) serve
//! the output directory and the zip archive alike.

use std::path::{Path, PathBuf};

use super::{MARKER, is_empty_dir};
use crate::diag::{Diagnostic, Error};
use crate::t;

/// The site's source directories, which no build output may lie inside.
pub(super) const PROTECTED: [&str; 4] = ["content", "themes", "templates", "static"];

/// What a build writes, as a refusal names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Target {
    /// The output directory (`--out`).
    Dir,
    /// The zip archive (`--zip`).
    Archive,
}

/// The error that refuses to write `target`, and says `why`.
pub(super) fn refuse(target: &Path, kind: Target, why: &str) -> Error {
    let shown = target.display();
    let (message, help) = match kind {
        Target::Dir => (
            t!("unsafe-output", out = shown, why = why),
            t!("unsafe-output.help"),
        ),
        Target::Archive => (
            t!("unsafe-output.archive", path = shown, why = why),
            t!("unsafe-output.archive.help"),
        ),
    };
    Error::Config(vec![
        Diagnostic::error("unsafe-output", target, message).help(help),
    ])
}

/// The canonical site `root` and the absolute `target`, or a refusal when `target` lies
/// inside one of the site's source directories ([`PROTECTED`]).
pub(super) fn outside_sources(
    root: &Path,
    target: &Path,
    kind: Target,
) -> Result<(PathBuf, PathBuf), Error> {
    let root = root.canonicalize().map_err(|e| Error::io(root, e))?;
    let target = absolute(target)?;
    match PROTECTED.iter().find(|p| target.starts_with(root.join(p))) {
        Some(protected) => Err(refuse(
            &target,
            kind,
            &format!("it lies inside the site's `{protected}/`"),
        )),
        None => Ok((root, target)),
    }
}

/// Checks that `out` is a safe output directory for the site at `root`, and returns its
/// absolute path.
pub fn check_target(root: &Path, out: &Path) -> Result<PathBuf, Error> {
    let (root, out) = outside_sources(root, out, Target::Dir)?;
    if root.starts_with(&out) {
        return Err(refuse(
            &out,
            Target::Dir,
            "it is the site root or one of its parents",
        ));
    }
    if out.exists() {
        if !out.is_dir() {
            return Err(refuse(&out, Target::Dir, "it is a file"));
        }
        if !out.join(MARKER).is_file() && !is_empty_dir(&out) {
            return Err(refuse(
                &out,
                Target::Dir,
                "it is a non-empty directory that archipel did not create",
            ));
        }
    }
    Ok(out)
}

/// The absolute form of `path`, with symbolic links of existing parents resolved.
pub(super) fn absolute(path: &Path) -> Result<PathBuf, Error> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_written_inside_the_site_sources() {
        let site = tempfile::tempdir().unwrap();
        let root = site.path();
        for protected in PROTECTED {
            let inside = root.join(protected).join("public");
            for kind in [Target::Dir, Target::Archive] {
                let Err(Error::Config(d)) = outside_sources(root, &inside, kind) else {
                    panic!("{protected}/ accepted");
                };
                assert_eq!(d[0].code, "unsafe-output");
            }
        }
        let (_, public) = outside_sources(root, &root.join("public"), Target::Dir).unwrap();
        assert_eq!(public, root.canonicalize().unwrap().join("public"));
        // A name that merely starts like a protected one is fine.
        assert!(outside_sources(root, &root.join("content-public"), Target::Archive).is_ok());
    }
}
