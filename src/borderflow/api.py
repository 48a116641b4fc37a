"""The public API: simulate, compare, calibrate, fit_report, backtest, record, explain, ...

:func:`simulate`, :func:`compare`, :func:`calibrate`, :func:`fit_report`,
:func:`backtest`, :func:`record`, :func:`explain`, :func:`sensitivity` and
:func:`optimize_interdiction`; every one that runs the model takes ``network``.

The CLI and the report only call these. Data flows one way: network and scenario
files → drivers and parameter draws → the batched engine → labelled results.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np
import xarray as xr

from borderflow import __version__
from borderflow.calibration.calibrate import Posterior, load_posterior, model_hash
from borderflow.calibration.targets import TARGETS
from borderflow.errors import BorderflowError, ParameterError
from borderflow.experiment import accepts_experiment
from borderflow.io import write_text
from borderflow.model import engine
from borderflow.model import parameters as registry
from borderflow.model.drivers import decimal_year
from borderflow.model.steps import potency
from borderflow.network import Network, load_network
from borderflow.outcomes import SUMS, engine_outputs
from borderflow.policy import Scenario, load_scenario, shipped_names
from borderflow.policy import registry as lever_registry
from borderflow.policy.drivers import build
from borderflow.provenance import describe_parameters, provenance
from borderflow.results import (
    TOTALS_OUTPUTS,
    annual,
    bytes_per_member,
    crossing_changes,
    paired_metrics,
    period_totals,
    to_dataset,
)

ScenarioLike = str | Path | Scenario | dict
NetworkLike = str | Path | Network | None
_T = TypeVar("_T")

#: Largest result :func:`simulate` returns, bytes (judgement: half of a 4 GB budget,
#: leaving the rest to the engine's working arrays and the caller).
SIMULATE_LIMIT_BYTES = 2 * 1024**3
#: Members the reducing verbs (:func:`compare`, :func:`fit_report`) simulate at once:
#: about 0.5 GB of series whatever the ensemble's size.
REDUCE_CHUNK = 2000
#: What the calibration targets read, and what ``compare``'s reductions read.
TARGET_OUTPUTS = frozenset(engine_outputs(t.variable for t in TARGETS))
COMPARE_OUTPUTS = TOTALS_OUTPUTS | TARGET_OUTPUTS


def _members(members: int | Sequence[int]) -> np.ndarray:
    if isinstance(members, bool | float) or (isinstance(members, int) and members < 1):
        raise ParameterError(f"members must be a positive integer, got {members!r}")
    idx = np.arange(members) if isinstance(members, int) else np.asarray(members, dtype=int)
    if idx.ndim != 1 or len(idx) == 0 or (idx < 0).any():
        raise ParameterError("members must be a positive count or a list of member indices >= 0")
    return idx


ParametersLike = str | Path | Posterior


def _network(network: NetworkLike) -> Network:
    """The network of a network argument: a loaded one as is, else read (None: shipped)."""
    return network if isinstance(network, Network) else load_network(network)


def _compiled(network: NetworkLike):
    """The compiled network of a network argument (None: the shipped one)."""
    return _network(network).compile()


@functools.cache
def _shipped_posterior() -> Posterior:
    """The shipped posterior, read once a process (a Posterior is immutable)."""
    return load_posterior()


def _parameter_source(kind: ParametersLike) -> Posterior | None:
    """None for the priors, else the posterior to draw members from."""
    if isinstance(kind, Posterior):
        return kind
    if kind == "prior":
        return None
    if kind == "posterior":
        return _shipped_posterior()
    if isinstance(kind, Path) or str(kind).endswith(".json"):
        return load_posterior(kind)
    raise ParameterError(
        f"parameters must be 'prior', 'posterior' or a posterior .json file, got {kind!r}"
    )


def levers() -> dict[str, dict[str, object]]:
    """Every lever kind: its unit, range, effect, effectiveness and cost priors."""
    return lever_registry.catalogue()


@accepts_experiment
def simulate(
    scenario: ScenarioLike = "status_quo",
    members: int | Sequence[int] = 500,
    seed: int = 0,
    parameters: ParametersLike = "posterior",
    network: NetworkLike = None,
    arc_detail: bool = True,
    start: str | None = None,
    outputs: Collection[str] | None = None,
    threads: int | None = None,
) -> xr.Dataset:
    """Run one scenario over an ensemble, monthly from 2010-01 to 2035-12.

    Args:
        scenario: a shipped scenario's name, a scenario file's path, a mapping or a
            :class:`~borderflow.policy.Scenario`.
        members: how many ensemble members (members ``0 … n−1``), or their indices;
            member ``i`` depends only on ``(seed, i)``, so subsets reproduce exactly.
        seed: the ensemble's seed: it draws prior members and, for every member, the
            post-window paths of the potency inputs (a particle's history through 2024
            does not depend on it).
        parameters: ``"posterior"`` (the default: the shipped calibrated ensemble;
            member ``i`` is particle ``i`` modulo its size), ``"prior"`` (draws from the
            priors in ``borderflow params``), a posterior file's path, or a
            ``Posterior``.
        network: a network file's path or a loaded network; default the shipped one.
        arc_detail: include per-arc ``flow_kg`` and ``seizures_kg`` (dims member,
            month, arc); crossing-level flows are always included.
        start: first month returned, ``YYYY-MM`` (None: 2010-01). ``"2025-01"`` with the
            calibrated posterior resumes from each particle's stored end-of-window state
            and steps only the months after the window (the same numbers as a run from
            2010, to 1e-9); with prior draws, parameter overrides, levers acting before
            it or another network it steps from 2010 and keeps the months asked.
        outputs: the variables to include, names of the engine's outputs or their sums
            ``seizures_lb`` and ``encounters`` (None: all of them); a run records only
            what it is asked for, so fewer outputs run faster in less memory.
            ``policy_cost_usd`` and the ``treatment_slots_used`` it is priced from are
            always included.
        threads: engine threads (None: one per core; a sweep's workers take one each).

    Raises ParameterError when the result would pass :data:`SIMULATE_LIMIT_BYTES`
    (about 250 kB a member, 700 kB with per-arc arrays, on the shipped network).

    Returns:
        ``xarray.Dataset`` with dims ``member``, ``month`` (and ``arc``, ``market``,
        ``source``, ``lab``, ``crossing`` where they apply); ``delivered_kg`` in pure
        kg/month, ``seizures_lb`` in gross lb/month as CBP counts them, and more (each
        variable's ``units`` attribute says).

    """
    source = _parameter_source(parameters)
    idx = _members(members)
    scen = load_scenario(scenario)
    net_obj = _network(network)
    net = net_obj.compile()
    drivers = build(scen, net)
    recorded = _recorded(outputs)
    each = bytes_per_member(net, drivers.n_months,
                            len(registry.NAMES) + len(lever_registry.COST_PRIORS), arc_detail,
                            recorded)
    if len(idx) * each > SIMULATE_LIMIT_BYTES:
        raise ParameterError(
            f"simulate would return {len(idx) * each / 1024**3:.1f} GB ({each / 1e3:.0f} kB a "
            f"member{' with per-arc arrays' if arc_detail else ''}), over its limit of "
            f"{SIMULATE_LIMIT_BYTES / 1024**3:.0f} GB: ask for fewer members, "
            f"{'pass arc_detail=False, ' if arc_detail else ''}or use compare or fit_report, "
            "which reduce as they go")
    draws = parameters_for(scen, idx, seed, source)
    shocks = potency.post_window_shocks(idx, seed, drivers.months, decimal_year(drivers.months))
    t0, resume = _start(start, scen, net, drivers, source, idx)
    arrays = engine.run_chunked(net, drivers, draws, arc_detail=arc_detail, shocks=shocks,
                                start=resume, outputs=recorded, workers=threads)
    if resume is None and t0:  # stepped from 2010 (not eligible): keep the months asked
        arrays = {k: v[:, t0:] for k, v in arrays.items()}
    arrays["policy_cost_usd"] = lever_registry.policy_cost_usd(
        draws, drivers, arrays["treatment_slots_used"], t0)
    return to_dataset(arrays, net, drivers.months[t0:], idx, draws,
                      attrs={"scenario": scen.name, **provenance(net, source, seed),
                             "started_from": "stored end-of-window state" if resume
                             else drivers.months[0].astype(str)})


def _recorded(outputs: Collection[str] | None) -> set[str] | None:
    """The engine outputs behind ``simulate``'s ``outputs`` (None: all), checked."""
    if outputs is None:
        return None
    names = [outputs] if isinstance(outputs, str) else list(outputs)
    known = [*engine.OUTPUT_DIMS, *SUMS, "policy_cost_usd"]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ParameterError(f"unknown outputs {unknown}; known: {', '.join(known)}")
    return engine_outputs(n for n in names if n != "policy_cost_usd") | {"treatment_slots_used"}


def _start(start: str | None, scen: Scenario, net, drivers, source: Posterior | None,
           idx: np.ndarray) -> tuple[int, tuple | None]:
    """Month index a run's outputs start at, and the stored state to resume from.

    A run starts from the posterior's stored end-of-window state when it asks for the
    months from the first after the window only, the parameters are a posterior with
    its states stored for this model and network, and nothing before that month
    differs from the history the states were stepped through (no parameter override,
    no lever acting earlier). Otherwise it steps from 2010 (same numbers, slower).
    """
    if start is None:
        return 0, None
    month = np.datetime64(start, "M")
    if month not in drivers.months:
        raise ParameterError(f"start must be a month of the run (YYYY-MM), got {start!r}")
    t0 = int(np.flatnonzero(drivers.months == month)[0])
    state = None if source is None else source.end_state
    eligible = (state is not None and str(state["stamp.month"]) == start
                and str(state["stamp.network_fingerprint"]) == net.fingerprint
                and str(state["stamp.model_hash"]) == model_hash()
                and not scen.parameters
                and all(np.datetime64(lever.start, "M") >= month for lever in scen.levers))
    if not eligible:
        return t0, None
    return t0, (t0, source.start_state(idx))  # type: ignore[union-attr]


def parameters_for(scen: Scenario, members: np.ndarray, seed: int,
                   source: Posterior | None = None) -> dict[str, np.ndarray]:
    """Per-member parameters of a scenario, with its overrides applied.

    The model's (prior draws when ``source`` is None, else the particles of a
    posterior) and the levers' unit-cost priors (drawn per (seed, member), the same
    for prior and posterior runs: no data inform them).
    """
    overrides = lever_registry.check_overrides(scen.parameters)
    model = {k: v for k, v in overrides.items() if k in registry.BY_NAME}
    if source is None:
        draws = registry.sample(members, seed=seed, overrides=model)
    else:
        draws = source.parameters(members)
        for name, value in model.items():
            draws[name] = np.full(len(members), value)
    return {**draws, **lever_registry.lever_parameters(members, seed, overrides)}


@dataclass(frozen=True)
class Comparison:
    """What :func:`compare` returns.

    Attributes:
        metrics: ``{scenario: {metric: {"median", "p05", "p95"}}}`` for the period.
        annual: calendar-year values (dims scenario, member, year, every year run)
            of kg delivered, CBP (lb) and Mexican (kg) seizures, deaths (T40.4 and all
            opioids), encounters, gun homicides, policy and trade cost (USD) and the
            cooperation index (the year's mean).
        period: first and last calendar year of the metrics.
        totals: each scenario's per-member totals over the period
            (:func:`~borderflow.results.period_totals`), paired by member.
        crossings: ``{scenario: {crossing_id: {...}}}``, where displaced flow goes: each
            crossing's flow and seizures against the baseline
            (:func:`~borderflow.results.crossing_changes`).
        scenarios: the scenarios run, the baseline first, by name (their levers as
            loaded, for the report's legend).
        members, seed, baseline: how the ensemble was run.
        history: the baseline's annual values of each calibration target (dims member,
            year; calendar or fiscal years as the target counts), for fit charts.
        parameters: how the members' parameters were drawn
            (:func:`~borderflow.provenance.describe_parameters`).
        plans: each scenario holding an optimiser's plan (``borderflow optimize
            --scenario-out``): what the static optimiser promised (``StaticPlan``).
        monthly: monthly totals of kilograms shipped from the sources
            (``supply_kg``) and delivered to US markets (``delivered_kg``) for the
            baseline and every plan scenario (dims scenario, member, month).

    """

    metrics: dict[str, dict[str, dict[str, float]]]
    annual: xr.Dataset
    period: tuple[int, int]
    members: int
    seed: int
    baseline: str
    history: dict[str, xr.DataArray] = field(default_factory=dict)
    parameters: str = ""
    plans: dict = field(default_factory=dict)
    monthly: xr.Dataset | None = None
    provenance: dict = field(default_factory=dict)
    totals: dict[str, dict[str, xr.DataArray]] = field(default_factory=dict)
    crossings: dict[str, dict[str, dict]] = field(default_factory=dict)
    scenarios: dict[str, Scenario] = field(default_factory=dict)

    def to_json(self) -> dict:
        """The ``--json`` document: ``{"scenarios": {NAME: {"metrics": {...}}}}``."""
        return {
            "period": list(self.period),
            "members": self.members,
            "seed": self.seed,
            "baseline": self.baseline,
            "parameters": self.parameters,
            "provenance": self.provenance,
            "scenarios": {name: {"metrics": m, "crossings": self.crossings.get(name, {}),
                                 "by_year": self.by_year(name)}
                          for name, m in self.metrics.items()},
        }

    def by_year(self, scenario: str) -> dict[str, dict[str, list[float]]]:
        """A scenario's yearly values in the period: median and 90 % interval by year.

        ``{variable: {"year": [...], "median": [...], "p05": [...], "p95": [...]}}``
        for every variable of :attr:`annual`, plus ``deaths_averted`` (paired against
        the baseline).
        """
        first, last = self.period
        years = self.annual.sel(year=slice(first, last))
        scen = years.sel(scenario=scenario)
        data = {name: scen[name] for name in scen.data_vars}
        data["deaths_averted"] = (years["opioid_overdose_deaths"].sel(scenario=self.baseline)
                                  - scen["opioid_overdose_deaths"])
        out = {}
        for name, values in data.items():
            q = values.quantile([0.5, 0.05, 0.95], dim="member").values
            out[name] = {"year": [int(y) for y in values["year"].values],
                         "median": q[0].tolist(), "p05": q[1].tolist(), "p95": q[2].tolist()}
        return out


def _reduced(scenario: ScenarioLike, members: int | Sequence[int], seed: int,
             source: Posterior | None, network: Network,
             reduce: Callable[[xr.Dataset], _T], outputs: Collection[str]) -> list[_T]:
    """``reduce`` applied to the simulation of each chunk of :data:`REDUCE_CHUNK` members.

    Only ``outputs`` are recorded (what ``reduce`` reads).

    What a verb keeps of a run is small; the run is not: so the ensemble is simulated a
    chunk at a time and only the reductions are kept (member ``i`` is the same member
    whatever the chunking).
    """
    idx = _members(members)
    return [reduce(simulate(scenario, idx[i:i + REDUCE_CHUNK], seed, source or "prior",
                            network, arc_detail=False, outputs=outputs))
            for i in range(0, len(idx), REDUCE_CHUNK)]


def _concat(parts: list[dict[str, xr.DataArray]]) -> dict[str, xr.DataArray]:
    """Per-member reductions of the chunks, joined along ``member``."""
    if len(parts) == 1:
        return parts[0]
    return {k: xr.concat([p[k] for p in parts], dim="member") for k in parts[0]}


@accepts_experiment
def compare(
    scenarios: Iterable[ScenarioLike] | None = None,
    members: int = 500,
    seed: int = 0,
    parameters: ParametersLike = "posterior",
    network: NetworkLike = None,
    baseline: ScenarioLike = "status_quo",
    period: tuple[int, int] = (2025, 2034),
    progress: Callable[[str], None] | None = None,
) -> Comparison:
    """Run scenarios and the baseline on the same member draws and compare them.

    Changes are paired: member ``i`` runs with the same parameters in every scenario
    (plus each scenario's overrides) and each change is scenario minus baseline,
    member by member, in the metric's unit. With no scenarios, the whole shipped
    library is compared. ``progress`` is called with each scenario's name as it
    starts.

    Args:
        scenarios: shipped names, scenario files, mappings or ``Scenario`` objects.
        members: ensemble members (member ``i`` is the same draw in every scenario).
        seed: the ensemble's seed.
        parameters: ``"posterior"`` (default), ``"prior"`` or a posterior file.
        network: a network file or object (default: the shipped network).
        baseline: what every scenario is compared with (default ``status_quo``).
        period: first and last calendar year of the totals, e.g. ``(2026, 2030)`` for
            levers that start in 2026 (default 2025-2034); costs and deaths are
            discounted from its first year. The yearly values (``annual``,
            :meth:`Comparison.by_year`) cover every year run whatever the period.
        progress: called with each scenario's name as it starts.

    Returns a :class:`Comparison`: metrics, yearly values (deaths, costs, seizures,
    encounters, cooperation), per-member totals and where displaced flow goes.

    """
    source = _parameter_source(parameters)
    chosen = list(shipped_names()) if scenarios is None else list(scenarios)
    base = load_scenario(baseline)
    loaded = [load_scenario(s) for s in chosen]
    names = [s.name for s in loaded]
    if len(set(names)) != len(names):
        raise BorderflowError(f"two scenarios share a name: {', '.join(names)}")
    runs = [base, *[s for s in loaded if s.name != base.name]]
    net_obj = _network(network)
    totals, yearly, monthly = {}, {}, {}
    for scen in runs:
        if progress is not None:
            progress(scen.name)
        keep_monthly = scen.plan is not None or scen.name == base.name

        def reduce(ds: xr.Dataset, scen: Scenario = scen, keep_monthly: bool = keep_monthly
                   ) -> dict:
            out = {"totals": period_totals(ds, *period), "yearly": annual(ds)}
            if keep_monthly:
                out["monthly"] = xr.Dataset({
                    "supply_kg": ds["supply_kg"].sum("source"),
                    "delivered_kg": ds["delivered_kg"].sum("market"),
                })
            if scen.name == base.name:
                out["history"] = {t.name: t.simulated(ds) for t in TARGETS}
            return out

        parts = _reduced(scen, members, seed, source, net_obj, reduce, COMPARE_OUTPUTS)
        totals[scen.name] = _concat([p["totals"] for p in parts])
        yearly[scen.name] = xr.concat([p["yearly"] for p in parts], dim="member")
        if keep_monthly:
            monthly[scen.name] = xr.concat([p["monthly"] for p in parts], dim="member")
        if scen.name == base.name:
            history = _concat([p["history"] for p in parts])
    order = [base.name, *[n for n in names if n != base.name]]
    metrics = {name: paired_metrics(totals[base.name], totals[name]) for name in order}
    net = net_obj.compile()
    crossing_names = {net.node_ids[c]: net.node_names[c] or net.node_ids[c]
                      for c in net.nodes_of_kind("crossing")}
    crossings = {name: crossing_changes(totals[base.name], totals[name], crossing_names)
                 for name in order if name != base.name}
    combined = xr.concat(list(yearly.values()), dim="scenario").assign_coords(
        scenario=list(yearly)
    )
    plans = {s.name: s.plan for s in loaded if s.plan is not None}
    flows = None
    if plans:
        flows = xr.concat(list(monthly.values()), dim="scenario").assign_coords(
            scenario=list(monthly))
    return Comparison(metrics, combined, period, members, seed, base.name, history,
                      describe_parameters(source), plans, flows,
                      provenance(net, source, seed), {name: totals[name] for name in order},
                      crossings, {s.name: s for s in runs})


@dataclass(frozen=True)
class HeadToHead:
    """What :func:`head_to_head` returns: scenario A against scenario B.

    Attributes:
        a, b: the two scenarios' names.
        outcomes: ``{outcome: {...}}`` as :func:`~borderflow.results.head_to_head`
            gives it: each side, the paired difference A − B with its 90 % interval
            and the probability that A is better.
        equal_budget: ``None``, or the same comparison with each scenario's costed
            levers scaled to spend ``budget_usd_per_year``
            (:func:`~borderflow.policy.budget.at_budget`): ``{"budget_usd_per_year",
            "scale": {name: factor}, "spent_usd_per_year": {name: mean policy cost a
            year as run}, "outcomes": {...}}``.
        comparison: the :class:`Comparison` both ran in (every scenario against the
            baseline, on the same members).

    """

    a: str
    b: str
    outcomes: dict
    equal_budget: dict | None
    comparison: Comparison

    def to_json(self) -> dict:
        """The ``borderflow compare --json`` document."""
        c = self.comparison
        return {"a": self.a, "b": self.b, "period": list(c.period), "members": c.members,
                "seed": c.seed, "baseline": c.baseline, "parameters": c.parameters,
                "provenance": c.provenance, "outcomes": self.outcomes,
                "equal_budget": self.equal_budget}


@accepts_experiment
def head_to_head(
    a: ScenarioLike,
    b: ScenarioLike,
    budget: float | None = None,
    members: int = 500,
    seed: int = 0,
    parameters: ParametersLike = "posterior",
    network: NetworkLike = None,
    period: tuple[int, int] = (2025, 2034),
    progress: Callable[[str], None] | None = None,
) -> HeadToHead:
    """Scenario A against scenario B on the same members, and how sure the ranking is.

    Both run with the baseline on the same member draws. Every outcome is compared
    member by member (:func:`~borderflow.results.head_to_head`): the difference A − B
    with its 90 % interval and the share of members in which A is better, i.e. the
    posterior probability that A beats B. With ``budget`` (USD a year), both are also
    compared at equal spending: each scenario's costed levers are scaled by one factor
    so that their mean cost a year over ``period`` is the budget, and the scaled pair is
    run and compared the same way.
    """
    from borderflow.policy.budget import at_budget, cost_usd_per_year
    from borderflow.results import head_to_head as paired
    from borderflow.results import per_member

    first, second = load_scenario(a), load_scenario(b)
    if first.name == second.name:
        raise BorderflowError(f"compare needs two different scenarios; got {first.name} twice")
    runs: list[Scenario] = [first, second]
    scale: dict[str, float] = {}
    if budget is not None:
        if not budget > 0:
            raise ParameterError(f"budget: must be a positive amount of USD a year, got {budget}")
        net = _compiled(network)
        draws = lever_registry.lever_parameters(_members(members), seed)
        unit_costs = {name: float(np.mean(v)) for name, v in draws.items()}
        for scen in (first, second):
            scaled, scale[scen.name] = at_budget(scen, budget, net, unit_costs, period)
            runs.append(scaled)
    result = compare(runs, members=members, seed=seed, parameters=parameters,
                     network=network, period=period, progress=progress)
    base = result.totals[result.baseline]
    values = {name: per_member(base, result.totals[name]) for name in result.totals}
    equal = None
    if budget is not None:
        names = [f"{first.name}_at_budget", f"{second.name}_at_budget"]
        years = period[1] - period[0] + 1
        equal = {
            "budget_usd_per_year": float(budget),
            "scale": scale,
            "spent_usd_per_year": {
                name: float(np.mean(result.totals[n]["policy_cost_usd"])) / years
                for name, n in zip((first.name, second.name), names, strict=True)},
            "planned_usd_per_year": {
                scen.name: cost_usd_per_year(scen, _compiled(network), unit_costs, period)
                for scen in (first, second)},
            "outcomes": paired(values[names[0]], values[names[1]]),
        }
    return HeadToHead(first.name, second.name, paired(values[first.name], values[second.name]),
                      equal, result)


def _check_calibrate(particles: int, through: int, out: str | Path | None,
                     data: str | Path | None, network: NetworkLike = None) -> None:
    """Raise the error :func:`calibrate` would raise for its arguments, before any work."""
    from borderflow.calibration.targets import LAST_YEAR
    from borderflow.data.snapshots import inside_package

    last = LAST_YEAR
    if network is not None:
        if out is None:
            raise BorderflowError(
                "calibrating on --network needs --out FILE: the package's posterior is "
                "fitted on the shipped network and is never overwritten")
        if inside_package(out):
            raise BorderflowError(
                f"refusing to write {out}: it is inside the package, whose posterior is "
                "fitted on the shipped network; a posterior fitted on another network goes "
                "elsewhere (--out)")
    if data is not None:
        from borderflow.calibration.targets import last_year

        if not Path(data).expanduser().is_dir():
            raise BorderflowError(f"{data}: no such snapshot directory")
        if out is None:
            raise BorderflowError(
                "calibrating with --data needs --out FILE: the package's posterior is "
                "fitted to the packaged window and is never overwritten")
        if inside_package(out):
            raise BorderflowError(
                f"refusing to write {out}: it is inside the package, whose posterior is "
                f"fitted to the packaged window (to {LAST_YEAR}); a posterior fitted to "
                f"{data}{f' through {through}' if through > LAST_YEAR else ''} goes "
                "elsewhere (--out)")
        last = max(LAST_YEAR, last_year(data))
    if not 2012 <= through <= last:
        raise ParameterError(f"through must be a year in [2012, {last}], got {through}")
    if particles < 10:
        raise ParameterError(f"members must be at least 10, got {particles}")


@accepts_experiment
def calibrate(particles: int = 2000, through: int = 2024, seed: int = 0,
              out: str | Path | None = None,
              progress: Callable[[float], None] | None = None,
              data: str | Path | None = None, network: NetworkLike = None) -> Posterior:
    """Fit the posterior to the annual targets through ``through`` and write it.

    ``out`` defaults to the package's posterior file (what ``parameters="posterior"``
    reads). ``progress`` is called with the tempering temperature (0 to 1) per stage.
    ``data``: a snapshot directory (``borderflow data update`` / ``import``) whose
    series replace the packaged ones; ``through`` may then run to the last year they
    reach, and ``out`` is required and must lie outside the package: the package's
    posterior is fitted to the packaged window (to 2024) and never overwritten so.
    ``network``: a network file or object to calibrate on (default the shipped one);
    ``out`` is then required too.
    """
    from borderflow.calibration.calibrate import calibrate as run_smc
    from borderflow.calibration.calibrate import shipped_path, write_end_states

    _check_calibrate(particles, through, out, data, network)
    net = _compiled(network)
    posterior = run_smc(particles=particles, through=through, seed=seed, network=net,
                        progress=progress, data_dir=data)
    path = Path(out) if out is not None else shipped_path()
    write_text(path, json.dumps(posterior.to_json()))
    write_end_states(posterior, net, path)  # where forecasts resume
    return posterior


@accepts_experiment
def fit_report(parameters: ParametersLike = "posterior", members: int = 400,
               seed: int = 0, network: NetworkLike = None) -> dict:
    """Score an ensemble against the targets: the ``borderflow fit --json`` document.

    ``network``: the network the ensemble runs on (default the shipped one).
    """
    from borderflow.calibration.fit import fit_report as score
    from borderflow.calibration.fit import parameter_summary
    from borderflow.calibration.targets import TARGETS

    source = _parameter_source(parameters)
    net = _network(network)
    simulated = _concat(_reduced("status_quo", members, seed, source, net,
                                 lambda ds: {t.name: t.simulated(ds) for t in TARGETS},
                                 TARGET_OUTPUTS))
    fitted = source.fitted if source is not None else ()
    document = score(fitted, simulated, seed=seed)
    document["provenance"] = provenance(net.compile(), source, seed)
    if source is not None:
        document["parameters"] = parameter_summary(
            (*source.fitted, *source.held), source.names, source.u)
    return document


def forecasts(members: int = 1000, seed: int = 0) -> list[dict[str, str]]:
    """The shipped posterior's forecasts of the years after its window: ledger rows.

    Each calibration series' predictive median and 90 % interval for the
    :data:`~borderflow.calibration.ledger.HORIZON` years after the data window, with the
    package version and the model's hash (``forecasts/ledger.csv``).
    """
    from borderflow.calibration.ledger import forecast_rows

    posterior = load_posterior()
    report = fit_report(parameters=posterior, members=members, seed=seed)["series"]
    return forecast_rows(report, version=__version__, model_hash=posterior.model_hash,
                         through=posterior.through)


@accepts_experiment
def sensitivity(outcome: str = "overdose_deaths", method: str = "sobol", samples: int = 64,
                seed: int = 0, scenario: ScenarioLike = "status_quo",
                period: tuple[int, int] = (2025, 2034), network: NetworkLike = None) -> dict:
    """Global sensitivity of a 2025-2034 outcome to every parameter over its prior.

    Args:
        outcome: a period-total outcome (:data:`borderflow.outcomes.SCALAR`: deaths,
            kilograms delivered, seizures, encounters, gun homicides, costs).
        method: ``sobol`` (first- and total-order indices with confidence intervals)
            or ``morris`` (μ*, σ).
        samples: SALib's base sample size (Sobol runs samples × (parameters + 2)
            members; Morris runs samples × (parameters + 1)).
        seed: sampling seed.
        scenario: the scenario run.
        period: first and last calendar year of the outcome's total.
        network: a network file or object (default the shipped one).

    Returns:
        ``{"outcome", "method", "samples", "indices": {parameter: {...}}}``.

    """
    from borderflow.outcomes import SCALAR, add_sums
    from borderflow.uncertainty.sensitivity import METHODS, indices, problem

    if outcome not in SCALAR:
        raise ParameterError(f"outcome must be one of {', '.join(SCALAR)}, got {outcome!r}")
    if method not in METHODS:
        raise ParameterError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if samples < 2:
        raise ParameterError(f"samples must be at least 2, got {samples}")
    scen = load_scenario(scenario)
    net = _compiled(network)
    drivers = build(scen, net)
    window = (drivers.months >= np.datetime64(f"{period[0]}-01")) & (
        drivers.months <= np.datetime64(f"{period[1]}-12"))

    priors = (*registry.PARAMETERS, *lever_registry.COST_PRIORS)  # the model's and the levers'
    overrides = lever_registry.check_overrides(scen.parameters)

    def model(u: np.ndarray) -> np.ndarray:
        params = {p.name: p.from_unit(u[:, j]) for j, p in enumerate(priors)}
        for name, value in overrides.items():
            params[name] = np.full(len(u), value)
        out = engine.run_chunked(net, drivers, params, arc_detail=False)
        out["policy_cost_usd"] = lever_registry.policy_cost_usd(
            params, drivers, out["treatment_slots_used"])
        values = add_sums(out)[SCALAR[outcome].variable][:, window]
        return values.reshape(len(u), -1).sum(axis=1)

    result = indices(problem([p.name for p in priors]), model, method, samples, seed)
    return {"outcome": outcome, "method": method, "samples": samples, "indices": result,
            "provenance": provenance(net, None, seed)}


@accepts_experiment
def backtest(through: int = 2021, particles: int = 2000, members: int = 2000, seed: int = 0,
             progress: Callable[[float], None] | None = None,
             network: NetworkLike = None) -> dict:
    """Calibrate on data through ``through`` and score the forecast of the later years.

    Returns the ``backtest --json`` document: per target series, the model's MAPE,
    90 % coverage and interval score beside persistence and 3-year-trend baselines.
    """
    from borderflow.calibration.backtest import backtest_report
    from borderflow.calibration.calibrate import calibrate as run_smc
    from borderflow.calibration.targets import LAST_YEAR, TARGETS

    if not 2014 <= through < LAST_YEAR:
        raise ParameterError(
            f"through must be a year in [2014, {LAST_YEAR - 1}] (later years are "
            f"forecast), got {through}"
        )
    net = _network(network)
    posterior = run_smc(particles=particles, through=through, seed=seed,
                        network=net.compile(), progress=progress)
    ds = simulate("status_quo", members=members, seed=seed, parameters=posterior,
                  network=net, arc_detail=False)
    document = backtest_report(through, {t.name: t.simulated(ds) for t in TARGETS}, seed=seed)
    document["provenance"] = provenance(net.compile(), posterior, seed)
    return document


@accepts_experiment
def record(origins: Sequence[int] = tuple(range(2018, 2024)), particles: int = 400,
           members: int = 400, seed: int = 0, progress: Callable[[str], None] | None = None,
           network: NetworkLike = None) -> dict:
    """The forecast record: calibrate through each origin year, score the next two.

    Returns the ``record --json`` document (:func:`borderflow.calibration.record.
    forecast_record`); ``network``: the network to calibrate and forecast on.
    """
    from borderflow.calibration.record import forecast_record

    net = _compiled(network)
    document = forecast_record(origins, particles=particles, members=members, seed=seed,
                               progress=progress, network=net)
    document["provenance"] = {**provenance(net, None, seed), "parameters": (
        f"calibrated through each origin year ({particles} particles)")}
    return document


@accepts_experiment
def explain(year: int = 2024, members: int = 200, seed: int = 0,
            parameters: ParametersLike = "posterior", network: NetworkLike = None) -> dict:
    """How much of the change in T40.4 deaths into ``year`` each mechanism carries.

    One counterfactual per mechanism holds its term at the previous year's mean
    (``borderflow.calibration.explain``); returns the ``explain --json`` document.
    """
    from borderflow import data
    from borderflow.calibration.explain import explain as attribute
    from borderflow.calibration.targets import LAST_YEAR

    if not 2014 <= year <= LAST_YEAR:
        raise ParameterError(
            f"year must be in [2014, {LAST_YEAR}] (inside the data window), got {year}")
    source = _parameter_source(parameters)
    scen = load_scenario("status_quo")
    net = _compiled(network)
    draws = parameters_for(scen, _members(members), seed, source)
    observed = {int(k): float(v) for k, v in data.annual_synthetic_opioid_deaths().items()}
    document = attribute(net, lambda months: build(scen, net, months), draws, year, observed)
    document["provenance"] = provenance(net, source, seed)
    return document


@accepts_experiment
def optimize_interdiction(
    network: NetworkLike = None,
    budget_usd: float = 0.0,
    objective: str = "evader",
    *,
    sources: str | Iterable[str] | None = None,
    sinks: str | Iterable[str] | None = None,
    upgraded_detection: float | None = None,
    solver: str = "highs",
    scenario_out: str | Path | None = None,
    start: str = "2025-01",
):
    """Where to put an interdiction budget: the exact optimum, verified independently.

    ``objective="evader"`` (Morton, Pan & Saeger 2007) upgrades arcs' detection
    (``upgrade_cost_usd``) to minimise the weighted chance that an evader who knows the
    plan gets through on its most reliable path; ``"maxflow"`` (Wood 1993) closes arcs
    and nodes (``interdiction_cost_usd``) to minimise the maximum flow, kg per month.
    The budget is USD per planning year. Returns an
    :class:`~borderflow.interdiction.InterdictionPlan`; ``scenario_out`` also writes the
    plan as a scenario file (levers from ``start``, cost as annual policy cost) that
    ``borderflow run`` accepts.
    """
    import yaml

    from borderflow.interdiction import optimize_interdiction as solve

    net = _network(network)
    plan = solve(net, budget_usd, objective, sources=sources, sinks=sinks,
                 upgraded_detection=upgraded_detection, solver=solver)
    if scenario_out is not None:
        write_text(scenario_out, yaml.safe_dump(
            interdiction_scenario(plan, net, start, upgraded_detection), sort_keys=False))
    return plan


def interdiction_scenario(plan, network: NetworkLike = None, start: str = "2025-01",
                          upgraded_detection: float | None = None) -> dict:
    """An optimiser's plan (:func:`optimize_interdiction`) as a scenario mapping."""
    from borderflow.interdiction.to_scenario import plan_scenario

    return plan_scenario(plan, _network(network), start=start,
                         upgraded_detection=upgraded_detection)
