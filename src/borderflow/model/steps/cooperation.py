"""Mexican cooperation (M10): the record's turns, engagement and pressure; strikes.

Cooperation ``c`` relaxes towards its target with a recovery time constant. The target
is the baseline ``c₀`` moved by the dated turns of the relationship (``±s`` each, the
Joint Declaration, the Bicentennial Framework, the July 2024 arrests), by engagement
(``(1 − c₀) γ E``) and by trade pressure (``r τ``, ``r`` possibly negative), kept in
[0, 1]. Each US strike knocks ``δ`` off cooperation. ``χ = c / c₀`` scales Mexico's
own enforcement: port inspection, lab raids and migration enforcement (M1).
"""

from __future__ import annotations

import numpy as np

from borderflow.model.jit import jit


def target(cooperation_baseline: np.ndarray, engagement_gain: np.ndarray,
           engagement: np.ndarray, turns: np.ndarray, cooperation_event_shift: np.ndarray,
           tariff: np.ndarray, trade_pressure_response: np.ndarray) -> np.ndarray:
    """Cooperation's target by month, in [0, 1], (M, T).

    Args:
        cooperation_baseline: ``c₀``, (M,).
        engagement_gain: ``γ``, share of the gap to 1 closed at full engagement, (M,).
        engagement: engagement level in [0, 1], (M, T).
        turns: signed sum of the dated turns in force (+1 up, −1 down), by month, (T,).
        cooperation_event_shift: ``s``, index points per turn, (M,).
        tariff: tariff rate threatened or applied, by month, (T,).
        trade_pressure_response: ``r``, index points per unit of tariff, (M,).

    """
    c0 = cooperation_baseline[:, None]
    moved = (c0 + cooperation_event_shift[:, None] * turns[None, :]
             + trade_pressure_response[:, None] * tariff[None, :])
    return np.clip(moved + (1.0 - c0) * engagement_gain[:, None] * engagement, 0.0, 1.0)


@jit
def step(cooperation: np.ndarray, target: np.ndarray, cooperation_recovery_months: np.ndarray,
         strike_cooperation_drop: np.ndarray, struck: float) -> np.ndarray:
    """Next month's cooperation, in [0, 1], (M,).

    Args:
        cooperation: this month's cooperation, (M,).
        target: this month's target, (M,).
        cooperation_recovery_months: time constant of the relaxation, months, (M,).
        strike_cooperation_drop: ``δ``, cooperation lost to each strike, (M,).
        struck: strikes this month, summed over regions.

    """
    decay = np.exp(-1.0 / cooperation_recovery_months)
    return np.clip(target + (cooperation - target) * decay - strike_cooperation_drop * struck,
                   0.0, 1.0)
