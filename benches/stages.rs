//! Micro-benchmarks of the hot stages of a build, so that a regression shows up where it
//! happens (issue #7): front-matter parsing, Markdown rendering, link resolution with
//! related ranking, and template rendering.
//!
//! `cargo bench --bench stages` runs them; `cargo test --all-targets` runs each once, as a
//! smoke test. The inputs are generated here, deterministically, into
//! `target/bench-stages/` (kept between runs): sites of N pages of three kinds, with tags
//! drawn with Zipf-like weights from a 40-tag vocabulary and 2 to 4 links per page, like
//! the corpus that `benches/make-corpus` writes for the whole-build benchmarks.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use archipel::diag::Error;
use archipel::output::Sink;
use archipel::{build, links, load, markdown, render};
use criterion::{BatchSize, Criterion, Throughput};

/// Kinds of the generated sites: directory, share of the pages, title prefix.
const KINDS: [(&str, f64, &str); 3] = [
    ("temoignages", 0.60, "Témoignage"),
    ("fiches-pratiques", 0.25, "Fiche pratique"),
    ("fiches-outils", 0.15, "Fiche outil"),
];

const TAGS: usize = 40;

const WORDS: &str =
    "coopération réseau collectif association partenaire projet territoire gouvernance
confiance décision accord échange rencontre atelier groupe membre citoyen structure
démarche pratique expérience outil méthode principe valeur objectif enjeu ressource
financement bénévole équipe animation réunion cercle rôle mandat lien relation
écoute parole conflit tension médiation compromis consensus autonomie solidarité
transition quartier commune alliance nous elles ensemble avec pour entre souvent
parfois construire partager décider écouter proposer soutenir relier libre juste
commun durable local le la les un une des de et est";

/// SplitMix64: a small deterministic generator, so every run benchmarks the same input.
struct Rng {
    state: u64,
    words: Vec<&'static str>,
}

impl Rng {
    fn new(seed: u64) -> Self {
        Rng {
            state: seed,
            words: WORDS.split_whitespace().collect(),
        }
    }

    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn word(&mut self) -> &'static str {
        let i = self.below(self.words.len());
        self.words[i]
    }

    fn words(&mut self, lo: usize, hi: usize) -> String {
        let n = self.range(lo, hi);
        (0..n).map(|_| self.word()).collect::<Vec<_>>().join(" ")
    }

    /// A tag index, rank r drawn with weight 1/(r+1).
    fn zipf_tag(&mut self) -> usize {
        let total: f64 = (1..=TAGS).map(|r| 1.0 / r as f64).sum();
        let mut x = (self.next() as f64 / u64::MAX as f64) * total;
        for r in 0..TAGS {
            x -= 1.0 / (r + 1) as f64;
            if x <= 0.0 {
                return r;
            }
        }
        TAGS - 1
    }
}

fn sentence(rng: &mut Rng) -> String {
    let mut s = rng.words(8, 18);
    if let Some(first) = s.get(..1) {
        s.replace_range(..1, &first.to_uppercase());
    }
    s.push('.');
    s
}

fn paragraph(rng: &mut Rng) -> String {
    let n = rng.range(3, 6);
    (0..n).map(|_| sentence(rng)).collect::<Vec<_>>().join(" ")
}

/// One generated page: (kind directory, slug, file text).
struct GenPage {
    kind: &'static str,
    slug: String,
    text: String,
}

