"""Time-series forecasting helpers: data, windows, a train-only scaler, baselines, metrics (6장).

Chapter 6 builds each idea in cells; this module holds the finished, tested versions.

Conventions
-----------
- A series is a float array of shape ``(L,)`` (one feature) or ``(L, F)`` (F features), oldest first.
- :func:`make_windows` cuts it into inputs ``X`` of shape ``(N, T, F)`` and targets ``y`` of shape
  ``(N, H)``; it also returns ``t``, the index in the series of each window's *first* target, so
  that "which day does this window predict?" is never a guess: ``y[i, h] == series[t[i] + h, target]``.
- The split is chronological: windows are assigned to train/validation/test by the position of their
  targets (:func:`split_points`), never at random.
- :class:`Scaler` is fitted on the training part only and refuses to transform before it is fitted.

The data loaders read files that pip packages ship (``pmdarima`` and ``statsmodels``, the optional
extra ``seqlab[timeseries]``); nothing is downloaded. They are imported lazily, so ``import seqlab``
stays light.
"""
from __future__ import annotations

import datetime as _dt
import importlib.util
import math
import numbers
from pathlib import Path

import numpy as np

from .validation import IdOutOfRangeError, check_int

__all__ = [
    "load_msft",
    "load_elnino",
    "split_points",
    "make_windows",
    "Scaler",
    "persistence",
    "seasonal_naive",
    "LinearAR",
    "mae",
    "rmse",
    "mase",
]


