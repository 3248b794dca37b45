"""seqlab.viz figures of chapters 3-4, and bad input to the figure and data helpers."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import seqlab  # noqa: E402
from seqlab.viz import plot_h_n_layout, plot_packing, plot_padded_batch, plot_unrolled_rnn  # noqa: E402


def test_unrolled_rnn_draws_one_cell_per_step():
    ax = plot_unrolled_rnn(steps=5)
    assert len(ax.patches) == 5
    assert "W_x" in ax.get_title()
    plt.close("all")


def test_h_n_layout_names_every_slot():
    ax = plot_h_n_layout(num_layers=3, num_dirs=2)
    texts = [t.get_text() for t in ax.texts]
    assert "h_n[5] = h_n[-1]" in texts and "3층 역방향" in texts and "[2, 1]" in texts
    ax = plot_h_n_layout(num_layers=2, num_dirs=1)
    assert "h_n[1] = h_n[-1]" in [t.get_text() for t in ax.texts]
    plt.close("all")


def test_figures_accept_lengths_as_list_and_numpy():
    batch, lengths = seqlab.pad_sequences(seqlab.TOY_BATCH)
    plot_padded_batch(batch, lengths.tolist())
    plot_packing(batch, np.array(lengths.tolist()))
    plt.close("all")


@pytest.mark.parametrize("call, err, msg", [
    (lambda: plot_unrolled_rnn(steps=0), ValueError, "steps must be a positive int"),
    (lambda: plot_h_n_layout(num_dirs=3), ValueError, "num_dirs must be 1 or 2"),
    (lambda: plot_h_n_layout(num_layers=1.5), ValueError, "num_layers must be a positive int"),
    (lambda: plot_padded_batch(torch.zeros(2, 3, dtype=torch.long), [4, 1]), ValueError, r"1..L=3"),
    (lambda: plot_padded_batch(torch.zeros(2, 3, dtype=torch.long), [2.0, 1.0]), TypeError, "integers"),
    (lambda: plot_padded_batch(torch.zeros(2, 3, dtype=torch.long), [2, 1], pad_id=0.5), TypeError, "pad_id must be an int"),
    (lambda: plot_packing(torch.zeros(2, 3, dtype=torch.long), [2, 1], batch_first="yes"), TypeError, "batch_first must be a bool"),
    (lambda: seqlab.pad_sequences([[1, 2]], pad_id=0.0), TypeError, "pad_id must be an int"),
    (lambda: seqlab.pad_sequences([[1, 2]], max_len=3.0), TypeError, "max_len must be an int"),
    (lambda: seqlab.pad_sequences([[1, 2]], vocab_size=5.0), TypeError, "vocab_size must be an int"),
    (lambda: seqlab.lengths_to_mask([2, 1], max_len=2.5), TypeError, "max_len must be an int"),
    (lambda: seqlab.check_padded_batch(torch.tensor([[1, 0]]), [1], pad_id=0.0), TypeError, "pad_id must be an int"),
])
def test_figure_and_data_helpers_bad_input(call, err, msg):
    with pytest.raises(err, match=msg):
        call()
    plt.close("all")
