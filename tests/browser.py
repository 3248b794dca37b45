"""The built site as a reader meets it: every page in headless Chromium at a laptop and a phone width.

Used by tests/test_browser.py, and runnable by hand to print the per-page numbers:

    .venv/bin/python -m tests.browser _build/html

The browser is Debian's ``chromium`` (``/usr/bin/chromium``), driven through playwright's Python API;
nothing is downloaded. The site is served from 127.0.0.1; any request to another host is blocked and
reported. The accessibility audit is axe-core, installed by `make browser` into tests/.axe (pinned,
git-ignored; see AXE_VERSION) and injected from that file.

Nothing here waits a fixed time: every step waits for a condition the page reports (the mark
seqlab.js sets once fonts and formulas are laid out, a drawer that is open, a search that says it
has finished), with a generous timeout, so a busy machine only makes the test slower.
"""
from __future__ import annotations

import functools
import http.server
import json
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

CHROMIUM = "/usr/bin/chromium"
WIDTHS = {"desktop": (1280, 800), "mobile": (390, 844)}
SEARCH_TERMS = ("기울기", "마스크", "게이트")
AXE_VERSION = "4.14.1"
AXE = Path(__file__).resolve().parent / ".axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TIMEOUT_MS = 60_000  # a condition not met in a minute is a failure, not a slow machine
# Course terms searched in four forms; recall = pages found / pages whose text has the form at the
# start of a word (README: 검색). Verb forms are the noun with a 하다/되다 ending.
RECALL_TERMS = {
    "bare": ("기울기", "마스크", "게이트", "패딩", "임베딩", "어텐션", "배치", "시퀀스", "어휘", "손실",
             "정확도", "디코더", "인코더", "가중치", "토큰", "양방향", "히트맵", "소프트맥스", "기준선", "스케일링"),
    "particle": ("기울기가", "기울기를", "마스크를", "마스크로", "게이트의", "패딩을", "패딩이", "어텐션은",
                 "배치의", "시퀀스를", "손실을", "디코더는", "인코더의", "가중치를", "토큰을", "은닉 상태를"),
    "verb": ("패딩된", "정렬된", "학습한", "임베딩한", "예측하는", "학습된", "정렬하고", "패딩한", "학습하면",
             "정렬되어", "계산합니다", "비교합니다", "생성한", "학습해", "스케일링한", "초기화한", "갱신하는",
             "적용됩니다", "출력된", "정렬하지"),
    "phrase": ("은닉 상태", "셀 상태", "교사 강요", "기울기 클리핑", "기울기 폭발", "문맥 벡터", "배치 크기",
               "유효 길이", "어텐션 가중치", "시간 단계", "학습 손실", "\"다음 글자\""),
}
# particles that may start a line only after a space (never torn from the word before them)
LONE_PARTICLES = ("은", "는", "이", "가", "을", "를", "의", "에", "와", "과", "로", "으로", "도", "만", "까지",
                  "부터", "처럼", "보다", "입니다", "이다", "에서", "라는", "이라는", "이며", "이고", "하고", "하는",
                  "한", "된", "되는", "와의", "과의", "에는", "에도", "으로는", "로는")
# the particles a reader's page may attach to a searched noun (used only to decide which pages
# must be found; the site's own search extension has its own list)
PARTICLES = "가|를|이|은|는|의|에|에서|와|과|로|으로|도|만|까지|부터|처럼|보다|이다|입니다|라는|이라는"
HANGUL = re.compile("[\uac00-\ud7a3]")

