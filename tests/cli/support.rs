//! Test support: a fixture site copied into a temporary directory, and the real
//! `archipel` binary run against it.

pub(crate) mod server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A site in a temporary directory.
pub(crate) struct Fixture {
    dir: tempfile::TempDir,
}

/// The outcome of one run of the binary.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    /// Asserts the exit code, showing the output when it differs.
    #[track_caller]
    pub(crate) fn expect(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

impl Fixture {
    /// Copies `tests/fixtures/<name>/` into a fresh directory, adding the repository's
    /// default theme unless the fixture has its own `themes/`.
    pub(crate) fn copy(name: &str) -> Self {
        let fixture = Fixture::empty();
        copy_dir(&repo().join("tests/fixtures").join(name), fixture.root());
        if !fixture.root().join("themes").exists() {
            copy_dir(
                &repo().join("themes/default"),
                &fixture.root().join("themes/default"),
            );
        }
        fixture
    }

    /// A copy of the repository's own site: the guide, its configuration and theme.
    pub(crate) fn guide() -> Self {
        let fixture = Fixture::empty();
        for dir in ["content", "themes"] {
            copy_dir(&repo().join(dir), &fixture.root().join(dir));
        }
        std::fs::copy(
            repo().join("archipel.toml"),
            fixture.root().join("archipel.toml"),
        )
        .unwrap();
        fixture
    }

    /// An empty directory.
    pub(crate) fn empty() -> Self {
        Fixture {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// The site root.
    pub(crate) fn root(&self) -> &Path {
        self.dir.path()
    }

    /// A path under the site root.
    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Writes a file under the site root, creating directories. The text goes to a
    /// hidden file beside it, renamed over the target: a running `serve` never sees the
    /// file truncated or half written (it ignores hidden files).
    pub(crate) fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        let dir = path.parent().unwrap();
        std::fs::create_dir_all(dir).unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        let temporary = dir.join(format!(".{name}.writing"));
        std::fs::write(&temporary, text).unwrap();
        std::fs::rename(&temporary, &path).unwrap();
    }

    /// Reads a file under the site root.
    #[track_caller]
    pub(crate) fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Runs `archipel` with `args` in the site root.
    pub(crate) fn run(&self, args: &[&str]) -> Run {
        let output = self.command(args).output().unwrap();
        self.finish(output)
    }

    /// The command that runs `archipel` with `args` in the site root.
    pub(crate) fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_archipel"));
        // Messages in English unless a test asks for another language (#13).
        cmd.args(args)
            .current_dir(self.root())
            .env("NO_COLOR", "1")
            .env("ARCHIPEL_LANG", "en");
        cmd
    }

    fn finish(&self, output: Output) -> Run {
        let root = self.root().to_string_lossy().into_owned();
        let clean = |b: &[u8]| String::from_utf8_lossy(b).replace(&root, "[ROOT]");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: clean(&output.stdout),
            stderr: clean(&output.stderr),
        }
    }

    /// The hidden entries of the site root (a build's staging directories are hidden).
    pub(crate) fn hidden_entries(&self) -> Vec<String> {
        std::fs::read_dir(self.root())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect()
    }

    /// Every file under `dir` (relative to the root), with its bytes, sorted.
    pub(crate) fn tree(&self, dir: &str) -> Vec<(String, Vec<u8>)> {
        let base = self.path(dir);
        let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(&base)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(&base)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                (rel, std::fs::read(e.path()).unwrap())
            })
            .collect();
        files.sort();
        files
    }
}

/// Copies a directory tree.
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The `href` values of an HTML page, in order.
pub(crate) fn hrefs(html: &str) -> Vec<String> {
    attr_values(html, "href")
}

/// The values of `name="..."` attributes in an HTML text.
pub(crate) fn attr_values(html: &str, name: &str) -> Vec<String> {
    let needle = format!(" {name}=\"");
    html.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            rest[..rest.find('"').unwrap()].replace("&amp;", "&")
        })
        .collect()
}

/// The text of the first element with `class="{class}"`, up to its closing tag
/// `</{tag}>` — enough to look into one section of a page.
pub(crate) fn section<'a>(html: &'a str, class: &str, tag: &str) -> &'a str {
    let start = html
        .find(&format!("class=\"{class}"))
        .unwrap_or_else(|| panic!("no element of class {class}"));
    let end = html[start..]
        .find(&format!("</{tag}>"))
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}
