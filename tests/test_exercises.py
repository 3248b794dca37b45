"""The exercise pipeline: otter assign + the course's finishing, and grading without Docker."""
import json
import subprocess
import sys

import nbformat
import pytest

from seqlab.assign import (
    SETUP_TAG,
    check_no_hidden_leak,
    colab_url_for_exercise,
    hidden_test_sources,
    packed_public_tests,
    solution_lines,
)

from .conftest import EXERCISES, ROOT, autograder_zip, otter_run


def test_there_are_exercises_with_enough_questions():
    assert EXERCISES == ["01-padding", "02-packing", "03-rnn", "04-lstm-gru"]
    for name in EXERCISES:
        nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        questions = [c for c in nb.cells if c.cell_type == "raw" and c.source.startswith("# BEGIN QUESTION")]
        assert len(questions) >= (3 if name < "03" else 4), name


@pytest.mark.parametrize("name", EXERCISES)
def test_assign_writes_student_notebook_and_autograder(assigned, name):
    student = assigned / name / "student"
    assert (student / f"{name}.ipynb").is_file()
    assert sorted(p.name for p in (student / "tests").glob("*.py"))  # public tests
    assert autograder_zip(assigned, name).stat().st_size > 0
    assert hidden_test_sources(assigned / name / "autograder" / "tests"), "every exercise has hidden tests"


@pytest.mark.parametrize("name", EXERCISES)
def test_student_notebook_opens_with_colab_link_and_setup_cell(assigned, name):
    nb = nbformat.read(assigned / name / "student" / f"{name}.ipynb", as_version=4)
    intro, setup, init = nb.cells[0], nb.cells[1], nb.cells[2]
    url = colab_url_for_exercise("https://github.com/seqlab-course/seqlab", "gh-pages", name)
    assert intro.cell_type == "markdown" and url in intro.source and "Colab에서 열기" in intro.source
    assert SETUP_TAG in setup.metadata["tags"]
    assert '"google.colab" in sys.modules' in setup.source
    assert "otter-grader==7.0.0" in setup.source and "seqlab @ git+https://github.com/" in setup.source
    assert "otter.Notebook" in init.source  # otter starts after the tests are in place
    assert not any("To double-check your work" in c.source for c in nb.cells)


@pytest.mark.parametrize("name", EXERCISES)
def test_packed_public_tests_are_exactly_the_public_test_files(assigned, name):
    nb = nbformat.read(assigned / name / "student" / f"{name}.ipynb", as_version=4)
    files = {p.name: p.read_text() for p in (assigned / name / "student" / "tests").glob("*.py")}
    assert packed_public_tests(nb) == files


@pytest.mark.parametrize("name", EXERCISES)
def test_no_hidden_test_or_solution_reaches_students(assigned, name):
    hidden = hidden_test_sources(assigned / name / "autograder" / "tests")
    student_dir = assigned / name / "student"
    text = "\n".join(p.read_text() for p in student_dir.rglob("*") if p.is_file())
    nb = nbformat.read(student_dir / f"{name}.ipynb", as_version=4)
    text += "\n".join(packed_public_tests(nb).values())
    for case in hidden:
        for line in case.splitlines():
            stmt = line[4:].strip() if line.startswith((">>> ", "... ")) else line.strip()
            if len(stmt) > 12:
                assert stmt not in text, stmt
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    answers = [line for line in solution_lines(ROOT / "notebooks" / f"{name}.ipynb") if len(line) > 8]
    assert answers and not [line for line in answers if line in code]


def test_leak_check_catches_a_planted_hidden_test(assigned, tmp_path):
    name = EXERCISES[0]
    case = hidden_test_sources(assigned / name / "autograder" / "tests")[0]
    stmt = next(line[4:] for line in case.splitlines() if len(line) > 16)
    leaked = tmp_path / "leaked.py"
    leaked.write_text(f"# copied by mistake\n{stmt}\n")
    with pytest.raises(RuntimeError, match="hidden test text leaked"):
        check_no_hidden_leak(assigned / name / "autograder" / "tests", [tmp_path])


def test_master_without_solution_markers_is_refused(tmp_path):
    nb = nbformat.read(ROOT / "notebooks" / "01-padding.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "# BEGIN SOLUTION" in cell.source:
            cell.source = "\n".join(line for line in cell.source.splitlines() if "SOLUTION" not in line)
            break
    bad = tmp_path / "01-padding.ipynb"
    nbformat.write(nb, bad)
    with pytest.raises(ValueError, match="no '# BEGIN SOLUTION'"):
        solution_lines(bad)


@pytest.mark.parametrize("name", EXERCISES)
def test_untouched_student_notebook_scores_zero_without_crashing(assigned, name, tmp_path):
    scores = otter_run(autograder_zip(assigned, name), assigned / name / "student" / f"{name}.ipynb",
                       tmp_path / "out")
    assert scores and all(score == 0 for score, _ in scores.values()), scores
    assert sum(possible for _, possible in scores.values()) == 10


@pytest.mark.parametrize("name", EXERCISES)
def test_master_solutions_score_full_marks(assigned, name, tmp_path):
    solved = assigned / name / "autograder" / f"{name}.ipynb"
    scores = otter_run(autograder_zip(assigned, name), solved, tmp_path / "out")
    assert scores and all(score == possible for score, possible in scores.values()), scores


def test_grader_check_gives_feedback_on_public_tests(assigned, tmp_path):
    """A student who answers only q1 of exercise 1 passes q1's public tests and fails q2's."""
    import shutil

    name = "01-padding"
    work = tmp_path / "work"
    shutil.copytree(assigned / name / "student", work)
    nb = nbformat.read(work / f"{name}.ipynb", as_version=4)
    answer = ("def pad_batch(seqs, pad_id):\n"
              "    L = max(len(s) for s in seqs)\n"
              "    rows = [list(s) + [pad_id] * (L - len(s)) for s in seqs]\n"
              "    return torch.tensor(rows), torch.tensor([len(s) for s in seqs])\n")
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.startswith("def pad_batch"):
            cell.source = answer + cell.source.split("...", 1)[1]
    nb.cells = nb.cells[: next(i for i, c in enumerate(nb.cells) if 'grader.check("q2")' in c.source) + 1]
    nbformat.write(nb, work / f"{name}.ipynb")
    script = (
        "import nbformat, sys\n"
        "from nbclient import NotebookClient\n"
        f"nb = nbformat.read('{name}.ipynb', as_version=4)\n"
        "NotebookClient(nb, timeout=300, kernel_name='python3', allow_errors=True).execute()\n"
        "outs = [o for c in nb.cells if c.cell_type == 'code' and 'grader.check' in c.source for o in c.outputs]\n"
        "import json; print(json.dumps([o.get('data', {}).get('text/plain', o.get('text', '')) for o in outs]))\n")
    proc = subprocess.run([sys.executable, "-c", script], cwd=work, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    q1, q2 = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "q1" in q1 and "passed" in q1
    assert "q2" in q2 and "failed" in q2
