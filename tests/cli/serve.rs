//! `archipel serve` (#4): the real server on port 0, driven over plain HTTP/1.1 on a
//! `TcpStream`, against a copy of the `site` fixture that the tests edit.

use std::time::{Duration, Instant};

use crate::support::Fixture;
use crate::support::server::{DEADLINE, Server};

#[test]
fn serves_pages_static_files_and_the_404_page() {
    let site = Fixture::copy("site");
    let server = Server::start(&site, &[]);

    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert!(home.body.contains("Commencez par"));
    assert!(
        home.body.contains("/__archipel/events"),
        "the live-reload script is injected"
    );

    let page = server.get("/cas/premier/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Premier cas"));
    assert_eq!(server.get("/cas/premier/index.html").status, 200);

    let moved = server.get("/cas/premier?x=1");
    assert_eq!(moved.status, 301);
    assert_eq!(moved.header("Location"), Some("/cas/premier/?x=1"));
    // A doubled slash must not become a protocol-relative address (another host).
    for target in ["//cas", "//cas/premier", "/./cas"] {
        let moved = server.get(target);
        assert_eq!(moved.status, 301, "{target}");
        let location = moved.header("Location").unwrap();
        assert!(
            location.starts_with("/cas") && !location.starts_with("//"),
            "{target}: {location}"
        );
    }

    let css = server.get("/style.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("Content-Type"), Some("text/css; charset=utf-8"));
    assert!(
        !css.body.contains("__archipel"),
        "only HTML gets the script"
    );
    let js = server.get("/search-index.js");
    assert_eq!(
        js.header("Content-Type"),
        Some("text/javascript; charset=utf-8")
    );

    let missing = server.get("/cas/nulle-part/");
    assert_eq!(missing.status, 404);
    let not_found_page = site_404(&site);
    assert!(
        missing.body.contains(&not_found_page),
        "the site's own 404 page is served"
    );

    let head = server.request("HEAD", "/cas/premier/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty(), "HEAD has no body");
    assert_eq!(
        head.header("Content-Length"),
        Some(page.body.len().to_string().as_str())
    );

    // The files on disk are what `archipel build` writes: the script is added to
    // responses only.
    assert!(!site.read("served/index.html").contains("__archipel"));
}

/// A distinctive line of the 404 page that `archipel build` writes.
fn site_404(site: &Fixture) -> String {
    site.run(&["build", "--out", "built"]).expect(0);
    let page = site.read("built/404.html");
    let start = page.find("<main").expect("404 page has a <main>");
    let end = start + page[start..].find('\n').unwrap();
    page[start..end].to_string()
}

#[test]
fn nothing_outside_the_output_is_served() {
    let site = Fixture::copy("site");
    site.write("secret.txt", "TOP-SECRET");
    let server = Server::start(&site, &["--out", "public"]);
    #[cfg(unix)]
    std::os::unix::fs::symlink(site.path("secret.txt"), site.path("public/escape.txt")).unwrap();
    for target in [
        "/../secret.txt",
        "/cas/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/cas/..%2f..%2fsecret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "//..//secret.txt",
        "http://localhost/../secret.txt",
        "/escape.txt",
        &format!("/{}", site.path("secret.txt").display()),
    ] {
        let reply = server.get(target);
        assert_ne!(reply.status, 200, "{target}");
        assert!(!reply.body.contains("TOP-SECRET"), "{target}");
    }
}

#[test]
fn an_edited_page_is_served_and_open_pages_reload() {
    let site = Fixture::copy("site");
    let server = Server::start(&site, &[]);
    let mut events = server.events();

    let text = site.read("content/cas/premier.md");
    site.write(
        "content/cas/premier.md",
        &text.replace("On a suivi", "Nous avons d'abord suivi"),
    );
    server.poll("/cas/premier/", "the new text", |r| {
        r.body.contains("Nous avons d&#39;abord suivi")
            || r.body.contains("Nous avons d'abord suivi")
    });
    let event = events.wait_for("event: reload");
    assert!(event.contains("cas/premier/index.html"), "{event}");

    // A new title shows in the kind's list and on the pages of the page's tags.
    site.write(
        "content/cas/premier.md",
        &text.replace("Premier cas", "Tout premier cas"),
    );
    server.poll("/cas/", "the new title in the list", |r| {
        r.body.contains("Tout premier cas")
    });
    server.poll("/tags/rare/", "the new title on the tag page", |r| {
        r.body.contains("Tout premier cas")
    });
}

/// An `order` edit moves a page in its kind's reading order: the list and the
/// neighbours' « précédent » / « suivant » follow in `serve` (the lists are derived
/// again when what they read of a page changes, #15).
#[test]
fn an_order_edit_moves_the_page_in_its_list_and_among_its_neighbours() {
    let site = Fixture::copy("site");
    let server = Server::start(&site, &[]);
    // Cases, then methods by order: …, Troisième cas, Le vote (1), L'écoute active (2).
    let next_of_the_last_case = |r: &crate::support::server::Reply| {
        r.body
            .split("<a class=\"next\"")
            .nth(1)
            .and_then(|a| a.split("</a>").next())
            .map(str::to_string)
    };
    let before = server.get("/cas/troisieme/");
    assert!(next_of_the_last_case(&before).is_some_and(|a| a.contains("Le vote")));

    let text = site.read("content/methodes/vote.md");
    site.write(
        "content/methodes/vote.md",
        &text.replace("order = 1", "order = 3"),
    );
    server.poll("/cas/troisieme/", "active listening next", |r| {
        next_of_the_last_case(r).is_some_and(|a| a.contains("L&apos;écoute active"))
    });
    let list = server.get("/methodes/").body;
    assert!(
        list.find("methodes/ecoute/") < list.find("methodes/vote/"),
        "{list}"
    );
    let vote = server.get("/methodes/vote/").body;
    assert!(!vote.contains("<a class=\"next\""), "the vote comes last");
    assert!(vote.contains("<a class=\"previous\""), "{vote}");
}

/// Drafts (#13) are served by default with their badge, and flipping `draft` takes a
/// page out of the served site or back in; `--no-drafts` serves what `build` publishes.
#[test]
fn drafts_are_served_with_their_badge_unless_no_drafts() {
    let site = Fixture::copy("site");
    let path = "content/methodes/ecoute.md";
    let text = site.read(path);
    site.write(
        path,
        &text.replace("order = 2\n", "order = 2\ndraft = true\n"),
    );
    let server = Server::start(&site, &[]);
    let page = server.get("/methodes/ecoute/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("class=\"draft-badge\""), "{}", page.body);
    site.write(path, &text);
    server.poll("/methodes/ecoute/", "the badge gone", |r| {
        r.status == 200 && !r.body.contains("draft-badge")
    });
    drop(server);

    site.write(
        path,
        &text.replace("order = 2\n", "order = 2\ndraft = true\n"),
    );
    let served = site.path("served-no-drafts").display().to_string();
    let server = Server::start(&site, &["--no-drafts", "--out", &served]);
    assert_eq!(server.get("/methodes/ecoute/").status, 404);
    assert!(!server.get("/methodes/").body.contains("écoute active"));
    site.write(path, &text);
    server.poll("/methodes/ecoute/", "the published page", |r| {
        r.status == 200
    });
}

