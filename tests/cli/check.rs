//! `archipel check`: every kind of diagnostic, with its position, in every format.

use crate::support::Fixture;

/// The codes of `check --format json` output, in order.
fn codes(json_lines: &str) -> Vec<String> {
    json_lines
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["code"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// A copy of the `site` fixture with one file replaced.
fn site_with(path: &str, text: &str) -> Fixture {
    let site = Fixture::copy("site");
    site.write(path, text);
    site
}

#[test]
fn the_good_fixture_checks_clean_and_writes_nothing() {
    let site = Fixture::copy("site");
    let run = site.run(&["check"]).expect(0);
    assert!(
        run.stderr.contains("7 pages checked, no errors"),
        "{}",
        run.stderr
    );
    assert!(!site.path("public").exists());
}

#[test]
fn unknown_tag_names_position_and_nearest_tag() {
    let site = site_with(
        "content/cas/second.md",
        "+++\ntitle = \"Second\"\ntags = [\"vote\", \"ecoutte\"]\nmethods = [\"vote\"]\n+++\n\nTexte.\n",
    );
    let run = site.run(&["check"]).expect(1);
    assert_eq!(
        run.stderr,
        "content/cas/second.md:3:17: error[unknown-tag]: unknown tag `ecoutte`\n  |\n3 | tags = [\"vote\", \"ecoutte\"]\n  |                 ^\n  = help: did you mean `ecoute`?\n1 error(s) in the content\n"
    );
}

#[test]
fn toml_errors_point_into_the_file() {
    let site = site_with(
        "content/cas/second.md",
        "+++\ntitle = \"Second\"\ntags = [\"vote\"\nmethods = [\"vote\"]\n+++\n",
    );
    let run = site.run(&["check"]).expect(1);
    let first = run
        .stderr
        .lines()
        .find(|l| l.starts_with("content/cas/second.md"))
        .unwrap();
    assert!(first.starts_with("content/cas/second.md:4:"), "{first}");
    assert!(
        first.contains("error[front-matter-syntax]: invalid TOML"),
        "{first}"
    );
}

#[test]
fn broken_references_and_links_are_reported_with_suggestions() {
    let site = site_with(
        "content/cas/second.md",
        "+++\ntitle = \"Second\"\ntags = [\"vote\"]\nmethods = [\"methodes/vot\", \"cas/premier\"]\n+++\n\nVoir [ceci](../methodes/ecout.md).\n",
    );
    let run = site.run(&["check", "--format", "json"]).expect(1);
    let diags: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary: Vec<(String, u64, u64, String)> = diags
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["help"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "unknown-ref".into(),
                4,
                12,
                "did you mean `methodes/vote`?".into()
            ),
            (
                "wrong-kind-ref".into(),
                4,
                28,
                "list here only pages of `content/methodes/`".into()
            ),
            (
                "broken-link".into(),
                7,
                6,
                "did you mean `../methodes/ecoute.md`?".into()
            ),
        ]
    );
    assert_eq!(diags[0]["path"], "content/cas/second.md");
    assert_eq!(diags[0]["severity"], "error");
}

#[test]
fn github_format_annotates_the_file() {
    let site = site_with(
        "content/cas/second.md",
        "+++\ntitle = \"Second\"\ntags = [\"vote\"]\n+++\n",
    );
    let run = site.run(&["check", "--format", "github"]).expect(1);
    assert_eq!(
        run.stdout,
        "::error file=content/cas/second.md,line=1,col=1::missing required field `methods` (help: the front matter needs this field: add `methods = [\"kind-dir/slug\"]`)\n\
         ::warning file=content/cas/second.md,line=4,col=1::the page has no text (help: write the page below the closing `+++`)\n"
    );
}

