//! The sharded search index (#16): the postings split by term prefix into scripts under
//! `search/shards/`, and an incremental rebuild that rewrites only the shards whose terms
//! or documents changed.

use std::collections::BTreeMap;
use std::path::Path;

use archipel::build::{self, Cache};
use archipel::render::Options;

use crate::support::Fixture;

/// The fixture site with its index always sharded.
fn sharded() -> Fixture {
    let site = Fixture::copy("site");
    let config = site.read("archipel.toml");
    site.write(
        "archipel.toml",
        &format!("{config}\n[search]\nshard_above = 0\n"),
    );
    site
}

fn shards(files: &[String]) -> Vec<&str> {
    files
        .iter()
        .map(String::as_str)
        .filter(|f| f.starts_with("search/shards/"))
        .collect()
}

#[test]
fn the_index_is_split_into_shards_that_the_manifest_names() {
    let site = sharded();
    site.run(&["build"]).expect(0);
    let manifest = site.read("public/search-index.js");
    assert!(manifest.contains("\"shards\":["), "{manifest}");
    assert!(!manifest.contains("\"terms\""));
    // The manifest's keys are the shard files, each holding the terms it starts.
    let keys = &manifest[manifest.find("\"shards\":[").unwrap() + 10..];
    let keys: Vec<&str> = keys[..keys.find(']').unwrap()]
        .split(',')
        .map(|k| k.trim_matches('"'))
        .collect();
    assert!(keys.len() > 5, "{keys:?}");
    for key in keys
        .iter()
        .filter(|k| k.chars().all(|c| c.is_ascii_alphanumeric()))
    {
        let shard = site.read(&format!("public/search/shards/t-{key}.js"));
        assert!(shard.starts_with(&format!("ARCHIPEL_SEARCH_LOADED(\"t-{key}\",{{\"{key}")));
    }
    // Without the setting, the fixture's few terms stay in the manifest.
    let small = Fixture::copy("site");
    small.run(&["build"]).expect(0);
    assert!(small.read("public/search-index.js").contains("\"terms\":{"));
}

#[test]
fn a_rebuild_rewrites_only_the_shards_whose_terms_changed() {
    let site = sharded();
    let out = site.path("served");
    let mut cache = Cache::new();
    build::rebuild(site.root(), &out, Options::default(), &mut cache).unwrap();
    let mut edit = |page: &str, from: &str, to: &str| {
        site.write(page, &site.read(page).replacen(from, to, 1));
        cache.invalidate(Path::new(page));
        build::rebuild(site.root(), &out, Options::default(), &mut cache).unwrap()
    };
    // A new word in the last case: its shard appears, and the case's chunk of documents
    // changes; no other shard is written.
    let page = "content/cas/troisieme.md";
    let body = site.read(page);
    let last_line = body.lines().last().unwrap().to_string();
    let rebuilt = edit(page, &last_line, &format!("{last_line} Zygomatique."));
    let written = shards(&rebuilt.written);
    assert_eq!(written.len(), 2, "{written:?}");
    // Nor made again: the page, the manifest, the new shard and the chunk.
    assert_eq!(rebuilt.rendered, 4);
    assert!(written.contains(&"search/shards/t-z.js"), "{written:?}");
    assert!(
        written.iter().any(|f| f.starts_with("search/shards/d")),
        "{written:?}"
    );
    assert!(
        site.read("served/search/shards/t-z.js")
            .contains("\"zygomat\":[")
    );
    // The word gone, so is its shard.
    let rebuilt = edit(page, " Zygomatique.", "");
    assert_eq!(shards(&rebuilt.removed), ["search/shards/t-z.js"]);
    assert_eq!(shards(&rebuilt.written).len(), 1, "{:?}", rebuilt.written);
}

/// The index's files under `dir`: the manifest and every shard, by path.
fn index_files(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    files.insert(
        "search-index.js".to_string(),
        std::fs::read_to_string(dir.join("search-index.js")).unwrap(),
    );
    for entry in std::fs::read_dir(dir.join("search/shards")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        files.insert(name, std::fs::read_to_string(&path).unwrap());
    }
    files
}

