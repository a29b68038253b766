//! Kind lists and tag pages, paginated (`paginate = N` on a kind, `[tags] paginate = N`).
//!
//! Page 1 of a list stays at the list's URL (`<dir>/index.html`); page `n` is at
//! `<dir>/page/<n>/index.html` ([`url::paged_file`]). Each page links to its neighbours
//! (`rel="prev|next"`, visible and in the head) and to a window of page numbers around
//! it. With pagination, a title edit renders again only the list pages that hold the
//! page ([`super::keys`] keys each list page apart), not the whole list.

use rayon::prelude::*;
use serde::Serialize;

use super::views::{Linker, PageLink};
use super::{Select, Theme, url};
use crate::diag::Error;
use crate::links::Graph;
use crate::model::{Role, Site};

/// Writes a rendered output (and counts it).
pub(super) type Put<'a> = dyn Fn(&str, Vec<u8>) -> Result<(), Error> + Sync + 'a;

/// How many pages a list of `len` entries takes with `per` entries a page (0: one page).
pub(super) fn page_count(len: usize, per: usize) -> usize {
    if per == 0 {
        1
    } else {
        len.div_ceil(per).max(1)
    }
}

/// The entries of page `n` (from 0) of `list`.
pub(super) fn page_entries(list: &[usize], per: usize, n: usize) -> &[usize] {
    if per == 0 {
        return list;
    }
    let start = (n * per).min(list.len());
    &list[start..(start + per).min(list.len())]
}

/// How many list pages each kind has, and each tag (what the link graph's kind and tag
/// lists will hold, counted from the pages).
pub(super) fn page_counts(site: &Site) -> (Vec<usize>, Vec<usize>) {
    let mut kinds = vec![0; site.config.kinds.len()];
    let mut tags = vec![0; site.tags.len()];
    for page in &site.pages {
        if let Role::Kind(k) = page.role {
            kinds[k] += 1;
        }
        for &t in &page.tags {
            tags[t] += 1;
        }
    }
    let kinds = kinds
        .iter()
        .zip(&site.config.kinds)
        .map(|(&n, kind)| page_count(n, kind.paginate))
        .collect();
    let per = site.config.tags.paginate;
    (kinds, tags.iter().map(|&n| page_count(n, per)).collect())
}

/// A tag's pages in the order its page shows them: by kind, in declaration order, then
/// the pages of no kind.
pub(super) fn tag_entries(site: &Site, pages: &[usize]) -> Vec<usize> {
    let rank = |i: &usize| match site.pages[*i].role {
        Role::Kind(k) => k,
        Role::Home | Role::Standalone => usize::MAX,
    };
    let mut ordered = pages.to_vec();
    ordered.sort_by_key(rank); // stable: each group keeps the tag's order
    ordered
}

/// Page numbers shown around the current one, besides the first and the last.
const WINDOW: usize = 2;

/// The navigation between the pages of one list, as templates see it (`pagination`).
#[derive(Serialize)]
struct Pagination {
    /// The page shown, from 1.
    current: usize,
    /// How many pages the list has.
    total: usize,
    prev_href: Option<String>,
    next_href: Option<String>,
    /// The numbers to link, with `gap` entries where numbers are left out.
    pages: Vec<PageNumber>,
}

#[derive(Serialize)]
struct PageNumber {
    number: usize,
    href: String,
    current: bool,
    gap: bool,
}

/// The pagination of page `n` (from 0) of `total`, whose files `file(n)` gives, seen from
/// `l`; `None` for a list of one page.
fn pagination(
    l: &Linker<'_>,
    file: &dyn Fn(usize) -> String,
    n: usize,
    total: usize,
) -> Option<Pagination> {
    if total <= 1 {
        return None;
    }
    let href = |m: usize| l.href(&file(m));
    let mut pages = Vec::new();
    for m in 0..total {
        let shown = m == 0 || m + 1 == total || m.abs_diff(n) <= WINDOW;
        if shown {
            pages.push(PageNumber {
                number: m + 1,
                href: href(m),
                current: m == n,
                gap: false,
            });
        } else if pages.last().is_none_or(|p| !p.gap) {
            pages.push(PageNumber {
                number: 0,
                href: String::new(),
                current: false,
                gap: true,
            });
        }
    }
    Some(Pagination {
        current: n + 1,
        total,
        prev_href: (n > 0).then(|| href(n - 1)),
        next_href: (n + 1 < total).then(|| href(n + 1)),
        pages,
    })
}

