//! Links: the site's cross-references resolved into a [`Graph`].
//!
//! Front-matter references (by page id or unique bare slug) and relative `.md` links in
//! bodies become page indexes; each miss is a positioned diagnostic with the nearest id as
//! a suggestion. From the resolved edges come every page's backlinks, its related pages
//! (shared tags, rarer tags weighing more, pages already linked left out), and the sorted
//! page lists of each kind and tag. While it reads each body, it also reports the raw HTML
//! that the site's policy removes or escapes (#13).

use std::collections::HashMap;

use rayon::prelude::*;

use crate::config::{SortOrder, did_you_mean};
use crate::diag::{Diagnostic, LineIndex, Text};
use crate::markdown::{self, RawHtml, relative_target};
use crate::model::{Page, Role, Site};
use crate::slug::fold;
use crate::t;
pub use anchors::{Anchors, check_anchors};
pub use relations::{Group, Link};

mod anchors;
mod relations;

/// The resolved link structure of a site.
#[derive(Debug, Default)]
pub struct Graph {
    /// For each page, for each of its reference fields, the target pages.
    pub refs: Vec<Vec<Vec<usize>>>,
    /// For each page, its relative `.md` link destinations (as written) and their targets.
    pub body: Vec<HashMap<String, usize>>,
    /// For each page, its links and images to other files of `content/` (as written), and
    /// those files' paths relative to `content/`.
    pub assets: Vec<HashMap<String, String>>,
    /// For each page, its heading ids and its links to headings (checked by
    /// [`check_anchors`]).
    pub anchors: Vec<Anchors>,
    /// For each page, the pages that reference or link to it, sorted by title.
    pub backlinks: Vec<Vec<usize>>,
    /// For each page, its related pages grouped by relation (see [`relations`]).
    pub relations: Vec<Vec<Group>>,
    /// For each page of a kind, the pages before and after it in reading order (see
    /// [`Graph::reading_order`]).
    pub neighbours: Vec<(Option<usize>, Option<usize>)>,
    /// For each page, its related pages, best first.
    pub related: Vec<Vec<usize>>,
    /// For each page, a fingerprint of the inputs of its related list, so that an
    /// incremental rebuild (#4) ranks again only the pages whose inputs changed.
    pub related_keys: Vec<u64>,
    /// For each kind, its pages in the kind's order.
    pub kind_pages: Vec<Vec<usize>>,
    /// For each tag, its pages sorted by title.
    pub tag_pages: Vec<Vec<usize>>,
}

/// Tags more common than this are scanned only for their first pages when looking for
/// related candidates, so that ranking stays linear in the number of pages. Such tags
/// weigh little anyway: their inverse document frequency is low.
const CANDIDATES_PER_TAG: usize = 400;

/// Resolves references and links, and derives backlinks, related pages and lists.
pub fn resolve(site: &Site) -> (Graph, Vec<Diagnostic>) {
    let per_page: Vec<PageLinks> = site
        .pages
        .par_iter()
        .map(|page| resolve_page(site, page))
        .collect();
    derive(site, per_page, &|_, _| None)
}

/// Asked by [`derive()`] for page `i` whose related-pages inputs have the fingerprint `key`:
/// the list a previous build computed from the same inputs, if it has one.
pub type Reuse<'a> = dyn Fn(usize, u64) -> Option<Vec<usize>> + Sync + 'a;

