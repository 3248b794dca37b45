"""The static site: builds with warnings as errors, Korean, offline math, student versions only."""
import re

from seqlab.tools.assign import chapter_setup_source, secret_lines
from seqlab.tools.otterfmt import find_leak

from .conftest import EXERCISES, ROOT


def test_site_has_every_page(site):
    chapters = [f"book/{p.stem}" for p in sorted((ROOT / "book").glob("[0-9][0-9]-*.ipynb"))]
    assert len(chapters) >= 4
    for page in ["book/00-intro", *chapters, "book/glossary", "book/instructors",
                 *[f"book/exercises/{name}" for name in EXERCISES]]:
        assert (site / f"{page}.html").is_file(), page
    assert (site / "index.html").is_file()


def test_pages_are_korean_and_show_stored_outputs(site):
    html = (site / "book" / "02-packing.html").read_text(encoding="utf-8")
    assert '<html lang="ko"' in html
    assert "10, 10, 10, 10, 10, 9, 7, 7, 6, 6, 5, 5, 5, 5, 5, 4, 4, 3, 1, 1" in html
    assert "data:image/png" in html or re.search(r'<img[^>]+\.png"', html)


def test_math_is_rendered_by_a_local_mathjax(site):
    html = (site / "book" / "00-intro.html").read_text(encoding="utf-8")
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    mathjax = [s for s in scripts if "mathjax" in s.lower()]
    assert mathjax and all(not s.startswith(("http:", "https:", "//")) for s in mathjax), mathjax
    assert (site / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert r"\tanh" in html


def test_no_page_loads_anything_from_the_network(site):
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", html):
            src = re.search(r'(?:src|href)="([^"]+)"', tag)
            if src and not tag.startswith("<a"):
                assert not src.group(1).startswith(("http:", "https:", "//")), (page, tag)


def test_colab_buttons(site):
    from seqlab.tools.publish import github_repo
    from seqlab.tools.settings import read_settings

    settings = read_settings(ROOT)
    owner, name = github_repo(settings.repo_url)
    base = f"https://colab.research.google.com/github/{owner}/{name}/blob/{settings.site_branch}/_sources/"
    chapter = (site / "book" / "01-padding.html").read_text(encoding="utf-8")
    assert f"{base}book/01-padding.ipynb" in chapter  # the site's copy, its set-up cell pinned to this build
    assert "blob/main/book/01-padding.ipynb" not in chapter
    assert (site / "_sources" / "book" / "01-padding.ipynb").is_file()
    exercise = (site / "book" / "exercises" / "01-padding.html").read_text(encoding="utf-8")
    assert f"{base}book/exercises/01-padding.ipynb" in exercise
    assert "blob/main/book/exercises" not in exercise
    assert (site / "_sources" / "book" / "exercises" / "01-padding.ipynb").is_file()


def test_pin_chapter_sources_fills_in_the_published_address(tmp_path):
    from seqlab.tools.assign import pin_chapter_sources
    from seqlab.tools.publish import UNPUBLISHED

    (tmp_path / "book").mkdir()
    chapter, other = tmp_path / "book" / "01-padding.ipynb", tmp_path / "book" / "glossary.md"
    chapter.write_text(f'{{"source": "{UNPUBLISHED}"}}', encoding="utf-8")
    other.write_text("no notebook", encoding="utf-8")
    address = "https://o.github.io/r/dist/seqlab-0.1.0+gabc-py3-none-any.whl"
    assert pin_chapter_sources(tmp_path, address) == [chapter]
    assert address in chapter.read_text(encoding="utf-8") and UNPUBLISHED not in chapter.read_text(encoding="utf-8")


def test_site_shows_student_versions_never_masters_or_hidden_tests(site, assigned):
    everything = "\n".join(p.read_text(encoding="utf-8", errors="replace")
                           for p in site.rglob("*") if p.is_file() and p.suffix in {".html", ".ipynb", ".txt", ".js"})
    assert "# BEGIN SOLUTION" not in everything and "# ASSIGNMENT CONFIG" not in everything
    assert "torch.cat(pieces)" not in everything  # an answer line of exercise 2
    # the one leak rule, as in seqlab-assign and seqlab-grade; a line that the public chapters
    # themselves contain (e.g. `with torch.no_grad():`) reveals nothing
    chapters = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "book").glob("*.*")
                         if p.suffix in {".ipynb", ".md"})
    for name in EXERCISES:
        secret = secret_lines(assigned / name / "autograder" / "tests", ROOT / "notebooks" / f"{name}.ipynb")
        secret = {stmt for stmt in secret if stmt not in chapters}
        assert secret and find_leak(everything, secret) is None, find_leak(everything, secret)
    assert not (site / "notebooks").exists()
    assert not list(site.rglob("test_*.html"))


