"""Figures for the course: Korean fonts, padded batches and PackedSequence ``batch_sizes``."""
from __future__ import annotations

from collections.abc import Sequence

import torch

from .data import _check_padding_agrees
from .validation import check_bool, check_int, check_lengths, check_tensor, describe, expected_message

__all__ = ["use_korean_font", "plot_padded_batch", "plot_packing", "plot_lstm_cell", "plot_unrolled_rnn",
           "plot_h_n_layout", "plot_attention"]

_PAD_COLOR = "#e6e6e6"
_TOKEN_COLOR = "#9ecae1"


def use_korean_font() -> str:
    """Make matplotlib render Korean (NanumGothic, shipped by koreanize-matplotlib).

    In a notebook it also stores figures at twice the resolution ("retina"), shown at their
    normal size, so they stay sharp on phones and high-density screens. Returns the font family
    name now in use.
    """
    import koreanize_matplotlib  # noqa: F401  (sets rcParams on import)
    import matplotlib.pyplot as plt

    plt.rcParams["axes.unicode_minus"] = False
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # plain Python: nothing is displayed inline
        return plt.rcParams["font.family"][0]
    if get_ipython() is not None:
        set_matplotlib_formats("retina")
    return plt.rcParams["font.family"][0]


def _grid(ax, batch_bl: torch.Tensor, lengths: torch.Tensor, pad_id: int, show_ids: bool,
          colors: list[list[str]] | None = None) -> None:
    from matplotlib.patches import Rectangle

    n_rows, n_cols = batch_bl.shape
    for i in range(n_rows):
        for t in range(n_cols):
            real = t < int(lengths[i])
            color = colors[i][t] if colors is not None else (_TOKEN_COLOR if real else _PAD_COLOR)
            ax.add_patch(Rectangle((t, i), 1, 1, facecolor=color, edgecolor="white", linewidth=1.5))
            if show_ids:
                ax.text(t + 0.5, i + 0.5, str(int(batch_bl[i, t])), ha="center", va="center",
                        fontsize=7, color="black" if real else "#999999")
    ax.set_xlim(0, n_cols)
    ax.set_ylim(n_rows, 0)
    ax.set_xticks([t + 0.5 for t in range(n_cols)], [str(t) for t in range(n_cols)], fontsize=7)
    ax.set_yticks([i + 0.5 for i in range(n_rows)], [str(i) for i in range(n_rows)], fontsize=7)
    ax.tick_params(length=0)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)


def _check_ax(ax, where: str) -> None:
    from matplotlib.axes import Axes

    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(expected_message(where, "ax", "None 또는 matplotlib의 Axes(예: plt.subplots()의 ax)", describe(ax)))


def _check_title(title, where: str) -> None:
    if title is not None and not isinstance(title, str):
        raise TypeError(expected_message(where, "title", "None 또는 문자열(str)", describe(title)))


def _as_batch_first(batch: torch.Tensor, lengths, batch_first: bool,
                    where: str) -> tuple[torch.Tensor, torch.Tensor]:
    if not isinstance(batch, torch.Tensor) or batch.dim() != 2:
        raise ValueError(expected_message(where, "batch", "모양 (B, L)(batch_first) 또는 (L, B)인 2차원 텐서",
                                          describe(batch)))
    if not isinstance(batch_first, bool):
        raise TypeError(expected_message(where, "batch_first", "True 또는 False(bool)", describe(batch_first)))
    if batch.is_floating_point() or batch.is_complex() or batch.dtype == torch.bool:
        raise TypeError(f"{where}: batch의 자료형(dtype)은 정수형 토큰 id(예: torch.long)여야 합니다. "
                        f"받은 자료형: {batch.dtype}")
    if isinstance(lengths, torch.Tensor):
        lengths = lengths.detach().cpu()
    b = batch if batch_first else batch.t()  # (B, L)
    # one length per row of b, each in 1..L (the padded length); a wrong count may mean a wrong batch_first
    lengths = check_lengths(lengths, batch_size=b.shape[0], max_len=b.shape[1], where=where,
                            layout_hint=f". 배치 크기(B)는 batch_first={batch_first}에 따라 batch의 모양 "
                                        f"{tuple(batch.shape)}에서 읽었습니다")
    return b.cpu(), lengths.cpu()