# --- what the page reports about itself (runs in the browser) -------------------------------------
MEASURE_JS = r"""
async () => {
  const hangul = /[\uac00-\ud7a3]/;
  const out = {};
  // MathJax: every formula typeset, none with an error or a literal backslash in its text
  out.math = {items: 0, errors: [], literal_backslash: [], unrendered: 0};
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
    const items = Array.from(MathJax.startup.document.math);
    out.math.items = items.length;
    for (const item of items) {
      const mml = MathJax.startup.toMML(item.root);
      if (mml.includes("<merror")) out.math.errors.push(item.math.slice(0, 80));
      for (const m of mml.matchAll(/<mtext[^>]*>([^<]*)<\/mtext>/g)) {
        if (m[1].includes("\\")) out.math.literal_backslash.push(m[1]);
      }
    }
  }
  out.math.unrendered = Array.from(document.querySelectorAll("span.math, div.math"))
    .filter(el => !el.querySelector("mjx-container")).length;
  out.math.error_boxes = document.querySelectorAll("mjx-merror").length;

  // code and output blocks: nothing wider than its column, nothing cut off
  const article = document.querySelector("article.bd-article") || document.body;
  const col = article.getBoundingClientRect();
  const blocks = Array.from(article.querySelectorAll("pre"));
  out.blocks = blocks.length;
  out.wide_blocks = [];
  for (const pre of blocks) {
    if (!pre.checkVisibility()) continue;  // inside a collapsed cell
    const r = pre.getBoundingClientRect();
    if (pre.scrollWidth > pre.clientWidth + 1 || r.right > col.right + 1) {
      out.wide_blocks.push({text: pre.innerText.split("\n")[0].slice(0, 60),
                            scroll: pre.scrollWidth, client: pre.clientWidth});
    }
  }
  // wrapping is only visual: the text a reader copies (copy button: innerText of a detached
  // clone) is the text shown, line for line
  out.copy_mismatch = blocks.filter(pre => pre.checkVisibility() &&
    pre.innerText.replace(/\n+$/, "") !== pre.cloneNode(true).innerText.replace(/\n+$/, ""))
    .map(pre => pre.innerText.split("\n")[0].slice(0, 40));

  // the page itself never scrolls sideways; wide tables and equations scroll in their own box
  out.page_scroll_width = document.documentElement.scrollWidth;
  out.viewport = window.innerWidth;
  const scrollsItself = (el) => {
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      if ((ox === "auto" || ox === "scroll") && a.clientWidth <= col.width + 1) return true;
    }
    return false;
  };
  // nothing of the main column is cut off at the screen's right edge (outside boxes that scroll)
  out.clipped = [];
  const main = document.querySelector("main") || document.body;
  for (const el of main.querySelectorAll("a, p, span, h1, h2, h3, li, td, th, button, img")) {
    if (!el.checkVisibility() || el.closest("pre, mjx-container, .bd-sidebar-secondary, dialog")) continue;  // pre: see wide_blocks
    if (scrollsItself(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > window.innerWidth + 1) out.clipped.push(`${el.tagName.toLowerCase()}: ${(el.innerText || el.alt || "").trim().slice(0, 30)}`);
  }
  out.wide_uncued = [];
  for (const el of article.querySelectorAll("table, mjx-container[display='true']")) {
    if (!el.getClientRects().length) continue;
    const r = el.getBoundingClientRect();
    if (r.width > col.width + 1 && !scrollsItself(el)) out.wide_uncued.push(el.tagName.toLowerCase());
  }

  // every box that scrolls sideways shows it (shadow gradients at its edges); code never scrolls
  out.scrollers = 0;
  out.scroll_no_cue = [];
  for (const el of article.querySelectorAll("*")) {
    const cs = getComputedStyle(el);
    if ((cs.overflowX === "auto" || cs.overflowX === "scroll") && el.scrollWidth > el.clientWidth + 1) {
      out.scrollers += 1;
      const anchor = el.tagName === "MJX-CONTAINER" ? (el.closest("div.math") || el) : el;
      const hinted = el.classList.contains("seqlab-scrolls") && anchor.previousElementSibling &&
                     anchor.previousElementSibling.classList.contains("seqlab-scroll-hint");
      if (!hinted || !cs.backgroundImage.includes("gradient")) out.scroll_no_cue.push(`${el.tagName.toLowerCase()}.${el.className}`);
    }
  }

  // Korean text: keep words whole
  out.breaking = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!el || seen.has(el) || !hangul.test(node.nodeValue)) continue;
    seen.add(el);
    if (el.closest("script, style, noscript, mjx-container")) continue;
    const wb = getComputedStyle(el).wordBreak;
    if (wb !== "keep-all") out.breaking.push(`${el.tagName.toLowerCase()}: ${node.nodeValue.trim().slice(0, 20)} (${wb})`);
  }

  // the theme's own words (outside the article) are Korean
  out.english_ui = [];
  const ui = /\b(page|pages|toggle|search|copyright|contents|download|launch|skip|back to top|light|dark|mode|by|navigation|sidebar|show|hide|click|fullscreen|print|source|repository|settings|content)\b/i;
  const uiWalker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (uiWalker.nextNode()) {
    const node = uiWalker.currentNode, el = node.parentElement;
    if (!el || el.closest("script, style, noscript, pre, code, mjx-container, #search-results") || article.contains(el)) continue;
    if (ui.test(node.nodeValue)) out.english_ui.push(node.nodeValue.trim().slice(0, 40));
  }
  for (const el of document.querySelectorAll("[title], [aria-label], [placeholder], [alt]")) {
    for (const a of ["title", "aria-label", "placeholder", "alt"]) {
      const v = el.getAttribute(a);
      if (v && ui.test(v) && !article.contains(el)) out.english_ui.push(`${a}=${v.slice(0, 40)}`);
    }
  }
  for (const el of article.querySelectorAll("details > summary, .toggle-button, [aria-label]")) {
    const v = (el.getAttribute("aria-label") || el.innerText || "").trim();
    if (ui.test(v)) out.english_ui.push(v.slice(0, 40));
  }

  // images: alt text that says something, in Korean for the figures of the page
  out.bad_alt = [];
  for (const img of document.querySelectorAll("img")) {
    const alt = (img.getAttribute("alt") || "").trim();
    // an empty alt is right for a logo inside a control that has its own name (the Colab button)
    const decorative = !alt && img.getAttribute("alt") === "" && img.closest("a[aria-label], button[aria-label]");
    const pathlike = !decorative && (!alt || /[\\/]|\.(png|jpe?g|svg|gif)$|^[0-9a-f]{16,}$/i.test(alt));
    const figure = article.contains(img);
    if (pathlike || (figure && !hangul.test(alt))) out.bad_alt.push(`${alt.slice(0, 40)} <- ${(img.getAttribute("src") || "").slice(0, 60)}`);
  }
  out.images = document.querySelectorAll("img").length;
  out.text = article.innerText.replace(/\u2060/g, "");
  // what the search index holds for the page: the article (not the footer's previous/next links)
  out.content = article.textContent.replace(/[\u2060\u00ad]/g, "").replace(/\s+/g, " ");

  // figures: displayed aspect / natural aspect (1 = true shape)
  const figs = Array.from(article.querySelectorAll("img")).filter(img => img.checkVisibility());
  await Promise.all(figs.map(img => img.complete ? null : new Promise(r => { img.onload = img.onerror = r; })));
  out.figures = figs.map(img => {
    const r = img.getBoundingClientRect();
    const ratio = (r.width / r.height) / (img.naturalWidth / img.naturalHeight);
    return {src: img.getAttribute("src").split("/").pop().slice(0, 16), ratio: Math.round(ratio * 1000) / 1000,
            shown: Math.round(r.width), natural: img.naturalWidth};
  });

  // keyboard: formulas are no Tab stops (a wide one that scrolls in its own box may be: a region)
  out.math_tab_stops = Array.from(document.querySelectorAll("mjx-container")).filter(
    el => el.tabIndex >= 0 && el.hasAttribute("tabindex") && el.getAttribute("role") !== "region").length;

  // phones: controls are at least 44 px each way; copy buttons are visible without hovering
  out.small_targets = [];
  out.hidden_copy_buttons = 0;
  if (window.innerWidth < 600) {
    const controls = document.querySelectorAll(
      ".bd-header-article .btn, .bd-header-article button, .prev-next-area a, .bd-article .seqlab-zoom-hint, " +
      "button.copybtn, .bd-article details > summary, .skip-link");
    for (const el of controls) {
      if (!el.checkVisibility() || el.closest(".dropdown-menu")) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0) continue;
      if (r.height < 43.5 || r.width < 43.5) out.small_targets.push(`${el.tagName.toLowerCase()}.${String(el.className).split(" ")[0]} ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
    out.hidden_copy_buttons = Array.from(document.querySelectorAll("button.copybtn")).filter(
      b => b.closest("pre, .highlight") && b.closest(".highlight").checkVisibility() && parseFloat(getComputedStyle(b).opacity) < 0.5).length;
  }
  return out;
}
"""

