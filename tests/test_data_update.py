"""Data that stay current: `data update`, `data import`, snapshots, `calibrate --data`.

No network: the fetcher is replaced by fixture responses (tests/fixtures/data, in each
source's documented format), and every directory is under tmp_path.
"""

import hashlib
import io
import json
import socket
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from borderflow import data
from borderflow.calibration.calibrate import load_posterior, log_posterior_function, shipped_path
from borderflow.calibration.targets import BY_NAME, LAST_YEAR, TARGETS, last_year, log_likelihood
from borderflow.cli import main
from borderflow.data import formats, snapshots
from borderflow.errors import DataError
from borderflow.model.parameters import NAMES

FIXTURES = Path(__file__).parent / "fixtures" / "data"
VSRR = FIXTURES / "vsrr_xkb8-kh2a_us_t404.json"
SEIZURES = FIXTURES / "cbp_nationwide_drug_seizures_fy23_fy26.csv"
ENCOUNTERS = FIXTURES / "cbp_southwest_land_border_encounters_fy23_fy26.csv"
WONDER = FIXTURES / "wonder_mcd_t404_by_year.txt"
PROVISIONAL = "cdc_synthetic_opioid_deaths_12mo_provisional"


@pytest.fixture(autouse=True)
def user_data_home(tmp_path, monkeypatch):
    """Never the real home: the default snapshot directory lives under tmp_path."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "borderflow"


@pytest.fixture
def serve(monkeypatch):
    """Make `data update` receive ``payload`` instead of asking data.cdc.gov."""
    def install(payload: bytes):
        urls = []

        def fetch(url, timeout=snapshots.TIMEOUT_S):
            urls.append(url)
            return payload

        monkeypatch.setattr(snapshots, "fetch_json", fetch)
        return urls

    return install


def run_cli(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(code, err):
    assert code == 2, err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def _row(table, name):
    """The first line of ``name``'s row in a printed table."""
    return next(line for line in table.splitlines() if f" {name} " in line)


def import_fixture(capsys, path, series, directory):
    code, out, err = run_cli(capsys, "data", "import", path, "--series", series,
                             "--dir", directory)
    assert code == 0, err
    return out


# --- data update ---------------------------------------------------------------------


def test_update_writes_a_snapshot_that_data_list_shows(tmp_path, capsys, serve):
    urls = serve(VSRR.read_bytes())
    snap = tmp_path / "snap"
    code, out, err = run_cli(capsys, "data", "update", "--dir", snap)
    assert code == 0, err
    assert "wrote 126 rows (2015-01 to 2025-06)" in out and "within 5%" in out
    # one request, to the SODA endpoint, for the US synthetic-opioid indicator
    assert len(urls) == 1 and urls[0].startswith("https://data.cdc.gov/resource/xkb8-kh2a.json?")
    assert "T40.4" in urllib.parse.unquote_plus(urls[0])
    record = json.loads((snap / f"{PROVISIONAL}.json").read_text())
    assert record["retrieved"] == date.fromisoformat(record["retrieved"]).isoformat()
    assert record["window"] == ["2015-01", "2025-06"]
    assert record["imported_window"] == ["2023-01", "2025-06"]
    assert record["packaged_window"] == ["2015-01", "2024-12"]
    assert record["agreement"]["periods"] == 24
    assert "xkb8-kh2a" in record["origin"] and "xkb8-kh2a" in record["source"]
    frame = snapshots.load(PROVISIONAL, snap)
    packaged = data.load(PROVISIONAL)
    assert list(frame.columns) == list(packaged.columns)  # same columns as the package
    last = frame.iloc[-1]
    assert last["period_end_month"] == "2025-06" and last["reported_12mo_ending_deaths"] == 36900
    assert last["confidence"] == "high" and "retrieved" in last["source"]
    # earlier months keep the packaged rows; revised ones take the new values
    assert frame.iloc[0].equals(packaged.iloc[0])
    assert frame.set_index("period_end_month").at["2024-12", "reported_12mo_ending_deaths"] == (
        round(48662 * 1.006))
    assert len(data.load(PROVISIONAL)) == 120  # the packaged series never changes
    code, out, _ = run_cli(capsys, "data", "list", "--dir", snap)
    assert code == 0
    assert "snapshot in" in _row(out, PROVISIONAL)  # the table folds the directory
    assert "packaged (window FY2019 to" in _row(out, "cbp_drug_seizures_fy")
    assert snapshots.provenance(PROVISIONAL, snap) == (
        f"snapshot in {snap}, retrieved {record['retrieved']} (window 2015-01 to 2025-06)")
    assert snapshots.provenance("cbp_drug_seizures_fy", snap) == (
        "packaged (window FY2019 to FY2024)")


