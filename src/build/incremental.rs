//! Incremental rebuilds: a [`Cache`] that outlives one build, and [`rebuild`], which
//! brings an output directory up to date with the files on disk (#4).
//!
//! The caller tells the cache which paths may have changed ([`Cache::invalidate`]); the
//! build itself never learns why it runs. The cache keeps each stage's result per file:
//! parsed and validated pages by path (with a hash of their text), each page's resolved
//! links while the set of page ids stays the same, the site-wide lists (backlinks,
//! related pages, kind and tag lists) with the key of what deriving them reads of each
//! page (a hash of its [`DeriveInput`](crate::links::DeriveInput), the only way deriving
//! reads a page), and for every output its key, a hash of the context its template
//! receives ([`render::keys`]). A rebuild re-reads only the invalidated files,
//! re-resolves only their links, derives the lists again only when a page's key moved,
//! and renders only the outputs whose key moved; only files whose bytes changed are
//! written. A change to the configuration or the tag vocabulary starts from scratch; a
//! template change renders everything again. The result is byte-identical to a clean
//! [`build`](super::build): `tests/cli/incremental.rs` checks it on random sequences of
//! edits.
//!
//! [`sources`] reads the files; [`stages`] assembles, links and renders; [`write`] plans
//! what to render and writes it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use crate::config::{self, Config};
use crate::diag::{Diagnostic, Error};
use crate::links::Graph;
use crate::load::{CONTENT_DIR, TAGS_FILE};
use crate::model::{self, Page, Tag};
use crate::output::update::Hashes;
use crate::render::keys::Keys;
use crate::render::{self, PageOut, Summary, Theme, i18n};
use crate::review;
use sources::cold;

mod later;
mod sources;
mod stages;
mod write;

/// What survives from one build to the next.
#[derive(Default)]
pub struct Cache {
    /// The files of the output directory and their hashes, once a build succeeded.
    outputs: Option<Hashes>,
    /// Paths (relative to the site root) that may have changed since the last rebuild.
    dirty: BTreeSet<PathBuf>,
    /// The loaded site, once it has been read.
    state: Option<State>,
    /// Whether to leave the search index to the next rebuild (see [`Cache::defer_search_index`]).
    defer: bool,
    /// Held for writing while a rebuild changes the output (see [`Cache::commit_lock`]).
    commits: Option<Arc<RwLock<()>>>,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache")
            .field("outputs", &self.outputs.as_ref().map(HashMap::len))
            .field("dirty", &self.dirty)
            .field("warm", &self.state.is_some())
            .finish()
    }
}

/// One content file as last read.
struct Entry {
    /// Hash of the file's text.
    content: u64,
    /// The validated page, drafts included (`None`: unreadable or invalid).
    page: Option<Page>,
    /// What reading and validating it reported.
    diags: Vec<Diagnostic>,
}

/// The site kept in memory between rebuilds.
struct State {
    config: Option<Config>,
    /// The theme, once loaded; loaded (again) where a clean build loads it, once the
    /// content holds ([`crate::build::stop_in_order`]), when it was never loaded, changed
    /// or failed.
    theme: Option<Theme>,
    tags: Vec<Tag>,
    tag_diags: Vec<Diagnostic>,
    /// Markdown files under `content/`, keyed so that the order is the loader's.
    entries: BTreeMap<PathBuf, Entry>,
    /// Other files under `content/`, in the loader's order.
    assets: BTreeSet<PathBuf>,
    /// Whether to defer the search index (see [`Cache::defer_search_index`]).
    defer: bool,
    /// The lookup tables of the previous site, with its shape.
    lookup: Option<(u64, model::Lookup)>,
    /// The previous link graph, for reuse.
    linked: Option<Linked>,
    /// What the previous successful render left, for reuse.
    rendered: Option<Rendered>,
    /// Each page's last review, with the [`Linked::shape`] of the site it reviewed.
    reviews: Option<(u64, review::Reviews)>,
    /// The key ([`render::outputs::Planned::key`]) of the last table of outputs that had
    /// no collision.
    clear_outputs: Option<u64>,
    /// What this rebuild no longer needs, freed once its output is written.
    spent: Spent,
}

/// The previous build's links and render, replaced by this rebuild's: freeing the lists
/// and keys of 10,000 pages took milliseconds of the time to serve an edit (#16), so
/// they are freed once the output is written, on a thread of their own, while serve
/// tells the browser to reload.
#[derive(Default)]
struct Spent {
    linked: Option<Linked>,
    rendered: Option<Rendered>,
}

