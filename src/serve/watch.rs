//! Watching the site's sources: notify events turned into debounced batches of changed
//! paths, with a pure [`classify`] deciding which paths matter.
//!
//! Editors save in many ways (write in place, write a temporary file then rename it over
//! the original, move the original to a backup first, touch swap files). The watcher does
//! not try to recognise them: it collects every relevant path of a burst of events until
//! the burst settles, and the build re-reads what those paths hold *then*. A file that was
//! created and removed within a burst therefore costs nothing, and a file deleted while
//! the build reads it is handled by the build (it is simply gone).

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{EventKind, RecursiveMode, Watcher};

use crate::diag::Error;

/// The part of the site a changed path belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// `archipel.toml`.
    Config,
    /// A page, the tag vocabulary or a file linked from pages, under `content/`.
    Content,
    /// A theme's templates or static files, under `themes/`.
    Theme,
    /// The site's own template overrides, under `templates/`, or strings, under `i18n/`.
    Templates,
    /// The site's own static files, under `static/`.
    Static,
}

/// The directories watched recursively, with what they hold.
pub const AREAS: [(&str, Change); 5] = [
    ("content", Change::Content),
    ("themes", Change::Theme),
    ("templates", Change::Templates),
    (crate::render::i18n::DIR, Change::Templates),
    ("static", Change::Static),
];

/// What a path (relative to the site root) changes, or `None` when the build does not
/// read it: files outside the watched areas, and hidden files and directories (editors'
/// swap and lock files, `.git`), which the build skips too.
pub fn classify(rel: &Path) -> Option<Change> {
    let mut parts = rel.components();
    let first = match parts.next()? {
        Component::Normal(name) => name.to_str()?,
        _ => return None,
    };
    for part in rel.components() {
        match part {
            Component::Normal(name) if !name.to_string_lossy().starts_with('.') => {}
            _ => return None,
        }
    }
    if first == crate::config::FILE_NAME {
        return parts.next().is_none().then_some(Change::Config);
    }
    AREAS
        .iter()
        .find(|(dir, _)| *dir == first)
        .map(|&(_, change)| change)
}

/// Paths that changed together, relative to the site root.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Batch {
    /// Every relevant path named by the events, sorted.
    pub paths: BTreeSet<PathBuf>,
    /// The system dropped events: everything must be read again.
    pub rescan: bool,
}

/// A running watcher and the events it sends.
pub struct Watch {
    root: PathBuf,
    watcher: notify::RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    watched: BTreeSet<&'static str>,
    /// A relevant event taken by [`Watch::has_pending`], for the next [`Watch::wait`].
    stash: Option<notify::Result<notify::Event>>,
    waker: Waker,
}

/// Wakes a [`Watch`] from another thread, with a batch that asks to read everything
/// again (the output directory vanished under the server, for instance).
#[derive(Clone, Debug)]
pub struct Waker(std::sync::mpsc::Sender<notify::Result<notify::Event>>);

impl Waker {
    /// Makes the watch's next batch a full rescan.
    pub fn wake(&self) {
        let _ = self.0.send(Err(notify::Error::generic("woken")));
    }
}

/// How long a burst must stay quiet before the batch is built. Editors' save sequences
/// take well under a millisecond; a few more cover slow disks.
const QUIET: Duration = Duration::from_millis(8);
/// After an event that ends a save (a file closed after writing, or renamed into place),
/// the burst is most likely over: wait only a little.
const QUIET_AFTER_SAVE: Duration = Duration::from_millis(2);
/// After a removal, wait longer: the file is often written again right away.
const QUIET_AFTER_REMOVE: Duration = Duration::from_millis(40);
/// A batch is built after this long even if events keep coming.
const MAX_WAIT: Duration = Duration::from_millis(1000);

