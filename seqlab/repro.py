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

from .validation import check_int, describe, expected_message

__all__ = ["seed_everything", "setup_notebook", "progress"]

T = TypeVar("T")


def seed_everything(seed: int = 0) -> None:
    """Seed Python's ``random``, NumPy and PyTorch (CPU and every GPU)."""
    seed = check_int(seed, "seed", where="seed_everything")
    if not -(2**63) <= seed < 2**64:  # what torch.manual_seed can take
        raise ValueError(expected_message("seed_everything", "seed", "[-2**63, 2**64) 범위의 정수(int)", str(seed)))
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
    threads = check_int(threads, "threads", minimum=1, where="setup_notebook")
    seed_everything(seed)  # checks seed before anything is changed
    os.environ.setdefault("PYTHONHASHSEED", str(int(seed)))
    torch.set_num_threads(threads)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def progress(iterable: Iterable[T], desc: str = "", total: int | None = None) -> Iterator[T]:
    """A tqdm progress bar whose final line holds no timings, so stored outputs reproduce.

    It draws once at the start and once at the end (no rate, no elapsed time).
    """
    from tqdm import tqdm

    if not isinstance(desc, str):
        raise TypeError(expected_message("progress", "desc", "문자열(str)", describe(desc)))
    if total is not None:
        total = check_int(total, "total", minimum=0, where="progress")
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
