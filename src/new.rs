//! `archipel new <kind> "<title>"`: creates a correctly filled page of a kind.
//!
//! The slug comes from the title (accents folded, punctuation dropped) and is made unique
//! in the kind's directory. The front matter holds every field the kind requires, today's
//! date, and comments that list what the contributor can choose from (declared tags,
//! pages a reference field accepts); optional fields are written commented out. The page
//! starts as a draft (`draft = true`), so that merging it unfinished publishes nothing.
//! The body is the kind's skeleton from `archipel.toml`. Existing files are never
//! overwritten.

use std::fmt::Write;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::config::{self, Field, FieldType, Kind, did_you_mean};
use crate::diag::Error;
use crate::load::{self, CONTENT_DIR};
use crate::model::{self, Role, Site};
use crate::slug::slugify;

/// Fields `new` leaves out even as comments: they are for later edits.
const LATER_FIELDS: [&str; 2] = ["updated", "order"];

/// A page created by [`new_page`].
#[derive(Debug)]
pub struct Created {
    /// Its path relative to the site root.
    pub path: PathBuf,
}

/// Creates a page of `kind` (its id or directory) titled `title`, dated `today`.
pub fn new_page(root: &Path, kind: &str, title: &str, today: &str) -> Result<Created, Error> {
    let config = config::load(root)?;
    let title = title.trim();
    let Some(k) = config
        .kinds
        .iter()
        .position(|k| k.id == kind || k.dir == kind)
    else {
        let ids = config.kinds.iter().map(|k| k.id.as_str());
        // A usage error, in English like the command line's own.
        let hint = did_you_mean(kind, ids.clone())
            .map(|t| t.render(crate::diag::Lang::En))
            .unwrap_or_else(|| {
                format!(
                    "the kinds of this site are: {}",
                    ids.collect::<Vec<_>>().join(", ")
                )
            });
        return Err(Error::Usage(format!("unknown kind `{kind}`; {hint}")));
    };
    let base = slugify(title);
    if base.is_empty() {
        return Err(Error::Usage(
            "the title needs at least one letter or digit".into(),
        ));
    }
    // Existing pages give the hints; a site with errors elsewhere can still get new pages.
    let loaded = load::load(root)?;
    let (site, _) = model::validate(config, loaded, false);
    let kind_ref = &site.config.kinds[k];
    let dir = root.join(CONTENT_DIR).join(&kind_ref.dir);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let text = page_text(&site, kind_ref, title, today);
    // `create_new` makes the uniqueness check and the write one atomic step.
    let mut n = 1;
    loop {
        let slug = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        let path = Path::new(CONTENT_DIR)
            .join(&kind_ref.dir)
            .join(format!("{slug}.md"));
        match std::fs::File::options()
            .write(true)
            .create_new(true)
            .open(root.join(&path))
        {
            Ok(mut file) => {
                file.write_all(text.as_bytes())
                    .map_err(|e| Error::io(&path, e))?;
                return Ok(Created { path });
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => n += 1,
            Err(e) => return Err(Error::io(path, e)),
        }
    }
}

fn page_text(site: &Site, kind: &Kind, title: &str, today: &str) -> String {
    let mut out = String::from("+++\n");
    let _ = writeln!(out, "title = {}", toml_string(title));
    let _ = writeln!(out, "date = {today}");
    if let Some(draft) = kind.field("draft").filter(|f| !f.description.is_empty()) {
        let _ = writeln!(out, "# {}", draft.description);
    }
    out.push_str("draft = true\n");
    for field in &kind.fields {
        if matches!(field.name.as_str(), "title" | "date" | "draft")
            || LATER_FIELDS.contains(&field.name.as_str())
        {
            continue;
        }
        let required = kind.required.contains(&field.name);
        if !field.description.is_empty() {
            let _ = writeln!(out, "# {}", field.description);
        }
        if let Some(choices) = choices(site, field) {
            for line in wrap(&choices, 86) {
                let _ = writeln!(out, "#   {line}");
            }
        }
        let empty = field.ty.empty_value();
        if required {
            let _ = writeln!(out, "{} = {empty}", field.name);
        } else {
            let _ = writeln!(out, "# {} = {empty}", field.name);
        }
    }
    out.push_str("+++\n");
    if !kind.skeleton.trim().is_empty() {
        out.push('\n');
        out.push_str(kind.skeleton.trim_start_matches('\n'));
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// The values a field can take, when they form a known set.
fn choices(site: &Site, field: &Field) -> Option<Vec<String>> {
    match field.ty {
        FieldType::Tags => Some(site.tags.iter().map(|t| format!("\"{}\"", t.id)).collect()),
        FieldType::Refs(Some(k)) => Some(
            site.pages
                .iter()
                .filter(|p| p.role == Role::Kind(k))
                .map(|p| format!("\"{}\"", p.id))
                .collect(),
        ),
        _ => None,
    }
}

/// Joins items with `, ` into lines of at most `width` characters.
fn wrap(items: &[String], width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for item in items {
        let line = lines.last_mut().expect("lines is never empty");
        if !line.is_empty() && line.len() + item.len() + 2 > width {
            line.push(',');
            lines.push(item.clone());
        } else {
            if !line.is_empty() {
                line.push_str(", ");
            }
            line.push_str(item);
        }
    }
    lines.retain(|l| !l.is_empty());
    lines
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_lines_short() {
        let items: Vec<String> = (0..30).map(|i| format!("\"tag-{i}\"")).collect();
        let lines = wrap(&items, 40);
        assert!(lines.iter().all(|l| l.len() <= 41));
        assert_eq!(lines.join(" ").matches("tag-").count(), 30);
    }
}
