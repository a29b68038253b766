//! The model: loaded sources turned into a [`Site`] of typed, validated pages.
//!
//! Each page gets its role (home, standalone page or page of a kind) from its place under
//! `content/`, its id (`<kind dir>/<slug>`), and front-matter values checked against the
//! fields its kind declares. Tags must come from the vocabulary. References are kept as
//! written, with their positions; `links` resolves them.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

use crate::config::{Config, Field, FieldType, did_you_mean};
use crate::date::Date;
use crate::diag::{Diagnostic, LineIndex, Pos};
use crate::load::{Data, Loaded, Source, TagsSource, Value};
use crate::slug::{is_slug, slugify};
use crate::t;

/// A validated site: configuration, tags and pages.
#[derive(Debug)]
pub struct Site {
    /// The configuration.
    pub config: Config,
    /// The tag vocabulary, in declaration order.
    pub tags: Vec<Tag>,
    /// The pages, sorted by path (drafts left out unless the build publishes them).
    pub pages: Vec<Page>,
    /// Other files under `content/` (images, documents), relative to it, sorted.
    pub assets: Vec<String>,
    by_id: HashMap<String, usize>,
    by_slug: HashMap<String, Vec<usize>>,
    /// Ids of files that exist but failed validation: their own errors are reported, so
    /// links to them are not reported again.
    invalid: HashSet<String>,
    /// Ids of drafts left out of this build: links to them are warnings, shown as text.
    drafts: HashSet<String>,
}

/// The pages a build leaves out, by id: files with errors and unpublished drafts.
#[derive(Debug, Default)]
pub struct Unpublished {
    /// Files that exist but failed validation.
    pub invalid: HashSet<String>,
    /// Drafts (`draft = true`) left out of this build.
    pub drafts: HashSet<String>,
}

/// One declared tag.
#[derive(Debug)]
pub struct Tag {
    /// The identifier pages use.
    pub id: String,
    /// The label readers see.
    pub label: String,
    /// One sentence about the tag.
    pub description: String,
}

/// Where a page sits in the site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// `content/_index.md`, the home page's text.
    Home,
    /// A file directly under `content/` (an "about" page).
    Standalone,
    /// A page of the kind at this index of `Config::kinds`.
    Kind(usize),
}

/// One validated content page.
#[derive(Debug)]
pub struct Page {
    /// `<kind dir>/<slug>`, the bare slug for standalone pages, empty for home.
    pub id: String,
    /// Where it sits.
    pub role: Role,
    /// The file name without `.md`.
    pub slug: String,
    /// The file it comes from.
    pub source: Source,
    /// The title.
    pub title: String,
    /// The publication date, as precise as its source, when given.
    pub date: Option<Date>,
    /// The date of the last change, when given.
    pub updated: Option<Date>,
    /// One sentence about the page.
    pub summary: String,
    /// Position in lists sorted by order.
    pub order: Option<i64>,
    /// Indexes into `Site::tags`.
    pub tags: Vec<usize>,
    /// The kind's declared plain fields that the page fills, as display text.
    pub values: Vec<FieldValue>,
    /// The reference fields that the page fills, as written.
    pub refs: Vec<RefField>,
    /// `draft = true`: published only by `build --drafts` and `serve`.
    pub draft: bool,
    /// Old addresses of the page (`aliases`), each redirected to it.
    pub aliases: Vec<Alias>,
}

/// An old address of a page, kept alive by a redirect page (#12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    /// The address from the site root, without slashes around it (`old/path`).
    pub path: String,
    /// Where it is written.
    pub pos: Pos,
}

/// `old/path` from an alias as written (`/old/path/` too), or `None` if it cannot be an
/// address of the site: empty, `.` or `..` segments, `?`, `#`, `%`, spaces or quotes.
fn alias_path(written: &str) -> Option<String> {
    let path = written.trim().trim_matches('/');
    let fine = !path.is_empty()
        && path
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != "..")
        && !path.contains(|c: char| c.is_whitespace() || "\\?#%\"'<>".contains(c));
    fine.then(|| path.to_string())
}

