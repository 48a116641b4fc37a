"""The exact interdiction optimiser against brute force, a published example and bad input."""

import itertools
import math
import subprocess
import sys

import pytest

from borderflow.errors import BorderflowError
from borderflow.interdiction import (
    OptimizeError,
    optimize_interdiction,
    prepare,
    score,
    verify_evader,
    verify_maxflow,
)
from borderflow.interdiction.greedy import greedy_plan
from borderflow.network import load_network
from borderflow.network.synthetic import layered_network

BUDGET = 6.0e6
SEEDS = range(30)


def node(node_id, kind):
    return {"id": node_id, "kind": kind, "name": node_id, "lat": 10.0, "lon": 20.0}


def arc(tail, head, capacity=10.0, cost=1.0, detection=0.1, **extra):
    return {"from": tail, "to": head, "capacity_kg_per_month": float(capacity),
            "cost_usd_per_kg": 1.0, "detection": detection, "interdiction_cost_usd": float(cost),
            **extra}


def pyomo_network():
    """The Pyomo gallery's max-flow interdiction example (PyomoGallery,
    network_interdiction/max_flow/sample_{nodes,arcs}_data.csv): max flow 80, 10 after
    one attack, 0 after two."""
    data = [("Start", "B", 10), ("Start", "C", 70), ("C", "B", 30), ("B", "End", 100),
            ("C", "D", 40), ("D", "End", 50)]
    return {
        "name": "Pyomo gallery max-flow interdiction",
        "nodes": [node("Start", "precursor_source"), node("B", "staging"), node("C", "staging"),
                  node("D", "staging"), node("End", "market")],
        "arcs": [arc(t, h, c) for t, h, c in data],
    }


def random_network(seed, objective):
    return load_network(layered_network(
        seed=seed, n_layers=2 + seed % 2, width=3, candidate_arcs=10 + seed % 3,
        candidate_cost_usd=(1.0e6, 3.0e6), node_cost_share=0.15 if objective == "maxflow" else 0,
        zero_capacity_share=0.1, od_pairs=3 if seed % 2 else None,
    ))


def candidates(problem):
    net = problem.network
    if problem.objective == "maxflow":
        items = {a.key: a.interdiction_cost_usd for a in net.arcs}
        items.update({n.id: n.interdiction_cost_usd for n in net.nodes
                      if n.interdiction_cost_usd is not None})
    else:
        items = {a.key: a.attrs["upgrade_cost_usd"] for a in net.arcs
                 if "upgrade_cost_usd" in a.attrs}
    return {k: c for k, c in items.items() if c <= problem.budget_usd}


def brute_force(problem):
    """The best objective over every subset of affordable items, scored by verify."""
    items = candidates(problem)
    best = math.inf
    keys = list(items)
    for size in range(len(keys) + 1):
        for subset in itertools.combinations(keys, size):
            if sum(items[k] for k in subset) > problem.budget_usd:
                continue
            arcs = [k for k in subset if isinstance(k, tuple)]
            nodes = [k for k in subset if isinstance(k, str)]
            best = min(best, score(problem, arcs, nodes))
    return best, items


def close(a, b, scale=1.0):
    return a == pytest.approx(b, rel=1e-6, abs=1e-9 * max(1.0, scale))


def check_plan(plan, problem):
    """Invariants every plan is held to."""
    assert plan.status == "optimal"
    assert plan.gap <= 1e-6
    assert close(plan.objective, plan.verified_objective, plan.baseline)
    assert plan.verified_objective == score(problem, plan.interdicted, plan.interdicted_nodes)
    assert plan.cost_usd <= problem.budget_usd * (1 + 1e-9)
    assert plan.verified_objective <= plan.baseline * (1 + 1e-9)
    assert plan.bound <= plan.objective + 1e-9 * max(1.0, plan.baseline)


