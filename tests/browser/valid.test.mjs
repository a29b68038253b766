// Valid HTML (issue #12): every HTML file of the guide's online and offline builds passes
// the Nu HTML checker (the `vnu-jar` package, run by Java) with no error. The checker is
// started once over all the files, because it takes seconds to start.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, test } from "node:test";

import vnu from "vnu-jar";

import { buildGuide } from "./support.mjs";

/** Every `.html` file under `dir`. */
function htmlFiles(dir) {
  return fs
    .readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith(".html"))
    .map((f) => path.join(dir, f));
}

let site;
after(() => site?.cleanup());

test("every page of both builds passes the Nu HTML checker", () => {
  site = buildGuide();
  const files = [...htmlFiles(site.online), ...htmlFiles(site.offline)];
  assert.ok(files.length > 80, `only ${files.length} HTML files`);
  const java = spawnSync("java", ["-version"], { encoding: "utf8" });
  assert.equal(java.status, 0, "java is missing: .ci/run installs default-jre-headless");
  const run = spawnSync("java", ["-jar", String(vnu), "--errors-only", "--format", "json", ...files], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.ok(run.stderr.trim().startsWith("{"), `vnu did not run: ${run.stderr}`);
  const messages = JSON.parse(run.stderr).messages;
  const errors = messages
    .filter((m) => m.type === "error" || m.subType === "fatal")
    .map((m) => `${m.url.replace(/^file:.*?archipel-browser-[^/]+\//, "")}:${m.lastLine}: ${m.message}`);
  assert.deepEqual(errors, []);
  assert.equal(run.status, 0);
});
