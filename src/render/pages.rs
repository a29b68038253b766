//! Content pages: each page's body rendered from Markdown, the context its template gets,
//! its aliases' redirects, its search entry and its body as the printable guide holds it.
//!
//! A body's HTML depends on the page's text and on what the link rewriter answers for
//! each destination in it (the target page's address, a draft's text, a file of
//! `content/`). [`Body`] records the destinations it was asked about, so that the key of
//! a body ([`Body::key`]) is a hash of the text and of the rewriter's answers today: no
//! list of what a rewriter reads is kept by hand, and a body is rendered again only when
//! an answer or the text changed.

use std::cell::RefCell;
use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;

use super::cards::Cards;
use super::contexts::{AliasContext, AliasTarget, Html, PageContext};
use super::views::{Linker, PageRows};
use super::{Options, PageOut, Theme, map, print, search, url};
use crate::diag::Error;
use crate::links::{Graph, leads_to_draft};
use crate::markdown::{self, Heading, Rendered, Rewrite, relative_target};
use crate::model::{Role, Site};
use crate::output::Sink;

/// A link rewriter: what becomes of each relative destination of a body.
type Rewriter<'a> = dyn Fn(&str) -> Option<Rewrite> + 'a;

/// What rendering one body read besides its page's text.
#[derive(Clone, Debug, Default)]
struct Memo {
    /// Every destination the rewriter was asked about, in order.
    dests: Vec<String>,
}

impl Memo {
    /// A hash of `source` and of what `rewrite` answers for each recorded destination.
    fn key(&self, source: u64, rewrite: &Rewriter<'_>) -> u64 {
        let mut h = FxHasher::default();
        source.hash(&mut h);
        for dest in &self.dests {
            (dest, rewrite(dest)).hash(&mut h);
        }
        h.finish()
    }

    /// Runs `render` with `rewrite`, recording the destinations it asks about.
    fn record<R>(rewrite: &Rewriter<'_>, render: impl FnOnce(&Rewriter<'_>) -> R) -> (R, Memo) {
        let dests = RefCell::new(Vec::new());
        let recording = |dest: &str| {
            dests.borrow_mut().push(dest.to_owned());
            rewrite(dest)
        };
        let out = render(&recording);
        (
            out,
            Memo {
                dests: dests.into_inner(),
            },
        )
    }
}

/// A page's body as last rendered: what it read, its headings, and, until the page is
/// rendered, the HTML itself.
#[derive(Debug, Default)]
pub(super) struct Body {
    /// The caller's hash of the page's source it was rendered from (0 if none).
    source: u64,
    /// What the page's body read.
    memo: Memo,
    /// What the booklet's copy of the body read, when the site has one.
    print: Option<Memo>,
    /// The body's headings, for the table of contents.
    headings: Vec<Heading>,
    /// Rendered before the page was selected, not yet used.
    fresh: Option<(Rendered, Option<String>)>,
}

/// What rendering every page needs: the site, its links and the build's options.
#[derive(Clone, Copy)]
pub(super) struct Pages<'a> {
    pub(super) site: &'a Site,
    pub(super) graph: &'a Graph,
    pub(super) options: Options,
    /// The typed links of the map, when it is built: each page draws its neighbourhood.
    pub(super) map: Option<&'a map::Links>,
    /// The cards of the lists on pages, when rendering with a theme that has them.
    pub(super) cards: Option<&'a Cards<'a>>,
}

