//! Site configuration: `archipel.toml` read into a validated [`Config`].
//!
//! The file is deserialized into `Raw*` mirrors, then checked and turned into types that
//! cannot be inconsistent: every kind has a unique id and directory, every reference field
//! names a declared kind, every required field exists. Nothing here knows the guide's own
//! kinds; they live in the site's `archipel.toml`.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use crate::diag::{Diagnostic, Error, LineIndex, Pos, Text, suggest};
use crate::t;

mod publishing;
pub use publishing::{Forge, Markdown};

/// The name of the configuration file at the site root.
pub const FILE_NAME: &str = "archipel.toml";

/// The validated site configuration.
#[derive(Debug)]
pub struct Config {
    /// The site root (the directory holding `archipel.toml`).
    pub root: PathBuf,
    /// The language of the site (`fr`, `en`…): its content, the theme's strings and the
    /// diagnostics' catalog. Top-level `language` in `archipel.toml`, `fr` by default.
    pub language: String,
    /// Site-wide settings.
    pub site: SiteConfig,
    /// The content kinds, in declaration order.
    pub kinds: Vec<Kind>,
    /// The fields of pages that belong to no kind (home, standalone pages).
    pub page_fields: Vec<Field>,
    /// The licence of the site's content (`[licence]`), if it states one.
    pub licence: Option<Licence>,
    /// How page bodies are rendered (`[markdown]`).
    pub markdown: Markdown,
    /// Where the site's source is edited (`[forge]`), if set.
    pub forge: Forge,
    /// The typed relations between pages: each kind's `refs` fields in declaration
    /// order, then the built-in `see_also` (last).
    pub relations: Vec<Relation>,
    /// Search index settings (`[search]`).
    pub search: SearchConfig,
    /// Tag page settings (`[tags]`).
    pub tags: TagsConfig,
}

/// Tag page settings (`[tags]`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagsConfig {
    /// Pages listed per tag page (0: all on one page).
    #[serde(default)]
    pub paginate: usize,
}

/// A typed relation between pages (#11): a `refs` field, with its label seen from both
/// ends.
#[derive(Clone, Debug)]
pub struct Relation {
    /// The kind whose pages have the field, or `None` for `see_also`, which every page has.
    pub kind: Option<usize>,
    /// The field name.
    pub field: String,
    /// The label on the page that fills the field (« Fiches pratiques illustrées »).
    pub label: String,
    /// The label on the pages it names (« Témoignages qui illustrent cette fiche »).
    pub inverse: String,
}

impl Config {
    /// The relation of the reference field `field` of a page of `kind` (`None` for a page
    /// of no kind).
    pub fn relation_of(&self, kind: Option<usize>, field: &str) -> Option<usize> {
        self.relations
            .iter()
            .position(|r| r.field == field && (r.kind.is_none() || r.kind == kind))
    }
}

/// The licence the site's content is published under (`[licence]`), shown in every
/// page's footer, the feed and the printable guide.
#[derive(Clone, Debug, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Licence {
    /// Its name (`CC BY-SA 4.0`).
    pub name: String,
    /// Where its text is (`https://creativecommons.org/licenses/by-sa/4.0/deed.fr`).
    #[serde(default)]
    pub url: String,
    /// A sentence on what the licence does not cover (the sources' own terms).
    #[serde(default)]
    pub notice: String,
}

/// Search index settings (`[search]`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// Past this many bytes of postings, the index is split into shards loaded on
    /// demand (0: always).
    #[serde(default = "default_shard_above")]
    pub shard_above: usize,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            shard_above: default_shard_above(),
        }
    }
}

fn default_shard_above() -> usize {
    crate::render::search::SHARD_ABOVE
}

/// Site-wide settings (`[site]`).
#[derive(Debug)]
pub struct SiteConfig {
    /// The site title.
    pub title: String,
    /// One sentence about the site, for the home page, the feed and search engines.
    pub description: String,
    /// The absolute URL the online site is published at, ending in `/`: canonical and
    /// sharing metadata, the feed, the sitemap and the 404 page use it. Empty means
    /// "unknown": then there is no feed, no sitemap and no sharing metadata.
    pub base_url: String,
    /// Who the feed names as its author (`author`; the site title by default).
    pub author: String,
    /// The theme directory name under `themes/`.
    pub theme: String,
    /// How many entries the Atom feed holds.
    pub feed_size: usize,
    /// How many related pages each page lists.
    pub related: usize,
    /// The number of headings from which a page gets a table of contents.
    pub toc_min_headings: usize,
    /// The label of the `see_also` references.
    pub see_also_label: String,
    /// The label of the pages whose `see_also` names a page, on that page.
    pub see_also_inverse_label: String,
    /// Whether to build the printable guide (all pages of every kind on one page).
    pub print: bool,
    /// Whether to build the map of the guide (`carte/index.html`).
    pub map: bool,
}

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

