//! Site configuration: `archipel.toml` read into a validated [`Config`].
//!
//! The file is deserialized into `Raw*` mirrors (`raw`), then checked and turned into
//! types that cannot be inconsistent: every kind has a unique id and directory
//! (`kinds`), every reference field names a declared kind and every required field
//! exists (`fields`), site settings are well-formed (`site`), and so are the publishing
//! settings (`publishing`). Each check reports a positioned diagnostic and carries on,
//! so that one run shows every problem. Nothing here knows the guide's own kinds; they
//! live in the site's `archipel.toml`.

use std::ops::Range;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use crate::diag::{Diagnostic, Error, LineIndex, Text, suggest};
use crate::t;

mod fields;
mod kinds;
mod publishing;
mod raw;
mod site;
pub use fields::{Field, FieldType};
pub use kinds::{Kind, RESERVED_NAMES, SortOrder};
pub use publishing::{Forge, Markdown};
pub use site::SiteConfig;

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
#[derive(Clone, Debug, Hash, Deserialize, serde::Serialize)]
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
    SHARD_ABOVE
}

/// The search index's postings stay in its manifest up to this many bytes (a small
/// site's index is one file); past it, they are sharded (`[search] shard_above`).
pub const SHARD_ABOVE: usize = 256 * 1024;

/// Reads and validates `<root>/archipel.toml`.
pub fn load(root: &Path) -> Result<Config, Error> {
    let path = root.join(FILE_NAME);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    parse(root, &text)
}

/// Validates the text of an `archipel.toml` found at `root`.
pub fn parse(root: &Path, text: &str) -> Result<Config, Error> {
    let mut check = Check {
        index: LineIndex::new(text),
        diags: Vec::new(),
    };
    let raw: raw::RawConfig = toml::from_str(text).map_err(|e| {
        let d = Diagnostic::error(
            "config-syntax",
            FILE_NAME,
            t!("config-syntax", message = e.message().trim()),
        );
        Error::Config(vec![match e.span() {
            Some(span) => d.at(&check.index, span.start),
            None => d,
        }])
    })?;
    let help = field_help(&raw.field_help, &mut check);
    let (kinds, mut relations) = kinds::kinds(&raw, &help, &mut check);
    let base_url = site::base_url(&raw.site.base_url, &mut check);
    site::check_language(&raw.site, &mut check);
    let markdown = publishing::markdown(&raw.markdown, &check.index, &mut check.diags);
    let forge = publishing::forge(&raw.forge, &check.index, &mut check.diags);
    site::check_theme(&raw.site.theme, &mut check);
    if !check.diags.is_empty() {
        return Err(Error::Config(check.diags));
    }
    relations.push(Relation {
        kind: None,
        field: "see_also".into(),
        label: raw.site.see_also_label.clone(),
        inverse: raw.site.see_also_inverse_label.clone(),
    });
    Ok(Config {
        root: root.to_path_buf(),
        language: raw.language,
        page_fields: fields::builtin_fields(&raw.site.see_also_label, &help),
        licence: raw.licence,
        relations,
        site: site::site(raw.site, base_url),
        kinds,
        markdown,
        forge,
        search: raw.search,
        tags: raw.tags,
    })
}

/// The line index of `archipel.toml` and the problems found so far, handed to each check.
struct Check<'a> {
    index: LineIndex<'a>,
    diags: Vec<Diagnostic>,
}

impl Check<'_> {
    /// An error at the start of `span` in `archipel.toml`.
    fn error(&self, code: &'static str, span: Range<usize>, message: Text) -> Diagnostic {
        Diagnostic::error(code, FILE_NAME, message).at(&self.index, span.start)
    }

    /// Records a problem.
    fn push(&mut self, diagnostic: Diagnostic) {
        self.diags.push(diagnostic);
    }
}

/// The site's descriptions of built-in fields (`[field_help]`), by field name; a name
/// that is no built-in field is reported.
fn field_help(
    written: &IndexMap<Spanned<String>, String>,
    check: &mut Check<'_>,
) -> IndexMap<String, String> {
    let names = fields::BUILTIN_FIELDS.map(|(n, _, _)| n);
    let mut help = IndexMap::new();
    for (name, text) in written {
        if names.contains(&name.get_ref().as_str()) {
            help.insert(name.get_ref().clone(), text.clone());
        } else {
            let d = check
                .error(
                    "unknown-field",
                    name.span(),
                    t!("unknown-field.builtin", name = name.get_ref()),
                )
                .help(t!("unknown-field.builtin.help", names = names.join(", ")));
            check.push(d);
        }
    }
    help
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

    #[test]
    fn each_field_is_checked_and_refs_open_relations() {
        let fields = "[kinds.fields]\nsource = { type = \"text\" }\ntools = { type = \"refs\", kind = \"tool\", label = \"Outils\", inverse = \"Cas outillés\" }\n";
        let c = parse(Path::new("."), &GOOD.replace(
            "[kinds.fields]\ntools = { type = \"refs\", kind = \"tool\", label = \"Outils\" }\nsource = { type = \"text\" }\n",
            fields,
        ))
        .unwrap();
        let fields: Vec<&str> = c.relations.iter().map(|r| r.field.as_str()).collect();
        assert_eq!(fields, ["tools", "see_also"]);
        assert_eq!(
            (c.relations[0].kind, c.relations[0].inverse.as_str()),
            (Some(1), "Cas outillés")
        );
        let bad = GOOD.replace(
            "source = { type = \"text\" }",
            "source = { type = \"texte\" }\ntitle = { type = \"text\" }\nother = { type = \"text\", inverse = \"x\" }",
        );
        let Err(Error::Config(d)) = parse(Path::new("."), &bad) else {
            panic!("expected a config error")
        };
        let codes: Vec<&str> = d.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["bad-field-type", "duplicate-field", "bad-field"]);
    }
}