def test_update_writes_to_the_user_data_directory_by_default(capsys, serve, user_data_home):
    serve(VSRR.read_bytes())
    assert snapshots.default_dir() == user_data_home
    code, _, err = run_cli(capsys, "data", "update")
    assert code == 0, err
    assert (user_data_home / f"{PROVISIONAL}.csv").is_file()
    code, out, _ = run_cli(capsys, "data", "list")
    assert code == 0 and "snapshot in" in _row(out, PROVISIONAL)
    assert snapshots.provenance(PROVISIONAL).startswith(f"snapshot in {user_data_home}")


@pytest.mark.parametrize("failure, expected", [
    (urllib.error.URLError(socket.gaierror(-2, "Name or service not known")),
     "error: cannot reach data.cdc.gov ([Errno -2] Name or service not known): offline?"),
    (TimeoutError("timed out"), "error: cannot reach data.cdc.gov (timed out): offline?"),
    (ConnectionRefusedError(111, "Connection refused"), "error: cannot reach data.cdc.gov"),
    (urllib.error.HTTPError("https://data.cdc.gov/x", 503, "Service Unavailable", None, None),
     "error: data.cdc.gov answered HTTP 503 (Service Unavailable)"),
    # a renamed column makes SODA refuse the query itself, and say why
    (urllib.error.HTTPError("https://data.cdc.gov/x", 400, "Bad Request", None, io.BytesIO(
        b'{"error": true, "message": "No such column: indicator"}')),
     "error: data.cdc.gov answered HTTP 400 (Bad Request) to /resource/xkb8-kh2a.json: "
     "No such column: indicator"),
])
def test_update_without_network_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch,
                                                        failure, expected):
    def unreachable(*args, **kwargs):
        raise failure

    monkeypatch.setattr(urllib.request, "urlopen", unreachable)
    code, out, err = run_cli(capsys, "data", "update", "--dir", tmp_path / "snap")
    assert one_line_error(code, err).startswith(expected)
    assert out == ""
    assert not list((tmp_path / "snap").iterdir())  # nothing written


@pytest.mark.parametrize("payload, expected", [
    ((FIXTURES / "vsrr_malformed.json").read_bytes(), "the response is not valid JSON"),
    ((FIXTURES / "vsrr_changed_schema.json").read_bytes(),
     "no field 'data_value' in any row (fields: footnote"),
    (b"<html><body>Service temporarily unavailable</body></html>",
     "not valid JSON (Expecting value: line 1 column 1 (char 0)); it starts '<html>"),
    (b'{"code": "query.compiler.malformed", "error": true, "message": "No such column: x"}',
     "data.cdc.gov answered with an error, not rows: No such column: x"),
    (b"[]", "no rows for state 'US' and indicator 'Synthetic opioids, excl. methadone"),
])
def test_malformed_responses_are_refused_in_one_line(tmp_path, capsys, serve, payload,
                                                     expected):
    serve(payload)
    code, _, err = run_cli(capsys, "data", "update", "--dir", tmp_path / "snap")
    assert expected in one_line_error(code, err)
    assert not (tmp_path / "snap" / f"{PROVISIONAL}.csv").exists()


def _edited_vsrr(edit):
    rows = json.loads(VSRR.read_text())
    for row in rows:
        edit(row)
    return json.dumps(rows).encode()


