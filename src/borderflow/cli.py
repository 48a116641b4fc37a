"""The command-line front door: ``borderflow run | data | scenarios | network | params | sweep``.

Every command is one call of the public API plus printing. A mistake of the user's
(bad file, bad argument) ends with one line on stderr and exit status 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.exceptions import TyperException

from borderflow.display import cell, compact, money, quantity
from borderflow.errors import BorderflowError
from borderflow.io import write_text
from borderflow.outcomes import SCALAR, TABLES

T = TypeVar("T")

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="borderflow: the fentanyl supply chain across the US-Mexico border, and the "
    "levers on it.",
)
data_app = typer.Typer(no_args_is_help=True, help="The cited historical series.")
app.add_typer(data_app, name="data")


#: ``--json -``: the JSON document goes to standard output, and the tables to stderr.
STDOUT = Path("-")


def _json_option(what: str) -> Any:
    """The ``--json FILE`` option of a command writing ``what``."""
    return typer.Option("--json", metavar="FILE",
                        help=f"write {what} as JSON to FILE ('-': standard output)")


#: The scenarios a command runs: shipped names or files; default the shipped library.
ScenariosArgument = Annotated[
    list[str] | None,
    typer.Argument(help="shipped scenario names or scenario file paths (default: all "
                   "shipped scenarios)", show_default=False)]
#: ``--period FIRST-LAST``: the calendar years the totals cover.
PeriodOption = Annotated[str | None, typer.Option(
    metavar="FIRST-LAST", help="calendar years the totals cover, e.g. 2026-2030 or 2030 "
    "[default: 2025-2034]", show_default=False)]
#: ``--network FILE``: every command that runs the model takes a user's network.
NetworkOption = Annotated[
    Path | None, typer.Option(help="network YAML file (default: the shipped network)")]


def _period(text: str | None) -> tuple[int, int] | None:
    """``--period``: ``2026-2030`` or ``2030`` → (first, last); a clear error otherwise."""
    if text is None:
        return None
    import re

    match = re.fullmatch(r"\s*(\d{4})\s*(?:[-–:]\s*(\d{4})\s*)?", text)
    if not match:
        raise BorderflowError(f"--period: write the calendar years as FIRST-LAST, e.g. "
                              f"2026-2030 (or one year, 2030); got {text!r}")
    first, last = int(match.group(1)), int(match.group(2) or match.group(1))
    if not 2025 <= first <= last <= 2035:
        raise BorderflowError(
            f"--period: years between 2025 (after the data window) and 2035 (the run's "
            f"end), first before last; got {text!r}")
    return first, last


def _console(json_out: Path | None = None) -> Console:
    """Where tables go: stdout (wide enough when not a terminal), stderr under ``--json -``."""
    if json_out == STDOUT:
        return Console(stderr=True)
    c = Console()
    return c if c.is_terminal else Console(width=200)


def _write_json(json_out: Path, document: object) -> None:
    """Write ``document`` as JSON to ``json_out`` (``-``: standard output)."""
    text = json.dumps(document, indent=2)
    if json_out == STDOUT:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    else:
        write_text(json_out, text)


def _show(table: Table, json_out: Path | None, document: object) -> None:
    """Print a command's table and, when asked, write its JSON document."""
    _console(json_out).print(table)
    if json_out is not None:
        _write_json(json_out, document)


def _tempering(label: str, call: Callable[[Callable[[float], None]], T]) -> T:
    """Run ``call(progress)`` under a progress bar of the tempering temperature (0-1)."""
    from rich.progress import Progress

    with Progress(console=Console(stderr=True)) as bar:
        task = bar.add_task(label, total=1.0)
        return call(lambda phi: bar.update(task, completed=phi))


