"""The dashboard (``borderflow serve``): set levers, see the answer at once, share it.

A Dash app (plotly charts updated in place through callbacks). Every lever of the
registry is a control in its unit with its allowed range; a shipped scenario can be
loaded as a preset. A change asks for a quick answer (:data:`QUICK` members from the
posterior's stored end-of-window states) and then, without blocking the page, for the
full ensemble (:data:`FULL` members); both are paired with ``status_quo`` on the same
members. The page shows, against the status quo with 50 % and 90 % bands, opioid and
T40.4 deaths, deaths averted, kilograms delivered, CBP seizures, encounters, Mexican gun
homicides, cooperation and policy plus trade cost, with the observed history behind the
forecast and the data window marked. Every state has a permalink (levers, seed, model
hash, data snapshot) that reproduces the same numbers with the same version.

The app only calls the public API (:func:`borderflow.simulate`); :func:`answer` is the
whole computation and is tested without a browser.
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode

import numpy as np

#: Members of the quick answer and of the full ensemble.
QUICK, FULL = 64, 500
#: First and last year shown for the forecast; history from HISTORY_FROM.
FIRST, LAST, HISTORY_FROM = 2025, 2034, 2015
#: The series shown: (output or derived name, title, unit, aggregation over a year).
PANELS = (
    ("opioid_overdose_deaths", "Opioid overdose deaths", "deaths a year", "sum"),
    ("overdose_deaths", "Synthetic-opioid (T40.4) deaths", "deaths a year", "sum"),
    ("deaths_averted", "Opioid deaths averted vs status quo", "deaths a year", "sum"),
    ("delivered_kg", "Fentanyl delivered to US markets", "kg (pure) a year", "sum"),
    ("seizures_lb", "CBP fentanyl seizures", "lb (gross) a year", "sum"),
    ("encounters", "Southwest-border encounters", "a year", "sum"),
    ("gun_homicides_mexico", "Gun homicides in Mexico", "a year", "sum"),
    ("cooperation", "Mexican cooperation", "index 0-1, yearly mean", "mean"),
    ("cost_usd", "Policy and trade cost", "USD a year", "sum"),
)
OUTPUTS = ("opioid_overdose_deaths", "overdose_deaths", "delivered_kg", "seizures_lb",
           "encounters", "gun_homicides_mexico", "cooperation", "trade_cost_usd")
#: Colours of the status quo and the scenarios (r,g,b).
PALETTE = ("120,120,120", "31,119,180", "214,39,40", "44,160,44", "148,103,189")
#: Observed annual history drawn behind the forecast: panel -> calibration target.
HISTORY = {"overdose_deaths": "synthetic_opioid_deaths",
           "seizures_lb": "fentanyl_seizures_lb"}


def lever_controls() -> dict[str, dict[str, Any]]:
    """The levers a control is shown for: unit and range (arc levers need the optimiser)."""
    from borderflow.policy.registry import REGISTRY, catalogue

    kinds = catalogue()
    return {k.name: kinds[k.name] for k in REGISTRY if k.targets != "arc"}


Timing = dict[str, tuple[int | None, int | None]]


def scenario_of(levers: dict[str, float | None], start: int,
                extra: tuple[dict[str, Any], ...] = (), timing: Timing | None = None
                ) -> dict[str, Any]:
    """The dashboard's lever settings as a scenario mapping (each lever on all targets).

    A lever that names one target (precursor controls name a source) is set on every
    source of the shipped network. ``extra``: lever entries added as they are (an
    interdiction plan's arc levers). ``timing``: a lever's own first and last year
    (``(None, None)``: from ``start``, open-ended).
    """
    from borderflow.network import load_network
    from borderflow.policy.registry import BY_KIND

    net = load_network().compile()
    entries = []
    for kind, x in sorted(levers.items()):
        if x is None:
            continue
        first, last = (timing or {}).get(kind, (None, None))
        entry = {"lever": kind, "start": f"{first or start}-01", "intensity": float(x),
                 **({"end": f"{last}-12"} if last else {})}
        targets = BY_KIND[kind].targets
        if isinstance(targets, tuple) and targets[0] == "source":
            entries += [{**entry, "source": net.node_ids[n]}
                        for n in net.nodes_of_kind(targets[1])]
        else:
            entries.append(entry)
    return {"schema": 2, "name": "dashboard", "levers": [*entries, *extra]}


def _yearly(ds: Any, name: str, how: str) -> np.ndarray:
    """(members, years FIRST..LAST) of one variable, or a derived one."""
    if name == "cost_usd":
        values = ds["policy_cost_usd"].values + ds["trade_cost_usd"].values
    else:
        values = ds[name].values
        if values.ndim == 3:
            values = values.sum(axis=2)
    months = 12 * (LAST - FIRST + 1)
    per_year = values[:, :months].reshape(len(values), LAST - FIRST + 1, 12)
    return per_year.sum(axis=2) if how == "sum" else per_year.mean(axis=2)


@functools.lru_cache(maxsize=8)
def _status_quo(members: int, seed: int) -> dict[str, np.ndarray]:
    return _run("status_quo", members, seed)


def _run(scenario: Any, members: int, seed: int) -> dict[str, np.ndarray]:
    import borderflow

    ds = borderflow.simulate(scenario, members=members, seed=seed, start=f"{FIRST}-01",
                             arc_detail=False, outputs=OUTPUTS)
    return {name: _yearly(ds, name, how) for name, _, _, how in PANELS
            if name != "deaths_averted"}


@functools.lru_cache(maxsize=16)
def plan_levers(budget_usd: float) -> tuple[dict[str, Any], ...]:
    """The interdiction optimiser's plan for a budget, as lever entries (from 2025)."""
    import borderflow
    from borderflow.api import interdiction_scenario

    plan = borderflow.optimize_interdiction(budget_usd=budget_usd)
    return tuple(interdiction_scenario(plan)["levers"])


def answer(levers: dict[str, float | None], start: int = FIRST, members: int = QUICK,
           seed: int = 0, plan_budget_usd: float | None = None,
           timing: Timing | None = None) -> dict[str, Any]:
    """The dashboard's numbers for some lever settings, paired with the status quo.

    Returns, per panel, the yearly median and 50 % / 90 % bands of the scenario and of
    the status quo (``{"years", "scenario": {q: [...]}, "status_quo": {...}}``), and the
    period totals: deaths averted and cost per death averted (medians).
    """
    base = _status_quo(members, seed)
    levers = {k: v for k, v in levers.items() if v is not None}
    extra = plan_levers(float(plan_budget_usd)) if plan_budget_usd else ()
    scen = (_run(scenario_of(levers, start, extra, timing), members, seed)
            if levers or extra else base)
    scen = {**scen, "deaths_averted": base["opioid_overdose_deaths"]
            - scen["opioid_overdose_deaths"]}
    base = {**base, "deaths_averted": np.zeros_like(base["opioid_overdose_deaths"])}
    qs = (5, 25, 50, 75, 95)

    def bands(x: np.ndarray) -> dict[str, list[float]]:
        return {f"p{q:02d}": np.percentile(x, q, axis=0).tolist() for q in qs}

    averted = scen["deaths_averted"].sum(axis=1)
    extra_cost = (scen["cost_usd"] - base["cost_usd"]).sum(axis=1)
    per_death = (float(np.mean(extra_cost) / np.mean(averted))
                 if np.mean(averted) >= 1 else None)
    return {
        "years": list(range(FIRST, LAST + 1)), "members": members, "seed": seed,
        "panels": {name: {"scenario": bands(scen[name]), "status_quo": bands(base[name])}
                   for name, _, _, _ in PANELS},
        "deaths_averted": float(np.median(averted)),
        "cost_per_death_averted_usd": per_death,
    }


def compare_answer(names: list[str], members: int = QUICK * 2, seed: int = 0
                   ) -> dict[str, Any]:
    """Two to four scenarios and the status quo on the same members: bands per panel."""
    from borderflow.errors import ParameterError

    if not 2 <= len(names) <= 4:
        raise ParameterError("compare two to four scenarios")
    base = _status_quo(members, seed)
    runs = {"status_quo": base, **{n: _run(n, members, seed) for n in names}}
    panels: dict[str, dict[str, Any]] = {}
    for name, _, _, _ in PANELS:
        panels[name] = {}
        for who, r in runs.items():
            x = (base["opioid_overdose_deaths"] - r["opioid_overdose_deaths"]
                 if name == "deaths_averted" else r[name])
            panels[name][who] = {f"p{q:02d}": np.percentile(x, q, axis=0).tolist()
                                 for q in (5, 25, 50, 75, 95)}
    return {"years": list(range(FIRST, LAST + 1)), "members": members, "seed": seed,
            "panels": panels}


def assumptions(levers: dict[str, float | None]) -> list[dict[str, Any]]:
    """What the active levers' effect rests on: each effectiveness and cost prior, sourced."""
    controls = lever_controls()
    rows = []
    for kind in sorted(k for k, v in levers.items() if v is not None):
        info = controls[kind]
        for prior in [*info["effectiveness"], *([info["cost"]] if info["cost"] else [])]:
            rows.append({"lever": kind, **prior})
    return rows


@functools.lru_cache(maxsize=4)
def top_indices(outcome: str = "opioid_overdose_deaths", samples: int = 8, top: int = 10
                ) -> list[dict[str, Any]]:
    """The parameters the outcome is most sensitive to (Sobol total order, priors)."""
    import borderflow

    found = borderflow.sensitivity(outcome=outcome, samples=samples)["indices"]
    ranked = sorted(found.items(), key=lambda kv: -kv[1]["ST"])[:top]
    return [{"parameter": k, **v} for k, v in ranked]


def _scalar_outcomes() -> list[str]:
    from borderflow.outcomes import SCALAR

    return list(SCALAR)


def report_html(levers: dict[str, float | None], start: int = FIRST,
                plan_budget_usd: float | None = None, members: int = FULL,
                timing: Timing | None = None) -> str:
    """The self-contained HTML report of the dashboard's levers against the status quo.

    The same report as ``borderflow report`` and ``run --report`` (one code path).
    """
    import borderflow
    from borderflow.report import render

    levers = {k: v for k, v in levers.items() if v is not None}
    extra = plan_levers(float(plan_budget_usd)) if plan_budget_usd else ()
    scenario = {**scenario_of(levers, start, extra, timing),
                "description": "set in the dashboard: "
                + (", ".join(f"{k} {v:g}" for k, v in sorted(levers.items())) or "no lever")
                + (f"; the optimiser's plan for ${plan_budget_usd:,.0f} a year"
                   if plan_budget_usd else "")}
    return render(borderflow.compare([scenario], members=members))


#: The map's western edge, degrees of longitude: nodes across the Pacific (precursor
#: sources in Asia) are drawn on it at their own latitude.
WEST_EDGE = -124.0


@functools.lru_cache(maxsize=1)
def places() -> dict[str, tuple[str, float, float]]:
    """The network's nodes on the map, from the network file: ``{id: (name, lon, lat)}``.

    Nodes without coordinates are left off; nodes in the eastern hemisphere are drawn at
    :data:`WEST_EDGE`, where their shipments enter the map.
    """
    from borderflow.network import load_network

    return {n.id: (n.name or n.id, WEST_EDGE if n.lon > 0 else n.lon, n.lat)
            for n in load_network().nodes if n.lat is not None and n.lon is not None}


@functools.lru_cache(maxsize=1)
def _outline() -> list[list[tuple[float, float]]]:
    """Country outlines (Natural Earth 1:110m, public domain), packaged: drawn offline."""
    from importlib import resources

    doc = json.loads(resources.files("borderflow.network").joinpath("outline.json")
                     .read_text("utf-8"))
    return [ring for rings in doc["countries"].values() for ring in rings]


def map_answer(levers: dict[str, float | None], start: int = FIRST, members: int = QUICK,
               seed: int = 0, plan_budget_usd: float | None = None,
               timing: Timing | None = None) -> dict[str, Any]:
    """Median pure kg a year on every arc, and seized on it, with the levers and without.

    The same members run with the levers and in the status quo, 2025-2034.
    """
    import borderflow
    from borderflow.network import load_network

    net = load_network().compile()
    levers = {k: v for k, v in levers.items() if v is not None}
    extra = plan_levers(float(plan_budget_usd)) if plan_budget_usd else ()
    out = {}
    for who, scen in (("status_quo", "status_quo"),
                      ("scenario", scenario_of(levers, start, extra, timing))):
        ds = borderflow.simulate(scen, members=members, seed=seed, start=f"{FIRST}-01",
                                 outputs=("flow_kg", "seizures_kg"))
        flow = _yearly_arcs(ds["flow_kg"].values)
        seized = _yearly_arcs(ds["seizures_kg"].values)
        out[who] = {"flow": np.median(flow, axis=0).tolist(),
                    "seized": np.median(seized, axis=0).tolist()}
    return {"years": list(range(FIRST, LAST + 1)),
            "arcs": [[net.node_ids[t], net.node_ids[h]]
                     for t, h in zip(net.arc_tail, net.arc_head, strict=True)], **out}


def _yearly_arcs(values: np.ndarray) -> np.ndarray:
    """(members, months, arcs) -> (members, years, arcs), summed by year."""
    months = 12 * (LAST - FIRST + 1)
    m, _, arcs = values.shape
    return values[:, :months].reshape(m, LAST - FIRST + 1, 12, arcs).sum(axis=2)


def map_figure(found: dict[str, Any], year: int, who: str = "scenario") -> dict[str, Any]:
    """The network on its real coordinates in one year.

    Arcs as wide as their flow, nodes coloured by the kilograms seized on arrival, over
    the packaged country outlines (nothing fetched).
    """
    at = places()
    i = found["years"].index(year)
    flow = np.array(found[who]["flow"][i])
    seized = np.array(found[who]["seized"][i])
    top = max(float(flow.max()), 1e-9)
    data: list[dict[str, Any]] = []
    xs, ys = [], []
    for ring in _outline():
        xs += [p[0] for p in ring] + [None]
        ys += [p[1] for p in ring] + [None]
    data.append({"type": "scatter", "x": xs, "y": ys, "mode": "lines",
                 "line": {"color": "#bbb", "width": 1}, "hoverinfo": "skip",
                 "showlegend": False})
    widths = (0.5, 1.5, 3, 5, 8)
    bins: list[tuple[list, list]] = [([], []) for _ in widths]  # arcs binned by flow
    for (tail, head), f in zip(found["arcs"], flow, strict=True):
        if f > 0 and tail in at and head in at:
            xs_b, ys_b = bins[min(int(f / top * len(widths)), len(widths) - 1)]
            xs_b += [at[tail][1], at[head][1], None]
            ys_b += [at[tail][2], at[head][2], None]
    for b, ((ax, ay), width) in enumerate(zip(bins, widths, strict=True)):
        data.append({"type": "scatter", "x": ax, "y": ay, "mode": "lines",
                     "line": {"color": "rgba(31,119,180,0.6)", "width": width},
                     "hoverinfo": "skip",
                     "name": f"up to {(b + 1) / len(widths) * top:,.0f} kg a year"})
    kinds_seized: dict[str, float] = {}
    for (_, head), s in zip(found["arcs"], seized, strict=True):
        kinds_seized[head] = kinds_seized.get(head, 0.0) + float(s)
    ids = [n for n in at if n in {h for _, h in found["arcs"]} | {t for t, _ in found["arcs"]}]
    data.append({"type": "scatter", "x": [at[n][1] for n in ids], "y": [at[n][2] for n in ids],
                 "mode": "markers", "text": [f"{at[n][0]}: {kinds_seized.get(n, 0):,.0f} kg "
                                             f"seized {year}" for n in ids],
                 "hoverinfo": "text", "name": "nodes (colour: kg seized arriving)",
                 "marker": {"size": 8, "color": [kinds_seized.get(n, 0.0) for n in ids],
                            "colorscale": "Reds", "showscale": True,
                            "colorbar": {"title": "kg seized"}}})
    return {"data": data, "layout": {
        "title": f"{'With the levers' if who == 'scenario' else 'Status quo'}, {year}: "
                 "arc width by kg moved (precursor to the labs, pure fentanyl after), "
                 "nodes by kg seized on arrival",
        "xaxis": {"range": [-125, -70], "showgrid": False, "zeroline": False,
                  "title": "longitude"},
        "yaxis": {"range": [15, 46], "showgrid": False, "zeroline": False,
                  "scaleanchor": "x", "title": "latitude"},
        "height": 620, "margin": {"t": 50, "l": 40, "r": 20, "b": 40},
        "legend": {"orientation": "h"}}}


@functools.lru_cache(maxsize=1)
def _history() -> dict[str, dict[int, float]]:
    from borderflow.calibration.targets import TARGETS

    by_name = {t.name: t for t in TARGETS}
    out = {}
    for panel, target in HISTORY.items():
        series = by_name[target].observed()
        out[panel] = {int(y): float(v) for y, v in series.items() if y >= HISTORY_FROM}
    return out


@functools.lru_cache(maxsize=1)
def _layout() -> dict[str, Any]:
    """The panels' layout, built once: axes, titles, the data window's end."""
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=3, cols=3, subplot_titles=[f"{t} ({u})" for _, t, u, _ in PANELS],
                        vertical_spacing=0.09, horizontal_spacing=0.06)
    for k in range(1, len(PANELS) + 1):
        axis = "" if k == 1 else str(k)
        fig.add_shape(type="line", x0=FIRST - 0.5, x1=FIRST - 0.5, y0=0, y1=1,
                      xref=f"x{axis}", yref=f"y{axis} domain",
                      line={"dash": "dot", "color": "gray", "width": 1})
    fig.update_layout(height=820, margin={"t": 60, "l": 40, "r": 20, "b": 30},
                      legend={"orientation": "h", "y": 1.06})
    return fig.to_plotly_json()["layout"]


