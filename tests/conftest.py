"""Shared fixtures: the exercise pipeline and the site are built once per test session,
into temporary folders, so the tests never write into the working tree."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from seqlab.tools.settings import exercise_names

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = exercise_names(ROOT)


@pytest.fixture(scope="session")
def assigned(tmp_path_factory) -> Path:
    """Run seqlab-assign on every master; return the output folder (one subfolder each)."""
    from seqlab.tools.assign import main

    out = tmp_path_factory.mktemp("exercises")
    site = tmp_path_factory.mktemp("site-exercises")
    assert main(["--root", str(ROOT), "--out", str(out), "--site", str(site)]) == 0
    (out / "_site").mkdir()
    for nb in site.glob("*.ipynb"):
        shutil.copy2(nb, out / "_site" / nb.name)
    return out


def autograder_zip(assigned: Path, name: str) -> Path:
    zips = sorted((assigned / name / "autograder").glob("*.zip"))
    assert len(zips) == 1, zips
    return zips[0]


def otter_run(zip_path: Path, notebook: Path, out_dir: Path) -> dict:
    """Grade one notebook with `otter run` (no Docker); return {question: (score, max)}."""
    out_dir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([sys.executable, "-m", "otter", "run", "-a", str(zip_path), "-o", str(out_dir),
                           str(notebook)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = json.loads((out_dir / "results.json").read_text())
    return {t["name"]: (t["score"], t["max_score"]) for t in results["tests"] if "score" in t}


@pytest.fixture(scope="session")
def site(assigned, tmp_path_factory) -> Path:
    """Build the book (with the generated student notebooks) in a copy; return its html folder."""
    src = tmp_path_factory.mktemp("book-src")
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "book", src / "book", ignore=shutil.ignore_patterns("exercises", "__pycache__"))
    shutil.copytree(assigned / "_site", src / "book" / "exercises")
    jb = Path(sys.executable).with_name("jupyter-book")
    proc = subprocess.run([str(jb), "build", str(src), "--builder", "html", "-W", "-n", "--keep-going"],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-5000:]
    return src / "_build" / "html"


# `make test-fast` runs `pytest -m "not slow" tests`: unit tests only. A test is slow when it
# needs a built exercise, the site, a sandboxed grading run, or executes notebooks.
SLOW_FIXTURES = {"assigned", "site", "colab", "graded_class", "graded_exercise", "adversarial"}


# Files that run the exercises' answers and tests case by case (hundreds of wrong answers), the
# tests that decode replies of tens of MiB, and the ones that start a fresh interpreter (what a
# process imports, the publish command, a stand-in device): real behaviour, but not what
# `make test-fast` is for.
SLOW_FILES = {"test_wrong_answers.py", "test_wrong_answers_5to8.py"}
SLOW_TESTS = {"test_decoding_a_big_reply_does_not_amplify_memory", "test_publish_check_command_fails_on_a_leak",
              "test_the_library_never_imports_the_tools", "test_fake_device_catches_a_cpu_batch_given_to_a_moved_model",
              "test_import_seqlab_stays_light", "test_seq2seq_and_attention_paths_stay_on_the_device"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if (SLOW_FIXTURES & set(getattr(item, "fixturenames", ())) or item.path.suffix == ".ipynb"
                or item.path.name in SLOW_FILES or item.originalname in SLOW_TESTS):
            item.add_marker(pytest.mark.slow)
