"""seqlab.models, seqlab.tasks, seqlab.train: numerics against PyTorch, behaviour, bad input."""
import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from seqlab.models import (
    ScratchGRUCell,
    ScratchLSTMCell,
    ScratchRNNCell,
    SequenceClassifier,
    SequenceTagger,
    last_real_state,
    make_rnn,
    unroll,
)
from seqlab.tasks import first_token_task, majority_task, running_majority_task
from seqlab.train import accuracy, count_parameters, fit, set_remember_bias

CELLS = [(ScratchRNNCell, nn.RNNCell, nn.RNN), (ScratchLSTMCell, nn.LSTMCell, nn.LSTM),
         (ScratchGRUCell, nn.GRUCell, nn.GRU)]


@pytest.mark.parametrize("scratch, ref_cell, ref_layer", CELLS)
def test_scratch_cells_match_pytorch_to_1e6(scratch, ref_cell, ref_layer):
    torch.manual_seed(0)
    ref = ref_cell(5, 7)
    mine = scratch(5, 7)
    mine.load_state_dict(ref.state_dict())  # same names and layout
    x = torch.randn(4, 9, 5)  # (B, L, d_in)
    with torch.no_grad():
        out_mine, last_mine = unroll(mine, x)
        out_ref, last_ref = unroll(ref, x)
        layer = ref_layer(5, 7, batch_first=True)
        for name, p in ref.named_parameters():  # the cell's weights into the full layer
            getattr(layer, name + "_l0").copy_(p)
        out_layer, _ = layer(x)
    assert (out_mine - out_ref).abs().max() < 1e-6
    assert (out_mine - out_layer).abs().max() < 1e-6
    assert out_mine.shape == (4, 9, 7)


def test_unroll_time_first_matches_batch_first():
    cell = ScratchGRUCell(3, 4)
    x = torch.randn(2, 6, 3)
    with torch.no_grad():
        a, _ = unroll(cell, x)
        b, _ = unroll(cell, x.transpose(0, 1), batch_first=False)
    assert torch.allclose(a, b.transpose(0, 1))


@pytest.mark.parametrize("call, msg", [
    (lambda: ScratchRNNCell(3, 4)(torch.randn(2, 5), torch.zeros(2, 4)),
     r"x의 모양\(shape\)이 맞지 않습니다\. 필요한 모양: \(B, 3\), 받은 모양: \(2, 5\)"),
    (lambda: ScratchRNNCell(3, 4)(torch.randn(2, 3), torch.zeros(3, 4)),
     r"h의 모양\(shape\)이 맞지 않습니다\. 필요한 모양: \(B, 4\) = \(2, 4\), 받은 모양: \(3, 4\)"),
    (lambda: ScratchLSTMCell(3, 4)(torch.randn(2, 3), (torch.zeros(2, 4), torch.zeros(2, 5))),
     r"c의 모양\(shape\)은 h의 모양 \(2, 4\)과 같아야 합니다\. 받은 모양: \(2, 5\)"),
    (lambda: ScratchRNNCell(0, 4), r"ScratchRNNCell: input_size에는 1 이상의 정수\(int\)가 와야 합니다\. 받은 값: 0"),
    (lambda: unroll(ScratchRNNCell(3, 4), torch.randn(2, 3)), r"unroll: x에는 3차원 텐서가 와야 합니다"),
    (lambda: make_rnn("transformer", 3, 4), r"kind에는 'gru', 'lstm', 'rnn' 중 하나가 와야 합니다\. 받은 값: 'transformer'"),
])
def test_models_bad_input(call, msg):
    with pytest.raises(ValueError, match=msg):
        call()


def test_last_real_state_equals_packed_h_n():
    torch.manual_seed(1)
    rnn = nn.GRU(3, 5, batch_first=True)
    x, lengths = torch.randn(4, 7, 3), torch.tensor([7, 2, 5, 1])
    packed_out, h_n = rnn(pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False))
    out, _ = pad_packed_sequence(packed_out, batch_first=True)
    assert torch.allclose(last_real_state(out, lengths), h_n[0])
    assert torch.allclose(last_real_state(out.transpose(0, 1), lengths, batch_first=False), h_n[0])
    with pytest.raises(ValueError, match=r"필요한 모양: \(B,\) = \(4,\), 받은 모양: \(2,\)\. batch_first=True가 맞는지"):
        last_real_state(out, torch.tensor([1, 2]))
    with pytest.raises(ValueError, match=r"lengths의 길이는 1 이상 L=7\(outputs의 길이\) 이하여야 합니다"):
        last_real_state(out, torch.tensor([8, 1, 1, 1]))


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_classifier_ignores_padding_and_tagger_shapes(kind):
    torch.manual_seed(0)
    clf = SequenceClassifier(6, 2, kind=kind)
    batch = torch.tensor([[1, 2, 3, 0, 0], [4, 5, 1, 2, 3]])
    lengths = torch.tensor([3, 5])
    longer = torch.cat([batch, torch.zeros(2, 3, dtype=torch.long)], dim=1)  # more padding
    assert torch.allclose(clf(batch, lengths), clf(longer, lengths), atol=1e-6)
    assert SequenceTagger(6, 3, kind=kind)(batch).shape == (2, 5, 3)


