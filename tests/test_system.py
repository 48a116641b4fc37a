"""Invariants of the whole system (mechanisms 7-11) that every run is held to."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from borderflow.model import engine
from borderflow.model.drivers import model_months
from borderflow.policy import scenario_from_dict
from borderflow.policy.drivers import build
from parameter_draws import priced

T2025 = int(np.flatnonzero(model_months() == np.datetime64("2025-01"))[0])
WINDOW = slice(T2025, T2025 + 120)  # 2025-2034


def run(net, draws, levers=(), overrides=None, **options):
    scen = scenario_from_dict({"name": "t", "schema": 2, "levers": list(levers),
                               "parameters": overrides or {}})
    params = dict(draws)
    for k, v in scen.parameters.items():
        params[k] = np.full_like(draws[k], v)
    drivers = build(scen, net)
    return priced(engine.run(net, drivers, params, **options), drivers, params)


def lever(kind, intensity, start="2025-01", **extra):
    return {"lever": kind, "start": start, "intensity": intensity, **extra}


def test_people_are_conserved(net, draws):
    out = run(net, draws, [lever("treatment_expansion", 4e5), lever("prevention", 3e9),
                           lever("naloxone_distribution", 8e6)])
    deaths = np.cumsum(out["overdose_deaths"] + out["heroin_deaths"], axis=1)
    total = out["population"].sum(axis=2) + deaths
    np.testing.assert_allclose(total, np.broadcast_to(total[:, :1], total.shape), rtol=1e-12)
    assert (out["population"] >= 0).all()
    assert (out["overdose_deaths"][:, WINDOW] > 0).all()


def detection(out, net, crossing_type=None, kind=None):
    """Seized over flow on the arcs into crossings of one type (or nodes of one kind)."""
    arcs = [a for a in range(net.n_arcs)
            if (net.crossing_type[net.arc_head[a]] == crossing_type if kind is None
                else net.node_kind[net.arc_head[a]] == kind)]
    return out["seizures_kg"][:, :, arcs].sum(2) / out["flow_kg"][:, :, arcs].sum(2)


def test_encounter_surge_lowers_between_ports_detection_first(net, draws):
    # a surge below the threshold at which port officers are reassigned ...
    calm = {"port_diversion_threshold": 0.99}
    base = run(net, draws, overrides=calm)
    surge = run(net, draws, [lever("asylum_regime", 2.0)], overrides=calm)
    assert (surge["bp_workload"][:, WINDOW] > base["bp_workload"][:, WINDOW]).all()
    low = surge["bp_workload"][:, WINDOW] < 0.99
    between = detection(surge, net, "between_ports")[:, WINDOW]
    before = detection(base, net, "between_ports")[:, WINDOW]
    assert (between <= before).all() and (between[before > 0] < before[before > 0]).all()
    poe = [a for a in range(net.n_arcs)
           if net.crossing_type[net.arc_head[a]] == "port_of_entry"]
    per_arc = lambda out: (out["seizures_kg"][:, WINDOW][:, :, poe]  # noqa: E731
                           / out["flow_kg"][:, WINDOW][:, :, poe])
    np.testing.assert_allclose(per_arc(surge)[low], per_arc(base)[low], rtol=1e-9)
    # ... and one that pushes processing past Border Patrol's capacity: ports suffer too
    tight = {"port_diversion_threshold": 0.3}
    base = run(net, draws, overrides=tight)
    surge = run(net, draws, [lever("asylum_regime", 5.0)], overrides=tight)
    over = (surge["bp_workload"][:, WINDOW] > 0.3) & (base["bp_workload"][:, WINDOW] < 1.0)
    assert over.sum() > 100
    assert (per_arc(surge)[over] < per_arc(base)[over]).all()


def test_strike_cuts_production_drops_cooperation_and_weakens_later_levers(net, draws):
    # two strikes in 2025 on every region, each reaching 5 of 50 active labs (a strong
    # campaign: a sixth of Sinaloa's capacity a strike, all of Michoacán's), little
    # relocation; raids and port inspectors added from 2026
    strike = lever("military_strikes", 2, regions="all", end="2025-12")
    strong = {"active_labs": 50.0, "strike_labs_reached": 5.0, "strike_relocation_share": 0.0}
    takedowns = lever("lab_takedowns", 30, start="2026-01")
    ports = lever("mexican_port_interdiction", 800, start="2026-01")
    base = run(net, draws, overrides=strong)
    hit = run(net, draws, [strike], overrides=strong)
    # capacity falls at once (production need not: the labs left have headroom, and
    # where labs hold no precursor stock a strike destroys none), cooperation drops and
    # recovers only slowly
    assert (hit["lab_capacity_kg"][:, T2025].sum(1)
            < base["lab_capacity_kg"][:, T2025].sum(1)).all()
    assert (hit["cooperation"][:, T2025 + 1] < base["cooperation"][:, T2025 + 1] - 0.1).all()
    assert (hit["cooperation"][:, T2025 + 12] < base["cooperation"][:, T2025 + 12]).all()
    assert (hit["trade_cost_usd"][:, T2025 + 1] > 0).all()
    assert (base["trade_cost_usd"] == 0).all()
    # the Mexican-side levers that follow act less after a strike: their detection at
    # Mexican ports and the capacity their takedowns destroy are scaled by cooperation
    after = slice(T2025 + 12, T2025 + 24)  # 2026
    alone = run(net, draws, [takedowns, ports], overrides=strong)
    later = run(net, draws, [strike, takedowns, ports], overrides=strong)
    assert (detection(later, net, kind="port")[:, after]
            < detection(alone, net, kind="port")[:, after]).all()
    def destroyed_share(out):
        # capacity before destruction, rebuilt from last month: K = K* + (K^a - K*) e^(-1/tau)
        cap, target = out["lab_capacity_kg"], out["lab_target_kg"]
        keep = np.exp(-1.0 / draws["lab_rebuild_months"])[:, None, None]
        whole = target[:, :-1] + (cap[:, :-1] - target[:, :-1]) * keep
        return 1.0 - cap[:, 1:][:, after].sum((1, 2)) / whole[:, after].sum((1, 2))

    assert (destroyed_share(later) < destroyed_share(alone)).all()


def test_demand_side_levers_cut_deaths_and_reach_seizures_through_the_market(net, draws):
    levers = [lever("treatment_expansion", 6e5), lever("prevention", 3e9),
              lever("naloxone_distribution", 1e7)]
    base = run(net, draws)
    demand = run(net, draws, levers)
    for outcome in ("overdose_deaths", "opioid_overdose_deaths"):
        deaths = lambda out, o=outcome: out[o][:, WINDOW].sum(1)  # noqa: E731
        assert (deaths(demand) < deaths(base)).all(), outcome
    assert not np.allclose(demand["seizures_lb_ports_of_entry"], base["seizures_lb_ports_of_entry"])


@given(kits=st.lists(st.floats(0.0, 3e7), min_size=2, max_size=2, unique=True))
def test_more_naloxone_never_raises_deaths(net, draws, kits):
    rows = {k: v[:4] for k, v in draws.items()}
    low, high = sorted(kits)
    less = run(net, rows, [lever("naloxone_distribution", low, start="2020-01")])
    more = run(net, rows, [lever("naloxone_distribution", high, start="2020-01")])
    assert (more["overdose_deaths"] <= less["overdose_deaths"] * (1 + 1e-9)).all()


def test_guns_and_cooperation_levers(net, draws):
    base = run(net, draws)
    guns = run(net, draws, [lever("southbound_inspection", 2000)])
    stopped = 0.95 * (1 - np.exp(-2000 / draws["gun_officers_scale"]))
    np.testing.assert_allclose(guns["guns_south"][:, T2025],
                               (1 - stopped) * base["guns_south"][:, T2025], rtol=1e-12)
    # homicides come from the gun stock, which the smaller flow depletes from the month
    # after the lever starts
    later = slice(T2025 + 1, None)
    assert (guns["gun_homicides_mexico"][:, later] < base["gun_homicides_mexico"][:, later]).all()
    np.testing.assert_array_equal(guns["gun_homicides_mexico"][:, :T2025 + 1],
                                  base["gun_homicides_mexico"][:, :T2025 + 1])
    engaged = run(net, draws, [lever("diplomatic_engagement", 1e9)])
    assert (engaged["cooperation"][:, T2025 + 60] > base["cooperation"][:, T2025 + 60]).all()
    assert (engaged["cooperation"] <= 1).all()
    cost = engaged["policy_cost_usd"][:, WINDOW]
    expected = np.broadcast_to(1e9 * draws["cost_diplomatic_engagement"][:, None] / 12,
                               cost.shape)
    np.testing.assert_allclose(cost, expected, rtol=1e-12)


def test_cooperation_scales_mexicos_own_enforcement(net, draws):
    # engagement raises cooperation, and with it Mexico's baseline enforcement: more
    # seized in Mexico, less delivered, fewer opioid deaths, for every member
    base = run(net, draws)
    engaged = run(net, draws, [lever("diplomatic_engagement", 1e9)])
    after = slice(T2025 + 1, None)
    total = lambda out, key: out[key][:, after].reshape(len(draws["synthesis_yield"]), -1).sum(1)  # noqa: E731
    assert (total(engaged, "mexico_seizures_kg") > total(base, "mexico_seizures_kg")).all()
    assert (total(engaged, "delivered_kg") < total(base, "delivered_kg")).all()
    assert (total(engaged, "opioid_overdose_deaths")
            < total(base, "opioid_overdose_deaths")).all()
    # history is untouched: cooperation sits at its baseline before any lever
    np.testing.assert_array_equal(engaged["mexico_seizures_kg"][:, :T2025 + 1],
                                  base["mexico_seizures_kg"][:, :T2025 + 1])


def test_a_strike_lowers_cooperation_and_mexicos_own_seizures(net, draws):
    base = run(net, draws)
    struck = run(net, draws, [lever("military_strikes", 1, regions="all")])
    year = slice(T2025 + 1, T2025 + 13)
    assert (struck["cooperation"][:, year].mean(1) < base["cooperation"][:, year].mean(1)).all()
    assert (struck["mexico_seizures_kg"][:, year].sum(1)
            < base["mexico_seizures_kg"][:, year].sum(1)).all()
    # what the strike destroyed (precursor stock, where labs hold one) is counted apart
    assert struck["strike_destroyed_kg"][:, T2025].sum() > 0
    assert (struck["strike_destroyed_kg"] >= 0).all()
    assert (base["strike_destroyed_kg"] == 0).all()


def test_guns_are_a_stock_that_depletes_with_its_mean_life(net, draws):
    rows = {k: v[:3] for k, v in draws.items()}
    out = run(net, rows, [lever("southbound_inspection", 2000)])
    life = rows["gun_stock_years"][:, None]
    keep = np.exp(-1 / (12 * life))
    stock, flow = out["gun_stock_mexico"], out["guns_south"]
    np.testing.assert_allclose(stock[:, 1:], stock[:, :-1] * keep + flow[:, :-1], rtol=1e-12)
    np.testing.assert_allclose(stock[:, 0], flow[:, 0] / (1 - keep[:, 0]), rtol=1e-12)
    # after the flow falls to a share s, the stock relaxes to s with the mean life
    s = 1 - 0.95 * (1 - np.exp(-2000 / rows["gun_officers_scale"]))
    later = stock[:, -1] / stock[:, 0]
    months = len(model_months()) - 1 - T2025
    np.testing.assert_allclose(later, s + (1 - s) * keep[:, 0] ** months, rtol=1e-9)
