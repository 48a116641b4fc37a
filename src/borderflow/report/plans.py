"""The report's "static promise against the dynamic model" section, for optimiser plans.

A plan from ``borderflow optimize --scenario-out`` promises, on the static network, a
cut in the max flow or in the evader's chance of getting through. The dynamic model
runs the same plan while traffickers reroute, learn the new risks and rebuild labs. The
gap between the two is the lesson: this section sets them side by side.
"""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

from borderflow.results import RESPONSE_MONTHS, monthly_change, plan_response

_READ = {"delivered_kg": "kilograms delivered to US markets",
         "getting_through": "share of shipped kilograms that gets through"}


def _pct(stats: dict[str, float]) -> str:
    return (f"{100 * stats['median']:+.1f} % [{100 * stats['p05']:+.1f}, "
            f"{100 * stats['p95']:+.1f}]")


def responses(result) -> dict[str, dict]:
    """Per plan scenario: the static promise and the dynamic model's paired changes."""
    last = result.period[1]
    return {
        name: {"plan": plan, "dynamic": plan_response(result.monthly, result.baseline, name,
                                                      plan.start, last)}
        for name, plan in result.plans.items()
    }


def section(result) -> tuple[str, list[go.Figure]]:
    """The section's HTML (a table per plan) and its charts (one per plan)."""
    if not result.plans:
        return "", []
    parts, figures = [], []
    for name, entry in responses(result).items():
        plan, dynamic = entry["plan"], entry["dynamic"]
        columns = [*RESPONSE_MONTHS, f"through_{result.period[1]}"]
        head = "".join(f"<th>{c.replace('_', ' ')}</th>" for c in columns)
        rows = "".join(
            f"<tr><th>{html.escape(_READ[var])}</th>"
            + "".join(f"<td>{_pct(dynamic[var][c]) if c in dynamic[var] else '-'}</td>"
                      for c in columns) + "</tr>"
            for var in ("delivered_kg", "getting_through")
        )
        parts.append(
            f"<h3>{html.escape(name)}</h3><p>The static optimiser ({plan.objective}, budget "
            f"${plan.budget_usd:,.0f} a year) promised {plan.baseline:.4g} &rarr; "
            f"{plan.optimum:.4g} {html.escape(plan.unit)}: <b>{100 * plan.promised_change:+.1f}"
            f" %</b>. The dynamic model, paired member by member against "
            f"{html.escape(result.baseline)} from {plan.start} (median [90 % interval]):</p>"
            f"<table><tr><th></th>{head}</tr>{rows}</table>")
        figures.append(_chart(result, name, plan))
    intro = ("<h2>Static promise against the dynamic model</h2><p>Each plan below came from "
             "<code>borderflow optimize</code>, which assumes the network stays as it is. "
             "In the dynamic model traffickers reroute around closed or upgraded arcs, "
             "learn the new risks over months, ship more to cover expected losses, and "
             "labs are rebuilt; the market's pull does not change because one route "
             "did.</p>")
    return intro + "".join(parts), figures


def _chart(result, name: str, plan) -> go.Figure:
    """Monthly paired change in deliveries with the static promise drawn across."""
    change = monthly_change(result.monthly, result.baseline, name)["delivered_kg"]
    start = np.datetime64(plan.start, "M")
    months = change["month"].values.astype("datetime64[M]")
    keep = (months >= start - 12) & (months <= np.datetime64(f"{result.period[1]}-12", "M"))
    values = 100 * change.values[:, keep]
    x = months[keep].astype("datetime64[D]").astype(str)
    q05, q50, q95 = np.quantile(values, [0.05, 0.5, 0.95], axis=0)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x, y=q95, mode="lines", line={"width": 0}, showlegend=False,
                             hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=x, y=q05, mode="lines", fill="tonexty", line={"width": 0},
                             fillcolor="rgba(27,79,114,0.2)", name="dynamic model, 90 %"))
    fig.add_trace(go.Scatter(x=x, y=q50, name="dynamic model, median",
                             line={"color": "#1b4f72", "width": 2}))
    fig.add_trace(go.Scatter(x=[x[0], x[-1]], y=[100 * plan.promised_change] * 2,
                             name=f"static promise ({plan.objective})",
                             line={"color": "#c0392b", "dash": "dash"}))
    fig.update_layout(title=f"{name}: change in kilograms delivered against "
                      f"{result.baseline}, % (paired)", height=380,
                      yaxis_title="% change", margin={"t": 60})
    return fig