#[test]
fn a_broken_edit_keeps_the_last_good_site_and_shows_the_error() {
    let site = Fixture::copy("site");
    let server = Server::start(&site, &[]);
    let mut events = server.events();
    let good = site.read("content/cas/premier.md");

    // An unknown tag that looks like markup: the overlay must show it as text.
    site.write(
        "content/cas/premier.md",
        &good.replace("[\"ecoute\", \"rare\"]", "[\"ecoute\", \"<oops>\"]"),
    );
    let failed = events.wait_for("event: failed");
    assert!(
        failed.contains(
            "<li><code>content/cas/premier.md:5:19</code> unknown tag `&lt;oops&gt;`<br>"
        ),
        "the overlay names the place and escapes the message: {failed}"
    );
    assert!(!failed.contains("<oops>"), "{failed}");
    let page = server.get("/cas/premier/");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Premier cas"),
        "the last good page is served"
    );
    assert!(page.body.contains("archipel-overlay"), "with the overlay");

    site.write(
        "content/cas/premier.md",
        &good.replace("Premier cas", "Premier cas réparé"),
    );
    events.wait_for("event: ok");
    let page = server.poll("/cas/premier/", "the repaired page", |r| {
        r.body.contains("Premier cas réparé")
    });
    assert!(
        !page.body.contains("role=\"alert\""),
        "the overlay is gone once the site builds"
    );
}

