//! The model: loaded sources turned into a [`Site`] of typed, validated pages.
//!
//! Each page gets its role (home, standalone page or page of a kind) from its place under
//! `content/`, its id ([`id_of`]: `<kind dir>/<slug>`), and front-matter values checked
//! against the fields its kind declares ([`page()`], by field type in `values`). Tags
//! must come from the vocabulary ([`tags()`]). References are kept as written, with their
//! positions; `links` resolves them.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use rayon::prelude::*;

use crate::config::Config;
use crate::date::Date;
use crate::diag::{Diagnostic, LineIndex, Pos};
use crate::load::{Loaded, Source, TagsSource};
use crate::slug::{is_slug, slugify};
use crate::t;

mod page;
mod values;
pub use page::page;
pub use values::example;

/// A validated site: configuration, tags and pages.
#[derive(Debug)]
pub struct Site {
    /// The configuration.
    pub config: Config,
    /// The tag vocabulary, in declaration order.
    pub tags: Vec<Tag>,
    /// The pages, sorted by path (drafts left out unless the build publishes them).
    pub pages: Vec<Page>,
    /// Other files under `content/` (images, documents), relative to it, sorted.
    pub assets: Vec<String>,
    lookup: Lookup,
    unpublished: Unpublished,
}

/// The pages a build leaves out, by id: files with errors and unpublished drafts.
#[derive(Debug, Default)]
pub struct Unpublished {
    /// Files that exist but failed validation.
    pub invalid: HashSet<String>,
    /// Drafts (`draft = true`) left out of this build.
    pub drafts: HashSet<String>,
}

/// One declared tag.
#[derive(Debug)]
pub struct Tag {
    /// The identifier pages use.
    pub id: String,
    /// The label readers see.
    pub label: String,
    /// One sentence about the tag.
    pub description: String,
}

/// Where a page sits in the site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// `content/_index.md`, the home page's text.
    Home,
    /// A file directly under `content/` (an "about" page).
    Standalone,
    /// A page of the kind at this index of `Config::kinds`.
    Kind(usize),
}

impl Role {
    /// The kind of a page with this role, if it has one.
    pub fn kind(self, config: &Config) -> Option<&crate::config::Kind> {
        match self {
            Role::Kind(k) => Some(&config.kinds[k]),
            Role::Home | Role::Standalone => None,
        }
    }
}

/// One validated content page.
#[derive(Debug)]
pub struct Page {
    /// `<kind dir>/<slug>`, the bare slug for standalone pages, empty for home.
    pub id: String,
    /// Where it sits.
    pub role: Role,
    /// The file name without `.md`.
    pub slug: String,
    /// The file it comes from.
    pub source: Source,
    /// The title.
    pub title: String,
    /// The publication date, as precise as its source, when given.
    pub date: Option<Date>,
    /// The date of the last change, when given.
    pub updated: Option<Date>,
    /// One sentence about the page.
    pub summary: String,
    /// Position in lists sorted by order.
    pub order: Option<i64>,
    /// Indexes into `Site::tags`.
    pub tags: Vec<usize>,
    /// The kind's declared plain fields that the page fills, as display text.
    pub values: Vec<FieldValue>,
    /// The reference fields that the page fills, as written.
    pub refs: Vec<RefField>,
    /// `draft = true`: published only by `build --drafts` and `serve`.
    pub draft: bool,
    /// Old addresses of the page (`aliases`), each redirected to it.
    pub aliases: Vec<Alias>,
}

/// An old address of a page, kept alive by a redirect page (#12).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Alias {
    /// The address from the site root, without slashes around it (`old/path`).
    pub path: String,
    /// Where it is written.
    pub pos: Pos,
}

impl Page {
    /// The Markdown body.
    pub fn body(&self) -> std::borrow::Cow<'_, str> {
        self.source.body()
    }
}

/// A plain declared field's value, ready to show.
#[derive(Debug)]
pub struct FieldValue {
    /// The field name.
    pub name: String,
    /// Its label.
    pub label: String,
    /// Its value as text (a list's items joined by commas).
    pub text: String,
    /// Its items: one for a plain value, each item of a list.
    pub items: Vec<String>,
}

