"""One conformance suite: every implementation of the model meets the same invariants.

``borderflow.model.checks.validate_run`` (mass balance, the wholesale market's balance
and opioid deaths as T40.4 plus heroin, people conserved, nothing negative or NaN, shares
in [0, 1], and against the network: dimensions, seizures within flow, crossing flows,
Mexican seizures) is run over the batched engine, its chunked
runner and the plain-Python reference on a scenario with every lever kind active, and
over every shipped scenario; then each check is shown to catch a corrupted output.
"""

import numpy as np
import pytest

from borderflow.errors import BorderflowError, InvariantError
from borderflow.model import engine
from borderflow.model.checks import validate_run
from borderflow.policy import load_scenario, scenario_from_dict, shipped_names
from borderflow.policy.drivers import build
from borderflow.policy.registry import LEVER_KINDS
from borderflow.reference import simulate_reference
from parameter_draws import full_draws, priced

#: Every lever kind, most of them switching on and off inside the run, in the units a
#: government sets (schema 2).
RICH_LEVERS = [
    # share of the source's exports covered by controls
    {"lever": "precursor_control", "source": "china", "start": "2021-01", "intensity": 0.6},
    {"lever": "precursor_control", "source": "all", "start": "2030-01", "end": "2031-06",
     "intensity": 1.0},
    # inspectors added per Mexican port
    {"lever": "mexican_port_interdiction", "start": "2019-06", "intensity": 400.0},
    # raids added a month per region
    {"lever": "lab_takedowns", "start": "2020-01", "end": "2027-12", "intensity": 20.0},
    # passenger-vehicle NII scan rate (FY2024: 8 %)
    {"lever": "poe_inspection", "start": "2018-01", "intensity": 0.4,
     "crossings": ["san_ysidro", "nogales_az"]},
    # Border Patrol agents added over all sectors
    {"lever": "between_ports_enforcement", "start": "2026-01", "intensity": 15_000.0},
    # strikes a year per region: three a year on Sinaloa, then one a month everywhere
    {"lever": "military_strikes", "start": "2025-03", "end": "2026-12", "intensity": 3.0,
     "regions": ["sinaloa"]},
    {"lever": "military_strikes", "start": "2032-03", "intensity": 12.0},
    {"lever": "mexican_migration_enforcement", "start": "2017-01", "intensity": 30_000.0},
    {"lever": "processing_capacity", "start": "2022-01", "intensity": 20_000.0},
    {"lever": "asylum_regime", "start": "2024-01", "end": "2029-12", "intensity": 0.6},
    {"lever": "southbound_inspection", "start": "2016-01", "intensity": 5_000.0},
    {"lever": "diplomatic_engagement", "start": "2015-01", "end": "2028-12",
     "intensity": 5e8},  # USD a year
    # a tariff threatened for half a year, then one levied for two years
    {"lever": "trade_pressure", "start": "2020-01", "end": "2020-06", "intensity": 0.05},
    {"lever": "trade_pressure", "start": "2027-01", "end": "2028-12", "intensity": 0.10,
     "applied": True},
    {"lever": "treatment_expansion", "start": "2019-01", "intensity": 5e5},
    {"lever": "naloxone_distribution", "start": "2020-07", "intensity": 1e7},
    {"lever": "prevention", "start": "2023-01", "intensity": 3e9},  # USD a year
    {"lever": "arc_detection", "from": "tijuana", "to": "otay_mesa", "start": "2021-04",
     "detection": 0.5, "cost_usd_per_year": 1e8},
    {"lever": "arc_closure", "from": "tijuana", "to": "san_ysidro", "start": "2027-01",
     "end": "2029-12", "cost_usd_per_year": 5e8},
]

IMPLEMENTATIONS = {  # the engine's runs priced as simulate prices them
    "engine.run": lambda net, drivers, p: priced(engine.run(net, drivers, p), drivers, p),
    "engine.run_chunked": lambda net, drivers, p: priced(
        engine.run_chunked(net, drivers, p, workers=2), drivers, p),
    "reference": simulate_reference,
}


@pytest.fixture(scope="module")
def rich(net):
    return build(scenario_from_dict({"name": "rich", "schema": 2, "levers": RICH_LEVERS}),
                 net)


@pytest.fixture(scope="module")
def members():
    return full_draws([0, 3, 11, 4242], seed=2026)


@pytest.fixture(scope="module")
def engine_out(net, rich, members):
    return engine.run(net, rich, members)


def test_the_rich_scenario_uses_every_lever_kind():
    assert {lever["lever"] for lever in RICH_LEVERS} == set(LEVER_KINDS)


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_every_implementation_meets_the_invariants(net, rich, members, implementation):
    out = IMPLEMENTATIONS[implementation](net, rich, members)
    assert set(out) == {*engine.OUTPUT_DIMS, "policy_cost_usd"}
    validate_run(out, net=net, months=rich.months)
    # every term of the balances is exercised, and every check has something to check
    for key in ("seizures_kg", "lab_seizures_kg", "lost_kg", "precursor_stock_kg",
                "heroin_deaths", "trade_cost_usd", "policy_cost_usd", "wholesale_stock_kg",
                "consumption_kg", "heroin_kg", "unmet_share", "lethal_dose_share",
                "naloxone_reversal_share"):
        assert out[key].max() > 0, key
    assert out["cooperation"].min() == 0.0  # the strikes on every region floor it


