"""Recurrent language models: the model, generation, truncated BPTT and the metrics (4장, 5장, 7장).

One home for everything that reads a token stream and predicts the next token:

- :class:`RecurrentLM` — embedding -> RNN/LSTM/GRU (always ``batch_first``) -> linear head over the
  vocabulary. ``forward(idx, state=None) -> (logits, state)``; 4장 trains it on word sentences,
  5장 on characters (syllables or jamo).
- :func:`generate` — the generation loop: read a prefix, then feed back one token at a time
  (greedy, or sampling with temperature and top-k), stopping at ``eos_id``.
- :func:`next_token_probs` — how temperature and top-k reshape one next-token distribution.
- :func:`bptt_batches`, :func:`detach_state`, :func:`train_lm`, :func:`evaluate_lm` — truncated
  backpropagation through time over one long id stream, with the hidden state carried across
  consecutive batches (and detached), gradient clipping, and evaluation in nats per token.
- :func:`bits_per_token`, :func:`perplexity` — the same cross-entropy in other units (bits per
  *character* of the original text is ``bits_per_token(loss) * n_tokens / n_chars``).

Notation: ``B`` batch size, ``T`` time steps per batch, ``V`` vocabulary size, ``d_w`` embedding
size, ``d_h`` hidden size. Nothing in this module knows about Korean; the text lives in
:mod:`seqlab.korean`.
"""
from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from .models import make_rnn
from .repro import progress
from .validation import josa, check_bool, check_generator, check_ids, check_int, check_module, check_number, \
    check_positive, check_str, describe, expected_message

__all__ = ["RecurrentLM", "generate", "next_token_probs", "bits_per_token", "perplexity",
           "bptt_batches", "detach_state", "train_lm", "evaluate_lm", "LMHistory"]

KINDS = ("rnn", "lstm", "gru")


