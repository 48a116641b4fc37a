"""Encounters at the southwest border and Border Patrol workload (mechanism 9), over arrays.

See docs/model-system.md, step M2.
"""

from __future__ import annotations

import numpy as np

from borderflow.model.drivers import HISTORY_EVENTS

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


def encounters(p: dict, year: float, history: np.ndarray, asylum_regime: float,
               mx_migration: np.ndarray, chi: np.ndarray, waiting: np.ndarray,
               push_trend_end: float = PUSH_TREND_END) -> tuple[np.ndarray, np.ndarray]:
    """Encounters per month by origin group, and the deferred pool a month later.

    Would-be migrants arrive from the push index plus those released from the pool of
    the deferred (a share ``1 / deferral_months`` of it each month). The regime factor
    (policy events, asylum regime, Mexican enforcement; Mexico's own programmes scale
    with cooperation ``χ``) turns them into encounters; where it is below 1 it stops
    the rest, of whom ``deferral_share`` wait and try
    again later (a queue in Mexican border cities or at home) and the others give up.
    So a deterrent regime shifts encounters in time as well as cutting them.

    Returns:
        ``(encounters, waiting)``: encounters per month by origin group and the pool of
        deferred migrants (persons), each (M, 3) in :data:`ORIGINS` order.

    Args:
        p: parameters (per-member arrays).
        year: decimal year of the month.
        history: share of the month inside each of ``HISTORY_EVENTS``, (events,).
        asylum_regime: multiplier from the asylum-regime lever.
        mx_migration: share prevented by added Mexican enforcement at baseline
            cooperation, (M,).
        chi: cooperation relative to its baseline, (M,).
        waiting: the pool of deferred would-be migrants (persons), (M, 3).
        push_trend_end: decimal year the push trends stop (a year before the data end).

    """
    log_policy = sum(
        history[col] * np.log(p[f"enc_{event}"]) * (chi if event in MEXICAN_EVENTS else 1.0)
        for event, col in zip(ENCOUNTER_EVENTS, _EVENT_COLUMNS, strict=True)
        if history[col] > 0
    )
    factor = np.exp(log_policy) * asylum_regime * np.maximum(0.0, 1.0 - mx_migration * chi)
    trend_years = min(year, push_trend_end) - 2015.0
    push = np.stack([
        p[f"encounters_{g}_2015"] * np.exp(p[f"push_trend_{g}"] * trend_years)
        for g in ORIGINS
    ], axis=1)
    release = waiting / p["deferral_months"][:, None]
    trying = push + release
    stopped = trying * np.maximum(0.0, 1.0 - factor)[:, None]
    return trying * factor[:, None], waiting - release + p["deferral_share"][:, None] * stopped


def ports_share(p: dict, history: np.ndarray) -> np.ndarray:
    """Share of encounters at ports of entry, (M,)."""
    return np.minimum(0.9, p["ports_share"] * p["ports_share_cbp_one"] ** history[_CBP_ONE]
                      * p["ports_share_title42"] ** history[_TITLE42])


def workload(between: np.ndarray, p: dict, staff: float) -> np.ndarray:
    """Border Patrol processing hours over frontline hours, uncapped, (M,)."""
    hours = p["bp_hours_per_month"] + HOURS_PER_STAFF_MONTH * staff
    return between * p["processing_hours"] / hours


def effort_factors(w: np.ndarray, p: dict) -> tuple[np.ndarray, np.ndarray]:
    """Inspection effort left between ports and at ports of entry, each (M,)."""
    between = np.maximum(0.0, 1.0 - np.minimum(1.0, w))
    threshold = p["port_diversion_threshold"]
    excess = np.clip((w - threshold) / (1.0 - threshold), 0.0, 1.0)
    return between, 1.0 - p["port_diversion_max"] * excess
