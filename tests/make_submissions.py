"""Build a class's worth of submissions for exercise 01-padding, the way students really send them.

Used by the grading tests and by ``make bench-grading``:
``python -m tests.make_submissions STUDENT_NB AUTOGRADER_NB FOLDER [--class-size N]``.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
from pathlib import Path

import nbformat

# what each kind of submission should get (01-padding: q1 3 points, q2 2, q3 2, q4 3)
EXPECTED = {
    "2024001_01-padding.ipynb": ("ok", {"q1": 3, "q2": 2, "q3": 2, "q4": 3}),
    "2024002_01-padding.ipynb": ("ok", {"q1": 1.5, "q2": 2, "q3": 2, "q4": 3}),  # ignores pad_id
    "2024003_01-padding.ipynb": ("ok", {"q1": 3, "q2": 2, "q3": 2, "q4": 3}),  # raises in a cell
    "2024004_01-padding.ipynb": ("timeout", {"q1": 3, "q2": 2, "q3": 0, "q4": 0}),  # infinite loop
    "Copy of 2024005_01-padding.ipynb": ("ok", {"q1": 3, "q2": 2, "q3": 2, "q4": 3}),  # saved by Colab
    "2024006_01-padding.ipynb": ("ok", {"q1": 3, "q2": 2, "q3": 2, "q4": 3}),  # test cells deleted/edited
    "2024007_01-padding.ipynb": ("error: empty notebook (no code)", None),
    "2024008_01-padding.ipynb": ("not a notebook", None),  # not JSON
    "2024010_notes.json": ("not a notebook", None),  # JSON, not a notebook
    "2024009_01-padding.ipynb": ("duplicate", None),  # older file of 2024009
    "2024009_01-padding (1).ipynb": ("ok", {"q1": 3, "q2": 0, "q3": 0, "q4": 0}),  # newer: only q1
    "2024011_01-padding.ipynb": ("tampered", {"q1": 0, "q2": 0, "q3": 0, "q4": 0}),  # patches the checks
    "2024012_01-padding.ipynb": ("ok", {"q1": 3, "q2": 2, "q3": 2, "q4": 3}),  # snoops and writes around
    "2024013_01-padding.ipynb": ("ok", {"q1": 0, "q2": 0, "q3": 0, "q4": 0}),  # untouched student copy
}


def _code_index(nb, startswith: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.startswith(startswith))


def _insert_after(nb, startswith: str, source: str) -> None:
    nb.cells.insert(_code_index(nb, startswith) + 1, nbformat.v4.new_code_cell(source))


def _key(line: str) -> str:
    """What an answer cell's first line defines: ``def pad_batch(``, ``leaky =``."""
    for sep in ("(", "="):
        if sep in line:
            return line.split(sep, 1)[0].rstrip() + sep
    return line


def solved_student_notebook(student_nb: Path, autograder_nb: Path):
    """The student notebook with every answer cell filled in from the autograder's solutions.

    Answer cells (tagged ``otter_answer_cell``) are matched, in order, with the autograder
    notebook's code cell that defines the same thing (``def pad_batch(``, ``leaky =``).
    """
    student = nbformat.read(student_nb, as_version=4)
    solutions = [c for c in nbformat.read(autograder_nb, as_version=4).cells if c.cell_type == "code"]
    used = set()
    for cell in student.cells:
        if "otter_answer_cell" not in cell.metadata.get("tags", []):
            continue
        key = _key(cell.source.splitlines()[0])
        k = next(k for k, sol in enumerate(solutions)
                 if k not in used and sol.source != cell.source
                 and any(_key(line) == key for line in sol.source.splitlines()[:3]))
        used.add(k)
        cell.source = solutions[k].source
    return student


