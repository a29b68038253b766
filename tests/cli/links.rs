//! Links as authors write them: percent-encoded file names, paths from the content root,
//! and schemes that are not web addresses.

use crate::support::{Fixture, attr_values, hrefs};

/// The fixture with the about page's body set to `body`.
fn about(body: &str) -> Fixture {
    let site = Fixture::copy("site");
    site.write(
        "content/apropos.md",
        &format!("+++\ntitle = \"À propos\"\n+++\n\n{body}\n"),
    );
    site
}

#[test]
fn percent_encoded_file_names_resolve_and_are_published() {
    let site = about(
        "![Un schéma](img/mon%20sch%C3%A9ma.svg) et [le texte](docs/notes%20de%20lecture.txt).",
    );
    site.write("content/img/mon schéma.svg", "<svg/>");
    site.write("content/docs/notes de lecture.txt", "notes");
    site.run(&["build"]).expect(0);
    assert!(site.path("public/img/mon schéma.svg").is_file());
    assert!(site.path("public/docs/notes de lecture.txt").is_file());
    let html = site.read("public/apropos/index.html");
    assert!(
        attr_values(&html, "src").contains(&"../img/mon%20sch%C3%A9ma.svg".to_string()),
        "{html}"
    );
    assert!(hrefs(&html).contains(&"../docs/notes%20de%20lecture.txt".to_string()));
}

#[test]
fn root_absolute_links_resolve_from_the_content_root() {
    let site = about("[Le vote](/methodes/vote.md) et ![schéma](/img/schema.svg).");
    site.write("content/img/schema.svg", "<svg/>");
    site.run(&["build"]).expect(0);
    let html = site.read("public/apropos/index.html");
    let links = hrefs(&html);
    assert!(
        links.contains(&"../methodes/vote/".to_string()),
        "{links:?}"
    );
    assert!(attr_values(&html, "src").contains(&"../img/schema.svg".to_string()));
    assert!(site.path("public/img/schema.svg").is_file());
}

#[test]
fn root_absolute_links_that_lead_nowhere_are_errors() {
    let site = about("[Perdu](/methodes/perdu.md) et [rien](/nulle-part/).");
    let run = site.run(&["check"]).expect(1);
    assert!(
        run.stderr.contains("content/apropos.md:5:1: error[broken-link]: the link `/methodes/perdu.md` leads to no page"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "content/apropos.md:5:32: error[missing-file]: the file `/nulle-part/` does not exist"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("a link that starts with `/` is read from content/")
    );
}

#[test]
fn script_links_are_errors_and_unknown_schemes_warnings() {
    let site = about(
        "[Cliquez](javascript:alert(1)), [Image](data:text/html,x), [DOI](doi:10.1000/1) et [site](https://exemple.org/).",
    );
    let run = site.run(&["check"]).expect(1);
    assert!(
        run.stderr.contains("content/apropos.md:5:1: error[unsafe-link]: the link `javascript:alert(1)` uses `javascript:`, which archipel does not publish"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("error[unsafe-link]: the link `data:text/html,x` uses `data:`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("warning[unknown-scheme]: the link `doi:10.1000/1` uses `doi:`, which is neither a page nor a web address"),
        "{}",
        run.stderr
    );
    // Three diagnostics: the web address is fine.
    let headers = run.stderr.lines().filter(|l| l.starts_with("content/"));
    assert_eq!(headers.count(), 3, "{}", run.stderr);
    assert_eq!(run.stderr.matches("error[").count(), 2, "{}", run.stderr);
}