class RecurrentLM(nn.Module):
    """Embedding -> ``nn.RNN``/``nn.LSTM``/``nn.GRU`` (``batch_first=True``) -> linear head. (4장, 5장)

    The layers are created in this order, with PyTorch's default initialisation: ``embedding``
    (``nn.Embedding(vocab_size, d_w, padding_idx=pad_id)``), ``rnn`` and ``head``
    (``nn.Linear(d_h, vocab_size)``). So under the same seed it starts from exactly the weights of
    a hand-written ``Embedding -> GRU -> Linear`` model built in that order (4장's first version).

    ``pad_id=None`` means no padding row (a character stream without padding). ``dropout`` acts
    between stacked layers only (``num_layers >= 2``) and only in training mode.
    """

    def __init__(self, vocab_size: int, d_w: int = 32, d_h: int = 64, *, kind: str = "gru",
                 num_layers: int = 1, pad_id: int | None = 0, dropout: float = 0.0):
        super().__init__()
        check_int(vocab_size, "vocab_size", minimum=2, where="RecurrentLM")
        check_int(d_w, "d_w", minimum=1, where="RecurrentLM")
        check_int(d_h, "d_h", minimum=1, where="RecurrentLM")
        check_int(num_layers, "num_layers", minimum=1, where="RecurrentLM")
        if kind not in KINDS:
            raise ValueError(expected_message("RecurrentLM", "kind", ", ".join(repr(k) for k in KINDS) + " 중 하나",
                                              repr(kind)))
        if pad_id is not None:
            check_int(pad_id, "pad_id", minimum=0, where="RecurrentLM")
            if pad_id >= vocab_size:
                raise ValueError(expected_message("RecurrentLM", "pad_id",
                                                  f"None 또는 [0, vocab_size={vocab_size}) 범위의 정수", str(pad_id)))
        check_number(dropout, "dropout", minimum=0, maximum=1, max_open=True, where="RecurrentLM")
        if dropout and num_layers == 1:
            raise ValueError(f"RecurrentLM: num_layers=1에서는 dropout={dropout}의 효과가 없습니다. 드롭아웃은 쌓은 "
                             "층 사이에만 작용하므로 num_layers >= 2로 하거나 dropout=0으로 두어야 합니다")
        self.vocab_size, self.kind, self.num_layers, self.d_h = vocab_size, kind, num_layers, d_h
        self.pad_id = pad_id
        self.embedding = nn.Embedding(vocab_size, d_w, padding_idx=pad_id)
        extra = {"num_layers": num_layers, "dropout": dropout} if num_layers > 1 else {}
        self.rnn = make_rnn(kind, d_w, d_h, **extra)
        self.head = nn.Linear(d_h, vocab_size)

    def _check_state(self, state, B: int) -> None:
        where = "RecurrentLM.forward"
        want = (self.num_layers, B, self.d_h)
        if self.kind == "lstm":
            if not (isinstance(state, tuple) and len(state) == 2):
                raise TypeError(f"{where}: LSTM 언어 모델의 state에는 (h, c) 튜플이 와야 합니다. h와 c는 모두 "
                                f"모양 (num_layers, B, d_h) = {want}인 텐서입니다. 받은 값: {describe(state)}")
            parts = state
        else:
            if not isinstance(state, torch.Tensor):
                raise TypeError(expected_message(where, "state", f"모양 (num_layers, B, d_h) = {want}인 텐서",
                                                 describe(state)))
            parts = (state,)
        for p in parts:
            if not isinstance(p, torch.Tensor):
                raise TypeError(expected_message(where, "state의 h와 c", f"모양 (num_layers, B, d_h) = {want}인 텐서",
                                                 describe(p)))
            if tuple(p.shape) != want:
                raise ValueError(f"{where}: state의 모양(shape)이 맞지 않습니다. 필요한 모양: (num_layers, B, d_h) = "
                                 f"{want}, 받은 모양: {tuple(p.shape)}. 입력은 batch_first여도 은닉 상태는 "
                                 "batch_first가 아닙니다(B가 두 번째 축)")
            if not p.is_floating_point():
                raise TypeError(f"{where}: state의 자료형(dtype)은 실수형(예: torch.float32)이어야 합니다. "
                                f"받은 자료형: {p.dtype}")
            if p.dtype != self.head.weight.dtype:
                raise TypeError(f"{where}: state의 자료형(dtype)은 모델의 매개변수와 같은 "
                                f"{josa(str(self.head.weight.dtype), '이어야')} 합니다. 받은 자료형: {p.dtype}")
            if p.device != self.head.weight.device:
                dev = str(self.head.weight.device)
                raise ValueError(f"{where}: state의 장치(device)가 모델과 다릅니다. 모델: {dev}, 받은 값: "
                                 f"{describe(p)}. .to({dev!r})로 옮겨야 합니다")

    def forward(self, idx: torch.Tensor, state=None):
        """``idx``: LongTensor ``(B, T)`` of token ids (``batch_first``).

        Returns ``(logits, state)``: logits ``(B, T, V)`` for the token after each position, and the
        last state ``(num_layers, B, d_h)`` (a tuple ``(h, c)`` for an LSTM), to pass back in for
        the next chunk of the same streams.
        """
        where = "RecurrentLM.forward"
        if not isinstance(idx, torch.Tensor):
            raise TypeError(expected_message(where, "idx", "모양 (B, T), batch_first인 토큰 id의 LongTensor",
                                             describe(idx)))
        if idx.dtype != torch.long:
            raise TypeError(f"{where}: idx의 자료형(dtype)은 torch.long(int64, 토큰 id의 자료형)이어야 합니다. "
                            f"받은 값: {describe(idx)}")
        if idx.dim() != 2 or idx.shape[0] == 0 or idx.shape[1] == 0:
            raise ValueError(f"{where}: idx에는 모양 (B, T), batch_first인 2차원 텐서가 와야 합니다(B, T >= 1). "
                             f"받은 모양: {tuple(idx.shape)}")
        if idx.device != self.head.weight.device:
            dev = str(self.head.weight.device)
            raise ValueError(f"{where}: idx의 장치(device)가 모델과 다릅니다. 모델: {dev}, 받은 값: "
                             f"{describe(idx)}. .to({dev!r})로 옮겨야 합니다")
        lo, hi = int(idx.min()), int(idx.max())
        if lo < 0 or hi >= self.vocab_size:
            bad = lo if lo < 0 else hi
            raise ValueError(f"{where}: idx의 토큰 id는 모두 어휘 범위 [0, vocab_size={self.vocab_size}) 안에 "
                             f"있어야 합니다. 범위 밖의 id: {bad}")
        if state is not None:
            self._check_state(state, idx.shape[0])
        x = self.embedding(idx)  # (B, T, d_w)
        out, state = self.rnn(x, state)  # (B, T, d_h), (num_layers, B, d_h) or a tuple (h, c)
        return self.head(out), state  # (B, T, V)


