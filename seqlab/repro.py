"""Reproducibility: seeds, thread counts, the device, and a quiet progress bar.

Every chapter starts with :func:`setup_notebook`, so that a rerun prints the same numbers.
"""
from __future__ import annotations

import math
import os
import random
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

import numpy as np
import torch

__all__ = ["seed_everything", "setup_notebook", "progress"]

T = TypeVar("T")


def seed_everything(seed: int = 0) -> None:
    """Seed Python's ``random``, NumPy and PyTorch (CPU and every GPU)."""
    if isinstance(seed, bool) or not isinstance(seed, int):
        if isinstance(seed, np.integer):
            seed = int(seed)
        else:
            raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)  # also seeds every CUDA device


def setup_notebook(seed: int = 0, *, threads: int = 1) -> torch.device:
    """Seed everything, pin the thread count and return the device to use.

    One thread makes floating-point sums run in the same order on every machine, so stored
    outputs reproduce; the course's models are small enough that this costs little. (The CPU
    kernels the course uses are deterministic with one thread, so there is no need for
    ``torch.use_deterministic_algorithms``, which costs two seconds of imports.)
    The device is ``cuda`` when a GPU is present, else ``cpu``.
    """
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads must be a positive int, got {threads!r}")
    os.environ.setdefault("PYTHONHASHSEED", str(seed))
    seed_everything(seed)
    torch.set_num_threads(threads)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def progress(iterable: Iterable[T], desc: str = "", total: int | None = None) -> Iterator[T]:
    """A tqdm progress bar whose final line holds no timings, so stored outputs reproduce.

    It draws once at the start and once at the end (no rate, no elapsed time).
    """
    from tqdm import tqdm

    if not isinstance(desc, str):
        raise TypeError(f"progress: desc must be a str, got {type(desc).__name__}")
    if total is not None and (isinstance(total, bool) or not isinstance(total, int) or total < 0):
        raise ValueError(f"progress: total must be an int >= 0 or None, got {total!r}")
    if not hasattr(iterable, "__iter__"):
        raise TypeError(f"progress: iterable must be iterable (a range, a list, ...), got {type(iterable).__name__}")
    return iter(tqdm(
        iterable,
        desc=desc,
        total=total,
        file=sys.stdout,
        ascii=True,
        ncols=80,
        mininterval=math.inf,
        bar_format="{desc}: {percentage:3.0f}%|{bar:30}| {n_fmt}/{total_fmt}",
    ))
