"""A small, explicit training loop, accuracy, and the long-dependency experiment of chapters 3-4."""
from __future__ import annotations

import numbers
from collections.abc import Callable

import numpy as np

import torch
from torch import nn

from .repro import progress
from .validation import check_callable, check_int, check_module, check_number, check_positive, check_str, \
    check_tensor, describe, expected_message, josa

__all__ = ["fit", "accuracy", "set_remember_bias", "long_dependency_experiment", "count_parameters"]


def _to(value, device):
    return value.to(device) if isinstance(value, torch.Tensor) else value


def fit(model: nn.Module, make_batch: Callable[[int], tuple], loss_fn: Callable, *, steps: int,
        clip: float | None, lr: float = 1e-2, device: torch.device | str | None = None,
        desc: str = "학습") -> list[float]:
    """Train with Adam for ``steps`` steps; returns the loss of every step. (3장)

    ``make_batch(step)`` returns the model's inputs and the target as a tuple ``(*inputs, target)``;
    ``loss_fn(output, target)`` gives the loss. ``clip`` must always be given: a float clips the
    gradient norm to it before each step (``nn.utils.clip_grad_norm_``, taught in 3장), ``None``
    does not clip. ``device`` moves the model and every tensor of each batch there (lengths
    included; the models move them back to the CPU for packing).
    """
    check_module(model, "model", where="fit")
    check_callable(make_batch, "make_batch (make_batch(step) -> (*inputs, target))", where="fit")
    check_callable(loss_fn, "loss_fn (loss_fn(output, target) -> 스칼라 손실)", where="fit")
    steps = check_int(steps, "steps", minimum=1, where="fit")
    if clip is not None:
        clip = check_positive(clip, "clip", where="fit")  # None: no clipping
    check_positive(lr, "lr", where="fit")
    check_str(desc, "desc", where="fit")
    if device is not None:
        try:
            device = torch.device(device)
        except (TypeError, RuntimeError) as exc:
            raise ValueError(expected_message("fit", "device", "None 또는 장치(device) 이름('cpu', 'cuda' 등)이나 "
                                              "torch.device", describe(device))) from exc
    if not any(p.requires_grad for p in model.parameters()):
        raise ValueError(expected_message("fit", "model", "학습할 매개변수가 있는 모듈",
                                          f"학습할 매개변수가 하나도 없는 {type(model).__name__}"))
    if device is not None:
        model.to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    for step in progress(range(steps), desc=desc):
        batch = make_batch(step)
        if not isinstance(batch, (tuple, list)) or len(batch) < 2:
            raise TypeError(expected_message("fit", "make_batch(step)의 반환값", "입력이 하나 이상 든 튜플 (*inputs, target)",
                                             describe(batch)))
        *inputs, target = (_to(v, device) for v in batch) if device is not None else batch
        loss = loss_fn(model(*inputs), target)
        if not isinstance(loss, torch.Tensor) or loss.numel() != 1 or not loss.is_floating_point():
            raise TypeError(expected_message("fit", "loss_fn(output, target)의 반환값", "원소가 하나인 실수 텐서(스칼라 손실)",
                                             describe(loss)))
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
    """Share of correct argmax predictions; positions whose target is ``ignore_index`` don't count. (3장)"""
    if not isinstance(logits, torch.Tensor) or not isinstance(target, torch.Tensor):
        raise TypeError(f"accuracy: logits, target에는 둘 다 텐서(torch.Tensor)가 와야 합니다. 받은 값: "
                        f"logits {describe(logits)}; target {describe(target)}")
    if target.is_floating_point():
        raise TypeError(f"accuracy: target의 자료형(dtype)은 정수형 클래스 id(예: torch.long)여야 합니다. "
                        f"받은 자료형: {target.dtype}")
    check_tensor(target, "target", dtype="int", layout="(...), 클래스 id", where="accuracy")
    check_tensor(logits, "logits", ndim=range(1, 10), layout="(..., C)", where="accuracy")
    ignore_index = check_int(ignore_index, "ignore_index", where="accuracy")
    if logits.device != target.device:
        raise ValueError(f"accuracy: logits의 장치(device)와 target의 장치가 다릅니다. logits: {logits.device}, "
                         f"target: {target.device}")
    if logits.shape[:-1] != target.shape:
        want = "(" + "".join(f"{n}, " for n in target.shape) + "C)"
        raise ValueError(f"accuracy: logits의 모양(shape)이 target의 모양과 맞지 않습니다. 필요한 모양: {want}"
                         f"(target의 모양 {tuple(target.shape)} 뒤에 클래스 축 C), 받은 모양: {tuple(logits.shape)}")
    keep = target != ignore_index
    if not keep.any():
        raise ValueError(f"accuracy: 채점할 위치가 없습니다. target의 모든 값이 ignore_index={ignore_index}입니다")
    C = logits.shape[-1]
    real = target[keep]
    if bool(((real < 0) | (real >= C)).any()):
        bad = int(real[(real < 0) | (real >= C)][0])
        raise ValueError(f"accuracy: target의 클래스 id는 [0, C={C}) 범위에 있거나 ignore_index={ignore_index}여야 합니다. "
                         f"받은 값: {bad}")
    if logits.is_floating_point() and bool(torch.isnan(logits).any()):
        raise ValueError("accuracy: logits에 NaN이 들어 있습니다. NaN의 argmax는 정해지지 않습니다")
    return (logits.argmax(-1)[keep] == target[keep]).float().mean().item()


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters. (4장)"""
    check_module(model, "model", where="count_parameters")
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def set_remember_bias(rnn: nn.Module, value: float) -> None:
    """Start a gated RNN out "remembering": put ``value`` into the bias of the LSTM forget gate
    (or the GRU update gate), split evenly between ``bias_ih`` and ``bias_hh``.

    With PyTorch's default initialisation these gates start near 0.5, so a cell keeps only about
    half of its state per step at first. Gers et al. (2000) and Jozefowicz et al. (2015) recommend
    +1 for the LSTM forget gate (the gate then starts near 0.73); 4장 also tries +3 (about 0.95).
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(expected_message("set_remember_bias", "value", "실수(float)", describe(value)))
    value = check_number(value, "value", where="set_remember_bias")
    if isinstance(rnn, nn.LSTM):
        gate = 1  # i, f, g, o
    elif isinstance(rnn, nn.GRU):
        gate = 1  # r, z, n
    else:
        raise TypeError(expected_message("set_remember_bias", "rnn", "nn.LSTM 또는 nn.GRU 모듈", describe(rnn)))
    if not getattr(rnn, "bias", True):
        raise ValueError(f"set_remember_bias: 이 {josa(type(rnn).__name__, '은')} bias=False로 만들어져서 값을 넣을 "
                         "게이트 편향(bias)이 없습니다. bias=True(기본값)로 만들어야 합니다")
    d_h = rnn.hidden_size
    with torch.no_grad():
        for name, p in rnn.named_parameters():
            if name.startswith("bias_"):
                p[gate * d_h:(gate + 1) * d_h].fill_(value / 2)


