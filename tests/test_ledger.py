"""The forecast ledger: the shipped posterior's forecasts, appended once, never rewritten."""

import csv
import datetime
from pathlib import Path

import pytest

from borderflow import __version__
from borderflow.calibration.calibrate import load_posterior
from borderflow.calibration.ledger import COLUMNS, HORIZON, append, forecast_rows, read
from borderflow.calibration.targets import LAST_YEAR, TARGETS
from borderflow.errors import BorderflowError

LEDGER = Path(__file__).resolve().parents[1] / "forecasts" / "ledger.csv"


def test_the_ledger_holds_the_shipped_posteriors_forecasts():
    # every refit that ships a posterior appends its forecasts (borderflow ledger --append)
    posterior = load_posterior()
    rows = [r for r in read(LEDGER) if r["model_hash"] == posterior.model_hash]
    years = [str(y) for y in range(posterior.through + 1, posterior.through + HORIZON + 1)]
    assert sorted((r["series"], r["year"]) for r in rows) == sorted(
        (t.name, y) for t in TARGETS for y in years)
    for r in rows:
        assert float(r["p05"]) <= float(r["median"]) <= float(r["p95"]), r
        assert r["data_window"] == f"through {LAST_YEAR}"
        datetime.date.fromisoformat(r["date_written"])
    assert {r["package_version"] for r in rows} == {__version__}


def _report(scale=1.0):
    return {t.name: {"predictive": {str(y): {"median": 100.0 * scale, "p05": 50.0,
                                             "p95": 200.0 * scale}
                                    for y in range(2012, 2031)}} for t in TARGETS}


def test_rows_are_appended_once_and_never_rewritten(tmp_path):
    path = tmp_path / "ledger.csv"
    day = datetime.date(2025, 1, 15)
    first = forecast_rows(_report(), version="9.9", model_hash="a" * 64, through=2024,
                          written=day)
    assert len(first) == len(TARGETS) * HORIZON
    assert {r["year"] for r in first} == {"2025", "2026", "2027"}
    assert append(path, first) == len(first)
    again = forecast_rows(_report(2.0), version="9.9", model_hash="a" * 64, through=2024)
    with pytest.raises(BorderflowError, match="already holds the forecasts of model aaaa"):
        append(path, again)
    other = forecast_rows(_report(), version="9.10", model_hash="b" * 64, through=2024)
    append(path, other)
    with path.open(newline="") as handle:
        lines = list(csv.reader(handle))
    assert tuple(lines[0]) == COLUMNS and len(lines) == 1 + 2 * len(first)
    # the first posterior's rows are untouched
    assert read(path)[: len(first)] == first


def test_only_posteriors_of_the_packaged_window_enter():
    with pytest.raises(BorderflowError, match="fitted to the packaged window"):
        forecast_rows(_report(), version="9.9", model_hash="c" * 64, through=LAST_YEAR + 1)


def test_a_file_that_is_not_a_ledger_is_refused(tmp_path):
    path = tmp_path / "ledger.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(BorderflowError, match="not a forecast ledger"):
        append(path, [])
