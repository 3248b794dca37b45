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
    (lambda: ScratchRNNCell(3, 4)(torch.randn(2, 5), torch.zeros(2, 4)), r"x must have shape \(B, 3\)"),
    (lambda: ScratchRNNCell(3, 4)(torch.randn(2, 3), torch.zeros(3, 4)), r"h must have shape"),
    (lambda: ScratchLSTMCell(3, 4)(torch.randn(2, 3), (torch.zeros(2, 4), torch.zeros(2, 5))), "c must have"),
    (lambda: ScratchRNNCell(0, 4), "input_size must be an int >= 1"),
    (lambda: unroll(ScratchRNNCell(3, 4), torch.randn(2, 3)), "3-D"),
    (lambda: make_rnn("transformer", 3, 4), "kind must be one of"),
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
    with pytest.raises(ValueError, match="check batch_first"):
        last_real_state(out, torch.tensor([1, 2]))
    with pytest.raises(ValueError, match="1..L"):
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
    (lambda: majority_task(5), ValueError, "torch.Generator"),
    (lambda: majority_task(5, min_len=4, max_len=2, generator=torch.Generator()), ValueError, "min_len"),
    (lambda: majority_task(0, generator=torch.Generator()), ValueError, ">= 1"),
    (lambda: first_token_task(5, 0, generator=torch.Generator()), ValueError, "length"),
    (lambda: accuracy(torch.zeros(3, 2), torch.zeros(4, dtype=torch.long)), ValueError, "class axis"),
    (lambda: accuracy(torch.zeros(2, 2), torch.full((2,), -100)), ValueError, "no position"),
    (lambda: set_remember_bias(nn.RNN(2, 3), 1.0), TypeError, "LSTM or nn.GRU"),
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
    with pytest.raises(ValueError, match="steps"):
        fit(model, batch, nn.functional.cross_entropy, steps=0, clip=None)
    with pytest.raises(TypeError, match="clip"):
        fit(model, batch, nn.functional.cross_entropy, steps=1)  # clipping is never implicit
    with pytest.raises(ValueError, match="clip"):
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
    with pytest.raises(ValueError, match="needs lengths"):
        tagger(batch)


@pytest.mark.parametrize("call, err, msg", [
    (lambda m: m(torch.tensor([[1, 2], [3, 4]]), [2, 2, 2]), ValueError, r"lengths must have shape \(B,\) = \(2,\)"),
    (lambda m: m(torch.tensor([[1, 2], [3, 4]]), [3, 2]), ValueError, r"1..L=2"),
    (lambda m: m(torch.tensor([[1, 2], [3, 4]]), [2.0, 2.0]), TypeError, "integers"),
    (lambda m: m(torch.tensor([[1, 2], [3, 0]]), [2, 0]), ValueError, "positive"),
    (lambda m: m(torch.tensor([[1, 2], [3, 9]]), [2, 2]), ValueError, r"outside 0..vocab_size-1 = 0..5"),
    (lambda m: m(torch.tensor([[1.0, 2.0]]), [2]), TypeError, "integer token ids"),
    (lambda m: m(torch.tensor([[[1, 2]]]), [2]), ValueError, r"batch must be 2-D"),
    (lambda m: m([[1, 2]], [2]), TypeError, "batch must be a torch.Tensor"),
])
def test_classifier_bad_input_names_the_argument(call, err, msg):
    with pytest.raises(err, match=msg):
        call(SequenceClassifier(6, 2))


@pytest.mark.parametrize("call, err, msg", [
    (lambda: SequenceClassifier(6.0, 2), TypeError, "vocab_size must be an int"),
    (lambda: SequenceTagger(6, 0), ValueError, "num_classes must be an int >= 1"),
    (lambda: SequenceTagger(6, 2, pad_id=6), ValueError, "pad_id must lie in"),
    (lambda: SequenceTagger(6, 2, d_h=2.5), TypeError, "d_h must be an int"),
    (lambda: SequenceTagger(6, 2)(torch.tensor([[1, 7]])), ValueError, "outside"),
    (lambda: SequenceTagger(6, 2)(torch.tensor([[1, 2]]), [3]), ValueError, r"1..L=2"),
    (lambda: ScratchRNNCell(3.5, 4), TypeError, "input_size must be an int"),
    (lambda: ScratchRNNCell(3, 4)([1, 2, 3], torch.zeros(1, 4)), TypeError, "x must be a torch.Tensor"),
    (lambda: ScratchLSTMCell(3, 4)(torch.zeros(1, 3), torch.zeros(1, 4)), TypeError, r"tuple \(h, c\)"),
    (lambda: unroll(nn.Linear(2, 2), torch.zeros(1, 2, 2)), TypeError, "cell must be"),
    (lambda: last_real_state(torch.zeros(2, 3, 4), [1.5, 2.0]), TypeError, "integers"),
    (lambda: make_rnn("gru", 3, 4, batch_first=False), TypeError, "batch_first"),
    (lambda: majority_task(5.0, generator=torch.Generator()), TypeError, "n must be an int"),
    (lambda: majority_task(5, max_len=7.5, generator=torch.Generator()), TypeError, "max_len must be an int"),
    (lambda: majority_task(5, generator=0), TypeError, "generator must be a torch.Generator"),
    (lambda: running_majority_task(5, generator=torch.Generator(), ignore_index=0), ValueError, "real label"),
    (lambda: first_token_task(0, 5, generator=torch.Generator()), ValueError, "n must be an int >= 1"),
    (lambda: first_token_task(3, 5.0, generator=torch.Generator()), TypeError, "length must be an int"),
    (lambda: accuracy(torch.zeros(2, 2), torch.zeros(2)), TypeError, "integer class ids"),
    (lambda: count_parameters("model"), TypeError, "nn.Module"),
    (lambda: set_remember_bias(nn.LSTM(2, 3), "1"), TypeError, "value must be a float"),
])
def test_helpers_bad_input_names_the_argument(call, err, msg):
    with pytest.raises(err, match=msg):
        call()


def test_long_dependency_experiment_needs_explicit_clip():
    from seqlab.train import long_dependency_experiment

    with pytest.raises(TypeError, match="clip"):
        long_dependency_experiment("rnn", [3], steps=1)
    with pytest.raises(TypeError, match="non-empty list"):
        long_dependency_experiment("rnn", 3, steps=1, clip=None)
    res = long_dependency_experiment("rnn", [3], steps=2, clip=1.0, batch_size=4, test_size=8, d_h=4)
    assert set(res) == {3} and 0.0 <= res[3] <= 1.0
