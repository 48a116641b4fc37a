"""Sensitivity pipeline: the Ishigami function's analytic indices, then borderflow."""

from pathlib import Path

import numpy as np
import pytest

from borderflow.uncertainty.sensitivity import indices, problem

A, B = 7.0, 0.1
# analytic indices of the Ishigami function (Ishigami & Homma 1990; SALib's regression test)
V = A**2 / 8 + B * np.pi**4 / 5 + B**2 * np.pi**8 / 18 + 0.5
V1 = 0.5 * (1 + B * np.pi**4 / 5) ** 2
V2 = A**2 / 8
V13 = B**2 * np.pi**8 / 18 - B**2 * np.pi**8 / 50
S1 = np.array([V1 / V, V2 / V, 0.0])
ST = np.array([(V1 + V13) / V, V2 / V, V13 / V])


def ishigami(x):
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_recovers_the_ishigami_indices():
    spec = problem(["x1", "x2", "x3"], [[-np.pi, np.pi]] * 3)
    got = indices(spec, ishigami, "sobol", samples=4096, seed=3)
    np.testing.assert_allclose([got[n]["S1"] for n in spec["names"]], S1, atol=0.03)
    np.testing.assert_allclose([got[n]["ST"] for n in spec["names"]], ST, atol=0.03)
    assert all(got[n]["S1_conf"] > 0 for n in spec["names"])


def test_morris_ranks_the_ishigami_inputs():
    spec = problem(["x1", "x2", "x3"], [[-np.pi, np.pi]] * 3)
    got = indices(spec, ishigami, "morris", samples=200, seed=3)
    assert got["x1"]["mu_star"] > got["x3"]["mu_star"] > 0
    # on a 4-level grid x2 moves by 2/3 of its range between sin^2 = 0 and 3/4, so every
    # elementary effect is A * 0.75 / (2/3) exactly
    assert got["x2"]["mu_star"] == pytest.approx(A * 0.75 / (2 / 3), rel=1e-12)


def test_unknown_method():
    with pytest.raises(ValueError, match="method must be one of sobol, morris"):
        indices(problem(["a"]), lambda x: x[:, 0], "fast")


def test_borderflow_sensitivity_sees_only_what_reaches_the_outcome(tmp_path, capsys):
    import json

    import borderflow
    from borderflow.cli import main

    result = borderflow.sensitivity(outcome="encounters", method="morris", samples=3, seed=1)
    mu = {name: v["mu_star"] for name, v in result["indices"].items()}
    # nothing on the supply side or in the costs reaches the migration equations
    for name in ("synthesis_yield", "logit_scale_usd_per_kg", "cost_naloxone_distribution",
                 "fentanyl_death_rate_per_year"):
        assert mu[name] == 0.0, name
    assert mu["push_trend_other"] > 0 and mu["encounters_mexico_2015"] > 0
    out = tmp_path / "s.json"
    assert main(["sensitivity", "--outcome", "kg_delivered_us", "--samples", "2",
                 "--top", "3", "--json", str(out)]) == 0
    capsys.readouterr()
    doc = json.loads(out.read_text())
    assert doc["method"] == "sobol" and set(doc["indices"]["synthesis_yield"]) == {
        "S1", "S1_conf", "ST", "ST_conf"}
    assert doc["indices"]["cost_naloxone_distribution"]["ST"] == 0.0  # costs never touch the flows


def test_sensitivity_runs_on_a_users_network(tmp_path, capsys):
    """`--network FILE` reaches the model: halving every arc's detection moves the indices."""
    import json

    import yaml

    from borderflow.cli import main
    from borderflow.network.core import DEFAULT_NETWORK_FILE

    shipped = Path(__file__).parents[1] / "src" / "borderflow" / "network" / DEFAULT_NETWORK_FILE
    doc = yaml.safe_load(shipped.read_text(encoding="utf-8"))
    for arc in doc["arcs"]:
        arc["detection"] = arc["detection"] / 2
    net = tmp_path / "half.yaml"
    net.write_text(yaml.safe_dump(doc), encoding="utf-8")
    runs = {}
    for name, extra in (("shipped", []), ("half", ["--network", str(net)])):
        out = tmp_path / f"{name}.json"
        assert main(["sensitivity", "--outcome", "seizures_lb", "--method", "morris",
                     "--samples", "2", "--json", str(out), *extra]) == 0
        runs[name] = json.loads(out.read_text())["indices"]
    capsys.readouterr()
    assert runs["half"]["detection_scale"]["mu_star"] != runs["shipped"]["detection_scale"][
        "mu_star"]
    # what cannot reach seizures stays at zero on either network
    assert runs["half"]["cost_naloxone_distribution"]["mu_star"] == 0.0
