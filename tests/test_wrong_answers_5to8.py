"""Exercises 5-8 reject the wrong answers of issue 16's classes, and give them no points beyond their honest content.

Each wrong answer is run, in this process and through ``seqlab.checks.local_student`` as in a student notebook,
against every public and hidden case of its question (the master's own solution passes them all). Its kind says
what it may still earn:

- ``FORBID``: the forbidden operation, reached directly or through another binding (an alias, a
  ``functools.partial``, a copied function, a private entry point, the module loaded again). Every case runs
  the student's function under the forbid, so the answer must fail **every** case: no partial points.
- ``PUBLIC``: a requirement the question states (Python ``float`` not a tensor, an integer array, ``torch.long``,
  the state threaded, the caller's initial state, ...). A **public** case must fail, so the student learns it in
  Colab and not from the grade.
- ``WRONG``: wrong on valid inputs (also ones the public cases do not use, e.g. large logits). Some case fails;
  the cases it passes are its honest content.

Cases marked ``OPS`` need the operation-level forbid of the checks branch (``seqlab.checks.OPERATIONS``: ATen
operators and code objects matched by file and name). Until that branch is merged they are expected to fail
(xfail, not strict); after the merge they run as ordinary tests. They are not weakened to pass earlier.
"""
from __future__ import annotations

import functools
import json

import pytest

from seqlab import checks
from seqlab.checks import local_student

from .test_wrong_answers import ROOT, _questions

FORBID, PUBLIC, WRONG = "forbid", "public", "wrong"
OPS = True  # needs the operation-level forbid (checks branch)
HAS_OPS = hasattr(checks, "OPERATIONS")

