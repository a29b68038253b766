//! Raw HTML in pages under `[markdown] raw_html` (#13): sanitized by default, escaped or
//! allowed on request, and each piece the policy changes annotated by `check`.

use crate::support::Fixture;

/// The fixture site with raw HTML appended to `cas/second.md` (from line 10).
fn with_html() -> Fixture {
    let site = Fixture::copy("site");
    let path = "content/cas/second.md";
    let text = site.read(path);
    assert_eq!(text.lines().count(), 9, "the lines below start at line 10");
    site.write(
        path,
        &format!(
            "{text}\n<script>alert(\"pirate\")</script>\n\nUn <b>mot</b> et <img src=\"https://traceur.example/p.gif\" onerror=\"alert(1)\">.\n"
        ),
    );
    site
}

/// Every output file's text, concatenated.
fn everything(site: &Fixture) -> String {
    site.tree("public")
        .into_iter()
        .map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned())
        .collect()
}

#[test]
fn a_script_never_reaches_the_output_while_check_annotates_its_line() {
    let site = with_html();
    let run = site.run(&["check", "--format", "github"]).expect(0);
    let annotations: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        annotations,
        [
            "::warning file=content/cas/second.md,line=11,col=1::the raw HTML `<script>alert(\"pirate\")</script>` is changed by the sanitizer (help: scripts, event handlers, frames, forms, `javascript:` links and files from other sites are removed; write it in Markdown)",
            "::warning file=content/cas/second.md,line=13,col=4::the raw HTML `<b>` is changed by the sanitizer (help: scripts, event handlers, frames, forms, `javascript:` links and files from other sites are removed; write it in Markdown)",
        ],
        "{}",
        run.stdout
    );
    site.run(&["build"]).expect(0);
    let all = everything(&site);
    for bad in ["<script>alert", "pirate", "onerror=", "traceur.example"] {
        assert!(!all.contains(bad), "{bad} reached the output");
    }
    let page = site.read("public/cas/second/index.html");
    assert!(page.contains("Un <b>mot</b> et"), "harmless markup stays");
}

#[test]
fn escape_shows_raw_html_as_text_and_allow_keeps_it() {
    let site = with_html();
    let config = site.read("archipel.toml");
    site.write(
        "archipel.toml",
        &format!("{config}\n[markdown]\nraw_html = \"escape\"\n"),
    );
    let run = site.run(&["check", "--format", "json"]).expect(0);
    assert_eq!(
        run.stdout.matches("\"code\":\"raw-html\"").count(),
        4,
        "{}",
        run.stdout
    );
    // A heading with raw HTML: its HTML is shown, its anchor (the engine's) stays a link.
    let text = site.read("content/cas/second.md");
    site.write(
        "content/cas/second.md",
        &format!("{text}\n## Le <i>vote</i>\n\nFin.\n"),
    );
    site.run(&["build"]).expect(0);
    let page = site.read("public/cas/second/index.html");
    assert!(page.contains("&lt;script&gt;alert("), "{page}");
    assert!(page.contains("Un &lt;b&gt;mot&lt;/b&gt;"), "{page}");
    assert!(
        page.contains(
            "<h2 id=\"le-vote\">Le &lt;i&gt;vote&lt;/i&gt; <a class=\"anchor\" href=\"#le-vote\""
        ),
        "{page}"
    );
    assert!(!page.contains("&lt;a class="), "{page}");

    site.write(
        "archipel.toml",
        &format!("{config}\n[markdown]\nraw_html = \"allow\"\n"),
    );
    let run = site.run(&["check"]).expect(0);
    assert!(!run.stderr.contains("raw-html"), "{}", run.stderr);
    site.run(&["build"]).expect(0);
    assert!(
        site.read("public/cas/second/index.html")
            .contains("<script>alert(\"pirate\")</script>")
    );
}

#[test]
fn an_unknown_policy_is_a_configuration_error_at_its_value() {
    let site = Fixture::copy("site");
    let config = site.read("archipel.toml");
    let line = config.lines().count() + 2;
    site.write(
        "archipel.toml",
        &format!("{config}[markdown]\nraw_html = \"strip\"\n"),
    );
    let run = site.run(&["check"]).expect(2);
    assert!(
        run.stderr.starts_with(&format!(
            "archipel.toml:{line}:12: error[bad-setting]: `raw_html` cannot be `strip`"
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("help: use one of: sanitize, escape, allow")
    );
}
