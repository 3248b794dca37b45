"""A small exercise and an adversarial class for it (used by tests/test_grading_adversarial.py).

The exercise is written the way seqlab-assign writes tests (otter's OK format, checks against
``student`` and ``expect``), but small, so that every attack costs only a runner start.
Each submission attacks one class of weakness from issue 11, by someone who has read the grader.
"""
from __future__ import annotations

import json
import os
import pprint
import unicodedata
import zipfile
from pathlib import Path

import nbformat

NAME = "99-mini"
SECRET = "hidden_probe_value = 424242"  # a statement only the hidden tests contain


def _case(code: str, hidden: bool) -> dict:
    lines = code.strip("\n").splitlines()
    doc = "\n".join((">>> " if not line.startswith((" ", ")", "]")) else "... ") + line for line in lines) + "\n"
    return {"code": doc, "hidden": hidden, "locked": False}


TESTS = {
    "q1": (2, [
        ("expect.equal(student.double(2), 4, 'double(2)')", False),
        (f"{SECRET}\nfor v in [0, -3, hidden_probe_value]:\n    expect.equal(student.double(v), 2 * v, 'double')", True),
    ]),
    "q2": (2, [
        ("expect.shape(student.seq, (3,), 'seq')", False),
        ("expect.equal(student.seq, [1.0, 2.0, 3.0], 'seq')", True),
    ]),
    "q3": (1, [
        ("with student.forbid('math.factorial'):\n    expect.equal(student.fact(5), 120, 'fact(5)')", True),
    ]),
}


def test_files() -> dict[str, str]:
    files = {}
    for q, (points, cases) in TESTS.items():
        spec = {"name": q, "points": points, "suites": [{"cases": [_case(c, h) for c, h in cases],
                                                         "scored": True, "setup": "", "teardown": "",
                                                         "type": "doctest"}]}
        files[f"{q}.py"] = "OK_FORMAT = True\n\ntest = " + pprint.pformat(spec, width=100) + "\n"
    return files


def write_autograder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{NAME}-autograder_test.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name, source in test_files().items():
            zf.writestr(f"tests/{name}", source)
        zf.writestr("otter_config.json", "{}")
    return path


SETUP = "import math\nimport torch\nfrom seqlab.checks import expect, local_student\nstudent = local_student(globals())"
Q1 = "def double(x):\n    return 2 * x"
Q2 = "seq = torch.tensor([1.0, 2.0, 3.0])"
Q3 = "def fact(n):\n    out = 1\n    for k in range(2, n + 1):\n        out *= k\n    return out"
Q1_WRONG = "def double(x):\n    return 3 * x"
Q2_WRONG = "seq = torch.tensor([1.0, 2.0, 4.0])"
Q3_CHEAT = "def fact(n):\n    return math.factorial(n)"
EMPTY = ["def double(x):\n    ...", "seq = ...", "def fact(n):\n    ..."]


def notebook(*cells: str) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in (SETUP,) + cells]
    return nbformat.writes(nb)