def make_class(student_nb: Path, autograder_nb: Path, folder: Path, out_dir_hint: Path | None = None) -> dict:
    """Write one submission of every kind in EXPECTED into ``folder``; return EXPECTED."""
    folder.mkdir(parents=True, exist_ok=True)
    solved = solved_student_notebook(student_nb, autograder_nb)
    student = nbformat.read(student_nb, as_version=4)

    def write(name: str, nb) -> Path:
        path = folder / name
        nbformat.write(nb, path)
        return path

    write("2024001_01-padding.ipynb", solved)

    partly = copy.deepcopy(solved)  # ignores pad_id: passes the public tests, fails one hidden case
    i = _code_index(partly, "def pad_batch")
    partly.cells[i].source = partly.cells[i].source.replace(
        "batch = torch.full((len(seqs), int(lengths.max())), pad_id, dtype=torch.long)",
        "batch = torch.zeros((len(seqs), int(lengths.max())), dtype=torch.long)")
    assert partly.cells[i].source != solved.cells[i].source
    write("2024002_01-padding.ipynb", partly)

    raises = copy.deepcopy(solved)
    _insert_after(raises, "def pad_batch", "ratio = 1 / 0  # a mistake that raises")
    write("2024003_01-padding.ipynb", raises)

    loops = copy.deepcopy(solved)
    _insert_after(loops, "def embedding_grad_rows", "while True:  # forgot the stopping condition\n    try:\n"
                  "        pass\n    except Exception:\n        pass")
    write("2024004_01-padding.ipynb", loops)

    colab = json.loads(nbformat.writes(solved))  # Colab drops ids and rewrites the metadata
    colab["metadata"] = {"colab": {"provenance": [], "name": "Copy of 01-padding.ipynb"},
                         "kernelspec": {"name": "python3", "display_name": "Python 3"}}
    colab["nbformat_minor"] = 0
    for cell in colab["cells"]:
        cell.pop("id", None)
        cell["metadata"] = {"id": "x" + str(abs(hash(str(cell.get("source")))) % 10**6)}
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    (folder / "Copy of 2024005_01-padding.ipynb").write_text(json.dumps(colab), encoding="utf-8")

    edited = copy.deepcopy(solved)  # checks deleted, one turned into something else
    edited.cells = [c for c in edited.cells if not (c.cell_type == "code" and 'grader.check("q2")' in c.source)]
    for c in edited.cells:
        if c.cell_type == "code" and 'grader.check("q1")' in c.source:
            c.source = "print('나중에 확인하기')"
    write("2024006_01-padding.ipynb", edited)

    write("2024007_01-padding.ipynb", nbformat.v4.new_notebook())
    (folder / "2024008_01-padding.ipynb").write_bytes(b"\x89PNG this is not a notebook")
    (folder / "2024010_notes.json").write_text('{"memo": "노트북이 아닙니다"}', encoding="utf-8")

    older = write("2024009_01-padding.ipynb", solved)
    newer = copy.deepcopy(student)
    i = _code_index(newer, "def pad_batch")
    newer.cells[i] = copy.deepcopy(solved.cells[_code_index(solved, "def pad_batch")])
    newer_path = write("2024009_01-padding (1).ipynb", newer)
    os.utime(older, (1_700_000_000, 1_700_000_000))
    os.utime(newer_path, (1_700_000_100, 1_700_000_100))

    cheat = copy.deepcopy(student)  # tries to give itself full marks by patching the checks
    cheat.cells.insert(4, nbformat.v4.new_code_cell(
        "import seqlab.checks as c, torch\n"
        "c.expect.equal = c.expect.dtype = c.expect.shape = lambda *a, **k: None\n"
        "c.run_case = lambda *a, **k: c.CaseResult(True, True)\n"
        "torch.equal = lambda *a, **k: True"))
    write("2024011_01-padding.ipynb", cheat)

    target = (out_dir_hint / "gradebook.csv") if out_dir_hint else Path("gradebook.csv")
    snoop = copy.deepcopy(solved)  # looks for the hidden tests, writes over the gradebook and a classmate
    snoop.cells.insert(4, nbformat.v4.new_code_cell(
        "import glob, os\n"
        "found = glob.glob('/tmp/**/tests/*.py', recursive=True) + glob.glob('/work/**/*autograder*.zip', recursive=True)\n"
        "print('SNOOP found', len(found), 'files')\n"
        "for f in found:\n    print(open(f, errors='ignore').read()[:2000])\n"
        f"try:\n    open({str(target)!r}, 'w').write('student_id,total\\nme,100\\n')\nexcept OSError:\n    pass\n"
        f"try:\n    open({str(folder / '2024001_01-padding.ipynb')!r}, 'w').write('erased')\n"
        "except OSError:\n    pass"))
    write("2024012_01-padding.ipynb", snoop)

    write("2024013_01-padding.ipynb", student)
    return EXPECTED


def make_large_class(student_nb: Path, autograder_nb: Path, folder: Path, size: int) -> None:
    """``size`` ordinary submissions: two in three solved, one in three untouched."""
    folder.mkdir(parents=True, exist_ok=True)
    solved = solved_student_notebook(student_nb, autograder_nb)
    student = nbformat.read(student_nb, as_version=4)
    for k in range(size):
        nb = solved if k % 3 else student
        nbformat.write(nb, folder / f"{2025000 + k}_01-padding.ipynb")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("student_nb", type=Path)
    parser.add_argument("autograder_nb", type=Path, help="the autograder notebook (with solutions)")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--class-size", type=int, default=0, help="make N ordinary submissions instead")
    args = parser.parse_args()
    if args.class_size:
        make_large_class(args.student_nb, args.autograder_nb, args.folder, args.class_size)
    else:
        make_class(args.student_nb, args.autograder_nb, args.folder)


if __name__ == "__main__":
    main()
