//! Escaping text for HTML and XML: the one escaper of everything archipel writes as
//! markup (every value a template prints, the Atom feed and the sitemap, the map's SVG,
//! the dev server's error overlay), so that one rule decides what is safe to print.
//! A leaf: it uses nothing of the crate.

/// `s` escaped for HTML or XML text and for quoted attribute values: `&`, `<`, `>`, `"`
/// and `'` become entities (`&apos;`, which both HTML5 and XML know).
pub fn html(s: &str) -> String {
    // Tera calls this for every value a template prints, and most need no escaping: copy
    // the runs between special characters as slices, skipping eight bytes at a time.
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8) {
            let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
            if !has_special(word) {
                i += 8;
                continue;
            }
        }
        let entity = match bytes[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&apos;",
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[start..i]);
        out.push_str(entity);
        i += 1;
        start = i;
    }
    out.push_str(&s[start..]);
    out
}

/// Whether any of the eight bytes of `word` is one that [`html`] replaces: a byte equal
/// to `b` is a zero byte of `word ^ (b in every byte)`, which the classic bit trick finds.
fn has_special(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    [b'&', b'<', b'>', b'"', b'\''].iter().fold(0, |found, &b| {
        found | zero_byte(word ^ (ONES * u64::from(b)))
    }) != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_special_character_and_keeps_the_rest() {
        assert_eq!(
            html(r#"Été <b>"ça" & l'œuvre</b>"#),
            "Été &lt;b&gt;&quot;ça&quot; &amp; l&apos;œuvre&lt;/b&gt;"
        );
        assert_eq!(html("sans rien"), "sans rien");
        assert_eq!(html("&"), "&amp;");
        assert_eq!(html(""), "");
    }

    /// Eight bytes at a time must not miss a special character at any place of a chunk,
    /// nor in the bytes after the last whole chunk.
    #[test]
    fn finds_special_characters_at_every_position() {
        let naive = |s: &str| -> String {
            s.chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&apos;".to_string(),
                    c => c.to_string(),
                })
                .collect()
        };
        for len in 0..24 {
            for at in 0..len {
                for special in ['&', '<', '>', '"', '\'', 'é', '%', '\u{80}'] {
                    let mut s: String = "abcdéfghijklmnopqrstuvwxyz".chars().take(len).collect();
                    let cut = s.char_indices().nth(at).map_or(s.len(), |(i, _)| i);
                    s.insert(cut, special);
                    s.push(special);
                    assert_eq!(html(&s), naive(&s), "{s:?}");
                }
            }
        }
    }
}
