//! Rendering: the site and its link graph turned into files, streamed into a [`Sink`].
//!
//! A [`Theme`] is loaded once per build (see `theme.rs`). [`render`] renders every page
//! in parallel and writes each as soon as it is ready, then the kind lists, tag pages,
//! home, search page and index, 404, printable guide, feed and sitemap.

mod aliases;
pub mod feed;
pub mod forge;
pub mod i18n;
pub mod keys;
mod lists;
pub mod map;
pub mod outputs;
pub mod print;
pub mod search;
mod theme;
pub mod url;
pub mod views;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use crate::diag::{Error, Lang, tr};
use crate::links::Graph;
use crate::markdown::{self, Heading, Rewrite, relative_target};
use crate::model::{Role, Site};
use crate::output::Sink;
pub use theme::{RENDER_STACK, Theme, theme};
use views::{Linker, TagLink};

/// How many of a kind's pages the home page lists.
const HOME_PER_KIND: usize = 4;

/// Build options that change what is rendered.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Links name files and nothing points outside the copy (`build --offline`).
    pub offline: bool,
    /// Publish drafts too, with a « brouillon » badge (`build --drafts`, `serve`).
    pub drafts: bool,
}

/// What a render produced.
#[derive(Debug, Default, Clone, Copy)]
pub struct Summary {
    /// Content pages rendered.
    pub pages: usize,
    /// Files written in all.
    pub files: usize,
}

impl Summary {
    /// The line the commands print after a build into `out` that took `elapsed`.
    pub fn line(&self, out: &Path, elapsed: std::time::Duration, lang: Lang) -> String {
        tr(
            lang,
            "summary.built",
            &[
                ("pages", self.pages.to_string()),
                ("files", self.files.to_string()),
                ("out", out.display().to_string()),
                ("ms", elapsed.as_millis().to_string()),
            ],
        )
    }
}

/// What rendering one content page leaves behind for the site-wide outputs. An
/// incremental rebuild (#4) keeps it for pages it does not render again.
pub struct PageOut {
    search: search::IndexedDoc,
    /// Body HTML of the home page, which the home template shows.
    html: Option<String>,
    /// Body HTML as the printable guide holds it, when it is built.
    print: Option<String>,
}

/// Which outputs a render writes. An incremental rebuild (#4) renders only the outputs
/// whose inputs changed ([`keys`]) and keeps the others as the previous build wrote them.
#[derive(Clone, Debug)]
pub struct Select {
    /// For each page, whether to render it (otherwise its previous [`PageOut`] is reused).
    pub pages: Vec<bool>,
    /// For each kind, each page of its list.
    pub lists: Vec<Vec<bool>>,
    /// The tag index.
    pub tags_index: bool,
    /// For each tag, each page of its list.
    pub tags: Vec<Vec<bool>>,
    /// The home page.
    pub home: bool,
    /// The search page and the 404 page, which depend only on the configuration.
    pub fixed: bool,
    /// The printable guide.
    pub print: bool,
    /// The map of the guide.
    pub map: bool,
    /// The search index script.
    pub search_index: bool,
    /// The feed and the sitemap.
    pub feed: bool,
    /// Static files and the files linked from pages, copied as they are.
    pub files: bool,
}

impl Select {
    /// Every output of `site`.
    pub fn all(site: &Site) -> Self {
        let (lists, tags) = lists::page_counts(site);
        let all = |counts: Vec<usize>| counts.into_iter().map(|n| vec![true; n]).collect();
        Select {
            pages: vec![true; site.pages.len()],
            lists: all(lists),
            tags_index: true,
            tags: all(tags),
            home: true,
            fixed: true,
            print: true,
            map: true,
            search_index: true,
            feed: true,
            files: true,
        }
    }
}

/// Renders the whole site into `sink`.
pub fn render(
    site: &Site,
    graph: &Graph,
    theme: &Theme,
    options: Options,
    sink: &dyn Sink,
) -> Result<Summary, Error> {
    render_selected(
        site,
        graph,
        theme,
        options,
        sink,
        &Select::all(site),
        Vec::new(),
    )
    .map(|(summary, _)| summary)
}

