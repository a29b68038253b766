//! Rendering: the site and its link graph turned into files, streamed into a [`Sink`].
//!
//! A [`Theme`] is loaded once per build (see `theme.rs`). [`Renderer::render`] renders
//! every page in parallel and writes each as soon as it is ready, then each family of
//! site-wide outputs in its own method: kind lists and tag pages, search index, home,
//! search and 404 pages, printable guide, map, feed and sitemap. Each template gets a
//! typed context (`contexts.rs`); an incremental rebuild renders only the outputs whose
//! context's hash moved ([`Renderer::keys`], [`select`]). Files copied as they are
//! ([`outputs::copies`]) are the caller's.

mod cards;
pub mod contexts;
pub mod feed;
pub mod forge;
mod home;
pub mod i18n;
pub mod keys;
mod lists;
pub mod map;
mod ordered;
pub mod outputs;
mod pages;
mod partials;
pub mod print;
pub mod search;
mod theme;
pub mod url;
pub mod views;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::diag::{Error, Lang, tr};
use crate::links::Graph;
use crate::model::{Role, Site};
use crate::output::Sink;
use cards::Cards;
use contexts::Html;
pub use keys::{Keys, Record, Reuse, Select, select};
use lists::Put;
use pages::Pages;
pub use theme::{RENDER_STACK, Theme, theme};
use views::Linker;

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
    /// The body as last rendered, with what it read.
    body: pages::Body,
    /// The search entry (`None` until the page is rendered).
    search: Option<search::IndexedDoc>,
    /// Body HTML of the home page, which the home template shows.
    html: Option<String>,
    /// Body HTML as the printable guide holds it, when it is built.
    print: Option<String>,
}

impl PageOut {
    /// Whether the page was rendered (rather than only its body prepared).
    pub fn is_rendered(&self) -> bool {
        self.search.is_some()
    }
}

/// Renders the whole site into `sink` (the files it copies as they are, see
/// [`outputs::copies`], are the caller's). Returns the counts, and what each page left,
/// for the caller to free when it suits it: at 100,000 pages, freeing it took a tenth
/// of a second at the end of a build.
pub fn render(
    site: &Site,
    graph: &Graph,
    theme: &Theme,
    options: Options,
    sink: &dyn Sink,
) -> Result<(Summary, Vec<PageOut>), Error> {
    let renderer = Renderer::new(site, graph, theme, options, &[]);
    renderer.render(&Select::all(site, graph), Vec::new(), sink)
}

/// Renders outputs of one site: all of them ([`render`]), or those an incremental
/// rebuild (#4) selects by comparing [`Renderer::keys`] with the previous build's.
pub struct Renderer<'a> {
    site: &'a Site,
    graph: &'a Graph,
    theme: &'a Theme,
    options: Options,
    /// The caller's hash of each page's source, to know which kept bodies still hold
    /// (empty: none are kept).
    sources: &'a [u64],
    /// The typed links of the map, which each page's neighbourhood map draws from.
    map: Option<map::Links>,
    /// The search index kept between renders, if any (see [`Renderer::with_index`]).
    index: std::sync::Mutex<Option<search::Index>>,
}

impl<'a> Renderer<'a> {
    /// A renderer of `site`; `sources[i]` is a hash of page `i`'s file, or `sources` is
    /// empty when nothing is kept between renders.
    pub fn new(
        site: &'a Site,
        graph: &'a Graph,
        theme: &'a Theme,
        options: Options,
        sources: &'a [u64],
    ) -> Self {
        let map = site.config.site.map.then(|| map::Links::new(site, graph));
        Renderer {
            site,
            graph,
            theme,
            options,
            sources,
            map,
            index: Default::default(),
        }
    }

    /// Keeps `index` up to date with the pages: when the search index is rendered, only
    /// what changed since `index` was last written is made again (see
    /// [`search::Index`]). Without it, each render makes the whole index.
    pub fn with_index(self, index: search::Index) -> Self {
        Renderer {
            index: Some(index).into(),
            ..self
        }
    }

    /// The index given to [`Renderer::with_index`], as the last render left it.
    pub fn take_index(&self) -> Option<search::Index> {
        self.index.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    /// The site, its links, its theme and the build's options.
    pub fn parts(&self) -> (&'a Site, &'a Graph, &'a Theme, Options) {
        (self.site, self.graph, self.theme, self.options)
    }

    fn pages(&self) -> Pages<'_> {
        Pages {
            site: self.site,
            graph: self.graph,
            options: self.options,
            map: self.map.as_ref(),
            cards: None,
        }
    }

    fn source(&self, i: usize) -> u64 {
        self.sources.get(i).copied().unwrap_or(0)
    }

