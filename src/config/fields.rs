//! Front-matter fields as `archipel.toml` declares them: the [`Field`] and [`FieldType`]
//! of the validated configuration, the fields every page has, and the check of one
//! declared field (its type, its name, and for a `refs` field the [`Relation`] it opens).

use indexmap::IndexMap;
use toml::Spanned;

use super::raw::{RawField, RawKind};
use super::{Check, Relation, did_you_mean};
use crate::t;

/// One front-matter field.
#[derive(Clone, Debug)]
pub struct Field {
    /// The key in the front matter.
    pub name: String,
    /// The label shown to readers.
    pub label: String,
    /// What the value must be.
    pub ty: FieldType,
    /// What the field is for (shown by `archipel schema` and `archipel new`).
    pub description: String,
}

/// The type of a front-matter field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// A string.
    Text,
    /// An integer.
    Integer,
    /// A date as precise as its source: a day (`2024-09-01`, unquoted), a month
    /// (`"2024-09"`) or a year (`2016`).
    Date,
    /// `true` or `false`.
    Bool,
    /// A list of strings; a single string stands for a list of one.
    List,
    /// A list of tag ids from `content/tags.toml`.
    Tags,
    /// A list of page ids, of the given kind (index into `Config::kinds`) or of any kind.
    Refs(Option<usize>),
}

impl FieldType {
    /// The value a new page starts with, for the contributor to fill in.
    pub fn empty_value(self) -> &'static str {
        match self {
            FieldType::Text => "\"\"",
            FieldType::Integer => "0",
            FieldType::Date => "2024-01-01",
            FieldType::Bool => "false",
            FieldType::List | FieldType::Tags | FieldType::Refs(_) => "[]",
        }
    }

    /// The name used in `archipel.toml` and in messages.
    pub fn name(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Integer => "integer",
            FieldType::Date => "date",
            FieldType::Bool => "bool",
            FieldType::List => "list",
            FieldType::Tags => "tags",
            FieldType::Refs(_) => "refs",
        }
    }
}

/// Fields every page has, whatever its kind: (name, type, description).
pub(super) const BUILTIN_FIELDS: [(&str, FieldType, &str); 9] = [
    ("title", FieldType::Text, "the page title"),
    (
        "date",
        FieldType::Date,
        "the date of the page's source, as precise as the source: a day `2024-09-13`, a month `\"2024-09\"` or a year `2016`; leave it out when the source is undated",
    ),
    (
        "updated",
        FieldType::Date,
        "date of the last significant change (a day, a month or a year)",
    ),
    (
        "summary",
        FieldType::Text,
        "one sentence shown in lists, search and the feed",
    ),
    ("tags", FieldType::Tags, "tag ids from content/tags.toml"),
    (
        "order",
        FieldType::Integer,
        "position in lists sorted by order",
    ),
    (
        "draft",
        FieldType::Bool,
        "a draft, left out of `build`: remove this line when the page is ready",
    ),
    (
        "see_also",
        FieldType::Refs(None),
        "ids of related pages of any kind",
    ),
    (
        "aliases",
        FieldType::List,
        "old addresses of the page (`old/path`), each kept alive by a page that redirects here",
    ),
];

/// The fields every page has, labelled and described for this site.
pub(super) fn builtin_fields(see_also_label: &str, help: &IndexMap<String, String>) -> Vec<Field> {
    BUILTIN_FIELDS
        .iter()
        .map(|&(name, ty, description)| Field {
            name: name.into(),
            label: if name == "see_also" {
                see_also_label.into()
            } else {
                name.into()
            },
            ty,
            description: help.get(name).map_or(description, String::as_str).into(),
        })
        .collect()
}

/// The kind a declared field belongs to: its index, what it says, and the ids of every
/// declared kind (which `refs` fields may name).
pub(super) struct Owner<'a> {
    /// The kind's index in `[[kinds]]`.
    pub(super) index: usize,
    /// The kind as written.
    pub(super) raw: &'a RawKind,
    /// The ids of every declared kind, in declaration order.
    pub(super) kind_ids: &'a [&'a str],
}

/// Checks the field `name` declared by `owner`, after the fields `taken`. `None` when
/// its type is unknown or its name is taken (each reported); a `refs` field also returns
/// its relation (an `inverse` label on any other type is reported and ignored).
pub(super) fn field(
    name: &Spanned<String>,
    rf: &RawField,
    taken: &[Field],
    owner: &Owner<'_>,
    check: &mut Check<'_>,
) -> Option<(Field, Option<Relation>)> {
    let ty = field_type(rf, owner.kind_ids, check)?;
    if taken.iter().any(|f| f.name == *name.get_ref()) {
        let d = check.error(
            "duplicate-field",
            name.span(),
            t!("duplicate-field", name = name.get_ref()),
        );
        check.push(d);
        return None;
    }
    let label = rf.label.clone().unwrap_or_else(|| name.get_ref().clone());
    let relation = match (ty, &rf.inverse) {
        // Without an inverse label, the pages that name a page are listed under the
        // plural label of their kind.
        (FieldType::Refs(_), inverse) => Some(Relation {
            kind: Some(owner.index),
            field: name.get_ref().clone(),
            label: label.clone(),
            inverse: inverse
                .as_ref()
                .map_or_else(|| owner.raw.plural.clone(), |s| s.get_ref().clone()),
        }),
        (_, Some(inverse)) => {
            let d = check
                .error(
                    "bad-field",
                    inverse.span(),
                    t!("bad-field.inverse", name = name.get_ref()),
                )
                .help(t!("bad-field.inverse.help"));
            check.push(d);
            None
        }
        (_, None) => None,
    };
    let field = Field {
        name: name.get_ref().clone(),
        label,
        ty,
        description: rf.description.clone(),
    };
    Some((field, relation))
}

/// The type a field declares (`None`, reported, when archipel knows no such type). A
/// `refs` field naming an unknown kind is reported and refers to pages of any kind.
fn field_type(rf: &RawField, kind_ids: &[&str], check: &mut Check<'_>) -> Option<FieldType> {
    Some(match rf.ty.get_ref().as_str() {
        "text" => FieldType::Text,
        "integer" => FieldType::Integer,
        "date" => FieldType::Date,
        "bool" => FieldType::Bool,
        "list" => FieldType::List,
        "refs" => FieldType::Refs(rf.kind.as_ref().and_then(|k| {
            let pos = kind_ids.iter().position(|id| id == k.get_ref());
            if pos.is_none() {
                let d = check
                    .error(
                        "unknown-kind",
                        k.span(),
                        t!("unknown-kind", kind = k.get_ref()),
                    )
                    .maybe_help(did_you_mean(k.get_ref(), kind_ids.iter().copied()));
                check.push(d);
            }
            pos
        })),
        other => {
            let d = check
                .error(
                    "bad-field-type",
                    rf.ty.span(),
                    t!("bad-field-type", ty = other),
                )
                .help(t!("bad-field-type.help"));
            check.push(d);
            return None;
        }
    })
}
