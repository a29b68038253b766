//! The diagnostic codes of the configuration, the theme and the site's own files, one
//! test each: a real file changed, `archipel` run, and the exit code and the header
//! line of the diagnostic (place, code and message, written here by hand) pinned.

use crate::support::Fixture;

/// The `site` fixture with `old` replaced by `new` in `archipel.toml`.
fn config(old: &str, new: &str) -> Fixture {
    let site = Fixture::copy("site");
    let text = site.read("archipel.toml");
    assert!(text.contains(old), "{old}");
    site.write("archipel.toml", &text.replacen(old, new, 1));
    site
}

/// Runs `args`, asserts the exit code and that standard error holds `line` (and `help`
/// right under it when given); returns standard error.
#[track_caller]
fn expect(site: &Fixture, args: &[&str], code: i32, line: &str, help: Option<&str>) -> String {
    let run = site.run(args).expect(code);
    let lines: Vec<&str> = run.stderr.lines().collect();
    let at = lines
        .iter()
        .position(|l| *l == line)
        .unwrap_or_else(|| panic!("{line}\nnot in\n{}", run.stderr));
    if let Some(help) = help {
        let wanted = format!("  = help: {help}");
        assert!(
            lines[at..].iter().take(6).any(|l| *l == wanted),
            "{wanted}\nnot under {line} in\n{}",
            run.stderr
        );
    }
    run.stderr
}

#[test]
fn config_syntax() {
    let site = config("related = 3", "related = ");
    expect(
        &site,
        &["check"],
        2,
        "archipel.toml:6:11: error[config-syntax]: string values must be quoted, expected literal string",
        None,
    );
}

#[test]
fn duplicate_kind_id_and_dir() {
    let site = config("id = \"method\"", "id = \"case\"");
    expect(
        &site,
        &["check"],
        2,
        "archipel.toml:20:6: error[duplicate-kind]: kind `case` is declared twice",
        None,
    );
    let site = config("dir = \"methodes\"", "dir = \"cas\"");
    expect(
        &site,
        &["build"],
        2,
        "archipel.toml:21:7: error[duplicate-kind]: directory `cas` is used by two kinds",
        None,
    );
}

#[test]
fn bad_sort() {
    let site = config("sort = \"order\"", "sort = \"hasard\"");
    expect(
        &site,
        &["check"],
        2,
        "archipel.toml:24:8: error[bad-sort]: unknown sort order `hasard`",
        Some("use `order`, `date` or `title`"),
    );
}

#[test]
fn bad_field_type() {
    let site = config("lieu = { type = \"text\"", "lieu = { type = \"texte\"");
    expect(
        &site,
        &["check"],
        2,
        "archipel.toml:17:17: error[bad-field-type]: unknown field type `texte`",
        Some("use text, integer, date, bool, list or refs"),
    );
}

#[test]
fn duplicate_field() {
    let site = config(
        "\n\n[[kinds]]\nid = \"method\"",
        "\ntitle = { type = \"text\" }\n\n[[kinds]]\nid = \"method\"",
    );
    expect(
        &site,
        &["check"],
        2,
        "archipel.toml:18:1: error[duplicate-field]: field `title` is built in or declared twice",
        None,
    );
}

#[test]
fn unknown_kind_in_a_refs_field() {
    let site = config("kind = \"method\"", "kind = \"methode\"");
    expect(
        &site,
        &["check"],
        2,
        "archipel.toml:16:35: error[unknown-kind]: unknown kind `methode`",
        Some("did you mean `method`?"),
    );
}

#[test]
fn misplaced_setting() {
    let site = config("related = 3", "related = 3\nlanguage = \"en\"");
    expect(
        &site,
        &["check"],
        2,
        "archipel.toml:7:12: error[misplaced-setting]: `language` is not a [site] setting",
        Some("move `language = ...` to the top of archipel.toml, before [site]"),
    );
}

#[test]
fn bad_theme_and_no_theme() {
    let site = config("related = 3", "related = 3\ntheme = \"../ailleurs\"");
    expect(
        &site,
        &["check"],
        2,
        "archipel.toml:7:9: error[bad-theme]: `../ailleurs` is not a theme name",
        None,
    );
    let site = config("related = 3", "related = 3\ntheme = \"absent\"");
    expect(
        &site,
        &["build"],
        2,
        "archipel.toml: error[no-theme]: theme `absent` not found in themes/",
        Some("set `theme` in [site] to a directory of themes/"),
    );
}

#[test]
fn missing_template_of_the_theme_or_of_a_kind() {
    let site = Fixture::copy("site");
    std::fs::remove_file(site.path("themes/default/templates/tag.html")).unwrap();
    expect(
        &site,
        &["check"],
        2,
        "themes/default/templates/tag.html: error[missing-template]: template `tag.html` is missing",
        Some("add it to the theme, or to the site's templates/"),
    );
    let site = config(
        "sort = \"order\"",
        "sort = \"order\"\ntemplate = \"fiche.html\"",
    );
    expect(
        &site,
        &["build"],
        2,
        "themes/default/templates/fiche.html: error[missing-template]: template `fiche.html` is missing",
        None,
    );
}

#[test]
fn template_syntax_error_is_placed_where_the_parser_stopped() {
    let site = Fixture::copy("site");
    site.write("templates/page.html", "<main>\n{{ page.title </main>\n");
    let stderr = expect(
        &site,
        &["check"],
        2,
        "templates/page.html:2:16: error[template]: Failed to parse 'page.html': expected an expression or a string or a concatenation of strings",
        None,
    );
    assert!(stderr.contains("2 | {{ page.title </main>\n"), "{stderr}");
}

