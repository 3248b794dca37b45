"""The untrusted side: runs one submission's code cells, then answers requests over a pipe.

This module is started by :mod:`.sandbox` *inside* the sandbox (``python -m
seqlab.tools.grading.runner``). It never sees a test: the trusted grader sends the code cells of
the submission (a copy it parsed itself) and then asks for names, attributes, calls and items.
Every answer is plain data or a reference number (:mod:`.contract`). Whatever the student's code
does here (patch torch, rewrite this module, write into the channel) can only change the values
sent back, which the student's code could have computed anyway: the checks run in the grader.

The channel is the process's original stdin/stdout, moved to private descriptors before any
student code runs; the student's prints go to stderr, which the grader reads into the log.

Every frame sent back carries the request id (``rid``) of the request it answers. Before any
student code runs, :class:`Integrity` takes a snapshot of the grading machinery in this process
(the code of every function of ``seqlab.checks``, this module and the contract, the builtins and
tracing hooks it relies on, the proxy objects); it is verified before and after every request,
and while a ``forbid`` is active also the forbidden functions' replacements and the hooks the
forbid installed (and ``seqlab.checks.guard_intact()`` where the library has it). A difference
is answered with ``{"error": {"kind": "tampered"}}``: the grader scores that question 0 and tells
the instructor. Student code runs in this process, so a determined student can still defeat an
in-process guard; what it cannot do is make a check pass in the grader without the grader seeing
a reply to the request it sent.
"""
from __future__ import annotations

import builtins
import hashlib
import os
import resource
import signal
import sys
import threading
import time
import types

from . import contract as _contract
from .contract import ContractError, encode_value, decode_value, read_frame, write_frame, Ref

__all__ = ["main", "Integrity", "MAX_ITER_ITEMS", "MAX_PROCESSES"]

MAX_ITER_ITEMS = 100_000  # items one ``iter`` request may bring back (more: an error, not a hang)
MAX_PROCESSES = 64  # processes and threads of the sandbox's user (RLIMIT_NPROC)
_WATCHED_BUILTINS = ("getattr", "setattr", "hasattr", "isinstance", "issubclass", "type", "len", "iter", "next",
                     "repr", "str", "int", "float", "bool", "list", "tuple", "dict", "object", "callable", "id",
                     "super", "range", "zip", "enumerate", "sorted", "min", "max", "sum", "abs", "any", "all",
                     "compile", "exec", "__import__", "Exception", "BaseException", "StopIteration")


def _code_digest(code) -> str:
    """A hash of a code object's bytecode, constants (nested code included) and names."""
    h = hashlib.sha256()
    stack = [code]
    while stack:
        c = stack.pop()
        h.update(c.co_code)
        h.update(repr(c.co_names).encode("utf-8", "replace"))
        for const in c.co_consts:
            if isinstance(const, types.CodeType):
                stack.append(const)
            else:
                h.update(repr(const).encode("utf-8", "replace")[:1000])
    return h.hexdigest()


def _functions_of(holder, prefix: str, module_name: str, out: dict, depth: int = 0) -> None:
    for name, obj in list(vars(holder).items()):
        fn = obj.__func__ if isinstance(obj, (staticmethod, classmethod)) else \
            obj.fget if isinstance(obj, property) else obj
        if isinstance(fn, types.FunctionType):
            out[prefix + name] = (holder, name, obj, fn, fn.__code__, _code_digest(fn.__code__),
                                  fn.__defaults__, fn.__kwdefaults__)
        elif isinstance(obj, type) and depth == 0 and getattr(obj, "__module__", None) == module_name:
            out[prefix + name] = (holder, name, obj, None, None, None, None, None)
            _functions_of(obj, prefix + name + ".", module_name, out, depth + 1)


