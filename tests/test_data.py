"""Tests of borderflow.data: the packaged cited series and their sources."""

from __future__ import annotations

from importlib import resources

import pandas as pd
import pytest

from borderflow import data
from borderflow.errors import DataError

FIELDS = ("file", "title", "description", "unit", "period", "source", "url", "caveats")
LAST_YEAR = 2023

# Calibration series and the column that holds the year the window applies to:
# calendar year for deaths, fiscal year for CBP.
CALIBRATION_YEAR_COLUMNS = {
    "cdc_overdose_deaths_annual": "year",
    "cdc_synthetic_opioid_deaths_monthly": "year",
    "cbp_drug_seizures_fy": "fiscal_year",
    "cbp_fentanyl_seizures_monthly": "fiscal_year",
    "cbp_southwest_encounters_fy": "fiscal_year",
    "cbp_southwest_encounters_monthly": "fiscal_year",
    "usbp_southwest_encounters_monthly_fy2000": "fiscal_year",
}


def _packaged_csv_stems() -> set[str]:
    folder = resources.files("borderflow.data").joinpath("files")
    return {p.name.removesuffix(".csv") for p in folder.iterdir() if p.name.endswith(".csv")}


def test_names_sorted_and_match_packaged_csvs() -> None:
    names = data.names()
    assert names == sorted(names)
    assert set(names) == _packaged_csv_stems()


@pytest.mark.parametrize("name", data.names())
def test_every_series_loads_non_empty_with_attrs(name: str) -> None:
    df = data.load(name)
    assert isinstance(df, pd.DataFrame)
    assert len(df) > 0
    assert len(df.columns) > 0
    for key in ("title", "unit", "source", "url"):
        assert key in df.attrs
    assert df.attrs["title"]
    assert df.attrs["source"]


@pytest.mark.parametrize("name", data.names())
def test_sources_entry_complete(name: str) -> None:
    entry = data.info(name)
    assert entry["name"] == name
    assert entry["file"] == f"{name}.csv"
    for field in FIELDS:
        assert field in entry, f"{name}: missing {field}"
    for field in ("title", "description", "unit", "period", "source"):
        assert isinstance(entry[field], str)
        assert entry[field].strip(), f"{name}: empty {field}"
    assert isinstance(entry["url"], str)
    if not entry["source"].startswith("per row"):
        assert entry["url"].startswith("https://"), f"{name}: no url"
    assert isinstance(entry["caveats"], list)
    assert entry["caveats"]
    assert all(isinstance(c, str) and c.strip() for c in entry["caveats"])


def test_calibration_series_are_all_listed() -> None:
    assert set(CALIBRATION_YEAR_COLUMNS) <= set(data.names())


def test_annual_t404_equals_sum_of_monthly_exactly() -> None:
    monthly = data.load("cdc_synthetic_opioid_deaths_monthly")
    assert (monthly.groupby("year").size() == 12).all()
    sums = monthly.groupby("year")["deaths_synthetic_opioids_t404"].sum()
    annual = data.annual_synthetic_opioid_deaths()
    assert list(annual.index) == list(range(2013, 2024))
    for year, deaths in annual.items():
        assert int(deaths) == int(sums.loc[year]), year


def test_cbp_fentanyl_total_equals_ports_plus_between() -> None:
    df = data.load("cbp_drug_seizures_fy")
    parts = df["fentanyl_ports_of_entry_lb"] + df["fentanyl_between_ports_lb"]
    assert ((df["fentanyl_lb"] - parts).abs() <= 0.2).all()


def test_cbp_monthly_fentanyl_sums_to_fiscal_year_totals() -> None:
    monthly = data.load("cbp_fentanyl_seizures_monthly")
    sums = monthly.groupby("fiscal_year")["fentanyl_lb"].sum()
    totals = data.cbp_fentanyl_seizures_lb()
    assert list(sums.index) == list(totals.index)
    assert ((sums - totals).abs() <= 0.2).all()


@pytest.mark.parametrize(
    "name",
    [
        "cbp_fentanyl_seizures_monthly",
        "cbp_southwest_encounters_monthly",
        "usbp_southwest_encounters_monthly_fy2000",
    ],
)
def test_monthly_fiscal_year_column_is_october_to_september(name: str) -> None:
    df = data.load(name)
    expected = df["year"] + (df["month"] >= 10).astype(int)
    assert (df["fiscal_year"] == expected).all()


@pytest.mark.parametrize(("name", "column"), sorted(CALIBRATION_YEAR_COLUMNS.items()))
def test_no_year_after_2023_in_calibration_series(name: str, column: str) -> None:
    df = data.load(name)
    assert df[column].max() <= LAST_YEAR
    if "year" in df.columns:
        assert df["year"].max() <= LAST_YEAR
    if "month" in df.columns and column == "fiscal_year":
        # Fiscal 2023 ends in September 2023: no October-December 2023 month.
        assert not ((df["year"] == LAST_YEAR) & (df["month"] >= 10)).any()


def test_helpers_indexed_by_int_year_and_capped() -> None:
    deaths = data.annual_synthetic_opioid_deaths()
    seizures = data.cbp_fentanyl_seizures_lb()
    for series in (deaths, seizures):
        assert pd.api.types.is_integer_dtype(series.index)
        assert series.index.max() == LAST_YEAR
        assert (series > 0).all()
    assert seizures.index.name == "fiscal_year"
    assert deaths.index.name == "year"


def test_unknown_name_raises_data_error_listing_available() -> None:
    with pytest.raises(DataError) as excinfo:
        data.load("no_such_series")
    message = str(excinfo.value)
    assert "no_such_series" in message
    assert "available:" in message
    assert "\n" not in message
    assert "cbp_drug_seizures_fy" in message
    with pytest.raises(DataError, match="available:"):
        data.info("no_such_series")


def test_loaded_frames_are_copies() -> None:
    first = data.load("cbp_drug_seizures_fy")
    original = first.loc[0, "fentanyl_lb"]
    first.loc[0, "fentanyl_lb"] = -1.0
    first["extra"] = 1
    first.attrs["title"] = "changed"
    second = data.load("cbp_drug_seizures_fy")
    assert second.loc[0, "fentanyl_lb"] == original
    assert "extra" not in second.columns
    assert second.attrs["title"] != "changed"


def test_helper_series_are_copies() -> None:
    first = data.cbp_fentanyl_seizures_lb()
    original = first.iloc[0]
    first.iloc[0] = -1.0
    assert data.cbp_fentanyl_seizures_lb().iloc[0] == original


def test_info_is_a_copy() -> None:
    entry = data.info("policy_calendar")
    entry["caveats"].append("mutated")
    entry["title"] = "mutated"
    again = data.info("policy_calendar")
    assert "mutated" not in again["caveats"]
    assert again["title"] != "mutated"
