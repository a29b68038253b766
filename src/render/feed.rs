//! The Atom feed and the sitemap: the two outputs that speak XML to machines.

use std::fmt::Write;

/// One entry of the feed or the sitemap.
pub struct Entry<'a> {
    /// The page title.
    pub title: &'a str,
    /// The URL relative to the site root.
    pub url: String,
    /// `YYYY-MM-DD` of publication, if known.
    pub date: Option<&'a str>,
    /// `YYYY-MM-DD` of the last change, if known.
    pub updated: Option<&'a str>,
    /// The summary.
    pub summary: &'a str,
}

/// Escapes text for XML and HTML content and quoted attributes.
pub fn xml_escape(s: &str) -> String {
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

fn timestamp(date: &str) -> String {
    format!("{date}T00:00:00Z")
}

/// An Atom feed of `entries` (newest first). Links are relative to the feed's own URL,
/// which Atom allows, so the feed works under any sub-path; `base_url`, when set, is
/// also given as the feed's id.
pub fn atom(title: &str, base_url: &str, entries: &[Entry<'_>]) -> String {
    let updated = entries
        .iter()
        .filter_map(|e| e.updated.or(e.date))
        .max()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), timestamp);
    let id = if base_url.is_empty() {
        "./".to_string()
    } else {
        base_url.to_string()
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>{}</title>\n  <id>{}</id>\n  <updated>{updated}</updated>\n  <link rel=\"self\" href=\"atom.xml\"/>\n  <link rel=\"alternate\" href=\"./\"/>\n  <generator>archipel</generator>\n",
        xml_escape(title),
        xml_escape(&id)
    );
    for e in entries {
        let stamp = e
            .updated
            .or(e.date)
            .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), timestamp);
        let url = xml_escape(&e.url);
        let id = if base_url.is_empty() {
            url.clone()
        } else {
            xml_escape(&format!("{base_url}{}", e.url))
        };
        let _ = writeln!(
            out,
            "  <entry>\n    <title>{}</title>\n    <link href=\"{url}\"/>\n    <id>{id}</id>\n    <updated>{stamp}</updated>\n    <summary>{}</summary>\n  </entry>",
            xml_escape(e.title),
            xml_escape(e.summary)
        );
    }
    out.push_str("</feed>\n");
    out
}

/// A sitemap of `entries`; sitemaps need absolute URLs, so `base_url` must be set.
pub fn sitemap(base_url: &str, entries: &[Entry<'_>]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for e in entries {
        let _ = write!(
            out,
            "  <url><loc>{}</loc>",
            xml_escape(&format!("{base_url}{}", e.url))
        );
        if let Some(d) = e.updated.or(e.date) {
            let _ = write!(out, "<lastmod>{d}</lastmod>");
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_escapes_and_dates() {
        let e = Entry {
            title: "A & B",
            url: "x/".into(),
            date: Some("2024-09-01"),
            updated: None,
            summary: "<s>",
        };
        let feed = atom("T", "https://e.org/g/", &[e]);
        assert!(feed.contains("<title>A &amp; B</title>"));
        assert!(feed.contains("<id>https://e.org/g/x/</id>"));
        assert!(feed.contains("<updated>2024-09-01T00:00:00Z</updated>"));
        assert!(feed.contains("<summary>&lt;s&gt;</summary>"));
    }

    #[test]
    fn escapes_every_special_character_and_keeps_the_rest() {
        assert_eq!(
            xml_escape(r#"Été <b>"ça" & l'œuvre</b>"#),
            "Été &lt;b&gt;&quot;ça&quot; &amp; l&apos;œuvre&lt;/b&gt;"
        );
        assert_eq!(xml_escape("sans rien"), "sans rien");
        assert_eq!(xml_escape("&"), "&amp;");
        assert_eq!(xml_escape(""), "");
    }
}
