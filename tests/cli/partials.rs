//! Partials: the templates of a theme's `partials/` folder, rendered once per distinct
//! `site` and given to every template as `partials`; a theme without them renders as
//! before, and one that fails is a diagnostic naming its file.

use std::path::Path;

use archipel::build::{self, Cache};
use archipel::render::Options;

use crate::support::{Fixture, copy_dir, repo};

/// A header partial that shows what it may depend on: the site's links from the file
/// being rendered, the current kind, the strings, and `site.base` (the 404 page's).
const HEADER: &str = "<nav id=\"essai\">{% if site.base %}[base] {% endif %}\
    <a href=\"{{ site.home_href }}\">{{ site.title }}</a>\
    {% for item in site.nav %} <a href=\"{{ item.href }}\"{% if item.current %} aria-current=\"page\"{% endif %}>{{ item.label }}</a>{% endfor %} \
    <a href=\"{{ site.tags_href }}\">{{ t.tags }}</a></nav>\n";

/// The header partial's output on `html`.
fn header(html: &str) -> &str {
    let start = html.find("<nav id=\"essai\">").expect("no partial header");
    &html[start..start + html[start..].find("</nav>").unwrap() + 6]
}

/// The header expected with links `home`, `cases`, `methods`, `tags`, the current kind
/// (`Some(0)`: the cases, `Some(1)`: the methods) and whether `site.base` is set.
fn expected(links: [&str; 4], current: Option<usize>, base: bool) -> String {
    let [home, cases, methods, tags] = links;
    let mark = |k| match current == Some(k) {
        true => " aria-current=\"page\"",
        false => "",
    };
    format!(
        "<nav id=\"essai\">{}<a href=\"{home}\">Recueil</a> \
         <a href=\"{cases}\"{}>Cas pratiques</a> <a href=\"{methods}\"{}>Méthodes</a> \
         <a href=\"{tags}\">Thèmes</a></nav>",
        if base { "[base] " } else { "" },
        mark(0),
        mark(1),
    )
}

/// The fixture site with the header partial and a footer partial of its own.
fn with_partials() -> Fixture {
    let site = Fixture::copy("site");
    site.write("templates/partials/header.html", HEADER);
    site.write(
        "templates/partials/footer.html",
        "<p id=\"pied\">{{ site.title }} · {{ t.tags }}</p>\n",
    );
    site
}

#[test]
fn a_partial_links_right_from_each_file_and_marks_its_current_kind() {
    let site = with_partials();
    site.run(&["build"]).expect(0);
    site.run(&["build", "--offline", "--out", "offline"])
        .expect(0);
    let online = |up: &str| {
        let home = if up.is_empty() { "./" } else { up };
        [home, "cas/", "methodes/", "tags/"].map(|l| match l == home {
            true => l.to_owned(),
            false => format!("{up}{l}"),
        })
    };
    let offline = |up: &str| {
        [
            "index.html",
            "cas/index.html",
            "methodes/index.html",
            "tags/index.html",
        ]
        .map(|l| format!("{up}{l}"))
    };
    // Files of three depths, with and without a current kind, two kinds at one depth,
    // and the 404 page, whose `site` has a `base` online.
    for (file, up, current, base) in [
        ("index.html", "", None, false),
        ("404.html", "", None, true),
        ("methodes/index.html", "../", Some(1), false),
        ("cas/index.html", "../", Some(0), false),
        ("methodes/vote/index.html", "../../", Some(1), false),
        ("cas/second/index.html", "../../", Some(0), false),
        ("tags/vote/index.html", "../../", None, false),
    ] {
        let links = online(up);
        let links = links.each_ref().map(String::as_str);
        let html = site.read(&format!("public/{file}"));
        assert_eq!(header(&html), expected(links, current, base), "{file}");
        assert!(
            html.contains("<p id=\"pied\">Recueil · Thèmes</p>"),
            "{file}"
        );
        let links = offline(up);
        let links = links.each_ref().map(String::as_str);
        let html = site.read(&format!("offline/{file}"));
        assert_eq!(
            header(&html),
            expected(links, current, false),
            "offline {file}"
        );
    }
}

#[test]
fn a_partial_does_not_see_the_canonical_address_of_the_page() {
    let site = Fixture::copy("site");
    site.write(
        "templates/partials/header.html",
        "<p id=\"essai\">{% if site.canonical is defined %}{{ site.canonical }}{% else %}aucune{% endif %}</p>\n",
    );
    site.run(&["build"]).expect(0);
    let html = site.read("public/methodes/vote/index.html");
    // The page itself has one (the fixture has a `base_url`).
    assert!(
        html.contains(
            "<link rel=\"canonical\" href=\"https://exemple.org/recueil/methodes/vote/\">"
        )
    );
    assert!(html.contains("<p id=\"essai\">aucune</p>"));
}

