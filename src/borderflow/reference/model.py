"""Plain-Python reference implementation of the supply-side model (``docs/model.md``).

Written from the specification alone, sharing no step function with the batched engine
(``borderflow.model.engine``): loops over members, months, nodes and arcs with Python
floats and :mod:`math`. It builds its own adjacency lists and its own topological order
(Kahn's algorithm over the arc list) from the network's data, so that a mistake in one
implementation cannot hide in both. numpy appears only at the boundary: inputs are
converted to lists at entry and the outputs are stacked into arrays at the end.

Step numbers in the comments (``step 1`` … ``step 11``) are those of the section
"One month t" of ``docs/model.md``.

Units: flows are pure fentanyl-equivalent kg per month, money USD per pure kg, CBP
seizures gross pounds per month.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

# Node kinds and crossing types named by the specification.
SOURCE = "precursor_source"
LAB = "lab_region"
MARKET = "market"
CROSSING = "crossing"
MEXICAN_HEADS = frozenset({"port", LAB, "staging"})
AT_PORTS = frozenset({"port_of_entry", "international_mail"})
BETWEEN_PORTS = frozenset({"between_ports"})
MAIL = "international_mail"

LB_PER_KG = 2.20462262
SIZE_EPSILON = 1e-6  # step 2: added to lab capacity in the size variable A_l, kg/month

# Parameters the supply-side model reads (docs/model.md table), by symbol.
PARAMETER_NAMES = (
    "market_pull_kg_per_month",
    "takeoff_midpoint_year",
    "takeoff_width_years",
    "logit_scale_usd_per_kg",
    "value_at_risk_usd_per_kg",
    "risk_learning_months",
    "detection_scale",
    "synthesis_yield",
    "lab_rebuild_months",
    "lab_headroom",
    "precursor_holding_months",
    "substitution_share",
    "substitution_months",
    "china_scheduling_cost_usd_per_kg",
    "powder_purity_2018",
    "powder_purity_2022",
    "pill_fentanyl_mg",
    "pill_weight_mg",
    "pill_share_2018",
    "pill_share_2023",
    "mail_purity",
)

OUTPUT_NAMES = (
    "delivered_kg",
    "flow_kg",
    "seizures_kg",
    "supply_kg",
    "lab_capacity_kg",
    "production_kg",
    "precursor_stock_kg",
    "lab_seizures_kg",
    "lost_kg",
    "market_pull_kg",
    "mexico_seizures_kg",
    "seizures_lb_ports_of_entry",
    "seizures_lb_between_ports",
    "crossing_flow_kg",
)


# --------------------------------------------------------------------------------------
# Network data, in plain Python
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Net:
    """The network as plain Python data, with this module's own adjacency and order."""

    kind: dict[str, str]
    crossing_type: dict[str, str | None]
    order: list[str]  # own topological order (Kahn)
    tail: list[str]  # per arc, CompiledNetwork arc order
    head: list[str]
    out_arcs: dict[str, list[int]]
    cost: list[float]  # c_a, USD/kg
    detection: list[float]  # δ_a, probability
    finished: list[bool]  # F_a
    sources: list[str]  # order of net.nodes_of_kind("precursor_source")
    labs: list[str]
    markets: list[str]
    crossings: list[str]  # order of net.nodes_of_kind("crossing")
    sigma: dict[str, float]  # σ_s, normalised supply shares
    lab_share: dict[str, float]  # s_l, normalised capacity shares
    demand_share: dict[str, float]  # w_m, normalised demand shares


def _per_node(values: Any, ids: list[str]) -> dict[str, Any]:
    """Map node id to a per-node attribute given by id or as a sequence in ``ids`` order."""
    if isinstance(values, Mapping):
        return {n: values.get(n) for n in ids}
    values = list(values)
    if len(values) != len(ids):
        raise ValueError(f"per-node attribute has {len(values)} entries for {len(ids)} nodes")
    return dict(zip(ids, values, strict=True))