@app.command()
def run(
    scenarios: ScenariosArgument = None,
    members: Annotated[int | None, typer.Option(
        min=1, help="ensemble members  [default: 500]", show_default=False)] = None,
    seed: Annotated[int | None, typer.Option(
        help="ensemble seed  [default: 0]", show_default=False)] = None,
    network: NetworkOption = None,
    json_out: Annotated[Path | None, _json_option("the metrics")] = None,
    report: Annotated[
        Path | None, typer.Option(help="write an HTML report with fan charts to this file")
    ] = None,
    parameters: Annotated[str | None, typer.Option(
        help="'posterior' (calibrated), 'prior' or a posterior .json file  [default: "
        "posterior]", show_default=False)] = None,
    experiment_file: Annotated[Path | None, typer.Option(
        "--experiment", metavar="FILE", help="an experiment YAML file (network, scenarios, "
        "parameters, members, seed, period); options given here win over it")] = None,
    period: PeriodOption = None,
    per_year: Annotated[Path | None, typer.Option(
        "--per-year", metavar="FILE.csv", help="write every metric by year and scenario "
        "(median and 90 % interval) as CSV")] = None,
) -> None:
    """Run scenarios against status_quo and print the period's totals with 90 % intervals."""
    from rich.progress import Progress

    from borderflow.api import compare
    from borderflow.experiment import Experiment

    console = _console(json_out)
    experiment = (Experiment.from_file(experiment_file) if experiment_file is not None
                  else Experiment())
    _print_readings(console, scenarios or experiment.scenarios, network or experiment.network)
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("simulating", total=None)

        def step(name: str) -> None:
            bar.update(task, description=f"simulating {name}", advance=1)

        given = {k: v for k, v in (("scenarios", scenarios or None), ("members", members),
                                   ("seed", seed), ("network", network),
                                   ("parameters", parameters), ("period", _period(period)))
                 if v is not None}
        result = compare(experiment=experiment, progress=step, **given)
    members, seed = result.members, result.seed
    first, last = result.period
    title = (f"{first}-{last} totals against {result.baseline} ({members} members, seed "
             f"{seed}; median [90 % interval]; changes paired member by member)")
    for i, (caption, columns) in enumerate(TABLES):
        table = Table(title=f"{caption}, {title}" if i == 0 else caption, title_justify="left")
        table.add_column("scenario", no_wrap=True)
        for _, header in columns:
            table.add_column(header, justify="right")
        for name, m in result.metrics.items():
            table.add_row(name, *(cell(metric, m[metric]) for metric, _ in columns))
        console.print(table)
    console.print(
        f"Parameters: {result.parameters}. Deaths averted: opioid overdose deaths, status "
        "quo minus scenario; cost per death (encounter) averted: mean incremental cost "
        "(policy + trade) over mean deaths (encounters) averted, both discounted at 3 %/yr "
        f"from {first}, with a bootstrap 90 % interval over members ('∞': some resamples "
        "avert none), '-' where the mean averted is under one. Rankings: `borderflow compare "
        "A B` gives the probability that one scenario beats another."
    )
    from borderflow.calibration.targets import LAST_YEAR

    console.print(
        f"Data reach {LAST_YEAR} (calendar year for deaths, fiscal year for CBP seizures "
        f"and encounters); every later year is a forecast: potency follows random walks "
        f"from the last DEA observations, and policy stays as it was at the end of "
        f"{LAST_YEAR} (scan rates, the asylum regime, China's listings) unless a lever "
        "changes it."
    )
    if result.plans:
        from borderflow.report.plans import responses

        for name, entry in responses(result).items():
            plan, delivered = entry["plan"], entry["dynamic"]["delivered_kg"]
            spans = ", ".join(f"{100 * stats['median']:+.1f} % {label.replace('_', ' ')}"
                              for label, stats in delivered.items())
            console.print(f"{name}: the static optimiser promised "
                          f"{100 * plan.promised_change:+.1f} % ({plan.unit}); the dynamic "
                          f"model's kilograms delivered, paired median: {spans}.")
    if json_out is not None:
        _write_json(json_out, result.to_json())
        if json_out != STDOUT:
            console.print(f"wrote {json_out}")
    if per_year is not None:
        write_text(per_year, _per_year_csv(result))
        console.print(f"wrote {per_year}")
    if report is not None:
        from borderflow.report import render

        write_text(report, render(result, command=_command(),
                                  network=network or experiment.network))
        console.print(f"wrote {report}")


def _print_readings(console: Console, scenarios: list[str] | None, network: Any) -> None:
    """Before a run: each lever of each scenario as the model reads it, with warnings."""
    from borderflow.network import load_network
    from borderflow.policy import load_scenario, shipped_names
    from borderflow.policy.reading import read_levers

    net = load_network(network)
    for spec in scenarios or shipped_names():
        scen = load_scenario(spec)
        for reading in read_levers(scen, net):
            console.print(f"{scen.name}: {reading.line}", markup=False, highlight=False)
            for warning in reading.warnings:
                console.print(f"  [yellow]warning:[/yellow] {escape(warning)}")


def _command() -> str:
    """The command line that is running, for a report's footer."""
    import shlex

    return " ".join(["borderflow", *(shlex.quote(a) for a in sys.argv[1:])])


def _per_year_csv(result: Any) -> str:
    """Every yearly metric of every scenario: scenario, metric, unit, year, median, p05, p95."""
    import csv
    import io

    from borderflow.results import UNITS

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["scenario", "metric", "unit", "year", "median", "p05", "p95"])
    for name in result.metrics:
        for metric, series in result.by_year(name).items():
            unit = ("opioid overdose deaths a year, status quo minus scenario, paired"
                    if metric == "deaths_averted" else
                    UNITS.get(metric, "").replace("/month", " a year"))
            if metric == "cooperation":
                unit = "cooperation index (0-1), mean over the year"
            for row in zip(series["year"], series["median"], series["p05"], series["p95"],
                           strict=True):
                writer.writerow([name, metric, unit, row[0], *(f"{x:.6g}" for x in row[1:])])
    return buffer.getvalue()


