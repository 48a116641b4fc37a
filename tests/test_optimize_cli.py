"""`borderflow optimize`: the JSON contract, bad input, and a plan run as a scenario."""

import json

import pytest
import yaml

import borderflow
from borderflow.cli import main
from borderflow.network import load_network

JSON_KEYS = ["objective", "bound", "gap", "verified_objective", "interdicted",
             "interdicted_nodes", "solve_seconds"]


def run_cli(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("objective", ["evader", "maxflow"])
def test_optimize_json_contract_on_the_default_network(tmp_path, capsys, objective):
    path = tmp_path / "plan.json"
    budget = 1e8 if objective == "evader" else 2e8
    code, out, _ = run_cli(capsys, "optimize", "--budget", budget, "--objective", objective,
                           "--json", path)
    assert code == 0 and "verified" in out
    doc = json.loads(path.read_text())
    assert list(doc)[:len(JSON_KEYS)] == JSON_KEYS
    assert doc["gap"] == 0.0
    assert doc["verified_objective"] == pytest.approx(doc["objective"], rel=1e-6)
    assert doc["verified_objective"] < doc["baseline"]
    net = load_network()
    cost = "upgrade_cost_usd" if objective == "evader" else "interdiction_cost_usd"
    spent = sum(net.arc(a["from"], a["to"]).attrs.get(cost, 0.0) if objective == "evader"
                else net.arc(a["from"], a["to"]).interdiction_cost_usd
                for a in doc["interdicted"])
    assert 0 < spent <= budget


def test_budget_zero_interdicts_nothing():
    plan = borderflow.optimize_interdiction(None, 0.0, "maxflow")
    assert plan.interdicted == () and plan.interdicted_nodes == ()
    assert plan.verified_objective == pytest.approx(plan.baseline)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--budget", "-1"], "budget"),
        (["--budget", "1e8", "--sources", "atlantis"], "atlantis"),
        (["--budget", "1e8", "--sinks", "west,nowhere"], "nowhere"),
        (["--budget", "1e8", "--upgraded-detection", "1.5"], "[0, 1]"),
        (["--budget", "1e8", "--objective", "minflow"], "minflow"),
        (["--budget", "1e8", "--sources", "tijuana", "--sinks", "manzanillo"],
         "no sink is reachable"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, args, message):
    code, _, err = run_cli(capsys, "optimize", *args)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: ") and message in err


def test_negative_cost_in_the_network_file_is_one_line(tmp_path, capsys):
    data = load_network().to_dict()
    data["arcs"][0]["interdiction_cost_usd"] = -5.0
    path = tmp_path / "net.yaml"
    path.write_text(yaml.safe_dump(data))
    code, _, err = run_cli(capsys, "optimize", "--network", path, "--budget", "1e8")
    assert code == 2 and "interdiction_cost_usd must be >= 0" in err and err.count("\n") == 1


@pytest.mark.parametrize("objective", ["evader", "maxflow"])
def test_a_plan_becomes_a_scenario_that_run_accepts(tmp_path, capsys, objective):
    scenario = tmp_path / "plan.yaml"
    json_path = tmp_path / "plan.json"
    code, _, _ = run_cli(capsys, "optimize", "--budget", "1.5e8", "--objective", objective,
                         "--json", json_path, "--scenario-out", scenario)
    assert code == 0
    plan, doc = json.loads(json_path.read_text()), yaml.safe_load(scenario.read_text())
    kind = "arc_detection" if objective == "evader" else "arc_closure"
    arcs = {(lever["from"], lever["to"]) for lever in doc["levers"]}
    assert all(lever["lever"] == kind for lever in doc["levers"])
    if objective == "evader":
        assert arcs == {(a["from"], a["to"]) for a in plan["interdicted"]}
    assert sum(lever["cost_usd_per_year"] for lever in doc["levers"]) == pytest.approx(
        plan["cost_usd"])
    assert doc["plan"]["optimum"] == pytest.approx(plan["verified_objective"])
    code, out, _ = run_cli(capsys, "run", scenario, "--members", "12", "--parameters",
                           "prior", "--report", tmp_path / "r.html")
    assert code == 0
    assert f"{objective}_plan: the static optimiser promised" in out
    html = (tmp_path / "r.html").read_text()
    assert "Static promise against the dynamic model" in html


def test_the_dynamic_model_erodes_a_closure_plan():
    """Closing the busiest port of entry: the static network loses its flow through it,
    the dynamic model reroutes at once, and the loss in deliveries is small."""
    closure = {"name": "close_san_ysidro", "schema": 2, "levers": [
        {"lever": "arc_closure", "start": "2025-01", "from": "tijuana", "to": "san_ysidro"}],
        "plan": {"objective": "maxflow", "unit": "kg per month (max flow)", "budget_usd": 3e8,
                 "baseline": 100.0, "optimum": 90.0, "start": "2025-01"}}
    result = borderflow.compare([closure], members=8, parameters="prior")
    from borderflow.report.plans import responses

    dynamic = responses(result)["close_san_ysidro"]["dynamic"]["delivered_kg"]
    assert set(dynamic) == {"first_month", "after_1_year", "after_2_years", "through_2034"}
    assert -0.05 < dynamic["through_2034"]["median"] <= 0.0
    assert result.monthly.sizes["scenario"] == 2
