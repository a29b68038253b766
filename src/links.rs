//! Links: the site's cross-references resolved into a [`Graph`].
//!
//! Each page's front-matter references and relative `.md` links become page indexes in
//! `resolve` ([`resolve_page`]), each miss a positioned diagnostic; it reads the rest of
//! the site only through [`Targets`] (`targets`), whose [`Outline`]'s hash is the key
//! under which an incremental rebuild keeps a page's resolved links. From the resolved
//! edges, [`derive()`] computes every page's backlinks, its typed relations
//! (`relations`), its related pages (`related`: shared tags, rarer tags weighing more,
//! pages already linked left out), its neighbours in reading order, and the sorted page
//! lists of each kind and tag (`lists`), reading each page only through its
//! [`DeriveInput`], whose hash is the key an incremental rebuild compares. Links to
//! headings are checked in `anchors`.

use std::collections::HashMap;
use std::sync::Mutex;

use rayon::prelude::*;

use crate::diag::Diagnostic;
use crate::markdown::Prepared;
use crate::model::Site;
pub use anchors::{Anchors, check_anchors};
pub use lists::{Before, DeriveInput, TitleOrder};
pub use relations::{Group, Link};
pub use resolve::{join, leads_to_draft, resolve_page};
pub use targets::{Outline, Targets};

mod anchors;
mod lists;
mod related;
mod relations;
mod resolve;
mod targets;

/// The resolved link structure of a site.
#[derive(Debug, Default)]
pub struct Graph {
    /// For each page, for each of its reference fields, the target pages.
    pub refs: Vec<Vec<Vec<usize>>>,
    /// For each page, its relative `.md` link destinations (as written) and their targets.
    pub body: Vec<HashMap<String, usize>>,
    /// For each page, its links and images to other files of `content/` (as written), and
    /// those files' paths relative to `content/`.
    pub assets: Vec<HashMap<String, String>>,
    /// For each page, its heading ids and its links to headings (checked by
    /// [`check_anchors`]).
    pub anchors: Vec<Anchors>,
    /// For each page, its body as rendered from the link stage's parse, until the page's
    /// render takes it (see [`Graph::take_prepared`]).
    pub prepared: Vec<Mutex<Option<Prepared>>>,
    /// For each page, the pages that reference or link to it, sorted by title.
    pub backlinks: Vec<Vec<usize>>,
    /// For each page, its related pages grouped by relation (see the `relations` module
    /// and [`Group`]).
    pub relations: Vec<Vec<Group>>,
    /// For each page of a kind, the pages before and after it in reading order (see
    /// [`Graph::reading_order`]).
    pub neighbours: Vec<(Option<usize>, Option<usize>)>,
    /// For each page, its related pages, best first.
    pub related: Vec<Vec<usize>>,
    /// For each page, the key of its related list (a hash of what ranking it reads), so
    /// that an incremental rebuild (#4) ranks again only the pages whose key moved.
    pub related_keys: Vec<u64>,
    /// For each kind, its pages in the kind's order.
    pub kind_pages: Vec<Vec<usize>>,
    /// For each tag, its pages sorted by title.
    pub tag_pages: Vec<Vec<usize>>,
    /// The pages in title order, kept for the next incremental rebuild.
    pub titles: TitleOrder,
}

/// Resolves references and links, and derives backlinks, related pages and lists.
pub fn resolve(site: &Site) -> (Graph, Vec<Diagnostic>) {
    let targets = Targets::of(site);
    let per_page: Vec<PageLinks> = site
        .pages
        .par_iter()
        .map(|page| resolve_page(&targets, page))
        .collect();
    derive(site, per_page, &|_, _| None, None)
}

/// Asked by [`derive()`] for page `i` whose related list has the key `key` (a hash of what
/// ranking it reads): the list a previous build computed with the same key, if it has one.
pub type Reuse<'a> = dyn Fn(usize, u64) -> Option<Vec<usize>> + Sync + 'a;

/// Derives backlinks, related pages and the kind and tag lists from each page's resolved
/// links (in page order), reading each page only through its [`DeriveInput`] (see
/// `lists`). `reuse` lets an incremental rebuild (#4) skip ranking the related pages of
/// a page whose inputs did not change, and `before` (the previous graph's
/// [`Graph::titles`]) sorting again the titles that did not.
pub fn derive(
    site: &Site,
    per_page: Vec<PageLinks>,
    reuse: &Reuse<'_>,
    before: Option<Before>,
) -> (Graph, Vec<Diagnostic>) {
    let lists = {
        let inputs = inputs(site, &per_page);
        lists::lists(&site.config, site.tags.len(), &inputs, reuse, before)
    };
    graph(lists, per_page)
}

