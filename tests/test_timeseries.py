"""seqlab.timeseries: windows, split, scaler, baselines, metrics; clear errors on bad input."""
import math

import numpy as np
import pytest
import torch

import seqlab
from seqlab.timeseries import (
    LinearAR,
    Scaler,
    load_elnino,
    load_msft,
    mae,
    make_windows,
    mase,
    persistence,
    rmse,
    seasonal_naive,
    split_points,
)


def test_import_seqlab_stays_light():
    import subprocess
    import sys

    code = "import sys, seqlab, seqlab.timeseries; print('pmdarima' in sys.modules, 'statsmodels' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]  # the data packages are read only when a loader is called
    assert seqlab.__name__ == "seqlab"


# ---------------------------------------------------------------------------------- data
def test_load_msft_is_daily_ohlcv_oldest_first():
    df = load_msft(start=None)
    assert list(df.columns) == ["Open", "High", "Low", "Close", "Volume"]
    assert len(df) == 7983
    assert str(df.index[0].date()) == "1986-03-13" and str(df.index[-1].date()) == "2017-11-10"
    assert df.index.is_monotonic_increasing
    assert not df.isna().any().any()
    assert (df["High"] >= df["Low"]).all()
    cut = load_msft("2010-01-01", "2010-12-31")
    assert cut.index[0].year == 2010 and cut.index[-1].year == 2010


def test_load_msft_rejects_a_bad_date():
    with pytest.raises(TypeError, match=r"^load_msft: start에는 'YYYY-MM-DD' 형식의 날짜 또는 None이 와야 합니다\. "
                                        r"받은 값: int 2010$"):
        load_msft(start=2010)
    with pytest.raises(ValueError, match=r"end에는 'YYYY-MM-DD' 형식의 날짜 또는 None이 와야 합니다\. "
                                         r"받은 값: 문자열 'yesterday-ish'"):
        load_msft(end="yesterday-ish")


def test_load_elnino_is_monthly_and_complete():
    s = load_elnino()
    assert len(s) == 732
    assert str(s.index[0].date()) == "1950-01-01" and str(s.index[-1].date()) == "2010-12-01"
    assert not s.isna().any()
    assert s.iloc[0] == pytest.approx(23.11) and s.iloc[1] == pytest.approx(24.20)  # Jan, Feb 1950


# ------------------------------------------------------------------------------ windows
def test_make_windows_shapes_and_target_index():
    series = np.arange(20.0)
    X, y, t = make_windows(series, 5, 2)
    assert X.shape == (20 - 5 - 2 + 1, 5, 1) and y.shape == (14, 2) and t.shape == (14,)
    assert t[0] == 5 and t[-1] == 18
    for i in range(len(t)):
        assert np.array_equal(X[i, :, 0], series[t[i] - 5:t[i]])
        assert np.array_equal(y[i], series[t[i]:t[i] + 2])


def test_make_windows_multifeature_target_column():
    series = np.stack([np.arange(10.0), 100 + np.arange(10.0)], axis=1)  # (L, F=2)
    X, y, t = make_windows(series, 3, target=0)
    assert X.shape == (7, 3, 2)
    assert np.array_equal(y[:, 0], series[t, 0])
    _, y1, _ = make_windows(series, 3)  # default: last column
    assert np.array_equal(y1[:, 0], series[t, 1])


