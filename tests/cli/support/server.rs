//! A running `archipel serve` for the tests, driven over plain HTTP/1.1 on a
//! `TcpStream`, and its live-reload event stream.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use super::Fixture;

/// How long a change may take to show before a test fails. Generous: CI machines are
/// slow and shared; a passing run takes milliseconds.
pub(crate) const DEADLINE: Duration = Duration::from_secs(20);

/// A running `archipel serve`, killed when dropped.
pub(crate) struct Server {
    pub(crate) child: Child,
    /// `127.0.0.1:port`.
    pub(crate) addr: String,
    /// The server's standard error, outside the site (which it watches); shown when
    /// the test fails.
    log: tempfile::NamedTempFile,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let log = std::fs::read_to_string(self.log.path()).unwrap_or_default();
            eprintln!("archipel serve said:\n{log}");
        }
    }
}

/// One HTTP response.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) head: String,
    pub(crate) body: String,
}

impl Reply {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

impl Server {
    /// Starts `archipel serve --port 0 <extra>`.
    ///
    /// The output goes to the fixture's `served/` unless `extra` names one: the test
    /// kills the server, which then cannot remove a temporary output of its own.
    pub(crate) fn start(site: &Fixture, extra: &[&str]) -> Server {
        let served = site.path("served").display().to_string();
        let mut args = vec!["--port", "0"];
        if !extra.contains(&"--out") {
            args.extend(["--out", served.as_str()]);
        }
        args.extend(extra);
        Server::start_with(site, &args)
    }

    /// Starts `archipel serve <args>`.
    pub(crate) fn start_with(site: &Fixture, args: &[&str]) -> Server {
        Server::start_env(site, args, &[])
    }

    /// Starts `archipel serve <args>` with more environment variables.
    pub(crate) fn start_env(
        site: &Fixture,
        args: &[&str],
        env: &[(&str, &std::path::Path)],
    ) -> Server {
        let args: Vec<&str> = ["serve"].iter().chain(args).copied().collect();
        let mut command = site.command(&args);
        for (name, value) in env {
            command.env(name, value);
        }
        let log = tempfile::NamedTempFile::new().unwrap();
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(log.reopen().unwrap())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .strip_prefix("http://")
            .and_then(|a| a.strip_suffix('/'))
            .unwrap_or_else(|| panic!("first line is not a URL: {line:?}"))
            .to_string();
        Server { child, addr, log }
    }

    /// Sends `method target` and reads the whole response.
    pub(crate) fn request(&self, method: &str, target: &str) -> Reply {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        write!(
            stream,
            "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {head:?}"));
        Reply {
            status,
            head: head.to_string(),
            body: body.to_string(),
        }
    }

    pub(crate) fn get(&self, target: &str) -> Reply {
        self.request("GET", target)
    }

    /// Fetches `target` until `ok` holds for the reply, or fails after the deadline.
    #[track_caller]
    pub(crate) fn poll(&self, target: &str, what: &str, ok: impl Fn(&Reply) -> bool) -> Reply {
        let start = Instant::now();
        loop {
            let reply = self.get(target);
            if ok(&reply) {
                return reply;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "{target}: {what} never happened; last reply: {} {}",
                reply.status,
                reply.body
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Reads what the server printed on its standard error until `done` finds what it
    /// waits for in it (and returns that), or fails after the deadline.
    #[track_caller]
    pub(crate) fn poll_log<T>(&self, what: &str, done: impl Fn(&str) -> Option<T>) -> T {
        let start = Instant::now();
        loop {
            let log = std::fs::read_to_string(self.log.path()).unwrap_or_default();
            if let Some(found) = done(&log) {
                return found;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "{what} never showed on the terminal; it says:\n{log}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Opens the live-reload event stream.
    pub(crate) fn events(&self) -> Events {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        write!(
            stream,
            "GET /__archipel/events HTTP/1.1\r\nHost: {}\r\n\r\n",
            self.addr
        )
        .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let mut events = Events {
            stream,
            seen: String::new(),
        };
        events.wait_for("retry:");
        events
    }
}

/// An open event stream and everything read from it so far.
pub(crate) struct Events {
    stream: TcpStream,
    seen: String,
}

impl Events {
    /// Reads until the stream holds `needle` after what was already consumed, and
    /// returns the text up to the end of that event.
    #[track_caller]
    pub(crate) fn wait_for(&mut self, needle: &str) -> String {
        let start = Instant::now();
        let mut buf = [0u8; 8192];
        loop {
            if let Some(at) = self.seen.find(needle) {
                let end = self.seen[at..]
                    .find("\n\n")
                    .map_or(self.seen.len(), |e| at + e + 2);
                let event: String = self.seen.drain(..end).collect();
                return event;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "no `{needle}` on the event stream; saw {:?}",
                self.seen
            );
            match self.stream.read(&mut buf) {
                Ok(0) => panic!("event stream closed; saw {:?}", self.seen),
                Ok(n) => self.seen.push_str(&String::from_utf8_lossy(&buf[..n])),
                Err(_) => {}
            }
        }
    }
}