/// [`derive()`] of a site whose pages all kept their [`DeriveInput::untitled_key`] since
/// the build that derived `previous`, over the same pages: only those that `before` says
/// moved have a new title. The lists are `previous`'s, sorted again where they hold a
/// retitled page (see `lists`); the same as [`derive()`] gives, in less time (#16).
pub fn retitle(
    site: &Site,
    per_page: Vec<PageLinks>,
    previous: Graph,
    before: Before,
) -> (Graph, Vec<Diagnostic>) {
    let previous = lists::Lists {
        backlinks: previous.backlinks,
        relations: previous.relations,
        neighbours: previous.neighbours,
        related: previous.related,
        related_keys: previous.related_keys,
        kind_pages: previous.kind_pages,
        tag_pages: previous.tag_pages,
        titles: previous.titles,
    };
    let lists = {
        let inputs = inputs(site, &per_page);
        lists::retitled(&site.config, &inputs, previous, before)
    };
    graph(lists, per_page)
}

/// What deriving reads of each page.
fn inputs<'a>(site: &'a Site, per_page: &'a [PageLinks]) -> Vec<DeriveInput<'a>> {
    site.pages
        .par_iter()
        .zip(per_page)
        .map(|(page, links)| DeriveInput::of(page, links))
        .collect()
}

/// The graph of derived `lists` and each page's resolved links, with the problems
/// resolving found.
fn graph(lists: lists::Lists, per_page: Vec<PageLinks>) -> (Graph, Vec<Diagnostic>) {
    let mut graph = Graph {
        backlinks: lists.backlinks,
        relations: lists.relations,
        neighbours: lists.neighbours,
        related: lists.related,
        related_keys: lists.related_keys,
        kind_pages: lists.kind_pages,
        tag_pages: lists.tag_pages,
        titles: lists.titles,
        ..Graph::default()
    };
    let diags = graph.set_page_links(per_page);
    (graph, diags)
}

impl Graph {
    /// Puts each page's resolved links in the graph, in place of those it has, and
    /// returns the problems resolving found.
    pub fn set_page_links(&mut self, per_page: Vec<PageLinks>) -> Vec<Diagnostic> {
        self.refs.clear();
        self.body.clear();
        self.assets.clear();
        self.anchors.clear();
        self.prepared.clear();
        let mut diags = Vec::new();
        for links in per_page {
            self.refs.push(links.refs);
            self.body.push(links.body);
            self.assets.push(links.assets);
            self.anchors.push(links.anchors);
            self.prepared.push(Mutex::new(links.prepared));
            diags.extend(links.diags);
        }
        diags
    }

    /// Page `i`'s body as the link stage rendered it, if it did and nothing took it yet:
    /// taken, so that it is freed once used.
    pub fn take_prepared(&self, i: usize) -> Option<Prepared> {
        let slot = self.prepared.get(i)?;
        slot.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    /// The reading order of the site: each kind's pages in the kind's sort order, kinds
    /// in their declared order. Previous / next links follow it, and so does the
    /// printable guide.
    pub fn reading_order(&self) -> Vec<usize> {
        self.kind_pages.iter().flatten().copied().collect()
    }
}

/// One page's resolved references, body links and problems.
#[derive(Clone, Debug)]
pub struct PageLinks {
    /// For each reference field, the target pages.
    pub refs: Vec<Vec<usize>>,
    /// Relative `.md` link destinations (as written) and their targets.
    pub body: HashMap<String, usize>,
    /// Links to files under `content/` and the output file each one names.
    pub assets: HashMap<String, String>,
    /// Heading ids and links to headings.
    pub anchors: Anchors,
    /// The body rendered from the same parse as its links, when the texts are not packed.
    pub prepared: Option<Prepared>,
    /// Problems found.
    pub diags: Vec<Diagnostic>,
}

/// A site of one kind `k` for tests: pages by slug with their front matter lines, and
/// other files of `content/`.
#[cfg(test)]
pub(crate) fn test_site(pages: &[(&str, String)], assets: &[&str]) -> (Site, Vec<Diagnostic>) {
    let config = crate::config::parse(
        std::path::Path::new("."),
        "[site]\ntitle = \"T\"\n[[kinds]]\nid = \"k\"\ndir = \"k\"\nsingular = \"K\"\nplural = \"Ks\"\n",
    )
    .unwrap();
    let mut loaded = crate::load::Loaded::default();
    for (slug, front) in pages {
        let source = crate::load::parse_source(
            format!("content/k/{slug}.md").into(),
            format!("k/{slug}.md"),
            format!("+++\n{front}\n+++\nTexte.\n"),
        );
        loaded.sources.push(source.unwrap());
    }
    loaded.assets = assets.iter().map(|a| a.to_string()).collect();
    crate::model::validate(config, loaded, false)
}
