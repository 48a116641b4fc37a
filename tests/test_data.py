"""Tests of borderflow.data: the packaged cited series and their sources."""

from __future__ import annotations

from importlib import resources

import pandas as pd
import pytest

from borderflow import data
from borderflow.errors import DataError

FIELDS = ("file", "title", "description", "unit", "period", "source", "url", "caveats")
LAST_YEAR = 2024  # the packaged window (the calibration window is set in calibration.targets)

# Series added upstream in November 2026 (mechanism data, not calibration targets).
NEW_SERIES = (
    "dea_fentanyl_lab_testing",
    "fentanyl_seizures_pills_and_powder",
    "cbp_fentanyl_by_area_fy",
    "cbp_fentanyl_by_area_monthly",
    "cbp_fentanyl_by_component_region_fy",
    "cbp_fentanyl_press_figures",
    "cdc_synthetic_opioid_deaths_by_state",
    "cdc_synthetic_opioid_deaths_by_region",
    "cdc_synthetic_opioid_deaths_12mo_provisional",
    "cbp_nii_scan_rates",
    "naloxone_distribution",
)

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
    assert list(annual.index) == list(range(2013, 2025))
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
def test_calibration_series_run_to_2024_and_no_later(name: str, column: str) -> None:
    df = data.load(name)
    assert df[column].max() == LAST_YEAR
    if "year" in df.columns:
        assert df["year"].max() <= LAST_YEAR
    if "month" in df.columns and column == "fiscal_year":
        # Fiscal 2024 ends in September 2024: no October-December 2024 month.
        assert not ((df["year"] == LAST_YEAR) & (df["month"] >= 10)).any()
        # ... and all twelve months of it are there.
        assert (df[column] == LAST_YEAR).sum() == 12


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


# --- the 2024 window: cited values -------------------------------------------------


def test_new_series_are_packaged_with_sources() -> None:
    names = set(data.names())
    for name in NEW_SERIES:
        assert name in names, name
        entry = data.info(name)
        assert entry["period"].strip()
        assert len(entry["caveats"]) >= 2, name
    assert len(names) == 21


def test_deaths_2024_cited_values() -> None:
    deaths = data.annual_synthetic_opioid_deaths()
    assert deaths[2024] == 47_735
    assert deaths[2023] == 72_776
    assert deaths[2022] == 73_838
    annual = data.load("cdc_overdose_deaths_annual").set_index("year")
    assert annual.loc[2024, "deaths_all_drugs"] == 79_384
    assert annual.loc[2023, "deaths_all_drugs"] == 105_007
    monthly = data.load("cdc_synthetic_opioid_deaths_monthly")
    m2024 = monthly[monthly["year"] == 2024].set_index("month")["deaths_synthetic_opioids_t404"]
    assert list(m2024.index) == list(range(1, 13))
    assert (m2024[1], m2024[12]) == (5_115, 3_307)
    assert int(m2024.sum()) == 47_735


def test_cbp_fentanyl_fy2024_cited_values() -> None:
    df = data.load("cbp_drug_seizures_fy").set_index("fiscal_year")
    row = df.loc[2024]
    assert row["fentanyl_lb"] == pytest.approx(21_889.2, abs=0.0501)
    assert row["fentanyl_ports_of_entry_lb"] == pytest.approx(18_900.3, abs=0.0501)
    assert row["fentanyl_between_ports_lb"] == pytest.approx(2_988.9, abs=0.0501)
    assert row["fentanyl_southwest_ports_of_entry_lb"] == pytest.approx(18_213.4, abs=0.0501)
    assert row["fentanyl_southwest_between_ports_lb"] == pytest.approx(2_934.8, abs=0.0501)
    assert data.cbp_fentanyl_seizures_lb()[2023] == pytest.approx(27_022.9, abs=0.0501)
    # README: 86.3 % of the FY2024 weight was seized at ports of entry.
    share = df["fentanyl_ports_of_entry_lb"] / df["fentanyl_lb"]
    assert [round(100 * s, 1) for s in share] == [91.9, 83.1, 90.9, 85.0, 89.5, 86.3]