def plot_padded_batch(batch: torch.Tensor, lengths: torch.Tensor | Sequence[int], *, pad_id: int = 0,
                      batch_first: bool = True, show_ids: bool = True, title: str | None = None, ax=None):
    """Draw a padded batch as a grid: real tokens blue, padding grey. Returns the Axes."""
    import matplotlib.pyplot as plt

    check_int(pad_id, "pad_id", where="plot_padded_batch")
    _check_ax(ax, "plot_padded_batch")
    _check_title(title, "plot_padded_batch")
    check_bool(show_ids, "show_ids", where="plot_padded_batch")
    b, lengths = _as_batch_first(batch, lengths, batch_first, "plot_padded_batch")
    _check_padding_agrees(b, lengths, pad_id, "plot_padded_batch")  # draw only what is consistent
    if ax is None:
        _, ax = plt.subplots(figsize=(max(4.0, 0.42 * b.shape[1]), max(2.0, 0.35 * b.shape[0] + 0.8)))
    _grid(ax, b, lengths, pad_id, show_ids)
    ax.set_xlabel("시간 단계 t")
    ax.set_ylabel("배치 안의 순서")
    n_real, n_all = int(lengths.sum()), b.numel()
    ax.set_title(title or f"패딩된 배치: 실제 토큰 {n_real}개 / 전체 {n_all}칸")
    return ax


def plot_packing(batch: torch.Tensor, lengths: torch.Tensor | Sequence[int], *, pad_id: int = 0,
                 batch_first: bool = True, show_ids: bool = True, title: str | None = None):
    """Draw how ``pack_padded_sequence`` reads a batch: sort by length, then read column by column.

    Left: the batch sorted by length, each time step (column) in its own colour, padding grey,
    with ``batch_sizes[t]`` written under column ``t``. Right: ``batch_sizes`` as bars.
    Returns the Figure.
    """
    import matplotlib.pyplot as plt

    from .data import packed_batch_sizes, sort_by_length

    check_int(pad_id, "pad_id", where="plot_packing")
    _check_title(title, "plot_packing")
    check_bool(show_ids, "show_ids", where="plot_packing")
    b, lengths = _as_batch_first(batch, lengths, batch_first, "plot_packing")
    _check_padding_agrees(b, lengths, pad_id, "plot_packing")
    sorted_lengths, sorted_idx, _ = sort_by_length(lengths)
    sb = b[sorted_idx]  # (B, L), longest first
    sizes = packed_batch_sizes(sorted_lengths)  # (L_max,)
    n_rows, n_cols = sb.shape
    cmap = plt.get_cmap("tab20")
    colors = [[(cmap(t % 20) if t < int(sorted_lengths[i]) else _PAD_COLOR) for t in range(n_cols)]
              for i in range(n_rows)]
    fig, (ax, ax2) = plt.subplots(
        1, 2, figsize=(max(7.0, 0.42 * n_cols + 3.5), max(2.6, 0.35 * n_rows + 1.4)),
        gridspec_kw={"width_ratios": [max(n_cols, 4), 4]})
    _grid(ax, sb, sorted_lengths, pad_id, show_ids, colors)
    for t, s in enumerate(sizes.tolist()):
        ax.text(t + 0.5, n_rows + 0.55, str(s), ha="center", va="center", fontsize=8, fontweight="bold")
    ax.set_ylim(n_rows + 1, 0)
    ax.set_xlabel("시간 단계 t (굵은 숫자: batch_sizes[t])")
    ax.set_ylabel("길이순으로 정렬한 순서")
    ax.set_title(title or f"열 단위로 읽기: data에는 {int(sizes.sum())}개 행")
    ax2.bar(range(len(sizes)), sizes.tolist(), color=[cmap(t % 20) for t in range(len(sizes))])
    ax2.set_xlabel("시간 단계 t")
    ax2.set_ylabel("batch_sizes[t]")
    ax2.set_title("시간 단계마다 남은 시퀀스 수")
    fig.tight_layout()
    return fig


