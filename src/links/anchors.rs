//! Anchors are links too (#11): a link to `page.md#x` or `#x` must name a heading of
//! that page. Each page's heading ids and links to headings are gathered with its other
//! links (they depend on its text alone, so an incremental rebuild keeps them); whether
//! each fragment exists is checked across the site on every build, since it depends on
//! the target's text. Explicit ids (`{#x}`) given twice in a page are errors too: the
//! second heading would silently get another id.

use crate::diag::{Diagnostic, LineIndex};
use crate::links::Graph;
use crate::markdown::Scan;
use crate::model::{Page, Site};
use crate::t;

/// A page's heading ids and its links to headings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Anchors {
    /// The ids of its headings, in order.
    pub ids: Vec<String>,
    /// Its links with a fragment to a page: the target page, the link as written, the
    /// fragment, and the link's byte offset in the file.
    pub links: Vec<FragmentLink>,
}

/// One link to a heading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FragmentLink {
    /// The target page.
    pub target: usize,
    /// The destination as written.
    pub dest: String,
    /// The heading id it names.
    pub fragment: String,
    /// Where the link starts in the file.
    pub offset: usize,
}

impl Anchors {
    /// The anchors of `page` from its body's `scan`, with its links to its own headings;
    /// reports explicit ids given twice into `diags`.
    pub(super) fn new(
        me: Option<usize>,
        page: &Page,
        scan: &Scan,
        index: &LineIndex,
        diags: &mut Vec<Diagnostic>,
    ) -> Anchors {
        let base = page.source.body_offset;
        for (id, range) in &scan.duplicates {
            diags.push(
                Diagnostic::error(
                    "duplicate-id",
                    &page.source.path,
                    t!("duplicate-id", id = id),
                )
                .at(index, base + range.start)
                .help(t!("duplicate-id.help")),
            );
        }
        let mut anchors = Anchors {
            ids: scan.ids.clone(),
            links: Vec::new(),
        };
        if let Some(me) = me {
            for link in &scan.fragments {
                anchors.link(
                    me,
                    link.dest.strip_prefix('#'),
                    &link.dest,
                    base + link.range.start,
                );
            }
        }
        anchors
    }

    /// Records a link to `target` at `offset`, if it names a heading.
    pub(super) fn link(
        &mut self,
        target: usize,
        fragment: Option<&str>,
        dest: &str,
        offset: usize,
    ) {
        if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
            self.links.push(FragmentLink {
                target,
                dest: dest.to_string(),
                fragment: fragment.to_string(),
                offset,
            });
        }
    }
}

/// Every link to a heading that the target page does not have, as an error with the
/// nearest heading id as a suggestion.
pub fn check_anchors(site: &Site, graph: &Graph) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (i, anchors) in graph.anchors.iter().enumerate() {
        let page = &site.pages[i];
        let text = std::cell::LazyCell::new(|| page.source.text.get());
        let index = std::cell::LazyCell::new(|| LineIndex::new(&text));
        for link in &anchors.links {
            let ids = &graph.anchors[link.target].ids;
            if ids.contains(&link.fragment) {
                continue;
            }
            let target = &site.pages[link.target].source.rel;
            let help = crate::diag::suggest(&link.fragment, ids.iter().map(String::as_str))
                .map(|id| t!("did-you-mean", name = format!("#{id}")))
                .unwrap_or_else(|| match ids.is_empty() {
                    true => t!("broken-anchor.no-headings.help", target = target),
                    false => t!(
                        "broken-anchor.help",
                        target = target,
                        ids = ids
                            .iter()
                            .map(|id| format!("#{id}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
            diags.push(
                Diagnostic::error(
                    "broken-anchor",
                    &page.source.path,
                    t!(
                        "broken-anchor",
                        dest = link.dest,
                        fragment = link.fragment,
                        target = target
                    ),
                )
                .at(&index, link.offset)
                .help(help),
            );
        }
    }
    diags
}
