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
#[derive(Clone, Debug, Hash)]
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

    /// A hash of everything deriving reads of the page but its title: while no page's
    /// moves, every list holds the same pages in the same groups, and only the order of
    /// the lists that hold a retitled page can change ([`retitled`]).
    pub fn untitled_key(&self) -> u64 {
        key(&DeriveInput {
            title: "",
            ..self.clone()
        })
    }
}

/// A hash of `value` (FxHash: fast, and stable within one process, as long as a cache
/// lives).
pub(super) fn key(value: &impl Hash) -> u64 {
    let mut h = FxHasher::default();
    value.hash(&mut h);
    h.finish()
}

/// The pages in the order of their folded titles, then file order, with each page's
/// folded title: what every list sorted by title follows. An incremental rebuild (#16)
/// keeps it, folds again only the titles of pages whose [`DeriveInput::key`] moved and
/// puts those pages back in place, instead of folding and sorting 10,000 titles after a
/// title edit.
#[derive(Clone, Debug, Default)]
pub struct TitleOrder {
    /// Each page's folded title, in page order.
    folded: Vec<String>,
    /// Page indexes, sorted by (folded title, index).
    order: Vec<usize>,
}

/// The previous build's [`TitleOrder`] over the same pages in the same order, and which
/// pages' [`DeriveInput::key`] moved since.
pub struct Before {
    /// The previous build's title order.
    pub titles: TitleOrder,
    /// For each page, whether its derive key moved since that build.
    pub moved: Vec<bool>,
}

/// Past this share of moved pages, folding and sorting every title is as cheap.
const REPLACE_AT_MOST: usize = 64;

