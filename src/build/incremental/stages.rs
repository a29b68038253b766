//! The pipeline of a rebuild over the [`Cache`](super::Cache)'s state: assemble the site
//! from the kept pages, link it (keeping what still holds), then render what changed.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

use rayon::prelude::*;

use super::{Failure, Job, Linked, Rebuilt, Rendered, State};
use crate::diag::{Diagnostic, Error};
use crate::links::{self, PageLinks};
use crate::model;
use crate::output::Staging;
use crate::output::update::{Hashes, Recording, Update};
use crate::render::{self, PageOut, Select, Summary};
use crate::render::{keys, outputs};
use crate::review;

impl State {
    /// Validates, links and renders the site, writing what changed into `out`.
    pub(super) fn build(
        &mut self,
        job: &Job<'_>,
        previous: Option<Hashes>,
    ) -> Result<(Rebuilt, Hashes), Failure> {
        let Some(config) = self.config.take() else {
            return Err((Error::Usage("no configuration".into()), previous, false));
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
        // The page ids, roles, assets, invalid files and left-out drafts: what resolving
        // links, the lookup tables and the set of output files depend on.
        let shape = {
            let mut h = DefaultHasher::new();
            for p in &pages {
                (&p.id, p.role).hash(&mut h);
            }
            assets.hash(&mut h);
            let mut invalid: Vec<&String> = invalid.iter().collect();
            invalid.sort();
            invalid.hash(&mut h);
            let mut drafts: Vec<&String> = drafts.iter().collect();
            drafts.sort();
            drafts.hash(&mut h);
            h.finish()
        };
        let lookup = match self.lookup.take() {
            Some((s, lookup)) if s == shape => Some(lookup),
            _ => None,
        };
        let tags = std::mem::take(&mut self.tags);
        let unpublished = model::Unpublished { invalid, drafts };
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
        let mut prev = self.linked.take();
        let same = prev
            .as_ref()
            .is_some_and(|p| p.shape == shape && p.content.len() == content.len());
        let mut link_diags: Vec<Vec<Diagnostic>> = Vec::with_capacity(content.len());
        let mut per_page: Vec<PageLinks> = Vec::with_capacity(content.len());
        match prev.as_mut().filter(|_| same) {
            Some(p) => {
                let g = &mut p.graph;
                let mut moved: Vec<Option<PageLinks>> = (0..content.len())
                    .map(|i| {
                        (p.content[i] == content[i]).then(|| PageLinks {
                            refs: std::mem::take(&mut g.refs[i]),
                            body: std::mem::take(&mut g.body[i]),
                            assets: std::mem::take(&mut g.assets[i]),
                            anchors: std::mem::take(&mut g.anchors[i]),
                            diags: std::mem::take(&mut p.diags[i]),
                        })
                    })
                    .collect();
                let fresh: Vec<Option<PageLinks>> = (0..content.len())
                    .into_par_iter()
                    .map(|i| {
                        moved[i]
                            .is_none()
                            .then(|| links::resolve_page(site, &site.pages[i]))
                    })
                    .collect();
                for (i, f) in fresh.into_iter().enumerate() {
                    per_page.push(
                        f.or_else(|| moved[i].take()).unwrap_or_else(|| {
                            unreachable!("each page is either kept or resolved")
                        }),
                    );
                }
            }
            None => {
                per_page = site
                    .pages
                    .par_iter()
                    .map(|page| links::resolve_page(site, page))
                    .collect();
            }
        }
        for links in &mut per_page {
            link_diags.push(std::mem::take(&mut links.diags));
        }
        // Per-page fingerprints, kept for pages whose text did not change.
        let unchanged = |i: usize| prev.as_ref().filter(|p| same && p.content[i] == content[i]);
        let link: Vec<u64> = (0..content.len())
            .into_par_iter()
            .map(|i| match unchanged(i) {
                Some(p) => p.link[i],
                None => keys::link_key(&site.pages[i]),
            })
            .collect();
        let derived: Vec<u64> = (0..content.len())
            .into_par_iter()
            .map(|i| match unchanged(i) {
                Some(p) => p.derived[i],
                None => links::derive_key(&site.pages[i], &per_page[i]),
            })
            .collect();
        let (graph, more_diags) = match prev.take() {
            // No page changed anything the lists are made of (an edit of text): the
            // backlinks, related pages, kind and tag lists are the previous ones.
            Some(p) if same && p.derived == derived => {
                let mut graph = p.graph;
                graph.refs.clear();
                graph.body.clear();
                graph.assets.clear();
                graph.anchors.clear();
                for links in per_page {
                    graph.refs.push(links.refs);
                    graph.body.push(links.body);
                    graph.assets.push(links.assets);
                    graph.anchors.push(links.anchors);
                }
                (graph, Vec::new())
            }
            prev => {
                let related: &[Vec<usize>] = match &prev {
                    Some(p) if same => &p.graph.related,
                    _ => &[],
                };
                let related_keys: &[u64] = match &prev {
                    Some(p) if same => &p.graph.related_keys,
                    _ => &[],
                };
                let reuse = |i: usize, key: u64| match related_keys.get(i) {
                    Some(k) if *k == key => related.get(i).cloned(),
                    _ => None,
                };
                links::derive(site, per_page, &reuse)
            }
        };

        let mut diags: Vec<Diagnostic> = self.tag_diags.clone();
        for entry in self.entries.values() {
            diags.extend(entry.diags.iter().cloned());
        }
        diags.extend(link_diags.iter().flatten().cloned());
        diags.extend(more_diags);
        diags.extend(links::check_anchors(site, &graph));
        diags.extend(review::review(site, &graph));
        crate::build::sort(&mut diags);
        let linked = Linked {
            shape,
            content: content.to_vec(),
            graph,
            diags: link_diags,
            link,
            derived,
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
        let (linked, mut diags) = self.link(site, shape, content);
        let collisions = outputs::of(site, &linked.graph, &self.theme, job.options).into_diags();
        if !collisions.is_empty() {
            diags.extend(collisions);
            crate::build::sort(&mut diags);
        }
        if diags.iter().any(Diagnostic::is_error) {
            // The output and the previous render stay as they were; the links are kept
            // for the next attempt.
            self.linked = Some(linked);
            return Err((Error::Content(diags), previous, true));
        }
        let result = self.render(site, shape, content, &linked, diags, job, previous);
        // Whatever happened to the render, the links stay valid for the next rebuild.
        self.linked = Some(linked);
        result
    }

    /// Renders the outputs whose key moved and brings `out` up to date.
    #[allow(clippy::too_many_arguments)] // the stage's inputs, each used; see `Job`
    fn render(
        &mut self,
        site: &model::Site,
        shape: u64,
        content: &[u64],
        linked: &Linked,
        diags: Vec<Diagnostic>,
        job: &Job<'_>,
        previous: Option<Hashes>,
    ) -> Result<(Rebuilt, Hashes), Failure> {
        let Job {
            root,
            out,
            options,
            everything,
            files,
            commits,
        } = *job;
        let graph = &linked.graph;

        // Render what changed.
        // With the same lists and the same link data everywhere, a page whose text did
        // not change keeps its key.
        let old = self
            .rendered
            .as_ref()
            .filter(|r| r.shape == shape && r.link == linked.link && r.derived == linked.derived);
        let reuse = |i: usize| {
            let r = old?;
            (r.content[i] == content[i]).then(|| r.keys.pages[i])
        };
        let keys = keys::keys(site, graph, content, &linked.link, &reuse);
        let mut select = Select::all(site);
        let mut kept: Vec<Option<PageOut>> = Vec::new();
        let mut prev = self.rendered.take();
        // Same pages, tags, kinds, assets and static files, and lists of as many pages
        // (a tag that loses a page may lose a page of its list): the same set of output
        // files. A page that links a file of `content/` for the first time, or no longer links
        // one, changes what is published.
        let published = {
            let mut h = DefaultHasher::new();
            outputs::published_assets(graph).hash(&mut h);
            h.finish()
        };
        let files = files || prev.as_ref().is_some_and(|p| p.published != published);
        let pages_of = |lists: &[Vec<u64>]| lists.iter().map(Vec::len).collect::<Vec<_>>();
        let same_files = !everything
            && !files
            && prev.as_ref().is_some_and(|p| {
                p.shape == shape
                    && pages_of(&p.keys.lists) == pages_of(&keys.lists)
                    && pages_of(&p.keys.tags) == pages_of(&keys.tags)
            });
        let mut deferred = None;
        if let (Some(p), false) = (prev.as_mut(), everything) {
            // Where each page was in the previous render.
            let old_index: Vec<Option<usize>> = if p.shape == shape && p.ids.len() == content.len()
            {
                (0..content.len()).map(Some).collect()
            } else {
                let by_id: HashMap<&str, usize> = p
                    .ids
                    .iter()
                    .enumerate()
                    .map(|(i, id)| (id.as_str(), i))
                    .collect();
                site.pages
                    .iter()
                    .map(|pg| by_id.get(pg.id.as_str()).copied())
                    .collect()
            };
            kept = old_index
                .iter()
                .map(|o| o.and_then(|o| p.outs.get_mut(o)?.take()))
                .collect();
            for (i, o) in old_index.iter().enumerate() {
                select.pages[i] =
                    kept[i].is_none() || o.map(|o| p.keys.pages[o]) != Some(keys.pages[i]);
            }
            // Each page of a list whose key moved (or that is new).
            let each = |a: &[Vec<u64>], b: &[Vec<u64>], i: usize| -> Vec<bool> {
                let before = a.get(i).map_or(&[][..], Vec::as_slice);
                b[i].iter()
                    .enumerate()
                    .map(|(n, key)| before.get(n) != Some(key))
                    .collect()
            };
            for k in 0..select.lists.len() {
                select.lists[k] = each(&p.keys.lists, &keys.lists, k);
            }
            for t in 0..select.tags.len() {
                select.tags[t] = each(&p.keys.tags, &keys.tags, t);
            }
            select.tags_index = p.keys.tags_index != keys.tags_index;
            select.home = p.keys.home != keys.home;
            select.print = p.keys.print != keys.print;
            select.map = p.keys.map != keys.map;
            select.search_index = p.keys.search_index != keys.search_index;
            select.feed = p.keys.feed != keys.feed;
            if select.search_index && self.defer && select.pages.iter().any(|&p| p) {
                // Pages first: the index follows on the next rebuild, which sees its key
                // still differ from the one kept for it below.
                select.search_index = false;
                deferred = Some(p.keys.search_index);
            }
            select.fixed = false;
            select.files = files;
        }
        drop(prev);

        let fresh = previous.is_none();
        let theme = &self.theme;
        let rendered: Result<_, Failure> = (|| {
            Ok(match previous {
                None => {
                    let staging = Staging::create(root, out).map_err(|e| (e, None, true))?;
                    let recording = Recording::new(&staging);
                    let (summary, outs) = render::render_selected(
                        site, graph, theme, options, &recording, &select, kept,
                    )
                    .map_err(|e| (e, None, true))?;
                    let hashes = recording.into_hashes();
                    let _writing = lock(commits);
                    staging.commit().map_err(|e| (e, None, true))?;
                    let mut written: Vec<String> = hashes.keys().cloned().collect();
                    written.sort();
                    (summary, outs, hashes, written, Vec::new())
                }
                Some(previous) => {
                    // On failure the output is as `previous` describes it: hand it back.
                    let update =
                        Update::create(root, out, previous).map_err(|e| (e, None, true))?;
                    let (summary, outs) = match render::render_selected(
                        site, graph, theme, options, &update, &select, kept,
                    ) {
                        Ok(done) => done,
                        Err(e) => return Err((e, Some(update.into_previous()), true)),
                    };
                    // The index's shards are not in `keys::files`: they follow its terms.
                    if select.search_index {
                        update.replace_under(render::search::SHARD_DIR);
                    } else {
                        update.keep_under(render::search::SHARD_DIR);
                    }
                    let missing = if same_files {
                        update.keep_all();
                        false
                    } else {
                        outputs::of(site, graph, theme, options)
                            .files()
                            .any(|file| !update.keep(file))
                    };
                    let (summary, outs) = if missing {
                        // An output that is new but was not selected: the selection missed a
                        // dependency. Render everything rather than leave the file out.
                        let kept = outs.into_iter().map(Some).collect();
                        match render::render_selected(
                            site,
                            graph,
                            theme,
                            options,
                            &update,
                            &Select::all(site),
                            kept,
                        ) {
                            Ok(done) => done,
                            Err(e) => return Err((e, Some(update.into_previous()), true)),
                        }
                    } else {
                        (summary, outs)
                    };
                    let writing = lock(commits);
                    let applied = update.commit().map_err(|e| (e, None, true))?;
                    drop(writing);
                    (
                        summary,
                        outs,
                        applied.hashes,
                        applied.written,
                        applied.removed,
                    )
                }
            })
        })();
        let (summary, outs, hashes, written, removed) = rendered?;
        let (link, derived) = (linked.link.clone(), linked.derived.clone());
        let mut keys = keys;
        if let Some(stale) = deferred {
            keys.search_index = stale;
        }
        self.rendered = Some(Rendered {
            shape,
            published,
            ids: site.pages.iter().map(|p| p.id.clone()).collect(),
            keys,
            outs: outs.into_iter().map(Some).collect(),
            content: content.to_vec(),
            link,
            derived,
        });
        let total = if fresh { summary.files } else { hashes.len() };
        Ok((
            Rebuilt {
                rendered: summary.files,
                summary: Summary {
                    pages: summary.pages,
                    files: total,
                },
                warnings: diags,
                written,
                removed,
                deferred: deferred.is_some(),
            },
            hashes,
        ))
    }
}

/// Takes the output's lock for writing, if there is one (a panicked holder left nothing
/// half-done that the lock protects, so its poison is ignored).
fn lock(commits: Option<&std::sync::RwLock<()>>) -> Option<std::sync::RwLockWriteGuard<'_, ()>> {
    commits.map(|l| l.write().unwrap_or_else(|e| e.into_inner()))
}
