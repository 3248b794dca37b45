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
from torch.nn.utils.rnn import pack_padded_sequence

__all__ = ["ScratchRNNCell", "ScratchLSTMCell", "ScratchGRUCell", "unroll", "last_real_state",
           "SequenceClassifier", "SequenceTagger", "make_rnn"]


class _ScratchCell(nn.Module):
    gates = 1

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        if input_size < 1 or hidden_size < 1:
            raise ValueError(f"input_size and hidden_size must be positive, got {input_size}, {hidden_size}")
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
        if x.dim() != 2 or x.shape[1] != self.input_size:
            raise ValueError(f"x must have shape (B, {self.input_size}), got {tuple(x.shape)}")
        if h.shape != (x.shape[0], self.hidden_size):
            raise ValueError(f"h must have shape (B, {self.hidden_size}) = ({x.shape[0]}, {self.hidden_size}), "
                             f"got {tuple(h.shape)}")


class ScratchRNNCell(_ScratchCell):
    """h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)."""

    def forward(self, x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        self._check(x, h)
        return torch.tanh(x @ self.weight_ih.T + self.bias_ih + h @ self.weight_hh.T + self.bias_hh)  # (B, d_h)


class ScratchLSTMCell(_ScratchCell):
    """The LSTM cell; gates in PyTorch's order: input i, forget f, candidate g, output o."""

    gates = 4

    def forward(self, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor]):
        h, c = state
        self._check(x, h)
        if c.shape != h.shape:
            raise ValueError(f"c must have the shape of h, {tuple(h.shape)}; got {tuple(c.shape)}")
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
    if x.dim() != 3:
        raise ValueError(f"x must be 3-D, (B, L, d_in) if batch_first else (L, B, d_in); got {tuple(x.shape)}")
    xs = x if batch_first else x.transpose(0, 1)  # (B, L, d_in)
    B = xs.shape[0]
    lstm = isinstance(cell, (ScratchLSTMCell, nn.LSTMCell))
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
    """Each sequence's output at its last real (unpadded) step: ``(B, d)``."""
    if outputs.dim() != 3:
        raise ValueError(f"outputs must be 3-D, (B, L, d) if batch_first else (L, B, d); got {tuple(outputs.shape)}")
    out = outputs if batch_first else outputs.transpose(0, 1)  # (B, L, d)
    lengths = torch.as_tensor(lengths, device=out.device).long()
    if lengths.shape != (out.shape[0],):
        raise ValueError(f"lengths must have shape (B,) = ({out.shape[0]},), got {tuple(lengths.shape)}; "
                         f"check batch_first={batch_first}")
    if (lengths < 1).any() or (lengths > out.shape[1]).any():
        raise ValueError(f"lengths must lie in 1..L={out.shape[1]}, got {lengths.tolist()}")
    idx = (lengths - 1).view(-1, 1, 1).expand(-1, 1, out.shape[2])  # (B, 1, d)
    return out.gather(1, idx).squeeze(1)  # (B, d)


def make_rnn(kind: str, input_size: int, hidden_size: int, **kwargs) -> nn.Module:
    """``nn.RNN``, ``nn.LSTM`` or ``nn.GRU`` by name, always ``batch_first=True``."""
    kinds = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
    if kind not in kinds:
        raise ValueError(f"kind must be one of {sorted(kinds)}, got {kind!r}")
    return kinds[kind](input_size, hidden_size, batch_first=True, **kwargs)


class _EmbedRecurrentHead(nn.Module):
    """Embedding -> RNN/LSTM/GRU (``batch_first``) -> linear head: the layers both models share."""

    def __init__(self, vocab_size: int, num_classes: int, *, kind: str = "rnn", d_w: int = 16,
                 d_h: int = 32, pad_id: int = 0):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, d_w, padding_idx=pad_id)
        self.rnn = make_rnn(kind, d_w, d_h)
        self.head = nn.Linear(d_h, num_classes)


class SequenceClassifier(_EmbedRecurrentHead):
    """Embedding -> RNN/LSTM/GRU over the packed batch -> linear layer on ``h_n`` of the top layer.

    Packing makes ``h_n`` each sequence's state at its last real token, whatever the padding.
    """

    def forward(self, batch: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        x = self.embedding(batch)  # (B, L, d_w)
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, h_n = self.rnn(packed)  # (num_layers, B, d_h), or a tuple (h_n, c_n) for an LSTM
        if isinstance(h_n, tuple):
            h_n = h_n[0]
        return self.head(h_n[-1])  # (B, C)


class SequenceTagger(_EmbedRecurrentHead):
    """Embedding -> RNN/LSTM/GRU -> a label for every time step: ``(B, L, C)``."""

    def forward(self, batch: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(self.embedding(batch))  # (B, L, d_h): a causal RNN, padding comes after
        return self.head(out)  # (B, L, C)
