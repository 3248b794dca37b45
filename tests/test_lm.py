"""seqlab.lm: the recurrent language model, generation, truncated BPTT, metrics and bad input."""
import math

import numpy as np
import pytest
import torch
from torch import nn

from seqlab.lm import (
    RecurrentLM,
    bits_per_token,
    bptt_batches,
    detach_state,
    evaluate_lm,
    generate,
    next_token_probs,
    perplexity,
    train_lm,
)


@pytest.mark.parametrize("kind, layers", [("gru", 1), ("lstm", 2), ("rnn", 1)])
def test_forward_shapes_and_state_carry(kind, layers):
    torch.manual_seed(0)
    lm = RecurrentLM(11, 4, 6, kind=kind, num_layers=layers)
    idx = torch.randint(0, 11, (3, 7))  # (B, T)
    logits, state = lm(idx)
    assert logits.shape == (3, 7, 11)
    h = state[0] if kind == "lstm" else state
    assert h.shape == (layers, 3, 6)
    # reading in two chunks with the state carried equals reading all at once
    a, s = lm(idx[:, :4])
    b, _ = lm(idx[:, 4:], s)
    assert torch.allclose(torch.cat([a, b], dim=1), logits, atol=1e-6)


def test_same_init_as_handwritten_embedding_gru_linear():
    torch.manual_seed(0)
    emb, gru, lin = nn.Embedding(9, 5, padding_idx=0), nn.GRU(5, 7, batch_first=True), nn.Linear(7, 9)
    torch.manual_seed(0)
    lm = RecurrentLM(9, 5, 7)
    assert torch.equal(lm.embedding.weight, emb.weight)
    assert torch.equal(lm.rnn.weight_hh_l0, gru.weight_hh_l0)
    assert torch.equal(lm.head.weight, lin.weight)


@pytest.mark.parametrize("call, err, msg", [
    (lambda: RecurrentLM(1, 4, 4), ValueError, r"vocab_size에는 2 이상의 정수\(int\)가 와야 합니다\. 받은 값: 1"),
    (lambda: RecurrentLM(5, 4, 4, kind="transformer"), ValueError,
     r"kind에는 'rnn', 'lstm', 'gru' 중 하나가 와야 합니다\. 받은 값: 'transformer'"),
    (lambda: RecurrentLM(5, 4, 4, pad_id=5), ValueError,
     r"pad_id에는 None 또는 \[0, vocab_size=5\) 범위의 정수가 와야 합니다\. 받은 값: 5"),
    (lambda: RecurrentLM(5, 4.0, 4), TypeError, r"d_w에는 1 이상의 정수\(int\)가 와야"),
    (lambda: RecurrentLM(5, 4, 4)(torch.zeros(2, 3)), TypeError, r"idx의 자료형\(dtype\)은 torch\.long"),
    (lambda: RecurrentLM(5, 4, 4)(torch.zeros(3, dtype=torch.long)), ValueError,
     r"idx에는 모양 \(B, T\), batch_first인 2차원 텐서가 와야 합니다.*받은 모양: \(3,\)"),
    (lambda: RecurrentLM(5, 4, 4)(torch.tensor([[1, 5]])), ValueError,
     r"idx의 토큰 id는 모두 어휘 범위 \[0, vocab_size=5\) 안에 있어야 합니다\. 범위 밖의 id: 5"),
    (lambda: RecurrentLM(5, 4, 4)([[1, 2]]), TypeError, r"idx에는 .*LongTensor가 와야"),
    (lambda: RecurrentLM(5, 4, 4)(torch.ones(2, 3, dtype=torch.long), torch.zeros(2, 1, 4)), ValueError,
     r"state의 모양\(shape\)이 맞지 않습니다\. 필요한 모양: \(num_layers, B, d_h\) = \(1, 2, 4\), "
     r"받은 모양: \(2, 1, 4\)"),
    (lambda: RecurrentLM(5, 4, 4, kind="lstm")(torch.ones(2, 3, dtype=torch.long), torch.zeros(1, 2, 4)),
     TypeError, r"state에는 \(h, c\) 튜플이 와야"),
])
def test_recurrent_lm_bad_input(call, err, msg):
    with pytest.raises(err, match=msg):
        call()


