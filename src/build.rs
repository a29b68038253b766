//! The pipeline as functions: [`check`] runs config → load → model → links and reports
//! every problem; [`render_into`] adds the theme and rendering into any [`Sink`];
//! [`build`] renders into a staging directory and swaps it in. Nothing here prints,
//! watches or serves.

mod incremental;

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Error};
use crate::links::{self, Graph};
use crate::model::{self, Site};
use crate::output::archive::Archive;
use crate::output::{Sink, Staging};
use crate::render::{self, Summary, Theme, outputs};
use crate::{config, load, review};

pub use incremental::{Cache, Rebuilt, rebuild};

/// A site that passed every check, with its link graph and the warnings found.
#[derive(Debug)]
pub struct Checked {
    /// The validated site.
    pub site: Site,
    /// Its resolved links.
    pub graph: Graph,
    /// Problems that do not block a build.
    pub warnings: Vec<Diagnostic>,
}

/// What a build produced.
#[derive(Debug)]
pub struct Built {
    /// Counts of what was rendered.
    pub summary: Summary,
    /// Problems that did not block the build.
    pub warnings: Vec<Diagnostic>,
}

/// Loads, validates and links the site at `root`, reporting every problem at once.
/// Drafts are part of the site only when `drafts` is true.
pub fn check(root: &Path, drafts: bool) -> Result<Checked, Error> {
    let (site, graph, diags) = diagnose(root, drafts)?;
    let warnings = content_holds(diags)?;
    Ok(Checked {
        site,
        graph,
        warnings,
    })
}

/// The site at `root` loaded, validated and linked, with every problem found.
fn diagnose(root: &Path, drafts: bool) -> Result<(Site, Graph, Vec<Diagnostic>), Error> {
    let config = config::load(root)?;
    let loaded = load::load(root)?;
    let (site, mut diags) = model::validate(config, loaded, drafts);
    let (graph, link_diags) = links::resolve(&site);
    diags.extend(link_diags);
    diags.extend(links::check_anchors(&site, &graph));
    diags.extend(review::review(&site, &graph));
    Ok((site, graph, diags))
}

/// Checks the site and loads its theme, so that templates are validated too, and
/// that no two sources write one output file ([`outputs`]), reporting what stops the
/// build in the order `stop_in_order` decides (the content, then the theme).
pub fn check_with_theme(root: &Path, drafts: bool) -> Result<(Checked, Theme), Error> {
    let (site, graph, diags) = diagnose(root, drafts)?;
    let (theme, warnings, _) =
        stop_in_order(&site, &graph, diags, || render::theme(&site.config), None)?;
    let checked = Checked {
        site,
        graph,
        warnings,
    };
    Ok((checked, theme))
}

/// What stops a build once its content is linked, in the order it is reported: the one
/// place that decides it, for a clean build ([`check_with_theme`]) and for `serve`'s
/// incremental rebuilds ([`rebuild`]) alike, so that both report the same problems
/// whatever is broken at once. First the content's errors (`diags`, with its warnings);
/// then, only for content that holds, the theme's (`theme` loads it); then two sources
/// writing one output file, with the content's warnings (the online build's outputs,
/// which include the offline one's, so that the answer does not depend on build
/// options), unless `clear` is the key ([`outputs::Planned::key`]) of a table listed
/// without collision before. Returns the theme, the warnings, sorted, and the key of the
/// table found clear.
pub(crate) fn stop_in_order(
    site: &Site,
    graph: &Graph,
    diags: Vec<Diagnostic>,
    theme: impl FnOnce() -> Result<Theme, Error>,
    clear: Option<u64>,
) -> Result<(Theme, Vec<Diagnostic>, u64), Error> {
    let mut warnings = content_holds(diags)?;
    let theme = theme()?;
    let planned = outputs::Planned::new(site, graph, &theme, render::Options::default());
    let key = planned.key();
    if clear != Some(key) {
        let collisions = outputs::plan(&planned).into_diags();
        if !collisions.is_empty() {
            warnings.extend(collisions);
            sort(&mut warnings);
            return Err(Error::Content(warnings));
        }
    }
    drop(planned);
    Ok((theme, warnings, key))
}

