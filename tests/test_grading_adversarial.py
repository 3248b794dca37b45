"""seqlab-grade against an adversarial class (issues 11 and 17): each submission attacks one weakness."""
import csv
import hashlib
import os
import resource
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

from seqlab.tools.grading import cli
from seqlab.tools.grading.cli import SandboxRefused, grade_class
from seqlab.tools.grading.sandbox import available
from seqlab.tools.otterfmt import hidden_statements

from . import adversarial as mini
from .adversarial import (CAPS, NAME, QUESTION_LIMIT, ROSTER, SECRET, SOLVED, Q1, Q2, Q3, check_rows,
                          make_adversarial_class, notebook, write_autograder)

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
    roster.write_text(ROSTER, encoding="utf-8")
    before = _tree(subs)
    start = time.monotonic()
    book = grade_class(NAME, subs, out, autograder=autograder, roster=roster, limit=20, call_limit=3,
                       question_limit=QUESTION_LIMIT, workers=2, show_progress=False)
    seconds = time.monotonic() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    after_return = (out / "gradebook.csv").read_text(encoding="utf-8")
    time.sleep(7)  # longer than the detached processes of a05 wait before writing
    return {"subs": subs, "out": out, "expected": expected, "before": before, "book": book,
            "autograder": autograder, "roster": roster, "csv_at_return": after_return,
            "seconds": seconds, "peak_mib": peak_mib}


def test_every_file_gets_one_row_with_its_status_and_scores(adversarial):
    rows = _rows(adversarial["out"])
    assert check_rows(rows, adversarial["expected"]) == []
    assert all(row["sandbox"] == "bwrap" for row in rows.values())


def test_the_grader_stays_small(adversarial):
    # a 64 MiB notebook, replies refused for size or width, 2 workers: the grader's own peak
    assert adversarial["peak_mib"] < 1536, adversarial["peak_mib"]


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
    assert "SNOOP zips 0 []" in log


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
    assert "총점: 3 / 6" in leak
    assert "| q1 | 2 | 2 |" in texts["a01_solved.md"] and "총점: 6 / 6" in texts["a01_solved.md"]
    assert "2024777.md" in texts and "S101.md" in texts and "2024102.md" in texts
    assert "0점으로 처리했습니다" in texts["b07_noop_forbid.md"] and "tampered" not in texts["b07_noop_forbid.md"]


def test_instructor_notes_stay_in_the_gradebook(adversarial):
    rows = _rows(adversarial["out"])
    assert "kept: a01_solved.ipynb" in rows["a01_solved (1).ipynb"]["notes"]
    assert "code cell 3" in rows["a09_cloop.ipynb"]["notes"]
    assert "nbformat 3" in rows["a13_nbformat3.ipynb"]["notes"]
    assert "zip" in rows["a14_zipped.zip"]["notes"] and "utf-16" in rows["a15_utf16.ipynb"]["notes"]
    assert "MemoryError" in rows["a11_memory.ipynb"]["notes"]


def test_ids_from_folders_and_unicode_normalised_roster(adversarial):
    rows = _rows(adversarial["out"])
    assert rows["2024101/99-mini.ipynb"]["student_id"] == "S101"  # a folder key of the roster
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
    assert ",ok,0,0,0,0,0,6," in forged_line
    (out / "gradebook.csv").write_text(text.replace(forged_line, forged_line.replace(",ok,0,0,0,0,0,6,",
                                                                                     ",ok,2,2,1,1,6,6,")),
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
                    limit=20, call_limit=3, question_limit=QUESTION_LIMIT, workers=2, show_progress=False)
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
    (subs / "s1.ipynb").write_text(notebook(*SOLVED), encoding="utf-8")
    autograder = write_autograder(tmp_path / "instructor")
    monkeypatch.setattr(cli, "available", lambda: "bubblewrap (`bwrap`) is not installed")
    with pytest.raises(SandboxRefused, match="컨테이너"):
        grade_class(NAME, subs, tmp_path / "out", autograder=autograder, show_progress=False)
    assert cli.main([NAME, str(subs), "--out", str(tmp_path / "o2"), "--autograder", str(autograder)]) == 3
    book = grade_class(NAME, subs, tmp_path / "out", autograder=autograder, unsandboxed=True, limit=20,
                       show_progress=False)
    row = book.rows["s1.ipynb"]
    assert row["sandbox"] == "none" and "WITHOUT the sandbox" in row["notes"] and row["total"] == "6"
    # an unsandboxed row is never kept on resume
    again = grade_class(NAME, subs, tmp_path / "out", autograder=autograder, unsandboxed=True, limit=20,
                        show_progress=False)
    assert again.rows["s1.ipynb"]["total"] == "6"


