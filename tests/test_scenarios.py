"""Scenario files: validation messages (the text is the contract) and the shipped library."""

import numpy as np
import pytest

from borderflow import simulate
from borderflow.errors import ScenarioError
from borderflow.model.drivers import COST_ITEMS, HISTORY_EVENTS
from borderflow.network import load_network
from borderflow.policy import load_scenario, scenario_from_dict, shipped_names
from borderflow.policy.drivers import build
from borderflow.policy.levers import LEVER_KINDS

#: New lever kind -> (Drivers field, default, an intensity to test).
NEW_LEVERS = {
    "mexican_migration_enforcement": ("mx_migration", 0.0, 0.3),
    "processing_capacity": ("processing_staff", 0.0, 2500.0),
    "asylum_regime": ("asylum_regime", 1.0, 0.7),
    "southbound_inspection": ("gun_inspection", 0.0, 0.3),
    "diplomatic_engagement": ("engagement", 0.0, 0.5),
    "treatment_expansion": ("treatment_slots", 0.0, 500_000.0),
    "naloxone_distribution": ("naloxone_kits", 0.0, 5e6),
    "prevention": ("prevention", 0.0, 0.2),
}


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
         "between_ports_enforcement, military_strikes, mexican_migration_enforcement, "
         "processing_capacity, asylum_regime, southbound_inspection, "
         "diplomatic_engagement, treatment_expansion, naloxone_distribution, prevention, "
         "arc_detection, arc_closure, got 'drone_patrols'"),
        ("name: x\n" + LEVER.format(kind="southbound_inspection", start="2025-01", x=0.99),
         "levers[0].intensity: input should be less than or equal to 0.95, got 0.99"),
        ("name: x\n" + LEVER.format(kind="asylum_regime", start="2025-01", x=0),
         "levers[0].intensity: input should be greater than 0, got 0"),
        ("name: x\n" + LEVER.format(kind="asylum_regime", start="2025-01", x=6),
         "levers[0].intensity: input should be less than or equal to 5, got 6"),
        ("name: x\n" + LEVER.format(kind="processing_capacity", start="2025-01", x=200000),
         "levers[0].intensity: input should be less than or equal to 100000, got 200000"),
        ("name: x\n" + LEVER.format(kind="treatment_expansion", start="2025-01", x=-5),
         "levers[0].intensity: input should be greater than or equal to 0, got -5"),
        ("name: x\n" + LEVER.format(kind="prevention", start="2025-01", x=0.2)
         + "    regions: all\n",
         "levers[0].regions: is not a known field, got 'all'"),
        ("name: x\n" + LEVER.format(kind="lab_takedowns", start="2025-13", x=0.1),
         "levers[0].start: must be a month written YYYY-MM, e.g. 2025-01, got '2025-13'"),
        ("name: x\n" + LEVER.format(kind="lab_takedowns", start="2040-01", x=0.1),
         "levers[0].start: must be a month between 2010-01 and 2035-12, got '2040-01'"),
        ("name: x\nlevers: []\nparameters:\n  lab_rebuild_months: -2\n",
         "parameters: parameter 'lab_rebuild_months' must be in [0.01, 10000] months, got -2"),
        ("name: x\nlevers: []\nparameters:\n  warp_speed: 2\n",
         "parameters: unknown parameter 'warp_speed'; allowed: "),
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
                     "poe_inspection", "mexican_migration_enforcement",
                     "southbound_inspection"}
    # one shipped scenario per new lever, named after the lever kind, from 2025-01
    for kind in NEW_LEVERS:
        scen = load_scenario(kind)
        assert [lev.lever for lev in scen.levers] == [kind]
        assert scen.levers[0].start == "2025-01"
        assert "judgement" in scen.description
    assert load_scenario("asylum_regime").levers[0].intensity == 0.7
    assert load_scenario("southbound_inspection").levers[0].intensity == 0.3
    assert load_scenario("diplomatic_engagement").levers[0].intensity == 0.5
    assert load_scenario("treatment_expansion").levers[0].intensity == 500_000
    assert load_scenario("naloxone_distribution").levers[0].intensity == 5_000_000
    assert load_scenario("prevention").levers[0].intensity == 0.2


