//! Message catalogs: every text archipel says to the people who write the site
//! (diagnostics' messages and fixes, summary lines, the dev server's terminal lines and
//! error overlay), in the site's language (#13).
//!
//! The catalogs are `catalog/en.toml` and `catalog/fr.toml`, compiled in: one flat table
//! of keys to texts whose `{name}` placeholders are filled from a [`Text`]'s arguments.
//! A diagnostic's message is keyed by its code (`unknown-tag`), or by its code and a
//! variant when one code has several messages (`unknown-field.required`); its fix by the
//! same key plus `.help`. Codes, JSON field names and the GitHub annotation format never
//! change with the language; only the texts do.
//!
//! To add a diagnostic code: add its key (and `.help` key) to both catalogs, then build
//! the diagnostic with `Diagnostic::error("my-code", path, t!("my-code", name = value))`
//! and `.help(t!("my-code.help"))`. `tests::every_key_is_translated` fails while the
//! French catalog lacks the key or repeats the English text, and `tests/cli/i18n.rs`
//! pins the French text of each code.

use std::collections::HashMap;
use std::sync::LazyLock;

/// A language with a catalog.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English: the language of codes, and the fallback for a missing text.
    #[default]
    En,
    /// French, the guide's language.
    Fr,
}

impl Lang {
    /// The catalog for a language code (`fr`, `fr-FR`, `en`…); English for the others.
    pub fn from_code(code: &str) -> Lang {
        match code
            .split(['-', '_'])
            .next()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("fr") => Lang::Fr,
            _ => Lang::En,
        }
    }

    /// The language of messages for the site at `root`: `--lang` when given, else the
    /// `ARCHIPEL_LANG` environment variable, else the site's top-level `language` in
    /// `archipel.toml` (read leniently, so that a broken configuration is still reported
    /// in its language), else French, archipel's default site language.
    pub fn choose(flag: Option<&str>, root: &std::path::Path) -> Lang {
        if let Some(code) = flag {
            return Lang::from_code(code);
        }
        if let Some(code) = std::env::var("ARCHIPEL_LANG")
            .ok()
            .filter(|c| !c.is_empty())
        {
            return Lang::from_code(&code);
        }
        let text = std::fs::read_to_string(root.join("archipel.toml")).unwrap_or_default();
        let language = text
            .lines()
            .take_while(|l| !l.trim_start().starts_with('['))
            .filter_map(|l| l.split_once('='))
            .find(|(key, _)| key.trim() == "language")
            .map(|(_, value)| value.trim().trim_matches('"').to_string());
        Lang::from_code(language.as_deref().unwrap_or("fr"))
    }

    fn catalog(self) -> &'static HashMap<String, String> {
        match self {
            Lang::En => &EN,
            Lang::Fr => &FR,
        }
    }
}

static EN: LazyLock<HashMap<String, String>> =
    LazyLock::new(|| parse(include_str!("catalog/en.toml")));
static FR: LazyLock<HashMap<String, String>> =
    LazyLock::new(|| parse(include_str!("catalog/fr.toml")));

fn parse(text: &str) -> HashMap<String, String> {
    // The catalogs are compiled in and tested: a syntax error cannot reach a user.
    toml::from_str(text).unwrap_or_default()
}

/// A text to show, rendered in a language when it is shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Text {
    /// A catalog key and the values of its placeholders, themselves texts rendered in
    /// the same language.
    Key(&'static str, Vec<(&'static str, Text)>),
    /// A text that is the same in every language (a parser's own message, a path).
    Plain(String),
}

impl Text {
    /// The text in `lang`: the catalog's, else English's, else the key itself.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            Text::Plain(s) => s.clone(),
            Text::Key(key, args) => {
                let template = lang
                    .catalog()
                    .get(*key)
                    .or_else(|| Lang::En.catalog().get(*key))
                    .map_or(*key, String::as_str);
                let mut out = template.to_string();
                for (name, value) in args {
                    out = out.replace(&format!("{{{name}}}"), &value.render(lang));
                }
                out
            }
        }
    }
}

/// Whether `lang`'s catalog has a message for the diagnostic code `code` (the code
/// itself, or one of its variants `code.variant`).
pub fn knows(lang: Lang, code: &str) -> bool {
    lang.catalog().keys().any(|k| {
        k == code
            || k.strip_prefix(code)
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

/// A catalog text with its placeholders filled.
pub fn tr(lang: Lang, key: &'static str, args: &[(&'static str, String)]) -> String {
    let args = args.iter().map(|(n, v)| (*n, Text::Plain(v.clone())));
    Text::Key(key, args.collect()).render(lang)
}

/// A value for a placeholder of [`t!`]: a [`Text`], rendered in the message's language,
/// or anything displayable, the same in every language (a path, a number).
pub trait Arg {
    /// The value as a text.
    fn to_arg(&self) -> Text;
}

impl Arg for Text {
    fn to_arg(&self) -> Text {
        self.clone()
    }
}

impl<T: std::fmt::Display + ?Sized> Arg for T {
    fn to_arg(&self) -> Text {
        Text::Plain(self.to_string())
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text::Plain(s)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text::Plain(s.to_string())
    }
}

/// `t!("key", name = value, …)`: a catalog [`Text`] with its arguments, each a [`Text`]
/// or a displayable value (see [`Arg`]).
#[macro_export]
macro_rules! t {
    ($key:expr $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::diag::Text::Key($key, vec![$((stringify!($name), $crate::diag::catalog::Arg::to_arg(&$value))),*])
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts that are the same in both languages on purpose (proper nouns, syntax).
    const SAME_IN_BOTH: [&str; 2] = ["origin.at", "origin.in"];

    #[test]
    fn every_key_is_translated() {
        let (en, fr) = (&*EN, &*FR);
        assert!(en.len() > 50, "the English catalog parses");
        let mut problems = Vec::new();
        for (key, text) in en {
            match fr.get(key) {
                None => problems.push(format!("{key}: missing in fr.toml")),
                Some(t) if t == text && !SAME_IN_BOTH.contains(&key.as_str()) => {
                    problems.push(format!("{key}: untranslated in fr.toml"))
                }
                Some(t) => {
                    // The same placeholders on both sides.
                    for (i, _) in text.match_indices('{') {
                        let name = &text[i..=i + text[i..].find('}').unwrap_or(0)];
                        if !t.contains(name) {
                            problems.push(format!("{key}: fr.toml lacks {name}"));
                        }
                    }
                }
            }
        }
        problems.extend(
            fr.keys()
                .filter(|k| !en.contains_key(*k))
                .map(|k| format!("{k}: only in fr.toml")),
        );
        problems.sort();
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn texts_fill_their_placeholders_and_fall_back_to_english() {
        let text = crate::t!("unknown-tag", tag = "conflits");
        assert_eq!(text.render(Lang::En), "unknown tag `conflits`");
        assert_eq!(text.render(Lang::Fr), "thème inconnu `conflits`");
        // A text as an argument is rendered in the same language.
        let nested = crate::t!("origin.in", what = crate::t!("origin.page"), file = "a.md");
        assert_eq!(nested.render(Lang::En), "the page (a.md)");
        assert_eq!(nested.render(Lang::Fr), "la page (a.md)");
        assert_eq!(
            Text::Key("no-such-key", vec![]).render(Lang::Fr),
            "no-such-key"
        );
        assert_eq!(Lang::from_code("fr-CA"), Lang::Fr);
        assert_eq!(Lang::from_code("de"), Lang::En);
    }
}
