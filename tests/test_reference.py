"""Tests of the plain-Python reference model against closed forms and invariants.

The networks here are built by hand as minimal stand-ins with the attributes of a
``CompiledNetwork`` that the reference reads (node ids in topological order, kinds,
attributes, crossing types, the arc list with costs, detection and attributes), so
these tests do not depend on the network loader. One test runs the default network
when ``borderflow.network`` provides it.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from borderflow.model.drivers import Drivers, model_months
from borderflow.model.parameters import prior_medians, sample
from borderflow.reference import simulate_reference

LB_PER_KG = 2.20462262


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


def drivers_for(
    net: ToyNet, months: np.ndarray, *, effort=None, control=None, destroyed=None,
    scheduled=None,
) -> Drivers:
    T = len(months)
    n_src = len(net.nodes_of_kind("precursor_source"))
    n_lab = len(net.nodes_of_kind("lab_region"))
    return Drivers(
        months=months,
        effort=np.ones((T, net.n_arcs)) if effort is None else effort,
        control=np.zeros((T, n_src)) if control is None else control,
        destroyed=np.zeros((T, n_lab)) if destroyed is None else destroyed,
        scheduled=np.zeros((T, net.n_arcs)) if scheduled is None else scheduled,
    )


def one_member(**overrides: float) -> dict[str, np.ndarray]:
    """Prior medians with overrides, as parameter arrays of one member."""
    values = prior_medians()
    values.update(overrides)
    return {k: np.array([v]) for k, v in values.items()}


# A market pull that is exactly D̄ in every month: the take-off is long past.
FLAT_PULL = {"takeoff_midpoint_year": 1900.0, "takeoff_width_years": 1.0}


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
    effort = rng.uniform(0.3, 2.5, size=(T, net.n_arcs))
    effort[30:33, :] = 0.0  # no inspection at all for a while
    control = np.zeros((T, 2))
    control[24:, 0] = np.linspace(0.0, 1.0, T - 24)
    control[60:70, :] = 1.0  # both sources stopped: b_s falls back to σ_s
    control[70:, 1] = 0.3
    destroyed = np.zeros((T, 2))
    destroyed[18, 0] = 0.5
    destroyed[40, 1] = 1.0  # all of a region's capacity and stock
    destroyed[41:45, :] = 0.2
    flag = np.array([bool(a.get("finished_fentanyl")) for a in net.arc_attrs])
    scheduled = (months >= np.datetime64("2019-05"))[:, None] & flag[None, :]
    return Drivers(months, effort, control, destroyed, scheduled.astype(float))


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
        "supply_kg": (M, T, 2), "lab_capacity_kg": (M, T, 2), "production_kg": (M, T, 2),
        "precursor_stock_kg": (M, T, 2), "lab_seizures_kg": (M, T, 2), "lost_kg": (M, T),
        "market_pull_kg": (M, T), "mexico_seizures_kg": (M, T),
        "seizures_lb_ports_of_entry": (M, T), "seizures_lb_between_ports": (M, T),
        "crossing_flow_kg": (M, T, len(net.nodes_of_kind("crossing"))),
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
    np.testing.assert_allclose(
        out["mexico_seizures_kg"],
        z[:, :, mexican].sum(axis=2) + out["lab_seizures_kg"].sum(axis=2),
        rtol=1e-12,
    )
    year = 2016 + (np.arange(drivers.n_months) + 0.5) / 12  # months start 2016-01
    for i in range(4):
        p = {k: v[i] for k, v in params.items()}
        pill = np.interp(year, [2018.5, 2023.5], [p["pill_share_2018"], p["pill_share_2023"]])
        powder = np.interp(
            year, [2018.5, 2022.5], [p["powder_purity_2018"], p["powder_purity_2022"]]
        )
        g_land = pill / (p["pill_fentanyl_mg"] / p["pill_weight_mg"]) + (1 - pill) / powder
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
    swapped = Drivers(
        drivers.months, drivers.effort, drivers.control, drivers.destroyed[:, ::-1],
        drivers.scheduled,
    )
    again = simulate_reference(shuffled, swapped, params, members=[1])
    np.testing.assert_allclose(again["flow_kg"], out["flow_kg"][[1]], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(
        again["delivered_kg"], out["delivered_kg"][[1]][:, :, ::-1], rtol=1e-12
    )
    np.testing.assert_allclose(
        again["lab_capacity_kg"], out["lab_capacity_kg"][[1]][:, :, ::-1], rtol=1e-12
    )


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
    effort = np.ones((T, 5))
    effort[:, 1] = 2.5  # more inspection on lab -> x1: perceived risk learns upward
    scheduled = np.zeros((T, 5))
    scheduled[6:, 2] = 1.0  # cost Δ added on lab -> x2 from month 6
    drivers = drivers_for(net, months, effort=effort, scheduled=scheduled)
    p = {"logit_scale_usd_per_kg": 2000.0, "value_at_risk_usd_per_kg": 40_000.0,
         "detection_scale": 1.3, "risk_learning_months": 4.0,
         "china_scheduling_cost_usd_per_kg": 3000.0}
    out = simulate_reference(net, drivers, one_member(**p))

    theta, v, kappa = 2000.0, 40_000.0, 1.3
    d0 = np.minimum(1.0, kappa * net.detection)
    d = 1 - (1 - d0) ** effort[0]
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
    out = simulate_reference(net, drivers, one_member(**FLAT_PULL))
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
    T, t0, k = len(months), 10, 0.7
    destroyed = np.zeros((T, 2))
    destroyed[t0, 0] = k
    drivers = drivers_for(net, months, destroyed=destroyed)
    p = {**FLAT_PULL, "market_pull_kg_per_month": 500.0, "lab_headroom": 0.25,
         "lab_rebuild_months": 3.0, "logit_scale_usd_per_kg": 1500.0,
         "value_at_risk_usd_per_kg": 20_000.0, "detection_scale": 1.0}
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

    K = out["lab_capacity_kg"][0]
    # Initial capacity rule: K(0) = K*, and it stays there until the destruction.
    np.testing.assert_allclose(K[:t0], np.broadcast_to(K_star, (t0, 2)), rtol=1e-12)
    n = np.arange(T - t0)
    expected = K_star[0] + (K_star[0] * (1 - k) - K_star[0]) * np.exp(-n / 3.0)
    np.testing.assert_allclose(K[t0:, 0], expected, rtol=1e-12)
    np.testing.assert_allclose(K[:, 1], K_star[1], rtol=1e-12)
    # Takedowns seize the share k of the stock held at the start of month t0.
    stock = out["precursor_stock_kg"][0]
    assert out["lab_seizures_kg"][0, t0, 0] == pytest.approx(stock[t0 - 1, 0] * k, rel=1e-12)
    assert out["lab_seizures_kg"][0, t0, 1] == 0.0
    assert mass_balance_residual(out).max() < 1e-9


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


SUBSTITUTION = {**FLAT_PULL, "market_pull_kg_per_month": 400.0, "synthesis_yield": 0.6,
                "substitution_share": 0.7, "substitution_months": 6.0,
                "detection_scale": 1.0}


def ordered_supply(shares: np.ndarray) -> float:
    # X = D / Σ σ_s R_s with R_s = (1 − d0_s,lab) y (1 − d0_lab,x)(1 − d0_x,m).
    R = np.array([1 - 0.03, 1 - 0.06]) * 0.6 * (1 - 0.05) * (1 - 0.02)
    return 400.0 / float(shares @ R)


def test_substitution_after_one_source_is_stopped() -> None:
    net = chain_net((3.0, 2.0))
    months = model_months()[:48]
    T, t0 = len(months), 12
    control = np.zeros((T, 2))
    control[t0:, 0] = 1.0
    out = simulate_reference(net, drivers_for(net, months, control=control),
                             one_member(**SUBSTITUTION))
    sigma = np.array([0.6, 0.4])
    X = ordered_supply(sigma)
    x = out["supply_kg"][0]
    np.testing.assert_allclose(x[:t0], np.broadcast_to(X * sigma, (t0, 2)), rtol=1e-12)
    n = np.arange(T - t0)
    Z = 0.7 * sigma[0] * (1 - np.exp(-n / 6.0))  # Z(t0 + n), B = σ_1
    assert np.all(x[t0:, 0] == 0.0)
    np.testing.assert_allclose(x[t0:, 1], X * (sigma[1] + Z), rtol=1e-12)
    assert mass_balance_residual(out).max() < 1e-9


def test_substitution_falls_back_to_supply_shares_and_is_capped_by_B() -> None:
    net = chain_net((1.0, 3.0))
    months = model_months()[:60]
    T, t0, t1 = len(months), 5, 30
    control = np.zeros((T, 2))
    control[t0:t1, :] = 1.0  # everything stopped: B = 1, b_s = σ_s
    control[t1:, 0] = 0.1  # mostly reopened: B = 0.025 < Z, so Z_eff = B
    out = simulate_reference(net, drivers_for(net, months, control=control),
                             one_member(**SUBSTITUTION))
    sigma = np.array([0.25, 0.75])
    X = ordered_supply(sigma)
    x = out["supply_kg"][0]
    n = np.arange(t1 - t0)
    Z = 0.7 * (1 - np.exp(-n / 6.0))
    np.testing.assert_allclose(x[t0:t1], X * Z[:, None] * sigma[None, :], rtol=1e-12)
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
    expected = X * (open_share[None, :] + Z_eff[:, None] * b[None, :])
    np.testing.assert_allclose(x[t1:], expected, rtol=1e-12)
    capped = Z_after > B
    np.testing.assert_allclose(x[t1:][capped].sum(axis=1), X, rtol=1e-12)


def test_market_pull_is_the_takeoff_curve() -> None:
    net = chain_net((1.0, 1.0))
    months = model_months()
    p = {"market_pull_kg_per_month": 600.0, "takeoff_midpoint_year": 2017.0,
         "takeoff_width_years": 1.5}
    out = simulate_reference(net, drivers_for(net, months), one_member(**p))
    year = 2010 + (np.arange(len(months)) + 0.5) / 12
    np.testing.assert_allclose(
        out["market_pull_kg"][0], 600.0 / (1 + np.exp(-(year - 2017.0) / 1.5)), rtol=1e-12
    )


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
    months = model_months()
    T = len(months)
    drivers = Drivers(
        months=months,
        effort=np.ones((T, net.n_arcs)),
        control=np.zeros((T, len(net.nodes_of_kind("precursor_source")))),
        destroyed=np.zeros((T, len(net.nodes_of_kind("lab_region")))),
        scheduled=np.zeros((T, net.n_arcs)),
    )
    start = time.perf_counter()
    out = simulate_reference(net, drivers, sample(2, seed=1))
    assert time.perf_counter() - start < 8.0
    assert mass_balance_residual(out).max() < 1e-9
    assert np.all(out["delivered_kg"] >= 0.0)
