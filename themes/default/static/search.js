// archipel search: queries, in the browser, the term index that the build writes as
// search-index.js (`window.ARCHIPEL_SEARCH`). The index is loaded on first use by a
// <script> element this file adds, which works from file:// too; nothing else is fetched.
//
// Folding, stop words and stemming must give exactly the terms of the Rust side:
// `fold_char` in src/slug.rs, `STOP_WORDS`, `SUFFIXES`, `stem` and `terms` in
// src/render/search.rs. Change both together: tests/fixtures/search/terms.tsv holds
// words and their terms, and both the Rust unit tests and tests/browser check them.
(function () {
  "use strict";

  // --- Terms: the same pipeline as src/render/search.rs ---------------------------------

  const FOLD = {};
  for (const [to, from] of [
    ["a", "àáâäãå"], ["A", "ÀÁÂÄÃÅ"], ["c", "ç"], ["C", "Ç"], ["e", "èéêë"], ["E", "ÈÉÊË"],
    ["i", "ìíîï"], ["I", "ÌÍÎÏ"], ["n", "ñ"], ["N", "Ñ"], ["o", "òóôöõ"], ["O", "ÒÓÔÖÕ"],
    ["u", "ùúûü"], ["U", "ÙÚÛÜ"], ["y", "ÿ"], ["Y", "Ÿ"], ["oe", "œ"], ["OE", "Œ"],
    ["ae", "æ"], ["AE", "Æ"], [" ", "’'"],
  ]) {
    for (const c of from) FOLD[c] = to;
  }

  // Lowercases and folds accents, one character at a time as Rust's `fold` does
  // (String.prototype.toLowerCase on a whole string would treat a final sigma apart).
  function fold(text) {
    let out = "";
    for (const c of text) {
      const f = FOLD[c];
      out += f === undefined ? c.toLowerCase() : f.toLowerCase();
    }
    return out;
  }

  // Rust's `char::is_alphanumeric`: alphabetic, or numeric (Nd, Nl, No).
  const WORD = /[\p{Alphabetic}\p{N}]+/gu;
  const ENDS_IN_WORD = /[\p{Alphabetic}\p{N}]$/u;

  const STOP_WORDS = new Set([
    "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "elle", "en", "et", "eux", "il",
    "je", "la", "le", "les", "leur", "lui", "ma", "mais", "me", "meme", "mes", "moi", "mon", "ne",
    "nos", "notre", "nous", "on", "ou", "par", "pas", "pour", "qu", "que", "qui", "sa", "se",
    "ses", "son", "sur", "ta", "te", "tes", "toi", "ton", "tu", "un", "une", "vos", "votre",
    "vous", "est", "sont", "ont", "the", "and", "of", "to", "a", "d", "l", "c", "s", "n", "y",
  ]);

  // Longest first, as in Rust.
  const SUFFIXES = [
    "issement", "ations", "ation", "ements", "ement", "ments", "ment", "istes", "iste", "ismes",
    "isme", "iques", "ique", "ables", "able", "ances", "ance", "ences", "ence", "euses", "euse",
    "eurs", "eur", "ites", "ite", "ives", "ive", "ifs", "if", "ees", "ee", "er", "es", "e", "s",
    "x",
  ];

  // Rust measures words in UTF-8 bytes.
  function byteLength(s) {
    let n = 0;
    for (const c of s) {
      const p = c.codePointAt(0);
      n += p < 0x80 ? 1 : p < 0x800 ? 2 : p < 0x10000 ? 3 : 4;
    }
    return n;
  }

  function isAscii(s) {
    return !/[^\x00-\x7f]/.test(s);
  }

  function stem(word) {
    if (word.length <= 4 || !isAscii(word)) return word;
    if (word.endsWith("eaux")) return word.slice(0, -1);
    if (word.endsWith("aux") && word.length - 3 >= 3) return word.slice(0, -3) + "al";
    for (const suffix of SUFFIXES) {
      if (word.endsWith(suffix) && word.length - suffix.length >= 4) {
        return word.slice(0, -suffix.length);
      }
    }
    return word;
  }

  // A folded word that the index keeps (long enough, not a stop word).
  function kept(word) {
    return byteLength(word) >= 2 && !STOP_WORDS.has(word);
  }

  function terms(text) {
    return (fold(text).match(WORD) || []).filter(kept).map(stem);
  }

  // --- The index -------------------------------------------------------------------------

  // A typed word of `remainder` letters past a stem may still be on its way to a suffix:
  // "coopérati" is heading for "coopération", whose term is "cooper".
  function startsSomeSuffix(remainder) {
    return SUFFIXES.some((s) => s.startsWith(remainder));
  }

  // How much a term matched by prefix only counts, against one matched exactly.
  const PREFIX_FACTOR = 0.8;
  // Prefix matching starts at this many characters, so that one letter does not list
  // the whole index.
  const MIN_PREFIX = 2;
  // In a sharded index, at this many: the terms that start with two letters fill many
  // shards (most of a large index), too much to load for one keystroke.
  const MIN_SHARD_PREFIX = 3;

  // Where a term's postings are, in a sharded index: the shard of the longest key that
  // starts it (src/render/search/files.rs). Keys are sorted.
  function shardOf(keys, term) {
    let best = null;
    for (const key of keys) {
      if (term.startsWith(key) && (best === null || key.length > best.length)) best = key;
    }
    return best;
  }

  // The file of a shard key: ASCII letters and digits as they are, others as _hex.
  function shardFile(key) {
    let name = "";
    for (const c of key) {
      name += /[a-z0-9]/.test(c) ? c : "_" + c.codePointAt(0).toString(16);
    }
    return "t-" + name;
  }

  class Index {
    // `manifest` is window.ARCHIPEL_SEARCH; `load(name)` resolves to a shard's data.
    constructor(manifest, load) {
      this.manifest = manifest;
      this.load = load;
      this.postings = new Map(manifest.terms ? Object.entries(manifest.terms) : []);
      this.sorted = [...this.postings.keys()].sort();
      this.shards = new Set(); // keys loaded
      this.chunks = new Map(); // chunk number -> promise of its documents
    }

    // The words of a query, each with whether it is a prefix (the last word, while the
    // reader is still typing it, from `minPrefix` characters).
    static parse(query, minPrefix = MIN_PREFIX) {
      const words = fold(query).match(WORD) || [];
      const typing = ENDS_IN_WORD.test(query);
      const parsed = [];
      words.forEach((word, i) => {
        const last = i === words.length - 1;
        if (kept(word)) {
          parsed.push({ word, prefix: last && typing && word.length >= minPrefix });
        } else if (last && typing && words.length === 1 && word.length >= minPrefix) {
          // A lone stop word may be the start of a real one ("de" → "décider").
          parsed.push({ word, prefix: true, onlyPrefix: true });
        }
      });
      return parsed;
    }

    // The words of `query` as this index matches them (see `Index.parse`).
    parse(query) {
      return Index.parse(query, this.manifest.shards ? MIN_SHARD_PREFIX : MIN_PREFIX);
    }

    // Loads the shards that may hold the terms of `query` (nothing when the manifest
    // holds every term). Resolves once `search(query)` can answer.
    async prepare(query) {
      const keys = this.manifest.shards;
      if (!keys) return;
      const wanted = new Set();
      for (const { word, prefix, onlyPrefix } of this.parse(query)) {
        if (!onlyPrefix) {
          const key = shardOf(keys, stem(word));
          if (key !== null) wanted.add(key);
        }
        if (prefix) {
          for (const key of keys) {
            if (key.startsWith(word) || word.startsWith(key)) wanted.add(key);
          }
        }
      }
      const missing = [...wanted].filter((k) => !this.shards.has(k));
      if (missing.length === 0) return;
      const loaded = await Promise.all(missing.map((k) => this.load(shardFile(k))));
      missing.forEach((key, i) => {
        this.shards.add(key);
        for (const [term, list] of Object.entries(loaded[i] || {})) this.postings.set(term, list);
      });
      this.sorted = [...this.postings.keys()].sort();
    }

    // The documents numbered `numbers`, as the build recorded them: [title, kind, url,
    // snippet, intro, [[id, heading, text], ...]].
    async docs(numbers) {
      const size = this.manifest.chunk;
      return Promise.all(
        numbers.map(async (n) => {
          const k = Math.floor(n / size);
          if (!this.chunks.has(k)) this.chunks.set(k, this.load("d" + k));
          const chunk = (await this.chunks.get(k)) || [];
          return chunk[n - k * size] || null;
        }),
      );
    }

    // The index terms a query word matches, each with its factor.
    candidates({ word, prefix, onlyPrefix }) {
      const found = new Map();
      if (!onlyPrefix) {
        const exact = stem(word);
        if (this.postings.has(exact)) found.set(exact, 1);
      }
      if (!prefix) return found;
      // Terms that start with the typed word...
      let lo = 0;
      let hi = this.sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.sorted[mid] < word) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < this.sorted.length && this.sorted[i].startsWith(word); i++) {
        if (!found.has(this.sorted[i])) found.set(this.sorted[i], PREFIX_FACTOR);
      }
      // ...and stems that the typed word has gone past, on its way to a suffix.
      for (let n = 4; n < word.length; n++) {
        const t = word.slice(0, n);
        if (!found.has(t) && this.postings.has(t) && startsSomeSuffix(word.slice(n))) {
          found.set(t, PREFIX_FACTOR);
        }
      }
      return found;
    }

    // Documents holding every word of the query, best first (by number: records are
    // loaded with `docs`), and for each word the terms it matched. Call `prepare` first.
    search(query) {
      const words = this.parse(query);
      const matched = words.map(() => new Set());
      if (words.length === 0) return { words, results: [], matched };
      let scores = null;
      words.forEach((w, n) => {
        if (scores !== null && scores.size === 0) return;
        const best = new Map();
        for (const [term, factor] of this.candidates(w)) {
          matched[n].add(term);
          // Documents are stored as gaps from the previous one (src/render/search/files.rs).
          const list = this.postings.get(term);
          let doc = 0;
          for (let i = 0; i < list.length; i += 2) {
            doc += list[i];
            const score = list[i + 1] * factor;
            if (score > (best.get(doc) || 0)) best.set(doc, score);
          }
        }
        if (scores === null) {
          scores = best;
        } else {
          const next = new Map();
          for (const [doc, score] of scores) {
            if (best.has(doc)) next.set(doc, score + best.get(doc));
          }
          scores = next;
        }
      });
      const results = [...scores]
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .map(([doc, score]) => ({ doc, score }));
      return { words, results, matched };
    }
  }

  // --- What a result shows: sections and excerpts ------------------------------------

  // A test of folded words: which of the query's words each one matches (their indexes),
  // by the terms they matched or, for a word being typed, by its start.
  function matcher(found) {
    return (folded) => {
      if (!kept(folded)) return [];
      const term = stem(folded);
      const hits = [];
      found.words.forEach((w, i) => {
        if (found.matched[i].has(term) || (w.prefix && folded.startsWith(w.word))) hits.push(i);
      });
      return hits;
    };
  }

  // Appends `text` to `parent`, wrapping in <mark> each word that `match` finds.
  function highlight(parent, text, match) {
    let at = 0;
    for (const m of text.matchAll(WORD)) {
      if (match(fold(m[0])).length === 0) continue;
      parent.append(text.slice(at, m.index));
      const mark = document.createElement("mark");
      mark.textContent = m[0];
      parent.append(mark);
      at = m.index + m[0].length;
    }
    parent.append(text.slice(at));
  }

  // Characters of an excerpt, and how many of them come before its first matched word.
  const EXCERPT = 160;
  const BEFORE = 50;

  // A short part of `text` around its first word that `match` finds, cut at spaces, with
  // "…" where it was cut; when no word matches, its start if `lead`, else null.
  function excerpt(text, match, lead) {
    let first = null;
    for (const m of text.matchAll(WORD)) {
      if (match(fold(m[0])).length > 0) {
        first = m.index;
        break;
      }
    }
    if (first === null && !(lead && text)) return null;
    first = first || 0;
    let start = Math.max(0, first - BEFORE);
    if (start > 0) start = text.indexOf(" ", start) + 1 || first;
    if (start > first) start = first;
    let end = Math.min(text.length, start + EXCERPT);
    if (end < text.length) end = text.lastIndexOf(" ", end) > first ? text.lastIndexOf(" ", end) : end;
    return (start > 0 ? "…" : "") + text.slice(start, end).trim() + (end < text.length ? "…" : "");
  }

  // The sections of a document record that hold the most of the query's words (all of
  // them when some do), in page order: {id, heading, text}. The text before the first
  // heading is not a section.
  function matchingSections(record, match) {
    const scored = record[5].map(([id, heading, text]) => {
      const words = new Set();
      for (const m of (heading + " " + text).matchAll(WORD)) {
        for (const i of match(fold(m[0]))) words.add(i);
      }
      return { id, heading, text, count: words.size };
    });
    const most = Math.max(0, ...scored.map((s) => s.count));
    return most === 0 ? [] : scored.filter((s) => s.count === most);
  }

  function element(tag, className, parent) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (parent) parent.append(e);
    return e;
  }

  // Where a result leads, from the current page: the root prefix and the URL from the
  // site root; offline copies need the file name, never a directory.
  function resultHref(form, url) {
    const root = form.dataset.root || "";
    let href = root + url;
    if (form.dataset.offline === "true" && (href === "" || href.endsWith("/"))) {
      href += "index.html";
    }
    return href || "./";
  }

  // One option of the header's listbox: options hold no link (ARIA forbids interactive
  // children there); choosing one goes to its `data-href`.
  function option(id, href, className) {
    const li = element("li", className);
    li.id = id;
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    if (href) li.dataset.href = href;
    else li.setAttribute("aria-disabled", "true");
    return li;
  }

  // The messages, from the site's translation table: the build writes its `search_*`
  // strings into the page as JSON (src/render/i18n.rs). `{name}` is replaced by
  // `values.name`; counted forms (`zero`, `one`, `other`) are picked by `values.count`.
  let strings = null;
  function say(key, values = {}) {
    if (strings === null) {
      const holder = document.getElementById("textes-recherche");
      strings = holder ? JSON.parse(holder.textContent) : {};
    }
    let text = strings["search_" + key];
    if (text && typeof text === "object") {
      const n = values.count;
      text = (n === 0 && text.zero) || (n === 1 && text.one) || text.other;
    }
    return String(text ?? key).replace(/\{(\w+)\}/g, (m, name) => (name in values ? values[name] : m));
  }

  // One result: kind, title and an excerpt around the matched words, then its sections
  // that match (at most `sections` of them), each leading to its heading. With an `id`,
  // options of the header's listbox; without, plain links that Tab reaches.
  function resultItems(form, record, found, id, sections) {
    const [title, kind, url, snippet, intro] = record;
    const match = matcher(found);
    const item = (n, href, className) => {
      if (id) {
        const li = option(n === 0 ? id : id + "-" + n, href, className);
        return [li, li];
      }
      const li = element("li", className);
      const a = element("a", null, li);
      a.href = href;
      return [li, a];
    };
    const [li, main] = item(0, resultHref(form, url), "search-result");
    element("span", "result-kind", main).textContent = kind || say("page_kind");
    highlight(element("span", "result-title", main), title, match);
    const parts = matchingSections(record, match).slice(0, sections);
    const all = [intro, ...record[5].map((s) => s[2])].join(" ");
    const text =
      excerpt(intro, match) || (parts.length === 0 && excerpt(all, match)) || snippet;
    if (text) highlight(element("span", "result-snippet", main), text, match);
    const items = [li];
    parts.forEach((part, n) => {
      const href = resultHref(form, url) + "#" + part.id;
      const [sub, link] = item(n + 1, href, "search-result search-section");
      highlight(element("span", "result-heading", link), part.heading, match);
      const around = excerpt(part.text, match, true);
      if (around) highlight(element("span", "result-snippet", link), around, match);
      items.push(sub);
    });
    return items;
  }

  // The header's combobox (ARIA 1.2): arrow keys move the active option of the listbox
  // while the focus stays in the box, Enter goes to it, Escape closes the list.
  class Selection {
    constructor(input, list) {
      this.input = input;
      this.list = list;
      this.index = -1;
    }
    items() {
      return [...this.list.querySelectorAll("[data-href]")];
    }
    reset() {
      this.index = -1;
      this.input.removeAttribute("aria-activedescendant");
    }
    move(step) {
      const items = this.items();
      if (items.length === 0) return;
      const n = items.length;
      this.index = this.index < 0 ? (step > 0 ? 0 : n - 1) : (this.index + step + n) % n;
      items.forEach((li, i) => li.setAttribute("aria-selected", String(i === this.index)));
      const current = items[this.index];
      this.input.setAttribute("aria-activedescendant", current.id);
      current.scrollIntoView({ block: "nearest" });
    }
    current() {
      return this.items()[this.index] || null;
    }
  }

  const HEADER_RESULTS = 8;
  // Matching sections shown under a result, in the header box and on the search page.
  const HEADER_SECTIONS = 2;
  const PAGE_SECTIONS = 3;
  // Results the search page shows at first, and at each "more".
  const PAGE_RESULTS = 20;

  // The index is loaded on first use, so that pages read without searching do not pay
  // for it (it grows with the site). Its manifest, then the shards a query needs, are
  // <script> elements, which load from file:// too; each shard calls
  // ARCHIPEL_SEARCH_LOADED with its name and data.
  function indexSource(src) {
    let index = null;
    let state = "idle"; // "loading", then "done" whether it loaded or not
    const waiting = [];
    const pending = new Map();
    const base = (src || "").slice(0, (src || "").lastIndexOf("/") + 1);
    window.ARCHIPEL_SEARCH_LOADED = (name, data) => {
      const resolve = pending.get(name);
      if (resolve) resolve(data);
    };
    function script(url, then) {
      const element = document.createElement("script");
      element.src = url;
      element.onload = then;
      element.onerror = then;
      document.head.append(element);
    }
    // Resolves to a shard's data, or null when it could not be loaded.
    function shard(name) {
      return new Promise((resolve) => {
        pending.set(name, resolve);
        script(base + "search/shards/" + name + ".js", () => {
          pending.delete(name);
          resolve(null); // no effect when the shard called ARCHIPEL_SEARCH_LOADED
        });
      });
    }
    return {
      get: () => index,
      load(then) {
        if (state === "done") return;
        waiting.push(then);
        if (state === "loading" || !src) return;
        state = "loading";
        script(src, () => {
          state = "done";
          if (window.ARCHIPEL_SEARCH) index = new Index(window.ARCHIPEL_SEARCH, shard);
          waiting.splice(0).forEach((f) => f());
        });
      },
    };
  }

  // Searches `query` and loads the records of results `from` to `to`; resolves to null
  // when `current()` says that the query is no longer the one to show.
  async function answer(index, query, current, from, to, found) {
    if (!found) {
      await index.prepare(query);
      if (!current()) return null;
      found = index.search(query);
    }
    const shown = found.results.slice(from, to);
    const records = await index.docs(shown.map((r) => r.doc));
    return current() ? { found, records } : null;
  }

  // The search box of the header: results under the box as the reader types.
  function headerBox(source, form) {
    const input = form.querySelector("input");
    const popup = form.querySelector(".search-popup");
    const status = form.querySelector("[role=status]");
    if (!input || !popup) return;
    const selection = new Selection(input, popup);
    let asked = 0;

    function close() {
      popup.hidden = true;
      input.setAttribute("aria-expanded", "false");
      selection.reset();
    }

    async function update() {
      const query = input.value;
      const ask = ++asked;
      const index = source.get();
      if (!index) source.load(update);
      if (!index || index.parse(query).length === 0) {
        if (status) status.textContent = "";
        return close();
      }
      const got = await answer(index, query, () => ask === asked, 0, HEADER_RESULTS);
      if (!got) return;
      const { found, records } = got;
      selection.reset();
      popup.replaceChildren();
      records.forEach((record, i) => {
        if (record) popup.append(...resultItems(form, record, found, popup.id + "-" + i, HEADER_SECTIONS));
      });
      const url = new URL(form.action, location.href);
      url.searchParams.set("q", query.trim());
      const none = found.results.length === 0;
      const more = option(popup.id + "-tous", none ? null : url.href, "search-more");
      const count = found.results.length;
      more.textContent = none
        ? say("no_results", { query: query.trim() })
        : count > HEADER_RESULTS
          ? say("see_all", { count })
          : say("open_page");
      popup.append(more);
      if (status) status.textContent = say("results", { count });
      popup.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    input.addEventListener("input", update);
    input.addEventListener("focus", () => {
      source.load(() => input.value && update());
      if (input.value && popup.hidden) update();
    });
    input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        const step = e.key === "ArrowDown" ? 1 : -1;
        if (popup.hidden) update().then(() => selection.move(step));
        else selection.move(step);
        e.preventDefault();
      } else if (e.key === "Enter") {
        const chosen = selection.current();
        if (chosen) {
          e.preventDefault();
          location.href = chosen.dataset.href;
        }
      } else if (e.key === "Escape") {
        if (!popup.hidden) close();
        else input.value = "";
        e.preventDefault();
      }
    });
    // Keep the focus in the box while a result is clicked.
    popup.addEventListener("mousedown", (e) => e.preventDefault());
    popup.addEventListener("click", (e) => {
      const chosen = e.target.closest("[data-href]");
      if (chosen) location.href = chosen.dataset.href;
    });
    document.addEventListener("click", (e) => {
      if (!form.contains(e.target)) close();
    });
    form.addEventListener("focusout", (e) => {
      if (!form.contains(e.relatedTarget)) close();
    });
  }

  // The search page: reads ?q=, lists the results (more on demand), follows the
  // reader's typing.
  function searchPage(source, form, page) {
    const input = page.querySelector("input");
    const list = page.querySelector(".search-results");
    const status = page.querySelector(".search-status");
    if (!input || !list || !status) return;
    let asked = 0;
    let moreButton = null;

    // Appends the results from `from` on, then a button for the next ones.
    async function show(index, query, ask, from, found) {
      const current = () => ask === asked;
      const got = await answer(index, query, current, from, from + PAGE_RESULTS, found);
      if (!got) return;
      if (from === 0) list.replaceChildren();
      moreButton?.remove();
      got.records.forEach((record) => {
        if (record) list.append(...resultItems(form, record, got.found, null, PAGE_SECTIONS));
      });
      const total = got.found.results.length;
      const values = { count: total, query: query.trim() };
      status.textContent = total === 0 ? say("no_results", values) : say("results_for", values);
      if (from + PAGE_RESULTS < total) {
        moreButton = element("button", "search-more-results");
        moreButton.type = "button";
        moreButton.textContent = say("more_results");
        moreButton.addEventListener("click", () => show(index, query, ask, from + PAGE_RESULTS, got.found));
        list.after(moreButton);
      }
    }

    function update() {
      const query = input.value;
      const ask = ++asked;
      const index = source.get();
      if (!index) {
        status.textContent = say("index_failed");
        return;
      }
      if (index.parse(query).length === 0) {
        list.replaceChildren();
        moreButton?.remove();
        status.textContent = query.trim() ? say("too_common") : say("hint");
        return;
      }
      show(index, query, ask, 0, null);
    }

    function remember() {
      // Keeps ?q= in the address, so the results can be shared or reloaded. Some browsers
      // refuse this on file://; the search works the same without it.
      try {
        const url = new URL(location.href);
        if (input.value.trim()) url.searchParams.set("q", input.value.trim());
        else url.searchParams.delete("q");
        history.replaceState(null, "", url.href);
      } catch (_) {
        /* not needed to search */
      }
    }

    input.value = new URLSearchParams(location.search).get("q") || "";
    status.textContent = say("loading");
    source.load(update);
    if (!input.value) input.focus();
    input.addEventListener("input", () => {
      update();
      remember();
    });
    const pageForm = input.form;
    if (pageForm) {
      pageForm.addEventListener("submit", (e) => {
        e.preventDefault();
        update();
      });
    }
    // The results are plain links that Tab reaches; Arrow Down is a shortcut to the first.
    input.addEventListener("keydown", (e) => {
      const first = list.querySelector("a");
      if (e.key === "ArrowDown" && first) {
        first.focus();
        e.preventDefault();
      } else if (e.key === "Escape") {
        input.value = "";
        remember();
        update();
        e.preventDefault();
      }
    });
  }

  function start() {
    const form = document.querySelector("form.search-box");
    if (!form) return;
    const source = indexSource(form.dataset.index);
    headerBox(source, form);
    const page = document.querySelector(".search-page");
    if (page) searchPage(source, form, page);
  }

  if (typeof document !== "undefined") {
    start();
  } else if (typeof module === "object") {
    // Node: the tests check the terms against the Rust side's.
    module.exports = { fold, stem, terms, Index, shardOf, shardFile, excerpt, matcher, matchingSections };
  }
})();
