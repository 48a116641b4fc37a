"""The calibration targets: four annual series, each as CDC or CBP counts it.

Annual series only: monthly counts are noisier than any mechanism (seizures come as
lumpy busts). The window ends with 2024 (calendar year for deaths, fiscal year
October-September for CBP); later years are never fitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import xarray as xr

from borderflow import data
from borderflow.results import fiscal_year_totals

Period = Literal["calendar", "fiscal"]
LAST_YEAR = 2024  # the calibration window ends with 2024 / FY2024


@dataclass(frozen=True)
class Target:
    """One target series.

    Attributes:
        name: the series' name in fit reports.
        period: ``calendar`` or ``fiscal`` (October-September) years.
        first_year: first year fitted.
        variable: the simulated monthly variable it is compared with.
        observed_cv: coefficient of variation of the observation noise around the
            model's mean (negative-binomial overdispersion; judgement per source).
        description: what is counted.

    """

    name: str
    period: Period
    first_year: int
    variable: str
    observed_cv: float
    description: str

    def observed(self, through: int = LAST_YEAR) -> pd.Series:
        """The cited annual values, indexed by (calendar or fiscal) year, up to ``through``."""
        series = _OBSERVED[self.name]()
        years = series.index[(series.index >= self.first_year) & (series.index <= through)]
        return series.loc[years].astype(float)

    def simulated(self, ds: xr.Dataset) -> xr.DataArray:
        """Annual totals of the simulated variable, dims (member, year)."""
        monthly = ds[self.variable]
        if self.period == "fiscal":
            return fiscal_year_totals(monthly).rename(fiscal_year="year")
        return monthly.groupby("month.year").sum("month")

    def annual(self, monthly: np.ndarray, months: np.ndarray) -> xr.DataArray:
        """Annual totals of a (member, month) array by this target's period."""
        return annual_totals(monthly, months, self.period)


def annual_totals(monthly: np.ndarray, months: np.ndarray, period: Period) -> xr.DataArray:
    """Sum (member, month) values by calendar or fiscal year; complete years only."""
    cal = months.astype("datetime64[Y]").astype(int) + 1970
    month_no = months.astype("datetime64[M]").astype(int) % 12 + 1
    year = cal + (month_no >= 10) if period == "fiscal" else cal
    years = [y for y in np.unique(year) if (year == y).sum() == 12]
    totals = np.stack([monthly[:, year == y].sum(axis=1) for y in years], axis=1)
    return xr.DataArray(totals, dims=("member", "year"), coords={"year": years})


def _encounters(column: str) -> pd.Series:
    frame = data.load("cbp_southwest_encounters_fy").set_index("fiscal_year")
    return frame[column].dropna()


_OBSERVED = {
    "synthetic_opioid_deaths": data.annual_synthetic_opioid_deaths,
    "fentanyl_seizures_lb": data.cbp_fentanyl_seizures_lb,
    "southwest_encounters_border_patrol": lambda: _encounters("border_patrol"),
    "southwest_encounters_ports_of_entry": lambda: _encounters("ports_of_entry"),
}

TARGETS: tuple[Target, ...] = (
    Target("synthetic_opioid_deaths", "calendar", 2013, "overdose_deaths", 0.05,
           "CDC T40.4 deaths (synthetic opioids other than methadone), calendar years"),
    Target("fentanyl_seizures_lb", "fiscal", 2019, "seizures_lb", 0.25,
           "CBP fentanyl seizures, nationwide, at plus between ports, gross lb"),
    Target("southwest_encounters_border_patrol", "fiscal", 2012, "encounters_between_ports",
           0.15, "Border Patrol southwest-border encounters"),
    Target("southwest_encounters_ports_of_entry", "fiscal", 2014, "encounters_at_ports",
           0.15, "Southwest-border encounters at ports of entry (inadmissibles)"),
)
BY_NAME = {t.name: t for t in TARGETS}


def log_likelihood(target: Target, simulated: xr.DataArray, through: int = LAST_YEAR
                   ) -> np.ndarray:
    """Negative-binomial log-likelihood of the cited series, per member, shape (M,).

    The model's annual value is the mean ``μ``; the variance is ``μ + (cv μ)²`` (an
    overdispersed count: lumpy busts, reporting changes), i.e. a negative binomial with
    size ``1 / cv²``.
    """
    from scipy.special import gammaln

    observed = target.observed(through)
    mu = np.maximum(simulated.sel(year=observed.index.values).values, 1e-9)  # (M, years)
    y = observed.values[None, :]
    size = 1.0 / target.observed_cv**2
    ll = (gammaln(y + size) - gammaln(size) - gammaln(y + 1.0)
          + size * np.log(size / (size + mu)) + y * np.log(mu / (size + mu)))
    return ll.sum(axis=1)
