"""How well the baseline reproduces each observed series, said for a reader.

For each calibration target the report holds the baseline's simulated annual values
(``Comparison.history``, dims member, year). Against the cited annual values through
the data window it computes, as ``borderflow fit`` does, the posterior predictive (the
members' values with the target's observation noise drawn on top, seeded): the share
of observed years inside its 90 % interval and the median relative error of its
median. A series is

- **fitted well** when its median error is at most :data:`WELL_ERROR` and at least
  :data:`WELL_INSIDE` of its years lie inside the band;
- **fitted badly** when its median error passes :data:`BAD_ERROR` or fewer than
  :data:`BAD_INSIDE` of its years lie inside;
- **fitted fairly** otherwise.

The thresholds are judgement: a well-calibrated 90 % band holds about nine years in
ten, and an error of a quarter in a series the model is fitted to makes its level
unreliable for policy comparisons. Each outcome of the report is tied to the series
that observe it (:data:`OUTCOME_SERIES`); outcomes no series observes say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from borderflow.calibration.fit import predictive
from borderflow.calibration.targets import BY_NAME, LAST_YEAR, TARGETS

#: Median relative error at or under which a series can be fitted well (judgement).
WELL_ERROR = 0.10
#: Share of observed years inside the 90 % band a well-fitted series reaches (judgement).
WELL_INSIDE = 0.6
#: Median relative error over which a series is fitted badly (judgement).
BAD_ERROR = 0.25
#: Share of observed years inside the band under which a series is fitted badly.
BAD_INSIDE = 0.5

#: Short names of the observed series, for sentences.
LABELS = {
    "synthetic_opioid_deaths": "synthetic-opioid deaths (CDC T40.4)",
    "fentanyl_seizures_lb": "CBP fentanyl seizures",
    "southwest_encounters_border_patrol": "Border Patrol encounters",
    "southwest_encounters_ports_of_entry": "port-of-entry encounters",
}

#: The observed series behind each outcome (metrics and annual variables); an outcome
#: absent here is observed by none.
OUTCOME_SERIES: dict[str, tuple[str, ...]] = {
    "overdose_deaths": ("synthetic_opioid_deaths",),
    "opioid_overdose_deaths": ("synthetic_opioid_deaths",),
    "deaths_averted": ("synthetic_opioid_deaths",),
    "cost_per_death_averted_usd": ("synthetic_opioid_deaths",),
    "seizures_lb": ("fentanyl_seizures_lb",),
    "seizures_lb_vs_status_quo": ("fentanyl_seizures_lb",),
    "encounters": ("southwest_encounters_border_patrol", "southwest_encounters_ports_of_entry"),
    "cost_per_encounter_averted_usd": ("southwest_encounters_border_patrol",
                                       "southwest_encounters_ports_of_entry"),
}

#: Why an outcome no series observes can still be read, or how not to.
UNOBSERVED = {
    "kg_delivered_us": "not observed: it rests on the fitted deaths and seizures and on the "
                       "bound of under 10 t of pure fentanyl consumed in 2021 (Kilmer et al. "
                       "2022)",
    "delivered_kg": "not observed: it rests on the fitted deaths and seizures and on the "
                    "bound of under 10 t of pure fentanyl consumed in 2021 (Kilmer et al. "
                    "2022)",
    "mexico_seizures_kg": "not observed by any calibration target",
    "cooperation": "not observed by any calibration target: its parameters rest on their "
                   "priors and the dated events of the policy calendar",
    "policy_cost_usd": "not observed: the levers' unit-cost priors, which no data inform",
    "gun_homicides_mexico": "not observed by any calibration target",
}

_ORDER = {"well": 0, "fairly": 1, "badly": 2}


@dataclass(frozen=True)
class Fit:
    """How well one observed series is reproduced.

    Attributes:
        name: the calibration target's name.
        label: a short name for sentences.
        period: ``calendar`` or ``fiscal`` years.
        years: observed years compared.
        inside: how many of them lie inside the 90 % predictive band.
        median_error: median over those years of ``|median − observed| / observed``.
        verdict: ``well``, ``fairly`` or ``badly``.

    """

    name: str
    label: str
    period: str
    years: int
    inside: int
    median_error: float
    verdict: str

    @property
    def note(self) -> str:
        """``deaths: fitted well (9 of 10 years inside the 90 % band, median error 5 %)``."""
        text = (f"{self.label}: fitted {self.verdict} ({self.inside} of {self.years} "
                f"{self.period} years inside the model's 90 % band, median error "
                f"{100 * self.median_error:.0f} %)")
        return text + (" — read with care" if self.verdict == "badly" else "")


def verdict(inside_share: float, median_error: float) -> str:
    """``well``, ``fairly`` or ``badly`` by the module's thresholds."""
    if median_error > BAD_ERROR or inside_share < BAD_INSIDE:
        return "badly"
    if median_error <= WELL_ERROR and inside_share >= WELL_INSIDE:
        return "well"
    return "fairly"


def band(name: str, simulated, years: list[int]) -> np.ndarray:
    """5th, 50th and 95th percentiles (3, years) of the posterior predictive.

    Seeded by the target's position in the list, as ``borderflow fit`` draws it.
    """
    target = BY_NAME[name]
    seed = [t.name for t in TARGETS].index(name)
    draws = predictive(target, np.asarray(simulated.sel(year=years).values, dtype=float), seed)
    return np.quantile(draws, [0.05, 0.5, 0.95], axis=0)


def assess(history: Mapping, observed: Mapping | None = None) -> dict[str, Fit]:
    """Each series' :class:`Fit`, in the targets' order.

    Args:
        history: ``{target name: DataArray (member, year)}``, the baseline's simulated
            annual values (``Comparison.history``).
        observed: ``{target name: pandas Series by year}`` to judge against (default:
            each target's cited values through the data window).

    """
    out = {}
    for name, simulated in history.items():
        if name not in BY_NAME:
            continue
        target = BY_NAME[name]
        seen = observed[name] if observed is not None else target.observed(LAST_YEAR)
        years = [int(y) for y in seen.index if y in simulated["year"].values]
        if not years:
            continue
        low, med, high = band(name, simulated, years)
        values = np.asarray(seen.loc[years].values, dtype=float)
        inside = int(np.sum((values >= low) & (values <= high)))
        error = float(np.median(np.abs(med - values) / np.abs(values)))
        out[name] = Fit(name, LABELS.get(name, name), target.period, len(years), inside, error,
                        verdict(inside / len(years), error))
    return out


def for_outcome(outcome: str, fits: Mapping[str, Fit]) -> list[Fit]:
    """The fits of the series behind an outcome (none if no series observes it)."""
    return [fits[s] for s in OUTCOME_SERIES.get(outcome, ()) if s in fits]


def worst(fits: list[Fit]) -> Fit | None:
    """The worst of some fits (by verdict, then error), None for none."""
    if not fits:
        return None
    return max(fits, key=lambda f: (_ORDER[f.verdict], f.median_error))


def badly(outcome: str, fits: Mapping[str, Fit]) -> bool:
    """Whether any series behind ``outcome`` is fitted badly."""
    return any(f.verdict == "badly" for f in for_outcome(outcome, fits))