def test_bad_values_units_and_disagreement_in_a_response_are_refused(tmp_path, serve):
    cases = [
        (lambda r: r.update(data_value="n/a") if r["month"] == "March" else None,
         "data_value 'n/a' in the row of 2023-03 is not a number"),
        (lambda r: r.update(data_value="-5") if r["year"] == "2025" else None,
         "data_value '-5' in the row of 2025-01 is not a whole number >= 0"),
        (lambda r: r.update(period="Percent"), "period 'Percent'"),
        (lambda r: r.update(data_value=str(int(r["data_value"]) * 1000)), "implausibly large"),
        # the 2023 counts a tenth lower than the packaged ones: beyond 5 %
        (lambda r: r.update(data_value=str(int(int(r["data_value"]) * 0.9)))
         if r["year"] == "2023" else None,
         "reported_12mo_ending_deaths for 2023-01 is 67,851 deaths, the packaged "
         "cdc_synthetic_opioid_deaths_12mo_provisional has 75,390 (-10.0%); beyond the "
         "tolerance of 5%"),
    ]
    for edit, expected in cases:
        serve(_edited_vsrr(edit))
        with pytest.raises(DataError) as info:
            snapshots.update(tmp_path / "snap")
        assert expected in str(info.value), str(info.value)
    assert not (tmp_path / "snap" / f"{PROVISIONAL}.csv").exists()


def test_rows_of_other_indicators_are_ignored():
    rows = json.loads(VSRR.read_text())
    heroin = {**rows[0], "indicator": "Heroin (T40.1)", "data_value": "13000"}
    parsed = formats.vsrr(json.dumps([heroin, *rows]), "fixture", "source")
    assert len(parsed.frame) == len(rows)
    assert set(parsed.frame["indicator"]) == {"Synthetic opioids, excl. methadone (T40.4)"}


def test_a_response_past_today_is_refused(tmp_path):
    with pytest.raises(DataError, match=r"2025-01 runs past today \(2024-12-31\)"):
        snapshots.update(tmp_path, fetch=lambda url: VSRR.read_bytes(), today=date(2024, 12, 31))


# --- data import ---------------------------------------------------------------------


def test_import_cbp_seizures(tmp_path, capsys):
    out = import_fixture(capsys, SEIZURES, "cbp_drug_seizures_fy", tmp_path)
    assert "wrote 7 rows (FY2019 to FY2025)" in out
    assert "FY2026 has 5 of 12 months (fiscal year to date): left out" in out
    frame = snapshots.load("cbp_drug_seizures_fy", tmp_path).set_index("fiscal_year")
    packaged = data.load("cbp_drug_seizures_fy").set_index("fiscal_year")
    assert list(frame.columns) == list(packaged.columns)
    assert frame.loc[2025, "fentanyl_lb"] == pytest.approx(11950.0)
    assert frame.loc[2025, "fentanyl_southwest_between_ports_lb"] == pytest.approx(1500.0)
    assert frame.loc[2025, "heroin_lb"] == pytest.approx(820.0)
    np.testing.assert_allclose(frame.loc[2019:2024].to_numpy(float),
                               packaged.to_numpy(float), rtol=1e-6)
    record = snapshots.record("cbp_drug_seizures_fy", tmp_path)
    assert record["sha256"] == hashlib.sha256(SEIZURES.read_bytes()).hexdigest()
    assert record["origin"] == str(SEIZURES.resolve())
    assert record["agreement"]["tolerance"] == {"relative": 0.05, "absolute": 25.0,
                                                "unit": "lb"}


def test_import_cbp_encounters(tmp_path, capsys):
    out = import_fixture(capsys, ENCOUNTERS, "cbp_southwest_encounters_fy", tmp_path)
    assert "wrote 26 rows (FY2000 to FY2025)" in out and "FY2026 has 3 of 12 months" in out
    frame = snapshots.load("cbp_southwest_encounters_fy", tmp_path).set_index("fiscal_year")
    row = frame.loc[2025]
    assert (row["border_patrol"], row["ports_of_entry"], row["encounters_total"]) == (
        238000, 205000, 443000)
    assert row["citizens_northern_central_america"] == 52000
    assert frame.loc[2023, "border_patrol"] == 2045838  # Title 8 plus Title 42
    assert frame.loc[2024, "note"].startswith("imported from " + ENCOUNTERS.name)
    assert frame.loc[2010, "border_patrol"] == 447731  # packaged rows kept
    text = (tmp_path / "cbp_southwest_encounters_fy.csv").read_text()
    assert "\n2025,443000,238000,205000," in text  # whole counts stay whole


