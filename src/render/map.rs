//! The map of the guide (#11): `carte/index.html`, an SVG drawn at build time where every
//! page is a node linking to it, in its kind's colour, and every pair of linked pages an
//! edge styled by its relation (a reference field, `see_also`, or a link in the text).
//!
//! Kinds are columns (see [`layout`]); the first kind keeps its reading order and the
//! others face the pages they link to. Past [`MAX_NODES`] pages a map of pages would be
//! unreadable, so nodes become groups: the pages of one kind whose first tag is the same,
//! linking to that tag's page (or, with more groups than [`MAX_NODES`], one node per
//! kind). Everything is integers and sorted lists: the same site, the same bytes.

pub mod layout;
mod neighbourhood;
pub mod svg;

use std::collections::BTreeMap;

use serde::Serialize;
use svg::Drawing;

use super::{print, url, views::Linker};
use crate::links::Graph;
use crate::model::{Role, Site};

/// The most nodes a map shows; past it, pages are grouped.
pub const MAX_NODES: usize = 200;

/// Relation styles (`rel-0`…) the theme defines; further relations reuse them.
const REL_STYLES: usize = 6;
/// Kind colours (`kind-0`…) the theme defines.
const KIND_STYLES: usize = 8;

/// A relation type: a kind's reference field, `see_also`, or a link in the text.
struct Relation {
    name: String,
    label: String,
}

/// The site's links as typed pairs of pages, computed once per build.
pub struct Links {
    /// The site's relations (`Config::relations`), then body links (last).
    relations: Vec<Relation>,
    /// One edge per pair of linked pages, `(from, to, relation)`, under its most specific
    /// relation (the lowest index), sorted by pair.
    edges: Vec<(usize, usize, usize)>,
    /// For each page, its edges (indexes into `edges`).
    around: Vec<Vec<usize>>,
    /// For each page, its place in reading order.
    rank: Vec<usize>,
}

impl Links {
    /// The typed edges of `site`.
    pub fn new(site: &Site, graph: &Graph) -> Self {
        // The site's typed relations (each kind's reference fields, then `see_also`),
        // then links in the text.
        let config = &site.config;
        let mut relations: Vec<Relation> = config
            .relations
            .iter()
            .map(|r| Relation {
                name: r.field.clone(),
                label: r.label.clone(),
            })
            .collect();
        relations.push(Relation {
            name: String::new(),
            label: String::new(),
        });
        let body = relations.len() - 1;
        let mut all: Vec<(usize, usize, usize, usize, usize)> = Vec::new();
        for (from, page) in site.pages.iter().enumerate() {
            let kind = match page.role {
                Role::Kind(k) => Some(k),
                Role::Home | Role::Standalone => None,
            };
            for (field, targets) in page.refs.iter().zip(&graph.refs[from]) {
                let rel = config.relation_of(kind, &field.name).unwrap_or(body);
                all.extend(targets.iter().map(|&to| (from, to, rel)).map(pair));
            }
            all.extend(graph.body[from].values().map(|&to| pair((from, to, body))));
        }
        all.retain(|e| e.0 != e.1);
        all.sort_unstable();
        all.dedup_by_key(|e| (e.0, e.1));
        let edges: Vec<(usize, usize, usize)> =
            all.into_iter().map(|(_, _, r, f, t)| (f, t, r)).collect();
        let mut around = vec![Vec::new(); site.pages.len()];
        for (e, &(from, to, _)) in edges.iter().enumerate() {
            around[from].push(e);
            around[to].push(e);
        }
        let mut rank = vec![0; site.pages.len()];
        let reading = print::order(site, graph).into_iter().flat_map(|p| p.pages);
        for (r, i) in reading.enumerate() {
            rank[i] = r;
        }
        Links {
            relations,
            edges,
            around,
            rank,
        }
    }

    /// A fingerprint of page `i`'s edges (their other ends, relations and directions),
    /// for the incremental rebuild (#4): its neighbourhood map changes with it.
    pub fn key(&self, i: usize) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        for &e in &self.around[i] {
            (self.edges[e], &self.relations[self.edges[e].2].name).hash(&mut h);
        }
        h.finish()
    }

    /// A fingerprint of every edge, for the incremental rebuild (#4).
    pub fn all_key(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        self.edges.hash(&mut h);
        for r in &self.relations {
            (&r.name, &r.label).hash(&mut h);
        }
        h.finish()
    }

    fn is_body(&self, rel: usize) -> bool {
        rel + 1 == self.relations.len()
    }

    /// The CSS class of relation `rel`.
    fn class(&self, rel: usize) -> String {
        if self.is_body(rel) {
            "rel-body".into()
        } else {
            format!("rel-{}", rel % REL_STYLES)
        }
    }
}

