//! The site-wide lists derived from every page's resolved links: backlinks, typed
//! relations (`relations`), related pages (`related`), neighbours in reading order, and
//! the sorted pages of each kind and of each tag.
//!
//! Deriving reads a page only through its [`DeriveInput`], one small struct built from
//! the page and its resolved links: [`lists`] and its helpers take a slice of those,
//! never the `Site` or a `Page`, so they cannot read anything of a page that is not a
//! field of it. An incremental rebuild (#4) keeps the previous lists while every page's
//! [`DeriveInput::key`], a hash of that struct, stays the same: a field added for a new
//! list is in the key with no second edit. Of the site as a whole, deriving reads the
//! configuration (the kinds and their sort orders, the relations, how many related pages)
//! and how many tags there are; a change to `archipel.toml` or `tags.toml` makes a
//! rebuild start from scratch, with no previous lists to keep.

use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use rustc_hash::FxHasher;

use super::{PageLinks, Reuse, related, relations};
use crate::config::{Config, SortOrder};
use crate::date::Date;
use crate::model::{Page, Role};
use crate::slug::fold;

/// What deriving reads of one page (see the module header).
#[derive(Debug, Hash)]
pub struct DeriveInput<'a> {
    /// Where it sits: the home page links to no one's backlinks, a page of a kind is in
    /// its kind's list.
    pub(super) role: Role,
    /// Its title, which orders lists, backlinks and relations.
    pub(super) title: &'a str,
    /// Its date, which orders lists sorted by date and breaks ties among related pages.
    pub(super) date: Option<Date>,
    /// Its place in lists sorted by order.
    pub(super) order: Option<i64>,
    /// Its tags (indexes into the vocabulary).
    pub(super) tags: &'a [usize],
    /// The names of its reference fields, which give each reference its relation.
    pub(super) fields: Vec<&'a str>,
    /// For each reference field, the target pages.
    pub(super) refs: &'a [Vec<usize>],
    /// The pages its body links to, sorted, each once.
    pub(super) body: Vec<usize>,
}

impl<'a> DeriveInput<'a> {
    /// What deriving reads of `page`, whose resolved links are `links`.
    pub fn of(page: &'a Page, links: &'a PageLinks) -> Self {
        let mut body: Vec<usize> = links.body.values().copied().collect();
        body.sort_unstable();
        body.dedup();
        DeriveInput {
            role: page.role,
            title: &page.title,
            date: page.date,
            order: page.order,
            tags: &page.tags,
            fields: page.refs.iter().map(|r| r.name.as_str()).collect(),
            refs: &links.refs,
            body,
        }
    }

    /// A hash of everything deriving reads of the page: while no page's key moves, the
    /// lists are the same.
    pub fn key(&self) -> u64 {
        key(self)
    }
}

/// A hash of `value` (FxHash: fast, and stable within one process, as long as a cache
/// lives).
pub(super) fn key(value: &impl Hash) -> u64 {
    let mut h = FxHasher::default();
    value.hash(&mut h);
    h.finish()
}

/// The site-wide lists, in page order.
pub(super) struct Lists {
    pub(super) backlinks: Vec<Vec<usize>>,
    pub(super) relations: Vec<Vec<relations::Group>>,
    pub(super) neighbours: Vec<(Option<usize>, Option<usize>)>,
    pub(super) related: Vec<Vec<usize>>,
    pub(super) related_keys: Vec<u64>,
    pub(super) kind_pages: Vec<Vec<usize>>,
    pub(super) tag_pages: Vec<Vec<usize>>,
}

/// Derives the lists of a site of `tags` tags from each page's input. `reuse` lets an
/// incremental rebuild (#4) skip ranking the related pages of a page whose inputs did
/// not change.
pub(super) fn lists(
    config: &Config,
    tags: usize,
    pages: &[DeriveInput<'_>],
    reuse: &Reuse<'_>,
) -> Lists {
    // Every list below is sorted by folded title, then file order: rank the pages once,
    // so that each sort compares integers instead of strings (`serve` runs this on every
    // rebuild that moves a list, #4).
    let rank = title_ranks(pages);
    let by_title = |a: &usize, b: &usize| rank[*a].cmp(&rank[*b]);
    let (backlinks, cited) = backlinks(pages, &by_title);
    let relations = relations::groups(config, pages, &cited, &rank);

    let mut tag_pages = vec![Vec::new(); tags];
    for (i, page) in pages.iter().enumerate() {
        for &t in page.tags {
            tag_pages[t].push(i);
        }
    }
    for list in &mut tag_pages {
        list.sort_by(by_title);
    }
    let kind_pages = kind_pages(config, pages, &by_title);

    let mut neighbours = vec![(None, None); pages.len()];
    let order: Vec<usize> = kind_pages.iter().flatten().copied().collect();
    for (at, &i) in order.iter().enumerate() {
        let previous = at.checked_sub(1).map(|p| order[p]);
        neighbours[i] = (previous, order.get(at + 1).copied());
    }

    let ranked = related::Ranked::new(pages, &tag_pages, &backlinks);
    let related_keys = ranked.keys(config.site.related);
    let related = ranked.related(config.site.related, &related_keys, reuse);
    Lists {
        backlinks,
        relations,
        neighbours,
        related,
        related_keys,
        kind_pages,
        tag_pages,
    }
}

/// Each page's place in the order of folded titles, then file order.
fn title_ranks(pages: &[DeriveInput<'_>]) -> Vec<usize> {
    let title_keys: Vec<String> = pages.par_iter().map(|p| fold(p.title)).collect();
    let mut order: Vec<usize> = (0..pages.len()).collect();
    order.par_sort_unstable_by(|a, b| title_keys[*a].cmp(&title_keys[*b]).then(a.cmp(b)));
    let mut rank = vec![0; order.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r;
    }
    rank
}

/// For each page, the pages that reference it or link to it, and those whose body links
/// to it, each sorted by `by_title`. The home page gives no backlinks.
fn backlinks(
    pages: &[DeriveInput<'_>],
    by_title: &impl Fn(&usize, &usize) -> std::cmp::Ordering,
) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let mut backlinks = vec![Vec::new(); pages.len()];
    let mut cited = vec![Vec::new(); pages.len()];
    for (from, page) in pages.iter().enumerate() {
        if page.role == Role::Home {
            continue;
        }
        for &to in page.refs.iter().flatten().chain(&page.body) {
            if to != from {
                backlinks[to].push(from);
            }
        }
        for &to in &page.body {
            if to != from {
                cited[to].push(from);
            }
        }
    }
    for list in backlinks.iter_mut().chain(&mut cited) {
        list.sort_by(by_title);
        list.dedup();
    }
    (backlinks, cited)
}

/// For each kind, its pages in the kind's order (ties by `by_title`).
fn kind_pages(
    config: &Config,
    pages: &[DeriveInput<'_>],
    by_title: &impl Fn(&usize, &usize) -> std::cmp::Ordering,
) -> Vec<Vec<usize>> {
    let mut kind_pages = vec![Vec::new(); config.kinds.len()];
    for (i, page) in pages.iter().enumerate() {
        if let Role::Kind(k) = page.role {
            kind_pages[k].push(i);
        }
    }
    for (k, list) in kind_pages.iter_mut().enumerate() {
        match config.kinds[k].sort {
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
    kind_pages
}
