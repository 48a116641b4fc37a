"""Score an interdiction plan independently of the optimiser that chose it.

These functions recompute each objective from the network and the plan alone, with
networkx graph algorithms and no MILP: the maximum flow left after interdicted arcs
and nodes are removed (:func:`verify_maxflow`), and the evader's weighted chance of
getting through on the most reliable path after arc upgrades (:func:`verify_evader`).
The optimiser, the greedy heuristic and the brute-force tests all score plans here.

Units: flows in kg per month (the network's unit); the evader objective is a
probability in [0, 1].
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from borderflow.network import Arc, Network, load_network

from .solvers import OptimizeError

SUPER_SOURCE = ("super", "source")
"""The super source node of the verification graph (a tuple, so no node id can clash)."""

SUPER_SINK = ("super", "sink")
"""The super sink node of the verification graph."""

NetworkLike = Network | Mapping[str, Any] | str | os.PathLike[str] | None


def upgraded_detection_of(arc: Arc, upgraded_detection: float | None, source: str) -> float:
    """Return an arc's detection after an upgrade, a probability in [0, 1].

    The arc's own ``detection_upgraded`` if it has one, else ``upgraded_detection``.

    Raises
    ------
    OptimizeError
        If the arc has no ``detection_upgraded`` and ``upgraded_detection`` is None.

    """
    value = arc.attrs.get("detection_upgraded")
    if value is not None:
        return float(value)
    if upgraded_detection is None:
        raise OptimizeError(
            f"{source}: arc {arc.tail!r} -> {arc.head!r}: has upgrade_cost_usd but no "
            "detection_upgraded; give the arc one or pass --upgraded-detection "
            "(upgraded_detection=) for every such arc"
        )
    return float(upgraded_detection)


def maxflow_graph(network: Network, sources: Iterable[str], sinks: Iterable[str]) -> nx.DiGraph:
    """Return the verification graph with nothing interdicted.

    Every arc with its ``capacity`` (kg per month); :data:`SUPER_SOURCE` feeds each
    source and each sink drains into :data:`SUPER_SINK` by arcs without a capacity
    (unbounded, as networkx reads them).
    """
    graph = nx.DiGraph()
    graph.add_nodes_from(node.id for node in network.nodes)
    graph.add_nodes_from((SUPER_SOURCE, SUPER_SINK))
    for arc in network.arcs:
        graph.add_edge(arc.tail, arc.head, capacity=arc.capacity_kg_per_month)
    for node in sources:
        graph.add_edge(SUPER_SOURCE, node)
    for node in sinks:
        graph.add_edge(node, SUPER_SINK)
    return graph


def apply_maxflow_plan(
    graph: nx.DiGraph, arcs: Iterable[tuple[str, str]], nodes: Iterable[str]
) -> nx.DiGraph:
    """Return a copy of a verification graph with the plan's arcs and nodes removed."""
    out = graph.copy()
    out.remove_edges_from([(tail, head) for tail, head in arcs if out.has_edge(tail, head)])
    out.remove_nodes_from([node for node in nodes if node in out])
    return out


def verify_maxflow(
    network: NetworkLike,
    sources: Iterable[str],
    sinks: Iterable[str],
    arcs: Iterable[tuple[str, str]] = (),
    nodes: Iterable[str] = (),
) -> float:
    """Return the maximum flow from the sources to the sinks after a plan, kg per month.

    Parameters
    ----------
    network : Network or anything ``load_network`` accepts
        The network.
    sources, sinks : iterables of node ids
        Where flow enters (unbounded supply) and leaves (unbounded demand).
    arcs : iterable of (tail, head)
        Interdicted (removed) arcs.
    nodes : iterable of node ids
        Interdicted (removed) nodes, with every arc at them.

    """
    net = load_network(network)
    graph = apply_maxflow_plan(maxflow_graph(net, sources, sinks), arcs, nodes)
    return maxflow_value(graph)