/// Derives backlinks, related pages and the kind and tag lists from each page's resolved
/// links (in page order). `reuse` lets an incremental rebuild (#4) skip ranking the
/// related pages of a page whose inputs did not change.
pub fn derive(
    site: &Site,
    per_page: Vec<PageLinks>,
    reuse: &Reuse<'_>,
) -> (Graph, Vec<Diagnostic>) {
    let mut graph = Graph::default();
    let mut diags = Vec::new();
    for links in per_page {
        graph.refs.push(links.refs);
        graph.body.push(links.body);
        graph.assets.push(links.assets);
        graph.anchors.push(links.anchors);
        diags.extend(links.diags);
    }
    // Every list below is sorted by folded title, then file order: rank the pages once,
    // so that each sort compares integers instead of strings (`serve` runs this on every
    // rebuild, #4).
    let rank: Vec<usize> = {
        let title_keys: Vec<String> = site.pages.par_iter().map(|p| fold(&p.title)).collect();
        let mut order: Vec<usize> = (0..site.pages.len()).collect();
        order.par_sort_unstable_by(|a, b| title_keys[*a].cmp(&title_keys[*b]).then(a.cmp(b)));
        let mut rank = vec![0; order.len()];
        for (r, &i) in order.iter().enumerate() {
            rank[i] = r;
        }
        rank
    };
    let by_title = |a: &usize, b: &usize| rank[*a].cmp(&rank[*b]);

    let n = site.pages.len();
    let mut backlinks = vec![Vec::new(); n];
    let mut cited = vec![Vec::new(); n];
    for (from, (refs, body)) in graph.refs.iter().zip(&graph.body).enumerate() {
        if site.pages[from].role == Role::Home {
            continue;
        }
        for &to in refs.iter().flatten().chain(body.values()) {
            if to != from {
                backlinks[to].push(from);
            }
        }
        for &to in body.values() {
            if to != from {
                cited[to].push(from);
            }
        }
    }
    for list in backlinks.iter_mut().chain(&mut cited) {
        list.sort_by(by_title);
        list.dedup();
    }
    graph.relations = relations::groups(site, &graph.refs, &cited, &rank);

    graph.tag_pages = vec![Vec::new(); site.tags.len()];
    for (i, page) in site.pages.iter().enumerate() {
        for &t in &page.tags {
            graph.tag_pages[t].push(i);
        }
    }
    for list in &mut graph.tag_pages {
        list.sort_by(by_title);
    }

    graph.kind_pages = vec![Vec::new(); site.config.kinds.len()];
    for (i, page) in site.pages.iter().enumerate() {
        if let Role::Kind(k) = page.role {
            graph.kind_pages[k].push(i);
        }
    }
    for (k, list) in graph.kind_pages.iter_mut().enumerate() {
        let pages = &site.pages;
        match site.config.kinds[k].sort {
            SortOrder::Title => list.sort_by(by_title),
            SortOrder::Order => list.sort_by(|a, b| {
                let key = |i: &usize| pages[*i].order.unwrap_or(i64::MAX);
                key(a).cmp(&key(b)).then_with(|| by_title(a, b))
            }),
            SortOrder::Date => list.sort_by(|a, b| {
                pages[*b]
                    .date
                    .cmp(&pages[*a].date)
                    .then_with(|| by_title(a, b))
            }),
        }
    }

    graph.neighbours = vec![(None, None); n];
    let order = graph.reading_order();
    for (at, &i) in order.iter().enumerate() {
        let previous = at.checked_sub(1).map(|p| order[p]);
        graph.neighbours[i] = (previous, order.get(at + 1).copied());
    }

    graph.related_keys = related_keys(site, &graph, &backlinks);
    graph.related = related(site, &graph, &backlinks, reuse);
    graph.backlinks = backlinks;
    (graph, diags)
}

impl Graph {
    /// The reading order of the site: each kind's pages in the kind's sort order, kinds
    /// in their declared order. Previous / next links follow it, and so does the
    /// printable guide.
    pub fn reading_order(&self) -> Vec<usize> {
        self.kind_pages.iter().flatten().copied().collect()
    }
}

/// A fingerprint of everything [`derive()`] reads of one page and its resolved links: its
/// role, tags, title, date, order and link targets. When no page's fingerprint moved
/// (and the configuration did not change), `derive` would return the same lists, so an
/// incremental rebuild (#4) keeps the previous ones. Whoever makes `derive` read more of
/// a page must add it here.
pub fn derive_key(page: &Page, links: &PageLinks) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    let mut body: Vec<usize> = links.body.values().copied().collect();
    body.sort_unstable();
    // The fields' names too: they give each reference its relation.
    let fields: Vec<&str> = page.refs.iter().map(|r| r.name.as_str()).collect();
    (
        page.role,
        &page.tags,
        &page.title,
        &page.date,
        page.order,
        &links.refs,
        fields,
        body,
    )
        .hash(&mut h);
    h.finish()
}

/// One page's resolved references, body links and problems.
#[derive(Clone, Debug)]
pub struct PageLinks {
    /// For each reference field, the target pages.
    pub refs: Vec<Vec<usize>>,
    /// Relative `.md` link destinations (as written) and their targets.
    pub body: HashMap<String, usize>,
    /// Links to files under `content/` and the output file each one names.
    pub assets: HashMap<String, String>,
    /// Heading ids and links to headings.
    pub anchors: Anchors,
    /// Problems found.
    pub diags: Vec<Diagnostic>,
}

