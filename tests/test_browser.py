"""The built site in a real browser: Debian's headless Chromium at 1280 px and 390 px, every page.

Needs /usr/bin/chromium and the Nanum fonts (Debian packages `chromium`, `fonts-nanum`); `make test`
installs them. The test fails (it never skips) when they are missing, so CI cannot pass without it.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .browser import CHROMIUM, SEARCH_TERMS, hits, inspect_site, pages_using, summarise

MISSING = ("Debian's chromium is missing: run `apt-get update && apt-get install -y chromium fonts-nanum` "
           "(make test does this when it runs as root)")


@pytest.fixture(scope="module")
def seen(site):
    assert Path(CHROMIUM).exists() or shutil.which("chromium"), MISSING
    found = inspect_site(site)
    print(summarise(found))
    return found


def _bad(seen, attr):
    return {f"{r.page} @{r.width}": getattr(r, attr) for r in seen["reports"] if getattr(r, attr)}


def test_every_page_was_visited_at_both_widths(seen):
    pages = {r.page for r in seen["reports"]}
    assert {"book/00-intro.html", "book/01-padding.html", "book/glossary.html", "search.html"} <= pages
    assert {r.width for r in seen["reports"]} == {"desktop", "mobile"}


def test_no_request_leaves_the_machine(seen):
    assert not _bad(seen, "outside_requests")


def test_no_console_errors(seen):
    assert not _bad(seen, "console_errors")


def test_mathjax_renders_every_formula(seen):
    assert sum(r.math["items"] for r in seen["reports"]) > 20
    problems = {f"{r.page} @{r.width}": r.math for r in seen["reports"]
                if r.math["errors"] or r.math["literal_backslash"] or r.math["unrendered"] or r.math["error_boxes"]}
    assert not problems


def test_navigation_opens_on_a_phone_and_collapses_on_a_laptop(seen):
    navs = {f"{r.page} @{r.width}": r.nav.get("why") for r in seen["reports"] if r.page.startswith("book/")}
    assert navs and not {k: v for k, v in navs.items() if v}


def test_code_and_output_stay_within_the_column(seen):
    assert sum(r.blocks for r in seen["reports"]) > 100
    assert not _bad(seen, "wide_blocks")
    assert not _bad(seen, "copy_mismatch"), "wrapped code must copy as the lines it shows"


def test_the_page_never_scrolls_sideways_and_wide_boxes_show_they_scroll(seen):
    assert not _bad(seen, "page_overflow")
    assert not _bad(seen, "clipped")
    assert not _bad(seen, "wide_uncued")
    assert not _bad(seen, "scroll_no_cue")


def test_korean_text_keeps_words_whole(seen):
    assert not _bad(seen, "breaking")


def test_every_image_has_alt_text_in_korean(seen):
    assert not _bad(seen, "bad_alt")


@pytest.mark.parametrize("term", SEARCH_TERMS)
def test_korean_search_finds_the_stem_with_particles(seen, term):
    want = pages_using(seen["texts"], term)
    assert want, f"no page uses {term} with a particle; pick another term"
    result = seen["searches"][term]
    assert want <= hits(result), (term, sorted(want - hits(result)))
    assert not [r["summary"] for r in result if "\\" in r["summary"]], "search snippets show raw TeX"


def test_the_theme_speaks_korean(seen):
    assert not _bad(seen, "english_ui")
