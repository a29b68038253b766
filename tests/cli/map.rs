//! The map of the guide (#11): `carte/index.html`, an SVG drawn at build time where every
//! page is a named link, kinds have a legend, edges carry their relation, and two builds
//! give the same bytes. Past 200 pages, nodes are groups of pages.

use crate::support::{Fixture, attr_values, section};

/// The small fixture with the map on.
fn site() -> Fixture {
    let site = Fixture::copy("site");
    let config = site.read("archipel.toml");
    site.write(
        "archipel.toml",
        &config.replace("related = 3", "related = 3\nmap = true"),
    );
    site
}

/// The `<a>` elements of the map's nodes, as (href, accessible name: their `<title>`).
fn nodes(html: &str) -> Vec<(String, String)> {
    html.split("<a href=\"")
        .skip(1)
        .filter(|a| a[..a.find('>').unwrap()].contains("class=\"node "))
        .map(|a| {
            let href = a[..a.find('"').unwrap()].to_string();
            let title = &a[a.find('>').unwrap() + 1..];
            let title = title
                .strip_prefix("<title>")
                .expect("a node starts with its title");
            (href, unescape(&title[..title.find("</title>").unwrap()]))
        })
        .collect()
}

/// The map's edges, as (classes, ends).
fn edges(html: &str) -> Vec<(String, String)> {
    html.split("<path ")
        .skip(1)
        .map(|p| {
            let tag = &p[..p.find("/>").unwrap()];
            let tag = format!(" {tag}");
            (
                attr_values(&tag, "class")[0].clone(),
                attr_values(&tag, "data-ends")[0].clone(),
            )
        })
        .collect()
}

