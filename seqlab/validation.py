"""One home for checking what students pass to seqlab's helpers (in the spirit of
``sklearn.utils.validation``).

Every public helper validates its arguments here instead of writing its own checks, so that all
of them say the same kind of thing in the same words::

    where: <argument> must be <what was expected>, got <what was given>

``where`` is the helper (``"pad_sequences"``, ``"GRUEncoder.forward"``); the expectation names
the type, the shape (in the course's notation, ``(B, L)``, ``batch_first``), the range, the dtype
or the device; the last part describes the value received (its type, and for a tensor its dtype,
shape and device). The messages are in English, like the rest of the library's; the chapters show
some of them on purpose.

Every exception raised here is a :class:`TypeError` (wrong kind of object: a float where an int
is needed, a str where a list is needed, a float tensor where ids are needed) or a
:class:`ValueError` (right kind, wrong value: a negative length, a wrong shape, NaN), so
``except (TypeError, ValueError)`` catches all of them. Two lookups keep their traditional class
as well: an id outside the vocabulary raises :class:`IdOutOfRangeError` (an ``IndexError`` *and*
a ``ValueError``), an unknown token :class:`UnknownTokenError` (a ``KeyError`` and a
``ValueError``).

The functions return the value in the form the helper works with (an ``int``, a ``float``, a CPU
``LongTensor`` of lengths, a ``list[int]`` of ids, ...).
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import torch

__all__ = [
    "IdOutOfRangeError",
    "UnknownTokenError",
    "describe",
    "check_int",
    "check_number",
    "check_positive",
    "check_fraction",
    "check_bool",
    "check_choice",
    "check_str",
    "check_digits",
    "check_tensor",
    "check_lengths",
    "check_ids",
    "check_sequences",
    "check_tokens",
    "check_module",
    "check_generator",
    "check_callable",
]


class IdOutOfRangeError(IndexError, ValueError):
    """An id or index outside its range (a ``ValueError`` that also reads as an ``IndexError``)."""


class UnknownTokenError(KeyError, ValueError):
    """A token that is not in the vocabulary (a ``ValueError`` that also reads as a ``KeyError``)."""

    def __str__(self) -> str:  # KeyError would print the message with quotes around it
        return str(self.args[0]) if self.args else ""


# ------------------------------------------------------------------------------------ describe
def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(value: Any) -> str:
    """A short description of ``value`` for the "got ..." part of a message."""
    if isinstance(value, torch.Tensor):
        return f"a {value.dtype} tensor of shape {tuple(value.shape)} on {value.device.type}"
    if isinstance(value, np.ndarray):
        return f"a NumPy {value.dtype} array of shape {value.shape}"
    if isinstance(value, bool):
        return f"bool ({value!r})"
    if isinstance(value, str):
        return f"a str ({_short(repr(value))})"
    if isinstance(value, (list, tuple)):
        kind = type(value).__name__
        if not value:
            return f"an empty {kind}"
        return f"a {kind} of {len(value)} items ({_short(repr(value))})"
    if value is None:
        return "None"
    return f"{type(value).__name__} ({_short(repr(value))})"


def _where(where: str | None) -> str:
    return f"{where}: " if where else ""


def _type_error(where, name, expected, value) -> TypeError:
    return TypeError(f"{_where(where)}{name} must be {expected}, got {describe(value)}")


def _value_error(where, name, expected, given) -> ValueError:
    return ValueError(f"{_where(where)}{name} must be {expected}, got {given}")


# ------------------------------------------------------------------------------------- scalars
def _as_int(value: Any) -> int | None:
    """``value`` as an int when it is an integer (Python, NumPy or a one-element integer tensor)."""
    if isinstance(value, bool) or isinstance(value, np.bool_):
        return None
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, torch.Tensor) and value.numel() == 1 and value.dim() <= 1 \
            and not value.is_floating_point() and not value.is_complex() and value.dtype != torch.bool:
        return int(value.item())
    return None


def _range_text(minimum, maximum) -> str:
    if minimum is not None and maximum is not None:
        return f"in [{minimum}, {maximum}]"
    if minimum is not None:
        return f">= {minimum}"
    if maximum is not None:
        return f"<= {maximum}"
    return ""


def check_int(value: Any, name: str, *, minimum: int | None = None, maximum: int | None = None,
              where: str | None = None) -> int:
    """An integer (Python, NumPy or a one-element integer tensor; never a bool or a float such as
    ``2.0``) in ``[minimum, maximum]``. Returns a Python ``int``."""
    expected = f"an int {_range_text(minimum, maximum)}".rstrip()
    out = _as_int(value)
    if out is None:
        raise _type_error(where, name, expected, value)
    if (minimum is not None and out < minimum) or (maximum is not None and out > maximum):
        raise _value_error(where, name, expected, out)
    return out


def check_number(value: Any, name: str, *, minimum: float | None = None, maximum: float | None = None,
                 min_open: bool = False, max_open: bool = False, finite: bool = True,
                 where: str | None = None) -> float:
    """A real number (int, float, NumPy scalar or one-element float tensor; not a bool) within the
    bounds (``min_open``/``max_open`` exclude them); NaN always and inf unless ``finite=False`` are
    rejected. Returns a Python ``float``."""
    lo = "" if minimum is None else (f"> {minimum}" if min_open else f">= {minimum}")
    hi = "" if maximum is None else (f"< {maximum}" if max_open else f"<= {maximum}")
    bounds = " and ".join(b for b in (lo, hi) if b)
    expected = ("a finite number" if finite else "a number") + (f" {bounds}" if bounds else "")
    if isinstance(value, (bool, np.bool_)):
        raise _type_error(where, name, expected, value)
    if isinstance(value, torch.Tensor):
        if value.numel() != 1 or value.is_complex() or value.dtype == torch.bool:
            raise _type_error(where, name, expected, value)
        out = float(value.item())
    elif isinstance(value, numbers.Real):
        out = float(value)
    else:
        raise _type_error(where, name, expected, value)
    if math.isnan(out) or (finite and math.isinf(out)):
        raise _value_error(where, name, expected, out)
    if minimum is not None and (out < minimum or (min_open and out == minimum)):
        raise _value_error(where, name, expected, out)
    if maximum is not None and (out > maximum or (max_open and out == maximum)):
        raise _value_error(where, name, expected, out)
    return out


def check_positive(value: Any, name: str, *, where: str | None = None) -> float:
    """A finite number > 0 (a learning rate, a clipping norm, a temperature)."""
    return check_number(value, name, minimum=0, min_open=True, where=where)


def check_fraction(value: Any, name: str, *, where: str | None = None) -> float:
    """A number strictly between 0 and 1."""
    return check_number(value, name, minimum=0, maximum=1, min_open=True, max_open=True, where=where)


def check_bool(value: Any, name: str, *, where: str | None = None) -> bool:
    """``True`` or ``False`` (not 0/1, not a string)."""
    if not isinstance(value, (bool, np.bool_)):
        raise _type_error(where, name, "a bool (True or False)", value)
    return bool(value)


def check_choice(value: Any, name: str, choices: Iterable, *, where: str | None = None):
    """One of ``choices`` (compared with ``==``; a bool never counts as 0 or 1)."""
    choices = tuple(choices)
    expected = "one of " + ", ".join(repr(c) for c in choices)
    try:
        ok = not isinstance(value, bool) and value in choices
    except TypeError:  # unhashable or uncomparable
        ok = False
    if not ok:
        if all(isinstance(c, str) for c in choices) and not isinstance(value, str):
            raise _type_error(where, name, expected, value)
        raise _value_error(where, name, expected, repr(value))
    return value


def check_str(value: Any, name: str, *, where: str | None = None) -> str:
    if not isinstance(value, str):
        raise _type_error(where, name, "a str", value)
    return value


def check_digits(value: Any, name: str, *, leading_zero: bool = False, max_digits: int | None = None,
                 where: str | None = None) -> str:
    """A non-empty string of the ASCII digits 0-9 (``"٣"`` or ``"３"`` are digits to Python but not
    here), without a leading zero unless ``leading_zero`` (``"0"`` itself is always fine)."""
    expected = "a non-empty string of the digits 0-9"
    if not isinstance(value, str):
        raise _type_error(where, name, expected, value)
    if not value or not value.isascii() or not value.isdigit():
        raise _value_error(where, name, expected, repr(value))
    if not leading_zero and len(value) > 1 and value[0] == "0":
        raise ValueError(f"{_where(where)}{name}={value!r} has a leading zero; write the number without it")
    if max_digits is not None and len(value) > max_digits:
        raise ValueError(f"{_where(where)}{name} has {len(value)} digits; at most {max_digits} are supported")
    return value


# ------------------------------------------------------------------------------------- tensors
_DTYPE_WORDS = {
    "float": ("a floating-point dtype (e.g. torch.float32)", lambda d: d.is_floating_point),
    "int": ("an integer dtype (torch.long)", lambda d: not d.is_floating_point and not d.is_complex
            and d != torch.bool),
    "long": ("torch.long (int64) token ids", lambda d: d == torch.long),
    "bool": ("torch.bool", lambda d: d == torch.bool),
}


def check_tensor(x: Any, name: str, *, ndim: int | Sequence[int] | None = None,
                 shape: Sequence[int | None] | None = None, layout: str | None = None,
                 dtype: str | torch.dtype | None = None, device: torch.device | str | None = None,
                 nonempty: bool = True, finite: bool = False, where: str | None = None) -> torch.Tensor:
    """A ``torch.Tensor`` with the given number of dimensions, shape (``None`` matches any size),
    dtype (``"float"``, ``"int"``, ``"long"``, ``"bool"`` or a ``torch.dtype``) and device.

    ``layout`` is how the course writes the shape (``"(B, L) of token ids, batch_first"``); it goes
    into every message. ``nonempty`` rejects a zero-size axis (an empty batch); ``finite`` rejects
    NaN and inf.
    """
    text = f"a tensor of shape {layout}" if layout else "a tensor"
    if not isinstance(x, torch.Tensor):
        raise _type_error(where, name, f"a torch.Tensor ({text[2:]})" if layout else "a torch.Tensor", x)
    if dtype is not None:
        if isinstance(dtype, str):
            words, ok = _DTYPE_WORDS[dtype]
        else:
            words, ok = str(dtype), (lambda d, want=dtype: d == want)
        if not ok(x.dtype):
            raise TypeError(f"{_where(where)}{name} must have dtype {words}, got {describe(x)}")
    if ndim is not None:
        dims = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if x.dim() not in dims:
            want = " or ".join(f"{d}-D" for d in dims)
            raise ValueError(f"{_where(where)}{name} must be {want}"
                             f"{', ' + layout if layout else ''}; got shape {tuple(x.shape)}")
    if shape is not None:
        shape = tuple(shape)
        if x.dim() != len(shape) or any(s is not None and s != g for s, g in zip(shape, x.shape)):
            want = "(" + ", ".join("·" if s is None else str(s) for s in shape) + (",)" if len(shape) == 1 else ")")
            lay = f"{layout} = {want}" if layout else want
            raise ValueError(f"{_where(where)}{name} must have shape {lay}, got {tuple(x.shape)}")
    if nonempty and x.numel() == 0:
        raise ValueError(f"{_where(where)}{name} is empty (shape {tuple(x.shape)}); expected "
                         f"{text} with every size >= 1")
    if device is not None and x.device != torch.device(device):
        raise ValueError(f"{_where(where)}{name} must be on {torch.device(device)} (with the model), got {describe(x)}; "
                         f"move it with .to({str(torch.device(device))!r})")
    if finite and x.is_floating_point() and not bool(torch.isfinite(x).all()):
        raise ValueError(f"{_where(where)}{name} contains NaN or inf")
    return x


def _int_items(items: Iterable, name: str, where: str | None, expected: str) -> list[int]:
    out = []
    for k, t in enumerate(items):
        v = _as_int(t)
        if v is None:
            if isinstance(t, (list, tuple, np.ndarray)) or (isinstance(t, torch.Tensor) and t.numel() != 1):
                raise TypeError(f"{_where(where)}{name} must be {expected}, but item {k} is itself a sequence "
                                f"({describe(t)})")
            raise TypeError(f"{_where(where)}{name} must be {expected}, but item {k} is {describe(t)}")
        out.append(v)
    return out


def check_ids(ids: Any, name: str, *, vocab_size: int | None = None, allow_empty: bool = False,
              where: str | None = None) -> list[int]:
    """Token ids of one sequence: a list/tuple of ints, a 1-D integer tensor or NumPy array.
    Never a str (encode it first), never floats (``2.0`` would be silently truncated).
    Returns a ``list[int]``; with ``vocab_size`` every id must lie in ``[0, vocab_size)``."""
    expected = "a 1-D sequence of int token ids (a list of ints or a 1-D integer tensor)"
    if isinstance(ids, (str, bytes)):
        raise TypeError(f"{_where(where)}{name} must be {expected}, got {describe(ids)}; encode the text first")
    if isinstance(ids, torch.Tensor):
        if ids.is_floating_point() or ids.is_complex() or ids.dtype == torch.bool:
            raise TypeError(f"{_where(where)}{name} must be {expected}, got {describe(ids)}")
        if ids.dim() != 1:
            raise ValueError(f"{_where(where)}{name} must be {expected}, got {describe(ids)}")
        out = ids.tolist()
    elif isinstance(ids, np.ndarray):
        if not np.issubdtype(ids.dtype, np.integer):
            raise TypeError(f"{_where(where)}{name} must be {expected}, got {describe(ids)}")
        if ids.ndim != 1:
            raise ValueError(f"{_where(where)}{name} must be {expected}, got {describe(ids)}")
        out = [int(v) for v in ids]
    elif isinstance(ids, Iterable) and not isinstance(ids, (dict, set, frozenset)):
        out = _int_items(ids, name, where, expected)
    else:
        raise TypeError(f"{_where(where)}{name} must be {expected}, got {describe(ids)}")
    if not out and not allow_empty:
        raise ValueError(f"{_where(where)}{name} is empty; expected at least one token id")
    if vocab_size is not None:
        for k, v in enumerate(out):
            if not 0 <= v < vocab_size:
                raise IdOutOfRangeError(f"{_where(where)}{name} holds id {v} (item {k}) outside "
                                        f"[0, vocab_size={vocab_size})")
    return out


def check_sequences(seqs: Any, name: str = "seqs", *, where: str | None = None) -> list[list[int]]:
    """A batch of ragged id sequences: a list (or tuple) whose items are each a list of ints or a
    1-D integer tensor. A flat list of ints (one sequence) is refused with a hint. Returns
    ``list[list[int]]`` (possibly empty: the caller decides whether an empty batch is allowed)."""
    expected = "a list of sequences of int ids, e.g. [[5, 2, 7], [4, 1]]"
    if isinstance(seqs, torch.Tensor):
        raise TypeError(f"{_where(where)}{name} must be {expected} (ragged), not a tensor; a tensor is "
                        "already padded")
    if isinstance(seqs, (str, bytes)) or isinstance(seqs, (dict, set, frozenset)) or not isinstance(seqs, Iterable):
        raise TypeError(f"{_where(where)}{name} must be {expected}, got {describe(seqs)}")
    seqs = list(seqs)
    if seqs and all(_as_int(s) is not None for s in seqs):
        raise TypeError(f"{_where(where)}{name} must be {expected}, got a flat list of ints "
                        f"({_short(repr(seqs))}); for one sequence write [seq]")
    out = []
    for k, s in enumerate(seqs):
        if isinstance(s, (str, bytes)):
            raise TypeError(f"{_where(where)}sequence {k}: expected a sequence of int ids, got a string; encode it first")
        if isinstance(s, torch.Tensor):
            if s.dim() != 1 or s.is_floating_point() or s.dtype == torch.bool:
                raise TypeError(f"{_where(where)}sequence {k}: expected a 1-D integer tensor, got dtype={s.dtype}, "
                                f"shape={tuple(s.shape)}")
            out.append(s.tolist())
            continue
        if _as_int(s) is not None or not isinstance(s, Iterable):
            raise TypeError(f"{_where(where)}sequence {k}: expected a sequence of int ids, got {describe(s)}")
        row = []
        for t in s:
            v = _as_int(t)
            if v is None:
                raise TypeError(f"{_where(where)}sequence {k}: token ids must be int, got {type(t).__name__} ({t!r})")
            row.append(v)
        out.append(row)
    return out


def check_tokens(tokens: Any, name: str = "tokens", *, where: str | None = None) -> list[str]:
    """One tokenised sentence: a list (or tuple) of str tokens, not one str."""
    if isinstance(tokens, str):
        raise TypeError(f"{_where(where)}{name} must be a list of str tokens, not one string; split it first")
    if isinstance(tokens, (bytes, dict, set, frozenset)) or not isinstance(tokens, Iterable) \
            or isinstance(tokens, torch.Tensor):
        raise _type_error(where, name, "a list of str tokens", tokens)
    out = list(tokens)
    for k, t in enumerate(out):
        if not isinstance(t, str):
            raise TypeError(f"{_where(where)}{name} must be a list of str tokens, but item {k} is {describe(t)}")
    return out


def check_lengths(lengths: Any, name: str = "lengths", *, batch_size: int | None = None,
                  max_len: int | None = None, cpu: bool = False, where: str | None = None,
                  layout_hint: str = "") -> torch.Tensor:
    """Valid lengths ``(B,)``: a tensor, list, tuple or NumPy array of ints >= 1 (never floats,
    which would be truncated, nor a string of digits). With ``batch_size`` there must be one per
    sequence; with ``max_len`` none may exceed the padded length. Returns a ``LongTensor`` on the
    device the lengths were on (a list gives a CPU tensor); ``cpu=True`` moves it to the CPU, as
    ``pack_padded_sequence`` wants."""
    expected = "integers, a 1-D tensor or list of int lengths of shape (B,)"
    if isinstance(lengths, (str, bytes)):
        raise TypeError(f"{_where(where)}{name} must be {expected}, got {describe(lengths)}")
    if isinstance(lengths, torch.Tensor):
        t = lengths.detach()
        if t.is_floating_point() or t.is_complex() or t.dtype == torch.bool:
            raise TypeError(f"{_where(where)}{name} must hold integers (torch.long), got dtype {t.dtype}")
        if cpu:
            t = t.cpu()
    elif isinstance(lengths, np.ndarray):
        if not np.issubdtype(lengths.dtype, np.integer):
            raise TypeError(f"{_where(where)}{name} must hold integers (torch.long), got NumPy dtype {lengths.dtype}")
        t = torch.as_tensor(lengths)
    elif isinstance(lengths, Iterable) and not isinstance(lengths, (dict, set, frozenset)):
        items = list(lengths)
        if any(isinstance(v, (list, tuple, np.ndarray, torch.Tensor)) and _as_int(v) is None for v in items):
            raise ValueError(f"{name} must be 1-D with shape (B,), got a nested {type(lengths).__name__}")
        t = torch.tensor(_int_items(items, name, where, expected), dtype=torch.long)
    else:
        raise TypeError(f"{_where(where)}{name} must be {expected}, got {describe(lengths)}")
    if t.dim() != 1:
        raise ValueError(f"{name} must be 1-D with shape (B,), got shape {tuple(t.shape)}")
    if t.numel() == 0:
        raise ValueError(f"{name} is empty; expected one length per sequence, shape (B,) with B >= 1")
    if (t <= 0).any():
        raise ValueError(f"{name} must be positive, got {t.tolist()}")
    if batch_size is not None and t.numel() != batch_size:
        raise ValueError(f"{_where(where)}{name} must have shape (B,) = ({batch_size},), got {t.numel()} entries"
                         f"{layout_hint}")
    if max_len is not None and int(t.max()) > max_len:
        raise ValueError(f"{_where(where)}{name} must lie in 1..L={max_len} (the padded length), got {t.tolist()}")
    return t.long()


# ------------------------------------------------------------------------------------- objects
def check_module(model: Any, name: str = "model", *, where: str | None = None) -> torch.nn.Module:
    if not isinstance(model, torch.nn.Module):
        raise _type_error(where, name, "an nn.Module", model)
    return model


def check_generator(generator: Any, name: str = "generator", *, required: bool = False,
                    where: str | None = None) -> torch.Generator | None:
    if generator is None and not required:
        return None
    if not isinstance(generator, torch.Generator):
        raise _type_error(where, name, "a torch.Generator" + ("" if required else " or None"), generator)
    return generator


def check_callable(fn: Any, name: str, *, where: str | None = None):
    if not callable(fn):
        raise _type_error(where, name, "a callable", fn)
    return fn
