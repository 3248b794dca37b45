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

from .validation import IdOutOfRangeError, check_int, describe, expected_message, josa

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
            f"이 데이터 세트는 {package!r} 패키지에 들어 있는데, 이 패키지가 설치되어 있지 않습니다. "
            "강의의 시계열용 추가 패키지를 설치해야 합니다: pip install 'seqlab[timeseries]'")
    path = Path(list(spec.submodule_search_locations)[0], *parts)
    if not path.is_file():
        raise FileNotFoundError(f"{package} 패키지는 설치되어 있지만 데이터 파일이 없습니다: {'/'.join(parts)}")
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
            raise TypeError(expected_message("load_msft", name, "'YYYY-MM-DD' 형식의 날짜 또는 None", describe(when)))
        try:
            pd.Timestamp(when)
        except (TypeError, ValueError) as exc:
            raise ValueError(expected_message("load_msft", name, "'YYYY-MM-DD' 형식의 날짜 또는 None",
                                              describe(when))) from exc
    if start is not None and end is not None and pd.Timestamp(start) > pd.Timestamp(end):
        raise ValueError(expected_message("load_msft", "end", f"start={str(start)!r} 이후의 날짜", repr(str(end)))
                         + ". 이대로면 빈 표가 나옵니다")
    path = _package_file("pmdarima", "datasets", "data", "msft.tar.gz")
    with tarfile.open(path) as tar:
        member = tar.extractfile("msft.csv")
        if member is None:
            raise FileNotFoundError(f"{path} 안에 msft.csv 파일이 없습니다")
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
def _prefix(where: str | None) -> str:
    return f"{where}: " if where else ""


def _as_series(data, name: str = "series", where: str | None = None) -> np.ndarray:
    """A float64 array of shape (L, F) from (L,) or (L, F) input; rejects NaN/inf and bad types."""
    expected = "모양 (L,) 또는 (L, F)인 수치 배열"
    if isinstance(data, (str, bytes)) or data is None or _is_bool_data(data):
        raise TypeError(expected_message(where, name, expected, describe(data)))
    try:
        arr = np.asarray(data.detach().cpu() if hasattr(data, "detach") else data, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(expected_message(where, name, expected, describe(data))) from exc
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"{_prefix(where)}{name}에는 모양 (L,) 또는 (L, F)인 배열이 와야 합니다. "
                         f"받은 모양: {tuple(arr.shape)}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{_prefix(where)}{name}에 원소가 없습니다(모양 {tuple(arr.shape)}). "
                         "L, F >= 1인 모양 (L,) 또는 (L, F)의 배열이 필요합니다")
    if not np.isfinite(arr).all():
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(f"{_prefix(where)}{name}에 NaN이나 inf가 들어 있습니다(처음 나온 곳: 행 {bad[0]}, "
                         f"열 {bad[1]}). 창을 자르거나 스케일링하기 전에 결측값을 채우거나 지워야 합니다")
    return arr


def _is_bool_data(data) -> bool:
    """True/False values are not measurements (``np.asarray(..., float)`` would make them 1.0/0.0)."""
    if isinstance(data, (bool, np.bool_)):
        return True
    dtype = getattr(data, "dtype", None)
    if dtype is not None:
        return str(dtype) in ("bool", "torch.bool", "boolean")
    if isinstance(data, (list, tuple)):
        try:
            return np.asarray(data).dtype == np.bool_
        except (TypeError, ValueError):
            return False
    return False


