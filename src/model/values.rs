//! Front-matter values checked by field type and stored in a [`Page`]: text, integers,
//! dates, booleans, lists, tags (which must be declared) and aliases (which must be
//! addresses of the site). Built-in fields (`title`, `date`, `tags`…) go to the page's
//! own members, a kind's declared fields to [`Page::values`] as display text.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use super::page::Front;
use super::{Alias, FieldValue, Page, Tag};
use crate::config::{Field, FieldType, did_you_mean};
use crate::date::Date;
use crate::diag::Diagnostic;
use crate::load::{Data, Value};
use crate::t;

/// The string items of a list, each with its byte span in the file.
pub(super) type Strings = Vec<(String, Range<usize>)>;

/// A text field: the title and summary (trimmed), or a declared value.
pub(super) fn text(page: &mut Page, field: &Field, s: &str) {
    match field.name.as_str() {
        "title" => page.title = s.trim().to_string(),
        "summary" => page.summary = s.trim().to_string(),
        _ => page.values.push(value(field, vec![s.to_string()])),
    }
}

/// An integer field: `order`, or a declared value.
pub(super) fn integer(page: &mut Page, field: &Field, n: i64) {
    match field.name.as_str() {
        "order" => page.order = Some(n),
        _ => page.values.push(value(field, vec![n.to_string()])),
    }
}

/// A boolean field: `draft`, or a declared value shown as « oui » or « non ».
pub(super) fn boolean(page: &mut Page, field: &Field, b: bool) {
    match field.name.as_str() {
        "draft" => page.draft = b,
        _ => page
            .values
            .push(value(field, vec![if b { "oui" } else { "non" }.into()])),
    }
}

/// A date field: `date`, `updated`, or a declared value; one that is no date is reported.
pub(super) fn date(page: &mut Page, field: &Field, v: &Value, front: &mut Front<'_, '_>) {
    match parse_date(&v.data) {
        Ok(date) => match field.name.as_str() {
            "date" => page.date = Some(date),
            "updated" => page.updated = Some(date),
            _ => page.values.push(value(field, vec![date.to_string()])),
        },
        Err(written) => {
            let d = Diagnostic::error(
                "bad-date",
                front.path,
                t!("bad-date", name = field.name, written = written),
            )
            .help(t!("bad-date.help"));
            front.push_at(d, v.span.start);
        }
    }
}

/// The strings of the list `items` of `field`; an item of another type is reported.
pub(super) fn strings(field: &Field, items: &[Value], front: &mut Front<'_, '_>) -> Strings {
    let mut strings = Vec::with_capacity(items.len());
    for item in items {
        match &item.data {
            Data::String(s) => strings.push((s.clone(), item.span.clone())),
            other => {
                let msg = t!(
                    "bad-type.item",
                    name = field.name,
                    found = other.type_name()
                );
                let d = Diagnostic::error("bad-type", front.path, msg);
                front.push_at(d, item.span.start);
            }
        }
    }
    strings
}

/// Adds the tags `ids` to the page: an undeclared tag is an error (with the nearest
/// declared one), a repeated one a warning.
pub(super) fn tags(
    page: &mut Page,
    ids: Strings,
    tags: &[Tag],
    tag_index: &HashMap<&str, usize>,
    front: &mut Front<'_, '_>,
) {
    for (id, span) in ids {
        let d = match tag_index.get(id.as_str()) {
            Some(&t) if page.tags.contains(&t) => {
                Diagnostic::warning("duplicate-tag", front.path, t!("duplicate-tag", id = id))
            }
            Some(&t) => {
                page.tags.push(t);
                continue;
            }
            None => Diagnostic::error("unknown-tag", front.path, t!("unknown-tag", tag = id)).help(
                did_you_mean(&id, tags.iter().map(|t| t.id.as_str()))
                    .unwrap_or_else(|| t!("unknown-tag.help")),
            ),
        };
        front.push_at(d, span.start);
    }
}

/// Adds the aliases `items` (as written, with their spans) to the page, or a `bad-alias`
/// error for each that cannot be an address.
pub(super) fn aliases(page: &mut Page, items: &Strings, front: &mut Front<'_, '_>) {
    for (written, span) in items {
        match alias_path(written) {
            Some(path) => page.aliases.push(Alias {
                path,
                pos: front.index().pos(span.start),
            }),
            None => {
                let d =
                    Diagnostic::error("bad-alias", front.path, t!("bad-alias", written = written))
                        .help(t!("bad-alias.help"));
                front.push_at(d, span.start);
            }
        }
    }
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

/// A declared field's value, ready to show.
pub(super) fn value(field: &Field, items: Vec<String>) -> FieldValue {
    FieldValue {
        name: field.name.clone(),
        label: field.label.clone(),
        text: items.join(", "),
        items,
    }
}

/// A date field's value as a [`Date`], or what was written when it is none.
fn parse_date(data: &Data) -> Result<Date, String> {
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

/// The error for a value of the wrong type, with an example of the right one.
pub(super) fn type_error(path: &Path, field: &Field, v: &Value) -> Diagnostic {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_site_addresses() {
        assert_eq!(
            alias_path("/ancien/chemin/").as_deref(),
            Some("ancien/chemin")
        );
        assert_eq!(alias_path(" vieux ").as_deref(), Some("vieux"));
        for bad in [
            "", "/", "a/../b", "a//b", "./a", "a b", "a?x", "a#x", "a%20", "a\"b",
        ] {
            assert_eq!(alias_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_are_days_months_or_four_digit_years() {
        let day: toml::value::Datetime = "2024-09-13T10:00:00".parse().unwrap();
        assert_eq!(
            parse_date(&Data::Datetime(day)).unwrap().to_string(),
            "2024-09-13"
        );
        assert_eq!(
            parse_date(&Data::String("2024-09".into()))
                .unwrap()
                .to_string(),
            "2024-09"
        );
        assert_eq!(
            parse_date(&Data::Integer(Some(2016))).unwrap().to_string(),
            "2016"
        );
        assert_eq!(parse_date(&Data::Integer(Some(24))), Err("24".to_string()));
        assert_eq!(
            parse_date(&Data::String("hier".into())),
            Err("\"hier\"".to_string())
        );
        assert_eq!(
            parse_date(&Data::Bool(true)),
            Err(Data::Bool(true).type_name().to_string())
        );
    }
}
