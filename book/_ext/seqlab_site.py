"""Sphinx extension for the seqlab site.

Student exercise notebooks are generated at build time (they are not committed), so the
theme's Colab button, which points at the main branch, would lead nowhere for them. For pages
under ``book/exercises/`` this extension points the button at the copy of the notebook that the
published site carries in ``_sources/`` on the site branch (``seqlab_site_branch``), the same
address as the badge inside the student notebook.
"""
from __future__ import annotations

from sphinx.application import Sphinx

from seqlab.tools.assign import colab_url_for_exercise

EXERCISE_PREFIX = "book/exercises/"


def _fix_exercise_colab(app: Sphinx, pagename: str, templatename, context, doctree) -> None:
    if not pagename.startswith(EXERCISE_PREFIX):
        return
    repo_url = app.config.html_theme_options.get("repository_url", "")
    url = colab_url_for_exercise(repo_url, app.config.seqlab_site_branch, pagename.rsplit("/", 1)[-1])
    for group in context.get("header_buttons", []):
        if group.get("label") != "launch-buttons":
            continue
        for button in group.get("buttons", []):
            if button.get("text") == "Colab":
                button["url"] = url


def setup(app: Sphinx) -> dict:
    app.add_config_value("seqlab_site_branch", "gh-pages", "html")
    # after sphinx-book-theme's add_launch_buttons (priority 501); the page is rendered later
    app.connect("html-page-context", _fix_exercise_colab, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
