"""Mexican cooperation (M10): engagement raises it, US strikes knock it down.

Cooperation ``c`` relaxes towards its target ``c₀ + (1 − c₀) γ E`` (baseline ``c₀``,
engagement gain ``γ``, engagement intensity ``E``) with a recovery time constant, and
falls by ``δ`` times the capacity-weighted share of lab regions struck; it stays in
[0, 1]. ``χ = c / c₀`` scales Mexican enforcement (M1).
"""

from __future__ import annotations

import numpy as np


def target(cooperation_baseline: np.ndarray, engagement_gain: np.ndarray,
           engagement: np.ndarray) -> np.ndarray:
    """Cooperation's target by month, in [0, 1], (M, T).

    Args:
        cooperation_baseline: ``c₀``, (M,).
        engagement_gain: ``γ``, share of the gap to 1 closed at full engagement, (M,).
        engagement: engagement intensity in [0, 1], by month, (T,).

    """
    c0 = cooperation_baseline[:, None]
    return c0 + (1.0 - c0) * engagement_gain[:, None] * engagement[None, :]


def struck_share(lab_share: np.ndarray, strike: np.ndarray) -> np.ndarray:
    """Capacity-weighted share of lab regions struck, by month, (T,).

    Args:
        lab_share: each lab region's share of capacity, summing to 1, (labs,).
        strike: share of each region's capacity destroyed by strikes, (T, labs).

    """
    return np.array([float(lab_share @ s) for s in strike])


def step(cooperation: np.ndarray, target: np.ndarray, cooperation_recovery_months: np.ndarray,
         strike_cooperation_drop: np.ndarray, struck: float) -> np.ndarray:
    """Next month's cooperation, in [0, 1], (M,).

    Args:
        cooperation: this month's cooperation, (M,).
        target: this month's target, (M,).
        cooperation_recovery_months: time constant of the relaxation, months, (M,).
        strike_cooperation_drop: ``δ``, cooperation lost to a strike on every region, (M,).
        struck: capacity-weighted share of lab regions struck this month.

    """
    decay = np.exp(-1.0 / cooperation_recovery_months)
    return np.clip(target + (cooperation - target) * decay - strike_cooperation_drop * struck,
                   0.0, 1.0)
