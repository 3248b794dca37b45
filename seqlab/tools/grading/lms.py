"""What LMS downloads carry: student ids, "late" markers and submission times, never file times.

A bulk download resets every file's modification time, so nothing here reads it. What an LMS does
carry:

- **Canvas** "Download Submissions": one flat folder of files named
  ``<name>_<user id>_<submission id>_<original name>``, with ``late`` after the name when the
  submission came after the due date (``kimminsu_late_12345_67890_01-padding.ipynb``). The user id
  is Canvas's ``ID`` column, which a Canvas grade import matches on.
- **Moodle** "Download all submissions": one folder (or file-name prefix) per participant,
  ``<Full name>_<participant id>_assignsubmission_file_``. Moodle's *grading worksheet* CSV
  (Assignment → "Download grading worksheet") maps ``Participant <id>`` to the e-mail address (and
  the ID number where the site shows it) and carries ``Last modified (submission)``.
- **Any LMS**: a CSV with a ``file`` or ``student_id`` column and a ``submitted_at`` column
  (ISO 8601) that the instructor exports or writes.

With a deadline, a submission time gives the days late; a Canvas ``late`` marker without a time
counts as late by an unknown amount (one day for the penalty). See ``book/instructors.md``.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .collect import nfc, student_id_from_filename

__all__ = ["LmsName", "Timing", "parse_lms_name", "read_times", "parse_time", "late_days", "missing_id"]

_CANVAS = re.compile(r"^(?P<name>[^_/]+?)_(?:(?P<late>late)_)?(?P<uid>\d+)_(?P<sub>\d+)_(?P<orig>.+)$", re.I)
_MOODLE = re.compile(r"^(?P<name>.+?)_(?P<pid>\d+)_assignsubmission_(?:file|onlinetext)_?(?P<orig>.*)$", re.I)
_TIME_COLUMNS = ("submitted_at", "submitted", "submission time", "last modified (submission)", "제출 시각", "제출시각")


@dataclass
class LmsName:
    kind: str  # "canvas" or "moodle"
    student_id: str  # Canvas user id, or Moodle participant id
    name: str
    late: bool = False
    original: str = ""


@dataclass
class Timing:
    submitted: str = ""  # as the LMS gave it, normalised to ISO 8601
    late: bool = False
    late_days: float | None = None  # None: on time, or late by an unknown amount
    source: str = ""  # where the time or marker came from


def parse_lms_name(rel: str) -> LmsName | None:
    """The LMS convention a submission's path follows, if any (top folder first, then file name)."""
    parts = nfc(rel).replace("\\", "/").split("/")
    candidates = ([parts[0]] if len(parts) > 1 else []) + [parts[-1]]
    for text in candidates:
        m = _MOODLE.match(text)
        if m:
            return LmsName("moodle", m.group("pid"), m.group("name"), False, m.group("orig"))
    m = _CANVAS.match(parts[-1])
    if m:
        return LmsName("canvas", m.group("uid"), m.group("name"), bool(m.group("late")), m.group("orig"))
    return None


def missing_id(name: str, exercise: str) -> bool:
    """True when a file name holds no student id at all (``Copy of 01-padding.ipynb``): what is
    left after dropping Colab's prefixes and the exercise name is nothing."""
    stem = nfc(Path(name).stem)
    if student_id_from_filename(name, exercise) != stem:
        return False
    cleaned = re.sub(r"^((copy of|사본 -|사본)\s*)+", "", stem, flags=re.I)
    cleaned = re.sub(r"\s*\(\d+\)$", "", cleaned)
    cleaned = re.sub(re.escape(exercise), "", cleaned, flags=re.I) if exercise else cleaned
    return not re.sub(r"[\s_\-.]+", "", cleaned) or cleaned.strip().lower() in ("untitled", "제목 없음")


_FORMATS = ("%A, %d %B %Y, %I:%M %p", "%d %B %Y, %I:%M %p", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
            "%Y. %m. %d. %H:%M", "%Y/%m/%d %H:%M")


def parse_time(text: str) -> datetime | None:
    """A time as LMS exports write it: ISO 8601, Moodle's ``Tuesday, 1 December 2026, 11:59 PM``."""
    text = (text or "").strip()
    if not text or text in ("-", "No submission"):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    for fmt in _FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError(f"cannot read the time {text!r}; write it as ISO 8601, e.g. 2026-12-01T23:59")


def read_times(path: Path) -> dict[str, dict[str, str]]:
    """``{key: {"submitted": iso, "id": ..., "email": ...}}`` from an LMS's CSV; keys are file names,
    student ids and Moodle participant ids (``Participant 123`` → ``123``), NFC."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        cols = {nfc(c).strip().lower(): c for c in (reader.fieldnames or [])}
        time_col = next((cols[c] for c in _TIME_COLUMNS if c in cols), None)
        key_cols = [cols[c] for c in ("file", "파일", "student_id", "학번", "identifier", "id number", "email address")
                    if c in cols]
        if time_col is None or not key_cols:
            raise ValueError(f"{path}: the submission-times CSV needs a time column ({', '.join(_TIME_COLUMNS[:2])} "
                             f"or Moodle's 'Last modified (submission)') and one of file, student_id, Identifier; "
                             f"found {reader.fieldnames}")
        out: dict[str, dict[str, str]] = {}
        for row in reader:
            when = parse_time(row.get(time_col) or "")
            info = {"submitted": when.isoformat(timespec="minutes") if when else "",
                    "id": nfc(row.get(cols.get("id number", ""), "") or "").strip(),
                    "email": nfc(row.get(cols.get("email address", ""), "") or "").strip()}
            for col in key_cols:
                key = nfc(row.get(col) or "").strip()
                key = re.sub(r"^(participant|참가자)\s*", "", key, flags=re.I)
                if key:
                    out[key] = info
    return out


def late_days(submitted: str, deadline: datetime | None) -> float | None:
    """Days after the deadline (two decimals), ``None`` when on time or unknown."""
    if not submitted or deadline is None:
        return None
    when = parse_time(submitted)
    if (when.tzinfo is None) != (deadline.tzinfo is None):  # compare wall-clock times
        when, deadline = when.replace(tzinfo=None), deadline.replace(tzinfo=None)
    days = (when - deadline).total_seconds() / 86400
    return round(days, 2) if days > 0 else None
