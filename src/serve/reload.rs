//! Live reload: the script injected into HTML responses, the error overlay, and the hub
//! that fans rebuild events out to every open page over Server-Sent Events.
//!
//! Nothing here is written to the output directory: the script and the overlay are added
//! to HTML at response time, so `archipel build` and `archipel serve` write the same bytes.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Mutex, MutexGuard};

use crate::diag::{Diagnostic, Error, Lang, tr};
use crate::escape;

/// The URL path of the event stream.
pub const EVENTS_PATH: &str = "/__archipel/events";

/// Element id of the overlay, shared by the server-side markup and the script.
const OVERLAY_ID: &str = "archipel-overlay";

/// How many errors the overlay lists.
pub const OVERLAY_ITEMS: usize = 8;

/// One message to open pages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A rebuild changed these output files; pages showing one of them reload. `None`
    /// means "reload every page".
    Reload(Option<Vec<String>>),
    /// Only stylesheets changed: swap them without reloading.
    Css,
    /// The last rebuild failed: show this overlay (HTML, already escaped).
    Failed(String),
    /// The site builds again: remove the overlay.
    Ok,
    /// Sent first on each stream: which server run this is. A page whose stream
    /// reconnects to another run (the server was restarted) reloads.
    Hello(String),
}

impl Event {
    /// The event in the `text/event-stream` format.
    pub fn to_sse(&self) -> String {
        let (name, data) = match self {
            Event::Reload(None) => ("reload", "*".to_string()),
            Event::Reload(Some(files)) => ("reload", files.join(" ")),
            Event::Css => ("css", String::new()),
            Event::Failed(html) => ("failed", html.clone()),
            Event::Ok => ("ok", String::new()),
            Event::Hello(run) => ("hello", run.clone()),
        };
        let mut out = format!("event: {name}\n");
        for line in data.split('\n') {
            out.push_str("data: ");
            out.push_str(line);
            out.push('\n');
        }
        out.push('\n');
        out
    }
}

/// Above this many changed files, pages are told to reload whatever they show.
const MAX_LISTED: usize = 200;

/// The event that tells open pages about a successful rebuild that wrote `written` and
/// removed `removed` (output paths), or `None` when nothing they show changed.
pub fn after_rebuild(written: &[String], removed: &[String]) -> Option<Event> {
    if written.is_empty() && removed.is_empty() {
        return None;
    }
    if removed.is_empty() && written.iter().all(|f| f.ends_with(".css")) {
        return Some(Event::Css);
    }
    if written.len() + removed.len() > MAX_LISTED {
        return Some(Event::Reload(None));
    }
    Some(Event::Reload(Some(
        written.iter().chain(removed).cloned().collect(),
    )))
}

/// The open event streams, and the state a newly opened page must learn.
pub struct Hub {
    inner: Mutex<HubState>,
    /// Identifies this run of the server.
    run: String,
}

impl Default for Hub {
    fn default() -> Self {
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Hub {
            inner: Mutex::default(),
            run: format!("{}-{started}", std::process::id()),
        }
    }
}

#[derive(Default)]
struct HubState {
    clients: Vec<Sender<Event>>,
    /// The overlay of the failed rebuild, while the site does not build.
    failure: Option<String>,
}

impl Hub {
    /// Registers a new event stream. It first receives this run's id, then the current
    /// failure, if any.
    pub fn subscribe(&self) -> Receiver<Event> {
        let (tx, rx) = channel();
        let _ = tx.send(Event::Hello(self.run.clone()));
        let mut state = self.lock();
        if let Some(html) = &state.failure {
            let _ = tx.send(Event::Failed(html.clone()));
        }
        state.clients.push(tx);
        rx
    }

    /// Sends `event` to every open stream, forgetting the closed ones, and remembers a
    /// failure for pages opened later.
    pub fn broadcast(&self, event: Event) {
        let mut state = self.lock();
        match &event {
            Event::Failed(html) => state.failure = Some(html.clone()),
            Event::Ok => state.failure = None,
            Event::Reload(_) | Event::Css | Event::Hello(_) => {}
        }
        state.clients.retain(|c| c.send(event.clone()).is_ok());
    }

    /// The overlay to add to HTML responses, while the last rebuild failed.
    pub fn failure(&self) -> Option<String> {
        self.lock().failure.clone()
    }

