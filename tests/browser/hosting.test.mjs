// Hosting under a sub-path (issue #12), as GitHub Pages, GitLab Pages or a web server
// with an alias would: the fixture site, built with base_url = <origin>/guide/, is
// served under /guide/, every link and asset of every page resolves under that prefix,
// and the 404 page, served for an unknown address deep in the site, keeps its style and
// its links.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { after, before, test } from "node:test";

import { fixture, launch, openPage, repo } from "./support.mjs";

const PREFIX = "/guide/";

let root;
let out;
let server;
let origin;
let browser;
let setupError;

/** Serves `out` under PREFIX; an unknown address gets 404.html with status 404. */
function host(dir) {
  return http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    if (!url.pathname.startsWith(PREFIX)) {
      res.writeHead(404).end("outside the prefix");
      return;
    }
    let file = path.join(dir, decodeURIComponent(url.pathname.slice(PREFIX.length)));
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    const found = file.startsWith(dir) && fs.existsSync(file);
    const type = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript" };
    const served = found ? file : path.join(dir, "404.html");
    res.writeHead(found ? 200 : 404, { "content-type": type[path.extname(served)] || "application/octet-stream" });
    res.end(fs.readFileSync(served));
  });
}

before(async () => {
  try {
    root = fixture("site");
    out = path.join(root, "public");
    server = host(out);
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${server.address().port}`;
    const config = path.join(root, "archipel.toml");
    const text = fs.readFileSync(config, "utf8").replace(/base_url = ".*"/, `base_url = "${origin}${PREFIX}"`);
    fs.writeFileSync(config, text);
    spawnSync("cargo", ["build", "--quiet", "--bin", "archipel"], { cwd: repo, stdio: "inherit" });
    const bin = process.env.ARCHIPEL_BIN || path.join(process.env.CARGO_TARGET_DIR || path.join(repo, "target"), "debug", "archipel");
    const built = spawnSync(bin, ["build", "--root", root], { encoding: "utf8" });
    assert.equal(built.status, 0, built.stderr);
    browser = await launch();
  } catch (e) {
    setupError = e;
  }
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

test("every link and asset of every page resolves under the sub-path", async () => {
  if (setupError) throw setupError;
  const pages = fs
    .readdirSync(out, { recursive: true })
    .filter((f) => f.endsWith(".html") && f !== "404.html")
    .map((f) => `${origin}${PREFIX}${f.replace(/index\.html$/, "")}`);
  assert.ok(pages.length >= 10, `${pages.length} pages`);
  const checked = new Map();
  for (const page of pages) {
    const html = await (await fetch(page)).text();
    for (const [, , link] of html.matchAll(/(href|src)="([^"]*)"/g)) {
      const target = new URL(link.replaceAll("&amp;", "&"), page);
      if (target.origin !== origin) continue;
      target.hash = "";
      assert.ok(target.pathname.startsWith(PREFIX), `${page}: ${link} leaves ${PREFIX}`);
      if (!checked.has(target.href)) checked.set(target.href, (await fetch(target)).status);
      assert.equal(checked.get(target.href), 200, `${page}: ${link} is broken`);
    }
  }
  assert.ok(checked.size >= 15, `only ${checked.size} addresses checked`);
});

test("the 404 page works at any depth", async () => {
  if (setupError) throw setupError;
  const { page, errors, context } = await openPage(browser);
  const response = await page.goto(`${origin}${PREFIX}cas/un/ancien/nom/`);
  assert.equal(response.status(), 404);
  const paper = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  assert.equal(paper, "rgb(253, 252, 248)", "the stylesheet did not load");
  const home = page.locator("main a").last();
  await Promise.all([page.waitForURL(`${origin}${PREFIX}`), home.click()]);
  assert.equal(await page.locator("main h1").first().textContent(), "Bienvenue");
  // Chromium logs the 404 status of the page itself; nothing else may fail.
  assert.deepEqual(errors.filter((e) => !e.includes("404")), []);
  await context.close();
});
