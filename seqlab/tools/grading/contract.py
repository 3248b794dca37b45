"""The typed contract between the trusted grader and the untrusted runner.

Everything that crosses the sandbox wall is a *frame*: a 4-byte big-endian length and a UTF-8
JSON object. Values inside are plain JSON plus a few tagged objects; arrays and tensors travel as
``.npy`` bytes (base64) that are written with ``allow_pickle=False`` and read back with
``allow_pickle=False``. No format used here can carry code: a runner that lies can only send
wrong data, never make the grader run anything.

Values (``encode_value``/``decode_value``):

- ``None``, ``bool``, ``int``, ``float`` (also ``nan``/``inf``), ``str``;
- ``list``, ``tuple``, ``dict`` of values (dict keys: str, int, float, bool or None);
- numpy arrays (numeric and bool dtypes) and torch tensors (detached copies; the dtype, and
  ``requires_grad`` are kept; bfloat16 travels as float32 and is converted back);
- ``seqlab.checks.ScriptedStep`` (a step function defined by data), as its data;
- ``{"$ref": n, "type": "..."}``: a reference to an object that stays in the sandbox
  (a function, a module, ...). The trusted side wraps it in a proxy.

Requests (trusted -> runner): ``{"op": ..., "rid": ..., ...}`` with ``op`` one of ``run_cells``,
``get``, ``getattr``, ``call``, ``getitem``, ``len``, ``iter``, ``forbid``, ``allow``, ``release``,
``bye``. ``rid`` is a fresh unpredictable request id (:func:`new_request_id`, made on the trusted
side for every request); every frame the runner sends back carries the ``rid`` of the request it
answers, so a reply written before the request existed (forged by student code) never matches.
Replies (runner -> trusted): ``{"ok": value, "rid": ...}`` or ``{"error": {"kind": ..., "type": ...,
"message": ...}, "rid": ...}`` with ``kind`` one of ``exception``, ``not_answered``, ``check_failed``,
``student_error``, ``contract``, ``tampered``.

Frames are checked *before* they are decoded: at most :data:`MAX_FRAME` bytes, at most
:data:`MAX_TOKENS` JSON containers and commas (so that decoding cannot turn a small frame into
gigabytes of Python objects), and at most :data:`MAX_JSON_DEPTH` levels of nesting.
"""
from __future__ import annotations

import base64
import io
import json
import math
import re
import secrets
import struct
from dataclasses import dataclass

__all__ = ["MAX_FRAME", "MAX_DEPTH", "MAX_TOKENS", "MAX_JSON_DEPTH", "ContractError", "Ref", "write_frame",
           "read_frame", "check_structure", "encode_value", "decode_value", "new_request_id"]

MAX_FRAME = 64 * 1024 * 1024  # bytes in one frame; more is refused, not read
MAX_DEPTH = 32  # levels of nesting of a value
MAX_JSON_DEPTH = 3 * MAX_DEPTH + 8  # a dict level is three JSON levels ({"$dict": [[k, v]]})
MAX_TOKENS = 1_000_000  # '[', '{' and ',' in one frame (counted in strings too: an upper bound)
_HEADER = struct.Struct(">I")
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def new_request_id() -> str:
    """A fresh, unpredictable id for one request (made on the trusted side only)."""
    return secrets.token_hex(16)


class ContractError(Exception):
    """A frame or a value that does not follow the contract."""


@dataclass(frozen=True)
class Ref:
    """A reference to an object that lives in the sandbox (never its contents)."""

    id: int
    type: str
    name: str = "?"


# ------------------------------------------------------------------------------------ frames

def write_frame(stream, obj: dict) -> None:
    data = json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
    if len(data) > MAX_FRAME:
        raise ContractError(f"frame of {len(data)} bytes is larger than {MAX_FRAME}")
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_exactly(stream, n: int) -> bytearray:
    buf, pos = bytearray(n), 0  # one buffer: no list of chunks joined into a second copy
    while pos < n:
        chunk = stream.read(n - pos)
        if not chunk:
            raise EOFError("the other side closed the channel")
        buf[pos:pos + len(chunk)] = chunk
        pos += len(chunk)
    return buf


