"""Fatal overdose hazards and MOUD capacity (M7), ahead of the population step (M8).

A full user's fatal hazard has a fentanyl part, ``φ_f = r_f x π/π₂₀₂₂ m``, growing with
the exposure ``x`` and the powder's potency, and a heroin-only part
``φ_h = r_h (1 − x) m``. Both carry the multiplier ``m = (1 + ΔCOVID h_covid) e^{−K/K½}``:
COVID-19 raises them, naloxone kits (``K`` a year) avert a share.
"""

from __future__ import annotations

import numpy as np

from borderflow.model import market


def _knots(year: np.ndarray, points: tuple[tuple[float, float], ...]) -> np.ndarray:
    return np.array([market.knots(float(y), points) for y in year])


def hazard_multiplier(year: np.ndarray, covid_share: np.ndarray,
                      naloxone_kits_added: np.ndarray, covid_hazard_increase: np.ndarray,
                      naloxone_half_kits: np.ndarray) -> np.ndarray:
    """The multiplier ``m`` of both fatal hazards, by month, (M, T).

    Args:
        year: decimal year of each month, (T,).
        covid_share: share of each month inside the COVID-19 period, (T,).
        naloxone_kits_added: kits a year added by a lever, (T,).
        covid_hazard_increase: ``ΔCOVID``, relative increase of the hazards, (M,).
        naloxone_half_kits: kits a year that avert a share ``1 − 1/e`` of deaths, (M,).

    """
    kits = _knots(year, market.NALOXONE_KITS_KNOTS) + naloxone_kits_added
    survive = np.exp(-kits[None, :] / naloxone_half_kits[:, None])  # 1 − share averted
    return (1.0 + covid_hazard_increase[:, None] * covid_share[None, :]) * survive


def treatment_capacity(year: np.ndarray, slots_added: np.ndarray,
                       treatment_capacity_scale: np.ndarray) -> np.ndarray:
    """MOUD capacity for the illicit-opioid population, persons, by month, (M, T).

    Args:
        year: decimal year of each month, (T,).
        slots_added: slots added by a lever, persons, (T,).
        treatment_capacity_scale: multiplier of the capacity path, (M,).

    """
    path = _knots(year, market.TREATMENT_CAPACITY_KNOTS)
    return treatment_capacity_scale[:, None] * path[None, :] + slots_added[None, :]


def fatal_hazards(exposure: np.ndarray, potency: np.ndarray, multiplier: np.ndarray,
                  fentanyl_death_rate_per_year: np.ndarray,
                  heroin_death_rate_per_year: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A full user's fatal hazards ``(φ_f, φ_h)``, per person-year, each (M,).

    Args:
        exposure: fentanyl's effective share of use ``x``, in [0, 1], (M,).
        potency: powder purity relative to mid-2022's, (M,).
        multiplier: COVID-19 and naloxone multiplier ``m``, (M,).
        fentanyl_death_rate_per_year: ``r_f``, (M,).
        heroin_death_rate_per_year: ``r_h``, (M,).

    """
    phi_f = fentanyl_death_rate_per_year * exposure * potency * multiplier
    phi_h = heroin_death_rate_per_year * (1.0 - exposure) * multiplier
    return phi_f, phi_h
