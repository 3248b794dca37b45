"""Unit tests of the grader's rooms (fast: nothing is sandboxed, nothing is built)."""
import base64
import io
import json
import math
import os
import pickle
import struct
import subprocess
import sys
import unicodedata
import zipfile

import numpy as np
import pytest
import torch

from seqlab.tools.grading import collect
from seqlab.tools.grading.collect import code_cells, NotANotebook, plan, student_id_for, student_id_from_filename
from seqlab.tools.grading.contract import (ContractError, MAX_FRAME, Ref, decode_value, encode_value,
                                           read_frame, write_frame)
from seqlab.tools.grading.gradebook import Gradebook, write_atomic
from seqlab.tools.otterfmt import find_leak, hidden_statements

from .conftest import ROOT
from . import adversarial as mini


# ------------------------------------------------------------------------------- contract

def _roundtrip(value):
    buf = io.BytesIO()
    write_frame(buf, {"ok": encode_value(value)})
    buf.seek(0)
    return decode_value(read_frame(buf)["ok"])


@pytest.mark.parametrize("value", [
    None, True, 3, -2**70, 1.5, "패딩", [1, [2, "x"]], (1, (2.0, None)), {"a": 1, 3: [1.0]},
    {True: 1, None: 2}, 2 + 3j, b"\x00\xff", torch.float16, torch.device("cpu"),
])
def test_plain_values_cross_unchanged(value):
    got = _roundtrip(value)
    assert got == value and type(got) is type(value)


def test_special_floats_cross():
    got = _roundtrip([math.nan, math.inf, -math.inf])
    assert math.isnan(got[0]) and got[1:] == [math.inf, -math.inf]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16, torch.float16, torch.int64,
                                   torch.int8, torch.uint8, torch.bool, torch.complex64])
def test_tensors_cross_with_their_dtype(dtype):
    t = (torch.arange(12).reshape(3, 4) % 3).to(dtype)
    got = _roundtrip(t)
    assert got.dtype == dtype and torch.equal(got, t)


def test_zero_dimensional_values_keep_their_shape():
    t, a, s = _roundtrip((torch.tensor(2.5), np.array(3), np.float32(1.5)))
    assert t.shape == () and t.item() == 2.5 and a.shape == () and float(s) == 1.5


def test_tensor_copies_keep_requires_grad_and_views_become_contiguous():
    w = torch.randn(4, 3, requires_grad=True)
    got = _roundtrip((w, w.t()[1:], torch.nn.Parameter(torch.ones(2)), torch.Size([2, 5])))
    assert got[0].requires_grad and torch.equal(got[0].detach(), w.detach())
    assert torch.equal(got[1], w.detach().t()[1:])
    assert type(got[2]) is torch.Tensor and got[3] == (2, 5)


def test_numpy_and_packed_sequences_cross():
    packed = torch.nn.utils.rnn.pack_padded_sequence(torch.randn(3, 4, 2), torch.tensor([4, 2, 1]),
                                                     batch_first=True)
    arr, scalar, back = _roundtrip([np.arange(6.0).reshape(2, 3), np.int32(7), packed])
    assert arr.tolist() == [[0, 1, 2], [3, 4, 5]] and scalar == 7
    assert type(back) is type(packed) and torch.equal(back.data, packed.data)
    assert torch.equal(back.batch_sizes, packed.batch_sizes)


def test_scripted_steps_cross_as_data():
    from seqlab.checks import ScriptedStep

    step = ScriptedStep({0: [1, 2], 1: 0}, vocab_size=3)
    back = decode_value({"$step": encode_value(step.to_data())})
    assert back.to_data() == step.to_data() and torch.equal(back(0, None)[0], step(0, None)[0])
    with pytest.raises(ContractError):
        decode_value({"$step": encode_value({"next_ids": {"0": [9]}, "vocab_size": 3})})


def test_references_are_numbers_never_objects():
    seen = []
    frame = encode_value([len, 1], make_ref=lambda obj: seen.append(obj) or {"$ref": 7, "type": "f", "name": "len"})
    assert seen == [len]
    assert decode_value(frame) == [Ref(7, "f", "len"), 1]
    with pytest.raises(ContractError, match="not data"):
        encode_value(object())


@pytest.mark.parametrize("payload", [
    {"$ndarray": base64.b64encode(pickle.dumps([1, 2])).decode()},
    {"$tensor": "not base64!", "dtype": "torch.float32"},
    {"$tensor": "", "dtype": "os.system"},
    {"$unknown": 1},
    {"$dict": [[{"$tuple": []}, 1]]},
    {"$packed": [None, None, None, None]},
])
def test_payloads_that_could_carry_code_or_lie_are_refused(payload):
    with pytest.raises(ContractError):
        decode_value(payload)


