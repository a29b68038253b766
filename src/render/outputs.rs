//! The one table of every output path a build writes, with the source of each.
//!
//! Two sources for one path would silently overwrite each other (a page `content/tags.md`
//! and the tag index, a raw `content/index.html` and the home page, a kind `dir = "print"`
//! and the printable guide). [`plan`] lists every output of a full render once, and each
//! path claimed twice is an `output-collision` error naming both sources with their
//! positions; names that archipel keeps for itself are a `reserved-name` error. `check`,
//! `build` and every rebuild of `serve` run it before rendering, and an incremental
//! rebuild takes from it the set of files a full render would write.
//!
//! Registering a new family of outputs is one call per path, in [`plan`]:
//!
//! ```text
//! table.add(url::page_file(&alias), Origin::at(t!("origin.alias", path = alias), &page.source.path, pos));
//! table.add(url::SITEMAP_FILE, Origin::built_in(t!("origin.sitemap")));
//! ```
//!
//! What writes an output is a catalog text (`origin.*` keys), so that a message names it
//! in the site's language.
//!
//! [`Origin::at`] is for outputs that come from a place in a file (a page, a field, a
//! line of `archipel.toml`), [`Origin::file`] for a whole file, [`Origin::built_in`] for
//! what archipel writes of itself.

use std::collections::BTreeMap;
use std::collections::hash_map::Entry;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use super::{Options, Theme, url};
use crate::config::RESERVED_NAMES;
use crate::diag::{Diagnostic, Pos, Text};
use crate::links::Graph;
use crate::model::{Role, Site};
use crate::t;
use rustc_hash::{FxHashMap, FxHasher};

/// Where one output comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// What writes it, for messages ("the page", "the tag index").
    what: Text,
    /// The file it comes from, relative to the site root, if any.
    file: Option<PathBuf>,
    /// The position in that file, if known.
    pos: Option<Pos>,
}

impl Origin {
    /// An output that comes from a place in a file.
    pub fn at(what: Text, file: impl AsRef<Path>, pos: Option<Pos>) -> Self {
        Origin {
            what,
            file: Some(file.as_ref().to_path_buf()),
            pos,
        }
    }

    /// An output that comes from a whole file.
    pub fn file(what: Text, file: impl AsRef<Path>) -> Self {
        Origin::at(what, file, None)
    }

    /// An output archipel writes of itself.
    pub fn built_in(what: Text) -> Self {
        Origin {
            what,
            file: None,
            pos: None,
        }
    }

    /// "the page (content/a.md)", "the kind `x` (archipel.toml:3:7)", "the tag index".
    fn describe(&self) -> Text {
        match (&self.file, self.pos) {
            (Some(f), Some(p)) => {
                let (file, line, column) = (f.display(), p.line, p.column);
                t!(
                    "origin.at",
                    what = self.what,
                    file = file,
                    line = line,
                    column = column
                )
            }
            (Some(f), None) => t!("origin.in", what = self.what, file = f.display()),
            (None, _) => self.what.clone(),
        }
    }

    /// A diagnostic about this origin: at its file and position, or about the site's
    /// configuration when archipel itself writes it.
    fn diagnostic(&self, code: &'static str, message: Text) -> Diagnostic {
        let path = self
            .file
            .clone()
            .unwrap_or_else(|| crate::config::FILE_NAME.into());
        let mut d = Diagnostic::error(code, path, message);
        d.pos = self.pos;
        d
    }
}

/// Every output path of a full render, and the problems found while listing them.
///
/// `serve` lists them on every rebuild (#4): files are kept in a hash map (a sorted map
/// of 13,000 paths was most of that listing's time at 10,000 pages) and sorted only when
/// [`Outputs::files`] is asked for them.
#[derive(Debug, Default)]
pub struct Outputs {
    files: FxHashMap<String, Origin>,
    /// Directories (ending in `/`) whose files one source writes, their names known only
    /// when it renders (the search index's shards follow the site's words).
    dirs: BTreeMap<String, Origin>,
    diags: Vec<Diagnostic>,
}

impl Outputs {
    /// Registers `file` (relative to the output directory) as written by `origin`; a path
    /// registered twice is an `output-collision` error naming both.
    pub fn add(&mut self, file: impl Into<String>, origin: Origin) {
        let file = file.into();
        let claimed = self.dirs.iter().find(|(d, _)| file.starts_with(d.as_str()));
        if let Some((_, owner)) = claimed {
            let owner = owner.clone();
            self.collision(&file, &owner, &origin);
        } else {
            match self.files.entry(file) {
                Entry::Occupied(first) => {
                    let (file, first) = (first.key().clone(), first.get().clone());
                    self.collision(&file, &first, &origin);
                }
                Entry::Vacant(v) => {
                    v.insert(origin);
                }
            }
        }
    }