def make_adversarial_class(folder: Path, out: Path, autograder: Path) -> dict:
    """Write the class; return ``{file: (status prefix, {question: points} or None)}``."""
    folder.mkdir(parents=True, exist_ok=True)
    full = {"q1": 2, "q2": 2, "q3": 1}
    zero = {"q1": 0, "q2": 0, "q3": 0}
    expected = {}

    def put(name: str, text: str | bytes, status: str, scores) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.write_bytes if isinstance(text, bytes) else lambda t: path.write_text(t, encoding="utf-8"))(text)
        expected[unicodedata.normalize("NFC", name)] = (status, scores)

    put("a01_solved.ipynb", notebook(Q1, Q2, Q3), "ok", full)
    put("a02_untouched.ipynb", notebook(*EMPTY), "ok", zero)
    # patching every comparison it can reach (in its own process) with wrong answers
    put("a03_patch.ipynb", notebook(Q1_WRONG, Q2_WRONG, Q3_CHEAT,
        "import torch, numpy, builtins, seqlab.checks as c\n"
        "torch.equal = lambda *a, **k: True\ntorch.allclose = lambda *a, **k: True\n"
        "numpy.allclose = lambda *a, **k: True\n"
        "c.expect.equal = lambda *a, **k: None\nc._first_difference = lambda *a, **k: None\n"
        "c.run_case = lambda *a, **k: c.CaseResult(True, True)\n"
        "c.to_data = lambda v: [1.0, 2.0, 3.0]\n"
        "import math\nmath.factorial = lambda n: 1\n"
        "builtins.isinstance = lambda *a: True\n"), "stopped", {"q1": 0, "q2": 1, "q3": 0})
    # forging the result channel: write answers to every descriptor, then exit
    put("a04_channel.ipynb", notebook(Q1_WRONG,
        "import os, json, struct\n"
        "frame = json.dumps({'ok': {'$dict': [['errors', []], ['stopped_at', None], ['timed_out', False], "
        "['n_cells', 1]]}}).encode()\n"
        "ok = json.dumps({'ok': 4}).encode()\n"
        "for fd in range(0, 20):\n"
        "    for data in (frame, ok, ok, ok):\n"
        "        try:\n            os.write(fd, struct.pack('>I', len(data)) + data)\n"
        "        except OSError:\n            pass\n"
        "os._exit(0)"), "ok", zero)
    # a detached process that tries to rewrite the gradebook after the grader has finished
    put("a05_detached.ipynb", notebook(Q1_WRONG,
        "import subprocess, sys\n"
        f"target = {str(out / 'gradebook.csv')!r}\n"
        "code = 'import time,os\\ntime.sleep(4)\\nopen(%r, \"w\").write(\"student_id,total\\\\nme,100\\\\n\")' % target\n"
        "subprocess.Popen([sys.executable, '-c', code], start_new_session=True, stdin=subprocess.DEVNULL,\n"
        "                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "if os_fork := getattr(__import__('os'), 'fork', None):\n"
        "    if os_fork() == 0:\n"
        "        __import__('os').setsid()\n"
        "        __import__('time').sleep(5)\n"
        f"        open({str(out / 'gradebook.csv')!r}, 'w').write('forged')\n"
        "        __import__('os')._exit(0)"), "ok", zero)
    # looking for the instructor's files and the hidden tests; executing a solution if found
    put("a06_snoop.ipynb", notebook(Q1_WRONG,
        "import glob, os\n"
        f"places = [{str(autograder)!r}, {str(autograder.parent)!r}, {str(out)!r}, {str(folder)!r}, "
        f"{str(Path(__file__).resolve().parent.parent / 'notebooks')!r}, {str(Path(__file__).resolve().parent.parent / '_build')!r}]\n"
        "for p in places:\n"
        "    print('SNOOP', p, 'FOUND' if os.path.exists(p) and (os.listdir(p) if os.path.isdir(p) else True) else 'NOTFOUND')\n"
        "found = [f for top in ('/work', '/home', '/tmp', '/opt', '/mnt', '/srv') for pattern in ('*autograder*', 'q1.py', '*99-mini*')\n"
        "         for f in glob.glob(top + '/**/' + pattern, recursive=True)]\n"
        "print('SNOOP zips', len(found))\n"), "ok", zero)
    # leaking hidden tests into a public message: remember every argument, search memory
    put("a07_leak.ipynb", notebook(
        "import gc, inspect\nSEEN = []\n"
        "def double(x):\n"
        "    SEEN.append(x)\n"
        "    found = [o for o in gc.get_objects() if isinstance(o, str) and 'hidden_probe' in o]\n"
        "    frames = [repr(f.frame.f_globals.keys()) for f in inspect.stack()]\n"
        "    raise ValueError('LEAK ' + repr(SEEN) + repr(found)[:500] + repr(frames)[:500])",
        Q2, Q3), "ok", {"q1": 0, "q2": 2, "q3": 1})
    # KeyboardInterrupt and SystemExit raised inside a test
    put("a08_interrupt.ipynb", notebook(
        "def double(x):\n    raise KeyboardInterrupt", Q2,
        "def fact(n):\n    raise SystemExit(0)"), "ok", {"q1": 0, "q2": 2, "q3": 0})
    # a C-level infinite loop after q1's answer: q1 keeps its points
    put("a09_cloop.ipynb", notebook(Q1, "import itertools\nsum(itertools.count())", Q2, Q3),
        "timeout", {"q1": 2, "q2": 0, "q3": 0})
    # a C-level infinite loop inside a test call: the other questions still count
    put("a10_callhang.ipynb", notebook("def double(x):\n    import itertools\n    return sum(itertools.count())",
                                       Q2, Q3), "ok", {"q1": 0, "q2": 2, "q3": 1})
    # memory: a cell that asks for far too much
    put("a11_memory.ipynb", notebook(Q1, "big = bytearray(16 * 1024 ** 3)", Q2, Q3), "ok", full)
    # deleting and planting files where the grader keeps things
    put("a12_planter.ipynb", notebook(Q1, Q2, Q3,
        "import os, shutil\n"
        f"for p in [{str(folder)!r}, {str(out)!r}]:\n"
        "    shutil.rmtree(p, ignore_errors=True)\n"
        "    try:\n"
        "        os.makedirs(p + '/planted', exist_ok=True)\n"
        "        open(p + '/zz_planted.ipynb', 'w').write('{}')\n"
        "        os.makedirs(p + '/gradebook.csv.tmp', exist_ok=True)\n"
        "    except OSError as e:\n"
        "        print('PLANT failed', type(e).__name__)\n"
        "open('zz_local.ipynb', 'w').write('{}')"), "ok", full)
    # one folder per student, files named alike
    put("2024101/99-mini.ipynb", notebook(Q1, Q2, Q3), "ok", full)
    put("2024102/99-mini.ipynb", notebook(Q1, Q2_WRONG, Q3), "ok", {"q1": 2, "q2": 1, "q3": 1})
    # a macOS (NFD) file name; the roster is NFC
    put(unicodedata.normalize("NFD", "김민수_99-mini.ipynb"), notebook(Q1, Q2, Q3), "ok", full)
    # nbformat 3, solved
    nb3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {"name": ""},
           "worksheets": [{"cells": [{"cell_type": "code", "input": c, "language": "python", "outputs": []}
                                     for c in (SETUP, Q1, Q2, Q3)]}]}
    put("a13_nbformat3.ipynb", json.dumps(nb3), "ok", full)
    # a zip holding one solved notebook; a UTF-16 notebook
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("inner/99-mini.ipynb", notebook(Q1, Q2, Q3))
    put("a14_zipped.zip", buf.getvalue(), "ok", full)
    put("a15_utf16.ipynb", notebook(Q1, Q2, Q3).encode("utf-16"), "ok", full)
    # malformed files of every shape
    put("m01_cells_dict.ipynb", '{"cells": {"a": 1}, "metadata": {}}', "not a notebook", None)
    put("m02_meta_list.ipynb", json.dumps({"cells": [{"cell_type": "code", "source": Q1}], "metadata": [1, 2]}),
        "ok", {"q1": 2, "q2": 0, "q3": 0})
    put("m03_cells_ints.ipynb", '{"cells": [1, 2, null, "x"], "metadata": {}}', "error: empty notebook", None)
    put("m04_source_int.ipynb", '{"cells": [{"cell_type": "code", "source": 7}]}', "error: empty notebook", None)
    put("m05_list.ipynb", "[1, 2, 3]", "not a notebook", None)
    put("m06_deep.ipynb", "[" * 100000 + "]" * 100000, "not a notebook", None)
    put("m07_binary.ipynb", b"\x89PNG\r\n\x1a\n\x00\x00", "not a notebook", None)
    put("m08_empty.ipynb", b"", "not a notebook", None)
    put("m09_other_exercise.ipynb", json.dumps({"cells": [{"cell_type": "code", "source": Q1}],
                                               "metadata": {"otter": {"assignment_name": "01-padding"}}}),
        "error: submission is for", None)
    put(".hidden_note.txt", "memo", "not a notebook", None)
    # a duplicate: an older file of a01's student
    put("a01_solved (1).ipynb", notebook(*EMPTY), "duplicate", None)
    os.utime(folder / "a01_solved (1).ipynb", (1_600_000_000, 1_600_000_000))
    return expected
