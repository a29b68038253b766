//! Minimal rebuilds (#15): each output's key is a hash of the context its template gets,
//! so an edit renders again only the outputs whose context changed, and the rebuild
//! writes only the files whose bytes changed. The counts come from the rebuild's own
//! report (`Rebuilt::rendered`, `Rebuilt::written`).

use std::path::Path;

use archipel::build::{self, Cache, Rebuilt};
use archipel::render::Options;

use crate::support::Fixture;

/// Builds `site` into `served`, applies `edit` to the file `page`, and rebuilds.
fn rebuild_after(site: &Fixture, page: &str, edit: (&str, &str)) -> Rebuilt {
    let out = site.path("served");
    let mut cache = Cache::new();
    build::rebuild(site.root(), &out, Options::default(), &mut cache).unwrap();
    let text = site.read(page);
    assert!(text.contains(edit.0), "{page} has no `{}`", edit.0);
    site.write(page, &text.replace(edit.0, edit.1));
    cache.invalidate(Path::new(page));
    build::rebuild(site.root(), &out, Options::default(), &mut cache).unwrap()
}

#[test]
fn a_body_edit_re_renders_only_that_page_and_the_search_index() {
    let site = Fixture::copy("site");
    let rebuilt = rebuild_after(
        &site,
        "content/cas/troisieme.md",
        ("Rien à signaler.", "Rien à signaler, sauf ceci."),
    );
    // No page shows another's body; the search index holds every body.
    assert_eq!(pages(&rebuilt), ["cas/troisieme/index.html"]);
    assert!(rebuilt.written.contains(&"search-index.js".to_string()));
    // The page, and the search index: its script and each of its shards.
    let shards = std::fs::read_dir(site.path("served/search/shards")).unwrap();
    assert_eq!(rebuilt.rendered, 2 + shards.count());
    assert!(
        site.read("served/cas/troisieme/index.html")
            .contains("Rien à signaler, sauf ceci.")
    );
}

#[test]
fn a_new_body_link_re_renders_only_that_page_and_the_page_it_cites() {
    let site = Fixture::copy("site");
    let rebuilt = rebuild_after(
        &site,
        "content/cas/troisieme.md",
        (
            "Rien à signaler.",
            "Voir [l'écoute](../methodes/ecoute.md).",
        ),
    );
    // Active listening now lists the third case under « Cité dans ».
    assert_eq!(
        pages(&rebuilt),
        ["cas/troisieme/index.html", "methodes/ecoute/index.html"]
    );
    assert!(
        site.read("served/methodes/ecoute/index.html")
            .contains("Troisième cas")
    );
}

#[test]
fn a_title_edit_re_renders_only_the_pages_that_show_the_title() {
    let site = Fixture::copy("site");
    let rebuilt = rebuild_after(
        &site,
        "content/methodes/vote.md",
        ("title = \"Le vote\"", "title = \"Le vote à main levée\""),
    );
    let written: Vec<&str> = rebuilt.written.iter().map(String::as_str).collect();
    // The page itself, the list of methods and the home page that list it, the page of
    // its tag `vote`, the two cases that name it in `methods` or share its tag, the
    // method after it in reading order (`ecoute`'s « précédent »), the search index and
    // the feed (the sitemap shows no titles).
    for file in [
        "methodes/vote/index.html",
        "methodes/index.html",
        "index.html",
        "tags/vote/index.html",
        "cas/second/index.html",
        "cas/troisieme/index.html",
        "methodes/ecoute/index.html",
        "search-index.js",
        "atom.xml",
    ] {
        assert!(written.contains(&file), "{file} not written: {written:?}");
    }
    // Nothing that does not show the title: the other lists, tags and pages.
    for file in [
        "cas/index.html",
        "tags/index.html",
        "tags/rare/index.html",
        "apropos/index.html",
        "search/index.html",
        "404.html",
        "sitemap.xml",
    ] {
        assert!(!written.contains(&file), "{file} written: {written:?}");
    }
}

/// The files a rebuild wrote, but the search index's.
fn pages(rebuilt: &Rebuilt) -> Vec<&str> {
    rebuilt
        .written
        .iter()
        .map(String::as_str)
        .filter(|f| *f != "search-index.js" && !f.starts_with("search/shards/"))
        .collect()
}
