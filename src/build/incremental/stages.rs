//! The pipeline of a rebuild over the [`Cache`](super::Cache)'s state: assemble the site
//! from the kept pages, link it (keeping what still holds), then render what changed.

use std::collections::HashSet;

use rayon::prelude::*;

use super::later::Later;
use super::write;
use super::{Failure, Job, Linked, Rebuilt, Rendered, State};
use crate::diag::{Diagnostic, Error};
use crate::links::{self, DeriveInput, Graph, PageLinks};
use crate::model;
use crate::output::update::Hashes;
use crate::render::{self, Renderer, Reuse, Summary, Theme, keys, outputs};
use crate::review;

impl State {
    /// Validates, links and renders the site, writing what changed into `out`.
    pub(super) fn build(
        &mut self,
        job: &Job<'_>,
        previous: Option<Hashes>,
    ) -> Result<(Rebuilt, Hashes), Failure> {
        let Some(config) = self.config.take() else {
            let error = Error::Usage("no configuration".into());
            return Err(Failure {
                error,
                outputs: previous,
                keep: false,
            });
        };
        // Files that exist but failed validation: links to them are not errors of their own.
        let invalid: HashSet<String> = self
            .entries
            .iter()
            .filter(|(_, e)| e.page.is_none() && e.diags.iter().any(Diagnostic::is_error))
            .map(|(rel, _)| model::id_of(&rel.to_string_lossy().replace('\\', "/")).to_string())
            .collect();
        let mut pages = Vec::with_capacity(self.entries.len());
        let mut content = Vec::with_capacity(self.entries.len());
        let mut taken = Vec::with_capacity(self.entries.len());
        // Drafts left out of this build: links to them are warnings, shown as text.
        let mut drafts = HashSet::new();
        for (n, entry) in self.entries.values_mut().enumerate() {
            if let Some(page) = entry
                .page
                .as_ref()
                .filter(|p| p.draft && !job.options.drafts)
            {
                drafts.insert(page.id.clone());
            } else if let Some(page) = entry.page.take() {
                pages.push(page);
                content.push(entry.content);
                taken.push(n);
            }
        }
        let assets: Vec<String> = self
            .assets
            .iter()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .collect();
        let unpublished = model::Unpublished { invalid, drafts };
        // What resolving links reads of the site (see `links::Outline`); the lookup
        // tables and the set of output files depend on no more.
        let shape = links::Outline::of(&pages, &assets, &unpublished).key();
        let lookup = match self.lookup.take() {
            Some((s, lookup)) if s == shape => Some(lookup),
            _ => None,
        };
        let tags = std::mem::take(&mut self.tags);
        let site = model::assemble_with(config, tags, pages, assets, lookup, unpublished);
        let result = self.link_and_render(&site, shape, &content, job, previous);
        let (config, tags, pages, _, lookup) = site.into_parts();
        self.lookup = Some((shape, lookup));
        self.config = Some(config);
        self.tags = tags;
        let mut pages = pages.into_iter();
        let mut taken = taken.into_iter().peekable();
        for (n, entry) in self.entries.values_mut().enumerate() {
            if taken.next_if_eq(&n).is_some() {
                entry.page = pages.next();
            }
        }
        result
    }

