"""The HTML report reads without the tool: findings, legend, confidence, footer, charts."""

from __future__ import annotations

import dataclasses
import html
import re
from types import SimpleNamespace

import numpy as np
import pytest
import xarray as xr

import borderflow
from borderflow.calibration.targets import BY_NAME, LAST_YEAR
from borderflow.display import compact
from borderflow.report import fan_chart, render
from borderflow.report import findings as words
from borderflow.report import fit as fitting

COMMAND = "borderflow run naloxone_distribution --members 20 --report out.html"


@pytest.fixture(scope="module")
def result():
    return borderflow.compare(["naloxone_distribution"], members=20)


@pytest.fixture(scope="module")
def page(result):
    return render(result, command=COMMAND)


def text_of(fragment: str) -> str:
    """The visible text of an HTML fragment."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def first_paragraph(page: str) -> str:
    body = page[page.index("<body>"):]
    start = body.index("<p")
    return text_of(body[start:body.index("</p>", start)])


def test_the_first_paragraph_says_what_the_scenario_is_and_does(result, page):
    first = first_paragraph(page)
    assert first.startswith("naloxone_distribution (naloxone_distribution: +5M kits/yr from "
                            "2025-01)")
    averted = result.metrics["naloxone_distribution"]["deaths_averted"]
    assert averted["p05"] > 0  # the statement below is the one for a clear effect
    assert f"it averts {compact(averted['median'])} opioid overdose deaths" in first
    assert f"90 % interval {compact(averted['p05'])} to {compact(averted['p95'])}" in first
    assert "per death averted" in first


def test_an_effect_whose_interval_spans_zero_is_said_to_be_none(result):
    metrics = {k: dict(v) for k, v in result.metrics.items()}
    metrics["naloxone_distribution"]["deaths_averted"] = {
        "median": 120.0, "p05": -300.0, "p95": 900.0}
    first = first_paragraph(render(dataclasses.replace(result, metrics=metrics)))
    assert "is not distinguishable from none" in first
    assert "it averts" not in first and "per death averted" not in first


def test_a_fraction_of_a_death_is_said_as_unchanged(result):
    metrics = {k: dict(v) for k, v in result.metrics.items()}
    metrics["naloxone_distribution"]["deaths_averted"] = {
        "median": 0.003, "p05": 0.001, "p95": 0.005}
    first = first_paragraph(render(dataclasses.replace(result, metrics=metrics)))
    assert "it leaves opioid overdose deaths unchanged" in first and "averts" not in first


def test_the_footer_says_how_the_file_was_made(result, page):
    footer = text_of(page[page.index("<footer>"):page.index("</footer>")])
    assert f"borderflow version{borderflow.__version__}" in footer
    assert COMMAND in footer
    assert f"cited series through {LAST_YEAR}" in footer
    assert f"seed{result.seed}" in footer and f"members{result.members}" in footer
    assert f"model hash: {result.provenance['model_hash']}" in footer
    assert re.search(r"generated\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", footer)


def test_without_a_command_the_footer_says_so(result):
    assert "(not recorded" in render(result)


def test_scenario_charts_start_in_the_data_windows_last_years(result):
    fig = fan_chart(result.annual, "overdose_deaths", result.period)
    low, high = fig.layout.xaxis.range
    assert 2018 <= low < LAST_YEAR and high >= result.period[1]
    axes = [getattr(fig.layout, k) for k in fig.layout if k.startswith("xaxis")]
    assert len(axes) == 2 and all(a.showticklabels for a in axes)  # every panel's years
    assert {s.x0 for s in fig.layout.shapes} == {result.period[0] - 0.5}  # period start
    assert min(min(t.x) for t in fig.data) >= low


def test_the_page_marks_the_period_and_notes_cooperations_lowest_point(page):
    assert "2025: period starts" in page
    assert "US-Mexico cooperation index" in page and re.search(r"lowest 0\.\d\d \(20\d\d\)", page)


def test_the_legend_names_each_scenario_with_its_description_and_levers(page):
    legend = text_of(page[page.index("<h2>Scenarios</h2>"):page.index("How far to trust")])
    assert "5 million more naloxone kits distributed each year" in legend
    assert "naloxone_distribution: +5M kits/yr from 2025-01" in legend
    assert "status_quo" in legend and "no lever" in legend


def test_a_badly_fitted_series_is_flagged_where_it_appears(result):
    history = dict(result.history)
    history["synthetic_opioid_deaths"] = history["synthetic_opioid_deaths"] * 2.0
    fits = fitting.assess(history)
    assert fits["synthetic_opioid_deaths"].verdict == "badly"
    page = render(dataclasses.replace(result, history=history))
    first = first_paragraph(page)
    assert "⚠ deaths fitted badly" in first
    notes = text_of(page[page.index("How far to trust"):page.index("How to read")])
    assert "synthetic-opioid deaths (CDC T40.4): fitted badly" in notes
    assert "read with care" in notes
    head = page[page.index("<h2>Deaths and supply</h2>"):]
    head = head[:head.index("</tr>")]
    # T40.4 and all-opioid deaths and deaths averted; CBP seizures as their own fit says
    seizures = fits["fentanyl_seizures_lb"].verdict == "badly"
    assert head.count("⚠") == 3 + seizures


def test_the_real_fit_flags_what_it_finds_bad(result, page):
    fits = fitting.assess(result.history)
    assert set(fits) == set(result.history)
    caveats = text_of(page[page.index("<h3>Caveats</h3>"):page.index("<h2>Scenarios</h2>")])
    bad = [f for f in fits.values() if f.verdict == "badly"]
    for f in bad:
        assert f.label in caveats or f.label[0].upper() + f.label[1:] in caveats
    if not bad:
        assert "fitted at least fairly" in caveats


def test_the_verdict_follows_the_data():
    target = BY_NAME["synthetic_opioid_deaths"]
    observed = target.observed()
    rng = np.random.default_rng(3)
    years = list(observed.index)
    close = observed.values[None, :] * rng.normal(1.0, 0.01, (200, len(years)))
    sim = xr.DataArray(close, dims=("member", "year"), coords={"year": years})
    good = fitting.assess({target.name: sim})[target.name]
    assert good.verdict == "well" and good.inside >= 0.9 * good.years
    bad = fitting.assess({target.name: sim * 1.6})[target.name]
    assert bad.verdict == "badly" and bad.median_error > fitting.BAD_ERROR
    assert "fitted badly" in bad.note and "read with care" in bad.note


def _stub(metrics: dict, deaths: dict | None = None) -> SimpleNamespace:
    """A comparison with these metrics and, per scenario, per-member deaths a year."""
    deaths = {"status_quo": np.full(5, 100.0), **(deaths or {})}
    annual = xr.Dataset({"opioid_overdose_deaths": (
        ("scenario", "member", "year"),
        np.stack([np.repeat(v[:, None], 10, axis=1) / 10 for v in deaths.values()]))},
        coords={"scenario": list(deaths), "year": np.arange(2025, 2035)})
    return SimpleNamespace(metrics={"status_quo": {}, **metrics}, baseline="status_quo",
                           annual=annual, period=(2025, 2034))


def test_scenarios_are_ranked_only_where_paired_members_agree():
    a = {"deaths_averted": {"median": 1000.0, "p05": 400.0, "p95": 1600.0}}
    b = {"deaths_averted": {"median": 900.0, "p05": 350.0, "p95": 1500.0}}
    # a averts more than b in 3 of 5 members: not ranked
    said = words.ranking(_stub({"a": a, "b": b}, {
        "a": np.array([90.0, 90.0, 90.0, 95.0, 95.0]),
        "b": np.array([92.0, 92.0, 92.0, 93.0, 93.0])}), {})
    assert "a and b are not ranked on deaths: a averts more only in 60 % of paired" in said
    # in every member: ranked, with the share
    said = words.ranking(_stub({"a": a, "b": b}, {
        "a": np.array([90.0, 90.0, 90.0, 90.0, 90.0]),
        "b": np.array([92.0, 93.0, 92.0, 93.0, 99.0])}), {})
    assert "a averts more deaths than b in 100 % of paired members" in said
    z = {"deaths_averted": {"median": 10.0, "p05": -50.0, "p95": 80.0}}
    said = words.ranking(_stub({"a": a, "z": z}), {})
    assert "z: no effect on deaths distinguishable from none, so not ranked" in said
    tiny = {"deaths_averted": {"median": 0.003, "p05": 0.001, "p95": 0.005}}
    assert "tiny: no effect" in words.ranking(_stub({"a": a, "tiny": tiny}), {})
    assert "No scenario's effect" in words.ranking(_stub({"z": z, "tiny": tiny}), {})


def test_where_displaced_flow_goes(result, page):
    crossings = getattr(result, "crossings", None)
    if not crossings:
        pytest.skip("this Comparison carries no per-crossing changes yet")
    section = text_of(page[page.index("Where displaced flow goes"):page.index("<h2>Charts")])
    top = next(iter(crossings["naloxone_distribution"].values()))
    assert top["name"] in section
    assert "Where displaced flow goes" not in render(dataclasses.replace(result, crossings={}))


def test_the_report_is_self_contained(page):
    assert not re.search(r'<(script|link)[^>]+(src|href)="?https?://', page)
    assert len(re.findall(r"\* plotly\.js v\d", page)) == 1  # the library, once
