"""Fatal overdose hazards, naloxone, disruption and MOUD capacity (M7), before M8.

A mean user's fatal hazard has a fentanyl part ``φ_F = h_F x_F g m`` and a heroin part
``φ_H = h_H x_H m``: ``x_F`` and ``x_H`` are the shares of the users' need met by each
(:mod:`~borderflow.model.steps.market`), ``g`` the hazard factor of the lethal-dose
share (:mod:`~borderflow.model.steps.potency`), and
``m = (1 + ΔCOVID h_covid)(1 − a_N)(1 + d_R δ)`` the COVID-19 period, naloxone
reversals ``a_N`` and the disruption ``δ`` of a market whose sales fell below their
recent level (Ray et al., AJPH 2023). ``h_F`` is the hazard before naloxone, so
naloxone is applied once.
"""

from __future__ import annotations

import numpy as np

from borderflow.model.jit import jit
from borderflow.model.steps import potency

#: Retail naloxone prescriptions dispensed a year (IQVIA via CDC MMWR 2019 and AP;
#: ``naloxone_distribution``) as (decimal year, prescriptions) knots, flat outside.
#: All kits (community distribution included) are ``naloxone_kits_per_rx`` times these
#: (FDA SOURCE: 1.93 M kits in 2019, 2.1 times that year's prescriptions).
NALOXONE_RX_KNOTS = ((2012.5, 1_282.0), (2017.5, 270_710.0), (2018.5, 556_847.0),
                     (2019.5, 904_179.0), (2022.5, 1_675_474.0))

#: MOUD capacity path for the illicit-opioid population, persons (judgement: about half
#: of MOUD receipt, ~1.3 M across all OUD in 2021, anchor moud_receipt_2021), as knots,
#: flat outside.
TREATMENT_CAPACITY_KNOTS = ((2010.5, 0.2e6), (2021.5, 0.6e6))


def _knots(year: np.ndarray, points: tuple[tuple[float, float], ...]) -> np.ndarray:
    xs, ys = zip(*points, strict=True)
    return np.interp(year, xs, ys)


def naloxone_kits(year: np.ndarray, otc_share: np.ndarray, kits_added: np.ndarray,
                  kits_per_rx: np.ndarray, otc_gain: np.ndarray,
                  window_end: float = potency.WINDOW_END) -> np.ndarray:
    """Naloxone kits distributed a year, by month, (M, T).

    Args:
        year: decimal year of each month, (T,).
        otc_share: share of each month with over-the-counter sales (from 2023-09), (T,).
        kits_added: kits a year added by a lever, (T,).
        kits_per_rx: all kits per retail prescription, (M,).
        otc_gain: relative rise of kits once sold over the counter, (M,).
        window_end: decimal year the data end: prescriptions counted from it on are
            unknown and the last known count is held.

    """
    rx = _knots(year, potency.known(NALOXONE_RX_KNOTS, window_end))
    return (kits_per_rx[:, None] * rx[None, :] * (1.0 + otc_gain[:, None] * otc_share[None, :])
            + kits_added[None, :])


def reversal_share(kits_per_year: np.ndarray, bystander_share: np.ndarray,
                   half_kits: np.ndarray) -> np.ndarray:
    """Share of otherwise fatal overdoses reversed, (M, T).

    At most the share with a bystander able to act (SUDORS), approached as kits grow:
    ``b (1 − e^{−K/K½})``.
    """
    return bystander_share[:, None] * -np.expm1(-kits_per_year / half_kits[:, None])


def covid_factor(covid_share: np.ndarray, covid_hazard_increase: np.ndarray,
                 covid_adaptation_months: np.ndarray) -> np.ndarray:
    """``1 + ΔCOVID h_covid e^{−n/τ}`` by month, (M, T).

    ``n`` is the number of months of the COVID-19 period before this month (the sum of
    the earlier months' shares): the excess hazard of isolation and disrupted services
    fades as services and people adapt, with time constant ``covid_adaptation_months``.
    """
    elapsed = np.cumsum(covid_share) - covid_share
    fading = np.exp(-elapsed[None, :] / covid_adaptation_months[:, None])
    return 1.0 + covid_hazard_increase[:, None] * covid_share[None, :] * fading


@jit
def disruption(sold_kg: np.ndarray, recent_kg: np.ndarray) -> np.ndarray:
    """How far sales fell below their recent level, in [0, 1] (0 when none are recent)."""
    safe = np.where(recent_kg > 0, recent_kg, 1.0)
    return np.where(recent_kg > 0, np.maximum(0.0, 1.0 - sold_kg / safe), 0.0)


@jit
def recent_sales(recent_kg: np.ndarray, sold_kg: np.ndarray, disruption_months: np.ndarray
                 ) -> np.ndarray:
    """Recent sales, exponentially averaged over ``disruption_months`` (exact factor)."""
    return sold_kg + (recent_kg - sold_kg) * np.exp(-1.0 / disruption_months)


def treatment_capacity(year: np.ndarray, slots_added: np.ndarray,
                       treatment_capacity_scale: np.ndarray) -> np.ndarray:
    """MOUD capacity for the illicit-opioid population, persons, by month, (M, T).

    Args:
        year: decimal year of each month, (T,).
        slots_added: slots added by a lever, persons, (T,).
        treatment_capacity_scale: multiplier of the capacity path, (M,).

    """
    path = _knots(year, TREATMENT_CAPACITY_KNOTS)
    return treatment_capacity_scale[:, None] * path[None, :] + slots_added[None, :]


@jit
def fatal_hazards(fentanyl_exposure: np.ndarray, heroin_exposure: np.ndarray,
                  potency_factor: np.ndarray, multiplier: np.ndarray,
                  fentanyl_death_rate_per_year: np.ndarray,
                  heroin_death_rate_per_year: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A mean user's fatal hazards ``(φ_F, φ_H)``, per person-year, each (M,).

    Args:
        fentanyl_exposure: share of the need met by fentanyl ``x_F``, (M,).
        heroin_exposure: share met by heroin ``x_H``, (M,).
        potency_factor: hazard factor of the lethal-dose share ``g``, (M,).
        multiplier: ``m`` (COVID-19, naloxone, disruption), (M,).
        fentanyl_death_rate_per_year: ``h_F``, before naloxone, (M,).
        heroin_death_rate_per_year: ``h_H``, (M,).

    """
    return (fentanyl_death_rate_per_year * fentanyl_exposure * potency_factor * multiplier,
            heroin_death_rate_per_year * heroin_exposure * multiplier)
