"""Encoder-decoder (seq2seq) models: batches, the interface, masked loss, greedy decoding, metrics.

Taught in 7장 (the interface, a bidirectional GRU encoder, a GRU decoder, teacher forcing, a loss
masked on padded targets, greedy batch decoding that stops per sequence at ``<eos>``); 8장 plugs
an attention decoder (:class:`seqlab.attention.AttentionDecoder`) into the same interface.

Every tensor is ``batch_first``: sources ``(B, S)``, targets ``(B, T)``, logits ``(B, T, V)``.
The reserved ids come from :mod:`seqlab.data` (``<pad>``=0, ``<sos>``=2, ``<eos>``=3) but every
function takes them as arguments, so nothing assumes ``pad_id == 0``.
"""
from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from .data import EOS_ID, PAD_ID, SOS_ID, Vocab, lengths_to_mask, pad_sequences
from .validation import (check_dtype_matches, check_ids, check_int, check_lengths, check_module, check_tensor, describe,
                         expected_message, josa)

__all__ = [
    "Seq2SeqBatch",
    "make_seq2seq_batch",
    "Encoder",
    "Decoder",
    "GRUEncoder",
    "GRUDecoder",
    "EncoderDecoder",
    "masked_cross_entropy",
    "greedy_decode",
    "free_running_logits",
    "exact_match",
    "token_accuracy",
    "strip_eos",
]


class Seq2SeqBatch(NamedTuple):
    """One batch, ``batch_first``. ``tgt_in`` is ``<sos> y_1 .. y_n`` and ``tgt_out`` is
    ``y_1 .. y_n <eos>``: the decoder reads ``tgt_in[:, t]`` and must predict ``tgt_out[:, t]``."""

    src: torch.Tensor  # (B, S)
    src_lengths: torch.Tensor  # (B,), CPU
    tgt_in: torch.Tensor  # (B, T)
    tgt_out: torch.Tensor  # (B, T)
    tgt_lengths: torch.Tensor  # (B,), CPU, counts <eos>

    def to(self, device) -> Seq2SeqBatch:
        """Move the token tensors to ``device``; lengths stay on the CPU (``pack_padded_sequence``
        wants CPU lengths)."""
        return Seq2SeqBatch(self.src.to(device), self.src_lengths, self.tgt_in.to(device),
                            self.tgt_out.to(device), self.tgt_lengths)


def make_seq2seq_batch(pairs: Sequence[tuple[Sequence[str], Sequence[str]]], src_vocab: Vocab,
                       tgt_vocab: Vocab) -> Seq2SeqBatch:
    """Encode and pad ``(source tokens, target tokens)`` pairs into a :class:`Seq2SeqBatch`. (7장)

    The target vocabulary must hold ``<sos>`` and ``<eos>`` (``build_vocab(..., sos_eos=True)``).
    """
    if isinstance(pairs, (str, bytes)) or not isinstance(pairs, Sequence) or not len(pairs):
        raise ValueError(expected_message("make_seq2seq_batch", "pairs",
                                          "(입력 토큰 리스트, 목표 토큰 리스트) 쌍들의 비어 있지 않은 리스트",
                                          describe(pairs)))
    for name, v in (("src_vocab", src_vocab), ("tgt_vocab", tgt_vocab)):
        if not isinstance(v, Vocab):
            raise TypeError(expected_message("make_seq2seq_batch", name, "어휘(seqlab.data.Vocab)", _given(v)))
    sos, eos = tgt_vocab.sos_id, tgt_vocab.eos_id
    if sos is None or eos is None:
        raise ValueError("make_seq2seq_batch: 목표 어휘(tgt_vocab)에 <sos>/<eos>가 없습니다. "
                         "build_vocab(..., sos_eos=True)로 만들어야 합니다")
    for k, p in enumerate(pairs):
        if not (isinstance(p, (tuple, list)) and len(p) == 2):
            raise ValueError(expected_message("make_seq2seq_batch", f"pairs의 항목 [{k}]",
                                              "(입력 토큰, 목표 토큰) 쌍", describe(p)))
    src, src_len = pad_sequences([src_vocab.encode(s) for s, _ in pairs], pad_id=src_vocab.pad_id)  # (B, S)
    ys = [tgt_vocab.encode(t) for _, t in pairs]
    tgt_in, _ = pad_sequences([[sos] + y for y in ys], pad_id=tgt_vocab.pad_id)  # (B, T)
    tgt_out, tgt_len = pad_sequences([y + [eos] for y in ys], pad_id=tgt_vocab.pad_id)  # (B, T)
    return Seq2SeqBatch(src, src_len, tgt_in, tgt_out, tgt_len)


