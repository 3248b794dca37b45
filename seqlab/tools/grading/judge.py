"""The trusted side of a check: the remote ``student`` proxy, and the judge that runs the tests.

Every test of an exercise, public and hidden, runs here, in the grader's own process, through
:func:`seqlab.checks.run_case` (the same function the student's ``grader.check`` uses). The test's
``student`` is a :class:`RemoteStudent`: each attribute access, call, item access or ``len``
becomes one request to the runner in the sandbox, which performs it with the library's own
``LocalStudent``; only data copies and reference numbers come back. Hidden tests never leave this
process, and nothing the student's code patches in the sandbox can reach a comparison made here.

Public cases of every question run before any hidden case, so that nothing the student's code
could learn from a hidden case's arguments exists in the sandbox while public messages (which
the student reads in the feedback) are produced.

Budgets, kept here on the trusted side: every question has a wall-clock budget and a number of
requests it may make (:class:`~.sandbox.Limits` ``question``, ``question_calls``), the tests of
one submission together a wall-clock budget (``tests_total``), and a crashed or hung runner is
started again at most ``restarts`` times. A question over its budget gets the status
``timeout`` (scored with the cases that finished); the other questions are still graded. A
question whose requests find the grading machinery in the sandbox changed gets ``tampered`` and
0 points, with a note for the instructor.
"""
from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from seqlab import checks

from .contract import ContractError, Ref as WireRef, decode_value, encode_value
from .sandbox import ForgedReply, Limits, RunnerDied, RunnerTimeout, Sandbox

__all__ = ["RemoteStudent", "RemoteRef", "Session", "Question", "questions_from_tests", "judge",
           "exercise_imports", "JudgeReport", "SandboxLost", "OverBudget", "Tampered", "MAX_ITER_ITEMS",
           "MAX_LEN"]

MAX_ITER_ITEMS = 100_000  # items a test may take from one student iterable (one request)
MAX_LEN = 10 ** 8  # a len() beyond this is refused (it would only serve to allocate)


class SandboxLost(RuntimeError):
    """The runner died or hung during a request; a fresh one is started for the next case."""


class OverBudget(BaseException):
    """A question (or the submission) used up its time or its requests. A BaseException, so that
    no ``except Exception`` in a test or in :func:`checks.run_case` turns it into a failed case."""


class Tampered(BaseException):
    """The runner found the grading machinery in the sandbox changed, or sent a reply that does
    not answer the request (forged)."""