def test_object_arrays_are_refused_even_when_well_formed():
    buf = io.BytesIO()
    np.save(buf, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ContractError):
        decode_value({"$ndarray": base64.b64encode(buf.getvalue()).decode()})


def test_frames_refuse_oversize_and_garbage():
    with pytest.raises(ContractError, match="announced"):
        read_frame(io.BytesIO(struct.pack(">I", MAX_FRAME + 1)))
    with pytest.raises(ContractError, match="JSON"):
        read_frame(io.BytesIO(struct.pack(">I", 3) + b"\xff\xfe{"))
    with pytest.raises(ContractError, match="object"):
        read_frame(io.BytesIO(struct.pack(">I", 2) + b"[]"))
    with pytest.raises(EOFError):
        read_frame(io.BytesIO(struct.pack(">I", 10) + b"{}"))
    for hostile in (b'{"ok": ' + b"9" * 100000 + b"}", b'{"ok": ' + b"[" * 100000 + b"]" * 100000 + b"}"):
        with pytest.raises(ContractError):
            read_frame(io.BytesIO(struct.pack(">I", len(hostile)) + hostile))
    deep = {"ok": None}
    for _ in range(40):
        deep = {"$tuple": [deep]}
    with pytest.raises(ContractError, match="deeply"):
        decode_value(deep)


# -------------------------------------------------------------------------------- collect

@pytest.mark.parametrize("filename, expected", [
    ("Copy of 2024005_01-padding.ipynb", "2024005"),
    ("2024009_01-padding (1).ipynb", "2024009"),
    ("01-padding - 김민수.ipynb", "김민수"),
    ("사본 - hong gildong.ipynb", "hong_gildong"),
    ("01-padding.ipynb", "01-padding"),
    (unicodedata.normalize("NFD", "김민수_01-padding.ipynb"), "김민수"),
])
def test_student_id_from_filename(filename, expected):
    assert student_id_from_filename(filename, "01-padding") == expected


def test_ids_come_from_folders_and_the_roster_is_unicode_normalised():
    assert student_id_for("2024001/01-padding.ipynb", "01-padding", {}) == ("2024001", False)
    roster = {"김민수.ipynb": "2024777"}
    assert student_id_for(unicodedata.normalize("NFD", "김민수.ipynb"), "01-padding", roster) == ("2024777", True)
    assert student_id_for("2024002/x.ipynb", "01-padding", {"2024002": "S2"}) == ("S2", True)


def test_roster_needs_its_columns(tmp_path):
    bad = tmp_path / "roster.csv"
    bad.write_text("name,id\na,b\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'file' and 'student_id'"):
        collect.read_roster(bad)
    good = tmp_path / "r.csv"
    good.write_text("파일,학번\n" + unicodedata.normalize("NFD", "김.ipynb") + ",1\n", encoding="utf-8")
    assert collect.read_roster(good) == {"김.ipynb": "1"}


def _nb(*sources, key="cells"):
    return json.dumps({key: [{"cell_type": "code", "source": s} for s in sources], "metadata": {}}).encode()


@pytest.mark.parametrize("data, why", [
    (b"", "empty"), (b"\x89PNG\r\n", "not JSON"), (b"[1]", "JSON list"), (b'"x"', "JSON str"),
    (b'{"cells": 3}', "'cells' is a int"), (b'{"a": 1}', "no cells"), (b"[" * 50000, "not JSON"),
    (b"PK\x03\x04garbage", "damaged zip"),
])
def test_unreadable_files_say_why(data, why):
    with pytest.raises(NotANotebook, match=why):
        code_cells(data)


def test_notebooks_of_every_shape_are_read():
    assert code_cells(_nb("x = 1", ["y = ", "2"]))[0] == ["x = 1", "y = 2"]
    nb3 = json.dumps({"worksheets": [{"cells": [{"cell_type": "code", "input": "x = 3"}]}, "bad"]}).encode()
    cells, _, notes = code_cells(nb3)
    assert cells == ["x = 3"] and "nbformat 3" in notes
    assert code_cells(_nb("s = '한글'").decode().encode("utf-16"))[0] == ["s = '한글'"]
    korean = '{"cells": [{"cell_type": "code", "source": "s = \'한글\'"}]}'
    cells, _, notes = code_cells(korean.encode("cp949"))
    assert cells == ["s = '한글'"] and notes == ["read as cp949"]
    weird = json.dumps({"cells": [1, None, {"cell_type": "code", "source": 5}, {"cell_type": "code"}],
                        "metadata": [1]}).encode()
    assert code_cells(weird)[0] == ["", ""]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("__MACOSX/._a.ipynb", "junk")
        zf.writestr("d/a.ipynb", _nb("z = 9"))
    cells, _, notes = code_cells(buf.getvalue())
    assert cells == ["z = 9"] and "zip" in notes[0]


