"""Invariants of the batched engine that hold for every member, month and scenario."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from borderflow.model import engine, parameters
from borderflow.model.drivers import model_months
from borderflow.policy import scenario_from_dict
from borderflow.policy.drivers import build


def _run(net, levers, draws, overrides=None):
    scen = scenario_from_dict({"name": "t", "schema": 2, "levers": levers,
                               "parameters": overrides or {}})
    params = dict(draws)
    for k, v in scen.parameters.items():
        params[k] = np.full_like(draws[k], v)
    return engine.run(net, build(scen, net), params)


def _mass_residual(out):
    inflow = out["supply_kg"].sum(axis=2)
    stock = out["precursor_stock_kg"].sum(axis=2)
    stock_change = np.diff(stock, axis=1, prepend=0.0)
    outflow = (
        out["seizures_kg"].sum(axis=2)
        + out["lab_seizures_kg"].sum(axis=2)
        + out["lost_kg"]
        + out["delivered_kg"].sum(axis=2)
        + stock_change
    )
    return np.abs(inflow - outflow) / np.maximum(inflow, 1e-300)


ALL_LEVERS = [
    {"lever": "precursor_control", "source": "china", "start": "2024-01", "intensity": 0.6},
    {"lever": "mexican_port_interdiction", "start": "2023-06", "intensity": 600},
    {"lever": "lab_takedowns", "start": "2025-01", "end": "2027-12", "intensity": 40},
    {"lever": "poe_inspection", "start": "2022-01", "intensity": 0.5,
     "crossings": ["san_ysidro", "nogales_az"]},
    {"lever": "between_ports_enforcement", "start": "2026-01", "intensity": 4000},
    {"lever": "military_strikes", "start": "2025-03", "intensity": 3, "end": "2026-12",
     "regions": ["sinaloa"]},
]


def test_mass_balance_every_member_and_month(net, draws):
    out = _run(net, ALL_LEVERS, draws)
    assert _mass_residual(out).max() < 1e-9
    # the balance is not trivially satisfied: every term is exercised
    for key in ("seizures_kg", "lab_seizures_kg", "lost_kg", "precursor_stock_kg"):
        assert out[key].max() > 0, key


def test_seizures_never_exceed_flow(net, draws):
    out = _run(net, ALL_LEVERS, draws)
    assert (out["seizures_kg"] <= out["flow_kg"] * (1 + 1e-12)).all()
    assert (out["seizures_kg"] >= 0).all()


def test_displacement_when_one_crossing_is_inspected_much_more(net, draws):
    sy = net.arc_index("tijuana", "san_ysidro")
    crossings = net.nodes_of_kind("crossing")
    into = {c: np.flatnonzero(net.arc_head == c) for c in crossings}
    base = _run(net, [], draws)
    # every passenger vehicle scanned at San Ysidro by a highly effective scanner
    over = {"scan_effectiveness": 1e4}
    base = _run(net, [], draws, over)
    closed = _run(net, [{"lever": "poe_inspection", "start": "2025-01", "intensity": 1.0,
                         "crossings": ["san_ysidro"]}], draws, over)
    effort = (1 + 1e4) / (1 + 1e4 * 0.08)  # twelve times FY2024's inspection there
    assert effort > 12 and net.detection[sy] > 0
    window = slice(12 * 16, 12 * 26)  # 2026-2035
    def crossing_flow(out, c):
        return out["flow_kg"][:, window][:, :, into[c]].sum(axis=(1, 2))
    sy_node = net.node_index("san_ysidro")
    assert (crossing_flow(closed, sy_node) < crossing_flow(base, sy_node)).all()
    for c in crossings:
        if c != sy_node and net.crossing_type[c] != "international_mail":
            assert (crossing_flow(closed, c) > crossing_flow(base, c)).all(), net.node_ids[c]
    delivered_drop = (base["delivered_kg"][:, window].sum(axis=(1, 2))
                      - closed["delivered_kg"][:, window].sum(axis=(1, 2)))
    assert (delivered_drop < crossing_flow(base, sy_node)).all()


def test_lab_capacity_recovers_with_its_time_constant(net, draws):
    tau = 3.0
    # one strike a year on Sinaloa (60 % of capacity, 6 of 10 active labs) that reaches
    # 3 active labs: half its capacity; nothing relocates, no raids
    strike = [{"lever": "military_strikes", "start": "2025-01", "end": "2025-12",
               "intensity": 1, "regions": ["sinaloa"]}]
    over = {"lab_rebuild_months": tau, "active_labs": 10.0, "strike_labs_reached": 3.0,
            "strike_relocation_share": 0.0, "raid_active_share": 0.0}
    base = _run(net, [], draws, over)
    hit = _run(net, strike, draws, over)
    t0 = int(np.flatnonzero(model_months() == np.datetime64("2025-01"))[0])
    labs = [net.node_ids[n] for n in net.nodes_of_kind("lab_region")]
    share = np.where(np.array(labs) == "sinaloa", 0.5, 1.0)
    np.testing.assert_allclose(hit["lab_capacity_kg"][:, t0],
                               share * base["lab_capacity_kg"][:, t0], rtol=1e-12)
    # every month without destruction, capacity relaxes toward the previous month's
    # target with the exact factor e^(-1/tau)
    cap, target = hit["lab_capacity_kg"], hit["lab_target_kg"]
    expected = target[:, :-1] + (cap[:, :-1] - target[:, :-1]) * np.exp(-1.0 / tau)
    calm = np.arange(1, cap.shape[1]) != t0
    np.testing.assert_allclose(cap[:, 1:][:, calm], expected[:, calm], rtol=1e-12)
    np.testing.assert_allclose(cap[:, t0], share * expected[:, t0 - 1], rtol=1e-12)
    # and after the strike the gap to the status quo closes
    gap = lambda n: np.abs(base["lab_capacity_kg"][:, t0 + n] - cap[:, t0 + n]).sum()  # noqa: E731
    assert gap(24) < 0.05 * gap(0)


@given(
    intensity=st.floats(0.0, 5000.0),
    start=st.integers(2012, 2030),
    ports=st.sampled_from([["manzanillo"], ["lazaro_cardenas", "mexico_city_air_cargo"], "all"]),
)
def test_more_port_interdiction_never_raises_delivered(net, draws, intensity, start, ports):
    rows = {k: v[:4] for k, v in draws.items()}
    # lab capacity held (all but) fixed at ample levels: capacity built once with 1000 %
    # headroom and never rebuilt; the users held still: fentanyl's share at 1 from
    # 2010, no price response, no overdose deaths and no withdrawal feeding back into the
    # population, so that both runs ask for the same demand; and detection at the border
    # held still (no Border Patrol processing workload, no history of port scanning,
    # cooperation or precursor listings, no raids), so that traffickers' perceived risks
    # are right. The wholesale stock still responds: a shortfall raises the pull (M6), so
    # deliveries are compared with what was asked.
    over = {"lab_rebuild_months": 1e4, "lab_headroom": 10.0, "fentanyl_share_2010": 1.0,
            "import_cost_share": 0.0, "price_elasticity": 0.0,
            "fentanyl_death_rate_per_year": 0.0, "heroin_death_rate_per_year": 0.0,
            "withdrawal_treatment_seeking": 0.0, "processing_hours": 0.0,
            "raid_active_share": 0.0, "scan_effectiveness": 0.0,
            "cooperation_event_shift": 0.0, "control_effectiveness": 0.0}
    base = _run(net, [], rows, over)
    more = _run(net, [{"lever": "mexican_port_interdiction", "start": f"{start}-01",
                       "intensity": intensity, "ports": ports}], rows, over)
    for out in (base, more):
        spare = out["lab_capacity_kg"] - out["production_kg"]
        assert (spare > 0).all()  # the premise: capacity never binds
    np.testing.assert_allclose(more["population"], base["population"], rtol=1e-12)
    delivered = lambda out: out["delivered_kg"].sum(axis=2)  # noqa: E731
    # without the lever the supply chain delivers exactly what it is asked for ...
    np.testing.assert_allclose(delivered(base), base["market_pull_kg"], rtol=1e-9)
    # ... with it, never more: traffickers learn the higher risk only with a lag
    assert (delivered(more) <= more["market_pull_kg"] * (1 + 1e-9)).all()
    if intensity >= 500:  # a lever that does something (effort >= 1.5) falls short at once
        t0 = int(np.flatnonzero(model_months() == np.datetime64(f"{start}-01"))[0])
        assert (delivered(more)[:, t0] < more["market_pull_kg"][:, t0] * (1 - 1e-6)).all()
    # and users are never sold more than in the status quo
    assert (more["consumption_kg"] <= base["consumption_kg"] * (1 + 1e-12)).all()


def test_precursor_control_cuts_supply_then_substitutes(net, draws):
    over = {"substitution_share": 0.5, "substitution_months": 6.0,
            "control_effectiveness": 1.0}
    base = _run(net, [], draws, over)
    # from 2023, before China's own 2024 listing
    ctl = _run(net, [{"lever": "precursor_control", "source": "china", "start": "2023-01",
                      "intensity": 1.0}], draws, over)
    t0 = int(np.flatnonzero(model_months() == np.datetime64("2023-01"))[0])
    china = 0  # first precursor source in topological order
    assert net.node_ids[net.nodes_of_kind("precursor_source")[china]] == "china"
    ratio = lambda t: ctl["supply_kg"][:, t].sum(1) / base["supply_kg"][:, t].sum(1)  # noqa: E731
    assert (ratio(t0) < 0.2).all()  # China's share is gone at once
    assert (ratio(t0 + 48) > ratio(t0 + 3)).all()  # substitutes build up
    assert (ctl["supply_kg"][:, t0:, china] == 0).all()


def test_same_seed_same_result_and_subsets_reproduce(net, status_quo):
    a = parameters.sample([0, 1, 2, 3, 4, 5], seed=11)
    b = parameters.sample([4, 2], seed=11)
    out_a = engine.run(net, status_quo, a)
    out_b = engine.run(net, status_quo, b)
    np.testing.assert_array_equal(out_a["delivered_kg"][[4, 2]], out_b["delivered_kg"])
    c = parameters.sample([0, 1, 2, 3, 4, 5], seed=12)
    assert not np.allclose(out_a["delivered_kg"], engine.run(net, status_quo, c)["delivered_kg"])


@pytest.mark.parametrize("t", [0, 100, 311])
def test_nothing_negative_or_nan(net, draws, t):
    out = _run(net, ALL_LEVERS, draws)
    for key, arr in out.items():
        assert np.isfinite(arr[:, t]).all(), key
        assert (arr[:, t] >= 0).all(), key


def test_chunked_threads_give_identical_numbers(net, draws):
    scen = build(scenario_from_dict({"name": "t", "schema": 2, "levers": ALL_LEVERS}), net)
    whole = engine.run(net, scen, draws)
    chunked = engine.run_chunked(net, scen, draws, workers=3)  # 3 chunks of 4 members
    assert set(whole) == set(chunked)
    for key in whole:
        np.testing.assert_array_equal(whole[key], chunked[key], err_msg=key)


def test_recording_some_outputs_gives_the_same_numbers(net, draws):
    scen = build(scenario_from_dict({"name": "t", "schema": 2, "levers": ALL_LEVERS}), net)
    whole = engine.run(net, scen, draws, arc_detail=False)
    asked = {"overdose_deaths", "crossing_flow_kg", "trade_cost_usd", "treatment_slots_used"}
    some = engine.run_chunked(net, scen, draws, arc_detail=False, workers=2, outputs=asked)
    # and what the trade cost is computed from (cooperation)
    assert set(some) == asked | {"cooperation"}
    for key in some:
        np.testing.assert_array_equal(whole[key], some[key], err_msg=key)
    with pytest.raises(ValueError, match="unknown outputs"):
        engine.run(net, scen, draws, outputs={"deaths"})


def test_a_held_term_stays_at_its_mean_over_the_year_before(net, draws):
    scen = build(scenario_from_dict({"name": "t", "schema": 2, "levers": []}), net)
    start = int(np.flatnonzero(scen.months == np.datetime64("2020-01", "M"))[0])
    free = engine.run(net, scen, draws, arc_detail=False)
    held = engine.run(net, scen, draws, arc_detail=False, hold={"market": start})
    np.testing.assert_array_equal(free["exposure"][:, :start], held["exposure"][:, :start])
    mean = free["exposure"][:, start - 12:start].sum(axis=1) / 12.0
    np.testing.assert_allclose(held["exposure"][:, start:], mean[:, None]
                               * np.ones(held["exposure"].shape[1] - start), rtol=1e-12)
    assert not np.allclose(free["exposure"][:, start:], held["exposure"][:, start:])
