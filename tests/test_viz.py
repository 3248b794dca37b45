"""seqlab.viz figures of chapters 3-4, and bad input to the figure and data helpers."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import seqlab  # noqa: E402
from seqlab.viz import plot_attention, plot_h_n_layout, plot_packing, plot_padded_batch, plot_unrolled_rnn  # noqa: E402


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
    (lambda: plot_unrolled_rnn(steps=0), ValueError,
     r"^plot_unrolled_rnn: steps에는 1 이상의 정수\(int\)가 와야 합니다\. 받은 값: 0$"),
    (lambda: plot_h_n_layout(num_dirs=3), ValueError, r"num_dirs에는 \[1, 2\] 범위의 정수\(int\)가 와야 합니다\. 받은 값: 3"),
    (lambda: plot_h_n_layout(num_layers=1.5), TypeError,
     r"num_layers에는 1 이상의 정수\(int\)가 와야 합니다\. 받은 값: float 1\.5"),
    (lambda: plot_padded_batch(torch.zeros(2, 3, dtype=torch.long), [4, 1]), ValueError,
     r"lengths의 길이는 1 이상 L=3\(패딩된 길이\) 이하여야 합니다\. 받은 값: \[4, 1\]"),
    (lambda: plot_packing(torch.zeros(2, 3, dtype=torch.long), [3]), ValueError,
     r"배치 크기와 같은 2개의 길이가 와야 합니다.*받은 개수: 1\. 배치 크기\(B\)는 batch_first=True에 따라"),
    (lambda: plot_padded_batch(torch.zeros(2, 3, dtype=torch.long), [2.0, 1.0]), TypeError,
     r"lengths의 항목 \[0\]에는 정수\(int\)가 와야 합니다"),
    (lambda: plot_padded_batch(torch.zeros(3), [1]), ValueError,
     r"batch에는 모양 \(B, L\)\(batch_first\) 또는 \(L, B\)인 2차원 텐서가 와야 합니다"),
    (lambda: plot_padded_batch(torch.zeros(2, 3, dtype=torch.long), [2, 1], pad_id=0.5), TypeError,
     r"^plot_padded_batch: pad_id에는 정수\(int\)가 와야 합니다\. 받은 값: float 0\.5"),
    (lambda: plot_packing(torch.zeros(2, 3, dtype=torch.long), [2, 1], batch_first="yes"), TypeError,
     r"batch_first에는 True 또는 False\(bool\)가 와야 합니다\. 받은 값: 문자열 'yes'"),
    (lambda: plot_attention(torch.zeros(2, 3), ["a", "b"], ["x", "y"]), ValueError,
     r"src_tokens에는 입력 토큰 S=3개가 와야 합니다\. 받은 개수: tgt_tokens 2개, src_tokens 2개"),
    (lambda: plot_attention(torch.zeros(2, 3), "abc", ["x", "y"]), TypeError,
     r"src_tokens에는 문자열 토큰의 리스트가 와야 합니다\. 받은 값: 문자열 'abc'"),
    (lambda: seqlab.pad_sequences([[1, 2]], pad_id=0.0), TypeError, r"pad_id에는 .*정수\(int\)가 와야 합니다"),
    (lambda: seqlab.pad_sequences([[1, 2]], max_len=3.0), TypeError, r"max_len에는 .*정수\(int\)가 와야 합니다"),
    (lambda: seqlab.pad_sequences([[1, 2]], vocab_size=5.0), TypeError, r"vocab_size에는 .*정수\(int\)가 와야 합니다"),
    (lambda: seqlab.lengths_to_mask([2, 1], max_len=2.5), TypeError, r"max_len에는 .*정수\(int\)가 와야 합니다"),
    (lambda: seqlab.check_padded_batch(torch.tensor([[1, 0]]), [1], pad_id=0.0), TypeError,
     r"pad_id에는 .*정수\(int\)가 와야 합니다"),
])
def test_figure_and_data_helpers_bad_input(call, err, msg):
    with pytest.raises(err, match=msg):
        call()
    plt.close("all")
