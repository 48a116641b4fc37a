"""Turn a scenario's levers and the dated history into the model's drivers.

The history that every scenario shares comes from the cited ``policy_calendar``:

- China's class-wide control of fentanyl-related substances took effect on
  2019-05-01, which the model applies to arcs marked ``finished_fentanyl: true``
  (``scheduled``);
- the dated events of :data:`~borderflow.model.drivers.HISTORY_EVENTS`, each the
  fraction of a month's days inside its ``[start, end)`` window (``history``).

Levers of the same kind combine by their unit: fractions as ``1 − Π(1 − x)``
(precursor control, lab takedowns, strikes, Mexican migration enforcement, southbound
inspection, prevention), effort multipliers and the asylum regime multiply, added
amounts add (processing staff, treatment slots, naloxone kits), and engagement and an
arc's set detection take the largest. ``activity`` holds each lever's cost driver in the unit of
``docs/model-system.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

import numpy as np

from borderflow import data
from borderflow.errors import DataError, NetworkError, ScenarioError
from borderflow.model.drivers import COST_ITEMS, HISTORY_EVENTS, Drivers, model_months
from borderflow.network import CompiledNetwork
from borderflow.policy.levers import (
    ArcClosure,
    ArcDetection,
    AsylumRegime,
    BetweenPortsEnforcement,
    DiplomaticEngagement,
    LabTakedowns,
    MexicanMigrationEnforcement,
    MexicanPortInterdiction,
    MilitaryStrikes,
    NaloxoneDistribution,
    PortOfEntryInspection,
    PrecursorControl,
    Prevention,
    ProcessingCapacity,
    SouthboundInspection,
    TreatmentExpansion,
)
from borderflow.policy.scenario import Scenario

#: policy_calendar: China's class-wide control took effect on 2019-05-01 (a test checks this).
CHINA_CLASS_SCHEDULING = np.datetime64("2019-05", "M")

#: Each history event's ``policy_calendar`` row: its start date, a phrase of its
#: ``event`` text, and where its window ends: ``None`` = the row's own ``end`` (open
#: when empty), or the name of the event whose start ends it.
CALENDAR_ROWS: dict[str, tuple[str, str, str | None]] = {
    "southern_border_program": ("2014-07-07", "Southern Border Program", None),
    "enforcement_2017": ("2017-01-25", "executive order 13767", "administration_2021"),
    "mpp": ("2019-01-29", "Migrant Protection Protocols in force", None),
    "joint_declaration": ("2019-06-07", "Joint Declaration", None),
    "covid": ("2020-03-13", "COVID-19", None),
    "title42": ("2020-03-20", "Title 42 expulsions", None),
    "border_restrictions": ("2020-03-21", "Land-border restrictions", None),
    "administration_2021": ("2021-01-20", "Change of US administration", None),
    "parole_cbp_one": ("2023-01-05", "CBP One", None),
    "asylum_rule_2023": ("2023-05-11", "Circumvention of Lawful Pathways", None),
    "otc_naloxone": ("2023-09-07", "Over-the-counter naloxone", None),
    "asylum_proclamation_2024": ("2024-06-05", "Proclamation 10773", None),
}

#: The end of an open window: after every month the model can simulate.
_OPEN = np.datetime64("9999-12-31", "D")

#: Upper bound of the combined southbound gun inspection (docs/model-system.md).
MAX_GUN_INSPECTION = 0.95


@cache
def history_windows() -> Mapping[str, tuple[np.datetime64, np.datetime64 | None]]:
    """Each event of ``HISTORY_EVENTS``: its ``[start, end)`` days, ``end`` None if open.

    Read once from ``policy_calendar``; every event must match exactly one row (by
    start date and a phrase of the ``event`` text), else :class:`DataError`.
    """
    calendar = data.load("policy_calendar")
    rows = {}
    for event in HISTORY_EVENTS:
        start, phrase, _ = CALENDAR_ROWS[event]
        hit = calendar[
            (calendar["start"].astype(str) == start)
            & calendar["event"].astype(str).str.contains(phrase, regex=False)
        ]
        if len(hit) != 1:
            raise DataError(
                f"policy_calendar: history event {event!r} needs exactly one row starting "
                f"{start} whose event text contains {phrase!r}; found {len(hit)}"
            )
        rows[event] = hit.iloc[0]
    windows: dict[str, tuple[np.datetime64, np.datetime64 | None]] = {}
    for event in HISTORY_EVENTS:
        ends_with = CALENDAR_ROWS[event][2]
        row = rows[event]
        if ends_with is not None:
            end = rows[ends_with]["start"]
        else:
            end = row["end"]
        start = np.datetime64(str(row["start"]), "D")
        stop = None if not isinstance(end, str) or not end else np.datetime64(end, "D")
        if stop is not None and stop <= start:
            raise DataError(f"policy_calendar: event {event!r} ends ({stop}) before {start}")
        windows[event] = (start, stop)
    return MappingProxyType(windows)


def history(months: np.ndarray) -> np.ndarray:
    """Fraction of each month's days inside each event's window, shape (T, events)."""
    first = months.astype("datetime64[M]").astype("datetime64[D]")
    after = (months.astype("datetime64[M]") + 1).astype("datetime64[D]")
    days = (after - first).astype(np.int64)
    out = np.zeros((len(months), len(HISTORY_EVENTS)))
    for j, event in enumerate(HISTORY_EVENTS):
        start, stop = history_windows()[event]
        stop = _OPEN if stop is None else stop
        inside = np.minimum(after, stop) - np.maximum(first, start)
        out[:, j] = np.maximum(inside.astype(np.int64), 0) / days
    return out


def _active(months: np.ndarray, start: str, end: str | None) -> np.ndarray:
    """Boolean mask of the months a lever acts in (end inclusive)."""
    mask = months >= np.datetime64(start, "M")
    if end is not None:
        mask &= months <= np.datetime64(end, "M")
    return mask


def _pick(
    scenario: Scenario, i: int, field: str, wanted: str | list[str], allowed: np.ndarray,
    net: CompiledNetwork, what: str,
) -> np.ndarray:
    """Indices (into ``allowed``) of the nodes a lever names; clear error otherwise."""
    ids = [net.node_ids[n] for n in allowed]
    if wanted == "all":
        return np.arange(len(ids))
    names = [wanted] if isinstance(wanted, str) else wanted
    out = []
    for name in names:
        if name not in ids:
            raise ScenarioError(
                f"{scenario.name}: levers[{i}].{field}: unknown {what} '{name}'; "
                f"allowed: {', '.join(ids)}, all"
            )
        out.append(ids.index(name))
    return np.array(out, dtype=int)


def _crossings(net: CompiledNetwork, crossing_type: str) -> np.ndarray:
    return np.array(
        [n for n in net.nodes_of_kind("crossing") if net.crossing_type[n] == crossing_type],
        dtype=int,
    )


def _added(multiplier: np.ndarray) -> np.ndarray:
    """Mean over nodes of the added effort ``max(0, multiplier − 1)``, shape (T,)."""
    if multiplier.shape[1] == 0:
        return np.zeros(multiplier.shape[0])
    return np.maximum(multiplier - 1.0, 0.0).mean(axis=1)


def _effort_on_arcs(
    net: CompiledNetwork, out: np.ndarray, nodes: np.ndarray, multiplier: np.ndarray
) -> None:
    """Apply per-node multipliers (T, nodes) to every arc entering each node, in place."""
    for k, node in enumerate(nodes):
        out[:, net.arc_head == node] *= multiplier[:, k : k + 1]


def build(
    scenario: Scenario, net: CompiledNetwork, months: np.ndarray | None = None
) -> Drivers:
    """Drivers (T months) of ``scenario`` on ``net``; default months 2010-01 to 2035-12."""
    months = model_months() if months is None else months
    t_n = len(months)
    sources, labs = net.nodes_of_kind("precursor_source"), net.nodes_of_kind("lab_region")
    ports = net.nodes_of_kind("port")
    poes, sectors = _crossings(net, "port_of_entry"), _crossings(net, "between_ports")
    finished = np.array([bool(a.get("finished_fentanyl", False)) for a in net.arc_attrs])
    scheduled = np.outer(months >= CHINA_CLASS_SCHEDULING, finished).astype(float)

    # Per-node multipliers and "kept" shares (1 − fraction), combined lever by lever.
    port_mx = np.ones((t_n, len(ports)))
    poe_us = np.ones((t_n, len(poes)))
    sector_us = np.ones((t_n, len(sectors)))
    keep_open = np.ones((t_n, len(sources)))
    not_taken = np.ones((t_n, len(labs)))
    not_struck = np.ones((t_n, len(labs)))
    # Per-month series.
    mx_kept = np.ones(t_n)
    staff = np.zeros(t_n)
    asylum = np.ones(t_n)
    guns_through = np.ones(t_n)
    engagement = np.zeros(t_n)
    slots = np.zeros(t_n)
    kits = np.zeros(t_n)
    initiating = np.ones(t_n)
    detection = np.tile(net.detection, (t_n, 1))
    upgraded = np.full((t_n, net.n_arcs), -1.0)  # set detection, -1 where none
    closed = np.zeros((t_n, net.n_arcs))
    arc_costs = {"arc_detection": np.zeros(t_n), "arc_closure": np.zeros(t_n)}

    for i, lever in enumerate(scenario.levers):
        on = _active(months, lever.start, lever.end)
        if isinstance(lever, ArcDetection | ArcClosure):
            try:
                a = net.arc_index(lever.tail, lever.head)
            except NetworkError:
                raise ScenarioError(
                    f"{scenario.name}: levers[{i}]: no arc {lever.tail!r} -> "
                    f"{lever.head!r} in the network ({net.source})"
                ) from None
            if isinstance(lever, ArcDetection):
                upgraded[on, a] = np.maximum(upgraded[on, a], lever.detection)
            else:
                closed[on, a] = 1.0
            arc_costs[lever.lever][on] += lever.cost_usd_per_year
            continue
        x = lever.intensity
        if isinstance(lever, PrecursorControl):
            cols = _pick(scenario, i, "source", lever.source, sources, net, "precursor_source")
            keep_open[np.ix_(on, cols)] *= 1.0 - x
        elif isinstance(lever, LabTakedowns):
            cols = _pick(scenario, i, "regions", lever.regions, labs, net, "lab_region")
            not_taken[np.ix_(on, cols)] *= 1.0 - x
        elif isinstance(lever, MilitaryStrikes):
            cols = _pick(scenario, i, "regions", lever.regions, labs, net, "lab_region")
            since = months.astype(np.int64) - np.datetime64(lever.start, "M").astype(np.int64)
            every = lever.repeat_every_months
            hit = on & ((since == 0) if every is None else (since % every == 0))
            not_struck[np.ix_(hit, cols)] *= 1.0 - x
        elif isinstance(lever, MexicanPortInterdiction):
            cols = _pick(scenario, i, "ports", lever.ports, ports, net, "port")
            port_mx[np.ix_(on, cols)] *= x
        elif isinstance(lever, PortOfEntryInspection):
            cols = _pick(scenario, i, "crossings", lever.crossings, poes, net, "port_of_entry")
            poe_us[np.ix_(on, cols)] *= x
        elif isinstance(lever, BetweenPortsEnforcement):
            cols = _pick(scenario, i, "crossings", lever.crossings, sectors, net, "between_ports")
            sector_us[np.ix_(on, cols)] *= x
        elif isinstance(lever, MexicanMigrationEnforcement):
            mx_kept[on] *= 1.0 - x
        elif isinstance(lever, ProcessingCapacity):
            staff[on] += x
        elif isinstance(lever, AsylumRegime):
            asylum[on] *= x
        elif isinstance(lever, SouthboundInspection):
            guns_through[on] *= 1.0 - x
        elif isinstance(lever, DiplomaticEngagement):
            engagement[on] = np.maximum(engagement[on], x)
        elif isinstance(lever, TreatmentExpansion):
            slots[on] += x
        elif isinstance(lever, NaloxoneDistribution):
            kits[on] += x
        else:
            assert isinstance(lever, Prevention)
            initiating[on] *= 1.0 - x

    effort = np.ones((t_n, net.n_arcs))
    _effort_on_arcs(net, effort, poes, poe_us)
    _effort_on_arcs(net, effort, sectors, sector_us)
    effort_mx = np.ones((t_n, net.n_arcs))
    _effort_on_arcs(net, effort_mx, ports, port_mx)
    control, takedown, strike = 1.0 - keep_open, 1.0 - not_taken, 1.0 - not_struck
    mx_migration = 1.0 - mx_kept
    gun_inspection = np.minimum(1.0 - guns_through, MAX_GUN_INSPECTION)
    engagement = np.minimum(engagement, 1.0)
    prevention = 1.0 - initiating

    items = {
        "precursor_control": control @ net.shares(sources, "supply_share"),
        "mexican_port_interdiction": _added(port_mx),
        "lab_takedowns": takedown @ net.shares(labs, "capacity_share"),
        "poe_inspection": _added(poe_us),
        "between_ports_enforcement": _added(sector_us),
        # strikes per year at this month's rate: the cost parameter is USD per strike
        "military_strikes": 12.0 * (strike > 0).any(axis=1),
        "mexican_migration_enforcement": mx_migration,
        "processing_capacity": staff,
        "asylum_regime": np.abs(np.log(asylum)),
        "southbound_inspection": gun_inspection,
        "diplomatic_engagement": engagement,
        "treatment_expansion": slots,
        "naloxone": kits,
        "prevention": prevention,
        **arc_costs,
    }
    activity = np.column_stack([items[name] for name in COST_ITEMS]).astype(float)
    return Drivers(
        months=months,
        effort=effort,
        effort_mx=effort_mx,
        control=control,
        takedown=takedown,
        strike=strike,
        scheduled=scheduled,
        detection=np.where(upgraded >= 0.0, upgraded, detection),
        closed=closed,
        mx_migration=mx_migration,
        processing_staff=staff,
        asylum_regime=asylum,
        gun_inspection=gun_inspection,
        engagement=engagement,
        treatment_slots=slots,
        naloxone_kits=kits,
        prevention=prevention,
        history=history(months),
        activity=activity,
    )
