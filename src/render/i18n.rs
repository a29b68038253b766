//! The theme's translation tables (#12): every reader-facing string of the theme, one
//! table per language, `themes/<theme>/i18n/<language>.toml`, selected by `language` in
//! `archipel.toml`. A site changes any string in its own `i18n/<language>.toml` (same
//! keys), without copying templates. Templates get the table as `t` and fill its
//! `{name}` placeholders with the `fill` filter; search.js gets its messages as JSON in
//! the page; dates are written here, by [`Strings::date`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use toml::Spanned;

use crate::config::{Config, did_you_mean};
use crate::diag::{Diagnostic, Error, LineIndex};

/// The directory of translation tables, in a theme and at the site root.
pub const DIR: &str = "i18n";

/// The language whose table lists the keys when the theme has none for the site's.
const REFERENCE: &str = "en";

/// The strings of one language, the site's over the theme's.
pub struct Strings {
    /// Every string, as templates see it (`t`).
    pub(super) table: serde_json::Value,
    /// The messages of search.js (`search_*`), as JSON that is safe inside `<script>`.
    pub(super) script: String,
    months: Vec<String>,
    date_day: String,
    date_month: String,
    date_year: String,
    first_day: String,
}

type Table = IndexMap<Spanned<String>, Spanned<toml::Value>>;

/// One table file: where it is (relative to the site root), its text and its entries.
struct File {
    path: PathBuf,
    text: String,
    table: Table,
}

/// Reads `path` (relative to `root`), if it exists.
fn read(root: &Path, path: PathBuf) -> Result<Option<File>, Error> {
    let full = root.join(&path);
    if !full.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&full).map_err(|e| Error::io(&path, e))?;
    let table = toml::from_str(&text).map_err(|e| {
        let d = Diagnostic::error(
            "strings-syntax",
            &path,
            crate::t!("strings-syntax", message = e.message().trim()),
        );
        Error::Config(vec![match e.span() {
            Some(span) => d.at(&LineIndex::new(&text), span.start),
            None => d,
        }])
    })?;
    Ok(Some(File { path, text, table }))
}

/// The first table found among `languages` (`fr-CA`, then `fr`) in `dir`.
fn find(root: &Path, dir: &Path, languages: &[&str]) -> Result<Option<File>, Error> {
    for language in languages {
        if let Some(file) = read(root, dir.join(format!("{language}.toml")))? {
            return Ok(Some(file));
        }
    }
    Ok(None)
}