def test_cbp_component_region_rows_sum_to_the_nationwide_totals() -> None:
    parts = data.load("cbp_fentanyl_by_component_region_fy")
    assert sorted(parts["fiscal_year"].unique()) == [2023, 2024]
    assert (parts.groupby("fiscal_year").size() == 6).all()
    sums = parts.groupby("fiscal_year")["fentanyl_lbs"].sum()
    assert sums[2023] == pytest.approx(27_022.86, abs=0.005)
    assert sums[2024] == pytest.approx(21_889.21, abs=0.005)
    totals = data.cbp_fentanyl_seizures_lb()
    assert ((sums - totals.loc[sums.index]).abs() <= 0.05).all()
    fy = data.load("cbp_drug_seizures_fy").set_index("fiscal_year")
    southwest = parts[parts["region"] == "Southwest Border"].set_index(["fiscal_year", "component"])
    for year in (2023, 2024):
        ports = southwest.loc[(year, "Office of Field Operations"), "fentanyl_lbs"]
        between = southwest.loc[(year, "U.S. Border Patrol"), "fentanyl_lbs"]
        assert ports == pytest.approx(
            fy.loc[year, "fentanyl_southwest_ports_of_entry_lb"], abs=0.0501
        )
        assert between == pytest.approx(
            fy.loc[year, "fentanyl_southwest_between_ports_lb"], abs=0.0501
        )


def test_cbp_by_area_annual_rows_are_sums_of_the_monthly_rows() -> None:
    annual = data.load("cbp_fentanyl_by_area_fy")
    monthly = data.load("cbp_fentanyl_by_area_monthly")
    assert monthly["calendar_month"].min() == "2018-10"
    assert monthly["calendar_month"].max() == "2023-09"
    assert (monthly["seizure_events"] >= 1).all()  # no-seizure months have no row
    areas = annual[~annual["area_of_responsibility"].str.startswith("ALL")]
    by_month = monthly.groupby(["fiscal_year", "component", "area_of_responsibility"])
    sums = by_month["fentanyl_lbs"].sum()
    events = by_month["seizure_events"].sum()
    for row in areas.itertuples(index=False):
        key = (row.fiscal_year, row.component, row.area_of_responsibility)
        assert sums[key] == pytest.approx(row.fentanyl_lbs, abs=0.006), key
        assert events[key] == row.seizure_events, key
    # Component totals equal the southwest columns of cbp_drug_seizures_fy.
    fy = data.load("cbp_drug_seizures_fy").set_index("fiscal_year")
    totals = annual[annual["area_of_responsibility"] == "ALL SOUTHWEST BORDER (component total)"]
    assert sorted(totals["fiscal_year"].unique()) == [2019, 2020, 2021, 2022, 2023]
    columns = {
        "Office of Field Operations": "fentanyl_southwest_ports_of_entry_lb",
        "U.S. Border Patrol": "fentanyl_southwest_between_ports_lb",
    }
    for row in totals.itertuples(index=False):
        cited = fy.loc[row.fiscal_year, columns[row.component]]
        assert row.fentanyl_lbs == pytest.approx(cited, abs=0.0501), row
    sd = annual.set_index(["fiscal_year", "area_of_responsibility"])["fentanyl_lbs"]
    assert sd[(2022, "SAN DIEGO FIELD OFFICE")] == pytest.approx(6_703.6, abs=0.0501)


def test_encounters_fy2024_cited_values() -> None:
    fy = data.load("cbp_southwest_encounters_fy").set_index("fiscal_year")
    row = fy.loc[2024]
    assert row["border_patrol"] == 1_530_523
    assert row["ports_of_entry"] == 604_482
    assert row["encounters_total"] == 2_135_005
    assert row["border_patrol"] + row["ports_of_entry"] == row["encounters_total"]
    citizens = ["citizens_mexico", "citizens_northern_central_america", "citizens_other"]
    assert [row[c] for c in citizens] == [653_684, 398_619, 1_082_702]
    assert sum(row[c] for c in citizens) == row["encounters_total"]
    assert fy.loc[2023, "border_patrol"] == 2_045_838
    assert fy.loc[2023, "ports_of_entry"] == 429_831
    monthly = data.load("cbp_southwest_encounters_monthly")
    columns = ["encounters_total", "border_patrol", "ports_of_entry"]
    sums = monthly.groupby("fiscal_year")[columns].sum()
    assert list(sums.index) == [2020, 2021, 2022, 2023, 2024]
    for column in sums.columns:
        assert (sums[column] == fy.loc[sums.index, column].astype(int)).all(), column
    ohss = data.load("usbp_southwest_encounters_monthly_fy2000")
    ohss_fy = ohss.groupby("fiscal_year")["border_patrol_encounters"].sum()
    assert ohss_fy[2024] == 1_530_540  # rounded to 10 per month
    assert abs(ohss_fy[2024] - row["border_patrol"]) / row["border_patrol"] < 0.002


