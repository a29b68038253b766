//! Every content diagnostic code, in the three formats: the JSON object parsed and
//! compared, the GitHub annotation matched exactly, the human header line matched. The
//! message and the exit code of each case are written here by hand (what a contributor
//! should read), never taken from the program's output.

use crate::support::Fixture;

/// (file to write, its text, expected code, line, column, severity).
type Case = (
    &'static str,
    &'static str,
    &'static str,
    u64,
    u64,
    &'static str,
);

const BODY: &str = "\n\nTexte.\n";

#[rustfmt::skip]
fn cases() -> Vec<(String, String, &'static str, u64, u64, &'static str)> {
    let fm = |extra: &str| {
        format!("+++\ntitle = \"T\"\ntags = [\"vote\"]\nmethods = [\"vote\"]\n{extra}+++{BODY}")
    };
    let fixed: Vec<Case> = vec![
        ("content/cas/a.md", "Pas de front matter\n", "front-matter", 1, 1, "error"),
        ("content/cas/a.md", "+++\ntitle = \n+++\n", "front-matter-syntax", 2, 9, "error"),
        ("content/autre/a.md", "+++\ntitle = \"T\"\n+++\n", "unknown-kind-dir", 0, 0, "error"),
        ("content/cas/A b.md", "+++\ntitle = \"T\"\n+++\n", "bad-slug", 0, 0, "error"),
        ("content/cas/a.md", "+++\ntags = [\"vote\"]\nmethods = [\"vote\"]\n+++\n\nTexte.\n", "missing-field", 1, 1, "error"),
        ("content/cas/a.md", "+++\ntitle = \" \"\ntags = [\"vote\"]\nmethods = [\"vote\"]\n+++\n\nTexte.\n", "empty-title", 1, 1, "error"),
        ("content/cas/zz.md", "+++\ntitle = \"Premier cas\"\ntags = [\"vote\"]\nmethods = [\"vote\"]\n+++\n\nTexte.\n", "duplicate-title", 2, 1, "warning"),
        ("content/cas/a.md", "+++\ntitle = \"T\"\ntags = [\"vote\"]\nmethods = [\"vote\"]\n+++\n", "empty-body", 5, 1, "warning"),
        ("content/methodes/a.md", "+++\ntitle = \"T\"\n+++\n\nTexte.\n", "unreachable", 1, 1, "warning"),
    ];
    let mut all: Vec<_> = fixed
        .into_iter()
        .map(|(p, t, c, l, col, s)| (p.to_string(), t.to_string(), c, l, col, s))
        .collect();
    let page = "content/cas/a.md".to_string();
    all.extend([
        (page.clone(), fm("couleur = \"bleu\"\n"), "unknown-field", 5, 1, "error"),
        (page.clone(), fm("date = \"hier\"\n"), "bad-date", 5, 8, "error"),
        (page.clone(), fm("date = 2024-09-32\n"), "bad-date", 5, 8, "error"),
        (page.clone(), fm("date = true\n"), "bad-type", 5, 8, "error"),
        (page.clone(), fm("see_also = [\"methodes/vte\"]\n"), "unknown-ref", 5, 13, "error"),
        (page.clone(), fm("see_also = [\"cas/a\"]\n"), "self-ref", 5, 13, "warning"),
        (page.clone(), fm("lieu = \"\"\n").replace("methods = [\"vote\"]", "methods = []"), "empty-field", 4, 11, "warning"),
        (page.clone(), fm("").replace("[\"vote\"]\n+++", "[\"cas/premier\"]\n+++"), "wrong-kind-ref", 4, 12, "error"),
        (page.clone(), fm("").replace("tags = [\"vote\"]", "tags = [\"vote\", \"vote\"]"), "duplicate-tag", 3, 17, "warning"),
        (page.clone(), fm("").replace("tags = [\"vote\"]", "tags = [\"vot\"]"), "unknown-tag", 3, 9, "error"),
        (page.clone(), format!("{}Voir [x](../methodes/nulle.md).\n", fm("")), "broken-link", 8, 6, "error"),
        (page.clone(), format!("{}![schéma](images/absent.png)\n", fm("")), "missing-file", 8, 1, "error"),
        (page.clone(), fm("").replace( "methods = [\"vote\"]", "methods = [\"vote\"]\nsee_also = [\"premier\"]"),
            "ambiguous-ref",
            5,
            13,
            "error",
        ),
    ]);
    all
}