def test_make_windows_start_stop_give_a_chronological_split():
    series = np.arange(50.0)
    n_train, n_val = split_points(len(series))
    assert (n_train, n_val) == (35, 42)
    _, _, t_tr = make_windows(series, 4, 3, start=0, stop=n_train)
    _, _, t_va = make_windows(series, 4, 3, start=n_train, stop=n_val)
    X_te, _, t_te = make_windows(series, 4, 3, start=n_val)
    assert t_tr[0] == 4 and t_tr[-1] + 3 <= n_train
    assert t_va[0] == n_train and t_va[-1] + 3 <= n_val
    assert t_te[0] == n_val and t_te[-1] + 3 == len(series)
    assert X_te[0, 0, 0] == n_val - 4  # inputs may reach back into the previous part


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(window=10), ValueError, r"window \+ horizon = 10 \+ 1개의 값이 필요한데 시계열의 길이는 L=10입니다"),
    (dict(window=8, horizon=3), ValueError, r"8 \+ 3개의 값이 필요한데.*들어갈 수 있는 창이 없습니다"),
    (dict(window=0), ValueError, r"window에는 1 이상의 정수\(int\)가 와야 합니다\. 받은 값: 0"),
    (dict(window=2.5), TypeError, r"window에는 1 이상의 정수\(int\)가 와야 합니다\. 받은 값: float 2\.5"),
    (dict(window=3, target=5), IndexError, r"target=5: 열 번호는 특성\(feature\)이 F=1개인 시계열의 범위 \[-1, 1\)"),
    (dict(window=3, start=8, stop=9, horizon=2), ValueError, r"목표가 모두 \[start=8, stop=9\) 안에 드는 창이 없습니다"),
    (dict(window=3, stop=12), ValueError, r"stop에는 0 이상 L=10\(시계열의 길이\) 이하의 정수가 와야 합니다\. 받은 값: 12"),
])
def test_make_windows_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        make_windows(np.arange(10.0), **kwargs)


def test_make_windows_rejects_nan_and_bad_types():
    with pytest.raises(ValueError, match=r"^make_windows: series에 NaN이나 inf가 들어 있습니다\(처음 나온 곳: 행 2, 열 0\)"):
        make_windows([1.0, 2.0, float("nan"), 4.0, 5.0], 2)
    with pytest.raises(TypeError, match=r"series에는 모양 \(L,\) 또는 \(L, F\)인 수치 배열이 와야 합니다\. "
                                        r"받은 값: 문자열 '12345'"):
        make_windows("12345", 2)
    with pytest.raises(TypeError, match=r"series에는 .*수치 배열이 와야 합니다\. 받은 값: 항목 5개인 list"):
        make_windows([object()] * 5, 2)
    with pytest.raises(ValueError, match=r"series에는 모양 \(L,\) 또는 \(L, F\)인 배열이 와야 합니다\. "
                                         r"받은 모양: \(4, 3, 2\)"):
        make_windows(np.zeros((4, 3, 2)), 2)
    X, _, _ = make_windows(torch.arange(6.0), 2)  # tensors are accepted
    assert X.shape == (4, 2, 1)


def test_split_points_bad_input():
    with pytest.raises(ValueError, match=r"테스트 부분이 남으려면 train \+ val의 값이 1보다 작아야 합니다\. "
                                         r"받은 값: 0\.8 \+ 0\.2"):
        split_points(100, 0.8, 0.2)
    with pytest.raises(ValueError, match=r"train에는 \(0, 1\) 구간의 비율이 와야 합니다\. 받은 값: float 1\.5"):
        split_points(100, 1.5)
    with pytest.raises(ValueError, match="length=3인 시계열은 .*너무 짧습니다"):
        split_points(3)


# -------------------------------------------------------------------------------- scaler
def test_scaler_fits_on_train_only_and_inverts():
    train = np.array([[0.0, 10.0], [2.0, 30.0], [4.0, 20.0]])
    full = np.vstack([train, [[8.0, 50.0]]])
    sc = Scaler("minmax").fit(train)
    z = sc.transform(full)
    assert np.allclose(z[:3].min(axis=0), 0) and np.allclose(z[:3].max(axis=0), 1)
    assert z[3, 0] == pytest.approx(2.0) and z[3, 1] == pytest.approx(2.0)  # test leaves [0, 1]
    assert np.allclose(sc.inverse_transform(z), full)
    assert np.allclose(sc.inverse_transform(z[:, 1], column=1), full[:, 1])
    assert np.allclose(sc.inverse_transform(z[:, 1:].reshape(2, 2), column=-1), full[:, 1].reshape(2, 2))
    st = Scaler("standard").fit(train)
    assert np.allclose(st.transform(train).mean(axis=0), 0, atol=1e-6)
    assert np.allclose(st.inverse_transform(st.transform(full)), full, atol=1e-5)


def test_scaler_constant_feature_does_not_divide_by_zero():
    sc = Scaler().fit(np.ones((5, 1)))
    assert np.allclose(sc.transform(np.ones((2, 1))), 0)


