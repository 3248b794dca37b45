/* seqlab: small reader aids (see book/_ext/seqlab_site.py). Nothing here loads from the network. */
(() => {
  "use strict";

  // Figures: click or tap opens the image in a layer where it first fits the screen; 확대 (or a
  // tap on the image) doubles it, to pan around; 닫기, Esc or the browser's back gesture closes it.
  const zoom = (img) => {
    const dialog = document.createElement("dialog");
    dialog.className = "seqlab-zoom";
    dialog.setAttribute("aria-label", "그림 크게 보기: " + img.alt);
    const bar = document.createElement("div");
    bar.className = "seqlab-zoom-bar";
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "닫기 ✕";
    const more = document.createElement("button");
    more.type = "button";
    more.textContent = "확대 +";
    more.setAttribute("aria-pressed", "false");
    bar.append(more, close);
    const body = document.createElement("div");
    body.className = "seqlab-zoom-body";
    const big = document.createElement("img");
    big.src = img.currentSrc || img.src;
    big.alt = img.alt;
    body.appendChild(big);
    dialog.append(bar, body);
    const toggle = () => {
      const zoomed = !dialog.classList.contains("seqlab-zoomed");
      if (zoomed) {
        const w = big.getBoundingClientRect().width;
        big.style.width = Math.round(w * 2) + "px";
      } else {
        big.style.width = "";
      }
      dialog.classList.toggle("seqlab-zoomed", zoomed);
      more.textContent = zoomed ? "화면에 맞추기 −" : "확대 +";
      more.setAttribute("aria-pressed", String(zoomed));
    };
    const done = () => { dialog.close(); dialog.remove(); img.focus(); };
    close.addEventListener("click", done);
    more.addEventListener("click", toggle);
    big.addEventListener("click", toggle);
    dialog.addEventListener("cancel", (e) => { e.preventDefault(); done(); });
    document.body.appendChild(dialog);
    dialog.showModal();
    close.focus();
  };
  const setUpFigures = () => {
    document.querySelectorAll("img.seqlab-figure").forEach((img) => {
      img.tabIndex = 0;
      img.setAttribute("role", "button");
      img.title = "눌러서 크게 보기";
      img.addEventListener("click", (e) => { e.preventDefault(); zoom(img); });
      const hint = document.createElement("button");
      hint.type = "button";
      hint.className = "seqlab-zoom-hint";
      hint.textContent = "그림 크게 보기";
      hint.addEventListener("click", () => zoom(img));
      img.insertAdjacentElement("afterend", hint);
      img.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); zoom(img); }
      });
    });
  };

  // Code lines that wrap get a thin bar on their left (see .seqlab-wrapped in seqlab.css).
  const markWrapped = () => {
    document.querySelectorAll(".bd-article pre .sl").forEach((line) => {
      const rects = line.getClientRects();
      const lh = parseFloat(getComputedStyle(line).lineHeight) || 20;
      line.classList.toggle("seqlab-wrapped", rects.length > 0 && rects[0].height > lh * 1.5);
    });
  };

  // Wide tables and equations scroll in their own box: say so above the box while it has more
  // to show than fits (the edge shadows in seqlab.css are the second cue).
  const SCROLLERS = ".bd-article .pst-scrollable-table-container, .bd-article .table-wrapper, " +
    ".bd-article .output.text_html, .bd-article mjx-container[jax='CHTML'][display='true']";
  const markScrollers = () => {
    document.querySelectorAll(SCROLLERS).forEach((box) => {
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("seqlab-scrolls", scrolls);
      // a display equation sits in a flex div.math: the hint goes above that div
      const anchor = box.tagName.toLowerCase() === "mjx-container" ? (box.closest("div.math") || box) : box;
      // a box that scrolls is reachable by keyboard (arrow keys scroll it once it has the focus)
      if (scrolls) {
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", box.tagName.toLowerCase() === "mjx-container" ? "넓은 수식" : "넓은 표");
      } else if (box.classList.contains("seqlab-scrolls-once")) {
        box.removeAttribute("tabindex");
      }
      box.classList.toggle("seqlab-scrolls-once", scrolls);
      let hint = anchor.previousElementSibling;
      if (!(hint && hint.classList.contains("seqlab-scroll-hint"))) hint = null;
      if (scrolls && !hint) {
        hint = document.createElement("p");
        hint.className = "seqlab-scroll-hint";
        hint.setAttribute("aria-hidden", "true");
        hint.textContent = box.tagName.toLowerCase() === "mjx-container"
          ? "← 수식이 넓습니다. 옆으로 밀어 보세요 →" : "← 표가 넓습니다. 옆으로 밀어 보세요 →";
        anchor.insertAdjacentElement("beforebegin", hint);
      } else if (!scrolls && hint) {
        hint.remove();
      }
    });
  };

  // Search result snippets: formulas as plain text instead of raw TeX.
  const GREEK = {alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", theta: "θ", lambda: "λ",
    mu: "μ", sigma: "σ", tau: "τ", phi: "φ", odot: "⊙", cdot: "·", times: "×", in: "∈", top: "⊤",
    to: "→", rightarrow: "→", leftarrow: "←", le: "≤", leq: "≤", ge: "≥", geq: "≥", approx: "≈",
    neq: "≠", sum: "Σ", prod: "Π", partial: "∂", infty: "∞", ldots: "…", dots: "…", cdots: "…"};
  const plainMath = (tex) => tex
    .replace(/^\s*\\[([]|\\[)\]]\s*$/g, "")
    .replace(/\\(?:text|mathrm|mathbf|mathit|mathcal|operatorname|boldsymbol|textbf|textit)\s*\{([^{}]*)\}/g, "$1")
    .replace(/\\(?:begin|end)\{[^}]*\}/g, " ")
    .replace(/\\(?:left|right|quad|qquad|displaystyle|big|Big|,|;|!|:)/g, " ")
    .replace(/\\\\/g, " ")
    .replace(/\\_/g, "_")
    .replace(/\\([a-zA-Z]+)/g, (m, name) => GREEK[name] || name)
    .replace(/[{}&\\]/g, "")
    .replace(/\s+/g, " ")
    .trim();
  const patchSearch = () => {
    if (typeof Search === "undefined" || !Search.htmlToText || Search._seqlab) return;
    const original = Search.htmlToText;
    Search.htmlToText = (htmlString, anchor) => {
      const doc = new DOMParser().parseFromString(htmlString, "text/html");
      doc.querySelectorAll(".math").forEach((el) => { el.textContent = " " + plainMath(el.textContent) + " "; });
      return original(doc.documentElement.outerHTML, anchor);
    };
    Search._seqlab = true;
  };

  // Search: a quoted query, or one of several words, is a phrase: after the word search, keep only
  // the pages whose text contains the words in that order (particles after them are allowed, as
  // in 셀 상태가). Word joiners and runs of spaces do not count.
  const normalise = (text) => text.replace(/[\u2060\u00ad]/g, "").replace(/\s+/g, " ").toLowerCase();
  const phraseOf = (query) => {
    const q = query.trim();
    const quoted = /^["“'‘](.+)["”'’]$/.exec(q);
    const words = (quoted ? quoted[1] : q).trim().split(/\s+/).filter((w) => w && !w.startsWith("-"));
    return (quoted || words.length > 1) ? normalise(words.join(" ")) : null;
  };
  const pageUrl = (docName) => {
    const root = document.documentElement.dataset.content_root || "";
    return DOCUMENTATION_OPTIONS.BUILDER === "dirhtml" ? root + docName + "/" : root + docName + DOCUMENTATION_OPTIONS.FILE_SUFFIX;
  };
  const patchPhraseSearch = () => {
    if (typeof Search === "undefined" || !Search.query || Search._seqlabPhrase) return;
    const original = Search.query;
    Search.query = (query) => {
      const phrase = phraseOf(query);
      if (!phrase || typeof _displayNextItem === "undefined") return original(query);
      const bare = query.trim().replace(/^["“'‘]|["”'’]$/g, "");
      const [q, terms, excluded, highlight, objects] = Search._parseQuery(bare);
      const results = Search._performSearch(q, terms, excluded, highlight, objects);
      const texts = new Map();
      Promise.all([...new Set(results.map((r) => r[0]))].map((doc) => fetch(pageUrl(doc))
        .then((r) => r.text()).then((html) => texts.set(doc, html)).catch(() => texts.set(doc, ""))))
        .then(() => {
          const kept = results.filter(([doc, , anchor]) =>
            normalise(Search.htmlToText(texts.get(doc) || "", anchor)).includes(phrase));
          document.documentElement.dataset.seqlabPhrase = phrase;
          _displayNextItem(kept, kept.length, terms, highlight);
        });
    };
    Search._seqlabPhrase = true;
  };

  // Korean line breaks in what the search page writes (titles come from the index): the same rule
  // as glue_text in seqlab_site.py, a word joiner where a line must not break inside a word.
  const HANGUL = "\\uac00-\\ud7a3\\u3131-\\u318e";
  const NOT_AFTER = "\\s\\u2060(\\[{“‘<\\-—–/";
  const beforeHangul = new RegExp(`(?<=[^${NOT_AFTER}${HANGUL}])(?=[${HANGUL}])`, "g");
  const beforeParen = new RegExp(`(?<=[^${NOT_AFTER}])(?=\\()`, "g");
  const glueText = (t) => t.replace(beforeHangul, "\u2060").replace(beforeParen, "\u2060");
  // the text nodes of `root` in order; a node that starts a word right after the previous node's
  // last letter (a highlighted search term splits the text) gets the joiner at its start
  const glueTree = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let last = "";
    while (walker.nextNode()) {
      const n = walker.currentNode;
      let t = glueText(n.nodeValue);
      if (t && last && /[^\s\u2060\u200b(\[{“‘<\-—–/]/.test(last) &&
          (t[0] === "(" || (new RegExp(`[${HANGUL}]`).test(t[0]) && !new RegExp(`[${HANGUL}]`).test(last)))) {
        t = "\u2060" + t;
      }
      if (t !== n.nodeValue) n.nodeValue = t;
      if (n.nodeValue) last = n.nodeValue[n.nodeValue.length - 1];
    }
  };
  const glueSearchResults = () => {
    const out = document.getElementById("search-results");
    if (!out || out._seqlabGlue) return;
    out._seqlabGlue = true;
    new MutationObserver((records) => {
      const items = new Set();
      records.forEach((r) => { const li = (r.target.nodeType === 1 ? r.target : r.target.parentElement).closest("li") || out; items.add(li); });
      items.forEach(glueTree);
    }).observe(out, {childList: true, subtree: true});
    glueTree(out);
  };

  patchSearch();
  patchPhraseSearch();
  const ready = () => {
    glueSearchResults();
    patchSearch();
    patchPhraseSearch();
    setUpFigures();
    markWrapped();
    markScrollers();
    // MathJax (loaded after this script) typesets after the load event at the earliest
    window.addEventListener("load", () => {
      markScrollers();
      const settled = () => {
        markScrollers();
        markWrapped();
        // the page is laid out for good: tests wait for this mark instead of a fixed delay
        document.documentElement.dataset.seqlabReady = "1";
      };
      const fonts = document.fonts ? document.fonts.ready : Promise.resolve();
      const math = (window.MathJax && MathJax.startup && MathJax.startup.promise) || Promise.resolve();
      Promise.all([fonts, math]).then(settled, settled);
    });
    let timer = null;
    window.addEventListener("resize", () => { clearTimeout(timer); timer = setTimeout(() => { markWrapped(); markScrollers(); }, 150); });
    document.fonts && document.fonts.ready.then(markWrapped);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
