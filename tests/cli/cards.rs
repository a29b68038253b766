//! Cards: a theme's `card.html` renders each listed page once per depth of the file that
//! lists it and per variant (`mixed` lists), or once per variant when it prints its link
//! plainly, and the engine reuses it wherever the page is listed; a theme without it
//! shows its lists from the links' fields.

use std::path::Path;

use archipel::build::{self, Cache};
use archipel::render::Options;

use crate::support::{Fixture, copy_dir, repo};

/// The card of the page titled `title` on `html`, its whitespace collapsed.
fn card(html: &str, title: &str) -> String {
    let link = format!(">{title}</a>");
    let card = html
        .split("<li class=\"card\">")
        .skip(1)
        .map(|c| &c[..c.find("</li>").unwrap()])
        .find(|c| c.contains(&link))
        .unwrap_or_else(|| panic!("no card of {title}"));
    card.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The vote's card in a list of one kind, linked with `href`.
fn plain(href: &str) -> String {
    format!("<a href=\"{href}\">Le vote</a> <p>Compter les voix.</p>")
}

/// The vote's card in a list of several kinds, linked with `href`.
fn mixed(href: &str) -> String {
    format!("<span class=\"kind\">Méthode</span> {}", plain(href))
}

#[test]
fn a_card_links_right_from_each_depth_and_variant_that_lists_it() {
    let site = Fixture::copy("site");
    site.run(&["build"]).expect(0);
    site.run(&["build", "--offline", "--out", "offline"])
        .expect(0);
    // The vote is listed at four depths, and at depth 2 in both variants: on its tag's
    // page (one kind at a time) and among a case's methods (several kinds).
    for (file, online, offline) in [
        (
            "index.html",
            plain("methodes/vote/"),
            plain("methodes/vote/index.html"),
        ),
        (
            "methodes/index.html",
            plain("../methodes/vote/"),
            plain("../methodes/vote/index.html"),
        ),
        (
            "tags/vote/index.html",
            plain("../../methodes/vote/"),
            plain("../../methodes/vote/index.html"),
        ),
        (
            "cas/second/index.html",
            mixed("../../methodes/vote/"),
            mixed("../../methodes/vote/index.html"),
        ),
    ] {
        assert_eq!(
            card(&site.read(&format!("public/{file}")), "Le vote"),
            online,
            "{file}"
        );
        let copy = site.read(&format!("offline/{file}"));
        assert_eq!(card(&copy, "Le vote"), offline, "offline {file}");
    }
}

#[test]
fn a_card_on_a_later_page_of_a_list_links_from_that_depth() {
    // One entry per list page: the tag's pages are the two cases (the first kind) then
    // the vote, and the cases by date, newest first: second, premier, troisième.
    let site = crate::paginate::paginated_by(1, 1);
    site.run(&["build"]).expect(0);
    let tag = site.read("public/tags/vote/page/3/index.html");
    assert_eq!(card(&tag, "Le vote"), plain("../../../../methodes/vote/"));
    let cases = site.read("public/cas/page/2/index.html");
    assert_eq!(
        card(&cases, "Premier cas"),
        "<a href=\"../../../cas/premier/\">Premier cas</a> <p>Un cas d&apos;écoute.</p>"
    );
}

#[test]
fn a_theme_without_a_card_template_lists_pages_from_their_links() {
    let site = Fixture::copy("site");
    copy_dir(&repo().join("themes/default"), &site.path("themes/plain"));
    std::fs::remove_file(site.path("themes/plain/templates/card.html")).unwrap();
    let macros = site.read("themes/plain/templates/macros.html");
    let start = macros.find("{% macro page_list").unwrap();
    let end = macros.find("{% endmacro page_list %}").unwrap();
    let fields = "{% macro page_list(pages) %}<ul class=\"cards\">{% for p in pages %}\
        <li class=\"card\"><a href=\"{{ p.href }}\">{{ p.title }}</a></li>{% endfor %}</ul>";
    let macros = format!("{}{fields}{}", &macros[..start], &macros[end..]);
    site.write("themes/plain/templates/macros.html", &macros);
    let config = site.read("archipel.toml");
    site.write(
        "archipel.toml",
        &config.replacen("[site]", "[site]\ntheme = \"plain\"", 1),
    );
    site.run(&["build"]).expect(0);
    let list = site.read("public/methodes/index.html");
    assert_eq!(
        card(&list, "Le vote"),
        "<a href=\"../methodes/vote/\">Le vote</a>"
    );
    let case = site.read("public/cas/second/index.html");
    assert_eq!(
        card(&case, "Le vote"),
        "<a href=\"../../methodes/vote/\">Le vote</a>"
    );
}

#[test]
fn a_card_that_reads_its_link_is_rendered_for_each_depth() {
    // This card tests its link, not only prints it: it cannot be rendered once and
    // given each depth's link, and each depth gets the card that its own link gives.
    let site = Fixture::copy("site");
    site.write(
        "templates/card.html",
        "<li class=\"card\"><a href=\"{{ href }}\">{{ title }}</a>\
         {% if href is starting_with(\"../../\") %} <i>loin</i>{% endif %}</li>\n",
    );
    site.run(&["build"]).expect(0);
    assert_eq!(
        card(&site.read("public/methodes/index.html"), "Le vote"),
        "<a href=\"../methodes/vote/\">Le vote</a>"
    );
    assert_eq!(
        card(&site.read("public/tags/vote/index.html"), "Le vote"),
        "<a href=\"../../methodes/vote/\">Le vote</a> <i>loin</i>"
    );
}

#[test]
fn a_card_template_that_fails_is_a_diagnostic_naming_it() {
    let site = Fixture::copy("site");
    site.write("templates/card.html", "<li>{{ page.nope }}</li>\n");
    let run = site.run(&["build"]).expect(2);
    assert!(run.stderr.contains("templates/card.html"), "{}", run.stderr);
    assert!(run.stderr.contains("page.nope"), "{}", run.stderr);
}

#[test]
fn a_retitled_page_has_its_new_card_on_every_page_that_lists_it() {
    let site = Fixture::copy("site");
    let out = site.path("served");
    let mut cache = Cache::new();
    build::rebuild(site.root(), &out, Options::default(), &mut cache).unwrap();
    let page = "content/methodes/vote.md";
    let text = site.read(page);
    site.write(
        page,
        &text.replace("\"Le vote\"", "\"Le vote à main levée\""),
    );
    cache.invalidate(Path::new(page));
    build::rebuild(site.root(), &out, Options::default(), &mut cache).unwrap();
    let retitled = |href: &str| plain(href).replace("Le vote", "Le vote à main levée");
    for (file, expected) in [
        ("index.html", retitled("methodes/vote/")),
        ("methodes/index.html", retitled("../methodes/vote/")),
        ("tags/vote/index.html", retitled("../../methodes/vote/")),
        (
            "cas/second/index.html",
            format!(
                "<span class=\"kind\">Méthode</span> {}",
                retitled("../../methodes/vote/")
            ),
        ),
        (
            "cas/troisieme/index.html",
            format!(
                "<span class=\"kind\">Méthode</span> {}",
                retitled("../../methodes/vote/")
            ),
        ),
    ] {
        let html = site.read(&format!("served/{file}"));
        assert_eq!(card(&html, "Le vote à main levée"), expected, "{file}");
        assert!(!html.contains(">Le vote</a>"), "{file} keeps the old card");
    }
}