/// Renders the outputs that `select` names into `sink`. `previous[i]`, when present, is
/// what rendering page `i` left last time, reused when `select.pages[i]` is false.
/// Returns the counts of what was rendered and every page's [`PageOut`].
pub fn render_selected(
    site: &Site,
    graph: &Graph,
    theme: &Theme,
    options: Options,
    sink: &dyn Sink,
    select: &Select,
    mut previous: Vec<Option<PageOut>>,
) -> Result<(Summary, Vec<PageOut>), Error> {
    let offline = options.offline;
    let print = site.config.site.print;
    // The typed links of the map, which each page's neighbourhood map draws from.
    let map_links = site.config.site.map.then(|| map::Links::new(site, graph));
    let extras = Extras {
        print,
        map: map_links.as_ref(),
    };
    previous.resize_with(site.pages.len(), || None);
    let outs: Vec<PageOut> = previous
        .into_par_iter()
        .enumerate()
        .map(|(i, kept)| match kept {
            Some(out) if !select.pages[i] => Ok(out),
            _ => render_page(site, graph, theme, options, extras, i, sink),
        })
        .collect::<Result<_, _>>()?;
    let files = AtomicUsize::new(
        (0..site.pages.len())
            .filter(|&i| site.pages[i].role != Role::Home && select.pages[i])
            .count(),
    );
    let put = |file: &str, bytes: Vec<u8>| -> Result<(), Error> {
        files.fetch_add(1, Ordering::Relaxed);
        sink.put(file, &bytes)
    };

    // Kind lists and tag pages hold every page between them and come after all pages:
    // rendered one after the other, with the search index, they were the serial tail of
    // a build (a fifth of a 50,000-page build's time, see benches/README.md). They run in
    // parallel, beside the search index.
    let lists = || -> Result<(), Error> {
        let lists = lists::Lists {
            site,
            graph,
            theme,
            offline,
            print,
        };
        lists.kinds(select, &put)?;

        #[derive(Serialize)]
        struct TagSummary<'a> {
            #[serde(flatten)]
            link: TagLink<'a>,
            description: &'a str,
            count: usize,
        }
        if select.tags_index {
            let l = Linker {
                site,
                from: url::TAGS_FILE,
                offline,
            };
            let tags: Vec<TagSummary<'_>> = l
                .tags(&(0..site.tags.len()).collect::<Vec<_>>())
                .into_iter()
                .zip(&site.tags)
                .zip(&graph.tag_pages)
                .map(|((link, tag), pages)| TagSummary {
                    link,
                    description: &tag.description,
                    count: pages.len(),
                })
                .collect();
            let ctx = serde_json::json!({ "site": l.site_view(None, print), "tags": tags });
            put(
                url::TAGS_FILE,
                theme.render("tags.html", ctx, url::TAGS_FILE)?,
            )?;
        }
        lists.tags(select, &put)
    };
    let search_index = || -> Result<(), Error> {
        if !select.search_index {
            return Ok(());
        }
        let docs: Vec<&search::IndexedDoc> = outs.iter().map(|o| &o.search).collect();
        search::index_files(&docs, site.config.search.shard_above)
            .into_par_iter()
            .try_for_each(|(file, bytes)| put(&file, bytes))
    };
    let (lists, search_index) = rayon::join(lists, search_index);
    lists?;
    search_index?;

    if select.home {
        let file = url::page_file("");
        let l = Linker {
            site,
            from: &file,
            offline,
        };
        let home = site.page_index("");
        let content = home.and_then(|i| outs[i].html.as_deref()).unwrap_or("");
        let kinds: Vec<serde_json::Value> = site
            .config
            .kinds
            .iter()
            .enumerate()
            .map(|(k, kind)| {
                let pages = &graph.kind_pages[k];
                serde_json::json!({
                    "id": kind.id, "singular": kind.singular, "plural": kind.plural,
                    "description": kind.description, "href": l.href(&url::kind_file(&kind.dir)),
                    "count": pages.len(), "pages": l.pages(&pages[..pages.len().min(HOME_PER_KIND)]),
                })
            })
            .collect();
        let ctx = serde_json::json!({
            "site": l.site_view(None, print),
            "home": {
                "title": home.map_or(site.config.site.title.as_str(), |i| site.pages[i].title.as_str()),
                "summary": home.map_or(site.config.site.description.as_str(), |i| site.pages[i].summary.as_str()),
                "content": content,
                "kinds": kinds,
                "edit_href": home.and_then(|i| l.edit_href(i)),
            },
        });
        put(&file, theme.render("index.html", ctx, &file)?)?;
    }

    let fixed = [
        ("search.html", url::SEARCH_FILE),
        ("404.html", url::NOT_FOUND_FILE),
    ];
    for (template, file) in fixed.into_iter().filter(|_| select.fixed) {
        let l = Linker {
            site,
            from: file,
            offline,
        };
        let mut site_view = serde_json::to_value(l.site_view(None, print)).unwrap_or_default();
        // A host serves 404.html at any depth; with a known base URL, links stay right.
        let base =
            (file == url::NOT_FOUND_FILE && !offline && !site.config.site.base_url.is_empty())
                .then(|| site.config.site.base_url.clone());
        site_view["base"] = serde_json::json!(base);
        let ctx = serde_json::json!({ "site": site_view });
        put(file, theme.render(template, ctx, file)?)?;
    }

    if print && select.print {
        put(
            url::PRINT_FILE,
            print::render(site, graph, theme, offline, &outs)?,
        )?;
    }

    if let Some(links) = map_links.as_ref().filter(|_| select.map) {
        put(
            url::MAP_FILE,
            map::render(site, graph, theme, offline, links)?,
        )?;
    }

    if !offline && select.feed && site.config.site.feeds() {
        put(url::FEED_FILE, feed::site_feed(site).into_bytes())?;
        put(url::SITEMAP_FILE, feed::site_map(site).into_bytes())?;
    }

    // Files are copied as they are, streamed: an image of a gigabyte is never in memory.
    if select.files {
        let content = site.config.root.join(crate::load::CONTENT_DIR);
        let assets = outputs::published_assets(graph);
        let assets = assets.iter().map(|&file| (file, content.join(file)));
        let statics = theme.statics.iter().map(|(f, p)| (f.as_str(), p.clone()));
        for (file, path) in assets.chain(statics) {
            files.fetch_add(1, Ordering::Relaxed);
            sink.copy(file, &path)?;
        }
    }
    let summary = Summary {
        pages: site.pages.len(),
        files: files.into_inner(),
    };
    Ok((summary, outs))
}

