"""A pretend accelerator for CPU-only machines: :class:`FakeDevice` finds tensors created without the
model's device.

On a GPU runtime a tensor made with ``torch.zeros(B)`` lives on the CPU while the model lives on
``cuda``, and the first operation that mixes them fails. On a CPU-only machine both are on the CPU and
the bug stays hidden. Inside ``with FakeDevice() as dev:`` the device ``dev.device`` (``cpu:0``, a
device object distinct from ``cpu``) plays the accelerator:

- ``x.to(dev.device)``, ``module.to(dev.device)`` and factories called with ``device=dev.device``
  (or with ``device=t.device`` of a tensor already there) put the result "on the device";
- results of an operation on a device tensor are on the device; ``.cpu()``/``.to("cpu")`` brings a copy back;
- an operation that mixes a device tensor with a CPU tensor of one or more dimensions raises
  :class:`DeviceMismatch`, as CUDA does (0-dimensional CPU tensors are allowed, as on CUDA; so are the
  CPU ``lengths``/``batch_sizes`` of packing and CPU index tensors, which CUDA accepts);
- ``.numpy()`` of a device tensor raises, as it does for a CUDA tensor.

The values are computed on the CPU as usual, so data-dependent loops (greedy decoding) run.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

FAKE = torch.device("cpu", 0)
_TAG = "_seqlab_on_fake_device"
# Functions whose CPU tensor arguments are legitimately CPU on a GPU runtime.
_PACKING = {"_pack_padded_sequence", "_pad_packed_sequence", "gru", "lstm", "rnn_tanh", "rnn_relu"}
_INDEXING = {"__getitem__", "__setitem__", "index_select"}


class DeviceMismatch(RuntimeError):
    """An operation mixed a tensor on the (pretend) device with a CPU tensor."""


def on_device(t) -> bool:
    return isinstance(t, torch.Tensor) and getattr(t, _TAG, False)


def _tag(t):
    if isinstance(t, torch.Tensor):
        try:
            setattr(t, _TAG, True)
        except (AttributeError, RuntimeError):
            pass
    elif isinstance(t, (tuple, list)):
        for x in t:
            _tag(x)
    return t


def _set_tag(t, value: bool) -> None:
    if value:
        _tag(t)
    elif on_device(t):
        setattr(t, _TAG, False)


def _tensors(obj, out):
    if isinstance(obj, torch.Tensor):
        out.append(obj)
    elif isinstance(obj, (tuple, list)):
        for x in obj:
            _tensors(x, out)
    elif isinstance(obj, dict):
        for x in obj.values():
            _tensors(x, out)
    return out


def _is_fake(device) -> bool:
    if device is None:
        return False
    if isinstance(device, str):
        device = torch.device(device)
    return isinstance(device, torch.device) and device == FAKE


def _name(func) -> str:
    return getattr(func, "__name__", "") or ""


class FakeDevice(TorchFunctionMode):
    """Context manager; see the module docstring. ``device`` is the pretend accelerator."""

    device = FAKE

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = _name(func)
        # the device property: a tensor on the pretend device reports it
        if getattr(func, "__self__", None) is torch.Tensor.device and name == "__get__":
            return FAKE if on_device(args[0]) else func(*args, **kwargs)
        if getattr(func, "__self__", None) is torch.Tensor.data and name == "__set__":
            out = func(*args, **kwargs)  # ``p.data = q`` (Module.to/.cpu): p is now where q is
            _set_tag(args[0], on_device(args[1]))
            return out
        if name == "_has_compatible_shallow_copy_type":  # Module._apply compares a tensor with its moved copy
            return func(*args, **kwargs)
        if name == "numpy" and args and on_device(args[0]):
            raise DeviceMismatch("can't convert a tensor on the device to numpy; call .cpu() first")
        # moving: .to / .cuda / .cpu
        if name in ("to", "cpu", "cuda") and args and isinstance(args[0], torch.Tensor):
            return self._move(name, args, kwargs, func)
        # factories and any call with an explicit device=
        if "device" in kwargs:
            fake = _is_fake(kwargs["device"])
            real_kwargs = {**kwargs, "device": "cpu"} if fake else kwargs
            out = func(*args, **real_kwargs)
            if fake:
                _tag(out)
            return out
        inputs = _tensors((args, kwargs), [])
        tagged = [on_device(t) for t in inputs]
        if any(tagged) and name not in _INDEXING:
            skip = self._allowed_cpu(name, args)
            for t, tg in zip(inputs, tagged):
                if not tg and t.dim() > 0 and not any(t is s for s in skip):
                    shapes = [f"{tuple(x.shape)}{' on device' if g else ' on cpu'}" for x, g in zip(inputs, tagged)]
                    raise DeviceMismatch(f"{name or func}: a CPU tensor {tuple(t.shape)} meets a tensor on the "
                                         f"device (arguments: {', '.join(shapes)}); create it with the model's "
                                         "device")
        out = func(*args, **kwargs)
        if any(tagged):
            _tag(out)
        return out

    @staticmethod
    def _allowed_cpu(name, args) -> list:
        if name in _PACKING:  # lengths / batch_sizes stay on the CPU on every device
            return [a for a in args if isinstance(a, torch.Tensor) and a.dtype == torch.int64 and a.dim() == 1]
        return []

    @staticmethod
    def _move(name, args, kwargs, func):
        t = args[0]
        if name == "cpu":
            target = torch.device("cpu")
        elif name == "cuda":
            target = FAKE
        else:
            if len(args) > 1 and isinstance(args[1], torch.Tensor):  # .to(other): other's device
                target = FAKE if on_device(args[1]) else torch.device("cpu")
            else:
                target = torch._C._nn._parse_to(*args[1:], **kwargs)[0]
        if target is None:  # dtype only: stays where it is
            out = func(*args, **kwargs)
            return _tag(out) if on_device(t) else out
        real_args, real_kwargs = list(args), dict(kwargs)
        if name == "to":
            real_args = [a if not isinstance(a, (torch.device, str)) else "cpu" for a in args]
            real_args = [a if not (isinstance(a, torch.Tensor) and k > 0) else a.to("cpu") for k, a in
                         enumerate(real_args)]
            if "device" in real_kwargs:
                real_kwargs["device"] = "cpu"
        with torch._C.DisableTorchFunction():
            out = t.to(*real_args[1:], **real_kwargs) if name == "to" else t
        if _is_fake(target):
            if on_device(t) or isinstance(t, nn.Parameter):
                return _tag(out)  # already there, or a module moving in place
            return _tag(out.clone() if out is t else out)  # a new tensor; the source stays on the CPU
        if on_device(t):  # back to the CPU
            if isinstance(t, nn.Parameter):  # a module moving in place
                _set_tag(t, False)
                return out
            return out.clone() if out is t else out  # a fresh copy; the original stays on the device
        return out
