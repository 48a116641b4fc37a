"""Scenario discovery and robust portfolios over a sweep's store.

Both read the member-runs of a store (:mod:`borderflow.store`) with, for every setting
and member, the outcomes paired against the baseline on the same member:
``deaths_averted`` (the baseline's opioid overdose deaths minus the setting's) and
``cost_usd_per_year`` (the setting's policy cost, mean per year of the period).

- :func:`discover` asks "under which conditions does this outcome cross a threshold?":
  PRIM (Friedman & Fisher 1999) through EMA Workbench's implementation, over the
  members' parameters (the uncertainties) and, across settings, the levers' intensities.
- :func:`portfolio` asks "which setting within a budget is best across members?" by a
  robustness rule: best median, best 10th percentile, or least maximum regret.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from borderflow import store as st
from borderflow.errors import ParameterError

#: Outcomes computed from the stored ones, paired with the baseline member by member.
DERIVED = {
    "deaths_averted": "opioid overdose deaths averted against the baseline, same member "
                      "(period total)",
    "cost_usd_per_year": "policy cost, mean USD a year over the period",
}
#: Which way is better, for the outcomes a portfolio can be judged by.
BETTER = {"deaths_averted": 1.0, "overdose_deaths": -1.0, "opioid_overdose_deaths": -1.0,
          "kg_delivered_us": -1.0, "encounters": -1.0, "gun_homicides_mexico": -1.0,
          "cooperation_2030": 1.0, "discounted_opioid_deaths": -1.0}


def runs_frame(store: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(runs, settings, members)``: every member-run with the derived outcomes."""
    meta = st.manifest(store)
    con = st.runs(store)
    try:
        runs = con.execute("SELECT * FROM runs").df()
        settings = con.execute("SELECT * FROM settings ORDER BY setting").df()
        members = con.execute("SELECT * FROM members ORDER BY member").df()
    finally:
        con.close()
    if runs.empty:
        raise st.StoreError(f"{store} holds no finished chunk yet")
    base = runs[runs.setting == 0].set_index("member")["opioid_overdose_deaths"]
    runs["deaths_averted"] = base.reindex(runs.member).to_numpy() - runs.opioid_overdose_deaths
    first, last = meta["period"]
    runs["cost_usd_per_year"] = runs.policy_cost_usd / (last - first + 1)
    return runs, settings, members


def _outcome(runs: pd.DataFrame, name: str) -> pd.Series:
    if name not in runs or name in st.KEYS:
        allowed = [c for c in runs.columns if c not in st.KEYS]
        raise ParameterError(f"unknown outcome {name!r}; the store has: {', '.join(allowed)}")
    values = runs[name]
    if values.isna().all():
        raise ParameterError(f"outcome {name!r} has no values in this store (its baseline "
                             "chunks are not finished?)")
    return values


def _setting(settings: pd.DataFrame, policy: str) -> int:
    match = settings[settings["name"] == policy]
    if match.empty:
        raise ParameterError(f"unknown policy {policy!r}; the store's settings: "
                             f"{', '.join(settings['name'].head(12))}"
                             f"{' …' if len(settings) > 12 else ''}")
    return int(match.setting.iloc[0])