impl<'a> Pages<'a> {
    fn linker<'f>(&self, file: &'f str) -> Linker<'a, 'f> {
        Linker {
            site: self.site,
            from: file,
            offline: self.options.offline,
            cards: self.cards,
        }
    }

    /// Page `i`'s link rewriter, for links seen from `l`.
    fn rewriter<'b>(
        &'b self,
        l: &'b Linker<'a, '_>,
        i: usize,
    ) -> impl Fn(&str) -> Option<Rewrite> + 'b {
        let (site, graph) = (self.site, self.graph);
        move |dest: &str| {
            if let Some(file) = graph.assets[i].get(dest) {
                return Some(Rewrite::To(l.href(file)));
            }
            if leads_to_draft(site, &site.pages[i].source.rel, dest) {
                return Some(Rewrite::Text);
            }
            let target = graph.body[i].get(dest)?;
            let mut href = l.page_href(&site.pages[*target].id);
            if let Some(f) = relative_target(dest).and_then(|(_, f)| f) {
                href.push('#');
                href.push_str(f);
            }
            Some(Rewrite::To(href))
        }
    }

    /// Page `i`'s rewriter for the booklet's copy of its body.
    fn print_rewriter(&self, i: usize) -> impl Fn(&str) -> Option<Rewrite> + '_ {
        move |dest: &str| print::rewrite(self.site, self.graph, i, self.options.offline, dest)
    }

    /// Renders page `i`'s body (and its booklet copy), recording what they read.
    pub(super) fn body(&self, i: usize, source: u64) -> Body {
        let page = &self.site.pages[i];
        let file = url::page_file(&page.id);
        let l = self.linker(&file);
        let policy = self.site.config.markdown.raw_html;
        let rewrite = self.rewriter(&l, i);
        // Decompressed once (a large site's sources are kept packed, see `load::Text`).
        let text = page.body();
        // The heading ids as the link stage's scan gave them, not slugified again; the
        // body as its parse rendered it, if it did (see `markdown::Prepared`).
        let ids = &self.graph.anchors[i].ids;
        let prepared = self.graph.take_prepared(i);
        let (rendered, memo) = Memo::record(&rewrite, |r| {
            let spliced = prepared.and_then(|p| p.splice(&text, r));
            spliced.unwrap_or_else(|| markdown::to_html_scanned(&text, ids, r, policy))
        });
        let (print, print_memo) = match self.site.config.site.print {
            true => {
                let rewrite = self.print_rewriter(i);
                let (html, memo) =
                    Memo::record(&rewrite, |r| print::page_html(self.site, i, &text, r));
                (Some(html), Some(memo))
            }
            false => (None, None),
        };
        Body {
            source,
            memo,
            print: print_memo,
            headings: rendered.headings.clone(),
            fresh: Some((rendered, print)),
        }
    }

    /// Page `i`'s `kept` body if it was rendered from `source`, else a new one.
    pub(super) fn refresh(&self, i: usize, source: u64, kept: Option<Body>) -> Body {
        match kept {
            Some(body) if body.source == source && source != 0 => body,
            _ => self.body(i, source),
        }
    }

    /// The keys of page `i`'s body and of its booklet copy: hashes of its source and of
    /// what their rewriters answer today.
    pub(super) fn body_keys(&self, i: usize, body: &Body) -> (u64, u64) {
        let file = url::page_file(&self.site.pages[i].id);
        let l = self.linker(&file);
        let main = body.memo.key(body.source, &self.rewriter(&l, i));
        let print = body
            .print
            .as_ref()
            .map_or(0, |m| m.key(body.source, &self.print_rewriter(i)));
        (main, print)
    }

    /// The context of page `i`'s template, seen from `l`, with its body `content`.
    pub(super) fn context(
        &self,
        i: usize,
        l: &Linker<'a, '_>,
        content: Html<'a>,
        headings: &'a [Heading],
    ) -> PageContext<'a> {
        let toc = match headings.len() >= self.site.config.site.toc_min_headings {
            true => headings,
            false => &[],
        };
        PageContext {
            site: l.site_view(kind(self.site, i), self.site.config.site.print),
            page: l.page_view(i, PageRows::of(self.graph, i), content, toc),
            neighbourhood: self.map.and_then(|m| m.neighbourhood(self.site, l, i)),
        }
    }

    /// The redirect pages of page `i`'s aliases: each file and its context.
    pub(super) fn aliases(&self, i: usize) -> Vec<(String, AliasContext<'a>)> {
        let site = self.site;
        let page = &site.pages[i];
        let page_file = url::page_file(&page.id);
        let base_url = &site.config.site.base_url;
        page.aliases
            .iter()
            .map(|alias| {
                let file = url::page_file(&alias.path);
                let l = self.linker(&file);
                let target = l.href(&page_file);
                let canonical = match self.options.offline || base_url.is_empty() {
                    true => target.clone(),
                    false => format!("{base_url}{}", url::online_path(&page_file)),
                };
                let ctx = AliasContext {
                    site: l.site_view(None, site.config.site.print),
                    page: AliasTarget { title: &page.title },
                    target,
                    canonical,
                };
                (file, ctx)
            })
            .collect()
    }

    /// What page `i`'s search entry holds besides its body.
    fn search_entry(&self, i: usize, file: &str) -> SearchEntry<'a> {
        let site = self.site;
        let page = &site.pages[i];
        SearchEntry {
            title: &page.title,
            kind: site.kind_of(i).map_or("", |k| k.singular.as_str()),
            url: url::href("index.html", file, self.options.offline),
            summary: &page.summary,
            tags: page
                .tags
                .iter()
                .map(|&t| site.tags[t].label.as_str())
                .collect(),
        }
    }

    /// The keys of page `i`'s outputs (its page, aliases and booklet copy) and of its
    /// search entry, from `body`: hashes of everything their templates receive.
    /// `body_keys` are [`Pages::body_keys`].
    pub(super) fn keys(&self, i: usize, body: &Body, body_keys: (u64, u64)) -> (u64, u64) {
        let page = &self.site.pages[i];
        let file = url::page_file(&page.id);
        let l = self.linker(&file);
        let (main, print) = body_keys;
        let content = Html {
            html: "",
            key: main,
        };
        let mut h = FxHasher::default();
        if page.role != Role::Home {
            let template = self.template(i);
            (template, self.context(i, &l, content, &body.headings)).hash(&mut h);
        }
        self.aliases(i).hash(&mut h);
        print.hash(&mut h);
        let search = super::keys::key((self.search_entry(i, &file), &body.headings, main));
        search.hash(&mut h);
        (h.finish(), search)
    }

    /// The template of page `i`: its kind's, or `page.html`.
    fn template(&self, i: usize) -> &'a str {
        let kinds = &self.site.config.kinds;
        kind(self.site, i).map_or("page.html", |k| kinds[k].template.as_str())
    }

    /// Renders page `i` and its aliases into `sink`, from `body` if it is still fresh.
    pub(super) fn render(
        &self,
        theme: &Theme,
        i: usize,
        source: u64,
        body: Option<Body>,
        sink: &dyn Sink,
    ) -> Result<PageOut, Error> {
        let site = self.site;
        let page = &site.pages[i];
        let mut body = match body {
            Some(b) if b.fresh.is_some() && b.source == source => b,
            _ => self.body(i, source),
        };
        let (rendered, print) = body.fresh.take().unwrap_or_default();
        let file = url::page_file(&page.id);
        let l = self.linker(&file);
        if page.role != Role::Home {
            // The key is for hashing (`keys`); a template never sees it: not computed here
            // (it asks every link of the body again, 1% of a build).
            let content = Html {
                html: &rendered.html,
                key: 0,
            };
            let ctx = self.context(i, &l, content, &rendered.headings);
            l.cards_rendered()?;
            sink.put(&file, &theme.render(self.template(i), &ctx, &file)?)?;
        }
        for (file, ctx) in self.aliases(i) {
            sink.put(&file, &theme.render("alias.html", &ctx, &file)?)?;
        }
        let entry = self.search_entry(i, &file);
        let search = search::indexed(&entry.doc(&rendered));
        Ok(PageOut {
            search: Some(search),
            html: (page.role == Role::Home).then_some(rendered.html),
            print,
            body,
        })
    }
}

/// The kind of page `i`, if it has one.
fn kind(site: &Site, i: usize) -> Option<usize> {
    match site.pages[i].role {
        Role::Kind(k) => Some(k),
        Role::Home | Role::Standalone => None,
    }
}

/// What a page's search entry shows besides its body. The entry is made from this and
/// the body alone, so that its hash covers all the entry reads.
#[derive(Hash)]
struct SearchEntry<'a> {
    title: &'a str,
    kind: &'a str,
    url: String,
    summary: &'a str,
    tags: Vec<&'a str>,
}

impl<'a> SearchEntry<'a> {
    fn doc(&'a self, body: &'a Rendered) -> search::Doc<'a> {
        search::Doc {
            title: self.title,
            kind: self.kind,
            url: self.url.clone(),
            summary: self.summary,
            tags: self.tags.clone(),
            headings: body
                .headings
                .iter()
                .map(|h| (h.id.as_str(), h.text.as_str()))
                .collect(),
            spans: &body.heading_spans,
            text: &body.text,
        }
    }
}