impl SiteConfig {
    /// Whether the online build has a feed and a sitemap, which need absolute addresses.
    pub fn feeds(&self) -> bool {
        !self.base_url.is_empty()
    }
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
const BUILTIN_FIELDS: [(&str, FieldType, &str); 9] = [
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default = "default_language")]
    language: String,
    site: RawSite,
    #[serde(default)]
    kinds: Vec<RawKind>,
    #[serde(default)]
    search: SearchConfig,
    #[serde(default)]
    tags: TagsConfig,
    /// Contributor-facing descriptions of built-in fields, in the site's language.
    #[serde(default)]
    field_help: IndexMap<Spanned<String>, String>,
    #[serde(default)]
    licence: Option<Licence>,
    #[serde(default)]
    markdown: publishing::RawMarkdown,
    #[serde(default)]
    forge: publishing::RawForge,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    title: String,
    #[serde(default)]
    description: String,
    /// Not a `[site]` setting: read only to say where it goes.
    #[serde(default)]
    language: Option<Spanned<String>>,
    #[serde(default = "no_base_url")]
    base_url: Spanned<String>,
    #[serde(default)]
    author: String,
    #[serde(default = "default_theme")]
    theme: Spanned<String>,
    #[serde(default = "default_feed_size")]
    feed_size: usize,
    #[serde(default = "default_related")]
    related: usize,
    #[serde(default = "default_toc")]
    toc_min_headings: usize,
    #[serde(default = "default_see_also")]
    see_also_label: String,
    #[serde(default = "default_see_also_inverse")]
    see_also_inverse_label: String,
    #[serde(default)]
    print: bool,
    #[serde(default)]
    map: bool,
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKind {
    id: Spanned<String>,
    dir: Spanned<String>,
    singular: String,
    plural: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    template: Option<String>,
    #[serde(default)]
    sort: Option<Spanned<String>>,
    #[serde(default)]
    required: Vec<Spanned<String>>,
    #[serde(default)]
    fields: IndexMap<Spanned<String>, RawField>,
    #[serde(default)]
    skeleton: String,
    #[serde(default)]
    new_label: Option<String>,
    #[serde(default)]
    paginate: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    #[serde(rename = "type")]
    ty: Spanned<String>,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    kind: Option<Spanned<String>>,
    /// For `refs`: the label of the relation seen from the pages it names.
    #[serde(default)]
    inverse: Option<Spanned<String>>,
    #[serde(default)]
    description: String,
}

/// Reads and validates `<root>/archipel.toml`.
pub fn load(root: &Path) -> Result<Config, Error> {
    let path = root.join(FILE_NAME);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    parse(root, &text)
}