/// The default theme with its partials written back into `base.html`, as `dir`.
fn inline_theme(site: &Fixture, dir: &str) {
    let theme = site.path(dir);
    copy_dir(&repo().join("themes/default"), &theme);
    let templates = theme.join("templates");
    let read = |name: &str| std::fs::read_to_string(templates.join(name)).unwrap();
    let base = read("base.html")
        .replace(
            "{{ partials.header | safe }}",
            &read("partials/header.html"),
        )
        .replace(
            "{{ partials.footer | safe }}",
            &read("partials/footer.html"),
        );
    assert!(!base.contains("partials"));
    std::fs::write(templates.join("base.html"), base).unwrap();
    std::fs::remove_dir_all(templates.join("partials")).unwrap();
}

#[test]
fn a_theme_without_partials_writes_what_the_default_theme_writes_with_them() {
    let site = Fixture::copy("site");
    inline_theme(&site, "themes/inline");
    site.run(&["build"]).expect(0);
    site.run(&["build", "--offline", "--out", "offline"])
        .expect(0);
    let config = site.read("archipel.toml");
    site.write(
        "archipel.toml",
        &config.replacen("[site]", "[site]\ntheme = \"inline\"", 1),
    );
    site.run(&["build", "--out", "inline"]).expect(0);
    site.run(&["build", "--offline", "--out", "inline-offline"])
        .expect(0);
    // Every file of both builds, the 404, search, tag, map and print pages included.
    for (with, without) in [("public", "inline"), ("offline", "inline-offline")] {
        let (with, without) = (site.tree(with), site.tree(without));
        let names =
            |tree: &[(String, Vec<u8>)]| tree.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
        assert_eq!(names(&with), names(&without));
        for ((file, a), (_, b)) in with.iter().zip(&without) {
            assert!(a == b, "{file}:\n{}", String::from_utf8_lossy(b));
        }
    }
    let page = site.read("inline/methodes/vote/index.html");
    assert!(page.contains("<header class=\"site-header\">"));
    assert!(page.contains("<a href=\"../../methodes/\" aria-current=\"page\">Méthodes</a>"));
}

#[test]
fn a_partial_that_fails_is_a_diagnostic_naming_it() {
    let site = Fixture::copy("site");
    site.write(
        "templates/partials/footer.html",
        "<p>{{ page.title }}</p>\n",
    );
    let run = site.run(&["build"]).expect(2);
    assert!(
        run.stderr.contains("templates/partials/footer.html"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("page.title"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("a partial of `partials/` sees only `site`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_rebuild_shows_a_changed_partial_strings_and_navigation_on_every_page() {
    let site = with_partials();
    let out = site.path("served");
    let mut cache = Cache::new();
    let rebuild = |cache: &mut Cache, changed: &str| {
        cache.invalidate(Path::new(changed));
        build::rebuild(site.root(), &out, Options::default(), cache).unwrap();
    };
    build::rebuild(site.root(), &out, Options::default(), &mut cache).unwrap();
    let files = [
        "index.html",
        "methodes/index.html",
        "methodes/vote/index.html",
        "cas/second/index.html",
        "tags/vote/index.html",
        "404.html",
    ];
    let headers = || files.map(|f| header(&site.read(&format!("served/{f}"))).to_owned());
    let before = headers();
    // The partial itself.
    site.write(
        "templates/partials/header.html",
        &HEADER.replace("<nav id=\"essai\">", "<nav id=\"essai\">Nouveau "),
    );
    rebuild(&mut cache, "templates/partials/header.html");
    for (file, (old, new)) in files.iter().zip(before.iter().zip(headers())) {
        assert_eq!(
            new,
            old.replace("<nav id=\"essai\">", "<nav id=\"essai\">Nouveau "),
            "{file}"
        );
    }
    // A string it shows.
    site.write("i18n/fr.toml", "tags = \"Sujets\"\n");
    rebuild(&mut cache, "i18n/fr.toml");
    // A navigation label.
    let config = site.read("archipel.toml");
    site.write(
        "archipel.toml",
        &config.replace("plural = \"Méthodes\"", "plural = \"Façons de faire\""),
    );
    rebuild(&mut cache, "archipel.toml");
    for (file, old) in files.iter().zip(&before) {
        let new = old
            .replace("<nav id=\"essai\">", "<nav id=\"essai\">Nouveau ")
            .replace(">Thèmes<", ">Sujets<")
            .replace(">Méthodes<", ">Façons de faire<");
        assert_eq!(header(&site.read(&format!("served/{file}"))), new, "{file}");
    }
}
