//! Anchors are links too (#11): a link to a heading that the target page lacks is an
//! error with a suggestion; explicit `{#id}` ids are escaped and must be unique.

use crate::support::Fixture;

/// The fixture site with one more case whose body is `body`.
fn site_with_body(body: &str) -> Fixture {
    let site = Fixture::copy("site");
    site.write(
        "content/cas/ancres.md",
        &format!("+++\ntitle = \"Ancres\"\ntags = [\"vote\"]\nmethods = [\"vote\"]\n+++\n\n{body}"),
    );
    site
}

#[test]
fn a_link_to_a_missing_heading_of_another_page_is_an_error_with_a_suggestion() {
    let site = site_with_body("## Lire\n\nVoir [les étapes](../methodes/ecoute.md#etape).\n");
    let run = site.run(&["check"]).expect(1);
    assert!(run.stderr.contains(
        "content/cas/ancres.md:9:6: error[broken-anchor]: the link `../methodes/ecoute.md#etape` names `#etape`, which is no heading of `methodes/ecoute.md`\n"
    ), "{}", run.stderr);
    assert!(
        run.stderr.contains("= help: did you mean `#etapes`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_link_to_a_missing_heading_of_the_page_itself_lists_its_headings() {
    let site = site_with_body(
        "## Lire\n\n## Agir {#faire}\n\nPlus haut : [ici](#nulle-part), [là](#faire), [en haut](#).\n",
    );
    let run = site.run(&["check"]).expect(1);
    assert!(run.stderr.contains(
        "content/cas/ancres.md:11:13: error[broken-anchor]: the link `#nulle-part` names `#nulle-part`, which is no heading of `cas/ancres.md`\n"
    ), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("= help: the headings of `cas/ancres.md` are: #lire, #faire")
    );
    assert_eq!(run.stderr.matches("error[").count(), 1, "{}", run.stderr);
}

#[test]
fn links_to_existing_headings_pass_and_keep_their_fragment() {
    let site = site_with_body(
        "## Agir {#faire}\n\n[a](#faire) [b](../methodes/ecoute.md#etapes) [c](../methodes/ecoute.md#limites)\n",
    );
    site.run(&["check", "--deny-warnings"]).expect(0);
    site.run(&["build"]).expect(0);
    let html = site.read("public/cas/ancres/index.html");
    for href in [
        "#faire",
        "../../methodes/ecoute/#etapes",
        "../../methodes/ecoute/#limites",
    ] {
        assert!(html.contains(&format!("href=\"{href}\"")), "{href}");
    }
}

#[test]
fn explicit_ids_given_twice_are_errors_at_the_second_heading() {
    let site = site_with_body("## Un {#etape}\n\nTexte.\n\n## Deux {#etape}\n\n## Trois {#un}\n");
    let run = site.run(&["check"]).expect(1);
    assert!(run.stderr.contains(
        "content/cas/ancres.md:11:1: error[duplicate-id]: the heading id `etape` is already the id of an earlier heading\n"
    ), "{}", run.stderr);
    // `{#un}` differs from the first heading's id, which is `etape`.
    assert_eq!(run.stderr.matches("error[").count(), 1, "{}", run.stderr);
}

#[test]
fn explicit_ids_are_escaped_in_the_html() {
    let site = site_with_body("## Toi & moi {#toi&moi}\n\n[ici](#toi&moi)\n");
    site.run(&["build"]).expect(0);
    let html = site.read("public/cas/ancres/index.html");
    assert!(html.contains(
        r##"<h2 id="toi&amp;moi">Toi &amp; moi <a class="anchor" href="#toi&amp;moi" aria-label="Toi &amp; moi">#</a></h2>"##
    ), "{html}");
    assert!(html.contains(r##"<a href="#toi&amp;moi">ici</a>"##));
}

#[test]
fn renaming_a_heading_breaks_the_links_to_it_in_serve_too() {
    use archipel::build::{self, Cache};
    use archipel::render::Options;
    let site = Fixture::copy("site");
    let out = site.path("served");
    let mut cache = Cache::new();
    build::rebuild(site.root(), &out, Options::default(), &mut cache).unwrap();
    // `cas/premier.md` links to `../methodes/ecoute.md#etapes`.
    let target = "content/methodes/ecoute.md";
    let text = site.read(target);
    site.write(target, &text.replace("{#etapes}", "{#marche}"));
    cache.invalidate(std::path::Path::new(target));
    let err = build::rebuild(site.root(), &out, Options::default(), &mut cache).unwrap_err();
    assert!(format!("{err:?}").contains("broken-anchor"), "{err:?}");
    site.write(target, &text);
    cache.invalidate(std::path::Path::new(target));
    build::rebuild(site.root(), &out, Options::default(), &mut cache).unwrap();
}
