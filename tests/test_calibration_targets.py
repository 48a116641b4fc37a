"""Calibration targets, the observation model and the scores (issue 4 groundwork)."""

import numpy as np
import pytest
import xarray as xr
from scipy import stats

from borderflow import simulate
from borderflow.calibration import scores
from borderflow.calibration.targets import BY_NAME, LAST_YEAR, TARGETS, log_likelihood


def test_targets_are_the_four_series_with_their_windows():
    expected = {
        "synthetic_opioid_deaths": ("calendar", 2013, 12),
        "fentanyl_seizures_lb": ("fiscal", 2019, 6),
        "southwest_encounters_border_patrol": ("fiscal", 2012, 13),
        "southwest_encounters_ports_of_entry": ("fiscal", 2014, 11),
    }
    assert [t.name for t in TARGETS] == list(expected)
    for name, (period, first, points) in expected.items():
        target = BY_NAME[name]
        observed = target.observed()
        assert target.period == period
        assert observed.index.min() == first and observed.index.max() == LAST_YEAR == 2024
        assert len(observed) == points
        assert target.observed(through=2023).index.max() == 2023
    assert BY_NAME["synthetic_opioid_deaths"].observed()[2021] == 70601
    assert BY_NAME["synthetic_opioid_deaths"].observed()[2024] == 47735
    assert BY_NAME["fentanyl_seizures_lb"].observed()[2023] == pytest.approx(27022.9)
    assert BY_NAME["fentanyl_seizures_lb"].observed()[2024] == pytest.approx(21889.2)
    assert len(BY_NAME["southwest_encounters_border_patrol"].observed(through=2019)) == 8


def test_simulated_annual_series_follow_the_period():
    ds = simulate("status_quo", members=2, seed=0, arc_detail=False)
    fiscal = BY_NAME["fentanyl_seizures_lb"].simulated(ds)
    by_hand = float(ds["seizures_lb"].isel(member=1).sel(month=slice("2020-10", "2021-09")).sum())
    assert float(fiscal.isel(member=1).sel(year=2021)) == pytest.approx(by_hand, rel=1e-12)
    calendar = BY_NAME["synthetic_opioid_deaths"].simulated(ds)
    by_hand = float(ds["overdose_deaths"].isel(member=0).sel(month="2019").sum())
    assert float(calendar.isel(member=0).sel(year=2019)) == pytest.approx(by_hand, rel=1e-12)


def test_log_likelihood_is_the_negative_binomial():
    target = BY_NAME["southwest_encounters_ports_of_entry"]
    observed = target.observed()
    mu = np.outer([0.8, 1.0, 1.3], observed.values)
    simulated = xr.DataArray(mu, dims=("member", "year"),
                             coords={"year": observed.index.values})
    size = 1 / target.observed_cv**2
    expected = stats.nbinom.logpmf(observed.values[None, :], size, size / (size + mu)).sum(1)
    np.testing.assert_allclose(log_likelihood(target, simulated), expected, rtol=1e-10)
    assert np.argmax(log_likelihood(target, simulated)) == 1  # the exact mean fits best


def test_scores_on_worked_examples():
    y = np.array([100.0, 200.0, 300.0])
    assert scores.mape(y, np.array([110.0, 180.0, 300.0])) == pytest.approx((0.1 + 0.1) / 3)
    assert scores.r2(y, y) == 1.0
    assert scores.r2(y, np.full(3, 200.0)) == pytest.approx(0.0)
    low, high = np.array([90.0, 210.0, 250.0]), np.array([120.0, 260.0, 350.0])
    assert scores.coverage(y, low, high) == pytest.approx(2 / 3)
    # widths 30, 50, 100; the second observation lies 10 below its interval: 2/0.1 * 10
    assert scores.interval_score(y, low, high, alpha=0.1) == pytest.approx((180 + 200) / 3)
