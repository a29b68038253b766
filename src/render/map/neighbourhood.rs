//! A page's own small map: the page in the middle, the pages that point to it on the
//! left, the pages it points to on the right (pages linked both ways under the relation
//! that wins, see [`Links`]), each side in reading order. Drawn on every page, so it
//! costs only the page's own edges.

use super::{Links, kind_class, svg};
use crate::model::{Role, Site};
use crate::render::views::Linker;
use svg::Drawing;

/// The most pages a side shows; the page's lists below name them all.
const PER_SIDE: usize = 12;

/// The id of the heading that names the neighbourhood map in the page template.
const HEADING_ID: &str = "voisinage-titre";

impl Links {
    /// The drawing of page `i`'s neighbourhood, or `None` when it is linked to no page.
    pub fn neighbourhood(&self, site: &Site, l: &Linker<'_, '_>, i: usize) -> Option<Drawing> {
        if self.around[i].is_empty() {
            return None;
        }
        let mut sides: [Vec<(usize, usize)>; 2] = [Vec::new(), Vec::new()];
        for &e in &self.around[i] {
            let (from, to, rel) = self.edges[e];
            let (side, other) = if to == i { (0, from) } else { (1, to) };
            sides[side].push((other, rel));
        }
        for side in &mut sides {
            side.sort_by_key(|&(other, _)| self.rank[other]);
            side.truncate(PER_SIDE);
        }
        let tallest = sides.iter().map(Vec::len).max().unwrap_or(0) as i64;
        let center_column = usize::from(!sides[0].is_empty());
        let node = |page: usize, column: usize, y: i64| {
            let kind = match site.pages[page].role {
                Role::Kind(k) => Some(k),
                Role::Home | Role::Standalone => None,
            };
            // Through the linker, so that the page counts as read (see `views`).
            let link = l.page(page);
            svg::Node {
                column,
                y,
                title: link.title.to_owned(),
                detail: None,
                href: link.href,
                class: kind_class(kind),
                tags: String::new(),
                current: page == i,
            }
        };
        let mut nodes = vec![node(i, center_column, (tallest - 1) * svg::ROW / 2)];
        let mut edges = Vec::new();
        for (side, column) in [(0, 0), (1, center_column + 1)] {
            for (k, &(other, rel)) in sides[side].iter().enumerate() {
                edges.push(svg::Edge {
                    a: 0,
                    b: nodes.len(),
                    class: self.class(rel),
                });
                nodes.push(node(other, column, k as i64 * svg::ROW));
            }
        }
        Some(Drawing {
            nodes,
            edges,
            title: site.pages[i].title.clone(),
            labelledby: HEADING_ID,
        })
    }
}
