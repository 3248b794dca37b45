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
- **Korean line breaks** (``glue_korean_breaks``, at ``doctree-resolved``): a particle never starts a
  line on its own after ``)``, ``”``, ``%``, inline code or a formula, and a line never breaks right
  before ``(`` inside a word: a word joiner (U+2060) goes in between, and a formula with its particle
  is kept in one no-wrap span. Chapters are never edited by hand for this.
- **Figures keep their shape:** the inline ``width``/``height`` style of each figure becomes the
  ``width``/``height`` attributes (intrinsic aspect ratio), so ``max-width: 100%; height: auto``
  scales both sides (``_figure_sizes``).
- **Keyboard and screen readers:** formulas are out of the Tab order (MathJax ``inTabOrder``), the
  Colab button has one clean accessible name, every page (the redirecting ``index.html`` too) has
  ``lang="ko"``, a title and a favicon.
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
    # Formulas are not Tab stops (71 on chapter 8 otherwise): a keyboard reader tabs through links
    # and controls; MathJax's menu stays reachable from the context menu.
    options = dict(mj.get("options", {}))
    menu = dict(options.get("menuOptions", {}))
    settings = dict(menu.get("settings", {}))
    settings.setdefault("inTabOrder", False)
    settings.setdefault("assistiveMml", True)
    menu["settings"] = settings
    options["menuOptions"] = menu
    mj.update(loader=loader, tex=tex, options=options)
    config.mathjax3_config = mj
    # A favicon, so that no browser asks for a missing /favicon.ico.
    if not config.html_favicon:
        config.html_favicon = str(STATIC / "favicon.svg")


def _add_static(app: Sphinx) -> None:
    app.config.html_static_path.append(str(STATIC))
    app.add_css_file("seqlab.css")
    app.add_js_file("seqlab.js", loading_method="defer")


# --- code lines that can wrap --------------------------------------------------------------------

_LEADING_SPACES = re.compile(r'^(?:<span class="w">( +)</span>|( +))')


def code_line_html(line: str) -> str:
    """One highlighted line as ``<span class="sl" style="--i:N">``, N its leading spaces.

    The leading spaces go in ``<span class="sl-ind">`` (zero width on screen, still copied): the
    stylesheet indents the line by N ch with padding instead, so a wrapped line continues 4 ch
    further in than its own indentation (indented Python stays readable), and a deeply aligned
    line can never wrap into a screen line of blanks.
    """
    if not isinstance(line, str):
        raise TypeError(f"line must be a str, got {type(line).__name__}")
    end = "\n" if line.endswith("\n") else ""
    body = line[:-1] if end else line
    m = _LEADING_SPACES.match(body)
    n = 0
    if m:
        spaces = m.group(1) or m.group(2)
        n = len(spaces)
        body = f'<span class="sl-ind">{spaces}</span>' + body[m.end():]
    return f'<span class="sl" style="--i:{n}">{body}</span>{end}'


class LineSpanHtmlFormatter(HtmlFormatter):
    """Pygments' HTML with each code line in ``<span class="sl">`` (Pygments closes every token
    span at the end of its line, so a line is always balanced); see ``code_line_html``."""

    def wrap(self, source):
        return super().wrap(self._line_spans(source))

    @staticmethod
    def _line_spans(source):
        for is_line, line in source:
            yield (1, code_line_html(line)) if is_line else (is_line, line)


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


# --- Korean line breaks: particles stay with their word ------------------------------------------

WJ = "\u2060"  # WORD JOINER: no line break on either side, invisible, not a word character
ZWSP = "\u200b"  # ZERO WIDTH SPACE: a break opportunity, invisible
_HANGUL_CHAR = "\uac00-\ud7a3\u3131-\u318e"
# inside one text node: a Hangul letter right after a closing mark, a digit, a Latin letter or a
# percent sign ((B, d_h)입니다, “셀”의, 50%는, RNN은), and "(" right after a letter (상태(hidden state))
# a backslash is never glued: ``\(`` and ``\)`` are MathJax's delimiters (math in headings reaches
# the sidebar and page contents as text)
_GLUE_BEFORE_HANGUL = re.compile(rf"(?<=[^\s{WJ}(\[{{“‘<\-—–/\\])(?=[{_HANGUL_CHAR}])(?<![{_HANGUL_CHAR}])")
_GLUE_BEFORE_PAREN = re.compile(rf"(?<=[^\s{WJ}(\[{{“‘<\-—–/\\])(?=\()")
_SKIP_NODES = (nodes.literal_block, nodes.math_block, nodes.raw, nodes.comment, nodes.FixedTextElement,
               nodes.system_message)
_ATOM_NODES = (nodes.literal, nodes.math)


def glue_text(text: str) -> str:
    """`text` with a word joiner wherever a line must not break inside a written word."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return _GLUE_BEFORE_PAREN.sub(WJ, _GLUE_BEFORE_HANGUL.sub(WJ, text))


_HTML_PARTS = re.compile(r"(<style\b.*?</style>|<script\b.*?</script>|<[^>]*>)", re.S | re.I)


def glue_html(markup: str) -> str:
    """`glue_text` on the text of an HTML fragment (never inside tags, styles or scripts)."""
    if not isinstance(markup, str):
        raise TypeError(f"markup must be a str, got {type(markup).__name__}")
    parts = _HTML_PARTS.split(markup)
    out, last = [], ""
    for i, part in enumerate(parts):
        if i % 2:  # a tag, a style or a script
            if re.match(r"<(?:style|script)\b", part, re.I):
                last = ""
            out.append(part)
            continue
        text = glue_text(part)
        # across tags (<code>data</code>에서, <span>시퀀스</span>(seq2seq)): the same two rules
        if text and last and not last.isspace() and last not in f"{WJ}{ZWSP}([{{“‘<-—–/\\":
            if text[0] == "(" or (re.match(f"[{_HANGUL_CHAR}]", text[0]) and not re.match(f"[{_HANGUL_CHAR}]", last)):
                text = WJ + text
        out.append(text)
        if text:
            last = text[-1]
    return "".join(out)


def _segments(element: nodes.Element):
    """The inline content of a paragraph-like element in reading order: Text nodes and atoms
    (inline code, formulas); None marks anything else (an image, a footnote mark), which ends a run."""
    for child in element.children:
        if isinstance(child, nodes.Text):
            yield child
        elif isinstance(child, _ATOM_NODES):
            yield child
        elif isinstance(child, (nodes.Inline, nodes.inline)) and isinstance(child, nodes.Element) \
                and not isinstance(child, (nodes.image, nodes.footnote_reference, nodes.citation_reference,
                                           nodes.raw, nodes.substitution_reference)):
            yield from _segments(child)
        else:
            yield None


def _ends_word(seg) -> bool:
    if isinstance(seg, nodes.Text):
        return bool(str(seg)) and not str(seg)[-1].isspace()
    return seg is not None


def glue_korean_breaks(doctree: nodes.Node) -> int:
    """Insert word joiners (and no-wrap spans around a formula and its particle) so that no line
    starts with a particle torn from its word, code or formula, nor with "(" inside a word.
    Returns how many places were glued."""
    count = 0
    blocks = [n for n in doctree.findall(nodes.TextElement)
              if not isinstance(n, (nodes.Inline, *_SKIP_NODES)) and not any(
                  isinstance(a, _SKIP_NODES) for a in _ancestors(n))]
    for block in blocks:
        segs = list(_segments(block))
        # 1. inside each text node
        for i, seg in enumerate(segs):
            if isinstance(seg, nodes.Text) and not isinstance(seg.parent, _SKIP_NODES):
                new = glue_text(str(seg))
                if new != str(seg):
                    count += new.count(WJ) - str(seg).count(WJ)
                    replacement = nodes.Text(new)
                    seg.parent.replace(seg, replacement)
                    segs[i] = replacement
        # 2. across node boundaries
        for i in range(1, len(segs)):
            prev, seg = segs[i - 1], segs[i]
            if not isinstance(seg, nodes.Text) or not _ends_word(prev):
                continue
            text = str(seg)
            if not text or text[0].isspace() or text[0] in (WJ, ZWSP):
                continue
            first = text[0]
            if isinstance(prev, _ATOM_NODES):
                # a particle after code or a formula is glued; "(" after code gets a break
                # opportunity instead (digits and "(" never break: `…clone=1`(데비안) would only break
                # inside 데비안)
                if first == "(" and isinstance(prev, nodes.literal):
                    replacement = nodes.Text(ZWSP + text)
                    seg.parent.replace(seg, replacement)
                    segs[i] = replacement
                    continue
                glue = bool(re.match(rf"[{_HANGUL_CHAR}]", first))
            else:
                last = str(prev)[-1]
                glue = (first == "(" and last not in "([{“‘") or \
                       (bool(re.match(rf"[{_HANGUL_CHAR}]", first)) and not re.match(rf"[{_HANGUL_CHAR}\s(\[{{“‘]", last))
            if not glue:
                continue
            if isinstance(prev, nodes.math) and prev.parent is seg.parent:
                # a formula (an atomic box once typeset) and its particle in one no-wrap span; inline
                # code gets the word joiner instead: in Chromium a no-wrap span around code does not
                # hold, since the code's own pre-wrap governs the break after it
                run = re.match(r"[^\s]+", text).group(0)
                parent = seg.parent
                box = nodes.inline(classes=["seqlab-nowrap"])
                index = parent.index(prev)
                parent.remove(prev)
                box += prev
                box += nodes.Text(run)
                rest = text[len(run):]
                parent.remove(seg)
                parent.insert(index, box)
                if rest:
                    parent.insert(index + 1, nodes.Text(rest))
                    segs[i] = parent[index + 1]
                count += 1
                continue
            replacement = nodes.Text(WJ + text)
            seg.parent.replace(seg, replacement)
            segs[i] = replacement
            count += 1
    # tables and other HTML that cells print (a pandas DataFrame): the same rule for their text
    for raw in list(doctree.findall(nodes.raw)):
        if "html" in raw.get("format", "").split():
            new = glue_html(raw.astext())
            if new != raw.astext():
                raw.replace(raw[0], nodes.Text(new))
                count += 1
    return count


def _ancestors(node: nodes.Node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


def _doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    glue_korean_breaks(doctree)


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


# --- after the build: figure sizes, the Colab button's name, the redirecting index.html ----------

_FIGURE_STYLE = re.compile(
    r'(<img\b[^>]*?\bclass="[^"]*\bseqlab-figure\b[^"]*"[^>]*?)\s+style="width:\s*([\d.]+)px;\s*height:\s*([\d.]+)px;?"')
_COLAB_LOGO = re.compile(r'(<a\b[^>]*\bbtn-colab-open\b[^>]*)>(\s*<span class="btn__icon-container">\s*<img) alt="[^"]*"')


def figure_sizes(html_text: str) -> str:
    """Turn each figure's inline ``width``/``height`` style into attributes: the style would win over
    ``height: auto`` and squash the figure when ``max-width`` narrows it; attributes only give the
    browser the figure's shape (and reserve its space before it loads)."""
    return _FIGURE_STYLE.sub(lambda m: f'{m.group(1)} width="{round(float(m.group(2)))}" '
                                       f'height="{round(float(m.group(3)))}"', html_text)


def colab_button_name(html_text: str) -> str:
    """The Colab button is named once, "Colab에서 열기": its logo is decoration (empty alt)."""
    return _COLAB_LOGO.sub(lambda m: f'{m.group(1)} aria-label="Colab에서 열기">{m.group(2)} alt=""', html_text)


# Controls whose accessible name differs from the words they show (WCAG 2.5.3, "label in name"):
# a speech-input user says what they see. The visible words name them instead.
_NAME_FIXES = (
    # the sidebar's search field shows "검색 Ctrl+K" but was named "검색"
    (re.compile(r'(<button class="btn search-button-field[^"]*"[^>]*?)\s+aria-label="[^"]*"'), r"\1"),
    # a collapsed cell shows "코드 보기" but was named "Toggle hidden content"
    (re.compile(r'<summary aria-label="[^"]*">'), "<summary>"),
    # the colour-mode button's icons carry titles ("밝게") that are not its name ("색상 모드")
    (re.compile(r'(<i class="theme-switch [^"]*" data-mode="\w+")\s+title="[^"]*"'), r'\1 aria-hidden="true"'),
)


_NAV_BLOCK = re.compile(r"<nav\b.*?</nav>", re.S)


def glue_navigation(html_text: str) -> str:
    """The chapter list and the page's table of contents are written from the titles the theme
    keeps (not from the glued page): the same Korean line-break rule for their text."""
    return _NAV_BLOCK.sub(lambda m: glue_html(m.group(0)), html_text)


def control_names(html_text: str) -> str:
    """Let every control be named by the words it shows (see ``_NAME_FIXES``)."""
    for pattern, replacement in _NAME_FIXES:
        html_text = pattern.sub(replacement, html_text)
    return html_text


def redirect_page(target: str, title: str, favicon: str | None) -> str:
    """The site's index.html: Korean, titled, with the favicon, sending the reader to `target`."""
    icon = f'  <link rel="icon" href="{html.escape(favicon)}">\n' if favicon else ""
    target = html.escape(target)
    return (f'<!DOCTYPE html>\n<html lang="ko">\n<head>\n  <meta charset="utf-8">\n'
            f'  <title>{html.escape(title)}</title>\n{icon}'
            f'  <meta http-equiv="Refresh" content="0; url={target}">\n</head>\n'
            f'<body>\n  <p><a href="{target}">{html.escape(title)}: 첫 페이지로 가기</a></p>\n</body>\n</html>\n')


def _finish_pages(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    for page in out.rglob("*.html"):
        if page.relative_to(out).parts[0] in ("_static", "_sources", "_images"):
            continue
        source = page.read_text(encoding="utf-8")
        new = glue_navigation(control_names(colab_button_name(figure_sizes(source))))
        if new != source:
            page.write_text(new, encoding="utf-8")
    # sphinx-external-toc writes a bare redirect (no lang, no title, no favicon) unless one exists;
    # this runs first (priority 400) so the course's redirect is the one written
    root = app.config.root_doc
    if root != "index":
        favicon = f"_static/{Path(app.config.html_favicon).name}" if app.config.html_favicon else None
        title = app.config.html_title or app.config.project
        (out / "index.html").write_text(redirect_page(f"{root}.html", title, favicon), encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.add_config_value("seqlab_site_branch", "gh-pages", "html")
    languages["ko"] = "seqlab_search_ko.SearchKorean"
    PygmentsBridge.html_formatter = LineSpanHtmlFormatter
    app.connect("config-inited", _configure)
    app.connect("builder-inited", _add_static)
    app.connect("doctree-read", _doctree_read)
    app.connect("doctree-resolved", _doctree_resolved)
    # after sphinx-book-theme's add_launch_buttons (priority 501); the page is rendered later
    app.connect("html-page-context", _page_context, priority=900)
    app.connect("build-finished", _finish_pages, priority=400)
    app.connect("build-finished", _korean_chrome)
    app.connect("config-inited", _publishing_substitutions)
    app.connect("source-read", _fill_setup_address)
    app.connect("build-finished", _publish_library)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
