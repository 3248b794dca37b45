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
from types import MappingProxyType
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch.nn.utils.rnn import PackedSequence

from .validation import describe, expected_message

__all__ = ["NotAnswered", "CheckFailed", "StudentError", "ForbiddenCall", "Ref", "LocalStudent",
           "ScriptedStep",
           "local_student", "expect", "to_data", "is_data", "read_test_file", "read_test_source",
           "case_source", "run_case", "CaseResult", "QuestionResult", "Checker", "guard_intact",
           "forbidden_names", "OPERATIONS", "TOOL_GROUPS", "QUESTION_FORBIDS"]

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
            return _run_student(self._student, lambda: self._student._wrap(
                getattr(self._obj, attr), f"{self._name}.{attr}"))
        except (NotAnswered, CheckFailed):
            raise
        except ForbiddenCall as exc:
            raise CheckFailed(f"{self._name}.{attr}: {exc}") from None
        except Exception as exc:  # noqa: BLE001 - report whatever the student's object raised
            raise StudentError(f"{self._name}.{attr}", _type_names(exc), str(exc)) from None

    def __setattr__(self, attr: str, value: Any) -> None:
        raise TypeError(f"테스트는 학생의 객체를 바꿀 수 없습니다: {self._name}.{attr}에 값을 넣으려고 했습니다")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        call = f"{self._name}(...)"
        if _is_unanswered_function(self._obj) or (
                isinstance(self._obj, torch.nn.Module) and _is_unanswered_function(type(self._obj).forward)):
            raise NotAnswered(f"`{self._name}`의 본문이 아직 `...`입니다")
        args = tuple(_unwrap(a) for a in args)
        kwargs = {k: _unwrap(v) for k, v in kwargs.items()}
        obj, student = self._obj, self._student

        def answer():
            result = obj(*args, **kwargs)
            if result is Ellipsis:
                raise NotAnswered(f"`{self._name}`이(가) `...`을 돌려줬습니다")
            return student._wrap(result, call)

        try:
            return _run_student(student, answer)
        except NotImplementedError:
            raise NotAnswered(f"`{self._name}`") from None
        except (NotAnswered, CheckFailed):
            raise
        except ForbiddenCall as exc:
            raise CheckFailed(f"{call}: {exc}") from None
        except Exception as exc:  # noqa: BLE001
            raise StudentError(call, _type_names(exc), str(exc)) from None

    def __getitem__(self, key: Any) -> Any:
        key_ = _unwrap(key)
        try:
            return _run_student(self._student, lambda: self._student._wrap(
                self._obj[key_], f"{self._name}[{key!r}]"))
        except (NotAnswered, CheckFailed):
            raise
        except ForbiddenCall as exc:
            raise CheckFailed(f"{self._name}[{key!r}]: {exc}") from None
        except Exception as exc:  # noqa: BLE001
            raise StudentError(f"{self._name}[{key!r}]", _type_names(exc), str(exc)) from None

    def __len__(self) -> int:
        try:
            return int(_run_student(self._student, lambda: len(self._obj)))
        except ForbiddenCall as exc:
            raise CheckFailed(f"len({self._name}): {exc}") from None
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
    ``next_ids[token]`` (several ids make a tie) and 0.0 elsewhere, and ``new_state`` is
    ``state + 1`` (``None`` counts as 0), so the state counts the calls. With
    ``by_state={s: {token: ids}}`` the next ids depend on the state as well: when the state
    passed in is ``s`` and ``by_state[s]`` has ``token``, those ids win. A test can so tell
    whether student code threads the state from step to step and starts from the caller's
    state. Because it is plain data, it can cross into the sandbox where the grader runs
    student code; a test's own function cannot.
    """

    def __init__(self, next_ids: dict, vocab_size: int, *, by_state: dict | None = None):
        if isinstance(vocab_size, bool) or not isinstance(vocab_size, int) or vocab_size < 1:
            raise ValueError(expected_message("ScriptedStep", "vocab_size", "1 이상의 정수(int)", describe(vocab_size)))

        def table_of(mapping, where):
            table = {}
            for tok, nxt in dict(mapping).items():
                ids = [nxt] if isinstance(nxt, int) else list(nxt)
                if not ids or not all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < vocab_size
                                      for i in ids + [tok]):
                    raise ValueError(f"ScriptedStep: {where}[{tok!r}] = {nxt!r}: 키인 토큰과 다음 토큰은 모두 "
                                     f"[0, {vocab_size}) 범위의 정수 id여야 하고, 다음 토큰이 하나 이상 있어야 합니다")
                table[int(tok)] = ids
            return table

        self.next_ids, self.vocab_size = table_of(next_ids, "next_ids"), vocab_size
        self.by_state = {}
        for st, mapping in dict(by_state or {}).items():
            if isinstance(st, bool) or not isinstance(st, int):
                raise ValueError(expected_message("ScriptedStep", "by_state의 키", "정수(int) 상태", repr(st)))
            self.by_state[st] = table_of(mapping, f"by_state[{st}]")

    def __call__(self, token, state):
        token = int(token)
        now = 0 if state is None else int(state)
        ids = self.by_state.get(now, {}).get(token, self.next_ids.get(token))
        if ids is None:
            raise KeyError(f"ScriptedStep: 토큰 {token}의 다음 토큰이 정해져 있지 않습니다(상태 {now})")
        logits = torch.zeros(self.vocab_size)  # (V,)
        logits[ids] = 1.0
        return logits, now + 1

    def to_data(self) -> dict:
        return {"next_ids": {str(k): v for k, v in self.next_ids.items()}, "vocab_size": self.vocab_size,
                "by_state": {str(s): {str(k): v for k, v in t.items()} for s, t in self.by_state.items()}}

    @classmethod
    def from_data(cls, data: dict) -> "ScriptedStep":
        by_state = {int(s): {int(k): v for k, v in t.items()} for s, t in dict(data.get("by_state") or {}).items()}
        return cls({int(k): v for k, v in data["next_ids"].items()}, int(data["vocab_size"]), by_state=by_state)


def _type_names(exc: BaseException) -> list[str]:
    return [c.__name__ for c in type(exc).__mro__ if c not in (object, BaseException)]


def _unwrap(value: Any) -> Any:
    if isinstance(value, Ref):
        return value._obj
    if isinstance(value, ScriptedStep):
        return ScriptedStep.from_data(value.to_data())
    if is_data(value):
        return to_data(value)
    raise TypeError("테스트가 학생 코드에 넘길 수 있는 것은 데이터(수, 문자열, 리스트, 텐서 등)나 학생 객체의 "
                    f"참조(Ref)뿐입니다. 받은 값: {type(value).__name__} 객체")


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
    raise ValueError(f"forbid: {dotted!r}에 해당하는 것을 찾을 수 없습니다. 'seqlab.pad_sequences'처럼 점으로 "
                     "이은 이름을 주어야 합니다")


# ------------------------------------------------------------------ forbidding operations
#
# "Without X" means: the operation X never runs while the student's code answers a test,
# however it is reached. While a forbid is active, every call into student code (a call, an
# attribute or item read through :class:`Ref`) runs under a watch that records
#   - the ATen operators executed (PyTorch's profiler sees ``aten::lstm_cell`` whether it came
#     from ``nn.LSTMCell``, ``torch._VF``, ``torch._C._nn`` or ``torch.ops.aten``), and
#   - the Python code run (``sys.setprofile``: a function's code matched by file and qualified
#     name, or by qualified name and bytecode, so aliases, ``functools.partial``, a copied
#     function object and a module file loaded again under another name are all caught).
# A case that ran a forbidden operation fails with :class:`ForbiddenCall` (shown as a failed
# check naming the operation). Tampering with this machinery cannot be prevented in-process;
# :func:`guard_intact` detects it.

# The declarative table: a public dotted name -> the ATen operators that *are* that operation.
# Names not listed here get the generic rule (see :func:`_compile_name`).
_RNN_OPS = {
    "torch.nn.RNN": ("aten::rnn_tanh", "aten::rnn_relu", "aten::_cudnn_rnn", "aten::miopen_rnn",
                     "aten::mkldnn_rnn_layer", "aten::quantized_rnn_tanh", "aten::quantized_rnn_relu"),
    "torch.nn.LSTM": ("aten::lstm", "aten::_cudnn_rnn", "aten::miopen_rnn", "aten::mkldnn_rnn_layer",
                      "aten::quantized_lstm"),
    "torch.nn.GRU": ("aten::gru", "aten::_cudnn_rnn", "aten::miopen_rnn", "aten::mkldnn_rnn_layer",
                     "aten::quantized_gru"),
    "torch.nn.RNNCell": ("aten::rnn_tanh_cell", "aten::rnn_relu_cell", "aten::quantized_rnn_tanh_cell",
                         "aten::quantized_rnn_relu_cell"),
    "torch.nn.LSTMCell": ("aten::lstm_cell", "aten::_thnn_fused_lstm_cell", "aten::quantized_lstm_cell"),
    "torch.nn.GRUCell": ("aten::gru_cell", "aten::_thnn_fused_gru_cell", "aten::quantized_gru_cell"),
}
_SDPA_OPS = ("aten::scaled_dot_product_attention", "aten::_scaled_dot_product_attention_math",
             "aten::_scaled_dot_product_flash_attention", "aten::_scaled_dot_product_efficient_attention",
             "aten::_scaled_dot_product_cudnn_attention", "aten::_scaled_dot_product_flash_attention_for_cpu",
             "aten::_scaled_dot_product_fused_attention_overrideable")
_NLL_OPS = ("aten::nll_loss", "aten::nll_loss_nd", "aten::nll_loss_forward", "aten::nll_loss2d",
            "aten::nll_loss2d_forward")
OPERATIONS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "torch.nn.utils.rnn.pad_sequence": ("aten::pad_sequence",),
    "torch.nn.utils.rnn.pack_padded_sequence": ("aten::_pack_padded_sequence",),
    "torch.nn.utils.rnn.pack_sequence": ("aten::_pack_padded_sequence", "aten::pad_sequence"),
    "torch.nn.utils.rnn.pad_packed_sequence": ("aten::_pad_packed_sequence",),
    "torch.nested": ("aten::_nested_*", "aten::to_padded_tensor", "aten::nested_to_padded_tensor"),
    **_RNN_OPS,
    "torch.nn.RNNBase": tuple(sorted({op for name in ("torch.nn.RNN", "torch.nn.LSTM", "torch.nn.GRU")
                                      for op in _RNN_OPS[name]})),
    "torch.nn.functional.scaled_dot_product_attention": _SDPA_OPS,
    "torch.nn.MultiheadAttention": ("aten::_native_multi_head_attention",) + _SDPA_OPS,
    "torch.nn.functional.multi_head_attention_forward": ("aten::_native_multi_head_attention",) + _SDPA_OPS,
    "torch.nn.functional.cross_entropy": ("aten::cross_entropy_loss",) + _NLL_OPS,
    "torch.nn.CrossEntropyLoss": ("aten::cross_entropy_loss",) + _NLL_OPS,
    "torch.nn.functional.nll_loss": _NLL_OPS,
    "torch.nn.NLLLoss": _NLL_OPS,
    "torch.nn.functional.embedding": ("aten::embedding", "aten::embedding_renorm_"),
    "torch.nn.Embedding": ("aten::embedding", "aten::embedding_renorm_"),
})

# Groups of equivalent tools, named once: ``student.forbid("@recurrent")`` forbids every name in
# the group. The exercises' questions use these so that "without X" also rules out X's twins.
TOOL_GROUPS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "padding": ("seqlab.data.pad_sequences", "torch.nn.utils.rnn.pad_sequence",
                "torch.nn.utils.rnn.pack_sequence", "torch.nn.utils.rnn.pad_packed_sequence", "torch.nested"),
    "packing": ("torch.nn.utils.rnn.pack_padded_sequence", "torch.nn.utils.rnn.pack_sequence",
                "seqlab.data.packed_batch_sizes"),
    "recurrent": ("torch.nn.RNN", "torch.nn.LSTM", "torch.nn.GRU", "torch.nn.RNNCell", "torch.nn.LSTMCell",
                  "torch.nn.GRUCell", "seqlab.models.ScratchRNNCell", "seqlab.models.ScratchLSTMCell",
                  "seqlab.models.ScratchGRUCell", "seqlab.models.unroll"),
})

# What each graded question forbids, in one place; the question's text names the same tools
# (tests/test_exercises.py checks it). Tests say ``with student.forbid("01-padding:q1"):``.
QUESTION_FORBIDS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "01-padding:q1": ("@padding",),
    "01-padding:q2": ("torch.nn.Embedding", "torch.nn.functional.embedding"),
    "02-packing:q1": ("@packing",),
    "02-packing:q2": ("@packing",),
    "02-packing:q3": ("seqlab.models.last_real_state",),
    "02-packing:q4": ("torch.nn.utils.rnn.pad_packed_sequence", "torch.nn.utils.rnn.unpack_sequence"),
    "02-packing:q5": ("@packing",),
    "03-rnn:q1": ("@recurrent",),
    "03-rnn:q2": ("@recurrent",),
    "03-rnn:q5": ("@recurrent",),
    "03-rnn:q6": ("@recurrent",),
    "04-lstm-gru:q1": ("@recurrent",),
    "04-lstm-gru:q2": ("@recurrent",),
    "04-lstm-gru:q3": ("torch.nn.RNNBase.__init__", "torch.nn.RNNCellBase.__init__",
                       "seqlab.models.ScratchRNNCell.__init__", "seqlab.models.ScratchLSTMCell.__init__",
                       "seqlab.models.ScratchGRUCell.__init__", "seqlab.models.make_rnn"),
})


def forbidden_names(*names: str) -> list[str]:
    """The dotted names behind ``names`` (group ``@x`` and question ``ex:q`` keys expanded)."""
    out: list[str] = []
    for name in names:
        if not isinstance(name, str) or not name:
            raise TypeError(expected_message("forbid", "names의 항목", "비어 있지 않은 문자열(str)", describe(name)))
        if ":" in name and not name.startswith("aten::"):
            if name not in QUESTION_FORBIDS:
                raise ValueError(f"forbid: seqlab.checks.QUESTION_FORBIDS에 {name!r} 문제가 없습니다")
            out += forbidden_names(*QUESTION_FORBIDS[name])
        elif name.startswith("@"):
            if name[1:] not in TOOL_GROUPS:
                raise ValueError(f"forbid: 없는 도구 묶음(tool group)입니다: {name!r}. 있는 묶음: "
                                 f"{', '.join('@' + g for g in TOOL_GROUPS)}")
            out += forbidden_names(*TOOL_GROUPS[name[1:]])
        elif name not in out:
            out.append(name)
    return out


@dataclass
class _Rule:
    """What one forbidden name means: code to match and ATen operators that must not run."""
    name: str
    codes: list = field(default_factory=list)  # (qualname, filename, co_code)
    files: list = field(default_factory=list)  # filename prefixes (a whole module or package)
    builtins: list = field(default_factory=list)  # built-in functions called from Python
    ops: list = field(default_factory=list)  # 'aten::x' or 'aten::_x*'


def _snake(name: str) -> str:
    out = ""
    for i, ch in enumerate(name):
        if ch.isupper() and i and (not name[i - 1].isupper() or (i + 1 < len(name) and name[i + 1].islower())):
            out += "_"
        out += ch.lower()
    return out


def _aten_exists(name: str) -> bool:
    try:
        return bool(name) and hasattr(torch.ops.aten, name)
    except Exception:  # noqa: BLE001
        return False


_QUALNAME = "co_qualname" if hasattr((lambda: None).__code__, "co_qualname") else "co_name"  # 3.11+ / 3.10


def _code_key(code: types.CodeType) -> tuple:
    return (getattr(code, _QUALNAME), code.co_filename, code.co_code)


def _codes_of(obj: Any, depth: int = 0) -> list[types.CodeType]:
    """The code objects a Python callable runs (functions, methods, partials, wrappers)."""
    if depth > 4:
        return []
    if isinstance(obj, (staticmethod, classmethod)):
        obj = obj.__func__
    if isinstance(obj, types.MethodType):
        obj = obj.__func__
    if isinstance(obj, __import__("functools").partial):
        return _codes_of(obj.func, depth + 1)
    codes = []
    if isinstance(obj, types.FunctionType):
        codes.append(obj.__code__)
        wrapped = getattr(obj, "__wrapped__", None)
        if wrapped is not None:
            codes += _codes_of(wrapped, depth + 1)
    elif isinstance(obj, property):
        for f in (obj.fget, obj.fset):
            if f is not None:
                codes += _codes_of(f, depth + 1)
    else:  # a C-level wrapper around Python code (numpy's array-function dispatchers)
        inner = getattr(obj, "_implementation", None) or getattr(obj, "__wrapped__", None)
        if isinstance(inner, types.FunctionType):
            codes += _codes_of(inner, depth + 1)
    return codes


def _compile_name(dotted: str) -> _Rule:
    """The generic rule for one dotted name (plus the table's operators).

    - ``aten::op`` itself; a ``torch.ops.aten.op`` packet -> that operator;
    - a module (or ``module.*``) -> every code object from its file (or package folder);
    - a Python function (or method, partial) -> its code;
    - a class -> its ``forward`` (an ``nn.Module``) or every method it defines, and for torch
      classes the ATen operator of the same name (``GRU`` -> ``aten::gru``) when one exists;
    - a built-in (``torch.tanh``, ``math.factorial``) -> the built-in and ``aten::<name>``.
    """
    rule = _Rule(dotted, ops=list(OPERATIONS.get(dotted, ())))
    if dotted.startswith("aten::"):
        rule.ops.append(dotted)
        return rule
    wildcard = dotted.endswith(".*")
    target = dotted[:-2] if wildcard else dotted
    try:
        obj = importlib.import_module(target)
    except ImportError:
        obj = _resolve(target)[2]
    from_torch = target.startswith("torch")
    if isinstance(obj, types.ModuleType):
        path = getattr(obj, "__file__", None)
        if not path:
            raise ValueError(f"forbid: 모듈 {target!r}에는 지켜볼 파이썬 파일(__file__)이 없습니다")
        import os

        path = os.path.realpath(path)
        rule.files.append(os.path.dirname(path) + os.sep if os.path.basename(path) == "__init__.py" else path)
        for value in list(vars(obj).values()):
            if getattr(value, "__module__", None) == obj.__name__:
                for code in _codes_of(value) + [c for v in (vars(value).values() if isinstance(value, type) else ())
                                                for c in _codes_of(v)]:
                    rule.codes.append(_code_key(code))
        return rule
    if isinstance(obj, torch._ops.OpOverloadPacket):
        rule.ops.append(f"aten::{obj.__name__}")
        return rule
    if isinstance(obj, torch._ops.OpOverload):
        rule.ops.append(f"aten::{obj._schema.name.split('::')[-1]}")
        return rule
    if isinstance(obj, type):
        if issubclass(obj, torch.nn.Module) and "forward" in vars(obj):
            members = [vars(obj)["forward"]]
        elif issubclass(obj, torch.nn.Module):
            members = [getattr(obj, "forward")]
        else:
            members = list(vars(obj).values())
        for m in members:
            rule.codes += [_code_key(c) for c in _codes_of(m)]
        if from_torch:
            for guess in (_snake(obj.__name__), obj.__name__.lower()):
                if _aten_exists(guess):
                    rule.ops.append(f"aten::{guess}")
        return rule
    codes = _codes_of(obj)
    if codes:
        rule.codes += [_code_key(c) for c in codes]
        name = getattr(getattr(obj, "func", obj), "__name__", "")
        if from_torch:
            for guess in (name, "_" + name):
                if _aten_exists(guess):
                    rule.ops.append(f"aten::{guess}")
        return rule
    if callable(obj):
        rule.builtins.append(obj)
        name = getattr(obj, "__name__", "")
        if from_torch or getattr(obj, "__module__", "") in ("torch", "torch._C._nn", "torch._C._VariableFunctions"):
            for guess in (name, "_" + name):
                if _aten_exists(guess):
                    rule.ops.append(f"aten::{guess}")
        if rule.ops or rule.builtins:
            return rule
    raise ValueError(f"forbid: {dotted!r}: 금지할 수 있는 함수, 클래스, 모듈, 연산자가 아닙니다")


def _builtin_key(fn: Any) -> tuple[str, str] | None:
    """``(module, name)`` of a C function, however it is bound: ``unicodedata.normalize`` and
    ``unicodedata.ucd_3_2_0.normalize`` (a method of another object) give the same key."""
    name = getattr(fn, "__name__", None)
    if not isinstance(name, str):
        return None
    owner = getattr(fn, "__self__", None)
    if isinstance(owner, types.ModuleType):
        module = owner.__name__
    elif owner is not None and not isinstance(owner, type):
        module = type(owner).__module__
    else:
        module = getattr(fn, "__module__", None)
    return (module, name) if isinstance(module, str) and module != "builtins" else None


def _make_watch():
    """The watch machinery, built once; its state lives in this closure (see :func:`guard_intact`)."""
    import os
    import sys
    import threading

    from torch._C._profiler import _ExperimentalConfig
    from torch.autograd import (
        ProfilerActivity,
        ProfilerConfig,
        ProfilerState,
        _disable_profiler,
        _enable_profiler,
        _prepare_profiler,
        _profiler_enabled,
    )

    setprofile, getprofile = sys.setprofile, sys.getprofile
    t_setprofile = threading.setprofile
    realpath = os.path.realpath
    activities = {ProfilerActivity.CPU}
    tamper_log: list[str] = []
    running = [False]  # our profiler session is on (an interrupted watch may leave it on)
    suspicious = {id(f): n for f, n in [
        (sys.setprofile, "sys.setprofile"), (sys.settrace, "sys.settrace"),
        (threading.setprofile, "threading.setprofile"), (threading.settrace, "threading.settrace"),
        (_disable_profiler, "torch.autograd._disable_profiler"), (_enable_profiler, "torch.autograd._enable_profiler"),
        (_prepare_profiler, "torch.autograd._prepare_profiler")]}
    # what the machinery relies on, as found now (before any student code runs)
    sealed = [(sys, "setprofile", setprofile, None), (sys, "getprofile", getprofile, None),
              (torch.autograd, "_enable_profiler", _enable_profiler, None),
              (torch.autograd, "_disable_profiler", _disable_profiler, None),
              (torch.autograd, "_prepare_profiler", _prepare_profiler, None),
              (torch.autograd, "_profiler_enabled", _profiler_enabled, None)]

    def config():
        return ProfilerConfig(ProfilerState.KINETO, False, False, False, False, False, _ExperimentalConfig())

    dup, dup2, close, devnull, O_WRONLY = os.dup, os.dup2, os.close, os.devnull, os.O_WRONLY

    def quietly(fn, *args):
        """``fn(*args)`` with file descriptor 2 sent to /dev/null: the profiler's C++ side logs a
        line per start and stop, which Jupyter would show under the student's check."""
        try:
            saved = dup(2)
        except OSError:
            return fn(*args)
        try:
            null = os.open(devnull, O_WRONLY)
            dup2(null, 2)
            close(null)
            return fn(*args)
        finally:
            dup2(saved, 2)
            close(saved)

    def watched(rules: list, fn: Callable[[], Any]) -> Any:
        """Run ``fn()`` (student code); raise ForbiddenCall if it ran a forbidden operation."""
        by_qualname: dict[str, list] = {}
        files: list[tuple[str, str]] = []
        built: dict[int, str] = {}
        built_names: dict[str, dict[str, str]] = {}
        exact_ops: dict[str, str] = {}
        prefix_ops: list[tuple[str, str]] = []
        for rule in rules:
            for q, f, c in rule.codes:
                by_qualname.setdefault(q, []).append((f, c, rule.name))
            files += [(p, rule.name) for p in rule.files]
            built.update({id(b): rule.name for b in rule.builtins})
            for b in rule.builtins:  # the same C function reached through another object
                key = _builtin_key(b)
                if key is not None:
                    built_names.setdefault(key[1], {})[key[0]] = rule.name
            for op in rule.ops:
                if op.endswith("*"):
                    prefix_ops.append((op[:-1], rule.name))
                else:
                    exact_ops[op] = rule.name
        hits: list[tuple[str, str]] = []
        own_code = watched.__code__
        qual_attr = _QUALNAME
        file_cache: dict[str, str | None] = {}

        def hook(frame, event, arg):
            if event == "call":
                code = frame.f_code
                qualname = getattr(code, qual_attr)
                cands = by_qualname.get(qualname)
                if cands:
                    for f, c, name in cands:
                        if code.co_filename == f or code.co_code == c:
                            hits.append((name, qualname))
                            break
                if files:
                    fname = code.co_filename
                    where = file_cache.get(fname, 0)
                    if where == 0:
                        real = realpath(fname) if fname and not fname.startswith("<") else fname
                        where = next((n for p, n in files if real == p or real.startswith(p)), None)
                        file_cache[fname] = where
                    if where is not None:
                        hits.append((where, getattr(code, qual_attr)))
            elif event == "c_call":
                name = built.get(id(arg))
                if name is None and built_names:
                    owners = built_names.get(getattr(arg, "__name__", None))
                    if owners:
                        key = _builtin_key(arg)
                        name = owners.get(key[0]) if key is not None else None
                if name is not None:
                    hits.append((name, getattr(arg, "__name__", name)))
                what = suspicious.get(id(arg))
                if what is not None and frame.f_code is not own_code:
                    tamper_log.append(f"student code called {what} while a forbid was active")
                    hits.append(("(검사 장치)", what))

        use_profiler = bool(exact_ops or prefix_ops)
        if use_profiler and _profiler_enabled() and running[0]:  # ours, left on by an interrupted watch
            running[0] = False
            with contextlib.suppress(Exception):
                quietly(_disable_profiler)
        if use_profiler and _profiler_enabled():
            tamper_log.append("a profiler was already running when a forbid watch started")
            raise ForbiddenCall("검사 장치가 이미 다른 프로파일러에 쓰이고 있어 이 답을 확인할 수 없습니다")
        previous = getprofile()
        if previous is not None and not isinstance(previous, types.FunctionType):
            previous = None  # a C-level profiler (cProfile) cannot be handed back through sys.setprofile
        if use_profiler:
            quietly(_prepare_profiler, config(), activities)
            quietly(_enable_profiler, config(), activities)
            running[0] = True
        t_setprofile(hook)
        setprofile(hook)
        error = None
        try:
            result = fn()
        except BaseException as exc:  # noqa: BLE001 - decided below, after the watch ends
            error, result = exc, None
        finally:
            still_ours = getprofile() is hook
            setprofile(previous)
            t_setprofile(None)
            events = None
            if use_profiler:
                if _profiler_enabled():
                    running[0] = False
                    events = quietly(_disable_profiler).events()
                else:
                    tamper_log.append("the profiler was stopped inside student code")
        if not still_ours:
            tamper_log.append("the profile hook was replaced inside student code")
            hits.append(("(검사 장치)", "sys.setprofile"))
        if events is not None:
            for ev in events:
                op = ev.name()
                name = exact_ops.get(op)
                if name is None and prefix_ops:
                    name = next((n for p, n in prefix_ops if op.startswith(p)), None)
                if name is not None:
                    hits.append((name, op))
                    break
        elif use_profiler:
            hits.append(("(검사 장치)", "profiler"))
        if hits:
            name, op = hits[0]
            if name == "(검사 장치)":
                raise ForbiddenCall(f"채점 검사 장치({op})를 건드리는 코드는 채점할 수 없습니다")
            shown = f" (실행된 연산: `{op}`)" if op != name.rsplit(".", 1)[-1] else ""
            raise ForbiddenCall(f"이 문제에서는 `{name}`을(를) 쓰지 않고 직접 구현해야 합니다{shown}")
        if error is not None:
            raise error
        return result

    def intact() -> str | None:
        for owner, attr, value, code in sealed:
            where = getattr(owner, "__name__", "?")
            if owner is not None:
                try:
                    now = vars(owner).get(attr) if isinstance(owner, type) else getattr(owner, attr, None)
                except Exception:  # noqa: BLE001
                    now = None
                if now is not value:
                    return f"{where}.{attr} was replaced"
            if code is not None and getattr(value, "__code__", None) is not code:
                return f"the code of {where}.{attr} was changed"
        if tamper_log:
            return tamper_log[0]
        return None

    sealed += [(None, "watched", watched, watched.__code__), (None, "intact", intact, intact.__code__),
               (None, "config", config, config.__code__), (None, "quietly", quietly, quietly.__code__)]
    return watched, intact, sealed, tamper_log



_watched, _intact, _SEALED, _TAMPER_LOG = _make_watch()


def _compile_cached(name: str) -> _Rule:
    # compiled afresh for every forbid (well under 20 ms): a cache would be one more thing to tamper with
    return _compile_name(name)


def _note_if_broken() -> None:
    reason = _intact()
    if reason and reason not in _TAMPER_LOG:
        _TAMPER_LOG.append(reason)


def guard_intact() -> str | None:
    """``None`` when the forbid machinery is as this module installed it; else a short reason (English).

    Checked: the hooks it relies on (``sys.setprofile``, the profiler entry points) are the ones
    found at import; this module's own functions and the proxy's methods still hold their
    original code; and no watched student call touched the hooks. Deliberate tampering cannot be
    prevented inside the student's process; it is detected here so the grader can report it.
    """
    return _intact()


def _run_student(student: "LocalStudent", fn: Callable[[], Any]) -> Any:
    """``fn()`` (a call into student code), watched when a forbid is active."""
    rules = student._rules()
    if not rules:
        return fn()
    return _watched(rules, fn)

class LocalStudent:
    """The student's notebook namespace seen through the data-copy proxy (see the module doc)."""

    def __init__(self, namespace: dict):
        if not isinstance(namespace, dict):
            raise TypeError(expected_message("LocalStudent", "namespace", "노트북의 globals() 딕셔너리(dict)",
                                             describe(namespace)))
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
        raise TypeError(f"테스트는 학생의 이름 공간(namespace)을 바꿀 수 없습니다: {name}에 값을 넣으려고 했습니다")

    def defined(self, name: str) -> bool:
        """True if the student's namespace has ``name`` bound to something other than ``...``."""
        return name in self._ns and self._ns[name] is not Ellipsis

    def _rules(self) -> list:
        stack = self.__dict__.get("_forbidden")
        return [r for rules in stack for r in rules] if stack else []

    @contextlib.contextmanager
    def forbid(self, *names: str) -> Iterator[None]:
        """Inside the block, a student call that runs one of these operations fails the check.

        ``names`` are dotted names (``"torch.nn.utils.rnn.pad_sequence"``, ``"seqlab.models"``,
        ``"seqlab.attention.*"``, ``"aten::lstm_cell"``), tool groups (``"@padding"``,
        ``"@recurrent"``; :data:`TOOL_GROUPS`) or a question's list (``"01-padding:q1"``;
        :data:`QUESTION_FORBIDS`). The operation is forbidden, not the name: every route to it
        (aliases, partials, copies, private entry points such as ``torch._VF``) is caught while
        the student's code runs; the test's own code inside the block is not watched.
        """
        rules = [_compile_cached(n) for n in forbidden_names(*names)]
        stack = self.__dict__.setdefault("_forbidden", [])
        stack.append(rules)
        try:
            yield
        finally:
            for k in range(len(stack) - 1, -1, -1):
                if stack[k] is rules:
                    del stack[k]
                    break
            _note_if_broken()


def local_student(namespace: dict) -> LocalStudent:
    """``student = local_student(globals())``: the proxy a master notebook's tests use."""
    return LocalStudent(namespace)


# ----------------------------------------------------------------------------------- expect

def _as_list(value: Any) -> Any:
    if isinstance(value, (torch.Tensor, np.ndarray)):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_as_list(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_list(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    return value


def _kind(value: Any) -> str:
    """A value's kind for strict equality: 'int', 'float', 'bool', 'tensor[int64]', 'array[i]', ..."""
    if isinstance(value, torch.Tensor):
        return f"torch.Tensor(dtype={value.dtype})"
    if isinstance(value, np.ndarray):
        return f"numpy 배열(dtype 종류 {'정수' if value.dtype.kind in 'iu' else value.dtype.kind})" \
            if value.dtype.kind in "iu" else f"numpy 배열(dtype={value.dtype})"
    return _type_name(value)


def _strict_difference(got: Any, want: Any, path: str = "") -> str | None:
    """Where ``got`` first differs from ``want`` in kind (type, dtype), or ``None``."""
    where = path or "(값)"
    if isinstance(want, (torch.Tensor, np.ndarray)) or isinstance(got, (torch.Tensor, np.ndarray)):
        if _kind(got) != _kind(want):
            return f"{where}의 종류가 다릅니다. 기대 {_kind(want)}, 실제 {_kind(got)}"
        return None
    if isinstance(want, (bool, int, float, complex, str, type(None))):
        if type(got) is not type(want):
            return f"{where}의 종류가 다릅니다. 기대 {_type_name(want)}, 실제 {_type_name(got)}"
        return None
    if isinstance(want, (list, tuple)):
        if type(got) is not type(want):
            return f"{where}의 종류가 다릅니다. 기대 {_type_name(want)}, 실제 {_type_name(got)}"
        for i, (g, w) in enumerate(zip(got, want)):
            diff = _strict_difference(g, w, f"{path}[{i}]")
            if diff:
                return diff
        return None
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return f"{where}의 종류가 다릅니다. 기대 {_type_name(want)}, 실제 {_type_name(got)}"
        for k in want:
            if k in got:
                diff = _strict_difference(got[k], want[k], f"{path}[{k!r}]")
                if diff:
                    return diff
    return None


def _first_difference(got: Any, want: Any, path: str = "") -> str | None:
    """Where two nested lists first differ (``None`` if they are equal)."""
    if isinstance(want, dict) or isinstance(got, dict):
        if not (isinstance(want, dict) and isinstance(got, dict)):
            return f"위치 {path or '(값)'}에서 기대 {_short(want)}, 실제 {_short(got)}"
        if set(got) != set(want):
            return (f"{path or '전체'}의 키가 다릅니다(기대 {sorted(map(str, want))}, "
                    f"실제 {sorted(map(str, got))})")
        for k in want:
            diff = _first_difference(got[k], want[k], f"{path}[{k!r}]")
            if diff:
                return diff
        return None
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

    def equal(self, got: Any, want: Any, what: str, *, strict: bool = False) -> None:
        """``got`` equals ``want`` exactly; tensors/arrays are compared as nested lists.

        ``strict=True`` also requires the same kinds: a Python ``int`` where ``want`` is an int
        (not ``3.0``, not a tensor), a tuple where it is a tuple, a tensor of the same dtype where
        ``want`` is a tensor, an integer array where it is an integer array. Dicts (such as a
        ``state_dict`` copied by :func:`to_data`) are compared key by key.
        """
        if got is None and want is not None:
            raise CheckFailed(_none_hint(what))
        if strict:
            diff = _strict_difference(got, want)
            if diff:
                raise CheckFailed(f"{what}: {diff}.\n    기대: {_short(want)}\n    실제: {_short(got)}")
        if isinstance(want, dict) or isinstance(got, dict):
            diff = _first_difference(_as_list(got), _as_list(want))
            if diff:
                raise CheckFailed(f"{what}: 값이 다릅니다. {diff}.")
            return
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
        for name, tol in (("atol", atol), ("rtol", rtol)):
            if isinstance(tol, (bool, np.bool_)) or not isinstance(tol, (int, float, np.floating, np.integer)) \
                    or not math.isfinite(tol) or tol < 0:
                raise ValueError(expected_message("expect.close", name, "0 이상의 유한한 실수(허용 오차)", describe(tol)))
        try:
            if want is None:
                raise TypeError
            w = torch.as_tensor(np.asarray(_as_list(want), dtype=np.float64))
        except (TypeError, ValueError):
            raise TypeError(expected_message("expect.close", "want", "수(또는 수의 텐서, 배열, 리스트)",
                                             describe(want))) from None
        if got is None:
            raise CheckFailed(_none_hint(what))
        try:
            g = torch.as_tensor(np.asarray(_as_list(got), dtype=np.float64))
        except (TypeError, ValueError):
            raise CheckFailed(f"{what}: 수(또는 수의 텐서)가 와야 하는데 {_type_name(got)}이(가) 왔습니다: "
                              f"{_short(got)}") from None
        if g.shape != w.shape:
            raise CheckFailed(f"{what}: 모양(shape)이 다릅니다. 기대 {tuple(w.shape)}, 실제 {tuple(g.shape)}")
        finite = g.isfinite() & w.isfinite()
        bad = ~((finite & ((g - w).abs() <= atol + rtol * w.abs())) | (g == w)) | (g.isnan() != w.isnan())
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
        if not isinstance(shape, (tuple, list, torch.Size)) or any(
                isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0 for n in shape):
            raise TypeError(expected_message("expect.shape", "shape", "0 이상의 정수들의 튜플(예: (2, 3))", describe(shape)))
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
        if not wanted or not all(isinstance(t, type) for t in wanted):
            raise TypeError(expected_message("expect.type", "types_", "타입(type)이나 타입들의 튜플(예: (int, float))",
                                             describe(types_)))
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
            raise TypeError(expected_message("expect.true", "condition", "bool(또는 원소가 하나인 텐서)",
                                             describe(condition)))
        if not bool(condition):
            raise CheckFailed(message)

    def raises(self, exc_type: type[BaseException], fn: Callable, *args: Any, what: str,
               match: str | None = None, **kwargs: Any) -> None:
        """Calling ``fn(*args, **kwargs)`` (a student function) raises ``exc_type``."""
        if not (isinstance(exc_type, type) and issubclass(exc_type, BaseException)):
            raise TypeError(expected_message("expect.raises", "exc_type", "예외 클래스(예: ValueError)", describe(exc_type)))
        if not callable(fn):
            raise TypeError(expected_message("expect.raises", "fn", "호출할 수 있는 객체(callable)", describe(fn)))
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
            if "name" not in test:
                raise ValueError(f"{origin}: 테스트 파일의 `test` 딕셔너리에 `name` 키(문제 이름, 예: \"q1\")가 "
                                 f"없습니다. test = {{\"name\": \"q1\", \"suites\": [...]}}처럼 써야 합니다")
            return test
    raise ValueError(f"{origin}: suites가 든 `test = {{...}}` 할당을 찾지 못했습니다. otter의 OK 형식 테스트 "
                     "파일에는 이 할당이 있어야 합니다")


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
            raise TypeError(expected_message("Checker", "세 번째 인자(namespace)", "노트북의 globals() 딕셔너리(dict)",
                                             describe(namespace)) + ". Checker(name, PUBLIC_TESTS, globals())처럼 "
                            "불러야 합니다")
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


def _seal() -> None:
    """Record, at import and before any student code runs, what :func:`guard_intact` checks."""
    import sys

    module = sys.modules[__name__]
    places = [(Ref, ("__call__", "__getattr__", "__getitem__", "__len__")),
              (LocalStudent, ("forbid", "_rules", "_wrap", "__getattr__")),
              (module, ("_watched", "_intact", "_run_student", "_compile_name", "_compile_cached", "_codes_of",
                        "forbidden_names", "guard_intact", "_note_if_broken", "run_case", "ForbiddenCall",
                        "CheckFailed", "local_student", "check_namespace", "OPERATIONS", "TOOL_GROUPS",
                        "QUESTION_FORBIDS", "_QUALNAME", "_make_watch", "_Rule", "to_data", "is_data")),
              (builtins, ("isinstance", "issubclass", "getattr", "hasattr", "setattr", "callable", "len", "type",
                          "next", "iter", "__import__", "exec", "compile"))]
    for owner, attrs in places:
        for attr in attrs:
            value = vars(owner)[attr] if isinstance(owner, type) and owner is not builtins else getattr(owner, attr)
            _SEALED.append((owner, attr, value, getattr(value, "__code__", None)))
            inner = getattr(value, "__wrapped__", None)
            if inner is not None and hasattr(inner, "__code__"):
                _SEALED.append((None, attr, inner, inner.__code__))


_seal()
