"""``seqlab-grade EXERCISE SUBMISSIONS --out OUT``: grade a whole class into a gradebook.

See :mod:`seqlab.tools.grading` for the rooms and ``book/instructors.md`` for what is protected.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from ..otterfmt import hidden_statements, tests_from_zip, tests_hash
from ..settings import find_autograder
from . import collect as _collect
from .collect import STATUS_OK, STATUS_STOPPED, STATUS_TIMEOUT, plan, read_roster, verify_originals
from .collect import STATUS_TAMPERED
from .gradebook import Gradebook, summary_figure, summary_table
from .sandbox import Limits, available, work_folder

__all__ = ["SandboxRefused", "grade_class", "main"]


class SandboxRefused(RuntimeError):
    """No sandbox here, and ``--unsandboxed`` was not given."""


def refusal_message(why: str) -> str:
    return (f"seqlab-grade는 학생 코드를 샌드박스(bubblewrap) 안에서만 실행합니다. 여기서는 쓸 수 없습니다: {why}.\n"
            "- Debian/Ubuntu: `sudo apt-get install bubblewrap` (저장소의 `make sandbox`가 같은 일을 합니다)\n"
            "- macOS 또는 사용자 네임스페이스가 없는 기계: 컨테이너 안에서 실행하세요. 예:\n"
            "    docker run --rm -it --security-opt seccomp=unconfined --security-opt apparmor=unconfined "
            "-v \"$PWD\":/course -w /course python:3.11 bash -c 'make sandbox && make venv && "
            ".venv/bin/seqlab-grade ...'\n"
            "- 위험을 알고도 샌드박스 없이 채점하려면 --unsandboxed를 붙이세요(모든 행에 sandbox=none이 표시되고, "
            "이어 채점할 때 그 행들은 다시 채점합니다).")


def _log_path(folder: Path, p) -> Path:
    return folder / (hashlib.sha256(p.sub.rel.encode("utf-8")).hexdigest()[:24] + ".log")


def grade_class(exercise: str, submissions: Path, out: Path, *, autograder: Path | None = None,
                roster: Path | None = None, limit: float = 120.0, workers: int = 1,
                regrade: bool = False, show_progress: bool = True, unsandboxed: bool = False,
                memory_mib: int = 3072, call_limit: float = 10.0, question_limit: float = 60.0,
                question_calls: int = 5000) -> Gradebook:
    """Grade every file under ``submissions``; write the gradebook, feedback and summary to ``out``."""
    from tqdm import tqdm

    from .judge import exercise_imports, judge, questions_from_tests

    submissions = Path(submissions)
    if not submissions.is_dir():
        raise NotADirectoryError(f"submissions folder {submissions} does not exist")
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if limit <= 0 or call_limit <= 0:
        raise ValueError("the time limits must be positive (seconds)")
    out, subs_root = Path(out).resolve(), submissions.resolve()
    if out == subs_root or subs_root in out.parents or out in subs_root.parents:
        raise ValueError("--out must not be inside the submissions folder, nor contain it "
                         "(submissions are never written to)")
    why = "" if unsandboxed else available()
    if why:
        raise SandboxRefused(refusal_message(why))
    autograder = autograder or find_autograder(exercise)
    tests = tests_from_zip(autograder)
    questions = questions_from_tests(tests)
    # the instructor's notebook beside the zip (seqlab-assign's layout): its imports only
    extra = exercise_imports(Path(autograder).parent / f"{exercise}.ipynb")
    possible = {q: v.possible for q, v in questions.items()}
    book = Gradebook(out, exercise, possible, tests_hash(tests), hidden_statements(tests))
    previous = {} if regrade else book.load_previous()
    files = _collect.collect(submissions, exercise, read_roster(roster) if roster else {})
    planned = plan(files, exercise, previous, resumable=book.resumable)
    sandbox = "none" if unsandboxed else "bwrap"
    limits = Limits(total=limit, cell=limit, call=call_limit, memory_mib=memory_mib, question=question_limit,
                    question_calls=question_calls, tests_total=max(300.0, 3 * question_limit))
    lock = threading.Lock()
    logs = work_folder(out)  # under --out; a later run removes it if this one is killed
    restore_signals = _exit_on_sigterm()
    # torch._dynamo, imported by some tests, makes its cache folder when imported: keep it in ours
    inductor = os.environ.get("TORCHINDUCTOR_CACHE_DIR")
    os.environ["TORCHINDUCTOR_CACHE_DIR"] = str(logs / "torchinductor")

    def finish(p, status, scores=None, notes=(), public=None, log=None) -> None:
        with lock:
            restored = verify_originals(files)
            restored_notes = [f"restored {r} (changed while grading)" for r in restored]
            book.set_row(p.sub.rel, p.sub.student_id, status, scores, list(p.notes) + list(notes) + restored_notes,
                         p.sub.sha256, sandbox, public)
            if log is not None:
                book.write_log(p.sub.rel, log)
            book.write_csv()
            book.write_feedback()

    def grade(p):
        log_path = _log_path(logs, p)
        try:
            report = judge(p.cells, questions, log_path, limits, sandboxed=not unsandboxed, extra=extra)
        except Exception as exc:  # noqa: BLE001 - one submission never stops the class
            return p, f"error: grading failed ({type(exc).__name__}: {str(exc)[:120]})", None, [], None
        cells = report.cells
        notes = list(report.notes)
        if cells.get("errors"):
            notes.append("cell errors: " + ", ".join(cells["errors"][:5]))
        status = STATUS_OK
        if cells.get("timed_out") or cells.get("killed"):
            status = STATUS_TIMEOUT if cells.get("timed_out") else STATUS_STOPPED
            notes.append(f"stopped in code cell {cells['stopped_at'] + 1} of {cells['n_cells']}; "
                         "questions before it were graded")
        question_statuses = set(report.statuses.values())
        if STATUS_TAMPERED in question_statuses:
            status = STATUS_TAMPERED
        elif STATUS_TIMEOUT in question_statuses and status == STATUS_OK:
            status = STATUS_TIMEOUT
        if unsandboxed:
            notes.append("graded WITHOUT the sandbox")
        return p, status, report.scores, notes, report.public

    def log_of(p) -> str:
        path = _log_path(logs, p)
        try:
            return path.read_bytes()[-20000:].decode("utf-8", errors="replace")
        except OSError:
            return ""

    try:
        todo = [p for p in planned if p.action == "grade"]
        bar = tqdm(total=len(planned), desc=f"{exercise} 채점", unit="명", disable=not show_progress,
                   file=sys.stderr)
        for p in planned:
            if p.action == "final":
                finish(p, p.status)
                bar.update()
            elif p.action == "keep":
                with lock:
                    book.keep(p.sub.rel, p.previous, p.sub.student_id)
                bar.update()
        if workers == 1:
            for p in todo:
                _, status, scores, notes, public = grade(p)
                finish(p, status, scores, notes, public, log_of(p))
                bar.update()
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                for fut in as_completed([pool.submit(grade, p) for p in todo]):
                    p, status, scores, notes, public = fut.result()
                    finish(p, status, scores, notes, public, log_of(p))
                    bar.update()
        bar.close()
        with lock:
            restored = verify_originals(files)
            book.write_csv()
            book.write_feedback()
            summary_figure(book)
        if restored:
            print(f"seqlab-grade: restored {len(restored)} submission file(s) that changed while grading",
                  file=sys.stderr)
    finally:
        shutil.rmtree(logs, ignore_errors=True)
        restore_signals()
        if inductor is None:
            os.environ.pop("TORCHINDUCTOR_CACHE_DIR", None)
        else:
            os.environ["TORCHINDUCTOR_CACHE_DIR"] = inductor
    return book


def _exit_on_sigterm():
    """SIGTERM (and SIGHUP) end the grader through ``finally`` blocks, so that its temporary
    folder of student output is removed; returns what puts the old handlers back."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    old = {}

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        try:
            if signal.getsignal(sig) in (signal.SIG_DFL, None):
                old[sig] = signal.signal(sig, stop)
        except (ValueError, OSError):
            pass
    return lambda: [signal.signal(sig, handler) for sig, handler in old.items()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="seqlab-grade",
        description="한 연습의 제출물 폴더 전체를 샌드박스 안에서 채점해 성적표(gradebook.csv)를 만듭니다.")
    parser.add_argument("exercise", help="연습 이름, 예: 01-padding")
    parser.add_argument("submissions", type=Path, help="제출된 노트북이 든 폴더 (읽기만 합니다)")
    parser.add_argument("--out", type=Path, required=True, help="성적표, 피드백, 요약 그림을 쓸 폴더")
    parser.add_argument("--autograder", type=Path, help="autograder zip (기본: _build/exercises/<연습>/autograder/)")
    parser.add_argument("--roster", type=Path, help="파일 이름 → 학번 CSV (열: file, student_id)")
    parser.add_argument("--timeout", type=float, default=120.0, help="제출물 하나의 코드 셀 실행 시간 제한(초, 기본 120)")
    parser.add_argument("--call-timeout", type=float, default=10.0, help="테스트가 학생 함수를 한 번 부를 때의 제한(초, 기본 10)")
    parser.add_argument("--memory", type=int, default=3072, help="제출물 하나의 메모리 제한(MiB, 기본 3072)")
    parser.add_argument("--question-timeout", type=float, default=60.0,
                        help="한 문제의 테스트 전체에 주는 시간(초, 기본 60). 넘으면 그 문제는 timeout")
    parser.add_argument("--workers", type=int, default=1, help="동시에 채점할 수 (코어 2개면 2)")
    parser.add_argument("--regrade", action="store_true", help="이미 채점한 제출물도 다시 채점합니다")
    parser.add_argument("--unsandboxed", action="store_true",
                        help="샌드박스 없이 채점합니다(위험). 모든 행에 sandbox=none이 표시됩니다")
    args = parser.parse_args(argv)
    try:
        book = grade_class(args.exercise, args.submissions, args.out, autograder=args.autograder,
                           roster=args.roster, limit=args.timeout, workers=args.workers, regrade=args.regrade,
                           unsandboxed=args.unsandboxed, memory_mib=args.memory, call_limit=args.call_timeout,
                           question_limit=args.question_timeout)
    except SandboxRefused as exc:
        print(f"seqlab-grade: {exc}", file=sys.stderr)
        return 3
    except (FileNotFoundError, NotADirectoryError, ValueError, RuntimeError) as exc:
        print(f"seqlab-grade: {exc}", file=sys.stderr)
        return 2
    print(summary_table(book))
    print(f"성적표: {book.csv_path}\n피드백: {book.out / 'feedback'}\n요약 그림: {book.out / 'summary.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
