"""The batched engine: every member of an ensemble stepped at once.

Arrays carry the member as their leading axis. One month is a handful of passes over
the network's nodes in topological order (``docs/model.md`` gives the equations and
their step numbers); each pass is O(arcs) array operations over members, so the cost
per member-month falls as the ensemble grows. No path is ever enumerated.

The engine is pure: it reads a compiled network, the scenario's drivers and the
members' parameters, and returns arrays. It shares no step function with
:mod:`borderflow.reference`, the plain-Python implementation it is tested against.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from borderflow.model import market, migration, population
from borderflow.model.drivers import (
    CLOSED_ARC_COST_USD_PER_KG,
    COST_ITEMS,
    HISTORY_EVENTS,
    Drivers,
    decimal_year,
)
from borderflow.model.migration import ORIGINS
from borderflow.model.population import STATES
from borderflow.network import CompiledNetwork

KG_TO_LB = 2.20462262
TRADE_USD_PER_YEAR = 798.8e9  # US-Mexico goods trade, 2023 (US Census via context_facts)
LAB_SIZE_FLOOR_KG = 1e-6  # kg/month added to lab size variables so ln(size) is finite

MEXICO_KINDS = ("port", "lab_region", "staging")

#: Output arrays and their dimensions after ``member, month``.
OUTPUT_DIMS: dict[str, tuple[str, ...]] = {
    "delivered_kg": ("market",),
    "flow_kg": ("arc",),
    "seizures_kg": ("arc",),
    "supply_kg": ("source",),
    "lab_capacity_kg": ("lab",),
    "lab_target_kg": ("lab",),
    "production_kg": ("lab",),
    "precursor_stock_kg": ("lab",),
    "lab_seizures_kg": ("lab",),
    "lost_kg": (),
    "market_pull_kg": (),
    "mexico_seizures_kg": (),
    "seizures_lb_ports_of_entry": (),
    "seizures_lb_between_ports": (),
    "crossing_flow_kg": ("crossing",),
    "overdose_deaths": (),
    "heroin_deaths": (),
    "price_usd_per_pure_gram": (),
    "population": ("state",),
    "encounters_by_origin": ("origin",),
    "encounters_at_ports": (),
    "encounters_between_ports": (),
    "bp_workload": (),
    "guns_south": (),
    "gun_homicides_mexico": (),
    "cooperation": (),
    "trade_cost_usd": (),
    "policy_cost_usd": (),
    "fentanyl_share": (),
    "exposure": (),
}

#: Outputs with an ``arc`` dimension, recorded only when ``arc_detail`` is true.
ARC_OUTPUTS = ("flow_kg", "seizures_kg")


@dataclass(frozen=True)
class _Level:
    """Nodes handled together in one vectorised step of a pass.

    Neighbourhoods are padded to rectangles so that sums and minima run along a
    trailing axis: ``out_arcs`` (senders × max out-degree) lists the active arcs
    leaving each sender, padded with the dummy arc index ``n_arcs``; ``out_heads``
    their heads, padded with the dummy node ``n_nodes``; ``in_arcs`` (receivers × max
    in-degree) the arcs entering each receiver, padded with ``n_arcs``. ``arcs`` and
    ``tails`` list the real arcs leaving the senders, flat.
    """

    senders: np.ndarray
    out_arcs: np.ndarray
    out_heads: np.ndarray
    arcs: np.ndarray
    tails: np.ndarray
    receivers: np.ndarray
    in_arcs: np.ndarray


@dataclass(frozen=True)
class _Layout:
    """Index arrays derived once from the compiled network."""

    sources: np.ndarray
    labs: np.ndarray
    markets: np.ndarray
    lab_pos: np.ndarray  # per node: position among labs, or -1
    source_share: np.ndarray  # per source, sums to 1
    lab_share: np.ndarray  # per lab, sums to 1
    log_size_fixed: np.ndarray  # per node: ln(size) for non-lab nodes, 0 for labs
    into_lab: np.ndarray  # arcs whose head is a lab region
    into_lab_col: np.ndarray  # for those arcs: the head's position among labs
    backward: tuple[_Level, ...]  # by height above the markets, lowest first
    forward: tuple[_Level, ...]  # by depth below the sources, shallowest first
    mexico_arc: np.ndarray  # per arc: bool
    poe_arc: np.ndarray  # per arc: bool, land port of entry
    mail_arc: np.ndarray  # per arc: bool, international mail
    between_arc: np.ndarray  # per arc: bool
    between_cols: np.ndarray  # indices of the arcs into between-ports crossings
    poe_cols: np.ndarray  # indices of the arcs into port-of-entry crossings
    crossing_in: np.ndarray  # (crossings, max in-degree): arcs entering, padded with n_arcs


def _padded(groups: list[np.ndarray], pad: int) -> np.ndarray:
    width = max((len(g) for g in groups), default=0)
    out = np.full((len(groups), max(width, 1)), pad, dtype=np.int64)
    for i, g in enumerate(groups):
        out[i, : len(g)] = g
    return out


def _level(net: CompiledNetwork, senders: list[int], receivers: list[int],
           active: np.ndarray) -> _Level:
    groups = [np.arange(net.out_ptr[n], net.out_ptr[n + 1]) for n in senders]
    groups = [g[active[g]] for g in groups]
    arcs = np.concatenate(groups) if groups else np.zeros(0, dtype=np.int64)
    out_arcs = _padded(groups, net.n_arcs)
    heads = np.append(net.arc_head, net.n_nodes)[out_arcs]
    ins = [net.in_arcs[net.in_ptr[n]:net.in_ptr[n + 1]] for n in receivers]
    return _Level(
        senders=np.array(senders, dtype=np.int64),
        out_arcs=out_arcs,
        out_heads=heads,
        arcs=arcs,
        tails=net.arc_tail[arcs],
        receivers=np.array(receivers, dtype=np.int64),
        in_arcs=_padded(ins, net.n_arcs),
    )


def _schedule(net: CompiledNetwork, is_market: np.ndarray) -> tuple[tuple[_Level, ...], ...]:
    """Group nodes into levels: by height for the backward pass, depth for the forward.

    Arcs out of markets are inactive (markets absorb). Every node of a level depends
    only on nodes of earlier levels, so a level is one set of array operations.
    """
    active = ~is_market[net.arc_tail]
    height = np.zeros(net.n_nodes, dtype=np.int64)
    for n in range(net.n_nodes - 1, -1, -1):
        arcs = np.arange(net.out_ptr[n], net.out_ptr[n + 1])
        arcs = arcs[active[arcs]]
        if len(arcs):
            height[n] = 1 + height[net.arc_head[arcs]].max()
    depth = np.zeros(net.n_nodes, dtype=np.int64)
    for n in range(net.n_nodes):
        ins = net.in_arcs[net.in_ptr[n]:net.in_ptr[n + 1]]
        if len(ins):
            depth[n] = 1 + depth[net.arc_tail[ins]].max()
    backward = tuple(
        _level(net, [int(n) for n in np.flatnonzero(height == h)], [], active)
        for h in range(1, int(height.max()) + 1)
    )
    forward = tuple(
        _level(
            net,
            [int(n) for n in np.flatnonzero(depth == d) if height[n] > 0],
            [int(n) for n in np.flatnonzero(depth == d)] if d > 0 else [],
            active,
        )
        for d in range(int(depth.max()) + 1)
    )
    return backward, forward


def _layout(net: CompiledNetwork) -> _Layout:
    kinds = np.array(net.node_kind)
    sources = net.nodes_of_kind("precursor_source")
    labs = net.nodes_of_kind("lab_region")
    markets = net.nodes_of_kind("market")
    lab_pos = np.full(net.n_nodes, -1)
    lab_pos[labs] = np.arange(len(labs))
    log_size = np.zeros(net.n_nodes)
    log_size[markets] = np.log(net.shares(markets, "demand_share"))
    backward, forward = _schedule(net, kinds == "market")
    head_kind = kinds[net.arc_head]
    head_ct = np.array([net.crossing_type[h] or "" for h in net.arc_head])
    return _Layout(
        sources=sources,
        labs=labs,
        markets=markets,
        lab_pos=lab_pos,
        source_share=net.shares(sources, "supply_share"),
        lab_share=net.shares(labs, "capacity_share"),
        log_size_fixed=log_size,
        into_lab=np.flatnonzero(lab_pos[net.arc_head] >= 0),
        into_lab_col=lab_pos[net.arc_head][lab_pos[net.arc_head] >= 0],
        backward=backward,
        forward=forward,
        mexico_arc=np.isin(head_kind, MEXICO_KINDS),
        poe_arc=(head_kind == "crossing") & (head_ct == "port_of_entry"),
        mail_arc=(head_kind == "crossing") & (head_ct == "international_mail"),
        between_arc=(head_kind == "crossing") & (head_ct == "between_ports"),
        between_cols=np.flatnonzero((head_kind == "crossing") & (head_ct == "between_ports")),
        poe_cols=np.flatnonzero((head_kind == "crossing") & (head_ct == "port_of_entry")),
        crossing_in=_padded(
            [net.in_arcs[net.in_ptr[c]:net.in_ptr[c + 1]] for c in net.nodes_of_kind("crossing")],
            net.n_arcs,
        ),
    )


def _ramp(year: np.ndarray, y0: float, y1: float, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Linear from ``a`` at ``y0`` to ``b`` at ``y1``, flat outside; shape (M, T)."""
    w = np.clip((year - y0) / (y1 - y0), 0.0, 1.0)
    return a[:, None] + (b - a)[:, None] * w[None, :]


