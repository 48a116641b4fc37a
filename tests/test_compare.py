"""Comparisons that say how sure they are: A against B, equal spending, periods, years."""

import csv
import json

import numpy as np
import pytest

import borderflow
from borderflow.cli import main
from borderflow.errors import ParameterError
from borderflow.network import load_network
from borderflow.policy import load_scenario
from borderflow.policy.budget import at_budget, cost_usd_per_year, scaled
from borderflow.policy.registry import lever_parameters
from borderflow.results import head_to_head, per_member


def run_cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_head_to_head_counts_the_members_in_which_a_is_better():
    a = {"deaths_averted": np.array([5.0, 1.0, 3.0, 2.0]),
         "opioid_overdose_deaths": np.array([10.0, 20.0, 30.0, 40.0]),
         "seizures_lb": np.array([1.0, 1.0, 1.0, 1.0])}
    b = {"deaths_averted": np.array([4.0, 2.0, 3.0, 1.0]),
         "opioid_overdose_deaths": np.array([11.0, 19.0, 30.0, 41.0]),
         "seizures_lb": np.array([2.0, 2.0, 2.0, 2.0])}
    out = head_to_head(a, b)
    # more averted is better: A wins members 0 and 3, ties member 2 (half)
    assert out["deaths_averted"]["probability_a_better"] == pytest.approx(2.5 / 4)
    assert out["deaths_averted"]["tied_share"] == 0.25
    # fewer deaths is better: A wins 0 and 3, loses 1, ties 2
    assert out["opioid_overdose_deaths"]["probability_a_better"] == pytest.approx(2.5 / 4)
    assert out["opioid_overdose_deaths"]["difference"]["median"] == pytest.approx(-0.5)
    assert out["seizures_lb"]["probability_a_better"] is None  # descriptive: no better way


def test_cost_per_death_per_member_is_infinite_where_none_is_averted():
    base = {"opioid_overdose_deaths": np.array([10.0, 10.0, 10.0]),
            "discounted_cost_usd": np.zeros(3),
            "discounted_opioid_deaths": np.array([10.0, 10.0, 10.0]),
            "discounted_encounters": np.ones(3)}
    scen = {"opioid_overdose_deaths": np.array([8.0, 10.0, 12.0]),
            "discounted_cost_usd": np.array([100.0, 100.0, 100.0]),
            "discounted_opioid_deaths": np.array([8.0, 10.0, 12.0]),
            "discounted_encounters": np.ones(3)}
    values = per_member(base, scen)
    np.testing.assert_array_equal(values["deaths_averted"], [2.0, 0.0, -2.0])
    np.testing.assert_array_equal(values["cost_per_death_averted_usd"], [50.0, np.inf, np.inf])
    out = head_to_head(values, per_member(base, {**scen, "discounted_cost_usd": np.full(3, 1e3)}))
    row = out["cost_per_death_averted_usd"]
    assert row["difference"] is None
    # A is cheaper in member 0; members 1 and 2 avert none in both (inf = inf: tied)
    assert row["probability_a_better"] == pytest.approx((1 + 0.5 * 2) / 3)


@pytest.fixture(scope="module")
def net():
    return load_network().compile()


@pytest.fixture(scope="module")
def unit_costs():
    return {k: float(np.mean(v)) for k, v in lever_parameters(range(50), seed=0).items()}


def test_a_linear_lever_is_scaled_exactly_to_the_budget(net, unit_costs):
    nalox = load_scenario("naloxone_distribution")
    planned = cost_usd_per_year(nalox, net, unit_costs, (2026, 2030))
    # 5 M kits a year at the mean kit price
    assert planned == pytest.approx(5e6 * unit_costs["cost_naloxone_distribution"], rel=1e-12)
    out, factor = at_budget(nalox, 1e8, net, unit_costs, (2026, 2030))
    assert factor == pytest.approx(1e8 / planned, rel=1e-9)
    assert out.levers[0].intensity == pytest.approx(5e6 * factor, rel=1e-9)
    assert cost_usd_per_year(out, net, unit_costs, (2026, 2030)) == pytest.approx(1e8, rel=1e-9)
    assert out.name == "naloxone_distribution_at_budget"


