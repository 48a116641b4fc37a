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
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, TypeVar

import numpy as np

from borderflow.model import migration, population
from borderflow.model.drivers import (
    COOPERATION_TURNS,
    HISTORY_EVENTS,
    Drivers,
    decimal_year,
)
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
                  "treatment_slots_used", "lethal_dose_share", "naloxone_reversal_share")
_COVID = HISTORY_EVENTS.index("covid")
_OTC = HISTORY_EVENTS.index("otc_naloxone")
_TURNS = np.array([COOPERATION_TURNS.get(e, 0.0) for e in HISTORY_EVENTS])
#: Terms the explain analysis can hold (``run(hold=...)``), see
#: :mod:`borderflow.calibration.explain`.
HOLDABLE = ("potency", "naloxone", "depletion", "disruption", "market", "covid")
#: Members stepped together on one thread by :func:`run_chunked` (a month's arrays stay
#: in cache; ``benchmarks/engine.py`` measures the rate).
CHUNK = 800
_R = TypeVar("_R")


class _Memo(Generic[_R]):
    """A pure step whose last result is reused while its arguments stay the same.

    Some steps depend on drivers that change only now and then (nominal detection,
    effort, closures, scheduling) and on cooperation, which often stays put: they are
    recomputed only in months where an argument differs (by identity, else by value).
    """

    def __init__(self, step: Callable[..., _R]) -> None:
        self.step = step
        self.args: dict[str, object] | None = None
        self.value: _R

    def __call__(self, **args: object) -> _R:
        if self.args is None or any(not _same(v, self.args[k]) for k, v in args.items()):
            self.value, self.args = self.step(**args), args
        return self.value


def _same(a: object, b: object) -> bool:
    return a is b or (isinstance(a, np.ndarray) and np.array_equal(a, b))


class _Hold:
    """Holds named terms at their mean over the twelve months before a start month.

    ``hold`` maps a term of :data:`HOLDABLE` to the month index from which it is held;
    the explain analysis uses it for its counterfactuals. Without ``hold`` every term
    passes through unchanged.
    """

    def __init__(self, hold: Mapping[str, int] | None) -> None:
        unknown = set(hold or {}) - set(HOLDABLE)
        if unknown:
            raise ValueError(f"cannot hold {sorted(unknown)}; holdable: {HOLDABLE}")
        self.start = dict(hold or {})
        self.mean: dict[str, np.ndarray] = {}

    def __call__(self, name: str, t: int, value: np.ndarray, slot: str = "") -> np.ndarray:
        """``value`` of term ``name`` in month ``t``, or its held mean (kept per slot)."""
        start, key = self.start.get(name), name + slot
        if start is None or t < start - 12:
            return value
        if t < start:
            self.mean[key] = self.mean.get(key, 0.0) + value / 12.0
            return value
        return self.mean[key]


def _quote(p: Mapping[str, np.ndarray], pop: Population, share: np.ndarray,
           stock: np.ndarray, ratio: np.ndarray | float, purity: np.ndarray) -> market.Quote:
    return market.quote(
        users=pop.users(p["misuse_use_weight"]), fentanyl_share=share, stock_kg=stock,
        cost_ratio=ratio, purity=purity,
        consumption_g_per_user_month=p["consumption_g_per_user_month"],
        retail_usd_per_pure_gram=p["retail_price_usd_per_pure_gram"],
        wholesale_share_of_retail=p["wholesale_share_of_retail"],
        import_cost_share=p["import_cost_share"],
        stock_holding_months=p["stock_holding_months"],
        inventory_price_elasticity=p["inventory_price_elasticity"],
        price_elasticity=p["price_elasticity"])


def _arc_value(lay: Layout, p: Mapping[str, np.ndarray]) -> np.ndarray:
    """Replacement value lost per kg seized on each arc, USD/kg, (M, arcs)."""
    stages = np.stack([p[name] for name in VALUE_STAGES], axis=1)
    return stages[:, lay.value_stage]


