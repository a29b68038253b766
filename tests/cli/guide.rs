//! The guide shipped in `content/` builds, and keeps the shape issue #3 asks for.

use std::collections::{HashMap, HashSet};

use crate::support::{Fixture, hrefs, section};

#[test]
fn the_guide_checks_clean() {
    let guide = Fixture::guide();
    let run = guide.run(&["check", "--deny-warnings"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn the_guide_has_its_pages_and_cross_links() {
    let guide = Fixture::guide();
    guide.run(&["build"]).expect(0);
    let count = |dir: &str| {
        std::fs::read_dir(guide.path("public").join(dir))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().is_dir())
            .count()
    };
    assert!(count("fiches-pratiques") >= 9);
    assert!(count("fiches-outils") >= 10);
    assert!(count("temoignages") >= 22);

    let mut linked_from: HashMap<String, HashSet<String>> = HashMap::new();
    for kind in ["fiches-pratiques", "fiches-outils", "temoignages"] {
        for entry in std::fs::read_dir(guide.path("public").join(kind)).unwrap() {
            let dir = entry.unwrap().path();
            if !dir.is_dir() {
                continue;
            }
            let id = format!("{kind}/{}", dir.file_name().unwrap().to_string_lossy());
            let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
            assert!(html.contains("class=\"tags\""), "{id} has no tags");
            assert!(
                html.contains("class=\"backlinks\""),
                "{id} has no backlinks"
            );
            assert!(
                html.contains("class=\"related\""),
                "{id} has no related pages"
            );
            // Links of the page's body and reference lists, as page ids.
            let body = section(&html, "content", "article");
            for link in hrefs(body) {
                if let Some(target) = link
                    .strip_prefix("../../")
                    .and_then(|l| l.split('#').next())
                {
                    linked_from
                        .entry(target.trim_end_matches('/').to_string())
                        .or_default()
                        .insert(id.clone());
                }
            }
        }
    }
    let from_kind = |id: &str, kind: &str| {
        linked_from
            .get(id)
            .is_some_and(|s| s.iter().any(|f| f.starts_with(kind)))
    };
    for id in ids(&guide, "fiches-pratiques") {
        assert!(
            from_kind(&id, "temoignages/"),
            "{id} is linked from no testimony"
        );
    }
    for id in ids(&guide, "fiches-outils") {
        assert!(
            from_kind(&id, "fiches-pratiques/") || from_kind(&id, "temoignages/"),
            "{id} is reachable from no practice sheet or testimony"
        );
    }
}

#[test]
fn every_guide_page_names_its_source_and_tags_are_used_twice() {
    let guide = Fixture::guide();
    let tags_file = guide.read("content/tags.toml");
    let tags: Vec<&str> = tags_file
        .lines()
        .filter_map(|l| l.strip_prefix("id = \"").and_then(|l| l.strip_suffix('"')))
        .collect();
    assert!((20..=35).contains(&tags.len()), "{} tags", tags.len());
    let mut uses: HashMap<&str, usize> = HashMap::new();
    for kind in ["fiches-pratiques", "fiches-outils", "temoignages"] {
        for entry in std::fs::read_dir(guide.path("content").join(kind)).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let front = text.split("+++").nth(1).unwrap();
            assert!(
                front.contains("\nsource = \""),
                "{} names no source",
                path.display()
            );
            let tag_line = front.lines().find(|l| l.starts_with("tags = ")).unwrap();
            let n = tags
                .iter()
                .filter(|t| tag_line.contains(&format!("\"{t}\"")))
                .inspect(|t| *uses.entry(t).or_default() += 1)
                .count();
            assert!((2..=6).contains(&n), "{}: {n} tags", path.display());
        }
    }
    for t in tags {
        assert!(
            uses.get(t).copied().unwrap_or(0) >= 2,
            "tag {t} is used by fewer than 2 pages"
        );
    }
}

/// The page ids of a kind directory of the guide's content.
fn ids(guide: &Fixture, kind: &str) -> Vec<String> {
    std::fs::read_dir(guide.path("content").join(kind))
        .unwrap()
        .map(|e| {
            format!(
                "{kind}/{}",
                e.unwrap().path().file_stem().unwrap().to_string_lossy()
            )
        })
        .collect()
}

/// The printable guide holds every sheet in reading order, and links between pages
/// become anchors inside it.
#[test]
fn the_printable_guide_is_in_reading_order_with_inner_anchors() {
    let guide = Fixture::guide();
    guide.run(&["build"]).expect(0);
    let print = guide.read("public/print/index.html");
    let at = |id: &str| {
        print
            .find(&format!("id=\"{}\"", id.replace('/', "--")))
            .unwrap_or_else(|| panic!("{id} is not in the printable guide"))
    };
    let mut previous = 0;
    for kind in ["fiches-pratiques", "fiches-outils", "temoignages"] {
        let mut ids = ids(&guide, kind);
        ids.sort();
        let first = ids.iter().map(|id| at(id)).min().unwrap();
        assert!(first > previous, "{kind} is out of reading order");
        previous = ids.iter().map(|id| at(id)).max().unwrap();
    }
    // A link of a practice sheet's body to a testimony points inside the page.
    assert!(print.contains("href=\"#temoignages--fiche-7-peut-on-cooperer-avec-tout-le-monde\""));
    assert!(!print.contains("href=\"../../"));
}
