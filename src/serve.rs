//! `archipel serve`: a loop around the build. It builds the site into an output
//! directory, serves that directory over HTTP on loopback, watches the sources, rebuilds
//! what changed through [`build::rebuild`] and tells open pages to reload.
//!
//! The build never learns it is served: the live-reload script and the error overlay are
//! added to HTML at response time ([`reload`]). When a rebuild fails, the output directory
//! keeps the last good site, which goes on being served, and the diagnostics go to the
//! terminal and to every open page.

pub mod http;
pub mod reload;
pub mod watch;

use std::collections::BTreeSet;
use std::io::Write;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::Instant;

use crate::build::{self, Cache, Rebuilt};
use crate::diag::{self, Diagnostic, Error, Format, Lang, tr};
use crate::render;
use reload::{Hub, after_rebuild};

/// The port tried first when none is given.
pub const DEFAULT_PORT: u16 = 8000;

/// What `archipel serve` is told.
#[derive(Clone, Debug)]
pub struct Options {
    /// The site root.
    pub root: PathBuf,
    /// The address to listen on (loopback unless told otherwise).
    pub bind: IpAddr,
    /// The port; 0, or a port already in use, means any free port.
    pub port: u16,
    /// Where to write the site. `None`: a fresh directory under the system's temporary
    /// directory, removed when the server stops, so that serving never touches
    /// `public/`.
    pub out: Option<PathBuf>,
    /// Whether to colour diagnostics on the terminal.
    pub color: bool,
    /// Whether to publish drafts, with their badge (on unless `--no-drafts`).
    pub drafts: bool,
    /// The language of the terminal lines and the error overlay.
    pub lang: Lang,
}

impl Options {
    /// What each rebuild is asked to render.
    fn render(&self) -> render::Options {
        render::Options {
            offline: false,
            drafts: self.drafts,
        }
    }
}

/// State shared by the HTTP threads and the rebuild loop.
struct Shared {
    /// The canonical output directory, once a build succeeded.
    out: RwLock<Option<PathBuf>>,
    hub: Hub,
    /// Held for reading while a request looks into the output, and for writing while a
    /// rebuild changes it: a page and the list that links to it always agree.
    commits: Arc<RwLock<()>>,
    /// Wakes the rebuild loop when a request finds the output gone.
    waker: watch::Waker,
}

/// Builds, serves and rebuilds until Ctrl-C. Prints the site's URL as the first line of
/// standard output, then one line per rebuild on standard error.
pub fn serve(options: &Options) -> Result<(), Error> {
    let root = options
        .root
        .canonicalize()
        .map_err(|e| Error::io(&options.root, e))?;
    crate::config::load(&root)?;
    let (out, temporary) = output_dir(options)?;
    // Refuse an unsafe --out before anything else happens.
    crate::output::check_target(&root, &out)?;
    let listener = bind(options.bind, options.port, options.lang)?;
    let addr = listener.local_addr().map_err(|e| Error::io(&out, e))?;
    let stop = Stop::on_signal(&root, temporary.as_ref().map(|d| d.path().to_path_buf()))?;
    let watch = watch::Watch::start(&root)?;
    let shared = Arc::new(Shared {
        out: RwLock::new(None),
        hub: Hub::default(),
        commits: Arc::default(),
        waker: watch.waker(),
    });
    let cache = first_build(&root, &out, &shared, options);

    let server = tiny_http::Server::from_listener(listener, None)
        .map_err(|e| Error::io(&out, std::io::Error::other(e.to_string())))?;
    let server = Arc::new(server);
    let _ = stop.listening.set(Arc::clone(&server));
    announce(addr, options.lang);
    {
        let shared = Arc::clone(&shared);
        let options = options.clone();
        let out = out.clone();
        // Rebuilds render templates here too: the stack the macro depth limit assumes.
        std::thread::Builder::new()
            .stack_size(crate::render::RENDER_STACK)
            .spawn({
                let out = out.clone();
                move || rebuild_loop(watch, &root, &out, cache, &shared, &options)
            })
            .map_err(|e| Error::io(&out, e))?;
    }
    accept(&server, &stop.stopping, &shared);
    crate::errln!("{}", tr(options.lang, "serve.stopped", &[]));
    crate::output::cleanup::remove_all();
    drop(temporary);
    Ok(())
}

/// Where the site is written: `--out`, or else a directory of unpredictable name in the
/// system's temporary directory, removed when the returned guard is dropped.
fn output_dir(options: &Options) -> Result<(PathBuf, Option<tempfile::TempDir>), Error> {
    match &options.out {
        Some(out) => Ok((out.clone(), None)),
        None => {
            let dir = tempfile::Builder::new()
                .prefix("archipel-serve-")
                .tempdir()
                .map_err(|e| Error::io(std::env::temp_dir(), e))?;
            Ok((dir.path().to_path_buf(), Some(dir)))
        }
    }
}

