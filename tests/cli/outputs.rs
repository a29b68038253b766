//! One source per output file: collisions between pages, raw files, kinds and the files
//! archipel writes of itself are errors naming both sources, in `check` and `build`, and
//! the table of outputs is exactly what a build writes.

use crate::support::Fixture;

/// Runs `check` and `build` and returns `check`'s standard error; both must fail with
/// exit code 1 and the same diagnostics, and `build` must leave no output.
#[track_caller]
fn refused(site: &Fixture) -> String {
    let check = site.run(&["check"]).expect(1);
    let build = site.run(&["build"]).expect(1);
    assert_eq!(check.stderr, build.stderr);
    assert!(!site.path("public").exists());
    check.stderr
}

/// Writes `content/<file>` and links it from the about page, so that it is published.
fn linked_file(site: &Fixture, file: &str) {
    site.write(&format!("content/{file}"), "<p>ombre</p>");
    site.write(
        "content/apropos.md",
        &format!("+++\ntitle = \"À propos\"\n+++\n\nUn [fichier]({file}).\n"),
    );
}

#[test]
fn standalone_pages_cannot_take_the_names_of_generated_pages() {
    for (name, owner) in [
        ("tags", "the tag index"),
        ("search", "the search page"),
        ("print", "the printable guide"),
        ("index", "the home page"),
        ("404", "the page for unknown addresses"),
    ] {
        let site = Fixture::copy("site");
        site.write(
            &format!("content/{name}.md"),
            "+++\ntitle = \"Ombre\"\n+++\n\nTexte.\n",
        );
        let stderr = refused(&site);
        assert!(
            stderr.contains(&format!(
                "content/{name}.md: error[reserved-name]: the page (content/{name}.md) takes the name `{name}`, which belongs to {owner}"
            )),
            "{name}: {stderr}"
        );
    }
}

#[test]
fn a_standalone_page_named_like_a_kind_directory_names_the_kind_and_its_line() {
    let site = Fixture::copy("site");
    site.write("content/cas.md", "+++\ntitle = \"Ombre\"\n+++\n");
    let stderr = refused(&site);
    let config = site.read("archipel.toml");
    let line = config.lines().position(|l| l == "dir = \"cas\"").unwrap() + 1;
    assert!(
        stderr.contains(&format!(
            "content/cas.md: error[reserved-name]: the page (content/cas.md) takes the name `cas`, which belongs to the list of kind `case` (archipel.toml:{line}:7)"
        )),
        "{stderr}"
    );
}

#[test]
fn raw_files_named_like_generated_ones_are_collisions() {
    for (file, owner) in [
        ("index.html", "the home page"),
        ("404.html", "the page for unknown addresses"),
        ("atom.xml", "the Atom feed"),
        ("sitemap.xml", "the sitemap"),
        ("search-index.js", "the search index"),
        ("search/shards/d0.js", "the search index's shards"),
        ("tags/index.html", "the tag index"),
        (
            "cas/premier/index.html",
            "the page (content/cas/premier.md)",
        ),
        (
            "tags/vote/index.html",
            "the page of tag `vote` (content/tags.toml)",
        ),
    ] {
        let site = Fixture::copy("site");
        linked_file(&site, file);
        let stderr = refused(&site);
        assert!(
            stderr.contains(&format!(
                "content/{file}: error[output-collision]: `{file}` would be written twice: by {owner} and by the file (content/{file})"
            )),
            "{file}: {stderr}"
        );
    }
}

#[test]
fn a_raw_file_named_like_a_static_file_is_a_collision() {
    let site = Fixture::copy("site");
    linked_file(&site, "style.css");
    let stderr = refused(&site);
    assert!(
        stderr.contains("themes/default/static/style.css: error[output-collision]: `style.css` would be written twice: by the file (content/style.css) and by the static file (themes/default/static/style.css)"),
        "{stderr}"
    );
}

#[test]
fn a_kind_list_and_a_raw_file_collide_with_the_kind_s_position() {
    let site = Fixture::copy("site");
    linked_file(&site, "methodes/index.html");
    let stderr = refused(&site);
    assert!(
        stderr.contains("`methodes/index.html` would be written twice: by the list of kind `method` (archipel.toml:"),
        "{stderr}"
    );
}