@app.command("compare")
def compare_command(
    a: Annotated[str, typer.Argument(help="scenario A: a shipped name or a file")],
    b: Annotated[str, typer.Argument(help="scenario B: a shipped name or a file")],
    outcome: Annotated[str, typer.Option(
        help="the outcome the question is about (its line comes first)")] = "deaths_averted",
    budget: Annotated[float | None, typer.Option(
        metavar="USD_PER_YEAR", help="also compare at equal spending: each scenario's "
        "levers scaled to cost this much a year")] = None,
    members: Annotated[int, typer.Option(min=1, help="ensemble members")] = 500,
    seed: Annotated[int, typer.Option(help="ensemble seed")] = 0,
    period: PeriodOption = None,
    network: NetworkOption = None,
    json_out: Annotated[Path | None, _json_option("the comparison")] = None,
) -> None:
    """Set scenario A against B on the same members: differences, and how sure.

    Every outcome member by member: A, B, the difference A - B with its 90 % interval,
    and the probability that A is better (the share of paired members in which it is).
    With --budget, the same at equal spending.
    """
    from borderflow.api import head_to_head
    from borderflow.outcomes import BY_NAME

    if outcome not in BY_NAME:
        from borderflow.policy.scenario import closest

        close = closest(outcome, list(BY_NAME))
        hint = f"did you mean '{close}'? " if close else ""
        raise BorderflowError(f"--outcome: unknown outcome {outcome!r}; {hint}known: "
                              f"{', '.join(BY_NAME)}")
    h = head_to_head(a, b, budget=budget, members=members, seed=seed, network=network,
                     **({"period": p} if (p := _period(period)) else {}))
    console = _console(json_out)
    first, last = h.comparison.period
    blocks = [("as set", h.outcomes)]
    if h.equal_budget is not None:
        blocks.append((f"at equal spending, {money(h.equal_budget['budget_usd_per_year'])} "
                       "a year each", h.equal_budget["outcomes"]))
    for label, outcomes in blocks:
        table = Table(title=f"{h.a} (A) against {h.b} (B), {label}: {first}-{last}, "
                      f"{h.comparison.members} paired members; median [90 % interval]",
                      title_justify="left")
        for col in ("outcome", "A", "B", "A - B", "P(A better)"):
            table.add_column(col, justify="left" if col == "outcome" else "right")
        order = [outcome, *[n for n in outcomes if n != outcome]]
        for name in order:
            row = outcomes.get(name)
            if row is None:
                continue
            p = row["probability_a_better"]
            table.add_row(f"[bold]{name}[/bold]" if name == outcome else name,
                          cell(name, row["a"]), cell(name, row["b"]),
                          cell(name, row["difference"]) if row["difference"] else "-",
                          "-" if p is None else "equal" if row["tied_share"] == 1.0
                          else f"{100 * p:.0f} %")
        console.print(table)
        console.print(_verdict(h.a, h.b, outcome, outcomes[outcome]))
    if h.equal_budget is not None:
        eb = h.equal_budget
        console.print(
            "Equal spending: each scenario's costed levers scaled by one factor ("
            + ", ".join(f"{n} x{f:.3g}: as set {money(eb['planned_usd_per_year'][n])} a year, "
                        f"at the budget {money(eb['spent_usd_per_year'][n])} a year on "
                        "average over members" for n, f in eb["scale"].items())
            + "); trade costs are not part of the budget.")
    console.print("P(A better): the share of paired members (draws of the calibrated "
                  "model) in which A does better; ratios per member, a member averting "
                  "none counting as infinite cost.")
    if json_out is not None:
        _write_json(json_out, h.to_json())
        if json_out != STDOUT:
            console.print(f"wrote {json_out}")


def _verdict(a: str, b: str, outcome: str, row: dict) -> str:
    """One sentence on how sure the ranking on ``outcome`` is."""
    p = row["probability_a_better"]
    if p is None:
        return f"{outcome} has no better direction: no ranking."
    if row["tied_share"] == 1.0:
        return f"On {outcome}, {a} and {b} are equal in every member: neither acts on it."
    if p >= 0.95 or p <= 0.05:
        winner = a if p >= 0.95 else b
        return (f"On {outcome}, {winner} does better in {100 * max(p, 1 - p):.0f} % of "
                "paired members: a clear ranking.")
    if p >= 0.8 or p <= 0.2:
        winner = a if p >= 0.8 else b
        return (f"On {outcome}, {winner} does better in {100 * max(p, 1 - p):.0f} % of "
                "paired members: likely, not certain.")
    return (f"On {outcome}, {a} does better in {100 * p:.0f} % of paired members: the "
            "model cannot rank them.")


@app.command()
def calibrate(
    through: Annotated[int, typer.Option(help="last (calendar / fiscal) year fitted")] = 2024,
    members: Annotated[int, typer.Option(min=10, help="particles in the posterior")] = 2000,
    seed: Annotated[int, typer.Option(help="sampler seed")] = 0,
    out: Annotated[
        Path | None,
        typer.Option(help="posterior file to write (default: the package's own; required "
                     "with --data or --network)"),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="snapshot directory (`borderflow data update` / "
                     "`import`): fit its series where it has them, the packaged ones "
                     "elsewhere; --through may then reach its last year"),
    ] = None,
    network: NetworkOption = None,
) -> None:
    """Fit the posterior to the cited history by tempered SMC."""
    from borderflow.api import _check_calibrate
    from borderflow.api import calibrate as run

    # a mistake is one line, before the bar
    _check_calibrate(members, through, out, data, network)
    posterior = _tempering("calibrating (temperature)", lambda progress: run(
        particles=members, through=through, seed=seed, out=out, progress=progress,
        data=data, network=network))
    _console().print(f"posterior: {len(posterior.u)} particles, {len(posterior.fitted)} "
                     f"fitted parameters ({len(posterior.held)} keep their prior, in groups), "
                     f"{len(posterior.temperatures)} tempering stages, data through "
                     f"{posterior.through}{f' (from {data} where it has them)' if data else ''}"
                     f"; wrote {out or 'the package posterior'}")
    if data is not None:
        from borderflow.calibration.targets import last_year

        if (reach := last_year(data)) > through:
            _console().print(f"the data in {data} reach {reach}: --through {reach} fits them")