/// How the server is told to stop: Ctrl-C, SIGTERM and SIGHUP set `stopping` and
/// unblock the server once it listens, which then removes what it wrote; during the
/// first build, before it listens, they remove it at once and exit.
struct Stop {
    stopping: Arc<AtomicBool>,
    listening: Arc<OnceLock<Arc<tiny_http::Server>>>,
}

impl Stop {
    /// Installs the signal handler; `temporary` is the output directory to remove on an
    /// early stop, if the server made it.
    fn on_signal(root: &Path, temporary: Option<PathBuf>) -> Result<Stop, Error> {
        let stop = Stop {
            stopping: Arc::default(),
            listening: Arc::default(),
        };
        let (stopping, listening) = (Arc::clone(&stop.stopping), Arc::clone(&stop.listening));
        ctrlc::set_handler(move || {
            stopping.store(true, Ordering::SeqCst);
            match listening.get() {
                Some(server) => server.unblock(),
                None => {
                    crate::output::cleanup::remove_all();
                    if let Some(dir) = &temporary {
                        let _ = std::fs::remove_dir_all(dir);
                    }
                    std::process::exit(130);
                }
            }
        })
        .map_err(|e| Error::io(root, std::io::Error::other(e.to_string())))?;
        Ok(stop)
    }
}

/// The first build, reported on the terminal (a failure also goes to the pages that
/// open later); returns the cache the rebuilds start from.
fn first_build(root: &Path, out: &Path, shared: &Shared, options: &Options) -> Cache {
    let mut cache = Cache::new();
    cache.commit_lock(Arc::clone(&shared.commits));
    // Edited pages are served first; the site-wide search index follows (see
    // `rebuild_loop`).
    cache.defer_search_index(true);
    let started = Instant::now();
    match build::rebuild(root, out, options.render(), &mut cache) {
        Ok(built) => {
            let (color, lang) = (options.color, options.lang);
            crate::err!(
                "{}",
                diag::render(&built.warnings, Format::Human, color, lang)
            );
            crate::errln!("{}", built.summary.line(out, started.elapsed(), lang));
            *shared.out.write().unwrap_or_else(|e| e.into_inner()) = out.canonicalize().ok();
        }
        Err(e) => failed(&e, &shared.hub, options, &BTreeSet::new()),
    }
    cache
}

/// Says where the site is served: a warning when it is reachable from other machines,
/// then the URL on the first line of standard output, where tests and scripts read it.
fn announce(addr: SocketAddr, lang: Lang) {
    if !addr.ip().is_loopback() {
        let addr = addr.to_string();
        crate::errln!("{}", tr(lang, "serve.exposed", &[("addr", addr)]));
    }
    crate::outln!("http://{}/", display_addr(addr));
    let _ = std::io::stdout().flush();
}

/// Answers each request on a thread of its own, until the server is told to stop.
fn accept(server: &tiny_http::Server, stopping: &AtomicBool, shared: &Arc<Shared>) {
    while !stopping.load(Ordering::SeqCst) {
        let Ok(request) = server.recv() else {
            continue;
        };
        let shared = Arc::clone(shared);
        std::thread::spawn(move || {
            let out = shared.out.read().unwrap_or_else(|e| e.into_inner()).clone();
            let site = http::Site {
                out: out.as_deref(),
                hub: &shared.hub,
                commits: &shared.commits,
                vanished: &|| shared.waker.wake(),
            };
            http::handle(request, &site);
        });
    }
}

/// Listens on `ip:port`, or on any free port when `port` is 0 or taken.
fn bind(ip: IpAddr, port: u16, lang: Lang) -> Result<TcpListener, Error> {
    let io = |e| Error::io(format!("{ip}:{port}"), e);
    match TcpListener::bind((ip, port)) {
        Ok(l) => Ok(l),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && port != 0 => {
            crate::errln!(
                "{}",
                tr(lang, "serve.port-busy", &[("port", port.to_string())])
            );
            TcpListener::bind((ip, 0)).map_err(io)
        }
        Err(e) => Err(io(e)),
    }
}

/// The address as it goes in a URL: IPv6 in brackets, the unspecified address as
/// loopback (which reaches it too).
fn display_addr(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => format!("127.0.0.1:{}", addr.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => format!("[::1]:{}", addr.port()),
        _ => addr.to_string(),
    }
}