@pytest.mark.parametrize("objective", ["maxflow", "evader"])
@pytest.mark.parametrize("seed", SEEDS)
def test_optimum_equals_brute_force(seed, objective):
    net = random_network(seed, objective)
    problem = prepare(net, BUDGET, objective)
    best, items = brute_force(problem)
    assert 10 <= sum(isinstance(k, tuple) for k in items) <= 12
    plan = optimize_interdiction(net, BUDGET, objective)
    check_plan(plan, problem)
    assert close(plan.objective, best, plan.baseline)
    assert close(plan.verified_objective, best, plan.baseline)
    greedy = greedy_plan(problem)
    assert greedy.objective >= best - 1e-9 * max(1.0, plan.baseline)
    assert greedy.cost_usd <= BUDGET * (1 + 1e-9)


@pytest.mark.parametrize(("budget", "expected"), [(0, 80.0), (1, 10.0), (2, 0.0)])
def test_pyomo_gallery_example(budget, expected):
    plan = optimize_interdiction(pyomo_network(), budget, "maxflow")
    assert plan.baseline == 80.0
    assert plan.objective == pytest.approx(expected, abs=1e-9)
    assert plan.verified_objective == pytest.approx(expected, abs=1e-9)
    assert len(plan.interdicted) == budget
    if budget == 1:
        assert plan.interdicted == (("Start", "C"),)


def test_explicit_intermediate_source():
    plan = optimize_interdiction(pyomo_network(), 0, "maxflow", sources=["C"])
    assert plan.objective == pytest.approx(70.0)
    assert plan.verified_objective == verify_maxflow(pyomo_network(), ["C"], ["End"]) == 70.0


def hub_network(hub_cost=2.0, source_cost=None, sink_cost=None):
    """s -> a, b, c -> v -> x, y, z -> t, every arc capacity 10 and cost 1."""
    nodes = [node("s", "precursor_source")]
    nodes += [node(n, "port") for n in "abc"] + [node("v", "lab_region")]
    nodes += [node(n, "staging") for n in "xyz"] + [node("t", "market")]
    nodes[4]["interdiction_cost_usd"] = hub_cost
    if source_cost is not None:
        nodes[0]["interdiction_cost_usd"] = source_cost
    if sink_cost is not None:
        nodes[-1]["interdiction_cost_usd"] = sink_cost
    arcs = [arc("s", n) for n in "abc"] + [arc(n, "v") for n in "abc"]
    arcs += [arc("v", n) for n in "xyz"] + [arc(n, "t") for n in "xyz"]
    return {"nodes": nodes, "arcs": arcs}


def test_node_interdiction_beats_arcs():
    data = hub_network()
    # Closing arcs only, budget 2 leaves 10 of 30; closing the hub v leaves 0.
    arcs_only = hub_network(hub_cost=1e9)
    assert optimize_interdiction(arcs_only, 2, "maxflow").objective == pytest.approx(10.0)
    problem = prepare(data, 2, "maxflow")
    best, items = brute_force(problem)
    assert "v" in items and best == 0.0
    plan = optimize_interdiction(data, 2, "maxflow")
    check_plan(plan, problem)
    assert plan.objective == pytest.approx(0.0, abs=1e-9)
    assert plan.interdicted_nodes == ("v",) and plan.interdicted == ()


@pytest.mark.parametrize("end", ["s", "t"])
def test_closing_a_source_or_sink_node(end):
    data = hub_network(hub_cost=1e9, **{f"{'source' if end == 's' else 'sink'}_cost": 1.0})
    plan = optimize_interdiction(data, 1, "maxflow")
    assert plan.objective == pytest.approx(0.0, abs=1e-9)
    assert plan.interdicted_nodes == (end,)
    assert verify_maxflow(data, ["s"], ["t"], nodes=[end]) == 0.0


@pytest.mark.parametrize("objective", ["maxflow", "evader"])
def test_budget_zero_gives_baseline(objective):
    net = random_network(3, objective)
    plan = optimize_interdiction(net, 0, objective)
    assert plan.interdicted == () and plan.interdicted_nodes == () and plan.cost_usd == 0
    assert close(plan.objective, plan.baseline, plan.baseline)
    assert plan.verified_objective == plan.baseline


