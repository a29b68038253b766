//! Incremental rebuilds: a [`Cache`] that outlives one build, and [`rebuild`], which
//! brings an output directory up to date with the files on disk (#4).
//!
//! The caller tells the cache which paths may have changed ([`Cache::invalidate`]); the
//! build itself never learns why it runs. The cache keeps each stage's result per file:
//! parsed and validated pages by path (with a hash of their text), each page's resolved
//! links while the set of page ids stays the same, each page's related list with a
//! fingerprint of its inputs, and for every output a fingerprint of what it reads
//! ([`render::keys`]). A rebuild re-reads only the invalidated files, re-resolves only
//! their links, recomputes the site-wide lists (cheap), and renders only the outputs
//! whose fingerprint moved; only files whose bytes changed are written. A change to the
//! configuration or the tag vocabulary starts from scratch; a template change renders
//! everything again. The result is byte-identical to a clean [`build`](super::build).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::{self, Config};
use crate::diag::{Diagnostic, Error};
use crate::links::{self, Graph, PageLinks};
use crate::load::{self, CONTENT_DIR, TAGS_FILE};
use crate::model::{self, Page, Tag};
use crate::output::Staging;
use crate::output::update::{Hashes, Recording, Update};
use crate::render::keys::{self, Keys};
use crate::render::{self, PageOut, Select, Summary, Theme};
use crate::review;

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
    /// The validated page (`None`: unreadable, invalid or a draft).
    page: Option<Page>,
    /// What reading and validating it reported.
    diags: Vec<Diagnostic>,
}

/// The site kept in memory between rebuilds.
struct State {
    config: Option<Config>,
    theme: Theme,
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
}

/// The previous build's links, in page order.
struct Linked {
    /// Fingerprint of the page ids, roles and assets that links were resolved with.
    shape: u64,
    /// Hash of each page's text.
    content: Vec<u64>,
    /// The link graph (each page's resolved links are moved out of it for reuse).
    graph: Graph,
    /// What resolving each page's links reported.
    diags: Vec<Vec<Diagnostic>>,
    /// Each page's [`keys::link_key`].
    link: Vec<u64>,
    /// Each page's [`links::derive_key`].
    derived: Vec<u64>,
}

