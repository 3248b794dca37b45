"""Property-based tests of seqlab's helpers (hypothesis): round trips, metamorphic relations,
agreement with PyTorch's own implementations, and fuzzed bad input.

Marked ``slow``: they run in ``make test``, not in ``make test-fast``. Bounded and deterministic
(``derandomize=True``: the same examples on every run and on CI; ``deadline=None``: timings on a
loaded machine never fail a test).
"""
from __future__ import annotations

import atexit
import math
import shutil
import tempfile
import unicodedata

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from seqlab import attention as A
from seqlab import data as D
from seqlab import korean as K
from seqlab import lm as LM
from seqlab import models as M
from seqlab import numbers as NUM
from seqlab import seq2seq as S2S
from seqlab import timeseries as TS

pytestmark = pytest.mark.slow

# hypothesis keeps a cache folder; put it outside the working tree (the tests never write there)
_HOME = tempfile.mkdtemp(prefix="seqlab-hypothesis-")
set_hypothesis_home_dir(_HOME)
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)

FAST = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FEW = settings(FAST, max_examples=15)

# ---------------------------------------------------------------------------------- strategies
tokens = st.text(alphabet="가나다라abc<>", min_size=1, max_size=4)
sentences = st.lists(st.lists(tokens, min_size=1, max_size=8), min_size=1, max_size=5)
id_seqs = st.lists(st.lists(st.integers(1, 30), min_size=1, max_size=9), min_size=1, max_size=6)


@st.composite
def padded_batches(draw, vocab=12):
    """(batch (B, L) LongTensor, lengths (B,)) with pad id 0 and ids in 1..vocab-1."""
    seqs = draw(st.lists(st.lists(st.integers(1, vocab - 1), min_size=1, max_size=7), min_size=1, max_size=5))
    return D.pad_sequences(seqs)


# ---------------------------------------------------------------------------------- round trips
@FAST
@given(sentences)
def test_vocab_encode_decode_round_trip(sents):
    vocab = D.build_vocab(sents)
    for s in sents:
        ids = vocab.encode(s)
        assert all(0 < i < len(vocab) for i in ids)  # never the padding id
        assert vocab.decode(ids) == s
        assert vocab.decode(torch.tensor(ids)) == s
        assert vocab.decode(np.array(ids)) == s


def _parse_korean(text: str) -> int:
    """The inverse of read_korean, written independently of it."""
    digits = {ch: k for k, ch in enumerate(NUM.DIGITS_KO)}
    small = {"십": 10, "백": 100, "천": 1000}
    large = {"만": 10**4, "억": 10**8, "조": 10**12}
    if text == "영":
        return 0
    total = 0
    for word in text.split(" "):
        unit = 1
        if word[-1] in large:
            word, unit = word[:-1], large[word[-1]]
        group, digit = 0, None
        for ch in word:
            if ch in digits:
                digit = digits[ch]
            else:
                group += (1 if digit is None else digit) * small[ch]
                digit = None
        group += digit or 0
        total += (group or 1) * unit
    return total


@FAST
@given(st.integers(0, 10**16 - 1))
def test_read_korean_parses_back(n):
    text = NUM.read_korean(n)
    assert _parse_korean(text) == n
    assert NUM.read_korean(str(n)) == text
    assert NUM.number_split(str(n)) in ("train", "val", "test")
    assert "  " not in text and not text.startswith(" ") and not text.endswith(" ")


@FEW
@given(st.sampled_from(["train", "val", "test"]), st.integers(0, 10**6))
def test_sample_numbers_stay_in_their_split(split, seed):
    nums = NUM.sample_numbers(20, split, max_digits=6, seed=seed)
    assert len(set(nums)) == 20 and all(NUM.number_split(s) == split for s in nums)


hangul = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)
texts = st.text(alphabet=st.one_of(hangul, st.sampled_from(" .,abc0123")), max_size=30)


@FAST
@given(texts)
def test_jamo_round_trip_and_agreement_with_unicodedata(text):
    jamo = K.to_jamo(text)
    assert jamo == unicodedata.normalize("NFD", text)
    assert K.from_jamo(jamo) == text == unicodedata.normalize("NFC", jamo)
    assert K.invalid_jamo_positions(jamo) == []


