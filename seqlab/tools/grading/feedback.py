"""What a student reads about one submission: a status and, per question, what to do next.

Built only from grades (nbgrader's rule): the scores, the outcome of every case (public messages
in full, hidden cases as counts only), the code cells' errors and the cells themselves (which the
grader parsed; nothing here runs them). The words follow ``grader.check`` in the notebook
(:mod:`seqlab.checks`), so that what the student saw in Colab and what the feedback says agree.

- A syntax error is found here, on the trusted side, by compiling each cell (never running it);
  a runtime error comes from the runner's report (cell, line, type, message).
- Each code cell belongs to the question whose ``grader.check("qN")`` comes next, so an error
  is reported with its question, its cell number and its line.
- Hidden cases: "숨은 테스트 k개 중 j개 통과", never their code, arguments or messages; a use of
  a forbidden tool is named (the notebook names those tools itself).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["RESULT_FULL", "RESULT_PARTIAL", "RESULT_UNTOUCHED", "RESULT_ERRORS", "CellError",
           "cell_questions", "syntax_errors", "cell_errors", "forbidden_names", "question_state",
           "notebook_result", "result_text", "question_section", "cell_heads", "describe_error",
           "QuestionView", "STATE_WORDS"]

RESULT_FULL = "full"
RESULT_PARTIAL = "partial"
RESULT_UNTOUCHED = "untouched"
RESULT_ERRORS = "errors"

_CHECK = re.compile(r"""grader\.check\(\s*["']([\w\-]+)["']\s*\)""")
_FORBIDDEN = re.compile(r"`([\w.]+)`을\(를\) 쓰지 않고 직접 구현해야")
_ERROR_CELL = re.compile(r"^(\w+) \(code cell (\d+)\)$")


@dataclass
class CellError:
    cell: int  # 1-based among the code cells
    kind: str  # SyntaxError, ZeroDivisionError, ...
    line: int = 0  # 1-based in the cell; 0: unknown
    message: str = ""
    syntax: bool = False

    def to_data(self) -> dict:
        return {"cell": self.cell, "kind": self.kind, "line": self.line, "message": self.message,
                "syntax": self.syntax}

    @classmethod
    def from_data(cls, data: dict) -> "CellError":
        return cls(int(data.get("cell", 0)), str(data.get("kind", "")), int(data.get("line", 0) or 0),
                   str(data.get("message", "")), bool(data.get("syntax", False)))


def cell_questions(cells: list[str]) -> list[str | None]:
    """For each code cell, the question it answers: the next ``grader.check("q…")`` at or after it
    (``None`` after the last check). A student who deleted a check cell still gets the right one
    for every cell before the next remaining check."""
    out: list[str | None] = [None] * len(cells)
    current = None
    for i in range(len(cells) - 1, -1, -1):
        found = _CHECK.findall(cells[i] or "")
        if found:
            current = found[0]
        out[i] = current
    return out


def syntax_errors(cells: list[str]) -> list[CellError]:
    """Cells that do not compile, with the line (compiled here, never run)."""
    from .runner import _strip_magics

    errors = []
    for i, source in enumerate(cells):
        try:
            compile(_strip_magics(source or ""), f"<cell {i + 1}>", "exec")
        except SyntaxError as exc:
            errors.append(CellError(i + 1, type(exc).__name__, int(exc.lineno or 0), str(exc.msg or "")[:200], True))
        except (ValueError, RecursionError, MemoryError) as exc:  # e.g. a NUL byte
            errors.append(CellError(i + 1, "SyntaxError", 0, type(exc).__name__, True))
    return errors


def cell_errors(cells: list[str], report: dict) -> list[CellError]:
    """Every error of the run: syntax errors found here, runtime errors from the runner's report
    (``error_details`` where the runner gives them, else the cell number from ``errors``)."""
    found = {e.cell: e for e in syntax_errors(cells)}
    details = report.get("error_details") if isinstance(report.get("error_details"), list) else []
    for d in details:
        if isinstance(d, dict) and isinstance(d.get("cell"), int) and d["cell"] not in found:
            found[d["cell"]] = CellError(d["cell"], str(d.get("type", "Exception"))[:100],
                                         d["line"] if isinstance(d.get("line"), int) else 0,
                                         str(d.get("message", ""))[:300])
    for text in report.get("errors", []) if isinstance(report.get("errors"), list) else []:
        m = _ERROR_CELL.match(str(text))
        if m and int(m.group(2)) not in found:
            found[int(m.group(2))] = CellError(int(m.group(2)), m.group(1))
    return [found[k] for k in sorted(found)]


def forbidden_names(cases: list[dict]) -> list[str]:
    """The forbidden tools a question's cases caught the student using."""
    names: list[str] = []
    for c in cases:
        for name in _FORBIDDEN.findall(str(c.get("message", ""))):
            if name not in names:
                names.append(name)
    return names


def question_state(cases: list[dict], errors: list[CellError]) -> str:
    """``full``, ``partial`` (some points), ``wrong`` (no points, answered), ``untouched``,
    ``forbidden`` or ``error`` (a cell of this question did not run)."""
    if cases and all(c.get("passed") for c in cases):
        return "full"
    if errors:
        return "error"
    if forbidden_names(cases):
        return "forbidden"
    if cases and not any(c.get("answered") for c in cases):
        return "untouched"
    if any(c.get("passed") for c in cases):
        return "partial"
    return "wrong"


STATE_WORDS = {"full": "만점", "partial": "일부 통과", "wrong": "통과하지 못함", "untouched": "아직 답을 쓰지 않음",
               "forbidden": "금지된 도구 사용", "error": "오류"}


def notebook_result(scores: dict[str, float], possible: dict[str, float], cases: dict[str, list[dict]],
                    errors: list[CellError]) -> str:
    """One word for the whole submission (the gradebook's ``result`` column)."""
    if errors:
        return RESULT_ERRORS
    if cases and not any(c.get("answered") for cs in cases.values() for c in cs):
        return RESULT_UNTOUCHED
    if all(abs(scores.get(q, 0.0) - p) < 1e-9 for q, p in possible.items()):
        return RESULT_FULL
    return RESULT_PARTIAL


def result_text(result: str) -> str:
    """The status line a student reads for a graded submission."""
    return {
        RESULT_FULL: "채점을 마쳤습니다. 모든 문제가 만점입니다",
        RESULT_PARTIAL: "채점을 마쳤습니다. 점수를 잃은 문제가 있습니다. 아래 문제별 안내를 보세요",
        RESULT_UNTOUCHED: "답을 쓴 문제가 없습니다. 답 셀의 `...`를 여러분의 코드로 바꾸고 셀을 실행한 뒤 다시 제출하세요",
        RESULT_ERRORS: "코드 셀에서 오류가 났습니다. 아래에 적힌 셀과 줄을 고쳐 위에서부터 다시 실행해 보세요",
    }.get(result, "채점을 마쳤습니다")


def _first_line(source: str) -> str:
    for line in (source or "").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return line.strip()[:60]
    return ""


def cell_heads(cells: list[str]) -> list[str]:
    """Each code cell's first line of code (how the feedback points at a cell)."""
    return [_first_line(c) for c in cells]


def describe_error(err: CellError, heads: list[str], question: str | None) -> str:
    where = f"코드 셀 {err.cell}"
    head = heads[err.cell - 1] if 0 < err.cell <= len(heads) else ""
    if question:
        where += f"(문제 {question}의 셀" + (f", `{head}`로 시작" if head else "") + ")"
    elif head:
        where += f"(`{head}`로 시작)"
    line = f" {err.line}번째 줄" if err.line else ""
    if err.syntax:
        text = f"{where}{line}에 문법 오류(SyntaxError)가 있어 이 셀이 실행되지 않았습니다"
        text += f": {err.message}" if err.message else ""
        return text + ". 그 줄을 고친 뒤 셀을 다시 실행하세요."
    text = f"{where}{line}에서 `{err.kind}` 오류가 나 셀이 그 줄에서 멈췄습니다"
    text += f": {err.message}" if err.message else ""
    after = f" `grader.check(\"{question}\")`로 확인하세요." if question else ""
    return text + ". 고친 뒤 셀을 다시 실행하고" + (after or " 위에서부터 다시 실행해 보세요.")


@dataclass
class QuestionView:
    name: str
    score: str
    possible: float
    cases: list[dict] = field(default_factory=list)
    public_text: str = ""
    errors: list[CellError] = field(default_factory=list)


def question_section(view: QuestionView, heads: list[str], safe) -> list[str]:
    """Markdown lines for one question. ``safe(text) -> text`` filters anything shown (leak rule)."""
    state = question_state(view.cases, view.errors) if view.cases else ""
    head = f"### {view.name}: {view.score} / {view.possible:g}점"
    lines = [head + (f" · {STATE_WORDS[state]}" if state else ""), ""]
    for err in view.errors:
        lines.append("- " + safe(describe_error(err, heads, view.name)))
    names = forbidden_names(view.cases)
    if names:
        shown = ", ".join(f"`{n}`" for n in names)
        lines.append(f"- 금지된 도구를 썼습니다: {shown}. 이 문제에서는 그 도구를 부르지 않고 `torch`의 기본 연산으로 "
                     "직접 구현해야 합니다(그 부분의 테스트는 통과하지 못한 것으로 채점했습니다).")
    public = [c for c in view.cases if not c.get("hidden")]
    hidden = [c for c in view.cases if c.get("hidden")]
    if state == "full":
        parts = [f"공개 테스트 {len(public)}개"] if public else []
        parts += [f"숨은 테스트 {len(hidden)}개"] if hidden else []
        lines.append(f"- {'와 '.join(parts) or '테스트'}를 모두 통과했습니다.")
        lines.append("")
        return lines
    if view.public_text and not (view.errors and public and not any(c.get("answered") for c in public)):
        lines += ["- 공개 테스트(노트북의 `grader.check`와 같은 결과):", "", "  ```"]
        lines += ["  " + ln for ln in safe(view.public_text).replace("```", "'''").strip().splitlines()]
        lines += ["  ```"]
    if hidden and any(c.get("answered") for c in view.cases):
        ok = sum(bool(c.get("passed")) for c in hidden)
        text = f"- 숨은 테스트 {len(hidden)}개 중 {ok}개 통과."
        if ok < len(hidden) and not names:
            text += (" 숨은 테스트의 내용은 보여 주지 않습니다. 공개 테스트가 다루지 않는 경우(문제 설명에 적힌 조건)에서도 "
                     "답이 옳은지 스스로 확인해 보세요.")
        lines.append(text)
    elif hidden and state == "untouched":
        lines.append(f"- 숨은 테스트 {len(hidden)}개도 답이 없어 통과하지 못했습니다.")
    lines.append("")
    return lines
