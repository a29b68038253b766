//! Symbolic links under `content/` and `static/` are never followed (a pull request could otherwise
//! publish a file of the machine that builds the site), and never dropped without a word:
//! a linked page or directory is an error naming it. Also: a reader that closes its pipe
//! early (`archipel check | head`) does not make archipel panic.

use std::os::unix::fs::symlink;
use std::process::Stdio;

use crate::support::Fixture;

/// A file outside the site, as a private file of the building machine, in `outside`: a
/// directory of the test's own. Tests run in parallel, and one file shared by all of
/// them (`../secret-notes.txt`, beside every fixture) was rewritten by one test while
/// another copied it, which then read it back empty.
fn secret(outside: &tempfile::TempDir) -> std::path::PathBuf {
    let file = outside.path().join("secret-notes.txt");
    std::fs::write(&file, "MOT-DE-PASSE-PRIVE").unwrap();
    file
}

#[test]
fn a_page_that_is_a_symbolic_link_is_an_error_and_nothing_is_published() {
    let site = Fixture::copy("site");
    let outside = tempfile::tempdir().unwrap();
    let target = secret(&outside);
    symlink(&target, site.path("content/cas/lien.md")).unwrap();
    for command in ["build", "check"] {
        let run = site.run(&[command]).expect(1);
        assert!(
            run.stderr.contains("error[symlink]: a symbolic link, which archipel does not follow (it could publish a file from outside the site)"),
            "{command}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("content/cas/lien.md"), "{}", run.stderr);
        assert!(
            run.stderr
                .contains("put the file itself here, or move it under `content/`"),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains("MOT-DE-PASSE-PRIVE"), "{}", run.stderr);
    }
    assert!(!site.path("public").exists());
}

#[test]
fn a_broken_or_looping_link_to_a_page_is_an_error_not_a_silent_gap() {
    let site = Fixture::copy("site");
    symlink(
        site.path("content/cas/nowhere.md"),
        site.path("content/cas/casse.md"),
    )
    .unwrap();
    symlink(
        site.path("content/cas/boucle.md"),
        site.path("content/cas/boucle.md"),
    )
    .unwrap();
    let run = site.run(&["check"]).expect(1);
    assert_eq!(
        run.stderr.matches("error[symlink]").count(),
        2,
        "{}",
        run.stderr
    );
    for page in ["content/cas/casse.md", "content/cas/boucle.md"] {
        assert!(run.stderr.contains(page), "{page}: {}", run.stderr);
    }
}

#[test]
fn a_linked_directory_of_pages_is_an_error() {
    let site = Fixture::copy("site");
    let outside = tempfile::tempdir().unwrap();
    let elsewhere = outside.path().join("autres-cas");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::copy(
        site.path("content/cas/second.md"),
        elsewhere.join("quatrieme.md"),
    )
    .unwrap();
    symlink(&elsewhere, site.path("content/cas/autres")).unwrap();
    let run = site.run(&["build"]).expect(2);
    assert!(run.stderr.contains("error[symlink]"), "{}", run.stderr);
    assert!(run.stderr.contains("content/cas/autres"), "{}", run.stderr);
}

#[test]
fn a_linked_file_is_not_published_even_when_a_page_links_to_it() {
    let site = Fixture::copy("site");
    let outside = tempfile::tempdir().unwrap();
    let target = secret(&outside);
    symlink(&target, site.path("content/cas/notes.txt")).unwrap();
    // Unlinked: the build succeeds and the file is not in the output.
    site.run(&["build"]).expect(0);
    assert!(!site.path("public/cas/notes.txt").exists());
    // Linked: the link is reported as a missing file, and nothing is published.
    let page = site.read("content/cas/second.md");
    site.write(
        "content/cas/second.md",
        &format!("{page}\n[Notes](notes.txt)\n"),
    );
    let run = site.run(&["build"]).expect(1);
    assert!(run.stderr.contains("notes.txt"), "{}", run.stderr);
    let leaked = site
        .tree("public")
        .into_iter()
        .any(|(_, bytes)| bytes.windows(18).any(|w| w == b"MOT-DE-PASSE-PRIVE"));
    assert!(!leaked);
}

#[test]
fn a_reader_that_closes_its_pipe_does_not_make_archipel_panic() {
    let site = Fixture::copy("site");
    site.write(
        "content/cas/second.md",
        "+++\ntitle = \"Second cas\"\ntags = [\"inconnu\"]\nmethods = [\"vote\"]\n+++\n\nTexte.\n",
    );
    for (args, code) in [(&["check", "--format", "json"][..], 1), (&["tags"][..], 0)] {
        // The pipe's reading end is closed before archipel starts, so every write to
        // standard output fails, whatever the timing.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let output = site
            .command(args)
            .stdout(Stdio::from(writer))
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_symbolic_link_in_static_is_an_error_and_its_target_is_not_published() {
    let site = Fixture::copy("site");
    let outside = tempfile::tempdir().unwrap();
    let target = secret(&outside);
    std::fs::create_dir_all(site.path("static/docs")).unwrap();
    std::fs::write(site.path("static/docs/plan.txt"), "un vrai fichier").unwrap();
    symlink(&target, site.path("static/docs/notes.txt")).unwrap();
    let run = site.run(&["build"]).expect(2);
    assert!(run.stderr.contains("error[symlink]"), "{}", run.stderr);
    assert!(
        run.stderr.contains("static/docs/notes.txt"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("put a copy of the file itself here, not a link to it"),
        "{}",
        run.stderr
    );
    assert!(!site.path("public").exists());
    // The file itself in its place is published.
    std::fs::remove_file(site.path("static/docs/notes.txt")).unwrap();
    std::fs::copy(&target, site.path("static/docs/notes.txt")).unwrap();
    site.run(&["build"]).expect(0);
    assert_eq!(site.read("public/docs/notes.txt"), "MOT-DE-PASSE-PRIVE");
    assert_eq!(site.read("public/docs/plan.txt"), "un vrai fichier");
}

#[test]
fn a_template_that_is_a_symbolic_link_is_an_error() {
    let site = Fixture::copy("site");
    let outside = tempfile::tempdir().unwrap();
    let target = secret(&outside);
    std::fs::create_dir_all(site.path("templates")).unwrap();
    symlink(&target, site.path("templates/page.html")).unwrap();
    let run = site.run(&["build"]).expect(2);
    assert!(
        run.stderr.contains("error[symlink]") && run.stderr.contains("templates/page.html"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("MOT-DE-PASSE-PRIVE"), "{}", run.stderr);
    assert!(!site.path("public").exists());
}