def next_token_probs(logits: torch.Tensor, temperature: float = 1.0, top_k: int | None = None) -> torch.Tensor:
    """Turn next-token logits ``(..., V)`` into probabilities ``(..., V)``. (5장)

    ``softmax(logits / temperature)``: a temperature below 1 sharpens the distribution (towards
    greedy), above 1 flattens it (towards uniform). With ``top_k`` every token outside the ``k``
    largest logits gets probability 0 before the softmax renormalises (ties at the k-th value are
    broken by ``torch.topk``'s order).
    """
    where = "next_token_probs"
    if not isinstance(logits, torch.Tensor) or not logits.is_floating_point():
        raise TypeError(expected_message(where, "logits", "모양 (..., V)인 실수형 텐서", describe(logits)))
    if logits.dim() == 0 or logits.shape[-1] == 0:
        raise ValueError(f"{where}: logits에는 어휘 축이 있어야 합니다(모양 (..., V), V >= 1). "
                         f"받은 모양: {tuple(logits.shape)}")
    temperature = _check_temperature(temperature, where)
    if logits.numel() and bool(torch.isnan(logits).any() | (logits == math.inf).any()):
        raise ValueError(f"{where}: logits에는 NaN이나 +inf가 없어야 합니다(-inf인 로짓은 괜찮습니다. 그 토큰의 "
                         "확률이 0이 됩니다)")
    if logits.numel() and bool((logits == -math.inf).all(dim=-1).any()):
        raise ValueError(f"{where}: logits의 어떤 행은 모든 값이 -inf여서 확률을 받을 토큰이 하나도 없습니다")
    if top_k is not None:
        V = logits.shape[-1]
        top_k = check_int(top_k, "top_k", minimum=1, where=where)
        if top_k > V:
            raise ValueError(expected_message(where, "top_k", f"1 이상 어휘 크기 V={V} 이하의 정수", str(top_k)))
    probs = _softmax_at(logits / temperature, top_k)  # (..., V)
    if logits.numel() and bool(torch.isnan(probs).any()):
        # logits / temperature overflowed (a tiny temperature): shift by the largest logit first, so
        # the best token scales to 0 and the others to -inf at worst -- the limit, greedy, exactly
        shifted = logits - logits.amax(dim=-1, keepdim=True)  # (..., V), max 0
        scaled = torch.where(shifted == 0, torch.zeros_like(shifted), shifted / temperature)  # 0/0 never occurs
        probs = _softmax_at(scaled, top_k)  # (..., V)
    return probs


def _check_temperature(temperature, where: str) -> float:
    if isinstance(temperature, (bool, np.bool_)) or not isinstance(temperature, numbers.Real) or not (
            math.isfinite(temperature) and temperature > 0):
        message = expected_message(where, "temperature", "0보다 큰 유한한 실수", repr(temperature))
        raise ValueError(f"{message}. 탐욕 디코딩은 온도 0이 아니라 greedy=True(argmax)로 합니다")
    return float(temperature)


def _softmax_at(scaled: torch.Tensor, top_k: int | None) -> torch.Tensor:
    if top_k is not None:
        kth = torch.topk(scaled, top_k, dim=-1).indices  # (..., k)
        keep = torch.zeros_like(scaled, dtype=torch.bool).scatter_(-1, kth, True)  # (..., V)
        scaled = scaled.masked_fill(~keep, float("-inf"))
    return torch.softmax(scaled, dim=-1)  # (..., V)


def _as_id_list(prefix, name: str = "prefix", where: str = "generate") -> list[int]:
    if isinstance(prefix, torch.Tensor):
        if prefix.dim() != 1 or prefix.is_floating_point() or prefix.dtype == torch.bool:
            raise TypeError(expected_message(where, name, "모양 (T,)인 1차원 정수 텐서나 정수 토큰 id의 list",
                                             describe(prefix)))
        prefix = prefix.tolist()
    if isinstance(prefix, (str, bytes)) or not isinstance(prefix, Sequence):
        hint = ". 텍스트는 먼저 encode해야 합니다" if isinstance(prefix, (str, bytes)) else ""
        raise TypeError(expected_message(where, name, "정수 토큰 id의 list", describe(prefix)) + hint)
    for k, t in enumerate(prefix):
        if isinstance(t, (bool, float, str)):
            raise TypeError(expected_message(where, f"{name}의 항목 [{k}]", "정수(int) 토큰 id", describe(t)))
    ids = check_ids(prefix, name, allow_empty=True, where=where)
    if not ids:
        raise ValueError(f"{where}: {name}에 토큰이 하나도 없습니다. 시작할 토큰이 하나 이상(예: <sos>) 있어야 합니다")
    return ids


