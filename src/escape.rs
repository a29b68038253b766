//! Escaping text for HTML and XML: the one escaper of everything archipel writes as
//! markup (every value a template prints, the Atom feed and the sitemap, the map's SVG,
//! the dev server's error overlay), so that one rule decides what is safe to print.
//! A leaf: it uses nothing of the crate.

/// `s` escaped for HTML or XML text and for quoted attribute values: `&`, `<`, `>`, `"`
/// and `'` become entities (`&apos;`, which both HTML5 and XML know).
pub fn html(s: &str) -> String {
    // Tera calls this for every value a template prints, and most need no escaping: copy
    // the runs between special characters as slices rather than char by char.
    let mut out = String::with_capacity(s.len());
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&apos;",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out
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
}
