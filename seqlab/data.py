"""Toy data, vocabularies, padding, sorting and masks.

Notation used throughout the course: ``B`` batch size, ``L`` longest length in the batch.
Every function that builds a batch says whether its result is ``batch_first``
(``(B, L)``) or time-first (``(L, B)``); the default is ``batch_first=True``.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import torch

from .validation import (IdOutOfRangeError, UnknownTokenError, check_bool, check_ids, check_int, check_lengths,
                         check_sequences, check_size, check_tensor, check_tokens, describe, expected_message, josa)

__all__ = [
    "TOY_BATCH",
    "TOY_VOCAB_SIZE",
    "TOY_PAD_ID",
    "SENTENCES",
    "PAD_ID",
    "UNK_ID",
    "SOS_ID",
    "EOS_ID",
    "SPECIAL_TOKENS",
    "Vocab",
    "build_vocab",
    "pad_sequences",
    "sort_by_length",
    "lengths_to_mask",
    "check_padded_batch",
    "packed_batch_sizes",
]

#: Ten integer sequences of lengths 20, 5, 8, 10, 15, 18, 17, 6, 6, 18 (123 tokens in all)
#: from a vocabulary of 100 ids where id 0 is reserved for padding. Used in chapters 1-2.
#: Provenance: meaningless ids, the same numbers as the toy batch of the course's source
#: material, so that figures such as 123/200 match it.
TOY_BATCH: tuple[tuple[int, ...], ...] = (
    (85, 14, 80, 34, 99, 20, 31, 65, 53, 86, 3, 58, 30, 4, 11, 6, 50, 71, 74, 13),
    (62, 76, 79, 66, 32),
    (93, 77, 16, 67, 46, 74, 24, 70),
    (19, 83, 88, 22, 57, 40, 75, 82, 4, 46),
    (70, 28, 30, 24, 76, 84, 92, 76, 77, 51, 7, 20, 82, 94, 57),
    (58, 13, 40, 61, 88, 18, 92, 89, 8, 14, 61, 67, 49, 59, 45, 12, 47, 5),
    (22, 5, 21, 84, 39, 6, 9, 84, 36, 59, 32, 30, 69, 70, 82, 56, 1),
    (94, 21, 79, 24, 3, 86),
    (80, 80, 33, 63, 34, 63),
    (87, 32, 79, 65, 2, 96, 43, 80, 85, 20, 41, 52, 95, 50, 35, 96, 24, 80),
)
TOY_VOCAB_SIZE = 100
TOY_PAD_ID = 0

#: Five short Korean sentences, whitespace-tokenised into 18, 16, 9, 9 and 7 tokens.
#: Written for this course (no outside source); used to build a vocabulary in chapter 1.
SENTENCES: tuple[str, ...] = (
    "오늘 아침 동네 작은 빵집 앞에는 갓 구운 식빵 냄새를 맡으려는 "
    "사람들이 줄을 길게 서서 조용히 기다리고 있었다",
    "비가 그친 오후 동네 공원 산책로에는 물웅덩이마다 파란 하늘이 비쳐서 아이들이 "
    "일부러 그 위를 밟으며 뛰어다녔다",
    "도서관 창가 자리는 늘 햇볕이 잘 들어서 인기가 많다",
    "그는 매일 저녁 같은 시간에 강아지와 함께 강변을 걷는다",
    "밤새 첫눈이 내리자 골목이 금세 하얗게 변했다",
)

PAD_TOKEN = "<pad>"
UNK_TOKEN = "<unk>"
SOS_TOKEN = "<sos>"
EOS_TOKEN = "<eos>"
#: Reserved ids. ``<pad>`` is always 0; with ``build_vocab(..., sos_eos=True)`` the four special
#: tokens take these ids, so every model that reads or writes them can rely on the numbers
#: (chapters 4, 5, 7 and 8). The pad id never equals the start id (a common tutorial bug).
PAD_ID, UNK_ID, SOS_ID, EOS_ID = 0, 1, 2, 3
SPECIAL_TOKENS: tuple[str, ...] = (PAD_TOKEN, UNK_TOKEN, SOS_TOKEN, EOS_TOKEN)


@dataclass
class Vocab:
    """A token <-> id table. ``itos[i]`` is the token with id ``i``.

    Ids are assigned in first-appearance order (never from a ``set``, whose order changes
    between Python runs), after the special tokens: ``<pad>`` is id 0, ``<unk>`` id 1, and
    (when present) ``<sos>`` id 2 and ``<eos>`` id 3. (1장; the start/end tokens from 4장.)
    """

    itos: list[str]
    stoi: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.itos = check_tokens(self.itos, "itos", where="Vocab")
        if len(set(self.itos)) != len(self.itos):
            seen: set[str] = set()
            twice = next(t for t in self.itos if t in seen or seen.add(t))
            raise ValueError(f"Vocab: itos에 같은 {josa(f'토큰 {twice!r}', '이')} 두 번 들어 있습니다. 토큰마다 "
                             "id가 하나씩이어야 합니다")
        if not self.itos or self.itos[0] != PAD_TOKEN:
            given = describe(self.itos[0]) if self.itos else describe(self.itos)
            raise ValueError(expected_message("Vocab", "itos[0](id 0의 토큰)", f"패딩 토큰({PAD_TOKEN})", given))
        self.stoi = {tok: i for i, tok in enumerate(self.itos)}


    def __len__(self) -> int:
        return len(self.itos)

    @property
    def pad_id(self) -> int:
        return self.stoi[PAD_TOKEN]

    @property
    def unk_id(self) -> int | None:
        return self.stoi.get(UNK_TOKEN)

    @property
    def sos_id(self) -> int | None:
        """Id of ``<sos>`` (always 2 when present), else None."""
        return self.stoi.get(SOS_TOKEN)

    @property
    def eos_id(self) -> int | None:
        """Id of ``<eos>`` (always 3 when present), else None."""
        return self.stoi.get(EOS_TOKEN)

    def encode(self, tokens: Sequence[str]) -> list[int]:
        """Map tokens to ids; unknown tokens become ``<unk>`` (an error if there is none)."""
        if isinstance(tokens, str):
            raise TypeError(f"{expected_message('Vocab.encode', 'tokens', '문자열 토큰의 리스트', describe(tokens))}. "
                            "문자열 하나는 먼저 .split() 등으로 토큰으로 나눠야 합니다")
        tokens = check_tokens(tokens, "tokens", where="Vocab.encode")
        ids = []
        for tok in tokens:
            if tok in self.stoi:
                ids.append(self.stoi[tok])
            elif self.unk_id is not None:
                ids.append(self.unk_id)
            else:
                raise UnknownTokenError(f"Vocab.encode: {josa(f'토큰 {tok!r}', '은')} 어휘(vocabulary)에 없고, "
                                        f"대신 쓸 {UNK_TOKEN} 토큰도 어휘에 없습니다")
        return ids

    def decode(self, ids: Iterable[int], *, skip_pad: bool = True, skip_special: bool = False) -> list[str]:
        """Map ids back to tokens, dropping padding unless ``skip_pad=False``.

        ``skip_special=True`` also drops ``<sos>``/``<eos>``/``<unk>`` (for printing generated text).
        """
        if isinstance(ids, Iterable) and not isinstance(ids, (str, bytes, torch.Tensor)):
            ids = list(ids)
            for k, i in enumerate(ids):  # one wrong item, named by its position
                if isinstance(i, (bool, float, str)) or (isinstance(i, torch.Tensor) and (
                        i.numel() != 1 or i.is_floating_point() or i.dtype == torch.bool)):
                    raise TypeError(f"Vocab.decode: ids의 항목 [{k}]에는 정수(int) 토큰 id가 와야 합니다. "
                                    f"받은 값: {describe(i)}")
        ids = check_ids(ids, "ids", allow_empty=True, where="Vocab.decode")
        check_bool(skip_pad, "skip_pad", where="Vocab.decode")
        check_bool(skip_special, "skip_special", where="Vocab.decode")
        out = []
        for k, i in enumerate(ids):
            if not 0 <= i < len(self.itos):
                raise IdOutOfRangeError(f"Vocab.decode: ids의 항목 [{k}] = {i}: id는 어휘 범위 "
                                        f"0..{len(self.itos) - 1} 안에 있어야 합니다(어휘 크기 {len(self.itos)})")
            if (skip_pad or skip_special) and i == self.pad_id:
                continue
            if skip_special and self.itos[i] in SPECIAL_TOKENS:
                continue
            out.append(self.itos[i])
        return out


def build_vocab(sentences: Iterable[Sequence[str]], *, min_freq: int = 1, unk: bool = True,
                sos_eos: bool = False) -> Vocab:
    """Build a :class:`Vocab` from tokenised sentences (each a list of tokens).

    Tokens seen fewer than ``min_freq`` times are left out (they encode to ``<unk>``).
    With ``sos_eos=True`` the vocabulary starts with all four reserved tokens,
    ``<pad>``=0, ``<unk>``=1, ``<sos>``=2, ``<eos>``=3 (``unk`` must then stay True).
    """
    if sos_eos and not unk:
        raise ValueError(f"build_vocab: sos_eos=True에는 unk=True가 함께 필요합니다. 그래야 {SOS_TOKEN}/{EOS_TOKEN}의 "
                         f"id가 예약된 {josa(f'{SOS_ID}/{EOS_ID}', '으로')} 유지됩니다. 받은 값: unk={unk!r}")
    min_freq = check_int(min_freq, "min_freq", minimum=1, where="build_vocab")
    check_bool(unk, "unk", where="build_vocab")
    check_bool(sos_eos, "sos_eos", where="build_vocab")
    if isinstance(sentences, (str, bytes)) or isinstance(sentences, torch.Tensor):
        expected = "토큰으로 나눈 문장들(토큰 리스트의 리스트)"
        raise TypeError(f"{expected_message('build_vocab', 'sentences', expected, describe(sentences))}. "
                        "먼저 [s.split() for s in texts]처럼 토큰으로 나눠야 합니다")
    counts: dict[str, int] = {}
    n = 0
    for sent in sentences:
        if isinstance(sent, str):
            raise TypeError(f"build_vocab: sentences의 문장 [{n}]에는 토큰의 리스트가 와야 합니다. 받은 값: "
                            f"{describe(sent)}. 먼저 s.split()처럼 토큰으로 나눠야 합니다")
        n += 1
        sent = check_tokens(sent, f"sentences[{n - 1}]", where="build_vocab")
        for tok in sent:
            counts[tok] = counts.get(tok, 0) + 1  # dicts keep first-appearance order
    if n == 0:
        raise ValueError("build_vocab: sentences에 문장이 하나도 없습니다. 토큰으로 나눈 문장이 하나 이상 있어야 합니다")
    specials = [PAD_TOKEN] + ([UNK_TOKEN] if unk else []) + ([SOS_TOKEN, EOS_TOKEN] if sos_eos else [])
    itos = specials + [t for t, c in counts.items() if c >= min_freq and t not in specials]
    return Vocab(itos)


def _as_int_lists(seqs: Iterable[Sequence[int]]) -> list[list[int]]:
    if isinstance(seqs, torch.Tensor):
        expected = "길이가 제각각인 정수 id 시퀀스들의 리스트"
        raise TypeError(f"{expected_message('pad_sequences', 'seqs', expected, describe(seqs))}. "
                        "텐서는 이미 패딩된 배치입니다")
    if isinstance(seqs, (list, tuple)):
        for k, s in enumerate(seqs):
            if isinstance(s, (set, frozenset, dict)):  # no order: the tokens would come out shuffled
                raise TypeError(f"pad_sequences: seqs의 시퀀스 [{k}]에는 순서가 있는 정수 id의 시퀀스(list, tuple, "
                                f"1차원 텐서)가 와야 합니다. 받은 값: {type(s).__name__} {s!r}"[:300])
    rows = check_sequences(seqs, "seqs", where="pad_sequences")
    for k, r in enumerate(rows):
        if r and min(r) < 0:
            raise ValueError(f"pad_sequences: seqs의 시퀀스 [{k}]의 id {min(r)}: 토큰 id는 0 이상의 정수여야 합니다")
    return rows


def pad_sequences(
    seqs: Iterable[Sequence[int]],
    *,
    pad_id: int = 0,
    batch_first: bool = True,
    max_len: int | None = None,
    vocab_size: int | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Pad ragged id sequences into one LongTensor and return it with the valid lengths.

    Returns ``(batch, lengths)``: ``batch`` is ``(B, L)`` if ``batch_first`` else ``(L, B)``,
    ``lengths`` is a CPU LongTensor ``(B,)`` in the original order.

    Raises if the batch is empty, a sequence is empty, a real token equals ``pad_id``
    (the model could no longer tell padding from data), an id is outside ``[0, vocab_size)``,
    or a sequence is longer than ``max_len``.
    """
    pad_id = check_int(pad_id, "pad_id", where="pad_sequences")
    check_bool(batch_first, "batch_first", where="pad_sequences")
    if max_len is not None:
        max_len = check_int(max_len, "max_len", minimum=1, where="pad_sequences")
    if vocab_size is not None:
        vocab_size = check_int(vocab_size, "vocab_size", minimum=1, where="pad_sequences")
    rows = _as_int_lists(seqs)
    if not rows:
        raise ValueError("pad_sequences: seqs에 시퀀스가 하나도 없습니다(빈 배치). 시퀀스가 하나 이상 있어야 합니다")
    lengths = [len(r) for r in rows]
    if min(lengths) == 0:
        raise ValueError(f"pad_sequences: seqs의 시퀀스 [{lengths.index(0)}]에 토큰이 하나도 없습니다. 모든 시퀀스에는 "
                         "토큰이 하나 이상 있어야 합니다(빈 시퀀스는 패킹할 수 없습니다)")
    longest = max(lengths)
    if max_len is None:
        max_len = longest
    elif longest > max_len:
        raise ValueError(f"pad_sequences: seqs의 시퀀스 [{lengths.index(longest)}]의 토큰 수는 max_len={max_len} "
                         f"이하여야 합니다. 받은 토큰 수: {longest}")
    for k, r in enumerate(rows):
        if pad_id in r:
            raise ValueError(f"pad_sequences: seqs의 시퀀스 [{k}]의 위치 {r.index(pad_id)}에 "
                             f"{josa(f'pad_id={pad_id}', '이')} 들어 있습니다. 진짜 토큰에는 패딩 id를 쓸 수 없습니다"
                             "(모델이 패딩과 데이터를 구별하지 못합니다)")
        if vocab_size is not None:
            bad = [t for t in r if not 0 <= t < vocab_size]
            if bad:
                raise ValueError(f"pad_sequences: seqs의 시퀀스 [{k}]의 id {bad[0]}: id는 어휘 범위 "
                                 f"[0, vocab_size={vocab_size}) 안에 있어야 합니다")
    if vocab_size is not None and not 0 <= pad_id < vocab_size:
        raise ValueError(expected_message("pad_sequences", "pad_id", f"어휘 범위 [0, vocab_size={vocab_size}) 안의 정수",
                                          str(pad_id)))
    check_size(len(rows) * max_len, f"배치 (B, L) = ({len(rows)}, {max_len})", where="pad_sequences")
    batch = torch.full((len(rows), max_len), pad_id, dtype=torch.long)  # (B, L)
    for k, r in enumerate(rows):
        batch[k, : len(r)] = torch.tensor(r, dtype=torch.long)
    lens = torch.tensor(lengths, dtype=torch.long)  # (B,)
    if not batch_first:
        batch = batch.t().contiguous()  # (L, B)
    return batch, lens