# Korean line breaks as laid out: every place where a screen line starts without a space before
# it. A particle torn from its word (")" / "을", code / "를", formula / "의"), a break right before
# "(" inside a word, and a break between two Hangul letters of one word are counted.
LINEBREAK_JS = r"""
(lone) => {
  const article = document.querySelector("article.bd-article") || document.body;
  const hangul = /[\uac00-\ud7a3]/;
  const isLone = (s) => lone.some(p => s.startsWith(p) && !hangul.test(s.charAt(p.length)));
  const blockOf = (el) => el.closest("p, li, td, th, dt, dd, h1, h2, h3, h4, h5, h6, figcaption, caption, summary, blockquote, div");
  const items = [];
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT, {
    acceptNode(n) {
      if (n.nodeType === 1) {
        if (n.matches("pre, script, style, .headerlink, mjx-assistive-mml, .seqlab-scroll-hint")) return NodeFilter.FILTER_REJECT;
        if (n.matches("mjx-container, img")) return NodeFilter.FILTER_ACCEPT;
        return n.closest("mjx-container") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_SKIP;
      }
      return n.parentElement && n.parentElement.closest("mjx-container") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
    }});
  const range = document.createRange();
  while (walker.nextNode()) {
    const n = walker.currentNode;
    if (n.nodeType === 1) {
      if (!n.checkVisibility()) continue;
      const r = n.getBoundingClientRect();
      if (r.width === 0) continue;
      items.push({ch: "\ufffc", r, block: blockOf(n), code: null, atom: true});
      continue;
    }
    const el = n.parentElement;
    if (!el || !el.checkVisibility()) continue;
    const block = blockOf(el), code = el.closest("code");
    const text = n.nodeValue;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch === "\u2060" || ch === "\u00ad" || ch === "\u200b") continue;
      if (/\s/.test(ch)) { items.push({ch: " ", block}); continue; }
      range.setStart(n, i); range.setEnd(n, i + 1);
      const rects = range.getClientRects();
      if (!rects.length) continue;
      items.push({ch, r: rects[0], block, code, node: n, i});
    }
  }
  // overlong: a line filled by one piece of inline code (or one unbroken word) longer than the
  // line: the browser must break it somewhere, and it may do so at its end (counted, not failed)
  const out = {lone_particle: [], paren: [], mid_word: [], other_glued: 0, overlong: [], lines: 0};
  let prev = null, space = false, lineStart = null, spaceInLine = false;
  for (let k = 0; k < items.length; k++) {
    const it = items[k];
    if (it.ch === " ") { space = true; if (lineStart) spaceInLine = true; continue; }
    if (!prev || prev.block !== it.block) { lineStart = it; spaceInLine = false; }
    if (prev && prev.block === it.block) {
      const newLine = it.r.top >= prev.r.bottom - 1 && it.r.left < prev.r.left;
      if (newLine) {
        out.lines += 1;
        const sameCode = it.code && it.code === prev.code;
        // the whole previous line was one piece of code (or one word): it could not fit anyway
        const overlong = lineStart && !spaceInLine && lineStart !== it && (prev.code ? lineStart.code === prev.code : true);
        if (!space && !sameCode) {
          const next = items.slice(k, k + 12).map(x => x.ch).join("").split(" ")[0];
          const before = items.slice(Math.max(0, k - 12), k).map(x => x.ch).join("").split(" ").pop();
          const where = `${before}|${next}`;
          if (overlong) out.overlong.push(where);
          else if (hangul.test(it.ch) && hangul.test(prev.ch)) out.mid_word.push(where);
          else if (hangul.test(it.ch) && isLone(next)) out.lone_particle.push(where);
          else if (it.ch === "(" && !prev.code && !prev.atom) out.paren.push(where);
          else out.other_glued += 1;
        }
        lineStart = it; spaceInLine = false;
      }
    }
    prev = it; space = false;
  }
  return out;
}
"""

