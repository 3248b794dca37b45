"""The instructor's five-student walk-through for exercise 01-padding, as files an LMS hands over.

One folder per student, Colab's file names, and a late second file:

- ``2026001``: solved;
- ``2026002``: untouched (the student notebook as downloaded);
- ``2026003``: partly right (ignores ``pad_id``: passes the public tests, loses hidden cases) without
  question 4, then a second file after the deadline with question 4 answered;
- ``2026004``: a syntax error in the ``embedding_grad_rows`` cell (question 2);
- ``2026005``: calls the forbidden ``seqlab.pad_sequences`` inside ``pad_batch``.

``python -m tests.walkthrough STUDENT_NB AUTOGRADER_NB FOLDER`` writes it (and ``times.csv``).
"""
from __future__ import annotations

import argparse
import copy
from pathlib import Path

import nbformat

from .make_submissions import _code_index, solved_student_notebook

DEADLINE = "2026-12-01T23:59"
TIMES = {
    "2026001/Copy of 01-padding.ipynb": "2026-12-01T20:15",
    "2026002/Copy of 01-padding.ipynb": "2026-12-01T21:00",
    "2026003/Copy of 01-padding.ipynb": "2026-12-01T22:30",
    "2026003/Copy of 01-padding (1).ipynb": "2026-12-02T09:10",  # late: 0.38 days
    "2026004/사본 - 01-padding.ipynb": "2026-12-01T23:10",
    "2026005/Copy of 01-padding.ipynb": "2026-12-01T23:58",
}
# what each student gets (01-padding: q1 3 points, q2 2, q3 2, q4 3)
EXPECTED = {
    "2026001": ({"q1": 3, "q2": 2, "q3": 2, "q4": 3}, "full"),
    "2026002": ({"q1": 0, "q2": 0, "q3": 0, "q4": 0}, "untouched"),
    "2026003": ({"q1": 1.5, "q2": 2, "q3": 2, "q4": 3}, "partial"),  # the late second file
    "2026004": ({"q1": 3, "q2": 0, "q3": 2, "q4": 3}, "errors"),
    "2026005": ({"q1": 0, "q2": 2, "q3": 2, "q4": 3}, "partial"),  # the forbidden call fails every case
}

FORBIDDEN_PAD_BATCH = '''def pad_batch(seqs, pad_id):
    from seqlab import pad_sequences
    return pad_sequences(seqs, pad_id=pad_id)
'''


def partly_right(solved):
    nb = copy.deepcopy(solved)
    i = _code_index(nb, "def pad_batch")
    nb.cells[i].source = nb.cells[i].source.replace(
        "batch = torch.full((len(seqs), int(lengths.max())), pad_id, dtype=torch.long)",
        "batch = torch.zeros((len(seqs), int(lengths.max())), dtype=torch.long)")
    assert nb.cells[i].source != solved.cells[i].source
    return nb


def make_walkthrough(student_nb: Path, autograder_nb: Path, folder: Path) -> dict:
    solved = solved_student_notebook(student_nb, autograder_nb)
    student = nbformat.read(student_nb, as_version=4)

    def write(rel: str, nb) -> None:
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)

    write("2026001/Copy of 01-padding.ipynb", solved)
    write("2026002/Copy of 01-padding.ipynb", student)
    first = partly_right(solved)
    i = _code_index(first, "_ = torch.manual_seed(0)")
    first.cells[i] = copy.deepcopy(student.cells[_code_index(student, "_ = torch.manual_seed(0)")])
    write("2026003/Copy of 01-padding.ipynb", first)
    write("2026003/Copy of 01-padding (1).ipynb", partly_right(solved))
    broken = copy.deepcopy(solved)
    i = _code_index(broken, "def embedding_grad_rows")
    lines = broken.cells[i].source.splitlines()
    lines.insert(1, "    flat = batch.reshape(-1)   # (B*L,)")
    lines.insert(2, "    counts = torch.bincount(flat  (")
    broken.cells[i].source = "\n".join(lines)
    write("2026004/사본 - 01-padding.ipynb", broken)
    forbidden = copy.deepcopy(solved)
    forbidden.cells[_code_index(forbidden, "def pad_batch")].source = FORBIDDEN_PAD_BATCH
    write("2026005/Copy of 01-padding.ipynb", forbidden)
    times = folder.parent / "times.csv"
    times.write_text("file,submitted_at\n" + "".join(f"{rel},{t}\n" for rel, t in TIMES.items()), encoding="utf-8")
    return EXPECTED


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("student_nb", type=Path)
    parser.add_argument("autograder_nb", type=Path)
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    make_walkthrough(args.student_nb, args.autograder_nb, args.folder)


if __name__ == "__main__":
    main()
