//! Dates as precise as their source, sources as lists, and the site's licence (#10).

use crate::support::{Fixture, hrefs, section};

/// A case of the fixture site with this title and `date` line (none when empty).
fn case(title: &str, date: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\n{date}summary = \"S.\"\ntags = [\"vote\"]\nmethods = [\"vote\"]\n+++\n\nTexte.\n"
    )
}

/// Cases dated at every precision, and two undated ones.
fn mixed_site() -> Fixture {
    let site = Fixture::copy("site");
    site.write(
        "content/cas/jour.md",
        &case("Un jour", "date = 2024-09-13\n"),
    );
    site.write(
        "content/cas/premier-jour.md",
        &case("Premier jour", "date = 2024-09-01\n"),
    );
    site.write(
        "content/cas/mois.md",
        &case("Un mois", "date = \"2024-09\"\n"),
    );
    site.write("content/cas/annee.md", &case("Une année", "date = 2016\n"));
    site.write(
        "content/cas/annee-texte.md",
        &case("Une année écrite", "date = \"2024\"\n"),
    );
    site.write("content/cas/zut.md", &case("Sans date B", ""));
    site.write("content/cas/aha.md", &case("sans date A", ""));
    site
}

#[test]
fn dates_are_shown_at_their_precision() {
    let site = mixed_site();
    site.run(&["build"]).expect(0);
    let time = |slug: &str| {
        let html = site.read(&format!("public/cas/{slug}/index.html"));
        html.find("<time").map(|start| {
            html[start..start + html[start..].find("</time>").unwrap() + 7].to_string()
        })
    };
    let expected = [
        (
            "jour",
            r#"<time datetime="2024-09-13">13 septembre 2024</time>"#,
        ),
        (
            "premier-jour",
            r#"<time datetime="2024-09-01">1er septembre 2024</time>"#,
        ),
        ("mois", r#"<time datetime="2024-09">septembre 2024</time>"#),
        ("annee", r#"<time datetime="2016">2016</time>"#),
        ("annee-texte", r#"<time datetime="2024">2024</time>"#),
    ];
    for (slug, fragment) in expected {
        assert_eq!(time(slug).as_deref(), Some(fragment), "{slug}");
    }
    assert_eq!(time("zut"), None, "an undated page shows no date");
}

#[test]
fn mixed_precisions_sort_by_period_and_undated_pages_come_last_by_title() {
    let site = mixed_site();
    site.run(&["build"]).expect(0);
    let list = site.read("public/cas/index.html");
    assert_eq!(
        hrefs(section(&list, "cards", "ul")),
        [
            "../cas/jour/",
            "../cas/premier-jour/",
            "../cas/mois/",
            "../cas/second/",
            "../cas/premier/",
            "../cas/annee-texte/",
            "../cas/troisieme/",
            "../cas/annee/",
            "../cas/aha/",
            "../cas/zut/",
        ]
    );
}

#[test]
fn feed_entries_use_the_first_day_of_a_period_and_the_build_day_when_undated() {
    let site = mixed_site();
    // 2026-03-04T05:06:07Z
    let run = site
        .command(&["build"])
        .env("SOURCE_DATE_EPOCH", "1772600767")
        .output()
        .unwrap();
    assert!(run.status.success());
    let feed = site.read("public/atom.xml");
    let entry = |slug: &str| {
        let at = feed
            .find(&format!(
                "<link href=\"https://exemple.org/recueil/cas/{slug}/\"/>"
            ))
            .unwrap();
        let start = feed[..at].rfind("<entry>").unwrap();
        feed[start..at + feed[at..].find("</entry>").unwrap()].to_string()
    };
    let updated = |slug: &str| {
        let e = entry(slug);
        let start = e.find("<updated>").unwrap() + 9;
        e[start..start + e[start..].find('<').unwrap()].to_string()
    };
    assert_eq!(updated("jour"), "2024-09-13T00:00:00Z");
    assert_eq!(updated("mois"), "2024-09-01T00:00:00Z");
    assert_eq!(updated("annee"), "2016-01-01T00:00:00Z");
    assert_eq!(updated("zut"), "2026-03-04T00:00:00Z");
    // Newest first; the undated pages after every dated one.
    let order: Vec<usize> = ["jour", "mois", "annee", "aha", "zut"]
        .iter()
        .map(|s| {
            feed.find(&format!(
                "<link href=\"https://exemple.org/recueil/cas/{s}/\"/>"
            ))
            .unwrap()
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert!(feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>Recueil</title>\n  <id>https://exemple.org/recueil/</id>\n  <updated>2026-03-04T00:00:00Z</updated>\n"));
    let sitemap = site.read("public/sitemap.xml");
    assert!(
        sitemap
            .contains("<loc>https://exemple.org/recueil/cas/mois/</loc><lastmod>2024-09</lastmod>")
    );
    assert!(sitemap.contains("<loc>https://exemple.org/recueil/cas/zut/</loc></url>"));
}

#[test]
fn invalid_dates_are_errors_with_their_position_and_the_expected_forms() {
    let forms = "write a day `2024-09-13`, a month `\"2024-09\"` or a year `2016`";
    let cases = [
        ("date = \"2024-13\"", "`date` is not a date: `\"2024-13\"`"),
        ("date = \"2024-9\"", "`date` is not a date: `\"2024-9\"`"),
        ("date = 24", "`date` is not a date: `24`"),
        (
            "date = 2024-09-32",
            "invalid TOML: invalid date, expected day between 01 and 30",
        ),
        (
            "date = 2024-13-01",
            "invalid TOML: invalid date, expected month between 01 and 12",
        ),
    ];
    for (line, message) in cases {
        let site = Fixture::copy("site");
        site.write("content/cas/faux.md", &case("Faux", &format!("{line}\n")));
        let run = site.run(&["check"]).expect(1);
        let header = format!("content/cas/faux.md:3:8: error[bad-date]: {message}");
        assert!(
            run.stderr.lines().any(|l| l == header),
            "{header}\nnot in\n{}",
            run.stderr
        );
        assert!(
            run.stderr.contains(&format!("= help: {forms}")),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn a_list_field_takes_one_string_or_several() {
    let site = Fixture::copy("site");
    site.write(
        "archipel.toml",
        &site.read("archipel.toml").replace(
            "lieu = { type = \"text\", label = \"Lieu\" }",
            "lieu = { type = \"text\", label = \"Lieu\" }\nsource = { type = \"list\", label = \"Source\" }",
        ),
    );
    let one = case("Une source", "source = \"Livret 2024\"\n");
    let two = case(
        "Deux sources",
        "source = [\"Livret 2024\", \"Forum 2016, Lyon\"]\n",
    );
    site.write("content/cas/une.md", &one);
    site.write("content/cas/deux.md", &two);
    site.run(&["build"]).expect(0);
    assert!(
        site.read("public/cas/une/index.html")
            .contains(r#"<span class="field field-source">Source : Livret 2024</span>"#)
    );
    assert!(site.read("public/cas/deux/index.html").contains(
        r#"<span class="field field-source">Source : Livret 2024 ; Forum 2016, Lyon</span>"#
    ));
    let schema = site.run(&["schema"]).expect(0);
    assert!(
        schema
            .stdout
            .contains("| `source` | list of strings, or one string |  |")
    );
    assert!(
        schema
            .stdout
            .contains("| `date` | date: day, month or year |  |")
    );
}

const LICENCE: &str = "\n[licence]\nname = \"CC BY-SA 4.0\"\nurl = \"https://creativecommons.org/licenses/by-sa/4.0/deed.fr\"\nnotice = \"Les sources gardent leurs conditions.\"\n";

#[test]
fn the_licence_is_in_every_footer_the_feed_and_the_printable_guide() {
    let site = Fixture::copy("site");
    let config = site
        .read("archipel.toml")
        .replace("related = 3", "related = 3\nprint = true");
    site.write("archipel.toml", &format!("{config}{LICENCE}"));
    site.run(&["build"]).expect(0);
    let line = r#"<p class="licence">Ce contenu est publié sous licence <a rel="license" href="https://creativecommons.org/licenses/by-sa/4.0/deed.fr">CC BY-SA 4.0</a>. Les sources gardent leurs conditions.</p>"#;
    for file in [
        "index.html",
        "cas/index.html",
        "cas/premier/index.html",
        "apropos/index.html",
        "tags/vote/index.html",
        "search/index.html",
        "404.html",
    ] {
        let html = site.read(&format!("public/{file}"));
        assert!(
            section(&html, "site-footer", "footer").contains(line),
            "{file}"
        );
    }
    let print = site.read("public/print/index.html");
    let header = &print[print.find("<article class=\"print-guide\">").unwrap()..];
    let header = &header[..header.find("</header>").unwrap()];
    assert!(header.contains(line), "{header}");
    let feed = site.read("public/atom.xml");
    assert!(feed.contains("  <rights>CC BY-SA 4.0 — https://creativecommons.org/licenses/by-sa/4.0/deed.fr — Les sources gardent leurs conditions.</rights>\n  <link rel=\"license\" href=\"https://creativecommons.org/licenses/by-sa/4.0/deed.fr\"/>\n"));
    let schema = site.run(&["schema"]).expect(0);
    assert!(schema.stdout.contains("Licence (`[licence]`): CC BY-SA 4.0 <https://creativecommons.org/licenses/by-sa/4.0/deed.fr>. Notice: Les sources gardent leurs conditions."));
}

#[test]
fn without_a_licence_nothing_is_shown() {
    let site = Fixture::copy("site");
    site.run(&["build"]).expect(0);
    assert!(
        !site
            .read("public/cas/premier/index.html")
            .contains("licence")
    );
    assert!(!site.read("public/atom.xml").contains("rights"));
}

#[test]
fn the_guide_states_its_licence() {
    let guide = Fixture::guide();
    guide.run(&["build"]).expect(0);
    let page = guide.read("public/fiches-pratiques/1-verifier-les-synergies-reelles/index.html");
    assert!(page.contains(r#"<a rel="license" href="https://creativecommons.org/licenses/by-sa/4.0/deed.fr">CC BY-SA 4.0</a>"#));
}