class Session:
    """The grader's end of one submission's runner, restarted after a hang or crash.

    A restart runs the same code cells again, up to (not including) the cell that hung or
    crashed before, so the answers defined before it are still there.
    """

    def __init__(self, cells: list[str], log_path: Path, limits: Limits, sandboxed: bool):
        self.cells, self.log_path, self.limits, self.sandboxed = cells, log_path, limits, sandboxed
        self.sandbox: Sandbox | None = None
        self.generation = 0
        self.report: dict = {}
        self.run_upto = len(cells)
        self.notes: list[str] = []
        self.restarts = 0
        self.restart_seconds = 0.0  # spent starting runners again (not charged to a question)
        self.where = ""  # the question being checked (for notes)
        self.deadline: float | None = None  # when the current question's budget ends

    def start(self) -> dict:
        """Start a runner and run the cells (at most ``run_upto`` of them)."""
        self.generation += 1
        while True:
            self.sandbox = Sandbox(self.log_path, self.limits, sandboxed=self.sandboxed)
            try:
                reply = self.sandbox.run_cells(self.cells[: self.run_upto])
            except ForgedReply as exc:
                self.sandbox.close()
                self.sandbox = None
                raise Tampered(f"contract error while the cells ran: {exc}") from None
            except (RunnerTimeout, RunnerDied) as exc:
                cell = self.sandbox.current_cell
                self.sandbox.close()
                self.sandbox = None
                if cell is None:
                    raise SandboxLost(f"the runner did not start: {exc}") from None
                self.notes.append(f"code cell {cell + 1}: {'no answer in time (killed)' if isinstance(exc, RunnerTimeout) else exc}; "
                                  f"graded with the cells before it")
                self.report = {"errors": [], "stopped_at": cell, "timed_out": isinstance(exc, RunnerTimeout),
                               "killed": True, "n_cells": len(self.cells)}
                self.run_upto = cell
                continue
            try:
                report = decode_value(reply.get("ok"))
            except ContractError:
                report = None
            if not isinstance(report, dict):
                self.sandbox.close()
                raise SandboxLost("the runner's report on the cells is not valid")
            if not self.report.get("killed"):
                self.report = report
            else:
                self.report["errors"] = report.get("errors", [])
                self.report["tampered"] = report.get("tampered")
            return self.report

    def request(self, frame: dict, timeout: float) -> dict:
        if self.sandbox is None:
            if self.restarts >= self.limits.restarts:
                raise SandboxLost(f"the runner was started again {self.restarts} times; not again")
            if self.deadline is not None and time.monotonic() >= self.deadline:
                raise OverBudget("no time left to start the runner again")
            self.restarts += 1
            began = time.monotonic()
            try:
                self.start()
            finally:
                self.restart_seconds += time.monotonic() - began
        try:
            reply = self.sandbox.request(frame, timeout)
        except ForgedReply as exc:
            self.sandbox.close()
            self.sandbox = None
            self.notes.append(f"{self.where}: contract error: {exc}")
            raise Tampered(f"contract error: {exc}") from None
        except (RunnerTimeout, RunnerDied) as exc:
            self.sandbox.close()
            self.sandbox = None
            what = "no answer in time (killed)" if isinstance(exc, RunnerTimeout) else f"the runner died ({exc})"
            self.notes.append(f"{self.where}: {what} during a test call; started again for the next one")
            raise SandboxLost(str(exc)) from None
        error = reply.get("error")
        if isinstance(error, dict) and error.get("kind") == "tampered":
            raise Tampered(str(error.get("message", ""))[:300])
        return reply

    def close(self) -> None:
        if self.sandbox is not None:
            self.sandbox.close()
            self.sandbox = None


def _raise_remote(error: dict, what: str):
    kind = error.get("kind")
    if kind == "not_answered":
        raise checks.NotAnswered(str(error.get("what", what)))
    if kind == "check_failed":
        raise checks.CheckFailed(str(error.get("message", "")))
    if kind == "student_error":
        types = error.get("types") if isinstance(error.get("types"), list) else []
        raise checks.StudentError(str(error.get("call", what)), [str(t) for t in types] or ["Exception"],
                                  str(error.get("message", "")))
    raise checks.StudentError(what, ["ContractError"], "학생 코드가 돌려준 값을 읽을 수 없습니다: "
                              + str(error.get("message", ""))[:300])


class RemoteRef(checks.Ref):
    """A reference to a student object in the sandbox; same behaviour as ``checks.Ref``."""

    __slots__ = ("_wire", "_generation")

    def __init__(self, wire: WireRef, student: "RemoteStudent"):
        super().__init__(None, wire.name, student)
        object.__setattr__(self, "_wire", wire)
        object.__setattr__(self, "_generation", student._session.generation)

    def _target(self) -> dict:
        if self._generation != self._student._session.generation:
            raise checks.StudentError(self._name, ["RuntimeError"],
                                      "학생 코드를 다시 시작해서 이 객체를 더 이상 쓸 수 없습니다")
        return {"$ref": self._wire.id}

    def __getattr__(self, attr: str):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return self._student._ask({"op": "getattr", "target": self._target(), "name": attr},
                                  f"{self._name}.{attr}")

    def __call__(self, *args, **kwargs):
        payload = {"op": "call", "target": self._target(),
                   "args": [self._student._arg(a) for a in args],
                   "kwargs": {"$dict": [[str(k), self._student._arg(v)] for k, v in kwargs.items()]}}
        return self._student._ask(payload, f"{self._name}(...)")

    def __getitem__(self, key):
        return self._student._ask({"op": "getitem", "target": self._target(), "key": self._student._arg(key)},
                                  f"{self._name}[{key!r}]")

    def __len__(self) -> int:
        value = self._student._ask({"op": "len", "target": self._target()}, f"len({self._name})")
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise checks.StudentError(f"len({self._name})", ["TypeError"], "길이가 정수가 아닙니다")
        if value > MAX_LEN:
            raise checks.StudentError(f"len({self._name})", ["OverflowError"], f"길이가 {MAX_LEN}보다 큽니다")
        return value

    def __iter__(self):
        """The items, fetched in one request and at most :data:`MAX_ITER_ITEMS` of them (an
        iterable that never ends costs one request and fails, instead of a million requests)."""
        items = self._student._ask({"op": "iter", "target": self._target(), "max_items": MAX_ITER_ITEMS},
                                   f"iter({self._name})")
        if not isinstance(items, list):
            raise checks.StudentError(f"iter({self._name})", ["ContractError"], "항목을 읽을 수 없습니다")
        return iter(items)

    def __repr__(self) -> str:
        return f"<학생의 {self._name}: {self._wire.type}>"

    @property
    def kind(self) -> str:
        return self._wire.type