/// What pages add when the site has the printable guide or the map.
#[derive(Clone, Copy)]
struct Extras<'a> {
    /// The printable guide is built: keep each page's body as it holds it.
    print: bool,
    /// The map is built: draw each page's neighbourhood.
    map: Option<&'a map::Links>,
}

fn render_page(
    site: &Site,
    graph: &Graph,
    theme: &Theme,
    options: Options,
    extras: Extras<'_>,
    i: usize,
    sink: &dyn Sink,
) -> Result<PageOut, Error> {
    let page = &site.pages[i];
    let file = url::page_file(&page.id);
    let l = Linker {
        site,
        from: &file,
        offline: options.offline,
    };
    let links = &graph.body[i];
    let to_draft = |dest: &str| crate::links::leads_to_draft(site, &page.source.rel, dest);
    let rewrite = |dest: &str| {
        if let Some(file) = graph.assets[i].get(dest) {
            return Some(Rewrite::To(l.href(file)));
        }
        if to_draft(dest) {
            return Some(Rewrite::Text);
        }
        let target = links.get(dest)?;
        let fragment = relative_target(dest).and_then(|(_, f)| f);
        let mut href = l.href(&url::page_file(&site.pages[*target].id));
        if let Some(f) = fragment {
            href.push('#');
            href.push_str(f);
        }
        Some(Rewrite::To(href))
    };
    let policy = site.config.markdown.raw_html;
    let body = markdown::to_html(page.body(), &rewrite, policy);
    let toc: &[Heading] = if body.headings.len() >= site.config.site.toc_min_headings {
        &body.headings
    } else {
        &[]
    };
    let kind = match page.role {
        Role::Kind(k) => Some(k),
        Role::Home | Role::Standalone => None,
    };
    if page.role != Role::Home {
        let template = kind.map_or("page.html", |k| site.config.kinds[k].template.as_str());
        let ctx = serde_json::json!({
            "site": l.site_view(kind, extras.print),
            "page": l.page_view(i, graph, &body.html, toc),
            "neighbourhood": extras.map.and_then(|m| m.neighbourhood(site, &l, i)),
        });
        sink.put(&file, &theme.render(template, ctx, &file)?)?;
    }
    aliases::render(site, theme, options, i, sink)?;
    let headings: Vec<(&str, &str)> = body
        .headings
        .iter()
        .map(|h| (h.id.as_str(), h.text.as_str()))
        .collect();
    let tags: Vec<&str> = page
        .tags
        .iter()
        .map(|&t| site.tags[t].label.as_str())
        .collect();
    let search = search::indexed(&search::Doc {
        title: &page.title,
        kind: site.kind_of(i).map_or("", |k| k.singular.as_str()),
        url: url::href("index.html", &file, options.offline),
        summary: &page.summary,
        tags,
        headings,
        spans: &body.heading_spans,
        text: &body.text,
    });
    let html = (page.role == Role::Home).then_some(body.html);
    let print = extras
        .print
        .then(|| print::page_html(site, graph, i, options.offline));
    Ok(PageOut {
        search,
        html,
        print,
    })
}
