"""A similarity report across a class's submissions, for the instructor to read; never a score.

The comparison is copydetect's (pinned in ``requirements.txt``): winnowing over tokenised code, the
algorithm of Moss (Schleimer, Wilkerson and Aiken, 2003). Names are replaced by their kind before
fingerprinting, so renaming variables does not hide a copy. It runs in this process, offline, on
text only (nothing of a submission runs).

What is compared: per student (their graded file), the code cells that are not the student
notebook's own cells (set-up, imports, ``grader.check``) — that is, the answer cells and any
cell the student added. The starter code (the whole student notebook, answer cells with their
``...`` included) is given to copydetect as boilerplate, so what every student received is
never evidence. A pair is flagged when each file's share of code found in the other is at least
the threshold. The report (``similarity/report.html``) is self-contained (no network) and shows
the flagged pairs side by side with the shared code marked; ``similarity/pairs.csv`` lists
every pair.
"""
from __future__ import annotations

import csv
import html
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .collect import code_cells
from .gradebook import safe_name, write_atomic

__all__ = ["answer_code", "Pair", "compare", "write_report"]

DEFAULT_THRESHOLD = 0.6
NOISE = 20  # smallest matching run of tokenised characters that counts (copydetect's noise_t)


def _norm(source: str) -> str:
    return "\n".join(line.rstrip() for line in (source or "").strip().splitlines())


def answer_code(cells: list[str], given: list[str]) -> str:
    """The student's own code: every code cell that is not, unchanged, a cell of the given notebook
    other than an answer cell (answer cells are edited, so they are kept, starter text and all)."""
    fixed = {_norm(c) for c in given}
    kept = [c for c in cells if _norm(c) and _norm(c) not in fixed]
    return "\n\n".join(_norm(c) for c in kept) + "\n"


@dataclass
class Pair:
    a: str
    b: str
    a_in_b: float  # share of a's fingerprints found in b
    b_in_a: float
    tokens: int  # overlapping tokens
    flagged: bool
    code_a: str = ""  # highlighted HTML (flagged pairs only)
    code_b: str = ""


def compare(codes: dict[str, str], starter: str, threshold: float = DEFAULT_THRESHOLD) -> list[Pair]:
    """All pairs of ``{student id: code}``, most similar first."""
    from copydetect import CopyDetector
    from copydetect.utils import highlight_overlap

    ids = sorted(codes)
    if len(ids) < 2:
        return []
    with tempfile.TemporaryDirectory(prefix="seqlab-similarity-") as tmp:
        folder = Path(tmp)
        (folder / "starter").mkdir()
        (folder / "starter" / "starter.py").write_text(starter, encoding="utf-8")
        (folder / "subs").mkdir()
        paths = {}
        for k, sid in enumerate(ids):
            path = folder / "subs" / f"{k:04d}.py"
            path.write_text(codes[sid], encoding="utf-8")
            paths[str(path)] = sid
        detector = CopyDetector(test_dirs=[str(folder / "subs")], ref_dirs=[str(folder / "subs")],
                                boilerplate_dirs=[str(folder / "starter")], extensions=["py"],
                                noise_t=NOISE, guarantee_t=NOISE, display_t=threshold, autoopen=False,
                                silent=True, force_language="python", out_file=str(folder / "unused.html"))
        detector.run()
        files = sorted(str(f) for f in detector.test_files)
        order = [str(f) for f in detector.test_files]
        index = {f: i for i, f in enumerate(order)}
        ref_index = {str(f): j for j, f in enumerate(detector.ref_files)}
        pairs = []
        for n, fa in enumerate(files):
            for fb in files[n + 1:]:
                i, j = index[fa], ref_index[fb]
                a_in_b, b_in_a = (float(x) for x in detector.similarity_matrix[i, j])
                if a_in_b < 0:
                    continue
                tokens = int(detector.token_overlap_matrix[i, j])
                flagged = min(a_in_b, b_in_a) >= threshold
                pair = Pair(paths[fa], paths[fb], a_in_b, b_in_a, tokens, flagged)
                if flagged:
                    key = (fa, fb) if (fa, fb) in detector.slice_matrix else (fb, fa)
                    slices = detector.slice_matrix.get(key)
                    if slices is not None:
                        sa, sb = (slices[0], slices[1]) if key == (fa, fb) else (slices[1], slices[0])
                        pair.code_a = highlight_overlap(detector.file_data[fa].raw_code, sa, "<mark>", "</mark>",
                                                        escape_html=True)[0]
                        pair.code_b = highlight_overlap(detector.file_data[fb].raw_code, sb, "<mark>", "</mark>",
                                                        escape_html=True)[0]
                if pair.a > pair.b:  # report each pair in one order, whatever the folder listing's
                    pair = Pair(pair.b, pair.a, pair.b_in_a, pair.a_in_b, tokens, flagged, pair.code_b, pair.code_a)
                pairs.append(pair)
    pairs.sort(key=lambda p: (-min(p.a_in_b, p.b_in_a), -max(p.a_in_b, p.b_in_a), p.a, p.b))
    return pairs