@FAST
@given(id_seqs)
def test_pad_pack_unpack_round_trip(seqs):
    batch, lengths = D.pad_sequences(seqs)  # (B, L), (B,)
    D.check_padded_batch(batch, lengths)
    emb = batch.unsqueeze(-1).float()  # (B, L, 1)
    packed = pack_padded_sequence(emb, lengths, batch_first=True, enforce_sorted=False)
    assert torch.equal(packed.batch_sizes, D.packed_batch_sizes(lengths))
    assert packed.data.shape[0] == int(lengths.sum())
    back, back_lengths = pad_packed_sequence(packed, batch_first=True)
    assert torch.equal(back.squeeze(-1).long(), batch) and torch.equal(back_lengths, lengths)
    time_first, _ = D.pad_sequences(seqs, batch_first=False)  # (L, B)
    assert torch.equal(time_first, batch.t())
    sorted_lengths, idx, inverse = D.sort_by_length(lengths)
    assert torch.equal(sorted_lengths[inverse], lengths) and torch.equal(lengths[idx], sorted_lengths)
    assert torch.equal(D.lengths_to_mask(lengths), batch != 0)


# ---------------------------------------------------------------------------------- metamorphic
def _permutation(data, B):
    return torch.tensor(data.draw(st.permutations(list(range(B)))))


@FEW
@given(padded_batches(), st.data(), st.sampled_from(["rnn", "lstm", "gru"]), st.booleans())
def test_classifier_commutes_with_batch_permutation_and_ignores_extra_padding(batch_lengths, data, kind, bi):
    batch, lengths = batch_lengths
    torch.manual_seed(0)
    model = M.SequenceClassifier(12, 3, kind=kind, d_w=4, d_h=5, bidirectional=bi).eval()
    with torch.no_grad():
        out = model(batch, lengths)  # (B, C)
        perm = _permutation(data, batch.shape[0])
        assert torch.allclose(model(batch[perm], lengths[perm]), out[perm], atol=1e-6)
        extra = nn.functional.pad(batch, (0, 3), value=0)  # (B, L + 3): more padding
        assert torch.allclose(model(extra, lengths), out, atol=1e-6)
        tags = M.SequenceTagger(12, 2, kind=kind, d_w=4, d_h=5, bidirectional=bi).eval()
        t1 = tags(batch, lengths)  # (B, L, 2)
        t2 = tags(extra, lengths)  # (B, L + 3, 2)
        mask = D.lengths_to_mask(lengths)  # (B, L)
        assert torch.allclose(t1[mask], t2[:, : batch.shape[1]][mask], atol=1e-6)


@FEW
@given(padded_batches(vocab=8), st.data())
def test_encoder_and_greedy_decoding_ignore_extra_padding_and_batch_order(batch_lengths, data):
    src, src_lengths = batch_lengths
    torch.manual_seed(0)
    model = S2S.EncoderDecoder(S2S.GRUEncoder(8, d_w=4, d_h=6),
                               A.AttentionDecoder(9, d_w=4, d_h=6, score=data.draw(st.sampled_from(A.SCORES[:4]))))
    model.eval()
    with torch.no_grad():
        memory, final = model.encoder(src, src_lengths)  # (B, S, 6), (B, 6)
        extra = nn.functional.pad(src, (0, 2), value=0)  # (B, S + 2)
        memory2, final2 = model.encoder(extra, src_lengths)
        mask = D.lengths_to_mask(src_lengths)  # (B, S)
        assert torch.allclose(memory[mask], memory2[:, : src.shape[1]][mask], atol=1e-6)
        assert torch.allclose(final, final2, atol=1e-6)
        assert (memory2[:, src.shape[1]:] == 0).all()
        r1 = S2S.greedy_decode(model, src, src_lengths, max_len=5)
        r2 = S2S.greedy_decode(model, extra, src_lengths, max_len=5)
        assert torch.equal(r1.tokens, r2.tokens)
        perm = _permutation(data, src.shape[0])
        r3 = S2S.greedy_decode(model, src[perm], src_lengths[perm], max_len=5)
        assert torch.equal(r3.tokens, r1.tokens[perm])


@FAST
@given(st.integers(1, 4), st.integers(1, 3), st.integers(1, 6), st.data())
def test_masked_softmax_agrees_with_softmax_on_real_positions(B, T, S, data):
    g = torch.Generator().manual_seed(data.draw(st.integers(0, 1000)))
    scores = torch.randn(B, T, S, generator=g) * 5  # (B, T, S)
    lengths = torch.tensor(data.draw(st.lists(st.integers(1, S), min_size=B, max_size=B)))
    mask = D.lengths_to_mask(lengths, S)  # (B, S)
    w = A.masked_softmax(scores, mask)  # (B, T, S)
    junk = scores.masked_fill(~mask.unsqueeze(1), float("nan"))  # anything at padded positions
    assert torch.equal(A.masked_softmax(junk, mask), w)
    for b in range(B):
        n = int(lengths[b])
        assert torch.allclose(w[b, :, :n], torch.softmax(scores[b, :, :n], dim=-1), atol=1e-6)
        assert (w[b, :, n:] == 0).all()
    two_d = A.masked_softmax(scores[:, 0], mask)  # (B, S)
    assert torch.allclose(two_d, w[:, 0])