    /// Each page's `kept` render (in page order), its body rendered again where the
    /// page's source changed, ready for [`Renderer::keys`].
    pub fn prepare(&self, kept: Vec<Option<PageOut>>) -> Vec<PageOut> {
        let pages = self.pages();
        let mut kept = kept;
        kept.resize_with(self.site.pages.len(), || None);
        kept.into_par_iter()
            .enumerate()
            .map(|(i, out)| {
                let (body, search, html, print) = match out {
                    Some(o) => (Some(o.body), o.search, o.html, o.print),
                    None => (None, None, None, None),
                };
                let body = pages.refresh(i, self.source(i), body);
                PageOut {
                    body,
                    search,
                    html,
                    print,
                }
            })
            .collect()
    }

    /// The key of every output, from each page's [`PageOut`], reusing what `reuse`
    /// trusts; and the record of what each key read, for the next rebuild.
    pub fn keys(&self, outs: &[PageOut], reuse: Option<&Reuse<'_>>) -> (Keys, Record) {
        keys::keys(&self.pages(), outs, reuse)
    }

    /// Renders the outputs that `select` names into `sink`. `previous[i]`, when present,
    /// is what rendering page `i` left last time, reused when `select.pages[i]` is false.
    /// Returns the counts of what was rendered and every page's [`PageOut`].
    pub fn render(
        &self,
        select: &Select,
        mut previous: Vec<Option<PageOut>>,
        sink: &dyn Sink,
    ) -> Result<(Summary, Vec<PageOut>), Error> {
        let files = AtomicUsize::new(
            (0..self.site.pages.len())
                .filter(|&i| self.site.pages[i].role != Role::Home && select.pages[i])
                .count(),
        );
        let put = |file: &str, bytes: Vec<u8>| -> Result<(), Error> {
            files.fetch_add(1, Ordering::Relaxed);
            sink.put(file, &bytes)
        };
        // Nothing is kept for a later render (a one-shot build): each page's text is
        // freed once the page is rendered, its last use, and the search index's chunks
        // are made as the pages come.
        let one_shot = self.sources.is_empty() && previous.iter().all(Option::is_none);
        let chunks = self.chunks(select, one_shot);
        previous.resize_with(self.site.pages.len(), || None);
        // The cards of the pages' relations and related pages, freed with the pages.
        let cards = Cards::new(self.theme, self.site.pages.len());
        let pages = Pages {
            cards: cards.as_ref(),
            ..self.pages()
        };
        // A template that fails for every page names the first one, whichever thread
        // met it first (render/ordered.rs).
        let outs: Vec<PageOut> = ordered::try_map(
            previous.into_par_iter().enumerate(),
            |(i, kept)| match kept {
                Some(out) if !select.pages[i] && out.search.is_some() => Ok(out),
                kept => {
                    let body = kept.map(|o| o.body);
                    let mut out = pages.render(self.theme, i, self.source(i), body, sink)?;
                    let search = out.search.as_mut();
                    let chunk = chunks.as_ref().zip(search).and_then(|(c, s)| c.add(i, s));
                    chunk.map_or(Ok(()), |(file, bytes)| put(&file, bytes))?;
                    if one_shot {
                        self.site.pages[i].source.text.release();
                    }
                    Ok(out)
                }
            },
        )?;
        drop(cards);
        // Kind lists and tag pages hold every page between them and come after all pages:
        // rendered one after the other, with the search index, they were the serial tail
        // of a build (a fifth of a 50,000-page build's time, see benches/README.md). They
        // run in parallel, beside the search index.
        let (lists, index) = rayon::join(
            || self.lists(select, &put),
            || self.search_index(select, &outs, chunks.is_some(), &put, sink),
        );
        lists?;
        index?;
        self.home(select, &outs, &put)?;
        self.fixed(select, &put)?;
        self.print(select, &outs, &put)?;
        self.map(select, &put)?;
        self.feed(select, &put)?;
        let summary = Summary {
            pages: self.site.pages.len(),
            files: files.into_inner(),
        };
        Ok((summary, outs))
    }