def test_readme_names_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make site" in readme and "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_chapters_start_with_the_one_setup_cell():
    """Each chapter's first code cell is the course's set-up cell, without any address (the site
    build fills in the published wheel's; Colab: install seqlab, with the chapter's extra if any;
    locally: say what to do without it)."""
    import nbformat

    allowed = {chapter_setup_source(extras) for extras in [(), ("timeseries",)]}
    for path in sorted((ROOT / "book").glob("[0-9][0-9]-*.ipynb")):
        first = next(c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
        assert first.source in allowed, path
        assert not first.get("outputs"), path


# --- the site extension (book/_ext): Korean search stems, figure alt text ---------------------------

def _ext():
    import sys

    path = str(ROOT / "book" / "_ext")
    if path not in sys.path:
        sys.path.insert(0, path)
    import seqlab_search_ko
    import seqlab_site

    return seqlab_search_ko, seqlab_site


def test_korean_search_stems_strip_one_particle():
    import pytest

    ko, _ = _ext()
    assert [ko.stem(w) for w in ["기울기가", "기울기를", "기울기에서는", "기울기", "마스크로", "게이트의", "RNN은"]] == \
        ["기울기", "기울기", "기울기", "기울기", "마스크", "게이트", "RNN"]
    assert ko.stem("가") == "가" and ko.stem("batch_first") == "batch_first"
    with pytest.raises(TypeError, match="word"):
        ko.stem(None)


def test_figure_alt_text_rule():
    import pytest

    _, ext = _ext()
    cell = "# 그림: 시간 단계마다 계산하는 시퀀스 수\nplot_packing(x, lengths, batch_first=True)\nplt.show()"
    assert ext.figure_alt(cell, "2.2 패킹") == "시간 단계마다 계산하는 시퀀스 수"
    titled = 'ax.set_title("RNN 순전파 시간: 패딩 대 패킹")\nplt.show()'
    assert ext.figure_alt(titled, "2.6 측정") == "그림: RNN 순전파 시간: 패딩 대 패킹 (2.6 측정 절)"
    fstring = 'ax.set_title(f"{name} 학습 손실")\nplt.show()'
    assert "{" not in ext.figure_alt(fstring, "3.5 태깅", "손실 곡선을 그립니다. 그다음")
    plain = ext.figure_alt("plot(x)\nplt.show()", "2.2 패킹", "아래 그림은 batch_sizes를 보여 줍니다. 다음은")
    assert plain == "그림 (2.2 패킹 절): 아래 그림은 batch_sizes를 보여 줍니다."
    with pytest.raises(TypeError, match="source"):
        ext.figure_alt(None, "")


# Chapters written before the `# 그림:` rule (README, 장 추가하기 4); remove a name once its figure
# cells carry the comment. Every other chapter must follow the rule.
FIGURE_COMMENT_PENDING: set[str] = set()


def test_every_figure_cell_says_what_it_shows():
    import nbformat

    _, ext = _ext()
    missing = []
    for path in sorted((ROOT / "book").glob("[0-9][0-9]-*.ipynb")):
        cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"
                 and any("image/png" in o.get("data", {}) or "image/svg+xml" in o.get("data", {})
                         for o in c.get("outputs", []))]
        lacking = [c.source.splitlines()[0] for c in cells if not ext._FIGURE_COMMENT.search(c.source)]
        if path.stem in FIGURE_COMMENT_PENDING:
            continue
        missing += [f"{path.name}: {first}" for first in lacking]
    assert not missing, "figure cells without a `# 그림: ...` line (README, 장 추가하기 4): " + "; ".join(missing)


def test_korean_search_stems_strip_verb_endings_too():
    ko, _ = _ext()
    forms = ["마스크된", "패딩된", "임베딩한", "패딩하는", "패딩하지", "정렬해", "정렬되는", "학습하고", "학습했다",
             "정렬했습니다", "계산합니다", "적용됩니다", "학습시킨"]
    assert {ko.stem(w) for w in forms} == {"마스크", "패딩", "임베딩", "정렬", "학습", "계산", "적용"}
    assert ko.stem("한") == "한" and ko.stem("된") == "된"  # nothing left to stand alone


def test_line_break_glue_keeps_particles_with_their_word():
    import pytest

    _, ext = _ext()
    wj = ext.WJ
    assert ext.glue_text("(B, d_h)입니다") == f"(B, d_h){wj}입니다"
    assert ext.glue_text("“셀”의 값, 50%는, RNN은") == f"“셀”{wj}의 값, 50%{wj}는, RNN{wj}은"
    assert ext.glue_text("은닉 상태(hidden state)를") == f"은닉 상태{wj}(hidden state){wj}를"
    # spaces, opening marks and slashes stay break opportunities; Korean words are left alone
    for text in ["a (b)", "(데비안)", "입력/출력", "패딩을 합니다", "“패딩”"]:
        assert ext.glue_text(text) == text
    with pytest.raises(TypeError, match="text"):
        ext.glue_text(None)


