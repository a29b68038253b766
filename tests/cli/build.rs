//! `archipel build` on fixture sites: pages, cross-links, URLs, safety of the output.

use crate::support::{Fixture, attr_values, hrefs, section};

#[test]
fn good_site_builds_every_expected_page() {
    let site = Fixture::copy("site");
    let run = site.run(&["build"]).expect(0);
    assert!(run.stderr.contains("built 7 pages"), "{}", run.stderr);
    for file in [
        "index.html",
        "apropos/index.html",
        "cas/index.html",
        "cas/premier/index.html",
        "cas/second/index.html",
        "cas/troisieme/index.html",
        "methodes/index.html",
        "methodes/ecoute/index.html",
        "methodes/vote/index.html",
        "tags/index.html",
        "tags/ecoute/index.html",
        "tags/vote/index.html",
        "tags/rare/index.html",
        "search/index.html",
        "404.html",
        "sitemap.xml",
        "atom.xml",
        "search-index.js",
        "style.css",
        ".archipel-output",
    ] {
        assert!(site.path("public").join(file).is_file(), "missing {file}");
    }
    // The home page's text comes from _index.md; it is not also a page of its own.
    assert!(site.read("public/index.html").contains("Commencez par"));
    assert!(!site.path("public/_index").exists());
}

#[test]
fn kind_lists_follow_their_declared_order() {
    let site = Fixture::copy("site");
    site.run(&["build"]).expect(0);
    // Cases sort by date, newest first; methods by `order`.
    let cases = site.read("public/cas/index.html");
    let titles: Vec<usize> = ["Second cas", "Premier cas", "Troisième cas"]
        .iter()
        .map(|t| cases.find(t).unwrap())
        .collect();
    assert!(titles.windows(2).all(|w| w[0] < w[1]), "{titles:?}");
    let methods = site.read("public/methodes/index.html");
    assert!(methods.find("Le vote").unwrap() < methods.find("L&apos;écoute active").unwrap());
}

#[test]
fn tag_pages_list_their_pages_grouped_by_kind() {
    let site = Fixture::copy("site");
    site.run(&["build"]).expect(0);
    let tag = site.read("public/tags/ecoute/index.html");
    assert!(tag.contains("Écouter avant de décider."));
    let links = hrefs(section(&tag, "tag-page", "section>\n</main"));
    for expected in [
        "../../cas/premier/",
        "../../cas/second/",
        "../../methodes/ecoute/",
    ] {
        assert!(
            links.contains(&expected.to_string()),
            "{expected} not in {links:?}"
        );
    }
    assert!(!links.contains(&"../../cas/troisieme/".to_string()));
    assert!(tag.find("Cas pratiques").unwrap() < tag.find("Méthodes</h2>").unwrap());
}

#[test]
fn references_backlinks_and_related_are_computed() {
    let site = Fixture::copy("site");
    site.run(&["build"]).expect(0);
    let ecoute = site.read("public/methodes/ecoute/index.html");
    // Pages that name it in a field (premier's `methods`, under the kind's plural label
    // since the field declares no inverse), then pages whose text links to it (vote's
    // body and a standalone page); never the home page.
    let inverse = section(&ecoute, "relation relation-inverse rel-methods", "section");
    assert!(inverse.contains("<h2>Cas pratiques</h2>"), "{inverse}");
    assert_eq!(hrefs(inverse), ["../../cas/premier/"]);
    let cited = section(&ecoute, "relation relation-cited", "section");
    assert!(cited.contains("<h2>Cité dans</h2>"), "{cited}");
    assert_eq!(hrefs(cited), ["../../apropos/", "../../methodes/vote/"]);
    // `second` references `vote` by its bare slug.
    let second = site.read("public/cas/second/index.html");
    assert_eq!(
        hrefs(section(
            &second,
            "relation relation-forward rel-methods",
            "section"
        )),
        ["../../methodes/vote/"]
    );
    assert!(second.contains("Méthodes employées"));
    // Related pages share tags and are not already linked: premier and second share
    // `ecoute`, troisieme and premier share the rarer `rare`.
    let premier = site.read("public/cas/premier/index.html");
    let related = hrefs(section(&premier, "related", "section"));
    assert_eq!(
        related,
        ["../../cas/troisieme/"],
        "second is linked from premier's body, so not related"
    );
    let troisieme = site.read("public/cas/troisieme/index.html");
    assert_eq!(
        hrefs(section(&troisieme, "related", "section"))[0],
        "../../cas/premier/"
    );
    // Plain declared fields are shown.
    assert!(premier.contains("Lieu : Lyon"));
}

