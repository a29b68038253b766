//! Bounded memory with large files (#14): `serve` streams a large asset to the reader,
//! `build --zip` writes a large linked file into the archive as it reads it, and
//! `build` copies a sparse gigabyte without reading it whole. The
//! peaks come from the kernel: each process's `VmHWM` in `/proc/<pid>/status`. The
//! file is sparse (it takes no disk); the bound is a quarter of its size: far above
//! what a streaming process needs (a debug build of archipel serving or zipping the
//! fixture peaks near 20 MB), far below what a process holding the file would.
#![cfg(target_os = "linux")]

use std::io::{BufRead, BufReader, Read, Seek, Write};
use std::net::TcpStream;
use std::process::Stdio;

use crate::support::Fixture;
use crate::support::server::{DEADLINE, Server};

const SIZE: u64 = 256 << 20;
const BOUND_KIB: i64 = (SIZE / 4 / 1024) as i64;

/// The fixture with a sparse file of [`SIZE`] bytes, `content/docs/disque.img`, that
/// `apropos.md` links to (so it is published).
fn site_with_a_large_file() -> Fixture {
    let site = Fixture::copy("site");
    std::fs::create_dir_all(site.path("content/docs")).unwrap();
    let mut big = std::fs::File::create(site.path("content/docs/disque.img")).unwrap();
    big.set_len(SIZE).unwrap();
    // A few bytes of data at both ends, so that the copy is checked, not only its size.
    big.write_all(b"debut").unwrap();
    big.seek(std::io::SeekFrom::Start(SIZE - 3)).unwrap();
    big.write_all(b"fin").unwrap();
    site.write(
        "content/apropos.md",
        "+++\ntitle = \"À propos\"\n+++\n\nLe [disque](docs/disque.img).\n",
    );
    site
}

/// The peak resident set (`VmHWM`, in KiB) of a running process.
fn vm_hwm_kib(pid: u32) -> Option<i64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").parse().ok())
}

#[test]
fn serve_streams_a_large_file_in_bounded_memory() {
    let site = site_with_a_large_file();
    let server = Server::start(&site, &[]);
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    write!(
        stream,
        "GET /docs/disque.img HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.addr
    )
    .unwrap();
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    while !head.ends_with("\r\n\r\n") {
        assert!(reader.read_line(&mut head).unwrap() > 0, "{head}");
    }
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    // The body in blocks (chunked, as tiny_http sends large bodies to HTTP/1.1
    // clients), keeping only its length and its first and last bytes.
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let (mut total, mut first, mut last) = (0u64, Vec::new(), Vec::new());
    let mut take = |reader: &mut BufReader<TcpStream>, limit: u64| {
        let mut part = reader.take(limit);
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = part.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            if first.len() < 5 {
                first.extend_from_slice(&buf[..n.min(5 - first.len())]);
            }
            last = [&last[..], &buf[..n]].concat();
            last.drain(..last.len().saturating_sub(3));
            total += n as u64;
        }
    };
    if chunked {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).unwrap();
            let size = u64::from_str_radix(size.trim(), 16).unwrap();
            if size == 0 {
                break;
            }
            take(&mut reader, size);
            let mut crlf = String::new();
            reader.read_line(&mut crlf).unwrap();
        }
    } else {
        take(&mut reader, u64::MAX);
    }
    assert_eq!(total, SIZE, "{head}");
    assert_eq!(first, b"debut");
    assert_eq!(last, b"fin");
    let peak = vm_hwm_kib(server.child.id()).expect("the server runs");
    assert!(
        peak < BOUND_KIB,
        "serve peaked at {peak} KiB for a file of {} KiB",
        SIZE / 1024
    );
}

