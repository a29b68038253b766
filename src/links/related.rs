//! Related pages: for each page, the pages that share its tags, rarer tags weighing
//! more (inverse document frequency), pages it is already linked with left out, best
//! first.
//!
//! Ranking one page reads only its [`Ranking`], a struct of what it needs (its tags'
//! candidate windows, the pages it is linked with, how many it wants), and the key of
//! its list is a hash of that struct: an incremental rebuild (#4) ranks again only the
//! pages whose key moved, and whatever ranking comes to read is in the key with no
//! second edit.

use std::hash::{Hash, Hasher};

use rayon::prelude::*;

use super::lists::key;
use super::{DeriveInput, Reuse};
use crate::date::Date;
use crate::model::Role;

/// Tags more common than this are scanned only for their first pages when looking for
/// related candidates, so that ranking stays linear in the number of pages. Such tags
/// weigh little anyway: their inverse document frequency is low.
const CANDIDATES_PER_TAG: usize = 400;

/// One tag's part in ranking: its weight, and the pages scanned for it. Ranking reads
/// the dates that break ties from [`Ranked`]'s own list, for the few candidates good
/// enough to need them; a window's key covers its pages' dates (see [`Ranked::new`]).
struct Window {
    weight: Weight,
    pages: Vec<u32>,
}

/// A tag's inverse document frequency, hashed by its bits.
struct Weight(f64);

impl Hash for Weight {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.to_bits().hash(state);
    }
}

/// A value with its hash computed once. Hashing it hashes only that hash, so that the
/// many pages that share a tag's window hash it in constant time.
struct Hashed<T> {
    value: T,
    key: u64,
}

impl<T> Hash for Hashed<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}

/// Every page's date, of which ranking reads only its candidates' dates. It hashes to
/// nothing: those dates are in the keys of the windows that name the candidates.
struct Dates<'a>(&'a [Option<Date>]);

impl Hash for Dates<'_> {
    fn hash<H: Hasher>(&self, _: &mut H) {}
}

/// What ranking one page's related pages reads (see the module header).
#[derive(Hash)]
struct Ranking<'a> {
    /// The page itself, never its own related page.
    page: usize,
    /// Every page's date, read for candidates only, whose dates their windows' keys
    /// cover (so that hashing the windows hashes what is read of this list).
    dates: Dates<'a>,
    /// How many related pages it shows (none for the home page).
    wanted: usize,
    /// The windows of its tags.
    windows: TagWindows<'a>,
    /// The pages it is already linked with: its references, its body links (sorted) and
    /// its backlinks.
    refs: &'a [Vec<usize>],
    body: &'a [usize],
    backlinks: &'a [usize],
}

/// The windows of a page's tags, hashed as the list of those windows without making it
/// (ranking's key is computed for each of 10,000 pages on a rebuild, #16).
struct TagWindows<'a> {
    /// The page's tags.
    tags: &'a [usize],
    /// Every tag's window.
    all: &'a [Hashed<Window>],
}

impl<'a> TagWindows<'a> {
    /// The windows, in the order of the page's tags.
    fn iter(&self) -> impl Iterator<Item = &'a Hashed<Window>> + '_ {
        self.tags.iter().map(|&t| &self.all[t])
    }
}

impl Hash for TagWindows<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.tags.len());
        for window in self.iter() {
            window.hash(state);
        }
    }
}

/// What ranking reads for every page: each page's input, each tag's window, the
/// backlinks.
pub(super) struct Ranked<'a> {
    pages: &'a [DeriveInput<'a>],
    windows: Vec<Hashed<Window>>,
    dates: Vec<Option<Date>>,
    backlinks: &'a [Vec<usize>],
}