def test_evader_is_a_probability_not_a_log_sum():
    """Two pairs; one upgrade. Halving a likely path beats cutting an unlikely one
    tenfold, though -log(path) gains more from the second."""
    data = {
        "nodes": [node("s1", "precursor_source"), node("s2", "precursor_source"),
                  node("a", "staging"), node("b", "staging"),
                  node("t1", "market"), node("t2", "market")],
        "arcs": [arc("s1", "a", detection=0.1, upgrade_cost_usd=1.0, detection_upgraded=0.55),
                 arc("s2", "b", detection=0.9, upgrade_cost_usd=1.0, detection_upgraded=0.99),
                 arc("a", "t1", detection=0.0), arc("b", "t2", detection=0.0)],
        "od_weights": [{"source": "s1", "sink": "t1", "weight": 1.0},
                       {"source": "s2", "sink": "t2", "weight": 1.0}],
    }
    plan = optimize_interdiction(data, 1.0, "evader")
    assert plan.baseline == pytest.approx(0.5)
    assert plan.interdicted == (("s1", "a"),)
    assert plan.objective == pytest.approx(0.275)
    pairs = {("s1", "t1"): 0.5, ("s2", "t2"): 0.5}

    def log_sum(upgraded):
        # What the wrong objective maximises: the weighted sum of -log(path reliability).
        net = load_network(data)
        return sum(w * -math.log(verify_evader(net, {pair: 1.0}, upgraded))
                   for pair, w in pairs.items())

    assert log_sum([("s2", "b")]) > log_sum([("s1", "a")])
    assert verify_evader(data, pairs, [("s2", "b")]) > plan.objective


def test_evader_uniform_pairs_and_global_upgraded_detection():
    data = layered_network(seed=5, candidate_arcs=4)
    for a in data["arcs"]:
        a.pop("detection_upgraded", None)
    net = load_network(data)
    plan = optimize_interdiction(net, BUDGET, "evader", upgraded_detection=0.6)
    problem = prepare(net, BUDGET, "evader", upgraded_detection=0.6)
    assert len(problem.pairs) == 4 and sum(problem.pairs.values()) == pytest.approx(1.0)
    best, _ = brute_force(problem)
    check_plan(plan, problem)
    assert close(plan.objective, best)


def test_to_json_keys():
    plan = optimize_interdiction(pyomo_network(), 1, "maxflow")
    out = plan.to_json()
    assert list(out)[:7] == ["objective", "bound", "gap", "verified_objective", "interdicted",
                             "interdicted_nodes", "solve_seconds"]
    assert out["interdicted"] == [{"from": "Start", "to": "C"}]
    assert out["objective"] == pytest.approx(10.0)


def no_upgrade_detection():
    data = pyomo_network()
    data["arcs"][0]["upgrade_cost_usd"] = 1.0
    return data


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"budget_usd": -1.0}, r"^budget_usd must be a finite number >= 0 \(USD\), got -1\.0$"),
    ({"budget_usd": math.nan}, r"^budget_usd must be a finite number >= 0 \(USD\), got nan$"),
    ({"budget_usd": "5"}, r"^budget_usd must be a finite number >= 0 \(USD\), got '5'$"),
    ({"sources": ["Start", "Nowhere"]}, r"^<dict>: unknown source node\(s\) 'Nowhere'$"),
    ({"sinks": ["Atlantis"]}, r"^<dict>: unknown sink node\(s\) 'Atlantis'$"),
    ({"upgraded_detection": 1.5}, r"^upgraded_detection must be in \[0, 1\], got 1\.5$"),
    ({"upgraded_detection": -0.1}, r"^upgraded_detection must be in \[0, 1\], got -0\.1$"),
    ({"sources": ["D"], "sinks": ["B"]}, r"^<dict>: no sink is reachable from the sources "),
    ({"sources": ["C"], "sinks": ["C", "End"]}, r"^<dict>: node\(s\) 'C' are both sources"),
    ({"objective": "shortest"}, r"^objective must be one of 'evader', 'maxflow', got 'short"),
    ({"solver": "gurobi"}, r"^unknown solver 'gurobi'; registered solvers: highs$"),
    ({"network": "no_upgrade_detection"},
     r"^<dict>: arc 'Start' -> 'B': has upgrade_cost_usd but no detection_upgraded; .*"
     r"--upgraded-detection"),
])
def test_bad_input(kwargs, message):
    args = {"network": pyomo_network(), "budget_usd": 1.0, "objective": "evader"}
    args.update(kwargs)
    if args["network"] == "no_upgrade_detection":
        args["network"] = no_upgrade_detection()
    with pytest.raises(OptimizeError, match=message) as info:
        optimize_interdiction(args.pop("network"), args.pop("budget_usd"), **args)
    assert isinstance(info.value, BorderflowError)
    assert "\n" not in str(info.value)


