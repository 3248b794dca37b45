"""Grade a whole class without Docker: ``seqlab-grade 01-padding submissions/ --out grades/``.

Every submission is graded in its own process, in a fresh temporary folder that holds only a copy
of the submission, with a clean environment and a time limit. The notebook's code cells run top
to bottom (errors do not stop the run); then every test of the exercise's autograder zip, public
and hidden, runs against the final state. If the time limit hits inside a cell, the run stops
there and the tests still run, so the points of the questions answered before it are kept.

Outputs in ``--out`` (rewritten from memory after each submission, so an interrupted run keeps
what it finished, and anything a submission wrote there is put right):

- ``gradebook.csv``: a row per submission: student id, file, status, a score per question, total,
  max, notes and the submission's SHA-256 (a re-run skips rows whose file and autograder are
  unchanged; ``--regrade`` grades everything again);
- ``feedback/<student>.md``: scores and the public tests' messages, never hidden test source;
- ``logs/<file>.log``: what the submission printed while graded (for the instructor only);
- ``summary.png``: mean score per question and the distribution of totals.

Statuses: ``ok``, ``timeout``, ``error: <reason>``, ``not a notebook``, ``duplicate``.

What this protects, and what it cannot without OS isolation (see the instructor guide):
submissions are read into memory first and restored byte for byte if anything changes them; the
gradebook and feedback are rewritten by the grader after every submission; the hidden tests are
read into memory and removed from disk before student code runs; the grader's own files are
fingerprinted and the run stops if a submission changes them. Student code still runs as the
instructor's user: a determined student could read files the user can read or tamper with the
grading inside its own process. Use ``otter grade`` with Docker, or a separate account, for
untrusted classes.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Submission", "student_id_from_filename", "read_roster", "find_autograder",
           "grade_class", "main"]

STATUS_OK = "ok"
STATUS_TIMEOUT = "timeout"
STATUS_NOT_NOTEBOOK = "not a notebook"
STATUS_DUPLICATE = "duplicate"
GRACE_SECONDS = 60  # on top of the limit: starting Python, importing torch, running the tests
_ANSI = re.compile(r"\x1b\[[0-9;]*m")

_SUSPICIOUS = [
    (re.compile(r"\botter\.(test_files|execute|run|grade|assign)\b|\bChecker\b|init_grading_mode"),
     "touches the grader (otter internals)"),
    (re.compile(r"autograder|tests?/[\w*]+\.py|glob\([^)]*tests"), "looks for test files"),
    (re.compile(r"gradebook|feedback/|os\.(remove|unlink|rename|replace|chmod)|shutil\.(rmtree|move)"),
     "writes or removes files outside its work"),
    (re.compile(r"site-packages|sys\.modules\[|importlib\.reload|builtins\."), "patches modules"),
]


# --------------------------------------------------------------------------------------- ids

def student_id_from_filename(name: str, exercise: str = "") -> str:
    """A student id from a submitted file's name.

    Drops the extension, Colab's "Copy of " prefixes, browser copy suffixes like " (1)", and the
    exercise name; what is left (e.g. a student number or name) is the id.
    """
    stem = Path(name).name
    stem = re.sub(r"\.(ipynb|json|txt|py)$", "", stem, flags=re.I)
    stem = re.sub(r"^((copy of|사본 -|사본)\s*)+", "", stem, flags=re.I)
    stem = re.sub(r"\s*\(\d+\)$", "", stem)
    if exercise:
        stem = re.sub(re.escape(exercise), "", stem, flags=re.I)
        stem = re.sub(r"(?<![0-9])" + re.escape(exercise.split("-")[0]) + r"[-_ ]", "", stem)
    stem = re.sub(r"^[\s_\-.]+|[\s_\-.]+$", "", stem)
    stem = re.sub(r"\s+", "_", stem)
    return stem or Path(name).stem


def read_roster(path: Path) -> dict[str, str]:
    """``{file name: student id}`` from a CSV with columns ``file`` and ``student_id``
    (Korean headers ``파일`` and ``학번`` also work)."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        cols = {c.strip().lower(): c for c in (reader.fieldnames or [])}
        file_col = cols.get("file") or cols.get("파일")
        id_col = cols.get("student_id") or cols.get("학번")
        if not file_col or not id_col:
            raise ValueError(f"{path}: the roster needs columns 'file' and 'student_id' "
                             f"(or '파일' and '학번'); found {reader.fieldnames}")
        roster = {}
        for row in reader:
            fname, sid = (row.get(file_col) or "").strip(), (row.get(id_col) or "").strip()
            if fname and sid:
                roster[fname] = sid
    return roster