#[test]
fn reserved_names_cannot_be_kind_directories() {
    for name in ["print", "tags", "search", "index", "404", "static"] {
        let site = Fixture::copy("site");
        let config = site
            .read("archipel.toml")
            .replace("dir = \"methodes\"", &format!("dir = \"{name}\""));
        site.write("archipel.toml", &config);
        let run = site.run(&["check"]).expect(2);
        assert!(
            run.stderr.contains(&format!(
                "error[bad-kind-dir]: `{name}` cannot be a kind directory"
            )),
            "{name}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("`print`"), "{}", run.stderr);
    }
}

#[test]
fn the_table_of_outputs_is_what_a_build_writes() {
    let site = Fixture::guide();
    site.write("content/img/schema.svg", "<svg/>");
    site.run(&["build"]).expect(0);
    let (checked, theme) = archipel::build::check_with_theme(site.root(), false).unwrap();
    let table = archipel::render::outputs::of(
        &checked.site,
        &checked.graph,
        &theme,
        archipel::render::Options::default(),
    );
    let mut planned: Vec<String> = table.files().map(String::from).collect();
    planned.sort_unstable();
    let (claimed, written): (Vec<String>, Vec<String>) = site
        .tree("public")
        .into_iter()
        .map(|(file, _)| file)
        .filter(|f| f != ".archipel-output")
        .partition(|f| table.dirs().any(|d| f.starts_with(d)));
    assert_eq!(planned, written);
    // The directories registered whole: the search index's shards.
    assert_eq!(table.dirs().collect::<Vec<_>>(), ["search/shards/"]);
    assert!(
        claimed.iter().any(|f| f == "search/shards/d0.js"),
        "{claimed:?}"
    );
    assert!(planned.len() > 50, "{}", planned.len());
}

#[test]
fn a_rebuild_refuses_a_new_collision_and_keeps_the_output() {
    use archipel::build::{self, Cache};
    use archipel::render::Options;
    let site = Fixture::copy("site");
    let out = site.path("served");
    let mut cache = Cache::new();
    build::rebuild(site.root(), &out, Options::default(), &mut cache).unwrap();
    let tags = site.read("served/tags/index.html");
    linked_file(&site, "tags/index.html");
    cache.invalidate(std::path::Path::new("content/tags/index.html"));
    cache.invalidate(std::path::Path::new("content/apropos.md"));
    let err = build::rebuild(site.root(), &out, Options::default(), &mut cache).unwrap_err();
    let codes: Vec<&str> = err.diagnostics().iter().map(|d| d.code).collect();
    assert_eq!(codes, ["output-collision"]);
    assert_eq!(site.read("served/tags/index.html"), tags);
}

/// Builds `site` into `served`, writes `text` to `file`, and rebuilds: the codes of the
/// errors that stop the rebuild, and whether the output stayed as it was.
fn rebuild_with(site: &Fixture, file: &str, text: &str) -> (Vec<&'static str>, bool) {
    use archipel::build::{self, Cache};
    use archipel::render::Options;
    let out = site.path("served");
    let mut cache = Cache::new();
    build::rebuild(site.root(), &out, Options::default(), &mut cache).unwrap();
    let before = site.read("served/cas/second/index.html");
    site.write(file, text);
    cache.invalidate(std::path::Path::new(file));
    let err = build::rebuild(site.root(), &out, Options::default(), &mut cache).unwrap_err();
    let codes = err.diagnostics().iter().map(|d| d.code).collect();
    (codes, site.read("served/cas/second/index.html") == before)
}

#[test]
fn a_rebuild_refuses_a_new_alias_over_a_page() {
    // Serve keeps the last table of outputs found clear while nothing it lists moved
    // (#16): a page's new alias is such a move, though no page was added or removed.
    let site = Fixture::copy("site");
    let page = "content/cas/troisieme.md";
    let text = site
        .read(page)
        .replacen("+++\n", "+++\naliases = [\"cas/second\"]\n", 1);
    let (codes, kept) = rebuild_with(&site, page, &text);
    assert_eq!(codes, ["output-collision"]);
    assert!(kept, "the failed rebuild changed the output");
}

#[test]
fn a_rebuild_refuses_a_new_static_file_over_a_page() {
    // The same for a static file, which the theme lists.
    let site = Fixture::copy("site");
    let (codes, kept) = rebuild_with(&site, "static/cas/second/index.html", "<p>statique</p>");
    assert_eq!(codes, ["output-collision"]);
    assert!(kept, "the failed rebuild changed the output");
}
