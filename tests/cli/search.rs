//! The sharded search index (#16): the postings split by term prefix into scripts under
//! `search/shards/`, and an incremental rebuild that rewrites only the shards whose terms
//! or documents changed.

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
