//! The random edits of the equivalence test: what an author does to a site between two
//! saves. Most edits keep the site valid; a few break it (a front matter, a tag, a
//! link, an anchor, a template, a deleted page or image), and the editor then repairs
//! what it broke, often at the next step, so that most steps compare two successful
//! builds. Now and then a second thing breaks while the first still is (a template
//! while a page is broken, or a page while a template is): both builds must then report
//! the same problems.

use std::path::PathBuf;

use crate::support::Fixture;

/// A small deterministic generator (xorshift64*), so that a failure can be replayed.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A file the editor broke, and what it held before (`None`: it did not exist).
struct Broken {
    path: String,
    good: Option<String>,
}

/// Applies edits to one site and remembers what it broke.
pub(super) struct Editor<'a> {
    site: &'a Fixture,
    rng: Rng,
    /// What is broken, oldest first (at most two things).
    broken: Vec<Broken>,
    step: usize,
}

const TAGS: [&str; 4] = [
    "[\"ecoute\"]",
    "[\"vote\", \"rare\"]",
    "[\"rare\"]",
    "[\"ecoute\", \"vote\"]",
];
const IMAGE: &str = "content/cas/images/schema.svg";
const STANDALONE: &str = "content/aide.md";

/// `text` with the line `key = …` set to `key = value` (added after `title` when
/// missing, removed when `value` is empty).
fn set(text: &str, key: &str, value: &str) -> String {
    let prefix = format!("{key} = ");
    let line = (!value.is_empty()).then(|| format!("{key} = {value}\n"));
    let mut out = String::new();
    let mut done = false;
    for l in text.split_inclusive('\n') {
        if l.starts_with(&prefix) && !done {
            out.push_str(line.as_deref().unwrap_or(""));
            done = true;
        } else {
            out.push_str(l);
            if l.starts_with("title = ") && !text.contains(&format!("\n{prefix}")) {
                out.push_str(line.as_deref().unwrap_or(""));
                done = true;
            }
        }
    }
    out
}