def _gross_per_pure(params: Mapping[str, np.ndarray], year: np.ndarray) -> np.ndarray:
    """Gross kg per pure kg of fentanyl crossing by land, shape (M, T) (mechanism 6)."""
    pill_share = _ramp(year, 2018.5, 2023.5, params["pill_share_2018"], params["pill_share_2023"])
    powder = _ramp(year, 2018.5, 2022.5, params["powder_purity_2018"], params["powder_purity_2022"])
    pill_purity = (params["pill_fentanyl_mg"] / params["pill_weight_mg"])[:, None]
    return pill_share / pill_purity + (1.0 - pill_share) / powder


def _logit_pass(
    lay: _Layout,
    fixed: np.ndarray,
    risk: np.ndarray,
    log_lab_size: np.ndarray,
    value: np.ndarray,
    keep: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass and perceived survival (docs/model.md steps 3-4), in units of θ.

    Costs are divided by each member's logit scale θ once, so the log-sum-exp needs no
    scaling inside the loop: ``u/θ = c/θ + (v/θ) r̂ + V/θ − ln A``.

    Args:
        lay: index arrays of the network.
        fixed: ``(c_a − θ ln A_head)/θ`` for non-lab heads, per arc, (M, arcs).
        risk: perceived seizure probability per arc, (M, arcs).
        log_lab_size: ``ln A`` of each lab region (its share of capacity), (M, labs).
        value: value at risk over the logit scale, ``v/θ`` per member, (M,).
        keep: fraction of a kg on the arc that is still product at its head
            (the yield ``y`` into labs, else 1), (M, arcs).

    Returns ``(V/θ, P, R)``: expected cost-to-go per node in units of θ (M, nodes),
    arc choice probabilities (M, arcs) and perceived survival per node (M, nodes).

    """
    m, n_nodes = fixed.shape[0], len(lay.lab_pos)
    n_arcs = fixed.shape[1]
    # generalised cost of each arc without the head's cost-to-go; the last column is
    # the dummy arc of the padded neighbourhoods (never chosen)
    base = np.empty((m, n_arcs + 1))
    np.multiply(value[:, None], risk, out=base[:, :n_arcs])
    base[:, :n_arcs] += fixed
    base[:, n_arcs] = np.inf
    base[:, lay.into_lab] -= log_lab_size[:, lay.into_lab_col]
    survive = np.zeros((m, n_arcs + 1))
    np.multiply(1.0 - risk, keep, out=survive[:, :n_arcs])
    V = np.zeros((m, n_nodes + 1))
    R = np.ones((m, n_nodes + 1))
    R[:, n_nodes] = 0.0
    P = np.zeros((m, n_arcs + 1))
    for lv in lay.backward:
        e = base[:, lv.out_arcs]
        e += V[:, lv.out_heads]
        umin = e.min(axis=2)
        np.subtract(umin[:, :, None], e, out=e)
        np.exp(e, out=e)
        tot = e.sum(axis=2)
        V[:, lv.senders] = umin - np.log(tot)
        e /= tot[:, :, None]
        P[:, lv.out_arcs] = e
        e *= survive[:, lv.out_arcs]
        e *= R[:, lv.out_heads]
        R[:, lv.senders] = e.sum(axis=2)
    return V[:, :n_nodes], P[:, :n_arcs], R[:, :n_nodes]


def _targets(
    lay: _Layout, V: np.ndarray, R: np.ndarray, pull: np.ndarray, headroom: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Lab capacity targets (M, labs) and total supply ordered (M,) (steps 5-6).

    ``V`` is the cost-to-go in units of θ, as :func:`_logit_pass` returns it.
    """
    v_lab = V[:, lay.labs]
    z = v_lab.min(axis=1, keepdims=True) - v_lab
    w = lay.lab_share * np.exp(z)
    w /= w.sum(axis=1, keepdims=True)
    need = pull / (w * R[:, lay.labs]).sum(axis=1)
    k_star = (1.0 + headroom)[:, None] * w * need[:, None]
    supply = pull / (R[:, lay.sources] * lay.source_share).sum(axis=1)
    return k_star, supply


def run(
    net: CompiledNetwork,
    drivers: Drivers,
    params: Mapping[str, np.ndarray],
    arc_detail: bool = True,
    market_response: bool = True,
) -> dict[str, np.ndarray]:
    """Step every member through every month (docs/model.md and docs/model-system.md).

    Args:
        net: the compiled network.
        drivers: the scenario's exogenous time series (T months).
        params: per-member parameter arrays, shape (M,) each (``model.parameters``).
        arc_detail: also return the per-arc ``flow_kg`` and ``seizures_kg`` (memory
            M × T × arcs each); crossing-level flows are always returned.
        market_response: a diagnostic switch. When false, the market pull ignores the
            population and the price (users held at their January 2010 number), so that
            nothing on the demand side can reach the supply chain.

    Returns:
        Arrays of shape (M, T, …) named as in :data:`OUTPUT_DIMS`; flows in pure
        fentanyl-equivalent kg/month, CBP seizures in gross lb/month, people in
        persons, money in USD/month.

    """
    lay = _layout(net)
    p = {k: np.asarray(v, dtype=float) for k, v in params.items()}
    m = len(p["synthesis_yield"])
    t_n = drivers.n_months
    n_arcs, n_labs = net.n_arcs, len(lay.labs)
    year = decimal_year(drivers.months)

    theta = p["logit_scale_usd_per_kg"]
    value_per_theta = p["value_at_risk_usd_per_kg"] / theta
    yld, headroom = p["synthesis_yield"], p["lab_headroom"]
    d0 = np.minimum(1.0, p["detection_scale"][:, None] * drivers.detection[0][None, :])
    log_escape = None
    learn = (1.0 - np.exp(-1.0 / p["risk_learning_months"]))[:, None]
    catch_up = np.exp(-1.0 / p["substitution_months"])
    holding = (p["precursor_holding_months"] / yld)[:, None]
    gross = _gross_per_pure(p, year)
    mail_gross = 1.0 / p["mail_purity"]
    purity = _ramp(year, 2018.5, 2022.5, p["powder_purity_2018"], p["powder_purity_2022"])
    potency = purity / p["powder_purity_2022"][:, None]
    c0 = p["cooperation_baseline"]
    covid = HISTORY_EVENTS.index("covid")
    sizes = {"market": len(lay.markets), "arc": n_arcs, "source": len(lay.sources),
             "lab": n_labs, "crossing": len(lay.crossing_in), "state": len(STATES),
             "origin": len(ORIGINS)}
    names = [n for n in OUTPUT_DIMS if arc_detail or n not in ARC_OUTPUTS]

    # time-major while stepping (each month writes one contiguous block)
    out = {name: np.zeros((t_n, m, *(sizes[d] for d in dims)))
           for name, dims in OUTPUT_DIMS.items() if name in names}
    # per-month work arrays, reused; the last column is the padding's dummy arc
    flow_pad, arriving = np.zeros((m, n_arcs + 1)), np.zeros((m, n_arcs + 1))
    flow, seized = flow_pad[:, :n_arcs], np.zeros((m, n_arcs))

    risk = d0.copy()
    stock = np.zeros((m, n_labs))
    waiting = np.zeros((m, len(ORIGINS)))  # deferred would-be migrants (persons)
    subst = np.zeros(m)
    share = p["fentanyl_share_2010"].copy()
    coop = c0.copy()
    pop = population.initial(
        p, p["treatment_capacity_scale"] * market.knots(year[0], market.TREATMENT_CAPACITY_KNOTS)
    )
    users_2010 = pop.O + p["misuse_use_weight"] * pop.M
    capacity = kappa = kappa_ref = fixed = last_chi = through = log_through = None
    keep = np.where(lay.lab_pos[net.arc_head] >= 0, yld[:, None], 1.0)
    for t in range(t_n):
        hist = drivers.history[t]
        chi = coop / c0  # M1: Mexican-side efficacy relative to baseline cooperation

        # M2 migration and Border Patrol workload
        by_origin, waiting = migration.encounters(
            p, year[t], hist, drivers.asylum_regime[t], drivers.mx_migration[t], chi, waiting
        )
        total = by_origin.sum(axis=1)
        at_ports = migration.ports_share(p, hist) * total
        between = total - at_ports
        workload = migration.workload(between, p, drivers.processing_staff[t])
        e_between, e_ports = migration.effort_factors(workload, p)

        # M3 detection: US effort x Mexican effort (scaled by cooperation) x workload.
        # The first two change only with the drivers and cooperation: recompute them then;
        # the workload factors touch only the arcs into crossings.
        if t == 0 or not np.array_equal(drivers.detection[t], drivers.detection[t - 1]):
            nominal = np.minimum(1.0, p["detection_scale"][:, None] * drivers.detection[t])
            log_escape = np.log1p(-np.minimum(nominal, 1.0 - 1e-15))  # ln(1 − d0), finite
            last_chi = None
        if (last_chi is None or not np.array_equal(chi, last_chi)
                or not np.array_equal(drivers.effort[t], drivers.effort[t - 1])
                or not np.array_equal(drivers.effort_mx[t], drivers.effort_mx[t - 1])):
            effort = np.maximum(
                0.0, drivers.effort[t] * (1.0 + (drivers.effort_mx[t] - 1.0) * chi[:, None])
            )
            log_through = effort * log_escape  # ln(1 - d) before the workload factors
            through = np.exp(log_through)
            last_chi = chi
        through[:, lay.between_cols] = np.exp(log_through[:, lay.between_cols]
                                              * e_between[:, None])
        through[:, lay.poe_cols] = np.exp(log_through[:, lay.poe_cols] * e_ports[:, None])
        passing = through
        shut = np.flatnonzero(drivers.closed[t])
        if len(shut):  # nothing gets through a closed arc
            passing = through.copy()
            passing[:, shut] = 0.0
        detect = 1.0 - passing
        if (t == 0 or not np.array_equal(drivers.scheduled[t], drivers.scheduled[t - 1])
                or not np.array_equal(drivers.closed[t], drivers.closed[t - 1])):
            cost = (net.cost_usd_per_kg + CLOSED_ARC_COST_USD_PER_KG * drivers.closed[t]
                    + np.outer(p["china_scheduling_cost_usd_per_kg"], drivers.scheduled[t]))
            fixed = cost / theta[:, None] - lay.log_size_fixed[net.arc_head]

        # M4 guns south
        guns_left = 1.0 - drivers.gun_inspection[t]
        out["guns_south"][t] = p["guns_south_per_year"] / 12.0 * guns_left
        out["gun_homicides_mexico"][t] = p["homicides_per_gun"] * out["guns_south"][t]
        rebuild = np.exp(-guns_left ** p["resilience_gun_elasticity"]
                         / p["lab_rebuild_months"])[:, None]

        users = pop.O + p["misuse_use_weight"] * pop.M
        if capacity is None:  # initial capacity: targets with equal lab sizes
            equal = np.full((m, n_labs), -np.log(n_labs))
            V, _, R = _logit_pass(lay, fixed, risk, equal, value_per_theta, keep)
            price0 = p["retail_price_usd_per_pure_gram"]
            capacity, _ = _targets(lay, V, R, market.demand_kg(users, share, price0, p),
                                   headroom)

        # M5 destruction: Mexican takedowns scale with cooperation, strikes do not
        k = 1.0 - (1.0 - np.minimum(1.0, drivers.takedown[t] * chi[:, None])) * (
            1.0 - drivers.strike[t]
        )
        avail = capacity * (1.0 - k)
        out["lab_seizures_kg"][t] = stock * k
        stock_left = stock * (1.0 - k)

        # M6 route choice, perceived survival, import cost, price, demand, targets
        size = avail + LAB_SIZE_FLOOR_KG
        V, P, R = _logit_pass(
            lay, fixed, risk, np.log(size / size.sum(axis=1, keepdims=True)), value_per_theta,
            keep,
        )
        price = (p["retail_price_usd_per_pure_gram"] if kappa_ref is None
                 else market.retail_price(kappa, kappa_ref, p))
        pull = (market.demand_kg(users, share, price, p) if market_response
                else market.demand_kg(users_2010, share, p["retail_price_usd_per_pure_gram"], p))
        k_star, supply_total = _targets(lay, V, R, pull, headroom)

        # supply with substitution
        ctrl = drivers.control[t]
        blocked = float(lay.source_share @ ctrl)
        open_w = lay.source_share * (1.0 - ctrl)
        sub_w = open_w / open_w.sum() if open_w.sum() > 0 else lay.source_share
        z_eff = np.minimum(subst, blocked)
        x = supply_total[:, None] * (open_w[None, :] + z_eff[:, None] * sub_w[None, :])
        out["supply_kg"][t] = x

        # forward pass, level by level
        send = np.zeros((m, net.n_nodes))
        send[:, lay.sources] = x
        lost = out["lost_kg"][t]
        for lv in lay.forward:
            if len(lv.receivers):
                send[:, lv.receivers] = arriving[:, lv.in_arcs].sum(axis=2)
            cols = lay.lab_pos[lv.senders]
            cols = cols[cols >= 0]
            if len(cols):
                have = stock_left[:, cols] + send[:, lay.labs[cols]]
                used = np.minimum(have, avail[:, cols] / yld[:, None])
                left = have - used
                stock[:, cols] = np.minimum(left, holding * avail[:, cols])
                lost += ((1.0 - yld)[:, None] * used + left - stock[:, cols]).sum(axis=1)
                send[:, lay.labs[cols]] = yld[:, None] * used
            f = send[:, lv.tails] * P[:, lv.arcs]
            flow[:, lv.arcs] = f
            arriving[:, lv.arcs] = f * passing[:, lv.arcs]
        np.multiply(flow, detect, out=seized)
        delivered = send[:, lay.markets]
        kappa = market.import_cost(flow, seized, cost, p["value_at_risk_usd_per_kg"],
                                   delivered.sum(axis=1))
        if kappa_ref is None:
            kappa_ref = kappa

        # M7 exposure and fatal hazards; M8 population
        exposed = market.exposure(delivered.sum(axis=1), users, p)
        kits = market.knots(year[t], market.NALOXONE_KITS_KNOTS) + drivers.naloxone_kits[t]
        survive_od = np.exp(-kits / p["naloxone_half_kits"])  # 1 − share averted
        common = (1.0 + p["covid_hazard_increase"] * hist[covid]) * survive_od
        phi_f = p["fentanyl_death_rate_per_year"] * exposed * potency[:, t] * common
        phi_h = p["heroin_death_rate_per_year"] * (1.0 - exposed) * common
        slots = (p["treatment_capacity_scale"]
                 * market.knots(year[t], market.TREATMENT_CAPACITY_KNOTS)
                 + drivers.treatment_slots[t])
        pop, deaths_f, deaths_h = population.step(pop, p, phi_f, phi_h, slots,
                                                  drivers.prevention[t])

        # M11 costs (cooperation at the start of the month)
        out["trade_cost_usd"][t] = TRADE_USD_PER_YEAR / 12.0 * p["trade_loss_share"] * (
            np.maximum(0.0, 1.0 - chi)
        )
        out["policy_cost_usd"][t] = sum(
            p[f"cost_{item}"] * drivers.activity[t, i] / 12.0
            for i, item in enumerate(COST_ITEMS) if drivers.activity[t, i] != 0
        ) + np.zeros(m)

        # record
        out["production_kg"][t] = send[:, lay.labs]
        out["crossing_flow_kg"][t] = flow_pad[:, lay.crossing_in].sum(axis=2)
        if arc_detail:
            out["flow_kg"][t] = flow
            out["seizures_kg"][t] = seized
        out["delivered_kg"][t] = delivered
        out["market_pull_kg"][t] = pull
        out["lab_capacity_kg"][t] = avail
        out["lab_target_kg"][t] = k_star
        out["precursor_stock_kg"][t] = stock
        out["mexico_seizures_kg"][t] = (
            seized[:, lay.mexico_arc].sum(axis=1) + out["lab_seizures_kg"][t].sum(axis=1)
        )
        out["seizures_lb_ports_of_entry"][t] = KG_TO_LB * (
            seized[:, lay.poe_arc].sum(axis=1) * gross[:, t]
            + seized[:, lay.mail_arc].sum(axis=1) * mail_gross
        )
        out["seizures_lb_between_ports"][t] = (
            KG_TO_LB * seized[:, lay.between_arc].sum(axis=1) * gross[:, t]
        )
        out["overdose_deaths"][t] = deaths_f
        out["heroin_deaths"][t] = deaths_h
        out["price_usd_per_pure_gram"][t] = price
        out["population"][t] = pop.stack()
        out["encounters_by_origin"][t] = by_origin
        out["encounters_at_ports"][t] = at_ports
        out["encounters_between_ports"][t] = between
        out["bp_workload"][t] = workload
        out["cooperation"][t] = coop
        out["fentanyl_share"][t] = share
        out["exposure"][t] = exposed

        # M9 diffusion, M10 cooperation; learning, rebuilding, substitution
        share = market.diffuse(share, kappa, kappa_ref, p)
        target = c0 + (1.0 - c0) * p["engagement_gain"] * drivers.engagement[t]
        strike = float(lay.lab_share @ drivers.strike[t])
        coop = np.clip(target + (coop - target) * np.exp(-1.0 / p["cooperation_recovery_months"])
                       - p["strike_cooperation_drop"] * strike, 0.0, 1.0)
        risk += learn * (detect - risk)
        capacity = k_star + (avail - k_star) * rebuild
        target_subst = blocked * p["substitution_share"]
        subst = target_subst + (subst - target_subst) * catch_up
    return {name: np.moveaxis(arr, 0, 1) for name, arr in out.items()}


def run_chunked(
    net: CompiledNetwork,
    drivers: Drivers,
    params: Mapping[str, np.ndarray],
    arc_detail: bool = True,
    workers: int | None = None,
) -> dict[str, np.ndarray]:
    """:func:`run` over member chunks, on a thread per core; same numbers as one call.

    Members are independent, so the ensemble is cut into chunks stepped on ``workers``
    threads (default: one per core; numpy releases the GIL inside its loops). One
    thread runs cache-sized chunks of 400 members; several threads run larger ones
    (up to 2,500 members) so that they contend less for the GIL (measured in
    ``benchmarks/engine.py``). Each member's numbers are identical whatever the
    chunking.
    """
    n = len(next(iter(params.values())))
    workers = workers or os.cpu_count() or 1
    size = 400 if workers == 1 else max(1, min(2500, math.ceil(n / workers)))
    starts = range(0, n, size)

    def one(i: int) -> dict[str, np.ndarray]:
        chunk = {k: np.asarray(v)[i:i + size] for k, v in params.items()}
        return run(net, drivers, chunk, arc_detail=arc_detail)

    if workers == 1 or len(starts) == 1:
        parts = [one(i) for i in starts]
    else:
        with ThreadPoolExecutor(min(workers, len(starts))) as pool:
            parts = list(pool.map(one, starts))
    if len(parts) == 1:
        return parts[0]
    return {k: np.concatenate([part[k] for part in parts]) for k in parts[0]}