def _files(tmp_path, names_mtimes, exercise="01-padding"):
    folder = tmp_path / "subs"
    for name, mtime in names_mtimes:
        p = folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(_nb("x = 1"))
        os.utime(p, (mtime, mtime))
    return folder, collect.collect(folder, exercise, {})


def test_plan_decides_duplicates_by_newest_gradable_file(tmp_path):
    folder, files = _files(tmp_path, [("2024009_01-padding.ipynb", 100), ("2024009_01-padding (1).ipynb", 200)])
    (folder / "2024009_notes.txt").write_text("memo")  # not gradable: does not make the notebook a duplicate
    files = collect.collect(folder, "01-padding", {})
    actions = {p.sub.rel: (p.action, p.status) for p in plan(files, "01-padding", {}, resumable=lambda r, s: True)}
    assert actions["2024009_01-padding (1).ipynb"] == ("grade", "")
    assert actions["2024009_01-padding.ipynb"] == ("final", "duplicate")
    assert actions["2024009_notes.txt"] == ("final", "not a notebook")


def test_symbolic_links_get_a_row_and_are_never_followed(tmp_path):
    folder, _ = _files(tmp_path, [("a.ipynb", 100)])
    secret = tmp_path / "master.ipynb"
    secret.write_bytes(_nb("answer = 42"))
    (folder / "link.ipynb").symlink_to(secret)
    files = collect.collect(folder, "01-padding", {})
    link = next(f for f in files if f.rel == "link.ipynb")
    assert link.data == b"" and "symbolic link" in link.notes[0]
    planned = {p.sub.rel: p for p in plan(files, "01-padding", {}, resumable=lambda r, s: False)}
    assert planned["link.ipynb"].status == "not a notebook" and planned["a.ipynb"].action == "grade"


def test_plan_resumes_only_what_resumable_accepts(tmp_path):
    folder, files = _files(tmp_path, [("a.ipynb", 100), ("b.ipynb", 100)])
    previous = {"a.ipynb": {"x": 1}, "b.ipynb": {"x": 2}}
    planned = plan(files, "01-padding", previous, resumable=lambda row, sub: row["x"] == 1)
    assert [(p.sub.rel, p.action) for p in planned] == [("a.ipynb", "keep"), ("b.ipynb", "grade")]


def test_originals_are_restored_even_when_their_folder_was_removed(tmp_path):
    import shutil

    folder, files = _files(tmp_path, [("2024001/01-padding.ipynb", 100), ("b.ipynb", 100)])
    shutil.rmtree(folder / "2024001")
    (folder / "b.ipynb").write_text("erased")
    assert sorted(collect.verify_originals(files)) == ["2024001/01-padding.ipynb", "b.ipynb"]
    assert (folder / "2024001" / "01-padding.ipynb").read_bytes() == _nb("x = 1")
    assert collect.verify_originals(files) == []


# ------------------------------------------------------------------------------ gradebook

def _book(tmp_path):
    return Gradebook(tmp_path / "out", "99-mini", {"q1": 2.0, "q2": 2.0, "q3": 1.0}, "t" * 64,
                     hidden_statements(mini.test_files()))


def test_rows_are_signed_and_a_forged_or_stale_row_is_not_resumable(tmp_path):
    folder, files = _files(tmp_path, [("a.ipynb", 100)])
    book = _book(tmp_path)
    book.set_row("a.ipynb", "a", "ok", {"q1": 0, "q2": 0, "q3": 0}, ["cell errors: X"], files[0].sha256, "bwrap",
                  {"q1": "q1: ok"})
    book.write_csv()
    again = _book(tmp_path)
    row = again.load_previous()["a.ipynb"]
    assert again.resumable(row, files[0])
    assert not again.resumable(dict(row, q1="2", total="2"), files[0])  # forged
    assert not again.resumable(dict(row, sandbox="none"), files[0])
    other = Gradebook(tmp_path / "out", "99-mini", {"q1": 2.0, "q2": 2.0, "q3": 1.0}, "u" * 64, set())
    assert not other.resumable(row, files[0])  # the tests changed
    (tmp_path / "out" / ".grader-key").write_text("00" * 32)
    assert not _book(tmp_path).resumable(row, files[0])  # another grader's key


