"""Attention: five score functions, a masked softmax, and an attention decoder (8장).

Notation: the query ``s_t`` is the decoder state at step ``t`` (``(B, T, d_h)`` for ``T`` steps at
once), the keys ``h_i`` are the encoder's outputs ``(B, S, d_h)``. A score module maps them to
``(B, T, S)``; :func:`masked_softmax` turns a row of scores into weights that are exactly zero
on padded source positions; the context is the weighted sum of the encoder outputs.

The scores (the table of the course's source material, with its slips fixed):

=============  ==========================================  ==========================
dot            ``s_t^T h_i``                               Luong et al. 2015
scaled dot     ``s_t^T h_i / sqrt(d)``                     Vaswani et al. 2017
general        ``s_t^T W_a h_i``                           Luong et al. 2015
concat         ``v_a^T tanh(W_a [s_t; h_i])``              Bahdanau et al. 2015 (additive)
location       ``a_t = softmax(W_a s_t)`` (keys not used)  Luong et al. 2015
=============  ==========================================  ==========================
"""
from __future__ import annotations

import math

import torch
from torch import nn

from .data import PAD_ID
from .seq2seq import GRUDecoder
from .validation import check_dtype_matches, check_int, check_module, check_tensor, describe, expected_message

__all__ = [
    "DotScore",
    "ScaledDotScore",
    "GeneralScore",
    "ConcatScore",
    "LocationScore",
    "SCORES",
    "make_score",
    "masked_softmax",
    "attend",
    "AttentionDecoder",
]


def _check_qk(query: torch.Tensor, keys: torch.Tensor, name: str) -> None:
    if not isinstance(query, torch.Tensor) or query.dim() != 3:
        raise ValueError(expected_message(name, "query", "모양 (B, T, d_q)인 3차원 텐서", describe(query)))
    if not isinstance(keys, torch.Tensor) or keys.dim() != 3:
        raise ValueError(expected_message(name, "keys", "모양 (B, S, d_k)인 3차원 텐서", describe(keys)))
    if query.shape[0] != keys.shape[0]:
        raise ValueError(f"{name}: 배치 크기 B가 맞지 않습니다. query: B={query.shape[0]}, keys: B={keys.shape[0]}")
    check_tensor(query, "query", dtype="float", layout="(B, T, d_q)", where=name)
    check_tensor(keys, "keys", dtype="float", layout="(B, S, d_k)", where=name)
    if query.dtype != keys.dtype:
        raise TypeError(f"{name}: query의 자료형(dtype)과 keys의 자료형이 같아야 합니다. 받은 자료형: query {query.dtype}, "
                        f"keys {keys.dtype}")
    if query.device != keys.device:
        raise ValueError(f"{name}: query, keys의 장치(device)가 다릅니다. query: {query.device}, keys: {keys.device}. "
                         "한 장치로 옮겨야 합니다")


def _check_size(name: str, what: str, got: int, want: int, shape) -> None:
    if got != want:
        raise ValueError(f"{name}: {what}의 마지막 축 크기가 맞지 않습니다. 필요한 크기: {want}(만들 때 정한 값), "
                         f"받은 모양: {tuple(shape)}")


