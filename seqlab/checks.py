"""The checks of the graded exercises: what a test sees of the student, and how it says why.

Every test of an exercise (public or hidden) is ordinary Python written against two objects:

- ``student``: the student's notebook seen through a proxy. ``student.pad_batch(...)`` calls the
  student's function, ``student.toy_waste`` reads a variable. What comes back is a *data copy*
  (``None``/``bool``/``int``/``float``/``str``, lists/tuples/dicts of those, tensors detached and
  cloned, NumPy arrays, ``torch.Size``/``dtype``, ``PackedSequence``); anything else (a function,
  an ``nn.Module``) comes back as a :class:`Ref` whose attributes, calls and items are forwarded
  the same way. A name never defined, a value ``...`` or a function whose body is still ``...``
  raises :class:`NotAnswered`. ``with student.forbid("seqlab.pad_sequences"):`` makes that
  function raise inside the student's code for the duration of the block.
- ``expect``: checks that fail with a Korean message saying what was expected and what was got
  (``expect.equal``, ``expect.close``, ``expect.shape``, ``expect.dtype``, ``expect.type``,
  ``expect.true``, ``expect.raises``).

Because tests only ever receive data copies, the same test runs in three places with the same
meaning: in the student's notebook (``grader.check("q1")``, this module's :class:`Checker`, with
:class:`LocalStudent` over the notebook's namespace), in ``otter run``/Gradescope (the master's
first cell binds ``student = local_student(globals())``), and in ``seqlab-grade``, whose trusted
side talks to the student's code in a sandbox and never lets a test run beside it.

The tests travel in otter's OK format (one file per question, cases in doctest form);
:func:`read_test_file` is the one reader of that format for the library and the tools.
"""
from __future__ import annotations

import ast
import builtins
import contextlib
import importlib
import math
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch.nn.utils.rnn import PackedSequence

__all__ = ["NotAnswered", "CheckFailed", "StudentError", "ForbiddenCall", "Ref", "LocalStudent",
           "ScriptedStep",
           "local_student", "expect", "to_data", "is_data", "read_test_file", "read_test_source",
           "case_source", "run_case", "CaseResult", "QuestionResult", "Checker"]

NOT_ANSWERED = "아직 답을 쓰지 않았습니다"
_MAX_SHOW = 160  # characters of a value shown in a message


# ----------------------------------------------------------------------------- exceptions

class NotAnswered(Exception):
    """The question has not been answered yet (a missing name, ``...``, or an empty body)."""

    def __init__(self, what: str = ""):
        self.what = what
        super().__init__(f"{NOT_ANSWERED}: {what}" if what else NOT_ANSWERED)


class CheckFailed(AssertionError):
    """A check failed; the message (Korean) says what was expected and what was got."""


class StudentError(Exception):
    """The student's code raised an exception while a test called it.

    ``type_names`` holds the class names of the original exception's MRO, so that
    :meth:`_Expect.raises` works the same when only names cross a process boundary.
    """

    def __init__(self, call: str, type_names: list[str], message: str):
        self.call, self.type_names, self.message = call, list(type_names), message
        super().__init__(f"{call} 을(를) 실행하다 학생 코드에서 오류가 났습니다: "
                         f"{type_names[0] if type_names else 'Exception'}: {message}")


class ForbiddenCall(BaseException):
    """Raised inside student code that calls a function the question forbids.

    A ``BaseException``, so that ``except Exception`` in student code does not hide it.
    """


# ------------------------------------------------------------------------------ data copies

_SCALARS = (type(None), bool, int, float, complex, str, bytes, torch.dtype, torch.device)


def is_data(value: Any, _depth: int = 0) -> bool:
    """True if ``value`` is plain data that a test may receive as a copy."""
    if _depth > 20:
        return False
    if isinstance(value, _SCALARS) or value is Ellipsis:
        return True
    if isinstance(value, (torch.Tensor, np.ndarray, np.generic, torch.Size, PackedSequence)):
        return True
    if isinstance(value, (list, tuple)):
        return all(is_data(v, _depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, (str, int)) and is_data(v, _depth + 1) for k, v in value.items())
    return False


