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
    "bicentennial",
    "zambada_arrest",
)

#: The dated turns of US-Mexico cooperation (events of :data:`HISTORY_EVENTS`) and
#: their sign: each moves the cooperation target by ``cooperation_event_shift``.
COOPERATION_TURNS: dict[str, float] = {
    "joint_declaration": 1.0,
    "bicentennial": 1.0,
    "zambada_arrest": -1.0,
}

#: Large-scale NII scan rate of passenger vehicles at southwest land ports the model's
#: nominal port detection refers to: 2 %, the rate of FY2020-FY2022 (cbp_nii_scan_rates;
#: anchor nii_scan_rate_fy2022), when officials believed 5-10 % of southwest-border
#: fentanyl was caught (anchor interdiction_rate_claim, 2022), the network's source.
SCAN_RATE_REFERENCE = 0.02

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
        scan_rate: large-scale NII scan rate of passenger vehicles at the port of entry
            each arc enters (the history, or a ``poe_inspection`` lever's), share of
            vehicles; :data:`SCAN_RATE_REFERENCE` on other arcs, shape (T, arcs).
        agents: Border Patrol agents added at the between-ports crossing each arc
            enters, relative to the agents already there (the sector's equal share of
            the southwest border's), 0 elsewhere, shape (T, arcs).
        inspectors: inspectors added at the Mexican port each arc enters, persons,
            0 elsewhere, shape (T, arcs).
        coverage: share of each precursor source's exports covered by controls since
            2024 (China's September 2024 listing and the levers'), in [0, 1], shape
            (T, sources) with sources in topological order.
        raids: Mexican lab raids a month in each lab region, the status quo's
            (``BASELINE_RAIDS_PER_MONTH`` of :mod:`borderflow.policy.drivers`) plus the
            levers', shape (T, labs) with lab regions in topological order.
        strikes: US strikes on each lab region in the month, shape (T, labs).
        scheduled: 1 where China's class-wide scheduling applies to a
            finished-fentanyl arc (from 2019-05), else 0, shape (T, arcs).
        detection: nominal detection probability of each arc (the network's, unless an
            ``arc_detection`` lever sets it), shape (T, arcs).
        closed: 1 where an ``arc_closure`` lever closes the arc, else 0, (T, arcs).
        mx_personnel: Mexican migration-enforcement personnel added, persons, (T,).
        processing_staff: civilian processing staff added, persons, (T,).
        asylum_regime: multiplier on encounters (1 = status quo), (T,).
        gun_officers: officers added on southbound inspection, persons, (T,).
        engagement_usd: security assistance and engagement, USD per year, (T,).
        tariff: tariff rate threatened or applied on imports from Mexico, (T,).
        tariff_applied: the tariff rate levied (0 when only threatened), (T,).
        treatment_slots: MOUD slots added, persons, (T,).
        naloxone_kits: naloxone kits added per year, (T,).
        prevention_usd: prevention spending, USD per year, (T,).
        history: share of each month's days inside each event of
            :data:`HISTORY_EVENTS`, shape (T, events).
        scan_added: scan rate added over the history by levers, mean over the ports of
            entry, share of vehicles, (T,) (what border waits cost).
        activity: each lever's cost driver, one column per ``cost_items``, (T, items).
        cost_items: the lever kinds ``activity``'s columns price (the policy registry's).

    """

    months: np.ndarray
    scan_rate: np.ndarray
    agents: np.ndarray
    inspectors: np.ndarray
    coverage: np.ndarray
    raids: np.ndarray
    strikes: np.ndarray
    scheduled: np.ndarray
    detection: np.ndarray
    closed: np.ndarray
    mx_personnel: np.ndarray
    processing_staff: np.ndarray
    asylum_regime: np.ndarray
    gun_officers: np.ndarray
    engagement_usd: np.ndarray
    tariff: np.ndarray
    tariff_applied: np.ndarray
    treatment_slots: np.ndarray
    naloxone_kits: np.ndarray
    prevention_usd: np.ndarray
    history: np.ndarray
    scan_added: np.ndarray
    activity: np.ndarray
    cost_items: tuple[str, ...]

    @property
    def n_months(self) -> int:
        """Number of monthly steps T."""
        return len(self.months)
