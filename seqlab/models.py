"""Recurrent cells written from scratch, and the small models chapters 3-4 train.

The scratch cells keep PyTorch's parameter names and layouts (``weight_ih``, ``weight_hh``,
``bias_ih``, ``bias_hh``; gates stacked in PyTorch's order), so ``cell.load_state_dict(
nn_cell.state_dict())`` copies an ``nn.RNNCell``/``nn.LSTMCell``/``nn.GRUCell`` exactly and the
two can be compared number for number.
"""
from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from .validation import check_bool, check_choice, check_dtype_matches, check_int, check_lengths, check_number, check_tensor, describe, \
    expected_message, josa

__all__ = ["ScratchRNNCell", "ScratchLSTMCell", "ScratchGRUCell", "unroll", "last_real_state",
           "SequenceClassifier", "SequenceTagger", "make_rnn"]


def _check_tensor(x, name: str, dim: int, layout: str, *, where: str | None = None) -> torch.Tensor:
    return check_tensor(x, name, ndim=dim, layout=layout, nonempty=False, where=where)


def _check_lengths_for(lengths, batch_size: int, max_len: int, *, batch_first: bool = True,
                       where: str | None = None) -> torch.Tensor:
    """Lengths as a tensor, list or NumPy array of ints: shape (B,), each in 1..L. Returns a CPU LongTensor."""
    return check_lengths(lengths, batch_size=batch_size, max_len=max_len, cpu=True, where=where,
                         layout_hint=f". batch의 모양이 (B, L)(batch_first={batch_first})인지 확인해야 합니다")


class _ScratchCell(nn.Module):
    gates = 1

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        input_size = check_int(input_size, "input_size", minimum=1, where=type(self).__name__)
        hidden_size = check_int(hidden_size, "hidden_size", minimum=1, where=type(self).__name__)
        self.input_size, self.hidden_size = input_size, hidden_size
        g = self.gates * hidden_size
        self.weight_ih = nn.Parameter(torch.empty(g, input_size))  # (gates*d_h, d_in)
        self.weight_hh = nn.Parameter(torch.empty(g, hidden_size))  # (gates*d_h, d_h)
        self.bias_ih = nn.Parameter(torch.empty(g))  # (gates*d_h,)
        self.bias_hh = nn.Parameter(torch.empty(g))  # (gates*d_h,)
        bound = 1 / math.sqrt(hidden_size)  # PyTorch's initialisation
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def _check(self, x: torch.Tensor, h: torch.Tensor) -> None:
        where = f"{type(self).__name__}.forward"
        d_in, d_h = self.input_size, self.hidden_size
        if not isinstance(x, torch.Tensor):
            raise TypeError(expected_message(where, "x", f"모양 (B, {d_in})인 텐서(torch.Tensor)", describe(x)))
        if not isinstance(h, torch.Tensor):
            raise TypeError(expected_message(where, "h", f"모양 (B, {d_h})인 텐서(torch.Tensor)", describe(h)))
        if not x.is_floating_point():
            raise TypeError(f"{where}: x의 자료형(dtype)은 실수형(예: torch.float32)이어야 합니다(임베딩된 입력). "
                            f"받은 자료형: {x.dtype}")
        if x.dim() != 2 or x.shape[1] != d_in:
            raise ValueError(f"{where}: x의 모양(shape)이 맞지 않습니다. 필요한 모양: (B, {d_in}), "
                             f"받은 모양: {tuple(x.shape)}")
        if x.shape[0] == 0:
            raise ValueError(f"{where}: x의 배치가 비어 있습니다(모양 {tuple(x.shape)}). 필요한 모양: (B, {d_in}), "
                             "B >= 1")
        if not h.is_floating_point():
            raise TypeError(f"{where}: h의 자료형(dtype)은 실수형(예: torch.float32)이어야 합니다(모양 (B, {d_h})). "
                            f"받은 자료형: {h.dtype}")
        if h.shape != (x.shape[0], d_h):
            raise ValueError(f"{where}: h의 모양(shape)이 맞지 않습니다. 필요한 모양: (B, {d_h}) = ({x.shape[0]}, {d_h}), "
                             f"받은 모양: {tuple(h.shape)}")
        check_dtype_matches(x, "x", self, where=where)
        check_dtype_matches(h, "h", self, where=where)