    /// Links the site, keeping what the previous build resolved where it still holds,
    /// and collects every problem found so far.
    fn link(
        &mut self,
        site: &model::Site,
        shape: u64,
        content: &[u64],
    ) -> (Linked, Vec<Diagnostic>) {
        // Links: unchanged pages keep theirs while the ids, roles and assets stay the same.
        let mut prev = self
            .linked
            .take()
            .filter(|p| p.shape == shape && p.content.len() == content.len());
        let mut per_page = resolve(site, content, prev.as_mut());
        let link_diags: Vec<Vec<Diagnostic>> = per_page
            .iter_mut()
            .map(|links| std::mem::take(&mut links.diags))
            .collect();
        // The keys of what deriving reads of each page (hashes of its `DeriveInput`,
        // with and without its title), kept for pages whose text and links did not change.
        let (derived, untitled): (Vec<u64>, Vec<u64>) = (0..content.len())
            .into_par_iter()
            .map(
                |i| match prev.as_ref().filter(|p| p.content[i] == content[i]) {
                    Some(p) => (p.derived[i], p.untitled[i]),
                    None => {
                        let input = DeriveInput::of(&site.pages[i], &per_page[i]);
                        (input.key(), input.untitled_key())
                    }
                },
            )
            .unzip();
        let (graph, more_diags, stable, spent) = derive(site, per_page, prev, &derived, &untitled);
        self.spent.linked = spent;
        let mut diags: Vec<Diagnostic> = self.tag_diags.clone();
        for entry in self.entries.values() {
            diags.extend(entry.diags.iter().cloned());
        }
        diags.extend(link_diags.iter().flatten().cloned());
        diags.extend(more_diags);
        diags.extend(links::check_anchors(site, &graph));
        // Reviews of the same pages are kept where their text and backlinks are.
        let before = self.reviews.take().filter(|(s, _)| *s == shape);
        let (warnings, reviews) = review::review_kept(site, &graph, content, before.map(|b| b.1));
        self.reviews = Some((shape, reviews));
        diags.extend(warnings);
        crate::build::sort(&mut diags);
        let linked = Linked {
            shape,
            content: content.to_vec(),
            graph,
            diags: link_diags,
            derived,
            untitled,
            stable,
        };
        (linked, diags)
    }

    fn link_and_render(
        &mut self,
        site: &model::Site,
        shape: u64,
        content: &[u64],
        job: &Job<'_>,
        previous: Option<Hashes>,
    ) -> Result<(Rebuilt, Hashes), Failure> {
        let (linked, diags) = self.link(site, shape, content);
        let kept = &mut self.theme;
        let theme = || kept.take().map_or_else(|| render::theme(&site.config), Ok);
        let clear = self.clear_outputs;
        let stop = crate::build::stop_in_order(site, &linked.graph, diags, theme, clear);
        let (theme, diags, planned) = match stop {
            Ok((theme, diags, key)) => {
                self.clear_outputs = Some(key);
                (theme, diags, key)
            }
            Err(e) => {
                // The output and the previous render stay as they were; the links (and
                // the theme, unless it failed) are kept for the next attempt.
                self.linked = Some(linked);
                return Err(Failure::keeping(e, previous));
            }
        };
        let linked_site = LinkedSite {
            site,
            shape,
            content,
            graph: &linked.graph,
            stable: linked.stable,
            theme: &theme,
            planned,
        };
        let result = self.render(&linked_site, diags, job, previous);
        // Whatever happened to the render, the links and the theme stay valid for the
        // next rebuild.
        self.linked = Some(linked);
        self.theme = Some(theme);
        result
    }

