//! Property tests: arbitrary bytes, near-valid front matter and Markdown through load,
//! model and links, and random small sites through a whole build. Nothing may panic, and
//! every problem must be a diagnostic that points inside the file it names. Case counts
//! stay small for CI; `PROPTEST_CASES=N` runs N cases of each page property and N/4
//! random sites.

use std::path::{Path, PathBuf};

use archipel::diag::Diagnostic;
use archipel::load::{self, Loaded};
use archipel::{build, config, links, markdown, model, render};
use proptest::prelude::*;

use crate::support::{Fixture, repo};

/// `default` cases, or what `PROPTEST_CASES` asks for divided by `share`.
fn cases(default: u32, share: u32) -> ProptestConfig {
    let asked = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse::<u32>().ok());
    ProptestConfig::with_cases(asked.map_or(default, |n| (n / share).max(1)))
}

/// The `site` fixture, loaded.
fn fixture() -> (PathBuf, Loaded) {
    let root = repo().join("tests/fixtures/site");
    let loaded = load::load(&root).unwrap();
    (root, loaded)
}

/// The fixture with `cas/premier.md` replaced by `text`, checked like `archipel check`
/// does; returns the diagnostics about that file and its line count.
fn check_page(text: String) -> (Vec<Diagnostic>, u32) {
    let (root, base) = fixture();
    let config = config::load(&root).unwrap();
    let rel = "cas/premier.md";
    let path = Path::new(load::CONTENT_DIR).join(rel);
    let lines = text.split('\n').count() as u32;
    let mut loaded = Loaded {
        sources: base.sources.into_iter().filter(|s| s.rel != rel).collect(),
        tags: base.tags,
        assets: base.assets,
        diags: Vec::new(),
    };
    match load::parse_source(path.clone(), rel.into(), text) {
        Ok(source) => loaded.sources.push(source),
        Err(d) => loaded.diags.push(d),
    }
    loaded.sources.sort_by(|a, b| a.rel.cmp(&b.rel));
    let (site, mut diags) = model::validate(config, loaded, false);
    diags.extend(links::resolve(&site).1);
    if let Some(i) = site.page_index("cas/premier") {
        markdown::to_html(
            &site.pages[i].body(),
            &|_| None,
            site.config.markdown.raw_html,
        );
    }
    diags.retain(|d| d.path == path);
    (diags, lines)
}

/// Codes about a file's name or place rather than its text: they name the file only.
const FILE_CODES: [&str; 5] = [
    "bad-slug",
    "bad-file-name",
    "unknown-kind-dir",
    "reserved-name",
    "output-collision",
];

/// Every error is placed inside the file, on a line it has (or is about its name).
fn positioned(diags: &[Diagnostic], lines: u32) -> Result<(), TestCaseError> {
    for d in diags
        .iter()
        .filter(|d| d.is_error() && !FILE_CODES.contains(&d.code))
    {
        let pos = d
            .pos
            .ok_or_else(|| TestCaseError::fail(format!("no position: {d:?}")))?;
        prop_assert!(pos.line >= 1 && pos.line <= lines, "{d:?}");
        prop_assert!(pos.column >= 1, "{d:?}");
    }
    Ok(())
}

/// A front-matter value that is nearly right: strings, dates, lists, broken quoting.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "\"[a-zA-Zéè \\-]{0,12}\"",
        "[0-9]{1,4}-[0-9]{1,2}-[0-9]{1,2}",
        "\\[(\"[a-z\\-]{0,8}\", ?){0,3}\\]",
        "[0-9\\-]{1,20}",
        "\"[^\"\\n]{0,10}",
        "true|false|\\{\\}|\\[\\[|'''",
    ]
}

