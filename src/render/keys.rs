//! What each output depends on, declared by the code that reads it: an output's key is a
//! hash of the context its template receives ([`super::contexts`]), so that an
//! incremental rebuild (#4) renders again only the outputs whose context changed.
//!
//! There is no list of inputs to keep by hand: a field added to a view is hashed with it.
//! A page's body is hashed as the key of what produced it ([`super::pages::Body`]), not as
//! its HTML. What every output shares (configuration, theme, tag vocabulary, build
//! options) is not in any key: a change there renders everything, which the caller
//! decides. [`select`] compares two builds' keys.
//!
//! Building every view of a 10,000-page site on each keystroke would cost more than the
//! save-to-served budget, so a rebuild reuses the key of an output whose inputs it can
//! show unchanged ([`Reuse`]): the same pages in the same order, its own page's source
//! unchanged, the same rows of the link graph (the views take them as a value, such as
//! [`super::views::PageRows`], so their hash covers them), and no change to any page
//! whose link its views made ([`super::views::recording_reads`] records them while the
//! views are built). Nothing of this is a list kept by hand: what a view reads of other
//! pages is recorded, and what it reads of the graph is a value it takes.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHasher;

use super::lists::{Lists, page_counts};
use super::pages::Pages;
use super::views::{Linker, PageRows};
use super::{PageOut, home, map, print, url};
use crate::links::Graph;
use crate::model::Site;

/// A hash of `value` (FxHash: fast, and stable within one process, which is as long as
/// keys live).
pub fn key(value: impl Hash) -> u64 {
    let mut h = FxHasher::default();
    value.hash(&mut h);
    h.finish()
}

/// One value for each output of a build, family by family: what to render ([`Select`])
/// or what each output's context hashes to ([`Keys`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PerOutput<T> {
    /// For each page, its own output, its aliases, its search entry and its booklet copy.
    pub pages: Vec<T>,
    /// For each kind, each page of its list.
    pub lists: Vec<Vec<T>>,
    /// The tag index.
    pub tags_index: T,
    /// For each tag, each page of its list.
    pub tags: Vec<Vec<T>>,
    /// The home page.
    pub home: T,
    /// The search page and the 404 page.
    pub fixed: T,
    /// The printable guide.
    pub print: T,
    /// The map of the guide.
    pub map: T,
    /// The search index script.
    pub search_index: T,
    /// The feed and the sitemap.
    pub feed: T,
}

impl<T> PerOutput<T> {
    /// The same table with `f` of each value.
    pub fn map<U>(&self, f: impl Fn(&T) -> U + Copy) -> PerOutput<U> {
        let one = |v: &[T]| v.iter().map(f).collect();
        let each = |v: &[Vec<T>]| v.iter().map(|l| one(l)).collect();
        PerOutput {
            pages: one(&self.pages),
            lists: each(&self.lists),
            tags_index: f(&self.tags_index),
            tags: each(&self.tags),
            home: f(&self.home),
            fixed: f(&self.fixed),
            print: f(&self.print),
            map: f(&self.map),
            search_index: f(&self.search_index),
            feed: f(&self.feed),
        }
    }
}

/// The key of every output.
pub type Keys = PerOutput<u64>;

/// Whether to render each output.
pub type Select = PerOutput<bool>;

impl Select {
    /// Every output of `site`, whose links are `graph`.
    pub fn all(site: &Site, graph: &Graph) -> Self {
        let (lists, tags) = page_counts(site, graph);
        let all = |counts: Vec<usize>| counts.into_iter().map(|n| vec![true; n]).collect();
        Select {
            pages: vec![true; site.pages.len()],
            lists: all(lists),
            tags_index: true,
            tags: all(tags),
            home: true,
            fixed: true,
            print: true,
            map: true,
            search_index: true,
            feed: true,
        }
    }
}

