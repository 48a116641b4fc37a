"""The batched engine: every member of an ensemble stepped at once.

Arrays carry the member as their leading axis. :func:`run` is a thin composer: it
computes what the drivers alone determine for every month at once, then steps a
:class:`~borderflow.model.state.State` month by month through the mechanisms of
:mod:`borderflow.model.steps` (one pure function per concept; ``docs/model.md`` and
``docs/model-system.md`` give the equations and their numbers) and records the
outputs. One month is a handful of passes over the network's nodes in topological
order; each pass is O(arcs) array operations over members, so the cost per
member-month falls as the ensemble grows. No path is ever enumerated.

The engine is pure: it reads a compiled network, the scenario's drivers and the
members' parameters, and returns arrays. It shares no step function with
:mod:`borderflow.reference`, the plain-Python implementation it is tested against.
"""

from __future__ import annotations

import math
import os
from collections import namedtuple
from collections.abc import Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np

from borderflow.model import migration, population
from borderflow.model.drivers import (
    COOPERATION_TURNS,
    HISTORY_EVENTS,
    Drivers,
    decimal_year,
)
from borderflow.model.jit import jit
from borderflow.model.layout import Layout, layout
from borderflow.model.migration import ORIGINS
from borderflow.model.parameters import VALUE_STAGES
from borderflow.model.population import STATES, Population
from borderflow.model.state import State
from borderflow.model.steps import (
    cooperation,
    costs,
    detection,
    effects,
    guns,
    labs,
    market,
    overdose,
    potency,
    routing,
    seizures,
    substitution,
)
from borderflow.network import CompiledNetwork

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
    "strike_destroyed_kg": (),
    "seizures_lb_ports_of_entry": (),
    "seizures_lb_between_ports": (),
    "crossing_flow_kg": ("crossing",),
    "crossing_seizures_kg": ("crossing",),
    "overdose_deaths": (),
    "heroin_deaths": (),
    "opioid_overdose_deaths": (),
    "price_usd_per_pure_gram": (),
    "wholesale_price_usd_per_pure_gram": (),
    "wholesale_stock_kg": (),
    "consumption_kg": (),
    "heroin_kg": (),
    "heroin_price_ratio": (),
    "unmet_share": (),
    "lethal_dose_share": (),
    "naloxone_reversal_share": (),
    "population": ("state",),
    "encounters_by_origin": ("origin",),
    "encounters_at_ports": (),
    "encounters_between_ports": (),
    "bp_workload": (),
    "guns_south": (),
    "gun_stock_mexico": (),
    "gun_homicides_mexico": (),
    "cooperation": (),
    "trade_cost_usd": (),
    "treatment_slots_used": (),
    "fentanyl_share": (),
    "exposure": (),
}

#: Outputs with an ``arc`` dimension, recorded only when ``arc_detail`` is true.
ARC_OUTPUTS = ("flow_kg", "seizures_kg")
#: Outputs that depend on the drivers and on the recorded cooperation only, computed
#: for all months at once after the loop.
SERIES_OUTPUTS = ("guns_south", "gun_stock_mexico", "gun_homicides_mexico", "trade_cost_usd",
                  "lethal_dose_share", "naloxone_reversal_share")
#: Series computed from a recorded output, and that output.
SERIES_NEEDS = {"trade_cost_usd": "cooperation"}
_COVID = HISTORY_EVENTS.index("covid")
_OTC = HISTORY_EVENTS.index("otc_naloxone")
_TURNS = np.array([COOPERATION_TURNS.get(e, 0.0) for e in HISTORY_EVENTS])
#: Terms the explain analysis can hold (``run(hold=...)``), see
#: :mod:`borderflow.calibration.explain`.
HOLDABLE = ("potency", "naloxone", "depletion", "disruption", "market", "covid")
#: Members stepped together on one thread by :func:`run_chunked` (a month's arrays stay
#: in cache; ``benchmarks/engine.py`` measures the rate).
CHUNK = 400
#: Per-member parameters the month loop reads, (M,) each.
LOOP_PARAMETERS = (
    "cooperation_baseline", "synthesis_yield", "deferral_months", "deferral_share",
    "bp_hours_per_month", "processing_hours", "detection_scale", "scan_effectiveness",
    "bp_agent_elasticity", "mx_port_inspectors", "port_diversion_threshold",
    "port_diversion_max", "strike_relocation_share", "misuse_use_weight",
    "consumption_g_per_user_month", "retail_price_usd_per_pure_gram",
    "wholesale_share_of_retail", "import_cost_share", "stock_holding_months",
    "inventory_price_elasticity", "price_elasticity", "china_scheduling_cost_usd_per_kg",
    "logit_scale_usd_per_kg", "lab_headroom", "precursor_holding_months",
    "substitution_cost_usd_per_kg", "heroin_supply_scale", "disruption_hazard_increase",
    "fentanyl_death_rate_per_year", "heroin_death_rate_per_year", "risk_learning_months",
    "substitution_share", "substitution_months", "diffusion_rate_per_year",
    "diffusion_cost_elasticity", "cooperation_recovery_months", "strike_cooperation_drop",
    "disruption_months", "mail_purity", "control_effectiveness", "raid_active_share",
    "strike_labs_reached", "active_labs")
