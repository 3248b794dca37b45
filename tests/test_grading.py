"""seqlab-grade: a whole class graded without Docker into a gradebook."""
import csv
import hashlib
import shutil

import nbformat
import pytest

from seqlab import grading
from seqlab.grading import grade_class, main, read_roster, student_id_from_filename

from .conftest import autograder_zip
from .make_submissions import make_class, solved_student_notebook

NAME = "01-padding"


def _hashes(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def _rows(out):
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as f:
        return {row["file"]: row for row in csv.DictReader(f)}


@pytest.fixture(scope="session")
def graded_class(assigned, tmp_path_factory):
    base = tmp_path_factory.mktemp("class")
    subs, out = base / "submissions", base / "grades"
    expected = make_class(assigned / NAME / "student" / f"{NAME}.ipynb",
                          assigned / NAME / "autograder" / f"{NAME}.ipynb", subs, out_dir_hint=out)
    before = _hashes(subs)
    book = grade_class(NAME, subs, out, autograder=autograder_zip(assigned, NAME), limit=20, workers=2,
                       show_progress=False)
    return {"subs": subs, "out": out, "expected": expected, "before": before, "book": book}


@pytest.mark.parametrize("filename", [
    "2024001_01-padding.ipynb", "2024002_01-padding.ipynb", "2024003_01-padding.ipynb",
    "2024004_01-padding.ipynb", "Copy of 2024005_01-padding.ipynb", "2024006_01-padding.ipynb",
    "2024007_01-padding.ipynb", "2024008_01-padding.ipynb", "2024010_notes.json",
    "2024009_01-padding.ipynb", "2024009_01-padding (1).ipynb", "2024011_01-padding.ipynb",
    "2024012_01-padding.ipynb", "2024013_01-padding.ipynb"])
def test_every_kind_of_submission_gets_its_status_and_scores(graded_class, filename):
    row = _rows(graded_class["out"])[filename]
    status, scores = graded_class["expected"][filename]
    assert row["status"].startswith(status), row
    assert row["max"] == "10"
    if scores is None:
        assert row["total"] == "" and all(row[q] == "" for q in ("q1", "q2", "q3", "q4"))
    else:
        assert {q: float(row[q]) for q in scores} == pytest.approx(scores), row
        assert float(row["total"]) == pytest.approx(sum(scores.values()))


def test_gradebook_has_one_row_per_file_with_ids(graded_class):
    rows = _rows(graded_class["out"])
    assert set(rows) == set(graded_class["expected"])
    assert rows["Copy of 2024005_01-padding.ipynb"]["student_id"] == "2024005"
    assert rows["2024009_01-padding (1).ipynb"]["student_id"] == "2024009"
    assert "kept: 2024009_01-padding (1).ipynb" in rows["2024009_01-padding.ipynb"]["notes"]
    assert "ZeroDivisionError" in rows["2024003_01-padding.ipynb"]["notes"]
    assert "stopped in code cell" in rows["2024004_01-padding.ipynb"]["notes"]
    assert "not JSON" in rows["2024008_01-padding.ipynb"]["notes"]


def test_submissions_are_byte_identical_afterwards(graded_class):
    assert _hashes(graded_class["subs"]) == graded_class["before"]
    rows = _rows(graded_class["out"])
    # graded with two workers, the restore is noted on whichever submission finished next
    assert any("2024001_01-padding.ipynb was changed while grading" in r["notes"] and "restored" in r["notes"]
               for r in rows.values())
    assert "looks for test files" in rows["2024012_01-padding.ipynb"]["notes"]


def _hidden_statements(assigned):
    from seqlab.assign import hidden_test_sources

    return [line[4:].strip() for case in hidden_test_sources(assigned / NAME / "autograder" / "tests")
            for line in case.splitlines() if len(line[4:].strip()) > 12]


def test_a_submission_cannot_see_hidden_tests_or_keep_its_gradebook_edit(graded_class, assigned):
    log = next((graded_class["out"] / "logs").glob("2024012*")).read_text(encoding="utf-8")
    assert "SNOOP found" in log and "OK_FORMAT" in log  # it printed every test file it could find...
    hidden = _hidden_statements(assigned)
    assert hidden and not [stmt for stmt in hidden if stmt in log]  # ...and none was hidden
    assert "me,100" not in (graded_class["out"] / "gradebook.csv").read_text(encoding="utf-8")


def test_feedback_shows_scores_and_public_results_but_no_hidden_test(graded_class, assigned):
    feedback = graded_class["out"] / "feedback"
    texts = {p.name: p.read_text(encoding="utf-8") for p in feedback.glob("*.md")}
    assert "2024002.md" in texts and "총점: 9.25 / 10" in texts["2024002.md"]
    assert "q1 results: All test cases passed!" in texts["2024002.md"]  # the public cases did pass
    assert "| q1 | 2.25 | 3 |" in texts["2024002.md"]
    assert "q1 results:" in texts["2024013.md"] and "failed" in texts["2024013.md"].lower()
    hidden = _hidden_statements(assigned)
    assert hidden
    for name, text in texts.items():
        for stmt in hidden:
            assert stmt not in text, (name, stmt)


def test_summary_figure_and_table(graded_class):
    assert (graded_class["out"] / "summary.png").stat().st_size > 5000
    table = grading._summary(graded_class["book"], NAME)
    assert "q1" in table and "총점" in table and "timeout 1" in table and "duplicate 1" in table


def test_rerun_resumes_without_regrading(graded_class, monkeypatch, assigned):
    before = (graded_class["out"] / "gradebook.csv").read_text(encoding="utf-8")

    def must_not_grade(*args, **kwargs):
        raise AssertionError("a finished submission was graded again")

    monkeypatch.setattr(grading, "_grade_one", must_not_grade)
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
    real = grading._grade_one

    def spy(sub, autograder, limit, exercise):
        seen.append(len(_rows(out)) if (out / "gradebook.csv").exists() else 0)
        real(sub, autograder, limit, exercise)

    monkeypatch.setattr(grading, "_grade_one", spy)
    zip_path = autograder_zip(assigned, NAME)
    grade_class(NAME, subs, out, autograder=zip_path, limit=30, show_progress=False)
    assert seen == [0, 1, 2]  # each earlier row was on disk before the next submission started
    first = _rows(out)
    grade_class(NAME, subs, out, autograder=zip_path, limit=30, regrade=True, show_progress=False)
    assert len(seen) == 6 and _rows(out) == first


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


def test_out_folder_inside_submissions_is_refused(assigned, tmp_path):
    with pytest.raises(ValueError, match="must not be inside"):
        grade_class(NAME, tmp_path, tmp_path / "grades", autograder=autograder_zip(assigned, NAME))


@pytest.mark.parametrize("filename, expected", [
    ("Copy of 2024005_01-padding.ipynb", "2024005"),
    ("2024009_01-padding (1).ipynb", "2024009"),
    ("01-padding - 김민수.ipynb", "김민수"),
    ("사본 - hong gildong.ipynb", "hong_gildong"),
    ("01-padding.ipynb", "01-padding"),
])
def test_student_id_from_filename(filename, expected):
    assert student_id_from_filename(filename, "01-padding") == expected


def test_roster_needs_its_columns(tmp_path):
    bad = tmp_path / "roster.csv"
    bad.write_text("name,id\na,b\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'file' and 'student_id'"):
        read_roster(bad)


def test_ordinary_code_is_not_flagged_as_suspicious():
    ordinary = "rnn = nn.RNN(4, hidden_size=8)\nh_n = rnn(x)[1]\nimport os\nprint(os.getcwd())"
    assert not [msg for pat, msg in grading._SUSPICIOUS if pat.search(ordinary)]
    snooping = "import glob\nglob.glob('../**/tests/*.py', recursive=True)"
    assert "looks for test files" in [msg for pat, msg in grading._SUSPICIOUS if pat.search(snooping)]
