"""seqlab.korean: the shipped corpus, the split by position, jamo decomposition and recomposition."""
import unicodedata

import pytest

from seqlab.korean import (
    LAW_TEXT_SOURCE,
    from_jamo,
    invalid_jamo_positions,
    is_hangul_syllable,
    load_law_text,
    split_by_position,
    to_jamo,
)

ALL_SYLLABLES = "".join(chr(c) for c in range(0xAC00, 0xD7A4))


def test_law_text_ships_and_is_nfc():
    text = load_law_text()
    assert len(text) == 52861
    assert text.startswith("지방공무원법 일부개정법률안")
    assert "대한민국은 민주공화국이다." in text
    assert unicodedata.normalize("NFC", text) == text
    assert not any(0x1100 <= ord(c) <= 0x11FF for c in text)  # no loose jamo: round trip is exact
    assert "KoNLPy" in LAW_TEXT_SOURCE


def test_law_text_holds_no_personal_contact_data_or_glued_table_numbers():
    import re

    text = load_law_text()
    assert not re.search(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", text), "an e-mail address is left in the corpus"
    phone = re.compile(r"\(?0\d{1,2}\)?[\s-]*\d{3,4}\s*-\s*\d{4}")
    assert not phone.search(text), f"a telephone number is left: {phone.search(text)}"
    assert "작성자" not in text and "연락처" not in text and "연 락 처" not in text
    # digits glued together from table cells, e.g. 20072008200920102011 or 21,18529,145
    assert not re.search(r"\d{9,}|\d,\d{3}\d|(\d\.\d){2,}", text)
    assert "대상이 된다. 대상연령" in text  # the space between two joined sentences is back


def test_round_trip_on_every_syllable_and_the_corpus():
    jamo = to_jamo(ALL_SYLLABLES)
    assert jamo == unicodedata.normalize("NFD", ALL_SYLLABLES)
    assert from_jamo(jamo) == ALL_SYLLABLES
    text = load_law_text()
    assert from_jamo(to_jamo(text)) == text
    assert len(set(to_jamo(text))) < len(set(text))


def test_to_jamo_examples_and_other_characters_kept():
    assert to_jamo("한글") == "\u1112\u1161\u11ab\u1100\u1173\u11af"
    assert to_jamo("가") == "\u1100\u1161"  # no tail
    assert to_jamo("a1 ·①第") == "a1 ·①第"
    assert to_jamo("") == ""


def test_from_jamo_matches_nfc_and_reports_invalid_sequences():
    bad = "\u1100\u1100\u1161\u11ab\u1161\u11a8x"  # lone lead, 간, lone vowel, lone tail
    assert from_jamo(bad, strict=False) == unicodedata.normalize("NFC", bad)
    assert from_jamo(bad, strict=False) == "\u1100간\u1161\u11a8x"
    assert invalid_jamo_positions(bad) == [0, 4, 5]
    with pytest.raises(ValueError, match="text의 위치 0에 있는 자모"):
        from_jamo(bad)
    with pytest.raises(ValueError, match="text의 위치 1에 있는 자모"):
        from_jamo("가\u11a8\u1100")  # a tail after a precomposed syllable is not attached (jamo input only)
    assert invalid_jamo_positions(to_jamo("읽었다")) == []


def test_is_hangul_syllable():
    assert is_hangul_syllable("가") and is_hangul_syllable("힣")
    assert not is_hangul_syllable("\u1100") and not is_hangul_syllable("a")
    with pytest.raises(TypeError, match="ch에는 글자 하나인 문자열이 와야"):
        is_hangul_syllable("가나")


def test_split_by_position():
    train, val = split_by_position("abcdefghij", 0.2)
    assert (train, val) == ("abcdefgh", "ij")
    tr, va = split_by_position(list(range(100)))
    assert tr == list(range(90)) and va == list(range(90, 100))


@pytest.mark.parametrize("call, err, msg", [
    (lambda: to_jamo(["가"]), TypeError, r"to_jamo: text에는 문자열\(str\)이 와야"),
    (lambda: from_jamo(b"\x11"), TypeError, r"from_jamo: text에는 문자열\(str\)이 와야"),
    (lambda: split_by_position("abc", 1.0), ValueError, r"val_fraction에는 0과 1 사이.*받은 값: 1\.0"),
    (lambda: split_by_position("abc", 0.01), ValueError, "seq의 항목 3개는 나누기에 너무 적습니다"),
    (lambda: split_by_position(123), TypeError, r"seq에는 문자열\(str\)이나 id의 시퀀스가 와야"),
])
def test_korean_bad_input(call, err, msg):
    with pytest.raises(err, match=msg):
        call()
