"""Korean text for language models: a statute corpus that ships offline, and jamo helpers (5장).

Data: :func:`load_law_text`
---------------------------
52,861 characters of Korean legal text, NFC-normalised, in this order:

1. Ten bills of the 18th National Assembly of the Republic of Korea (bill numbers 1809890-1809899,
   introduced 12-15 November 2010: amendments of the 지방공무원법, 국가공무원법, 교육공무원법,
   남녀고용평등법, 고등교육법, 하도급법, 행정절차법, 결혼중개업법 and two motions on sending
   armed forces abroad), from the reasons for the proposal (제안이유) to the end of the
   old/new comparison table (신·구조문대비표), with the cost statements (비용추계서) attached to them.
2. The Constitution of the Republic of Korea (대한민국헌법, as amended in 1987), the whole text
   (헌법 전체: the preamble 前文, articles 1-130 and the supplementary provisions 부칙).

Provenance: the files ``konlpy/data/corpus/kobill/1809890.txt`` ... ``1809899.txt`` and
``konlpy/data/corpus/kolaw/constitution.txt`` of the PyPI package ``konlpy==0.6.0`` (KoNLPy's
``kobill`` and ``kolaw`` corpora). Made as follows, once, and committed here (nothing is
downloaded at run time): page-number lines (``- 3 -``) and runs of dashes dropped, each bill's
header (bill number, date, names of the proposers) dropped, lines hard-wrapped by the PDF
extraction joined back into paragraphs, runs of spaces collapsed, NFC applied. The comparison
tables were two columns (current law | amendment) in the original PDF; their extracted text
interleaves the columns, so some lines there read out of order. That is why the bills come first
and the constitution last: a split by position (:func:`split_by_position`) then validates and
tests on clean constitution text.

Cleaning (second pass, 2026): removed the personal data of civil servants that the cost
statements carried (the "작성자" blocks: names, ranks, an office telephone number, an e-mail
address) and the responsible office's contact line (〈의안 소관 부서명〉 ... 연락처); cut the
digit runs that the extraction glued together from table cells (``20072008200920102011``,
``21,18529,145``, ``3.85.75.5``: every run of digits, commas and points that is not one
well-formed number) and the emptied table body of the four child-care cost statements; put back
the space lost between two sentences where lines were joined (``된다.대상연령`` ->
``된다. 대상연령``). Spaces lost inside a sentence at a PDF line break (``등을신설하고``)
cannot be told apart from a break inside a word without the PDF, and are left as they are.
``tests/test_korean.py`` checks that no e-mail address or telephone number pattern remains.

Licence: the constitution is not protected by copyright in Korea: article 7 item 1 of the
Copyright Act (저작권법 제7조 제1호: 헌법·법률·조약·명령·조례 및 규칙) excludes it from
protection. Article 7 does not cover the bills and their cost statements (drafts and
explanatory documents, not enacted statutes); they are works that the state made in the course
of its duties and published (submitted to and published by the National Assembly), which anyone
may use freely under article 24-2 paragraph 1 (제24조의2 공공저작물의 자유이용), citing the
source (article 37). Its exception for personal information (paragraph 1 item 2) is one more
reason why the civil servants' names and contacts were removed. KoNLPy's own code is GPL v3; no
KoNLPy code is copied here, only these public texts.

Jamo: :func:`to_jamo`, :func:`from_jamo`
---------------------------------------
A precomposed Hangul syllable (U+AC00-U+D7A3, 11,172 of them) is arithmetic on three indices::

    code = 0xAC00 + (lead * 21 + vowel) * 28 + tail     # lead 0-18, vowel 0-20, tail 0-27 (0: none)

and decomposes into conjoining jamo: a lead consonant U+1100+lead, a vowel U+1161+vowel and, when
``tail > 0``, a tail consonant U+11A7+tail. This is what ``unicodedata.normalize("NFD", ...)`` does
to Hangul; the functions here do it by hand so that the arithmetic is visible, leave every other
character alone, and report jamo that cannot form a syllable (a language model can generate them).
"""
from __future__ import annotations

import numbers
from collections.abc import Sequence

from ._korean_law_text import TEXT as _LAW_TEXT
from .validation import check_bool, check_str, describe, expected_message

__all__ = ["load_law_text", "split_by_position", "to_jamo", "from_jamo", "invalid_jamo_positions",
           "is_hangul_syllable", "LAW_TEXT_SOURCE"]

#: One-line provenance of :func:`load_law_text`, for printing under a table or a figure.
LAW_TEXT_SOURCE = ("대한민국헌법 전체와 제18대 국회 의안 10건(KoNLPy 0.6.0의 kolaw, kobill 말뭉치, "
                   "공무원 개인정보 삭제). 헌법은 저작권법 제7조 제1호의 보호받지 못하는 저작물, "
                   "의안과 비용추계서는 제24조의2에 따라 자유 이용하는 공공저작물")

S_BASE, L_BASE, V_BASE, T_BASE = 0xAC00, 0x1100, 0x1161, 0x11A7
L_COUNT, V_COUNT, T_COUNT = 19, 21, 28
N_COUNT = V_COUNT * T_COUNT  # 588 syllables per lead consonant
S_COUNT = L_COUNT * N_COUNT  # 11,172 syllables


def load_law_text() -> str:
    """The Korean legal text described in this module's docstring (52,861 characters). (5장)"""
    return _LAW_TEXT


