"""Files an LMS takes as they are, and the integrity record kept beside them.

- ``upload/grades.csv``: one row per student: ``student_id``, ``score`` (the total after the late
  rule, if any), ``max``, then the points of every question. Nothing else: no hashes, no notes.
- ``upload/canvas.csv``: Canvas's gradebook import columns, ``Student, ID, SIS User ID, SIS Login
  ID, Section, <assignment>``. Canvas matches a row on ``ID`` (the Canvas user id), ``SIS User ID``
  or ``SIS Login ID``. Given the gradebook Canvas exports (``--canvas-export``), each student is
  found there by any of those three and the row is copied from it, with the assignment column named
  as Canvas names it (``01-padding (123)``); without it, the student id goes into ``ID`` when it came
  from a Canvas download name, else into ``SIS User ID``.
- ``upload/moodle.csv``: ``ID number`` (or ``Email address``) and the grade item: Moodle's CSV
  import, with "Identify user by" set to map ``ID number`` → ``useridnumber`` (or the e-mail).
- ``integrity.csv`` (instructor only): per file, what makes a grade checkable later: content hash,
  tests hash, grader version, sandbox and the row's signature.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from .collect import GRADED_STATUSES, nfc
from .gradebook import Gradebook, write_atomic

__all__ = ["student_rows", "write_exports", "read_canvas_export"]

CANVAS_IDS = ("ID", "SIS User ID", "SIS Login ID")
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")


def _csv(columns: list[str], rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buf.getvalue()


def student_rows(book: Gradebook) -> list[dict[str, str]]:
    """One row per student: the row their grade comes from (the graded file, if any)."""
    out = []
    for sid, rel in sorted(book.counting_rows().items()):
        row = book.rows[rel]
        graded = row["status"] in GRADED_STATUSES and row.get("total", "") != ""
        item = {"student_id": sid, "score": (row.get("final") or row["total"]) if graded else "",
                "max": f"{book.max_total:g}", "file": rel, "status": row["status"]}
        for q in book.questions:
            item[q] = row[q] if graded else ""
        out.append(item)
    return out


def read_canvas_export(path: Path, assignment: str) -> tuple[list[dict[str, str]], str]:
    """Canvas's exported gradebook: its student rows and the header of the assignment's column
    (the first header that starts with ``assignment``; ``assignment`` itself if none does)."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        header = [nfc(h) for h in (reader.fieldnames or [])]
        missing = [c for c in CANVAS_COLUMNS if c not in header]
        if missing:
            raise ValueError(f"{path}: not a Canvas gradebook export (missing columns {missing}); "
                             "export it from Canvas: Grades → Export → Export Entire Gradebook")
        rows = [{nfc(k): nfc(v or "") for k, v in r.items() if k} for r in reader]
    column = next((h for h in header if h == assignment or h.startswith(assignment + " (")), assignment)
    students = [r for r in rows if r.get("Student", "").strip() and "Points Possible" not in r.get("Student", "")
                and r.get("Student", "").strip() != "Test Student"]
    return students, column


def write_exports(book: Gradebook, *, assignment: str | None = None, canvas_export: Path | None = None,
                  canvas_ids: dict[str, str] | None = None, emails: dict[str, str] | None = None) -> dict[str, Path]:
    """Write the upload files and ``integrity.csv``; return their paths by name.

    ``canvas_ids``: ``{student id: Canvas user id}`` for ids taken from Canvas download names;
    ``emails``: ``{student id: e-mail}`` (from a Moodle grading worksheet) for Moodle's mapping.
    """
    assignment = assignment or book.exercise
    folder = book.out / "upload"
    students = student_rows(book)
    paths = {}
    columns = ["student_id", "score", "max", *book.questions]
    paths["grades"] = folder / "grades.csv"
    write_atomic(paths["grades"], _csv(columns, students))

    # Canvas
    canvas_ids = canvas_ids or {}
    column = assignment
    by_key: dict[str, dict[str, str]] = {}
    if canvas_export is not None:
        exported, column = read_canvas_export(canvas_export, assignment)
        for r in exported:
            for key in CANVAS_IDS:
                if r.get(key, "").strip():
                    by_key.setdefault(r[key].strip(), r)
    rows = []
    for s in students:
        base = by_key.get(canvas_ids.get(s["student_id"], "")) or by_key.get(s["student_id"])
        if base is not None:
            row = {c: base.get(c, "") for c in CANVAS_COLUMNS}
        elif s["student_id"] in canvas_ids:
            row = {"Student": "", "ID": canvas_ids[s["student_id"]], "SIS User ID": "", "SIS Login ID": "", "Section": ""}
        else:
            row = {"Student": "", "ID": "", "SIS User ID": s["student_id"], "SIS Login ID": "", "Section": ""}
        row[column] = s["score"]
        rows.append(row)
    paths["canvas"] = folder / "canvas.csv"
    write_atomic(paths["canvas"], _csv([*CANVAS_COLUMNS, column], rows))

    # Moodle
    emails = emails or {}
    use_email = bool(emails) and all(s["student_id"] in emails for s in students)
    key = "Email address" if use_email else "ID number"
    rows = [{key: emails[s["student_id"]] if use_email else s["student_id"], assignment: s["score"]}
            for s in students]
    paths["moodle"] = folder / "moodle.csv"
    write_atomic(paths["moodle"], _csv([key, assignment], rows))

    # integrity: every file, one row
    integrity = [{"student_id": r["student_id"], "file": rel, "status": r["status"], "sha256": r["sha256"],
                  "tests": r["tests"], "grader": r["grader"], "sandbox": r["sandbox"], "signature": r["signature"]}
                 for rel, r in sorted(book.rows.items())]
    paths["integrity"] = book.out / "integrity.csv"
    write_atomic(paths["integrity"], _csv(["student_id", "file", "status", "sha256", "tests", "grader", "sandbox",
                                           "signature"], integrity))
    return paths
