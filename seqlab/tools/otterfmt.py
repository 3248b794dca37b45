"""otter's formats, read in one place, and the one leak rule (used by assign, grade and the tests).

The test files themselves are parsed by :func:`seqlab.checks.read_test_source` (the library
needs it for the student's own ``grader.check``); this module adds what the tools need around it:
the test files of an autograder zip or a ``tests/`` folder, the hidden cases, and the rule that
decides whether a text leaks a hidden test.
"""
from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from seqlab.checks import case_source, read_test_source

__all__ = ["tests_from_zip", "tests_from_dir", "tests_hash", "hidden_test_sources",
           "hidden_statements", "find_leak", "MIN_STATEMENT"]

MIN_STATEMENT = 12  # shorter statements (``x = 1``) are too common to count as a leak


def tests_from_zip(path: Path) -> dict[str, str]:
    """``{file name: source}`` of ``tests/*.py`` inside an otter autograder zip."""
    with zipfile.ZipFile(path) as zf:
        files = {Path(m).name: zf.read(m).decode("utf-8") for m in sorted(zf.namelist())
                 if m.startswith("tests/") and m.endswith(".py") and m.count("/") == 1}
    if not files:
        raise ValueError(f"{path}: no tests/*.py inside; is this an otter autograder zip?")
    return files


def tests_from_dir(folder: Path) -> dict[str, str]:
    """``{file name: source}`` of an otter ``tests/`` folder."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(Path(folder).glob("*.py"))}


def tests_hash(files: dict[str, str]) -> str:
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode() + b"\0" + files[name].encode("utf-8") + b"\0")
    return h.hexdigest()


def _cases(files: dict[str, str]):
    for name, source in sorted(files.items()):
        for suite in read_test_source(source, name).get("suites", []):
            for case in suite.get("cases", []):
                yield case


def hidden_test_sources(tests: Path | dict[str, str]) -> list[str]:
    """The Python source of every hidden case (``tests`` is a folder or ``{name: source}``)."""
    files = tests if isinstance(tests, dict) else tests_from_dir(tests)
    return [case_source(c["code"]) for c in _cases(files) if c.get("hidden", True)]


def _statements(source: str) -> set[str]:
    return {line.strip() for line in source.splitlines() if len(line.strip()) > MIN_STATEMENT}


def hidden_statements(tests: Path | dict[str, str], public_text: str = "") -> set[str]:
    """The leak rule: the statements of hidden cases that a student must never see.

    A statement counts when it is longer than :data:`MIN_STATEMENT` characters and appears
    neither in a public case nor in ``public_text`` (e.g. the master's markdown and ordinary
    cells): a line the student can read anyway reveals nothing.
    """
    files = tests if isinstance(tests, dict) else tests_from_dir(tests)
    hidden, public = set(), [public_text]
    for case in _cases(files):
        if case.get("hidden", True):
            hidden.update(_statements(case_source(case["code"])))
        else:
            public.append(case_source(case["code"]))
    public_all = "\n".join(public)
    return {stmt for stmt in hidden if stmt not in public_all}


def find_leak(text: str, statements: set[str]) -> str | None:
    """The first hidden statement found in ``text`` (``None`` if there is none)."""
    for stmt in sorted(statements):
        if stmt in text:
            return stmt
    return None