/// `n` pages: about 600 words each with headings, a list, emphasis, a quote and 2 to 4
/// links to other pages, or a one-line body when `short`.
fn pages(n: usize, short: bool) -> Vec<GenPage> {
    let mut rng = Rng::new(1);
    let mut ids: Vec<(&'static str, String)> = Vec::with_capacity(n);
    for (k, (dir, share, _)) in KINDS.iter().enumerate() {
        let count = if k == KINDS.len() - 1 {
            n - ids.len()
        } else {
            (n as f64 * share).round() as usize
        };
        for _ in 0..count {
            ids.push((dir, format!("page-{:05}", ids.len())));
        }
    }
    let mut out = Vec::with_capacity(n);
    for (i, (kind, slug)) in ids.iter().enumerate() {
        let prefix = KINDS.iter().find(|k| k.0 == *kind).map_or("", |k| k.2);
        let title = format!("{prefix} : {} {i}", rng.words(3, 6));
        let mut tags: Vec<usize> = Vec::new();
        for _ in 0..rng.range(2, 5) {
            let t = rng.zipf_tag();
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        let tags: Vec<String> = tags.iter().map(|t| format!("\"tag-{t:02}\"")).collect();
        let mut text = format!(
            "+++\ntitle = \"{title}\"\ndate = 20{:02}-{:02}-{:02}\nsummary = \"{}.\"\ntags = [{}]\n+++\n\n",
            15 + rng.below(10),
            1 + rng.below(12),
            1 + rng.below(28),
            rng.words(12, 20),
            tags.join(", ")
        );
        if short {
            text.push_str("Une ligne de texte.\n");
        } else {
            let mut parts = vec![paragraph(&mut rng), format!("## {}", rng.words(2, 5))];
            parts.push(paragraph(&mut rng));
            parts.push(
                (0..rng.range(3, 6))
                    .map(|_| format!("- {} *{}*", rng.words(4, 10), rng.word()))
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
            parts.push(format!("## {}", rng.words(2, 5)));
            parts.push(format!("> {}", sentence(&mut rng)));
            for _ in 0..rng.range(4, 7) {
                parts.push(paragraph(&mut rng));
            }
            let paragraphs: Vec<usize> = (0..parts.len())
                .filter(|&p| !parts[p].starts_with(['#', '-', '>']))
                .collect();
            for _ in 0..rng.range(2, 4) {
                let (dir, target) = &ids[(i + 1 + rng.below(n - 1)) % n];
                let at = paragraphs[rng.below(paragraphs.len())];
                parts[at].push_str(&format!(" Voir aussi [une page](../{dir}/{target}.md)."));
            }
            text.push_str(&parts.join("\n\n"));
            text.push('\n');
        }
        out.push(GenPage {
            kind,
            slug: slug.clone(),
            text,
        });
    }
    out
}

fn bench_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("bench-stages")
}

/// A site of `n` generated pages under `target/bench-stages/`, written once.
fn site(n: usize, short: bool) -> PathBuf {
    let root = bench_dir().join(format!("site-{n}{}", if short { "-short" } else { "" }));
    let done = root.join(".complete");
    if done.is_file() {
        // The pages are kept between runs; the theme is copied again, so that a bench
        // run never renders with the templates of an older checkout.
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default"),
            &root.join("themes/default"),
        );
        return root;
    }
    if root.exists() {
        std::fs::remove_dir_all(&root).expect("remove a partial bench site");
    }
    let write = |path: PathBuf, text: &str| {
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create a directory");
        std::fs::write(&path, text).expect("write a bench file");
    };
    let mut config = String::from("[site]\ntitle = \"Bench\"\nprint = false\n");
    for (dir, _, prefix) in KINDS {
        config.push_str(&format!(
            "\n[[kinds]]\nid = \"{dir}\"\ndir = \"{dir}\"\nsingular = \"{prefix}\"\nplural = \"{prefix}s\"\nsort = \"date\"\n"
        ));
    }
    write(root.join("archipel.toml"), &config);
    let tags: String = (0..TAGS)
        .map(|t| format!("[[tag]]\nid = \"tag-{t:02}\"\nlabel = \"Thème {t}\"\n\n"))
        .collect();
    write(root.join("content/tags.toml"), &tags);
    for page in pages(n, short) {
        write(
            root.join("content")
                .join(page.kind)
                .join(format!("{}.md", page.slug)),
            &page.text,
        );
    }
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    copy_dir(&theme, &root.join("themes/default"));
    write(done, "");
    root
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the theme copy");
    for entry in std::fs::read_dir(from).expect("read the theme") {
        let entry = entry.expect("a theme entry");
        let dest = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).expect("copy a theme file");
        }
    }
}

