//! Typed relations and reading order (#11): each page's related pages grouped by field
//! and direction, each once under its most specific relation, and previous / next links
//! through the kinds in their declared order.

use crate::support::{Fixture, hrefs};

/// The fixture site with an inverse label on `methods` and these extra front-matter
/// lines, each `(page, line)` added after the page's `title`.
fn site(extra: &[(&str, &str)]) -> Fixture {
    let site = Fixture::copy("site");
    site.write(
        "archipel.toml",
        &site.read("archipel.toml").replace(
            "label = \"Méthodes employées\" }",
            "label = \"Méthodes employées\", inverse = \"Cas qui emploient cette méthode\" }",
        ),
    );
    for (page, line) in extra {
        let path = format!("content/{page}.md");
        let text = site.read(&path);
        let at = text.find("\ntitle = ").unwrap() + 1;
        let end = at + text[at..].find('\n').unwrap() + 1;
        site.write(&path, &format!("{}{line}\n{}", &text[..end], &text[end..]));
    }
    site.run(&["build"]).expect(0);
    site
}

/// Each relation section of a built page: its class, its heading and its links.
fn groups(site: &Fixture, page: &str) -> Vec<(String, String, Vec<String>)> {
    let html = site.read(&format!("public/{page}/index.html"));
    let mut out = Vec::new();
    let mut rest = html.as_str();
    while let Some(at) = rest.find("<section class=\"relation ") {
        let section = &rest[at..at + rest[at..].find("</section>").unwrap()];
        let class = section["<section class=\"".len()..section.find("\">").unwrap()].to_string();
        let h2 = &section[section.find("<h2>").unwrap() + 4..section.find("</h2>").unwrap()];
        out.push((class, h2.to_string(), hrefs(section)));
        rest = &rest[at + section.len()..];
    }
    out
}

fn group(class: &str, label: &str, hrefs: &[&str]) -> (String, String, Vec<String>) {
    (
        class.to_string(),
        label.to_string(),
        hrefs.iter().map(|h| h.to_string()).collect(),
    )
}

#[test]
fn relations_are_grouped_by_field_forward_then_inverse_then_body_links() {
    let site = site(&[]);
    assert_eq!(
        groups(&site, "methodes/ecoute"),
        [
            group(
                "relation relation-inverse rel-methods",
                "Cas qui emploient cette méthode",
                &["../../cas/premier/"]
            ),
            group(
                "relation relation-cited",
                "Cité dans",
                &["../../apropos/", "../../methodes/vote/"]
            ),
        ]
    );
    assert_eq!(
        groups(&site, "cas/premier"),
        [group(
            "relation relation-forward rel-methods",
            "Méthodes employées",
            &["../../methodes/ecoute/"]
        )]
    );
    // `premier`'s body links to `second`.
    assert_eq!(
        groups(&site, "cas/second"),
        [
            group(
                "relation relation-forward rel-methods",
                "Méthodes employées",
                &["../../methodes/vote/"]
            ),
            group(
                "relation relation-cited",
                "Cité dans",
                &["../../cas/premier/"]
            ),
        ]
    );
    // No more flat list of backlinks.
    assert!(
        !site
            .read("public/methodes/ecoute/index.html")
            .contains("Pages qui renvoient ici")
    );
}