def check_structure(data: bytes | bytearray) -> None:
    """Refuse a frame whose decoding would cost far more memory than its size, or nest too deep.

    Runs on the raw bytes, before anything is decoded: ``bytes.count`` bounds the number of
    containers and items (each becomes a Python object of 50-100 bytes), and, only when the
    frame has many brackets, the nesting depth is measured with strings blanked out.
    """
    opens = data.count(b"[") + data.count(b"{")
    if opens + data.count(b",") > MAX_TOKENS:
        raise ContractError(f"frame holds more than {MAX_TOKENS} values (a large value travels as a tensor "
                            "or an array, not as a list)")
    if opens <= MAX_JSON_DEPTH:
        return
    import numpy as np

    brackets = _STRING.sub(b'""', bytes(data)).translate(None, _NOT_BRACKETS)
    steps = np.frombuffer(brackets, dtype=np.uint8)
    depth = np.cumsum(np.where((steps == ord("[")) | (steps == ord("{")), 1, -1), dtype=np.int64)
    if depth.size and int(depth.max()) > MAX_JSON_DEPTH:
        raise ContractError("value nested too deeply")


def read_frame(stream, max_bytes: int = MAX_FRAME) -> dict:
    (n,) = _HEADER.unpack(_read_exactly(stream, _HEADER.size))
    if n > max_bytes:
        raise ContractError(f"frame of {n} bytes announced; the limit is {max_bytes}")
    data = _read_exactly(stream, n)
    check_structure(data)
    try:
        obj = json.loads(data)
    except (ValueError, RecursionError) as exc:  # bad UTF-8 or JSON, a 10**6-digit int, deep nesting
        raise ContractError(f"frame is not UTF-8 JSON: {str(exc)[:100]}") from None
    finally:
        del data
    if not isinstance(obj, dict):
        raise ContractError("frame is not a JSON object")
    return obj


# ------------------------------------------------------------------------------------ values

_SCALARS = (type(None), bool, int, float, str)


def _torch():
    import sys

    return sys.modules.get("torch")


def _float(x: float):
    if math.isnan(x):
        return {"$float": "nan"}
    if math.isinf(x):
        return {"$float": "inf" if x > 0 else "-inf"}
    return x


def _npy(array) -> str:
    import numpy as np

    if array.nbytes * 4 // 3 > MAX_FRAME:  # refused before any copy is made
        raise ContractError(f"an array of {array.nbytes // 2**20} MiB is larger than a reply may be "
                            f"({MAX_FRAME // 2**20} MiB)")
    buf = io.BytesIO()
    np.save(buf, np.array(array, order="C", copy=True), allow_pickle=False)  # keeps 0-d arrays 0-d
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _from_npy(text: str):
    import numpy as np

    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
        array = np.load(io.BytesIO(raw), allow_pickle=False)
    except Exception as exc:  # noqa: BLE001 - any damage means the same thing
        raise ContractError(f"bad .npy payload: {type(exc).__name__}") from None
    if array.dtype.kind not in "biufc":
        raise ContractError(f"array dtype {array.dtype} is not allowed")
    return array


def encode_value(value, make_ref=None, depth: int = 0):
    """``value`` as JSON-ready data; objects that are not data become refs via ``make_ref``."""
    if depth > MAX_DEPTH:
        raise ContractError("value nested too deeply")
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and type(value) is int:
        return value
    if isinstance(value, float) and type(value) is float:
        return _float(value)
    if type(value) is complex:
        return {"$complex": [_float(value.real), _float(value.imag)]}
    if type(value) is bytes:
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    if type(value) is list:
        return [encode_value(v, make_ref, depth + 1) for v in value]
    if type(value) is tuple:
        return {"$tuple": [encode_value(v, make_ref, depth + 1) for v in value]}
    if type(value) is dict and all(isinstance(k, _SCALARS) for k in value):
        return {"$dict": [[encode_value(k, make_ref, depth + 1), encode_value(v, make_ref, depth + 1)]
                          for k, v in value.items()]}
    torch = _torch()
    if torch is not None and isinstance(value, torch.dtype):
        return {"$dtype": str(value).removeprefix("torch.")}
    if torch is not None and isinstance(value, torch.device):
        return {"$device": str(value)}
    if torch is not None and type(value) is torch.Size:
        return {"$tuple": [int(v) for v in value]}
    if torch is not None and type(value) is torch.nn.utils.rnn.PackedSequence:
        return {"$packed": [encode_value(v, None, depth + 1) for v in value]}
    if torch is not None and type(value) in (torch.Tensor, torch.nn.Parameter) and not value.is_sparse:
        t = value.detach().cpu()
        dtype = str(t.dtype)
        if t.dtype == torch.bfloat16:
            t = t.float()
        if t.is_complex():
            array = t.resolve_conj().numpy()
        else:
            array = t.numpy()
        return {"$tensor": _npy(array), "dtype": dtype, "requires_grad": bool(value.requires_grad)}
    try:
        import numpy as np
    except ImportError:  # pragma: no cover
        np = None
    if np is not None and type(value) is np.ndarray and value.dtype.kind in "biufc":
        return {"$ndarray": _npy(value)}
    if np is not None and isinstance(value, np.generic) and value.dtype.kind in "biufc":
        return {"$npscalar": _npy(np.asarray(value))}
    if make_ref is None:
        raise ContractError(f"{type(value).__name__} is not data")
    return make_ref(value)


