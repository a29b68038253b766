//! Links: the site's cross-references resolved into a [`Graph`].
//!
//! Each page's front-matter references and relative `.md` links become page indexes in
//! `resolve` ([`resolve_page`]), each miss a positioned diagnostic. From the resolved
//! edges, [`derive()`] computes every page's backlinks, its typed relations
//! (`relations`), its related pages (`related`: shared tags, rarer tags weighing more,
//! pages already linked left out), its neighbours in reading order, and the sorted page
//! lists of each kind and tag. Links to headings are checked in `anchors`.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::config::SortOrder;
use crate::diag::Diagnostic;
use crate::model::{Page, Role, Site};
use crate::slug::fold;
pub use anchors::{Anchors, check_anchors};
pub use relations::{Group, Link};
pub use resolve::{join, leads_to_draft, resolve_page};

mod anchors;
mod related;
mod relations;
mod resolve;

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
    /// For each page, the pages that reference or link to it, sorted by title.
    pub backlinks: Vec<Vec<usize>>,
    /// For each page, its related pages grouped by relation (see [`relations`]).
    pub relations: Vec<Vec<Group>>,
    /// For each page of a kind, the pages before and after it in reading order (see
    /// [`Graph::reading_order`]).
    pub neighbours: Vec<(Option<usize>, Option<usize>)>,
    /// For each page, its related pages, best first.
    pub related: Vec<Vec<usize>>,
    /// For each page, a fingerprint of the inputs of its related list, so that an
    /// incremental rebuild (#4) ranks again only the pages whose inputs changed.
    pub related_keys: Vec<u64>,
    /// For each kind, its pages in the kind's order.
    pub kind_pages: Vec<Vec<usize>>,
    /// For each tag, its pages sorted by title.
    pub tag_pages: Vec<Vec<usize>>,
}

/// Resolves references and links, and derives backlinks, related pages and lists.
pub fn resolve(site: &Site) -> (Graph, Vec<Diagnostic>) {
    let per_page: Vec<PageLinks> = site
        .pages
        .par_iter()
        .map(|page| resolve_page(site, page))
        .collect();
    derive(site, per_page, &|_, _| None)
}

/// Asked by [`derive()`] for page `i` whose related-pages inputs have the fingerprint `key`:
/// the list a previous build computed from the same inputs, if it has one.
pub type Reuse<'a> = dyn Fn(usize, u64) -> Option<Vec<usize>> + Sync + 'a;

/// Derives backlinks, related pages and the kind and tag lists from each page's resolved
/// links (in page order). `reuse` lets an incremental rebuild (#4) skip ranking the
/// related pages of a page whose inputs did not change.
pub fn derive(
    site: &Site,
    per_page: Vec<PageLinks>,
    reuse: &Reuse<'_>,
) -> (Graph, Vec<Diagnostic>) {
    let mut graph = Graph::default();
    let mut diags = Vec::new();
    for links in per_page {
        graph.refs.push(links.refs);
        graph.body.push(links.body);
        graph.assets.push(links.assets);
        graph.anchors.push(links.anchors);
        diags.extend(links.diags);
    }
    // Every list below is sorted by folded title, then file order: rank the pages once,
    // so that each sort compares integers instead of strings (`serve` runs this on every
    // rebuild, #4).
    let rank: Vec<usize> = {
        let title_keys: Vec<String> = site.pages.par_iter().map(|p| fold(&p.title)).collect();
        let mut order: Vec<usize> = (0..site.pages.len()).collect();
        order.par_sort_unstable_by(|a, b| title_keys[*a].cmp(&title_keys[*b]).then(a.cmp(b)));
        let mut rank = vec![0; order.len()];
        for (r, &i) in order.iter().enumerate() {
            rank[i] = r;
        }
        rank
    };
    let by_title = |a: &usize, b: &usize| rank[*a].cmp(&rank[*b]);

    let n = site.pages.len();
    let mut backlinks = vec![Vec::new(); n];
    let mut cited = vec![Vec::new(); n];
    for (from, (refs, body)) in graph.refs.iter().zip(&graph.body).enumerate() {
        if site.pages[from].role == Role::Home {
            continue;
        }
        for &to in refs.iter().flatten().chain(body.values()) {
            if to != from {
                backlinks[to].push(from);
            }
        }
        for &to in body.values() {
            if to != from {
                cited[to].push(from);
            }
        }
    }
    for list in backlinks.iter_mut().chain(&mut cited) {
        list.sort_by(by_title);
        list.dedup();
    }
    graph.relations = relations::groups(site, &graph.refs, &cited, &rank);

    graph.tag_pages = vec![Vec::new(); site.tags.len()];
    for (i, page) in site.pages.iter().enumerate() {
        for &t in &page.tags {
            graph.tag_pages[t].push(i);
        }
    }
    for list in &mut graph.tag_pages {
        list.sort_by(by_title);
    }

    graph.kind_pages = vec![Vec::new(); site.config.kinds.len()];
    for (i, page) in site.pages.iter().enumerate() {
        if let Role::Kind(k) = page.role {
            graph.kind_pages[k].push(i);
        }
    }
    for (k, list) in graph.kind_pages.iter_mut().enumerate() {
        let pages = &site.pages;
        match site.config.kinds[k].sort {
            SortOrder::Title => list.sort_by(by_title),
            SortOrder::Order => list.sort_by(|a, b| {
                let key = |i: &usize| pages[*i].order.unwrap_or(i64::MAX);
                key(a).cmp(&key(b)).then_with(|| by_title(a, b))
            }),
            SortOrder::Date => list.sort_by(|a, b| {
                pages[*b]
                    .date
                    .cmp(&pages[*a].date)
                    .then_with(|| by_title(a, b))
            }),
        }
    }

    graph.neighbours = vec![(None, None); n];
    let order = graph.reading_order();
    for (at, &i) in order.iter().enumerate() {
        let previous = at.checked_sub(1).map(|p| order[p]);
        graph.neighbours[i] = (previous, order.get(at + 1).copied());
    }

    graph.related_keys = related::related_keys(site, &graph, &backlinks);
    graph.related = related::related(site, &graph, &backlinks, reuse);
    graph.backlinks = backlinks;
    (graph, diags)
}

impl Graph {
    /// The reading order of the site: each kind's pages in the kind's sort order, kinds
    /// in their declared order. Previous / next links follow it, and so does the
    /// printable guide.
    pub fn reading_order(&self) -> Vec<usize> {
        self.kind_pages.iter().flatten().copied().collect()
    }
}

/// A fingerprint of everything [`derive()`] reads of one page and its resolved links: its
/// role, tags, title, date, order and link targets. When no page's fingerprint moved
/// (and the configuration did not change), `derive` would return the same lists, so an
/// incremental rebuild (#4) keeps the previous ones. Whoever makes `derive` read more of
/// a page must add it here.
pub fn derive_key(page: &Page, links: &PageLinks) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    let mut body: Vec<usize> = links.body.values().copied().collect();
    body.sort_unstable();
    // The fields' names too: they give each reference its relation.
    let fields: Vec<&str> = page.refs.iter().map(|r| r.name.as_str()).collect();
    (
        page.role,
        &page.tags,
        &page.title,
        &page.date,
        page.order,
        &links.refs,
        fields,
        body,
    )
        .hash(&mut h);
    h.finish()
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
    /// Problems found.
    pub diags: Vec<Diagnostic>,
}
