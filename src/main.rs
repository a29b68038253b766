//! The `archipel` command line: parses arguments, calls the library, prints diagnostics
//! and maps the outcome to the exit code (0 success, 1 content errors, 2 usage or
//! configuration errors). No logic of its own.

#![deny(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use archipel::diag::{self, Diagnostic, Error, Format, Lang, tr};
use archipel::{build, render};
use clap::{Parser, Subcommand, ValueEnum};

/// mimalloc rather than the system's allocator: a build allocates and frees millions of
/// small strings and maps across its threads, and glibc's malloc was an eighth of a
/// 10,000-page build's samples (benches/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`: its place in `mi_option_e` of `mimalloc.h`, the
/// same in its v2 and v3 (libmimalloc-sys names the options around it, such as
/// `mi_option_use_numa_nodes`, 16, but not this one).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Tells the allocator to keep the memory a rebuild of `serve` frees for the next one.
/// By default mimalloc gives freed memory back to the system after a second, so each
/// save, seconds after the one before, faulted the memory of its rebuild in again: a
/// title edit at 10,000 pages took 32 ms from save to served, 24 ms with this
/// (benches/README.md). A server holds the site anyway; its peak is unchanged.
#[allow(unsafe_code)]
fn keep_freed_memory() {
    // SAFETY: `mi_option_set` stores one option's value; it reads or writes no memory
    // of ours, and runs here before `serve` starts any thread.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
}