    fn lock(&self) -> MutexGuard<'_, HubState> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The overlay that explains a failed rebuild: each problem as `path:line:column`, its
/// message and its fix, all escaped, in the site's language (`lang`).
/// The errors in the files of `first` (the ones just saved) come first: when a page
/// does not parse, every link to it breaks too, and the cause must not be lost among them.
/// At most [`OVERLAY_ITEMS`] are listed; the terminal has them all.
pub fn overlay(error: &Error, first: &BTreeSet<PathBuf>, lang: Lang) -> String {
    let mut items = String::new();
    let mut diags: Vec<&Diagnostic> = error
        .diagnostics()
        .iter()
        .filter(|d| d.is_error())
        .collect();
    diags.sort_by_key(|d| !first.contains(&d.path));
    let more = diags.len().saturating_sub(OVERLAY_ITEMS);
    diags.truncate(OVERLAY_ITEMS);
    for d in &diags {
        let place = match d.pos {
            Some(p) => format!("{}:{}:{}", d.path.display(), p.line, p.column),
            None => d.path.display().to_string(),
        };
        items.push_str(&format!(
            "<li><code>{}</code> {}",
            escape::html(&place),
            escape::html(&d.message.render(lang))
        ));
        if let Some(help) = &d.help {
            let help = tr(lang, "overlay.help", &[("help", help.render(lang))]);
            items.push_str(&format!("<br><small>{}</small>", escape::html(&help)));
        }
        items.push_str("</li>");
    }
    if diags.is_empty() {
        items.push_str(&format!("<li>{}</li>", escape::html(&error.summary(lang))));
    }
    if more > 0 {
        let key = if more > 1 {
            "overlay.more"
        } else {
            "overlay.one-more"
        };
        let text = tr(lang, key, &[("count", more.to_string())]);
        items.push_str(&format!("<li>{}</li>", escape::html(&text)));
    }
    let hide = escape::html(&tr(lang, "overlay.hide", &[]));
    let title = escape::html(&tr(lang, "overlay.title", &[]));
    let explain = escape::html(&tr(lang, "overlay.explain", &[]));
    format!(
        "<div id=\"{OVERLAY_ID}\" role=\"alert\" style=\"position:fixed;left:0;right:0;bottom:0;\
max-height:60vh;overflow:auto;z-index:2147483647;margin:0;padding:1em 1.5em;\
background:#7f1d1d;color:#fff;font:15px/1.45 system-ui,sans-serif;\
box-shadow:0 -4px 16px rgba(0,0,0,.35)\">\
<button type=\"button\" onclick=\"this.parentNode.remove()\" style=\"float:right\">{hide}</button>\
<p style=\"margin:0 0 .5em\"><strong>{title}</strong> {explain}</p>\
<ul style=\"margin:0;padding-left:1.2em\">{items}</ul></div>"
    )
}

/// The script added to every HTML page: it listens to the event stream, reloads when the
/// page changed, swaps stylesheets, and shows or hides the overlay.
pub fn script() -> String {
    format!(
        r#"<script>/* archipel serve: live reload */
(function () {{
  var here = location.pathname.replace(/^\//, "");
  if (here === "" || here.slice(-1) === "/") here += "index.html";
  function overlay() {{ return document.getElementById("{OVERLAY_ID}"); }}
  var events = new EventSource("{EVENTS_PATH}");
  var run = null;
  events.addEventListener("hello", function (e) {{
    if (run !== null && run !== e.data) location.reload();
    run = e.data;
  }});
  events.addEventListener("reload", function (e) {{
    var files = e.data.split(" ");
    if (files.indexOf("*") >= 0 || files.indexOf(here) >= 0) location.reload();
    else if (overlay()) overlay().remove();
  }});
  events.addEventListener("css", function () {{
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {{
      var url = links[i].href.replace(/[?&]archipel=\d+/, "");
      links[i].href = url + (url.indexOf("?") < 0 ? "?" : "&") + "archipel=" + Date.now();
    }}
  }});
  events.addEventListener("failed", function (e) {{
    if (overlay()) overlay().remove();
    var box = document.createElement("div");
    box.innerHTML = e.data;
    if (box.firstChild) document.body.appendChild(box.firstChild);
  }});
  events.addEventListener("ok", function () {{ if (overlay()) overlay().remove(); }});
}})();
</script>"#
    )
}

/// Adds the live-reload script, and the overlay when the site does not build, to an HTML
/// page, just before `</body>` (or at the end when there is none).
pub fn inject(html: &[u8], failure: Option<&str>) -> Vec<u8> {
    let mut extra = String::new();
    if let Some(overlay) = failure {
        extra.push_str(overlay);
    }
    extra.push_str(&script());
    let at = rfind_ignore_case(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + extra.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn rfind_ignore_case(hay: &[u8], needle: &[u8]) -> Option<usize> {
    (0..=hay.len().checked_sub(needle.len())?)
        .rev()
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostic;

    #[test]
    fn the_script_goes_before_the_closing_body() {
        let page = inject(b"<html><body><p>x</p></BODY></html>", None);
        let page = String::from_utf8(page).unwrap();
        assert!(page.starts_with("<html><body><p>x</p><script>"));
        assert!(page.ends_with("</script></BODY></html>"));
        let bare = String::from_utf8(inject(b"<p>x</p>", Some("<div>o</div>"))).unwrap();
        assert!(bare.starts_with("<p>x</p><div>o</div><script>"));
    }

    #[test]
    fn overlays_escape_what_they_show() {
        let d = Diagnostic::error("front-matter-syntax", "content/<a>.md", "bad `<script>`")
            .help("écrire \"x\"");
        let html = overlay(&Error::Content(vec![d]), &BTreeSet::new(), Lang::Fr);
        assert!(html.contains("<code>content/&lt;a&gt;.md</code> bad `&lt;script&gt;`"));
        assert!(html.contains("écrire &quot;x&quot;"));
        assert!(!html.contains("<script>"));
    }

    #[test]
    fn the_saved_file_comes_first_and_the_list_is_cut() {
        let mut diags: Vec<Diagnostic> = (0..12)
            .map(|i| Diagnostic::error("broken-link", format!("content/p{i:02}.md"), "broken"))
            .collect();
        diags.push(Diagnostic::error(
            "front-matter-syntax",
            "content/z.md",
            "bad TOML",
        ));
        let first: BTreeSet<PathBuf> = [PathBuf::from("content/z.md")].into();
        let html = overlay(&Error::Content(diags), &first, Lang::Fr);
        let z = html.find("content/z.md").unwrap();
        assert!(z < html.find("content/p00.md").unwrap());
        assert!(
            !html.contains("content/p07.md"),
            "only {OVERLAY_ITEMS} items"
        );
        assert!(html.contains("… et 5 autres"));
    }

    #[test]
    fn events_are_framed_for_event_source() {
        assert_eq!(
            Event::Failed("a\nb".into()).to_sse(),
            "event: failed\ndata: a\ndata: b\n\n"
        );
        assert_eq!(
            Event::Reload(Some(vec!["a/index.html".into(), "b.css".into()])).to_sse(),
            "event: reload\ndata: a/index.html b.css\n\n"
        );
    }

    #[test]
    fn stylesheet_only_changes_swap_instead_of_reloading() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(after_rebuild(&[], &[]), None);
        assert_eq!(after_rebuild(&s(&["style.css"]), &[]), Some(Event::Css));
        assert_eq!(
            after_rebuild(&s(&["style.css", "index.html"]), &[]),
            Some(Event::Reload(Some(s(&["style.css", "index.html"]))))
        );
        let many: Vec<String> = (0..300).map(|i| format!("p{i}/index.html")).collect();
        assert_eq!(after_rebuild(&many, &[]), Some(Event::Reload(None)));
    }

    #[test]
    fn late_subscribers_learn_the_current_failure() {
        let hub = Hub::default();
        hub.broadcast(Event::Failed("<div>x</div>".into()));
        let rx = hub.subscribe();
        assert!(matches!(rx.try_recv(), Ok(Event::Hello(_))));
        assert_eq!(rx.try_recv(), Ok(Event::Failed("<div>x</div>".into())));
        hub.broadcast(Event::Ok);
        assert_eq!(rx.try_recv(), Ok(Event::Ok));
        assert_eq!(hub.failure(), None);
    }
}
