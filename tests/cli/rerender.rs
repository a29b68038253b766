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
    // The page, and of the search index its script and the chunk of documents that holds
    // the page (the fixture's few terms are in the script): not the other chunks.
    let shards = std::fs::read_dir(site.path("served/search/shards")).unwrap();
    assert!(shards.count() > 1);
    assert_eq!(rebuilt.rendered, 3);
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

#[test]
fn an_order_edit_re_derives_the_reading_order_and_re_renders_its_neighbours() {
    let site = Fixture::copy("site");
    // Methods are sorted by `order`: the vote (1) came before active listening (2).
    let rebuilt = rebuild_after(
        &site,
        "content/methodes/vote.md",
        ("order = 1", "order = 3"),
    );
    // The list of methods and the home page (which lists them), the two methods
    // (swapped), and the last case, whose « suivant » is now active listening.
    assert_eq!(
        pages(&rebuilt),
        [
            "cas/troisieme/index.html",
            "index.html",
            "methodes/ecoute/index.html",
            "methodes/index.html",
            "methodes/vote/index.html",
        ]
    );
    let next = |page: &str| neighbour(&site.read(&format!("served/{page}/index.html")), "next");
    let previous =
        |page: &str| neighbour(&site.read(&format!("served/{page}/index.html")), "previous");
    assert_eq!(
        next("cas/troisieme").as_deref(),
        Some("L&apos;écoute active")
    );
    assert_eq!(
        previous("methodes/ecoute").as_deref(),
        Some("Troisième cas")
    );
    assert_eq!(next("methodes/ecoute").as_deref(), Some("Le vote"));
    assert_eq!(next("methodes/vote"), None);
    let list = site.read("served/methodes/index.html");
    assert!(list.find("methodes/ecoute/") < list.find("methodes/vote/"));
    assert_same_as_a_clean_build(&site);
}

#[test]
fn a_date_edit_re_derives_the_reading_order_and_re_renders_its_neighbours() {
    let site = Fixture::copy("site");
    // Cases are sorted newest first: second (2024-03), premier (2024-01), troisième
    // (2023-05); the third case becomes the newest.
    let rebuilt = rebuild_after(
        &site,
        "content/cas/troisieme.md",
        ("date = 2023-05-02", "date = 2025-05-02"),
    );
    let written = pages(&rebuilt);
    for file in [
        "cas/index.html",
        "cas/troisieme/index.html",
        "cas/second/index.html",
        "cas/premier/index.html",
        "methodes/vote/index.html",
    ] {
        assert!(written.contains(&file), "{file} not written: {written:?}");
    }
    let page = |p: &str| site.read(&format!("served/{p}/index.html"));
    assert_eq!(neighbour(&page("cas/troisieme"), "previous"), None);
    assert_eq!(
        neighbour(&page("cas/troisieme"), "next").as_deref(),
        Some("Second cas")
    );
    assert_eq!(
        neighbour(&page("cas/premier"), "next").as_deref(),
        Some("Le vote")
    );
    assert_eq!(
        neighbour(&page("methodes/vote"), "previous").as_deref(),
        Some("Premier cas")
    );
    assert_same_as_a_clean_build(&site);
}

/// The title of the « previous » or « next » link of a page, if it has one.
fn neighbour(html: &str, which: &str) -> Option<String> {
    let at = html.find(&format!("<a class=\"{which}\""))?;
    let title = &html[at..];
    let title = &title[title.find("<span class=\"title\">")? + 20..];
    Some(title[..title.find("</span>")?].to_string())
}

/// The incrementally rebuilt `served` is what `archipel build` writes from the same files.
fn assert_same_as_a_clean_build(site: &Fixture) {
    let clean = site.path("clean");
    build::build(site.root(), &clean, Options::default()).unwrap();
    for entry in walkdir::WalkDir::new(&clean) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(&clean).unwrap();
            assert!(
                std::fs::read(entry.path()).unwrap()
                    == std::fs::read(site.path("served").join(rel)).unwrap(),
                "served {} differs from a clean build's",
                rel.display()
            );
        }
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
