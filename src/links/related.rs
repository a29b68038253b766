//! Related pages: for each page, the pages that share its tags, rarer tags weighing
//! more (inverse document frequency), pages it is already linked with left out, best
//! first; and the fingerprint of each page's ranking inputs, so that an incremental
//! rebuild (#4) ranks again only the pages whose inputs changed.

use rayon::prelude::*;

use super::{Graph, Reuse};
use crate::model::{Role, Site};

/// Tags more common than this are scanned only for their first pages when looking for
/// related candidates, so that ranking stays linear in the number of pages. Such tags
/// weigh little anyway: their inverse document frequency is low.
const CANDIDATES_PER_TAG: usize = 400;

/// The inverse document frequency of each tag.
fn idf(site: &Site, graph: &Graph) -> Vec<f64> {
    let n = site
        .pages
        .iter()
        .filter(|p| !p.tags.is_empty())
        .count()
        .max(1) as f64;
    // Never below 0.01, since no tag has more pages than `n`: a score of 0 means "not a
    // candidate" in `related`.
    graph
        .tag_pages
        .iter()
        .map(|pages| (n / pages.len().max(1) as f64).ln() + 0.01)
        .collect()
}

/// For each page, a fingerprint of everything [`related`] reads to rank its related
/// pages: its role and tags, each tag's weight and candidate window (with the dates that
/// break ties), the pages it is already linked with, and how many it wants.
pub(super) fn related_keys(site: &Site, graph: &Graph, backlinks: &[Vec<usize>]) -> Vec<u64> {
    use std::hash::{Hash, Hasher};
    let pages = &site.pages;
    let tag_keys: Vec<u64> = graph
        .tag_pages
        .iter()
        .zip(idf(site, graph))
        .map(|(list, weight)| {
            let mut h = std::hash::DefaultHasher::new();
            weight.to_bits().hash(&mut h);
            for &j in list.iter().take(CANDIDATES_PER_TAG) {
                (j, &pages[j].date).hash(&mut h);
            }
            h.finish()
        })
        .collect();
    (0..pages.len())
        .into_par_iter()
        .map(|i| {
            let mut h = std::hash::DefaultHasher::new();
            (site.config.site.related, pages[i].role == Role::Home).hash(&mut h);
            for &t in &pages[i].tags {
                (t, tag_keys[t]).hash(&mut h);
            }
            graph.refs[i].hash(&mut h);
            let mut body: Vec<usize> = graph.body[i].values().copied().collect();
            body.sort_unstable();
            body.hash(&mut h);
            backlinks[i].hash(&mut h);
            h.finish()
        })
        .collect()
}

