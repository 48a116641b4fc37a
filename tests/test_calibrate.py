"""Calibration end to end on a small, fast configuration, and the shipped posterior."""

import json

import numpy as np
import pytest

import borderflow
from borderflow.calibration.calibrate import (
    GROUPS,
    MODEL_FILES,
    StaleWarning,
    load_posterior,
    model_hash,
    shipped_path,
)
from borderflow.calibration.fit import BOUND_CDF
from borderflow.calibration.targets import BY_NAME, LAST_YEAR
from borderflow.cli import main
from borderflow.errors import BorderflowError
from borderflow.model.parameters import BY_NAME as BY_NAME_PARAMETERS
from borderflow.model.parameters import FITTED, NAMES


@pytest.fixture(scope="module")
def small_posterior(tmp_path_factory):
    path = tmp_path_factory.mktemp("post") / "posterior.json"
    posterior = borderflow.calibrate(particles=24, through=2021, seed=1, out=path)
    return path, posterior


def test_posterior_file_round_trips_and_is_stamped(small_posterior):
    path, posterior = small_posterior
    loaded = load_posterior(path)
    assert loaded.model_hash == model_hash() and len(model_hash()) == 64
    assert loaded.through == 2021 and loaded.fitted == FITTED and loaded.names == NAMES
    np.testing.assert_allclose(loaded.u, posterior.u, atol=1e-10)
    assert loaded.temperatures[-1] == 1.0
    # calibrate stores where forecasts resume: each particle's state after its window
    assert str(loaded.end_state["stamp.month"]) == "2022-01"
    resumed = borderflow.simulate("status_quo", members=[2, 30], parameters=path,
                                  start="2022-01", arc_detail=False)
    assert resumed.attrs["started_from"] == "stored end-of-window state"
    full = borderflow.simulate("status_quo", members=[2, 30], parameters=path,
                               arc_detail=False).sel(month=slice("2022-01", None))
    for name in ("overdose_deaths", "delivered_kg", "cooperation", "policy_cost_usd"):
        np.testing.assert_allclose(resumed[name].values, full[name].values, rtol=1e-9)


def test_simulate_draws_members_from_the_posterior(small_posterior):
    path, posterior = small_posterior
    ds = borderflow.simulate("status_quo", members=[3, 27], parameters=path,
                             arc_detail=False)
    values = ds["parameter_value"].sel(parameter="fentanyl_death_rate_per_year").values
    expected = posterior.parameters(np.array([3, 27]))["fentanyl_death_rate_per_year"]
    np.testing.assert_allclose(values, expected)
    assert expected[1] == posterior.parameters(np.array([3]))["fentanyl_death_rate_per_year"][0]


def test_fit_report_schema(small_posterior, tmp_path, capsys):
    path, _ = small_posterior
    out = tmp_path / "fit.json"
    assert main(["fit", "--parameters", str(path), "--members", "24", "--json", str(out)]) == 0
    capsys.readouterr()
    doc = json.loads(out.read_text())
    assert set(doc) == {"series", "parameters", "provenance"}
    assert doc["provenance"]["parameters"].startswith("calibrated posterior")
    for name, entry in doc["series"].items():
        assert set(entry) == {"period", "points", "fitted_parameters", "mape", "r2",
                              "coverage_90", "interval_score_90", "predictive"}
        target = BY_NAME[name]
        years = [int(y) for y in entry["predictive"]]
        assert years == list(range(target.first_year, 2031))
        assert entry["points"] == len(target.observed())
        assert 0 <= entry["coverage_90"] <= 1 and entry["mape"] >= 0
        assert 0 < entry["fitted_parameters"] <= len(FITTED)


def test_fit_report_summarises_every_calibrated_parameter_against_its_prior(small_posterior):
    _, posterior = small_posterior
    doc = borderflow.fit_report(parameters=posterior, members=20)
    summary = doc["parameters"]
    assert set(summary) == set(FITTED) | set(posterior.held)
    assert posterior.held and not set(FITTED) & set(posterior.held)
    for name, entry in summary.items():
        p = BY_NAME_PARAMETERS[name]
        assert set(entry) == {"prior_low", "prior_high", "median", "p05", "p95",
                              "prior_cdf_of_median", "at_bound"}, name
        assert (entry["prior_low"], entry["prior_high"]) == (p.low, p.high)
        assert p.low <= entry["p05"] <= entry["median"] <= entry["p95"] <= p.high, name
        # the prior CDF of the posterior median is the median of the particles' CDF
        # values (the prior's quantile map is monotone), and the median maps back to it
        cdf = float(np.median(posterior.u[:, NAMES.index(name)]))
        assert entry["prior_cdf_of_median"] == pytest.approx(cdf, abs=1e-12)
        assert entry["median"] == pytest.approx(float(p.from_unit(np.array(cdf))), rel=1e-12)
        assert entry["at_bound"] == (cdf < BOUND_CDF or cdf > 1 - BOUND_CDF), name
    # the document is JSON as written by `fit --json`
    assert json.loads(json.dumps(doc))["parameters"] == summary
    # prior draws have no posterior to summarise
    assert "parameters" not in borderflow.fit_report(parameters="prior", members=20)


