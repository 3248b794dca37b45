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

from .validation import check_int, describe, expected_message

__all__ = ["KneserNeyLM"]


def _as_ids(ids, vocab_size: int, name: str = "ids", where: str = "KneserNeyLM") -> list[int]:
    if hasattr(ids, "tolist"):  # a torch tensor or a numpy array
        shape = tuple(getattr(ids, "shape", ()))
        if len(shape) != 1:
            raise ValueError(f"{where}: {name}에는 토큰 id의 1차원 시퀀스(모양 (N,))가 와야 합니다. 받은 모양: {shape}")
        ids = ids.tolist()
    if isinstance(ids, (str, bytes, set, frozenset, dict)) or not hasattr(ids, "__iter__"):
        raise TypeError(expected_message(where, name, "정수 토큰 id의 시퀀스", describe(ids)))
    out = list(ids)
    for k, t in enumerate(out):
        if type(t) is not int:  # the common case stays fast; NumPy ints and 0-d integer tensors are fine
            t = out[k] = check_int(t, f"{name}의 항목 [{k}]", where=where)
        if not 0 <= t < vocab_size:
            raise ValueError(f"{where}: {name}의 항목 [{k}] = {t}: id는 어휘 범위 [0, vocab_size={vocab_size}) "
                             "안에 있어야 합니다")
    return out


