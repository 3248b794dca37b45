"""Collecting and planning: every file under the submissions folder gets exactly one row.

The submissions are read into memory once, hashed, and never opened for writing; the sandbox never
sees them (it gets the code cells the grader parsed from the copy in memory). :func:`plan` is the
one place that decides, for every file, whether it is graded, kept from an earlier run, marked a
duplicate, or screened out with a status (not a notebook, empty, another exercise, ...).
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CodeTooLarge", "nfc", "student_id_from_filename", "student_id_for", "read_roster", "SubmissionFile",
           "collect", "code_cells", "NotANotebook", "Planned", "plan", "verify_originals",
           "STATUS_OK", "STATUS_TIMEOUT", "STATUS_STOPPED", "STATUS_TAMPERED", "STATUS_NOT_NOTEBOOK",
           "STATUS_DUPLICATE", "STATUS_TOO_LARGE", "GRADED_STATUSES", "readable_name"]

STATUS_OK = "ok"
STATUS_TIMEOUT = "timeout"  # a cell or a question ran out of time (or of requests); the rest graded
STATUS_STOPPED = "stopped"  # the runner died (memory, CPU, crash); graded with the cells before
STATUS_TAMPERED = "tampered"  # the grading machinery was changed; those questions scored 0
STATUS_NOT_NOTEBOOK = "not a notebook"
STATUS_DUPLICATE = "duplicate"
STATUS_TOO_LARGE = "error: code cells too large"
GRADED_STATUSES = (STATUS_OK, STATUS_TIMEOUT, STATUS_STOPPED, STATUS_TAMPERED)
MAX_FILE_BYTES = 512 * 1024 * 1024  # a file larger than this is not read at all
KEEP_BYTES = 16 * 1024 * 1024  # files up to this size are kept in memory (to restore them if changed)
MAX_CODE_BYTES = 4 * 1024 * 1024  # the code cells of one notebook (saved outputs do not count)


def nfc(text: str) -> str:
    """Unicode NFC (macOS writes file names in NFD: "김" as three jamo)."""
    return unicodedata.normalize("NFC", text)


def readable_name(raw: bytes) -> tuple[str, str]:
    """``(text, how)`` for a file name's bytes: UTF-8 as it is; otherwise CP949 (a Windows zip
    unpacked on Linux) when that reads, else UTF-8 with the bad bytes written as ``\\xNN``.
    ``how`` is ``""`` for UTF-8, else a note for the instructor that keeps the raw bytes."""
    try:
        return raw.decode("utf-8"), ""
    except UnicodeDecodeError:
        pass
    try:
        text, enc = raw.decode("cp949"), "cp949"
    except UnicodeDecodeError:
        text, enc = raw.decode("utf-8", errors="backslashreplace"), "unknown encoding"
    return text, f"file name is not UTF-8 (read as {enc}); raw name bytes: {raw.hex()}"


def student_id_from_filename(name: str, exercise: str = "") -> str:
    """A student id from a submitted file's name.

    Drops the extension, Colab's "Copy of " prefixes, browser copy suffixes like " (1)", and the
    exercise name; what is left (e.g. a student number or name) is the id.
    """
    stem = nfc(Path(name).name)
    stem = re.sub(r"\.(ipynb|json|txt|py|zip)$", "", stem, flags=re.I)
    stem = re.sub(r"^((copy of|사본 -|사본)\s*)+", "", stem, flags=re.I)
    stem = re.sub(r"\s*\(\d+\)$", "", stem)
    if exercise:
        stem = re.sub(re.escape(exercise), "", stem, flags=re.I)
        stem = re.sub(r"(?<![0-9])" + re.escape(exercise.split("-")[0]) + r"[-_ ]", "", stem)
    stem = re.sub(r"^[\s_\-.]+|[\s_\-.]+$", "", stem)
    stem = re.sub(r"\s+", "_", stem)
    return stem or nfc(Path(name).stem)


def student_id_for(rel: str, exercise: str, roster: dict[str, str],
                   folders: set[str] | None = None) -> tuple[str, bool]:
    """``(id, in_roster)`` for a file at ``rel`` (relative to the submissions folder).

    The roster maps only what it names: a key that is a folder (``folders``: the folders of the
    submissions; ``None``: any key may be one) matches the files inside it; any other key matches
    only the file at exactly that relative path (e.g. a file name at the top). Without
    a roster entry, a file inside a folder takes the folder's name (exports with one folder per
    student: ``2024001/01-padding.ipynb``), a file at the top its own name; such an id is never one
    the roster gives or names (:func:`collect` renames it ``unlisted-...`` and says so).
    """
    rel = nfc(rel).replace("\\", "/")
    parts = rel.split("/")
    if len(parts) > 1 and parts[0] in roster and (folders is None or parts[0] in folders):
        return roster[parts[0]], True
    if rel in roster and (folders is None or rel not in folders):
        return roster[rel], True
    source = parts[0] if len(parts) > 1 else parts[-1]
    return student_id_from_filename(source, exercise), False


def read_roster(path: Path) -> dict[str, str]:
    """``{file name: student id}`` from a CSV with columns ``file`` and ``student_id``
    (Korean headers ``파일`` and ``학번`` also work). Names and ids are NFC-normalised."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        cols = {nfc(c).strip().lower(): c for c in (reader.fieldnames or [])}
        file_col = cols.get("file") or cols.get("파일")
        id_col = cols.get("student_id") or cols.get("학번")
        if not file_col or not id_col:
            raise ValueError(f"{path}: the roster needs columns 'file' and 'student_id' "
                             f"(or '파일' and '학번'); found {reader.fieldnames}")
        roster = {}
        for row in reader:
            fname, sid = nfc(row.get(file_col) or "").strip(), nfc(row.get(id_col) or "").strip()
            if fname and sid:
                roster[fname] = sid
    return roster