    /// Renders the outputs whose key moved and brings `out` up to date.
    fn render(
        &mut self,
        linked: &LinkedSite<'_>,
        diags: Vec<Diagnostic>,
        job: &Job<'_>,
        previous: Option<Hashes>,
    ) -> Result<(Rebuilt, Hashes), Failure> {
        let (site, graph) = (linked.site, linked.graph);
        let mut prev = self.rendered.take().filter(|_| !job.everything);
        // The search index as the previous render wrote it, brought up to date by this one.
        let index = prev.as_mut().map(|p| std::mem::take(&mut p.index));
        let renderer = Renderer::new(site, graph, linked.theme, job.options, linked.content)
            .with_index(index.unwrap_or_else(render::search::Index::tracking));
        let same_shape = prev.as_ref().is_some_and(|p| p.shape == linked.shape);
        // A page that links a file of `content/` for the first time, or no longer links
        // one, changes what is published.
        let published = keys::key(outputs::published_assets(graph));
        let files = job.files || prev.as_ref().is_some_and(|p| p.published != published);
        // The same pages in the same order: compared once, 10,000 ids in serve (#16).
        let same_pages = prev.as_ref().is_some_and(|p| p.same_pages(site));
        let (kept, old_keys) = match prev.as_mut() {
            Some(p) => {
                let (kept, keys) = p.realign(site, same_pages);
                (kept, Some(keys))
            }
            None => (Vec::new(), None),
        };
        let outs = renderer.prepare(kept);
        let changed = changed_sources(prev.as_ref().filter(|_| same_shape), linked.content);
        let reuse = prev
            .as_ref()
            .filter(|_| !changed.is_empty())
            .map(|p| Reuse {
                record: &p.record,
                changed: &changed,
                stable: linked.stable,
            });
        let (mut keys, record) = renderer.keys(&outs, reuse.as_ref());
        self.spent.rendered = prev;
        let unrendered: Vec<bool> = outs.iter().map(|o| !o.is_rendered()).collect();
        let plan = write::plan(old_keys.as_ref(), &keys, self.defer, &unrendered);
        // The same table of outputs (pages and their aliases, list pages, tags, assets
        // and static files): the same set of output files.
        let same_files = !files
            && self
                .spent
                .rendered
                .as_ref()
                .is_some_and(|p| p.planned == linked.planned);
        let outs = outs.into_iter().map(Some).collect();
        let fresh = previous.is_none();
        let write = write::Write {
            renderer: &renderer,
            job,
            files,
            same_files,
        };
        let mut written = match previous {
            None => write.fresh(&plan.select, outs)?,
            Some(previous) => write.update(&plan.select, outs, previous)?,
        };
        // A deferred index follows on the next rebuild, which writes it alone when
        // nothing changed in between, or else sees its key still differ.
        let later = plan.deferred.map(|stale| Later {
            key: std::mem::replace(&mut keys.search_index, stale),
            warnings: diags.clone(),
        });
        // The previous page ids, when they are the same.
        let ids = match self.spent.rendered.as_mut() {
            Some(p) if same_pages => std::mem::take(&mut p.ids),
            _ => site.pages.iter().map(|p| p.id.clone()).collect(),
        };
        self.rendered = Some(Rendered {
            shape: linked.shape,
            published,
            planned: linked.planned,
            ids,
            keys,
            record,
            content: linked.content.to_vec(),
            outs: std::mem::take(&mut written.outs)
                .into_iter()
                .map(Some)
                .collect(),
            index: (renderer.take_index()).unwrap_or_else(render::search::Index::tracking),
            later,
        });
        Ok(rebuilt(written, diags, fresh, plan.deferred.is_some()))
    }
}

/// What a rebuild reports, from what it wrote: `fresh` when it wrote a new output (whose
/// files are all the ones it rendered), `deferred` when it left the search index for later.
pub(super) fn rebuilt(
    written: write::Written,
    warnings: Vec<Diagnostic>,
    fresh: bool,
    deferred: bool,
) -> (Rebuilt, Hashes) {
    let total = if fresh {
        written.summary.files
    } else {
        written.hashes.len()
    };
    let rebuilt = Rebuilt {
        rendered: written.summary.files,
        summary: Summary {
            pages: written.summary.pages,
            files: total,
        },
        warnings,
        written: written.written,
        removed: written.removed,
        deferred,
    };
    (rebuilt, written.hashes)
}

/// A site assembled and linked, ready to render.
struct LinkedSite<'a> {
    site: &'a model::Site,
    /// The fingerprint of its page ids, roles and assets (see [`super::Linked::shape`]).
    shape: u64,
    /// Each page's text hash.
    content: &'a [u64],
    graph: &'a Graph,
    /// The graph's lists are the previous build's (see [`Linked::stable`]).
    stable: bool,
    /// The theme it renders with.
    theme: &'a Theme,
    /// The key of its online table of outputs ([`render::outputs::Planned::key`]), which
    /// also decides the offline one (that without the feed and the sitemap).
    planned: u64,
}