# ----------------------------------------------------------------------------------------- data
def _package_file(package: str, *parts: str) -> Path:
    """Path of a data file that an installed package ships, without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            f"the data set ships with the package {package!r}, which is not installed; "
            "install the course's time-series extra: pip install 'seqlab[timeseries]'")
    path = Path(list(spec.submodule_search_locations)[0], *parts)
    if not path.is_file():
        raise FileNotFoundError(f"{package} is installed but has no data file {'/'.join(parts)}")
    return path


def load_msft(start: str | None = "2010-01-01", end: str | None = None):
    """Daily Microsoft (MSFT) prices, 1986-03-13 to 2017-11-10, as a pandas DataFrame (6장).

    Columns ``Open, High, Low, Close, Volume`` (prices adjusted for splits and dividends), indexed by
    date, oldest first; rows are trading days. ``start``/``end`` (inclusive, ``"YYYY-MM-DD"``) cut the
    range. The file ships inside the ``pmdarima`` wheel (``pmdarima/datasets/data/msft.tar.gz``,
    read here directly so pmdarima's models are not imported); pmdarima credits the
    Kaggle "Huge Stock Market Dataset" by Boris Marjanovic, listed there as CC0 public domain (not
    re-checked offline; see README).
    """
    import tarfile

    import pandas as pd

    for name, when in (("start", start), ("end", end)):
        if when is None:
            continue
        if isinstance(when, bool) or not isinstance(when, (str, _dt.date)):
            raise TypeError(f"load_msft: {name} must be a date 'YYYY-MM-DD' or None, got {type(when).__name__} ({when!r})")
        try:
            pd.Timestamp(when)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"load_msft: {name} must be a date 'YYYY-MM-DD' or None, got {when!r}") from exc
    path = _package_file("pmdarima", "datasets", "data", "msft.tar.gz")
    with tarfile.open(path) as tar:
        member = tar.extractfile("msft.csv")
        if member is None:
            raise FileNotFoundError(f"{path} has no msft.csv")
        frame = pd.read_csv(member, parse_dates=["Date"], index_col="Date")
    frame = frame[["Open", "High", "Low", "Close", "Volume"]].sort_index()
    return frame.loc[start:end]


def load_elnino():
    """Monthly sea-surface temperature (°C) of the Niño 1+2 region, Jan 1950 – Dec 2010 (6장).

    Returns a pandas Series of length 732 indexed by month, oldest first. The data ship with
    ``statsmodels`` (``statsmodels/datasets/elnino/elnino.csv``; NOAA ERSST.V3B, public domain).
    """
    import pandas as pd

    path = _package_file("statsmodels", "datasets", "elnino", "elnino.csv")
    wide = pd.read_csv(path)
    months = wide.columns[1:]  # JAN ... DEC
    values = wide[months].to_numpy(dtype=float).reshape(-1)  # row by row = month by month
    start = f"{int(wide.iloc[0, 0])}-01-01"
    index = pd.date_range(start, periods=len(values), freq="MS")
    return pd.Series(values, index=index, name="Nino 1+2 SST")


# ------------------------------------------------------------------------------------- checks
def _as_series(data, name: str = "series") -> np.ndarray:
    """A float64 array of shape (L, F) from (L,) or (L, F) input; rejects NaN/inf and bad types."""
    if isinstance(data, (str, bytes)) or data is None:
        raise TypeError(f"{name} must be an array of shape (L,) or (L, F), got {type(data).__name__}")
    try:
        arr = np.asarray(data.detach().cpu() if hasattr(data, "detach") else data, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a numeric array of shape (L,) or (L, F), "
                        f"got {type(data).__name__}") from exc
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"{name} must have shape (L,) or (L, F), got shape {tuple(arr.shape)}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {tuple(arr.shape)}); expected (L,) or (L, F) with L, F >= 1")
    if not np.isfinite(arr).all():
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(f"{name} contains NaN or inf (first at row {bad[0]}, column {bad[1]}); "
                         "fill or drop missing values before windowing or scaling")
    return arr


def _as_int(value, name: str, minimum: int) -> int:
    return check_int(value, name, minimum=minimum)


def _as_array(data, name: str, ndim: int | tuple[int, ...], shape_text: str) -> np.ndarray:
    if isinstance(data, (str, bytes)) or data is None:
        raise TypeError(f"{name} must be an array of shape {shape_text}, got {type(data).__name__}")
    try:
        arr = np.asarray(data.detach().cpu() if hasattr(data, "detach") else data, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a numeric array of shape {shape_text}, got {type(data).__name__}") from exc
    ndims = (ndim,) if isinstance(ndim, int) else ndim
    if arr.ndim not in ndims:
        raise ValueError(f"{name} must have shape {shape_text}, got shape {tuple(arr.shape)}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or inf")
    return arr


# ---------------------------------------------------------------------------- split, windows
def split_points(length: int, train: float = 0.7, val: float = 0.15) -> tuple[int, int]:
    """Chronological boundaries ``(n_train, n_train_val)`` for a series of ``length`` steps (6장).

    Steps ``[0, n_train)`` are training, ``[n_train, n_train_val)`` validation, the rest test.
    Nothing is shuffled: the future stays in the future.
    """
    length = _as_int(length, "length", 3)
    for name, frac in (("train", train), ("val", val)):
        if isinstance(frac, (bool, np.bool_)) or not isinstance(frac, numbers.Real) or not 0 < frac < 1:
            raise ValueError(f"{name} must be a fraction in (0, 1), got {frac!r}")
    if train + val >= 1:
        raise ValueError(f"train + val must be < 1 so that a test part remains, got {train} + {val}")
    n_train = int(round(length * train))
    n_train_val = int(round(length * (train + val)))
    if not 0 < n_train < n_train_val < length:
        raise ValueError(f"length {length} is too short to split into {train}/{val}/rest")
    return n_train, n_train_val


def make_windows(series, window: int, horizon: int = 1, *, target: int = -1,
                 start: int | None = None, stop: int | None = None):
    """Cut a series into input windows ``X (N, T, F)`` and targets ``y (N, H)`` (6장).

    Window ``i`` holds ``series[s : s + T]`` (all F features) and its targets are the next ``H``
    values of the column ``target``: ``y[i, h] = series[s + T + h, target]``. The third return value
    ``t (N,)`` is ``s + T``, the series index of the first target. Only windows whose targets all lie
    in ``[start, stop)`` are kept (default: the whole series), so the parts of a chronological split
    are ``make_windows(..., start=0, stop=n_train)``, ``(..., start=n_train, stop=n_train_val)`` and
    ``(..., start=n_train_val)``; a window's *inputs* may reach back before ``start`` (the past is known).
    """
    data = _as_series(series)
    out_dtype = _floating_dtype(series)  # y[i, h] == series[t[i] + h, target] exactly
    length, n_features = data.shape
    window = _as_int(window, "window", 1)
    horizon = _as_int(horizon, "horizon", 1)
    if isinstance(target, bool) or not isinstance(target, (int, np.integer)):
        raise TypeError(f"target must be an int column index, got {type(target).__name__}")
    if not -n_features <= target < n_features:
        raise IdOutOfRangeError(f"target column {target} is out of range for a series with F={n_features} features")
    if window + horizon > length:
        raise ValueError(f"window ({window}) + horizon ({horizon}) is longer than the series "
                         f"(L={length}); no window fits")
    start = window if start is None else _as_int(start, "start", 0)
    stop = length if stop is None else _as_int(stop, "stop", 0)
    if stop > length:
        raise ValueError(f"stop ({stop}) is past the end of the series (L={length})")
    first = max(start, window)  # the first target index that has a full window before it
    last = stop - horizon  # the last first-target index whose H targets end before stop
    if last < first:
        raise ValueError(f"no window has all its targets in [start={start}, stop={stop}) with "
                         f"window={window}, horizon={horizon}")
    t = np.arange(first, last + 1)  # (N,)
    X = np.stack([data[i - window:i] for i in t]).astype(out_dtype)  # (N, T, F)
    y = np.stack([data[i:i + horizon, target] for i in t]).astype(out_dtype)  # (N, H)
    return X, y, t


def _floating_dtype(series) -> np.dtype:
    """The input's own floating dtype (float16/32/64, also of a torch tensor); float64 otherwise
    (ints, lists of Python numbers), which holds every such value exactly up to 2**53."""
    if hasattr(series, "detach") and hasattr(series, "dtype"):  # a torch tensor
        name = str(series.dtype).replace("torch.", "")
        return np.dtype(name) if name in ("float16", "float32", "float64") else np.dtype(np.float64)
    dtype = getattr(series, "dtype", None)
    try:
        dtype = np.dtype(dtype) if dtype is not None else None
    except TypeError:  # e.g. a pandas extension dtype
        dtype = None
    if dtype is not None and np.issubdtype(dtype, np.floating):
        return dtype
    return np.dtype(np.float64)


# -------------------------------------------------------------------------------------- scaler
class Scaler:
    """Per-feature min-max (to [0, 1]) or standard (mean 0, std 1) scaling, fitted on training data only (6장).

    ``fit`` takes the training part of a series ``(L, F)`` or ``(L,)``; ``transform`` and
    ``inverse_transform`` accept any array whose last axis has the F features (or, with
    ``column=``, values of that one feature in any shape, e.g. predictions ``(N, H)``).
    Values outside the training range are *not* clipped: min-max scaled test data may leave [0, 1].
    """

    def __init__(self, method: str = "minmax"):
        if not isinstance(method, str) or method not in ("minmax", "standard"):
            raise ValueError(f"method must be 'minmax' or 'standard', got {method!r}")
        self.method = method
        self.offset_: np.ndarray | None = None
        self.scale_: np.ndarray | None = None

    def fit(self, train) -> "Scaler":
        data = _as_series(train, "train")
        if self.method == "minmax":
            offset, scale = data.min(axis=0), data.max(axis=0) - data.min(axis=0)
        else:
            offset, scale = data.mean(axis=0), data.std(axis=0)
        self.offset_ = offset
        self.scale_ = np.where(scale > 0, scale, 1.0)  # a constant feature maps to 0 instead of NaN
        return self

    def _params(self, values, column):
        if self.offset_ is None or self.scale_ is None:
            raise RuntimeError("Scaler is not fitted yet: call fit(train_part) on the training data first")
        arr = _as_array(values, "values", tuple(range(0, 4)), "(..., F)")
        if column is None:
            if arr.ndim == 0 or arr.shape[-1] != len(self.offset_):
                raise ValueError(f"values must have the {len(self.offset_)} features on the last axis, "
                                 f"got shape {tuple(arr.shape)}; pass column= for one feature's values")
            return arr, self.offset_, self.scale_
        if isinstance(column, bool) or not isinstance(column, (int, np.integer)):
            raise TypeError(f"column must be an int, got {type(column).__name__}")
        if not -len(self.offset_) <= column < len(self.offset_):
            raise IdOutOfRangeError(f"column {column} is out of range for {len(self.offset_)} features")
        return arr, self.offset_[column], self.scale_[column]

    def transform(self, values, column: int | None = None) -> np.ndarray:
        arr, offset, scale = self._params(values, column)
        return ((arr - offset) / scale).astype(np.float32)

    def inverse_transform(self, values, column: int | None = None) -> np.ndarray:
        arr, offset, scale = self._params(values, column)
        return arr * scale + offset

    def __repr__(self) -> str:
        state = "fitted" if self.offset_ is not None else "not fitted"
        return f"Scaler(method={self.method!r}, {state})"


# ----------------------------------------------------------------------------------- baselines
def _check_windows(X, name: str = "X") -> np.ndarray:
    arr = _as_array(X, name, 3, "(N, T, F)")
    if 0 in arr.shape:
        raise ValueError(f"{name} is empty (shape {tuple(arr.shape)}); expected windows (N, T, F) with N, T, F >= 1")
    return arr


def _check_target(target, n_features: int) -> int:
    if isinstance(target, bool) or not isinstance(target, (int, np.integer)):
        raise TypeError(f"target must be an int column index, got {type(target).__name__}")
    if not -n_features <= target < n_features:
        raise IdOutOfRangeError(f"target column {target} is out of range for windows with F={n_features} features")
    return int(target)


def persistence(X, horizon: int = 1, *, target: int = -1) -> np.ndarray:
    """Naive forecast "tomorrow = today": every future step repeats the window's last value (6장).

    ``X (N, T, F)`` → ``(N, H)``.
    """
    data = _check_windows(X)
    horizon = _as_int(horizon, "horizon", 1)
    target = _check_target(target, data.shape[2])
    last = data[:, -1, target]  # (N,)
    return np.repeat(last[:, None], horizon, axis=1)  # (N, H)


def seasonal_naive(X, season: int, horizon: int = 1, *, target: int = -1) -> np.ndarray:
    """Seasonal naive forecast: the value one season (``season`` steps) earlier (6장).

    ``X (N, T, F)`` with ``T >= season`` → ``(N, H)``; step h repeats ``X[:, T - season + h % season]``.
    """
    data = _check_windows(X)
    season = _as_int(season, "season", 1)
    horizon = _as_int(horizon, "horizon", 1)
    target = _check_target(target, data.shape[2])
    T = data.shape[1]
    if season > T:
        raise ValueError(f"season ({season}) is longer than the window (T={T}); use windows of at least one season")
    cols = [T - season + h % season for h in range(horizon)]
    return data[:, cols, target]  # (N, H)


class LinearAR:
    """Linear autoregression fitted by least squares on flattened windows (6장).

    ``fit(X (N, T, F), y (N, H))`` solves ``min ||[X_flat, 1] W - y||^2``; with ``H > 1`` this is the
    *direct* multi-step model (one linear map per future step). ``predict(X)`` → ``(N, H)``.
    """

    def __init__(self):
        self.coef_: np.ndarray | None = None

    def fit(self, X, y) -> "LinearAR":
        data = _check_windows(X)
        targets = _as_array(y, "y", (1, 2), "(N,) or (N, H)")
        if targets.ndim == 1:
            targets = targets[:, None]
        if targets.shape[0] != data.shape[0]:
            raise ValueError(f"X has N={data.shape[0]} windows but y has {targets.shape[0]} rows")
        design = np.concatenate([data.reshape(len(data), -1), np.ones((len(data), 1))], axis=1)
        self.coef_, *_ = np.linalg.lstsq(design, targets, rcond=None)  # (T*F + 1, H)
        self.window_shape_ = data.shape[1:]
        return self

    def predict(self, X) -> np.ndarray:
        if self.coef_ is None:
            raise RuntimeError("LinearAR is not fitted yet: call fit(X_train, y_train) first")
        data = _check_windows(X)
        if data.shape[1:] != self.window_shape_:
            raise ValueError(f"X windows must have shape (N, {self.window_shape_[0]}, {self.window_shape_[1]}) "
                             f"as in fit, got {tuple(data.shape)}")
        design = np.concatenate([data.reshape(len(data), -1), np.ones((len(data), 1))], axis=1)
        return design @ self.coef_  # (N, H)


# ------------------------------------------------------------------------------------- metrics
def _pair(y_true, y_pred):
    a = _as_array(y_true, "y_true", (1, 2), "(N,) or (N, H)")
    b = _as_array(y_pred, "y_pred", (1, 2), "(N,) or (N, H)")
    if a.shape != b.shape:
        raise ValueError(f"y_true and y_pred must have the same shape, got {tuple(a.shape)} and {tuple(b.shape)}")
    if a.size == 0:
        raise ValueError("y_true is empty")
    return a, b


def mae(y_true, y_pred) -> float:
    """Mean absolute error, in the units of the data (6장)."""
    a, b = _pair(y_true, y_pred)
    return float(np.mean(np.abs(a - b)))


def rmse(y_true, y_pred) -> float:
    """Root mean squared error, in the units of the data (6장)."""
    a, b = _pair(y_true, y_pred)
    return float(math.sqrt(np.mean((a - b) ** 2)))


def mase(y_true, y_pred, train, season: int = 1) -> float:
    """Mean absolute scaled error (Hyndman & Koehler 2006) (6장).

    The MAE divided by the in-sample MAE of the (seasonal) naive forecast on the *training* series:
    ``mean |train[t] - train[t - season]|``. Below 1: better than that naive forecast was in training.
    """
    a, b = _pair(y_true, y_pred)
    history = _as_array(train, "train", 1, "(L,)")
    season = _as_int(season, "season", 1)
    if len(history) <= season:
        raise ValueError(f"train (L={len(history)}) must be longer than season ({season})")
    scale = float(np.mean(np.abs(history[season:] - history[:-season])))
    if scale == 0:
        raise ValueError("train is constant at lag season, so MASE is undefined")
    return float(np.mean(np.abs(a - b))) / scale


# ------------------------------------------------------- one more baseline, comparing forecasts
__all__ += ["drift", "diebold_mariano", "block_bootstrap_ci"]


def drift(series, t, horizon: int = 1) -> np.ndarray:
    """Drift forecast: the last value plus ``h`` times the average change so far (6장).

    For a forecast origin whose first target is ``series[t]``, step ``h`` (1-based) predicts
    ``series[t-1] + h * (series[t-1] - series[0]) / (t - 1)``: the line through the first and the
    last observed value, extended (Hyndman & Athanasopoulos, *Forecasting: Principles and
    Practice*, 5.2). It uses ``series[:t]`` only. ``series (L,)``, ``t (N,)`` as returned by
    :func:`make_windows` (every ``t >= 2``) → ``(N, H)``.
    """
    values = _as_array(series, "series", 1, "(L,)")
    idx = np.asarray(t)
    if idx.ndim != 1 or not np.issubdtype(idx.dtype, np.integer):
        raise TypeError(f"t must be a 1-D integer array (N,) of target positions, got dtype={idx.dtype}, "
                        f"shape={tuple(idx.shape)}")
    horizon = _as_int(horizon, "horizon", 1)
    if idx.size and (idx.min() < 2 or idx.max() > len(values)):
        raise ValueError(f"every t must lie in [2, len(series)={len(values)}] (the drift needs two past "
                         f"values), got {idx.min()}..{idx.max()}")
    last = values[idx - 1]  # (N,)
    slope = (last - values[0]) / (idx - 1)  # (N,)
    steps = np.arange(1, horizon + 1)  # (H,)
    return last[:, None] + slope[:, None] * steps[None, :]  # (N, H)


def _as_loss_pair(loss_a, loss_b) -> np.ndarray:
    a = _as_array(loss_a, "loss_a", 1, "(N,)")
    b = _as_array(loss_b, "loss_b", 1, "(N,)")
    if a.shape != b.shape:
        raise ValueError(f"loss_a and loss_b must be per-origin losses of the same forecasts, shape (N,); "
                         f"got {tuple(a.shape)} and {tuple(b.shape)}")
    if len(a) < 3:
        raise ValueError(f"need at least 3 forecast origins to compare, got {len(a)}")
    return a - b


def diebold_mariano(loss_a, loss_b, horizon: int = 1) -> tuple[float, float]:
    """Diebold–Mariano test of equal expected loss of two forecasts of the same targets (6장).

    ``loss_a``, ``loss_b``: the loss of each forecast origin ``(N,)`` (e.g. absolute errors, or
    the mean absolute error over the ``H`` steps of each origin), in time order. With
    ``d = loss_a - loss_b`` the statistic is ``mean(d) / sqrt(lrv / N)``, where the long-run
    variance ``lrv = g_0 + 2 * sum_{k=1}^{h-1} (1 - k/h) g_k`` adds the autocovariances ``g_k`` of
    ``d`` up to lag ``h - 1`` with Newey–West (Bartlett) weights: ``h``-step forecasts from
    neighbouring origins share ``h - 1`` targets, so their losses are correlated, and a plain
    ``std / sqrt(N)`` would be too small. Returns ``(statistic, p_value)``, the p-value two-sided
    from the standard normal (an approximation for small ``N``). A negative statistic means ``a``
    has the smaller loss. (Diebold & Mariano 1995; Newey & West 1987.)
    """
    d = _as_loss_pair(loss_a, loss_b)
    horizon = _as_int(horizon, "horizon", 1)
    n = len(d)
    if horizon >= n:
        raise ValueError(f"horizon ({horizon}) must be smaller than the number of origins ({n})")
    centred = d - d.mean()
    lrv = float(centred @ centred) / n
    for k in range(1, horizon):
        lrv += 2 * (1 - k / horizon) * float(centred[k:] @ centred[:-k]) / n
    if lrv <= 0:
        raise ValueError("the loss difference is constant: the two forecasts lose equally at every origin")
    stat = float(d.mean() / math.sqrt(lrv / n))
    p_value = math.erfc(abs(stat) / math.sqrt(2))  # two-sided, standard normal
    return stat, p_value


def block_bootstrap_ci(diff, block: int, *, n_boot: int = 2000, level: float = 0.95,
                       seed: int = 0) -> tuple[float, float]:
    """Percentile interval for the mean of a time-ordered series ``diff (N,)`` by the circular
    block bootstrap (6장).

    Each resample glues ``ceil(N / block)`` blocks of ``block`` consecutive values, starting at
    random positions (wrapping around the end), so that the correlation between neighbouring
    values survives; ``level`` is the coverage (0.95: the 2.5% and 97.5% quantiles of the
    resampled means). For the gap in MAE between two forecasts pass the per-origin loss
    differences and a block at least the horizon. Deterministic for a given ``seed``.
    (Politis & Romano 1992.)
    """
    d = _as_array(diff, "diff", 1, "(N,)")
    n = len(d)
    block = _as_int(block, "block", 1)
    n_boot = _as_int(n_boot, "n_boot", 100)
    if n < 2 or block > n:
        raise ValueError(f"diff needs at least 2 values and block ({block}) at most N ({n})")
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise ValueError(f"level must be a number in (0, 1), got {level!r}")
    rng = np.random.default_rng(seed)
    n_blocks = -(-n // block)
    starts = rng.integers(0, n, size=(n_boot, n_blocks))  # (n_boot, n_blocks)
    idx = (starts[:, :, None] + np.arange(block)[None, None, :]) % n  # (n_boot, n_blocks, block)
    means = d[idx.reshape(n_boot, -1)[:, :n]].mean(axis=1)  # (n_boot,)
    alpha = (1 - level) / 2
    lo, hi = np.quantile(means, [alpha, 1 - alpha])
    return float(lo), float(hi)
