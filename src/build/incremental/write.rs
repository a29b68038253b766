//! The last stage of a rebuild: what to render ([`plan`], pure), then rendering it into
//! a fresh output directory or over the previous one ([`Write`]).

use super::{Failure, Job};
use crate::output::update::{Hashes, Recording, Update};
use crate::output::{Sink, Staging};
use crate::render::{self, Keys, PageOut, Renderer, Select, Summary};

/// What a rebuild renders.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Plan {
    /// The outputs to render.
    pub(super) select: Select,
    /// The search index was left as it was: the key it keeps is this stale one.
    pub(super) deferred: Option<u64>,
}

/// What to render, from the previous build's keys `old` (in the new page order; `None`:
/// render everything) and the new keys: the outputs whose key moved, and the pages not
/// rendered yet (`unrendered`). With `defer`, a rebuild that renders pages leaves the
/// search index to the next one (see `Cache::defer_search_index`).
pub(super) fn plan(old: Option<&Keys>, new: &Keys, defer: bool, unrendered: &[bool]) -> Plan {
    let Some(old) = old else {
        return Plan {
            select: new.map(|_| true),
            deferred: None,
        };
    };
    let mut select = render::select(old, new);
    for (selected, &missing) in select.pages.iter_mut().zip(unrendered) {
        *selected |= missing;
    }
    let mut deferred = None;
    if select.search_index && defer && select.pages.iter().any(|&p| p) {
        select.search_index = false;
        deferred = Some(old.search_index);
    }
    Plan { select, deferred }
}

/// What writing a render produced.
pub(super) struct Written {
    pub(super) summary: Summary,
    pub(super) outs: Vec<PageOut>,
    pub(super) hashes: Hashes,
    pub(super) written: Vec<String>,
    pub(super) removed: Vec<String>,
}

/// Renders selected outputs into the output directory.
pub(super) struct Write<'a> {
    pub(super) renderer: &'a Renderer<'a>,
    pub(super) job: &'a Job<'a>,
    /// Copy static files and assets again.
    pub(super) files: bool,
    /// The set of output files is the previous one.
    pub(super) same_files: bool,
}

impl Write<'_> {
    fn copy_files(&self, sink: &dyn Sink) -> Result<usize, crate::diag::Error> {
        let (site, graph, theme, _) = self.renderer.parts();
        crate::build::copy_files(site, graph, theme, sink)
    }

    /// Renders into a fresh directory that replaces the output.
    pub(super) fn fresh(
        &self,
        select: &Select,
        kept: Vec<Option<PageOut>>,
    ) -> Result<Written, Failure> {
        let job = self.job;
        let staging = Staging::create(job.root, job.out).map_err(Failure::lost)?;
        let recording = Recording::new(&staging);
        let (mut summary, outs) = self
            .renderer
            .render(select, kept, &recording)
            .map_err(Failure::lost)?;
        summary.files += self.copy_files(&recording).map_err(Failure::lost)?;
        let hashes = recording.into_hashes();
        let _writing = lock(job.commits);
        staging.commit().map_err(Failure::lost)?;
        let mut written: Vec<String> = hashes.keys().cloned().collect();
        written.sort();
        Ok(Written {
            summary,
            outs,
            hashes,
            written,
            removed: Vec::new(),
        })
    }

    /// Renders over the output that `previous` describes, writing only changed files.
    pub(super) fn update(
        &self,
        select: &Select,
        kept: Vec<Option<PageOut>>,
        previous: Hashes,
    ) -> Result<Written, Failure> {
        let job = self.job;
        let update = Update::create(job.root, job.out, previous).map_err(Failure::lost)?;
        // On failure the output is as `previous` describes it: hand it back.
        let failed = |update: Update, e| Failure::keeping(e, Some(update.into_previous()));
        let (mut summary, outs) = match self.renderer.render(select, kept, &update) {
            Ok(done) => done,
            Err(e) => return Err(failed(update, e)),
        };
        if self.files {
            match self.copy_files(&update) {
                Ok(n) => summary.files += n,
                Err(e) => return Err(failed(update, e)),
            }
        }
        // The index's shards are not in the outputs table: they follow its terms. When
        // every previous file is kept, so are they.
        if select.search_index {
            update.replace_under(render::search::SHARD_DIR);
        } else if !self.same_files {
            update.keep_under(render::search::SHARD_DIR);
        }
        let missing = if self.same_files {
            update.keep_all();
            false
        } else {
            let (site, graph, theme, options) = self.renderer.parts();
            let outputs = crate::render::outputs::of(site, graph, theme, options);
            outputs.files().any(|file| !update.keep(file))
        };
        let (summary, outs) = if missing {
            // An output that is new but was not selected: the selection missed a
            // dependency. Render everything rather than leave the file out.
            let kept = outs.into_iter().map(Some).collect();
            let (site, graph, _, _) = self.renderer.parts();
            let all = Select::all(site, graph);
            match self.renderer.render(&all, kept, &update) {
                Ok(done) => done,
                Err(e) => return Err(failed(update, e)),
            }
        } else {
            (summary, outs)
        };
        let writing = lock(job.commits);
        let applied = update.commit().map_err(Failure::lost)?;
        drop(writing);
        Ok(Written {
            summary,
            outs,
            hashes: applied.hashes,
            written: applied.written,
            removed: applied.removed,
        })
    }
}

/// Takes the output's lock for writing, if there is one (a panicked holder left nothing
/// half-done that the lock protects, so its poison is ignored).
pub(super) fn lock(
    commits: Option<&std::sync::RwLock<()>>,
) -> Option<std::sync::RwLockWriteGuard<'_, ()>> {
    commits.map(|l| l.write().unwrap_or_else(|e| e.into_inner()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(pages: Vec<u64>, search_index: u64) -> Keys {
        Keys {
            pages,
            search_index,
            ..Keys::default()
        }
    }

    #[test]
    fn a_deferred_search_index_keeps_its_stale_key() {
        let (old, new) = (keys(vec![1, 2], 10), keys(vec![1, 3], 11));
        let plan = super::plan(Some(&old), &new, true, &[false, false]);
        assert_eq!(plan.select.pages, [false, true]);
        assert!(!plan.select.search_index);
        assert_eq!(plan.deferred, Some(10));
        let plan = super::plan(Some(&old), &new, false, &[false, false]);
        assert!(plan.select.search_index && plan.deferred.is_none());
    }

    #[test]
    fn pages_never_rendered_are_rendered_whatever_their_key() {
        let k = keys(vec![1, 2], 10);
        let plan = super::plan(Some(&k), &k, false, &[false, true]);
        assert_eq!(plan.select.pages, [false, true]);
        assert_eq!(plan.deferred, None);
    }
}
