"""The built site as a reader meets it: every page in headless Chromium at a laptop and a phone width.

Used by tests/test_browser.py, and runnable by hand to print the per-page numbers:

    .venv/bin/python -m tests.browser _build/html

The browser is Debian's ``chromium`` (``/usr/bin/chromium``), driven through playwright's Python API;
nothing is downloaded. The site is served from 127.0.0.1; any request to another host is blocked and
reported.
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
WIDTHS = {"desktop": (1280, 900), "mobile": (390, 844)}
SEARCH_TERMS = ("기울기", "마스크", "게이트")
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
    const pathlike = !alt || /[\\/]|\.(png|jpe?g|svg|gif)$|^[0-9a-f]{16,}$/i.test(alt);
    const figure = article.contains(img);
    if (pathlike || (figure && !hangul.test(alt))) out.bad_alt.push(`${alt.slice(0, 40)} <- ${(img.getAttribute("src") || "").slice(0, 60)}`);
  }
  out.images = document.querySelectorAll("img").length;
  out.text = article.innerText;
  return out;
}
"""

# the navigation drawer: on a phone the visible ☰ opens the chapter list; on a laptop it hides the sidebar
NAV_JS = r"""
async (mobile) => {
  const visible = (el) => el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const toggles = Array.from(document.querySelectorAll(".primary-toggle")).filter(visible);
  if (!toggles.length) return {ok: false, why: "no visible ☰ button"};
  const sidebar = document.getElementById("pst-primary-sidebar");
  const wait = () => new Promise(r => setTimeout(r, 350));
  if (mobile) {
    toggles[0].click();
    await wait();
    const dialog = document.getElementById("pst-primary-sidebar-modal");
    const links = dialog ? Array.from(dialog.querySelectorAll("nav a")).filter(a => {
      const r = a.getBoundingClientRect();
      return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth + 1;
    }) : [];
    let ok = !!(dialog && dialog.open && links.length >= 3);
    if (dialog && dialog.open) dialog.close();
    let why = ok ? "" : `drawer open=${dialog && dialog.open}, visible links=${links.length}`;
    // the page-contents button (pages with sections) opens the page's table of contents
    const secondary = Array.from(document.querySelectorAll(".secondary-toggle")).filter(visible);
    if (ok && secondary.length) {
      secondary[0].click();
      await wait();
      const toc = document.getElementById("pst-secondary-sidebar-modal");
      const tocLinks = toc ? Array.from(toc.querySelectorAll("a")).filter(a => a.getBoundingClientRect().width > 0) : [];
      ok = !!(toc && toc.open && tocLinks.length >= 1);
      if (toc && toc.open) toc.close();
      if (!ok) why = `page contents open=${toc && toc.open}, visible links=${tocLinks.length}`;
    }
    return {ok, why};
  }
  const shown = () => {
    const r = sidebar.getBoundingClientRect();
    return r.right > 10 && r.width > 100 && getComputedStyle(sidebar).visibility !== "hidden";
  };
  const before = shown();
  toggles[0].click();
  await wait();
  const after = shown();
  toggles[0].click();
  await wait();
  const back = shown();
  const ok = before && !after && back;
  return {ok, why: ok ? "" : `sidebar shown ${before} -> ${after} -> ${back}`};
}
"""

SEARCH_JS = r"""
async () => {
  for (let i = 0; i < 100; i++) {
    const done = typeof Search !== "undefined" && Search._index && document.querySelector("#search-results .search-summary, #search-results > p");
    if (done) break;
    await new Promise(r => setTimeout(r, 100));
  }
  await new Promise(r => setTimeout(r, 300));
  const items = Array.from(document.querySelectorAll("#search-results ul.search li"));
  return items.map(li => ({href: li.querySelector("a").getAttribute("href"),
                           summary: (li.querySelector(".context") || {innerText: ""}).innerText}));
}
"""


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