class Integrity:
    """A snapshot of the grading machinery in this process, taken before student code runs."""

    def __init__(self, modules, runner: "Runner"):
        self.modules = {m.__name__: m for m in modules}
        self.entries: dict = {}
        for m in modules:
            _functions_of(m, m.__name__ + ".", m.__name__, self.entries)
        self.builtins = {name: getattr(builtins, name) for name in _WATCHED_BUILTINS}
        self.sys_hooks = (sys.setprofile, sys.settrace, sys.getprofile, sys.gettrace, threading.setprofile,
                          threading.settrace, signal.setitimer, signal.signal)
        self.runner = runner
        self.runner_parts = (type(runner), runner.student, type(runner.student), runner.ns, runner.objects,
                             runner.rin, runner.rout, runner.checks, runner.rin.fileno(), runner.rout.fileno())
        self.forbidden: list = []  # (dotted, owner, attr, value, code) while a forbid is active
        self.hooks: tuple | None = None  # (profile, trace) the forbid left installed
        checks = runner.checks
        self.guard = getattr(checks, "guard_intact", None)

    def after_forbid(self, names: list[str], originals: list) -> None:
        """Remember what the forbid machinery put in place (checked until ``allow``)."""
        self.forbidden = []
        for dotted, original in zip(names, originals):
            try:
                owner, attr, value = self.runner.checks._resolve(dotted)
            except Exception:  # noqa: BLE001 - forbid itself said what is wrong
                continue
            fn = getattr(value, "__func__", value)
            self.forbidden.append((dotted, owner, attr, value, getattr(fn, "__code__", None),
                                   None if value is original else original))
        self.hooks = (sys.getprofile(), sys.gettrace())

    def after_allow(self) -> None:
        self.forbidden, self.hooks = [], None

    def verify(self) -> str | None:
        """``None`` if the snapshot still holds, else what changed (for the instructor)."""
        for key, (holder, name, obj, fn, code, digest, defaults, kwdefaults) in self.entries.items():
            if vars(holder).get(name) is not obj:
                return f"{key} was replaced"
            if fn is None:
                continue
            if fn.__code__ is not code and _code_digest(fn.__code__) != digest:
                return f"the code of {key} was changed"
            if fn.__defaults__ is not defaults or fn.__kwdefaults__ is not kwdefaults:
                return f"the defaults of {key} were changed"
        for name, module in self.modules.items():
            if sys.modules.get(name) is not module:
                return f"module {name} was swapped in sys.modules"
        for name, obj in self.builtins.items():
            if getattr(builtins, name, None) is not obj:
                return f"builtins.{name} was replaced"
        now = (sys.setprofile, sys.settrace, sys.getprofile, sys.gettrace, threading.setprofile,
               threading.settrace, signal.setitimer, signal.signal)
        if any(a is not b for a, b in zip(now, self.sys_hooks)):
            return "a function of sys, threading or signal was replaced"
        r = self.runner
        parts = (type(r), r.student, type(r.student), r.ns, r.objects, r.rin, r.rout, r.checks)
        if any(a is not b for a, b in zip(parts, self.runner_parts)):
            return "the runner's objects were replaced"
        try:
            if object.__getattribute__(r.student, "_ns") is not r.ns:
                return "the proxy's namespace was replaced"
            if (r.rin.fileno(), r.rout.fileno()) != self.runner_parts[-2:]:
                return "the channel was replaced"
        except (AttributeError, ValueError, OSError):
            return "the channel or the proxy was damaged"
        for dotted, owner, attr, value, code, original in self.forbidden:
            try:
                current = getattr(owner, attr)
            except Exception:  # noqa: BLE001
                return f"the forbidden {dotted} was removed"
            if current is not value:
                return f"the forbidden {dotted} was put back"
            fn = getattr(current, "__func__", current)
            if code is not None and getattr(fn, "__code__", None) is not code:
                return f"the forbidden {dotted} got its code back"
            if original is not None and any(v is original for v in list(r.ns.values())):
                return f"the forbidden {dotted} is bound again in the notebook's namespace"
        if self.hooks is not None and (sys.getprofile(), sys.gettrace()) != self.hooks:
            return "the forbid's profile/trace hook was removed or replaced"
        if self.guard is not None:
            try:
                why = self.guard()
            except BaseException as exc:  # noqa: BLE001 - a broken guard is a finding too
                return f"seqlab.checks.guard_intact() failed: {type(exc).__name__}"
            if why is not None:
                return f"seqlab.checks.guard_intact(): {str(why)[:200]}"
        return None


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
        # before any student code: what the grading machinery looks like
        self.integrity = Integrity([checks, sys.modules[__name__], _contract], self)

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
    def run_cells(self, cells: list[str], cell_limit: float, total_limit: float, rid: str) -> dict:
        errors, stopped_at, timed_out = [], None, False
        details = []  # {"cell", "type", "line", "message"} per error: the student's feedback names them
        deadline = time.monotonic() + total_limit
        for i, source in enumerate(cells):
            write_frame(self.rout, {"event": "cell", "index": i, "rid": rid})
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
        if op == "iter":  # the items of a student's iterable, at most MAX_ITER_ITEMS of them
            limit = min(int(req.get("max_items", MAX_ITER_ITEMS)), MAX_ITER_ITEMS)
            name = object.__getattribute__(target, "_name")
            items = []
            try:
                for item in object.__getattribute__(target, "_obj"):
                    if len(items) >= limit:
                        raise OverflowError(f"{limit}개보다 많은 항목을 내놓습니다")
                    items.append(item)
            except Exception as exc:  # noqa: BLE001 - the student's iterable raised
                raise self.checks.StudentError(f"iter({name})", self.checks._type_names(exc), str(exc)) from None
            return [self.student._wrap(item, f"{name}의 항목") for item in items]
        raise ContractError(f"unknown op {op!r}")

    def serve(self) -> None:
        checks = self.checks
        # a private copy of the verifier, made before any student code runs
        verify = types.FunctionType(Integrity.verify.__code__, dict(globals()), "verify")
        integrity = self.integrity
        answer = self.answer
        while True:
            try:
                req = read_frame(self.rin)
            except EOFError:
                return
            op = req.get("op")
            rid = str(req.get("rid", ""))[:64]

            def send(reply: dict) -> None:
                reply["rid"] = rid
                write_frame(self.rout, reply)

            if op == "bye":
                return
            if op == "run_cells":
                cells = [str(c) for c in req.get("cells", [])]
                out = self.run_cells(cells, float(req.get("cell_limit", 60)), float(req.get("total_limit", 120)), rid)
                out["tampered"] = verify(integrity)
                send({"ok": encode_value(out)})
                continue
            if op == "forbid":
                why = verify(integrity)
                if why:
                    send({"error": {"kind": "tampered", "message": why}})
                    continue
                try:
                    names = [str(n) for n in req.get("names", [])]
                    originals = []
                    for n in names:
                        try:
                            originals.append(checks._resolve(n)[2])
                        except Exception:  # noqa: BLE001 - forbid says why below
                            originals.append(None)
                    cm = self.student.forbid(*names)
                    cm.__enter__()
                    self.forbids.append(cm)
                    integrity.after_forbid(names, originals)
                    send({"ok": None})
                except Exception as exc:  # noqa: BLE001
                    send({"error": {"kind": "exception", "type": type(exc).__name__, "message": str(exc)[:500]}})
                continue
            if op == "allow":
                why = verify(integrity)
                while self.forbids:
                    try:
                        self.forbids.pop().__exit__(None, None, None)
                    except Exception:  # noqa: BLE001
                        pass
                integrity.after_allow()
                send({"error": {"kind": "tampered", "message": why}} if why else {"ok": None})
                continue
            if op == "usage":  # CPU seconds of this runner, for `make bench-grading` (not trusted)
                own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
                send({"ok": own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime})
                continue
            if op == "release":
                for k in req.get("ids", []):
                    self.objects.pop(k, None)
                send({"ok": None})
                continue
            why = verify(integrity)
            if why is None:
                reply = answer(req)
                why = verify(integrity)
            if why is not None:
                reply = {"error": {"kind": "tampered", "message": why}}
            try:
                send(reply)
            except (ContractError, TypeError, ValueError) as exc:
                send({"error": {"kind": "contract", "message": str(exc)[:500]}})

    def answer(self, req: dict) -> dict:
        checks = self.checks
        limit = float(req.get("limit", 10))
        what = str(req.get("what", ""))[:200]
        signal.setitimer(signal.ITIMER_REAL, limit, 0.5)
        try:
            try:
                value = self.handle(req)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            return {"ok": encode_value(value, self.make_ref)}
        except checks.NotAnswered as exc:
            return {"error": {"kind": "not_answered", "what": str(exc.what)[:500]}}
        except checks.CheckFailed as exc:  # a forbidden function was called
            return {"error": {"kind": "check_failed", "message": _text(exc)}}
        except checks.StudentError as exc:
            return {"error": {"kind": "student_error", "call": str(exc.call)[:300],
                              "types": [str(t)[:100] for t in exc.type_names][:20],
                              "message": _text(exc.message)}}
        except GradingTimeout:
            return {"error": {"kind": "student_error", "call": what, "types": ["TimeoutError"],
                              "message": f"{limit:g}초 안에 끝나지 않았습니다"}}
        except ContractError as exc:
            return {"error": {"kind": "contract", "message": _text(exc)}}
        except BaseException as exc:  # noqa: BLE001 - e.g. KeyboardInterrupt raised by the student
            return {"error": {"kind": "student_error", "call": what,
                              "types": [c.__name__[:100] for c in type(exc).__mro__
                                        if c not in (object, BaseException)][:20],
                              "message": _text(exc)}}


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
    # processes and threads: holds whenever the sandbox's user is not root outside the sandbox
    # (as root the sandbox also gets a pids cgroup, see sandbox.py)
    soft, hard = resource.getrlimit(resource.RLIMIT_NPROC)
    cap = MAX_PROCESSES if hard == resource.RLIM_INFINITY else min(MAX_PROCESSES, hard)
    resource.setrlimit(resource.RLIMIT_NPROC, (cap, cap))
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