def _ids_of_kind(net: Any, kind: str, ids: list[str]) -> list[str]:
    """Node ids in the order of ``net.nodes_of_kind(kind)`` (ids or node indices)."""
    out = []
    for item in net.nodes_of_kind(kind):
        out.append(item if isinstance(item, str) else ids[int(item)])
    return out


def _shares(nodes: list[str], attrs: dict[str, Any], key: str) -> dict[str, float]:
    """Node attribute ``key`` normalised to sum 1; equal shares where absent."""
    if not nodes:
        return {}
    raw = {}
    for n in nodes:
        a = attrs.get(n) or {}
        value = a.get(key) if isinstance(a, Mapping) else None
        raw[n] = 1.0 if value is None else float(value)
    # Spec: "equal shares if absent": when no node of the kind gives the attribute,
    # every raw value is 1 and the normalisation yields 1/len(nodes).
    total = sum(raw.values())
    if not total > 0.0:
        raise ValueError(f"'{key}' of {nodes} sums to {total}, must be positive")
    return {n: raw[n] / total for n in nodes}


def _kahn_order(ids: list[str], tail: list[str], head: list[str]) -> list[str]:
    """Topological order of the nodes by Kahn's algorithm over the arc list."""
    indegree = {n: 0 for n in ids}
    children: dict[str, list[str]] = {n: [] for n in ids}
    for t, h in zip(tail, head, strict=True):
        indegree[h] += 1
        children[t].append(h)
    ready = [n for n in ids if indegree[n] == 0]
    order = []
    while ready:
        n = ready.pop(0)
        order.append(n)
        for h in children[n]:
            indegree[h] -= 1
            if indegree[h] == 0:
                ready.append(h)
    if len(order) != len(ids):
        stuck = sorted(n for n in ids if indegree[n] > 0)
        raise ValueError(f"network has a cycle through nodes {stuck}")
    return order


def _network_data(net: Any) -> _Net:
    """Take the data (not the derived arrays' logic) out of a ``CompiledNetwork``."""
    ids = [str(n) for n in net.node_ids]
    kind = {n: str(k) for n, k in _per_node(net.node_kind, ids).items()}
    ctype = _per_node(net.crossing_type, ids)
    attrs = _per_node(net.node_attrs, ids)
    tail = [str(t) for t, _ in net.arc_ids]
    head = [str(h) for _, h in net.arc_ids]
    cost = [float(c) for c in np.asarray(net.cost_usd_per_kg, dtype=float).tolist()]
    detection = [float(d) for d in np.asarray(net.detection, dtype=float).tolist()]
    arc_attrs = list(net.arc_attrs)
    finished = [bool((a or {}).get("finished_fentanyl", False)) for a in arc_attrs]
    n_arcs = len(tail)
    if not (len(cost) == len(detection) == len(finished) == n_arcs):
        raise ValueError("arc arrays of the network have different lengths")

    out_arcs: dict[str, list[int]] = {n: [] for n in ids}
    for a, t in enumerate(tail):
        out_arcs[t].append(a)
    order = _kahn_order(ids, tail, head)

    # Every non-market node must have a way to a market, else V_n = +inf (step 3) and
    # what reaches it is not accounted for (mass balance).
    reaches = {n: kind[n] == MARKET for n in ids}
    for n in reversed(order):
        if kind[n] != MARKET:
            reaches[n] = any(reaches[head[a]] for a in out_arcs[n])
    dead = [n for n in ids if not reaches[n]]
    if dead:
        raise ValueError(f"nodes {dead} have no path to a market")
    for n in ids:
        if kind[n] == CROSSING and ctype[n] not in AT_PORTS | BETWEEN_PORTS:
            raise ValueError(f"crossing '{n}' has unknown crossing_type {ctype[n]!r}")

    sources = _ids_of_kind(net, SOURCE, ids)
    labs = _ids_of_kind(net, LAB, ids)
    markets = _ids_of_kind(net, MARKET, ids)
    crossings = _ids_of_kind(net, CROSSING, ids)
    return _Net(
        kind=kind,
        crossing_type=ctype,
        order=order,
        tail=tail,
        head=head,
        out_arcs=out_arcs,
        cost=cost,
        detection=detection,
        finished=finished,
        sources=sources,
        labs=labs,
        markets=markets,
        crossings=crossings,
        sigma=_shares(sources, attrs, "supply_share"),
        lab_share=_shares(labs, attrs, "capacity_share"),
        demand_share=_shares(markets, attrs, "demand_share"),
    )


