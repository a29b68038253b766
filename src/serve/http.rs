//! The HTTP side of the dev server: maps request paths to files of the output directory,
//! and nothing else, with content types, `index.html` for directories, the site's 404
//! page, HEAD, and the event stream of live reload.
//!
//! A path is refused before it touches the disk when, once percent-decoded, it holds a
//! `..` segment, a backslash, a NUL or a drive letter; a file is served only when its
//! canonical path (symbolic links resolved) still lies inside the output directory.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, ResponseBox, StatusCode};

use super::reload::{self, EVENTS_PATH, Hub};

/// How often an idle event stream gets a comment, to notice closed pages.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// Why a request path was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum BadPath {
    /// Not an origin-form path (`/...`).
    NotAbsolute,
    /// A `%` escape that is not two hexadecimal digits, or bytes that are not UTF-8.
    BadEncoding,
    /// A `..` segment, a backslash, a NUL or a drive letter.
    Escapes,
}

/// The decoded segments of a request target's path, without the query and fragment.
/// Empty segments and `.` are dropped; the result never leaves the directory it is
/// joined to.
pub fn segments(target: &str) -> Result<Vec<String>, BadPath> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return Err(BadPath::NotAbsolute);
    }
    let decoded = crate::render::url::percent_decode(path).ok_or(BadPath::BadEncoding)?;
    let mut out = Vec::new();
    for segment in decoded.split('/') {
        if segment.contains(['\\', '\0']) || segment.contains(':') {
            return Err(BadPath::Escapes);
        }
        match segment {
            "" | "." => {}
            ".." => return Err(BadPath::Escapes),
            s => out.push(s.to_string()),
        }
    }
    Ok(out)
}

/// The `Content-Type` of a file, from its extension.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// What the server knows to answer requests.
pub struct Site<'a> {
    /// The output directory, canonical, or `None` while no build has succeeded.
    pub out: Option<&'a Path>,
    /// Live-reload state.
    pub hub: &'a Hub,
    /// Held for reading while the output is looked into (a rebuild holds it for writing).
    pub commits: &'a std::sync::RwLock<()>,
    /// Called when the output directory or its marker is gone.
    pub vanished: &'a (dyn Fn() + Sync),
}

/// Answers one request. Errors writing the answer (a closed connection) are ignored.
pub fn handle(request: Request, site: &Site<'_>) {
    let method = request.method().clone();
    if method != Method::Get && method != Method::Head {
        let _ = request.respond(
            text(405, "Méthode non permise.\n")
                .with_header(header("Allow", "GET, HEAD"))
                .with_header(header("Content-Type", "text/plain; charset=utf-8")),
        );
        return;
    }
    let target = request.url().to_string();
    if target.split('?').next() == Some(EVENTS_PATH) {
        events(request, site.hub);
        return;
    }
    let segments = match segments(&target) {
        Ok(s) => s,
        Err(_) => {
            let _ = request.respond(
                text(400, "Chemin refusé.\n")
                    .with_header(header("Content-Type", "text/plain; charset=utf-8")),
            );
            return;
        }
    };
    let slash = target.split(['?', '#']).next().unwrap_or("").ends_with('/');
    let reading = site.commits.read().unwrap_or_else(|e| e.into_inner());
    if site
        .out
        .is_some_and(|out| !out.join(crate::output::MARKER).is_file())
    {
        (site.vanished)();
    }
    let response = match site.out.and_then(|out| find(out, &segments, slash)) {
        Some(Found::File(path)) => file(&path, site.hub),
        Some(Found::Directory) => {
            let query = target
                .split_once('?')
                .map_or(String::new(), |(_, q)| format!("?{q}"));
            text(301, "")
                .with_header(header("Location", &directory_location(&segments, &query)))
                .boxed()
        }
        None => not_found(site).boxed(),
    };
    drop(reading);
    let _ = request.respond(response);
}

/// Where a directory asked for without its slash is: built from the decoded segments,
/// so that it always starts with a single `/` (`//host/x` would send the browser to
/// another site).
fn directory_location(segments: &[String], query: &str) -> String {
    let mut location = String::from("/");
    for segment in segments {
        location.push_str(&crate::render::url::encode_path(segment));
        location.push('/');
    }
    location.push_str(query);
    ascii(&location)
}

enum Found {
    File(PathBuf),
    /// A directory asked for without its trailing slash.
    Directory,
}

/// The file under `out` that `segments` name, if it exists inside `out`; `slash` tells
/// whether the request path ended with `/`.
fn find(out: &Path, segments: &[String], slash: bool) -> Option<Found> {
    let mut path = out.to_path_buf();
    path.extend(segments);
    let real = inside(out, &path)?;
    if real.is_dir() {
        // A page's relative links only work from its directory URL, with the slash.
        if !segments.is_empty() && !slash {
            return Some(Found::Directory);
        }
        let index = inside(out, &real.join("index.html"))?;
        return index.is_file().then_some(Found::File(index));
    }
    real.is_file().then_some(Found::File(real))
}

/// The canonical form of `path` when it exists and lies inside `out` (which is
/// canonical): a symbolic link pointing out of the output is not followed.
fn inside(out: &Path, path: &Path) -> Option<PathBuf> {
    let real = path.canonicalize().ok()?;
    real.starts_with(out).then_some(real)
}