def figure(result: dict[str, Any]) -> dict[str, Any]:
    """All panels in one figure: bands, medians, observed history, the data window.

    Built as plain data on a layout made once, so that an update costs milliseconds.
    """
    years = result["years"]
    history = _history()
    data: list[dict[str, Any]] = []
    for i, (name, _, _, _) in enumerate(PANELS):
        axis = "" if i == 0 else str(i + 1)
        where = {"xaxis": f"x{axis}", "yaxis": f"y{axis}"}
        panel = result["panels"][name]
        for k, (who, b) in enumerate(panel.items()):
            color = PALETTE[k % len(PALETTE)]
            for lo, hi, alpha in (("p05", "p95", 0.15), ("p25", "p75", 0.3)):
                data.append({"type": "scatter", "x": years + years[::-1],
                             "y": b[hi] + b[lo][::-1], "fill": "toself",
                             "fillcolor": f"rgba({color},{alpha})", "line": {"width": 0},
                             "hoverinfo": "skip", "showlegend": False, **where})
            data.append({"type": "scatter", "x": years, "y": b["p50"], "mode": "lines",
                         "line": {"color": f"rgb({color})"},
                         "name": {"status_quo": "status quo", "scenario": "levers"}.get(
                             who, who),
                         "legendgroup": who, "showlegend": i == 0, **where})
        if name in history:
            h = history[name]
            data.append({"type": "scatter", "x": list(h), "y": list(h.values()),
                         "mode": "markers", "marker": {"color": "black", "size": 5},
                         "name": "observed", "legendgroup": "observed",
                         "showlegend": i == 1, **where})
    return {"data": data, "layout": _layout()}