def discover(store: str | Path, outcome: str, below: float | None = None,
             above: float | None = None, policy: str | None = None,
             threshold: float = 0.8) -> dict[str, Any]:
    """PRIM over a store: the boxes of conditions where ``outcome`` is below/above X.

    Args:
        store: a sweep's store.
        outcome: a stored or derived outcome (``deaths_averted``, ...).
        below: cases of interest: the outcome under this value (or ``above``).
        above: cases of interest: the outcome over this value.
        policy: a setting's name: discover over the members' parameters for it alone;
            None: over the combined settings, levers and parameters together.
        threshold: the density PRIM peels to (EMA Workbench's ``threshold``).

    Returns the peeling trajectory (coverage, density, restricted dimensions of each
    box), the chosen box (the best balance of coverage and density on the trajectory:
    their harmonic mean) with its limits, and the data sizes.

    """
    from ema_workbench.analysis import prim

    if (below is None) == (above is None):
        raise ParameterError("give exactly one of --below X or --above X")
    runs, settings, members = runs_frame(store)
    values = _outcome(runs, outcome)
    levers = [c for c in settings.columns if c not in ("setting", "name")]
    if policy is not None:
        chosen = runs[runs.setting == _setting(settings, policy)]
        dims: list[str] = []
    else:  # the combined settings: every lever set
        combined = settings.setting[settings[levers].notna().all(axis=1)
                                    & (settings.setting != 0)]
        chosen = runs[runs.setting.isin(combined)]
        dims = levers
    if chosen.empty:
        raise ParameterError("no finished member-run to discover over"
                             + ("" if policy else " (the store has no combined settings)"))
    x = chosen[["setting", "member"]].merge(settings[["setting", *dims]], on="setting")
    x = x.merge(members, on="member")
    x = x.drop(columns=["setting", "member"])
    x = x.loc[:, x.nunique() > 1]  # a constant cannot restrict a box
    y = (values.loc[chosen.index] < below if below is not None
         else values.loc[chosen.index] > above).to_numpy()
    if not y.any() or y.all():
        raise ParameterError(f"{int(y.sum())} of {len(y)} member-runs are cases of interest: "
                             "choose a threshold inside the outcome's range "
                             f"[{values.loc[chosen.index].min():.4g}, "
                             f"{values.loc[chosen.index].max():.4g}]")
    box = prim.Prim(x.reset_index(drop=True), y, threshold=threshold).find_box()
    trajectory = box.peeling_trajectory
    balance = 2 * trajectory.coverage * trajectory.density / (trajectory.coverage
                                                              + trajectory.density)
    pick = int(balance.idxmax())
    initial = box.box_lims[0]
    lims = box.box_lims[pick]
    restricted = [c for c in lims.columns if not np.allclose(lims[c].to_numpy(dtype=float),
                                                             initial[c].to_numpy(dtype=float))]
    return {
        "outcome": outcome, "below": below, "above": above, "policy": policy,
        "threshold": threshold, "member_runs": len(y), "cases": int(y.sum()),
        "dimensions": list(x.columns),
        "trajectory": [{"box": int(r.id), "coverage": float(r.coverage),
                        "density": float(r.density), "restricted": int(r.res_dim)}
                       for r in trajectory.itertuples()],
        "chosen": {"box": pick, "coverage": float(trajectory.coverage[pick]),
                   "density": float(trajectory.density[pick]),
                   "limits": {c: [float(lims[c].iloc[0]), float(lims[c].iloc[1])]
                              for c in restricted},
                   "ranges": {c: [float(initial[c].iloc[0]), float(initial[c].iloc[1])]
                              for c in restricted}},
    }


