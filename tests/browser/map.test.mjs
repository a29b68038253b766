// The map of the guide in a real browser (issue #11): from the offline copy opened from
// file://, the map is drawn, every node is a link that leads to its page, the tag filter
// dims the other pages, and the map prints without its filter.

import assert from "node:assert/strict";
import { test } from "node:test";

import { browserFixture } from "./support.mjs";

const s = browserFixture();
const open = (options) => s.open(options);

test("the map is reached from the navigation and its nodes lead to their pages, offline", async () => {
  const { page, context, errors, requests } = await open({ offline: true });
  await page.goto(s.site.offlineUrl("index.html"));
  await Promise.all([
    page.waitForURL(s.site.offlineUrl("carte/index.html")),
    page.getByRole("link", { name: "Carte du guide" }).click(),
  ]);
  const svg = page.locator("svg.map-svg");
  const box = await svg.boundingBox();
  assert.ok(box.width > 600 && box.height > 600, `map of ${box.width}×${box.height}`);
  assert.equal(await svg.getAttribute("aria-labelledby"), "carte-titre");

  // Every node is a visible link named by its page's title, to a file of the copy.
  const nodes = page.locator("svg.map-svg a.node");
  const count = await nodes.count();
  assert.ok(count >= 45, `${count} nodes`);
  const targets = [];
  for (let k = 0; k < count; k++) {
    const node = nodes.nth(k);
    const href = await node.getAttribute("href");
    assert.match(href, /index\.html$/);
    const name = await node.locator("title").textContent();
    targets.push({ url: new URL(href, page.url()).href, name });
  }
  // The accessibility tree names the links by their titles.
  const named = page.getByRole("link", { name: targets[10].name, exact: true });
  assert.ok((await named.count()) >= 1, `no link named ${targets[10].name}`);

  // Clicking a node (a testimony in the middle of the map) opens its page.
  const node = nodes.nth(10);
  await node.scrollIntoViewIfNeeded();
  await Promise.all([page.waitForURL(targets[10].url), node.click()]);
  const h1 = (await page.locator("main h1").first().textContent()).trim();
  assert.equal(h1, targets[10].name);

  // Every other node leads to an existing page of the copy whose title is its name.
  for (const t of targets) {
    await page.goto(t.url);
    const title = (await page.locator("main h1").first().textContent()).trim();
    if (t.url.endsWith("/offline/index.html")) continue; // the home's h1 is the site's title
    assert.equal(title, t.name, t.url);
  }
  assert.deepEqual(requests.filter((r) => !r.startsWith("file://")), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a tag dims the pages without it; without the script or in print the map is whole", async () => {
  const { page, context, errors } = await open({ offline: true });
  await page.goto(s.site.offlineUrl("carte/index.html"));
  const select = page.getByLabel("Mettre en avant un thème");
  await select.selectOption("confiance");
  const dim = page.locator("svg.map-svg a.node.dim");
  const lit = page.locator("svg.map-svg a.node:not(.dim)");
  assert.ok((await dim.count()) > 0 && (await lit.count()) > 0);
  for (const tags of await lit.evaluateAll((as) => as.map((a) => a.dataset.tags))) {
    assert.ok(tags.split(" ").includes("confiance"), tags);
  }
  await select.selectOption("");
  assert.equal(await dim.count(), 0);

  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator(".map-filter").isVisible(), false);
  assert.ok(await page.locator("svg.map-svg").isVisible());
  assert.ok(await page.locator(".map-legend").isVisible());
  await context.close();

  const noScript = await open({ offline: true, javaScriptEnabled: false });
  await noScript.page.goto(s.site.offlineUrl("carte/index.html"));
  assert.equal(await noScript.page.locator(".map-filter").isVisible(), false);
  assert.ok((await noScript.page.locator("svg.map-svg a.node").count()) >= 45);
  assert.deepEqual(errors, []);
  await noScript.context.close();
});