/// For each page, its related pages, best first (see the module header).
pub(super) fn related(
    site: &Site,
    graph: &Graph,
    backlinks: &[Vec<usize>],
    reuse: &Reuse<'_>,
) -> Vec<Vec<usize>> {
    let idf = idf(site, graph);
    let wanted = site.config.site.related;
    let pages = &site.pages;
    // Best first: higher score, then newer, then file order. A total order, so keeping the
    // `wanted` best candidates gives what sorting all of them would.
    let better = |a: (usize, f64), b: (usize, f64)| {
        b.1.total_cmp(&a.1)
            .then_with(|| pages[b.0].date.cmp(&pages[a.0].date))
            .then(a.0.cmp(&b.0))
    };
    // Scores live in one dense array per worker, reset after each page through the list
    // of the entries it touched: no map, no allocation per page, and no sort of every
    // candidate (the profile of 10,000 pages showed that sort as 70% of `check`).
    (0..pages.len())
        .into_par_iter()
        .map_init(
            || (vec![0.0_f64; pages.len()], Vec::new()),
            |(scores, touched), i| {
                let page = &pages[i];
                if page.role == Role::Home || wanted == 0 {
                    return Vec::new();
                }
                if let Some(list) = reuse(i, graph.related_keys[i]) {
                    return list;
                }
                for &t in &page.tags {
                    for &j in graph.tag_pages[t].iter().take(CANDIDATES_PER_TAG) {
                        if scores[j] == 0.0 {
                            touched.push(j);
                        }
                        scores[j] += idf[t];
                    }
                }
                let linked = |j: usize| {
                    j == i
                        || graph.refs[i].iter().flatten().any(|&t| t == j)
                        || graph.body[i].values().any(|&t| t == j)
                        || backlinks[i].contains(&j)
                };
                let mut best: Vec<(usize, f64)> = Vec::with_capacity(wanted + 1);
                for j in touched.drain(..) {
                    let candidate = (j, std::mem::take(&mut scores[j]));
                    if best.len() == wanted
                        && better(candidate, best[wanted - 1]) != std::cmp::Ordering::Less
                    {
                        continue;
                    }
                    if linked(j) {
                        continue;
                    }
                    let at = best.partition_point(|&b| better(b, candidate).is_lt());
                    best.insert(at, candidate);
                    best.truncate(wanted);
                }
                best.into_iter().map(|(j, _)| j).collect()
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::links::resolve;
    use crate::load::{Loaded, RawTag, TagsSource, parse_source};

    /// A site of one kind whose pages have the given tags and link to the given pages.
    fn site(pages: &[(&str, &[&str], &[&str])]) -> Site {
        let config = crate::config::parse(
            std::path::Path::new("."),
            "[site]\ntitle = \"T\"\n[[kinds]]\nid = \"k\"\ndir = \"k\"\nsingular = \"K\"\nplural = \"Ks\"\n",
        )
        .unwrap();
        let tags = ["commun", "moyen", "rare"]
            .map(|t| toml::from_str::<RawTag>(&format!("id = \"{t}\"\nlabel = \"{t}\"")).unwrap());
        let mut loaded = Loaded {
            tags: TagsSource {
                tags: tags.to_vec(),
                ..TagsSource::default()
            },
            ..Loaded::default()
        };
        for (slug, tags, links) in pages {
            let tags: Vec<String> = tags.iter().map(|t| format!("\"{t}\"")).collect();
            let body: String = links.iter().map(|l| format!("[x]({l}.md) ")).collect();
            let text = format!(
                "+++\ntitle = \"{slug}\"\ntags = [{}]\n+++\n{body}\n",
                tags.join(", ")
            );
            loaded.sources.push(
                parse_source(
                    format!("content/k/{slug}.md").into(),
                    format!("k/{slug}.md"),
                    text,
                )
                .unwrap(),
            );
        }
        let (site, diags) = crate::model::validate(config, loaded, false);
        assert!(diags.is_empty(), "{diags:?}");
        site
    }

    fn related_ids(site: &Site, graph: &Graph, slug: &str) -> Vec<String> {
        let i = site.page_index(&format!("k/{slug}")).unwrap();
        graph.related[i]
            .iter()
            .map(|&j| site.pages[j].slug.clone())
            .collect()
    }

    #[test]
    fn rarer_shared_tags_rank_higher_and_linked_pages_are_left_out() {
        let site = site(&[
            ("a", &["commun", "rare"], &[]),
            ("b", &["commun"], &[]),
            ("c", &["commun", "rare"], &[]),
            ("d", &["commun", "moyen"], &[]),
            ("e", &["moyen"], &["a"]),
            ("f", &["commun"], &[]),
        ]);
        let (graph, diags) = resolve(&site);
        assert!(diags.is_empty());
        // `c` shares the rare tag with `a`; the others only the common one.
        assert_eq!(related_ids(&site, &graph, "a")[0], "c");
        // `e` links to `a`, so `a` never lists `e`, and `e` never lists `a`.
        assert!(!related_ids(&site, &graph, "a").contains(&"e".to_string()));
        assert!(!related_ids(&site, &graph, "e").contains(&"a".to_string()));
        // `d` shares `moyen` with `e`, rarer than `commun`.
        assert_eq!(related_ids(&site, &graph, "d")[0], "e");
        assert_eq!(
            graph.backlinks[site.page_index("k/a").unwrap()],
            [site.page_index("k/e").unwrap()]
        );
    }
}
