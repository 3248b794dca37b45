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
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..otterfmt import hidden_statements, tests_from_zip, tests_hash
from ..settings import ROOT, find_autograder
from . import collect as _collect
from . import feedback as fb
from . import lms
from .collect import GRADED_STATUSES, STATUS_DUPLICATE, STATUS_OK, STATUS_STOPPED, STATUS_TAMPERED, STATUS_TIMEOUT, \
    plan, read_roster, verify_originals
from .gradebook import Gradebook, summary_figure, summary_table, write_atomic
from .sandbox import Limits, available, work_folder

__all__ = ["SandboxRefused", "grade_class", "main", "locate_autograder", "RunSummary"]


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


def locate_autograder(exercise: str) -> Path:
    """The newest autograder zip under ``_build/exercises/`` of the current folder, else of the
    course checkout this ``seqlab`` comes from (so that the grader also works when run from the
    folder that holds the submissions)."""
    tried = []
    for root in dict.fromkeys([Path.cwd(), ROOT]):
        try:
            return find_autograder(exercise, root)
        except FileNotFoundError:
            tried.append(str(root / "_build" / "exercises" / exercise / "autograder"))
    raise FileNotFoundError(f"no autograder zip for {exercise!r} in {' or '.join(tried)}; build it in the course "
                            f"folder (`make exercises`, or `.venv/bin/seqlab-assign {exercise}`) or pass --autograder")


def _log_path(folder: Path, p) -> Path:
    return folder / (hashlib.sha256(p.sub.rel.encode("utf-8")).hexdigest()[:24] + ".log")


@dataclass
class RunSummary:
    """What one run did: the counts an instructor checks before uploading."""

    exercise: str
    graded: list[tuple[str, str, str]] = field(default_factory=list)  # (file, student, why)
    kept: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (file, kept file)
    screened: list[tuple[str, str]] = field(default_factory=list)  # (file, status)
    skipped: list[str] = field(default_factory=list)
    changed: list[tuple[str, str, str]] = field(default_factory=list)  # (student, before, after)
    warnings: list[str] = field(default_factory=list)

    def text(self) -> str:
        n = len(self.graded) + len(self.kept) + len(self.duplicates) + len(self.screened) + len(self.skipped)
        lines = [f"# {self.exercise}: 이번 실행 요약", "",
                 f"- 파일 {n}개: 이번에 채점 {len(self.graded)}개, 이전 결과 그대로 {len(self.kept)}개, "
                 f"중복 {len(self.duplicates)}개, 채점 대상 아님 {len(self.screened)}개, 건너뜀 {len(self.skipped)}개"]
        for f, sid, why in self.graded:
            lines.append(f"  - 채점: `{f}` ({sid}, {why})")
        for f, kept in self.duplicates:
            lines.append(f"  - 중복: `{f}` (채점한 파일: `{kept}`)")
        for f, status in self.screened:
            lines.append(f"  - 채점 대상 아님: `{f}` ({status})")
        if self.skipped:
            lines.append(f"  - 건너뜀(--only): {len(self.skipped)}개")
        if self.changed:
            lines.append(f"- 점수가 바뀐 학생 {len(self.changed)}명: "
                         + ", ".join(f"{sid} {a or '-'} → {b or '-'}" for sid, a, b in self.changed))
        else:
            lines.append("- 점수가 바뀐 학생: 없음")
        for w in self.warnings:
            lines.append(f"- 경고: {w}")
        return "\n".join(lines) + "\n"


