"""Reading numbers aloud in Korean: a generated seq2seq task with exact answers (7장, 8장).

``read_korean(30521) == "삼만 오백이십일"``. The source is the digit string, the target the
Korean reading, both as character tokens. Nothing is downloaded: every pair is generated here.

Conventions (stated once, tested in ``tests/test_numbers.py``):

- Sino-Korean numerals 영 일 이 삼 사 오 육 칠 팔 구, small units 십 백 천 and large units
  만 (10^4), 억 (10^8), 조 (10^12).
- ``1`` before 십/백/천 is not read: 10 → 십, 100 → 백, 1000 → 천, 1110 → 천백십.
- A 만 group equal to 1 is read 만, not 일만 (10000 → 만, 10000000 → 천만 but 1_0001_0000 →
  일억 만), as in speech. Groups of 억 and 조 keep 일: 100000000 → 일억.
- Spacing follows 한글 맞춤법 제44항: a space after every 만-unit group (만, 억, 조);
  a group that is all zeros is not read and takes no space: 1_0000_0001 → 일억 일.
- 0 → 영 (only the number zero itself; zeros inside a number are never read).
- Leading zeros are not allowed in the source (``"007"`` is rejected).
"""
from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence

from .validation import check_bool, check_digits, check_int, describe, expected_message

__all__ = ["DIGITS_KO", "read_korean", "number_split", "sample_numbers", "number_pairs", "MAX_DIGITS"]

DIGITS_KO = "영일이삼사오육칠팔구"
_SMALL = ("", "십", "백", "천")  # 10^0 .. 10^3 inside a group of four digits
_LARGE = ("", "만", "억", "조")  # 10^0, 10^4, 10^8, 10^12
#: The largest supported number has this many digits (up to 9999조 ...).
MAX_DIGITS = 16


def _check_number(n: int | str, where: str = "read_korean") -> str:
    expected = "0 이상의 정수(int) 또는 숫자 문자열(예: '30521')"
    if isinstance(n, bool):
        raise TypeError(expected_message(where, "n", expected, describe(n)))
    if isinstance(n, int) or (hasattr(n, "__index__") and not isinstance(n, (str, float))
                              and type(n).__module__.startswith("numpy")):
        n = int(n)
        if n < 0:
            raise ValueError(expected_message(where, "n", "0 이상의 정수(int)", str(n)))
        s = str(n)
    elif isinstance(n, str):
        s = check_digits(n, "n", where=where)
    else:
        raise TypeError(expected_message(where, "n", expected, describe(n)))
    if len(s) > MAX_DIGITS:
        raise ValueError(f"{where}: n의 자릿수가 {len(s)}입니다. {MAX_DIGITS}자리(조 단위)까지만 다룹니다")
    return s


def _read_group(g: str) -> str:
    """Read a group of at most four digits (no leading-one for 십/백/천)."""
    out = []
    for k, ch in enumerate(reversed(g)):
        d = int(ch)
        if d == 0:
            continue
        digit = "" if (d == 1 and k > 0) else DIGITS_KO[d]
        out.append(digit + _SMALL[k])
    return "".join(reversed(out))


def read_korean(n: int | str) -> str:
    """The Korean reading of ``n`` (an int >= 0 or a digit string), e.g. 30521 → ``"삼만 오백이십일"``.

    See the module docstring for the conventions (no 일 before 십/백/천, 만 rather than 일만,
    spaces after 만/억/조 groups). (7장)
    """
    s = _check_number(n)
    if int(s) == 0:
        return DIGITS_KO[0]
    groups = []
    rest = s
    while rest:
        groups.append(rest[-4:])
        rest = rest[:-4]
    words = []
    for k in range(len(groups) - 1, -1, -1):
        g = groups[k]
        if int(g) == 0:
            continue
        if k == 1 and int(g) == 1:
            words.append("만")
        elif k > 0 and int(g) == 1:
            words.append("일" + _LARGE[k])
        else:
            words.append(_read_group(g) + _LARGE[k])
    return " ".join(words)


