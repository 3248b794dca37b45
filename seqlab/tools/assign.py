"""Build the student notebooks and autograder zips from the exercise masters.

``seqlab-assign`` (or ``python -m seqlab.tools.assign``) runs ``otter assign`` on every master in
``notebooks/`` and then finishes each student notebook for the course:

- after the title, an "Open in Colab" link and Korean instructions;
- one set-up cell that, in Colab, installs seqlab only (the library-only wheel published with
  the site, :mod:`seqlab.tools.publish`; Colab's own torch/numpy/matplotlib are kept), explains in
  Korean what to do when that fails or when seqlab is missing locally, and creates ``grader``
  (:class:`seqlab.checks.Checker`) from the public tests packed into the cell itself, so that the
  notebook needs no file beside it (Colab opens it with none);
- relative chapter links made absolute (to the published site), a ``grader.check_all()`` cell and
  Korean instructions for downloading, naming and submitting the file.

Otter is used for its assign format and the autograder zip only; students never install it.

Output, all git-ignored::

    _build/exercises/NN-name/autograder/NN-name-autograder_*.zip   (hidden tests: instructors only)
    _build/exercises/NN-name/autograder/NN-name.ipynb              (solutions)
    _build/exercises/NN-name/student/NN-name.ipynb                 (what students get)
    book/exercises/NN-name.ipynb                                    (the same, for the site)

Every run checks that no hidden test reached a student file.
"""
from __future__ import annotations

import argparse
import ast
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat

from seqlab.colab import pack_tests

from .otterfmt import find_leak, hidden_statements, tests_from_dir
from .otterfmt import hidden_test_sources as _hidden_test_sources
from .publish import UNPUBLISHED, github_repo, site_url, wheel_url
from .settings import ROOT, exercise_names, read_settings

__all__ = ["colab_url_for_page", "colab_url_for_exercise", "pin_chapter_sources", "read_site_settings", "site_url", "install_source",
           "install_lines", "chapter_setup_source", "git_ref", "hidden_test_sources",
           "solution_lines", "packed_public_tests", "secret_lines", "check_no_hidden_leak", "check_no_solution_leak",
           "assign_exercise", "main"]

SETUP_TAG = "seqlab-setup"


def colab_url_for_page(repo_url: str, site_branch: str, pagename: str) -> str:
    """Colab address of the notebook behind the site page ``pagename`` (e.g. ``book/01-padding``).

    The built site carries every page's notebook in ``_sources/``, pinned to the commit it was
    built from; the site is published to ``site_branch`` of the GitHub repository ``repo_url``.
    """
    org, repo = github_repo(repo_url, "Colab opens notebooks from GitHub only")
    return (f"https://colab.research.google.com/github/{org}/{repo}/blob/"
            f"{site_branch}/_sources/{pagename}.ipynb")


def colab_url_for_exercise(repo_url: str, site_branch: str, name: str) -> str:
    """Colab address of the student notebook ``name`` as published with the site."""
    return colab_url_for_page(repo_url, site_branch, f"book/exercises/{name}")


def read_site_settings(root: Path) -> tuple[str, str]:
    """``(repository url, site branch)``, read by :func:`seqlab.tools.settings.read_settings`."""
    settings = read_settings(root)
    return settings.repo_url, settings.site_branch


def git_ref(root: Path) -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                             text=True, check=True)
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "main"


def hidden_test_sources(tests_dir: Path) -> list[str]:
    """The Python source of every hidden test case in an otter ``tests/`` folder (for leak checks)."""
    return _hidden_test_sources(Path(tests_dir))


