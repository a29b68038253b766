//! Template contexts: borrowed views of the site, with every `href` already computed
//! relative to the page being rendered. Templates get all they need through these views;
//! no Tera function reaches into the site.

use serde::Serialize;

use super::cards::{Card, Cards};
use super::contexts::Html;
use super::url;
use crate::config::Licence;
use crate::date::Date;
use crate::diag::Error;
use crate::links::{Graph, Group, Link};
use crate::markdown::Heading;
use crate::model::{Page, Role, Site};

/// What every template gets as `site`.
#[derive(Serialize, Hash)]
pub struct SiteView<'a> {
    /// Site title.
    pub title: &'a str,
    /// Site description.
    pub description: &'a str,
    /// Content language.
    pub language: &'a str,
    /// Prefix from the current page to the site root, for static files.
    pub root: String,
    /// Link to the home page.
    pub home_href: String,
    /// Link to the tag index.
    pub tags_href: String,
    /// Link to the search page.
    pub search_href: String,
    /// Link to the printable guide, when it is built.
    pub print_href: Option<String>,
    /// Link to the map of the guide, when it is built.
    pub map_href: Option<String>,
    /// Link to the search index script.
    pub search_index_src: String,
    /// Link to the Atom feed (online builds with a `base_url`).
    pub feed_href: Option<String>,
    /// The site's absolute address (`base_url`, ending in `/`), or empty.
    pub base_url: &'a str,
    /// The absolute address of this page, for `<link rel="canonical">` and sharing
    /// metadata (online builds with a `base_url`).
    pub canonical: Option<String>,
    /// One entry per kind, for navigation.
    pub nav: Vec<NavView>,
    /// Whether this is an offline build.
    pub offline: bool,
    /// The content's licence (`[licence]`), if the site states one.
    pub licence: Option<&'a Licence>,
}

/// A navigation entry.
#[derive(Serialize, Hash)]
pub struct NavView {
    /// Its label.
    pub label: String,
    /// Its link.
    pub href: String,
    /// Whether the current page belongs to it.
    pub current: bool,
}

/// A link to a page, as lists show it.
#[derive(Serialize, Hash)]
pub struct PageLink<'a> {
    /// The page title.
    pub title: &'a str,
    /// The link.
    pub href: String,
    /// The summary.
    pub summary: &'a str,
    /// The kind's singular label, or empty.
    pub kind: &'a str,
    /// The publication date, if any (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`).
    pub date: Option<Date>,
    /// A draft, published only by `build --drafts` and `serve`.
    pub draft: bool,
    /// The page's card, as the theme's `card.html` renders it, in lists.
    #[serde(skip_serializing_if = "Card::is_none")]
    pub card: Card<'a>,
}

/// A link to a tag.
#[derive(Serialize, Hash)]
pub struct TagLink<'a> {
    /// The tag id.
    pub id: &'a str,
    /// The tag label.
    pub label: &'a str,
    /// The link to its page.
    pub href: String,
}

/// One group of a page's related pages (#11): the pages it names in one field, the
/// pages that name it in one field, or the pages whose text links to it.
#[derive(Serialize, Hash)]
pub struct RelationView<'a> {
    /// The field (`practices`, `see_also`), or empty for body links.
    pub field: &'a str,
    /// `forward` (the page names them), `inverse` (they name the page) or `cited`
    /// (their text links to the page).
    pub direction: &'static str,
    /// The field's label, its inverse label, or empty for body links (the theme names
    /// those: « Cité dans »).
    pub label: &'a str,
    /// The pages.
    pub pages: Vec<PageLink<'a>>,
}

/// A plain field shown on a page.
#[derive(Serialize, Hash)]
pub struct FieldView<'a> {
    /// The field name.
    pub name: &'a str,
    /// The field label.
    pub label: &'a str,
    /// Its value (a list's items joined by commas).
    pub value: &'a str,
    /// Its items: the value alone, or each item of a list.
    pub items: &'a [String],
}

/// The page's kind, for breadcrumbs.
#[derive(Serialize, Hash)]
pub struct KindView<'a> {
    /// The kind id.
    pub id: &'a str,
    /// Singular label.
    pub singular: &'a str,
    /// Plural label.
    pub plural: &'a str,
    /// Link to the kind's list.
    pub href: String,
}

