//! What resolving one page's links reads of the rest of the site: [`Targets`], the
//! only way `resolve` and `anchors` reach other pages, and its [`Outline`], whose hash
//! is the key under which an incremental rebuild (#4) keeps each unchanged page's
//! resolved links, the lookup tables and the set of output files.
//!
//! Resolving reads the page itself (its own text: an unchanged text is the other half
//! of the key), the configuration (any change to `archipel.toml` rebuilds from
//! scratch), and, of the other pages and files, only what the outline holds: a field
//! added to it is in the key with no second edit.

use std::hash::{Hash, Hasher};

use crate::config::Config;
use crate::model::{Lookup, Page, Role, Site, Unpublished, names};

/// The site as resolving links sees it, beyond the page being resolved.
#[derive(Hash)]
pub struct Outline<'a> {
    /// Each page's id, path relative to `content/` and role, in page order.
    pages: Vec<(&'a str, &'a str, Role)>,
    /// The other files of `content/`, sorted.
    assets: &'a [String],
    /// The ids of files that failed validation, sorted.
    invalid: Vec<&'a String>,
    /// The ids of drafts left out of the build, sorted.
    drafts: Vec<&'a String>,
}

impl<'a> Outline<'a> {
    /// The outline of a site made of these parts.
    pub fn of(pages: &'a [Page], assets: &'a [String], unpublished: &'a Unpublished) -> Self {
        let sorted = |ids: &'a std::collections::HashSet<String>| {
            let mut ids: Vec<&String> = ids.iter().collect();
            ids.sort_unstable();
            ids
        };
        Outline {
            pages: pages
                .iter()
                .map(|p| (p.id.as_str(), p.source.rel.as_str(), p.role))
                .collect(),
            assets,
            invalid: sorted(&unpublished.invalid),
            drafts: sorted(&unpublished.drafts),
        }
    }

    /// The key: equal outlines resolve every unchanged page's links the same way.
    pub fn key(&self) -> u64 {
        let mut h = rustc_hash::FxHasher::default();
        self.hash(&mut h);
        h.finish()
    }
}

/// What `resolve` and `anchors` may read of the site: the outline, the configuration,
/// and the lookup tables (made from the outline's page ids).
pub struct Targets<'a> {
    outline: Outline<'a>,
    config: &'a Config,
    lookup: &'a Lookup,
}

impl<'a> Targets<'a> {
    /// The targets of `site`.
    pub fn of(site: &'a Site) -> Self {
        Targets {
            outline: Outline::of(&site.pages, &site.assets, site.unpublished()),
            config: &site.config,
            lookup: site.lookup(),
        }
    }

    /// The configuration (kinds, Markdown policy).
    pub fn config(&self) -> &'a Config {
        self.config
    }

    /// The index of the page with this exact id.
    pub fn page_index(&self, id: &str) -> Option<usize> {
        self.lookup.page_index(id)
    }

    /// The pages (other than the home page) whose file is named `slug`.
    pub fn pages_with_slug(&self, slug: &str) -> &'a [usize] {
        self.lookup.pages_with_slug(slug)
    }

    /// Every page's id and role, in page order.
    pub fn pages(&self) -> impl Iterator<Item = (&'a str, Role)> + '_ {
        self.outline.pages.iter().map(|&(id, _, role)| (id, role))
    }

    /// The id of page `i`.
    pub fn id(&self, i: usize) -> &'a str {
        self.outline.pages[i].0
    }

    /// The path of page `i`'s file, relative to `content/`.
    pub fn rel(&self, i: usize) -> &'a str {
        self.outline.pages[i].1
    }

    /// The role of page `i`.
    pub fn role(&self, i: usize) -> Role {
        self.outline.pages[i].2
    }

    /// Whether `path` (relative to `content/`) is a file of `content/` other than a page.
    pub fn has_asset(&self, path: &str) -> bool {
        self.outline
            .assets
            .binary_search_by(|a| a.as_str().cmp(path))
            .is_ok()
    }

    /// Whether `id` (a page id or a bare slug) names a file that failed validation.
    pub fn is_invalid(&self, id: &str) -> bool {
        names(self.outline.invalid.iter().copied(), id)
    }

    /// Whether `id` (a page id or a bare slug) names a draft left out of this build.
    pub fn is_draft(&self, id: &str) -> bool {
        names(self.outline.drafts.iter().copied(), id)
    }

    /// Whether the page id `id` (not a bare slug) is a file that failed validation.
    pub fn is_invalid_id(&self, id: &str) -> bool {
        has_id(&self.outline.invalid, id)
    }

    /// Whether the page id `id` (not a bare slug) is a draft left out of this build.
    pub fn is_draft_id(&self, id: &str) -> bool {
        has_id(&self.outline.drafts, id)
    }
}

/// Whether `ids`, sorted, hold `id`.
fn has_id(ids: &[&String], id: &str) -> bool {
    ids.binary_search_by(|i| i.as_str().cmp(id)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The outline key of a site of one kind `k` with these pages (slug, front matter
    /// lines) and other files of `content/`.
    fn key(pages: &[(&str, &str)], assets: &[&str]) -> u64 {
        let pages: Vec<(&str, String)> = pages.iter().map(|(s, f)| (*s, f.to_string())).collect();
        let (site, _) = crate::links::test_site(&pages, assets);
        Targets::of(&site).outline.key()
    }

    #[test]
    fn the_key_moves_with_what_resolving_reads_and_only_with_it() {
        let base = key(&[("a", "title = \"A\""), ("b", "title = \"B\"")], &[]);
        // A title is the page's own text: not what resolving reads of other pages.
        let retitled = key(&[("a", "title = \"Autre\""), ("b", "title = \"B\"")], &[]);
        assert_eq!(base, retitled);
        let added = key(
            &[
                ("a", "title = \"A\""),
                ("b", "title = \"B\""),
                ("c", "title = \"C\""),
            ],
            &[],
        );
        let asset = key(
            &[("a", "title = \"A\""), ("b", "title = \"B\"")],
            &["k/x.png"],
        );
        let draft = key(
            &[("a", "title = \"A\""), ("b", "title = \"B\"\ndraft = true")],
            &[],
        );
        // A file name that is not a slug: the file is left out, and links to it are
        // not reported again.
        let invalid = key(&[("a", "title = \"A\""), ("B b", "title = \"B\"")], &[]);
        // The same pages as the draft and the invalid file leave: those two differ from
        // it only by the left-out file.
        let only_a = key(&[("a", "title = \"A\"")], &[]);
        let keys = [base, added, asset, draft, invalid, only_a];
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b, "{keys:?}");
            }
        }
    }
}
