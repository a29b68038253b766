//! Pagination of kind lists and tag pages (`paginate = N` on a kind, `[tags] paginate =
//! N`, #16): numbered, accessible page links, `rel="prev|next"`, page 1 at the list's
//! URL and page n at `<dir>/page/<n>/`, offline too; a title edit renders again only the
//! list page that holds the page.

use std::path::Path;

use crate::support::{Fixture, attr_values};

/// The fixture site with one case per list page and two pages per tag page.
fn paginated() -> Fixture {
    paginated_by(1, 2)
}

/// The fixture site with `cases` cases per page of their list and `tagged` pages per
/// tag page.
pub(crate) fn paginated_by(cases: usize, tagged: usize) -> Fixture {
    let site = Fixture::copy("site");
    let config = site.read("archipel.toml").replacen(
        "sort = \"date\"",
        &format!("sort = \"date\"\npaginate = {cases}"),
        1,
    );
    site.write(
        "archipel.toml",
        &format!("{config}\n[tags]\npaginate = {tagged}\n"),
    );
    site
}

/// The card titles of a list page.
fn titles(html: &str) -> Vec<String> {
    html.split("<li class=\"card\">")
        .skip(1)
        .map(|card| {
            let a = &card[card.find("<a ").unwrap()..];
            a[a.find('>').unwrap() + 1..a.find("</a>").unwrap()].to_string()
        })
        .collect()
}

/// The `<nav class="pagination">` of a page.
fn nav(html: &str) -> &str {
    let start = html
        .find("<nav class=\"pagination\"")
        .expect("a pagination nav");
    &html[start..start + html[start..].find("</nav>").unwrap()]
}

