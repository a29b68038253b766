//! One source validated into a [`Page`]: its place in the site (role, id, slug) from its
//! path under `content/`, then each front-matter entry checked against the fields of its
//! kind (per field type in [`super::values`]), then the required fields and the title.
//! Every problem is a positioned diagnostic; a page with an error is not returned.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;
use std::path::Path;

use super::values::{self, Strings};
use super::{Page, RefField, Role, Tag, id_of};
use crate::config::{Config, Field, FieldType, did_you_mean};
use crate::diag::{Diagnostic, LineIndex};
use crate::load::{Data, Entry, Source, Text, Value};
use crate::slug::{is_slug, slugify};
use crate::t;

/// A page's front matter being read: where diagnostics go and how they get a position.
pub(super) struct Front<'a, 't> {
    /// The file, for diagnostics.
    pub(super) path: &'a Path,
    /// Its text, read (decompressed, when packed) and indexed by line only if a
    /// diagnostic needs a position: at 100,000 pages every text is packed, and
    /// unpacking each one here was most of this serial phase.
    stored: &'t Text,
    text: &'a OnceCell<Cow<'t, str>>,
    index: OnceCell<LineIndex<'a>>,
    /// Where problems go.
    pub(super) diags: &'a mut Vec<Diagnostic>,
}

impl<'a, 't: 'a> Front<'a, 't> {
    /// The file's line index, built on first use.
    pub(super) fn index(&self) -> &LineIndex<'a> {
        self.index.get_or_init(|| {
            let text = self.text.get_or_init(|| self.stored.get());
            LineIndex::new(text)
        })
    }

    /// Records `d` at the byte `offset` of the file.
    pub(super) fn push_at(&mut self, d: Diagnostic, offset: usize) {
        let d = d.at(self.index(), offset);
        self.diags.push(d);
    }
}

/// Validates one source into a page (`None` for a page with errors, which go to
/// `diags`; drafts are returned with [`Page::draft`] set). `tag_index` maps tag ids to
/// their index in `tags`.
pub fn page(
    config: &Config,
    tags: &[Tag],
    tag_index: &HashMap<&str, usize>,
    mut source: Source,
    diags: &mut Vec<Diagnostic>,
) -> Option<Page> {
    let (role, slug) = place(config, &source, diags)?;
    let fields: &[Field] = match role {
        Role::Kind(k) => &config.kinds[k].fields,
        Role::Home | Role::Standalone => &config.page_fields,
    };
    // The text is taken out of the source while the page is filled in (and put back at
    // the end), and read and indexed by line only if a diagnostic needs a position:
    // cloning and indexing every file showed in the serial part of a 10,000-page
    // build's profile.
    let stored = std::mem::take(&mut source.text);
    let entries = std::mem::take(&mut source.front);
    let path = source.path.clone();
    let text = OnceCell::new();
    let mut front = Front {
        path: &path,
        stored: &stored,
        text: &text,
        index: OnceCell::new(),
        diags,
    };
    let mut page = Page {
        id: id_of(&source.rel).to_string(),
        role,
        slug,
        source,
        title: String::new(),
        date: None,
        updated: None,
        summary: String::new(),
        order: None,
        tags: Vec::new(),
        values: Vec::new(),
        refs: Vec::new(),
        draft: false,
        aliases: Vec::new(),
    };
    let mut seen: Vec<&str> = Vec::new();
    for entry in &entries {
        let Some(field) = fields.iter().find(|f| f.name == entry.key) else {
            unknown_field(entry, fields, &mut front);
            continue;
        };
        seen.push(&field.name);
        fill(
            &mut page,
            field,
            &entry.value,
            (tags, tag_index),
            &mut front,
        );
    }
    let required: &[String] = match role {
        Role::Kind(k) => &config.kinds[k].required,
        Role::Home | Role::Standalone => &[],
    };
    check_required(required, &seen, fields, &mut front);
    check_title(&entries, &page, &mut front);
    // Show fields in the order the kind declares them, whatever the file's order.
    let rank = |name: &str| fields.iter().position(|f| f.name == name);
    page.refs.sort_by_key(|r| rank(&r.name));
    page.values.sort_by_key(|v| rank(&v.name));
    drop(front);
    drop(text);
    page.source.front = entries;
    page.source.text = stored;
    Some(page)
}