class Encoder(nn.Module):
    """Interface: ``forward(src (B, S), src_lengths (B,)) -> (memory (B, S, d_h), final (B, d_h))``.

    ``memory`` holds one vector per source position (zeros on padding), ``final`` summarises the
    whole source. (7장)
    """

    def forward(self, src: torch.Tensor, src_lengths: torch.Tensor):  # pragma: no cover - interface
        raise NotImplementedError


class Decoder(nn.Module):
    """Interface: ``init_state(memory, final, src_mask) -> state`` and
    ``forward(tgt_in (B, T), state) -> (logits (B, T, V), state)``.

    ``state`` is a dict. Teacher forcing calls ``forward`` once on the whole ``tgt_in``; greedy
    decoding calls it with ``T = 1`` again and again. An attention decoder (8장) reads
    ``state["memory"]`` and ``state["src_mask"]`` and writes ``state["attention"]`` (B, T, S). (7장)
    """

    def init_state(self, memory: torch.Tensor, final: torch.Tensor, src_mask: torch.Tensor) -> dict:
        raise NotImplementedError  # pragma: no cover - interface

    def forward(self, tgt_in: torch.Tensor, state: dict):  # pragma: no cover - interface
        raise NotImplementedError


def _given(obj) -> str:
    """``describe(obj)``, but a module by its class name only (its repr runs over many lines)."""
    return f"{type(obj).__name__} 모듈" if isinstance(obj, nn.Module) else describe(obj)


def _check_tokens(x, name: str, vocab_size: int | None = None, *, where: str | None = None) -> None:
    if not isinstance(x, torch.Tensor) or x.dtype != torch.long or x.dim() != 2:
        raise ValueError(expected_message(where, name, "모양 (B, L), batch_first인 토큰 id의 LongTensor(torch.long)",
                                          describe(x)))
    at = f"{where}: " if where else ""
    if x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError(f"{at}{name}에 원소가 없습니다(모양 {tuple(x.shape)}). 모든 축의 크기가 1 이상인 "
                         "모양 (B, L)의 텐서가 필요합니다")
    if vocab_size is not None:
        lo, hi = int(x.min()), int(x.max())
        if lo < 0 or hi >= vocab_size:
            raise ValueError(f"{at}{name}에 어휘 범위 [0, vocab_size={vocab_size}) 밖의 id가 있습니다. "
                             f"받은 값: {lo if lo < 0 else hi}")


def _check_sizes(where: str, vocab_size, d_w, d_h, pad_id) -> None:
    check_int(vocab_size, "vocab_size", minimum=1, where=where)
    check_int(d_w, "d_w", minimum=1, where=where)
    check_int(d_h, "d_h", minimum=1, where=where)
    pad_id = check_int(pad_id, "pad_id", minimum=0, where=where)
    if pad_id >= vocab_size:
        raise ValueError(expected_message(where, "pad_id", f"[0, vocab_size={vocab_size}) 범위의 정수(int)", pad_id))


def _same_device(where: str, x: torch.Tensor, name: str, module: nn.Module) -> None:
    w = next(module.parameters()).device
    if x.device != w:
        raise ValueError(f"{where}: {name}의 장치(device)가 모델과 다릅니다. 모델: {w}, {name}: {x.device}. "
                         f".to({str(w)!r})로 옮겨야 합니다")