/// A reference field as written in the front matter.
#[derive(Debug)]
pub struct RefField {
    /// The field name (`practices`, `see_also`).
    pub name: String,
    /// Its label.
    pub label: String,
    /// The kind its ids must belong to, if restricted.
    pub target: Option<usize>,
    /// The ids as written, with their byte spans in the file.
    pub items: Vec<(String, Range<usize>)>,
}

impl Site {
    /// The index of the page with this exact id.
    pub fn page_index(&self, id: &str) -> Option<usize> {
        self.lookup.page_index(id)
    }

    /// Whether `id` (a page id or a bare slug) names a draft left out of this build.
    pub fn is_draft(&self, id: &str) -> bool {
        names(&self.unpublished.drafts, id)
    }

    /// Whether the page id `id`, as a link's path gives it, is a draft left out of this
    /// build: the id itself, never a bare slug (a published `x.md` is not a draft
    /// `dir/x.md`).
    pub fn leaves_out_draft(&self, id: &str) -> bool {
        self.unpublished.drafts.contains(id)
    }

    /// The pages this build leaves out, by id.
    pub fn unpublished(&self) -> &Unpublished {
        &self.unpublished
    }

    /// The lookup tables of its pages by id and by slug.
    pub fn lookup(&self) -> &Lookup {
        &self.lookup
    }

    /// How many drafts the site has, published by this build or not.
    pub fn draft_count(&self) -> usize {
        self.unpublished.drafts.len() + self.pages.iter().filter(|p| p.draft).count()
    }

    /// The label of the kind of page `i`, if it has a kind.
    pub fn kind_of(&self, i: usize) -> Option<&crate::config::Kind> {
        self.pages[i].role.kind(&self.config)
    }
}

/// Whether `id` (a page id or a bare slug) is one of `ids`.
pub fn names<'a>(ids: impl IntoIterator<Item = &'a String>, id: &str) -> bool {
    ids.into_iter()
        .any(|i| i == id || i.rsplit('/').next() == Some(id))
}

/// Validates the loaded sources into the site model, collecting every problem found. Drafts are kept only when
/// `drafts` is true.
pub fn validate(config: Config, loaded: Loaded, drafts: bool) -> (Site, Vec<Diagnostic>) {
    let mut diags = loaded.diags;
    let mut invalid: HashSet<String> = diags
        .iter()
        .filter(|d| d.is_error())
        .filter_map(|d| d.path.strip_prefix(crate::load::CONTENT_DIR).ok())
        .map(|rel| id_of(&rel.to_string_lossy().replace('\\', "/")).to_string())
        .collect();
    let tags = tags(&loaded.tags, &mut diags);
    let tag_index = tag_index(&tags);
    let mut pages = Vec::with_capacity(loaded.sources.len());
    let mut unpublished_drafts = HashSet::new();
    // Each page is checked on its own, in parallel: one after the other, they were a
    // serial stretch of a build (0.3 s at 100,000 pages). Their problems are reported in
    // page order all the same.
    let checked: Vec<(String, Option<Page>, Vec<Diagnostic>)> = (loaded.sources)
        .into_par_iter()
        .map(|source| {
            let (rel, mut found) = (source.rel.clone(), Vec::new());
            let page = page(&config, &tags, &tag_index, source, &mut found);
            (rel, page, found)
        })
        .collect();
    for (rel, page, found) in checked {
        let failed = found.iter().any(Diagnostic::is_error);
        diags.extend(found);
        match page {
            Some(page) if page.draft && !drafts => {
                unpublished_drafts.insert(page.id);
            }
            Some(page) => pages.push(page),
            None if failed => {
                invalid.insert(id_of(&rel).to_string());
            }
            None => {}
        }
    }
    let unpublished = Unpublished {
        invalid,
        drafts: unpublished_drafts,
    };
    (
        assemble_with(config, tags, pages, loaded.assets, None, unpublished),
        diags,
    )
}

