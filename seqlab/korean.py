"""Korean text for language models: a statute corpus that ships offline, and jamo helpers (5장).

Data: :func:`load_law_text`
---------------------------
54,342 characters of Korean legal text, NFC-normalised, in this order:

1. Ten bills of the 18th National Assembly of the Republic of Korea (bill numbers 1809890-1809899,
   introduced 12-15 November 2010: amendments of the 지방공무원법, 국가공무원법, 교육공무원법,
   남녀고용평등법, 고등교육법, 하도급법, 행정절차법, 결혼중개업법 and two motions on sending
   armed forces abroad), from the reasons for the proposal (제안이유) to the end of the
   old/new comparison table (신·구조문대비표).
2. The Constitution of the Republic of Korea (대한민국헌법, as amended in 1987), in full.

Provenance: the files ``konlpy/data/corpus/kobill/1809890.txt`` ... ``1809899.txt`` and
``konlpy/data/corpus/kolaw/constitution.txt`` of the PyPI package ``konlpy==0.6.0`` (KoNLPy's
``kobill`` and ``kolaw`` corpora). Made as follows, once, and committed here (nothing is
downloaded at run time): page-number lines (``- 3 -``) and runs of dashes dropped, each bill's
header (bill number, date, names of the proposers) dropped, lines hard-wrapped by the PDF
extraction joined back into paragraphs, runs of spaces collapsed, NFC applied. The comparison
tables were two columns (current law | amendment) in the original PDF; their extracted text
interleaves the columns, so some lines there read out of order. That is why the bills come first
and the constitution last: a split by position (:func:`split_by_position`) then validates on clean
constitution text.

Licence: public domain in Korea. Article 7 of the Korean Copyright Act (저작권법 제7조, 보호받지
못하는 저작물) excludes from protection the constitution, laws, treaties, decrees and ordinances
(item 1) and notices and similar documents of the state (item 2); the bills are official documents
of the National Assembly that hold draft statute text, and works that the state made and published
in the course of its duties may in any case be used freely under Article 24-2 (공공저작물의
자유이용). KoNLPy's own code is GPL v3; no KoNLPy code is copied here, only these public texts.

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
from .validation import check_bool, check_str

__all__ = ["load_law_text", "split_by_position", "to_jamo", "from_jamo", "invalid_jamo_positions",
           "is_hangul_syllable", "LAW_TEXT_SOURCE"]

#: One-line provenance of :func:`load_law_text`, for printing under a table or a figure.
LAW_TEXT_SOURCE = ("대한민국헌법과 제18대 국회 의안 10건(KoNLPy 0.6.0의 kolaw, kobill 말뭉치), "
                   "저작권법 제7조에 따라 보호받지 못하는 저작물")

S_BASE, L_BASE, V_BASE, T_BASE = 0xAC00, 0x1100, 0x1161, 0x11A7
L_COUNT, V_COUNT, T_COUNT = 19, 21, 28
N_COUNT = V_COUNT * T_COUNT  # 588 syllables per lead consonant
S_COUNT = L_COUNT * N_COUNT  # 11,172 syllables


def load_law_text() -> str:
    """The Korean legal text described in this module's docstring (54,342 characters). (5장)"""
    return _LAW_TEXT


def split_by_position(seq: Sequence, val_fraction: float = 0.1) -> tuple:
    """Split a text (or list of ids) by position: the first part trains, the last part validates. (5장)

    Never by random windows: neighbouring windows of one text overlap in content, so a random
    split would let the validation set leak into training.
    """
    if isinstance(seq, (bytes, bytearray)) or not isinstance(seq, Sequence):
        raise TypeError(f"seq must be a str or a sequence of ids, got {type(seq).__name__}")
    if isinstance(val_fraction, bool) or not isinstance(val_fraction, numbers.Real) or not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must be a number strictly between 0 and 1, got {val_fraction!r}")
    cut = round(len(seq) * (1 - val_fraction))
    if cut < 1 or cut >= len(seq):
        raise ValueError(f"seq has {len(seq)} items, too few to split with val_fraction={val_fraction}")
    return seq[:cut], seq[cut:]


def is_hangul_syllable(ch: str) -> bool:
    """True for one precomposed Hangul syllable (가 ... 힣)."""
    if not isinstance(ch, str) or len(ch) != 1:
        raise TypeError(f"ch must be a single character, got {ch!r}")
    return S_BASE <= ord(ch) < S_BASE + S_COUNT


def _check_text(text, name: str = "text") -> str:
    return check_str(text, name)


def to_jamo(text: str) -> str:
    """Decompose every Hangul syllable into conjoining jamo (2 or 3 characters); keep the rest. (5장)

    ``to_jamo("한글")`` has 6 characters: lead ㅎ, vowel ㅏ, tail ㄴ, lead ㄱ, vowel ㅡ, tail ㄹ
    (as conjoining jamo U+1100-U+11FF). Equal to ``unicodedata.normalize("NFD", text)`` on Hangul
    syllables.
    """
    out = []
    for ch in _check_text(text):
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
    composed, bad = _compose(_check_text(text))
    if strict and bad:
        k = bad[0]
        raise ValueError(f"from_jamo: jamo {text[k]!r} (U+{ord(text[k]):04X}) at position {k} cannot form a "
                         f"syllable ({len(bad)} such jamo in all); a syllable is lead + vowel [+ tail]. "
                         "Use strict=False to keep them as they are")
    return composed


def invalid_jamo_positions(text: str) -> list[int]:
    """Positions in ``text`` of conjoining jamo that cannot form a syllable (see :func:`from_jamo`)."""
    return _compose(_check_text(text))[1]
