//! Templates cannot crash archipel: includes in a circle and macros that call themselves
//! without end (seen in the syntax, or stopped by the depth limit) are errors naming the
//! template (exit 2), in `check`, `build` and `serve`, instead of a stack overflow.

use crate::support::Fixture;

/// A macro of 64 levels (n = 0 to 63, the most allowed) with a loop, a filter section, a
/// `set` and a condition at each level: about 40 KB of stack a level in a debug build,
/// which overflowed the 2 MB of a default thread.
const HEAVY: &str = "{% macro m(n, items) %}{% for x in items %}{% if n < 63 and loop.first %}\
     {% set y = x | upper %}<i title=\"{{ y }}\">{% filter upper %}\
     {{ self::m(n=n+1, items=items) | safe }}{% endfilter %}</i>\
     {% endif %}{% endfor %}{% endmacro m %}\n";

/// The fixture with the site template `name` set to `text` (and `page.html` replaced by
/// `page` when given).
fn site_with(templates: &[(&str, &str)]) -> Fixture {
    let site = Fixture::copy("site");
    for (name, text) in templates {
        site.write(&format!("templates/{name}"), text);
    }
    site
}

/// `check` and `build` both refuse with exit 2; returns `check`'s standard error.
#[track_caller]
fn refused(site: &Fixture) -> String {
    let check = site.run(&["check"]).expect(2);
    let build = site.run(&["build"]).expect(2);
    assert_eq!(check.stderr, build.stderr);
    check.stderr
}

#[test]
fn a_template_that_includes_itself_is_an_error() {
    let site = site_with(&[("page.html", "<main>{% include \"page.html\" %}</main>\n")]);
    let stderr = refused(&site);
    assert!(
        stderr.contains("templates/page.html:1:19: error[template-cycle]: this include leads back to where it started, so rendering would never end: `page.html` → `page.html`"),
        "{stderr}"
    );
}

#[test]
fn templates_that_include_each_other_in_a_circle_are_an_error() {
    let site = site_with(&[
        ("page.html", "{% include \"aside.html\" %}\n"),
        (
            "aside.html",
            "<aside>{% if page %}{% include \"nav.html\" %}{% endif %}</aside>\n",
        ),
        ("nav.html", "<nav>{% include \"aside.html\" %}</nav>\n"),
    ]);
    let stderr = refused(&site);
    assert_eq!(
        stderr.matches("error[template-cycle]").count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains("`aside.html` → `nav.html` → `aside.html`"),
        "{stderr}"
    );
}

#[test]
fn a_macro_that_calls_itself_without_end_is_an_error() {
    let site = site_with(&[
        (
            "boucle.html",
            "{% macro sans_fin(n) %}<b>{{ n }}</b>{{ self::sans_fin(n=n) }}{% endmacro sans_fin %}\n",
        ),
        (
            "page.html",
            "{% import \"boucle.html\" as b %}<main>{{ b::sans_fin(n=1) }}</main>\n",
        ),
    ]);
    let stderr = refused(&site);
    assert!(
        stderr.contains("templates/boucle.html:1:45: error[template-cycle]: this macro call leads back to where it started, so rendering would never end: macro `sans_fin` of `boucle.html` → macro `sans_fin` of `boucle.html`"),
        "{stderr}"
    );
}

#[test]
fn macros_that_call_each_other_under_a_condition_still_render() {
    let site = site_with(&[
        (
            "compte.html",
            "{% macro pair(n) %}{% if n > 0 %}p{{ n }} {{ self::impair(n=n-1) }}{% endif %}{% endmacro pair %}\
             {% macro impair(n) %}i{{ n }} {{ self::pair(n=n-1) }}{% endmacro impair %}\n",
        ),
        (
            "page.html",
            "{% import \"compte.html\" as c %}<main>{{ c::pair(n=4) }}</main>\n",
        ),
    ]);
    site.run(&["build"]).expect(0);
    assert!(
        site.read("public/cas/premier/index.html")
            .contains("<main>p4 i3 p2 i1 </main>")
    );
}

#[test]
fn serve_keeps_the_last_good_site_when_a_template_starts_a_circle() {
    use archipel::build::{self, Cache};
    use archipel::render::Options;
    let site = Fixture::copy("site");
    let out = site.path("served");
    let mut cache = Cache::new();
    build::rebuild(site.root(), &out, Options::default(), &mut cache).unwrap();
    let page = site.read("served/cas/premier/index.html");
    site.write("templates/page.html", "{% include \"page.html\" %}");
    cache.invalidate(std::path::Path::new("templates/page.html"));
    let err = build::rebuild(site.root(), &out, Options::default(), &mut cache).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    let codes: Vec<&str> = err.diagnostics().iter().map(|d| d.code).collect();
    assert_eq!(codes, ["template-cycle"]);
    assert_eq!(site.read("served/cas/premier/index.html"), page);
}