LoopParameters = namedtuple("LoopParameters", LOOP_PARAMETERS)  # type: ignore[misc]


class Monthly(NamedTuple):
    """The drivers the month loop reads, by month (T, …)."""

    asylum_regime: np.ndarray
    processing_staff: np.ndarray
    detection: np.ndarray
    scan_rate: np.ndarray
    agents: np.ndarray
    inspectors: np.ndarray
    closed: np.ndarray
    scheduled: np.ndarray
    strikes: np.ndarray  # strikes on all regions
    raids: np.ndarray  # (T, labs)
    strikes_by_region: np.ndarray  # (T, labs)
    coverage: np.ndarray  # (T, sources)
    treatment_slots: np.ndarray
    detection_changed: np.ndarray  # bool: detection drivers differ from last month's
    costs_changed: np.ndarray  # bool: closures or scheduling differ from last month's
    coverage_changed: np.ndarray  # bool: precursor controls differ from last month's


class Series(NamedTuple):
    """What the drivers and parameters alone determine, by month stepped, (T, M, …)."""

    purity: np.ndarray
    potency_factor: np.ndarray
    reversed_share: np.ndarray
    covid: np.ndarray
    moud: np.ndarray
    prevented: np.ndarray
    from_rx: np.ndarray
    mx_migration: np.ndarray
    rebuild: np.ndarray
    cooperation_target: np.ndarray
    gross_per_pure: np.ndarray
    regime_fixed: np.ndarray
    regime_mexican: np.ndarray
    push: np.ndarray
    ports_share: np.ndarray


#: Outputs the month loop writes (the others are computed after it from the drivers).
LOOP_OUTPUTS = tuple(n for n in OUTPUT_DIMS if n not in SERIES_OUTPUTS)
Recorded = namedtuple("Recorded", LOOP_OUTPUTS)  # type: ignore[misc]
#: In-loop terms the explain analysis can hold, and their slots of running means.
_LOOP_HOLDS = ("disruption", "market", "depletion")


def _held_series(series: np.ndarray, start: int | None, t0: int) -> np.ndarray:
    """A (M, T) term held from month ``start`` at its mean over the 12 months before."""
    if start is None:
        return series
    held, mean = series.copy(), np.zeros(len(series))
    for t in range(max(t0, start - 12), min(start, series.shape[1])):
        mean = mean + series[:, t] / 12.0
    held[:, start:] = mean[:, None]
    return held