/// What `page.html` (and a kind's own template) gets as `page`.
#[derive(Serialize, Hash)]
pub struct PageView<'a> {
    /// The page id.
    pub id: &'a str,
    /// The title.
    pub title: &'a str,
    /// The summary.
    pub summary: &'a str,
    /// Publication date (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`: as precise as its source).
    pub date: Option<Date>,
    /// Last change, likewise.
    pub updated: Option<Date>,
    /// Its kind, if any.
    pub kind: Option<KindView<'a>>,
    /// Its tags.
    pub tags: Vec<TagLink<'a>>,
    /// The body HTML.
    pub content: Html<'a>,
    /// The table of contents, when the page is long enough to need one.
    pub toc: &'a [Heading],
    /// Declared plain fields.
    pub fields: Vec<FieldView<'a>>,
    /// Related pages grouped by relation: forward fields, inverse fields, body links;
    /// each page once, under its most specific relation.
    pub relations: Vec<RelationView<'a>>,
    /// The page before it in reading order, if any.
    pub previous: Option<PageLink<'a>>,
    /// The page after it in reading order, if any.
    pub next: Option<PageLink<'a>>,
    /// Pages on close subjects.
    pub related: Vec<PageLink<'a>>,
    /// A draft, published only by `build --drafts` and `serve`.
    pub draft: bool,
    /// The link to edit its file on the forge (`[forge] edit`; online builds only).
    pub edit_href: Option<String>,
}

/// What a page's view reads of the link graph, and all it reads of it: the view takes
/// these rows, not the graph, so that their hash covers the graph's part in the page
/// (an incremental rebuild reuses a page's key while they stay the same).
#[derive(Clone, Copy, Hash)]
pub struct PageRows<'g> {
    /// Its related pages grouped by relation.
    pub relations: &'g [Group],
    /// The pages before and after it in reading order.
    pub neighbours: (Option<usize>, Option<usize>),
    /// Pages on close subjects.
    pub related: &'g [usize],
}

impl<'g> PageRows<'g> {
    /// Page `i`'s rows of `graph`.
    pub fn of(graph: &'g Graph, i: usize) -> Self {
        PageRows {
            relations: &graph.relations[i],
            neighbours: graph.neighbours[i],
            related: &graph.related[i],
        }
    }
}

/// The plain fields page `page` fills, as shown.
pub fn fields(page: &Page) -> Vec<FieldView<'_>> {
    page.values
        .iter()
        .map(|v| FieldView {
            name: &v.name,
            label: &v.label,
            value: &v.text,
            items: &v.items,
        })
        .collect()
}

thread_local! {
    /// The pages read while [`recording_reads`] runs, on this thread.
    static READS: std::cell::RefCell<Option<Vec<usize>>> = const { std::cell::RefCell::new(None) };
}

/// Runs `build` (which builds one output's views on this thread) and returns, with its
/// result, the pages whose links it made ([`Linker::page`]), sorted, each once. An
/// incremental rebuild (#4) reuses an output's key when none of them changed.
pub fn recording_reads<R>(build: impl FnOnce() -> R) -> (R, Vec<u32>) {
    let outer = READS.with(|r| r.borrow_mut().replace(Vec::new()));
    let result = build();
    let reads = READS.with(|r| std::mem::replace(&mut *r.borrow_mut(), outer));
    let mut reads: Vec<u32> = reads
        .unwrap_or_default()
        .into_iter()
        .map(|i| i as u32)
        .collect();
    reads.sort_unstable();
    reads.dedup();
    (result, reads)
}

/// Computes links relative to one output file.
pub struct Linker<'a, 'f> {
    /// The site.
    pub site: &'a Site,
    /// The output file being rendered.
    pub from: &'f str,
    /// Whether links must name files.
    pub offline: bool,
    /// The cards of the lists, when rendering with a theme that has them.
    pub cards: Option<&'a Cards<'a>>,
}