def solution_lines(master: Path) -> list[str]:
    """The answer lines of a master: what otter must strip from the student notebook.

    Raises if a code cell inside a ``# BEGIN SOLUTION``/``# END SOLUTION`` block has no inline
    marker: otter would then copy that cell, answer and all, into the student notebook.
    """
    nb = nbformat.read(master, as_version=4)
    in_block, lines = False, []
    for i, cell in enumerate(nb.cells):
        src = cell.source.strip()
        if cell.cell_type == "raw" and src.upper().startswith("# BEGIN SOLUTION"):
            in_block = True
            continue
        if cell.cell_type == "raw" and src.upper().startswith("# END SOLUTION"):
            in_block = False
            continue
        if not in_block or cell.cell_type != "code":
            continue
        inside, marked = False, False
        for line in cell.source.splitlines():
            stripped = line.strip()
            if stripped.startswith("# BEGIN SOLUTION"):
                inside = marked = True
            elif stripped.startswith("# END SOLUTION"):
                inside = False
            elif inside and stripped:
                lines.append(stripped)
            elif stripped.endswith("# SOLUTION"):
                marked = True
                rhs = stripped.rsplit("# SOLUTION", 1)[0].strip()
                lines.append(rhs.split("=", 1)[1].strip() if "=" in rhs else rhs)
        if not marked:
            raise ValueError(f"{master}: solution cell {i} has no '# BEGIN SOLUTION' or '# SOLUTION' "
                             "marker, so its answer would reach the student notebook")
    return [line for line in lines if line and not line.startswith("#")]