def inspect_site(root: Path, search_terms=SEARCH_TERMS) -> dict:
    """Visit every page at both widths and the search page; return the raw findings."""
    from playwright.sync_api import sync_playwright

    root = Path(root)
    server, base = serve(root)
    host = urlsplit(base).netloc
    reports: list[PageReport] = []
    texts: dict[str, str] = {}
    searches: dict[str, list] = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=["--no-sandbox", "--disable-gpu", "--font-render-hinting=none"])
            for width_name, (w, h) in WIDTHS.items():
                context = browser.new_context(viewport={"width": w, "height": h}, locale="ko-KR",
                                              device_scale_factor=1, has_touch=width_name == "mobile",
                                              service_workers="block")
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
                for rel in site_pages(root):
                    errors.clear()
                    outside.clear()
                    page.goto(base + quote(rel), wait_until="load")
                    data = page.evaluate(MEASURE_JS)
                    nav = page.evaluate(NAV_JS, width_name == "mobile") if rel.startswith("book/") else {}
                    texts.setdefault(rel, data["text"])
                    reports.append(PageReport(
                        page=rel, width=width_name, wide_blocks=data["wide_blocks"], blocks=data["blocks"], copy_mismatch=data["copy_mismatch"],
                        console_errors=list(errors), outside_requests=list(outside), math=data["math"],
                        page_overflow=max(0, data["page_scroll_width"] - data["viewport"]), clipped=data["clipped"],
                        wide_uncued=data["wide_uncued"], scrollers=data["scrollers"],
                        scroll_no_cue=data["scroll_no_cue"], breaking=data["breaking"], bad_alt=data["bad_alt"], english_ui=data["english_ui"], nav=nav))
                if width_name == "desktop":
                    for term in search_terms:
                        page.goto(base + "search.html?q=" + quote(term), wait_until="load")
                        searches[term] = page.evaluate(SEARCH_JS)
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return {"reports": reports, "texts": texts, "searches": searches}


def hits(result: list, base_prefix: str = "") -> set[str]:
    """Search result links as site-relative page paths."""
    return {r["href"].split("#")[0].split("?")[0].lstrip("./") for r in result}


def summarise(found: dict) -> str:
    lines = [f"{'page':40s} {'width':7s} wide/blocks  console  outside  math(err,\\,unr)  page+px  uncued  scroll(no cue)  break  alt  en-ui  nav"]
    for r in found["reports"]:
        lines.append(
            f"{r.page:40s} {r.width:7s} {len(r.wide_blocks):4d}/{r.blocks:<5d}  {len(r.console_errors):7d}  "
            f"{len(r.outside_requests):7d}  {len(r.math.get('errors', [])):3d},{len(r.math.get('literal_backslash', [])):2d},"
            f"{r.math.get('unrendered', 0):2d}        {r.page_overflow:7d}  {len(r.wide_uncued):6d}  "
            f"{r.scrollers:6d}({len(r.scroll_no_cue)})       "
            f"{len(r.breaking):5d}  {len(r.bad_alt):3d}  {len(r.english_ui):5d}  {'ok' if r.nav.get('ok') else (r.nav.get('why') or '-')}")
    for term, result in found["searches"].items():
        want = pages_using(found["texts"], term)
        got = hits(result)
        tex = [x["summary"][:60] for x in result if "\\" in x["summary"]]
        lines.append(f"search {term}: {len(got)} hits {sorted(got)}; pages using it with particles: {len(want)} "
                     f"{sorted(want)}; missed {sorted(want - got)}; snippets with TeX: {len(tex)}")
    return "\n".join(lines)


if __name__ == "__main__":
    t0 = time.time()
    result = inspect_site(Path(sys.argv[1] if len(sys.argv) > 1 else "_build/html"))
    print(summarise(result))
    if "-v" in sys.argv:
        for r in result["reports"]:
            detail = {k: v for k, v in r.__dict__.items() if k not in ("page", "width", "blocks") and v}
            print(r.page, r.width, json.dumps(detail, ensure_ascii=False)[:3000])
    print(f"{time.time() - t0:.1f} s")