def maxflow_value(graph: nx.DiGraph) -> float:
    """Maximum flow from :data:`SUPER_SOURCE` to :data:`SUPER_SINK` of a verification graph."""
    try:
        return float(nx.maximum_flow_value(graph, SUPER_SOURCE, SUPER_SINK))
    except nx.NetworkXUnbounded:
        raise OptimizeError("the flow is unbounded: a node is both a source and a sink") from None


def arc_reliability(
    network: Network,
    upgraded_arcs: Iterable[tuple[str, str]] = (),
    upgraded_detection: float | None = None,
) -> dict[tuple[str, str], float]:
    """Return each arc's chance of getting through, ``1 - detection``, after upgrades.

    An upgraded arc's detection is :func:`upgraded_detection_of` it.
    """
    upgraded = set(upgraded_arcs)
    out: dict[tuple[str, str], float] = {}
    for arc in network.arcs:
        detection = arc.detection
        if arc.key in upgraded:
            detection = upgraded_detection_of(arc, upgraded_detection, network.source)
        out[arc.key] = 1.0 - detection
    return out


def reliability_graph(network: Network, reliability: Mapping[tuple[str, str], float]) -> nx.DiGraph:
    """Return the graph of arcs with ``p > 0``, weighted by ``-log(p)`` (attribute ``w``)."""
    graph = nx.DiGraph()
    graph.add_nodes_from(node.id for node in network.nodes)
    for key, p in reliability.items():
        if p > 0.0:
            graph.add_edge(*key, w=-math.log(p), p=p)
    return graph


def best_reliability_from(graph: nx.DiGraph, node: str) -> dict[str, float]:
    """Most reliable path probability from ``node`` to every node it reaches."""
    lengths = nx.single_source_dijkstra_path_length(graph, node, weight="w")
    return {other: math.exp(-length) for other, length in lengths.items()}


def best_reliability_to(graph: nx.DiGraph, node: str) -> dict[str, float]:
    """Most reliable path probability to ``node`` from every node that reaches it."""
    return best_reliability_from(graph.reverse(copy=False), node)


def verify_evader(
    network: NetworkLike,
    pairs_weights: Mapping[tuple[str, str], float],
    upgraded_arcs: Iterable[tuple[str, str]] = (),
    upgraded_detection: float | None = None,
) -> float:
    """Return the evader's weighted chance of getting through after upgrades, in [0, 1].

    For each origin–destination pair ``(s, t)`` with weight ``q`` the evader takes the
    most reliable ``s``–``t`` path (a Dijkstra search on ``-log(1 - detection)``,
    arcs with detection 1 blocked); the result is ``sum(q * reliability) / sum(q)``,
    0 for a pair with no open path.

    Parameters
    ----------
    network : Network or anything ``load_network`` accepts
        The network.
    pairs_weights : mapping
        ``{(source, sink): weight}`` with weights >= 0 (normalised here).
    upgraded_arcs : iterable of (tail, head)
        Arcs whose detection is raised (see :func:`upgraded_detection_of`).
    upgraded_detection : float, optional
        Detection after an upgrade for arcs without their own ``detection_upgraded``.

    """
    net = load_network(network)
    graph = reliability_graph(net, arc_reliability(net, upgraded_arcs, upgraded_detection))
    return evader_value(graph, pairs_weights)


def evader_value(graph: nx.DiGraph, pairs_weights: Mapping[tuple[str, str], float]) -> float:
    """Weighted most-reliable-path probability over the pairs, on a reliability graph."""
    total = float(sum(pairs_weights.values()))
    if total <= 0.0:
        return 0.0
    by_source: dict[str, dict[str, float]] = {}
    value = 0.0
    for (source, sink), weight in pairs_weights.items():
        if source not in by_source:
            by_source[source] = best_reliability_from(graph, source)
        value += weight * by_source[source].get(sink, 0.0)
    return value / total
