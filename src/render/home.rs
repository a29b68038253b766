//! The home page, and the two pages that show only the site: the search page and the 404
//! page. Each is a context built here, which rendering and the incremental keys share.

use super::contexts::{FixedContext, FixedSite, HomeContext, HomeKind, HomeView, Html};
use super::{HOME_PER_KIND, url, views::Linker};
use crate::links::Graph;
use crate::model::Site;

/// The pages that show only the site: their template and file.
pub(super) const FIXED: [(&str, &str); 2] = [
    ("search.html", url::SEARCH_FILE),
    ("404.html", url::NOT_FOUND_FILE),
];

/// The home page's context, with `content` as the body of `content/_index.md`.
pub(super) fn context<'a>(
    site: &'a Site,
    graph: &'a Graph,
    l: &Linker<'a, '_>,
    content: Html<'a>,
) -> HomeContext<'a> {
    let home = site.page_index("");
    let kinds = site
        .config
        .kinds
        .iter()
        .enumerate()
        .map(|(k, kind)| {
            let pages = &graph.kind_pages[k];
            HomeKind {
                id: &kind.id,
                singular: &kind.singular,
                plural: &kind.plural,
                description: &kind.description,
                href: l.href(&url::kind_file(&kind.dir)),
                count: pages.len(),
                pages: l.entries(&pages[..pages.len().min(HOME_PER_KIND)], false),
            }
        })
        .collect();
    let page = home.map(|i| &site.pages[i]);
    HomeContext {
        site: l.site_view(None, site.config.site.print),
        home: HomeView {
            title: page.map_or(&site.config.site.title, |p| &p.title),
            summary: page.map_or(&site.config.site.description, |p| &p.summary),
            content,
            kinds,
            edit_href: home.and_then(|i| l.edit_href(i)),
        },
    }
}

/// The context of the search page or the 404 page, which is `l`'s file.
pub(super) fn fixed<'a>(site: &'a Site, l: &Linker<'a, '_>) -> FixedContext<'a> {
    let config = &site.config.site;
    // A host serves 404.html at any depth; with a known base URL, links stay right.
    let base = (l.from == url::NOT_FOUND_FILE && !l.offline && !config.base_url.is_empty())
        .then(|| config.base_url.clone());
    FixedContext {
        site: FixedSite {
            site: l.site_view(None, config.print),
            base,
        },
    }
}
