"""Guns going south (M4), the stock they build in Mexico and the homicides it brings.

Officers on southbound inspection stop a share ``i`` of the guns; ``G (1 − i) / 12``
reach Mexico each month. Homicides come from the stock and rise after US strikes. The
guns also speed the rebuilding of labs (:func:`borderflow.model.steps.labs.rebuild_factor`).
"""

from __future__ import annotations

import numpy as np

#: Mexico's firearm homicides a year: INEGI 2019 and 2020, 68-70 % of ~36,500 homicides
#: (25,030 and 25,178; anchors mx_homicide_firearm_share_2019 and _2020).
FIREARM_HOMICIDES_PER_YEAR = 25_000.0


#: Largest share of the southbound gun flow inspection can stop (judgement: guns also
#: travel in parts, by mail and through corrupt officials).
MAX_STOPPED = 0.95


def share_left(officers: np.ndarray, gun_officers_scale: np.ndarray) -> np.ndarray:
    """Share of southbound guns not stopped, (M, T).

    ``1 − 0.95 (1 − exp(−n / n₀))`` with ``n`` officers on outbound inspection.

    Args:
        officers: officers added on southbound inspection, persons, by month, (T,).
        gun_officers_scale: ``n₀``, officers that reach 63 % of the largest share, (M,).

    """
    return 1.0 + MAX_STOPPED * np.expm1(-officers[None, :] / gun_officers_scale[:, None])


def guns_south(guns_south_per_year: np.ndarray, share_left: np.ndarray) -> np.ndarray:
    """Guns reaching Mexico, guns per month, (M, T).

    Args:
        guns_south_per_year: the status quo's flow, guns per year, (M,).
        share_left: share not stopped, by month, (M, T).

    """
    return (guns_south_per_year / 12.0)[:, None] * share_left


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


def strike_violence(strikes: np.ndarray, strike_homicide_increase: np.ndarray) -> np.ndarray:
    """Multiplier of firearm homicides after US strikes, (M, T).

    ``1 + v r`` with ``r`` the strikes of the last year, a memory that fades with a
    12-month time constant (``r(t) = r(t − 1) e^{−1/12} + n(t)``).

    Args:
        strikes: strikes in each month, summed over regions, (T,).
        strike_homicide_increase: ``v``, rise of homicides per strike a year, (M,).

    """
    keep = np.exp(-1.0 / 12.0)
    recent = np.empty(len(strikes))
    level = 0.0
    for t, n in enumerate(strikes):
        level = level * keep + n
        recent[t] = level
    return 1.0 + strike_homicide_increase[:, None] * recent[None, :]


def homicides(stock: np.ndarray, attributable_share: np.ndarray,
              violence: np.ndarray | float = 1.0) -> np.ndarray:
    """Homicides in Mexico attributable to the US-sourced gun stock and strikes, (M, T).

    Mexico's firearm homicides (:data:`FIREARM_HOMICIDES_PER_YEAR`) times the share
    attributable to US-sourced guns at the status quo's steady stock, scaled by the
    stock relative to that level.

    Args:
        stock: the gun stock by month, (M, T) (:func:`stock`); its first month is the
            steady state.
        attributable_share: share of firearm homicides attributable to the stock at
            its steady state, (M,).
        violence: multiplier of all firearm homicides after strikes
            (:func:`strike_violence`), (M, T) or 1: its excess over 1 adds homicides
            attributable to the strikes.

    """
    return FIREARM_HOMICIDES_PER_YEAR / 12.0 * (
        attributable_share[:, None] * stock / stock[:, :1] + (violence - 1.0))