@app.command()
def fit(
    parameters: Annotated[
        str, typer.Option(help="'posterior', 'prior' or a posterior .json file")
    ] = "posterior",
    members: Annotated[int, typer.Option(min=10, help="ensemble members")] = 400,
    json_out: Annotated[Path | None, _json_option("the fit report")] = None,
    network: NetworkOption = None,
) -> None:
    """Score an ensemble against the calibration targets."""
    from borderflow.api import fit_report

    report = fit_report(parameters=parameters, members=members, network=network)
    table = Table(title=f"fit of {parameters} ({members} members; fractions)",
                  title_justify="left")
    for col in ("series", "period", "points", "fitted parameters", "MAPE", "R²",
                "coverage 90 %", "interval score 90 %"):
        table.add_column(col, justify="left" if col == "series" else "right")
    for name, r in report["series"].items():
        table.add_row(name, r["period"], str(r["points"]), str(r["fitted_parameters"]),
                      f"{r['mape']:.3f}", f"{r['r2']:.3f}", f"{r['coverage_90']:.2f}",
                      compact(r["interval_score_90"]))
    _show(table, json_out, report)
    series = report["series"].values()
    points = sum(r["points"] for r in series)
    inside = sum(round(r["coverage_90"] * r["points"]) for r in series)
    _console(json_out).print(f"{inside} of {points} points inside their 90 % predictive interval "
                     f"({inside / points:.2f}); goals: MAPE <= 0.05 for deaths, <= 0.15 for "
                     "the others, overall coverage >= 0.85")
    summary = report.get("parameters", {})
    if summary:
        bound = [name for name, entry in summary.items() if entry["at_bound"]]
        _console(json_out).print(
            f"{len(summary)} fitted and held parameters; posterior median at a prior bound "
            f"(prior CDF < 0.05 or > 0.95): {', '.join(bound) or 'none'}")


@app.command()
def backtest(
    through: Annotated[int, typer.Option(help="last year fitted; the rest is forecast")] = 2021,
    members: Annotated[int, typer.Option(min=10, help="particles and ensemble members")] = 2000,
    seed: Annotated[int, typer.Option(help="seed")] = 0,
    json_out: Annotated[Path | None, _json_option("the scores")] = None,
    network: NetworkOption = None,
) -> None:
    """Calibrate through a year and score the forecast against naive baselines."""
    from borderflow.api import backtest as run

    report = _tempering(f"calibrating through {through}", lambda progress: run(
        through=through, particles=members, members=members, seed=seed, progress=progress,
        network=network))
    table = Table(title=f"forecasts after {through} (fractions; interval score in the "
                  "series' unit)", title_justify="left")
    for col in ("series", "points", "forecaster", "MAPE", "coverage 90 %",
                "interval score 90 %"):
        table.add_column(col, justify="left" if col in ("series", "forecaster") else "right")
    for name, entry in report["series"].items():
        for forecaster in ("model", "persistence", "trend"):
            s = entry[forecaster]
            table.add_row(name if forecaster == "model" else "",
                          str(entry["points"]) if forecaster == "model" else "",
                          forecaster, f"{s['mape']:.3f}", f"{s['coverage_90']:.2f}",
                          compact(s["interval_score_90"]))
    _show(table, json_out, report)


@app.command()
def record(
    origins: Annotated[str, typer.Option(help="origin years, FIRST..LAST")] = "2018..2023",
    particles: Annotated[int, typer.Option(min=10, help="particles per calibration")] = 400,
    members: Annotated[int, typer.Option(min=10, help="ensemble members per forecast")] = 400,
    seed: Annotated[int, typer.Option(help="seed")] = 0,
    json_out: Annotated[Path | None, _json_option("the record")] = None,
    chart: Annotated[
        Path | None, typer.Option("--chart", help="draw the deaths and seizures forecasts "
                                  "against the record as SVG to this file")
    ] = None,
    network: NetworkOption = None,
) -> None:
    """Calibrate through each origin year and score the next two years' forecasts."""
    from borderflow.api import record as forecast_record
    from borderflow.calibration.record import FORECASTERS

    first, _, last = origins.partition("..")
    try:
        years = range(int(first), int(last or first) + 1)
    except ValueError:
        raise BorderflowError(f"--origins must be YEAR or FIRST..LAST, got {origins!r}"
                              ) from None
    if not (2014 <= years.start and years.stop - 1 <= 2023 and len(years) > 0):
        raise BorderflowError(f"--origins must lie in 2014..2023 (a year must follow "
                              f"inside the data window), got {origins!r}")
    console = Console(stderr=True)
    doc = forecast_record(years, particles=particles, members=members, seed=seed,
                          progress=lambda text: console.print(text), network=network)
    table = Table(title=f"forecast record, origins {years.start}-{years.stop - 1} "
                  "(pseudo-out-of-sample; MAPE, 90 % coverage, interval score, sign of the "
                  "change right)", title_justify="left")
    for column in ("series", "years ahead", "points", *FORECASTERS):
        table.add_column(column, justify="left" if column == "series" else "right")
    for series, by_h in doc["scores"].items():
        for h, row in by_h.items():
            cells = []
            for name in FORECASTERS:
                r = row.get(name)
                cells.append("-" if r is None else (
                    f"{r['mape']:.2f} / {r['coverage_90']:.2f} / "
                    f"{compact(r['interval_score_90'])} / "
                    + ("-" if r["sign_right"] is None else f"{r['sign_right']:.2f}")))
            table.add_row(series, h, str(row["model"]["points"]), *cells)
    _show(table, json_out, doc)
    if chart is not None:
        from borderflow.report.record_chart import record_chart

        try:
            record_chart(doc, chart)
        except OSError as exc:
            raise BorderflowError(f"cannot write {chart}: {exc.strerror or exc}") from None


