// Accessibility (issue #12): axe-core, injected into Debian's chromium, finds no serious
// or critical violation on every kind of page of the online guide, with the search open,
// and in the dark colour scheme; the keyboard reaches what the search and the headings
// offer.

import assert from "node:assert/strict";
import fs from "node:fs";
import { createRequire } from "node:module";
import { after, before, describe, test } from "node:test";

import { buildGuide, launch, openPage, serve } from "./support.mjs";

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
// WCAG 2.2 A and AA, and axe's best practices.
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

let site;
let browser;
let server;
let setupError;

before(async () => {
  try {
    site = buildGuide();
    browser = await launch();
    server = await serve(site.online);
  } catch (e) {
    setupError = e;
  }
});

after(async () => {
  await server?.close();
  await browser?.close();
  site?.cleanup();
});

async function open(contextOptions) {
  if (setupError) throw setupError;
  return openPage(browser, contextOptions);
}

/** The serious and critical violations axe finds on `page` as it is now, one line each. */
async function violations(page) {
  await page.addScriptTag({ content: AXE });
  const found = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }),
    TAGS,
  );
  return found.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.length} nodes, first ${v.nodes[0].target.join(" ")}`);
}

/** The addresses axe must check, found by following the site's own links from home. */
async function addresses(page) {
  const origin = server.origin;
  const hrefs = (locator) => locator.evaluateAll((as) => as.map((a) => a.href));
  await page.goto(`${origin}/`);
  const nav = page.getByRole("navigation", { name: /./ }).first();
  const lists = (await hrefs(nav.locator("a"))).filter((h) => !/\/(tags|print|carte)\/$/.test(h));
  assert.ok(lists.length >= 3, `kind lists: ${lists}`);
  const pages = [];
  for (const list of lists) {
    await page.goto(list);
    pages.push((await hrefs(page.locator("main .cards a")))[0]);
  }
  await page.goto(`${origin}/tags/`);
  const tag = (await hrefs(page.locator("main .cards a")))[0];
  const optional = ["carte/", "print/"].filter((p) => fs.existsSync(`${site.online}/${p}index.html`));
  return [
    `${origin}/`,
    ...lists,
    ...pages,
    `${origin}/tags/`,
    tag,
    ...optional.map((p) => `${origin}/${p}`),
    // The 404 page as a host serves it for an unknown address (at the root: without
    // base_url, deeper addresses lose its style; tests/cli cover that case).
    `${origin}/une-page-renommee`,
  ];
}

describe("axe-core finds no serious or critical violation", () => {
  test("on home, lists, one page of each kind, tags, map, print and 404", async () => {
    const { page, errors, context } = await open();
    const found = [];
    for (const address of await addresses(page)) {
      await page.goto(address);
      for (const v of await violations(page)) found.push(`${address}: ${v}`);
    }
    assert.deepEqual(found, []);
    assert.deepEqual(errors.filter((e) => !e.includes("404")), []);
    await context.close();
  });

  test("on the search page with results, and the header search open with results", async () => {
    const { page, errors, context } = await open();
    await page.goto(`${server.origin}/search/?q=cooperation`);
    await page.locator("#resultats li").first().waitFor();
    assert.deepEqual(await violations(page), []);

    await page.goto(`${server.origin}/`);
    await page.locator("#recherche-entete").pressSequentially("confian");
    await page.locator("#resultats-entete [role=option]").first().waitFor();
    await page.keyboard.press("ArrowDown");
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("on home and a page in the dark colour scheme", async () => {
    const { page, errors, context } = await open({ colorScheme: "dark" });
    for (const address of [`${server.origin}/`, `${server.origin}/fiches-pratiques/`]) {
      await page.goto(address);
      const paper = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      assert.notEqual(paper, "rgb(253, 252, 248)", "the dark scheme keeps the light paper");
      assert.deepEqual(await violations(page), [], address);
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
});

/** The WCAG contrast ratio of two `rgb(r, g, b)` colours. */
function contrast(a, b) {
  const luminance = (css) => {
    const [r, g, bl] = css.match(/[\d.]+/g).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test("form controls have borders of 3:1 against their background, light and dark", async () => {
  for (const colorScheme of ["light", "dark"]) {
    const { page, context } = await open({ colorScheme });
    await page.goto(`${server.origin}/search/`);
    for (const id of ["#recherche-entete", "#recherche"]) {
      const [border, inside, around] = await page.locator(id).evaluate((input) => {
        const style = getComputedStyle(input);
        let parent = input.parentElement;
        while (getComputedStyle(parent).backgroundColor === "rgba(0, 0, 0, 0)") parent = parent.parentElement;
        return [style.borderTopColor, style.backgroundColor, getComputedStyle(parent).backgroundColor];
      });
      for (const bg of [inside, around]) {
        const ratio = contrast(border, bg);
        assert.ok(ratio >= 3, `${colorScheme} ${id}: border ${border} on ${bg} is ${ratio.toFixed(2)}:1`);
      }
    }
    await context.close();
  }
});

test("reduced motion: in-page links jump instead of gliding", async () => {
  for (const [reducedMotion, expected] of [["no-preference", "smooth"], ["reduce", "auto"]]) {
    const { page, context } = await open({ reducedMotion });
    await page.goto(`${server.origin}/`);
    const behaviour = await page.evaluate(() => getComputedStyle(document.documentElement).scrollBehavior);
    assert.equal(behaviour, expected, reducedMotion);
    await context.close();
  }
});

test("a page printed from the dark colour scheme has dark ink on white paper", async () => {
  const { page, context } = await open({ colorScheme: "dark" });
  await page.goto(`${server.origin}/fiches-pratiques/`);
  await page.emulateMedia({ media: "print" });
  const [ink, paper] = await page.evaluate(() => {
    const style = getComputedStyle(document.body);
    return [style.color, getComputedStyle(document.documentElement).backgroundColor];
  });
  assert.equal(paper, "rgb(255, 255, 255)");
  assert.ok(contrast(ink, paper) >= 12, `ink ${ink}`);
  await context.close();
});

describe("keyboard", () => {
  test("the header search is an ARIA 1.2 combobox", async () => {
    const { page, context } = await open();
    await page.goto(`${server.origin}/`);
    const input = page.getByRole("combobox", { name: /./ });
    assert.equal(await input.getAttribute("aria-expanded"), "false");
    await input.pressSequentially("confian");
    const listbox = page.getByRole("listbox");
    await listbox.waitFor();
    assert.equal(await input.getAttribute("aria-expanded"), "true");
    assert.equal(await input.getAttribute("aria-controls"), await listbox.getAttribute("id"));
    await input.press("ArrowDown");
    const active = await input.getAttribute("aria-activedescendant");
    const option = page.locator(`#${active}`);
    assert.equal(await option.getAttribute("role"), "option");
    assert.equal(await option.getAttribute("aria-selected"), "true");
    await input.press("Escape");
    assert.equal(await input.getAttribute("aria-expanded"), "false");
    assert.equal(await input.getAttribute("aria-activedescendant"), null);
    // A click on an option goes where it leads.
    await input.press("ArrowDown");
    const first = page.locator("#resultats-entete [data-href]").first();
    const target = new URL(await first.getAttribute("data-href"), page.url()).href;
    await Promise.all([page.waitForURL(target), first.click()]);
    await context.close();
  });

  test("Tab reaches the results of the search page, which are plain links", async () => {
    const { page, context } = await open();
    await page.goto(`${server.origin}/search/?q=cooperation`);
    const links = page.locator("#resultats a");
    await links.first().waitFor();
    assert.equal(await page.locator("#resultats [role]").count(), 0);
    await page.locator("#recherche").focus();
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => document.activeElement.href);
    assert.equal(focused, await links.first().evaluate((a) => a.href));
    await context.close();
  });

  test("heading anchors are reached by Tab, named and shown when focused", async () => {
    const { page, context } = await open();
    await page.goto(`${server.origin}/fiches-pratiques/`);
    await page.locator("main .cards a").first().click();
    const anchor = page.locator(".content .anchor").first();
    assert.equal(await anchor.getAttribute("aria-hidden"), null);
    const heading = (await anchor.evaluate((a) => a.parentElement.textContent)).replace(/#$/, "");
    // From the heading itself, the next Tab stop is its anchor.
    await anchor.evaluate((a) => {
      a.parentElement.setAttribute("tabindex", "-1");
      a.parentElement.focus();
    });
    await page.keyboard.press("Tab");
    assert.ok(await anchor.evaluate((a) => a === document.activeElement), "Tab never reached the anchor");
    assert.equal(await anchor.evaluate((a) => getComputedStyle(a).opacity), "1");
    const name = await anchor.getAttribute("aria-label");
    assert.ok(name && name.includes(heading.trim()), `anchor name: ${name}`);
    await context.close();
  });
});