@functools.cache
def _model_tag() -> str:
    """The installed model's hash, short (hashing the model's files once a process)."""
    from borderflow.calibration.calibrate import model_hash

    return model_hash()[:16]


def permalink(levers: dict[str, float | None], start: int, seed: int,
              plan_budget_usd: float | None = None, timing: Timing | None = None) -> str:
    """The query string of a state: levers, plan, start, seed, model hash, data snapshot."""
    from borderflow import __version__

    state = {k: v for k, v in sorted(levers.items()) if v is not None}
    plan = {} if not plan_budget_usd else {"plan": f"{float(plan_budget_usd):g}"}
    times = {k: list(v) for k, v in sorted((timing or {}).items())
             if k in state and any(v)}
    if times:
        plan["timing"] = json.dumps(times, separators=(",", ":"))
    return "?" + urlencode({"levers": json.dumps(state, separators=(",", ":")), **plan,
                            "start": start, "seed": seed, "version": __version__,
                            "model": _model_tag(), "data": "packaged"})


def parse_permalink(search: str | None) -> tuple[dict[str, float], int, int, str | None,
                                                  float | None, Timing]:
    """``(levers, start, seed, warning, plan budget, timing)`` from a permalink."""
    from borderflow import __version__

    query = parse_qs((search or "").lstrip("?"))
    try:
        levers = {str(k): float(v) for k, v in json.loads(query.get("levers", ["{}"])[0]).items()}
        start = int(query.get("start", [FIRST])[0])
        seed = int(query.get("seed", [0])[0])
        plan = float(query["plan"][0]) if "plan" in query else None
        timing = {str(k): (v[0], v[1]) for k, v in
                  json.loads(query.get("timing", ["{}"])[0]).items()}
    except (ValueError, TypeError, IndexError, json.JSONDecodeError):
        return {}, FIRST, 0, "this link is damaged: showing the status quo", None, {}
    known = lever_controls()
    warning = None
    if any(k not in known for k in levers):
        warning = f"unknown levers ignored: {', '.join(k for k in levers if k not in known)}"
        levers = {k: v for k, v in levers.items() if k in known}
    made_by = query.get("version", [__version__])[0]
    model = query.get("model", [_model_tag()])[0]
    if made_by != __version__ or model != _model_tag():
        warning = (f"this link was made with borderflow {made_by} (model {model}); this is "
                   f"{__version__} (model {_model_tag()}): the numbers may differ")
    return levers, start, seed, warning, plan, timing


