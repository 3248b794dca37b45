"""Sphinx extension for the seqlab site: the site as Korean readers meet it, on a laptop or a phone.

What it does, and why configuration alone could not:

- **Colab buttons.** Every notebook page's button opens the copy of its notebook that the
  published site carries in ``_sources/`` on the site branch (``seqlab_site_branch``), not the
  main branch: student exercise notebooks exist only there (they are generated at build time),
  and the chapters' copies have their set-up cell pinned to the commit the site was built from
  (``pin_chapter_sources`` at ``build-finished``), so a chapter opened in Colab installs the
  seqlab it was written for: the library-only wheel this build writes into ``dist/``
  (:mod:`seqlab.tools.publish`). The Colab link stands in the article header as its own button
  ("Colab에서 열기") instead of hiding in the launch dropdown.
- **Theme settings** (``config-inited``): no top header bar (it only repeated the search box and
  held hidden copies of the ☰ buttons that the theme scripts bound to, so the visible ones did
  nothing), a fixed light colour mode, no empty general index, Korean prompts for collapsed
  code, MathJax's ``textmacros`` so ``\\text{num\\_dirs}`` shows an underscore.
- **Korean UI strings** the theme leaves in English (or mistranslates: the footer's "By" came
  out as "으로"), see ``UI_KO``.
- **Korean search** that finds a noun with its particle attached: ``seqlab_search_ko``.
- **Code that stays in its column:** every highlighted line is wrapped in ``<span class="sl">``
  so the stylesheet can wrap long lines with a hanging indent (a visible cue that the next
  screen line continues the same code line) instead of cutting them off.
- **Figures** get a Korean ``alt`` text from their notebook cell (``figure_alt``), and a
  click opens them at full size (``seqlab.js``).
- **Exercise set-up cells** (cell tag ``seqlab-setup``) are collapsed like ``hide-input``.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

from docutils import nodes
from pygments.formatters.html import HtmlFormatter
from sphinx.application import Sphinx
from sphinx.highlighting import PygmentsBridge
from sphinx.search import languages

from seqlab.tools.assign import colab_url_for_page, git_ref, install_source, pin_chapter_sources
from seqlab.tools.publish import UNPUBLISHED, WHEEL_FOLDER, build_student_wheel, check_repository_url, site_url
from seqlab.tools.settings import ROOT

STATIC = Path(__file__).resolve().parent / "static"
SETUP_TAG = "seqlab-setup"

# English (or badly translated) strings of the theme chrome, and what a Korean reader should see.
# Keys are what the theme passes to its own `translate`; see _korean_translate.
UI_KO = {
    "By": "만든 이:",
    "Contents": "이 페이지의 차례",
    "logo": "로고",
    "Fullscreen mode": "전체 화면",
    "Download this page": "이 페이지 내려받기",
    "Download source file": "원본 파일 내려받기",
    "Download notebook file": "노트북 파일 내려받기",
    "Source repository": "소스 저장소",
    "Launch interactive content": "대화형으로 실행",
}
# Strings written into the HTML by templates without going through a translation (attribute
# values and whole text nodes only; replaced after the build, see _korean_chrome).
CHROME_KO = {
    "Toggle primary sidebar": "장 목록 열기/닫기",
    "Toggle secondary sidebar": "이 페이지의 차례 열기/닫기",
    "Site navigation": "장 목록",
    "On this page": "이 페이지의 차례",
    "Main": "장 목록",
    "Page": "이 페이지",
    "Skip to main content": "본문으로 건너뛰기",
    "Back to top": "맨 위로",
    "Color mode": "색상 모드",
    "Light": "밝게",
    "Dark": "어둡게",
    "System Settings": "시스템 설정",
    "Version warning": "버전 안내",
    "Link to this heading": "이 제목으로 연결",
    "Search this book...": "이 책에서 검색…",
    "Search the docs ...": "이 책에서 검색…",
    "Launch interactive content": "대화형으로 실행",
    "Copy": "복사",
    "next page": "다음 페이지",
    "previous page": "이전 페이지",
    "Toggle hidden content": "숨긴 내용 열기/닫기",
    "Please activate JavaScript to enable the search functionality.": "검색하려면 브라우저에서 JavaScript를 켜 주세요.",
    "Section Navigation": "절 목록",
    "전체 화면으로보기": "전체 화면",
}


# --- configuration -------------------------------------------------------------------------------

def _configure(app: Sphinx, config) -> None:
    opts = config.html_theme_options
    # The top header bar of pydata-sphinx-theme only repeats the search box (which the sidebar
    # has), and its hidden ☰ copies come first in the document, where the theme scripts look for
    # the toggles, so the visible buttons did nothing. Without navbar items it is not rendered.
    opts.setdefault("navbar_persistent", [])
    opts.setdefault("navbar_start", [])
    opts.setdefault("navbar_center", [])
    opts.setdefault("navbar_end", [])
    # an empty mode logs "Got invalid theme mode" on a reader's first visit
    config.html_context = {**(config.html_context or {}), "default_mode": "light"}
    # The course has no index entries: no empty 색인 page, no link to it.
    config.html_use_index = False
    # Collapsed code (exercise set-up cells): Korean prompts instead of "Show code cell source".
    config.nb_code_prompt_show = "코드 보기"
    config.nb_code_prompt_hide = "코드 숨기기"
    # \text{num\_dirs}: MathJax's text mode knows \_ only with the textmacros package (it ships
    # in sphinx-mathjax-offline's bundle, so it loads from _static like the rest).
    mj = dict(config.mathjax3_config or {})
    loader = dict(mj.get("loader", {}))
    loader["load"] = sorted(set(loader.get("load", [])) | {"[tex]/textmacros"})
    tex = dict(mj.get("tex", {}))
    packages = dict(tex.get("packages", {"[+]": []}))
    packages["[+]"] = sorted(set(packages.get("[+]", [])) | {"textmacros"})
    tex["packages"] = packages
    mj.update(loader=loader, tex=tex)
    config.mathjax3_config = mj


def _add_static(app: Sphinx) -> None:
    app.config.html_static_path.append(str(STATIC))
    app.add_css_file("seqlab.css")
    app.add_js_file("seqlab.js", loading_method="defer")


# --- code lines that can wrap --------------------------------------------------------------------

class LineSpanHtmlFormatter(HtmlFormatter):
    """Pygments' HTML with each code line in ``<span class="sl">`` (Pygments closes every token
    span at the end of its line, so a line is always balanced)."""

    def wrap(self, source):
        return super().wrap(self._line_spans(source))

    @staticmethod
    def _line_spans(source):
        for is_line, line in source:
            if is_line:
                end = "\n" if line.endswith("\n") else ""
                yield 1, f'<span class="sl">{line[:-1] if end else line}</span>{end}'
            else:
                yield is_line, line


# --- page context: Colab button, Korean theme strings, one THEBE_JS_URL ---------------------------

def _colab_button(group_buttons: list) -> dict | None:
    for button in group_buttons:
        if button.get("type") == "link" and "colab" in button.get("url", ""):
            return button
    return None


def _page_context(app: Sphinx, pagename: str, templatename, context, doctree) -> None:
    buttons = context.get("header_buttons", [])
    for i, group in enumerate(list(buttons)):
        if group.get("label") != "launch-buttons":
            continue
        colab = _colab_button(group.get("buttons", []))
        if colab is None:
            continue
        repo_url = app.config.html_theme_options.get("repository_url", "")
        colab["url"] = colab_url_for_page(repo_url, app.config.seqlab_site_branch, pagename)
        colab.update(text="Colab에서 열기", tooltip="이 노트북을 Colab에서 엽니다", label="colab-open")
        buttons[i] = colab  # a button of its own, not a one-item dropdown

    translate = context.get("translate")
    if translate is not None and not getattr(translate, "_seqlab", False):
        def korean(message, *args, **kwargs):
            if message in UI_KO:
                return UI_KO[message]
            return translate(message, *args, **kwargs)
        korean._seqlab = True
        context["translate"] = korean

    # sphinx-thebe adds its inline configuration script twice; the second copy is a console
    # error ("Identifier 'THEBE_JS_URL' has already been declared") on every page.
    seen, scripts = set(), []
    for script in context.get("script_files", []):
        key = (getattr(script, "filename", str(script)) or "",  # None and "" both mean inline
               tuple(sorted((getattr(script, "attributes", {}) or {}).items())))
        if key in seen:
            continue
        seen.add(key)
        scripts.append(script)
    context["script_files"] = scripts


def _korean_chrome(app: Sphinx, exception) -> None:
    """Replace the few English strings that templates write without translation."""
    if exception is not None or app.builder.format != "html":
        return
    attr = re.compile(r'((?:title|aria-label|placeholder|data-bs-title|alt)=")([^"]+)(")')
    text = re.compile(r">(\s*)([^<>]+?)(\s*)<")
    for page in Path(app.outdir).rglob("*.html"):
        source = page.read_text(encoding="utf-8")
        new = attr.sub(lambda m: m.group(1) + CHROME_KO.get(html.unescape(m.group(2)), m.group(2)) + m.group(3), source)
        # whole text nodes only outside the article, so a chapter's own words are never touched
        parts = re.split(r"(<article\b.*?</article>)", new, flags=re.S)
        new = "".join(part if part.startswith("<article") else
                      text.sub(lambda m: ">" + m.group(1) + CHROME_KO.get(m.group(2), m.group(2)) + m.group(3) + "<", part)
                      for part in parts)
        new = new.replace("© Copyright ", "© ").replace("&#169; Copyright ", "&#169; ")
        if new != source:
            page.write_text(new, encoding="utf-8")


# --- doctree: figure alt text, collapsed set-up cells ---------------------------------------------

_FIGURE_COMMENT = re.compile(r"^\s*#\s*그림\s*:\s*(.+?)\s*$", re.M)
_TITLE_CALL = re.compile(r"""(?:set_title|suptitle|plt\.title)\(\s*f?(["'])(.+?)\1""")
_HANGUL = re.compile("[\uac00-\ud7a3]")


def figure_alt(source: str, heading: str, paragraph: str = "") -> str:
    """The alt text of a figure made by a notebook cell with this `source`.

    1. a comment line ``# 그림: <what the figure shows>`` in the cell (the rule for authors);
    2. else the Korean titles the cell gives its plots (``set_title``, ``suptitle``, ``plt.title``),
       with the section heading;
    3. else the section heading and the first sentence of the paragraph before the cell.
    """
    for name, value in (("source", source), ("heading", heading), ("paragraph", paragraph)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    m = _FIGURE_COMMENT.search(source)
    if m:
        return m.group(1)
    # an f-string title with {placeholders} does not say what the reader sees: skip it
    titles = [t for _, t in _TITLE_CALL.findall(source) if _HANGUL.search(t) and "{" not in t]
    where = f" ({heading} 절)" if heading else ""
    if titles:
        return "그림: " + ", ".join(dict.fromkeys(titles)) + where
    first = re.split(r"(?<=[.!?다])\s", paragraph.strip(), maxsplit=1)[0] if paragraph.strip() else ""
    if first:
        return f"그림{where}: {first[:160]}"
    return f"그림{where}" if heading else "그림"


def _cell_source(cell: nodes.Element) -> str:
    for block in cell.findall(nodes.literal_block):
        return block.astext()
    return ""


def _heading_and_paragraph(cell: nodes.Element) -> tuple[str, str]:
    heading, paragraph = "", ""
    node = cell
    while node.parent is not None:
        parent = node.parent
        index = parent.index(node)
        if not paragraph:
            for sibling in reversed(parent.children[:index]):
                if isinstance(sibling, nodes.paragraph):
                    paragraph = sibling.astext()
                    break
                if isinstance(sibling, nodes.section):
                    break
        if isinstance(parent, nodes.section) and parent.children and isinstance(parent[0], nodes.title):
            heading = parent[0].astext()
            break
        node = parent
    return heading, paragraph


def _doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    for cell in list(doctree.findall(nodes.container)):
        if cell.get("nb_element") != "cell_code":
            continue
        tags = (cell.get("cell_metadata") or {}).get("tags", [])
        if SETUP_TAG in tags and not cell.get("hide_mode"):
            cell["hide_mode"] = "input"
            cell["prompt_show"] = app.config.nb_code_prompt_show
            cell["prompt_hide"] = app.config.nb_code_prompt_hide
        images = [img for img in cell.findall(nodes.image)]
        if not images:
            continue
        alt = figure_alt(_cell_source(cell), *_heading_and_paragraph(cell))
        for img in images:
            img["alt"] = alt
            img["classes"] = list(img.get("classes", [])) + ["seqlab-figure"]


def _wheel_address(app: Sphinx) -> str:
    """The published wheel's address for this build (the commit of the checkout seqlab comes from,
    the same one ``seqlab-assign`` wrote into the exercises)."""
    repo_url = check_repository_url(app.config.html_theme_options.get("repository_url", ""))
    return install_source(repo_url, git_ref(ROOT))


def _publishing_substitutions(app: Sphinx, config) -> None:
    """``{{ seqlab_wheel }}`` and ``{{ site_url }}`` for pages that tell students where things are
    (derived from the one address setting, never typed into a page)."""
    repo_url = check_repository_url(config.html_theme_options.get("repository_url", ""))
    subs = dict(getattr(config, "myst_substitutions", {}) or {})
    subs.setdefault("seqlab_wheel", install_source(repo_url, git_ref(ROOT)))
    subs.setdefault("site_url", site_url(repo_url))
    config.myst_substitutions = subs


def _fill_setup_address(app: Sphinx, docname: str, source: list[str]) -> None:
    """Chapters are committed without an address: the page shows the one the site publishes."""
    if UNPUBLISHED in source[0]:
        source[0] = source[0].replace(UNPUBLISHED, _wheel_address(app))


def _publish_library(app: Sphinx, exception) -> None:
    """Put the library-only wheel beside the pages (``dist/``), fill its address into the chapter
    copies Colab opens, and refuse a build whose exercises point at another wheel."""
    if exception is not None or app.builder.format != "html":
        return
    address = _wheel_address(app)
    wheel = build_student_wheel(Path(app.outdir) / WHEEL_FOLDER, ref=git_ref(ROOT))
    assert address.endswith("/" + wheel.name), (address, wheel.name)
    pin_chapter_sources(Path(app.outdir) / "_sources", address)
    for nb in sorted((Path(app.outdir) / "_sources" / "book").rglob("*.ipynb")):
        text = nb.read_text(encoding="utf-8")
        if UNPUBLISHED in text or ("seqlab 설치 중" in text and address not in text):
            raise RuntimeError(f"{nb}: its set-up cell installs another seqlab than {wheel.name}; "
                               "run `make exercises` again (the student notebooks were built from another commit)")


def setup(app: Sphinx) -> dict:
    app.add_config_value("seqlab_site_branch", "gh-pages", "html")
    languages["ko"] = "seqlab_search_ko.SearchKorean"
    PygmentsBridge.html_formatter = LineSpanHtmlFormatter
    app.connect("config-inited", _configure)
    app.connect("builder-inited", _add_static)
    app.connect("doctree-read", _doctree_read)
    # after sphinx-book-theme's add_launch_buttons (priority 501); the page is rendered later
    app.connect("html-page-context", _page_context, priority=900)
    app.connect("build-finished", _korean_chrome)
    app.connect("config-inited", _publishing_substitutions)
    app.connect("source-read", _fill_setup_address)
    app.connect("build-finished", _publish_library)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