def test_state_and_region_deaths_are_consistent_with_the_annual_total() -> None:
    states = data.load("cdc_synthetic_opioid_deaths_by_state")
    assert sorted(states["year"].unique()) == list(range(2015, 2025))
    us = states[states["state"] == "United States"].set_index("year")["t404_deaths_final"]
    annual = data.annual_synthetic_opioid_deaths()
    assert (us == annual.loc[us.index]).all()
    assert us[2024] == 47_735
    rows = states[states["state"] != "United States"]
    assert (rows["t404_deaths_final"] >= 10).all()  # 1-9 is suppressed (absent), not zero
    counts = rows.groupby("year").size()
    assert counts[2015] == 47
    assert (counts.loc[2019:] == 51).all()
    sums = rows.groupby("year")["t404_deaths_final"].sum()
    assert (sums.loc[2019:] == us.loc[2019:]).all()
    assert (sums.loc[:2018] < us.loc[:2018]).all()
    regions = data.load("cdc_synthetic_opioid_deaths_by_region")
    by_region = rows.groupby(["year", "census_region"])["t404_deaths_final"].sum()
    for row in regions.itertuples(index=False):
        assert by_region[(row.year, row.census_region)] == row.t404_deaths_sum_of_states
        assert row.us_total == us[row.year]
    west = regions[regions["census_region"] == "West"].set_index("year")["share_of_us_total"]
    assert west[2015] == pytest.approx(0.0671, abs=5e-5)
    assert west[2024] == pytest.approx(0.2597, abs=5e-5)


def test_provisional_12_month_ending_deaths() -> None:
    df = data.load("cdc_synthetic_opioid_deaths_12mo_provisional").set_index("period_end_month")
    assert len(df) == 120
    assert (df.index[0], df.index[-1]) == ("2015-01", "2024-12")
    assert (df["predicted_12mo_ending_deaths"] >= df["reported_12mo_ending_deaths"]).all()
    assert df.loc["2024-12", "reported_12mo_ending_deaths"] == 48_662
    assert df.loc["2024-12", "predicted_12mo_ending_deaths"] == 48_913
    assert df.loc["2023-12", "reported_12mo_ending_deaths"] == 74_091
    # Provisional (place of occurrence) is not the final annual count.
    final = data.annual_synthetic_opioid_deaths()
    assert df.loc["2024-12", "reported_12mo_ending_deaths"] != final[2024]


@pytest.mark.parametrize(
    ("name", "column"),
    [
        ("cbp_fentanyl_by_area_fy", "fiscal_year"),
        ("cbp_fentanyl_by_area_monthly", "fiscal_year"),
        ("cbp_fentanyl_by_component_region_fy", "fiscal_year"),
        ("cdc_synthetic_opioid_deaths_by_state", "year"),
        ("cdc_synthetic_opioid_deaths_by_region", "year"),
    ],
)
def test_new_year_series_end_by_2024(name: str, column: str) -> None:
    assert data.load(name)[column].max() <= LAST_YEAR


# --- free-text values ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number", "bound"),
    [
        ("21936", 21_936.0, "stated"),
        ("1.94", 1.94, "stated"),
        ("40 (two out of five)", 40.0, "stated"),
        ("29048 (13176 kg)", 29_048.0, "stated"),
        ("~12000 (nearly)", 12_000.0, "approximate"),
        ("approx -0.9", -0.9, "approximate"),
        ("9500000+", 9_500_000.0, "lower_bound"),
        (">5", 5.0, "lower_bound"),
        ("<2", 2.0, "upper_bound"),
        ("1,675,474", 1_675_474.0, "stated"),
        (12.5, 12.5, "stated"),
    ],
)
def test_parse_value_reads_one_stated_number(text: object, number: float, bound: str) -> None:
    got, got_bound = data.parse_value(text)
    assert got == pytest.approx(number)
    assert got_bound == bound
    assert got_bound in data.BOUNDS