/// What `serve` keeps of the index between rebuilds (#16): after words are added and
/// removed, pages added, removed and renamed, the index's files are those of a clean
/// build, with no stale posting, shard or chunk.
#[test]
fn the_index_kept_by_serve_stays_that_of_a_clean_build() {
    let site = sharded();
    let (out, clean) = (site.path("served"), site.path("clean"));
    // As `serve` does: drafts published, the index after the pages.
    let options = Options {
        drafts: true,
        ..Options::default()
    };
    let mut cache = Cache::new();
    cache.defer_search_index(true);
    build::rebuild(site.root(), &out, options, &mut cache).unwrap();
    let edit = |page: &str, from: &str, to: &str| {
        site.write(page, &site.read(page).replacen(from, to, 1));
        vec![page.to_string()]
    };
    let new_page = "content/cas/nouveau.md";
    // Each step, and a term that the index then holds (or no longer holds, with `!`).
    type Step<'a> = (&'a str, Box<dyn Fn() -> Vec<String> + 'a>);
    let steps: Vec<Step<'_>> = vec![
        (
            "zygomat",
            Box::new(|| {
                edit(
                    "content/cas/troisieme.md",
                    "signaler.",
                    "signaler. Zygomatique xylophone.",
                )
            }),
        ),
        (
            "!lieu",
            Box::new(|| edit("content/cas/second.md", "Un vote a eu lieu.", "Un vote.")),
        ),
        (
            "zebr",
            Box::new(|| edit("content/cas/second.md", "Second cas", "Second zèbre")),
        ),
        (
            "quokka",
            Box::new(|| {
                site.write(new_page, "+++\ntitle = \"Nouveau cas\"\ndate = 2022-01-01\ntags = [\"vote\"]\nmethods = [\"methodes/vote\"]\n+++\n\nUn quokka, un vote.\n");
                vec![new_page.to_string()]
            }),
        ),
        (
            "zygomat",
            Box::new(|| {
                let (from, to) = ("content/cas/troisieme.md", "content/cas/dernier.md");
                std::fs::rename(site.path(from), site.path(to)).unwrap();
                vec![from.to_string(), to.to_string()]
            }),
        ),
        (
            "!quokka",
            Box::new(|| {
                std::fs::remove_file(site.path(new_page)).unwrap();
                vec![new_page.to_string()]
            }),
        ),
        (
            "!zygomat",
            Box::new(|| edit("content/cas/dernier.md", " Zygomatique xylophone.", "")),
        ),
    ];
    for (term, step) in &steps {
        for path in step() {
            cache.invalidate(Path::new(&path));
        }
        let pages = build::rebuild(site.root(), &out, options, &mut cache).unwrap();
        assert!(pages.deferred, "after {term}: the index is left for later");
        // The index alone, with the site's warnings as they were.
        let index = build::rebuild(site.root(), &out, options, &mut cache).unwrap();
        assert!(!index.deferred);
        assert_eq!(
            format!("{:?}", index.warnings),
            format!("{:?}", pages.warnings)
        );
        let other = index.written.iter().find(|f| !f.contains("search"));
        assert_eq!(other, None, "after {term}: only the index is written");
        build::build(site.root(), &clean, options).unwrap();
        let (kept, made) = (index_files(&out), index_files(&clean));
        // Stale (kept but not made or made otherwise), then missing.
        let stale = kept.iter().filter(|(f, t)| made.get(*f) != Some(t));
        let missing = made.keys().filter(|f| !kept.contains_key(*f));
        let differ: Vec<&String> = stale.map(|(f, _)| f).chain(missing).collect();
        assert_eq!(
            differ,
            Vec::<&String>::new(),
            "after {term}: not a clean build's"
        );
        let (absent, term) = match term.strip_prefix('!') {
            Some(t) => (true, t),
            None => (false, *term),
        };
        let holds = kept.values().any(|f| f.contains(&format!("\"{term}\":[")));
        assert_eq!(holds, !absent, "{term} in the index");
    }
}