/// A sink that only counts bytes: rendering without the file system.
#[derive(Default)]
struct Discard(AtomicUsize);

impl Sink for Discard {
    fn put(&self, _path: &str, bytes: &[u8]) -> Result<(), Error> {
        self.0.fetch_add(bytes.len(), Ordering::Relaxed);
        Ok(())
    }

    fn copy(&self, _path: &str, source: &std::path::Path) -> Result<(), Error> {
        let len = std::fs::metadata(source).map_or(0, |m| m.len());
        self.0.fetch_add(len as usize, Ordering::Relaxed);
        Ok(())
    }
}

fn parse_source(c: &mut Criterion) {
    let texts: Vec<GenPage> = pages(200, false);
    let mut group = c.benchmark_group("parse_source");
    group.throughput(Throughput::Elements(texts.len() as u64));
    group.bench_function("200 pages", |b| {
        b.iter_batched(
            || texts.iter().map(|p| p.text.clone()).collect::<Vec<_>>(),
            |texts| {
                for text in texts {
                    let source = load::parse_source(
                        PathBuf::from("content/temoignages/page.md"),
                        "temoignages/page.md".into(),
                        text,
                    );
                    black_box(source.is_ok());
                }
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

fn markdown_to_html(c: &mut Criterion) {
    let page = pages(2, false).swap_remove(0);
    let body = page
        .text
        .split("+++\n")
        .nth(2)
        .unwrap_or_default()
        .to_string();
    let mut group = c.benchmark_group("markdown");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("to_html, one page", |b| {
        b.iter(|| {
            markdown::to_html(
                black_box(&body),
                &|dest| Some(markdown::Rewrite::To(format!("../{dest}/"))),
                markdown::RawHtml::Sanitize,
            )
        })
    });
    group.bench_function("scan (links and heading ids), one page", |b| {
        b.iter(|| markdown::scan(black_box(&body)))
    });
    group.finish();
}

fn resolve(c: &mut Criterion) {
    let mut group = c.benchmark_group("links::resolve");
    group.sample_size(10);
    // Two sizes, so that the time per page shows whether resolution and related ranking
    // stay linear.
    for n in [1_000, 4_000] {
        let checked = build::check(&site(n, false), false).expect("the bench site checks");
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(format!("{n} pages"), |b| {
            b.iter(|| links::resolve(black_box(&checked.site)))
        });
    }
    group.finish();
}

fn templates(c: &mut Criterion) {
    let mut group = c.benchmark_group("render");
    group.sample_size(10);
    // One-line bodies: Markdown and the search index cost little, and what is measured
    // is mostly the views and Tera (pages, kind lists, tag pages, home).
    let (short, theme) = build::check_with_theme(&site(1_000, true), false).expect("short site");
    group.throughput(Throughput::Elements(1_000));
    group.bench_function("templates, 1000 short pages", |b| {
        b.iter(|| {
            let sink = Discard::default();
            render::render(
                &short.site,
                &short.graph,
                &theme,
                render::Options::default(),
                &sink,
            )
            .expect("render");
            sink.0.into_inner()
        })
    });
    // Whole pages: Markdown, templates and search index together, without disk.
    let (full, theme) = build::check_with_theme(&site(1_000, false), false).expect("full site");
    group.bench_function("whole site, 1000 pages, no disk", |b| {
        b.iter(|| {
            let sink = Discard::default();
            render::render(
                &full.site,
                &full.graph,
                &theme,
                render::Options::default(),
                &sink,
            )
            .expect("render");
            sink.0.into_inner()
        })
    });
    group.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    parse_source(&mut c);
    markdown_to_html(&mut c);
    resolve(&mut c);
    templates(&mut c);
    c.final_summary();
}
