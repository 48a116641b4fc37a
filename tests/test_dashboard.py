"""The dashboard: its numbers, its permalinks, and the page in a real browser."""

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

from borderflow import __version__
from borderflow.dashboard import (
    PANELS,
    answer,
    app,
    figure,
    lever_controls,
    parse_permalink,
    permalink,
    running,
    scenario_of,
)
from borderflow.policy import load_scenario
from borderflow.policy.registry import REGISTRY


def test_no_lever_is_the_status_quo_and_a_lever_is_paired_with_it():
    quiet = answer({}, members=12)
    averted = quiet["panels"]["deaths_averted"]["scenario"]
    assert all(v == 0 for band in averted.values() for v in band)
    assert quiet["deaths_averted"] == 0 and quiet["cost_per_death_averted_usd"] is None
    kits = answer({"naloxone_distribution": 5e6}, members=12)
    assert kits["deaths_averted"] > 0 and kits["cost_per_death_averted_usd"] > 0
    # the status quo bands are the same members' in both answers
    assert kits["panels"]["overdose_deaths"]["status_quo"] == \
        quiet["panels"]["overdose_deaths"]["status_quo"]
    for panel in kits["panels"].values():
        b = np.array([panel["scenario"][q] for q in ("p05", "p25", "p50", "p75", "p95")])
        assert (np.diff(b, axis=0) >= -1e-9).all()  # bands nest


def test_every_lever_has_a_control_and_runs_on_all_its_targets():
    controls = lever_controls()
    assert set(controls) == {k.name for k in REGISTRY if k.targets != "arc"}
    layout = json.dumps(app().layout.to_plotly_json(), default=str)
    for kind in controls:
        assert kind in layout
    scen = load_scenario(scenario_of({"precursor_control": 0.5, "poe_inspection": 0.3}, 2026))
    assert {lv.lever for lv in scen.levers} == {"precursor_control", "poe_inspection"}
    assert len([lv for lv in scen.levers if lv.lever == "precursor_control"]) >= 1
    assert all(str(lv.start).startswith("2026") for lv in scen.levers)


def test_a_permalink_reproduces_its_state_and_says_when_the_version_differs():
    levers = {"poe_inspection": 0.35, "naloxone_distribution": 2e6}
    link = permalink({**levers, "prevention": None}, 2027, 0)
    assert parse_permalink(link) == (levers, 2027, 0, None, None, {})
    old = link.replace(f"version={__version__}", "version=0.1.0")
    assert "0.1.0" in parse_permalink(old)[3]
    assert "damaged" in parse_permalink("?levers=%7Bnot-json")[3]


def test_the_figure_is_valid_plotly_with_every_panel():
    fig = figure(answer({"poe_inspection": 0.3}, members=8))
    go.Figure(fig)  # validates
    axes = {t.get("xaxis") for t in fig["data"]}
    assert len(axes) == len(PANELS)


