"""What students can download, built and checked in one place (``seqlab-publish``).

The course lives in two places:

- **the development repository** (private: instructors and maintainers). It holds the exercise
  masters in ``notebooks/`` (solutions and hidden tests), the tools, the tests, and everything
  ``make site`` builds. Nothing in it is ever opened by a student.
- **the public repository** named by ``repository.url`` in ``_config.yml`` (the one address
  setting). Its ``gh-pages`` branch holds exactly the built site ``_build/html``: the pages, the
  student notebooks in ``_sources/`` (what the Colab buttons open), and ``dist/seqlab-*.whl``,
  the library-only wheel the set-up cells install. GitHub Pages serves that branch.

This module builds the wheel (:func:`build_student_wheel`: ``seqlab/`` without ``seqlab/tools``,
written byte for byte reproducibly), scans a published tree for any solution line or hidden-test
line of any master (:func:`scan_published`, the leak rule of :mod:`seqlab.tools.otterfmt`), and
pushes the checked tree to the public repository (:func:`publish`). ``make site`` runs the scan
and fails on any hit; ``make publish`` refuses to push a tree that has one.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .otterfmt import MIN_STATEMENT
from .settings import ROOT, exercise_names, read_settings

__all__ = ["LIBRARY", "WHEEL_FOLDER", "UNPUBLISHED", "github_repo", "site_url", "wheel_version",
           "wheel_name", "wheel_url", "build_student_wheel", "check_repository_url", "Secrets",
           "master_secrets", "public_text", "course_secrets", "Leak", "scan_published", "publish", "main"]

LIBRARY = Path(__file__).resolve().parents[1]  # the seqlab package folder
WHEEL_FOLDER = "dist"  # where the wheel sits in the published site
#: What a committed chapter's set-up cell holds instead of an address; the site build replaces
#: it with the published wheel's address in the pages and in the copies Colab opens.
UNPUBLISHED = "<강의 사이트를 만들 때 채워집니다>"

# 1980-01-01, the earliest time a zip can hold: the same sources give the same wheel bytes.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_PLACEHOLDER_OWNERS = {"owner", "org", "organization", "user", "username", "example", "your-org",
                       "your-name", "yourname", "changeme", "todo", "xxx"}


# --- the one address ------------------------------------------------------------------------------

def github_repo(repo_url: str, why: str = "the course is published with GitHub") -> tuple[str, str]:
    """``(owner, name)`` of a GitHub repository address, or a ``ValueError`` that says where to fix it."""
    m = re.fullmatch(r"https://github\.com/([A-Za-z0-9][A-Za-z0-9-]{0,38})/([A-Za-z0-9._-]{1,100}?)(?:\.git)?/?",
                     repo_url or "")
    if not m:
        raise ValueError(f"{why}: repository.url in _config.yml must be an address like "
                         f"https://github.com/OWNER/NAME (the public repository); it is {repo_url!r}")
    owner, name = m.groups()
    if owner.lower() in _PLACEHOLDER_OWNERS or name.lower() in _PLACEHOLDER_OWNERS:
        raise ValueError(f"repository.url in _config.yml is still a placeholder ({repo_url!r}); "
                         "set it to the public repository the course is published to")
    return owner, name


def check_repository_url(repo_url: str) -> str:
    """``repo_url`` if it names a real-looking public GitHub repository; else a ``ValueError``."""
    github_repo(repo_url)
    return repo_url


def site_url(repo_url: str) -> str:
    """Address of the published site (GitHub Pages of the public repository), ending in ``/``."""
    owner, name = github_repo(repo_url)
    if name.lower() == f"{owner.lower()}.github.io":
        return f"https://{owner.lower()}.github.io/"
    return f"https://{owner.lower()}.github.io/{name}/"


# --- the library-only wheel -----------------------------------------------------------------------

def _project(root: Path) -> dict:
    return tomllib.loads((Path(root) / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def wheel_version(root: Path = ROOT, ref: str = "main") -> str:
    """The package version with the commit as a local label (``0.1.0+g1a2b3c4d5e6f``)."""
    base = _project(root)["version"]
    label = f"g{ref[:12]}" if re.fullmatch(r"[0-9a-f]{7,40}", ref) else re.sub(r"[^A-Za-z0-9]+", ".", ref).strip(".")
    return f"{base}+{label or 'local'}"


def wheel_name(root: Path = ROOT, ref: str = "main") -> str:
    return f"seqlab-{wheel_version(root, ref)}-py3-none-any.whl"


def wheel_url(repo_url: str, root: Path = ROOT, ref: str = "main") -> str:
    """Where the set-up cells install seqlab from: the wheel published with the site."""
    return f"{site_url(repo_url)}{WHEEL_FOLDER}/{wheel_name(root, ref)}"


def _library_files(library: Path) -> list[Path]:
    """Every file of the library: ``seqlab/`` without the tools, caches or editor debris."""
    files = []
    for path in sorted(library.rglob("*")):
        rel = path.relative_to(library)
        if not path.is_file() or rel.parts[0] == "tools" or "__pycache__" in rel.parts:
            continue
        if path.suffix in {".pyc", ".pyo"} or path.name.startswith("."):
            continue
        files.append(path)
    return files


def _metadata(project: dict, version: str) -> str:
    lines = ["Metadata-Version: 2.1", "Name: seqlab", f"Version: {version}",
             f"Summary: {project.get('description', '')}",
             f"Requires-Python: {project.get('requires-python', '>=3.10')}",
             f"License: {project.get('license', {}).get('text', '')}"]
    lines += [f"Requires-Dist: {dep}" for dep in project.get("dependencies", [])]
    for extra, deps in sorted(project.get("optional-dependencies", {}).items()):
        if extra == "grading":  # the tools are not in this wheel
            continue
        lines.append(f"Provides-Extra: {extra}")
        lines += [f'Requires-Dist: {dep}; extra == "{extra}"' for dep in deps]
    return "\n".join(lines) + "\n"


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build_student_wheel(dest: Path, *, ref: str = "main", root: Path = ROOT, library: Path = LIBRARY) -> Path:
    """Write the library-only wheel (``seqlab/`` without ``seqlab/tools``) into ``dest``.

    Built here rather than by a build backend so that it needs no network and no build
    environment, and so that the same sources give the same bytes (fixed times, sorted entries).
    """
    version = wheel_version(root, ref)
    info = f"seqlab-{version}.dist-info"
    entries: list[tuple[str, bytes]] = []
    for path in _library_files(Path(library)):
        entries.append(("seqlab/" + path.relative_to(library).as_posix(), path.read_bytes()))
    if not any(name == "seqlab/__init__.py" for name, _ in entries):
        raise FileNotFoundError(f"{library} holds no __init__.py: not the seqlab package")
    entries.append((f"{info}/METADATA", _metadata(_project(root), version).encode("utf-8")))
    entries.append((f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: seqlab.tools.publish\n"
                                     b"Root-Is-Purelib: true\nTag: py3-none-any\n"))
    record = "".join(f"{name},{_record_hash(data)},{len(data)}\n" for name, data in entries)
    entries.append((f"{info}/RECORD", (record + f"{info}/RECORD,,\n").encode("utf-8")))
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    out = dest / wheel_name(root, ref)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zi = zipfile.ZipInfo(name, _ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zf.writestr(zi, data)
    out.write_bytes(buffer.getvalue())
    return out


# --- what must never be published -----------------------------------------------------------------

@dataclass(frozen=True)
class Secrets:
    """The lines of one master that a student must never be able to read."""
    exercise: str
    solutions: frozenset[str]
    hidden: frozenset[str]


def _marker(cell, word: str) -> bool:
    return cell.cell_type == "raw" and cell.source.strip().upper().startswith(f"# {word}")


def _master_parts(master: Path) -> tuple[list[str], list[str]]:
    """``(public sources, hidden test sources)`` of a master: what its student version shows
    (markdown, ordinary code cells, public tests) and its hidden test cells. Answer cells are neither."""
    nb = nbformat.read(master, as_version=4)
    in_solution = in_tests = False
    public, hidden = [], []
    for cell in nb.cells:
        if _marker(cell, "BEGIN SOLUTION"):
            in_solution = True
        elif _marker(cell, "END SOLUTION"):
            in_solution = False
        elif _marker(cell, "BEGIN TESTS"):
            in_tests = True
        elif _marker(cell, "END TESTS"):
            in_tests = False
        elif cell.cell_type == "raw":
            continue  # otter's configuration and question headers
        elif in_tests and cell.cell_type == "code" and cell.source.lstrip().startswith("# HIDDEN"):
            hidden.append(cell.source)
        elif not (in_solution and cell.cell_type == "code"):
            public.append(cell.source)
    return public, hidden


def master_secrets(master: Path, public_text: str = "") -> Secrets:
    """The answer lines and hidden-test statements of one master (read from the master itself).

    The same line rule as everywhere in the course (:func:`seqlab.tools.otterfmt.hidden_statements`):
    a statement counts when it is longer than ``MIN_STATEMENT`` characters (answer lines: longer
    than 8) and appears nowhere a student can read anyway: the master's markdown, its ordinary
    code cells and public tests, and ``public_text`` (e.g. the published chapters).
    """
    from .assign import solution_lines

    public, hidden_cells = _master_parts(master)
    seen = "\n".join([public_text, *public])
    hidden = {line.strip() for src in hidden_cells for line in src.splitlines()
              if len(line.strip()) > MIN_STATEMENT and not line.strip().startswith("#")}
    solutions = {line for line in solution_lines(master) if len(line) > 8}
    return Secrets(master.stem, frozenset(s for s in solutions if s not in seen),
                   frozenset(h for h in hidden if h not in seen))


def _chapters_text(book: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(Path(book).glob("*.*"))
                     if p.suffix in {".ipynb", ".md"})


def public_text(root: Path = ROOT, library: Path = LIBRARY) -> str:
    """What every student can read anyway: the chapters, the library's own source (the wheel
    publishes it on purpose: chapters import it), and what every student notebook shows (its text,
    given code and public tests). A line found there gives nothing away."""
    sources = "\n".join(p.read_text(encoding="utf-8") for p in _library_files(Path(library)) if p.suffix == ".py")
    shown = "\n".join(src for name in exercise_names(root)
                      for src in _master_parts(Path(root) / "notebooks" / f"{name}.ipynb")[0])
    return "\n".join([_chapters_text(Path(root) / "book"), sources, shown])


def course_secrets(root: Path = ROOT) -> list[Secrets]:
    """The secrets of every master in ``notebooks/``, given what students can read anyway."""
    public = public_text(root)
    return [master_secrets(Path(root) / "notebooks" / f"{name}.ipynb", public) for name in exercise_names(root)]


@dataclass(frozen=True)
class Leak:
    path: str
    exercise: str
    kind: str  # "solution", "hidden test", or "master"
    line: str

    def __str__(self) -> str:
        return f"{self.path}: {self.kind} of {self.exercise}: {self.line!r}"


# Markers that only a master carries (checked in notebooks and code, not in prose that explains them).
_MASTER_MARKERS = ("# ASSIGNMENT CONFIG", "# BEGIN SOLUTION", "# BEGIN TESTS")
_MARKED_SUFFIXES = {".ipynb", ".py"}
_ARCHIVES = {".whl", ".zip"}
_PACKED = re.compile(r"PUBLIC_TESTS = (\((?:\s*\"[A-Za-z0-9+/=]*\")+\s*\))")


def _packed_tests(source: str):
    """The public tests packed into a set-up cell's source (``{}`` when it packs none)."""
    import ast

    from seqlab.colab import unpack_tests

    m = _PACKED.search(source)
    if not m:
        return {}
    try:
        return unpack_tests("".join(ast.literal_eval(m.group(1))))
    except (ValueError, SyntaxError):
        return {"(damaged packed tests)": m.group(1)}


