// search.js must turn words into exactly the terms that the build indexed: the same
// vectors are checked by the Rust unit tests of src/render/search.rs.

import assert from "node:assert/strict";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { test } from "node:test";

import { repo } from "./support.mjs";

const require = createRequire(import.meta.url);
const search = require(path.join(repo, "themes/default/static/search.js"));

test("search.js gives the terms of tests/fixtures/search/terms.tsv", () => {
  const vectors = fs
    .readFileSync(path.join(repo, "tests/fixtures/search/terms.tsv"), "utf8")
    .split("\n")
    .filter((l) => l && !l.startsWith("#"));
  assert.ok(vectors.length >= 20);
  for (const line of vectors) {
    const [text, expected] = line.split("\t");
    assert.equal(search.terms(text).join(" "), expected, `terms of ${JSON.stringify(text)}`);
  }
});