def to_data(value: Any) -> Any:
    """A copy of plain data that shares nothing with the student's objects."""
    if isinstance(value, torch.Tensor):
        return value.detach().to("cpu").clone()
    if isinstance(value, PackedSequence):
        return PackedSequence(*(None if v is None else to_data(v) for v in value))
    if isinstance(value, np.ndarray):
        return np.array(value, copy=True)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, torch.Size):
        return tuple(int(v) for v in value)
    if isinstance(value, list):
        return [to_data(v) for v in value]
    if isinstance(value, tuple):
        return tuple(to_data(v) for v in value)
    if isinstance(value, dict):
        return {k: to_data(v) for k, v in value.items()}
    return value


def _empty_body():  # a function whose body is only ``...`` compiles to exactly this
    ...


def _is_unanswered_function(obj: Any) -> bool:
    code = getattr(obj, "__code__", None)
    return isinstance(obj, types.FunctionType) and code is not None and \
        code.co_code == _empty_body.__code__.co_code and code.co_consts[:1] in ((None,), (Ellipsis,))


def _short(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        text = f"tensor({value.tolist()}, dtype={value.dtype})" if value.numel() <= 64 else \
            f"tensor(모양 {tuple(value.shape)}, dtype={value.dtype})"
    elif isinstance(value, np.ndarray):
        text = f"array({value.tolist()})" if value.size <= 64 else f"array(모양 {value.shape})"
    else:
        text = repr(value)
    return text if len(text) <= _MAX_SHOW else text[: _MAX_SHOW - 1] + "…"


# --------------------------------------------------------------------------- the local proxy

class Ref:
    """A reference to a student object that is not plain data (a function, a module, ...).

    Attribute access, calls and item access are forwarded to the object; what comes back is
    again a data copy or a :class:`Ref`. Arguments may be data (copied before the call, so the
    student cannot change the test's values) or other :class:`Ref` objects.
    """

    __slots__ = ("_obj", "_name", "_student")

    def __init__(self, obj: Any, name: str, student: "LocalStudent"):
        object.__setattr__(self, "_obj", obj)
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_student", student)

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        try:
            value = getattr(self._obj, attr)
        except Exception as exc:  # noqa: BLE001 - report whatever the student's object raised
            raise StudentError(f"{self._name}.{attr}", _type_names(exc), str(exc)) from None
        return self._student._wrap(value, f"{self._name}.{attr}")

    def __setattr__(self, attr: str, value: Any) -> None:
        raise TypeError("tests cannot change the student's objects")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        call = f"{self._name}(...)"
        if _is_unanswered_function(self._obj) or (
                isinstance(self._obj, torch.nn.Module) and _is_unanswered_function(type(self._obj).forward)):
            raise NotAnswered(f"`{self._name}`의 본문이 아직 `...`입니다")
        args = tuple(_unwrap(a) for a in args)
        kwargs = {k: _unwrap(v) for k, v in kwargs.items()}
        try:
            result = self._obj(*args, **kwargs)
        except NotImplementedError:
            raise NotAnswered(f"`{self._name}`") from None
        except ForbiddenCall as exc:
            raise CheckFailed(f"{call}: {exc}") from None
        except Exception as exc:  # noqa: BLE001
            raise StudentError(call, _type_names(exc), str(exc)) from None
        if result is Ellipsis:
            raise NotAnswered(f"`{self._name}`이(가) `...`을 돌려줬습니다")
        return self._student._wrap(result, call)

    def __getitem__(self, key: Any) -> Any:
        try:
            value = self._obj[_unwrap(key)]
        except Exception as exc:  # noqa: BLE001
            raise StudentError(f"{self._name}[{key!r}]", _type_names(exc), str(exc)) from None
        return self._student._wrap(value, f"{self._name}[{key!r}]")

    def __len__(self) -> int:
        try:
            return int(len(self._obj))
        except Exception as exc:  # noqa: BLE001
            raise StudentError(f"len({self._name})", _type_names(exc), str(exc)) from None

    def __repr__(self) -> str:
        return f"<학생의 {self._name}: {type(self._obj).__name__}>"

    @property
    def kind(self) -> str:
        """The class name of the referenced object (e.g. ``'Embedding'``, ``'function'``)."""
        return type(self._obj).__name__


class ScriptedStep:
    """A decoding step function defined by data, for tests that pass a step to student code.

    ``ScriptedStep(next_ids, vocab_size)`` called as ``step(token, state)`` returns
    ``(logits, new_state)``: ``logits`` is a ``(vocab_size,)`` tensor that is 1.0 at every id in
    ``next_ids[token]`` (several ids make a tie) and 0.0 elsewhere, and ``new_state`` counts the
    calls so far (``None`` counts as 0). Because it is plain data, it can cross into the
    sandbox where the grader runs student code; a test's own function cannot.
    """

    def __init__(self, next_ids: dict, vocab_size: int):
        if isinstance(vocab_size, bool) or not isinstance(vocab_size, int) or vocab_size < 1:
            raise ValueError(f"ScriptedStep: vocab_size must be a positive int, got {vocab_size!r}")
        table = {}
        for tok, nxt in dict(next_ids).items():
            ids = [nxt] if isinstance(nxt, int) else list(nxt)
            if not ids or not all(isinstance(i, int) and 0 <= i < vocab_size for i in ids + [tok]):
                raise ValueError(f"ScriptedStep: next_ids[{tok!r}] = {nxt!r} must be ids in [0, {vocab_size})")
            table[int(tok)] = ids
        self.next_ids, self.vocab_size = table, vocab_size

    def __call__(self, token, state):
        token = int(token)
        if token not in self.next_ids:
            raise KeyError(f"ScriptedStep: no next token for {token}")
        logits = torch.zeros(self.vocab_size)  # (V,)
        logits[self.next_ids[token]] = 1.0
        return logits, (0 if state is None else int(state)) + 1

    def to_data(self) -> dict:
        return {"next_ids": {str(k): v for k, v in self.next_ids.items()}, "vocab_size": self.vocab_size}

    @classmethod
    def from_data(cls, data: dict) -> "ScriptedStep":
        return cls({int(k): v for k, v in data["next_ids"].items()}, int(data["vocab_size"]))


def _type_names(exc: BaseException) -> list[str]:
    return [c.__name__ for c in type(exc).__mro__ if c not in (object, BaseException)]


def _unwrap(value: Any) -> Any:
    if isinstance(value, Ref):
        return value._obj
    if isinstance(value, ScriptedStep):
        return ScriptedStep.from_data(value.to_data())
    if is_data(value):
        return to_data(value)
    raise TypeError(f"a test may pass data or student references to the student's code, "
                    f"not {type(value).__name__}")


def _resolve(dotted: str) -> tuple[Any, str, Any]:
    """``(owner, attribute, object)`` for a dotted name such as ``torch.nn.utils.rnn.pad_sequence``."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            owner = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:-1]:
                owner = getattr(owner, attr)
            return owner, parts[-1], getattr(owner, parts[-1])
        except AttributeError:
            break
    raise ValueError(f"forbid: cannot find {dotted!r}; give a dotted name like 'seqlab.pad_sequences'")


class LocalStudent:
    """The student's notebook namespace seen through the data-copy proxy (see the module doc)."""

    def __init__(self, namespace: dict):
        if not isinstance(namespace, dict):
            raise TypeError(f"LocalStudent expects the notebook's globals() dict, got {type(namespace).__name__}")
        object.__setattr__(self, "_ns", namespace)

    def _wrap(self, value: Any, name: str) -> Any:
        if value is Ellipsis:
            raise NotAnswered(f"`{name}`이(가) 아직 `...`입니다")
        if is_data(value):
            return to_data(value)
        return Ref(value, name, self)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if name not in self._ns:
            raise NotAnswered(f"`{name}`이(가) 정의되지 않았습니다. 문제의 셀을 실행했는지 확인하세요")
        return self._wrap(self._ns[name], name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise TypeError("tests cannot change the student's namespace")

    def defined(self, name: str) -> bool:
        """True if the student's namespace has ``name`` bound to something other than ``...``."""
        return name in self._ns and self._ns[name] is not Ellipsis

    @contextlib.contextmanager
    def forbid(self, *dotted_names: str) -> Iterator[None]:
        """Make the named functions raise :class:`ForbiddenCall` inside student code.

        A Python function is disabled in place (its code object is swapped), so every name
        bound to it, in any module or in the student's namespace, is disabled too; a built-in
        is replaced in its module and wherever the student's namespace or ``torch`` binds it.
        """
        undo: list[Callable[[], None]] = []
        try:
            for dotted in dotted_names:
                owner, attr, obj = _resolve(dotted)
                message = f"이 문제에서는 `{dotted}`을(를) 쓰지 않고 직접 구현해야 합니다"

                def raiser(*args, _m=message, _e=ForbiddenCall, **kwargs):  # no globals: its code
                    raise _e(_m)                                                # may run in another module

                target = getattr(obj, "__func__", obj)
                if isinstance(target, types.FunctionType) and not target.__code__.co_freevars:
                    old_code = target.__code__
                    target.__code__ = raiser.__code__
                    old_defaults, old_kw = target.__defaults__, target.__kwdefaults__
                    target.__defaults__, target.__kwdefaults__ = None, {"_m": message, "_e": ForbiddenCall}
                    undo.append(lambda t=target, c=old_code, d=old_defaults, k=old_kw: (
                        setattr(t, "__code__", c), setattr(t, "__defaults__", d),
                        setattr(t, "__kwdefaults__", k)))
                    continue
                places = [(owner, attr)] + [(None, k) for k, v in self._ns.items() if v is obj]
                for mod in (torch, torch.nn.functional):
                    places += [(mod, k) for k, v in vars(mod).items() if v is obj]
                for place, key in places:
                    if place is None:
                        self._ns[key] = raiser
                        undo.append(lambda k=key, o=obj: self._ns.__setitem__(k, o))
                    else:
                        setattr(place, key, raiser)
                        undo.append(lambda p=place, k=key, o=obj: setattr(p, k, o))
            yield
        finally:
            for fn in reversed(undo):
                fn()


def local_student(namespace: dict) -> LocalStudent:
    """``student = local_student(globals())``: the proxy a master notebook's tests use."""
    return LocalStudent(namespace)


# ----------------------------------------------------------------------------------- expect

def _as_list(value: Any) -> Any:
    if isinstance(value, (torch.Tensor, np.ndarray)):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_as_list(v) for v in value]
    return value


def _first_difference(got: Any, want: Any, path: str = "") -> str | None:
    """Where two nested lists first differ (``None`` if they are equal)."""
    if isinstance(want, list) and isinstance(got, list):
        if len(got) != len(want):
            return f"{path or '전체'}의 길이가 다릅니다(기대 {len(want)}, 실제 {len(got)})"
        for i, (g, w) in enumerate(zip(got, want)):
            diff = _first_difference(g, w, f"{path}[{i}]")
            if diff:
                return diff
        return None
    if isinstance(want, float) and isinstance(got, float) and math.isnan(want) and math.isnan(got):
        return None
    if type(got) is bool and type(want) is not bool and isinstance(want, int) or got != want:
        return f"위치 {path or '(값)'}에서 기대 {want!r}, 실제 {got!r}"
    return None


def _none_hint(what: str) -> str:
    return (f"{what}: 값이 None입니다. 함수가 아무것도 돌려주지 않았습니다 "
            f"(return을 빠뜨렸거나 {NOT_ANSWERED}).")


_KOREAN_TYPE = {"int": "정수(int)", "float": "실수(float)", "bool": "bool", "str": "문자열(str)",
                "list": "리스트(list)", "tuple": "튜플(tuple)", "dict": "딕셔너리(dict)",
                "Tensor": "torch.Tensor", "ndarray": "numpy 배열", "NoneType": "None"}


def _type_name(t: Any) -> str:
    name = t.__name__ if isinstance(t, type) else type(t).__name__
    return _KOREAN_TYPE.get(name, name)


class _Expect:
    """Checks that raise :class:`CheckFailed` with a Korean message (expected vs got)."""

    def equal(self, got: Any, want: Any, what: str) -> None:
        """``got`` equals ``want`` exactly; tensors/arrays are compared as nested lists."""
        if got is None and want is not None:
            raise CheckFailed(_none_hint(what))
        if isinstance(want, (torch.Tensor, np.ndarray)) or isinstance(got, (torch.Tensor, np.ndarray)):
            gshape = tuple(getattr(got, "shape", ()))
            wshape = tuple(getattr(want, "shape", np.shape(want)))
            if isinstance(got, (torch.Tensor, np.ndarray)) and gshape != wshape:
                raise CheckFailed(f"{what}: 모양(shape)이 다릅니다. 기대 {wshape}, 실제 {gshape}")
        g, w = _as_list(got), _as_list(want)
        diff = _first_difference(g, w)
        if diff:
            raise CheckFailed(f"{what}: 값이 다릅니다. {diff}.\n    기대: {_short(want)}\n    실제: {_short(got)}")

    def close(self, got: Any, want: Any, what: str, *, atol: float = 1e-6, rtol: float = 1e-5) -> None:
        """``got`` is within ``atol + rtol * |want|`` of ``want`` everywhere (same shape)."""
        if got is None:
            raise CheckFailed(_none_hint(what))
        try:
            g = torch.as_tensor(np.asarray(_as_list(got), dtype=np.float64))
        except (TypeError, ValueError):
            raise CheckFailed(f"{what}: 수(또는 수의 텐서)가 와야 하는데 {_type_name(got)}이(가) 왔습니다: "
                              f"{_short(got)}") from None
        w = torch.as_tensor(np.asarray(_as_list(want), dtype=np.float64))
        if g.shape != w.shape:
            raise CheckFailed(f"{what}: 모양(shape)이 다릅니다. 기대 {tuple(w.shape)}, 실제 {tuple(g.shape)}")
        bad = ~((g - w).abs() <= atol + rtol * w.abs()) | (g.isnan() != w.isnan())
        bad &= ~(g.isnan() & w.isnan())
        if bad.any():
            idx = tuple(int(i) for i in bad.nonzero()[0]) if g.dim() else ()
            gv, wv = (g[idx].item(), w[idx].item())
            where = f"위치 {list(idx)}에서 " if idx else ""
            raise CheckFailed(f"{what}: 값이 허용 오차(atol={atol:g}, rtol={rtol:g}) 밖입니다. "
                              f"{where}기대 {wv:.6g}, 실제 {gv:.6g} "
                              f"(최대 차이 {float((g - w).abs().nan_to_num(math.inf).max()):.3g}).\n"
                              f"    기대: {_short(want)}\n    실제: {_short(got)}")

    def shape(self, got: Any, shape: tuple, what: str) -> None:
        """``got`` is a tensor or array of exactly this shape."""
        if got is None:
            raise CheckFailed(_none_hint(what))
        if not isinstance(got, (torch.Tensor, np.ndarray)):
            raise CheckFailed(f"{what}: 텐서가 와야 하는데 {_type_name(got)}이(가) 왔습니다: {_short(got)}")
        if tuple(got.shape) != tuple(shape):
            raise CheckFailed(f"{what}: 모양(shape)이 다릅니다. 기대 {tuple(shape)}, 실제 {tuple(got.shape)}")

    def dtype(self, got: Any, dtype: Any, what: str) -> None:
        """``got`` is a tensor (or array) of this dtype."""
        if got is None:
            raise CheckFailed(_none_hint(what))
        actual = getattr(got, "dtype", None)
        if actual is None:
            raise CheckFailed(f"{what}: 텐서가 와야 하는데 {_type_name(got)}이(가) 왔습니다: {_short(got)}")
        if actual != dtype:
            raise CheckFailed(f"{what}: dtype이 다릅니다. 기대 {dtype}, 실제 {actual}")

    def type(self, got: Any, types_: type | tuple, what: str) -> None:
        """``isinstance(got, types_)``; a bool never passes for an int or a float."""
        wanted = types_ if isinstance(types_, tuple) else (types_,)
        ok = isinstance(got, wanted) and not (isinstance(got, bool) and bool not in wanted)
        if not ok:
            if got is None:
                raise CheckFailed(_none_hint(what))
            names = " 또는 ".join(_type_name(t) for t in wanted)
            raise CheckFailed(f"{what}: {names}이(가) 와야 하는데 {_type_name(got)}이(가) 왔습니다: {_short(got)}")

    def true(self, condition: Any, message: str) -> None:
        """A condition the test computed itself; ``message`` says what went wrong (Korean)."""
        if not isinstance(condition, (bool, np.bool_)) and not (
                isinstance(condition, torch.Tensor) and condition.numel() == 1):
            raise TypeError(f"expect.true needs a bool, got {type(condition).__name__}")
        if not bool(condition):
            raise CheckFailed(message)

    def raises(self, exc_type: type[BaseException], fn: Callable, *args: Any, what: str,
               match: str | None = None, **kwargs: Any) -> None:
        """Calling ``fn(*args, **kwargs)`` (a student function) raises ``exc_type``."""
        try:
            fn(*args, **kwargs)
        except StudentError as err:
            if exc_type.__name__ not in err.type_names:
                raise CheckFailed(f"{what}: {exc_type.__name__}이(가) 나야 하는데 "
                                  f"{err.type_names[0]}이(가) 났습니다: {err.message}") from None
            if match is not None and match not in err.message:
                raise CheckFailed(f"{what}: 오류 메시지에 {match!r}이(가) 들어 있어야 합니다. "
                                  f"실제 메시지: {err.message!r}") from None
            return
        raise CheckFailed(f"{what}: {exc_type.__name__}이(가) 나야 하는데 오류 없이 끝났습니다")


expect = _Expect()


# --------------------------------------------------------------------- otter's test format

def read_test_source(source: str, origin: str = "<test>") -> dict:
    """The ``test`` dict of an otter OK-format test file, read without running it."""
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "test" for t in node.targets):
            test = ast.literal_eval(node.value)
            if not isinstance(test, dict) or "suites" not in test:
                break
            return test
    raise ValueError(f"{origin}: no `test = {{...}}` with suites found; is this an otter test file?")