@app.command()
def ledger(
    append: Annotated[bool, typer.Option("--append", help="append the shipped posterior's "
                                         "forecasts to the ledger file")] = False,
    path: Annotated[Path, typer.Option("--file", help="the ledger file")] = Path(
        "forecasts/ledger.csv"),
    members: Annotated[int, typer.Option(min=10, help="ensemble members")] = 1000,
    seed: Annotated[int, typer.Option(help="seed")] = 0,
) -> None:
    """The shipped posterior's forecasts of the three years after its window (the ledger)."""
    from borderflow.api import forecasts
    from borderflow.calibration.ledger import append as write

    rows = forecasts(members=members, seed=seed)
    table = Table(title=f"forecasts of model {rows[0]['model_hash'][:12]} "
                  f"({rows[0]['data_window']}; predictive median [90 % interval])",
                  title_justify="left")
    table.add_column("series")
    years = sorted({row["year"] for row in rows})
    for year in years:
        table.add_column(year, justify="right")
    for series in dict.fromkeys(row["series"] for row in rows):
        cells = {row["year"]: row for row in rows if row["series"] == series}
        table.add_row(series, *(
            f"{compact(float(cells[y]['median']))} [{compact(float(cells[y]['p05']))}, "
            f"{compact(float(cells[y]['p95']))}]" for y in years))
    console = _console()
    console.print(table)
    if append:
        console.print(f"appended {write(path, rows)} rows to {path}")


@app.command()
def explain(
    year: Annotated[int, typer.Option(help="calendar year whose change from the year "
                                      "before is explained")] = 2024,
    members: Annotated[int, typer.Option(min=10, help="ensemble members")] = 200,
    seed: Annotated[int, typer.Option(help="seed")] = 0,
    json_out: Annotated[Path | None, _json_option("the attribution")] = None,
    network: NetworkOption = None,
) -> None:
    """Attribute the change in T40.4 deaths to the model's mechanisms, one counterfactual each."""
    from borderflow.api import explain as attribute

    doc = attribute(year=year, members=members, seed=seed, network=network)
    change = doc["change"]
    title = (f"T40.4 deaths {year - 1} -> {year}: simulated change {compact(change['median'])} "
             f"[{compact(change['p05'])}, {compact(change['p95'])}]")
    if "observed" in doc:
        title += f"; recorded {compact(doc['observed']['change'])}"
    table = Table(title=title + f" ({members} members, paired)", title_justify="left")
    for col in ("mechanism (term held at its previous-year mean)", "deaths", "90 % interval",
                "share of change"):
        table.add_column(col, justify="left" if col.startswith("mechanism") else "right")
    rows = [*doc["mechanisms"].items(), ("residual", doc["residual"])]
    for name, entry in rows:
        table.add_row(f"{name}: {entry['description']}", compact(entry["median"]),
                      f"[{compact(entry['p05'])}, {compact(entry['p95'])}]",
                      f"{entry['share_of_change']:.0%}")
    _show(table, json_out, doc)


def _ids(text: str | None) -> list[str] | None:
    """Comma-separated node ids, or None."""
    return None if text is None else [part.strip() for part in text.split(",") if part.strip()]


@app.command()
def optimize(
    budget: Annotated[float, typer.Option(help="budget, USD per planning year (0 is legal)")],
    network: NetworkOption = None,
    objective: Annotated[str, typer.Option(help="evader or maxflow")] = "evader",
    sources: Annotated[str | None, typer.Option(
        help="comma-separated source node ids (default: the precursor_source nodes)")] = None,
    sinks: Annotated[str | None, typer.Option(
        help="comma-separated sink node ids (default: the market nodes)")] = None,
    upgraded_detection: Annotated[float | None, typer.Option(
        help="detection of an upgraded arc without its own detection_upgraded")] = None,
    json_out: Annotated[Path | None, _json_option("the plan")] = None,
    scenario_out: Annotated[
        Path | None, typer.Option(help="write the plan as a scenario file for `run`")
    ] = None,
) -> None:
    """Where should interdiction go: the exact optimum of a budget, verified."""
    from borderflow.api import optimize_interdiction

    plan = optimize_interdiction(network, budget, objective, sources=_ids(sources),
                                 sinks=_ids(sinks), upgraded_detection=upgraded_detection,
                                 scenario_out=scenario_out)
    unit = "kg/month of max flow" if plan.objective_name == "maxflow" else (
        "weighted chance of getting through")
    table = Table(title=f"{plan.objective_name} interdiction, budget {money(plan.budget_usd)} "
                  f"a year ({unit})", title_justify="left")
    table.add_column("", justify="left")
    table.add_column("value", justify="right")
    for label, value in (
        ("nothing interdicted", plan.baseline), ("with the plan (solver)", plan.objective),
        ("with the plan (verified)", plan.verified_objective), ("best bound", plan.bound),
    ):
        table.add_row(label, f"{value:.6g}")
    table.add_row("gap", f"{plan.gap:.2g}")
    table.add_row("cost of the plan", money(plan.cost_usd))
    table.add_row("solve time", f"{plan.solve_seconds:.3f} s")
    action = "close" if plan.objective_name == "maxflow" else "upgrade"
    for tail, head in plan.interdicted:
        table.add_row(f"{action} arc", f"{tail} -> {head}")
    for node in plan.interdicted_nodes:
        table.add_row("close node", node)
    _show(table, json_out, plan.to_json())
    if scenario_out is not None:
        _console(json_out).print(
            f"wrote {scenario_out}: run it with `borderflow run {scenario_out}`")


