#!/usr/bin/env node
// benches/first-search.mjs OFFLINE_DIR [QUERY...]
//
// The first search of a reader in an offline copy (`archipel build --offline`), from
// file:// in Debian's chromium (issue #16): for each query, a fresh browser context opens
// the home page, the query is typed into the header box at once, and the script reports
// the bytes of the search scripts loaded (manifest, term shards, document chunks) and the
// time from the keystroke to the first result shown. Prints one JSON object per query.
// Needs tests/browser's packages (`cd tests/browser && npm ci`).

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { launch } from "../tests/browser/support.mjs";

const [dir, ...args] = process.argv.slice(2);
if (!dir) {
  console.error("usage: benches/first-search.mjs OFFLINE_DIR [QUERY...]");
  process.exit(2);
}
const queries = args.length > 0 ? args : ["coopération", "gouvernance partagée", "confiance"];
const home = pathToFileURL(path.join(path.resolve(dir), "index.html")).href;

const browser = await launch();
try {
  for (const query of queries) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const loaded = [];
    context.on("requestfinished", (r) => {
      const url = r.url();
      if (url.startsWith("file://") && /search-index\.js$|\/search\/shards\//.test(url)) {
        loaded.push(fs.statSync(fileURLToPath(url)).size);
      }
    });
    await page.goto(home);
    const input = page.locator("#recherche-entete");
    await input.focus();
    // Time measured in the page: from the input event to the first result in the list.
    const ms = await page.evaluate(
      (q) =>
        new Promise((resolve) => {
          const popup = document.querySelector("#resultats-entete");
          const box = document.querySelector("#recherche-entete");
          const start = performance.now();
          new MutationObserver((_, observer) => {
            if (popup.querySelector(".search-result") || popup.querySelector(".search-more")) {
              observer.disconnect();
              resolve(performance.now() - start);
            }
          }).observe(popup, { childList: true, subtree: true });
          box.value = q;
          box.dispatchEvent(new Event("input"));
        }),
      query,
    );
    const results = await page.locator("#resultats-entete .search-result").count();
    const bytes = loaded.reduce((a, b) => a + b, 0);
    console.log(JSON.stringify({ query, ms: Math.round(ms), bytes, scripts: loaded.length, results }));
    await context.close();
  }
} finally {
  await browser.close();
}