/// The content's problems sorted: an error when one of them is an error, else the
/// warnings.
fn content_holds(mut diags: Vec<Diagnostic>) -> Result<Vec<Diagnostic>, Error> {
    sort(&mut diags);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(Error::Content(diags));
    }
    Ok(diags)
}

/// Everything [`check_with_theme`] does, then every output rendered and thrown away:
/// some template errors only show when a template meets the site's data (a variable a
/// page lacks, a macro whose recursion never stops, [`render::theme`]). `check` writes
/// nothing, yet finds every error a build would.
pub fn check_rendered(root: &Path, drafts: bool) -> Result<Checked, Error> {
    let (mut checked, theme) = check_with_theme(root, drafts)?;
    checked.site.drop_front_matter();
    let options = render::Options {
        drafts,
        ..render::Options::default()
    };
    render::render(&checked.site, &checked.graph, &theme, options, &Discard)?;
    Ok(checked)
}

/// A sink that keeps nothing, for [`check_rendered`].
struct Discard;

impl Sink for Discard {
    fn put(&self, _: &str, _: &[u8]) -> Result<(), Error> {
        Ok(())
    }

    fn copy(&self, _: &str, _: &Path) -> Result<(), Error> {
        Ok(())
    }
}

/// Diagnostics in the order they are shown: by file, position, then errors first.
pub(crate) fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| (&a.path, a.pos, a.severity).cmp(&(&b.path, b.pos, b.severity)));
}

/// Builds the site at `root` into `sink`.
pub fn render_into(root: &Path, options: render::Options, sink: &dyn Sink) -> Result<Built, Error> {
    let (mut checked, theme) = check_with_theme(root, options.drafts)?;
    checked.site.drop_front_matter();
    let (mut summary, outs) = render::render(&checked.site, &checked.graph, &theme, options, sink)?;
    summary.files += copy_files(&checked.site, &checked.graph, &theme, sink)?;
    let mut warnings = checked.warnings;
    if !options.offline && !checked.site.config.site.feeds() {
        warnings.push(
            Diagnostic::warning("no-base-url", config::FILE_NAME, crate::t!("no-base-url"))
                .help(crate::t!("no-base-url.help")),
        );
    }
    drop_aside((checked.site, checked.graph, theme, outs));
    Ok(Built { summary, warnings })
}

/// Drops `value` on a thread of its own, so that the caller goes on meanwhile: freeing a
/// site, its graph and what rendering its pages left took 0.7 s at 100,000 pages,
/// millions of allocations one after the other at the end of a build, while the output
/// waits to be swapped in and the command to end; in `serve`, what a rebuild replaced is
/// freed before the browser reloads.
fn drop_aside<T: Send + 'static>(value: T) {
    // Where no thread can be made, the closure, and `value` with it, is dropped here.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// Copies the files a build publishes as they are (see [`outputs::copies`]) into `sink`,
/// streamed: an image of a gigabyte is never in memory. Returns how many.
pub(crate) fn copy_files(
    site: &Site,
    graph: &Graph,
    theme: &Theme,
    sink: &dyn Sink,
) -> Result<usize, Error> {
    let copies = outputs::copies(site, graph, theme);
    for (file, path) in &copies {
        sink.copy(file, path)?;
    }
    Ok(copies.len())
}

/// The default output directory of the site at `root`.
pub fn default_out(root: &Path) -> PathBuf {
    root.join("public")
}

/// Builds the site at `root` into `out`, replacing the previous output only when the
/// whole build succeeded.
pub fn build(root: &Path, out: &Path, options: render::Options) -> Result<Built, Error> {
    let staging = Staging::recycling(root, out)?;
    let built = render_into(root, options, &staging)?;
    staging.commit()?;
    Ok(built)
}

/// Builds the site at `root` into the zip archive `zip` (see [`Archive`]), replacing a
/// previous archive only when the whole build succeeded.
pub fn build_zip(root: &Path, zip: &Path, options: render::Options) -> Result<Built, Error> {
    let archive = Archive::create(root, zip)?;
    let built = render_into(root, options, &archive)?;
    archive.commit()?;
    Ok(built)
}
