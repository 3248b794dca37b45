"""seqlab-grade against an adversarial class (issue 11): each submission attacks one weakness."""
import csv
import hashlib
import time
import unicodedata

import pytest

from seqlab.tools.grading import cli
from seqlab.tools.grading.cli import SandboxRefused, grade_class
from seqlab.tools.grading.sandbox import available
from seqlab.tools.otterfmt import hidden_statements

from . import adversarial as mini
from .adversarial import NAME, SECRET, Q1, Q2, Q3, make_adversarial_class, notebook, write_autograder

pytestmark = pytest.mark.slow


def _rows(out):
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as f:
        return {row["file"]: row for row in csv.DictReader(f)}


def _tree(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def adversarial(tmp_path_factory):
    if available():
        pytest.skip(f"no sandbox here: {available()}")
    base = tmp_path_factory.mktemp("adversarial")
    subs, out = base / "submissions", base / "grades"
    autograder = write_autograder(base / "instructor")
    expected = make_adversarial_class(subs, out, autograder)
    roster = base / "roster.csv"
    roster.write_text("file,student_id\n김민수_99-mini.ipynb,2024777\n", encoding="utf-8")
    before = _tree(subs)
    start = time.monotonic()
    book = grade_class(NAME, subs, out, autograder=autograder, roster=roster, limit=20, call_limit=3,
                       workers=2, show_progress=False)
    after_return = (out / "gradebook.csv").read_text(encoding="utf-8")
    time.sleep(7)  # longer than the detached processes of a05 wait before writing
    return {"subs": subs, "out": out, "expected": expected, "before": before, "book": book,
            "autograder": autograder, "roster": roster, "csv_at_return": after_return,
            "seconds": time.monotonic() - start}


def test_every_file_gets_one_row_with_its_status_and_scores(adversarial):
    rows = _rows(adversarial["out"])
    assert set(rows) == set(adversarial["expected"])
    for name, (status, scores) in adversarial["expected"].items():
        row = rows[name]
        assert row["status"].startswith(status), (name, row)
        assert row["sandbox"] == "bwrap"
        if scores is None:
            assert row["total"] == "", (name, row)
        else:
            got = {q: float(row[q]) for q in scores}
            assert got == pytest.approx(scores), (name, row)


def test_nothing_outlives_the_grader_and_the_gradebook_is_its_own(adversarial):
    assert (adversarial["out"] / "gradebook.csv").read_text(encoding="utf-8") == adversarial["csv_at_return"]
    assert "me,100" not in adversarial["csv_at_return"] and "forged" not in adversarial["csv_at_return"]


def test_submissions_are_untouched_and_nothing_planted_survives(adversarial):
    assert _tree(adversarial["subs"]) == adversarial["before"]
    out = adversarial["out"]
    assert not list(out.rglob("*planted*")) and not (out / "gradebook.csv.tmp").exists()
    assert sorted(p.name for p in out.iterdir()) == [".grader-key", ".results.json", "analytics", "feedback",
                                                     "gradebook.csv", "integrity.csv", "logs", "run-summary.md",
                                                     "summary.png", "upload"]


def test_the_sandbox_sees_no_instructor_file(adversarial):
    log = next((adversarial["out"] / "logs").glob("a06*")).read_text(encoding="utf-8")
    snoops = [line for line in log.splitlines() if line.startswith("SNOOP /")]
    assert len(snoops) == 6 and all(line.endswith("NOTFOUND") for line in snoops), snoops
    assert "SNOOP zips 0" in log


def test_feedback_has_only_scores_and_public_messages(adversarial):
    feedback = adversarial["out"] / "feedback"
    texts = {p.name: p.read_text(encoding="utf-8") for p in feedback.glob("*.md")}
    statements = hidden_statements(mini.test_files())
    assert SECRET in statements
    for name, text in texts.items():
        assert "424242" not in text and "hidden_probe_value" not in text, name
        for stmt in statements:
            assert stmt not in text, (name, stmt)
        for note in ("kept:", "restored", "not in roster", "cell errors", "a01_solved (1)", "bwrap"):
            assert note not in text, (name, note)
    leak = texts["a07_leak.md"]
    assert "LEAK [2]" in leak  # its own public message is shown: only the public argument was seen
    assert "총점: 3 / 5" in leak
    assert "| q1 | 2 | 2 |" in texts["a01_solved.md"] and "총점: 5 / 5" in texts["a01_solved.md"]
    assert "2024777.md" in texts and "2024101.md" in texts and "2024102.md" in texts


def test_instructor_notes_stay_in_the_gradebook(adversarial):
    rows = _rows(adversarial["out"])
    assert "kept: a01_solved.ipynb" in rows["a01_solved (1).ipynb"]["notes"]
    assert "code cell 3" in rows["a09_cloop.ipynb"]["notes"]
    assert "nbformat 3" in rows["a13_nbformat3.ipynb"]["notes"]
    assert "zip" in rows["a14_zipped.zip"]["notes"] and "utf-16" in rows["a15_utf16.ipynb"]["notes"]
    assert "MemoryError" in rows["a11_memory.ipynb"]["notes"]


def test_ids_from_folders_and_unicode_normalised_roster(adversarial):
    rows = _rows(adversarial["out"])
    assert rows["2024101/99-mini.ipynb"]["student_id"] == "2024101"
    assert rows["2024102/99-mini.ipynb"]["student_id"] == "2024102"
    nfc_name = unicodedata.normalize("NFC", "김민수_99-mini.ipynb")
    assert rows[nfc_name]["student_id"] == "2024777"
    assert "not in roster" not in rows[nfc_name]["notes"]


def test_resume_keeps_only_signed_current_rows_and_a_late_file_wins(adversarial, monkeypatch):
    subs, out = adversarial["subs"], adversarial["out"]
    rows = _rows(out)
    # forge a row (full marks for an untouched notebook), keeping its hash
    text = (out / "gradebook.csv").read_text(encoding="utf-8")
    forged_line = next(line for line in text.splitlines() if line.startswith("a02_untouched,"))
    (out / "gradebook.csv").write_text(text.replace(forged_line, forged_line.replace(",ok,0,0,0,0,5,", ",ok,2,2,1,5,5,")),
                                       encoding="utf-8")
    # a late second file for a01's student
    (subs / "a01_solved (2).ipynb").write_text(notebook(Q1, Q2, "def fact(n):\n    return 0"), encoding="utf-8")
    graded = []
    real = cli.judge if hasattr(cli, "judge") else None
    from seqlab.tools.grading import judge as judge_mod

    original = judge_mod.judge

    def spy(cells, *args, **kwargs):
        graded.append(len(cells))
        return original(cells, *args, **kwargs)

    monkeypatch.setattr(judge_mod, "judge", spy)
    try:
        grade_class(NAME, subs, out, autograder=adversarial["autograder"], roster=adversarial["roster"],
                    limit=20, call_limit=3, workers=2, show_progress=False)
    finally:
        (subs / "a01_solved (2).ipynb").unlink()
    assert len(graded) == 2  # the forged row and the late file; every other row was kept
    new = _rows(out)
    assert new["a02_untouched.ipynb"]["total"] == "0"
    assert new["a01_solved (2).ipynb"]["status"] == "ok" and new["a01_solved (2).ipynb"]["total"] == "4"
    assert new["a01_solved.ipynb"]["status"] == "duplicate"
    ok_rows = [r for r in new.values() if r["student_id"] == "a01_solved" and r["status"] == "ok"]
    assert len(ok_rows) == 1
    assert new["a03_patch.ipynb"] == rows["a03_patch.ipynb"]
    assert real is None or real


def test_refuses_without_sandbox_unless_told(tmp_path, monkeypatch):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "s1.ipynb").write_text(notebook(Q1, Q2, Q3), encoding="utf-8")
    autograder = write_autograder(tmp_path / "instructor")
    monkeypatch.setattr(cli, "available", lambda: "bubblewrap (`bwrap`) is not installed")
    with pytest.raises(SandboxRefused, match="컨테이너"):
        grade_class(NAME, subs, tmp_path / "out", autograder=autograder, show_progress=False)
    assert cli.main([NAME, str(subs), "--out", str(tmp_path / "o2"), "--autograder", str(autograder)]) == 3
    book = grade_class(NAME, subs, tmp_path / "out", autograder=autograder, unsandboxed=True, limit=20,
                       show_progress=False)
    row = book.rows["s1.ipynb"]
    assert row["sandbox"] == "none" and "WITHOUT the sandbox" in row["notes"] and row["total"] == "5"
    # an unsandboxed row is never kept on resume
    again = grade_class(NAME, subs, tmp_path / "out", autograder=autograder, unsandboxed=True, limit=20,
                        show_progress=False)
    assert again.rows["s1.ipynb"]["total"] == "5"
