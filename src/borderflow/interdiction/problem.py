"""An interdiction problem, validated at the boundary: network, budget, ends, OD pairs.

:func:`prepare` checks every user-given argument once and returns an
:class:`InterdictionProblem` that the optimiser (:mod:`.plan`), the greedy heuristic
(:mod:`.greedy`) and the benchmarks share. Every problem with the arguments raises one
:class:`~borderflow.interdiction.solvers.OptimizeError` with a one-line message.

Units: budgets and costs in USD per planning year (as ``interdiction_cost_usd`` and
``upgrade_cost_usd`` in the network file); flows in kg per month.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from numbers import Real

import networkx as nx

from borderflow.network import Network, load_network

from .solvers import SOLVERS, OptimizeError
from .verify import NetworkLike, upgraded_detection_of

OBJECTIVES: tuple[str, ...] = ("evader", "maxflow")
"""The interdiction objectives: ``evader`` (most-reliable path) and ``maxflow``."""

BUDGET_SLACK = 1e-9
"""Relative slack on the budget: a plan costing up to ``budget * (1 + 1e-9)`` fits."""


@dataclass(frozen=True)
class InterdictionProblem:
    """A validated interdiction problem.

    Attributes
    ----------
    network : Network
        The network.
    objective : str
        ``"evader"`` or ``"maxflow"``.
    budget_usd : float
        Budget, USD per planning year, finite and >= 0.
    sources, sinks : tuple of str
        Node ids, disjoint, in file order.
    pairs : dict
        Evader only: ``{(source, sink): weight}``, weights > 0 summing to 1.
    upgraded : dict
        Evader only: every arc with an ``upgrade_cost_usd``, mapped to its detection
        after the upgrade.
    upgraded_detection : float or None
        The detection after an upgrade for arcs without their own.

    """

    network: Network
    objective: str
    budget_usd: float
    sources: tuple[str, ...]
    sinks: tuple[str, ...]
    pairs: dict[tuple[str, str], float] = field(default_factory=dict)
    upgraded: dict[tuple[str, str], float] = field(default_factory=dict)
    upgraded_detection: float | None = None

    def affordable(self, cost_usd: float | None) -> bool:
        """Whether something costing ``cost_usd`` fits in the budget on its own."""
        return cost_usd is not None and cost_usd <= self.budget_usd * (1.0 + BUDGET_SLACK)


def check_solver(solver: str) -> None:
    """Raise unless ``solver`` is a registered solver name."""
    if solver not in SOLVERS:
        raise OptimizeError(
            f"unknown solver {solver!r}; registered solvers: {', '.join(sorted(SOLVERS))}"
        )


def _number(value: object, name: str, allowed: str) -> float:
    """``value`` as a float, or an error naming the argument and the allowed range."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise OptimizeError(f"{name} must be {allowed}, got {value!r}")
    return float(value)


def _ids(
    given: str | Iterable[str] | None, default: tuple[str, ...], what: str, net: Network
) -> tuple[str, ...]:
    """Resolve explicit node ids (checked to exist) or the default set."""
    if given is None:
        return default
    ids = (given,) if isinstance(given, str) else tuple(given)
    if not ids:
        raise OptimizeError(f"{net.source}: no {what} nodes given")
    known = {node.id for node in net.nodes}
    unknown = [node for node in ids if node not in known]
    if unknown:
        names = ", ".join(repr(node) for node in unknown)
        raise OptimizeError(f"{net.source}: unknown {what} node(s) {names}")
    return tuple(dict.fromkeys(ids))


def od_pairs(
    network: Network, sources: tuple[str, ...], sinks: tuple[str, ...]
) -> dict[tuple[str, str], float]:
    """Return the evader's origin–destination pairs with weights summing to 1.

    The network's ``od_weights`` restricted to the chosen sources and sinks, zero
    weights dropped; if that leaves nothing (or the network has none), every
    ``(source, sink)`` pair with the sink reachable from the source, equally weighted.
    """
    wanted_sources, wanted_sinks = set(sources), set(sinks)
    pairs = {
        (od.source, od.sink): od.weight
        for od in network.od_weights
        if od.source in wanted_sources and od.sink in wanted_sinks and od.weight > 0
    }
    if not pairs:
        graph = network.graph()
        for source in sources:
            reached = nx.descendants(graph, source)
            pairs.update({(source, sink): 1.0 for sink in sinks if sink in reached})
    total = sum(pairs.values())
    return {key: weight / total for key, weight in pairs.items()}


