"""Count-based language models over a stream of token ids: interpolated Kneser–Ney n-grams (5장).

The strongest *simple* baseline for a character-level language model is not a bigram but an
n-gram of higher order whose counts are smoothed and mixed with the lower orders. This module
holds one such model, interpolated Kneser–Ney (Kneser and Ney 1995; Chen and Goodman 1999) with
one absolute discount ``D`` for every order:

.. math::

    P_k(w \\mid h) = \\frac{\\max(c(h, w) - D, 0)}{c(h, \\cdot)}
                  + \\frac{D \\, N_{1+}(h, \\cdot)}{c(h, \\cdot)} \\, P_{k-1}(w \\mid h')

where ``h`` holds the ``k - 1`` previous tokens, ``h'`` drops its oldest token, ``c(h, ·)`` is
the total count after ``h`` and ``N_{1+}(h, ·)`` the number of different tokens seen after
``h``. At the highest order ``c`` is the raw count; at every lower order it is the *continuation*
count ``N_{1+}(· h w)`` (in how many different contexts ``h w`` was seen), which is what makes
Kneser–Ney better than plain absolute discounting. Below order 1 sits the uniform distribution
``1 / V``, so every token of the vocabulary has a probability > 0. A context never seen
(``c(h, ·) = 0``) hands its whole mass to the order below. With ``0 < D <= 1`` every
``P_k(· | h)`` sums to 1 over the vocabulary.

:class:`KneserNeyLM` counts once, up to ``max_order``; :meth:`KneserNeyLM.bits` then scores a
stream for every order and a given discount in one pass, so that order and discount can be
chosen on a validation text cheaply. Nothing here knows about Korean.
"""
from __future__ import annotations

import numpy as np

__all__ = ["KneserNeyLM"]


def _as_ids(ids, vocab_size: int, name: str = "ids") -> list[int]:
    if hasattr(ids, "tolist"):  # a torch tensor or a numpy array
        shape = tuple(getattr(ids, "shape", ()))
        if len(shape) != 1:
            raise ValueError(f"{name} must be a 1-D sequence of token ids (N,), got shape {shape}")
        ids = ids.tolist()
    if isinstance(ids, (str, bytes)) or not hasattr(ids, "__iter__"):
        raise TypeError(f"{name} must be a sequence of int token ids, got {type(ids).__name__}")
    out = list(ids)
    for t in out:
        if isinstance(t, bool) or not isinstance(t, int):
            raise TypeError(f"{name} must hold int token ids, got {type(t).__name__} ({t!r})")
        if not 0 <= t < vocab_size:
            raise ValueError(f"{name} holds id {t} outside [0, vocab_size={vocab_size})")
    return out


def _check_discount(discount) -> float:
    if isinstance(discount, bool) or not isinstance(discount, (int, float)) or not 0 < discount <= 1:
        raise ValueError(f"discount must be a number in (0, 1], got {discount!r}")
    return float(discount)