def test_next_token_probs_temperature_and_top_k():
    logits = torch.tensor([2.0, 1.0, 0.0, -1.0])
    p1 = next_token_probs(logits)
    assert torch.allclose(p1, torch.softmax(logits, -1))
    cold, hot = next_token_probs(logits, 0.5), next_token_probs(logits, 5.0)
    assert cold[0] > p1[0] > hot[0]  # low temperature sharpens, high flattens
    assert torch.allclose(hot.sum(), torch.tensor(1.0))
    top2 = next_token_probs(logits, 1.0, top_k=2)
    assert top2[2] == 0 and top2[3] == 0
    assert torch.allclose(top2[:2], torch.softmax(logits[:2], -1))
    batch = next_token_probs(torch.randn(3, 5, 7), 0.7, top_k=3)  # (..., V)
    assert batch.shape == (3, 5, 7) and torch.allclose(batch.sum(-1), torch.ones(3, 5))
    assert ((batch > 0).sum(-1) == 3).all()


@pytest.mark.parametrize("kwargs, err, msg", [
    ({"temperature": 0}, ValueError, r"temperature에는 0보다 큰 유한한 실수가 와야 합니다\. 받은 값: 0"),
    ({"temperature": -1.0}, ValueError, r"temperature에는 0보다 큰 유한한 실수가 와야 합니다\. 받은 값: -1\.0"),
    ({"temperature": float("nan")}, ValueError, r"temperature에는 0보다 큰 유한한 실수가 와야 합니다\. 받은 값: nan"),
    ({"top_k": 0}, ValueError, r"top_k에는 1 이상의 정수\(int\)가 와야"),
    ({"top_k": 5}, ValueError, r"top_k에는 1 이상 어휘 크기 V=4 이하의 정수가 와야 합니다\. 받은 값: 5"),
    ({"top_k": 2.0}, TypeError, r"top_k에는 1 이상의 정수\(int\)가 와야"),
])
def test_next_token_probs_bad_input(kwargs, err, msg):
    with pytest.raises(err, match=msg):
        next_token_probs(torch.zeros(4), **kwargs)


def test_next_token_probs_needs_float_logits():
    with pytest.raises(TypeError, match=r"logits에는 모양 \(\.\.\., V\)인 실수형 텐서가 와야"):
        next_token_probs(torch.tensor([1, 2]))


class _Fixed(nn.Module):
    """A fake model whose next token is always (input + 1) mod V, to test the loop itself."""

    def __init__(self, V=6):
        super().__init__()
        self.V = V
        self.dummy = nn.Parameter(torch.zeros(1))
        self.calls = []

    def forward(self, idx, state=None):
        self.calls.append(idx.shape[1])
        logits = torch.full((*idx.shape, self.V), -10.0)
        logits.scatter_(-1, ((idx + 1) % self.V).unsqueeze(-1), 10.0)
        return logits, state


def test_generate_greedy_feeds_back_and_stops_at_eos():
    m = _Fixed()
    assert generate(m, [0, 1], 10, greedy=True, eos_id=4) == [2, 3, 4]
    assert m.calls == [2, 1, 1]  # prefix read once, then one token per step
    assert generate(m, torch.tensor([3]), 3, greedy=True) == [4, 5, 0]
    assert generate(m, [3], 0, greedy=True) == []