def _apply_lms(files, exercise: str, roster: dict, times: dict, deadline: datetime | None,
               summary: RunSummary) -> tuple[dict[str, lms.Timing], dict[str, str], dict[str, str]]:
    """Student ids and submission times from what the LMS download carries; file times are never
    used for a decision when the LMS gives one. Returns ``(timing by file, Canvas ids, e-mails)``."""
    timing: dict[str, lms.Timing] = {}
    canvas_ids: dict[str, str] = {}
    emails: dict[str, str] = {}
    for sub in files:
        parts = sub.rel.split("/")
        name = lms.parse_lms_name(sub.rel)
        t = lms.Timing()
        in_roster = any(k in roster for k in (sub.rel, parts[-1], parts[0]))
        if name is not None and not in_roster:
            info = times.get(name.student_id, {})
            if name.kind == "canvas":
                sub.student_id = name.student_id
                canvas_ids[name.student_id] = name.student_id
            else:  # Moodle: the ID number (or e-mail) from the grading worksheet, else the participant's name
                sub.student_id = info.get("id") or info.get("email") or name.name
                if info.get("email"):
                    emails[sub.student_id] = info["email"]
            sub.notes.append(f"{name.kind} download: {name.name} ({name.student_id})")
            if name.late:
                t.late, t.source = True, "canvas late marker"
        elif len(parts) == 1 and not in_roster and lms.missing_id(parts[-1], exercise):
            sub.student_id = "학번없음-" + hashlib.sha256(sub.rel.encode("utf-8")).hexdigest()[:6]
            summary.warnings.append(f"`{sub.rel}`의 이름에 학번이 없습니다. 학생 id를 `{sub.student_id}`로 두었습니다. "
                                    "파일 이름을 바꾸거나 --roster 명단에 넣어 다시 실행하세요")
            sub.notes.append("no student id in the file name")
        info = times.get(sub.rel) or times.get(parts[-1]) or times.get(sub.student_id) \
            or (times.get(name.student_id) if name else None)
        if info and info.get("submitted"):
            t.submitted, t.source = info["submitted"], "times csv"
            days = lms.late_days(info["submitted"], deadline)
            t.late, t.late_days = days is not None, days
        timing[sub.rel] = t
    # duplicates: the LMS's submission time decides when every file of a student has one
    by_student: dict[str, list] = {}
    for sub in files:
        by_student.setdefault(_collect.nfc(sub.student_id), []).append(sub)
    for sid, subs in by_student.items():
        if len(subs) < 2:
            continue
        if all(timing[s.rel].submitted for s in subs):
            for s in subs:
                s.mtime = lms.parse_time(timing[s.rel].submitted).timestamp()
        else:
            summary.warnings.append(f"{sid}의 파일 {len(subs)}개 중 어느 것이 나중인지 LMS 정보가 없어 파일 수정 시각으로 "
                                    "정했습니다(LMS에서 내려받으면 바뀌는 값입니다). --submission-times로 제출 시각을 주세요")
    return timing, canvas_ids, emails