def plot_lstm_cell(ax=None):
    """A diagram of one LSTM step: the cell-state line on top, the four gates below. Returns the Axes."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    _check_ax(ax, "plot_lstm_cell")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.2))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 6)
    ax.axis("off")

    def box(x, y, text, color, w=1.0, h=0.7):
        ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.05",
                                    facecolor=color, edgecolor="#333333"))
        ax.text(x, y, text, ha="center", va="center", fontsize=10)

    def circle(x, y, text):
        ax.add_patch(plt.Circle((x, y), 0.28, facecolor="white", edgecolor="#333333"))
        ax.text(x, y, text, ha="center", va="center", fontsize=11)

    def arrow(x0, y0, x1, y1):
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0), arrowprops=dict(arrowstyle="->", color="#333333"))

    # the cell state runs along the top: c_{t-1} -> (x f) -> (+ i*g) -> c_t
    ax.text(0.2, 5, "$c_{t-1}$", ha="left", va="center", fontsize=12)
    arrow(0.8, 5, 2.72, 5)
    circle(3, 5, "×")
    arrow(3.28, 5, 5.22, 5)
    circle(5.5, 5, "+")
    arrow(5.78, 5, 9.2, 5)
    ax.text(9.3, 5, "$c_t$", ha="left", va="center", fontsize=12)
    # gates from [h_{t-1}, x_t]
    ax.text(0.2, 0.6, "$h_{t-1}$, $x_t$", ha="left", va="center", fontsize=12)
    arrow(1.4, 0.6, 7.5, 0.6)
    gates = [(3, "f  (σ)\n잊기", "#fdd0a2"), (4.6, "i  (σ)\n입력", "#c7e9c0"), (6.0, "g  (tanh)\n후보", "#c6dbef"),
             (7.6, "o  (σ)\n출력", "#dadaeb")]
    for x, label, color in gates:
        arrow(x, 0.6, x, 1.55)
        box(x, 2.0, label, color, w=1.2, h=0.85)
    arrow(3, 2.45, 3, 4.72)  # f scales the old cell state
    circle(5.3, 3.5, "×")  # i * g
    arrow(4.6, 2.45, 5.1, 3.3)
    arrow(6.0, 2.45, 5.5, 3.3)
    arrow(5.45, 3.78, 5.5, 4.72)
    # h_t = o * tanh(c_t)
    box(8.4, 4.1, "tanh", "#f0f0f0", w=0.8, h=0.5)
    arrow(8.4, 5, 8.4, 4.38)
    circle(8.4, 3.1, "×")
    arrow(8.4, 3.85, 8.4, 3.38)
    arrow(7.6, 2.45, 8.15, 2.95)
    arrow(8.68, 3.1, 9.2, 3.1)
    ax.text(9.3, 3.1, "$h_t$", ha="left", va="center", fontsize=12)
    ax.set_title("LSTM 한 단계: 셀 상태(위)는 곱하기 f와 더하기 i·g만 거친다")
    return ax


def plot_attention(weights: torch.Tensor, src_tokens: Sequence[str], tgt_tokens: Sequence[str], *,
                   title: str | None = None, ax=None):
    """Heatmap of one alignment: rows are output tokens, columns source tokens. (8장)

    ``weights`` is ``(T, S)`` (one example of ``(B, T, S)``); spaces in the tokens are drawn as
    ``_``. Returns the Axes.
    """
    import matplotlib.pyplot as plt

    layout = "(T, S), 한 예제의 어텐션 가중치"
    if not isinstance(weights, torch.Tensor) or weights.dim() != 2:
        raise ValueError(expected_message("plot_attention", "weights", "모양 (T, S)인 2차원 텐서(한 예제의 어텐션 "
                                          "가중치)", describe(weights)))
    check_tensor(weights, "weights", dtype="float", layout=layout, where="plot_attention")
    for name, toks in (("src_tokens", src_tokens), ("tgt_tokens", tgt_tokens)):
        if isinstance(toks, str) or not hasattr(toks, "__len__"):
            message = expected_message("plot_attention", name, "문자열 토큰의 리스트", describe(toks))
            if isinstance(toks, str):
                message += ". 문자열 하나는 먼저 토큰으로 나눠야 합니다(예: list(text))"
            raise TypeError(message)
    for name, toks in (("src_tokens", src_tokens), ("tgt_tokens", tgt_tokens)):
        for k, tok in enumerate(toks):
            if not isinstance(tok, str):
                raise TypeError(expected_message("plot_attention", f"{name}의 항목 [{k}]", "문자열 토큰(str)",
                                                 describe(tok)))
    if not bool(torch.isfinite(weights).all()):
        raise ValueError("plot_attention: weights에 NaN이나 inf가 들어 있습니다. 어텐션 가중치는 0과 1 사이의 수여야 합니다")
    _check_title(title, "plot_attention")
    _check_ax(ax, "plot_attention")
    T, S = weights.shape
    if len(src_tokens) != S or len(tgt_tokens) != T:
        raise ValueError(f"plot_attention: weights의 모양 (T, S) = ({T}, {S})에 맞게 tgt_tokens에는 출력 토큰 "
                         f"T={T}개, src_tokens에는 입력 토큰 S={S}개가 와야 합니다. 받은 개수: "
                         f"tgt_tokens {len(tgt_tokens)}개, src_tokens {len(src_tokens)}개")
    if ax is None:
        _, ax = plt.subplots(figsize=(0.35 * S + 1.5, 0.3 * T + 1.0))
    ax.imshow(weights.detach().cpu().numpy(), cmap="Greys", vmin=0.0, vmax=1.0, aspect="auto")
    show = lambda toks: ["_" if t == " " else t for t in toks]  # noqa: E731
    ax.set_xticks(range(S), show(src_tokens))
    ax.set_yticks(range(T), show(tgt_tokens))
    ax.set_xlabel("입력 (숫자)")
    ax.set_ylabel("출력 (읽기)")
    if title:
        ax.set_title(title)
    return ax


def plot_unrolled_rnn(steps: int = 4, ax=None):
    """An RNN unrolled over ``steps`` time steps: one cell with the same weights at every step,
    ``h_{t-1}`` flowing right, ``x_t`` in from below, ``h_t`` out above. Returns the Axes. (3장)"""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    steps = check_int(steps, "steps", minimum=1, where="plot_unrolled_rnn")
    if steps > 50:
        raise ValueError(expected_message("plot_unrolled_rnn", "steps", "[1, 50] 범위의 정수(그림의 칸 수)", str(steps)))
    _check_ax(ax, "plot_unrolled_rnn")
    if ax is None:
        _, ax = plt.subplots(figsize=(1.9 * steps + 2.2, 3.2))
    ax.set_xlim(-0.2, 1.9 * steps + 1.6)
    ax.set_ylim(-0.3, 3.3)
    ax.axis("off")

    def arrow(x0, y0, x1, y1):
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0), arrowprops=dict(arrowstyle="->", color="#333333"))

    ax.text(0.2, 1.5, "$h_0$", ha="center", va="center", fontsize=12)
    for t in range(1, steps + 1):
        x = 1.9 * t - 0.3
        ax.add_patch(FancyBboxPatch((x - 0.5, 1.15), 1.0, 0.7, boxstyle="round,pad=0.05",
                                    facecolor="#c6dbef", edgecolor="#333333"))
        ax.text(x, 1.5, "tanh", ha="center", va="center", fontsize=10)
        arrow(x - 1.4 if t > 1 else 0.45, 1.5, x - 0.55, 1.5)
        ax.text(x - 0.95, 1.7, f"$h_{{{t - 1}}}$" if t > 1 else "", ha="center", fontsize=9)
        ax.text(x, 0.05, f"$x_{{{t}}}$", ha="center", va="center", fontsize=12)
        arrow(x, 0.3, x, 1.1)
        ax.text(x, 2.95, f"$h_{{{t}}}$", ha="center", va="center", fontsize=12)
        arrow(x, 1.9, x, 2.7)
    last = 1.9 * steps - 0.3
    arrow(last + 0.55, 1.5, last + 1.2, 1.5)
    ax.text(last + 1.45, 1.5, "…", ha="center", va="center", fontsize=14)
    ax.set_title("시간 방향으로 펼친 RNN: 모든 단계가 같은 $W_x$, $W_h$, $b$를 씁니다")
    return ax


def plot_h_n_layout(num_layers: int = 2, num_dirs: int = 2, ax=None):
    """Which slot of ``h_n`` holds which layer and direction: ``h_n[k]`` with
    ``k = layer * num_dirs + direction`` (layer 0 = bottom, direction 0 = forward), next to the
    ``h_n.view(num_layers, num_dirs, B, d_h)`` grid. Returns the Axes. (3장, 4장)"""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    num_layers = check_int(num_layers, "num_layers", minimum=1, where="plot_h_n_layout")
    if num_layers > 50:
        raise ValueError(expected_message("plot_h_n_layout", "num_layers", "[1, 50] 범위의 정수(그림의 칸 수)",
                                          str(num_layers)))
    _check_ax(ax, "plot_h_n_layout")
    num_dirs = check_int(num_dirs, "num_dirs", minimum=1, maximum=2, where="plot_h_n_layout")
    n = num_layers * num_dirs
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.55 * n + 1.6))
    colors = ["#9ecae1", "#fdae6b"]
    names = ["정방향", "역방향"]
    for k in range(n):
        layer, direction = divmod(k, num_dirs)
        y = n - 1 - k
        ax.add_patch(Rectangle((0, y), 3.2, 0.9, facecolor=colors[direction], edgecolor="white"))
        ax.text(1.6, y + 0.45, f"h_n[{k}] = h_n[{k - n}]", ha="center", va="center", fontsize=9,
                family="monospace")
        ax.text(3.4, y + 0.45, f"{layer + 1}층 {names[direction]}", ha="left", va="center", fontsize=10)
        gx = 6.0 + 1.6 * direction
        gy = n - 1 - layer * num_dirs - (num_dirs - 1) / 2 - 0.45 + 0.45
        ax.add_patch(Rectangle((gx, n - 1 - layer * num_dirs - 0.2 * (num_dirs - 1)), 1.5, 0.9,
                               facecolor=colors[direction], edgecolor="white"))
        ax.text(gx + 0.75, n - 1 - layer * num_dirs - 0.2 * (num_dirs - 1) + 0.45, f"[{layer}, {direction}]",
                ha="center", va="center", fontsize=9, family="monospace")
        del gy
    ax.text(1.6, n + 0.25, "h_n: (num_layers·num_dirs, B, d_h)", ha="center", fontsize=9)
    ax.text(6.0 + 0.8 * num_dirs, n + 0.25, "h_n.view(num_layers, num_dirs, B, d_h)", ha="center", fontsize=9)
    ax.set_xlim(-0.2, 6.2 + 1.6 * num_dirs)
    ax.set_ylim(-0.3, n + 0.7)
    ax.axis("off")
    ax.set_title(f"h_n의 칸: 아래 층부터, 층마다 정방향 다음 역방향 (num_layers={num_layers}, num_dirs={num_dirs})")
    return ax
