//! The mirrors of `archipel.toml` as written (`Raw*`), with their defaults. Serde fills
//! them; `config` checks them and turns them into the types of [`super::Config`]. Nothing
//! here validates: a value that deserializes is taken as it is written.

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use super::{Licence, SearchConfig, TagsConfig};

/// The whole file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    #[serde(default = "default_language")]
    pub(super) language: String,
    pub(super) site: RawSite,
    #[serde(default)]
    pub(super) kinds: Vec<RawKind>,
    #[serde(default)]
    pub(super) search: SearchConfig,
    #[serde(default)]
    pub(super) tags: TagsConfig,
    /// Contributor-facing descriptions of built-in fields, in the site's language.
    #[serde(default)]
    pub(super) field_help: IndexMap<Spanned<String>, String>,
    #[serde(default)]
    pub(super) licence: Option<Licence>,
    #[serde(default)]
    pub(super) markdown: super::publishing::RawMarkdown,
    #[serde(default)]
    pub(super) forge: super::publishing::RawForge,
}

/// `[site]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSite {
    pub(super) title: String,
    #[serde(default)]
    pub(super) description: String,
    /// Not a `[site]` setting: read only to say where it goes.
    #[serde(default)]
    pub(super) language: Option<Spanned<String>>,
    #[serde(default = "no_base_url")]
    pub(super) base_url: Spanned<String>,
    #[serde(default)]
    pub(super) author: String,
    #[serde(default = "default_theme")]
    pub(super) theme: Spanned<String>,
    #[serde(default = "default_feed_size")]
    pub(super) feed_size: usize,
    #[serde(default = "default_related")]
    pub(super) related: usize,
    #[serde(default = "default_toc")]
    pub(super) toc_min_headings: usize,
    #[serde(default = "default_see_also")]
    pub(super) see_also_label: String,
    #[serde(default = "default_see_also_inverse")]
    pub(super) see_also_inverse_label: String,
    #[serde(default)]
    pub(super) print: bool,
    #[serde(default)]
    pub(super) map: bool,
}

fn default_language() -> String {
    "fr".into()
}
fn no_base_url() -> Spanned<String> {
    Spanned::new(0..0, String::new())
}
fn default_theme() -> Spanned<String> {
    Spanned::new(0..0, "default".into())
}
fn default_feed_size() -> usize {
    20
}
fn default_related() -> usize {
    5
}
fn default_toc() -> usize {
    3
}
fn default_see_also() -> String {
    "Voir aussi".into()
}
fn default_see_also_inverse() -> String {
    "Pages qui recommandent celle-ci".into()
}

/// One `[[kinds]]` entry.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawKind {
    pub(super) id: Spanned<String>,
    pub(super) dir: Spanned<String>,
    pub(super) singular: String,
    pub(super) plural: String,
    #[serde(default)]
    pub(super) description: String,
    #[serde(default)]
    pub(super) template: Option<String>,
    #[serde(default)]
    pub(super) sort: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) required: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) fields: IndexMap<Spanned<String>, RawField>,
    #[serde(default)]
    pub(super) skeleton: String,
    #[serde(default)]
    pub(super) new_label: Option<String>,
    #[serde(default)]
    pub(super) paginate: usize,
}

/// One field of a kind (`[kinds.fields]`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawField {
    #[serde(rename = "type")]
    pub(super) ty: Spanned<String>,
    #[serde(default)]
    pub(super) label: Option<String>,
    #[serde(default)]
    pub(super) kind: Option<Spanned<String>>,
    /// For `refs`: the label of the relation seen from the pages it names.
    #[serde(default)]
    pub(super) inverse: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) description: String,
}