#[test]
fn body_links_are_rewritten_and_every_internal_link_resolves() {
    let site = Fixture::copy("site");
    site.run(&["build"]).expect(0);
    let premier = site.read("public/cas/premier/index.html");
    assert!(premier.contains(r#"href="../../methodes/ecoute/#etapes""#));
    assert!(
        premier.contains(r#"href="../second/""#) || premier.contains(r#"href="../../cas/second/""#)
    );
    assert_all_links_resolve(&site, "public", false);
}

#[test]
fn offline_build_links_name_files_and_resolve() {
    let site = Fixture::copy("site");
    site.run(&["build", "--offline", "--out", "copie"])
        .expect(0);
    let premier = site.read("copie/cas/premier/index.html");
    assert!(premier.contains(r#"href="../../methodes/ecoute/index.html#etapes""#));
    assert!(!site.path("copie/atom.xml").exists());
    assert_all_links_resolve(&site, "copie", true);
}

/// Every relative `href` and `src` of every HTML file points to a file of the tree.
fn assert_all_links_resolve(site: &Fixture, out: &str, offline: bool) {
    let root = site.path(out);
    let mut checked = 0;
    for (file, bytes) in site.tree(out) {
        if !file.ends_with(".html") || file == "404.html" {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        let dir = root.join(&file).parent().unwrap().to_path_buf();
        for link in hrefs(&html).into_iter().chain(attr_values(&html, "src")) {
            if link.contains("://") || link.starts_with('#') || link.starts_with("mailto:") {
                // Only the canonical address is absolute (#12).
                let canonical = format!(r#"<link rel="canonical" href="{link}">"#);
                assert!(
                    !link.starts_with("http")
                        || !link.contains("exemple.org")
                        || html.contains(&canonical),
                    "{file}: absolute internal link {link}"
                );
                continue;
            }
            let path = link.split('#').next().unwrap();
            let target = dir.join(path);
            if offline {
                assert!(
                    target.is_file(),
                    "{file}: offline link {link} does not name a file"
                );
            } else {
                assert!(
                    target.is_file() || target.join("index.html").is_file(),
                    "{file}: {link} leads nowhere"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} links checked");
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = Fixture::copy("site");
    site.run(&["build"]).expect(0);
    let before = site.tree("public");
    site.write(
        "content/cas/second.md",
        "+++\ntitle = \"Second\"\ntags = [\"inconnu\"]\nmethods = [\"vote\"]\n+++\n",
    );
    let run = site.run(&["build"]).expect(1);
    assert!(
        run.stderr.contains("unknown tag `inconnu`"),
        "{}",
        run.stderr
    );
    assert_eq!(site.tree("public"), before);
    // No staging directory is left behind.
    let leftovers = site.hidden_entries();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_second_build_replaces_the_first() {
    let site = Fixture::copy("site");
    site.run(&["build"]).expect(0);
    std::fs::remove_file(site.path("content/cas/troisieme.md")).unwrap();
    site.run(&["build"]).expect(0);
    assert!(!site.path("public/cas/troisieme").exists());
    assert!(site.path("public/cas/premier/index.html").is_file());
}

/// A copy of the fixture with `cas/troisieme.md` marked as a draft (a private page).
fn hide_troisieme(site: &Fixture) {
    let page = site.read("content/cas/troisieme.md");
    site.write(
        "content/cas/troisieme.md",
        &page.replacen("+++\n", "+++\ndraft = true\n", 1),
    );
}

#[test]
fn rebuilds_over_the_spare_tree_write_what_a_clean_build_writes() {
    let site = Fixture::copy("site");
    site.run(&["build"]).expect(0);
    site.run(&["build"]).expect(0);
    // The replaced tree is kept hidden beside the output, for the next build to update.
    assert_eq!(site.hidden_entries(), [".public.archipel-spare"]);
    assert!(
        site.path(".public.archipel-spare/cas/troisieme/index.html")
            .is_file()
    );
    hide_troisieme(&site);
    site.run(&["build"]).expect(0);
    // This build updates the spare tree, which still holds the page made private since.
    site.run(&["build"]).expect(0);
    assert!(!site.path("public/cas/troisieme").exists());
    site.run(&["build", "--out", "clean"]).expect(0);
    assert_eq!(site.tree("public"), site.tree("clean"));
    // A spare is never published, and keeps itself out of a repository holding the site.
    assert_eq!(site.read(".public.archipel-spare/.gitignore"), "*\n");
}

#[test]
fn dangerous_output_paths_are_refused_and_nothing_is_touched() {
    let site = Fixture::copy("site");
    site.write("mes-notes/important.txt", "à garder");
    let content_before = site.tree("content");
    for out in [
        ".",
        "content",
        "content/cas",
        "..",
        "/",
        "mes-notes",
        "archipel.toml",
    ] {
        let run = site.run(&["build", "--out", out]).expect(2);
        assert!(
            run.stderr.contains("refusing to write the site"),
            "{out}: {}",
            run.stderr
        );
    }
    assert_eq!(site.tree("content"), content_before);
    assert_eq!(site.read("mes-notes/important.txt"), "à garder");
    assert!(site.path("archipel.toml").is_file());
    // An empty directory is fine, and so is a previous output.
    std::fs::create_dir(site.path("vide")).unwrap();
    site.run(&["build", "--out", "vide"]).expect(0);
    site.run(&["build", "--out", "vide"]).expect(0);
}

#[test]
fn a_site_template_overrides_the_themes() {
    let site = Fixture::copy("site");
    site.write(
        "templates/page.html",
        "<!DOCTYPE html><html><body><h1 class=\"override\">{{ page.title }}</h1>{{ page.content | safe }}</body></html>\n",
    );
    site.run(&["build"]).expect(0);
    let page = site.read("public/methodes/vote/index.html");
    assert!(
        page.starts_with("<!DOCTYPE html><html><body><h1 class=\"override\">Le vote</h1>"),
        "{page}"
    );
    // Templates that are not overridden still come from the theme.
    assert!(site.read("public/cas/index.html").contains("Cas pratiques"));
}

#[test]
fn a_template_sees_its_own_view_and_the_strings_but_no_earlier_file_s() {
    let site = Fixture::copy("site");
    // The home page renders after the lists and tag pages, the 404 page after the home
    // page: contexts are reused between files, never what they held for another.
    site.write(
        "templates/index.html",
        "[{% if list is defined or tag is defined or tags is defined or page is defined %}fuite{% endif %}\
         {% if home is defined %}home{% endif %}] {{ t.tags }}",
    );
    site.write(
        "templates/404.html",
        "[{% if list is defined or tag is defined or home is defined %}fuite{% endif %}] {{ t.tags }}",
    );
    site.run(&["build"]).expect(0);
    assert_eq!(site.read("public/index.html"), "[home] Thèmes");
    assert_eq!(site.read("public/404.html"), "[] Thèmes");
}

#[test]
fn long_pages_get_a_table_of_contents_and_heading_anchors() {
    let site = Fixture::copy("site");
    site.run(&["build"]).expect(0);
    let ecoute = site.read("public/methodes/ecoute/index.html");
    let toc = section(&ecoute, "toc", "nav");
    assert_eq!(hrefs(toc), ["#principe", "#etapes", "#limites"]);
    assert!(ecoute.contains(r##"<h2 id="etapes">Étapes <a class="anchor" href="#etapes""##));
    let vote = site.read("public/methodes/vote/index.html");
    assert!(!vote.contains("class=\"toc\""));
}

#[test]
fn feed_and_sitemap_use_the_base_url() {
    let site = Fixture::copy("site");
    site.run(&["build"]).expect(0);
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains(
        "<loc>https://exemple.org/recueil/cas/premier/</loc><lastmod>2024-01-10</lastmod>"
    ));
    let feed = site.read("public/atom.xml");
    assert!(
        feed.find("Second cas").unwrap() < feed.find("Premier cas").unwrap(),
        "newest first"
    );
    assert!(feed.contains(r#"<link href="https://exemple.org/recueil/cas/second/"/>"#));
}

/// Content pages share one serialized `site` view while it stays the same (see
/// `Theme::render_page`): each page must still get its own, online (where every page
/// has its own canonical address) and offline (where the pages of one kind have the same
/// view), whatever the page rendered before it on the same thread.
#[test]
fn every_page_gets_its_own_site_view() {
    let site = Fixture::copy("site");
    site.run(&["build"]).expect(0);
    site.run(&["build", "--offline", "--out", "hors-ligne"])
        .expect(0);
    let pages = [
        ("cas/premier", Some("cas"), "../../"),
        ("cas/second", Some("cas"), "../../"),
        ("cas/troisieme", Some("cas"), "../../"),
        ("methodes/ecoute", Some("methodes"), "../../"),
        ("methodes/vote", Some("methodes"), "../../"),
        ("apropos", None, "../"),
    ];
    for (page, kind, root) in pages {
        let online = site.read(&format!("public/{page}/index.html"));
        let canonical =
            format!(r#"<link rel="canonical" href="https://exemple.org/recueil/{page}/">"#);
        assert!(online.contains(&canonical), "{page}: {online}");
        let offline = site.read(&format!("hors-ligne/{page}/index.html"));
        assert!(!offline.contains("rel=\"canonical\""), "{page}: {offline}");
        for (html, index) in [(online, ""), (offline, "index.html")] {
            let style = format!(r#"<link rel="stylesheet" href="{root}style.css">"#);
            assert!(html.contains(&style), "{page}: {html}");
            let current: Vec<&str> = html.matches(r#"aria-current="page""#).collect();
            match kind {
                Some(kind) => {
                    let nav = format!(r#"<a href="{root}{kind}/{index}" aria-current="page">"#);
                    assert!(html.contains(&nav), "{page}: {html}");
                    assert_eq!(current.len(), 1, "{page}: {html}");
                }
                None => assert!(current.is_empty(), "{page}: {html}"),
            }
        }
    }
}
