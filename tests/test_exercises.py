"""The exercise pipeline: otter assign + the course's finishing, and grading without Docker."""
import nbformat
import pytest

from seqlab.tools.assign import (
    SETUP_TAG,
    check_no_hidden_leak,
    colab_url_for_exercise,
    hidden_test_sources,
    packed_public_tests,
    secret_lines,
    git_ref,
    solution_lines,
)
from seqlab.tools.publish import wheel_name
from seqlab.tools.settings import read_settings

from .conftest import EXERCISES, ROOT, autograder_zip, otter_run


def test_there_are_exercises_with_enough_questions():
    assert EXERCISES[:4] == ["01-padding", "02-packing", "03-rnn", "04-lstm-gru"]
    for name in EXERCISES:
        nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        questions = [c for c in nb.cells if c.cell_type == "raw" and c.source.startswith("# BEGIN QUESTION")]
        assert len(questions) >= 4, name


@pytest.mark.parametrize("name", EXERCISES)
def test_masters_use_the_check_format(name):
    """Tests see the student only through `student` and say why through `expect` (no bare assert)."""
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert "student = local_student(globals())" in first_code.source
    config = nb.cells[0].source
    assert "init_cell: false" in config and "check_all_cell: false" in config
    in_tests = False
    for cell in nb.cells:
        if cell.cell_type == "raw":
            in_tests = {"# BEGIN TESTS": True, "# END TESTS": False}.get(cell.source.strip(), in_tests)
        elif in_tests and cell.cell_type == "code":
            assert "student." in cell.source and "expect." in cell.source, cell.source
            assert not any(line.strip().startswith("assert ") for line in cell.source.splitlines()), cell.source


@pytest.mark.parametrize("name", EXERCISES)
def test_assign_writes_student_notebook_and_autograder(assigned, name):
    student = assigned / name / "student"
    assert (student / f"{name}.ipynb").is_file()
    assert sorted(p.name for p in (student / "tests").glob("*.py"))  # public tests
    assert autograder_zip(assigned, name).stat().st_size > 0
    assert hidden_test_sources(assigned / name / "autograder" / "tests"), "every exercise has hidden tests"


@pytest.mark.parametrize("name", EXERCISES)
def test_student_notebook_layout(assigned, name):
    """Title, Colab link and instructions, one light set-up cell, the questions, then how to submit."""
    nb = nbformat.read(assigned / name / "student" / f"{name}.ipynb", as_version=4)
    title, intro, setup = nb.cells[0], nb.cells[1], nb.cells[2]
    assert title.cell_type == "markdown" and title.source.startswith("# 연습")
    settings = read_settings(ROOT)
    url = colab_url_for_exercise(settings.repo_url, settings.site_branch, name)
    assert intro.cell_type == "markdown" and url in intro.source and "Colab에서 열기" in intro.source
    assert SETUP_TAG in setup.metadata["tags"] and "hide-input" in setup.metadata["tags"]
    assert "import google.colab" in setup.source and "IN_COLAB" in setup.source
    assert f"/dist/{wheel_name(ROOT, git_ref(ROOT))}" in setup.source  # the library-only wheel, one commit
    assert "/archive/" not in setup.source  # never an archive of the repository
    assert "otter" not in setup.source.lower()  # students install nothing but seqlab
    assert f'grader = Checker("{name}", PUBLIC_TESTS, globals())' in setup.source
    assert "../" not in "".join(c.source for c in nb.cells if c.cell_type == "markdown")  # links work in Colab
    assert nb.cells[-2].source == "grader.check_all()"
    assert f"학번_{name}.ipynb" in nb.cells[-1].source and "다운로드" in nb.cells[-1].source
    checks = [c.source for c in nb.cells if c.cell_type == "code" and c.source.startswith("grader.check(")]
    assert len(checks) >= 4


@pytest.mark.parametrize("name", EXERCISES)
def test_packed_public_tests_are_exactly_the_public_test_files(assigned, name):
    nb = nbformat.read(assigned / name / "student" / f"{name}.ipynb", as_version=4)
    files = {p.name: p.read_text() for p in (assigned / name / "student" / "tests").glob("*.py")}
    assert packed_public_tests(nb) == files


@pytest.mark.parametrize("name", EXERCISES)
def test_no_hidden_test_or_solution_reaches_students(assigned, name):
    master = ROOT / "notebooks" / f"{name}.ipynb"
    secret = secret_lines(assigned / name / "autograder" / "tests", master)
    assert secret, "every exercise has hidden checks of its own"
    student_dir = assigned / name / "student"
    text = "\n".join(p.read_text() for p in student_dir.rglob("*") if p.is_file())
    nb = nbformat.read(student_dir / f"{name}.ipynb", as_version=4)
    text += "\n".join(packed_public_tests(nb).values())
    assert not [line for line in secret if line in text]
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    answers = [line for line in solution_lines(master) if len(line) > 8]
    assert answers and not [line for line in answers if line in code]


def test_leak_check_catches_a_planted_hidden_test(assigned, tmp_path):
    name = EXERCISES[0]
    stmt = sorted(secret_lines(assigned / name / "autograder" / "tests", ROOT / "notebooks" / f"{name}.ipynb"))[0]
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


def _question_cells(name):
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    out, cur, in_tests = {}, None, False
    for cell in nb.cells:
        if cell.cell_type == "raw" and cell.source.startswith("# BEGIN QUESTION"):
            cur = cell.source.split("name:")[1].split()[0]
            out[cur] = {"markdown": "", "tests": []}
        elif cell.cell_type == "raw":
            in_tests = {"# BEGIN TESTS": True, "# END TESTS": False}.get(cell.source.strip(), in_tests)
        elif cur and cell.cell_type == "markdown" and not out[cur]["markdown"]:
            out[cur]["markdown"] = cell.source
        elif cur and in_tests and cell.cell_type == "code":
            out[cur]["tests"].append(cell.source)
    return nb.cells[1].source, out


def test_forbids_are_declared_once_shown_in_the_question_and_used_by_every_test():
    """Each entry of seqlab.checks.QUESTION_FORBIDS: the question's text and the exercise intro name
    every forbidden tool, and every test of the question (public and hidden) calls the student
    under that forbid; no test of these exercises spells its own list of names."""
    from seqlab.checks import QUESTION_FORBIDS, forbidden_names

    for name in EXERCISES[:4]:
        intro, questions = _question_cells(name)
        for q, parts in questions.items():
            key = f"{name}:{q}"
            for test in parts["tests"]:
                for line in test.splitlines():
                    if "student.forbid(" in line:
                        assert f'student.forbid("{key}")' in line, (key, line)
            if key not in QUESTION_FORBIDS:
                continue
            for dotted in forbidden_names(key):
                short = next(p for p in reversed(dotted.rstrip(".*").split(".")) if not p.startswith("__"))
                assert f"`{dotted}`" in parts["markdown"] or short in parts["markdown"], (key, dotted)
                assert short in intro, (name, dotted)
            for test in parts["tests"]:
                assert f'student.forbid("{key}")' in test, (key, test[:80])
    for key in QUESTION_FORBIDS:
        name, q = key.split(":")
        assert name in EXERCISES and q in _question_cells(name)[1], key
