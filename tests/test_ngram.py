"""seqlab.ngram: interpolated Kneser–Ney against brute-force counts; distributions sum to 1."""
import math
import random

import numpy as np
import pytest
import torch

from seqlab.ngram import KneserNeyLM

STREAM = [0, 1, 2, 1, 2, 3, 1, 2, 1, 0, 3, 3, 1, 2, 4, 1]  # V = 6: token 5 never occurs


def brute_bigram_prob(ids, V, D, a, w):
    """Interpolated Kneser–Ney of order 2, written straight from the formula with list counts."""
    bigrams = list(zip(ids[:-1], ids[1:]))
    after_a = [y for x, y in bigrams if x == a]
    distinct_bigrams = set(bigrams)
    cont = {u: sum(1 for (x, y) in distinct_bigrams if y == u) for u in range(V)}  # N1+(. u)
    n_cont = len(distinct_bigrams)  # N1+(. .)
    types_cont = sum(1 for u in range(V) if cont[u] > 0)
    p1 = max(cont[w] - D, 0) / n_cont + D * types_cont / n_cont / V
    if not after_a:
        return p1
    c_aw = after_a.count(w)
    return max(c_aw - D, 0) / len(after_a) + D * len(set(after_a)) / len(after_a) * p1


def brute_unigram_prob(ids, V, D, w):
    return max(ids.count(w) - D, 0) / len(ids) + D * len(set(ids)) / len(ids) / V


@pytest.mark.parametrize("D", [0.1, 0.5, 0.75, 1.0])
def test_order_1_and_2_match_a_brute_force_count(D):
    lm = KneserNeyLM(STREAM, 6, max_order=3)
    for w in range(6):
        assert lm.next_token_probs([], 1, D)[w] == pytest.approx(brute_unigram_prob(STREAM, 6, D, w))
    for a in range(6):  # a = 5 is a context never seen: all its mass goes to the order below
        p = lm.next_token_probs([3, a], 2, D)  # only the last token counts at order 2
        for w in range(6):
            assert p[w] == pytest.approx(brute_bigram_prob(STREAM, 6, D, a, w)), (a, w)


def test_distributions_sum_to_one_and_are_positive_for_every_order_and_context():
    rng = random.Random(0)
    ids = [rng.randrange(7) for _ in range(300)] + [1, 2, 3] * 20
    lm = KneserNeyLM(ids, 9, max_order=5)  # ids 7 and 8 never occur
    for order in range(1, 6):
        for D in [0.05, 0.6, 1.0]:
            for _ in range(20):
                ctx = [rng.randrange(9) for _ in range(rng.randrange(0, 6))]
                p = lm.next_token_probs(ctx, order, D)
                assert p.shape == (9,)
                assert p.sum() == pytest.approx(1.0, abs=1e-12)
                assert (p > 0).all()


def test_bits_equals_the_sum_of_next_token_log_probs_for_every_order():
    rng = random.Random(1)
    train = [rng.randrange(5) for _ in range(200)]
    val = [rng.randrange(6) for _ in range(40)]  # id 5 is unseen in training
    lm = KneserNeyLM(train, 6, max_order=4)
    for D in [0.3, 0.9]:
        got = lm.bits(torch.tensor(val), D)
        assert got.shape == (4,)
        for order in range(1, 5):
            want = -sum(math.log2(lm.next_token_probs(val[:i], order, D)[val[i]]) for i in range(1, len(val)))
            assert got[order - 1] == pytest.approx(want, rel=1e-10)
        stats = lm.stream_stats(val)
        np.testing.assert_allclose(lm.bits(val, D, stats=stats), got)
        per_token = lm.token_bits(val, 3, D)
        assert per_token.shape == (len(val) - 1,)
        assert per_token.sum() == pytest.approx(got[2])
        assert per_token[0] == pytest.approx(-math.log2(lm.next_token_probs(val[:1], 3, D)[val[1]]))


def test_a_repeated_pattern_is_learnt_by_the_higher_orders():
    ids = [0, 1, 2, 3] * 50
    lm = KneserNeyLM(ids, 4, max_order=3)
    bits = lm.bits([0, 1, 2, 3, 0, 1, 2, 3], 0.5)
    assert bits[0] == pytest.approx(14.0)  # unigram: 2 bits for each of the 7 predicted tokens
    assert bits[1] < 0.2 and bits[2] < 1.0  # the next token is (almost) certain given the previous one


def test_an_order_longer_than_the_training_stream_falls_back_to_the_orders_below():
    lm = KneserNeyLM([0, 1, 0], 3, max_order=5)  # no 4-gram or 5-gram was ever seen
    p = lm.next_token_probs([0, 1, 0, 1], 5, 0.5)
    np.testing.assert_allclose(p, lm.next_token_probs([0, 1, 0, 1], 4, 0.5))  # both hand down to order 3
    assert p.sum() == pytest.approx(1.0) and (p > 0).all()
    bits = lm.bits([0, 1, 0, 1, 2], 0.5)
    assert bits[4] == pytest.approx(bits[3])


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match=r"vocab_size에는 \[2, 2147483648\] 범위의 정수\(int\)가 와야 합니다\. 받은 값: 1"):
        KneserNeyLM([0, 1], 1, 2)
    with pytest.raises(ValueError, match=r"max_order에는 1 이상의 정수\(int\)가 와야 합니다\. 받은 값: 0"):
        KneserNeyLM([0, 1], 2, 0)
    with pytest.raises(ValueError, match=r"train_ids의 항목 \[1\] = 3: id는 어휘 범위 \[0, vocab_size=2\) 안에"):
        KneserNeyLM([0, 3], 2, 2)
    with pytest.raises(TypeError, match="train_ids에는 정수 토큰 id의 시퀀스가 와야"):
        KneserNeyLM("abc", 2, 2)
    with pytest.raises(ValueError, match=r"train_ids에는 토큰 id의 1차원 시퀀스.*받은 모양: \(2, 2\)"):
        KneserNeyLM(torch.zeros(2, 2, dtype=torch.long), 2, 2)
    lm = KneserNeyLM([0, 1, 0, 1], 2, 2)
    with pytest.raises(ValueError, match=r"discount에는 \(0, 1\] 구간의 실수.*받은 값: 0\.0"):
        lm.bits([0, 1], 0.0)
    with pytest.raises(ValueError, match=r"discount에는 \(0, 1\] 구간의 실수.*받은 값: 1\.5"):
        lm.next_token_probs([0], 2, 1.5)
    with pytest.raises(ValueError, match=r"order에는 \[1, max_order=2\] 범위의 정수\(int\)가 와야 합니다\. 받은 값: 3"):
        lm.next_token_probs([0], 3, 0.5)
    with pytest.raises(ValueError, match="ids의 토큰 수는 1입니다.*적어도 2개"):
        lm.bits([0], 0.5)
