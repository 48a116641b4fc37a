"""The forecast ledger: each shipped posterior's forecasts of the years after its window.

``forecasts/ledger.csv`` (in the repository, beside the package) holds, for every
posterior shipped, its predictive median and 90 % interval for each calibration series
in each of the :data:`HORIZON` years after its data window, with the package version,
the model's hash and the date written. Rows are only ever appended: a posterior's
forecasts, once written, are never rewritten, so the file is a record of real
out-of-sample forecasts that grows with each release and is scored as the record comes
in. Only posteriors fitted to the packaged window (through
:data:`~borderflow.calibration.targets.LAST_YEAR`) may enter it.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Mapping, Sequence
from pathlib import Path

from borderflow.calibration.targets import LAST_YEAR
from borderflow.errors import BorderflowError

#: Years forecast after the data window.
HORIZON = 3
COLUMNS = ("package_version", "model_hash", "data_window", "series", "year", "median",
           "p05", "p95", "date_written")


def forecast_rows(report: Mapping[str, dict], *, version: str, model_hash: str,
                  through: int, written: datetime.date | None = None
                  ) -> list[dict[str, str]]:
    """The ledger rows of one posterior from its fit report's predictive quantiles.

    Args:
        report: the ``series`` of a ``fit --json`` document (predictive median, p05 and
            p95 by year, in each series' unit: deaths, gross lb, encounters).
        version: the package version that ships the posterior.
        model_hash: the posterior's model hash.
        through: the last year of its data window.
        written: the date the rows are written (default: today, UTC).

    """
    if through > LAST_YEAR:
        raise BorderflowError(
            f"the ledger takes only posteriors fitted to the packaged window (through "
            f"{LAST_YEAR}); this one is fitted through {through}")
    day = (written or datetime.datetime.now(datetime.UTC).date()).isoformat()
    rows = []
    for series, entry in report.items():
        for year in range(through + 1, through + HORIZON + 1):
            q = entry["predictive"].get(str(year))
            if q is None:
                raise BorderflowError(f"the fit report has no {year} forecast of {series}")
            rows.append({"package_version": version, "model_hash": model_hash,
                         "data_window": f"through {through}", "series": series,
                         "year": str(year), "median": f"{q['median']:.6g}",
                         "p05": f"{q['p05']:.6g}", "p95": f"{q['p95']:.6g}",
                         "date_written": day})
    return rows


def read(path: str | Path) -> list[dict[str, str]]:
    """The ledger's rows (none if the file does not exist yet)."""
    path = Path(path)
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise BorderflowError(f"{path}: not a forecast ledger; its columns must be "
                                  f"{', '.join(COLUMNS)}")
        return list(reader)


def append(path: str | Path, rows: Sequence[Mapping[str, str]]) -> int:
    """Append ``rows`` to the ledger at ``path``; returns how many were written.

    Refuses rows of a model hash the ledger already holds: a posterior's forecasts are
    written once and never rewritten.
    """
    path = Path(path)
    held = {row["model_hash"] for row in read(path)}
    clash = sorted({row["model_hash"] for row in rows} & held)
    if clash:
        raise BorderflowError(
            f"{path} already holds the forecasts of model {clash[0][:12]}; a posterior's "
            "forecasts are written once and never rewritten")
    new = not path.is_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        if new:
            writer.writeheader()
        writer.writerows(rows)
    return len(rows)
