//! Text folding and slugs: French titles to URL-safe identifiers.
//!
//! A leaf module shared by the model (valid file names), `new` (file names from titles),
//! Markdown (heading ids) and search (accent-insensitive terms). It uses nothing of ours.

/// Whether `s` is a slug: lowercase ASCII letters, digits and single inner `-`.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Turns a title into a slug: accents folded, case lowered, everything else a `-`.
pub fn slugify(title: &str) -> String {
    let mut slug = String::with_capacity(title.len());
    let mut push = |c: char| {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    };
    for c in title.chars() {
        // ASCII needs no folding (the apostrophe folds to a space, a `-` either way).
        match c.is_ascii() {
            true => push(c),
            false => fold_char(c).for_each(&mut push),
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

/// Folds one character to its unaccented ASCII form where French needs it.
pub fn fold_char(c: char) -> impl Iterator<Item = char> {
    let folded: &str = match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => "a",
        'À' | 'Á' | 'Â' | 'Ä' | 'Ã' | 'Å' => "A",
        'ç' => "c",
        'Ç' => "C",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'È' | 'É' | 'Ê' | 'Ë' => "E",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'Ì' | 'Í' | 'Î' | 'Ï' => "I",
        'ñ' => "n",
        'Ñ' => "N",
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Ö' | 'Õ' => "O",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'Ù' | 'Ú' | 'Û' | 'Ü' => "U",
        'ÿ' => "y",
        'Ÿ' => "Y",
        'œ' => "oe",
        'Œ' => "OE",
        'æ' => "ae",
        'Æ' => "AE",
        '’' | '\'' => " ",
        _ => "",
    };
    let single = folded.is_empty().then_some(c);
    single.into_iter().chain(folded.chars())
}

/// Lowercases and folds accents of a whole text (`Coopération` → `cooperation`).
///
/// Runs of ASCII (most of a French text) are copied at once and lowercased in place:
/// a per-character loop was the top symbol of a 10,000-page build, where every page's
/// text is folded for the search index (16% of its CPU time, see benches/README.md).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..]
            .iter()
            .position(|&b| !b.is_ascii() || b == b'\'')
            .map_or(bytes.len(), |n| i + n);
        let start = out.len();
        out.push_str(&text[i..run]);
        out[start..].make_ascii_lowercase();
        i = run;
        if let Some(c) = text[i..].chars().next() {
            out.extend(fold_char(c).flat_map(char::to_lowercase));
            i += c.len_utf8();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_folds_french() {
        assert_eq!(
            slugify("Coopération : l'œuvre d'Évry !"),
            "cooperation-l-oeuvre-d-evry"
        );
        assert_eq!(slugify("  Ça marche — ou pas ?  "), "ca-marche-ou-pas");
        assert_eq!(slugify("Fiche n°3"), "fiche-n-3");
        assert!(is_slug("fiche-3"));
        assert!(!is_slug("Fiche-3"));
        assert!(!is_slug("a--b"));
    }

    /// The premise of slugify's ASCII path: folding leaves ASCII as it is, but for the
    /// apostrophe, whose space makes the same `-`.
    #[test]
    fn folding_leaves_ascii_alone_but_the_apostrophe() {
        for c in (0..128u8).map(char::from) {
            let folded: String = fold_char(c).collect();
            let expected = if c == '\'' {
                " ".to_string()
            } else {
                c.to_string()
            };
            assert_eq!(folded, expected);
        }
        assert_eq!(slugify("l'été"), slugify("l ete"));
    }

    #[test]
    fn fold_lowercases_and_strips_accents() {
        assert_eq!(fold("COOPÉRATION Œuvre"), "cooperation oeuvre");
        assert_eq!(fold("A'B'é'C l’été"), "a b e c l ete");
        assert_eq!(fold("Straße İ ǅ 3×4"), "straße i̇ ǆ 3×4");
    }
}
