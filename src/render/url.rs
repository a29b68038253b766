//! The URL scheme, in one place: which file each output lives in, and the relative
//! `href` from one output file to another. Every link archipel writes goes through
//! [`href`], online and offline, so a site works under any sub-path and from `file://`.

/// The output file of a content page (`""` is the home page).
pub fn page_file(id: &str) -> String {
    if id.is_empty() {
        "index.html".into()
    } else {
        format!("{id}/index.html")
    }
}

/// The output file of a kind's list page.
pub fn kind_file(dir: &str) -> String {
    format!("{dir}/index.html")
}

/// Page `n` (from 1) of the list whose first page is `first` (`<dir>/index.html`): page
/// 1 is `first` itself, page `n` is `<dir>/page/<n>/index.html`.
pub fn paged_file(first: &str, n: usize) -> String {
    match (n, first.strip_suffix("index.html")) {
        (0 | 1, _) | (_, None) => first.to_string(),
        (_, Some(dir)) => format!("{dir}page/{n}/index.html"),
    }
}

/// The tag index.
pub const TAGS_FILE: &str = "tags/index.html";

/// The output file of a tag's page.
pub fn tag_file(id: &str) -> String {
    format!("tags/{id}/index.html")
}

/// The search page.
pub const SEARCH_FILE: &str = "search/index.html";
/// The map of the guide.
pub const MAP_FILE: &str = "carte/index.html";
/// The page that holds the whole guide, for printing.
pub const PRINT_FILE: &str = "print/index.html";
/// The page shown for unknown URLs.
pub const NOT_FOUND_FILE: &str = "404.html";
/// The search index script.
pub const SEARCH_INDEX_FILE: &str = "search-index.js";
/// The Atom feed.
pub const FEED_FILE: &str = "atom.xml";
/// The sitemap.
pub const SITEMAP_FILE: &str = "sitemap.xml";