# The enlarged figure (phones): it opens fitted to the screen at the figure's shape, and 확대
# makes it larger (to pan around).
ZOOM_JS = r"""
async () => {
  const img = Array.from(document.querySelectorAll("article img.seqlab-figure")).find(i => i.checkVisibility());
  if (!img) return null;
  const until = async (cond) => { for (let i = 0; i < 600 && !cond(); i++) await new Promise(r => requestAnimationFrame(r)); return cond(); };
  img.click();
  const dialog = await until(() => document.querySelector("dialog.seqlab-zoom[open]")) && document.querySelector("dialog.seqlab-zoom[open]");
  if (!dialog) return {ok: false, why: "no dialog"};
  const big = dialog.querySelector("img");
  await until(() => big.complete && big.naturalWidth > 0 && big.getBoundingClientRect().width > 0);
  const fit = big.getBoundingClientRect();
  const aspect = (r) => (r.width / r.height) / (big.naturalWidth / big.naturalHeight);
  const res = {fit_w: Math.round(fit.width), fit_h: Math.round(fit.height), vw: innerWidth, vh: innerHeight,
               fits: fit.width <= innerWidth + 1 && fit.height <= innerHeight + 1, fit_aspect: aspect(fit)};
  dialog.querySelector(".seqlab-zoom-bar button").click();  // 확대
  await until(() => dialog.classList.contains("seqlab-zoomed") && big.getBoundingClientRect().width > fit.width * 1.5);
  const zoomed = big.getBoundingClientRect();
  res.zoom = zoomed.width / fit.width;
  res.zoom_aspect = aspect(zoomed);
  const closeButton = Array.from(dialog.querySelectorAll("button")).find(b => b.textContent.includes("닫기"));
  closeButton.click();
  await until(() => !document.querySelector("dialog.seqlab-zoom"));
  res.closed = !document.querySelector("dialog.seqlab-zoom");
  res.ok = res.fits && Math.abs(res.fit_aspect - 1) < 0.02 && res.zoom > 1.5 && Math.abs(res.zoom_aspect - 1) < 0.02 && res.closed;
  return res;
}
"""