def _years(months: Any) -> list[float]:
    """Decimal year of the middle of each month, ``year + (month − 1 + 0.5) / 12``."""
    out = []
    for m in np.asarray(months).astype("datetime64[M]").astype(str).tolist():
        year, month = m.split("-")[:2]
        out.append(int(year) + (int(month) - 1 + 0.5) / 12.0)
    return out


# --------------------------------------------------------------------------------------
# Small numeric helpers (written here, not shared)
# --------------------------------------------------------------------------------------


def _log(x: float) -> float:
    """Natural log with ``log(0) = −inf``."""
    return math.log(x) if x > 0.0 else -math.inf


def _soft_min(costs: list[float], theta: float) -> float:
    """``−θ ln Σ exp(−u/θ)``, computed stably by factoring out the smallest ``u``."""
    lowest = min(costs)
    if lowest == math.inf:
        return math.inf
    total = 0.0
    for u in costs:
        total += math.exp(-(u - lowest) / theta)
    return lowest - theta * math.log(total)


def _logistic(z: float) -> float:
    """``1 / (1 + exp(−z))`` without overflow."""
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _ramp(year: float, y0: float, v0: float, y1: float, v1: float) -> float:
    """Linear from ``v0`` at ``y0`` to ``v1`` at ``y1``, flat outside."""
    if year <= y0:
        return v0
    if year >= y1:
        return v1
    return v0 + (v1 - v0) * (year - y0) / (y1 - y0)


# --------------------------------------------------------------------------------------
# Steps 2–6: size variables, backward pass, survival, allocation, targets
# --------------------------------------------------------------------------------------


@dataclass
class _Plan:
    """What the traffickers plan this month (steps 3–6)."""

    P: list[float]  # share of what leaves the tail that takes arc a
    K_target: dict[str, float]  # K*_l, kg/month of fentanyl output
    X: float  # supply ordered, kg/month fentanyl-equivalent


def _plan(
    net: _Net,
    K_avail: dict[str, float],
    r_hat: list[float],
    cost_t: list[float],
    D: float,
    theta: float,
    v: float,
    y: float,
    h: float,
) -> _Plan:
    """Run steps 2–6 of one month, given the capacity available ``K_avail`` (kg/month)."""
    # Step 2: size variables; a lab region's is its share of the available capacity.
    total_capacity = 0.0
    for lab in net.labs:
        total_capacity += K_avail[lab] + SIZE_EPSILON
    A = {}
    for n in net.order:
        if net.kind[n] == LAB:
            A[n] = (K_avail[n] + SIZE_EPSILON) / total_capacity
        elif net.kind[n] == MARKET:
            A[n] = net.demand_share[n]
        else:
            A[n] = 1.0

    # Steps 3 and 4: backward pass (reverse topological order), recursive logit and
    # perceived survival.
    P = [0.0] * len(net.tail)  # markets' outgoing arcs stay at 0: markets absorb
    V: dict[str, float] = {}
    R: dict[str, float] = {}
    for n in reversed(net.order):
        if net.kind[n] == MARKET:
            V[n] = 0.0
            R[n] = 1.0
            continue
        arcs = net.out_arcs[n]
        u = []
        for a in arcs:
            j = net.head[a]
            u.append(cost_t[a] + v * r_hat[a] + V[j] - theta * _log(A[j]))
        V[n] = _soft_min(u, theta)
        survival = 0.0
        for a, u_a in zip(arcs, u, strict=True):
            P[a] = math.exp(-(u_a - V[n]) / theta)
            j = net.head[a]
            Y_j = y if net.kind[j] == LAB else 1.0
            survival += P[a] * (1.0 - r_hat[a]) * Y_j * R[j]
        R[n] = survival

    # Step 5: lab allocation, ω_l ∝ s_l exp(−V_l/θ) (lowest V factored out).
    V_low = min(V[lab] for lab in net.labs) if net.labs else 0.0
    weight = {lab: net.lab_share[lab] * math.exp(-(V[lab] - V_low) / theta) for lab in net.labs}
    weight_total = sum(weight.values())
    omega = {lab: weight[lab] / weight_total for lab in net.labs}

    # Step 6: targets.
    lab_survival = sum(omega[lab] * R[lab] for lab in net.labs)
    Q = D / lab_survival if net.labs else 0.0
    K_target = {lab: (1.0 + h) * omega[lab] * Q for lab in net.labs}
    source_survival = sum(net.sigma[s] * R[s] for s in net.sources)
    X = D / source_survival
    return _Plan(P=P, K_target=K_target, X=X)


