"""The report's words: key findings, caveats, the scenario legend and confidence notes.

Every sentence is generated from the comparison's numbers and says only what they
support: a change whose 90 % interval spans zero is "not distinguishable from none";
one scenario is said to avert more deaths than another only where most paired members
agree (:data:`RANKED`, as ``borderflow compare`` counts them); a series the baseline
fits badly is flagged wherever an outcome rests on it (:mod:`borderflow.report.fit`).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from itertools import pairwise
from pathlib import Path

import numpy as np

from borderflow.display import compact, money
from borderflow.report import fit as fitting
from borderflow.report.fit import Fit
from borderflow.results import share_better, summarize

#: Share of paired members in which one scenario must avert more deaths than another
#: for the report to rank them (judgement: four in five, ``borderflow compare``'s
#: "likely"; below it the report says they are not ranked).
RANKED = 0.8
#: Fewer members than this make the 5th and 95th percentiles rest on a handful of
#: members each (judgement: 100 members put five beyond each percentile).
FEW_MEMBERS = 100
#: The flag set after whatever rests on a badly fitted series.
FLAG = "⚠"

_DEATHS_LABEL = "opioid overdose deaths"


# -- numbers ------------------------------------------------------------------------


def spans_zero(stats: Mapping[str, float], tolerance: float = 0.0) -> bool:
    """Whether the 90 % interval holds zero (or every value is within ``tolerance``)."""
    if max(abs(stats["p05"]), abs(stats["p95"])) <= tolerance:
        return True
    return stats["p05"] <= 0.0 <= stats["p95"]


def paired(result, variable: str, how: str = "sum") -> dict[str, np.ndarray]:
    """Per member, each scenario minus the baseline over the period (from ``annual``).

    ``how``: ``sum`` (a total over the period's years) or ``mean`` (a yearly mean, for
    the cooperation index). Empty when ``annual`` lacks the variable.
    """
    annual = result.annual
    if variable not in annual:
        return {}
    first, last = result.period
    values = annual[variable].sel(year=slice(first, last))
    per = values.sum("year") if how == "sum" else values.mean("year")
    base = per.sel(scenario=result.baseline).values
    return {str(s): per.sel(scenario=s).values - base
            for s in annual["scenario"].values if str(s) != result.baseline}


def _span(stats: Mapping[str, float], fmt=compact, sign: float = 1.0) -> str:
    lo, hi = sorted((sign * stats["p05"], sign * stats["p95"]))
    return f"90 % interval {fmt(lo)} to {fmt(hi)}"


def _change(label: str, stats: Mapping[str, float] | None, unit: str = "",
            tolerance: float = 0.5, fmt=compact) -> str | None:
    """``label rises by X unit (90 % interval ...)`` or says it is not distinguishable."""
    if stats is None:
        return None
    unit = f" {unit}" if unit else ""
    if max(abs(stats["p05"]), abs(stats["p95"])) <= tolerance:
        return f"{label}: unchanged"
    if spans_zero(stats):
        return (f"{label}: not distinguishable from no change ({fmt(stats['median'])}{unit}, "
                f"{_span(stats, fmt)})")
    if stats["p05"] > 0:
        return f"{label} rises by {fmt(stats['median'])}{unit} ({_span(stats, fmt)})"
    return (f"{label} falls by {fmt(-stats['median'])}{unit} "
            f"({_span(stats, fmt, sign=-1.0)})")


def _share(x: float) -> str:
    """A change of a 0-1 index: two decimals (the sentence says which way)."""
    return f"{x:.2f}" if x else "0"


# -- what each scenario is ------------------------------------------------------------


def _given(result, scenarios=None) -> dict:
    """The scenarios passed, else those the result carries: ``{name: Scenario}``."""
    given = scenarios if scenarios is not None else getattr(result, "scenarios", None)
    if given is not None and not isinstance(given, Mapping):
        given = {s.name: s for s in given}
    return dict(given or {})


def from_shipped(result, scenarios=None) -> list[str]:
    """Scenarios whose levers are read from the shipped scenario of their name.

    The result does not carry them and none were passed: a user's file of the same
    name would differ, so the report says so.
    """
    from borderflow.policy import shipped_names

    known = _given(result, scenarios)
    shipped = set(shipped_names())
    return [n for n in result.metrics if n not in known and n in shipped]


def readings(result, scenarios=None, network=None) -> dict[str, list | None]:
    """Each scenario's lever readings (:func:`~borderflow.policy.reading.read_levers`).

    ``scenarios``: ``{name: Scenario}`` or a sequence of scenarios (default: the
    result's ``scenarios`` if it carries them, else the shipped scenario of each name).
    ``network``: the network the places are named from (default: the one the result
    was run on, by its provenance). None for a scenario whose levers are not known.
    """
    from borderflow.network import DEFAULT_NETWORK_SOURCE, load_network
    from borderflow.policy import load_scenario, shipped_names
    from borderflow.policy.reading import read_levers

    known = _given(result, scenarios)
    shipped = set(shipped_names())
    if network is None:
        source = str(result.provenance.get("network", DEFAULT_NETWORK_SOURCE))
        network = (load_network(source) if source != DEFAULT_NETWORK_SOURCE
                   and Path(source).is_file() else load_network())
    out: dict[str, list | None] = {}
    for name in result.metrics:
        scen = known.get(name)
        if scen is None and name in shipped:
            scen = load_scenario(name)
        out[name] = None if scen is None else read_levers(scen, network)
    return out


def descriptions(result, scenarios=None) -> dict[str, str]:
    """Each scenario's description, where known (as :func:`readings` finds them)."""
    from borderflow.policy import load_scenario, shipped_names

    known = _given(result, scenarios)
    shipped = set(shipped_names())
    out = {}
    for name in result.metrics:
        scen = known.get(name) or (load_scenario(name) if name in shipped else None)
        out[name] = "" if scen is None else scen.description
    return out


def _what(name: str, reads: list | None) -> str:
    if reads is None:
        return "levers not recorded in the result (not a shipped scenario)"
    if not reads:
        return "no lever"
    return "; ".join(r.line + "".join(f" — {FLAG} {w}" for w in r.warnings) for r in reads)


# -- key findings ---------------------------------------------------------------------


def _deaths(metrics: Mapping, fits: Mapping[str, Fit]) -> str:
    da = metrics.get("deaths_averted")
    if da is None:
        return "deaths averted were not computed"
    flag = f" {FLAG} deaths fitted badly" if fitting.badly("deaths_averted", fits) else ""
    if max(abs(da["p05"]), abs(da["p95"])) < 0.5:
        return f"it leaves {_DEATHS_LABEL} unchanged (under one death either way){flag}"
    if spans_zero(da):
        text = (f"its effect on {_DEATHS_LABEL} is not distinguishable from none "
                f"({compact(da['median'])} averted, {_span(da)}){flag}")
        return text
    if da["p05"] > 0:
        text = f"it averts {compact(da['median'])} {_DEATHS_LABEL} ({_span(da)}){flag}"
        cost = metrics.get("cost_per_death_averted_usd")
        if cost and cost.get("value") is not None:
            hi = "∞" if cost.get("p95") is None else money(cost["p95"])
            lo = "∞" if cost.get("p05") is None else money(cost["p05"])
            text += (f", at {money(cost['value'])} per death averted (90 % interval {lo} to "
                     f"{hi}; discounted cost over discounted deaths averted)")
        elif cost and cost.get("reason"):
            text += f" (cost per death averted not computed: {cost['reason']})"
        return text
    return (f"it adds {compact(-da['median'])} {_DEATHS_LABEL} "
            f"({_span(da, sign=-1.0)}){flag}")


def scenario_finding(name: str, result, reads: list | None, fits: Mapping[str, Fit],
                     encounters: np.ndarray | None = None,
                     cooperation: np.ndarray | None = None) -> str:
    """One scenario's key-findings paragraph (HTML, without the ``<p>``)."""
    metrics = result.metrics[name]
    first, last = result.period
    sentences = [
        f"<b>{html.escape(name)}</b> ({html.escape(_what(name, reads))}). Over "
        f"{first}&ndash;{last}, against {html.escape(result.baseline)} and paired member by "
        f"member, {html.escape(_deaths(metrics, fits))}."]
    kg = _change("Fentanyl delivered to US markets", metrics.get(
        "kg_delivered_us_vs_status_quo"), "kg of pure fentanyl")
    if kg:
        sentences.append(html.escape(kg) + ".")
    if encounters is not None:
        flag = f" {FLAG}" if fitting.badly("encounters", fits) else ""
        sentences.append(html.escape(_change("The number of southwest-border encounters", summarize(
            encounters)) + flag) + ".")
    coop = []
    if cooperation is not None:
        coop.append(_change("The cooperation index (0-1, mean over the period)",
                            summarize(cooperation), tolerance=0.005, fmt=_share))
    lowest = metrics.get("cooperation_lowest")
    if lowest is not None:
        base = result.metrics.get(result.baseline, {}).get("cooperation_lowest")
        text = (f"its lowest month averages {lowest['median']:.2f} (90 % interval "
                f"{lowest['p05']:.2f} to {lowest['p95']:.2f})")
        if base is not None:
            text += f", against {base['median']:.2f} under {result.baseline}"
        coop.append(text)
    if coop:
        sentences.append(html.escape("; ".join(c for c in coop if c)) + ".")
    return " ".join(sentences)


def ranking(result, fits: Mapping[str, Fit]) -> str | None:
    """Which scenarios the numbers rank on deaths averted, and which they do not.

    Only scenarios whose deaths averted are distinguishable from none are ranked, in
    order of their medians; each is said to avert more than the next only where it
    does in at least :data:`RANKED` of the paired members, and every pair is given
    with that share and its paired difference.
    """
    names = [n for n in result.metrics if n != result.baseline]
    if len(names) < 2:
        return None
    stats = {n: result.metrics[n].get("deaths_averted") for n in names}
    stats = {n: s for n, s in stats.items() if s is not None}
    clear = sorted((n for n, s in stats.items() if not spans_zero(s, tolerance=0.5)),
                   key=lambda n: -stats[n]["median"])
    unclear = [n for n in stats if n not in clear]
    deaths = paired(result, "opioid_overdose_deaths")
    parts = []
    if not clear:
        return ("No scenario's effect on deaths is distinguishable from none, so none is "
                "ranked on deaths.")
    for a, b in pairwise(clear):
        if a not in deaths or b not in deaths:
            parts.append(f"{a} and {b} are not ranked on deaths: no paired members")
            continue
        share = share_better(deaths[a], deaths[b])  # fewer deaths than the other
        diff = summarize(deaths[b] - deaths[a])
        said = (f"in {100 * share:.0f} % of paired members (paired, {a} averts "
                f"{compact(diff['median'])} more, {_span(diff)})")
        if share >= RANKED:
            parts.append(f"{a} averts more deaths than {b} {said}")
        else:
            parts.append(f"{a} and {b} are not ranked on deaths: {a} averts more only {said}")
    text = "; ".join(parts) + "." if parts else ""
    if unclear:
        text += (f" {', '.join(unclear)}: no effect on deaths distinguishable from none, "
                 "so not ranked.")
    if fitting.badly("deaths_averted", fits):
        text += f" {FLAG} The deaths series is fitted badly: read these rankings with care."
    return html.escape(text.strip())


def caveats(result, fits: Mapping[str, Fit], reads: Mapping[str, list | None]) -> list[str]:
    """The caveats that apply to this result (plain text, one a bullet)."""
    out = []
    ranked = sorted(fits.values(), key=lambda f: (fitting._ORDER[f.verdict], f.median_error))
    bad = [f for f in ranked if f.verdict == "badly"]
    if bad:
        worst = bad[-1]
        out.append(f"{FLAG} {worst.label[0].upper() + worst.label[1:]} are the worst-fitted "
                   f"series ({worst.inside} of {worst.years} {worst.period} years inside the "
                   f"model's 90 % band, median error {100 * worst.median_error:.0f} %): read "
                   "every result that rests on them with care; they are flagged "
                   f"{FLAG} in the tables and charts.")
        for f in bad[:-1]:
            out.append(f"{FLAG} {f.note}.")
    elif fits:
        out.append("Every observed series is fitted at least fairly (see the confidence "
                   "notes).")
    else:
        out.append("This result carries no fit information: how well the baseline "
                   "reproduces the history is not known here.")
    out.append("Fentanyl delivered and the cooperation index are not observed by any "
               "calibration target: delivered kilograms rest on the fitted deaths and "
               "seizures and on the bound of under 10 t pure consumed in 2021 (Kilmer et al. "
               "2022); cooperation rests on its priors and the policy calendar.")
    out.append("Costs use the levers' unit-cost priors, which no data inform (`borderflow "
               "scenarios --json` lists them with their sources).")
    out.append("Intervals are over ensemble members, the model's parameter uncertainty; "
               "they leave out errors in the model's structure.")
    if result.members < FEW_MEMBERS:
        beyond = max(1, result.members // 20)
        out.append(f"Only {result.members} members: about {beyond} member"
                   f"{'s lie' if beyond > 1 else ' lies'} beyond each 5th or 95th percentile; "
                   "rerun with more (e.g. --members 500) before quoting intervals.")
    if "prior" in str(result.parameters).lower() and "posterior" not in str(
            result.parameters).lower():
        out.append("The members are prior draws, not the calibrated posterior: the "
                   "history does not constrain them.")
    warned = [n for n, r in reads.items() if r and any(x.warnings for x in r)]
    if warned:
        out.append(f"{FLAG} Levers set outside their plausible range or weakening the "
                   f"status quo: {', '.join(warned)} (see the scenario legend).")
    unknown = [n for n, r in reads.items() if r is None]
    if unknown:
        out.append(f"Levers not recorded for {', '.join(unknown)}: the result does not "
                   "carry them and no shipped scenario has the name.")
    return out


def confidence_notes(fits: Mapping[str, Fit]) -> list[tuple[str, str]]:
    """``(outcome group, note)`` per reported outcome, from the fit or its absence."""
    def notes(outcome: str) -> str:
        found = fitting.for_outcome(outcome, fits)
        if not found:
            return "no fit information in this result"
        return "; ".join(f.note for f in found)

    return [
        ("Deaths (and deaths averted, cost per death averted)", notes("deaths_averted")),
        ("CBP seizures", notes("seizures_lb")),
        ("Encounters (and cost per encounter averted)", notes("encounters")),
        ("Fentanyl delivered to US markets (kg)", fitting.UNOBSERVED["kg_delivered_us"]),
        ("Seizures in Mexico", fitting.UNOBSERVED["mexico_seizures_kg"]),
        ("Cooperation", fitting.UNOBSERVED["cooperation"]),
        ("Gun homicides in Mexico", fitting.UNOBSERVED["gun_homicides_mexico"]),
        ("Policy and trade costs", fitting.UNOBSERVED["policy_cost_usd"]),
    ]


def key_findings(result, fits: Mapping[str, Fit], reads: Mapping[str, list | None]) -> str:
    """The key-findings section: a paragraph per scenario, the ranking, the caveats."""
    encounters = paired(result, "encounters")
    cooperation = paired(result, "cooperation", how="mean")
    names = [n for n in result.metrics if n != result.baseline]
    paragraphs = [
        f"<p class='finding'>{scenario_finding(n, result, reads.get(n), fits, encounters.get(n), cooperation.get(n))}</p>"  # noqa: E501
        for n in names]
    if not names:
        paragraphs.append(f"<p class='finding'>Only the baseline ({html.escape(result.baseline)})"
                          " was run: there is no change to report.</p>")
    ranked = ranking(result, fits)
    if ranked:
        paragraphs.append(f"<p class='finding'>{ranked}</p>")
    bullets = "".join(f"<li>{_code(html.escape(c))}</li>" for c in caveats(result, fits, reads))
    return "".join(paragraphs) + f"<h3>Caveats</h3><ul class='caveats'>{bullets}</ul>"


def _code(text: str) -> str:
    """Backticked spans as ``<code>``."""
    parts = text.split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def legend(result, reads: Mapping[str, list | None], about: Mapping[str, str],
           shipped: list[str] | None = None) -> str:
    """The scenario legend: each scenario's name, description and lever readings.

    ``shipped``: the scenarios whose levers were read from the shipped scenario of
    their name (:func:`from_shipped`), said under the table.
    """
    rows = []
    for name in result.metrics:
        found = reads.get(name)
        if found is None:
            lines = "<i>levers not recorded</i>"
        elif not found:
            lines = "<i>no lever</i>"
        else:
            lines = "<br>".join(
                html.escape(r.line) + "".join(
                    f"<br><span class='warn'>{FLAG} {html.escape(w)}</span>" for w in r.warnings)
                for r in found)
        rows.append(f"<tr><th>{html.escape(name)}</th><td class='text'>"
                    f"{html.escape(about.get(name, ''))}</td><td class='text'>{lines}</td></tr>")
    note = ""
    if shipped:
        note = ("<p class='small'>The levers and descriptions of "
                f"{html.escape(', '.join(shipped))} are those of the shipped scenarios of "
                "these names: the result does not carry the scenarios it ran.</p>")
    return ("<h2>Scenarios</h2><p>What each scenario sets, as the model read each lever "
            "(in its unit, with its places and months).</p><table class='legend'><tr>"
            "<th>scenario</th><th>description</th><th>levers as read</th></tr>"
            f"{''.join(rows)}</table>{note}")


def notes_html(fits: Mapping[str, Fit]) -> str:
    """The confidence note of each outcome, as a list."""
    items = "".join(
        f"<li><b>{html.escape(group)}</b>: {html.escape(note)}</li>"
        for group, note in confidence_notes(fits))
    thresholds = (f"Fitted well: median error at most {100 * fitting.WELL_ERROR:.0f} % and "
                  f"at least {100 * fitting.WELL_INSIDE:.0f} % of observed years inside the "
                  "90 % band of the posterior predictive (the members' values with the "
                  "series' observation noise, as <code>borderflow fit</code> draws it); "
                  f"fitted badly: median error over {100 * fitting.BAD_ERROR:.0f} % or "
                  f"fewer than {100 * fitting.BAD_INSIDE:.0f} % of years inside; fairly "
                  "otherwise (thresholds are judgement).")
    return (f"<h2>How far to trust each outcome</h2><ul>{items}</ul>"
            f"<p class='small'>{thresholds}</p>")


__all__ = ["caveats", "confidence_notes", "descriptions", "from_shipped", "key_findings",
           "legend", "notes_html", "paired", "ranking", "readings", "scenario_finding"]
