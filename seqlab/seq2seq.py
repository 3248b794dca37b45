"""Encoder-decoder (seq2seq) models: batches, the interface, masked loss, greedy decoding, metrics.

Taught in 7장 (the interface, a bidirectional GRU encoder, a GRU decoder, teacher forcing, a loss
masked on padded targets, greedy batch decoding that stops per sequence at ``<eos>``); 8장 plugs
an attention decoder (:class:`seqlab.attention.AttentionDecoder`) into the same interface.

Every tensor is ``batch_first``: sources ``(B, S)``, targets ``(B, T)``, logits ``(B, T, V)``.
The reserved ids come from :mod:`seqlab.data` (``<pad>``=0, ``<sos>``=2, ``<eos>``=3) but every
function takes them as arguments, so nothing assumes ``pad_id == 0``.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import torch
from torch import nn
from torch.nn import functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from .data import EOS_ID, PAD_ID, SOS_ID, Vocab, lengths_to_mask, pad_sequences
from .validation import check_ids, check_int, check_lengths, check_module, check_tensor

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
        raise ValueError("make_seq2seq_batch: pairs must be a non-empty list of (source, target) token lists")
    for name, v in (("src_vocab", src_vocab), ("tgt_vocab", tgt_vocab)):
        if not isinstance(v, Vocab):
            raise TypeError(f"make_seq2seq_batch: {name} must be a seqlab.data.Vocab, got {type(v).__name__}")
    sos, eos = tgt_vocab.sos_id, tgt_vocab.eos_id
    if sos is None or eos is None:
        raise ValueError("make_seq2seq_batch: the target vocabulary has no <sos>/<eos>; "
                         "build it with build_vocab(..., sos_eos=True)")
    for k, p in enumerate(pairs):
        if not (isinstance(p, (tuple, list)) and len(p) == 2):
            raise ValueError(f"make_seq2seq_batch: pair {k} must be (source tokens, target tokens), got {p!r}")
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


def _check_tokens(x, name: str, vocab_size: int | None = None) -> None:
    if not isinstance(x, torch.Tensor) or x.dtype != torch.long or x.dim() != 2:
        got = f"{x.dtype} tensor of shape {tuple(x.shape)}" if isinstance(x, torch.Tensor) else type(x).__name__
        raise ValueError(f"{name} must be a LongTensor of token ids with shape (B, L), batch_first; got {got}")
    if x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {tuple(x.shape)}); expected (B, L) with B, L >= 1")
    if vocab_size is not None:
        lo, hi = int(x.min()), int(x.max())
        if lo < 0 or hi >= vocab_size:
            raise ValueError(f"{name} holds id {lo if lo < 0 else hi} outside [0, vocab_size={vocab_size})")


def _check_sizes(where: str, vocab_size, d_w, d_h, pad_id) -> None:
    check_int(vocab_size, "vocab_size", minimum=1, where=where)
    check_int(d_w, "d_w", minimum=1, where=where)
    check_int(d_h, "d_h", minimum=1, where=where)
    pad_id = check_int(pad_id, "pad_id", minimum=0, where=where)
    if pad_id >= vocab_size:
        raise ValueError(f"{where}: pad_id must lie in [0, vocab_size={vocab_size}), got {pad_id}")


def _same_device(where: str, x: torch.Tensor, name: str, module: nn.Module) -> None:
    w = next(module.parameters()).device
    if x.device != w:
        raise ValueError(f"{where}: {name} is on {x.device} but the model is on {w}; move it with .to(device)")


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
            raise ValueError(f"d_h must be even (two directions of d_h // 2), got {d_h}")
        self.d_h, self.vocab_size = d_h, vocab_size
        self.embedding = nn.Embedding(vocab_size, d_w, padding_idx=pad_id)
        self.rnn = nn.GRU(d_w, d_h // 2, batch_first=True, bidirectional=True)

    def forward(self, src: torch.Tensor, src_lengths: torch.Tensor):
        _check_tokens(src, "src")
        _same_device("GRUEncoder", src, "src", self)
        _check_tokens(src, "src", self.vocab_size)
        if isinstance(src_lengths, torch.Tensor) and src_lengths.dim() == 1 and not src_lengths.is_floating_point() \
                and src_lengths.shape != (src.shape[0],):
            raise ValueError(f"src_lengths must have shape (B,) = ({src.shape[0]},), got {tuple(src_lengths.shape)}")
        lengths = check_lengths(src_lengths, "src_lengths", batch_size=src.shape[0], max_len=src.shape[1],
                                cpu=True, where="GRUEncoder")
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
            raise ValueError(f"encoder final state has size {final.shape[-1]}, decoder expects d_h={self.d_h}")
        B = final.shape[0]
        check_tensor(memory, "memory", dtype="float", ndim=3, layout="(B, S, d_h)", where=where)
        check_tensor(src_mask, "src_mask", dtype="bool", ndim=2, layout="(B, S), True on real source tokens",
                     where=where)
        if memory.shape[0] != B or src_mask.shape != memory.shape[:2]:
            raise ValueError(f"{where}: final (B, d_h) = {tuple(final.shape)}, memory (B, S, d_h) = "
                             f"{tuple(memory.shape)} and src_mask (B, S) = {tuple(src_mask.shape)} disagree on B or S")
        return {"h": final.unsqueeze(0).contiguous(), "memory": memory, "src_mask": src_mask}  # h: (1, B, d_h)

    def readout(self, outputs: torch.Tensor, state: dict) -> torch.Tensor:
        return self.out(outputs)  # (B, T, V)

    def forward(self, tgt_in: torch.Tensor, state: dict):
        _check_tokens(tgt_in, "tgt_in")
        where = f"{type(self).__name__}.forward"
        _same_device(where, tgt_in, "tgt_in", self)
        _check_tokens(tgt_in, "tgt_in", self.vocab_size)
        if not isinstance(state, dict) or not isinstance(state.get("h"), torch.Tensor):
            raise TypeError(f"{where}: state must be the dict from init_state(memory, final, src_mask), "
                            f"got {type(state).__name__}")
        want = (1, tgt_in.shape[0], self.d_h)
        if tuple(state["h"].shape) != want:
            raise ValueError(f"{where}: state['h'] must have shape (1, B, d_h) = {want} for tgt_in of shape "
                             f"(B, T) = {tuple(tgt_in.shape)}, got {tuple(state['h'].shape)}; do the source and "
                             "target batches have the same B?")
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
        if not callable(getattr(decoder, "init_state", None)):
            raise TypeError("EncoderDecoder: decoder must follow the Decoder interface (init_state and forward), "
                            f"got {type(decoder).__name__}")
        self.encoder = encoder
        self.decoder = decoder

    def start(self, src: torch.Tensor, src_lengths: torch.Tensor) -> dict:
        """Encode the source and return the decoder's first state."""
        _check_tokens(src, "src")
        lengths = check_lengths(src_lengths, "src_lengths", batch_size=src.shape[0], max_len=src.shape[1],
                                cpu=True, where="EncoderDecoder")
        memory, final = self.encoder(src, src_lengths)  # (B, S, d_h), (B, d_h)
        src_mask = lengths_to_mask(lengths, src.shape[1]).to(src.device)  # (B, S), True = real
        return self.decoder.init_state(memory, final, src_mask)

    def forward(self, src: torch.Tensor, src_lengths: torch.Tensor, tgt_in: torch.Tensor) -> torch.Tensor:
        _check_tokens(src, "src")
        _check_tokens(tgt_in, "tgt_in")
        if tgt_in.shape[0] != src.shape[0]:
            raise ValueError(f"EncoderDecoder: src has B={src.shape[0]} rows but tgt_in has B={tgt_in.shape[0]}; "
                             "both are batch_first, (B, S) and (B, T)")
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
        raise ValueError(f"logits must be a float (B, T, V) tensor, got "
                         f"{getattr(logits, 'dtype', type(logits).__name__)} {tuple(getattr(logits, 'shape', ()))}")
    if not isinstance(target, torch.Tensor) or target.dtype != torch.long or target.shape != logits.shape[:2]:
        raise ValueError(f"target must be a LongTensor of shape (B, T) = {tuple(logits.shape[:2])}, "
                         f"got {getattr(target, 'dtype', type(target).__name__)} {tuple(getattr(target, 'shape', ()))}")
    if isinstance(pad_id, bool) or not isinstance(pad_id, int):
        raise TypeError(f"pad_id must be an int (any value, -100 included), got {pad_id!r}")
    mask = target != pad_id  # (B, T)
    if not mask.any():
        raise ValueError(f"target holds only pad_id={pad_id}; there is no position to score")
    V = logits.shape[-1]
    real_target = target[mask]  # (N,)
    if bool(((real_target < 0) | (real_target >= V)).any()):
        bad = real_target[(real_target < 0) | (real_target >= V)][0].item()
        raise ValueError(f"target holds id {bad} at a real position; ids must be in [0, V={V}) "
                         f"or equal pad_id={pad_id}")
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
    _check_tokens(src, "src")
    if isinstance(max_len, bool) or not isinstance(max_len, int) or max_len < 1:
        raise ValueError(f"max_len must be a positive int, got {max_len!r}")
    if not isinstance(model, EncoderDecoder):
        raise TypeError(f"greedy_decode: model must be an EncoderDecoder, got {type(model).__name__}")
    for name, v in (("sos_id", sos_id), ("eos_id", eos_id), ("pad_id", pad_id)):
        check_int(v, name, minimum=0, where="greedy_decode")
    V = getattr(model.decoder, "vocab_size", None)
    if isinstance(V, int):
        for name, v in (("sos_id", sos_id), ("eos_id", eos_id), ("pad_id", pad_id)):
            if v >= V:
                raise ValueError(f"greedy_decode: {name} must be an id in [0, vocab_size={V}) of the decoder, got {v}")
    if eos_id == pad_id or sos_id == pad_id:
        raise ValueError(f"greedy_decode: sos_id={sos_id}, eos_id={eos_id} and pad_id={pad_id} must differ")
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
    _check_tokens(src, "src")
    if not isinstance(model, EncoderDecoder):
        raise TypeError(f"free_running_logits: model must be an EncoderDecoder, got {type(model).__name__}")
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
        _check_tokens(x, f"{name}: {arg}")
    if pred.shape[0] != target.shape[0]:
        raise ValueError(f"{name}: pred has B={pred.shape[0]} rows but target has B={target.shape[0]}")
    if pred.device != target.device:
        raise ValueError(f"{name}: pred is on {pred.device} but target is on {target.device}")


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
        raise ValueError(f"token_accuracy: target holds only pad_id={pad_id}")
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
