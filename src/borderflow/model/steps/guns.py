"""Guns going south (M4), the stock they build in Mexico and the homicides it brings.

Southbound inspection stops a share ``i`` of the guns; ``G (1 − i) / 12`` reach Mexico
each month. They also speed the rebuilding of labs
(:func:`borderflow.model.steps.labs.rebuild_factor`).
"""

from __future__ import annotations

import numpy as np

#: Mexico's firearm homicides a year: INEGI 2019 and 2020, 68-70 % of ~36,500 homicides
#: (25,030 and 25,178; anchors mx_homicide_firearm_share_2019 and _2020).
FIREARM_HOMICIDES_PER_YEAR = 25_000.0


def share_left(gun_inspection: np.ndarray) -> np.ndarray:
    """Share of southbound guns not stopped, by month, (T,).

    Args:
        gun_inspection: share stopped by southbound inspection, by month, (T,).

    """
    return 1.0 - gun_inspection


def guns_south(guns_south_per_year: np.ndarray, share_left: np.ndarray) -> np.ndarray:
    """Guns reaching Mexico, guns per month, (M, T).

    Args:
        guns_south_per_year: the status quo's flow, guns per year, (M,).
        share_left: share not stopped, by month, (T,).

    """
    return (guns_south_per_year / 12.0)[:, None] * share_left[None, :]


def stock(guns_south: np.ndarray, gun_stock_years: np.ndarray) -> np.ndarray:
    """US-sourced guns held by criminal groups in Mexico at the start of each month, (M, T).

    A stock fed by the southbound flow and depleted (seized, lost, worn out) with a
    mean life of ``gun_stock_years``: ``S(t+1) = S(t) e^{−1/(12 L)} + G(t)``, starting
    at the status quo's steady state ``G(0) / (1 − e^{−1/(12 L)})``.

    Args:
        guns_south: guns reaching Mexico per month, (M, T).
        gun_stock_years: mean life of a gun in the stock, years, (M,).

    """
    keep = np.exp(-1.0 / (12.0 * gun_stock_years))
    out = np.empty_like(guns_south)
    level = guns_south[:, 0] / (1.0 - keep)
    for t in range(guns_south.shape[1]):
        out[:, t] = level
        level = level * keep + guns_south[:, t]
    return out


def homicides(stock: np.ndarray, attributable_share: np.ndarray) -> np.ndarray:
    """Homicides in Mexico attributable to the US-sourced gun stock, per month, (M, T).

    Mexico's firearm homicides (:data:`FIREARM_HOMICIDES_PER_YEAR`) times the share
    attributable to US-sourced guns at the status quo's steady stock, scaled by the
    stock relative to that level.

    Args:
        stock: the gun stock by month, (M, T) (:func:`stock`); its first month is the
            steady state.
        attributable_share: share of firearm homicides attributable to the stock at
            its steady state, (M,).

    """
    return (FIREARM_HOMICIDES_PER_YEAR / 12.0 * attributable_share[:, None]
            * stock / stock[:, :1])