#[test]
fn template_runtime_error_names_the_template_and_the_page() {
    // A variable no page has: found by `build` and, since it renders too, by `check`.
    let site = Fixture::copy("site");
    site.write(
        "templates/page.html",
        "<main>{{ page.absent.champ }}</main>\n",
    );
    for args in [&["check"][..], &["build"]] {
        let run = site.run(args).expect(2);
        let first = run.stderr.lines().next().unwrap();
        // Pages render in parallel: whichever fails first is named.
        let page = first
            .strip_prefix("templates/page.html: error[template]: rendering ")
            .and_then(|rest| rest.strip_suffix(": Failed to render 'page.html': Variable `page.absent.champ` not found in context while rendering 'page.html'"))
            .unwrap_or_else(|| panic!("{args:?}: {}", run.stderr));
        assert!(page.ends_with("index.html"), "{page}");
    }
    assert!(!site.path("public").exists(), "nothing published");
    // The theme's own template is named by its file.
    std::fs::remove_file(site.path("templates/page.html")).unwrap();
    let theme = site.read("themes/default/templates/list.html");
    site.write(
        "themes/default/templates/list.html",
        &theme.replacen("{% block main %}", "{% block main %}{{ nulle }}", 1),
    );
    let run = site.run(&["build"]).expect(2);
    assert!(
        run.stderr
            .starts_with("themes/default/templates/list.html: error[template]: rendering "),
        "{}",
        run.stderr
    );
}

#[test]
fn no_content() {
    let site = Fixture::copy("site");
    std::fs::remove_dir_all(site.path("content")).unwrap();
    expect(
        &site,
        &["check"],
        2,
        "content: error[no-content]: the site has no `content/` directory",
        Some("run archipel from the site root, or pass --root DIR"),
    );
}

#[test]
fn tags_syntax_and_bad_tag_id() {
    let site = Fixture::copy("site");
    site.write("content/tags.toml", "[[tag]]\nid = \"vote\"\nlabel = \n");
    expect(
        &site,
        &["check"],
        1,
        "content/tags.toml:3:9: error[tags-syntax]: string values must be quoted, expected literal string",
        Some("each tag is a `[[tag]]` table with `id`, `label` and `description`"),
    );
    let site = Fixture::copy("site");
    let tags = site.read("content/tags.toml");
    site.write(
        "content/tags.toml",
        &format!("{tags}\n[[tag]]\nid = \"Mise en commun\"\nlabel = \"Mise en commun\"\n"),
    );
    let line = tags.lines().count() + 3;
    expect(
        &site,
        &["check"],
        1,
        &format!(
            "content/tags.toml:{line}:6: error[bad-tag-id]: tag id `Mise en commun` is not a slug"
        ),
        Some("use lowercase letters, digits and `-`, for example `mise-en-commun`"),
    );
}

#[test]
fn unreadable_tag_vocabulary() {
    let site = Fixture::copy("site");
    std::fs::remove_file(site.path("content/tags.toml")).unwrap();
    std::fs::create_dir(site.path("content/tags.toml")).unwrap();
    expect(
        &site,
        &["check"],
        1,
        "content/tags.toml: error[unreadable]: cannot read the tag vocabulary: Is a directory (os error 21)",
        None,
    );
}

#[cfg(unix)]
#[test]
fn bad_file_name() {
    use std::os::unix::ffi::OsStrExt;
    let site = Fixture::copy("site");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    std::fs::write(
        site.path("content/cas").join(name),
        "+++\ntitle = \"T\"\n+++\n",
    )
    .unwrap();
    expect(
        &site,
        &["check"],
        1,
        "content/cas/caf\u{FFFD}.md: error[bad-file-name]: the file name is not valid UTF-8",
        Some("rename the file using letters, digits and `-`"),
    );
}

#[test]
fn unwritten_body() {
    let site = config(
        "sort = \"order\"",
        "sort = \"order\"\nskeleton = \"\"\"\n## Étapes\n\nDécrire les étapes.\n\"\"\"",
    );
    site.write(
        "content/methodes/essai.md",
        "+++\ntitle = \"Essai\"\ntags = [\"vote\"]\n+++\n\n## Étapes\n\nDécrire les étapes.\n",
    );
    expect(
        &site,
        &["check"],
        0,
        "content/methodes/essai.md:6:1: warning[unwritten-body]: the text is still the skeleton written by `archipel new`",
        Some("replace the hints under each heading with your own text"),
    );
}

#[test]
fn strings_syntax() {
    let site = Fixture::copy("site");
    site.write("i18n/fr.toml", "# Les textes du site.\noups = \n");
    expect(
        &site,
        &["build"],
        2,
        "i18n/fr.toml:2:8: error[strings-syntax]: string values must be quoted, expected literal string",
        None,
    );
}

#[test]
fn unsafe_output() {
    let site = Fixture::copy("site");
    expect(
        &site,
        &["build", "--out", "content"],
        2,
        "[ROOT]/content: error[unsafe-output]: refusing to write the site to [ROOT]/content: it lies inside the site's `content/`",
        Some(
            "choose an empty directory, or one that a previous archipel build wrote (it holds `.archipel-output`)",
        ),
    );
}

#[test]
fn a_tag_declared_twice() {
    let site = Fixture::copy("site");
    let tags = site.read("content/tags.toml");
    site.write(
        "content/tags.toml",
        &format!("{tags}\n[[tag]]\nid = \"vote\"\nlabel = \"Vote encore\"\n"),
    );
    let line = tags.lines().count() + 3;
    expect(
        &site,
        &["check"],
        1,
        &format!("content/tags.toml:{line}:6: error[duplicate-tag]: tag `vote` is declared twice"),
        None,
    );
}
