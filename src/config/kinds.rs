//! Content kinds as `archipel.toml` declares them (`[[kinds]]`): the validated [`Kind`]
//! and the checks of each one: a unique id and directory that no output of the site
//! takes ([`RESERVED_NAMES`]), a known sort order, well-typed fields and required fields
//! that exist.

use indexmap::IndexMap;
use toml::Spanned;

use super::fields::{self, Field, Owner, builtin_fields};
use super::raw::{RawConfig, RawKind};
use super::{Check, Relation, did_you_mean};
use crate::diag::Pos;
use crate::t;

/// Names a kind directory or a standalone page cannot take: the site's own top-level
/// directories and pages. Here, below `render`, because both the configuration (kind
/// directories) and the outputs (standalone pages) check them.
pub const RESERVED_NAMES: [&str; 7] =
    ["tags", "search", "print", "carte", "index", "404", "static"];

/// One kind of page (`[[kinds]]`).
#[derive(Debug)]
pub struct Kind {
    /// The kind's identifier, as used by `archipel new <kind>` and reference fields.
    pub id: String,
    /// Its directory under `content/`, which is also its URL segment.
    pub dir: String,
    /// Where `dir` is set in the configuration.
    pub dir_pos: Pos,
    /// The singular label shown to readers.
    pub singular: String,
    /// The plural label shown to readers.
    pub plural: String,
    /// An introduction shown on the kind's list page.
    pub description: String,
    /// The template that renders its pages.
    pub template: String,
    /// How its list is sorted.
    pub sort: SortOrder,
    /// Names of the fields a page of this kind must have.
    pub required: Vec<String>,
    /// Every field a page of this kind may have, built-in ones first.
    pub fields: Vec<Field>,
    /// The body skeleton `archipel new` writes.
    pub skeleton: String,
    /// The label of the link to propose a new page of this kind on the forge
    /// (« Proposer un témoignage »), when `[forge] new` is set; empty for the theme's
    /// (`propose` in its translation table).
    pub new_label: String,
    /// Pages listed per page of the kind's list (0: all on one page).
    pub paginate: usize,
}

impl Kind {
    /// The field called `name`, if the kind has one.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// The order of a kind's list page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortOrder {
    /// By the `order` field, then by title.
    Order,
    /// Newest first, then by title.
    Date,
    /// By title, ignoring case and accents.
    Title,
}

/// Checks every declared kind, in order; returns them with the relations their `refs`
/// fields open. Kinds are all named first, so that a field may refer to a later kind.
pub(super) fn kinds(
    raw: &RawConfig,
    help: &IndexMap<String, String>,
    check: &mut Check<'_>,
) -> (Vec<Kind>, Vec<Relation>) {
    let kind_ids: Vec<&str> = raw.kinds.iter().map(|k| k.id.get_ref().as_str()).collect();
    let mut kinds = Vec::with_capacity(raw.kinds.len());
    let mut relations = Vec::new();
    for (i, rk) in raw.kinds.iter().enumerate() {
        check_names(&raw.kinds[..i], rk, check);
        let sort = sort(rk.sort.as_ref(), check);
        let owner = Owner {
            index: i,
            raw: rk,
            kind_ids: &kind_ids,
        };
        let mut fields = builtin_fields(&raw.site.see_also_label, help);
        for (name, rf) in &rk.fields {
            if let Some((field, relation)) = fields::field(name, rf, &fields, &owner, check) {
                relations.extend(relation);
                fields.push(field);
            }
        }
        check_required(rk, &fields, check);
        kinds.push(kind(rk, sort, fields, check.index.pos(rk.dir.span().start)));
    }
    (kinds, relations)
}

/// The validated kind `rk`, with its checked sort order and fields.
fn kind(rk: &RawKind, sort: SortOrder, fields: Vec<Field>, dir_pos: Pos) -> Kind {
    Kind {
        id: rk.id.get_ref().clone(),
        dir: rk.dir.get_ref().clone(),
        dir_pos,
        singular: rk.singular.clone(),
        plural: rk.plural.clone(),
        description: rk.description.clone(),
        template: rk.template.clone().unwrap_or_else(|| "page.html".into()),
        sort,
        required: required(&rk.required),
        fields,
        skeleton: rk.skeleton.clone(),
        new_label: rk.new_label.clone().unwrap_or_default(),
        paginate: rk.paginate,
    }
}

