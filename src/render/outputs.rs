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
use std::ffi::OsStr;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use super::{Options, Theme, url};
use crate::config::RESERVED_NAMES;
use crate::diag::{Diagnostic, Pos, Text};
use crate::links::Graph;
use crate::model::{Alias, Role, Site};
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

/// What [`plan`] reads of a site, its theme and the build options: the table of
/// outputs is a function of this alone, and its hash ([`Planned::key`]) is the key under
/// which `serve` keeps a table it found without collision (#16), so that whatever `plan`
/// comes to read moves the key too.
#[derive(Hash)]
pub struct Planned<'a> {
    /// Each page but the home page: its id, role, file and aliases.
    pages: Vec<(&'a str, Role, &'a OsStr, &'a [Alias])>,
    /// Each kind: its id, directory, where the directory is set, and its list pages.
    kinds: Vec<(&'a str, &'a str, Pos, usize)>,
    /// Each tag: its id and its pages.
    tags: Vec<(&'a str, usize)>,
    print: bool,
    map: bool,
    /// The feed and the sitemap (an online build with a `base_url`).
    feeds: bool,
    /// The site root, which static files' paths are shown from.
    root: &'a Path,
    /// The theme's and the site's static files.
    statics: &'a BTreeMap<String, PathBuf>,
    /// The files of `content/` that are published.
    assets: Vec<&'a str>,
}

impl<'a> Planned<'a> {
    /// What the table of `site`'s outputs is made of, for these build options.
    pub fn new(site: &'a Site, graph: &'a Graph, theme: &'a Theme, options: Options) -> Self {
        let (list_pages, tag_pages) = super::lists::page_counts(site, graph);
        let config = &site.config;
        Planned {
            pages: (site.pages.iter().filter(|p| p.role != Role::Home))
                .map(|p| {
                    (
                        p.id.as_str(),
                        p.role,
                        p.source.path.as_os_str(),
                        &p.aliases[..],
                    )
                })
                .collect(),
            kinds: (config.kinds.iter().zip(list_pages))
                .map(|(k, n)| (k.id.as_str(), k.dir.as_str(), k.dir_pos, n))
                .collect(),
            tags: site
                .tags
                .iter()
                .map(|t| t.id.as_str())
                .zip(tag_pages)
                .collect(),
            print: config.site.print,
            map: config.site.map,
            feeds: !options.offline && config.site.feeds(),
            root: &config.root,
            statics: &theme.statics,
            assets: published_assets(graph),
        }
    }

    /// The key of a table of outputs: equal keys list the same outputs.
    pub fn key(&self) -> u64 {
        let mut h = FxHasher::default();
        self.hash(&mut h);
        h.finish()
    }
}

/// The origin of a kind's list page: the `dir` of the kind in the configuration.
fn kind_origin(id: &str, dir_pos: Pos) -> Origin {
    Origin::at(
        t!("origin.kind-list", kind = id),
        crate::config::FILE_NAME,
        Some(dir_pos),
    )
}

/// Every file a full render writes, with its source.
pub fn plan(input: &Planned) -> Outputs {
    let mut table = Outputs::default();
    table.files.reserve(input.pages.len() + 64);
    let content = Path::new(crate::load::CONTENT_DIR);
    for &(id, role, path, aliases) in &input.pages {
        let origin = Origin::file(t!("origin.page"), path);
        if role == Role::Standalone {
            if RESERVED_NAMES.contains(&id) {
                table.reserved(id, &origin, &reserved_owner(id));
                continue;
            }
            if let Some(&(kind, _, pos, _)) = input.kinds.iter().find(|k| k.1 == id) {
                table.reserved(id, &origin, &kind_origin(kind, pos));
                continue;
            }
        }
        table.add(url::page_file(id), origin);
        for alias in aliases {
            let what = t!("origin.alias", path = alias.path);
            let origin = Origin::at(what, path, Some(alias.pos));
            table.add(url::page_file(&alias.path), origin);
        }
    }
    for &(kind, dir, pos, count) in &input.kinds {
        table.add(url::kind_file(dir), kind_origin(kind, pos));
        for n in 2..=count {
            let file = url::paged_file(&url::kind_file(dir), n);
            let what = t!("origin.kind-list-page", n = n, kind = kind);
            table.add(file, Origin::at(what, crate::config::FILE_NAME, Some(pos)));
        }
    }
    table.add(url::TAGS_FILE, Origin::built_in(t!("origin.tag-index")));
    let vocabulary = content.join(crate::load::TAGS_FILE);
    for &(tag, count) in &input.tags {
        let what = t!("origin.tag-page", tag = tag);
        table.add(url::tag_file(tag), Origin::file(what, &vocabulary));
        for n in 2..=count {
            let file = url::paged_file(&url::tag_file(tag), n);
            table.add(
                file,
                Origin::file(t!("origin.tag-page-n", n = n, tag = tag), &vocabulary),
            );
        }
    }
    table.add(url::page_file(""), Origin::built_in(t!("origin.home")));
    table.add(url::SEARCH_FILE, Origin::built_in(t!("origin.search")));
    table.add(
        url::NOT_FOUND_FILE,
        Origin::built_in(t!("origin.not-found")),
    );
    if input.print {
        table.add(url::PRINT_FILE, Origin::built_in(t!("origin.print")));
    }
    if input.map {
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
    if input.feeds {
        table.add(url::FEED_FILE, Origin::built_in(t!("origin.feed")));
        table.add(url::SITEMAP_FILE, Origin::built_in(t!("origin.sitemap")));
    }
    for &asset in &input.assets {
        table.add(asset, Origin::file(t!("origin.file"), content.join(asset)));
    }
    for (file, path) in input.statics {
        let path = path.strip_prefix(input.root).unwrap_or(path);
        table.add(file.as_str(), Origin::file(t!("origin.static-file"), path));
    }
    table
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

/// [`plan`] of a site, its graph and its theme.
pub fn of(site: &Site, graph: &Graph, theme: &Theme, options: Options) -> Outputs {
    plan(&Planned::new(site, graph, theme, options))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key of the table of outputs of a site of one kind `k` with these pages (slug,
    /// front matter lines).
    fn key(pages: &[(&str, &str)]) -> u64 {
        let pages: Vec<(&str, String)> = pages.iter().map(|(s, f)| (*s, f.to_string())).collect();
        let (site, _) = crate::links::test_site(&pages, &[]);
        let (graph, _) = crate::links::resolve(&site);
        let theme = super::super::theme(&site.config).unwrap();
        Planned::new(&site, &graph, &theme, Options::default()).key()
    }

    #[test]
    fn the_key_moves_with_what_the_table_is_made_of_and_only_with_it() {
        let base = key(&[("a", "title = \"A\""), ("b", "title = \"B\"")]);
        // A title is not in the table: the same outputs.
        let retitled = key(&[("a", "title = \"Autre\""), ("b", "title = \"B\"")]);
        assert_eq!(base, retitled);
        let alias = key(&[
            ("a", "title = \"A\"\naliases = [\"ancien/a\"]"),
            ("b", "title = \"B\""),
        ]);
        let added = key(&[
            ("a", "title = \"A\""),
            ("b", "title = \"B\""),
            ("c", "title = \"C\""),
        ]);
        let keys = [base, alias, added];
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b, "{keys:?}");
            }
        }
    }
}