/// The page id of a Markdown file, from its path relative to `content/` (`_index.md` is
/// the home page, whose id is empty). The one rule for page ids: `model` names pages with
/// it and `links` resolves body links with it.
pub fn id_of(rel: &str) -> &str {
    match rel.strip_suffix(".md").unwrap_or(rel) {
        "_index" => "",
        id => id,
    }
}

/// The lookup tables of a site's pages by id and by slug, kept by an incremental rebuild
/// (#4) while the pages' ids stay the same.
#[derive(Debug, Default)]
pub struct Lookup {
    by_id: HashMap<String, usize>,
    by_slug: HashMap<String, Vec<usize>>,
}

impl Lookup {
    /// The index of the page with this exact id.
    pub fn page_index(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The pages (other than the home page) whose file is named `slug`.
    pub fn pages_with_slug(&self, slug: &str) -> &[usize] {
        self.by_slug.get(slug).map_or(&[], Vec::as_slice)
    }
}

/// A site from pages validated one by one (see [`page()`]), in path order, reusing `lookup` from a site with the same page ids, in the same
/// order, when given.
pub fn assemble_with(
    config: Config,
    tags: Vec<Tag>,
    pages: Vec<Page>,
    assets: Vec<String>,
    lookup: Option<Lookup>,
    unpublished: Unpublished,
) -> Site {
    let lookup = lookup.unwrap_or_else(|| lookup_of(&pages));
    Site {
        config,
        tags,
        pages,
        assets,
        lookup,
        unpublished,
    }
}

/// The lookup tables of `pages`.
fn lookup_of(pages: &[Page]) -> Lookup {
    let by_id = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.clone(), i))
        .collect();
    let mut by_slug: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in pages.iter().enumerate() {
        if p.role != Role::Home {
            by_slug.entry(p.slug.clone()).or_default().push(i);
        }
    }
    Lookup { by_id, by_slug }
}

impl Site {
    /// Drops what only validation and review read of each page: its front matter as
    /// parsed (the page holds its values). A build that renders once then keeps nothing
    /// calls it before rendering: about 1 KB a page, 90 MB at 100,000 pages.
    pub fn drop_front_matter(&mut self) {
        for page in &mut self.pages {
            page.source.front = Vec::new();
        }
    }

    /// Takes the site apart again: configuration, tags, pages, assets and lookup tables.
    pub fn into_parts(self) -> (Config, Vec<Tag>, Vec<Page>, Vec<String>, Lookup) {
        (self.config, self.tags, self.pages, self.assets, self.lookup)
    }
}

/// The index of each tag of `tags` by id, as [`page()`] looks tags up: built once per
/// build (or per rebuild), not once per page.
pub fn tag_index(tags: &[Tag]) -> HashMap<&str, usize> {
    tags.iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect()
}

/// The tag vocabulary, validated.
pub fn tags(source: &TagsSource, diags: &mut Vec<Diagnostic>) -> Vec<Tag> {
    let index = LineIndex::new(&source.text);
    let mut tags: Vec<Tag> = Vec::with_capacity(source.tags.len());
    for raw in &source.tags {
        let id = raw.id.get_ref();
        let error = |code, msg: crate::diag::Text| {
            Diagnostic::error(code, &source.path, msg).at(&index, raw.id.span().start)
        };
        if !is_slug(id) {
            diags.push(
                error("bad-tag-id", t!("bad-tag-id", id = id))
                    .help(t!("bad-tag-id.help", example = slugify(id))),
            );
            continue;
        }
        if tags.iter().any(|t| t.id == *id) {
            diags.push(error(
                "duplicate-tag",
                t!("duplicate-tag.declared", id = id),
            ));
            continue;
        }
        tags.push(Tag {
            id: id.clone(),
            label: raw.label.clone(),
            description: raw.description.clone(),
        });
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_ids_are_paths_without_md_and_home_is_empty() {
        assert_eq!(id_of("temoignages/c.md"), "temoignages/c");
        assert_eq!(id_of("a-propos.md"), "a-propos");
        assert_eq!(id_of("_index.md"), "");
        assert_eq!(id_of("images/x.png"), "images/x.png");
    }
}