def read_test_file(path) -> dict:
    """:func:`read_test_source` on a file."""
    from pathlib import Path

    return read_test_source(Path(path).read_text(encoding="utf-8"), str(path))


def case_source(code: str) -> str:
    """The Python source of a doctest-form case (prompts dropped, expected output ignored)."""
    lines = []
    for line in code.splitlines():
        if line.startswith(">>> ") or line == ">>>":
            lines.append(line[4:])
        elif line.startswith("... ") or line == "...":
            lines.append(line[4:])
    return "\n".join(lines)


def check_namespace(student: Any) -> dict:
    """What a test's code sees: ``student``, ``expect``, and the usual imports."""
    return {"__builtins__": builtins, "__name__": "seqlab_check", "student": student,
            "expect": expect, "ScriptedStep": ScriptedStep, "torch": torch, "nn": torch.nn,
            "F": torch.nn.functional, "np": np, "math": math}


@dataclass
class CaseResult:
    passed: bool
    answered: bool
    message: str = ""


def run_case(source: str, student: Any, origin: str = "<test>", extra: dict | None = None) -> CaseResult:
    """Run one test's Python source against ``student``; never raises for a failing test.

    ``extra`` adds names to what the test sees (``seqlab-grade`` passes the imports of the
    exercise's own set-up cell, which a test run inside the notebook also sees).
    """
    ns = check_namespace(student)
    ns.update({k: v for k, v in (extra or {}).items() if k not in ("student", "expect")})
    try:
        exec(compile(source, origin, "exec"), ns)  # noqa: S102 - the course's own test code
    except NotAnswered as exc:
        return CaseResult(False, False, str(exc))
    except CheckFailed as exc:
        return CaseResult(False, True, str(exc))
    except StudentError as exc:
        return CaseResult(False, True, str(exc))
    except Exception as exc:  # noqa: BLE001 - e.g. unpacking a wrong kind of result
        return CaseResult(False, True, f"확인하는 중 오류: {type(exc).__name__}: {exc}")
    return CaseResult(True, True)


