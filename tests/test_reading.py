"""What each lever was read as: the lines and warnings of ``read_levers``."""

from __future__ import annotations

import dataclasses
import re

import pytest

from borderflow import data
from borderflow.network import load_network
from borderflow.policy import load_scenario, shipped_names
from borderflow.policy.reading import SAID_KINDS, Reading, read_levers
from borderflow.policy.registry import LEVER_KINDS, REGISTRY, catalogue


def scenario(lever: str, intensity: float, **fields) -> dict:
    """A one-lever scenario mapping, from 2026-01."""
    return {"name": "t", "schema": 2,
            "levers": [{"lever": lever, "start": "2026-01", "intensity": intensity, **fields}]}


def one(lever: str, intensity: float, **fields) -> Reading:
    (reading,) = read_levers(scenario(lever, intensity, **fields))
    return reading


def test_half_a_kit_warns_and_names_the_plausible_range():
    reading = one("naloxone_distribution", 0.5)
    assert reading.line == "naloxone_distribution: +0.5 kits/yr from 2026-01"
    (warning,) = reading.warnings
    assert "below the plausible range 100k–10M kits/yr" in warning
    assert "not as a fraction" in warning
    assert warning.endswith("see `borderflow scenarios show naloxone_distribution`")
    assert str(reading) == f"{reading.line} — {warning}"


def test_five_million_kits_is_read_without_warning():
    reading = one("naloxone_distribution", 5_000_000)
    assert reading.line == "naloxone_distribution: +5M kits/yr from 2026-01"
    assert reading.warnings == ()


def test_a_scan_rate_under_todays_weakens_the_status_quo():
    reading = one("poe_inspection", 0.05, crossings=["san_ysidro", "otay_mesa"], end="2030-12")
    assert reading.line == (
        "poe_inspection at San Ysidro port of entry, CA and Otay Mesa port of entry, CA: "
        "scan 5 % of passenger vehicles from 2026-01 to 2030-12 (history: 8 % in FY2024)")
    (warning,) = reading.warnings  # not also "below the plausible range": one reason
    assert warning.startswith("weakens the status quo: 5 % is below today's 8 %")
    assert "lowers inspection at those ports" in warning


@pytest.mark.parametrize("rate", [0.08, 0.4, 1.0])
def test_a_scan_rate_at_or_over_todays_is_an_increase(rate):
    assert one("poe_inspection", rate).warnings == ()


def test_all_is_said_as_every_place_of_the_kind():
    reading = one("poe_inspection", 0.4)
    assert reading.line.startswith("poe_inspection at every port of entry (8): scan 40 %")


def test_above_the_plausible_range_warns():
    (warning,) = one("lab_takedowns", 500, regions=["sinaloa"]).warnings
    assert warning.startswith("above the plausible range 1–100 raids a month per region")


def test_the_asylum_rule_says_which_way_encounters_move():
    restrictive = one("asylum_regime", 0.7)
    assert "restrictive: 30 % fewer encounters" in restrictive.line
    assert restrictive.warnings == ()
    opened = one("asylum_regime", 1.3)
    assert "open: 30 % more encounters" in opened.line
    assert any("weakens the status quo" in w and "raises encounters" in w
               for w in opened.warnings)


def test_an_arc_detection_under_the_networks_weakens_it():
    net = load_network()
    arc = next(a for a in net.arcs if a.detection > 0.02)
    doc = {"name": "t", "schema": 2, "levers": [
        {"lever": "arc_detection", "start": "2026-01", "from": arc.key[0], "to": arc.key[1],
         "detection": arc.detection / 2}]}
    (reading,) = read_levers(doc, net)
    assert f"(network: {arc.detection:.3g})" in reading.line
    assert any("lowers detection on the arc" in w for w in reading.warnings)