/// Resolves one page's references and body links against the site. The result depends
/// only on the page and on the site's set of page ids, roles and assets, which is what
/// lets an incremental rebuild (#4) keep it for unchanged pages.
pub fn resolve_page(site: &Site, page: &Page) -> PageLinks {
    let index = LineIndex::new(&page.source.text);
    let path = &page.source.path;
    let mut diags = Vec::new();
    let mut refs = Vec::with_capacity(page.refs.len());
    for field in &page.refs {
        let mut targets = Vec::with_capacity(field.items.len());
        for (id, span) in &field.items {
            let error = |code, msg: Text| Diagnostic::error(code, path, msg).at(&index, span.start);
            let found = match site.page_index(id) {
                Some(i) => Some(i),
                None => match site.pages_with_slug(id) {
                    [i] => Some(*i),
                    [] => None,
                    many => {
                        let ids: Vec<&str> =
                            many.iter().map(|&i| site.pages[i].id.as_str()).collect();
                        diags.push(
                            error("ambiguous-ref", t!("ambiguous-ref", id = id))
                                .help(t!("ambiguous-ref.help", ids = ids.join(", "))),
                        );
                        targets.push(usize::MAX);
                        continue;
                    }
                },
            };
            let Some(target) = found else {
                if site.is_draft(id) {
                    diags.push(draft_link(path, id).at(&index, span.start));
                    continue;
                }
                if site.is_invalid(id) {
                    // The target's own errors are reported; one typo, one error.
                    continue;
                }
                let candidates = site
                    .pages
                    .iter()
                    .filter(|p| field.target.is_none_or(|k| p.role == Role::Kind(k)))
                    .map(|p| p.id.as_str());
                diags.push(
                    error("unknown-ref", t!("unknown-ref", name = field.name, id = id))
                        .maybe_help(did_you_mean(id, candidates)),
                );
                continue;
            };
            if let Some(k) = field.target
                && site.pages[target].role != Role::Kind(k)
            {
                let expected = &site.config.kinds[k];
                let found = site.kind_of(target).map_or("-", |k| k.singular.as_str());
                diags.push(
                    error(
                        "wrong-kind-ref",
                        t!(
                            "wrong-kind-ref",
                            name = field.name,
                            kind = expected.id,
                            id = id,
                            found = found
                        ),
                    )
                    .help(t!("wrong-kind-ref.help", dir = expected.dir)),
                );
                continue;
            }
            if target == site.page_index(&page.id).unwrap_or(usize::MAX) {
                diags.push(
                    Diagnostic::warning("self-ref", path, t!("self-ref", name = field.name))
                        .at(&index, span.start),
                );
                continue;
            }
            targets.push(target);
        }
        targets.retain(|&t| t != usize::MAX);
        targets.dedup();
        refs.push(targets);
    }

    let mut body = HashMap::new();
    let mut assets = HashMap::new();
    let scan = markdown::scan(page.body());
    let mut anchors = Anchors::new(site, page, &scan, &index, &mut diags);
    for link in scan.links {
        let offset = page.source.body_offset + link.range.start;
        if let Some(scheme) = markdown::scheme(&link.dest) {
            diags.push(scheme_link(path, scheme, &link.dest).at(&index, offset));
            continue;
        }
        let Some((target_path, fragment)) = relative_target(&link.dest) else {
            continue;
        };
        let joined = join(&page.source.rel, target_path);
        if !link.image && target_path.ends_with(".md") {
            match joined.as_deref().and_then(|p| site.page_index(page_id(p))) {
                Some(target) => {
                    anchors.link(target, fragment, &link.dest, offset);
                    body.insert(link.dest, target);
                }
                None if joined.as_deref().is_some_and(|p| site.is_draft(page_id(p))) => {
                    let id = joined.as_deref().map_or("", page_id);
                    diags.push(draft_link(path, id).at(&index, offset));
                }
                None if joined
                    .as_deref()
                    .is_some_and(|p| site.is_invalid(page_id(p))) => {}
                None => {
                    let wanted = joined.as_deref().map_or("", page_id);
                    let help =
                        crate::diag::suggest(wanted, site.pages.iter().map(|p| p.id.as_str()))
                            .and_then(|id| site.page_index(id))
                            .map(|t| {
                                let target = &site.pages[t].source.rel;
                                t!("did-you-mean", name = relative_md(&page.source.rel, target))
                            });
                    diags.push(
                        Diagnostic::error("broken-link", path, t!("broken-link", dest = link.dest))
                            .at(&index, offset)
                            .help(help.unwrap_or_else(|| t!("broken-link.help"))),
                    );
                }
            }
            continue;
        }
        match joined.filter(|p| site.assets.binary_search(p).is_ok()) {
            Some(file) => {
                assets.insert(link.dest, file);
            }
            None => {
                let key = if link.image {
                    "missing-file.image"
                } else {
                    "missing-file"
                };
                diags.push(
                    Diagnostic::error("missing-file", path, t!(key, dest = link.dest))
                        .at(&index, offset)
                        .help(if target_path.starts_with('/') {
                            t!("missing-file.absolute.help")
                        } else {
                            t!("missing-file.help")
                        }),
                );
            }
        }
    }
    raw_html(page, site.config.markdown.raw_html, &index, &mut diags);
    PageLinks {
        refs,
        body,
        assets,
        anchors,
        diags,
    }
}