def _initial_state(lay: Layout, p: Mapping[str, np.ndarray], drivers: Drivers,
                   capacity0: np.ndarray, purity0: np.ndarray, fixed: np.ndarray,
                   keep: np.ndarray) -> State:
    """January's state.

    The wholesale stock starts at its usual level; lab capacity is the first month's
    targets (for its market pull) with equal lab sizes.
    """
    m, n_labs = len(p["synthesis_yield"]), len(lay.labs)
    pop = population.initial(p, capacity0)
    share = p["fentanyl_share_2010"].copy()
    usual = _quote(p, pop, share, np.zeros(m), 1.0, purity0).usual_stock_kg
    risk = detection.nominal(p["detection_scale"], drivers.detection[0])
    equal = np.full((m, n_labs), -np.log(n_labs))
    value = _arc_value(lay, p) / p["logit_scale_usd_per_kg"][:, None]
    V, _, R = routing.logit_pass(lay, fixed, risk, equal, value, keep)
    pull = _quote(p, pop, share, usual, 1.0, purity0).pull_kg
    capacity, _ = routing.targets(lay, V, R, pull, p["lab_headroom"])
    return State(risk=risk, precursor_stock_kg=np.zeros((m, n_labs)), lab_capacity_kg=capacity,
                 waiting=np.zeros((m, len(ORIGINS))), substitution=np.zeros(m),
                 fentanyl_share=share, cooperation=p["cooperation_baseline"].copy(),
                 population=pop, wholesale_stock_kg=usual, recent_sales_kg=np.zeros(m))


def _record(out: dict[str, np.ndarray], t: int, **values: np.ndarray) -> None:
    for name, value in values.items():
        if name in out:
            out[name][t] = value


