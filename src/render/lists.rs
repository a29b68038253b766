//! Kind lists and tag pages, paginated (`paginate = N` on a kind, `[tags] paginate = N`).
//!
//! Page 1 of a list stays at the list's URL (`<dir>/index.html`); page `n` is at
//! `<dir>/page/<n>/index.html` ([`url::paged_file`]). Each page links to its neighbours
//! (`rel="prev|next"`, visible and in the head) and to a window of page numbers around
//! it. Each list page has its own key (a hash of its context), so with pagination a title
//! edit renders again only the list pages that hold the page, not the whole list.

use super::cards::Cards;
use super::contexts::{
    ListContext, ListView, PageNumber, Pagination, TagContext, TagGroup, TagSummary, TagView,
    TagsContext,
};
use super::keys::{Family, Known, ListKey, ListKeys, key};
use super::views::Linker;
use super::{Select, Theme, url};
use crate::diag::Error;
use crate::links::Graph;
use crate::model::{Role, Site};
use rayon::prelude::*;
use std::sync::OnceLock;

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

/// How many list pages each kind has, and each tag, from the graph's kind and tag lists.
pub(super) fn page_counts(site: &Site, graph: &Graph) -> (Vec<usize>, Vec<usize>) {
    let kinds = (graph.kind_pages.iter().zip(&site.config.kinds))
        .map(|(list, kind)| page_count(list.len(), kind.paginate))
        .collect();
    let per = site.config.tags.paginate;
    let tags = graph
        .tag_pages
        .iter()
        .map(|list| page_count(list.len(), per));
    (kinds, tags.collect())
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

/// The pagination of page `n` (from 0) of `total`, whose files `file(n)` gives, seen from
/// `l`; `None` for a list of one page.
fn pagination(
    l: &Linker<'_, '_>,
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

/// What one list page renders from: the site, the graph and the build's options.
pub(super) struct Lists<'a> {
    site: &'a Site,
    graph: &'a Graph,
    offline: bool,
    print: bool,
    /// Each tag's pages as [`tag_entries`] orders them, sorted on first use: once per
    /// tag, not once per page of its list. A tag of 17,000 pages has 340 list pages, and
    /// sorting it for each made the tag pages grow with the square of the site's size
    /// (5 % of a 100,000-page build's CPU, see benches/README.md).
    tag_entries: Vec<OnceLock<Vec<usize>>>,
    /// The cards of the entries, when rendering with a theme that has them.
    cards: Option<&'a Cards<'a>>,
}

impl<'a> Lists<'a> {
    /// The lists of `site` linked by `graph`, with the build's options and the cards of
    /// their entries, if any.
    pub(super) fn new(
        site: &'a Site,
        graph: &'a Graph,
        offline: bool,
        print: bool,
        cards: Option<&'a Cards<'a>>,
    ) -> Self {
        Lists {
            site,
            graph,
            offline,
            print,
            tag_entries: (0..site.tags.len()).map(|_| OnceLock::new()).collect(),
            cards,
        }
    }

    /// The file of page `n` (from 0) of kind `k`'s list.
    fn kind_file(&self, k: usize, n: usize) -> String {
        url::paged_file(&url::kind_file(&self.site.config.kinds[k].dir), n + 1)
    }

    /// The file of page `n` (from 0) of tag `t`'s list.
    fn tag_file(&self, t: usize, n: usize) -> String {
        url::paged_file(&url::tag_file(&self.site.tags[t].id), n + 1)
    }

    /// The context of page `n` (from 0) of kind `k`'s list, which is `file`.
    fn kind_context(&self, k: usize, n: usize, file: &'a str) -> ListContext<'a> {
        let kind = &self.site.config.kinds[k];
        let list = &self.graph.kind_pages[k];
        let l = self.linker(file);
        let total = page_count(list.len(), kind.paginate);
        ListContext {
            site: l.site_view(Some(k), self.print),
            list: ListView {
                id: &kind.id,
                singular: &kind.singular,
                plural: &kind.plural,
                description: &kind.description,
                count: list.len(),
                pages: l.entries(page_entries(list, kind.paginate, n), false),
                new_href: l.new_href(k),
                new_label: &kind.new_label,
            },
            pagination: pagination(&l, &|m| self.kind_file(k, m), n, total),
        }
    }

    /// The context of page `n` (from 0) of tag `t`'s list, which is `file`.
    fn tag_context(&self, t: usize, n: usize, file: &'a str) -> TagContext<'a> {
        let site = self.site;
        let tag = &site.tags[t];
        let per = site.config.tags.paginate;
        let entries =
            self.tag_entries[t].get_or_init(|| tag_entries(site, &self.graph.tag_pages[t]));
        let l = self.linker(file);
        let mut groups: Vec<TagGroup<'a>> = Vec::new();
        for &i in page_entries(entries, per, n) {
            let label = match site.pages[i].role {
                Role::Kind(k) => site.config.kinds[k].plural.as_str(),
                Role::Home | Role::Standalone => "",
            };
            match groups.last_mut() {
                Some(g) if g.label == label => g.pages.push(l.entry(i, false)),
                _ => groups.push(TagGroup {
                    label,
                    pages: vec![l.entry(i, false)],
                }),
            }
        }
        let total = page_count(entries.len(), per);
        TagContext {
            site: l.site_view(None, self.print),
            tag: TagView {
                id: &tag.id,
                label: &tag.label,
                description: &tag.description,
                count: entries.len(),
                groups,
            },
            pagination: pagination(&l, &|m| self.tag_file(t, m), n, total),
        }
    }

    /// The context of the tag index.
    pub(super) fn index_context(&self) -> TagsContext<'a> {
        let l = self.linker(url::TAGS_FILE);
        let site = self.site;
        let tags = l
            .tags(&(0..site.tags.len()).collect::<Vec<_>>())
            .into_iter()
            .zip(&site.tags)
            .zip(&self.graph.tag_pages)
            .map(|((link, tag), pages)| TagSummary {
                link,
                description: &tag.description,
                count: pages.len(),
            })
            .collect();
        TagsContext {
            site: l.site_view(None, self.print),
            tags,
        }
    }

    /// The keys of every page of every kind's list and tag's list, from `key_of`, which
    /// hashes the context it is given to compute or reuses a known key.
    pub(super) fn keys(&self, key_of: &ListKey<'_>) -> (ListKeys, ListKeys) {
        let (kinds, tags) = page_counts(self.site, self.graph);
        let jobs = |family: Family, counts: &[usize]| -> Vec<Vec<Known<u64>>> {
            let flat: Vec<(usize, usize)> = counts
                .iter()
                .enumerate()
                .flat_map(|(k, &count)| (0..count).map(move |n| (k, n)))
                .collect();
            let mut done = flat
                .into_par_iter()
                .map(|(k, n)| {
                    let compute = || match family {
                        Family::Kind => key(self.kind_context(k, n, &self.kind_file(k, n))),
                        Family::Tag => key(self.tag_context(k, n, &self.tag_file(k, n))),
                    };
                    // A list page's views take one row of the graph: its list.
                    let rows = match family {
                        Family::Kind => key(&self.graph.kind_pages[k]),
                        Family::Tag => key(&self.graph.tag_pages[k]),
                    };
                    key_of(family, k, n, rows, &compute)
                })
                .collect::<Vec<_>>()
                .into_iter();
            counts
                .iter()
                .map(|&count| done.by_ref().take(count).collect())
                .collect()
        };
        (jobs(Family::Kind, &kinds), jobs(Family::Tag, &tags))
    }

    /// Renders the kind list pages that `select` names.
    pub(super) fn kinds(&self, theme: &Theme, select: &Select, put: &Put<'_>) -> Result<(), Error> {
        let jobs: Vec<(usize, usize)> = (0..self.site.config.kinds.len())
            .flat_map(|k| (0..select.lists[k].len()).map(move |n| (k, n)))
            .filter(|&(k, n)| select.lists[k][n])
            .collect();
        super::ordered::try_map(jobs.into_par_iter(), |(k, n)| {
            let file = self.kind_file(k, n);
            let ctx = self.kind_context(k, n, &file);
            self.linker(&file).cards_rendered()?;
            put(&file, theme.render("list.html", &ctx, &file)?)
        })
        .map(drop)
    }

    /// Renders the tag pages that `select` names, and the tag index if it does.
    pub(super) fn tags(&self, theme: &Theme, select: &Select, put: &Put<'_>) -> Result<(), Error> {
        if select.tags_index {
            let ctx = self.index_context();
            put(
                url::TAGS_FILE,
                theme.render("tags.html", &ctx, url::TAGS_FILE)?,
            )?;
        }
        let jobs: Vec<(usize, usize)> = (0..self.site.tags.len())
            .flat_map(|t| (0..select.tags[t].len()).map(move |n| (t, n)))
            .filter(|&(t, n)| select.tags[t][n])
            .collect();
        super::ordered::try_map(jobs.into_par_iter(), |(t, n)| {
            let file = self.tag_file(t, n);
            let ctx = self.tag_context(t, n, &file);
            self.linker(&file).cards_rendered()?;
            put(&file, theme.render("tag.html", &ctx, &file)?)
        })
        .map(drop)
    }

    fn linker<'f>(&self, file: &'f str) -> Linker<'a, 'f> {
        Linker {
            site: self.site,
            from: file,
            offline: self.offline,
            cards: self.cards,
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
