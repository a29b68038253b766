//! Faults leave nothing behind: a build stopped by a signal removes its staging tree, a
//! later build removes what a killed one left (only when it carries archipel's mark),
//! and `--zip` never replaces an archive that archipel did not write. A build that
//! updates the spare tree (the output before the previous one) and fails or is stopped
//! leaves the output as it was.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::Fixture;

/// How long a condition may take to come true before a test fails.
const DEADLINE: Duration = Duration::from_secs(30);

/// Sends `signal` (`TERM`, `HUP`, `INT`) to process `pid`.
fn kill(signal: &str, pid: u32) {
    let status = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// The site root's entries that a build of `public/` writes beside it.
fn temporaries(site: &Fixture) -> Vec<String> {
    site.hidden_entries()
        .into_iter()
        .filter(|n| n.starts_with(".public.archipel-"))
        .collect()
}

/// A build of `site` that blocks when it reads the tag vocabulary, a named pipe that
/// nobody writes to: caught half-way, its staging tree made, deterministically.
#[cfg(unix)]
fn blocked_build(site: &Fixture) -> std::process::Child {
    let tags = site.path("content/tags.toml");
    std::fs::remove_file(&tags).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&tags)
        .status()
        .unwrap();
    assert!(made.success());
    site.command(&["build"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn a_build_stopped_by_a_signal_removes_its_staging_tree() {
    for signal in ["TERM", "HUP", "INT"] {
        let site = Fixture::copy("site");
        let mut child = blocked_build(&site);
        let start = Instant::now();
        while temporaries(&site).is_empty() {
            assert!(start.elapsed() < DEADLINE, "no staging tree appeared");
            std::thread::sleep(Duration::from_millis(10));
        }
        kill(signal, child.id());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(130), "{signal}");
        assert!(
            temporaries(&site).is_empty(),
            "{signal}: {:?}",
            temporaries(&site)
        );
        assert!(!site.path("public").exists());
    }
}

#[test]
fn a_build_removes_what_killed_builds_left_only_with_the_mark() {
    let site = Fixture::copy("site");
    // Process ids above the kernel's largest possible one: those builds are gone.
    for (name, marked) in [
        (".public.archipel-new-4194999", true),
        (".public.archipel-old-4194998", true),
        (".public.archipel-pending-4194997", true),
        (".public.archipel-new-4194996", false),
    ] {
        site.write(&format!("{name}/page.html"), "<p>ancien</p>");
        if marked {
            site.write(&format!("{name}/.archipel-output"), "");
        }
    }
    site.run(&["build"]).expect(0);
    assert_eq!(temporaries(&site), [".public.archipel-new-4194996"]);
    site.run(&["build"]).expect(0);
    // The tree the second build replaced is kept as the next build's spare.
    let mut left = temporaries(&site);
    left.sort();
    assert_eq!(
        left,
        [".public.archipel-new-4194996", ".public.archipel-spare"]
    );
}

/// A site built twice: `public/` and the spare tree beside it share unchanged files.
fn built_twice() -> Fixture {
    let site = Fixture::copy("site");
    site.run(&["build"]).expect(0);
    site.run(&["build"]).expect(0);
    assert_eq!(temporaries(&site), [".public.archipel-spare"]);
    site
}

#[test]
fn a_failed_build_over_the_spare_tree_leaves_the_output_as_it_was() {
    let site = built_twice();
    let before = site.tree("public");
    // A changed page, whose file in the spare is a hard link to the live one, is written
    // before the home page's template fails (the home page comes after every page).
    let page = site.read("content/cas/premier.md");
    site.write("content/cas/premier.md", &format!("{page}\nUn ajout.\n"));
    site.write("templates/index.html", "{{ throw(message=\"panne\") }}");
    let run = site.run(&["build"]);
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("panne"), "{}", run.stderr);
    assert_eq!(site.tree("public"), before);
    // The spare was that build's staging tree: removed with it, nothing else left.
    assert!(temporaries(&site).is_empty(), "{:?}", temporaries(&site));
    std::fs::remove_file(site.path("templates/index.html")).unwrap();
    site.run(&["build"]).expect(0);
    assert!(
        site.read("public/cas/premier/index.html")
            .contains("Un ajout.")
    );
}

#[cfg(unix)]
#[test]
fn a_build_stopped_while_it_updates_the_spare_tree_keeps_the_output() {
    let site = built_twice();
    let before = site.tree("public");
    let mut child = blocked_build(&site);
    let start = Instant::now();
    // The build takes the spare as its staging tree.
    while temporaries(&site) != [format!(".public.archipel-new-{}", child.id())] {
        assert!(start.elapsed() < DEADLINE, "{:?}", temporaries(&site));
        std::thread::sleep(Duration::from_millis(10));
    }
    kill("TERM", child.id());
    assert_eq!(child.wait().unwrap().code(), Some(130));
    assert!(temporaries(&site).is_empty(), "{:?}", temporaries(&site));
    assert_eq!(site.tree("public"), before);
}

#[test]
fn zip_never_replaces_an_archive_that_archipel_did_not_write() {
    use std::io::Write;
    let site = Fixture::copy("site");
    let path = site.path("photos.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    zip.start_file("vacances.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(b"souvenirs").unwrap();
    zip.finish().unwrap();
    let before = std::fs::read(&path).unwrap();
    let run = site
        .run(&["build", "--offline", "--zip", "photos.zip"])
        .expect(2);
    assert!(
        run.stderr
            .contains("it is a zip archive that archipel did not write"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // Its own archive, archipel replaces.
    site.run(&["build", "--offline", "--zip", "guide.zip"])
        .expect(0);
    site.run(&["build", "--offline", "--zip", "guide.zip"])
        .expect(0);
    assert!(
        site.hidden_entries().is_empty(),
        "{:?}",
        site.hidden_entries()
    );
}

#[test]
fn a_line_of_five_thousand_unknown_tags_prints_a_bounded_report() {
    let site = Fixture::copy("site");
    let tags: Vec<String> = (0..5000).map(|i| format!("\"inconnu-{i}\"")).collect();
    site.write(
        "content/cas/second.md",
        &format!(
            "+++\ntitle = \"Second\"\ntags = [{}]\nmethods = [\"vote\"]\n+++\n\nTexte.\n",
            tags.join(", ")
        ),
    );
    let run = site.run(&["check"]).expect(1);
    assert!(run.stderr.len() < 64 * 1024, "{} bytes", run.stderr.len());
    assert_eq!(run.stderr.matches("error[unknown-tag]").count(), 21);
    assert!(
        run.stderr.contains(
            "content/cas/second.md: error[unknown-tag]: … and 4980 more like this in this file"
        ),
        "{}",
        run.stderr
    );
    let json = site.run(&["check", "--format", "json"]).expect(1);
    assert_eq!(json.stdout.lines().count(), 21);
}

#[cfg(target_os = "linux")]
#[test]
fn errors_name_the_chosen_output_not_a_hidden_path() {
    let site = Fixture::copy("site");
    // Nothing can be created at the top of /proc, not even by root.
    let run = site
        .run(&["build", "--out", "/proc/archipel-sortie"])
        .expect(2);
    assert!(
        run.stderr.starts_with("error: /proc/archipel-sortie: "),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(".archipel-"), "{}", run.stderr);
}
