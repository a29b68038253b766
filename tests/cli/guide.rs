//! The guide shipped in `content/` builds, and keeps the shape issues #3 and #10 ask for:
//! practice sheets lead to the testimonies and tools that serve them, a glossary and credits
//! exist and are linked, tags are few and each serves several pages.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::support::{Fixture, hrefs, section};

const KINDS: [&str; 3] = ["fiches-pratiques", "fiches-outils", "temoignages"];

/// One page of the guide's content, as written: its id, front matter and Markdown body.
struct Page {
    id: String,
    front: toml::Table,
    body: String,
}

impl Page {
    /// The ids listed by a `refs` field of the front matter (empty when absent).
    fn refs(&self, field: &str) -> Vec<String> {
        self.front
            .get(field)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The page ids the Markdown body links to (`../kind/name.md`, `name.md`).
    fn body_links(&self) -> HashSet<String> {
        let kind = self.id.split('/').next().unwrap();
        let mut links = HashSet::new();
        for part in self.body.split("](").skip(1) {
            let target = part.split([')', '#']).next().unwrap();
            let Some(target) = target.strip_suffix(".md") else {
                continue;
            };
            let id = match target.strip_prefix("../") {
                Some(other) => other.to_string(),
                None => format!("{kind}/{target}"),
            };
            links.insert(id);
        }
        links
    }

    /// The page's `source` field, one string or a list, as text.
    fn source(&self) -> String {
        match self.front.get("source") {
            Some(toml::Value::String(s)) => s.clone(),
            Some(toml::Value::Array(a)) => a
                .iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join(" ; "),
            _ => String::new(),
        }
    }
}

/// The pages of a kind directory of the guide's content.
fn pages(guide: &Fixture, kind: &str) -> Vec<Page> {
    let mut pages: Vec<Page> = std::fs::read_dir(guide.path("content").join(kind))
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let mut parts = text.splitn(3, "+++\n");
            parts.next();
            let front = toml::from_str(parts.next().unwrap()).unwrap();
            Page {
                id: format!("{kind}/{}", path.file_stem().unwrap().to_string_lossy()),
                front,
                body: parts.next().unwrap().to_string(),
            }
        })
        .collect();
    pages.sort_by(|a, b| a.id.cmp(&b.id));
    pages
}

