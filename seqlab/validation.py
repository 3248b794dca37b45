"""One home for checking what students pass to seqlab's helpers (in the spirit of
``sklearn.utils.validation``).

Every public helper validates its arguments here instead of writing its own checks, so that all
of them say the same kind of thing in the same words. The messages are in Korean (합니다체), with
the English term or the Python name where it helps, in one form::

    <where>: <argument>에는 <what was expected>이/가 와야 합니다. 받은 값: <what was given>

``where`` is the helper (``"pad_sequences"``, ``"GRUEncoder.forward"``); the expectation names
the type, the shape (in the course's notation, ``(B, L)``, ``batch_first``), the range, the dtype
or the device; the last part describes the value received (its type, and for a tensor its dtype,
shape and device). Argument names and code stay as they are written in Python (``lengths``,
``pad_id``, ``torch.long``). A particle after a word the message builds is chosen by :func:`josa`;
after an argument name, which the reader may pronounce either way, the messages use particles that
do not change (``에는``, ``의``). A hint says what to do as a statement ("먼저 encode해야 합니다").
The chapters show some of these messages on purpose.

Terms follow the course's glossary: 텐서(tensor), 모양(shape), 자료형(dtype), 장치(device),
시퀀스, 토큰 id, 어휘, 배치, 패딩, 유효 길이.

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
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import torch

__all__ = [
    "IdOutOfRangeError",
    "UnknownTokenError",
    "describe",
    "josa",
    "expected_message",
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
    "check_dtype_matches",
    "check_size",
    "MAX_ELEMENTS",
]


class IdOutOfRangeError(IndexError, ValueError):
    """An id or index outside its range (a ``ValueError`` that also reads as an ``IndexError``)."""


class UnknownTokenError(KeyError, ValueError):
    """A token that is not in the vocabulary (a ``ValueError`` that also reads as a ``KeyError``)."""

    def __str__(self) -> str:  # KeyError would print the message with quotes around it
        return str(self.args[0]) if self.args else ""


# ------------------------------------------------------------------------------------ particles
_PAIRS = {"이": "가", "은": "는", "을": "를", "과": "와", "이어야": "여야", "이다": "다", "으로": "로"}
# How a word in Latin letters or digits ends when read aloud in Korean, roughly: with a final
# consonant after l, m, n, "ng" and a silent "le"/"ne"/"me" (bool 불, long 롱, None 논, module 모듈),
# with a vowel otherwise (int 인트, tensor 텐서); and after the digits 0 1 3 6 7 8 (영 일 삼 육 칠 팔).
# The messages end their own phrases in Korean words, so this is only a fallback.
_LATIN_FINAL = re.compile(r"(?:[lmn]|ng|[lnm]e)$", re.IGNORECASE)
_DIGIT_FINAL = set("013678")


def _core(word: str) -> str:
    """``word`` without what follows its last spoken word: trailing (nested) parentheses, brackets,
    quotes and punctuation."""
    word = word.strip()
    while True:
        stripped = word.rstrip(" '\"`.,;:!?")
        if stripped.endswith((")", "]")):
            close = stripped[-1]
            open_ = "(" if close == ")" else "["
            depth = 0
            for k in range(len(stripped) - 1, -1, -1):
                depth += stripped[k] == close
                depth -= stripped[k] == open_
                if depth == 0:
                    break
            if depth or k == 0:  # unbalanced, or the whole word is one parenthesis: keep it
                return stripped
            stripped = stripped[:k]
        if stripped == word:
            return word
        word = stripped


def _has_final(word: str) -> bool | None:
    """Whether ``word`` ends in a consonant when read aloud (``None`` if it cannot tell)."""
    word = _core(word)
    if not word:
        return None
    last = word[-1]
    if "\uac00" <= last <= "\ud7a3":
        return (ord(last) - 0xAC00) % 28 != 0
    if last.isdigit():
        return last in _DIGIT_FINAL
    if last.isascii() and last.isalpha():
        return bool(_LATIN_FINAL.search(word))
    return None


def josa(word: str, particle: str) -> str:
    """``word`` followed by the right form of ``particle`` (given in its after-a-consonant form:
    ``"이"``, ``"은"``, ``"을"``, ``"과"``, ``"이어야"``, ``"으로"``). A trailing parenthesis is
    skipped: ``josa("정수(int)", "이")`` is ``"정수(int)가"``. ``으로`` after ㄹ is ``로``."""
    if particle not in _PAIRS:
        raise ValueError(f"josa: particle에는 {', '.join(_PAIRS)} 중 하나가 와야 합니다. 받은 값: {particle!r}")
    final = _has_final(word)
    if final is None:
        return f"{word}{particle}({_PAIRS[particle]})" if len(particle) == 1 else f"{word}{particle}"
    if particle == "으로":
        core = _core(word)
        rieul = "\uac00" <= core[-1] <= "\ud7a3" and (ord(core[-1]) - 0xAC00) % 28 == 8
        return word + ("로" if (not final or rieul) else "으로")
    return word + (particle if final else _PAIRS[particle])


# ------------------------------------------------------------------------------------ describe
def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(value: Any) -> str:
    """A short Korean description of ``value`` for the "받은 값: ..." part of a message."""
    if isinstance(value, torch.Tensor):
        return f"{value.dtype} 텐서, 모양 {tuple(value.shape)}, 장치 {value.device.type}"
    if isinstance(value, np.ndarray):
        return f"NumPy {value.dtype} 배열, 모양 {value.shape}"
    if isinstance(value, (bool, np.bool_)):
        return f"bool {bool(value)!r}"
    if isinstance(value, str):
        return f"문자열 {_short(repr(value))}"
    if isinstance(value, (list, tuple)):
        kind = type(value).__name__
        if not value:
            return f"빈 {kind}"
        return f"항목 {len(value)}개인 {kind} {_short(repr(value))}"
    if value is None:
        return "None"
    return f"{type(value).__name__} {_short(repr(value))}"


def _where(where: str | None) -> str:
    return f"{where}: " if where else ""


def expected_message(where: str | None, name: str, expected: str, given: str) -> str:
    """The one form of a message: ``where: name에는 expected가 와야 합니다. 받은 값: given``."""
    return f"{_where(where)}{name}에는 {josa(expected, '이')} 와야 합니다. 받은 값: {given}"


def _type_error(where, name, expected, value) -> TypeError:
    return TypeError(expected_message(where, name, expected, describe(value)))


def _value_error(where, name, expected, given) -> ValueError:
    return ValueError(expected_message(where, name, expected, str(given)))


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
        return f"[{minimum}, {maximum}] 범위의 "
    if minimum is not None:
        return f"{minimum} 이상의 "
    if maximum is not None:
        return f"{maximum} 이하의 "
    return ""


def check_int(value: Any, name: str, *, minimum: int | None = None, maximum: int | None = None,
              where: str | None = None) -> int:
    """An integer (Python, NumPy or a one-element integer tensor; never a bool or a float such as
    ``2.0``) in ``[minimum, maximum]``. Returns a Python ``int``."""
    expected = f"{_range_text(minimum, maximum)}정수(int)"
    out = _as_int(value)
    if out is None:
        raise _type_error(where, name, expected, value)
    if (minimum is not None and out < minimum) or (maximum is not None and out > maximum):
        raise _value_error(where, name, expected, out)
    return out


def _bounds_text(minimum, maximum, min_open, max_open) -> str:
    if minimum is not None and maximum is not None:
        return f"{'(' if min_open else '['}{minimum}, {maximum}{')' if max_open else ']'} 구간의 "
    if minimum is not None:
        return f"{minimum}보다 큰 " if min_open else f"{minimum} 이상의 "
    if maximum is not None:
        return f"{maximum}보다 작은 " if max_open else f"{maximum} 이하의 "
    return ""


def check_number(value: Any, name: str, *, minimum: float | None = None, maximum: float | None = None,
                 min_open: bool = False, max_open: bool = False, finite: bool = True,
                 where: str | None = None) -> float:
    """A real number (int, float, NumPy scalar or one-element float tensor; not a bool) within the
    bounds (``min_open``/``max_open`` exclude them); NaN always and inf unless ``finite=False`` are
    rejected. Returns a Python ``float``."""
    expected = _bounds_text(minimum, maximum, min_open, max_open) + ("유한한 실수" if finite else "실수(NaN 제외)")
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
        raise _type_error(where, name, "True 또는 False(bool)", value)
    return bool(value)


def check_choice(value: Any, name: str, choices: Iterable, *, where: str | None = None):
    """One of ``choices`` (compared with ``==``; a bool never counts as 0 or 1)."""
    choices = tuple(choices)
    expected = ", ".join(repr(c) for c in choices) + " 중 하나"
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
        raise _type_error(where, name, "문자열(str)", value)
    return value


def check_digits(value: Any, name: str, *, leading_zero: bool = False, max_digits: int | None = None,
                 where: str | None = None) -> str:
    """A non-empty string of the ASCII digits 0-9 (``"٣"`` or ``"３"`` are digits to Python but not
    here), without a leading zero unless ``leading_zero`` (``"0"`` itself is always fine)."""
    expected = "숫자 0–9로만 된 비어 있지 않은 문자열"
    if not isinstance(value, str):
        raise _type_error(where, name, expected, value)
    if not value or not value.isascii() or not value.isdigit():
        raise _value_error(where, name, expected, repr(value))
    if not leading_zero and len(value) > 1 and value[0] == "0":
        raise ValueError(f"{_where(where)}{name}={value!r}: 맨 앞에 0이 있습니다. 수는 앞의 0 없이 써야 합니다")
    if max_digits is not None and len(value) > max_digits:
        raise ValueError(f"{_where(where)}{name}={_short(repr(value))}: 자릿수가 {len(value)}입니다. "
                         f"{max_digits}자리까지만 다룹니다")
    return value


# ------------------------------------------------------------------------------------- tensors
_DTYPE_WORDS = {
    "float": ("실수형(예: torch.float32)", lambda d: d.is_floating_point),
    "int": ("정수형(예: torch.long)", lambda d: not d.is_floating_point and not d.is_complex
            and d != torch.bool),
    "long": ("torch.long(int64, 토큰 id의 자료형)", lambda d: d == torch.long),
    "bool": ("torch.bool", lambda d: d == torch.bool),
}


def _ndim_text(dims) -> str:
    return " 또는 ".join(f"{d}차원" for d in dims)


def check_tensor(x: Any, name: str, *, ndim: int | Sequence[int] | None = None,
                 shape: Sequence[int | None] | None = None, layout: str | None = None,
                 dtype: str | torch.dtype | None = None, device: torch.device | str | None = None,
                 nonempty: bool = True, finite: bool = False, where: str | None = None) -> torch.Tensor:
    """A ``torch.Tensor`` with the given number of dimensions, shape (``None`` matches any size),
    dtype (``"float"``, ``"int"``, ``"long"``, ``"bool"`` or a ``torch.dtype``) and device.

    ``layout`` is how the course writes the shape, in Korean (``"(B, L), batch_first인 토큰 id"``);
    it goes into every message. ``nonempty`` rejects a zero-size axis (an empty batch); ``finite``
    rejects NaN and inf.
    """
    what = f"텐서(모양 {layout})" if layout else "텐서"
    if not isinstance(x, torch.Tensor):
        raise _type_error(where, name, f"텐서(torch.Tensor, 모양 {layout})" if layout else "텐서(torch.Tensor)", x)
    if dtype is not None:
        if isinstance(dtype, str):
            words, ok = _DTYPE_WORDS[dtype]
        else:
            words, ok = str(dtype), (lambda d, want=dtype: d == want)
        if not ok(x.dtype):
            raise TypeError(f"{_where(where)}{name}의 자료형(dtype)은 {josa(words, '이어야')} 합니다. "
                            f"받은 값: {describe(x)}")
    if ndim is not None:
        dims = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if x.dim() not in dims:
            lay = f"(모양 {layout})" if layout else ""
            raise ValueError(f"{_where(where)}{name}에는 {_ndim_text(dims)} 텐서가 와야 합니다{lay}. "
                             f"받은 모양: {tuple(x.shape)}")
    if shape is not None:
        shape = tuple(shape)
        if x.dim() != len(shape) or any(s is not None and s != g for s, g in zip(shape, x.shape)):
            want = "(" + ", ".join("·" if s is None else str(s) for s in shape) + (",)" if len(shape) == 1 else ")")
            lay = f"{layout} = {want}" if layout else want
            raise ValueError(f"{_where(where)}{name}의 모양(shape)이 맞지 않습니다. 필요한 모양: {lay}, "
                             f"받은 모양: {tuple(x.shape)}")
    if nonempty and x.numel() == 0:
        raise ValueError(f"{_where(where)}{name}에 원소가 없습니다(모양 {tuple(x.shape)}). "
                         f"모든 축의 크기가 1 이상인 {josa(what, '이')} 필요합니다")
    if device is not None and x.device != torch.device(device):
        dev = str(torch.device(device))
        raise ValueError(f"{_where(where)}{name}의 장치(device)가 모델과 다릅니다. 모델: {dev}, 받은 값: "
                         f"{describe(x)}. .to({dev!r})로 옮겨야 합니다")
    if finite and x.is_floating_point() and not bool(torch.isfinite(x).all()):
        raise ValueError(f"{_where(where)}{name}에 NaN이나 inf가 들어 있습니다")
    return x


def _int_items(items: Iterable, name: str, where: str | None) -> list[int]:
    out = []
    for k, t in enumerate(items):
        v = _as_int(t)
        if v is None:
            nested = isinstance(t, (list, tuple, np.ndarray)) or (isinstance(t, torch.Tensor) and t.numel() != 1)
            raise TypeError(f"{_where(where)}{name}의 항목 [{k}]에는 정수(int)가 와야 합니다. 받은 값: {describe(t)}"
                            + (". 한 겹 더 들어간 시퀀스입니다" if nested else ""))
        out.append(v)
    return out


def check_ids(ids: Any, name: str, *, vocab_size: int | None = None, allow_empty: bool = False,
              where: str | None = None) -> list[int]:
    """Token ids of one sequence: a list/tuple of ints, a 1-D integer tensor or NumPy array.
    Never a str (encode it first), never floats (``2.0`` would be silently truncated).
    Returns a ``list[int]``; with ``vocab_size`` every id must lie in ``[0, vocab_size)``."""
    expected = "정수 토큰 id의 1차원 시퀀스(int의 list나 1차원 정수 텐서)"
    if isinstance(ids, (str, bytes)):
        raise TypeError(f"{expected_message(where, name, expected, describe(ids))}. 텍스트는 먼저 "
                        "encode해야 합니다")
    if isinstance(ids, torch.Tensor):
        if ids.is_floating_point() or ids.is_complex() or ids.dtype == torch.bool:
            raise TypeError(expected_message(where, name, expected, describe(ids)))
        if ids.dim() != 1:
            raise ValueError(expected_message(where, name, expected, describe(ids)))
        out = ids.tolist()
    elif isinstance(ids, np.ndarray):
        if not np.issubdtype(ids.dtype, np.integer):
            raise TypeError(expected_message(where, name, expected, describe(ids)))
        if ids.ndim != 1:
            raise ValueError(expected_message(where, name, expected, describe(ids)))
        out = [int(v) for v in ids]
    elif isinstance(ids, Iterable) and not isinstance(ids, (dict, set, frozenset)):
        out = _int_items(list(ids), name, where)
    else:
        raise TypeError(expected_message(where, name, expected, describe(ids)))
    if not out and not allow_empty:
        raise ValueError(f"{_where(where)}{name}에 토큰 id가 하나도 없습니다. 하나 이상 있어야 합니다")
    if vocab_size is not None:
        for k, v in enumerate(out):
            if not 0 <= v < vocab_size:
                raise IdOutOfRangeError(f"{_where(where)}{name}의 항목 [{k}] = {v}: id는 어휘 범위 "
                                        f"[0, vocab_size={vocab_size}) 안에 있어야 합니다")
    return out


def check_sequences(seqs: Any, name: str = "seqs", *, where: str | None = None) -> list[list[int]]:
    """A batch of ragged id sequences: a list (or tuple) whose items are each a list of ints or a
    1-D integer tensor. A flat list of ints (one sequence) is refused with a hint. Returns
    ``list[list[int]]`` (possibly empty: the caller decides whether an empty batch is allowed)."""
    expected = "정수 id 시퀀스들의 리스트(예: [[5, 2, 7], [4, 1]])"
    if isinstance(seqs, torch.Tensor):
        raise TypeError(f"{expected_message(where, name, expected, describe(seqs))}. 길이가 제각각인 "
                        "시퀀스들을 주어야 합니다. 텐서는 이미 패딩된 배치입니다")
    if isinstance(seqs, (str, bytes)) or isinstance(seqs, (dict, set, frozenset)) or not isinstance(seqs, Iterable):
        raise TypeError(expected_message(where, name, expected, describe(seqs)))
    seqs = list(seqs)
    if seqs and all(_as_int(s) is not None for s in seqs):
        raise TypeError(f"{expected_message(where, name, expected, '정수만 든 평평한 리스트 ' + _short(repr(seqs)))}. "
                        "시퀀스 하나라면 [seq]처럼 리스트로 한 번 더 감싸야 합니다")
    out = []
    for k, s in enumerate(seqs):
        if isinstance(s, (str, bytes)):
            raise TypeError(f"{_where(where)}{name}의 시퀀스 [{k}]에는 정수 id의 시퀀스가 와야 합니다. "
                            f"받은 값: {describe(s)}. 텍스트는 먼저 encode해야 합니다")
        if isinstance(s, torch.Tensor):
            if s.dim() != 1 or s.is_floating_point() or s.dtype == torch.bool:
                raise TypeError(f"{_where(where)}{name}의 시퀀스 [{k}]에는 1차원 정수 텐서가 와야 합니다. "
                                f"받은 값: {describe(s)}")
            out.append(s.tolist())
            continue
        if _as_int(s) is not None or not isinstance(s, Iterable):
            raise TypeError(f"{_where(where)}{name}의 시퀀스 [{k}]에는 정수 id의 시퀀스가 와야 합니다. "
                            f"받은 값: {describe(s)}")
        row = []
        for j, t in enumerate(s):
            v = _as_int(t)
            if v is None:
                raise TypeError(f"{_where(where)}{name}의 시퀀스 [{k}]: 토큰 id는 정수(int)여야 합니다. "
                                f"항목 [{j}]: {describe(t)}")
            row.append(v)
        out.append(row)
    return out


def check_tokens(tokens: Any, name: str = "tokens", *, where: str | None = None) -> list[str]:
    """One tokenised sentence: a list (or tuple) of str tokens, not one str."""
    expected = "문자열 토큰의 리스트"
    if isinstance(tokens, str):
        raise TypeError(f"{expected_message(where, name, expected, describe(tokens))}. 문자열 하나는 먼저 "
                        "토큰으로 나눠야 합니다")
    if isinstance(tokens, (bytes, dict, set, frozenset)) or not isinstance(tokens, Iterable) \
            or isinstance(tokens, torch.Tensor):
        raise _type_error(where, name, expected, tokens)
    out = list(tokens)
    for k, t in enumerate(out):
        if not isinstance(t, str):
            raise TypeError(f"{expected_message(where, name, expected, _short(repr(out)))}. 문자열이 아닌 "
                            f"항목이 있습니다. 항목 [{k}]: {describe(t)}")
    return out


def check_lengths(lengths: Any, name: str = "lengths", *, batch_size: int | None = None,
                  max_len: int | None = None, cpu: bool = False, where: str | None = None,
                  layout_hint: str = "") -> torch.Tensor:
    """Valid lengths ``(B,)``: a tensor, list, tuple or NumPy array of ints >= 1 (never floats,
    which would be truncated, nor a string of digits). With ``batch_size`` there must be one per
    sequence; with ``max_len`` none may exceed the padded length. Returns a ``LongTensor`` on the
    device the lengths were on (a list gives a CPU tensor); ``cpu=True`` moves it to the CPU, as
    ``pack_padded_sequence`` wants."""
    expected = "정수 길이들의 1차원 텐서나 리스트(모양 (B,))"
    if isinstance(lengths, (str, bytes)):
        raise TypeError(expected_message(where, name, expected, describe(lengths)))
    if isinstance(lengths, torch.Tensor):
        t = lengths.detach()
        if t.is_floating_point() or t.is_complex() or t.dtype == torch.bool:
            raise TypeError(f"{_where(where)}{name}에는 정수(torch.long)가 와야 합니다. 받은 자료형: {t.dtype}")
        if cpu:
            t = t.cpu()
    elif isinstance(lengths, np.ndarray):
        if not np.issubdtype(lengths.dtype, np.integer):
            raise TypeError(f"{_where(where)}{name}에는 정수(torch.long)가 와야 합니다. 받은 자료형: NumPy {lengths.dtype}")
        t = torch.as_tensor(lengths)
    elif isinstance(lengths, Iterable) and not isinstance(lengths, (dict, set, frozenset)):
        items = list(lengths)
        if any(isinstance(v, (list, tuple, np.ndarray, torch.Tensor)) and _as_int(v) is None for v in items):
            raise ValueError(f"{_where(where)}{name}의 모양은 1차원 (B,)이어야 합니다. 받은 값: 중첩된 "
                             f"{type(lengths).__name__} {_short(repr(items))}")
        t = torch.tensor(_int_items(items, name, where), dtype=torch.long)
    else:
        raise TypeError(expected_message(where, name, expected, describe(lengths)))
    if t.dim() != 1:
        raise ValueError(f"{_where(where)}{name}의 모양은 1차원 (B,)이어야 합니다. 받은 모양: {tuple(t.shape)}")
    if t.numel() == 0:
        raise ValueError(f"{_where(where)}{name}에 길이가 하나도 없습니다. 시퀀스마다 하나씩 있어야 합니다"
                         "(모양 (B,), B >= 1)")
    if (t <= 0).any():
        raise ValueError(f"{_where(where)}{name}의 길이는 모두 1 이상이어야 합니다. 받은 값: {t.tolist()}")
    if batch_size is not None and t.numel() != batch_size:
        raise ValueError(f"{_where(where)}{name}에는 시퀀스마다 하나씩, 배치 크기와 같은 {batch_size}개의 길이가 "
                         f"와야 합니다(모양 (B,) = ({batch_size},)). 받은 개수: {t.numel()}{layout_hint}")
    if max_len is not None and int(t.max()) > max_len:
        raise ValueError(f"{_where(where)}{name}의 길이는 1 이상 L={max_len}(패딩된 길이) 이하여야 합니다. "
                         f"받은 값: {t.tolist()}")
    return t.long()


def check_dtype_matches(x: torch.Tensor, name: str, module: torch.nn.Module, *, where: str | None = None) -> None:
    """A float tensor that meets ``module``'s weights must have their dtype (``x @ W`` of a float64
    ``x`` and a float32 ``W`` is PyTorch's "mat1 and mat2 must have the same dtype")."""
    param = next(module.parameters(), None)
    if param is None or not param.is_floating_point() or x.dtype == param.dtype:
        return
    raise TypeError(f"{_where(where)}{name}의 자료형(dtype)은 모델의 매개변수와 같은 {josa(str(param.dtype), '이어야')} 합니다. "
                    f"받은 자료형: {x.dtype}. {name}.to({param.dtype})로 바꾸거나 모델을 같은 자료형으로 옮겨야 합니다")