/// A file of the output. Pages are read to add the live-reload script; other files are
/// streamed from the open file (which stays readable even if a rebuild replaces it).
fn file(path: &Path, hub: &Hub) -> ResponseBox {
    let kind = content_type(path);
    let response = if kind.starts_with("text/html") {
        std::fs::read(path).map(|bytes| {
            Response::from_data(reload::inject(&bytes, hub.failure().as_deref())).boxed()
        })
    } else {
        std::fs::File::open(path).map(|f| Response::from_file(f).boxed())
    };
    match response {
        Ok(response) => response
            .with_header(header("Content-Type", kind))
            .with_header(header("Cache-Control", "no-cache")),
        // Deleted between the lookup and the read, by a rebuild.
        Err(_) => text(404, "Page introuvable.\n").boxed(),
    }
}

/// The site's own 404 page with status 404, or a short page when the site has none.
fn not_found(site: &Site<'_>) -> Response<std::io::Cursor<Vec<u8>>> {
    let page = site
        .out
        .and_then(|out| std::fs::read(out.join("404.html")).ok());
    let html = match page {
        Some(bytes) => with_root_base(&bytes),
        None => b"<!DOCTYPE html><html lang=\"fr\"><meta charset=\"utf-8\"><title>Page introuvable</title><body><p>Page introuvable.</p></body></html>".to_vec(),
    };
    Response::from_data(reload::inject(&html, site.hub.failure().as_deref()))
        .with_status_code(404)
        .with_header(header("Content-Type", "text/html; charset=utf-8"))
        .with_header(header("Cache-Control", "no-cache"))
}

/// The 404 page with `<base href="/">`: it is served at any depth, and its relative
/// links must start from the root of the served site, not from a published base URL.
fn with_root_base(page: &[u8]) -> Vec<u8> {
    let mut out = page.to_vec();
    if let Some(start) = find_ignore_case(&out, b"<base ")
        && let Some(len) = out[start..].iter().position(|&b| b == b'>')
    {
        out.drain(start..=start + len);
    }
    if let Some(at) = find_ignore_case(&out, b"<head>") {
        out.splice(at + 6..at + 6, b"<base href=\"/\">".iter().copied());
    }
    out
}

fn find_ignore_case(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// Keeps the connection open and writes each live-reload event as it comes.
fn events(request: Request, hub: &Hub) {
    let rx = hub.subscribe();
    let mut stream = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\nretry: 1000\n\n";
    if stream.write_all(head.as_bytes()).is_err() || stream.flush().is_err() {
        return;
    }
    loop {
        let chunk = match rx.recv_timeout(KEEPALIVE) {
            Ok(event) => event.to_sse(),
            Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if stream.write_all(chunk.as_bytes()).is_err() || stream.flush().is_err() {
            return;
        }
    }
}

fn text(status: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(body.as_bytes().to_vec()).with_status_code(StatusCode(status))
}

/// A header; `value` must be ASCII (see [`ascii`]).
fn header(name: &'static str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), ascii(value).into_bytes())
        .unwrap_or_else(|_| unreachable!("names and values are printable ASCII"))
}

/// `s` with every byte outside printable ASCII percent-encoded.
fn ascii(s: &str) -> String {
    crate::render::url::percent_encode(s, |b| (0x20..0x7f).contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_decode_into_segments() {
        assert_eq!(segments("/").unwrap(), Vec::<String>::new());
        assert_eq!(segments("/cas/premier/?q=1#x").unwrap(), ["cas", "premier"]);
        assert_eq!(
            segments("/a%20b/%C3%A9t%C3%A9.html").unwrap(),
            ["a b", "été.html"]
        );
        assert_eq!(segments("/./a//b").unwrap(), ["a", "b"]);
    }

    #[test]
    fn paths_that_could_leave_the_output_are_refused() {
        for bad in [
            "/../etc/passwd",
            "/a/../../b",
            "/%2e%2e/secret",
            "/%2E%2E%2Fsecret",
            "/a/..%2f..%2fsecret",
            "/..\\secret",
            "/a%5c..%5csecret",
            "/c:/windows",
            "/a%00.html",
        ] {
            assert_eq!(segments(bad), Err(BadPath::Escapes), "{bad}");
        }
        assert_eq!(segments("http://evil/x"), Err(BadPath::NotAbsolute));
        assert_eq!(segments("*"), Err(BadPath::NotAbsolute));
        assert_eq!(segments("/%zz"), Err(BadPath::BadEncoding));
        assert_eq!(segments("/%ff"), Err(BadPath::BadEncoding));
    }

    #[test]
    fn the_404_page_gets_a_root_base() {
        let page = with_root_base(b"<html><head><base href=\"https://x.org/a/\"><title>");
        assert_eq!(page, b"<html><head><base href=\"/\"><title>");
        assert_eq!(with_root_base(b"<head>x"), b"<head><base href=\"/\">x");
    }

    #[test]
    fn content_types_follow_extensions() {
        assert_eq!(
            content_type(Path::new("a/index.html")),
            "text/html; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("style.CSS")),
            "text/css; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("search-index.js")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("atom.xml")),
            "application/xml; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("x")), "application/octet-stream");
    }
}