/// The page ids of a kind directory of the guide's content.
fn ids(guide: &Fixture, kind: &str) -> Vec<String> {
    pages(guide, kind).into_iter().map(|p| p.id).collect()
}

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
    assert!(count("fiches-outils") >= 11);
    assert!(count("temoignages") >= 24);

    let mut linked_from: HashMap<String, HashSet<String>> = HashMap::new();
    for kind in KINDS {
        for id in ids(&guide, kind) {
            let html = guide.read(&format!("public/{id}/index.html"));
            assert!(html.contains("class=\"tags\""), "{id} has no tags");
            // Pages that link here show under a relation (#11): forward when the page
            // names them too.
            assert!(
                html.contains("class=\"relation relation-"),
                "{id} has no related pages by relation"
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
    for id in ids(&guide, "fiches-pratiques") {
        let from = linked_from.get(&id).cloned().unwrap_or_default();
        assert!(
            from.iter().any(|f| f.starts_with("temoignages/")),
            "{id} is linked from no testimony"
        );
    }
}

/// Practice sheets are the entry points: each one's own text leads to every testimony
/// that declares it and to every tool sheet of its `tools` field, every tool sheet is
/// led to by some practice sheet, and the body does not repeat the headings of the lists
/// the theme generates.
#[test]
fn practice_sheets_lead_to_their_testimonies_and_tools() {
    let guide = Fixture::guide();
    guide.run(&["build"]).expect(0);
    let practices = pages(&guide, "fiches-pratiques");
    let mut declared: HashMap<String, Vec<String>> = HashMap::new();
    for testimony in pages(&guide, "temoignages") {
        for practice in testimony.refs("practices") {
            declared
                .entry(practice)
                .or_default()
                .push(testimony.id.clone());
        }
    }
    let mut tools_reached = HashSet::new();
    for sheet in &practices {
        let links = sheet.body_links();
        let mut expected = declared.get(&sheet.id).cloned().unwrap_or_default();
        expected.extend(sheet.refs("testimonies"));
        expected.extend(sheet.refs("tools"));
        for target in expected {
            assert!(
                links.contains(&target),
                "the text of {} does not link to {target}",
                sheet.id
            );
        }
        tools_reached.extend(
            links
                .into_iter()
                .filter(|l| l.starts_with("fiches-outils/")),
        );

        let html = guide.read(&format!("public/{}/index.html", sheet.id));
        let mut seen = HashSet::new();
        for heading in html.split("<h2").skip(1) {
            let text = heading.split_once('>').unwrap().1;
            let text = text.split(['<']).next().unwrap().trim().to_string();
            assert!(seen.insert(text.clone()), "{}: « {text} » twice", sheet.id);
        }
    }
    for tool in ids(&guide, "fiches-outils") {
        assert!(
            tools_reached.contains(&tool),
            "{tool} is led to by no practice sheet"
        );
    }
}

/// 12 to 20 tags, each on at least 3 pages and at most 40 % of them; 2 to 6 per page.
#[test]
fn tags_are_few_and_each_serves_several_pages() {
    let guide = Fixture::guide();
    let vocabulary: toml::Table = toml::from_str(&guide.read("content/tags.toml")).unwrap();
    let tags: Vec<&str> = vocabulary["tag"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert!((12..=20).contains(&tags.len()), "{} tags", tags.len());
    let mut uses: HashMap<String, usize> = HashMap::new();
    let mut total = 0;
    for kind in KINDS {
        for page in pages(&guide, kind) {
            total += 1;
            assert!(!page.source().is_empty(), "{} names no source", page.id);
            let own = page.refs("tags");
            assert!(
                (2..=6).contains(&own.len()),
                "{}: {} tags",
                page.id,
                own.len()
            );
            for t in own {
                *uses.entry(t).or_default() += 1;
            }
        }
    }
    for t in tags {
        let n = uses.get(t).copied().unwrap_or(0);
        assert!(n >= 3, "tag {t} is on {n} pages");
        assert!(n * 10 <= total * 4, "tag {t} is on {n} of {total} pages");
    }
}

/// The glossary defines at least 15 terms, and pages link to its terms by anchors that
/// exist.
#[test]
fn the_glossary_defines_terms_and_pages_link_to_it() {
    let guide = Fixture::guide();
    guide.run(&["build"]).expect(0);
    let glossary = guide.read("public/glossaire/index.html");
    let terms: BTreeSet<String> = glossary
        .split("<h2 id=\"")
        .skip(1)
        .map(|h| h.split('"').next().unwrap().to_string())
        .collect();
    assert!(terms.len() >= 15, "{} terms: {terms:?}", terms.len());
    for term in [
        "cercle-coeur",
        "consentement",
        "centre-vide",
        "cooptation",
        "subsidiarite",
    ] {
        assert!(terms.contains(term), "no term {term}");
    }

    let mut linking = 0;
    for kind in KINDS {
        for id in ids(&guide, kind) {
            let html = guide.read(&format!("public/{id}/index.html"));
            let mut links = false;
            for link in hrefs(section(&html, "content", "article")) {
                if let Some(anchor) = link.strip_prefix("../../glossaire/#") {
                    assert!(terms.contains(anchor), "{id} links to no term: {anchor}");
                    links = true;
                }
            }
            linking += usize::from(links);
        }
    }
    assert!(linking >= 15, "only {linking} pages link to the glossary");
    assert!(
        guide
            .read("public/index.html")
            .contains("href=\"glossaire/\"")
    );
}

/// The credits name the people and organisations behind each source, and every page
/// built from the slides names their author in its source.
#[test]
fn the_credits_name_the_authors_of_the_sources() {
    let guide = Fixture::guide();
    guide.run(&["build"]).expect(0);
    let credits = guide.read("public/credits/index.html");
    for name in [
        "COmmunauté",
        "Isabelle Andrieu",
        "Pierre-Dominique Vitoux",
        "Simplon",
        "n'engagent pas la structure",
        "Simon Louvet",
        "Mathieu L.",
        "équipe engagement de Colibris",
        "Michel Briand",
        "Laurent Marseault",
        "Jean-Michel Cornu",
        "Louise Didier",
        "Rémy Gerbert",
        "CC BY-SA 4.0",
    ] {
        assert!(credits.contains(name), "the credits do not name {name}");
    }
    assert!(
        guide
            .read("public/index.html")
            .contains("href=\"credits/\"")
    );
    let mut from_slides = 0;
    for kind in KINDS {
        for page in pages(&guide, kind) {
            if page.source().contains("Coopération entre collectifs") {
                from_slides += 1;
                assert!(page.source().contains("Simon Louvet"), "{}", page.id);
                let html = guide.read(&format!("public/{}/index.html", page.id));
                assert!(
                    html.contains("Simon Louvet"),
                    "{} does not show it",
                    page.id
                );
            }
        }
    }
    assert!(from_slides >= 8, "{from_slides} pages from the slides");
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
    for kind in KINDS {
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

/// Every page carries the date its first source document gives, at that document's
/// precision, and no day that the document does not give.
#[test]
fn pages_are_dated_as_precisely_as_their_source() {
    let guide = Fixture::guide();
    guide.run(&["build"]).expect(0);
    // The first words of each source document's name, and the date it gives.
    let documents = [
        (
            "Expériences vécues de coopérations",
            Some("2024-09"),
            "septembre 2024",
        ),
        ("Colibris, notes", Some("2018-06"), "juin 2018"),
        (
            "Forum des usages coopératifs 2016",
            Some("2016-07"),
            "juillet 2016",
        ),
        (
            "Principes de coopération",
            Some("2017-02-13"),
            "13 février 2017",
        ),
        ("Simon Louvet", None, ""),
    ];
    for kind in KINDS {
        for page in pages(&guide, kind) {
            let source = page.source();
            let (_, date, shown) = documents
                .iter()
                .find(|(name, ..)| source.starts_with(name))
                .unwrap_or_else(|| panic!("{}: unknown source {source}", page.id));
            let written = page.front.get("date").map(|d| match d {
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            });
            assert_eq!(written.as_deref(), *date, "{}", page.id);
            let html = guide.read(&format!("public/{}/index.html", page.id));
            let header = section(&html, "page-header", "header");
            match date {
                Some(_) => assert!(header.contains(shown), "{} shows no {shown}", page.id),
                None => assert!(!header.contains("<time"), "{} shows a date", page.id),
            }
        }
    }
}