/// The outputs of `new` whose key differs from `old`'s (or that `old` does not have).
/// `old.pages` must be in `new`'s page order.
pub fn select(old: &Keys, new: &Keys) -> Select {
    let one = |a: &[u64], b: &[u64]| -> Vec<bool> {
        (0..b.len()).map(|n| a.get(n) != Some(&b[n])).collect()
    };
    let each = |a: &[Vec<u64>], b: &[Vec<u64>]| -> Vec<Vec<bool>> {
        (0..b.len())
            .map(|i| one(a.get(i).map_or(&[], Vec::as_slice), &b[i]))
            .collect()
    };
    Select {
        pages: one(&old.pages, &new.pages),
        lists: each(&old.lists, &new.lists),
        tags_index: old.tags_index != new.tags_index,
        tags: each(&old.tags, &new.tags),
        home: old.home != new.home,
        fixed: old.fixed != new.fixed,
        print: old.print != new.print,
        map: old.map != new.map,
        search_index: old.search_index != new.search_index,
        feed: old.feed != new.feed,
    }
}

/// One output's key, with the pages its views read.
#[derive(Clone, Debug, Default)]
pub(super) struct Known<T> {
    key: T,
    /// The pages whose links its views made, shared by the records of the rebuilds that
    /// keep the key: not copied for each of 10,000 pages on every rebuild (#16).
    reads: Arc<[u32]>,
    /// A hash of the rows of the link graph its views take.
    rows: u64,
}

/// A page's keys: its outputs', its search entry's, and its body's and booklet copy's.
type PageKeys = (u64, u64, (u64, u64));

/// Each list's pages' keys, per kind or per tag.
pub(super) type ListKeys = Vec<Vec<Known<u64>>>;

/// The keys of the outputs that read pages, with the pages each read
/// ([`super::views::recording_reads`]), kept from one rebuild to the next.
#[derive(Debug, Default)]
pub struct Record {
    /// Per page: its page key, search key, and body keys.
    pages: Vec<Known<PageKeys>>,
    lists: ListKeys,
    tags: ListKeys,
}

/// What the previous rebuild knew, when it can still be trusted: the same pages in the
/// same order (the same ids, roles, files and drafts), so that an output's views can
/// only have changed through its own page, the pages whose links it made, or the rows
/// of the link graph it takes.
pub struct Reuse<'r> {
    /// The previous rebuild's record.
    pub record: &'r Record,
    /// For each page, whether its source changed since.
    pub changed: &'r [bool],
    /// Whether the graph's lists are the previous ones: the map's neighbourhoods, drawn
    /// from the whole graph, are trusted only then.
    pub stable: bool,
}

impl Reuse<'_> {
    /// `known`'s key, if its graph rows are still `rows` and none of the pages it read
    /// changed (nor `own`, its own page).
    fn get<T: Copy>(&self, known: &Known<T>, own: Option<usize>, rows: u64) -> Option<T> {
        let moved = |j: usize| self.changed.get(j).is_none_or(|&c| c);
        if known.rows != rows
            || own.is_some_and(moved)
            || known.reads.iter().any(|&j| moved(j as usize))
        {
            return None;
        }
        Some(known.key)
    }
}

/// `compute`'s key and reads, or the known ones if `reuse` trusts them; `rows` is a
/// hash of the graph rows the output's views take.
fn known<T: Copy>(
    reuse: Option<&Reuse<'_>>,
    known: impl FnOnce(&Record) -> Option<&Known<T>>,
    own: Option<usize>,
    rows: u64,
    compute: impl FnOnce() -> T,
) -> Known<T> {
    let kept = reuse.and_then(|r| {
        let k = known(r.record)?;
        r.get(k, own, rows).map(|key| Known {
            key,
            reads: k.reads.clone(),
            rows,
        })
    });
    kept.unwrap_or_else(|| {
        let (key, reads) = super::views::recording_reads(compute);
        Known {
            key,
            reads: reads.into(),
            rows,
        }
    })
}