# --------------------------------------------------------------------------------------
# One member over all months
# --------------------------------------------------------------------------------------


def _simulate_member(
    net: _Net,
    years: list[float],
    effort: list[list[float]],
    control: list[list[float]],
    destroyed: list[list[float]],
    scheduled: list[list[float]],
    p: dict[str, float],
) -> dict[str, list]:
    """Run one member through every month; returns per-month lists of outputs."""
    D_bar = p["market_pull_kg_per_month"]
    t_half = p["takeoff_midpoint_year"]
    width = p["takeoff_width_years"]
    theta = p["logit_scale_usd_per_kg"]
    v = p["value_at_risk_usd_per_kg"]
    tau_r = p["risk_learning_months"]
    kappa = p["detection_scale"]
    y = p["synthesis_yield"]
    tau_L = p["lab_rebuild_months"]
    h = p["lab_headroom"]
    m_H = p["precursor_holding_months"]
    phi = p["substitution_share"]
    tau_S = p["substitution_months"]
    Delta = p["china_scheduling_cost_usd_per_kg"]
    pill_purity = p["pill_fentanyl_mg"] / p["pill_weight_mg"]

    n_arcs = len(net.tail)
    labs, sources, markets = net.labs, net.sources, net.markets
    learn = 1.0 - math.exp(-1.0 / tau_r)  # step 9 factor
    keep_L = math.exp(-1.0 / tau_L)  # step 10 factor
    keep_S = math.exp(-1.0 / tau_S)  # step 11 factor

    # Nominal detection d0_a = min(1, κ δ_a).
    d0 = [min(1.0, kappa * delta) for delta in net.detection]

    def market_pull(t: int) -> float:
        # D(t) = D̄ / (1 + exp(−(year(t) − t½)/ω)).
        return D_bar * _logistic((years[t] - t_half) / width)

    def arc_cost(t: int) -> list[float]:
        # c_a(t) = c_a + Δ H_a(t).
        return [net.cost[a] + Delta * scheduled[t][a] for a in range(n_arcs)]

    # Initial state.
    r_hat = list(d0)
    S = {lab: 0.0 for lab in labs}
    Z = 0.0
    # Initial capacity: steps 2–6 at t = 0 with K^a_l = 1 for every lab; K_l(0) = K*_l.
    if years:
        first = _plan(net, {lab: 1.0 for lab in labs}, r_hat, arc_cost(0), market_pull(0),
                      theta, v, y, h)
        K = dict(first.K_target)
    else:
        K = {lab: 0.0 for lab in labs}

    out: dict[str, list] = {name: [] for name in OUTPUT_NAMES}
    for t in range(len(years)):
        D = market_pull(t)
        cost_t = arc_cost(t)
        # Actual detection d_a(t) = 1 − (1 − d0_a)^{E_a(t)}.
        d = [1.0 - (1.0 - d0[a]) ** effort[t][a] for a in range(n_arcs)]

        # Step 1: destruction.
        K_avail, S_after, lab_seized = {}, {}, {}
        for i, lab in enumerate(labs):
            k = destroyed[t][i]
            K_avail[lab] = K[lab] * (1.0 - k)
            lab_seized[lab] = S[lab] * k
            S_after[lab] = S[lab] * (1.0 - k)

        # Steps 2–6.
        plan = _plan(net, K_avail, r_hat, cost_t, D, theta, v, y, h)

        # Step 7: supply and substitution.
        B = sum(net.sigma[s] * control[t][i] for i, s in enumerate(sources))
        Z_eff = min(Z, B)
        open_share = {s: net.sigma[s] * (1.0 - control[t][i]) for i, s in enumerate(sources)}
        open_total = sum(open_share.values())
        if open_total == 0.0:
            b = {s: net.sigma[s] for s in sources}
        else:
            b = {s: open_share[s] / open_total for s in sources}
        x = {s: plan.X * (open_share[s] + Z_eff * b[s]) for s in sources}

        # Step 8: forward pass in topological order.
        inflow = {n: 0.0 for n in net.order}
        for s in sources:
            inflow[s] += x[s]
        flow = [0.0] * n_arcs
        seized = [0.0] * n_arcs
        produced, stock_next, delivered = {}, {}, {}
        lost = 0.0
        for n in net.order:
            if net.kind[n] == MARKET:
                delivered[n] = inflow[n]  # markets absorb; outgoing arcs carry nothing
                continue
            if net.kind[n] == LAB:
                J = S_after[n] + inflow[n]
                U = min(J, K_avail[n] / y)
                out_n = y * U  # O_l
                left = J - U
                stock_next[n] = min(left, m_H * K_avail[n] / y)
                lost += (1.0 - y) * U + (left - stock_next[n])
                produced[n] = out_n
            else:
                out_n = inflow[n]  # O_n = I_n
            for a in net.out_arcs[n]:
                flow[a] = out_n * plan.P[a]
                seized[a] = flow[a] * d[a]
                inflow[net.head[a]] += flow[a] - seized[a]

        # Seizures as counted (mechanism 6).
        year = years[t]
        pill_share = _ramp(year, 2018.5, p["pill_share_2018"], 2023.5, p["pill_share_2023"])
        powder_purity = _ramp(
            year, 2018.5, p["powder_purity_2018"], 2022.5, p["powder_purity_2022"]
        )
        gross_land = pill_share / pill_purity + (1.0 - pill_share) / powder_purity
        gross_mail = 1.0 / p["mail_purity"]
        mexico = sum(lab_seized.values())
        lb_ports, lb_between = 0.0, 0.0
        sent_to = dict.fromkeys(net.crossings, 0.0)  # kg sent to each crossing
        for a in range(n_arcs):
            j = net.head[a]
            kind_j = net.kind[j]
            if kind_j in MEXICAN_HEADS:
                mexico += seized[a]
            elif kind_j == CROSSING:
                sent_to[j] += flow[a]
                ctype = net.crossing_type[j]
                g = gross_mail if ctype == MAIL else gross_land
                pounds = seized[a] * g * LB_PER_KG
                if ctype in AT_PORTS:
                    lb_ports += pounds
                else:
                    lb_between += pounds

        out["delivered_kg"].append([delivered[m] for m in markets])
        out["flow_kg"].append(flow)
        out["seizures_kg"].append(seized)
        out["supply_kg"].append([x[s] for s in sources])
        out["lab_capacity_kg"].append([K_avail[lab] for lab in labs])
        out["production_kg"].append([produced[lab] for lab in labs])
        out["precursor_stock_kg"].append([stock_next[lab] for lab in labs])
        out["lab_seizures_kg"].append([lab_seized[lab] for lab in labs])
        out["lost_kg"].append(lost)
        out["market_pull_kg"].append(D)
        out["mexico_seizures_kg"].append(mexico)
        out["seizures_lb_ports_of_entry"].append(lb_ports)
        out["seizures_lb_between_ports"].append(lb_between)
        out["crossing_flow_kg"].append([sent_to[c] for c in net.crossings])

        # Step 9: learning.
        for a in range(n_arcs):
            r_hat[a] = r_hat[a] + learn * (d[a] - r_hat[a])
        # Step 10: lab rebuilding (exact relaxation).
        K = {lab: plan.K_target[lab] + (K_avail[lab] - plan.K_target[lab]) * keep_L
             for lab in labs}
        S = stock_next
        # Step 11: substitution catches up.
        Z = phi * B + (Z - phi * B) * keep_S
    return out