/// `%XX` escapes decoded; `None` for a `%` not followed by two hexadecimal digits, or
/// bytes that are not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// `text` with every character whose UTF-8 bytes `keep` does not all accept written as
/// `%XX` escapes of its bytes.
pub(crate) fn percent_encode(text: &str, keep: impl Fn(u8) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut buf = [0; 4];
    for c in text.chars() {
        let bytes = c.encode_utf8(&mut buf).as_bytes();
        if bytes.iter().all(|&b| keep(b)) {
            out.push(c);
        } else {
            for b in bytes {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// The bytes a URL path cannot hold as they are: controls and ` "#%<>?\^`{|}'`.
const ESCAPED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = b < 0x20 || b == 0x7f;
        b += 1;
    }
    let special = b" \"#%<>?\\^`{|}'";
    let mut i = 0;
    while i < special.len() {
        table[special[i] as usize] = true;
        i += 1;
    }
    table
};

/// A file path as it may stand in an `href`: the characters a URL path cannot hold
/// (space, `#`, `?`, `%`, quotes, controls) escaped, letters of any script kept.
pub(crate) fn encode_path(path: &str) -> std::borrow::Cow<'_, str> {
    let keep = |b: u8| !ESCAPED[usize::from(b)];
    if path.bytes().all(keep) {
        return path.into();
    }
    percent_encode(path, keep).into()
}

/// `../` once for each directory of output file `from`, followed by `parts`; `./` when
/// that is empty. One allocation: links are made for every entry of every list.
fn relative(from: &str, parts: &[&str]) -> String {
    let ups = from.bytes().filter(|&b| b == b'/').count();
    let len: usize = parts.iter().map(|p| p.len()).sum();
    if ups == 0 && len == 0 {
        return "./".into();
    }
    let mut out = String::with_capacity(3 * ups + len);
    for _ in 0..ups {
        out.push_str("../");
    }
    for part in parts {
        out.push_str(part);
    }
    out
}

/// The relative link from output file `from` to output file `to`. Online links to an
/// `index.html` stop at its directory; offline links always name the file, so that a copy
/// opened from `file://` never lands on a directory listing.
pub fn href(from: &str, to: &str, offline: bool) -> String {
    let target = if offline {
        to
    } else if to == "index.html" {
        ""
    } else {
        to.strip_suffix("/index.html")
            .map_or(to, |dir| &to[..dir.len() + 1])
    };
    relative(from, &[&encode_path(target)])
}

/// The link from output file `from` to page `id`: `href(from, &page_file(id), offline)`
/// without making the file's name first.
pub fn page_href(from: &str, id: &str, offline: bool) -> String {
    let tail = match (id.is_empty(), offline) {
        (true, false) => "",
        (true, true) => "index.html",
        (false, false) => "/",
        (false, true) => "/index.html",
    };
    relative(from, &[&encode_path(id), tail])
}

/// The address of output file `file` online, from the site root: `fiches/x/`, `tags/`,
/// `atom.xml`, or `` for the home page (never `./`, so that `base_url` + it is a URL).
pub fn online_path(file: &str) -> String {
    match href("index.html", file, false) {
        home if home == "./" => String::new(),
        path => path,
    }
}

/// The prefix that leads from output file `from` to the site root (`""` or `../../`).
pub fn root(from: &str) -> String {
    "../".repeat(from.matches('/').count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encode_escapes_whole_characters() {
        let ascii = |b: u8| (0x20..0x7f).contains(&b);
        assert_eq!(percent_encode("a é/\n", ascii), "a %C3%A9/%0A");
        assert_eq!(percent_encode("é", |b| b != 0xA9), "%C3%A9");
        assert_eq!(percent_encode("é b", |b| b != b' '), "é%20b");
    }

    #[test]
    fn online_hrefs_are_relative_directories() {
        let from = page_file("temoignages/a");
        assert_eq!(
            href(&from, &page_file("fiches-outils/b"), false),
            "../../fiches-outils/b/"
        );
        assert_eq!(href(&from, &page_file(""), false), "../../");
        assert_eq!(href("index.html", &page_file(""), false), "./");
        assert_eq!(
            href("index.html", &kind_file("temoignages"), false),
            "temoignages/"
        );
        assert_eq!(href("index.html", "style.css", false), "style.css");
        assert_eq!(href(&tag_file("x"), "style.css", false), "../../style.css");
    }

    #[test]
    fn offline_hrefs_name_files() {
        let from = page_file("temoignages/a");
        assert_eq!(
            href(&from, &page_file("fiches-outils/b"), true),
            "../../fiches-outils/b/index.html"
        );
        assert_eq!(href(&from, &page_file(""), true), "../../index.html");
        assert_eq!(href("index.html", &page_file(""), true), "index.html");
        assert_eq!(root(&from), "../../");
    }

    #[test]
    fn file_names_are_escaped_in_hrefs_and_decoded_back() {
        let href = href("a/index.html", "img/mon image #1?.svg", false);
        assert_eq!(href, "../img/mon%20image%20%231%3F.svg");
        assert_eq!(
            percent_decode("img/mon%20image%20%231%3F.svg").as_deref(),
            Some("img/mon image #1?.svg")
        );
        assert_eq!(super::href("index.html", "été.svg", false), "été.svg");
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%C3"), None);
    }

    #[test]
    fn page_links_are_links_to_page_files() {
        for from in ["index.html", "a/index.html", "a/b c/index.html"] {
            for id in ["", "fiches/x", "fiches/été #1", "a?b"] {
                for offline in [false, true] {
                    assert_eq!(
                        page_href(from, id, offline),
                        href(from, &page_file(id), offline),
                        "{from} {id} {offline}"
                    );
                }
            }
        }
    }

    #[test]
    fn online_paths_start_at_the_root() {
        assert_eq!(online_path(&page_file("")), "");
        assert_eq!(online_path(&page_file("temoignages/a")), "temoignages/a/");
        assert_eq!(online_path(TAGS_FILE), "tags/");
        assert_eq!(online_path(FEED_FILE), "atom.xml");
    }

    #[test]
    fn later_pages_of_a_list_are_under_its_directory() {
        let first = kind_file("temoignages");
        assert_eq!(paged_file(&first, 1), first);
        assert_eq!(paged_file(&first, 2), "temoignages/page/2/index.html");
        assert_eq!(paged_file(&tag_file("x"), 12), "tags/x/page/12/index.html");
        assert_eq!(
            href(&paged_file(&first, 3), &paged_file(&first, 2), false),
            "../../../temoignages/page/2/"
        );
        assert_eq!(
            href(&paged_file(&first, 2), &first, true),
            "../../../temoignages/index.html"
        );
    }
}
