"""What students can download holds no solution and no hidden test (seqlab.tools.publish).

Two audiences, two places: the development repository keeps the masters; the public repository
gets exactly the built site, with the student notebooks and a library-only seqlab wheel. These
tests look at exactly what is published, and at the scanner itself with planted leaks.
"""
from __future__ import annotations

import hashlib
import io
import json
import subprocess
import zipfile
from pathlib import Path

import nbformat
import pytest

from seqlab.colab import pack_tests
from seqlab.tools.publish import (
    UNPUBLISHED,
    WHEEL_FOLDER,
    build_student_wheel,
    course_secrets,
    github_repo,
    master_secrets,
    publish,
    scan_published,
    site_url,
    wheel_name,
    wheel_url,
)
from seqlab.tools.settings import read_settings

from .conftest import EXERCISES, ROOT


# --- the address ----------------------------------------------------------------------------------

def test_one_address_setting_drives_site_and_install_address():
    settings = read_settings(ROOT)
    owner, name = github_repo(settings.repo_url)
    assert site_url(settings.repo_url) == f"https://{owner.lower()}.github.io/{name}/"
    url = wheel_url(settings.repo_url, ROOT, "0123456789abcdef0123")
    assert url == f"https://{owner.lower()}.github.io/{name}/dist/seqlab-0.1.0+g0123456789ab-py3-none-any.whl"
    assert site_url("https://github.com/Course/course.github.io") == "https://course.github.io/"


@pytest.mark.parametrize("bad", ["https://github.com/OWNER/NAME", "https://github.com/your-org/seqlab",
                                 "https://gitlab.com/a/b", "github.com/a/b", "", "https://github.com/a"])
def test_placeholder_or_foreign_address_is_refused_with_where_to_fix_it(bad):
    with pytest.raises(ValueError, match="_config.yml"):
        github_repo(bad)


# --- the library-only wheel -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return build_student_wheel(tmp_path_factory.mktemp("dist"), ref="0123456789abcdef")