def long_dependency_experiment(kind: str, lengths: list[int], *, clip: float | None, steps: int = 300,
                               batch_size: int = 64, d_h: int = 32, lr: float = 1e-2, seed: int = 0,
                               test_size: int = 512, remember_bias: float | None = None,
                               device: torch.device | str | None = None) -> dict[int, float]:
    """Train a fresh classifier on :func:`seqlab.tasks.first_token_task` for each length; return
    ``{length: test accuracy}``. Chance is 0.5. ``seed`` fixes both the initialisation and the
    training data; ``clip`` is passed to :func:`fit`. ``remember_bias`` is passed to
    :func:`set_remember_bias` (LSTM and GRU only). (3장, 4장)"""
    from .models import SequenceClassifier
    from .tasks import first_token_task

    where = "long_dependency_experiment"
    if isinstance(lengths, (int, str)) or not isinstance(lengths, (list, tuple)) or not lengths:
        raise TypeError(expected_message(where, "lengths", "정수 길이들의 비어 있지 않은 리스트", describe(lengths)))
    if clip is not None:
        check_positive(clip, "clip", where=where)
    check_positive(lr, "lr", where=where)
    steps = check_int(steps, "steps", minimum=1, where=where)
    d_h = check_int(d_h, "d_h", minimum=1, where=where)
    if remember_bias is not None:
        check_number(remember_bias, "remember_bias", where=where)
    lengths = [check_int(n, f"lengths[{k}]", minimum=1, where=where) for k, n in enumerate(lengths)]
    seed = check_int(seed, "seed", minimum=0, where=where)
    batch_size = check_int(batch_size, "batch_size", minimum=1, where=where)
    test_size = check_int(test_size, "test_size", minimum=1, where=where)
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

        fit(model, make_batch, nn.functional.cross_entropy, steps=steps, lr=lr, clip=clip, device=device,
            desc=f"{kind.upper()} T={length} 시드 {seed}")
        x, y = first_token_task(test_size, length, generator=torch.Generator().manual_seed(10_000 + seed))
        with torch.no_grad():
            logits = model(x.to(model.embedding.weight.device), torch.full((test_size,), length))
        results[length] = accuracy(logits.cpu(), y)
    return results
