// End-to-end tests of the guide in a real browser (issue #5): the offline copy opened
// from file://, clicked through and searched, and the same search on the online build
// served over HTTP. Run with `npm ci && npm test` in tests/browser; they fail, not skip,
// when chromium is missing.

import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";

import { browserFixture, guidePages, serve } from "./support.mjs";

// Three spellings of one word: case, accents and plural must not change the results.
const QUERIES = ["cooperation", "COOPÉRATION", "coopérations"];
// How many of the first results must agree.
const FIRST = 5;

// The guide built online and offline, and the browser.
const fixture = browserFixture();
const open = (contextOptions) => fixture.open(contextOptions);

/** Clicks `link` and waits for the page it leads to. */
async function follow(page, link) {
  const href = await link.getAttribute("href");
  const target = new URL(href, page.url()).href.split("#")[0];
  await Promise.all([page.waitForURL(target), link.click()]);
  return target;
}

/** Asserts that the page is one of the copy's pages, not a directory listing. */
async function assertPage(page, pattern) {
  assert.match(page.url(), pattern);
  const h1 = (await page.locator("main h1").first().textContent()).trim();
  assert.ok(h1.length > 0, `${page.url()} has no title`);
  assert.doesNotMatch(h1, /^Index of/);
  return h1;
}

/** Types `query` into the header box and returns the titles of the results it shows. */
async function headerResults(page, query) {
  const input = page.locator("#recherche-entete");
  await input.fill("");
  await input.pressSequentially(query);
  const popup = page.locator("#resultats-entete");
  await popup.waitFor({ state: "visible" });
  assert.ok((await popup.locator("mark").count()) > 0, `no highlighted word for ${query}`);
  return popup.locator(".result-title").allTextContents();
}

/** The titles listed by the search page for `query`. */
async function pageResults(page, url, query) {
  await page.goto(`${url}?q=${encodeURIComponent(query)}`);
  assert.equal(await page.locator("#recherche").inputValue(), query);
  await page.locator("#resultats .result-title").first().waitFor();
  const titles = await page.locator("#resultats .result-title").allTextContents();
  assert.ok((await page.locator("#resultats mark").count()) > 0);
  return titles;
}

/**
 * Searches the three spellings in the header box and on the search page, checks that
 * they agree, then opens the first result with the keyboard. Returns the first titles.
 */
async function searchEverywhere(page, home, searchUrl) {
  await page.goto(home);
  const first = [];
  for (const query of QUERIES) {
    first.push((await headerResults(page, query)).slice(0, FIRST));
  }
  assert.ok(first[0].length >= 3, `too few results: ${first[0]}`);
  assert.match(first[0][0], /coopération/i);
  for (const titles of first.slice(1)) assert.deepEqual(titles, first[0]);

  // Escape closes the results; arrows and Enter open one.
  const input = page.locator("#recherche-entete");
  await input.press("Escape");
  await page.locator("#resultats-entete").waitFor({ state: "hidden" });
  await input.press("ArrowDown");
  const selected = page.locator('#resultats-entete [aria-selected="true"]');
  assert.equal(await selected.locator(".result-title").textContent(), first[0][0]);
  const target = new URL(await selected.getAttribute("data-href"), page.url()).href;
  await Promise.all([page.waitForURL(target), input.press("Enter")]);
  assert.equal((await page.locator("main h1").first().textContent()).trim(), first[0][0]);

  for (const query of QUERIES) {
    const titles = await pageResults(page, searchUrl, query);
    assert.deepEqual(titles.slice(0, FIRST), first[0], `search page, ${query}`);
  }
  return first[0];
}