def _texts(name: str, data: bytes, depth: int = 0):
    """``(where, text)`` for a published file, looking inside archives and packed public tests."""
    suffix = Path(name).suffix.lower()
    if suffix in _ARCHIVES and depth < 2:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                for member in zf.namelist():
                    yield from _texts(f"{name}!{member}", zf.read(member), depth + 1)
            return
        except zipfile.BadZipFile:
            pass
    text = data.decode("utf-8", errors="replace")
    yield name, text
    if suffix == ".ipynb":
        try:
            nb = nbformat.reads(text, as_version=4)
        except Exception:  # noqa: BLE001 - not a notebook after all: its text was scanned above
            return
        for cell in nb.cells:
            if cell.cell_type == "code":
                for file, source in _packed_tests(cell.source).items():
                    yield f"{name} (packed {file})", source


def scan_published(places: list[Path], secrets: list[Secrets] | None = None) -> list[Leak]:
    """Every solution line, hidden-test line or master marker found in the files under ``places``.

    Looks inside wheels and zips, and unpacks the public tests packed into set-up cells (so a
    hidden test smuggled in there is found too). An empty list means: nothing to hide is there.
    """
    secrets = course_secrets() if secrets is None else secrets
    leaks: list[Leak] = []
    for place in places:
        place = Path(place)
        files = [place] if place.is_file() else sorted(p for p in place.rglob("*") if p.is_file())
        for path in files:
            rel = str(path.relative_to(place.parent if place.is_file() else place))
            for where, text in _texts(rel, path.read_bytes()):
                marked = Path(where.split(" (packed")[0]).suffix.lower() in _MARKED_SUFFIXES
                for marker in _MASTER_MARKERS if marked else ():
                    if marker in text:
                        leaks.append(Leak(where, "?", "master", marker.strip()))
                        break
                for s in secrets:
                    for line in sorted(s.solutions):
                        if line in text:
                            leaks.append(Leak(where, s.exercise, "solution", line))
                    for line in sorted(s.hidden):
                        if line in text:
                            leaks.append(Leak(where, s.exercise, "hidden test", line))
    return leaks


