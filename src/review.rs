//! Review: what a careful reviewer of a contribution would point out, though a build
//! could go on. Takes the validated site and its link graph, returns warnings: duplicate
//! titles, empty required fields, bodies left empty or still the skeleton of
//! `archipel new`, pages no other page or tag reaches, files of `content/` no page links
//! to (which are not published).

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::config::Kind;
use crate::diag::{Diagnostic, LineIndex};
use crate::links::Graph;
use crate::load::Data;
use crate::model::{Page, Role, Site};
use crate::slug::fold;
use crate::t;

/// The warnings of a site.
///
/// `serve` runs this on every rebuild (#4): each page is reviewed on its own, in
/// parallel (reading 10,000 pages' fields and texts one after the other was a fifth of
/// a rebuild after a one-line edit), and only the duplicate titles are found in page
/// order.
pub fn review(site: &Site, graph: &Graph) -> Vec<Diagnostic> {
    warnings(site, graph, &review_pages(site, graph, Vec::new()))
}

/// Each page's review: `kept`'s where it has one, else made now.
fn review_pages(site: &Site, graph: &Graph, mut kept: Vec<Option<Reviewed>>) -> Vec<Reviewed> {
    kept.resize_with(site.pages.len(), || None);
    kept.into_par_iter()
        .enumerate()
        .map(|(i, kept)| kept.unwrap_or_else(|| review_page(site, i, around(graph, i))))
        .collect()
}

/// One page's review: its folded title (`None`: not compared) and its own warnings.
type Reviewed = (Option<String>, Vec<Diagnostic>);

/// What reviewing a page reads beyond its own file and its kind's settings: the rest of
/// the site reaches [`review_page`] only through this, and its hash is part of the key
/// under which `serve` keeps the review, so that a field added here moves the key too.
#[derive(Clone, Copy, Hash, PartialEq, Eq, Debug)]
struct Around {
    /// Whether another page links to it.
    linked_to: bool,
}

fn around(graph: &Graph, i: usize) -> Around {
    Around {
        linked_to: !graph.backlinks[i].is_empty(),
    }
}

/// Each page's review, kept by `serve` from one rebuild to the next (#16), under the key
/// of what it read: the page's file (the hash of its text) and [`Around`]. Valid only for
/// the same pages in the same order (the same ids, files and roles) under the same
/// configuration, which the caller checks.
#[derive(Debug, Default)]
pub struct Reviews {
    /// Per page: the hash of its text and what its review read beyond it.
    inputs: Vec<(u64, Around)>,
    /// Per page: its review.
    pages: Vec<Reviewed>,
}

/// [`review`], reviewing again only the pages whose text (`content`, each page's hash)
/// or [`Around`] moved since `before`; returns the warnings and the reviews to keep.
pub fn review_kept(
    site: &Site,
    graph: &Graph,
    content: &[u64],
    before: Option<Reviews>,
) -> (Vec<Diagnostic>, Reviews) {
    let inputs: Vec<(u64, Around)> = content
        .iter()
        .enumerate()
        .map(|(i, &c)| (c, around(graph, i)))
        .collect();
    let kept = match before.filter(|b| b.inputs.len() == inputs.len()) {
        Some(b) => b
            .inputs
            .iter()
            .zip(b.pages)
            .zip(&inputs)
            .map(|((was, page), now)| (was == now).then_some(page))
            .collect(),
        None => Vec::new(),
    };
    let pages = review_pages(site, graph, kept);
    let diags = warnings(site, graph, &pages);
    (diags, Reviews { inputs, pages })
}

/// The site's warnings from each page's review: the pages' own, the duplicate titles
/// in page order, and the files no page publishes.
fn warnings(site: &Site, graph: &Graph, per_page: &[Reviewed]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut titles: FxHashMap<&str, usize> = FxHashMap::default();
    for (i, (folded, page_diags)) in per_page.iter().enumerate() {
        if let Some(folded) = folded {
            match titles.get(folded.as_str()) {
                Some(&first) => diags.push(duplicate_title(site, i, first)),
                None => {
                    titles.insert(folded, i);
                }
            }
        }
        diags.extend(page_diags.iter().cloned());
    }
    diags.extend(unpublished(site, graph));
    diags
}

