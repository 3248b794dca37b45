"""The output folder: gradebook (instructor), feedback (students), logs, summary.

Everything here is written by the grader from memory; the sandbox never sees this folder.
Rows are signed (HMAC-SHA256 with a key kept in the output folder, ``.grader-key``), so that a
resumed run keeps only rows this grader wrote for the same file content, the same tests and
the same grader version, graded in the sandbox.

What a student reads (``feedback/<id>.md``, built by :mod:`.feedback`) holds only their id, their
own file name, a Korean status, their scores, per question the public checks' messages, the count
of hidden cases passed, the forbidden tools they used and their own cells' errors (everything
filtered once more by the leak rule). Instructor notes (screening reasons, classmates' file names,
restores, limits) stay in ``gradebook.csv`` and ``logs/``; every case's outcome, hidden messages
included, is kept for the instructor in ``.results.json`` (analytics and resumed feedback).
"""
from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import math
import os
import re
import secrets
import shutil
import tempfile
from pathlib import Path

from ..otterfmt import find_leak
from . import feedback as fb
from .collect import GRADED_STATUSES, STATUS_DUPLICATE, STATUS_NOT_NOTEBOOK, STATUS_STOPPED, STATUS_TIMEOUT, nfc
from .collect import STATUS_TAMPERED, STATUS_TOO_LARGE

__all__ = ["GRADER_VERSION", "Gradebook", "student_status", "summary_table", "summary_figure",
           "safe_name", "write_atomic"]

GRADER_VERSION = "3"  # bump when a change to grading would change a score


def safe_name(text: str) -> str:
    name = re.sub(r"[^\w.\-가-힣]", "_", nfc(text))[:100].strip(".") or "_"
    return name


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a fresh temporary file (whatever is in the way)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def student_status(status: str, result: str = "") -> str:
    """The status in Korean, for the student (no instructor detail)."""
    if status == "ok":
        return fb.result_text(result)
    if status == STATUS_TIMEOUT:
        return "시간 또는 메모리 제한에 걸렸습니다. 멈춘 셀 앞까지 정의된 답으로 채점했습니다"
    if status == STATUS_STOPPED:
        return "실행이 중간에 끝났습니다(오류, 메모리 또는 CPU 제한). 멈춘 셀 앞까지 정의된 답으로 채점했습니다"
    if status == STATUS_TAMPERED:
        return ("채점 도구를 바꾸려는 코드가 발견되어, 그 문제는 0점으로 처리했습니다. "
                "잘못된 판단이라고 생각하면 강사에게 문의하세요")
    if status == STATUS_TOO_LARGE:
        return "코드 셀이 너무 커서 채점하지 않았습니다. 강사에게 문의하세요"
    if status == STATUS_NOT_NOTEBOOK:
        return "노트북(.ipynb)으로 읽을 수 없는 파일입니다. 다시 제출해 주세요"
    if status == STATUS_DUPLICATE:
        return "같은 학생의 더 최근 제출물이 있어 이 파일은 채점하지 않았습니다"
    if status.startswith("error: empty notebook"):
        return "코드가 없는 노트북입니다. 다시 제출해 주세요"
    if status.startswith("error: submission is for"):
        return "다른 연습의 노트북입니다. 확인해 주세요"
    return "채점하지 못했습니다. 강사에게 문의하세요"