/// Validates the text of an `archipel.toml` found at `root`.
pub fn parse(root: &Path, text: &str) -> Result<Config, Error> {
    let index = LineIndex::new(text);
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let d = Diagnostic::error(
            "config-syntax",
            FILE_NAME,
            t!("config-syntax", message = e.message().trim()),
        );
        Error::Config(vec![match e.span() {
            Some(span) => d.at(&index, span.start),
            None => d,
        }])
    })?;
    let mut diags = Vec::new();
    let mut help = IndexMap::new();
    for (name, text) in &raw.field_help {
        if BUILTIN_FIELDS.iter().any(|(n, _, _)| n == name.get_ref()) {
            help.insert(name.get_ref().clone(), text.clone());
        } else {
            let names = BUILTIN_FIELDS.map(|(n, _, _)| n);
            diags.push(
                Diagnostic::error(
                    "unknown-field",
                    FILE_NAME,
                    t!("unknown-field.builtin", name = name.get_ref()),
                )
                .at(&index, name.span().start)
                .help(t!("unknown-field.builtin.help", names = names.join(", "))),
            );
        }
    }
    let error = |code, span: std::ops::Range<usize>, msg: Text| {
        Diagnostic::error(code, FILE_NAME, msg).at(&index, span.start)
    };

    // Kinds must be known before fields can reference them.
    let kind_ids: Vec<&str> = raw.kinds.iter().map(|k| k.id.get_ref().as_str()).collect();
    let mut kinds = Vec::new();
    let mut relations = Vec::new();
    for (i, rk) in raw.kinds.iter().enumerate() {
        let id = rk.id.get_ref();
        if kind_ids[..i].contains(&id.as_str()) {
            diags.push(error(
                "duplicate-kind",
                rk.id.span(),
                t!("duplicate-kind", id = id),
            ));
        }
        let dir = rk.dir.get_ref();
        let bad_dir = dir.is_empty()
            || dir.starts_with(['_', '.'])
            || !dir
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            || crate::render::outputs::RESERVED_NAMES.contains(&dir.as_str());
        if bad_dir {
            diags.push(
                error("bad-kind-dir", rk.dir.span(), t!("bad-kind-dir", dir = dir)).help(t!(
                    "bad-kind-dir.help",
                    reserved = crate::render::outputs::RESERVED_NAMES
                        .map(|n| format!("`{n}`"))
                        .join(", ")
                )),
            );
        }
        if raw.kinds[..i].iter().any(|k| k.dir.get_ref() == dir) {
            diags.push(error(
                "duplicate-kind",
                rk.dir.span(),
                t!("duplicate-kind.dir", dir = dir),
            ));
        }
        let sort = match rk.sort.as_ref().map(|s| (s.get_ref().as_str(), s.span())) {
            None | Some(("title", _)) => SortOrder::Title,
            Some(("order", _)) => SortOrder::Order,
            Some(("date", _)) => SortOrder::Date,
            Some((other, span)) => {
                diags.push(
                    error("bad-sort", span, t!("bad-sort", sort = other)).help(t!("bad-sort.help")),
                );
                SortOrder::Title
            }
        };
        let mut fields = builtin_fields(&raw.site.see_also_label, &help);
        for (name, rf) in &rk.fields {
            let ty = match rf.ty.get_ref().as_str() {
                "text" => FieldType::Text,
                "integer" => FieldType::Integer,
                "date" => FieldType::Date,
                "bool" => FieldType::Bool,
                "list" => FieldType::List,
                "refs" => {
                    let target = rf.kind.as_ref().and_then(|k| {
                        let pos = kind_ids.iter().position(|id| id == k.get_ref());
                        if pos.is_none() {
                            diags.push(
                                error(
                                    "unknown-kind",
                                    k.span(),
                                    t!("unknown-kind", kind = k.get_ref()),
                                )
                                .maybe_help(did_you_mean(k.get_ref(), kind_ids.iter().copied())),
                            );
                        }
                        pos
                    });
                    FieldType::Refs(target)
                }
                other => {
                    diags.push(
                        error(
                            "bad-field-type",
                            rf.ty.span(),
                            t!("bad-field-type", ty = other),
                        )
                        .help(t!("bad-field-type.help")),
                    );
                    continue;
                }
            };
            if fields.iter().any(|f| f.name == *name.get_ref()) {
                diags.push(error(
                    "duplicate-field",
                    name.span(),
                    t!("duplicate-field", name = name.get_ref()),
                ));
                continue;
            }
            let label = rf.label.clone().unwrap_or_else(|| name.get_ref().clone());
            match (ty, &rf.inverse) {
                // Without an inverse label, the pages that name a page are listed under
                // the plural label of their kind.
                (FieldType::Refs(_), inverse) => relations.push(Relation {
                    kind: Some(i),
                    field: name.get_ref().clone(),
                    label: label.clone(),
                    inverse: inverse
                        .as_ref()
                        .map_or_else(|| rk.plural.clone(), |s| s.get_ref().clone()),
                }),
                (_, Some(inverse)) => diags.push(
                    error(
                        "bad-field",
                        inverse.span(),
                        t!("bad-field.inverse", name = name.get_ref()),
                    )
                    .help(t!("bad-field.inverse.help")),
                ),
                (_, None) => {}
            }
            fields.push(Field {
                name: name.get_ref().clone(),
                label,
                ty,
                description: rf.description.clone(),
            });
        }
        for req in &rk.required {
            if !fields.iter().any(|f| f.name == *req.get_ref()) {
                diags.push(
                    error(
                        "unknown-field",
                        req.span(),
                        t!("unknown-field.required", name = req.get_ref(), kind = id),
                    )
                    .maybe_help(did_you_mean(
                        req.get_ref(),
                        fields.iter().map(|f| f.name.as_str()),
                    )),
                );
            }
        }
        let mut required: Vec<String> = vec!["title".into()];
        required.extend(
            rk.required
                .iter()
                .map(|r| r.get_ref().clone())
                .filter(|r| r != "title"),
        );
        kinds.push(Kind {
            id: id.clone(),
            dir: dir.clone(),
            dir_pos: index.pos(rk.dir.span().start),
            singular: rk.singular.clone(),
            plural: rk.plural.clone(),
            description: rk.description.clone(),
            template: rk.template.clone().unwrap_or_else(|| "page.html".into()),
            sort,
            required,
            fields,
            skeleton: rk.skeleton.clone(),
            new_label: rk.new_label.clone().unwrap_or_default(),
            paginate: rk.paginate,
        });
    }
    let title = raw.site.title.clone();
    let base_url = raw.site.base_url.get_ref().trim();
    if !base_url.is_empty() && !base_url.starts_with("https://") && !base_url.starts_with("http://")
    {
        diags.push(
            error(
                "bad-base-url",
                raw.site.base_url.span(),
                t!("bad-base-url", value = base_url),
            )
            .help(t!("bad-base-url.help")),
        );
    }
    let base_url = match base_url {
        "" => String::new(),
        url if url.ends_with('/') => url.to_string(),
        url => format!("{url}/"),
    };
    if let Some(language) = &raw.site.language {
        diags.push(
            error(
                "misplaced-setting",
                language.span(),
                t!("misplaced-setting"),
            )
            .help(t!("misplaced-setting.help")),
        );
    }
    let markdown = publishing::markdown(&raw.markdown, &index, &mut diags);
    let forge = publishing::forge(&raw.forge, &index, &mut diags);
    let theme = raw.site.theme.get_ref();
    if theme.is_empty() || theme.contains(['/', '\\']) || theme.starts_with('.') {
        diags.push(error(
            "bad-theme",
            raw.site.theme.span(),
            t!("bad-theme", theme = theme),
        ));
    }
    if !diags.is_empty() {
        return Err(Error::Config(diags));
    }
    Ok(Config {
        root: root.to_path_buf(),
        language: raw.language,
        page_fields: builtin_fields(&raw.site.see_also_label, &help),
        licence: raw.licence,
        relations: {
            relations.push(Relation {
                kind: None,
                field: "see_also".into(),
                label: raw.site.see_also_label.clone(),
                inverse: raw.site.see_also_inverse_label.clone(),
            });
            relations
        },
        site: SiteConfig {
            title: title.clone(),
            description: raw.site.description,
            base_url,
            author: if raw.site.author.is_empty() {
                title.clone()
            } else {
                raw.site.author
            },
            theme: theme.clone(),
            feed_size: raw.site.feed_size,
            related: raw.site.related,
            toc_min_headings: raw.site.toc_min_headings,
            see_also_label: raw.site.see_also_label,
            see_also_inverse_label: raw.site.see_also_inverse_label,
            print: raw.site.print,
            map: raw.site.map,
        },
        kinds,
        markdown,
        forge,
        search: raw.search,
        tags: raw.tags,
    })
}

