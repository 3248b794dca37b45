"""Helpers for the set-up cell of every student notebook (in Colab and locally).

The student notebook carries its public tests inside its set-up cell as one packed string,
so a notebook opened in Colab is self-contained: no test file has to be fetched, and nothing
is written beside the notebook. Hidden tests never travel this way; they exist only in the
instructor's autograder zip and in the grader.
"""
from __future__ import annotations

import base64
import json
import zlib

__all__ = ["pack_tests", "unpack_tests"]


def pack_tests(files: dict[str, str]) -> str:
    """Pack ``{file name: source}`` into one ASCII string (zlib-compressed JSON, base64)."""
    if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                              for k, v in files.items()):
        raise TypeError("pack_tests expects a dict mapping file names (str) to sources (str)")
    for name in files:
        if "/" in name or "\\" in name or name.startswith(".") or not name.endswith(".py"):
            raise ValueError(f"pack_tests: {name!r} is not a plain test file name like 'q1.py'")
    raw = json.dumps(files, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return base64.b64encode(zlib.compress(raw, 9)).decode("ascii")


def unpack_tests(blob: str) -> dict[str, str]:
    """Inverse of :func:`pack_tests`."""
    try:
        files = json.loads(zlib.decompress(base64.b64decode(blob.encode("ascii"), validate=True)))
    except Exception as exc:  # noqa: BLE001 - any corruption means the same thing here
        raise ValueError("unpack_tests: the packed tests are damaged; get a fresh copy of the "
                         "student notebook") from exc
    if not isinstance(files, dict):
        raise ValueError("unpack_tests: the packed tests do not hold a file table")
    for name in files:  # the same rule as pack_tests: never write outside tests/
        if "/" in name or "\\" in name or name.startswith(".") or not name.endswith(".py"):
            raise ValueError(f"unpack_tests: refusing the file name {name!r}")
    return files