#[test]
fn kind_lists_are_split_into_linked_pages() {
    let site = paginated();
    site.run(&["build"]).expect(0);
    let read = |f: &str| site.read(&format!("public/{f}"));
    let pages = [
        read("cas/index.html"),
        read("cas/page/2/index.html"),
        read("cas/page/3/index.html"),
    ];
    assert!(!site.path("public/cas/page/4").exists());
    assert!(
        !site.path("public/cas/page/1").exists(),
        "page 1 is the list's URL"
    );
    // Newest first, one case a page, each once.
    let listed: Vec<Vec<String>> = pages.iter().map(|p| titles(p)).collect();
    assert_eq!(
        listed,
        [["Second cas"], ["Premier cas"], ["Troisième cas"]].map(|t| vec![t[0].to_string()])
    );

    // Page 2: previous and next, in the head and in the navigation.
    let two = &pages[1];
    assert!(
        two.contains(r#"<link rel="prev" href="../../../cas/">"#),
        "{two}"
    );
    assert!(two.contains(r#"<link rel="next" href="../../../cas/page/3/">"#));
    let links = nav(two);
    assert!(links.contains(r#"aria-label="Pages de la liste""#));
    assert!(
        links.contains(r#"href="../../../cas/" rel="prev""#),
        "{links}"
    );
    assert!(links.contains(r#"href="../../../cas/page/3/" rel="next""#));
    assert!(links.contains(r#"href="../../../cas/page/2/" aria-current="page""#));
    assert_eq!(links.matches("aria-current").count(), 1);
    assert_eq!(attr_values(links, "href").len(), 5, "prev, 1, 2, 3, next");
    assert!(
        two.contains("<p class=\"count\">3 pages · page 2 sur 3</p>"),
        "{two}"
    );
    // The first has no previous page, the last no next one.
    assert!(!pages[0].contains("rel=\"prev\"") && pages[0].contains("rel=\"next\""));
    assert!(pages[2].contains("rel=\"prev\"") && !pages[2].contains("rel=\"next\""));
    // A list that is not paginated has no navigation.
    assert!(!read("methodes/index.html").contains("class=\"pagination\""));
}

#[test]
fn tag_pages_are_paginated_and_offline_links_name_files() {
    let site = paginated();
    site.run(&["build", "--offline", "--out", "copy"]).expect(0);
    // `ecoute` tags two cases and a method: two pages of two and one.
    let first = site.read("copy/tags/ecoute/index.html");
    let second = site.read("copy/tags/ecoute/page/2/index.html");
    assert_eq!(titles(&first).len() + titles(&second).len(), 3);
    assert_eq!(titles(&first).len(), 2);
    for (file, html) in [
        ("tags/ecoute/index.html", &first),
        ("tags/ecoute/page/2/index.html", &second),
        (
            "cas/page/2/index.html",
            &site.read("copy/cas/page/2/index.html"),
        ),
    ] {
        let dir = Path::new(file).parent().unwrap();
        let hrefs = attr_values(nav(html), "href");
        assert!(hrefs.len() >= 3, "{file}: {hrefs:?}");
        for href in hrefs {
            assert!(href.ends_with("index.html"), "{file}: {href}");
            let target = site.path("copy").join(dir).join(&href);
            assert!(target.exists(), "{file}: {href} leads nowhere");
        }
    }
    assert!(
        !site.path("copy/tags/rare/page/2").exists(),
        "two pages fit on one"
    );
}

#[test]
fn a_paginated_list_page_collides_with_a_file_at_its_address() {
    let site = paginated();
    site.write("content/cas/page/2/index.html", "<p>ombre</p>");
    // Files of content/ are published when a page links to them.
    site.write(
        "content/apropos.md",
        "+++\ntitle = \"À propos\"\n+++\n\nUn [fichier](cas/page/2/index.html).\n",
    );
    let run = site.run(&["check"]).expect(1);
    assert!(
        run.stderr.contains("`cas/page/2/index.html` would be written twice: by page 2 of the list of kind `case` (archipel.toml:"),
        "{}",
        run.stderr
    );
}

/// Builds `site` into `served`, renames « Premier cas » and rebuilds incrementally:
/// returns how many outputs the rebuild rendered and the files it wrote.
fn rename_first_case(site: &Fixture) -> (usize, Vec<String>) {
    use archipel::build::{self, Cache};
    use archipel::render::Options;
    let out = site.path("served");
    let mut cache = Cache::new();
    build::rebuild(site.root(), &out, Options::default(), &mut cache).unwrap();
    let page = "content/cas/premier.md";
    site.write(
        page,
        &site
            .read(page)
            .replace("Premier cas", "Premier cas renommé"),
    );
    cache.invalidate(Path::new(page));
    let rebuilt = build::rebuild(site.root(), &out, Options::default(), &mut cache).unwrap();
    (rebuilt.rendered, rebuilt.written)
}

#[test]
fn a_title_edit_renders_again_only_the_list_page_that_holds_it() {
    let site = paginated();
    let (rendered, written) = rename_first_case(&site);
    // « Premier cas » is on page 2 of the cases, and on page 1 of tags `ecoute` and `rare`.
    let lists: Vec<&str> = written
        .iter()
        .map(String::as_str)
        .filter(|f| {
            f.starts_with("cas/index") || f.starts_with("cas/page/") || f.starts_with("tags/")
        })
        .collect();
    assert_eq!(
        lists,
        [
            "cas/page/2/index.html",
            "tags/ecoute/index.html",
            "tags/rare/index.html"
        ]
    );
    assert!(
        site.read("served/cas/page/2/index.html")
            .contains("Premier cas renommé")
    );
    // As many outputs rendered as without pagination: one page of each list, not the
    // three pages of the cases nor both pages of tag `ecoute`.
    let (unpaginated, _) = rename_first_case(&Fixture::copy("site"));
    assert_eq!(rendered, unpaginated);
}

#[test]
fn a_tag_that_loses_a_page_loses_the_last_page_of_its_list() {
    use archipel::build::{self, Cache};
    use archipel::render::Options;
    let site = paginated();
    let out = site.path("served");
    let mut cache = Cache::new();
    build::rebuild(site.root(), &out, Options::default(), &mut cache).unwrap();
    assert!(site.path("served/tags/ecoute/page/2/index.html").exists());
    // `ecoute` keeps two of its three pages: one page of two.
    let page = "content/methodes/ecoute.md";
    site.write(
        page,
        &site
            .read(page)
            .replace("tags = [\"ecoute\"]", "tags = [\"vote\"]"),
    );
    cache.invalidate(Path::new(page));
    let rebuilt = build::rebuild(site.root(), &out, Options::default(), &mut cache).unwrap();
    assert!(
        rebuilt
            .removed
            .contains(&"tags/ecoute/page/2/index.html".to_string())
    );
    assert!(!site.path("served/tags/ecoute/page/2").exists());
    assert!(site.path("served/tags/vote/page/2/index.html").exists());
}
