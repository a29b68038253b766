//! The theme: Tera templates from `themes/<name>/templates/`, overridden by same-named
//! files in the site's `templates/`, static files from the theme's then the site's
//! `static/`, and the strings of the site's language (`i18n.rs`). Loaded and compiled
//! once per build; a broken template is a diagnostic naming its file.

mod cycles;
mod depth;

pub use depth::RENDER_STACK;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::{Context, Tera};

use super::i18n;
use super::partials::Partials;
use crate::config::Config;
use crate::diag::{Diagnostic, Error, LineIndex};

/// Templates every theme must provide.
const REQUIRED_TEMPLATES: [&str; 9] = [
    "index.html",
    "page.html",
    "list.html",
    "tags.html",
    "tag.html",
    "search.html",
    "404.html",
    "print.html",
    "alias.html",
];

/// A loaded theme: compiled templates and the static files to copy.
pub struct Theme {
    pub(super) tera: Tera,
    /// The reader-facing strings, given to every template as `t`.
    strings: std::sync::Arc<i18n::Strings>,
    /// Static files: output path → source file (the site's own win over the theme's).
    pub(super) statics: BTreeMap<String, PathBuf>,
    /// Each template's file, relative to the site root, for diagnostics.
    files: BTreeMap<String, PathBuf>,
    /// Contexts holding only the strings (`t`, `search_strings`), one per thread that
    /// renders, taken for a render and given back (see [`Theme::render`]).
    contexts: std::sync::Mutex<Vec<Context>>,
    /// The templates of `partials/`, rendered once per distinct `site`.
    pub(super) partials: Partials,
}

/// Loads the theme named in the configuration, with the site's overrides.
pub fn theme(config: &Config) -> Result<Theme, Error> {
    let theme_dir = config.root.join("themes").join(&config.site.theme);
    if !theme_dir.is_dir() {
        return Err(Error::Config(vec![
            Diagnostic::error(
                "no-theme",
                crate::config::FILE_NAME,
                crate::t!("no-theme", theme = config.site.theme),
            )
            .help(crate::t!("no-theme.help")),
        ]));
    }
    let mut templates: BTreeMap<String, (PathBuf, String)> = BTreeMap::new();
    for dir in [theme_dir.join("templates"), config.root.join("templates")] {
        for (name, path) in files_under(&config.root, &dir)? {
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            templates.insert(name, (path, text));
        }
    }
    let mut diags = Vec::new();
    let needed = REQUIRED_TEMPLATES
        .iter()
        .map(|s| s.to_string())
        .chain(config.site.map.then(|| "map.html".to_string()))
        .chain(config.kinds.iter().map(|k| k.template.clone()));
    for name in needed {
        if !templates.contains_key(&name) {
            diags.push(
                Diagnostic::error(
                    "missing-template",
                    relative(&config.root, &theme_dir.join("templates").join(&name)),
                    crate::t!("missing-template", name = name),
                )
                .help(crate::t!("missing-template.help")),
            );
        }
    }
    let mut tera = Tera::default();
    // Tera's default also escapes `/`, which makes every href unreadable; HTML needs only these.
    tera.set_escape_fn(crate::escape::html);
    if let Err(e) =
        tera.add_raw_templates(templates.iter().map(|(n, (_, t))| (n.as_str(), t.as_str())))
    {
        diags.push(syntax_error(&e, &templates, &config.root, &theme_dir));
    } else {
        diags.extend(cycles::find(&tera, &templates, &config.root));
    }
    if !diags.is_empty() {
        return Err(Error::Config(diags));
    }
    depth::guard(&mut tera, &templates, &config.root);
    let strings = std::sync::Arc::new(i18n::load(config, &theme_dir)?);
    let dates = strings.clone();
    tera.register_filter(
        "human_date",
        move |v: &tera::Value, _: &std::collections::HashMap<String, tera::Value>| {
            let s = tera::try_get_value!("human_date", "value", String, v);
            Ok(tera::Value::String(dates.date(&s)))
        },
    );
    tera.register_filter("fill", i18n::fill);
    let mut statics = BTreeMap::new();
    for dir in [theme_dir.join("static"), config.root.join("static")] {
        statics.extend(files_under(&config.root, &dir)?);
    }
    let files = templates
        .into_iter()
        .map(|(name, (path, _))| (name, relative(&config.root, &path)))
        .collect();
    let partials = Partials::new(&tera);
    Ok(Theme {
        tera,
        strings,
        statics,
        files,
        contexts: std::sync::Mutex::default(),
        partials,
    })
}

