"""seqlab-grade on the course's own exercises: every exercise, solved and untouched, and a
realistic class for exercise 1 (the adversarial class is in test_grading_adversarial.py)."""
import csv

import nbformat
import pytest

from seqlab.tools.grading import cli, judge as judge_mod
from seqlab.tools.grading.cli import grade_class, main
from seqlab.tools.grading.sandbox import available
from seqlab.tools import otterfmt
from seqlab.tools.otterfmt import hidden_statements

from .conftest import EXERCISES, autograder_zip
from .make_submissions import make_class, solved_student_notebook

NAME = "01-padding"
needs_sandbox = pytest.mark.skipif(bool(available()), reason=f"no sandbox here: {available()}")
pytestmark = [pytest.mark.slow, needs_sandbox]


def _rows(out):
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as f:
        return {row["file"]: row for row in csv.DictReader(f)}


@pytest.fixture(scope="session")
def graded_exercise(assigned, tmp_path_factory):
    """Every exercise graded with two submissions: the master's answers and the untouched notebook."""
    results = {}
    for name in EXERCISES:
        base = tmp_path_factory.mktemp(f"grade-{name}")
        subs = base / "subs"
        subs.mkdir()
        student_nb = assigned / name / "student" / f"{name}.ipynb"
        nbformat.write(solved_student_notebook(student_nb, assigned / name / "autograder" / f"{name}.ipynb"),
                       subs / f"solved_{name}.ipynb")
        nbformat.write(nbformat.read(student_nb, as_version=4), subs / f"untouched_{name}.ipynb")
        grade_class(name, subs, base / "out", autograder=autograder_zip(assigned, name), workers=2,
                    show_progress=False)
        results[name] = base / "out"
    return results


@pytest.mark.parametrize("name", EXERCISES)
def test_solved_gets_full_marks_and_untouched_gets_zero(graded_exercise, name):
    rows = _rows(graded_exercise[name])
    solved, untouched = rows[f"solved_{name}.ipynb"], rows[f"untouched_{name}.ipynb"]
    assert solved["status"] == "ok" and untouched["status"] == "ok", (solved, untouched)
    assert solved["total"] == solved["max"] == "10", solved
    assert untouched["total"] == "0", untouched
    feedback = (graded_exercise[name] / "feedback" / "untouched.md").read_text(encoding="utf-8")
    assert "아직 답을 쓰지 않았습니다" in feedback


@pytest.fixture(scope="session")
def graded_class(assigned, tmp_path_factory):
    base = tmp_path_factory.mktemp("class")
    subs, out = base / "submissions", base / "grades"
    expected = make_class(assigned / NAME / "student" / f"{NAME}.ipynb",
                          assigned / NAME / "autograder" / f"{NAME}.ipynb", subs, out_dir_hint=out)
    book = grade_class(NAME, subs, out, autograder=autograder_zip(assigned, NAME), limit=20, workers=2,
                       show_progress=False)
    return {"subs": subs, "out": out, "expected": expected, "book": book}


def test_every_kind_of_submission_gets_its_status_and_scores(graded_class):
    rows = _rows(graded_class["out"])
    assert set(rows) == set(graded_class["expected"])
    for filename, (status, scores) in graded_class["expected"].items():
        row = rows[filename]
        assert row["status"].startswith(status), row
        assert row["max"] == "10"
        if scores is None:
            assert row["total"] == "", row
        else:
            assert {q: float(row[q]) for q in scores} == pytest.approx(scores), row


def test_ids_and_notes(graded_class):
    rows = _rows(graded_class["out"])
    assert rows["Copy of 2024005_01-padding.ipynb"]["student_id"] == "2024005"
    assert "kept: 2024009_01-padding (1).ipynb" in rows["2024009_01-padding.ipynb"]["notes"]
    assert "ZeroDivisionError" in rows["2024003_01-padding.ipynb"]["notes"]
    assert "stopped in code cell" in rows["2024004_01-padding.ipynb"]["notes"]
    assert "not JSON" in rows["2024008_01-padding.ipynb"]["notes"]


