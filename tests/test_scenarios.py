"""Scenario files: validation messages (the text is the contract) and the shipped library."""

import numpy as np
import pytest

from borderflow import simulate
from borderflow.errors import ParameterError, ScenarioError
from borderflow.model.drivers import HISTORY_EVENTS
from borderflow.network import load_network
from borderflow.policy import load_scenario, scenario_from_dict, shipped_names
from borderflow.policy.drivers import build
from borderflow.policy.registry import COST_ITEMS, LEVER_KINDS

#: Lever kind with a monthly driver -> (Drivers field, default, an intensity to test).
NEW_LEVERS = {
    "mexican_migration_enforcement": ("mx_personnel", 0.0, 20_000.0),
    "processing_capacity": ("processing_staff", 0.0, 2500.0),
    "asylum_regime": ("asylum_regime", 1.0, 0.7),
    "southbound_inspection": ("gun_officers", 0.0, 1000.0),
    "diplomatic_engagement": ("engagement_usd", 0.0, 5e8),
    "trade_pressure": ("tariff", 0.0, 0.1),
    "treatment_expansion": ("treatment_slots", 0.0, 500_000.0),
    "naloxone_distribution": ("naloxone_kits", 0.0, 5e6),
    "prevention": ("prevention_usd", 0.0, 2e9),
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
S2 = "schema: 2\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (S2 + "name: x\n" + LEVER.format(kind="precursor_control", start="2025-01", x=1.5)
         + "    source: china\n",
         "levers[1] (precursor_control).intensity: must be in [0, 1] (share of the source's "
         "exports covered by controls), got 1.5"),
        (S2 + "name: x\n" + LEVER.format(kind="poe_inspection", start="2025-01", x=-1),
         "levers[1] (poe_inspection).intensity: must be in [0, 1] (share of passenger "
         "vehicles scanned (NII)), got -1"),
        (S2 + "name: x\n" + LEVER.format(kind="drone_patrols", start="2025-01", x=1),
         "levers[1].lever: unknown lever 'drone_patrols'; allowed: precursor_control, "
         "mexican_port_interdiction, lab_takedowns, poe_inspection, "
         "between_ports_enforcement, military_strikes, mexican_migration_enforcement, "
         "processing_capacity, asylum_regime, southbound_inspection, "
         "diplomatic_engagement, trade_pressure, treatment_expansion, naloxone_distribution, "
         "prevention, "
         "arc_detection, arc_closure"),
        (S2 + "name: x\n" + LEVER.format(kind="poe_inspection", start="2025-01", x=1.5),
         "levers[1] (poe_inspection).intensity: must be in [0, 1] (share of passenger "
         "vehicles scanned (NII)), got 1.5"),
        ("name: x\n" + LEVER.format(kind="poe_inspection", start="2025-01", x=2),
         "schema: missing; this file is for the old units: levers are now read in the "
         "units a government sets"),
        ("schema: 1\nname: x\nlevers: []\n", "schema: must be 2, got 1; levers are now"),
        (S2 + "name: x\n" + LEVER.format(kind="asylum_regime", start="2025-01", x=0),
         "levers[1] (asylum_regime).intensity: must be in (0, 5] (x encounters (1 = status "
         "quo)), got 0"),
        (S2 + "name: x\n" + LEVER.format(kind="asylum_regime", start="2025-01", x=6),
         "levers[1] (asylum_regime).intensity: must be in (0, 5] (x encounters (1 = status "
         "quo)), got 6"),
        (S2 + "name: x\n" + LEVER.format(kind="processing_capacity", start="2025-01", x=200000),
         "levers[1] (processing_capacity).intensity: must be in [0, 100000] (civilian "
         "processing staff added, persons), got 200000"),
        (S2 + "name: x\n" + LEVER.format(kind="treatment_expansion", start="2025-01", x=-5),
         "levers[1] (treatment_expansion).intensity: must be in [0, 5000000] (MOUD slots "
         "added, persons in treatment at once), got -5"),
        (S2 + "name: x\n" + LEVER.format(kind="prevention", start="2025-01", x=0.2)
         + "    regions: all\n",
         "levers[1] (prevention).regions: is not a known field of prevention (it is a field "
         "of lab_takedowns, military_strikes); the fields of prevention: lever, start, "
         "end, intensity"),
        (S2 + "name: x\n" + LEVER.format(kind="lab_takedowns", start="2025-13", x=0.1),
         "levers[1] (lab_takedowns).start: the month must be 01-12, got 2025-13"),
        (S2 + "name: x\n" + LEVER.format(kind="lab_takedowns", start="2040-01", x=0.1),
         "levers[1] (lab_takedowns).start: must be a month between 2010-01 and 2035-12, "
         "got 2040-01"),
        (S2 + "name: x\nlevers: []\nparameters:\n  lab_rebuild_months: -2\n",
         "parameters: parameter 'lab_rebuild_months' must be in [0.01, 10000] months, got -2"),
        (S2 + "name: x\nlevers: []\nparameters:\n  warp_speed: 2\n",
         "parameters: unknown parameter 'warp_speed'; allowed: "),
        (S2 + "name: x\nlevers: []\ncolour: blue\n", "colour: is not a known field, got 'blue'"),
        (S2 + "levers: []\n", "name: is required"),
        (S2 + "name: x\nlevers:\n  - start: 2025-01\n    intensity: 1\n",
         "levers[1]: each lever needs a 'lever' field, one of precursor_control"),
        (S2 + "name: x\nlevers: [\n",
         "not valid YAML: expected the node content, but found '<stream end>' at line 4"),
        (S2 + "name: x\nname: y\nlevers: []\n",
         "not valid YAML: duplicate key 'name' at line 3, column 1"),
        (S2 + "name: x\nlevers: []\nparameters:\n  lab_rebuild_months: 2\n"
         "  lab_rebuild_months: 3\n",
         "not valid YAML: duplicate key 'lab_rebuild_months' at line 6, column 3"),
        ("- just\n- a list\n", "a scenario must be a mapping with name, levers, ...; got list"),
        (S2 + "name: x\nlevers:\n  - lever: lab_takedowns\n    start: 2026-01\n    end: 2025-01\n"
         "    intensity: 0.1\n",
         "levers[1] (lab_takedowns): end 2025-01 is before start 2026-01"),
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
    scen = scenario_from_dict({"name": "x", "schema": 2, "levers": [
        {"lever": "precursor_control", "source": "mars", "start": "2025-01", "intensity": 0.5}]})
    with pytest.raises(ScenarioError, match=r"x: levers\[1\] \(precursor_control\)\.source: "
                       r"unknown precursor_source 'mars'; allowed: china, india, all"):
        build(scen, net)
    scen = scenario_from_dict({"name": "y", "schema": 2, "levers": [
        {"lever": "poe_inspection", "crossings": ["tucson_sector"], "start": "2025-01",
         "intensity": 0.4}]})
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
    assert load_scenario("southbound_inspection").levers[0].intensity == 1000
    assert load_scenario("diplomatic_engagement").levers[0].intensity == 5e8
    assert load_scenario("treatment_expansion").levers[0].intensity == 500_000
    assert load_scenario("naloxone_distribution").levers[0].intensity == 5_000_000
    assert load_scenario("prevention").levers[0].intensity == 2e9
    assert load_scenario("trade_pressure").levers[0].applied
    # every shipped file states the schema, and none is an old-unit file in disguise
    for name in names:
        assert load_scenario(name).schema_version == 2


