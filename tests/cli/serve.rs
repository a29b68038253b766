//! `archipel serve` (#4): the real server on port 0, driven over plain HTTP/1.1 on a
//! `TcpStream`, against a copy of the `site` fixture that the tests edit.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::support::Fixture;

/// How long a change may take to show before a test fails. Generous: CI machines are
/// slow and shared; a passing run takes milliseconds.
const DEADLINE: Duration = Duration::from_secs(20);

/// A running `archipel serve`, killed when dropped.
struct Server {
    child: Child,
    /// `127.0.0.1:port`.
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP response.
#[derive(Debug)]
struct Reply {
    status: u16,
    head: String,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

impl Server {
    /// Starts `archipel serve --port 0 <extra>`.
    ///
    /// The output goes to the fixture's `served/` unless `extra` names one: the test
    /// kills the server, which then cannot remove a temporary output of its own.
    fn start(site: &Fixture, extra: &[&str]) -> Server {
        let served = site.path("served").display().to_string();
        let mut args = vec!["--port", "0"];
        if !extra.contains(&"--out") {
            args.extend(["--out", served.as_str()]);
        }
        args.extend(extra);
        Server::start_with(site, &args)
    }

    /// Starts `archipel serve <args>`.
    fn start_with(site: &Fixture, args: &[&str]) -> Server {
        Server::start_env(site, args, &[])
    }

    /// Starts `archipel serve <args>` with more environment variables.
    fn start_env(site: &Fixture, args: &[&str], env: &[(&str, &std::path::Path)]) -> Server {
        let args: Vec<&str> = ["serve"].iter().chain(args).copied().collect();
        let mut command = site.command(&args);
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .strip_prefix("http://")
            .and_then(|a| a.strip_suffix('/'))
            .unwrap_or_else(|| panic!("first line is not a URL: {line:?}"))
            .to_string();
        Server { child, addr }
    }

    /// Sends `method target` and reads the whole response.
    fn request(&self, method: &str, target: &str) -> Reply {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        write!(
            stream,
            "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {head:?}"));
        Reply {
            status,
            head: head.to_string(),
            body: body.to_string(),
        }
    }

    fn get(&self, target: &str) -> Reply {
        self.request("GET", target)
    }

    /// Fetches `target` until `ok` holds for the reply, or fails after the deadline.
    #[track_caller]
    fn poll(&self, target: &str, what: &str, ok: impl Fn(&Reply) -> bool) -> Reply {
        let start = Instant::now();
        loop {
            let reply = self.get(target);
            if ok(&reply) {
                return reply;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "{target}: {what} never happened; last reply: {} {}",
                reply.status,
                reply.body
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Opens the live-reload event stream.
    fn events(&self) -> Events {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        write!(
            stream,
            "GET /__archipel/events HTTP/1.1\r\nHost: {}\r\n\r\n",
            self.addr
        )
        .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let mut events = Events {
            stream,
            seen: String::new(),
        };
        events.wait_for("retry:");
        events
    }
}

/// An open event stream and everything read from it so far.
struct Events {
    stream: TcpStream,
    seen: String,
}

impl Events {
    /// Reads until the stream holds `needle` after what was already consumed, and
    /// returns the text up to the end of that event.
    #[track_caller]
    fn wait_for(&mut self, needle: &str) -> String {
        let start = Instant::now();
        let mut buf = [0u8; 8192];
        loop {
            if let Some(at) = self.seen.find(needle) {
                let end = self.seen[at..]
                    .find("\n\n")
                    .map_or(self.seen.len(), |e| at + e + 2);
                let event: String = self.seen.drain(..end).collect();
                return event;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "no `{needle}` on the event stream; saw {:?}",
                self.seen
            );
            match self.stream.read(&mut buf) {
                Ok(0) => panic!("event stream closed; saw {:?}", self.seen),
                Ok(n) => self.seen.push_str(&String::from_utf8_lossy(&buf[..n])),
                Err(_) => {}
            }
        }
    }
}

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

    site.write(
        "content/cas/premier.md",
        &good.replace("lieu = \"Lyon\"", "lieu = \"Lyon\" <oops>"),
    );
    let failed = events.wait_for("event: failed");
    assert!(
        failed.contains("content/cas/premier.md:7:"),
        "the overlay names the place: {failed}"
    );
    assert!(failed.contains("&lt;oops&gt;") || !failed.contains("<oops>"));
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

#[test]
fn a_vanished_output_is_built_again() {
    let site = Fixture::copy("site");
    let server = Server::start(&site, &[]);
    assert_eq!(server.get("/cas/").status, 200);
    // What a cleaner of temporary directories does.
    std::fs::remove_dir_all(site.path("served")).unwrap();
    server.poll("/cas/", "the site to be built again", |r| r.status == 200);
    assert!(site.path("served/.archipel-output").is_file());
    assert_eq!(server.get("/tags/").status, 200);
}

/// Incremental rebuilds, through the library: random sequences of edits, each applied to
/// the files, announced to the cache as the watcher would, and rebuilt incrementally;
/// after each step the output must be byte-identical to a clean build of the same files
/// (or both must fail).
mod incremental {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use archipel::build::{self, Cache};
    use archipel::render::Options;

    use crate::support::Fixture;

    /// A small deterministic generator (xorshift64*), so that a failure can be replayed.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n.max(1)
        }

        fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
            &items[self.below(items.len())]
        }
    }

    fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| !e.file_type().is_dir())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap();
                (
                    rel.to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect()
    }

    fn pages(site: &Fixture) -> Vec<String> {
        let mut out = Vec::new();
        for kind in ["cas", "methodes"] {
            for e in std::fs::read_dir(site.path(&format!("content/{kind}"))).unwrap() {
                let name = e.unwrap().file_name().to_string_lossy().into_owned();
                if name.ends_with(".md") {
                    out.push(format!("content/{kind}/{name}"));
                }
            }
        }
        out.sort();
        out
    }

    /// Applies one random edit and returns the paths it touched.
    fn edit(site: &Fixture, rng: &mut Rng, step: usize) -> Vec<PathBuf> {
        let pages = pages(site);
        let page = rng.pick(&pages).clone();
        let text = site.read(&page);
        let tags = [
            "[\"ecoute\"]",
            "[\"vote\", \"rare\"]",
            "[\"rare\"]",
            "[\"ecoute\", \"vote\"]",
        ];
        let set = |key: &str, value: &str| -> String {
            text.lines()
                .map(|l| {
                    if l.starts_with(&format!("{key} = ")) {
                        format!("{key} = {value}")
                    } else {
                        l.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
                + "\n"
        };
        let touched = |p: &str| vec![PathBuf::from(p)];
        match rng.below(16) {
            0 | 1 => {
                site.write(
                    &page,
                    &format!("{text}\nUne phrase de plus, étape {step}.\n"),
                );
                touched(&page)
            }
            2 => {
                site.write(&page, &set("title", &format!("\"Titre {step}\"")));
                touched(&page)
            }
            3 => {
                let t: &&str = rng.pick(&tags);
                site.write(&page, &set("tags", t));
                touched(&page)
            }
            4 => {
                let date = format!(
                    "20{:02}-0{}-1{}",
                    10 + rng.below(15),
                    1 + rng.below(9),
                    rng.below(9)
                );
                if text.contains("\ndate = ") {
                    site.write(&page, &set("date", &date));
                }
                touched(&page)
            }
            5 => {
                site.write(&page, &set("summary", &format!("\"Résumé {step}\"")));
                touched(&page)
            }
            6 => {
                // A new page, linking to an existing one.
                let kind = *rng.pick(&["cas", "methodes"]);
                let path = format!("content/{kind}/nouveau-{step}.md");
                let target = rng.pick(&pages).trim_start_matches("content/").to_string();
                let extra = if kind == "cas" {
                    "date = 2024-06-01\nmethods = [\"vote\"]\n"
                } else {
                    ""
                };
                site.write(
                    &path,
                    &format!(
                        "+++\ntitle = \"Nouveau {step}\"\nsummary = \"Créé.\"\ntags = {}\n{extra}+++\n\nVoir [la page](../{target}).\n",
                        rng.pick(&tags)
                    ),
                );
                touched(&path)
            }
            7 => {
                // Delete or rename a page this test created (others are linked to).
                let created: Vec<&String> =
                    pages.iter().filter(|p| p.contains("nouveau-")).collect();
                let Some(&victim) = created.get(rng.below(created.len())) else {
                    return Vec::new();
                };
                if rng.below(2) == 0 {
                    std::fs::remove_file(site.path(victim)).unwrap();
                    touched(victim)
                } else {
                    let to = victim.replace(".md", &format!("-r{step}.md"));
                    std::fs::rename(site.path(victim), site.path(&to)).unwrap();
                    vec![PathBuf::from(victim), PathBuf::from(to)]
                }
            }
            8 => {
                // Break the front matter; a later edit of the same line repairs it often.
                site.write(&page, &text.replacen("title = ", "title = = ", 1));
                touched(&page)
            }
            9 => {
                let repaired = text.replace("title = = ", "title = ");
                site.write(&page, &repaired);
                touched(&page)
            }
            10 => {
                let css = "themes/default/static/style.css";
                site.write(css, &format!("{}\n/* {step} */\n", site.read(css)));
                touched(css)
            }
            11 => {
                let (path, old, new) = match rng.below(3) {
                    0 => (
                        "content/tags.toml",
                        "label = \"Vote\"",
                        format!("label = \"Vote {step}\""),
                    ),
                    1 => (
                        "themes/default/templates/base.html",
                        "</html>",
                        format!("</html>\n<!-- {step} -->"),
                    ),
                    _ => (
                        "archipel.toml",
                        "related = 3",
                        format!("related = {}", 1 + rng.below(3)),
                    ),
                };
                let text = site.read(path);
                let replaced = match text.find(old) {
                    Some(at) => format!("{}{new}{}", &text[..at], &text[at + old.len()..]),
                    None => text.clone(),
                };
                site.write(path, &replaced);
                touched(path)
            }
            12 => {
                // A draft flip (#13): the page leaves or joins the site, links to it turn
                // into text or back into links.
                let flipped = match text.find("\ndraft = true\n") {
                    Some(at) => format!("{}{}", &text[..at + 1], &text[at + 14..]),
                    None => text.replacen("+++\n", "+++\ndraft = true\n", 1),
                };
                site.write(&page, &flipped);
                touched(&page)
            }
            13 => {
                // Relations (#11): a reference moves from one field to another, or goes.
                let target = rng
                    .pick(&pages)
                    .trim_start_matches("content/")
                    .trim_end_matches(".md")
                    .to_string();
                let line = match rng.below(3) {
                    0 => format!("see_also = [\"{target}\"]\n"),
                    1 if page.contains("/cas/") => "methods = [\"ecoute\", \"vote\"]\n".to_string(),
                    _ => String::new(),
                };
                let kept: String = text
                    .lines()
                    .filter(|l| !l.starts_with("see_also = "))
                    .map(|l| {
                        if line.starts_with("methods") && l.starts_with("methods = ") {
                            String::new()
                        } else {
                            format!("{l}\n")
                        }
                    })
                    .collect();
                let at = kept.find("\ntitle = ").map_or(0, |i| i + 1);
                site.write(&page, &format!("{}{line}{}", &kept[..at], &kept[at..]));
                touched(&page)
            }
            14 => {
                // Anchors (#11): `cas/premier` links to `ecoute.md#etapes`.
                let target = "content/methodes/ecoute.md";
                let text = site.read(target);
                let flipped = if text.contains("{#etapes}") {
                    text.replace("{#etapes}", "{#marche}")
                } else {
                    text.replace("{#marche}", "{#etapes}")
                };
                site.write(target, &flipped);
                touched(target)
            }
            _ => {
                // A whole directory announced at once, as after a directory rename.
                site.write(&page, &format!("{text}\nPar dossier, étape {step}.\n"));
                touched(page.rsplit_once('/').map_or("content", |(dir, _)| dir))
            }
        }
    }

    /// Found by the random test (seed 61): a stylesheet saved while a page was broken
    /// must still be copied once the page is fixed.
    #[test]
    fn changes_made_while_the_site_is_broken_are_applied_after_the_fix() {
        let site = Fixture::copy("site");
        let out = site.path("served");
        let mut cache = Cache::new();
        build::rebuild(site.root(), &out, Options::default(), &mut cache).unwrap();
        let page = "content/methodes/vote.md";
        let good = site.read(page);
        let css = "themes/default/static/style.css";
        let mut rebuild = |paths: &[&str]| {
            for p in paths {
                cache.invalidate(Path::new(p));
            }
            build::rebuild(site.root(), &out, Options::default(), &mut cache)
        };
        site.write(page, &good.replacen("title = ", "title = = ", 1));
        assert!(rebuild(&[page]).is_err());
        site.write(css, &format!("{}\n.apres {{}}\n", site.read(css)));
        assert!(rebuild(&[css]).is_err());
        site.write(page, &good);
        rebuild(&[page]).unwrap();
        assert!(site.read("served/style.css").contains(".apres"));
    }

    #[test]
    fn random_edit_sequences_match_a_clean_build() {
        // More with ARCHIPEL_SEEDS=N (and ARCHIPEL_STEPS=N), to hunt for a failing sequence.
        let env = |name: &str, default: u64| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        let steps = env("ARCHIPEL_STEPS", 16) as usize;
        for seed in 1..=env("ARCHIPEL_SEEDS", 12) {
            let site = Fixture::copy("site");
            if seed % 3 == 0 {
                // The printable guide and the map hold every page, and each page draws
                // its neighbourhood: more outputs to keep right.
                let config = site.read("archipel.toml");
                site.write(
                    "archipel.toml",
                    &config.replace("related = 3", "related = 3\nprint = true\nmap = true"),
                );
            }
            if seed % 3 == 1 {
                // Lists and tag pages of one page each, and the search index in shards:
                // outputs that come and go with the pages and their words.
                let config = site.read("archipel.toml").replacen(
                    "sort = \"date\"",
                    "sort = \"date\"\npaginate = 1",
                    1,
                );
                site.write(
                    "archipel.toml",
                    &format!("{config}\n[tags]\npaginate = 1\n\n[search]\nshard_above = 0\n"),
                );
            }
            let out = site.path("served");
            let clean = site.path("clean");
            // As `build` (drafts left out) and as `serve` (drafts published) do.
            let options = Options {
                drafts: seed % 4 < 2,
                ..Options::default()
            };
            let mut cache = Cache::new();
            // As `serve` does on odd seeds: pages first, the search index on a second pass.
            cache.defer_search_index(seed % 2 == 1);
            let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
            build::rebuild(site.root(), &out, options, &mut cache).unwrap();
            let mut last_good = tree(&out);
            for step in 0..steps {
                let touched = edit(&site, &mut rng, step);
                for path in &touched {
                    cache.invalidate(path);
                }
                let mut incremental = build::rebuild(site.root(), &out, options, &mut cache);
                while incremental.as_ref().is_ok_and(|r| r.deferred) {
                    incremental = build::rebuild(site.root(), &out, options, &mut cache);
                }
                let full = build::build(site.root(), &clean, options);
                match (&incremental, &full) {
                    (Ok(_), Ok(_)) => {
                        let (a, b) = (tree(&out), tree(&clean));
                        let differ: Vec<&String> = a
                            .keys()
                            .chain(b.keys())
                            .filter(|k| a.get(*k) != b.get(*k))
                            .collect();
                        assert!(
                            differ.is_empty(),
                            "seed {seed}, step {step} ({touched:?}): differs from a clean build: {differ:?}"
                        );
                        last_good = a;
                    }
                    (Err(_), Err(_)) => {
                        assert!(
                            tree(&out) == last_good,
                            "seed {seed}, step {step}: a failed rebuild changed the output"
                        );
                    }
                    _ => panic!(
                        "seed {seed}, step {step} ({touched:?}): incremental {:?} but clean {:?}",
                        incremental.as_ref().map(|_| ()),
                        full.as_ref().map(|_| ())
                    ),
                }
            }
        }
    }
}