def test_feedback_shows_public_results_and_no_hidden_test(graded_class, assigned):
    texts = {p.name: p.read_text(encoding="utf-8") for p in (graded_class["out"] / "feedback").glob("*.md")}
    statements = hidden_statements(otterfmt.tests_from_zip(autograder_zip(assigned, NAME)))
    assert statements
    for name, text in texts.items():
        for stmt in statements:
            assert stmt not in text, (name, stmt)
        assert "kept:" not in text
    assert "2024002.md" in texts and "공개 테스트" in texts["2024002.md"]


def test_summary_figure_and_table(graded_class):
    from seqlab.tools.grading.gradebook import summary_table

    assert (graded_class["out"] / "summary.png").stat().st_size > 5000
    table = summary_table(graded_class["book"])
    assert "q1" in table and "총점" in table and "timeout 1" in table and "duplicate 1" in table


def test_rerun_resumes_without_regrading(graded_class, monkeypatch, assigned):
    before = (graded_class["out"] / "gradebook.csv").read_text(encoding="utf-8")

    def must_not_grade(*args, **kwargs):
        raise AssertionError("a finished submission was graded again")

    monkeypatch.setattr(judge_mod, "judge", must_not_grade)
    grade_class(NAME, graded_class["subs"], graded_class["out"], autograder=autograder_zip(assigned, NAME),
                limit=20, show_progress=False)
    assert (graded_class["out"] / "gradebook.csv").read_text(encoding="utf-8") == before


def test_rows_are_written_as_soon_as_graded_and_regrade_is_idempotent(assigned, tmp_path, monkeypatch):
    subs, out = tmp_path / "subs", tmp_path / "grades"
    subs.mkdir()
    solved = solved_student_notebook(assigned / NAME / "student" / f"{NAME}.ipynb",
                                     assigned / NAME / "autograder" / f"{NAME}.ipynb")
    for k in range(3):
        nbformat.write(solved, subs / f"s{k}.ipynb")
    seen = []
    real = judge_mod.judge

    def spy(*args, **kwargs):
        seen.append(len(_rows(out)) if (out / "gradebook.csv").exists() else 0)
        return real(*args, **kwargs)

    monkeypatch.setattr(judge_mod, "judge", spy)
    zip_path = autograder_zip(assigned, NAME)
    grade_class(NAME, subs, out, autograder=zip_path, limit=60, show_progress=False)
    assert seen == [0, 1, 2]  # each earlier row was on disk before the next submission started
    first = {k: {c: v for c, v in r.items() if c != "signature"} for k, r in _rows(out).items()}
    grade_class(NAME, subs, out, autograder=zip_path, limit=60, regrade=True, show_progress=False)
    again = {k: {c: v for c, v in r.items() if c != "signature"} for k, r in _rows(out).items()}
    assert len(seen) == 6 and again == first


def test_cli_with_roster(assigned, tmp_path, capsys):
    subs, out = tmp_path / "subs", tmp_path / "grades"
    subs.mkdir()
    nbformat.write(solved_student_notebook(assigned / NAME / "student" / f"{NAME}.ipynb",
                                           assigned / NAME / "autograder" / f"{NAME}.ipynb"), subs / "kim.ipynb")
    roster = tmp_path / "roster.csv"
    roster.write_text("파일,학번\nkim.ipynb,20250001\n", encoding="utf-8")
    code = main([NAME, str(subs), "--out", str(out), "--roster", str(roster),
                 "--autograder", str(autograder_zip(assigned, NAME)), "--timeout", "60"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "제출 1개, 채점 1개" in printed and "10" in printed
    assert _rows(out)["kim.ipynb"]["student_id"] == "20250001"
    assert (out / "feedback" / "20250001.md").is_file()


def test_cli_reports_missing_autograder(tmp_path, capsys):
    (tmp_path / "subs").mkdir()
    assert main(["99-nothing", str(tmp_path / "subs"), "--out", str(tmp_path / "o")]) == 2
    assert "make exercises" in capsys.readouterr().err


def test_out_folder_inside_submissions_is_refused(tmp_path):
    with pytest.raises(ValueError, match="must not be inside"):
        grade_class(NAME, tmp_path, tmp_path / "grades", autograder=tmp_path / "none.zip")
    assert cli.grade_class is grade_class
