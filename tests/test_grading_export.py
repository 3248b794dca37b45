"""The instructor's side of a run: feedback a student can act on, LMS uploads, analytics, the
similarity report, submission times from LMS downloads, ``--only`` and the run summary.

The walk-through (tests/walkthrough.py: five students, one folder each, Colab's names, a late second
file) goes through ``seqlab-grade`` in the sandbox; the rest are unit tests on small inputs.
"""
from __future__ import annotations

import csv
import json
import os
import shutil

import nbformat
import pytest

from seqlab.tools.grading import feedback as fb
from seqlab.tools.grading import lms
from seqlab.tools.grading.collect import collect
from seqlab.tools.grading.sandbox import available

from .conftest import ROOT

NAME = "01-padding"
needs_sandbox = pytest.mark.skipif(bool(available()), reason=f"no sandbox here: {available()}")


def _csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ------------------------------------------------------------------------------ walk-through

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """01-padding built by seqlab-assign (student notebook and autograder), into a temporary folder."""
    from seqlab.tools.assign import main

    out = tmp_path_factory.mktemp("ex")
    assert main(["--root", str(ROOT), "--out", str(out), "--site", str(tmp_path_factory.mktemp("site")), NAME]) == 0
    return out / NAME


@pytest.fixture(scope="module")
def walkthrough(built, tmp_path_factory):
    from seqlab.tools.grading.cli import main

    from .walkthrough import DEADLINE, make_walkthrough

    base = tmp_path_factory.mktemp("walk")
    expected = make_walkthrough(built / "student" / f"{NAME}.ipynb", built / "autograder" / f"{NAME}.ipynb",
                                base / "제출물")
    zip_path = next((built / "autograder").glob("*.zip"))
    args = [NAME, str(base / "제출물"), "--out", str(base / "성적"), "--autograder", str(zip_path), "--workers", "2",
            "--timeout", "60", "--submission-times", str(base / "times.csv"), "--deadline", DEADLINE,
            "--late-penalty", "10"]
    assert main(args) == 0
    return {"base": base, "out": base / "성적", "expected": expected, "args": args, "zip": zip_path}


def _feedback(walkthrough, sid):
    return (walkthrough["out"] / "feedback" / f"{sid}.md").read_text(encoding="utf-8")


@pytest.mark.slow
@needs_sandbox
def test_walkthrough_scores_and_results(walkthrough):
    rows = {r["student_id"]: r for r in _csv(walkthrough["out"] / "gradebook.csv") if r["status"] == "ok"}
    assert set(rows) == set(walkthrough["expected"])
    for sid, (scores, result) in walkthrough["expected"].items():
        assert {q: float(rows[sid][q]) for q in scores} == pytest.approx(scores), sid
        assert rows[sid]["result"] == result, sid
    late = rows["2026003"]
    assert late["file"] == "2026003/Copy of 01-padding (1).ipynb"  # the later submission by the LMS's time
    assert late["late_days"] == "0.38" and late["total"] == "8.5" and late["final"] == "7.5"
    assert rows["2026001"]["late_days"] == "" and rows["2026001"]["final"] == "10"


@pytest.mark.slow
@needs_sandbox
def test_feedback_says_what_to_do(walkthrough):
    from seqlab.tools.otterfmt import hidden_statements, tests_from_zip

    syntax = _feedback(walkthrough, "2026004")
    assert "코드 셀에서 오류가 났습니다" in syntax
    assert "(문제 q2의 셀, `def embedding_grad_rows(batch, vocab_size, pad_id):`로 시작) 3번째 줄에 문법 오류(SyntaxError)" in syntax
    assert "정의되지 않았습니다" not in syntax  # the error, not its consequence

    hidden_loss = _feedback(walkthrough, "2026003")
    assert "q1: 공개 테스트 2개를 모두 통과했습니다" in hidden_loss
    assert "숨은 테스트 2개 중 0개 통과" in hidden_loss
    assert "마감보다 늦게 냈습니다(0.38일). 늦은 제출 규칙을 적용한 점수: 7.5 / 10" in hidden_loss

    forbidden = _feedback(walkthrough, "2026005")
    assert "금지된 도구를 썼습니다: `seqlab.data.pad_sequences`" in forbidden
    assert "### q1: 0 / 3점 · 금지된 도구 사용" in forbidden

    untouched = _feedback(walkthrough, "2026002")
    assert "답을 쓴 문제가 없습니다" in untouched and "채점을 마쳤습니다" not in untouched
    assert "채점을 마쳤습니다. 모든 문제가 만점입니다" in _feedback(walkthrough, "2026001")

    statements = hidden_statements(tests_from_zip(walkthrough["zip"]))
    for path in (walkthrough["out"] / "feedback").iterdir():
        text = path.read_text(encoding="utf-8")
        assert not [s for s in statements if s in text], path.name
        assert "random.Random" not in text and "[[0, 5, 0]" not in text  # hidden arguments
        assert "sha256" not in text and "Copy of 01-padding (1)" not in text.replace("`Copy of 01-padding (1).ipynb`", "")