def _eos_error(eos_id: int, bound: str) -> ValueError:
    message = expected_message("generate", "eos_id", f"어휘 범위 [0, {bound}) 안의 id", str(eos_id))
    return ValueError(f"{message}. 모델이 만들 수 없는 id여서 생성이 그 id에서 멈출 수 없습니다")


@torch.no_grad()
def generate(model: nn.Module, prefix, max_new_tokens: int, *, temperature: float = 1.0,
             top_k: int | None = None, greedy: bool = False, eos_id: int | None = None,
             generator: torch.Generator | None = None) -> list[int]:
    """Continue ``prefix`` (a list of ids or a 1-D LongTensor) by up to ``max_new_tokens`` tokens. (4장, 5장)

    The model reads the whole prefix once, then each step picks a token from the distribution at
    the last position and feeds it back in together with the carried state. ``greedy=True``
    takes the argmax (temperature and top-k are then ignored); otherwise it samples from
    :func:`next_token_probs` with ``generator`` (a CPU ``torch.Generator``, for reproducible
    samples). Generation stops early when ``eos_id`` is produced; that token is included.
    Returns the new ids only (not the prefix). ``model`` must follow ``forward(idx, state) ->
    (logits, state)``; it runs in eval mode and its training flag is restored afterwards.
    """
    check_module(model, "model", where="generate")
    ids = _as_id_list(prefix)
    check_int(max_new_tokens, "max_new_tokens", minimum=0, where="generate")
    check_bool(greedy, "greedy", where="generate")
    _check_temperature(temperature, "generate")  # validated up front, also when greedy ignores it
    if top_k is not None:
        check_int(top_k, "top_k", minimum=1, where="generate")
    check_generator(generator, "generator", where="generate")
    if eos_id is not None:
        eos_id = check_int(eos_id, "eos_id", minimum=0, where="generate")
    vocab_size = getattr(model, "vocab_size", None)
    if isinstance(vocab_size, int):
        check_ids(ids, "prefix", vocab_size=vocab_size, where="generate")
        if eos_id is not None and eos_id >= vocab_size:
            raise _eos_error(eos_id, f"vocab_size={vocab_size}")
    device = _model_device(model, "generate")
    was_training = model.training
    model.eval()
    try:
        logits, state = _call_lm(model, torch.tensor([ids], device=device), None, "generate")  # (1, T, V)
        if eos_id is not None and eos_id >= logits.shape[-1]:
            raise _eos_error(eos_id, f"V={logits.shape[-1]}")
        new: list[int] = []
        for _ in range(max_new_tokens):
            last = logits[0, -1]  # (V,): distribution of the next token
            if greedy:
                next_id = int(last.argmax())
            else:
                probs = next_token_probs(last.float().cpu(), temperature, top_k)  # (V,)
                next_id = int(torch.multinomial(probs, 1, generator=generator))
            new.append(next_id)
            if eos_id is not None and next_id == eos_id:
                break
            logits, state = model(torch.tensor([[next_id]], device=device), state)  # (1, 1, V)
    finally:
        model.train(was_training)
    return new


def _loss_value(loss, where: str) -> float:
    if isinstance(loss, (torch.Tensor, np.ndarray)):
        size = loss.size if isinstance(loss, np.ndarray) else loss.numel()
        if size != 1:
            raise ValueError(f"{where}: loss에는 수 하나(nats 단위의 평균 교차 엔트로피)가 와야 합니다. "
                             f"받은 모양: {tuple(loss.shape)}")
        loss = loss.item()
    if isinstance(loss, (bool, np.bool_)) or not isinstance(loss, numbers.Real) or not math.isfinite(loss) or loss < 0:
        raise ValueError(expected_message(where, "loss", "0 이상의 유한한 교차 엔트로피(nats 단위)", repr(loss)))
    return float(loss)