def test_report_is_one_self_contained_file(tmp_path):
    out = tmp_path / "r.html"
    done = subprocess.run([sys.executable, "-m", "borderflow.cli", "report",
                           "naloxone_distribution", "--members", "20", "-o", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    assert "naloxone_distribution" in text and "Plotly" in text
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', text)


CHROMIUM = "/usr/bin/chromium"


@pytest.mark.skipif(shutil.which("chromium") is None and not Path(CHROMIUM).exists(),
                    reason="needs Debian's chromium (apt-get install chromium; .ci/run does)")
def test_the_page_answers_a_lever_and_its_permalink_reproduces_the_numbers():
    from playwright.sync_api import sync_playwright

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"]

    def settled(page, prefix="full:"):
        status = page.get_by_test_id("status")
        for _ in range(3000):
            if (status.text_content() or "").startswith(prefix):
                return page.locator("#headline").text_content()
            time.sleep(0.02)
        raise AssertionError(f"status stayed {status.text_content()!r}")

    with running() as url:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
            page = browser.new_page()
            page.goto(url)
            settled(page)
            field = page.locator("input[id*='\"kind\":\"naloxone_distribution\"']")
            field.fill("3000000")
            field.press("Enter")
            for _ in range(3000):
                if page.get_by_test_id("status").text_content() == "full:2":
                    break
                time.sleep(0.02)
            headline = page.locator("#headline").text_content()
            assert "deaths averted" in headline and "full (500 members)" in headline
            link = page.locator("#link").input_value()
            assert "naloxone_distribution" in link
            again = browser.new_page()
            again.goto(url + link)
            assert settled(again) == headline  # the same numbers, from the link alone
            assert again.locator("input[id*='\"kind\":\"naloxone_distribution\"']") \
                .input_value() == "3000000"
            browser.close()


def test_the_optimisers_plan_compare_and_why():
    from borderflow.dashboard import assumptions, compare_answer, plan_levers

    plan = plan_levers(1e8)
    assert plan and all(lv["lever"] in ("arc_detection", "arc_closure") for lv in plan)
    load_scenario(scenario_of({}, 2025, plan))  # a valid scenario
    with_plan = answer({}, members=8, plan_budget_usd=1e8)
    assert with_plan["panels"]["deaths_averted"]["scenario"] != \
        answer({}, members=8)["panels"]["deaths_averted"]["scenario"]
    link = permalink({}, 2025, 0, 1e8)
    assert parse_permalink(link)[4] == 1e8
    both = compare_answer(["naloxone_distribution", "precursor_controls"], members=8)
    assert list(both["panels"]["overdose_deaths"]) == ["status_quo", "naloxone_distribution",
                                                        "precursor_controls"]
    assert both["panels"]["overdose_deaths"]["status_quo"] == \
        answer({}, members=8)["panels"]["overdose_deaths"]["status_quo"]
    rows = assumptions({"naloxone_distribution": 1e6, "prevention": None})
    assert rows and {r["lever"] for r in rows} == {"naloxone_distribution"}
    assert all(r["source"] for r in rows)


def test_the_map_shows_displacement_on_real_coordinates_offline():
    from borderflow.dashboard import map_answer, map_figure, places
    from borderflow.network import load_network

    net = load_network().compile()
    assert set(net.node_ids) <= set(places())  # every node has a place
    found = map_answer({"poe_inspection": 0.6}, members=8)
    base, lever = np.array(found["status_quo"]["flow"]), np.array(found["scenario"]["flow"])
    assert base.shape == (10, net.n_arcs) and not np.allclose(base, lever)
    fig = map_figure(found, 2030)
    go.Figure(fig)
    assert "geo" not in fig["layout"]  # lon/lat axes and a packaged outline: no fetch


def test_the_dashboards_report_is_the_report():
    from borderflow.dashboard import report_html

    text = report_html({"naloxone_distribution": 2e6}, members=12)
    assert ">dashboard<" in text  # the levers set, as a scenario of the report
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', text)


def test_a_lever_has_its_own_years_and_the_link_keeps_them():
    timing = {"naloxone_distribution": (2027, 2029)}
    scen = load_scenario(scenario_of({"naloxone_distribution": 1e6, "poe_inspection": 0.3},
                                     2025, timing=timing))
    by_kind = {lv.lever: lv for lv in scen.levers}
    assert str(by_kind["naloxone_distribution"].start).startswith("2027")
    assert str(by_kind["naloxone_distribution"].end).startswith("2029")
    assert str(by_kind["poe_inspection"].start).startswith("2025")
    link = permalink({"naloxone_distribution": 1e6}, 2025, 0, None, timing)
    assert parse_permalink(link)[5] == timing
    early = answer({"naloxone_distribution": 5e6}, members=8)
    late = answer({"naloxone_distribution": 5e6}, members=8, timing=timing)
    assert 0 < late["deaths_averted"] < early["deaths_averted"]
