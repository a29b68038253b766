//! One page's links resolved against the site ([`resolve_page`]): its front-matter
//! references (by page id or unique bare slug, of the kind the field asks for) and the
//! relative links of its body (to pages, with their `#fragment`s, and to files of
//! `content/`). Each miss is a positioned diagnostic with the nearest id as a suggestion.
//! It also reports links with a scheme archipel does not publish and the raw HTML the
//! site's policy removes (#13).

use std::collections::HashMap;
use std::path::Path;

use super::{Anchors, PageLinks, Targets};
use crate::config::did_you_mean;
use crate::diag::{Diagnostic, LineIndex, Text};
use crate::markdown::{self, BodyLink, RawHtml, relative_target};
use crate::model::{Page, RefField, Role, Site, id_of};
use crate::t;

/// Resolves one page's references and body links against the rest of the site, which
/// it reads only through `site` (see [`Targets`]): the result depends on the page and
/// on the outline of the site, which is what lets an incremental rebuild (#4) keep it
/// for unchanged pages.
pub fn resolve_page(site: &Targets<'_>, page: &Page) -> PageLinks {
    let text = page.source.text.get();
    let mut r = Resolver {
        site,
        page,
        index: LineIndex::new(&text),
        diags: Vec::new(),
    };
    let refs = page.refs.iter().map(|field| r.refs(field)).collect();
    // Rendered now, from the same parse, unless the texts are packed to bound memory:
    // the rendered body waits for the page's render, which splices its links in.
    let markdown = &text[page.source.body_offset..];
    let (scan, prepared) = match page.source.text.is_packed() {
        true => (markdown::scan(markdown), None),
        false => markdown::scan_rendered(markdown, site.config().markdown.raw_html),
    };
    let me = site.page_index(&page.id);
    let mut anchors = Anchors::new(me, page, &scan, &r.index, &mut r.diags);
    let mut body = HashMap::new();
    let mut assets = HashMap::new();
    for link in scan.links {
        r.body_link(link, &mut anchors, &mut body, &mut assets);
    }
    raw_html(
        page,
        markdown,
        site.config().markdown.raw_html,
        &r.index,
        &mut r.diags,
    );
    PageLinks {
        refs,
        body,
        assets,
        anchors,
        prepared,
        diags: r.diags,
    }
}

/// One page being resolved: the site it links into, its line index and its problems.
struct Resolver<'a> {
    site: &'a Targets<'a>,
    page: &'a Page,
    index: LineIndex<'a>,
    diags: Vec<Diagnostic>,
}