@pytest.mark.parametrize("name", shipped_names())
def test_drivers_of_each_shipped_scenario(name):
    net = load_network().compile()
    d = build(load_scenario(name), net)
    t_n = len(d.months)
    assert d.effort.shape == d.effort_mx.shape == d.scheduled.shape == (t_n, net.n_arcs)
    assert d.history.shape == (t_n, len(HISTORY_EVENTS))
    assert d.activity.shape == (t_n, len(COST_ITEMS))
    assert np.isfinite(d.activity).all()
    assert (d.activity >= 0).all()
    assert (d.activity[d.months < np.datetime64("2025-01")] == 0).all()


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


def _net():
    return load_network().compile()


def _build(*levers, name="x"):
    return build(scenario_from_dict({"name": name, "levers": list(levers)}), _net())


def _at(drivers, month):
    return int(np.flatnonzero(drivers.months == np.datetime64(month, "M"))[0])


def test_lever_kinds_cover_every_cost_item():
    assert len(LEVER_KINDS) == len(COST_ITEMS) == 16
    renamed = {"naloxone_distribution": "naloxone"}
    assert [renamed.get(k, k) for k in LEVER_KINDS] == sorted(
        [renamed.get(k, k) for k in LEVER_KINDS], key=COST_ITEMS.index)
    assert set(NEW_LEVERS) <= set(LEVER_KINDS)


def test_status_quo_defaults():
    d = build(load_scenario("status_quo"), _net())
    for field, default, _ in NEW_LEVERS.values():
        assert (getattr(d, field) == default).all(), field
    assert (d.effort == 1).all() and (d.effort_mx == 1).all()
    assert (d.control == 0).all() and (d.takedown == 0).all() and (d.strike == 0).all()
    assert (d.activity == 0).all()
    assert not hasattr(d, "destroyed")


@pytest.mark.parametrize("kind", sorted(NEW_LEVERS))
def test_new_lever_sets_its_field_in_active_months_only(kind):
    field, default, x = NEW_LEVERS[kind]
    d = _build({"lever": kind, "start": "2025-01", "end": "2025-06", "intensity": x})
    series = getattr(d, field)
    assert series.shape == (len(d.months),)
    on = (d.months >= np.datetime64("2025-01")) & (d.months <= np.datetime64("2025-06"))
    assert on.sum() == 6
    assert np.allclose(series[on], x)
    assert (series[~on] == default).all()
    # no other new series moves
    for other, (other_field, other_default, _) in NEW_LEVERS.items():
        if other != kind:
            assert (getattr(d, other_field) == other_default).all(), other_field


@pytest.mark.parametrize(
    ("kind", "a", "b", "expected"),
    [
        ("mexican_migration_enforcement", 0.2, 0.5, 1 - 0.8 * 0.5),
        ("southbound_inspection", 0.3, 0.5, 1 - 0.7 * 0.5),
        ("southbound_inspection", 0.9, 0.9, 0.95),  # capped at the documented 0.95
        ("prevention", 0.2, 0.25, 1 - 0.8 * 0.75),
        ("processing_capacity", 1000, 2500, 3500),
        ("treatment_expansion", 100_000, 400_000, 500_000),
        ("naloxone_distribution", 1e6, 2e6, 3e6),
        ("asylum_regime", 0.7, 1.3, 0.91),
        ("diplomatic_engagement", 0.4, 0.7, 0.7),
    ],
)
def test_levers_of_one_kind_combine(kind, a, b, expected):
    field = NEW_LEVERS[kind][0]
    d = _build({"lever": kind, "start": "2025-01", "intensity": a},
               {"lever": kind, "start": "2026-01", "intensity": b})
    series = getattr(d, field)
    assert series[_at(d, "2025-06")] == pytest.approx(a)
    assert series[_at(d, "2026-01")] == pytest.approx(expected)
    assert series[_at(d, "2035-12")] == pytest.approx(expected)