# --- publishing -----------------------------------------------------------------------------------

def _push_address(repo_url: str, token: str = "") -> str:
    """The public repository's push address; with a token (CI), one that carries it."""
    owner, name = github_repo(repo_url)
    auth = f"x-access-token:{token}@" if token else ""
    return f"https://{auth}github.com/{owner}/{name}.git"


def publish(site: Path, remote: str, branch: str = "gh-pages", *, message: str = "") -> str:
    """Push exactly the checked site folder to ``branch`` of ``remote`` as one commit (no history
    of the development repository goes with it). Returns the new commit's id."""
    site = Path(site)
    if not (site / "index.html").is_file():
        raise FileNotFoundError(f"{site} holds no built site (index.html); run `make site` first")
    with tempfile.TemporaryDirectory(prefix="seqlab-publish-") as tmp:
        work = Path(tmp) / "site"
        shutil.copytree(site, work)
        (work / ".nojekyll").write_text("", encoding="utf-8")  # serve _static/, _sources/ as they are

        def git(*args: str) -> str:
            proc = subprocess.run(["git", *args], cwd=work, capture_output=True, text=True)
            if proc.returncode != 0:
                said = re.sub(r"x-access-token:[^@\s]*@", "x-access-token:***@", f"{' '.join(args)}: {proc.stderr.strip()}")
                raise RuntimeError(f"git {said}")
            return proc.stdout.strip()

        git("init", "-q", "-b", branch)
        git("add", "-A")
        git("-c", "user.name=seqlab-publish", "-c", "user.email=seqlab-publish@users.noreply.github.com",
            "commit", "-q", "-m", message or "강의 사이트 배포")
        git("push", "-q", "--force", remote, f"HEAD:refs/heads/{branch}")
        return git("rev-parse", "HEAD")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="seqlab-publish",
        description="학생에게 공개하는 것(사이트, 학생용 노트북, seqlab 휠)을 검사하고 공개 저장소에 올립니다.")
    sub = parser.add_subparsers(dest="verb", required=True)
    check = sub.add_parser("check", help="공개할 폴더에 정답·숨은 테스트가 한 줄도 없는지 검사합니다")
    check.add_argument("places", nargs="*", type=Path, default=[Path("_build/html")])
    push = sub.add_parser("push", help="검사를 통과한 _build/html을 공개 저장소의 사이트 브랜치에 올립니다")
    push.add_argument("--site", type=Path, default=Path("_build/html"))
    push.add_argument("--remote", default=None,
                      help="올릴 곳(기본: _config.yml의 repository.url). 다른 주소는 테스트용 로컬 저장소만")
    args = parser.parse_args(argv)
    settings = read_settings()
    places = args.places if args.verb == "check" else [args.site]
    leaks = scan_published(places)
    if leaks:
        print(f"공개하면 안 되는 줄이 {len(leaks)}개 있습니다 (정답 또는 숨은 테스트):", file=sys.stderr)
        for leak in leaks[:20]:
            print(f"  {leak}", file=sys.stderr)
        return 1
    if args.verb == "check":
        print(f"공개 검사 통과: {', '.join(map(str, places))}에 정답·숨은 테스트 줄 0개 "
              f"(마스터 {len(exercise_names())}개 기준)")
        return 0
    try:
        remote = args.remote or _push_address(settings.repo_url, os.environ.get("SEQLAB_PUBLISH_TOKEN", ""))
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    wheels = sorted((args.site / WHEEL_FOLDER).glob("seqlab-*.whl"))
    if len(wheels) != 1:
        print(f"{args.site / WHEEL_FOLDER}에 seqlab 휠이 정확히 하나 있어야 합니다: {wheels}", file=sys.stderr)
        return 1
    commit = publish(args.site, remote, settings.site_branch)
    shown = remote.split("@", 1)[-1] if "x-access-token:" in remote else remote  # never print a token
    print(f"배포 완료: {shown} {settings.site_branch} ({commit[:12]}), 사이트 {site_url(settings.repo_url)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