impl TitleOrder {
    /// The title order of `pages`, from `before` where it still holds.
    pub(super) fn of(pages: &[DeriveInput<'_>], before: Option<Before>) -> Self {
        let n = pages.len();
        let before = before.filter(|b| b.titles.folded.len() == n && b.moved.len() == n);
        let moved: Vec<usize> = before
            .as_ref()
            .map(|b| (0..n).filter(|&i| b.moved[i]).collect())
            .unwrap_or_default();
        match before {
            Some(b) if moved.len() <= n / REPLACE_AT_MOST => b.titles.replace(pages, &moved),
            _ => {
                let folded: Vec<String> = pages.par_iter().map(|p| fold(p.title)).collect();
                let mut order: Vec<usize> = (0..n).collect();
                order.par_sort_unstable_by(|a, b| folded[*a].cmp(&folded[*b]).then(a.cmp(b)));
                TitleOrder { folded, order }
            }
        }
    }

    /// This order with the pages `moved` (sorted) folded again and put back in place.
    fn replace(self, pages: &[DeriveInput<'_>], moved: &[usize]) -> Self {
        let TitleOrder { mut folded, order } = self;
        let mut order: Vec<usize> = order
            .into_iter()
            .filter(|i| moved.binary_search(i).is_err())
            .collect();
        for &i in moved {
            folded[i] = fold(pages[i].title);
            let key = (folded[i].as_str(), i);
            let at = order.partition_point(|&j| (folded[j].as_str(), j) < key);
            order.insert(at, i);
        }
        TitleOrder { folded, order }
    }

    /// Each page's place in the order.
    fn ranks(&self) -> Vec<usize> {
        let mut rank = vec![0; self.order.len()];
        for (r, &i) in self.order.iter().enumerate() {
            rank[i] = r;
        }
        rank
    }
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
    pub(super) titles: TitleOrder,
}

/// Derives the lists of a site of `tags` tags from each page's input. `reuse` lets an
/// incremental rebuild (#4) skip ranking the related pages of a page whose inputs did
/// not change, and `before` re-rank only the titles that moved.
pub(super) fn lists(
    config: &Config,
    tags: usize,
    pages: &[DeriveInput<'_>],
    reuse: &Reuse<'_>,
    before: Option<Before>,
) -> Lists {
    // Every list below is sorted by folded title, then file order: rank the pages once,
    // so that each sort compares integers instead of strings (`serve` runs this on every
    // rebuild that moves a list, #4).
    let titles = TitleOrder::of(pages, before);
    let rank = titles.ranks();
    // Lists filled by walking the pages in title order come out sorted by title.
    let by_title = &titles.order;
    let (backlinks, cited) = backlinks(pages, by_title);
    let relations = relations::groups(config, pages, &cited, &rank);

    let mut tag_pages = vec![Vec::new(); tags];
    for &i in by_title {
        for &t in pages[i].tags {
            tag_pages[t].push(i);
        }
    }
    let kind_pages = kind_pages(config, pages, by_title);
    let neighbours = neighbours(pages.len(), &kind_pages);

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
        titles,
    }
}

/// The lists of `pages` from `previous`, the lists of the same pages under the same
/// configuration when no page's [`DeriveInput::untitled_key`] moved since: only the pages
/// that `before` says moved have a new title. Every list then holds the same pages, so
/// the lists that hold a retitled page are sorted again (backlinks, kind and tag lists),
/// the groups that name one ordered again ([`relations::by_title`]), and the related
/// pages ranked again where their key moved; the rest is kept. Equal to [`lists`] of
/// `pages`, without walking or allocating the lists of every page (#16).
pub(super) fn retitled(
    config: &Config,
    pages: &[DeriveInput<'_>],
    previous: Lists,
    before: Before,
) -> Lists {
    let moved: Vec<usize> = (0..pages.len()).filter(|&i| before.moved[i]).collect();
    let titles = TitleOrder::of(pages, Some(before));
    let rank = titles.ranks();
    let Lists {
        mut backlinks,
        mut relations,
        mut related,
        related_keys: kept_keys,
        mut kind_pages,
        mut tag_pages,
        ..
    } = previous;
    // What holds a retitled page: the backlinks and relations of the pages it links to,
    // its tags' lists and its kind's.
    let (mut linked, mut tags, mut kinds) = (Vec::new(), Vec::new(), Vec::new());
    for &j in &moved {
        let page = &pages[j];
        if page.role != Role::Home {
            let targets = page.refs.iter().flatten().chain(&page.body);
            linked.extend(targets.copied().filter(|&t| t != j));
        }
        tags.extend_from_slice(page.tags);
        if let Role::Kind(k) = page.role {
            kinds.push(k);
        }
    }
    let by_title = |list: &mut Vec<usize>| list.sort_by_key(|&i| rank[i]);
    for list in [&mut linked, &mut tags, &mut kinds] {
        list.sort_unstable();
        list.dedup();
    }
    for &t in &linked {
        by_title(&mut backlinks[t]);
        relations::by_title(&mut relations[t], &rank);
    }
    for &t in &tags {
        by_title(&mut tag_pages[t]);
    }
    for &k in &kinds {
        by_title(&mut kind_pages[k]);
        sort_kind(config.kinds[k].sort, pages, &mut kind_pages[k]);
    }
    let neighbours = neighbours(pages.len(), &kind_pages);
    let related_keys = {
        let ranked = related::Ranked::new(pages, &tag_pages, &backlinks);
        let keys = ranked.keys(config.site.related);
        ranked.update(config.site.related, &keys, &kept_keys, &mut related);
        keys
    };
    Lists {
        backlinks,
        relations,
        neighbours,
        related,
        related_keys,
        kind_pages,
        tag_pages,
        titles,
    }
}

/// For each page, the pages that reference it or link to it, and those whose body links
/// to it, each in the order of `by_title` (every page, in title order). The home page
/// gives no backlinks.
fn backlinks(pages: &[DeriveInput<'_>], by_title: &[usize]) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let mut backlinks = vec![Vec::new(); pages.len()];
    let mut cited = vec![Vec::new(); pages.len()];
    for &from in by_title {
        let page = &pages[from];
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
    // One page's links to another are pushed one after the other.
    for list in backlinks.iter_mut().chain(&mut cited) {
        list.dedup();
    }
    (backlinks, cited)
}

/// For each kind, its pages in the kind's order, ties in the order of `by_title` (every
/// page, in title order).
fn kind_pages(config: &Config, pages: &[DeriveInput<'_>], by_title: &[usize]) -> Vec<Vec<usize>> {
    let mut kind_pages = vec![Vec::new(); config.kinds.len()];
    for &i in by_title {
        if let Role::Kind(k) = pages[i].role {
            kind_pages[k].push(i);
        }
    }
    for (k, list) in kind_pages.iter_mut().enumerate() {
        sort_kind(config.kinds[k].sort, pages, list);
    }
    kind_pages
}

/// Sorts a kind's `list`, in title order, in the kind's order (`sort`): a stable sort, so
/// that pages of the same order or date stay in title order.
fn sort_kind(sort: SortOrder, pages: &[DeriveInput<'_>], list: &mut [usize]) {
    match sort {
        SortOrder::Title => {}
        SortOrder::Order => list.sort_by_key(|i| pages[*i].order.unwrap_or(i64::MAX)),
        SortOrder::Date => list.sort_by_key(|i| std::cmp::Reverse(pages[*i].date)),
    }
}

/// Each page's neighbours in reading order: each kind's list in turn.
fn neighbours(n: usize, kind_pages: &[Vec<usize>]) -> Vec<(Option<usize>, Option<usize>)> {
    let mut neighbours = vec![(None, None); n];
    let order: Vec<usize> = kind_pages.iter().flatten().copied().collect();
    for (at, &i) in order.iter().enumerate() {
        let previous = at.checked_sub(1).map(|p| order[p]);
        neighbours[i] = (previous, order.get(at + 1).copied());
    }
    neighbours
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(title: &str) -> DeriveInput<'_> {
        DeriveInput {
            role: Role::Standalone,
            title,
            date: None,
            order: None,
            tags: &[],
            fields: Vec::new(),
            refs: &[],
            body: Vec::new(),
        }
    }

    fn order(titles: &[String], before: Option<Before>) -> TitleOrder {
        let pages: Vec<DeriveInput<'_>> = titles.iter().map(|t| input(t)).collect();
        TitleOrder::of(&pages, before)
    }

    #[test]
    fn a_kept_title_order_with_moved_titles_put_back_is_the_full_sort() {
        // 200 titles, accents and case folded, with ties broken by file order.
        let mut titles: Vec<String> = (0..200)
            .map(|i| {
                format!(
                    "{} {}",
                    ["Été", "ete", "Zèbre", "abri", "Œuvre"][i % 5],
                    i % 7
                )
            })
            .collect();
        let mut kept = order(&titles, None);
        for (step, moved) in [vec![3], vec![0, 199], vec![57], vec![10, 11]]
            .into_iter()
            .enumerate()
        {
            let mut flags = vec![false; titles.len()];
            for &i in &moved {
                titles[i] = format!("{} étape {step}", ["abri", "Zz", "ETE"][i % 3]);
                flags[i] = true;
            }
            let before = Before {
                titles: kept,
                moved: flags,
            };
            kept = order(&titles, Some(before));
            let full = order(&titles, None);
            assert_eq!(kept.order, full.order, "step {step}");
            assert_eq!(kept.folded, full.folded, "step {step}");
        }
        assert_eq!(kept.folded[1], "ete 1");
    }

    #[test]
    fn lists_are_in_title_order_within_each_kinds_sort() {
        let config = crate::config::parse(
            std::path::Path::new("."),
            "[site]\ntitle = \"T\"\n\
             [[kinds]]\nid = \"d\"\ndir = \"d\"\nsingular = \"D\"\nplural = \"Ds\"\nsort = \"date\"\n\
             [[kinds]]\nid = \"o\"\ndir = \"o\"\nsingular = \"O\"\nplural = \"Os\"\nsort = \"order\"\n\
             [[kinds]]\nid = \"t\"\ndir = \"t\"\nsingular = \"T\"\nplural = \"Ts\"\nsort = \"title\"\n",
        )
        .unwrap();
        let n = 90;
        // Titles that fold alike (ties broken by file order), dates and orders that tie.
        let titles: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    "{} {}",
                    ["Été", "ete", "Zèbre", "abri", "Œuvre"][i % 5],
                    i % 4
                )
            })
            .collect();
        let tags: Vec<Vec<usize>> = (0..n).map(|i| vec![i % 3, (i + 1) % 3]).collect();
        let refs: Vec<Vec<Vec<usize>>> = (0..n).map(|i| vec![vec![(i * 7) % n]]).collect();
        let pages: Vec<DeriveInput<'_>> = (0..n)
            .map(|i| {
                let mut body = vec![(i * 7) % n, (i * 11) % n];
                body.sort_unstable();
                body.dedup();
                DeriveInput {
                    role: Role::Kind(i % 3),
                    date: Date::day(2020 + (i % 4) as i64, 1, 1).filter(|_| i % 5 != 0),
                    order: (i % 6 != 0).then_some((i % 3) as i64),
                    tags: &tags[i],
                    fields: vec!["f"],
                    refs: &refs[i],
                    body,
                    ..input(&titles[i])
                }
            })
            .collect();
        let got = lists(&config, 3, &pages, &|_, _| None, None);
        let by_title = |list: &mut Vec<usize>| list.sort_by_key(|&i| (fold(&titles[i]), i));
        for to in 0..n {
            let mut expected: Vec<usize> = (0..n)
                .filter(|&from| from != to)
                .filter(|&from| pages[from].body.contains(&to) || refs[from][0][0] == to)
                .collect();
            by_title(&mut expected);
            assert_eq!(got.backlinks[to], expected, "backlinks of {to}");
        }
        for (t, list) in got.tag_pages.iter().enumerate() {
            let mut expected: Vec<usize> = (0..n).filter(|&i| tags[i].contains(&t)).collect();
            by_title(&mut expected);
            assert_eq!(*list, expected, "tag {t}");
        }
        for (k, list) in got.kind_pages.iter().enumerate() {
            let mut expected: Vec<usize> = (0..n).filter(|&i| i % 3 == k).collect();
            let title = |i: usize| (fold(&titles[i]), i);
            match k {
                0 => expected.sort_by_key(|&i| (std::cmp::Reverse(pages[i].date), title(i))),
                1 => expected.sort_by_key(|&i| (pages[i].order.unwrap_or(i64::MAX), title(i))),
                _ => by_title(&mut expected),
            }
            assert_eq!(*list, expected, "kind {k}");
        }
    }

    /// The lists derived anew and sorted again from the previous ones are the same, field
    /// by field, after steps that retitle a few pages (each kept order) and many (the
    /// title order made anew): pages that other pages link to and name in `see_also`
    /// (backlinks, inverse and « cited in » groups), in tags (tag lists, related pages'
    /// windows) and in kinds sorted by date, order and title (ties broken by title).
    #[test]
    fn lists_sorted_again_after_retitling_are_the_lists_derived_anew() {
        let config = crate::config::parse(
            std::path::Path::new("."),
            "[site]\ntitle = \"T\"\nrelated = 3\n\
             [[kinds]]\nid = \"d\"\ndir = \"d\"\nsingular = \"D\"\nplural = \"Ds\"\nsort = \"date\"\n\
             [[kinds]]\nid = \"o\"\ndir = \"o\"\nsingular = \"O\"\nplural = \"Os\"\nsort = \"order\"\n\
             [[kinds]]\nid = \"t\"\ndir = \"t\"\nsingular = \"T\"\nplural = \"Ts\"\nsort = \"title\"\n",
        )
        .unwrap();
        // More pages than the candidates a tag gives related pages (400): which of them
        // tag 0, on every page, offers depends on the titles.
        let n = 450;
        let mut titles: Vec<String> = (0..n).map(|i| format!("Titre {}", i % 9)).collect();
        let tags: Vec<Vec<usize>> = (0..n)
            .map(|i| vec![0, i % 3 + 1, (i / 3) % 4 + 4])
            .collect();
        let refs: Vec<Vec<Vec<usize>>> = (0..n).map(|i| vec![vec![(i * 7) % n]]).collect();
        fn inputs<'a>(
            titles: &'a [String],
            tags: &'a [Vec<usize>],
            refs: &'a [Vec<Vec<usize>>],
        ) -> Vec<DeriveInput<'a>> {
            let n = titles.len();
            (0..n)
                .map(|i| {
                    // Pages 0 to 9 are cited by many pages each.
                    let mut body = vec![(i * 7) % n, (i * 11) % n, i % 10];
                    body.sort_unstable();
                    body.dedup();
                    DeriveInput {
                        role: if i == n - 1 {
                            Role::Home
                        } else {
                            Role::Kind(i % 3)
                        },
                        date: Date::day(2020 + (i % 2) as i64, 1, 1),
                        order: (i % 4 != 0).then_some((i % 2) as i64),
                        tags: &tags[i],
                        fields: vec!["see_also"],
                        refs: &refs[i],
                        body,
                        ..input(&titles[i])
                    }
                })
                .collect()
        }
        let none: &Reuse<'_> = &|_, _| None;
        let mut previous = lists(&config, 8, &inputs(&titles, &tags, &refs), none, None);
        let steps = [
            vec![4],
            vec![0, 61, n - 1],
            vec![5, 6, 7, 8],
            (0..n).step_by(3).collect(),
        ];
        for (step, moved) in steps.into_iter().enumerate() {
            for &i in &moved {
                titles[i] = format!("{} {step}", ["Aa", "Zz", "Mm"][i % 3]);
            }
            let pages = inputs(&titles, &tags, &refs);
            let before = Before {
                moved: (0..n).map(|i| moved.contains(&i)).collect(),
                titles: std::mem::take(&mut previous.titles),
            };
            let kept = retitled(&config, &pages, previous, before);
            let anew = lists(&config, 8, &pages, none, None);
            assert_eq!(kept.titles.order, anew.titles.order, "step {step}");
            assert_eq!(kept.backlinks, anew.backlinks, "step {step}");
            assert_eq!(kept.relations, anew.relations, "step {step}");
            assert_eq!(kept.kind_pages, anew.kind_pages, "step {step}");
            assert_eq!(kept.neighbours, anew.neighbours, "step {step}");
            assert_eq!(kept.tag_pages, anew.tag_pages, "step {step}");
            assert_eq!(kept.related_keys, anew.related_keys, "step {step}");
            assert_eq!(kept.related, anew.related, "step {step}");
            previous = kept;
        }
    }
}