fn unescape(s: &str) -> String {
    s.replace("&apos;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[test]
fn every_page_is_a_named_link_and_edges_carry_their_relation() {
    let site = site();
    site.run(&["build", "--offline"]).expect(0);
    let html = site.read("public/carte/index.html");
    // Cases by date (newest first), methods by order, then pages without a kind.
    assert_eq!(
        nodes(&html),
        [
            ("../cas/second/index.html", "Second cas"),
            ("../cas/premier/index.html", "Premier cas"),
            ("../cas/troisieme/index.html", "Troisième cas"),
            ("../methodes/vote/index.html", "Le vote"),
            ("../methodes/ecoute/index.html", "L'écoute active"),
            ("../index.html", "Bienvenue"),
            ("../apropos/index.html", "À propos"),
        ]
        .map(|(h, t)| (h.to_string(), t.to_string()))
    );
    // One edge per linked pair, under its reference field when there is one: premier
    // refers to ecoute and links to it in its text (`#etapes`).
    assert_eq!(
        edges(&html),
        [
            ("edge rel-body", "0 1"),
            ("edge rel-0", "0 3"),
            ("edge rel-0", "1 4"),
            ("edge rel-body", "1 5"),
            ("edge rel-0", "2 3"),
            ("edge rel-body", "3 4"),
            ("edge rel-body", "4 6"),
        ]
        .map(|(c, e)| (c.to_string(), e.to_string()))
    );
    // Kinds in colours, pages of ecoute's tag for the filter.
    assert!(html.contains(
        r#"class="node kind-0" data-node="1" data-tags="ecoute rare"><title>Premier cas</title>"#
    ));
    assert!(html.contains(
        r#"class="node kind-1" data-node="4" data-tags="ecoute"><title>L&apos;écoute active</title>"#
    ));
    assert!(html.contains(
        r#"class="node kind-other" data-node="5" data-tags=""><title>Bienvenue</title>"#
    ));
    // Named: the SVG by the page's heading, and its title.
    assert!(html.contains(r#"<h1 id="carte-titre">Carte du guide</h1>"#));
    assert!(html.contains(r#"role="group" aria-labelledby="carte-titre"><title>Recueil</title>"#));
    // Every page's navigation leads to the map.
    let page = site.read("public/cas/premier/index.html");
    assert!(page.contains(r#"<a href="../../carte/index.html">Carte du guide</a>"#));
}

#[test]
fn the_legend_lists_every_kind_and_relation_drawn() {
    let site = site();
    site.run(&["build"]).expect(0);
    let html = site.read("public/carte/index.html");
    let kinds = section(&html, "legend-kinds", "ul");
    assert_eq!(
        attr_values(kinds, "class"),
        ["swatch kind-0", "swatch kind-1", "swatch kind-other"]
    );
    for label in ["Cas pratiques</li>", "Méthodes</li>", "Autres pages</li>"] {
        assert!(kinds.contains(label), "{label}");
    }
    let relations = section(&html, "legend-relations", "ul");
    assert!(relations.contains(
        r#"<line class="edge rel-0" x1="0" y1="5" x2="36" y2="5"/></svg>Méthodes employées</li>"#
    ));
    assert!(relations.contains(
        r#"<line class="edge rel-body" x1="0" y1="5" x2="36" y2="5"/></svg>Lien dans le texte</li>"#
    ));
    assert_eq!(relations.matches("<li>").count(), 2);
    // Online, links stop at directories.
    assert!(html.contains(r#"<a href="../cas/premier/" class="node kind-0""#));
}

#[test]
fn two_builds_draw_the_same_map() {
    let guide = Fixture::guide();
    guide.run(&["build", "--out", "a"]).expect(0);
    guide.run(&["build", "--out", "b"]).expect(0);
    let a = std::fs::read(guide.path("a/carte/index.html")).unwrap();
    let b = std::fs::read(guide.path("b/carte/index.html")).unwrap();
    assert!(a == b, "two builds drew different maps");
}

#[test]
fn every_page_of_the_guide_is_on_its_map() {
    let guide = Fixture::guide();
    guide.run(&["build", "--offline"]).expect(0);
    let html = guide.read("public/carte/index.html");
    let mut expected: Vec<(String, String)> = Vec::new();
    for entry in walk(&guide.path("content")) {
        let rel = entry.strip_prefix(guide.path("content")).unwrap();
        let rel = rel.to_string_lossy().replace('\\', "/");
        let Some(stem) = rel.strip_suffix(".md") else {
            continue;
        };
        let text = std::fs::read_to_string(&entry).unwrap();
        if text.lines().any(|l| l == "draft = true") {
            continue;
        }
        let title = text
            .lines()
            .find_map(|l| l.strip_prefix("title = \""))
            .map(|t| t.trim_end_matches('"').replace("\\\"", "\""))
            .unwrap();
        let href = if stem == "_index" {
            "../index.html".to_string()
        } else {
            format!("../{stem}/index.html")
        };
        expected.push((href, title));
    }
    let mut found = nodes(&html);
    found.sort();
    expected.sort();
    assert_eq!(found, expected);
    // Each kind of the guide has its entry in the legend.
    let kinds = section(&html, "legend-kinds", "ul");
    for kind in [
        "Fiches pratiques",
        "Fiches outils",
        "Témoignages",
        "Autres pages",
    ] {
        assert!(kinds.contains(&format!("{kind}</li>")), "{kind}");
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn past_200_pages_nodes_are_groups_of_a_kind_and_first_tag() {
    let site = site();
    for n in 0..198 {
        let tags = if n % 2 == 0 {
            r#"["vote"]"#
        } else {
            r#"["ecoute", "rare"]"#
        };
        site.write(
            &format!("content/cas/gen-{n:03}.md"),
            &format!("+++\ntitle = \"Cas {n}\"\ndate = 2022-01-01\ntags = {tags}\nmethods = [\"vote\"]\n+++\n\nTexte.\n"),
        );
    }
    site.run(&["build", "--offline"]).expect(0);
    let html = site.read("public/carte/index.html");
    assert_eq!(
        nodes(&html),
        [
            ("../tags/ecoute/index.html", "Cas pratiques · Écoute (100)"),
            ("../tags/vote/index.html", "Cas pratiques · Vote (100)"),
            ("../tags/rare/index.html", "Cas pratiques · Rare (1)"),
            ("../tags/ecoute/index.html", "Méthodes · Écoute (1)"),
            ("../tags/vote/index.html", "Méthodes · Vote (1)"),
            ("../index.html", "Recueil (2)"),
        ]
        .map(|(h, t)| (h.to_string(), t.to_string()))
    );
    let edges = edges(&html);
    // 100 cases of the tag vote refer to the method vote: the thickest line but one.
    assert!(
        edges.contains(&("edge rel-0 w3".into(), "1 4".into())),
        "{edges:?}"
    );
    // 99 generated cases with ecoute first, as well.
    assert!(
        edges.contains(&("edge rel-0 w2".into(), "0 4".into())),
        "{edges:?}"
    );
    assert!(html.contains("Le guide compte 205 pages"));
}

#[test]
fn each_page_draws_its_neighbourhood_when_the_map_is_on() {
    let site = site();
    site.run(&["build", "--offline"]).expect(0);
    let page = site.read("public/cas/premier/index.html");
    let around = section(&page, "neighbourhood", "section");
    assert!(around.contains(r#"<h2 id="voisinage-titre">Voisinage de la page</h2>"#));
    assert!(
        around.contains(
            r#"role="group" aria-labelledby="voisinage-titre"><title>Premier cas</title>"#
        )
    );
    // The page in the middle; the home, which links to it, on the left; the pages it
    // links to on the right, in reading order.
    assert_eq!(
        nodes(around),
        [
            ("../../cas/premier/index.html", "Premier cas"),
            ("../../index.html", "Bienvenue"),
            ("../../cas/second/index.html", "Second cas"),
            ("../../methodes/ecoute/index.html", "L'écoute active"),
        ]
        .map(|(h, t)| (h.to_string(), t.to_string()))
    );
    assert!(around.contains(r#"class="node kind-0 current" data-node="0" data-tags="" aria-current="page"><title>Premier cas</title>"#));
    assert_eq!(
        edges(around),
        [
            ("edge rel-body", "0 1"),
            ("edge rel-body", "0 2"),
            ("edge rel-0", "0 3")
        ]
        .map(|(c, e)| (c.to_string(), e.to_string()))
    );
    assert!(around.contains(r#"<a href="../../carte/index.html">Toute la carte du guide</a>"#));

    // Without the map, no neighbourhood either.
    let plain = Fixture::copy("site");
    plain.run(&["build"]).expect(0);
    assert!(
        !plain
            .read("public/cas/premier/index.html")
            .contains("voisinage")
    );
    assert!(!plain.path("public/carte").exists());
}