# ------------------------------------------------------------------------------------- objects
def check_module(model: Any, name: str = "model", *, where: str | None = None) -> torch.nn.Module:
    if not isinstance(model, torch.nn.Module):
        raise _type_error(where, name, "신경망 모듈(nn.Module)", model)
    return model


def check_generator(generator: Any, name: str = "generator", *, required: bool = False,
                    where: str | None = None) -> torch.Generator | None:
    if generator is None and not required:
        return None
    if not isinstance(generator, torch.Generator):
        raise _type_error(where, name, ("" if required else "None 또는 ") + "난수 생성기(torch.Generator)", generator)
    return generator


def check_callable(fn: Any, name: str, *, where: str | None = None):
    if not callable(fn):
        raise _type_error(where, name, "호출할 수 있는 객체(callable)", fn)
    return fn


# ------------------------------------------------------------------------------------ sizes
MAX_ELEMENTS = 2**28  # 268,435,456 values: 2 GiB of int64, far beyond any batch in the course


def check_size(count: int, what: str, *, where: str | None = None, limit: int = MAX_ELEMENTS) -> int:
    """Refuse to build a tensor of ``count`` values when that is over ``limit``: a typo such as
    ``max_len=10**12`` gets a named error instead of an out-of-memory crash of the kernel."""
    if count > limit:
        raise ValueError(f"{_where(where)}{what}의 원소가 {count:,}개가 됩니다. 이 도우미는 {limit:,}개"
                         f"(int64로 {limit * 8 / 2**30:.0f} GiB)까지만 만듭니다. 크기 인자를 확인해야 합니다")
    return count