def test_supply_levers_fill_their_own_fields():
    net = _net()
    d = _build(
        {"lever": "mexican_port_interdiction", "ports": ["manzanillo"], "start": "2025-01",
         "intensity": 2},
        {"lever": "mexican_port_interdiction", "start": "2025-01", "intensity": 1.5},
        {"lever": "lab_takedowns", "regions": ["sinaloa"], "start": "2025-01",
         "intensity": 0.1},
        {"lever": "lab_takedowns", "start": "2025-01", "intensity": 0.05},
        {"lever": "military_strikes", "regions": ["jalisco"], "start": "2025-01",
         "end": "2025-12", "intensity": 0.6, "repeat_every_months": 6},
        {"lever": "military_strikes", "regions": ["jalisco"], "start": "2025-07",
         "intensity": 0.5},
    )
    t = _at(d, "2025-01")
    into_manzanillo = net.arc_head == net.node_index("manzanillo")
    into_lazaro = net.arc_head == net.node_index("lazaro_cardenas")
    assert into_manzanillo.any() and into_lazaro.any()
    # Mexican port interdiction is Mexican-side effort, not US effort
    assert (d.effort == 1).all()
    assert np.allclose(d.effort_mx[t, into_manzanillo], 3.0)
    assert np.allclose(d.effort_mx[t, into_lazaro], 1.5)
    assert (d.effort_mx[_at(d, "2024-12")] == 1).all()
    labs = [net.node_ids[n] for n in net.nodes_of_kind("lab_region")]
    sin, jal = labs.index("sinaloa"), labs.index("jalisco")
    assert d.takedown[t, sin] == pytest.approx(1 - 0.9 * 0.95)
    assert d.takedown[t, jal] == pytest.approx(0.05)
    assert (d.takedown[_at(d, "2024-12")] == 0).all()
    # strikes in their strike months only; two in one month combine as 1 − Π(1 − x)
    assert d.strike[t, jal] == pytest.approx(0.6)
    assert d.strike[_at(d, "2025-07"), jal] == pytest.approx(1 - 0.4 * 0.5)
    assert d.strike[_at(d, "2025-02"), jal] == 0
    assert d.strike[_at(d, "2026-01"), jal] == 0
    assert (d.strike[:, sin] == 0).all()


def _history_at(d, event, month):
    return d.history[_at(d, month), HISTORY_EVENTS.index(event)]


@pytest.mark.parametrize(
    ("event", "month", "share"),
    [
        ("title42", "2020-02", 0.0),
        ("title42", "2020-03", 12 / 31),
        ("title42", "2021-06", 1.0),
        ("title42", "2023-05", 10 / 31),
        ("title42", "2023-06", 0.0),
        ("covid", "2020-03", 19 / 31),
        ("border_restrictions", "2021-11", 7 / 30),
        ("southern_border_program", "2014-07", 25 / 31),
        ("southern_border_program", "2035-12", 1.0),
        ("enforcement_2017", "2017-01", 7 / 31),
        ("enforcement_2017", "2021-01", 19 / 31),
        ("enforcement_2017", "2021-02", 0.0),
        ("administration_2021", "2021-01", 12 / 31),
        ("mpp", "2019-01", 3 / 31),
        ("mpp", "2021-01", 19 / 31),
        ("joint_declaration", "2019-06", 24 / 30),
        ("parole_cbp_one", "2023-01", 27 / 31),
        ("asylum_rule_2023", "2023-05", 21 / 31),
        ("asylum_rule_2023", "2035-12", 1.0),
    ],
)
def test_history_fractions(event, month, share):
    d = build(load_scenario("status_quo"), _net())
    assert _history_at(d, event, month) == pytest.approx(share)


def test_history_windows_come_from_the_calendar():
    from borderflow.policy.drivers import CALENDAR_ROWS, history_windows

    assert tuple(CALENDAR_ROWS) == HISTORY_EVENTS
    expected = {
        "southern_border_program": ("2014-07-07", None),
        "enforcement_2017": ("2017-01-25", "2021-01-20"),
        "mpp": ("2019-01-29", "2021-01-20"),
        "joint_declaration": ("2019-06-07", None),
        "covid": ("2020-03-13", "2023-05-11"),
        "title42": ("2020-03-20", "2023-05-11"),
        "border_restrictions": ("2020-03-21", "2021-11-08"),
        "administration_2021": ("2021-01-20", None),
        "parole_cbp_one": ("2023-01-05", None),
        "asylum_rule_2023": ("2023-05-11", None),
        "otc_naloxone": ("2023-09-07", None),
        "asylum_proclamation_2024": ("2024-06-05", None),
    }
    got = {
        event: (str(start), None if end is None else str(end))
        for event, (start, end) in history_windows().items()
    }
    assert got == expected
    d = build(load_scenario("status_quo"), _net())
    assert ((d.history >= 0) & (d.history <= 1)).all()
    assert (d.history[d.months < np.datetime64("2014-07")] == 0).all()
    # an event's share of a month is the share of its days inside it; open-ended events
    # last to the end of the horizon (over-the-counter naloxone from 2023-09-07)
    otc = d.history[:, HISTORY_EVENTS.index("otc_naloxone")]
    month = {str(m): i for i, m in enumerate(d.months)}
    assert otc[month["2023-08"]] == 0.0 and otc[month["2023-09"]] == pytest.approx(24 / 30)
    assert (otc[month["2023-10"]:] == 1.0).all()