_STYLE = """body{font-family:'NanumGothic','Noto Sans KR',sans-serif;margin:2em;max-width:1200px}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}
tr.flag{background:#fee}.pair{display:flex;gap:1em}.pair>div{flex:1;min-width:0}
pre{background:#f7f7f7;padding:.6em;overflow:auto;font-size:85%}mark{background:#fdd49e}"""


def write_report(out: Path, exercise: str, submissions: dict[str, bytes], given_notebook: bytes | None,
                 threshold: float = DEFAULT_THRESHOLD) -> tuple[Path, list[Pair]]:
    """Compare ``{student id: notebook bytes}``; write ``out/similarity/report.html`` and ``pairs.csv``."""
    given = code_cells(given_notebook)[0] if given_notebook else []
    starter = "\n\n".join(_norm(c) for c in given) + "\n"
    codes = {}
    for sid, data in submissions.items():
        try:
            codes[sid] = answer_code(code_cells(data)[0], given)
        except ValueError:  # not a notebook: nothing to compare
            continue
    pairs = compare(codes, starter, threshold)
    folder = out / "similarity"
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["student_a", "student_b", "a_in_b", "b_in_a", "overlapping_tokens", "flagged"])
    for p in pairs:
        writer.writerow([p.a, p.b, f"{p.a_in_b:.3f}", f"{p.b_in_a:.3f}", p.tokens, "yes" if p.flagged else ""])
    write_atomic(folder / "pairs.csv", buf.getvalue())
    flagged = [p for p in pairs if p.flagged]
    e = html.escape
    parts = [f"<!doctype html><html lang='ko'><meta charset='utf-8'><title>{e(exercise)} 유사도 보고서</title>",
             f"<style>{_STYLE}</style><h1>{e(exercise)}: 제출물 유사도 보고서</h1>",
             "<p><strong>점수와 관계없는 참고 자료입니다.</strong> 학생마다 채점된 파일의 답 셀(그리고 학생이 더한 셀)만 "
             "비교하고, 학생용 노트북에 처음부터 있던 코드는 빼고 셉니다. 변수 이름을 바꿔도 같은 구조는 같게 봅니다"
             "(copydetect, winnowing). 짧은 정답은 서로 비슷할 수밖에 없으니, 표시된 쌍은 코드를 직접 읽고 판단하세요.</p>",
             f"<p>학생 {len(codes)}명, 쌍 {len(pairs)}개. 두 파일 모두 상대 파일에서 찾은 비율이 {threshold:.0%} 이상인 쌍 "
             f"{len(flagged)}개를 표시했습니다.</p>",
             "<table><tr><th>학생 A</th><th>학생 B</th><th>A의 코드 중 B에도 있는 비율</th>"
             "<th>B의 코드 중 A에도 있는 비율</th><th>겹친 토큰</th></tr>"]
    for p in pairs[:200]:
        cls = " class='flag'" if p.flagged else ""
        parts.append(f"<tr{cls}><td>{e(p.a)}</td><td>{e(p.b)}</td><td>{p.a_in_b:.0%}</td><td>{p.b_in_a:.0%}</td>"
                     f"<td>{p.tokens}</td></tr>")
    parts.append("</table>")
    for p in flagged:
        parts.append(f"<h2 id='{e(safe_name(p.a + '-' + p.b))}'>{e(p.a)} ↔ {e(p.b)}</h2><div class='pair'>"
                     f"<div><h3>{e(p.a)}</h3><pre>{p.code_a}</pre></div>"
                     f"<div><h3>{e(p.b)}</h3><pre>{p.code_b}</pre></div></div>")
    parts.append("</html>\n")
    path = folder / "report.html"
    write_atomic(path, "".join(parts))
    return path, pairs
