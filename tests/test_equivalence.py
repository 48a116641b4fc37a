"""The batched engine equals the independent plain-Python reference (rel. 1e-9)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from borderflow.model import engine
from borderflow.model.drivers import decimal_year
from borderflow.model.steps import potency
from borderflow.policy import scenario_from_dict
from borderflow.policy.drivers import build
from borderflow.policy.registry import LEVER_KINDS
from borderflow.reference import simulate_reference
from parameter_draws import full_draws, priced

#: Levers in the units a government sets (schema 2): persons, raids a month, strikes a
#: year, scan rates, USD a year, kits, slots, tariff rates, coverage.
SCALAR_RANGES = {
    "mexican_migration_enforcement": (0.0, 200_000.0),  # personnel
    "processing_capacity": (0.0, 50_000.0),  # staff
    "asylum_regime": (0.2, 3.0),  # multiplier
    "southbound_inspection": (0.0, 20_000.0),  # officers
    "diplomatic_engagement": (0.0, 5e9),  # USD a year
    "treatment_expansion": (0.0, 2e6),  # slots
    "naloxone_distribution": (0.0, 5e7),  # kits a year
    "prevention": (0.0, 2e10),  # USD a year
    "mexican_port_interdiction": (0.0, 2_000.0),  # inspectors per port
    "between_ports_enforcement": (0.0, 30_000.0),  # agents
}
MONTHS = [f"{y}-{m:02d}" for y in range(2012, 2034) for m in (1, 4, 7, 10)]


@st.composite
def levers(draw):
    kind = draw(st.sampled_from(LEVER_KINDS))
    start = draw(st.sampled_from(MONTHS))
    lever = {"lever": kind, "start": start}
    if draw(st.booleans()):
        lever["end"] = draw(st.sampled_from([m for m in MONTHS if m >= start]))
    if kind in ("arc_detection", "arc_closure"):
        tail, head = draw(st.sampled_from([
            ("tijuana", "san_ysidro"), ("tijuana", "otay_mesa"), ("manzanillo", "sinaloa"),
            ("china", "jfk_mail_facility"),
        ]))
        lever.update({"from": tail, "to": head,
                      "cost_usd_per_year": draw(st.floats(0.0, 1e9))})
        if kind == "arc_detection":
            lever["detection"] = draw(st.floats(0.0, 1.0))
    elif kind == "precursor_control":
        lever["source"] = draw(st.sampled_from(["china", "india", "all"]))
        lever["intensity"] = draw(st.floats(0.0, 1.0))  # coverage of the exports
    elif kind in ("lab_takedowns", "military_strikes"):
        lever["regions"] = draw(st.sampled_from(["all", ["sinaloa"], ["jalisco", "sonora"]]))
        # raids a month per region; strikes a year per region
        top = 200.0 if kind == "lab_takedowns" else 24.0
        lever["intensity"] = draw(st.floats(0.0, top))
    elif kind == "poe_inspection":
        lever["intensity"] = draw(st.floats(0.0, 1.0))  # passenger-vehicle scan rate
        lever["crossings"] = draw(st.sampled_from(["all", ["san_ysidro", "laredo_poe"]]))
    elif kind == "trade_pressure":
        lever["intensity"] = draw(st.floats(0.0, 1.0))  # tariff rate
        lever["applied"] = draw(st.booleans())
    else:
        assert kind in SCALAR_RANGES, kind
        lever["intensity"] = draw(st.floats(*SCALAR_RANGES[kind]))
    return lever


def assert_equal(a, b, rtol=1e-9):
    assert set(b) <= set(a)
    for key, ref in b.items():
        got = a[key]
        assert got.shape == ref.shape, key
        scale = max(float(np.abs(ref).max()), 1e-300)
        # differences of near-equal quantities (heroin sought = need − sold, the unmet
        # share 1 − x_F − x_H) carry round-off of order 1e-16 of the quantities they
        # come from, which can exceed 1e-15 of the series' own maximum: 1e-13 of it, and
        # 1e-14 absolute for shares in [0, 1]
        atol = max(rtol * 1e-4 * scale, 1e-14 if key.endswith("_share") else 0.0)
        np.testing.assert_allclose(got, ref, rtol=rtol, atol=atol, err_msg=key)


@given(
    scenario_levers=st.lists(levers(), min_size=0, max_size=4),
    members=st.lists(st.integers(0, 100_000), min_size=1, max_size=3, unique=True),
    seed=st.integers(0, 2**32 - 1),
)
def test_engine_equals_reference_on_random_members_and_scenarios(
    net, scenario_levers, members, seed
):
    scen = scenario_from_dict({"name": "random", "schema": 2, "levers": scenario_levers})
    drivers = build(scen, net)
    draws = full_draws(members, seed=seed)
    shocks = potency.post_window_shocks(members, seed, drivers.months,
                                        decimal_year(drivers.months))
    assert_equal(priced(engine.run(net, drivers, draws, shocks=shocks), drivers, draws),
                 simulate_reference(net, drivers, draws, shocks=shocks))


def test_engine_equals_reference_on_the_shipped_package(net):
    from borderflow.policy import load_scenario

    drivers = build(load_scenario("bilateral_package"), net)
    draws = full_draws([0, 7, 4242], seed=2026)
    shocks = potency.post_window_shocks([0, 7, 4242], 2026, drivers.months,
                                        decimal_year(drivers.months))
    out = priced(engine.run(net, drivers, draws, shocks=shocks), drivers, draws)
    ref = simulate_reference(net, drivers, draws, shocks=shocks)
    assert_equal(out, ref)
    # the comparison has teeth: a change of one part in a million is visible
    draws["value_at_risk_usd_per_kg"] = draws["value_at_risk_usd_per_kg"] * (1 + 1e-6)
    moved = engine.run(net, drivers, draws, shocks=shocks)
    assert not np.allclose(moved["flow_kg"], ref["flow_kg"], rtol=1e-9, atol=0)
    # and so are the post-window potency paths
    other = engine.run(net, drivers, full_draws([0, 7, 4242], seed=2026),
                       shocks=-shocks)
    assert not np.allclose(other["overdose_deaths"], ref["overdose_deaths"], rtol=1e-6)


@pytest.mark.parametrize("window_end", [2019.0, 2022.0])
def test_engine_equals_reference_with_an_earlier_data_end(net, window_end):
    # a forecast record's origin: DEA testing and naloxone prescriptions from the data
    # end on are unknown, push trends stop a year before it, shocks start at it
    from borderflow.policy import load_scenario

    drivers = build(load_scenario("status_quo"), net)
    year = decimal_year(drivers.months)
    draws = full_draws([3, 11], seed=7)
    shocks = potency.post_window_shocks([3, 11], 7, drivers.months, year, window_end)
    assert (shocks[:, :, year < window_end] == 0).all() and shocks[:, :, year >= window_end].any()
    out = priced(engine.run(net, drivers, draws, shocks=shocks, window_end=window_end),
                 drivers, draws)
    assert_equal(out, simulate_reference(net, drivers, draws, shocks=shocks,
                                         window_end=window_end))
    # the data end has teeth: the months before it are the packaged run's only where no
    # later observation reaches back through the interpolation
    full = engine.run(net, drivers, draws, shocks=potency.post_window_shocks(
        [3, 11], 7, drivers.months, year))
    first = np.flatnonzero(year >= 2017.5)[0]  # the first DEA pill observation
    np.testing.assert_array_equal(out["overdose_deaths"][:, :first],
                                  full["overdose_deaths"][:, :first])
    assert not np.allclose(out["overdose_deaths"], full["overdose_deaths"])


def test_reference_shares_no_code_with_the_engine():
    import ast
    from pathlib import Path

    import borderflow.reference

    folder = Path(borderflow.reference.__file__).parent
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("borderflow.model"), path
                assert not (node.module or "").startswith("borderflow.network"), path
            if isinstance(node, ast.Import):
                assert all(not a.name.startswith("borderflow.model") for a in node.names), path


def test_reference_keeps_the_same_event_and_cost_lists():
    # the reference keeps its own copies (it may not import the engine's modules)
    from borderflow.model.drivers import HISTORY_EVENTS
    from borderflow.policy.registry import COST_ITEMS, COST_PRIORS
    from borderflow.reference import model as reference

    assert reference.HISTORY_EVENTS == HISTORY_EVENTS
    assert reference.COST_ITEMS == COST_ITEMS
    # and prices each with the registry's unit-cost prior
    assert {f"cost_{i}" for i in reference.COST_ITEMS} == {p.name for p in COST_PRIORS}


def test_reference_keeps_the_same_lever_constants():
    # the levers' own numbers, copied (not imported) by the reference
    from borderflow.model import migration
    from borderflow.model.drivers import COOPERATION_TURNS, SCAN_RATE_REFERENCE
    from borderflow.model.steps import costs, guns
    from borderflow.reference import model as reference

    assert reference.COOPERATION_TURNS == COOPERATION_TURNS
    assert reference.SCAN_RATE_REFERENCE == SCAN_RATE_REFERENCE
    assert reference.MEXICAN_EVENTS == frozenset(migration.MEXICAN_EVENTS)
    assert set(reference.ENCOUNTER_EVENTS) == set(migration.ENCOUNTER_EVENTS)
    assert reference.MAX_GUNS_STOPPED == guns.MAX_STOPPED
    assert reference.TRADE_USD_PER_YEAR == costs.TRADE_USD_PER_YEAR
    assert reference.IMPORTS_USD_PER_YEAR == costs.IMPORTS_USD_PER_YEAR


def test_reference_keeps_the_same_potency_and_naloxone_inputs():
    from borderflow.model.steps import overdose
    from borderflow.reference import model as reference

    assert reference.LETHAL_PILL_OBSERVATIONS == potency.LETHAL_PILL_SHARE
    assert reference.MG_PER_PILL_OBSERVATIONS == potency.MG_PER_PILL
    assert reference.PURITY_OBSERVATIONS == potency.PURITY_POINTS
    assert reference.REFERENCE_PURITY == potency.PURITY_REFERENCE
    assert reference.REFERENCE_LETHAL_SHARE == potency.LETHAL_SHARE_REFERENCE
    assert reference.DATA_WINDOW_END == potency.WINDOW_END
    assert reference.NALOXONE_RX == overdose.NALOXONE_RX_KNOTS
    np.testing.assert_allclose(np.array(reference._pill_mass_shares()),
                               np.array(potency.PILL_MASS_SHARE), rtol=1e-12)