def decode_value(obj, resolve_ref=None, depth: int = 0):
    """Inverse of :func:`encode_value`; refs go through ``resolve_ref`` (default: :class:`Ref`)."""
    if depth > MAX_DEPTH:
        raise ContractError("value nested too deeply")
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, list):
        return [decode_value(v, resolve_ref, depth + 1) for v in obj]
    if not isinstance(obj, dict) or len(obj) == 0:
        raise ContractError(f"unexpected {type(obj).__name__} in a value")
    if "$float" in obj:
        if obj["$float"] not in ("nan", "inf", "-inf"):
            raise ContractError("bad float")
        return float(obj["$float"])
    if "$tuple" in obj and isinstance(obj["$tuple"], list):
        return tuple(decode_value(v, resolve_ref, depth + 1) for v in obj["$tuple"])
    if "$dict" in obj and isinstance(obj["$dict"], list):
        out = {}
        for pair in obj["$dict"]:
            if not (isinstance(pair, list) and len(pair) == 2):
                raise ContractError("bad dict item")
            key = decode_value(pair[0], resolve_ref, depth + 1)
            if not isinstance(key, _SCALARS):
                raise ContractError("bad dict key")
            out[key] = decode_value(pair[1], resolve_ref, depth + 1)
        return out
    if "$complex" in obj and isinstance(obj["$complex"], list) and len(obj["$complex"]) == 2:
        re_, im = (decode_value(v, None, depth + 1) for v in obj["$complex"])
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (re_, im)):
            raise ContractError("bad complex")
        return complex(re_, im)
    if "$bytes" in obj and isinstance(obj["$bytes"], str):
        try:
            return base64.b64decode(obj["$bytes"].encode("ascii"), validate=True)
        except ValueError:
            raise ContractError("bad bytes") from None
    if "$dtype" in obj and isinstance(obj["$dtype"], str):
        import torch

        dtype = getattr(torch, obj["$dtype"], None)
        if not isinstance(dtype, torch.dtype):
            raise ContractError("bad dtype")
        return dtype
    if "$device" in obj and isinstance(obj["$device"], str):
        import torch

        try:
            return torch.device(obj["$device"][:40])
        except (RuntimeError, TypeError):
            raise ContractError("bad device") from None
    if "$packed" in obj and isinstance(obj["$packed"], list) and len(obj["$packed"]) == 4:
        import torch

        parts = [decode_value(v, None, depth + 1) for v in obj["$packed"]]
        if not all(p is None or isinstance(p, torch.Tensor) for p in parts) or parts[0] is None:
            raise ContractError("bad PackedSequence")
        return torch.nn.utils.rnn.PackedSequence(*parts)
    if "$ndarray" in obj and isinstance(obj["$ndarray"], str):
        return _from_npy(obj["$ndarray"])
    if "$npscalar" in obj and isinstance(obj["$npscalar"], str):
        return _from_npy(obj["$npscalar"])[()]
    if "$tensor" in obj and isinstance(obj["$tensor"], str):
        import torch

        array = _from_npy(obj["$tensor"])
        dtype_name = str(obj.get("dtype", ""))
        dtype = getattr(torch, dtype_name.removeprefix("torch."), None)
        if not isinstance(dtype, torch.dtype):
            raise ContractError(f"unknown tensor dtype {dtype_name!r}")
        try:
            t = torch.from_numpy(array.copy()).to(dtype)
            if obj.get("requires_grad") is True and (t.is_floating_point() or t.is_complex()):
                t.requires_grad_(True)
        except (TypeError, ValueError, RuntimeError) as exc:
            raise ContractError(f"bad tensor: {str(exc)[:100]}") from None
        return t
    if "$step" in obj and isinstance(obj["$step"], dict):  # seqlab.checks.ScriptedStep: data only
        from seqlab.checks import ScriptedStep

        data = decode_value(obj["$step"], None, depth + 1)
        try:
            return ScriptedStep.from_data(data)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise ContractError("bad ScriptedStep") from None
    if "$ref" in obj and isinstance(obj["$ref"], int) and not isinstance(obj["$ref"], bool):
        ref = Ref(obj["$ref"], str(obj.get("type", "object"))[:200], str(obj.get("name", "?"))[:200])
        return resolve_ref(ref) if resolve_ref else ref
    raise ContractError("unknown tagged value")