# ------------------------------------------------------------------------------------ files

@dataclass
class SubmissionFile:
    path: Path  # the original (never written, never shown to the sandbox)
    rel: str  # relative to the submissions folder, NFC, with "/" (unique; see collect)
    data: bytes  # b"" when not read, or when too large to keep (then ``parsed`` holds the result)
    sha256: str
    mtime: float
    student_id: str
    in_roster: bool = True
    notes: list[str] = field(default_factory=list)
    parsed: object = None  # code_cells(data) (or the NotANotebook it raised), for a file not kept
    size: int = 0


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _walk(folder: Path):
    """``(path, relative name bytes)`` of every file and symbolic link, sorted by bytes; and the
    set of folder names (as ``rel`` strings). Names are handled as bytes: any encoding is fine."""
    root = os.fsencode(folder)
    found, folders = [], set()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for d in list(dirnames):
            full = os.path.join(dirpath, d)
            if os.path.islink(full):  # a link to a folder: one row, never followed
                found.append(full)
                dirnames.remove(d)
            else:
                folders.add(nfc(readable_name(os.path.relpath(full, root))[0]).replace("\\", "/"))
        for name in filenames:
            found.append(os.path.join(dirpath, name))
    found.sort()
    return [(Path(os.fsdecode(p)), os.path.relpath(p, root).replace(os.sep.encode(), b"/")) for p in found], folders


