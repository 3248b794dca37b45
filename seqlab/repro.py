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

from .validation import describe, expected_message

__all__ = ["seed_everything", "setup_notebook", "progress"]

T = TypeVar("T")


def seed_everything(seed: int = 0) -> None:
    """Seed Python's ``random``, NumPy and PyTorch (CPU and every GPU)."""
    if isinstance(seed, bool) or not isinstance(seed, int):
        if isinstance(seed, np.integer):
            seed = int(seed)
        else:
            raise TypeError(expected_message("seed_everything", "seed", "정수(int)", describe(seed)))
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
        given = str(threads) if isinstance(threads, int) and not isinstance(threads, bool) else describe(threads)
        raise ValueError(expected_message("setup_notebook", "threads", "1 이상의 정수(int)", given))
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
        raise TypeError(expected_message("progress", "desc", "문자열(str)", describe(desc)))
    if total is not None and (isinstance(total, bool) or not isinstance(total, int) or total < 0):
        given = str(total) if isinstance(total, int) and not isinstance(total, bool) else describe(total)
        raise ValueError(expected_message("progress", "total", "0 이상의 정수(int) 또는 None", given))
    if not hasattr(iterable, "__iter__"):
        raise TypeError(expected_message("progress", "iterable", "반복할 수 있는 객체(range, list 등)", describe(iterable)))
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
