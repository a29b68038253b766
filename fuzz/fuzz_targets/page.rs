//! One page of the `site` fixture replaced by arbitrary bytes, then loaded, validated
//! and linked like `archipel check` does, and its body rendered: nothing may panic, and
//! every diagnostic about the page must point inside it.

#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use archipel::load::{self, Loaded};
use archipel::{config, links, markdown, model};
use libfuzzer_sys::fuzz_target;

/// The fixture site, loaded once.
fn fixture() -> &'static (PathBuf, Loaded) {
    static SITE: OnceLock<(PathBuf, Loaded)> = OnceLock::new();
    SITE.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/site");
        let loaded = load::load(&root).expect("the fixture loads");
        (root, loaded)
    })
}

const FUZZED: &str = "cas/premier.md";

fuzz_target!(|data: &[u8]| {
    let (root, base) = fixture();
    let config = config::load(root).expect("the fixture's configuration");
    let mut loaded = Loaded {
        sources: base
            .sources
            .iter()
            .filter(|s| s.rel != FUZZED)
            .cloned()
            .collect(),
        tags: base.tags.clone(),
        assets: base.assets.clone(),
        diags: Vec::new(),
    };
    let path = Path::new(load::CONTENT_DIR).join(FUZZED);
    let text = String::from_utf8_lossy(data).into_owned();
    let lines = text.split('\n').count() as u32;
    match load::parse_source(path.clone(), FUZZED.into(), text) {
        Ok(source) => loaded.sources.push(source),
        Err(d) => loaded.diags.push(d),
    }
    loaded.sources.sort_by(|a, b| a.rel.cmp(&b.rel));
    let (site, mut diags) = model::build(config, loaded, false);
    let (_, more) = links::resolve(&site);
    diags.extend(more);
    for d in diags.iter().filter(|d| d.path == path) {
        if let Some(pos) = d.pos {
            assert!(pos.line >= 1 && pos.line <= lines, "{d:?}");
            assert!(pos.column >= 1, "{d:?}");
        }
    }
    if let Some(i) = site.page_index("cas/premier") {
        markdown::to_html(
            site.pages[i].body(),
            &|_| None,
            site.config.markdown.raw_html,
        );
    }
});
