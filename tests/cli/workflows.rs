//! The workflows of `docs/` (#13, #12) run real commands: each `archipel` command they
//! hold runs on a fixture site with a problem in it, the GitLab workflow's `jq` program
//! turns `check --format json` into a Code Quality report GitLab accepts, and the
//! publishing jobs build the site into `public/`.

use std::process::Command;

use crate::support::{Fixture, repo};

/// The `archipel …` commands of a workflow file, in order, without shell redirections
/// or `|| …` tails.
fn commands(file: &str) -> Vec<String> {
    let text = std::fs::read_to_string(repo().join("docs").join(file)).unwrap();
    text.lines()
        .filter_map(|l| {
            let at = l.find("archipel ")?;
            let before = &l[..at];
            let shell = before.trim_end().ends_with("- run:")
                || before.trim_end().ends_with('-')
                || before.trim_end().ends_with("then");
            shell.then(|| {
                let command = &l[at..];
                let end = command.find([';', '|', '>']).unwrap_or(command.len());
                command[..end].trim().to_string()
            })
        })
        .collect()
}

/// The fixture site with a warning in it: raw HTML the sanitizer removes.
fn site_with_a_warning() -> Fixture {
    let site = Fixture::copy("site");
    let path = "content/cas/second.md";
    site.write(
        path,
        &format!("{}\n<script>x()</script>\n", site.read(path)),
    );
    site
}

fn run(site: &Fixture, command: &str) -> crate::support::Run {
    let args: Vec<&str> = command.split_whitespace().skip(1).collect();
    site.run(&args)
}

#[test]
fn the_github_workflow_annotates_and_builds_the_offline_guide() {
    let found = commands("github-pr.yml");
    assert_eq!(
        found,
        [
            "archipel check --format github --deny-warnings",
            "archipel build --offline --zip guide-hors-ligne.zip",
            "archipel check --format github",
            "archipel build --out public",
        ]
    );
    let site = site_with_a_warning();
    let check = run(&site, &found[0]).expect(1);
    assert!(
        check
            .stdout
            .starts_with("::warning file=content/cas/second.md,line=11,col=1::"),
        "{}",
        check.stdout
    );
    run(&site, &found[1]).expect(0);
    assert!(site.path("guide-hors-ligne.zip").is_file());
    // Publishing main: a warning does not stop it.
    run(&site, &found[2]).expect(0);
    run(&site, &found[3]).expect(0);
    assert!(site.path("public/index.html").is_file());
}

#[test]
fn the_gitlab_workflow_writes_a_code_quality_report() {
    let found = commands("gitlab-mr.yml");
    assert_eq!(
        found,
        [
            "archipel check",
            "archipel check --format json",
            "archipel build --offline --zip guide-hors-ligne.zip",
            "archipel check",
            "archipel build --out public",
        ]
    );
    let site = site_with_a_warning();
    run(&site, &found[0]).expect(0);
    let json = run(&site, &found[1]).expect(0).stdout;
    site.write("diagnostics.jsonl", &json);

    let text = std::fs::read_to_string(repo().join("docs/gitlab-mr.yml")).unwrap();
    let start = text.find("jq -s '").unwrap() + "jq -s '".len();
    let program = &text[start..start + text[start..].find("' diagnostics.jsonl").unwrap()];
    let output = Command::new("jq")
        .args(["-s", program, "diagnostics.jsonl"])
        .current_dir(site.root())
        .output()
        .expect("jq is installed (see .ci/run)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        report,
        serde_json::json!([{
            "description": "the raw HTML `<script>x()</script>` is changed by the sanitizer (scripts, event handlers, frames, forms, `javascript:` links and files from other sites are removed; write it in Markdown)",
            "check_name": "raw-html",
            "fingerprint": "content/cas/second.md:11:1:raw-html",
            "severity": "minor",
            "location": { "path": "content/cas/second.md", "lines": { "begin": 11 } }
        }])
    );
    run(&site, &found[2]).expect(0);
    run(&site, &found[3]).expect(0);
    run(&site, &found[4]).expect(0);
    assert!(site.path("public/404.html").is_file());
}
