"""The self-contained HTML report, readable by a colleague without the tool.

Built from a :class:`borderflow.api.Comparison` only; plotly.js is embedded once so the
file opens offline. From the top: key findings generated from the numbers (what each
scenario sets, its headline changes with 90 % intervals, what the numbers do not rank,
the caveats that apply), the scenario legend, how far to trust each outcome (from the
baseline's fit to the cited history, :mod:`borderflow.report.fit`), the tables, where
displaced flow goes, the static plans against the dynamic model, the charts (from the
data window's last years), the assumptions, and a footer saying how the file was made.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from datetime import UTC, datetime

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from borderflow.calibration.targets import LAST_YEAR
from borderflow.display import cell, compact, interval
from borderflow.outcomes import METRICS, TABLES
from borderflow.report import findings, plans
from borderflow.report import fit as fitting
from borderflow.report.findings import FLAG
from borderflow.report.fit import Fit

#: First year the scenario charts show: the data window's last five years, so that
#: most of each chart is the projection (2010 onwards is in the fit charts).
FIRST_SHOWN = LAST_YEAR - 4
#: Crossings shown per scenario in "where displaced flow goes".
CROSSINGS_SHOWN = 6

_SERIES = {
    "overdose_deaths": ("Synthetic-opioid (T40.4) overdose deaths", "deaths per year"),
    "encounters": ("Southwest-border encounters (at and between ports)", "per year"),
    "delivered_kg": ("Fentanyl delivered to US markets", "kg per year (pure)"),
    "seizures_lb": ("Fentanyl seized by CBP (at and between ports of entry)",
                    "lb per year (gross)"),
    "mexico_seizures_kg": ("Fentanyl and precursors seized in Mexico",
                           "kg per year (pure fentanyl-equivalent)"),
    "cooperation": ("US-Mexico cooperation index", "0-1, yearly mean"),
}


def fan_chart(annual, variable: str, period: tuple[int, int] | None = None,
              first: int = FIRST_SHOWN, flag: str = "") -> go.Figure:
    """One small fan chart per scenario: median, 50 % and 90 % bands by calendar year.

    From ``first`` (default the data window's last five years) to the period's end,
    every panel with its years labelled and the period's start marked; the baseline's
    median is drawn in every panel (dashed) for comparison. ``flag``: a warning set in
    the title (a badly fitted series). The cooperation chart notes each panel's lowest
    median year in the period.
    """
    title, unit = _SERIES[variable]
    names = [str(s) for s in annual["scenario"].values]
    cols = 2
    rows = math.ceil(len(names) / cols)
    # x axes are not matched: plotly draws matched axes with a set range empty
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=names, shared_yaxes=True,
                        vertical_spacing=0.1 if rows < 4 else 0.05, horizontal_spacing=0.04)
    years = annual["year"].values
    last = int(period[1]) if period is not None else int(years.max())
    keep = (years >= first) & (years <= last)
    years = years[keep]
    base = np.median(annual[variable].isel(scenario=0).values[:, keep], axis=0)
    for i in range(len(names)):
        row, col = i // cols + 1, i % cols + 1
        values = annual[variable].isel(scenario=i).values[:, keep]  # (member, year)
        q = np.quantile(values, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
        for lo, hi, alpha in ((q[0], q[4], 0.15), (q[1], q[3], 0.3)):
            fig.add_trace(go.Scatter(x=years, y=hi, mode="lines", line={"width": 0},
                                     showlegend=False, hoverinfo="skip"), row=row, col=col)
            fig.add_trace(go.Scatter(x=years, y=lo, mode="lines", fill="tonexty", line={"width": 0},
                                     fillcolor=f"rgba(27,79,114,{alpha})", showlegend=False,
                                     hoverinfo="skip"), row=row, col=col)
        fig.add_trace(go.Scatter(x=years, y=q[2], name="median", showlegend=i == 0,
                                 line={"color": "#1b4f72", "width": 2}), row=row, col=col)
        fig.add_trace(go.Scatter(x=years, y=base, name=f"{names[0]} median",
                                 showlegend=i == 0,
                                 line={"color": "#c0392b", "width": 1, "dash": "dash"}),
                      row=row, col=col)
        inside = years >= (period[0] if period is not None else first)
        if variable == "cooperation" and inside.any():  # the period's lowest median year
            k = int(np.flatnonzero(inside)[np.argmin(q[2][inside])])
            fig.add_annotation(x=years[k], y=q[2][k], text=f"lowest {q[2][k]:.2f} ({years[k]})",
                               showarrow=True, arrowhead=2, ay=30, font={"size": 10},
                               row=row, col=col)
    if period is not None:
        fig.add_vline(x=period[0] - 0.5, line={"color": "#888888", "dash": "dot", "width": 1},
                      annotation_text=f"{period[0]}: period starts",
                      annotation_position="top left", annotation_font_size=10,
                      row="all", col="all")
    fig.update_xaxes(showticklabels=True, range=[first - 0.5, last + 0.5], dtick=2,
                     tick0=first)
    if variable == "cooperation":
        fig.update_yaxes(range=[0.0, 1.0])
    else:
        fig.update_yaxes(rangemode="tozero")
    heading = f"{title}, {unit} (bands: 50 % and 90 % of members)"
    if flag:
        heading += f"<br><span style='color:#b9770e'>{FLAG} {flag}</span>"
    fig.update_layout(title=heading, template="plotly_white", height=260 * rows + 140,
                      margin={"t": 110, "b": 70},
                      legend={"orientation": "h", "y": -40 / (260 * rows), "yanchor": "top",
                              "x": 0.0, "xanchor": "left"})
    return fig


#: Monthly cited series drawn behind each target (annualised: x 12), when one exists.
_MONTHLY = {
    "synthetic_opioid_deaths": ("cdc_synthetic_opioid_deaths_monthly",
                                "deaths_synthetic_opioids_t404"),
    "fentanyl_seizures_lb": ("cbp_fentanyl_seizures_monthly", "fentanyl_lb"),
    "southwest_encounters_border_patrol": ("usbp_southwest_encounters_monthly_fy2000",
                                           "border_patrol_encounters"),
    "southwest_encounters_ports_of_entry": ("cbp_southwest_encounters_monthly",
                                            "ports_of_entry"),
}


def history_chart(name: str, simulated, fit: Fit | None = None) -> go.Figure:
    """A calibration target: the baseline ensemble against the cited annual values.

    Median and 90 % band of the posterior predictive (the members' annual values with
    the series' observation noise, as the fit verdict reads them), the cited annual
    values, and the monthly data (annualised) drawn behind; annual values sit in the
    middle of their year; the data window's end is marked. ``fit``: its verdict is set
    in the title.
    """
    from borderflow import data
    from borderflow.calibration.targets import BY_NAME

    target = BY_NAME[name]
    observed = target.observed()
    years = [int(y) for y in simulated["year"].values if target.first_year - 3 <= y <= 2030]
    lo, med, hi = fitting.band(name, simulated, years)
    fig = go.Figure()
    series, column = _MONTHLY[name]
    monthly = data.load(series)
    monthly = monthly[monthly["year"] >= target.first_year - 3]
    when = monthly["year"] + (monthly["month"] - 0.5) / 12
    if target.period == "fiscal":
        when = when + 0.25  # on the fiscal-year axis: October starts the year
    fig.add_trace(go.Scatter(x=when, y=monthly[column] * 12, name="monthly data x 12",
                             mode="lines", line={"color": "#bbbbbb", "width": 1}))
    mid = np.array(years) + 0.5
    fig.add_trace(go.Scatter(x=mid, y=hi, mode="lines", line={"width": 0},
                             showlegend=False, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=mid, y=lo, mode="lines", fill="tonexty", line={"width": 0},
                             fillcolor="rgba(27,79,114,0.2)",
                             name="model 90 % (with observation noise)"))
    fig.add_trace(go.Scatter(x=mid, y=med, mode="lines", name="model median",
                             line={"color": "#1b4f72", "width": 2}))
    fig.add_trace(go.Scatter(x=observed.index + 0.5, y=observed.values, mode="markers",
                             name="cited annual", marker={"color": "#c0392b", "size": 8}))
    fig.add_vline(x=LAST_YEAR + 1, line={"color": "#888888", "dash": "dot", "width": 1},
                  annotation_text=f"data window ends ({target.period} {LAST_YEAR})",
                  annotation_position="top left", annotation_font_size=10)
    title = f"{target.description} ({target.period} years)"
    if fit is not None:
        colour = "#b9770e" if fit.verdict == "badly" else "#555555"
        mark = f"{FLAG} " if fit.verdict == "badly" else ""
        title += (f"<br><span style='font-size:12px;color:{colour}'>{mark}"
                  f"{html.escape(fit.note)}</span>")
    fig.update_layout(title=title, template="plotly_white", height=400, margin={"t": 80},
                      xaxis_title=f"{target.period} year")
    fig.update_xaxes(dtick=2)
    return fig


def change_chart(metrics: dict, metric: str, flag: str = "") -> go.Figure:
    """Paired change against status quo per scenario: median with a 90 % interval.

    ``flag``: a warning set in the title (a badly fitted series).
    """
    names = list(metrics)
    med = [metrics[n][metric]["median"] for n in names]
    lo = [metrics[n][metric]["p05"] for n in names]
    hi = [metrics[n][metric]["p95"] for n in names]
    fig = go.Figure(go.Bar(
        y=names, x=med, orientation="h", marker_color="#1b4f72",
        error_x={"type": "data", "symmetric": False,
                 "array": [h - m for h, m in zip(hi, med, strict=True)],
                 "arrayminus": [m - lo_ for m, lo_ in zip(med, lo, strict=True)]},
    ))
    title = METRICS[metric]
    if flag:
        title += f"<br><span style='font-size:12px;color:#b9770e'>{FLAG} {flag}</span>"
    fig.update_layout(title=title, template="plotly_white",
                      height=100 + 40 * len(names), margin={"t": 80, "l": 200})
    return fig


def _assumptions() -> str:
    """Every parameter with its prior, unit, mechanism and source."""
    from borderflow.model.parameters import PARAMETERS

    rows = "".join(
        f"<tr><td>{html.escape(p.name)}</td><td>{html.escape(p.unit)}</td>"
        f"<td>{p.dist}({p.low:g}, {p.high:g})</td><td>{html.escape(p.mechanism)}</td>"
        f"<td style='text-align:left'>{html.escape(p.source)}</td></tr>"
        for p in PARAMETERS
    )
    return ("<h2>Assumptions</h2><p>Every parameter, its prior, its mechanism and its "
            "source; 'judgement' marks a range set by judgement where no published figure "
            "exists. The calibration (<code>borderflow fit</code>) updates the fitted "
            "ones; the others keep their priors.</p><table><tr><th>parameter"
            "</th><th>unit</th><th>prior</th><th>mechanism</th><th>source</th></tr>"
            f"{rows}</table>")


def _tables(result, fits: Mapping[str, Fit]) -> str:
    """The main job's two tables (the same layout as the CLI's), badly fitted flagged."""
    out = []
    for caption, columns in TABLES:
        flagged = [k for k, _ in columns if fitting.badly(k, fits)]
        head = "".join(
            f"<th>{html.escape(h).replace(chr(10), '<br>')}"
            + (f" <span class='warn' title='rests on a badly fitted series'>{FLAG}</span>"
               if k in flagged else "") + "</th>"
            for k, h in columns)
        rows = "".join(
            f"<tr><th>{html.escape(name)}</th>"
            + "".join(f"<td>{html.escape(cell(k, m.get(k)))}</td>" for k, _ in columns)
            + "</tr>"
            for name, m in result.metrics.items()
        )
        note = ""
        if flagged:
            series = sorted({f.label for k in flagged for f in fitting.for_outcome(k, fits)
                             if f.verdict == "badly"})
            note = (f"<p class='small warn'>{FLAG} rests on a series the baseline fits "
                    f"badly ({html.escape(', '.join(series))}): read with care.</p>")
        out.append(f"<h2>{html.escape(caption)}</h2><table><tr><th>scenario</th>{head}</tr>"
                   f"{rows}</table>{note}")
    return "".join(out)


def _displacement(result, fits: Mapping[str, Fit]) -> str:
    """Per scenario, the crossings whose flow changes most: where displaced flow goes.

    Read from ``result.crossings`` when the result carries it (empty otherwise).
    """
    crossings = getattr(result, "crossings", None) or {}
    first, last = result.period
    seized_flag = (f" <span class='warn'>{FLAG}</span>"
                   if fitting.badly("seizures_lb", fits) else "")
    parts = []
    for name, by_crossing in crossings.items():
        if name == result.baseline or not by_crossing:
            continue
        top = sorted(by_crossing.items(),
                     key=lambda kv: -abs(kv[1]["flow_kg_change"]["median"]))[:CROSSINGS_SHOWN]
        rows = "".join(
            f"<tr><th>{html.escape(str(entry.get('name', cid)))}</th>"
            f"<td>{html.escape(interval(entry['flow_kg'], short=True))}</td>"
            f"<td>{html.escape(_signed(entry['flow_kg_change']))}</td>"
            f"<td>{html.escape(_signed(entry['seizures_kg_change']))}</td></tr>"
            for cid, entry in top)
        shared = result.metrics.get(name, {}).get("flow_displaced_share")
        said = ("" if shared is None else
                f" Share of crossing flow displaced: {interval(shared, share=True)}.")
        parts.append(
            f"<h3>{html.escape(name)}</h3><p>The {len(top)} crossings (of {len(by_crossing)}) "
            f"whose flow changes most against {html.escape(result.baseline)}, {first}&ndash;"
            f"{last}, kg of pure fentanyl, median [90 % interval], paired.{said}</p>"
            f"<table><tr><th>crossing</th><th>sent to it</th><th>change vs "
            f"{html.escape(result.baseline)}</th><th>change in seizures{seized_flag}</th>"
            f"</tr>{rows}</table>")
    if not parts:
        return ""
    return ("<h2>Where displaced flow goes</h2><p>Flow pushed away from one crossing goes to "
            "others; these tables show, per scenario, the crossings that gain or lose the "
            "most.</p>" + "".join(parts))


def _signed(stats: Mapping[str, float]) -> str:
    """``+288 [+159, +1.29k]``: a change with its sign."""
    def one(x: float) -> str:
        text = compact(x)
        return text if text.startswith("-") or text == "0" else "+" + text
    return f"{one(stats['median'])} [{one(stats['p05'])}, {one(stats['p95'])}]"


def _footer(result, command: str | None) -> str:
    """How the file was made: when, by which version and command, from what."""
    from borderflow import __version__

    first, last = result.period
    rows = [
        ("generated", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("borderflow version", str(result.provenance.get("borderflow_version", __version__))
         + ("" if result.provenance.get("borderflow_version", __version__) == __version__
            else f" (rendered by {__version__})")),
        ("command", command if command else "(not recorded: render was called without it)"),
        ("data window", f"cited series through {LAST_YEAR} (calendar years for deaths, "
                        f"fiscal years October-September for CBP counts); later years are "
                        "projections"),
        ("period", f"{first}-{last}"),
        ("members", str(result.members)),
        ("seed", str(result.seed)),
        ("parameters", str(result.parameters)),
    ]
    items = "".join(f"<tr><th>{html.escape(k)}</th><td class='text'>"
                    + (f"<code>{html.escape(v)}</code>" if k == "command" else html.escape(v))
                    + "</td></tr>" for k, v in rows)
    provenance = "; ".join(f"{html.escape(str(k).replace('_', ' '))}: {html.escape(str(v))}"
                           for k, v in result.provenance.items())
    return (f"<footer><h2>About this report</h2><table class='about'>{items}</table>"
            f"<h3>Provenance</h3><p class='small'>What the result was computed from: "
            f"{provenance}</p></footer>")


def _method(result) -> str:
    first, last = result.period
    return f"""<h2>How to read the numbers</h2>
<p>{result.members} ensemble members (seed {result.seed}); parameters:
{html.escape(result.parameters)}. Totals over {first}&ndash;{last}; median with the 90 %
interval (5th&ndash;95th percentile) over members in brackets. Changes are paired: each
member runs every scenario with the same draws, and the change is scenario minus
{html.escape(result.baseline)}. Flow displaced is half the sum over crossings of the absolute
change in each crossing's share of the flow. Deaths averted are opioid overdose deaths (T40.4
plus heroin). Cost per death (encounter) averted is the mean incremental cost (policy plus
trade, paired) over the mean deaths (encounters) averted, both discounted at 3 % a year
from the period's start, with a seeded bootstrap 90 % interval over members (&infin;
where some resamples avert none), shown only where the mean averted is at least one.
Numbers use k (thousand), M (million), B (billion). {FLAG} marks what rests on a series
the baseline fits badly.</p>"""


def render(result, command: str | None = None, *, scenarios=None, network=None) -> str:
    """The report as one HTML string.

    Args:
        result: a :class:`borderflow.api.Comparison`.
        command: the command that produced it (the CLI passes ``" ".join(sys.argv)``),
            shown in the footer.
        scenarios: the scenarios run, ``{name: Scenario}`` or a sequence, to say their
            levers (default: the result's, else the shipped scenario of each name).
        network: the network their places are named from (default: the result's).

    """
    fits = fitting.assess(result.history)
    reads = findings.readings(result, scenarios, network)
    about = findings.descriptions(result, scenarios)

    def flag(outcome: str) -> str:
        bad = [f for f in fitting.for_outcome(outcome, fits) if f.verdict == "badly"]
        return "; ".join(f.note for f in bad)

    fan = {"overdose_deaths": "deaths_averted", "seizures_lb": "seizures_lb",
           "encounters": "encounters"}
    figures = [fan_chart(result.annual, v, result.period, flag=flag(fan.get(v, "")))
               for v in _SERIES if v in result.annual] + [
        change_chart(result.metrics, m, flag=flag(m))
        for m in ("deaths_averted", "kg_delivered_us_vs_status_quo",
                  "seizures_lb_vs_status_quo", "flow_displaced_share")
    ] + [history_chart(name, values, fits.get(name)) for name, values in result.history.items()]
    plan_html, plan_figures = plans.section(result)
    # plotly.js once, with the first chart on the page (the plans' come first)
    ordered = plan_figures + figures
    html_of = [pio.to_html(fig, full_html=False, include_plotlyjs=(i == 0))
               for i, fig in enumerate(ordered)]
    plan_html += "".join(html_of[:len(plan_figures)])
    parts = html_of[len(plan_figures):]
    first, last = result.period
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>borderflow report</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1400px;margin:2em auto;padding:0 1em}}
table{{border-collapse:collapse;font-size:0.9em}}td,th{{border:1px solid #ccc;padding:4px 8px;
text-align:right}}th:first-child{{text-align:left}}td.text{{text-align:left}}
table.legend th,table.about th{{text-align:left}}
.warn{{color:#b9770e}}.small{{font-size:0.85em;color:#555}}p.finding{{max-width:75em;
line-height:1.45}}footer{{margin-top:3em;border-top:1px solid #ccc}}</style></head><body>
<h1>borderflow: scenarios against {html.escape(result.baseline)}, {first}&ndash;{last}</h1>
<h2>Key findings</h2>
{findings.key_findings(result, fits, reads)}
{findings.legend(result, reads, about, findings.from_shipped(result, scenarios))}
{findings.notes_html(fits)}
{_method(result)}
{_tables(result, fits)}
{_displacement(result, fits)}
{plan_html}
<h2>Charts</h2>
<p class='small'>Scenario charts start in {FIRST_SHOWN}, the data window's last years (the fit
charts below show the whole fitted history); the dotted line marks the period's start.</p>
{''.join(parts)}
{_assumptions()}
{_footer(result, command)}
</body></html>
"""