def test_runs_without_the_per_arc_arrays_are_checked_too(net, rich, members):
    out = engine.run_chunked(net, rich, members, arc_detail=False, workers=2)
    assert not set(engine.ARC_OUTPUTS) & set(out)
    validate_run(out, net=net, months=rich.months)


@pytest.mark.parametrize("name", shipped_names())
def test_every_shipped_scenario_meets_the_invariants(net, members, name):
    drivers = build(load_scenario(name), net)
    validate_run(engine.run(net, drivers, members), net=net, months=drivers.months)


def _month(drivers, t):
    return f"month {np.datetime_as_string(drivers.months[t])} (index {t})"


def _corrupt(out, key, index, change):
    bad = dict(out)
    bad[key] = out[key].copy()
    bad[key][index] = change(bad[key][index])
    return bad


@pytest.mark.parametrize(
    ("key", "index", "change", "check"),
    [
        ("delivered_kg", (1, 40, 0), lambda v: v + 1.0, "mass balance"),
        ("lab_seizures_kg", (2, 200, 1), lambda v: v + 1.0, "mass balance"),
        ("population", (0, 100, 2), lambda v: v + 5.0, "people conserved"),
        ("heroin_deaths", (3, 10), lambda v: -1.0, "non-negative"),
        ("lost_kg", (3, 5), lambda v: np.nan, "finite"),
        ("fentanyl_share", (2, 7), lambda v: 1.2, "share in [0, 1]"),
        ("exposure", (1, 150), lambda v: -1e-12, "share in [0, 1]"),
        ("cooperation", (0, 300), lambda v: 1.0 + 1e-9, "share in [0, 1]"),
        ("crossing_flow_kg", (2, 77, 3), lambda v: v * 1.01 + 1e-6, "crossing flow"),
        ("crossing_seizures_kg", (1, 200, 2), lambda v: v * 1.01 + 1e-6, "crossing seizures"),
        ("mexico_seizures_kg", (1, 120), lambda v: v + 0.5, "Mexican seizures"),
        ("strike_destroyed_kg", (2, 130), lambda v: v + 0.5, "Mexican seizures"),
        # the wholesale market: S(t+1) = S(t) + delivered − sold (M6)
        ("consumption_kg", (1, 60), lambda v: v + 1.0, "market balance"),
        ("wholesale_stock_kg", (3, 311), lambda v: v * 1.01 + 1.0, "market balance"),
        ("delivered_kg", (0, 222, 2), lambda v: v + 1.0, "market balance"),
        ("opioid_overdose_deaths", (2, 90), lambda v: v + 1.0, "opioid deaths"),
        ("heroin_deaths", (0, 170), lambda v: v + 1.0, "opioid deaths"),
        ("unmet_share", (0, 50), lambda v: 1.0 + 1e-9, "share in [0, 1]"),
        ("lethal_dose_share", (3, 200), lambda v: -1e-12, "share in [0, 1]"),
        ("naloxone_reversal_share", (1, 250), lambda v: 1.5, "share in [0, 1]"),
    ],
)
def test_a_corrupted_output_is_caught(net, rich, engine_out, key, index, change, check):
    with pytest.raises(InvariantError) as info:
        validate_run(_corrupt(engine_out, key, index, change), net=net, months=rich.months)
    expected = f"{check}: member {index[0]}, {_month(rich, index[1])}: "
    assert any(v.startswith(expected) for v in info.value.violations), info.value.violations
    assert isinstance(info.value, BorderflowError) and expected in str(info.value)


def test_seizures_above_flow_are_caught_and_named_by_arc(net, rich, engine_out):
    arc = net.arc_index("tijuana", "otay_mesa")
    bad = _corrupt(engine_out, "seizures_kg", (2, 150, arc),
                   lambda v: engine_out["flow_kg"][2, 150, arc] + 1.0)
    with pytest.raises(InvariantError) as info:
        validate_run(bad, net=net)
    checks = {v.split(":")[0] for v in info.value.violations}
    # the arc enters a crossing: its seizures no longer add up to the crossing's either
    assert checks == {"seizures within flow", "mass balance", "crossing seizures"}
    assert f"seizures within flow: member 2, month index 150: seizures_kg[{arc}] is" in str(
        info.value)


def test_dimensions_are_checked_against_the_network(net, engine_out):
    bad = dict(engine_out)
    bad["crossing_flow_kg"] = engine_out["crossing_flow_kg"][:, :, :3]
    with pytest.raises(InvariantError, match=r"dimensions: crossing_flow_kg has trailing "
                                             r"shape \(3,\), the network needs \(crossing="):
        validate_run(bad, net=net)
    validate_run(bad)  # without the network only the per-output checks run
