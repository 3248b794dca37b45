"""A small exercise and an adversarial class for it (used by tests/test_grading_adversarial.py).

The exercise is written the way seqlab-assign writes tests (otter's OK format, checks against
``student`` and ``expect``), but small, so that every attack costs only a runner start.
Each submission attacks one class of weakness (issues 11 and 17), by someone who has read the
grader: hangs through endless iterables and slow calls, filling the sandbox's filesystems,
fork bombs, huge replies, file names in other encodings, ids named after classmates, forged
replies, replaced or restored check machinery, large saved outputs.

``python -m tests.adversarial --workers 1 2`` grades the class and compares every row with what
it should get (the measurement reported for issue 17; ``tests/test_grading_adversarial.py`` runs
the same class as a test).
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
    # iterating student values: a set (not data) is read item by item; a list of weights is converted
    "q4": (1, [
        ("expect.equal(sorted(set(student.letters)), ['a', 'b', 'c'], 'letters')", False),
        ("expect.close(student.weights, [0.25, 0.75], 'weights')", True),
    ]),
}
QUESTION_LIMIT = 6.0  # seconds of test calls per question in the tests (a legitimate one needs < 1)


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
Q4 = "letters = {'c', 'a', 'b'}\nweights = [0.25, 0.75]"
SOLVED = (Q1, Q2, Q3, Q4)
EMPTY = ["def double(x):\n    ...", "seq = ...", "def fact(n):\n    ...", "letters = ...\nweights = ..."]
CAPS = {"/": 0, "/dev": 0, "/dev/shm": 64, "/tmp": 64, "/home/user": 256}  # MiB a submission can write


def notebook(*cells: str) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in (SETUP,) + cells]
    return nbformat.writes(nb)


def make_adversarial_class(folder: Path, out: Path, autograder: Path) -> dict:
    """Write the class; return ``{file: (status prefix, {question: points} or None)}``."""
    folder.mkdir(parents=True, exist_ok=True)
    full = {"q1": 2, "q2": 2, "q3": 1, "q4": 1}
    zero = {"q1": 0, "q2": 0, "q3": 0, "q4": 0}
    expected = {}

    def put(name: str, text: str | bytes, status: str, scores) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.write_bytes if isinstance(text, bytes) else lambda t: path.write_text(t, encoding="utf-8"))(text)
        expected[unicodedata.normalize("NFC", name)] = (status, scores)

    put.expected = expected
    put("a01_solved.ipynb", notebook(*SOLVED), "ok", full)
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
        "os._exit(0)"), "tampered", zero)
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
        "         for f in glob.glob(top + '/**/' + pattern, recursive=True)\n"
        "         if '/site-packages/' not in f]  # the installed otter-grader's own modules are no secret\n"
        "print('SNOOP zips', len(found), found[:5])\n"), "ok", zero)
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
                                       Q2, Q3, Q4), "timeout", {"q1": 0, "q2": 2, "q3": 1, "q4": 1})
    # memory: a cell that asks for far too much
    put("a11_memory.ipynb", notebook(Q1, "big = bytearray(16 * 1024 ** 3)", Q2, Q3, Q4), "ok", full)
    # deleting and planting files where the grader keeps things
    put("a12_planter.ipynb", notebook(*SOLVED,
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
    put("2024101/99-mini.ipynb", notebook(*SOLVED), "ok", full)
    put("2024102/99-mini.ipynb", notebook(Q1, Q2_WRONG, Q3), "ok", {"q1": 2, "q2": 1, "q3": 1})
    # a macOS (NFD) file name; the roster is NFC
    put(unicodedata.normalize("NFD", "김민수_99-mini.ipynb"), notebook(*SOLVED), "ok", full)
    # nbformat 3, solved
    nb3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {"name": ""},
           "worksheets": [{"cells": [{"cell_type": "code", "input": c, "language": "python", "outputs": []}
                                     for c in (SETUP, *SOLVED)]}]}
    put("a13_nbformat3.ipynb", json.dumps(nb3), "ok", full)
    # a zip holding one solved notebook; a UTF-16 notebook
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("inner/99-mini.ipynb", notebook(*SOLVED))
    put("a14_zipped.zip", buf.getvalue(), "ok", full)
    put("a15_utf16.ipynb", notebook(*SOLVED).encode("utf-16"), "ok", full)
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
    add_issue17_cases(put, folder, full, zero)
    # a duplicate: an older file of a01's student
    put("a01_solved (1).ipynb", notebook(*EMPTY), "duplicate", None)
    os.utime(folder / "a01_solved (1).ipynb", (1_600_000_000, 1_600_000_000))
    return expected


ROSTER = "file,student_id\n김민수_99-mini.ipynb,2024777\n2024101,S101\n"  # a file key and a folder key


def _fill(dirs) -> str:
    """A cell that tries to write 1 GiB into each folder and prints how far it got."""
    return ("import os\n"
            f"for d in {list(dirs)!r}:\n"
            "    d = os.path.expanduser(d) if d.startswith('~') else d\n"
            "    n, err = 0, 'none'\n"
            "    for k in range(64):\n"
            "        try:\n"
            "            with open(os.path.join(d, f'fill{k}.bin'), 'wb') as f:\n"
            "                for _ in range(16):\n"
            "                    f.write(b'x' * 2**20); f.flush(); n += 1\n"
            "        except OSError as e:\n"
            "            err = type(e).__name__; break\n"
            "    print('FILL', d, n, err)\n")


FORK = ("import os, time\nkids = 0\n"
        "for _ in range(300):\n"
        "    try:\n        pid = os.fork()\n"
        "    except OSError:\n        break\n"
        "    if pid == 0:\n        time.sleep(120)\n        os._exit(0)\n"
        "    kids += 1\n"
        "print('FORKED', kids)")


def _big_outputs_notebook(mib: int) -> str:
    """A solved notebook whose saved figure outputs make it ``mib`` MiB (legitimate)."""
    import base64

    nb = nbformat.reads(notebook(*SOLVED), as_version=4)
    png = base64.b64encode(os.urandom(1024 * 1024)).decode()  # ~1.33 MiB of "figure" per output
    plot = nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()")
    plot.outputs = [nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"})
                    for _ in range(int(mib / 1.33) + 1)]
    nb.cells.append(plot)
    return nbformat.writes(nb)


def add_issue17_cases(put, folder: Path, full: dict, zero: dict) -> None:
    """The classes of issue 17, each as submissions with the row they must get."""
    # 1. hangs: an endless iterable and an endless "sequence"; slow calls that use up a question's budget
    put("b01_endless.ipynb", notebook(
        Q1, Q2, Q3,
        "import itertools\nletters = itertools.count()\n"
        "class Endless:\n"
        "    def __len__(self):\n        return 10 ** 12\n"
        "    def __getitem__(self, i):\n        return 0.5\n"
        "    def __iter__(self):\n        return itertools.repeat(0.5)\n"
        "weights = Endless()"), "ok", {"q1": 2, "q2": 2, "q3": 1, "q4": 0})
    put("b02_slow.ipynb", notebook(
        "import time\ndef double(x):\n    time.sleep(2.5)\n    return 2 * x", Q2, Q3, Q4),
        "timeout", {"q1": 1, "q2": 2, "q3": 1, "q4": 1})
    # 2. caps: filling every writable place, a fork bomb, replies far too large or too wide
    put("b03_fill.ipynb", notebook(*SOLVED, _fill(CAPS)), "ok", full)
    put("b04_fork.ipynb", notebook(*SOLVED, FORK), "ok", full)
    put("b05_bigreply.ipynb", notebook(
        Q1, "seq = torch.zeros(30_000_000)", Q3, "letters = {'a', 'b', 'c'}\nweights = [[0.0]] * 1_500_000"),
        "ok", {"q1": 2, "q2": 0, "q3": 1, "q4": 0.5})
    # 3. file names: CP949 bytes (a Windows zip unpacked on Linux); two names that differ only in
    #    Unicode normalisation (each its own row; the older one a duplicate of the newer)
    raw = "이영희_99-mini.ipynb".encode("cp949")
    with open(os.path.join(os.fsencode(folder), raw), "wb") as f:
        f.write(notebook(*SOLVED).encode("utf-8"))
    put.expected["이영희_99-mini.ipynb"] = ("ok", full)
    nfd, nfc = (unicodedata.normalize(form, "박지성_99-mini.ipynb") for form in ("NFD", "NFC"))
    put(nfd, notebook(*SOLVED), "duplicate", None)
    os.utime(folder / nfd, (1_600_000_000, 1_600_000_000))
    put(nfc, notebook(*SOLVED), "ok", full)
    put.expected[nfc] = ("duplicate", None)  # the NFD name's bytes sort first: it keeps the plain name
    put.expected[nfc + " (#2)"] = ("ok", full)
    # 4. ids: files named after another student's roster key (a folder key) do not take it
    put("2024101.ipynb", notebook(*SOLVED), "ok", full)
    put("2024999/2024101", notebook(*SOLVED), "ok", full)
    # 5. forged replies: frames written ahead into the runner's channel, the runner kept alive
    put("b06_prewrite.ipynb", notebook(
        "import gc, json, struct\n"
        "run = next(o for o in gc.get_objects() if type(o).__name__ == 'Runner')\n"
        "for value in [4, [1.0, 2.0, 3.0], 120] * 3:\n"
        "    data = json.dumps({'ok': value}).encode()\n"
        "    run.rout.write(struct.pack('>I', len(data)) + data)"), "tampered", zero)
    # 6. tampering: forbid made a no-op; the forbidden function put back during the call; the
    #    grader detected, then the proxy's call swapped for one that answers
    put("b07_noop_forbid.ipynb", notebook(
        Q1, Q2, Q3_CHEAT, Q4,
        "import contextlib, seqlab.checks as c\n"
        "c.LocalStudent.forbid = lambda self, *names: contextlib.nullcontext()"), "tampered", zero)
    put("b08_putback.ipynb", notebook(
        Q1, Q2, "_real = [math.factorial]\n"
        "def fact(n):\n    math.factorial = _real[0]\n    return math.factorial(n)", Q4),
        # forbids watch what runs instead of swapping the function, so putting it back changes
        # nothing: the call is still the forbidden operation and fails every case of q3
        "ok", {"q1": 2, "q2": 2, "q3": 0, "q4": 1})
    put("b09_detect_swap.ipynb", notebook(
        *EMPTY,
        "import os, sys\n"
        "graded = (os.environ.get('HOME') in ('/home/student',) or os.path.exists('/opt/seqlab')\n"
        "          or 'seqlab.tools.grading.runner' in sys.modules)\n"
        "print('GRADER DETECTED', graded)\n"
        "if graded:\n"
        "    import seqlab.checks as c\n"
        "    c.Ref.__call__.__code__ = (lambda self, *a, **k: self._student._wrap(2 * a[0], 'x')).__code__"),
        "tampered", zero)
    # 7. a legitimate notebook made large by saved figures; a notebook whose code itself is too large
    put("b10_big_outputs.ipynb", _big_outputs_notebook(64), "ok", full)
    put("b11_big_code.ipynb", notebook(*SOLVED, "x = 1\n" * 800_000), "error: code cells too large", None)
    # 8. smaller: the runner dies during a test call; the student truncates its own log
    put("b12_die.ipynb", notebook("import os\ndef double(x):\n    os._exit(3)", Q2, Q3, Q4),
        "ok", {"q1": 0, "q2": 2, "q3": 1, "q4": 1})
    put("b13_truncate.ipynb", notebook(
        *SOLVED, "print('LOG MARKER before truncation')\nimport os, sys\nsys.stdout.flush()\n"
        "print('CMDLINE', open('/proc/1/cmdline').read().replace(chr(0), ' '))\n"
        "print('HOME', os.environ.get('HOME'))\n"
        "for fd in (1, 2):\n    try:\n        os.ftruncate(fd, 0)\n        print('TRUNCATED', fd)\n"
        "    except OSError as e:\n        print('TRUNCATE failed', fd, type(e).__name__)"), "ok", full)


def check_rows(rows: dict, expected: dict) -> list[str]:
    """What differs between the gradebook's rows and the expected statuses and scores."""
    problems = []
    if set(rows) != set(expected):
        problems.append(f"rows {sorted(set(rows) ^ set(expected))} missing or unexpected")
    for name, (status, scores) in expected.items():
        row = rows.get(name)
        if row is None:
            continue
        if not row["status"].startswith(status):
            problems.append(f"{name}: status {row['status']!r}, expected {status!r}")
        if scores is None and row["total"] != "":
            problems.append(f"{name}: total {row['total']!r}, expected none")
        for q, points in (scores or {}).items():
            if abs(float(row[q] or "nan") - points) > 1e-6:
                problems.append(f"{name}: {q} = {row[q]}, expected {points}")
    return problems


