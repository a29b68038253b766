//! Reading the site's sources for the [`Cache`](super::Cache): everything at once, or
//! again only the invalidated paths under `content/`.

use std::collections::{BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{Entry, State};
use crate::config::{self, Config};
use crate::diag::Error;
use crate::load::{self, CONTENT_DIR};
use crate::model::{self, Tag};

/// Reads the whole site (the theme is loaded once the content holds, see
/// [`State::theme`]).
pub(super) fn cold(root: &Path) -> Result<State, Error> {
    let config = config::load(root)?;
    let (tags_source, mut tag_diags) = load::read_tags(root);
    let tags = model::tags(&tags_source, &mut tag_diags);
    let (paths, asset_paths) = load::content_paths(root)?;
    let tag_index = model::tag_index(&tags);
    let entries: Vec<(PathBuf, Entry)> = paths
        .par_iter()
        .filter_map(|rel| {
            let entry = read(root, rel, &config, (&tags, &tag_index))?;
            Some((PathBuf::from(rel), entry))
        })
        .collect();
    Ok(State {
        config: Some(config),
        theme: None,
        tags,
        tag_diags,
        entries: entries.into_iter().collect(),
        assets: asset_paths.into_iter().map(PathBuf::from).collect(),
        defer: false,
        lookup: None,
        linked: None,
        rendered: None,
        reviews: None,
        clear_outputs: None,
        spent: Default::default(),
    })
}

/// Reads and validates one Markdown file against the tags and their index (see
/// [`model::tag_index`]); `None` when it is gone.
fn read(
    root: &Path,
    rel: &str,
    config: &Config,
    tags: (&[Tag], &HashMap<&str, usize>),
) -> Option<Entry> {
    let source = load::read_source(root, rel)?;
    let mut diags = Vec::new();
    let (content, page) = match source {
        Ok(source) => {
            let mut h = DefaultHasher::new();
            source.text.get().hash(&mut h);
            let content = h.finish();
            (
                content,
                model::page(config, tags.0, tags.1, source, &mut diags),
            )
        }
        Err(d) => {
            diags.push(d);
            (0, None)
        }
    };
    Some(Entry {
        content,
        page,
        diags,
    })
}

fn is_file(path: &Path) -> bool {
    // Like the loader's walk, which does not follow symbolic links.
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
}

impl State {
    /// Reads again the invalidated paths under `content/` (relative to it).
    pub(super) fn reload(&mut self, root: &Path, changed: &[PathBuf]) -> Result<(), Error> {
        let content = root.join(CONTENT_DIR);
        let mut files: BTreeSet<PathBuf> = BTreeSet::new();
        let mut rescan = false;
        for rel in changed {
            let full = content.join(rel);
            let was_dir = self
                .entries
                .range(rel.clone()..)
                .next()
                .is_some_and(|(k, _)| k != rel && k.starts_with(rel))
                || self
                    .assets
                    .range(rel.clone()..)
                    .next()
                    .is_some_and(|k| k != rel && k.starts_with(rel));
            if rel.as_os_str().is_empty() || full.is_dir() || was_dir {
                // A directory (or something gone that we did not know as a file): it may
                // hold, or have held, many files.
                rescan = true;
            }
            files.insert(rel.clone());
        }
        if rescan {
            let (paths, assets) = load::content_paths(root)?;
            let paths: BTreeSet<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
            self.entries.retain(|p, _| paths.contains(p));
            for p in &paths {
                if !self.entries.contains_key(p) || changed.iter().any(|c| p.starts_with(c)) {
                    files.insert(p.clone());
                }
            }
            self.assets = assets.into_iter().map(PathBuf::from).collect();
        }
        let config = self.config.as_ref();
        let tag_index = model::tag_index(&self.tags);
        for rel in files {
            let Some(name) = rel.to_str() else { continue };
            if rel
                .file_name()
                .is_some_and(|n| load::is_leftover(&n.to_string_lossy()))
            {
                continue;
            }
            let full = content.join(&rel);
            if name.ends_with(".md") {
                let entry = match config {
                    Some(config) if is_file(&full) => {
                        read(root, name, config, (&self.tags, &tag_index))
                    }
                    _ => None,
                };
                match entry {
                    Some(entry) => self.entries.insert(rel, entry),
                    None => self.entries.remove(&rel),
                };
            } else if !rescan && is_file(&full) {
                self.assets.insert(rel);
            } else if !rescan {
                self.assets.remove(&rel);
            }
        }
        Ok(())
    }
}