def test_missing_posterior_and_bad_through(tmp_path):
    with pytest.raises(BorderflowError, match="posterior file not found"):
        load_posterior(tmp_path / "none.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    with pytest.raises(BorderflowError, match="not a borderflow posterior file"):
        load_posterior(bad)
    with pytest.raises(BorderflowError, match=r"through must be a year in \[2012, 2024\]"):
        borderflow.calibrate(particles=20, through=2025, out=tmp_path / "x.json")


def test_targets_after_through_are_never_used():
    deaths = BY_NAME["synthetic_opioid_deaths"]
    assert deaths.observed(through=2019).index.max() == 2019
    fiscal = BY_NAME["southwest_encounters_border_patrol"]
    assert fiscal.observed(through=2021).index.max() == 2021


def test_shipped_posterior_was_fitted_to_this_model():
    """Fails when a file holding the model's equations or registry changed after the fit.

    Refit with ``borderflow calibrate --members 2000`` (about 5 minutes) and commit
    ``src/borderflow/calibration/posterior.json``.
    """
    shipped = load_posterior()
    assert shipped.model_hash == model_hash(), (
        f"the shipped posterior is stale: one of {', '.join(MODEL_FILES)} changed since "
        "it was fitted; run `borderflow calibrate --members 2000`")
    assert shipped.names == NAMES and shipped.fitted == FITTED and shipped.through == LAST_YEAR
    assert shipped_path().is_file() and len(shipped.u) >= 1000
    # the held parameters keep one prior draw per group of the modular calibration; the
    # free ones are fresh prior draws (not a handful of survivors of resampling)
    held = [NAMES.index(n) for n in shipped.held]
    groups = np.unique(shipped.u[:, held], axis=0)
    assert len(groups) == GROUPS and abs(groups.mean() - 0.5) < 0.1
    free = [j for j, n in enumerate(NAMES) if n not in shipped.held and n not in FITTED]
    for j in free:
        assert len(np.unique(shipped.u[:, j])) > 0.9 * len(shipped.u), NAMES[j]
        assert abs(shipped.u[:, j].mean() - 0.5) < 0.05, NAMES[j]


def test_every_module_holding_equations_is_hashed():
    from pathlib import Path

    root = Path(borderflow.__file__).parent
    modules = {p.relative_to(root).as_posix() for p in (root / "model").rglob("*.py")}
    not_equations = {"model/__init__.py", "model/checks.py"}
    # the drivers builder holds the shared history (calendar, scan rates, Mexico's raids)
    assert modules - not_equations == set(MODEL_FILES) - {"policy/drivers.py"}
    assert "policy/drivers.py" in MODEL_FILES


def test_every_fitted_parameter_touches_a_series():
    from borderflow.calibration.fit import TOUCHES

    touched = {name for names in TOUCHES.values() for name in names}
    assert touched == set(FITTED)


def test_a_stale_posterior_warns(tmp_path):
    doc = json.loads(shipped_path().read_text())
    doc["model_hash"] = "0" * 64
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps(doc))
    with pytest.warns(StaleWarning, match="refit with `borderflow calibrate`"):
        load_posterior(stale)


def test_run_and_simulate_use_the_shipped_posterior_by_default():
    ds = borderflow.simulate("status_quo", members=[0, 5], arc_detail=False)
    expected = load_posterior().parameters(np.array([0, 5]))
    for name in FITTED:
        np.testing.assert_allclose(ds["parameter_value"].sel(parameter=name).values,
                                   expected[name])
    assert ds.attrs["parameters"].startswith("calibrated posterior")


def test_shipped_posterior_rescores_against_the_targets():
    """A fast re-score of the shipped posterior (200 members); bounds a little looser
    than the figures measured with 400 members in the issue-4 note."""
    series = borderflow.fit_report(parameters="posterior", members=200)["series"]
    deaths = series["synthetic_opioid_deaths"]
    assert deaths["mape"] < 0.10 and deaths["r2"] > 0.97 and deaths["coverage_90"] >= 0.7
    for name in ("southwest_encounters_border_patrol", "southwest_encounters_ports_of_entry"):
        assert series[name]["mape"] < 0.5 and series[name]["r2"] > 0.0
    # the prior ensemble is worse on deaths and encounters: the fit is the calibration's
    # doing. (Not on seizures: the model lacks the mechanism behind their tenfold rise,
    # see README, "Fit to history".)
    prior = borderflow.fit_report(parameters="prior", members=200)["series"]
    for name, entry in series.items():
        if name != "fentanyl_seizures_lb":
            assert entry["interval_score_90"] < prior[name]["interval_score_90"], name
