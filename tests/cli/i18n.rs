//! The theme's strings in the site's language (#12): an English site shows no French
//! interface text and English dates; a site's own `i18n/<language>.toml` changes any
//! string without copying templates; a wrong table is a diagnostic.

use crate::support::{Fixture, repo};

/// The fixed fragments of every string of a theme table (what is left between the
/// `{name}` placeholders), keyed by the string's name.
fn fragments(file: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(repo().join("themes/default/i18n").join(file)).unwrap();
    let table: toml::Table = toml::from_str(&text).unwrap();
    let mut out = Vec::new();
    for (key, value) in &table {
        let mut texts = Vec::new();
        match value {
            toml::Value::String(s) => texts.push(s.clone()),
            toml::Value::Array(a) => {
                texts.extend(a.iter().filter_map(|v| v.as_str().map(String::from)))
            }
            toml::Value::Table(t) => {
                texts.extend(t.values().filter_map(|v| v.as_str().map(String::from)))
            }
            _ => {}
        }
        for text in texts {
            for part in text.split(['{', '}']).step_by(2) {
                let part = part.trim_matches(|c: char| !c.is_alphanumeric());
                if part.chars().filter(|c| c.is_alphabetic()).count() >= 3 {
                    out.push((key.clone(), part.to_string()));
                }
            }
        }
    }
    out
}

/// Every HTML file of the output `dir`, with its text.
fn html_files(site: &Fixture, dir: &str) -> Vec<(String, String)> {
    site.tree(dir)
        .into_iter()
        .filter(|(name, _)| name.ends_with(".html"))
        .map(|(name, bytes)| (name, String::from_utf8(bytes).unwrap()))
        .collect()
}

/// Whether `word` occurs in `html` as a whole word.
fn has_word(html: &str, word: &str) -> bool {
    html.match_indices(word).any(|(i, _)| {
        let before = html[..i].chars().next_back();
        let after = html[i + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[test]
fn an_english_site_shows_no_french_interface_string() {
    let site = Fixture::copy("english");
    site.run(&["build"]).expect(0);
    site.run(&["build", "--offline", "--out", "offline"])
        .expect(0);
    // Words spelt the same in both languages are no sign of French.
    let same = ["page", "pages", "Page", "Introduction"];
    let french: Vec<(String, String)> = fragments("fr.toml")
        .into_iter()
        .filter(|(_, part)| !same.contains(&part.as_str()))
        .collect();
    assert!(french.len() > 40, "only {} French fragments", french.len());
    let mut found = Vec::new();
    let mut files = html_files(&site, "public");
    files.extend(html_files(&site, "offline"));
    assert!(files.len() >= 24, "{} files", files.len());
    for (name, html) in &files {
        assert!(html.contains(r#"<html lang="en">"#), "{name}");
        for (key, part) in &french {
            if has_word(html, part) {
                found.push(format!("{name}: `{key}` ({part})"));
            }
        }
    }
    assert_eq!(found, Vec::<String>::new());

    let story = site.read("public/stories/first/index.html");
    assert!(story.contains(r#"<time datetime="2024-09-01">September 1, 2024</time>"#));
    assert!(story.contains("<h2>Cited in</h2>"));
    assert!(story.contains("Source: A meeting in Lyon"));
    assert!(story.contains(r#"This content is published under the licence <a rel="license" href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>."#));
    let list = site.read("public/stories/index.html");
    assert!(list.contains(r#"<p class="count">2 pages</p>"#), "{list}");
    assert!(
        site.read("public/404.html")
            .contains("<h1>Page not found</h1>")
    );
    let search = site.read("public/search/index.html");
    assert!(search.contains(r#""search_no_results":"No results for “{query}”""#));
}

#[test]
fn a_french_site_has_french_dates_and_counts() {
    let site = Fixture::copy("site");
    site.run(&["build"]).expect(0);
    let page = site.read("public/cas/premier/index.html");
    assert!(
        page.contains(r#"<time datetime="2024-01-10">10 janvier 2024</time>"#),
        "{page}"
    );
    assert!(page.contains("Lieu : Lyon"));
    site.write(
        "content/cas/premier.md",
        &site
            .read("content/cas/premier.md")
            .replace("2024-01-10", "2024-01-01"),
    );
    site.run(&["build"]).expect(0);
    assert!(
        site.read("public/cas/premier/index.html")
            .contains(">1er janvier 2024</time>")
    );
    assert!(
        site.read("public/methodes/index.html")
            .contains(r#"<p class="count">2 pages</p>"#)
    );
}

#[test]
fn a_site_changes_strings_in_its_own_table() {
    let site = Fixture::copy("site");
    site.write(
        "i18n/fr.toml",
        "cited = \"Ils citent cette page\"\nmonths = [\"janv.\", \"févr.\", \"mars\", \"avr.\", \"mai\", \"juin\", \"juil.\", \"août\", \"sept.\", \"oct.\", \"nov.\", \"déc.\"]\n",
    );
    site.run(&["build"]).expect(0);
    let page = site.read("public/cas/second/index.html");
    assert!(page.contains("<h2>Ils citent cette page</h2>"), "{page}");
    assert!(!page.contains("Cité dans"));
    // Only what the site changed: the rest is the theme's.
    assert!(page.contains(r##"<a class="skip" href="#contenu">Aller au contenu</a>"##));
    let case = site.read("public/cas/premier/index.html");
    assert!(case.contains(">10 janv. 2024</time>"), "{case}");
}

#[test]
fn a_wrong_site_table_is_reported_where_it_is_wrong() {
    let site = Fixture::copy("site");
    site.write(
        "i18n/fr.toml",
        "# Nos textes\ncite = \"Ils citent cette page\"\nmonths = \"janvier\"\n",
    );
    let run = site.run(&["build"]).expect(2);
    assert!(
        run.stderr
            .contains("i18n/fr.toml:2:1: error[unknown-string]: the theme has no string `cite`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `cited`?"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "i18n/fr.toml:3:10: error[bad-string]: `months` must have the shape of the theme's"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_language_without_strings_says_how_to_add_them() {
    let site = Fixture::copy("site");
    let config = site.read("archipel.toml");
    site.write("archipel.toml", &format!("language = \"de\"\n{config}"));
    let run = site.run(&["build"]).expect(2);
    assert!(
        run.stderr
            .contains("error[no-strings]: the theme has no strings for language `de`"),
        "{}",
        run.stderr
    );
    // With a site table, the language works, but it must hold every string.
    site.write("i18n/de.toml", "cited = \"Zitiert in\"\n");
    let run = site.run(&["build"]).expect(2);
    assert!(
        run.stderr
            .contains("i18n/de.toml: error[missing-string]: no string for language `de`: months,"),
        "{}",
        run.stderr
    );
    // A regional variant falls back to its language's table.
    site.write("archipel.toml", &format!("language = \"en-GB\"\n{config}"));
    site.run(&["build"]).expect(0);
    assert!(
        site.read("public/cas/index.html")
            .contains(r#"<html lang="en-GB">"#)
    );
}