def bits_per_token(loss) -> float:
    """A mean cross-entropy in nats per token (what ``F.cross_entropy`` returns) in bits per token:
    ``loss / ln 2``. (5장)

    This is bits per *character* only when a token is a character of the text. For jamo (two or
    three tokens per syllable) convert explicitly: ``bits_per_token(loss) * n_tokens / n_chars``,
    with ``n_tokens`` the predicted tokens and ``n_chars`` the characters of the original text.
    """
    return _loss_value(loss, "bits_per_token") / math.log(2)


def perplexity(loss) -> float:
    """Perplexity ``exp(loss)`` of a mean cross-entropy in nats: the effective number of choices. (5장)"""
    value = _loss_value(loss, "perplexity")
    try:
        return math.exp(value)
    except OverflowError:  # a loss above ~709.78 nats: beyond the largest float, as np.exp says
        return math.inf


def bptt_batches(ids, batch_size: int, seq_len: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Cut one long id stream into consecutive ``(x, y)`` batches for truncated BPTT. (5장)

    The stream is split into ``batch_size`` contiguous parallel streams (row ``b`` is the
    ``b``-th slice of the text); batch ``k`` holds time steps ``k*seq_len ... (k+1)*seq_len - 1``
    of every row, so row ``b`` of batch ``k+1`` continues row ``b`` of batch ``k`` and the hidden
    state can be carried from one batch to the next. ``y`` is ``x`` shifted by one token.
    Each ``x``, ``y`` is a LongTensor ``(B, T)`` (``batch_first``); the last batch may be shorter
    in time. Tokens that do not fill a whole row (at most ``batch_size - 1``) are dropped.
    """
    if isinstance(ids, torch.Tensor):
        if ids.dim() != 1 or ids.is_floating_point() or ids.dtype == torch.bool:
            raise TypeError(expected_message("bptt_batches", "ids", "모양 (N,)인 1차원 정수 텐서", describe(ids)))
        stream = ids.long()
    else:
        stream = torch.tensor(_as_id_list(ids, "ids", "bptt_batches"), dtype=torch.long)
    if stream.numel() and int(stream.min()) < 0:
        raise ValueError(f"bptt_batches: ids의 토큰 id는 0 이상의 정수여야 합니다. 받은 음수 id: {int(stream.min())}")
    check_int(batch_size, "batch_size", minimum=1, where="bptt_batches")
    check_int(seq_len, "seq_len", minimum=1, where="bptt_batches")
    n = (stream.numel() - 1) // batch_size  # time steps per row
    if n < 1:
        raise ValueError(f"bptt_batches: batch_size={batch_size}에는 ids의 토큰이 너무 적습니다(토큰 수 "
                         f"{stream.numel()}). 적어도 batch_size + 1 = {batch_size + 1}개가 있어야 합니다")
    xs = stream[: batch_size * n].view(batch_size, n)  # (B, n)
    ys = stream[1: batch_size * n + 1].view(batch_size, n)  # (B, n): the next token
    return [(xs[:, t: t + seq_len], ys[:, t: t + seq_len]) for t in range(0, n, seq_len)]  # each (B, <=T)


def detach_state(state):
    """Cut the graph behind a carried state (a tensor, a tuple ``(h, c)``, or None). (5장)

    The values flow on into the next batch, but backpropagation stops here; without it the
    next ``backward()`` would try to go back through batches whose graph was already freed.
    """
    if state is None:
        return None
    if isinstance(state, tuple):
        for k, s in enumerate(state):
            if not isinstance(s, torch.Tensor):
                raise TypeError(expected_message("detach_state", "state", "텐서, 텐서의 튜플 또는 None",
                                                 f"tuple(항목 [{k}]: {describe(s)})"))
        return tuple(s.detach() for s in state)
    if isinstance(state, torch.Tensor):
        return state.detach()
    raise TypeError(expected_message("detach_state", "state", "텐서, 텐서의 튜플 또는 None", describe(state)))


_LM_EXPECTED = "RecurrentLM처럼 forward(idx, state) -> (logits, state)인 언어 모델"


def _call_lm(model: nn.Module, idx: torch.Tensor, state, where: str):
    """``model(idx, state)``, checked: a model whose ``forward`` cannot take ``(idx, state)`` is named
    as the wrong argument before it runs, and what it returns must be ``(logits (B, T, V), state)``.
    An error raised inside the model's own code is left as it is."""
    try:
        signature = inspect.signature(model.forward)
    except (TypeError, ValueError):  # no signature to read (a C function): just call it
        signature = None
    if signature is not None:
        try:
            signature.bind(idx, state)
        except TypeError:
            raise TypeError(expected_message(where, "model", _LM_EXPECTED,
                                             f"forward{signature}인 {type(model).__name__} 모듈")) from None
    out = model(idx, state)
    if not (isinstance(out, tuple) and len(out) == 2 and isinstance(out[0], torch.Tensor) and out[0].dim() == 3
            and out[0].shape[:2] == idx.shape):
        raise TypeError(f"{where}: model(idx, state)의 반환값은 (logits, state)여야 하고, 모양 (B, T) = "
                        f"{tuple(idx.shape)}인 idx에 대해 logits의 모양은 (B, T, V)여야 합니다. 받은 값: {describe(out)}")
    return out


def _model_device(model: nn.Module, where: str) -> torch.device:
    params = list(model.parameters())
    if not params:
        raise TypeError(expected_message(where, "model", "RecurrentLM처럼 forward(idx, state) -> (logits, state)인, "
                                         "매개변수가 있는 언어 모델", f"매개변수가 하나도 없는 {type(model).__name__}"))
    return params[0].device


@dataclass
class LMHistory:
    """What :func:`train_lm` records per step: the loss (nats) and the gradient norm before clipping."""

    losses: list[float] = field(default_factory=list)
    grad_norms: list[float] = field(default_factory=list)


def train_lm(model: RecurrentLM, ids, *, steps: int, batch_size: int = 32, seq_len: int = 64,
             lr: float = 3e-3, clip: float | None = 1.0, desc: str = "언어 모델 학습") -> LMHistory:
    """Train a language model with truncated BPTT for ``steps`` steps (Adam). (5장)

    Batches come from :func:`bptt_batches` in order; the state is carried from batch to batch
    and detached (:func:`detach_state`), and reset to zeros when the stream starts over.
    Gradients are clipped to total norm ``clip`` (``None``: no clipping); the norm before
    clipping is recorded. Returns an :class:`LMHistory`; the model is left in eval mode.
    """
    check_module(model, "model", where="train_lm")
    check_int(steps, "steps", minimum=1, where="train_lm")
    if clip is not None:  # None: no clipping
        clip = check_positive(clip, "clip", where="train_lm")
    check_positive(lr, "lr", where="train_lm")
    check_str(desc, "desc", where="train_lm")
    device = _model_device(model, "train_lm")
    batches = bptt_batches(ids, batch_size, seq_len)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    history = LMHistory()
    state = None
    model.train()
    for step in progress(range(steps), desc=desc):
        k = step % len(batches)
        if k == 0:
            state = None  # the stream starts over: no state to carry
        x, y = (t.to(device) for t in batches[k])  # (B, T), (B, T)
        logits, state = _call_lm(model, x, detach_state(state), "train_lm")  # (B, T, V)
        loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        norm = nn.utils.clip_grad_norm_(model.parameters(), clip if clip is not None else math.inf)
        opt.step()
        history.losses.append(loss.item())
        history.grad_norms.append(float(norm))
    model.eval()
    return history


@torch.no_grad()
def evaluate_lm(model: RecurrentLM, ids, *, batch_size: int = 16, seq_len: int = 128) -> float:
    """Mean cross-entropy (nats per token) over a whole id stream, state carried across batches. (5장)

    Every predicted token counts once (the last batch may be shorter). Convert with
    :func:`bits_per_token` or :func:`perplexity`.
    """
    check_module(model, "model", where="evaluate_lm")
    device = _model_device(model, "evaluate_lm")
    batches = bptt_batches(ids, batch_size, seq_len)
    was_training = model.training
    model.eval()
    total, count, state = 0.0, 0, None
    for x, y in batches:
        logits, state = _call_lm(model, x.to(device), state, "evaluate_lm")  # (B, T, V)
        total += nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.to(device).reshape(-1),
                                             reduction="sum").item()
        count += y.numel()
    model.train(was_training)
    return total / count