class RemoteStudent:
    """``student`` for the trusted grader: :class:`seqlab.checks.LocalStudent`'s semantics,
    with the namespace in the sandbox."""

    def __init__(self, session: Session, call_limit: float):
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "_limit", call_limit)
        object.__setattr__(self, "_calls", 0)  # requests left to the current question
        object.__setattr__(self, "_deadline", None)

    def _budget(self, calls: int, deadline: float) -> None:
        """Give the current question ``calls`` requests until ``deadline`` (time.monotonic)."""
        object.__setattr__(self, "_calls", calls)
        object.__setattr__(self, "_deadline", deadline)
        self._session.deadline = deadline

    def _spend(self) -> float:
        """Count one request; the seconds it may take. Raises :class:`OverBudget`."""
        if self._calls <= 0:
            raise OverBudget("too many requests")
        object.__setattr__(self, "_calls", self._calls - 1)
        left = (self._deadline - time.monotonic()) if self._deadline is not None else self._limit
        if left <= 0:
            raise OverBudget("out of time")
        return max(0.5, min(self._limit, left))

    def _arg(self, value):
        if isinstance(value, RemoteRef):
            return value._target()
        if isinstance(value, checks.ScriptedStep):  # data that behaves like a function
            return {"$step": encode_value(value.to_data())}
        if isinstance(value, checks.Ref) or not checks.is_data(value):
            raise TypeError(f"a test may pass data or student references to the student's code, "
                            f"not {type(value).__name__}")
        return encode_value(checks.to_data(value))

    def _ask(self, frame: dict, what: str):
        limit = self._spend()
        cut = limit < self._limit  # the question's budget, not the call limit, sets this call's time
        frame = dict(frame, limit=limit, what=what)
        restarted = self._session.restart_seconds
        try:
            reply = self._session.request(frame, limit + 5)
        except SandboxLost as exc:
            if cut:
                raise OverBudget("out of time") from None
            raise checks.StudentError(what, ["TimeoutError"],
                                      f"학생 코드가 {limit:g}초 안에 답하지 않았거나 멈췄습니다 ({exc})") from None
        if self._deadline is not None and self._session.restart_seconds > restarted:  # not the question's time
            object.__setattr__(self, "_deadline", self._deadline + self._session.restart_seconds - restarted)
        error = reply.get("error")
        if cut and isinstance(error, dict) and error.get("kind") == "student_error" \
                and "TimeoutError" in (error.get("types") or []):
            raise OverBudget("out of time")
        if "error" in reply:
            _raise_remote(reply["error"] if isinstance(reply["error"], dict) else {}, what)
        try:
            return decode_value(reply["ok"], lambda wire: RemoteRef(wire, self))
        except (ContractError, TypeError, ValueError, RuntimeError, OverflowError, MemoryError) as exc:
            raise checks.StudentError(what, ["ContractError"], f"돌려준 값을 읽을 수 없습니다: {exc}") from None

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return self._ask({"op": "get", "name": name}, name)

    def __setattr__(self, name, value):
        raise TypeError("tests cannot change the student's namespace")

    def defined(self, name: str) -> bool:
        return self._ask({"op": "defined", "name": name}, name) is True

    @contextlib.contextmanager
    def forbid(self, *dotted_names: str):
        try:
            reply = self._session.request({"op": "forbid", "names": list(dotted_names)}, self._spend() + 5)
        except SandboxLost as exc:
            raise checks.StudentError("forbid", ["TimeoutError"], f"학생 코드가 멈췄습니다 ({exc})") from None
        if "error" in reply:
            raise ValueError(str(reply["error"].get("message", "forbid failed")) if isinstance(reply["error"], dict)
                             else "forbid failed")
        try:
            yield
        finally:
            with contextlib.suppress(SandboxLost):
                self._session.request({"op": "allow"}, self._limit + 5)  # may raise Tampered