    /// Registers every file under `dir` (ending in `/`) as written by `origin`: any other
    /// output there is an `output-collision` error.
    pub fn add_dir(&mut self, dir: &str, origin: Origin) {
        let mut inside: Vec<(String, Origin)> = self
            .files
            .iter()
            .filter(|(f, _)| f.starts_with(dir))
            .map(|(f, o)| (f.clone(), o.clone()))
            .collect();
        inside.sort_by(|a, b| a.0.cmp(&b.0));
        for (file, other) in inside {
            self.collision(&file, &other, &origin);
        }
        self.dirs.insert(dir.to_string(), origin);
    }

    /// Reports that `file` "would be written twice" by `first` and by `second`.
    fn collision(&mut self, file: &str, first: &Origin, second: &Origin) {
        // Report at the source a person wrote, when one of the two is built in.
        let (here, other) = match second.file {
            Some(_) => (second, first),
            None => (first, second),
        };
        let d = here
            .diagnostic(
                "output-collision",
                t!(
                    "output-collision",
                    file = file,
                    other = other.describe(),
                    here = here.describe()
                ),
            )
            .help(t!("output-collision.help"));
        self.diags.push(d);
    }

    /// The directories registered whole, with [`Outputs::add_dir`].
    pub fn dirs(&self) -> impl Iterator<Item = &str> {
        self.dirs.keys().map(String::as_str)
    }

    /// Reports `origin` for taking a name archipel keeps (`taken_by` says for what).
    pub fn reserved(&mut self, name: &str, origin: &Origin, taken_by: &Origin) {
        let d = origin
            .diagnostic(
                "reserved-name",
                t!(
                    "reserved-name",
                    origin = origin.describe(),
                    name = name,
                    taken = taken_by.describe()
                ),
            )
            .help(t!("reserved-name.help"));
        self.diags.push(d);
    }

    /// The output paths, in no particular order.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// The collisions and reserved names found.
    pub fn into_diags(self) -> Vec<Diagnostic> {
        self.diags
    }
}

/// The built-in owner of a reserved top-level name.
fn reserved_owner(name: &str) -> Origin {
    Origin::built_in(match name {
        "tags" => t!("origin.tag-index"),
        "search" => t!("origin.search"),
        "print" => t!("origin.print"),
        "carte" => t!("origin.map"),
        "index" => t!("origin.home"),
        "404" => t!("origin.not-found"),
        _ => t!("origin.statics"),
    })
}

/// The origin of a kind's list page: the `dir` of the kind in the configuration.
fn kind_origin(kind: &crate::config::Kind) -> Origin {
    Origin::at(
        t!("origin.kind-list", kind = kind.id),
        crate::config::FILE_NAME,
        Some(kind.dir_pos),
    )
}

