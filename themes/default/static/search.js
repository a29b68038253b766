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

  class Index {
    constructor(data) {
      this.docs = data.docs;
      this.postings = new Map(Object.entries(data.terms));
      this.sorted = [...this.postings.keys()].sort();
    }

    // The words of a query, each with whether it is a prefix (the last word, while the
    // reader is still typing it).
    static parse(query) {
      const words = fold(query).match(WORD) || [];
      const typing = ENDS_IN_WORD.test(query);
      const parsed = [];
      words.forEach((word, i) => {
        const last = i === words.length - 1;
        if (kept(word)) {
          parsed.push({ word, prefix: last && typing && word.length >= MIN_PREFIX });
        } else if (last && typing && words.length === 1 && word.length >= MIN_PREFIX) {
          // A lone stop word may be the start of a real one ("de" → "décider").
          parsed.push({ word, prefix: true, onlyPrefix: true });
        }
      });
      return parsed;
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

    // Documents holding every word of the query, best first, and the terms matched.
    search(query) {
      const words = Index.parse(query);
      const matched = new Set();
      if (words.length === 0) return { words, results: [], matched };
      let scores = null;
      for (const w of words) {
        const best = new Map();
        for (const [term, factor] of this.candidates(w)) {
          matched.add(term);
          // Documents are stored as gaps from the previous one (src/render/search.rs).
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
        if (scores.size === 0) break;
      }
      const results = [...scores]
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .map(([doc, score]) => ({ doc: this.docs[doc], score }));
      return { words, results, matched };
    }
  }

  // --- Display ---------------------------------------------------------------------------

  // Appends `text` to `parent`, wrapping in <mark> each word whose term was matched (or
  // that starts with a word being typed).
  function highlight(parent, text, found) {
    const prefixes = found.words.filter((w) => w.prefix).map((w) => w.word);
    let at = 0;
    for (const m of text.matchAll(WORD)) {
      const folded = fold(m[0]);
      const hit =
        (kept(folded) && found.matched.has(stem(folded))) ||
        (kept(folded) && prefixes.some((p) => folded.startsWith(p)));
      if (!hit) continue;
      parent.append(text.slice(at, m.index));
      const mark = document.createElement("mark");
      mark.textContent = m[0];
      parent.append(mark);
      at = m.index + m[0].length;
    }
    parent.append(text.slice(at));
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

  // The parts of one result (kind, title and snippet, the matched words marked), into
  // `parent`.
  function resultParts(parent, result, found) {
    const [title, kind, , snippet] = result.doc;
    element("span", "result-kind", parent).textContent = kind || say("page_kind");
    highlight(element("span", "result-title", parent), title, found);
    if (snippet) highlight(element("span", "result-snippet", parent), snippet, found);
  }

  // One result of the search page: a plain link, reached with Tab like any other.
  function resultLink(form, result, found) {
    const li = element("li", "search-result");
    const a = element("a", null, li);
    a.href = resultHref(form, result.doc[2]);
    resultParts(a, result, found);
    return li;
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

  // The index is loaded on first use, so that pages read without searching do not pay
  // for it (it grows with the site). A <script> element loads it from file:// too.
  function indexSource(src) {
    let index = null;
    let state = "idle"; // "loading", then "done" whether it loaded or not
    const waiting = [];
    return {
      get: () => index,
      load(then) {
        if (state === "done") return;
        waiting.push(then);
        if (state === "loading" || !src) return;
        state = "loading";
        const script = document.createElement("script");
        script.src = src;
        const finish = () => {
          state = "done";
          if (window.ARCHIPEL_SEARCH) index = new Index(window.ARCHIPEL_SEARCH);
          waiting.splice(0).forEach((f) => f());
        };
        script.onload = finish;
        script.onerror = finish;
        document.head.append(script);
      },
    };
  }

  // The search box of the header: results under the box as the reader types.
  function headerBox(source, form) {
    const input = form.querySelector("input");
    const popup = form.querySelector(".search-popup");
    const status = form.querySelector("[role=status]");
    if (!input || !popup) return;
    const selection = new Selection(input, popup);

    function close() {
      popup.hidden = true;
      input.setAttribute("aria-expanded", "false");
      selection.reset();
    }

    function update() {
      const query = input.value;
      selection.reset();
      popup.replaceChildren();
      const index = source.get();
      if (!index) source.load(update);
      if (!index || Index.parse(query).length === 0) {
        if (status) status.textContent = "";
        return close();
      }
      const found = index.search(query);
      found.results.slice(0, HEADER_RESULTS).forEach((r, i) => {
        const li = option(popup.id + "-" + i, resultHref(form, r.doc[2]), "search-result");
        resultParts(li, r, found);
        popup.append(li);
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
        if (popup.hidden) update();
        selection.move(e.key === "ArrowDown" ? 1 : -1);
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

  // The search page: reads ?q=, lists every result, follows the reader's typing.
  function searchPage(source, form, page) {
    const input = page.querySelector("input");
    const list = page.querySelector(".search-results");
    const status = page.querySelector(".search-status");
    if (!input || !list || !status) return;

    function update() {
      const query = input.value;
      list.replaceChildren();
      const index = source.get();
      if (!index) {
        status.textContent = say("index_failed");
        return;
      }
      if (Index.parse(query).length === 0) {
        status.textContent = query.trim() ? say("too_common") : say("hint");
        return;
      }
      const found = index.search(query);
      found.results.forEach((r) => list.append(resultLink(form, r, found)));
      const values = { count: found.results.length, query: query.trim() };
      status.textContent = values.count === 0 ? say("no_results", values) : say("results_for", values);
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
    module.exports = { fold, stem, terms, Index };
  }
})();