class GRUEncoder(Encoder):
    """Embedding + bidirectional GRU on a packed batch (``batch_first=True``). (7장)

    Each direction has ``d_h // 2`` units, so ``memory`` is ``(B, S, d_h)``; ``final`` is the last
    forward state and the last backward state (which has read the whole source from its real
    end, thanks to packing) concatenated, ``(B, d_h)``.
    """

    def __init__(self, vocab_size: int, *, d_w: int = 32, d_h: int = 64, pad_id: int = PAD_ID):
        super().__init__()
        _check_sizes("GRUEncoder", vocab_size, d_w, d_h, pad_id)
        if d_h % 2:
            raise ValueError(expected_message("GRUEncoder", "d_h", "짝수(두 방향에 d_h // 2씩)", d_h))
        self.d_h, self.vocab_size = d_h, vocab_size
        self.embedding = nn.Embedding(vocab_size, d_w, padding_idx=pad_id)
        self.rnn = nn.GRU(d_w, d_h // 2, batch_first=True, bidirectional=True)

    def forward(self, src: torch.Tensor, src_lengths: torch.Tensor):
        _check_tokens(src, "src", where="GRUEncoder.forward")
        _same_device("GRUEncoder.forward", src, "src", self)
        _check_tokens(src, "src", self.vocab_size, where="GRUEncoder.forward")
        if isinstance(src_lengths, torch.Tensor) and src_lengths.dim() == 1 and not src_lengths.is_floating_point() \
                and src_lengths.shape != (src.shape[0],):
            raise ValueError(f"GRUEncoder.forward: src_lengths에는 시퀀스마다 하나씩, 배치 크기와 같은 {src.shape[0]}개의 "
                             f"길이가 와야 합니다(모양 (B,) = ({src.shape[0]},)). 받은 모양: {tuple(src_lengths.shape)}")
        lengths = check_lengths(src_lengths, "src_lengths", batch_size=src.shape[0], max_len=src.shape[1],
                                cpu=True, where="GRUEncoder.forward")
        emb = self.embedding(src)  # (B, S, d_w)
        packed = pack_padded_sequence(emb, lengths, batch_first=True, enforce_sorted=False)
        packed_out, h_n = self.rnn(packed)  # h_n: (2, B, d_h/2), back in the original order
        memory, _ = pad_packed_sequence(packed_out, batch_first=True, total_length=src.shape[1])  # (B, S, d_h)
        final = torch.cat([h_n[0], h_n[1]], dim=-1)  # (B, d_h): forward last, backward last
        return memory, final


class GRUDecoder(Decoder):
    """Embedding + GRU + linear readout; starts from the encoder's ``final`` state. (7장)

    Subclasses change only :meth:`readout` (8장: attention combines the GRU output with a
    context vector before the linear layer).
    """

    def __init__(self, vocab_size: int, *, d_w: int = 32, d_h: int = 64, pad_id: int = PAD_ID):
        super().__init__()
        _check_sizes(type(self).__name__, vocab_size, d_w, d_h, pad_id)
        self.d_h, self.vocab_size = d_h, vocab_size
        self.embedding = nn.Embedding(vocab_size, d_w, padding_idx=pad_id)
        self.rnn = nn.GRU(d_w, d_h, batch_first=True)
        self.out = nn.Linear(d_h, vocab_size)

    def init_state(self, memory: torch.Tensor, final: torch.Tensor, src_mask: torch.Tensor) -> dict:
        where = f"{type(self).__name__}.init_state"
        check_tensor(final, "final", dtype="float", ndim=2, layout="(B, d_h)", where=where)
        if final.shape[-1] != self.d_h:
            raise ValueError(f"{where}: final(인코더의 마지막 은닉 상태)의 마지막 축 크기가 디코더의 d_h={self.d_h}에 "
                             f"맞지 않습니다. 받은 크기: {final.shape[-1]}(모양 {tuple(final.shape)})")
        check_dtype_matches(final, "final", self, where=where)
        B = final.shape[0]
        check_tensor(memory, "memory", dtype="float", ndim=3, layout="(B, S, d_h)", where=where)
        check_tensor(src_mask, "src_mask", dtype="bool", ndim=2, layout="(B, S), 입력의 진짜 토큰이 True",
                     where=where)
        if memory.shape[0] != B or src_mask.shape != memory.shape[:2]:
            raise ValueError(f"{where}: final (B, d_h) = {tuple(final.shape)}, memory (B, S, d_h) = "
                             f"{tuple(memory.shape)}, src_mask (B, S) = {tuple(src_mask.shape)}의 B나 S가 서로 맞지 않습니다")
        return {"h": final.unsqueeze(0).contiguous(), "memory": memory, "src_mask": src_mask}  # h: (1, B, d_h)

    def readout(self, outputs: torch.Tensor, state: dict) -> torch.Tensor:
        return self.out(outputs)  # (B, T, V)

    def forward(self, tgt_in: torch.Tensor, state: dict):
        where = f"{type(self).__name__}.forward"
        _check_tokens(tgt_in, "tgt_in", where=where)
        _same_device(where, tgt_in, "tgt_in", self)
        _check_tokens(tgt_in, "tgt_in", self.vocab_size, where=where)
        if not isinstance(state, dict) or not isinstance(state.get("h"), torch.Tensor):
            raise TypeError(expected_message(where, "state", "init_state(memory, final, src_mask)의 반환값인 "
                                             "딕셔너리(dict)", describe(state)))
        want = (1, tgt_in.shape[0], self.d_h)
        if not state["h"].is_floating_point():
            raise TypeError(f"{where}: state['h']의 자료형(dtype)은 실수형(예: torch.float32)이어야 합니다. "
                            f"받은 자료형: {state['h'].dtype}")
        check_dtype_matches(state["h"], "state['h']", self, where=where)
        if tuple(state["h"].shape) != want:
            raise ValueError(f"{where}: state['h']의 모양(shape)이 맞지 않습니다. tgt_in (B, T) = {tuple(tgt_in.shape)}에 "
                             f"필요한 모양: (1, B, d_h) = {want}, 받은 모양: {tuple(state['h'].shape)}. "
                             "입력 배치와 목표 배치의 B가 같아야 합니다")
        emb = self.embedding(tgt_in)  # (B, T, d_w)
        outputs, h = self.rnn(emb, state["h"])  # (B, T, d_h), (1, B, d_h)
        state = {**state, "h": h}
        logits = self.readout(outputs, state)  # (B, T, V); may add state["attention"]
        return logits, state


class EncoderDecoder(nn.Module):
    """``forward(src, src_lengths, tgt_in) -> logits (B, T, V)`` with teacher forcing. (7장)"""

    def __init__(self, encoder: Encoder, decoder: Decoder):
        super().__init__()
        check_module(encoder, "encoder", where="EncoderDecoder")
        check_module(decoder, "decoder", where="EncoderDecoder")
        try:
            inspect.signature(encoder.forward).bind(None, None)
        except TypeError:
            raise TypeError(expected_message("EncoderDecoder", "encoder",
                                             "Encoder 인터페이스를 따르는 모듈(forward(src, src_lengths) -> (memory, final))",
                                             _given(encoder))) from None
        except ValueError:  # no signature to read: trust it
            pass
        if not callable(getattr(decoder, "init_state", None)):
            raise TypeError(expected_message("EncoderDecoder", "decoder",
                                             "Decoder 인터페이스를 따르는 모듈(init_state, forward 메서드)",
                                             _given(decoder)))
        self.encoder = encoder
        self.decoder = decoder

    def start(self, src: torch.Tensor, src_lengths: torch.Tensor) -> dict:
        """Encode the source and return the decoder's first state."""
        _check_tokens(src, "src", where="EncoderDecoder")
        lengths = check_lengths(src_lengths, "src_lengths", batch_size=src.shape[0], max_len=src.shape[1],
                                cpu=True, where="EncoderDecoder")
        out = self.encoder(src, src_lengths)  # (memory (B, S, d_h), final (B, d_h))
        if not (isinstance(out, tuple) and len(out) == 2 and all(isinstance(t, torch.Tensor) for t in out)):
            raise TypeError("EncoderDecoder: encoder(src, src_lengths)의 반환값은 텐서 두 개의 튜플 "
                            f"(memory (B, S, d_h), final (B, d_h))이어야 합니다. 받은 값: {describe(out)}")
        memory, final = out
        src_mask = lengths_to_mask(lengths, src.shape[1]).to(src.device)  # (B, S), True = real
        return self.decoder.init_state(memory, final, src_mask)

    def forward(self, src: torch.Tensor, src_lengths: torch.Tensor, tgt_in: torch.Tensor) -> torch.Tensor:
        _check_tokens(src, "src", where="EncoderDecoder")
        _check_tokens(tgt_in, "tgt_in", where="EncoderDecoder")
        if tgt_in.shape[0] != src.shape[0]:
            raise ValueError(f"EncoderDecoder: 배치 크기 B가 맞지 않습니다. src (B, S) = {tuple(src.shape)}, "
                             f"tgt_in (B, T) = {tuple(tgt_in.shape)}. 둘 다 batch_first라서 B는 첫 번째 축입니다")
        state = self.start(src, src_lengths)
        logits, _ = self.decoder(tgt_in, state)  # (B, T, V)
        return logits


def masked_cross_entropy(logits: torch.Tensor, target: torch.Tensor, pad_id: int = PAD_ID) -> torch.Tensor:
    """Mean cross-entropy over the real (non-``pad_id``) target positions only. (7장)

    ``logits`` ``(B, T, V)`` (float), ``target`` ``(B, T)`` (long). On valid input the same as
    ``F.cross_entropy(logits.transpose(1, 2), target, ignore_index=pad_id)``, for any ``pad_id``
    (``-100`` included); written out so that the mask is visible. Padded positions are zeroed
    *before* the softmax, so a padded position adds nothing to the sum, nothing to the count,
    and no gradient, whatever its logits hold (``±inf`` or NaN included). A real target must be
    an id in ``[0, V)``.
    """
    if not isinstance(logits, torch.Tensor) or logits.dim() != 3 or not logits.is_floating_point():
        raise ValueError(expected_message("masked_cross_entropy", "logits", "모양 (B, T, V)인 실수형(float) 텐서",
                                          describe(logits)))
    if not isinstance(target, torch.Tensor) or target.dtype != torch.long or target.shape != logits.shape[:2]:
        raise ValueError(expected_message("masked_cross_entropy", "target",
                                          f"모양 (B, T) = {tuple(logits.shape[:2])}인 LongTensor(torch.long)",
                                          describe(target)))
    pad_id = check_int(pad_id, "pad_id", where="masked_cross_entropy")  # any int: -100 too
    mask = target != pad_id  # (B, T)
    if not mask.any():
        raise ValueError(f"masked_cross_entropy: target에 pad_id={pad_id}만 있어 손실을 계산할 위치가 없습니다")
    V = logits.shape[-1]
    real_target = target[mask]  # (N,)
    if bool(((real_target < 0) | (real_target >= V)).any()):
        bad = real_target[(real_target < 0) | (real_target >= V)][0].item()
        raise ValueError(f"masked_cross_entropy: target의 진짜(패딩이 아닌) 위치에 {josa(f'id {bad}', '이')} 있습니다. "
                         f"id는 [0, V={V}) 안에 있거나 {josa(f'pad_id={pad_id}', '과')} 같아야 합니다")
    # padded rows are replaced by zeros *before* the softmax, so whatever they held (inf, NaN)
    # never enters a sum; their gradient is zero
    safe = logits.masked_fill(~mask.unsqueeze(-1), 0.0)  # (B, T, V)
    logp = F.log_softmax(safe, dim=-1)  # (B, T, V)
    index = target.masked_fill(~mask, 0).unsqueeze(-1)  # (B, T, 1): any pad_id, -100 included
    nll = -logp.gather(-1, index).squeeze(-1)  # (B, T): finite at padded positions
    return (nll * mask).sum() / mask.sum()


class GreedyResult(NamedTuple):
    tokens: torch.Tensor  # (B, T'): generated ids, the <eos> if produced, then pad_id
    finished: torch.Tensor  # (B,) bool: produced <eos> within max_len
    attention: torch.Tensor | None  # (B, T', S) when the decoder attends, else None


@torch.no_grad()
def greedy_decode(model: EncoderDecoder, src: torch.Tensor, src_lengths: torch.Tensor, *, max_len: int,
                  sos_id: int = SOS_ID, eos_id: int = EOS_ID, pad_id: int = PAD_ID) -> GreedyResult:
    """Greedy decoding for a whole batch; each sequence stops at its own ``<eos>``. (7장)

    Every sequence starts from ``<sos>`` (a ``(B, 1)`` tensor made on ``src.device``); at each
    step the argmax is fed back. Once a sequence has produced ``<eos>``, its later positions are
    ``pad_id`` (its row is finished even though the batch runs on). The loop ends when every
    sequence is finished or after ``max_len`` steps.
    """
    _check_tokens(src, "src", where="greedy_decode")
    if isinstance(max_len, bool) or not isinstance(max_len, (int, np.integer)) or max_len < 1:
        raise ValueError(expected_message("greedy_decode", "max_len", "1 이상의 정수(int)", describe(max_len)))
    max_len = int(max_len)
    if not isinstance(model, EncoderDecoder):
        raise TypeError(expected_message("greedy_decode", "model", "EncoderDecoder 모델", _given(model)))
    for name, v in (("sos_id", sos_id), ("eos_id", eos_id), ("pad_id", pad_id)):
        check_int(v, name, minimum=0, where="greedy_decode")
    V = getattr(model.decoder, "vocab_size", None)
    if isinstance(V, int):
        for name, v in (("sos_id", sos_id), ("eos_id", eos_id), ("pad_id", pad_id)):
            if v >= V:
                raise ValueError(expected_message("greedy_decode", name, f"디코더 어휘의 범위 [0, vocab_size={V}) 안의 id",
                                                  v))
    if eos_id == pad_id or sos_id == pad_id:
        raise ValueError("greedy_decode: 시작 토큰(sos_id)과 끝 토큰(eos_id)의 id는 패딩 토큰(pad_id)의 id와 "
                         f"달라야 합니다. 받은 값: sos_id={sos_id}, eos_id={eos_id}, pad_id={pad_id}")
    was_training = model.training
    model.eval()
    B = src.shape[0]
    state = model.start(src, src_lengths)
    y = torch.full((B, 1), sos_id, dtype=torch.long, device=src.device)  # (B, 1)
    done = torch.zeros(B, dtype=torch.bool, device=src.device)  # (B,)
    tokens, attn = [], []
    for _ in range(max_len):
        logits, state = model.decoder(y, state)  # (B, 1, V)
        nxt = logits[:, -1].argmax(-1)  # (B,)
        nxt = torch.where(done, torch.full_like(nxt, pad_id), nxt)  # (B,): finished rows emit padding
        tokens.append(nxt)
        if "attention" in state:
            attn.append(state["attention"][:, -1])  # (B, S)
        done = done | (nxt == eos_id)  # (B,)
        y = nxt.unsqueeze(1)  # (B, 1)
        if bool(done.all()):
            break
    model.train(was_training)
    out = torch.stack(tokens, dim=1)  # (B, T')
    return GreedyResult(out, done, torch.stack(attn, dim=1) if attn else None)


def free_running_logits(model: EncoderDecoder, src: torch.Tensor, src_lengths: torch.Tensor, steps: int, *,
                        sos_id: int = SOS_ID) -> torch.Tensor:
    """Training WITHOUT teacher forcing: the decoder reads its own (detached) argmax of the previous
    step instead of the true previous token. Returns logits ``(B, steps, V)`` to compare with
    ``tgt_out`` of width ``steps``. Slower than teacher forcing (one decoder call per step). (7장)"""
    _check_tokens(src, "src", where="free_running_logits")
    if not isinstance(model, EncoderDecoder):
        raise TypeError(expected_message("free_running_logits", "model", "EncoderDecoder 모델", _given(model)))
    steps = check_int(steps, "steps", minimum=1, where="free_running_logits")
    sos_id = check_int(sos_id, "sos_id", minimum=0, where="free_running_logits")
    state = model.start(src, src_lengths)
    y = torch.full((src.shape[0], 1), sos_id, dtype=torch.long, device=src.device)  # (B, 1)
    outs = []
    for _ in range(steps):
        logits, state = model.decoder(y, state)  # (B, 1, V)
        outs.append(logits)
        y = logits.argmax(-1).detach()  # (B, 1): its own guess becomes the next input
    return torch.cat(outs, dim=1)  # (B, steps, V)


def _pad_to(x: torch.Tensor, width: int, pad_id: int) -> torch.Tensor:
    if x.shape[1] >= width:
        return x[:, :width]
    return F.pad(x, (0, width - x.shape[1]), value=pad_id)  # (B, width)


def _check_pair(pred, target, name: str) -> None:
    for arg, x in (("pred", pred), ("target", target)):
        _check_tokens(x, arg, where=name)
    if pred.shape[0] != target.shape[0]:
        raise ValueError(f"{name}: 배치 크기 B가 맞지 않습니다. pred: B={pred.shape[0]}, target: B={target.shape[0]}")
    if pred.device != target.device:
        raise ValueError(f"{name}: pred, target의 장치(device)가 다릅니다. pred: {pred.device}, "
                         f"target: {target.device}. 한 장치로 옮겨야 합니다")


def exact_match(pred: torch.Tensor, target: torch.Tensor, pad_id: int = PAD_ID) -> torch.Tensor:
    """Per sequence, True when ``pred`` equals ``target`` exactly (including ``<eos>``). (7장)

    Both are ``(B, ·)`` rows of ids ending in ``<eos>`` then ``pad_id``; they may have different
    widths (the shorter is padded). Returns a bool tensor ``(B,)``; ``.float().mean()`` is the
    exact-match accuracy.
    """
    _check_pair(pred, target, "exact_match")
    check_int(pad_id, "pad_id", where="exact_match")
    width = max(pred.shape[1], target.shape[1])
    return (_pad_to(pred, width, pad_id) == _pad_to(target, width, pad_id)).all(dim=1)  # (B,)


def token_accuracy(pred: torch.Tensor, target: torch.Tensor, pad_id: int = PAD_ID) -> float:
    """Share of real target positions (``target != pad_id``, ``<eos>`` included) where ``pred``
    has the same id at the same position. Padding in the target is never counted. (7장)"""
    _check_pair(pred, target, "token_accuracy")
    check_int(pad_id, "pad_id", where="token_accuracy")
    p = _pad_to(pred, target.shape[1], pad_id)  # (B, T)
    real = target != pad_id  # (B, T)
    if not real.any():
        raise ValueError(f"token_accuracy: target에 pad_id={pad_id}만 있어 정확도를 계산할 위치가 없습니다")
    return ((p == target) & real).sum().item() / real.sum().item()


def strip_eos(row: Sequence[int], eos_id: int = EOS_ID, pad_id: int = PAD_ID) -> list[int]:
    """The ids of one decoded row before its first ``<eos>`` (padding dropped). (7장)"""
    ids = check_ids(row, "row", allow_empty=True, where="strip_eos")
    check_int(eos_id, "eos_id", where="strip_eos")
    check_int(pad_id, "pad_id", where="strip_eos")
    out = []
    for i in ids:
        if i == eos_id:
            break
        if i != pad_id:
            out.append(i)
    return out
