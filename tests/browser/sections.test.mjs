// Search answers with the section (issue #11): in the offline copy opened from file://,
// a search for words of a heading lists that section under its page, links to the
// heading's anchor, and the anchor exists on the page; results show an excerpt around
// the matched words.

import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";

import { browserFixture, repo } from "./support.mjs";

// A heading of « Stratégie : alliés et opposants », and words that are only in it.
const HEADING = "2. La théorie du tube de dentifrice";
const QUERY = "tube dentifrice";

const fixture = browserFixture();
const open = () => fixture.open({});

/** The first section result listed in `list` whose heading is HEADING. */
async function sectionResult(list) {
  const sections = list.locator(".search-section", { hasText: "dentifrice" });
  await sections.first().waitFor();
  assert.equal((await sections.first().locator(".result-heading").textContent()).trim(), HEADING);
  assert.ok((await sections.first().locator(".result-heading mark").count()) >= 1);
  return sections.first();
}

/** The section result's link on the search page. */
async function sectionLinks(list) {
  return (await sectionResult(list)).locator("a");
}

test("a search for words of a heading links to its anchor, offline", async () => {
  const { page, requests, errors, context } = await open();
  await page.goto(fixture.site.offlineUrl("index.html"));
  const input = page.locator("#recherche-entete");
  await input.pressSequentially(QUERY);
  const popup = page.locator("#resultats-entete");
  const option = await sectionResult(popup);
  assert.equal(await option.getAttribute("role"), "option");
  const href = await option.getAttribute("data-href");
  assert.match(href, /^fiches-outils\/[^/#]+\/index\.html#[^#]+$/);
  const [file, id] = href.split("#");

  // The anchor exists on the target page, on the heading that was shown.
  const html = fs.readFileSync(`${fixture.site.offline}/${file}`, "utf8");
  assert.ok(html.includes(`id="${id}"`), `no id="${id}" in ${file}`);

  // The section is an option of the list: the keyboard reaches it and opens it.
  const options = popup.locator('[role="option"][data-href]');
  const hrefs = await options.evaluateAll((os) => os.map((o) => o.dataset.href));
  const position = hrefs.indexOf(href);
  assert.ok(position >= 0);
  for (let i = 0; i <= position; i++) await input.press("ArrowDown");
  const target = new URL(href, page.url()).href;
  await Promise.all([page.waitForURL(target), input.press("Enter")]);
  const heading = page.locator(`[id="${id}"]`);
  assert.equal(await heading.count(), 1);
  assert.match(await heading.textContent(), /tube de dentifrice/);

  assert.deepEqual(requests.filter((u) => !u.startsWith("file://")), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the search page lists the section and excerpts around the matched words", async () => {
  const { page, errors, context } = await open();
  await page.goto(`${fixture.site.offlineUrl("search/index.html")}?q=${encodeURIComponent(QUERY)}`);
  const list = page.locator("#resultats");
  const link = await sectionLinks(list);
  assert.match(await link.getAttribute("href"), /index\.html#[^#]+$/);
  // A heading's words only: the section shows the start of its text.
  const source = fs.readFileSync(`${repo}/content/fiches-outils/strategie-allies-et-opposants.md`, "utf8");
  const start = source.split(`## ${HEADING}\n`)[1].trim().split(/\s+/).slice(0, 4).join(" ");
  const snippet = await link.locator(".result-snippet").textContent();
  assert.ok(snippet.startsWith(start), `${snippet} does not start with ${start}`);

  // Words of the heading and of its text: the excerpt is around the matched word.
  await page.goto(`${fixture.site.offlineUrl("search/index.html")}?q=${encodeURIComponent("dentifrice battre")}`);
  const around = await (await sectionLinks(list)).locator(".result-snippet");
  assert.equal(await around.locator("mark").textContent(), "battre");
  const text = await around.textContent();
  assert.ok(text.length > 40 && text.length < 200, text);

  // A word of the body only, in no title, summary or heading: an excerpt shows it.
  await page.goto(`${fixture.site.offlineUrl("search/index.html")}?q=${encodeURIComponent("aiguilleurs")}`);
  const marked = list.locator(".result-snippet mark");
  await marked.first().waitFor();
  assert.equal(await marked.first().textContent(), "aiguilleurs");
  assert.deepEqual(errors, []);
  await context.close();
});