/// Loads the strings of the site's language: the theme's table, with the site's own
/// table over it. A key the theme does not have, or a value of another shape, is an
/// error at its position; so is a language for which neither has a table.
pub fn load(config: &Config, theme_dir: &Path) -> Result<Strings, Error> {
    let root = &config.root;
    let language = config.language.as_str();
    let primary = language.split('-').next().unwrap_or(language);
    let languages: Vec<&str> = if primary == language {
        vec![language]
    } else {
        vec![language, primary]
    };
    let theme_i18n = theme_dir.strip_prefix(root).unwrap_or(theme_dir).join(DIR);
    let theme = find(root, &theme_i18n, &languages)?;
    let site = find(root, Path::new(DIR), &languages)?;
    let reference = match &theme {
        Some(_) => None,
        None => read(root, theme_i18n.join(format!("{REFERENCE}.toml")))?,
    };
    let keys = theme.as_ref().or(reference.as_ref());
    let (Some(keys), false) = (keys, theme.is_none() && site.is_none()) else {
        return Err(Error::Config(vec![
            Diagnostic::error(
                "no-strings",
                crate::config::FILE_NAME,
                crate::t!("no-strings", language = language),
            )
            .help(crate::t!("no-strings.help", dir = DIR, language = language)),
        ]));
    };
    let mut diags = Vec::new();
    let mut table: IndexMap<String, toml::Value> = theme
        .iter()
        .flat_map(|f| &f.table)
        .map(|(k, v)| (k.get_ref().clone(), v.get_ref().clone()))
        .collect();
    if let Some(site) = &site {
        let index = LineIndex::new(&site.text);
        for (key, value) in &site.table {
            let name = key.get_ref();
            match keys.table.iter().find(|(k, _)| k.get_ref() == name) {
                None => diags.push(
                    Diagnostic::error(
                        "unknown-string",
                        &site.path,
                        crate::t!("unknown-string", name = name),
                    )
                    .at(&index, key.span().start)
                    .maybe_help(did_you_mean(
                        name,
                        keys.table.keys().map(|k| k.get_ref().as_str()),
                    )),
                ),
                Some((_, expected)) if !same_shape(expected.get_ref(), value.get_ref()) => diags
                    .push(
                        Diagnostic::error(
                            "bad-string",
                            &site.path,
                            crate::t!("bad-string", name = name),
                        )
                        .at(&index, value.span().start)
                        .help(crate::t!("bad-string.help", path = keys.path.display())),
                    ),
                Some(_) => {
                    table.insert(name.clone(), value.get_ref().clone());
                }
            }
        }
    }
    let missing: Vec<&str> = keys
        .table
        .keys()
        .map(|k| k.get_ref().as_str())
        .filter(|k| !table.contains_key(*k))
        .collect();
    if !missing.is_empty() && diags.is_empty() {
        let path = site.as_ref().map_or(keys.path.clone(), |s| s.path.clone());
        diags.push(
            Diagnostic::error(
                "missing-string",
                path,
                crate::t!(
                    "missing-string",
                    language = language,
                    names = missing.join(", ")
                ),
            )
            .help(crate::t!("missing-string.help", path = keys.path.display())),
        );
    }
    if !diags.is_empty() {
        return Err(Error::Config(diags));
    }
    strings(table, &keys.path)
}

/// Whether a site's value can stand for the theme's: text for text, a list of as many
/// texts, counted forms for counted forms.
fn same_shape(theme: &toml::Value, site: &toml::Value) -> bool {
    use toml::Value::{Array, String, Table};
    match (theme, site) {
        (String(_), String(_)) => true,
        (Array(a), Array(b)) => a.len() == b.len() && b.iter().all(|v| v.is_str()),
        (Table(_), Table(forms)) => {
            forms.contains_key("other")
                && forms
                    .iter()
                    .all(|(k, v)| matches!(k.as_str(), "zero" | "one" | "other") && v.is_str())
        }
        _ => false,
    }
}

fn strings(table: IndexMap<String, toml::Value>, path: &Path) -> Result<Strings, Error> {
    let text = |key: &str| table.get(key).and_then(|v| v.as_str()).map(str::to_string);
    let months: Vec<String> = table
        .get("months")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|m| m.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let (Some(date_day), Some(date_month), Some(date_year), Some(first_day), 12) = (
        text("date_day"),
        text("date_month"),
        text("date_year"),
        text("first_day"),
        months.len(),
    ) else {
        return Err(Error::Config(vec![Diagnostic::error(
            "missing-string",
            path,
            crate::t!("missing-string.dates"),
        )]));
    };
    let script: serde_json::Map<String, serde_json::Value> = table
        .iter()
        .filter(|(k, _)| k.starts_with("search_"))
        .map(|(k, v)| (k.clone(), serde_json::to_value(v).unwrap_or_default()))
        .collect();
    // `</script>` in a string must not end the element that holds the JSON.
    let script = serde_json::Value::Object(script)
        .to_string()
        .replace('<', "\\u003c");
    Ok(Strings {
        table: serde_json::to_value(&table).unwrap_or_default(),
        script,
        months,
        date_day,
        date_month,
        date_year,
        first_day,
    })
}

