"""Encounters at the southwest border and Border Patrol workload (mechanism 9), over arrays.

See docs/model-system.md, step M2.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from borderflow.model.drivers import HISTORY_EVENTS
from borderflow.model.jit import jit

ORIGINS: tuple[str, ...] = ("mexico", "nca", "other")
#: Events with an encounter multiplier ``enc_<event>`` (COVID-19 and over-the-counter
#: naloxone act on deaths only, the Bicentennial Framework and the 2024 arrests on
#: cooperation only).
ENCOUNTER_EVENTS = tuple(e for e in HISTORY_EVENTS if e not in (
    "covid", "otc_naloxone", "bicentennial", "zambada_arrest"))
#: Events that are Mexico's own enforcement: their effect scales with cooperation.
MEXICAN_EVENTS = ("southern_border_program", "joint_declaration")
_EVENT_COLUMNS = [HISTORY_EVENTS.index(e) for e in ENCOUNTER_EVENTS]
_CBP_ONE = HISTORY_EVENTS.index("parole_cbp_one")
_TITLE42 = HISTORY_EVENTS.index("title42")
HOURS_PER_STAFF_MONTH = 160.0  # hours a full-time staff member works a month (40 h x 4)
#: The push trends run to the end of the cited data (2023) and hold after: a status quo
#: projection, not an extrapolation of growth (judgement).
PUSH_TREND_END = 2024.0


def regime(p: Mapping[str, np.ndarray], history: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The policy regime's log encounter factor by month: its own and Mexico's part.

    ``ln factor = fixed + χ mexican`` in a month (:func:`encounters` adds the asylum
    regime and the added Mexican enforcement): each event's ``ln enc_<event>`` weighted
    by the share of the month inside it, Mexico's own programmes (:data:`MEXICAN_EVENTS`)
    scaling with cooperation ``χ``.

    Args:
        p: parameters (per-member arrays).
        history: share of each month inside each of ``HISTORY_EVENTS``, (T, events).

    Returns ``(fixed, mexican)``, each (M, T).

    """
    m = len(p["deferral_months"])
    fixed = np.zeros((m, len(history)))
    mexican = np.zeros((m, len(history)))
    for event, col in zip(ENCOUNTER_EVENTS, _EVENT_COLUMNS, strict=True):
        term = np.log(p[f"enc_{event}"])[:, None] * history[:, col]
        if event in MEXICAN_EVENTS:
            mexican += term
        else:
            fixed += term
    return fixed, mexican


def push(p: Mapping[str, np.ndarray], year: np.ndarray,
         push_trend_end: float = PUSH_TREND_END) -> np.ndarray:
    """Would-be migrants a month by origin group before any deterrence, (M, T, 3).

    Each group's 2015 level times its push trend, which stops at ``push_trend_end``
    (a year before the data end): a status quo projection, not an extrapolation.
    """
    trend_years = np.minimum(year, push_trend_end) - 2015.0
    return np.stack([
        p[f"encounters_{g}_2015"][:, None] * np.exp(p[f"push_trend_{g}"][:, None] * trend_years)
        for g in ORIGINS
    ], axis=2)


@jit
def encounters(regime_fixed: np.ndarray, regime_mexican: np.ndarray, asylum_regime: float,
               mx_migration: np.ndarray, chi: np.ndarray, push: np.ndarray, waiting: np.ndarray,
               deferral_months: np.ndarray, deferral_share: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """Encounters per month by origin group, and the deferred pool a month later.

    Would-be migrants arrive from the push (:func:`push`) plus those released from the
    pool of the deferred (a share ``1 / deferral_months`` of it each month). The regime
    factor (policy events, asylum regime, Mexican enforcement; Mexico's own programmes
    scale with cooperation ``χ``) turns them into encounters; where it is below 1 it
    stops the rest, of whom ``deferral_share`` wait and try again later (a queue in
    Mexican border cities or at home) and the others give up. So a deterrent regime
    shifts encounters in time as well as cutting them.

    Args:
        regime_fixed: this month's log factor of the events and the asylum regime, (M,).
        regime_mexican: this month's log factor of Mexico's own programmes, (M,).
        asylum_regime: multiplier from the asylum-regime lever this month.
        mx_migration: share prevented by added Mexican enforcement at baseline
            cooperation, (M,).
        chi: cooperation relative to its baseline, (M,).
        push: this month's would-be migrants by origin group, persons, (M, 3).
        waiting: the pool of deferred would-be migrants, persons, (M, 3).
        deferral_months: months a deferred would-be migrant waits on average, (M,).
        deferral_share: share of those stopped who wait and try again, (M,).

    Returns:
        ``(encounters, waiting)``: encounters per month by origin group and the pool of
        deferred migrants (persons), each (M, 3) in :data:`ORIGINS` order.

    """
    factor = (np.exp(regime_fixed + regime_mexican * chi) * asylum_regime
              * np.maximum(0.0, 1.0 - mx_migration * chi))
    release = waiting / deferral_months[:, None]
    trying = push + release
    stopped = trying * np.maximum(0.0, 1.0 - factor)[:, None]
    return trying * factor[:, None], waiting - release + deferral_share[:, None] * stopped


def ports_share(p: Mapping[str, np.ndarray], history: np.ndarray) -> np.ndarray:
    """Share of encounters at ports of entry by month, (M, T)."""
    return np.minimum(0.9, p["ports_share"][:, None]
                      * p["ports_share_cbp_one"][:, None] ** history[:, _CBP_ONE]
                      * p["ports_share_title42"][:, None] ** history[:, _TITLE42])


@jit
def workload(between: np.ndarray, staff: float, bp_hours_per_month: np.ndarray,
             processing_hours: np.ndarray) -> np.ndarray:
    """Border Patrol processing hours over frontline hours, uncapped, (M,).

    Args:
        between: encounters between ports this month, persons, (M,).
        staff: processing staff added by a lever, persons.
        bp_hours_per_month: frontline hours a month, (M,).
        processing_hours: hours to process an encounter, (M,).

    """
    hours = bp_hours_per_month + HOURS_PER_STAFF_MONTH * staff
    return between * processing_hours / hours


@jit
def effort_factors(w: np.ndarray, port_diversion_threshold: np.ndarray,
                   port_diversion_max: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inspection effort left between ports and at ports of entry, each (M,).

    Args:
        w: Border Patrol workload (:func:`workload`), (M,).
        port_diversion_threshold: workload above which port officers are diverted, (M,).
        port_diversion_max: share of port inspection lost at full diversion, (M,).

    """
    between = np.maximum(0.0, 1.0 - np.minimum(1.0, w))
    excess = np.clip((w - port_diversion_threshold) / (1.0 - port_diversion_threshold),
                     0.0, 1.0)
    return between, 1.0 - port_diversion_max * excess