/// Adds the aliases `items` (as written, with their spans) of the page at `path`, or a
/// `bad-alias` error for each that cannot be an address.
fn add_aliases<'a>(
    aliases: &mut Vec<Alias>,
    diags: &mut Vec<Diagnostic>,
    items: impl IntoIterator<Item = (&'a String, &'a Range<usize>)>,
    index: &LineIndex<'_>,
    path: &Path,
) {
    for (written, span) in items {
        match alias_path(written) {
            Some(alias) => aliases.push(Alias {
                path: alias,
                pos: index.pos(span.start),
            }),
            None => diags.push(
                Diagnostic::error("bad-alias", path, t!("bad-alias", written = written))
                    .at(index, span.start)
                    .help(t!("bad-alias.help")),
            ),
        }
    }
}

impl Page {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        self.source.body()
    }
}

/// A plain declared field's value, ready to show.
#[derive(Debug)]
pub struct FieldValue {
    /// The field name.
    pub name: String,
    /// Its label.
    pub label: String,
    /// Its value as text (a list's items joined by commas).
    pub text: String,
    /// Its items: one for a plain value, each item of a list.
    pub items: Vec<String>,
}

/// A reference field as written in the front matter.
#[derive(Debug)]
pub struct RefField {
    /// The field name (`practices`, `see_also`).
    pub name: String,
    /// Its label.
    pub label: String,
    /// The kind its ids must belong to, if restricted.
    pub target: Option<usize>,
    /// The ids as written, with their byte spans in the file.
    pub items: Vec<(String, Range<usize>)>,
}

impl Site {
    /// The index of the page with this exact id.
    pub fn page_index(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Whether `id` (a page id or a bare slug) names a file that failed validation.
    pub fn is_invalid(&self, id: &str) -> bool {
        names(&self.invalid, id)
    }

    /// Whether `id` (a page id or a bare slug) names a draft left out of this build.
    pub fn is_draft(&self, id: &str) -> bool {
        names(&self.drafts, id)
    }

    /// How many drafts the site has, published by this build or not.
    pub fn draft_count(&self) -> usize {
        self.drafts.len() + self.pages.iter().filter(|p| p.draft).count()
    }

    /// The pages whose slug is `slug`.
    pub fn pages_with_slug(&self, slug: &str) -> &[usize] {
        self.by_slug.get(slug).map_or(&[], Vec::as_slice)
    }

    /// The label of the kind of page `i`, if it has a kind.
    pub fn kind_of(&self, i: usize) -> Option<&crate::config::Kind> {
        match self.pages[i].role {
            Role::Kind(k) => Some(&self.config.kinds[k]),
            Role::Home | Role::Standalone => None,
        }
    }
}

/// Whether `id` (a page id or a bare slug) is one of `ids`.
fn names(ids: &HashSet<String>, id: &str) -> bool {
    ids.contains(id) || ids.iter().any(|i| i.rsplit('/').next() == Some(id))
}

/// Builds the site model, collecting every problem found. Drafts are kept only when
/// `drafts` is true.
pub fn build(config: Config, loaded: Loaded, drafts: bool) -> (Site, Vec<Diagnostic>) {
    let mut diags = loaded.diags;
    let mut invalid: HashSet<String> = diags
        .iter()
        .filter(|d| d.is_error())
        .filter_map(|d| d.path.strip_prefix(crate::load::CONTENT_DIR).ok())
        .map(|rel| id_of(&rel.to_string_lossy().replace('\\', "/")))
        .collect();
    let tags = tags(&loaded.tags, &mut diags);
    let tag_index: HashMap<&str, usize> = tags
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    let mut pages = Vec::with_capacity(loaded.sources.len());
    let mut unpublished_drafts = HashSet::new();
    for source in loaded.sources {
        let (rel, errors) = (source.rel.clone(), diags.len());
        match page(&config, &tags, &tag_index, source, &mut diags) {
            Some(page) if page.draft && !drafts => {
                unpublished_drafts.insert(page.id);
            }
            Some(page) => pages.push(page),
            None if diags[errors..].iter().any(Diagnostic::is_error) => {
                invalid.insert(id_of(&rel));
            }
            None => {}
        }
    }
    let unpublished = Unpublished {
        invalid,
        drafts: unpublished_drafts,
    };
    (
        assemble_with(config, tags, pages, loaded.assets, None, unpublished),
        diags,
    )
}

/// A site from pages validated one by one (see [`page`]), in path order. Incremental
/// rebuilds (#4) keep validated pages between builds and assemble them again.
pub fn assemble(config: Config, tags: Vec<Tag>, pages: Vec<Page>, assets: Vec<String>) -> Site {
    assemble_with(config, tags, pages, assets, None, Unpublished::default())
}

/// The page id of a Markdown file, from its path relative to `content/`.
pub fn id_of(rel: &str) -> String {
    match rel.strip_suffix(".md").unwrap_or(rel) {
        "_index" => String::new(),
        id => id.to_string(),
    }
}

/// The lookup tables of a site's pages by id and by slug, kept by an incremental rebuild
/// (#4) while the pages' ids stay the same.
#[derive(Debug, Default)]
pub struct Lookup {
    by_id: HashMap<String, usize>,
    by_slug: HashMap<String, Vec<usize>>,
}

/// Like [`assemble`], reusing `lookup` from a site with the same page ids, in the same
/// order, when given.
pub fn assemble_with(
    config: Config,
    tags: Vec<Tag>,
    pages: Vec<Page>,
    assets: Vec<String>,
    lookup: Option<Lookup>,
    unpublished: Unpublished,
) -> Site {
    let Lookup { by_id, by_slug } = lookup.unwrap_or_else(|| lookup_of(&pages));
    Site {
        config,
        tags,
        pages,
        assets,
        by_id,
        by_slug,
        invalid: unpublished.invalid,
        drafts: unpublished.drafts,
    }
}

/// The lookup tables of `pages`.
fn lookup_of(pages: &[Page]) -> Lookup {
    let by_id = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.clone(), i))
        .collect();
    let mut by_slug: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in pages.iter().enumerate() {
        if p.role != Role::Home {
            by_slug.entry(p.slug.clone()).or_default().push(i);
        }
    }
    Lookup { by_id, by_slug }
}