@pytest.mark.parametrize(
    "text",
    ["0.012-6.6", "40 / >70 (72)", "~20 / <5", "3;3;5;3;10", "491 -> 2320", "n/a", "", "~5+",
     None, float("nan")],
)
def test_parse_value_makes_up_no_number(text: object) -> None:
    number, bound = data.parse_value(text)
    assert number != number  # NaN
    assert bound is None


def test_numeric_values_of_the_free_text_series() -> None:
    pills = data.numeric_values("fentanyl_seizures_pills_and_powder")
    assert pd.api.types.is_float_dtype(pills["value_number"])
    assert pills["value"].dtype != float  # the text column stays as given
    by_value = pills.set_index("value")
    assert by_value.loc["9500000+", "value_number"] == 9_500_000
    assert by_value.loc["9500000+", "value_bound"] == "lower_bound"
    assert by_value.loc["~12000 (nearly)", "value_bound"] == "approximate"
    dea_2024 = pills[(pills["period"] == "2024") & (pills["unit"] == "lb")]
    assert dea_2024["value_number"].tolist() == [21_936.0]
    assert pills["value_number"].notna().all()

    lab = data.numeric_values("dea_fentanyl_lab_testing")
    shares = lab[lab["metric"].str.contains("lethal|deadly|>=2 mg")]
    got = dict(zip(shares["period"] + " " + shares["value"], shares["value_number"], strict=True))
    assert got["2024 50 (five out of 10)"] == 50
    assert got["FY2023 76"] == 76
    assert got["2021 44"] == 44
    assert {"FY2023", "2023", "2024"} <= set(lab["period"])  # fiscal and calendar, labelled
    assert lab["value_number"].isna().sum() == 1  # the "0.012-6.6" range

    nii = data.numeric_values("cbp_nii_scan_rates")
    fy2024 = nii[(nii["period"] == "FY2024") & (nii["metric"] == "large-scale NII scan rate")]
    assert dict(zip(fy2024["vehicle_type"], fy2024["value_number"], strict=True)) == {
        "passenger vehicles": 8.0, "commercial vehicles": 27.0}

    naloxone = data.numeric_values("naloxone_distribution").set_index("value")
    assert naloxone.loc["1675474", "value_number"] == 1_675_474

    anchors = data.numeric_values("parameter_anchors", "value_or_range")
    assert {"value_or_range_number", "value_or_range_bound"} <= set(anchors.columns)
    with pytest.raises(DataError, match="no column 'value'"):
        data.numeric_values("parameter_anchors")


def test_only_empty_cells_are_missing() -> None:
    facts = data.load("context_facts")
    assert (facts["period"] == "n/a").sum() == 2  # text, not NaN
    anchors = data.load("parameter_anchors")
    assert len(anchors) == 346
    assert anchors["parameter"].is_unique
    assert (anchors["unit"] == "n/a").sum() == 1
    assert anchors["source_url"].isna().sum() == 7
    calendar = data.load("policy_calendar")
    assert calendar["end"].isna().sum() == 24  # one-off events


# --- policy calendar -----------------------------------------------------------------


def test_policy_calendar_2023_2024_events() -> None:
    calendar = data.load("policy_calendar")
    assert len(calendar) == 30
    starts = pd.to_datetime(calendar["start"], format="%Y-%m-%d")
    ends = pd.to_datetime(calendar["end"], format="%Y-%m-%d")
    assert (ends.isna() | (ends > starts)).all()
    assert starts.max() == pd.Timestamp("2024-09-09")
    assert starts.min() == pd.Timestamp("2014-07-07")
    expected = {
        "2023-03-29": "FDA approves Narcan",
        "2023-09-07": "Over-the-counter naloxone",
        "2023-10-02": "Los Chapitos",
        "2024-01-30": "Counternarcotics Working Group",
        "2024-06-05": "Proclamation 10773",
        "2024-06-18": "nitazenes",
        "2024-07-25": "Zambada",
        "2024-09-01": "4-AP",
        "2024-09-09": "Sinaloa Cartel factions",
    }
    for start, phrase in expected.items():
        rows = calendar[calendar["start"] == start]
        assert len(rows) == 1, start
        assert phrase in rows["event"].iloc[0], start
        assert rows["end"].isna().all()
    # The earlier rows the history events are read from keep their dates.
    title42 = calendar[calendar["event"].str.startswith("Title 42 expulsions")]
    assert (title42["start"].tolist(), title42["end"].tolist()) == (["2020-03-20"], ["2023-05-11"])
