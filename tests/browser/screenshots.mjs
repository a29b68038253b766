// Takes the theme's screenshots into docs/screenshots/: home, a practice sheet, a tag
// page, the map of the guide and search results, a sheet's relations, at desktop and
// phone width; home and the sheet in the dark colour scheme; home and a story of the
// English fixture site. All from offline builds. Not a test: run
// `node tests/browser/screenshots.mjs` after a theme change, look at the pictures, and
// commit them with the change.
import fs from "node:fs";
import path from "node:path";

import { buildGuide, fixture, launch, repo } from "./support.mjs";

const PAGES = [
  { name: "accueil", file: "index.html" },
  { name: "fiche-pratique", file: "fiches-pratiques/5-recreer-la-confiance/index.html" },
  // A sheet's typed relations and its previous / next links (#11): that part of the page
  // only, however tall.
  {
    name: "fiche-pratique-relations",
    file: "fiches-pratiques/7-accepter-et-gerer-les-conflits/index.html",
    clip: ["footer.links", "nav.reading-order"],
  },
  { name: "theme", file: "tags/confiance/index.html" },
  { name: "carte", file: "carte/index.html", fullPage: true },
  { name: "recherche", file: "search/index.html", query: "coopération" },
  { name: "recherche-entete", file: "index.html", type: "confian" },
];

const SIZES = [
  { name: "bureau", viewport: { width: 1280, height: 860 } },
  { name: "mobile", viewport: { width: 390, height: 780 }, isMobile: true, hasTouch: true },
];

/** Screenshot options for the part of the page that the `selectors` cover. */
async function region(page, selectors) {
  const clip = await page.evaluate((selectors) => {
    const boxes = selectors.map((s) => document.querySelector(s).getBoundingClientRect());
    const top = Math.min(...boxes.map((b) => b.top)) + window.scrollY - 16;
    const bottom = Math.max(...boxes.map((b) => b.bottom)) + window.scrollY + 16;
    return { x: 0, y: top, width: document.documentElement.clientWidth, height: bottom - top };
  }, selectors);
  return { fullPage: true, clip };
}

const out = path.join(repo, "docs/screenshots");
fs.mkdirSync(out, { recursive: true });
const site = buildGuide();
const browser = await launch();
try {
  for (const size of SIZES) {
    const context = await browser.newContext({
      viewport: size.viewport,
      isMobile: size.isMobile || false,
      hasTouch: size.hasTouch || false,
      offline: true,
    });
    const page = await context.newPage();
    for (const p of PAGES) {
      const query = p.query ? `?q=${encodeURIComponent(p.query)}` : "";
      await page.goto(site.offlineUrl(p.file) + query);
      if (p.type) {
        await page.locator("#recherche-entete").pressSequentially(p.type);
        await page.locator("#resultats-entete").waitFor({ state: "visible" });
        await page.keyboard.press("ArrowDown");
      }
      const file = path.join(out, `${p.name}-${size.name}.png`);
      const shot = p.clip ? await region(page, p.clip) : {};
      await page.screenshot({ path: file, fullPage: p.fullPage || false, ...shot });
      console.log(`${path.relative(repo, file)}: ${fs.statSync(file).size} bytes`);
    }
    await context.close();
  }
  // The dark colour scheme (prefers-color-scheme), at desktop width.
  const dark = await browser.newContext({ viewport: SIZES[0].viewport, colorScheme: "dark", offline: true });
  const page = await dark.newPage();
  for (const p of PAGES.slice(0, 2)) {
    await page.goto(site.offlineUrl(p.file));
    const file = path.join(out, `${p.name}-sombre.png`);
    await page.screenshot({ path: file });
    console.log(`${path.relative(repo, file)}: ${fs.statSync(file).size} bytes`);
  }
  await dark.close();
  // The English fixture site (tests/fixtures/english): the theme's English strings.
  const englishRoot = fixture("english");
  const english = buildGuide(englishRoot);
  const en = await browser.newContext({ viewport: SIZES[0].viewport, offline: true });
  const enPage = await en.newPage();
  for (const [name, file] of [["english-home", "index.html"], ["english-story", "stories/first/index.html"]]) {
    await enPage.goto(english.offlineUrl(file));
    const shot = path.join(out, `${name}.png`);
    await enPage.screenshot({ path: shot });
    console.log(`${path.relative(repo, shot)}: ${fs.statSync(shot).size} bytes`);
  }
  await en.close();
  english.cleanup();
  fs.rmSync(englishRoot, { recursive: true, force: true });
} finally {
  await browser.close();
  site.cleanup();
}
