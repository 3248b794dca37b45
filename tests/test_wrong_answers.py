"""Each exercise question rejects the wrong answers it was hardened against (issue 10).

For every question of exercises 1-4, the master's own solution passes all its tests, and each
listed wrong answer (a typical mistake, or a call the question forbids) fails at least one test.
The answers run in this process through ``seqlab.checks.local_student``, as in a student notebook.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

WRONG = {
    ('01-padding', 'q1'): {
        'seqlab.pad_sequences 호출': 'def pad_batch(seqs, pad_id):\n    from seqlab import pad_sequences\n    return pad_sequences(seqs, pad_id=pad_id)',
        'pad_id 대신 늘 0으로 채움': 'def pad_batch(seqs, pad_id):\n    L = max(len(s) for s in seqs)\n    return torch.tensor([s + [0] * (L - len(s)) for s in seqs]), torch.tensor([len(s) for s in seqs])',
        '길이를 pad_id가 아닌 칸 수로 셈': 'def pad_batch(seqs, pad_id):\n    L = max(len(s) for s in seqs)\n    b = torch.tensor([s + [pad_id] * (L - len(s)) for s in seqs])\n    return b, (b != pad_id).sum(1)',
        '리스트를 돌려줌': 'def pad_batch(seqs, pad_id):\n    L = max(len(s) for s in seqs)\n    return [s + [pad_id] * (L - len(s)) for s in seqs], [len(s) for s in seqs]',
    },
    ('01-padding', 'q2'): {
        'L 대신 max(lengths)': 'def make_mask(lengths, L):\n    return torch.arange(int(lengths.max()))[None, :] < lengths[:, None]',
        'seqlab.lengths_to_mask 호출': 'def make_mask(lengths, L):\n    from seqlab import lengths_to_mask\n    return lengths_to_mask(lengths, L)',
        '0/1 정수 마스크': 'def make_mask(lengths, L):\n    return (torch.arange(L)[None, :] < lengths[:, None]).long()',
        '<= 로 한 칸 더': 'def make_mask(lengths, L):\n    return torch.arange(L)[None, :] <= lengths[:, None]',
    },
    ('01-padding', 'q3'): {
        '전체에서 가장 긴 길이로 패딩': 'def batched_waste(lengths, batch_size):\n    return 1.0 - float(lengths.sum()) / (lengths.numel() * int(lengths.max()))\ntoy_sorted_waste = batched_waste(toy_lengths.sort(descending=True).values, 5)',
        '마지막 배치도 batch_size 행으로 셈': 'def batched_waste(lengths, batch_size):\n    cells = 0\n    for s in range(0, lengths.numel(), batch_size):\n        cells += batch_size * int(lengths[s:s + batch_size].max())\n    return 1.0 - int(lengths.sum()) / cells\ntoy_sorted_waste = batched_waste(toy_lengths.sort(descending=True).values, 5)',
        '함수 안에서 정렬함(주어진 순서를 무시)': 'def batched_waste(lengths, batch_size):\n    lengths = lengths.sort(descending=True).values\n    cells = 0\n    for s in range(0, lengths.numel(), batch_size):\n        c = lengths[s:s + batch_size]\n        cells += c.numel() * int(c.max())\n    return 1.0 - int(lengths.sum()) / cells\ntoy_sorted_waste = batched_waste(toy_lengths, 5)',
        '배치별 낭비 비율의 평균': 'def batched_waste(lengths, batch_size):\n    fr = []\n    for s in range(0, lengths.numel(), batch_size):\n        c = lengths[s:s + batch_size]\n        fr.append(1.0 - int(c.sum()) / (c.numel() * int(c.max())))\n    return sum(fr) / len(fr)\ntoy_sorted_waste = batched_waste(toy_lengths.sort(descending=True).values, 5)',
        '정렬하지 않은 장난감 배치로 toy_sorted_waste': 'def batched_waste(lengths, batch_size):\n    cells = 0\n    for s in range(0, lengths.numel(), batch_size):\n        c = lengths[s:s + batch_size]\n        cells += c.numel() * int(c.max())\n    return 1.0 - int(lengths.sum()) / cells\ntoy_sorted_waste = batched_waste(toy_lengths, 5)',
    },
    ('01-padding', 'q4'): {
        'padding_idx 없이 패딩 행만 0으로': 'torch.manual_seed(0)\nemb = nn.Embedding(TOY_VOCAB_SIZE, 8)\nwith torch.no_grad():\n    emb.weight[TOY_PAD_ID] = 0\ntoy_emb = emb(toy)',
        'padding_idx=1': 'torch.manual_seed(0)\nemb = nn.Embedding(TOY_VOCAB_SIZE, 8, padding_idx=1)\ntoy_emb = emb(toy)',
        'toy_emb를 다른 임베딩으로': 'torch.manual_seed(0)\nemb = nn.Embedding(TOY_VOCAB_SIZE, 8, padding_idx=TOY_PAD_ID)\ntoy_emb = nn.Embedding(TOY_VOCAB_SIZE, 8, padding_idx=TOY_PAD_ID)(toy)',
    },
    ('02-packing', 'q1'): {
        'pack_padded_sequence 호출': 'def batch_sizes_by_hand(lengths):\n    from torch.nn.utils.rnn import pack_padded_sequence\n    return pack_padded_sequence(torch.zeros(len(lengths), int(lengths.max())), lengths, batch_first=True, enforce_sorted=False).batch_sizes',
        'seqlab.packed_batch_sizes 호출': 'def batch_sizes_by_hand(lengths):\n    from seqlab import packed_batch_sizes\n    return packed_batch_sizes(lengths)',
        '>= 로 한 칸 어긋남': 'def batch_sizes_by_hand(lengths):\n    steps = torch.arange(int(lengths.max()))\n    return (lengths[None, :] >= steps[:, None]).sum(1)',
        '정렬된 길이를 돌려줌': 'def batch_sizes_by_hand(lengths):\n    return lengths.sort(descending=True).values',
    },
    ('02-packing', 'q2'): {
        '행 우선으로 진짜 토큰만(batch[mask])': 'def packed_data_by_hand(batch, lengths):\n    mask = torch.arange(batch.shape[1])[None, :] < lengths[:, None]\n    return batch[mask]',
        '열 우선이지만 0을 패딩으로 보고 뺌': 'def packed_data_by_hand(batch, lengths):\n    d = batch.t().reshape(-1)\n    return d[d != 0]',
        'pack_padded_sequence 호출': 'def packed_data_by_hand(batch, lengths):\n    from torch.nn.utils.rnn import pack_padded_sequence\n    return pack_padded_sequence(batch, lengths, batch_first=True).data',
    },
    ('02-packing', 'q3'): {
        '마지막 칸 out[:, -1]': 'def last_real_states(out, lengths):\n    return out[:, -1]',
        '한 칸 어긋남 out[b, lengths]': 'def last_real_states(out, lengths):\n    return out[torch.arange(out.shape[0]), lengths.clamp(max=out.shape[1] - 1)]',
        '0이 아닌 마지막 칸(패딩이 0이라고 가정)': 'def last_real_states(out, lengths):\n    n = (out != 0).any(-1).sum(1) - 1\n    return out[torch.arange(out.shape[0]), n]',
    },
    ('02-packing', 'q4'): {
        'sorted_idx를 그대로 돌려줌': 'def inverse_permutation(sorted_idx):\n    return sorted_idx',
        '뒤집음': 'def inverse_permutation(sorted_idx):\n    return sorted_idx.flip(0)',
    },
    ('02-packing', 'q5'): {
        '패딩된 격자의 위치 t*B + k': 'def packed_position(lengths, k, t):\n    return t * len(lengths) + k',
        '정렬을 잊음 sum(batch_sizes[:t]) + k': 'def packed_position(lengths, k, t):\n    lengths = torch.as_tensor(lengths)\n    return int(torch.clamp(lengths, max=t).sum()) + k',
        '행 우선으로 읽음 sum(lengths[:k]) + t': 'def packed_position(lengths, k, t):\n    lengths = torch.as_tensor(lengths)\n    return int(lengths[:k].sum()) + t',
        '오름차순으로 정렬': 'def packed_position(lengths, k, t):\n    lengths = torch.as_tensor(lengths)\n    rank = int(((lengths < lengths[k]) & (lengths > t)).sum())\n    return int(torch.clamp(lengths, max=t).sum()) + rank',
        'pack_padded_sequence로 찾기': 'def packed_position(lengths, k, t):\n    from torch.nn.utils.rnn import pack_padded_sequence\n    lengths = torch.as_tensor(lengths)\n    x = torch.arange(len(lengths) * int(lengths.max())).view(len(lengths), -1)\n    data = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False).data\n    return int((data == x[k, t]).nonzero()[0, 0])',
    },
    ('03-rnn', 'q1'): {
        'h_n도 batch_first를 따름': 'def rnn_shapes(B, L, d_in, d_h, num_layers, bidirectional, batch_first):\n    nd = 2 if bidirectional else 1\n    out = (B, L, nd * d_h) if batch_first else (L, B, nd * d_h)\n    h = (B, num_layers * nd, d_h) if batch_first else (num_layers * nd, B, d_h)\n    return out, h',
        '출력에 num_dirs를 곱하지 않음': 'def rnn_shapes(B, L, d_in, d_h, num_layers, bidirectional, batch_first):\n    nd = 2 if bidirectional else 1\n    return ((B, L, d_h) if batch_first else (L, B, d_h)), (num_layers * nd, B, d_h)',
        'h_n에 num_dirs를 곱하지 않음': 'def rnn_shapes(B, L, d_in, d_h, num_layers, bidirectional, batch_first):\n    nd = 2 if bidirectional else 1\n    return ((B, L, nd * d_h) if batch_first else (L, B, nd * d_h)), (num_layers, B, d_h)',
        'RNN을 실행해 모양을 읽음': 'def rnn_shapes(B, L, d_in, d_h, num_layers, bidirectional, batch_first):\n    m = nn.RNN(d_in, d_h, num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first)\n    o, h = m(torch.zeros((B, L, d_in) if batch_first else (L, B, d_in)))\n    return tuple(o.shape), tuple(h.shape)',
    },
    ('03-rnn', 'q2'): {
        '편향 하나만 씀': 'def rnn_step(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):\n    return torch.tanh(x_t @ W_ih.T + h_prev @ W_hh.T + b_ih)',
        'tanh를 빠뜨림': 'def rnn_step(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):\n    return x_t @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh',
        'W_hh를 전치하지 않음': 'def rnn_step(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):\n    return torch.tanh(x_t @ W_ih.T + b_ih + h_prev @ W_hh + b_hh)',
        'nn.RNNCell 호출': 'def rnn_step(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):\n    c = nn.RNNCell(W_ih.shape[1], W_ih.shape[0])\n    with torch.no_grad():\n        c.weight_ih.copy_(W_ih); c.weight_hh.copy_(W_hh); c.bias_ih.copy_(b_ih); c.bias_hh.copy_(b_hh)\n    return c(x_t, h_prev)',
    },
    ('03-rnn', 'q3'): {
        '정방향을 마지막 칸 outputs[:, -1, :d_h]에서 읽음': 'def bi_summary(outputs, lengths, d_h):\n    return torch.cat([outputs[:, -1, :d_h], outputs[:, 0, d_h:]], dim=1)',
        '역방향도 진짜 마지막 토큰에서 읽음': 'def bi_summary(outputs, lengths, d_h):\n    B = outputs.shape[0]\n    idx = (torch.as_tensor(lengths) - 1).view(B, 1, 1).expand(B, 1, 2 * d_h)\n    return outputs.gather(1, idx).squeeze(1)',
        '두 방향을 바꿔 이어 붙임': 'def bi_summary(outputs, lengths, d_h):\n    B = outputs.shape[0]\n    idx = (torch.as_tensor(lengths) - 1).view(B, 1, 1).expand(B, 1, d_h)\n    return torch.cat([outputs[:, 0, d_h:], outputs[:, :, :d_h].gather(1, idx).squeeze(1)], dim=1)',
        '패딩 없는 배치용 답(3장의 셀 그대로)': 'def bi_summary(outputs, lengths, d_h):\n    return torch.cat([outputs[:, -1, :d_h], outputs[:, 0, d_h:]], dim=1)',
    },
    ('03-rnn', 'q4'): {
        '버그 2만 고침(전치는 그대로)': 'class BuggyClassifier(nn.Module):\n    def __init__(self, d_in=3, d_h=8, num_classes=2):\n        super().__init__()\n        self.rnn = nn.RNN(d_in, d_h, batch_first=True)\n        self.fc = nn.Linear(d_h, num_classes)\nclass FixedClassifier(BuggyClassifier):\n    def forward(self, x):\n        out, h_n = self.rnn(x.transpose(0, 1))\n        return self.fc(out[:, -1])',
        '버그 1만 고침(마지막 행을 읽음)': 'class BuggyClassifier(nn.Module):\n    def __init__(self, d_in=3, d_h=8, num_classes=2):\n        super().__init__()\n        self.rnn = nn.RNN(d_in, d_h, batch_first=True)\n        self.fc = nn.Linear(d_h, num_classes)\nclass FixedClassifier(BuggyClassifier):\n    def forward(self, x):\n        out, h_n = self.rnn(x)\n        return self.fc(out[-1])',
        '첫 시간 단계를 읽음': 'class BuggyClassifier(nn.Module):\n    def __init__(self, d_in=3, d_h=8, num_classes=2):\n        super().__init__()\n        self.rnn = nn.RNN(d_in, d_h, batch_first=True)\n        self.fc = nn.Linear(d_h, num_classes)\nclass FixedClassifier(BuggyClassifier):\n    def forward(self, x):\n        out, h_n = self.rnn(x)\n        return self.fc(out[:, 0])',
    },
    ('03-rnn', 'q5'): {
        '방향 우선 배치 (backward*num_layers + layer-1)': 'def h_n_slot(layer, backward, num_layers, bidirectional):\n    if backward and not bidirectional:\n        raise ValueError\n    return int(backward) * num_layers + layer - 1',
        'num_dirs를 늘 2로 봄': 'def h_n_slot(layer, backward, num_layers, bidirectional):\n    if backward and not bidirectional:\n        raise ValueError\n    return (layer - 1) * 2 + int(backward)',
        '음수 인덱스 -1/-2만 씀': 'def h_n_slot(layer, backward, num_layers, bidirectional):\n    if backward and not bidirectional:\n        raise ValueError\n    return -1 if backward else -2',
        '단방향에 backward를 물어도 오류 없음': 'def h_n_slot(layer, backward, num_layers, bidirectional):\n    num_dirs = 2 if bidirectional else 1\n    return (layer - 1) * num_dirs + int(backward)',
        '층을 0부터 셈': 'def h_n_slot(layer, backward, num_layers, bidirectional):\n    if backward and not bidirectional:\n        raise ValueError\n    return layer * (2 if bidirectional else 1) + int(backward)',
    },
    ('03-rnn', 'q6'): {
        '패딩 자리를 표시함': 'def wrong_outputs(lengths, L):\n    lengths = torch.as_tensor(lengths)\n    return torch.arange(L).unsqueeze(0) >= lengths.unsqueeze(1)',
        '아무것도 틀리지 않는다고 답함': 'def wrong_outputs(lengths, L):\n    return torch.zeros(len(lengths), L, dtype=torch.bool)',
        '모든 진짜 자리가 틀린다고 답함(패딩 없는 시퀀스 포함)': 'def wrong_outputs(lengths, L):\n    lengths = torch.as_tensor(lengths)\n    return torch.arange(L).unsqueeze(0) < lengths.unsqueeze(1)',
        '마지막 진짜 토큰만 틀린다고 답함': 'def wrong_outputs(lengths, L):\n    lengths = torch.as_tensor(lengths)\n    return (torch.arange(L).unsqueeze(0) == (lengths - 1).unsqueeze(1)) & (lengths < L).unsqueeze(1)',
        'L 대신 max(lengths)와 비교': 'def wrong_outputs(lengths, L):\n    lengths = torch.as_tensor(lengths)\n    real = torch.arange(L).unsqueeze(0) < lengths.unsqueeze(1)\n    return real & (lengths < lengths.max()).unsqueeze(1)',
    },
    ('04-lstm-gru', 'q1'): {
        '게이트 순서를 i, f, o, g로': 'def lstm_step(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):\n    z = x_t @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh\n    i, f, o, g = z.chunk(4, 1)\n    c = torch.sigmoid(f) * c_prev + torch.sigmoid(i) * torch.tanh(g)\n    return torch.sigmoid(o) * torch.tanh(c), c',
        '잊기 게이트 없이 c_prev를 그대로 더함': 'def lstm_step(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):\n    z = x_t @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh\n    i, f, g, o = z.chunk(4, 1)\n    c = c_prev + torch.sigmoid(i) * torch.tanh(g)\n    return torch.sigmoid(o) * torch.tanh(c), c',
        'h_t에 tanh를 빠뜨림': 'def lstm_step(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):\n    z = x_t @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh\n    i, f, g, o = z.chunk(4, 1)\n    c = torch.sigmoid(f) * c_prev + torch.sigmoid(i) * torch.tanh(g)\n    return torch.sigmoid(o) * c, c',
        'nn.LSTMCell 호출': 'def lstm_step(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):\n    c = nn.LSTMCell(W_ih.shape[1], W_hh.shape[1])\n    with torch.no_grad():\n        c.weight_ih.copy_(W_ih); c.weight_hh.copy_(W_hh); c.bias_ih.copy_(b_ih); c.bias_hh.copy_(b_hh)\n    return c(x_t, (h_prev, c_prev))',
    },
    ('04-lstm-gru', 'q2'): {
        '논문식: 리셋 게이트를 h_prev에 곱함(b_hn 제외)': 'def gru_step(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):\n    d = h_prev.shape[1]\n    xr, xz, xn = (x_t @ W_ih.T + b_ih).chunk(3, 1)\n    hr, hz, _ = (h_prev @ W_hh.T + b_hh).chunk(3, 1)\n    r, z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)\n    n = torch.tanh(xn + (r * h_prev) @ W_hh[2 * d:].T + b_hh[2 * d:] * 0)\n    return (1 - z) * n + z * h_prev',
        'z와 1 - z를 바꿈': 'def gru_step(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):\n    xr, xz, xn = (x_t @ W_ih.T + b_ih).chunk(3, 1)\n    hr, hz, hn = (h_prev @ W_hh.T + b_hh).chunk(3, 1)\n    r, z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)\n    n = torch.tanh(xn + r * hn)\n    return z * n + (1 - z) * h_prev',
        'nn.GRUCell 호출': 'def gru_step(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):\n    c = nn.GRUCell(W_ih.shape[1], W_hh.shape[1])\n    with torch.no_grad():\n        c.weight_ih.copy_(W_ih); c.weight_hh.copy_(W_hh); c.bias_ih.copy_(b_ih); c.bias_hh.copy_(b_hh)\n    return c(x_t, h_prev)',
    },
    ('04-lstm-gru', 'q3'): {
        '편향 한 벌만 셈': "def recurrent_params(kind, d_in, d_h):\n    g = {'rnn': 1, 'lstm': 4, 'gru': 3}[kind]\n    return g * (d_h * d_in + d_h * d_h + d_h)",
        '모듈을 만들어 셈': "def recurrent_params(kind, d_in, d_h):\n    m = {'rnn': nn.RNN, 'lstm': nn.LSTM, 'gru': nn.GRU}[kind](d_in, d_h)\n    return sum(p.numel() for p in m.parameters())",
        'float를 돌려줌': "def recurrent_params(kind, d_in, d_h):\n    g = {'rnn': 1, 'lstm': 4, 'gru': 3}[kind]\n    return float(g * (d_h * d_in + d_h * d_h + 2 * d_h))",
        'GRU 게이트를 4개로 셈': "def recurrent_params(kind, d_in, d_h):\n    g = {'rnn': 1, 'lstm': 4, 'gru': 4}[kind]\n    return g * (d_h * d_in + d_h * d_h + 2 * d_h)",
    },
    ('04-lstm-gru', 'q4'): {
        'eos까지 포함해 돌려줌': 'def greedy_decode(step, sos, eos, max_len, state=None):\n    out, tok = [], sos\n    for _ in range(max_len):\n        logits, state = step(tok, state)\n        tok = int(logits.argmax())\n        out.append(tok)\n        if tok == eos:\n            break\n    return out',
        'max_len보다 하나 더 생성': 'def greedy_decode(step, sos, eos, max_len, state=None):\n    out, tok = [], sos\n    for _ in range(max_len + 1):\n        logits, state = step(tok, state)\n        tok = int(logits.argmax())\n        if tok == eos:\n            break\n        out.append(tok)\n    return out',
        'sos도 결과에 넣음': 'def greedy_decode(step, sos, eos, max_len, state=None):\n    out, tok = [sos], sos\n    for _ in range(max_len):\n        logits, state = step(tok, state)\n        tok = int(logits.argmax())\n        if tok == eos:\n            break\n        out.append(tok)\n    return out',
        'eos를 0으로 가정(if not tok)': 'def greedy_decode(step, sos, eos, max_len, state=None):\n    out, tok = [], sos\n    for _ in range(max_len):\n        logits, state = step(tok, state)\n        tok = int(logits.argmax())\n        if tok == 0:\n            break\n        out.append(tok)\n    return out',
    },
    ('04-lstm-gru', 'q5'): {
        'LSTM을 i, f, o, g 순서로 봄(논문 순서)': 'def gate_rows(kind, gate, d_h):\n    order = {"lstm": ["input", "forget", "output", "cell"], "gru": ["reset", "update", "new"]}[kind]\n    if gate not in order:\n        raise ValueError\n    k = order.index(gate)\n    return k * d_h, (k + 1) * d_h',
        'GRU를 z, r, n 순서로 봄': 'def gate_rows(kind, gate, d_h):\n    order = {"lstm": ["input", "forget", "cell", "output"], "gru": ["update", "reset", "new"]}[kind]\n    if gate not in order:\n        raise ValueError\n    k = order.index(gate)\n    return k * d_h, (k + 1) * d_h',
        '잊기 게이트를 첫 덩어리로 봄': 'def gate_rows(kind, gate, d_h):\n    order = {"lstm": ["forget", "input", "cell", "output"], "gru": ["update", "reset", "new"]}[kind]\n    if gate not in order:\n        raise ValueError\n    k = order.index(gate)\n    return k * d_h, (k + 1) * d_h',
        '구간 끝을 포함(stop = start + d_h - 1)': 'def gate_rows(kind, gate, d_h):\n    order = {"lstm": ["input", "forget", "cell", "output"], "gru": ["reset", "update", "new"]}[kind]\n    if gate not in order:\n        raise ValueError\n    k = order.index(gate)\n    return k * d_h, (k + 1) * d_h - 1',
        'GRU에 forget을 물어도 오류 없음': 'def gate_rows(kind, gate, d_h):\n    order = ["input", "forget", "cell", "output"] if kind == "lstm" else ["reset", "update", "new"]\n    k = order.index(gate) if gate in order else 1\n    return k * d_h, (k + 1) * d_h',
    },
}


def _questions(name: str):
    cells = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
    setup = next("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    qs, cur, mode = {}, None, None
    for c in cells:
        s = "".join(c["source"])
        if c["cell_type"] == "raw":
            if s.startswith("# BEGIN QUESTION"):
                cur = s.split("name:")[1].split()[0]
                qs[cur] = {"solution": [], "tests": []}
            mode = {"# BEGIN SOLUTION": "solution", "# BEGIN TESTS": "tests"}.get(s.strip(), None if s.startswith("# END") else mode)
        elif c["cell_type"] == "code" and cur and mode:
            qs[cur][mode].append(s)
    return setup, qs


def _failures(setup: str, definitions: list[str], tests: list[str]) -> list[str]:
    ns: dict = {}
    exec(setup, ns)  # binds student = local_student(globals())
    for d in definitions:
        exec(d, ns)
    failed = []
    for t in tests:
        try:
            exec(t, dict(ns))
        except BaseException as err:  # noqa: BLE001 - a failed check, a forbidden call or a crash all reject
            failed.append(type(err).__name__)
    return failed


@pytest.mark.parametrize("name, q", sorted({k for k in WRONG}))
def test_solution_passes_and_wrong_answers_are_rejected(name, q, capsys):
    setup, qs = _questions(name)
    assert q in qs, f"{name} has no question {q}"
    assert _failures(setup, qs[q]["solution"], qs[q]["tests"]) == []
    for wrong, code in WRONG[(name, q)].items():
        assert _failures(setup, qs[q]["solution"] + [code], qs[q]["tests"]), f"{name} {q}: not rejected: {wrong}"


def test_every_question_has_wrong_answers():
    for name in ["01-padding", "02-packing", "03-rnn", "04-lstm-gru"]:
        _, qs = _questions(name)
        assert set(qs) == {q for n, q in WRONG if n == name}, name

