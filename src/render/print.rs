//! The printable guide: every page of the site on one page, in reading order, to print
//! as a booklet. One `<h1>` (the site's title); the home text under it; each kind a
//! section whose pages' titles are `<h3>`; standalone pages after them, titled `<h2>`.
//! Each page's body is nested one level below its title, and every id it defines is
//! prefixed with the page's anchor, so that ids are unique in the booklet and links
//! between pages (with their `#fragment`) land on the right heading.

use serde::Serialize;

use super::views::{self, FieldView, Linker, TagLink};
use super::{PageOut, Theme, url};
use crate::date::Date;
use crate::diag::Error;
use crate::links::{Graph, leads_to_draft};
use crate::markdown::{self, Nesting, Rewrite, relative_target};
use crate::model::{Role, Site};
use crate::slug::fold;

/// The anchor of the home text inside the booklet. It starts with `_`, as no page file
/// does, so that it cannot be a standalone page's anchor.
const HOME_ANCHOR: &str = "_accueil";

/// The booklet's parts in reading order: the home page, then each kind's pages in the
/// site's reading order ([`Graph::reading_order`]: kinds in their declared order, each in
/// its sort order), then standalone pages by `order`, then title. The map follows it too.
pub fn order(site: &Site, graph: &Graph) -> Vec<Part> {
    let mut parts: Vec<Part> = site
        .page_index("")
        .map(|i| Part {
            kind: None,
            pages: vec![i],
        })
        .into_iter()
        .collect();
    // The site's reading order, one part per kind.
    for i in graph.reading_order() {
        let kind = match site.pages[i].role {
            Role::Kind(k) => Some(k),
            Role::Home | Role::Standalone => None,
        };
        match parts.last_mut() {
            Some(part) if part.kind.is_some() && part.kind == kind => part.pages.push(i),
            _ => parts.push(Part {
                kind,
                pages: vec![i],
            }),
        }
    }
    let mut standalone: Vec<usize> = (0..site.pages.len())
        .filter(|&i| site.pages[i].role == Role::Standalone)
        .collect();
    let key = |i: usize| {
        let p = &site.pages[i];
        (p.order.unwrap_or(i64::MAX), fold(&p.title), i)
    };
    standalone.sort_by_cached_key(|&i| key(i));
    parts.extend(standalone.into_iter().map(|i| Part {
        kind: None,
        pages: vec![i],
    }));
    parts
}

/// A part of the booklet: a kind's pages, or one page without a kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The kind, for a kind's section.
    pub kind: Option<usize>,
    /// Its pages, in order.
    pub pages: Vec<usize>,
}

/// The anchor of page `i` inside the booklet: its id with `/` as `--`.
pub fn anchor(site: &Site, i: usize) -> String {
    match site.pages[i].role {
        Role::Home => HOME_ANCHOR.into(),
        Role::Kind(_) | Role::Standalone => site.pages[i].id.replace('/', "--"),
    }
}

/// The level of page `i`'s title in the booklet.
fn title_level(site: &Site, i: usize) -> u8 {
    match site.pages[i].role {
        Role::Home => 1,
        Role::Standalone => 2,
        Role::Kind(_) => 3,
    }
}

/// Page `i`'s body as the booklet holds it: ids prefixed with its anchor, headings one
/// level below its title, links to pages turned into anchors of the booklet.
pub fn page_html(site: &Site, graph: &Graph, i: usize, offline: bool) -> String {
    let page = &site.pages[i];
    let to_anchor = |dest: &str| match graph.assets[i].get(dest) {
        Some(file) => Some(Rewrite::To(url::href(url::PRINT_FILE, file, offline))),
        None if leads_to_draft(site, &page.source.rel, dest) => Some(Rewrite::Text),
        None => graph.body[i].get(dest).map(|&t| {
            let target = anchor(site, t);
            Rewrite::To(match relative_target(dest).and_then(|(_, f)| f) {
                Some(fragment) if !fragment.is_empty() => format!("#{target}-{fragment}"),
                _ => format!("#{target}"),
            })
        }),
    };
    let nesting = Nesting {
        id_prefix: &anchor(site, i),
        shift: title_level(site, i) - 1,
    };
    let policy = site.config.markdown.raw_html;
    markdown::to_html_nested(page.body(), &to_anchor, policy, nesting).html
}

#[derive(Serialize)]
struct PrintLink<'a> {
    title: &'a str,
    anchor: String,
}

#[derive(Serialize)]
struct PrintRefs<'a> {
    label: &'a str,
    pages: Vec<PrintLink<'a>>,
}

#[derive(Serialize)]
struct PrintPage<'a> {
    anchor: String,
    title: &'a str,
    level: u8,
    summary: &'a str,
    date: Option<Date>,
    fields: Vec<FieldView<'a>>,
    references: Vec<PrintRefs<'a>>,
    tags: Vec<TagLink<'a>>,
    content: &'a str,
}

#[derive(Serialize)]
struct PrintSection<'a> {
    /// The kind's directory, as the section's id (kind dirs are not page anchors).
    id: Option<&'a str>,
    title: Option<&'a str>,
    pages: Vec<PrintPage<'a>>,
}

/// Renders the booklet from each page's printable HTML (`outs[i].print`).
pub fn render(
    site: &Site,
    graph: &Graph,
    theme: &Theme,
    offline: bool,
    outs: &[PageOut],
) -> Result<Vec<u8>, Error> {
    let file = url::PRINT_FILE;
    let l = Linker {
        site,
        from: file,
        offline,
    };
    let link = |t: usize| PrintLink {
        title: &site.pages[t].title,
        anchor: anchor(site, t),
    };
    let page = |i: usize| {
        let p = &site.pages[i];
        PrintPage {
            anchor: anchor(site, i),
            title: &p.title,
            level: title_level(site, i),
            summary: &p.summary,
            date: p.date,
            fields: views::fields(p),
            references: p
                .refs
                .iter()
                .zip(&graph.refs[i])
                .filter(|(_, targets)| !targets.is_empty())
                .map(|(field, targets)| PrintRefs {
                    label: &field.label,
                    pages: targets.iter().map(|&t| link(t)).collect(),
                })
                .collect(),
            tags: l.tags(&p.tags),
            content: outs[i].print.as_deref().unwrap_or(""),
        }
    };
    let sections: Vec<PrintSection<'_>> = order(site, graph)
        .into_iter()
        .map(|part| {
            let kind = part.kind.map(|k| &site.config.kinds[k]);
            PrintSection {
                id: kind.map(|k| k.dir.as_str()),
                title: kind.map(|k| k.plural.as_str()),
                pages: part.pages.iter().map(|&i| page(i)).collect(),
            }
        })
        .collect();
    let ctx = serde_json::json!({ "site": l.site_view(None, true), "sections": sections });
    theme.render("print.html", ctx, file)
}