@pytest.mark.parametrize("name", shipped_names())
def test_drivers_of_each_shipped_scenario(name):
    net = load_network().compile()
    d = build(load_scenario(name), net)
    t_n = len(d.months)
    assert (d.scan_rate.shape == d.agents.shape == d.inspectors.shape == d.scheduled.shape
            == (t_n, net.n_arcs))
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
    from borderflow.policy.drivers import CHINA_CLASS_SCHEDULING, CHINA_LISTING_2024

    calendar = data.load("policy_calendar")
    row = calendar[calendar["event"].str.startswith("China's class-wide control")]
    assert len(row) == 1
    assert np.datetime64(row["start"].iloc[0], "M") == CHINA_CLASS_SCHEDULING
    row = calendar[calendar["event"].str.startswith("China adds fentanyl precursors 4-AP")]
    assert len(row) == 1
    assert np.datetime64(row["start"].iloc[0], "M") == CHINA_LISTING_2024


def test_history_is_in_every_scenario_and_levers_start_when_they_say():
    net = load_network().compile()
    mail = net.arc_index("china", "jfk_mail_facility")
    scen = scenario_from_dict({"name": "x", "schema": 2, "levers": [
        {"lever": "poe_inspection", "start": "2025-01", "end": "2025-03", "intensity": 0.3}]})
    drivers = build(scen, net)
    months = drivers.months.astype(str)
    assert drivers.scheduled[months == "2019-04", mail][0] == 0
    assert drivers.scheduled[months == "2019-05", mail][0] == 1
    sy = net.arc_index("tijuana", "san_ysidro")
    scan = dict(zip(months, drivers.scan_rate[:, sy], strict=True))
    assert (scan["2024-12"], scan["2025-01"], scan["2025-03"], scan["2025-04"]) == (
        0.08, 0.3, 0.3, 0.08)
    # the history of scanning (cbp_nii_scan_rates): 2 % to FY2021, 8 % from FY2024,
    # linear between the fiscal years' midpoints (April)
    assert scan["2015-06"] == scan["2021-03"] == pytest.approx(0.02)
    assert scan["2022-10"] == pytest.approx(0.02 + 0.06 * (2022 + 9.5 / 12 - 2021.25) / 3)
    # arcs into other kinds of node sit at the reference rate (an effort of 1)
    assert drivers.scan_rate[:, net.arc_index("china", "jfk_mail_facility")].tolist() == [
        0.02] * len(months)


