//! Diagnostics: what went wrong, where, and how to fix it.
//!
//! Every stage reports problems as [`Diagnostic`] values that hold the path, the position,
//! the message and an optional fix as data. The same values are rendered for a terminal
//! ([`Format::Human`]), for tools ([`Format::Json`]) and for forge annotations
//! ([`Format::Github`]), and shown by the dev server's overlay. Messages and fixes are
//! [`Text`]s from the message catalogs ([`catalog`]), rendered in the site's language
//! when they are shown. This module depends on nothing else of ours.

pub mod catalog;
pub use catalog::{Lang, Text, knows, tr};

use std::fmt;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Blocks the build.
    Error,
    /// Reported; blocks only `check --deny-warnings`.
    Warning,
}

impl Severity {
    fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A 1-based line and column; the column counts characters, not bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// Line number, from 1.
    pub line: u32,
    /// Column number in characters, from 1.
    pub column: u32,
}

/// One problem found in the site's files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, relative to the site root when it lies inside it.
    pub path: PathBuf,
    /// Where in the file, when known.
    pub pos: Option<Pos>,
    /// Error or warning.
    pub severity: Severity,
    /// A stable kebab-case identifier of the kind of problem (`unknown-tag`).
    pub code: &'static str,
    /// What is wrong.
    pub message: Text,
    /// The likely fix, when there is one.
    pub help: Option<Text>,
    /// The text of the offending line, shown under the message with a caret.
    pub line_text: Option<String>,
}

impl Diagnostic {
    /// An error about a whole file.
    pub fn error(code: &'static str, path: impl Into<PathBuf>, message: impl Into<Text>) -> Self {
        Diagnostic {
            path: path.into(),
            pos: None,
            severity: Severity::Error,
            code,
            message: clip_text(message.into()),
            help: None,
            line_text: None,
        }
    }

    /// A warning about a whole file.
    pub fn warning(code: &'static str, path: impl Into<PathBuf>, message: impl Into<Text>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, path, message)
        }
    }

    /// Places the diagnostic at a byte offset of the file that `index` describes. Only a
    /// window of the line around the position is kept (see [`window`]).
    pub fn at(mut self, index: &LineIndex<'_>, offset: usize) -> Self {
        let pos = index.pos(offset);
        self.line_text = Some(window(index.line_text(pos.line), pos.column));
        self.pos = Some(pos);
        self
    }

    /// Adds the likely fix.
    pub fn help(mut self, help: impl Into<Text>) -> Self {
        self.help = Some(clip_text(help.into()));
        self
    }

    /// Adds a fix only when there is one.
    pub fn maybe_help<T: Into<Text>>(mut self, help: Option<T>) -> Self {
        self.help = help.map(|h| clip_text(h.into()));
        self
    }

    /// Whether this diagnostic blocks a build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// How many characters of a source line a diagnostic shows on each side of its column.
pub const WINDOW: usize = 80;

/// How many diagnostics of one code in one file are shown; the rest are counted.
pub const REPEATS: usize = 20;

/// How many characters of a message or a fix are shown (they may quote the input).
const MESSAGE_CHARS: usize = 400;

/// At most [`WINDOW`] characters of `line` on each side of the 1-based `column`, with `…`
/// where the line goes on: a line of a megabyte shows as two hundred characters.
pub fn window(line: &str, column: u32) -> String {
    let at = column.saturating_sub(1) as usize;
    let start = at.saturating_sub(WINDOW);
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut chars = line.chars().skip(start);
    out.extend(chars.by_ref().take(at - start + WINDOW));
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

/// Where the caret goes under a line that [`window`] cut, in characters from its start.
fn caret_offset(column: u32) -> usize {
    let at = column.saturating_sub(1) as usize;
    if at > WINDOW { WINDOW + 1 } else { at }
}

/// `text` cut to [`MESSAGE_CHARS`] characters, with `…` when cut.
fn clip_text(text: Text) -> Text {
    match text {
        Text::Plain(s) => Text::Plain(clip(s)),
        // The catalog's own text is short: what comes from the files is what may be long.
        Text::Key(key, args) => Text::Key(
            key,
            args.into_iter().map(|(n, v)| (n, clip_text(v))).collect(),
        ),
    }
}

fn clip(text: String) -> String {
    match text.char_indices().nth(MESSAGE_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

/// The diagnostics to show: after [`REPEATS`] of one code in one file, the others are
/// counted in one more diagnostic of that code, `… and N more like this in this file`.
pub fn limit(diags: &[Diagnostic]) -> Vec<Diagnostic> {
    use std::collections::HashMap;
    let mut seen: HashMap<(&Path, &str), usize> = HashMap::new();
    let mut out = Vec::with_capacity(diags.len().min(1024));
    let mut more: Vec<(&Diagnostic, usize)> = Vec::new();
    for d in diags {
        let n = seen.entry((&d.path, d.code)).or_insert(0);
        *n += 1;
        match *n {
            n if n <= REPEATS => out.push(d.clone()),
            n if n == REPEATS + 1 => more.push((d, 1)),
            _ => {
                if let Some(m) = more
                    .iter_mut()
                    .find(|(m, _)| m.path == d.path && m.code == d.code)
                {
                    m.1 += 1;
                }
            }
        }
    }
    for (d, n) in more {
        let mut summary =
            Diagnostic::error(d.code, &d.path, crate::t!("more-like-this", count = n));
        summary.severity = d.severity;
        out.push(summary);
    }
    out
}

/// Turns byte offsets of one text into line and column positions.
pub struct LineIndex<'a> {
    text: &'a str,
    /// Where each line starts, found when a position is first asked: every page's text
    /// is indexed in case it has a problem, and few have one (finding the lines of every
    /// page was 1.6% of the instructions of a build).
    starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> LineIndex<'a> {
    /// Indexes the line starts of `text`.
    pub fn new(text: &'a str) -> Self {
        LineIndex {
            text,
            starts: std::cell::OnceCell::new(),
        }
    }

    /// Where each line starts.
    fn starts(&self) -> &[usize] {
        self.starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(self.text.match_indices('\n').map(|(i, _)| i + 1));
            starts
        })
    }

    /// The position of a byte offset; offsets past the end point at the end.
    pub fn pos(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let starts = self.starts();
        let line = starts.partition_point(|&s| s <= offset) - 1;
        let start = starts[line];
        // Offsets from parsers always fall on char boundaries, but never trust them to.
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count());
        Pos {
            line: line as u32 + 1,
            column: column as u32 + 1,
        }
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: u32) -> &'a str {
        let starts = self.starts();
        let i = (line as usize).saturating_sub(1).min(starts.len() - 1);
        let end = starts.get(i + 1).copied().unwrap_or(self.text.len());
        self.text[starts[i]..end].trim_end_matches(['\n', '\r'])
    }
}