def find_autograder(exercise: str, root: Path = Path(".")) -> Path:
    """The newest autograder zip that ``seqlab-assign`` made for ``exercise``."""
    zips = sorted((root / "_build" / "exercises" / exercise / "autograder").glob(f"{exercise}-autograder_*.zip"))
    if not zips:
        raise FileNotFoundError(f"no autograder zip for {exercise!r} under "
                                f"{root / '_build' / 'exercises' / exercise / 'autograder'}; "
                                "run `make exercises` first or pass --autograder")
    return zips[-1]


# ------------------------------------------------------------------------------ submissions

@dataclass
class Submission:
    path: Path
    data: bytes
    student_id: str
    sha256: str
    status: str = ""
    scores: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    public_feedback: dict[str, str] = field(default_factory=dict)
    log: str = ""

    @property
    def total(self) -> float:
        return round(sum(self.scores.values()), 4)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _looks_like_notebook(data: bytes) -> tuple[dict | None, str]:
    try:
        nb = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None, "not JSON"
    if not isinstance(nb, dict):
        return None, "JSON but not a notebook"
    if isinstance(nb.get("cells"), list):
        return nb, ""
    if isinstance(nb.get("worksheets"), list):  # nbformat 3
        return nb, ""
    return None, "JSON but not a notebook (no cells)"


def _collect(folder: Path, exercise: str, roster: dict[str, str]) -> list[Submission]:
    subs = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        data = path.read_bytes()
        rel = str(path.relative_to(folder))
        sid = roster.get(rel) or roster.get(path.name)
        sub = Submission(path, data, sid or student_id_from_filename(path.name, exercise), _sha256(data))
        if roster and not sid:
            sub.notes.append("not in roster")
        subs.append(sub)
    # two files for one student: the newest counts, the others are marked duplicate
    by_student: dict[str, list[Submission]] = {}
    for sub in subs:
        by_student.setdefault(sub.student_id, []).append(sub)
    for group in by_student.values():
        if len(group) > 1:
            group.sort(key=lambda s: (s.path.stat().st_mtime, s.path.name))
            kept = group[-1]
            for other in group[:-1]:
                other.status = STATUS_DUPLICATE
                other.notes.append(f"kept: {kept.path.name} (newest)")
    return subs


# ----------------------------------------------------------------------------------- worker

class _GradingTimeout(BaseException):
    """Raised inside student code when the time limit is reached (not an Exception, so that
    ``except Exception`` in student code does not swallow it)."""


def _on_alarm(signum, frame):
    raise _GradingTimeout()


def _strip_installs(source: str) -> str:
    """Drop package installs and shell commands: the grading environment is complete and offline."""
    out = []
    for line in source.splitlines():
        s = line.strip()
        if s.startswith(("!", "%pip", "%conda", "%%bash", "%%sh", "%%capture")) or "%pip install" in s:
            out.append(line[: len(line) - len(line.lstrip())] + "pass  # (grading: skipped)")
        else:
            out.append(line)
    return "\n".join(out)