def discovery_figure(found: dict[str, Any]) -> Any:
    """The peeling trajectory and the chosen box, as one plotly figure."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    traj = found["trajectory"]
    chosen = found["chosen"]
    fig = make_subplots(rows=1, cols=2, column_widths=[0.5, 0.5],
                        subplot_titles=("Peeling trajectory", "Chosen box (share of range)"))
    fig.add_trace(go.Scatter(
        x=[t["coverage"] for t in traj], y=[t["density"] for t in traj], mode="markers+lines",
        marker={"color": [t["restricted"] for t in traj], "colorscale": "Viridis",
                "showscale": True, "colorbar": {"title": "restricted dims", "x": 0.45}},
        text=[f"box {t['box']}" for t in traj], name="boxes"), row=1, col=1)
    fig.add_trace(go.Scatter(x=[chosen["coverage"]], y=[chosen["density"]], mode="markers",
                             marker={"size": 14, "symbol": "circle-open", "color": "red"},
                             name=f"chosen: box {chosen['box']}"), row=1, col=1)
    for i, (dim, (lo, hi)) in enumerate(chosen["limits"].items()):
        r0, r1 = chosen["ranges"][dim]
        span = (r1 - r0) or 1.0
        fig.add_trace(go.Scatter(x=[(lo - r0) / span, (hi - r0) / span], y=[dim, dim],
                                 mode="lines+markers", line={"width": 6}, showlegend=False,
                                 hovertext=f"{dim}: [{lo:.4g}, {hi:.4g}]"), row=1, col=2)
        del i
    fig.update_xaxes(title_text="coverage", row=1, col=1)
    fig.update_yaxes(title_text="density", row=1, col=1)
    fig.update_xaxes(range=[-0.02, 1.02], title_text="share of the sampled range", row=1, col=2)
    side = "below" if found["below"] is not None else "above"
    fig.update_layout(title=f"{found['outcome']} {side} "
                            f"{found['below'] if found['below'] is not None else found['above']}"
                            f": {found['cases']} of {found['member_runs']} member-runs",
                      height=480)
    return fig


Rule = Literal["median", "p10", "regret"]


def portfolio(store: str | Path, budget_usd_per_year: float,
              objective: str = "deaths_averted", rule: Rule = "median") -> dict[str, Any]:
    """The best setting within a budget across members, by a robustness rule.

    Candidates are the store's settings (not the baseline) whose mean policy cost a year
    over the members is within ``budget_usd_per_year``. ``median`` picks the best
    median of ``objective``, ``p10`` the best 10th percentile (the worst tenth of
    members), ``regret`` the least maximum regret: per member, the regret of a
    candidate is how far it falls short of the best candidate for that member.

    Returns the ranked candidates and, for the chosen one, the best single-lever setting
    within the budget on the same members.
    """
    if objective not in BETTER:
        raise ParameterError(f"objective {objective!r} cannot rank portfolios; allowed: "
                             f"{', '.join(BETTER)}")
    if rule not in ("median", "p10", "regret"):
        raise ParameterError(f"rule must be median, p10 or regret, got {rule!r}")
    runs, settings, _ = runs_frame(store)
    levers = [c for c in settings.columns if c not in ("setting", "name")]
    sign = BETTER[objective]
    table = runs.pivot(index="member", columns="setting", values=objective) * sign
    table = table.dropna(axis=0, how="any")  # members every setting has run
    cost = runs.groupby("setting").cost_usd_per_year.mean()
    within = [s for s in table.columns if s != 0 and cost[s] <= budget_usd_per_year]
    if not within:
        raise ParameterError(f"no setting costs at most ${budget_usd_per_year:,.0f} a year "
                             f"(the cheapest: ${cost.drop(index=0).min():,.0f})")
    scores = table[within]
    regret = (scores.max(axis=1).to_numpy()[:, None] - scores).max(axis=0)
    ranked = pd.DataFrame({
        "median": scores.median(axis=0) * sign,
        "p10": scores.quantile(0.1, axis=0) * sign,
        "max_regret": regret,
        "cost_usd_per_year": cost[within],
    })
    key = {"median": -ranked["median"] * sign, "p10": -ranked["p10"] * sign,
           "regret": ranked["max_regret"]}[rule]
    ranked = ranked.assign(key=key).sort_values("key").drop(columns="key")
    names = settings.set_index("setting")
    single = [s for s in within if names.loc[s, levers].notna().sum() == 1]

    def describe(s: int) -> dict[str, Any]:
        row = ranked.loc[s]
        return {"setting": int(s), "name": str(names.loc[s, "name"]),
                "levers": {lv: float(names.loc[s, lv]) for lv in levers
                           if pd.notna(names.loc[s, lv])},
                "median": float(row["median"]), "p10": float(row["p10"]),
                "max_regret": float(row.max_regret),
                "cost_usd_per_year": float(row.cost_usd_per_year)}

    best = int(ranked.index[0])
    best_single = next((int(s) for s in ranked.index if s in single), None)
    return {
        "objective": objective, "rule": rule, "budget_usd_per_year": budget_usd_per_year,
        "members": len(table), "candidates": len(within),
        "chosen": describe(best),
        "best_single_lever": None if best_single is None else describe(best_single),
        "ranking": [describe(int(s)) for s in ranked.index[:10]],
    }


#: What a portfolio search trades off, and which way is better (EMA outcome names).
SEARCH_OBJECTIVES = {"opioid_overdose_deaths": "minimize", "policy_cost_usd": "minimize",
                     "encounters": "minimize", "cooperation_2030": "maximize"}
#: Resolution of the Pareto set in each objective (ε-dominance): 500 deaths, USD 50 M,
#: 50,000 encounters over the period, 0.005 of the cooperation index (judgement).
SEARCH_EPSILONS = (500.0, 5e7, 5e4, 0.005)


def search(store: str | Path, budget_usd_per_year: float | None = None, nfe: int = 400,
           members: int = 40, seed: int = 0, out: str | Path | None = None
           ) -> dict[str, Any]:
    """A many-objective search over the store's levers: the Pareto set and its scenarios.

    ε-NSGA-II (platypus, through EMA Workbench's ``optimize``) searches the intensities of
    the levers the store swept, within the ranges it swept them over, for the trade-off
    between opioid deaths, policy cost, encounters and 2030 cooperation (ensemble means
    over ``members`` members of the store's parameter source, the store's period; a
    ``budget_usd_per_year`` is a constraint on the mean policy cost a year). Writes the
    Pareto set as ``pareto.csv`` and one scenario file per solution into ``out``
    (default ``STORE/pareto``); returns the set.
    """
    import yaml
    from ema_workbench import Constraint, RealParameter, ScalarOutcome, SequentialEvaluator

    from borderflow.ema import ema_model
    from borderflow.io import write_text

    meta = st.manifest(store)
    _, settings, _ = runs_frame(store)
    entries = {e["lever"]: {k: v for k, v in e.items() if k not in ("lever", "start")}
               for e in meta["levers"]}
    kinds = list(entries)
    model = ema_model(levers=kinds, outcomes=list(SEARCH_OBJECTIVES), members=members,
                      seed=seed, parameters=meta.get("parameters", "posterior"),
                      network=meta.get("network"), period=tuple(meta["period"]),
                      start=meta["levers"][0].get("start", "2025-01"),
                      lever_fields=tuple(entries.items()))
    model.levers = [RealParameter(k, float(settings[k].min()), float(settings[k].max()))
                    for k in kinds]
    model.outcomes = [ScalarOutcome(name, kind=ScalarOutcome.MINIMIZE if way == "minimize"
                                    else ScalarOutcome.MAXIMIZE)
                      for name, way in SEARCH_OBJECTIVES.items()]  # encounters: fewer
    first, last = meta["period"]
    years = last - first + 1
    constraints = [] if budget_usd_per_year is None else [
        Constraint("budget", outcome_names="policy_cost_usd",
                   function=lambda cost: max(0.0, cost / years - budget_usd_per_year))]
    with SequentialEvaluator(model) as evaluator:
        found = evaluator.optimize(nfe=nfe, searchover="levers",
                                   epsilons=list(SEARCH_EPSILONS), constraints=constraints)
    target = Path(out) if out is not None else Path(store) / "pareto"
    target.mkdir(parents=True, exist_ok=True)
    found = found.reset_index(drop=True)
    write_text(target / "pareto.csv", found.to_csv(index=False))
    start = meta["levers"][0].get("start", "2025-01")
    files = []
    for i, row in found.iterrows():
        scenario = {"schema": 2, "name": f"pareto-{i}", "levers": [
            {"lever": kind, "start": start, **entries[kind], "intensity": float(row[kind])}
            for kind in kinds]}
        head = (f"# Pareto solution {i} of a search over {store} (borderflow portfolio "
                f"--search):\n# opioid deaths {row.opioid_overdose_deaths:,.0f}, policy "
                f"cost ${row.policy_cost_usd / years:,.0f} a year, encounters "
                f"{row.encounters:,.0f}, cooperation in 2030 {row.cooperation_2030:.3f}\n")
        path = target / f"pareto-{i}.yaml"
        write_text(path, head + yaml.safe_dump(scenario, sort_keys=False))
        files.append(str(path))
    return {"nfe": nfe, "members": members, "objectives": SEARCH_OBJECTIVES,
            "period": [first, last],
            "budget_usd_per_year": budget_usd_per_year, "solutions": len(found),
            "pareto": found.to_dict(orient="records"), "files": files,
            "csv": str(target / "pareto.csv")}
