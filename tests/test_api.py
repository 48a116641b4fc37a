"""The public API: simulate's dataset, compare's pairing, the displacement metric."""

import numpy as np
import pytest
import xarray as xr

import borderflow
from borderflow.errors import ParameterError
from borderflow.results import displaced_share, period_totals


def test_simulate_dataset_shape_and_units():
    ds = borderflow.simulate("status_quo", members=4, seed=1)
    assert isinstance(ds, xr.Dataset)
    assert ds["delivered_kg"].dims == ("member", "month", "market")
    assert ds["seizures_lb"].dims == ("member", "month")
    assert ds["flow_kg"].dims == ("member", "month", "arc")
    assert "kg" in ds["delivered_kg"].attrs["units"] and "lb" in ds["seizures_lb"].attrs["units"]
    assert list(ds["market"].values) == ["west", "midwest", "south", "northeast"]
    np.testing.assert_allclose(
        ds["seizures_lb"], ds["seizures_lb_ports_of_entry"] + ds["seizures_lb_between_ports"]
    )
    # crossing flows are the arc flows into each crossing
    into = ds["flow_kg"].where(ds["arc_to"] == "san_ysidro", 0).sum("arc")
    np.testing.assert_allclose(ds["crossing_flow_kg"].sel(crossing="san_ysidro"), into)
    # the demand side (docs/model-system.md): every opioid death, the market, seven states
    np.testing.assert_allclose(ds["opioid_overdose_deaths"],
                               ds["overdose_deaths"] + ds["heroin_deaths"], rtol=1e-12)
    for name in ("wholesale_price_usd_per_pure_gram", "wholesale_stock_kg", "consumption_kg",
                 "heroin_kg", "heroin_price_ratio", "unmet_share", "lethal_dose_share",
                 "naloxone_reversal_share"):
        assert ds[name].dims == ("member", "month") and ds[name].attrs["units"], name
    assert list(ds["state"].values) == ["no_use", "misuse", "oud_high_risk", "oud_lower_risk",
                                        "treatment", "post_treatment", "remission"]


def test_subsets_reproduce_exactly():
    full = borderflow.simulate("bilateral_package", members=6, seed=9)
    part = borderflow.simulate("bilateral_package", members=[5, 1], seed=9)
    xr.testing.assert_identical(full["delivered_kg"].sel(member=[5, 1]), part["delivered_kg"])


def test_compare_is_paired_member_by_member():
    result = borderflow.compare(["lab_takedowns"], members=10, seed=4)
    base = period_totals(borderflow.simulate("status_quo", members=10, seed=4), 2025, 2034)
    scen = period_totals(borderflow.simulate("lab_takedowns", members=10, seed=4), 2025, 2034)
    diff = scen["kg_delivered_us"] - base["kg_delivered_us"]
    got = result.metrics["lab_takedowns"]["kg_delivered_us_vs_status_quo"]
    assert got["median"] == pytest.approx(float(np.median(diff)), rel=1e-12)
    assert got["p05"] == pytest.approx(float(np.quantile(diff, 0.05)), rel=1e-12)
    # deaths averted count every opioid death: a fentanyl shortfall that sends users to
    # heroin counts the heroin deaths it adds
    averted = base["opioid_overdose_deaths"] - scen["opioid_overdose_deaths"]
    got = result.metrics["lab_takedowns"]["deaths_averted"]
    assert got["median"] == pytest.approx(float(np.median(averted)), rel=1e-12)
    assert list(result.metrics) == ["status_quo", "lab_takedowns"]
    assert result.annual["delivered_kg"].dims == ("scenario", "member", "year")


def test_displaced_share_bounds():
    base = xr.DataArray([[1.0, 3.0, 0.0]], dims=("member", "crossing"))
    assert float(displaced_share(base, base * 7).item()) == 0.0  # scaling moves nothing
    moved = xr.DataArray([[0.0, 0.0, 5.0]], dims=("member", "crossing"))
    assert float(displaced_share(base, moved).item()) == pytest.approx(1.0)
    half = xr.DataArray([[2.0, 2.0, 0.0]], dims=("member", "crossing"))
    assert float(displaced_share(base, half).item()) == pytest.approx(0.25)


