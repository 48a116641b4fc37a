"""Cost-effectiveness ratios: means, discounting, the bootstrap and the refusal."""

import numpy as np
import xarray as xr

from borderflow.results import DISCOUNT_RATE, cost_effectiveness, period_totals


def test_ratio_of_means_with_a_bootstrap_interval():
    rng = np.random.default_rng(4)
    averted = rng.gamma(2.0, 50.0, 400)
    cost = 1e6 * averted + rng.normal(0, 1e7, 400)
    out = cost_effectiveness(cost, averted, "deaths")
    assert out["value"] == cost.mean() / averted.mean()  # mean over mean, not median
    assert out["p05"] < out["value"] < out["p95"]
    assert out == cost_effectiveness(cost, averted, "deaths")  # seeded
    # the interval narrows with more members (it is the ratio's sampling uncertainty)
    wide = cost_effectiveness(cost[:40], averted[:40], "deaths")
    assert wide["p95"] - wide["p05"] > out["p95"] - out["p05"]


def test_no_ratio_under_one_unit_averted():
    out = cost_effectiveness(np.full(10, 5e6), np.full(10, 0.4), "deaths")
    assert out["value"] is None and out["p05"] is None and out["p95"] is None
    assert "under one" in out["reason"]


def test_an_unbounded_bound_is_null():
    averted = np.array([200.0, -180.0, 1.0, -1.0] * 5)  # resamples often avert nothing
    out = cost_effectiveness(np.full(20, 1e6), averted, "deaths")
    assert out["value"] is not None and out["p95"] is None


def test_discounting_at_three_percent_from_the_first_month():
    months = np.arange("2024-01", "2036-01", dtype="datetime64[M]").astype("datetime64[ns]")
    ones = np.ones((2, len(months)))
    ds = xr.Dataset({name: (("member", "month"), ones) for name in (
        "policy_cost_usd", "trade_cost_usd", "opioid_overdose_deaths", "encounters",
        "overdose_deaths", "seizures_lb", "gun_homicides_mexico", "cooperation")},
        coords={"month": months})
    ds["delivered_kg"] = (("member", "month", "market"), np.ones((2, len(months), 1)))
    ds["crossing_flow_kg"] = (("member", "month", "crossing"), np.ones((2, len(months), 1)))
    ds["crossing_seizures_kg"] = ds["crossing_flow_kg"] * 0.1
    totals = period_totals(ds, 2025, 2034)
    factor = (1 + DISCOUNT_RATE) ** -(np.arange(120) / 12)
    np.testing.assert_allclose(totals["discounted_opioid_deaths"], factor.sum(), rtol=1e-12)
    np.testing.assert_allclose(totals["discounted_cost_usd"], 2 * factor.sum(), rtol=1e-12)
    assert float(totals["opioid_overdose_deaths"][0]) == 120