impl Resolver<'_> {
    /// The file's path, for diagnostics.
    fn path(&self) -> &Path {
        &self.page.source.path
    }

    /// An error at the byte `offset` of the file.
    fn error(&self, code: &'static str, offset: usize, message: Text) -> Diagnostic {
        Diagnostic::error(code, self.path(), message).at(&self.index, offset)
    }

    /// The targets of the reference field `field`, each once, in the order written.
    fn refs(&mut self, field: &RefField) -> Vec<usize> {
        let mut targets = Vec::with_capacity(field.items.len());
        for (id, span) in &field.items {
            if let Some(target) = self.reference(field, id, span.start)
                && !targets.contains(&target)
            {
                targets.push(target);
            }
        }
        targets
    }

    /// The page that the id `id`, written at `offset` in `field`, names: `None` (reported)
    /// when it names none, several, one of the wrong kind, or the page itself.
    fn reference(&mut self, field: &RefField, id: &str, offset: usize) -> Option<usize> {
        let site = self.site;
        let target = match site.page_index(id) {
            Some(i) => i,
            None => match site.pages_with_slug(id) {
                [i] => *i,
                [] => {
                    self.unknown_reference(field, id, offset);
                    return None;
                }
                many => {
                    let ids: Vec<&str> = many.iter().map(|&i| site.id(i)).collect();
                    let d = self
                        .error("ambiguous-ref", offset, t!("ambiguous-ref", id = id))
                        .help(t!("ambiguous-ref.help", ids = ids.join(", ")));
                    self.diags.push(d);
                    return None;
                }
            },
        };
        if let Some(k) = field.target
            && site.role(target) != Role::Kind(k)
        {
            let expected = &site.config().kinds[k];
            let found = site.role(target).kind(site.config());
            let found = found.map_or("-", |k| k.singular.as_str());
            let message = t!(
                "wrong-kind-ref",
                name = field.name,
                kind = expected.id,
                id = id,
                found = found
            );
            let d = self
                .error("wrong-kind-ref", offset, message)
                .help(t!("wrong-kind-ref.help", dir = expected.dir));
            self.diags.push(d);
            return None;
        }
        if Some(target) == site.page_index(&self.page.id) {
            let d = Diagnostic::warning("self-ref", self.path(), t!("self-ref", name = field.name))
                .at(&self.index, offset);
            self.diags.push(d);
            return None;
        }
        Some(target)
    }

    /// Reports a reference to no page: a warning for a draft left out of the build,
    /// nothing for a page with errors of its own, else an error with the nearest id of
    /// the kind the field asks for.
    fn unknown_reference(&mut self, field: &RefField, id: &str, offset: usize) {
        let site = self.site;
        if site.is_draft(id) {
            let d = draft_link(self.path(), id).at(&self.index, offset);
            self.diags.push(d);
        } else if !site.is_invalid(id) {
            // A page with errors has them reported already: one typo, one error.
            let candidates = site
                .pages()
                .filter(|(_, role)| field.target.is_none_or(|k| *role == Role::Kind(k)))
                .map(|(id, _)| id);
            let d = self
                .error(
                    "unknown-ref",
                    offset,
                    t!("unknown-ref", name = field.name, id = id),
                )
                .maybe_help(did_you_mean(id, candidates));
            self.diags.push(d);
        }
    }

    /// Resolves one link of the body into `body` (a page) or `assets` (a file of
    /// `content/`), or reports it.
    fn body_link(
        &mut self,
        link: BodyLink,
        anchors: &mut Anchors,
        body: &mut HashMap<String, usize>,
        assets: &mut HashMap<String, String>,
    ) {
        let offset = self.page.source.body_offset + link.range.start;
        if let Some(scheme) = markdown::scheme(&link.dest) {
            let d = scheme_link(self.path(), scheme, &link.dest).at(&self.index, offset);
            self.diags.push(d);
            return;
        }
        let Some((target_path, fragment)) = relative_target(&link.dest) else {
            return;
        };
        let joined = join(&self.page.source.rel, target_path);
        if !link.image && target_path.ends_with(".md") {
            let id = joined.as_deref().map_or("", id_of);
            match joined.as_deref().and_then(|_| self.site.page_index(id)) {
                Some(target) => {
                    anchors.link(target, fragment, &link.dest, offset);
                    body.insert(link.dest, target);
                }
                None => self.broken_page_link(joined.is_some(), id, &link.dest, offset),
            }
        } else {
            match joined.filter(|p| self.site.has_asset(p)) {
                Some(file) => {
                    assets.insert(link.dest, file);
                }
                None => self.missing_file(&link, target_path.starts_with('/'), offset),
            }
        }
    }

    /// Reports a link to the page `id` that the site does not have (`inside`: whether
    /// the link stays inside `content/`): a warning for a draft, nothing for a page with
    /// errors, else an error with the nearest page as a relative path.
    fn broken_page_link(&mut self, inside: bool, id: &str, dest: &str, offset: usize) {
        let site = self.site;
        // A link's path names a page by its id, never by a bare slug as a reference may.
        if inside && site.is_draft_id(id) {
            let d = draft_link(self.path(), id).at(&self.index, offset);
            self.diags.push(d);
            return;
        }
        if inside && site.is_invalid_id(id) {
            return;
        }
        let help = crate::diag::suggest(id, site.pages().map(|(id, _)| id))
            .and_then(|id| site.page_index(id))
            .map(|t| {
                let target = site.rel(t);
                t!(
                    "did-you-mean",
                    name = relative_md(&self.page.source.rel, target)
                )
            });
        let d = self
            .error("broken-link", offset, t!("broken-link", dest = dest))
            .help(help.unwrap_or_else(|| t!("broken-link.help")));
        self.diags.push(d);
    }

    /// Reports a link or image to a file that `content/` does not have (`absolute`:
    /// written from the site's root, with a leading `/`).
    fn missing_file(&mut self, link: &BodyLink, absolute: bool, offset: usize) {
        let key = if link.image {
            "missing-file.image"
        } else {
            "missing-file"
        };
        let help = if absolute {
            t!("missing-file.absolute.help")
        } else {
            t!("missing-file.help")
        };
        let d = self
            .error("missing-file", offset, t!(key, dest = link.dest))
            .help(help);
        self.diags.push(d);
    }
}

