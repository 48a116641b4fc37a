"""The public API: :func:`simulate` and :func:`compare`.

The CLI and the report only call these. Data flows one way: network and scenario
files → drivers and parameter draws → the batched engine → labelled results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from borderflow import __version__
from borderflow.errors import BorderflowError, ParameterError
from borderflow.model import engine
from borderflow.model import parameters as registry
from borderflow.network import Network, load_network
from borderflow.policy import Scenario, load_scenario, shipped_names
from borderflow.policy.drivers import build
from borderflow.results import annual, paired_metrics, period_totals, to_dataset

ScenarioLike = str | Path | Scenario | dict
NetworkLike = str | Path | Network | None


def _members(members: int | Sequence[int]) -> np.ndarray:
    if isinstance(members, bool | float) or (isinstance(members, int) and members < 1):
        raise ParameterError(f"members must be a positive integer, got {members!r}")
    idx = np.arange(members) if isinstance(members, int) else np.asarray(members, dtype=int)
    if idx.ndim != 1 or len(idx) == 0 or (idx < 0).any():
        raise ParameterError("members must be a positive count or a list of member indices >= 0")
    return idx


def _check_parameters(kind: str) -> None:
    if kind == "posterior":
        raise BorderflowError(
            "no calibrated posterior ships yet (calibration is a later stage); "
            "use parameters='prior'"
        )
    if kind != "prior":
        raise ParameterError(f"parameters must be 'prior' or 'posterior', got {kind!r}")


def simulate(
    scenario: ScenarioLike = "status_quo",
    members: int | Sequence[int] = 500,
    seed: int = 0,
    parameters: str = "prior",
    network: NetworkLike = None,
    arc_detail: bool = True,
) -> xr.Dataset:
    """Run one scenario over an ensemble, monthly from 2010-01 to 2035-12.

    Args:
        scenario: a shipped scenario's name, a scenario file's path, a mapping or a
            :class:`~borderflow.policy.Scenario`.
        members: how many ensemble members (members ``0 … n−1``), or their indices;
            member ``i`` depends only on ``(seed, i)``, so subsets reproduce exactly.
        seed: the ensemble's seed.
        parameters: ``"prior"`` (draws from the priors in ``borderflow params``).
        network: a network file's path or a loaded network; default the shipped one.
        arc_detail: include per-arc ``flow_kg`` and ``seizures_kg`` (dims member,
            month, arc); crossing-level flows are always included.

    Returns:
        ``xarray.Dataset`` with dims ``member``, ``month`` (and ``arc``, ``market``,
        ``source``, ``lab``, ``crossing`` where they apply); ``delivered_kg`` in pure
        kg/month, ``seizures_lb`` in gross lb/month as CBP counts them, and more (each
        variable's ``units`` attribute says).

    """
    _check_parameters(parameters)
    idx = _members(members)
    scen = load_scenario(scenario)
    net_obj = network if isinstance(network, Network) else load_network(network)
    net = net_obj.compile()
    drivers = build(scen, net)
    draws = parameters_for(scen, idx, seed)
    arrays = engine.run_chunked(net, drivers, draws, arc_detail=arc_detail)
    return to_dataset(
        arrays, net, drivers.months, idx, draws,
        attrs={
            "scenario": scen.name,
            "seed": seed,
            "parameters": parameters,
            "network": net_obj.source,
            "borderflow_version": __version__,
        },
    )


def parameters_for(scen: Scenario, members: np.ndarray, seed: int) -> dict[str, np.ndarray]:
    """Per-member parameter draws of a scenario (its overrides applied)."""
    return registry.sample(members, seed=seed, overrides=scen.parameters)


@dataclass(frozen=True)
class Comparison:
    """What :func:`compare` returns.

    Attributes:
        metrics: ``{scenario: {metric: {"median", "p05", "p95"}}}`` for the period.
        annual: calendar-year totals (dims scenario, member, year) of delivered kg,
            CBP seizures (lb) and Mexican seizures (kg).
        period: first and last calendar year of the metrics.
        members, seed, baseline: how the ensemble was run.

    """

    metrics: dict[str, dict[str, dict[str, float]]]
    annual: xr.Dataset
    period: tuple[int, int]
    members: int
    seed: int
    baseline: str

    def to_json(self) -> dict:
        """The ``--json`` document: ``{"scenarios": {NAME: {"metrics": {...}}}}``."""
        return {
            "period": list(self.period),
            "members": self.members,
            "seed": self.seed,
            "baseline": self.baseline,
            "scenarios": {name: {"metrics": m} for name, m in self.metrics.items()},
        }


def compare(
    scenarios: Iterable[ScenarioLike] | None = None,
    members: int = 500,
    seed: int = 0,
    parameters: str = "prior",
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
    """
    _check_parameters(parameters)
    chosen = list(shipped_names()) if scenarios is None else list(scenarios)
    base = load_scenario(baseline)
    loaded = [load_scenario(s) for s in chosen]
    names = [s.name for s in loaded]
    if len(set(names)) != len(names):
        raise BorderflowError(f"two scenarios share a name: {', '.join(names)}")
    runs = [base, *[s for s in loaded if s.name != base.name]]
    net_obj = network if isinstance(network, Network) else load_network(network)
    totals, yearly = {}, {}
    for scen in runs:
        if progress is not None:
            progress(scen.name)
        ds = simulate(scen, members, seed, parameters, net_obj, arc_detail=False)
        totals[scen.name] = period_totals(ds, *period)
        yearly[scen.name] = annual(ds)
        del ds
    metrics = {
        name: paired_metrics(totals[base.name], totals[name])
        for name in [base.name, *[n for n in names if n != base.name]]
    }
    combined = xr.concat(list(yearly.values()), dim="scenario").assign_coords(
        scenario=list(yearly)
    )
    return Comparison(metrics, combined, period, members, seed, base.name)