    fn linker<'f>(&self, file: &'f str) -> Linker<'a, 'f> {
        Linker {
            site: self.site,
            from: file,
            offline: self.options.offline,
            cards: None,
        }
    }

    fn lists(&self, select: &Select, put: &Put<'_>) -> Result<(), Error> {
        let print = self.site.config.site.print;
        let cards = Cards::new(self.theme, self.site.pages.len());
        let (site, graph, offline) = (self.site, self.graph, self.options.offline);
        let lists = lists::Lists::new(site, graph, offline, print, cards.as_ref());
        lists.kinds(self.theme, select, put)?;
        lists.tags(self.theme, select, put)
    }

    /// The search index's chunks made while the pages render, when every page renders
    /// now and nothing is kept for a later render (`one_shot`; see [`search::Chunks`]).
    fn chunks(&self, select: &Select, one_shot: bool) -> Option<search::Chunks> {
        let all = select.search_index && select.pages.iter().all(|&s| s);
        (all && one_shot).then(|| search::Chunks::new(self.site.pages.len()))
    }

    /// The search index's files; its chunks only when they were not `streamed`.
    fn search_index(
        &self,
        select: &Select,
        outs: &[PageOut],
        streamed: bool,
        put: &Put<'_>,
        sink: &dyn Sink,
    ) -> Result<(), Error> {
        if !select.search_index {
            return Ok(());
        }
        let mut index = self.index.lock().unwrap_or_else(|e| e.into_inner());
        let shard_above = self.site.config.search.shard_above;
        let index = index.as_mut();
        write_search_index(outs.iter(), index, shard_above, !streamed, put, sink)
    }

    fn home(&self, select: &Select, outs: &[PageOut], put: &Put<'_>) -> Result<(), Error> {
        if !select.home {
            return Ok(());
        }
        let file = url::page_file("");
        let html = self
            .site
            .page_index("")
            .and_then(|i| outs[i].html.as_deref());
        // Rendering serializes the HTML only: its key matters to [`Renderer::keys`].
        let content = Html {
            html: html.unwrap_or(""),
            key: 0,
        };
        let cards = Cards::new(self.theme, self.site.pages.len());
        let l = Linker {
            cards: cards.as_ref(),
            ..self.linker(&file)
        };
        let ctx = home::context(self.site, self.graph, &l, content);
        l.cards_rendered()?;
        put(&file, self.theme.render("index.html", &ctx, &file)?)
    }

    fn fixed(&self, select: &Select, put: &Put<'_>) -> Result<(), Error> {
        for (template, file) in home::FIXED.into_iter().filter(|_| select.fixed) {
            let ctx = home::fixed(self.site, &self.linker(file));
            put(file, self.theme.render(template, &ctx, file)?)?;
        }
        Ok(())
    }

    fn print(&self, select: &Select, outs: &[PageOut], put: &Put<'_>) -> Result<(), Error> {
        if !(self.site.config.site.print && select.print) {
            return Ok(());
        }
        let content = |i: usize| Html {
            html: outs[i].print.as_deref().unwrap_or(""),
            key: 0,
        };
        let ctx = print::context(self.site, self.graph, self.options.offline, &content);
        let file = url::PRINT_FILE;
        put(file, self.theme.render("print.html", &ctx, file)?)
    }

    fn map(&self, select: &Select, put: &Put<'_>) -> Result<(), Error> {
        let Some(links) = self.map.as_ref().filter(|_| select.map) else {
            return Ok(());
        };
        let file = url::MAP_FILE;
        let ctx = map::context(self.site, self.graph, &self.linker(file), links);
        put(file, self.theme.render("map.html", &ctx, file)?)
    }

    fn feed(&self, select: &Select, put: &Put<'_>) -> Result<(), Error> {
        if self.options.offline || !select.feed || !self.site.config.site.feeds() {
            return Ok(());
        }
        let view = feed::view(self.site);
        put(url::FEED_FILE, view.atom().into_bytes())?;
        put(url::SITEMAP_FILE, view.sitemap().into_bytes())
    }
}

/// Writes the search index of the pages that rendering left (`outs`, in page order) into
/// `sink` through `put`, with its chunks when `chunks`; `index` as in
/// [`Renderer::with_index`].
fn write_search_index<'o>(
    outs: impl Iterator<Item = &'o PageOut>,
    index: Option<&mut search::Index>,
    shard_above: usize,
    chunks: bool,
    put: &Put<'_>,
    sink: &dyn Sink,
) -> Result<(), Error> {
    let docs: Vec<&search::IndexedDoc> = outs.filter_map(|o| o.search.as_ref()).collect();
    let put = |file: String, bytes| put(&file, bytes);
    let kept = |file: &str| sink.kept(file);
    let out = search::Out {
        put: &put,
        kept: &kept,
    };
    search::write_index(index, &docs, shard_above, chunks, &out)
}

/// Writes the search index alone into `sink`, after a render that left it for later:
/// from what that render left of each page (`outs`, in page order), bringing up to date
/// the `index` it kept (see [`Renderer::with_index`]). Returns how many files were made.
pub fn search_index_alone(
    outs: &[Option<PageOut>],
    index: &mut search::Index,
    shard_above: usize,
    sink: &dyn Sink,
) -> Result<usize, Error> {
    let files = AtomicUsize::new(0);
    let put = |file: &str, bytes: Vec<u8>| -> Result<(), Error> {
        files.fetch_add(1, Ordering::Relaxed);
        sink.put(file, &bytes)
    };
    let outs = outs.iter().flatten();
    write_search_index(outs, Some(index), shard_above, true, &put, sink)?;
    Ok(files.into_inner())
}
