"""Plain-Python reference implementation of the whole system of ``docs/model-system.md``.

``docs/model-system.md`` extends (and where it says so, replaces) ``docs/model.md``.

Written from the specification alone, sharing no step function with the batched engine
(``borderflow.model.engine``): loops over members, months, nodes and arcs with Python
floats and :mod:`math`. It builds its own adjacency lists and its own topological order
(Kahn's algorithm over the arc list) from the network's data, so that a mistake in one
implementation cannot hide in both. numpy appears only at the boundary: inputs are
converted to lists at entry and the outputs are stacked into arrays at the end.

Step numbers in the comments (``step 1`` … ``step 11``) are those of the section
"One month t" of ``docs/model.md``; ``M1`` … ``M11`` are those of
``docs/model-system.md``, which wins where the two differ.

Units: flows are pure fentanyl-equivalent kg per month, money USD per pure kg (and USD
per month for costs), CBP seizures gross pounds per month, people persons, rates per
year (a month is 1/12 year).
"""

from __future__ import annotations

import itertools
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

# Dated events, columns of ``drivers.history`` (docs/model-system.md, same order).
HISTORY_EVENTS = (
    "southern_border_program",
    "enforcement_2017",
    "mpp",
    "joint_declaration",
    "covid",
    "title42",
    "border_restrictions",
    "administration_2021",
    "parole_cbp_one",
    "asylum_rule_2023",
    "otc_naloxone",
    "asylum_proclamation_2024",
    "bicentennial",
    "zambada_arrest",
)
# Events with an encounter multiplier enc_<event> (M2: covid and over-the-counter
# naloxone act on deaths only, the Bicentennial Framework and the July 2024 arrests on
# cooperation only; their m_e = 1).
NO_ENCOUNTER_EFFECT = frozenset({"covid", "otc_naloxone", "bicentennial", "zambada_arrest"})
ENCOUNTER_EVENTS = tuple(e for e in HISTORY_EVENTS if e not in NO_ENCOUNTER_EFFECT)
# M2: Mexico's own enforcement programmes; their encounter effect scales with χ (M1).
MEXICAN_EVENTS = frozenset({"southern_border_program", "joint_declaration"})
# M10: the dated turns of US–Mexico cooperation and their sign (each moves the target
# by cooperation_event_shift); a copy of borderflow.model.drivers.COOPERATION_TURNS.
COOPERATION_TURNS = {"joint_declaration": 1.0, "bicentennial": 1.0, "zambada_arrest": -1.0}
COVID = HISTORY_EVENTS.index("covid")
OTC_NALOXONE = HISTORY_EVENTS.index("otc_naloxone")
PAROLE_CBP_ONE = HISTORY_EVENTS.index("parole_cbp_one")
TITLE42 = HISTORY_EVENTS.index("title42")

# Levers' cost drivers, columns of ``drivers.activity``, each priced by cost_<item>.
COST_ITEMS = (
    "precursor_control",
    "mexican_port_interdiction",
    "lab_takedowns",
    "poe_inspection",
    "between_ports_enforcement",
    "military_strikes",
    "mexican_migration_enforcement",
    "processing_capacity",
    "asylum_regime",
    "southbound_inspection",
    "diplomatic_engagement",
    "treatment_expansion",
    "naloxone_distribution",
    "prevention",
    "arc_detection",
    "arc_closure",
)

# USD/kg added to a closed arc's cost (docs/model-system.md, arc levers).
CLOSED_COST = 1.0e7

ORIGINS = ("mexico", "nca", "other")  # M2 origin groups g
STATES = ("no_use", "misuse", "oud_high_risk", "oud_lower_risk", "treatment",
          "post_treatment", "remission")  # M8, output order
POST_TREATMENT_RATE = 12.0  # per year: one month after leaving MOUD on average (M8)

# M7 potency inputs (docs/model-system.md): DEA observation points, decimal years.
PURITY_OBSERVATIONS = (("powder_purity_2018", 2018.5), ("powder_purity_2022", 2022.5),
                       ("powder_purity_2023", 2023.25), ("powder_purity_2024", 2024.5))
LETHAL_PILL_OBSERVATIONS = ((2017.5, 0.10), (2019.125, 0.27), (2021.5, 0.44), (2022.5, 0.60),
                            (2023.5, 0.70), (2024.5, 0.50))
MG_PER_PILL_OBSERVATIONS = ((2017.5, 1.3), (2021.5, 2.2), (2022.5, 2.4), (2024.5, 1.94))
# Pills and powder seized: (year, pills, powder gross kg or None, total gross kg or None).
LB = 0.45359237  # kg per lb
PILLS_AND_POWDER = ((2018.5, 290_304, 298.2, None), (2021.5, 9_649_551, 2_416.0, None),
                    (2022.5, 50.6e6, 10_000 * LB, None), (2023.5, 77e6, 12_000 * LB, None),
                    (2024.5, 61.1e6, None, 21_936 * LB))
PILL_GROSS_MG = 100.0  # mg a pill weighs
PURITY_AT_MEANS = ((2018.5, 0.053), (2022.5, 0.192), (2023.25, 0.195), (2024.5, 0.1136))
REFERENCE_PURITY = 0.192  # prices' reference powder purity (2022)
REFERENCE_LETHAL_SHARE = 0.5  # lethal-dose share at which the hazard is h_F
DATA_WINDOW_END = 2025.0  # post-window potency paths start here
# Retail naloxone prescriptions a year (naloxone_distribution), knots, flat outside.
NALOXONE_RX = ((2012.5, 1_282.0), (2017.5, 270_710.0), (2018.5, 556_847.0),
               (2019.5, 904_179.0), (2022.5, 1_675_474.0))
COVER_LOW, COVER_HIGH = 0.05, 20.0  # wholesale stock cover limits (M6; judgement)
HEROIN_PRICE_CAP = 10.0  # heroin price ratio limit (M6; judgement, above the meth shock's x3)

US_POPULATION_12PLUS = 260e6  # persons aged 12+, 2010 Census (308.7 M less ~49 M aged 0-11)
TRADE_USD_PER_YEAR = 798.8e9  # US–Mexico goods trade 2023 (context_facts), M11
IMPORTS_USD_PER_YEAR = 475.6e9  # US goods imports from Mexico 2023 (same source), M11
# M3: passenger-vehicle NII scan rate at the southwest land ports that the nominal port
# detection refers to, 2 % (FY2020-FY2022, cbp_nii_scan_rates; when officials believed
# 5-10 % was caught; SCAN_RATE_REFERENCE of borderflow.model.drivers).
SCAN_RATE_REFERENCE = 0.02
# M4: largest share of southbound guns inspection can stop (judgement: parts, mail,
# corrupt officials; MAX_STOPPED of the guns step).
MAX_GUNS_STOPPED = 0.95
# M4: memory of strikes for the violence they bring, months (a 12-month time constant).
STRIKE_MEMORY_MONTHS = 12.0
# M5: floor of a lab region's capacity share when counting the active labs in it (a
# numerical guard against dividing by a share of 0; the engine's effects step uses 1e-12).
MIN_LAB_SHARE = 1e-12
FIREARM_HOMICIDES = 25_000.0  # Mexico's firearm homicides a year, INEGI 2019-2020 (M4)
BP_HOURS_PER_STAFF = 160.0  # hours a month one processing staff member adds, M2

