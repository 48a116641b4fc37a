"""The sweep commands of the CLI: ``sweep``, ``results``, ``discover``, ``portfolio``.

Registered on :data:`borderflow.cli.app`; each is one call of the public API plus
printing, as every command is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from borderflow.cli import _console, _json_option, _show, _write_json, app
from borderflow.display import compact, money
from borderflow.errors import ParameterError


@app.command()
def sweep(
    experiment: Annotated[Path, typer.Argument(help="experiment file with a sweep: section")],
    store: Annotated[Path, typer.Option(help="results directory (new, or this sweep's "
                                             "with --resume)")],
    scheduler: Annotated[str, typer.Option(
        help="'local' (a Dask LocalCluster) or a running scheduler, tcp://HOST:PORT")] = "local",
    workers: Annotated[int | None, typer.Option(
        min=1, help="local worker processes, one engine thread each (default: one per "
                    "core)")] = None,
    resume: Annotated[bool, typer.Option(help="finish an interrupted sweep: skip the "
                                              "chunks already stored")] = False,
) -> None:
    """Run lever settings x members as chunks on Dask into a store that loses nothing."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from borderflow.sweeps import sweep as run_sweep

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[runs]}"), console=Console(stderr=True)) as bar:
        task = bar.add_task("chunks", total=None, runs="")

        def step(p: object) -> None:
            rate = p.member_runs / max(p.seconds, 1e-9)  # type: ignore[attr-defined]
            bar.update(task, completed=p.chunks_done, total=p.chunks_total,  # type: ignore[attr-defined]
                       runs=f"{p.member_runs:,} member-runs, {rate:,.0f}/s")  # type: ignore[attr-defined]

        summary = run_sweep(experiment, store, scheduler=scheduler, workers=workers,
                            resume=resume, progress=step)
    _console().print(f"{summary['member_runs']:,} member-runs in {summary['chunks_done']} "
                     f"chunks stored in {store} (digest {summary['digest'][:16]}); "
                     f"`borderflow results {store}` to read them")


@app.command()
def results(
    store: Annotated[Path, typer.Argument(help="a sweep's results directory")],
    json_out: Annotated[Path | None, _json_option("the store's summary")] = None,
    sql: Annotated[str | None, typer.Option(
        help="DuckDB SQL over the views runs, settings and members")] = None,
    parquet: Annotated[Path | None, typer.Option(help="export the member-runs (and "
                                                      "settings, members) as Parquet "
                                                      "into DIR")] = None,
    csv: Annotated[Path | None, typer.Option(help="export the member-runs as CSV")] = None,
) -> None:
    """Summarise a sweep's store, query it with SQL, or export it."""
    from borderflow import store as st

    if sql is not None:
        con = st.runs(store)
        try:
            frame = con.execute(sql).df()
        except Exception as exc:  # DuckDB's parser and binder errors: the user's SQL
            raise ParameterError(f"--sql: {' '.join(str(exc).split())}") from None
        finally:
            con.close()
        table = Table(title=sql, title_justify="left")
        for column in frame.columns:
            table.add_column(str(column))
        for row in frame.head(200).itertuples(index=False):
            table.add_row(*(f"{v:.6g}" if isinstance(v, float) else str(v) for v in row))
        _show(table, json_out, frame.to_dict(orient="records"))
        return
    summary = st.sweep_results(store)
    if parquet is not None or csv is not None:
        con = st.runs(store)
        try:
            if parquet is not None:
                parquet.mkdir(parents=True, exist_ok=True)
                for view in ("runs", "settings", "members"):
                    target = str(parquet / f"{view}.parquet").replace("'", "''")
                    con.execute(f"COPY (SELECT * FROM {view}) TO '{target}' (FORMAT parquet)")
            if csv is not None:
                target = str(csv).replace("'", "''")
                con.execute(f"COPY (SELECT * FROM runs) TO '{target}' (HEADER, DELIMITER ',')")
        finally:
            con.close()
    table = Table(title=f"sweep store {store}", title_justify="left", show_header=False)
    for key in ("experiment", "experiment_hash", "chunks_done", "chunks_total", "member_runs",
                "member_runs_total", "settings", "members", "digest"):
        table.add_row(key, f"{summary[key]:,}" if isinstance(summary[key], int)
                      else str(summary[key]))
    table.add_row("outcomes", ", ".join(summary["outcomes"]))
    _show(table, json_out, summary)