def _as_array(data, name: str, ndim: int | tuple[int, ...], shape_text: str,
              where: str | None = None) -> np.ndarray:
    if isinstance(data, (str, bytes)) or data is None or _is_bool_data(data):
        raise TypeError(expected_message(where, name, f"모양 {shape_text}인 수치 배열", describe(data)))
    try:
        arr = np.asarray(data.detach().cpu() if hasattr(data, "detach") else data, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(expected_message(where, name, f"모양 {shape_text}인 수치 배열", describe(data))) from exc
    ndims = (ndim,) if isinstance(ndim, int) else ndim
    if arr.ndim not in ndims:
        raise ValueError(f"{_prefix(where)}{name}에는 모양 {shape_text}인 배열이 와야 합니다. "
                         f"받은 모양: {tuple(arr.shape)}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{_prefix(where)}{name}에 NaN이나 inf가 들어 있습니다")
    return arr


# ---------------------------------------------------------------------------- split, windows
def split_points(length: int, train: float = 0.7, val: float = 0.15) -> tuple[int, int]:
    """Chronological boundaries ``(n_train, n_train_val)`` for a series of ``length`` steps (6장).

    Steps ``[0, n_train)`` are training, ``[n_train, n_train_val)`` validation, the rest test.
    Nothing is shuffled: the future stays in the future.
    """
    length = check_int(length, "length", minimum=3, where="split_points")
    for name, frac in (("train", train), ("val", val)):
        if isinstance(frac, (bool, np.bool_)) or not isinstance(frac, numbers.Real) or not 0 < frac < 1:
            raise ValueError(expected_message("split_points", name, "(0, 1) 구간의 비율", describe(frac)))
    if train + val >= 1:
        raise ValueError(f"split_points: 테스트 부분이 남으려면 train + val의 값이 1보다 작아야 합니다. "
                         f"받은 값: {train} + {val}")
    n_train = int(round(length * train))
    n_train_val = int(round(length * (train + val)))
    if not 0 < n_train < n_train_val < length:
        raise ValueError(f"split_points: length={length}인 시계열은 {train}/{val}/나머지로 나누기에 너무 짧습니다")
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
    where = "make_windows"
    data = _as_series(series, where=where)
    out_dtype = _floating_dtype(series)  # y[i, h] == series[t[i] + h, target] exactly
    length, n_features = data.shape
    window = check_int(window, "window", minimum=1, where=where)
    horizon = check_int(horizon, "horizon", minimum=1, where=where)
    if isinstance(target, bool) or not isinstance(target, (int, np.integer)):
        raise TypeError(expected_message(where, "target", "정수(int) 열 번호", describe(target)))
    if not -n_features <= target < n_features:
        raise IdOutOfRangeError(f"make_windows: target={target}: 열 번호는 특성(feature)이 F={n_features}개인 "
                                f"시계열의 범위 [{-n_features}, {n_features}) 안에 있어야 합니다")
    if window + horizon > length:
        raise ValueError(f"make_windows: 창 하나에 window + horizon = {window} + {horizon}개의 값이 필요한데 "
                         f"시계열의 길이는 L={length}입니다. 들어갈 수 있는 창이 없습니다")
    start = window if start is None else check_int(start, "start", minimum=0, where=where)
    stop = length if stop is None else check_int(stop, "stop", minimum=0, where=where)
    if stop > length:
        raise ValueError(expected_message(where, "stop", f"0 이상 L={length}(시계열의 길이) 이하의 정수", str(stop)))
    first = max(start, window)  # the first target index that has a full window before it
    last = stop - horizon  # the last first-target index whose H targets end before stop
    if last < first:
        raise ValueError(f"make_windows: window={window}, horizon={horizon}일 때 목표가 모두 "
                         f"[start={start}, stop={stop}) 안에 드는 창이 없습니다")
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
            raise ValueError(expected_message("Scaler", "method", "'minmax', 'standard' 중 하나", repr(method)))
        self.method = method
        self.offset_: np.ndarray | None = None
        self.scale_: np.ndarray | None = None

    def fit(self, train) -> "Scaler":
        data = _as_series(train, "train", where="Scaler.fit")
        if self.method == "minmax":
            offset, scale = data.min(axis=0), data.max(axis=0) - data.min(axis=0)
        else:
            offset, scale = data.mean(axis=0), data.std(axis=0)
        if not (np.isfinite(offset).all() and np.isfinite(scale).all()):
            col = int(np.argmin(np.isfinite(offset) & np.isfinite(scale)))
            what = "최댓값 - 최솟값" if self.method == "minmax" else "평균이나 표준편차"
            raise ValueError(f"Scaler.fit: train의 열 {col}에서 {josa(what, '이')} float64의 범위를 넘습니다(값이 너무 큽니다). "
                             "먼저 값을 작은 단위로 바꿔야 합니다(예: 1e6으로 나누기)")
        self.offset_ = offset
        self.scale_ = np.where(scale > 0, scale, 1.0)  # a constant feature maps to 0 instead of NaN
        return self

    def _params(self, values, column, where: str):
        if self.offset_ is None or self.scale_ is None:
            raise RuntimeError(f"{where}: 아직 맞추지(fit) 않은 Scaler입니다. "
                               "먼저 fit(train_part)를 훈련 데이터에 호출해야 합니다")
        arr = _as_array(values, "values", tuple(range(0, 4)), "(..., F)", where=where)
        n = len(self.offset_)
        if column is None:
            if arr.ndim == 0 or arr.shape[-1] != n:
                raise ValueError(f"{where}: values에는 마지막 축에 특성(feature) {n}개가 있는 배열(모양 (..., {n}))이 "
                                 f"와야 합니다. 받은 모양: {tuple(arr.shape)}. 특성 하나의 값이라면 column=에 "
                                 "그 특성의 번호를 주어야 합니다")
            return arr, self.offset_, self.scale_
        if isinstance(column, bool) or not isinstance(column, (int, np.integer)):
            raise TypeError(expected_message(where, "column", "정수(int) 열 번호", describe(column)))
        if not -n <= column < n:
            raise IdOutOfRangeError(f"{where}: column={column}: 열 번호는 특성 {n}개의 범위 [{-n}, {n}) 안에 "
                                    "있어야 합니다")
        return arr, self.offset_[column], self.scale_[column]

    def transform(self, values, column: int | None = None) -> np.ndarray:
        arr, offset, scale = self._params(values, column, "Scaler.transform")
        return ((arr - offset) / scale).astype(np.float32)

    def inverse_transform(self, values, column: int | None = None) -> np.ndarray:
        arr, offset, scale = self._params(values, column, "Scaler.inverse_transform")
        return arr * scale + offset

    def __repr__(self) -> str:
        state = "fitted" if self.offset_ is not None else "not fitted"
        return f"Scaler(method={self.method!r}, {state})"


# ----------------------------------------------------------------------------------- baselines
def _check_windows(X, name: str = "X", where: str | None = None) -> np.ndarray:
    arr = _as_array(X, name, 3, "(N, T, F)", where=where)
    if 0 in arr.shape:
        raise ValueError(f"{_prefix(where)}{name}에 원소가 없습니다(모양 {tuple(arr.shape)}). "
                         "N, T, F >= 1인 모양 (N, T, F)의 창 배열이 필요합니다")
    return arr


def _check_target(target, n_features: int, where: str | None = None) -> int:
    if isinstance(target, bool) or not isinstance(target, (int, np.integer)):
        raise TypeError(expected_message(where, "target", "정수(int) 열 번호", describe(target)))
    if not -n_features <= target < n_features:
        raise IdOutOfRangeError(f"{_prefix(where)}target={target}: 열 번호는 특성(feature)이 F={n_features}개인 "
                                f"창의 범위 [{-n_features}, {n_features}) 안에 있어야 합니다")
    return int(target)


def persistence(X, horizon: int = 1, *, target: int = -1) -> np.ndarray:
    """Naive forecast "tomorrow = today": every future step repeats the window's last value (6장).

    ``X (N, T, F)`` → ``(N, H)``.
    """
    data = _check_windows(X, where="persistence")
    horizon = check_int(horizon, "horizon", minimum=1, where="persistence")
    target = _check_target(target, data.shape[2], where="persistence")
    last = data[:, -1, target]  # (N,)
    return np.repeat(last[:, None], horizon, axis=1)  # (N, H)


def seasonal_naive(X, season: int, horizon: int = 1, *, target: int = -1) -> np.ndarray:
    """Seasonal naive forecast: the value one season (``season`` steps) earlier (6장).

    ``X (N, T, F)`` with ``T >= season`` → ``(N, H)``; step h repeats ``X[:, T - season + h % season]``.
    """
    where = "seasonal_naive"
    data = _check_windows(X, where=where)
    season = check_int(season, "season", minimum=1, where=where)
    horizon = check_int(horizon, "horizon", minimum=1, where=where)
    target = _check_target(target, data.shape[2], where=where)
    T = data.shape[1]
    if season > T:
        message = expected_message(where, "season", f"창의 길이 T={T} 이하의 정수", str(season))
        raise ValueError(f"{message}. 창은 한 계절 이상 길어야 합니다")
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
        data = _check_windows(X, where="LinearAR.fit")
        targets = _as_array(y, "y", (1, 2), "(N,) 또는 (N, H)", where="LinearAR.fit")
        if targets.ndim == 1:
            targets = targets[:, None]
        if targets.shape[1] == 0:
            raise ValueError(expected_message("LinearAR.fit", "y", "모양 (N,) 또는 (N, H)이고 H >= 1인 배열",
                                              f"모양 {tuple(targets.shape)}"))
        if targets.shape[0] != data.shape[0]:
            raise ValueError(expected_message("LinearAR.fit", "y", f"X의 창 수와 같은 N={data.shape[0]}개의 행",
                                              f"행 {targets.shape[0]}개"))
        design = np.concatenate([data.reshape(len(data), -1), np.ones((len(data), 1))], axis=1)
        self.coef_, *_ = np.linalg.lstsq(design, targets, rcond=None)  # (T*F + 1, H)
        self.window_shape_ = data.shape[1:]
        return self

    def predict(self, X) -> np.ndarray:
        if self.coef_ is None:
            raise RuntimeError("LinearAR.predict: 아직 맞추지(fit) 않은 LinearAR입니다. "
                               "먼저 fit(X_train, y_train)을 호출해야 합니다")
        data = _check_windows(X, where="LinearAR.predict")
        if data.shape[1:] != self.window_shape_:
            raise ValueError(f"LinearAR.predict: X에는 fit 때와 같은 모양 (N, {self.window_shape_[0]}, "
                             f"{self.window_shape_[1]})인 창이 와야 합니다. 받은 모양: {tuple(data.shape)}")
        design = np.concatenate([data.reshape(len(data), -1), np.ones((len(data), 1))], axis=1)
        return design @ self.coef_  # (N, H)


# ------------------------------------------------------------------------------------- metrics
def _pair(y_true, y_pred, where: str):
    a = _as_array(y_true, "y_true", (1, 2), "(N,) 또는 (N, H)", where=where)
    b = _as_array(y_pred, "y_pred", (1, 2), "(N,) 또는 (N, H)", where=where)
    if a.shape != b.shape:
        raise ValueError(f"{where}: y_true의 모양과 y_pred의 모양이 같아야 합니다. "
                         f"받은 모양: y_true {tuple(a.shape)}, y_pred {tuple(b.shape)}")
    if a.size == 0:
        raise ValueError(f"{where}: y_true에 원소가 없습니다(모양 {tuple(a.shape)}). 값이 하나 이상 있어야 합니다")
    return a, b


def mae(y_true, y_pred) -> float:
    """Mean absolute error, in the units of the data (6장)."""
    a, b = _pair(y_true, y_pred, "mae")
    return float(np.mean(np.abs(a - b)))


def rmse(y_true, y_pred) -> float:
    """Root mean squared error, in the units of the data (6장)."""
    a, b = _pair(y_true, y_pred, "rmse")
    diff = a - b
    top = float(np.max(np.abs(diff)))
    if top == 0.0 or 1e-150 < top < 1e150:  # the squares stay normal floats
        return float(math.sqrt(np.mean(diff ** 2)))
    if not math.isfinite(top):  # y_true - y_pred itself overflowed
        return math.inf
    # huge errors would overflow when squared, tiny ones underflow: scale by the largest first
    value = top * float(math.sqrt(np.mean((diff / top) ** 2)))
    return value


def mase(y_true, y_pred, train, season: int = 1) -> float:
    """Mean absolute scaled error (Hyndman & Koehler 2006) (6장).

    The MAE divided by the in-sample MAE of the (seasonal) naive forecast on the *training* series:
    ``mean |train[t] - train[t - season]|``. Below 1: better than that naive forecast was in training.
    """
    a, b = _pair(y_true, y_pred, "mase")
    history = _as_array(train, "train", 1, "(L,)", where="mase")
    season = check_int(season, "season", minimum=1, where="mase")
    if len(history) <= season:
        raise ValueError(expected_message("mase", "train", f"season={season}보다 긴 시계열",
                                          f"길이 L={len(history)}인 시계열"))
    scale = float(np.mean(np.abs(history[season:] - history[:-season])))
    if scale == 0:
        raise ValueError(f"mase: train에서 season={season}만큼 떨어진 값이 모두 같아 (계절) 나이브 예측의 훈련 MAE가 0입니다. "
                         "그래서 MASE를 정의할 수 없습니다")
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
    values = _as_array(series, "series", 1, "(L,)", where="drift")
    idx = np.asarray(t)
    if idx.ndim != 1 or not np.issubdtype(idx.dtype, np.integer):
        raise TypeError(expected_message("drift", "t", "모양 (N,)인 1차원 정수 배열(목표 위치)",
                                         f"자료형 {idx.dtype}, 모양 {tuple(idx.shape)}"))
    horizon = check_int(horizon, "horizon", minimum=1, where="drift")
    if idx.size and (idx.min() < 2 or idx.max() > len(values)):
        message = expected_message("drift", "t", f"[2, len(series)={len(values)}] 범위의 목표 위치",
                                   f"{idx.min()}..{idx.max()}")
        raise ValueError(f"{message}. 드리프트 예측에는 지난 값이 두 개 이상 필요합니다")
    last = values[idx - 1]  # (N,)
    slope = (last - values[0]) / (idx - 1)  # (N,)
    steps = np.arange(1, horizon + 1)  # (H,)
    return last[:, None] + slope[:, None] * steps[None, :]  # (N, H)


def _as_loss_pair(loss_a, loss_b, where: str = "diebold_mariano") -> np.ndarray:
    a = _as_array(loss_a, "loss_a", 1, "(N,)", where=where)
    b = _as_array(loss_b, "loss_b", 1, "(N,)", where=where)
    if a.shape != b.shape:
        raise ValueError(f"{where}: loss_a의 모양과 loss_b의 모양이 같아야 합니다(같은 예측 원점들의 원점별 손실, "
                         f"모양 (N,)). 받은 모양: loss_a {tuple(a.shape)}, loss_b {tuple(b.shape)}")
    if len(a) < 3:
        raise ValueError(f"{where}: 비교하려면 예측 원점이 3개 이상 있어야 합니다. 받은 개수: {len(a)}")
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
    horizon = check_int(horizon, "horizon", minimum=1, where="diebold_mariano")
    n = len(d)
    if horizon >= n:
        raise ValueError(expected_message("diebold_mariano", "horizon", f"원점의 수 N={n}보다 작은 정수", str(horizon)))
    if not np.isfinite(d).all():
        raise ValueError("diebold_mariano: loss_a - loss_b가 float64의 범위를 넘습니다(손실이 너무 큽니다)")
    if np.all(d == d[0]):
        raise ValueError("diebold_mariano: 손실의 차이(loss_a - loss_b)가 모든 원점에서 같습니다(상수). "
                         "차이의 분산이 0이라 통계량을 정의할 수 없습니다")
    # the statistic does not change when d is scaled; a power of two scales exactly and keeps the
    # squares below from overflowing (huge losses) or underflowing (tiny ones)
    d = np.ldexp(d, -int(np.frexp(np.max(np.abs(d)))[1]))
    centred = d - d.mean()
    lrv = float(centred @ centred) / n
    for k in range(1, horizon):
        lrv += 2 * (1 - k / horizon) * float(centred[k:] @ centred[:-k]) / n
    if lrv <= 0:
        raise ValueError("diebold_mariano: 손실의 차이(loss_a - loss_b)가 모든 원점에서 같습니다(상수). "
                         "차이의 분산이 0이라 통계량을 정의할 수 없습니다")
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
    where = "block_bootstrap_ci"
    d = _as_array(diff, "diff", 1, "(N,)", where=where)
    n = len(d)
    block = check_int(block, "block", minimum=1, where=where)
    n_boot = check_int(n_boot, "n_boot", minimum=100, where=where)
    if n < 2 or block > n:
        raise ValueError("block_bootstrap_ci: diff에는 값이 2개 이상 있어야 하고, block에는 diff의 길이 N 이하의 "
                         f"정수가 와야 합니다. 받은 값: N={n}, block={block}")
    if isinstance(level, (bool, np.bool_)) or not isinstance(level, numbers.Real) or not 0 < level < 1:
        raise ValueError(expected_message(where, "level", "(0, 1) 구간의 수", describe(level)))
    level = float(level)
    seed = check_int(seed, "seed", minimum=0, where=where)
    rng = np.random.default_rng(seed)
    n_blocks = -(-n // block)
    starts = rng.integers(0, n, size=(n_boot, n_blocks))  # (n_boot, n_blocks)
    idx = (starts[:, :, None] + np.arange(block)[None, None, :]) % n  # (n_boot, n_blocks, block)
    means = d[idx.reshape(n_boot, -1)[:, :n]].mean(axis=1)  # (n_boot,)
    alpha = (1 - level) / 2
    lo, hi = np.quantile(means, [alpha, 1 - alpha])
    return float(lo), float(hi)
