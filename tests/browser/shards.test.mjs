// The sharded search index (issue #16): on a generated corpus of a few thousand pages,
// built offline twice, once with the postings in shards loaded on demand and once in a
// single index, searches from file:// give the same results, and the first one loads
// only a part of the index.

import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";

import { archipelBin, browserFixture, repo, run } from "./support.mjs";

const PAGES = 2000;
// Words, phrases, words being typed (prefixes) and a word no page holds.
const QUERIES = [
  "coopération",
  "gouvernance partagée",
  "CONFIANCE réseau",
  "écoute",
  "décision consentement",
  "médiation conflit tension",
  "coopé",
  "territoire fin",
  "fiche outil",
  "témoignage action partagé",
  "zygomatique",
];

/** The corpus, built offline with shards (`sharded`) and with one index (`single`). */
function buildCorpus() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "archipel-shards-"));
  const root = path.join(dir, "site");
  run(path.join(repo, "benches/make-corpus"), [String(PAGES), root]);
  const bin = archipelBin();
  const sharded = path.join(dir, "sharded");
  const single = path.join(dir, "single");
  run(bin, ["build", "--root", root, "--offline", "--out", sharded]);
  const config = path.join(root, "archipel.toml");
  fs.appendFileSync(config, "\n[search]\nshard_above = 1000000000\n");
  run(bin, ["build", "--root", root, "--offline", "--out", single]);
  return {
    sharded,
    single,
    url: (copy, file) => pathToFileURL(path.join(copy, file)).href,
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

const fixture = browserFixture(buildCorpus);

/** What the search page of `copy` lists for `query`: its status (the number of results)
 * and the first 40 results, with their sections and excerpts. */
async function results(page, copy, query) {
  const site = fixture.site;
  await page.goto(`${site.url(copy, "search/index.html")}?q=${encodeURIComponent(query)}`);
  const status = page.locator("#resultats-etat");
  await page.waitForFunction(
    () => !/Chargement/.test(document.querySelector("#resultats-etat").textContent),
  );
  // The first results, and the next ones once.
  const more = page.locator(".search-more-results");
  if (await more.count()) {
    const shown = await page.locator("#resultats li").count();
    await more.click();
    await page.waitForFunction((n) => document.querySelectorAll("#resultats li").length > n, shown);
  }
  const items = await page
    .locator("#resultats a")
    .evaluateAll((as) => as.map((a) => [a.getAttribute("href"), a.textContent]));
  return { status: await status.textContent(), items };
}

test("the sharded index is split, and answers as the single index does", async () => {
  const site = fixture.site ?? (await fixture.open()); // fails with the setup's error
  const shards = fs.readdirSync(path.join(site.sharded, "search/shards"));
  assert.ok(shards.filter((f) => f.startsWith("t-")).length > 20, "no term shards");
  assert.ok(!fs.readdirSync(path.join(site.single, "search/shards")).some((f) => f.startsWith("t-")));

  const { page, errors, context } = await fixture.open();
  let nonEmpty = 0;
  for (const query of QUERIES) {
    const sharded = await results(page, site.sharded, query);
    const single = await results(page, site.single, query);
    assert.deepEqual(sharded, single, query);
    if (sharded.items.length > 0) nonEmpty++;
  }
  assert.ok(nonEmpty >= QUERIES.length - 1, `only ${nonEmpty} queries found anything`);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the first search loads a small part of the sharded index", async () => {
  const site = fixture.site ?? (await fixture.open());
  const { page, requests, errors, context } = await fixture.open();
  await page.goto(site.url(site.sharded, "index.html"));
  await page.locator("#recherche-entete").pressSequentially("coopération");
  await page.locator("#resultats-entete .search-result").first().waitFor();
  const bytes = (copy, urls) =>
    urls
      .filter((u) => u.includes("search"))
      .map((u) => fs.statSync(new URL(u)).size)
      .reduce((a, b) => a + b, 0);
  const loaded = bytes(site.sharded, requests.filter((u) => u.endsWith(".js")));
  const single = fs.statSync(path.join(site.single, "search-index.js")).size;
  assert.ok(loaded < single / 4, `loaded ${loaded} bytes; the single index has ${single}`);
  assert.deepEqual(requests.filter((u) => !u.startsWith("file://")), []);
  assert.deepEqual(errors, []);
  await context.close();
});
