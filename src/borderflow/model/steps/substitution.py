"""Precursor source control and substitution between sources.

A control lever stops a share ``c_s`` of source ``s``'s supply. The blocked share of
supply ``B = Σ_s σ_s c_s`` is partly replaced, with a lag, by the open sources in
proportion to their open shares (or, when every source is fully stopped, to their
supply shares): the substitution level ``z`` moves towards ``ρ B`` and at most ``B``
of it acts. Replacement costs money: each substituted kilogram costs the traffickers
``substitution_cost_usd_per_kg`` more (new suppliers, unscheduled pre-precursors with
extra synthesis steps), which enters their import cost and so the price.
"""

from __future__ import annotations

import numpy as np

from borderflow.model.jit import jit


@jit
def source_weights(supply_share: np.ndarray, control: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Blocked share and each source's weights in a month, for every member.

    Args:
        supply_share: each source's share ``σ_s`` of supply, summing to 1, (sources,).
        control: share of each source's supply stopped, in [0, 1], (M, sources).

    Returns ``(blocked, open_weight, substitute_weight)``: ``B`` (M,), the open
    shares ``σ_s (1 − c_s)`` (M, sources) and the weights of the substitute supply,
    summing to 1 (M, sources); where every source is fully stopped, the supply shares.

    """
    m, n = control.shape
    blocked, open_weight = np.zeros(m), np.empty((m, n))
    substitute = np.empty((m, n))
    for i in range(m):
        total = 0.0
        for s in range(n):
            blocked[i] += control[i, s] * supply_share[s]
            open_weight[i, s] = supply_share[s] * (1.0 - control[i, s])
            total += open_weight[i, s]
        for s in range(n):
            substitute[i, s] = open_weight[i, s] / total if total > 0 else supply_share[s]
    return blocked, open_weight, substitute


@jit
def supply_kg(total_kg: np.ndarray, substitution: np.ndarray, blocked: np.ndarray,
              open_weight: np.ndarray, substitute_weight: np.ndarray) -> np.ndarray:
    """Precursor supply shipped from each source this month, kg, (M, sources).

    Args:
        total_kg: supply ordered from all sources, kg per month, (M,).
        substitution: the substitution level ``z``, (M,).
        blocked: share of supply blocked this month ``B``, (M,).
        open_weight: open shares of the month, (M, sources).
        substitute_weight: weights of the substitute supply, (M, sources).

    """
    z_eff = np.minimum(substitution, blocked)
    return total_kg[:, None] * (open_weight + z_eff[:, None] * substitute_weight)


@jit
def substituted_kg(total_kg: np.ndarray, substitution: np.ndarray, blocked: np.ndarray
                   ) -> np.ndarray:
    """Supply shipped by substitutes this month, kg, (M,): ``X min(z, B)``."""
    return total_kg * np.minimum(substitution, blocked)


@jit
def substitution_level(substitution: np.ndarray, blocked: np.ndarray,
                       substitution_share: np.ndarray, substitution_months: np.ndarray
                       ) -> np.ndarray:
    """Next month's substitution level ``z``, (M,).

    Args:
        substitution: this month's level, (M,).
        blocked: share of supply blocked this month ``B``, (M,).
        substitution_share: ``ρ``, the share of blocked supply replaced in the long run, (M,).
        substitution_months: time constant of the catching up, months, (M,).

    """
    target = blocked * substitution_share
    return target + (substitution - target) * np.exp(-1.0 / substitution_months)