impl Site {
    /// Takes the site apart again: configuration, tags, pages, assets and lookup tables.
    pub fn into_parts(self) -> (Config, Vec<Tag>, Vec<Page>, Vec<String>, Lookup) {
        let lookup = Lookup {
            by_id: self.by_id,
            by_slug: self.by_slug,
        };
        (self.config, self.tags, self.pages, self.assets, lookup)
    }
}

/// The tag vocabulary, validated.
pub fn tags(source: &TagsSource, diags: &mut Vec<Diagnostic>) -> Vec<Tag> {
    let index = LineIndex::new(&source.text);
    let mut tags: Vec<Tag> = Vec::with_capacity(source.tags.len());
    for raw in &source.tags {
        let id = raw.id.get_ref();
        let error = |code, msg: crate::diag::Text| {
            Diagnostic::error(code, &source.path, msg).at(&index, raw.id.span().start)
        };
        if !is_slug(id) {
            diags.push(
                error("bad-tag-id", t!("bad-tag-id", id = id))
                    .help(t!("bad-tag-id.help", example = slugify(id))),
            );
            continue;
        }
        if tags.iter().any(|t| t.id == *id) {
            diags.push(error(
                "duplicate-tag",
                t!("duplicate-tag.declared", id = id),
            ));
            continue;
        }
        tags.push(Tag {
            id: id.clone(),
            label: raw.label.clone(),
            description: raw.description.clone(),
        });
    }
    tags
}