def simulate_reference(
    net: Any,
    drivers: Any,
    params: Mapping[str, np.ndarray],
    members: Sequence[int] | None = None,
) -> dict[str, np.ndarray]:
    """Run the supply-side model of ``docs/model.md`` member by member, in plain Python.

    Args:
        net: a ``CompiledNetwork`` (only its data is read: node ids, kinds, attributes,
            crossing types, the arc list with ``cost_usd_per_kg`` in USD/kg, nominal
            ``detection`` probabilities and ``arc_attrs``).
        drivers: a ``Drivers`` with T months: ``effort`` (T, arcs) multiplier,
            ``control`` (T, sources) fraction, ``destroyed`` (T, labs) fraction,
            ``scheduled`` (T, arcs) 0/1.
        params: ``{name: array of shape (M,)}`` in each parameter's unit (see
            ``borderflow.model.parameters``).
        members: row indices into the ``params`` arrays to run (default: all rows).

    Returns:
        Arrays with a leading member axis (len(members)) and month axis T:
        ``delivered_kg`` (M, T, markets), ``flow_kg``, ``seizures_kg`` (M, T, arcs),
        ``supply_kg`` (M, T, sources), ``lab_capacity_kg``, ``production_kg``,
        ``precursor_stock_kg`` (end of month), ``lab_seizures_kg`` (M, T, labs), all in
        pure fentanyl-equivalent kg per month (capacity in kg/month of output, stock in
        kg); ``lost_kg``, ``market_pull_kg``, ``mexico_seizures_kg`` (M, T) in kg/month;
        ``seizures_lb_ports_of_entry`` and ``seizures_lb_between_ports`` (M, T) in CBP
        gross pounds per month; ``crossing_flow_kg`` (M, T, crossings) kg/month sent to
        each crossing (before seizure). Sources, labs and markets are in the order of
        ``net.nodes_of_kind(kind)``, arcs in the network's arc order.

    Raises:
        ValueError: if the network has a cycle, a node with no path to a market or
            an unknown crossing type, or the drivers' shapes do not fit the network.

    """
    data = _network_data(net)
    years = _years(drivers.months)
    effort = np.asarray(drivers.effort, dtype=float).tolist()
    control = np.asarray(drivers.control, dtype=float).tolist()
    destroyed = np.asarray(drivers.destroyed, dtype=float).tolist()
    scheduled = np.asarray(drivers.scheduled, dtype=float).tolist()
    T = len(years)
    shapes = {
        "effort": (effort, len(data.tail)),
        "control": (control, len(data.sources)),
        "destroyed": (destroyed, len(data.labs)),
        "scheduled": (scheduled, len(data.tail)),
    }
    for name, (rows, width) in shapes.items():
        if len(rows) != T or any(len(r) != width for r in rows):
            raise ValueError(f"drivers.{name} must have shape ({T}, {width})")

    columns = {name: np.asarray(params[name], dtype=float).tolist() for name in PARAMETER_NAMES}
    n_rows = len(columns[PARAMETER_NAMES[0]])
    rows = list(range(n_rows)) if members is None else [int(i) for i in members]

    runs = []
    for i in rows:
        p = {name: float(columns[name][i]) for name in PARAMETER_NAMES}
        runs.append(_simulate_member(data, years, effort, control, destroyed, scheduled, p))

    widths = {
        "delivered_kg": len(data.markets),
        "flow_kg": len(data.tail),
        "seizures_kg": len(data.tail),
        "supply_kg": len(data.sources),
        "lab_capacity_kg": len(data.labs),
        "production_kg": len(data.labs),
        "precursor_stock_kg": len(data.labs),
        "lab_seizures_kg": len(data.labs),
        "crossing_flow_kg": len(data.crossings),
    }
    result = {}
    for name in OUTPUT_NAMES:
        shape = (len(rows), T, widths[name]) if name in widths else (len(rows), T)
        result[name] = np.array([run[name] for run in runs], dtype=float).reshape(shape)
    return result
