"""Every model parameter in one place: unit, prior, mechanism and source.

Priors come from ``shared/data/parameter_anchors.csv`` (copied into the package as the
``parameter_anchors`` series) and the literature, or say ``judgement`` with their range;
none is tuned to the series the model is later calibrated against (CDC deaths, CBP
seizures, encounters).

Sampling: member ``i`` of an ensemble with seed ``S`` draws all its parameters from
``numpy.random.default_rng(SeedSequence(S, spawn_key=(i,)))``, so any subset of members
reproduces exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from borderflow.errors import ParameterError

Distribution = Literal["uniform", "loguniform"]


@dataclass(frozen=True)
class Parameter:
    """One model parameter with its prior.

    Attributes:
        name: identifier used in scenario overrides and results.
        unit: physical unit of the value.
        dist: prior family, ``uniform`` or ``loguniform`` on ``[low, high]``.
        low, high: prior range (in ``unit``).
        mechanism: the DESIGN.md mechanism the parameter belongs to.
        source: citation (anchor id in ``parameter_anchors`` where one exists) or
            ``judgement`` with the reasoning behind the range.
        description: what the parameter means.
        bounds: hard limits a scenario override must respect (physical meaning).

    """

    name: str
    unit: str
    dist: Distribution
    low: float
    high: float
    mechanism: str
    source: str
    description: str
    bounds: tuple[float, float] = (0.0, math.inf)

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map uniform(0, 1) draws ``u`` to this prior (inverse CDF)."""
        if self.dist == "uniform":
            return self.low + (self.high - self.low) * u
        return np.exp(math.log(self.low) + (math.log(self.high) - math.log(self.low)) * u)

    @property
    def median(self) -> float:
        """Median of the prior, in ``unit``."""
        return float(self.from_unit(np.array(0.5)))


PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "market_pull_kg_per_month", "kg/month (pure)", "uniform", 250.0, 800.0,
        "market (placeholder for mechanisms 7-8)",
        "anchor us_imf_pure_consumption: Kilmer, Pardo, Pujol-Mitchell & Caulkins 2022 "
        "(US illicit fentanyl consumption 'single digit' metric tons a year, <10 t); "
        "range 3-9.6 t/yr",
        "Plateau of pure fentanyl the US market pulls through the chain after the take-off.",
    ),
    Parameter(
        "takeoff_midpoint_year", "year", "uniform", 2016.0, 2019.5,
        "market (placeholder for mechanisms 7-8)",
        "judgement: supplier-driven take-off from about 2013 (Pardo et al., RAND 2019, "
        "'The Future of Fentanyl'); midpoint between 2016 and 2019.5",
        "Decimal year at which the market pull reaches half its plateau.",
        bounds=(2010.0, 2035.0),
    ),
    Parameter(
        "takeoff_width_years", "years", "uniform", 0.8, 2.5,
        "market (placeholder for mechanisms 7-8)",
        "judgement: the take-off spread over roughly 2013-2022 (RAND 2019)",
        "Logistic scale of the take-off (years from 27 % to 73 % of the plateau: 2x).",
        bounds=(0.05, 20.0),
    ),
    Parameter(
        "logit_scale_usd_per_kg", "USD/kg (pure)", "loguniform", 1000.0, 8000.0,
        "5 adaptive routing",
        "judgement: dispersion of route choice comparable to one crossing's smuggling "
        "cost (couriers are paid a few thousand USD per kg: anchors "
        "culiacan_vs_us_package, diluted_kg_price_chain)",
        "Scale theta of the recursive logit: cost differences of theta change odds by e.",
        bounds=(1.0, 1e7),
    ),
    Parameter(
        "value_at_risk_usd_per_kg", "USD/kg (pure)", "loguniform", 10_000.0, 100_000.0,
        "5 adaptive routing",
        "anchor mexico_replacement_cost_pure: about USD 10,000 per pure kg in Mexico, up "
        "to about 100,000 inside the US (Scientific American op-ed; DEA figures)",
        "What traffickers perceive they lose per pure kg seized (prices perceived risk).",
    ),
    Parameter(
        "risk_learning_months", "months", "uniform", 1.0, 12.0,
        "5 adaptive routing",
        "judgement: traffickers hear of seizures within weeks; 1-12 months",
        "Time constant with which perceived arc risk follows actual seizure rates.",
        bounds=(0.01, 1e4),
    ),
    Parameter(
        "detection_scale", "x nominal", "loguniform", 0.5, 2.0,
        "6 seizures",
        "anchor interdiction_rate_claim: officials believe 5-10 % of southwest-border "
        "fentanyl is caught (weak); judgement factor 2 either way on the network's "
        "nominal detection",
        "Multiplier on every arc's nominal detection probability.",
    ),
    Parameter(
        "synthesis_yield", "fraction", "uniform", 0.40, 0.78,
        "1 mass balance / production",
        "anchors synthesis_yield_gupta_onepot (about 40 %, Gupta et al. 2005) and "
        "synthesis_yield_optimized (73-78 %, Valdez, Leif & Mayer 2014)",
        "Fentanyl made per fentanyl-equivalent kg of precursor (stoichiometric = 1).",
        bounds=(0.01, 1.0),
    ),
    Parameter(
        "lab_rebuild_months", "months", "uniform", 0.5, 6.0,
        "4 lab replacement",
        "anchor lab_replacement_time (GAP: labs are small, cheap and quick to set up or "
        "move); judgement 2 weeks to 6 months",
        "Time constant with which lab capacity relaxes toward its target.",
        bounds=(0.01, 1e4),
    ),
    Parameter(
        "lab_headroom", "fraction", "uniform", 0.0, 0.5,
        "4 lab replacement",
        "judgement: spare capacity labs keep above expected need, 0-50 %",
        "Target capacity as a multiple (1 + headroom) of the production needed.",
        bounds=(0.0, 10.0),
    ),
    Parameter(
        "precursor_holding_months", "months", "uniform", 0.5, 3.0,
        "1 mass balance / production",
        "judgement: labs hold a few weeks to a few months of precursor",
        "Precursor stock a lab region can hold, in months of its available capacity.",
    ),
    Parameter(
        "substitution_share", "fraction", "uniform", 0.3, 0.9,
        "2 source substitution",
        "judgement: precursor controls displace more than they remove (unscheduled "
        "pre-precursors, other suppliers; DEA on 4-AP and 1-boc-4-AP after the 2017 and "
        "2022 schedulings); 30-90 % of the supply cut is replaced",
        "Long-run share of supply stopped by controls that other sources replace.",
        bounds=(0.0, 1.0),
    ),
    Parameter(
        "substitution_months", "months", "uniform", 3.0, 18.0,
        "2 source substitution",
        "judgement: replacement within a season to a year and a half (recovery times "
        "after methamphetamine precursor regulations, Cunningham & Liu 2003-2005, were "
        "months)",
        "Time constant with which substitute supply builds up.",
        bounds=(0.01, 1e4),
    ),
    Parameter(
        "china_scheduling_cost_usd_per_kg", "USD/kg (pure)", "loguniform", 5_000.0, 50_000.0,
        "2 source substitution",
        "judgement: China's class-wide scheduling (May 2019, policy_calendar) ended most "
        "finished fentanyl shipped from China by mail; modelled as a cost added to "
        "finished-fentanyl routes large enough to close most of them",
        "Cost added per pure kg to finished-fentanyl routes from May 2019 on.",
    ),
    Parameter(
        "powder_purity_2018", "fraction", "uniform", 0.04, 0.08,
        "6 seizures",
        "anchor powder_purity_2018_fspp: 5.3 % (DEA 2019 NDTA); swb_bulk_purity_pre2020 "
        "<10 %",
        "Purity of fentanyl powder crossing the border, mid-2018.",
        bounds=(1e-4, 1.0),
    ),
    Parameter(
        "powder_purity_2022", "fraction", "uniform", 0.15, 0.24,
        "6 seizures",
        "anchors powder_purity_2022 (19.2 %, DEA 2024 NDTA) and powder_purity_fy2023 "
        "(19.5 %, DEA)",
        "Purity of fentanyl powder crossing the border, mid-2022 and after.",
        bounds=(1e-4, 1.0),
    ),
    Parameter(
        "pill_fentanyl_mg", "mg per pill", "uniform", 1.5, 3.5,
        "6 seizures",
        "anchor dea_avg_mg_per_pill: 2.4 mg on average (range 0.2-9), DEA 2024 NDTA",
        "Fentanyl content of a counterfeit pill.",
        bounds=(1e-3, 100.0),
    ),
    Parameter(
        "pill_weight_mg", "mg per pill", "uniform", 80.0, 120.0,
        "6 seizures",
        "anchor pill_weight: about 100 mg per M30 tablet (unverified; wide range)",
        "Gross weight of a counterfeit pill.",
        bounds=(1.0, 1e4),
    ),
    Parameter(
        "pill_share_2018", "fraction", "uniform", 0.05, 0.25,
        "6 seizures",
        "anchor pill_share_of_seizures_count: 13.8 % of fentanyl seizure events were pills "
        "in 2018Q1 (Palamar et al. 2022); weight share is a gap, hence the range",
        "Share of pure fentanyl crossing by land that is in pills, mid-2018.",
        bounds=(0.0, 1.0),
    ),
    Parameter(
        "pill_share_2023", "fraction", "uniform", 0.30, 0.60,
        "6 seizures",
        "anchor pill_share_of_seizures_count: 49 % of seizure events were pills in 2023 "
        "(Palamar et al. 2024)",
        "Share of pure fentanyl crossing by land that is in pills, mid-2023 and after.",
        bounds=(0.0, 1.0),
    ),
    Parameter(
        "mail_purity", "fraction", "uniform", 0.50, 0.95,
        "6 seizures",
        "anchor swb_bulk_purity_pre2020: >90 % purity for China mail parcels (DEA NDTA)",
        "Purity of finished fentanyl in international mail.",
        bounds=(1e-4, 1.0),
    ),
)