def test_history_fails_loudly_when_a_calendar_row_is_missing_or_repeated(monkeypatch):
    import pandas as pd

    from borderflow import data
    from borderflow.errors import DataError
    from borderflow.policy import drivers as policy_drivers

    real = data.load("policy_calendar")
    title42 = real["event"].str.contains("Title 42 expulsions", regex=False)
    for frame, found in ((real[~title42], 0), (pd.concat([real, real[title42]]), 2)):
        monkeypatch.setattr(policy_drivers.data, "load", lambda name, f=frame: f.copy())
        policy_drivers.history_windows.cache_clear()
        try:
            with pytest.raises(DataError, match=rf"'title42' needs exactly one row starting "
                               rf"2020-03-20 .*'Title 42 expulsions'; found {found}"):
                policy_drivers.history_windows()
        finally:
            monkeypatch.undo()
            policy_drivers.history_windows.cache_clear()
    assert len(policy_drivers.history_windows()) == len(HISTORY_EVENTS)


def test_activity_columns_of_a_multi_lever_scenario():
    net = _net()
    levers = [
        {"lever": "precursor_control", "source": "china", "start": "2025-01",
         "intensity": 0.25},
        {"lever": "mexican_port_interdiction", "ports": ["manzanillo"], "start": "2025-01",
         "intensity": 2.5},
        {"lever": "lab_takedowns", "regions": ["sinaloa"], "start": "2025-01",
         "intensity": 0.05},
        {"lever": "poe_inspection", "crossings": ["san_ysidro", "otay_mesa"],
         "start": "2025-01", "intensity": 2},
        {"lever": "between_ports_enforcement", "start": "2025-01", "intensity": 1.5},
        {"lever": "military_strikes", "regions": ["jalisco"], "start": "2025-01",
         "intensity": 0.6},
        {"lever": "mexican_migration_enforcement", "start": "2025-01", "intensity": 0.2},
        {"lever": "processing_capacity", "start": "2025-01", "intensity": 5000},
        {"lever": "asylum_regime", "start": "2025-01", "intensity": 0.7},
        {"lever": "southbound_inspection", "start": "2025-01", "intensity": 0.3},
        {"lever": "diplomatic_engagement", "start": "2025-01", "intensity": 0.5},
        {"lever": "treatment_expansion", "start": "2025-01", "intensity": 500_000},
        {"lever": "naloxone_distribution", "start": "2025-01", "intensity": 5e6},
        {"lever": "prevention", "start": "2025-01", "intensity": 0.2},
        {"lever": "arc_detection", "start": "2025-01", "from": "tijuana", "to": "san_ysidro",
         "detection": 0.2, "cost_usd_per_year": 3e7},
        {"lever": "arc_closure", "start": "2025-01", "from": "tijuana", "to": "otay_mesa",
         "cost_usd_per_year": 2e8},
        {"lever": "arc_closure", "start": "2025-01", "from": "mexicali", "to": "calexico",
         "cost_usd_per_year": 1e8},
    ]
    d = _build(*levers)
    assert d.activity.shape == (len(d.months), len(COST_ITEMS))
    n_ports = len(net.nodes_of_kind("port"))
    n_poe = sum(net.crossing_type[n] == "port_of_entry" for n in net.nodes_of_kind("crossing"))
    expected = {
        "precursor_control": 0.97 * 0.25,  # supply_share china 0.97, india 0.03
        "mexican_port_interdiction": 1.5 / n_ports,
        "lab_takedowns": 0.60 * 0.05,  # capacity_share sinaloa 0.60
        "poe_inspection": 2 * 1.0 / n_poe,
        "between_ports_enforcement": 0.5,
        "military_strikes": 12.0,
        "mexican_migration_enforcement": 0.2,
        "processing_capacity": 5000.0,
        "asylum_regime": abs(np.log(0.7)),
        "southbound_inspection": 0.3,
        "diplomatic_engagement": 0.5,
        "treatment_expansion": 500_000.0,
        "naloxone": 5e6,
        "prevention": 0.2,
        "arc_detection": 3e7,
        "arc_closure": 3e8,
    }
    assert set(expected) == set(COST_ITEMS)
    t = _at(d, "2025-01")
    for j, item in enumerate(COST_ITEMS):
        assert d.activity[t, j] == pytest.approx(expected[item]), item
        assert d.activity[_at(d, "2024-12"), j] == 0, item
    # a single strike: no strike cost after its month; the other levers keep going
    later = d.activity[_at(d, "2025-02")]
    assert later[COST_ITEMS.index("military_strikes")] == 0
    assert later[COST_ITEMS.index("prevention")] == pytest.approx(0.2)