def test_feedback_holds_only_the_students_own_results(tmp_path):
    book = _book(tmp_path)
    book.set_row("x/a.ipynb", "a", "ok", {"q1": 2, "q2": 0, "q3": 1}, ["kept: classmate.ipynb", "restored b"],
                  "s" * 64, "bwrap", {"q1": "q1: 통과", "q2": f"q2: 실패 {mini.SECRET}", "q3": "q3: ok"})
    book.set_row("a_old.ipynb", "a", "duplicate", None, ["kept: x/a.ipynb"], "r" * 64, "bwrap")
    book.write_feedback()
    texts = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "out" / "feedback").iterdir()}
    assert list(texts) == ["a.md"]
    text = texts["a.md"]
    assert "총점: 3 / 5" in text and "`a.ipynb`" in text and "q1: 통과" in text
    assert "kept" not in text and "classmate" not in text and "restored" not in text
    assert mini.SECRET not in text and "메시지를 보여 줄 수 없습니다" in text


def test_atomic_writes_replace_whatever_is_in_the_way(tmp_path):
    (tmp_path / "gradebook.csv").mkdir()
    (tmp_path / "gradebook.csv" / "x").write_text("planted")
    write_atomic(tmp_path / "gradebook.csv", "a,b\n")
    assert (tmp_path / "gradebook.csv").read_text() == "a,b\n"
    assert [p.name for p in tmp_path.iterdir()] == ["gradebook.csv"]


# --------------------------------------------------------------------------- format, leaks

def test_hidden_statements_leave_out_lines_public_cases_share():
    files = mini.test_files()
    statements = hidden_statements(files)
    assert mini.SECRET in statements
    assert "expect.equal(student.double(2), 4, 'double(2)')" not in statements
    assert find_leak(f"x\n{mini.SECRET}\n", statements) == mini.SECRET
    assert find_leak("nothing here", statements) is None


# ----------------------------------------------------------------------------------- rooms

LIBRARY = ["seqlab", "seqlab.data", "seqlab.viz", "seqlab.models", "seqlab.tasks", "seqlab.train",
           "seqlab.repro", "seqlab.colab", "seqlab.checks"]


def test_the_library_never_imports_the_tools():
    code = ("import importlib, sys\n"
            f"for m in {LIBRARY!r}:\n    importlib.import_module(m)\n"
            "print(sorted(m for m in sys.modules if m.startswith('seqlab.tools')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "[]"
    import ast

    for path in (ROOT / "seqlab").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [f"{'.' * node.level}{node.module or ''}"] if isinstance(node, ast.ImportFrom) else []
            assert not [n for n in names if n.startswith(("seqlab.tools", ".tools")) or n == "."
                        and any(a.name == "tools" for a in node.names)], (path, names)


def test_settings_are_read_in_one_place():
    from seqlab.tools.settings import exercise_names, read_settings

    s = read_settings(ROOT)
    assert s.repo_url.startswith("https://github.com/") and s.site_branch
    assert f"otter-grader[grading]=={s.otter_version}" in (ROOT / "requirements.txt").read_text()
    assert exercise_names(ROOT) == sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def test_refusal_says_why_and_how():
    from seqlab.tools.grading.cli import refusal_message

    text = refusal_message("bubblewrap (`bwrap`) is not installed")
    assert "apt-get install bubblewrap" in text and "docker run" in text and "--unsandboxed" in text


def test_tests_see_the_exercise_notebooks_imports_and_nothing_else(tmp_path):
    import nbformat

    from seqlab.tools.grading.judge import exercise_imports

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import torch.nn.functional as F\nfrom math import pi\nboom = 1 / 0"),
                nbformat.v4.new_code_cell("%matplotlib inline\nimport numpy as np")]
    path = tmp_path / "99-x.ipynb"
    nbformat.write(nb, path)
    ns = exercise_imports(path)
    assert ns["F"] is torch.nn.functional and ns["pi"] == math.pi and "np" in ns and "boom" not in ns
    assert exercise_imports(tmp_path / "missing.ipynb") == {}


# ------------------------------------------------------------------------------ issue 17

