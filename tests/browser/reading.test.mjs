// Reading order in a real browser (#11): from the first page of the first kind, the
// « suivant » links lead through every page of every kind once, to the last page, and
// the « précédent » links lead back the same way, in the offline copy from file://.

import assert from "node:assert/strict";
import { test } from "node:test";

import { browserFixture, guidePages } from "./support.mjs";

// The guide's kinds, in their declared order in archipel.toml.
const KINDS = ["fiches-pratiques", "fiches-outils", "temoignages"];

const fixture = browserFixture();

/** The file:// URLs of the pages of a kind, as its list page links them, in order. */
async function listed(page, kind) {
  await page.goto(fixture.site.offlineUrl(`${kind}/index.html`));
  return page.locator("main .cards a").evaluateAll((as) => as.map((a) => a.href));
}

/** Follows the reading-order link `rel` from page to page until there is none. */
async function walk(page, start, rel) {
  await page.goto(start);
  const seen = [page.url()];
  for (;;) {
    const link = page.locator(`nav.reading-order a[rel="${rel}"]`);
    if ((await link.count()) === 0) return seen;
    const target = await link.evaluate((a) => a.href);
    assert.ok(!seen.includes(target), `${rel} from ${page.url()} leads back to ${target}`);
    await Promise.all([page.waitForURL(target), link.click()]);
    seen.push(page.url());
  }
}

test("« suivant » goes through the whole guide once, « précédent » comes back", async () => {
  const { context, page, errors } = await fixture.open();
  const expected = [];
  for (const kind of KINDS) expected.push(...(await listed(page, kind)));
  assert.equal(expected.length, guidePages(KINDS), "the lists name every page of every kind");
  assert.ok(expected.length > 40);

  const forward = await walk(page, expected[0], "next");
  assert.deepEqual(forward, expected);
  // The head says the same as the visible links, on the last page as on the others.
  assert.equal(await page.locator('head link[rel="next"]').count(), 0);
  const prev = await page.locator('head link[rel="prev"]').evaluate((l) => l.href);
  assert.equal(prev, expected.at(-2));
  assert.match(await page.locator('nav.reading-order a[rel="prev"]').textContent(), /précédent/);

  const back = await walk(page, expected.at(-1), "prev");
  assert.deepEqual(back, [...expected].reverse());
  assert.equal(await page.locator('head link[rel="prev"]').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});
