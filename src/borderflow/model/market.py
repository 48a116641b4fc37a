"""Risks, prices, demand and fentanyl's share of the supply (mechanisms 7-8), over arrays.

Pure functions; every array has the ensemble member as its leading axis.
See docs/model-system.md, steps M6, M7 and M9.
"""

from __future__ import annotations

import numpy as np

#: Naloxone kits distributed a year (FDA SOURCE base run: 1.93 M in 2019, 2.57 M in
#: 2021; judgement: from none in mid-2012), as (decimal year, kits) knots, flat outside.
NALOXONE_KITS_KNOTS = ((2012.5, 0.0), (2019.5, 1.93e6), (2021.5, 2.57e6))

#: MOUD capacity path for the illicit-opioid population, persons (judgement: about half
#: of MOUD receipt, ~1.3 M across all OUD in 2021, anchor moud_receipt_2021), as knots,
#: flat outside.
TREATMENT_CAPACITY_KNOTS = ((2010.5, 0.2e6), (2021.5, 0.6e6))


def knots(year: float, points: tuple[tuple[float, float], ...]) -> float:
    """Piecewise-linear interpolation through ``points``, flat outside them."""
    xs, ys = zip(*points, strict=True)
    return float(np.interp(year, xs, ys))


def import_cost(flow: np.ndarray, seized: np.ndarray, cost: np.ndarray, value: np.ndarray,
                delivered: np.ndarray) -> np.ndarray:
    """Traffickers' cost per kg delivered this month, κ (USD/kg), shape (M,).

    Transport spending on every arc (``flow`` kg × ``cost`` USD/kg) plus seizure losses
    valued at ``value`` (USD/kg), over the kilograms delivered.
    """
    spent = (flow * cost).sum(axis=1) + value * seized.sum(axis=1)
    return spent / np.maximum(delivered, 1e-9)


def cost_ratio(kappa: np.ndarray, kappa_ref: np.ndarray) -> np.ndarray:
    """Import cost relative to month 0's, kept in [0.01, 100]; 1 where κ_ref is 0."""
    safe = np.where(kappa_ref > 0, kappa_ref, 1.0)
    return np.where(kappa_ref > 0, np.clip(kappa / safe, 0.01, 100.0), 1.0)


def retail_price(kappa: np.ndarray, kappa_ref: np.ndarray, p: dict) -> np.ndarray:
    """Retail price per pure gram (USD): moves only by the import cost's share."""
    ratio = cost_ratio(kappa, kappa_ref)
    return p["retail_price_usd_per_pure_gram"] * np.maximum(
        0.1, 1.0 + p["import_cost_share"] * (ratio - 1.0)
    )


def demand_kg(users: np.ndarray, share: np.ndarray, price: np.ndarray, p: dict) -> np.ndarray:
    """Market pull D (kg/month of pure fentanyl) of ``users`` at fentanyl share ``share``."""
    full = p["consumption_g_per_user_month"] / 1000.0 * users
    return full * share * (price / p["retail_price_usd_per_pure_gram"]) ** p["price_elasticity"]


def exposure(delivered_kg: np.ndarray, users: np.ndarray, p: dict) -> np.ndarray:
    """Fentanyl's effective share of use, x in [0, 1]: delivered over full-share use."""
    full = p["consumption_g_per_user_month"] / 1000.0 * users
    return np.where(full > 0, np.minimum(1.0, delivered_kg / np.where(full > 0, full, 1.0)), 0.0)


def diffuse(share: np.ndarray, kappa: np.ndarray, kappa_ref: np.ndarray, p: dict) -> np.ndarray:
    """One month of supplier-driven logistic diffusion (exact for a constant rate)."""
    ratio = cost_ratio(kappa, kappa_ref)
    rate = p["diffusion_rate_per_year"] * ratio ** -p["diffusion_cost_elasticity"]
    grow = np.exp(rate / 12.0)
    return share * grow / (1.0 - share + share * grow)