fn builtin_fields(see_also_label: &str, help: &IndexMap<String, String>) -> Vec<Field> {
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

/// "did you mean `x`?" for the nearest candidate, if any.
pub fn did_you_mean<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<Text> {
    suggest(name, candidates).map(|s| t!("did-you-mean", name = s))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[site]
title = "T"

[[kinds]]
id = "tool"
dir = "outils"
singular = "Outil"
plural = "Outils"

[[kinds]]
id = "case"
dir = "cas"
singular = "Cas"
plural = "Cas"
sort = "date"
required = ["summary", "tools"]
[kinds.fields]
tools = { type = "refs", kind = "tool", label = "Outils" }
source = { type = "text" }
"#;

    #[test]
    fn parses_kinds_and_fields() {
        let c = parse(Path::new("."), GOOD).unwrap();
        assert_eq!(c.kinds.len(), 2);
        let case = &c.kinds[1];
        assert_eq!(case.sort, SortOrder::Date);
        assert_eq!(case.required, ["title", "summary", "tools"]);
        assert_eq!(case.field("tools").unwrap().ty, FieldType::Refs(Some(0)));
        assert_eq!(case.field("source").unwrap().ty, FieldType::Text);
        assert_eq!(case.field("tags").unwrap().ty, FieldType::Tags);
    }

    #[test]
    fn reports_unknown_kind_with_position_and_suggestion() {
        let text = GOOD.replace("kind = \"tool\"", "kind = \"tols\"");
        let Err(Error::Config(d)) = parse(Path::new("."), &text) else {
            panic!("expected a config error")
        };
        assert_eq!(d[0].code, "unknown-kind");
        assert_eq!(d[0].pos.unwrap().line, 19);
        assert_eq!(
            d[0].help
                .as_ref()
                .map(|h| h.render(crate::diag::Lang::En))
                .as_deref(),
            Some("did you mean `tool`?")
        );
    }

    #[test]
    fn language_is_top_level_and_french_by_default() {
        assert_eq!(parse(Path::new("."), GOOD).unwrap().language, "fr");
        let english = format!("language = \"en\"\n{GOOD}");
        assert_eq!(parse(Path::new("."), &english).unwrap().language, "en");
        let misplaced = GOOD.replace("[site]\n", "[site]\nlanguage = \"en\"\n");
        let Err(Error::Config(d)) = parse(Path::new("."), &misplaced) else {
            panic!("expected a config error")
        };
        assert_eq!(d[0].code, "misplaced-setting");
        assert_eq!(d[0].pos.unwrap().line, 3);
    }

    #[test]
    fn syntax_errors_point_into_the_file() {
        let Err(Error::Config(d)) = parse(Path::new("."), "[site]\ntitle = \n") else {
            panic!("expected a config error")
        };
        assert_eq!(d[0].pos.unwrap().line, 2);
    }
}
