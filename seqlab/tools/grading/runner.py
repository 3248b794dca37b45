"""The untrusted side: runs one submission's code cells, then answers requests over a pipe.

This module is started by :mod:`.sandbox` *inside* the sandbox (``python -m
seqlab.tools.grading.runner``). It never sees a test: the trusted grader sends the code cells of
the submission (a copy it parsed itself) and then asks for names, attributes, calls and items.
Every answer is plain data or a reference number (:mod:`.contract`). Whatever the student's code
does here (patch torch, rewrite this module, write into the channel) can only change the values
sent back, which the student's code could have computed anyway: the checks run in the grader.

The channel is the process's original stdin/stdout, moved to private descriptors before any
student code runs; the student's prints go to stderr, which the grader keeps as the log.
"""
from __future__ import annotations

import builtins
import os
import resource
import signal
import sys
import time
import types

from .contract import ContractError, encode_value, decode_value, read_frame, write_frame, Ref

__all__ = ["main"]


class GradingTimeout(BaseException):
    """Raised in student code when its time is up (not an Exception: ``except Exception`` in
    student code does not swallow it)."""


def _on_alarm(signum, frame):
    raise GradingTimeout()


class _Stop(Exception):
    pass


def _strip_magics(source: str) -> str:
    """Shell commands and IPython magics become ``pass``: the sandbox is offline and complete."""
    out = []
    for line in source.splitlines():
        s = line.lstrip()
        if s.startswith(("!", "%")):
            out.append(line[: len(line) - len(s)] + "pass  # (grading: skipped)")
        else:
            out.append(line)
    return "\n".join(out)


def _stub_otter() -> None:
    """An ``otter`` that does nothing: the notebook's own self-checks do not count in grading."""
    mod = types.ModuleType("otter")

    class Notebook:
        def __init__(self, *args, **kwargs):
            pass

        def check(self, *args, **kwargs):
            print("(채점 중에는 공개 테스트 셀을 건너뜁니다)")

        def check_all(self, *args, **kwargs):
            print("(채점 중에는 공개 테스트 셀을 건너뜁니다)")

        def export(self, *args, **kwargs):
            return None

    mod.Notebook = Notebook
    sys.modules["otter"] = mod


