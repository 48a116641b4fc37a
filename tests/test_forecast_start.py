"""Forecasts resume from the posterior's stored end-of-window state (issue 12, item 3)."""

from __future__ import annotations

import numpy as np
import pytest

import borderflow
from borderflow.calibration.calibrate import _read_end_states, load_posterior, state_path


def _same(a, b, rtol=1e-9):
    assert list(a["month"].values) == list(b["month"].values)
    for name in a.data_vars:
        np.testing.assert_allclose(a[name].values, b[name].values, rtol=rtol, atol=0,
                                   err_msg=name)


@pytest.mark.parametrize("scenario", ["status_quo", "bilateral_package"])
def test_a_stored_state_run_equals_the_run_from_2010(scenario):
    resumed = borderflow.simulate(scenario, members=[0, 7, 1999, 2004], seed=3,
                                  start="2025-01", arc_detail=False)
    assert resumed.attrs["started_from"] == "stored end-of-window state"
    assert str(resumed["month"].values[0])[:7] == "2025-01"
    full = borderflow.simulate(scenario, members=[0, 7, 1999, 2004], seed=3,
                               arc_detail=False).sel(month=slice("2025-01", None))
    _same(resumed, full)


@pytest.mark.parametrize(("kwargs", "why"), [
    ({"parameters": "prior"}, "prior draws"),
    ({"scenario": {"schema": 2, "name": "early", "levers": [
        {"lever": "lab_takedowns", "start": "2024-06", "intensity": 20}]}}, "an earlier lever"),
    ({"scenario": {"schema": 2, "name": "override", "levers": [],
                   "parameters": {"synthesis_yield": 0.5}}}, "an override"),
])
def test_runs_the_state_does_not_describe_step_from_2010(kwargs, why):
    args = {"scenario": "status_quo", "members": 3, "seed": 1, "arc_detail": False, **kwargs}
    resumed = borderflow.simulate(start="2025-01", **args)
    assert resumed.attrs["started_from"] == "2010-01", why
    _same(resumed, borderflow.simulate(**args).sel(month=slice("2025-01", None)), rtol=0)


def test_the_stored_states_are_stamped_and_a_stale_file_is_ignored(tmp_path):
    posterior = load_posterior()
    assert posterior.end_state is not None and len(posterior.end_state["risk"]) == len(
        posterior.u)
    assert state_path(tmp_path / "p.json") == tmp_path / "p.state.npz"
    stored = dict(posterior.end_state)
    stored["stamp.model_hash"] = np.array("0" * 64)
    np.savez(tmp_path / "p.state.npz", **stored)
    assert _read_end_states(posterior, tmp_path / "p.json") is None
    with pytest.raises(borderflow.ParameterError, match="start must be a month of the run"):
        borderflow.simulate(members=2, start="1999-01")