# ------------------------------------------------------------------------------------ tests

@dataclass
class Case:
    source: str
    hidden: bool
    points: float


@dataclass
class Question:
    name: str
    cases: list[Case]
    all_or_nothing: bool = False

    @property
    def possible(self) -> float:
        return float(sum(c.points for c in self.cases))


def questions_from_tests(test_sources: dict[str, str]) -> dict[str, Question]:
    """``{question: Question}`` from otter test files (``{file name: source}``), with otter's own
    rules for the points of each case."""
    from otter.test_files.abstract_test import TestCase, TestFile

    out = {}
    for fname, source in sorted(test_sources.items()):
        test = checks.read_test_source(source, fname)
        suite_cases = [case for suite in test["suites"] for case in suite["cases"]]
        tcs = [TestCase(name=f"{test['name']} - {i + 1}", body=c["code"], hidden=c.get("hidden", True),
                        points=c.get("points"), success_message=None, failure_message=None)
               for i, c in enumerate(suite_cases)]
        tcs = TestFile.resolve_test_file_points(test.get("points"), tcs)
        out[test["name"]] = Question(test["name"], [Case(checks.case_source(tc.body), bool(tc.hidden),
                                                         float(tc.points)) for tc in tcs],
                                     bool(test.get("all_or_nothing", False)))
    return out


@dataclass
class JudgeReport:
    scores: dict[str, float] = field(default_factory=dict)
    public: dict[str, str] = field(default_factory=dict)  # what the student may read
    cells: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # for the instructor only
    statuses: dict[str, str] = field(default_factory=dict)  # question -> "timeout" / "tampered"
    # every case's outcome, hidden ones included: for the instructor's analytics and for counts
    # ("숨은 테스트 k개 중 j개 통과") in the feedback; never shown to a student as text
    cases: dict[str, list[dict]] = field(default_factory=dict)


def exercise_imports(notebook: Path | None) -> dict:
    """The names the exercise's own notebook imports (top-level ``import``/``from`` statements of
    the instructor's copy, e.g. ``import torch.nn.functional as F``): a test run inside the notebook
    (``otter run``) sees them, so the grader's tests see them too. Nothing else of the notebook
    runs, and nothing of the submission."""
    import ast

    import nbformat

    ns: dict = {}
    if notebook is None or not Path(notebook).is_file():
        return ns
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse("\n".join(line for line in cell.source.splitlines()
                                       if not line.lstrip().startswith(("%", "!"))))
        except SyntaxError:
            continue
        imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))
                   and not (isinstance(node, ast.ImportFrom) and node.level)]
        if imports:
            exec(compile(ast.Module(body=imports, type_ignores=[]), str(notebook), "exec"), ns)  # noqa: S102
    ns.pop("__builtins__", None)
    return ns