/// Every file a full render of `site` writes, with its source; `statics` are the theme's
/// and the site's static files, `assets` the files of `content/` that are published.
pub fn plan<'a>(
    site: &Site,
    statics: &BTreeMap<String, PathBuf>,
    assets: impl IntoIterator<Item = &'a str>,
    options: Options,
) -> Outputs {
    let mut table = Outputs::default();
    table.files.reserve(site.pages.len() + 64);
    let content = Path::new(crate::load::CONTENT_DIR);
    for page in site.pages.iter().filter(|p| p.role != Role::Home) {
        let origin = Origin::file(t!("origin.page"), &page.source.path);
        if page.role == Role::Standalone {
            if RESERVED_NAMES.contains(&page.id.as_str()) {
                table.reserved(&page.id, &origin, &reserved_owner(&page.id));
                continue;
            }
            if let Some(kind) = site.config.kinds.iter().find(|k| k.dir == page.id) {
                table.reserved(&page.id, &origin, &kind_origin(kind));
                continue;
            }
        }
        table.add(url::page_file(&page.id), origin);
        for alias in &page.aliases {
            let what = t!("origin.alias", path = alias.path);
            let origin = Origin::at(what, &page.source.path, Some(alias.pos));
            table.add(url::page_file(&alias.path), origin);
        }
    }
    let (list_pages, tag_pages) = super::lists::page_counts(site);
    for (kind, &count) in site.config.kinds.iter().zip(&list_pages) {
        table.add(url::kind_file(&kind.dir), kind_origin(kind));
        for n in 2..=count {
            let file = url::paged_file(&url::kind_file(&kind.dir), n);
            let what = t!("origin.kind-list-page", n = n, kind = kind.id);
            let origin = Origin::at(what, crate::config::FILE_NAME, Some(kind.dir_pos));
            table.add(file, origin);
        }
    }
    table.add(url::TAGS_FILE, Origin::built_in(t!("origin.tag-index")));
    let vocabulary = content.join(crate::load::TAGS_FILE);
    for (tag, &count) in site.tags.iter().zip(&tag_pages) {
        let what = t!("origin.tag-page", tag = tag.id);
        table.add(url::tag_file(&tag.id), Origin::file(what, &vocabulary));
        for n in 2..=count {
            let file = url::paged_file(&url::tag_file(&tag.id), n);
            table.add(
                file,
                Origin::file(t!("origin.tag-page-n", n = n, tag = tag.id), &vocabulary),
            );
        }
    }
    table.add(url::page_file(""), Origin::built_in(t!("origin.home")));
    table.add(url::SEARCH_FILE, Origin::built_in(t!("origin.search")));
    table.add(
        url::NOT_FOUND_FILE,
        Origin::built_in(t!("origin.not-found")),
    );
    if site.config.site.print {
        table.add(url::PRINT_FILE, Origin::built_in(t!("origin.print")));
    }
    if site.config.site.map {
        table.add(url::MAP_FILE, Origin::built_in(t!("origin.map")));
    }
    table.add(
        url::SEARCH_INDEX_FILE,
        Origin::built_in(t!("origin.search-index")),
    );
    table.add_dir(
        super::search::SHARD_DIR,
        Origin::built_in(t!("origin.search-shards")),
    );
    if !options.offline && site.config.site.feeds() {
        table.add(url::FEED_FILE, Origin::built_in(t!("origin.feed")));
        table.add(url::SITEMAP_FILE, Origin::built_in(t!("origin.sitemap")));
    }
    for asset in assets {
        table.add(asset, Origin::file(t!("origin.file"), content.join(asset)));
    }
    for (file, path) in statics {
        let path = path.strip_prefix(&site.config.root).unwrap_or(path);
        table.add(file.as_str(), Origin::file(t!("origin.static-file"), path));
    }
    table
}

/// A hash of what [`plan`] reads of a site beyond its configuration and static files:
/// each page's id, role and aliases, how many list pages each kind and tag has, and the
/// files of `content/` that pages link to. Under the same configuration and static
/// files, an equal key lists the same outputs, so that `serve` looks for collisions
/// again only when it moves (#16).
pub fn files_key(site: &Site, graph: &Graph) -> u64 {
    let mut h = FxHasher::default();
    for page in &site.pages {
        (page.id.as_str(), page.role, page.aliases.len()).hash(&mut h);
        for alias in &page.aliases {
            alias.path.hash(&mut h);
        }
    }
    super::lists::page_counts(site).hash(&mut h);
    published_assets(graph).hash(&mut h);
    h.finish()
}

/// The files of `content/` that pages link to: the only ones a build publishes, sorted.
pub fn published_assets(graph: &Graph) -> Vec<&str> {
    let mut files: Vec<&str> = graph
        .assets
        .iter()
        .flat_map(|links| links.values().map(String::as_str))
        .collect();
    files.sort_unstable();
    files.dedup();
    files
}

/// The files a build copies as they are, each output path with its source: the files of
/// `content/` that pages link to, then the theme's and the site's static files. They are
/// streamed by the caller (an image of a gigabyte is never in memory), not rendered.
pub fn copies<'a>(site: &Site, graph: &'a Graph, theme: &'a Theme) -> Vec<(&'a str, PathBuf)> {
    let content = site.config.root.join(crate::load::CONTENT_DIR);
    let assets = published_assets(graph);
    let assets = assets.into_iter().map(|file| (file, content.join(file)));
    let statics = theme.statics.iter().map(|(f, p)| (f.as_str(), p.clone()));
    assets.chain(statics).collect()
}

/// [`plan`] with a theme's static files and the files pages link to.
pub fn of(site: &Site, graph: &Graph, theme: &Theme, options: Options) -> Outputs {
    plan(site, &theme.statics, published_assets(graph), options)
}