/// The nearest candidate to `name` by edit distance, if one is close enough to be a typo.
pub fn suggest<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let limit = (name.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(name, c), c))
        .filter(|&(d, _)| d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// The error type of every entry point of the library.
#[derive(Debug)]
pub enum Error {
    /// Bad command-line usage (exit code 2).
    Usage(String),
    /// Problems in `archipel.toml` or the theme (exit code 2).
    Config(Vec<Diagnostic>),
    /// Problems in the content (exit code 1).
    Content(Vec<Diagnostic>),
    /// A file system operation failed (exit code 2).
    Io {
        /// The path the operation was about.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// The process exit code this error maps to.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Content(_) => 1,
            Error::Usage(_) | Error::Config(_) | Error::Io { .. } => 2,
        }
    }

    /// The diagnostics this error carries, if it carries any.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Config(d) | Error::Content(d) => d,
            Error::Usage(_) | Error::Io { .. } => &[],
        }
    }
}

impl Error {
    /// The one-line summary of the error, in `lang`.
    pub fn summary(&self, lang: Lang) -> String {
        match self {
            Error::Usage(m) => m.clone(),
            Error::Config(d) => tr(
                lang,
                "summary.config-errors",
                &[("count", d.len().to_string())],
            ),
            Error::Content(d) => {
                let errors = d.iter().filter(|d| d.is_error()).count();
                tr(
                    lang,
                    "summary.content-errors",
                    &[("count", errors.to_string())],
                )
            }
            Error::Io { path, source } => format!("{}: {source}", path.display()),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.summary(Lang::En))
    }
}

impl std::error::Error for Error {}

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// For people: the line, a caret, and the fix; colour on a terminal.
    #[default]
    Human,
    /// One JSON object per line.
    Json,
    /// GitHub workflow commands, shown as annotations on a pull request.
    Github,
}

/// Renders diagnostics in the chosen format and language, one after the other.
pub fn render(diags: &[Diagnostic], format: Format, color: bool, lang: Lang) -> String {
    let mut out = String::new();
    for d in &limit(diags) {
        match format {
            Format::Human => human(d, color, lang, &mut out),
            Format::Json => {
                out.push_str(&json(d, lang).to_string());
                out.push('\n');
            }
            Format::Github => github(d, lang, &mut out),
        }
    }
    out
}

/// Whether standard error is a terminal that wants colour.
pub fn stderr_wants_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn location(path: &Path, pos: Option<Pos>) -> String {
    match pos {
        Some(p) => format!("{}:{}:{}", path.display(), p.line, p.column),
        None => path.display().to_string(),
    }
}

fn human(d: &Diagnostic, color: bool, lang: Lang, out: &mut String) {
    use std::fmt::Write;
    let paint = |code: &str, text: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    let label = match d.severity {
        Severity::Error => paint("1;31", "error"),
        Severity::Warning => paint("1;33", "warning"),
    };
    let _ = writeln!(
        out,
        "{}: {label}[{}]: {}",
        paint("1", &location(&d.path, d.pos)),
        d.code,
        d.message.render(lang)
    );
    if let (Some(pos), Some(text)) = (d.pos, &d.line_text) {
        let gutter = pos.line.to_string();
        let pad = " ".repeat(gutter.len());
        // Tabs are kept so the caret lines up under them.
        let lead: String = text
            .chars()
            .take(caret_offset(pos.column))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{gutter} | {text}");
        let _ = writeln!(out, "{pad} | {lead}{}", paint("1;31", "^"));
    }
    if let Some(help) = &d.help {
        let _ = writeln!(out, "  = {}: {}", paint("1;36", "help"), help.render(lang));
    }
}