@pytest.mark.slow
@needs_sandbox
def test_lms_uploads_and_integrity_file(walkthrough):
    out = walkthrough["out"]
    grades = (out / "upload" / "grades.csv").read_text(encoding="utf-8").splitlines()
    assert grades[:4] == ["student_id,score,max,q1,q2,q3,q4", "2026001,10,10,3,2,2,3", "2026002,0,10,0,0,0,0",
                          "2026003,7.5,10,1.5,2,2,3"]
    assert len(grades) == 6  # one row per student, the duplicate file is not a student
    canvas = (out / "upload" / "canvas.csv").read_text(encoding="utf-8").splitlines()
    assert canvas[0] == "Student,ID,SIS User ID,SIS Login ID,Section,01-padding"
    assert canvas[1] == ",,2026001,,,10"
    moodle = (out / "upload" / "moodle.csv").read_text(encoding="utf-8").splitlines()
    assert moodle[:2] == ["ID number,01-padding", "2026001,10"]
    for path in (out / "upload").iterdir():
        text = path.read_text(encoding="utf-8")
        assert "sha256" not in text and "signature" not in text and "bwrap" not in text
    integrity = _csv(out / "integrity.csv")
    assert len(integrity) == 6 and all(len(r["sha256"]) == 64 and len(r["signature"]) == 64 for r in integrity)


@pytest.mark.slow
@needs_sandbox
def test_analytics_per_question(walkthrough):
    stats = json.loads((walkthrough["out"] / "analytics" / "questions.json").read_text(encoding="utf-8"))
    assert stats["q1"]["points"] == {"0": 2, "1.5": 1, "3": 2}
    assert stats["q2"]["errors"] == 1 and stats["q2"]["untouched"] == 1
    hidden = dict((m, k) for m, k in stats["q1"]["hidden_failures"])
    assert any("pad_sequences" in m and k == 1 for m, k in hidden.items()), hidden
    assert hidden.get("pad_batch(…)의 배치: 값이 다릅니다. 위치 [#][#]에서 기대 #, 실제 #.") == 1, hidden  # ignored pad_id
    text = (walkthrough["out"] / "analytics" / "questions.md").read_text(encoding="utf-8")
    assert "숨은 테스트에서 자주 실패한 메시지" in text and "강사 전용" in text
    assert (walkthrough["out"] / "analytics" / "questions.png").stat().st_size > 5000


@pytest.mark.slow
@needs_sandbox
def test_reruns_say_what_they_graded_and_only_regrades_one_student(walkthrough, built):
    from seqlab.tools.grading.cli import main

    from .make_submissions import solved_student_notebook

    out, args = walkthrough["out"], walkthrough["args"]
    first = (out / "run-summary.md").read_text(encoding="utf-8")
    assert "이번에 채점 5개" in first and "중복 1개" in first
    assert "`2026003/Copy of 01-padding.ipynb` (채점한 파일: `2026003/Copy of 01-padding (1).ipynb`)" in first
    before = {r["file"]: r for r in _csv(out / "gradebook.csv")}

    extra = walkthrough["base"] / "제출물" / "2026006"
    extra.mkdir()
    nbformat.write(solved_student_notebook(built / "student" / f"{NAME}.ipynb",
                                           built / "autograder" / f"{NAME}.ipynb"), extra / "Copy of 01-padding.ipynb")
    try:
        assert main(args) == 0
        again = (out / "run-summary.md").read_text(encoding="utf-8")
        assert "이번에 채점 1개, 이전 결과 그대로 5개, 중복 1개" in again
        assert "채점: `2026006/Copy of 01-padding.ipynb` (2026006, 새 파일)" in again
        assert "점수가 바뀐 학생 1명: 2026006 - → 10" in again

        assert main(args + ["--only", "2026004"]) == 0
        only = (out / "run-summary.md").read_text(encoding="utf-8")
        assert "이번에 채점 1개, 이전 결과 그대로 5개, 중복 1개" in only
        assert "채점: `2026004/사본 - 01-padding.ipynb` (2026004, 다시 채점 요청)" in only
        assert "점수가 바뀐 학생: 없음" in only
        after = {r["file"]: r for r in _csv(out / "gradebook.csv")}
        for rel, row in before.items():
            assert {c: row[c] for c in ("q1", "q2", "q3", "q4", "total", "final", "status")} == \
                   {c: after[rel][c] for c in ("q1", "q2", "q3", "q4", "total", "final", "status")}, rel
        assert main(args + ["--only", "9999999"]) == 2
    finally:
        shutil.rmtree(extra)


