"""Scenario files: validation messages (the text is the contract) and the shipped library."""

import numpy as np
import pytest

from borderflow import simulate
from borderflow.errors import ScenarioError
from borderflow.network import load_network
from borderflow.policy import load_scenario, scenario_from_dict, shipped_names
from borderflow.policy.drivers import build


def _error(tmp_path, text):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    return message


LEVER = "levers:\n  - lever: {kind}\n    start: {start}\n    intensity: {x}\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("name: x\n" + LEVER.format(kind="precursor_control", start="2025-01", x=1.5)
         + "    source: china\n",
         "levers[0].intensity: input should be less than or equal to 1, got 1.5"),
        ("name: x\n" + LEVER.format(kind="poe_inspection", start="2025-01", x=-1),
         "levers[0].intensity: input should be greater than or equal to 0, got -1"),
        ("name: x\n" + LEVER.format(kind="drone_patrols", start="2025-01", x=1),
         "levers[0].lever: unknown lever; allowed: precursor_control, "
         "mexican_port_interdiction, lab_takedowns, poe_inspection, "
         "between_ports_enforcement, military_strikes, got 'drone_patrols'"),
        ("name: x\n" + LEVER.format(kind="lab_takedowns", start="2025-13", x=0.1),
         "levers[0].start: must be a month written YYYY-MM, e.g. 2025-01, got '2025-13'"),
        ("name: x\n" + LEVER.format(kind="lab_takedowns", start="2040-01", x=0.1),
         "levers[0].start: must be a month between 2010-01 and 2035-12, got '2040-01'"),
        ("name: x\nlevers: []\nparameters:\n  lab_rebuild_months: -2\n",
         "parameters: parameter 'lab_rebuild_months' must be in [0.01, 10000] months, got -2"),
        ("name: x\nlevers: []\nparameters:\n  warp_speed: 2\n",
         "parameters: unknown parameter 'warp_speed'; allowed: market_pull_kg_per_month"),
        ("name: x\nlevers: []\ncolour: blue\n", "colour: is not a known field, got 'blue'"),
        ("levers: []\n", "name: is required"),
        ("name: x\nlevers:\n  - start: 2025-01\n    intensity: 1\n",
         "levers[0]: each lever needs a 'lever' field, one of precursor_control"),
        ("name: x\nlevers: [\n", "not valid YAML at line"),
        ("- just\n- a list\n", "a scenario must be a mapping with name, levers, ...; got list"),
        ("name: x\nlevers:\n  - lever: lab_takedowns\n    start: 2026-01\n    end: 2025-01\n"
         "    intensity: 0.1\n",
         "levers[0]: end (2025-01) is before start (2026-01)"),
    ],
)
def test_bad_scenario_file_messages(tmp_path, body, expected):
    assert expected in _error(tmp_path, body)


def test_missing_file_and_unknown_name(tmp_path):
    with pytest.raises(ScenarioError, match="scenario file not found"):
        load_scenario(tmp_path / "nope.yaml")
    with pytest.raises(ScenarioError, match="unknown scenario 'nope'; shipped: status_quo, "):
        load_scenario("nope")


def test_unknown_network_target_is_named():
    net = load_network().compile()
    scen = scenario_from_dict({"name": "x", "levers": [
        {"lever": "precursor_control", "source": "mars", "start": "2025-01", "intensity": 0.5}]})
    with pytest.raises(ScenarioError, match=r"x: levers\[0\]\.source: unknown precursor_source "
                       r"'mars'; allowed: china, india, all"):
        build(scen, net)
    scen = scenario_from_dict({"name": "y", "levers": [
        {"lever": "poe_inspection", "crossings": ["tucson_sector"], "start": "2025-01",
         "intensity": 2}]})
    with pytest.raises(ScenarioError, match=r"unknown port_of_entry 'tucson_sector'"):
        build(scen, net)


def test_shipped_library():
    names = shipped_names()
    assert names[0] == "status_quo"
    assert {"precursor_controls", "mexican_port_interdiction", "lab_takedowns",
            "poe_inspection", "between_ports_enforcement", "military_strikes",
            "bilateral_package"} <= set(names)
    kinds = {lev.lever for lev in load_scenario("bilateral_package").levers}
    assert kinds == {"precursor_control", "mexican_port_interdiction", "lab_takedowns",
                     "poe_inspection"}


@pytest.mark.parametrize("name", shipped_names())
def test_every_shipped_scenario_runs(name):
    ds = simulate(name, members=3, seed=1)
    assert ds.attrs["scenario"] == name
    for var in ("delivered_kg", "seizures_lb"):
        assert np.isfinite(ds[var].values).all()
        assert float(ds[var].sum()) > 0
    assert ds.sizes["month"] == 312
    assert str(ds["month"].values[0])[:7] == "2010-01"
    assert str(ds["month"].values[-1])[:7] == "2035-12"


def test_china_scheduling_date_matches_the_cited_calendar():
    from borderflow import data
    from borderflow.policy.drivers import CHINA_CLASS_SCHEDULING

    calendar = data.load("policy_calendar")
    row = calendar[calendar["event"].str.startswith("China's class-wide control")]
    assert len(row) == 1
    assert np.datetime64(row["start"].iloc[0], "M") == CHINA_CLASS_SCHEDULING


def test_history_is_in_every_scenario_and_levers_start_when_they_say():
    net = load_network().compile()
    mail = net.arc_index("china", "jfk_mail_facility")
    scen = scenario_from_dict({"name": "x", "levers": [
        {"lever": "poe_inspection", "start": "2025-01", "end": "2025-03", "intensity": 3}]})
    drivers = build(scen, net)
    months = drivers.months.astype(str)
    assert drivers.scheduled[months == "2019-04", mail][0] == 0
    assert drivers.scheduled[months == "2019-05", mail][0] == 1
    sy = net.arc_index("tijuana", "san_ysidro")
    effort = dict(zip(months, drivers.effort[:, sy], strict=True))
    assert (effort["2024-12"], effort["2025-01"], effort["2025-03"], effort["2025-04"]) == (
        1.0, 3.0, 3.0, 1.0)