/// Runs `archipel args` in `site` and returns its exit code and its peak resident set
/// in KiB: its `VmHWM`, read until it exits (the last reading is at most a few
/// milliseconds before the end). Not `ru_maxrss` from `wait4`: a child started from
/// this test process starts its count from the test process's own peak.
///
/// The allocator (mimalloc) is told to give freed memory back at once and in small
/// pages, so that the peak is that of the data the build holds: by default it keeps
/// freed memory for a second, in huge pages, which here doubled the peak of a build
/// that holds no more (140 MB against 73 MB, debug build, the long pages below) and
/// would hide a build holding every page's text.
fn run_with_peak(site: &Fixture, args: &[&str]) -> (i32, i64) {
    let log = std::fs::File::create(site.path("run.log")).unwrap();
    let mut child = site
        .command(args)
        .env("MIMALLOC_PURGE_DELAY", "0")
        .env("MIMALLOC_ALLOW_THP", "0")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let mut peak = 0;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return (status.code().unwrap_or(-1), peak);
        }
        // Gone between the two calls, or not yet exec'd: the next turn tells.
        if let Some(hwm) = vm_hwm_kib(child.id()) {
            peak = peak.max(hwm);
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

#[test]
fn zip_writes_a_large_linked_file_in_bounded_memory() {
    let site = site_with_a_large_file();
    let (code, peak) = run_with_peak(&site, &["build", "--zip", "site.zip"]);
    assert_eq!(code, 0, "{}", site.read("run.log"));
    assert!(
        peak < BOUND_KIB,
        "build --zip peaked at {peak} KiB for a file of {} KiB",
        SIZE / 1024
    );
    // The entry is all there: its size in the archive's central directory.
    let zip = std::fs::File::open(site.path("site.zip")).unwrap();
    let mut archive = zip::ZipArchive::new(zip).unwrap();
    let name = (0..archive.len())
        .map(|i| archive.by_index(i).unwrap().name().unwrap().to_string())
        .find(|n| n.ends_with("docs/disque.img"))
        .expect("the large file is in the archive");
    let mut entry = archive.by_name(&name).unwrap();
    assert_eq!(entry.size(), SIZE);
    let mut start = [0u8; 5];
    entry.read_exact(&mut start).unwrap();
    assert_eq!(&start, b"debut");
}

/// How many long pages [`site_with_long_pages`] adds, and how many bytes of text each.
const LONG_PAGES: usize = 160;
const LONG_PAGE_BYTES: usize = 256 << 10;

/// The fixture with [`LONG_PAGES`] standalone pages of [`LONG_PAGE_BYTES`] of text each
/// (40 MiB in all), in sections, so that each page's search record is as large as its
/// text. Returns the site and the size of its pages' text in KiB.
fn site_with_long_pages() -> (Fixture, i64) {
    let site = Fixture::copy("site");
    let words = [
        "coopération",
        "réseau",
        "gouvernance",
        "écoute",
        "confiance",
        "assemblée",
        "décision",
        "partage",
        "territoire",
        "collectif",
        "médiation",
        "projet",
    ];
    let mut total = 0;
    for p in 0..LONG_PAGES {
        let mut text = format!("+++\ntitle = \"Long {p}\"\n+++\n\n");
        let mut n = p;
        while text.len() < LONG_PAGE_BYTES {
            if n % 400 == 0 {
                text.push_str(&format!("\n\n## Partie {n}\n\n"));
            }
            text.push_str(words[n % words.len()]);
            text.push_str(if n % 17 == 0 { ".\n" } else { " " });
            n += 1;
        }
        total += text.len();
        site.write(&format!("content/long-{p}.md"), &text);
    }
    (site, (total / 1024) as i64)
}

/// A build makes each chunk of the search index as soon as its pages are rendered,
/// rather than holding every page's record (its whole text) until the index is
/// written: at 100,000 pages, that was 1 GB of a 2.4 GB peak. Here a debug build
/// peaked at 118 MB holding the records and at 73 MB without them, where the sources
/// take 40 MiB; the bound is between the two.
#[test]
fn a_build_writes_search_chunks_without_holding_every_page_s_text() {
    let (site, text_kib) = site_with_long_pages();
    let (code, peak) = run_with_peak(&site, &["build"]);
    assert_eq!(code, 0, "{}", site.read("run.log"));
    let bound = text_kib * 9 / 4;
    assert!(
        peak < bound,
        "build peaked at {peak} KiB for {text_kib} KiB of pages (bound {bound} KiB)"
    );
    // Every chunk is there, with its pages' text.
    let pages = LONG_PAGES + 6;
    for k in 0..pages.div_ceil(4) {
        let chunk = site.read(&format!("public/search/shards/d{k}.js"));
        assert!(chunk.starts_with(&format!("ARCHIPEL_SEARCH_LOADED(\"d{k}\",[[")));
    }
    let long = (0..pages.div_ceil(4))
        .map(|k| site.read(&format!("public/search/shards/d{k}.js")))
        .filter(|c| c.contains("\"Long "))
        .count();
    assert!(long >= LONG_PAGES / 4, "{long} chunks hold long pages");
}

#[test]
fn a_gigabyte_sparse_file_builds_in_bounded_memory_and_stays_sparse() {
    use std::os::unix::fs::MetadataExt;
    let site = Fixture::copy("site");
    std::fs::create_dir_all(site.path("content/docs")).unwrap();
    let big = std::fs::File::create(site.path("content/docs/disque.img")).unwrap();
    big.set_len(1 << 30).unwrap();
    drop(big);
    site.write(
        "content/apropos.md",
        "+++\ntitle = \"À propos\"\n+++\n\nLe [disque](docs/disque.img).\n",
    );
    for _ in 0..2 {
        // Twice: a copy, then over the previous output.
        let (code, peak) = run_with_peak(&site, &["build"]);
        assert_eq!(code, 0, "{}", site.read("run.log"));
        assert!(peak < 256 * 1024, "the build peaked at {peak} KiB");
        let copy = std::fs::metadata(site.path("public/docs/disque.img")).unwrap();
        assert_eq!(copy.len(), 1 << 30);
        assert!(copy.blocks() * 512 < 16 << 20, "{} blocks", copy.blocks());
    }
}