/// The diagnostic of a template Tera could not parse, placed where its parser stopped
/// (its message says ` --> line:column`, counted in characters), with the parser's
/// own drawing of the line left out: the diagnostic shows the line itself.
fn syntax_error(
    e: &tera::Error,
    templates: &BTreeMap<String, (PathBuf, String)>,
    root: &Path,
    theme_dir: &Path,
) -> Diagnostic {
    let message = chain(e);
    let found = templates
        .iter()
        .find(|(name, _)| message.contains(&format!("'{name}'")));
    let path = found.map_or_else(|| theme_dir.join("templates"), |(_, (p, _))| p.clone());
    let place = message.split_once(" --> ").and_then(|(_, rest)| {
        let (line, rest) = rest.split_once(':')?;
        let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
        Some((line.parse::<usize>().ok()?, column.parse::<usize>().ok()?))
    });
    let (Some((_, (_, text))), Some((line, column))) = (found, place) else {
        return Diagnostic::error(
            "template",
            relative(root, &path),
            crate::t!("template", message = message),
        );
    };
    // `Failed to parse 'page.html'` and the parser's `= expected …` line.
    let head = message.split(": ").next().unwrap_or_default();
    let expected = message
        .lines()
        .find_map(|l| l.trim().strip_prefix("= "))
        .unwrap_or_default();
    let offset = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let offset = offset
        + text[offset..]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(text.len() - offset, |(i, _)| i);
    Diagnostic::error(
        "template",
        relative(root, &path),
        crate::t!("template", message = format!("{head}: {expected}")),
    )
    .at(&LineIndex::new(text), offset)
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Files under `dir` (if it exists) but hidden ones, keyed by their `/`-separated path relative to it.
/// A symbolic link is neither followed (it could publish a file from outside the site, as
/// under `content/`) nor skipped without a word: each one is an error.
fn files_under(root: &Path, dir: &Path) -> Result<Vec<(String, PathBuf)>, Error> {
    let mut out = Vec::new();
    let mut links = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    // Hidden entries (`.git`, `.env`, an editor's `.swp`) are never part of a theme.
    let walker = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|e| Error::io(relative(root, dir), e.into()))?;
        if entry.path_is_symlink() {
            links.push(
                Diagnostic::error(
                    "symlink",
                    relative(root, entry.path()),
                    crate::t!("symlink"),
                )
                .help(crate::t!("symlink.static.help")),
            );
        } else if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            out.push((
                rel.to_string_lossy().replace('\\', "/"),
                entry.path().to_path_buf(),
            ));
        }
    }
    if !links.is_empty() {
        return Err(Error::Config(links));
    }
    Ok(out)
}

/// The messages of an error and all its sources, which is where Tera puts the details.
fn chain(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}

impl Theme {
    /// Renders `template` with `context`, a JSON object. Taking the value (rather than
    /// anything serializable) lets Tera use it without a deep copy, and rendering into
    /// bytes skips a UTF-8 check of the output: both showed in the profile of a
    /// 10,000-page build (benches/README.md).
    pub(super) fn render(
        &self,
        template: &str,
        context: &impl serde::Serialize,
        file: &str,
    ) -> Result<Vec<u8>, Error> {
        let error = |e: &tera::Error| self.error(template, file, e);
        let mut view = match serde_json::to_value(context).map_err(|e| error(&e.into()))? {
            serde_json::Value::Object(map) => map,
            _ => return Err(error(&tera::Error::msg("a view is an object"))),
        };
        self.add_partials(&mut view, file)?;
        let mut context = self.strings_context();
        // Moved into a context that already holds the strings and taken out after: cloning
        // or serializing the 77 strings of `t` for every file was 4 to 5% of a build.
        let keys: Vec<String> = view.keys().filter(|k| !is_string_key(k)).cloned().collect();
        let view = view.into_iter().filter(|(k, _)| !is_string_key(k));
        context.extend(Context::from_value(view.collect()).map_err(|e| error(&e))?);
        let rendered = self.render_context(template, &context, file, 32 * 1024);
        for key in &keys {
            context.remove(key);
        }
        self.give_back(context);
        rendered
    }

    /// Renders `template` with a ready `context` (one of [`Theme::strings_context`] with
    /// the template's variables added) into a buffer of `capacity` bytes to start with.
    pub(super) fn render_context(
        &self,
        template: &str,
        context: &Context,
        file: &str,
        capacity: usize,
    ) -> Result<Vec<u8>, Error> {
        let mut out = Vec::with_capacity(capacity);
        depth::reset();
        let rendered = self.tera.render_to(template, context, &mut out);
        rendered.map_err(|e| match depth::tripped() {
            Some(d) => Error::Config(vec![d]),
            None => self.error(template, file, &e),
        })?;
        Ok(out)
    }

    /// Renders `template` with `context` into a `String`: a fragment (a card, a partial)
    /// that other files print, from a buffer of `capacity` bytes to start with.
    pub(super) fn render_fragment(
        &self,
        template: &str,
        context: &Context,
        file: &str,
        capacity: usize,
    ) -> Result<String, Error> {
        let bytes = self.render_context(template, context, file, capacity)?;
        // Tera writes only `str`s: the check passes, and the bytes are not copied.
        Ok(String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }

    /// The diagnostic of `template` failing to render `file`.
    fn error(&self, template: &str, file: &str, e: &tera::Error) -> Error {
        let path = self
            .files
            .get(template)
            .map_or_else(|| PathBuf::from("templates").join(template), PathBuf::clone);
        Error::Config(vec![Diagnostic::error(
            "template",
            path,
            crate::t!("template.render", file = file, message = chain(e)),
        )])
    }

    /// Gives back a context of [`Theme::strings_context`] for a later render.
    pub(super) fn give_back(&self, context: Context) {
        self.contexts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(context);
    }

    /// A context holding only the strings: one given back by an earlier render, or new.
    pub(super) fn strings_context(&self) -> Context {
        let kept = self
            .contexts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop();
        kept.unwrap_or_else(|| {
            let mut context = Context::new();
            context.insert("t", &self.strings.table);
            context.insert("search_strings", &self.strings.script);
            context
        })
    }
}

/// The names of the strings in every context, which a view's fields never replace.
fn is_string_key(key: &str) -> bool {
    key == "t" || key == "search_strings"
}
