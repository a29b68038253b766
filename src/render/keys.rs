//! What each output depends on, declared by the code that reads it: an output's key is a
//! hash of the context its template receives ([`super::contexts`]), so that an
//! incremental rebuild (#4) renders again only the outputs whose context changed.
//!
//! There is no list of inputs to keep by hand: a field added to a view is hashed with it.
//! A page's body is hashed as the key of what produced it ([`super::pages::Body`]), not as
//! its HTML. What every output shares (configuration, theme, tag vocabulary, build
//! options) is not in any key: a change there renders everything, which the caller
//! decides. [`select`] compares two builds' keys.

use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use rustc_hash::FxHasher;

use super::lists::{Lists, page_counts};
use super::pages::Pages;
use super::views::Linker;
use super::{PageOut, home, map, print, url};
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
    /// Every output of `site`.
    pub fn all(site: &Site) -> Self {
        let (lists, tags) = page_counts(site);
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

/// The key of every output of `site`, from each page's last render `outs`.
pub(super) fn keys(pages: &Pages<'_>, outs: &[PageOut]) -> Keys {
    let (site, graph, options) = (pages.site, pages.graph, pages.options);
    let bodies: Vec<(u64, u64)> = (0..outs.len())
        .into_par_iter()
        .map(|i| pages.body_keys(i, &outs[i].body))
        .collect();
    let (page_keys, search): (Vec<u64>, Vec<u64>) = (0..outs.len())
        .into_par_iter()
        .map(|i| pages.keys(i, &outs[i].body, bodies[i]))
        .unzip();
    let print = site.config.site.print;
    let lists = Lists {
        site,
        graph,
        offline: options.offline,
        print,
    };
    let (list_keys, tag_keys) = lists.keys();
    let from = |file| Linker {
        site,
        from: file,
        offline: options.offline,
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
    Keys {
        pages: page_keys,
        lists: list_keys,
        tags_index: key(lists.index_context()),
        tags: tag_keys,
        home: key(home::context(site, graph, &from(&home_file), html(home))),
        fixed: key(fixed),
        print: print_key.unwrap_or(0),
        map: map_key.unwrap_or(0),
        search_index: key(search),
        feed,
    }
}

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
