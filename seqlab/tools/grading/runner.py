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

import ast
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


def _is_placeholder_def(node) -> bool:
    body = list(node.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
            and isinstance(body[0].value.value, str) and len(body) > 1:
        body = body[1:]  # a docstring
    return all(isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant) and b.value.value is Ellipsis
               for b in body)


class Runner:
    def __init__(self, channel_in, channel_out):
        self.rin, self.rout = channel_in, channel_out
        self.ns: dict = {"__name__": "__main__", "__builtins__": builtins}
        self.objects: dict[int, object] = {}
        self.next_id = 1
        self.placeholders: set = set()  # code objects of functions whose body is still `...`
        self.forbidden: list[tuple[object, str, object]] = []

    # ------------------------------------------------------------------------------- values
    def make_ref(self, obj) -> dict:
        for k, v in self.objects.items():
            if v is obj:
                return {"$ref": k, "type": type(obj).__name__}
        k = self.next_id
        self.next_id += 1
        self.objects[k] = obj
        return {"$ref": k, "type": type(obj).__name__}

    def resolve(self, ref: Ref):
        if ref.id not in self.objects:
            raise ContractError(f"unknown reference {ref.id}")
        return self.objects[ref.id]

    def answered(self, value, what: str):
        if value is Ellipsis:
            raise _NotAnswered(what)
        code = getattr(value, "__code__", None)
        if code is not None and code in self.placeholders:
            raise _NotAnswered(what)
        return value

    # -------------------------------------------------------------------------------- cells
    def run_cells(self, cells: list[str], cell_limit: float, total_limit: float) -> dict:
        errors, stopped_at, timed_out = [], None, False
        deadline = time.monotonic() + total_limit
        for i, source in enumerate(cells):
            write_frame(self.rout, {"event": "cell", "index": i})
            remaining = min(cell_limit, deadline - time.monotonic())
            if remaining <= 0:
                timed_out, stopped_at = True, i
                break
            filename = f"<cell {i + 1}>"
            try:
                tree = ast.parse(_strip_magics(source), filename)
            except SyntaxError as exc:
                errors.append(f"SyntaxError (code cell {i + 1})")
                print(f"SyntaxError in code cell {i + 1}: {exc}", file=sys.stderr)
                continue
            defs = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and _is_placeholder_def(n)]
            signal.setitimer(signal.ITIMER_REAL, remaining, 0.5)  # keeps firing if swallowed
            try:
                exec(compile(tree, filename, "exec"), self.ns)
            except GradingTimeout:
                timed_out, stopped_at = True, i
            except BaseException as exc:  # noqa: BLE001 - a student's error, even SystemExit
                errors.append(f"{type(exc).__name__} (code cell {i + 1})")
                import traceback

                traceback.print_exc(file=sys.stderr)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            for node in defs:
                fn = self.ns.get(node.name)
                code = getattr(fn, "__code__", None)
                if code is not None and code.co_filename == filename and code.co_firstlineno == (
                        node.decorator_list[0].lineno if node.decorator_list else node.lineno):
                    self.placeholders.add(code)
            if timed_out:
                break
        return {"errors": errors, "stopped_at": stopped_at, "timed_out": timed_out, "n_cells": len(cells)}

    # ------------------------------------------------------------------------------ requests
    def handle(self, req: dict):
        op = req.get("op")
        if op == "get":
            name = str(req.get("name", ""))
            if name not in self.ns or name.startswith("__"):
                raise _NotAnswered(name)
            return self.answered(self.ns[name], name)
        if op == "getattr":
            obj, name = self.resolve_arg(req["target"]), str(req.get("name", ""))
            return self.answered(getattr(obj, name), name)
        if op == "call":
            fn = self.resolve_arg(req["target"])
            self.answered(fn, str(req.get("what", "")))
            args = decode_value(req.get("args", []), self.resolve)
            kwargs = decode_value(req.get("kwargs", {"$dict": []}), self.resolve)
            if not isinstance(args, list) or not isinstance(kwargs, dict):
                raise ContractError("bad call arguments")
            return fn(*args, **{str(k): v for k, v in kwargs.items()})
        if op == "getitem":
            obj = self.resolve_arg(req["target"])
            return obj[decode_value(req.get("key"), self.resolve)]
        if op == "forbid":
            self.forbid([str(n) for n in req.get("names", [])])
            return None
        if op == "allow":
            self.allow()
            return None
        if op == "release":
            for k in req.get("ids", []):
                self.objects.pop(k, None)
            return None
        raise ContractError(f"unknown op {op!r}")

    def resolve_arg(self, target):
        value = decode_value(target, self.resolve)
        return value

    def forbid(self, names: list[str]) -> None:
        import importlib

        for dotted in names:
            module_name, _, attr = dotted.rpartition(".")
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            original = getattr(module, attr, None)
            if original is None:
                continue

            def blocked(*args, __name=dotted, **kwargs):
                raise RuntimeError(f"{__name}은(는) 이 문제에서 쓸 수 없습니다")

            targets = [(module, attr)]
            for key, value in list(self.ns.items()):
                if value is original:
                    targets.append((self.ns, key))
            for owner, key in targets:
                if owner is self.ns:
                    self.forbidden.append((owner, key, original))
                    owner[key] = blocked
                else:
                    self.forbidden.append((owner, key, original))
                    setattr(owner, key, blocked)

    def allow(self) -> None:
        for owner, key, original in reversed(self.forbidden):
            if isinstance(owner, dict):
                owner[key] = original
            else:
                setattr(owner, key, original)
        self.forbidden.clear()

    def serve(self) -> None:
        while True:
            try:
                req = read_frame(self.rin)
            except EOFError:
                return
            if req.get("op") == "bye":
                return
            if req.get("op") == "run_cells":
                cells = [str(c) for c in req.get("cells", [])]
                out = self.run_cells(cells, float(req.get("cell_limit", 60)), float(req.get("total_limit", 120)))
                write_frame(self.rout, {"ok": encode_value(out)})
                continue
            limit = float(req.get("limit", 10))
            signal.setitimer(signal.ITIMER_REAL, limit, 0.5)
            try:
                try:
                    value = self.handle(req)
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                reply = {"ok": encode_value(value, self.make_ref)}
            except _NotAnswered as exc:
                reply = {"error": {"kind": "not_answered", "type": "NotAnswered", "message": str(exc)}}
            except GradingTimeout:
                reply = {"error": {"kind": "timeout", "type": "TimeoutError", "message": f"{limit:g}초 안에 끝나지 않았습니다"}}
            except BaseException as exc:  # noqa: BLE001 - the student's exception, as data
                try:
                    message = str(exc)[:2000]
                except BaseException:  # noqa: BLE001 - even __str__ may be hostile
                    message = ""
                reply = {"error": {"kind": "exception", "type": type(exc).__name__[:100],
                                   "bases": [c.__name__ for c in type(exc).__mro__[1:6]],
                                   "message": message if isinstance(message, str) else ""}}
            try:
                write_frame(self.rout, reply)
            except (ContractError, TypeError, ValueError) as exc:
                write_frame(self.rout, {"error": {"kind": "not_data", "type": "ContractError",
                                                  "message": str(exc)[:500]}})


class _NotAnswered(Exception):
    pass


def _limits(memory_mib: int, cpu_seconds: int) -> None:
    if memory_mib > 0:
        limit = memory_mib * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if cpu_seconds > 0:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


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

    _limits(memory_mib, cpu_seconds)
    _stub_otter()
    write_frame(rout, {"event": "ready"})
    Runner(rin, rout).serve()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