# ------------------------------------------------------------------------------ issue 17

def _log(adversarial, stem: str) -> str:
    return next((adversarial["out"] / "logs").glob(stem + "*")).read_text(encoding="utf-8")


def test_nothing_written_in_the_sandbox_passes_its_cap_and_forks_are_capped(adversarial):
    fills = {line.split()[1]: (int(line.split()[2]), line.split()[3])
             for line in _log(adversarial, "b03").splitlines() if line.startswith("FILL ")}
    assert set(fills) == set(CAPS)
    for folder, cap in CAPS.items():
        written, error = fills[folder]
        assert written <= cap and error == "OSError", (folder, fills[folder])
    forked = [int(line.split()[1]) for line in _log(adversarial, "b04").splitlines() if line.startswith("FORKED")]
    assert forked and forked[0] < 80, forked


def test_the_sandbox_shows_no_host_path_and_an_ordinary_home(adversarial):
    log = _log(adversarial, "b13")
    cmdline = next(line for line in log.splitlines() if line.startswith("CMDLINE"))
    for host in {str(Path(__file__).resolve().parent.parent), sys.prefix, sys.base_prefix, "/work/", "/root"}:
        assert host not in cmdline, (host, cmdline)
    assert "HOME /home/user" in log


def test_endless_values_and_slow_calls_end_in_a_row(adversarial):
    rows = _rows(adversarial["out"])
    assert "q1: timeout" in rows["b02_slow.ipynb"]["notes"]
    assert "q2: timeout" not in rows["b02_slow.ipynb"]["notes"]
    assert "timeout" not in rows["b01_endless.ipynb"]["notes"]  # refused at once, not after a million calls
    assert "a10_callhang.ipynb" in rows and "q1: timeout" in rows["a10_callhang.ipynb"]["notes"]


def test_file_names_are_bytes_and_normalisation_keeps_two_rows(adversarial):
    rows = _rows(adversarial["out"])
    row = rows["이영희_99-mini.ipynb"]
    assert "cp949" in row["notes"] and "이영희_99-mini.ipynb".encode("cp949").hex() in row["notes"]
    assert row["student_id"] == "이영희"
    nfc = unicodedata.normalize("NFC", "박지성_99-mini.ipynb")
    assert rows[nfc]["status"] == "duplicate" and rows[nfc + " (#2)"]["status"] == "ok"
    assert "kept apart" in rows[nfc + " (#2)"]["notes"]


def test_roster_ids_are_never_taken(adversarial):
    rows = _rows(adversarial["out"])
    assert rows["2024101.ipynb"]["student_id"] == "unlisted-2024101"
    assert "another file; not taken" in rows["2024101.ipynb"]["notes"]
    assert rows["2024999/2024101"]["student_id"] == "2024999"
    assert [r["file"] for r in rows.values() if r["student_id"] == "S101"] == ["2024101/99-mini.ipynb"]


def test_forged_replies_and_tampering_are_noted_and_never_scored(adversarial):
    rows = _rows(adversarial["out"])
    assert "request's id" in rows["b06_prewrite.ipynb"]["notes"]
    assert "LocalStudent.forbid was replaced" in rows["b07_noop_forbid.ipynb"]["notes"]
    assert float(rows["b08_putback.ipynb"]["q3"]) == 0  # the put-back function is still the forbidden call
    assert "q1: tampered" not in rows["b08_putback.ipynb"]["notes"]
    assert "Ref.__call__" in rows["b09_detect_swap.ipynb"]["notes"]
    assert "a03_patch.ipynb" in rows and rows["a01_solved.ipynb"]["notes"].count("tampered") == 0