def _net():
    return load_network().compile()


def _build(*levers, name="x"):
    return build(scenario_from_dict({"name": name, "schema": 2, "levers": list(levers)}),
                 _net())


def _at(drivers, month):
    return int(np.flatnonzero(drivers.months == np.datetime64(month, "M"))[0])


def test_lever_kinds_cover_every_cost_item():
    from typing import get_args

    from borderflow.policy.levers import Lever
    from borderflow.policy.registry import BY_KIND, COST_PRIORS

    budgeted = [k for k in LEVER_KINDS if BY_KIND[k].cost is not None]
    assert len(LEVER_KINDS) == 17 and budgeted == list(COST_ITEMS) and len(COST_ITEMS) == 16
    assert [p.name for p in COST_PRIORS] == [f"cost_{i}" for i in COST_ITEMS]
    assert set(NEW_LEVERS) <= set(LEVER_KINDS)
    # the registry declares every schema of the scenario files, and only those
    schemas = get_args(get_args(Lever)[0])
    assert {BY_KIND[k].model for k in LEVER_KINDS} == set(schemas)
    for kind in LEVER_KINDS:
        assert BY_KIND[kind].model.model_fields["lever"].annotation.__args__ == (kind,)


def test_every_lever_has_a_unit_and_its_effectiveness_priors_exist():
    from borderflow.api import levers
    from borderflow.model.parameters import BY_NAME

    catalogue = levers()
    assert list(catalogue) == list(LEVER_KINDS)
    for kind, info in catalogue.items():
        unit = str(info["unit"])
        assert unit and "fraction" not in unit and "capacity" not in unit, kind
        assert "supply stopped" not in unit and "destroyed" not in unit, kind
        for prior in info["effectiveness"]:
            p = BY_NAME[prior["parameter"]]
            assert (prior["low"], prior["high"], prior["unit"]) == (p.low, p.high, p.unit)
            assert prior["source"]
    # levers that act through an effectiveness parameter say so
    for kind in ("precursor_control", "lab_takedowns", "military_strikes", "poe_inspection",
                 "between_ports_enforcement", "mexican_port_interdiction",
                 "mexican_migration_enforcement", "southbound_inspection",
                 "diplomatic_engagement", "prevention", "trade_pressure"):
        assert catalogue[kind]["effectiveness"], kind