/// An edge keyed by its unordered pair, then its relation, then its direction.
fn pair((from, to, rel): (usize, usize, usize)) -> (usize, usize, usize, usize, usize) {
    (from.min(to), from.max(to), rel, from, to)
}

/// The CSS class of a kind's colour (`None`: pages without a kind).
fn kind_class(kind: Option<usize>) -> String {
    kind.map_or("kind-other".into(), |k| format!("kind-{}", k % KIND_STYLES))
}

/// A legend entry; a missing label is the theme's to write (pages without a kind,
/// links in the text).
#[derive(Serialize, Hash)]
pub struct LegendEntry<'a> {
    /// The kind's plural label or the relation's label.
    label: Option<&'a str>,
    /// Its CSS class.
    class: String,
}

/// A tag the map can be filtered by.
#[derive(Serialize, Hash)]
pub struct TagOption<'a> {
    /// The tag id.
    id: &'a str,
    /// Its label.
    label: &'a str,
}

/// The map, as `map.html` gets it as `map`.
#[derive(Serialize, Hash)]
pub struct MapView<'a> {
    /// The drawing, serialized as inline SVG.
    svg: Drawing,
    /// The kinds it shows.
    kinds: Vec<LegendEntry<'a>>,
    /// The relations it shows.
    relations: Vec<LegendEntry<'a>>,
    /// The tags of its pages.
    tags: Vec<TagOption<'a>>,
    /// How many pages the site has.
    pages: usize,
    /// Whether nodes are groups of pages.
    grouped: bool,
}

/// What the map shows: nodes (pages or groups) in columns, and weighted edges.
struct Plan {
    /// For each page, its node.
    node_of: Vec<usize>,
    /// For each node: its layer, kind, title, link and tags.
    nodes: Vec<(usize, Option<usize>, String, String, String)>,
    /// The layer kept in reading order.
    pinned: usize,
}

/// The context of `map.html`, seen from `l` (the map's own file).
pub fn context<'a>(
    site: &'a Site,
    graph: &Graph,
    l: &Linker<'a, '_>,
    links: &'a Links,
) -> super::contexts::MapContext<'a> {
    super::contexts::MapContext {
        site: l.site_view(None, site.config.site.print),
        map: view(site, graph, l, links),
    }
}

/// The map of `site`, seen from `l` (the map's own file).
pub fn view<'a>(
    site: &'a Site,
    graph: &Graph,
    l: &Linker<'a, '_>,
    links: &'a Links,
) -> MapView<'a> {
    let grouped = site.pages.len() > MAX_NODES;
    let plan = plan(site, graph, l, grouped);
    let edges = node_edges(&plan, links);
    let layer: Vec<usize> = plan.nodes.iter().map(|n| n.0).collect();
    let weighted: Vec<(usize, usize, usize)> = edges.iter().map(|e| (e.0, e.1, e.3)).collect();
    let placed = layout::layout(&layout::Input {
        layer: &layer,
        edges: &weighted,
        pinned: plan.pinned,
        row: svg::ROW,
    });
    let mut kinds: Vec<Option<usize>> = plan.nodes.iter().map(|n| n.1).collect();
    kinds.sort_by_key(|k| k.unwrap_or(usize::MAX));
    kinds.dedup();
    let mut rels: Vec<usize> = edges.iter().map(|e| e.2).collect();
    rels.sort_unstable();
    rels.dedup();
    let nodes: Vec<svg::Node> = plan
        .nodes
        .into_iter()
        .enumerate()
        .map(|(k, (_, kind, title, href, tags))| svg::Node {
            column: placed.column[k],
            y: placed.y[k],
            title,
            detail: None,
            href,
            class: kind_class(kind),
            tags,
            current: false,
        })
        .collect();
    let svg_edges: Vec<svg::Edge> = edges
        .iter()
        .map(|&(a, b, rel, count)| svg::Edge {
            a,
            b,
            class: if grouped {
                format!("{} w{}", links.class(rel), (count.ilog10() + 1).min(4))
            } else {
                links.class(rel)
            },
        })
        .collect();
    MapView {
        svg: Drawing {
            nodes,
            edges: svg_edges,
            title: site.config.site.title.clone(),
            labelledby: "carte-titre",
        },
        kinds: kinds
            .into_iter()
            .map(|k| LegendEntry {
                label: k.map(|k| site.config.kinds[k].plural.as_str()),
                class: kind_class(k),
            })
            .collect(),
        relations: rels
            .into_iter()
            .map(|r| LegendEntry {
                label: (!links.is_body(r)).then_some(links.relations[r].label.as_str()),
                class: links.class(r),
            })
            .collect(),
        tags: tag_options(site),
        pages: site.pages.len(),
        grouped,
    }
}