/// Page `i`'s folded title (`None`: not a page of a kind, whose titles are not compared)
/// and its own warnings: empty required fields, an empty or unwritten body, a page
/// nothing reaches. Of the site it reads only the page and its kind's settings.
fn review_page(site: &Site, i: usize, around: Around) -> Reviewed {
    let page = &site.pages[i];
    let Role::Kind(k) = page.role else {
        return (None, Vec::new());
    };
    review_kind_page(page, &site.config.kinds[k], around)
}

fn review_kind_page(page: &Page, kind: &Kind, around: Around) -> Reviewed {
    let path = &page.source.path;
    // Read (unpacked, for a large site's texts) and indexed only for a page that gets a
    // warning or whose body could be the skeleton: unpacking every text was most of the
    // cost of reviewing 100,000 pages, and scanning every text for line starts most of
    // the cost of a review before that.
    let text = std::cell::LazyCell::new(|| page.source.text.get());
    let index = std::cell::LazyCell::new(|| LineIndex::new(&text));
    let mut diags = Vec::new();
    for entry in &page.source.front {
        let empty = match &entry.value.data {
            Data::String(s) => s.trim().is_empty(),
            Data::Array(items) => items.is_empty(),
            _ => false,
        };
        if empty && kind.required.contains(&entry.key) {
            diags.push(
                Diagnostic::warning("empty-field", path, t!("empty-field", name = entry.key))
                    .at(&index, entry.value.span.start)
                    .help(t!("empty-field.help")),
            );
        }
    }

    let body = page.source.body_trimmed.clone();
    let skeleton = kind.skeleton.trim();
    if body.is_empty() {
        diags.push(
            Diagnostic::warning("empty-body", path, t!("empty-body"))
                .at(&index, closing_fence(&text[..page.source.body_offset]))
                .help(t!("empty-body.help")),
        );
    } else if !skeleton.is_empty()
        && body.len() == skeleton.len()
        && text[body.clone()] == *skeleton
    {
        diags.push(
            Diagnostic::warning("unwritten-body", path, t!("unwritten-body"))
                .at(&index, body.start)
                .help(t!("unwritten-body.help")),
        );
    }

    if page.tags.is_empty() && !around.linked_to {
        diags.push(
            Diagnostic::warning("unreachable", path, t!("unreachable"))
                .at(&index, 0)
                .help(t!("unreachable.help")),
        );
    }
    (Some(fold(&page.title)), diags)
}

/// Page `i`'s title is also page `first`'s.
fn duplicate_title(site: &Site, i: usize, first: usize) -> Diagnostic {
    let page = &site.pages[i];
    let text = page.source.text.get();
    let index = LineIndex::new(&text);
    Diagnostic::warning(
        "duplicate-title",
        &page.source.path,
        t!(
            "duplicate-title",
            title = page.title,
            other = site.pages[first].id
        ),
    )
    .at(&index, key_offset(site, i, "title"))
    .help(t!("duplicate-title.help"))
}

/// Files of `content/` that no page links to: a build leaves them out.
fn unpublished(site: &Site, graph: &Graph) -> Vec<Diagnostic> {
    let published = crate::render::outputs::published_assets(graph);
    site.assets
        .iter()
        .filter(|file| published.binary_search(&file.as_str()).is_err())
        .map(|file| {
            Diagnostic::warning(
                "unpublished-file",
                std::path::Path::new(crate::load::CONTENT_DIR).join(file),
                t!("unpublished-file", file = file),
            )
            .help(t!("unpublished-file.help"))
        })
        .collect()
}

/// The offset of the last line of `head` (the front matter's closing `+++`).
fn closing_fence(head: &str) -> usize {
    head.trim_end_matches(['\n', '\r'])
        .rfind('\n')
        .map_or(0, |i| i + 1)
}

/// Where the key `name` is in page `i`'s front matter (its start when absent).
fn key_offset(site: &Site, i: usize, name: &str) -> usize {
    let page = &site.pages[i];
    page.source
        .front
        .iter()
        .find(|e| e.key == name)
        .map_or(0, |e| e.key_span.start)
}