def test_scaler_errors():
    # chapter 6 shows this one to students
    with pytest.raises(RuntimeError, match=r"^Scaler\.transform: 아직 맞추지\(fit\) 않은 Scaler입니다\. "
                                           r"먼저 fit\(train_part\)를 훈련 데이터에 호출해야 합니다$"):
        Scaler().transform(np.zeros((3, 1)))
    with pytest.raises(RuntimeError, match=r"^Scaler\.inverse_transform: 아직 맞추지\(fit\) 않은 Scaler입니다"):
        Scaler().inverse_transform(np.zeros(3), column=0)
    with pytest.raises(ValueError, match=r"method에는 'minmax', 'standard' 중 하나가 와야 합니다\. 받은 값: 'robust'"):
        Scaler("robust")
    sc = Scaler().fit(np.arange(6.0).reshape(3, 2))
    with pytest.raises(ValueError, match=r"values에는 마지막 축에 특성\(feature\) 2개가 있는 배열.*받은 모양: \(3, 3\)"):
        sc.transform(np.zeros((3, 3)))
    with pytest.raises(IndexError, match=r"column=2: 열 번호는 특성 2개의 범위 \[-2, 2\) 안에"):
        sc.transform(np.zeros(3), column=2)
    with pytest.raises(TypeError, match=r"column에는 정수\(int\) 열 번호가 와야 합니다\. 받은 값: float 1\.0"):
        sc.transform(np.zeros(3), column=1.0)
    with pytest.raises(ValueError, match=r"^Scaler\.fit: train에 NaN이나 inf가"):
        Scaler().fit([[1.0], [float("nan")]])
    with pytest.raises(ValueError, match=r"^Scaler\.transform: values에 NaN이나 inf가"):
        sc.transform(np.array([[1.0, float("inf")]]))
    assert "not fitted" in repr(Scaler()) and "fitted" in repr(sc)


# ----------------------------------------------------------------------------- baselines
def test_persistence_and_seasonal_naive():
    series = np.arange(30.0)
    X, y, t = make_windows(series, 12, 3)
    assert np.array_equal(persistence(X, 3), np.repeat(series[t - 1][:, None], 3, axis=1))
    sn = seasonal_naive(X, 12, 3)
    assert np.array_equal(sn, np.stack([series[t - 12 + h] for h in range(3)], axis=1))
    sn4 = seasonal_naive(X, 4, 6)  # horizon longer than the season repeats the season
    assert np.array_equal(sn4[:, 4], sn4[:, 0]) and np.array_equal(sn4[:, 0], series[t - 4])
    with pytest.raises(ValueError, match=r"season에는 창의 길이 T=12 이하의 정수가 와야 합니다\. 받은 값: 13"):
        seasonal_naive(X, 13)
    with pytest.raises(ValueError, match=r"X에는 모양 \(N, T, F\)인 배열이 와야 합니다\. 받은 모양: \(30,\)"):
        persistence(series)


def test_linear_ar_recovers_an_ar_process():
    rng = np.random.default_rng(0)
    x = np.zeros(400)
    for i in range(2, 400):
        x[i] = 0.6 * x[i - 1] - 0.3 * x[i - 2] + 1.0 + 0.01 * rng.standard_normal()
    X, y, _ = make_windows(x, 2)
    ar = LinearAR().fit(X, y)
    assert np.allclose(ar.coef_[:, 0], [-0.3, 0.6, 1.0], atol=0.02)
    assert ar.predict(X).shape == (len(X), 1)
    X3, y3, _ = make_windows(x, 2, 3)
    assert LinearAR().fit(X3, y3).predict(X3).shape == (len(X3), 3)
    with pytest.raises(RuntimeError, match=r"^LinearAR\.predict: 아직 맞추지\(fit\) 않은 LinearAR입니다\. "
                                           r"먼저 fit\(X_train, y_train\)을 호출해야 합니다"):
        LinearAR().predict(X)
    with pytest.raises(ValueError, match=rf"y에는 X의 창 수와 같은 N={len(X)}개의 행이 와야 합니다\. "
                                         rf"받은 값: 행 {len(X) - 1}개"):
        LinearAR().fit(X, y[:-1])
    with pytest.raises(ValueError, match=r"X에는 fit 때와 같은 모양 \(N, 2, 1\)인 창이 와야 합니다\. 받은 모양: "):
        ar.predict(X3[:, :1])