def test_status_quo_defaults():
    from borderflow.policy.drivers import BASELINE_RAIDS_PER_MONTH, scan_rate_history

    net = _net()
    d = build(load_scenario("status_quo"), net)
    for field, default, _ in NEW_LEVERS.values():
        assert (getattr(d, field) == default).all(), field
    assert (d.agents == 0).all() and (d.inspectors == 0).all() and (d.tariff_applied == 0).all()
    assert (d.strikes == 0).all()
    # China's September 2024 listing covers half of its exports, and nothing else
    from borderflow.policy.drivers import LISTING_2024_COVERAGE

    china = [net.node_ids[n] for n in net.nodes_of_kind("precursor_source")].index("china")
    listed = d.months >= np.datetime64("2024-09")
    assert (d.coverage[listed, china] == LISTING_2024_COVERAGE).all()
    assert (d.coverage[~listed] == 0).all() and (np.delete(d.coverage, china, 1) == 0).all()
    # Mexico's own raids (SEDENA: 1,658 in 57 months) by capacity share, every month
    shares = net.shares(net.nodes_of_kind("lab_region"), "capacity_share")
    np.testing.assert_allclose(d.raids, np.tile(1658 / 57 * shares, (len(d.months), 1)))
    assert BASELINE_RAIDS_PER_MONTH == pytest.approx(29.09, abs=0.01)
    poe = net.arc_index("tijuana", "san_ysidro")
    np.testing.assert_array_equal(d.scan_rate[:, poe], scan_rate_history(d.months))
    assert (d.activity == 0).all()


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
        ("mexican_migration_enforcement", 10_000, 15_000, 25_000),
        ("southbound_inspection", 300, 500, 800),
        ("prevention", 1e9, 2.5e9, 3.5e9),
        ("processing_capacity", 1000, 2500, 3500),
        ("treatment_expansion", 100_000, 400_000, 500_000),
        ("naloxone_distribution", 1e6, 2e6, 3e6),
        ("asylum_regime", 0.7, 1.3, 0.91),
        ("diplomatic_engagement", 2e8, 3e8, 5e8),
        ("trade_pressure", 0.25, 0.1, 0.25),  # the highest rate applies
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
    from borderflow.policy.drivers import BASELINE_RAIDS_PER_MONTH

    net = _net()
    d = _build(
        {"lever": "mexican_port_interdiction", "ports": ["manzanillo"], "start": "2025-01",
         "intensity": 200},
        {"lever": "mexican_port_interdiction", "start": "2025-01", "intensity": 150},
        {"lever": "lab_takedowns", "regions": ["sinaloa"], "start": "2025-01",
         "intensity": 10},
        {"lever": "lab_takedowns", "start": "2025-01", "intensity": 5},
        {"lever": "military_strikes", "regions": ["jalisco"], "start": "2025-01",
         "end": "2025-12", "intensity": 2},
        {"lever": "military_strikes", "regions": ["jalisco"], "start": "2025-07",
         "intensity": 12},
        {"lever": "between_ports_enforcement", "crossings": ["tucson_sector", "yuma_sector"],
         "start": "2025-01", "intensity": 1000},
        {"lever": "precursor_control", "source": "china", "start": "2025-01", "intensity": 0.5},
        {"lever": "precursor_control", "source": "all", "start": "2026-01", "intensity": 0.2},
        {"lever": "trade_pressure", "start": "2025-01", "end": "2025-06", "intensity": 0.25},
        {"lever": "trade_pressure", "start": "2025-04", "end": "2025-12", "intensity": 0.1,
         "applied": True},
    )
    t = _at(d, "2025-01")
    into_manzanillo = net.arc_head == net.node_index("manzanillo")
    into_lazaro = net.arc_head == net.node_index("lazaro_cardenas")
    assert into_manzanillo.any() and into_lazaro.any()
    # inspectors add up at each port; nothing before the start
    assert np.allclose(d.inspectors[t, into_manzanillo], 350)
    assert np.allclose(d.inspectors[t, into_lazaro], 150)
    assert (d.inspectors[_at(d, "2024-12")] == 0).all()
    labs = [net.node_ids[n] for n in net.nodes_of_kind("lab_region")]
    sin, jal = labs.index("sinaloa"), labs.index("jalisco")
    base = BASELINE_RAIDS_PER_MONTH * net.shares(net.nodes_of_kind("lab_region"),
                                                 "capacity_share")
    assert d.raids[t, sin] == pytest.approx(base[sin] + 15)
    assert d.raids[t, jal] == pytest.approx(base[jal] + 5)
    np.testing.assert_allclose(d.raids[_at(d, "2024-12")], base)
    # 2 strikes a year fall in the first and seventh months; 12 a year, one a month
    per_month = {m: d.strikes[_at(d, m), jal] for m in
                 ("2025-01", "2025-02", "2025-06", "2025-07", "2025-08", "2026-01")}
    assert per_month == {"2025-01": 1, "2025-02": 0, "2025-06": 0, "2025-07": 2,
                         "2025-08": 1, "2026-01": 1}
    assert (d.strikes[:, sin] == 0).all()
    assert d.strikes[:, jal].sum() == 1 + 1 + (2035 - 2025) * 12 + 6
    # agents are shared by the named sectors, relative to each sector's own
    from borderflow.policy.drivers import BORDER_PATROL_AGENTS

    n_sectors = sum(net.crossing_type[n] == "between_ports"
                    for n in net.nodes_of_kind("crossing"))
    tucson = net.arc_head == net.node_index("tucson_sector")
    assert np.allclose(d.agents[t, tucson], 500 / (BORDER_PATROL_AGENTS / n_sectors))
    assert d.agents[t].max() == d.agents[t, tucson].max()
    # coverage combines as 1 − Π(1 − x); threatened and levied tariffs are kept apart
    sources = [net.node_ids[n] for n in net.nodes_of_kind("precursor_source")]
    china = sources.index("china")
    # with China's 2024 listing (half its exports) already in force
    assert d.coverage[t, china] == pytest.approx(1 - 0.5 * 0.5)
    assert d.coverage[_at(d, "2026-01"), china] == pytest.approx(1 - 0.5 * 0.5 * 0.8)
    assert d.coverage[_at(d, "2026-01"), sources.index("india")] == pytest.approx(0.2)
    assert (d.tariff[_at(d, "2025-05")], d.tariff_applied[_at(d, "2025-05")]) == (0.25, 0.1)
    assert (d.tariff[_at(d, "2025-02")], d.tariff_applied[_at(d, "2025-02")]) == (0.25, 0.0)
    assert (d.tariff[_at(d, "2026-01")], d.tariff_applied[_at(d, "2026-01")]) == (0.0, 0.0)


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
        "bicentennial": ("2021-10-08", None),
        "zambada_arrest": ("2024-07-25", None),
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
         "intensity": 250},
        {"lever": "lab_takedowns", "regions": ["sinaloa"], "start": "2025-01",
         "intensity": 5},
        {"lever": "poe_inspection", "crossings": ["san_ysidro", "otay_mesa"],
         "start": "2025-01", "intensity": 0.3},
        {"lever": "between_ports_enforcement", "start": "2025-01", "intensity": 1500},
        {"lever": "military_strikes", "regions": ["jalisco"], "start": "2025-01",
         "intensity": 1},
        {"lever": "mexican_migration_enforcement", "start": "2025-01", "intensity": 20_000},
        {"lever": "processing_capacity", "start": "2025-01", "intensity": 5000},
        {"lever": "asylum_regime", "start": "2025-01", "intensity": 0.7},
        {"lever": "southbound_inspection", "start": "2025-01", "intensity": 1000},
        {"lever": "diplomatic_engagement", "start": "2025-01", "intensity": 5e8},
        {"lever": "trade_pressure", "start": "2025-01", "intensity": 0.1, "applied": True},
        {"lever": "treatment_expansion", "start": "2025-01", "intensity": 500_000},
        {"lever": "naloxone_distribution", "start": "2025-01", "intensity": 5e6},
        {"lever": "prevention", "start": "2025-01", "intensity": 2e9},
        {"lever": "arc_detection", "start": "2025-01", "from": "tijuana", "to": "san_ysidro",
         "detection": 0.2, "cost_usd_per_year": 3e7},
        {"lever": "arc_closure", "start": "2025-01", "from": "tijuana", "to": "otay_mesa",
         "cost_usd_per_year": 2e8},
        {"lever": "arc_closure", "start": "2025-01", "from": "mexicali", "to": "calexico",
         "cost_usd_per_year": 1e8},
    ]
    d = _build(*levers)
    assert d.activity.shape == (len(d.months), len(COST_ITEMS))
    n_poe = sum(net.crossing_type[n] == "port_of_entry" for n in net.nodes_of_kind("crossing"))
    expected = {
        "precursor_control": 0.97 * 0.25,  # supply_share china 0.97, india 0.03
        "mexican_port_interdiction": 250.0,  # inspectors added
        "lab_takedowns": 60.0,  # raids added a year
        "poe_inspection": 2 * (0.3 - 0.08) / n_poe,  # scan rate over FY2024's, mean
        "between_ports_enforcement": 1500.0,
        "military_strikes": 12.0,
        "mexican_migration_enforcement": 20_000.0,
        "processing_capacity": 5000.0,
        "asylum_regime": abs(np.log(0.7)),
        "southbound_inspection": 1000.0,
        "diplomatic_engagement": 5e8,
        "treatment_expansion": 500_000.0,
        "naloxone_distribution": 5e6,
        "prevention": 2e9,
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
    assert later[COST_ITEMS.index("prevention")] == pytest.approx(2e9)


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
    body = ("schema: 2\nname: x\nlevers:\n  - lever: arc_closure\n    start: 2026-01\n"
            "    from: tijuana\n    to: laredo_poe\n")
    path = tmp_path / "plan.yaml"
    path.write_text(body)
    with pytest.raises(ScenarioError,
                       match=r"levers\[1\] \(arc_closure\): no arc 'tijuana' -> 'laredo_poe'"):
        simulate(str(path), members=2, parameters="prior")
    # with another problem in the file, the arc is checked against the shipped network at
    # load, and both are listed, one a line
    path.write_text(body.replace("arc_closure", "arc_detection") + "    detection: 1.5\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value).splitlines()[1:] == [
        "  line 4: levers[1] (arc_detection): no arc 'tijuana' -> 'laredo_poe' in the shipped "
        "network; arcs from 'tijuana' go to san_ysidro, otay_mesa, san_diego_sector",
        "  line 8: levers[1] (arc_detection).detection: must be in [0, 1] (nominal detection "
        "probability), got 1.5"]


def test_a_closed_arc_carries_nothing_and_its_flow_reroutes():
    closure = {"lever": "arc_closure", "start": "2026-01", "from": "tijuana", "to": "san_ysidro"}
    base = simulate("status_quo", members=3, parameters="prior")
    shut = simulate({"name": "shut", "schema": 2, "levers": [closure]}, members=3,
                    parameters="prior")
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


def test_a_new_lever_changes_no_model_hash_and_no_other_draw(monkeypatch):
    # the lever registry and the lever schemas are not model files: a lever that maps onto
    # the existing drivers needs no refit; its cost prior has a stream of its own
    from borderflow.calibration.calibrate import MODEL_FILES
    from borderflow.model.parameters import Parameter
    from borderflow.policy import registry

    assert "policy/registry.py" not in MODEL_FILES and "policy/levers.py" not in MODEL_FILES
    before = registry.lever_parameters([0, 5, 9], seed=4)
    extra = Parameter("cost_new_lever", "USD", "uniform", 1.0, 2.0, "costs", "test", "test")
    monkeypatch.setattr(registry, "COST_PRIORS", (extra, *registry.COST_PRIORS))
    after = registry.lever_parameters([0, 5, 9], seed=4)
    assert set(after) == {*before, "cost_new_lever"}
    for name, values in before.items():
        np.testing.assert_array_equal(after[name], values, name)
    # member i's draw depends on (seed, i) only
    np.testing.assert_array_equal(registry.lever_parameters([9], seed=4)["cost_prevention"],
                                  before["cost_prevention"][2:])


def test_unit_costs_can_be_overridden_and_are_checked_like_any_parameter():
    from borderflow.policy import registry

    fixed = registry.lever_parameters([0, 3], seed=1, overrides=registry.check_overrides(
        {"cost_naloxone_distribution": 45.0}))
    np.testing.assert_array_equal(fixed["cost_naloxone_distribution"], [45.0, 45.0])
    with pytest.raises(ParameterError, match=r"parameter 'cost_naloxone_distribution' must "
                       r"be in \[0, inf\] USD per kit, got -1"):
        registry.check_overrides({"cost_naloxone_distribution": -1})
    with pytest.raises(ParameterError, match=r"unknown parameter 'cost_naloxone'; allowed: "
                       r".*cost_naloxone_distribution"):
        registry.check_overrides({"cost_naloxone": 45.0})