def _grading_functions() -> dict[tuple[object, str], object]:
    """The functions that decide a score, captured before any student code runs."""
    import doctest

    from otter.test_files import abstract_test, ok_test

    owners = [(abstract_test.TestFile, ["score", "possible", "grade", "passed_all", "summary", "run"]),
              (ok_test.OKTestFile, ["run", "from_file"]),
              (doctest.DocTestRunner, ["run", "report_failure", "report_unexpected_exception"]),
              (doctest.DocTestParser, ["parse", "get_doctest"])]
    found = {}
    for owner, names in owners:
        for name in names:
            if name in vars(owner):
                found[(owner, name)] = vars(owner)[name]
    return found


def _tampered(originals: dict[tuple[object, str], object]) -> list[str]:
    bad = []
    for (owner, name), obj in originals.items():
        now = vars(owner).get(name)
        code = getattr(getattr(obj, "fget", obj), "__code__", None)
        now_code = getattr(getattr(now, "fget", now), "__code__", None)
        if now is not obj or code is not now_code:
            bad.append(f"{owner.__name__}.{name}")
    return bad


def _worker(submission: Path, tests_dir: Path, result_path: Path, limit: float) -> int:
    """Run one notebook and its tests in this process; write a JSON result."""
    import nbformat
    from IPython.core.interactiveshell import InteractiveShell
    from otter.nbmeta_config import NBMetadataConfig
    from otter.test_files import create_test_file

    originals = _grading_functions()

    # read the tests into memory, then take them off the disk before any student code runs
    test_sources = {p.name: p.read_text(encoding="utf-8") for p in sorted(tests_dir.glob("*.py"))}
    shutil.rmtree(tests_dir)

    raw = submission.read_text(encoding="utf-8-sig")
    try:
        cells = [c for c in nbformat.reads(raw, as_version=4).cells if c.get("cell_type") == "code"]
    except Exception:  # noqa: BLE001 - a damaged but readable notebook: take its code cells as they are
        data = json.loads(raw)
        found = data.get("cells") or [c for ws in data.get("worksheets", []) for c in ws.get("cells", [])]
        cells = [{"source": c.get("source", c.get("input", ""))} for c in found
                 if c.get("cell_type") == "code"]
    shell = InteractiveShell.instance()
    signal.signal(signal.SIGALRM, _on_alarm)
    deadline = time.monotonic() + limit
    errors, timed_out, stopped_at = [], False, None
    for i, cell in enumerate(cells):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            timed_out, stopped_at = True, i
            break
        signal.setitimer(signal.ITIMER_REAL, remaining, 0.5)  # keep firing if it is swallowed
        try:
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            res = shell.run_cell(_strip_installs(source), store_history=False)
        except _GradingTimeout:
            res = None
            timed_out, stopped_at = True, i
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if res is not None:
            err = res.error_in_exec or res.error_before_exec
            if isinstance(err, _GradingTimeout):
                timed_out, stopped_at = True, i
            elif err is not None:
                errors.append(f"{type(err).__name__} (code cell {i + 1})")
        if timed_out:
            break

    # run every test against the final state; each test file gets a few seconds at most
    work_tests = Path(tempfile.mkdtemp(prefix="seqlab-tests-"))
    results = {}
    for name, source in test_sources.items():
        path = work_tests / name
        path.write_text(source, encoding="utf-8")
        tf = create_test_file(str(path), NBMetadataConfig())
        signal.setitimer(signal.ITIMER_REAL, 15, 0.5)
        try:
            tf.run(shell.user_ns)
        except _GradingTimeout:
            pass
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if not tf.test_case_results:  # interrupted before any case ran
            results[tf.name] = {"score": 0.0, "possible": float(tf.possible),
                                "public": f"{tf.name}: 시간 안에 테스트를 끝내지 못했습니다"}
            continue
        results[tf.name] = {"score": float(tf.score), "possible": float(tf.possible),
                            "public": tf.summary(public_only=True)}
    shutil.rmtree(work_tests, ignore_errors=True)
    result_path.write_text(json.dumps({
        "results": results, "errors": errors, "timed_out": timed_out,
        "stopped_at": stopped_at, "n_cells": len(cells), "tampered": _tampered(originals),
    }), encoding="utf-8")
    return 0