impl<'a> Editor<'a> {
    pub(super) fn new(site: &'a Fixture, seed: u64) -> Self {
        Editor {
            site,
            rng: Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1),
            broken: Vec::new(),
            step: 0,
        }
    }

    /// The pages of both kinds, sorted.
    fn pages(&self) -> Vec<String> {
        let mut out = Vec::new();
        for kind in ["cas", "methodes"] {
            for e in std::fs::read_dir(self.site.path(&format!("content/{kind}"))).unwrap() {
                let name = e.unwrap().file_name().to_string_lossy().into_owned();
                if name.ends_with(".md") {
                    out.push(format!("content/{kind}/{name}"));
                }
            }
        }
        out.sort();
        out
    }

    fn read(&self, rel: &str) -> Option<String> {
        std::fs::read_to_string(self.site.path(rel)).ok()
    }

    fn write(&self, rel: &str, text: &str) -> Vec<PathBuf> {
        self.site.write(rel, text);
        vec![PathBuf::from(rel)]
    }

    fn remove(&self, rel: &str) -> Vec<PathBuf> {
        let _ = std::fs::remove_file(self.site.path(rel));
        vec![PathBuf::from(rel)]
    }

    /// Breaks `rel` by writing `text` (or removing it), remembering what it held.
    fn break_with(&mut self, rel: &str, text: Option<&str>) -> Vec<PathBuf> {
        self.broken.push(Broken {
            path: rel.to_string(),
            good: self.read(rel),
        });
        match text {
            Some(t) => self.write(rel, t),
            None => self.remove(rel),
        }
    }

    /// Applies one edit and returns the paths it touched (as the watcher would say).
    pub(super) fn next(&mut self) -> Vec<PathBuf> {
        self.step += 1;
        if self.broken.len() == 1 && self.rng.below(8) == 0 {
            return self.break_a_second_thing();
        }
        // Repaired soon, and sooner when two things are broken.
        if !self.broken.is_empty() && self.rng.below(10) < 8 + self.broken.len() {
            // Either one first, when two things are broken.
            let at = self.rng.below(self.broken.len());
            let Broken { path, good } = self.broken.remove(at);
            return match good {
                Some(text) => self.write(&path, &text),
                None => self.remove(&path),
            };
        }
        let choice = self.rng.below(34);
        if choice >= 27 && self.broken.is_empty() {
            return self.break_something(choice - 27);
        }
        match choice {
            15 | 16 => self.new_page(),
            17 => self.remove_created_page(),
            18 | 19 => self.edit_home_or_standalone(),
            20 | 21 => self.edit_image(),
            22 => self.edit_site_static(),
            23 => self.edit_site_template(),
            24 | 25 => self.edit_theme_or_config(),
            26 => {
                // A whole directory announced at once, as after a directory rename.
                let page = self.rng.pick(&self.pages()).clone();
                let text = self.read(&page).unwrap();
                self.site.write(
                    &page,
                    &format!("{text}\nPar dossier, étape {}.\n", self.step),
                );
                vec![PathBuf::from(page.rsplit_once('/').unwrap().0)]
            }
            _ => self.edit_page(),
        }
    }

    /// One change to one page's front matter or body.
    fn edit_page(&mut self) -> Vec<PathBuf> {
        let pages = self.pages();
        let page = self.rng.pick(&pages).clone();
        let text = self.read(&page).unwrap();
        let step = self.step;
        let case = page.contains("/cas/");
        let target = |rng: &mut Rng| {
            rng.pick(&pages)
                .trim_start_matches("content/")
                .trim_end_matches(".md")
                .to_string()
        };
        let edited = match self.rng.below(10) {
            0 => format!("{text}\nUne phrase de plus, étape {step}.\n"),
            1 => set(&text, "title", &format!("\"Titre {step}\"")),
            2 => set(&text, "tags", self.rng.pick::<&str>(&TAGS)),
            3 if case => {
                let date = format!(
                    "20{}-0{}-1{}",
                    10 + self.rng.below(15),
                    1 + self.rng.below(9),
                    self.rng.below(9)
                );
                set(&text, "date", &date)
            }
            3 => set(&text, "order", &self.rng.below(5).to_string()),
            4 => {
                let updated = match self.rng.below(3) {
                    0 => String::new(),
                    n => format!("2025-0{n}-0{}", 1 + self.rng.below(9)),
                };
                set(&text, "updated", &updated)
            }
            5 => set(&text, "summary", &format!("\"Résumé {step}\"")),
            6 => match text.find("\ndraft = true\n") {
                // A draft flip (#13): the page leaves or joins the site, links to it turn
                // into text or back into links.
                Some(at) => format!("{}{}", &text[..at + 1], &text[at + 14..]),
                None => set(&text, "draft", "true"),
            },
            7 => {
                let refs = format!("[\"{}\"]", target(&mut self.rng));
                set(
                    &text,
                    "see_also",
                    if self.rng.below(3) == 0 { "" } else { &refs },
                )
            }
            8 if case => {
                let methods = *self.rng.pick(&[
                    "[\"ecoute\", \"vote\"]",
                    "[\"vote\"]",
                    "[\"methodes/ecoute\"]",
                ]);
                set(&text, "methods", methods)
            }
            _ => format!(
                "{text}\nVoir [une page](../{}.md).\n",
                target(&mut self.rng)
            ),
        };
        self.write(&page, &edited)
    }

    fn new_page(&mut self) -> Vec<PathBuf> {
        let pages = self.pages();
        let kind = *self.rng.pick(&["cas", "methodes"]);
        let path = format!("content/{kind}/nouveau-{}.md", self.step);
        let target = self
            .rng
            .pick(&pages)
            .trim_start_matches("content/")
            .to_string();
        let extra = if kind == "cas" {
            "date = 2024-06-01\nmethods = [\"vote\"]\n"
        } else {
            ""
        };
        let tags = self.rng.pick(&TAGS);
        let text = format!(
            "+++\ntitle = \"Nouveau {}\"\nsummary = \"Créé.\"\ntags = {tags}\n{extra}+++\n\nVoir [la page](../{target}).\n",
            self.step
        );
        self.write(&path, &text)
    }

    /// Deletes or renames a page this test created (no page links to those).
    fn remove_created_page(&mut self) -> Vec<PathBuf> {
        let pages = self.pages();
        let created: Vec<&String> = pages.iter().filter(|p| p.contains("nouveau-")).collect();
        let Some(&victim) = created.get(self.rng.below(created.len())) else {
            return Vec::new();
        };
        if self.rng.below(2) == 0 {
            return self.remove(victim);
        }
        let to = victim.replace(".md", &format!("-r{}.md", self.step));
        std::fs::rename(self.site.path(victim), self.site.path(&to)).unwrap();
        vec![PathBuf::from(victim), PathBuf::from(to)]
    }

    /// The home page's `_index.md`, the standalone `apropos.md`, or a standalone page
    /// that comes and goes.
    fn edit_home_or_standalone(&mut self) -> Vec<PathBuf> {
        let step = self.step;
        match self.rng.below(4) {
            0 => {
                let text = self.read("content/_index.md").unwrap();
                self.write(
                    "content/_index.md",
                    &set(&text, "title", &format!("\"Accueil {step}\"")),
                )
            }
            1 => {
                let text = self.read("content/_index.md").unwrap();
                self.write(
                    "content/_index.md",
                    &format!("{text}\nEt [le vote](methodes/vote.md), étape {step}.\n"),
                )
            }
            2 => {
                let text = self.read("content/apropos.md").unwrap();
                self.write(
                    "content/apropos.md",
                    &set(&text, "title", &format!("\"À propos {step}\"")),
                )
            }
            _ if self.read(STANDALONE).is_some() => self.remove(STANDALONE),
            _ => self.write(
                STANDALONE,
                &format!(
                    "+++\ntitle = \"Aide {step}\"\n+++\n\nLire [le premier cas](cas/premier.md).\n"
                ),
            ),
        }
    }

    /// An image linked from a page: added with its link, changed, or its link removed.
    fn edit_image(&mut self) -> Vec<PathBuf> {
        let page = "content/cas/second.md";
        let text = self.read(page).unwrap();
        let link = "\n![Le schéma](images/schema.svg)\n";
        let svg = |n: usize| {
            format!("<svg xmlns=\"http://www.w3.org/2000/svg\"><title>{n}</title></svg>\n")
        };
        if self.read(IMAGE).is_none() {
            let mut touched = self.write(IMAGE, &svg(self.step));
            if !text.contains(link) {
                touched.extend(self.write(page, &format!("{text}{link}")));
            }
            return touched;
        }
        match self.rng.below(3) {
            0 => self.write(IMAGE, &svg(self.step)),
            1 if text.contains(link) => self.write(page, &text.replace(link, "\n")),
            _ if !text.contains(link) => self.write(page, &format!("{text}{link}")),
            // Unlinked, an image is not published; deleting it then changes nothing.
            _ => self.write(IMAGE, &svg(self.step + 1000)),
        }
    }

    /// The site's own `static/`: a file added, changed or deleted, and the theme's
    /// stylesheet overridden or given back.
    fn edit_site_static(&mut self) -> Vec<PathBuf> {
        let rel = *self.rng.pick(&["static/notes.txt", "static/style.css"]);
        match self.read(rel) {
            Some(_) if self.rng.below(2) == 0 => self.remove(rel),
            _ => self.write(rel, &format!("/* site {} */\nbody {{}}\n", self.step)),
        }
    }

    /// The site's `templates/`: an override of a theme template added, changed or removed.
    fn edit_site_template(&mut self) -> Vec<PathBuf> {
        let name = *self.rng.pick(&["page.html", "404.html", "list.html"]);
        let rel = format!("templates/{name}");
        if self.read(&rel).is_some() && self.rng.below(2) == 0 {
            return self.remove(&rel);
        }
        let theme = self
            .read(&format!("themes/default/templates/{name}"))
            .unwrap();
        self.write(&rel, &format!("{theme}\n<!-- site {} -->\n", self.step))
    }

    /// The theme's stylesheet or base template, the tag vocabulary or the configuration.
    fn edit_theme_or_config(&mut self) -> Vec<PathBuf> {
        let step = self.step;
        let (path, old, new) = match self.rng.below(4) {
            0 => (
                "themes/default/static/style.css",
                "\n",
                format!("\n/* {step} */\n"),
            ),
            1 => (
                "content/tags.toml",
                "label = \"Vote\"",
                format!("label = \"Vote {step}\""),
            ),
            2 => (
                "themes/default/templates/base.html",
                "</html>",
                format!("</html>\n<!-- {step} -->"),
            ),
            _ => (
                "archipel.toml",
                "related = 3",
                format!("related = {}", 1 + self.rng.below(3)),
            ),
        };
        let text = self.read(path).unwrap();
        self.write(path, &text.replacen(old, &new, 1))
    }

    /// How many things are broken now.
    pub(super) fn broken(&self) -> usize {
        self.broken.len()
    }

    /// A second breakage while one is outstanding: a template when a page (or an
    /// image) is broken, else a page's front matter.
    fn break_a_second_thing(&mut self) -> Vec<PathBuf> {
        let template = self.broken[0].path.contains("templates/");
        if template {
            let pages = self.pages();
            let page = self.rng.pick(&pages).clone();
            let text = self.read(&page).unwrap();
            return self.break_with(&page, Some(&text.replacen("title = ", "title = = ", 1)));
        }
        let (rel, good) = *self.rng.pick(&[
            ("templates/page.html", "<main>{{ page.title </main>\n"),
            (
                "themes/default/templates/list.html",
                "{% extends \"base.html\" %}{% block main %}{{ nope( }}{% endblock %}\n",
            ),
        ]);
        self.break_with(rel, Some(good))
    }

    /// One edit that makes the build fail; the editor repairs it later.
    fn break_something(&mut self, which: usize) -> Vec<PathBuf> {
        let pages = self.pages();
        let page = self.rng.pick(&pages).clone();
        let text = self.read(&page).unwrap();
        match which {
            0 => self.break_with(&page, Some(&text.replacen("title = ", "title = = ", 1))),
            1 => self.break_with(&page, Some(&set(&text, "tags", "[\"inconnu\"]"))),
            2 => self.break_with(
                &page,
                Some(&format!("{text}\nVoir [rien](nulle-part.md).\n")),
            ),
            3 => {
                // An original page others link to, deleted.
                let original = *self.rng.pick(&[
                    "content/cas/second.md",
                    "content/methodes/ecoute.md",
                    "content/cas/troisieme.md",
                ]);
                self.break_with(original, None)
            }
            4 => self.break_with("templates/page.html", Some("<main>{{ page.title </main>\n")),
            5 => {
                // Anchors (#11): `cas/premier` links to `ecoute.md#etapes`; the heading
                // gets another id.
                let target = "content/methodes/ecoute.md";
                let text = self.read(target).unwrap();
                self.break_with(target, Some(&text.replace("{#etapes}", "{#marche}")))
            }
            _ => {
                if self.read(IMAGE).is_some() {
                    self.break_with(IMAGE, None)
                } else {
                    self.break_with(
                        &page,
                        Some(&format!("{text}\n![absent](images/absent.png)\n")),
                    )
                }
            }
        }
    }
}