impl Watch {
    /// Starts watching the site at `root` (canonical).
    pub fn start(root: &Path) -> Result<Watch, Error> {
        let (tx, events) = std::sync::mpsc::channel();
        let waker = Waker(tx.clone());
        let watcher = notify::recommended_watcher(tx).map_err(|e| notify_error(root, e))?;
        let mut watch = Watch {
            waker,
            root: root.to_path_buf(),
            watcher,
            events,
            watched: BTreeSet::new(),
            stash: None,
        };
        // The root itself, for archipel.toml and for areas created later.
        watch
            .watcher
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| notify_error(root, e))?;
        watch.watch_areas();
        Ok(watch)
    }

    /// What wakes this watch from another thread.
    pub fn waker(&self) -> Waker {
        self.waker.clone()
    }

    /// Watches the areas that exist and are not watched yet.
    fn watch_areas(&mut self) {
        for (dir, _) in AREAS {
            let path = self.root.join(dir);
            if !self.watched.contains(dir)
                && path.is_dir()
                && self.watcher.watch(&path, RecursiveMode::Recursive).is_ok()
            {
                self.watched.insert(dir);
            }
        }
    }

    /// Whether a relevant change is waiting, without blocking. Events that change
    /// nothing (the build's own reads) are dropped on the way; a relevant one is kept for
    /// the next [`Watch::wait`].
    pub fn has_pending(&mut self) -> bool {
        if self.stash.is_some() {
            return true;
        }
        while let Ok(event) = self.events.try_recv() {
            let relevant = match &event {
                Err(_) => true,
                Ok(e) => {
                    e.need_rescan()
                        || (changes_content(&e.kind)
                            && e.paths.iter().any(|p| {
                                p.strip_prefix(&self.root)
                                    .is_ok_and(|rel| classify(rel).is_some())
                            }))
                }
            };
            if relevant {
                self.stash = Some(event);
                return true;
            }
        }
        false
    }

    /// Blocks until relevant paths changed and the burst settled; `None` when the
    /// watcher stopped.
    pub fn wait(&mut self) -> Option<Batch> {
        let mut batch = Batch::default();
        let mut quiet = QUIET;
        let mut started = None::<Instant>;
        loop {
            let event = match started {
                None => match self.stash.take() {
                    Some(event) => event,
                    None => self.events.recv().ok()?,
                },
                Some(at) => {
                    let left = MAX_WAIT.saturating_sub(at.elapsed());
                    match self.events.recv_timeout(quiet.min(left)) {
                        Ok(event) => event,
                        Err(RecvTimeoutError::Timeout) => break,
                        Err(RecvTimeoutError::Disconnected) => return None,
                    }
                }
            };
            let Ok(event) = event else {
                // An error of the watcher itself: read everything again to be safe.
                batch.rescan = true;
                started.get_or_insert_with(Instant::now);
                continue;
            };
            let mut relevant = event.need_rescan();
            batch.rescan |= event.need_rescan();
            if !changes_content(&event.kind) {
                // Reading files (the build's own reads among them) changes nothing.
                continue;
            }
            for path in &event.paths {
                let Ok(rel) = path.strip_prefix(&self.root) else {
                    continue;
                };
                if classify(rel).is_some() {
                    relevant = true;
                    batch.paths.insert(rel.to_path_buf());
                }
            }
            if relevant {
                started.get_or_insert_with(Instant::now);
                quiet = if removes(&event.kind) {
                    QUIET_AFTER_REMOVE
                } else if completes(&event.kind) {
                    QUIET_AFTER_SAVE
                } else {
                    QUIET
                };
            }
        }
        // A watched area may have been created, or removed and created again.
        if batch
            .paths
            .iter()
            .any(|p| p.components().count() == 1 && classify(p) != Some(Change::Config))
        {
            self.watched.retain(|dir| self.root.join(dir).is_dir());
            self.watch_areas();
        }
        Some(batch)
    }
}

/// Whether an event may change what a path holds. Opening and reading do not; closing
/// a file written to does (some systems report only that).
fn changes_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Any
        | EventKind::Create(_)
        | EventKind::Modify(_)
        | EventKind::Remove(_)
        | EventKind::Other => true,
    }
}

/// Whether an event ends the writing of a file: closed after writing, or renamed into
/// place by an editor that writes a temporary file first.
fn completes(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Access(AccessKind::Close(AccessMode::Write))
            | EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both))
    )
}

/// Whether an event takes a file away (it may come back under the same name).
fn removes(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(RenameMode::From))
    )
}

fn notify_error(root: &Path, e: notify::Error) -> Error {
    Error::io(root, std::io::Error::other(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(path: &str) -> Option<Change> {
        classify(Path::new(path))
    }

    #[test]
    fn sources_are_classified_by_area() {
        assert_eq!(c("archipel.toml"), Some(Change::Config));
        assert_eq!(c("content/cas/premier.md"), Some(Change::Content));
        assert_eq!(c("content/tags.toml"), Some(Change::Content));
        assert_eq!(c("content/cas/schema.png"), Some(Change::Content));
        assert_eq!(c("content/cas"), Some(Change::Content));
        assert_eq!(c("themes/default/templates/page.html"), Some(Change::Theme));
        assert_eq!(c("themes/default/static/style.css"), Some(Change::Theme));
        assert_eq!(c("templates/page.html"), Some(Change::Templates));
        assert_eq!(c("i18n/fr.toml"), Some(Change::Templates));
        assert_eq!(c("static/logo.svg"), Some(Change::Static));
    }

    #[test]
    fn what_the_build_does_not_read_is_ignored() {
        for path in [
            "README.md",
            "public/index.html",
            "target/debug/archipel",
            "archipel.toml/x",
            ".git/index",
            "content/.premier.md.swp",
            "content/cas/.#premier.md",
            "content/.hidden/page.md",
            "themes/default/.DS_Store",
            "",
            "../content/x.md",
            "/etc/passwd",
        ] {
            assert_eq!(c(path), None, "{path}");
        }
    }

    #[test]
    fn reads_are_not_changes() {
        use notify::event::{CreateKind, DataChange};
        assert!(!changes_content(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!changes_content(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(changes_content(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(changes_content(&EventKind::Create(CreateKind::File)));
        assert!(changes_content(&EventKind::Modify(ModifyKind::Data(
            DataChange::Any
        ))));
        assert!(removes(&EventKind::Modify(ModifyKind::Name(
            RenameMode::From
        ))));
        assert!(completes(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(completes(&EventKind::Modify(ModifyKind::Name(
            RenameMode::To
        ))));
        assert!(!completes(&EventKind::Modify(ModifyKind::Data(
            DataChange::Any
        ))));
    }

    #[test]
    fn editor_leftovers_the_build_would_copy_still_count() {
        // `archipel build` copies any non-hidden file under content/, so a backup file
        // left beside a page changes the output too: serve must see it to stay identical.
        assert_eq!(c("content/cas/premier.md~"), Some(Change::Content));
        assert_eq!(c("content/cas/4913"), Some(Change::Content));
    }
}