impl<'a> Linker<'a, '_> {
    /// A link to an output file.
    pub fn href(&self, to: &str) -> String {
        url::href(self.from, to, self.offline)
    }

    /// A link to the page whose id is `id` (`""`: the home page).
    pub fn page_href(&self, id: &str) -> String {
        url::page_href(self.from, id, self.offline)
    }

    /// A link to page `i`, noted as read ([`recording_reads`]): this is how a view
    /// reads another page.
    pub fn page(&self, i: usize) -> PageLink<'a> {
        READS.with(|r| {
            if let Some(reads) = r.borrow_mut().as_mut() {
                reads.push(i);
            }
        });
        let page = &self.site.pages[i];
        PageLink {
            title: &page.title,
            href: self.page_href(&page.id),
            summary: &page.summary,
            kind: self.site.kind_of(i).map_or("", |k| k.singular.as_str()),
            date: page.date,
            draft: page.draft,
            card: Card::default(),
        }
    }

    /// Page `i` as an entry of a list, with its card when there are cards; `mixed`:
    /// the list holds pages of several kinds (a page's relations and related pages).
    pub fn entry(&self, i: usize, mixed: bool) -> PageLink<'a> {
        let mut link = self.page(i);
        if let Some(cards) = self.cards {
            link.card = Card(cards.card(i, &link, self.from, mixed));
        }
        link
    }

    /// The entries of a list of pages `list` ([`Linker::entry`]).
    pub fn entries(&self, list: &[usize], mixed: bool) -> Vec<PageLink<'a>> {
        list.iter().map(|&i| self.entry(i, mixed)).collect()
    }

    /// The error of a card that could not be rendered for this file's lists, if any.
    pub fn cards_rendered(&self) -> Result<(), Error> {
        self.cards.map_or(Ok(()), Cards::check)
    }

    /// Links to the tags `list`.
    pub fn tags(&self, list: &[usize]) -> Vec<TagLink<'a>> {
        list.iter()
            .map(|&t| {
                let tag = &self.site.tags[t];
                TagLink {
                    id: &tag.id,
                    label: &tag.label,
                    href: self.href(&url::tag_file(&tag.id)),
                }
            })
            .collect()
    }

    /// The view of one group of related pages.
    fn relation(&self, group: &Group) -> RelationView<'a> {
        let relations = &self.site.config.relations;
        let (field, direction, label) = match group.link {
            Link::Forward(r) => (
                relations[r].field.as_str(),
                "forward",
                relations[r].label.as_str(),
            ),
            Link::Inverse(r) => (
                relations[r].field.as_str(),
                "inverse",
                relations[r].inverse.as_str(),
            ),
            Link::CitedIn => ("", "cited", ""),
        };
        RelationView {
            field,
            direction,
            label,
            pages: self.entries(&group.pages, true),
        }
    }

    /// The `site` view for this output file.
    pub fn site_view(&self, current_kind: Option<usize>, print: bool) -> SiteView<'a> {
        let config = &self.site.config;
        SiteView {
            title: &config.site.title,
            description: &config.site.description,
            language: &config.language,
            root: url::root(self.from),
            home_href: self.page_href(""),
            tags_href: self.href(url::TAGS_FILE),
            search_href: self.href(url::SEARCH_FILE),
            print_href: print.then(|| self.href(url::PRINT_FILE)),
            map_href: config.site.map.then(|| self.href(url::MAP_FILE)),
            search_index_src: self.href(url::SEARCH_INDEX_FILE),
            feed_href: (!self.offline && config.site.feeds()).then(|| self.href(url::FEED_FILE)),
            base_url: &config.site.base_url,
            canonical: (!self.offline && config.site.feeds())
                .then(|| format!("{}{}", config.site.base_url, url::online_path(self.from))),
            nav: config
                .kinds
                .iter()
                .enumerate()
                .map(|(k, kind)| NavView {
                    label: kind.plural.clone(),
                    href: self.href(&url::kind_file(&kind.dir)),
                    current: current_kind == Some(k),
                })
                .collect(),
            offline: self.offline,
            licence: config.licence.as_ref(),
        }
    }

    /// The `page` view of page `i`.
    pub fn page_view(
        &self,
        i: usize,
        rows: PageRows<'_>,
        content: Html<'a>,
        toc: &'a [Heading],
    ) -> PageView<'a> {
        let page: &'a Page = &self.site.pages[i];
        let kind = match page.role {
            Role::Kind(k) => {
                let kind = &self.site.config.kinds[k];
                Some(KindView {
                    id: &kind.id,
                    singular: &kind.singular,
                    plural: &kind.plural,
                    href: self.href(&url::kind_file(&kind.dir)),
                })
            }
            Role::Home | Role::Standalone => None,
        };
        PageView {
            id: &page.id,
            title: &page.title,
            summary: &page.summary,
            date: page.date,
            updated: page.updated,
            kind,
            tags: self.tags(&page.tags),
            content,
            toc,
            fields: fields(page),
            relations: rows.relations.iter().map(|g| self.relation(g)).collect(),
            previous: rows.neighbours.0.map(|j| self.page(j)),
            next: rows.neighbours.1.map(|j| self.page(j)),
            related: self.entries(rows.related, true),
            draft: page.draft,
            edit_href: self.edit_href(i),
        }
    }

    /// The link to edit page `i`'s file on the forge, if the site has one. An offline
    /// copy points nowhere outside itself.
    pub fn edit_href(&self, i: usize) -> Option<String> {
        let page = &self.site.pages[i];
        (!self.offline)
            .then(|| super::forge::edit_href(&self.site.config, &page.source.rel))
            .flatten()
    }

    /// The link to propose a new page of kind `k` on the forge, if the site has one.
    pub fn new_href(&self, k: usize) -> Option<String> {
        let config = &self.site.config;
        (!self.offline)
            .then(|| super::forge::new_href(config, &config.kinds[k]))
            .flatten()
    }
}