describe("offline copy from file://", () => {
  test("clicks from home to a kind list, a sheet, a tag, a testimony and back via a backlink", async () => {
    const { page, requests, errors, context } = await open({ offline: true });
    await page.goto(fixture.site.offlineUrl("index.html"));
    await assertPage(page, /\/index\.html$/);

    const nav = page.getByRole("navigation", { name: "Navigation principale" });
    await follow(page, nav.getByRole("link", { name: "Fiches pratiques", exact: true }));
    await assertPage(page, /\/fiches-pratiques\/index\.html$/);

    const sheetLink = page.locator("main .cards a").first();
    const sheetTitle = (await sheetLink.textContent()).trim();
    const sheet = await follow(page, sheetLink);
    assert.equal(await assertPage(page, /\/fiches-pratiques\/[^/]+\/index\.html$/), sheetTitle);

    // The sheet's testimonies, and a tag of the sheet that lists one of them.
    const abs = async (links) =>
      (await links.evaluateAll((as) => as.map((a) => a.href))).map((h) => h.split("#")[0]);
    const testimonies = await abs(page.locator(".rel-testimonies a"));
    assert.ok(testimonies.length > 0, "the sheet lists no testimony");
    const tags = page.locator(".page-header .tags a");
    const tagUrls = await abs(tags);
    const listsOne = (url) => {
      const html = fs.readFileSync(fileURLToPath(url), "utf8");
      return testimonies.some((t) => html.includes(t.split("/").slice(-3).join("/")));
    };
    const tagIndex = tagUrls.findIndex(listsOne);
    assert.ok(tagIndex >= 0, `no tag of ${sheet} lists its testimonies`);
    await follow(page, tags.nth(tagIndex));
    await assertPage(page, /\/tags\/[^/]+\/index\.html$/);

    const onTag = page.locator('.tag-page a[href*="temoignages/"]');
    const onTagUrls = await abs(onTag);
    const pick = onTagUrls.findIndex((u) => testimonies.includes(u));
    assert.ok(pick >= 0);
    await follow(page, onTag.nth(pick));
    await assertPage(page, /\/temoignages\/[^/]+\/index\.html$/);

    const backlinks = page.locator(".links .relation a");
    const back = (await abs(backlinks)).indexOf(sheet);
    assert.ok(back >= 0, "the testimony has no relation to the sheet");
    assert.equal(await follow(page, backlinks.nth(back)), sheet);
    assert.equal(await assertPage(page, /\/fiches-pratiques\/[^/]+\/index\.html$/), sheetTitle);

    assert.ok(requests.length >= 10, `only ${requests.length} requests seen`);
    assert.deepEqual(requests.filter((u) => !u.startsWith("file://")), []);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("search folds case, accents and plurals, and needs no network", async () => {
    const { page, requests, errors, context } = await open({ offline: true });
    await searchEverywhere(
      page,
      fixture.site.offlineUrl("index.html"),
      fixture.site.offlineUrl("search/index.html"),
    );
    // Results lead to files, never to directories.
    const hrefs = await page.locator("#resultats a").evaluateAll((as) => as.map((a) => a.href));
    assert.ok(hrefs.length > 0);
    for (const href of hrefs) assert.match(href, /^file:\/\/.*\.html(#[^#/]+)?$/);
    assert.deepEqual(requests.filter((u) => !u.startsWith("file://")), []);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe("online build over HTTP", () => {
  let server;
  before(async () => {
    if (fixture.site) server = await serve(fixture.site.online);
  });
  after(async () => {
    await server?.close();
  });

  test("search gives the same first results", async () => {
    const { page, requests, errors, context } = await open();
    await searchEverywhere(page, `${server.origin}/`, `${server.origin}/search/`);
    const hrefs = await page.locator("#resultats a").evaluateAll((as) => as.map((a) => a.href));
    for (const href of hrefs) assert.ok(href.startsWith(`${server.origin}/`), href);
    assert.deepEqual(requests.filter((u) => !u.startsWith(`${server.origin}/`)), []);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe("print", () => {
  test("a page prints without navigation chrome, the printable guide holds every sheet", async () => {
    const { page, errors, context } = await open({ offline: true });
    await page.emulateMedia({ media: "print" });
    await page.goto(fixture.site.offlineUrl("fiches-pratiques/5-recreer-la-confiance/index.html"));
    for (const chrome of [".site-header", ".site-footer", ".links"]) {
      assert.equal(await page.locator(chrome).first().isVisible(), false, `${chrome} prints`);
    }
    assert.ok(await page.locator("main h1").isVisible());
    assert.ok(await page.locator("main .content").isVisible());

    await page.goto(fixture.site.offlineUrl("print/index.html"));
    const sheets = await page.locator(".print-section article.print-page").count();
    assert.equal(sheets, guidePages(["fiches-pratiques", "fiches-outils", "temoignages"]));
    assert.equal(await page.locator(".site-header").isVisible(), false);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