impl<'a> Ranked<'a> {
    /// Each tag's window, from `tag_pages`, each tag's pages in title order.
    pub(super) fn new(
        pages: &'a [DeriveInput<'a>],
        tag_pages: &[Vec<usize>],
        backlinks: &'a [Vec<usize>],
    ) -> Self {
        let tagged = pages.iter().filter(|p| !p.tags.is_empty()).count();
        let n = tagged.max(1) as f64;
        let windows = tag_pages
            .iter()
            .map(|list| {
                // Never below 0.01, since no tag has more pages than `n`: a score of 0
                // means "not a candidate" in `rank`.
                let weight = Weight((n / list.len().max(1) as f64).ln() + 0.01);
                let scanned = &list[..list.len().min(CANDIDATES_PER_TAG)];
                let dates: Vec<Option<Date>> = scanned.iter().map(|&j| pages[j].date).collect();
                let value = Window {
                    weight,
                    pages: scanned.iter().map(|&j| j as u32).collect(),
                };
                let key = key(&(&value.weight, &value.pages, dates));
                Hashed { value, key }
            })
            .collect();
        Ranked {
            pages,
            windows,
            dates: pages.iter().map(|p| p.date).collect(),
            backlinks,
        }
    }

    /// What ranking page `i` reads, when pages show `wanted` related pages.
    fn ranking(&self, i: usize, wanted: usize) -> Ranking<'_> {
        let page = &self.pages[i];
        Ranking {
            page: i,
            dates: Dates(&self.dates),
            wanted: if page.role == Role::Home { 0 } else { wanted },
            windows: TagWindows {
                tags: page.tags,
                all: &self.windows,
            },
            refs: page.refs,
            body: &page.body,
            backlinks: &self.backlinks[i],
        }
    }

    /// Each page's key: the hash of its [`Ranking`].
    pub(super) fn keys(&self, wanted: usize) -> Vec<u64> {
        (0..self.pages.len())
            .into_par_iter()
            .map(|i| key(&self.ranking(i, wanted)))
            .collect()
    }

    /// For each page, its related pages, best first; `reuse` is asked first with the
    /// page's key (see [`Ranked::keys`]).
    pub(super) fn related(
        &self,
        wanted: usize,
        keys: &[u64],
        reuse: &Reuse<'_>,
    ) -> Vec<Vec<usize>> {
        self.rank_each((0..self.pages.len()).into_par_iter(), wanted, |i| {
            // The same key, the same list: the previous build's, if it has one.
            reuse(i, keys[i])
        })
    }

    /// `lists`, each page's related pages as a previous build ranked them under the keys
    /// `kept`, brought up to date: ranked again where the page's key (`keys`, see
    /// [`Ranked::keys`]) moved, kept as they are elsewhere.
    pub(super) fn update(
        &self,
        wanted: usize,
        keys: &[u64],
        kept: &[u64],
        lists: &mut [Vec<usize>],
    ) {
        let stale: Vec<usize> = (0..self.pages.len())
            .filter(|&i| kept.get(i) != Some(&keys[i]))
            .collect();
        let ranked = self.rank_each(stale.par_iter().copied(), wanted, |_| None);
        for (i, list) in stale.into_iter().zip(ranked) {
            lists[i] = list;
        }
    }

    /// The related pages of each of `pages`, in their order: `known(i)`'s list where it
    /// has one, else ranked.
    fn rank_each(
        &self,
        pages: impl IndexedParallelIterator<Item = usize>,
        wanted: usize,
        known: impl Fn(usize) -> Option<Vec<usize>> + Sync + Send,
    ) -> Vec<Vec<usize>> {
        // Scores live in one dense array per worker, reset after each page through the
        // list of the entries it touched: no map, no allocation per page, and no sort of
        // every candidate (the profile of 10,000 pages showed that sort as 70% of
        // `check`).
        pages
            .map_init(
                || (vec![0.0_f64; self.pages.len()], Vec::new()),
                |(scores, touched), i| {
                    known(i).unwrap_or_else(|| rank(&self.ranking(i, wanted), scores, touched))
                },
            )
            .collect()
    }
}

/// A candidate: its page, score and date.
type Candidate = (usize, f64, Option<Date>);

