"""The static site: builds with warnings as errors, Korean, offline math, student versions only."""
import re

from seqlab.tools.assign import secret_lines
from seqlab.tools.otterfmt import find_leak

from .conftest import EXERCISES, ROOT


def test_site_has_every_page(site):
    for page in ["book/00-intro", "book/01-padding", "book/02-packing", "book/03-rnn", "book/04-lstm-gru", "book/glossary",
                 "book/instructors",
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
    chapter = (site / "book" / "01-padding.html").read_text(encoding="utf-8")
    assert "https://colab.research.google.com/github/seqlab-course/seqlab/blob/main/book/01-padding.ipynb" in chapter
    exercise = (site / "book" / "exercises" / "01-padding.html").read_text(encoding="utf-8")
    published = ("https://colab.research.google.com/github/seqlab-course/seqlab/blob/gh-pages/"
                 "_sources/book/exercises/01-padding.ipynb")
    assert published in exercise
    assert "blob/main/book/exercises" not in exercise
    assert (site / "_sources" / "book" / "exercises" / "01-padding.ipynb").is_file()


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


def test_chapter_install_cells_follow_the_one_repository_setting():
    """Each chapter installs seqlab in Colab from the repository named in _config.yml."""
    import nbformat
    import yaml

    repo = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["repository"]["url"]
    for path in sorted((ROOT / "book").glob("[0-9][0-9]-*.ipynb")):
        first = next(c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
        assert '"google.colab" in sys.modules' in first.source, path
        assert f"seqlab @ git+{repo}@" in first.source, path