@app.command()
def sensitivity(
    outcome: Annotated[str, typer.Option(
        help=f"{', '.join(SCALAR)} (2025-2034 totals)")] = "overdose_deaths",
    method: Annotated[str, typer.Option(help="sobol or morris")] = "sobol",
    samples: Annotated[int, typer.Option(min=2, help="SALib base sample size")] = 64,
    seed: Annotated[int, typer.Option(help="sampling seed")] = 0,
    top: Annotated[int, typer.Option(min=1, help="parameters to print")] = 15,
    json_out: Annotated[Path | None, _json_option("every index")] = None,
    network: NetworkOption = None,
) -> None:
    """Global sensitivity (SALib) of a 2025-2034 outcome to every parameter's prior."""
    from borderflow.api import sensitivity as run

    result = run(outcome=outcome, method=method, samples=samples, seed=seed, network=network)
    rank = "ST" if method == "sobol" else "mu_star"
    rows = sorted(result["indices"].items(), key=lambda kv: -kv[1][rank])[:top]
    table = Table(title=f"{method} indices of {outcome}, 2025-2034 ({samples} samples)",
                  title_justify="left")
    table.add_column("parameter")
    columns = list(rows[0][1]) if rows else []
    for col in columns:
        table.add_column(col, justify="right")
    for name, values in rows:
        table.add_row(name, *(f"{values[c]:.3g}" for c in columns))
    _show(table, json_out, result)


_DIR_HELP = ("snapshot directory (default: $XDG_DATA_HOME/borderflow or "
             "~/.local/share/borderflow)")


@data_app.command("list")
def data_list(
    data_dir: Annotated[Path | None, typer.Option("--dir", help=_DIR_HELP)] = None,
) -> None:
    """List the cited series with their sources, and where each comes from."""
    from borderflow import data
    from borderflow.data import snapshots

    table = Table(title="cited series (borderflow.data.load(NAME))", title_justify="left")
    table.add_column("name", no_wrap=True)
    for col in ("what", "period", "source", "from"):
        table.add_column(col, overflow="fold")
    for name in data.names():
        meta = data.info(name)
        table.add_row(name, meta["title"], meta["period"], meta["source"],
                      snapshots.provenance(name, data_dir))
    _console().print(table)


@data_app.command("show")
def data_show(
    name: Annotated[str, typer.Argument(help="series name (see `borderflow data list`)")],
    rows: Annotated[int, typer.Option(min=1, help="rows to print")] = 40,
    data_dir: Annotated[Path | None, typer.Option(
        "--dir", help="show the snapshot in this directory, if it has one (default: the "
        "packaged series)")] = None,
) -> None:
    """Print a series with its source and URL."""
    from borderflow import data
    from borderflow.data import snapshots

    meta = data.info(name)
    frame = snapshots.load(name, data_dir)
    console = _console()
    console.print(f"[bold]{name}[/bold]: {meta['title']}")
    console.print(f"unit: {meta['unit']}; period: {meta['period']}")
    console.print(f"source: {frame.attrs['source']}")
    console.print(f"url: {frame.attrs['url'] or '(per row, see the source columns)'}")
    table = Table(show_edge=False)
    for col in frame.columns:
        table.add_column(str(col), overflow="fold")
    for record in frame.head(rows).itertuples(index=False):
        table.add_row(*["" if v != v else str(v) for v in record])  # NaN prints empty
    console.print(table)
    if len(frame) > rows:
        console.print(f"... {len(frame) - rows} more rows (use --rows)")


@data_app.command("update")
def data_update(
    data_dir: Annotated[Path | None, typer.Option("--dir", help=_DIR_HELP)] = None,
) -> None:
    """Fetch CDC's provisional T40.4 counts (data.cdc.gov, xkb8-kh2a) into a snapshot."""
    from borderflow.data import snapshots

    for line in snapshots.describe(snapshots.update(data_dir)):
        _console().print(line, markup=False, highlight=False)


@data_app.command("import")
def data_import(
    file: Annotated[Path, typer.Argument(help="the file you downloaded", show_default=False)],
    series: Annotated[str, typer.Option(
        help="cbp_drug_seizures_fy (CBP Nationwide Drug Seizures CSV), "
        "cbp_southwest_encounters_fy (CBP Southwest Land Border Encounters CSV) or "
        "cdc_overdose_deaths_annual (CDC WONDER export, T40.4, by year or month)",
        show_default=False)],
    data_dir: Annotated[Path | None, typer.Option("--dir", help=_DIR_HELP)] = None,
) -> None:
    """Check a downloaded CBP or CDC WONDER file and write it as a snapshot."""
    from borderflow.data import snapshots

    for line in snapshots.describe(snapshots.import_file(file, series, data_dir)):
        _console().print(line, markup=False, highlight=False)