class Gradebook:
    """Rows in memory, written to ``out`` after every submission."""

    def __init__(self, out: Path, exercise: str, possible: dict[str, float], tests_sha: str,
                 hidden_statements: set[str]):
        self.out = out
        self.exercise = exercise
        self.questions = sorted(possible)
        self.possible = possible
        self.max_total = round(sum(possible.values()), 4)
        self.tests_sha = tests_sha
        self.hidden = hidden_statements
        self.rows: dict[str, dict[str, str]] = {}
        self.public: dict[str, dict[str, str]] = {}  # rel -> question -> public message
        self.details: dict[str, dict] = {}  # rel -> cases (hidden too), cell errors, cell heads: instructor only
        self.run_summary = None  # what the last run did (cli.RunSummary)
        self.late_penalty = 0.0  # fraction of the maximum taken per started day late (0: none)
        self._key = self._load_key()
        self._stored_details = self._load_details()

    # ------------------------------------------------------------------------------ rows
    @property
    def csv_path(self) -> Path:
        return self.out / "gradebook.csv"

    @property
    def details_path(self) -> Path:
        return self.out / ".results.json"

    def columns(self) -> list[str]:
        return ["student_id", "file", "status", *self.questions, "total", "max", "result", "submitted", "late_days",
                "final", "notes", "sha256", "tests", "grader", "sandbox", "signature"]

    def _load_details(self) -> dict[str, dict]:
        try:
            data = json.loads(self.details_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _load_key(self) -> bytes:
        path = self.out / ".grader-key"
        self.out.mkdir(parents=True, exist_ok=True)
        try:
            key = bytes.fromhex(path.read_text(encoding="ascii").strip())
            if len(key) == 32:
                return key
        except (OSError, ValueError):
            pass
        key = secrets.token_bytes(32)
        if path.is_dir():
            shutil.rmtree(path)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(key.hex())
        return key

    def _sign(self, row: dict[str, str]) -> str:
        body = "\x1f".join(row.get(c, "") for c in self.columns() if c != "signature")
        return hmac.new(self._key, body.encode("utf-8"), hashlib.sha256).hexdigest()

    def load_previous(self) -> dict[str, dict[str, str]]:
        try:
            with open(self.csv_path, newline="", encoding="utf-8") as f:
                rows = list(csv.DictReader(f))
        except (OSError, UnicodeDecodeError, csv.Error):
            return {}
        return {nfc(r.get("file") or ""): r for r in rows if isinstance(r.get("file"), str)}

    def resumable(self, row: dict[str, str], sub) -> bool:
        """A row may be kept only if this grader signed it for this content, tests and version."""
        if any(not isinstance(row.get(c), str) for c in self.columns()):
            return False
        return (row["status"] in GRADED_STATUSES and row["sha256"] == sub.sha256
                and row["tests"] == self.tests_sha and row["grader"] == GRADER_VERSION
                and row["sandbox"] == "bwrap" and nfc(row["file"]) == sub.rel
                and hmac.compare_digest(row["signature"], self._sign(row)))

    def _timing(self, row: dict[str, str], timing) -> None:
        """``submitted``, ``late_days`` and ``final`` (the total after the late rule) of a row."""
        row["submitted"] = getattr(timing, "submitted", "") or ""
        days = getattr(timing, "late_days", None)
        late = bool(getattr(timing, "late", False))
        row["late_days"] = ("?" if days is None else f"{days:g}") if late else ""
        if row.get("total", "") == "":
            row["final"] = ""
            return
        total = float(row["total"])
        if late and self.late_penalty > 0:  # a "late" marker without a time counts as one day
            total = max(0.0, total - self.late_penalty * self.max_total * max(1, math.ceil(days or 1)))
        row["final"] = f"{round(total, 4):g}"

    def keep(self, rel: str, row: dict[str, str], student_id: str, timing=None) -> None:
        row = {c: row.get(c, "") for c in self.columns()}
        row["student_id"] = student_id
        self._timing(row, timing)
        row["signature"] = self._sign(row)
        self.rows[rel] = row
        stored = self._stored_details.get(rel)
        if isinstance(stored, dict) and stored.get("sha256") == row["sha256"]:
            self.details[rel] = stored
            if isinstance(stored.get("public"), dict):
                self.public[rel] = {str(k): str(v) for k, v in stored["public"].items()}

    def set_row(self, rel: str, student_id: str, status: str, scores: dict[str, float] | None,
                notes: list[str], sha256: str, sandbox: str, public: dict[str, str] | None = None,
                details: dict | None = None, timing=None) -> None:
        """``details``: ``{"cases": {q: [case outcome]}, "errors": [CellError data], "heads": [...],
        "questions": [...]}`` (see :mod:`.feedback`); ``timing``: :class:`.lms.Timing` or ``None``."""
        graded = status in GRADED_STATUSES and scores is not None
        row = {"student_id": student_id, "file": rel, "status": status, "notes": "; ".join(notes)[:2000],
               "sha256": sha256, "tests": self.tests_sha, "grader": GRADER_VERSION, "sandbox": sandbox,
               "max": f"{self.max_total:g}", "result": ""}
        total = 0.0
        for q in self.questions:
            s = float(scores.get(q, 0.0)) if graded else 0.0
            total += s
            row[q] = f"{s:g}" if graded else ""
        row["total"] = f"{round(total, 4):g}" if graded else ""
        if graded and details is not None:
            errors = [fb.CellError.from_data(e) for e in details.get("errors", [])]
            row["result"] = fb.notebook_result({q: float(scores.get(q, 0.0)) for q in self.questions}, self.possible,
                                               details.get("cases", {}), errors)
        self._timing(row, timing)
        row["signature"] = self._sign(row)
        self.rows[rel] = row
        if public is not None:
            self.public[rel] = public
        if details is not None:
            self.details[rel] = dict(details, sha256=sha256, public=public or {})
        else:
            self.details.pop(rel, None)

    # ----------------------------------------------------------------------------- files
    def write_details(self) -> None:
        kept = {rel: self.details[rel] for rel in sorted(self.details) if rel in self.rows}
        write_atomic(self.details_path, json.dumps(kept, ensure_ascii=False, indent=1))

    def write_csv(self) -> None:
        self.write_details()
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=self.columns(), lineterminator="\n")
        writer.writeheader()
        for rel in sorted(self.rows):
            writer.writerow(self.rows[rel])
        write_atomic(self.csv_path, buf.getvalue())

    def counting_rows(self) -> dict[str, str]:
        """``{student id: rel}``: the row each student's feedback is about (the graded one if any)."""
        chosen: dict[str, str] = {}
        for rel, row in sorted(self.rows.items()):
            sid = row["student_id"]
            old = chosen.get(sid)
            if old is None or (row["status"] != STATUS_DUPLICATE and self.rows[old]["status"] == STATUS_DUPLICATE) \
                    or (row["status"] in GRADED_STATUSES and self.rows[old]["status"] not in GRADED_STATUSES):
                chosen[sid] = rel
        return chosen

    def _safe(self, text: str) -> str:
        return "(메시지를 보여 줄 수 없습니다)" if find_leak(text, self.hidden) else text

    def feedback_text(self, rel: str) -> str:
        row = self.rows[rel]
        lines = [f"# {self.exercise} 채점 결과: {row['student_id']}", "",
                 f"- 제출 파일: `{Path(rel).name}`", f"- 상태: {student_status(row['status'], row.get('result', ''))}"]
        if row["status"] not in GRADED_STATUSES:
            return "\n".join(lines) + "\n"
        lines.append(f"- 총점: {row['total']} / {row['max']}")
        if row.get("late_days"):
            late = "" if row["late_days"] == "?" else f"({row['late_days']}일)"
            lines.append(f"- 마감보다 늦게 냈습니다{late}. 늦은 제출 규칙을 적용한 점수: {row['final']} / {row['max']}")
        lines += ["", "| 문제 | 점수 | 배점 |", "|---|---|---|"]
        for q in self.questions:
            lines.append(f"| {q} | {row[q]} | {self.possible[q]:g} |")
        details = self.details.get(rel)
        public = self.public.get(rel, {})
        lines += ["", "## 문제별 안내", "",
                  "공개 테스트는 노트북의 `grader.check`와 같은 테스트입니다. 숨은 테스트는 통과한 개수만 알려 주고 "
                  "내용은 보여 주지 않습니다. 점수에는 둘 다 반영되어 있습니다.", ""]
        if details is None:
            for q in self.questions:
                text = self._safe(public.get(q) or f"{q}: (이전 채점의 결과를 그대로 두었습니다)")
                lines += ["```", text.replace("```", "'''").strip(), "```", ""]
            return "\n".join(lines) + "\n"
        errors = [fb.CellError.from_data(e) for e in details.get("errors", [])]
        heads = [str(h) for h in details.get("heads", [])]
        owner = list(details.get("questions", []))
        by_q: dict[str, list] = {}
        loose = []
        for err in errors:
            q = owner[err.cell - 1] if 0 < err.cell <= len(owner) else None
            if q in self.possible:
                by_q.setdefault(q, []).append(err)
            else:
                loose.append(err)
        if loose:
            lines += ["### 문제 밖의 셀", ""]
            lines += ["- " + self._safe(fb.describe_error(err, heads, None)) for err in loose]
            lines.append("")
        for q in self.questions:
            view = fb.QuestionView(q, row[q], self.possible[q], details.get("cases", {}).get(q, []),
                                   public.get(q, ""), by_q.get(q, []))
            lines += fb.question_section(view, heads, self._safe)
        return "\n".join(lines) + "\n"

    def write_feedback(self) -> None:
        folder = self.out / "feedback"
        wanted = {}
        for sid, rel in self.counting_rows().items():
            name = safe_name(sid)
            if name in wanted:  # two ids that look alike on disk
                name += "-" + hashlib.sha256(sid.encode()).hexdigest()[:6]
            wanted[name + ".md"] = self.feedback_text(rel)
        for fname, text in wanted.items():
            write_atomic(folder / fname, text)
        for stale in folder.iterdir():
            if stale.name not in wanted:
                if stale.is_dir() and not stale.is_symlink():
                    shutil.rmtree(stale)
                else:
                    stale.unlink()

    def write_log(self, rel: str, text: str) -> None:
        write_atomic(self.out / "logs" / (safe_name(rel) + ".log"), text)


