// Support for the browser tests: builds the guide with the archipel binary, serves a
// directory on loopback, launches Debian's chromium through playwright-core, and records
// what each page requests and logs.

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { after, before } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

import { chromium } from "playwright-core";

/** The repository root. */
export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The browser: Debian's chromium unless told otherwise. Missing, the tests fail. */
export const CHROMIUM = process.env.ARCHIPEL_CHROMIUM || "/usr/bin/chromium";

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", ...options });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${result.stderr}`);
  }
  return result;
}

/**
 * A copy of the site `tests/fixtures/<name>` with the repository's default theme, in a
 * fresh temporary directory; returns its root.
 */
export function fixture(name) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `archipel-${name}-`));
  fs.cpSync(path.join(repo, "tests/fixtures", name), root, { recursive: true });
  fs.cpSync(path.join(repo, "themes/default"), path.join(root, "themes/default"), { recursive: true });
  return root;
}

/**
 * How many pages the guide has in the kind directories `kinds`: its Markdown sources, so
 * that redirect pages of `aliases`, which also land in those directories, are not counted.
 */
export function guidePages(kinds) {
  return kinds
    .map((kind) => fs.readdirSync(path.join(repo, "content", kind)).filter((f) => f.endsWith(".md")).length)
    .reduce((a, b) => a + b, 0);
}

/** Runs a program, throwing with its standard error when it fails. */
export { run };

/** $ARCHIPEL_BIN, or else the debug binary, which `cargo build` brings up to date. */
export function archipelBin() {
  let bin = process.env.ARCHIPEL_BIN;
  if (!bin) {
    run("cargo", ["build", "--quiet", "--bin", "archipel"], { cwd: repo, stdio: "inherit" });
    const target = process.env.CARGO_TARGET_DIR || path.join(repo, "target");
    bin = path.join(target, "debug", "archipel");
  }
  return bin;
}

/**
 * Builds the guide (or the site at `root`) twice into a fresh temporary directory,
 * online and offline, with archipelBin().
 */
export function buildGuide(root = repo) {
  const bin = archipelBin();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "archipel-browser-"));
  const online = path.join(dir, "online");
  const offline = path.join(dir, "offline");
  run(bin, ["build", "--root", root, "--out", online]);
  run(bin, ["build", "--root", root, "--offline", "--out", offline]);
  return {
    online,
    offline,
    /** The file:// URL of a file of the offline copy. */
    offlineUrl: (file) => pathToFileURL(path.join(offline, file)).href,
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".xml": "application/xml",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/**
 * Serves `root` on 127.0.0.1 at a free port, as a static host would: `dir/` serves
 * `dir/index.html`, `dir` redirects to `dir/`, anything else missing gets 404.html.
 */
export async function serve(root) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    let file = path.join(root, decodeURIComponent(url.pathname));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) {
      if (!url.pathname.endsWith("/")) {
        res.writeHead(301, { location: url.pathname + "/" + url.search }).end();
        return;
      }
      file = path.join(file, "index.html");
    }
    let status = 200;
    if (!fs.existsSync(file)) {
      status = 404;
      file = path.join(root, "404.html");
    }
    const type = TYPES[path.extname(file)] || "application/octet-stream";
    res.writeHead(status, { "content-type": type });
    res.end(fs.readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Launches chromium headless, with nothing of its own going to the network. */
export async function launch() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `chromium not found at ${CHROMIUM}: install it (apt-get install chromium) ` +
        "or set ARCHIPEL_CHROMIUM to a chromium binary",
    );
  }
  // playwright-core gives each launch a fresh temporary profile (user-data-dir).
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60_000,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/**
 * A new page in a fresh context, with every request URL and every console error (and
 * uncaught exception) it causes recorded.
 */
export async function openPage(browser, contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  context.on("request", (r) => requests.push(r.url()));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`exception: ${e.message}`));
  return { context, page, requests, errors };
}

/**
 * Registers hooks that build a site with `make` (by default the guide, see buildGuide)
 * and launch the browser before a test file's tests, and clean both up after. A setup
 * failure (no chromium, a build error) fails every test, rather than leaving them
 * cancelled. Returns `{site, open(contextOptions)}`, `site` being set once built.
 */
export function browserFixture(make = buildGuide) {
  let browser;
  let setupError;
  const fixture = {
    site: null,
    /** A page of a fresh context, once the setup succeeded. */
    async open(contextOptions) {
      if (setupError) throw setupError;
      return openPage(browser, contextOptions);
    },
  };
  before(async () => {
    try {
      fixture.site = make();
      browser = await launch();
    } catch (e) {
      setupError = e;
    }
  });
  after(async () => {
    await browser?.close();
    fixture.site?.cleanup();
  });
  return fixture;
}
