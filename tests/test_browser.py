"""The built site in a real browser: Debian's headless Chromium at 1280 px and 390 px, every page.

Needs /usr/bin/chromium and the Nanum fonts (Debian packages `chromium`, `fonts-nanum`); `make test`
installs them. The test fails (it never skips) when they are missing, so CI cannot pass without it.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .browser import AXE, AXE_VERSION, CHROMIUM, RECALL_TERMS, SEARCH_TERMS, hits, inspect_site, pages_using, recall, summarise

MISSING = ("Debian's chromium is missing: run `apt-get update && apt-get install -y chromium fonts-nanum` "
           "(make test does this when it runs as root)")
MISSING_AXE = (f"axe-core is missing at {AXE}: run `make browser` "
               f"(npm install --prefix tests/.axe axe-core@{AXE_VERSION})")


@pytest.fixture(scope="module")
def seen(site):
    assert Path(CHROMIUM).exists() or shutil.which("chromium"), MISSING
    assert AXE.is_file(), MISSING_AXE
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


def test_figures_keep_their_shape_at_every_width(seen):
    figures = [f for r in seen["reports"] for f in r.figures]
    assert len(figures) >= 20, "the chapters have figures; the test must see them"
    assert not {f"{r.page} @{r.width}": r.figures_out_of_aspect for r in seen["reports"] if r.figures_out_of_aspect}


def test_an_enlarged_figure_fits_the_phone_screen_and_zooms(seen):
    zooms = {f"{r.page} @{r.width}": r.zoom for r in seen["reports"] if r.zoom is not None}
    assert zooms, "no page with a figure was checked on a phone"
    assert not {k: v for k, v in zooms.items() if not v.get("ok")}


def test_no_particle_is_torn_from_its_word_and_no_korean_word_is_split(seen):
    lines = sum(r.linebreaks.get("lines", 0) for r in seen["reports"])
    assert lines > 1000, "the line-break check saw too few lines to mean anything"
    for kind in ("lone_particle", "paren", "mid_word"):
        assert not {f"{r.page} @{r.width}": r.linebreaks[kind] for r in seen["reports"] if r.linebreaks.get(kind)}, kind


def test_no_wcag_aa_violations_at_either_width(seen):
    """axe-core, WCAG 2.0/2.1 A and AA rules, every page, 1280x800 and 390x844."""
    assert not {f"{r.page} @{r.width}": r.axe for r in seen["reports"] if r.axe}


def test_keyboard_focus_is_always_visible_and_formulas_are_no_tab_stops(seen):
    assert not {f"{r.page} @{r.width}": r.math_tab_stops for r in seen["reports"] if r.math_tab_stops}
    walks = seen["keyboard"]
    assert walks and all(len(stops) >= 10 for stops in walks.values()), walks
    invisible = {where: [x for x in stops if not x["visible"]] for where, stops in walks.items()}
    assert not {k: v for k, v in invisible.items() if v}
    assert not {where: [x for x in stops if x["math"]] for where, stops in walks.items() if any(x["math"] for x in stops)}


def test_the_colab_button_has_one_clean_name(seen):
    assert seen["colab_names"] and all(n == 1 for n in seen["colab_names"].values()), seen["colab_names"]


def test_bold_korean_uses_a_real_bold_font(seen):
    fonts = seen["fonts"]
    assert fonts and all(names for names in fonts.values()), fonts
    assert all(any("Bold" in n for n in names) for names in fonts.values()), fonts


def test_phone_controls_are_large_enough_and_copy_buttons_visible(seen):
    assert not _bad(seen, "small_targets")
    assert not _bad(seen, "hidden_copy_buttons")


def test_the_redirecting_index_page_is_clean(seen):
    for width, info in seen["index"].items():
        assert not info["errors"], (width, info)
        assert info["url"].endswith("book/00-intro.html"), info


@pytest.mark.parametrize("form", sorted(RECALL_TERMS))
def test_search_recall_per_form_class(seen, form):
    """Bare nouns, noun + particle, noun + 하다/되다 ending, phrases: >= 95% of the pages that have
    the form are found; a phrase query finds only pages that contain the phrase."""
    measured = recall(seen)[form]
    assert measured["pages"] >= 20 and not measured["terms_without_pages"], measured
    assert measured["recall"] >= 0.95, measured
    assert not measured["not_phrase"], measured
