//! The printable guide: every page of the site on one page, in reading order, to print
//! as a booklet. One `<h1>` (the site's title); the home text under it; each kind a
//! section whose pages' titles are `<h3>`; standalone pages after them, titled `<h2>`.
//! Each page's body is nested one level below its title, and every id it defines is
//! prefixed with the page's anchor, so that ids are unique in the booklet and links
//! between pages (with their `#fragment`) land on the right heading.

use serde::Serialize;

use super::contexts::{Html, PrintContext};
use super::url;
use super::views::{self, FieldView, Linker, TagLink};
use crate::date::Date;
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

/// What becomes of destination `dest` of page `i`'s body in the booklet: links to pages
/// become anchors of the booklet, files keep their address, drafts their text only.
pub fn rewrite(site: &Site, graph: &Graph, i: usize, offline: bool, dest: &str) -> Option<Rewrite> {
    match graph.assets[i].get(dest) {
        Some(file) => Some(Rewrite::To(url::href(url::PRINT_FILE, file, offline))),
        None if leads_to_draft(site, &site.pages[i].source.rel, dest) => Some(Rewrite::Text),
        None => graph.body[i].get(dest).map(|&t| {
            let target = anchor(site, t);
            Rewrite::To(match relative_target(dest).and_then(|(_, f)| f) {
                Some(fragment) if !fragment.is_empty() => format!("#{target}-{fragment}"),
                _ => format!("#{target}"),
            })
        }),
    }
}

/// Page `i`'s body (`body`, its Markdown) as the booklet holds it: ids prefixed with its
/// anchor, headings one level below its title, links rewritten by `to_anchor` (see
/// [`rewrite`]).
pub fn page_html(
    site: &Site,
    i: usize,
    body: &str,
    to_anchor: &dyn Fn(&str) -> Option<Rewrite>,
) -> String {
    let nesting = Nesting {
        id_prefix: &anchor(site, i),
        shift: title_level(site, i) - 1,
    };
    let policy = site.config.markdown.raw_html;
    markdown::to_html_nested(body, to_anchor, policy, nesting).html
}

/// A page a printed page refers to, by its anchor in the booklet.
#[derive(Serialize, Hash)]
pub struct PrintLink<'a> {
    /// Its title.
    title: &'a str,
    /// Its anchor.
    anchor: String,
}

/// The pages one reference field of a printed page names.
#[derive(Serialize, Hash)]
pub struct PrintRefs<'a> {
    /// The field's label.
    label: &'a str,
    /// The pages.
    pages: Vec<PrintLink<'a>>,
}

/// One page of the booklet.
#[derive(Serialize, Hash)]
pub struct PrintPage<'a> {
    /// Its anchor.
    anchor: String,
    /// Its title.
    title: &'a str,
    /// The level of its title.
    level: u8,
    /// Its summary.
    summary: &'a str,
    /// Its publication date.
    date: Option<Date>,
    /// Its plain fields.
    fields: Vec<FieldView<'a>>,
    /// Its references, one group per field.
    references: Vec<PrintRefs<'a>>,
    /// Its tags.
    tags: Vec<TagLink<'a>>,
    /// Its body as the booklet holds it ([`page_html`]).
    content: Html<'a>,
}

/// A section of the booklet: a kind's pages, or one page without a kind.
#[derive(Serialize, Hash)]
pub struct PrintSection<'a> {
    /// The kind's directory, as the section's id (kind dirs are not page anchors).
    id: Option<&'a str>,
    /// The kind's plural label.
    title: Option<&'a str>,
    /// Its pages.
    pages: Vec<PrintPage<'a>>,
}

/// The booklet's context, with `content(i)` as page `i`'s body.
pub fn context<'a>(
    site: &'a Site,
    graph: &'a Graph,
    offline: bool,
    content: &dyn Fn(usize) -> Html<'a>,
) -> PrintContext<'a> {
    let l = Linker {
        site,
        from: url::PRINT_FILE,
        offline,
        cards: None,
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
            content: content(i),
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
    PrintContext {
        site: l.site_view(None, true),
        sections,
    }
}