/// For each page, whether its source changed since `prev` rendered it; empty when
/// there is no previous render of the same pages in the same order. Only then can an
/// output's views change only through its own page, the pages it read or the graph rows
/// it takes.
fn changed_sources(prev: Option<&Rendered>, content: &[u64]) -> Vec<bool> {
    match prev {
        Some(p) if p.content.len() == content.len() => {
            p.content.iter().zip(content).map(|(a, b)| a != b).collect()
        }
        _ => Vec::new(),
    }
}

/// Each page's resolved links: the previous build's where its text did not change (and
/// `prev` has the same shape; they are moved out of it), resolved again otherwise.
fn resolve(site: &model::Site, content: &[u64], prev: Option<&mut Linked>) -> Vec<PageLinks> {
    let targets = links::Targets::of(site);
    let Some(p) = prev else {
        return site
            .pages
            .par_iter()
            .map(|page| links::resolve_page(&targets, page))
            .collect();
    };
    let g = &mut p.graph;
    let moved: Vec<Option<PageLinks>> = (0..content.len())
        .map(|i| {
            (p.content[i] == content[i]).then(|| PageLinks {
                refs: std::mem::take(&mut g.refs[i]),
                body: std::mem::take(&mut g.body[i]),
                assets: std::mem::take(&mut g.assets[i]),
                anchors: std::mem::take(&mut g.anchors[i]),
                prepared: g.take_prepared(i),
                diags: std::mem::take(&mut p.diags[i]),
            })
        })
        .collect();
    moved
        .into_par_iter()
        .enumerate()
        .map(|(i, kept)| kept.unwrap_or_else(|| links::resolve_page(&targets, &site.pages[i])))
        .collect()
}

/// The link graph from each page's links: the previous build's lists (backlinks, related
/// pages, kind and tag lists) when no page changed what they are made of (`derived`, each
/// page's derive key), sorted again where they hold a retitled page when no page changed
/// anything else (`untitled`, each page's key without its title), else derived again,
/// reusing each page's related list whose inputs did not move, and the title order of the
/// pages whose derive key did not; and what is left of `prev`, to free.
fn derive(
    site: &model::Site,
    per_page: Vec<PageLinks>,
    prev: Option<Linked>,
    derived: &[u64],
    untitled: &[u64],
) -> (Graph, Vec<Diagnostic>, bool, Option<Linked>) {
    match prev {
        Some(p) if p.derived == derived => {
            let mut graph = p.graph;
            // The problems were taken out of `per_page` (`link`).
            graph.set_page_links(per_page);
            (graph, Vec::new(), true, None)
        }
        Some(mut p) if p.untitled == untitled => {
            let before = links::Before {
                titles: std::mem::take(&mut p.graph.titles),
                moved: p.derived.iter().zip(derived).map(|(a, b)| a != b).collect(),
            };
            let previous = std::mem::take(&mut p.graph);
            let (graph, diags) = links::retitle(site, per_page, previous, before);
            (graph, diags, false, Some(p))
        }
        mut prev => {
            // The previous title order, with the pages whose derive key moved.
            let before = prev.as_mut().map(|p| links::Before {
                titles: std::mem::take(&mut p.graph.titles),
                moved: p.derived.iter().zip(derived).map(|(a, b)| a != b).collect(),
            });
            let (related, related_keys) = match &prev {
                Some(p) => (&p.graph.related[..], &p.graph.related_keys[..]),
                None => (&[][..], &[][..]),
            };
            let reuse = |i: usize, key: u64| match related_keys.get(i) {
                Some(k) if *k == key => related.get(i).cloned(),
                _ => None,
            };
            let (graph, diags) = links::derive(site, per_page, &reuse, before);
            (graph, diags, false, prev)
        }
    }
}
