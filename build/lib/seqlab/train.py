"""A small, explicit training loop, accuracy, and the long-dependency experiment of chapters 3-4."""
from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from .repro import progress

__all__ = ["fit", "accuracy", "set_remember_bias", "long_dependency_experiment", "count_parameters"]


def fit(model: nn.Module, make_batch: Callable[[int], tuple], loss_fn: Callable, *, steps: int,
        lr: float = 1e-2, desc: str = "학습", clip: float | None = 1.0) -> list[float]:
    """Train with Adam for ``steps`` steps; returns the loss of every step.

    ``make_batch(step)`` returns the model's inputs and the target as a tuple ``(*inputs, target)``;
    ``loss_fn(output, target)`` gives the loss. Gradients are clipped to norm ``clip``.
    """
    if steps < 1:
        raise ValueError(f"steps must be positive, got {steps}")
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    for step in progress(range(steps), desc=desc):
        *inputs, target = make_batch(step)
        loss = loss_fn(model(*inputs), target)
        opt.zero_grad()
        loss.backward()
        if clip is not None:
            nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        losses.append(loss.item())
    model.eval()
    return losses


@torch.no_grad()
def accuracy(logits: torch.Tensor, target: torch.Tensor, ignore_index: int = -100) -> float:
    """Share of correct argmax predictions; positions whose target is ``ignore_index`` don't count."""
    if logits.shape[:-1] != target.shape:
        raise ValueError(f"logits {tuple(logits.shape)} must be target {tuple(target.shape)} plus a class axis")
    keep = target != ignore_index
    if not keep.any():
        raise ValueError("no position to score: every target is ignore_index")
    return (logits.argmax(-1)[keep] == target[keep]).float().mean().item()


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def set_remember_bias(rnn: nn.Module, value: float) -> None:
    """Start a gated RNN out "remembering": put ``value`` into the bias of the LSTM forget gate
    (or the GRU update gate), split evenly between ``bias_ih`` and ``bias_hh``.

    With PyTorch's default initialisation these gates start near 0.5, so a cell keeps only about
    half of its state per step at first; a bias of +1 makes it keep about 73% (Gers et al. 2000,
    Jozefowicz et al. 2015).
    """
    if isinstance(rnn, nn.LSTM):
        gate = 1  # i, f, g, o
    elif isinstance(rnn, nn.GRU):
        gate = 1  # r, z, n
    else:
        raise TypeError(f"set_remember_bias needs an nn.LSTM or nn.GRU, got {type(rnn).__name__}")
    d_h = rnn.hidden_size
    with torch.no_grad():
        for name, p in rnn.named_parameters():
            if name.startswith("bias_"):
                p[gate * d_h:(gate + 1) * d_h].fill_(value / 2)


def long_dependency_experiment(kind: str, lengths: list[int], *, steps: int = 300, batch_size: int = 64,
                               d_h: int = 32, lr: float = 1e-2, seed: int = 0, test_size: int = 512,
                               remember_bias: float | None = None) -> dict[int, float]:
    """Train a fresh classifier on :func:`seqlab.tasks.first_token_task` for each length; return
    ``{length: test accuracy}``. Chance is 0.5. ``remember_bias`` is passed to
    :func:`set_remember_bias` (LSTM and GRU only)."""
    from .models import SequenceClassifier
    from .tasks import first_token_task

    results = {}
    for length in lengths:
        torch.manual_seed(seed)
        g = torch.Generator().manual_seed(seed)
        model = SequenceClassifier(10, 2, kind=kind, d_w=8, d_h=d_h)
        if remember_bias is not None:
            set_remember_bias(model.rnn, remember_bias)
        full = torch.full((batch_size,), length)  # (B,): no padding in this task

        def make_batch(step):
            x, y = first_token_task(batch_size, length, generator=g)  # (B, T), (B,)
            return x, full, y

        fit(model, make_batch, nn.functional.cross_entropy, steps=steps, lr=lr,
            desc=f"{kind.upper()} T={length}")
        x, y = first_token_task(test_size, length, generator=torch.Generator().manual_seed(seed + 1))
        results[length] = accuracy(model(x, torch.full((test_size,), length)), y)
    return results
