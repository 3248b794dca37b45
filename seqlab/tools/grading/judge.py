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
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from seqlab import checks

from .contract import ContractError, Ref as WireRef, decode_value, encode_value
from .sandbox import Limits, RunnerDied, RunnerTimeout, Sandbox

__all__ = ["RemoteStudent", "RemoteRef", "Session", "Question", "questions_from_tests", "judge",
           "exercise_imports",
           "JudgeReport", "SandboxLost"]


class SandboxLost(RuntimeError):
    """The runner died or hung during a request; a fresh one is started for the next case."""


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

    def start(self) -> dict:
        """Start a runner and run the cells (at most ``run_upto`` of them)."""
        self.generation += 1
        while True:
            self.sandbox = Sandbox(self.log_path, self.limits, sandboxed=self.sandboxed)
            try:
                reply = self.sandbox.run_cells(self.cells[: self.run_upto])
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
            return self.report

    def request(self, frame: dict, timeout: float) -> dict:
        if self.sandbox is None:
            self.start()
        try:
            return self.sandbox.request(frame, timeout)
        except (RunnerTimeout, RunnerDied) as exc:
            self.sandbox.close()
            self.sandbox = None
            raise SandboxLost(str(exc)) from None

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
        return value

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
        frame = dict(frame, limit=self._limit, what=what)
        try:
            reply = self._session.request(frame, self._limit + 5)
        except SandboxLost as exc:
            raise checks.StudentError(what, ["TimeoutError"],
                                      f"학생 코드가 {self._limit:g}초 안에 답하지 않았거나 멈췄습니다 ({exc})") from None
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
        reply = self._session.request({"op": "forbid", "names": list(dotted_names)}, self._limit + 5)
        if "error" in reply:
            raise ValueError(str(reply["error"].get("message", "forbid failed")) if isinstance(reply["error"], dict)
                             else "forbid failed")
        try:
            yield
        finally:
            with contextlib.suppress(SandboxLost):
                self._session.request({"op": "allow"}, self._limit + 5)


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
    """
    session = Session(cells, log_path, limits, sandboxed)
    report = JudgeReport()
    try:
        report.cells = session.start()
        student = RemoteStudent(session, limits.call)
        results: dict[tuple[str, int], checks.CaseResult] = {}
        order = [(q, i) for hidden in (False, True) for q in sorted(questions)
                 for i, c in enumerate(questions[q].cases) if c.hidden == hidden]
        for q, i in order:
            case = questions[q].cases[i]
            try:
                results[(q, i)] = checks.run_case(case.source, student, f"<{q} 테스트 {i + 1}>", extra)
            except BaseException as exc:  # noqa: BLE001 - never let one case stop the class
                if isinstance(exc, (KeyboardInterrupt, SystemExit)) and not isinstance(exc, checks.StudentError):
                    raise
                results[(q, i)] = checks.CaseResult(False, True, f"확인하는 중 오류: {type(exc).__name__}")
        for q, question in sorted(questions.items()):
            passed = [results[(q, i)].passed for i in range(len(question.cases))]
            if question.all_or_nothing:
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