def test_asylum_regime_activity_is_symmetric_in_log():
    d = _build({"lever": "asylum_regime", "start": "2025-01", "end": "2025-12",
                "intensity": 1.3},
               {"lever": "asylum_regime", "start": "2026-01", "intensity": 1 / 1.3})
    col = d.activity[:, COST_ITEMS.index("asylum_regime")]
    assert col[_at(d, "2025-06")] == pytest.approx(np.log(1.3))
    assert col[_at(d, "2026-06")] == pytest.approx(np.log(1.3))


def test_arc_levers_set_detection_close_arcs_and_carry_their_cost():
    net = _net()
    upgrade = {"lever": "arc_detection", "start": "2026-01", "from": "tijuana",
               "to": "san_ysidro", "detection": 0.3, "cost_usd_per_year": 2e7}
    closure = {"lever": "arc_closure", "start": "2027-01", "end": "2027-12", "from": "tijuana",
               "to": "otay_mesa", "cost_usd_per_year": 1e8}
    d = _build(upgrade, closure)
    a, b = net.arc_index("tijuana", "san_ysidro"), net.arc_index("tijuana", "otay_mesa")
    before, after = _at(d, "2025-12"), _at(d, "2026-01")
    assert d.detection[before, a] == net.detection[a] and d.detection[after, a] == 0.3
    others = np.arange(net.n_arcs) != a
    assert (d.detection[:, others] == net.detection[others]).all()
    assert d.closed[_at(d, "2027-06"), b] == 1 and d.closed[_at(d, "2028-01"), b] == 0
    assert d.closed.sum() == 12
    item = {name: COST_ITEMS.index(name) for name in ("arc_detection", "arc_closure")}
    assert d.activity[after, item["arc_detection"]] == 2e7
    assert d.activity[_at(d, "2027-03"), item["arc_closure"]] == 1e8
    assert d.activity[_at(d, "2028-03"), item["arc_closure"]] == 0
    # a lower set detection on the same arc does not override the higher one
    lower = dict(upgrade, detection=0.1)
    assert _build(upgrade, lower).detection[after, a] == 0.3


def test_an_arc_lever_on_a_missing_arc_names_it(tmp_path):
    body = ("name: x\nlevers:\n  - lever: arc_closure\n    start: 2026-01\n"
            "    from: tijuana\n    to: laredo_poe\n")
    path = tmp_path / "plan.yaml"
    path.write_text(body)
    with pytest.raises(ScenarioError, match=r"levers\[0\]: no arc 'tijuana' -> 'laredo_poe'"):
        simulate(str(path), members=2, parameters="prior")
    assert "levers[0].detection: input should be less than or equal to 1" in _error(
        tmp_path, body.replace("arc_closure", "arc_detection") + "    detection: 1.5\n")


def test_a_closed_arc_carries_nothing_and_its_flow_reroutes():
    closure = {"lever": "arc_closure", "start": "2026-01", "from": "tijuana", "to": "san_ysidro"}
    base = simulate("status_quo", members=3, parameters="prior")
    shut = simulate({"name": "shut", "levers": [closure]}, members=3, parameters="prior")
    arc = "tijuana->san_ysidro"
    flows = shut["flow_kg"].sel(arc=arc)
    assert float(flows.sel(month="2025-12").min()) > 0
    assert float(flows.sel(month=slice("2026-01", None)).max()) == 0.0
    # the same month, the flow goes through the other crossings: deliveries barely move
    month = "2026-01"
    crossed = {name: ds["crossing_flow_kg"].sel(month=month) for name, ds in
               (("base", base), ("shut", shut))}
    others = [c for c in base["crossing"].values if c != "san_ysidro"]
    assert (crossed["shut"].sel(crossing=others).sum("crossing")
            > crossed["base"].sel(crossing=others).sum("crossing")).all()
    np.testing.assert_allclose(shut["delivered_kg"].sel(month=month).sum("market"),
                               base["delivered_kg"].sel(month=month).sum("market"), rtol=0.03)
