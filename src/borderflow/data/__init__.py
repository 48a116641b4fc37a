"""The cited history borderflow is calibrated and checked against.

Every series is a CSV packaged in ``borderflow/data/files/`` and described in
``files/sources.yaml`` (title, description, unit, period, source, url, caveats).
This module is the only code that reads those files:

- :func:`names` lists the series;
- :func:`load` returns one as a :class:`pandas.DataFrame` whose ``attrs`` carry
  ``name``, ``title``, ``unit``, ``source`` and ``url``;
- :func:`info` returns its ``sources.yaml`` entry;
- :func:`annual_synthetic_opioid_deaths` and :func:`cbp_fentanyl_seizures_lb` are
  two annual calibration series as :class:`pandas.Series`;
- :func:`numeric_values` adds the number a free-text value states (``"9500000+"``,
  ``"~12000 (nearly)"``, ``"40 (two out of five)"``) and what kind of bound it is;
  :func:`parse_value` reads one such text.

The packaged window ends with 2024 (calendar year 2024 for deaths, fiscal year 2024 =
October 2023 - September 2024 for CBP); later years are kept out on purpose for
out-of-sample checks. Which years are fitted is decided by
:mod:`borderflow.calibration.targets`, not here: these files may run later than the
calibration window.

CSVs are loaded as given: every cell keeps its text unless the whole column is numeric,
and only empty cells are missing (NaN); texts such as ``n/a`` or ``NA`` stay text.
Files are read lazily, on first use, and parsed once; every call returns a fresh
copy, so callers may modify what they get.
"""

from __future__ import annotations

import copy
import math
import re
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd

from borderflow.errors import DataError
from borderflow.io import parse_yaml

__all__ = [
    "BOUNDS",
    "annual_synthetic_opioid_deaths",
    "cbp_fentanyl_seizures_lb",
    "info",
    "load",
    "names",
    "numeric_values",
    "parse_value",
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
    parsed = parse_yaml(text, _SOURCES, DataError)
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
        # Only empty cells are missing: pandas' default NA strings ("n/a", "NA", "None",
        # ...) are real text in the cited files.
        return pd.read_csv(handle, keep_default_na=False, na_values=[""])


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

    Index: calendar year (int), 2013-2024. Values: deaths per year (count), from
    ``cdc_overdose_deaths_annual`` (equal to the sums of the monthly CDC WONDER file).
    """
    return _series("cdc_overdose_deaths_annual", "year", "deaths_synthetic_opioids_t404")


def cbp_fentanyl_seizures_lb() -> pd.Series:
    """Return CBP nationwide fentanyl seizures per fiscal year, in pounds (gross weight).

    Index: US federal fiscal year (int; FY2023 = October 2022 - September 2023),
    2019-2024. Values: lb seized at ports of entry plus between ports, from column
    ``fentanyl_lb`` of ``cbp_drug_seizures_fy``.
    """
    return _series("cbp_drug_seizures_fy", "fiscal_year", "fentanyl_lb")


def _series(name: str, index: str, column: str) -> pd.Series:
    """Return ``column`` of series ``name`` indexed by the int column ``index``."""
    df = load(name)
    series = df.set_index(df[index].astype(int))[column]
    series.attrs = dict(df.attrs)
    return series


#: Kinds of bound a free-text value states about its number (see :func:`parse_value`).
BOUNDS = ("stated", "approximate", "lower_bound", "upper_bound")

_PREFIX_BOUND = {"": "stated", "~": "approximate", "approx": "approximate",
                 ">": "lower_bound", ">=": "lower_bound", "≥": "lower_bound",
                 "<": "upper_bound", "<=": "upper_bound", "≤": "upper_bound"}
_ONE_NUMBER = re.compile(
    r"(?P<prefix>~|approx\.?|>=|<=|[<>≥≤])?\s*"
    r"(?P<number>-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)"
    r"\s*(?P<plus>\+)?"
)
_GLOSS = re.compile(r"\([^()]*\)")


def parse_value(text: object) -> tuple[float, str | None]:
    """Read the one number a free-text cited value states, and what kind of bound it is.

    Returns ``(number, bound)``; ``bound`` is one of :data:`BOUNDS`: ``stated`` (a plain
    number), ``approximate`` (``~`` or ``approx``), ``lower_bound`` (``N+``, ``>N``) or
    ``upper_bound`` (``<N``). Parenthesised glosses are dropped first, so
    ``"40 (two out of five)"`` is ``(40.0, "stated")``, ``"~12000 (nearly)"`` is
    ``(12000.0, "approximate")``, ``"9500000+"`` is ``(9500000.0, "lower_bound")`` and
    ``"<2"`` is ``(2.0, "upper_bound")``. Thousands separators are allowed
    (``"1,282"``). Anything else - a range (``"0.012-6.6"``), several numbers
    (``"40 / >70 (72)"``), words, an empty cell - gives ``(nan, None)``: no number is
    made up. Numbers are in the row's own unit (its ``unit`` column).
    """
    if not isinstance(text, str):
        if isinstance(text, (int, float)) and not isinstance(text, bool) and math.isfinite(text):
            return float(text), "stated"
        return math.nan, None
    bare = " ".join(_GLOSS.sub(" ", text).split())
    match = _ONE_NUMBER.fullmatch(bare)
    if match is None:
        return math.nan, None
    prefix, plus = (match["prefix"] or "").rstrip("."), match["plus"]
    if plus and prefix:  # "~5+", "<5+": two bounds at once; not one reading
        return math.nan, None
    bound = "lower_bound" if plus else _PREFIX_BOUND[prefix]
    return float(match["number"].replace(",", "")), bound


def numeric_values(name: str, column: str = "value") -> pd.DataFrame:
    """Return series ``name`` as :func:`load` does, plus the numbers its ``column`` states.

    Adds ``{column}_number`` (float; NaN when the text states no single number) and
    ``{column}_bound`` (one of :data:`BOUNDS`, or None), read by :func:`parse_value`;
    the text column itself is left as given. Meant for the free-text series
    (``dea_fentanyl_lab_testing``, ``fentanyl_seizures_pills_and_powder``,
    ``cbp_fentanyl_press_figures``, ``cbp_nii_scan_rates``, ``naloxone_distribution``,
    ``context_facts``; ``parameter_anchors`` with ``column="value_or_range"``).

    Raises:
        DataError: ``name`` is not a packaged series, or it has no column ``column``.

    """
    df = load(name)
    if column not in df.columns:
        raise DataError(
            f"series {name!r} has no column {column!r}; columns: {', '.join(map(str, df.columns))}"
        )
    parsed = [parse_value(v) for v in df[column]]
    df[f"{column}_number"] = pd.Series([p[0] for p in parsed], index=df.index, dtype=float)
    df[f"{column}_bound"] = pd.Series([p[1] for p in parsed], index=df.index, dtype=object)
    return df
