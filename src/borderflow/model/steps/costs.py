"""Costs of the levers (M11): lost trade and the policies' own cost, USD per month.

Trade: when cooperation falls below its baseline, a share ``φ`` of US-Mexico goods
trade is lost in proportion to the shortfall, ``T φ max(0, 1 − χ) / 12``. Policies:
each cost item's driver (:data:`~borderflow.model.drivers.COST_ITEMS`) times the
member's unit cost per year, over 12.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from borderflow.model.drivers import COST_ITEMS

TRADE_USD_PER_YEAR = 798.8e9  # US-Mexico goods trade, 2023 (US Census via context_facts)


def trade_cost_usd(cooperation_ratio: np.ndarray, trade_loss_share: np.ndarray) -> np.ndarray:
    """Trade lost, USD per month, (M, T).

    Args:
        cooperation_ratio: ``χ``, cooperation at the start of each month relative to
            its baseline, (M, T).
        trade_loss_share: ``φ``, share of trade lost when cooperation is 0, (M,).

    """
    return TRADE_USD_PER_YEAR / 12.0 * trade_loss_share[:, None] * (
        np.maximum(0.0, 1.0 - cooperation_ratio)
    )


def policy_cost_usd(unit_cost_usd_per_year: Mapping[str, np.ndarray],
                    activity: np.ndarray) -> np.ndarray:
    """The levers' own cost, USD per month, (M, T).

    Args:
        unit_cost_usd_per_year: per cost item of :data:`COST_ITEMS`, USD a year per
            unit of its driver, (M,) each.
        activity: each item's driver by month, (T, items).

    """
    m = len(next(iter(unit_cost_usd_per_year.values())))
    total = np.zeros((m, len(activity)))
    for i, item in enumerate(COST_ITEMS):
        if np.any(activity[:, i] != 0):
            total += unit_cost_usd_per_year[item][:, None] * activity[None, :, i] / 12.0
    return total
