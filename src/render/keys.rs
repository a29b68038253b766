//! Fingerprints of what each output reads, so that an incremental rebuild (#4) renders
//! again only the outputs whose inputs changed.
//!
//! A key covers what the views of [`super::views`] take from the site for one output,
//! except what every output shares (configuration, theme, tag vocabulary, build options):
//! a change there means rendering everything, which the caller decides. Whoever makes a
//! view read something new must add it here; the property test of `tests/cli/serve.rs`
//! (random edits, incremental result compared with a clean build) is there to notice.

use std::hash::{DefaultHasher, Hash, Hasher};

use rayon::prelude::*;

use super::{HOME_PER_KIND, lists};
use crate::links::Graph;
use crate::model::Site;

/// The keys of every output that depends on pages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Keys {
    /// For each page, its own output (and its search entry and printable HTML).
    pub pages: Vec<u64>,
    /// For each kind, each page of its list.
    pub lists: Vec<Vec<u64>>,
    /// The tag index.
    pub tags_index: u64,
    /// For each tag, each page of its list.
    pub tags: Vec<Vec<u64>>,
    /// The home page.
    pub home: u64,
    /// The printable guide.
    pub print: u64,
    /// The map of the guide.
    pub map: u64,
    /// The search index.
    pub search_index: u64,
    /// The feed and the sitemap.
    pub feed: u64,
}

fn hash(value: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// What a link to each page shows (`PageLink`): its title, address, summary, kind, date
/// and draft badge. An incremental rebuild computes it again only for pages whose text
/// changed.
pub fn link_key(page: &crate::model::Page) -> u64 {
    hash((
        &page.id,
        &page.title,
        &page.summary,
        page.role,
        &page.date,
        page.draft,
    ))
}

/// A bijective scrambling of a 64-bit key (SplitMix64's finalizer), so that sums of keys
/// do not cancel out in simple ways.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Feeds the link keys of `list` to `h`, with its length.
fn links(h: &mut DefaultHasher, link: &[u64], list: &[usize]) {
    list.len().hash(h);
    for &j in list {
        link[j].hash(h);
    }
}

/// Computes every key. `content[i]` is a hash of page `i`'s source text and `link[i]`
/// its [`link_key`], which the caller keeps between builds (hashing every text again
/// would cost more than the rest). `reuse(i)` may give page `i`'s key when the caller
/// knows it cannot have changed.
pub fn keys(
    site: &Site,
    graph: &Graph,
    content: &[u64],
    link: &[u64],
    reuse: &(dyn Fn(usize) -> Option<u64> + Sync),
) -> Keys {
    let pages = &site.pages;
    // A page's body HTML: its text and the pages its links lead to. Which page (or file)
    // each link names follows from the text alone, so the text, the number of files and
    // the multiset of the target pages' link keys are enough (summed, as maps have no
    // order).
    let body = |i: usize| {
        let targets = graph.body[i]
            .values()
            .map(|&t| mix(link[t]))
            .fold(0u64, u64::wrapping_add);
        hash((content[i], link[i], targets, graph.assets[i].len()))
    };
    // With the map, each page draws its neighbourhood: its edges with their relations.
    let map_links = site
        .config
        .site
        .map
        .then(|| super::map::Links::new(site, graph));
    let page_keys: Vec<u64> = (0..pages.len())
        .into_par_iter()
        .map(|i| {
            if let Some(key) = reuse(i) {
                return key;
            }
            let mut h = DefaultHasher::new();
            (body(i), &pages[i].tags).hash(&mut h);
            for g in &graph.relations[i] {
                g.link.hash(&mut h);
                links(&mut h, link, &g.pages);
            }
            let (previous, next) = graph.neighbours[i];
            for j in [previous, next] {
                j.map(|j| link[j]).hash(&mut h);
            }
            links(&mut h, link, &graph.related[i]);
            map_links.as_ref().map(|m| m.key(i)).hash(&mut h);
            h.finish()
        })
        .collect();
    // A list page shows its entries and links to the list's other pages: with
    // pagination, a title edit changes the key of the one page that holds it.
    let list_keys = |list: &[usize], per: usize, roles: bool| -> Vec<u64> {
        let total = lists::page_count(list.len(), per);
        (0..total)
            .map(|n| {
                let mut h = DefaultHasher::new();
                (list.len(), total).hash(&mut h);
                let entries = lists::page_entries(list, per, n);
                links(&mut h, link, entries);
                if roles {
                    for &j in entries {
                        pages[j].role.hash(&mut h);
                    }
                }
                h.finish()
            })
            .collect()
    };
    let lists = graph
        .kind_pages
        .iter()
        .zip(&site.config.kinds)
        .map(|(l, kind)| list_keys(l, kind.paginate, false))
        .collect();
    let per = site.config.tags.paginate;
    let tags = graph
        .tag_pages
        .iter()
        .map(|l| list_keys(&lists::tag_entries(site, l), per, true))
        .collect();
    let tags_index = hash(graph.tag_pages.iter().map(Vec::len).collect::<Vec<_>>());
    let home = {
        let mut h = DefaultHasher::new();
        site.page_index("").map(body).hash(&mut h);
        for list in &graph.kind_pages {
            list.len().hash(&mut h);
            links(&mut h, link, &list[..list.len().min(HOME_PER_KIND)]);
        }
        h.finish()
    };
    // The booklet: every page's body, tags and references, in the booklet's order.
    let print = if site.config.site.print {
        let mut h = DefaultHasher::new();
        for part in super::print::order(site, graph) {
            (part.kind, part.pages.len()).hash(&mut h);
            for i in part.pages {
                (body(i), &pages[i].tags).hash(&mut h);
                for r in &graph.refs[i] {
                    links(&mut h, link, r);
                }
            }
        }
        h.finish()
    } else {
        0
    };
    // The map: every page's link and tags, and every edge with its relation.
    let map = match &map_links {
        Some(m) => {
            let mut h = DefaultHasher::new();
            for (i, page) in pages.iter().enumerate() {
                (link[i], &page.tags).hash(&mut h);
            }
            m.all_key().hash(&mut h);
            h.finish()
        }
        None => 0,
    };
    let search_index = {
        let mut h = DefaultHasher::new();
        for (i, page) in pages.iter().enumerate() {
            (content[i], link[i], &page.tags).hash(&mut h);
        }
        h.finish()
    };
    // The feed lists the newest pages, the sitemap all of them, with their dates; an
    // undated page's entry carries the day of the build.
    let feed = {
        let mut h = DefaultHasher::new();
        crate::date::today().hash(&mut h);
        for (i, page) in pages.iter().enumerate() {
            (link[i], &page.updated).hash(&mut h);
        }
        h.finish()
    };
    Keys {
        feed,
        pages: page_keys,
        lists,
        tags_index,
        tags,
        home,
        print,
        map,
        search_index,
    }
}
