/* seqlab: small reader aids (see book/_ext/seqlab_site.py). Nothing here loads from the network. */
(() => {
  "use strict";

  // Figures: click or tap opens the image at full size in a scrollable, closable layer.
  const zoom = (img) => {
    const dialog = document.createElement("dialog");
    dialog.className = "seqlab-zoom";
    const close = document.createElement("button");
    close.type = "button";
    close.className = "seqlab-zoom-close";
    close.textContent = "닫기 ✕";
    const body = document.createElement("div");
    body.className = "seqlab-zoom-body";
    const big = document.createElement("img");
    big.src = img.currentSrc || img.src;
    big.alt = img.alt;
    body.appendChild(big);
    dialog.append(close, body);
    const done = () => { dialog.close(); dialog.remove(); img.focus(); };
    close.addEventListener("click", done);
    big.addEventListener("click", done);
    dialog.addEventListener("cancel", (e) => { e.preventDefault(); done(); });
    document.body.appendChild(dialog);
    dialog.showModal();
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

  patchSearch();
  const ready = () => {
    patchSearch();
    setUpFigures();
    markWrapped();
    markScrollers();
    // MathJax (loaded after this script) typesets after the load event at the earliest
    window.addEventListener("load", () => {
      markScrollers();
      if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
        MathJax.startup.promise.then(() => { markScrollers(); markWrapped(); });
      }
    });
    let timer = null;
    window.addEventListener("resize", () => { clearTimeout(timer); timer = setTimeout(() => { markWrapped(); markScrollers(); }, 150); });
    document.fonts && document.fonts.ready.then(markWrapped);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