# (exercise, question) -> {description: (kind, code[, OPS])}
ANSWERS = {
    ('05-char-rnn', 'q1'): {
        'next_token_probs 호출': (FORBID, 'def sample_probs(logits, temperature, top_k=None):\n    from seqlab.lm import next_token_probs\n    return next_token_probs(logits, temperature, top_k)'),
        '미리 묶어 둔 functools.partial': (FORBID, 'import functools, seqlab.lm\n_probs = functools.partial(seqlab.lm.next_token_probs)\ndef sample_probs(logits, temperature, top_k=None):\n    return _probs(logits, temperature, top_k)'),
        '같은 코드로 새로 만든 함수(복사본)': (FORBID, 'import types, seqlab.lm\n_f = seqlab.lm.next_token_probs\n_copy = types.FunctionType(_f.__code__, _f.__globals__, "p", _f.__defaults__)\ndef sample_probs(logits, temperature, top_k=None):\n    return _copy(logits, temperature, top_k)', OPS),
        '최댓값을 빼지 않은 exp (큰 로짓에서 nan)': (WRONG, 'def sample_probs(logits, temperature, top_k=None):\n    if temperature <= 0:\n        raise ValueError\n    z = logits / temperature\n    if top_k is not None:\n        kth = z.topk(top_k, -1).values[..., -1:]\n        z = z.masked_fill(z < kth, float("-inf"))\n    e = torch.exp(z)\n    return e / e.sum(-1, keepdim=True)'),
        '온도 0을 막지 않음': (WRONG, 'def sample_probs(logits, temperature, top_k=None):\n    z = logits / temperature\n    if top_k is not None:\n        kth = z.topk(top_k, -1).values[..., -1:]\n        z = z.masked_fill(z < kth, float("-inf"))\n    return torch.softmax(z, -1)'),
    },
    ('05-char-rnn', 'q2'): {
        '텐서를 돌려줌': (PUBLIC, 'def bpc_and_perplexity(mean_loss, n_tokens, n_chars):\n    bpc = torch.as_tensor(mean_loss, dtype=torch.float64) * n_tokens / math.log(2) / n_chars\n    return bpc, 2 ** bpc'),
        '토큰당 비트(글자 수를 무시)': (WRONG, 'def bpc_and_perplexity(mean_loss, n_tokens, n_chars):\n    bpc = float(mean_loss) / math.log(2)\n    return bpc, 2.0 ** bpc'),
        '퍼플렉서티를 e**loss로': (WRONG, 'def bpc_and_perplexity(mean_loss, n_tokens, n_chars):\n    bpc = float(mean_loss) * n_tokens / math.log(2) / n_chars\n    return bpc, math.exp(float(mean_loss))'),
    },
    ('05-char-rnn', 'q3'): {
        'evaluate_lm 호출': (FORBID, 'from seqlab.lm import evaluate_lm\ndef chunked_bpc(config, weights, ids, seq_len, carry):\n    m = RecurrentLM(config["vocab_size"], config["d_w"], config["d_h"], kind=config["kind"])\n    m.load_state_dict(weights)\n    if carry:\n        return evaluate_lm(m, ids, batch_size=1, seq_len=seq_len) / math.log(2)\n    total = 0.0\n    for s in range(0, len(ids) - 1, seq_len):\n        y = ids[s + 1:s + seq_len + 1]\n        total += evaluate_lm(m, ids[s:s + len(y) + 1], batch_size=1, seq_len=seq_len) * len(y)\n    return total / (len(ids) - 1) / math.log(2)\ngain_short = chunked_bpc(LM_CONFIG, lm_weights, val_ids, 8, False) - chunked_bpc(LM_CONFIG, lm_weights, val_ids, 8, True)\ngain_long = chunked_bpc(LM_CONFIG, lm_weights, val_ids, 64, False) - chunked_bpc(LM_CONFIG, lm_weights, val_ids, 64, True)'),
        'carry를 무시하고 늘 None에서 시작': (PUBLIC, 'def chunked_bpc(config, weights, ids, seq_len, carry):\n    m = RecurrentLM(config["vocab_size"], config["d_w"], config["d_h"], kind=config["kind"])\n    m.load_state_dict(weights)\n    m.eval()\n    bits = 0.0\n    with torch.no_grad():\n        for s in range(0, len(ids) - 1, seq_len):\n            y = ids[s + 1:s + seq_len + 1]\n            z, _ = m(ids[s:s + len(y)].unsqueeze(0), None)\n            bits -= torch.log_softmax(z[0], -1).gather(1, y.unsqueeze(1)).sum().item() / math.log(2)\n    return bits / (len(ids) - 1)\ngain_short = chunked_bpc(LM_CONFIG, lm_weights, val_ids, 8, False) - chunked_bpc(LM_CONFIG, lm_weights, val_ids, 8, True)\ngain_long = chunked_bpc(LM_CONFIG, lm_weights, val_ids, 64, False) - chunked_bpc(LM_CONFIG, lm_weights, val_ids, 64, True)'),
        '마지막 짧은 조각을 버림': (WRONG, 'def chunked_bpc(config, weights, ids, seq_len, carry):\n    m = RecurrentLM(config["vocab_size"], config["d_w"], config["d_h"], kind=config["kind"])\n    m.load_state_dict(weights)\n    m.eval()\n    bits, n, state = 0.0, 0, None\n    with torch.no_grad():\n        for s in range(0, len(ids) - seq_len, seq_len):\n            x, y = ids[s:s + seq_len], ids[s + 1:s + seq_len + 1]\n            z, new = m(x.unsqueeze(0), state if carry else None)\n            state = new\n            bits -= torch.log_softmax(z[0], -1).gather(1, y.unsqueeze(1)).sum().item() / math.log(2)\n            n += len(y)\n    return bits / n\ngain_short = chunked_bpc(LM_CONFIG, lm_weights, val_ids, 8, False) - chunked_bpc(LM_CONFIG, lm_weights, val_ids, 8, True)\ngain_long = chunked_bpc(LM_CONFIG, lm_weights, val_ids, 64, False) - chunked_bpc(LM_CONFIG, lm_weights, val_ids, 64, True)'),
        '텐서를 돌려줌': (PUBLIC, 'def chunked_bpc(config, weights, ids, seq_len, carry):\n    m = RecurrentLM(config["vocab_size"], config["d_w"], config["d_h"], kind=config["kind"])\n    m.load_state_dict(weights)\n    m.eval()\n    bits, state = torch.tensor(0.0), None\n    with torch.no_grad():\n        for s in range(0, len(ids) - 1, seq_len):\n            y = ids[s + 1:s + seq_len + 1]\n            z, new = m(ids[s:s + len(y)].unsqueeze(0), state if carry else None)\n            state = new\n            bits = bits - torch.log_softmax(z[0], -1).gather(1, y.unsqueeze(1)).sum() / math.log(2)\n    return bits / (len(ids) - 1)\ngain_short = float(chunked_bpc(LM_CONFIG, lm_weights, val_ids, 8, False) - chunked_bpc(LM_CONFIG, lm_weights, val_ids, 8, True))\ngain_long = float(chunked_bpc(LM_CONFIG, lm_weights, val_ids, 64, False) - chunked_bpc(LM_CONFIG, lm_weights, val_ids, 64, True))'),
        '측정하지 않고 짐작한 값': (PUBLIC, 'gain_short = 0.25\ngain_long = 0.05'),
    },
    ('05-char-rnn', 'q4'): {
        '고정된 탐색 범위 [0.01, 100]': (WRONG, 'def temperature_for_entropy(logits, bits):\n    z = logits.double()\n    if not 0 < bits < math.log2(z.numel()):\n        raise ValueError\n    H = lambda t: float(-(torch.softmax(z / t, -1) * torch.log_softmax(z / t, -1)).sum()) / math.log(2)\n    lo, hi = 0.01, 100.0\n    for _ in range(100):\n        mid = (lo + hi) / 2\n        lo, hi = (mid, hi) if H(mid) < bits else (lo, mid)\n    return (lo + hi) / 2'),
        '텐서를 돌려줌': (PUBLIC, 'def temperature_for_entropy(logits, bits):\n    z = logits.double()\n    H = lambda t: -(torch.softmax(z / t, -1) * torch.log_softmax(z / t, -1)).sum() / math.log(2)\n    s = float(z.max() - z.min())\n    lo, hi = math.log(s * 1e-4), math.log(s * 1e4)\n    for _ in range(100):\n        mid = (lo + hi) / 2\n        lo, hi = (mid, hi) if H(math.exp(mid)) < bits else (lo, mid)\n    return torch.tensor(math.exp(lo))'),
        '범위 밖의 bits를 막지 않음': (WRONG, 'def temperature_for_entropy(logits, bits):\n    z = logits.double()\n    H = lambda t: float(-(torch.softmax(z / t, -1) * torch.log_softmax(z / t, -1)).sum()) / math.log(2)\n    s = float(z.max() - z.min())\n    lo, hi = math.log(s * 1e-4), math.log(s * 1e4)\n    for _ in range(100):\n        mid = (lo + hi) / 2\n        lo, hi = (mid, hi) if H(math.exp(mid)) < bits else (lo, mid)\n    return math.exp(lo)'),
        '자연로그(nats)로 잰 엔트로피': (PUBLIC, 'def temperature_for_entropy(logits, bits):\n    z = logits.double()\n    if not 0 < bits < math.log2(z.numel()):\n        raise ValueError\n    H = lambda t: float(-(torch.softmax(z / t, -1) * torch.log_softmax(z / t, -1)).sum())\n    s = float(z.max() - z.min())\n    lo, hi = math.log(s * 1e-4), math.log(s * 1e4)\n    for _ in range(100):\n        mid = (lo + hi) / 2\n        lo, hi = (mid, hi) if H(math.exp(mid)) < bits else (lo, mid)\n    return math.exp(lo)'),
    },
    ('05-char-rnn', 'q5'): {
        'unicodedata.normalize': (FORBID, 'import unicodedata\ndef decompose(text):\n    return unicodedata.normalize("NFD", text)\ndef compose(jamo):\n    return unicodedata.normalize("NFC", jamo)'),
        'unicodedata.decomposition으로 풀기': (FORBID, 'import unicodedata\ndef decompose(text):\n    return "".join("".join(chr(int(h, 16)) for h in unicodedata.decomposition(c).split()) if "가" <= c <= "힣" else c for c in text)\ndef compose(jamo):\n    import seqlab.korean\n    return seqlab.korean.from_jamo(jamo, strict=False)'),
        'seqlab.korean의 비공개 _compose': (FORBID, 'from seqlab.korean import _compose\ndef decompose(text):\n    from seqlab.korean import to_jamo\n    return to_jamo(text)\ndef compose(jamo):\n    return _compose(jamo)[0]'),
        '다른 경로의 정규화(unicodedata.ucd_3_2_0)': (FORBID, 'import unicodedata\n_ucd = unicodedata.ucd_3_2_0\ndef decompose(text):\n    return _ucd.normalize("NFD", text)\ndef compose(jamo):\n    return _ucd.normalize("NFC", jamo)', OPS),
        'seqlab.korean 파일을 다른 이름으로 다시 읽음': (FORBID, 'import importlib.util, seqlab.korean\n_spec = importlib.util.spec_from_file_location("seqlab.korean_copy", seqlab.korean.__file__)\n_k = importlib.util.module_from_spec(_spec)\n_spec.loader.exec_module(_k)\ndef decompose(text):\n    return _k.to_jamo(text)\ndef compose(jamo):\n    return _k.from_jamo(jamo, strict=False)', OPS),
        '음절이 될 수 없는 자모를 버림': (WRONG, 'def decompose(text):\n    out = []\n    for ch in text:\n        s = ord(ch) - 0xAC00\n        if 0 <= s < 11172:\n            out.append(chr(0x1100 + s // 588) + chr(0x1161 + (s % 588) // 28) + (chr(0x11A7 + s % 28) if s % 28 else ""))\n        else:\n            out.append(ch)\n    return "".join(out)\ndef compose(jamo):\n    out, i = [], 0\n    while i < len(jamo):\n        l = ord(jamo[i]) - 0x1100\n        v = ord(jamo[i + 1]) - 0x1161 if i + 1 < len(jamo) else -1\n        if 0 <= l < 19 and 0 <= v < 21:\n            c = 0xAC00 + (l * 21 + v) * 28\n            i += 2\n            t = ord(jamo[i]) - 0x11A7 if i < len(jamo) else -1\n            if 0 < t < 28:\n                c += t\n                i += 1\n            out.append(chr(c))\n        else:\n            if not (0x1100 <= ord(jamo[i]) <= 0x11FF):\n                out.append(jamo[i])\n            i += 1\n    return "".join(out)'),
    },
    ('06-time-series', 'q1'): {
        'sliding_window_view 호출': (FORBID, 'from numpy.lib.stride_tricks import sliding_window_view\ndef make_xy(series, T, H):\n    series = np.asarray(series, dtype=float)\n    if T + H > len(series):\n        raise ValueError\n    w = sliding_window_view(series, T + H)\n    return w[:, :T, None], w[:, T:], np.arange(T, len(series) - H + 1)'),
        '실수 배열인 t': (PUBLIC, 'def make_xy(series, T, H):\n    series = np.asarray(series, dtype=float)\n    if T + H > len(series):\n        raise ValueError\n    t = np.arange(T, len(series) - H + 1)\n    return np.stack([series[i - T:i] for i in t])[:, :, None], np.stack([series[i:i + H] for i in t]), t.astype(float)'),
        '목표가 창의 마지막 값(한 칸 이름)': (PUBLIC, 'def make_xy(series, T, H):\n    series = np.asarray(series, dtype=float)\n    if T + H > len(series):\n        raise ValueError\n    t = np.arange(T, len(series) - H + 1)\n    return np.stack([series[i - T:i] for i in t])[:, :, None], np.stack([series[i - 1:i - 1 + H] for i in t]), t - 1'),
    },
    ('06-time-series', 'q2'): {
        'lo == hi를 막지 않음': (WRONG, 'def scale_train_only(series, n_train):\n    series = np.asarray(series, dtype=float)\n    lo, hi = float(series[:n_train].min()), float(series[:n_train].max())\n    return (series - lo) / (hi - lo), lo, hi\ndef unscale(z, lo, hi):\n    return np.asarray(z) * (hi - lo) + lo\nz_max_test = float(scale_train_only(trend, 70)[0][70:].max())\nz_max_test_leaky = float(scale_train_only(trend, 100)[0][70:].max())'),
        '시계열 전체로 맞춤(누수)': (PUBLIC, 'def scale_train_only(series, n_train):\n    series = np.asarray(series, dtype=float)\n    lo, hi = float(series.min()), float(series.max())\n    if lo == hi:\n        raise ValueError\n    return (series - lo) / (hi - lo), lo, hi\ndef unscale(z, lo, hi):\n    return np.asarray(z) * (hi - lo) + lo\nz_max_test = 1.0\nz_max_test_leaky = 1.0'),
        'Scaler 사용': (FORBID, 'from seqlab.timeseries import Scaler\ndef scale_train_only(series, n_train):\n    series = np.asarray(series, dtype=float)\n    sc = Scaler("minmax").fit(series[:n_train, None])\n    lo, hi = float(series[:n_train].min()), float(series[:n_train].max())\n    if lo == hi:\n        raise ValueError\n    return sc.transform(series[:, None])[:, 0], lo, hi\ndef unscale(z, lo, hi):\n    return np.asarray(z) * (hi - lo) + lo\nz_max_test = float(scale_train_only(trend, 70)[0][70:].max())\nz_max_test_leaky = float(scale_train_only(trend, 100)[0][70:].max())'),
        '재지 않고 짐작한 값': (WRONG, 'def scale_train_only(series, n_train):\n    series = np.asarray(series, dtype=float)\n    lo, hi = float(series[:n_train].min()), float(series[:n_train].max())\n    if lo == hi:\n        raise ValueError\n    return (series - lo) / (hi - lo), lo, hi\ndef unscale(z, lo, hi):\n    return np.asarray(z) * (hi - lo) + lo\nz_max_test = 1.5\nz_max_test_leaky = 1.0'),
    },
    ('06-time-series', 'q3'): {
        'seqlab.timeseries.mae 호출': (FORBID, 'from seqlab.timeseries import mae as _mae\ndef persistence_scores(series, n_train, m=1):\n    series = np.asarray(series, dtype=float)\n    e = _mae(series[n_train:], series[n_train - 1:-1])\n    tr = series[:n_train]\n    return e, e / float(np.abs(tr[m:] - tr[:-m]).mean())'),
        '배열을 돌려줌': (PUBLIC, 'def persistence_scores(series, n_train, m=1):\n    series = np.asarray(series, dtype=float)\n    e = np.abs(series[n_train:] - series[n_train - 1:-1]).mean()\n    tr = series[:n_train]\n    return np.array([e, e / np.abs(tr[m:] - tr[:-m]).mean()])'),
        '분모를 시계열 전체에서': (WRONG, 'def persistence_scores(series, n_train, m=1):\n    series = np.asarray(series, dtype=float)\n    e = float(np.abs(series[n_train:] - series[n_train - 1:-1]).mean())\n    return e, e / float(np.abs(series[m:] - series[:-m]).mean())'),
    },
    ('06-time-series', 'q4'): {
        '세 개만 고름': (WRONG, 'leaky = ["A", "C", "E"]'),
        '모두 고름': (WRONG, 'leaky = list("ABCDEFGH")'),
    },
    ('06-time-series', 'q5'): {
        '계절 나이브를 한 칸 어긋나게': (PUBLIC, 'def naive_test_maes(series, n_train, m):\n    series = np.asarray(series, dtype=float)\n    if n_train < m:\n        raise ValueError\n    y = series[n_train:]\n    return float(np.abs(y - series[n_train - 1:-1]).mean()), float(np.abs(y - series[n_train - m + 1:len(series) - m + 1]).mean())\nfor sigma in SIGMAS:\n    p, q = naive_test_maes(seasonal_walk(sigma), 180, 12)\n    if p < q:\n        crossover_sigma, maes_at_crossover = sigma, (p, q)\n        break'),
        'seasonal_naive 호출': (FORBID, 'from seqlab.timeseries import make_windows, persistence, seasonal_naive\ndef naive_test_maes(series, n_train, m):\n    series = np.asarray(series, dtype=float)\n    if n_train < m:\n        raise ValueError\n    y = series[n_train:]\n    X = np.stack([series[t - m:t] for t in range(n_train, len(series))])[:, :, None]\n    return float(np.abs(y - persistence(X)[:, 0]).mean()), float(np.abs(y - seasonal_naive(X, m)[:, 0]).mean())\nfor sigma in SIGMAS:\n    p, q = naive_test_maes(seasonal_walk(sigma), 180, 12)\n    if p < q:\n        crossover_sigma, maes_at_crossover = sigma, (p, q)\n        break'),
        '재지 않고 짐작한 교차점': (WRONG, 'def naive_test_maes(series, n_train, m):\n    series = np.asarray(series, dtype=float)\n    if n_train < m:\n        raise ValueError\n    y = series[n_train:]\n    return float(np.abs(y - series[n_train - 1:-1]).mean()), float(np.abs(y - series[n_train - m:len(series) - m]).mean())\ncrossover_sigma = 1.6\nmaes_at_crossover = naive_test_maes(seasonal_walk(1.6), 180, 12)'),
        '테스트 구간의 첫 예측을 빠뜨림': (WRONG, 'def naive_test_maes(series, n_train, m):\n    series = np.asarray(series, dtype=float)\n    if n_train < m:\n        raise ValueError\n    y = series[n_train + 1:]\n    return float(np.abs(y - series[n_train:-1]).mean()), float(np.abs(y - series[n_train + 1 - m:len(series) - m]).mean())\nfor sigma in SIGMAS:\n    p, q = naive_test_maes(seasonal_walk(sigma), 180, 12)\n    if p < q:\n        crossover_sigma, maes_at_crossover = sigma, (p, q)\n        break'),
    },
    ('07-seq2seq', 'q1'): {
        '7장의 셀 그대로(nll * mask)': (PUBLIC, 'def masked_nll(logits, target, pad_id):\n    logp = torch.log_softmax(logits, dim=-1)\n    nll = -logp.gather(-1, target.clamp(min=0).unsqueeze(-1)).squeeze(-1)\n    real = target != pad_id\n    return (nll * real).sum() / real.sum()'),
        'log(softmax) (큰 로짓에서 inf)': (WRONG, 'def masked_nll(logits, target, pad_id):\n    real = target != pad_id\n    if not real.any():\n        raise ValueError\n    p = torch.softmax(logits[real], -1)\n    return -torch.log(p.gather(1, target[real].unsqueeze(1))).mean()'),
        'F.cross_entropy 호출': (FORBID, 'def masked_nll(logits, target, pad_id):\n    real = target != pad_id\n    if not real.any():\n        raise ValueError\n    return F.cross_entropy(logits[real], target[real])'),
        '미리 만든 nn.CrossEntropyLoss': (FORBID, '_ce = torch.nn.CrossEntropyLoss()\ndef masked_nll(logits, target, pad_id):\n    real = target != pad_id\n    if not real.any():\n        raise ValueError\n    return _ce(logits[real], target[real])'),
        '미리 묶어 둔 functools.partial(F.nll_loss)': (FORBID, 'import functools\n_nll = functools.partial(F.nll_loss, reduction="mean")\ndef masked_nll(logits, target, pad_id):\n    real = target != pad_id\n    if not real.any():\n        raise ValueError\n    return _nll(torch.log_softmax(logits[real], -1), target[real])'),
        'torch._C._nn.cross_entropy_loss': (FORBID, 'def masked_nll(logits, target, pad_id):\n    real = target != pad_id\n    if not real.any():\n        raise ValueError\n    return torch._C._nn.cross_entropy_loss(logits[real], target[real], None, 1, -100, 0.0)', OPS),
        'torch.ops.aten.nll_loss_nd': (FORBID, 'def masked_nll(logits, target, pad_id):\n    real = target != pad_id\n    if not real.any():\n        raise ValueError\n    return torch.ops.aten.nll_loss_nd(torch.log_softmax(logits[real], -1), target[real], None, 1, -100)', OPS),
        'F.cross_entropy를 복사한 함수': (FORBID, 'import types\n_ce = types.FunctionType(F.cross_entropy.__code__, F.cross_entropy.__globals__, "ce", F.cross_entropy.__defaults__, F.cross_entropy.__closure__)\n_ce.__kwdefaults__ = F.cross_entropy.__kwdefaults__\ndef masked_nll(logits, target, pad_id):\n    real = target != pad_id\n    if not real.any():\n        raise ValueError\n    return _ce(logits[real], target[real])', OPS),
        '진짜 위치가 없어도 오류 없음(nan)': (WRONG, 'def masked_nll(logits, target, pad_id):\n    real = target != pad_id\n    logp = torch.log_softmax(logits[real], -1)\n    return -logp.gather(1, target[real].unsqueeze(1)).mean()'),
    },
    ('07-seq2seq', 'q2'): {
        'int32 입력에 int32를 돌려줌': (WRONG, 'def shift_targets(seqs, sos_id, eos_id, pad_id):\n    rows = [torch.as_tensor(s) for s in seqs]\n    dt = rows[0].dtype if rows[0].numel() else torch.long\n    T = max(len(r) for r in rows) + 1\n    a = torch.full((len(rows), T), pad_id, dtype=dt)\n    b = a.clone()\n    for i, r in enumerate(rows):\n        a[i, :len(r) + 1] = torch.cat([torch.tensor([sos_id], dtype=dt), r.to(dt)])\n        b[i, :len(r) + 1] = torch.cat([r.to(dt), torch.tensor([eos_id], dtype=dt)])\n    return a, b'),
        'pad_sequence 호출': (FORBID, 'from torch.nn.utils.rnn import pad_sequence\ndef shift_targets(seqs, sos_id, eos_id, pad_id):\n    rows = [[int(t) for t in s] for s in seqs]\n    a = pad_sequence([torch.tensor([sos_id] + r) for r in rows], batch_first=True, padding_value=pad_id)\n    b = pad_sequence([torch.tensor(r + [eos_id]) for r in rows], batch_first=True, padding_value=pad_id)\n    return a.long(), b.long()'),
        '중첩 텐서(torch.nested)': (FORBID, 'def shift_targets(seqs, sos_id, eos_id, pad_id):\n    rows = [[int(t) for t in s] for s in seqs]\n    a = torch.nested.nested_tensor([torch.tensor([sos_id] + r) for r in rows]).to_padded_tensor(pad_id)\n    b = torch.nested.nested_tensor([torch.tensor(r + [eos_id]) for r in rows]).to_padded_tensor(pad_id)\n    return a.long(), b.long()'),
        '미리 가져온 nested_tensor': (FORBID, 'from torch.nested import nested_tensor as _nt\ndef shift_targets(seqs, sos_id, eos_id, pad_id):\n    rows = [[int(t) for t in s] for s in seqs]\n    a = _nt([torch.tensor([sos_id] + r) for r in rows]).to_padded_tensor(pad_id)\n    b = _nt([torch.tensor(r + [eos_id]) for r in rows]).to_padded_tensor(pad_id)\n    return a.long(), b.long()', OPS),
        '입력과 목표를 바꿈': (PUBLIC, 'def shift_targets(seqs, sos_id, eos_id, pad_id):\n    rows = [[int(t) for t in s] for s in seqs]\n    T = max(len(r) for r in rows) + 1\n    a = torch.full((len(rows), T), pad_id, dtype=torch.long)\n    b = a.clone()\n    for i, r in enumerate(rows):\n        a[i, :len(r) + 1] = torch.tensor(r + [eos_id])\n        b[i, :len(r) + 1] = torch.tensor([sos_id] + r)\n    return a, b'),
    },
    ('07-seq2seq', 'q3'): {
        '호출한 쪽의 h0를 무시(0에서 시작)': (PUBLIC, 'def decode_rows(config, weights, h0, sos_id, eos_id, pad_id, max_len):\n    d = GRUDecoder(config["vocab_size"], d_w=config["d_w"], d_h=config["d_h"], pad_id=pad_id)\n    d.load_state_dict(weights)\n    B = h0.shape[0]\n    state, y, done, out = {"h": torch.zeros(1, B, config["d_h"])}, torch.full((B, 1), sos_id), torch.zeros(B, dtype=torch.bool), []\n    with torch.no_grad():\n        for _ in range(max_len):\n            z, state = d(y, state)\n            n = torch.where(done, torch.full((B,), pad_id), z[:, -1].argmax(-1))\n            out.append(n)\n            done = done | (n == eos_id)\n            y = n[:, None]\n            if done.all():\n                break\n    return torch.stack(out, 1)'),
        '상태를 넘기지 않음(늘 h0)': (PUBLIC, 'def decode_rows(config, weights, h0, sos_id, eos_id, pad_id, max_len):\n    d = GRUDecoder(config["vocab_size"], d_w=config["d_w"], d_h=config["d_h"], pad_id=pad_id)\n    d.load_state_dict(weights)\n    B = h0.shape[0]\n    state, y, done, out = {"h": h0.unsqueeze(0)}, torch.full((B, 1), sos_id), torch.zeros(B, dtype=torch.bool), []\n    with torch.no_grad():\n        for _ in range(max_len):\n            z, _ = d(y, state)\n            n = torch.where(done, torch.full((B,), pad_id), z[:, -1].argmax(-1))\n            out.append(n)\n            done = done | (n == eos_id)\n            y = n[:, None]\n            if done.all():\n                break\n    return torch.stack(out, 1)'),
        '끝난 행도 계속 argmax': (WRONG, 'def decode_rows(config, weights, h0, sos_id, eos_id, pad_id, max_len):\n    d = GRUDecoder(config["vocab_size"], d_w=config["d_w"], d_h=config["d_h"], pad_id=pad_id)\n    d.load_state_dict(weights)\n    B = h0.shape[0]\n    state, y, done, out = {"h": h0.unsqueeze(0)}, torch.full((B, 1), sos_id), torch.zeros(B, dtype=torch.bool), []\n    with torch.no_grad():\n        for _ in range(max_len):\n            z, state = d(y, state)\n            n = z[:, -1].argmax(-1)\n            out.append(n)\n            done = done | (n == eos_id)\n            y = n[:, None]\n            if done.all():\n                break\n    return torch.stack(out, 1)'),
        '모든 행이 끝나도 max_len까지 돎': (WRONG, 'def decode_rows(config, weights, h0, sos_id, eos_id, pad_id, max_len):\n    d = GRUDecoder(config["vocab_size"], d_w=config["d_w"], d_h=config["d_h"], pad_id=pad_id)\n    d.load_state_dict(weights)\n    B = h0.shape[0]\n    state, y, done, out = {"h": h0.unsqueeze(0)}, torch.full((B, 1), sos_id), torch.zeros(B, dtype=torch.bool), []\n    with torch.no_grad():\n        for _ in range(max_len):\n            z, state = d(y, state)\n            n = torch.where(done, torch.full((B,), pad_id), z[:, -1].argmax(-1))\n            out.append(n)\n            done = done | (n == eos_id)\n            y = n[:, None]\n    return torch.stack(out, 1)'),
    },
    ('07-seq2seq', 'q4'): {
        '텐서를 돌려줌': (PUBLIC, 'def exact_match_rate(pred, target, pad_id):\n    w = max(pred.shape[1], target.shape[1])\n    p = F.pad(pred, (0, w - pred.shape[1]), value=pad_id)\n    t = F.pad(target, (0, w - target.shape[1]), value=pad_id)\n    return (p == t).all(1).float().mean()'),
        'seqlab.seq2seq.exact_match 호출': (FORBID, 'from seqlab.seq2seq import exact_match\ndef exact_match_rate(pred, target, pad_id):\n    return float(exact_match(pred, target, pad_id).float().mean())'),
        '정답의 진짜 위치만 비교': (WRONG, 'def exact_match_rate(pred, target, pad_id):\n    w = max(pred.shape[1], target.shape[1])\n    p = F.pad(pred, (0, w - pred.shape[1]), value=pad_id)\n    t = F.pad(target, (0, w - target.shape[1]), value=pad_id)\n    return ((p == t) | (t == pad_id)).all(1).float().mean().item()'),
    },
    ('07-seq2seq', 'q5'): {
        '패딩 위치까지 셈': (PUBLIC, 'def teacher_forced_accuracy(name, numbers):\n    m, _, _ = load_checkpoint(CHECKPOINT_DIR / f"{name}.pt")\n    sv, tv = number_vocabs()\n    b = make_seq2seq_batch(number_pairs(numbers), sv, tv)\n    with torch.no_grad():\n        p = m(b.src, b.src_lengths, b.tgt_in).argmax(-1)\n    return float((p == b.tgt_out).float().mean())\ntf_acc = teacher_forced_accuracy("none-seed0", READ_NUMBERS)\ngreedy_acc = float(evaluate(load_checkpoint(CHECKPOINT_DIR / "none-seed0.pt")[0], READ_NUMBERS)["token"])'),
        'token_accuracy 호출': (FORBID, 'from seqlab.seq2seq import token_accuracy\ndef teacher_forced_accuracy(name, numbers):\n    m, _, _ = load_checkpoint(CHECKPOINT_DIR / f"{name}.pt")\n    sv, tv = number_vocabs()\n    b = make_seq2seq_batch(number_pairs(numbers), sv, tv)\n    with torch.no_grad():\n        p = m(b.src, b.src_lengths, b.tgt_in).argmax(-1)\n    return float(token_accuracy(p, b.tgt_out, tv.pad_id))\ntf_acc = teacher_forced_accuracy("none-seed0", READ_NUMBERS)\ngreedy_acc = float(evaluate(load_checkpoint(CHECKPOINT_DIR / "none-seed0.pt")[0], READ_NUMBERS)["token"])'),
        '탐욕 정확도를 교사 강요 값으로 짐작': (WRONG, 'def teacher_forced_accuracy(name, numbers):\n    m, _, _ = load_checkpoint(CHECKPOINT_DIR / f"{name}.pt")\n    sv, tv = number_vocabs()\n    b = make_seq2seq_batch(number_pairs(numbers), sv, tv)\n    with torch.no_grad():\n        p = m(b.src, b.src_lengths, b.tgt_in).argmax(-1)\n    real = b.tgt_out != tv.pad_id\n    return float(((p == b.tgt_out) & real).sum() / real.sum())\ntf_acc = teacher_forced_accuracy("none-seed0", READ_NUMBERS)\ngreedy_acc = tf_acc'),
    },
    ('08-attention', 'q1'): {
        '소프트맥스 뒤에 마스크를 곱함': (PUBLIC, 'def masked_softmax(scores, mask):\n    return torch.softmax(scores, -1) * mask.unsqueeze(1)'),
        '큰 음수로 채우고 빈 행 검사 없음': (WRONG, 'def masked_softmax(scores, mask):\n    return torch.softmax(scores.masked_fill(~mask.unsqueeze(1), -1e9), -1)'),
        'seqlab.attention.masked_softmax 호출': (FORBID, 'def masked_softmax(scores, mask):\n    from seqlab.attention import masked_softmax as ms\n    return ms(scores, mask)'),
        'masked_softmax를 복사한 함수': (FORBID, 'import types, seqlab.attention\n_f = seqlab.attention.masked_softmax\n_ms = types.FunctionType(_f.__code__, _f.__globals__, "ms")\ndef masked_softmax(scores, mask):\n    return _ms(scores, mask)', OPS),
    },
    ('08-attention', 'q2'): {
        'ConcatScore에 가중치를 넣어 씀': (FORBID, 'def additive_score(query, keys, W_q, W_k, v_a):\n    from seqlab.attention import ConcatScore\n    s = ConcatScore(query.shape[-1], keys.shape[-1], W_q.shape[0])\n    sd = {k: v.clone() for k, v in s.state_dict().items()}\n    for k in sd:\n        if sd[k].shape == W_q.shape and "q" in k.lower():\n            sd[k] = W_q\n        elif sd[k].shape == W_k.shape and "k" in k.lower():\n            sd[k] = W_k\n        elif sd[k].shape == v_a.shape:\n            sd[k] = v_a\n    s.load_state_dict(sd)\n    return s(query, keys)'),
        'tanh를 빠뜨림': (PUBLIC, 'def additive_score(query, keys, W_q, W_k, v_a):\n    return ((query @ W_q.T).unsqueeze(2) + (keys @ W_k.T).unsqueeze(1)) @ v_a'),
        'v_a 대신 합': (PUBLIC, 'def additive_score(query, keys, W_q, W_k, v_a):\n    return torch.tanh((query @ W_q.T).unsqueeze(2) + (keys @ W_k.T).unsqueeze(1)).sum(-1)'),
    },
    ('08-attention', 'q3'): {
        'sqrt(d)로 나누지 않음': (WRONG, 'def scaled_dot_attention(query, keys, mask):\n    s = (query @ keys.transpose(1, 2)).masked_fill(~mask.unsqueeze(1), float("-inf"))\n    w = torch.softmax(s, -1)\n    return w @ keys, w'),
        'F.scaled_dot_product_attention 호출': (FORBID, 'def scaled_dot_attention(query, keys, mask):\n    ctx = F.scaled_dot_product_attention(query, keys, keys, attn_mask=mask[:, None, :])\n    w = torch.softmax((query @ keys.transpose(1, 2) / math.sqrt(query.shape[-1])).masked_fill(~mask[:, None, :], float("-inf")), -1)\n    return ctx, w'),
        'ScaledDotScore 모듈로 점수': (FORBID, 'def scaled_dot_attention(query, keys, mask):\n    from seqlab.attention import ScaledDotScore\n    s = ScaledDotScore()(query, keys).masked_fill(~mask[:, None, :], float("-inf"))\n    w = torch.softmax(s, -1)\n    return w @ keys, w'),
        'torch._C._nn.scaled_dot_product_attention': (FORBID, 'def scaled_dot_attention(query, keys, mask):\n    ctx = torch._C._nn.scaled_dot_product_attention(query, keys, keys, attn_mask=mask[:, None, :])\n    w = torch.softmax((query @ keys.transpose(1, 2) / math.sqrt(query.shape[-1])).masked_fill(~mask[:, None, :], float("-inf")), -1)\n    return ctx, w', OPS),
        'torch.ops.aten.scaled_dot_product_attention': (FORBID, 'def scaled_dot_attention(query, keys, mask):\n    ctx = torch.ops.aten.scaled_dot_product_attention(query, keys, keys, attn_mask=mask[:, None, :])\n    w = torch.softmax((query @ keys.transpose(1, 2) / math.sqrt(query.shape[-1])).masked_fill(~mask[:, None, :], float("-inf")), -1)\n    return ctx, w', OPS),
    },
    ('08-attention', 'q4'): {
        '동점이면 뒤쪽 위치': (WRONG, 'def attended_tokens(weights, src_tokens):\n    S = weights.shape[1]\n    return [src_tokens[S - 1 - int(i)] for i in weights.flip(-1).argmax(-1)]\nalignment_30521 = attended_tokens(weights_30521, list("30521"))'),
        '왼쪽에서 오른쪽으로 읽는다고 짐작한 정렬': (WRONG, 'def attended_tokens(weights, src_tokens):\n    return [src_tokens[int(i)] for i in weights.argmax(dim=-1)]\nalignment_30521 = ["3", "3", "0", "5", "5", "2", "2", "1", "1"]'),
        '위치(정수)를 돌려줌': (PUBLIC, 'def attended_tokens(weights, src_tokens):\n    return [int(i) for i in weights.argmax(-1)]\nalignment_30521 = attended_tokens(weights_30521, list("30521"))'),
    },
    ('08-attention', 'q5'): {
        'log(softmax) (큰 점수에서 nan)': (WRONG, 'def mean_attention_entropy(d, scaled, S=10, n=200, seed=0):\n    g = torch.Generator().manual_seed(seed)\n    q = torch.randn(n, d, generator=g)\n    k = torch.randn(n, S, d, generator=g)\n    s = (k @ q.unsqueeze(-1)).squeeze(-1)\n    if scaled:\n        s = s / math.sqrt(d)\n    p = torch.softmax(s, -1)\n    return float(-(p * torch.log2(p)).sum(-1).mean())\nentropy_table = {d: (mean_attention_entropy(d, False), mean_attention_entropy(d, True)) for d in (4, 64, 1024)}'),
        '키를 먼저 뽑음(정해진 순서와 다름)': (PUBLIC, 'def mean_attention_entropy(d, scaled, S=10, n=200, seed=0):\n    g = torch.Generator().manual_seed(seed)\n    k = torch.randn(n, S, d, generator=g)\n    q = torch.randn(n, d, generator=g)\n    s = (k @ q.unsqueeze(-1)).squeeze(-1)\n    if scaled:\n        s = s / math.sqrt(d)\n    lp = torch.log_softmax(s, -1)\n    return float(-(lp.exp() * lp).sum(-1).mean() / math.log(2))\nentropy_table = {d: (mean_attention_entropy(d, False), mean_attention_entropy(d, True)) for d in (4, 64, 1024)}'),
        'ScaledDotScore로 점수': (FORBID, 'from seqlab.attention import DotScore, ScaledDotScore\ndef mean_attention_entropy(d, scaled, S=10, n=200, seed=0):\n    g = torch.Generator().manual_seed(seed)\n    q = torch.randn(n, d, generator=g)\n    k = torch.randn(n, S, d, generator=g)\n    s = (ScaledDotScore() if scaled else DotScore())(q.unsqueeze(1), k)[:, 0]\n    lp = torch.log_softmax(s, -1)\n    return float(-(lp.exp() * lp).sum(-1).mean() / math.log(2))\nentropy_table = {d: (mean_attention_entropy(d, False), mean_attention_entropy(d, True)) for d in (4, 64, 1024)}'),
        '짐작한 표': (WRONG, 'def mean_attention_entropy(d, scaled, S=10, n=200, seed=0):\n    g = torch.Generator().manual_seed(seed)\n    q = torch.randn(n, d, generator=g)\n    k = torch.randn(n, S, d, generator=g)\n    s = (k @ q.unsqueeze(-1)).squeeze(-1)\n    if scaled:\n        s = s / math.sqrt(d)\n    lp = torch.log_softmax(s, -1)\n    return float(-(lp.exp() * lp).sum(-1).mean() / math.log(2))\nentropy_table = {4: (2.0, 3.0), 64: (0.5, 3.0), 1024: (0.1, 3.0)}'),
    },
}

