"""The CLI: the --json schema, one-line errors with exit status 2, every command runs."""

import json

import pytest

from borderflow.cli import main
from borderflow.outcomes import METRICS


def run_cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_run_json_schema(tmp_path, capsys):
    path = tmp_path / "out.json"
    code, out, _ = run_cli(capsys, "run", "status_quo", "poe_inspection", "--members", "16",
                           "--seed", "3", "--json", str(path))
    assert code == 0
    assert "poe_inspection" in out and "status_quo" in out
    # the footnote says how far the data reach and that later years are forecasts
    assert "Data reach 2024" in out and "every later year is a forecast" in out
    doc = json.loads(path.read_text())
    assert set(doc["scenarios"]) == {"status_quo", "poe_inspection"}
    for name, entry in doc["scenarios"].items():
        assert set(entry) == {"metrics", "crossings", "by_year"}
        assert set(entry["metrics"]) == set(METRICS)
        for metric, stats in entry["metrics"].items():
            if metric.startswith("cost_per_"):
                keys = {"value", "p05", "p95"}
                assert set(stats) in (keys, keys | {"reason"}), (name, metric, stats)
                if stats["value"] is None:
                    assert stats["reason"] and stats["p05"] is None and stats["p95"] is None
                else:
                    assert stats["p05"] is None or stats["p05"] <= stats["value"]
                continue
            assert set(stats) == {"median", "p05", "p95"}, (name, metric)
            assert stats["p05"] <= stats["median"] <= stats["p95"]
    sq = doc["scenarios"]["status_quo"]["metrics"]
    assert sq["kg_delivered_us_vs_status_quo"] == {"median": 0.0, "p05": 0.0, "p95": 0.0}
    assert sq["deaths_averted"] == {"median": 0.0, "p05": 0.0, "p95": 0.0}
    assert sq["cost_per_death_averted_usd"]["value"] is None  # nothing averted
    assert "under one" in sq["cost_per_death_averted_usd"]["reason"]
    assert sq["cost_per_encounter_averted_usd"]["value"] is None
    assert sq["flow_displaced_share"]["p95"] == 0.0
    assert 0 < sq["cooperation_2030"]["median"] < 1
    poe = doc["scenarios"]["poe_inspection"]["metrics"]
    assert poe["seizures_lb_vs_status_quo"]["median"] > 0  # more inspection seizes more
    # less is delivered in the typical member (not in every one: people kept alive by the
    # seizures keep buying, so a member may end the decade buying a little more)
    assert poe["kg_delivered_us_vs_status_quo"]["median"] < 0
    assert 0 < poe["flow_displaced_share"]["median"] < 1


def test_same_seed_same_json(tmp_path, capsys):
    a, b, c = (tmp_path / f"{n}.json" for n in "abc")
    for path, seed in ((a, "5"), (b, "5"), (c, "6")):
        assert run_cli(capsys, "run", "precursor_controls", "--members", "8", "--seed", seed,
                       "--json", str(path))[0] == 0
    assert a.read_text() == b.read_text()
    assert a.read_text() != c.read_text()


def test_report_is_written(tmp_path, capsys):
    path = tmp_path / "report.html"
    code, *_ = run_cli(capsys, "run", "military_strikes", "--members", "8", "--report", str(path))
    assert code == 0
    text = path.read_text()
    assert text.count("plotly.js v") == 1  # plotly embedded once: the file opens offline
    assert "Fentanyl delivered to US markets" in text and "military_strikes" in text
    # fit against history: every calibration target, cited annual values and monthly data
    for title in ("CDC T40.4 deaths", "CBP fentanyl seizures", "Border Patrol southwest",
                  "ports of entry (inadmissibles)"):
        assert title in text, title
    assert text.count("monthly data x 12") == 4
    assert "Assumptions" in text and "fentanyl_death_rate_per_year" in text
    from borderflow.calibration.calibrate import model_hash

    assert "Provenance" in text and f"model hash: {model_hash()}" in text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "--members", "0"], "Invalid value for '--members'"),
        (["run", "--members", "many"], "Invalid value for '--members'"),
        (["run", "--bogus"], "No such option: --bogus"),
        (["run", "nope"], "unknown scenario 'nope'"),
        (["run", "missing.yaml"], "missing.yaml: scenario file not found"),
        (["run", "--network", "missing.yaml"], "missing.yaml: network file not found"),
        (["run", "status_quo", "--members", "2", "--json", "/nonexistent/dir/x.json"],
         "cannot write /nonexistent/dir/x.json"),
        (["data", "show", "nope"], "unknown data series 'nope'; available:"),
        (["network", "missing.yaml"], "missing.yaml: network file not found"),
        (["frobnicate"], "No such command"),
        (["explain", "--year", "2030", "--members", "10"],
         "year must be in [2014, 2024] (inside the data window), got 2030"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, args, expected):
    code, _, err = run_cli(capsys, *args)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert expected in lines[0]