def judge(cells: list[str], questions: dict[str, Question], log_path: Path, limits: Limits, *,
          sandboxed: bool, extra: dict | None = None) -> JudgeReport:
    """Run the submission's cells in a runner, then every case here; score with otter's rules.

    ``extra``: names the tests see besides ``student`` and ``expect`` (:func:`exercise_imports`).
    Never raises for anything the submission does: a question over its budget is ``timeout``, a
    question that finds the machinery changed is ``tampered`` (see the module doc).
    """
    session = Session(cells, log_path, limits, sandboxed)
    report = JudgeReport()
    results: dict[tuple[str, int], checks.CaseResult] = {}

    def mark(q: str, status: str, why: str) -> None:
        if q not in report.statuses:
            report.statuses[q] = status
            report.notes.append(f"{q}: {status} ({why})")

    try:
        try:
            report.cells = session.start()
        except Tampered as exc:
            report.cells = {"errors": [], "stopped_at": None, "timed_out": False, "n_cells": len(cells)}
            for q in questions:
                mark(q, "tampered", str(exc))
        if report.cells.get("tampered"):
            report.notes.append(f"after the cells: the grading machinery in the sandbox was changed "
                                f"({report.cells['tampered']})")
        student = RemoteStudent(session, limits.call)
        used = {q: [0.0, 0] for q in questions}  # seconds, requests
        tests_deadline = time.monotonic() + limits.tests_total
        order = [(q, i) for hidden in (False, True) for q in sorted(questions)
                 for i, c in enumerate(questions[q].cases) if c.hidden == hidden]
        for q, i in order:
            case = questions[q].cases[i]
            if q in report.statuses:
                results[(q, i)] = checks.CaseResult(False, True, "확인하지 않았습니다(시간 또는 요청 한도)")
                continue
            now, restarted = time.monotonic(), session.restart_seconds
            if now >= tests_deadline:
                mark(q, "timeout", f"the submission's {limits.tests_total:g} s for tests were used up")
                results[(q, i)] = checks.CaseResult(False, True, "시간 제한에 걸려 확인하지 못했습니다")
                continue
            calls = limits.question_calls - used[q][1]
            student._budget(calls, min(tests_deadline, now + limits.question - used[q][0]))
            session.where = f"{q} case {i + 1}"
            try:
                results[(q, i)] = checks.run_case(case.source, student, f"<{q} 테스트 {i + 1}>", extra)
            except OverBudget as exc:
                results[(q, i)] = checks.CaseResult(False, True, "시간 또는 요청 한도에 걸렸습니다")
                mark(q, "timeout", f"{exc}: budget {limits.question:g} s and {limits.question_calls} requests "
                                   f"per question, {limits.tests_total:g} s per submission")
            except Tampered as exc:
                results[(q, i)] = checks.CaseResult(False, True, "채점 도구가 바뀐 것이 발견되었습니다")
                mark(q, "tampered", f"case {i + 1}: {exc}")
            except BaseException as exc:  # noqa: BLE001 - never let one case stop the class
                if isinstance(exc, (KeyboardInterrupt, SystemExit)) and not isinstance(exc, checks.StudentError):
                    raise
                results[(q, i)] = checks.CaseResult(False, True, f"확인하는 중 오류: {type(exc).__name__}")
            finally:
                used[q][0] += time.monotonic() - now - (session.restart_seconds - restarted)
                used[q][1] = limits.question_calls - student._calls
        for q, question in sorted(questions.items()):
            passed = [results[(q, i)].passed for i in range(len(question.cases))]
            if report.statuses.get(q) == "tampered":
                score = 0.0
            elif question.all_or_nothing:
                score = question.possible if all(passed) else 0.0
            else:
                score = sum(c.points for c, ok in zip(question.cases, passed) if ok)
            report.scores[q] = round(float(score), 6)
            public = checks.QuestionResult(q, question.possible,
                                           [results[(q, i)] for i, c in enumerate(question.cases) if not c.hidden])
            report.public[q] = public.report() if public.cases else f"{q}: 공개 테스트가 없습니다"
            report.cases[q] = [{"hidden": c.hidden, "points": c.points, "passed": results[(q, i)].passed,
                                "answered": results[(q, i)].answered, "message": results[(q, i)].message}
                               for i, c in enumerate(question.cases)]
        report.notes += session.notes
    finally:
        session.close()
    return report
