//! What a stopped build leaves behind, and how it goes away.
//!
//! Staging directories, pending trees and half-written archives are registered here
//! while they exist. When the process is told to stop (Ctrl-C, SIGTERM, SIGHUP), the
//! handler that `build` installs ([`remove_on_signal`]) removes them before it exits; a
//! process killed outright leaves them, and the next build of the same output removes
//! those of processes that are gone ([`leftovers`]), but only when they carry archipel's
//! marker. The registry is global because signals are: a handler has no other way to
//! find them.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::MARKER;

/// The temporary paths of this process that a signal must remove.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Notes a temporary file or directory that a signal must remove.
pub fn register(path: &Path) {
    live().push(path.to_path_buf());
}

/// Forgets a temporary path (committed or already removed).
pub fn unregister(path: &Path) {
    live().retain(|p| p != path);
}

/// Removes every registered path. Directories go only when they are empty or carry the
/// marker, like every removal archipel does.
pub fn remove_all() {
    for path in live().drain(..) {
        if path.is_dir() {
            // The build goes on while this runs, and may be writing the marker, the
            // first file of a staging tree, right now: asked in the other order, the
            // marker could be missing, then the tree no longer empty once it is. A tree
            // that gained a file while it was being removed is removed again.
            for _ in 0..3 {
                if !(super::is_empty_dir(&path) || path.join(MARKER).is_file())
                    || std::fs::remove_dir_all(&path).is_ok()
                {
                    break;
                }
            }
        } else {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Makes Ctrl-C, SIGTERM and SIGHUP remove the registered paths, then end the process
/// with the shell's code for an interrupted command (130).
pub fn remove_on_signal() -> Result<(), ctrlc::Error> {
    ctrlc::set_handler(|| {
        remove_all();
        std::process::exit(130);
    })
}

/// The name of a temporary sibling of `target` for this process: `.<name>.archipel-<what>-<pid>`.
pub fn sibling(target: &Path, what: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.archipel-{what}-{}", std::process::id()))
}

/// Removes the temporary siblings of `target` (see [`sibling`]) that processes which are
/// no longer running left: staging and old trees, pending directories, unfinished
/// archives. Directories go only with archipel's marker.
pub fn leftovers(target: &Path) {
    let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
        return;
    };
    let prefix = format!(".{}.archipel-", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        let pid = rest.rsplit('-').next().and_then(|p| p.parse::<u32>().ok());
        if pid.is_none_or(|p| p == std::process::id() || running(p)) {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            if path.join(MARKER).is_file() {
                let _ = std::fs::remove_dir_all(&path);
            }
        } else if rest.starts_with("new-") {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Whether process `pid` is running. Where that cannot be known, it is assumed to be, so
/// that nothing another build is using is removed.
fn running(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}
