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

use super::HOME_PER_KIND;
use crate::links::Graph;
use crate::model::{Role, Site};

/// The keys of every output that depends on pages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Keys {
    /// For each page, its own output (and its search entry and printable HTML).
    pub pages: Vec<u64>,
    /// For each kind, its list page.
    pub lists: Vec<u64>,
    /// The tag index.
    pub tags_index: u64,
    /// For each tag, its page.
    pub tags: Vec<u64>,
    /// The home page.
    pub home: u64,
    /// The printable guide.
    pub print: u64,
    /// The search index.
    pub search_index: u64,
}

fn hash(value: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// Computes every key. `content[i]` is a hash of page `i`'s source text, which the caller
/// keeps from reading the file (hashing every text again would cost more than the rest).
pub fn keys(site: &Site, graph: &Graph, content: &[u64]) -> Keys {
    let pages = &site.pages;
    // What a link to a page shows (`PageLink`): title, address, summary, kind, date.
    let link: Vec<u64> = pages
        .par_iter()
        .map(|p| hash((&p.id, &p.title, &p.summary, p.role, &p.date)))
        .collect();
    let links = |list: &[usize]| -> Vec<u64> { list.iter().map(|&j| link[j]).collect() };
    // A page's body HTML: its text and the pages and files its links lead to.
    let body = |i: usize| {
        let mut targets: Vec<(&String, u64)> = graph.body[i]
            .iter()
            .map(|(dest, &t)| (dest, link[t]))
            .collect();
        targets.sort_unstable();
        let mut assets: Vec<(&String, &String)> = graph.assets[i].iter().collect();
        assets.sort_unstable();
        hash((content[i], link[i], targets, assets))
    };
    let page_keys: Vec<u64> = (0..pages.len())
        .into_par_iter()
        .map(|i| {
            let p = &pages[i];
            let refs: Vec<Vec<u64>> = graph.refs[i].iter().map(|r| links(r)).collect();
            hash((
                body(i),
                &p.tags,
                refs,
                links(&graph.backlinks[i]),
                links(&graph.related[i]),
            ))
        })
        .collect();
    let lists = graph
        .kind_pages
        .iter()
        .map(|list| hash(links(list)))
        .collect();
    let tags = graph
        .tag_pages
        .iter()
        .map(|list| {
            let roles: Vec<Role> = list.iter().map(|&j| pages[j].role).collect();
            hash((links(list), roles))
        })
        .collect();
    let tags_index = hash(graph.tag_pages.iter().map(Vec::len).collect::<Vec<_>>());
    let home = {
        let own = site.page_index("").map(body);
        let kinds: Vec<(usize, Vec<u64>)> = graph
            .kind_pages
            .iter()
            .map(|list| (list.len(), links(&list[..list.len().min(HOME_PER_KIND)])))
            .collect();
        hash((own, kinds))
    };
    let print = hash(
        graph
            .kind_pages
            .iter()
            .map(|list| {
                list.iter()
                    .map(|&i| (body(i), &pages[i].tags))
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>(),
    );
    let search_index = hash(
        (0..pages.len())
            .map(|i| (content[i], link[i], &pages[i].tags))
            .collect::<Vec<_>>(),
    );
    Keys {
        pages: page_keys,
        lists,
        tags_index,
        tags,
        home,
        print,
        search_index,
    }
}

/// Every file a full render of `site` writes, in no particular order: what an
/// incremental rebuild keeps when it renders only some of them.
pub fn files(site: &Site, theme: &super::Theme, options: super::Options) -> Vec<String> {
    use super::url;
    let mut files: Vec<String> = site
        .pages
        .iter()
        .filter(|p| p.role != Role::Home)
        .map(|p| url::page_file(&p.id))
        .collect();
    files.extend(site.config.kinds.iter().map(|k| url::kind_file(&k.dir)));
    files.push(url::TAGS_FILE.into());
    files.extend(site.tags.iter().map(|t| url::tag_file(&t.id)));
    files.push(url::page_file(""));
    files.push(url::SEARCH_FILE.into());
    files.push(url::NOT_FOUND_FILE.into());
    if site.config.site.print {
        files.push(url::PRINT_FILE.into());
    }
    files.push(url::SEARCH_INDEX_FILE.into());
    if !options.offline {
        files.push(url::FEED_FILE.into());
        if !site.config.site.base_url.is_empty() {
            files.push(url::SITEMAP_FILE.into());
        }
    }
    files.extend(site.assets.iter().cloned());
    files.extend(theme.statics.keys().cloned());
    files
}