def split_by_position(seq: Sequence, val_fraction: float = 0.1) -> tuple:
    """Split a text (or list of ids) by position: the first part trains, the last part validates. (5장)

    Never by random windows: neighbouring windows of one text overlap in content, so a random
    split would let the validation set leak into training.
    """
    where = "split_by_position"
    if isinstance(seq, (bytes, bytearray)) or not isinstance(seq, Sequence):
        raise TypeError(expected_message(where, "seq", "문자열(str)이나 id의 시퀀스", describe(seq)))
    if isinstance(val_fraction, bool) or not isinstance(val_fraction, numbers.Real) or not 0 < val_fraction < 1:
        given = repr(val_fraction) if isinstance(val_fraction, numbers.Real) and not isinstance(val_fraction, bool) \
            else describe(val_fraction)
        raise ValueError(expected_message(where, "val_fraction", "0과 1 사이(양 끝 제외)의 실수", given))
    cut = round(len(seq) * (1 - val_fraction))
    if cut < 1 or cut >= len(seq):
        raise ValueError(f"{where}: seq의 항목 {len(seq)}개는 나누기에 너무 적습니다. val_fraction={val_fraction}에서는 "
                         "훈련 부분이나 검증 부분이 비게 됩니다")
    return seq[:cut], seq[cut:]


def is_hangul_syllable(ch: str) -> bool:
    """True for one precomposed Hangul syllable (가 ... 힣)."""
    if not isinstance(ch, str) or len(ch) != 1:
        raise TypeError(expected_message("is_hangul_syllable", "ch", "글자 하나인 문자열", describe(ch)))
    return S_BASE <= ord(ch) < S_BASE + S_COUNT


def _check_text(text, where: str, name: str = "text") -> str:
    return check_str(text, name, where=where)


def to_jamo(text: str) -> str:
    """Decompose every Hangul syllable into conjoining jamo (2 or 3 characters); keep the rest. (5장)

    ``to_jamo("한글")`` has 6 characters: lead ㅎ, vowel ㅏ, tail ㄴ, lead ㄱ, vowel ㅡ, tail ㄹ
    (as conjoining jamo U+1100-U+11FF). Equal to ``unicodedata.normalize("NFD", text)`` on Hangul
    syllables.
    """
    out = []
    for ch in _check_text(text, "to_jamo"):
        s = ord(ch) - S_BASE
        if 0 <= s < S_COUNT:
            out.append(chr(L_BASE + s // N_COUNT))
            out.append(chr(V_BASE + (s % N_COUNT) // T_COUNT))
            if s % T_COUNT:
                out.append(chr(T_BASE + s % T_COUNT))
        else:
            out.append(ch)
    return "".join(out)


def _lead(ch: str) -> int:
    i = ord(ch) - L_BASE
    return i if 0 <= i < L_COUNT else -1


def _vowel(ch: str) -> int:
    i = ord(ch) - V_BASE
    return i if 0 <= i < V_COUNT else -1


def _tail(ch: str) -> int:
    i = ord(ch) - T_BASE
    return i if 0 < i < T_COUNT else -1


def _is_conjoining(ch: str) -> bool:
    return 0x1100 <= ord(ch) <= 0x11FF


def _compose(text: str) -> tuple[str, list[int]]:
    out, bad = [], []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        lead = _lead(ch)
        if lead >= 0 and i + 1 < n and _vowel(text[i + 1]) >= 0:
            code = S_BASE + (lead * V_COUNT + _vowel(text[i + 1])) * T_COUNT
            i += 2
            if i < n and _tail(text[i]) >= 0:
                code += _tail(text[i])
                i += 1
            out.append(chr(code))
            continue
        if _is_conjoining(ch):
            bad.append(i)  # a lead without a vowel, a lone vowel or tail, or an old-Hangul jamo
        out.append(ch)
        i += 1
    return "".join(out), bad


def from_jamo(text: str, *, strict: bool = True) -> str:
    """Recompose conjoining jamo into Hangul syllables (lead + vowel [+ tail]); the inverse of
    :func:`to_jamo`. (5장)

    A jamo that cannot belong to a syllable (a lead consonant not followed by a vowel, a vowel or
    tail with no lead before it; input is expected to be jamo, so a tail after an already
    precomposed syllable is not attached to it, unlike NFC) raises ``ValueError`` naming its position when ``strict``;
    with ``strict=False`` it is kept as it is (as ``unicodedata.normalize("NFC", ...)`` would do),
    and :func:`invalid_jamo_positions` tells where such jamo are.
    """
    check_bool(strict, "strict", where="from_jamo")
    composed, bad = _compose(_check_text(text, "from_jamo"))
    if strict and bad:
        k = bad[0]
        raise ValueError(f"from_jamo: text의 위치 {k}에 있는 자모 {text[k]!r}(U+{ord(text[k]):04X}): 음절을 이룰 수 "
                         f"없습니다(이런 자모가 모두 {len(bad)}개). 음절은 초성 + 중성 [+ 종성]입니다. "
                         "strict=False로 호출하면 이런 자모를 그대로 둡니다")
    return composed


def invalid_jamo_positions(text: str) -> list[int]:
    """Positions in ``text`` of conjoining jamo that cannot form a syllable (see :func:`from_jamo`)."""
    return _compose(_check_text(text, "invalid_jamo_positions"))[1]
