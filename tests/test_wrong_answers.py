"""Each exercise question rejects the wrong answers it was hardened against (issue 10).

For every question of exercises 1-4, 7 and 8, the master's own solution passes all its tests, and each
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
        '길이를 int32로': 'def pad_batch(seqs, pad_id):\n    L = max(len(s) for s in seqs)\n    return torch.tensor([s + [pad_id] * (L - len(s)) for s in seqs]), torch.tensor([len(s) for s in seqs], dtype=torch.int32)',
        '리스트를 돌려줌': 'def pad_batch(seqs, pad_id):\n    L = max(len(s) for s in seqs)\n    return [s + [pad_id] * (L - len(s)) for s in seqs], [len(s) for s in seqs]',
    },
    ('01-padding', 'q2'): {
        '패딩 행도 셈(padding_idx를 잊음)': 'def embedding_grad_rows(batch, vocab_size, pad_id):\n    return torch.bincount(batch.reshape(-1), minlength=vocab_size).float()',
        '나온 적 있으면 1': 'def embedding_grad_rows(batch, vocab_size, pad_id):\n    c = (torch.bincount(batch.reshape(-1), minlength=vocab_size) > 0).float()\n    c[pad_id] = 0\n    return c',
        '늘 id 0을 패딩으로 봄': 'def embedding_grad_rows(batch, vocab_size, pad_id):\n    c = torch.bincount(batch.reshape(-1), minlength=vocab_size).float()\n    c[0] = 0\n    return c',
        '정수 텐서를 돌려줌': 'def embedding_grad_rows(batch, vocab_size, pad_id):\n    c = torch.bincount(batch.reshape(-1), minlength=vocab_size)\n    c[pad_id] = 0\n    return c',
        '임베딩을 실행해 잼(nn.Embedding)': 'def embedding_grad_rows(batch, vocab_size, pad_id):\n    e = nn.Embedding(vocab_size, 1, padding_idx=pad_id)\n    e(batch).sum().backward()\n    return e.weight.grad[:, 0]',
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
        'int32 입력에 int32를 돌려줌': 'def batch_sizes_by_hand(lengths):\n    steps = torch.arange(int(lengths.max()))\n    return (lengths[None, :] > steps[:, None]).sum(1).to(lengths.dtype)',
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
        'batch_sizes를 그대로 돌려줌': 'def lengths_from_batch_sizes(batch_sizes):\n    return batch_sizes.clone()',
        '한 칸 어긋남(>=)': 'def lengths_from_batch_sizes(batch_sizes):\n    B = int(batch_sizes[0])\n    return (batch_sizes[None, :] >= torch.arange(B)[:, None]).sum(1)',
        '오름차순': 'def lengths_from_batch_sizes(batch_sizes):\n    B = int(batch_sizes[0])\n    return (batch_sizes[None, :] > torch.arange(B)[:, None]).sum(1).flip(0)',
        'B를 시간 단계 수로 봄': 'def lengths_from_batch_sizes(batch_sizes):\n    B = len(batch_sizes)\n    return (batch_sizes[None, :] > torch.arange(B)[:, None]).sum(1)',
        '실수 텐서': 'def lengths_from_batch_sizes(batch_sizes):\n    B = int(batch_sizes[0])\n    return (batch_sizes[None, :] > torch.arange(B)[:, None]).float().sum(1)',
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
        '리스트로 돌려줌': 'def rnn_shapes(B, L, d_in, d_h, num_layers, bidirectional, batch_first):\n    nd = 2 if bidirectional else 1\n    return [[B, L, nd * d_h] if batch_first else [L, B, nd * d_h], [num_layers * nd, B, d_h]]',
        '텐서로 돌려줌': 'def rnn_shapes(B, L, d_in, d_h, num_layers, bidirectional, batch_first):\n    nd = 2 if bidirectional else 1\n    return (torch.tensor((B, L, nd * d_h) if batch_first else (L, B, nd * d_h)), torch.tensor((num_layers * nd, B, d_h)))',
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
        '실수로 돌려줌': 'def h_n_slot(layer, backward, num_layers, bidirectional):\n    if backward and not bidirectional:\n        raise ValueError\n    return float((layer - 1) * (2 if bidirectional else 1) + int(backward))',
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
        '상태를 이어 넘기지 않음': 'def greedy_decode(step, sos, eos, max_len, state=None):\n    out, tok = [], sos\n    for _ in range(max_len):\n        logits, _ = step(tok, state)\n        tok = int(logits.argmax())\n        if tok == eos:\n            break\n        out.append(tok)\n    return out',
        '호출한 쪽의 상태를 무시함': 'def greedy_decode(step, sos, eos, max_len, state=None):\n    out, tok, state = [], sos, None\n    for _ in range(max_len):\n        logits, state = step(tok, state)\n        tok = int(logits.argmax())\n        if tok == eos:\n            break\n        out.append(tok)\n    return out',
        '텐서 id를 돌려줌': 'def greedy_decode(step, sos, eos, max_len, state=None):\n    out, tok = [], torch.tensor(sos)\n    for _ in range(max_len):\n        logits, state = step(tok, state)\n        tok = logits.argmax()\n        if int(tok) == eos:\n            break\n        out.append(tok)\n    return out',
        'eos를 0으로 가정(if not tok)': 'def greedy_decode(step, sos, eos, max_len, state=None):\n    out, tok = [], sos\n    for _ in range(max_len):\n        logits, state = step(tok, state)\n        tok = int(logits.argmax())\n        if tok == 0:\n            break\n        out.append(tok)\n    return out',
    },
    ('04-lstm-gru', 'q5'): {
        'LSTM을 i, f, o, g 순서로 봄(논문 순서)': 'def gate_rows(kind, gate, d_h):\n    order = {"lstm": ["input", "forget", "output", "cell"], "gru": ["reset", "update", "new"]}[kind]\n    if gate not in order:\n        raise ValueError\n    k = order.index(gate)\n    return k * d_h, (k + 1) * d_h',
        'GRU를 z, r, n 순서로 봄': 'def gate_rows(kind, gate, d_h):\n    order = {"lstm": ["input", "forget", "cell", "output"], "gru": ["update", "reset", "new"]}[kind]\n    if gate not in order:\n        raise ValueError\n    k = order.index(gate)\n    return k * d_h, (k + 1) * d_h',
        '잊기 게이트를 첫 덩어리로 봄': 'def gate_rows(kind, gate, d_h):\n    order = {"lstm": ["forget", "input", "cell", "output"], "gru": ["update", "reset", "new"]}[kind]\n    if gate not in order:\n        raise ValueError\n    k = order.index(gate)\n    return k * d_h, (k + 1) * d_h',
        '구간 끝을 포함(stop = start + d_h - 1)': 'def gate_rows(kind, gate, d_h):\n    order = {"lstm": ["input", "forget", "cell", "output"], "gru": ["reset", "update", "new"]}[kind]\n    if gate not in order:\n        raise ValueError\n    k = order.index(gate)\n    return k * d_h, (k + 1) * d_h - 1',
        '텐서 구간을 돌려줌': 'def gate_rows(kind, gate, d_h):\n    order = {"lstm": ["input", "forget", "cell", "output"], "gru": ["reset", "update", "new"]}[kind]\n    if gate not in order:\n        raise ValueError\n    k = torch.tensor(order.index(gate))\n    return k * d_h, (k + 1) * d_h',
        'GRU에 forget을 물어도 오류 없음': 'def gate_rows(kind, gate, d_h):\n    order = ["input", "forget", "cell", "output"] if kind == "lstm" else ["reset", "update", "new"]\n    k = order.index(gate) if gate in order else 1\n    return k * d_h, (k + 1) * d_h',
    },
    # exercises 5-8: tests/test_wrong_answers_5to8.py
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
    for name in ["01-padding", "02-packing", "03-rnn", "04-lstm-gru"]:  # 5-8: tests/test_wrong_answers_5to8.py
        _, qs = _questions(name)
        assert set(qs) == {q for n, q in WRONG if n == name}, name



# ------------------------------------------------------------------ forbidden operations (issue 16)
#
# Each answer below reaches an operation its question forbids by another route (a private C entry
# point, another module path, an alias or functools.partial bound before the test, a copied
# function object, the module file loaded again under another name, an equivalent tool). Every
# one must get no points: it fails every case, public and hidden, in this process and through the
# grader's judge. The public check (grader.check) therefore tells the student, too.

_RELOAD = ("import importlib.util as _u, sys as _s, seqlab.data as _d\n"
           "_spec = _u.spec_from_file_location('seqlab.data_copy', _d.__file__)\n"
           "mydata = _u.module_from_spec(_spec); _s.modules['seqlab.data_copy'] = mydata; _spec.loader.exec_module(mydata)\n")
_RELOAD_MODELS = _RELOAD.replace("seqlab.data as _d", "seqlab.models as _d").replace("seqlab.data_copy", "seqlab.models_copy").replace("mydata", "mymodels")

BYPASS = {
    ('01-padding', 'q1'): {
        'torch._C._nn.pad_sequence': 'def pad_batch(seqs, pad_id):\n    b = torch._C._nn.pad_sequence([torch.tensor(s) for s in seqs], True, float(pad_id), "right")\n    return b.long(), torch.tensor([len(s) for s in seqs])',
        'torch.ops.aten.pad_sequence': 'def pad_batch(seqs, pad_id):\n    b = torch.ops.aten.pad_sequence([torch.tensor(s) for s in seqs], True, float(pad_id))\n    return b.long(), torch.tensor([len(s) for s in seqs])',
        '다른 모듈 경로(seqlab.pad_sequences)': 'import seqlab\ndef pad_batch(seqs, pad_id):\n    return seqlab.pad_sequences(seqs, pad_id=pad_id)',
        '미리 묶은 functools.partial': 'import functools\nfrom torch.nn.utils.rnn import pad_sequence as _ps\n_pad = functools.partial(_ps, batch_first=True)\ndef pad_batch(seqs, pad_id):\n    return _pad([torch.tensor(s) for s in seqs], padding_value=pad_id).long(), torch.tensor([len(s) for s in seqs])',
        '복사한 함수 객체': 'import types\nfrom seqlab.data import pad_sequences as _f\n_copy = types.FunctionType(_f.__code__, _f.__globals__, "helper", _f.__defaults__)\n_copy.__kwdefaults__ = _f.__kwdefaults__\ndef pad_batch(seqs, pad_id):\n    return _copy(seqs, pad_id=pad_id)',
        '다른 이름으로 다시 읽은 모듈': _RELOAD + 'def pad_batch(seqs, pad_id):\n    return mydata.pad_sequences(seqs, pad_id=pad_id)',
        '중첩 텐서(torch.nested)': 'def pad_batch(seqs, pad_id):\n    nt = torch.nested.nested_tensor([torch.tensor(s) for s in seqs])\n    return nt.to_padded_tensor(pad_id).long(), torch.tensor([len(s) for s in seqs])',
        'pack_sequence + pad_packed_sequence': 'from torch.nn.utils.rnn import pack_sequence, pad_packed_sequence\ndef pad_batch(seqs, pad_id):\n    b, n = pad_packed_sequence(pack_sequence([torch.tensor(s) for s in seqs], enforce_sorted=False), batch_first=True, padding_value=pad_id)\n    return b.long(), n.long()',
    },
    ('01-padding', 'q2'): {
        'F.embedding으로 재기': 'import torch.nn.functional as F\ndef embedding_grad_rows(batch, vocab_size, pad_id):\n    w = torch.zeros(vocab_size, 1, requires_grad=True)\n    F.embedding(batch, w, padding_idx=pad_id).sum().backward()\n    return w.grad[:, 0]',
        'torch.embedding 내부 경로': 'def embedding_grad_rows(batch, vocab_size, pad_id):\n    w = torch.zeros(vocab_size, 1, requires_grad=True)\n    torch.embedding(w, batch, pad_id).sum().backward()\n    return w.grad[:, 0]',
        '미리 만든 임베딩': '_e = nn.Embedding(50, 1)\ndef embedding_grad_rows(batch, vocab_size, pad_id):\n    _e.zero_grad()\n    _e.padding_idx = pad_id\n    _e(batch).sum().backward()\n    return _e.weight.grad[:vocab_size, 0].clone()',
    },
    ('02-packing', 'q1'): {
        'torch.ops.aten._pack_padded_sequence': 'def batch_sizes_by_hand(lengths):\n    s = lengths.long().sort(descending=True).values\n    return torch.ops.aten._pack_padded_sequence(torch.zeros(len(s), int(s[0])), s, True)[1]',
        'torch._pack_padded_sequence': 'def batch_sizes_by_hand(lengths):\n    s = lengths.long().sort(descending=True).values\n    return torch._pack_padded_sequence(torch.zeros(len(s), int(s[0])), s, True)[1]',
        '다른 모듈 경로(seqlab.packed_batch_sizes)': 'import seqlab\ndef batch_sizes_by_hand(lengths):\n    return seqlab.packed_batch_sizes(lengths.long())',
        'pack_sequence': 'from torch.nn.utils.rnn import pack_sequence\ndef batch_sizes_by_hand(lengths):\n    return pack_sequence([torch.zeros(int(n)) for n in lengths], enforce_sorted=False).batch_sizes',
        '다른 이름으로 다시 읽은 모듈': _RELOAD + 'def batch_sizes_by_hand(lengths):\n    return mydata.packed_batch_sizes(lengths.long())',
    },
    ('02-packing', 'q2'): {
        'torch.ops.aten._pack_padded_sequence': 'def packed_data_by_hand(batch, lengths):\n    return torch.ops.aten._pack_padded_sequence(batch, lengths, True)[0]',
        '미리 묶은 별명': 'from torch.nn.utils import rnn as _r\n_pack = _r.pack_padded_sequence\ndef packed_data_by_hand(batch, lengths):\n    return _pack(batch, lengths, batch_first=True).data',
    },
    ('02-packing', 'q3'): {
        'seqlab.models.last_real_state': 'from seqlab.models import last_real_state\ndef last_real_states(out, lengths):\n    return last_real_state(out, lengths)',
        '다른 이름으로 다시 읽은 모듈': _RELOAD_MODELS + 'def last_real_states(out, lengths):\n    return mymodels.last_real_state(out, lengths)',
    },
    ('02-packing', 'q4'): {
        'pad_packed_sequence': 'from torch.nn.utils.rnn import PackedSequence, pad_packed_sequence\ndef lengths_from_batch_sizes(batch_sizes):\n    return pad_packed_sequence(PackedSequence(torch.zeros(int(batch_sizes.sum())), batch_sizes))[1]',
        'torch.ops.aten._pad_packed_sequence': 'def lengths_from_batch_sizes(batch_sizes):\n    return torch.ops.aten._pad_packed_sequence(torch.zeros(int(batch_sizes.sum())), batch_sizes, False, 0.0, len(batch_sizes))[1]',
        'unpack_sequence': 'from torch.nn.utils.rnn import PackedSequence, unpack_sequence\ndef lengths_from_batch_sizes(batch_sizes):\n    parts = unpack_sequence(PackedSequence(torch.zeros(int(batch_sizes.sum())), batch_sizes, torch.arange(int(batch_sizes[0])), torch.arange(int(batch_sizes[0]))))\n    return torch.tensor([len(p) for p in parts])',
    },
    ('02-packing', 'q5'): {
        'torch.ops.aten._pack_padded_sequence로 찾기': 'def packed_position(lengths, k, t):\n    lengths = torch.as_tensor(lengths)\n    order = lengths.argsort(descending=True)\n    x = torch.arange(len(lengths) * int(lengths.max())).view(len(lengths), -1)\n    data = torch.ops.aten._pack_padded_sequence(x[order], lengths[order], True)[0]\n    return int((data == x[k, t]).nonzero()[0, 0])',
    },
    ('03-rnn', 'q1'): {
        '다른 순환 층(nn.GRU)을 실행': 'def rnn_shapes(B, L, d_in, d_h, num_layers, bidirectional, batch_first):\n    m = nn.GRU(d_in, d_h, num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first)\n    o, h = m(torch.zeros((B, L, d_in) if batch_first else (L, B, d_in)))\n    return tuple(o.shape), tuple(h.shape)',
        'torch._VF.rnn_tanh': 'def rnn_shapes(B, L, d_in, d_h, num_layers, bidirectional, batch_first):\n    m = nn.RNN(d_in, d_h, num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first)\n    x = torch.zeros((B, L, d_in) if batch_first else (L, B, d_in))\n    nd = 2 if bidirectional else 1\n    o, h = torch._VF.rnn_tanh(x, torch.zeros(num_layers * nd, B, d_h), m._flat_weights, True, num_layers, 0.0, False, bidirectional, batch_first)\n    return tuple(o.shape), tuple(h.shape)',
    },
    ('03-rnn', 'q2'): {
        'torch._VF.rnn_tanh_cell': 'def rnn_step(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):\n    return torch._VF.rnn_tanh_cell(x_t, h_prev, W_ih, W_hh, b_ih, b_hh)',
        'torch.ops.aten.rnn_tanh_cell': 'def rnn_step(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):\n    return torch.ops.aten.rnn_tanh_cell(x_t, h_prev, W_ih, W_hh, b_ih, b_hh)',
        '미리 묶은 별명(torch.rnn_tanh_cell)': '_cell = torch.rnn_tanh_cell\ndef rnn_step(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):\n    return _cell(x_t, h_prev, W_ih, W_hh, b_ih, b_hh)',
        'seqlab.models의 ScratchRNNCell': 'from seqlab.models import ScratchRNNCell\ndef rnn_step(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):\n    c = ScratchRNNCell(W_ih.shape[1], W_ih.shape[0])\n    c.load_state_dict({"weight_ih": W_ih, "weight_hh": W_hh, "bias_ih": b_ih, "bias_hh": b_hh})\n    return c(x_t, h_prev)',
        '다른 순환 층(1단계 nn.RNN)': 'def rnn_step(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):\n    m = nn.RNN(W_ih.shape[1], W_ih.shape[0], batch_first=True)\n    m.load_state_dict({"weight_ih_l0": W_ih, "weight_hh_l0": W_hh, "bias_ih_l0": b_ih, "bias_hh_l0": b_hh})\n    return m(x_t[:, None], h_prev[None])[1][0]',
        '다른 이름으로 다시 읽은 모듈': _RELOAD_MODELS + 'def rnn_step(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):\n    c = mymodels.ScratchRNNCell(W_ih.shape[1], W_ih.shape[0])\n    c.load_state_dict({"weight_ih": W_ih, "weight_hh": W_hh, "bias_ih": b_ih, "bias_hh": b_hh})\n    return c(x_t, h_prev)',
    },
    ('03-rnn', 'q5'): {
        'RNN을 실행해 확인한 뒤 식으로 답함': 'def h_n_slot(layer, backward, num_layers, bidirectional):\n    nn.RNN(1, 1, num_layers=num_layers, bidirectional=bidirectional)(torch.zeros(1, 1, 1))\n    if backward and not bidirectional:\n        raise ValueError\n    return (layer - 1) * (2 if bidirectional else 1) + int(backward)',
    },
    ('03-rnn', 'q6'): {
        '양방향 RNN을 실행해 잼': 'def wrong_outputs(lengths, L):\n    lengths = torch.as_tensor(lengths)\n    torch.manual_seed(0)\n    bi = nn.RNN(2, 3, bidirectional=True, batch_first=True)\n    x = torch.randn(len(lengths), L, 2)\n    x[torch.arange(L)[None, :] >= lengths[:, None]] = 0\n    with torch.no_grad():\n        out, _ = bi(x)\n        want = torch.zeros(len(lengths), L, dtype=torch.bool)\n        for b, n in enumerate(lengths.tolist()):\n            alone, _ = bi(x[b:b + 1, :n])\n            want[b, :n] = ~torch.isclose(out[b, :n], alone[0], atol=1e-6).all(dim=1)\n    return want',
    },
    ('04-lstm-gru', 'q1'): {
        'torch._VF.lstm_cell': 'def lstm_step(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):\n    return torch._VF.lstm_cell(x_t, (h_prev, c_prev), W_ih, W_hh, b_ih, b_hh)',
        'torch.ops.aten.lstm_cell': 'def lstm_step(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):\n    return tuple(torch.ops.aten.lstm_cell(x_t, [h_prev, c_prev], W_ih, W_hh, b_ih, b_hh))',
        'seqlab.models의 ScratchLSTMCell': 'from seqlab.models import ScratchLSTMCell\ndef lstm_step(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):\n    c = ScratchLSTMCell(W_ih.shape[1], W_hh.shape[1])\n    c.load_state_dict({"weight_ih": W_ih, "weight_hh": W_hh, "bias_ih": b_ih, "bias_hh": b_hh})\n    return c(x_t, (h_prev, c_prev))',
        '다른 순환 층(1단계 nn.LSTM)': 'def lstm_step(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):\n    m = nn.LSTM(W_ih.shape[1], W_hh.shape[1], batch_first=True)\n    m.load_state_dict({"weight_ih_l0": W_ih, "weight_hh_l0": W_hh, "bias_ih_l0": b_ih, "bias_hh_l0": b_hh})\n    _, (h, c) = m(x_t[:, None], (h_prev[None], c_prev[None]))\n    return h[0], c[0]',
    },
    ('04-lstm-gru', 'q2'): {
        'torch._VF.gru_cell': 'def gru_step(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):\n    return torch._VF.gru_cell(x_t, h_prev, W_ih, W_hh, b_ih, b_hh)',
        'seqlab.models의 ScratchGRUCell(partial)': 'import functools\nfrom seqlab.models import ScratchGRUCell\ndef gru_step(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):\n    c = ScratchGRUCell(W_ih.shape[1], W_hh.shape[1])\n    c.load_state_dict({"weight_ih": W_ih, "weight_hh": W_hh, "bias_ih": b_ih, "bias_hh": b_hh})\n    return functools.partial(c.forward)(x_t, h_prev)',
        '다른 순환 층(1단계 nn.GRU)': 'def gru_step(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):\n    m = nn.GRU(W_ih.shape[1], W_hh.shape[1], batch_first=True)\n    m.load_state_dict({"weight_ih_l0": W_ih, "weight_hh_l0": W_hh, "bias_ih_l0": b_ih, "bias_hh_l0": b_hh})\n    return m(x_t[:, None], h_prev[None])[1][0]',
    },
    ('04-lstm-gru', 'q3'): {
        'seqlab.models.make_rnn으로 만들어 셈': "from seqlab.models import make_rnn\ndef recurrent_params(kind, d_in, d_h):\n    return sum(p.numel() for p in make_rnn(kind, d_in, d_h).parameters())",
        '셀 모듈을 만들어 셈(nn.LSTMCell)': "def recurrent_params(kind, d_in, d_h):\n    cls = {'rnn': nn.RNNCell, 'lstm': nn.LSTMCell, 'gru': nn.GRUCell}[kind]\n    return sum(p.numel() for p in cls(d_in, d_h).parameters())",
        'ScratchLSTMCell로 셈': "from seqlab import models as M\ndef recurrent_params(kind, d_in, d_h):\n    cls = {'rnn': M.ScratchRNNCell, 'lstm': M.ScratchLSTMCell, 'gru': M.ScratchGRUCell}[kind]\n    return sum(p.numel() for p in cls(d_in, d_h).parameters())",
        '미리 묶은 partial(nn.GRU)': "import functools\n_mk = {'rnn': functools.partial(nn.RNN), 'lstm': functools.partial(nn.LSTM), 'gru': functools.partial(nn.GRU)}\ndef recurrent_params(kind, d_in, d_h):\n    return sum(p.numel() for p in _mk[kind](d_in, d_h).parameters())",
    },
}


def _case_results(setup: str, definitions: list[str], tests: list[str]) -> list[bool]:
    """Whether each test cell passes (True) for a notebook made of ``setup`` and ``definitions``."""
    ns: dict = {}
    exec(setup, ns)  # binds student = local_student(globals())
    for d in definitions:
        exec(d, ns)
    out = []
    for t in tests:
        try:
            exec(t, dict(ns))
            out.append(True)
        except BaseException:  # noqa: BLE001 - a failed check, a forbidden call or a crash all reject
            out.append(False)
    return out


def _is_public(test: str) -> bool:
    return not test.lstrip().startswith("# HIDDEN")


@pytest.mark.parametrize("name, q", sorted(BYPASS))
def test_forbidden_operations_get_no_points_on_any_route(name, q, capsys):
    """Every case of the question (public and hidden) fails for every bypass."""
    from seqlab.checks import guard_intact

    setup, qs = _questions(name)
    tests = qs[q]["tests"]
    assert any(_is_public(t) for t in tests)
    for label, code in BYPASS[(name, q)].items():
        passed = _case_results(setup, qs[q]["solution"] + [code], tests)
        assert not any(passed), f"{name} {q}: {label} passed cases {[i for i, p in enumerate(passed) if p]}"
    assert guard_intact() is None


def test_bypasses_are_real_answers_when_nothing_is_forbidden():
    """Each bypass passes the public cases once nothing is forbidden (so the forbid is what rejects it)."""
    from seqlab import checks

    original = checks.LocalStudent.forbid
    import contextlib

    try:
        checks.LocalStudent.forbid = lambda self, *names: contextlib.nullcontext()
        for (name, q), answers in sorted(BYPASS.items()):
            setup, qs = _questions(name)
            for label, code in answers.items():
                public = [t for t in qs[q]["tests"] if _is_public(t)]
                passed = _case_results(setup, qs[q]["solution"] + [code], public)
                assert all(passed), f"{name} {q}: {label} is not a working answer: {passed}"
    finally:
        checks.LocalStudent.forbid = original
        checks._TAMPER_LOG.clear()


def test_public_checks_reject_stated_requirement_violations():
    """Wrong types (an int32 length, a float or tensor where an int is asked, ...) fail the public check."""
    for (name, q), labels in {('01-padding', 'q1'): ['길이를 int32로', '리스트를 돌려줌'],
                              ('01-padding', 'q2'): ['정수 텐서를 돌려줌'],
                              ('02-packing', 'q1'): ['int32 입력에 int32를 돌려줌'],
                              ('03-rnn', 'q1'): ['리스트로 돌려줌', '텐서로 돌려줌'],
                              ('03-rnn', 'q5'): ['실수로 돌려줌'],
                              ('04-lstm-gru', 'q3'): ['float를 돌려줌'],
                              ('04-lstm-gru', 'q4'): ['상태를 이어 넘기지 않음', '텐서 id를 돌려줌'],
                              ('04-lstm-gru', 'q5'): ['텐서 구간을 돌려줌']}.items():
        setup, qs = _questions(name)
        public = [t for t in qs[q]["tests"] if _is_public(t)]
        for label in labels:
            passed = _case_results(setup, qs[q]["solution"] + [WRONG[(name, q)][label]], public)
            assert not all(passed), f"{name} {q}: the public check passes {label}"


def _judge_scores(name: str, answers: dict[str, str], tmp_path, sandboxed: bool = False) -> dict[str, float]:
    """Scores that ``seqlab-grade``'s judge gives a notebook made of the master's set-up cell, every
    master solution, and ``answers`` ({question: code}) run after them (so they replace those)."""
    from seqlab.tools.grading.judge import Case, Question, exercise_imports, judge
    from seqlab.tools.grading.sandbox import Limits

    setup, qs = _questions(name)
    cells = [setup] + [c for q in sorted(qs) for c in qs[q]["solution"]] + list(answers.values())
    questions = {q: Question(q, [Case(t, not _is_public(t), 1.0) for t in qs[q]["tests"]]) for q in answers}
    tmp_path.mkdir(parents=True, exist_ok=True)
    report = judge(cells, questions, tmp_path / "log.txt", Limits(total=240, cell=120, call=30),
                   sandboxed=sandboxed, extra=exercise_imports(ROOT / "notebooks" / f"{name}.ipynb"))
    return report.scores


@pytest.mark.slow
@pytest.mark.parametrize("name", ["01-padding", "02-packing", "03-rnn", "04-lstm-gru"])
def test_the_grader_gives_bypasses_no_points(name, tmp_path):
    """Through the grader's judge (the student's code in its own process, in the sandbox where there is
    one): two runs per exercise, with the first and the last bypass of every question; zero points each."""
    from seqlab.tools.grading.sandbox import available

    sandboxed = available() == ""
    picks = {}
    for (n, q), answers in BYPASS.items():
        if n == name:
            labels = list(answers)
            picks[q] = [answers[labels[0]], answers[labels[-1]]]
    for k in (0, 1):
        answers = {q: codes[k] for q, codes in picks.items()}
        scores = _judge_scores(name, answers, tmp_path / str(k), sandboxed=sandboxed)
        assert scores == {q: 0.0 for q in answers}, scores
