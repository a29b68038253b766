//! Draws a laid-out map as inline SVG: nodes are links (`<a href>`) whose `<title>`, the
//! page's full title, is their accessible name and tooltip (an `aria-label` would not
//! contain the shortened text shown, which WCAG's "label in name" asks), edges are
//! curves under them. Colours and line styles
//! come from CSS classes (`kind-N`, `rel-N`), so the theme decides them, for the screen,
//! dark mode and print alike. Integer coordinates only: the same map, the same bytes.

use std::fmt::Write;

use crate::escape;

/// A node's box.
pub const BOX_W: i64 = 220;
/// A node's box height: two lines of text.
pub const BOX_H: i64 = 36;
/// Vertical distance between two nodes of a column.
pub const ROW: i64 = 44;
/// Horizontal distance between two columns.
const GAP: i64 = 110;
/// Room on the left for the arcs between nodes of the first column.
const MARGIN_X: i64 = 48;
const MARGIN_Y: i64 = 8;
/// Characters on a line of a node's label (at the theme's 12px, ~6px each).
const LINE: usize = 30;

/// A node to draw.
#[derive(Hash)]
pub struct Node {
    /// Its column and vertical position, from the layout.
    pub column: usize,
    /// Vertical position.
    pub y: i64,
    /// The full title (the link's name).
    pub title: String,
    /// A second line instead of the title's end (a cluster's page count).
    pub detail: Option<String>,
    /// The link.
    pub href: String,
    /// CSS class of its kind.
    pub class: String,
    /// Tag ids, space-separated, for the filter script.
    pub tags: String,
    /// Whether it is the page the map is drawn for.
    pub current: bool,
}

/// An edge to draw between nodes `a` and `b`.
#[derive(Hash)]
pub struct Edge {
    /// One end.
    pub a: usize,
    /// The other end.
    pub b: usize,
    /// CSS classes of its relation (and weight).
    pub class: String,
}

/// A laid-out map as templates receive it: serialized as its SVG, hashed as its parts
/// (an incremental rebuild compares it without drawing it).
#[derive(Hash)]
pub struct Drawing {
    /// The nodes.
    pub nodes: Vec<Node>,
    /// The edges.
    pub edges: Vec<Edge>,
    /// The SVG's `<title>`.
    pub title: String,
    /// The id of the element that names it.
    pub labelledby: &'static str,
}

impl serde::Serialize for Drawing {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&draw(
            &self.nodes,
            &self.edges,
            &self.title,
            self.labelledby,
        ))
    }
}

/// The SVG of a map. `labelledby` is the id of the element that names it; `title` is
/// its `<title>`.
pub fn draw(nodes: &[Node], edges: &[Edge], title: &str, labelledby: &str) -> String {
    let columns = nodes.iter().map(|n| n.column + 1).max().unwrap_or(1) as i64;
    let bottom = nodes.iter().map(|n| n.y).max().unwrap_or(0);
    let width = MARGIN_X + columns * BOX_W + (columns - 1) * GAP + MARGIN_Y;
    let height = bottom + BOX_H + 2 * MARGIN_Y;
    let x = |n: &Node| MARGIN_X + n.column as i64 * (BOX_W + GAP);
    let y = |n: &Node| MARGIN_Y + n.y;
    let mut s = String::with_capacity(200 + nodes.len() * 400 + edges.len() * 120);
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="map-svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="group" aria-labelledby="{labelledby}"><title>{}</title><g class="map-edges" aria-hidden="true">"#,
        escape::html(title)
    );
    for e in edges {
        let (a, b) = (&nodes[e.a], &nodes[e.b]);
        let (ya, yb) = (y(a) + BOX_H / 2, y(b) + BOX_H / 2);
        let path = if a.column == b.column {
            // An arc on the left of the column.
            let bend = (12 + (ya - yb).abs() / 6).min(MARGIN_X - 6);
            let xa = x(a);
            format!("M{xa} {ya}C{} {ya} {} {yb} {xa} {yb}", xa - bend, xa - bend)
        } else {
            let (l, r, yl, yr) = if a.column < b.column {
                (a, b, ya, yb)
            } else {
                (b, a, yb, ya)
            };
            let (x1, x2) = (x(l) + BOX_W, x(r));
            let mid = (x1 + x2) / 2;
            format!("M{x1} {yl}C{mid} {yl} {mid} {yr} {x2} {yr}")
        };
        let _ = write!(
            s,
            r#"<path class="edge {}" d="{path}" data-ends="{} {}"/>"#,
            e.class, e.a, e.b
        );
    }
    s.push_str(r#"</g><g class="map-nodes">"#);
    for (k, n) in nodes.iter().enumerate() {
        let title = escape::html(&n.title);
        let (first, second) = match &n.detail {
            Some(detail) => (clip(&n.title, LINE), detail.clone()),
            None => lines(&n.title),
        };
        let current = if n.current {
            r#" aria-current="page""#
        } else {
            ""
        };
        let (nx, ny) = (x(n), y(n));
        let _ = write!(
            s,
            r#"<a href="{}" class="node {}{}" data-node="{k}" data-tags="{}"{current}><title>{title}</title><rect x="{nx}" y="{ny}" width="{BOX_W}" height="{BOX_H}" rx="6"/><text x="{}" y="{}">{}"#,
            escape::html(&n.href),
            n.class,
            if n.current { " current" } else { "" },
            escape::html(&n.tags),
            nx + 8,
            ny + 15,
            escape::html(&first),
        );
        if !second.is_empty() {
            let _ = write!(
                s,
                r#"<tspan x="{}" y="{}">{}</tspan>"#,
                nx + 8,
                ny + 30,
                escape::html(&second)
            );
        }
        s.push_str("</text></a>");
    }
    s.push_str("</g></svg>");
    s
}

