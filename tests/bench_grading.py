"""Time seqlab-grade on a generated class (a measurement for `make bench-grading`, not a test).

python -m tests.bench_grading [--class-size 40] [--exercise 01-padding]
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from seqlab.grading import find_autograder, grade_class

from .make_submissions import make_large_class


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--class-size", type=int, default=40)
    parser.add_argument("--exercise", default="01-padding")
    args = parser.parse_args()
    name = args.exercise
    build = Path("_build") / "exercises" / name
    base = Path(tempfile.mkdtemp(prefix="seqlab-bench-grading-"))
    try:
        make_large_class(build / "student" / f"{name}.ipynb", build / "autograder" / f"{name}.ipynb",
                         base / "class", args.class_size)
        print(f"{name}: {args.class_size} submissions (two in three solved, one in three untouched)")
        print(f"{'workers':>7} {'seconds':>8} {'s/submission':>13} {'submissions/min':>16}")
        for workers in (1, 2):
            start = time.perf_counter()
            grade_class(name, base / "class", base / f"grades-{workers}", autograder=find_autograder(name),
                        workers=workers, regrade=True, show_progress=False)
            sec = time.perf_counter() - start
            n = args.class_size
            print(f"{workers:>7} {sec:>8.1f} {sec / n:>13.2f} {60 * n / sec:>16.1f}")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
