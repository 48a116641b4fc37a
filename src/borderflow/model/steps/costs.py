"""Costs of the levers (M11): lost trade and the policies' own cost, USD per month.

Trade, as US GDP or welfare lost: when cooperation falls below its baseline a share
``φ`` of US-Mexico goods trade ``T`` is lost in proportion to the shortfall, costing
``w T φ max(0, 1 − χ)`` (``w`` USD of GDP per USD of trade lost); a tariff ``τ``
levied on imports ``I`` cuts them by ``ΔI = I (1 − (1 + τ)^−ε)`` at a welfare cost of
the Harberger triangle ``τ ΔI / 2`` (the tariff revenue is a transfer, not a loss);
and scanning more vehicles at the ports costs border waits, ``W Δs`` a year for a scan
rate ``Δs`` above the history. The levers' own (budget) cost is not the model's: it is
priced after a run by :func:`borderflow.policy.registry.policy_cost_usd`, from each
lever's activity and, for treatment, the added slots people fill
(:func:`treatment_slots_used`).
"""

from __future__ import annotations

import numpy as np

from borderflow.model.jit import jit

TRADE_USD_PER_YEAR = 798.8e9  # US-Mexico goods trade, 2023 (US Census via context_facts)
IMPORTS_USD_PER_YEAR = 475.6e9  # US goods imports from Mexico, 2023 (same source)


def trade_cost_usd(cooperation_ratio: np.ndarray, trade_loss_share: np.ndarray,
                   welfare_per_trade_lost: np.ndarray, tariff_applied: np.ndarray,
                   import_demand_elasticity: np.ndarray, scan_added: np.ndarray,
                   border_wait_cost_usd_per_year: np.ndarray) -> np.ndarray:
    """US GDP or welfare lost through trade, USD per month, (M, T).

    Args:
        cooperation_ratio: ``χ``, cooperation at the start of each month relative to
            its baseline, (M, T).
        trade_loss_share: ``φ``, share of trade lost when cooperation is 0, (M,).
        welfare_per_trade_lost: ``w``, USD of GDP per USD of trade lost when
            cooperation breaks down (border disruption), (M,).
        tariff_applied: tariff rate levied on imports from Mexico, by month, (T,).
        import_demand_elasticity: ``ε``, (M,).
        scan_added: passenger-vehicle scan rate above the history, mean over ports, (T,).
        border_wait_cost_usd_per_year: ``W``, USD a year per unit of scan rate, (M,).

    """
    disrupted = (welfare_per_trade_lost[:, None] * TRADE_USD_PER_YEAR
                 * trade_loss_share[:, None] * np.maximum(0.0, 1.0 - cooperation_ratio))
    imports_lost = -IMPORTS_USD_PER_YEAR * np.expm1(
        -import_demand_elasticity[:, None] * np.log1p(tariff_applied)[None, :])
    harberger = 0.5 * tariff_applied[None, :] * imports_lost
    waits = border_wait_cost_usd_per_year[:, None] * scan_added[None, :]
    return (disrupted + harberger + waits) / 12.0


@jit
def treatment_slots_used(in_treatment: np.ndarray, capacity: np.ndarray,
                         slots_added: float) -> np.ndarray:
    """Added MOUD slots filled at the end of a month, persons, (M,).

    People in treatment beyond the status quo's capacity, at most the slots added:
    a funded slot that nobody fills is not charged.

    Args:
        in_treatment: people in MOUD at the end of the month, (M,).
        capacity: MOUD capacity including the added slots, (M,).
        slots_added: slots added by the lever this month.

    """
    return np.minimum(np.maximum(in_treatment - (capacity - slots_added), 0.0), slots_added)
