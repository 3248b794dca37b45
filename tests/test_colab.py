"""Every student notebook, as published, run the way Google Colab runs it.

Colab opens a notebook from GitHub into a kernel whose working folder (``/content``) does not
hold the notebook file, with ``google.colab`` importable and torch/numpy/matplotlib already
installed, but not seqlab. This test rebuilds that situation offline:

- a fresh virtual environment whose base packages are the project's pinned ones, minus seqlab;
- a stub ``google.colab`` package, so the set-up cell takes its Colab branch;
- the built site served over HTTP on localhost, and ``SEQLAB_INSTALL_SOURCE`` pointing at the
  wheel it publishes (``dist/``), so the set-up cell's ``pip install`` installs exactly the
  artefact students get, from the place they get it, instead of fetching the real site;
- a kernel started in an empty folder.

Then it runs each student notebook untouched (it must run to the end and every check must say
the question is not answered yet), with the master's answers filled in (every public check
passes), and with one wrong answer (the Korean message names the difference).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from seqlab.checks import NOT_ANSWERED

from .conftest import EXERCISES
from .make_submissions import solved_student_notebook

SITE_PACKAGES = Path(nbformat.__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def served_site(site):
    """The built site over HTTP on localhost (as GitHub Pages serves the public repository)."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _colab_venv(base: Path) -> Path:
    """A fresh Colab-like interpreter: the pinned packages minus seqlab, and a google.colab stub."""
    # Colab's preinstalled packages: the pinned environment without seqlab (links, read-only use)
    preinstalled = base / "preinstalled"
    preinstalled.mkdir()
    for entry in SITE_PACKAGES.iterdir():
        if "seqlab" in entry.name.lower() or entry.name.endswith(".pth"):
            continue
        (preinstalled / entry.name).symlink_to(entry)
    stubs = base / "stubs" / "google" / "colab"
    stubs.mkdir(parents=True)
    (stubs.parent / "__init__.py").write_text("", encoding="utf-8")
    (stubs / "__init__.py").write_text('"""Stand-in for Colab\'s google.colab module."""\n', encoding="utf-8")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site_packages = next((venv / "lib").glob("python3*/site-packages"))
    (site_packages / "_a_colab_stub.pth").write_text(str(stubs.parent.parent) + "\n", encoding="utf-8")
    (site_packages / "_b_preinstalled.pth").write_text(str(preinstalled) + "\n", encoding="utf-8")
    return venv


@pytest.fixture(scope="session")
def colab(tmp_path_factory, site, served_site) -> dict:
    """A Colab-like kernel: returns ``{"kernel": name, "env": ..., "venv": path}``."""
    base = tmp_path_factory.mktemp("colab")
    wheel = next((site / "dist").glob("seqlab-*.whl"))  # exactly what the site publishes
    venv = _colab_venv(base)
    kernels = base / "jupyter" / "kernels" / "colablike"
    kernels.mkdir(parents=True)
    env = {"SEQLAB_INSTALL_SOURCE": f"{served_site}dist/{wheel.name}", "PIP_NO_INDEX": "1",
           "PIP_NO_CACHE_DIR": "1", "PYTHONNOUSERSITE": "1", "MPLBACKEND": "Agg"}
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [str(venv / "bin" / "python"), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Colab-like", "language": "python", "env": env}), encoding="utf-8")
    return {"kernel": "colablike", "jupyter_path": str(base / "jupyter"), "venv": venv, "env": env}


def _run(nb, colab: dict, workdir: Path, monkeypatch) -> nbformat.NotebookNode:
    monkeypatch.setenv("JUPYTER_PATH", colab["jupyter_path"])
    monkeypatch.delenv("PYTHONPATH", raising=False)
    workdir.mkdir(parents=True, exist_ok=True)
    client = NotebookClient(nb, kernel_name=colab["kernel"], timeout=300,
                            resources={"metadata": {"path": str(workdir)}})
    client.execute()
    assert not any(workdir.iterdir()), f"the notebook wrote files beside itself: {list(workdir.iterdir())}"
    return nb


def _text(cell) -> str:
    out = []
    for o in cell.get("outputs", []):
        out.append("".join(o.get("text", "")))
        out.append("".join(o.get("data", {}).get("text/plain", "")))
    return "".join(out)


def _student_notebook(assigned: Path, name: str):
    path = assigned / name / "student" / f"{name}.ipynb"
    return nbformat.read(path, as_version=4)


def _check_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("grader.check(")]


def _solved(assigned: Path, name: str):
    """The student notebook with the master's answers in its answer cells (the grader tests' helper)."""
    return solved_student_notebook(assigned / name / "student" / f"{name}.ipynb",
                                   assigned / name / "autograder" / f"{name}.ipynb")


def _answer_cells(nb):
    return [c for c in nb.cells if "otter_answer_cell" in c.metadata.get("tags", [])]


def _append_where_is_seqlab(nb):
    nb.cells.append(nbformat.v4.new_code_cell("import seqlab\nprint('seqlab from', seqlab.__file__)"))
    return nb


