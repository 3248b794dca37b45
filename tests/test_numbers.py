"""seqlab.numbers: the Korean reading rule, its spacing convention, and disjoint splits."""
import re

import pytest

from seqlab.numbers import MAX_DIGITS, number_pairs, number_split, read_korean, sample_numbers


@pytest.mark.parametrize("n, want", [
    (0, "영"), (1, "일"), (7, "칠"), (10, "십"), (11, "십일"), (20, "이십"), (100, "백"), (101, "백일"),
    (110, "백십"), (1000, "천"), (1110, "천백십"), (2024, "이천이십사"),
    (10000, "만"), (10001, "만 일"), (11000, "만 천"), (20000, "이만"), (30521, "삼만 오백이십일"),
    (110000, "십일만"), (1000000, "백만"), (10000000, "천만"), (11110000, "천백십일만"),
    (100000000, "일억"), (100010000, "일억 만"), (100000001, "일억 일"), (120000345, "일억 이천만 삼백사십오"),
    (1000000000, "십억"), (100000000000, "천억"), (999999999999, "구천구백구십구억 구천구백구십구만 구천구백구십구"),
    (500000050000, "오천억 오만"), (1000000000000, "일조"), (1000000000001, "일조 일"),
])
def test_read_korean_examples(n, want):
    assert read_korean(n) == want
    assert read_korean(str(n)) == want


def test_zero_groups_are_skipped_without_extra_spaces():
    for n in (100000001, 1000000010000, 10000000000000):
        s = read_korean(n)
        assert "  " not in s and not s.startswith(" ") and not s.endswith(" ")
        assert "영" not in s


@pytest.mark.parametrize("bad, exc, msg", [
    (-1, ValueError, r"n에는 0 이상의 정수\(int\)가 와야 합니다\. 받은 값: -1"),
    ("007", ValueError, r"n='007': 맨 앞에 0이 있습니다"),
    ("", ValueError, r"n에는 숫자 0–9로만 된 비어 있지 않은 문자열이 와야 합니다"),
    ("12a", ValueError, r"n에는 숫자 0–9로만 된 .*받은 값: '12a'"),
    ("１２", ValueError, r"n에는 숫자 0–9로만 된"),
    (1.5, TypeError, re.escape("n에는 0 이상의 정수(int) 또는 숫자 문자열(예: '30521')이 와야 합니다. 받은 값: float 1.5")),
    (True, TypeError, r"n에는 0 이상의 정수\(int\) 또는 숫자 문자열.*받은 값: bool True"),
    (10 ** MAX_DIGITS, ValueError, rf"n의 자릿수가 {MAX_DIGITS + 1}입니다\. {MAX_DIGITS}자리\(조 단위\)까지만 다룹니다"),
])
def test_read_korean_rejects_bad_input(bad, exc, msg):
    with pytest.raises(exc, match="^read_korean: " + msg):
        read_korean(bad)


def test_splits_are_deterministic_and_disjoint():
    train = sample_numbers(3000, "train", seed=0)
    val = sample_numbers(500, "val", seed=0)
    test = sample_numbers(500, "test", seed=0)
    assert train == sample_numbers(3000, "train", seed=0)
    assert not set(train) & set(test) and not set(train) & set(val) and not set(val) & set(test)
    assert all(number_split(s) == "test" for s in test)
    assert len(set(test)) == len(test)
    lengths = {len(s) for s in test}
    assert max(lengths) == 12 and min(lengths) <= 3
    assert number_split("30521") == number_split("30521")


def test_sample_numbers_reports_exhausted_split_and_bad_args():
    with pytest.raises(ValueError, match=r"split='test'에는 자릿수가 1\.\.1인 서로 다른 수가 50개보다 적습니다"):
        sample_numbers(50, "test", min_digits=1, max_digits=1)
    with pytest.raises(ValueError, match=r"split에는 'train', 'val', 'test' 중 하나가 와야 합니다\. 받은 값: 'dev'"):
        sample_numbers(5, "dev")
    with pytest.raises(ValueError, match=r"min_digits, max_digits에는 1 <= min_digits <= max_digits <= 16인 정수가 "
                                         r"와야 합니다\. 받은 값: min_digits=0, max_digits=12"):
        sample_numbers(5, "train", min_digits=0)
    with pytest.raises(ValueError, match=r"count에는 1 이상의 정수\(int\)가 와야 합니다\. 받은 값: 0"):
        sample_numbers(0, "train")


def test_number_split_and_number_pairs_bad_args():
    with pytest.raises(TypeError, match=r"^number_split: digits에는 숫자 문자열\(str\)이 와야 합니다\. 받은 값: int 7"):
        number_split(7)
    with pytest.raises(ValueError, match=r"val_percent \+ test_percent의 값이 100보다 작아야 합니다\. 받은 값: 60 \+ 50"):
        number_split("7", val_percent=60, test_percent=50)
    with pytest.raises(TypeError, match=re.escape("numbers에는 숫자 문자열의 리스트(예: ['30521', '7'])가 와야 합니다. "
                                                  "받은 값: 문자열 '123'. 문자열 하나라면 ['123']처럼 리스트로 감싸야")):
        number_pairs("123")
    with pytest.raises(TypeError, match=r"numbers\[0\]에는 숫자 문자열\(str\)이 와야 합니다\. 받은 값: int 123"):
        number_pairs([123])


def test_number_pairs_are_character_tokens():
    (src, tgt), = number_pairs(["30521"])
    assert src == ["3", "0", "5", "2", "1"]
    assert tgt == list("삼만 오백이십일") and " " in tgt