# ---------------------------------------------------------------------------------- PyTorch references
@FEW
@given(st.sampled_from(["rnn", "lstm", "gru"]), st.integers(1, 3), st.integers(1, 4), st.integers(1, 5),
       st.integers(1, 5), st.integers(0, 1000))
def test_scratch_cells_agree_with_pytorch(kind, B, L, d_in, d_h, seed):
    torch.manual_seed(seed)
    ref = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind](d_in, d_h, batch_first=True)
    cell_ref = {"rnn": nn.RNNCell, "lstm": nn.LSTMCell, "gru": nn.GRUCell}[kind](d_in, d_h)
    scratch = {"rnn": M.ScratchRNNCell, "lstm": M.ScratchLSTMCell, "gru": M.ScratchGRUCell}[kind](d_in, d_h)
    scratch.load_state_dict({k.removesuffix("_l0"): v for k, v in ref.state_dict().items()})
    cell_ref.load_state_dict(scratch.state_dict())
    x = torch.randn(B, L, d_in)  # (B, L, d_in)
    with torch.no_grad():
        out_ref, h_ref = ref(x)  # (B, L, d_h)
        out, state = M.unroll(scratch, x)
        out_cell, _ = M.unroll(cell_ref, x)
        out_tf, _ = M.unroll(scratch, x.transpose(0, 1), batch_first=False)  # (L, B, d_in)
    assert torch.allclose(out, out_ref, atol=1e-5) and torch.allclose(out_cell, out_ref, atol=1e-5)
    assert torch.allclose(out_tf.transpose(0, 1), out, atol=1e-6)
    h_last = state[0] if kind == "lstm" else state
    assert torch.allclose(h_last, (h_ref[0] if kind == "lstm" else h_ref)[0], atol=1e-5)
    lengths = torch.randint(1, L + 1, (B,))
    assert torch.equal(M.last_real_state(out, lengths), out[torch.arange(B), lengths - 1])


@FAST
@given(st.lists(st.floats(-50, 50), min_size=1, max_size=8),
       st.one_of(st.floats(1e-300, 1e30), st.sampled_from([5e-324, 1e-45, 1e-39, 1e-38])), st.data())
def test_next_token_probs_is_a_distribution_for_every_temperature(values, temperature, data):
    logits = torch.tensor(values, dtype=torch.float32)  # (V,)
    top_k = data.draw(st.one_of(st.none(), st.integers(1, len(values))))
    p = LM.next_token_probs(logits, temperature, top_k)
    assert not torch.isnan(p).any() and (p >= 0).all()
    assert torch.allclose(p.sum(), torch.tensor(1.0), atol=1e-5)
    assert p[int(logits.argmax())] == p.max()  # the most likely token keeps the largest probability
    if top_k is not None:
        assert int((p > 0).sum()) <= top_k


@FAST
@given(st.floats(0, 1e6))
def test_loss_conversions_never_raise_on_a_valid_loss(loss):
    assert LM.bits_per_token(loss) == pytest.approx(loss / math.log(2))
    ppl = LM.perplexity(np.float32(loss))
    assert ppl >= 1.0 and (math.isinf(ppl) or ppl == pytest.approx(math.exp(float(np.float32(loss)))))


@FAST
@given(st.sampled_from([np.float16, np.float32, np.float64]), st.integers(6, 30), st.integers(1, 3),
       st.integers(1, 4), st.integers(1, 3), st.integers(0, 1000))
def test_make_windows_identity(dtype, L, F, T, H, seed):
    if T + H > L:
        return
    rng = np.random.default_rng(seed)
    series = (rng.standard_normal((L, F)) * 1000).astype(dtype)  # (L, F)
    target = int(rng.integers(-F, F))
    X, y, t = TS.make_windows(series, T, H, target=target)
    assert X.dtype == y.dtype == dtype and X.shape == (len(t), T, F) and y.shape == (len(t), H)
    for i in range(len(t)):
        assert np.array_equal(y[i], series[t[i]:t[i] + H, target])
        assert np.array_equal(X[i], series[t[i] - T:t[i]])
    scaler = TS.Scaler("standard").fit(series[: L // 2 + 1])
    back = scaler.inverse_transform(scaler.transform(series))
    assert np.allclose(back, series.astype(np.float64), rtol=1e-3, atol=1e-2)


# ---------------------------------------------------------------------------------- fuzzed bad input
junk = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=4), st.lists(st.one_of(st.integers(-3, 3), st.floats(-3, 3), st.text(max_size=2)), max_size=4),
    st.lists(st.lists(st.integers(-3, 3), max_size=3), max_size=3),
    st.builds(torch.tensor, st.lists(st.floats(-3, 3), min_size=1, max_size=3)),
    st.builds(lambda n: torch.arange(n), st.integers(0, 3)),
)