/// The role and slug of `source` from its path: a file directly under `content/` is the
/// home page (`_index.md`) or a standalone page, one in a kind's directory a page of that
/// kind. `None` (reported) for an unknown directory or a file name that is not a slug.
fn place(config: &Config, source: &Source, diags: &mut Vec<Diagnostic>) -> Option<(Role, String)> {
    let path = &source.path;
    let (dir, file) = match source.rel.rsplit_once('/') {
        Some((d, f)) => (Some(d), f),
        None => (None, source.rel.as_str()),
    };
    let slug = file.strip_suffix(".md").unwrap_or(file);
    let role = match dir {
        None if slug == "_index" => Role::Home,
        None => Role::Standalone,
        Some(d) => match config.kinds.iter().position(|k| k.dir == d) {
            Some(k) => Role::Kind(k),
            None => {
                diags.push(
                    Diagnostic::error("unknown-kind-dir", path, t!("unknown-kind-dir", dir = d))
                        .help(
                            did_you_mean(d, config.kinds.iter().map(|k| k.dir.as_str()))
                                .unwrap_or_else(|| t!("unknown-kind-dir.help")),
                        ),
                );
                return None;
            }
        },
    };
    if role != Role::Home && !is_slug(slug) {
        diags.push(
            Diagnostic::error("bad-slug", path, t!("bad-slug", file = file))
                .help(t!("bad-slug.help", slug = slugify(slug))),
        );
        return None;
    }
    Some((role, slug.to_string()))
}

/// Reports an entry whose key is none of `fields`, with the nearest name or the list.
fn unknown_field(entry: &Entry, fields: &[Field], front: &mut Front<'_, '_>) {
    let names = || fields.iter().map(|f| f.name.as_str());
    let help = did_you_mean(&entry.key, names()).unwrap_or_else(|| {
        let names: Vec<&str> = names().collect();
        t!("unknown-field.page.help", names = names.join(", "))
    });
    let d = Diagnostic::error(
        "unknown-field",
        front.path,
        t!("unknown-field.page", name = entry.key),
    )
    .help(help);
    front.push_at(d, entry.key_span.start);
}

/// Fills the declared `field` of `page` from the value `v`, by field type; a value of
/// the wrong type is reported.
fn fill(
    page: &mut Page,
    field: &Field,
    v: &Value,
    tags: (&[Tag], &HashMap<&str, usize>),
    front: &mut Front<'_, '_>,
) {
    match (field.ty, &v.data) {
        (FieldType::Text, Data::String(s)) => values::text(page, field, s),
        (FieldType::Integer, Data::Integer(Some(n))) => values::integer(page, field, *n),
        (FieldType::Date, Data::Datetime(_) | Data::String(_) | Data::Integer(_)) => {
            values::date(page, field, v, front);
        }
        (FieldType::Bool, Data::Bool(b)) => values::boolean(page, field, *b),
        // A list of one may be written as its single string (`source = "..."`).
        (FieldType::List, Data::String(s)) => {
            list(page, field, vec![(s.clone(), v.span.clone())], tags, front);
        }
        (FieldType::List | FieldType::Tags | FieldType::Refs(_), Data::Array(items)) => {
            let strings = values::strings(field, items, front);
            list(page, field, strings, tags, front);
        }
        _ => {
            let d = values::type_error(front.path, field, v);
            front.push_at(d, v.span.start);
        }
    }
}

/// Fills a list field (plain list, aliases, tags or references) from its items.
fn list(
    page: &mut Page,
    field: &Field,
    items: Strings,
    (tags, tag_index): (&[Tag], &HashMap<&str, usize>),
    front: &mut Front<'_, '_>,
) {
    match field.ty {
        FieldType::Tags => values::tags(page, items, tags, tag_index, front),
        FieldType::List if field.name == "aliases" => values::aliases(page, &items, front),
        FieldType::Refs(target) => page.refs.push(RefField {
            name: field.name.clone(),
            label: field.label.clone(),
            target,
            items,
        }),
        _ => {
            let items = items.into_iter().map(|(s, _)| s).collect();
            page.values.push(values::value(field, items));
        }
    }
}

/// Reports each field of `required` (then `title`, which every page needs) that the
/// page did not fill (`seen`). A missing title ends the list: the rest would be noise.
fn check_required(required: &[String], seen: &[&str], fields: &[Field], front: &mut Front<'_, '_>) {
    for name in required
        .iter()
        .map(String::as_str)
        .chain(std::iter::once("title"))
    {
        if !seen.contains(&name) {
            let help = match fields.iter().find(|f| f.name == name) {
                Some(f) => t!(
                    "missing-field.help",
                    name = f.name,
                    example = values::example(f.ty)
                ),
                None => t!("missing-field.help-plain"),
            };
            let d = Diagnostic::error(
                "missing-field",
                front.path,
                t!("missing-field", name = name),
            )
            .help(help);
            front.push_at(d, 0);
            if name == "title" {
                break;
            }
        }
    }
}

