"""The cited history borderflow is calibrated and checked against.

Every series is a CSV packaged in ``borderflow/data/files/`` and described in
``files/sources.yaml`` (title, description, unit, period, source, url, caveats).
This module is the only code that reads those files:

- :func:`names` lists the series;
- :func:`load` returns one as a :class:`pandas.DataFrame` whose ``attrs`` carry
  ``name``, ``title``, ``unit``, ``source`` and ``url``;
- :func:`info` returns its ``sources.yaml`` entry;
- :func:`annual_synthetic_opioid_deaths` and :func:`cbp_fentanyl_seizures_lb` are
  the two annual calibration series as :class:`pandas.Series`.

The window ends with 2023 (calendar year for deaths, fiscal year October-September
for CBP); later years are kept out on purpose for out-of-sample checks.

Files are read lazily, on first use, and parsed once; every call returns a fresh
copy, so callers may modify what they get.
"""

from __future__ import annotations

import copy
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd
import yaml

from borderflow.errors import DataError

__all__ = [
    "annual_synthetic_opioid_deaths",
    "cbp_fentanyl_seizures_lb",
    "info",
    "load",
    "names",
]

_FILES = "files"
_SOURCES = "sources.yaml"
_ATTRS = ("title", "unit", "source", "url")


def _files() -> Any:
    """Return the packaged ``files/`` folder as an importlib.resources Traversable."""
    return resources.files(__name__).joinpath(_FILES)


@cache
def _sources() -> dict[str, dict[str, Any]]:
    """Parse ``files/sources.yaml`` once: series name -> its entry."""
    text = _files().joinpath(_SOURCES).read_text(encoding="utf-8")
    parsed = yaml.safe_load(text)
    if not isinstance(parsed, dict):
        raise DataError(f"{_SOURCES} is not a mapping of series names to entries")
    return parsed


def _entry(name: str) -> dict[str, Any]:
    """Return the ``sources.yaml`` entry of ``name``; raise DataError if unknown."""
    sources = _sources()
    if name not in sources:
        available = ", ".join(sorted(sources))
        raise DataError(f"unknown data series {name!r}; available: {available}")
    return sources[name]


@cache
def _frame(name: str) -> pd.DataFrame:
    """Read the CSV of a known series once (callers get copies, never this frame)."""
    with _files().joinpath(_entry(name)["file"]).open("r", encoding="utf-8") as handle:
        return pd.read_csv(handle)


def names() -> list[str]:
    """Return the names of all packaged series, sorted (file stems, e.g. ``policy_calendar``)."""
    return sorted(_sources())


def info(name: str) -> dict[str, Any]:
    """Return the ``sources.yaml`` entry of series ``name``, with ``name`` added.

    Keys: ``name``, ``file``, ``title``, ``description``, ``unit``, ``period``,
    ``source``, ``url`` (empty when sources are per row) and ``caveats`` (a list of
    strings). The dict is a copy.

    Raises:
        DataError: ``name`` is not a packaged series.

    """
    return {"name": name, **copy.deepcopy(_entry(name))}


def load(name: str) -> pd.DataFrame:
    """Return series ``name`` as a DataFrame, one row per CSV row, columns as in the file.

    Units are those of the series (see ``info(name)["unit"]``; e.g. deaths per year,
    pounds gross weight per fiscal year, encounters per month). ``df.attrs`` holds
    ``name``, ``title``, ``unit``, ``source`` and ``url``. The frame is a fresh copy.

    Raises:
        DataError: ``name`` is not a packaged series.

    """
    entry = _entry(name)
    df = _frame(name).copy(deep=True)
    df.attrs = {"name": name, **{key: str(entry[key]) for key in _ATTRS}}
    return df


def annual_synthetic_opioid_deaths() -> pd.Series:
    """Return US synthetic-opioid (ICD-10 T40.4) overdose deaths per calendar year.

    Index: calendar year (int), 2013-2023. Values: deaths per year (count), from
    ``cdc_overdose_deaths_annual`` (equal to the sums of the monthly CDC WONDER file).
    """
    return _series("cdc_overdose_deaths_annual", "year", "deaths_synthetic_opioids_t404")


def cbp_fentanyl_seizures_lb() -> pd.Series:
    """Return CBP nationwide fentanyl seizures per fiscal year, in pounds (gross weight).

    Index: US federal fiscal year (int; FY2023 = October 2022 - September 2023),
    2019-2023. Values: lb seized at ports of entry plus between ports, from column
    ``fentanyl_lb`` of ``cbp_drug_seizures_fy``.
    """
    return _series("cbp_drug_seizures_fy", "fiscal_year", "fentanyl_lb")


def _series(name: str, index: str, column: str) -> pd.Series:
    """Return ``column`` of series ``name`` indexed by the int column ``index``."""
    df = load(name)
    series = df.set_index(df[index].astype(int))[column]
    series.attrs = dict(df.attrs)
    return series