@dataclass
class QuestionResult:
    name: str
    points: float
    cases: list[CaseResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.cases) and all(c.passed for c in self.cases)

    @property
    def answered(self) -> bool:
        return all(c.answered for c in self.cases)

    def report(self) -> str:
        n = len(self.cases)
        if not self.answered:
            first = next(c for c in self.cases if not c.answered)
            return f"{self.name}: {first.message}"
        if self.passed:
            return (f"{self.name}: 공개 테스트 {n}개를 모두 통과했습니다. "
                    "(채점할 때는 숨은 테스트도 돌아갑니다.)")
        ok = sum(c.passed for c in self.cases)
        lines = [f"{self.name}: 공개 테스트 {n}개 중 {ok}개 통과"]
        for k, c in enumerate(self.cases, 1):
            if not c.passed:
                lines.append(f"  ✗ 테스트 {k}: {c.message}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.report()


class Checker:
    """``grader`` in a student notebook: ``grader.check("q1")`` and ``grader.check_all()``.

    Runs the public tests (packed into the notebook's set-up cell, so no file is needed beside
    the notebook) against the notebook's namespace and reports in Korean.
    """

    def __init__(self, name: str, packed_tests: str, namespace: dict):
        from .colab import unpack_tests

        if not isinstance(namespace, dict):
            raise TypeError("Checker(name, PUBLIC_TESTS, globals()): the third argument must be globals()")
        self.name = name
        self._student = LocalStudent(namespace)
        self._tests = {}
        for fname, source in sorted(unpack_tests(packed_tests).items()):
            test = read_test_source(source, fname)
            self._tests[test["name"]] = test

    @property
    def questions(self) -> list[str]:
        return sorted(self._tests)

    def check(self, question: str) -> QuestionResult:
        """Run the public tests of one question and report (Korean)."""
        if question not in self._tests:
            raise KeyError(f"{self.name}에는 {question!r} 문제가 없습니다. 있는 문제: {', '.join(self.questions)}")
        test = self._tests[question]
        result = QuestionResult(question, float(test.get("points") or 0))
        k = 0
        for suite in test["suites"]:
            for case in suite["cases"]:
                k += 1
                result.cases.append(run_case(case_source(case["code"]), self._student,
                                             f"<{question} 테스트 {k}>"))
        return result

    def check_all(self) -> "Summary":
        """Run every question's public tests; one line per question."""
        return Summary([self.check(q) for q in self.questions])


@dataclass
class Summary:
    results: list[QuestionResult]

    def __repr__(self) -> str:
        lines = []
        for r in self.results:
            mark = "✓" if r.passed else ("…" if not r.answered else "✗")
            state = "통과" if r.passed else (NOT_ANSWERED if not r.answered else "실패")
            lines.append(f"{mark} {r.name} ({r.points:g}점): {state}")
        done = sum(r.passed for r in self.results)
        lines.append(f"공개 테스트를 모두 통과한 문제: {done}/{len(self.results)}")
        return "\n".join(lines)
