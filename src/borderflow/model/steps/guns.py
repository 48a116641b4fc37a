"""Guns going south (M4) and the homicides they bring in Mexico.

Southbound inspection stops a share ``i`` of the guns; ``G (1 − i) / 12`` reach Mexico
each month. They also speed the rebuilding of labs
(:func:`borderflow.model.steps.labs.rebuild_factor`).
"""

from __future__ import annotations

import numpy as np


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


def homicides(guns: np.ndarray, homicides_per_gun: np.ndarray) -> np.ndarray:
    """Gun homicides in Mexico, persons per month, (M, T).

    Args:
        guns: guns reaching Mexico per month, (M, T).
        homicides_per_gun: homicides per gun reaching Mexico, (M,).

    """
    return homicides_per_gun[:, None] * guns
