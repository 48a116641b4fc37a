"""Tests of the plain-Python reference model against closed forms and invariants.

The networks here are built by hand as minimal stand-ins with the attributes of a
``CompiledNetwork`` that the reference reads (node ids in topological order, kinds,
attributes, crossing types, the arc list with costs, detection and attributes), so
these tests do not depend on the network loader. One test runs the default network
when ``borderflow.network`` provides it.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from scipy.stats import norm

from borderflow.model.drivers import HISTORY_EVENTS, Drivers, model_months
from borderflow.policy.registry import COST_ITEMS
from borderflow.reference import simulate_reference
from parameter_draws import full_draws as sample
from parameter_draws import full_medians as prior_medians

LB_PER_KG = 2.20462262
US_POPULATION = 260e6  # the seven states at the start (docs/model-system.md)
TRADE_USD_PER_YEAR = 798.8e9
IMPORTS_USD_PER_YEAR = 475.6e9  # US goods imports from Mexico, 2023
SCAN_REF = 0.02  # passenger-vehicle NII scan rate (2020-22) the nominal detection refers to
POE_SCANS = COST_ITEMS.index("poe_inspection")
COVID = HISTORY_EVENTS.index("covid")
OTC = HISTORY_EVENTS.index("otc_naloxone")
PAROLE = HISTORY_EVENTS.index("parole_cbp_one")
TITLE42 = HISTORY_EVENTS.index("title42")


@dataclass
class ToyNet:
    """The data a ``CompiledNetwork`` exposes, for a network written by hand."""

    node_ids: tuple[str, ...]
    node_kind: tuple[str, ...]
    node_attrs: tuple[dict[str, Any], ...]
    crossing_type: tuple[str | None, ...]
    arc_ids: tuple[tuple[str, str], ...]
    cost_usd_per_kg: np.ndarray
    detection: np.ndarray
    arc_attrs: tuple[dict[str, Any], ...]
    arc_tail: np.ndarray = field(init=False)
    arc_head: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        index = {n: i for i, n in enumerate(self.node_ids)}
        self.arc_tail = np.array([index[t] for t, _ in self.arc_ids], dtype=int)
        self.arc_head = np.array([index[h] for _, h in self.arc_ids], dtype=int)

    @property
    def n_nodes(self) -> int:
        return len(self.node_ids)

    @property
    def n_arcs(self) -> int:
        return len(self.arc_ids)

    def nodes_of_kind(self, kind: str) -> np.ndarray:
        return np.array([i for i, k in enumerate(self.node_kind) if k == kind], dtype=int)


def toy_net(nodes: list[tuple], arcs: list[tuple]) -> ToyNet:
    """Nodes ``(id, kind, attrs)`` listed in topological order; arcs
    ``(tail, head, cost_usd_per_kg, detection[, attrs])``."""
    return ToyNet(
        node_ids=tuple(n[0] for n in nodes),
        node_kind=tuple(n[1] for n in nodes),
        node_attrs=tuple(dict(n[2]) for n in nodes),
        crossing_type=tuple(n[2].get("crossing_type") for n in nodes),
        arc_ids=tuple((a[0], a[1]) for a in arcs),
        cost_usd_per_kg=np.array([a[2] for a in arcs], dtype=float),
        detection=np.array([a[3] for a in arcs], dtype=float),
        arc_attrs=tuple(dict(a[4]) if len(a) > 4 else {} for a in arcs),
    )


def drivers_for(net: ToyNet, months: np.ndarray, **fields: np.ndarray) -> Drivers:
    """Status-quo drivers (no lever, no history) with ``fields`` replaced."""
    T = len(months)
    n_src = len(net.nodes_of_kind("precursor_source"))
    n_lab = len(net.nodes_of_kind("lab_region"))
    values = {
        "scan_rate": np.full((T, net.n_arcs), SCAN_REF),
        "agents": np.zeros((T, net.n_arcs)),
        "inspectors": np.zeros((T, net.n_arcs)),
        "coverage": np.zeros((T, n_src)),
        "raids": np.zeros((T, n_lab)),
        "strikes": np.zeros((T, n_lab)),
        "scheduled": np.zeros((T, net.n_arcs)),
        "detection": np.tile(net.detection, (T, 1)),
        "closed": np.zeros((T, net.n_arcs)),
        "mx_personnel": np.zeros(T),
        "processing_staff": np.zeros(T),
        "asylum_regime": np.ones(T),
        "gun_officers": np.zeros(T),
        "engagement_usd": np.zeros(T),
        "tariff": np.zeros(T),
        "tariff_applied": np.zeros(T),
        "treatment_slots": np.zeros(T),
        "naloxone_kits": np.zeros(T),
        "prevention_usd": np.zeros(T),
        "history": np.zeros((T, len(HISTORY_EVENTS))),
        "activity": np.zeros((T, len(COST_ITEMS))),
    }
    unknown = set(fields) - set(values)
    assert not unknown, unknown
    values.update(fields)
    values["scan_added"] = values["activity"][:, POE_SCANS]  # what the policy drivers give
    return Drivers(months=months, cost_items=COST_ITEMS, **values)


def one_member(**overrides: float) -> dict[str, np.ndarray]:
    """Prior medians with overrides, as parameter arrays of one member."""
    values = prior_medians()
    values.update(overrides)
    return {k: np.array([v]) for k, v in values.items()}


# No encounters: Border Patrol workload 0, so e_B = e_P = 1 and detection is as in
# docs/model.md.
NO_MIGRATION = {"encounters_mexico_2015": 0.0, "encounters_nca_2015": 0.0,
                "encounters_other_2015": 0.0}


def static_demand(D: float) -> dict[str, float]:
    """Parameters under which the market pull is exactly ``D`` kg/month in every month
    while deliveries meet it: 1e6 people with OUD who never move or die, nobody moving
    in from prescription opioids, all supply fentanyl, price-inelastic (M6: the need is
    ``D``, the stock stays at its usual level and the pull is the demand)."""
    rates = ("initiation", "progression", "misuse_exit", "treatment_seeking", "remission",
             "treatment_exit_oud", "treatment_exit_remission", "relapse",
             "fentanyl_death", "heroin_death")
    return {
        **{f"{r}_rate_per_year": 0.0 for r in rates},
        "prescription_transition_per_year": 0.0,
        "oud_2010": 1e6, "misuse_2010": 0.0, "fentanyl_share_2010": 1.0,
        "price_elasticity": 0.0, "consumption_g_per_user_month": D / 1000.0,
        **NO_MIGRATION,
    }


def initial_population(p: dict[str, float], year0: float) -> np.ndarray:
    """(N, M, OH, OL, Tr, Rc, Rm) at the start of the first month (docs/model-system.md)."""
    K_T = p["treatment_capacity_scale"] * np.interp(year0, [2010.5, 2021.5], [0.2e6, 0.6e6])
    Tr = min(0.5 * K_T, 0.5 * p["oud_2010"])
    M, OUD, Rm, s_H = p["misuse_2010"], p["oud_2010"], p["remission_2010"], p["high_risk_share"]
    return np.array([US_POPULATION - M - OUD - Tr - Rm, M, s_H * OUD, (1 - s_H) * OUD, Tr,
                     0.0, Rm])


def start_of_month(out: dict[str, np.ndarray], p: dict[str, float], year0: float,
                   i: int = 0) -> np.ndarray:
    """Member ``i``'s seven states at the start of each month, (T, 7)."""
    return np.vstack([initial_population(p, year0), out["population"][i, :-1]])


def need_kg(p: dict[str, float], states: np.ndarray) -> np.ndarray:
    """M6: ``N_d = (q / 1000)(OH + OL + Rc + w_M M)``, kg/month, from (T, 7) states."""
    users = states[:, 2] + states[:, 3] + states[:, 5] + p["misuse_use_weight"] * states[:, 1]
    return p["consumption_g_per_user_month"] / 1000.0 * users


# --------------------------------------------------------------------------------------
# M7's observed inputs, written out from the DEA figures docs/model-system.md cites
# --------------------------------------------------------------------------------------

LB = 0.45359237  # kg per lb
PURITY_POINTS = (("powder_purity_2018", 2018.5), ("powder_purity_2022", 2022.5),
                 ("powder_purity_2023", 2023.25), ("powder_purity_2024", 2024.5))
LETHAL_PILL_SHARE = ((2017.5, 0.10), (2019.125, 0.27), (2021.5, 0.44), (2022.5, 0.60),
                     (2023.5, 0.70), (2024.5, 0.50))
MG_PER_PILL = ((2017.5, 1.3), (2021.5, 2.2), (2022.5, 2.4), (2024.5, 1.94))
PILL_GROSS_MG = 100.0
#: Seized by form: year, pills, powder gross kg (or None), total gross kg (or None).
SEIZED = ((2018.5, 290_304, 298.2, None), (2021.5, 9_649_551, 2_416.0, None),
          (2022.5, 50.6e6, 10_000 * LB, None), (2023.5, 77e6, 12_000 * LB, None),
          (2024.5, 61.1e6, None, 21_936 * LB))
#: The DEA's purity values (not the priors' medians), used by the derivation of pill mass.
MEAN_PURITY = ((2018.5, 0.053), (2022.5, 0.192), (2023.25, 0.195), (2024.5, 0.1136))
#: Retail naloxone prescriptions a year (naloxone_distribution), knots, flat outside.
NALOXONE_RX = ((2012.5, 1_282.0), (2017.5, 270_710.0), (2018.5, 556_847.0),
               (2019.5, 904_179.0), (2022.5, 1_675_474.0))


def through(year: np.ndarray, points: tuple) -> np.ndarray:
    xs, ys = zip(*points, strict=True)
    return np.interp(year, xs, ys)


def pill_mass_shares() -> tuple[tuple[float, float], ...]:
    """Pills' share of seized pure fentanyl: pills x mg against powder kg x purity."""
    out = []
    for year, pills, powder, total in SEIZED:
        pill_kg = pills * float(through(year, MG_PER_PILL)) * 1e-6
        powder = total - pills * PILL_GROSS_MG * 1e-6 if powder is None else powder
        out.append((year, pill_kg / (pill_kg + powder * float(through(year, MEAN_PURITY)))))
    return tuple(out)


