"""Small synthetic sequence tasks, generated on the fly (nothing to download).

Token id 0 is padding; real tokens are ``1 .. vocab_size - 1``.

- :func:`majority_task`: is token 1 more frequent than token 2 in the whole sequence?
  (sequence classification: the answer depends on every token)
- :func:`running_majority_task`: the same question asked at every prefix (token tagging)
- :func:`first_token_task`: the label is the first token, followed by ``length - 1`` noise
  tokens (how far back can a model remember?)
"""
from __future__ import annotations

import torch

from .data import pad_sequences
from .validation import check_generator, check_int, check_size, expected_message

__all__ = ["majority_task", "running_majority_task", "first_token_task"]


def _gen(generator: torch.Generator | None, where: str) -> torch.Generator:
    if generator is None:
        raise ValueError(f"{expected_message(where, 'generator', '난수 생성기(torch.Generator)', 'None')}. "
                         "데이터를 재현할 수 있으려면 난수 생성기가 꼭 필요합니다")
    return check_generator(generator, "generator", required=True, where=where)


def _int(value, name: str, where: str | None = None) -> int:
    # torch.randint takes int64 bounds; no task needs anywhere near 2**31 tokens or steps
    value = check_int(value, name, where=where)
    return value if value < 2**31 else check_int(value, name, maximum=2**31 - 1, where=where)


def _random_lengths(n: int, min_len: int, max_len: int, g: torch.Generator) -> list[int]:
    where = "majority_task"
    n, min_len, max_len = _int(n, "n", where), _int(min_len, "min_len", where), _int(max_len, "max_len", where)
    if not 1 <= min_len <= max_len:
        raise ValueError(expected_message(where, "min_len, max_len", "1 <= min_len <= max_len인 두 정수",
                                          f"min_len={min_len}, max_len={max_len}"))
    check_int(n, "n", minimum=1, where=where)
    check_size(n * max_len, f"배치 (B, L) = ({n}, {max_len})", where=where)
    return torch.randint(min_len, max_len + 1, (n,), generator=g).tolist()


def majority_task(n: int, *, vocab_size: int = 6, min_len: int = 5, max_len: int = 20,
                  generator: torch.Generator | None = None):
    """``(batch (B, L), lengths (B,), labels (B,))``: label 1 iff count(1) > count(2). (3장)"""
    g = _gen(generator, "majority_task")
    if _int(vocab_size, "vocab_size", "majority_task") < 3:
        raise ValueError(expected_message("majority_task", "vocab_size", "3 이상의 정수(패딩 0과 토큰 1, 2)",
                                          str(vocab_size)))
    seqs = [torch.randint(1, vocab_size, (k,), generator=g).tolist()
            for k in _random_lengths(n, min_len, max_len, g)]
    labels = torch.tensor([int(s.count(1) > s.count(2)) for s in seqs])  # (B,)
    batch, lengths = pad_sequences(seqs, pad_id=0)  # (B, L), (B,)
    return batch, lengths, labels


def running_majority_task(n: int, *, vocab_size: int = 6, min_len: int = 5, max_len: int = 20,
                          generator: torch.Generator | None = None, ignore_index: int = -100):
    """``(batch (B, L), lengths (B,), tags (B, L))``: tag_t = 1 iff count(1) > count(2) in x_1..x_t.

    Padding positions carry ``ignore_index`` (-100, the default of ``nn.CrossEntropyLoss``) so
    that the loss skips them; it must not be a real label (0 or 1). (3장)
    """
    if _int(ignore_index, "ignore_index", "running_majority_task") in (0, 1):
        raise ValueError(expected_message("running_majority_task", "ignore_index",
                                          "진짜 레이블(0 또는 1)이 아닌 정수(보통 -100)", str(ignore_index)))
    batch, lengths, _ = majority_task(n, vocab_size=vocab_size, min_len=min_len, max_len=max_len,
                                      generator=generator)
    ones = (batch == 1).long().cumsum(dim=1)  # (B, L)
    twos = (batch == 2).long().cumsum(dim=1)  # (B, L)
    tags = (ones > twos).long()  # (B, L)
    tags[batch == 0] = ignore_index
    return batch, lengths, tags


def first_token_task(n: int, length: int, *, vocab_size: int = 10,
                     generator: torch.Generator | None = None):
    """``(batch (B, length), labels (B,))``: x_1 in {1, 2} is the label (0 or 1); the rest is noise
    from ``3 .. vocab_size - 1``. All sequences have the same length (no padding). (3장, 4장)"""
    where = "first_token_task"
    g = _gen(generator, where)
    n, length, vocab_size = _int(n, "n", where), _int(length, "length", where), _int(vocab_size, "vocab_size", where)
    check_int(n, "n", minimum=1, where=where)
    if length < 1 or vocab_size < 4:
        raise ValueError(f"{where}: length에는 1 이상, vocab_size에는 4 이상의 정수가 와야 합니다. "
                         f"받은 값: length={length}, vocab_size={vocab_size}")
    check_size(n * length, f"배치 (B, length) = ({n}, {length})", where=where)
    labels = torch.randint(0, 2, (n,), generator=g)  # (B,)
    noise = torch.randint(3, vocab_size, (n, length - 1), generator=g)  # (B, length-1)
    batch = torch.cat([(labels + 1).unsqueeze(1), noise], dim=1)  # (B, length)
    return batch, labels