def run(
    net: CompiledNetwork,
    drivers: Drivers,
    params: Mapping[str, np.ndarray],
    arc_detail: bool = True,
    shocks: np.ndarray | None = None,
    hold: Mapping[str, int] | None = None,
    window_end: float = potency.WINDOW_END,
    start: tuple[int, State] | None = None,
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

    Returns:
        Arrays of shape (M, T, …) named as in :data:`OUTPUT_DIMS`; flows in pure
        fentanyl-equivalent kg/month, CBP seizures in gross lb/month, people in
        persons, prices in USD per pure gram, money in USD/month.

    """
    outputs, _ = _run(net, drivers, params, arc_detail, shocks, hold, window_end, start, None)
    return outputs  # type: ignore[return-value]


def _run(net: CompiledNetwork, drivers: Drivers, params: Mapping[str, np.ndarray],
         arc_detail: bool, shocks: np.ndarray | None, hold: Mapping[str, int] | None,
         window_end: float, start: tuple[int, State] | None, stop_at: int | None,
         into: Mapping[str, np.ndarray] | None = None,
         ) -> tuple[dict[str, np.ndarray] | None, State]:
    """:func:`run`'s steps; with ``stop_at``, stop before that month: (None, its state).

    ``into``: where to write the outputs, each (M, T, …) (:func:`output_arrays`); None
    to allocate them.
    """
    lay = layout(net)
    p = {k: np.asarray(v, dtype=float) for k, v in params.items()}
    m, t_n = len(p["synthesis_yield"]), drivers.n_months
    year = decimal_year(drivers.months)
    c0, yld = p["cooperation_baseline"], p["synthesis_yield"]
    arc_value = _arc_value(lay, p)
    value_per_theta = np.ascontiguousarray(arc_value / p["logit_scale_usd_per_kg"][:, None])
    keep = routing.arc_yield(lay.n_arcs, lay.into_lab, yld)
    log_size_of_head = lay.log_size_fixed[net.arc_head]
    held = _Hold(hold)

    # what the drivers and inputs alone determine, every month at once: (M, T) or (T, …)
    purity, lethal_pill, pill_mass = potency.observed_inputs(
        year, {name: p[name] for name, _ in potency.PURITY_POINTS},
        p["lethal_pill_share_logit_error"], p["pill_mass_share_scale"],
        p["purity_volatility_per_sqrt_year"], p["lethal_share_volatility_per_sqrt_year"], shocks,
        window_end)
    lethal = potency.lethal_dose_share(purity, lethal_pill, pill_mass,
                                       p["powder_lethal_purity"], p["dose_dispersion"])
    potency_factor = potency.hazard_factor(lethal, p["lethal_share_elasticity"])
    gross = potency.gross_per_pure(purity, pill_mass, year, window_end)
    reversed_share = overdose.reversal_share(
        overdose.naloxone_kits(year, drivers.history[:, _OTC], drivers.naloxone_kits,
                               p["naloxone_kits_per_rx"], p["naloxone_otc_gain"], window_end),
        p["naloxone_bystander_share"], p["naloxone_half_kits"])
    covid = overdose.covid_factor(drivers.history[:, _COVID], p["covid_hazard_increase"],
                                  p["covid_adaptation_months"])
    moud = overdose.treatment_capacity(year, drivers.treatment_slots,
                                       p["treatment_capacity_scale"])
    rates = population.rates(p)
    from_rx = population.prescription_inflow(year, p["prescription_transition_per_year"],
                                             p["prescription_transition_decline_per_year"])
    # levers: a government's quantities mapped to their effects (members' effectiveness)
    guns_left = guns.share_left(drivers.gun_officers, p["gun_officers_scale"])
    rebuild = labs.rebuild_factor(guns_left, p["resilience_gun_elasticity"],
                                  p["lab_rebuild_months"])
    blocked, open_w, sub_w = substitution.source_weights(
        lay.source_share, effects.stopped_share(drivers.coverage, p["control_effectiveness"]))
    raided = effects.lab_share_reached(drivers.raids, p["raid_active_share"],
                                       p["active_labs"], lay.lab_share)
    struck = effects.lab_share_reached(drivers.strikes, p["strike_labs_reached"],
                                       p["active_labs"], lay.lab_share)
    mx_migration = effects.saturating(drivers.mx_personnel, p["mx_migration_personnel_scale"])
    prevented = effects.saturating(drivers.prevention_usd, p["prevention_usd_scale"],
                                   p["prevention_max_share"])
    coop_target = cooperation.target(
        c0, p["engagement_gain"],
        effects.saturating(drivers.engagement_usd, p["engagement_usd_scale"]),
        drivers.history @ _TURNS, p["cooperation_event_shift"], drivers.tariff,
        p["trade_pressure_response"])
    strikes = drivers.strikes.sum(axis=1)
    # steps whose drivers change only now and then
    arc_costs, log_escape, escape = (_Memo(routing.arc_costs), _Memo(detection.log_escape),
                                     _Memo(detection.escape_before_workload))
    us_effort, port_effort = _Memo(effects.us_effort), _Memo(effects.port_effort)

    def costs_in(t: int) -> tuple[np.ndarray, np.ndarray]:
        return arc_costs(cost_usd_per_kg=net.cost_usd_per_kg, closed=drivers.closed[t],
                         scheduled=drivers.scheduled[t],
                         scheduling_cost_usd_per_kg=p["china_scheduling_cost_usd_per_kg"],
                         logit_scale_usd_per_kg=p["logit_scale_usd_per_kg"],
                         log_size_of_head=log_size_of_head)

    if start is None:
        t0 = 0
        state = _initial_state(lay, p, drivers, moud[:, 0], purity[:, 0], costs_in(0)[1],
                               keep)
    else:
        t0, state = start
    stop = t_n if stop_at is None else stop_at
    recorded = (output_arrays(net, m, stop - t0, arc_detail) if into is None
                else dict(into))
    out = {name: np.moveaxis(arr, 1, 0) for name, arr in recorded.items()
           if name not in SERIES_OUTPUTS}  # month-major views: a month is one write
    for t in range(t0, stop):
        hist, chi = drivers.history[t], state.cooperation / c0  # M1: Mexican efficacy
        # M2 migration and Border Patrol workload
        by_origin, waiting = migration.encounters(p, year[t], hist, drivers.asylum_regime[t],
                                                  mx_migration[:, t], chi, state.waiting,
                                                  window_end - 1.0)
        total = by_origin.sum(axis=1)
        at_ports = migration.ports_share(p, hist) * total
        workload = migration.workload(total - at_ports, p, drivers.processing_staff[t])
        # M3 detection: US effort x Mexican effort (scaled by cooperation) x workload
        log_through, through = escape(
            log_escape=log_escape(detection_scale=p["detection_scale"],
                                  nominal_detection=drivers.detection[t]),
            effort_us=us_effort(scan_rate=drivers.scan_rate[t], agents=drivers.agents[t],
                                scan_effectiveness=p["scan_effectiveness"],
                                bp_agent_elasticity=p["bp_agent_elasticity"]),
            effort_mx=port_effort(inspectors=drivers.inspectors[t],
                                  mx_port_inspectors=p["mx_port_inspectors"]),
            cooperation_ratio=chi, mexican_arc=lay.mexico_arc)
        passing = detection.passing(log_through, through, lay.between_cols, lay.poe_cols,
                                    *migration.effort_factors(workload, p), drivers.closed[t])
        # M5 destruction: Mexican raids scale with cooperation, strikes do not; part of
        # what strikes hit relocates
        k = labs.destroyed_share(raided[:, t], struck[:, t], chi)
        k_mexico = labs.mexican_share(raided[:, t], chi)
        avail = labs.relocate(state.lab_capacity_kg, state.lab_capacity_kg * (1.0 - k),
                              state.lab_capacity_kg * (k - k_mexico), struck[:, t],
                              p["strike_relocation_share"])
        # M6 prices and demand from the wholesale stock; routes, targets, supply, flows
        ratio = (1.0 if state.reference_import_cost_usd_per_kg is None else market.cost_ratio(
            state.import_cost_usd_per_kg, state.reference_import_cost_usd_per_kg))
        q = _quote(p, state.population, state.fentanyl_share, state.wholesale_stock_kg, ratio,
                   purity[:, t])
        cost, fixed = costs_in(t)
        V, P, R = routing.logit_pass(lay, fixed, state.risk, routing.log_lab_size(avail),
                                     value_per_theta, keep)
        k_star, ordered = routing.targets(lay, V, R, q.pull_kg, p["lab_headroom"])
        supply = substitution.supply_kg(ordered, state.substitution, blocked[:, t],
                                        open_w[:, t], sub_w[:, t])
        flow, sent, stock, lost = routing.forward_pass(
            lay, supply, P, passing, state.precursor_stock_kg * (1.0 - k), avail, yld,
            p["precursor_holding_months"])
        detect = 1.0 - passing
        seized, delivered = flow * detect, sent[:, lay.markets]
        kappa = market.import_cost(
            flow, seized, cost, arc_value, delivered.sum(axis=1),
            p["substitution_cost_usd_per_kg"] * substitution.substituted_kg(
                ordered, state.substitution, blocked[:, t]))
        # M6 sales from the stock; heroin for the need fentanyl leaves unmet
        sold, wholesale_stock = market.sell(state.wholesale_stock_kg, delivered.sum(axis=1),
                                            q.demand_kg)
        heroin, heroin_ratio = market.heroin_market(
            q.need_kg, sold, market.heroin_supply_kg(q.need_kg, state.fentanyl_share,
                                                     p["heroin_supply_scale"]),
            p["price_elasticity"])
        x_f, x_h, unmet = market.shares_of_need(q.need_kg, sold, heroin)
        x_f, x_h = held("market", t, x_f), held("market", t, x_h, slot="heroin")
        # M7 fatal hazards; M8 population
        disrupted = 1.0 + p["disruption_hazard_increase"] * overdose.disruption(
            sold, state.recent_sales_kg)
        multiplier = (held("covid", t, covid[:, t]) * held("disruption", t, disrupted)
                      * (1.0 - held("naloxone", t, reversed_share[:, t])))
        phi_f, phi_h = overdose.fatal_hazards(
            fentanyl_exposure=x_f, heroin_exposure=x_h,
            potency_factor=held("potency", t, potency_factor[:, t]), multiplier=multiplier,
            fentanyl_death_rate_per_year=p["fentanyl_death_rate_per_year"],
            heroin_death_rate_per_year=p["heroin_death_rate_per_year"])
        mix = population.risk_mix(state.population, rates)
        pop, deaths_f, deaths_h = population.step(
            state.population, rates, fentanyl_hazard_per_year=phi_f,
            heroin_hazard_per_year=phi_h, treatment_capacity=moud[:, t],
            prevention=prevented[:, t], unmet_share=unmet,
            prescription_inflow_per_year=from_rx[:, t],
            mix_scale=held("depletion", t, mix) / mix)
        lab_seized = state.precursor_stock_kg * k
        by_mexico = state.precursor_stock_kg * k_mexico
        ports_lb, between_lb = seizures.cbp_lb(seized, lay.poe_arc, lay.mail_arc,
                                               lay.between_arc, gross[:, t], p["mail_purity"])
        _record(out, t - t0, delivered_kg=delivered, flow_kg=flow, seizures_kg=seized,
                supply_kg=supply, lab_capacity_kg=avail, lab_target_kg=k_star,
                production_kg=sent[:, lay.labs], precursor_stock_kg=stock,
                lab_seizures_kg=lab_seized, lost_kg=lost, market_pull_kg=q.pull_kg,
                mexico_seizures_kg=seizures.mexico_kg(seized, by_mexico, lay.mexico_arc),
                strike_destroyed_kg=(state.precursor_stock_kg * (1.0 - k_mexico)
                                     * struck[:, t]).sum(axis=1),
                seizures_lb_ports_of_entry=ports_lb, seizures_lb_between_ports=between_lb,
                crossing_flow_kg=seizures.crossing_flow_kg(flow, lay.crossing_in),
                overdose_deaths=deaths_f, heroin_deaths=deaths_h,
                opioid_overdose_deaths=deaths_f + deaths_h,
                price_usd_per_pure_gram=q.retail_usd_per_pure_gram,
                wholesale_price_usd_per_pure_gram=q.wholesale_usd_per_pure_gram,
                wholesale_stock_kg=wholesale_stock, consumption_kg=sold, heroin_kg=heroin,
                heroin_price_ratio=heroin_ratio, unmet_share=unmet,
                population=pop.stack(), encounters_by_origin=by_origin,
                encounters_at_ports=at_ports, encounters_between_ports=total - at_ports,
                bp_workload=workload, cooperation=state.cooperation,
                fentanyl_share=state.fentanyl_share, exposure=x_f)
        # M9 diffusion, M10 cooperation; learning, rebuilding, substitution
        kappa_ref = (kappa if state.reference_import_cost_usd_per_kg is None
                     else state.reference_import_cost_usd_per_kg)
        state = state.replace(
            risk=detection.perceived_risk(state.risk, detect, p["risk_learning_months"]),
            precursor_stock_kg=stock, waiting=waiting, population=pop,
            lab_capacity_kg=labs.rebuild(avail, k_star, rebuild[:, t]),
            substitution=substitution.substitution_level(
                state.substitution, blocked[:, t], p["substitution_share"],
                p["substitution_months"]),
            fentanyl_share=market.diffuse(state.fentanyl_share,
                                          market.cost_ratio(kappa, kappa_ref),
                                          p["diffusion_rate_per_year"],
                                          p["diffusion_cost_elasticity"]),
            cooperation=cooperation.step(state.cooperation, coop_target[:, t],
                                         p["cooperation_recovery_months"],
                                         p["strike_cooperation_drop"], strikes[t]),
            wholesale_stock_kg=wholesale_stock,
            recent_sales_kg=overdose.recent_sales(state.recent_sales_kg, sold,
                                                  p["disruption_months"]),
            import_cost_usd_per_kg=kappa, reference_import_cost_usd_per_kg=kappa_ref)
    if stop_at is not None:
        return None, state
    # the series that depend on the drivers and the recorded cooperation only, computed
    # over every month (the gun stock accumulates from the first) and kept from t0
    guns_south = guns.guns_south(p["guns_south_per_year"], guns_left)
    gun_stock = guns.stock(guns_south, p["gun_stock_years"])
    kept = slice(t0, None)
    series = dict(
        guns_south=guns_south[:, kept],
        gun_stock_mexico=gun_stock[:, kept],
        gun_homicides_mexico=guns.homicides(
            gun_stock, p["gun_homicide_attributable_share"],
            guns.strike_violence(strikes, p["strike_homicide_increase"]))[:, kept],
        trade_cost_usd=costs.trade_cost_usd(
            recorded["cooperation"] / c0[:, None], p["trade_loss_share"],
            p["welfare_per_trade_lost"], drivers.tariff_applied[kept],
            p["import_demand_elasticity"], drivers.scan_added[kept],
            p["border_wait_cost_usd_per_year"]),
        treatment_slots_used=costs.treatment_slots_used(
            recorded["population"][:, :, STATES.index("treatment")], moud[:, kept],
            drivers.treatment_slots[kept]),
        lethal_dose_share=lethal[:, kept], naloxone_reversal_share=reversed_share[:, kept],
    )
    for name, values in series.items():
        recorded[name][...] = values
    return recorded, state


def output_arrays(net: CompiledNetwork, members: int, months: int, arc_detail: bool
                  ) -> dict[str, np.ndarray]:
    """Empty outputs of :func:`run`, each (M, T, …), named as in :data:`OUTPUT_DIMS`.

    The engine writes a month of every member at once, so the arrays are laid out
    month-major (each is a view with the member axis first); the series computed after
    the month loop are member-major.
    """
    lay = layout(net)
    sizes = {"market": len(lay.markets), "arc": lay.n_arcs, "source": len(lay.sources),
             "lab": len(lay.labs), "crossing": len(lay.crossing_in), "state": len(STATES),
             "origin": len(ORIGINS)}
    out = {}
    for name, dims in OUTPUT_DIMS.items():
        if arc_detail or name not in ARC_OUTPUTS:
            shape = tuple(sizes[d] for d in dims)
            out[name] = (np.zeros((members, months, *shape)) if name in SERIES_OUTPUTS
                         else np.moveaxis(np.zeros((months, members, *shape)), 0, 1))
    return out


def state_at(net: CompiledNetwork, drivers: Drivers, params: Mapping[str, np.ndarray],
             month: int, window_end: float = potency.WINDOW_END) -> State:
    """The model's state at the start of month index ``month``, stepped from the first.

    What :func:`run` with ``start=(month, state)`` resumes from; before the data window
    ends no post-window shock has acted, so the state at its end is the history's.
    """
    return _run(net, drivers, params, False, None, None, window_end, None, month)[1]


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
) -> dict[str, np.ndarray]:
    """:func:`run` over member chunks, on a thread per core; same numbers as one call.

    Members are independent, so the ensemble is cut into chunks stepped on ``workers``
    threads (default: one per core; numpy and the compiled passes release the GIL).
    Chunks of :data:`CHUNK` members keep a month's arrays in cache (measured in
    ``benchmarks/engine.py``); each writes its members' rows of one set of outputs, so
    nothing is joined afterwards. Each member's numbers are identical whatever the
    chunking.
    """
    n = len(next(iter(params.values())))
    workers = workers or os.cpu_count() or 1
    size = max(1, min(CHUNK, math.ceil(n / workers)))
    starts = range(0, n, size)
    t0 = 0 if start is None else start[0]
    into = output_arrays(net, n, drivers.n_months - t0, arc_detail)

    def one(i: int) -> None:
        rows = slice(i, i + size)
        _run(net, drivers, {k: np.asarray(v)[rows] for k, v in params.items()}, arc_detail,
             None if shocks is None else shocks[rows], hold, window_end,
             None if start is None else (t0, start[1].rows(rows)), None,
             {name: arr[rows] for name, arr in into.items()})

    if workers == 1 or len(starts) == 1:
        for i in starts:
            one(i)
    else:
        with ThreadPoolExecutor(min(workers, len(starts))) as pool:
            list(pool.map(one, starts))
    return into