/// The previous build's links, in page order.
struct Linked {
    /// The [`links::Outline::key`](crate::links::Outline::key) of the site its links
    /// were resolved against.
    shape: u64,
    /// Hash of each page's text.
    content: Vec<u64>,
    /// The link graph (each page's resolved links are moved out of it for reuse).
    graph: Graph,
    /// What resolving each page's links reported.
    diags: Vec<Vec<Diagnostic>>,
    /// Each page's [`DeriveInput::key`](crate::links::DeriveInput::key).
    derived: Vec<u64>,
    /// Each page's [`DeriveInput::untitled_key`](crate::links::DeriveInput::untitled_key).
    untitled: Vec<u64>,
    /// Whether the lists (backlinks, related pages, kind and tag lists) are the previous
    /// build's, kept because no page changed what they are made of.
    stable: bool,
}

/// The previous successful render, in its page order.
struct Rendered {
    /// The shape of the site it rendered (see [`Linked::shape`]).
    shape: u64,
    /// A hash of the files of `content/` it published.
    published: u64,
    /// The key of its table of outputs ([`render::outputs::Planned::key`]): equal keys,
    /// the same set of output files.
    planned: u64,
    /// Page ids, to find a page again when pages were added or removed.
    ids: Vec<String>,
    /// The output keys.
    keys: Keys,
    /// What each key read, to reuse keys on the next rebuild.
    record: render::Record,
    /// The hash of each page's source.
    content: Vec<u64>,
    /// What rendering each page left.
    outs: Vec<Option<PageOut>>,
    /// The search index as last written.
    index: render::search::Index,
    /// The search index this render left for later, if it did.
    later: Option<later::Later>,
}

impl Rendered {
    /// Whether it rendered the pages of `site`, in the same order.
    fn same_pages(&self, site: &model::Site) -> bool {
        self.ids.len() == site.pages.len()
            && self.ids.iter().zip(&site.pages).all(|(id, p)| *id == p.id)
    }

    /// What rendering each page of `site` left, and the keys, with the pages in `site`'s
    /// order (a page the previous render did not have has no key: 0); `same` tells
    /// whether it rendered the same pages ([`Rendered::same_pages`]).
    fn realign(&mut self, site: &model::Site, same: bool) -> (Vec<Option<PageOut>>, Keys) {
        let old_index: Vec<Option<usize>> = if same {
            (0..site.pages.len()).map(Some).collect()
        } else {
            let by_id: HashMap<&str, usize> = self
                .ids
                .iter()
                .enumerate()
                .map(|(i, id)| (id.as_str(), i))
                .collect();
            site.pages
                .iter()
                .map(|pg| by_id.get(pg.id.as_str()).copied())
                .collect()
        };
        let kept = old_index
            .iter()
            .map(|o| o.and_then(|o| self.outs.get_mut(o)?.take()))
            .collect();
        let pages = old_index
            .iter()
            .map(|o| o.and_then(|o| self.keys.pages.get(o).copied()).unwrap_or(0))
            .collect();
        let keys = Keys {
            pages,
            ..std::mem::take(&mut self.keys)
        };
        (kept, keys)
    }
}

impl Cache {
    /// An empty cache: the next rebuild reads everything and writes a fresh directory.
    pub fn new() -> Self {
        Cache::default()
    }

    /// Notes that the file or directory at `path` (relative to the site root) may have
    /// changed, appeared or disappeared.
    pub fn invalidate(&mut self, path: &Path) {
        self.dirty.insert(path.to_path_buf());
    }

    /// Lets a rebuild that changes pages leave the search index, a script that covers
    /// the whole site (13 MB at 10,000 pages), as the previous rebuild wrote it, and tell
    /// so in [`Rebuilt::deferred`]; the next rebuild, even with nothing invalidated,
    /// brings it up to date. The dev server uses this to serve an edited page (and every
    /// page that depends on it) before spending time on the index.
    pub fn defer_search_index(&mut self, defer: bool) {
        self.defer = defer;
    }

    /// Makes every rebuild hold `lock` for writing while it changes the output directory,
    /// so that whoever reads the output under the same lock (the dev server) sees it
    /// either before or after a rebuild, never half-way.
    pub fn commit_lock(&mut self, lock: Arc<RwLock<()>>) {
        self.commits = Some(lock);
    }

    /// Forgets the output directory as well as the site: the next rebuild writes a whole
    /// new one (it was removed under the server, by a cleaner of temporary files).
    pub fn forget_output(&mut self) {
        self.invalidate_all();
        self.outputs = None;
    }

    /// Forgets the loaded site: the next rebuild reads everything again (it still writes
    /// only the files that changed).
    pub fn invalidate_all(&mut self) {
        self.state = None;
        self.dirty.clear();
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
    /// The search index was left stale: rebuild again to bring it up to date.
    pub deferred: bool,
}

/// What one rebuild is asked to do.
#[derive(Clone, Copy)]
struct Job<'a> {
    /// The site root.
    root: &'a Path,
    /// The output directory.
    out: &'a Path,
    /// Online or offline.
    options: render::Options,
    /// Read and render everything again (configuration or tags changed, or first build).
    everything: bool,
    /// Copy static files and assets again, and recompute the set of output files.
    files: bool,
    /// Held for writing while the output changes.
    commits: Option<&'a RwLock<()>>,
}

