"""seqlab.repro, seqlab.viz and seqlab.colab."""
import io
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import seqlab  # noqa: E402
from seqlab.colab import pack_tests, unpack_tests  # noqa: E402
from seqlab.viz import plot_packing, plot_padded_batch, use_korean_font  # noqa: E402


def test_setup_notebook_makes_runs_repeat():
    seqlab.setup_notebook(seed=3)
    a = torch.randn(4)
    device = seqlab.setup_notebook(seed=3)
    assert torch.equal(a, torch.randn(4))
    assert torch.get_num_threads() == 1
    assert device.type in {"cpu", "cuda"}


@pytest.mark.parametrize("kwargs, err", [({"threads": 0}, ValueError), ({"seed": 1.5}, TypeError)])
def test_setup_notebook_bad_input(kwargs, err):
    with pytest.raises(err):
        seqlab.setup_notebook(**kwargs)


def test_progress_prints_no_rate_or_time(monkeypatch):
    buf = io.StringIO()
    monkeypatch.setattr(sys, "stdout", buf)
    assert list(seqlab.progress(range(50), desc="학습")) == list(range(50))
    final = buf.getvalue().split("\r")[-1]
    assert "학습: 100%" in final and "50/50" in final
    assert not re.search(r"it/s|s/it|\d\d:\d\d", buf.getvalue())


def test_korean_font_is_available():
    from matplotlib import font_manager

    family = use_korean_font()
    assert "Nanum" in family
    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert "Nanum" in path


def test_plot_padded_batch_draws_one_cell_per_position():
    batch, lengths = seqlab.pad_sequences(seqlab.TOY_BATCH)
    ax = plot_padded_batch(batch, lengths)
    assert len(ax.patches) == 200
    assert "123" in ax.get_title() and "200" in ax.get_title()
    plt.close("all")


def test_plot_packing_writes_batch_sizes_under_columns():
    batch, lengths = seqlab.pad_sequences(seqlab.TOY_BATCH)
    fig = plot_packing(batch.t(), lengths, batch_first=False)
    ax, bars = fig.axes
    texts = [t.get_text() for t in ax.texts]
    assert texts[-20:] == ["10"] * 5 + ["9", "7", "7", "6", "6"] + ["5"] * 5 + ["4", "4", "3", "1", "1"]
    assert [p.get_height() for p in bars.patches][:6] == [10, 10, 10, 10, 10, 9]
    plt.close("all")


def test_plots_reject_mismatched_layout():
    batch, lengths = seqlab.pad_sequences(seqlab.TOY_BATCH)
    with pytest.raises(ValueError, match="batch_first"):
        plot_padded_batch(batch, lengths, batch_first=False)
    with pytest.raises(ValueError, match="2-D"):
        plot_packing(batch[0], lengths)


def test_pack_tests_round_trip_and_refuses_odd_names():
    files = {"q1.py": "OK_FORMAT = True\ntest = {'name': '문제'}\n", "q2.py": "x = 1\n"}
    assert unpack_tests(pack_tests(files)) == files
    for bad in ({"../q1.py": ""}, {"q1.txt": ""}, {".q.py": ""}):
        with pytest.raises(ValueError, match="plain test file"):
            pack_tests(bad)
    with pytest.raises(TypeError):
        pack_tests({"q1.py": 3})
    with pytest.raises(ValueError, match="damaged"):
        unpack_tests("not base64 at all!")


def test_lstm_diagram_draws_four_gates():
    from seqlab.viz import plot_lstm_cell

    use_korean_font()
    ax = plot_lstm_cell()
    labels = " ".join(t.get_text() for t in ax.texts)
    for gate in ("잊기", "입력", "후보", "출력"):
        assert gate in labels
    assert "LSTM" in ax.get_title()
    plt.close("all")
