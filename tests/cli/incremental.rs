//! Incremental rebuilds, through the library: random sequences of edits, each applied to
//! the files, announced to the cache as the watcher would, and rebuilt incrementally;
//! after each step the output must be byte-identical to a clean build of the same files
//! (or both must fail).
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use archipel::build::{self, Cache};
use archipel::render::Options;

use crate::support::Fixture;

/// A small deterministic generator (xorshift64*), so that a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (
                rel.to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn pages(site: &Fixture) -> Vec<String> {
    let mut out = Vec::new();
    for kind in ["cas", "methodes"] {
        for e in std::fs::read_dir(site.path(&format!("content/{kind}"))).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".md") {
                out.push(format!("content/{kind}/{name}"));
            }
        }
    }
    out.sort();
    out
}

/// Applies one random edit and returns the paths it touched.
fn edit(site: &Fixture, rng: &mut Rng, step: usize) -> Vec<PathBuf> {
    let pages = pages(site);
    let page = rng.pick(&pages).clone();
    let text = site.read(&page);
    let tags = [
        "[\"ecoute\"]",
        "[\"vote\", \"rare\"]",
        "[\"rare\"]",
        "[\"ecoute\", \"vote\"]",
    ];
    let set = |key: &str, value: &str| -> String {
        text.lines()
            .map(|l| {
                if l.starts_with(&format!("{key} = ")) {
                    format!("{key} = {value}")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    };
    let touched = |p: &str| vec![PathBuf::from(p)];
    match rng.below(16) {
        0 | 1 => {
            site.write(
                &page,
                &format!("{text}\nUne phrase de plus, étape {step}.\n"),
            );
            touched(&page)
        }
        2 => {
            site.write(&page, &set("title", &format!("\"Titre {step}\"")));
            touched(&page)
        }
        3 => {
            let t: &&str = rng.pick(&tags);
            site.write(&page, &set("tags", t));
            touched(&page)
        }
        4 => {
            let date = format!(
                "20{:02}-0{}-1{}",
                10 + rng.below(15),
                1 + rng.below(9),
                rng.below(9)
            );
            if text.contains("\ndate = ") {
                site.write(&page, &set("date", &date));
            }
            touched(&page)
        }
        5 => {
            site.write(&page, &set("summary", &format!("\"Résumé {step}\"")));
            touched(&page)
        }
        6 => {
            // A new page, linking to an existing one.
            let kind = *rng.pick(&["cas", "methodes"]);
            let path = format!("content/{kind}/nouveau-{step}.md");
            let target = rng.pick(&pages).trim_start_matches("content/").to_string();
            let extra = if kind == "cas" {
                "date = 2024-06-01\nmethods = [\"vote\"]\n"
            } else {
                ""
            };
            site.write(
                &path,
                &format!(
                    "+++\ntitle = \"Nouveau {step}\"\nsummary = \"Créé.\"\ntags = {}\n{extra}+++\n\nVoir [la page](../{target}).\n",
                    rng.pick(&tags)
                ),
            );
            touched(&path)
        }
        7 => {
            // Delete or rename a page this test created (others are linked to).
            let created: Vec<&String> = pages.iter().filter(|p| p.contains("nouveau-")).collect();
            let Some(&victim) = created.get(rng.below(created.len())) else {
                return Vec::new();
            };
            if rng.below(2) == 0 {
                std::fs::remove_file(site.path(victim)).unwrap();
                touched(victim)
            } else {
                let to = victim.replace(".md", &format!("-r{step}.md"));
                std::fs::rename(site.path(victim), site.path(&to)).unwrap();
                vec![PathBuf::from(victim), PathBuf::from(to)]
            }
        }
        8 => {
            // Break the front matter; a later edit of the same line repairs it often.
            site.write(&page, &text.replacen("title = ", "title = = ", 1));
            touched(&page)
        }
        9 => {
            let repaired = text.replace("title = = ", "title = ");
            site.write(&page, &repaired);
            touched(&page)
        }
        10 => {
            let css = "themes/default/static/style.css";
            site.write(css, &format!("{}\n/* {step} */\n", site.read(css)));
            touched(css)
        }
        11 => {
            let (path, old, new) = match rng.below(3) {
                0 => (
                    "content/tags.toml",
                    "label = \"Vote\"",
                    format!("label = \"Vote {step}\""),
                ),
                1 => (
                    "themes/default/templates/base.html",
                    "</html>",
                    format!("</html>\n<!-- {step} -->"),
                ),
                _ => (
                    "archipel.toml",
                    "related = 3",
                    format!("related = {}", 1 + rng.below(3)),
                ),
            };
            let text = site.read(path);
            let replaced = match text.find(old) {
                Some(at) => format!("{}{new}{}", &text[..at], &text[at + old.len()..]),
                None => text.clone(),
            };
            site.write(path, &replaced);
            touched(path)
        }
        12 => {
            // A draft flip (#13): the page leaves or joins the site, links to it turn
            // into text or back into links.
            let flipped = match text.find("\ndraft = true\n") {
                Some(at) => format!("{}{}", &text[..at + 1], &text[at + 14..]),
                None => text.replacen("+++\n", "+++\ndraft = true\n", 1),
            };
            site.write(&page, &flipped);
            touched(&page)
        }
        13 => {
            // Relations (#11): a reference moves from one field to another, or goes.
            let target = rng
                .pick(&pages)
                .trim_start_matches("content/")
                .trim_end_matches(".md")
                .to_string();
            let line = match rng.below(3) {
                0 => format!("see_also = [\"{target}\"]\n"),
                1 if page.contains("/cas/") => "methods = [\"ecoute\", \"vote\"]\n".to_string(),
                _ => String::new(),
            };
            let kept: String = text
                .lines()
                .filter(|l| !l.starts_with("see_also = "))
                .map(|l| {
                    if line.starts_with("methods") && l.starts_with("methods = ") {
                        String::new()
                    } else {
                        format!("{l}\n")
                    }
                })
                .collect();
            let at = kept.find("\ntitle = ").map_or(0, |i| i + 1);
            site.write(&page, &format!("{}{line}{}", &kept[..at], &kept[at..]));
            touched(&page)
        }
        14 => {
            // Anchors (#11): `cas/premier` links to `ecoute.md#etapes`.
            let target = "content/methodes/ecoute.md";
            let text = site.read(target);
            let flipped = if text.contains("{#etapes}") {
                text.replace("{#etapes}", "{#marche}")
            } else {
                text.replace("{#marche}", "{#etapes}")
            };
            site.write(target, &flipped);
            touched(target)
        }
        _ => {
            // A whole directory announced at once, as after a directory rename.
            site.write(&page, &format!("{text}\nPar dossier, étape {step}.\n"));
            touched(page.rsplit_once('/').map_or("content", |(dir, _)| dir))
        }
    }
}

/// Found by the random test (seed 61): a stylesheet saved while a page was broken
/// must still be copied once the page is fixed.
#[test]
fn changes_made_while_the_site_is_broken_are_applied_after_the_fix() {
    let site = Fixture::copy("site");
    let out = site.path("served");
    let mut cache = Cache::new();
    build::rebuild(site.root(), &out, Options::default(), &mut cache).unwrap();
    let page = "content/methodes/vote.md";
    let good = site.read(page);
    let css = "themes/default/static/style.css";
    let mut rebuild = |paths: &[&str]| {
        for p in paths {
            cache.invalidate(Path::new(p));
        }
        build::rebuild(site.root(), &out, Options::default(), &mut cache)
    };
    site.write(page, &good.replacen("title = ", "title = = ", 1));
    assert!(rebuild(&[page]).is_err());
    site.write(css, &format!("{}\n.apres {{}}\n", site.read(css)));
    assert!(rebuild(&[css]).is_err());
    site.write(page, &good);
    rebuild(&[page]).unwrap();
    assert!(site.read("served/style.css").contains(".apres"));
}

#[test]
fn random_edit_sequences_match_a_clean_build() {
    // More with ARCHIPEL_SEEDS=N (and ARCHIPEL_STEPS=N), to hunt for a failing sequence.
    let env = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let steps = env("ARCHIPEL_STEPS", 16) as usize;
    for seed in 1..=env("ARCHIPEL_SEEDS", 12) {
        let site = Fixture::copy("site");
        if seed % 3 == 0 {
            // The printable guide and the map hold every page, and each page draws
            // its neighbourhood: more outputs to keep right.
            let config = site.read("archipel.toml");
            site.write(
                "archipel.toml",
                &config.replace("related = 3", "related = 3\nprint = true\nmap = true"),
            );
        }
        if seed % 3 == 1 {
            // Lists and tag pages of one page each, and the search index in shards:
            // outputs that come and go with the pages and their words.
            let config = site.read("archipel.toml").replacen(
                "sort = \"date\"",
                "sort = \"date\"\npaginate = 1",
                1,
            );
            site.write(
                "archipel.toml",
                &format!("{config}\n[tags]\npaginate = 1\n\n[search]\nshard_above = 0\n"),
            );
        }
        let out = site.path("served");
        let clean = site.path("clean");
        // As `build` (drafts left out) and as `serve` (drafts published) do.
        let options = Options {
            drafts: seed % 4 < 2,
            ..Options::default()
        };
        let mut cache = Cache::new();
        // As `serve` does on odd seeds: pages first, the search index on a second pass.
        cache.defer_search_index(seed % 2 == 1);
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        build::rebuild(site.root(), &out, options, &mut cache).unwrap();
        let mut last_good = tree(&out);
        for step in 0..steps {
            let touched = edit(&site, &mut rng, step);
            for path in &touched {
                cache.invalidate(path);
            }
            let mut incremental = build::rebuild(site.root(), &out, options, &mut cache);
            while incremental.as_ref().is_ok_and(|r| r.deferred) {
                incremental = build::rebuild(site.root(), &out, options, &mut cache);
            }
            let full = build::build(site.root(), &clean, options);
            match (&incremental, &full) {
                (Ok(_), Ok(_)) => {
                    let (a, b) = (tree(&out), tree(&clean));
                    let differ: Vec<&String> = a
                        .keys()
                        .chain(b.keys())
                        .filter(|k| a.get(*k) != b.get(*k))
                        .collect();
                    assert!(
                        differ.is_empty(),
                        "seed {seed}, step {step} ({touched:?}): differs from a clean build: {differ:?}"
                    );
                    last_good = a;
                }
                (Err(_), Err(_)) => {
                    assert!(
                        tree(&out) == last_good,
                        "seed {seed}, step {step}: a failed rebuild changed the output"
                    );
                }
                _ => panic!(
                    "seed {seed}, step {step} ({touched:?}): incremental {:?} but clean {:?}",
                    incremental.as_ref().map(|_| ()),
                    full.as_ref().map(|_| ())
                ),
            }
        }
    }
}