#[test]
fn a_page_appears_once_under_its_most_specific_relation() {
    let site = site(&[
        // ecoute ← premier by `methods` and by premier's body; ecoute → premier by see_also:
        // a typed field, even inverse, beats see_also, which beats a body link.
        ("methodes/ecoute", "see_also = [\"cas/premier\"]"),
        // premier ↔ troisieme both by see_also: on each, forward beats inverse.
        ("cas/premier", "see_also = [\"cas/troisieme\"]"),
        (
            "cas/troisieme",
            "see_also = [\"cas/premier\", \"methodes/vote\"]",
        ),
    ]);
    assert_eq!(
        groups(&site, "methodes/ecoute"),
        [
            group(
                "relation relation-inverse rel-methods",
                "Cas qui emploient cette méthode",
                &["../../cas/premier/"]
            ),
            group(
                "relation relation-cited",
                "Cité dans",
                &["../../apropos/", "../../methodes/vote/"]
            ),
        ]
    );
    assert_eq!(
        groups(&site, "cas/premier"),
        [
            group(
                "relation relation-forward rel-methods",
                "Méthodes employées",
                &["../../methodes/ecoute/"]
            ),
            group(
                "relation relation-forward rel-see_also",
                "Voir aussi",
                &["../../cas/troisieme/"]
            ),
        ]
    );
    assert_eq!(
        groups(&site, "cas/troisieme"),
        [
            group(
                "relation relation-forward rel-methods",
                "Méthodes employées",
                &["../../methodes/vote/"]
            ),
            group(
                "relation relation-forward rel-see_also",
                "Voir aussi",
                &["../../cas/premier/"]
            ),
        ]
    );
    // vote ← troisieme by `methods` and by see_also: the typed field wins; second too.
    assert_eq!(
        groups(&site, "methodes/vote"),
        [group(
            "relation relation-inverse rel-methods",
            "Cas qui emploient cette méthode",
            &["../../cas/second/", "../../cas/troisieme/"]
        )]
    );
}

#[test]
fn a_see_also_named_only_one_way_shows_its_inverse_label() {
    let site = site(&[("cas/second", "see_also = [\"troisieme\"]")]);
    let troisieme = groups(&site, "cas/troisieme");
    assert_eq!(
        troisieme.last().unwrap(),
        &group(
            "relation relation-inverse rel-see_also",
            "Pages qui recommandent celle-ci",
            &["../../cas/second/"]
        )
    );
}

#[test]
fn previous_and_next_follow_each_kind_then_the_next_kind() {
    let site = site(&[]);
    // Cases newest first, then methods by `order`; kinds in declared order.
    let order = [
        "cas/second",
        "cas/premier",
        "cas/troisieme",
        "methodes/vote",
        "methodes/ecoute",
    ];
    for (at, page) in order.iter().enumerate() {
        let html = site.read(&format!("public/{page}/index.html"));
        let href = |p: &str| format!("../../{p}/");
        let previous = at.checked_sub(1).map(|p| href(order[p]));
        let next = order.get(at + 1).map(|p| href(p));
        for (rel, target) in [("prev", &previous), ("next", &next)] {
            let head = format!("<link rel=\"{rel}\" href=\"");
            let found = html[..html.find("</head>").unwrap()].find(&head).map(|i| {
                let rest = &html[i + head.len()..];
                rest[..rest.find('"').unwrap()].to_string()
            });
            assert_eq!(&found, target, "{page}: <link rel={rel}>");
            let visible = format!("rel=\"{rel}\" href=\"");
            let nav = html.find("<nav class=\"reading-order\"").map(|i| {
                let nav = &html[i..i + html[i..].find("</nav>").unwrap()];
                nav.find(&visible).map(|j| {
                    let rest = &nav[j + visible.len()..];
                    rest[..rest.find('"').unwrap()].to_string()
                })
            });
            assert_eq!(nav.flatten(), *target, "{page}: visible {rel}");
        }
    }
    let premier = site.read("public/cas/premier/index.html");
    assert!(premier.contains(
        r#"<a class="next" rel="next" href="../../cas/troisieme/"><span class="direction">suivant →</span> <span class="title">Troisième cas</span></a>"#
    ));
    assert!(premier.contains(
        r#"<a class="previous" rel="prev" href="../../cas/second/"><span class="direction">← précédent</span> <span class="title">Second cas</span></a>"#
    ));
    // A page of no kind is outside the reading order.
    let apropos = site.read("public/apropos/index.html");
    assert!(!apropos.contains("reading-order") && !apropos.contains("rel=\"next\""));
}

#[test]
fn an_inverse_label_on_a_field_that_is_no_reference_is_a_configuration_error() {
    let site = Fixture::copy("site");
    site.write(
        "archipel.toml",
        &site.read("archipel.toml").replace(
            "lieu = { type = \"text\", label = \"Lieu\" }",
            "lieu = { type = \"text\", label = \"Lieu\", inverse = \"Lieux\" }",
        ),
    );
    let run = site.run(&["check"]).expect(2);
    assert!(run.stderr.contains("archipel.toml:17:"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error[bad-field]: `inverse` is for `refs` fields, and `lieu` is not one"),
        "{}",
        run.stderr
    );
}
