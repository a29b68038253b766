//! The printable guide (#11): one `<h1>`, ids unique in the whole booklet, links between
//! pages that keep their `#fragment`, every page (home text and standalone pages
//! included) in reading order with its source, headings one level below each title.

use std::collections::HashMap;

use crate::support::{Fixture, attr_values, section};

/// The small fixture with the printable guide on, built.
fn booklet() -> (Fixture, String) {
    let site = Fixture::copy("site");
    let config = site.read("archipel.toml");
    site.write(
        "archipel.toml",
        &config.replace("related = 3", "related = 3\nprint = true"),
    );
    site.run(&["build"]).expect(0);
    let html = site.read("public/print/index.html");
    (site, html)
}

/// Every `id` that occurs more than once.
fn repeated_ids(html: &str) -> Vec<(String, usize)> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for id in attr_values(html, "id") {
        *counts.entry(id).or_default() += 1;
    }
    let mut repeated: Vec<(String, usize)> = counts.into_iter().filter(|(_, n)| *n > 1).collect();
    repeated.sort();
    repeated
}

/// The ids of the booklet's sections and pages, in order.
fn parts(html: &str) -> Vec<String> {
    html.match_indices("class=\"print-")
        .filter_map(|(i, _)| {
            let tag = &html[i..html[i..].find('>').map_or(html.len(), |e| i + e)];
            attr_values(tag, "id").into_iter().next()
        })
        .collect()
}

#[test]
fn the_guide_booklet_has_one_h1_and_unique_ids() {
    let guide = Fixture::guide();
    // A footnote in two sheets: pulldown-cmark names both definitions `1`.
    for sheet in [
        "1-verifier-les-synergies-reelles",
        "2-expliciter-les-jeux-personnels",
    ] {
        let path = format!("content/fiches-pratiques/{sheet}.md");
        let text = guide.read(&path);
        guide.write(&path, &format!("{text}\nUne note[^1].\n\n[^1]: La note.\n"));
    }
    guide.run(&["build"]).expect(0);
    let html = guide.read("public/print/index.html");
    assert_eq!(html.matches("<h1").count(), 1);
    assert_eq!(repeated_ids(&html), []);
    // Nine sheets share the heading « Freins et risques »: each keeps its own id.
    let freins = attr_values(&html, "id")
        .into_iter()
        .filter(|id| id.ends_with("-freins-et-risques"))
        .count();
    assert_eq!(freins, 9);
    for sheet in [
        "1-verifier-les-synergies-reelles",
        "2-expliciter-les-jeux-personnels",
    ] {
        let prefix = format!("fiches-pratiques--{sheet}-1");
        assert!(
            html.contains(&format!(r##"<a href="#{prefix}">"##)),
            "{sheet}"
        );
        assert!(html.contains(&format!(r#"id="{prefix}""#)), "{sheet}");
    }
}

#[test]
fn a_link_to_a_heading_of_another_page_lands_on_it_in_the_booklet() {
    let (_site, html) = booklet();
    // `cas/premier.md` links to `../methodes/ecoute.md#etapes` and to `second.md`.
    let premier = section(&html, "print-page\" id=\"cas--premier", "article");
    assert!(premier.contains(r##"<a href="#methodes--ecoute-etapes">les étapes</a>"##));
    assert!(premier.contains(r##"<a href="#cas--second">le second cas</a>"##));
    let ecoute = section(&html, "print-page\" id=\"methodes--ecoute", "article");
    assert!(ecoute.contains(r#"<h4 id="methodes--ecoute-etapes">Étapes"#));
    assert!(ecoute.contains(r##"<a class="anchor" href="#methodes--ecoute-etapes""##));
    assert!(html.contains(r#"<article class="print-page" id="cas--second">"#));
}

#[test]
fn the_booklet_holds_every_page_in_reading_order_with_nested_headings() {
    let (_site, html) = booklet();
    let anchors = parts(&html);
    // Home text, then cases by date (newest first), methods by order, then À propos.
    assert_eq!(
        anchors,
        [
            "_accueil",
            "cas",
            "cas--second",
            "cas--premier",
            "cas--troisieme",
            "methodes",
            "methodes--vote",
            "methodes--ecoute",
            "apropos",
        ]
    );
    // The table of contents links to every page and section.
    let toc = section(&html, "toc", "nav");
    let toc_links: Vec<String> = attr_values(toc, "href");
    let expected: Vec<String> = anchors.iter().map(|a| format!("#{a}")).collect();
    assert_eq!(toc_links, expected);
    // The home text sits under the one h1; standalone pages are h2, kind pages h3, and
    // their headings one level below.
    assert!(html.contains("<p>Commencez par <a href=\"#cas--premier\">le premier cas</a>.</p>"));
    let apropos = section(&html, "print-page\" id=\"apropos", "article");
    assert!(apropos.contains("<h2>À propos</h2>"));
    assert!(apropos.contains(r##"<a href="#methodes--ecoute">l'écoute</a>"##));
    let premier = section(&html, "print-page\" id=\"cas--premier", "article");
    assert!(premier.contains("<h3>Premier cas</h3>"));
    assert!(premier.contains(r#"<h4 id="cas--premier-ce-qui-s-est-passe">"#));
    // A page's plain fields (its source, its place) and references are printed.
    assert!(premier.contains("<dt>Lieu</dt><dd>Lyon</dd>"));
    assert!(premier.contains(
        r##"<span class="print-refs-label">Méthodes employées :</span> <a href="#methodes--ecoute">L&apos;écoute active</a>"##
    ));
}

#[test]
fn every_guide_sheet_prints_its_source() {
    let guide = Fixture::guide();
    guide.run(&["build"]).expect(0);
    let html = guide.read("public/print/index.html");
    let sheets: Vec<String> = parts(&html)
        .into_iter()
        .filter(|id| id.contains("--"))
        .collect();
    let files = ["fiches-pratiques", "fiches-outils", "temoignages"]
        .iter()
        .map(|dir| {
            std::fs::read_dir(guide.path("content").join(dir))
                .unwrap()
                .count()
        })
        .sum::<usize>();
    assert_eq!(sheets.len(), files);
    for id in &sheets {
        let sheet = section(&html, &format!("print-page\" id=\"{id}\""), "article");
        assert!(sheet.contains("<dt>Source</dt><dd>"), "{id} has no source");
    }
    assert!(html.contains("id=\"a-propos\""));
    let intro = html
        .find("class=\"print-page print-intro\" id=\"_accueil\"")
        .unwrap();
    let first_kind = html.find("id=\"fiches-pratiques\"").unwrap();
    assert!(intro < first_kind);
    assert!(html[intro..first_kind].contains("Pourquoi ce guide"));
}
