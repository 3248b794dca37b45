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

#: what a packed test file may be called (the messages of both functions quote it)
_NAME_RULE = "경로와 맨 앞의 점 없이 .py로 끝나는 테스트 파일 이름(예: 'q1.py')"


def pack_tests(files: dict[str, str]) -> str:
    """Pack ``{file name: source}`` into one ASCII string (zlib-compressed JSON, base64)."""
    if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                              for k, v in files.items()):
        raise TypeError("pack_tests: files에는 {파일 이름(str): 파일 내용(str)} 꼴의 dict가 와야 합니다. "
                        f"받은 값: {type(files).__name__} {repr(files)[:60]}")
    for name in files:
        if "/" in name or "\\" in name or name.startswith(".") or not name.endswith(".py"):
            raise ValueError(f"pack_tests: files의 파일 이름에는 {_NAME_RULE}이 와야 합니다. 받은 값: {name!r}")
    raw = json.dumps(files, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return base64.b64encode(zlib.compress(raw, 9)).decode("ascii")


def unpack_tests(blob: str) -> dict[str, str]:
    """Inverse of :func:`pack_tests`."""
    try:
        files = json.loads(zlib.decompress(base64.b64decode(blob.encode("ascii"), validate=True)))
    except Exception as exc:  # noqa: BLE001 - any corruption means the same thing here
        raise ValueError("unpack_tests: 묶어 둔 테스트가 손상되었습니다. 학생용 노트북을 새로 받아야 "
                         "합니다") from exc
    if not isinstance(files, dict):
        raise ValueError("unpack_tests: 묶어 둔 테스트에 파일 표(dict)가 들어 있지 않습니다. "
                         f"받은 값: {type(files).__name__}")
    for name in files:  # the same rule as pack_tests: never write outside tests/
        if "/" in name or "\\" in name or name.startswith(".") or not name.endswith(".py"):
            raise ValueError(f"unpack_tests: 묶어 둔 테스트의 파일 이름에는 {_NAME_RULE}이 와야 합니다. "
                             f"받은 값: {name!r}")
    return files