def collect(folder: Path, exercise: str, roster: dict[str, str]) -> list[SubmissionFile]:
    """Every file under ``folder`` (hidden ones, unreadable ones, links and badly named ones
    included), read once; each gets a unique ``rel`` and an id."""
    files = []
    entries, folders = _walk(Path(folder))
    taken_rel: dict[str, int] = {}
    roster_ids = set(roster.values()) | set(roster)
    for path, raw in entries:
        text, how = readable_name(raw)
        rel = nfc(text)
        if rel in taken_rel:  # e.g. two names that differ only in Unicode normalisation
            taken_rel[rel] += 1
            rel_unique = f"{rel} (#{taken_rel[rel]})"
            note = f"another file's name reads the same ({rel}); this one is kept apart as {rel_unique}"
            rel = rel_unique
        else:
            taken_rel[rel] = 1
            note = ""
        sid, in_roster = student_id_for(rel if not note else nfc(text), exercise, roster, folders)
        notes = [n for n in (how, note) if n]
        if roster and not in_roster and sid in roster_ids:
            notes.append(f"its name gives the id {sid!r}, which the roster gives to another file; not taken")
            sid = f"unlisted-{sid}"
        if path.is_symlink():  # never followed: it could point at any file the grader can read
            sub = SubmissionFile(path, rel, b"", "symlink", 0.0, sid, in_roster or not roster)
            sub.notes += notes + ["symbolic link (not followed)"]
            files.append(sub)
            continue
        try:
            st = path.stat()
            if st.st_size > MAX_FILE_BYTES:
                sub = SubmissionFile(path, rel, b"", "too-large:" + str(st.st_size), st.st_mtime, sid,
                                     in_roster or not roster, size=st.st_size)
                sub.parsed = NotANotebook(f"file of {st.st_size // 2**20} MiB is larger than "
                                          f"{MAX_FILE_BYTES // 2**20} MiB: not read")
            else:
                data = path.read_bytes()
                sub = SubmissionFile(path, rel, data, _sha256(data), st.st_mtime, sid, in_roster or not roster,
                                     size=len(data))
                if len(data) > KEEP_BYTES:  # read it now and keep only the code
                    try:
                        sub.parsed = code_cells(data)
                    except NotANotebook as exc:
                        sub.parsed = exc
                    sub.data = b""
                    del data
        except OSError as exc:
            sub = SubmissionFile(path, rel, b"", "unreadable", 0.0, sid, in_roster or not roster)
            sub.parsed = NotANotebook(f"unreadable: {exc.strerror}")
        sub.notes += notes
        if roster and not sub.in_roster:
            sub.notes.append("not in roster")
        files.append(sub)
    return files


def verify_originals(files: list[SubmissionFile]) -> list[str]:
    """Check every original against its hash; put back any that changed or vanished (folders
    included). Returns what was restored (for the instructor's notes)."""
    restored = []
    for sub in files:
        if not sub.sha256 or len(sub.sha256) != 64 or (not sub.data and sub.size):
            continue  # not read, or too large to keep a copy of (the sandbox never sees it anyway)
        try:
            same = sub.path.is_file() and _sha256(sub.path.read_bytes()) == sub.sha256
        except OSError:
            same = False
        if not same:
            sub.path.parent.mkdir(parents=True, exist_ok=True)
            if sub.path.is_dir():
                import shutil

                shutil.rmtree(sub.path)
            sub.path.write_bytes(sub.data)
            restored.append(sub.rel)
    return restored


# -------------------------------------------------------------------------------- notebooks

class NotANotebook(ValueError):
    """The file is not a notebook the grader can read; the message says why."""