/// The key of every output of `site`, from each page's last render `outs`, reusing what
/// `reuse` trusts; and the record to reuse next time.
pub(super) fn keys(
    pages: &Pages<'_>,
    outs: &[PageOut],
    reuse: Option<&Reuse<'_>>,
) -> (Keys, Record) {
    let (site, graph, options) = (pages.site, pages.graph, pages.options);
    // The map's neighbourhoods read the whole graph: with the map, pages keep their
    // keys only while the graph's lists do.
    let reuse_pages = reuse.filter(|r| r.stable || pages.map.is_none());
    let per_page: Vec<Known<PageKeys>> = (0..outs.len())
        .into_par_iter()
        .map(|i| {
            let rows = key(PageRows::of(graph, i));
            known(
                reuse_pages,
                |r| r.pages.get(i),
                Some(i),
                rows,
                || {
                    let body = pages.body_keys(i, &outs[i].body);
                    let (page, search) = pages.keys(i, &outs[i].body, body);
                    (page, search, body)
                },
            )
        })
        .collect();
    let bodies: Vec<(u64, u64)> = per_page.iter().map(|k| k.key.2).collect();
    let print = site.config.site.print;
    let lists = Lists::new(site, graph, options.offline, print, None);
    let (list_known, tag_known) = lists.keys(&|family, k, n, rows, compute| {
        known(
            reuse,
            |r| match family {
                Family::Kind => r.lists.get(k)?.get(n),
                Family::Tag => r.tags.get(k)?.get(n),
            },
            None,
            rows,
            compute,
        )
    });
    let from = |file| Linker {
        site,
        from: file,
        offline: options.offline,
        cards: None,
    };
    let home_file = url::page_file("");
    let home = site.page_index("").map_or(0, |i| bodies[i].0);
    let html = |key: u64| super::contexts::Html { html: "", key };
    let fixed = home::FIXED.map(|(t, file)| (t, home::fixed(site, &from(file))));
    let print_key = print.then(|| {
        key(print::context(site, graph, options.offline, &|i| {
            html(bodies[i].1)
        }))
    });
    let map_key = pages
        .map
        .map(|links| key(map::context(site, graph, &from(url::MAP_FILE), links)));
    let feeds = !options.offline && site.config.site.feeds();
    let feed = if feeds {
        key(super::feed::view(site))
    } else {
        0
    };
    let keys_of = |l: &[Vec<Known<u64>>]| -> Vec<Vec<u64>> {
        l.iter()
            .map(|v| v.iter().map(|k| k.key).collect())
            .collect()
    };
    let keys = Keys {
        pages: per_page.iter().map(|k| k.key.0).collect(),
        lists: keys_of(&list_known),
        tags_index: key(lists.index_context()),
        tags: keys_of(&tag_known),
        home: key(home::context(site, graph, &from(&home_file), html(home))),
        fixed: key(fixed),
        print: print_key.unwrap_or(0),
        map: map_key.unwrap_or(0),
        search_index: key(per_page.iter().map(|k| k.key.1).collect::<Vec<_>>()),
        feed,
    };
    let record = Record {
        pages: per_page,
        lists: list_known,
        tags: tag_known,
    };
    (keys, record)
}

/// The two families of lists.
#[derive(Clone, Copy)]
pub(super) enum Family {
    /// A kind's list.
    Kind,
    /// A tag's list.
    Tag,
}

/// Gives the key of page `n` of list `k` of a family, whose views take graph rows that
/// hash to the `u64`, computing it with the closure when it cannot be reused.
pub(super) type ListKey<'f> =
    dyn Fn(Family, usize, usize, u64, &dyn Fn() -> u64) -> Known<u64> + Sync + 'f;

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(pages: Vec<u64>, lists: Vec<Vec<u64>>, home: u64) -> Keys {
        Keys {
            pages,
            lists,
            home,
            ..Keys::default()
        }
    }

    #[test]
    fn select_renders_only_outputs_whose_key_moved() {
        let old = keys(vec![1, 2, 3], vec![vec![10, 11]], 7);
        let new = keys(vec![1, 5, 3], vec![vec![10, 12]], 7);
        let s = select(&old, &new);
        assert_eq!(s.pages, [false, true, false]);
        assert_eq!(s.lists, [vec![false, true]]);
        assert!(!s.home && !s.print && !s.feed && !s.search_index);
    }

    #[test]
    fn select_renders_outputs_the_old_keys_lack() {
        let old = keys(vec![1], vec![vec![10]], 7);
        let new = keys(vec![1, 2], vec![vec![10, 11], vec![20]], 8);
        let s = select(&old, &new);
        assert_eq!(s.pages, [false, true]);
        assert_eq!(s.lists, [vec![false, true], vec![true]]);
        assert!(s.home);
    }

    #[test]
    fn equal_keys_select_nothing() {
        let k = keys(vec![4, 5], vec![vec![1]], 3);
        let s = select(&k, &k);
        assert!(!s.pages.iter().any(|&p| p) && !s.lists[0][0] && !s.home);
    }
}