def test_unknown_places_and_nothing_set_are_warned():
    (warning,) = one("precursor_control", 0.5, source="atlantis").warnings
    assert "'atlantis' is not a precursor source of the network" in warning
    (warning,) = one("lab_takedowns", 0).warnings
    assert warning == "intensity 0: the lever does nothing"


def test_a_compiled_network_reads_the_same():
    doc = scenario("military_strikes", 2, regions=["sinaloa", "jalisco"])
    net = load_network()
    assert read_levers(doc, net) == read_levers(doc, net.compile()) == read_levers(doc)
    assert read_levers(doc)[0].line.startswith("military_strikes in Sinaloa and Jalisco: 2 ")


def test_a_shipped_scenarios_line_names_its_unit():
    (reading,) = read_levers(load_scenario("poe_inspection"))
    assert reading.kind == "poe_inspection"
    assert "scan 40 % of passenger vehicles from 2025-01" in reading.line
    (kits,) = read_levers("naloxone_distribution")
    assert "kits/yr" in kits.line


@pytest.mark.parametrize("name", shipped_names())
def test_every_shipped_setting_is_plausible(name):
    readings = read_levers(name)
    assert len(readings) == len(load_scenario(name).levers)
    assert all(r.warnings == () for r in readings), [str(r) for r in readings]


def test_reading_is_a_small_frozen_record():
    reading = one("prevention", 2e9)
    assert reading.line == "prevention: +$2 B a year on prevention programmes from 2026-01"
    with pytest.raises(dataclasses.FrozenInstanceError):
        reading.line = "x"  # type: ignore[misc]


def test_every_kind_is_said():
    assert SAID_KINDS == LEVER_KINDS


def _anchors_named(text: str) -> list[str]:
    """Anchor names a source cites: ``anchor x``, ``anchors x and y``, ``anchors x, y``."""
    names = []
    for match in re.finditer(r"anchors? ((?:[A-Za-z0-9_*]+(?: \([^)]*\))?(?:, | and )?)+)", text):
        names += re.findall(r"\b([A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+)\b", re.sub(
            r"\([^)]*\)", "", match.group(1)))
    return names


def test_every_kind_with_a_cost_has_a_sourced_plausible_range():
    anchors = set(data.load("parameter_anchors")["parameter"])
    for kind in REGISTRY:
        if kind.cost is None and kind.plausible is None:
            continue
        assert kind.plausible_source, kind.name
        fields = kind.model.model_fields  # type: ignore[attr-defined]
        if "intensity" not in fields and "detection" not in fields:  # all or nothing
            assert kind.plausible is None, kind.name
            continue
        assert kind.plausible is not None, kind.name
        lo, hi = kind.plausible
        assert 0 <= lo < hi, kind.name
        cited = _anchors_named(kind.plausible_source)
        assert cited or "judgement" in kind.plausible_source, kind.name
        assert set(cited) <= anchors, (kind.name, set(cited) - anchors)
        if kind.status_quo is not None:
            assert lo <= kind.status_quo <= hi or kind.weaker == "above", kind.name
            assert kind.weaker is not None and kind.status_quo_source, kind.name


def test_the_anchor_check_can_fail():
    assert _anchors_named("anchors nii_targets and bp_agents_2017 (16,717); judgement") == [
        "nii_targets", "bp_agents_2017"]
    assert _anchors_named("anchor naloxone_kits_SOURCE (1.93 M kits)") == ["naloxone_kits_SOURCE"]
    assert "no_such_anchor" not in set(data.load("parameter_anchors")["parameter"])


def test_the_catalogue_shows_the_plausible_range():
    entry = catalogue()["naloxone_distribution"]
    assert entry["plausible"] == [1e5, 1e7]
    assert "naloxone_kits_and_deaths_averted_SOURCE" in entry["plausible_source"]
    assert entry["status_quo"] is None
    scan = catalogue()["poe_inspection"]["status_quo"]
    assert scan == {"value": 0.08, "source": scan["source"], "weaker": "below"}
    assert catalogue()["arc_closure"]["plausible"] is None