# Parameters the model reads (docs/model.md and docs/model-system.md), by symbol.
PARAMETER_NAMES = (
    "logit_scale_usd_per_kg",
    "precursor_value_usd_per_kg",
    "value_at_risk_usd_per_kg",
    "us_value_usd_per_kg",
    "risk_learning_months",
    "detection_scale",
    "synthesis_yield",
    "lab_rebuild_months",
    "lab_headroom",
    "precursor_holding_months",
    "substitution_share",
    "substitution_cost_usd_per_kg",
    "substitution_months",
    "china_scheduling_cost_usd_per_kg",
    "powder_purity_2018",
    "powder_purity_2022",
    "powder_purity_2023",
    "powder_purity_2024",
    "lethal_pill_share_logit_error",
    "pill_mass_share_scale",
    "purity_volatility_per_sqrt_year",
    "lethal_share_volatility_per_sqrt_year",
    "powder_lethal_purity",
    "dose_dispersion",
    "lethal_share_elasticity",
    "mail_purity",
    # mechanism 7
    "consumption_g_per_user_month",
    "import_cost_share",
    "retail_price_usd_per_pure_gram",
    "wholesale_share_of_retail",
    "stock_holding_months",
    "inventory_price_elasticity",
    "price_elasticity",
    "heroin_supply_scale",
    "misuse_use_weight",
    "fentanyl_share_2010",
    "diffusion_rate_per_year",
    "diffusion_cost_elasticity",
    # mechanism 8
    "initiation_rate_per_year",
    "prescription_transition_per_year",
    "prescription_transition_decline_per_year",
    "progression_rate_per_year",
    "misuse_exit_rate_per_year",
    "treatment_seeking_rate_per_year",
    "withdrawal_treatment_seeking",
    "remission_rate_per_year",
    "treatment_exit_oud_rate_per_year",
    "treatment_exit_remission_rate_per_year",
    "relapse_rate_per_year",
    "oud_2010",
    "misuse_2010",
    "remission_2010",
    "treatment_capacity_scale",
    "fentanyl_death_rate_per_year",
    "heroin_death_rate_per_year",
    "treatment_death_ratio",
    "post_treatment_death_ratio",
    "high_risk_share",
    "high_risk_ratio",
    "naloxone_kits_per_rx",
    "naloxone_otc_gain",
    "naloxone_bystander_share",
    "naloxone_half_kits",
    "disruption_hazard_increase",
    "disruption_months",
    "covid_hazard_increase",
    "covid_adaptation_months",
    # mechanism 9
    "encounters_mexico_2015",
    "encounters_nca_2015",
    "encounters_other_2015",
    "push_trend_mexico",
    "push_trend_nca",
    "push_trend_other",
    *(f"enc_{e}" for e in ENCOUNTER_EVENTS),
    "ports_share",
    "ports_share_cbp_one",
    "ports_share_title42",
    "deferral_share",
    "deferral_months",
    "processing_hours",
    "bp_hours_per_month",
    "port_diversion_threshold",
    "port_diversion_max",
    # mechanism 10
    "guns_south_per_year",
    "gun_homicide_attributable_share",
    "gun_stock_years",
    "resilience_gun_elasticity",
    # mechanism 11
    "cooperation_baseline",
    "cooperation_recovery_months",
    "strike_cooperation_drop",
    "engagement_gain",
    "cooperation_event_shift",
    "trade_pressure_response",
    "trade_loss_share",
    "welfare_per_trade_lost",
    "import_demand_elasticity",
    "border_wait_cost_usd_per_year",
    # levers' effectiveness: a government's quantities mapped to physical effects
    "control_effectiveness",
    "mx_port_inspectors",
    "scan_effectiveness",
    "bp_agent_elasticity",
    "raid_active_share",
    "active_labs",
    "strike_labs_reached",
    "strike_relocation_share",
    "strike_homicide_increase",
    "mx_migration_personnel_scale",
    "gun_officers_scale",
    "engagement_usd_scale",
    "prevention_usd_scale",
    "prevention_max_share",
    # costs
    *(f"cost_{item}" for item in COST_ITEMS),
)