/// Edges between the plan's nodes, `(a, b, relation, count)`: for each pair, its pages'
/// most common relation.
fn node_edges(plan: &Plan, links: &Links) -> Vec<(usize, usize, usize, usize)> {
    let mut between: BTreeMap<(usize, usize), BTreeMap<usize, usize>> = BTreeMap::new();
    for &(from, to, rel) in &links.edges {
        let (a, b) = (plan.node_of[from], plan.node_of[to]);
        if a != b {
            *between
                .entry((a.min(b), a.max(b)))
                .or_default()
                .entry(rel)
                .or_default() += 1;
        }
    }
    between
        .into_iter()
        .map(|((a, b), rels)| {
            let count = rels.values().sum();
            let rel = rels
                .iter()
                .max_by_key(|(r, n)| (**n, std::cmp::Reverse(**r)));
            (a, b, rel.map_or(0, |(r, _)| *r), count)
        })
        .collect()
}

/// The tags the site's pages carry, in the vocabulary's order.
fn tag_options(site: &Site) -> Vec<TagOption<'_>> {
    let mut tags: Vec<usize> = site
        .pages
        .iter()
        .flat_map(|p| p.tags.iter().copied())
        .collect();
    tags.sort_unstable();
    tags.dedup();
    tags.into_iter()
        .map(|t| TagOption {
            id: &site.tags[t].id,
            label: &site.tags[t].label,
        })
        .collect()
}

/// The nodes of the map: one per page in reading order, or, `grouped`, one per kind and
/// first tag. Kinds are layers in their declared order; pages without a kind the last.
fn plan(site: &Site, graph: &Graph, l: &Linker<'_, '_>, grouped: bool) -> Plan {
    let parts = print::order(site, graph);
    let layers = parts.iter().filter(|p| p.kind.is_some()).count();
    let mut reading: Vec<(usize, usize)> = Vec::with_capacity(site.pages.len());
    let mut next = 0;
    for part in &parts {
        let layer = match part.kind {
            Some(_) => {
                next += 1;
                next - 1
            }
            None => layers,
        };
        reading.extend(part.pages.iter().map(|&i| (layer, i)));
    }
    // Pages without a kind come first in reading order, but go in the last layer.
    reading.sort_by_key(|&(layer, _)| layer);
    let kind = |i: usize| match site.pages[i].role {
        Role::Kind(k) => Some(k),
        Role::Home | Role::Standalone => None,
    };
    let tags_of = |i: usize| {
        let ids: Vec<&str> = site.pages[i]
            .tags
            .iter()
            .map(|&t| site.tags[t].id.as_str())
            .collect();
        ids.join(" ")
    };
    let mut node_of = vec![0; site.pages.len()];
    let mut nodes = Vec::new();
    if !grouped {
        for (k, &(layer, i)) in reading.iter().enumerate() {
            node_of[i] = k;
            let href = l.page_href(&site.pages[i].id);
            nodes.push((
                layer,
                kind(i),
                site.pages[i].title.clone(),
                href,
                tags_of(i),
            ));
        }
        return Plan {
            node_of,
            nodes,
            pinned: 0,
        };
    }
    // Groups by layer and first tag (pages without tags last), or by layer alone when
    // that would still be too many nodes.
    let by_tag = |i: usize| site.pages[i].tags.first().copied().unwrap_or(usize::MAX);
    let mut keys: Vec<(usize, usize)> = reading.iter().map(|&(l, i)| (l, by_tag(i))).collect();
    keys.sort_unstable();
    keys.dedup();
    let per_tag = keys.len() <= MAX_NODES;
    let key = |layer: usize, i: usize| (layer, if per_tag { by_tag(i) } else { usize::MAX });
    let mut groups: BTreeMap<(usize, usize), (usize, usize, Option<usize>)> = BTreeMap::new();
    for &(layer, i) in &reading {
        let entry = groups.entry(key(layer, i)).or_insert((0, 0, kind(i)));
        entry.0 += 1;
    }
    for (n, group) in groups.values_mut().enumerate() {
        group.1 = n;
    }
    for &(layer, i) in &reading {
        node_of[i] = groups[&key(layer, i)].1;
    }
    for (&(layer, tag), &(count, _, kind)) in &groups {
        let (label, href) = match (kind, site.tags.get(tag)) {
            (_, Some(t)) => (t.label.as_str(), l.href(&url::tag_file(&t.id))),
            (Some(k), None) => {
                let k = &site.config.kinds[k];
                (k.plural.as_str(), l.href(&url::kind_file(&k.dir)))
            }
            (None, None) => (site.config.site.title.as_str(), l.page_href("")),
        };
        let title = match kind {
            Some(k) if site.tags.get(tag).is_some() => {
                format!("{} · {label} ({count})", site.config.kinds[k].plural)
            }
            _ => format!("{label} ({count})"),
        };
        let tags = site.tags.get(tag).map_or(String::new(), |t| t.id.clone());
        nodes.push((layer, kind, title, href, tags));
    }
    Plan {
        node_of,
        nodes,
        pinned: 0,
    }
}
