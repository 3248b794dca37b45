"""Korean typography in the book and the exercise masters.

CommonMark closes ``**`` only when the closing run is "right-flanking": ``**패딩(padding)**을``
does not close (a ``)`` before the run and a letter after it), and ``**패딩** 을`` renders with a
visible space before the particle. Both look wrong on the site, so the course writes
``**패딩**(padding)을`` and ``**패딩**을``. This test renders every Markdown cell the way the site
does (markdown-it, CommonMark) and fails on either mistake.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent
PARTICLES = ("을", "를", "가", "은", "는", "의", "에", "와", "과", "도", "로", "으로", "만", "에서", "입니다",
             "이다", "이고", "이며", "이라고", "라고", "까지", "부터", "보다", "처럼", "에게", "이나", "으로는",
             "로는", "에는", "과는", "와는", "이라는", "라는", "이", "이라", "이면", "에도", "와의", "과의", "이란",
             "라면", "이라면", "에서는", "으로도", "로도", "만큼", "마다")
SPACED_PARTICLE = re.compile(r"</strong>\s+(" + "|".join(sorted(PARTICLES, key=len, reverse=True))
                             + r")(?=[\s.,:;!?)]|$)")
MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)


def markdown_sources() -> list[tuple[str, str]]:
    out = []
    for path in sorted((ROOT / "book").glob("*.md")):
        out.append((path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")))
    for folder in ("book", "notebooks"):
        for path in sorted((ROOT / folder).glob("*.ipynb")):
            nb = json.loads(path.read_text(encoding="utf-8"))
            for k, cell in enumerate(nb["cells"]):
                if cell["cell_type"] == "markdown":
                    out.append((f"{path.relative_to(ROOT).as_posix()} cell {k}", "".join(cell["source"])))
    return out


def bold_problems(text: str) -> list[str]:
    """Return a description of each bold that renders wrongly in ``text``."""
    html = MarkdownIt("commonmark").render(MATH.sub("M", text))
    problems = []
    plain = re.sub(r"<code>.*?</code>", "C", re.sub(r"<pre>.*?</pre>", "", html, flags=re.S), flags=re.S)
    for m in re.finditer(r"\*\*", plain):
        problems.append("unclosed **: " + plain[max(0, m.start() - 30):m.end() + 30].replace("\n", " "))
    for m in SPACED_PARTICLE.finditer(plain):
        problems.append("space before a particle: " + plain[max(0, m.start() - 30):m.end()].replace("\n", " "))
    return problems


def test_checker_catches_both_mistakes():
    assert bold_problems("이것이 **패딩(padding)** 입니다.")
    assert bold_problems("이것이 **패딩(padding)**입니다.")
    assert bold_problems("**Colab** 을 누릅니다.")
    for particle in ("이", "이라", "이면", "에도", "와의"):
        assert bold_problems(f"**패딩** {particle} 있습니다."), particle
        assert not bold_problems(f"**패딩**{particle} 있습니다."), particle
    assert not bold_problems("이것이 **패딩**(padding)입니다. **Colab**을 누릅니다. **굵게** 쓴 다음 단어")


@pytest.mark.parametrize("where, text", markdown_sources(), ids=lambda v: v if len(v) < 60 else "")
def test_bold_is_followed_by_its_particle_without_space(where, text):
    assert not bold_problems(text), f"{where}: " + "; ".join(bold_problems(text))
