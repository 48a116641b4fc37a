"""The model's exogenous inputs: lever and history time series, same for every member.

A :class:`Drivers` is plain data built by :mod:`borderflow.policy` from a scenario and
the dated history; the engine and the reference both read it and nothing else of the
scenario. See ``docs/model.md`` and ``docs/model-system.md`` for the symbols.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

START = np.datetime64("2010-01", "M")
END = np.datetime64("2035-12", "M")

#: Dated events (policy_calendar) whose share of each month's days is in ``history``.
HISTORY_EVENTS: tuple[str, ...] = (
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
)

#: Levers' cost drivers, one column of ``activity`` each (unit in docs/model-system.md).
COST_ITEMS: tuple[str, ...] = (
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
    "naloxone",
    "prevention",
    "arc_detection",
    "arc_closure",
)

#: The traffickers' cost of moving a kilogram along a closed arc, USD/kg (judgement:
#: about 100 times a pure kilogram's retail value, so no route through a closed arc is
#: ever chosen while another is open; the logit's share of it underflows to 0).
CLOSED_ARC_COST_USD_PER_KG = 1e7


def model_months(start: np.datetime64 = START, end: np.datetime64 = END) -> np.ndarray:
    """Monthly time axis (``datetime64[M]``) from ``start`` to ``end`` inclusive."""
    return np.arange(start, end + 1, dtype="datetime64[M]")


def decimal_year(months: np.ndarray) -> np.ndarray:
    """Decimal year of the middle of each month: ``year + (month − 1 + 0.5) / 12``."""
    m = months.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    return 1970.0 + (m + 0.5) / 12.0


@dataclass(frozen=True)
class Drivers:
    """Exogenous time series of one scenario (T months); see docs/model-system.md.

    Attributes:
        months: ``datetime64[M]`` axis, shape (T,).
        effort: US-side inspection effort multiplier per arc (1 = status quo),
            shape (T, arcs).
        effort_mx: Mexican-side effort multiplier per arc, scaled by cooperation in
            the model, shape (T, arcs).
        control: fraction of each precursor source's supply stopped, in [0, 1],
            shape (T, sources) with sources in topological order.
        takedown: fraction of lab capacity destroyed per month by Mexican takedowns at
            baseline cooperation, shape (T, labs) with lab regions in topological order.
        strike: fraction of lab capacity destroyed by US strikes in strike months,
            shape (T, labs).
        scheduled: 1 where China's class-wide scheduling applies to a
            finished-fentanyl arc (from 2019-05), else 0, shape (T, arcs).
        detection: nominal detection probability of each arc (the network's, unless an
            ``arc_detection`` lever sets it), shape (T, arcs).
        closed: 1 where an ``arc_closure`` lever closes the arc, else 0, (T, arcs).
        mx_migration: fraction of encounters Mexican enforcement prevents at baseline
            cooperation, (T,).
        processing_staff: civilian processing staff added, persons, (T,).
        asylum_regime: multiplier on encounters (1 = status quo), (T,).
        gun_inspection: fraction of southbound guns stopped, (T,).
        engagement: diplomatic engagement intensity in [0, 1], (T,).
        treatment_slots: MOUD slots added, persons, (T,).
        naloxone_kits: naloxone kits added per year, (T,).
        prevention: fraction by which initiation is reduced, (T,).
        history: share of each month's days inside each event of
            :data:`HISTORY_EVENTS`, shape (T, events).
        activity: each lever's cost driver (:data:`COST_ITEMS`), shape (T, items).

    """

    months: np.ndarray
    effort: np.ndarray
    effort_mx: np.ndarray
    control: np.ndarray
    takedown: np.ndarray
    strike: np.ndarray
    scheduled: np.ndarray
    detection: np.ndarray
    closed: np.ndarray
    mx_migration: np.ndarray
    processing_staff: np.ndarray
    asylum_regime: np.ndarray
    gun_inspection: np.ndarray
    engagement: np.ndarray
    treatment_slots: np.ndarray
    naloxone_kits: np.ndarray
    prevention: np.ndarray
    history: np.ndarray
    activity: np.ndarray

    @property
    def n_months(self) -> int:
        """Number of monthly steps T."""
        return len(self.months)