/// Waits for changes, rebuilds, and tells the terminal and the open pages.
fn rebuild_loop(
    mut watch: watch::Watch,
    root: &Path,
    out: &Path,
    mut cache: Cache,
    shared: &Shared,
    options: &Options,
) {
    let lang = options.lang;
    while let Some(batch) = watch.wait() {
        let started = Instant::now();
        if !out.join(crate::output::MARKER).is_file() {
            // Removed under us (a cleaner of temporary files): write it anew. Serve's own
            // temporary directory is emptied first: without its marker, the output rule
            // would refuse it as a directory archipel did not write. One given with
            // `--out` is left alone, and the error says why.
            if options.out.is_none() {
                let _ = std::fs::remove_dir_all(out);
            }
            cache.forget_output();
        } else if batch.rescan {
            cache.invalidate_all();
        }
        for path in &batch.paths {
            cache.invalidate(path);
        }
        let what = describe(root, &batch, lang);
        match build::rebuild(root, out, options.render(), &mut cache) {
            Ok(mut rebuilt) => {
                let mut out_dir = shared.out.write().unwrap_or_else(|e| e.into_inner());
                if out_dir.is_none() {
                    *out_dir = out.canonicalize().ok();
                }
                drop(out_dir);
                if shared.hub.failure().is_some() {
                    shared.hub.broadcast(reload::Event::Ok);
                }
                if let Some(event) = after_rebuild(&rebuilt.written, &rebuilt.removed) {
                    shared.hub.broadcast(event);
                }
                let mut line = format!("{what}: {}", summary(&rebuilt, started, lang));
                // The pages are served; now the search index, which covers the whole site,
                // unless the next save is already there: its pages come first again.
                while rebuilt.deferred && !watch.has_pending() {
                    let again = Instant::now();
                    match build::rebuild(root, out, options.render(), &mut cache) {
                        Ok(next) => {
                            if let Some(event) = after_rebuild(&next.written, &next.removed) {
                                shared.hub.broadcast(event);
                            }
                            let ms = again.elapsed().as_millis().to_string();
                            line.push_str(&tr(lang, "serve.index-later", &[("ms", ms)]));
                            rebuilt = next;
                        }
                        Err(e) => {
                            failed(&e, &shared.hub, options, &batch.paths);
                            break;
                        }
                    }
                }
                if rebuilt.deferred {
                    line.push_str(&tr(lang, "serve.index-next", &[]));
                }
                crate::errln!("{line}");
                // The saved files' warnings, as a clean build would print them: what the
                // contributor just wrote may need a second look.
                let saved: Vec<Diagnostic> = rebuilt
                    .warnings
                    .iter()
                    .filter(|d| batch.paths.contains(&d.path))
                    .cloned()
                    .collect();
                let shown = diag::render(&saved, Format::Human, options.color, lang);
                crate::err!("{shown}");
            }
            Err(e) => {
                crate::errln!("{what}: {}", tr(lang, "serve.failed", &[]));
                failed(&e, &shared.hub, options, &batch.paths);
            }
        }
    }
}

/// Prints a failed build's diagnostics and shows them on open pages, those in the
/// files of `saved` first.
fn failed(e: &Error, hub: &Hub, options: &Options, saved: &BTreeSet<PathBuf>) {
    let (color, lang) = (options.color, options.lang);
    if e.diagnostics().is_empty() {
        crate::errln!("error: {}", e.summary(lang));
    } else {
        // On a terminal the last lines are the ones read: the saved files' problems last.
        let (mine, others): (Vec<Diagnostic>, Vec<Diagnostic>) = e
            .diagnostics()
            .iter()
            .cloned()
            .partition(|d| saved.contains(&d.path));
        crate::err!("{}", diag::render(&others, Format::Human, color, lang));
        crate::err!("{}", diag::render(&mine, Format::Human, color, lang));
    }
    hub.broadcast(reload::Event::Failed(reload::overlay(e, saved, lang)));
}

/// `content/a.md changed`, or `content/a.md and 3 other paths changed`. Paths that no
/// longer exist (editors' temporary files) are named only when nothing else changed.
fn describe(root: &Path, batch: &watch::Batch, lang: Lang) -> String {
    if batch.rescan {
        return tr(lang, "serve.rescan", &[]);
    }
    let existing: Vec<&PathBuf> = batch
        .paths
        .iter()
        .filter(|p| root.join(p).exists())
        .collect();
    let paths: Vec<&PathBuf> = if existing.is_empty() {
        batch.paths.iter().collect()
    } else {
        existing
    };
    match paths.as_slice() {
        [] => tr(lang, "serve.files-changed", &[]),
        [one] => tr(
            lang,
            "serve.changed",
            &[("path", one.display().to_string())],
        ),
        [first, rest @ ..] => tr(
            lang,
            "serve.changed-more",
            &[
                ("path", first.display().to_string()),
                ("count", rest.len().to_string()),
            ],
        ),
    }
}

/// `2 pages re-rendered, 3 files written, 0 removed in 12 ms`.
fn summary(r: &Rebuilt, started: Instant, lang: Lang) -> String {
    tr(
        lang,
        "serve.rebuilt",
        &[
            ("rendered", r.rendered.to_string()),
            ("written", r.written.len().to_string()),
            ("removed", r.removed.len().to_string()),
            ("ms", started.elapsed().as_millis().to_string()),
        ],
    )
}