/// Validates one source into a page (`None` for a page with errors, which go to
/// `diags`; drafts are returned with [`Page::draft`] set). `tag_index` maps tag ids to their index in `tags`.
pub fn page(
    config: &Config,
    tags: &[Tag],
    tag_index: &HashMap<&str, usize>,
    mut source: Source,
    diags: &mut Vec<Diagnostic>,
) -> Option<Page> {
    // The text is taken out of the source while the page is filled in (and put back at
    // the end), and indexed by line only if a diagnostic needs a position: cloning and
    // indexing every file showed in the serial part of a 10,000-page build's profile.
    let text = std::mem::take(&mut source.text);
    let index = std::cell::OnceCell::new();
    let path = source.path.clone();
    let (dir, file) = match source.rel.rsplit_once('/') {
        Some((d, f)) => (Some(d), f),
        None => (None, source.rel.as_str()),
    };
    let slug = file.trim_end_matches(".md").to_string();
    let (role, fields) = match dir {
        None if slug == "_index" => (Role::Home, &config.page_fields),
        None => (Role::Standalone, &config.page_fields),
        Some(d) => match config.kinds.iter().position(|k| k.dir == d) {
            Some(k) => (Role::Kind(k), &config.kinds[k].fields),
            None => {
                diags.push(
                    Diagnostic::error("unknown-kind-dir", &path, t!("unknown-kind-dir", dir = d))
                        .help(
                            did_you_mean(d, config.kinds.iter().map(|k| k.dir.as_str()))
                                .unwrap_or_else(|| t!("unknown-kind-dir.help")),
                        ),
                );
                return None;
            }
        },
    };
    if role != Role::Home && !is_slug(&slug) {
        diags.push(
            Diagnostic::error("bad-slug", &path, t!("bad-slug", file = file))
                .help(t!("bad-slug.help", slug = slugify(&slug))),
        );
        return None;
    }
    let mut page = Page {
        id: match (role, dir) {
            (Role::Home, _) => String::new(),
            (_, Some(d)) => format!("{d}/{slug}"),
            (_, None) => slug.clone(),
        },
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
    let entries = std::mem::take(&mut page.source.front);
    let at =
        |d: Diagnostic, offset: usize| d.at(index.get_or_init(|| LineIndex::new(&text)), offset);
    for entry in &entries {
        let Some(field) = fields.iter().find(|f| f.name == entry.key) else {
            let help = did_you_mean(&entry.key, fields.iter().map(|f| f.name.as_str()))
                .unwrap_or_else(|| {
                    let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
                    t!("unknown-field.page.help", names = names.join(", "))
                });
            diags.push(at(
                Diagnostic::error(
                    "unknown-field",
                    &path,
                    t!("unknown-field.page", name = entry.key),
                )
                .help(help),
                entry.key_span.start,
            ));
            continue;
        };
        seen.push(&field.name);
        let v = &entry.value;
        match (field.ty, &v.data) {
            (FieldType::Text, Data::String(s)) => match field.name.as_str() {
                "title" => page.title = s.trim().to_string(),
                "summary" => page.summary = s.trim().to_string(),
                _ => page.values.push(value(field, vec![s.clone()])),
            },
            (FieldType::Integer, Data::Integer(Some(n))) => match field.name.as_str() {
                "order" => page.order = Some(*n),
                _ => page.values.push(value(field, vec![n.to_string()])),
            },
            (FieldType::Date, Data::Datetime(_) | Data::String(_) | Data::Integer(_)) => {
                match date(&v.data) {
                    Ok(date) => match field.name.as_str() {
                        "date" => page.date = Some(date),
                        "updated" => page.updated = Some(date),
                        _ => page.values.push(value(field, vec![date.to_string()])),
                    },
                    Err(written) => diags.push(at(
                        Diagnostic::error(
                            "bad-date",
                            &path,
                            t!("bad-date", name = field.name, written = written),
                        )
                        .help(t!("bad-date.help")),
                        v.span.start,
                    )),
                }
            }
            // A list of one may be written as its single string (`source = "..."`).
            (FieldType::List, Data::String(s)) if field.name == "aliases" => {
                let index = index.get_or_init(|| LineIndex::new(&text));
                add_aliases(&mut page.aliases, diags, [(s, &v.span)], index, &path);
            }
            (FieldType::List, Data::String(s)) => page.values.push(value(field, vec![s.clone()])),
            (FieldType::Bool, Data::Bool(b)) => match field.name.as_str() {
                "draft" => page.draft = *b,
                _ => page
                    .values
                    .push(value(field, vec![if *b { "oui" } else { "non" }.into()])),
            },
            (FieldType::List | FieldType::Tags | FieldType::Refs(_), Data::Array(items)) => {
                let mut strings = Vec::with_capacity(items.len());
                for item in items {
                    match &item.data {
                        Data::String(s) => strings.push((s.clone(), item.span.clone())),
                        _ => diags.push(at(
                            Diagnostic::error(
                                "bad-type",
                                &path,
                                t!(
                                    "bad-type.item",
                                    name = field.name,
                                    found = item.data.type_name()
                                ),
                            ),
                            item.span.start,
                        )),
                    }
                }
                match field.ty {
                    FieldType::Tags => {
                        for (id, span) in strings {
                            match tag_index.get(id.as_str()) {
                                Some(&t) if page.tags.contains(&t) => diags.push(at(
                                    Diagnostic::warning(
                                        "duplicate-tag",
                                        &path,
                                        t!("duplicate-tag", id = id),
                                    ),
                                    span.start,
                                )),
                                Some(&t) => page.tags.push(t),
                                None => diags.push(at(
                                    Diagnostic::error(
                                        "unknown-tag",
                                        &path,
                                        t!("unknown-tag", tag = id),
                                    )
                                    .help(
                                        did_you_mean(&id, tags.iter().map(|t| t.id.as_str()))
                                            .unwrap_or_else(|| t!("unknown-tag.help")),
                                    ),
                                    span.start,
                                )),
                            }
                        }
                    }
                    FieldType::List if field.name == "aliases" => {
                        let index = index.get_or_init(|| LineIndex::new(&text));
                        let items = strings.iter().map(|(s, span)| (s, span));
                        add_aliases(&mut page.aliases, diags, items, index, &path);
                    }
                    FieldType::Refs(target) => page.refs.push(RefField {
                        name: field.name.clone(),
                        label: field.label.clone(),
                        target,
                        items: strings,
                    }),
                    _ => page
                        .values
                        .push(value(field, strings.into_iter().map(|(s, _)| s).collect())),
                }
            }
            _ => diags.push(at(type_error(&path, field, v), v.span.start)),
        }
    }
    let required: &[String] = match role {
        Role::Kind(k) => &config.kinds[k].required,
        Role::Home | Role::Standalone => &[],
    };
    for name in required
        .iter()
        .map(String::as_str)
        .chain(std::iter::once("title"))
    {
        if !seen.contains(&name) {
            let field = fields.iter().find(|f| f.name == name);
            let help = match field {
                Some(f) => t!("missing-field.help", name = f.name, example = example(f.ty)),
                None => t!("missing-field.help-plain"),
            };
            diags.push(at(
                Diagnostic::error("missing-field", &path, t!("missing-field", name = name))
                    .help(help),
                0,
            ));
            if name == "title" {
                break;
            }
        }
    }
    let title_is_text = entries
        .iter()
        .any(|e| e.key == "title" && matches!(e.value.data, Data::String(_)));
    if title_is_text && page.title.is_empty() {
        diags.push(at(
            Diagnostic::error("empty-title", &path, t!("empty-title")),
            0,
        ));
    }
    // Show fields in the order the kind declares them, whatever the file's order.
    let rank = |name: &str| fields.iter().position(|f| f.name == name);
    page.refs.sort_by_key(|r| rank(&r.name));
    page.values.sort_by_key(|v| rank(&v.name));
    page.source.front = entries;
    drop(index);
    page.source.text = text;
    Some(page)
}

fn value(field: &Field, items: Vec<String>) -> FieldValue {
    FieldValue {
        name: field.name.clone(),
        label: field.label.clone(),
        text: items.join(", "),
        items,
    }
}

/// A date field's value as a [`Date`], or what was written when it is none.
fn date(data: &Data) -> Result<Date, String> {
    match data {
        // A time of day, if any, is more than a page's date says: the day is kept.
        Data::Datetime(d) => d
            .date
            .and_then(|day| Date::day(i64::from(day.year), day.month.into(), day.day.into()))
            .ok_or_else(|| d.to_string()),
        Data::String(s) => Date::parse(s).ok_or_else(|| format!("\"{s}\"")),
        // A bare year has four digits: `date = 24` is more likely a slip than year 24.
        Data::Integer(Some(n @ 1000..=9999)) => Date::year(*n).ok_or_else(|| n.to_string()),
        Data::Integer(Some(n)) => Err(n.to_string()),
        other => Err(other.type_name().to_string()),
    }
}

fn type_error(path: &std::path::Path, field: &Field, v: &Value) -> Diagnostic {
    Diagnostic::error(
        "bad-type",
        path,
        t!(
            "bad-type",
            name = field.name,
            expected = field.ty.name(),
            found = v.data.type_name()
        ),
    )
    .help(match field.ty {
        FieldType::Date => t!("bad-type.date.help"),
        ty => t!("bad-type.help", name = field.name, example = example(ty)),
    })
}

/// A sample value of a field type, for messages and new pages.
pub fn example(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Text => "\"...\"",
        FieldType::Integer => "1",
        FieldType::Date => "2024-09-01",
        FieldType::Bool => "false",
        FieldType::List => "[\"...\"]",
        FieldType::Tags => "[\"tag-id\"]",
        FieldType::Refs(_) => "[\"kind-dir/slug\"]",
    }
}