def grade_class(exercise: str, submissions: Path, out: Path, *, autograder: Path | None = None,
                roster: Path | None = None, limit: float = 120.0, workers: int = 1,
                regrade: bool = False, show_progress: bool = True, unsandboxed: bool = False,
                memory_mib: int = 3072, call_limit: float = 10.0, question_limit: float = 60.0,
                question_calls: int = 5000, only: str | None = None,
                submission_times: Path | None = None, deadline: str | None = None, late_penalty: float = 0.0,
                canvas_export: Path | None = None, assignment: str | None = None, similarity: bool = False,
                similarity_threshold: float | None = None, starter: Path | None = None) -> Gradebook:
    """Grade every file under ``submissions``; write the gradebook, feedback, exports, analytics
    and the run summary to ``out``."""
    from tqdm import tqdm

    from .judge import exercise_imports, judge, questions_from_tests

    submissions = Path(submissions)
    if not submissions.is_dir():
        raise NotADirectoryError(f"submissions folder {submissions} does not exist")
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if limit <= 0 or call_limit <= 0:
        raise ValueError("the time limits must be positive (seconds)")
    if not 0 <= late_penalty <= 100:
        raise ValueError(f"--late-penalty is a percentage of the maximum per day late (0 to 100), got {late_penalty}")
    when = lms.parse_time(deadline) if deadline else None
    out, subs_root = Path(out).resolve(), submissions.resolve()
    if out == subs_root or subs_root in out.parents or out in subs_root.parents:
        raise ValueError("--out must not be inside the submissions folder, nor contain it "
                         "(submissions are never written to)")
    why = "" if unsandboxed else available()
    if why:
        raise SandboxRefused(refusal_message(why))
    autograder = Path(autograder) if autograder else locate_autograder(exercise)
    tests = tests_from_zip(autograder)
    questions = questions_from_tests(tests)
    # the instructor's notebook beside the zip (seqlab-assign's layout): its imports only
    extra = exercise_imports(Path(autograder).parent / f"{exercise}.ipynb")
    possible = {q: v.possible for q, v in questions.items()}
    book = Gradebook(out, exercise, possible, tests_hash(tests), hidden_statements(tests))
    book.late_penalty = late_penalty / 100.0
    before = book.load_previous()
    previous = {} if regrade else before
    summary = RunSummary(exercise)
    roster_map = read_roster(roster) if roster else {}
    files = _collect.collect(submissions, exercise, roster_map)
    times = lms.read_times(submission_times) if submission_times else {}
    timing, canvas_ids, emails = _apply_lms(files, exercise, roster_map, times, when, summary)
    planned = plan(files, exercise, previous, resumable=book.resumable)
    if only is not None:
        only = _collect.nfc(only)
        if not any(_collect.nfc(p.sub.student_id) == only for p in planned):
            raise ValueError(f"--only {only}: no submission of that student id in {submissions}")
        for p in planned:
            if _collect.nfc(p.sub.student_id) == only:
                if p.action == "keep":
                    p.action = "grade"
            elif p.action == "final":
                continue  # screened and duplicates: decided without running anything
            elif p.sub.rel in before:
                p.action, p.previous = "keep", before[p.sub.rel]
            else:
                p.action = "skip"
    sandbox = "none" if unsandboxed else "bwrap"
    limits = Limits(total=limit, cell=limit, call=call_limit, memory_mib=memory_mib, question=question_limit,
                    question_calls=question_calls, tests_total=max(300.0, 3 * question_limit))
    lock = threading.Lock()
    logs = work_folder(out)  # under --out; a later run removes it if this one is killed
    restore_signals = _exit_on_sigterm()
    # torch._dynamo, imported by some tests, makes its cache folder when imported: keep it in ours
    inductor = os.environ.get("TORCHINDUCTOR_CACHE_DIR")
    os.environ["TORCHINDUCTOR_CACHE_DIR"] = str(logs / "torchinductor")

    def finish(p, status, scores=None, notes=(), public=None, log=None, details=None) -> None:
        with lock:
            restored = verify_originals(files)
            restored_notes = [f"restored {r} (changed while grading)" for r in restored]
            book.set_row(p.sub.rel, p.sub.student_id, status, scores, list(p.notes) + list(notes) + restored_notes,
                         p.sub.sha256, sandbox, public, details, timing.get(p.sub.rel))
            if log is not None:
                book.write_log(p.sub.rel, log)
            book.write_csv()
            book.write_feedback()

    def grade(p):
        log_path = _log_path(logs, p)
        try:
            report = judge(p.cells, questions, log_path, limits, sandboxed=not unsandboxed, extra=extra)
        except Exception as exc:  # noqa: BLE001 - one submission never stops the class
            return p, f"error: grading failed ({type(exc).__name__}: {str(exc)[:120]})", None, [], None, None
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
        details = {"cases": getattr(report, "cases", {}),
                   "errors": [e.to_data() for e in fb.cell_errors(p.cells, cells if isinstance(cells, dict) else {})],
                   "heads": fb.cell_heads(p.cells), "questions": fb.cell_questions(p.cells)}
        return p, status, report.scores, notes, report.public, details

    def log_of(p) -> str:
        path = _log_path(logs, p)
        try:
            return path.read_bytes()[-20000:].decode("utf-8", errors="replace")
        except OSError:
            return ""

    def why_graded(p) -> str:
        old = before.get(p.sub.rel)
        if old is None:
            return "새 파일"
        if old.get("sha256") != p.sub.sha256:
            return "내용이 바뀐 파일"
        if only is not None or regrade:
            return "다시 채점 요청"
        return "이전 결과를 쓸 수 없음(테스트, 채점기 버전, 샌드박스 또는 서명이 다름)"

    try:
        todo = [p for p in planned if p.action == "grade"]
        bar = tqdm(total=len(planned), desc=f"{exercise} 채점", unit="개", disable=not show_progress,
                   file=sys.stderr)
        for p in planned:
            if p.action == "final":
                finish(p, p.status)
                if p.status == STATUS_DUPLICATE:
                    kept = next((n.removeprefix("kept: ").removesuffix(" (newest)") for n in p.notes
                                 if n.startswith("kept: ")), "")
                    summary.duplicates.append((p.sub.rel, kept))
                else:
                    summary.screened.append((p.sub.rel, p.status))
                bar.update()
            elif p.action == "keep":
                with lock:
                    book.keep(p.sub.rel, p.previous, p.sub.student_id, timing.get(p.sub.rel))
                summary.kept.append(p.sub.rel)
                bar.update()
            elif p.action == "skip":
                summary.skipped.append(p.sub.rel)
                bar.update()
        for p in todo:
            summary.graded.append((p.sub.rel, p.sub.student_id, why_graded(p)))
        if workers == 1:
            for p in todo:
                _, status, scores, notes, public, details = grade(p)
                finish(p, status, scores, notes, public, log_of(p), details)
                bar.update()
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                for fut in as_completed([pool.submit(grade, p) for p in todo]):
                    p, status, scores, notes, public, details = fut.result()
                    finish(p, status, scores, notes, public, log_of(p), details)
                    bar.update()
        bar.close()
        with lock:
            restored = verify_originals(files)
            book.write_csv()
            book.write_feedback()
            summary_figure(book)
            _after_run(book, before, summary, assignment=assignment, canvas_export=canvas_export,
                       canvas_ids=canvas_ids, emails=emails)
            if similarity:
                _similarity(book, files, autograder, exercise, starter, similarity_threshold, summary)
            write_atomic(book.out / "run-summary.md", summary.text())
        book.run_summary = summary
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