@jit
def _held(start: int, t: int, value: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """``value`` in month ``t``, or its mean over the 12 months before ``start``.

    ``mean`` accumulates in place over those months (``start`` < 0: never held).
    """
    if start < 0 or t < start - 12:
        return value
    if t < start:
        mean += value / 12.0
        return value
    return mean


@jit
def _quote(p: LoopParameters, pop: Population, share: np.ndarray, stock: np.ndarray,
           ratio: np.ndarray, purity: np.ndarray) -> market.Quote:
    """The market's quote (:func:`~borderflow.model.steps.market.quote`) for the state."""
    return market.quote(
        population.users(pop, p.misuse_use_weight), share, stock, ratio, purity,
        p.consumption_g_per_user_month, p.retail_price_usd_per_pure_gram,
        p.wholesale_share_of_retail, p.import_cost_share, p.stock_holding_months,
        p.inventory_price_elasticity, p.price_elasticity)


def _arc_value(lay: Layout, p: Mapping[str, np.ndarray]) -> np.ndarray:
    """Replacement value lost per kg seized on each arc, USD/kg, (M, arcs)."""
    stages = np.stack([p[name] for name in VALUE_STAGES], axis=1)
    return np.ascontiguousarray(stages[:, lay.value_stage])


def _initial_state(lay: Layout, p: Mapping[str, np.ndarray], q: LoopParameters,
                   drivers: Drivers, capacity0: np.ndarray, purity0: np.ndarray,
                   fixed: np.ndarray, keep: np.ndarray) -> State:
    """January's state.

    The wholesale stock starts at its usual level; lab capacity is the first month's
    targets (for its market pull) with equal lab sizes.
    """
    m, n_labs = len(p["synthesis_yield"]), len(lay.labs)
    pop = population.initial(p, capacity0)
    share = p["fentanyl_share_2010"].copy()
    usual = _quote(q, pop, share, np.zeros(m), np.ones(m), purity0).usual_stock_kg
    risk = detection.nominal(p["detection_scale"], drivers.detection[0])
    equal = np.full((m, n_labs), -np.log(n_labs))
    value = _arc_value(lay, p) / p["logit_scale_usd_per_kg"][:, None]
    V, _, R = routing.logit_pass(lay, fixed, risk, equal, value, keep)
    pull = _quote(q, pop, share, usual, np.ones(m), purity0).pull_kg
    capacity, _ = routing.targets(lay, V, R, pull, p["lab_headroom"])
    return State(risk=risk, precursor_stock_kg=np.zeros((m, n_labs)), lab_capacity_kg=capacity,
                 waiting=np.zeros((m, len(ORIGINS))), substitution=np.zeros(m),
                 fentanyl_share=share, cooperation=p["cooperation_baseline"].copy(),
                 population=pop, wholesale_stock_kg=usual, recent_sales_kg=np.zeros(m))


def _changed(*rows: np.ndarray) -> np.ndarray:
    """Per month: whether any of these (T, …) drivers differs from the month before."""
    out = np.zeros(len(rows[0]), dtype=np.bool_)
    for r in rows:
        out[1:] |= (r[1:] != r[:-1]).reshape(len(r) - 1, -1).any(axis=1)
    return out


def run(
    net: CompiledNetwork,
    drivers: Drivers,
    params: Mapping[str, np.ndarray],
    arc_detail: bool = True,
    shocks: np.ndarray | None = None,
    hold: Mapping[str, int] | None = None,
    window_end: float = potency.WINDOW_END,
    start: tuple[int, State] | None = None,
    outputs: Collection[str] | None = None,
) -> dict[str, np.ndarray]:
    """Step every member through every month (docs/model.md and docs/model-system.md).

    Args:
        net: the compiled network.
        drivers: the scenario's exogenous time series (T months).
        params: per-member parameter arrays, shape (M,) each (``model.parameters``).
        arc_detail: also return the per-arc ``flow_kg`` and ``seizures_kg`` (memory
            M × T × arcs each); crossing-level flows are always returned.
        shocks: standard-normal shocks of the post-window potency paths, (M, 2, T)
            (:func:`~borderflow.model.steps.potency.post_window_shocks`); None: the
            potency inputs stay at their last observation after the window.
        hold: terms of :data:`HOLDABLE` held at their mean over the twelve months before
            a month index (the explain analysis); None for none.
        window_end: decimal year the data end (default: the packaged window's): DEA
            testing and naloxone prescriptions from it on are unknown, the push trends
            stop a year before it, and ``shocks`` should start at it (a forecast
            record's origin).
        start: ``(t0, state)``: step months ``t0 …`` only, from ``state`` (the state at
            the start of month ``t0`` that :func:`state_at` returns); outputs then cover
            months ``t0 …``. None: from the first month.
        outputs: the outputs to record, names of :data:`OUTPUT_DIMS` (None: all of
            them; the per-arc ones only with ``arc_detail``). Every member-month records
            81 floats on the shipped network; a caller that reads a few records fewer.

    Returns:
        Arrays of shape (M, T, …) named as in :data:`OUTPUT_DIMS`; flows in pure
        fentanyl-equivalent kg/month, CBP seizures in gross lb/month, people in
        persons, prices in USD per pure gram, money in USD/month.

    """
    m = len(params["synthesis_yield"])
    t0 = 0 if start is None else start[0]
    into = _outputs(net, m, drivers.n_months - t0, arc_detail, outputs)
    _run(net, drivers, params, arc_detail, shocks, hold, window_end, start, None, into, 0)
    return _member_first(into)


def _run(net: CompiledNetwork, drivers: Drivers, params: Mapping[str, np.ndarray],
         arc_detail: bool, shocks: np.ndarray | None, hold: Mapping[str, int] | None,
         window_end: float, start: tuple[int, State] | None, stop_at: int | None,
         into: dict[str, np.ndarray] | None, first: int) -> State:
    """:func:`run`'s steps for members ``first …`` of ``into`` (:func:`_outputs`).

    With ``stop_at``, stop before that month and record nothing (``into`` None). Returns
    the state after the last month stepped.
    """
    unknown = set(hold or {}) - set(HOLDABLE)
    if unknown:
        raise ValueError(f"cannot hold {sorted(unknown)}; holdable: {HOLDABLE}")
    hold = dict(hold or {})
    lay = layout(net)
    p = {k: np.ascontiguousarray(v, dtype=float) for k, v in params.items()}
    q = LoopParameters(*(p[name] for name in LOOP_PARAMETERS))
    m, t_n = len(p["synthesis_yield"]), drivers.n_months
    year = decimal_year(drivers.months)
    c0, yld = p["cooperation_baseline"], p["synthesis_yield"]
    arc_value = _arc_value(lay, p)
    keep = routing.arc_yield(lay.n_arcs, lay.into_lab, yld)
    log_size_of_head = lay.log_size_fixed[net.arc_head]
    t0 = 0 if start is None else start[0]

    # what the drivers and inputs alone determine, every month at once: (M, T) or (T, …)
    purity, lethal_pill, pill_mass = potency.observed_inputs(
        year, {name: p[name] for name, _ in potency.PURITY_POINTS},
        p["lethal_pill_share_logit_error"], p["pill_mass_share_scale"],
        p["purity_volatility_per_sqrt_year"], p["lethal_share_volatility_per_sqrt_year"], shocks,
        window_end)
    lethal = potency.lethal_dose_share(purity, lethal_pill, pill_mass,
                                       p["powder_lethal_purity"], p["dose_dispersion"])
    reversed_share = overdose.reversal_share(
        overdose.naloxone_kits(year, drivers.history[:, _OTC], drivers.naloxone_kits,
                               p["naloxone_kits_per_rx"], p["naloxone_otc_gain"], window_end),
        p["naloxone_bystander_share"], p["naloxone_half_kits"])
    moud = overdose.treatment_capacity(year, drivers.treatment_slots,
                                       p["treatment_capacity_scale"])
    # levers: a government's quantities mapped to their effects (members' effectiveness)
    guns_left = guns.share_left(drivers.gun_officers, p["gun_officers_scale"])
    strikes = drivers.strikes.sum(axis=1)
    regime_fixed, regime_mexican = migration.regime(p, drivers.history)
    stop = t_n if stop_at is None else stop_at
    series = Series(*(np.ascontiguousarray(np.moveaxis(x[:, t0:stop], 1, 0)) for x in Series(
        purity=purity,
        potency_factor=_held_series(
            potency.hazard_factor(lethal, p["lethal_share_elasticity"]), hold.get("potency"),
            t0),
        reversed_share=_held_series(reversed_share, hold.get("naloxone"), t0),
        covid=_held_series(
            overdose.covid_factor(drivers.history[:, _COVID], p["covid_hazard_increase"],
                                  p["covid_adaptation_months"]), hold.get("covid"), t0),
        moud=moud,
        prevented=effects.saturating(drivers.prevention_usd, p["prevention_usd_scale"],
                                     p["prevention_max_share"]),
        from_rx=population.prescription_inflow(
            year, p["prescription_transition_per_year"],
            p["prescription_transition_decline_per_year"]),
        mx_migration=effects.saturating(drivers.mx_personnel,
                                        p["mx_migration_personnel_scale"]),
        rebuild=labs.rebuild_factor(guns_left, p["resilience_gun_elasticity"],
                                    p["lab_rebuild_months"]),
        cooperation_target=cooperation.target(
            c0, p["engagement_gain"],
            effects.saturating(drivers.engagement_usd, p["engagement_usd_scale"]),
            (drivers.history * _TURNS).sum(axis=1), p["cooperation_event_shift"],
            drivers.tariff,
            p["trade_pressure_response"]),
        gross_per_pure=potency.gross_per_pure(purity, pill_mass, year, window_end),
        regime_fixed=regime_fixed, regime_mexican=regime_mexican,
        push=migration.push(p, year, window_end - 1.0),
        ports_share=migration.ports_share(p, drivers.history),
    )))  # the months stepped, month-major: a month of every member is contiguous
    monthly = Monthly(
        asylum_regime=np.asarray(drivers.asylum_regime, dtype=float),
        processing_staff=np.asarray(drivers.processing_staff, dtype=float),
        detection=np.asarray(drivers.detection, dtype=float),
        scan_rate=np.asarray(drivers.scan_rate, dtype=float),
        agents=np.asarray(drivers.agents, dtype=float),
        inspectors=np.asarray(drivers.inspectors, dtype=float),
        closed=np.asarray(drivers.closed, dtype=float),
        scheduled=np.asarray(drivers.scheduled, dtype=float),
        strikes=np.asarray(strikes, dtype=float),
        raids=np.asarray(drivers.raids, dtype=float),
        strikes_by_region=np.asarray(drivers.strikes, dtype=float),
        coverage=np.asarray(drivers.coverage, dtype=float),
        treatment_slots=np.asarray(drivers.treatment_slots, dtype=float),
        detection_changed=_changed(drivers.detection, drivers.scan_rate, drivers.agents,
                                   drivers.inspectors),
        costs_changed=_changed(drivers.closed, drivers.scheduled),
        coverage_changed=_changed(drivers.coverage),
    )
    if start is None:
        _, fixed = routing.arc_costs(net.cost_usd_per_kg, monthly.closed[0],
                                     monthly.scheduled[0],
                                     p["china_scheduling_cost_usd_per_kg"],
                                     p["logit_scale_usd_per_kg"], log_size_of_head)
        state = _initial_state(lay, p, q, drivers, moud[:, 0], purity[:, 0], fixed, keep)
    else:
        state = start[1]
    record = into is not None
    loop_out = Recorded(*(  # an output not recorded: an empty placeholder of its type
        into[name] if into is not None and name in into
        else np.zeros((0,) + (1,) * (1 + len(OUTPUT_DIMS[name]))) for name in LOOP_OUTPUTS))
    hold_start = np.array([hold.get(name, -1) for name in _LOOP_HOLDS], dtype=np.int64)
    pop = state.population
    has_reference = state.reference_import_cost_usd_per_kg is not None
    final = _months(
        t0, stop, first, record, q, lay, monthly, series,
        population.rates(p), keep, arc_value, np.ascontiguousarray(arc_value / p[
            "logit_scale_usd_per_kg"][:, None]), net.cost_usd_per_kg, log_size_of_head,
        hold_start, np.zeros((len(_LOOP_HOLDS) + 1, m)),
        np.ascontiguousarray(state.risk), np.ascontiguousarray(state.precursor_stock_kg),
        np.ascontiguousarray(state.lab_capacity_kg), np.ascontiguousarray(state.waiting),
        np.ascontiguousarray(state.substitution), np.ascontiguousarray(state.fentanyl_share),
        np.ascontiguousarray(state.cooperation),
        Population(*(np.ascontiguousarray(x) for x in pop)),
        np.ascontiguousarray(state.wholesale_stock_kg),
        np.ascontiguousarray(state.recent_sales_kg),
        np.ascontiguousarray(state.import_cost_usd_per_kg) if has_reference else np.zeros(m),
        (np.ascontiguousarray(state.reference_import_cost_usd_per_kg) if has_reference
         else np.zeros(m)),
        has_reference, loop_out)
    (risk, precursor, capacity, waiting, subst, share, coop, pop, stock, recent, kappa,
     kappa_ref, has_reference) = final
    state = State(risk=risk, precursor_stock_kg=precursor, lab_capacity_kg=capacity,
                  waiting=waiting, substitution=subst, fentanyl_share=share, cooperation=coop,
                  population=pop, wholesale_stock_kg=stock, recent_sales_kg=recent,
                  import_cost_usd_per_kg=kappa if has_reference else None,
                  reference_import_cost_usd_per_kg=kappa_ref if has_reference else None)
    if not record:
        return state
    # the series that depend on the drivers and the recorded cooperation only, computed
    # over every month (the gun stock accumulates from the first) and kept from t0
    rows, kept = slice(first, first + m), slice(t0, None)
    guns_south = guns.guns_south(p["guns_south_per_year"], guns_left)
    gun_stock = guns.stock(guns_south, p["gun_stock_years"])
    series_out = dict(
        guns_south=guns_south[:, kept],
        gun_stock_mexico=gun_stock[:, kept],
        gun_homicides_mexico=guns.homicides(
            gun_stock, p["gun_homicide_attributable_share"],
            guns.strike_violence(strikes, p["strike_homicide_increase"]))[:, kept],
        trade_cost_usd=lambda: costs.trade_cost_usd(
            into["cooperation"][:, rows].T / c0[:, None], p["trade_loss_share"],
            p["welfare_per_trade_lost"], drivers.tariff_applied[kept],
            p["import_demand_elasticity"], drivers.scan_added[kept],
            p["border_wait_cost_usd_per_year"]),
        lethal_dose_share=lethal[:, kept], naloxone_reversal_share=reversed_share[:, kept],
    )
    for name, values in series_out.items():
        if name in into:
            into[name][rows] = values() if callable(values) else values
    return state


@jit
def _put(out: np.ndarray, month: int, first: int, value: np.ndarray) -> None:
    """Write a month of some members' values into ``out`` (month-major), if recorded.

    An output not asked for is an empty placeholder (no months), written nothing.
    """
    if month < out.shape[0]:
        out[month, first:first + value.shape[0]] = value


@jit
def _months(t0: int, stop: int, first: int, record: bool, p: LoopParameters, lay: Layout,
            d: Monthly, s: Series, rates: population.Rates,
            keep: np.ndarray, arc_value: np.ndarray, value_per_theta: np.ndarray,
            cost_usd_per_kg: np.ndarray, log_size_of_head: np.ndarray,
            hold_start: np.ndarray, held: np.ndarray, risk: np.ndarray,
            precursor: np.ndarray, capacity: np.ndarray, waiting: np.ndarray,
            subst: np.ndarray, share: np.ndarray, coop: np.ndarray, pop: Population,
            stock: np.ndarray, recent: np.ndarray, kappa_last: np.ndarray,
            kappa_ref: np.ndarray, has_reference: bool, out: Recorded) -> tuple:
    """The month loop: compose the steps for months ``t0 … stop − 1`` (compiled).

    Reads the state at the start of month ``t0`` and returns it after ``stop − 1``;
    writes each month's outputs into ``out`` (month-major, rows ``first …``) when
    ``record``. Steps whose drivers change only now and then (detection, efforts,
    arc costs) are recomputed only in months where their drivers or cooperation change.
    """
    c0, yld = p.cooperation_baseline, p.synthesis_yield
    m = len(yld)
    cost, fixed = routing.arc_costs(cost_usd_per_kg, d.closed[t0], d.scheduled[t0],
                                    p.china_scheduling_cost_usd_per_kg,
                                    p.logit_scale_usd_per_kg, log_size_of_head)
    log_escape = detection.log_escape(p.detection_scale, d.detection[t0])
    effort_us = effects.us_effort(d.scan_rate[t0], d.agents[t0], p.scan_effectiveness,
                                  p.bp_agent_elasticity)
    effort_mx = effects.port_effort(d.inspectors[t0], p.mx_port_inspectors)
    chi_used = coop / c0
    every_arc = np.arange(lay.n_arcs)
    log_through, through = detection.escape_before_workload(
        log_escape, effort_us, effort_mx, chi_used, lay.mexico_arc, every_arc,
        (np.empty_like(log_escape), np.empty_like(log_escape)))
    blocked, open_weight, substitute_weight = substitution.source_weights(
        lay.source_share, effects.stopped_share(d.coverage[t0], p.control_effectiveness))
    for t in range(t0, stop):
        i = t - t0  # the month's index in the series and the outputs
        chi = coop / c0  # M1: Mexican efficacy
        # M2 migration and Border Patrol workload
        by_origin, waiting_next = migration.encounters(
            s.regime_fixed[i], s.regime_mexican[i], d.asylum_regime[t],
            s.mx_migration[i], chi, s.push[i], waiting, p.deferral_months,
            p.deferral_share)
        total = by_origin.sum(axis=1)
        at_ports = s.ports_share[i] * total
        workload = migration.workload(total - at_ports, d.processing_staff[t],
                                      p.bp_hours_per_month, p.processing_hours)
        # M3 detection: US effort x Mexican effort (scaled by cooperation) x workload
        if t > t0 and d.detection_changed[t]:
            log_escape = detection.log_escape(p.detection_scale, d.detection[t])
            effort_us = effects.us_effort(d.scan_rate[t], d.agents[t], p.scan_effectiveness,
                                          p.bp_agent_elasticity)
            effort_mx = effects.port_effort(d.inspectors[t], p.mx_port_inspectors)
            chi_used = chi
            log_through, through = detection.escape_before_workload(
                log_escape, effort_us, effort_mx, chi, lay.mexico_arc, every_arc,
                (log_through, through))
        elif not np.array_equal(chi, chi_used):  # only Mexico's arcs depend on χ
            chi_used = chi
            log_through, through = detection.escape_before_workload(
                log_escape, effort_us, effort_mx, chi, lay.mexico_arc, lay.mexico_arcs,
                (log_through, through))
        effort_between, effort_ports = migration.effort_factors(
            workload, p.port_diversion_threshold, p.port_diversion_max)
        passing = detection.passing(log_through, through, lay.between_cols, lay.poe_cols,
                                    effort_between, effort_ports, d.closed[t])
        # M5 destruction: Mexican raids scale with cooperation, strikes do not; part of
        # what strikes hit relocates
        raided = effects.lab_share_reached(d.raids[t], p.raid_active_share, p.active_labs,
                                           lay.lab_share)
        struck = effects.lab_share_reached(d.strikes_by_region[t], p.strike_labs_reached,
                                           p.active_labs, lay.lab_share)
        k = labs.destroyed_share(raided, struck, chi)
        k_mexico = labs.mexican_share(raided, chi)
        avail = labs.relocate(capacity, capacity * (1.0 - k), capacity * (k - k_mexico),
                              struck, p.strike_relocation_share)
        # M6 prices and demand from the wholesale stock; routes, targets, supply, flows
        ratio = (market.cost_ratio(kappa_last, kappa_ref) if has_reference
                 else np.ones(m))
        q = _quote(p, pop, share, stock, ratio, s.purity[i])
        if t > t0 and d.costs_changed[t]:
            cost, fixed = routing.arc_costs(cost_usd_per_kg, d.closed[t], d.scheduled[t],
                                            p.china_scheduling_cost_usd_per_kg,
                                            p.logit_scale_usd_per_kg, log_size_of_head)
        V, P, R = routing.logit_pass(lay, fixed, risk, routing.log_lab_size(avail),
                                     value_per_theta, keep)
        k_star, ordered = routing.targets(lay, V, R, q.pull_kg, p.lab_headroom)
        if t > t0 and d.coverage_changed[t]:
            blocked, open_weight, substitute_weight = substitution.source_weights(
                lay.source_share,
                effects.stopped_share(d.coverage[t], p.control_effectiveness))
        supply = substitution.supply_kg(ordered, subst, blocked, open_weight,
                                        substitute_weight)
        flow, sent, precursor_next, lost = routing.forward_pass(
            lay, supply, P, passing, precursor * (1.0 - k), avail, yld,
            p.precursor_holding_months)
        detect = 1.0 - passing
        seized = flow * detect
        delivered = sent[:, lay.markets]
        delivered_total = delivered.sum(axis=1)
        kappa = market.import_cost(
            flow, seized, cost, arc_value, delivered_total,
            p.substitution_cost_usd_per_kg * substitution.substituted_kg(
                ordered, subst, blocked))
        # M6 sales from the stock; heroin for the need fentanyl leaves unmet
        sold, stock_next = market.sell(stock, delivered_total, q.demand_kg)
        heroin, heroin_ratio = market.heroin_market(
            q.need_kg, sold, market.heroin_supply_kg(q.need_kg, share, p.heroin_supply_scale),
            p.price_elasticity)
        x_f, x_h, unmet = market.shares_of_need(q.need_kg, sold, heroin)
        x_f = _held(hold_start[1], t, x_f, held[1])
        x_h = _held(hold_start[1], t, x_h, held[2])
        # M7 fatal hazards; M8 population
        disrupted = 1.0 + p.disruption_hazard_increase * overdose.disruption(sold, recent)
        multiplier = (s.covid[i] * _held(hold_start[0], t, disrupted, held[0])
                      * (1.0 - s.reversed_share[i]))
        phi_f, phi_h = overdose.fatal_hazards(
            x_f, x_h, s.potency_factor[i], multiplier, p.fentanyl_death_rate_per_year,
            p.heroin_death_rate_per_year)
        mix = population.risk_mix(pop, rates)
        pop_next, deaths_f, deaths_h = population.step(
            pop, rates, phi_f, phi_h, s.moud[i], s.prevented[i], unmet,
            s.from_rx[i], _held(hold_start[2], t, mix, held[3]) / mix)
        if record:
            ports_lb, between_lb = seizures.cbp_lb(seized, lay.poe_arc, lay.mail_arc,
                                                   lay.between_arc, s.gross_per_pure[i],
                                                   p.mail_purity)
            _put(out.delivered_kg, i, first, delivered)
            _put(out.flow_kg, i, first, flow)
            _put(out.seizures_kg, i, first, seized)
            _put(out.supply_kg, i, first, supply)
            _put(out.lab_capacity_kg, i, first, avail)
            _put(out.lab_target_kg, i, first, k_star)
            _put(out.production_kg, i, first, sent[:, lay.labs])
            _put(out.precursor_stock_kg, i, first, precursor_next)
            _put(out.lab_seizures_kg, i, first, precursor * k)
            _put(out.lost_kg, i, first, lost)
            _put(out.market_pull_kg, i, first, q.pull_kg)
            _put(out.mexico_seizures_kg, i, first,
                 seizures.mexico_kg(seized, precursor * k_mexico, lay.mexico_arc))
            _put(out.strike_destroyed_kg, i, first,
                 (precursor * (1.0 - k_mexico) * struck).sum(axis=1))
            _put(out.seizures_lb_ports_of_entry, i, first, ports_lb)
            _put(out.seizures_lb_between_ports, i, first, between_lb)
            _put(out.crossing_flow_kg, i, first,
                 seizures.into_crossings(flow, lay.crossing_in))
            _put(out.crossing_seizures_kg, i, first,
                 seizures.into_crossings(seized, lay.crossing_in))
            _put(out.overdose_deaths, i, first, deaths_f)
            _put(out.heroin_deaths, i, first, deaths_h)
            _put(out.opioid_overdose_deaths, i, first, deaths_f + deaths_h)
            _put(out.price_usd_per_pure_gram, i, first, q.retail_usd_per_pure_gram)
            _put(out.wholesale_price_usd_per_pure_gram, i, first,
                 q.wholesale_usd_per_pure_gram)
            _put(out.wholesale_stock_kg, i, first, stock_next)
            _put(out.consumption_kg, i, first, sold)
            _put(out.heroin_kg, i, first, heroin)
            _put(out.heroin_price_ratio, i, first, heroin_ratio)
            _put(out.unmet_share, i, first, unmet)
            _put(out.population, i, first, population.stack(pop_next))
            _put(out.treatment_slots_used, i, first, costs.treatment_slots_used(
                pop_next.Tr, s.moud[i], d.treatment_slots[t]))
            _put(out.encounters_by_origin, i, first, by_origin)
            _put(out.encounters_at_ports, i, first, at_ports)
            _put(out.encounters_between_ports, i, first, total - at_ports)
            _put(out.bp_workload, i, first, workload)
            _put(out.cooperation, i, first, coop)
            _put(out.fentanyl_share, i, first, share)
            _put(out.exposure, i, first, x_f)
        # M9 diffusion, M10 cooperation; learning, rebuilding, substitution
        if not has_reference:
            kappa_ref = kappa
            has_reference = True
        risk = detection.perceived_risk(risk, detect, p.risk_learning_months)
        precursor, waiting, pop, stock = precursor_next, waiting_next, pop_next, stock_next
        capacity = labs.rebuild(avail, k_star, s.rebuild[i])
        subst = substitution.substitution_level(subst, blocked, p.substitution_share,
                                                p.substitution_months)
        share = market.diffuse(share, market.cost_ratio(kappa, kappa_ref),
                               p.diffusion_rate_per_year, p.diffusion_cost_elasticity)
        coop = cooperation.step(coop, s.cooperation_target[i],
                                p.cooperation_recovery_months, p.strike_cooperation_drop,
                                d.strikes[t])
        recent = overdose.recent_sales(recent, sold, p.disruption_months)
        kappa_last = kappa
    return (risk, precursor, capacity, waiting, subst, share, coop, pop, stock, recent,
            kappa_last, kappa_ref, has_reference)


def _outputs(net: CompiledNetwork, members: int, months: int, arc_detail: bool,
             outputs: Collection[str] | None = None) -> dict[str, np.ndarray]:
    """Empty outputs for :func:`_run`.

    The loop writes a month of every member at once, so its outputs are month-major
    (T, M, …); the series computed after the loop are member-major (M, T). ``outputs``:
    the names to record (None: all; the per-arc ones only with ``arc_detail``).
    """
    unknown = set(outputs or ()) - set(OUTPUT_DIMS)
    if unknown:
        raise ValueError(f"unknown outputs {sorted(unknown)}; known: {list(OUTPUT_DIMS)}")
    if outputs is not None:  # and what the series asked for are computed from
        outputs = {*outputs, *(SERIES_NEEDS[n] for n in outputs if n in SERIES_NEEDS)}
    lay = layout(net)
    sizes = {"market": len(lay.markets), "arc": lay.n_arcs, "source": len(lay.sources),
             "lab": len(lay.labs), "crossing": len(lay.crossing_in), "state": len(STATES),
             "origin": len(ORIGINS)}
    out = {}
    for name, dims in OUTPUT_DIMS.items():
        if (arc_detail or name not in ARC_OUTPUTS) and (outputs is None or name in outputs):
            shape = tuple(sizes[d] for d in dims)
            out[name] = (np.zeros((members, months, *shape)) if name in SERIES_OUTPUTS
                         else np.zeros((months, members, *shape)))
    return out


def _member_first(into: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """:func:`_outputs` as :func:`run` returns them, each (M, T, …) (views)."""
    return {name: arr if name in SERIES_OUTPUTS else np.moveaxis(arr, 0, 1)
            for name, arr in into.items()}


def state_at(net: CompiledNetwork, drivers: Drivers, params: Mapping[str, np.ndarray],
             month: int, window_end: float = potency.WINDOW_END) -> State:
    """The model's state at the start of month index ``month``, stepped from the first.

    What :func:`run` with ``start=(month, state)`` resumes from; before the data window
    ends no post-window shock has acted, so the state at its end is the history's.
    """
    return _run(net, drivers, params, False, None, None, window_end, None, month, None, 0)


def run_chunked(
    net: CompiledNetwork,
    drivers: Drivers,
    params: Mapping[str, np.ndarray],
    arc_detail: bool = True,
    workers: int | None = None,
    shocks: np.ndarray | None = None,
    hold: Mapping[str, int] | None = None,
    window_end: float = potency.WINDOW_END,
    start: tuple[int, State] | None = None,
    outputs: Collection[str] | None = None,
) -> dict[str, np.ndarray]:
    """:func:`run` over member chunks, on a thread per core; same numbers as one call.

    Members are independent, so the ensemble is cut into chunks stepped on ``workers``
    threads (default: one per core; numpy and the compiled passes release the GIL).
    Chunks of up to :data:`CHUNK` members, as many for each thread, keep a month's
    arrays in cache (measured in ``benchmarks/engine.py``); each writes its members'
    rows of one set of outputs, so nothing is joined afterwards. Each member's numbers
    are identical whatever the chunking.
    """
    n = len(next(iter(params.values())))
    workers = workers or os.cpu_count() or 1
    rounds = math.ceil(n / (workers * CHUNK))  # every thread gets as many chunks
    size = max(1, math.ceil(n / (workers * rounds)))
    starts = range(0, n, size)
    t0 = 0 if start is None else start[0]
    into = _outputs(net, n, drivers.n_months - t0, arc_detail, outputs)

    def one(i: int) -> None:
        rows = slice(i, i + size)
        _run(net, drivers, {k: np.asarray(v)[rows] for k, v in params.items()}, arc_detail,
             None if shocks is None else shocks[rows], hold, window_end,
             None if start is None else (t0, start[1].rows(rows)), None, into, i)

    if workers == 1 or len(starts) == 1:
        for i in starts:
            one(i)
    else:
        with ThreadPoolExecutor(min(workers, len(starts))) as pool:
            list(pool.map(one, starts))
    return _member_first(into)