def test_tasks_are_reproducible_and_correct():
    b1, l1, y1 = majority_task(50, generator=torch.Generator().manual_seed(0))
    b2, l2, y2 = majority_task(50, generator=torch.Generator().manual_seed(0))
    assert torch.equal(b1, b2) and torch.equal(y1, y2)
    for row, n, y in zip(b1, l1, y1):
        seq = row[:n].tolist()
        assert 0 not in seq and y == int(seq.count(1) > seq.count(2))
    b, lengths, tags = running_majority_task(20, generator=torch.Generator().manual_seed(3))
    for row, n, tag in zip(b, lengths, tags):
        seq = row[:n].tolist()
        assert tag[:n].tolist() == [int(seq[:t + 1].count(1) > seq[:t + 1].count(2)) for t in range(n)]
        assert (tag[n:] == -100).all()
    x, y = first_token_task(30, 12, generator=torch.Generator().manual_seed(0))
    assert x.shape == (30, 12) and torch.equal(x[:, 0], y + 1) and (x[:, 1:] >= 3).all()


@pytest.mark.parametrize("call, err, msg", [
    (lambda: majority_task(5), ValueError, r"generator에는 난수 생성기\(torch\.Generator\)가 와야 합니다\. 받은 값: None"),
    (lambda: majority_task(5, min_len=4, max_len=2, generator=torch.Generator()), ValueError,
     r"min_len, max_len에는 1 <= min_len <= max_len인 두 정수가 와야 합니다\. 받은 값: min_len=4, max_len=2"),
    (lambda: majority_task(0, generator=torch.Generator()), ValueError, r"n에는 1 이상의 정수\(int\)가 와야 합니다"),
    (lambda: first_token_task(5, 0, generator=torch.Generator()), ValueError,
     r"length에는 1 이상, vocab_size에는 4 이상의 정수가 와야 합니다\. 받은 값: length=0, vocab_size=10"),
    (lambda: accuracy(torch.zeros(3, 2), torch.zeros(4, dtype=torch.long)), ValueError,
     r"필요한 모양: \(4, C\)\(target의 모양 \(4,\) 뒤에 클래스 축 C\), 받은 모양: \(3, 2\)"),
    (lambda: accuracy(torch.zeros(2, 2), torch.full((2,), -100)), ValueError,
     r"채점할 위치가 없습니다\. target의 모든 값이 ignore_index=-100입니다"),
    (lambda: set_remember_bias(nn.RNN(2, 3), 1.0), TypeError, r"rnn에는 nn\.LSTM 또는 nn\.GRU 모듈이 와야 합니다"),
])
def test_tasks_and_train_bad_input(call, err, msg):
    with pytest.raises(err, match=msg):
        call()


def test_accuracy_skips_ignored_positions():
    logits = torch.tensor([[[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]]])  # predicts 1, 0, 1
    target = torch.tensor([[1, 1, -100]])
    assert accuracy(logits, target) == 0.5


def test_set_remember_bias_targets_the_right_gate():
    lstm, gru = nn.LSTM(2, 3), nn.GRU(2, 3)
    set_remember_bias(lstm, 1.0)
    set_remember_bias(gru, 2.0)
    assert torch.equal(lstm.bias_ih_l0[3:6] + lstm.bias_hh_l0[3:6], torch.ones(3))  # forget gate f
    assert torch.equal(gru.bias_ih_l0[3:6] + gru.bias_hh_l0[3:6], torch.full((3,), 2.0))  # update gate z


def test_fit_learns_a_tiny_task_and_counts_parameters(capsys):
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(0)
    model = SequenceClassifier(10, 2, kind="gru", d_w=8, d_h=16)
    full = torch.full((32,), 4)

    def batch(step):
        x, y = first_token_task(32, 4, generator=g)
        return x, full, y

    losses = fit(model, batch, nn.functional.cross_entropy, steps=60, lr=1e-2, clip=1.0, device="cpu", desc="test")
    assert len(losses) == 60 and losses[-1] < 0.1 < losses[0]
    assert "test: 100%" in capsys.readouterr().out
    assert count_parameters(nn.Linear(3, 2)) == 8
    with pytest.raises(ValueError, match=r"fit: steps에는 1 이상의 정수\(int\)가 와야 합니다\. 받은 값: 0"):
        fit(model, batch, nn.functional.cross_entropy, steps=0, clip=None)
    with pytest.raises(TypeError, match="clip"):
        fit(model, batch, nn.functional.cross_entropy, steps=1)  # clipping is never implicit
    with pytest.raises(ValueError, match=r"fit: clip에는 0보다 큰 유한한 실수가"):
        fit(model, batch, nn.functional.cross_entropy, steps=1, clip=-1.0)


