//! Addresses that last (#12): `aliases = ["old/path"]` writes a redirect page at each old
//! address, online and offline; an alias that collides with another output, or that
//! cannot be an address, is an error at its position.

use crate::support::Fixture;

/// The fixture site with aliases on its first case.
fn with_aliases(aliases: &str) -> Fixture {
    let site = Fixture::copy("site");
    let path = "content/cas/premier.md";
    let text = site.read(path);
    site.write(
        path,
        &text.replacen("+++\n", &format!("+++\naliases = {aliases}\n"), 1),
    );
    site
}

#[test]
fn each_old_address_sends_the_reader_on_online_and_offline() {
    let site = with_aliases(r#"["cas/ancien-premier", "/vieux/chemin/"]"#);
    site.run(&["build"]).expect(0);
    let near = site.read("public/cas/ancien-premier/index.html");
    for part in [
        r#"<meta http-equiv="refresh" content="0; url=../../cas/premier/">"#,
        r#"<link rel="canonical" href="https://exemple.org/recueil/cas/premier/">"#,
        r#"<a href="../../cas/premier/">Premier cas</a>"#,
        "Cette page a changé d&apos;adresse :",
    ] {
        assert!(near.contains(part), "{part} missing in\n{near}");
    }
    let far = site.read("public/vieux/chemin/index.html");
    assert!(
        far.contains(r#"content="0; url=../../cas/premier/""#),
        "{far}"
    );

    site.run(&["build", "--offline", "--out", "copie"])
        .expect(0);
    let offline = site.read("copie/cas/ancien-premier/index.html");
    assert!(
        offline.contains(r#"content="0; url=../../cas/premier/index.html""#),
        "{offline}"
    );
    assert!(offline.contains(r#"<link rel="canonical" href="../../cas/premier/index.html">"#));
}

#[test]
fn an_alias_that_is_another_output_is_an_error_naming_both() {
    let site = with_aliases(r#"["methodes/ecoute"]"#);
    let run = site.run(&["build"]).expect(1);
    assert!(
        run.stderr.contains(
            "content/methodes/ecoute.md: error[output-collision]: `methodes/ecoute/index.html` would be written twice: by the alias `methodes/ecoute` (content/cas/premier.md:2:12) and by the page (content/methodes/ecoute.md)"
        ),
        "{}",
        run.stderr
    );
    let site = with_aliases(r#""tags""#);
    let run = site.run(&["check"]).expect(1);
    assert!(
        run.stderr
            .contains("error[output-collision]: `tags/index.html` would be written twice"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_alias_must_be_an_address_of_the_site() {
    let site = with_aliases(r#"["cas/../x", "ok/ici", "a b"]"#);
    let run = site.run(&["check"]).expect(1);
    assert!(
        run.stderr.contains(
            "content/cas/premier.md:2:12: error[bad-alias]: `cas/../x` cannot be an address"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("content/cas/premier.md:2:34: error[bad-alias]: `a b` cannot be an address"),
        "{}",
        run.stderr
    );
    // `ok/ici` is fine: two errors only.
    assert_eq!(
        run.stderr.matches("error[bad-alias]").count(),
        2,
        "{}",
        run.stderr
    );
}