def test_upgraded_detection_fills_in():
    plan = optimize_interdiction(no_upgrade_detection(), 1.0, "evader", upgraded_detection=0.9)
    assert plan.interdicted == (("Start", "B"),)
    assert plan.objective == pytest.approx(0.9 ** 3)  # now Start -> C -> B -> End
    assert plan.objective == pytest.approx(verify_evader(
        pyomo_network(), {("Start", "End"): 1.0}, [("Start", "B")], upgraded_detection=0.9))


def test_highs_prints_nothing(capfd):
    code = ("from borderflow.interdiction import optimize_interdiction\n"
            "from borderflow.network.synthetic import layered_network\n"
            "for objective in ('maxflow', 'evader'):\n"
            "    optimize_interdiction(layered_network(seed=1), 6e6, objective)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout == "" and done.stderr == ""
    optimize_interdiction(pyomo_network(), 1, "maxflow")
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""


def test_synthetic_network_loads_and_is_layered():
    data = layered_network(seed=11, n_layers=5, width=6, n_sources=3, n_sinks=4,
                           candidate_arcs=7, od_pairs=5)
    net = load_network(data)
    assert len(net.nodes_of_kind("precursor_source")) == 3
    assert len(net.nodes_of_kind("market")) == 4
    assert sum("upgrade_cost_usd" in a.attrs for a in net.arcs) == 7
    assert len(net.od_weights) == 5
    assert layered_network(seed=11) == layered_network(seed=11)


def test_nothing_to_decide():
    data = pyomo_network()
    for a in data["arcs"]:
        a["capacity_kg_per_month"] = 0.0
        a["detection"] = 1.0
        a["upgrade_cost_usd"] = 1.0
        a["detection_upgraded"] = 1.0
    for objective in ("maxflow", "evader"):
        plan = optimize_interdiction(data, 5, objective)
        assert plan.objective == plan.verified_objective == plan.baseline == 0.0
        assert plan.interdicted == ()


def test_od_weights_restricted_to_the_chosen_ends():
    data = {
        "nodes": [node("s1", "precursor_source"), node("s2", "precursor_source"),
                  node("a", "staging"), node("t1", "market"), node("t2", "market")],
        "arcs": [arc("s1", "a"), arc("s2", "a"), arc("a", "t1"), arc("a", "t2")],
        "od_weights": [{"source": "s1", "sink": "t1", "weight": 3.0},
                       {"source": "s2", "sink": "t2", "weight": 1.0}],
    }
    assert prepare(data, 0).pairs == {("s1", "t1"): 0.75, ("s2", "t2"): 0.25}
    assert prepare(data, 0, sources=["s2"], sinks=["t2"]).pairs == {("s2", "t2"): 1.0}
    # No listed pair among the chosen ends: every reachable pair, equally weighted.
    assert prepare(data, 0, sources=["s2"], sinks=["t1"]).pairs == {("s2", "t1"): 1.0}


@pytest.mark.parametrize("seed", range(10))
def test_evader_mip_start_any_start_same_optimum(seed):
    """A MIP start (good, empty or over budget) never changes the evader optimum."""
    import dataclasses

    import numpy as np

    from borderflow.interdiction.evader import build_evader_milp
    from borderflow.interdiction.solvers import solve_highs

    problem = prepare(random_network(seed, "evader"), BUDGET, "evader")
    milp, choices = build_evader_milp(problem)
    plain = solve_highs(milp)
    columns = np.array([col for col, _ in choices], dtype=np.int64)
    greedy = set(greedy_plan(problem).arcs)
    for values in ([1.0 if key in greedy else 0.0 for _, key in choices],
                   [0.0] * len(choices), [1.0] * len(choices)):
        started = solve_highs(dataclasses.replace(milp, start=(columns, np.array(values))))
        assert started.status == "optimal"
        assert close(started.objective, plain.objective)
    expected, _ = brute_force(problem)
    assert close(plain.objective, expected)
