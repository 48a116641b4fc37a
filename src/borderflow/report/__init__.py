"""The self-contained HTML report: the comparison table and a fan chart per metric.

Built from a :class:`borderflow.api.Comparison` only; plotly.js is embedded once so the
file opens offline.
"""

from __future__ import annotations

import html
import math

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from borderflow.display import cell
from borderflow.outcomes import METRICS, TABLES
from borderflow.report import plans

_SERIES = {
    "overdose_deaths": ("Synthetic-opioid (T40.4) overdose deaths", "deaths per year"),
    "encounters": ("Southwest-border encounters (at and between ports)", "per year"),
    "delivered_kg": ("Fentanyl delivered to US markets", "kg per year (pure)"),
    "seizures_lb": ("Fentanyl seized by CBP (at and between ports of entry)",
                    "lb per year (gross)"),
    "mexico_seizures_kg": ("Fentanyl and precursors seized in Mexico",
                           "kg per year (pure fentanyl-equivalent)"),
}


def fan_chart(annual, variable: str) -> go.Figure:
    """One small fan chart per scenario: median, 50 % and 90 % bands by calendar year.

    Status quo's median is drawn in every panel (dashed) for comparison.
    """
    title, unit = _SERIES[variable]
    names = [str(s) for s in annual["scenario"].values]
    cols = 2
    rows = math.ceil(len(names) / cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=names, shared_xaxes=True,
                        shared_yaxes=True, vertical_spacing=0.06, horizontal_spacing=0.04)
    years = annual["year"].values
    base = np.median(annual[variable].isel(scenario=0).values, axis=0)
    for i in range(len(names)):
        row, col = i // cols + 1, i % cols + 1
        values = annual[variable].isel(scenario=i).values  # (member, year)
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
    fig.update_yaxes(rangemode="tozero")
    fig.update_layout(title=f"{title}, {unit} (bands: 50 % and 90 % of members)",
                      template="plotly_white", height=230 * rows + 80, margin={"t": 90},
                      legend={"orientation": "h", "y": 1.0, "yanchor": "bottom",
                              "x": 1.0, "xanchor": "right"})
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


def history_chart(name: str, simulated) -> go.Figure:
    """A calibration target: the ensemble against the cited annual values.

    Median and 90 % band of the annual totals, the cited annual values, and the monthly
    data (annualised) drawn behind; annual values sit in the middle of their year.
    """
    from borderflow import data
    from borderflow.calibration.targets import BY_NAME

    target = BY_NAME[name]
    observed = target.observed()
    years = [y for y in simulated["year"].values if target.first_year - 3 <= y <= 2030]
    lo, med, hi = np.quantile(simulated.sel(year=years).values, [0.05, 0.5, 0.95], axis=0)
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
                             fillcolor="rgba(27,79,114,0.2)", name="model 90 %"))
    fig.add_trace(go.Scatter(x=mid, y=med, mode="lines", name="model median",
                             line={"color": "#1b4f72", "width": 2}))
    fig.add_trace(go.Scatter(x=observed.index + 0.5, y=observed.values, mode="markers",
                             name="cited annual", marker={"color": "#c0392b", "size": 8}))
    fig.update_layout(title=f"{target.description} ({target.period} years)",
                      template="plotly_white", height=380, margin={"t": 60},
                      xaxis_title=f"{target.period} year")
    return fig


def change_chart(metrics: dict, metric: str) -> go.Figure:
    """Paired change against status quo per scenario: median with a 90 % interval."""
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
    fig.update_layout(title=METRICS[metric], template="plotly_white",
                      height=80 + 40 * len(names), margin={"t": 60, "l": 200})
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


def _tables(result) -> str:
    """The main job's two tables (the same layout as the CLI's)."""
    out = []
    for caption, columns in TABLES:
        head = "".join(f"<th>{html.escape(h).replace(chr(10), '<br>')}</th>"
                       for _, h in columns)
        rows = "".join(
            f"<tr><th>{html.escape(name)}</th>"
            + "".join(f"<td>{html.escape(cell(k, m[k]))}</td>" for k, _ in columns)
            + "</tr>"
            for name, m in result.metrics.items()
        )
        out.append(f"<h2>{html.escape(caption)}</h2><table><tr><th>scenario</th>{head}</tr>"
                   f"{rows}</table>")
    return "".join(out)


def render(result) -> str:
    """The report as one HTML string."""
    figures = [fan_chart(result.annual, v) for v in _SERIES] + [
        change_chart(result.metrics, m)
        for m in ("deaths_averted", "kg_delivered_us_vs_status_quo",
                  "seizures_lb_vs_status_quo", "flow_displaced_share")
    ] + [history_chart(name, values) for name, values in result.history.items()]
    plan_html, plan_figures = plans.section(result)
    # plotly.js once, with the first chart on the page (the plans' come first)
    ordered = plan_figures + figures
    html_of = [pio.to_html(fig, full_html=False, include_plotlyjs=(i == 0))
               for i, fig in enumerate(ordered)]
    plan_html += "".join(html_of[:len(plan_figures)])
    parts = html_of[len(plan_figures):]
    first, last = result.period
    provenance = "; ".join(f"{html.escape(str(k).replace('_', ' '))}: "
                           f"{html.escape(str(v))}" for k, v in result.provenance.items())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>borderflow report</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1400px;margin:2em auto;padding:0 1em}}
table{{border-collapse:collapse;font-size:0.9em}}td,th{{border:1px solid #ccc;padding:4px 8px;
text-align:right}}th:first-child{{text-align:left}}</style></head><body>
<h1>borderflow: scenarios against {html.escape(result.baseline)}</h1>
<p>{result.members} ensemble members (seed {result.seed}); parameters:
{html.escape(result.parameters)}. Totals over {first}&ndash;{last}; median with the 90 %
interval (5th&ndash;95th percentile) over members in brackets. Changes are paired: each
member runs every scenario with the same draws, and the change is scenario minus
status quo. Flow displaced is half the sum over crossings of the absolute change in
each crossing's share of the flow. Deaths averted are opioid overdose deaths (T40.4 plus
heroin). Cost per death (encounter) averted is the mean incremental cost (policy plus
trade, paired) over the mean deaths (encounters) averted, both discounted at 3 % a year
from the period's start, with a seeded bootstrap 90 % interval over members (&infin;
where some resamples avert none), shown only where the mean averted is at least one.
Numbers use k (thousand), M (million), B (billion).</p>
{_tables(result)}
{plan_html}
{''.join(parts)}
{_assumptions()}
<h2>Provenance</h2>
<p>{provenance}</p>
</body></html>
"""