def test_generate_sampling_is_reproducible_with_a_generator():
    torch.manual_seed(0)
    lm = RecurrentLM(8, 4, 8)
    a = generate(lm, [1, 2], 20, temperature=1.5, generator=torch.Generator().manual_seed(3))
    b = generate(lm, [1, 2], 20, temperature=1.5, generator=torch.Generator().manual_seed(3))
    assert a == b and len(a) == 20 and all(0 <= t < 8 for t in a)
    k1 = generate(lm, [1], 30, top_k=1, generator=torch.Generator().manual_seed(0))
    assert k1 == generate(lm, [1], 30, greedy=True)  # top-1 sampling is greedy
    lm.train()
    generate(lm, [1], 2, greedy=True)
    assert lm.training  # the training flag is restored


@pytest.mark.parametrize("prefix, kwargs, err, msg", [
    ([], {}, ValueError, "prefix에 토큰이 하나도 없습니다"),
    ("ab", {}, TypeError, "prefix에는 정수 토큰 id의 list가 와야 합니다.*텍스트는 먼저 encode해야"),
    ([1.0], {}, TypeError, r"prefix의 항목 \[0\]에는 정수\(int\) 토큰 id가 와야"),
    (torch.tensor([[1, 2]]), {}, TypeError, r"prefix에는 모양 \(T,\)인 1차원 정수 텐서"),
    ([1], {"temperature": 0.0}, ValueError, r"temperature에는 0보다 큰 유한한 실수가 와야.*greedy=True"),
    ([1], {"generator": 3}, TypeError, r"generator에는 None 또는 난수 생성기\(torch\.Generator\)가 와야"),
])
def test_generate_bad_input(prefix, kwargs, err, msg):
    lm = RecurrentLM(5, 4, 4)
    with pytest.raises(err, match=msg):
        generate(lm, prefix, 3, **kwargs)
    with pytest.raises(ValueError, match="max_new_tokens에는 0 이상의 정수"):
        generate(lm, [1], -1)


def test_bits_and_perplexity():
    assert bits_per_token(math.log(2)) == pytest.approx(1.0)
    assert bits_per_token(torch.tensor(math.log(8))) == pytest.approx(3.0)
    assert perplexity(math.log(70)) == pytest.approx(70.0)
    assert perplexity(0) == 1.0
    for bad in [-0.1, float("inf"), torch.ones(2)]:
        with pytest.raises(ValueError, match="loss에는 "):
            bits_per_token(bad)


def test_bptt_batches_rows_continue_across_batches():
    ids = list(range(1, 24))  # 23 tokens
    batches = bptt_batches(ids, batch_size=2, seq_len=4)  # n = 11 steps per row
    assert [tuple(x.shape) for x, _ in batches] == [(2, 4), (2, 4), (2, 3)]
    x0, y0 = batches[0]
    assert x0.tolist() == [[1, 2, 3, 4], [12, 13, 14, 15]]
    assert torch.equal(y0, x0 + 1)  # y is x shifted by one
    assert batches[1][0][:, 0].tolist() == [5, 16]  # row b of batch 1 continues row b of batch 0
    stream = torch.cat([x for x, _ in batches], dim=1)  # (B, n)
    assert stream.reshape(-1).tolist() == ids[:22]


@pytest.mark.parametrize("ids, kwargs, err, msg", [
    ([1, 2], {"batch_size": 2}, ValueError, r"batch_size=2에는 ids의 토큰이 너무 적습니다\(토큰 수 2\)"),
    (torch.zeros(2, 5, dtype=torch.long), {}, TypeError, r"ids에는 모양 \(N,\)인 1차원 정수 텐서가 와야"),
    (torch.zeros(5), {}, TypeError, r"ids에는 모양 \(N,\)인 1차원 정수 텐서가 와야"),
    (list(range(10)), {"batch_size": 0}, ValueError, "batch_size에는 1 이상의 정수"),
    (list(range(10)), {"seq_len": 1.5}, TypeError, "seq_len에는 1 이상의 정수"),
    ("abc", {}, TypeError, "ids에는 정수 토큰 id의 list가 와야 합니다.*텍스트는 먼저 encode해야"),
])
def test_bptt_batches_bad_input(ids, kwargs, err, msg):
    args = {"batch_size": 1, "seq_len": 2, **kwargs}
    with pytest.raises(err, match=msg):
        bptt_batches(ids, **args)