# ------------------------------------------------------------------------------- metrics
def test_metrics():
    y, p = np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 2.0, 3.0, 8.0])
    assert mae(y, p) == 1.0 and rmse(y, p) == 2.0
    train = np.array([0.0, 1.0, 3.0, 6.0])  # naive in-sample MAE = (1 + 2 + 3) / 3 = 2
    assert mase(y, p, train) == pytest.approx(0.5)
    seasonal_train = np.array([0.0, 5.0, 1.0, 7.0])  # lag-2 in-sample MAE = (1 + 2) / 2 = 1.5
    assert mase(y, p, seasonal_train, season=2) == pytest.approx(1.0 / 1.5)


def test_metric_errors():
    with pytest.raises(ValueError, match=r"y_true의 모양과 y_pred의 모양이 같아야 합니다\. "
                                         r"받은 모양: y_true \(3,\), y_pred \(4,\)"):
        mae(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match=r"^rmse: y_pred에 NaN이나 inf가 들어 있습니다"):
        rmse(np.zeros(2), np.array([0.0, float("nan")]))
    with pytest.raises(ValueError, match="MASE를 정의할 수 없습니다"):
        mase(np.zeros(2), np.ones(2), np.ones(5))
    with pytest.raises(ValueError, match=r"train에는 season=3보다 긴 시계열이 와야 합니다\. 받은 값: 길이 L=3인 시계열"):
        mase(np.zeros(2), np.ones(2), np.arange(3.0), season=3)
    with pytest.raises(TypeError, match=r"y_true에는 모양 \(N,\) 또는 \(N, H\)인 수치 배열이 와야 합니다"):
        mae("ab", "cd")


# ------------------------------------------------------------ regressions: the window dtype
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_make_windows_keeps_the_floating_dtype_and_its_identity(dtype):
    scale = 1e3 if dtype == np.float16 else 1e6  # large values (float16 stops at 65504)
    series = (np.arange(40, dtype=np.float64).reshape(20, 2) * scale + 0.123).astype(dtype)
    X, y, t = make_windows(series, 3, 2, target=0)
    assert X.dtype == dtype and y.dtype == dtype
    for i in range(len(t)):
        for h in range(2):
            assert y[i, h] == series[t[i] + h, 0]
        assert np.array_equal(X[i], series[t[i] - 3:t[i]])


def test_make_windows_of_ints_and_lists_is_exact_in_float64():
    big = np.arange(2**30, 2**30 + 12, dtype=np.int64)  # not representable in float32
    X, y, t = make_windows(big, 4)
    assert y.dtype == np.float64 and all(y[i, 0] == big[t[i]] for i in range(len(t)))
    X, y, t = make_windows([0.1 * k for k in range(10)], 2)
    assert y.dtype == np.float64 and y[0, 0] == 0.1 * 2
    X, y, _ = make_windows(torch.arange(10, dtype=torch.float32), 2)
    assert X.dtype == np.float32


# ---------------------------------------------------------------- drift and forecast comparison
def test_drift_extends_the_line_through_the_first_and_last_value():
    from seqlab.timeseries import drift

    series = np.array([1.0, 3.0, 2.0, 6.0, 5.0])
    got = drift(series, np.array([2, 4]), horizon=2)  # origins after 2 and after 4 values
    # after [1, 3]: slope 2 -> 5, 7; after [1, 3, 2, 6]: slope 5/3 -> 6 + 5/3, 6 + 10/3
    np.testing.assert_allclose(got, [[5.0, 7.0], [6 + 5 / 3, 6 + 10 / 3]])
    line = 2.0 + 0.5 * np.arange(20)
    np.testing.assert_allclose(drift(line, np.arange(2, 20), 3)[:, 2], 2.0 + 0.5 * (np.arange(2, 20) + 2))
    with pytest.raises(ValueError, match=r"t에는 \[2, len\(series\)=5\] 범위의 목표 위치가 와야 합니다\. 받은 값: 1\.\.1\. "
                                         "드리프트 예측에는 지난 값이 두 개 이상 필요합니다"):
        drift(series, np.array([1]))
    with pytest.raises(TypeError, match=r"t에는 모양 \(N,\)인 1차원 정수 배열\(목표 위치\)이 와야 합니다\. "
                                        r"받은 값: 자료형 float64"):
        drift(series, np.array([2.0]))