/// The message each case must show, in case order.
const MESSAGES: [&str; 22] = [
    "the file does not start with front matter",
    "invalid TOML: string values must be quoted, expected literal string",
    "`content/autre/` is not the directory of any kind",
    "the file name `A b.md` is not a valid slug",
    "missing required field `title`",
    "the title is empty",
    "the title `Premier cas` is also the title of `cas/premier`",
    "the page has no text",
    "no other page links here and the page has no tag",
    "unknown field `couleur`",
    // The value as written in the front matter, quotes included.
    "`date` is not a date: `\"hier\"`",
    // A bare TOML date: TOML itself refuses it, and knows that September has 30 days.
    "invalid TOML: invalid date, expected day between 01 and 30",
    "`date` must be of type date, not a boolean",
    "`see_also` refers to `methodes/vte`, which is no page",
    "`see_also` refers to the page itself",
    "the required field `methods` is empty",
    // The kind of the page found, by the singular the site gives it.
    "`methods` expects pages of kind `method`, but `cas/premier` is: Cas",
    "tag `vote` is listed twice",
    "unknown tag `vot`",
    "the link `../methodes/nulle.md` leads to no page",
    "the image `images/absent.png` does not exist",
    "`premier` could be any of several pages",
];

#[test]
fn every_code_in_every_format() {
    let cases = cases();
    assert_eq!(cases.len(), MESSAGES.len());
    for ((path, text, code, line, column, severity), message) in cases.into_iter().zip(MESSAGES) {
        let site = Fixture::copy("site");
        site.write(&path, &text);
        if code == "ambiguous-ref" {
            // A page of another kind with the same slug makes the bare slug ambiguous.
            site.write(
                "content/methodes/premier.md",
                "+++\ntitle = \"Autre premier\"\ntags = [\"vote\"]\n+++\n\nTexte.\n",
            );
        }
        let json = site.run(&["check", "--format", "json"]);
        let diags: Vec<serde_json::Value> = json
            .stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let d = diags
            .iter()
            .find(|d| d["code"] == code)
            .unwrap_or_else(|| panic!("{code}: not reported; got {}", json.stdout));
        assert_eq!(d["path"], path.as_str(), "{code}");
        assert_eq!(d["severity"], severity, "{code}");
        let pos = (
            d["line"].as_u64().unwrap_or(0),
            d["column"].as_u64().unwrap_or(0),
        );
        assert_eq!(pos, (line, column), "{code}: position");
        assert_eq!(d["message"], message, "{code}: message");
        // An error fails the check (exit 1); a warning alone does not (exit 0).
        let expected_code = if severity == "error" { 1 } else { 0 };
        assert_eq!(
            json.code, expected_code,
            "{code}: exit code; got {}",
            json.stdout
        );

        let github = site.run(&["check", "--format", "github"]);
        assert_eq!(github.code, expected_code, "{code}");
        let location = if line == 0 {
            String::new()
        } else {
            format!(",line={line},col={column}")
        };
        let help = d["help"]
            .as_str()
            .map_or(String::new(), |h| format!(" (help: {h})"));
        let annotation = format!(
            "::{severity} file={}{location}::{message}{help}",
            path.replace(',', "%2C")
        );
        assert!(
            github.stdout.lines().any(|l| l == annotation),
            "{code}: {annotation}\nnot in\n{}",
            github.stdout
        );

        let human = site.run(&["check"]);
        assert_eq!(human.code, expected_code, "{code}");
        let place = if line == 0 {
            path.clone()
        } else {
            format!("{path}:{line}:{column}")
        };
        let header = format!("{place}: {severity}[{code}]: {message}");
        assert!(
            human.stderr.lines().any(|l| l == header),
            "{code}: {header}\nnot in\n{}",
            human.stderr
        );
    }
}
