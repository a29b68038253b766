//! Whether a card template can be rendered once for all depths: a card's only field
//! that depends on the file listing it is its relative `href`. When the template prints
//! `href` as `{{ href }}` and reads it nowhere else, the card rendered with a marker in
//! place of the link gives the card of any link, by putting the escaped link where the
//! marker is (see [`super::Cards::card`]). Anything the check cannot see through (an
//! include, a macro, a block, a filter section, the whole context) keeps the card
//! rendered for each depth.

use tera::ast::{Expr, ExprVal, Node};

/// The link's variable in a card's context.
const HREF: &str = "href";

/// Whether `nodes` print `href` only as a plain `{{ href }}` and read it nowhere else.
pub(super) fn relocatable(nodes: &[Node]) -> bool {
    nodes.iter().all(|node| match node {
        Node::Text(_) | Node::Comment(..) | Node::Raw(..) | Node::Break(_) | Node::Continue(_) => {
            true
        }
        Node::VariableBlock(_, expr) => is_plain_href(expr) || !reads_href_expr(expr),
        Node::Set(_, set) => set.key != HREF && !reads_href_expr(&set.value),
        Node::If(branches, _) => {
            branches
                .conditions
                .iter()
                .all(|(_, test, body)| !reads_href_expr(test) && relocatable(body))
                && branches
                    .otherwise
                    .as_ref()
                    .is_none_or(|(_, body)| relocatable(body))
        }
        Node::Forloop(_, each, _) => {
            each.value != HREF
                && each.key.as_deref() != Some(HREF)
                && !reads_href_expr(&each.container)
                && relocatable(&each.body)
                && each.empty_body.as_deref().is_none_or(relocatable)
        }
        _ => false,
    })
}

/// `{{ href }}`: the link printed as it is.
fn is_plain_href(expr: &Expr) -> bool {
    matches!(&expr.val, ExprVal::Ident(name) if name == HREF)
        && !expr.negated
        && expr.filters.is_empty()
}

/// Whether `expr` may read `href` (or the whole context).
fn reads_href_expr(expr: &Expr) -> bool {
    reads_href(&expr.val)
        || expr
            .filters
            .iter()
            .any(|f| f.args.values().any(reads_href_expr))
}

fn reads_href(val: &ExprVal) -> bool {
    match val {
        ExprVal::String(_) | ExprVal::Int(_) | ExprVal::Float(_) | ExprVal::Bool(_) => false,
        ExprVal::Ident(name) => names_href(name),
        ExprVal::Math(e) => reads_href_expr(&e.lhs) || reads_href_expr(&e.rhs),
        ExprVal::Logic(e) => reads_href_expr(&e.lhs) || reads_href_expr(&e.rhs),
        ExprVal::In(e) => reads_href_expr(&e.lhs) || reads_href_expr(&e.rhs),
        ExprVal::Test(test) => names_href(&test.ident) || test.args.iter().any(reads_href_expr),
        ExprVal::FunctionCall(call) => call.args.values().any(reads_href_expr),
        ExprVal::MacroCall(call) => call.args.values().any(reads_href_expr),
        ExprVal::Array(items) => items.iter().any(reads_href_expr),
        ExprVal::StringConcat(concat) => concat.values.iter().any(reads_href),
    }
}

/// Whether a variable name reads `href`: `href`, a field or item of it, or Tera's magic
/// variable holding the whole context.
fn names_href(name: &str) -> bool {
    name == "__tera_context"
        || name
            .strip_prefix(HREF)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `template`, as `card.html` beside an `other.html`, is relocatable.
    fn check(template: &str) -> bool {
        let mut tera = tera::Tera::default();
        tera.add_raw_templates([("other.html", ""), ("card.html", template)])
            .unwrap();
        relocatable(&tera.get_template("card.html").unwrap().ast)
    }

    #[test]
    fn a_card_printing_its_link_plainly_is_relocatable() {
        for template in [
            r#"<li><a href="{{ href }}">{{ title }}</a></li>"#,
            r#"{% if mixed and kind %}<span>{{ kind }}</span>{% endif %}<a href="{{ href }}">{{ title | upper }}</a>{# {{ href | upper }} #}"#,
            r#"{% for w in title | split(pat=" ") %}<a href="{{ href }}">{{ w }}</a>{% else %}-{% endfor %}"#,
            r#"{% set hrefs = 1 %}{{ hrefs }}{% raw %}{{ href | upper }}{% endraw %}{{ href }}"#,
        ] {
            assert!(check(template), "{template}");
        }
    }

    #[test]
    fn a_card_reading_its_link_otherwise_is_not() {
        for template in [
            r#"<a href="{{ href | upper }}">x</a>"#,
            r#"{% if href %}<a href="{{ href }}">x</a>{% endif %}"#,
            r#"{% if href is starting_with("../") %}x{% endif %}"#,
            r#"{{ title ~ href }}"#,
            r#"{{ title | replace(from="x", to=href) }}"#,
            r#"{% set link = href %}{{ link }}"#,
            r#"{% set href = "x" %}{{ href }}"#,
            r#"{% for href in [1, 2] %}{{ href }}{% endfor %}"#,
            r#"{% for c in href %}{{ c }}{% endfor %}"#,
            r#"{{ not href }}"#,
            r#"{{ __tera_context }}"#,
            r#"{% include "other.html" %}"#,
            r#"{% filter upper %}<a href="{{ href }}">x</a>{% endfilter %}"#,
        ] {
            assert!(!check(template), "{template}");
        }
    }
}
