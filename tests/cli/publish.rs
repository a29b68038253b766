//! What a build publishes: of `content/`, the pages and the files pages link to, never an
//! editor's leftovers; of `static/` and the theme's `static/`, everything but hidden
//! files. `check` warns about the files it will not publish.

use crate::support::Fixture;

/// The files of the output directory, without the marker.
fn published(site: &Fixture) -> Vec<String> {
    site.tree("public")
        .into_iter()
        .map(|(file, _)| file)
        .filter(|f| f != ".archipel-output")
        .collect()
}

#[test]
fn only_linked_files_of_content_are_published() {
    let site = Fixture::copy("site");
    site.write("content/img/schema.svg", "<svg/>");
    site.write("content/notes-privees.txt", "à ne pas publier");
    site.write("content/cas/brouillon.pdf", "%PDF");
    site.write(
        "content/apropos.md",
        "+++\ntitle = \"À propos\"\n+++\n\nUn [schéma](img/schema.svg) et [l'écoute](methodes/ecoute.md).\n",
    );
    site.run(&["build"]).expect(0);
    let files = published(&site);
    assert!(files.contains(&"img/schema.svg".to_string()), "{files:?}");
    assert!(
        !files
            .iter()
            .any(|f| f.contains("notes") || f.ends_with(".pdf")),
        "{files:?}"
    );
}

#[test]
fn editor_leftovers_are_never_published_even_when_linked() {
    let site = Fixture::copy("site");
    let leftovers = [
        "cas/premier.md~",
        "cas/#premier.md#",
        "cas/.premier.md.swp",
        "cas/premier.md.swp",
        "cas/premier.md.bak",
        "cas/premier.md.orig",
        "img/Thumbs.db",
        "img/.DS_Store",
    ];
    for file in leftovers {
        site.write(
            &format!("content/{file}"),
            "+++\ntitle = \"Brouillon secret\"\n+++\n",
        );
    }
    site.run(&["build"]).expect(0);
    let files = published(&site);
    assert!(
        !files
            .iter()
            .any(|f| f.contains("premier.md") || f.contains("Thumbs") || f.contains("DS_Store")),
        "{files:?}"
    );
    // A link to a backup is a missing file, not a way to publish it.
    site.write(
        "content/apropos.md",
        "+++\ntitle = \"À propos\"\n+++\n\nLa [sauvegarde](cas/premier.md.bak).\n",
    );
    let run = site.run(&["check"]).expect(1);
    assert!(
        run.stderr
            .contains("error[missing-file]: the file `cas/premier.md.bak` does not exist"),
        "{}",
        run.stderr
    );
    // And check says nothing of them: they are the editor's, not the author's.
    site.write(
        "content/apropos.md",
        "+++\ntitle = \"À propos\"\n+++\n\nTexte.\n",
    );
    let run = site.run(&["check"]).expect(0);
    assert!(!run.stderr.contains("premier.md"), "{}", run.stderr);
}

#[test]
fn a_draft_s_backup_does_not_publish_the_draft() {
    let site = Fixture::copy("site");
    let draft = "+++\ntitle = \"Secret\"\ndraft = true\ntags = [\"vote\"]\nmethods = [\"vote\"]\n+++\n\nTexte secret.\n";
    site.write("content/cas/secret.md", draft);
    site.write("content/cas/secret.md~", draft);
    site.write("content/cas/secret.md.bak", draft);
    site.run(&["build"]).expect(0);
    for (file, bytes) in site.tree("public") {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("secret"),
            "{file} leaks the draft"
        );
    }
}

#[test]
fn check_warns_about_files_it_will_not_publish() {
    let site = Fixture::copy("site");
    site.write("content/notes-privees.txt", "à ne pas publier");
    let run = site.run(&["check"]).expect(0);
    assert!(
        run.stderr.contains("content/notes-privees.txt: warning[unpublished-file]: no page links to `notes-privees.txt`: it will not be published"),
        "{}",
        run.stderr
    );
    site.run(&["check", "--deny-warnings"]).expect(1);
}

#[test]
fn hidden_files_of_static_directories_are_not_published() {
    let site = Fixture::copy("site");
    for dir in ["static", "themes/default/static"] {
        site.write(&format!("{dir}/.env"), "SECRET=1");
        site.write(&format!("{dir}/.git/config"), "[core]");
        site.write(&format!("{dir}/fonts/.cache"), "x");
    }
    site.write("static/fonts/libre.woff2", "woff");
    site.run(&["build"]).expect(0);
    let files = published(&site);
    assert!(
        files.contains(&"fonts/libre.woff2".to_string()),
        "{files:?}"
    );
    assert!(
        !files
            .iter()
            .any(|f| f.contains(".env") || f.contains(".git") || f.contains(".cache")),
        "{files:?}"
    );
}

#[test]
fn a_serve_rebuild_publishes_a_file_once_linked_and_drops_it_once_unlinked() {
    use archipel::build::{self, Cache};
    use archipel::render::Options;
    use std::path::Path;
    let site = Fixture::copy("site");
    site.write("content/img/schema.svg", "<svg/>");
    let out = site.path("served");
    let mut cache = Cache::new();
    build::rebuild(site.root(), &out, Options::default(), &mut cache).unwrap();
    assert!(!out.join("img/schema.svg").exists());
    let page = "content/apropos.md";
    let text = site.read(page);
    site.write(page, &format!("{text}\n![Schéma](img/schema.svg)\n"));
    cache.invalidate(Path::new(page));
    build::rebuild(site.root(), &out, Options::default(), &mut cache).unwrap();
    assert!(out.join("img/schema.svg").is_file());
    site.write(page, &text);
    cache.invalidate(Path::new(page));
    build::rebuild(site.root(), &out, Options::default(), &mut cache).unwrap();
    assert!(!out.join("img/schema.svg").exists());
}