/// Reports a title written as a string that is empty once trimmed.
fn check_title(entries: &[Entry], page: &Page, front: &mut Front<'_, '_>) {
    let title_is_text = entries
        .iter()
        .any(|e| e.key == "title" && matches!(e.value.data, Data::String(_)));
    if title_is_text && page.title.is_empty() {
        let d = Diagnostic::error("empty-title", front.path, t!("empty-title"));
        front.push_at(d, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        let text = "[site]\ntitle = \"T\"\n[[kinds]]\nid = \"case\"\ndir = \"cas\"\nsingular = \"Cas\"\nplural = \"Cas\"\nrequired = [\"summary\", \"source\"]\n[kinds.fields]\nsource = { type = \"text\" }\n";
        crate::config::parse(Path::new("."), text).unwrap()
    }

    /// `page()` on the file `rel` holding `front` (the lines of its front matter), with
    /// the codes of the problems it reports.
    fn validate(rel: &str, front: &str) -> (Option<Page>, Vec<&'static str>) {
        let text = format!("+++\n{front}\n+++\nCorps.\n");
        let source =
            crate::load::parse_source(format!("content/{rel}").into(), rel.into(), text).unwrap();
        let mut diags = Vec::new();
        let page = page(&config(), &[], &HashMap::new(), source, &mut diags);
        (page, diags.iter().map(|d| d.code).collect())
    }

    #[test]
    fn a_packed_text_is_read_only_for_a_position_and_gives_the_same_one() {
        // A large site's texts are packed (LZ4), and unpacked here only when a
        // diagnostic needs a position: the same diagnostics, at the same places.
        let text = "+++\ntitle = \"A\"\nsummary = 3\nsource = \"x\"\nrenamed = 1\n+++\nCorps.\n";
        let plain = plain_source(text);
        let mut packed = plain.clone();
        packed.text = Text::packed(text);
        let positions = |source| {
            let mut diags = Vec::new();
            page(&config(), &[], &HashMap::new(), source, &mut diags);
            diags
                .iter()
                .map(|d| (d.code, d.pos.map(|p| (p.line, p.column))))
                .collect::<Vec<_>>()
        };
        let expected = [("bad-type", Some((3, 11))), ("unknown-field", Some((5, 1)))];
        assert_eq!(positions(plain), expected);
        assert_eq!(positions(packed), expected);
        // A page without a problem keeps its text, packed, whole.
        let fine = "+++\ntitle = \"A\"\nsummary = \"s\"\nsource = \"x\"\n+++\nCorps.\n";
        let mut source = plain_source(fine);
        source.text = Text::packed(fine);
        let mut diags = Vec::new();
        let page = page(&config(), &[], &HashMap::new(), source, &mut diags).unwrap();
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(page.source.text.get(), fine);
    }

    fn plain_source(text: &str) -> Source {
        crate::load::parse_source("content/cas/a.md".into(), "cas/a.md".into(), text.into())
            .unwrap()
    }

    #[test]
    fn the_place_of_a_file_gives_its_role_id_and_slug() {
        let (home, _) = validate("_index.md", "title = \"Accueil\"");
        let home = home.unwrap();
        assert_eq!((home.role, home.id.as_str()), (Role::Home, ""));
        let (about, _) = validate("a-propos.md", "title = \"À propos\"");
        let about = about.unwrap();
        assert_eq!(
            (about.role, about.id.as_str()),
            (Role::Standalone, "a-propos")
        );
        let full = "title = \"Un cas\"\nsummary = \"s\"\nsource = \"x\"";
        let (case, diags) = validate("cas/un-cas.md", full);
        let case = case.unwrap();
        assert_eq!(diags, Vec::<&str>::new());
        assert_eq!(
            (case.role, case.id.as_str(), case.slug.as_str()),
            (Role::Kind(0), "cas/un-cas", "un-cas")
        );
        assert_eq!(validate("autres/x.md", full).1, ["unknown-kind-dir"]);
        assert_eq!(validate("cas/Un_Cas.md", full).1, ["bad-slug"]);
    }

    #[test]
    fn required_fields_are_reported_until_a_missing_title() {
        // The kind requires the title (always first), the summary and the source.
        assert_eq!(
            validate("cas/a.md", "title = \"A\"").1,
            ["missing-field", "missing-field"]
        );
        // Without a title, the rest would be noise: one error.
        assert_eq!(validate("cas/a.md", "summary = \"s\"").1, ["missing-field"]);
        assert_eq!(
            validate("cas/a.md", "title = \" \"\nsummary = \"s\"\nsource = \"x\"").1,
            ["empty-title"]
        );
    }
}