/// What one list page renders from: the site, the graph, the theme and the build's
/// options.
pub(super) struct Lists<'a> {
    pub(super) site: &'a Site,
    pub(super) graph: &'a Graph,
    pub(super) theme: &'a Theme,
    pub(super) offline: bool,
    pub(super) print: bool,
}

impl Lists<'_> {
    /// Renders the kind list pages that `select` names.
    pub(super) fn kinds(&self, select: &Select, put: &Put<'_>) -> Result<(), Error> {
        #[derive(Serialize)]
        struct ListView<'a> {
            id: &'a str,
            singular: &'a str,
            plural: &'a str,
            description: &'a str,
            /// Entries in the whole list.
            count: usize,
            pages: Vec<PageLink<'a>>,
            new_href: Option<String>,
            new_label: &'a str,
        }
        let jobs: Vec<(usize, usize)> = (0..self.site.config.kinds.len())
            .flat_map(|k| (0..select.lists[k].len()).map(move |n| (k, n)))
            .filter(|&(k, n)| select.lists[k][n])
            .collect();
        jobs.into_par_iter().try_for_each(|(k, n)| {
            let kind = &self.site.config.kinds[k];
            let list = &self.graph.kind_pages[k];
            let page_file = |m: usize| url::paged_file(&url::kind_file(&kind.dir), m + 1);
            let file = page_file(n);
            let l = self.linker(&file);
            let total = page_count(list.len(), kind.paginate);
            let view = ListView {
                id: &kind.id,
                singular: &kind.singular,
                plural: &kind.plural,
                description: &kind.description,
                count: list.len(),
                pages: l.pages(page_entries(list, kind.paginate, n)),
                new_href: l.new_href(k),
                new_label: &kind.new_label,
            };
            let ctx = serde_json::json!({
                "site": l.site_view(Some(k), self.print),
                "list": view,
                "pagination": pagination(&l, &page_file, n, total),
            });
            put(&file, self.theme.render("list.html", ctx, &file)?)
        })
    }

    /// Renders the tag pages that `select` names.
    pub(super) fn tags(&self, select: &Select, put: &Put<'_>) -> Result<(), Error> {
        #[derive(Serialize)]
        struct Group<'a> {
            label: &'a str,
            pages: Vec<PageLink<'a>>,
        }
        let per = self.site.config.tags.paginate;
        let jobs: Vec<(usize, usize)> = (0..self.site.tags.len())
            .flat_map(|t| (0..select.tags[t].len()).map(move |n| (t, n)))
            .filter(|&(t, n)| select.tags[t][n])
            .collect();
        jobs.into_par_iter().try_for_each(|(t, n)| {
            let tag = &self.site.tags[t];
            let entries = tag_entries(self.site, &self.graph.tag_pages[t]);
            let page_file = |m: usize| url::paged_file(&url::tag_file(&tag.id), m + 1);
            let file = page_file(n);
            let l = self.linker(&file);
            let mut groups: Vec<Group<'_>> = Vec::new();
            for &i in page_entries(&entries, per, n) {
                let label = match self.site.pages[i].role {
                    Role::Kind(k) => self.site.config.kinds[k].plural.as_str(),
                    Role::Home | Role::Standalone => "",
                };
                match groups.last_mut() {
                    Some(g) if g.label == label => g.pages.push(l.page(i)),
                    _ => groups.push(Group {
                        label,
                        pages: vec![l.page(i)],
                    }),
                }
            }
            let total = page_count(entries.len(), per);
            let ctx = serde_json::json!({
                "site": l.site_view(None, self.print),
                "tag": { "id": tag.id, "label": tag.label, "description": tag.description,
                         "count": entries.len(), "groups": groups },
                "pagination": pagination(&l, &page_file, n, total),
            });
            put(&file, self.theme.render("tag.html", ctx, &file)?)
        })
    }

    fn linker<'b>(&'b self, file: &'b str) -> Linker<'b> {
        Linker {
            site: self.site,
            from: file,
            offline: self.offline,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_cut_into_pages() {
        assert_eq!(page_count(0, 3), 1);
        assert_eq!(page_count(7, 3), 3);
        assert_eq!(page_count(6, 3), 2);
        assert_eq!(page_count(7, 0), 1);
        let list: Vec<usize> = (10..17).collect();
        assert_eq!(page_entries(&list, 3, 0), [10, 11, 12]);
        assert_eq!(page_entries(&list, 3, 2), [16]);
        assert_eq!(page_entries(&list, 0, 0), &list[..]);
    }
}
