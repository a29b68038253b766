//! The Atom feed and the sitemap: the two outputs that speak XML to machines.

use std::fmt::Write;

use super::url;
use crate::config::Licence;
use crate::date::Date;
use crate::escape;
use crate::model::{Role, Site};

/// What the feed and the sitemap show, gathered before either is written: an
/// incremental rebuild (#4) compares its hash with the previous build's.
#[derive(Hash)]
pub struct FeedView<'a> {
    /// `YYYY-MM-DD` of the build: an undated page's entry carries it.
    today: String,
    title: &'a str,
    author: &'a str,
    base_url: &'a str,
    licence: Option<&'a Licence>,
    /// The feed's entries: the newest pages (by last change, else publication), undated
    /// pages after dated ones, in file order.
    feed: Vec<Entry<'a>>,
    /// The sitemap's entries: every page and every kind's list.
    sitemap: Vec<Entry<'a>>,
}

/// The feed and sitemap of `site`.
pub fn view(site: &Site) -> FeedView<'_> {
    let mut pages: Vec<usize> = (0..site.pages.len())
        .filter(|&i| site.pages[i].role != Role::Home)
        .collect();
    let key = |i: usize| site.pages[i].updated.or(site.pages[i].date);
    pages.sort_by(|&a, &b| key(b).cmp(&key(a)).then(a.cmp(&b)));
    let feed = pages
        .iter()
        .take(site.config.site.feed_size)
        .map(|&i| entry(site, i))
        .collect();
    let mut sitemap: Vec<Entry<'_>> = (0..site.pages.len()).map(|i| entry(site, i)).collect();
    for kind in &site.config.kinds {
        sitemap.push(Entry {
            title: "",
            url: format!("{}/", kind.dir),
            date: None,
            updated: None,
            summary: "",
        });
    }
    FeedView {
        today: crate::date::today(),
        title: &site.config.site.title,
        author: &site.config.site.author,
        base_url: &site.config.site.base_url,
        licence: site.config.licence.as_ref(),
        feed,
        sitemap,
    }
}

impl FeedView<'_> {
    /// The site's Atom feed.
    pub fn atom(&self) -> String {
        let head = Head {
            title: self.title,
            author: self.author,
            base_url: self.base_url,
            licence: self.licence,
            today: &self.today,
        };
        atom(&head, &self.feed)
    }

    /// The site's sitemap.
    pub fn sitemap(&self) -> String {
        sitemap(self.base_url, &self.sitemap)
    }
}

fn entry(site: &Site, i: usize) -> Entry<'_> {
    let p = &site.pages[i];
    Entry {
        title: &p.title,
        url: url::online_path(&url::page_file(&p.id)),
        date: p.date,
        updated: p.updated,
        summary: &p.summary,
    }
}

/// One entry of the feed or the sitemap.
#[derive(Hash)]
pub struct Entry<'a> {
    /// The page title.
    pub title: &'a str,
    /// The URL relative to the site root.
    pub url: String,
    /// The publication date, if known.
    pub date: Option<Date>,
    /// The date of the last change, if known.
    pub updated: Option<Date>,
    /// The summary.
    pub summary: &'a str,
}

fn timestamp(day: &str) -> String {
    format!("{day}T00:00:00Z")
}

/// The site-wide values of a feed.
pub struct Head<'a> {
    /// The site title.
    pub title: &'a str,
    /// Who the feed names as its author.
    pub author: &'a str,
    /// The site's absolute URL, ending in `/`.
    pub base_url: &'a str,
    /// The content's licence, if stated.
    pub licence: Option<&'a Licence>,
    /// `YYYY-MM-DD` of the build (`SOURCE_DATE_EPOCH` when set): the `<updated>` of an
    /// undated page, since Atom requires one. It is the latest a change can have been.
    pub today: &'a str,
}

/// An Atom feed of `entries` (newest first), valid under RFC 4287: ids and links are
/// absolute (`base_url` + the page's address), and the feed has an author. Atom wants a full time stamp: a month or a year stands
/// for its first day, an undated page for the day of the build.
pub fn atom(head: &Head<'_>, entries: &[Entry<'_>]) -> String {
    let stamp = |e: &Entry<'_>| {
        e.updated
            .or(e.date)
            .map_or_else(|| head.today.to_string(), Date::first_day)
    };
    let updated = entries
        .iter()
        .map(stamp)
        .max()
        .map_or_else(|| timestamp(head.today), |d| timestamp(&d));
    let base = escape::html(head.base_url);
    let mut out = String::new();
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>{}</title>\n  <id>{base}</id>\n  <updated>{updated}</updated>\n  <author><name>{}</name></author>\n  <link rel=\"self\" href=\"{base}{}\"/>\n  <link rel=\"alternate\" href=\"{base}\"/>\n",
        escape::html(head.title),
        escape::html(head.author),
        url::FEED_FILE
    );
    if let Some(licence) = head.licence {
        out.push_str(&rights(licence));
    }
    out.push_str("  <generator>archipel</generator>\n");
    for e in entries {
        let stamp = timestamp(&stamp(e));
        let url = escape::html(&format!("{}{}", head.base_url, e.url));
        let _ = writeln!(
            out,
            "  <entry>\n    <title>{}</title>\n    <link href=\"{url}\"/>\n    <id>{url}</id>\n    <updated>{stamp}</updated>\n    <summary>{}</summary>\n  </entry>",
            escape::html(e.title),
            escape::html(e.summary)
        );
    }
    out.push_str("</feed>\n");
    out
}

/// The feed's `<rights>` (the licence's name, address and notice as text) and, when the
/// licence has an address, a `license` link (RFC 4946).
fn rights(licence: &Licence) -> String {
    let mut text = licence.name.clone();
    for part in [&licence.url, &licence.notice] {
        if !part.is_empty() {
            text.push_str(" — ");
            text.push_str(part);
        }
    }
    let mut out = format!("  <rights>{}</rights>\n", escape::html(&text));
    if !licence.url.is_empty() {
        let _ = writeln!(
            out,
            "  <link rel=\"license\" href=\"{}\"/>",
            escape::html(&licence.url)
        );
    }
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
            escape::html(&format!("{base_url}{}", e.url))
        );
        // W3C datetime, which a sitemap's lastmod is, allows `YYYY` and `YYYY-MM`.
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
            date: Date::parse("2024-09-01"),
            updated: None,
            summary: "<s>",
        };
        let head = Head {
            title: "T",
            author: "Le réseau",
            base_url: "https://e.org/g/",
            licence: None,
            today: "2026-01-01",
        };
        let feed = atom(&head, &[e]);
        assert!(feed.contains("<title>A &amp; B</title>"));
        assert!(feed.contains("<id>https://e.org/g/x/</id>"));
        assert!(feed.contains(r#"<link href="https://e.org/g/x/"/>"#));
        assert!(feed.contains(r#"<link rel="self" href="https://e.org/g/atom.xml"/>"#));
        assert!(feed.contains("<author><name>Le réseau</name></author>"));
        assert!(feed.contains("<updated>2024-09-01T00:00:00Z</updated>"));
        assert!(feed.contains("<summary>&lt;s&gt;</summary>"));
    }
}