/// The previous successful render, in its page order.
struct Rendered {
    /// The shape of the site it rendered (see [`Linked::shape`]).
    shape: u64,
    /// Page ids, to find a page again when pages were added or removed.
    ids: Vec<String>,
    /// The output keys.
    keys: Keys,
    /// What rendering each page left.
    outs: Vec<Option<PageOut>>,
    /// The pages' text hashes, link keys and derive keys it rendered.
    content: Vec<u64>,
    link: Vec<u64>,
    derived: Vec<u64>,
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
            ["templates", ..] | ["themes"] | ["themes", _] => t.templates = true,
            ["themes", _, "templates", ..] => t.templates = true,
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
    let touched = touched(&dirty);
    let (mut state, fresh) = match cache.state.take() {
        Some(state) if !touched.everything => (state, false),
        _ => (cold(root)?, true),
    };
    let mut everything = fresh || touched.templates;
    if !fresh {
        if touched.templates || touched.files {
            match render::theme(state.config()) {
                Ok(theme) => state.theme = theme,
                Err(e) => {
                    cache.dirty = dirty;
                    cache.state = Some(state);
                    return Err(e);
                }
            }
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
    let result = state.build(root, out, options, cache.outputs.take(), everything, files);
    match result {
        Ok((rebuilt, hashes)) => {
            cache.outputs = Some(hashes);
            cache.state = Some(state);
            Ok(rebuilt)
        }
        Err((e, hashes, keep)) => {
            cache.outputs = hashes;
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

/// Reads the whole site.
fn cold(root: &Path) -> Result<State, Error> {
    let config = config::load(root)?;
    let theme = render::theme(&config)?;
    let (tags_source, mut tag_diags) = load::read_tags(root);
    let tags = model::tags(&tags_source, &mut tag_diags);
    let (paths, asset_paths) = load::content_paths(root)?;
    let entries: Vec<(PathBuf, Entry)> = paths
        .par_iter()
        .filter_map(|rel| Some((PathBuf::from(rel), read(root, rel, &config, &tags)?)))
        .collect();
    Ok(State {
        config: Some(config),
        theme,
        tags,
        tag_diags,
        entries: entries.into_iter().collect(),
        assets: asset_paths.into_iter().map(PathBuf::from).collect(),
        defer: false,
        lookup: None,
        linked: None,
        rendered: None,
    })
}

/// Reads and validates one Markdown file; `None` when it is gone.
fn read(root: &Path, rel: &str, config: &Config, tags: &[Tag]) -> Option<Entry> {
    let source = load::read_source(root, rel)?;
    let mut diags = Vec::new();
    let (content, page) = match source {
        Ok(source) => {
            let mut h = DefaultHasher::new();
            source.text.hash(&mut h);
            let tag_index: HashMap<&str, usize> = tags
                .iter()
                .enumerate()
                .map(|(i, t)| (t.id.as_str(), i))
                .collect();
            let content = h.finish();
            (
                content,
                model::page(config, tags, &tag_index, source, &mut diags),
            )
        }
        Err(d) => {
            diags.push(d);
            (0, None)
        }
    };
    Some(Entry {
        content,
        page,
        diags,
    })
}

fn is_file(path: &Path) -> bool {
    // Like the loader's walk, which does not follow symbolic links.
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
}

/// What `build` returns on error: the error, the output hashes still valid, and whether
/// the state may be kept.
type Failure = (Error, Option<Hashes>, bool);

impl State {
    fn config(&self) -> &Config {
        self.config
            .as_ref()
            .unwrap_or_else(|| unreachable!("the configuration is back after each build"))
    }

    /// Reads again the invalidated paths under `content/` (relative to it).
    fn reload(&mut self, root: &Path, changed: &[PathBuf]) -> Result<(), Error> {
        let content = root.join(CONTENT_DIR);
        let mut files: BTreeSet<PathBuf> = BTreeSet::new();
        let mut rescan = false;
        for rel in changed {
            let full = content.join(rel);
            let was_dir = self
                .entries
                .range(rel.clone()..)
                .next()
                .is_some_and(|(k, _)| k != rel && k.starts_with(rel))
                || self
                    .assets
                    .range(rel.clone()..)
                    .next()
                    .is_some_and(|k| k != rel && k.starts_with(rel));
            if rel.as_os_str().is_empty() || full.is_dir() || was_dir {
                // A directory (or something gone that we did not know as a file): it may
                // hold, or have held, many files.
                rescan = true;
            }
            files.insert(rel.clone());
        }
        if rescan {
            let (paths, assets) = load::content_paths(root)?;
            let paths: BTreeSet<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
            self.entries.retain(|p, _| paths.contains(p));
            for p in &paths {
                if !self.entries.contains_key(p) || changed.iter().any(|c| p.starts_with(c)) {
                    files.insert(p.clone());
                }
            }
            self.assets = assets.into_iter().map(PathBuf::from).collect();
        }
        let config = self.config.as_ref();
        for rel in files {
            let Some(name) = rel.to_str() else { continue };
            let full = content.join(&rel);
            if name.ends_with(".md") {
                let entry = match config {
                    Some(config) if is_file(&full) => read(root, name, config, &self.tags),
                    _ => None,
                };
                match entry {
                    Some(entry) => self.entries.insert(rel, entry),
                    None => self.entries.remove(&rel),
                };
            } else if !rescan && is_file(&full) {
                self.assets.insert(rel);
            } else if !rescan {
                self.assets.remove(&rel);
            }
        }
        Ok(())
    }

    /// Validates, links and renders the site, writing what changed into `out`.
    fn build(
        &mut self,
        root: &Path,
        out: &Path,
        options: render::Options,
        previous: Option<Hashes>,
        everything: bool,
        files: bool,
    ) -> Result<(Rebuilt, Hashes), Failure> {
        let Some(config) = self.config.take() else {
            return Err((Error::Usage("no configuration".into()), previous, false));
        };
        let mut pages = Vec::with_capacity(self.entries.len());
        let mut content = Vec::with_capacity(self.entries.len());
        let mut taken = Vec::with_capacity(self.entries.len());
        for (n, entry) in self.entries.values_mut().enumerate() {
            if let Some(page) = entry.page.take() {
                pages.push(page);
                content.push(entry.content);
                taken.push(n);
            }
        }
        let assets: Vec<String> = self
            .assets
            .iter()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .collect();
        // The page ids, roles and assets: what resolving links, the lookup tables and the
        // set of output files depend on.
        let shape = {
            let mut h = DefaultHasher::new();
            for p in &pages {
                (&p.id, p.role).hash(&mut h);
            }
            assets.hash(&mut h);
            h.finish()
        };
        let lookup = match self.lookup.take() {
            Some((s, lookup)) if s == shape => Some(lookup),
            _ => None,
        };
        let tags = std::mem::take(&mut self.tags);
        let site = model::assemble_with(config, tags, pages, assets, lookup);
        let result = self.link_and_render(
            &site, shape, &content, root, out, options, previous, everything, files,
        );
        let (config, tags, pages, _, lookup) = site.into_parts();
        self.lookup = Some((shape, lookup));
        self.config = Some(config);
        self.tags = tags;
        let mut pages = pages.into_iter();
        let mut taken = taken.into_iter().peekable();
        for (n, entry) in self.entries.values_mut().enumerate() {
            if taken.next_if_eq(&n).is_some() {
                entry.page = pages.next();
            }
        }
        result
    }

    #[allow(clippy::too_many_arguments)]
    fn link_and_render(
        &mut self,
        site: &model::Site,
        shape: u64,
        content: &[u64],
        root: &Path,
        out: &Path,
        options: render::Options,
        previous: Option<Hashes>,
        everything: bool,
        files: bool,
    ) -> Result<(Rebuilt, Hashes), Failure> {
        // Links: unchanged pages keep theirs while the ids, roles and assets stay the same.
        let mut prev = self.linked.take();
        let same = prev
            .as_ref()
            .is_some_and(|p| p.shape == shape && p.content.len() == content.len());
        let mut link_diags: Vec<Vec<Diagnostic>> = Vec::with_capacity(content.len());
        let mut per_page: Vec<PageLinks> = Vec::with_capacity(content.len());
        match prev.as_mut().filter(|_| same) {
            Some(p) => {
                let g = &mut p.graph;
                let mut moved: Vec<Option<PageLinks>> = (0..content.len())
                    .map(|i| {
                        (p.content[i] == content[i]).then(|| PageLinks {
                            refs: std::mem::take(&mut g.refs[i]),
                            body: std::mem::take(&mut g.body[i]),
                            assets: std::mem::take(&mut g.assets[i]),
                            diags: std::mem::take(&mut p.diags[i]),
                        })
                    })
                    .collect();
                let fresh: Vec<Option<PageLinks>> = (0..content.len())
                    .into_par_iter()
                    .map(|i| {
                        moved[i]
                            .is_none()
                            .then(|| links::resolve_page(site, &site.pages[i]))
                    })
                    .collect();
                for (i, f) in fresh.into_iter().enumerate() {
                    per_page.push(
                        f.or_else(|| moved[i].take()).unwrap_or_else(|| {
                            unreachable!("each page is either kept or resolved")
                        }),
                    );
                }
            }
            None => {
                per_page = site
                    .pages
                    .par_iter()
                    .map(|page| links::resolve_page(site, page))
                    .collect();
            }
        }
        for links in &mut per_page {
            link_diags.push(std::mem::take(&mut links.diags));
        }
        // Per-page fingerprints, kept for pages whose text did not change.
        let unchanged = |i: usize| prev.as_ref().filter(|p| same && p.content[i] == content[i]);
        let link: Vec<u64> = (0..content.len())
            .into_par_iter()
            .map(|i| match unchanged(i) {
                Some(p) => p.link[i],
                None => keys::link_key(&site.pages[i]),
            })
            .collect();
        let derived: Vec<u64> = (0..content.len())
            .into_par_iter()
            .map(|i| match unchanged(i) {
                Some(p) => p.derived[i],
                None => links::derive_key(&site.pages[i], &per_page[i]),
            })
            .collect();
        let (graph, more_diags) = match prev.take() {
            // No page changed anything the lists are made of (an edit of text): the
            // backlinks, related pages, kind and tag lists are the previous ones.
            Some(p) if same && p.derived == derived => {
                let mut graph = p.graph;
                graph.refs.clear();
                graph.body.clear();
                graph.assets.clear();
                for links in per_page {
                    graph.refs.push(links.refs);
                    graph.body.push(links.body);
                    graph.assets.push(links.assets);
                }
                (graph, Vec::new())
            }
            prev => {
                let related: &[Vec<usize>] = match &prev {
                    Some(p) if same => &p.graph.related,
                    _ => &[],
                };
                let related_keys: &[u64] = match &prev {
                    Some(p) if same => &p.graph.related_keys,
                    _ => &[],
                };
                let reuse = |i: usize, key: u64| match related_keys.get(i) {
                    Some(k) if *k == key => related.get(i).cloned(),
                    _ => None,
                };
                links::derive(site, per_page, &reuse)
            }
        };

        let mut diags: Vec<Diagnostic> = self.tag_diags.clone();
        for entry in self.entries.values() {
            diags.extend(entry.diags.iter().cloned());
        }
        diags.extend(link_diags.iter().flatten().cloned());
        diags.extend(more_diags);
        diags.extend(review::review(site, &graph));
        diags.sort_by(|a, b| (&a.path, a.pos, a.severity).cmp(&(&b.path, b.pos, b.severity)));
        let linked = Linked {
            shape,
            content: content.to_vec(),
            graph,
            diags: link_diags,
            link,
            derived,
        };
        if diags.iter().any(Diagnostic::is_error) {
            // The output and the previous render stay as they were; the links are kept
            // for the next attempt.
            self.linked = Some(linked);
            return Err((Error::Content(diags), previous, true));
        }
        let graph = &linked.graph;

        // Render what changed.
        // With the same lists and the same link data everywhere, a page whose text did
        // not change keeps its key.
        let old = self
            .rendered
            .as_ref()
            .filter(|r| r.shape == shape && r.link == linked.link && r.derived == linked.derived);
        let reuse = |i: usize| {
            let r = old?;
            (r.content[i] == content[i]).then(|| r.keys.pages[i])
        };
        let keys = keys::keys(site, graph, content, &linked.link, &reuse);
        let mut select = Select::all(site);
        let mut kept: Vec<Option<PageOut>> = Vec::new();
        let mut prev = self.rendered.take();
        // Same pages, tags, kinds, assets and static files: the same set of output files.
        let same_files = !everything && !files && prev.as_ref().is_some_and(|p| p.shape == shape);
        let mut deferred = None;
        if let (Some(p), false) = (prev.as_mut(), everything) {
            // Where each page was in the previous render.
            let old_index: Vec<Option<usize>> = if p.shape == shape && p.ids.len() == content.len()
            {
                (0..content.len()).map(Some).collect()
            } else {
                let by_id: HashMap<&str, usize> = p
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
            kept = old_index
                .iter()
                .map(|o| o.and_then(|o| p.outs.get_mut(o)?.take()))
                .collect();
            for (i, o) in old_index.iter().enumerate() {
                select.pages[i] =
                    kept[i].is_none() || o.map(|o| p.keys.pages[o]) != Some(keys.pages[i]);
            }
            let differs = |a: &[u64], b: &[u64], i: usize| a.get(i) != b.get(i);
            for k in 0..select.lists.len() {
                select.lists[k] = differs(&p.keys.lists, &keys.lists, k);
            }
            for t in 0..select.tags.len() {
                select.tags[t] = differs(&p.keys.tags, &keys.tags, t);
            }
            select.tags_index = p.keys.tags_index != keys.tags_index;
            select.home = p.keys.home != keys.home;
            select.print = p.keys.print != keys.print;
            select.search_index = p.keys.search_index != keys.search_index;
            select.feed = p.keys.feed != keys.feed;
            if select.search_index && self.defer && select.pages.iter().any(|&p| p) {
                // Pages first: the index follows on the next rebuild, which sees its key
                // still differ from the one kept for it below.
                select.search_index = false;
                deferred = Some(p.keys.search_index);
            }
            select.fixed = false;
            select.files = files;
        }
        drop(prev);

        let fresh = previous.is_none();
        let theme = &self.theme;
        let rendered: Result<_, Failure> = (|| {
            Ok(match previous {
                None => {
                    let staging = Staging::create(root, out).map_err(|e| (e, None, true))?;
                    let recording = Recording::new(&staging);
                    let (summary, outs) = render::render_selected(
                        site, graph, theme, options, &recording, &select, kept,
                    )
                    .map_err(|e| (e, None, true))?;
                    let hashes = recording.into_hashes();
                    staging.commit().map_err(|e| (e, None, true))?;
                    let mut written: Vec<String> = hashes.keys().cloned().collect();
                    written.sort();
                    (summary, outs, hashes, written, Vec::new())
                }
                Some(previous) => {
                    // On failure the output is as `previous` describes it: hand it back.
                    let update =
                        Update::create(root, out, previous).map_err(|e| (e, None, true))?;
                    let (summary, outs) = match render::render_selected(
                        site, graph, theme, options, &update, &select, kept,
                    ) {
                        Ok(done) => done,
                        Err(e) => return Err((e, Some(update.into_previous()), true)),
                    };
                    let missing = if same_files {
                        update.keep_all();
                        false
                    } else {
                        keys::files(site, theme, options)
                            .iter()
                            .any(|file| !update.keep(file))
                    };
                    let (summary, outs) = if missing {
                        // An output that is new but was not selected: the selection missed a
                        // dependency. Render everything rather than leave the file out.
                        let kept = outs.into_iter().map(Some).collect();
                        match render::render_selected(
                            site,
                            graph,
                            theme,
                            options,
                            &update,
                            &Select::all(site),
                            kept,
                        ) {
                            Ok(done) => done,
                            Err(e) => return Err((e, Some(update.into_previous()), true)),
                        }
                    } else {
                        (summary, outs)
                    };
                    let applied = update.commit().map_err(|e| (e, None, true))?;
                    (
                        summary,
                        outs,
                        applied.hashes,
                        applied.written,
                        applied.removed,
                    )
                }
            })
        })();
        let snapshot = rendered
            .is_ok()
            .then(|| (linked.link.clone(), linked.derived.clone()));
        // Whatever happened to the render, the links stay valid for the next rebuild.
        self.linked = Some(linked);
        let (summary, outs, hashes, written, removed) = rendered?;
        let (link, derived) = snapshot.unwrap_or_default();
        let mut keys = keys;
        if let Some(stale) = deferred {
            keys.search_index = stale;
        }
        self.rendered = Some(Rendered {
            shape,
            ids: site.pages.iter().map(|p| p.id.clone()).collect(),
            keys,
            outs: outs.into_iter().map(Some).collect(),
            content: content.to_vec(),
            link,
            derived,
        });
        let total = if fresh { summary.files } else { hashes.len() };
        Ok((
            Rebuilt {
                rendered: summary.files,
                summary: Summary {
                    pages: summary.pages,
                    files: total,
                },
                warnings: diags,
                written,
                removed,
                deferred: deferred.is_some(),
            },
            hashes,
        ))
    }
}
