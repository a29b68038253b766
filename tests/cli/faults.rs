//! Faults leave nothing behind: a build stopped by a signal removes its staging tree, a
//! later build removes what a killed one left (only when it carries archipel's mark),
//! and `--zip` never replaces an archive that archipel did not write.

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

#[cfg(unix)]
#[test]
fn a_build_stopped_by_a_signal_removes_its_staging_tree() {
    for signal in ["TERM", "HUP", "INT"] {
        let site = Fixture::copy("site");
        // Reading the tag vocabulary blocks on a named pipe that nobody writes to: the
        // build is caught half-way, its staging tree made, deterministically.
        let tags = site.path("content/tags.toml");
        std::fs::remove_file(&tags).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(&tags)
            .status()
            .unwrap();
        assert!(made.success());
        let mut child = site
            .command(&["build"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
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
    assert_eq!(temporaries(&site), [".public.archipel-new-4194996"]);
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