/// The JSON object of one diagnostic, its texts in `lang`.
pub fn json(d: &Diagnostic, lang: Lang) -> serde_json::Value {
    serde_json::json!({
        "path": d.path.to_string_lossy(),
        "line": d.pos.map(|p| p.line),
        "column": d.pos.map(|p| p.column),
        "severity": d.severity.as_str(),
        "code": d.code,
        "message": d.message.render(lang),
        "help": d.help.as_ref().map(|h| h.render(lang)),
    })
}

fn github(d: &Diagnostic, lang: Lang, out: &mut String) {
    // Workflow commands end at a newline and treat `%`, `:` and `,` specially.
    let escape_data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let escape_prop = |s: &str| escape_data(s).replace(':', "%3A").replace(',', "%2C");
    out.push_str("::");
    out.push_str(d.severity.as_str());
    out.push_str(" file=");
    out.push_str(&escape_prop(&d.path.to_string_lossy()));
    if let Some(p) = d.pos {
        out.push_str(&format!(",line={},col={}", p.line, p.column));
    }
    out.push_str("::");
    let mut message = d.message.render(lang);
    if let Some(help) = &d.help {
        message.push_str(&format!(" (help: {})", help.render(lang)));
    }
    out.push_str(&escape_data(&message));
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_counts_chars_not_bytes() {
        let text = "a = 1\ntitre = \"é\" x\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.pos(0), Pos { line: 1, column: 1 });
        let x = text.find('x').unwrap();
        assert_eq!(
            idx.pos(x),
            Pos {
                line: 2,
                column: 13
            }
        );
        assert_eq!(idx.line_text(2), "titre = \"é\" x");
        assert_eq!(idx.pos(text.len()).line, 3);
    }

    #[test]
    fn suggest_finds_near_misses_only() {
        let tags = ["conflit", "confiance", "gouvernance"];
        assert_eq!(suggest("conflits", tags), Some("conflit"));
        assert_eq!(suggest("gouvernanse", tags), Some("gouvernance"));
        assert_eq!(suggest("zzz", tags), None);
    }

    #[test]
    fn human_shows_line_caret_and_help() {
        let text = "+++\ntags = [\"conflits\"]\n+++\n";
        let idx = LineIndex::new(text);
        let d = Diagnostic::error("unknown-tag", "content/a.md", "unknown tag `conflits`")
            .at(&idx, text.find("\"conflits").unwrap())
            .help("did you mean `conflit`?");
        let out = render(&[d], Format::Human, false, Lang::En);
        assert_eq!(
            out,
            "content/a.md:2:9: error[unknown-tag]: unknown tag `conflits`\n  |\n2 | tags = [\"conflits\"]\n  |         ^\n  = help: did you mean `conflit`?\n"
        );
    }

    #[test]
    fn long_lines_show_a_window_around_the_column() {
        let line = format!("{}ERREUR{}", "a".repeat(1_000_000), "b".repeat(1_000_000));
        let text = format!("+++\n{line}\n");
        let idx = LineIndex::new(&text);
        let d = Diagnostic::error("x", "content/a.md", "là").at(&idx, text.find("ERREUR").unwrap());
        let shown = d.line_text.as_deref().unwrap();
        assert_eq!(
            shown,
            format!("…{}ERREUR{}…", "a".repeat(80), "b".repeat(74))
        );
        let out = render(&[d], Format::Human, false, Lang::En);
        assert!(out.len() < 600, "{}", out.len());
        let (line, caret) = (out.lines().nth(2).unwrap(), out.lines().nth(3).unwrap());
        assert_eq!(
            caret.chars().position(|c| c == '^'),
            line.chars().position(|c| c == 'E')
        );
    }

    #[test]
    fn repeated_diagnostics_are_counted_after_a_limit() {
        let diags: Vec<Diagnostic> = (0..5000)
            .map(|i| {
                Diagnostic::error("unknown-tag", "content/a.md", format!("unknown tag `t{i}`"))
            })
            .chain([Diagnostic::warning("other", "content/a.md", "autre")])
            .collect();
        let out = render(&diags, Format::Human, false, Lang::En);
        assert_eq!(out.matches("error[unknown-tag]").count(), REPEATS + 1);
        assert!(
            out.contains(
                "content/a.md: error[unknown-tag]: … and 4980 more like this in this file"
            ),
            "{out}"
        );
        assert!(out.contains("warning[other]"));
        let json = render(&diags, Format::Json, false, Lang::En);
        assert_eq!(json.lines().count(), REPEATS + 2);
    }

    #[test]
    fn github_escapes_properties_and_data() {
        let d = Diagnostic::error("x", "content/a,b.md", "50% done\nnext");
        assert_eq!(
            render(&[d], Format::Github, false, Lang::En),
            "::error file=content/a%2Cb.md::50%25 done%0Anext\n"
        );
    }
}