class CodeTooLarge(NotANotebook):
    """A notebook whose code cells (not its outputs) are larger than :data:`MAX_CODE_BYTES`."""


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return data.decode("utf-32"), "utf-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        pass
    for enc in ("cp949", "latin-1"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise NotANotebook("not text")  # pragma: no cover - latin-1 decodes anything


def _unzip(data: bytes) -> tuple[bytes, str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = [i for i in zf.infolist() if i.filename.lower().endswith(".ipynb")
                     and not i.filename.startswith("__MACOSX/") and not i.is_dir()]
            if len(names) != 1:
                raise NotANotebook(f"zip archive with {len(names)} notebooks (expected exactly 1)")
            if names[0].file_size > MAX_FILE_BYTES:
                raise NotANotebook(f"zip archive whose notebook is larger than {MAX_FILE_BYTES // 2**20} MiB")
            return zf.read(names[0]), names[0].filename
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as exc:
        raise NotANotebook(f"damaged zip archive ({type(exc).__name__})") from None


def _text(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "".join(value)
    return ""


def code_cells(data: bytes) -> tuple[list[str], dict, list[str]]:
    """``(code cell sources, notebook metadata, notes)`` from a file's bytes, whatever its shape.

    Reads nbformat 4 and 3 notebooks, zip archives holding one notebook, and files in UTF-8/16/32
    or CP949. Raises :class:`NotANotebook` with the reason otherwise. Never runs anything.
    """
    notes = []
    if data[:4] == b"PK\x03\x04":
        data, inner = _unzip(data)
        notes.append(f"notebook taken from a zip archive ({inner})")
    if not data.strip():
        raise NotANotebook("empty file")
    text, enc = _decode(data)
    if enc:
        notes.append(f"read as {enc}")
    try:
        nb = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise NotANotebook("not JSON") from None
    if not isinstance(nb, dict):
        raise NotANotebook(f"JSON {type(nb).__name__}, not a notebook")
    metadata = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    if "cells" in nb:
        cells = nb["cells"]
        if not isinstance(cells, list):
            raise NotANotebook(f"'cells' is a {type(cells).__name__}, not a list")
        source_key = "source"
    elif "worksheets" in nb:  # nbformat 3
        sheets = nb["worksheets"] if isinstance(nb["worksheets"], list) else []
        cells = [c for ws in sheets if isinstance(ws, dict) and isinstance(ws.get("cells"), list)
                 for c in ws["cells"]]
        source_key = "input"
        notes.append("nbformat 3")
    else:
        raise NotANotebook("JSON but not a notebook (no cells)")
    sources = []
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            sources.append(_text(cell.get(source_key, cell.get("source"))))
    size = sum(len(c.encode("utf-8", "replace")) for c in sources)
    if size > MAX_CODE_BYTES:
        raise CodeTooLarge(f"its code cells hold {size // 2**20} MiB of code; the limit is "
                           f"{MAX_CODE_BYTES // 2**20} MiB (saved outputs do not count)")
    return sources, metadata, notes


# ----------------------------------------------------------------------------------- planning

@dataclass
class Planned:
    sub: SubmissionFile
    action: str  # "grade", "keep", "final" (screened: status decided without running)
    status: str = ""
    cells: list[str] = field(default_factory=list)
    previous: dict | None = None
    notes: list[str] = field(default_factory=list)


def plan(files: list[SubmissionFile], exercise: str, previous: dict[str, dict], *,
         resumable) -> list[Planned]:
    """Decide for every file what happens to it (the one place that does).

    - screen: a file that is not a readable notebook, has no code, or belongs to another exercise
      gets its status now;
    - duplicate: of the gradable files of one student, the newest (then the last name) is graded,
      the others are ``duplicate`` (a late second file makes the first one a duplicate on resume);
    - resume: a graded file keeps its earlier row only if ``resumable(row, sub)`` says the row is
      genuine and current (same content hash, same tests, same grader, signed by this grader).
    """
    planned = []
    for sub in files:
        p = Planned(sub, "grade", notes=list(sub.notes))
        if not sub.data and sub.parsed is None:
            p.action, p.status = "final", STATUS_NOT_NOTEBOOK
            if sub.sha256 != "symlink":
                p.notes.append("empty file")
        else:
            try:
                if isinstance(sub.parsed, NotANotebook):
                    raise sub.parsed
                cells, metadata, notes = sub.parsed if sub.parsed is not None else code_cells(sub.data)
                p.notes += notes
                p.cells = cells
                otter_meta = metadata.get("otter") if isinstance(metadata.get("otter"), dict) else {}
                other = otter_meta.get("assignment_name")
                if not any(c.strip() for c in cells):
                    p.action, p.status = "final", "error: empty notebook (no code)"
                elif isinstance(other, str) and other and nfc(other) != nfc(exercise):
                    p.action, p.status = "final", f"error: submission is for {other[:40]}, not {exercise}"
            except CodeTooLarge as exc:
                p.action, p.status = "final", STATUS_TOO_LARGE
                p.notes.append(str(exc))
            except NotANotebook as exc:
                p.action, p.status = "final", STATUS_NOT_NOTEBOOK
                p.notes.append(str(exc))
        planned.append(p)
    by_student: dict[str, list[Planned]] = {}
    for p in planned:
        if p.action == "grade":
            by_student.setdefault(nfc(p.sub.student_id), []).append(p)
    for group in by_student.values():
        group.sort(key=lambda q: (q.sub.mtime, q.sub.rel))
        kept = group[-1]
        for other in group[:-1]:
            other.action, other.status = "final", STATUS_DUPLICATE
            other.notes.append(f"kept: {kept.sub.rel} (newest)")
    for p in planned:
        if p.action == "grade":
            old = previous.get(p.sub.rel)
            if old is not None and resumable(old, p.sub):
                p.action, p.previous = "keep", old
    return planned