def test_limits_apply_to_code_not_to_saved_outputs(adversarial):
    rows = _rows(adversarial["out"])
    assert (adversarial["subs"] / "b10_big_outputs.ipynb").stat().st_size > 64 * 2**20
    assert rows["b10_big_outputs.ipynb"]["total"] == "6"
    notes = rows["b11_big_code.ipynb"]["notes"]
    assert "code cells hold 4 MiB" in notes and "empty" not in notes and "not read" not in notes


def test_a_runner_that_dies_is_noted_and_logs_cannot_be_truncated(adversarial):
    rows = _rows(adversarial["out"])
    assert "the runner died (exit code 3) during a test call" in rows["b12_die.ipynb"]["notes"]
    log = _log(adversarial, "b13")
    assert "LOG MARKER before truncation" in log and "TRUNCATED" not in log
    assert log.count("TRUNCATE failed") == 2


# budgets, straight through the judge (a runner each)

def _judge(tmp_path, cells, **limits):
    from seqlab.tools.grading.judge import judge, questions_from_tests
    from seqlab.tools.grading.sandbox import Limits

    if available():
        pytest.skip(f"no sandbox here: {available()}")
    questions = questions_from_tests(mini.test_files())
    base = dict(total=30, cell=30, call=3, question=30, question_calls=100, tests_total=100)
    start = time.monotonic()
    report = judge(["import math\nimport torch"] + list(cells), questions, tmp_path / "log.txt",
                   Limits(**(base | limits)), sandboxed=True)
    return report, time.monotonic() - start


def test_a_question_over_its_requests_is_a_timeout_and_the_others_are_graded(tmp_path):
    report, _ = _judge(tmp_path, SOLVED, question_calls=3)
    assert report.statuses == {"q1": "timeout"}  # q1 asks 1 + 3 times; the others less
    assert report.scores == {"q1": 1.0, "q2": 2.0, "q3": 1.0, "q4": 1.0}


def test_the_submission_budget_ends_every_question(tmp_path):
    slow = "import time\ndef double(x):\n    time.sleep(1.0)\n    return 2 * x"
    report, seconds = _judge(tmp_path, (slow, Q2, Q3, "letters = {'a'}\nweights = [0.5]"), tests_total=1.5)
    assert set(report.statuses.values()) == {"timeout"} and len(report.statuses) == 4
    assert report.scores["q2"] == 1.0 and report.scores["q3"] == 0.0  # q2's public case ran in time
    assert seconds < 90


# the grader's temporary folder when it is stopped

def _start_grader(tmp_path, tag):
    subs, out = tmp_path / f"subs-{tag}", tmp_path / "out"
    subs.mkdir()
    (subs / "sleeper.ipynb").write_text(notebook("import time\ntime.sleep(120)"), encoding="utf-8")
    autograder = write_autograder(tmp_path / "instructor")
    code = ("import sys\nfrom seqlab.tools.grading.cli import grade_class\n"
            f"grade_class({NAME!r}, {str(subs)!r}, {str(out)!r}, autograder={str(autograder)!r}, limit=200, "
            "show_progress=False)")
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen([sys.executable, "-c", code], env=dict(os.environ, PYTHONPATH=str(root)), cwd=root)
    deadline = time.monotonic() + 300
    while not any(out.glob(".work-*/*.log")):  # the runner has started: its log exists
        assert proc.poll() is None and time.monotonic() < deadline, "the grader did not start a runner"
        time.sleep(0.2)
    return proc, out


def test_a_stopped_or_killed_grader_leaves_no_folder_of_student_output(tmp_path):
    from seqlab.tools.grading.sandbox import work_folder

    if available():
        pytest.skip(f"no sandbox here: {available()}")
    proc, out = _start_grader(tmp_path, "term")
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=120) != 0
    assert not list(out.glob(".work-*"))
    proc, out = _start_grader(tmp_path, "kill")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    left = list(out.glob(".work-*"))
    assert left  # SIGKILL runs no handler; the next run removes it
    fresh = work_folder(out)
    assert [p.name for p in out.glob(".work-*")] == [fresh.name]
    fresh.rmdir()
