"""Paths and settings of the course, read in one place (``_config.yml`` and the repository layout).

- repository URL and site branch: ``_config.yml`` (``repository.url``,
  ``sphinx.config.seqlab_site_branch``);
- otter version: pinned in ``requirements.txt`` (``otter-grader[grading]==X``), the same version
  the student notebooks install in Colab;
- the exercises: ``notebooks/NN-name.ipynb``; built into ``_build/exercises/NN-name/``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ROOT", "Settings", "read_settings", "exercise_names", "find_autograder"]

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    root: Path
    repo_url: str
    site_branch: str
    otter_version: str

    @property
    def masters(self) -> Path:
        return self.root / "notebooks"

    @property
    def build(self) -> Path:
        return self.root / "_build" / "exercises"

    @property
    def site_exercises(self) -> Path:
        return self.root / "book" / "exercises"


def _otter_version(root: Path) -> str:
    req = root / "requirements.txt"
    if req.is_file():
        m = re.search(r"^otter-grader(?:\[[^\]]*\])?==([\w.]+)", req.read_text(encoding="utf-8"), re.M)
        if m:
            return m.group(1)
    from importlib.metadata import PackageNotFoundError, version

    try:  # an installed copy without the repository: the otter that is installed
        return version("otter-grader")
    except PackageNotFoundError:
        return ""


def read_settings(root: Path = ROOT) -> Settings:
    import yaml

    cfg = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    repo_url = cfg["repository"]["url"]
    branch = cfg.get("sphinx", {}).get("config", {}).get("seqlab_site_branch", "gh-pages")
    return Settings(root, repo_url, branch, _otter_version(root))


def exercise_names(root: Path = ROOT) -> list[str]:
    return sorted(p.stem for p in (root / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def find_autograder(exercise: str, root: Path = Path(".")) -> Path:
    """The newest autograder zip that ``seqlab-assign`` made for ``exercise``."""
    folder = root / "_build" / "exercises" / exercise / "autograder"
    zips = sorted(folder.glob(f"{exercise}-autograder_*.zip"))
    if not zips:
        raise FileNotFoundError(f"no autograder zip for {exercise!r} under {folder}; "
                                "run `make exercises` first or pass --autograder")
    return zips[-1]
