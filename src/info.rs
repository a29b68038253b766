//! `archipel tags` and `archipel schema`: the vocabulary and the content model, printed
//! from the site itself so that documentation never drifts from the configuration.

use std::fmt::Write;
use std::path::Path;

use crate::config::{self, FieldType, SortOrder};
use crate::diag::Error;
use crate::{load, model};

/// The tag vocabulary with each tag's use count, as an aligned table.
pub fn tags(root: &Path) -> Result<String, Error> {
    let config = config::load(root)?;
    let loaded = load::load(root)?;
    // Counting works on whatever validates; `check` is the place for the errors.
    let (site, _) = model::validate(config, loaded, false);
    let mut counts = vec![0usize; site.tags.len()];
    for page in &site.pages {
        for &t in &page.tags {
            counts[t] += 1;
        }
    }
    let id_width = site
        .tags
        .iter()
        .map(|t| t.id.chars().count())
        .max()
        .unwrap_or(2)
        .max(2);
    let label_width = site
        .tags
        .iter()
        .map(|t| t.label.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let mut out = format!("{:id_width$}  {:label_width$}  pages\n", "id", "label");
    for (tag, count) in site.tags.iter().zip(counts) {
        let _ = writeln!(
            out,
            "{:id_width$}  {:label_width$}  {count:>5}",
            tag.id, tag.label
        );
    }
    Ok(out)
}

/// Each kind's fields, types, references and required status, as Markdown.
pub fn schema(root: &Path) -> Result<String, Error> {
    let config = config::load(root)?;
    let mut out = String::from("## Site\n\n");
    match &config.licence {
        Some(l) => {
            let _ = write!(out, "Licence (`[licence]`): {}", l.name);
            if !l.url.is_empty() {
                let _ = write!(out, " <{}>", l.url);
            }
            out.push('.');
            if !l.notice.is_empty() {
                let _ = write!(out, " Notice: {}", l.notice);
            }
            out.push_str("\n\n");
        }
        None => out.push_str(
            "Licence: none stated (a `[licence]` table with `name`, `url` and `notice` shows one in every footer, the feed and the printable guide).\n\n",
        ),
    }
    out.push_str(
        "Dates (`date`, `updated` and fields of type `date`) are a day `2024-09-13`, a month `\"2024-09\"` (a string) or a year `2016`, shown at that precision; undated pages sort after dated ones. A `list` field also takes a single string.\n\n",
    );
    for kind in &config.kinds {
        let sort = match kind.sort {
            SortOrder::Order => "by `order`, then title",
            SortOrder::Date => "newest first",
            SortOrder::Title => "by title",
        };
        let _ = writeln!(
            out,
            "## `{}`: {} / {}\n\nFiles: `content/{}/<slug>.md`. Template: `{}`. Lists sorted {sort}.\n",
            kind.id, kind.singular, kind.plural, kind.dir, kind.template
        );
        out.push_str("| field | type | required | description |\n|---|---|---|---|\n");
        for field in &kind.fields {
            let k = config.kinds.iter().position(|c| c.id == kind.id);
            let labels = || {
                config
                    .relation_of(k, &field.name)
                    .map(|r| &config.relations[r])
                    .map_or(String::new(), |r| {
                        format!("; shown as « {} », inverse « {} »", r.label, r.inverse)
                    })
            };
            let ty = match field.ty {
                FieldType::Refs(Some(k)) => {
                    let target = &config.kinds[k];
                    format!(
                        "page ids of `{}` (`{}/…`){}",
                        target.id,
                        target.dir,
                        labels()
                    )
                }
                FieldType::Refs(None) => format!("page ids of any kind{}", labels()),
                FieldType::Tags => "tag ids from `content/tags.toml`".to_string(),
                FieldType::Date => "date: day, month or year".to_string(),
                FieldType::List => "list of strings, or one string".to_string(),
                other => other.name().to_string(),
            };
            let required = if kind.required.contains(&field.name) {
                "yes"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "| `{}` | {ty} | {required} | {} |",
                field.name, field.description
            );
        }
        out.push('\n');
    }
    Ok(out)
}
