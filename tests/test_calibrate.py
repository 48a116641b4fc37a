"""Calibration end to end on a small, fast configuration (issue 4, in progress)."""

import json

import numpy as np
import pytest

import borderflow
from borderflow.calibration.calibrate import load_posterior, model_hash
from borderflow.calibration.targets import BY_NAME
from borderflow.cli import main
from borderflow.errors import BorderflowError
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
    assert set(doc) == {"series"}
    for name, entry in doc["series"].items():
        assert set(entry) == {"period", "points", "fitted_parameters", "mape", "r2",
                              "coverage_90", "interval_score_90", "predictive"}
        target = BY_NAME[name]
        years = [int(y) for y in entry["predictive"]]
        assert years == list(range(target.first_year, 2031))
        assert entry["points"] == len(target.observed())
        assert 0 <= entry["coverage_90"] <= 1 and entry["mape"] >= 0
        assert 0 < entry["fitted_parameters"] <= len(FITTED)


def test_missing_posterior_and_bad_through(tmp_path):
    with pytest.raises(BorderflowError, match="posterior file not found"):
        load_posterior(tmp_path / "none.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    with pytest.raises(BorderflowError, match="not a borderflow posterior file"):
        load_posterior(bad)
    with pytest.raises(BorderflowError, match=r"through must be a year in \[2012, 2023\]"):
        borderflow.calibrate(particles=20, through=2024, out=tmp_path / "x.json")


def test_targets_after_through_are_never_used():
    deaths = BY_NAME["synthetic_opioid_deaths"]
    assert deaths.observed(through=2019).index.max() == 2019
    fiscal = BY_NAME["southwest_encounters_border_patrol"]
    assert fiscal.observed(through=2021).index.max() == 2021