/// A warning for each piece of raw HTML in the page's body that the site's policy
/// removes or escapes (#13), so that a reviewer sees it as an annotation.
fn raw_html(page: &Page, policy: RawHtml, index: &LineIndex<'_>, diags: &mut Vec<Diagnostic>) {
    // Most pages hold no HTML at all: spare them a second parse.
    if policy == RawHtml::Allow || !page.body().contains('<') {
        return;
    }
    for change in markdown::raw_html_changes(page.body(), policy) {
        let snippet = &change.snippet;
        let (message, help) = match policy {
            RawHtml::Escape => (
                t!("raw-html.escape", snippet = snippet),
                t!("raw-html.escape.help"),
            ),
            _ => (t!("raw-html", snippet = snippet), t!("raw-html.help")),
        };
        let offset = page.source.body_offset + change.range.start;
        diags.push(
            Diagnostic::warning("raw-html", &page.source.path, message)
                .at(index, offset)
                .help(help),
        );
    }
}

/// The warning of a link or reference to a draft left out of the build: the reader sees
/// its text, not a link, until the draft is published.
fn draft_link(path: &std::path::Path, id: &str) -> Diagnostic {
    Diagnostic::warning("draft-link", path, t!("draft-link", id = id)).help(t!("draft-link.help"))
}

/// Whether the relative link `dest`, in the file `from` (relative to `content/`), leads
/// to a draft that `site` leaves out: such links are rendered as plain text.
pub fn leads_to_draft(site: &Site, from: &str, dest: &str) -> bool {
    relative_target(dest)
        .and_then(|(target, _)| join(from, target))
        .is_some_and(|p| p.ends_with(".md") && site.is_draft(page_id(&p)))
}

/// A link with a scheme that archipel does not publish as it is (see
/// [`markdown::known_scheme`]): code that would run in a reader's browser, or a reader's
/// own files, is an error; anything else is a warning.
fn scheme_link(path: &std::path::Path, scheme: &str, dest: &str) -> Diagnostic {
    let shown: String = dest.chars().take(60).collect();
    match scheme.to_ascii_lowercase().as_str() {
        "javascript" | "vbscript" | "data" | "file" => Diagnostic::error(
            "unsafe-link",
            path,
            t!("unsafe-link", dest = shown, scheme = scheme),
        )
        .help(t!("unsafe-link.help")),
        _ => Diagnostic::warning(
            "unknown-scheme",
            path,
            t!("unknown-scheme", dest = shown, scheme = scheme),
        )
        .help(t!("unknown-scheme.help")),
    }
}

