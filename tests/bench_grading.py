"""Time seqlab-grade on a generated class (a measurement for `make bench-grading`, not a test).

python -m tests.bench_grading [--class-size 40] [--exercise 01-padding] [--workers 1 2]

Prints wall seconds, submissions per minute, and CPU seconds per submission (the grader's own
process and every sandbox together): on a machine shared with other work the wall clock varies,
the CPU seconds much less.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from seqlab.tools.grading.cli import grade_class
from seqlab.tools.settings import find_autograder

from .make_submissions import make_large_class


def _cpu() -> float:
    """CPU seconds of this process, its waited-for children, and every sandboxed runner (each
    runner reports its own use when it closes: processes inside a PID namespace are not waited
    for by this process, so the kernel does not add them to RUSAGE_CHILDREN)."""
    from seqlab.tools.grading.sandbox import RUNNER_CPU

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime + sum(RUNNER_CPU)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--class-size", type=int, default=40)
    parser.add_argument("--exercise", default="01-padding")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    name = args.exercise
    build = Path("_build") / "exercises" / name
    base = Path(tempfile.mkdtemp(prefix="seqlab-bench-grading-"))
    try:
        make_large_class(build / "student" / f"{name}.ipynb", build / "autograder" / f"{name}.ipynb",
                         base / "class", args.class_size)
        print(f"{name}: {args.class_size} submissions (two in three solved, one in three untouched)")
        print(f"{'workers':>7} {'seconds':>8} {'s/submission':>13} {'submissions/min':>16} {'CPU s/submission':>17}")
        for workers in args.workers:
            start, cpu0 = time.perf_counter(), _cpu()
            grade_class(name, base / "class", base / f"grades-{workers}", autograder=find_autograder(name),
                        workers=workers, regrade=True, show_progress=False)
            sec, cpu = time.perf_counter() - start, _cpu() - cpu0
            n = args.class_size
            print(f"{workers:>7} {sec:>8.1f} {sec / n:>13.2f} {60 * n / sec:>16.1f} {cpu / n:>17.2f}")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