/// A static knowledge-base site generator.
#[derive(Parser)]
#[command(name = "archipel", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// The language of messages (`fr`, `en`) [default: $ARCHIPEL_LANG, else the site's
    /// `language`].
    #[arg(long, global = true)]
    lang: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site (into public/ by default).
    Build {
        /// The site root (the directory holding archipel.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The output directory.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Make a copy that works from file://: links name files, no feed.
        #[arg(long)]
        offline: bool,
        /// Write the site as a zip archive FILE instead of a directory; its top folder
        /// is named after FILE. With --offline, readers unzip it and open index.html.
        #[arg(long, value_name = "FILE", conflicts_with = "out")]
        zip: Option<PathBuf>,
        /// Publish drafts (`draft = true`) too, each with a « brouillon » badge.
        #[arg(long)]
        drafts: bool,
    },
    /// Validate the site like a build would, writing nothing.
    Check {
        /// The site root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// How to print diagnostics.
        #[arg(long, value_enum, default_value_t = FormatArg::Human)]
        format: FormatArg,
        /// Fail on warnings too (for CI).
        #[arg(long)]
        deny_warnings: bool,
        /// Check drafts as published pages, as `build --drafts` would publish them.
        #[arg(long)]
        drafts: bool,
    },
    /// Build the site, serve it on loopback, rebuild what changes and reload open pages.
    Serve {
        /// The site root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// The port; 0, or a port in use, picks a free one.
        #[arg(long, default_value_t = archipel::serve::DEFAULT_PORT)]
        port: u16,
        /// Where to write the site [default: a temporary directory, removed on exit].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Leave drafts out, as `build` does (they are served, with a badge, by default).
        #[arg(long)]
        no_drafts: bool,
    },
    /// Create a page of a kind, filled with its fields, and print its path.
    New {
        /// The kind: its id or its directory (`testimony`, `temoignages`).
        kind: String,
        /// The page title, in quotes.
        title: String,
        /// The site root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// List the tag vocabulary with the number of pages using each tag.
    Tags {
        /// The site root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Print, for each kind, its fields, their types and what they reference.
    Schema {
        /// The site root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

/// How `check` prints diagnostics (`--format`): [`Format`] as the command line names
/// it, so that the library's diagnostics know nothing of clap.
#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    /// For people: the line, a caret, and the fix; colour on a terminal.
    Human,
    /// One JSON object per line.
    Json,
    /// GitHub workflow commands, shown as annotations on a pull request.
    Github,
}

impl From<FormatArg> for Format {
    fn from(arg: FormatArg) -> Format {
        match arg {
            FormatArg::Human => Format::Human,
            FormatArg::Json => Format::Json,
            FormatArg::Github => Format::Github,
        }
    }
}

impl Command {
    /// The site root the command works on.
    fn root(&self) -> &Path {
        match self {
            Command::Build { root, .. }
            | Command::Check { root, .. }
            | Command::Serve { root, .. }
            | Command::New { root, .. }
            | Command::Tags { root }
            | Command::Schema { root } => root,
        }
    }
}

fn main() -> ExitCode {
    // Templates render on rayon's threads: give them the stack that the macro depth
    // limit assumes (the main thread has 8 MB).
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(archipel::render::RENDER_STACK)
        .build_global();
    let cli = Cli::parse();
    let color = diag::stderr_wants_color();
    let lang = Lang::choose(cli.lang.as_deref(), cli.command.root());
    let format = match &cli.command {
        Command::Check { format, .. } => Format::from(*format),
        _ => Format::Human,
    };
    let result = match cli.command {
        Command::Build {
            root,
            out,
            offline,
            zip,
            drafts,
        } => build_site(
            &root,
            out,
            zip,
            render::Options { offline, drafts },
            color,
            lang,
        ),
        Command::Check {
            root,
            format: _,
            deny_warnings,
            drafts,
        } => return check(&root, deny_warnings, drafts, (format, color, lang)),
        Command::New { kind, title, root } => {
            archipel::new::new_page(&root, &kind, &title, &archipel::date::today()).map(|created| {
                archipel::outln!("{}", created.path.display());
                archipel::errln!(
                    "next: write your text in {}, then run `archipel check`",
                    created.path.display()
                );
            })
        }
        Command::Serve {
            root,
            bind,
            port,
            out,
            no_drafts,
        } => {
            keep_freed_memory();
            archipel::serve::serve(&archipel::serve::Options {
                root,
                bind,
                port,
                out,
                color,
                drafts: !no_drafts,
                lang,
            })
        }
        Command::Tags { root } => archipel::info::tags(&root).map(|text| archipel::out!("{text}")),
        Command::Schema { root } => {
            archipel::info::schema(&root).map(|text| archipel::out!("{text}"))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e, (format, color, lang)),
    }
}

/// `archipel build`: the site into `out` (`public/` by default) or the archive `zip`,
/// then its warnings and a summary line on standard error.
fn build_site(
    root: &Path,
    out: Option<PathBuf>,
    zip: Option<PathBuf>,
    options: render::Options,
    color: bool,
    lang: Lang,
) -> Result<(), Error> {
    let started = std::time::Instant::now();
    // Ctrl-C, SIGTERM, SIGHUP: remove the staging tree or half-written archive.
    if let Err(e) = archipel::output::cleanup::remove_on_signal() {
        archipel::errln!("warning: {e}");
    }
    let (built, out) = match zip {
        Some(zip) => (build::build_zip(root, &zip, options), zip),
        None => {
            let out = out.unwrap_or_else(|| build::default_out(root));
            (build::build(root, &out, options), out)
        }
    };
    let built = built?;
    let warnings = diag::render(&built.warnings, Format::Human, color, lang);
    archipel::err!("{warnings}");
    archipel::errln!("{}", built.summary.line(&out, started.elapsed(), lang));
    Ok(())
}

/// `archipel check`: the diagnostics in `format`, then (for people) a summary line; exit
/// code 1 on warnings too with `--deny-warnings`.
fn check(
    root: &Path,
    deny_warnings: bool,
    drafts: bool,
    (format, color, lang): (Format, bool, Lang),
) -> ExitCode {
    let checked = match build::check_rendered(root, drafts) {
        Ok(checked) => checked,
        Err(e) => return fail(&e, (format, color, lang)),
    };
    let warnings = &checked.warnings;
    print_diags(warnings, format, color, lang);
    if deny_warnings && !warnings.is_empty() {
        let count = warnings.len().to_string();
        archipel::errln!("{}", tr(lang, "summary.denied", &[("count", count)]));
        return ExitCode::from(1);
    }
    if format == Format::Human {
        archipel::errln!("{}", check_summary(&checked, drafts, lang));
    }
    ExitCode::SUCCESS
}

/// Reports `e` and gives its exit code (1 for content errors, 2 otherwise).
fn fail(e: &Error, (format, color, lang): (Format, bool, Lang)) -> ExitCode {
    report(e, format, color, lang);
    ExitCode::from(e.exit_code())
}

/// `45 pages checked, no errors, 2 warning(s), 1 draft(s) left out (…)`.
fn check_summary(checked: &build::Checked, drafts: bool, lang: Lang) -> String {
    let count = |n: usize| [("count", n.to_string())];
    let mut line = tr(lang, "summary.checked", &count(checked.site.pages.len()));
    if !checked.warnings.is_empty() {
        line.push_str(&tr(
            lang,
            "summary.warnings",
            &count(checked.warnings.len()),
        ));
    }
    match (checked.site.draft_count(), drafts) {
        (0, _) => {}
        (n, false) => line.push_str(&tr(lang, "summary.drafts-left-out", &count(n))),
        (n, true) => line.push_str(&tr(lang, "summary.drafts-included", &count(n))),
    }
    line
}

fn print_diags(diags: &[Diagnostic], format: Format, color: bool, lang: Lang) {
    let text = diag::render(diags, format, color, lang);
    match format {
        Format::Human => archipel::err!("{text}"),
        Format::Json | Format::Github => archipel::out!("{text}"),
    }
}

fn report(e: &Error, format: Format, color: bool, lang: Lang) {
    if e.diagnostics().is_empty() {
        archipel::errln!("error: {}", e.summary(lang));
    } else {
        print_diags(e.diagnostics(), format, color, lang);
        if format == Format::Human {
            archipel::errln!("{}", e.summary(lang));
        }
    }
}
