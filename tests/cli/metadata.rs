//! Publishing metadata (#12): canonical addresses and sharing metadata when `base_url`
//! is set, a valid feed (absolute ids and links, an author), a sitemap whose home is the
//! base URL itself, and what happens without `base_url`.

use crate::support::Fixture;

const BASE: &str = "https://exemple.org/recueil/";

#[test]
fn pages_have_a_canonical_address_and_sharing_metadata() {
    let site = Fixture::copy("site");
    site.run(&["build"]).expect(0);
    let page = site.read("public/cas/premier/index.html");
    for tag in [
        r#"<link rel="canonical" href="https://exemple.org/recueil/cas/premier/">"#,
        r#"<meta property="og:type" content="article">"#,
        r#"<meta property="og:title" content="Premier cas">"#,
        r#"<meta property="og:description" content="Un cas d&apos;écoute.">"#,
        r#"<meta property="og:url" content="https://exemple.org/recueil/cas/premier/">"#,
        r#"<meta property="og:site_name" content="Recueil">"#,
        r#"<meta property="og:locale" content="fr_FR">"#,
        r#"<meta name="twitter:card" content="summary">"#,
        r#"<meta name="twitter:title" content="Premier cas">"#,
        r#"<meta name="twitter:description" content="Un cas d&apos;écoute.">"#,
    ] {
        assert!(page.contains(tag), "{tag} missing in\n{page}");
    }
    let home = site.read("public/index.html");
    assert!(home.contains(r#"<link rel="canonical" href="https://exemple.org/recueil/">"#));
    assert!(home.contains(r#"<meta property="og:type" content="website">"#));
    let list = site.read("public/cas/index.html");
    assert!(list.contains(r#"<meta property="og:title" content="Cas pratiques">"#));
    let tag = site.read("public/tags/ecoute/index.html");
    assert!(
        tag.contains(r#"<link rel="canonical" href="https://exemple.org/recueil/tags/ecoute/">"#)
    );
    // The 404 page stands for every unknown address: it has none of its own.
    assert!(!site.read("public/404.html").contains("canonical"));
    // An offline copy is nobody's canonical address.
    site.run(&["build", "--offline", "--out", "copie"])
        .expect(0);
    assert!(!site.read("copie/cas/premier/index.html").contains("og:"));
}

#[test]
fn templates_get_the_base_url() {
    let site = Fixture::copy("site");
    site.write(
        "templates/tags.html",
        "{% extends \"base.html\" %}{% block main %}<p id=\"base\">{{ site.base_url }}</p>{% endblock main %}",
    );
    site.run(&["build"]).expect(0);
    assert!(
        site.read("public/tags/index.html")
            .contains(&format!(r#"<p id="base">{BASE}</p>"#))
    );
}

#[test]
fn the_feed_has_absolute_ids_and_links_and_an_author() {
    let site = Fixture::copy("site");
    site.run(&["build"]).expect(0);
    let feed = site.read("public/atom.xml");
    assert!(
        feed.contains("<author><name>Recueil</name></author>"),
        "{feed}"
    );
    assert!(feed.contains(r#"<link rel="self" href="https://exemple.org/recueil/atom.xml"/>"#));
    assert!(feed.contains(r#"<link rel="alternate" href="https://exemple.org/recueil/"/>"#));
    assert!(feed.contains("<link href=\"https://exemple.org/recueil/cas/premier/\"/>\n    <id>https://exemple.org/recueil/cas/premier/</id>"), "{feed}");
    assert!(!feed.contains("href=\"cas/"), "{feed}");
    let config = site.read("archipel.toml");
    site.write(
        "archipel.toml",
        &config.replace("related = 3", "related = 3\nauthor = \"Le réseau des cas\""),
    );
    site.run(&["build"]).expect(0);
    assert!(
        site.read("public/atom.xml")
            .contains("<author><name>Le réseau des cas</name></author>")
    );

    let sitemap = site.read("public/sitemap.xml");
    assert!(
        sitemap.contains(&format!("<url><loc>{BASE}</loc>")),
        "{sitemap}"
    );
    assert!(!sitemap.contains("./"), "{sitemap}");
}

#[test]
fn base_url_gets_its_final_slash_and_must_be_absolute() {
    let site = Fixture::copy("site");
    let config = site.read("archipel.toml");
    site.write(
        "archipel.toml",
        &config.replace(BASE, "https://exemple.org/recueil"),
    );
    site.run(&["build"]).expect(0);
    assert!(
        site.read("public/atom.xml")
            .contains("<id>https://exemple.org/recueil/cas/premier/</id>")
    );
    site.write(
        "archipel.toml",
        &config.replace(BASE, "exemple.org/recueil/"),
    );
    let run = site.run(&["build"]).expect(2);
    assert!(
        run.stderr.contains("archipel.toml:5:12: error[bad-base-url]: `base_url` must be an absolute http(s) address, not `exemple.org/recueil/`"),
        "{}",
        run.stderr
    );
}

#[test]
fn without_base_url_there_is_no_feed_nor_sitemap_and_the_build_says_so() {
    let site = Fixture::copy("site");
    let config = site.read("archipel.toml");
    site.write(
        "archipel.toml",
        &config.replace(&format!("base_url = \"{BASE}\""), ""),
    );
    let run = site.run(&["build"]).expect(0);
    assert!(run.stderr.contains("warning[no-base-url]: no `base_url`: the site has no feed, no sitemap and no sharing metadata"), "{}", run.stderr);
    assert!(!site.path("public/atom.xml").exists());
    assert!(!site.path("public/sitemap.xml").exists());
    let home = site.read("public/index.html");
    assert!(!home.contains("atom.xml") && !home.contains("canonical") && !home.contains("og:"));
    // Offline copies never have a feed: nothing to say there.
    let run = site
        .run(&["build", "--offline", "--out", "copie"])
        .expect(0);
    assert!(!run.stderr.contains("no-base-url"), "{}", run.stderr);
}