@pytest.mark.slow
@needs_sandbox
def test_run_from_another_folder_finds_the_course_build(tmp_path, monkeypatch, capsys):
    """Outside the course folder the grader looks in the checkout it comes from (not only ./_build)."""
    from seqlab.tools.grading import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli, "ROOT", tmp_path / "course")
    found = tmp_path / "course" / "_build" / "exercises" / NAME / "autograder"
    found.mkdir(parents=True)
    (found / f"{NAME}-autograder_2026.zip").write_bytes(b"")
    assert cli.locate_autograder(NAME) == found / f"{NAME}-autograder_2026.zip"
    with pytest.raises(FileNotFoundError, match="seqlab-assign 02-packing"):
        cli.locate_autograder("02-packing")


# ------------------------------------------------------------------------------ LMS names, times

def test_lms_download_names():
    canvas = lms.parse_lms_name("kimminsu_late_12345_67890_Copy of 01-padding.ipynb")
    assert (canvas.kind, canvas.student_id, canvas.late, canvas.original) == \
           ("canvas", "12345", True, "Copy of 01-padding.ipynb")
    assert not lms.parse_lms_name("leejiwoo_23456_78901_01-padding.ipynb").late
    moodle = lms.parse_lms_name("김민수_301_assignsubmission_file_/01-padding.ipynb")
    assert (moodle.kind, moodle.student_id, moodle.name) == ("moodle", "301", "김민수")
    assert lms.parse_lms_name("2024001_01-padding.ipynb") is None
    assert lms.parse_lms_name("2024001/Copy of 01-padding.ipynb") is None
    assert lms.missing_id("Copy of 01-padding.ipynb", NAME) and lms.missing_id("사본 - 01-padding (1).ipynb", NAME)
    assert not lms.missing_id("2024001_01-padding.ipynb", NAME) and not lms.missing_id("kim.ipynb", NAME)


def test_times_come_from_the_lms_not_from_file_times(tmp_path):
    from seqlab.tools.grading.cli import RunSummary, _apply_lms

    subs = tmp_path / "subs"
    subs.mkdir()
    nb = nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]))
    names = ["kimminsu_late_12345_67890_01-padding.ipynb", "Copy of 01-padding.ipynb",
             "2024009_01-padding.ipynb", "2024009_01-padding (1).ipynb"]
    for k, name in enumerate(names):
        (subs / name).write_text(nb, encoding="utf-8")
    # the bulk download made the older file look newer
    os.utime(subs / "2024009_01-padding.ipynb", (2_000_000_000, 2_000_000_000))
    os.utime(subs / "2024009_01-padding (1).ipynb", (1_000_000_000, 1_000_000_000))
    times = tmp_path / "times.csv"
    times.write_text("file,submitted_at\n2024009_01-padding.ipynb,2026-12-01T10:00\n"
                     "2024009_01-padding (1).ipynb,2026-12-02T10:00+00:00\n", encoding="utf-8")
    files = collect(subs, NAME, {})
    summary = RunSummary(NAME)
    timing, canvas_ids, _ = _apply_lms(files, NAME, {}, lms.read_times(times), lms.parse_time("2026-12-01T23:59"),
                                       summary)
    by_name = {f.rel: f for f in files}
    assert by_name[names[0]].student_id == "12345" and canvas_ids == {"12345": "12345"}
    assert timing[names[0]].late and timing[names[0]].late_days is None  # late, by an unknown amount
    assert by_name[names[1]].student_id.startswith("학번없음-")
    assert any("`Copy of 01-padding.ipynb`의 이름에 학번이 없습니다" in w for w in summary.warnings)
    assert timing[names[3]].late_days == 0.42 and timing[names[2]].late_days is None
    from seqlab.tools.grading.collect import plan

    actions = {p.sub.rel: p.action for p in plan(files, NAME, {}, resumable=lambda r, s: False)}
    assert actions["2024009_01-padding (1).ipynb"] == "grade" and actions["2024009_01-padding.ipynb"] == "final"


