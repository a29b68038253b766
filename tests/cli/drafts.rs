//! Drafts (#13): `draft = true` pages stay out of `build` and everything it lists, links
//! to them become plain text with a warning, `build --drafts` and `serve` show them with
//! a badge.

use crate::support::{Fixture, hrefs};

/// The fixture site with `methodes/ecoute.md` marked as a draft. Four published pages
/// link to it: `apropos.md` and `methodes/vote.md` in their text, `cas/premier.md` in its
/// text and in its `methods` field.
fn with_draft() -> Fixture {
    let site = Fixture::copy("site");
    let path = "content/methodes/ecoute.md";
    let text = site
        .read(path)
        .replace("order = 2\n", "order = 2\ndraft = true\n");
    site.write(path, &text);
    let config = site.read("archipel.toml");
    site.write(
        "archipel.toml",
        &config.replace("related = 3", "related = 3\nprint = true"),
    );
    site
}

#[test]
fn a_linked_draft_leaves_build_at_exit_0_with_a_warning_per_link() {
    let site = with_draft();
    let run = site.run(&["build"]).expect(0);
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("warning[draft-link]"))
        .map(|l| l.split(": warning").next().unwrap())
        .collect();
    assert_eq!(
        warnings,
        [
            "content/apropos.md:5:21",
            "content/cas/premier.md:6:12",
            "content/cas/premier.md:12:12",
            "content/methodes/vote.md:8:6",
        ],
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("error"), "{}", run.stderr);
    assert!(run.stderr.contains("built 6 pages"), "{}", run.stderr);
    assert!(!site.path("public/methodes/ecoute").exists());

    // The links' text stays, without the link.
    let premier = site.read("public/cas/premier/index.html");
    assert!(
        premier.contains("On a suivi les étapes puis lu"),
        "{premier}"
    );
    let about = site.read("public/apropos/index.html");
    assert!(
        about.contains("Ce recueil parle de l&#39;écoute.")
            || about.contains("Ce recueil parle de l'écoute."),
        "{about}"
    );
    for (file, html) in [("premier", &premier), ("apropos", &about)] {
        assert!(
            !hrefs(html).iter().any(|h| h.contains("methodes/ecoute")),
            "{file} links to the draft: {:?}",
            hrefs(html)
        );
    }
}

#[test]
fn a_draft_is_in_no_list_tag_feed_sitemap_search_or_print() {
    let site = with_draft();
    site.run(&["build"]).expect(0);
    for file in [
        "index.html",
        "methodes/index.html",
        "tags/ecoute/index.html",
        "tags/index.html",
        "atom.xml",
        "sitemap.xml",
        "search-index.js",
        "print/index.html",
        "cas/second/index.html",
    ] {
        let text = site.read(&format!("public/{file}"));
        assert!(!text.contains("Reformuler"), "{file} shows the draft");
        assert!(
            !text.contains("methodes/ecoute"),
            "{file} links to the draft"
        );
    }
    // The tag index counts the tag's published pages only: premier and second.
    let tags = site.read("public/tags/index.html");
    let ecoute = &tags[tags.find("Écoute").unwrap()..];
    assert!(
        ecoute[..ecoute.find("</li>").unwrap()].contains('2'),
        "{tags}"
    );
}

#[test]
fn build_drafts_publishes_them_with_a_badge_and_working_links() {
    let site = with_draft();
    let run = site.run(&["build", "--drafts"]).expect(0);
    assert!(!run.stderr.contains("draft-link"), "{}", run.stderr);
    assert!(run.stderr.contains("built 7 pages"), "{}", run.stderr);
    let page = site.read("public/methodes/ecoute/index.html");
    assert!(page.contains("class=\"draft-badge\">brouillon"), "{page}");
    let list = site.read("public/methodes/index.html");
    assert!(
        list.contains("L&apos;écoute active</a> <span class=\"draft-badge\">brouillon</span>")
            || list
                .contains("L&#39;écoute active</a> <span class=\"draft-badge\">brouillon</span>"),
        "{list}"
    );
    // A published page has no badge.
    assert!(
        !site
            .read("public/methodes/vote/index.html")
            .contains("draft-badge")
    );
    let premier = site.read("public/cas/premier/index.html");
    assert!(hrefs(&premier).contains(&"../../methodes/ecoute/#etapes".to_string()));
}

#[test]
fn check_counts_drafts_and_checks_them_with_drafts() {
    let site = with_draft();
    let run = site.run(&["check"]).expect(0);
    assert!(
        run.stderr.ends_with(
            "6 pages checked, no errors, 4 warning(s), 1 draft(s) left out (`--drafts` checks them as published)\n"
        ),
        "{}",
        run.stderr
    );
    // With --drafts, a draft's own links are checked like any page's.
    let path = "content/methodes/ecoute.md";
    site.write(
        path,
        &format!("{}\n[cassé](nulle-part.md)\n", site.read(path)),
    );
    site.run(&["check"]).expect(0);
    let run = site.run(&["check", "--drafts"]).expect(1);
    assert!(run.stderr.contains("error[broken-link]"), "{}", run.stderr);
}

#[test]
fn a_reference_to_a_draft_is_dropped_from_the_page() {
    let site = with_draft();
    site.run(&["build"]).expect(0);
    let premier = site.read("public/cas/premier/index.html");
    // `methods = ["methodes/ecoute"]` was its only reference: no section left.
    assert!(!premier.contains("ref-methods"), "{premier}");
}

/// A link's path names a page by its id: `ecoute.md` at the top of `content/` is not the
/// draft `methodes/ecoute.md`, as a bare slug in a reference would be. Missing, it is a
/// broken link (not a link to a draft); published, a link to it.
#[test]
fn a_link_to_a_page_named_like_a_draft_elsewhere_is_not_a_draft_link() {
    let site = with_draft();
    let about = site.read("content/apropos.md");
    site.write(
        "content/apropos.md",
        &format!("{about}\nVoir [la page publiée](ecoute.md).\n"),
    );
    let run = site.run(&["build"]).expect(1);
    let broken: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("error[broken-link]"))
        .collect();
    assert_eq!(broken.len(), 1, "{}", run.stderr);
    assert!(
        broken[0].starts_with("content/apropos.md:7:"),
        "{}",
        run.stderr
    );

    site.write(
        "content/ecoute.md",
        "+++\ntitle = \"Écoute publiée\"\n+++\n\nUne page publiée.\n",
    );
    let run = site.run(&["build"]).expect(0);
    let draft_links = run.stderr.matches("warning[draft-link]").count();
    assert_eq!(
        draft_links, 4,
        "only the links to the draft: {}",
        run.stderr
    );
    let page = site.read("public/apropos/index.html");
    assert!(
        page.contains("<a href=\"../ecoute/\">la page publiée</a>"),
        "{page}"
    );
}