def test_frames_too_wide_or_too_deep_are_refused_before_decoding():
    from seqlab.tools.grading.contract import MAX_TOKENS, check_structure

    wide = b'{"ok": [' + b"[]," * (MAX_TOKENS // 2) + b"[]]}"
    with pytest.raises(ContractError, match="more than"):
        read_frame(io.BytesIO(struct.pack(">I", len(wide)) + wide))
    deep = b'{"ok": ' + b"[" * 200 + b"]" * 200 + b"}"
    with pytest.raises(ContractError, match="deeply"):
        check_structure(deep)
    # brackets inside strings do not count; a value of the allowed depth passes
    check_structure(b'{"ok": "' + b"[" * 5000 + b'"}')
    nested = {"ok": 1}
    for _ in range(30):
        nested = {"$dict": [["k", nested]]}
    data = json.dumps({"ok": nested}).encode()
    assert read_frame(io.BytesIO(struct.pack(">I", len(data)) + data))["ok"] == nested


_MAKE_FRAME = r"""
import io, struct, sys
import numpy as np
from seqlab.tools.grading.contract import encode_value, write_frame
kind, path = sys.argv[1:]
if kind == "tensor":   # the largest legitimate reply: one array just under the frame limit
    buf = io.BytesIO()
    write_frame(buf, {"ok": encode_value(np.zeros(11_000_000, dtype=np.float32)), "rid": "x"})
    data = buf.getvalue()
else:                  # 48 MB of the most expensive JSON to decode: tiny containers
    body = b'{"ok": [' + b"{}," * 16_000_000 + b"{}]}"
    data = struct.pack(">I", len(body)) + body
open(path, "wb").write(data)
"""
_READ_FRAME = r"""
import resource, sys
from seqlab.tools.grading.contract import ContractError, read_frame, decode_value
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with open(sys.argv[1], "rb", buffering=0) as stream:
    try:
        value = decode_value(read_frame(stream)["ok"])
        result = "decoded"
    except ContractError:
        result = "refused"
print(result, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)
"""


@pytest.mark.parametrize("kind, result", [("tensor", "decoded"), ("containers", "refused")])
def test_decoding_a_big_reply_does_not_amplify_memory(kind, result, tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    frame = tmp_path / "frame.bin"
    subprocess.run([sys.executable, "-c", _MAKE_FRAME, kind, str(frame)], check=True, timeout=300, cwd=ROOT, env=env)
    proc = subprocess.run([sys.executable, "-c", _READ_FRAME, str(frame)], capture_output=True, text=True,
                          timeout=300, cwd=ROOT, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    got, grown_mib = proc.stdout.split()
    size_mib = frame.stat().st_size / 2**20
    assert got == result
    # reading the frame and decoding it costs a few times its size at most (it was ~45x before)
    assert float(grown_mib) < 5 * size_mib + 50, (size_mib, grown_mib)


def test_file_names_in_any_encoding_get_readable_unique_rows(tmp_path):
    folder = tmp_path / "subs"
    folder.mkdir()
    raw = "이영희.ipynb".encode("cp949")
    with open(os.path.join(os.fsencode(folder), raw), "wb") as f:
        f.write(_nb("x = 1"))
    with open(os.path.join(os.fsencode(folder), b"\xff\xfe.ipynb"), "wb") as f:
        f.write(_nb("x = 2"))
    for form in ("NFC", "NFD"):
        (folder / unicodedata.normalize(form, "박.ipynb")).write_bytes(_nb("x = 3"))
    files = {f.rel: f for f in collect.collect(folder, "01-padding", {})}
    assert set(files) == {"이영희.ipynb", "\\xff\\xfe.ipynb", "박.ipynb", "박.ipynb (#2)"}
    assert files["이영희.ipynb"].student_id == "이영희" and raw.hex() in files["이영희.ipynb"].notes[0]
    assert "unknown encoding" in files["\\xff\\xfe.ipynb"].notes[0]
    assert files["박.ipynb"].student_id == files["박.ipynb (#2)"].student_id == "박"
    planned = {p.sub.rel: p for p in plan(list(files.values()), "01-padding", {}, resumable=lambda r, s: False)}
    assert sorted(p.status for p in planned.values() if p.sub.rel.startswith("박")) == ["", "duplicate"]


def test_the_roster_maps_only_what_it_names(tmp_path):
    folder = tmp_path / "subs"
    for rel in ("2024001/01-padding.ipynb", "2024001.ipynb", "2024777/2024001", "kim.ipynb", "x/kim.ipynb"):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(_nb("x = 1"))
    roster = {"2024001": "S1", "kim.ipynb": "S2"}
    files = {f.rel: f for f in collect.collect(folder, "01-padding", roster)}
    ids = {rel: f.student_id for rel, f in files.items()}
    assert ids == {"2024001/01-padding.ipynb": "S1", "2024001.ipynb": "unlisted-2024001",
                   "2024777/2024001": "2024777", "kim.ipynb": "S2", "x/kim.ipynb": "x"}
    assert any("not taken" in n for n in files["2024001.ipynb"].notes)
    assert student_id_for("2024001", "01-padding", roster, folders={"2024001"}) == ("2024001", False)


def test_size_limits_count_code_not_outputs(tmp_path, monkeypatch):
    monkeypatch.setattr(collect, "KEEP_BYTES", 1000)
    folder = tmp_path / "subs"
    folder.mkdir()
    big = json.loads(_nb("x = 1"))
    big["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "y" * 50_000}]
    (folder / "outputs.ipynb").write_text(json.dumps(big))
    (folder / "code.ipynb").write_bytes(_nb("x = 1\n" * 800_000))
    files = collect.collect(folder, "01-padding", {})
    assert all(f.data == b"" and f.parsed is not None for f in files)  # read once, only the code kept
    planned = {p.sub.rel: p for p in plan(files, "01-padding", {}, resumable=lambda r, s: False)}
    assert planned["outputs.ipynb"].action == "grade" and planned["outputs.ipynb"].cells == ["x = 1"]
    assert planned["code.ipynb"].status == collect.STATUS_TOO_LARGE
    assert planned["code.ipynb"].notes == ["its code cells hold 4 MiB of code; the limit is 4 MiB "
                                           "(saved outputs do not count)"]
    monkeypatch.setattr(collect, "MAX_FILE_BYTES", 10)
    planned = plan(collect.collect(folder, "01-padding", {}), "01-padding", {}, resumable=lambda r, s: False)
    assert [len(p.notes) for p in planned] == [1, 1] and all("not read" in p.notes[0] for p in planned)


def test_integrity_snapshot_sees_replaced_machinery(monkeypatch):
    import contextlib
    import math as _math

    from seqlab import checks
    from seqlab.tools.grading import runner as runner_mod

    r, w = os.pipe()
    try:
        with os.fdopen(os.dup(r), "rb", buffering=0) as rin, os.fdopen(os.dup(w), "wb", buffering=0) as rout:
            run = runner_mod.Runner(rin, rout)
            check = run.integrity
            assert check.verify() is None
            with monkeypatch.context() as m:
                m.setattr(checks.LocalStudent, "forbid", lambda self, *n: contextlib.nullcontext())
                assert "LocalStudent.forbid was replaced" in check.verify()
            assert check.verify() is None
            code = checks._first_difference.__code__
            checks._first_difference.__code__ = (lambda got, want, path="": None).__code__
            try:
                assert "code of seqlab.checks._first_difference" in check.verify()
            finally:
                checks._first_difference.__code__ = code
            with monkeypatch.context() as m:
                m.setattr(builtins_mod(), "isinstance", lambda *a: True)
                assert "builtins.isinstance" in check.verify()
            run.ns["math"] = _math
            cm = run.student.forbid("math.factorial")
            original = _math.factorial
            cm.__enter__()
            try:
                check.after_forbid(["math.factorial"], [original])
                assert check.verify() is None
                # forbids no longer swap the function (seqlab.checks watches what runs), so what can
                # be tampered with is the watch itself: a replaced profile hook is reported
                assert _math.factorial is original
                import sys as _sys

                with monkeypatch.context() as m:
                    m.setattr(_sys, "setprofile", lambda *a: None)
                    assert check.verify() is not None
            finally:
                cm.__exit__(None, None, None)
                check.after_allow()
            assert check.verify() is None and _math.factorial is original
            monkeypatch.setattr(checks, "guard_intact", lambda: "hook removed", raising=False)
            assert runner_mod.Integrity([checks], run).verify() == "seqlab.checks.guard_intact(): hook removed"
    finally:
        os.close(r)
        os.close(w)


def builtins_mod():
    import builtins

    return builtins


def test_work_folders_of_dead_runs_are_removed(tmp_path):
    from seqlab.tools.grading.sandbox import work_folder

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".work-{dead.stdout.strip()}-abc"
    stale.mkdir()
    (stale / "student.log").write_text("output")
    mine = work_folder(tmp_path)
    assert not stale.exists() and mine.is_dir() and mine.name.startswith(f".work-{os.getpid()}-")
