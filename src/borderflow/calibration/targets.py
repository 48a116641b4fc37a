"""The calibration targets: four annual series, each as CDC or CBP counts it.

Annual series only: monthly counts are noisier than any mechanism (seizures come as
lumpy busts). The window ends with 2024 (calendar year for deaths, fiscal year
October-September for CBP); later years are never fitted from the packaged data. A
snapshot directory (``borderflow data import`` / ``update``, read by
:func:`borderflow.data.snapshots.load`) may replace a series with a newer copy: pass it
as ``data_dir``; without it everything is the packaged data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import xarray as xr

from borderflow.data import snapshots
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

    def observed(self, through: int = LAST_YEAR, data_dir: str | Path | None = None
                 ) -> pd.Series:
        """The cited annual values, indexed by (calendar or fiscal) year, up to ``through``.

        ``data_dir``: a snapshot directory whose copy of the series is used when it has
        one (default: the packaged series).
        """
        reader = _OBSERVED[self.name]
        series = reader() if data_dir is None else reader(data_dir)
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


def _annual(name: str, index: str, column: str
            ) -> Callable[[str | Path | None], pd.Series]:
    """Reader of one column of series ``name``, indexed by the int column ``index``."""
    def observed(data_dir: str | Path | None = None) -> pd.Series:
        frame = snapshots.load(name, data_dir)
        return frame.set_index(frame[index].astype(int))[column].dropna()

    return observed


_OBSERVED = {  # deaths per calendar year; lb and encounters per fiscal year
    "synthetic_opioid_deaths": _annual("cdc_overdose_deaths_annual", "year",
                                       "deaths_synthetic_opioids_t404"),
    "fentanyl_seizures_lb": _annual("cbp_drug_seizures_fy", "fiscal_year", "fentanyl_lb"),
    "southwest_encounters_border_patrol": _annual("cbp_southwest_encounters_fy",
                                                  "fiscal_year", "border_patrol"),
    "southwest_encounters_ports_of_entry": _annual("cbp_southwest_encounters_fy",
                                                   "fiscal_year", "ports_of_entry"),
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


def last_year(data_dir: str | Path | None = None) -> int:
    """The last year any target has data for (packaged: :data:`LAST_YEAR`)."""
    return max(int(t.observed(9999, data_dir).index.max()) for t in TARGETS)


def log_likelihood(target: Target, simulated: xr.DataArray, through: int = LAST_YEAR,
                   data_dir: str | Path | None = None) -> np.ndarray:
    """Negative-binomial log-likelihood of the cited series, per member, shape (M,).

    The model's annual value is the mean ``μ``; the variance is ``μ + (cv μ)²`` (an
    overdispersed count: lumpy busts, reporting changes), i.e. a negative binomial with
    size ``1 / cv²``. ``data_dir``: a snapshot directory to read the series from
    (default: the packaged series).
    """
    from scipy.special import gammaln

    observed = target.observed(through, data_dir)
    mu = np.maximum(simulated.sel(year=observed.index.values).values, 1e-9)  # (M, years)
    y = observed.values[None, :]
    size = 1.0 / target.observed_cv**2
    ll = (gammaln(y + size) - gammaln(size) - gammaln(y + 1.0)
          + size * np.log(size / (size + mu)) + y * np.log(mu / (size + mu)))
    return ll.sum(axis=1)
