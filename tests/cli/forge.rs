//! The forge one click away (#13): `[forge] edit` links every page to its file in the
//! forge's editor, `[forge] new` links each kind's list to the forge's new-file form,
//! prefilled with a draft of that kind.

use crate::support::{Fixture, hrefs};

const GITHUB: &str = "\n[forge]\nedit = \"https://github.com/o/r/edit/main/{path}\"\nnew = \"https://github.com/o/r/new/main/{dir}?filename={slug}.md&value={content}\"\n";

fn with_forge(forge: &str) -> Fixture {
    let site = Fixture::copy("site");
    let config = site.read("archipel.toml");
    site.write("archipel.toml", &format!("{config}{forge}"));
    site
}

/// The `forge-link` paragraph's link of a page, if it has one.
fn forge_link(html: &str) -> Option<(String, String)> {
    let start = html.find("<p class=\"forge-link\">")?;
    let p = &html[start..start + html[start..].find("</p>")?];
    let text = &p[p.rfind("\">")? + 2..p.rfind("</a>")?];
    Some((hrefs(p)[0].clone(), text.to_string()))
}

/// Decodes `%XX` escapes.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn every_page_links_to_its_file_in_the_forge_editor() {
    let site = with_forge(GITHUB);
    site.run(&["build"]).expect(0);
    for (file, source) in [
        ("cas/premier/index.html", "content/cas/premier.md"),
        ("apropos/index.html", "content/apropos.md"),
        ("index.html", "content/_index.md"),
    ] {
        let html = site.read(&format!("public/{file}"));
        assert_eq!(
            forge_link(&html),
            Some((
                format!("https://github.com/o/r/edit/main/{source}"),
                "Modifier cette page".to_string()
            )),
            "{file}"
        );
    }
}

#[test]
fn each_list_proposes_a_new_page_prefilled_with_a_draft_of_its_kind() {
    let site = with_forge(GITHUB);
    let config = site.read("archipel.toml");
    site.write(
        "archipel.toml",
        &config.replace(
            "singular = \"Cas\"\n",
            "singular = \"Cas\"\nnew_label = \"Proposer un cas\"\n",
        ),
    );
    site.run(&["build"]).expect(0);
    let (href, text) = forge_link(&site.read("public/cas/index.html")).unwrap();
    assert_eq!(text, "Proposer un cas");
    assert_eq!(
        href,
        "https://github.com/o/r/new/main/content/cas?filename=nouveau-cas.md&value=%2B%2B%2Btitle".replace(
            "%2B%2B%2Btitle",
            "%2B%2B%2B%0Atitle%20%3D%20%22Cas%22%0Adraft%20%3D%20true%0Atags%20%3D%20%5B%5D%0Amethods%20%3D%20%5B%5D%0A%2B%2B%2B%0A"
        )
    );
    // Without `new_label`, the kind's singular names the link.
    let (_, text) = forge_link(&site.read("public/methodes/index.html")).unwrap();
    assert_eq!(text, "Proposer : Méthode");

    // What the form is prefilled with is a valid draft of the kind, for the contributor
    // to fill in: `check` accepts it and counts it.
    let value = decode(href.split("&value=").nth(1).unwrap());
    site.write("content/cas/nouveau-cas.md", &value);
    let run = site.run(&["check"]).expect(0);
    assert!(run.stderr.contains("1 draft(s) left out"), "{}", run.stderr);
}

#[test]
fn no_forge_no_links_and_offline_copies_have_none() {
    let site = Fixture::copy("site");
    site.run(&["build"]).expect(0);
    assert!(
        !site
            .read("public/cas/premier/index.html")
            .contains("forge-link")
    );
    assert!(!site.read("public/cas/index.html").contains("forge-link"));

    let site = with_forge(GITHUB);
    site.run(&["build", "--offline", "--out", "copie"])
        .expect(0);
    for file in ["cas/premier/index.html", "cas/index.html", "index.html"] {
        assert!(
            !site.read(&format!("copie/{file}")).contains("forge-link"),
            "{file}"
        );
    }
}

#[test]
fn a_template_without_its_placeholder_is_a_configuration_error() {
    let site = with_forge("\n[forge]\nedit = \"https://github.com/o/r/edit/main/{file}\"\n");
    let config = site.read("archipel.toml");
    let line = config.lines().count();
    let run = site.run(&["check"]).expect(2);
    assert!(
        run.stderr.starts_with(&format!(
            "archipel.toml:{line}:8: error[bad-setting]: the `edit` URL has no `{{path}}`"
        )),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("help: its placeholders are: {path}"));
}