/// With a page broken, a template broken too: `serve` reports what `archipel build`
/// reports on the same files, on its terminal and in the overlay. A clean build checks
/// the content before it loads the theme, so both report the page's error (#15).
#[test]
fn a_template_broken_while_a_page_is_reports_what_build_reports() {
    let site = Fixture::copy("site");
    // The site overrides the theme's page template (as it is), so that breaking it is
    // one change to one file.
    let template = site.read("themes/default/templates/page.html");
    site.write("templates/page.html", &template);
    let server = Server::start(&site, &[]);
    let mut events = server.events();
    let good = site.read("content/cas/premier.md");
    site.write(
        "content/cas/premier.md",
        &good.replace("[\"ecoute\", \"rare\"]", "[\"ecoute\", \"inconnu\"]"),
    );
    events.wait_for("event: failed");
    site.write("templates/page.html", "<main>{{ page.title </main>\n");
    let page_error = "content/cas/premier.md:5:19: error[unknown-tag]: unknown tag `inconnu`\n\
                      \x20 |\n\
                      5 | tags = [\"ecoute\", \"inconnu\"]\n\
                      \x20 |                   ^\n\
                      \x20 = help: tags are declared in content/tags.toml\n";
    // What serve printed for the rebuild the template started, up to the next one.
    let (said, seen) = server.poll_log("the rebuild after the template", |log| {
        let (said, end) = printed_after(log, "templates/page.html")?;
        (said == page_error || said.contains("error[template]")).then(|| (said.to_string(), end))
    });
    assert_eq!(said, page_error, "serve reports the page, not the template");
    let build = site.run(&["build", "--out", "clean"]).expect(1);
    assert_eq!(
        build.stderr,
        format!("{page_error}1 error(s) in the content\n")
    );
    let page = server.poll("/cas/premier/", "the overlay", |r| {
        r.body.contains("archipel-overlay")
    });
    assert!(
        page.body
            .contains("<li><code>content/cas/premier.md:5:19</code> unknown tag `inconnu`<br>"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("templates/page.html"), "{}", page.body);

    // The page repaired, the template's error shows, in both.
    site.write("content/cas/premier.md", &good);
    let said = server.poll_log("the template's error", |log| {
        let (said, _) = printed_after(&log[seen..], "content/cas/premier.md")?;
        said.contains("^\n").then(|| said.to_string())
    });
    assert!(
        said.starts_with("templates/page.html:1:22: error[template]"),
        "{said}"
    );
    let build = site.run(&["build", "--out", "clean"]).expect(2);
    assert!(build.stderr.starts_with(&said), "{}", build.stderr);
}

#[test]
fn a_save_shows_the_saved_page_s_warnings_and_no_other_s() {
    let site = Fixture::copy("site");
    // Another page with a warning of its own, from the start.
    let second = site.read("content/cas/second.md");
    let emptied = second.replacen("tags = [", "tags = [] # [", 1);
    assert_ne!(emptied, second);
    site.write("content/cas/second.md", &emptied);
    let server = Server::start(&site, &[]);
    let good = site.read("content/cas/premier.md");
    site.write(
        "content/cas/premier.md",
        &good.replace("methods = [\"methodes/ecoute\"]", "methods = []"),
    );
    let warning = "content/cas/premier.md:6:11: warning[empty-field]: the required field `methods` is empty\n";
    let said = server.poll_log("the rebuild after the save", |log| {
        let (said, _) = printed_after(log, "content/cas/premier.md")?;
        said.contains("help").then(|| said.to_string())
    });
    assert!(said.starts_with(warning), "{said}");
    assert!(!said.contains("second.md"), "{said}");
}

/// What serve printed after the last line saying that a path starting with `changed`
/// changed (`templates changed: …`), up to the next such line, and where that ends.
fn printed_after<'a>(log: &'a str, changed: &str) -> Option<(&'a str, usize)> {
    let says = |l: &str| l.contains(" changed: ");
    let lines: Vec<&str> = log.split_inclusive('\n').collect();
    let at = lines
        .iter()
        .rposition(|l| l.starts_with(changed) && says(l))?;
    let start = lines[..=at].iter().map(|l| l.len()).sum::<usize>();
    let end = lines[at + 1..]
        .iter()
        .take_while(|l| !says(l))
        .map(|l| l.len())
        .sum::<usize>();
    Some((&log[start..start + end], start + end))
}