/// A title on at most two lines of [`LINE`] characters, cut between words, the second
/// ending in `…` when the title is longer.
fn lines(title: &str) -> (String, String) {
    let mut first = String::new();
    let mut words = title.split_whitespace().peekable();
    while let Some(word) = words.peek() {
        let len = first.chars().count() + usize::from(!first.is_empty()) + word.chars().count();
        if len > LINE && !first.is_empty() {
            break;
        }
        if !first.is_empty() {
            first.push(' ');
        }
        first.push_str(word);
        words.next();
    }
    let rest: Vec<&str> = words.collect();
    (clip(&first, LINE), clip(&rest.join(" "), LINE))
}

/// `text` cut to `max` characters, ending in `…` when it was longer.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_wrap_on_two_lines_between_words() {
        assert_eq!(lines("Le vote"), ("Le vote".into(), String::new()));
        assert_eq!(
            lines("Mobiliser des contributions en temps et en ressources adaptées aux ambitions"),
            (
                "Mobiliser des contributions en".into(),
                "temps et en ressources adapté…".into()
            )
        );
        assert_eq!(clip("abcdef", 4), "abc…");
    }

    #[test]
    fn nodes_are_named_links_and_edges_join_their_sides() {
        let node = |column, y, title: &str| Node {
            column,
            y,
            title: title.into(),
            detail: None,
            href: "../a/".into(),
            class: "kind-0".into(),
            tags: "t u".into(),
            current: false,
        };
        let nodes = [node(0, 0, "A & B"), node(1, 44, "C"), node(0, 88, "D")];
        let edges = [
            Edge {
                a: 1,
                b: 0,
                class: "rel-0".into(),
            },
            Edge {
                a: 0,
                b: 2,
                class: "rel-body".into(),
            },
        ];
        let svg = draw(&nodes, &edges, "Carte", "titre");
        assert!(svg.starts_with(r#"<svg xmlns="http://www.w3.org/2000/svg" class="map-svg" viewBox="0 0 606 140" width="606" height="140" role="group" aria-labelledby="titre"><title>Carte</title>"#));
        // Right side of A (48+220, 8+18) to left side of C (378, 8+44+18).
        assert!(svg.contains(
            r#"<path class="edge rel-0" d="M268 26C323 26 323 70 378 70" data-ends="1 0"/>"#
        ));
        // A to D, same column: an arc on the left, bent by 12 + 88/6.
        assert!(svg.contains(r#"d="M48 26C22 26 22 114 48 114""#));
        assert!(svg.contains(r#"<a href="../a/" class="node kind-0" data-node="0" data-tags="t u"><title>A &amp; B</title><rect x="48" y="8" width="220" height="36" rx="6"/><text x="56" y="23">A &amp; B</text></a>"#));
    }
}