def test_a_budget_that_cannot_be_met_is_refused(net, unit_costs):
    controls = load_scenario("precursor_controls")  # coverage cannot pass 1
    top = cost_usd_per_year(scaled(controls, 1e9), net, unit_costs, (2026, 2030))
    with pytest.raises(ParameterError, match="at the top of their ranges"):
        at_budget(controls, 2 * top, net, unit_costs, (2026, 2030))
    with pytest.raises(ParameterError, match="no lever with a budget cost"):
        at_budget(load_scenario("trade_pressure"), 1e8, net, unit_costs, (2026, 2030))


@pytest.fixture(scope="module")
def h2h():
    return borderflow.head_to_head("naloxone_distribution", "precursor_controls", budget=3e8,
                                   members=24, period=(2026, 2030))


def test_head_to_head_probability_is_the_share_of_paired_members(h2h):
    totals = h2h.comparison.totals
    base = totals["status_quo"]
    a = np.asarray(base["opioid_overdose_deaths"] - totals["naloxone_distribution"][
        "opioid_overdose_deaths"])
    b = np.asarray(base["opioid_overdose_deaths"] - totals["precursor_controls"][
        "opioid_overdose_deaths"])
    row = h2h.outcomes["deaths_averted"]
    assert row["probability_a_better"] == pytest.approx(np.mean(a > b) + 0.5 * np.mean(a == b))
    assert row["difference"]["median"] == pytest.approx(np.median(a - b))
    assert h2h.comparison.period == (2026, 2030)


def test_equal_spending_spends_the_budget(h2h):
    eb = h2h.equal_budget
    assert eb["budget_usd_per_year"] == 3e8
    # the run's own priced cost, mean over members, a year: the budget (both levers are
    # linear in their quantity)
    for name in ("naloxone_distribution", "precursor_controls"):
        assert eb["spent_usd_per_year"][name] == pytest.approx(3e8, rel=1e-6)
    assert eb["scale"]["naloxone_distribution"] == pytest.approx(
        3e8 / eb["planned_usd_per_year"]["naloxone_distribution"], rel=1e-9)
    assert set(eb["outcomes"]) == set(h2h.outcomes)


def test_compare_cli_writes_the_probability_and_the_equal_budget(tmp_path, capsys):
    path = tmp_path / "cmp.json"
    code, out, _ = run_cli(capsys, "compare", "naloxone_distribution", "precursor_controls",
                           "--members", "12", "--budget", "2e8", "--json", str(path))
    assert code == 0
    doc = json.loads(path.read_text())
    assert 0.0 <= doc["outcomes"]["deaths_averted"]["probability_a_better"] <= 1.0
    assert doc["equal_budget"]["budget_usd_per_year"] == 2e8
    assert "P(A better)" in out and "at equal spending" in out
    code, _, err = run_cli(capsys, "compare", "naloxone_distribution", "prevention",
                           "--outcome", "deaths_avertd", "--members", "2")
    assert code == 2 and "did you mean 'deaths_averted'?" in err


def test_a_period_counts_only_its_years_and_per_year_has_them_all(tmp_path, capsys):
    per_year = tmp_path / "years.csv"
    doc_path = tmp_path / "out.json"
    code, out, _ = run_cli(capsys, "run", "naloxone_distribution", "--members", "10",
                           "--period", "2026-2030", "--per-year", str(per_year),
                           "--json", str(doc_path))
    assert code == 0 and "2026-2030 totals" in out
    assert "naloxone_distribution: +5M kits/yr from 2025-01" in out  # read back in its unit
    doc = json.loads(doc_path.read_text())
    rows = list(csv.DictReader(per_year.open()))
    assert {r["year"] for r in rows} == {str(y) for y in range(2026, 2031)}
    assert {r["scenario"] for r in rows} == {"status_quo", "naloxone_distribution"}
    by_year = doc["scenarios"]["naloxone_distribution"]["by_year"]["deaths_averted"]
    assert by_year["year"] == list(range(2026, 2031))
    csv_median = [float(r["median"]) for r in rows if r["scenario"] == "naloxone_distribution"
                  and r["metric"] == "deaths_averted"]
    np.testing.assert_allclose(csv_median, by_year["median"], rtol=1e-5)
    crossings = doc["scenarios"]["naloxone_distribution"]["crossings"]
    assert "san_ysidro" in crossings and crossings["san_ysidro"]["name"].startswith("San Ysidro")
    code, _, err = run_cli(capsys, "run", "status_quo", "--period", "2026/2030")
    assert code == 2 and "FIRST-LAST, e.g. 2026-2030" in err