def check_no_solution_leak(master: Path, student_nb: Path) -> None:
    """Raise if an answer line of ``master`` appears in the student notebook."""
    nb = nbformat.read(student_nb, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for line in solution_lines(master):
        if len(line) > 8 and line in code:
            raise RuntimeError(f"solution text leaked into {student_nb}: {line!r}")


def install_source(repo_url: str, ref: str, root: Path = ROOT) -> str:
    """What Colab installs seqlab from: the library-only wheel published with the site built from
    commit ``ref`` (:func:`seqlab.tools.publish.wheel_url`); never an archive of the repository."""
    return wheel_url(repo_url, root, ref)


#: The Korean messages of the set-up cells (one home for exercises and chapters).
INSTALL_FAILED = ("seqlab을 설치하지 못했습니다. (1) 인터넷 연결을 확인하고 이 셀을 다시 실행하세요. "
                  "(2) 그래도 안 되면 메뉴의 런타임 → 런타임 다시 시작을 누른 뒤 다시 실행하세요. "
                  "(3) 계속 실패하면 위에 나온 오류 내용을 강사에게 보내 주세요.")
NOT_PUBLISHED = ("이 노트북은 강의 사이트에 게시된 사본이 아니라서 seqlab을 설치할 주소가 없습니다. "
                 "강의 사이트의 해당 페이지에서 'Colab에서 열기' 버튼으로 다시 여세요.")
NOT_FOUND = ("설치할 seqlab 파일이 강의 사이트에 없습니다(HTTP 404). 다시 실행해도 고쳐지지 않습니다. "
             "강사에게 '이 노트북의 seqlab이 게시되지 않았습니다'라고 알리고, 이 메시지 끝의 주소를 함께 보내 주세요:")
NOT_INSTALLED = ("seqlab이 설치되어 있지 않습니다. Colab에서 열었다면 이 셀을 다시 실행하세요. "
                 "내 컴퓨터라면 pip install 'seqlab @ 주소'로 설치한 뒤 다시 실행하세요(주소는 이 "
                 "메시지 끝에 있습니다). 강의 저장소를 받은 강사·조교는 그 폴더에서 make venv를 실행하세요.")


def _string_literal(text: str, indent: str, width: int = 46) -> list[str]:
    """``text`` as adjacent string literals, short enough for a narrow page (Korean is wide)."""
    if '"' in text or "\\" in text:
        raise ValueError("set-up cell messages use no double quotes or backslashes")
    return [f'{indent}"{chunk}"' for chunk in textwrap.wrap(text, width, drop_whitespace=False)]


def install_lines(source: str, extras: tuple[str, ...] = ()) -> list[str]:
    """The lines that install seqlab in Colab and explain, in Korean, what to do when it fails.

    Colab already has torch, numpy and matplotlib; pip keeps them and adds only seqlab and the
    Korean font package (and the optional ``extras`` a chapter needs, e.g. ``timeseries``).
    ``SEQLAB_INSTALL_SOURCE`` overrides the address (the Colab-like test installs from the local
    checkout this way).
    """
    requirement = f"seqlab[{','.join(extras)}] @ " if extras else "seqlab @ "
    return [
        "import importlib.util, os, re, subprocess, sys",
        "",
        "try:",
        "    import google.colab  # noqa: F401  (Colab에만 있는 모듈)",
        "    IN_COLAB = True",
        "except ImportError:",
        "    IN_COLAB = False",
        'SEQLAB = os.environ.get("SEQLAB_INSTALL_SOURCE",',
        f'                        "{source}")',
        'if IN_COLAB and not importlib.util.find_spec("seqlab"):',
        '    if not SEQLAB.startswith(("https://", "http://", "file:")):',
        "        raise RuntimeError(",
        *_string_literal(NOT_PUBLISHED, "            "),
        "        )",
        '    print("seqlab 설치 중…")',
        '    _pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q",',
        f'                           "--disable-pip-version-check", "{requirement}" + SEQLAB],',
        "                          capture_output=True, text=True)",
        "    if _pip.returncode != 0:",
        '        _log = _pip.stdout[-1500:] + "\\n" + _pip.stderr[-1500:]',
        "        print(_log)",
        '        if re.search(r"HTTP error 404|404 Client Error|Not Found for url", _log):',
        "            raise RuntimeError(",
        *_string_literal(NOT_FOUND, "                "),
        '                + " " + SEQLAB',
        "            )",
        "        raise RuntimeError(",
        *_string_literal(INSTALL_FAILED, "            "),
        "        )",
        'if not importlib.util.find_spec("seqlab"):',
        "    raise ModuleNotFoundError(",
        *_string_literal(NOT_INSTALLED, "        "),
        '        + (" " + SEQLAB if SEQLAB.startswith("http") else "")',
        "    )",
    ]


def chapter_setup_source(extras: tuple[str, ...] = ()) -> str:
    """The first code cell of every chapter: installs seqlab in Colab, explains a missing seqlab.

    Chapters are committed without an address (:data:`seqlab.tools.publish.UNPUBLISHED`): the
    site build fills in the address of the wheel it publishes, in the pages and in the copies
    the Colab buttons open (:func:`pin_chapter_sources`), so the one address setting stays in
    ``_config.yml``.
    """
    head = "# @title 준비 셀: Colab에서는 seqlab을 설치합니다 (로컬에서는 설치된 seqlab을 씁니다)"
    return "\n".join([head] + install_lines(UNPUBLISHED, extras))


def pin_chapter_sources(sources: Path, source: str) -> list[Path]:
    """Fill the address ``source`` (the published wheel) into the set-up cell of the chapter
    notebooks a built site publishes in ``sources`` (``_build/html/_sources``). Returns the
    notebooks changed."""
    changed = []
    for path in sorted(Path(sources).glob("book/*.ipynb*")):
        text = path.read_text(encoding="utf-8")
        if UNPUBLISHED in text:
            path.write_text(text.replace(UNPUBLISHED, source), encoding="utf-8")
            changed.append(path)
    return changed


def _setup_cell_source(name: str, blob: str, source: str) -> str:
    chunks = textwrap.wrap(blob, 76)
    packed = "\n".join(f'    "{c}"' for c in chunks)
    lines = ["# @title 준비 셀: 가장 먼저 한 번 실행하세요 (Colab에서는 seqlab을 설치합니다)"]
    lines += install_lines(source)
    lines += ["", "from seqlab.checks import Checker", "", "PUBLIC_TESTS = (", packed, ")",
              f'grader = Checker("{name}", PUBLIC_TESTS, globals())',
              'print(f"준비 완료: 문제 {len(grader.questions)}개 ({\', \'.join(grader.questions)})")']
    return "\n".join(lines)


def _intro_cell_source(name: str, colab_url: str) -> str:
    return f"""**[▶ Colab에서 열기]({colab_url})** · 채점형 연습 `{name}` (학생용)

1. 위 링크로 Colab에서 엽니다. 내 컴퓨터의 Jupyter에서 풀려면 이 노트북을 내려받아 열고, 준비 셀이
   알려 주는 주소로 seqlab을 설치합니다.
2. 바로 아래 **준비 셀**을 가장 먼저 실행합니다. Colab에서는 seqlab을 설치하느라 수십 초가 걸릴 수 있습니다.
3. 문제마다 `...`를 여러분의 코드로 바꾸고, 그 아래 `grader.check("q1")` 같은 셀을 실행해 확인합니다.
   아직 풀지 않은 문제는 "아직 답을 쓰지 않았습니다"라고 나옵니다.
4. 다 풀면 맨 아래 **제출하기** 안내대로 파일을 내려받아 제출합니다. 채점 때는 숨은 테스트도 함께 돌아갑니다."""


def _submit_cell_source(name: str) -> str:
    return f"""## 제출하기

1. 위의 `grader.check_all()` 셀을 실행해 모든 문제를 확인합니다(숨은 테스트는 채점 때 돌아갑니다).
2. 노트북을 내려받습니다. Colab: 메뉴 **파일 → 다운로드 → .ipynb 다운로드**. Jupyter: **File → Download**.
3. 내려받은 파일의 이름을 `학번_{name}.ipynb` 꼴로 바꿉니다. 예: `20261234_{name}.ipynb`
   채점표에는 파일 이름에서 연습 이름을 뺀 부분(여기서는 학번)이 학생 id로 적힙니다. Colab이 붙이는
   `사본 -`, `Copy of`, ` (1)` 같은 말은 채점기가 떼어 내지만, 학번이 빠지면 누구의 제출인지 알 수 없습니다.
4. 강사가 안내한 곳에 이 `.ipynb` 파일 하나를 올립니다. 문제 셀과 `grader.check` 셀은 지우지 마세요."""


_CHAPTER_LINK = re.compile(r"\]\(\.\./(\d\d-[\w-]+)\.(?:ipynb|md)\)")


def absolute_chapter_links(markdown: str, site: str) -> str:
    """Relative links to chapters (``../01-padding.ipynb``) as links to the published site,
    so that they work in Colab, where the notebook has no folder around it."""
    return _CHAPTER_LINK.sub(lambda m: f"]({site}book/{m.group(1)}.html)", markdown)


def _finish_student_notebook(path: Path, name: str, blob: str, colab_url: str, source: str,
                             site: str) -> None:
    nb = nbformat.read(path, as_version=4)
    intro = nbformat.v4.new_markdown_cell(_intro_cell_source(name, colab_url))
    setup = nbformat.v4.new_code_cell(_setup_cell_source(name, blob, source))
    setup.metadata["tags"] = [SETUP_TAG, "hide-input"]
    setup.metadata["cellView"] = "form"  # Colab shows the title line only
    check_all = nbformat.v4.new_code_cell("grader.check_all()")
    submit = nbformat.v4.new_markdown_cell(_submit_cell_source(name))
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = absolute_chapter_links(cell.source, site)
    title, rest = nb.cells[:1], nb.cells[1:]
    nb.cells = title + [intro, setup] + rest + [check_all, submit]
    for i, cell in enumerate(nb.cells):  # stable ids: the same master gives the same notebook
        cell["id"] = f"{name}-{i:03d}"
    nbformat.validate(nb)
    nbformat.write(nb, path)


def assign_exercise(master: Path, out_dir: Path, site_dir: Path | None, *, repo_url: str,
                    site_branch: str, ref: str, root: Path = ROOT) -> Path:
    """Run otter assign on one master and finish its student notebook. Returns its folder."""
    name = master.stem
    solution_lines(master)  # refuse a master whose answers otter would not strip
    dest = out_dir / name
    if dest.exists():
        shutil.rmtree(dest)
    proc = subprocess.run([sys.executable, "-m", "otter", "assign", "--no-pdfs", str(master), str(dest)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"otter assign failed for {master}:\n{proc.stdout}\n{proc.stderr}")
    student_nb = dest / "student" / f"{name}.ipynb"
    public = {p.name: p.read_text(encoding="utf-8") for p in sorted((dest / "student" / "tests").glob("*.py"))}
    if not public:
        raise RuntimeError(f"{master}: otter assign wrote no public tests")
    _finish_student_notebook(student_nb, name, pack_tests(public),
                             colab_url_for_exercise(repo_url, site_branch, name),
                             install_source(repo_url, ref, root), site_url(repo_url))
    check_no_hidden_leak(dest / "autograder" / "tests", [dest / "student"], master)
    check_no_solution_leak(master, student_nb)
    if site_dir is not None:
        site_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(student_nb, site_dir / student_nb.name)
    return dest


def packed_public_tests(nb) -> dict[str, str]:
    """The public test files packed into a student notebook's set-up cell (``{}`` if it has none)."""
    from seqlab.colab import unpack_tests

    for cell in nb.cells:
        if SETUP_TAG in cell.metadata.get("tags", []):
            literal = cell.source.split("PUBLIC_TESTS = ", 1)[1].split("\ngrader = ")[0]
            return unpack_tests("".join(ast.literal_eval(literal)))
    return {}


def secret_lines(autograder_tests: Path, master: Path | None = None) -> set[str]:
    """The statements of the hidden tests that a student must never see (the one leak rule,
    :func:`seqlab.tools.otterfmt.hidden_statements`), given the master's public content: markdown,
    ordinary code cells and public tests (an import line shared with them reveals nothing)."""
    public = ""
    if master is not None:
        public = "\n".join(c.source for c in nbformat.read(master, as_version=4).cells
                           if not (c.cell_type == "code" and c.source.lstrip().startswith("# HIDDEN")))
    return hidden_statements(tests_from_dir(Path(autograder_tests)), public)


def check_no_hidden_leak(autograder_tests: Path, places: list[Path], master: Path | None = None) -> None:
    """Raise if a secret statement of a hidden test (:func:`secret_lines`) appears under ``places``.

    Public test files are packed inside the student notebook too, so the check unpacks those.
    """
    hidden_lines = secret_lines(autograder_tests, master)
    for place in places:
        files = [place] if place.is_file() else sorted(p for p in place.rglob("*") if p.is_file())
        for path in files:
            text = path.read_text(encoding="utf-8", errors="replace")
            texts = [text]
            if path.suffix == ".ipynb":
                texts.extend(packed_public_tests(nbformat.reads(text, as_version=4)).values())
            for t in texts:
                line = find_leak(t, hidden_lines)
                if line is not None:
                    raise RuntimeError(f"hidden test text leaked into {path}: {line!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="seqlab-assign",
        description="학생용 노트북과 채점용 autograder zip을 만듭니다 (otter assign + 과정 설정).")
    parser.add_argument("names", nargs="*", help="만들 연습 이름(예: 01-padding). 없으면 전부")
    parser.add_argument("--root", type=Path, default=Path("."), help="저장소 최상위 폴더")
    parser.add_argument("--masters", type=Path, default=None, help="마스터 노트북 폴더 (기본: notebooks)")
    parser.add_argument("--out", type=Path, default=None, help="출력 폴더 (기본: _build/exercises)")
    parser.add_argument("--site", type=Path, default=None,
                        help="사이트용 학생 노트북을 둘 폴더 (기본: book/exercises)")
    parser.add_argument("--ref", default=None, help="Colab에서 설치할 seqlab의 git ref (기본: 현재 커밋)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    masters = args.masters or root / "notebooks"
    out = args.out or root / "_build" / "exercises"
    site = args.site or root / "book" / "exercises"
    repo_url, site_branch = read_site_settings(root)
    ref = args.ref or git_ref(root)
    paths = [masters / f"{name}.ipynb" for name in exercise_names(masters.parent)] if args.masters is None \
        else sorted(masters.glob("[0-9][0-9]-*.ipynb"))
    if args.names:
        wanted = set(args.names)
        paths = [p for p in paths if p.stem in wanted]
        missing = wanted - {p.stem for p in paths}
        if missing:
            parser.error(f"마스터 노트북이 없습니다: {', '.join(sorted(missing))} (폴더: {masters})")
    if not paths:
        parser.error(f"{masters}에 마스터 노트북(NN-이름.ipynb)이 없습니다")
    for master in paths:
        dest = assign_exercise(master, out, site, repo_url=repo_url, site_branch=site_branch, ref=ref,
                               root=root)
        zips = sorted((dest / "autograder").glob("*.zip"))
        print(f"{master.stem}: 학생용 {dest / 'student'} , autograder {zips[-1].name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
