// The English fixture site (issue #12): search.js speaks the site's language, from the
// strings the build writes into each page.

import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, test } from "node:test";

import { buildGuide, fixture, launch, openPage } from "./support.mjs";

let root;
let site;
let browser;
let setupError;

before(async () => {
  try {
    root = fixture("english");
    site = buildGuide(root);
    browser = await launch();
  } catch (e) {
    setupError = e;
  }
});

after(async () => {
  await browser?.close();
  site?.cleanup();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

test("search messages are in English, offline too", async () => {
  if (setupError) throw setupError;
  const { page, errors, context } = await openPage(browser, { offline: true });
  await page.goto(`${site.offlineUrl("search/index.html")}?q=listening`);
  const status = page.locator("#resultats-etat");
  await page.locator("#resultats a").first().waitFor();
  assert.match(await status.textContent(), /^\d+ results for “listening”$/);
  await page.locator("#recherche").fill("");
  await page.locator("#recherche").pressSequentially("zzzz");
  await page.waitForFunction(() => document.querySelector("#resultats-etat").textContent.startsWith("No results"));
  assert.equal(await status.textContent(), "No results for “zzzz”");

  const input = page.locator("#recherche-entete");
  await input.pressSequentially("vot");
  const popup = page.locator("#resultats-entete");
  await popup.waitFor({ state: "visible" });
  assert.equal(await popup.locator(".search-more").textContent(), "Open the search page →");
  assert.match(await page.locator(".search-box [role=status]").textContent(), /^\d+ results?$/);
  assert.deepEqual(errors, []);
  await context.close();
});