def potency_inputs(p: dict[str, float], year: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Powder purity, lethal pill share and pill mass share by month (no post-window shocks).

    Both implementations interpolate log purity between the observations (M7 says
    "linear between observations"), and the logit of the lethal pill share is shifted.
    """
    xs = [y for _, y in PURITY_POINTS]
    purity = np.clip(np.exp(np.interp(year, xs, [math.log(p[n]) for n, _ in PURITY_POINTS])),
                     1e-3, 0.9)
    base = through(year, LETHAL_PILL_SHARE)
    logit = np.log(base / (1 - base)) + p["lethal_pill_share_logit_error"]
    pill_mass = np.clip(through(year, pill_mass_shares()) * p["pill_mass_share_scale"], 0, 1)
    return purity, 1 / (1 + np.exp(-logit)), pill_mass


def lethal_dose_share(p: dict[str, float], year: np.ndarray) -> np.ndarray:
    """``E = s_pill L_pill + (1 - s_pill) Phi(ln(p / p_L) / sigma_d)``."""
    purity, lethal_pill, pill_mass = potency_inputs(p, year)
    powder = norm.cdf(np.log(purity / p["powder_lethal_purity"]) / p["dose_dispersion"])
    return pill_mass * lethal_pill + (1 - pill_mass) * powder


def member(params: dict[str, np.ndarray], i: int = 0) -> dict[str, float]:
    return {k: float(v[i]) for k, v in params.items()}


def arc_detection(out: dict[str, np.ndarray], arc: int) -> np.ndarray:
    """Actual detection d_a per month, read back as seized / flow, shape (M, T)."""
    return out["seizures_kg"][:, :, arc] / out["flow_kg"][:, :, arc]


def mass_balance_residual(out: dict[str, np.ndarray]) -> np.ndarray:
    """Relative residual of the spec's identity, per member and month."""
    stock = out["precursor_stock_kg"]
    stock_before = np.concatenate([np.zeros_like(stock[:, :1]), stock[:, :-1]], axis=1)
    supply = out["supply_kg"].sum(axis=2)
    rhs = (
        out["seizures_kg"].sum(axis=2)
        + out["lab_seizures_kg"].sum(axis=2)
        + out["lost_kg"]
        + out["delivered_kg"].sum(axis=2)
        + (stock - stock_before).sum(axis=2)
    )
    return np.abs(supply - rhs) / np.maximum(np.abs(supply), 1e-300)


def people_residual(out: dict[str, np.ndarray]) -> np.ndarray:
    """Relative residual of the seven states + cumulative deaths = initial total."""
    deaths = np.cumsum(out["overdose_deaths"] + out["heroin_deaths"], axis=1)
    total = out["population"].sum(axis=2) + deaths
    return np.abs(total - US_POPULATION) / US_POPULATION


# --------------------------------------------------------------------------------------
# A small network with every node kind and crossing type
# --------------------------------------------------------------------------------------


def rich_net() -> ToyNet:
    poe = {"crossing_type": "port_of_entry"}
    nodes = [
        ("cn", "precursor_source", {"supply_share": 7.0}),
        ("india", "precursor_source", {"supply_share": 3.0}),
        ("manzanillo", "port", {}),
        ("lazaro", "port", {}),
        ("sinaloa", "lab_region", {"capacity_share": 0.6}),
        ("jalisco", "lab_region", {"capacity_share": 0.4}),
        ("tijuana", "staging", {}),
        ("juarez", "staging", {}),
        ("san_ysidro", "crossing", poe),
        ("el_paso", "crossing", poe),
        ("sd_sector", "crossing", {"crossing_type": "between_ports"}),
        ("mail", "crossing", {"crossing_type": "international_mail"}),
        ("la_hub", "us_hub", {}),
        ("west", "market", {"demand_share": 0.6}),
        ("east", "market", {"demand_share": 0.4}),
    ]
    finished = {"finished_fentanyl": True}
    arcs = [
        ("cn", "manzanillo", 800.0, 0.03),
        ("cn", "lazaro", 900.0, 0.02),
        ("india", "lazaro", 1100.0, 0.02),
        ("cn", "mail", 1500.0, 0.05, finished),
        ("manzanillo", "sinaloa", 400.0, 0.04),
        ("manzanillo", "jalisco", 300.0, 0.05),
        ("lazaro", "jalisco", 350.0, 0.04),
        ("lazaro", "sinaloa", 600.0, 0.03),
        ("sinaloa", "tijuana", 700.0, 0.03),
        ("jalisco", "tijuana", 900.0, 0.02),
        ("jalisco", "juarez", 800.0, 0.03),
        ("tijuana", "san_ysidro", 2500.0, 0.08),
        ("tijuana", "sd_sector", 4000.0, 0.12),
        ("juarez", "el_paso", 2500.0, 0.07),
        ("juarez", "sd_sector", 5000.0, 0.10),
        ("san_ysidro", "la_hub", 600.0, 0.01),
        ("el_paso", "east", 2000.0, 0.02),
        ("sd_sector", "la_hub", 900.0, 0.01),
        ("mail", "east", 300.0, 0.04, finished),
        ("la_hub", "west", 500.0, 0.02),
        ("la_hub", "east", 1500.0, 0.02),
    ]
    return toy_net(nodes, arcs)


def rich_drivers(net: ToyNet) -> Drivers:
    months = np.arange(np.datetime64("2016-01"), np.datetime64("2024-01"), dtype="datetime64[M]")
    T = len(months)
    rng = np.random.default_rng(20240601)
    heads = [h for _, h in net.arc_ids]
    ctype = dict(zip(net.node_ids, net.crossing_type, strict=True))
    kind = dict(zip(net.node_ids, net.node_kind, strict=True))
    into_poe = np.array([ctype[h] == "port_of_entry" for h in heads])
    into_sector = np.array([ctype[h] == "between_ports" for h in heads])
    into_port = np.array([kind[h] == "port" for h in heads])
    # levers in a government's units, on the arcs their nodes are entered by
    scan_rate = np.where(into_poe, rng.uniform(0.0, 0.6, size=(T, net.n_arcs)), SCAN_REF)
    agents = np.where(into_sector, rng.uniform(0.0, 2.0, size=(T, net.n_arcs)), 0.0)
    inspectors = np.where(into_port, rng.uniform(0.0, 800.0, size=(T, net.n_arcs)), 0.0)
    detection = np.tile(net.detection, (T, 1))
    detection[30:33, :] = 0.0  # no inspection at all for a while
    coverage = np.zeros((T, 2))
    coverage[24:, 0] = np.linspace(0.0, 1.0, T - 24)
    coverage[60:70, :] = 1.0  # both sources covered
    coverage[70:, 1] = 0.3
    raids = np.zeros((T, 2))
    raids[18, 0] = 30.0
    raids[40, 1] = 3000.0  # nearly all of a region's capacity and stock
    raids[41:45, :] = 10.0
    strikes = np.zeros((T, 2))
    strikes[50, 0] = 2.0
    strikes[75, :] = 10.0  # every region: cooperation falls to its floor of 0
    flag = np.array([bool(a.get("finished_fentanyl")) for a in net.arc_attrs])
    scheduled = (months >= np.datetime64("2019-05"))[:, None] & flag[None, :]
    engagement = np.zeros(T)
    engagement[10:45] = 2e9  # USD a year
    tariff = np.zeros(T)
    tariff[5:12] = 0.05  # threatened
    tariff[80:90] = 0.25  # levied
    return drivers_for(
        net, months, scan_rate=scan_rate, agents=agents, inspectors=inspectors,
        detection=detection, coverage=coverage, raids=raids, strikes=strikes,
        scheduled=scheduled.astype(float), mx_personnel=rng.uniform(0.0, 2e5, T),
        processing_staff=rng.uniform(0.0, 2000.0, T), asylum_regime=rng.uniform(0.5, 3.0, T),
        gun_officers=rng.uniform(0.0, 3e4, T), engagement_usd=engagement, tariff=tariff,
        tariff_applied=np.where(np.arange(T) >= 80, tariff, 0.0),
        treatment_slots=rng.uniform(0.0, 3e5, T), naloxone_kits=rng.uniform(0.0, 5e6, T),
        prevention_usd=rng.uniform(0.0, 2e10, T),
        history=rng.uniform(0.0, 1.0, (T, len(HISTORY_EVENTS))),
        activity=rng.uniform(0.0, 2.0, (T, len(COST_ITEMS))),
    )


@pytest.fixture(scope="module")
def rich_run() -> tuple[ToyNet, Drivers, dict[str, np.ndarray], dict[str, np.ndarray]]:
    net = rich_net()
    drivers = rich_drivers(net)
    params = sample(4, seed=3)
    return net, drivers, params, simulate_reference(net, drivers, params)


def test_output_shapes(rich_run) -> None:
    net, drivers, _, out = rich_run
    M, T, A = 4, drivers.n_months, net.n_arcs
    expected = {
        "delivered_kg": (M, T, 2), "flow_kg": (M, T, A), "seizures_kg": (M, T, A),
        "supply_kg": (M, T, 2), "lab_capacity_kg": (M, T, 2), "lab_target_kg": (M, T, 2),
        "production_kg": (M, T, 2),
        "precursor_stock_kg": (M, T, 2), "lab_seizures_kg": (M, T, 2), "lost_kg": (M, T),
        "market_pull_kg": (M, T), "mexico_seizures_kg": (M, T), "strike_destroyed_kg": (M, T),
        "seizures_lb_ports_of_entry": (M, T), "seizures_lb_between_ports": (M, T),
        "crossing_flow_kg": (M, T, len(net.nodes_of_kind("crossing"))),
        "crossing_seizures_kg": (M, T, len(net.nodes_of_kind("crossing"))),
        "overdose_deaths": (M, T), "heroin_deaths": (M, T), "opioid_overdose_deaths": (M, T),
        "price_usd_per_pure_gram": (M, T), "wholesale_price_usd_per_pure_gram": (M, T),
        "wholesale_stock_kg": (M, T), "consumption_kg": (M, T), "heroin_kg": (M, T),
        "heroin_price_ratio": (M, T), "unmet_share": (M, T), "lethal_dose_share": (M, T),
        "naloxone_reversal_share": (M, T), "population": (M, T, 7),
        "encounters_at_ports": (M, T), "encounters_between_ports": (M, T),
        "encounters_by_origin": (M, T, 3), "bp_workload": (M, T), "guns_south": (M, T),
        "gun_stock_mexico": (M, T),
        "gun_homicides_mexico": (M, T), "cooperation": (M, T), "trade_cost_usd": (M, T),
        "policy_cost_usd": (M, T), "treatment_slots_used": (M, T), "fentanyl_share": (M, T),
        "exposure": (M, T),
    }
    assert {k: v.shape for k, v in out.items()} == expected
    for v in out.values():
        assert np.all(np.isfinite(v))
        assert np.all(v >= 0.0)


def test_mass_balance_every_member_and_month(rich_run) -> None:
    *_, out = rich_run
    assert mass_balance_residual(out).max() < 1e-9


def test_seizures_never_exceed_flow_and_stock_within_holding_limit(rich_run) -> None:
    _, _, params, out = rich_run
    assert np.all(out["seizures_kg"] <= out["flow_kg"] * (1 + 1e-12))
    y = params["synthesis_yield"][:, None, None]
    m_H = params["precursor_holding_months"][:, None, None]
    limit = m_H * out["lab_capacity_kg"] / y
    assert np.all(out["precursor_stock_kg"] <= limit * (1 + 1e-12))
    assert np.all(out["production_kg"] <= out["lab_capacity_kg"] * (1 + 1e-12))


def test_seizure_attribution_and_gross_pounds(rich_run) -> None:
    net, drivers, params, out = rich_run
    kind = dict(zip(net.node_ids, net.node_kind, strict=True))
    ctype = dict(zip(net.node_ids, net.crossing_type, strict=True))
    heads = [h for _, h in net.arc_ids]
    mexican = [i for i, h in enumerate(heads) if kind[h] in ("port", "lab_region", "staging")]
    land_poe = [i for i, h in enumerate(heads) if ctype[h] == "port_of_entry"]
    between = [i for i, h in enumerate(heads) if ctype[h] == "between_ports"]
    mail = [i for i, h in enumerate(heads) if ctype[h] == "international_mail"]
    z = out["seizures_kg"]
    # Mexico's own seizures: its arcs and its takedowns; what strikes destroy is apart
    np.testing.assert_allclose(
        out["mexico_seizures_kg"] + out["strike_destroyed_kg"],
        z[:, :, mexican].sum(axis=2) + out["lab_seizures_kg"].sum(axis=2),
        rtol=1e-12,
    )
    struck = drivers.strikes.sum(axis=1) > 0
    assert np.all(out["strike_destroyed_kg"][:, ~struck] == 0.0)
    year = 2016 + (np.arange(drivers.n_months) + 0.5) / 12  # months start 2016-01
    for i in range(4):
        p = member(params, i)
        # M6 (seizures by mass): a pill weighs 100 mg and holds the DEA's mean mg; powder
        # is at its purity; pills and powder mixed by their shares of pure mass
        purity, _, pill_mass = potency_inputs(p, year)
        pill_purity = through(year, MG_PER_PILL) / PILL_GROSS_MG
        g_land = pill_mass / pill_purity + (1 - pill_mass) / purity
        g_mail = 1 / p["mail_purity"]
        at_ports = (z[i][:, land_poe].sum(axis=1) * g_land + z[i][:, mail].sum(axis=1) * g_mail)
        np.testing.assert_allclose(
            out["seizures_lb_ports_of_entry"][i], at_ports * LB_PER_KG, rtol=1e-12
        )
        np.testing.assert_allclose(
            out["seizures_lb_between_ports"][i],
            z[i][:, between].sum(axis=1) * g_land * LB_PER_KG,
            rtol=1e-12,
        )
        # M7: the lethal-dose share of the month, from the same inputs
        np.testing.assert_allclose(out["lethal_dose_share"][i], lethal_dose_share(p, year),
                                   rtol=1e-12)
    assert np.ptp(g_land) > 1.0  # the mix and the purity move over 2016-2023


def test_members_subset_reproduces_rows(rich_run) -> None:
    net, drivers, params, out = rich_run
    sub = simulate_reference(net, drivers, params, members=[2, 0])
    for name, value in sub.items():
        np.testing.assert_array_equal(value, out[name][[2, 0]])


def test_node_listing_order_does_not_matter(rich_run) -> None:
    # The reference builds its own topological order: listing the nodes in another
    # valid order (and so reordering sources, labs and markets) gives the same numbers.
    net, drivers, params, out = rich_run
    order = [0, 1, 3, 2, 5, 4, 7, 6, 11, 10, 9, 8, 12, 14, 13]
    shuffled = ToyNet(
        node_ids=tuple(net.node_ids[i] for i in order),
        node_kind=tuple(net.node_kind[i] for i in order),
        node_attrs=tuple(net.node_attrs[i] for i in order),
        crossing_type=tuple(net.crossing_type[i] for i in order),
        arc_ids=net.arc_ids, cost_usd_per_kg=net.cost_usd_per_kg,
        detection=net.detection, arc_attrs=net.arc_attrs,
    )
    # jalisco now comes before sinaloa, east before west: swap driver columns to match.
    swapped = dataclasses.replace(
        drivers, raids=drivers.raids[:, ::-1], strikes=drivers.strikes[:, ::-1]
    )
    again = simulate_reference(shuffled, swapped, params, members=[1])
    np.testing.assert_allclose(again["flow_kg"], out["flow_kg"][[1]], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(
        again["delivered_kg"], out["delivered_kg"][[1]][:, :, ::-1], rtol=1e-12
    )
    np.testing.assert_allclose(
        again["lab_capacity_kg"], out["lab_capacity_kg"][[1]][:, :, ::-1], rtol=1e-12
    )
    for name in ("population", "overdose_deaths", "cooperation", "price_usd_per_pure_gram"):
        np.testing.assert_allclose(again[name], out[name][[1]], rtol=1e-12)


# --------------------------------------------------------------------------------------
# Closed forms
# --------------------------------------------------------------------------------------


def test_two_route_logit_split_matches_closed_form() -> None:
    # source -> lab -> {x1, x2} -> market; one route through each crossing.
    net = toy_net(
        [
            ("s", "precursor_source", {}),
            ("lab", "lab_region", {}),
            ("x1", "crossing", {"crossing_type": "port_of_entry"}),
            ("x2", "crossing", {"crossing_type": "between_ports"}),
            ("m", "market", {}),
        ],
        [
            ("s", "lab", 500.0, 0.02),
            ("lab", "x1", 3000.0, 0.04),
            ("lab", "x2", 1000.0, 0.10, {"finished_fentanyl": True}),
            ("x1", "m", 500.0, 0.05),
            ("x2", "m", 2500.0, 0.01),
        ],
    )
    months = model_months()[:36]
    T = len(months)
    scan_rate = np.full((T, 5), SCAN_REF)
    scan_rate[:, 1] = 0.2  # more scanning at x1: perceived risk learns upward
    scheduled = np.zeros((T, 5))
    scheduled[6:, 2] = 1.0  # cost Δ added on lab -> x2 from month 6
    drivers = drivers_for(net, months, scan_rate=scan_rate, scheduled=scheduled)
    p = {"logit_scale_usd_per_kg": 2000.0, **same_value(40_000.0),
         "detection_scale": 1.3, "risk_learning_months": 4.0,
         "china_scheduling_cost_usd_per_kg": 3000.0, "scan_effectiveness": 10.0,
         **NO_MIGRATION}
    out = simulate_reference(net, drivers, one_member(**p))

    theta, v, kappa = 2000.0, 40_000.0, 1.3
    d0 = np.minimum(1.0, kappa * net.detection)
    effort = (1 + 10.0 * scan_rate[0]) / (1 + 10.0 * SCAN_REF)  # 2.5 on lab -> x1, else 1
    assert effort[1] == pytest.approx(2.5, rel=1e-12)
    d = 1 - (1 - d0) ** effort
    rho = math.exp(-1 / 4.0)
    flow = out["flow_kg"][0]
    for t in range(T):
        r_hat = d + (d0 - d) * rho**t  # closed form of step 9 with constant effort
        V_x1 = 500.0 + v * r_hat[3]  # − θ ln w_m = 0 with one market
        V_x2 = 2500.0 + v * r_hat[4]
        u1 = 3000.0 + v * r_hat[1] + V_x1  # − θ ln A_x = 0 for crossings
        u2 = 1000.0 + 3000.0 * scheduled[t, 2] + v * r_hat[2] + V_x2
        P1 = 1.0 / (1.0 + math.exp((u1 - u2) / theta))
        share = flow[t, 1] / (flow[t, 1] + flow[t, 2])
        assert share == pytest.approx(P1, rel=1e-12)
        # Every source kilogram goes to the only lab; each crossing passes all on.
        assert flow[t, 0] == pytest.approx(out["supply_kg"][0, t, 0], rel=1e-12)
        z = out["seizures_kg"][0, t]
        assert flow[t, 3] == pytest.approx(flow[t, 1] - z[1], rel=1e-12)
        assert out["production_kg"][0, t, 0] == pytest.approx(flow[t, 1] + flow[t, 2], rel=1e-12)


def test_market_split_follows_demand_shares_when_costs_equal() -> None:
    # source -> mail crossing -> {west, east}: equal costs, so P_m = w_m exactly.
    net = toy_net(
        [
            ("s", "precursor_source", {}),
            ("mail", "crossing", {"crossing_type": "international_mail"}),
            ("west", "market", {"demand_share": 1.0}),
            ("east", "market", {"demand_share": 3.0}),
        ],
        [("s", "mail", 100.0, 0.05), ("mail", "west", 700.0, 0.02),
         ("mail", "east", 700.0, 0.02)],
    )
    drivers = drivers_for(net, model_months()[:12])
    out = simulate_reference(net, drivers, one_member())
    q = out["delivered_kg"][0]
    np.testing.assert_allclose(q[:, 0] / q.sum(axis=1), 0.25, rtol=1e-12)
    # Every kilogram reaching the markets is what the pull asks for (no labs: X R_s = D).
    np.testing.assert_allclose(q.sum(axis=1), out["market_pull_kg"][0], rtol=1e-12)


def two_lab_net() -> ToyNet:
    return toy_net(
        [
            ("s", "precursor_source", {}),
            ("lab1", "lab_region", {"capacity_share": 2.0}),
            ("lab2", "lab_region", {"capacity_share": 1.0}),
            ("x", "crossing", {"crossing_type": "port_of_entry"}),
            ("m", "market", {}),
        ],
        [
            ("s", "lab1", 400.0, 0.02),
            ("s", "lab2", 600.0, 0.03),
            ("lab1", "x", 1500.0, 0.05),
            ("lab2", "x", 1000.0, 0.02),
            ("x", "m", 800.0, 0.04),
        ],
    )


def test_lab_capacity_recovers_exponentially_after_destruction() -> None:
    net = two_lab_net()
    months = model_months()[:40]
    T, t0 = len(months), 10
    raids = np.zeros((T, 2))
    raids[t0, 0] = 2.0  # at baseline cooperation, χ = 1
    drivers = drivers_for(net, months, raids=raids)
    # lab1 holds N s_1 = 1.5 x 2/3 = 1 active lab; a raid finds half a lab: two raids
    # leave (1 − 0.5 / 1)^2 = 1/4 of its capacity
    k = 1 - (1 - 0.5 / (1.5 * 2 / 3)) ** 2
    p = {**static_demand(500.0), "lab_headroom": 0.25,
         "lab_rebuild_months": 3.0, "logit_scale_usd_per_kg": 1500.0,
         **same_value(20_000.0), "detection_scale": 1.0, "raid_active_share": 0.5,
         "active_labs": 1.5}
    out = simulate_reference(net, drivers, one_member(**p))

    # Target capacity in closed form (steps 3–6): D, r̂ and so K*_l are constant.
    theta, v = 1500.0, 20_000.0
    V_x = 800.0 + v * 0.04
    V = np.array([1500.0 + v * 0.05 + V_x, 1000.0 + v * 0.02 + V_x])
    R = np.array([(1 - 0.05) * (1 - 0.04), (1 - 0.02) * (1 - 0.04)])
    s = np.array([2.0, 1.0]) / 3.0
    omega = s * np.exp(-(V - V.min()) / theta)
    omega /= omega.sum()
    K_star = 1.25 * omega * 500.0 / (omega @ R)

    K, target = out["lab_capacity_kg"][0], out["lab_target_kg"][0]
    pull = out["market_pull_kg"][0]
    # Initial capacity rule: K(0) = K*, and it stays there until the destruction (the
    # deliveries meet the pull, so the wholesale stock stays at its usual level).
    np.testing.assert_allclose(K[:t0], np.broadcast_to(K_star, (t0, 2)), rtol=1e-12)
    np.testing.assert_allclose(target[: t0 + 1], np.broadcast_to(K_star, (t0 + 1, 2)),
                               rtol=1e-12)
    np.testing.assert_allclose(pull[: t0 + 1], 500.0, rtol=1e-12)
    assert K[t0, 0] == pytest.approx(K_star[0] * (1 - k), rel=1e-12)
    assert K[t0, 1] == pytest.approx(K_star[1], rel=1e-12)
    # Step 10 in every later month: capacity relaxes toward the month's target with the
    # exact factor e^(-1/τ_L).
    expected = target[t0:-1] + (K[t0:-1] - target[t0:-1]) * math.exp(-1 / 3.0)
    np.testing.assert_allclose(K[t0 + 1 :], expected, rtol=1e-12)
    # The damaged region cannot make its share: deliveries fall short of the pull, the
    # wholesale stock is drawn down (M6), so the pull and the targets rise above their
    # status-quo values while it is refilled.
    delivered = out["delivered_kg"][0].sum(axis=1)
    assert delivered[t0] < pull[t0] * (1 - 1e-3)
    assert out["wholesale_stock_kg"][0, t0] < out["wholesale_stock_kg"][0, t0 - 1] * (1 - 1e-3)
    assert np.all(pull[t0 + 1 : t0 + 4] > 500.0 * (1 + 1e-3))
    assert np.all(target[t0 + 1 : t0 + 4] > K_star * (1 + 1e-3))
    # Raids seize the share k of the stock held at the start of month t0.
    stock = out["precursor_stock_kg"][0]
    assert out["lab_seizures_kg"][0, t0, 0] == pytest.approx(stock[t0 - 1, 0] * k, rel=1e-12)
    assert out["lab_seizures_kg"][0, t0, 1] == 0.0
    assert mass_balance_residual(out).max() < 1e-9


def same_value(v: float) -> dict[str, float]:
    """Every stage of the supply chain valued alike (one v on every arc)."""
    return {"precursor_value_usd_per_kg": v, "value_at_risk_usd_per_kg": v,
            "us_value_usd_per_kg": v}


def test_losses_are_valued_where_they_happen() -> None:
    # each arc's value lost per kg seized is what was accumulated up to it (its tail):
    # precursor out of sources and Mexican ports, fentanyl in Mexico from the labs up to
    # and across the border (and finished fentanyl shipped from a source), fentanyl in
    # the US once it has crossed
    from borderflow.model.engine import _arc_value
    from borderflow.model.layout import layout
    from borderflow.network import load_network

    net = load_network().compile()
    params = {"precursor_value_usd_per_kg": np.array([500.0, 700.0]),
              "value_at_risk_usd_per_kg": np.array([20_000.0, 45_000.0]),
              "us_value_usd_per_kg": np.array([90_000.0, 250_000.0])}
    values = _arc_value(layout(net), params)
    finished, stages = 0, set()
    for a, tail in enumerate(net.arc_tail):
        kind = net.node_kind[tail]
        stage = ("precursor_value_usd_per_kg" if kind in ("precursor_source", "port")
                 else "us_value_usd_per_kg" if kind in ("crossing", "us_hub")
                 else "value_at_risk_usd_per_kg")
        if net.arc_attrs[a].get("finished_fentanyl", False):
            stage, finished = "value_at_risk_usd_per_kg", finished + 1
        stages.add(stage)
        np.testing.assert_array_equal(values[:, a], params[stage])
    assert finished == 1  # China -> JFK mail: finished fentanyl, not precursor
    assert len(stages) == 3
    # the border crossing itself is valued at fentanyl's value in Mexico
    crossing = net.arc_index("tijuana", "san_ysidro")
    np.testing.assert_array_equal(values[:, crossing], params["value_at_risk_usd_per_kg"])
    into_port = [a for a, h in enumerate(net.arc_head) if net.node_kind[h] == "port"]
    assert into_port and values[:, into_port].max() < 1_000


def chain_net(shares: tuple[float, float]) -> ToyNet:
    return toy_net(
        [
            ("s1", "precursor_source", {"supply_share": shares[0]}),
            ("s2", "precursor_source", {"supply_share": shares[1]}),
            ("lab", "lab_region", {}),
            ("x", "crossing", {"crossing_type": "port_of_entry"}),
            ("m", "market", {}),
        ],
        [
            ("s1", "lab", 300.0, 0.03),
            ("s2", "lab", 500.0, 0.06),
            ("lab", "x", 2000.0, 0.05),
            ("x", "m", 700.0, 0.02),
        ],
    )


# controls stop all the exports they cover (control_effectiveness 1) unless a test says
SUBSTITUTION = {**static_demand(400.0), "synthesis_yield": 0.6,
                "substitution_share": 0.7, "substitution_months": 6.0,
                "detection_scale": 1.0, "control_effectiveness": 1.0}


def ordered_supply(shares: np.ndarray, pull: np.ndarray | float = 400.0) -> np.ndarray:
    # X = D_pull / Σ σ_s R_s with R_s = (1 − d0_s,lab) y (1 − d0_lab,x)(1 − d0_x,m).
    R = np.array([1 - 0.03, 1 - 0.06]) * 0.6 * (1 - 0.05) * (1 - 0.02)
    return np.asarray(pull) / float(shares @ R)


def test_substitution_after_one_source_is_stopped() -> None:
    net = chain_net((3.0, 2.0))
    months = model_months()[:48]
    T, t0 = len(months), 12
    coverage = np.zeros((T, 2))
    coverage[t0:, 0] = 1.0
    out = simulate_reference(net, drivers_for(net, months, coverage=coverage),
                             one_member(**SUBSTITUTION))
    sigma = np.array([0.6, 0.4])
    pull = out["market_pull_kg"][0]
    np.testing.assert_allclose(pull[: t0 + 1], 400.0, rtol=1e-12)
    X = ordered_supply(sigma, pull)
    x = out["supply_kg"][0]
    np.testing.assert_allclose(x[:t0], X[:t0, None] * sigma[None, :], rtol=1e-12)
    n = np.arange(T - t0)
    Z = 0.7 * sigma[0] * (1 - np.exp(-n / 6.0))  # Z(t0 + n), B = σ_1
    assert np.all(x[t0:, 0] == 0.0)
    np.testing.assert_allclose(x[t0:, 1], X[t0:] * (sigma[1] + Z), rtol=1e-12)
    # the cut drains the wholesale stock, so the pull rises above the demand (M6)
    assert np.all(pull[t0 + 1 : t0 + 6] > 400.0 * (1 + 1e-3))
    assert mass_balance_residual(out).max() < 1e-9


def test_substitution_falls_back_to_supply_shares_and_is_capped_by_B() -> None:
    net = chain_net((1.0, 3.0))
    months = model_months()[:60]
    T, t0, t1 = len(months), 5, 30
    coverage = np.zeros((T, 2))
    coverage[t0:t1, :] = 1.0  # everything stopped: B = 1, b_s = σ_s
    coverage[t1:, 0] = 0.1  # mostly reopened: B = 0.025 < Z, so Z_eff = B
    out = simulate_reference(net, drivers_for(net, months, coverage=coverage),
                             one_member(**SUBSTITUTION))
    sigma = np.array([0.25, 0.75])
    X = ordered_supply(sigma, out["market_pull_kg"][0])
    x = out["supply_kg"][0]
    np.testing.assert_allclose(x[:t0], X[:t0, None] * sigma[None, :], rtol=1e-12)
    n = np.arange(t1 - t0)
    Z = 0.7 * (1 - np.exp(-n / 6.0))
    np.testing.assert_allclose(x[t0:t1], X[t0:t1, None] * Z[:, None] * sigma[None, :],
                               rtol=1e-12)
    # After t1, Z relaxes from Z(t1) toward φB; while it is above B, Z_eff = B and
    # total supply is back to X; once it falls below, Z_eff = Z.
    B = 0.25 * 0.1
    Z_t1 = 0.7 * (1 - math.exp(-(t1 - t0) / 6.0))
    m = np.arange(T - t1)
    Z_after = 0.7 * B + (Z_t1 - 0.7 * B) * np.exp(-m / 6.0)
    Z_eff = np.minimum(Z_after, B)
    assert Z_after[0] > B > Z_after[-1]  # both regimes are exercised
    open_share = sigma * np.array([0.9, 1.0])
    b = open_share / open_share.sum()
    expected = X[t1:, None] * (open_share[None, :] + Z_eff[:, None] * b[None, :])
    np.testing.assert_allclose(x[t1:], expected, rtol=1e-12)
    capped = Z_after > B
    np.testing.assert_allclose(x[t1:][capped].sum(axis=1), X[t1:][capped], rtol=1e-12)


def test_controls_stop_the_covered_share_their_effectiveness_says() -> None:
    # Controls covering 80 % of s1's exports, of which half stops: c_1 = 0.4, B = 0.4 σ_1;
    # nothing is substituted (ρ = 0), so s1 ships X σ_1 (1 − 0.4) and s2 X σ_2.
    net = chain_net((3.0, 2.0))
    months = model_months()[:24]
    T, t0 = len(months), 6
    coverage = np.zeros((T, 2))
    coverage[t0:, 0] = 0.8
    params = one_member(**{**SUBSTITUTION, "control_effectiveness": 0.5,
                           "substitution_share": 0.0})
    out = simulate_reference(net, drivers_for(net, months, coverage=coverage), params)
    sigma = np.array([0.6, 0.4])
    X = ordered_supply(sigma, out["market_pull_kg"][0])
    open_share = np.where(np.arange(T)[:, None] >= t0, sigma * np.array([0.6, 1.0]), sigma)
    np.testing.assert_allclose(out["supply_kg"][0], X[:, None] * open_share, rtol=1e-12)


def test_price_demand_and_diffusion_follow_import_cost() -> None:
    # κ is realised each month (transport spending plus seizure losses valued at v, per
    # kg delivered); κ_ref is month 0's. The long-run wholesale price of month t follows
    # κ of month t - 1; the diffusion rate of month t follows κ of month t. More
    # inspection on the last arc from month 20 raises seizure losses, hence κ, the price
    # and the slowdown. Everything of M6 is recomputed here from the recorded outputs:
    # the stock, both prices, demand, the pull, sales, heroin and what stays unmet.
    net = chain_net((1.0, 1.0))
    months = model_months()[:96]
    T = len(months)
    scan_rate = np.full((T, 4), SCAN_REF)
    scan_rate[20:, 2] = 0.38  # scanning at the port x: effort (1 + 3.8) / 1.2 = 4
    p = {**NO_MIGRATION, "diffusion_cost_elasticity": 1.5, "import_cost_share": 0.3,
         "price_elasticity": -0.6, **same_value(90_000.0),
         "heroin_supply_scale": 1.1, "scan_effectiveness": 10.0}
    params = one_member(**p)
    out = simulate_reference(net, drivers_for(net, months, scan_rate=scan_rate), params)
    q = member(params)

    delivered = out["delivered_kg"][0].sum(axis=1)
    spent = (out["flow_kg"][0] * np.asarray(net.cost_usd_per_kg)).sum(axis=1)
    kappa = (spent + q["value_at_risk_usd_per_kg"] * out["seizures_kg"][0].sum(axis=1)) / delivered
    ratio = kappa / kappa[0]
    assert 0.01 < ratio.min() and ratio.max() < 100
    assert ratio[25] > ratio[19] + 1e-3  # the inspection raises the import cost
    ratio_prev = np.concatenate([[1.0], ratio[:-1]])

    year = 2010 + (np.arange(T) + 0.5) / 12
    purity, _, _ = potency_inputs(q, year)
    P_ret, w_s, tau_h = (q["retail_price_usd_per_pure_gram"], q["wholesale_share_of_retail"],
                         q["stock_holding_months"])
    f = out["fentanyl_share"][0]
    assert f[0] == q["fentanyl_share_2010"]
    need = need_kg(q, start_of_month(out, q, year[0]))
    usual = tau_h * need * np.minimum(1.0, f)
    stock_end = out["wholesale_stock_kg"][0]
    stock = np.concatenate([[usual[0]], stock_end[:-1]])  # S(2010-01) = S_u(2010-01)
    long_run = (w_s * P_ret * np.maximum(0.1, 1 + q["import_cost_share"] * (ratio_prev - 1))
                * 0.192 / purity)
    wholesale = long_run * np.clip(stock / usual, 0.05, 20.0) ** -q["inventory_price_elasticity"]
    np.testing.assert_allclose(out["wholesale_price_usd_per_pure_gram"][0], wholesale,
                               rtol=1e-12)
    price = (1 - w_s) * P_ret + wholesale
    np.testing.assert_allclose(out["price_usd_per_pure_gram"][0], price, rtol=1e-12)
    demand = need * np.minimum(1.0, f * (price / P_ret) ** q["price_elasticity"])
    pull = np.maximum(0.0, demand + (usual - stock) / tau_h)
    np.testing.assert_allclose(out["market_pull_kg"][0], pull, rtol=1e-12)
    # sales from the stock; the market's mass balance
    sold = np.minimum(stock + delivered, demand)
    np.testing.assert_allclose(out["consumption_kg"][0], sold, rtol=1e-12)
    np.testing.assert_allclose(stock_end, stock + delivered - sold, rtol=1e-12)
    # heroin: finite supply h_s (1 − f) N_d; a clearing price when sought exceeds it
    supply = q["heroin_supply_scale"] * (1 - f) * need
    sought = np.maximum(0.0, need - sold)
    eps = q["price_elasticity"]
    heroin_ratio = np.where(sought > supply,
                            np.minimum(10.0, (sought / supply) ** (1 / abs(eps))), 1.0)
    np.testing.assert_allclose(out["heroin_price_ratio"][0], heroin_ratio, rtol=1e-12)
    heroin = np.minimum(sought * heroin_ratio**eps, supply)
    np.testing.assert_allclose(out["heroin_kg"][0], heroin, rtol=1e-12)
    np.testing.assert_allclose(out["unmet_share"][0],
                               np.maximum(0.0, need - sold - heroin) / need, rtol=1e-12,
                               atol=1e-15)
    np.testing.assert_allclose(out["exposure"][0], sold / need, rtol=1e-12)
    # both heroin regimes occur; the growing market runs its stock below the usual level
    assert (heroin_ratio > 1).any() and (heroin_ratio == 1).any()
    assert (heroin < supply).any() and (heroin == supply).any()
    assert (stock < usual * (1 - 1e-3)).any()

    # M9: exact logistic step with r = r0 (κ/κ_ref)^(-γ), this month's κ.
    r = q["diffusion_rate_per_year"] * ratio ** -q["diffusion_cost_elasticity"]
    grow = np.exp(r / 12)
    np.testing.assert_allclose(f[1:], (f * grow / (1 - f + f * grow))[:-1], rtol=1e-12)


def test_people_conserved_every_member_and_month(rich_run) -> None:
    *_, out = rich_run
    assert people_residual(out).max() < 1e-9
    assert np.all(out["overdose_deaths"] > 0.0) and np.all(out["heroin_deaths"] >= 0.0)


def test_policy_cost_prices_each_activity(rich_run) -> None:
    # every item at its driver, except treatment: charged for the added slots filled at
    # the end of the month (people in MOUD beyond the status quo's capacity)
    _, drivers, params, out = rich_run
    years = 1970 + (drivers.months.astype("datetime64[M]").astype(int) + 0.5) / 12
    base_path = np.interp(years, [2010.5, 2021.5], [0.2e6, 0.6e6])
    col = COST_ITEMS.index("treatment_expansion")
    filled = 0.0
    for i in range(4):
        price = np.array([params[f"cost_{item}"][i] for item in COST_ITEMS])
        activity = drivers.activity.copy()
        in_treatment = out["population"][i, :, 4]
        base = params["treatment_capacity_scale"][i] * base_path
        used = np.clip(in_treatment - base, 0.0, drivers.treatment_slots)
        activity[:, col] = used
        assert used.sum() < drivers.treatment_slots.sum()  # some slots stay empty
        filled += used.sum()
        np.testing.assert_allclose(out["policy_cost_usd"][i], activity @ price / 12.0,
                                   rtol=1e-12)
    assert filled > 0.0


def trade_cost(params: dict[str, np.ndarray], cooperation: np.ndarray,
               drivers: Drivers) -> np.ndarray:
    """M11, USD per month, (M, T): lost trade below baseline cooperation valued as US GDP,
    the Harberger triangle of a levied tariff, and border waits for added scanning."""
    c0 = params["cooperation_baseline"][:, None]
    disrupted = (params["welfare_per_trade_lost"][:, None] * TRADE_USD_PER_YEAR
                 * params["trade_loss_share"][:, None]
                 * np.maximum(0.0, 1.0 - cooperation / c0))
    tau = drivers.tariff_applied[None, :]
    lost = IMPORTS_USD_PER_YEAR * (1 - (1 + tau) ** -params["import_demand_elasticity"][:, None])
    waits = (params["border_wait_cost_usd_per_year"][:, None]
             * drivers.activity[None, :, POE_SCANS])
    return (disrupted + tau * lost / 2 + waits) / 12


def test_trade_cost_only_below_baseline_cooperation(rich_run) -> None:
    net, drivers, params, out = rich_run
    np.testing.assert_allclose(out["trade_cost_usd"], trade_cost(params, out["cooperation"],
                                                                 drivers), rtol=1e-12)
    # With strikes and engagement only (no dated turns, no tariff, no added scanning),
    # trade costs nothing until the first strike, nor while cooperation is above its
    # baseline.
    T = drivers.n_months
    quiet = drivers_for(net, drivers.months, strikes=drivers.strikes,
                        engagement_usd=drivers.engagement_usd)
    got = simulate_reference(net, quiet, params)
    c, c0 = got["cooperation"], params["cooperation_baseline"][:, None]
    np.testing.assert_allclose(got["trade_cost_usd"], trade_cost(params, c, quiet),
                               rtol=1e-12, atol=1e-3)
    first = int(np.argmax(drivers.strikes.sum(axis=1) > 0))
    assert first == 50
    assert np.all(got["trade_cost_usd"][:, : first + 1] == 0.0)
    above = c > c0  # engagement raises cooperation: χ > 1 costs nothing
    assert above.any()
    assert np.all(got["trade_cost_usd"][above] == 0.0)
    assert np.all(c[:, 76] == 0.0)  # twenty strikes on every region floor it
    assert np.all(got["trade_cost_usd"][:, 76] > 0.0)
    # A levied tariff costs its Harberger triangle even while cooperation rises with it;
    # a threatened one costs nothing.
    tariff = np.where(np.arange(T) >= 20, 0.25, 0.0)
    for applied in (0.0, 1.0):
        pressed = drivers_for(net, drivers.months, tariff=tariff,
                              tariff_applied=applied * tariff)
        got = simulate_reference(net, pressed, params)
        expected = trade_cost(params, got["cooperation"], pressed)
        np.testing.assert_allclose(got["trade_cost_usd"], expected, rtol=1e-12, atol=1e-3)
        assert (np.all(got["trade_cost_usd"][:, 20:] > 1e8) if applied
                else np.all(got["trade_cost_usd"][params["trade_pressure_response"] > 0] == 0))
    # Without levers cooperation stays at its baseline and trade costs nothing.
    quiet = simulate_reference(net, drivers_for(net, drivers.months), params)
    np.testing.assert_array_equal(quiet["cooperation"], np.broadcast_to(c0, c.shape))
    assert np.all(quiet["trade_cost_usd"] == 0.0)


def test_cooperation_target_follows_turns_engagement_and_tariffs() -> None:
    # M10 with no strike: c relaxes (exactly) toward the target
    # clip(c0 + s Σ turns + r τ + (1 − c0) γ (1 − e^(−usd/u₀)), 0, 1), month by month.
    net = chain_net((1.0, 1.0))
    months = model_months()[:120]
    T = len(months)
    rng = np.random.default_rng(11)
    history = np.zeros((T, len(HISTORY_EVENTS)))
    for event in ("joint_declaration", "bicentennial", "zambada_arrest", "covid"):
        history[:, HISTORY_EVENTS.index(event)] = rng.uniform(0.0, 1.0, T)
    engagement = np.where(np.arange(T) >= 30, 8e8, 0.0)
    tariff = np.where((np.arange(T) >= 60) & (np.arange(T) < 90), 0.4, 0.0)
    drivers = drivers_for(net, months, history=history, engagement_usd=engagement,
                          tariff=tariff)
    c0, s, r, g, u0, tau_c = 0.6, 0.08, -0.5, 0.5, 4e8, 10.0
    params = one_member(**NO_MIGRATION, cooperation_baseline=c0, cooperation_event_shift=s,
                        trade_pressure_response=r, engagement_gain=g, engagement_usd_scale=u0,
                        cooperation_recovery_months=tau_c)
    c = simulate_reference(net, drivers, params)["cooperation"][0]
    turns = (history[:, HISTORY_EVENTS.index("joint_declaration")]
             + history[:, HISTORY_EVENTS.index("bicentennial")]
             - history[:, HISTORY_EVENTS.index("zambada_arrest")])
    target = np.clip(c0 + s * turns + r * tariff + (1 - c0) * g * (1 - np.exp(-engagement / u0)),
                     0.0, 1.0)
    keep = math.exp(-1 / tau_c)
    assert c[0] == c0
    np.testing.assert_allclose(c[1:], (target + (c - target) * keep)[:-1], rtol=1e-12)
    assert c[89] < c[59]  # this member's cooperation hardens under pressure


def test_population_follows_competing_risks_each_month() -> None:
    net = chain_net((1.0, 1.0))
    months = np.arange(np.datetime64("2018-01"), np.datetime64("2024-01"), dtype="datetime64[M]")
    T = len(months)
    history = np.zeros((T, len(HISTORY_EVENTS)))
    history[26, COVID] = 0.6  # part of March 2020
    history[27:64, COVID] = 1.0
    history[68, OTC] = 24 / 30  # over-the-counter naloxone from 2023-09-07
    history[69:, OTC] = 1.0
    prevention_usd = np.where(np.arange(T) >= 12, 2e9, 0.0)
    # prevention averts p_max (1 − e^(−usd/u₀)) of initiation: 0.3 (1 − e^−2)
    prevention = 0.3 * (1 - np.exp(-prevention_usd / 1e9))
    kits = np.where(np.arange(T) >= 30, 4e6, 0.0)
    slots = np.where(np.arange(T) >= 40, 1.5e6, 0.0)  # the cap stops binding
    coverage = np.zeros((T, 2))
    coverage[44:50] = 1.0  # half a year without precursor: shortage, disruption, withdrawal
    drivers = drivers_for(net, months, history=history, prevention_usd=prevention_usd,
                          naloxone_kits=kits, treatment_slots=slots, coverage=coverage)
    params = one_member(**NO_MIGRATION, treatment_capacity_scale=0.3, substitution_share=0.0,
                        covid_hazard_increase=0.4, treatment_seeking_rate_per_year=1.5,
                        withdrawal_treatment_seeking=1.5, disruption_hazard_increase=0.8,
                        heroin_supply_scale=0.9, control_effectiveness=1.0,
                        prevention_max_share=0.3, prevention_usd_scale=1e9)
    out = simulate_reference(net, drivers, params)
    p = member(params)

    year = 2018 + (np.arange(T) + 0.5) / 12
    start = start_of_month(out, p, year[0])
    N, M, OH, OL, Tr, Rc, Rm = start.T
    # M6-M7: shares of the need met, potency, naloxone, COVID-19 and disruption
    need = need_kg(p, start)
    sold = out["consumption_kg"][0]
    x_F, x_H = sold / need, out["heroin_kg"][0] / need
    np.testing.assert_allclose(out["exposure"][0], x_F, rtol=1e-12)
    unmet = out["unmet_share"][0]
    np.testing.assert_allclose(unmet, np.maximum(0.0, 1 - x_F - x_H), rtol=1e-9, atol=1e-12)
    g = (lethal_dose_share(p, year) / 0.5) ** p["lethal_share_elasticity"]
    K_N = (p["naloxone_kits_per_rx"] * through(year, NALOXONE_RX)
           * (1 + p["naloxone_otc_gain"] * history[:, OTC]) + kits)
    a_N = p["naloxone_bystander_share"] * (1 - np.exp(-K_N / p["naloxone_half_kits"]))
    np.testing.assert_allclose(out["naloxone_reversal_share"][0], a_N, rtol=1e-12)
    elapsed = np.cumsum(history[:, COVID]) - history[:, COVID]  # months of COVID before t
    cv = 1 + p["covid_hazard_increase"] * history[:, COVID] * np.exp(
        -elapsed / p["covid_adaptation_months"])
    recent = np.zeros(T)  # C̄, exponentially averaged sales, 0 in the first month
    for t in range(T - 1):
        recent[t + 1] = sold[t] + (recent[t] - sold[t]) * math.exp(-1 / p["disruption_months"])
    safe = np.where(recent > 0, recent, 1.0)
    delta = np.where(recent > 0, np.maximum(0.0, 1 - sold / safe), 0.0)
    m = cv * (1 - a_N) * (1 + p["disruption_hazard_increase"] * delta)
    phi_F = p["fentanyl_death_rate_per_year"] * x_F * g * m
    phi_H = p["heroin_death_rate_per_year"] * x_H * m
    K_T = p["treatment_capacity_scale"] * np.interp(year, [2010.5, 2021.5], [0.2e6, 0.6e6])
    K_T = K_T + slots

    def leave(n, *rates):
        total = sum(rates)
        return [n * (1 - np.exp(-total / 12)) * r / total for r in rates]

    # M8: hazard weights, an entering cohort's mean weight 1
    s_H, r_H = p["high_risk_share"], p["high_risk_ratio"]
    w_H, w_L = r_H / (s_H * r_H + 1 - s_H), 1 / (s_H * r_H + 1 - s_H)
    w_M, RR, RR_post = (p["misuse_use_weight"], p["treatment_death_ratio"],
                        p["post_treatment_death_ratio"])
    seek = p["treatment_seeking_rate_per_year"] * (1 + p["withdrawal_treatment_seeking"] * unmet)
    nu = p["remission_rate_per_year"]
    (nm,) = leave(N, p["initiation_rate_per_year"] * (1 - prevention))
    from_rx = np.minimum(p["prescription_transition_per_year"] / 12 * np.exp(
        -p["prescription_transition_decline_per_year"] * np.maximum(0.0, year - 2012)), N - nm)
    mo, mn, mF, mH = leave(M, p["progression_rate_per_year"], p["misuse_exit_rate_per_year"],
                           w_M * phi_F, w_M * phi_H)
    h_seek, h_rem, hF, hH = leave(OH, seek, nu, w_H * phi_F, w_H * phi_H)
    l_seek, l_rem, lF, lH = leave(OL, seek, nu, w_L * phi_F, w_L * phi_H)
    tro, trr, tF, tH = leave(Tr, p["treatment_exit_oud_rate_per_year"],
                             p["treatment_exit_remission_rate_per_year"], RR * phi_F, RR * phi_H)
    co, cF, cH = leave(Rc, 12.0, RR_post * phi_F, RR_post * phi_H)
    (rmo,) = leave(Rm, p["relapse_rate_per_year"])
    room = np.maximum(0.0, K_T - (Tr - (tro + trr + tF + tH)))
    wanted = h_seek + l_seek
    admitted = np.minimum(wanted, room) / wanted
    assert np.any(room < wanted) and np.any(room > wanted)  # the cap binds, and not always
    assert (delta > 0.1).any() and (unmet > 0.1).any() and (x_H > 0.1).any()  # exercised
    into = mo + rmo + from_rx + co

    np.testing.assert_allclose(out["overdose_deaths"][0], mF + hF + lF + tF + cF, rtol=1e-9)
    np.testing.assert_allclose(out["heroin_deaths"][0], mH + hH + lH + tH + cH, rtol=1e-9)
    np.testing.assert_allclose(out["opioid_overdose_deaths"][0],
                               out["overdose_deaths"][0] + out["heroin_deaths"][0], rtol=1e-12)
    expected = np.stack([
        N - nm - from_rx + mn,
        M - (mo + mn + mF + mH) + nm,
        OH - (h_seek + h_rem + hF + hH) + h_seek * (1 - admitted) + s_H * into,
        OL - (l_seek + l_rem + lF + lH) + l_seek * (1 - admitted) + (1 - s_H) * into,
        Tr - (tro + trr + tF + tH) + wanted * admitted,
        Rc - (co + cF + cH) + tro,
        Rm - rmo + h_rem + l_rem + trr,
    ], axis=1)
    np.testing.assert_allclose(out["population"][0], expected, rtol=1e-9)

    # One state in one month, written out: misuse in month 5 (rates per year).
    t = 5
    Lam = (p["progression_rate_per_year"] + p["misuse_exit_rate_per_year"]
           + w_M * (phi_F[t] + phi_H[t]))
    M_next = (M[t] * math.exp(-Lam / 12)
              + N[t] * (1 - math.exp(-p["initiation_rate_per_year"] * (1 - 0.0) / 12)))
    assert out["population"][0, t, 1] == pytest.approx(M_next, rel=1e-9)
    assert people_residual(out).max() < 1e-9


def test_no_fentanyl_reaching_users_means_no_t404_deaths() -> None:
    # Every source stopped from the first month, nothing substituted: the wholesale
    # stock held in January 2010 is all that ever reaches users. Once it is sold, no
    # fentanyl is used, so there are no T40.4 deaths; heroin deaths go on.
    net = chain_net((1.0, 1.0))
    months = model_months()[:60]
    T = len(months)
    params = one_member(**NO_MIGRATION, substitution_share=0.0, control_effectiveness=1.0)
    stopped = drivers_for(net, months, coverage=np.ones((T, 2)))
    out = simulate_reference(net, stopped, params)
    p = member(params)
    assert np.all(out["supply_kg"] == 0.0) and np.all(out["delivered_kg"] == 0.0)
    # M6: S(2010-01) = S_u = τ_h N_d f; sales draw it down and nothing else moves it
    usual = (p["stock_holding_months"] * p["fentanyl_share_2010"]
             * need_kg(p, initial_population(p, 2010 + 0.5 / 12)[None, :])[0])
    stock, sold = out["wholesale_stock_kg"][0], out["consumption_kg"][0]
    assert sold.sum() == pytest.approx(usual, rel=1e-12)
    np.testing.assert_allclose(stock, usual - np.cumsum(sold), rtol=1e-9, atol=1e-9 * usual)
    empty = stock == 0.0
    assert 0 < np.argmax(empty) < T // 2 and np.all(empty[np.argmax(empty):])
    after = slice(int(np.argmax(empty)) + 1, None)
    assert np.all(out["exposure"][0, after] == 0.0)
    assert np.all(out["overdose_deaths"][0, after] == 0.0)
    assert np.all(out["overdose_deaths"][0, :2] > 0.0)  # while the stock lasts
    assert np.all(out["heroin_deaths"] > 0.0)
    np.testing.assert_array_equal(out["opioid_overdose_deaths"][0, after],
                                  out["heroin_deaths"][0, after])
    assert np.all(out["market_pull_kg"] > 0.0)  # the demand is there, nothing supplies it
    assert people_residual(out).max() < 1e-9
    supplied = simulate_reference(net, drivers_for(net, months), params)
    assert np.all(supplied["exposure"] > 0.0) and np.all(supplied["overdose_deaths"] > 0.0)


def test_cooperation_strike_drop_and_recovery() -> None:
    net = chain_net((1.0, 1.0))  # one lab, holding all N = 1 active labs
    months = model_months()[:60]
    T, t0, t1, t2 = len(months), 10, 30, 40
    strikes = np.zeros((T, 1))
    strikes[t0, 0] = 1.0  # a strike reaches 0.3 of the one lab: destroys 0.3
    strikes[t1, 0] = 5.0  # five: 1 − 0.7^5 destroyed, and cooperation floored
    raids = np.zeros((T, 1))
    raids[t2, 0] = 1.0  # a raid finds half a lab: 0.5 destroyed at baseline cooperation
    inspectors = np.zeros((T, 4))
    # Mexican-side effort 1 + 200 / 100 = 3 on s1 -> lab (the toy has no port: the
    # inspectors are put on an arc into a lab region, also Mexico's), scaled by χ
    inspectors[:, 0] = 200.0
    officers = np.full(T, 1000.0)
    drivers = drivers_for(net, months, strikes=strikes, raids=raids,
                          inspectors=inspectors, gun_officers=officers)
    c0, drop, tau_c, tau_L, psi, v = 0.65, 0.27, 20.0, 3.0, 0.4, 0.02
    params = one_member(**static_demand(300.0), cooperation_baseline=c0,
                        strike_cooperation_drop=drop, cooperation_recovery_months=tau_c,
                        lab_rebuild_months=tau_L, resilience_gun_elasticity=psi,
                        detection_scale=1.0, active_labs=1.0, strike_labs_reached=0.3,
                        raid_active_share=0.5, mx_port_inspectors=100.0,
                        gun_officers_scale=1000.0, strike_homicide_increase=v,
                        strike_relocation_share=0.6)  # one region: nowhere else to go
    out = simulate_reference(net, drivers, params)
    p = member(params)
    struck = 1 - 0.7 ** strikes[:, 0]

    c = out["cooperation"][0]
    assert np.all(c[: t0 + 1] == c0)  # start-of-month values: the strike acts from t0 + 1
    assert c[t0 + 1] == pytest.approx(c0 - drop * 1, rel=1e-12)
    n = np.arange(t1 - t0)
    np.testing.assert_allclose(
        c[t0 + 1 : t1 + 1], c0 + (c[t0 + 1] - c0) * np.exp(-n / tau_c), rtol=1e-12
    )
    assert c0 + (c[t1] - c0) * math.exp(-1 / tau_c) - 5 * drop < 0.0
    assert c[t1 + 1] == 0.0  # bounded at 0
    n = np.arange(T - t1 - 1)
    np.testing.assert_allclose(c[t1 + 1 :], c0 * (1 - np.exp(-n / tau_c)), rtol=1e-12)
    chi = c / c0

    # Trade cost (M11) follows χ of the month.
    np.testing.assert_allclose(
        out["trade_cost_usd"][0],
        p["welfare_per_trade_lost"] * TRADE_USD_PER_YEAR / 12 * p["trade_loss_share"]
        * (1 - chi), rtol=1e-12, atol=1e-3
    )
    # Mexico's enforcement, baseline and added, is scaled by χ (M3): E = 3 χ.
    d0 = 0.03
    np.testing.assert_allclose(arc_detection(out, 0)[0], 1 - (1 - d0) ** (3 * chi),
                               rtol=1e-12)
    # Guns (M4): 1,000 officers at n₀ = 1,000 stop 0.95 (1 − e^−1) of them; the lab
    # rebuilding time constant they set.
    left = 1 - 0.95 * (1 - math.exp(-1.0))
    assert np.allclose(out["guns_south"][0], p["guns_south_per_year"] / 12 * left, rtol=1e-12)
    # the gun stock starts at the steady state of the flow and, the flow constant,
    # stays there; homicides are the attributable share of Mexico's firearm homicides,
    # plus v per strike of the last year (a 12-month memory) of all of them
    keep = math.exp(-1 / (12 * p["gun_stock_years"]))
    np.testing.assert_allclose(out["gun_stock_mexico"][0],
                               out["guns_south"][0] / (1 - keep), rtol=1e-12)
    recent = np.zeros(T)
    for t in range(T):
        recent[t] = (recent[t - 1] * math.exp(-1 / 12) if t else 0.0) + strikes[t, 0]
    np.testing.assert_allclose(out["gun_homicides_mexico"][0],
                               25_000 / 12 * (p["gun_homicide_attributable_share"]
                                              + v * recent), rtol=1e-12)
    assert recent[t0 - 1] == 0.0 and recent[t1] > 5.0
    tau = tau_L * left ** -psi
    Ka, target = out["lab_capacity_kg"][0, :, 0], out["lab_target_kg"][0, :, 0]
    K_star = target[0]
    assert Ka[0] == pytest.approx(K_star, rel=1e-12)  # initial capacity: the first target
    # M5: the strike destroys its share whatever the cooperation; with one region the
    # share ρ of the struck capacity that relocates comes back to it ...
    whole = target[t0 - 1] + (Ka[t0 - 1] - target[t0 - 1]) * math.exp(-1 / tau)
    assert Ka[t0] == pytest.approx(whole * (0.7 + 0.6 * 0.3), rel=1e-12)
    # ... while raids are scaled by χ; between destructions capacity relaxes toward
    # the month's target with M4's time constant (the targets move once the shortfall
    # draws the wholesale stock down): K^a(t+1) = K(t+1) (1 − k + ρ (k − k_MX)) with
    # K(t+1) = K*(t) + (K^a(t) − K*(t)) e^(-1/τ).
    k_mx = np.minimum(1.0, 0.5 * raids[:, 0] * chi)
    k = 1 - (1 - k_mx) * (1 - struck)
    kept = 1 - k + 0.6 * (k - k_mx)
    expected = (target[:-1] + (Ka[:-1] - target[:-1]) * math.exp(-1 / tau)) * kept[1:]
    np.testing.assert_allclose(Ka[1:], expected, rtol=1e-12, atol=1e-12 * K_star)
    assert chi[t2] < 0.9 and Ka[t2] > 0.0  # the raid at t2 is weakened by the strikes
    assert k_mx[t2] == pytest.approx(0.5 * chi[t2], rel=1e-12)
    assert mass_balance_residual(out)[0, : t1].max() < 1e-9


def test_struck_capacity_relocates_by_capacity_the_strikes_left_alone() -> None:
    # M5: strikes on lab1 destroy the share b of its capacity; a share ρ of what they
    # destroyed sets up again at once, spread over the regions in proportion to the
    # capacity the strikes left alone: K_1 (1 − b) and K_2. The
    # precursor stock a strike destroys stays destroyed.
    net = two_lab_net()
    months = model_months()[:20]
    T, t0 = len(months), 8
    strikes = np.zeros((T, 2))
    strikes[t0, 0] = 2.0
    strikes[t0 + 2, 1] = 1.0  # lab2 then holds a precursor stock
    p = {**static_demand(500.0), "lab_headroom": 0.25, "logit_scale_usd_per_kg": 1500.0,
         **same_value(20_000.0), "detection_scale": 1.0, "active_labs": 30.0,
         "strike_labs_reached": 4.0, "strike_relocation_share": 0.6}
    out = simulate_reference(net, drivers_for(net, months, strikes=strikes),
                             one_member(**p))
    b = 1 - (1 - 4.0 / (30.0 * 2 / 3)) ** 2  # lab1 holds 20 of the 30 active labs
    K = out["lab_capacity_kg"][0]
    before = K[t0 - 1]  # no destruction before: capacity sits at its constant target
    np.testing.assert_allclose(K[: t0], np.broadcast_to(before, (t0, 2)), rtol=1e-12)
    moved = 0.6 * b * before[0]
    weight = np.array([before[0] * (1 - b), before[1]])
    np.testing.assert_allclose(
        K[t0], before * np.array([1 - b, 1.0]) + moved * weight / weight.sum(), rtol=1e-12)
    assert K[t0].sum() < before.sum()  # the rest of what was struck is gone
    stock = out["precursor_stock_kg"][0]
    b2 = 1 - (1 - 4.0 / (30.0 / 3))  # lab2 holds 10 of the 30 active labs
    assert stock[t0 + 1, 1] > 0.0
    assert out["strike_destroyed_kg"][0, t0 + 2] == pytest.approx(stock[t0 + 1, 1] * b2,
                                                                  rel=1e-12)
    assert out["lab_seizures_kg"][0, t0 + 2, 1] == pytest.approx(stock[t0 + 1, 1] * b2,
                                                                 rel=1e-12)
    assert out["mexico_seizures_kg"][0, t0] == pytest.approx(
        (out["seizures_kg"][0, t0, :2]).sum(), rel=1e-12)  # strikes are not Mexico's


def two_crossing_net() -> ToyNet:
    return toy_net(
        [
            ("s", "precursor_source", {}),
            ("lab", "lab_region", {}),
            ("poe", "crossing", {"crossing_type": "port_of_entry"}),
            ("bp", "crossing", {"crossing_type": "between_ports"}),
            ("m", "market", {}),
        ],
        [
            ("s", "lab", 500.0, 0.02),
            ("lab", "poe", 2000.0, 0.06),
            ("lab", "bp", 2200.0, 0.10),
            ("poe", "m", 500.0, 0.03),
            ("bp", "m", 600.0, 0.02),
        ],
    )


def test_deterred_migrants_defer_and_come_later() -> None:
    """M2's deferred pool: what a deterrent regime stops, a share of comes back later.

    Deterrence (factor 0.3) lasts months 12-35. With every stopped migrant deferring
    (share 1), encounters over ten years add up to the push index's, less the few
    still waiting at the end; with none deferring, the stopped are simply lost.
    """
    net = two_crossing_net()
    months = np.arange(np.datetime64("2015-01"), np.datetime64("2025-01"), dtype="datetime64[M]")
    T = len(months)
    asylum = np.where((np.arange(T) >= 12) & (np.arange(T) < 36), 0.3, 1.0)
    drivers = drivers_for(net, months, asylum_regime=asylum)
    year = 2015 + (np.arange(T) + 0.5) / 12
    totals = {}
    for share in (0.0, 1.0):
        params = one_member(deferral_share=share, deferral_months=6.0)
        p = member(params)
        push = sum(p[f"encounters_{g}_2015"]
                   * np.exp(p[f"push_trend_{g}"] * (np.minimum(year, 2024.0) - 2015))
                   for g in ("mexico", "nca", "other"))
        got = simulate_reference(net, drivers, params)["encounters_by_origin"][0].sum(axis=1)
        totals[share] = (got.sum(), push.sum(), (push * (1 - asylum)).sum())
        if share == 1.0:
            assert got[36] > 1.5 * push[36]  # the pool released after the regime ends
            np.testing.assert_allclose(got[:12], push[:12], rtol=1e-12)
    lost, full = totals[0.0], totals[1.0]
    assert lost[0] == pytest.approx(lost[1] - lost[2], rel=1e-12)
    assert full[0] == pytest.approx(full[1], rel=1e-6)


def test_migration_workload_and_border_detection() -> None:
    net = two_crossing_net()
    months = np.arange(np.datetime64("2015-01"), np.datetime64("2025-01"), dtype="datetime64[M]")
    T = len(months)
    rng = np.random.default_rng(7)
    history = rng.uniform(0.0, 1.0, (T, len(HISTORY_EVENTS)))
    asylum = np.geomspace(0.05, 60.0, T)  # encounters rise through the whole range of w
    staff = np.where(np.arange(T) >= 60, 3000.0, 0.0)
    personnel = np.where(np.arange(T) >= 90, 5e4, 0.0)
    # US effort 1.5 at the port (scanning) and between ports (agents), 1 elsewhere
    scan_rate = np.full((T, 5), SCAN_REF)
    scan_rate[:, 1] = 0.08  # (1 + 10 x 0.08) / (1 + 10 x 0.02) = 1.5
    agents = np.zeros((T, 5))
    agents[:, 2] = 1.25  # (1 + 1.25)^0.5 = 1.5
    drivers = drivers_for(net, months, history=history, asylum_regime=asylum,
                          processing_staff=staff, mx_personnel=personnel,
                          scan_rate=scan_rate, agents=agents)
    params = one_member(port_diversion_threshold=0.4, port_diversion_max=0.08,
                        detection_scale=1.0, ports_share=0.25, ports_share_cbp_one=6.0,
                        ports_share_title42=0.5, deferral_share=0.0,
                        scan_effectiveness=10.0, bp_agent_elasticity=0.5,
                        mx_migration_personnel_scale=1e5)
    out = simulate_reference(net, drivers, params)
    p = member(params)
    # the dated turns move cooperation, and with it Mexico's own programmes
    chi = out["cooperation"][0] / p["cooperation_baseline"]
    assert np.ptp(chi) > 0.01

    year = 2015 + (np.arange(T) + 0.5) / 12
    factor = np.ones(T)
    for e, name in enumerate(HISTORY_EVENTS):
        if name in ("covid", "otc_naloxone", "bicentennial", "zambada_arrest"):
            continue  # no encounter multiplier (M2)
        mexican = name in ("southern_border_program", "joint_declaration")
        factor *= p[f"enc_{name}"] ** (history[:, e] * (chi if mexican else 1.0))
    mx = 1 - np.exp(-personnel / 1e5)  # share prevented at baseline cooperation
    factor *= asylum * np.maximum(0.0, 1.0 - mx * chi)
    E_g = np.stack([
        p[f"encounters_{g}_2015"] * factor
        * np.exp(p[f"push_trend_{g}"] * (np.minimum(year, 2024.0) - 2015))
        for g in ("mexico", "nca", "other")
    ], axis=1)
    np.testing.assert_allclose(out["encounters_by_origin"][0], E_g, rtol=1e-12)
    s_P = np.minimum(0.9, p["ports_share"] * p["ports_share_cbp_one"] ** history[:, PAROLE]
                     * p["ports_share_title42"] ** history[:, TITLE42])
    assert np.any(s_P == 0.9) and np.any(s_P < 0.9)
    E = E_g.sum(axis=1)
    np.testing.assert_allclose(out["encounters_at_ports"][0], s_P * E, rtol=1e-12)
    between = E - s_P * E
    np.testing.assert_allclose(out["encounters_between_ports"][0], between, rtol=1e-12)
    w = between * p["processing_hours"] / (p["bp_hours_per_month"] + 160 * staff)
    np.testing.assert_allclose(out["bp_workload"][0], w, rtol=1e-12)

    e_B = np.maximum(0.0, 1 - np.minimum(1.0, w))
    e_P = 1 - 0.08 * np.clip((w - 0.4) / (1 - 0.4), 0.0, 1.0)
    d_poe, d_bp = arc_detection(out, 1)[0], arc_detection(out, 2)[0]
    np.testing.assert_allclose(d_poe, 1 - (1 - 0.06) ** (1.5 * e_P), rtol=1e-12)
    np.testing.assert_allclose(d_bp, 1 - (1 - 0.10) ** (1.5 * e_B), rtol=1e-12, atol=1e-15)
    # not into a crossing: no workload factor; into the lab, Mexico's effort χ
    np.testing.assert_allclose(arc_detection(out, 0)[0], 1 - (1 - 0.02) ** chi, rtol=1e-12)
    for arc, d0 in ((3, 0.03), (4, 0.02)):
        np.testing.assert_allclose(arc_detection(out, arc)[0], d0, rtol=1e-12)
    # Below w* port effort is untouched; above it, it falls, capped at ω_P.
    low, high = w < 0.4, w > 1.0
    assert low.any() and high.any() and ((w > 0.4) & (w < 1.0)).any()
    np.testing.assert_allclose(d_poe[low], 1 - (1 - 0.06) ** 1.5, rtol=1e-12)
    assert np.all(d_poe[~low] < 1 - (1 - 0.06) ** 1.5)
    np.testing.assert_allclose(d_poe[high], 1 - (1 - 0.06) ** (1.5 * 0.92), rtol=1e-12)
    # Between-ports detection falls as the workload rises, to 0 at full workload.
    order = np.argsort(w)
    assert np.all(np.diff(d_bp[order]) <= 1e-15)
    assert np.all(d_bp[high] == 0.0)


def test_rejects_a_node_with_no_way_to_a_market() -> None:
    net = toy_net(
        [("s", "precursor_source", {}), ("p", "port", {}), ("m", "market", {})],
        [("s", "p", 1.0, 0.1), ("s", "m", 1.0, 0.1)],
    )
    with pytest.raises(ValueError, match="no path to a market"):
        simulate_reference(net, drivers_for(net, model_months()[:2]), one_member())


# --------------------------------------------------------------------------------------
# The default network, when the network package provides it
# --------------------------------------------------------------------------------------


def test_default_network_mass_balance() -> None:
    network = pytest.importorskip("borderflow.network")
    if not hasattr(network, "load_network"):
        pytest.skip("borderflow.network.load_network not available yet")
    net = network.load_network().compile()
    drivers = drivers_for(net, model_months())
    start = time.perf_counter()
    out = simulate_reference(net, drivers, sample(2, seed=1))
    assert time.perf_counter() - start < 8.0
    assert mass_balance_residual(out).max() < 1e-9
    assert people_residual(out).max() < 1e-9
    assert np.all(out["delivered_kg"] >= 0.0)
