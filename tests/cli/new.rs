//! `archipel new`, `tags` and `schema`: the contributor's commands.

use crate::support::{Fixture, hrefs, section};

/// 2025-11-25 00:00:00 UTC.
const EPOCH: &str = "1764028800";

fn new(site: &Fixture, kind: &str, title: &str) -> crate::support::Run {
    let mut cmd = site.command(&["new", kind, title]);
    cmd.env("SOURCE_DATE_EPOCH", EPOCH);
    let output = cmd.output().unwrap();
    crate::support::Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn slugs_fold_accents_apostrophes_and_punctuation() {
    let site = Fixture::copy("site");
    for (title, path) in [
        (
            "L'été où l'on a coopéré !",
            "content/cas/l-ete-ou-l-on-a-coopere.md",
        ),
        (
            "Coopérer : oui, mais… comment ?",
            "content/cas/cooperer-oui-mais-comment.md",
        ),
        (
            "  Œuvre   commune — 2024  ",
            "content/cas/oeuvre-commune-2024.md",
        ),
    ] {
        let run = new(&site, "case", title).expect(0);
        assert_eq!(run.stdout, format!("{path}\n"));
        assert!(run.stderr.contains("archipel check"), "{}", run.stderr);
        assert!(site.path(path).is_file());
    }
}

#[test]
fn collisions_get_a_number_and_nothing_is_overwritten() {
    let site = Fixture::copy("site");
    let before = site.read("content/cas/premier.md");
    assert_eq!(
        new(&site, "cas", "Premier").expect(0).stdout,
        "content/cas/premier-2.md\n"
    );
    assert_eq!(
        new(&site, "cas", "Premier !").expect(0).stdout,
        "content/cas/premier-3.md\n"
    );
    assert_eq!(site.read("content/cas/premier.md"), before);
}

#[test]
fn the_new_file_holds_required_fields_hints_and_skeleton() {
    let site = Fixture::guide();
    let run = new(&site, "testimony", "Un réseau d'épiceries solidaires").expect(0);
    let text = site.read(run.stdout.trim());
    assert!(
        text.starts_with("+++\ntitle = \"Un réseau d'épiceries solidaires\"\ndate = 2025-11-25\n# Brouillon : la page n'est pas publiée tant que cette ligne est là. Retirez-la quand la page est prête.\ndraft = true\n"),
        "{text}"
    );
    for line in [
        "\nsummary = \"\"\n",
        "\ntags = []\n",
        "\npractices = []\n",
        "\nsource = []\n",
        "\n# tools = []\n",
    ] {
        assert!(text.contains(line), "{line:?} missing from\n{text}");
    }
    assert!(
        text.contains("\"fiches-pratiques/7-accepter-et-gerer-les-conflits\""),
        "practice sheets are listed"
    );
    assert!(text.contains("\"confiance\""), "tags are listed");
    assert!(text.contains("## Ce qui s'est passé"));
}

#[test]
fn unknown_kinds_and_empty_titles_are_usage_errors() {
    let site = Fixture::copy("site");
    let run = new(&site, "cass", "Titre").expect(2);
    assert!(
        run.stderr
            .contains("unknown kind `cass`; did you mean `case`?"),
        "{}",
        run.stderr
    );
    let run = new(&site, "case", " ?! ").expect(2);
    assert!(run.stderr.contains("at least one letter"), "{}", run.stderr);
}

/// The path CONTRIBUTING.md describes: `new`, write, `check`, build.
#[test]
fn a_testimony_written_with_new_reaches_tags_and_backlinks() {
    let site = Fixture::guide();
    let path = new(&site, "temoignages", "Une épicerie qui fédère un quartier")
        .expect(0)
        .stdout
        .trim()
        .to_string();
    // A draft: `check` leaves it out and says so, `check --drafts` flags what is unfilled.
    let run = site.run(&["check", "--deny-warnings"]).expect(0);
    assert!(run.stderr.contains("1 draft(s) left out"), "{}", run.stderr);
    let run = site.run(&["check", "--drafts"]).expect(0);
    assert!(
        run.stderr.contains("warning[empty-field]"),
        "the unfilled page is flagged: {}",
        run.stderr
    );
    site.run(&["check", "--drafts", "--deny-warnings"])
        .expect(1);

    let text = site
        .read(&path)
        .replace(
            "summary = \"\"",
            "summary = \"Une épicerie solidaire réunit trois associations.\"",
        )
        .replace("tags = []", "tags = [\"moyens\", \"groupes-locaux\"]")
        .replace(
            "practices = []",
            "practices = [\"fiches-pratiques/4-contributions-adaptees-aux-ambitions\"]",
        )
        .replace("source = []", "source = \"Témoignage d'une adhérente\"")
        .replace("draft = true\n", "");
    let front_end = text.rfind("+++\n").unwrap() + 4;
    let text = format!(
        "{}\n## La situation\n\nTrois associations partagent un local et des bénévoles.\n\nVoir aussi [la fiche 1](../fiches-pratiques/1-verifier-les-synergies-reelles.md).\n",
        &text[..front_end]
    );
    site.write(&path, &text);
    site.run(&["check", "--deny-warnings"]).expect(0);
    site.run(&["build"]).expect(0);

    let href = "../../temoignages/une-epicerie-qui-federe-un-quartier/";
    let tag = site.read("public/tags/moyens/index.html");
    assert!(hrefs(&tag).contains(&href.to_string()));
    for sheet in [
        "4-contributions-adaptees-aux-ambitions",
        "1-verifier-les-synergies-reelles",
    ] {
        let page = site.read(&format!("public/fiches-pratiques/{sheet}/index.html"));
        assert!(
            hrefs(section(&page, "links", "footer")).contains(&href.to_string()),
            "{sheet}"
        );
    }
}

#[test]
fn tags_lists_the_vocabulary_with_counts() {
    let site = Fixture::copy("site");
    let run = site.run(&["tags"]).expect(0);
    assert_eq!(
        run.stdout,
        "id      label   pages\necoute  Écoute      3\nvote    Vote        3\nrare    Rare        2\n"
    );
}

#[test]
fn schema_is_generated_from_the_configuration() {
    let site = Fixture::copy("site");
    let run = site.run(&["schema"]).expect(0);
    assert!(
        run.stdout.contains("## `case`: Cas / Cas pratiques"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("| `methods` | page ids of `method` (`methodes/…`); shown as « Méthodes employées », inverse « Cas pratiques » | yes |")
    );
    assert!(run.stdout.contains("| `lieu` | text |  |"));
    assert!(run.stdout.contains("Lists sorted newest first."));
}

/// The filled example of CONTRIBUTING.md is a valid testimony of the guide.
#[test]
fn the_contributing_example_checks_clean() {
    let guide = Fixture::guide();
    let doc = std::fs::read_to_string(crate::support::repo().join("CONTRIBUTING.md")).unwrap();
    let start = doc
        .find("```markdown\n+++")
        .expect("CONTRIBUTING.md has a filled example")
        + "```markdown\n".len();
    let end = start + doc[start..].find("\n```").unwrap() + 1;
    guide.write("content/temoignages/exemple-epicerie.md", &doc[start..end]);
    let run = guide.run(&["check", "--deny-warnings"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}