/// Reports an id or a directory that `rk` shares with a kind declared `before` it, and a
/// directory that cannot be one (see [`is_kind_dir`]).
fn check_names(before: &[RawKind], rk: &RawKind, check: &mut Check<'_>) {
    let (id, dir) = (rk.id.get_ref(), rk.dir.get_ref());
    if before.iter().any(|k| k.id.get_ref() == id) {
        let d = check.error(
            "duplicate-kind",
            rk.id.span(),
            t!("duplicate-kind", id = id),
        );
        check.push(d);
    }
    if !is_kind_dir(dir) {
        let reserved = RESERVED_NAMES.map(|n| format!("`{n}`")).join(", ");
        let d = check
            .error("bad-kind-dir", rk.dir.span(), t!("bad-kind-dir", dir = dir))
            .help(t!("bad-kind-dir.help", reserved = reserved));
        check.push(d);
    }
    if before.iter().any(|k| k.dir.get_ref() == dir) {
        let d = check.error(
            "duplicate-kind",
            rk.dir.span(),
            t!("duplicate-kind.dir", dir = dir),
        );
        check.push(d);
    }
}

/// Whether `dir` can be a kind's directory (and URL segment): ASCII letters, digits,
/// `-` and `_`, not starting with `_` (`_index.md`) and not a name the site's own
/// outputs take.
fn is_kind_dir(dir: &str) -> bool {
    !dir.is_empty()
        && !dir.starts_with(['_', '.'])
        && dir
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && !RESERVED_NAMES.contains(&dir)
}

/// The sort order as written (`title` when unset or unknown, the latter reported).
fn sort(written: Option<&Spanned<String>>, check: &mut Check<'_>) -> SortOrder {
    match written.map(|s| (s.get_ref().as_str(), s.span())) {
        None | Some(("title", _)) => SortOrder::Title,
        Some(("order", _)) => SortOrder::Order,
        Some(("date", _)) => SortOrder::Date,
        Some((other, span)) => {
            let d = check
                .error("bad-sort", span, t!("bad-sort", sort = other))
                .help(t!("bad-sort.help"));
            check.push(d);
            SortOrder::Title
        }
    }
}

/// Reports each required field that `fields` does not have, with the nearest name.
fn check_required(rk: &RawKind, fields: &[Field], check: &mut Check<'_>) {
    for req in &rk.required {
        if !fields.iter().any(|f| f.name == *req.get_ref()) {
            let d = check
                .error(
                    "unknown-field",
                    req.span(),
                    t!(
                        "unknown-field.required",
                        name = req.get_ref(),
                        kind = rk.id.get_ref()
                    ),
                )
                .maybe_help(did_you_mean(
                    req.get_ref(),
                    fields.iter().map(|f| f.name.as_str()),
                ));
            check.push(d);
        }
    }
}

/// The required fields: `title` always, first, then those written, in their order.
fn required(written: &[Spanned<String>]) -> Vec<String> {
    let mut required: Vec<String> = vec!["title".into()];
    required.extend(
        written
            .iter()
            .map(|r| r.get_ref().clone())
            .filter(|r| r != "title"),
    );
    required
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_dirs_are_url_segments_the_site_does_not_take() {
        assert!(is_kind_dir("fiches-outils"));
        assert!(is_kind_dir("cas_2"));
        for bad in [
            "",
            "_brouillons",
            ".cache",
            "a/b",
            "é",
            "tags",
            "carte",
            "static",
        ] {
            assert!(!is_kind_dir(bad), "{bad}");
        }
    }

    #[test]
    fn title_is_required_once_and_first() {
        let written = [
            Spanned::new(0..1, "summary".to_string()),
            Spanned::new(2..3, "title".to_string()),
        ];
        assert_eq!(required(&written), ["title", "summary"]);
    }
}