def test_line_break_glue_on_a_doctree():
    from docutils import nodes

    _, ext = _ext()
    para = nodes.paragraph()
    para += [nodes.Text("가중치 "), nodes.math(text="W_h"), nodes.Text("의 모양은 "),
             nodes.literal(text="(B, d_h)"), nodes.Text("입니다. "), nodes.strong(text="은닉 상태"),
             nodes.Text("(hidden state)를 봅니다.")]
    doc = nodes.section()
    doc += para
    assert ext.glue_korean_breaks(doc) >= 3
    boxes = [n for n in para.findall(nodes.inline) if "seqlab-nowrap" in n["classes"]]
    # a formula and its particle share one no-wrap span; inline code is followed by a word joiner
    assert [b.astext() for b in boxes] == ["W_h의"]
    text = para.astext()
    assert f"(B, d_h){ext.WJ}입니다" in text and f"은닉 상태{ext.WJ}(hidden state){ext.WJ}를" in text
    assert text.replace(ext.WJ, "") == "가중치 W_h의 모양은 (B, d_h)입니다. 은닉 상태(hidden state)를 봅니다."


def test_code_lines_carry_their_indentation_for_the_stylesheet():
    import pytest

    _, ext = _ext()
    assert ext.code_line_html('<span class="w">        </span><span class="k">return</span> x\n') == \
        '<span class="sl" style="--i:8"><span class="sl-ind">        </span><span class="k">return</span> x</span>\n'
    assert ext.code_line_html("tensor([1, 2])") == '<span class="sl" style="--i:0">tensor([1, 2])</span>'
    assert ext.code_line_html("   aligned\n").startswith('<span class="sl" style="--i:3"><span class="sl-ind">   </span>')
    with pytest.raises(TypeError, match="line"):
        ext.code_line_html(3)


def test_figure_sizes_and_the_colab_button_name():
    _, ext = _ext()
    img = '<img alt="그림" class="seqlab-figure" src="a.png" style="width: 541.5px; height: 310px;" />'
    assert ext.figure_sizes(img) == '<img alt="그림" class="seqlab-figure" src="a.png" width="542" height="310" />'
    other = '<img alt="로고" src="logo.png" style="width: 10px; height: 10px;" />'
    assert ext.figure_sizes(other) == other  # only the course's figures
    button = ('<a href="https://colab" class="btn btn-sm btn-colab-open" title="t">\n<span class="btn__icon-container">\n'
              '    <img alt="Colab에서 열기 로고" src="logo_colab.png">')
    fixed = ext.colab_button_name(button)
    assert 'aria-label="Colab에서 열기"' in fixed and 'alt=""' in fixed and "로고" not in fixed


def test_the_site_index_redirects_in_korean_with_a_title_and_favicon(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ko">' in index and re.search(r"<title>[^<]+</title>", index)
    assert 'url=book/00-intro.html' in index and 'rel="icon"' in index
    assert (site / "_static" / "favicon.svg").is_file()
    chapter = (site / "book" / "08-attention.html").read_text(encoding="utf-8")
    assert 'rel="icon"' in chapter
    assert '"inTabOrder": false' in chapter.replace(" ", "").replace('"inTabOrder":false', '"inTabOrder": false')
    assert not re.search(r'<img[^>]*seqlab-figure[^>]*style="width', chapter)


def test_the_browser_audit_pins_one_axe_core_version():
    from .browser import AXE_VERSION

    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    pinned = re.search(r"^AXE_CORE\s*:=\s*(\S+)", makefile, re.M)
    assert pinned and pinned.group(1) == AXE_VERSION
    assert "tests/.axe/" in (ROOT / ".gitignore").read_text(encoding="utf-8")


def test_line_break_glue_in_html_fragments_and_navigation():
    _, ext = _ext()
    wj = ext.WJ
    table = '<style>td{color:rgba(0,0,0,1)}</style><th>0.90 이상(풀었음)</th>'
    assert ext.glue_html(table) == f'<style>td{{color:rgba(0,0,0,1)}}</style><th>0.90 이상{wj}(풀었음)</th>'
    nav = '<nav><a>시퀀스-투-시퀀스(seq2seq)</a> <code>data</code>에서</nav><p>a(b)</p>'
    assert ext.glue_navigation(nav) == f'<nav><a>시퀀스-투-시퀀스{wj}(seq2seq)</a> <code>data</code>{wj}에서</nav><p>a(b)</p>'