def _clean_env(home: Path) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "TMPDIR": str(home),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONNOUSERSITE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return env


def _grade_one(sub: Submission, autograder: Path, limit: float, exercise: str) -> None:
    """Grade one submission in a child process; fill in its status, scores and notes."""
    parent = Path(tempfile.mkdtemp(prefix="seqlab-grade-"))
    try:
        work, grader = parent / "work", parent / "grader"
        work.mkdir()
        grader.mkdir()
        target = work / f"{exercise}.ipynb"  # the name the notebook's own otter.Notebook(...) expects
        target.write_bytes(sub.data)  # a copy: the original is never opened for writing
        with zipfile.ZipFile(autograder) as zf:
            members = [m for m in zf.namelist() if m.startswith("tests/") and m.endswith(".py")]
            zf.extractall(grader, members)
        result_path = grader / "result.json"
        cmd = [sys.executable, "-m", "seqlab.grading", "--worker", str(target), str(grader / "tests"),
               str(result_path), str(limit)]
        log_path = grader / "log.txt"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(cmd, cwd=work, env=_clean_env(work), stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            try:
                code = proc.wait(timeout=limit + GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                code = None
        sub.log = _ANSI.sub("", log_path.read_text(encoding="utf-8", errors="replace"))[-20000:]
        if code is None:
            sub.status = STATUS_TIMEOUT
            sub.notes.append(f"killed after {limit + GRACE_SECONDS:.0f} s; no question could be scored")
            return
        if code != 0 or not result_path.exists():
            last = [line for line in sub.log.strip().splitlines() if line.strip()][-1:] or ["no output"]
            sub.status = f"error: grading crashed ({last[0][:120]})"
            return
        result = json.loads(result_path.read_text(encoding="utf-8"))
        if result.get("tampered"):
            sub.status = "error: submission changed the grader (" + ", ".join(result["tampered"][:3]) + ")"
            return
        for name, r in sorted(result["results"].items()):
            sub.scores[name] = r["score"]
            sub.public_feedback[name] = r["public"]
        if result["errors"]:
            sub.notes.append("cell errors: " + ", ".join(result["errors"][:5]))
        if result["timed_out"]:
            sub.status = STATUS_TIMEOUT
            sub.notes.append(f"stopped in code cell {result['stopped_at'] + 1} of {result['n_cells']} "
                             f"after {limit:.0f} s; questions before it were graded")
        else:
            sub.status = STATUS_OK
    finally:
        shutil.rmtree(parent, ignore_errors=True)


# ------------------------------------------------------------------------------- the class

def _fingerprint(paths: list[Path]) -> dict[str, tuple[int, int]]:
    fp = {}
    for root in paths:
        files = [root] if root.is_file() else (p for p in root.rglob("*") if p.is_file())
        for p in files:
            if "__pycache__" in p.parts:
                continue
            st = p.stat()
            fp[str(p)] = (st.st_size, st.st_mtime_ns)
    return fp


def _grader_files(autograder: Path) -> list[Path]:
    import otter

    import seqlab

    return [Path(otter.__file__).parent, Path(seqlab.__file__).parent, autograder]


class Gradebook:
    """The output folder; everything in it is rewritten from memory."""

    def __init__(self, out: Path, questions: list[str], possible: dict[str, float]):
        self.out = out
        self.questions = questions
        self.possible = possible
        self.max_total = round(sum(possible.values()), 4)
        self.rows: dict[str, dict[str, str]] = {}

    @property
    def csv_path(self) -> Path:
        return self.out / "gradebook.csv"

    def columns(self) -> list[str]:
        return ["student_id", "file", "status", *self.questions, "total", "max", "notes", "sha256", "autograder"]

    def load_previous(self) -> dict[str, dict[str, str]]:
        if not self.csv_path.exists():
            return {}
        with open(self.csv_path, newline="", encoding="utf-8") as f:
            return {row["file"]: row for row in csv.DictReader(f)}

    def set_row(self, sub: Submission, rel: str, autograder_sha: str) -> None:
        graded = sub.status in (STATUS_OK, STATUS_TIMEOUT)
        row = {"student_id": sub.student_id, "file": rel, "status": sub.status,
               "notes": "; ".join(sub.notes), "sha256": sub.sha256[:16], "autograder": autograder_sha[:16],
               "max": f"{self.max_total:g}"}
        for q in self.questions:
            row[q] = f"{sub.scores.get(q, 0.0):g}" if graded else ""
        row["total"] = f"{sub.total:g}" if graded else ""
        self.rows[rel] = row

    def _write(self, path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)

    def write_csv(self) -> None:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=self.columns(), lineterminator="\n")
        writer.writeheader()
        for rel in sorted(self.rows):
            writer.writerow(self.rows[rel])
        self._write(self.csv_path, buf.getvalue())

    def feedback_text(self, sub: Submission, rel: str, exercise: str) -> str:
        lines = [f"# {exercise} 채점 결과: {sub.student_id}", "", f"- 제출 파일: `{rel}`",
                 f"- 상태: {sub.status}"]
        if sub.notes:
            lines.append(f"- 참고: {'; '.join(sub.notes)}")
        if sub.status in (STATUS_OK, STATUS_TIMEOUT):
            lines += [f"- 총점: {sub.total:g} / {self.max_total:g}", "", "| 문제 | 점수 | 배점 |", "|---|---|---|"]
            for q in self.questions:
                lines.append(f"| {q} | {sub.scores.get(q, 0.0):g} | {self.possible[q]:g} |")
            lines += ["", "## 공개 테스트 결과", "",
                      "숨은 테스트의 내용은 보여 주지 않습니다. 점수에는 숨은 테스트도 반영되어 있습니다.", ""]
            for q in self.questions:
                lines += ["```", sub.public_feedback.get(q, f"{q}: 결과 없음").strip(), "```", ""]
        return "\n".join(lines) + "\n"

    def write_feedback(self, sub: Submission, rel: str, exercise: str) -> None:
        name = re.sub(r"[^\w.\-가-힣]", "_", sub.student_id)
        if sub.status == STATUS_DUPLICATE:
            name += "__duplicate__" + re.sub(r"[^\w.\-가-힣]", "_", Path(rel).stem)
        self._write(self.out / "feedback" / f"{name}.md", self.feedback_text(sub, rel, exercise))

    def write_log(self, sub: Submission, rel: str) -> None:
        if sub.log:
            self._write(self.out / "logs" / (re.sub(r"[^\w.\-가-힣]", "_", rel) + ".log"), sub.log)


def _summary(book: Gradebook, exercise: str) -> str:
    graded = [r for r in book.rows.values() if r["status"] in (STATUS_OK, STATUS_TIMEOUT)]
    lines = [f"{exercise}: 제출 {len(book.rows)}개, 채점 {len(graded)}개"]
    statuses: dict[str, int] = {}
    for r in book.rows.values():
        key = r["status"].split(":")[0] if r["status"].startswith("error") else r["status"]
        statuses[key] = statuses.get(key, 0) + 1
    lines.append("상태: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    lines.append(f"{'문제':<8}{'평균':>8}{'배점':>8}")
    for q in book.questions:
        vals = [float(r[q]) for r in graded if r[q] != ""]
        mean = sum(vals) / len(vals) if vals else 0.0
        lines.append(f"{q:<8}{mean:>8.2f}{book.possible[q]:>8g}")
    totals = [float(r["total"]) for r in graded]
    if totals:
        lines.append(f"{'총점':<8}{sum(totals) / len(totals):>8.2f}{book.max_total:>8g}")
    return "\n".join(lines)


def _summary_figure(book: Gradebook, exercise: str) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .viz import use_korean_font

    use_korean_font()
    graded = [r for r in book.rows.values() if r["status"] in (STATUS_OK, STATUS_TIMEOUT)]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
    means = [(sum(float(r[q]) for r in graded) / len(graded) / book.possible[q]) if graded else 0.0
             for q in book.questions]
    ax1.bar(book.questions, means, color="#3182bd")
    ax1.set_ylim(0, 1)
    ax1.set_ylabel("평균 득점률")
    ax1.set_title("문제별 평균 (배점 대비)")
    totals = [float(r["total"]) for r in graded]
    ax2.hist(totals, bins=min(10, max(1, int(book.max_total) + 1)), range=(0, book.max_total),
             color="#9ecae1", edgecolor="white")
    ax2.set_xlabel("총점")
    ax2.set_ylabel("학생 수")
    ax2.set_title(f"총점 분포 (채점 {len(totals)}명)")
    fig.suptitle(f"{exercise} 채점 요약")
    fig.tight_layout()
    path = book.out / "summary.png"
    book.out.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _questions_of(autograder: Path) -> dict[str, float]:
    """``{question: points}`` read from the autograder's test files (without running them)."""
    import ast

    possible = {}
    with zipfile.ZipFile(autograder) as zf:
        for member in sorted(zf.namelist()):
            if member.startswith("tests/") and member.endswith(".py"):
                tree = ast.parse(zf.read(member).decode("utf-8"))
                for node in tree.body:
                    if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "test":
                        test = ast.literal_eval(node.value)
                        possible[test["name"]] = float(test["points"])
    if not possible:
        raise ValueError(f"{autograder}: no tests/*.py inside; is this an otter autograder zip?")
    return possible


def grade_class(exercise: str, submissions: Path, out: Path, *, autograder: Path | None = None,
                roster: Path | None = None, limit: float = 120.0, workers: int = 1,
                regrade: bool = False, show_progress: bool = True) -> Gradebook:
    """Grade every file under ``submissions``; write the gradebook, feedback and summary to ``out``."""
    from tqdm import tqdm

    if not submissions.is_dir():
        raise NotADirectoryError(f"submissions folder {submissions} does not exist")
    autograder = autograder or find_autograder(exercise)
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if limit <= 0:
        raise ValueError("the time limit must be positive (seconds)")
    out = out.resolve()
    if out == submissions.resolve() or submissions.resolve() in out.parents:
        raise ValueError("--out must not be inside the submissions folder (submissions are never written to)")
    ag_sha = _sha256(autograder.read_bytes())
    possible = _questions_of(autograder)
    book = Gradebook(out, sorted(possible), possible)
    previous = {} if regrade else book.load_previous()
    subs = _collect(submissions, exercise, read_roster(roster) if roster else {})
    originals = {s.path: s.data for s in subs}
    grader_fp = _fingerprint(_grader_files(autograder))

    todo: list[tuple[Submission, str]] = []
    for sub in subs:
        rel = str(sub.path.relative_to(submissions))
        old = previous.get(rel)
        if old and old.get("sha256") == sub.sha256[:16] and old.get("autograder") == ag_sha[:16] \
                and not old.get("status", "").startswith("error: grading crashed"):
            book.rows[rel] = {c: old.get(c, "") for c in book.columns()}  # finished earlier: keep
            continue
        if not sub.status:
            nb, why = _looks_like_notebook(sub.data)
            if nb is None:
                sub.status = STATUS_NOT_NOTEBOOK
                sub.notes.append(why)
            elif not any(c.get("cell_type") == "code" and "".join(c.get("source", "")).strip()
                         for c in nb.get("cells", [])):
                sub.status = "error: empty notebook (no code)"
            else:
                meta = nb.get("metadata", {}).get("otter", {})
                other = meta.get("assignment_name") if isinstance(meta, dict) else None
                if other and other != exercise:
                    sub.status = f"error: submission is for {other}, not {exercise}"
                code = "\n".join("".join(c.get("source", "")) for c in nb.get("cells", [])
                                 if c.get("cell_type") == "code")
                sub.notes += [msg for pat, msg in _SUSPICIOUS if pat.search(code)]
        todo.append((sub, rel))

    def finish(sub: Submission, rel: str) -> None:
        # put right anything a submission changed: other submissions, the grader, the output folder
        for path, data in originals.items():
            if not path.exists() or path.read_bytes() != data:
                path.write_bytes(data)
                beside = " or one graded beside it" if workers > 1 else ""
                sub.notes.append(f"{path.name} was changed while grading this submission{beside}: restored")
        if _fingerprint(_grader_files(autograder)) != grader_fp:
            book.set_row(sub, rel, ag_sha)
            book.write_csv()
            raise RuntimeError(f"the grader's own files changed while grading {rel}; stopping. "
                               "Reinstall the environment (make venv) before grading again.")
        book.set_row(sub, rel, ag_sha)
        book.write_feedback(sub, rel, exercise)
        book.write_log(sub, rel)
        book.write_csv()

    bar = tqdm(total=len(todo), desc=f"{exercise} 채점", unit="명", disable=not show_progress,
               file=sys.stderr)
    to_grade = [(s, r) for s, r in todo if not s.status]
    for sub, rel in [(s, r) for s, r in todo if s.status]:
        finish(sub, rel)
        bar.update()
    def graded(sub: Submission, rel: str, exc: BaseException | None) -> None:
        if exc is not None:  # one bad submission must not stop the class
            sub.status = f"error: {type(exc).__name__}: {exc}"[:200]
        finish(sub, rel)
        bar.update()

    if workers == 1:  # strictly one after another: each row is on disk before the next starts
        for sub, rel in to_grade:
            error = None
            try:
                _grade_one(sub, autograder, limit, exercise)
            except Exception as exc:  # noqa: BLE001
                error = exc
            graded(sub, rel, error)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(_grade_one, sub, autograder, limit, exercise): (sub, rel)
                       for sub, rel in to_grade}
            for fut in as_completed(futures):
                graded(*futures[fut], fut.exception())
    bar.close()
    # the final pass: everything from memory again, in case a late submission wrote over it
    book.write_csv()
    for sub, rel in todo:
        book.write_feedback(sub, rel, exercise)
    _summary_figure(book, exercise)
    return book


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["--worker"]:
        _, sub, tests, result, limit = argv
        return _worker(Path(sub), Path(tests), Path(result), float(limit))
    parser = argparse.ArgumentParser(
        prog="seqlab-grade",
        description="한 연습의 제출물 폴더 전체를 Docker 없이 채점해 성적표(gradebook.csv)를 만듭니다.")
    parser.add_argument("exercise", help="연습 이름, 예: 01-padding")
    parser.add_argument("submissions", type=Path, help="제출된 노트북이 든 폴더 (읽기만 합니다)")
    parser.add_argument("--out", type=Path, required=True, help="성적표, 피드백, 요약 그림을 쓸 폴더")
    parser.add_argument("--autograder", type=Path, help="autograder zip (기본: _build/exercises/<연습>/autograder/)")
    parser.add_argument("--roster", type=Path, help="파일 이름 → 학번 CSV (열: file, student_id)")
    parser.add_argument("--timeout", type=float, default=120.0, help="제출물 하나의 실행 시간 제한(초, 기본 120)")
    parser.add_argument("--workers", type=int, default=1, help="동시에 채점할 수 (코어 2개면 2)")
    parser.add_argument("--regrade", action="store_true", help="이미 채점한 제출물도 다시 채점합니다")
    args = parser.parse_args(argv)
    try:
        book = grade_class(args.exercise, args.submissions, args.out, autograder=args.autograder,
                           roster=args.roster, limit=args.timeout, workers=args.workers, regrade=args.regrade)
    except (FileNotFoundError, NotADirectoryError, ValueError, RuntimeError) as exc:
        print(f"seqlab-grade: {exc}", file=sys.stderr)
        return 2
    print(_summary(book, args.exercise))
    print(f"성적표: {book.csv_path}\n피드백: {book.out / 'feedback'}\n요약 그림: {book.out / 'summary.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