def sort_by_length(
    lengths: torch.Tensor | Sequence[int], *, descending: bool = True
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Sort lengths and return ``(sorted_lengths, sorted_idx, inverse_idx)``.

    ``batch[sorted_idx]`` is the batch in sorted order and ``sorted_batch[inverse_idx]``
    restores the original order. The sort is stable, so equal lengths keep their order.
    """
    lengths = check_lengths(lengths, where="sort_by_length")
    check_bool(descending, "descending", where="sort_by_length")
    sorted_lengths, sorted_idx = torch.sort(lengths, descending=descending, stable=True)  # (B,), (B,)
    inverse_idx = torch.empty_like(sorted_idx)  # (B,)
    inverse_idx[sorted_idx] = torch.arange(sorted_idx.numel())
    return sorted_lengths, sorted_idx, inverse_idx


def lengths_to_mask(lengths: torch.Tensor | Sequence[int], max_len: int | None = None,
                    *, batch_first: bool = True) -> torch.Tensor:
    """Boolean mask that is True on real tokens: ``(B, L)`` (or ``(L, B)`` if not batch_first)."""
    lengths = check_lengths(lengths, where="lengths_to_mask")
    check_bool(batch_first, "batch_first", where="lengths_to_mask")
    longest = int(lengths.max())
    if max_len is not None:
        max_len = check_int(max_len, "max_len", where="lengths_to_mask")
    if max_len is None:
        max_len = longest
    elif max_len < longest:
        raise ValueError(expected_message("lengths_to_mask", "max_len", f"lengths의 가장 긴 길이({longest}) 이상의 정수",
                                          str(max_len)))
    check_size(lengths.numel() * max_len, f"마스크 (B, L) = ({lengths.numel()}, {max_len})", where="lengths_to_mask")
    steps = torch.arange(max_len, device=lengths.device)  # (L,)
    mask = steps.unsqueeze(0) < lengths.unsqueeze(1)  # (B, L)
    return mask if batch_first else mask.t()


def _check_padding_agrees(b: torch.Tensor, lengths: torch.Tensor, pad_id: int, where: str) -> None:
    """``b (B, L)`` holds ``pad_id`` exactly at and after each row's length (and no negative id)."""
    mask = lengths_to_mask(lengths.cpu(), b.shape[1]).to(b.device)  # (B, L)
    is_pad = b == pad_id  # (B, L)
    if bool(((b < 0) & ~is_pad).any()):
        k = int(((b < 0) & ~is_pad).any(dim=1).nonzero()[0])
        raise ValueError(f"{where}: 시퀀스 [{k}]에 음수인 {josa(f'id {int(b[k][(b[k] < 0) & ~is_pad[k]][0])}', '이')} 있습니다. "
                         "토큰 id는 0 이상의 정수여야 합니다")
    if (is_pad & mask).any():
        k = int((is_pad & mask).any(dim=1).nonzero()[0])
        raise ValueError(f"{where}: 시퀀스 [{k}]의 처음 {int(lengths[k])}개 토큰(유효 길이) 안에 "
                         f"{josa(f'pad_id={pad_id}', '이')} 있습니다. lengths의 길이와 패딩이 서로 맞지 않습니다")
    if (~is_pad & ~mask).any():
        k = int((~is_pad & ~mask).any(dim=1).nonzero()[0])
        raise ValueError(f"{where}: 시퀀스 [{k}]의 유효 길이 {int(lengths[k])} 뒤에 진짜 토큰이 있습니다. "
                         "lengths의 길이와 패딩이 서로 맞지 않습니다")


def check_padded_batch(batch: torch.Tensor, lengths: torch.Tensor | Sequence[int], *,
                       pad_id: int = 0, batch_first: bool = True) -> None:
    """Raise unless ``batch`` is a padded LongTensor consistent with ``lengths``.

    Checks the dtype, the shape against ``batch_first``, and that every position at or after a
    sequence's length holds ``pad_id`` while every position before it does not.
    """
    where, layout = "check_padded_batch", "(B, L)(batch_first) 또는 (L, B)"
    if not isinstance(batch, torch.Tensor):
        raise TypeError(expected_message(where, "batch", f"모양 {layout}인 토큰 id 텐서(torch.Tensor)", describe(batch)))
    check_int(pad_id, "pad_id", where=where)
    check_bool(batch_first, "batch_first", where=where)
    if batch.dtype != torch.long:
        raise TypeError(f"{where}: batch의 자료형(dtype)은 토큰 id의 자료형인 torch.long(LongTensor)이어야 합니다. "
                        f"받은 자료형: {batch.dtype}")
    if batch.dim() != 2:
        raise ValueError(f"{where}: batch에는 2차원 텐서가 와야 합니다(모양 {layout}). 받은 모양: {tuple(batch.shape)}")
    lengths = check_lengths(lengths, where=where)
    check_tensor(batch, "batch", layout=layout, where=where)
    b = batch if batch_first else batch.t()  # (B, L)
    if b.shape[0] != lengths.numel():
        read = "(B, L)" if batch_first else "(L, B)"
        raise ValueError(f"{where}: batch의 모양 {tuple(batch.shape)}을 {read}로 읽으면 B={b.shape[0]}인데, lengths에는 "
                         f"길이가 {lengths.numel()}개 있습니다. batch_first={batch_first}가 맞는지 확인해야 합니다")
    if int(lengths.max()) > b.shape[1]:
        raise ValueError(f"{where}: lengths의 길이는 패딩된 길이 L={b.shape[1]} 이하여야 합니다. "
                         f"받은 가장 긴 길이: {int(lengths.max())}")
    _check_padding_agrees(b, lengths, pad_id, where)


def packed_batch_sizes(lengths: torch.Tensor | Sequence[int]) -> torch.Tensor:
    """``batch_sizes`` of the PackedSequence built from these lengths.

    Entry ``t`` counts the sequences that still have a token at time step ``t``.
    """
    lengths = check_lengths(lengths, where="packed_batch_sizes")
    check_size(lengths.numel() * int(lengths.max()), f"비교 표 (L, B) = ({int(lengths.max())}, {lengths.numel()})",
               where="packed_batch_sizes")
    steps = torch.arange(int(lengths.max()))  # (L,)
    return (lengths.unsqueeze(0) > steps.unsqueeze(1)).sum(dim=1)  # (L,)