class Runner:
    """Holds the student's namespace; answers requests with the library's own proxy.

    Requests are served by :class:`seqlab.checks.LocalStudent` and its ``Ref``: the remote proxy
    in the grader has exactly the local proxy's semantics because it *is* the local proxy, one
    process away. Only its results cross the wall, as data copies or reference numbers.
    """

    def __init__(self, channel_in, channel_out):
        from seqlab import checks

        self.checks = checks
        self.rin, self.rout = channel_in, channel_out
        self.ns: dict = {"__name__": "__main__", "__builtins__": builtins}
        self.student = checks.LocalStudent(self.ns)
        self.objects: dict[int, object] = {}
        self.next_id = 1
        self.forbids: list = []

    # ------------------------------------------------------------------------------- values
    def make_ref(self, ref) -> dict:
        if not isinstance(ref, self.checks.Ref):
            raise ContractError(f"{type(ref).__name__} is not data")
        k = self.next_id
        self.next_id += 1
        self.objects[k] = ref
        return {"$ref": k, "type": ref.kind, "name": object.__getattribute__(ref, "_name")}

    def resolve(self, ref: Ref):
        if ref.id not in self.objects:
            raise ContractError(f"unknown reference {ref.id}")
        return self.objects[ref.id]

    # -------------------------------------------------------------------------------- cells
    def run_cells(self, cells: list[str], cell_limit: float, total_limit: float) -> dict:
        errors, stopped_at, timed_out = [], None, False
        details = []  # {"cell", "type", "line", "message"} per error: the student's feedback names them
        deadline = time.monotonic() + total_limit
        for i, source in enumerate(cells):
            write_frame(self.rout, {"event": "cell", "index": i})
            remaining = min(cell_limit, deadline - time.monotonic())
            if remaining <= 0:
                timed_out, stopped_at = True, i
                break
            filename = f"<cell {i + 1}>"
            try:
                code = compile(_strip_magics(source), filename, "exec")
            except (SyntaxError, ValueError) as exc:
                errors.append(f"SyntaxError (code cell {i + 1})")
                print(f"SyntaxError in code cell {i + 1}: {exc}", file=sys.stderr)
                continue
            signal.setitimer(signal.ITIMER_REAL, remaining, 0.5)  # keeps firing if swallowed
            try:
                exec(code, self.ns)
            except GradingTimeout:
                timed_out, stopped_at = True, i
            except BaseException as exc:  # noqa: BLE001 - a student's error, even SystemExit
                errors.append(f"{type(exc).__name__} (code cell {i + 1})")
                import traceback

                lines = [fr.lineno for fr in traceback.extract_tb(exc.__traceback__) if fr.filename == filename]
                details.append({"cell": i + 1, "type": type(exc).__name__[:100], "line": lines[0] if lines else 0,
                                "message": _text(exc)[:300]})
                traceback.print_exc(file=sys.stderr)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            if timed_out:
                break
        return {"errors": errors, "stopped_at": stopped_at, "timed_out": timed_out, "n_cells": len(cells),
                "error_details": details}

    # ------------------------------------------------------------------------------ requests
    def arg(self, obj):
        return decode_value(obj, self.resolve)

    def handle(self, req: dict):
        op = req.get("op")
        if op == "get":
            return getattr(self.student, str(req.get("name", "")))
        if op == "defined":
            return self.student.defined(str(req.get("name", "")))
        target = self.arg(req.get("target"))
        if not isinstance(target, self.checks.Ref):
            raise ContractError("target is not a reference")
        if op == "getattr":
            return getattr(target, str(req.get("name", "")))
        if op == "call":
            args = self.arg(req.get("args", []))
            kwargs = self.arg(req.get("kwargs", {"$dict": []}))
            if not isinstance(args, list) or not isinstance(kwargs, dict):
                raise ContractError("bad call arguments")
            return target(*args, **{str(k): v for k, v in kwargs.items()})
        if op == "getitem":
            return target[self.arg(req.get("key"))]
        if op == "len":
            return len(target)
        raise ContractError(f"unknown op {op!r}")

    def serve(self) -> None:
        checks = self.checks
        while True:
            try:
                req = read_frame(self.rin)
            except EOFError:
                return
            op = req.get("op")
            if op == "bye":
                return
            if op == "run_cells":
                cells = [str(c) for c in req.get("cells", [])]
                out = self.run_cells(cells, float(req.get("cell_limit", 60)), float(req.get("total_limit", 120)))
                write_frame(self.rout, {"ok": encode_value(out)})
                continue
            if op == "forbid":
                try:
                    cm = self.student.forbid(*[str(n) for n in req.get("names", [])])
                    cm.__enter__()
                    self.forbids.append(cm)
                    write_frame(self.rout, {"ok": None})
                except Exception as exc:  # noqa: BLE001
                    write_frame(self.rout, {"error": {"kind": "exception", "type": type(exc).__name__,
                                                      "message": str(exc)[:500]}})
                continue
            if op == "allow":
                while self.forbids:
                    try:
                        self.forbids.pop().__exit__(None, None, None)
                    except Exception:  # noqa: BLE001
                        pass
                write_frame(self.rout, {"ok": None})
                continue
            if op == "usage":  # CPU seconds of this runner, for `make bench-grading` (not trusted)
                own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
                write_frame(self.rout, {"ok": own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime})
                continue
            if op == "release":
                for k in req.get("ids", []):
                    self.objects.pop(k, None)
                write_frame(self.rout, {"ok": None})
                continue
            limit = float(req.get("limit", 10))
            what = str(req.get("what", ""))[:200]
            signal.setitimer(signal.ITIMER_REAL, limit, 0.5)
            try:
                try:
                    value = self.handle(req)
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                reply = {"ok": encode_value(value, self.make_ref)}
            except checks.NotAnswered as exc:
                reply = {"error": {"kind": "not_answered", "what": str(exc.what)[:500]}}
            except checks.CheckFailed as exc:  # a forbidden function was called
                reply = {"error": {"kind": "check_failed", "message": _text(exc)}}
            except checks.StudentError as exc:
                reply = {"error": {"kind": "student_error", "call": str(exc.call)[:300],
                                   "types": [str(t)[:100] for t in exc.type_names][:20],
                                   "message": _text(exc.message)}}
            except GradingTimeout:
                reply = {"error": {"kind": "student_error", "call": what, "types": ["TimeoutError"],
                                   "message": f"{limit:g}초 안에 끝나지 않았습니다"}}
            except ContractError as exc:
                reply = {"error": {"kind": "contract", "message": _text(exc)}}
            except BaseException as exc:  # noqa: BLE001 - e.g. KeyboardInterrupt raised by the student
                reply = {"error": {"kind": "student_error", "call": what,
                                   "types": [c.__name__[:100] for c in type(exc).__mro__
                                             if c not in (object, BaseException)][:20],
                                   "message": _text(exc)}}
            try:
                write_frame(self.rout, reply)
            except (ContractError, TypeError, ValueError) as exc:
                write_frame(self.rout, {"error": {"kind": "contract", "message": str(exc)[:500]}})


def _text(exc) -> str:
    try:
        text = str(exc)
    except BaseException:  # noqa: BLE001 - even __str__ may be hostile
        return ""
    return text[:2000] if isinstance(text, str) else ""


def _limits(memory_mib: int, cpu_seconds: int) -> None:
    if memory_mib > 0:
        limit = memory_mib * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if cpu_seconds > 0:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # the log (stderr) and scratch files: a write past 64 MiB fails with an error, never kills
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 2**20, 64 * 2**20))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    memory_mib, cpu_seconds = int(argv[0]), int(argv[1])
    # the channel: the original stdin/stdout, moved away; students print into the log (stderr)
    rin = os.fdopen(os.dup(0), "rb", buffering=0)
    rout = os.fdopen(os.dup(1), "wb", buffering=0)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    sys.stdout = os.fdopen(1, "w", buffering=1, encoding="utf-8", errors="replace")
    sys.stdin = open(os.devnull, encoding="utf-8")
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import torch  # noqa: F401 - before the memory limit: its import maps a lot of address space

    from seqlab import checks

    _limits(memory_mib, cpu_seconds)
    _stub_otter()
    # the notebook's own self-checks (grader.check) do not count here: skip them
    checks.Checker.check = lambda self, question: print(f"(채점 중에는 {question} 확인 셀을 건너뜁니다)")
    checks.Checker.check_all = lambda self: print("(채점 중에는 확인 셀을 건너뜁니다)")
    write_frame(rout, {"event": "ready"})
    Runner(rin, rout).serve()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