@app.command()
def discover(
    store: Annotated[Path, typer.Argument(help="a sweep's results directory")],
    outcome: Annotated[str, typer.Option(help="a stored outcome or deaths_averted, "
                                              "cost_usd_per_year")],
    below: Annotated[float | None, typer.Option(help="cases: the outcome under X")] = None,
    above: Annotated[float | None, typer.Option(help="cases: the outcome over X")] = None,
    policy: Annotated[str | None, typer.Option(
        help="one setting's name (see `results --sql 'select * from settings'`): "
             "discover over the members' parameters for it alone")] = None,
    threshold: Annotated[float, typer.Option(min=0.0, max=1.0,
                                             help="density PRIM peels to")] = 0.8,
    report: Annotated[Path | None, typer.Option(
        help="HTML report of the peeling trajectory and the chosen box (default: "
             "STORE/discover-OUTCOME.html)")] = None,
    json_out: Annotated[Path | None, _json_option("the boxes")] = None,
) -> None:
    """Scenario discovery (PRIM, EMA Workbench): where the outcome crosses X."""
    from borderflow.discovery import discover as find
    from borderflow.discovery import discovery_figure
    from borderflow.io import write_text

    found = find(store, outcome, below=below, above=above, policy=policy, threshold=threshold)
    path = report or store / f"discover-{outcome}.html"
    write_text(path, discovery_figure(found).to_html(include_plotlyjs=True, full_html=True))
    console = _console(json_out)
    side = f"below {below:g}" if below is not None else f"above {above:g}"
    console.print(f"{outcome} {side}: {found['cases']:,} of {found['member_runs']:,} "
                  f"member-runs{' under ' + policy if policy else ''}; PRIM over "
                  f"{len(found['dimensions'])} dimensions")
    table = Table(title="peeling trajectory", title_justify="left")
    for column in ("box", "coverage", "density", "restricted dims"):
        table.add_column(column, justify="right")
    shown = found["trajectory"]
    step = max(1, len(shown) // 15)
    for t in shown[::step] + ([shown[-1]] if (len(shown) - 1) % step else []):
        table.add_row(str(t["box"]), f"{t['coverage']:.2f}", f"{t['density']:.2f}",
                      str(t["restricted"]))
    console.print(table)
    chosen = found["chosen"]
    box = Table(title=f"chosen box {chosen['box']}: coverage {chosen['coverage']:.2f}, "
                      f"density {chosen['density']:.2f}", title_justify="left")
    for column in ("dimension", "box", "sampled range"):
        box.add_column(column)
    for dim, (lo, hi) in chosen["limits"].items():
        r0, r1 = chosen["ranges"][dim]
        box.add_row(dim, f"[{lo:.4g}, {hi:.4g}]", f"[{r0:.4g}, {r1:.4g}]")
    console.print(box)
    console.print(f"report: {path}")
    if json_out is not None:
        _write_json(json_out, found)


@app.command()
def portfolio(
    store: Annotated[Path, typer.Argument(help="a sweep's results directory")],
    budget: Annotated[float, typer.Option(min=0.0, help="USD per year the portfolio may "
                                                        "cost (mean policy cost)")],
    objective: Annotated[str, typer.Option(help="what to do best on")] = "deaths_averted",
    rule: Annotated[str, typer.Option(help="median | p10 | regret (least maximum "
                                           "regret)")] = "median",
    json_out: Annotated[Path | None, _json_option("the ranking")] = None,
    search: Annotated[bool, typer.Option(
        help="instead, a many-objective search (deaths, cost, encounters, cooperation; "
             "EMA Workbench, ε-NSGA-II) over the store's levers: writes the Pareto set "
             "and its scenario files into STORE/pareto")] = False,
    nfe: Annotated[int, typer.Option(min=10, help="--search: model evaluations")] = 400,
    members: Annotated[int, typer.Option(min=1, help="--search: members an "
                                                     "evaluation")] = 40,
) -> None:
    """The best lever setting within a budget across members, by a robustness rule."""
    from borderflow.discovery import portfolio as choose

    if search:
        from borderflow.discovery import search as pareto

        result = pareto(store, budget, nfe=nfe, members=members)
        table = Table(title=f"Pareto set: {result['solutions']} solutions ({nfe} "
                            f"evaluations of {members} members, within {money(budget)} a "
                            "year)", title_justify="left")
        levers = [k for k in result["pareto"][0] if k not in result["objectives"]] \
            if result["pareto"] else []
        first, last = result["period"]
        for column in (*levers, f"opioid deaths {first}-{last}",
                       f"policy cost {first}-{last}", f"encounters {first}-{last}",
                       "cooperation 2030"):
            table.add_column(column)
        for row in result["pareto"]:
            table.add_row(*(f"{row[k]:.3g}" for k in levers), compact(row[
                "opioid_overdose_deaths"]), money(row["policy_cost_usd"]),
                compact(row["encounters"]), f"{row['cooperation_2030']:.3f}")
        _show(table, json_out, result)
        _console(json_out).print(f"scenario files and pareto.csv in {Path(result['csv']).parent}")
        return
    found = choose(store, budget, objective=objective, rule=rule)  # type: ignore[arg-type]
    table = Table(title=f"{objective}: settings within {money(budget)} a year, best "
                        f"by {rule} over {found['members']:,} members "
                        f"({found['candidates']} candidates)", title_justify="left")
    for column in ("setting", "levers", "median", "10th pct", "max regret", "cost a year"):
        table.add_column(column, overflow="fold")

    def row(c: dict) -> list[str]:
        return [c["name"], ", ".join(f"{k} {compact(v) if abs(v) >= 1e3 else f'{v:.3g}'}"
                                     for k, v in c["levers"].items()),
                compact(c["median"]), compact(c["p10"]), compact(c["max_regret"]),
                money(c["cost_usd_per_year"])]

    for c in found["ranking"]:
        table.add_row(*row(c))
    console = _console(json_out)
    console.print(table)
    single = found["best_single_lever"]
    chosen = found["chosen"]
    if single is not None and single["setting"] != chosen["setting"]:
        console.print(f"chosen {chosen['name']} against the best single lever within the "
                      f"budget, {single['name']}: median {compact(chosen['median'])} vs "
                      f"{compact(single['median'])}, 10th percentile "
                      f"{compact(chosen['p10'])} vs {compact(single['p10'])}, for "
                      f"{money(chosen['cost_usd_per_year'])} vs "
                      f"{money(single['cost_usd_per_year'])} a year")
    if json_out is not None:
        _write_json(json_out, found)