def test_diebold_mariano_matches_a_hand_computation():
    from seqlab.timeseries import diebold_mariano

    a = np.array([1.0, 2.0, 0.5, 1.5, 3.0, 0.0])
    b = np.array([0.5, 1.0, 1.5, 0.5, 1.0, 1.0])
    d = a - b  # [0.5, 1, -1, 1, 2, -1], mean 0.41667
    m = d.mean()
    c = d - m
    g0 = (c ** 2).sum() / 6
    stat, p = diebold_mariano(a, b, horizon=1)
    assert stat == pytest.approx(m / math.sqrt(g0 / 6))
    assert p == pytest.approx(math.erfc(abs(stat) / math.sqrt(2)))
    g1, g2 = (c[1:] * c[:-1]).sum() / 6, (c[2:] * c[:-2]).sum() / 6
    lrv = g0 + 2 * (2 / 3) * g1 + 2 * (1 / 3) * g2  # Bartlett weights for horizon 3
    stat3, _ = diebold_mariano(a, b, horizon=3)
    assert stat3 == pytest.approx(m / math.sqrt(lrv / 6))
    assert diebold_mariano(b, a)[0] == pytest.approx(-stat)  # the sign says which loses less
    with pytest.raises(ValueError, match=r"loss_a의 모양과 loss_b의 모양이 같아야 합니다.*"
                                         r"받은 모양: loss_a \(6,\), loss_b \(5,\)"):
        diebold_mariano(a, b[:-1])
    with pytest.raises(ValueError, match=r"손실의 차이\(loss_a - loss_b\)가 모든 원점에서 같습니다"):
        diebold_mariano(a, a + 1.0)
    with pytest.raises(ValueError, match=r"horizon에는 원점의 수 N=6보다 작은 정수가 와야 합니다\. 받은 값: 6"):
        diebold_mariano(a, b, horizon=6)


def test_diebold_mariano_rejects_rarely_when_two_forecasts_are_equally_good():
    from seqlab.timeseries import diebold_mariano

    rng = np.random.default_rng(0)
    rejections = 0
    for _ in range(300):
        e = rng.normal(size=(2, 200))
        rejections += diebold_mariano(np.abs(e[0]), np.abs(e[1]))[1] < 0.05
    assert 0.02 <= rejections / 300 <= 0.09
    better = np.abs(rng.normal(size=200)) * 0.5
    assert diebold_mariano(better, np.abs(rng.normal(size=200)))[0] < -4


def test_block_bootstrap_interval_covers_the_true_mean_of_a_correlated_series():
    from seqlab.timeseries import block_bootstrap_ci

    rng = np.random.default_rng(1)
    covered = 0
    for _ in range(200):
        noise = rng.normal(size=300)
        x = np.zeros(300)
        for i in range(1, 300):
            x[i] = 0.6 * x[i - 1] + noise[i]  # AR(1) around the true mean 0
        lo, hi = block_bootstrap_ci(x, block=15, n_boot=400, seed=0)
        covered += lo <= 0.0 <= hi
    assert covered / 200 >= 0.85
    lo, hi = block_bootstrap_ci(np.arange(10.0), block=2, seed=3)
    assert (lo, hi) == block_bootstrap_ci(np.arange(10.0), block=2, seed=3)  # deterministic
    assert 0 <= lo < 4.5 < hi <= 9
    with pytest.raises(ValueError, match=r"block에는 diff의 길이 N 이하의 정수가 와야 합니다\. 받은 값: N=5, block=6"):
        block_bootstrap_ci(np.arange(5.0), block=6)
    with pytest.raises(ValueError, match=r"level에는 \(0, 1\) 구간의 수가 와야 합니다\. 받은 값: int 95"):
        block_bootstrap_ci(np.arange(5.0), block=2, level=95)
