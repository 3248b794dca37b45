"""Build the student notebooks and autograder zips from the exercise masters.

``seqlab-assign`` (or ``python -m seqlab.assign``) runs ``otter assign`` on every master in
``notebooks/`` and then finishes each student notebook for the course:

- a first cell with an "Open in Colab" badge and Korean instructions;
- one set-up cell that, in Colab, installs seqlab (pinned to the commit the site was built from)
  and otter-grader, and everywhere unpacks the public tests into ``tests/`` (locally it installs
  nothing and never overwrites a file);
- Korean text for otter's English "check all" cell.

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
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat

from .colab import pack_tests

__all__ = ["colab_url_for_exercise", "read_site_settings", "hidden_test_sources",
           "solution_lines", "packed_public_tests", "check_no_hidden_leak", "check_no_solution_leak",
           "assign_exercise", "main"]

OTTER_VERSION = "7.0.0"
SETUP_TAG = "seqlab-setup"


def colab_url_for_exercise(repo_url: str, site_branch: str, name: str) -> str:
    """Colab address of the student notebook ``name`` as published with the site.

    The built site carries every page's notebook in ``_sources/``; the site is published to
    ``site_branch`` of the GitHub repository ``repo_url``.
    """
    if "github.com/" not in repo_url:
        raise ValueError(f"Colab opens notebooks from GitHub only; repository url is {repo_url!r}")
    org, repo = repo_url.rstrip("/").split("github.com/")[-1].split("/")[:2]
    return (f"https://colab.research.google.com/github/{org}/{repo}/blob/"
            f"{site_branch}/_sources/book/exercises/{name}.ipynb")


def read_site_settings(root: Path) -> tuple[str, str]:
    """``(repository url, site branch)`` from the book's ``_config.yml``."""
    import yaml

    cfg = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    repo_url = cfg["repository"]["url"]
    branch = cfg.get("sphinx", {}).get("config", {}).get("seqlab_site_branch", "gh-pages")
    return repo_url, branch


def _git_ref(root: Path) -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                             text=True, check=True)
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "main"


def _read_test_file(path: Path) -> dict:
    """The ``test`` dict of an otter OK-format test file, read without running it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "test" for t in node.targets):
            return ast.literal_eval(node.value)
    raise ValueError(f"{path}: no `test = {{...}}` found; is this an otter test file?")


def hidden_test_sources(tests_dir: Path) -> list[str]:
    """The code of every hidden test case in an otter ``tests/`` folder (for leak checks)."""
    codes = []
    for path in sorted(Path(tests_dir).glob("*.py")):
        for suite in _read_test_file(path).get("suites", []):
            for case in suite.get("cases", []):
                if case.get("hidden"):
                    codes.append(case["code"])
    return codes


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


def _doctest_lines(code: str) -> list[str]:
    """The statements of a doctest-style case, without the ``>>>``/``...`` prompts."""
    lines = []
    for line in code.splitlines():
        if line.startswith((">>> ", "... ")):
            line = line[4:]
        if line.strip():
            lines.append(line)
    return lines


def _setup_cell_source(name: str, blob: str, repo_url: str, ref: str) -> str:
    chunks = textwrap.wrap(blob, 76)
    packed = "\n".join(f'    "{c}"' for c in chunks)
    return f'''# 준비 셀: 이 노트북에서 가장 먼저 한 번 실행하세요.
# - Colab에서는 seqlab과 otter-grader를 정해진 버전으로 설치합니다.
# - 어디서든 공개 테스트를 tests/ 폴더에 풀어 둡니다(이미 있는 파일은 건드리지 않습니다).
import subprocess
import sys

if "google.colab" in sys.modules:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    "seqlab @ git+{repo_url.rstrip('/')}@{ref}",
                    "otter-grader=={OTTER_VERSION}"], check=True)

from seqlab.colab import prepare_exercise

PUBLIC_TESTS = (
{packed}
)
prepare_exercise("{name}", PUBLIC_TESTS)'''


def _intro_cell_source(name: str, colab_url: str) -> str:
    return f"""**[▶ Colab에서 열기]({colab_url})**

**채점형 연습 `{name}` — 학생용 노트북**

