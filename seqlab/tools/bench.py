"""Execute notebooks and report seconds and peak memory per notebook (a maintainer's command).

``seqlab-bench`` runs every chapter (``book/*.ipynb``) and every exercise master
(``notebooks/*.ipynb``), each in a fresh kernel, and prints a table. With ``--inplace`` it also
writes the new outputs back into the notebooks: that is how an author refreshes the stored
outputs after editing a chapter. The course's budget is 60 s per notebook on 2 CPU cores.

This is a measurement, not a test: timings depend on the machine.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["run_one", "main"]

BUDGET_SECONDS = 60.0


def run_one(path: Path, *, inplace: bool = False, timeout: int = 600) -> dict:
    """Execute one notebook in a fresh kernel; return seconds and the kernel's peak memory.

    Meant to run in its own process (``main`` does that), so that the peak resident memory of
    its children is the kernel's alone.
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    # coalesce_streams keeps only the final state of a progress bar (\r overwrites), the way
    # nbval compares it, so the site shows one clean line
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", coalesce_streams=True,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # Linux: KiB
    if inplace:
        nbformat.write(nb, path)
    return {"notebook": str(path), "seconds": seconds, "peak_mib": peak_kib / 1024}


def _default_notebooks(root: Path) -> list[Path]:
    return sorted((root / "book").glob("[0-9][0-9]-*.ipynb")) + sorted(
        (root / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="seqlab-bench",
        description="노트북마다 실행 시간(초)과 최대 메모리를 잽니다. 테스트가 아니라 측정입니다.")
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="잴 노트북 (기본: book/NN-*.ipynb와 notebooks/NN-*.ipynb 전부)")
    parser.add_argument("--inplace", action="store_true", help="새 출력을 노트북에 다시 저장합니다")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # worker mode
    args = parser.parse_args(argv)

    if args.one is not None:
        print(json.dumps(run_one(args.one, inplace=args.inplace)))
        return 0

    paths = args.notebooks or _default_notebooks(Path("."))
    if not paths:
        parser.error("잴 노트북이 없습니다")
    rows, failed = [], []
    print(f"{'notebook':<32} {'seconds':>8} {'peak MiB':>9}  budget {BUDGET_SECONDS:.0f}s")
    for path in paths:
        cmd = [sys.executable, "-m", "seqlab.tools.bench", "--one", str(path)] + (["--inplace"] if args.inplace else [])
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            failed.append(str(path))
            print(f"{str(path):<32} {'FAILED':>8}\n{proc.stderr[-2000:]}")
            continue
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        rows.append(row)
        flag = "" if row["seconds"] <= BUDGET_SECONDS else "  OVER BUDGET"
        print(f"{row['notebook']:<32} {row['seconds']:>8.1f} {row['peak_mib']:>9.0f}{flag}")
    total = sum(r["seconds"] for r in rows)
    print(f"{'total':<32} {total:>8.1f}")
    over = [r["notebook"] for r in rows if r["seconds"] > BUDGET_SECONDS]
    return 1 if failed or over else 0


if __name__ == "__main__":
    raise SystemExit(main())