/// A warning for each piece of raw HTML in the page's body that the site's policy
/// removes or escapes (#13), so that a reviewer sees it as an annotation.
/// `body` is the page's body, as the caller already holds it.
fn raw_html(
    page: &Page,
    body: &str,
    policy: RawHtml,
    index: &LineIndex<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    // Most pages hold no HTML at all: spare them a second parse.
    if policy == RawHtml::Allow || !markdown::may_hold_html(body) {
        return;
    }
    for change in markdown::raw_html_changes(body, policy) {
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
fn draft_link(path: &Path, id: &str) -> Diagnostic {
    Diagnostic::warning("draft-link", path, t!("draft-link", id = id)).help(t!("draft-link.help"))
}

/// Whether the relative link `dest`, in the file `from` (relative to `content/`), leads
/// to a draft that `site` leaves out: such links are rendered as plain text. Asked of
/// every link a page renders, so a site without such drafts is spared the path join.
pub fn leads_to_draft(site: &Site, from: &str, dest: &str) -> bool {
    !site.unpublished().drafts.is_empty()
        && relative_target(dest)
            .and_then(|(target, _)| join(from, target))
            .is_some_and(|p| p.ends_with(".md") && site.leaves_out_draft(id_of(&p)))
}

/// A link with a scheme that archipel does not publish as it is (see
/// [`markdown::known_scheme`]): code that would run in a reader's browser, or a reader's
/// own files, is an error; anything else is a warning.
fn scheme_link(path: &Path, scheme: &str, dest: &str) -> Diagnostic {
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
    // Without a `%` there is nothing to decode (and no copy to make).
    let decoded = target
        .contains('%')
        .then(|| crate::render::url::percent_decode(target))
        .flatten();
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

    /// A site of one kind `k` whose pages have the given `see_also` references.
    fn site(pages: &[(&str, &[&str])]) -> Site {
        let pages: Vec<(&str, String)> = pages
            .iter()
            .map(|(slug, refs)| {
                let refs: Vec<String> = refs.iter().map(|r| format!("\"{r}\"")).collect();
                let front = format!("title = \"{slug}\"\nsee_also = [{}]", refs.join(", "));
                (*slug, front)
            })
            .collect();
        let (site, diags) = crate::links::test_site(&pages, &[]);
        assert!(diags.is_empty(), "{diags:?}");
        site
    }

    #[test]
    fn each_reference_counts_once_and_misses_are_left_out() {
        let site = site(&[
            ("a", &[]),
            ("b", &[]),
            ("c", &["k/a", "b", "k/a", "c", "nulle-part", "b"]),
        ]);
        let c = &site.pages[site.page_index("k/c").unwrap()];
        let links = resolve_page(&Targets::of(&site), c);
        let ids: Vec<&str> = links.refs[0]
            .iter()
            .map(|&i| site.pages[i].id.as_str())
            .collect();
        assert_eq!(ids, ["k/a", "k/b"]);
        let codes: Vec<&str> = links.diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["self-ref", "unknown-ref"]);
    }
}
