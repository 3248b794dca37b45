"""Device correctness: the chapters and the seqlab code they call work when the model is not on the CPU.

Colab's GPU runtime is one click away; a tensor made without the model's device (``torch.zeros(B)``,
a batch that was never moved) fails there and nowhere else. On a CPU-only machine
:class:`tests.device_guard.FakeDevice` plays the accelerator and raises on the first operation that
mixes a device tensor with a CPU tensor. Where CUDA is present, the chapters also run on it.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from torch import nn

from seqlab.data import PAD_ID, build_vocab
from seqlab.seq2seq import (EncoderDecoder, GRUDecoder, GRUEncoder, exact_match, free_running_logits, greedy_decode,
                            make_seq2seq_batch, masked_cross_entropy)
from seqlab.train import fit
from tests.device_guard import DeviceMismatch, FakeDevice, on_device

ROOT = Path(__file__).resolve().parent.parent
# the chapters this check covers (chapters 5-6 can join once they pass it)
CHAPTERS = ["01-padding", "02-packing", "03-rnn", "04-lstm-gru", "07-seq2seq", "08-attention"]

PAIRS = [("the cat sleeps".split(), "고양이가 잔다".split()), ("i drink water".split(), "나는 물을 마신다".split())]


def toy():
    src_v = build_vocab([s for s, _ in PAIRS], sos_eos=True)
    tgt_v = build_vocab([t for _, t in PAIRS], sos_eos=True)
    return src_v, tgt_v, make_seq2seq_batch(PAIRS, src_v, tgt_v)


def trained_on(device, src_v, tgt_v, batch):
    torch.manual_seed(0)
    model = EncoderDecoder(GRUEncoder(len(src_v), d_w=8, d_h=8), GRUDecoder(len(tgt_v), d_w=8, d_h=8))
    fit(model, lambda step: (batch.src, batch.src_lengths, batch.tgt_in, batch.tgt_out),
        lambda logits, target: masked_cross_entropy(logits, target, PAD_ID), steps=2, clip=1.0, device=device,
        desc="device test")
    return model


# ---------- the guard itself ----------

def test_fake_device_catches_a_cpu_batch_given_to_a_moved_model():
    """The bug of 7장 (cells 6 and 8 before the fix): fit moved the model, the batch stayed on the CPU."""
    src_v, tgt_v, b = toy()
    with FakeDevice() as dev:
        model = trained_on(dev.device, src_v, tgt_v, b)
        assert on_device(next(model.parameters())) and not on_device(b.src)
        # seqlab names the mismatch at the module boundary, before any operator sees it
        with pytest.raises(ValueError, match=r"src의 장치\(device\)가 모델과 다릅니다\. 모델: cpu:0, src: cpu\. "
                                             r"\.to\('cpu:0'\)로 옮겨야 합니다"):
            greedy_decode(model, b.src, b.src_lengths, max_len=5)
        result = greedy_decode(model, b.src.to(dev.device), b.src_lengths, max_len=5)
        assert on_device(result.tokens)
        with pytest.raises(ValueError, match=r"pred, target의 장치\(device\)가 다릅니다\. pred: \S+, target: cpu\."):
            exact_match(result.tokens, b.tgt_out)  # scores need both on one device
        assert exact_match(result.tokens.cpu(), b.tgt_out).shape == (2,)


def test_fake_device_catches_a_tensor_made_without_device():
    """The bug of 7장 cell 22 before the fix: ``done`` made with torch.zeros(B) beside device tensors."""
    with FakeDevice() as dev:
        nxt = torch.tensor([4, 3]).to(dev.device)  # (B,)
        done = torch.zeros(2, dtype=torch.bool)  # (B,): no device=
        with pytest.raises(DeviceMismatch, match="where"):
            torch.where(done, torch.full_like(nxt, PAD_ID), nxt)
        done = torch.zeros(2, dtype=torch.bool, device=nxt.device)  # (B,)
        assert on_device(torch.where(done, torch.full_like(nxt, PAD_ID), nxt))
        with pytest.raises(DeviceMismatch, match="numpy"):
            nxt.numpy()
        assert not on_device(nxt.cpu()) and on_device(nxt)  # .cpu() copies back; the original stays


def test_fake_device_allows_what_cuda_allows():
    """CPU lengths for packing, CPU index tensors and 0-dimensional CPU scalars are fine on CUDA too."""
    with FakeDevice() as dev:
        rnn = nn.GRU(3, 4, batch_first=True).to(dev.device)
        x = torch.randn(2, 5, 3).to(dev.device)  # (B, L, d_in)
        lengths = torch.tensor([5, 2])  # (B,): stays on the CPU
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, h = rnn(packed)
        padded, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True)  # (B, L, d_h)
        assert on_device(padded) and on_device(h)
        assert on_device(padded[torch.tensor([1, 0])]) and on_device(padded * torch.tensor(2.0))


# ---------- the library code paths the chapters use ----------

def test_seq2seq_and_attention_paths_stay_on_the_device():
    from seqlab.attention import SCORES, AttentionDecoder, attend, masked_softmax
    from seqlab.attention import ScaledDotScore
    from seqlab.reading import Config, build_model, evaluate

    src_v, tgt_v, b = toy()
    with FakeDevice() as dev:
        model = trained_on(dev.device, src_v, tgt_v, b)
        logits = free_running_logits(model, b.src.to(dev.device), b.src_lengths, 4)  # (B, 4, V)
        assert on_device(logits)
        for score in SCORES:  # every score function, decoded greedily on the device
            torch.manual_seed(0)
            att = EncoderDecoder(GRUEncoder(len(src_v), d_w=8, d_h=8),
                                 AttentionDecoder(len(tgt_v), score=score, d_w=8, d_h=8, max_src_len=6))
            att.to(dev.device)
            r = greedy_decode(att, b.src.to(dev.device), b.src_lengths, max_len=5)
            assert on_device(r.tokens) and on_device(r.attention), score
        q, k = torch.randn(2, 3, 4).to(dev.device), torch.randn(2, 5, 4).to(dev.device)  # (B, T, d), (B, S, d)
        mask = (torch.arange(5) < torch.tensor([[5], [2]])).to(dev.device)  # (B, S)
        ctx, w = attend(ScaledDotScore(), q, k, mask)
        assert on_device(ctx) and on_device(masked_softmax(q @ k.transpose(1, 2), mask))
        reader = build_model(Config(attention="general")).to(dev.device)  # 7-8장's evaluate on a moved model
        assert set(evaluate(reader, ["7", "30521"])) == {"exact", "token", "by_length", "correct"}


def test_lm_and_classifier_paths_stay_on_the_device():
    from seqlab.lm import RecurrentLM, generate
    from seqlab.models import SequenceClassifier, SequenceTagger
    from seqlab.train import long_dependency_experiment

    with FakeDevice() as dev:
        torch.manual_seed(0)
        lm = RecurrentLM(12, d_w=4, d_h=8, kind="gru").to(dev.device)
        assert len(generate(lm, [2, 5], 4, greedy=True)) >= 2
        clf = SequenceClassifier(10, 2, kind="lstm", d_w=4, d_h=8, bidirectional=True).to(dev.device)
        batch = torch.tensor([[3, 4, 5], [6, 0, 0]]).to(dev.device)  # (B, L)
        assert on_device(clf(batch, torch.tensor([3, 1])))
        tagger = SequenceTagger(10, 2, kind="gru", d_w=4, d_h=8).to(dev.device)
        assert on_device(tagger(batch))
        acc = long_dependency_experiment("gru", [5], clip=1.0, steps=2, batch_size=4, d_h=4, test_size=8,
                                         device=dev.device)
        assert 0.0 <= acc[5] <= 1.0


# ---------- the chapters themselves ----------

def run_chapter(name: str, monkeypatch, setup_device) -> None:
    """Execute a chapter's code cells in this process with ``seqlab.setup_notebook`` returning
    ``setup_device``; figures are drawn off screen."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seqlab

    real_setup = seqlab.setup_notebook

    def setup(*args, **kwargs):
        real_setup(*args, **kwargs)
        return setup_device

    monkeypatch.setattr(seqlab, "setup_notebook", setup)
    monkeypatch.setattr(plt, "show", lambda *a, **k: plt.close("all"))
    monkeypatch.chdir(ROOT / "book")
    nb = json.loads((ROOT / "book" / f"{name}.ipynb").read_text(encoding="utf-8"))
    namespace = {"__name__": "__main__"}
    for k, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            try:
                exec(compile("".join(cell["source"]), f"{name} cell {k}", "exec"), namespace)
            except DeviceMismatch as err:
                pytest.fail(f"{name} cell {k}: {err}")
    plt.close("all")


@pytest.mark.slow
@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_runs_with_the_model_on_another_device(name, monkeypatch, capsys):
    with FakeDevice() as dev:
        run_chapter(name, monkeypatch, dev.device)


@pytest.mark.slow
@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device on this machine")
@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "book").glob("[0-9][0-9]-*.ipynb")))
def test_chapter_runs_on_cuda(name):
    """Every chapter, in a fresh kernel, on the GPU (``setup_notebook`` returns cuda there)."""
    import nbformat
    from nbclient import NotebookClient

    path = ROOT / "book" / f"{name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()


def test_fake_device_follows_a_module_back_to_the_cpu():
    with FakeDevice() as dev:
        layer = nn.Linear(3, 2).to(dev.device)
        assert all(on_device(p) for p in layer.parameters())
        layer.cpu()
        assert not any(on_device(p) for p in layer.parameters())
        assert not on_device(layer(torch.randn(4, 3)))  # (4, 2): the CPU model takes CPU input again