def summary_table(book: Gradebook) -> str:
    graded = [r for r in book.rows.values() if r["status"] in GRADED_STATUSES]
    lines = [f"{book.exercise}: 제출 {len(book.rows)}개, 채점 {len(graded)}개 (이전 실행의 결과 포함; 이번 실행이 한 일은 "
             "run-summary.md)"]
    statuses: dict[str, int] = {}
    for r in book.rows.values():
        key = r["status"].split(":")[0] if r["status"].startswith("error") else r["status"]
        statuses[key] = statuses.get(key, 0) + 1
    lines.append("상태: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    unsandboxed = sum(r["sandbox"] != "bwrap" for r in book.rows.values())
    if unsandboxed:
        lines.append(f"샌드박스 없이 채점한 행: {unsandboxed}개 (sandbox 열이 'none')")
    lines.append(f"{'문제':<8}{'평균':>8}{'배점':>8}")
    for q in book.questions:
        vals = [float(r[q]) for r in graded if r[q] != ""]
        mean = sum(vals) / len(vals) if vals else 0.0
        lines.append(f"{q:<8}{mean:>8.2f}{book.possible[q]:>8g}")
    totals = [float(r["total"]) for r in graded if r["total"] != ""]
    if totals:
        lines.append(f"{'총점':<8}{sum(totals) / len(totals):>8.2f}{book.max_total:>8g}")
    return "\n".join(lines)


def summary_figure(book: Gradebook) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from seqlab.viz import use_korean_font

    use_korean_font()
    graded = [book.rows[rel] for rel in book.counting_rows().values()
              if book.rows[rel]["status"] in GRADED_STATUSES and book.rows[rel]["total"] != ""]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
    means = [(sum(float(r[q]) for r in graded) / len(graded) / book.possible[q])
             if graded and book.possible[q] else 0.0 for q in book.questions]
    ax1.bar(book.questions, means, color="#3182bd")
    ax1.set_ylim(0, 1)
    ax1.set_ylabel("평균 득점률")
    ax1.set_title("문제별 평균 (배점 대비)")
    totals = [float(r["total"]) for r in graded]
    ax2.hist(totals, bins=min(10, max(1, int(book.max_total) + 1)), range=(0, max(book.max_total, 1)),
             color="#9ecae1", edgecolor="white")
    ax2.set_xlabel("총점")
    ax2.set_ylabel("학생 수")
    ax2.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax2.set_title(f"총점 분포 (채점 {len(totals)}명)")
    fig.suptitle(f"{book.exercise} 채점 요약")
    fig.tight_layout()
    path = book.out / "summary.png"
    buf = io.BytesIO()
    fig.savefig(buf, dpi=110, format="png")
    plt.close(fig)
    if path.is_dir():
        shutil.rmtree(path)
    fd, tmp = tempfile.mkstemp(dir=book.out, prefix=".tmp-", suffix=".png")
    with os.fdopen(fd, "wb") as f:
        f.write(buf.getvalue())
    os.replace(tmp, path)
    return path