#[test]
fn deleted_and_renamed_pages_leave_lists_and_tag_pages() {
    let site = Fixture::copy("site");
    let server = Server::start(&site, &[]);
    assert!(server.get("/cas/").body.contains("Troisième cas"));

    std::fs::rename(
        site.path("content/cas/troisieme.md"),
        site.path("content/cas/quatrieme.md"),
    )
    .unwrap();
    server.poll("/cas/quatrieme/", "the renamed page", |r| r.status == 200);
    server.poll("/cas/", "the list to follow the rename", |r| {
        r.body.contains("quatrieme/") && !r.body.contains("troisieme/")
    });
    assert_eq!(server.get("/cas/troisieme/").status, 404);

    std::fs::remove_file(site.path("content/cas/quatrieme.md")).unwrap();
    server.poll("/cas/quatrieme/", "the deleted page to go", |r| {
        r.status == 404
    });
    let list = server.get("/cas/");
    assert!(!list.body.contains("Troisième cas"), "{}", list.body);
    let tag = server.get("/tags/rare/");
    assert!(!tag.body.contains("Troisième cas"), "{}", tag.body);
    assert!(tag.body.contains("Premier cas"));
}

#[test]
fn editors_save_patterns_are_followed() {
    let site = Fixture::copy("site");
    let server = Server::start(&site, &[]);
    let page = "content/methodes/vote.md";
    let text = site.read(page);

    // Write a hidden temporary file, then rename it over the page (atomic save).
    site.write(
        "content/methodes/.vote.md.tmp",
        &text.replace("Voir", "Atomique, voir"),
    );
    std::fs::rename(site.path("content/methodes/.vote.md.tmp"), site.path(page)).unwrap();
    server.poll("/methodes/vote/", "the renamed-over text", |r| {
        r.body.contains("Atomique, voir")
    });

    // Move the page to a backup, write it anew, delete the backup (vim's default), with
    // a swap file beside it.
    site.write("content/methodes/.vote.md.swp", "swap");
    std::fs::rename(site.path(page), site.path("content/methodes/vote.md~")).unwrap();
    site.write(page, &text.replace("Voir", "Sauvé, voir"));
    std::fs::remove_file(site.path("content/methodes/vote.md~")).unwrap();
    std::fs::remove_file(site.path("content/methodes/.vote.md.swp")).unwrap();
    server.poll("/methodes/vote/", "the rewritten text", |r| {
        r.body.contains("Sauvé, voir")
    });
    assert_eq!(
        server.get("/methodes/vote.md~").status,
        404,
        "no backup left behind"
    );

    // A burst of saves: the last one wins.
    for n in 0..20 {
        site.write(page, &text.replace("Voir", &format!("Rafale {n}, voir")));
    }
    server.poll("/methodes/vote/", "the last save of the burst", |r| {
        r.body.contains("Rafale 19, voir")
    });
}

#[test]
fn a_stylesheet_change_swaps_styles_without_a_reload() {
    let site = Fixture::copy("site");
    let server = Server::start(&site, &[]);
    let mut events = server.events();
    let css = site.read("themes/default/static/style.css");
    site.write(
        "themes/default/static/style.css",
        &format!("{css}\n.archipel-test {{ color: red; }}\n"),
    );
    events.wait_for("event: css");
    server.poll("/style.css", "the new stylesheet", |r| {
        r.body.contains(".archipel-test")
    });
}