AXE_JS = r"""
async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
    where: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").split("\n").slice(1, 2).join(" ").slice(0, 160))}));
}
"""

# Keyboard: Tab through the page; every element that takes the focus shows a visible outline.
FOCUS_JS = r"""
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const cs = getComputedStyle(el);
  const outline = cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2;
  const shadow = cs.boxShadow && cs.boxShadow !== "none";
  return {tag: el.tagName.toLowerCase(), cls: String(el.className).slice(0, 40),
          label: (el.getAttribute("aria-label") || el.getAttribute("title") || el.innerText || "").trim().slice(0, 30),
          visible: outline || shadow, math: !!el.closest("mjx-container") && el.getAttribute("role") !== "region"};
}
"""

# the navigation drawer: on a phone the visible ☰ opens the chapter list; on a laptop it hides the
# sidebar. Each step waits (animation frames, up to a minute) until the state it expects holds.
NAV_JS = r"""
async (mobile) => {
  const visible = (el) => el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const until = async (cond) => {
    const t0 = performance.now();
    while (!cond() && performance.now() - t0 < 60000) await new Promise(r => requestAnimationFrame(r));
    return cond();
  };
  const toggles = Array.from(document.querySelectorAll(".primary-toggle")).filter(visible);
  if (!toggles.length) return {ok: false, why: "no visible ☰ button"};
  const sidebar = document.getElementById("pst-primary-sidebar");
  if (mobile) {
    const dialog = document.getElementById("pst-primary-sidebar-modal");
    const links = () => dialog ? Array.from(dialog.querySelectorAll("nav a")).filter(a => {
      const r = a.getBoundingClientRect();
      return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth + 1;
    }) : [];
    toggles[0].click();
    let ok = await until(() => dialog && dialog.open && links().length >= 3);
    let why = ok ? "" : `drawer open=${dialog && dialog.open}, visible links=${links().length}`;
    if (dialog && dialog.open) dialog.close();
    await until(() => !(dialog && dialog.open));
    // the page-contents button (pages with sections) opens the page's table of contents
    const secondary = Array.from(document.querySelectorAll(".secondary-toggle")).filter(visible);
    if (ok && secondary.length) {
      const toc = document.getElementById("pst-secondary-sidebar-modal");
      const tocLinks = () => toc ? Array.from(toc.querySelectorAll("a")).filter(a => a.getBoundingClientRect().width > 0) : [];
      secondary[0].click();
      ok = await until(() => toc && toc.open && tocLinks().length >= 1);
      if (!ok) why = `page contents open=${toc && toc.open}, visible links=${tocLinks().length}`;
      if (toc && toc.open) toc.close();
      await until(() => !(toc && toc.open));
    }
    return {ok, why};
  }
  const shown = () => {
    const r = sidebar.getBoundingClientRect();
    return r.right > 10 && r.width > 100 && getComputedStyle(sidebar).visibility !== "hidden";
  };
  const before = await until(shown);
  toggles[0].click();
  const after = !(await until(() => !shown()));
  toggles[0].click();
  const back = await until(shown);
  const ok = before && !after && back;
  return {ok, why: ok ? "" : `sidebar shown ${before} -> ${after} -> ${back}`};
}
"""

# the search page: wait until Sphinx says the search has finished (its status line is filled in)
SEARCH_JS = r"""
() => {
  const items = Array.from(document.querySelectorAll("#search-results ul.search li"));
  return items.map(li => ({href: li.querySelector("a").getAttribute("href"),
                           summary: (li.querySelector(".context") || {innerText: ""}).innerText}));
}
"""
SEARCH_DONE_JS = "() => typeof Search !== 'undefined' && !!Search.status && Search.status.innerText.trim().length > 0"