/// The related pages of one page, best first, from what it reads alone. `scores` is all
/// zeros, and left so; `touched` is empty, and left so.
fn rank(r: &Ranking<'_>, scores: &mut [f64], touched: &mut Vec<u32>) -> Vec<usize> {
    if r.wanted == 0 {
        return Vec::new();
    }
    for window in r.windows.iter() {
        let weight = window.value.weight.0;
        for &j in &window.value.pages {
            let score = &mut scores[j as usize];
            if *score == 0.0 {
                touched.push(j);
            }
            *score += weight;
        }
    }
    // Best first: higher score, then newer, then file order. A total order, so keeping
    // the `wanted` best candidates gives what sorting all of them would.
    let better = |a: Candidate, b: Candidate| {
        b.1.total_cmp(&a.1)
            .then_with(|| b.2.cmp(&a.2))
            .then(a.0.cmp(&b.0))
    };
    let linked = |j: usize| {
        j == r.page
            || r.refs.iter().flatten().any(|&t| t == j)
            || r.body.binary_search(&j).is_ok()
            || r.backlinks.contains(&j)
    };
    let wanted = r.wanted;
    let mut best: Vec<Candidate> = Vec::with_capacity(wanted + 1);
    for j in touched.drain(..) {
        let j = j as usize;
        let score = std::mem::take(&mut scores[j]);
        // Most candidates score below the last of a full list: no need for their date.
        if best.len() == wanted && score < best[wanted - 1].1 {
            continue;
        }
        let candidate = (j, score, r.dates.0[j]);
        if best.len() == wanted && better(candidate, best[wanted - 1]) != std::cmp::Ordering::Less {
            continue;
        }
        if linked(j) {
            continue;
        }
        let at = best.partition_point(|&b| better(b, candidate).is_lt());
        best.insert(at, candidate);
        best.truncate(wanted);
    }
    best.into_iter().map(|(j, _, _)| j).collect()
}

#[cfg(test)]
mod tests {
    use crate::links::{Graph, resolve};
    use crate::load::{Loaded, RawTag, TagsSource, parse_source};
    use crate::model::Site;

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

    /// `rank` against the definition it shortcuts: every candidate scored, the linked
    /// ones left out, sorted by score, then date (newer first), then file order, cut to
    /// `wanted`. Many equal weights and few dates, so that ties fill the lists.
    #[test]
    fn rank_keeps_the_best_candidates_of_a_full_sort() {
        use super::{Dates, Hashed, Ranking, TagWindows, Weight, Window, rank};
        use crate::date::Date;
        let n = 300;
        let mut seed = 7_u64;
        let mut next = |m: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        let dates: Vec<Option<Date>> = (0..n)
            .map(|_| Date::parse(&format!("20{:02}", 10 + next(3))).filter(|_| next(4) > 0))
            .collect();
        let windows: Vec<Hashed<Window>> = (0..6)
            .map(|t| {
                let mut pages: Vec<u32> = (0..40 + t * 20).map(|_| next(n as u64) as u32).collect();
                pages.sort_unstable();
                pages.dedup();
                let weight = Weight([0.5, 1.0][(t % 2) as usize]);
                // Ranking never reads a window's key.
                Hashed {
                    value: Window { weight, pages },
                    key: 0,
                }
            })
            .collect();
        let mut body: Vec<usize> = (0..30).map(|_| next(n as u64) as usize).collect();
        body.sort_unstable();
        body.dedup();
        let refs = vec![vec![3, 5, 8]];
        let backlinks = vec![13, 21];
        for (page, tags) in [
            (0, vec![0, 1, 2]),
            (1, vec![1, 3, 5]),
            (2, vec![0, 1, 2, 3, 4, 5]),
        ] {
            let r = Ranking {
                page,
                dates: Dates(&dates),
                wanted: 7,
                windows: TagWindows {
                    tags: &tags,
                    all: &windows,
                },
                refs: &refs,
                body: &body,
                backlinks: &backlinks,
            };
            let mut scores = vec![0.0; n];
            let mut touched = Vec::new();
            let got = rank(&r, &mut scores, &mut touched);
            assert!(scores.iter().all(|&s| s == 0.0) && touched.is_empty());
            let mut all: Vec<(usize, f64)> = (0..n)
                .map(|j| {
                    let score: f64 = tags
                        .iter()
                        .map(|&t| &windows[t].value)
                        .filter(|w| w.pages.contains(&(j as u32)))
                        .map(|w| w.weight.0)
                        .sum();
                    (j, score)
                })
                .filter(|&(j, score)| {
                    score > 0.0
                        && j != page
                        && !refs[0].contains(&j)
                        && !body.contains(&j)
                        && !backlinks.contains(&j)
                })
                .collect();
            all.sort_by(|a, b| {
                b.1.total_cmp(&a.1)
                    .then(dates[b.0].cmp(&dates[a.0]))
                    .then(a.0.cmp(&b.0))
            });
            let expected: Vec<usize> = all.iter().take(7).map(|&(j, _)| j).collect();
            assert_eq!(got, expected, "page {page}");
        }
    }
}
