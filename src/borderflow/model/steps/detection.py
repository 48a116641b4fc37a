"""Detection probability of each arc and the traffickers' perceived risk (M3).

The actual detection probability of arc ``a`` in a month is
``d_a = 1 − (1 − min(1, s d⁰_a))^{e_a}``: the nominal probability ``d⁰_a`` of the
network (or of an ``arc_detection`` lever) scaled by the member's ``detection_scale``
``s``, raised to the inspection effort ``e_a``. The effort is the US-side multiplier
``e^US`` times, on arcs into Mexican ports, lab regions and staging areas (Mexico's own
enforcement), the Mexican-side multiplier and cooperation, ``e^MX χ``: Mexico's baseline
enforcement scales with cooperation, not only what a lever adds (issue 10). On arcs
into a crossing the Border Patrol workload factor (between ports, or the diversion of
port officers) multiplies it too. Nothing passes a closed arc.
"""

from __future__ import annotations

import numpy as np

from borderflow.model.jit import jit

#: Upper bound of the nominal detection probability inside the logarithm, so that
#: ``ln(1 − d⁰)`` stays finite (a nominal probability of 1 detects all but 1e-15).
MAX_NOMINAL = 1.0 - 1e-15


@jit
def nominal(detection_scale: np.ndarray, nominal_detection: np.ndarray) -> np.ndarray:
    """``min(1, s d⁰_a)``: the member's nominal detection probability, (M, arcs).

    Args:
        detection_scale: the member's multiplier ``s`` of every arc's probability, (M,).
        nominal_detection: probability per arc at effort 1, (arcs,).

    """
    return np.minimum(1.0, detection_scale[:, None] * nominal_detection)


@jit
def log_escape(detection_scale: np.ndarray, nominal_detection: np.ndarray) -> np.ndarray:
    """``ln(1 − min(1, s d⁰_a))``, finite (see :data:`MAX_NOMINAL`), (M, arcs)."""
    return np.log1p(-np.minimum(nominal(detection_scale, nominal_detection), MAX_NOMINAL))


@jit
def escape_before_workload(log_escape: np.ndarray, effort_us: np.ndarray,
                           effort_mx: np.ndarray, cooperation_ratio: np.ndarray,
                           mexican_arc: np.ndarray, arcs: np.ndarray,
                           last: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Log and level of the escape probability before the workload factors, (M, arcs).

    The effort on an arc is ``e^US e^MX``, times ``χ`` on Mexico's arcs.

    Args:
        log_escape: ``ln(1 − d⁰)`` per arc, from :func:`log_escape`, (M, arcs).
        effort_us: US-side effort multiplier per arc (1 = status quo), (M, arcs).
        effort_mx: Mexican-side effort multiplier per arc, (M, arcs).
        cooperation_ratio: ``χ``, cooperation relative to its baseline, (M,).
        mexican_arc: arcs whose detection is Mexico's (into Mexican ports, lab regions
            and staging areas), bool (arcs,).
        arcs: the arcs to compute (all of them, or Mexico's when only ``χ`` changed).
        last: ``(e ln(1 − d⁰), (1 − d⁰)^e)`` of the other arcs, kept; (M, arcs) each.

    Returns ``(e ln(1 − d⁰), (1 − d⁰)^e)``.

    """
    log_through, through = last[0].copy(), last[1].copy()
    for i in range(log_escape.shape[0]):
        for a in arcs:
            if mexican_arc[a]:
                effort = effort_us[i, a] * (effort_mx[i, a] * cooperation_ratio[i])
            else:
                effort = effort_us[i, a] * effort_mx[i, a]
            log_through[i, a] = max(0.0, effort) * log_escape[i, a]
            through[i, a] = np.exp(log_through[i, a])
    return log_through, through


@jit
def passing(log_through: np.ndarray, through: np.ndarray, between_cols: np.ndarray,
            poe_cols: np.ndarray, effort_between: np.ndarray, effort_ports: np.ndarray,
            closed: np.ndarray) -> np.ndarray:
    """Share of a kilogram sent along each arc that is not seized, ``1 − d_a``, (M, arcs).

    Args:
        log_through: ``e ln(1 − d⁰)`` per arc, (M, arcs).
        through: ``exp(log_through)``, (M, arcs).
        between_cols: arcs into between-ports crossings.
        poe_cols: arcs into land ports of entry.
        effort_between: Border Patrol effort left between ports, in [0, 1], (M,).
        effort_ports: inspection effort left at ports of entry, in [0, 1], (M,).
        closed: 1 on arcs closed this month, else 0, (arcs,).

    """
    out = through.copy()
    out[:, between_cols] = np.exp(log_through[:, between_cols] * effort_between[:, None])
    out[:, poe_cols] = np.exp(log_through[:, poe_cols] * effort_ports[:, None])
    out[:, np.flatnonzero(closed)] = 0.0  # nothing gets through a closed arc
    return out


@jit
def perceived_risk(risk: np.ndarray, detection: np.ndarray,
                   risk_learning_months: np.ndarray) -> np.ndarray:
    """Next month's perceived seizure probability: exponential learning, (M, arcs).

    Args:
        risk: this month's perceived probability per arc, (M, arcs).
        detection: this month's actual detection probability per arc, (M, arcs).
        risk_learning_months: time constant of the learning, months, (M,).

    """
    learn = (1.0 - np.exp(-1.0 / risk_learning_months))[:, None]
    return risk + learn * (detection - risk)
