"""A new user's slips in scenario files: one run must say what to fix, and where.

The files in ``tests/fixtures/slips`` are a policy analyst's first scenario files
(``m1``-``m8``, from shared/examples/slips, with ``schema: 2`` added) and slips of the
same kinds. Each is loaded by the real loader, built on the shipped network or run
through the CLI, and the message must hold what the person needed to hear: the line,
the lever numbered from 1 and named by its kind, the closest name, the allowed values
and the value given, with no Python internals.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from borderflow.cli import main
from borderflow.errors import ScenarioError
from borderflow.io import parse_yaml
from borderflow.network import load_network
from borderflow.policy import load_scenario, scenario_from_dict
from borderflow.policy.drivers import build
from borderflow.policy.scenario import MAX_PROBLEMS

SLIPS = Path(__file__).parent / "fixtures" / "slips"

#: What no message may show: Python's objects, pydantic's words, 0-based levers.
INTERNALS = ("datetime.", "Value error", "Input should", "literal[", "list[str]",
             "levers[0]", "Traceback", "{'")


def _load_error(name: str) -> str:
    path = SLIPS / name
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    for internal in INTERNALS:
        assert internal not in message, (internal, message)
    return message


def _build_error(name: str) -> str:
    path = SLIPS / name
    scenario = load_scenario(path)  # valid as a file: its ids are the network's business
    with pytest.raises(ScenarioError) as info:
        build(scenario, load_network().compile())
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    for internal in INTERNALS:
        assert internal not in message, (internal, message)
    return message


@pytest.mark.parametrize(("name", "needed"), [
    ("m1.yaml", ["2 problems:",
                 "line 6: levers[1] (poe_inspection).crossing: is not a known field; did you "
                 "mean 'crossings'? the fields of poe_inspection: lever, start, end, "
                 "crossings, intensity",
                 # the old-unit effort multiplier 2.0 in the same run
                 "line 8: levers[1] (poe_inspection).intensity: must be in [0, 1] (share of "
                 "passenger vehicles scanned (NII)), got 2"]),
    ("m3.yaml", ["line 7: levers[1] (naloxone_distribution): end 2026-12 is before start "
                 "2030-01"]),
    ("m4.yaml", ["line 8: levers[1] (military_strikes).intensity: '60%' is not a number: "
                 "write a number in the lever's unit (strikes per year and region)",
                 "e.g. 0.6 for 60 %"]),
    ("m5.yaml", ["line 4: lever: is not a known field", "did you mean 'levers'?",
                 "a scenario file's sections are schema, name, description, levers, "
                 "parameters"]),
    ("m6.yaml", ["line 6: levers[1] (naloxone_distribution).intensity: '5,000,000' is not "
                 "a number: write 5000000 or 5e6", "naloxone kits added per year"]),
    ("start_day.yaml", ["line 6: levers[1] (naloxone_distribution).start: write a month as "
                        "YYYY-MM, e.g. 2026-01, not a day; got 2026-01-01"]),
    ("kind_typo.yaml", ["line 5: levers[1].lever: unknown lever 'naloxone_distributon'; did "
                        "you mean 'naloxone_distribution'?",
                        "line 8: levers[2].lever: unknown lever 'POE inspection'; did you "
                        "mean 'poe_inspection'?"]),
    ("parameter_typo.yaml", ["line 6: parameters: unknown parameter 'naloxone_half_kit'; did "
                             "you mean 'naloxone_half_kits'?",
                             "line 7: parameters: parameter 'lab_rebuild_months' must be in "
                             "[0.01, 10000] months, got -2"]),
    ("share_as_percent.yaml", [
        "line 7: levers[1] (poe_inspection).intensity: must be in [0, 1] (share of passenger "
        "vehicles scanned (NII)), got 40; a share is written as a fraction (for 40 % write "
        "0.4)",
        "line 10: levers[2] (diplomatic_engagement).intensity: '$5 million' is not a number: "
        "write 5000000 or 5e6",
        "line 13: levers[3] (asylum_regime).intensity: '0,7' is not a number: write 0.7 with "
        "a decimal point"]),
    # a field typo and an unknown region in one file: both in one run, the region checked
    # against the shipped network at load
    ("ids_and_fields.yaml", [
        "line 5: levers[1] (lab_takedowns).region: is not a known field; did you mean "
        "'regions'?",
        "line 9: levers[2] (military_strikes).regions: unknown lab_region 'Jalisco' in the "
        "shipped network; ids are lower case: did you mean 'jalisco'? allowed: sinaloa, "
        "jalisco, sonora, michoacan, all"]),
])
def test_each_slip_is_told_what_to_fix(name, needed):
    message = _load_error(name)
    for part in needed:
        assert part in message, (part, message)


def test_m5_lists_the_files_sections_not_the_lever_kinds():
    message = _load_error("m5.yaml")
    assert "naloxone_distribution" not in message and "precursor_control" not in message


def test_every_problem_of_a_file_in_one_run_levers_numbered_from_one():
    path = SLIPS / "two_slips.yaml"
    assert _load_error("two_slips.yaml") == "\n".join([
        f"{path}: 4 problems:",
        "  line 4: levers[1] (poe_inspection).intensity: is required (share of passenger "
        "vehicles scanned (NII))",
        "  line 5: levers[1] (poe_inspection).crossing: is not a known field; did you mean "
        "'crossings'? the fields of poe_inspection: lever, start, end, crossings, intensity",
        "  line 7: levers[2] (naloxone_distribution).intensity: is required (naloxone kits "
        "added per year)",
        "  line 8: levers[2] (naloxone_distribution).start: the month must be 01-12, got "
        "2026-13",
    ])


def test_each_line_named_holds_the_field_named():
    """The line numbers point at the field: its key, or its lever's first line if missing."""
    checked = 0
    for name in ("two_slips.yaml", "m1.yaml", "share_as_percent.yaml", "kind_typo.yaml",
                 "parameter_typo.yaml", "ids_and_fields.yaml"):
        text = (SLIPS / name).read_text().splitlines()
        for row in _load_error(name).splitlines():
            found = re.search(r"line (\d+): \S+?(?: \(\w+\))?\.(\w+)", row)
            if found:
                line, field = text[int(found.group(1)) - 1], found.group(2)
                assert ("- lever:" if "is required" in row else field) in line, (name, row)
                checked += 1
    assert checked == 13