scenarios_app = typer.Typer(
    invoke_without_command=True,
    help="The levers and the shipped scenarios: list them, show one, start a new file.")
app.add_typer(scenarios_app, name="scenarios")


@scenarios_app.callback()
def scenarios(
    ctx: typer.Context,
    json_out: Annotated[Path | None, _json_option("the levers and scenarios")] = None,
) -> None:
    """List the levers (unit, range, effectiveness priors) and the shipped scenarios."""
    if ctx.invoked_subcommand is not None:
        return
    from borderflow.api import levers as catalogue
    from borderflow.policy import load_scenario, shipped_names

    kinds = catalogue()
    console = _console(json_out)
    table = Table(title="levers: set in a government's units, mapped to their effect "
                  "through uncertain effectiveness", title_justify="left")
    table.add_column("lever", style="bold")
    table.add_column("unit")
    table.add_column("range")
    table.add_column("effectiveness priors", overflow="fold")
    for kind, info in kinds.items():
        lo, hi = info["range"]  # type: ignore[misc]
        span = "" if lo is None else f"{quantity(lo)}-{quantity(hi)}"
        table.add_row(kind, str(info["unit"]), span, ", ".join(
            f"{e['parameter']} {quantity(e['low'])} to {quantity(e['high'])} {e['unit']}"
            for e in info["effectiveness"]) or "(none: read as given)")  # type: ignore[attr-defined]
    console.print(table)
    shipped = Table(title="shipped scenarios (`borderflow scenarios show NAME` prints one "
                    "to copy)", title_justify="left")
    shipped.add_column("name", style="bold")
    shipped.add_column("levers", overflow="fold")
    shipped.add_column("description", overflow="fold")
    doc: dict[str, object] = {"schema": 2, "levers": kinds, "scenarios": {}}
    for name in shipped_names():
        scen = load_scenario(name)
        rows = [lev.model_dump(by_alias=True, exclude_none=True) for lev in scen.levers]
        for row in rows:
            row["unit"] = kinds[str(row["lever"])]["unit"]
        doc["scenarios"][name] = {"description": scen.description, "levers": rows}  # type: ignore[index]
        shipped.add_row(name, "; ".join(
            f"{r['lever']} {quantity(r['intensity'])} ({r['unit']})" if "intensity" in r
            else str(r["lever"]) for r in rows) or "(none)", scen.description)
    console.print(shipped)
    if json_out is not None:
        _write_json(json_out, doc)
        if json_out != STDOUT:
            console.print(f"wrote {json_out}")


@scenarios_app.command("show")
def scenarios_show(
    name: Annotated[str, typer.Argument(help="a shipped scenario or a lever kind")],
) -> None:
    """Print a shipped scenario's file to copy and edit, or what a lever kind is."""
    from borderflow.policy import shipped_names
    from borderflow.policy.registry import LEVER_KINDS, catalogue
    from borderflow.policy.template import shipped_text

    found = False
    if name in shipped_names():
        sys.stdout.write(shipped_text(name))
        print(f"# to copy it: borderflow scenarios show {name} > my_{name}.yaml; edit it; "
              f"borderflow run my_{name}.yaml")
        found = True
    if name in LEVER_KINDS:
        info = catalogue()[name]
        lo, hi = info["range"]  # type: ignore[misc]
        lines = [f"# lever {name}: {info['what']}", f"#   unit: {info['unit']}"]
        if lo is not None:
            lines.append(f"#   allowed: {quantity(lo)} to {quantity(hi)}")
        if info.get("plausible"):
            p_lo, p_hi = info["plausible"]  # type: ignore[misc]
            lines.append(f"#   plausible: {quantity(p_lo)} to {quantity(p_hi)} "
                         f"({info.get('plausible_source', '')})")
        lines.append(f"#   to start a file with it: borderflow scenarios new my_scenario "
                     f"--lever {name}")
        print("\n".join(lines))
        found = True
    if not found:
        from borderflow.policy.scenario import closest

        close = closest(name, [*shipped_names(), *LEVER_KINDS], cutoff=0.5)
        hint = f"did you mean '{close}'? " if close else ""
        raise BorderflowError(f"no shipped scenario or lever kind named {name!r}; {hint}"
                              "`borderflow scenarios` lists them")


@scenarios_app.command("new")
def scenarios_new(
    name: Annotated[str, typer.Argument(help="the new scenario's name (letters, digits, _ "
                                            "or -); written to NAME.yaml")],
    lever: Annotated[list[str], typer.Option(
        "--lever", help="a lever kind to put in it (repeat for more)")],
    out: Annotated[Path | None, typer.Option(
        "-o", "--out", help="the file to write [default: NAME.yaml]",
        show_default=False)] = None,
    force: Annotated[bool, typer.Option(help="overwrite the file if it exists")] = False,
) -> None:
    """Write a valid starting scenario file, each lever's unit and range in comments."""
    from borderflow.policy import load_scenario
    from borderflow.policy.template import scenario_template

    path = out or Path(f"{name}.yaml")
    if path.exists() and not force:
        raise BorderflowError(f"{path}: exists; pass --force to overwrite it")
    text = scenario_template(name, lever)
    write_text(path, text)
    load_scenario(path)  # what it wrote reads back
    _console().print(f"wrote {path}: edit the intensities, places and dates, then "
                     f"borderflow run {path}")