def test_period_totals_equal_the_sum_of_their_years():
    result = borderflow.compare(["naloxone_distribution"], members=8, period=(2027, 2029))
    deaths = result.annual["opioid_overdose_deaths"].sel(scenario="naloxone_distribution")
    total = deaths.sel(year=slice(2027, 2029)).sum("year")
    np.testing.assert_allclose(
        np.asarray(result.totals["naloxone_distribution"]["opioid_overdose_deaths"]),
        np.asarray(total), rtol=1e-12)
    low = np.asarray(result.totals["naloxone_distribution"]["cooperation_lowest"])
    yearly = result.annual["cooperation"].sel(scenario="naloxone_distribution",
                                              year=slice(2027, 2029))
    assert np.all(low <= np.asarray(yearly.min("year")) + 1e-12)


def test_inspection_at_one_port_displaces_its_flow_to_the_others():
    scen = {"schema": 2, "name": "sy", "levers": [
        {"lever": "poe_inspection", "crossings": ["san_ysidro"], "start": "2025-01",
         "intensity": 0.6}]}
    result = borderflow.compare([scen], members=8)
    moved = result.crossings["sy"]
    assert next(iter(moved)) == "san_ysidro"  # the largest change first
    assert moved["san_ysidro"]["flow_kg_change"]["p95"] < 0  # traffickers avoid it
    for port in ("otay_mesa", "calexico", "nogales_az", "el_paso_poe"):
        assert moved[port]["flow_kg_change"]["p05"] > 0, port  # and go elsewhere
        assert moved[port]["seizures_kg_change"]["median"] > 0, port


def test_scenarios_show_and_new(tmp_path, capsys):
    code, out, _ = run_cli(capsys, "scenarios", "show", "naloxone_distribution")
    assert code == 0 and out.startswith("name: naloxone_distribution\nschema: 2")
    assert "plausible" in out and "kits added per year" in out
    copy = tmp_path / "copy.yaml"
    copy.write_text(out)
    assert load_scenario(copy).levers[0].intensity == 5e6
    code, _, err = run_cli(capsys, "scenarios", "show", "naloxon")
    assert code == 2 and "did you mean 'naloxone_distribution'?" in err
    new = tmp_path / "mine.yaml"
    code, _, _ = run_cli(capsys, "scenarios", "new", "mine", "--lever", "lab_takedowns",
                         "--lever", "poe_inspection", "-o", str(new))
    assert code == 0
    scen = load_scenario(new)
    assert [lev.lever for lev in scen.levers] == ["lab_takedowns", "poe_inspection"]
    assert "# raids added per month and region" in new.read_text()
    code, _, err = run_cli(capsys, "scenarios", "new", "mine", "--lever", "lab_takedowns",
                           "-o", str(new))
    assert code == 2 and "exists" in err
    code, _, err = run_cli(capsys, "scenarios", "new", "x", "--lever", "lab_takedown",
                           "-o", str(tmp_path / "x.yaml"))
    assert code == 2 and "did you mean 'lab_takedowns'?" in err


def test_network_places_lists_every_node_by_its_real_name(capsys):
    code, out, _ = run_cli(capsys, "network", "--places")
    assert code == 0
    for node in load_network().nodes:
        assert node.id in out
    assert "San Ysidro port of entry, CA" in out and "port_of_entry" in out


def test_the_notebook_sees_the_api():
    names = dir(borderflow)
    for name in ("simulate", "compare", "head_to_head", "load_scenario", "Experiment"):
        assert name in names
    assert "period" in borderflow.compare.__doc__
    assert "head_to_head" in borderflow.__doc__