#[test]
fn a_busy_port_falls_back_to_a_free_one_and_signals_clean_up() {
    for signal in ["INT", "TERM", "HUP"] {
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port().to_string();
        let site = Fixture::copy("site");
        // No --out: a temporary directory of unpredictable name, which the server
        // removes when it stops.
        let tmp = site.path("tmp");
        std::fs::create_dir_all(&tmp).unwrap();
        let mut server = Server::start_env(&site, &["--port", &port], &[("TMPDIR", &tmp)]);
        assert!(
            !server.addr.ends_with(&format!(":{port}")),
            "{}",
            server.addr
        );
        assert_eq!(server.get("/").status, 200);
        assert!(!site.path("public").exists(), "serve leaves public/ alone");
        let outs: Vec<std::path::PathBuf> = std::fs::read_dir(&tmp)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(outs.len(), 1, "{outs:?}");
        let name = outs[0].file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with("archipel-serve-"), "{name}");
        assert_ne!(name, format!("archipel-serve-{}", server.child.id()));
        assert!(outs[0].join("index.html").is_file());

        #[cfg(unix)]
        {
            let status = std::process::Command::new("kill")
                .args([&format!("-{signal}"), &server.child.id().to_string()])
                .status()
                .unwrap();
            assert!(status.success());
            let start = Instant::now();
            let exit = loop {
                if let Some(exit) = server.child.try_wait().unwrap() {
                    break exit;
                }
                assert!(
                    start.elapsed() < DEADLINE,
                    "serve did not stop on SIG{signal}"
                );
                std::thread::sleep(Duration::from_millis(20));
            };
            assert!(exit.success(), "{signal}: {exit:?}");
            let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().collect();
            assert!(left.is_empty(), "{signal}: {left:?}");
        }
    }
}

/// What a cleaner of temporary directories does to `serve`'s own output (no `--out`):
/// the whole directory removed, or old files removed with the marker among them. The
/// next request finds the marker gone and the site is built again, whole.
#[test]
fn serve_s_own_output_is_built_again_when_it_or_its_marker_vanishes() {
    let site = Fixture::copy("site");
    let tmp = site.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let server = Server::start_env(&site, &["--port", "0"], &[("TMPDIR", &tmp)]);
    let out = || {
        let outs: Vec<_> = std::fs::read_dir(&tmp)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(outs.len(), 1, "{outs:?}");
        outs[0].clone()
    };
    assert_eq!(server.get("/cas/").status, 200);

    std::fs::remove_dir_all(out()).unwrap();
    server.poll("/cas/", "the site to be built again", |r| r.status == 200);
    assert!(out().join(".archipel-output").is_file());
    assert_eq!(server.get("/tags/").status, 200);

    std::fs::remove_file(out().join(".archipel-output")).unwrap();
    std::fs::remove_file(out().join("cas/premier/index.html")).unwrap();
    std::fs::remove_file(out().join("style.css")).unwrap();
    server.poll(
        "/cas/premier/",
        "the removed page to be written again",
        |r| r.status == 200,
    );
    server.poll("/style.css", "the removed stylesheet", |r| r.status == 200);
    assert!(out().join(".archipel-output").is_file());
}

/// An output given with `--out` is built again when it vanishes whole; without its
/// marker, it is a directory archipel may not write to, and the overlay says so.
#[test]
fn a_given_output_is_built_again_when_it_vanishes_but_not_without_its_marker() {
    let site = Fixture::copy("site");
    let server = Server::start(&site, &[]);
    assert_eq!(server.get("/cas/").status, 200);
    std::fs::remove_dir_all(site.path("served")).unwrap();
    server.poll("/cas/", "the site to be built again", |r| r.status == 200);
    assert!(site.path("served/.archipel-output").is_file());

    let mut events = server.events();
    std::fs::remove_file(site.path("served/.archipel-output")).unwrap();
    let page = server.get("/cas/premier/");
    assert_eq!(page.status, 200, "the files left are still served");
    let failed = events.wait_for("event: failed");
    assert!(
        failed.contains("it is a non-empty directory that archipel did not create"),
        "{failed}"
    );
}
