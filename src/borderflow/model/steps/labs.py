"""Lab regions: destruction, synthesis from precursor, and rebuilding (M5).

Each month a share ``k_l`` of every lab region's capacity and precursor stock is
destroyed (Mexican takedowns, scaled by cooperation, and US strikes). The capacity
left turns precursor (arriving plus stock) into fentanyl at the synthesis yield; what
cannot be used is stocked up to a holding limit and the rest lost. Capacity then moves
towards its target with a time constant that guns reaching Mexico shorten.
"""

from __future__ import annotations

import numpy as np

from borderflow.model.jit import jit


@jit
def destroyed_share(takedown: np.ndarray, strike: np.ndarray,
                    cooperation_ratio: np.ndarray) -> np.ndarray:
    """Share ``k_l`` of each lab region's capacity and stock destroyed, (M, labs).

    Args:
        takedown: share destroyed by Mexican raids at baseline cooperation, (M, labs).
        strike: share destroyed by US strikes, (M, labs).
        cooperation_ratio: ``χ``, cooperation relative to its baseline, (M,).

    """
    return 1.0 - (1.0 - mexican_share(takedown, cooperation_ratio)) * (1.0 - strike)


@jit
def mexican_share(takedown: np.ndarray, cooperation_ratio: np.ndarray) -> np.ndarray:
    """Share of each lab region's capacity and stock Mexico's takedowns destroy, (M, labs).

    Takedowns act before strikes, so of the share ``k`` destroyed this much is Mexico's
    own (a seizure in Mexico's count) and the rest, ``k − k_MX``, the strikes'.

    Args:
        takedown: share destroyed by Mexican raids at baseline cooperation, (M, labs).
        cooperation_ratio: ``χ``, cooperation relative to its baseline, (M,).

    """
    return np.minimum(1.0, takedown * cooperation_ratio[:, None])


@jit
def relocate(capacity_kg: np.ndarray, kept_kg: np.ndarray, struck_kg: np.ndarray,
             strike: np.ndarray, strike_relocation_share: np.ndarray) -> np.ndarray:
    """Capacity after strikes once part of what they hit has moved elsewhere, (M, labs).

    Cooks and equipment that survive a strike set up again at once where strikes did
    not reach: a share ``ρ`` of the capacity strikes hit reappears, spread over regions
    in proportion to their capacity the strikes left alone, ``K_l (1 − strike_l)``.
    (Capacity, not fentanyl: the precursor stock a strike destroys stays destroyed.)

    Args:
        capacity_kg: capacity before this month's destruction, kg/month, (M, labs).
        kept_kg: capacity after it, kg/month, (M, labs).
        struck_kg: capacity strikes destroyed this month, kg/month, (M, labs).
        strike: share of each region struck this month, (M, labs).
        strike_relocation_share: ``ρ``, (M,).

    """
    moved = strike_relocation_share * struck_kg.sum(axis=1)
    weight = capacity_kg * (1.0 - strike)
    total = weight.sum(axis=1)[:, None]
    share = np.where(total > 0, weight / np.where(total > 0, total, 1.0), 0.0)
    return kept_kg + moved[:, None] * share


@jit
def synthesise(precursor_kg: float, stock_kg: float, capacity_kg: float,
               synthesis_yield: float, precursor_holding_months: float
               ) -> tuple[float, float, float]:
    """One month of synthesis in one lab region of one member (compiled, scalars).

    Args:
        precursor_kg: precursor arriving this month, kg.
        stock_kg: precursor in stock after destruction, kg.
        capacity_kg: capacity after destruction, kg of fentanyl per month.
        synthesis_yield: kg of fentanyl per kg of precursor.
        precursor_holding_months: months of capacity a lab keeps in stock.

    Returns ``(produced_kg, stock_kg, lost_kg)``: fentanyl made, precursor in stock at
    the end of the month, and mass lost (the yield's loss plus precursor beyond the
    holding limit).

    """
    have = stock_kg + precursor_kg
    used = min(have, capacity_kg / synthesis_yield)
    left = have - used
    stock = min(left, precursor_holding_months / synthesis_yield * capacity_kg)
    lost = (1.0 - synthesis_yield) * used + left - stock
    return synthesis_yield * used, stock, lost


def rebuild_factor(gun_share_left: np.ndarray, resilience_gun_elasticity: np.ndarray,
                   lab_rebuild_months: np.ndarray) -> np.ndarray:
    """Share of the gap to target capacity left after a month, (M, T).

    ``exp(−g^ε / τ)``: guns reaching Mexico (share ``g`` of the status quo's flow)
    speed rebuilding.

    Args:
        gun_share_left: share of southbound guns not stopped, per month, (M, T).
        resilience_gun_elasticity: ``ε``, (M,).
        lab_rebuild_months: ``τ``, the rebuilding time constant at the status quo's
            gun flow, months, (M,).

    """
    return np.exp(-gun_share_left ** resilience_gun_elasticity[:, None]
                  / lab_rebuild_months[:, None])


@jit
def rebuild(capacity_kg: np.ndarray, target_kg: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """Next month's capacity before destruction, kg/month, (M, labs).

    Args:
        capacity_kg: this month's capacity after destruction, (M, labs).
        target_kg: this month's capacity target ``K*``, (M, labs).
        factor: share of the gap left, from :func:`rebuild_factor`, (M,).

    """
    return target_kg + (capacity_kg - target_kg) * factor[:, None]