BY_NAME: dict[str, Parameter] = {p.name: p for p in PARAMETERS}
NAMES: tuple[str, ...] = tuple(BY_NAME)


def member_uniforms(members: Sequence[int] | np.ndarray, seed: int) -> np.ndarray:
    """Uniform(0, 1) draws, one row per member, that depend only on (seed, member).

    Returns an array of shape (len(members), len(PARAMETERS)).
    """
    rows = [
        np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(int(i),))).random(
            len(PARAMETERS)
        )
        for i in members
    ]
    return np.array(rows, dtype=float).reshape(len(rows), len(PARAMETERS))


def check_overrides(overrides: Mapping[str, float]) -> dict[str, float]:
    """Validate parameter overrides: known names, finite values inside hard bounds."""
    out: dict[str, float] = {}
    for name, value in overrides.items():
        if name not in BY_NAME:
            raise ParameterError(
                f"unknown parameter '{name}'; allowed: {', '.join(NAMES)}"
            )
        p = BY_NAME[name]
        lo, hi = p.bounds
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise ParameterError(
                f"parameter '{name}' must be a number in [{lo:g}, {hi:g}] {p.unit}, "
                f"got {value!r}"
            ) from None
        if not (math.isfinite(x) and lo <= x <= hi):
            raise ParameterError(
                f"parameter '{name}' must be in [{lo:g}, {hi:g}] {p.unit}, got {value!r}"
            )
        out[name] = x
    return out


def sample(
    members: int | Sequence[int] | np.ndarray,
    seed: int = 0,
    overrides: Mapping[str, float] | None = None,
) -> dict[str, np.ndarray]:
    """Draw parameters from their priors for the given members.

    Args:
        members: a count ``n`` (members ``0 … n−1``) or explicit member indices.
        seed: ensemble seed; member ``i`` depends only on ``(seed, i)``.
        overrides: parameter values fixed for every member (validated).

    Returns:
        ``{name: array of shape (n_members,)}`` in each parameter's unit.

    """
    idx = np.arange(members) if isinstance(members, int) else np.asarray(members)
    fixed = check_overrides(overrides or {})
    u = member_uniforms(idx, seed)
    out = {}
    for j, p in enumerate(PARAMETERS):
        out[p.name] = np.full(len(idx), fixed[p.name]) if p.name in fixed else p.from_unit(
            u[:, j]
        )
    return out


def prior_medians(overrides: Mapping[str, float] | None = None) -> dict[str, float]:
    """Prior medians of every parameter (with overrides applied)."""
    fixed = check_overrides(overrides or {})
    return {p.name: fixed.get(p.name, p.median) for p in PARAMETERS}