CALLS = {
    "pad_sequences": lambda x: D.pad_sequences(x),
    "pad_sequences(pad_id)": lambda x: D.pad_sequences([[1, 2]], pad_id=x),
    "sort_by_length": lambda x: D.sort_by_length(x),
    "lengths_to_mask": lambda x: D.lengths_to_mask(x),
    "lengths_to_mask(max_len)": lambda x: D.lengths_to_mask([2], max_len=x),
    "packed_batch_sizes": lambda x: D.packed_batch_sizes(x),
    "check_padded_batch(lengths)": lambda x: D.check_padded_batch(torch.tensor([[1, 0]]), x),
    "Vocab.decode": lambda x: D.build_vocab([["a", "b"]]).decode(x),
    "Vocab.encode": lambda x: D.build_vocab([["a", "b"]]).encode(x),
    "build_vocab": lambda x: D.build_vocab(x),
    "read_korean": lambda x: NUM.read_korean(x),
    "number_split": lambda x: NUM.number_split(x),
    "number_pairs": lambda x: NUM.number_pairs(x),
    "next_token_probs(temperature)": lambda x: LM.next_token_probs(torch.zeros(3), x),
    "next_token_probs(top_k)": lambda x: LM.next_token_probs(torch.zeros(3), 1.0, x),
    "bits_per_token": lambda x: LM.bits_per_token(x),
    "perplexity": lambda x: LM.perplexity(x),
    "bptt_batches": lambda x: LM.bptt_batches(x, 1, 2),
    "make_windows(window)": lambda x: TS.make_windows(np.arange(10.0), x),
    "make_windows(series)": lambda x: TS.make_windows(x, 1),
    "split_points": lambda x: TS.split_points(100, x),
    "mae": lambda x: TS.mae(x, x),
    "strip_eos": lambda x: S2S.strip_eos(x),
    "last_real_state(lengths)": lambda x: M.last_real_state(torch.zeros(2, 3, 1), x),
    "masked_softmax(mask)": lambda x: A.masked_softmax(torch.zeros(1, 3), x),
    "to_jamo": lambda x: K.to_jamo(x),
    "split_by_position(val_fraction)": lambda x: K.split_by_position("abcdef", x),
    "make_score(d_h)": lambda x: A.make_score("general", x),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_fuzzed_bad_input_raises_only_type_or_value_errors(name):
    call = CALLS[name]

    @FAST
    @given(junk)
    def run(x):
        try:
            call(x)
        except (TypeError, ValueError) as exc:
            assert str(exc), f"{name}({x!r}) raised {type(exc).__name__} without a message"
            assert "torch" not in type(exc).__module__

    run()


# ------------------------------------------------------------------ regressions found by probing
@FAST
@given(st.floats(min_value=-300, max_value=300), st.lists(st.floats(-10, 10), min_size=1, max_size=8))
def test_rmse_is_scale_equivariant_for_huge_and_tiny_errors(exponent, errors):
    """rmse(c * e, 0) == c * rmse(e, 0), also where the squares over- or underflow a float64."""
    e = np.array(errors)
    scale = 2.0 ** round(exponent * 3.3)  # a power of two scales exactly
    base = TS.rmse(e, np.zeros_like(e))
    assert TS.rmse(e * scale, np.zeros_like(e)) == pytest.approx(base * scale, rel=1e-12, abs=0)


def test_rmse_of_huge_errors_is_finite():
    assert TS.rmse([1e200], [-1e200]) == pytest.approx(2e200)
    assert TS.rmse([1e-200], [0.0]) == pytest.approx(1e-200)


@FAST
@given(st.lists(st.floats(-10, 10), min_size=4, max_size=12), st.integers(-1000, 1000))
def test_diebold_mariano_is_scale_invariant(losses, exponent):
    """The statistic of c * (loss_a - loss_b) is that of the differences themselves, for huge and tiny c."""
    a = np.array(losses)
    if np.all(a == a[0]):
        return
    b = np.zeros_like(a)
    scale = 2.0 ** exponent
    if not np.isfinite(a * scale).all() or (a * scale / scale != a).any():
        return  # over- or underflows the data itself
    assert TS.diebold_mariano(a * scale, b) == pytest.approx(TS.diebold_mariano(a, b), rel=1e-9)


def test_diebold_mariano_constant_difference_is_an_error_not_a_huge_statistic():
    with pytest.raises(ValueError, match="상수"):
        TS.diebold_mariano([0.3] * 7, [0.1] * 7)  # 0.3 - 0.1 is the same float everywhere