/// Front matter with real and unknown keys, then a body of links of every form.
fn near_valid_page() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("title"),
        Just("date"),
        Just("tags"),
        Just("methods"),
        Just("lieu"),
        Just("summary"),
        Just("draft"),
        Just("order"),
        Just("inconnu"),
        Just("titre"),
    ];
    let entries = prop::collection::vec((key, value()), 0..6);
    let link = prop_oneof![
        "\\.\\./methodes/(vote|ecoute|nulle)\\.md(#[a-z]{0,4})?",
        "/methodes/[a-z]{0,6}\\.md",
        "(second|troisieme)\\.md",
        "[a-z%0-9 ]{0,10}\\.(svg|png|md)",
        "(javascript|data|https?|mailto|doi):[a-z/.()]{0,10}",
        "#[a-z]{0,5}",
        "[^()\\n]{0,12}",
    ];
    let body = prop::collection::vec((link, "[a-zA-Zé #*\\-\\[\\]\\n]{0,20}"), 0..5);
    let fence = prop_oneof![Just("+++\n"), Just("+++\r\n"), Just("++\n"), Just("")];
    (fence.clone(), entries, fence, body).prop_map(|(open, entries, close, body)| {
        let mut text = open.to_string();
        for (k, v) in entries {
            text.push_str(&format!("{k} = {v}\n"));
        }
        text.push_str(close);
        for (dest, words) in body {
            text.push_str(&format!("{words} [lien]({dest}) ![img]({dest})\n"));
        }
        text
    })
}

proptest! {
    #![proptest_config(cases(48, 1))]

    #[test]
    fn arbitrary_bytes_never_panic_and_errors_are_placed(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let (diags, lines) = check_page(text);
        positioned(&diags, lines)?;
    }

    #[test]
    fn near_valid_pages_never_panic_and_errors_are_placed(text in near_valid_page()) {
        let (diags, lines) = check_page(text);
        positioned(&diags, lines)?;
    }
}

/// A random small site: pages of one kind linking to each other, with tags.
fn random_site() -> impl Strategy<Value = Vec<(String, String)>> {
    let page = (
        "[a-z][a-z0-9\\-]{0,8}",
        "[A-Za-zé ]{0,12}",
        prop::collection::vec(
            prop_oneof![Just("vote"), Just("ecoute"), Just("rare"), Just("faux")],
            0..3,
        ),
        prop::collection::vec("[a-z][a-z0-9\\-]{0,8}", 0..3),
    );
    prop::collection::vec(page, 1..6).prop_map(|pages| {
        pages
            .into_iter()
            .map(|(slug, title, tags, targets)| {
                let tags: Vec<String> = tags.iter().map(|t| format!("\"{t}\"")).collect();
                let mut text = format!(
                    "+++\ntitle = \"{title}\"\ntags = [{}]\nmethods = [\"vote\"]\n+++\n\n",
                    tags.join(", ")
                );
                for t in targets {
                    text.push_str(&format!("Voir [{t}]({t}.md).\n"));
                }
                (format!("content/cas/{slug}.md"), text)
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(cases(12, 4))]

    #[test]
    fn random_sites_build_or_fail_with_placed_errors(pages in random_site()) {
        let site = Fixture::copy("site");
        for file in ["premier", "second", "troisieme"] {
            std::fs::remove_file(site.path(&format!("content/cas/{file}.md"))).unwrap();
        }
        for (path, text) in &pages {
            site.write(path, text);
        }
        let out = site.path("public");
        match build::build(site.root(), &out, render::Options::default()) {
            Ok(_) => prop_assert!(out.join("index.html").is_file()),
            Err(e) => {
                prop_assert_eq!(e.exit_code(), 1, "{:?}", e);
                for d in e.diagnostics().iter().filter(|d| d.is_error()) {
                    let text = std::fs::read_to_string(site.path(&d.path.to_string_lossy())).unwrap_or_default();
                    positioned(std::slice::from_ref(d), text.split('\n').count() as u32)?;
                }
                prop_assert!(!out.exists());
            }
        }
    }
}