/// What the invalidated paths touch.
#[derive(Default)]
struct Touched {
    /// Configuration or tag vocabulary: read everything again.
    everything: bool,
    /// Templates: render every output again.
    templates: bool,
    /// Static files or the theme: load the theme again, copy files again.
    files: bool,
    /// Paths under `content/` (relative to it).
    content: Vec<PathBuf>,
}

fn touched(dirty: &BTreeSet<PathBuf>) -> Touched {
    let mut t = Touched::default();
    for path in dirty {
        let parts: Vec<&str> = path.iter().filter_map(|p| p.to_str()).collect();
        match parts.as_slice() {
            [config::FILE_NAME] | [CONTENT_DIR, TAGS_FILE] => t.everything = true,
            [CONTENT_DIR] => t.content.push(PathBuf::new()),
            [CONTENT_DIR, ..] => t.content.push(path.iter().skip(1).collect()),
            ["templates", ..] | [i18n::DIR, ..] | ["themes"] | ["themes", _] => t.templates = true,
            ["themes", _, "templates" | i18n::DIR, ..] => t.templates = true,
            ["static", ..] | ["themes", ..] => t.files = true,
            _ => {}
        }
    }
    t
}

/// Brings `out` up to date with the site at `root`. On error, `out` is left as the last
/// successful rebuild wrote it.
pub fn rebuild(
    root: &Path,
    out: &Path,
    options: render::Options,
    cache: &mut Cache,
) -> Result<Rebuilt, Error> {
    let dirty = std::mem::take(&mut cache.dirty);
    // The search index that the last rebuild left for later, alone when nothing changed.
    if dirty.is_empty()
        && cache.outputs.is_some()
        && let Some(state) = cache.state.as_mut()
        && let Some(left) = state.take_left()
        && let Some(previous) = cache.outputs.take()
    {
        let commits = cache.commits.as_deref();
        return match state.write_left(left, root, out, commits, previous) {
            Ok((rebuilt, hashes)) => {
                cache.outputs = Some(hashes);
                Ok(rebuilt)
            }
            Err(failure) => {
                cache.outputs = failure.outputs;
                Err(failure.error)
            }
        };
    }
    let touched = touched(&dirty);
    let (mut state, fresh) = match cache.state.take() {
        Some(state) if !touched.everything => (state, false),
        _ => (cold(root)?, true),
    };
    let mut everything = fresh || touched.templates;
    if !fresh {
        if touched.templates || touched.files {
            // Loaded again after the content is checked, as a clean build does: with a
            // page and a template broken at once, both report the page.
            state.theme = None;
        }
        if let Err(e) = state.reload(root, &touched.content) {
            // Could not even list `content/`: try everything again next time.
            cache.dirty = dirty;
            return Err(e);
        }
    }
    if cache.outputs.is_none() {
        everything = true;
    }
    let files = everything
        || touched.files
        || touched
            .content
            .iter()
            .any(|p| p.extension().is_none_or(|e| e != "md"));
    state.defer = cache.defer;
    let job = Job {
        root,
        out,
        options,
        everything,
        files,
        commits: cache.commits.as_deref(),
    };
    let result = state.build(&job, cache.outputs.take());
    super::drop_aside(std::mem::take(&mut state.spent));
    match result {
        Ok((rebuilt, hashes)) => {
            cache.outputs = Some(hashes);
            cache.state = Some(state);
            Ok(rebuilt)
        }
        Err(Failure {
            error: e,
            outputs,
            keep,
        }) => {
            cache.outputs = outputs;
            if keep {
                cache.state = Some(state);
            }
            // What this rebuild was told about still has to reach the output: a static
            // file or template changed while a page was broken is written once it is fixed.
            cache.dirty = dirty;
            Err(e)
        }
    }
}

/// Why a rebuild failed, and what of its state still holds.
struct Failure {
    /// What went wrong.
    error: Error,
    /// The output's hashes, if the output is still as they describe.
    outputs: Option<Hashes>,
    /// Whether the loaded site may be kept for the next rebuild.
    keep: bool,
}

impl Failure {
    /// A failure that leaves the output as `outputs` describes (`None`: unknown) and the
    /// loaded site valid.
    fn keeping(error: Error, outputs: Option<Hashes>) -> Self {
        Failure {
            error,
            outputs,
            keep: true,
        }
    }

    /// A failure after which the output's state is unknown.
    fn lost(error: Error) -> Self {
        Failure::keeping(error, None)
    }
}