def test_import_cdc_wonder_export(tmp_path, capsys):
    out = import_fixture(capsys, WONDER, "cdc_overdose_deaths_annual", tmp_path)
    assert "wrote 13 rows (2013 to 2025)" in out
    assert "largest difference +0.16% (deaths_synthetic_opioids_t404, 2024)" in out
    frame = snapshots.load("cdc_overdose_deaths_annual", tmp_path).set_index("year")
    assert frame.loc[2025, "deaths_synthetic_opioids_t404"] == 31260
    assert np.isnan(frame.loc[2025, "deaths_all_drugs"])  # not in a T40.4 export
    assert frame.loc[2024, "deaths_synthetic_opioids_t404"] == 47812
    assert frame.loc[2024, "deaths_all_drugs"] == 79384  # kept from the package
    assert "Provisional Mortality Statistics" in frame.loc[2024, "source_t404"]
    assert frame.loc[2013, "source_t404"] == data.load(
        "cdc_overdose_deaths_annual").set_index("year").loc[2013, "source_t404"]


def test_wonder_export_by_month_sums_complete_years():
    header = '"Notes"\t"Month"\t"Month Code"\tDeaths\tPopulation\tCrude Rate'
    rows = [f'\t"{m:02d}, {y}"\t"{y}/{m:02d}"\t{d}\tNot Applicable\tNot Applicable'
            for y, d in ((2024, 3978), (2025, 2600)) for m in range(1, 13 if y == 2024 else 4)]
    notes = ['"---"', '"Dataset: Multiple Cause of Death, 2018-2024, Single Race"',
             '"Multiple Cause of death: T40.4 (Other synthetic narcotics)"', '"---"']
    parsed = formats.wonder("\n".join([header, *rows, *notes]), "monthly.txt")
    assert parsed.frame.to_dict("list") == {"year": [2024],
                                            "deaths_synthetic_opioids_t404": [47736]}
    assert parsed.left_out == ("2025 has 3 of 12 months: left out",)


def test_a_renamed_column_exits_2_naming_it(tmp_path, capsys):
    renamed = FIXTURES / "cbp_nationwide_drug_seizures_renamed_column.csv"
    code, _, err = run_cli(capsys, "data", "import", renamed, "--series",
                           "cbp_drug_seizures_fy", "--dir", tmp_path)
    err = one_line_error(code, err)
    assert f"error: {renamed}: no column 'Sum Qty (lbs)'" in err and "Sum Qty (kg)" in err
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("fixture, series, old, new, expected", [
    (ENCOUNTERS, "cbp_southwest_encounters_fy", "Encounter Count", "Encounters",
     "no column 'Encounter Count'"),
    (ENCOUNTERS, "cbp_southwest_encounters_fy", "Citizenship Grouping", "Nationality",
     "no column 'Citizenship Grouping'"),
    (WONDER, "cdc_overdose_deaths_annual", "\tDeaths\t", "\tDeath Count\t",
     "no column 'Deaths'"),
    (WONDER, "cdc_overdose_deaths_annual", '"Year Code"', '"Yr Code"',
     "no column 'Year Code' (or 'Month Code')"),
    (WONDER, "cdc_overdose_deaths_annual", "T40.4 (Other synthetic narcotics)",
     "T40.1 (Heroin)", "the notes show Multiple Cause of death codes T40.1"),
    (WONDER, "cdc_overdose_deaths_annual", '"---"', '"--"', 'no "---" notes block'),
    (WONDER, "cdc_overdose_deaths_annual", "\t72776\t", "\tSuppressed\t",
     "Deaths is 'Suppressed'"),
    (SEIZURES, "cbp_drug_seizures_fy", "Drug Type", "Drug", "no column 'Drug Type'"),
    (SEIZURES, "cbp_drug_seizures_fy", ",1196.3450", ",-1196.3450", "is negative"),
    (SEIZURES, "cbp_drug_seizures_fy", ",OCT,", ",OXT,", "is not a month"),
])
def test_schema_and_unit_changes_are_refused(tmp_path, capsys, fixture, series, old, new,
                                             expected):
    text = fixture.read_text()
    assert old in text
    edited = tmp_path / fixture.name
    edited.write_text(text.replace(old, new))
    code, _, err = run_cli(capsys, "data", "import", edited, "--series", series,
                           "--dir", tmp_path / "snap")
    assert expected in one_line_error(code, err)
    assert str(edited) in err
    assert not (tmp_path / "snap" / f"{series}.csv").exists()