def prepare(
    network: NetworkLike,
    budget_usd: float,
    objective: str = "evader",
    *,
    sources: str | Iterable[str] | None = None,
    sinks: str | Iterable[str] | None = None,
    upgraded_detection: float | None = None,
) -> InterdictionProblem:
    """Validate the arguments of an interdiction problem.

    Parameters
    ----------
    network : Network, mapping, path or None
        Anything :func:`borderflow.network.load_network` accepts (None: the default).
    budget_usd : float
        Budget in USD per planning year, finite and >= 0 (0 is legal).
    objective : str
        ``"evader"`` or ``"maxflow"``.
    sources, sinks : node id or iterable of node ids, optional
        Default: the ``precursor_source`` and the ``market`` nodes.
    upgraded_detection : float, optional
        Detection in [0, 1] after an upgrade, for arcs with ``upgrade_cost_usd`` but
        no ``detection_upgraded`` (evader objective).

    Raises
    ------
    OptimizeError
        For an unknown objective, a bad budget or detection, unknown, empty or
        overlapping sources and sinks, no sink reachable from the sources, or (evader)
        an upgradable arc with no detection after the upgrade.
    NetworkError
        If the network does not load.

    """
    if objective not in OBJECTIVES:
        raise OptimizeError(
            f"objective must be one of {', '.join(map(repr, OBJECTIVES))}, got {objective!r}"
        )
    budget = _number(budget_usd, "budget_usd", "a finite number >= 0 (USD)")
    if not math.isfinite(budget) or budget < 0:
        raise OptimizeError(f"budget_usd must be a finite number >= 0 (USD), got {budget!r}")
    if upgraded_detection is not None:
        upgraded_detection = _number(upgraded_detection, "upgraded_detection", "in [0, 1]")
        if not 0.0 <= upgraded_detection <= 1.0:
            raise OptimizeError(f"upgraded_detection must be in [0, 1], got {upgraded_detection!r}")

    net = load_network(network)
    default_sources = tuple(node.id for node in net.nodes_of_kind("precursor_source"))
    default_sinks = tuple(node.id for node in net.nodes_of_kind("market"))
    source_ids = _ids(sources, default_sources, "source", net)
    sink_ids = _ids(sinks, default_sinks, "sink", net)
    both = [node for node in source_ids if node in set(sink_ids)]
    if both:
        names = ", ".join(repr(node) for node in both)
        raise OptimizeError(f"{net.source}: node(s) {names} are both sources and sinks")
    graph = net.graph()
    reached = set().union(*(nx.descendants(graph, source) for source in source_ids))
    if not reached & set(sink_ids):
        raise OptimizeError(
            f"{net.source}: no sink is reachable from the sources "
            f"(sources {', '.join(source_ids)}; sinks {', '.join(sink_ids)})"
        )

    pairs: dict[tuple[str, str], float] = {}
    upgraded: dict[tuple[str, str], float] = {}
    if objective == "evader":
        upgraded = {
            arc.key: upgraded_detection_of(arc, upgraded_detection, net.source)
            for arc in net.arcs
            if arc.attrs.get("upgrade_cost_usd") is not None
        }
        pairs = od_pairs(net, source_ids, sink_ids)
    return InterdictionProblem(
        network=net,
        objective=objective,
        budget_usd=budget,
        sources=source_ids,
        sinks=sink_ids,
        pairs=pairs,
        upgraded=upgraded,
        upgraded_detection=upgraded_detection,
    )


def plan_cost(
    network: Network, objective: str, arcs: Iterable[tuple[str, str]], nodes: Iterable[str] = ()
) -> float:
    """Cost of a plan in USD: interdiction costs (maxflow) or upgrade costs (evader)."""
    total = 0.0
    for tail, head in arcs:
        arc = network.arc(tail, head)
        if objective == "maxflow":
            total += arc.interdiction_cost_usd
        else:
            total += float(arc.attrs.get("upgrade_cost_usd") or 0.0)
    for node in nodes:
        total += float(network.node(node).interdiction_cost_usd or 0.0)
    return total


@dataclass(frozen=True)
class Solution:
    """A plan as an optimiser returns it, before verification.

    Attributes
    ----------
    objective, bound, gap : float
        The solver's objective value, proven bound and relative gap (objective units:
        kg per month for maxflow, a probability for evader).
    arcs : tuple of (tail, head)
        Interdicted (maxflow) or upgraded (evader) arcs.
    nodes : tuple of str
        Interdicted nodes (maxflow only).
    seconds : float
        Solve time, s.
    status : str
        ``"optimal"`` or ``"time_limit"``.

    """

    objective: float
    bound: float
    gap: float
    arcs: tuple[tuple[str, str], ...]
    nodes: tuple[str, ...]
    seconds: float
    status: str