def _after_run(book: Gradebook, before: dict, summary: RunSummary, **export_args) -> None:
    from .analytics import write_analytics
    from .export import write_exports

    old_by_student: dict[str, str] = {}
    for r in before.values():
        if r.get("status") in GRADED_STATUSES and r.get("student_id"):
            old_by_student[r["student_id"]] = r.get("final") or r.get("total", "")
    for sid, rel in sorted(book.counting_rows().items()):
        row = book.rows[rel]
        new = (row.get("final") or row.get("total", "")) if row["status"] in GRADED_STATUSES else ""
        if before and old_by_student.get(sid, "") != new:
            summary.changed.append((sid, old_by_student.get(sid, ""), new))
    write_exports(book, **export_args)
    write_analytics(book)


def _similarity(book: Gradebook, files, autograder: Path, exercise: str, starter: Path | None,
                threshold: float | None, summary: RunSummary) -> None:
    from .similarity import DEFAULT_THRESHOLD, write_report

    starter = Path(starter) if starter else Path(autograder).parent.parent / "student" / f"{exercise}.ipynb"
    given = starter.read_bytes() if starter.is_file() else None
    if given is None:
        summary.warnings.append(f"학생용 노트북 {starter}가 없어 유사도 비교에서 처음부터 주어진 코드를 빼지 못했습니다 "
                                "(--starter로 지정하세요)")
    data = {sub.rel: sub.data for sub in files}
    subs = {sid: data[rel] for sid, rel in book.counting_rows().items()
            if book.rows[rel]["status"] in GRADED_STATUSES and rel in data}
    path, pairs = write_report(book.out, exercise, subs, given, threshold or DEFAULT_THRESHOLD)
    flagged = [p for p in pairs if p.flagged]
    if flagged:
        summary.warnings.append(f"유사도 보고서에 표시된 쌍 {len(flagged)}개: "
                                + ", ".join(f"{p.a}↔{p.b}" for p in flagged[:10]) + f" ({path}; 점수와 무관)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="seqlab-grade",
        description="한 연습의 제출물 폴더 전체를 샌드박스 안에서 채점해 성적표, 피드백, LMS 업로드 파일, 문제별 분석을 만듭니다.")
    parser.add_argument("exercise", help="연습 이름, 예: 01-padding")
    parser.add_argument("submissions", type=Path, help="제출된 노트북이 든 폴더 (읽기만 합니다)")
    parser.add_argument("--out", type=Path, required=True, help="성적표, 피드백, 요약 그림을 쓸 폴더")
    parser.add_argument("--autograder", type=Path,
                        help="autograder zip (기본: 현재 폴더나 강의 저장소의 _build/exercises/<연습>/autograder/)")
    parser.add_argument("--roster", type=Path, help="파일 이름 → 학번 CSV (열: file, student_id)")
    parser.add_argument("--only", metavar="ID", help="이 학생 id의 제출물만 다시 채점합니다(다른 학생의 행은 그대로)")
    parser.add_argument("--submission-times", type=Path, metavar="CSV",
                        help="LMS가 내보낸 제출 시각 CSV (file 또는 student_id와 submitted_at 열, 또는 Moodle 성적 작업표)")
    parser.add_argument("--deadline", help="마감 시각, ISO 8601 (예: 2026-12-01T23:59)")
    parser.add_argument("--late-penalty", type=float, default=0.0, metavar="PCT",
                        help="늦은 날(시작된 하루)마다 배점의 PCT%%를 뺍니다 (기본 0: 표시만)")
    parser.add_argument("--canvas-export", type=Path, metavar="CSV",
                        help="Canvas에서 내보낸 성적표(Export Entire Gradebook): upload/canvas.csv의 학생 열을 여기서 채웁니다")
    parser.add_argument("--assignment", help="LMS의 과제(성적 항목) 이름 (기본: 연습 이름)")
    parser.add_argument("--similarity", action="store_true",
                        help="답 셀의 유사도 보고서를 similarity/report.html에 만듭니다(점수와 무관)")
    parser.add_argument("--similarity-threshold", type=float, help="표시할 유사도(0–1, 기본 0.6)")
    parser.add_argument("--starter", type=Path, help="학생용 노트북(유사도에서 뺄 주어진 코드, 기본: autograder 옆 student/)")
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
                           question_limit=args.question_timeout,
                           only=args.only, submission_times=args.submission_times, deadline=args.deadline,
                           late_penalty=args.late_penalty, canvas_export=args.canvas_export,
                           assignment=args.assignment, similarity=args.similarity,
                           similarity_threshold=args.similarity_threshold, starter=args.starter)
    except SandboxRefused as exc:
        print(f"seqlab-grade: {exc}", file=sys.stderr)
        return 3
    except (FileNotFoundError, NotADirectoryError, ValueError, RuntimeError) as exc:
        print(f"seqlab-grade: {exc}", file=sys.stderr)
        return 2
    print(summary_table(book))
    print(book.run_summary.text().rstrip())
    print(f"성적표(강사용): {book.csv_path}\nLMS 업로드: {book.out / 'upload'}\n피드백: {book.out / 'feedback'}\n"
          f"문제별 분석: {book.out / 'analytics'}\n요약 그림: {book.out / 'summary.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