#[test]
fn every_problem_of_a_run_is_reported_together() {
    let site = Fixture::copy("site");
    site.write("content/cas/a.md", "pas de front matter\n");
    site.write(
        "content/cas/b.md",
        "+++\ntitle = \"B\"\ntags = [\"x\"]\nmethods = []\ncouleur = \"bleu\"\n+++\n",
    );
    site.write("content/autre/c.md", "+++\ntitle = \"C\"\n+++\n");
    site.write("content/cas/Majuscule.md", "+++\ntitle = \"M\"\n+++\n");
    let run = site.run(&["check", "--format", "json"]).expect(1);
    let codes = codes(&run.stdout);
    for code in [
        "front-matter",
        "unknown-tag",
        "unknown-field",
        "unknown-kind-dir",
        "bad-slug",
    ] {
        assert!(
            codes.contains(&code.to_string()),
            "{code} missing from {codes:?}"
        );
    }
}

#[test]
fn wrong_types_are_explained() {
    let site = site_with(
        "content/cas/second.md",
        "+++\ntitle = \"Second\"\ndate = \"hier\"\ntags = \"vote\"\nmethods = [\"vote\"]\n+++\n",
    );
    let run = site.run(&["check"]).expect(1);
    assert!(
        run.stderr.contains(
            "content/cas/second.md:3:8: error[bad-date]: `date` is not a date: `\"hier\"`"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(
        "help: write a day `2024-09-13`, a month `\"2024-09\"` or a year `2016`, with a real month (01 to 12) and day"
    ));
    assert!(run.stderr.contains(
        "content/cas/second.md:4:8: error[bad-type]: `tags` must be of type tags, not a string"
    ));
}

#[test]
fn configuration_errors_exit_with_2() {
    let site = Fixture::copy("site");
    let config = site
        .read("archipel.toml")
        .replace("kind = \"method\"", "kind = \"methode\"");
    site.write("archipel.toml", &config);
    let run = site.run(&["check"]).expect(2);
    assert!(
        run.stderr.starts_with("archipel.toml:16:35:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("unknown kind `methode`"));
    assert!(run.stderr.contains("did you mean `method`?"));
}

#[test]
fn invalid_utf8_and_odd_files_never_panic() {
    let site = Fixture::copy("site");
    std::fs::write(
        site.path("content/cas/bin.md"),
        b"+++\ntitle = \"\xff\xfe\"\n+++\n",
    )
    .unwrap();
    site.write("content/cas/vide.md", "");
    site.write("content/cas/ouvert.md", "+++\ntitle = \"x\"\n");
    site.write(
        "content/cas/table.md",
        "+++\ntitle = \"T\"\ntags = [[1]]\nmethods = [\"vote\"]\n[extra]\nx = 1\n+++\n",
    );
    let run = site.run(&["check"]).expect(1);
    assert!(
        run.stderr
            .contains("content/cas/bin.md:2:10: error[not-utf8]"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("content/cas/vide.md:1:1: error[front-matter]")
    );
    assert!(run.stderr.contains(
        "content/cas/ouvert.md:1:1: error[front-matter]: the front matter is never closed"
    ));
    assert!(!run.stderr.contains("panicked"));
}

/// A page whose front matter is broken drops out of the site, but the links and
/// references to it are not reported again: one typo, one error.
#[test]
fn links_to_a_broken_page_are_not_reported_twice() {
    let site = site_with(
        "content/methodes/ecoute.md",
        "+++\ntitle = = \"L'écoute\"\n+++\n\nTexte.\n",
    );
    let run = site.run(&["check", "--format", "json"]).expect(1);
    let codes = codes(&run.stdout);
    assert_eq!(codes, ["front-matter-syntax"], "{}", run.stdout);
    // A reference to a page that does not exist at all is still an error.
    site.write(
        "content/cas/second.md",
        "+++\ntitle = \"S\"\ntags = [\"vote\"]\nmethods = [\"methodes/autre\"]\n+++\n\nTexte.\n",
    );
    let run = site.run(&["check"]).expect(1);
    assert!(run.stderr.contains("error[unknown-ref]"), "{}", run.stderr);
}