@pytest.mark.parametrize(("name", "needed"), [
    ("m2.yaml", ["not valid YAML", "at line 7, column 4",
                 "'intensity' must line up with 'start' on line 6 (column 5, not 4): the keys "
                 "of one lever are indented alike"]),
    ("over_indent.yaml", ["at line 6", "'intensity' is indented more than 'start' on line 5, "
                          "whose value is already given: line it up with 'start' (column 5)"]),
    ("missing_colon.yaml", ["line 5 ('start 2026-01') has no ':' after its key: write "
                            "'start: 2026-01'"]),
])
def test_yaml_slips_name_the_line_and_the_fix(name, needed):
    message = _load_error(name)
    assert "\n" not in message
    for part in needed:
        assert part in message, (part, message)


@pytest.mark.parametrize(("text", "needed"), [
    ("name: x\nlevers:\n\t- lever: a\n", "at line 3, column 1; YAML indents with spaces only"),
    ("name: x\nlevers: [a, b\n", "the '[' on line 2, column 9 is never closed with ']'"),
    ("name: 'x\nlevers: []\n", "the quote opened on line 1, column 7 is never closed"),
    ("description: see: this\n", "put it in quotes: description: \"see: this\""),
    ("name x\nlevers: []\n", "line 1 ('name x') has no ':' after its key"),
    ("name: x\nlevers:\n  - lever: a\n    start: 2026-01\n   - lever: b\n",
     "the '- ' entry on line 5 must line up with the '- ' on line 3 (column 3, not 4)"),
    ("name: x\nparameters:\n  a: 1\n   b: 2\n",
     "'b' is indented more than 'a' on line 3, whose value is already given: line it up with "
     "'a' (column 3): the keys under 'parameters' are indented alike"),
    ("name: x\n levers: []\n", "the file's top-level keys are not indented"),
])
def test_yaml_syntax_errors_in_plain_words(text, needed):
    with pytest.raises(ScenarioError) as info:
        parse_yaml(text, "s.yaml", ScenarioError)
    assert str(info.value).startswith("s.yaml: not valid YAML: ")
    assert needed in str(info.value)