def _gather(values: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """``values[idx]`` where ``idx >= 0``, else 0 (also when ``values`` is empty)."""
    if len(values) == 0:
        return np.zeros(len(idx))
    return np.where(idx >= 0, values[np.maximum(idx, 0)], 0.0)


def _check_discount(discount, where: str) -> float:
    if isinstance(discount, bool) or not isinstance(discount, (int, float)) or not 0 < discount <= 1:
        given = repr(discount) if isinstance(discount, (int, float)) and not isinstance(discount, bool) \
            else describe(discount)
        raise ValueError(expected_message(where, "discount", "(0, 1] 구간의 실수(할인 D)", given))
    return float(discount)


#: Every k-gram is keyed by ``context_id * vocab_size + token`` in an int64: a larger vocabulary
#: would overflow it (a vocabulary of 2**31 tokens is far beyond any text this module counts).
_MAX_VOCAB = 2**31


class KneserNeyLM:
    """Interpolated Kneser–Ney language model of every order ``1 .. max_order`` over token ids. (5장)

    ``KneserNeyLM(train_ids, vocab_size, max_order)`` counts the training stream once. A model
    of order ``n`` predicts a token from the ``n - 1`` tokens before it (order 1: a smoothed
    unigram, order 2: a bigram, ...). Near the start of a stream, where fewer tokens precede,
    it uses the context there is.
    """

    def __init__(self, train_ids, vocab_size: int, max_order: int):
        vocab_size = check_int(vocab_size, "vocab_size", minimum=2, maximum=_MAX_VOCAB, where="KneserNeyLM")
        max_order = check_int(max_order, "max_order", minimum=1, where="KneserNeyLM")
        ids = _as_ids(train_ids, vocab_size, "train_ids")
        if len(ids) < 2:
            raise ValueError(f"KneserNeyLM: train_ids의 토큰 수는 {len(ids)}입니다. 빈도를 세려면 토큰이 적어도 "
                             "2개 있어야 합니다")
        self.vocab_size, self.max_order = vocab_size, max_order
        a = np.asarray(ids, dtype=np.int64)  # (N,)
        n = len(a)
        # Every k-gram gets a dense id, built order by order: the k-gram ending at position i is
        # (id of the (k-1)-gram ending at i-1, token a[i]). keys[k] (sorted) holds ctx_id * V + token.
        self.keys: list[np.ndarray] = [np.zeros(1, dtype=np.int64)]  # order 0: the empty context, id 0
        self.ctx_of: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]  # per k-gram id: its context id
        self.count: dict[str, list[np.ndarray]] = {"raw": [np.zeros(0)], "cont": [np.zeros(0)]}
        gram_at = [np.zeros(n, dtype=np.int64)]  # gram_at[k][i]: id of the k-gram ending at i (-1: none)
        for k in range(1, max_order + 1):
            ctx = np.full(n, -1, dtype=np.int64)  # (N,): id of the (k-1)-gram just before position i
            ctx[k - 1:] = gram_at[k - 1][k - 2: n - 1] if k > 1 else 0
            valid = ctx >= 0
            keys, inverse = np.unique(ctx[valid] * vocab_size + a[valid], return_inverse=True)
            here = np.full(n, -1, dtype=np.int64)
            here[valid] = inverse
            gram_at.append(here)
            self.keys.append(keys)
            self.ctx_of.append(keys // vocab_size)
            self.count["raw"].append(np.bincount(inverse, minlength=len(keys)).astype(np.float64))
        for k in range(1, max_order + 1):
            if k == max_order:
                self.count["cont"].append(np.zeros(len(self.keys[k])))  # never used at the top order
                continue
            # continuation count of a k-gram: how many different (k+1)-grams end with it
            longer = gram_at[k + 1] >= 0
            suffix_of = np.zeros(len(self.keys[k + 1]), dtype=np.int64)
            suffix_of[gram_at[k + 1][longer]] = gram_at[k][longer]
            self.count["cont"].append(np.bincount(suffix_of, minlength=len(self.keys[k])).astype(np.float64))
        # per context: total count c(h, .) and number of different followers N1+(h, .)
        self.totals: dict[str, list] = {"raw": [None], "cont": [None]}
        self.types: dict[str, list] = {"raw": [None], "cont": [None]}
        for kind in ("raw", "cont"):
            for k in range(1, max_order + 1):
                n_ctx = len(self.keys[k - 1])
                c = self.count[kind][k]
                self.totals[kind].append(np.bincount(self.ctx_of[k], weights=c, minlength=n_ctx))
                self.types[kind].append(np.bincount(self.ctx_of[k], weights=(c > 0).astype(np.float64),
                                                    minlength=n_ctx))

    def _check_order(self, order, where: str) -> int:
        order = check_int(order, "order", minimum=1, where=where)
        if order > self.max_order:
            raise ValueError(expected_message(where, "order", f"[1, max_order={self.max_order}] 범위의 정수(int)",
                                              str(order)))
        return order

    def _lookup(self, k: int, ctx_ids: np.ndarray, tokens: np.ndarray) -> np.ndarray:
        """Ids of the k-grams (context id, token); -1 where the context is -1 or the k-gram unseen."""
        keys = self.keys[k]
        if len(keys) == 0:  # the training stream is shorter than k tokens
            return np.full(len(ctx_ids), -1, dtype=np.int64)
        query = np.where(ctx_ids >= 0, ctx_ids, 0) * self.vocab_size + tokens
        pos = np.searchsorted(keys, query)
        pos_safe = np.minimum(pos, len(keys) - 1)
        found = (ctx_ids >= 0) & (keys[pos_safe] == query)
        return np.where(found, pos_safe, -1)

    def next_token_probs(self, context, order: int, discount: float) -> np.ndarray:
        """The distribution ``(V,)`` of the next token after ``context`` (its last ``order - 1``
        tokens count) under the model of order ``order``. Sums to 1."""
        where = "KneserNeyLM.next_token_probs"
        order, discount = self._check_order(order, where), _check_discount(discount, where)
        ctx = _as_ids(context, self.vocab_size, "context", where)
        V = self.vocab_size
        p = np.full(V, 1.0 / V)  # (V,): below order 1, the uniform distribution
        for k in range(1, order + 1):
            if len(ctx) < k - 1:  # not enough context: this order adds nothing
                continue
            cid = np.zeros(1, dtype=np.int64)  # the id of the last k-1 tokens, built token by token
            for j, t in enumerate(ctx[len(ctx) - (k - 1):] if k > 1 else []):
                cid = self._lookup(j + 1, cid, np.array([t]))
            if cid[0] < 0:
                continue  # a context never seen: all its mass goes to the order below
            kind = "raw" if k == order else "cont"
            total, types = self.totals[kind][k][cid[0]], self.types[kind][k][cid[0]]
            if total == 0:
                continue
            grams = self._lookup(k, np.repeat(cid, V), np.arange(V))  # (V,)
            counts = _gather(self.count[kind][k], grams)  # (V,)
            p = np.maximum(counts - discount, 0.0) / total + discount * types / total * p  # (V,)
        return p

    def _stream_stats(self, ids: list[int]) -> dict:
        """For every predicted position (1 .. N-1) and order: (c(h,w), c(h,.), N1+(h,.)) per kind."""
        b = np.asarray(ids, dtype=np.int64)
        n, K = len(b), self.max_order
        out = {kind: np.zeros((3, K + 1, n - 1)) for kind in ("raw", "cont")}
        ctx = np.zeros(n, dtype=np.int64)  # order 1: the empty context
        for k in range(1, K + 1):
            grams = self._lookup(k, ctx, b)  # (N,): id of the k-gram ending at i in the training counts
            c, g = ctx[1:], grams[1:]  # predicted positions 1 .. N-1
            for kind in ("raw", "cont"):
                arr = out[kind]
                arr[0, k] = _gather(self.count[kind][k], g)
                arr[1, k] = _gather(self.totals[kind][k], c)
                arr[2, k] = _gather(self.types[kind][k], c)
            nxt = np.full(n, -1, dtype=np.int64)  # context of order k+1 at i: the k-gram ending at i-1
            nxt[1:] = grams[:-1]
            nxt[:k] = -1  # fewer than k tokens before position i
            ctx = nxt
        return out

    def _probs(self, stats: dict, discount: float) -> np.ndarray:
        """``(max_order, N-1)``: probability of each predicted token under the model of each order."""
        raw, cont = stats["raw"], stats["cont"]
        p_low = np.full(raw.shape[2], 1.0 / self.vocab_size)  # (N-1,): uniform below order 1
        out = np.zeros((self.max_order, raw.shape[2]))

        def mix(arr, k, lower):
            c_hw, c_h, n_h = arr[0, k], arr[1, k], arr[2, k]
            seen = c_h > 0
            safe = np.where(seen, c_h, 1.0)
            mixed = np.maximum(c_hw - discount, 0.0) / safe + discount * n_h / safe * lower
            return np.where(seen, mixed, lower)

        for k in range(1, self.max_order + 1):
            out[k - 1] = mix(raw, k, p_low)  # the model of order k: raw counts at its own order
            if k < self.max_order:
                p_low = mix(cont, k, p_low)  # continuation counts feed the orders above
        return out

    def bits(self, ids, discount: float, stats: dict | None = None) -> np.ndarray:
        """Total bits ``-sum log2 P(ids[i] | ids[:i])`` over ``ids[1:]`` for every order.

        Returns an array ``(max_order,)``: entry ``n - 1`` is the model of order ``n``. The first
        token is not predicted (as a recurrent model that reads it first). ``stats`` (from
        :meth:`stream_stats`) skips the counting when many discounts score the same stream.
        """
        discount = _check_discount(discount, "KneserNeyLM.bits")
        if stats is None:
            stats = self._checked_stats(ids, "KneserNeyLM.bits")
        else:
            self._check_stats(stats, len(_as_ids(ids, self.vocab_size, "ids", "KneserNeyLM.bits")) - 1)
        return -np.log2(self._probs(stats, discount)).sum(axis=1)

    def token_bits(self, ids, order: int, discount: float) -> np.ndarray:
        """Bits ``-log2 P(ids[i] | ids[:i])`` of every predicted token ``ids[1:]``, shape ``(N-1,)``,
        under the model of order ``order`` (for paired comparisons with another model)."""
        where = "KneserNeyLM.token_bits"
        order, discount = self._check_order(order, where), _check_discount(discount, where)
        return -np.log2(self._probs(self._checked_stats(ids, where), discount)[order - 1])

    def stream_stats(self, ids) -> dict:
        """Counts looked up once for a stream, to pass to :meth:`bits` for many discounts."""
        return self._checked_stats(ids, "KneserNeyLM.stream_stats")

    def _check_stats(self, stats, n_pred: int) -> None:
        """``stats`` must come from :meth:`stream_stats` of this model, for a stream as long as ``ids``."""
        want = (3, self.max_order + 1, n_pred)
        ok = isinstance(stats, dict) and all(
            isinstance(stats.get(kind), np.ndarray) and stats[kind].shape == want for kind in ("raw", "cont"))
        if not ok:
            shapes = {k: getattr(v, "shape", None) for k, v in stats.items()} if isinstance(stats, dict) \
                else describe(stats)
            raise ValueError(expected_message("KneserNeyLM.bits", "stats",
                                              f"이 모델의 stream_stats(ids)가 돌려준 dict(키 'raw', 'cont', 모양 {want})",
                                              str(shapes)))

    def _checked_stats(self, ids, where: str) -> dict:
        ids = _as_ids(ids, self.vocab_size, "ids", where)
        if len(ids) < 2:
            raise ValueError(f"{where}: ids의 토큰 수는 {len(ids)}입니다. 첫 토큰은 예측하지 않으므로 토큰이 적어도 "
                             "2개 있어야 합니다")
        return self._stream_stats(ids)