def test_moodle_grading_worksheet(tmp_path):
    sheet = tmp_path / "worksheet.csv"
    sheet.write_text("Identifier,Full name,Email address,ID number,Status,Last modified (submission)\n"
                     "Participant 301,김민수,kim@example.ac.kr,2026001,Submitted for grading,"
                     "\"Tuesday, 1 December 2026, 11:40 PM\"\n", encoding="utf-8")
    times = lms.read_times(sheet)
    assert times["301"] == {"submitted": "2026-12-01T23:40", "id": "2026001", "email": "kim@example.ac.kr"}
    assert lms.late_days(times["301"]["submitted"], lms.parse_time("2026-12-01T23:00")) == 0.03
    with pytest.raises(ValueError, match="ISO 8601"):
        lms.parse_time("어제 저녁")


# ------------------------------------------------------------------------------ feedback units

def test_cells_belong_to_the_next_check_and_syntax_errors_are_found_without_running():
    cells = ["import torch", "def f(x):\n    return x +", "grader.check(\"q1\")", "y = 1\nz = (", "grader.check('q2')",
             "print('끝')"]
    assert fb.cell_questions(cells) == ["q1", "q1", "q1", "q2", "q2", None]
    errs = fb.syntax_errors(cells)
    assert [(e.cell, e.line) for e in errs] == [(2, 2), (4, 2)]
    text = fb.describe_error(errs[0], fb.cell_heads(cells), "q1")
    assert text.startswith("코드 셀 2(문제 q1의 셀, `def f(x):`로 시작) 2번째 줄에 문법 오류(SyntaxError)")
    runtime = fb.cell_errors(["a = 1", "b = 1 / 0"], {"errors": ["ZeroDivisionError (code cell 2)"],
                                                      "error_details": [{"cell": 2, "type": "ZeroDivisionError",
                                                                         "line": 1, "message": "division by zero"}]})
    assert fb.describe_error(runtime[0], ["a = 1", "b = 1 / 0"], None) == (
        "코드 셀 2(`b = 1 / 0`로 시작) 1번째 줄에서 `ZeroDivisionError` 오류가 나 셀이 그 줄에서 멈췄습니다: "
        "division by zero. 고친 뒤 셀을 다시 실행하고 위에서부터 다시 실행해 보세요.")


def test_question_states():
    ok = {"hidden": False, "passed": True, "answered": True, "message": ""}
    lost = {"hidden": True, "passed": False, "answered": True, "message": "f(...)의 배치: 기대 [1] 받음 [0]"}
    blank = {"hidden": False, "passed": False, "answered": False, "message": "아직 답을 쓰지 않았습니다"}
    banned = dict(lost, message="f(...): 이 문제에서는 `seqlab.data.pad_sequences`을(를) 쓰지 않고 직접 구현해야 합니다")
    assert fb.question_state([ok, ok], []) == "full"
    assert fb.question_state([ok, lost], []) == "partial"
    assert fb.question_state([blank, dict(blank, hidden=True)], []) == "untouched"
    assert fb.question_state([ok, banned], []) == "forbidden"
    assert fb.forbidden_names([ok, banned, banned]) == ["seqlab.data.pad_sequences"]
    assert fb.question_state([blank], [fb.CellError(3, "SyntaxError", 1, "", True)]) == "error"
    view = fb.QuestionView("q1", "0.5", 1.0, [ok, lost, lost], "q1: 공개 테스트 1개를 모두 통과했습니다.", [])
    text = "\n".join(fb.question_section(view, [], lambda t: t))
    assert "숨은 테스트 2개 중 0개 통과" in text and "기대 [1]" not in text


# ------------------------------------------------------------------------------ exports