/// A macro that calls itself under a condition that never turns false: `cycles` cannot
/// see it, the depth limit stops it.
const ENDLESS: &str =
    "{% macro m(n) %}{% if n >= 0 %}<i>{{ self::m(n=n+1) }}</i>{% endif %}{% endmacro m %}\n";
const USES_ENDLESS: &str = "{% import \"boucle.html\" as b %}<main>{{ b::m(n=1) }}</main>\n";

#[test]
fn a_macro_whose_condition_never_turns_false_is_an_error_not_a_crash() {
    let site = site_with(&[("boucle.html", ENDLESS), ("page.html", USES_ENDLESS)]);
    let stderr = refused(&site);
    assert!(
        stderr.starts_with(
            "templates/boucle.html:1:1: error[template-depth]: macro `m` of `boucle.html` went past 64 nested macro calls: the condition meant to stop its recursion never turns false\n"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("= help: make sure each call brings the condition closer to false (a counter that decreases to 0, a list that gets shorter)"),
        "{stderr}"
    );
    assert!(!site.path("public").exists(), "nothing published");
}

#[test]
fn sixty_four_levels_of_a_heavy_macro_still_render() {
    let site = site_with(&[
        ("boucle.html", HEAVY),
        (
            "page.html",
            "{% import \"boucle.html\" as b %}<main>{{ b::m(n=0, items=[\"a\", \"b\"]) }}</main>\n",
        ),
    ]);
    site.run(&["check"]).expect(0);
    site.run(&["build"]).expect(0);
    let page = site.read("public/cas/premier/index.html");
    assert_eq!(page.matches("<I TITLE=\"A\">").count(), 62, "{page}");
    assert_eq!(page.matches("<i title=\"A\">").count(), 1, "{page}");
}

#[test]
fn serve_s_rebuilds_have_the_stack_of_sixty_four_heavy_levels() {
    use crate::support::server::Server;
    let site = Fixture::copy("site");
    let server = Server::start(&site, &[]);
    // The home page, rendered by the rebuild thread itself rather than rayon's pool.
    site.write("templates/boucle.html", HEAVY);
    site.write(
        "templates/index.html",
        "{% import \"boucle.html\" as b %}<main>{{ b::m(n=0, items=[\"a\", \"b\"]) }}</main>\n",
    );
    let home = server.poll("/", "the home page from the new template", |r| {
        r.status == 200 && r.body.contains("<I TITLE=")
    });
    assert_eq!(
        home.body.matches("<I TITLE=\"A\">").count(),
        62,
        "{}",
        home.body
    );
}

#[test]
fn serve_keeps_serving_the_last_good_site_when_a_macro_never_stops() {
    use crate::support::server::Server;
    let site = Fixture::copy("site");
    let server = Server::start(&site, &[]);
    let mut events = server.events();
    site.write("templates/boucle.html", ENDLESS);
    site.write("templates/page.html", USES_ENDLESS);
    let failed = events.wait_for("event: failed");
    assert!(
        failed.contains("<li><code>templates/boucle.html:1:1</code> macro `m` of `boucle.html` went past 64 nested macro calls"),
        "{failed}"
    );
    let page = server.get("/cas/premier/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Premier cas"), "the last good page");
    std::fs::remove_file(site.path("templates/page.html")).unwrap();
    events.wait_for("event: ok");
    server.poll("/cas/premier/", "the page built again", |r| {
        r.status == 200 && !r.body.contains("role=\"alert\"")
    });
}

/// A template that fails for every page (or every list page) names the first one in
/// order, on every build: with four threads each starting at its own quarter of the
/// pages, the first to fail used to be any of them.
#[test]
fn a_template_failing_for_every_page_always_names_the_first() {
    let site = site_with(&[
        ("page.html", "{{ nowhere.field }}"),
        ("list.html", "{{ nowhere.field }}"),
    ]);
    for n in 0..200 {
        site.write(
            &format!("content/cas/p{n:03}.md"),
            &format!("+++\ntitle = \"Cas {n}\"\ntags = [\"vote\"]\nmethods = []\n+++\n\nTexte.\n"),
        );
    }
    // Kind lists of 10 entries: 21 list pages for the cases.
    let config = site.read("archipel.toml");
    site.write(
        "archipel.toml",
        &config.replacen("sort = \"date\"\n", "sort = \"date\"\npaginate = 10\n", 1),
    );
    let named = |first: &str| {
        for _ in 0..6 {
            let run = site
                .command(&["build"])
                .env("RAYON_NUM_THREADS", "4")
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&run.stderr);
            assert_eq!(run.status.code(), Some(2), "{stderr}");
            assert!(stderr.contains(&format!("rendering {first}:")), "{stderr}");
        }
    };
    // `content/apropos.md` is the first page by path.
    named("apropos/index.html");
    // With the pages right, the first list page of the first kind.
    std::fs::remove_file(site.path("templates/page.html")).unwrap();
    named("cas/index.html");
}
