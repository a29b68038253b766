//! The offline copy as a zip (`build --offline --zip FILE`, issue #5): the same files as
//! the offline directory, under one top folder that opens on `index.html`.

use std::collections::BTreeMap;
use std::io::Read;

use crate::support::Fixture;

/// The files of a zip archive (folders left out), with their bytes.
fn unzip(path: &std::path::Path) -> BTreeMap<String, Vec<u8>> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut files = BTreeMap::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        if entry.is_dir() {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        files.insert(entry.name().unwrap().to_string(), bytes);
    }
    files
}

#[test]
fn zip_holds_the_offline_copy_under_one_folder() {
    let site = Fixture::copy("site");
    site.run(&["build", "--offline", "--out", "copie"])
        .expect(0);
    let run = site
        .run(&["build", "--offline", "--zip", "dist/guide.zip"])
        .expect(0);
    assert!(run.stderr.contains("dist/guide.zip"), "{}", run.stderr);

    let zipped = unzip(&site.path("dist/guide.zip"));
    let expected: BTreeMap<String, Vec<u8>> = site
        .tree("copie")
        .into_iter()
        .filter(|(name, _)| name != ".archipel-output")
        .map(|(name, bytes)| (format!("guide/{name}"), bytes))
        .collect();
    assert_eq!(
        zipped.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    assert!(
        zipped == expected,
        "the zip's files differ from the offline copy's"
    );
    let home = String::from_utf8(zipped["guide/index.html"].clone()).unwrap();
    assert!(home.contains(r#"href="cas/index.html""#), "{home}");
    // Nothing is left beside the archive.
    let beside: Vec<_> = std::fs::read_dir(site.path("dist"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(beside, ["guide.zip"]);
}

#[test]
fn zip_is_replaced_only_by_a_successful_build() {
    let site = Fixture::copy("site");
    site.run(&["build", "--offline", "--zip", "guide.zip"])
        .expect(0);
    let before = std::fs::read(site.path("guide.zip")).unwrap();
    site.write(
        "content/cas/second.md",
        "+++\ntitle = \"Second\"\ntags = [\"inconnu\"]\n+++\n",
    );
    site.run(&["build", "--offline", "--zip", "guide.zip"])
        .expect(1);
    assert_eq!(std::fs::read(site.path("guide.zip")).unwrap(), before);
    let leftovers = site.hidden_entries();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn zip_never_overwrites_a_file_that_is_not_an_archive() {
    let site = Fixture::copy("site");
    site.write("notes.zip", "mes notes\n");
    let run = site
        .run(&["build", "--offline", "--zip", "notes.zip"])
        .expect(2);
    assert!(
        run.stderr
            .contains("it is a file that is not a zip archive"),
        "{}",
        run.stderr
    );
    assert_eq!(site.read("notes.zip"), "mes notes\n");
}

#[test]
fn zip_and_out_cannot_be_combined() {
    let site = Fixture::copy("site");
    let run = site
        .run(&["build", "--zip", "a.zip", "--out", "copie"])
        .expect(2);
    assert!(run.stderr.contains("--out"), "{}", run.stderr);
}