def test_canvas_upload_takes_its_students_from_the_canvas_export(tmp_path):
    from seqlab.tools.grading.export import write_exports
    from seqlab.tools.grading.gradebook import Gradebook

    book = Gradebook(tmp_path / "out", NAME, {"q1": 3.0, "q2": 2.0}, "t" * 64, set())
    book.set_row("a.ipynb", "2026001", "ok", {"q1": 3, "q2": 1}, [], "s" * 64, "bwrap")
    book.set_row("b.ipynb", "2026002", "not a notebook", None, [], "r" * 64, "bwrap")
    export = tmp_path / "canvas-export.csv"
    export.write_text("Student,ID,SIS User ID,SIS Login ID,Section,01-padding (4711),Current Score\n"
                      "    Points Possible,,,,,10,\n"
                      "\"Kim, Minsu\",12345,2026001,kim01,분반 1,,\n", encoding="utf-8")
    paths = write_exports(book, canvas_export=export)
    lines = paths["canvas"].read_text(encoding="utf-8").splitlines()
    assert lines == ["Student,ID,SIS User ID,SIS Login ID,Section,01-padding (4711)",
                     "\"Kim, Minsu\",12345,2026001,kim01,분반 1,4", ",,2026002,,,"]
    assert paths["grades"].read_text(encoding="utf-8").splitlines()[1:] == ["2026001,4,5,3,1", "2026002,,5,,"]
    bad = tmp_path / "not-canvas.csv"
    bad.write_text("name,score\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Export Entire Gradebook"):
        write_exports(book, canvas_export=bad)


def test_analytics_figure_has_integer_counts(tmp_path):
    from seqlab.tools.grading.analytics import analytics_figure, question_stats
    from seqlab.tools.grading.gradebook import Gradebook

    book = Gradebook(tmp_path / "out", NAME, {"q1": 3.0, "q2": 2.0}, "t" * 64, set())
    for k, (a, b) in enumerate([(3, 2), (1.5, 0), (3, 2)]):
        book.set_row(f"{k}.ipynb", f"s{k}", "ok", {"q1": a, "q2": b}, [], "s" * 64, "bwrap")
    stats = question_stats(book)
    assert stats["q1"]["points"] == {"1.5": 1, "3": 2}
    fig = analytics_figure(book, stats, keep_open=True)
    import matplotlib.pyplot as plt

    try:
        for ax in fig.axes:
            ticks = [t for t in ax.get_yticks() if ax.get_ylim()[0] <= t <= ax.get_ylim()[1]]
            assert ticks and all(float(t).is_integer() for t in ticks), ticks
        assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["0", "1.5", "3"]
        assert fig.axes[0].get_ylabel() == "학생 수"
    finally:
        plt.close(fig)


# ------------------------------------------------------------------------------ similarity

STARTER = ["import torch", "def pad_batch(seqs, pad_id):\n    ...", "grader.check(\"q1\")",
           "def make_mask(lengths, L):\n    ...", "grader.check(\"q2\")",
           "def batched_waste(lengths, batch_size):\n    ...\ntoy_sorted_waste = ...", "grader.check(\"q3\")"]