def test_untouched_notebook_installs_seqlab_and_says_not_answered(assigned, colab, tmp_path, monkeypatch):
    name = EXERCISES[0]
    nb = _run(_append_where_is_seqlab(_student_notebook(assigned, name)), colab, tmp_path / "content",
              monkeypatch)
    setup = next(c for c in nb.cells if "seqlab-setup" in c.metadata.get("tags", []))
    assert "seqlab 설치 중" in _text(setup) and "준비 완료" in _text(setup)
    assert str(colab["venv"]) in _text(nb.cells[-1]), _text(nb.cells[-1])  # the installed copy
    assert "tools" not in _text(nb.cells[-1])
    for cell in _check_cells(nb):
        assert NOT_ANSWERED in _text(cell), _text(cell)
    assert NOT_ANSWERED in _text(next(c for c in nb.cells if c.source == "grader.check_all()"))


@pytest.mark.parametrize("name", EXERCISES)
def test_student_notebook_in_colab(name, assigned, colab, tmp_path, monkeypatch):
    untouched = _run(_student_notebook(assigned, name), colab, tmp_path / "a", monkeypatch)
    checks = _check_cells(untouched)
    assert checks, "a student notebook without grader.check cells"
    for cell in checks:
        assert NOT_ANSWERED in _text(cell), f"{cell.source}: {_text(cell)}"
    solved = _run(_solved(assigned, name), colab, tmp_path / "b", monkeypatch)
    for cell in _check_cells(solved):
        assert "모두 통과" in _text(cell), f"{cell.source}: {_text(cell)}"
    summary = _text(next(c for c in solved.cells if c.source == "grader.check_all()"))
    assert f"{len(checks)}/{len(checks)}" in summary, summary


def test_wrong_answer_gets_a_korean_message_naming_the_difference(assigned, colab, tmp_path, monkeypatch):
    name = "01-padding"
    nb = _solved(assigned, name)
    _answer_cells(nb)[0].source = '''def pad_batch(seqs, pad_id):
    L = max(len(s) for s in seqs)
    batch = torch.full((len(seqs), L), pad_id, dtype=torch.long)
    for i, s in enumerate(seqs):
        batch[i, L - len(s):] = torch.tensor(s)  # pads at the front: wrong
    return batch, torch.tensor([len(s) for s in seqs])'''
    nb = _run(nb, colab, tmp_path / "c", monkeypatch)
    text = _text(_check_cells(nb)[0])
    assert "q1: 공개 테스트 2개 중 1개 통과" in text, text
    assert "값이 다릅니다. 위치 [1][0]에서 기대 4, 실제 0" in text, text
    assert "기대: [[1, 2, 3], [4, 0, 0]]" in text and "실제: tensor([[1, 2, 3], [0, 0, 4]]" in text, text
    print(text)


def _setup_source(assigned: Path) -> str:
    nb = _student_notebook(assigned, EXERCISES[0])
    return next(c for c in nb.cells if "seqlab-setup" in c.metadata.get("tags", [])).source


def _run_setup(colab: dict, source: str, install_from: str | None, tmp_path: Path):
    """Run a set-up cell's code in a FRESH Colab-like interpreter (seqlab not installed yet)."""
    import os

    base = tmp_path / f"fresh-{len(list(tmp_path.glob('fresh-*')))}"
    base.mkdir()
    venv = _colab_venv(base)

    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "SEQLAB_INSTALL_SOURCE"}}
    env.update({k: v for k, v in colab["env"].items() if k != "SEQLAB_INSTALL_SOURCE"})
    env["PIP_RETRIES"], env["PIP_TIMEOUT"] = "0", "5"
    if install_from is not None:
        env["SEQLAB_INSTALL_SOURCE"] = install_from
    return subprocess.run([str(venv / "bin" / "python"), "-c", source], cwd=base, env=env,
                          capture_output=True, text=True, timeout=300)


def test_set_up_cell_tells_a_missing_publication_from_a_network_failure(assigned, colab, served_site, tmp_path):
    from seqlab.tools.assign import INSTALL_FAILED, NOT_FOUND

    source = _setup_source(assigned)
    missing = _run_setup(colab, source, f"{served_site}dist/seqlab-0.0.0+gdeadbeef-py3-none-any.whl", tmp_path)
    assert missing.returncode != 0 and NOT_FOUND[:30] in missing.stderr, missing.stderr[-2000:]
    assert "seqlab-0.0.0+gdeadbeef" in missing.stderr  # the address to send the instructor
    offline = _run_setup(colab, source, "http://127.0.0.1:9/dist/seqlab-0.1.0-py3-none-any.whl", tmp_path)
    assert offline.returncode != 0 and INSTALL_FAILED[:30] in offline.stderr, offline.stderr[-2000:]
    assert NOT_FOUND[:30] not in offline.stderr


def test_a_chapter_outside_the_published_site_says_where_to_open_it(colab, tmp_path):
    from seqlab.tools.assign import NOT_PUBLISHED, chapter_setup_source

    proc = _run_setup(colab, chapter_setup_source(), None, tmp_path)
    assert proc.returncode != 0 and NOT_PUBLISHED[:30] in proc.stderr, proc.stderr[-2000:]