class DotScore(nn.Module):
    """``score(s_t, h_i) = s_t^T h_i``; needs ``d_q == d_k``; no parameters. (8장)"""

    def forward(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        _check_qk(query, keys, "DotScore")
        if query.shape[-1] != keys.shape[-1]:
            raise ValueError(f"DotScore: query의 마지막 축 크기(d_q)와 keys의 마지막 축 크기(d_k)가 같아야 합니다. "
                             f"받은 크기: d_q={query.shape[-1]}, d_k={keys.shape[-1]}")
        return query @ keys.transpose(1, 2)  # (B, T, d) @ (B, d, S) -> (B, T, S)


class ScaledDotScore(nn.Module):
    """``score(s_t, h_i) = s_t^T h_i / sqrt(d)``: the dot score with its variance kept near 1
    for random unit-variance vectors (the Transformer's score). (8장)"""

    def forward(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        _check_qk(query, keys, "ScaledDotScore")
        if query.shape[-1] != keys.shape[-1]:
            raise ValueError(f"ScaledDotScore: query의 마지막 축 크기(d_q)와 keys의 마지막 축 크기(d_k)가 같아야 합니다. "
                             f"받은 크기: d_q={query.shape[-1]}, d_k={keys.shape[-1]}")
        d = query.shape[-1]
        return query @ keys.transpose(1, 2) / math.sqrt(d)  # (B, T, S)


class GeneralScore(nn.Module):
    """``score(s_t, h_i) = s_t^T W_a h_i`` with a learned ``W_a`` ``(d_q, d_k)``. (8장)"""

    def __init__(self, d_q: int, d_k: int):
        super().__init__()
        d_q = check_int(d_q, "d_q", minimum=1, where="GeneralScore")
        d_k = check_int(d_k, "d_k", minimum=1, where="GeneralScore")
        self.W_a = nn.Linear(d_k, d_q, bias=False)  # weight (d_q, d_k): h -> W_a h

    def forward(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        _check_qk(query, keys, "GeneralScore")
        check_dtype_matches(query, "query", self, where="GeneralScore")
        _check_size("GeneralScore", "query (B, T, d_q)", query.shape[-1], self.W_a.out_features, query.shape)
        _check_size("GeneralScore", "keys (B, S, d_k)", keys.shape[-1], self.W_a.in_features, keys.shape)
        projected = self.W_a(keys)  # (B, S, d_q)
        return query @ projected.transpose(1, 2)  # (B, T, d_q) @ (B, d_q, S) -> (B, T, S)


class ConcatScore(nn.Module):
    """``score(s_t, h_i) = v_a^T tanh(W_a [s_t; h_i])`` (additive attention). (8장)

    ``W_a`` ``(d_a, d_q + d_k)`` is split into a query part and a key part, so the key part is
    computed once per source position rather than once per (t, i) pair. The outer vector is
    ``v_a`` ``(d_a,)`` (the source material calls it ``W_a`` by mistake); it is initialised like a
    linear layer's weight, uniform in ``(-1/sqrt(d_a), 1/sqrt(d_a))``, never left uninitialised.
    """

    def __init__(self, d_q: int, d_k: int, d_a: int | None = None):
        super().__init__()
        d_q = check_int(d_q, "d_q", minimum=1, where="ConcatScore")
        d_k = check_int(d_k, "d_k", minimum=1, where="ConcatScore")
        d_a = d_q if d_a is None else check_int(d_a, "d_a", minimum=1, where="ConcatScore")
        self.W_q = nn.Linear(d_q, d_a, bias=False)  # query half of W_a
        self.W_k = nn.Linear(d_k, d_a, bias=True)  # key half of W_a (+ bias)
        self.v_a = nn.Parameter(torch.empty(d_a))  # (d_a,)
        bound = 1 / math.sqrt(d_a)
        nn.init.uniform_(self.v_a, -bound, bound)

    def forward(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        _check_qk(query, keys, "ConcatScore")
        check_dtype_matches(query, "query", self, where="ConcatScore")
        _check_size("ConcatScore", "query (B, T, d_q)", query.shape[-1], self.W_q.in_features, query.shape)
        _check_size("ConcatScore", "keys (B, S, d_k)", keys.shape[-1], self.W_k.in_features, keys.shape)
        q = self.W_q(query).unsqueeze(2)  # (B, T, 1, d_a)
        k = self.W_k(keys).unsqueeze(1)  # (B, 1, S, d_a)
        return torch.tanh(q + k) @ self.v_a  # (B, T, S, d_a) @ (d_a,) -> (B, T, S)


class LocationScore(nn.Module):
    """``a_t = softmax(W_a s_t)``: scores from the query alone, one per source position up to
    ``max_len`` (Luong's location-based score; the keys are not looked at). (8장)"""

    def __init__(self, d_q: int, max_len: int):
        super().__init__()
        d_q = check_int(d_q, "d_q", minimum=1, where="LocationScore")
        max_len = check_int(max_len, "max_len", minimum=1, where="LocationScore")
        self.max_len = max_len
        self.W_a = nn.Linear(d_q, max_len)  # weight (max_len, d_q)

    def forward(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        _check_qk(query, keys, "LocationScore")
        check_dtype_matches(query, "query", self, where="LocationScore")
        _check_size("LocationScore", "query (B, T, d_q)", query.shape[-1], self.W_a.in_features, query.shape)
        S = keys.shape[1]
        if S > self.max_len:
            raise ValueError(f"LocationScore: 입력 길이(S)는 max_len={self.max_len} 이하여야 합니다. 받은 값: S={S}")
        return self.W_a(query)[:, :, :S]  # (B, T, max_len) -> (B, T, S)


#: The five scores by name, in the order of the table.
SCORES = ("dot", "scaled_dot", "general", "concat", "location")
_SCORE_NAMES = ", ".join(repr(s) for s in SCORES)


def make_score(name: str, d_h: int, *, max_len: int | None = None) -> nn.Module:
    """Build a score module by name (queries and keys both of size ``d_h``). (8장)"""
    if not isinstance(name, str):
        raise TypeError(expected_message("make_score", "name", f"{_SCORE_NAMES} 중 하나인 문자열(str)", describe(name)))
    if max_len is not None:  # only 'location' uses it, but a wrong value is wrong for every score
        max_len = check_int(max_len, "max_len", minimum=1, where="make_score")
    if name in SCORES:
        d_h = check_int(d_h, "d_h", minimum=1, where="make_score")
    if name == "dot":
        return DotScore()
    if name == "scaled_dot":
        return ScaledDotScore()
    if name == "general":
        return GeneralScore(d_h, d_h)
    if name == "concat":
        return ConcatScore(d_h, d_h)
    if name == "location":
        if max_len is None:
            raise ValueError("make_score: 'location' 점수 함수를 만들려면 max_len 인자(가장 긴 입력 길이)가 필요합니다. "
                             "받은 값: max_len=None")
        return LocationScore(d_h, max_len)
    raise ValueError(expected_message("make_score", "name", f"점수 함수 이름 {_SCORE_NAMES} 중 하나", repr(name)))


def masked_softmax(scores: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Softmax over the last axis that gives exactly zero weight where ``mask`` is False. (8장)

    ``scores`` ``(B, S)`` or ``(B, T, S)``; ``mask`` ``(B, S)`` bool, True on real source tokens
    (broadcast over ``T``). Masked scores become ``-inf`` before the softmax, so ``exp`` makes
    them 0 exactly (adding a large negative number only makes them small). A row with no real
    position has no distribution at all and raises ``ValueError``.
    """
    if not isinstance(scores, torch.Tensor) or scores.dim() not in (2, 3):
        raise ValueError(expected_message("masked_softmax", "scores", "모양 (B, S) 또는 (B, T, S)인 텐서",
                                          describe(scores)))
    if not isinstance(mask, torch.Tensor) or mask.dtype != torch.bool:
        raise TypeError(expected_message("masked_softmax", "mask", "모양 (B, S)의 bool 텐서(진짜 위치가 True)",
                                         describe(mask)))
    B, S = scores.shape[0], scores.shape[-1]
    if mask.shape != (B, S):
        raise ValueError(f"masked_softmax: mask의 모양(shape)이 맞지 않습니다. 필요한 모양: (B, S) = ({B}, {S}), "
                         f"받은 모양: {tuple(mask.shape)}")
    check_tensor(scores, "scores", dtype="float", layout="(B, S) 또는 (B, T, S)", where="masked_softmax")
    if mask.device != scores.device:
        raise ValueError(f"masked_softmax: mask, scores의 장치(device)가 다릅니다. mask: {mask.device}, "
                         f"scores: {scores.device}. 한 장치로 옮겨야 합니다")
    empty = ~mask.any(dim=1)  # (B,)
    if empty.any():
        raise ValueError(f"masked_softmax: mask의 행 [{int(empty.nonzero()[0])}]에 True가 하나도 없습니다(모두 패딩). "
                         "위치가 하나도 없는 softmax는 정의되지 않습니다")
    m = mask if scores.dim() == 2 else mask.unsqueeze(1)  # (B, S) or (B, 1, S)
    bad = (torch.isnan(scores) | (scores == float("inf"))) & m  # NaN or +inf at a real position
    if bool(bad.any()):
        raise ValueError(f"masked_softmax: scores의 진짜 위치(mask에서 True인 위치) "
                         f"{tuple(bad.nonzero()[0].tolist())}에 NaN이나 +inf가 있습니다. 아무 값이나 들어 있어도 "
                         "되는 곳은 패딩 위치뿐입니다")
    if bool(((scores == float("-inf")) | ~m).all(dim=-1).any()):
        raise ValueError("masked_softmax: scores의 한 행이 진짜 위치에서 모두 -inf라서 확률 분포를 만들 수 없습니다")
    filled = scores.masked_fill(~m, float("-inf"))  # same shape as scores
    return torch.softmax(filled, dim=-1)  # rows sum to 1, padded positions exactly 0


def attend(score: nn.Module, query: torch.Tensor, keys: torch.Tensor, mask: torch.Tensor):
    """Steps 1-3: scores, masked softmax, context. Returns ``(context (B, T, d_k), weights (B, T, S))``.

    The values are the keys themselves (the encoder outputs). (8장)
    """
    check_module(score, "score", where="attend")
    check_tensor(keys, "keys", dtype="float", ndim=3, layout="(B, S, d_k)", where="attend")
    try:
        scores = score(query, keys)  # (B, T, S)
    except TypeError as exc:
        if any("\uac00" <= ch <= "\ud7a3" for ch in str(exc)):
            raise
        raise TypeError(f"{expected_message('attend', 'score', 'score(query, keys) -> (B, T, S)인 점수 함수 모듈', f'{type(score).__name__} 모듈')}. "
                        f"score(query, keys)를 호출하자 오류가 났습니다: {type(exc).__name__}") from exc
    if not isinstance(scores, torch.Tensor) or scores.dim() != 3 or scores.shape[0] != keys.shape[0] \
            or scores.shape[2] != keys.shape[1]:
        raise TypeError(expected_message("attend", "score", "score(query, keys) -> (B, T, S)인 점수 함수 모듈",
                                         f"{type(score).__name__} 모듈(반환값: {describe(scores)})"))
    weights = masked_softmax(scores, mask)  # (B, T, S)
    context = weights @ keys  # (B, T, S) @ (B, S, d_k) -> (B, T, d_k)
    return context, weights


class AttentionDecoder(GRUDecoder):
    """The GRU decoder of 7장 with Luong-style attention in its readout. (8장)

    Step 4 combines the context with the decoder state: ``h~_t = tanh(W_c [c_t; s_t])``, then the
    linear layer gives the logits. The query is the *current* state ``s_t`` (Luong), so with
    teacher forcing the GRU runs over all ``T`` steps at once and attention is one batched matrix
    product; Bahdanau's variant queries the *previous* state ``s_{t-1}`` and feeds the context into
    the GRU's input, which forces a step-by-step loop. Weights go to ``state["attention"]``.
    """

    def __init__(self, vocab_size: int, *, score: str | nn.Module = "general", d_w: int = 32,
                 d_h: int = 64, pad_id: int = PAD_ID, max_src_len: int | None = None):
        super().__init__(vocab_size, d_w=d_w, d_h=d_h, pad_id=pad_id)
        if not isinstance(score, (str, nn.Module)):
            raise TypeError(expected_message("AttentionDecoder", "score",
                                             f"점수 함수 이름 {_SCORE_NAMES} 중 하나나 점수 함수 모듈(nn.Module)",
                                             describe(score)))
        if max_src_len is not None:
            max_src_len = check_int(max_src_len, "max_src_len", minimum=1, where="AttentionDecoder")
        self.score = make_score(score, d_h, max_len=max_src_len) if isinstance(score, str) else score
        self.combine = nn.Linear(2 * d_h, d_h)  # W_c

    def readout(self, outputs: torch.Tensor, state: dict) -> torch.Tensor:
        if not isinstance(state.get("memory"), torch.Tensor) or not isinstance(state.get("src_mask"), torch.Tensor):
            raise TypeError(expected_message("AttentionDecoder.forward", "state",
                                             "init_state(memory, final, src_mask)의 반환값인 딕셔너리(dict, 키 'h', "
                                             "'memory', 'src_mask')", f"키가 {sorted(state)}인 dict"))
        memory = state["memory"]
        if memory.shape[-1] != self.d_h:
            raise ValueError(f"AttentionDecoder: memory (B, S, d_h)의 마지막 축 크기가 디코더의 d_h={self.d_h}에 맞지 "
                             f"않습니다. 디코더의 은닉 상태와 섞으려면 같아야 합니다. 받은 모양: {tuple(memory.shape)}")
        context, weights = attend(self.score, outputs, state["memory"], state["src_mask"])  # (B, T, d_h), (B, T, S)
        state["attention"] = weights  # (B, T, S)
        combined = torch.tanh(self.combine(torch.cat([context, outputs], dim=-1)))  # (B, T, d_h)
        return self.out(combined)  # (B, T, V)