def test_wheel_holds_the_library_only(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        meta = zf.read(next(n for n in names if n.endswith("/METADATA"))).decode()
    assert "seqlab/__init__.py" in names and "seqlab/checks.py" in names
    assert any(n.startswith("seqlab/checkpoints/") and n.endswith(".pt") for n in names)
    assert not [n for n in names if n.startswith("seqlab/tools") or "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in names if n.startswith(("notebooks/", "tests/", "book/"))]
    assert wheel.name == wheel_name(ROOT, "0123456789abcdef")
    assert "Requires-Dist: torch>=" in meta and 'extra == "timeseries"' in meta
    assert "grading" not in meta and "otter" not in meta


def test_wheel_record_is_valid_and_bytes_are_reproducible(wheel, tmp_path):
    import base64

    with zipfile.ZipFile(wheel) as zf:
        record = zf.read(next(n for n in zf.namelist() if n.endswith("/RECORD"))).decode().splitlines()
        for row in record:
            name, digest, size = row.rsplit(",", 2)
            if not digest:
                continue
            data = zf.read(name)
            want = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert digest == f"sha256={want}" and int(size) == len(data), name
        assert len(record) == len(zf.namelist())
    again = build_student_wheel(tmp_path, ref="0123456789abcdef")
    assert again.read_bytes() == wheel.read_bytes()


# --- the scanner finds what must not be published ------------------------------------------------

@pytest.fixture(scope="module")
def secrets():
    found = course_secrets(ROOT)
    assert [s.exercise for s in found] == EXERCISES
    for s in found:
        assert s.solutions and s.hidden, f"{s.exercise}: nothing to protect? the scan would prove nothing"
    return found


def test_scanner_finds_a_master_a_packed_hidden_test_and_a_line_inside_a_wheel(secrets, tmp_path):
    first = secrets[0]
    master = ROOT / "notebooks" / f"{first.exercise}.ipynb"
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "copy.ipynb").write_bytes(master.read_bytes())
    kinds = {leak.kind for leak in scan_published([tmp_path / "a"], secrets)}
    assert {"master", "solution", "hidden test"} <= kinds

    hidden_line = sorted(first.hidden)[0]
    (tmp_path / "b").mkdir()
    nb = nbformat.v4.new_notebook()
    blob = pack_tests({"q9.py": f"OK_FORMAT = True\ntest = {{'name': 'q9', 'suites': []}}\n# {hidden_line}\n"})
    chunks = "\n".join(f'    "{blob[i:i + 76]}"' for i in range(0, len(blob), 76))
    nb.cells.append(nbformat.v4.new_code_cell(f"PUBLIC_TESTS = (\n{chunks}\n)\ngrader = None"))
    nbformat.write(nb, tmp_path / "b" / "student.ipynb")
    leaks = scan_published([tmp_path / "b"], secrets)
    assert [(leak.kind, leak.line) for leak in leaks] == [("hidden test", hidden_line)]
    assert "(packed q9.py)" in leaks[0].path

    (tmp_path / "c").mkdir()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("seqlab/answers.py", sorted(first.solutions)[0] + "\n")
    (tmp_path / "c" / "seqlab-0.1.0-py3-none-any.whl").write_bytes(buffer.getvalue())
    leaks = scan_published([tmp_path / "c"], secrets)
    assert [leak.kind for leak in leaks] == ["solution"] and "!seqlab/answers.py" in leaks[0].path


def test_scanner_passes_a_library_wheel_and_the_public_chapters(secrets, wheel):
    assert scan_published([wheel, ROOT / "book"], secrets) == []


def test_secret_lines_ignore_what_students_can_read_anyway(tmp_path):
    master = ROOT / "notebooks" / f"{EXERCISES[0]}.ipynb"
    full = master_secrets(master)
    line = sorted(full.hidden)[0]
    assert line not in master_secrets(master, public_text=f"print(1)\n{line}\n").hidden


def test_publish_check_command_fails_on_a_leak(tmp_path, secrets):
    master = ROOT / "notebooks" / f"{EXERCISES[0]}.ipynb"
    (tmp_path / "leaky").mkdir()
    (tmp_path / "leaky" / "page.html").write_text(f"<pre>{sorted(secrets[0].solutions)[0]}</pre>", encoding="utf-8")
    proc = subprocess.run([str(Path(__import__("sys").executable)), "-m", "seqlab.tools.publish", "check",
                           str(tmp_path / "leaky")], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1 and "solution of" in proc.stderr, proc.stderr
    assert master.is_file()


# --- exactly what is published --------------------------------------------------------------------

def test_published_site_holds_no_solution_and_no_hidden_test(site, assigned, secrets):
    assert scan_published([site], secrets) == []
    students = [assigned / name / "student" for name in EXERCISES]
    assert scan_published(students, secrets) == []
    assert not (site / "notebooks").exists() and not list(site.rglob("*autograder*"))


def test_every_set_up_cell_installs_the_wheel_published_beside_it(site):
    wheels = sorted((site / WHEEL_FOLDER).glob("seqlab-*.whl"))
    assert len(wheels) == 1
    address = f"{site_url(read_settings(ROOT).repo_url)}{WHEEL_FOLDER}/{wheels[0].name}"
    notebooks = sorted((site / "_sources" / "book").rglob("*.ipynb"))
    assert len(notebooks) >= 16
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        setup = "".join(next(c for c in nb["cells"] if c["cell_type"] == "code")["source"])
        assert address in setup and UNPUBLISHED not in setup and "/archive/" not in setup, path
    page = (site / "book" / "03-rnn.html").read_text(encoding="utf-8")
    assert wheels[0].name in page and UNPUBLISHED not in page


def test_publish_pushes_only_the_site_as_one_commit(site, secrets, tmp_path):
    remote = tmp_path / "public.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    commit = publish(site, str(remote), "gh-pages")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "-b", "gh-pages", str(remote), str(clone)], check=True)
    log = subprocess.run(["git", "log", "--format=%H"], cwd=clone, capture_output=True, text=True).stdout.split()
    assert log == [commit]  # no history of the development repository goes public
    published = {p.relative_to(clone).as_posix() for p in clone.rglob("*") if p.is_file() and ".git" not in p.parts}
    built = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert published == built | {".nojekyll"}
    assert scan_published([clone / "_sources", clone / WHEEL_FOLDER, clone / "book"], secrets) == []


def test_the_deploy_workflow_tests_builds_and_publishes_only_from_main():
    import yaml

    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    steps = flow["jobs"]["test-build-publish"]["steps"]
    runs = [step.get("run", "") for step in steps]
    order = [next(i for i, r in enumerate(runs) if r.strip() == cmd) for cmd in ("make test", "make site", "make publish")]
    assert order == sorted(order)
    publish_step = steps[order[-1]]
    assert publish_step["if"] == "github.ref == 'refs/heads/main'"
    assert publish_step["env"] == {"SEQLAB_PUBLISH_TOKEN": "${{ secrets.SEQLAB_PUBLISH_TOKEN }}"}
    assert "torch==" in runs[1] and "requirements.txt" in runs[1]  # the pinned CPU build, read from one place


def test_push_address_carries_a_token_only_when_given_and_never_prints_it(tmp_path):
    from seqlab.tools.publish import _push_address

    assert _push_address("https://github.com/course/site") == "https://github.com/course/site.git"
    assert _push_address("https://github.com/course/site", "s3cret") == \
        "https://x-access-token:s3cret@github.com/course/site.git"
    (tmp_path / "index.html").write_text("<html></html>", encoding="utf-8")
    with pytest.raises(RuntimeError) as info:
        publish(tmp_path, "https://x-access-token:s3cret@127.0.0.1:9/none.git")
    assert "s3cret" not in str(info.value)