def test_json_dash_writes_the_document_to_stdout_and_the_table_to_stderr(capsys):
    code, out, err = run_cli(capsys, "params", "--fitted", "--json", "-")
    assert code == 0
    doc = json.loads(out)  # stdout holds the JSON document alone
    assert {p["name"] for p in doc["parameters"]} >= {"fentanyl_death_rate_per_year"}
    assert "parameters calibration estimates" in err


def test_calibrate_on_a_users_network_needs_out(tmp_path, capsys):
    code, _, err = run_cli(capsys, "calibrate", "--network", "net.yaml", "--members", "10")
    assert code == 2
    assert err.strip() == ("error: calibrating on --network needs --out FILE: the package's "
                           "posterior is fitted on the shipped network and is never "
                           "overwritten")


def test_scenario_file_with_a_duplicate_key_exits_2(tmp_path, capsys):
    path = tmp_path / "dup.yaml"
    path.write_text("schema: 2\nname: dup\nname: dup2\nlevers: []\n")
    code, _, err = run_cli(capsys, "run", str(path), "--members", "5")
    assert code == 2
    assert err.strip() == f"error: {path}: not valid YAML: duplicate key 'name' at line 3, column 1"


def test_explain_writes_the_attribution(tmp_path, capsys):
    path = tmp_path / "explain.json"
    code, out, _ = run_cli(capsys, "explain", "--year", "2024", "--members", "10", "--json",
                           str(path))
    assert code == 0
    assert "T40.4 deaths 2023 -> 2024" in out and "potency" in out and "residual" in out
    doc = json.loads(path.read_text())
    assert doc["year"] == 2024 and doc["members"] == 10
    assert set(doc["mechanisms"]) == {"potency", "naloxone", "depletion", "disruption",
                                      "market", "covid"}
    assert doc["observed"]["change"] == 47735 - 72776  # CDC T40.4, 2023 to 2024


def test_bad_scenario_file_via_cli(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text("schema: 2\nname: bad\nlevers:\n  - lever: poe_inspection\n"
                    "    start: 2025-01\n    intensity: 2\n")
    code, _, err = run_cli(capsys, "run", str(path), "--members", "2")
    assert code == 2
    assert err.strip() == (f"error: {path}: line 6: levers[1] (poe_inspection).intensity: "
                           "must be in [0, 1] (share of passenger vehicles scanned (NII)), "
                           "got 2")
    # a file in the old units (no schema: 2) is refused, not reinterpreted
    path.write_text("name: old\nlevers:\n  - lever: poe_inspection\n    start: 2025-01\n"
                    "    intensity: 2.0\n")
    code, _, err = run_cli(capsys, "run", str(path), "--members", "2")
    assert code == 2 and "Traceback" not in err
    assert err.strip().startswith(f"error: {path}: schema: missing; this file is for the old "
                                  "units")


def test_scenarios_json_gives_every_lever_its_unit_and_priors(tmp_path, capsys):
    from borderflow.policy.registry import LEVER_KINDS

    path = tmp_path / "scenarios.json"
    code, out, _ = run_cli(capsys, "scenarios", "--json", str(path))
    assert code == 0 and "share of passenger vehicles scanned" in out
    doc = json.loads(path.read_text())
    assert list(doc["levers"]) == list(LEVER_KINDS)
    strikes = doc["levers"]["military_strikes"]
    assert strikes["unit"] == "strikes per year and region"
    assert {"strike_labs_reached", "active_labs"} <= {
        e["parameter"] for e in strikes["effectiveness"]}
    assert doc["scenarios"]["trade_pressure"]["levers"][0]["unit"] == (
        "tariff rate, share of import value")
    assert doc["levers"]["trade_pressure"]["cost"] is None


def test_data_commands(capsys):
    code, out, _ = run_cli(capsys, "data", "list")
    assert code == 0 and "cdc_synthetic_opioid_deaths_monthly" in out
    code, out, _ = run_cli(capsys, "data", "show", "cbp_drug_seizures_fy")
    assert code == 0
    assert "source:" in out and "url: https://www.cbp.gov/" in out and "27022.9" in out


def test_other_commands(capsys):
    assert run_cli(capsys, "scenarios")[1].count("bilateral_package") == 1
    code, out, _ = run_cli(capsys, "network")
    assert code == 0 and "91 arcs" in out and "san_ysidro" in out
    code, out, _ = run_cli(capsys, "params")
    assert code == 0 and "synthesis_yield" in out and "Valdez" in out
    assert main([]) == 0  # help
    capsys.readouterr()


def test_record_refuses_origins_outside_the_window(capsys):
    code, _, err = run_cli(capsys, "record", "--origins", "2020..2024")
    assert code == 2 and err.strip() == (
        "error: --origins must lie in 2014..2023 (a year must follow inside the data "
        "window), got '2020..2024'")
    code, _, err = run_cli(capsys, "record", "--origins", "soon")
    assert code == 2 and "--origins must be YEAR or FIRST..LAST, got 'soon'" in err