@pytest.mark.parametrize(("name", "needed"), [
    ("m8.yaml", ["line 6: levers[1] (military_strikes).regions: unknown lab_region 'Sinaloa'; "
                 "ids are lower case: did you mean 'sinaloa'? allowed: sinaloa, jalisco, "
                 "sonora, michoacan, all"]),
    ("region_name_caps.yaml", ["line 6: levers[1] (lab_takedowns).regions: unknown lab_region "
                               "'Sinaloa'; ids are lower case: did you mean 'sinaloa'?"]),
    ("node_ids.yaml", [
        "4 problems:",
        "line 6: levers[1] (poe_inspection).crossings[1]: unknown port_of_entry 'San Ysidro'; "
        "ids are lower case with '_' between words: did you mean 'san_ysidro'?",
        "line 6: levers[1] (poe_inspection).crossings[2]: unknown port_of_entry "
        "'tucson_sector'; it is a between_ports crossing (between_ports_enforcement acts on "
        "those); allowed: san_ysidro, otay_mesa,",
        "line 10: levers[2] (precursor_control).source: unknown precursor_source 'chna'; did "
        "you mean 'china'? allowed: china, india, all",
        "line 13: levers[3] (arc_closure): no arc 'tijuana' -> 'laredo_poe' in the network",
        "arcs from 'tijuana' go to san_ysidro, otay_mesa, san_diego_sector"]),
])
def test_unknown_node_ids_are_named_with_the_closest(name, needed):
    message = _build_error(name)
    for part in needed:
        assert part in message, (part, message)


def test_a_single_name_where_a_list_is_expected():
    net = load_network().compile()
    single = load_scenario(SLIPS / "region_name.yaml")
    assert single.levers[0].regions == ["sinaloa"]
    listed = scenario_from_dict({"schema": 2, "name": "region_name", "levers": [
        {"lever": "military_strikes", "regions": ["sinaloa"], "start": "2026-01",
         "intensity": 2}]})
    assert (build(single, net).strikes == build(listed, net).strikes).all()
    # 'a, b' is two names, [all] is all, a one-item source list is its item
    lever = {"lever": "lab_takedowns", "start": "2026-01", "intensity": 5}
    scen = scenario_from_dict({"schema": 2, "name": "x", "levers": [
        {**lever, "regions": "sinaloa, jalisco"}, {**lever, "regions": ["all"]},
        {"lever": "precursor_control", "source": ["china"], "start": "2026-01",
         "intensity": 0.5}]})
    assert [scen.levers[0].regions, scen.levers[1].regions, scen.levers[2].source] == [
        ["sinaloa", "jalisco"], "all", "china"]
    with pytest.raises(ScenarioError, match=r"levers\[1\] \(precursor_control\)\.source: "
                       r"one source per lever: write a precursor_control lever for each of "
                       r"china, india, or source: all"):
        scenario_from_dict({"schema": 2, "name": "x", "levers": [
            {"lever": "precursor_control", "source": ["china", "india"], "start": "2026-01",
             "intensity": 0.5}]})


def test_m7_loads_in_the_levers_units_and_its_reading_warns():
    scen = load_scenario(SLIPS / "m7.yaml")
    assert [(lev.lever, lev.intensity) for lev in scen.levers] == [
        ("naloxone_distribution", 0.5), ("poe_inspection", 0.5)]
    reading = pytest.importorskip("borderflow.policy.reading")
    naloxone, scan = reading.read_levers(scen)
    assert "0.5 kits" in naloxone.line and "not as a fraction" in " ".join(naloxone.warnings)
    assert "50 %" in scan.line


def test_a_scenario_is_equal_whether_read_from_a_file_or_a_mapping():
    from_file = load_scenario(SLIPS / "region_name.yaml")
    assert from_file == scenario_from_dict(from_file.model_dump(by_alias=True))


def test_a_long_list_of_problems_is_cut():
    levers = [{"lever": "naloxone_distribution", "start": "2026-13", "intensity": 1}] * 40
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict({"schema": 2, "name": "x", "levers": levers}, "many.yaml")
    rows = str(info.value).splitlines()
    assert rows[0] == "many.yaml: 40 problems:"
    assert rows[1] == ("  levers[1] (naloxone_distribution).start: the month must be 01-12, "
                       "got 2026-13")
    assert rows[MAX_PROBLEMS] == (f"  levers[{MAX_PROBLEMS}] (naloxone_distribution).start: "
                                  "the month must be 01-12, got 2026-13")
    assert rows[-1] == f"  ... and {40 - MAX_PROBLEMS} more" and len(rows) == MAX_PROBLEMS + 2


@pytest.mark.parametrize(("name", "needed"), [
    ("two_slips.yaml", ["crossing", "did you mean 'crossings'?", "2026-13",
                        "levers[2] (naloxone_distribution).intensity: is required"]),
    ("m2.yaml", ["at line 7", "'intensity' must line up with 'start' on line 6"]),
    ("m8.yaml", ["levers[1] (military_strikes).regions", "did you mean 'sinaloa'?"]),
])
def test_the_cli_prints_every_problem_and_exits_2(capsys, name, needed):
    path = SLIPS / name
    code = main(["run", str(path), "--members", "5"])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.lstrip().startswith(f"error: {path}: ")  # the progress bar may leave a newline
    assert "Traceback" not in err
    for part in needed:
        assert part in err, (part, err)