class ScratchRNNCell(_ScratchCell):
    """h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)."""

    def forward(self, x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        self._check(x, h)
        return torch.tanh(x @ self.weight_ih.T + self.bias_ih + h @ self.weight_hh.T + self.bias_hh)  # (B, d_h)


class ScratchLSTMCell(_ScratchCell):
    """The LSTM cell; gates in PyTorch's order: input i, forget f, candidate g, output o."""

    gates = 4

    def forward(self, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor]):
        where = "ScratchLSTMCell.forward"
        if not isinstance(state, (tuple, list)) or len(state) != 2:
            raise TypeError(expected_message(where, "state", f"모양 (B, {self.hidden_size})인 텐서 두 개의 튜플 (h, c)",
                                             describe(state)))
        h, c = state
        self._check(x, h)
        if not isinstance(c, torch.Tensor):
            raise TypeError(expected_message(where, "c", f"모양 (B, {self.hidden_size})인 텐서(torch.Tensor)",
                                             describe(c)))
        if not c.is_floating_point():
            raise TypeError(f"{where}: c의 자료형(dtype)은 실수형(예: torch.float32)이어야 합니다(모양 (B, {self.hidden_size})). "
                            f"받은 자료형: {c.dtype}")
        check_dtype_matches(c, "c", self, where=where)
        if c.shape != h.shape:
            raise ValueError(f"{where}: c의 모양(shape)은 {josa(f'h의 모양 {tuple(h.shape)}', '과')} 같아야 합니다. "
                             f"받은 모양: {tuple(c.shape)}")
        z = x @ self.weight_ih.T + self.bias_ih + h @ self.weight_hh.T + self.bias_hh  # (B, 4*d_h)
        i, f, g, o = z.chunk(4, dim=1)  # each (B, d_h)
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        c_new = f * c + i * g  # (B, d_h)
        h_new = o * torch.tanh(c_new)  # (B, d_h)
        return h_new, c_new