def main() -> None:  # pragma: no cover - a measurement
    import argparse
    import csv
    import hashlib
    import resource
    import shutil
    import tempfile
    import time

    from seqlab.tools.grading.cli import grade_class

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="seqlab-adversarial-"))
    try:
        autograder = write_autograder(base / "instructor")
        roster = base / "roster.csv"
        roster.write_text(ROSTER, encoding="utf-8")
        for workers in args.workers:
            subs, out = base / f"subs-{workers}", base / f"grades-{workers}"
            expected = make_adversarial_class(subs, out, autograder)
            before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in subs.rglob("*") if p.is_file()}
            start = time.monotonic()
            grade_class(NAME, subs, out, autograder=autograder, roster=roster, limit=20, call_limit=3,
                        question_limit=QUESTION_LIMIT, workers=workers, show_progress=False)
            seconds = time.monotonic() - start
            with open(out / "gradebook.csv", newline="", encoding="utf-8") as f:
                rows = {r["file"]: r for r in csv.DictReader(f)}
            after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in subs.rglob("*") if p.is_file()}
            problems = check_rows(rows, expected)
            right = len(expected) - len({p.split(":")[0] for p in problems})
            print(f"--workers {workers}: {right} of {len(expected)} graded right, "
                  f"{sum(before[p] != after.get(p) for p in before)} files changed, {seconds:.0f} s, "
                  f"grader peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
            for line in problems:
                print("  ", line)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
