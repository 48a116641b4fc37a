"""How well a posterior reproduces the targets: ``borderflow fit``.

The posterior predictive of each target year is the model's annual value per member
with the observation noise of the target (negative binomial) drawn on top, seeded.
Scores (fractions): MAPE of the predictive median, R², coverage of the 90 % predictive
interval, mean interval score at 90 % (Gneiting & Raftery 2007).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from borderflow.calibration import scores
from borderflow.calibration.targets import LAST_YEAR, TARGETS, Target
from borderflow.model.parameters import BY_NAME

#: A parameter's posterior median "piles against a bound" when its prior CDF is below
#: this or above one minus it.
BOUND_CDF = 0.05

#: Which fitted parameters touch which target (through the mechanism they belong to).
TOUCHES = {
    "synthetic_opioid_deaths": ("fentanyl_death_rate_per_year", "covid_hazard_increase",
                                "oud_2010", "fentanyl_share_2010", "diffusion_rate_per_year",
                                "powder_purity_2018", "lethal_share_elasticity"),
    "fentanyl_seizures_lb": ("detection_scale", "powder_purity_2018", "fentanyl_share_2010",
                             "diffusion_rate_per_year", "oud_2010"),
    "southwest_encounters_border_patrol": ("encounters_mexico_2015", "encounters_nca_2015",
                                           "encounters_other_2015", "push_trend_other",
                                           "enc_title42", "enc_administration_2021",
                                           "ports_share", "ports_share_title42"),
    "southwest_encounters_ports_of_entry": ("encounters_mexico_2015", "encounters_nca_2015",
                                            "encounters_other_2015", "push_trend_other",
                                            "enc_title42", "enc_administration_2021",
                                            "ports_share", "ports_share_title42"),
}


def predictive(target: Target, annual: np.ndarray, seed: int = 0) -> np.ndarray:
    """Annual model means (members, years) with negative-binomial noise drawn on top."""
    rng = np.random.default_rng(seed)
    size = 1.0 / target.observed_cv**2
    mu = np.maximum(annual, 1e-9)
    return rng.negative_binomial(size, size / (size + mu)).astype(float)


def fit_report(fitted: Sequence[str], simulated: dict, last_year: int = 2030,
               through: int = LAST_YEAR, seed: int = 0) -> dict:
    """The ``fit --json`` document for annual simulated series ``{name: DataArray}``.

    ``simulated[name]`` has dims (member, year) for the target's period; ``fitted``
    names the calibrated parameters (none for prior draws).
    """
    out = {}
    for i, target in enumerate(TARGETS):
        sim = simulated[target.name]
        years = [y for y in sim["year"].values if target.first_year <= y <= last_year]
        draws = predictive(target, sim.sel(year=years).values, seed + i)
        q05, q50, q95 = np.quantile(draws, [0.05, 0.5, 0.95], axis=0)
        observed = target.observed(through)
        idx = [years.index(y) for y in observed.index]
        y = observed.values
        touching = [p for p in TOUCHES[target.name] if p in fitted]
        out[target.name] = {
            "period": target.period,
            "points": len(y),
            "fitted_parameters": len(touching),
            "mape": scores.mape(y, q50[idx]),
            "r2": scores.r2(y, q50[idx]),
            "coverage_90": scores.coverage(y, q05[idx], q95[idx]),
            "interval_score_90": scores.interval_score(y, q05[idx], q95[idx]),
            "predictive": {str(int(yr)): {"median": float(q50[k]), "p05": float(q05[k]),
                                          "p95": float(q95[k])}
                           for k, yr in enumerate(years)},
        }
    return {"series": out}


def parameter_summary(names: Sequence[str], all_names: Sequence[str], u: np.ndarray
                      ) -> dict[str, dict]:
    """Posterior of each named parameter against its prior: ``fit --json``'s parameters.

    ``u`` holds the particles' prior CDF values (particles, ``all_names``). The prior
    CDF of the posterior median is the median of ``u`` (the map is monotone);
    ``at_bound`` is true when it is below :data:`BOUND_CDF` or above ``1 − BOUND_CDF``.
    """
    out = {}
    for name in names:
        p = BY_NAME[name]
        col = u[:, list(all_names).index(name)]
        cdf = float(np.median(col))
        p05, p50, p95 = (float(p.from_unit(np.array(q)))
                         for q in np.quantile(col, [0.05, 0.5, 0.95]))
        out[name] = {"prior_low": p.low, "prior_high": p.high, "median": p50, "p05": p05,
                     "p95": p95, "prior_cdf_of_median": cdf,
                     "at_bound": bool(cdf < BOUND_CDF or cdf > 1.0 - BOUND_CDF)}
    return out
