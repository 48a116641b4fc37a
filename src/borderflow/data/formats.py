"""Readers of the sources' own formats, turning them into the packaged series' columns.

Pure functions, no I/O: each takes the text (or bytes) a user downloaded or a server
returned, plus a ``label`` naming it in messages (a file name or a URL), and returns a
:class:`Parsed` whose ``frame`` holds rows in the columns of a packaged series:

- :func:`vsrr` - CDC NCHS VSRR "Provisional Drug Overdose Death Counts" (data.cdc.gov
  dataset xkb8-kh2a, SODA JSON) -> ``cdc_synthetic_opioid_deaths_12mo_provisional``
  (deaths in the 12 months ending each month, United States, T40.4);
- :func:`cbp_seizures` - CBP "Nationwide Drug Seizures" CSV -> ``cbp_drug_seizures_fy``
  (pounds per fiscal year, gross weight as seized);
- :func:`cbp_encounters` - CBP "Southwest Land Border Encounters" CSV ->
  ``cbp_southwest_encounters_fy`` (encounters, events per fiscal year);
- :func:`wonder` - a CDC WONDER Multiple Cause of Death export (tab-separated, quoted
  fields, a trailing ``"---"`` notes block) filtered to T40.4 ->
  ``cdc_overdose_deaths_annual`` column ``deaths_synthetic_opioids_t404`` (deaths per
  calendar year).

Every problem - not the documented format, a missing (renamed) column, a value that is
not a number, a negative count, an implausible size - raises :class:`DataError` with
one line naming the file or URL, the column and the row. Fiscal years are US federal
fiscal years (FY2025 = October 2024 - September 2025); only complete years (all twelve
months present) are kept, and what is left out is said in ``Parsed.left_out``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from borderflow.errors import DataError

__all__ = ["Parsed", "cbp_encounters", "cbp_seizures", "vsrr", "wonder"]

# Plausibility bounds (judgement): far above anything recorded, far below a unit mix-up
# in the other direction. US drug-overdose deaths of all kinds peaked near 112,000 in 12
# months (2023); CBP's largest fiscal-year seizure of any drug is under 600,000 lb
# (marijuana, FY2019); southwest encounters peaked near 2.5 million (FY2023).
MAX_DEATHS_PER_YEAR = 300_000  # deaths (count per 12 months)
MAX_SEIZURE_LB_PER_YEAR = 2_000_000.0  # lb per fiscal year, any one drug
MAX_ENCOUNTERS_PER_YEAR = 10_000_000  # encounters (events) per fiscal year

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
FISCAL_MONTHS = ("OCT", "NOV", "DEC", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL",
                 "AUG", "SEP")


@dataclass(frozen=True)
class Parsed:
    """Rows read from a source, in the columns of a packaged series.

    Attributes:
        frame: one row per period, columns a subset of the packaged series' columns
            (all of them except for :func:`wonder`, which gives one count per year).
        source: what the rows were read from, e.g. ``CBP "Nationwide Drug Seizures" CSV``.
        left_out: what was read but not kept, and why (incomplete fiscal years,
            components outside the series' scope), one sentence each.

    """

    frame: pd.DataFrame
    source: str
    left_out: tuple[str, ...] = ()


def _number(text: object, label: str, column: str, where: str) -> float:
    """A finite number from a cell (thousands separators allowed), or DataError."""
    cell = str(text).strip().replace(",", "") if text is not None else ""
    try:
        value = float(cell)
    except ValueError:
        raise DataError(f"{label}: {column} {text!r} in {where} is not a number") from None
    if not math.isfinite(value):
        raise DataError(f"{label}: {column} {text!r} in {where} is not a finite number")
    return value


def _count(text: object, label: str, column: str, where: str, maximum: float) -> int:
    """A whole, non-negative count no larger than ``maximum``, or DataError."""
    value = _number(text, label, column, where)
    if value < 0 or value != int(value):
        raise DataError(f"{label}: {column} {text!r} in {where} is not a whole number >= 0")
    if value > maximum:
        raise DataError(f"{label}: {column} {value:,.0f} in {where} is implausibly large "
                        f"(over {maximum:,.0f}): is it the right series and unit?")
    return int(value)


def _year(text: object, label: str, column: str, where: str) -> int:
    """The four-digit year a cell starts with (``"2025 (FYTD)"`` -> 2025), or DataError."""
    match = re.match(r"\s*(\d{4})\b", str(text))
    if match is None:
        raise DataError(f"{label}: {column} {text!r} in {where} is not a year")
    return int(match[1])


def _csv_rows(text: str, label: str, required: tuple[str, ...], what: str,
              delimiter: str = ",") -> tuple[list[str], list[list[str]]]:
    """Header and rows of a delimited text; DataError naming the first missing column."""
    rows = [row for row in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
            if any(cell.strip() for cell in row)]
    if not rows:
        raise DataError(f"{label}: empty file, expected a {what}")
    header = [cell.strip() for cell in rows[0]]
    for column in required:
        if column not in header:
            raise DataError(
                f"{label}: no column {column!r} (a {what} has {', '.join(required)}; this "
                f"file has {', '.join(header) or 'none'}): renamed, or not that file?")
    return header, rows[1:]


def _records(header: list[str], rows: list[list[str]]) -> list[tuple[int, dict[str, str]]]:
    """Rows as dicts keyed by the header, with their line number (header = line 1)."""
    return [(i + 2, dict(zip(header, (c.strip() for c in row), strict=False)))
            for i, row in enumerate(rows)]


def _fiscal_month(text: str, label: str, where: str) -> str:
    abbv = text.strip().upper()[:3]
    if abbv not in FISCAL_MONTHS:
        raise DataError(f"{label}: Month (abbv) {text!r} in {where} is not a month")
    return abbv


def _complete(months: dict[int, set[str]], what: str) -> tuple[list[int], list[str]]:
    """Fiscal years with all twelve months, and a sentence per incomplete one."""
    kept = sorted(y for y, m in months.items() if len(m) == 12)
    dropped = [f"FY{y} has {len(m)} of 12 months ({what}): left out"
               for y, m in sorted(months.items()) if len(m) < 12]
    return kept, dropped


# --- CDC VSRR provisional counts (SODA JSON) ------------------------------------------

VSRR_INDICATOR = "Synthetic opioids, excl. methadone (T40.4)"
VSRR_STATE = "US"
VSRR_PERIOD = "12 month-ending"
VSRR_REQUIRED = ("state", "year", "month", "period", "indicator", "data_value")
#: The order of the SODA fields in ``quote_or_row`` (as in the packaged mirror's rows).
VSRR_ROW = ("state", "year", "month", "period", "indicator", "percent_complete",
            "percent_pending_investigation", "state_name", "footnote", "footnote_symbol",
            "data_value", "predicted_value")


def _quote(values: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(values)
    return out.getvalue()


def vsrr(payload: bytes | str, label: str, source: str, url: str = "") -> Parsed:
    """US T40.4 deaths in the 12 months ending each month, from a SODA JSON response.

    ``payload`` is what ``https://data.cdc.gov/resource/xkb8-kh2a.json`` returned: a JSON
    list of rows whose values are strings (``data_value`` and ``predicted_value`` are
    deaths in the 12 months ending ``month`` of ``year``). Rows of other states or
    indicators are ignored. ``source`` and ``url`` (the query; default ``label``) fill
    the ``source`` and ``source_url_or_doc`` columns. Returns the columns of
    ``cdc_synthetic_opioid_deaths_12mo_provisional``.
    """
    try:
        doc = json.loads(payload)
    except (ValueError, UnicodeDecodeError) as exc:
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
        start = " ".join(text[:60].split())
        raise DataError(f"{label}: the response is not valid JSON ({exc}); it starts "
                        f"{start!r}") from None
    if isinstance(doc, dict):
        message = doc.get("message") or doc.get("error") or ", ".join(doc)
        raise DataError(f"{label}: data.cdc.gov answered with an error, not rows: {message}")
    if not isinstance(doc, list) or not all(isinstance(row, dict) for row in doc):
        raise DataError(f"{label}: the response is not a JSON list of rows")
    fields = set().union(*doc) if doc else set()
    for field in VSRR_REQUIRED:
        if doc and field not in fields:
            raise DataError(f"{label}: no field {field!r} in any row (fields: "
                            f"{', '.join(sorted(fields))}): has dataset xkb8-kh2a changed "
                            "its schema?")
    ours = [row for row in doc
            if row.get("state") == VSRR_STATE and row.get("indicator") == VSRR_INDICATOR]
    if not ours:
        raise DataError(f"{label}: no rows for state {VSRR_STATE!r} and indicator "
                        f"{VSRR_INDICATOR!r} ({len(doc)} rows in all)")
    records = []
    for row in ours:
        where = f"the row of {row.get('month')} {row.get('year')}"
        missing = [f for f in VSRR_REQUIRED if f not in row]
        if missing:
            raise DataError(f"{label}: {where} has no {missing[0]!r} (suppressed or pending?)")
        if " ".join(row["period"].lower().split()) != VSRR_PERIOD:
            raise DataError(f"{label}: period {row['period']!r} in {where}; expected "
                            f"{VSRR_PERIOD!r} counts: has the dataset's unit changed?")
        if row["month"].strip().capitalize() not in MONTHS:
            raise DataError(f"{label}: month {row['month']!r} in {where} is not a month name")
        month = MONTHS.index(row["month"].strip().capitalize()) + 1
        year = _year(row["year"], label, "year", where)
        period = f"{year}-{month:02d}"
        where = f"the row of {period}"
        reported = _count(row["data_value"], label, "data_value", where, MAX_DEATHS_PER_YEAR)
        predicted = (_count(row["predicted_value"], label, "predicted_value", where,
                            MAX_DEATHS_PER_YEAR) if row.get("predicted_value") else None)
        pending = (_number(row["percent_pending_investigation"], label,
                           "percent_pending_investigation", where)
                   if row.get("percent_pending_investigation") else math.nan)
        if not 0 <= pending <= 100 and not math.isnan(pending):
            raise DataError(f"{label}: percent_pending_investigation {pending} in {where} "
                            "is not a percentage")
        records.append({
            "period_end_month": period,
            "geography": row.get("state_name", "United States"),
            "indicator": row["indicator"],
            "reported_12mo_ending_deaths": reported,
            "predicted_12mo_ending_deaths": predicted,
            "pct_pending_investigation": pending,
            "cdc_footnote": row.get("footnote", ""),
            "source": source,
            "source_url_or_doc": url or label,
            "quote_or_row": _quote([str(row.get(f, "")) for f in VSRR_ROW]),
            "confidence": "high",
        })
    frame = pd.DataFrame(records)
    duplicated = frame["period_end_month"][frame["period_end_month"].duplicated()]
    if len(duplicated):
        raise DataError(f"{label}: two rows for the 12 months ending {duplicated.iloc[0]}")
    frame["predicted_12mo_ending_deaths"] = frame["predicted_12mo_ending_deaths"].astype(
        "Int64" if frame["predicted_12mo_ending_deaths"].notna().all() else float)
    return Parsed(frame.sort_values("period_end_month").reset_index(drop=True),
                  "CDC NCHS VSRR Provisional Drug Overdose Death Counts (xkb8-kh2a)")


# --- CBP Nationwide Drug Seizures CSV ------------------------------------------------

SEIZURES_WHAT = 'CBP "Nationwide Drug Seizures" CSV'
SEIZURES_REQUIRED = ("FY", "Month (abbv)", "Component", "Region", "Drug Type",
                     "Sum Qty (lbs)")
PORTS, BETWEEN = "Office of Field Operations", "U.S. Border Patrol"
SOUTHWEST_SEIZURES = "Southwest Border"
#: Packaged column -> CBP "Drug Type" (lower case) for the drugs other than fentanyl.
OTHER_DRUGS = {"methamphetamine_lb": "methamphetamine", "cocaine_lb": "cocaine",
               "heroin_lb": "heroin", "marijuana_lb": "marijuana"}


def cbp_seizures(text: str, label: str) -> Parsed:
    """Pounds seized per fiscal year, nationwide, from a CBP Nationwide Drug Seizures CSV.

    Columns used: ``FY`` (``2025`` or ``2026 (FYTD)``), ``Month (abbv)`` (``OCT``...),
    ``Component`` (Office of Field Operations = at ports of entry, U.S. Border Patrol =
    between ports; any other component, e.g. Air and Marine Operations, is outside the
    series and left out), ``Region`` (``Southwest Border`` for the southwest columns),
    ``Drug Type`` and ``Sum Qty (lbs)`` (pounds, gross weight as seized). Returns the
    columns of ``cbp_drug_seizures_fy``, rounded to 0.1 lb like the packaged file.
    """
    header, rows = _csv_rows(text, label, SEIZURES_REQUIRED, SEIZURES_WHAT)
    totals: dict[tuple[int, str], float] = defaultdict(float)
    months: dict[int, set[str]] = defaultdict(set)
    others: set[str] = set()
    for line, rec in _records(header, rows):
        where = f"line {line}"
        fy = _year(rec.get("FY"), label, "FY", where)
        months[fy].add(_fiscal_month(rec.get("Month (abbv)", ""), label, where))
        pounds = _number(rec.get("Sum Qty (lbs)"), label, "Sum Qty (lbs)", where)
        if pounds < 0:
            raise DataError(f"{label}: Sum Qty (lbs) {pounds} in {where} is negative")
        component, drug = rec.get("Component", ""), rec.get("Drug Type", "").lower()
        if component not in (PORTS, BETWEEN):
            others.add(component)
            continue
        southwest = rec.get("Region", "") == SOUTHWEST_SEIZURES
        if drug == "fentanyl":
            side = "ports" if component == PORTS else "between"
            totals[fy, f"fentanyl_{side}"] += pounds
            if southwest:
                totals[fy, f"fentanyl_southwest_{side}"] += pounds
        for column, name in OTHER_DRUGS.items():
            if drug == name:
                totals[fy, column] += pounds
    if not any(key[1].startswith("fentanyl") for key in totals):
        raise DataError(f"{label}: no fentanyl seized by {PORTS} or {BETWEEN}: not a "
                        f"{SEIZURES_WHAT}?")
    years, left_out = _complete(months, "fiscal year to date")
    if others:
        left_out.append(f"components {', '.join(sorted(others))} are outside the series "
                        "(ports of entry plus between ports): left out")
    records = []
    for fy in years:
        ports, between = totals[fy, "fentanyl_ports"], totals[fy, "fentanyl_between"]
        record = {"fiscal_year": fy, "fentanyl_lb": ports + between,
                  "fentanyl_ports_of_entry_lb": ports, "fentanyl_between_ports_lb": between,
                  "fentanyl_southwest_ports_of_entry_lb": totals[fy, "fentanyl_southwest_ports"],
                  "fentanyl_southwest_between_ports_lb":
                      totals[fy, "fentanyl_southwest_between"],
                  **{column: totals[fy, column] for column in OTHER_DRUGS}}
        for column, value in record.items():
            if column != "fiscal_year" and value > MAX_SEIZURE_LB_PER_YEAR:
                raise DataError(f"{label}: {column} {value:,.0f} lb in FY{fy} is implausibly "
                                "large: is the unit pounds?")
        records.append(record)
    frame = pd.DataFrame(records, columns=["fiscal_year", "fentanyl_lb",
                                           "fentanyl_ports_of_entry_lb",
                                           "fentanyl_between_ports_lb",
                                           "fentanyl_southwest_ports_of_entry_lb",
                                           "fentanyl_southwest_between_ports_lb",
                                           *OTHER_DRUGS])
    return Parsed(frame.round(1), SEIZURES_WHAT, tuple(left_out))


# --- CBP Southwest Land Border Encounters CSV ----------------------------------------

ENCOUNTERS_WHAT = 'CBP "Southwest Land Border Encounters" CSV'
ENCOUNTERS_REQUIRED = ("Fiscal Year", "Month (abbv)", "Component", "Citizenship Grouping",
                       "Encounter Count")
#: Earlier releases name the citizenship column "Citizenship" (one country per row).
CITIZENSHIP_ALIASES = ("Citizenship Grouping", "Citizenship")
SOUTHWEST_REGION = "Southwest Land Border"
NORTHERN_CENTRAL_AMERICA = {"guatemala", "honduras", "el salvador"}


def cbp_encounters(text: str, label: str) -> Parsed:
    """Encounters per fiscal year at the southwest land border, from CBP's CSV.

    Columns used: ``Fiscal Year`` (``2025`` or ``2025 (FYTD)``), ``Month (abbv)``,
    ``Component`` (U.S. Border Patrol = between ports; Office of Field Operations = at
    ports of entry), ``Citizenship Grouping`` (or ``Citizenship`` in older releases) and
    ``Encounter Count`` (events; Title 8 and Title 42 alike). If the file has ``Land
    Border Region`` (the nationwide file), only ``Southwest Land Border`` rows count.
    Returns the columns of ``cbp_southwest_encounters_fy``.
    """
    first = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))), [])
    citizenship = next((c for c in CITIZENSHIP_ALIASES if c in (h.strip() for h in first)),
                       CITIZENSHIP_ALIASES[0])
    required = tuple(citizenship if c == CITIZENSHIP_ALIASES[0] else c
                     for c in ENCOUNTERS_REQUIRED)
    header, rows = _csv_rows(text, label, required, ENCOUNTERS_WHAT)
    regional = "Land Border Region" in header
    totals: dict[tuple[int, str], int] = defaultdict(int)
    months: dict[int, set[str]] = defaultdict(set)
    others: set[str] = set()
    for line, rec in _records(header, rows):
        where = f"line {line}"
        if regional and rec.get("Land Border Region") != SOUTHWEST_REGION:
            continue
        fy = _year(rec.get("Fiscal Year"), label, "Fiscal Year", where)
        months[fy].add(_fiscal_month(rec.get("Month (abbv)", ""), label, where))
        count = _count(rec.get("Encounter Count"), label, "Encounter Count", where,
                       MAX_ENCOUNTERS_PER_YEAR)
        component = rec.get("Component", "")
        if component not in (PORTS, BETWEEN):
            others.add(component)
            continue
        totals[fy, "border_patrol" if component == BETWEEN else "ports_of_entry"] += count
        country = rec.get(citizenship, "").lower()
        group = ("citizens_mexico" if country == "mexico" else
                 "citizens_northern_central_america" if country in NORTHERN_CENTRAL_AMERICA
                 else "citizens_other")
        totals[fy, group] += count
    if not months:
        raise DataError(f"{label}: no {SOUTHWEST_REGION} rows: not a {ENCOUNTERS_WHAT}?")
    years, left_out = _complete(months, "fiscal year to date")
    if others:
        left_out.append(f"components {', '.join(sorted(others))}: left out")
    columns = ("border_patrol", "ports_of_entry", "citizens_mexico",
               "citizens_northern_central_america", "citizens_other")
    records = []
    for fy in years:
        record = {"fiscal_year": fy, "encounters_total":
                  totals[fy, "border_patrol"] + totals[fy, "ports_of_entry"],
                  **{column: totals[fy, column] for column in columns}}
        if record["encounters_total"] > MAX_ENCOUNTERS_PER_YEAR:
            raise DataError(f"{label}: {record['encounters_total']:,} encounters in FY{fy} "
                            "is implausibly many")
        records.append(record)
    frame = pd.DataFrame(records, columns=["fiscal_year", "encounters_total", *columns])
    return Parsed(frame, ENCOUNTERS_WHAT, tuple(left_out))


# --- CDC WONDER export -----------------------------------------------------------------

WONDER_WHAT = "CDC WONDER Multiple Cause of Death export (tab-separated, with notes)"
WONDER_CAUSE = "T40.4"
#: WONDER's cells that stand for no number.
WONDER_NO_NUMBER = ("Suppressed", "Missing", "Not Applicable", "Unreliable")


def wonder(text: str, label: str) -> Parsed:
    """US T40.4 deaths per calendar year from a CDC WONDER export grouped by Year or Month.

    The export is tab-separated with quoted text: a header (``"Notes"``, ``"Year"``,
    ``"Year Code"`` - or ``"Month"``, ``"Month Code"`` as ``2024/01`` - ``Deaths``, ...),
    data rows (``Notes`` empty), a ``"Total"`` row, then a ``"---"`` line and the notes
    (dataset, query parameters, query date). The notes must show a Multiple Cause of
    death filter of T40.4 alone; monthly exports are summed over complete years. Returns
    columns ``year`` and ``deaths_synthetic_opioids_t404`` of
    ``cdc_overdose_deaths_annual``.
    """
    lines = text.lstrip("\ufeff").splitlines()
    end = next((i for i, line in enumerate(lines) if line.strip().strip('"') == "---"), None)
    if end is None:
        raise DataError(f'{label}: no "---" notes block: not a {WONDER_WHAT}? Export with '
                        '"Show Totals" and "Show Zero Values" as you like, but keep the notes')
    notes = [" ".join(cell.strip() for cell in row if cell.strip())
             for row in csv.reader(lines[end + 1:], delimiter="\t")]
    dataset = next((n.split(":", 1)[1].strip() for n in notes if n.startswith("Dataset:")), "")
    if not dataset:
        raise DataError(f"{label}: the notes name no dataset: not a {WONDER_WHAT}?")
    causes = [n for n in notes if n.lower().startswith("multiple cause of death:")]
    codes = set(re.findall(r"\b[A-Z]\d\d(?:\.\d)?\b", " ".join(causes)))
    if codes != {WONDER_CAUSE}:
        found = ", ".join(sorted(codes)) or "none"
        raise DataError(f"{label}: the notes show Multiple Cause of death codes {found}; "
                        f"only an export filtered to {WONDER_CAUSE} alone fills "
                        "deaths_synthetic_opioids_t404")
    header, rows = _csv_rows("\n".join(lines[:end]), label, ("Notes", "Deaths"),
                             WONDER_WHAT, delimiter="\t")
    monthly = "Month Code" in header
    code = "Month Code" if monthly else "Year Code"
    if code not in header:
        raise DataError(f"{label}: no column 'Year Code' (or 'Month Code'); this file has "
                        f"{', '.join(header)}: group the export by Year, renamed, or not "
                        "that file?")
    grouped = [c[:-5] for c in header if c.endswith(" Code") and c != code]
    if grouped:
        raise DataError(f"{label}: grouped by {', '.join(grouped)} as well: export "
                        "national counts grouped by Year (or Month) only")
    deaths: dict[int, int] = defaultdict(int)
    months: dict[int, set[str]] = defaultdict(set)
    for line, rec in _records(header, rows):
        if rec.get("Notes") == "Total" or not rec.get(code):
            continue
        where = f"line {line}"
        year = _year(rec[code], label, code, where)
        cell = rec.get("Deaths", "")
        if cell in WONDER_NO_NUMBER:
            raise DataError(f"{label}: Deaths is {cell!r} in {where} (year {year})")
        deaths[year] += _count(cell, label, "Deaths", where, MAX_DEATHS_PER_YEAR)
        months[year].add(rec[code])
    left_out: list[str] = []
    if monthly:
        left_out = [f"{y} has {len(m)} of 12 months: left out"
                    for y, m in sorted(months.items()) if len(m) < 12]
        deaths = {y: d for y, d in deaths.items() if len(months[y]) == 12}
    if not deaths:
        raise DataError(f"{label}: no year with a death count")
    source = f"CDC WONDER, {dataset}"
    frame = pd.DataFrame({"year": sorted(deaths),
                          "deaths_synthetic_opioids_t404": [deaths[y] for y in sorted(deaths)]})
    return Parsed(frame, source, tuple(left_out))