@app.command()
def network(
    path: Annotated[
        Path | None, typer.Argument(help="network YAML file (default: the shipped one)")
    ] = None,
    places: Annotated[bool, typer.Option(
        "--places", help="list every node: id, real name, kind, crossing type")] = False,
) -> None:
    """Validate a network file and summarise its nodes and arcs (--places: every node)."""
    from borderflow.network import load_network

    net = load_network(path)
    compiled = net.compile()
    console = _console()
    console.print(f"[bold]{net.name or net.source}[/bold]: valid ({net.source})")
    kinds = ("precursor_source", "port", "lab_region", "staging", "crossing", "us_hub",
             "market")
    if places:
        table = Table(title="places: write the id in scenario files (regions, crossings, "
                      "ports, source)", title_justify="left")
        for col in ("id", "name", "kind", "crossing type", "lat", "lon"):
            table.add_column(col, justify="right" if col in ("lat", "lon") else "left")
        for node in sorted(net.nodes, key=lambda n: (
                kinds.index(n.kind) if n.kind in kinds else len(kinds), n.id)):
            table.add_row(node.id, node.name, node.kind, node.crossing_type or "",
                          f"{node.lat:.2f}", f"{node.lon:.2f}")
        console.print(table)
        return
    table = Table(show_edge=False)
    table.add_column("kind")
    table.add_column("nodes", justify="right")
    table.add_column("ids", overflow="fold")
    for kind in kinds:
        ids = [compiled.node_ids[n] for n in compiled.nodes_of_kind(kind)]
        table.add_row(kind, str(len(ids)), ", ".join(ids))
    console.print(table)
    console.print(f"{compiled.n_arcs} arcs; `borderflow network --places` lists every "
                  "node's real name")


@app.command()
def params(
    fitted: Annotated[
        bool, typer.Option("--fitted", help="only the parameters calibration estimates")
    ] = False,
    json_out: Annotated[Path | None, _json_option("the table")] = None,
) -> None:
    """List every parameter (the model's and the levers' unit costs) with its prior."""
    from borderflow.model.parameters import FITTED, as_records
    from borderflow.policy.registry import COST_PRIORS

    records = as_records(FITTED) if fitted else as_records(extra=COST_PRIORS)
    title = ("parameters calibration estimates" if fitted else
             "model parameters and the levers' unit costs (priors)")
    table = Table(title=f"{title}: {len(records)}", title_justify="left")
    for col in ("name", "unit", "prior", "mechanism", "fitted", "source"):
        table.add_column(col, overflow="fold")
    for r in records:
        table.add_row(str(r["name"]), str(r["unit"]),
                      f"{r['distribution']}({r['low']:g}, {r['high']:g})",
                      str(r["mechanism"]), "yes" if r["fitted"] else "", str(r["source"]))
    _show(table, json_out, {"parameters": records})


@app.command()
def report(
    scenarios: ScenariosArgument = None,
    out: Annotated[Path, typer.Option("-o", "--out", help="the HTML file to write")] = Path(
        "borderflow-report.html"),
    members: Annotated[int, typer.Option(min=1, help="ensemble members")] = 500,
    seed: Annotated[int, typer.Option(help="ensemble seed")] = 0,
    network: NetworkOption = None,
    period: PeriodOption = None,
) -> None:
    """Write the self-contained HTML report of scenarios against status_quo (no network).

    The same report as ``run --report``: one file, its charts' script inside it, nothing
    fetched from elsewhere.
    """
    from borderflow.api import compare
    from borderflow.report import render

    result = compare(scenarios or None, members=members, seed=seed, network=network,
                     **({"period": p} if (p := _period(period)) else {}))
    write_text(out, render(result, command=_command(), network=network))
    _console().print(f"wrote {out}")


@app.command()
def serve(
    port: Annotated[int, typer.Option(min=1, max=65535, help="port to listen on")] = 8050,
    host: Annotated[str, typer.Option(help="address to listen on (loopback by "
                                           "default)")] = "127.0.0.1",
) -> None:
    """Start the dashboard: set levers, see the answer, share a permalink."""
    from borderflow.dashboard import serve as start

    _console().print(f"borderflow dashboard on http://{host}:{port}/ (Ctrl-C to stop)")
    start(port=port, host=host)


from borderflow import cli_sweeps  # noqa: E402, F401  (registers sweep, results, discover, portfolio)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI; user mistakes end in one line and exit status 2."""
    try:
        app(args=argv, prog_name="borderflow", standalone_mode=False)
    except BorderflowError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except TyperException as exc:  # usage errors: unknown option, bad value, ...
        if type(exc).__name__ == "NoArgsIsHelpError":  # typer has printed the help
            return 0
        print(f"error: {' '.join(exc.format_message().split())}", file=sys.stderr)
        return exc.exit_code
    except typer.Abort:
        print("error: interrupted", file=sys.stderr)
        return 130
    except typer.Exit as exc:
        return exc.exit_code
    return 0


if __name__ == "__main__":  # python -m borderflow.cli: the commands live on the module
    from borderflow.cli import main as _main

    sys.exit(_main())