def test_parameters_and_members_are_checked():
    with pytest.raises(ParameterError, match="parameters must be 'prior', 'posterior' or a"):
        borderflow.simulate(parameters="best")
    with pytest.raises(ParameterError, match="members must be a positive integer"):
        borderflow.simulate(members=0)


def test_every_result_carries_its_provenance():
    import borderflow
    from borderflow.calibration.calibrate import load_posterior, model_hash
    from borderflow.network import load_network

    fingerprint = load_network().fingerprint()
    ds = borderflow.simulate("status_quo", members=3, seed=4, arc_detail=False)
    assert ds.attrs["model_hash"] == model_hash() and len(model_hash()) == 64
    assert ds.attrs["network_fingerprint"] == fingerprint
    assert ds.attrs["seed"] == 4 and ds.attrs["scenario"] == "status_quo"
    assert ds.attrs["borderflow_version"] == borderflow.__version__
    assert ds.attrs["data"].startswith("packaged cited series")
    # the shipped posterior says what it was fitted on
    posterior = load_posterior()
    assert posterior.network_fingerprint == fingerprint and posterior.data == "packaged"
    assert f"network {fingerprint[:12]}" in ds.attrs["parameters"]
    comparison = borderflow.compare(["poe_inspection"], members=3, seed=4).to_json()
    assert comparison["provenance"] == {k: ds.attrs[k] for k in comparison["provenance"]}


def test_compare_and_fit_reduce_per_chunk_with_the_same_numbers(monkeypatch):
    import borderflow
    from borderflow import api

    whole = borderflow.compare(["poe_inspection"], members=7, seed=5)
    fit_whole = borderflow.fit_report(members=7, seed=5)
    monkeypatch.setattr(api, "REDUCE_CHUNK", 3)  # chunks of 3, 3 and 1 members
    chunked = borderflow.compare(["poe_inspection"], members=7, seed=5)
    # the same members and numbers (sums over a chunk may differ in the last ulp)
    for name, metrics in whole.metrics.items():
        for metric, stats in metrics.items():
            for key, value in (stats or {}).items():
                got = chunked.metrics[name][metric][key]
                assert got == (value if value is None or isinstance(value, str)
                               else pytest.approx(value, rel=1e-12)), (name, metric, key)
    xr.testing.assert_allclose(chunked.annual, whole.annual, rtol=1e-12)
    for name, values in whole.history.items():
        xr.testing.assert_allclose(chunked.history[name], values, rtol=1e-12)
    fit_chunked = borderflow.fit_report(members=7, seed=5)["series"]
    for name, entry in fit_whole["series"].items():
        assert fit_chunked[name]["mape"] == pytest.approx(entry["mape"], rel=1e-9)
        for year, stats in entry["predictive"].items():
            assert fit_chunked[name]["predictive"][year] == pytest.approx(stats, rel=1e-9)


def test_simulate_states_its_size_and_refuses_past_its_limit(monkeypatch):
    import borderflow
    from borderflow import api

    monkeypatch.setattr(api, "SIMULATE_LIMIT_BYTES", 1024**3)
    with pytest.raises(ParameterError, match=r"simulate would return 6\.\d GB \(7\d\d kB a "
                       r"member with per-arc arrays\), over its limit of 1 GB"):
        borderflow.simulate(members=10_000)
    monkeypatch.setattr(api, "SIMULATE_LIMIT_BYTES", 10_000)
    with pytest.raises(ParameterError, match="use compare or fit_report"):
        borderflow.simulate(members=1, arc_detail=False)


def test_simulate_records_only_the_outputs_asked_for():
    some = borderflow.simulate("bilateral_package", members=6, seed=1, arc_detail=False,
                               start="2025-01", outputs=["seizures_lb", "overdose_deaths"])
    every = borderflow.simulate("bilateral_package", members=6, seed=1, arc_detail=False,
                                start="2025-01")
    assert {"seizures_lb", "overdose_deaths", "policy_cost_usd"} <= set(some.data_vars)
    assert "treatment_slots_used" in some and "population" not in some
    for name in ("seizures_lb", "overdose_deaths", "policy_cost_usd"):
        np.testing.assert_array_equal(some[name].values, every[name].values, err_msg=name)
    with pytest.raises(ParameterError, match="unknown outputs"):
        borderflow.simulate(members=2, outputs=["deaths"])