def _scaled_seizures(tmp_path, factor, keep=lambda line: True):
    lines = SEIZURES.read_text().splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        if keep(line):
            head, value = line.rsplit(",", 1)
            out.append(f"{head},{float(value) * factor:.4f}")
    path = tmp_path / "edited.csv"
    path.write_text("\n".join(out) + "\n")
    return path


def test_disagreement_with_the_packaged_window_is_refused(tmp_path, capsys):
    kilograms = _scaled_seizures(tmp_path, 0.45359237)  # kg sold as lb
    code, _, err = run_cli(capsys, "data", "import", kilograms, "--series",
                           "cbp_drug_seizures_fy", "--dir", tmp_path / "snap")
    err = one_line_error(code, err)
    assert "fentanyl_lb for FY2023 is 12,257.4 lb, the packaged cbp_drug_seizures_fy has " \
           "27,022.9 (-54.6%); beyond the tolerance of 5% (or 25 lb)" in err
    within = _scaled_seizures(tmp_path, 1.03)  # a 3 % revision passes
    import_fixture(capsys, within, "cbp_drug_seizures_fy", tmp_path / "snap")


def test_a_file_outside_the_packaged_window_cannot_be_checked(tmp_path, capsys):
    later = _scaled_seizures(tmp_path, 1.0, keep=lambda line: line.startswith(("2025", "2026")))
    code, _, err = run_cli(capsys, "data", "import", later, "--series",
                           "cbp_drug_seizures_fy", "--dir", tmp_path / "snap")
    assert "covers FY2025 to FY2025, no period of the packaged window (FY2019 to FY2024)" in (
        one_line_error(code, err))


def test_future_periods_and_the_package_directory_are_refused(tmp_path, capsys):
    with pytest.raises(DataError, match=r"FY2025 runs past today \(2025-06-01\)"):
        snapshots.import_file(SEIZURES, "cbp_drug_seizures_fy", tmp_path,
                              today=date(2025, 6, 1))
    package_dir = Path(data.__file__).parent / "files"
    code, _, err = run_cli(capsys, "data", "import", WONDER, "--series",
                           "cdc_overdose_deaths_annual", "--dir", package_dir)
    assert "refusing to write snapshots into the installed package" in one_line_error(code, err)
    assert not (package_dir / "cdc_overdose_deaths_annual.json").exists()
    code, _, err = run_cli(capsys, "data", "import", WONDER, "--series", "policy_calendar",
                           "--dir", tmp_path)
    assert "cannot import series 'policy_calendar'; importable: cbp_drug_seizures_fy" in (
        one_line_error(code, err))
    code, _, err = run_cli(capsys, "data", "import", tmp_path / "missing.csv", "--series",
                           "cbp_drug_seizures_fy", "--dir", tmp_path)
    assert "missing.csv: cannot read" in one_line_error(code, err)


def test_broken_snapshots_are_named(tmp_path, capsys):
    import_fixture(capsys, SEIZURES, "cbp_drug_seizures_fy", tmp_path)
    (tmp_path / "cbp_drug_seizures_fy.json").write_text("{not json")
    code, _, err = run_cli(capsys, "data", "list", "--dir", tmp_path)
    assert "cbp_drug_seizures_fy.json: missing or unreadable snapshot record" in (
        one_line_error(code, err))
    import_fixture(capsys, SEIZURES, "cbp_drug_seizures_fy", tmp_path)
    csv = tmp_path / "cbp_drug_seizures_fy.csv"
    csv.write_text(csv.read_text().replace("fentanyl_lb,", "fentanyl_kg,", 1))
    with pytest.raises(DataError, match="columns differ from the packaged cbp_drug_seizures_fy"):
        snapshots.load("cbp_drug_seizures_fy", tmp_path)


def test_data_show_reads_a_snapshot_on_request(tmp_path, capsys):
    import_fixture(capsys, WONDER, "cdc_overdose_deaths_annual", tmp_path)
    code, out, _ = run_cli(capsys, "data", "show", "cdc_overdose_deaths_annual", "--dir",
                           tmp_path)
    assert code == 0 and "31260" in out and f"snapshot {tmp_path}" in out
    code, out, _ = run_cli(capsys, "data", "show", "cdc_overdose_deaths_annual")
    assert code == 0 and "31260" not in out  # the packaged series by default