EXERCISES = ["05-char-rnn", "06-time-series", "07-seq2seq", "08-attention"]


@functools.lru_cache(maxsize=None)
def _notebook(name: str):
    """(base namespace, questions): the set-up and the given (non-question) code cells run once."""
    cells = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
    given, depth = [], 0
    for c in cells:
        s = "".join(c["source"])
        if c["cell_type"] == "raw":
            depth += s.startswith("# BEGIN QUESTION") - s.startswith("# END QUESTION")
        elif c["cell_type"] == "code" and depth == 0:
            given.append(s)
    ns: dict = {}
    for s in given:
        exec(s, ns)  # noqa: S102 - the course's own master
    _, qs = _questions(name)
    return ns, qs


def _public_flags(name: str, q: str) -> list[bool]:
    return [not t.lstrip().startswith("# HIDDEN") for t in _notebook(name)[1][q]["tests"]]


def _case_failures(name: str, q: str, extra: str | None) -> list[bool]:
    """For each case of the question (public and hidden, in order): did it fail?"""
    base, qs = _notebook(name)
    ns = dict(base)
    ns["student"] = local_student(ns)
    for d in qs[q]["solution"] + ([extra] if extra else []):
        exec(d, ns)  # noqa: S102
    failed = []
    for t in qs[q]["tests"]:
        try:
            exec(t, dict(ns))  # noqa: S102
            failed.append(False)
        except BaseException:  # noqa: BLE001 - a failed check, a forbidden call or a crash all reject
            failed.append(True)
    return failed


