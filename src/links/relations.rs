//! Typed relations (#11): the groups of related pages each page shows, computed from
//! the resolved graph. Every edge keeps its relation (a `refs` field of a kind, or the
//! built-in `see_also`, see [`Config::relations`](crate::config::Config::relations)),
//! so a page lists the pages it names under each field's label, the pages that name it
//! under each field's inverse label, and last the pages whose text links to it
//! (« Cité dans »).
//!
//! A page appears once among another page's groups, under its most specific relation: a
//! typed field beats `see_also`, which beats a body link; between two relations of the
//! same class, the one the page itself declares (forward) beats the one derived from the
//! other page (inverse), since it is what the page's author wrote; then the field
//! declared first wins. Groups come in that order too: forward relations in declaration
//! order (kinds in order, their fields in order, `see_also` last), then inverse ones in
//! the same order, then body links.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::DeriveInput;
use crate::config::Config;
use crate::model::Role;

/// How the pages of a group relate to the page that lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Link {
    /// The page names them in this relation (an index into `Config::relations`).
    Forward(usize),
    /// They name the page in this relation.
    Inverse(usize),
    /// Their text links to the page.
    CitedIn,
}

/// One group of a page's related pages.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Group {
    /// How they relate to the page.
    pub link: Link,
    /// The pages: as written for a forward relation, else by title.
    pub pages: Vec<usize>,
}

/// Every page's groups. `cited[i]` are the pages whose body links to page `i`, and
/// `rank` each page's place in title order.
pub(super) fn groups(
    config: &Config,
    pages: &[DeriveInput<'_>],
    cited: &[Vec<usize>],
    rank: &[usize],
) -> Vec<Vec<Group>> {
    let n = pages.len();
    let see_also = config.relations.len().saturating_sub(1);
    // The relation of each of each page's reference fields.
    let relation = |i: usize, f: usize| {
        let kind = match pages[i].role {
            Role::Kind(k) => Some(k),
            Role::Home | Role::Standalone => None,
        };
        config.relation_of(kind, pages[i].fields[f])
    };
    let mut inverse: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for (j, page) in pages.iter().enumerate() {
        if page.role == Role::Home {
            continue;
        }
        for (f, targets) in page.refs.iter().enumerate() {
            let Some(r) = relation(j, f) else { continue };
            for &t in targets {
                inverse[t].push((j, r));
            }
        }
    }
    // Lower is more specific: typed, see_also, body; forward, inverse; declaration order.
    let specificity = |link: Link| match link {
        Link::Forward(r) => (u8::from(r == see_also), 0, r),
        Link::Inverse(r) => (u8::from(r == see_also), 1, r),
        Link::CitedIn => (2, 1, 0),
    };
    (0..n)
        .into_par_iter()
        .map(|i| {
            // For each related page: its best link, and its place within the group.
            let mut best: FxHashMap<usize, (Link, usize)> = FxHashMap::default();
            let mut offer = |page: usize, link: Link, place: usize| {
                if page == i {
                    return;
                }
                let better = best
                    .get(&page)
                    .is_none_or(|(held, _)| specificity(link) < specificity(*held));
                if better {
                    best.insert(page, (link, place));
                }
            };
            if pages[i].role != Role::Home {
                let mut place = 0;
                for (f, targets) in pages[i].refs.iter().enumerate() {
                    let Some(r) = relation(i, f) else { continue };
                    for &t in targets {
                        offer(t, Link::Forward(r), place);
                        place += 1;
                    }
                }
            }
            for &(j, r) in &inverse[i] {
                offer(j, Link::Inverse(r), rank[j]);
            }
            for &j in &cited[i] {
                offer(j, Link::CitedIn, rank[j]);
            }
            let mut placed: Vec<(Link, usize, usize)> = best
                .into_iter()
                .map(|(page, (link, place))| (link, place, page))
                .collect();
            placed.sort_unstable();
            let mut groups: Vec<Group> = Vec::new();
            for (link, _, page) in placed {
                match groups.last_mut() {
                    Some(g) if g.link == link => g.pages.push(page),
                    _ => groups.push(Group {
                        link,
                        pages: vec![page],
                    }),
                }
            }
            groups
        })
        .collect()
}

/// Orders again by `rank` (each page's place in title order) the groups of a page that
/// are by title: all but its forward relations, whose pages are as written. After pages
/// were retitled, with the same links, this is what [`groups`] would give.
pub(super) fn by_title(groups: &mut [Group], rank: &[usize]) {
    for group in groups {
        if !matches!(group.link, Link::Forward(_)) {
            group.pages.sort_by_key(|&j| rank[j]);
        }
    }
}