1. 위 링크를 눌러 Colab에서 열거나, 저장소를 내려받아 로컬에서 엽니다.
2. 바로 아래 **준비 셀**을 먼저 실행합니다. Colab에서는 필요한 패키지를 설치하므로 1분쯤 걸릴 수 있습니다.
3. 문제마다 `...`를 채우고 `grader.check("q1")` 같은 셀을 실행해 공개 테스트로 확인합니다.
4. 다 풀면 이 `.ipynb` 파일을 그대로 제출합니다. 채점 때는 숨은 테스트도 함께 돌아갑니다."""


def _finish_student_notebook(path: Path, name: str, blob: str, colab_url: str, repo_url: str,
                             ref: str) -> None:
    nb = nbformat.read(path, as_version=4)
    intro = nbformat.v4.new_markdown_cell(_intro_cell_source(name, colab_url))
    setup = nbformat.v4.new_code_cell(_setup_cell_source(name, blob, repo_url, ref))
    setup.metadata["tags"] = [SETUP_TAG]
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.startswith("# Initialize Otter"):
            cell.source = cell.source.replace("# Initialize Otter", "# 채점 도구(otter) 준비: 공개 테스트로 답을 확인합니다", 1)
        if cell.cell_type == "markdown" and "To double-check your work" in cell.source:
            cell.source = "---\n\n아래 셀은 공개 테스트 전체를 한 번에 다시 실행합니다."
    nb.cells = [intro, setup] + nb.cells
    for i, cell in enumerate(nb.cells):  # stable ids: the same master gives the same notebook
        cell["id"] = f"{name}-{i:03d}"
    nbformat.validate(nb)
    nbformat.write(nb, path)


def assign_exercise(master: Path, out_dir: Path, site_dir: Path | None, *, repo_url: str,
                    site_branch: str, ref: str) -> Path:
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
                             colab_url_for_exercise(repo_url, site_branch, name), repo_url, ref)
    check_no_hidden_leak(dest / "autograder" / "tests", [dest / "student"])
    check_no_solution_leak(master, student_nb)
    if site_dir is not None:
        site_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(student_nb, site_dir / student_nb.name)
    return dest


def packed_public_tests(nb) -> dict[str, str]:
    """The public test files packed into a student notebook's set-up cell (``{}`` if it has none)."""
    from .colab import unpack_tests

    for cell in nb.cells:
        if SETUP_TAG in cell.metadata.get("tags", []):
            literal = cell.source.split("PUBLIC_TESTS = ", 1)[1].split("\nprepare_exercise")[0]
            return unpack_tests("".join(ast.literal_eval(literal)))
    return {}


def check_no_hidden_leak(autograder_tests: Path, places: list[Path]) -> None:
    """Raise if a statement of any hidden test appears in a file under ``places``.

    Public test files are packed inside the student notebook too, so the check unpacks those.
    """
    hidden_lines = set()
    for code in hidden_test_sources(autograder_tests):
        hidden_lines.update(line.strip() for line in _doctest_lines(code) if len(line.strip()) > 12)
    for place in places:
        files = [place] if place.is_file() else sorted(p for p in place.rglob("*") if p.is_file())
        for path in files:
            text = path.read_text(encoding="utf-8", errors="replace")
            texts = [text]
            if path.suffix == ".ipynb":
                texts.extend(packed_public_tests(nbformat.reads(text, as_version=4)).values())
            for t in texts:
                for line in hidden_lines:
                    if line in t:
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
    ref = args.ref or _git_ref(root)
    paths = sorted(masters.glob("[0-9][0-9]-*.ipynb"))
    if args.names:
        wanted = set(args.names)
        paths = [p for p in paths if p.stem in wanted]
        missing = wanted - {p.stem for p in paths}
        if missing:
            parser.error(f"마스터 노트북이 없습니다: {', '.join(sorted(missing))} (폴더: {masters})")
    if not paths:
        parser.error(f"{masters}에 마스터 노트북(NN-이름.ipynb)이 없습니다")
    for master in paths:
        dest = assign_exercise(master, out, site, repo_url=repo_url, site_branch=site_branch, ref=ref)
        zips = sorted((dest / "autograder").glob("*.zip"))
        print(f"{master.stem}: 학생용 {dest / 'student'} , autograder {zips[-1].name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