@dataclass
class PageReport:
    page: str
    width: str
    wide_blocks: list = field(default_factory=list)
    blocks: int = 0
    copy_mismatch: list = field(default_factory=list)
    console_errors: list = field(default_factory=list)
    outside_requests: list = field(default_factory=list)
    math: dict = field(default_factory=dict)
    page_overflow: int = 0
    clipped: list = field(default_factory=list)
    wide_uncued: list = field(default_factory=list)
    scrollers: int = 0
    scroll_no_cue: list = field(default_factory=list)
    breaking: list = field(default_factory=list)
    bad_alt: list = field(default_factory=list)
    english_ui: list = field(default_factory=list)
    nav: dict = field(default_factory=dict)
    figures: list = field(default_factory=list)
    linebreaks: dict = field(default_factory=dict)
    axe: list = field(default_factory=list)
    math_tab_stops: int = 0
    small_targets: list = field(default_factory=list)
    hidden_copy_buttons: int = 0
    zoom: dict | None = None

    @property
    def figures_out_of_aspect(self) -> list:
        return [f for f in self.figures if not 0.98 <= f["ratio"] <= 1.02]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(root: Path):
    """Serve `root` on 127.0.0.1 (a free port) in a thread; return (server, base_url)."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def site_pages(root: Path) -> list[str]:
    """Every html page a reader can reach (not the redirecting index.html)."""
    pages = []
    for p in sorted(root.rglob("*.html")):
        rel = p.relative_to(root).as_posix()
        if rel.startswith(("_static/", "_sources/", "_images/")) or rel == "index.html":
            continue
        pages.append(rel)
    return pages


def pages_using(texts: dict[str, str], term: str) -> set[str]:
    """Pages whose text has `term` with a particle attached (기울기가, 기울기를, ...)."""
    pattern = re.compile(re.escape(term) + f"(?:{PARTICLES})")
    return {page for page, text in texts.items() if pattern.search(text)}


def _wait_until_ready(page) -> None:
    """The page is laid out for good: seqlab.js marks it once fonts and formulas are done."""
    page.wait_for_function("document.documentElement.dataset.seqlabReady === '1'", timeout=TIMEOUT_MS)


def _keyboard_walk(page, presses: int = 40) -> list[dict]:
    """Press Tab `presses` times from the top of the page; what took the focus, and whether it showed."""
    page.evaluate("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur()")
    seen = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUS_JS)
        if info:
            seen.append(info)
    return seen


def _bold_hangul_font(context, page) -> list[str]:
    """The fonts Chromium used for the first bold Korean text of the page (PostScript names)."""
    found = page.evaluate("""() => {
      const el = Array.from(document.querySelectorAll("article strong")).find(e => /[\\uac00-\\ud7a3]/.test(e.textContent));
      if (!el) return false;
      el.setAttribute("data-font-probe", "1");
      return true;
    }""")
    if not found:
        return []
    cdp = context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "[data-font-probe]"})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        return [f["postScriptName"] or f["familyName"] for f in fonts]
    finally:
        cdp.detach()


def search_queries() -> list[str]:
    return sorted({*SEARCH_TERMS, *(t for terms in RECALL_TERMS.values() for t in terms)})


def inspect_site(root: Path, search_terms=SEARCH_TERMS, audit: bool = True) -> dict:
    """Visit every page at both widths and the search page; return the raw findings."""
    from playwright.sync_api import sync_playwright

    root = Path(root)
    server, base = serve(root)
    host = urlsplit(base).netloc
    reports: list[PageReport] = []
    texts: dict[str, str] = {}
    contents: dict[str, str] = {}
    searches: dict[str, list] = {}
    extra: dict = {"keyboard": {}, "fonts": {}, "colab_names": {}, "index": {}}
    if audit and not AXE.is_file():
        raise FileNotFoundError(f"axe-core is missing at {AXE}: run `make browser` (npm install --prefix tests/.axe axe-core@{AXE_VERSION})")
    if audit:
        installed = json.loads((AXE.parent / "package.json").read_text(encoding="utf-8"))["version"]
        if installed != AXE_VERSION:
            raise RuntimeError(f"axe-core {installed} is installed, the test is pinned to {AXE_VERSION}: run `make browser`")
    axe_source = AXE.read_text(encoding="utf-8") if audit else ""
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=["--no-sandbox", "--disable-gpu", "--font-render-hinting=none"])
            for width_name, (w, h) in WIDTHS.items():
                mobile = width_name == "mobile"
                context = browser.new_context(viewport={"width": w, "height": h}, locale="ko-KR",
                                              device_scale_factor=3 if mobile else 1, has_touch=mobile,
                                              is_mobile=mobile, service_workers="block")
                context.set_default_timeout(TIMEOUT_MS)
                outside: list[str] = []

                def route(r, outside=outside):
                    url = r.request.url
                    if url.startswith(("data:", "blob:", "about:")) or urlsplit(url).netloc == host:
                        r.continue_()
                    else:
                        outside.append(url)
                        r.abort()

                context.route("**/*", route)
                page = context.new_page()
                errors: list[str] = []
                page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                page.on("response", lambda r, errors=errors: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)

                # the redirecting index.html: Korean, titled, no error, lands on the first chapter
                errors.clear()
                page.goto(base + "index.html", wait_until="load")
                page.wait_for_url("**/book/00-intro.html", timeout=TIMEOUT_MS)
                _wait_until_ready(page)
                extra["index"][width_name] = {"errors": list(errors), "url": page.url}

                for rel in site_pages(root):
                    errors.clear()
                    outside.clear()
                    page.goto(base + quote(rel), wait_until="load")
                    _wait_until_ready(page)
                    data = page.evaluate(MEASURE_JS)
                    lines = page.evaluate(LINEBREAK_JS, list(LONE_PARTICLES))
                    violations = []
                    if audit:
                        page.add_script_tag(content=axe_source)
                        violations = page.evaluate(AXE_JS, AXE_TAGS)
                    zoom = page.evaluate(ZOOM_JS) if mobile and data["figures"] else None
                    nav = page.evaluate(NAV_JS, mobile) if rel.startswith("book/") else {}
                    if rel in ("book/01-padding.html", "book/08-attention.html"):
                        page.goto(base + quote(rel), wait_until="load")
                        _wait_until_ready(page)
                        extra["keyboard"][f"{rel} @{width_name}"] = _keyboard_walk(page, 60 if rel.endswith("attention.html") else 30)
                        extra["colab_names"][f"{rel} @{width_name}"] = page.get_by_role("link", name="Colab에서 열기", exact=True).count()
                        extra["fonts"][f"{rel} @{width_name}"] = _bold_hangul_font(context, page)
                    texts.setdefault(rel, data["text"])
                    contents.setdefault(rel, data["content"])
                    reports.append(PageReport(
                        page=rel, width=width_name, wide_blocks=data["wide_blocks"], blocks=data["blocks"], copy_mismatch=data["copy_mismatch"],
                        console_errors=list(errors), outside_requests=list(outside), math=data["math"],
                        page_overflow=max(0, data["page_scroll_width"] - data["viewport"]), clipped=data["clipped"],
                        wide_uncued=data["wide_uncued"], scrollers=data["scrollers"],
                        scroll_no_cue=data["scroll_no_cue"], breaking=data["breaking"], bad_alt=data["bad_alt"], english_ui=data["english_ui"], nav=nav,
                        figures=data["figures"], linebreaks=lines, axe=violations, math_tab_stops=data["math_tab_stops"],
                        small_targets=data["small_targets"], hidden_copy_buttons=data["hidden_copy_buttons"], zoom=zoom))
                if width_name == "desktop":
                    for term in sorted(set(search_terms) | set(search_queries())):
                        page.goto(base + "search.html?q=" + quote(term), wait_until="load")
                        page.wait_for_function(SEARCH_DONE_JS, timeout=TIMEOUT_MS)
                        searches[term] = page.evaluate(SEARCH_JS)
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return {"reports": reports, "texts": texts, "contents": contents, "searches": searches, **extra}


def hits(result: list, base_prefix: str = "") -> set[str]:
    """Search result links as site-relative page paths."""
    return {r["href"].split("#")[0].split("?")[0].lstrip("./") for r in result}


def pages_with_form(contents: dict[str, str], form: str) -> set[str]:
    """Pages whose text has `form` (a word, a word with its particle or ending, or a phrase) at the
    start of a word; quotes around a phrase are the query's, not the text's."""
    form = " ".join(form.strip('"“”').split())
    pattern = re.compile(r"(?<![\uac00-\ud7a3A-Za-z0-9_])" + re.escape(form))
    # search.html is the search itself (no article, not in the index)
    return {page for page, text in contents.items() if pattern.search(text) and page != "search.html"}


def recall(found: dict) -> dict[str, dict]:
    """Per form class: pages found / pages that have the form, with the terms that missed pages."""
    out = {}
    for cls, terms in RECALL_TERMS.items():
        want_total = got_total = 0
        missed, extra_pages, empty = {}, {}, []
        for term in terms:
            want = pages_with_form(found["contents"], term)
            got = hits(found["searches"].get(term, []))
            if not want:
                empty.append(term)
            want_total += len(want)
            got_total += len(want & got)
            if want - got:
                missed[term] = sorted(want - got)
            if cls == "phrase":
                # a phrase query returns only pages that contain the phrase
                anywhere = {p for p, t in found["contents"].items() if " ".join(term.strip('"“”').split()) in t}
                if got - anywhere:
                    extra_pages[term] = sorted(got - anywhere)
        out[cls] = {"recall": got_total / want_total if want_total else 0.0, "pages": want_total, "found": got_total,
                    "missed": missed, "not_phrase": extra_pages, "terms_without_pages": empty}
    return out


def summarise(found: dict) -> str:
    lines = [f"{'page':36s} {'width':7s} wide/blocks console outside math page+px uncued scroll break alt en-ui "
             f"fig(out) lone paren midword axe tab small copy zoom nav"]
    for r in found["reports"]:
        lb = r.linebreaks or {}
        zoom = "-" if r.zoom is None else ("ok" if r.zoom.get("ok") else "BAD")
        lines.append(
            f"{r.page:36s} {r.width:7s} {len(r.wide_blocks):4d}/{r.blocks:<5d} {len(r.console_errors):7d} "
            f"{len(r.outside_requests):7d} {len(r.math.get('errors', [])) + len(r.math.get('literal_backslash', [])) + r.math.get('unrendered', 0):4d} "
            f"{r.page_overflow:7d} {len(r.wide_uncued):6d} {r.scrollers:3d}({len(r.scroll_no_cue)}) "
            f"{len(r.breaking):5d} {len(r.bad_alt):3d} {len(r.english_ui):5d} "
            f"{len(r.figures):3d}({len(r.figures_out_of_aspect)}) {len(lb.get('lone_particle', [])):4d} {len(lb.get('paren', [])):5d} "
            f"{len(lb.get('mid_word', [])):7d} {sum(v['nodes'] for v in r.axe):3d} {r.math_tab_stops:3d} {len(r.small_targets):5d} "
            f"{r.hidden_copy_buttons:4d} {zoom:4s} {'ok' if r.nav.get('ok') else (r.nav.get('why') or '-')}")
    for term in SEARCH_TERMS:
        result = found["searches"].get(term, [])
        want = pages_using(found["texts"], term)
        got = hits(result)
        tex = [x["summary"][:60] for x in result if "\\" in x["summary"]]
        lines.append(f"search {term}: {len(got)} hits; pages using it with particles: {len(want)}; "
                     f"missed {sorted(want - got)}; snippets with TeX: {len(tex)}")
    for cls, r in recall(found).items():
        lines.append(f"recall {cls:8s}: {r['found']}/{r['pages']} = {r['recall']:.1%}  missed {r['missed']}  "
                     f"not phrase {r['not_phrase']}  no pages {r['terms_without_pages']}")
    for name in ("index", "keyboard", "fonts", "colab_names"):
        if name == "keyboard":
            for where, seen in found.get("keyboard", {}).items():
                bad = [f"{x['tag']}.{x['cls']} {x['label']}" for x in seen if not x["visible"]]
                lines.append(f"keyboard {where}: {len(seen)} stops, {sum(x['math'] for x in seen)} formulas, "
                             f"no visible focus: {bad}")
        else:
            lines.append(f"{name}: {found.get(name)}")
    return "\n".join(lines)


if __name__ == "__main__":
    t0 = time.time()
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    result = inspect_site(Path(args[0] if args else "_build/html"), audit="--no-axe" not in sys.argv)
    print(summarise(result))
    if "-v" in sys.argv:
        for r in result["reports"]:
            detail = {k: v for k, v in r.__dict__.items() if k not in ("page", "width", "blocks", "figures") and v}
            detail["figures_out_of_aspect"] = r.figures_out_of_aspect
            print(r.page, r.width, json.dumps(detail, ensure_ascii=False)[:3000])
    print(f"{time.time() - t0:.1f} s")