def test_fit_clip_bounds_the_update_and_none_does_not_clip():
    torch.manual_seed(0)
    class Probe(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(torch.ones(3))

        def forward(self, x):
            return (self.w * x).sum()

    for clip in (None, 0.5):
        model = Probe()
        fit(model, lambda step: (torch.full((3,), 100.0), None), lambda out, _: out, steps=1, clip=clip, lr=0.1,
            desc="c")
        grad = model.w.grad.norm().item()
        assert (grad <= 0.5 + 1e-6) if clip else grad > 100


def test_models_accept_lengths_as_list_numpy_and_tensor():
    import numpy as np

    torch.manual_seed(0)
    clf = SequenceClassifier(6, 2, kind="gru")
    batch = torch.tensor([[1, 2, 3, 0], [4, 5, 1, 2]])
    ref = clf(batch, torch.tensor([3, 4]))
    assert torch.allclose(clf(batch, [3, 4]), ref)
    assert torch.allclose(clf(batch, np.array([3, 4])), ref)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_bidirectional_models_pack_so_padding_cannot_change_real_outputs(kind):
    torch.manual_seed(0)
    tagger = SequenceTagger(7, 3, kind=kind, bidirectional=True, pad_id=6)
    clf = SequenceClassifier(7, 3, kind=kind, bidirectional=True, pad_id=6)
    batch = torch.tensor([[1, 2, 0, 6, 6], [4, 5, 1, 2, 3]])  # token 0 is real here, pad_id is 6
    lengths = [3, 5]
    longer = torch.cat([batch, torch.full((2, 3), 6)], dim=1)
    a, b = tagger(batch, lengths), tagger(longer, lengths)
    assert a.shape == (2, 5, 3) and torch.allclose(a, b[:, :5], atol=1e-6)
    assert torch.allclose(clf(batch, lengths), clf(longer, lengths), atol=1e-6)
    alone = tagger(batch[:1, :3], [3])  # the first sequence without any padding
    assert torch.allclose(a[0, :3], alone[0], atol=1e-6)
    with pytest.raises(ValueError, match=r"양방향\(bidirectional=True\) 모델에는 lengths 인자가 필요합니다"):
        tagger(batch)


@pytest.mark.parametrize("call, err, msg", [
    (lambda m: m(torch.tensor([[1, 2], [3, 4]]), [2, 2, 2]), ValueError,
     r"lengths에는 시퀀스마다 하나씩, 배치 크기와 같은 2개의 길이가 와야 합니다\(모양 \(B,\) = \(2,\)\)\. 받은 개수: 3"),
    (lambda m: m(torch.tensor([[1, 2], [3, 4]]), [3, 2]), ValueError, r"lengths의 길이는 1 이상 L=2\(패딩된 길이\) 이하"),
    (lambda m: m(torch.tensor([[1, 2], [3, 4]]), [2.0, 2.0]), TypeError,
     r"lengths의 항목 \[0\]에는 정수\(int\)가 와야 합니다\. 받은 값: float 2\.0"),
    (lambda m: m(torch.tensor([[1, 2], [3, 0]]), [2, 0]), ValueError, r"lengths의 길이는 모두 1 이상이어야 합니다"),
    (lambda m: m(torch.tensor([[1, 2], [3, 9]]), [2, 2]), ValueError,
     r"batch의 토큰 id는 0\.\.vocab_size-1 = 0\.\.5 범위에 있어야 합니다\. 받은 값: 최솟값 1, 최댓값 9"),
    (lambda m: m(torch.tensor([[1.0, 2.0]]), [2]), TypeError, r"batch의 자료형\(dtype\)은 정수형 토큰 id\(torch\.long\)여야"),
    (lambda m: m(torch.tensor([[[1, 2]]]), [2]), ValueError, r"batch에는 2차원 텐서가 와야 합니다"),
    (lambda m: m([[1, 2]], [2]), TypeError, r"batch에는 텐서\(torch\.Tensor, 모양 \(B, L\), batch_first인 토큰 id\)가"),
])
def test_classifier_bad_input_names_the_argument(call, err, msg):
    with pytest.raises(err, match=msg):
        call(SequenceClassifier(6, 2))


@pytest.mark.parametrize("call, err, msg", [
    (lambda: SequenceClassifier(6.0, 2), TypeError, r"SequenceClassifier: vocab_size에는 1 이상의 정수\(int\)가"),
    (lambda: SequenceTagger(6, 0), ValueError, r"num_classes에는 1 이상의 정수\(int\)가 와야 합니다\. 받은 값: 0"),
    (lambda: SequenceTagger(6, 2, pad_id=6), ValueError,
     r"pad_id에는 0\.\.vocab_size-1 = 0\.\.5 범위의 정수가 와야 합니다\. 받은 값: 6"),
    (lambda: SequenceTagger(6, 2, d_h=2.5), TypeError, r"d_h에는 1 이상의 정수\(int\)가 와야 합니다\. 받은 값: float 2\.5"),
    (lambda: SequenceTagger(6, 2)(torch.tensor([[1, 7]])), ValueError, r"0\.\.vocab_size-1 = 0\.\.5 범위에 있어야"),
    (lambda: SequenceTagger(6, 2)(torch.tensor([[1, 2]]), [3]), ValueError, r"1 이상 L=2\(패딩된 길이\) 이하"),
    (lambda: ScratchRNNCell(3.5, 4), TypeError, r"input_size에는 1 이상의 정수\(int\)가 와야 합니다\. 받은 값: float 3\.5"),
    (lambda: ScratchRNNCell(3, 4)([1, 2, 3], torch.zeros(1, 4)), TypeError,
     r"x에는 모양 \(B, 3\)인 텐서\(torch\.Tensor\)가 와야 합니다\. 받은 값: 항목 3개인 list"),
    (lambda: ScratchLSTMCell(3, 4)(torch.zeros(1, 3), torch.zeros(1, 4)), TypeError,
     r"state에는 모양 \(B, 4\)인 텐서 두 개의 튜플 \(h, c\)이 와야 합니다"),
    (lambda: unroll(nn.Linear(2, 2), torch.zeros(1, 2, 2)), TypeError, r"cell에는 순환 셀 모듈\(nn\.RNNCell, ScratchRNNCell 등\)이"),
    (lambda: last_real_state(torch.zeros(2, 3, 4), [1.5, 2.0]), TypeError,
     r"lengths의 항목 \[0\]에는 정수\(int\)가 와야 합니다"),
    (lambda: make_rnn("gru", 3, 4, batch_first=False), TypeError,
     r"batch_first=True를 씁니다\. batch_first는 인자로 넘기지 않아야 합니다\. 받은 값: batch_first=False"),
    (lambda: majority_task(5.0, generator=torch.Generator()), TypeError, r"n에는 정수\(int\)가 와야 합니다\. 받은 값: float 5\.0"),
    (lambda: majority_task(5, max_len=7.5, generator=torch.Generator()), TypeError, r"max_len에는 정수\(int\)가 와야"),
    (lambda: majority_task(5, generator=0), TypeError, r"generator에는 난수 생성기\(torch\.Generator\)가 와야 합니다\. 받은 값: int 0"),
    (lambda: running_majority_task(5, generator=torch.Generator(), ignore_index=0), ValueError,
     r"ignore_index에는 진짜 레이블\(0 또는 1\)이 아닌 정수.* 받은 값: 0"),
    (lambda: first_token_task(0, 5, generator=torch.Generator()), ValueError, r"n에는 1 이상의 정수\(int\)가 와야 합니다"),
    (lambda: first_token_task(3, 5.0, generator=torch.Generator()), TypeError, r"length에는 정수\(int\)가 와야 합니다"),
    (lambda: accuracy(torch.zeros(2, 2), torch.zeros(2)), TypeError, r"target의 자료형\(dtype\)은 정수형 클래스 id"),
    (lambda: count_parameters("model"), TypeError, r"model에는 신경망 모듈\(nn\.Module\)이 와야 합니다"),
    (lambda: set_remember_bias(nn.LSTM(2, 3), "1"), TypeError, r"value에는 실수\(float\)가 와야 합니다\. 받은 값: 문자열 '1'"),
])
def test_helpers_bad_input_names_the_argument(call, err, msg):
    with pytest.raises(err, match=msg):
        call()


def test_long_dependency_experiment_needs_explicit_clip():
    from seqlab.train import long_dependency_experiment

    with pytest.raises(TypeError, match="clip"):
        long_dependency_experiment("rnn", [3], steps=1)
    with pytest.raises(TypeError, match=r"lengths에는 정수 길이들의 비어 있지 않은 리스트가 와야 합니다\. 받은 값: int 3"):
        long_dependency_experiment("rnn", 3, steps=1, clip=None)
    res = long_dependency_experiment("rnn", [3], steps=2, clip=1.0, batch_size=4, test_size=8, d_h=4)
    assert set(res) == {3} and 0.0 <= res[3] <= 1.0