def _params():
    for (name, q), answers in sorted(ANSWERS.items()):
        for desc, spec in answers.items():
            kind, code = spec[0], spec[1]
            marks = [pytest.mark.xfail(not HAS_OPS, strict=False,
                                       reason="needs the operation-level forbid of the checks branch")] \
                if len(spec) > 2 and spec[2] is OPS else []
            yield pytest.param(name, q, kind, code, id=f"{name}-{q}-{desc}", marks=marks)


@pytest.mark.parametrize("name", EXERCISES)
def test_master_passes_every_case(name):
    _, qs = _notebook(name)
    for q in qs:
        assert _case_failures(name, q, None) == [False] * len(qs[q]["tests"]), (name, q)


@pytest.mark.parametrize("name, q, kind, code", list(_params()))
def test_wrong_answer_gets_no_points_beyond_its_honest_content(name, q, kind, code):
    failed = _case_failures(name, q, code)
    public = _public_flags(name, q)
    if kind == FORBID:  # every case ran the forbidden operation: no partial points anywhere
        assert all(failed), f"passed cases {[i for i, f in enumerate(failed) if not f]} (public: {public})"
    elif kind == PUBLIC:  # a stated requirement: the public check already says so
        assert any(f and p for f, p in zip(failed, public)), f"no public case failed: {failed}"
    else:
        assert any(failed), "no case failed"


def test_every_question_has_wrong_answers_of_several_kinds():
    for name in EXERCISES:
        _, qs = _notebook(name)
        assert set(qs) == {q for n, q in ANSWERS if n == name}, name
    kinds = {spec[0] for answers in ANSWERS.values() for spec in answers.values()}
    assert kinds == {FORBID, PUBLIC, WRONG}