class ScratchGRUCell(_ScratchCell):
    """The GRU cell; gates in PyTorch's order: reset r, update z, candidate n."""

    gates = 3

    def forward(self, x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        self._check(x, h)
        gx = x @ self.weight_ih.T + self.bias_ih  # (B, 3*d_h)
        gh = h @ self.weight_hh.T + self.bias_hh  # (B, 3*d_h)
        xr, xz, xn = gx.chunk(3, dim=1)
        hr, hz, hn = gh.chunk(3, dim=1)
        r = torch.sigmoid(xr + hr)  # (B, d_h)
        z = torch.sigmoid(xz + hz)  # (B, d_h)
        n = torch.tanh(xn + r * hn)  # (B, d_h): the reset gate scales the hidden part only
        return (1 - z) * n + z * h  # (B, d_h)


def unroll(cell: nn.Module, x: torch.Tensor, state=None, *, batch_first: bool = True):
    """Run a cell over every time step of ``x``.

    ``x`` is ``(B, L, d_in)`` if ``batch_first`` else ``(L, B, d_in)``. Returns
    ``(outputs, last_state)`` with outputs ``(B, L, d_h)`` (or ``(L, B, d_h)``); the state is
    ``h`` or ``(h, c)`` for an LSTM cell.
    """
    if isinstance(cell, nn.RNNBase):
        raise TypeError(expected_message("unroll", "cell", "한 시간 단계씩 계산하는 순환 셀(nn.RNNCell, ScratchRNNCell 등)",
                                         f"{type(cell).__name__} 모듈") + ". nn.RNN/nn.LSTM/nn.GRU는 이미 시퀀스 "
                        "전체를 펼쳐서 계산하므로 그대로 호출해야 합니다")
    if not isinstance(cell, nn.Module) or not hasattr(cell, "hidden_size"):
        raise TypeError(expected_message("unroll", "cell", "순환 셀 모듈(nn.RNNCell, ScratchRNNCell 등)",
                                         describe(cell)))
    layout = "(B, L, d_in)(batch_first) 또는 (L, B, d_in)"
    _check_tensor(x, "x", 3, layout, where="unroll")
    check_bool(batch_first, "batch_first", where="unroll")
    check_tensor(x, "x", layout=layout, where="unroll")
    d_in = getattr(cell, "input_size", None)
    if isinstance(d_in, int) and x.shape[2] != d_in:
        raise ValueError(f"unroll: x의 마지막 축의 크기(특성 수)는 "
                         f"{josa(f'd_in = cell.input_size = {d_in}', '이어야')} 합니다. 받은 모양: {tuple(x.shape)}")
    if not x.is_floating_point():
        raise TypeError(f"unroll: x의 자료형(dtype)은 실수형(예: torch.float32)이어야 합니다(임베딩된 입력). "
                        f"받은 자료형: {x.dtype}")
    check_dtype_matches(x, "x", cell, where="unroll")
    xs = x if batch_first else x.transpose(0, 1)  # (B, L, d_in)
    B = xs.shape[0]
    lstm = isinstance(cell, (ScratchLSTMCell, nn.LSTMCell))
    if lstm and state is not None and not (isinstance(state, (tuple, list)) and len(state) == 2):
        raise TypeError(expected_message("unroll", "state", f"LSTM 셀의 (h, c) 튜플(둘 다 모양 (B, {cell.hidden_size}))",
                                         describe(state)))
    if state is None:
        zeros = xs.new_zeros(B, cell.hidden_size)  # (B, d_h)
        state = (zeros, zeros.clone()) if lstm else zeros
    outs = []
    for t in range(xs.shape[1]):
        state = cell(xs[:, t], state)
        outs.append(state[0] if lstm else state)  # (B, d_h)
    out = torch.stack(outs, dim=1)  # (B, L, d_h)
    return (out if batch_first else out.transpose(0, 1)), state


def last_real_state(outputs: torch.Tensor, lengths: torch.Tensor, *, batch_first: bool = True) -> torch.Tensor:
    """Each sequence's output at its last real (unpadded) step: ``(B, d)``. (2장, 3장)

    ``lengths`` may be a tensor, a list or a NumPy array of ints in ``1..L``.
    """
    where = "last_real_state"
    _check_tensor(outputs, "outputs", 3, "(B, L, d)(batch_first) 또는 (L, B, d)", where=where)
    check_bool(batch_first, "batch_first", where=where)
    out = outputs if batch_first else outputs.transpose(0, 1)  # (B, L, d)
    lengths = check_lengths(lengths, cpu=True, where=where)
    if lengths.shape != (out.shape[0],):
        raise ValueError(f"{where}: lengths의 모양(shape)이 맞지 않습니다. 필요한 모양: (B,) = ({out.shape[0]},), "
                         f"받은 모양: {tuple(lengths.shape)}. batch_first={batch_first}가 맞는지 확인해야 합니다")
    if (lengths > out.shape[1]).any():
        raise ValueError(f"{where}: lengths의 길이는 1 이상 L={out.shape[1]}(outputs의 길이) 이하여야 합니다. "
                         f"받은 값: {lengths.tolist()}")
    lengths = lengths.to(out.device)
    idx = (lengths - 1).view(-1, 1, 1).expand(-1, 1, out.shape[2])  # (B, 1, d)
    return out.gather(1, idx).squeeze(1)  # (B, d)


def _one_of(choices) -> str:
    return ", ".join(repr(c) for c in choices) + " 중 하나"


def make_rnn(kind: str, input_size: int, hidden_size: int, **kwargs) -> nn.Module:
    """``nn.RNN``, ``nn.LSTM`` or ``nn.GRU`` by name, always ``batch_first=True``."""
    kinds = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
    if not isinstance(kind, str) or kind not in kinds:
        raise ValueError(expected_message("make_rnn", "kind", _one_of(sorted(kinds)), repr(kind)))
    if "batch_first" in kwargs:
        raise TypeError("make_rnn: 이 함수는 언제나 batch_first=True를 씁니다. batch_first는 인자로 넘기지 않아야 "
                        f"합니다. 받은 값: batch_first={kwargs['batch_first']!r}")
    input_size = check_int(input_size, "input_size", minimum=1, where="make_rnn")
    hidden_size = check_int(hidden_size, "hidden_size", minimum=1, where="make_rnn")
    allowed = {"num_layers", "bias", "dropout", "bidirectional", "device", "dtype"} \
        | ({"nonlinearity"} if kind == "rnn" else set()) | ({"proj_size"} if kind == "lstm" else set())
    unknown = sorted(set(kwargs) - allowed)
    if unknown:
        raise TypeError(expected_message("make_rnn", "추가 인자(**kwargs)", f"{', '.join(sorted(allowed))} 중 하나",
                                         ", ".join(unknown)))
    if "num_layers" in kwargs:
        kwargs["num_layers"] = check_int(kwargs["num_layers"], "num_layers", minimum=1, where="make_rnn")
    if "proj_size" in kwargs:
        kwargs["proj_size"] = check_int(kwargs["proj_size"], "proj_size", minimum=0, where="make_rnn")
    for name in ("bias", "bidirectional"):
        if name in kwargs:
            check_bool(kwargs[name], name, where="make_rnn")
    if "dropout" in kwargs:
        kwargs["dropout"] = check_number(kwargs["dropout"], "dropout", minimum=0, maximum=1, where="make_rnn")
    if "nonlinearity" in kwargs:
        check_choice(kwargs["nonlinearity"], "nonlinearity", ("tanh", "relu"), where="make_rnn")
    return kinds[kind](input_size, hidden_size, batch_first=True, **kwargs)


class _EmbedRecurrentHead(nn.Module):
    """Embedding -> RNN/LSTM/GRU (``batch_first``) -> linear head: the layers both models share.

    With ``bidirectional=True`` the recurrent layer reads both ways and the head sees
    ``2 * d_h`` features; such a model must always be given the lengths, so that the
    backward direction starts at each sequence's last real token (3장).
    """

    def __init__(self, vocab_size: int, num_classes: int, *, kind: str = "rnn", d_w: int = 16,
                 d_h: int = 32, pad_id: int = 0, bidirectional: bool = False):
        super().__init__()
        where = type(self).__name__
        vocab_size = check_int(vocab_size, "vocab_size", minimum=1, where=where)
        num_classes = check_int(num_classes, "num_classes", minimum=1, where=where)
        d_w = check_int(d_w, "d_w", minimum=1, where=where)
        d_h = check_int(d_h, "d_h", minimum=1, where=where)
        pad_id = check_int(pad_id, "pad_id", minimum=0, where=where)
        if pad_id >= vocab_size:
            raise ValueError(expected_message(where, "pad_id", f"0..vocab_size-1 = 0..{vocab_size - 1} 범위의 정수",
                                              str(pad_id)))
        if not isinstance(bidirectional, bool):
            raise TypeError(expected_message(where, "bidirectional", "True 또는 False(bool)", describe(bidirectional)))
        if not isinstance(kind, str) or kind not in ("rnn", "lstm", "gru"):
            raise ValueError(expected_message(where, "kind", _one_of(["gru", "lstm", "rnn"]), repr(kind)))
        self.vocab_size, self.pad_id, self.bidirectional = vocab_size, pad_id, bidirectional
        self.embedding = nn.Embedding(vocab_size, d_w, padding_idx=pad_id)
        self.rnn = make_rnn(kind, d_w, d_h, bidirectional=bidirectional)
        self.head = nn.Linear(d_h * (2 if bidirectional else 1), num_classes)

    def _check_batch(self, batch) -> None:
        where, layout = f"{type(self).__name__}.forward", "(B, L), batch_first인 토큰 id"
        _check_tensor(batch, "batch", 2, layout, where=where)
        if batch.is_floating_point() or batch.dtype == torch.bool:
            raise TypeError(f"{where}: batch의 자료형(dtype)은 정수형 토큰 id(torch.long)여야 합니다. "
                            f"받은 자료형: {batch.dtype}")
        check_tensor(batch, "batch", layout=layout, where=where)
        if batch.device != self.embedding.weight.device:
            dev = str(self.embedding.weight.device)
            raise ValueError(f"{where}: batch의 장치(device)가 모델과 다릅니다. 모델: {dev}, 받은 값: {describe(batch)}. "
                             f".to({dev!r})로 옮겨야 합니다")
        if batch.numel() and (int(batch.min()) < 0 or int(batch.max()) >= self.vocab_size):
            raise ValueError(f"{where}: batch의 토큰 id는 0..vocab_size-1 = 0..{self.vocab_size - 1} 범위에 있어야 "
                             f"합니다. 받은 값: 최솟값 {int(batch.min())}, 최댓값 {int(batch.max())}")

    def _packed_states(self, batch: torch.Tensor, lengths):
        """Run the recurrent layer over the packed batch: ``(outputs (B, L, num_dirs*d_h), h_n)``."""
        self._check_batch(batch)
        lengths = _check_lengths_for(lengths, batch.shape[0], batch.shape[1], where=f"{type(self).__name__}.forward")
        x = self.embedding(batch)  # (B, L, d_w)
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        packed_out, h_n = self.rnn(packed)  # h_n: (num_layers*num_dirs, B, d_h), or (h_n, c_n) for an LSTM
        out, _ = pad_packed_sequence(packed_out, batch_first=True, total_length=batch.shape[1])  # (B, L, num_dirs*d_h)
        return out, (h_n[0] if isinstance(h_n, tuple) else h_n)


class SequenceClassifier(_EmbedRecurrentHead):
    """Embedding -> RNN/LSTM/GRU over the packed batch -> linear layer on ``h_n`` of the top layer. (3장)

    ``forward(batch (B, L), lengths (B,)) -> logits (B, C)``; ``batch`` is ``batch_first``,
    ``lengths`` a tensor, list or NumPy array of ints in ``1..L``. Packing makes ``h_n`` each
    sequence's state at its last real token, whatever the padding. A bidirectional model
    concatenates the top layer's forward and backward ``h_n``: ``(B, 2*d_h)``.
    """

    def forward(self, batch: torch.Tensor, lengths) -> torch.Tensor:
        _, h_n = self._packed_states(batch, lengths)  # (num_layers*num_dirs, B, d_h)
        summary = torch.cat([h_n[-2], h_n[-1]], dim=1) if self.bidirectional else h_n[-1]  # (B, num_dirs*d_h)
        return self.head(summary)  # (B, C)


class SequenceTagger(_EmbedRecurrentHead):
    """Embedding -> RNN/LSTM/GRU -> a label for every time step: ``(B, L, C)``. (3장)

    ``forward(batch (B, L), lengths=None)``. A one-directional model may skip ``lengths``: it
    reads left to right, so the padding after a sequence cannot change its real positions. A
    bidirectional model needs ``lengths`` (its backward direction would otherwise start on the
    padding) and runs on the packed batch; its outputs at padded positions are zero.
    """

    def forward(self, batch: torch.Tensor, lengths=None) -> torch.Tensor:
        if lengths is None:
            if self.bidirectional:
                raise ValueError("SequenceTagger.forward: 양방향(bidirectional=True) 모델에는 lengths 인자가 "
                                 "필요합니다. 패킹하지 않으면 역방향 읽기가 패딩에서 시작해서 진짜 토큰의 출력이 모두 "
                                 "달라집니다. 받은 값: lengths=None")
            self._check_batch(batch)
            out, _ = self.rnn(self.embedding(batch))  # (B, L, d_h): a causal RNN, padding comes after
        else:
            out, _ = self._packed_states(batch, lengths)  # (B, L, num_dirs*d_h)
        return self.head(out)  # (B, L, C)