class KneserNeyLM:
    """Interpolated Kneser–Ney language model of every order ``1 .. max_order`` over token ids. (5장)

    ``KneserNeyLM(train_ids, vocab_size, max_order)`` counts the training stream once. A model
    of order ``n`` predicts a token from the ``n - 1`` tokens before it (order 1: a smoothed
    unigram, order 2: a bigram, ...). Near the start of a stream, where fewer tokens precede,
    it uses the context there is.
    """

    def __init__(self, train_ids, vocab_size: int, max_order: int):
        if isinstance(vocab_size, bool) or not isinstance(vocab_size, int) or vocab_size < 2:
            raise ValueError(f"vocab_size must be an int >= 2, got {vocab_size!r}")
        if isinstance(max_order, bool) or not isinstance(max_order, int) or max_order < 1:
            raise ValueError(f"max_order must be an int >= 1, got {max_order!r}")
        ids = _as_ids(train_ids, vocab_size, "train_ids")
        if len(ids) < 2:
            raise ValueError(f"train_ids has {len(ids)} tokens; need at least 2 to count anything")
        self.vocab_size, self.max_order = vocab_size, max_order
        # raw[k][h] = {w: count of h w}, h a tuple of k - 1 tokens (k = 1 .. max_order)
        self.raw: list[dict] = [dict() for _ in range(max_order + 1)]
        for k in range(1, max_order + 1):
            table = self.raw[k]
            for i in range(k - 1, len(ids)):
                h, w = tuple(ids[i - k + 1:i]), ids[i]
                row = table.setdefault(h, {})
                row[w] = row.get(w, 0) + 1
        # cont[k][h] = {w: number of different tokens a seen before h w}  (k = 1 .. max_order - 1)
        self.cont: list[dict] = [dict() for _ in range(max_order + 1)]
        for k in range(1, max_order):
            table = self.cont[k]
            for longer, row in self.raw[k + 1].items():  # longer = (a,) + h
                h = longer[1:]
                for w in row:
                    out = table.setdefault(h, {})
                    out[w] = out.get(w, 0) + 1
        # totals and numbers of different followers per context, for both kinds of counts
        self._sums = {kind: [{h: (sum(r.values()), len(r)) for h, r in tables[k].items()}
                             for k in range(max_order + 1)]
                      for kind, tables in (("raw", self.raw), ("cont", self.cont))}

    def _check_order(self, order) -> int:
        if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= self.max_order:
            raise ValueError(f"order must be an int in [1, max_order={self.max_order}], got {order!r}")
        return order

    def next_token_probs(self, context, order: int, discount: float) -> np.ndarray:
        """The distribution ``(V,)`` of the next token after ``context`` (its last ``order - 1``
        tokens count) under the model of order ``order``. Sums to 1."""
        order, discount = self._check_order(order), _check_discount(discount)
        ctx = _as_ids(context, self.vocab_size, "context")
        V = self.vocab_size
        p = np.full(V, 1.0 / V)  # (V,): below order 1, the uniform distribution
        for k in range(1, order + 1):
            h = tuple(ctx[len(ctx) - (k - 1):]) if k > 1 else ()
            if len(h) < k - 1:  # not enough context: this order adds nothing
                continue
            kind = "raw" if k == order else "cont"
            table = (self.raw if kind == "raw" else self.cont)[k]
            total, types = self._sums[kind][k].get(h, (0, 0))
            if total == 0:
                continue
            counts = np.zeros(V)
            for w, c in table[h].items():
                counts[w] = c
            p = np.maximum(counts - discount, 0.0) / total + discount * types / total * p  # (V,)
        return p

    def _stream_stats(self, ids: list[int]) -> dict:
        """For every predicted position (1 .. N-1) and order: (c(h,w), c(h,.), N1+(h,.)) per kind."""
        n, K = len(ids), self.max_order
        out = {kind: np.zeros((3, K + 1, n - 1)) for kind in ("raw", "cont")}
        for kind, tables in (("raw", self.raw), ("cont", self.cont)):
            sums, arr = self._sums[kind], out[kind]
            for k in range(1, K + 1):
                table, ksums = tables[k], sums[k]
                for i in range(1, n):
                    if i < k - 1:
                        continue  # not enough context at the start of the stream
                    h = tuple(ids[i - k + 1:i])
                    row = table.get(h)
                    if row is None:
                        continue
                    arr[0, k, i - 1] = row.get(ids[i], 0)
                    arr[1, k, i - 1], arr[2, k, i - 1] = ksums[h]
        return out

    def bits(self, ids, discount: float, stats: dict | None = None) -> np.ndarray:
        """Total bits ``-sum log2 P(ids[i] | ids[:i])`` over ``ids[1:]`` for every order.

        Returns an array ``(max_order,)``: entry ``n - 1`` is the model of order ``n``. The first
        token is not predicted (as a recurrent model that reads it first). ``stats`` (from
        :meth:`stream_stats`) skips the counting when many discounts score the same stream.
        """
        discount = _check_discount(discount)
        if stats is None:
            stats = self.stream_stats(ids)
        raw, cont = stats["raw"], stats["cont"]
        p_low = np.full(raw.shape[2], 1.0 / self.vocab_size)  # (N-1,): uniform below order 1
        total = np.zeros(self.max_order)

        def mix(arr, k, lower):
            c_hw, c_h, n_h = arr[0, k], arr[1, k], arr[2, k]
            seen = c_h > 0
            safe = np.where(seen, c_h, 1.0)
            mixed = np.maximum(c_hw - discount, 0.0) / safe + discount * n_h / safe * lower
            return np.where(seen, mixed, lower)

        for k in range(1, self.max_order + 1):
            top = mix(raw, k, p_low)  # the model of order k: raw counts at its own order
            total[k - 1] = -np.log2(top).sum()
            if k < self.max_order:
                p_low = mix(cont, k, p_low)  # continuation counts feed the orders above
        return total

    def stream_stats(self, ids) -> dict:
        """Counts looked up once for a stream, to pass to :meth:`bits` for many discounts."""
        ids = _as_ids(ids, self.vocab_size)
        if len(ids) < 2:
            raise ValueError(f"ids has {len(ids)} tokens; need at least 2 (the first is not predicted)")
        return self._stream_stats(ids)