def app() -> Any:
    """The Dash app."""
    import dash
    from dash import ALL, Input, Output, State, dcc, html

    from borderflow.errors import BorderflowError
    from borderflow.policy import load_scenario, shipped_names

    controls = lever_controls()
    dash_app = dash.Dash(__name__, title="borderflow", update_title=None,
                         serve_locally=True)
    rows = []
    for kind, info in controls.items():
        low, high = info["range"]
        rows.append(html.Div([
            html.Label(f"{kind} ({info['unit']})", htmlFor=f"lever-{kind}",
                       style={"fontSize": "12px", "display": "block"}),
            dcc.Input(id={"type": "lever", "kind": kind}, type="number", min=low, max=high,
                      placeholder=f"off ({low:g} to {high:g})", debounce=True,
                      style={"width": "95%"}),
            html.Div([
                dcc.Dropdown(id={"type": "from", "kind": kind}, placeholder="from",
                             options=list(range(FIRST, LAST + 1)),
                             style={"width": "48%", "fontSize": "11px"}),
                dcc.Dropdown(id={"type": "to", "kind": kind}, placeholder="to (open)",
                             options=list(range(FIRST, LAST + 1)),
                             style={"width": "48%", "fontSize": "11px"}),
            ], style={"display": "flex", "gap": "4%"}),
        ], style={"marginBottom": "6px"}))
    dash_app.layout = html.Div([
        dcc.Location(id="url"),
        dcc.Store(id="rev"),
        dcc.Store(id="quick"),
        dcc.Download(id="download"),
        html.H3("borderflow: the levers and what they do, 2025-2034"),
        html.Div([
            html.Div([
                html.Label("preset (a shipped scenario)", style={"fontSize": "12px"}),
                dcc.Dropdown(id="preset", options=[{"label": n, "value": n}
                                                   for n in shipped_names()]),
                html.Label("levers act from (unless a lever says otherwise)",
                           style={"fontSize": "12px"}),
                dcc.Dropdown(id="start", options=list(range(FIRST, 2031)), value=FIRST,
                             clearable=False),
                html.Label("interdiction plan: the optimiser's for a budget (USD a year)",
                           style={"fontSize": "12px"}),
                dcc.Input(id="plan", type="number", min=0, placeholder="none", debounce=True,
                          style={"width": "95%"}),
                html.Hr(), *rows,
                html.Button("Download CSV", id="csv"), html.Button("Download JSON", id="json"),
                html.Button("Download the report (HTML)", id="report"),
            ], style={"width": "22%", "padding": "8px", "overflowY": "auto",
                      "height": "92vh"}),
            html.Div([dcc.Tabs([
                dcc.Tab(label="answer", children=[
                    html.Div(id="status", children="loading", **{"data-testid": "status"}),
                    html.Div(id="headline"),
                    html.Div(id="warning", style={"color": "#a33"}),
                    dcc.Input(id="link", readOnly=True, style={"width": "100%"}),
                    dcc.Graph(id="charts", config={"displaylogo": False}),
                ]),
                dcc.Tab(label="map", children=[
                    html.Button("draw the network for these levers", id="map-go"),
                    dcc.RadioItems(id="map-who", value="scenario", inline=True,
                                   options=[{"label": "with the levers", "value": "scenario"},
                                            {"label": "status quo", "value": "status_quo"}]),
                    dcc.Slider(id="map-year", min=FIRST, max=LAST, step=1, value=FIRST,
                               marks={y: str(y) for y in range(FIRST, LAST + 1)}),
                    dcc.Store(id="map-data"),
                    dcc.Graph(id="map", config={"displaylogo": False}),
                ]),
                dcc.Tab(label="compare", children=[
                    dcc.Dropdown(id="compare-names", multi=True, options=list(shipped_names()),
                                 placeholder="two to four shipped scenarios"),
                    html.Button("compare on the same members", id="compare-go"),
                    html.Div(id="compare-status"),
                    dcc.Graph(id="compare-charts", config={"displaylogo": False}),
                ]),
                dcc.Tab(label="why", children=[
                    html.P("What the levers set here rest on: each effectiveness and cost "
                           "prior with its source (borderflow params lists them all)."),
                    html.Div(id="why-assumptions"),
                    dcc.Dropdown(id="why-outcome", value="opioid_overdose_deaths",
                                 clearable=False, options=sorted(_scalar_outcomes())),
                    html.Button("which parameters matter most for it (Sobol, about a "
                                "minute)", id="why-go"),
                    html.Div(id="why-indices"),
                ]),
            ])], style={"width": "76%", "padding": "8px"}),
        ], style={"display": "flex"}),
    ])

    lever_values = State({"type": "lever", "kind": ALL}, "value")
    lever_ids = State({"type": "lever", "kind": ALL}, "id")
    firsts = State({"type": "from", "kind": ALL}, "value")
    lasts = State({"type": "to", "kind": ALL}, "value")

    @dash_app.callback(Output({"type": "lever", "kind": ALL}, "value"),
                       Output("start", "value"), Output("warning", "children"),
                       Output("plan", "value"), Output({"type": "from", "kind": ALL}, "value"),
                       Output({"type": "to", "kind": ALL}, "value"),
                       Input("url", "search"), Input("preset", "value"),
                       State({"type": "lever", "kind": ALL}, "id"))
    def load(search: str | None, preset: str | None, ids: list[dict]) -> tuple:
        """A permalink on opening the page, or a preset when one is chosen."""
        plan, timing = None, {}
        if dash.ctx.triggered_id == "preset" and preset:
            scen = load_scenario(preset)
            levers = {lv.lever: getattr(lv, "intensity", None) for lv in scen.levers}
            start, warning = FIRST, (f"{preset}: each lever acts on all its targets here"
                                     if any(getattr(lv, "crossings", None) or getattr(
                                         lv, "regions", None) for lv in scen.levers) else "")
        else:
            levers, start, _, warning, plan, timing = parse_permalink(search)
        return ([levers.get(i["kind"]) for i in ids], start, warning or "", plan,
                [timing.get(i["kind"], (None, None))[0] for i in ids],
                [timing.get(i["kind"], (None, None))[1] for i in ids])

    dash.clientside_callback(
        "function() { window.bfRev = (window.bfRev || 0) + 1; return window.bfRev; }",
        Output("rev", "data"), Input({"type": "lever", "kind": ALL}, "value"),
        Input("start", "value"), Input("plan", "value"),
        Input({"type": "from", "kind": ALL}, "value"),
        Input({"type": "to", "kind": ALL}, "value"))

    def settings(values: list, ids: list[dict]) -> dict[str, float | None]:
        return {i["kind"]: v for i, v in zip(ids, values, strict=True)}

    def timing_of(ids: list[dict], first: list, last: list) -> Timing:
        return {i["kind"]: (a, b) for i, a, b in zip(ids, first, last, strict=True)
                if a or b}

    def show(rev: int, values: list, ids: list, start: int, plan: float | None,
             members: int, label: str, timing: Timing):
        levers = settings(values, ids)
        try:
            result = answer(levers, start, members=members, plan_budget_usd=plan,
                            timing=timing)
        except BorderflowError as exc:  # a value out of range: say so, keep the charts
            return (dash.no_update, f"error:{rev}", f"cannot run these levers: {exc}",
                    permalink(levers, start, 0, plan, timing))
        per = result["cost_per_death_averted_usd"]
        headline = (f"{label} ({members} members): {result['deaths_averted']:,.0f} opioid "
                    f"deaths averted 2025-2034 (median, paired with the status quo)"
                    + (f"; ${per:,.0f} per death averted" if per is not None else ""))
        return (figure(result), f"{label}:{rev}", headline,
                permalink(levers, start, 0, plan, timing))

    @dash_app.callback(Output("charts", "figure", allow_duplicate=True),
                       Output("status", "children", allow_duplicate=True),
                       Output("headline", "children", allow_duplicate=True),
                       Output("link", "value"), Output("quick", "data"),
                       Input("rev", "data"), lever_values, lever_ids, State("start", "value"),
                       State("plan", "value"), firsts, lasts, prevent_initial_call=True)
    def quick(rev: int, values: list, ids: list, start: int, plan: float | None,
              first: list, last: list) -> tuple:
        """The quick answer, at once."""
        return (*show(rev, values, ids, start, plan, QUICK, "quick",
                      timing_of(ids, first, last)), rev)

    @dash_app.callback(Output("charts", "figure"), Output("status", "children"),
                       Output("headline", "children"), Output("why-assumptions", "children"),
                       Input("quick", "data"), lever_values, lever_ids, State("start", "value"),
                       State("plan", "value"), firsts, lasts, prevent_initial_call=True)
    def full(rev: int, values: list, ids: list, start: int, plan: float | None,
             first: list, last: list) -> tuple:
        """The full ensemble, after the quick answer is on the page."""
        rows = assumptions(settings(values, ids))
        table = html.Table([html.Tr([html.Th(h) for h in ("lever", "parameter", "prior",
                                                          "unit", "source")])] + [
            html.Tr([html.Td(r["lever"]), html.Td(r["parameter"]),
                     html.Td(f"{r['distribution']} {r['low']:g} to {r['high']:g}"),
                     html.Td(r["unit"]), html.Td(r["source"])]) for r in rows]
        ) if rows else html.P("No lever is set: the status quo.")
        return (*show(rev, values, ids, start, plan, FULL, "full",
                      timing_of(ids, first, last))[:3], table)

    @dash_app.callback(Output("map-data", "data"), Input("map-go", "n_clicks"), lever_values,
                       lever_ids, State("start", "value"), State("plan", "value"), firsts,
                       lasts, prevent_initial_call=True)
    def map_data(_: int, values: list, ids: list, start: int, plan: float | None,
                 first: list, last: list) -> dict:
        """Flows and seizures by arc and year for the levers set (quick ensemble)."""
        return map_answer(settings(values, ids), start, plan_budget_usd=plan,
                          timing=timing_of(ids, first, last))

    @dash_app.callback(Output("map", "figure"), Input("map-data", "data"),
                       Input("map-year", "value"), Input("map-who", "value"),
                       prevent_initial_call=True)
    def draw_map(found: dict | None, year: int, who: str) -> Any:
        """The map in the year on the slider: displacement shows as arcs change width."""
        return dash.no_update if not found else map_figure(found, year, who)

    @dash_app.callback(Output("compare-charts", "figure"), Output("compare-status", "children"),
                       Input("compare-go", "n_clicks"), State("compare-names", "value"),
                       prevent_initial_call=True)
    def compare(_: int, names: list[str] | None) -> tuple:
        """Two to four scenarios side by side on the same members."""
        try:
            result = compare_answer(list(names or []))
        except BorderflowError as exc:
            return dash.no_update, str(exc)
        return figure(result), (f"{', '.join(names or [])} and the status quo on the same "
                                f"{result['members']} members (medians, 50 and 90 % bands)")

    @dash_app.callback(Output("why-indices", "children"), Input("why-go", "n_clicks"),
                       State("why-outcome", "value"), prevent_initial_call=True)
    def why(_: int, outcome: str) -> Any:
        """The parameters an outcome 2025-2034 depends on most (Sobol, over the priors)."""
        rows = top_indices(outcome)
        return html.Table([html.Tr([html.Th(h) for h in ("parameter", "total-order index",
                                                         "first-order index")])] + [
            html.Tr([html.Td(r["parameter"]), html.Td(f"{r['ST']:.3f} ± {r['ST_conf']:.3f}"),
                     html.Td(f"{r['S1']:.3f} ± {r['S1_conf']:.3f}")]) for r in rows])

    @dash_app.callback(Output("download", "data"), Input("csv", "n_clicks"),
                       Input("json", "n_clicks"), Input("report", "n_clicks"), lever_values,
                       lever_ids,
                       State("start", "value"), State("plan", "value"), firsts, lasts,
                       prevent_initial_call=True)
    def download(_csv: int, _json: int, _report: int, values: list, ids: list, start: int,
                 plan: float | None, first: list, last: list) -> dict:
        """The full ensemble's numbers as CSV or JSON, or the self-contained report."""
        levers, timing = settings(values, ids), timing_of(ids, first, last)
        if dash.ctx.triggered_id == "report":
            return {"content": report_html(levers, start, plan, timing=timing),
                    "filename": "borderflow-report.html"}
        result = answer(levers, start, members=FULL, plan_budget_usd=plan, timing=timing)
        if dash.ctx.triggered_id == "json":
            return {"content": json.dumps(result, indent=1), "filename": "borderflow.json"}
        lines = ["panel,who,quantile," + ",".join(map(str, result["years"]))]
        for name, panel in result["panels"].items():
            for who, bands in panel.items():
                lines += [f"{name},{who},{q}," + ",".join(f"{x:.6g}" for x in v)
                          for q, v in bands.items()]
        return {"content": "\n".join(lines) + "\n", "filename": "borderflow.csv"}

    return dash_app


@contextlib.contextmanager
def running(port: int | None = None, timeout: float = 60.0) -> Iterator[str]:
    """``borderflow serve`` in a child process on a loopback port, for a block: its URL.

    For the browser tests and the benchmark: the server is stopped when the block ends.
    """
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    if port is None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "borderflow.cli", "serve", "--port",
                               str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(url, timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"the dashboard did not answer on {url}") from None
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait()


def serve(port: int = 8050, host: str = "127.0.0.1") -> None:
    """Run the dashboard until interrupted (loopback only unless told otherwise)."""
    app().run(host=host, port=port, debug=False)
