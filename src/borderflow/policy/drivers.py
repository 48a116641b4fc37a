"""Turn a scenario's levers and the dated history into the model's drivers.

The history that every scenario shares: China's class-wide control of
fentanyl-related substances took effect on 2019-05-01 (``policy_calendar``), which the
model applies to arcs marked ``finished_fentanyl: true``.
"""

from __future__ import annotations

import numpy as np

from borderflow.errors import ScenarioError
from borderflow.model.drivers import Drivers, model_months
from borderflow.network import CompiledNetwork
from borderflow.policy.levers import (
    BetweenPortsEnforcement,
    LabTakedowns,
    MexicanPortInterdiction,
    MilitaryStrikes,
    PortOfEntryInspection,
    PrecursorControl,
)
from borderflow.policy.scenario import Scenario

#: policy_calendar: China's class-wide control took effect on 2019-05-01 (a test checks this).
CHINA_CLASS_SCHEDULING = np.datetime64("2019-05", "M")


def _active(months: np.ndarray, start: str, end: str | None) -> np.ndarray:
    """Boolean mask of the months a lever acts in (end inclusive)."""
    mask = months >= np.datetime64(start, "M")
    if end is not None:
        mask &= months <= np.datetime64(end, "M")
    return mask


def _pick(
    scenario: Scenario, i: int, field: str, wanted: str | list[str], allowed: np.ndarray,
    net: CompiledNetwork, what: str,
) -> np.ndarray:
    """Indices (into ``allowed``) of the nodes a lever names; clear error otherwise."""
    ids = [net.node_ids[n] for n in allowed]
    if wanted == "all":
        return np.arange(len(ids))
    names = [wanted] if isinstance(wanted, str) else wanted
    out = []
    for name in names:
        if name not in ids:
            raise ScenarioError(
                f"{scenario.name}: levers[{i}].{field}: unknown {what} '{name}'; "
                f"allowed: {', '.join(ids)}, all"
            )
        out.append(ids.index(name))
    return np.array(out, dtype=int)


def _crossings(net: CompiledNetwork, crossing_type: str) -> np.ndarray:
    return np.array(
        [n for n in net.nodes_of_kind("crossing") if net.crossing_type[n] == crossing_type],
        dtype=int,
    )


def build(
    scenario: Scenario, net: CompiledNetwork, months: np.ndarray | None = None
) -> Drivers:
    """Drivers (T months) of ``scenario`` on ``net``; default months 2010-01 to 2035-12."""
    months = model_months() if months is None else months
    t_n = len(months)
    sources, labs = net.nodes_of_kind("precursor_source"), net.nodes_of_kind("lab_region")
    effort = np.ones((t_n, net.n_arcs))
    keep_open = np.ones((t_n, len(sources)))
    intact = np.ones((t_n, len(labs)))
    finished = np.array([bool(a.get("finished_fentanyl", False)) for a in net.arc_attrs])
    scheduled = np.outer(months >= CHINA_CLASS_SCHEDULING, finished).astype(float)

    def arcs_into(nodes: np.ndarray) -> np.ndarray:
        return np.isin(net.arc_head, nodes)

    for i, lever in enumerate(scenario.levers):
        on = _active(months, lever.start, lever.end)
        if isinstance(lever, PrecursorControl):
            cols = _pick(scenario, i, "source", lever.source, sources, net, "precursor_source")
            keep_open[np.ix_(on, cols)] *= 1.0 - lever.intensity
        elif isinstance(lever, LabTakedowns | MilitaryStrikes):
            cols = _pick(scenario, i, "regions", lever.regions, labs, net, "lab_region")
            hit = on
            if isinstance(lever, MilitaryStrikes):
                since = months.astype(np.int64) - np.datetime64(lever.start, "M").astype(np.int64)
                every = lever.repeat_every_months
                hit = on & ((since == 0) if every is None else (since % every == 0))
            intact[np.ix_(hit, cols)] *= 1.0 - lever.intensity
        else:
            if isinstance(lever, MexicanPortInterdiction):
                pool, field, what = net.nodes_of_kind("port"), "ports", "port"
            elif isinstance(lever, PortOfEntryInspection):
                pool, field, what = _crossings(net, "port_of_entry"), "crossings", "port_of_entry"
            else:
                assert isinstance(lever, BetweenPortsEnforcement)
                pool, field, what = _crossings(net, "between_ports"), "crossings", "between_ports"
            chosen = pool[_pick(scenario, i, field, getattr(lever, field), pool, net, what)]
            effort[np.ix_(on, arcs_into(chosen))] *= lever.intensity
    return Drivers(
        months=months,
        effort=effort,
        control=1.0 - keep_open,
        destroyed=1.0 - intact,
        scheduled=scheduled,
    )