def number_split(digits: str, *, val_percent: int = 10, test_percent: int = 10) -> str:
    """``"train"``, ``"val"`` or ``"test"`` for a digit string, decided by a SHA-256 hash.

    The split of a number never depends on how or when it was drawn, so the three splits are
    disjoint by construction and identical on every machine. (7장)
    """
    if not isinstance(digits, str):
        raise TypeError(expected_message("number_split", "digits", "숫자 문자열(str)", describe(digits)))
    check_digits(digits, "digits", where="number_split")
    val_percent = check_int(val_percent, "val_percent", minimum=0, where="number_split")
    test_percent = check_int(test_percent, "test_percent", minimum=0, where="number_split")
    if not (0 <= val_percent and 0 <= test_percent and val_percent + test_percent < 100):
        raise ValueError("number_split: 훈련 부분이 남으려면 val_percent + test_percent의 값이 100보다 작아야 합니다. "
                         f"받은 값: {val_percent} + {test_percent}")
    bucket = int.from_bytes(hashlib.sha256(digits.encode("ascii")).digest()[:4], "big") % 100
    if bucket < test_percent:
        return "test"
    if bucket < test_percent + val_percent:
        return "val"
    return "train"


def sample_numbers(count: int, split: str, *, min_digits: int = 1, max_digits: int = 12,
                   seed: int = 0, distinct: bool = True) -> list[str]:
    """Draw ``count`` digit strings from one split, with the number of digits uniform in
    ``[min_digits, max_digits]`` (so that every length is equally represented).

    Deterministic for a given ``seed``. With ``distinct=True`` no number repeats; short
    lengths have few numbers (there are only ten 1-digit ones), so a length is skipped once
    its split has run out. (7장)
    """
    if not isinstance(split, str) or split not in ("train", "val", "test"):
        raise ValueError(expected_message("sample_numbers", "split", "'train', 'val', 'test' 중 하나", repr(split)))
    check_int(min_digits, "min_digits", where="sample_numbers")
    check_int(max_digits, "max_digits", where="sample_numbers")
    check_int(seed, "seed", where="sample_numbers")
    check_bool(distinct, "distinct", where="sample_numbers")
    if not 1 <= min_digits <= max_digits <= MAX_DIGITS:
        raise ValueError(f"sample_numbers: min_digits, max_digits에는 1 <= min_digits <= max_digits <= {MAX_DIGITS}인 "
                         f"정수가 와야 합니다. 받은 값: min_digits={min_digits}, max_digits={max_digits}")
    count = check_int(count, "count", minimum=1, where="sample_numbers")
    rng = random.Random(seed)
    lengths = list(range(min_digits, max_digits + 1))
    seen: set[str] = set()
    out: list[str] = []
    misses = {n: 0 for n in lengths}
    while len(out) < count:
        if not lengths:
            raise ValueError(f"sample_numbers: split={split!r}에는 자릿수가 {min_digits}..{max_digits}인 서로 다른 "
                             f"수가 {count}개보다 적습니다")
        n = rng.choice(lengths)
        first = rng.randint(0 if n == 1 else 1, 9)
        s = str(first) + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))
        if number_split(s) != split or (distinct and s in seen):
            misses[n] += 1
            if misses[n] > 2000:  # 2000 misses in a row: this length is exhausted in this split
                lengths.remove(n)
            continue
        misses[n] = 0
        seen.add(s)
        out.append(s)
    return out


def number_pairs(numbers: Sequence[str]) -> list[tuple[list[str], list[str]]]:
    """Character-token pairs ``(source, target)`` for seq2seq: ``list("30521")`` and
    ``list("삼만 오백이십일")`` (the space is a token of its own). (7장)"""
    if isinstance(numbers, (str, bytes)) or not isinstance(numbers, Sequence):
        message = expected_message("number_pairs", "numbers", "숫자 문자열의 리스트(예: ['30521', '7'])",
                                   describe(numbers))
        if isinstance(numbers, str):
            example = repr([numbers]) if len(numbers) <= 20 else "['30521']"
            message += f". 문자열 하나라면 {example}처럼 리스트로 감싸야 합니다"
        raise TypeError(message)
    for k, s in enumerate(numbers):
        if not isinstance(s, str):
            raise TypeError(expected_message("number_pairs", f"numbers[{k}]", "숫자 문자열(str)", describe(s)))
        check_digits(s, f"numbers[{k}]", max_digits=MAX_DIGITS, where="number_pairs")
    return [(list(s), list(read_korean(s))) for s in numbers]