def test_detach_state():
    h = torch.ones(1, 2, 3, requires_grad=True) * 2
    assert not detach_state(h).requires_grad
    hc = detach_state((h, h))
    assert isinstance(hc, tuple) and not any(t.requires_grad for t in hc)
    assert detach_state(None) is None
    with pytest.raises(TypeError, match="state에는 텐서, 텐서의 튜플 또는 None이 와야"):
        detach_state([h])


def test_train_lm_learns_a_repeating_stream_and_evaluates():
    torch.manual_seed(0)
    ids = [1, 2, 3, 4, 5] * 60
    lm = RecurrentLM(6, 8, 16, pad_id=None)
    before = evaluate_lm(lm, ids, batch_size=4, seq_len=10)
    hist = train_lm(lm, ids, steps=60, batch_size=4, seq_len=10, lr=1e-2, clip=1.0, desc="t")
    after = evaluate_lm(lm, ids, batch_size=4, seq_len=10)
    assert len(hist.losses) == len(hist.grad_norms) == 60
    assert before > 1.0 and after < 0.1
    assert not lm.training
    with pytest.raises(ValueError, match=r"train_lm: clip에는 0보다 큰 유한한 실수가 와야"):
        train_lm(lm, ids, steps=1, clip=0)


# ------------------------------------------------------------ regressions: valid input, right result
def test_next_token_probs_tiny_temperature_is_greedy_not_nan():
    logits = torch.tensor([[1.0, 3.0, 2.0], [0.5, -1.0, 0.4]])  # float32
    probs = next_token_probs(logits, 1e-39)  # logits / 1e-39 overflows float32
    assert not torch.isnan(probs).any()
    assert torch.equal(probs, torch.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]))
    assert torch.equal(next_token_probs(logits, 1e-39, top_k=2), probs)
    tie = next_token_probs(torch.tensor([2.0, 2.0, 0.0]), 1e-39)  # a tie splits evenly
    assert torch.allclose(tie, torch.tensor([0.5, 0.5, 0.0]))
    # the ordinary path is untouched: the same numbers as before
    x = torch.randn(4, 7, generator=torch.Generator().manual_seed(0))
    assert torch.equal(next_token_probs(x, 0.7), torch.softmax(x / 0.7, dim=-1))


def test_generate_with_a_tiny_temperature_equals_greedy():
    torch.manual_seed(0)
    lm = RecurrentLM(7, 4, 8)
    greedy = generate(lm, [1, 2], 6, greedy=True)
    cold = generate(lm, [1, 2], 6, temperature=1e-39, generator=torch.Generator().manual_seed(0))
    assert cold == greedy


def test_perplexity_of_a_huge_loss_is_inf_and_bits_take_numpy_scalars():
    assert perplexity(1000.0) == math.inf
    assert perplexity(709.0) == pytest.approx(math.exp(709.0))
    assert bits_per_token(np.float32(math.log(2))) == pytest.approx(1.0)
    assert bits_per_token(np.float64(math.log(4))) == pytest.approx(2.0)
    assert bits_per_token(np.array(math.log(8), dtype=np.float32)) == pytest.approx(3.0)
    assert perplexity(np.float32(0.0)) == 1.0


def test_generate_refuses_an_eos_it_could_never_produce():
    lm = RecurrentLM(5, 4, 4)
    with pytest.raises(ValueError, match=r"eos_id에는 어휘 범위 \[0, vocab_size=5\) 안의 id가 와야 합니다\. 받은 값: 5"):
        generate(lm, [1], 3, eos_id=5)
    assert len(generate(lm, [1], 3, eos_id=4, greedy=True)) <= 3