# --- calibrate --data ------------------------------------------------------------------


@pytest.fixture
def snapshot_dir(tmp_path, capsys):
    """A snapshot directory holding all three importable series (to 2025 / FY2025)."""
    folder = tmp_path / "snap"
    for path, series in ((SEIZURES, "cbp_drug_seizures_fy"),
                         (ENCOUNTERS, "cbp_southwest_encounters_fy"),
                         (WONDER, "cdc_overdose_deaths_annual")):
        import_fixture(capsys, path, series, folder)
    return folder


def test_targets_read_the_snapshot_where_it_has_the_series(snapshot_dir):
    deaths = BY_NAME["synthetic_opioid_deaths"]
    assert deaths.observed()[2024] == 47735 and deaths.observed(2030).index.max() == 2024
    with_snapshot = deaths.observed(2030, snapshot_dir)
    assert with_snapshot[2024] == 47812 and with_snapshot[2025] == 31260
    assert with_snapshot.loc[:2023].equals(deaths.observed(2023))
    assert BY_NAME["fentanyl_seizures_lb"].observed(2025, snapshot_dir)[2025] == 11950.0
    assert BY_NAME["southwest_encounters_ports_of_entry"].observed(2025, snapshot_dir)[
        2025] == 205000
    assert last_year() == LAST_YEAR and last_year(snapshot_dir) == 2025
    # an empty directory is the packaged data
    empty = snapshot_dir.parent / "empty"
    empty.mkdir()
    for target in TARGETS:
        assert target.observed(LAST_YEAR, empty).equals(target.observed())
    # the likelihood sees the snapshot's 2024 deaths
    observed = deaths.observed()
    simulated = xr.DataArray(
        np.outer([1.0], observed.values), dims=("member", "year"),
        coords={"year": observed.index.values})
    assert log_likelihood(deaths, simulated, 2024, snapshot_dir)[0] < log_likelihood(
        deaths, simulated, 2024)[0]


def test_calibration_likelihood_uses_the_snapshot(snapshot_dir, net):
    u = np.full((2, len(NAMES)), 0.5)
    u[1] = 0.4
    packaged = log_posterior_function(net, 2024)(u)
    snapshot = log_posterior_function(net, 2024, snapshot_dir)(u)
    assert np.all(np.isfinite(packaged)) and np.all(packaged != snapshot)


def test_calibrate_with_data_needs_out_and_never_writes_the_package(snapshot_dir, tmp_path,
                                                                   capsys):
    code, _, err = run_cli(capsys, "calibrate", "--data", snapshot_dir)
    assert "with --data needs --out FILE" in one_line_error(code, err)
    shipped = shipped_path()
    before = hashlib.sha256(shipped.read_bytes()).hexdigest()
    code, _, err = run_cli(capsys, "calibrate", "--data", snapshot_dir, "--out", shipped,
                           "--through", "2025", "--members", "10")
    assert "it is inside the package" in one_line_error(code, err) and "through 2025" in err
    assert hashlib.sha256(shipped.read_bytes()).hexdigest() == before
    code, _, err = run_cli(capsys, "calibrate", "--data", snapshot_dir, "--out",
                           tmp_path / "p.json", "--through", "2026")
    assert "through must be a year in [2012, 2025], got 2026" in one_line_error(code, err)
    code, _, err = run_cli(capsys, "calibrate", "--data", tmp_path / "nowhere", "--out",
                           tmp_path / "p.json")
    assert "no such snapshot directory" in one_line_error(code, err)
    code, _, err = run_cli(capsys, "calibrate", "--through", "2025", "--out",
                           tmp_path / "p.json")  # without --data the window ends with 2024
    assert "through must be a year in [2012, 2024], got 2025" in one_line_error(code, err)


def test_calibrate_with_data_fits_the_snapshot_window(snapshot_dir, tmp_path, capsys):
    out = tmp_path / "posterior.json"
    code, text, err = run_cli(capsys, "calibrate", "--data", snapshot_dir, "--out", out,
                              "--through", "2025", "--members", "10", "--seed", "1")
    assert code == 0, err
    text = " ".join(text.split())  # the console wraps long lines
    assert f"data through 2025 (from {snapshot_dir} where it has them); wrote {out}" in text
    assert load_posterior(out).through == 2025
