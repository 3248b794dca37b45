"""seqlab.repro, seqlab.viz and seqlab.colab."""
import base64
import io
import json
import re
import sys
import zlib

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


@pytest.mark.parametrize("kwargs, err, msg", [
    ({"threads": 0}, ValueError, r"setup_notebook: threads에는 1 이상의 정수\(int\)가 와야 합니다\. 받은 값: 0"),
    ({"seed": 1.5}, TypeError, r"seed에는 정수\(int\)가 와야 합니다\. 받은 값: float 1\.5"),
])
def test_setup_notebook_bad_input(kwargs, err, msg):
    with pytest.raises(err, match=msg):
        seqlab.setup_notebook(**kwargs)


@pytest.mark.parametrize("kwargs, err, msg", [
    ({"iterable": range(3), "desc": 3}, TypeError, r"progress: desc에는 문자열\(str\)이 와야 합니다\. 받은 값: int 3"),
    ({"iterable": range(3), "total": -1}, ValueError, r"progress: total에는 0 이상의 정수\(int\)가 와야 합니다\. 받은 값: -1"),
    ({"iterable": 5}, TypeError, r"iterable에는 반복할 수 있는 객체\(range, list 등\)가 와야 합니다\. 받은 값: int 5"),
])
def test_progress_bad_input(kwargs, err, msg):
    with pytest.raises(err, match=msg):
        seqlab.progress(**kwargs)


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
    with pytest.raises(ValueError, match=r"배치 크기와 같은 20개의 길이가 와야 합니다.*batch_first"):
        plot_padded_batch(batch, lengths, batch_first=False)
    with pytest.raises(ValueError, match=r"batch에는 .*2차원 텐서가 와야 합니다"):
        plot_packing(batch[0], lengths)


def test_pack_tests_round_trip_and_refuses_odd_names():
    files = {"q1.py": "OK_FORMAT = True\ntest = {'name': '문제'}\n", "q2.py": "x = 1\n"}
    assert unpack_tests(pack_tests(files)) == files
    for bad in ({"../q1.py": ""}, {"q1.txt": ""}, {".q.py": ""}):
        with pytest.raises(ValueError, match=r"files의 파일 이름에는 경로와 맨 앞의 점 없이 \.py로 끝나는 테스트 파일 이름"):
            pack_tests(bad)
    with pytest.raises(TypeError, match=r"files에는 \{파일 이름\(str\): 파일 내용\(str\)\} 꼴의 dict가 와야 합니다"):
        pack_tests({"q1.py": 3})
    with pytest.raises(ValueError, match="묶어 둔 테스트가 손상되었습니다"):
        unpack_tests("not base64 at all!")
    with pytest.raises(ValueError, match=r"묶어 둔 테스트의 파일 이름에는 .* 받은 값: '\.\./q1\.py'"):
        unpack_tests(base64.b64encode(zlib.compress(json.dumps({"../q1.py": ""}).encode())).decode())


def test_lstm_diagram_draws_four_gates():
    from seqlab.viz import plot_lstm_cell

    use_korean_font()
    ax = plot_lstm_cell()
    labels = " ".join(t.get_text() for t in ax.texts)
    for gate in ("잊기", "입력", "후보", "출력"):
        assert gate in labels
    assert "LSTM" in ax.get_title()
    plt.close("all")
