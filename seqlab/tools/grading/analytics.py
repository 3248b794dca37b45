"""Per-question analytics of a run, for the instructor: what did the class not understand?

Saved with the run in ``analytics/``:

- ``questions.md`` and ``questions.json``: per question, how many students got each number of
  points, the mean, and the most frequent failing check messages, public and **hidden** (hidden
  messages name the hidden tests' arguments: this folder is for the instructor only);
- ``questions.png``: one panel per question, students per points value (integer axes).

Built from the gradebook's counting rows (one per student) and the case outcomes the judge kept
(``.results.json``); rows kept from a run before these were saved count in the points only.
"""
from __future__ import annotations

import io
import json
import re
from collections import Counter
from pathlib import Path

from .collect import GRADED_STATUSES
from .gradebook import Gradebook, write_atomic

__all__ = ["normalise_message", "question_stats", "write_analytics", "analytics_figure"]

TOP = 5


def normalise_message(message: str) -> str:
    """One failing message as a kind: the first line, a call's arguments dropped (``f(…)``), numbers
    replaced by ``#``, shortened, so that the same mistake on different inputs counts as one."""
    first = (message or "").strip().splitlines()[0] if (message or "").strip() else "(메시지 없음)"
    first = re.sub(r"([A-Za-z0-9_])\((?:[^()]|\([^()]*\))*\)", r"\1(…)", first)  # a call's arguments: f(…)
    first = re.sub(r"\d+(\.\d+)?", "#", first)
    first = re.sub(r"\s+", " ", first)
    return first[:160]


def question_stats(book: Gradebook) -> dict[str, dict]:
    rows = [(rel, book.rows[rel]) for rel in book.counting_rows().values()]
    graded = [(rel, r) for rel, r in rows if r["status"] in GRADED_STATUSES and r.get("total", "") != ""]
    stats = {}
    for q in book.questions:
        points = Counter(float(r[q]) for _, r in graded if r[q] != "")
        public, hidden = Counter(), Counter()
        untouched = errors = 0
        for rel, _ in graded:
            details = book.details.get(rel) or {}
            cases = details.get("cases", {}).get(q, [])
            owner = details.get("questions", [])
            if any(0 < int(e.get("cell", 0)) <= len(owner) and owner[int(e["cell"]) - 1] == q
                   for e in details.get("errors", [])) and not all(c.get("passed") for c in cases):
                errors += 1
                continue
            if cases and not any(c.get("answered") for c in cases):
                untouched += 1
                continue
            seen_pub, seen_hid = set(), set()
            for c in cases:
                if c.get("passed"):
                    continue
                kind = normalise_message(str(c.get("message", "")))
                (seen_hid if c.get("hidden") else seen_pub).add(kind)
            public.update(seen_pub)
            hidden.update(seen_hid)
        n = sum(points.values())
        stats[q] = {
            "possible": book.possible[q],
            "students": n,
            "mean": round(sum(p * k for p, k in points.items()) / n, 3) if n else None,
            "full": points.get(book.possible[q], 0),
            "untouched": untouched,
            "errors": errors,
            "points": {f"{p:g}": k for p, k in sorted(points.items())},
            "public_failures": public.most_common(TOP),
            "hidden_failures": hidden.most_common(TOP),
        }
    return stats


def _markdown(book: Gradebook, stats: dict[str, dict]) -> str:
    lines = [f"# {book.exercise}: 문제별 분석 (강사 전용)", "",
             "숨은 테스트의 메시지가 들어 있습니다. 학생에게 보여 주지 마세요. 메시지의 숫자는 `#`로 바꿔, 같은 실수는 "
             "입력이 달라도 한 번으로 셉니다(학생 한 명은 한 번만 셉니다).", "",
             "| 문제 | 배점 | 채점 학생 | 평균 | 만점 | 답 없음 | 셀 오류 | 점수별 학생 수 |", "|---|---|---|---|---|---|---|---|"]
    for q, s in stats.items():
        dist = ", ".join(f"{p}점 {k}명" for p, k in s["points"].items()) or "-"
        mean = "-" if s["mean"] is None else f"{s['mean']:.2f}"
        lines.append(f"| {q} | {s['possible']:g} | {s['students']} | {mean} | {s['full']} | {s['untouched']} | {s['errors']} | {dist} |")
    for q, s in stats.items():
        lines += ["", f"## {q}", ""]
        for title, key in (("공개 테스트에서 자주 실패한 메시지", "public_failures"),
                           ("숨은 테스트에서 자주 실패한 메시지", "hidden_failures")):
            lines.append(f"**{title}**")
            lines.append("")
            if not s[key]:
                lines.append("- 없음")
            for msg, k in s[key]:
                lines.append(f"- {k}명: `{msg.replace('`', chr(39))}`")
            lines.append("")
    return "\n".join(lines) + "\n"


def analytics_figure(book: Gradebook, stats: dict[str, dict], *, keep_open: bool = False):
    """The PNG bytes of the figure (or, with ``keep_open``, the figure itself, for tests)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from seqlab.viz import use_korean_font

    use_korean_font()
    qs = list(stats)
    fig, axes = plt.subplots(1, max(1, len(qs)), figsize=(3.0 * max(1, len(qs)), 3.2), squeeze=False)
    top = max([max(s["points"].values(), default=0) for s in stats.values()] + [1])
    for ax, q in zip(axes[0], qs):
        s = stats[q]
        values = sorted({0.0, s["possible"], *map(float, s["points"])})
        counts = [s["points"].get(f"{v:g}", 0) for v in values]
        colors = ["#31a354" if v == s["possible"] else ("#de2d26" if v == 0 else "#fd8d3c") for v in values]
        ax.bar(range(len(values)), counts, color=colors, width=0.7)
        ax.set_xticks(range(len(values)), [f"{v:g}" for v in values])
        ax.set_ylim(0, top + 0.5)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("점수")
        ax.set_title(f"{q} (배점 {s['possible']:g})")
    axes[0][0].set_ylabel("학생 수")
    n = max((s["students"] for s in stats.values()), default=0)
    fig.suptitle(f"{book.exercise}: 문제별 점수 분포 (학생 {n}명)")
    fig.tight_layout()
    if keep_open:
        return fig
    buf = io.BytesIO()
    fig.savefig(buf, dpi=110, format="png")
    plt.close(fig)
    return buf.getvalue()


def write_analytics(book: Gradebook) -> dict[str, Path]:
    stats = question_stats(book)
    folder = book.out / "analytics"
    paths = {"markdown": folder / "questions.md", "json": folder / "questions.json", "figure": folder / "questions.png"}
    write_atomic(paths["markdown"], _markdown(book, stats))
    write_atomic(paths["json"], json.dumps(stats, ensure_ascii=False, indent=1))
    data = analytics_figure(book, stats)
    tmp = paths["figure"].with_name(".tmp-questions.png")
    tmp.write_bytes(data)
    tmp.replace(paths["figure"])
    return paths
