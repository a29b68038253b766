//! The search index that a rebuild left for later ([`Cache::defer_search_index`]),
//! written alone by the next rebuild when nothing was invalidated in between: the site,
//! its links and every other output are then as that rebuild left them, so nothing is
//! read, linked, reviewed or keyed again; only the index's files are brought up to date,
//! from the documents that rebuild kept (#16).
//!
//! [`Cache::defer_search_index`]: super::Cache::defer_search_index

use std::path::Path;
use std::sync::RwLock;

use super::write::{Written, lock};
use super::{Failure, Rebuilt, Rendered, State};
use crate::diag::Diagnostic;
use crate::output::update::{Hashes, Update};
use crate::render::{self, Summary};

/// What the rebuild that left the index for later hands to the one that writes it.
pub(super) struct Later {
    /// The index's key, once written.
    pub(super) key: u64,
    /// That rebuild's warnings, still the site's.
    pub(super) warnings: Vec<Diagnostic>,
}

/// A render whose search index was left for later, taken out of the [`State`] to write it.
pub(super) struct Left {
    rendered: Rendered,
    later: Later,
    shard_above: usize,
}

impl State {
    /// The last render, if it left the search index for later.
    pub(super) fn take_left(&mut self) -> Option<Left> {
        let shard_above = self.config.as_ref()?.search.shard_above;
        let later = self.rendered.as_mut()?.later.take()?;
        let rendered = self.rendered.take()?;
        Some(Left {
            rendered,
            later,
            shard_above,
        })
    }

    /// Writes the search index that the `left` render left for later into `out`, which
    /// that render wrote as `previous` describes. On failure the render is forgotten: the
    /// next rebuild renders everything again.
    pub(super) fn write_left(
        &mut self,
        left: Left,
        root: &Path,
        out: &Path,
        commits: Option<&RwLock<()>>,
        previous: Hashes,
    ) -> Result<(Rebuilt, Hashes), Failure> {
        let Left {
            mut rendered,
            later,
            shard_above,
        } = left;
        let update = Update::create(root, out, previous).map_err(Failure::lost)?;
        let (outs, index) = (&rendered.outs, &mut rendered.index);
        let made = match render::search_index_alone(outs, index, shard_above, &update) {
            Ok(made) => made,
            Err(e) => return Err(Failure::keeping(e, Some(update.into_previous()))),
        };
        // Every other file stays; the shards are those just made or kept.
        update.keep_all();
        update.replace_under(render::search::SHARD_DIR);
        let writing = lock(commits);
        let applied = update.commit().map_err(Failure::lost)?;
        drop(writing);
        rendered.keys.search_index = later.key;
        let written = Written {
            summary: Summary {
                pages: rendered.outs.len(),
                files: made,
            },
            outs: Vec::new(),
            hashes: applied.hashes,
            written: applied.written,
            removed: applied.removed,
        };
        self.rendered = Some(rendered);
        Ok(super::stages::rebuilt(
            written,
            later.warnings,
            false,
            false,
        ))
    }
}
