"""Snapshots: newer copies of packaged series, fetched or imported, kept outside the package.

The packaged series end with 2024 on purpose. A *snapshot directory* holds newer copies
that a user chose to fetch (:func:`update`: CDC's provisional counts from data.cdc.gov)
or to import from a file they downloaded (:func:`import_file`: CBP's seizure and
encounter CSVs, a CDC WONDER export). Per series it holds ``<series>.csv``, in exactly
the packaged file's columns and units, and ``<series>.json``, the record of where it
comes from: source, URL or file (with its SHA-256), retrieval date (UTC), rows, window,
the packaged window and how well the two agree.

A snapshot is the packaged series with the new rows laid over it: periods the source
covers take the source's values, earlier periods keep the packaged ones. Before
anything is written the new rows must (1) parse in the source's documented format
(:mod:`borderflow.data.formats`: columns, units, ranges), (2) not run past today, and
(3) overlap the packaged window and agree with it there within the series' stated
:class:`Tolerance` - a guard against a wrong file, unit or definition. A new snapshot
of a series replaces the earlier one. Nothing is ever written inside the package.

Reading: :func:`load` returns the snapshot of a series when the directory has one and
the packaged series otherwise; :func:`borderflow.data.load` itself never reads
snapshots. :func:`provenance` says which, for ``borderflow data list``.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from borderflow import data
from borderflow.data import formats
from borderflow.errors import DataError

__all__ = [
    "IMPORTS",
    "SPECS",
    "UPDATES",
    "Spec",
    "Tolerance",
    "default_dir",
    "describe",
    "fetch_json",
    "import_file",
    "inside_package",
    "load",
    "provenance",
    "record",
    "update",
    "vsrr_url",
]


@dataclass(frozen=True)
class Tolerance:
    """How far a source's value may sit from the packaged one for the same period.

    A value agrees when ``|new - packaged| <= max(relative * |packaged|, absolute)``
    (``absolute`` in the series' unit, so small counts are not held to a percentage).
    """

    relative: float
    absolute: float

    def allowed(self, packaged: float) -> float:
        """The largest difference allowed from ``packaged``, in the series' unit."""
        return max(self.relative * abs(packaged), self.absolute)


#: CDC VSRR provisional 12-month-ending counts: revised release after release as
#: pending investigations close and late records arrive (the packaged copy's last months
#: were still 13 % pending). Recent months move by a few percent; more is a different
#: series, geography or definition.
PROVISIONAL_TOLERANCE = Tolerance(relative=0.05, absolute=50.0)  # deaths
#: CDC WONDER T40.4 deaths per year: final counts hardly move (late records); a
#: provisional-database export of the latest final year runs within about 1 %.
WONDER_TOLERANCE = Tolerance(relative=0.02, absolute=10.0)  # deaths
#: CBP seizures in lb: CBP's files are extracts of live systems, revised as lab results
#: reclassify drugs; fentanyl totals of past years moved by well under 1 % between
#: releases, small series (heroin, about 1,000 lb a year) more in relative terms. A unit
#: mix-up (kg for lb) is a factor 2.2.
SEIZURE_TOLERANCE = Tolerance(relative=0.05, absolute=25.0)  # lb
#: CBP encounters: "final statistics are available at the conclusion of each fiscal
#: year" (CBP); later revisions are a fraction of a percent.
ENCOUNTER_TOLERANCE = Tolerance(relative=0.02, absolute=100.0)  # encounters


@dataclass(frozen=True)
class Spec:
    """How a series' rows are keyed, compared and dated.

    Attributes:
        key: the column naming a row's period.
        period: ``month`` (``YYYY-MM``), ``calendar`` or ``fiscal`` (October-September)
            year.
        compare: the numeric columns checked against the packaged values.
        tolerance: how close they must be.
        unit: the unit of the compared columns, for messages.

    """

    key: str
    period: str
    compare: tuple[str, ...]
    tolerance: Tolerance
    unit: str


SPECS: dict[str, Spec] = {
    "cdc_synthetic_opioid_deaths_12mo_provisional": Spec(
        "period_end_month", "month",
        ("reported_12mo_ending_deaths", "predicted_12mo_ending_deaths"),
        PROVISIONAL_TOLERANCE, "deaths"),
    "cdc_overdose_deaths_annual": Spec(
        "year", "calendar", ("deaths_synthetic_opioids_t404",), WONDER_TOLERANCE, "deaths"),
    "cbp_drug_seizures_fy": Spec(
        "fiscal_year", "fiscal",
        ("fentanyl_lb", "fentanyl_ports_of_entry_lb", "fentanyl_between_ports_lb",
         "fentanyl_southwest_ports_of_entry_lb", "fentanyl_southwest_between_ports_lb",
         "methamphetamine_lb", "cocaine_lb", "heroin_lb", "marijuana_lb"),
        SEIZURE_TOLERANCE, "lb"),
    "cbp_southwest_encounters_fy": Spec(
        "fiscal_year", "fiscal",
        ("encounters_total", "border_patrol", "ports_of_entry", "citizens_mexico",
         "citizens_northern_central_america", "citizens_other"),
        ENCOUNTER_TOLERANCE, "encounters"),
}
#: Series ``borderflow data import FILE --series NAME`` reads, and the reader of each.
IMPORTS: dict[str, Callable[[str, str], formats.Parsed]] = {
    "cbp_drug_seizures_fy": formats.cbp_seizures,
    "cbp_southwest_encounters_fy": formats.cbp_encounters,
    "cdc_overdose_deaths_annual": formats.wonder,
}
#: The series ``borderflow data update`` fetches.
UPDATES = ("cdc_synthetic_opioid_deaths_12mo_provisional",)

VSRR_ENDPOINT = "https://data.cdc.gov/resource/xkb8-kh2a.json"
VSRR_PAGE = "https://data.cdc.gov/NCHS/VSRR-Provisional-Drug-Overdose-Death-Counts/xkb8-kh2a"
TIMEOUT_S = 20.0  # seconds to wait for data.cdc.gov before calling it unreachable
RECORD_FORMAT = 1


def default_dir() -> Path:
    """The user data directory: ``$XDG_DATA_HOME/borderflow`` or ``~/.local/share/borderflow``."""
    base = os.environ.get("XDG_DATA_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local/share"
    return root / "borderflow"


def _package_root() -> Path:
    return Path(str(resources.files("borderflow"))).resolve()


def inside_package(path: str | Path) -> bool:
    """Whether ``path`` lies inside the installed borderflow package."""
    return Path(path).expanduser().resolve().is_relative_to(_package_root())


def _writable(data_dir: str | Path | None) -> Path:
    """The snapshot directory to write (created if need be); never inside the package."""
    target = Path(data_dir).expanduser() if data_dir is not None else default_dir()
    if inside_package(target):
        raise DataError(f"refusing to write snapshots into the installed package ({target}): "
                        "pass --dir outside it")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"cannot create {target}: {exc.strerror or exc}") from None
    return target


# --- fetching --------------------------------------------------------------------------


def vsrr_url() -> str:
    """The SODA query of US T40.4 12-month-ending counts (every month, one request)."""
    where = (f"state='{formats.VSRR_STATE}' AND "
             f"indicator='{formats.VSRR_INDICATOR}'")
    return VSRR_ENDPOINT + "?" + urllib.parse.urlencode({"$where": where, "$limit": 5000})


def fetch_json(url: str, timeout: float = TIMEOUT_S) -> bytes:
    """GET ``url`` and return the body; any network failure is one-line DataError."""
    host = urllib.parse.urlsplit(url).hostname or url
    request = urllib.request.Request(url, headers={"Accept": "application/json",
                                                   "User-Agent": "borderflow"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        try:  # SODA explains a refused query (e.g. a renamed column) in a JSON body
            message = json.loads(exc.read() or b"{}").get("message", "")
        except (ValueError, AttributeError, OSError):
            message = ""
        path = urllib.parse.urlsplit(url).path
        raise DataError(f"{host} answered HTTP {exc.code} ({exc.reason}) to {path}"
                        + (f": {' '.join(str(message).split())}" if message else "")
                        ) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", None) or exc or type(exc).__name__
        raise DataError(f"cannot reach {host} ({reason}): offline? The packaged series "
                        "stay in use; run `borderflow data update` again when connected"
                        ) from None


# --- building a snapshot ---------------------------------------------------------------


def _today(today: date | None) -> date:
    return today or datetime.now(UTC).date()


def _last_month(spec: Spec, period: Any) -> str:
    """The last calendar month (``YYYY-MM``) of a period."""
    if spec.period == "month":
        return str(period)
    return f"{int(period)}-{'09' if spec.period == 'fiscal' else '12'}"


def _label(spec: Spec, period: Any) -> str:
    return f"FY{int(period)}" if spec.period == "fiscal" else str(period)


def _window(spec: Spec, periods: pd.Series) -> list[str]:
    return [_label(spec, periods.min()), _label(spec, periods.max())]


def _check_dates(spec: Spec, frame: pd.DataFrame, today: date, label: str) -> None:
    now = f"{today.year}-{today.month:02d}"
    late = [p for p in frame[spec.key] if _last_month(spec, p) > now]
    if late:
        raise DataError(f"{label}: {_label(spec, late[0])} runs past today ({today}): "
                        "a future period is not data")


def _agreement(name: str, spec: Spec, new: pd.DataFrame, packaged: pd.DataFrame,
               label: str) -> dict[str, Any]:
    """Check the overlap with the packaged window; DataError on the worst disagreement."""
    old = packaged.set_index(spec.key)
    overlap = [p for p in new[spec.key] if p in old.index]
    if not overlap:
        first, last = _window(spec, packaged[spec.key])
        raise DataError(f"{label}: covers {' to '.join(_window(spec, new[spec.key]))}, no "
                        f"period of the packaged window ({first} to {last}): include "
                        f"{last} so its units and definitions can be checked")
    rows = new[new[spec.key].isin(overlap)].set_index(spec.key)
    largest: tuple[float, str, Any] | None = None
    for column in (c for c in spec.compare if c in rows.columns):  # the headline first
        for period, value in rows[column].items():
            reference = old.at[period, column]
            if pd.isna(value) or pd.isna(reference):
                continue
            value, reference = float(value), float(reference)
            if abs(value - reference) > spec.tolerance.allowed(reference):
                relative = f" ({(value - reference) / reference:+.1%})" if reference else ""
                raise DataError(
                    f"{label}: {column} for {_label(spec, period)} is {value:,.6g} "
                    f"{spec.unit}, the packaged {name} has {reference:,.6g}{relative}; "
                    f"beyond the tolerance of {spec.tolerance.relative:.0%} (or "
                    f"{spec.tolerance.absolute:g} {spec.unit}): a different series, unit "
                    "or definition?")
            relative_difference = (value - reference) / reference if reference else 0.0
            if largest is None or abs(relative_difference) > abs(largest[0]):
                largest = (relative_difference, column, period)
    summary: dict[str, Any] = {
        "periods": len(overlap),
        "tolerance": {"relative": spec.tolerance.relative,
                      "absolute": spec.tolerance.absolute, "unit": spec.unit},
    }
    if largest is not None:
        summary.update(largest_difference=largest[0], column=largest[1],
                       at=_label(spec, largest[2]))
    return summary


def _merge(spec: Spec, packaged: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """The packaged rows with the new ones laid over them, in the packaged columns."""
    base = packaged.set_index(spec.key)
    top = new.set_index(spec.key)
    merged = top.combine_first(base).sort_index().reset_index()[list(packaged.columns)]
    for column in packaged.columns:  # whole counts stay whole: 2378944, not 2378944.0
        values = merged[column]
        if (pd.api.types.is_numeric_dtype(packaged[column].dtype)
                and pd.api.types.is_numeric_dtype(values.dtype)
                and (values.dropna() % 1 == 0).all()
                and (packaged[column].dropna() % 1 == 0).all()):
            merged[column] = values.astype("Int64")
    return merged


def _snapshot(name: str, parsed: formats.Parsed, label: str, origin: str,
              data_dir: str | Path | None, today: date,
              extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Check ``parsed`` against the packaged series, then write snapshot and record."""
    spec = SPECS[name]
    packaged = data.load(name)
    new = parsed.frame
    _check_dates(spec, new, today, label)
    agreement = _agreement(name, spec, new, packaged, label)
    merged = _merge(spec, packaged, new)
    target = _writable(data_dir)  # checked first by the callers too: fail before fetching
    rec = {
        "format": RECORD_FORMAT, "series": name, "source": parsed.source,
        "origin": origin, **(extra or {}), "retrieved": today.isoformat(),
        "rows": len(merged), "window": _window(spec, merged[spec.key]),
        "imported_rows": len(new), "imported_window": _window(spec, new[spec.key]),
        "packaged_window": _window(spec, packaged[spec.key]),
        "agreement": agreement, "left_out": list(parsed.left_out),
    }
    csv_path, json_path = target / f"{name}.csv", target / f"{name}.json"
    try:
        for path, text in ((csv_path, merged.to_csv(index=False, lineterminator="\n")),
                           (json_path, json.dumps(rec, indent=2) + "\n")):
            partial = path.with_name(path.name + ".partial")
            partial.write_text(text, encoding="utf-8")
            partial.replace(path)
    except OSError as exc:
        raise DataError(f"cannot write {target}: {exc.strerror or exc}") from None
    return {**rec, "dir": str(target)}


def update(data_dir: str | Path | None = None,
           fetch: Callable[[str], bytes] | None = None,
           today: date | None = None) -> dict[str, Any]:
    """Fetch CDC's provisional counts and write their snapshot; return its record.

    ``fetch(url) -> bytes`` defaults to :func:`fetch_json` (tests pass a fixture's
    bytes). Raises DataError when data.cdc.gov cannot be reached, the response is not
    the documented format, or it disagrees with the packaged window.
    """
    _writable(data_dir)
    url = vsrr_url()
    payload = (fetch or fetch_json)(url)
    day = _today(today)
    source = (f"CDC NCHS VSRR provisional counts (data.cdc.gov dataset xkb8-kh2a, SODA API, "
              f"retrieved {day})")
    parsed = formats.vsrr(payload, "response of data.cdc.gov (dataset xkb8-kh2a)", source, url)
    return _snapshot(UPDATES[0], parsed, url, VSRR_PAGE, data_dir, day,
                     {"query": url})


def import_file(path: str | Path, series: str, data_dir: str | Path | None = None,
                today: date | None = None) -> dict[str, Any]:
    """Validate a downloaded file of ``series`` and write its snapshot; return its record.

    Raises DataError when ``series`` cannot be imported, the file cannot be read, or it
    is not in the source's documented format, or disagrees with the packaged window.
    """
    if series not in IMPORTS:
        raise DataError(f"cannot import series {series!r}; importable: {', '.join(IMPORTS)}"
                        f" (and `borderflow data update` fetches {', '.join(UPDATES)})")
    _writable(data_dir)
    file = Path(path).expanduser()
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise DataError(f"{file}: cannot read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # Excel's "CSV" from Windows
    day = _today(today)
    parsed = IMPORTS[series](text, str(file))
    frame = parsed.frame.copy()
    note = f"imported from {file.name} ({parsed.source}) on {day}"
    if series == "cbp_southwest_encounters_fy":
        frame["note"] = note
    elif series == "cdc_overdose_deaths_annual":
        frame["source_t404"] = note
    parsed = formats.Parsed(frame, parsed.source, parsed.left_out)
    return _snapshot(series, parsed, str(file), str(file.resolve()), data_dir, day,
                     {"sha256": hashlib.sha256(raw).hexdigest()})


# --- reading -------------------------------------------------------------------------


@lru_cache(maxsize=32)
def _read(path: str, mtime_ns: int) -> pd.DataFrame:
    """Parse a snapshot CSV once per modification (as :func:`borderflow.data.load` does)."""
    del mtime_ns  # part of the cache key only
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def record(name: str, data_dir: str | Path | None = None) -> dict[str, Any] | None:
    """The record of the snapshot of ``name`` in ``data_dir`` (default dir), or None."""
    folder = Path(data_dir).expanduser() if data_dir is not None else default_dir()
    if not (folder / f"{name}.csv").is_file():
        return None
    path = folder / f"{name}.json"
    try:
        rec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise DataError(f"{path}: missing or unreadable snapshot record; import or update "
                        f"{name} again, or delete {folder / (name + '.csv')}") from None
    if not isinstance(rec, dict) or rec.get("series") != name:
        raise DataError(f"{path}: not the snapshot record of {name}")
    return {**rec, "dir": str(folder)}


def load(name: str, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Series ``name`` from the snapshot in ``data_dir`` if it has one, else packaged.

    Same columns and units as :func:`borderflow.data.load`; ``attrs`` gains
    ``snapshot`` (the CSV's path) and ``retrieved`` when it comes from a snapshot, and
    its ``source`` and ``url`` say so. ``data_dir=None`` is the packaged series.
    """
    packaged = data.load(name)
    if data_dir is None:
        return packaged
    rec = record(name, data_dir)
    if rec is None:
        return packaged
    path = Path(rec["dir"]) / f"{name}.csv"
    frame = _read(str(path), path.stat().st_mtime_ns).copy(deep=True)
    if list(frame.columns) != list(packaged.columns):
        raise DataError(f"{path}: columns differ from the packaged {name} "
                        f"({', '.join(map(str, packaged.columns))})")
    frame.attrs = {**packaged.attrs,
                   "source": f"{rec['source']} (snapshot {rec['dir']}, retrieved "
                             f"{rec['retrieved']})",
                   "url": str(rec.get("origin", "")), "snapshot": str(path),
                   "retrieved": rec["retrieved"]}
    return frame


def _packaged_window(frame: pd.DataFrame) -> str | None:
    """First and last period of a packaged file, when it has a period column."""
    for column, fmt in (("period_end_month", "{}"), ("fiscal_year", "FY{}")):
        if column in frame.columns:
            return f"{fmt.format(frame[column].min())} to {fmt.format(frame[column].max())}"
    if "year" in frame.columns and pd.api.types.is_integer_dtype(frame["year"]):
        if "month" in frame.columns and pd.api.types.is_integer_dtype(frame["month"]):
            ym = frame["year"] * 100 + frame["month"]
            first, last = int(ym.min()), int(ym.max())
            return f"{first // 100}-{first % 100:02d} to {last // 100}-{last % 100:02d}"
        return f"{frame['year'].min()} to {frame['year'].max()}"
    return None


def provenance(name: str, data_dir: str | Path | None = None) -> str:
    """Where ``name`` comes from: ``packaged (window ...)`` or its snapshot, dated."""
    rec = record(name, data_dir)
    if rec is None:
        window = _packaged_window(data.load(name))
        return f"packaged (window {window})" if window else "packaged"
    first, last = rec["window"]
    return f"snapshot in {rec['dir']}, retrieved {rec['retrieved']} (window {first} to {last})"


def describe(rec: dict[str, Any]) -> list[str]:
    """Lines summarising a written snapshot, for the CLI."""
    agreement = rec["agreement"]
    tol = agreement["tolerance"]
    lines = [
        f"{rec['series']}: wrote {rec['rows']} rows ({rec['window'][0]} to "
        f"{rec['window'][1]}) to {rec['dir']}, of which {rec['imported_rows']} from "
        f"{rec['source']} ({rec['imported_window'][0]} to {rec['imported_window'][1]}), "
        f"retrieved {rec['retrieved']}",
        f"agrees with the packaged window ({rec['packaged_window'][0]} to "
        f"{rec['packaged_window'][1]}) on {agreement['periods']} periods within "
        f"{tol['relative']:.0%} (or {tol['absolute']:g} {tol['unit']})"
        + (f"; largest difference {agreement['largest_difference']:+.2%} "
           f"({agreement['column']}, {agreement['at']})" if "at" in agreement else ""),
    ]
    return lines + [f"note: {line}" for line in rec["left_out"]]