ANSWERS = {
    "a": ["""def pad_batch(seqs, pad_id):
    lengths = torch.tensor([len(s) for s in seqs], dtype=torch.long)
    batch = torch.full((len(seqs), int(lengths.max())), pad_id, dtype=torch.long)
    for i, s in enumerate(seqs):
        batch[i, :len(s)] = torch.tensor(s, dtype=torch.long)
    return batch, lengths""", """def make_mask(lengths, L):
    return torch.arange(L)[None, :] < lengths[:, None]""", """def batched_waste(lengths, batch_size):
    total, pad = 0, 0
    for start in range(0, len(lengths), batch_size):
        chunk = [int(x) for x in lengths[start:start + batch_size]]
        longest = max(chunk)
        total += longest * len(chunk)
        pad += longest * len(chunk) - sum(chunk)
    return pad / total
toy_sorted_waste = batched_waste(sorted(toy_lengths.tolist(), reverse=True), 5)"""],
    "b": ["""def pad_batch(seqs, pad_id):
    width = max(map(len, seqs))
    rows = [list(seq) + [pad_id] * (width - len(seq)) for seq in seqs]
    return torch.tensor(rows, dtype=torch.long), torch.tensor(list(map(len, seqs)), dtype=torch.long)""",
          """def make_mask(lengths, L):
    steps = torch.arange(L).unsqueeze(0).expand(len(lengths), L)
    return steps < lengths.unsqueeze(1)""", """def batched_waste(lengths, batch_size):
    cells = wasted = 0
    i = 0
    values = list(lengths)
    while i < len(values):
        group = values[i:i + batch_size]
        cells += len(group) * max(group)
        wasted += sum(max(group) - g for g in group)
        i += batch_size
    return float(wasted) / float(cells)
toy_sorted_waste = batched_waste(torch.sort(toy_lengths, descending=True).values, 5)"""],
    "c": ["""def pad_batch(seqs, pad_id):
    import numpy as np
    n = np.array([len(q) for q in seqs])
    out = np.full((len(seqs), n.max()), pad_id, dtype=np.int64)
    for r, q in zip(out, seqs):
        r[:len(q)] = q
    return torch.from_numpy(out), torch.from_numpy(n).long()""", """def make_mask(lengths, L):
    mask = torch.zeros(len(lengths), L, dtype=torch.bool)
    for row, n in enumerate(lengths.tolist()):
        mask[row, :n] = True
    return mask""", """def batched_waste(lengths, batch_size):
    t = torch.as_tensor(lengths)
    parts = torch.split(t, batch_size)
    padded = sum(p.max() * p.numel() for p in parts)
    return float(1 - t.sum() / padded)
toy_sorted_waste = batched_waste(toy_lengths.sort(descending=True)[0], 5)"""],
}
# a near copy of "a": names changed, comments and blank lines added, one line reordered
ANSWERS["a_copy"] = [
    """def pad_batch(seqs, pad_id):
    # 길이를 먼저 구합니다
    lens = torch.tensor([len(q) for q in seqs], dtype=torch.long)

    out = torch.full((len(seqs), int(lens.max())), pad_id, dtype=torch.long)
    for k, q in enumerate(seqs):
        out[k, :len(q)] = torch.tensor(q, dtype=torch.long)  # 앞쪽만 채움
    return out, lens""",
    """def make_mask(lengths, L):
    return torch.arange(L)[None, :] < lengths[:, None]""",
    """def batched_waste(lengths, batch_size):
    allcells, padcells = 0, 0
    for s in range(0, len(lengths), batch_size):
        part = [int(v) for v in lengths[s:s + batch_size]]
        m = max(part)
        allcells += m * len(part)
        padcells += m * len(part) - sum(part)
    return padcells / allcells
toy_sorted_waste = batched_waste(sorted(toy_lengths.tolist(), reverse=True), 5)"""]


def _notebook(answers):
    cells = list(STARTER)
    for k, answer in zip((1, 3, 5), answers):
        cells[k] = answer
    return nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])).encode()


def test_similarity_flags_the_planted_copy_only(tmp_path):
    from seqlab.tools.grading.similarity import answer_code, write_report

    starter = _notebook(["def pad_batch(seqs, pad_id):\n    ...", "def make_mask(lengths, L):\n    ...",
                         "def batched_waste(lengths, batch_size):\n    ...\ntoy_sorted_waste = ..."])
    subs = {sid: _notebook(answers) for sid, answers in ANSWERS.items()}
    subs["untouched"] = starter
    path, pairs = write_report(tmp_path, NAME, subs, starter)
    flagged = [(p.a, p.b) for p in pairs if p.flagged]
    assert flagged == [("a", "a_copy")], [(p.a, p.b, round(p.a_in_b, 2), round(p.b_in_a, 2)) for p in pairs]
    others = [p for p in pairs if (p.a, p.b) != ("a", "a_copy")]
    top = pairs[0]
    assert min(top.a_in_b, top.b_in_a) > max(min(p.a_in_b, p.b_in_a) for p in others) + 0.3
    html = path.read_text(encoding="utf-8")
    assert "점수와 관계없는 참고 자료" in html and "<mark>" in html and "http" not in html
    # only the answers are compared: the given cells are not part of anyone's code
    code = answer_code([c.source for c in nbformat.reads(subs["a"].decode(), 4).cells], STARTER)
    assert "grader.check" not in code and "import torch" not in code and "def pad_batch" in code
    rows = _csv(tmp_path / "similarity" / "pairs.csv")
    assert len(rows) == 10 and sum(r["flagged"] == "yes" for r in rows) == 1