OUTPUT_NAMES = (
    "delivered_kg",
    "flow_kg",
    "seizures_kg",
    "supply_kg",
    "lab_capacity_kg",
    "lab_target_kg",
    "production_kg",
    "precursor_stock_kg",
    "lab_seizures_kg",
    "lost_kg",
    "market_pull_kg",
    "mexico_seizures_kg",
    "strike_destroyed_kg",
    "seizures_lb_ports_of_entry",
    "seizures_lb_between_ports",
    "crossing_flow_kg",
    "crossing_seizures_kg",
    # docs/model-system.md
    "overdose_deaths",
    "heroin_deaths",
    "opioid_overdose_deaths",
    "price_usd_per_pure_gram",
    "wholesale_price_usd_per_pure_gram",
    "wholesale_stock_kg",
    "consumption_kg",
    "heroin_kg",
    "heroin_price_ratio",
    "unmet_share",
    "lethal_dose_share",
    "naloxone_reversal_share",
    "population",
    "encounters_at_ports",
    "encounters_between_ports",
    "encounters_by_origin",
    "bp_workload",
    "guns_south",
    "gun_stock_mexico",
    "gun_homicides_mexico",
    "cooperation",
    "trade_cost_usd",
    "policy_cost_usd",
    "treatment_slots_used",
    "fentanyl_share",
    "exposure",
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


def _ramp(year: float, y0: float, v0: float, y1: float, v1: float) -> float:
    """Linear from ``v0`` at ``y0`` to ``v1`` at ``y1``, flat outside."""
    if year <= y0:
        return v0
    if year >= y1:
        return v1
    return v0 + (v1 - v0) * (year - y0) / (y1 - y0)


def _treatment_path(year: float) -> float:
    """MOUD capacity path ``path_T``: 0.2e6 at 2010.5 to 0.6e6 at 2021.5, flat outside."""
    return _ramp(year, 2010.5, 0.2e6, 2021.5, 0.6e6)


def _through(year: float, points: Sequence[tuple[float, float]]) -> float:
    """Piecewise-linear through ``points`` (sorted by year), flat outside them."""
    if year <= points[0][0]:
        return points[0][1]
    for (x0, v0), (x1, v1) in itertools.pairwise(points):
        if year <= x1:
            return v0 + (v1 - v0) * (year - x0) / (x1 - x0)
    return points[-1][1]


def _seen_before(points: Sequence[tuple[float, Any]], window_end: float
                 ) -> list[tuple[float, Any]]:
    """The observations made before ``window_end``; the first always, to hold."""
    return [pt for k, pt in enumerate(points) if k == 0 or pt[0] < window_end]


def _normal_cdf(z: float) -> float:
    """Standard normal CDF."""
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def _pill_mass_shares() -> list[tuple[float, float]]:
    """M7: pills' share of seized pure fentanyl by mass, per observed year."""
    shares = []
    for year, pills, powder_kg, total_kg in PILLS_AND_POWDER:
        pill_kg = pills * _through(year, MG_PER_PILL_OBSERVATIONS) / 1e6
        if powder_kg is None:
            powder_kg = total_kg - pills * PILL_GROSS_MG / 1e6
        powder_pure_kg = powder_kg * _through(year, PURITY_AT_MEANS)
        shares.append((year, pill_kg / (pill_kg + powder_pure_kg)))
    return shares


def _competing_exits(n: float, rates: list[float]) -> list[float]:
    """People of a state of ``n`` taking each exit in one month (M8, competing risks).

    ``rates`` are per year; exit ``k`` takes ``n (1 − e^{−Λ/12}) r_k / Λ`` with ``Λ``
    the sum of the rates (nobody leaves when ``Λ = 0``).
    """
    total = 0.0
    for r in rates:
        total += r
    if not total > 0.0:
        return [0.0] * len(rates)
    leaving = -n * math.expm1(-total / 12.0)
    return [leaving * r / total for r in rates]


# --------------------------------------------------------------------------------------
# Steps 2–6: size variables, backward pass, survival, allocation, targets
# --------------------------------------------------------------------------------------


@dataclass
class _Routes:
    """What the traffickers see this month (steps 2–5 of docs/model.md)."""

    P: list[float]  # share of what leaves the tail that takes arc a
    V: dict[str, float]  # expected cost-to-go of each node, USD/kg
    R: dict[str, float]  # perceived survival from each node to a market
    omega: dict[str, float]  # lab allocation ω_l


def _route(
    net: _Net,
    K_avail: dict[str, float],
    r_hat: list[float],
    cost_t: list[float],
    theta: float,
    v: list[float],
    y: float,
) -> _Routes:
    """Run steps 2–5 of one month, given the capacity available ``K_avail`` (kg/month)."""
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
            u.append(cost_t[a] + v[a] * r_hat[a] + V[j] - theta * _log(A[j]))
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
    return _Routes(P=P, V=V, R=R, omega=omega)


def _after_destruction(K: dict[str, float], k: dict[str, float], k_mx: dict[str, float],
                       struck: dict[str, float], relocating: float) -> dict[str, float]:
    """M5: capacity available after this month's destruction, kg/month, by lab region.

    Each region keeps ``K_l (1 − k_l)``. Of the capacity the strikes hit,
    ``K_l (k_l − k_MX,l)``, a share ``relocating`` sets up again at once, spread over
    the regions in proportion to the capacity the strikes left alone,
    ``K_l (1 − struck_l)`` (docs/model-system.md M5: a region struck in part takes part,
    at a lower weight); nothing moves if no region has any. (Capacity only:
    the precursor stock a strike destroys stays destroyed.)
    """
    kept = {lab: K[lab] * (1.0 - k[lab]) for lab in K}
    moved = 0.0
    for lab in K:
        moved += K[lab] * (k[lab] - k_mx[lab])
    moved *= relocating
    weight = {lab: K[lab] * (1.0 - struck[lab]) for lab in K}
    weight_total = sum(weight.values())
    if not weight_total > 0.0:
        return kept
    return {lab: kept[lab] + moved * weight[lab] / weight_total for lab in K}


def _import_cost(flow: list[float], seized: list[float], cost: list[float], v: list[float],
                 delivered: float, other: float) -> float:
    """M6: the traffickers' spending per kg delivered (USD/kg).

    Transport, seizure losses valued at ``v_a`` and ``other`` spending (replacing
    controlled precursors).
    """
    spent = other
    for a in range(len(flow)):
        spent += flow[a] * cost[a] + v[a] * seized[a]
    return spent / max(delivered, 1e-9)


def _cost_ratio(kappa: float, kappa_ref: float) -> float:
    """κ / κ_ref kept in [0.01, 100]; 1 when κ_ref is 0 (nothing delivered in month 0)."""
    if kappa_ref <= 0.0:
        return 1.0
    return min(100.0, max(0.01, kappa / kappa_ref))


def _targets(net: _Net, routes: _Routes, D: float, h: float) -> tuple[dict[str, float], float]:
    """Step 6: target capacity ``K*_l`` (kg/month) and supply ordered ``X`` (kg/month)."""
    lab_survival = sum(routes.omega[lab] * routes.R[lab] for lab in net.labs)
    Q = D / lab_survival if net.labs else 0.0
    K_target = {lab: (1.0 + h) * routes.omega[lab] * Q for lab in net.labs}
    source_survival = sum(net.sigma[s] * routes.R[s] for s in net.sources)
    return K_target, D / source_survival


# --------------------------------------------------------------------------------------
# One member over all months
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Series:
    """The drivers as plain Python lists, indexed ``[t]`` or ``[t][column]``."""

    scan_rate: list[list[float]]  # (T, arcs) NII scan rate at the port an arc enters
    agents: list[list[float]]  # (T, arcs) BP agents added, relative to the sector's own
    inspectors: list[list[float]]  # (T, arcs) inspectors added at a Mexican port, persons
    coverage: list[list[float]]  # (T, sources) share of exports controls cover
    raids: list[list[float]]  # (T, labs) Mexican raids in the month
    strikes: list[list[float]]  # (T, labs) US strikes in the month
    scheduled: list[list[float]]  # (T, arcs)
    detection: list[list[float]]  # (T, arcs) nominal detection δ_a(t)
    closed: list[list[float]]  # (T, arcs) 0/1
    mx_personnel: list[float]  # persons
    processing_staff: list[float]
    asylum_regime: list[float]
    gun_officers: list[float]  # persons
    engagement_usd: list[float]  # USD a year
    tariff: list[float]  # rate threatened or applied
    tariff_applied: list[float]  # rate levied
    treatment_slots: list[float]
    naloxone_kits: list[float]
    prevention_usd: list[float]  # USD a year
    history: list[list[float]]  # (T, HISTORY_EVENTS)
    activity: list[list[float]]  # (T, COST_ITEMS)


def _simulate_member(
    net: _Net, years: list[float], dr: _Series, p: dict[str, float],
    shocks: list[list[float]] | None = None, window_end: float = DATA_WINDOW_END,
) -> dict[str, list]:
    """Run one member through every month; returns per-month lists of outputs."""
    # docs/model.md parameters.
    theta = p["logit_scale_usd_per_kg"]
    # Losses valued where they happen, at the value accumulated up to the arc (its
    # tail): precursor leaving a source or a port; fentanyl in Mexico from the labs up
    # to and across the border (and finished fentanyl shipped from a source); fentanyl
    # in the US once it has crossed.
    precursor, mexico, us = (p["precursor_value_usd_per_kg"], p["value_at_risk_usd_per_kg"],
                             p["us_value_usd_per_kg"])
    v = []
    for a in range(len(net.tail)):
        tail = net.kind[net.tail[a]]
        if tail in (SOURCE, "port") and not net.finished[a]:
            v.append(precursor)
        elif tail in ("crossing", "us_hub"):
            v.append(us)
        else:
            v.append(mexico)
    tau_r = p["risk_learning_months"]
    kappa_det = p["detection_scale"]
    y = p["synthesis_yield"]
    tau_L = p["lab_rebuild_months"]
    h = p["lab_headroom"]
    m_H = p["precursor_holding_months"]
    phi_sub = p["substitution_share"]
    tau_S = p["substitution_months"]
    Delta = p["china_scheduling_cost_usd_per_kg"]
    # M7 potency: observation parameters and the post-window random walks.
    # only what was observed before the data end (a forecast record's origin) is known
    purity_points = _seen_before(
        [(yr, math.log(p[name])) for name, yr in PURITY_OBSERVATIONS], window_end)
    lethal_points = _seen_before(LETHAL_PILL_OBSERVATIONS, window_end)
    mg_points = _seen_before(MG_PER_PILL_OBSERVATIONS, window_end)
    rx_points = _seen_before(NALOXONE_RX, window_end)
    trend_end = window_end - 1.0  # push trends run to the end of the last full data year
    logit_error = p["lethal_pill_share_logit_error"]
    pill_scale = p["pill_mass_share_scale"]
    sd_purity = p["purity_volatility_per_sqrt_year"] * math.sqrt(1.0 / 12.0)
    sd_lethal = p["lethal_share_volatility_per_sqrt_year"] * math.sqrt(1.0 / 12.0)
    p_lethal = p["powder_lethal_purity"]
    sigma_dose = p["dose_dispersion"]
    beta_E = p["lethal_share_elasticity"]
    pill_mass_points = _seen_before(_pill_mass_shares(), window_end)
    # M6, M7, M9: prices, demand, exposure, diffusion.
    q_kg = p["consumption_g_per_user_month"] / 1000.0  # kg per user-month
    s_imp = p["import_cost_share"]
    P_ret = p["retail_price_usd_per_pure_gram"]
    w_s = p["wholesale_share_of_retail"]
    tau_h = p["stock_holding_months"]
    a_inv = p["inventory_price_elasticity"]
    elasticity = p["price_elasticity"]
    heroin_scale = p["heroin_supply_scale"]
    w_M = p["misuse_use_weight"]
    r0 = p["diffusion_rate_per_year"]
    gamma = p["diffusion_cost_elasticity"]
    # M7, M8: deaths and population.
    iota = p["initiation_rate_per_year"]
    rx_flow = p["prescription_transition_per_year"]
    rx_decline = p["prescription_transition_decline_per_year"]
    rho = p["progression_rate_per_year"]
    mu_M = p["misuse_exit_rate_per_year"]
    eps_T = p["treatment_seeking_rate_per_year"]
    k_w = p["withdrawal_treatment_seeking"]
    nu = p["remission_rate_per_year"]
    chi_TO = p["treatment_exit_oud_rate_per_year"]
    chi_TR = p["treatment_exit_remission_rate_per_year"]
    lam_R = p["relapse_rate_per_year"]
    cap_T = p["treatment_capacity_scale"]
    h_F = p["fentanyl_death_rate_per_year"]
    h_H = p["heroin_death_rate_per_year"]
    RR_T = p["treatment_death_ratio"]
    RR_post = p["post_treatment_death_ratio"]
    s_H = p["high_risk_share"]
    r_H = p["high_risk_ratio"]
    w_high = r_H / (s_H * r_H + 1.0 - s_H)  # an entering cohort's mean multiplier is 1
    w_low = 1.0 / (s_H * r_H + 1.0 - s_H)
    k_rx = p["naloxone_kits_per_rx"]
    g_otc = p["naloxone_otc_gain"]
    b_nx = p["naloxone_bystander_share"]
    K_half = p["naloxone_half_kits"]
    d_R = p["disruption_hazard_increase"]
    keep_dis = math.exp(-1.0 / p["disruption_months"])
    c_cov = p["covid_hazard_increase"]
    tau_cov = p["covid_adaptation_months"]
    # M2: migration.
    B_g = [p[f"encounters_{g}_2015"] for g in ORIGINS]
    b_g = [p[f"push_trend_{g}"] for g in ORIGINS]
    m_event = [1.0 if e in NO_ENCOUNTER_EFFECT else p[f"enc_{e}"] for e in HISTORY_EVENTS]
    mexican_event = [e in MEXICAN_EVENTS for e in HISTORY_EVENTS]
    turn = [COOPERATION_TURNS.get(e, 0.0) for e in HISTORY_EVENTS]
    s0 = p["ports_share"]
    m_ports = p["ports_share_cbp_one"]
    m_ports_t42 = p["ports_share_title42"]
    delta_W = p["deferral_share"]
    tau_W = p["deferral_months"]
    h_proc = p["processing_hours"]
    H_BP = p["bp_hours_per_month"]
    w_star = p["port_diversion_threshold"]
    omega_P = p["port_diversion_max"]
    # M4: guns.
    G0 = p["guns_south_per_year"]
    attributable = p["gun_homicide_attributable_share"]
    keep_guns = math.exp(-1.0 / (12.0 * p["gun_stock_years"]))
    psi = p["resilience_gun_elasticity"]
    # M10, M11: cooperation, costs.
    c0 = p["cooperation_baseline"]
    tau_c = p["cooperation_recovery_months"]
    drop_s = p["strike_cooperation_drop"]
    g_e = p["engagement_gain"]
    shift_c = p["cooperation_event_shift"]
    r_tariff = p["trade_pressure_response"]
    phi_tr = p["trade_loss_share"]
    w_tr = p["welfare_per_trade_lost"]
    eps_imp = p["import_demand_elasticity"]
    W_wait = p["border_wait_cost_usd_per_year"]
    cost_item = [p[f"cost_{item}"] for item in COST_ITEMS]
    # Levers' effectiveness: what a government's quantity does physically.
    e_ctrl = p["control_effectiveness"]
    n_port = p["mx_port_inspectors"]
    eta = p["scan_effectiveness"]
    beta_BP = p["bp_agent_elasticity"]
    a_raid = p["raid_active_share"]
    N_labs = p["active_labs"]
    a_strike = p["strike_labs_reached"]
    rho_move = p["strike_relocation_share"]
    v_strike = p["strike_homicide_increase"]
    n_mig = p["mx_migration_personnel_scale"]
    n_gun = p["gun_officers_scale"]
    u_eng = p["engagement_usd_scale"]
    u_prev = p["prevention_usd_scale"]
    p_prev = p["prevention_max_share"]

    n_arcs = len(net.tail)
    labs, sources, markets = net.labs, net.sources, net.markets
    learn = 1.0 - math.exp(-1.0 / tau_r)  # step 9 factor
    keep_strikes = math.exp(-1.0 / STRIKE_MEMORY_MONTHS)  # M4 violence memory factor

    def destroyed_by(hits: float, labs_per_hit: float, lab: str) -> float:
        # M5: the region holds N s_l of the N active labs; each hit destroys a of them at
        # random, so n hits leave (1 − a / (N s_l))^n of its capacity (at most all).
        labs_there = N_labs * max(net.lab_share[lab], MIN_LAB_SHARE)
        each = min(1.0, labs_per_hit / labs_there)
        return 1.0 - (1.0 - each) ** hits
    keep_S = math.exp(-1.0 / tau_S)  # step 11 factor
    keep_c = math.exp(-1.0 / tau_c)  # M10 factor

    def nominal_detection(t: int) -> list[float]:
        # d0_a(t) = min(1, κ δ_a(t)); δ_a(t) is the network's unless a lever sets it.
        return [min(1.0, kappa_det * dr.detection[t][a]) for a in range(n_arcs)]

    d0 = nominal_detection(0)
    # M3: which factor of M2 scales arc a's effort (by its head's crossing type).
    gate = []
    for a in range(n_arcs):
        j = net.head[a]
        ctype = net.crossing_type[j] if net.kind[j] == CROSSING else None
        gate.append("B" if ctype == "between_ports" else "P" if ctype == "port_of_entry" else "")

    def arc_cost(t: int) -> list[float]:
        # c_a(t) = c_a + Δ H_a(t) + (prohibitive cost where the arc is closed).
        return [net.cost[a] + Delta * dr.scheduled[t][a] + CLOSED_COST * dr.closed[t][a]
                for a in range(n_arcs)]

    def treatment_capacity(t: int) -> float:
        # M8: K_T(t) = cap_T path_T(t) + treatment_slots(t), persons.
        return cap_T * _treatment_path(years[t]) + dr.treatment_slots[t]

    out: dict[str, list] = {name: [] for name in OUTPUT_NAMES}
    if not years:
        return out

    # Initial state (2010-01, or the drivers' first month).
    r_hat = list(d0)
    S = {lab: 0.0 for lab in labs}
    Z = 0.0
    n_mis = p["misuse_2010"]
    n_oud0 = p["oud_2010"]
    n_high, n_low, n_post = s_H * n_oud0, (1.0 - s_H) * n_oud0, 0.0
    n_tr = min(0.5 * treatment_capacity(0), 0.5 * n_oud0)
    n_rem = p["remission_2010"]
    n_no = US_POPULATION_12PLUS - n_mis - n_oud0 - n_tr - n_rem
    f = p["fentanyl_share_2010"]
    c = c0
    W = [0.0, 0.0, 0.0]  # deferred would-be migrants by origin group, persons
    # M6: the wholesale stock starts at its usual level; recent sales (for the
    # disruption term) start at 0.
    stock = tau_h * q_kg * (n_high + n_low + n_post + w_M * n_mis) * min(1.0, f)
    recent_sales = 0.0
    cum_purity_shock, cum_lethal_shock = 0.0, 0.0
    covid_months = 0.0  # months of the COVID-19 period before this one (M7)
    recent_strikes = 0.0  # strikes of the last year, exponentially remembered (M4)

    # Initial capacity (model.md) at t = 0: steps 2–6 with K^a_l = 1 for every lab,
    # r̂ = d0 and month 0's costs, for month 0's market pull (computed in the loop).
    # κ_ref is the import cost realised in month 0 (M6).
    K = None
    kappa_ref = None
    kappa_prev = None

    for t in range(len(years)):
        year = years[t]
        hist = dr.history[t]
        cost_t = arc_cost(t)
        f_start, c_start = f, c

        # M1: cooperation scaling.
        chi = c / c0

        # M2: migration and Border Patrol workload.
        # Mexico's own programmes (Southern Border Program, the 2019 deployment) act
        # with cooperation: their log multiplier is scaled by χ.
        event_factor = 1.0
        for e, m_e in enumerate(m_event):
            event_factor *= m_e ** (hist[e] * chi if mexican_event[e] else hist[e])
        # personnel deployed prevent 1 − e^(−n/n₀) of encounters at baseline cooperation
        mx_prevented = -math.expm1(-dr.mx_personnel[t] / n_mig)
        common = event_factor * dr.asylum_regime[t] * max(0.0, 1.0 - mx_prevented * chi)
        trend_years = min(year, trend_end) - 2015.0  # push trends hold after it
        by_origin = []
        for g in range(3):
            # arrivals: the push index plus the deferred released this month; a regime
            # factor below 1 stops the rest, of whom a share defers to a later month
            released = W[g] / tau_W
            arriving = B_g[g] * math.exp(b_g[g] * trend_years) + released
            by_origin.append(arriving * common)
            W[g] += delta_W * arriving * max(0.0, 1.0 - common) - released
        E_total = sum(by_origin)
        s_P = min(0.9, s0 * m_ports ** hist[PAROLE_CBP_ONE]
                  * m_ports_t42 ** hist[TITLE42])
        E_ports = s_P * E_total
        E_between = E_total - E_ports
        workload = E_between * h_proc / (H_BP + BP_HOURS_PER_STAFF * dr.processing_staff[t])
        e_B = max(0.0, 1.0 - min(1.0, workload))
        e_P = 1.0 - omega_P * min(1.0, max(0.0, (workload - w_star) / (1.0 - w_star)))

        # M3: detection, US-side effort times cooperation-scaled Mexican-side effort.
        # US side: NII scanning at a port of entry, (1 + η s) / (1 + η s_ref), and
        # agents between ports, (1 + n)^β (both 1 where nothing changes). Mexican side:
        # 1 + added inspectors / staff already at the port.
        d0 = nominal_detection(t)
        d = []
        for a in range(n_arcs):
            us = ((1.0 + eta * dr.scan_rate[t][a]) / (1.0 + eta * SCAN_RATE_REFERENCE)
                  * (1.0 + dr.agents[t][a]) ** beta_BP)
            mx = 1.0 + dr.inspectors[t][a] / n_port
            if net.kind[net.head[a]] in MEXICAN_HEADS:  # Mexico's own enforcement
                E_a = max(0.0, us * mx * chi)
            else:
                E_a = max(0.0, us * mx)
            if gate[a] == "B":
                E_a *= e_B
            elif gate[a] == "P":
                E_a *= e_P
            # a closed arc stops everything sent along it
            d.append(1.0 if dr.closed[t][a] else 1.0 - (1.0 - d0[a]) ** E_a)

        # M4: guns south, homicides, lab rebuilding time constant. Officers on outbound
        # inspection stop 0.95 (1 − e^(−n/n₀)) of the guns.
        gun_stop = MAX_GUNS_STOPPED * -math.expm1(-dr.gun_officers[t] / n_gun)
        guns = G0 / 12.0 * (1.0 - gun_stop)
        if t == 0:  # the stock starts at the steady state of the first month's flow
            gun_stock = gun_stock_0 = guns / (1.0 - keep_guns)
        # US strikes raise all firearm homicides by v per strike of the last year (a
        # memory fading with a 12-month time constant, this month's strikes included);
        # the rise adds to the homicides attributable to the US-sourced stock.
        strikes_now = sum(dr.strikes[t])
        recent_strikes = recent_strikes * keep_strikes + strikes_now
        homicides = FIREARM_HOMICIDES / 12.0 * (attributable * gun_stock / gun_stock_0
                                                + v_strike * recent_strikes)
        tau_eff = tau_L * (1.0 - gun_stop) ** (-psi)

        # M5 (replaces step 1): destruction by raids (cooperation-scaled) and strikes.
        # Raids act first: what they destroy is Mexico's seizure, the rest the strikes'.
        S_after, lab_seized, k_month, k_mexico, struck = {}, {}, {}, {}, {}
        mexico, struck_kg = 0.0, 0.0
        for i, lab in enumerate(labs):
            raided = destroyed_by(dr.raids[t][i], a_raid, lab)
            struck[lab] = destroyed_by(dr.strikes[t][i], a_strike, lab)
            k_mx = min(1.0, raided * chi)
            k = 1.0 - (1.0 - k_mx) * (1.0 - struck[lab])
            k_month[lab], k_mexico[lab] = k, k_mx
            lab_seized[lab] = S[lab] * k
            mexico += S[lab] * k_mx
            struck_kg += S[lab] * (1.0 - k_mx) * struck[lab]
            S_after[lab] = S[lab] * (1.0 - k)
        K_avail = {} if K is None else _after_destruction(K, k_month, k_mexico, struck,
                                                          rho_move)

        # M7 inputs: potency this month (DEA observations; random walks after 2024).
        if shocks is not None:
            cum_purity_shock += shocks[0][t]
            cum_lethal_shock += shocks[1][t]
        purity = math.exp(_through(year, purity_points) + cum_purity_shock * sd_purity)
        purity = min(0.9, max(1e-3, purity))
        base_pill = _through(year, lethal_points)
        logit = (math.log(base_pill / (1.0 - base_pill)) + logit_error
                 + cum_lethal_shock * sd_lethal)
        lethal_pill = 1.0 / (1.0 + math.exp(-logit))
        pill_mass = min(1.0, max(0.0, _through(year, pill_mass_points) * pill_scale))
        lethal_powder = _normal_cdf(math.log(purity / p_lethal) / sigma_dose)
        lethal_share = pill_mass * lethal_pill + (1.0 - pill_mass) * lethal_powder
        potency = (lethal_share / REFERENCE_LETHAL_SHARE) ** beta_E

        # M6: wholesale price from costs, purity and the stock's cover; retail price;
        # demand at it; the pull on the supply chain (demand plus the stock gap).
        rho_prev = 1.0 if kappa_prev is None else _cost_ratio(kappa_prev, kappa_ref)
        long_run = (w_s * P_ret * max(0.1, 1.0 + s_imp * (rho_prev - 1.0))
                    * REFERENCE_PURITY / purity)
        users = n_high + n_low + n_post + w_M * n_mis
        need = q_kg * users
        usual = tau_h * need * min(1.0, f)
        cover = stock / usual if usual > 0.0 else 1.0
        wholesale = long_run * min(COVER_HIGH, max(COVER_LOW, cover)) ** (-a_inv)
        price = (1.0 - w_s) * P_ret + wholesale
        D = need * min(1.0, f * (price / P_ret) ** elasticity)
        pull = max(0.0, D + (usual - stock) / tau_h)
        if K is None:
            first = _route(net, {lab: 1.0 for lab in labs}, r_hat, cost_t, theta, v, y)
            K, _ = _targets(net, first, pull, h)
            K_avail = _after_destruction(K, k_month, k_mexico, struck, rho_move)

        # M6: routing (steps 2–5); then step 6 for the pull.
        routes = _route(net, K_avail, r_hat, cost_t, theta, v, y)
        K_target, X = _targets(net, routes, pull, h)

        # Step 7: supply and substitution.
        # controls stop the share of the covered exports the member's effectiveness says
        stopped = [dr.coverage[t][i] * e_ctrl for i in range(len(sources))]
        B = sum(net.sigma[s] * stopped[i] for i, s in enumerate(sources))
        Z_eff = min(Z, B)
        open_share = {s: net.sigma[s] * (1.0 - stopped[i]) for i, s in enumerate(sources)}
        open_total = sum(open_share.values())
        if open_total == 0.0:
            b = {s: net.sigma[s] for s in sources}
        else:
            b = {s: open_share[s] / open_total for s in sources}
        x = {s: X * (open_share[s] + Z_eff * b[s]) for s in sources}

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
                flow[a] = out_n * routes.P[a]
                seized[a] = flow[a] * d[a]
                inflow[net.head[a]] += flow[a] - seized[a]

        # Seizures as counted (mechanism 6).
        pill_purity = _through(year, mg_points) / PILL_GROSS_MG
        gross_land = pill_mass / pill_purity + (1.0 - pill_mass) / purity
        gross_mail = 1.0 / p["mail_purity"]
        lb_ports, lb_between = 0.0, 0.0
        sent_to = dict.fromkeys(net.crossings, 0.0)  # kg sent to each crossing
        stopped_at = dict.fromkeys(net.crossings, 0.0)  # kg seized there
        for a in range(n_arcs):
            j = net.head[a]
            kind_j = net.kind[j]
            if kind_j in MEXICAN_HEADS:
                mexico += seized[a]
            elif kind_j == CROSSING:
                sent_to[j] += flow[a]
                stopped_at[j] += seized[a]
                ctype = net.crossing_type[j]
                g = gross_mail if ctype == MAIL else gross_land
                pounds = seized[a] * g * LB_PER_KG
                if ctype in AT_PORTS:
                    lb_ports += pounds
                else:
                    lb_between += pounds

        # M6 (end): this month's import cost; month 0's is the reference κ_ref.
        Q_d = sum(delivered.values())
        # replacing controlled precursors costs money: X Z_eff kg shipped by substitutes
        kappa = _import_cost(flow, seized, cost_t, v, Q_d,
                             p["substitution_cost_usd_per_kg"] * X * Z_eff)
        if kappa_ref is None:
            kappa_ref = kappa
        kappa_prev = kappa

        # M6 (end): retail sales from the stock; heroin for the need fentanyl leaves
        # unmet, from its finite supply at a clearing price; what stays unmet.
        sold = min(stock + Q_d, D)
        stock = stock + Q_d - sold
        heroin_supply = heroin_scale * (1.0 - f) * need
        sought = max(0.0, need - sold)
        heroin_ratio = 1.0
        if sought > heroin_supply:
            if heroin_supply > 0.0 and elasticity < 0.0:
                clearing = (sought / heroin_supply) ** (-1.0 / elasticity)
                heroin_ratio = min(HEROIN_PRICE_CAP, clearing)
            else:
                heroin_ratio = HEROIN_PRICE_CAP
        heroin = min(sought * heroin_ratio ** elasticity, heroin_supply)
        disrupted = max(0.0, 1.0 - sold / recent_sales) if recent_sales > 0.0 else 0.0
        recent_sales = sold + (recent_sales - sold) * keep_dis

        # M7: exposure and fatal hazards (per person-year of a mean user): naloxone
        # reverses at most the overdoses with a bystander able to act.
        exposure = sold / need if need > 0.0 else 0.0
        heroin_exposure = heroin / need if need > 0.0 else 0.0
        unmet = max(0.0, 1.0 - exposure - heroin_exposure) if need > 0.0 else 0.0
        kits = (k_rx * _through(year, rx_points) * (1.0 + g_otc * hist[OTC_NALOXONE])
                + dr.naloxone_kits[t])
        reversed_share = b_nx * -math.expm1(-kits / K_half)
        covid = 1.0 + c_cov * hist[COVID] * math.exp(-covid_months / tau_cov)
        covid_months += hist[COVID]
        common = (covid * (1.0 - reversed_share)
                  * (1.0 + d_R * disrupted))
        phi_F = h_F * exposure * potency * common
        phi_H = h_H * heroin_exposure * common

        # M8: population, competing risks per state; deaths split into the fentanyl
        # (T40.4) and heroin parts, both leaving the population.
        seek = eps_T * (1.0 + k_w * unmet)
        # prevention spending averts p_max (1 − e^(−usd/u₀)) of initiation
        prevented = p_prev * -math.expm1(-dr.prevention_usd[t] / u_prev)
        to_mis, = _competing_exits(n_no, [iota * (1.0 - prevented)])
        # prescription OUD -> illicit market, declining from 2012 with prescribing
        rx_per_month = rx_flow * math.exp(-rx_decline * max(0.0, year - 2012.0)) / 12.0
        from_rx = min(rx_per_month, n_no - to_mis)
        mis_to_oud, mis_to_no, mis_dF, mis_dH = _competing_exits(
            n_mis, [rho, mu_M, w_M * phi_F, w_M * phi_H])
        hi_seek, hi_rem, hi_dF, hi_dH = _competing_exits(
            n_high, [seek, nu, w_high * phi_F, w_high * phi_H])
        lo_seek, lo_rem, lo_dF, lo_dH = _competing_exits(
            n_low, [seek, nu, w_low * phi_F, w_low * phi_H])
        tr_to_post, tr_to_rem, tr_dF, tr_dH = _competing_exits(
            n_tr, [chi_TO, chi_TR, RR_T * phi_F, RR_T * phi_H])
        post_to_oud, post_dF, post_dH = _competing_exits(
            n_post, [POST_TREATMENT_RATE, RR_post * phi_F, RR_post * phi_H])
        rem_to_oud, = _competing_exits(n_rem, [lam_R])
        tr_exits = tr_to_post + tr_to_rem + tr_dF + tr_dH
        room = max(0.0, treatment_capacity(t) - (n_tr - tr_exits))
        wanted = hi_seek + lo_seek
        admitted = min(wanted, room) / wanted if wanted > 0.0 else 0.0  # the rest stay
        deaths_F = mis_dF + hi_dF + lo_dF + tr_dF + post_dF
        deaths_H = mis_dH + hi_dH + lo_dH + tr_dH + post_dH
        into_oud = mis_to_oud + rem_to_oud + post_to_oud + from_rx
        n_no = n_no - to_mis - from_rx + mis_to_no
        n_mis = n_mis - (mis_to_oud + mis_to_no + mis_dF + mis_dH) + to_mis
        n_high = (n_high - (hi_seek + hi_rem + hi_dF + hi_dH) + hi_seek * (1.0 - admitted)
                  + s_H * into_oud)
        n_low = (n_low - (lo_seek + lo_rem + lo_dF + lo_dH) + lo_seek * (1.0 - admitted)
                 + (1.0 - s_H) * into_oud)
        n_post = n_post - (post_to_oud + post_dF + post_dH) + tr_to_post
        n_tr = n_tr - tr_exits + wanted * admitted
        n_rem = n_rem - rem_to_oud + hi_rem + lo_rem + tr_to_rem

        # M9: fentanyl share, supplier-driven diffusion (exact logistic step).
        rate = r0 * _cost_ratio(kappa, kappa_ref) ** (-gamma)
        grow = math.exp(rate / 12.0)
        f = f * grow / (1.0 - f + f * grow)

        # M10: cooperation relaxes toward its target and drops by δ per strike. The
        # target: the baseline moved by the dated turns in force (±s each), by trade
        # pressure (r per unit of tariff) and by engagement, (1 − c0) γ (1 − e^(−usd/u₀)),
        # kept in [0, 1].
        turns = 0.0
        for e, sign in enumerate(turn):
            turns += sign * hist[e]
        engagement = -math.expm1(-dr.engagement_usd[t] / u_eng)
        c_target = min(1.0, max(0.0, c0 + shift_c * turns + r_tariff * dr.tariff[t]
                                + (1.0 - c0) * g_e * engagement))
        c = min(1.0, max(0.0, c_target + (c - c_target) * keep_c - drop_s * strikes_now))

        # M11: costs, USD per month. Trade, as US GDP or welfare lost: w per USD of the
        # trade lost to a breakdown of cooperation; the Harberger triangle τ ΔI / 2 of a
        # levied tariff, ΔI = I (1 − (1 + τ)^(−ε)); border waits W Δs for the scan rate
        # added above the history (the poe_inspection cost driver).
        tau_levied = dr.tariff_applied[t]
        imports_lost = -IMPORTS_USD_PER_YEAR * math.expm1(-eps_imp * math.log1p(tau_levied))
        scan_added = dr.activity[t][COST_ITEMS.index("poe_inspection")]
        trade_cost = (w_tr * TRADE_USD_PER_YEAR * phi_tr * max(0.0, 1.0 - chi)
                      + 0.5 * tau_levied * imports_lost + W_wait * scan_added) / 12.0
        # treatment is charged for the added slots filled at the end of the month
        slots_used = min(dr.treatment_slots[t],
                         max(0.0, n_tr - (treatment_capacity(t) - dr.treatment_slots[t])))
        policy_cost = 0.0
        for i, price_i in enumerate(cost_item):
            driver = slots_used if COST_ITEMS[i] == "treatment_expansion" else dr.activity[t][i]
            policy_cost += price_i * driver / 12.0

        out["delivered_kg"].append([delivered[m] for m in markets])
        out["flow_kg"].append(flow)
        out["seizures_kg"].append(seized)
        out["supply_kg"].append([x[s] for s in sources])
        out["lab_capacity_kg"].append([K_avail[lab] for lab in labs])
        out["lab_target_kg"].append([K_target[lab] for lab in labs])
        out["production_kg"].append([produced[lab] for lab in labs])
        out["precursor_stock_kg"].append([stock_next[lab] for lab in labs])
        out["lab_seizures_kg"].append([lab_seized[lab] for lab in labs])
        out["lost_kg"].append(lost)
        out["market_pull_kg"].append(pull)
        out["mexico_seizures_kg"].append(mexico)
        out["strike_destroyed_kg"].append(struck_kg)
        out["seizures_lb_ports_of_entry"].append(lb_ports)
        out["seizures_lb_between_ports"].append(lb_between)
        out["crossing_flow_kg"].append([sent_to[cr] for cr in net.crossings])
        out["crossing_seizures_kg"].append([stopped_at[cr] for cr in net.crossings])
        out["overdose_deaths"].append(deaths_F)
        out["heroin_deaths"].append(deaths_H)
        out["opioid_overdose_deaths"].append(deaths_F + deaths_H)
        out["price_usd_per_pure_gram"].append(price)
        out["wholesale_price_usd_per_pure_gram"].append(wholesale)
        out["wholesale_stock_kg"].append(stock)
        out["consumption_kg"].append(sold)
        out["heroin_kg"].append(heroin)
        out["heroin_price_ratio"].append(heroin_ratio)
        out["unmet_share"].append(unmet)
        out["lethal_dose_share"].append(lethal_share)
        out["naloxone_reversal_share"].append(reversed_share)
        out["population"].append([n_no, n_mis, n_high, n_low, n_tr, n_post, n_rem])
        out["encounters_at_ports"].append(E_ports)
        out["encounters_between_ports"].append(E_between)
        out["encounters_by_origin"].append(by_origin)
        out["bp_workload"].append(workload)
        out["guns_south"].append(guns)
        out["gun_stock_mexico"].append(gun_stock)
        out["gun_homicides_mexico"].append(homicides)
        gun_stock = gun_stock * keep_guns + guns
        out["cooperation"].append(c_start)
        out["trade_cost_usd"].append(trade_cost)
        out["policy_cost_usd"].append(policy_cost)
        out["treatment_slots_used"].append(slots_used)
        out["fentanyl_share"].append(f_start)
        out["exposure"].append(exposure)

        # Step 9: learning.
        for a in range(n_arcs):
            r_hat[a] = r_hat[a] + learn * (d[a] - r_hat[a])
        # Step 10: lab rebuilding (exact relaxation) with M4's time constant.
        keep_L = math.exp(-1.0 / tau_eff)
        K = {lab: K_target[lab] + (K_avail[lab] - K_target[lab]) * keep_L for lab in labs}
        S = stock_next
        # Step 11: substitution catches up.
        Z = phi_sub * B + (Z - phi_sub * B) * keep_S
    return out


def _rows(drivers: Any, name: str, T: int, width: int | None) -> list:
    """``drivers.<name>`` as nested lists, checked to have shape (T,) or (T, width)."""
    value = np.asarray(getattr(drivers, name), dtype=float)
    shape = (T,) if width is None else (T, width)
    if value.shape != shape:
        raise ValueError(f"drivers.{name} must have shape {shape}, got {value.shape}")
    return value.tolist()


def simulate_reference(
    net: Any,
    drivers: Any,
    params: Mapping[str, np.ndarray],
    members: Sequence[int] | None = None,
    shocks: np.ndarray | None = None,
    window_end: float = DATA_WINDOW_END,
) -> dict[str, np.ndarray]:
    """Run the whole system of ``docs/model-system.md`` member by member, in plain Python.

    Args:
        net: a ``CompiledNetwork`` (only its data is read: node ids, kinds, attributes,
            crossing types, the arc list with ``cost_usd_per_kg`` in USD/kg, nominal
            ``detection`` probabilities and ``arc_attrs``).
        drivers: a ``Drivers`` with T months, levers in the units a government sets:
            ``scan_rate`` (T, arcs; NII scan rate at the port of entry an arc enters,
            ``SCAN_RATE_REFERENCE`` elsewhere), ``agents`` (T, arcs; Border Patrol
            agents added relative to the sector's own), ``inspectors`` (T, arcs;
            persons added at the Mexican port an arc enters), ``coverage`` (T,
            sources; share of exports controls cover), ``raids`` and ``strikes`` (T,
            labs; counts in the month), ``scheduled`` and ``closed`` (T, arcs) 0/1,
            ``detection`` (T, arcs) nominal detection probabilities, the (T,) series
            ``mx_personnel``, ``processing_staff``, ``gun_officers`` (persons),
            ``asylum_regime``, ``engagement_usd``, ``prevention_usd`` (USD/year),
            ``tariff`` and ``tariff_applied`` (rates), ``treatment_slots`` (persons),
            ``naloxone_kits`` (kits/year), and ``history`` (T, 14), ``activity`` (T,
            16) in the column orders of docs/model-system.md.
        params: ``{name: array of shape (M,)}`` in each parameter's unit (see
            ``borderflow.model.parameters``); every name of ``PARAMETER_NAMES``.
        members: row indices into the ``params`` arrays to run (default: all rows).
        shocks: standard-normal monthly shocks of the post-window potency paths, shape
            (rows of ``params``, 2, T): log powder purity, then the logit of the
            lethal pill share (M7); None for none.
        window_end: decimal year the data end (a forecast record's origin): DEA testing
            and naloxone prescriptions observed from it on are unknown (the last known
            value is held), and the push trends stop a year before it.

    Returns:
        Arrays with a leading member axis (len(members)) and month axis T:
        ``delivered_kg`` (M, T, markets), ``flow_kg``, ``seizures_kg`` (M, T, arcs),
        ``supply_kg`` (M, T, sources), ``lab_capacity_kg`` (``K^a_l``, after
        destruction), ``production_kg``, ``precursor_stock_kg`` (end of month),
        ``lab_seizures_kg`` (M, T, labs), all in pure fentanyl-equivalent kg per month
        (capacity in kg/month of output, stock in kg); ``lost_kg``, ``market_pull_kg``
        (M6's ``D``), ``mexico_seizures_kg`` (M, T) in kg/month;
        ``seizures_lb_ports_of_entry`` and ``seizures_lb_between_ports`` (M, T) in CBP
        gross pounds per month; ``crossing_flow_kg`` (M, T, crossings) kg/month sent to
        each crossing (before seizure). From docs/model-system.md: ``overdose_deaths``
        (T40.4) and ``heroin_deaths`` (persons/month), ``price_usd_per_pure_gram``,
        ``population`` (M, T, 7; persons at the end of the month in the order no_use,
        misuse, oud_high_risk, oud_lower_risk, treatment, post_treatment, remission),
        ``opioid_overdose_deaths`` (T40.4 plus heroin), ``wholesale_price_usd_per_pure_gram``,
        ``wholesale_stock_kg`` (end of month), ``consumption_kg``, ``heroin_kg``,
        ``heroin_price_ratio``, ``unmet_share``, ``lethal_dose_share``,
        ``naloxone_reversal_share``, ``encounters_at_ports``,
        ``encounters_between_ports`` (per month), ``encounters_by_origin`` (M, T, 3;
        mexico, nca, other), ``bp_workload`` (uncapped ``w``), ``guns_south``
        (guns/month), ``gun_homicides_mexico`` (per month), ``cooperation`` and
        ``fentanyl_share`` (at the start of the month), ``trade_cost_usd`` and
        ``policy_cost_usd`` (USD/month), ``treatment_slots_used`` (added MOUD slots
        filled, persons), ``exposure`` (fraction). Sources, labs and
        markets are in the order of ``net.nodes_of_kind(kind)``, arcs in the network's
        arc order.

    Raises:
        ValueError: if the network has a cycle, a node with no path to a market or
            an unknown crossing type, or the drivers' shapes do not fit the network.

    """
    data = _network_data(net)
    years = _years(drivers.months)
    T = len(years)
    n_arcs, n_labs = len(data.tail), len(data.labs)
    series = _Series(
        scan_rate=_rows(drivers, "scan_rate", T, n_arcs),
        agents=_rows(drivers, "agents", T, n_arcs),
        inspectors=_rows(drivers, "inspectors", T, n_arcs),
        coverage=_rows(drivers, "coverage", T, len(data.sources)),
        raids=_rows(drivers, "raids", T, n_labs),
        strikes=_rows(drivers, "strikes", T, n_labs),
        scheduled=_rows(drivers, "scheduled", T, n_arcs),
        detection=_rows(drivers, "detection", T, n_arcs),
        closed=_rows(drivers, "closed", T, n_arcs),
        mx_personnel=_rows(drivers, "mx_personnel", T, None),
        processing_staff=_rows(drivers, "processing_staff", T, None),
        asylum_regime=_rows(drivers, "asylum_regime", T, None),
        gun_officers=_rows(drivers, "gun_officers", T, None),
        engagement_usd=_rows(drivers, "engagement_usd", T, None),
        tariff=_rows(drivers, "tariff", T, None),
        tariff_applied=_rows(drivers, "tariff_applied", T, None),
        treatment_slots=_rows(drivers, "treatment_slots", T, None),
        naloxone_kits=_rows(drivers, "naloxone_kits", T, None),
        prevention_usd=_rows(drivers, "prevention_usd", T, None),
        history=_rows(drivers, "history", T, len(HISTORY_EVENTS)),
        activity=_rows(drivers, "activity", T, len(COST_ITEMS)),
    )

    columns = {name: np.asarray(params[name], dtype=float).tolist() for name in PARAMETER_NAMES}
    n_rows = len(columns[PARAMETER_NAMES[0]])
    rows = list(range(n_rows)) if members is None else [int(i) for i in members]

    runs = []
    for i in rows:
        p = {name: float(columns[name][i]) for name in PARAMETER_NAMES}
        member_shocks = None if shocks is None else np.asarray(shocks[i], dtype=float).tolist()
        runs.append(_simulate_member(data, years, series, p, member_shocks, window_end))

    widths = {
        "delivered_kg": len(data.markets),
        "flow_kg": n_arcs,
        "seizures_kg": n_arcs,
        "supply_kg": len(data.sources),
        "lab_capacity_kg": n_labs,
        "lab_target_kg": n_labs,
        "production_kg": n_labs,
        "precursor_stock_kg": n_labs,
        "lab_seizures_kg": n_labs,
        "crossing_flow_kg": len(data.crossings),
        "crossing_seizures_kg": len(data.crossings),
        "population": len(STATES),
        "encounters_by_origin": len(ORIGINS),
    }
    result = {}
    for name in OUTPUT_NAMES:
        shape = (len(rows), T, widths[name]) if name in widths else (len(rows), T)
        result[name] = np.array([run[name] for run in runs], dtype=float).reshape(shape)
    return result