impl Strings {
    /// A date (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`) as readers of the language say it, at
    /// its precision; anything else is kept as written.
    pub fn date(&self, iso: &str) -> String {
        let month = |m: &str| match m.parse::<usize>() {
            Ok(m @ 1..=12) => Some(self.months[m - 1].as_str()),
            _ => None,
        };
        let said = match iso.split('-').collect::<Vec<_>>().as_slice() {
            [y, m, d] => month(m).zip(d.parse::<u32>().ok()).map(|(m, d)| {
                let day = if d == 1 {
                    self.first_day.clone()
                } else {
                    d.to_string()
                };
                fill_text(&self.date_day, &[("day", &day), ("month", m), ("year", y)])
            }),
            [y, m] => month(m).map(|m| fill_text(&self.date_month, &[("month", m), ("year", y)])),
            [y] if y.len() == 4 => Some(fill_text(&self.date_year, &[("year", y)])),
            _ => None,
        };
        said.unwrap_or_else(|| iso.to_string())
    }
}

/// `text` with each `{name}` replaced by its value.
fn fill_text(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = text.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The `fill` filter: `{{ t.see_all | fill(count=n, kind=k) }}`. A string has its
/// `{name}` placeholders replaced by the arguments; counted forms (`zero`, `one`,
/// `other`) first pick the form for `count`.
pub fn fill(value: &tera::Value, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let text = match value {
        tera::Value::String(s) => s.as_str(),
        tera::Value::Object(forms) => {
            let count = args.get("count").and_then(tera::Value::as_u64);
            let form = match count {
                Some(0) if forms.contains_key("zero") => "zero",
                Some(1) => "one",
                _ => "other",
            };
            forms
                .get(form)
                .or_else(|| forms.get("other"))
                .and_then(tera::Value::as_str)
                .ok_or_else(|| tera::Error::msg("fill: counted forms need `other`"))?
        }
        _ => return Err(tera::Error::msg("fill: expects a string of the `t` table")),
    };
    let values: Vec<(String, String)> = args
        .iter()
        .map(|(k, v)| {
            let shown = match v {
                tera::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), shown)
        })
        .collect();
    let pairs: Vec<(&str, &str)> = values
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    Ok(tera::Value::String(fill_text(text, &pairs)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn french() -> Strings {
        let text = include_str!("../../themes/default/i18n/fr.toml");
        let table: IndexMap<String, toml::Value> = toml::from_str(text).unwrap();
        strings(table, Path::new("fr.toml")).unwrap()
    }

    #[test]
    fn dates_at_their_precision_with_the_first_day_apart() {
        let fr = french();
        assert_eq!(fr.date("2024-09-01"), "1er septembre 2024");
        assert_eq!(fr.date("2024-02-13"), "13 février 2024");
        assert_eq!(fr.date("2024-08"), "août 2024");
        assert_eq!(fr.date("2016"), "2016");
        assert_eq!(fr.date("hier"), "hier");
        let text = include_str!("../../themes/default/i18n/en.toml");
        let en = strings(toml::from_str(text).unwrap(), Path::new("en.toml")).unwrap();
        assert_eq!(en.date("2024-09-01"), "September 1, 2024");
        assert_eq!(en.date("2024-09"), "September 2024");
    }

    #[test]
    fn fill_picks_the_counted_form_and_fills_names() {
        let fr = french();
        let args = |n: u64| HashMap::from([("count".to_string(), tera::Value::from(n))]);
        let count = &fr.table["page_count"];
        assert_eq!(fill(count, &args(0)).unwrap(), "aucune page");
        assert_eq!(fill(count, &args(1)).unwrap(), "1 page");
        assert_eq!(fill(count, &args(12)).unwrap(), "12 pages");
        let mut see = args(9);
        see.insert("kind".into(), "fiches".into());
        assert_eq!(
            fill(&fr.table["see_all"], &see).unwrap(),
            "Voir les 9 fiches →"
        );
    }

    #[test]
    fn script_strings_cannot_close_their_script_element() {
        let mut table = IndexMap::new();
        table.insert("search_hint".to_string(), toml::Value::from("</script>"));
        let text = include_str!("../../themes/default/i18n/fr.toml");
        let mut full: IndexMap<String, toml::Value> = toml::from_str(text).unwrap();
        full.extend(table);
        let s = strings(full, Path::new("fr.toml")).unwrap();
        assert!(s.script.contains(r"\u003c/script>"), "{}", s.script);
        assert!(!s.script.contains("months"));
    }
}