/// The path (relative to `content/`) that `target`, relative to the file `from`, points
/// to, with `%XX` escapes decoded (`mon%20image.svg`); a `target` that starts with `/`
/// is read from `content/`. `None` when it climbs out of `content/`.
pub fn join(from: &str, target: &str) -> Option<String> {
    let decoded = crate::render::url::percent_decode(target);
    let target = decoded.as_deref().unwrap_or(target);
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    if target.starts_with('/') {
        parts.clear();
    }
    for segment in target.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The page id of a `.md` path relative to `content/` (`_index.md` is the home page).
fn page_id(path: &str) -> &str {
    match path.strip_suffix(".md") {
        Some("_index") => "",
        Some(id) => id,
        None => path,
    }
}

/// The relative path from the file `from` to the file `to` (both relative to `content/`).
fn relative_md(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> = from.split('/').collect();
    let from_dirs = &from_dirs[..from_dirs.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dirs
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = "../".repeat(from_dirs.len() - common);
    out.push_str(&to_parts[common..].join("/"));
    out
}

/// The inverse document frequency of each tag.
fn idf(site: &Site, graph: &Graph) -> Vec<f64> {
    let n = site
        .pages
        .iter()
        .filter(|p| !p.tags.is_empty())
        .count()
        .max(1) as f64;
    // Never below 0.01, since no tag has more pages than `n`: a score of 0 means "not a
    // candidate" in `related`.
    graph
        .tag_pages
        .iter()
        .map(|pages| (n / pages.len().max(1) as f64).ln() + 0.01)
        .collect()
}

/// For each page, a fingerprint of everything [`related`] reads to rank its related
/// pages: its role and tags, each tag's weight and candidate window (with the dates that
/// break ties), the pages it is already linked with, and how many it wants.
fn related_keys(site: &Site, graph: &Graph, backlinks: &[Vec<usize>]) -> Vec<u64> {
    use std::hash::{Hash, Hasher};
    let pages = &site.pages;
    let tag_keys: Vec<u64> = graph
        .tag_pages
        .iter()
        .zip(idf(site, graph))
        .map(|(list, weight)| {
            let mut h = std::hash::DefaultHasher::new();
            weight.to_bits().hash(&mut h);
            for &j in list.iter().take(CANDIDATES_PER_TAG) {
                (j, &pages[j].date).hash(&mut h);
            }
            h.finish()
        })
        .collect();
    (0..pages.len())
        .into_par_iter()
        .map(|i| {
            let mut h = std::hash::DefaultHasher::new();
            (site.config.site.related, pages[i].role == Role::Home).hash(&mut h);
            for &t in &pages[i].tags {
                (t, tag_keys[t]).hash(&mut h);
            }
            graph.refs[i].hash(&mut h);
            let mut body: Vec<usize> = graph.body[i].values().copied().collect();
            body.sort_unstable();
            body.hash(&mut h);
            backlinks[i].hash(&mut h);
            h.finish()
        })
        .collect()
}

fn related(
    site: &Site,
    graph: &Graph,
    backlinks: &[Vec<usize>],
    reuse: &Reuse<'_>,
) -> Vec<Vec<usize>> {
    let idf = idf(site, graph);
    let wanted = site.config.site.related;
    let pages = &site.pages;
    // Best first: higher score, then newer, then file order. A total order, so keeping the
    // `wanted` best candidates gives what sorting all of them would.
    let better = |a: (usize, f64), b: (usize, f64)| {
        b.1.total_cmp(&a.1)
            .then_with(|| pages[b.0].date.cmp(&pages[a.0].date))
            .then(a.0.cmp(&b.0))
    };
    // Scores live in one dense array per worker, reset after each page through the list
    // of the entries it touched: no map, no allocation per page, and no sort of every
    // candidate (the profile of 10,000 pages showed that sort as 70% of `check`).
    (0..pages.len())
        .into_par_iter()
        .map_init(
            || (vec![0.0_f64; pages.len()], Vec::new()),
            |(scores, touched), i| {
                let page = &pages[i];
                if page.role == Role::Home || wanted == 0 {
                    return Vec::new();
                }
                if let Some(list) = reuse(i, graph.related_keys[i]) {
                    return list;
                }
                for &t in &page.tags {
                    for &j in graph.tag_pages[t].iter().take(CANDIDATES_PER_TAG) {
                        if scores[j] == 0.0 {
                            touched.push(j);
                        }
                        scores[j] += idf[t];
                    }
                }
                let linked = |j: usize| {
                    j == i
                        || graph.refs[i].iter().flatten().any(|&t| t == j)
                        || graph.body[i].values().any(|&t| t == j)
                        || backlinks[i].contains(&j)
                };
                let mut best: Vec<(usize, f64)> = Vec::with_capacity(wanted + 1);
                for j in touched.drain(..) {
                    let candidate = (j, std::mem::take(&mut scores[j]));
                    if best.len() == wanted
                        && better(candidate, best[wanted - 1]) != std::cmp::Ordering::Less
                    {
                        continue;
                    }
                    if linked(j) {
                        continue;
                    }
                    let at = best.partition_point(|&b| better(b, candidate).is_lt());
                    best.insert(at, candidate);
                    best.truncate(wanted);
                }
                best.into_iter().map(|(j, _)| j).collect()
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_resolves_relative_paths() {
        let join = |from, to| super::join(from, to);
        assert_eq!(
            join("temoignages/a.md", "../fiches-outils/b.md").as_deref(),
            Some("fiches-outils/b.md")
        );
        assert_eq!(
            join("temoignages/a.md", "./c.md").as_deref(),
            Some("temoignages/c.md")
        );
        assert_eq!(
            join("a-propos.md", "images/x.png").as_deref(),
            Some("images/x.png")
        );
        assert_eq!(join("a.md", "../../x.md"), None);
        assert_eq!(page_id("temoignages/c.md"), "temoignages/c");
        assert_eq!(page_id("_index.md"), "");
    }

    #[test]
    fn relative_md_climbs_only_as_needed() {
        assert_eq!(
            relative_md("temoignages/a.md", "fiches-outils/b.md"),
            "../fiches-outils/b.md"
        );
        assert_eq!(relative_md("temoignages/a.md", "temoignages/b.md"), "b.md");
        assert_eq!(relative_md("a.md", "temoignages/b.md"), "temoignages/b.md");
    }
}

#[cfg(test)]
mod ranking_tests {
    use super::*;
    use crate::load::{Loaded, RawTag, TagsSource, parse_source};

    /// A site of one kind whose pages have the given tags and link to the given pages.
    fn site(pages: &[(&str, &[&str], &[&str])]) -> Site {
        let config = crate::config::parse(
            std::path::Path::new("."),
            "[site]\ntitle = \"T\"\n[[kinds]]\nid = \"k\"\ndir = \"k\"\nsingular = \"K\"\nplural = \"Ks\"\n",
        )
        .unwrap();
        let tags = ["commun", "moyen", "rare"]
            .map(|t| toml::from_str::<RawTag>(&format!("id = \"{t}\"\nlabel = \"{t}\"")).unwrap());
        let mut loaded = Loaded {
            tags: TagsSource {
                tags: tags.to_vec(),
                ..TagsSource::default()
            },
            ..Loaded::default()
        };
        for (slug, tags, links) in pages {
            let tags: Vec<String> = tags.iter().map(|t| format!("\"{t}\"")).collect();
            let body: String = links.iter().map(|l| format!("[x]({l}.md) ")).collect();
            let text = format!(
                "+++\ntitle = \"{slug}\"\ntags = [{}]\n+++\n{body}\n",
                tags.join(", ")
            );
            loaded.sources.push(
                parse_source(
                    format!("content/k/{slug}.md").into(),
                    format!("k/{slug}.md"),
                    text,
                )
                .unwrap(),
            );
        }
        let (site, diags) = crate::model::validate(config, loaded, false);
        assert!(diags.is_empty(), "{diags:?}");
        site
    }

    fn related_ids(site: &Site, graph: &Graph, slug: &str) -> Vec<String> {
        let i = site.page_index(&format!("k/{slug}")).unwrap();
        graph.related[i]
            .iter()
            .map(|&j| site.pages[j].slug.clone())
            .collect()
    }

    #[test]
    fn rarer_shared_tags_rank_higher_and_linked_pages_are_left_out() {
        let site = site(&[
            ("a", &["commun", "rare"], &[]),
            ("b", &["commun"], &[]),
            ("c", &["commun", "rare"], &[]),
            ("d", &["commun", "moyen"], &[]),
            ("e", &["moyen"], &["a"]),
            ("f", &["commun"], &[]),
        ]);
        let (graph, diags) = resolve(&site);
        assert!(diags.is_empty());
        // `c` shares the rare tag with `a`; the others only the common one.
        assert_eq!(related_ids(&site, &graph, "a")[0], "c");
        // `e` links to `a`, so `a` never lists `e`, and `e` never lists `a`.
        assert!(!related_ids(&site, &graph, "a").contains(&"e".to_string()));
        assert!(!related_ids(&site, &graph, "e").contains(&"a".to_string()));
        // `d` shares `moyen` with `e`, rarer than `commun`.
        assert_eq!(related_ids(&site, &graph, "d")[0], "e");
        assert_eq!(
            graph.backlinks[site.page_index("k/a").unwrap()],
            [site.page_index("k/e").unwrap()]
        );
    }
}
