"""The checks a network must pass: value ranges per record, then the graph as a whole.

Each check raises one :class:`~borderflow.errors.NetworkError` with a one-line message
that starts with the file (``source``) and names the node or arc. The exact messages
are listed in ``docs/network-format.md``; the tests hold them to that text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import networkx as nx

from borderflow.errors import NetworkError
from borderflow.network.schema import (
    CENSUS_REGIONS,
    CROSSING_TYPES,
    NODE_KINDS,
    Arc,
    Node,
    ODWeight,
)


def _arc_where(arc: Arc) -> str:
    return f"arc {arc.tail!r} -> {arc.head!r}"


def _non_negative(value: float, what: str, where: str, source: str) -> None:
    if math.isnan(value) or value < 0:
        raise NetworkError(f"{source}: {where}: {what} must be >= 0, got {value!r}")
    if math.isinf(value):
        raise NetworkError(f"{source}: {where}: {what} must be finite, got {value!r}")


def _probability(value: float, what: str, where: str, source: str) -> None:
    if not 0.0 <= value <= 1.0:
        raise NetworkError(f"{source}: {where}: {what} must be in [0, 1], got {value!r}")


#: Node attributes allowed on one kind of node only (besides the share weights).
ATTR_KIND = {"crossing_type": "crossing", "census_region": "market",
             "country": "precursor_source"}


def _wrong_kind(attr: str, kind: str, node: Node, source: str) -> NetworkError:
    """The error for ``attr`` on a node of another kind than ``kind``."""
    return NetworkError(f"{source}: node {node.id!r}: {attr} is only allowed on {kind} "
                        f"nodes, this node's kind is {node.kind!r}")


def check_node(node: Node, source: str) -> None:
    """Check a node's kind, coordinates, crossing type and costs."""
    where = f"node {node.id!r}"
    if node.kind not in NODE_KINDS:
        raise NetworkError(
            f"{source}: {where}: unknown kind {node.kind!r}; allowed kinds: {', '.join(NODE_KINDS)}"
        )
    if not -90.0 <= node.lat <= 90.0:
        raise NetworkError(f"{source}: {where}: lat must be in [-90, 90], got {node.lat!r}")
    if not -180.0 <= node.lon <= 180.0:
        raise NetworkError(f"{source}: {where}: lon must be in [-180, 180], got {node.lon!r}")
    for attr, kind in ATTR_KIND.items():
        if node.attrs.get(attr) is not None and node.kind != kind:
            raise _wrong_kind(attr, kind, node, source)
    crossing_type = node.attrs.get("crossing_type")
    if node.kind == "crossing":
        if crossing_type is None:
            raise NetworkError(
                f"{source}: {where}: a crossing node needs crossing_type, "
                f"one of {', '.join(CROSSING_TYPES)}"
            )
        if crossing_type not in CROSSING_TYPES:
            raise NetworkError(
                f"{source}: {where}: unknown crossing_type {crossing_type!r}; "
                f"allowed: {', '.join(CROSSING_TYPES)}"
            )
    region = node.attrs.get("census_region")
    if region is not None and region not in CENSUS_REGIONS:
        raise NetworkError(f"{source}: {where}: unknown census_region {region!r}; "
                           f"allowed: {', '.join(CENSUS_REGIONS)}")
    country = node.attrs.get("country")
    if country is not None and not (isinstance(country, str) and len(country) == 2
                                    and country.isalpha() and country.isupper()):
        raise NetworkError(f"{source}: {where}: country must be an ISO 3166 two-letter "
                           f"code such as CN, got {country!r}")
    if node.interdiction_cost_usd is not None:
        _non_negative(node.interdiction_cost_usd, "interdiction_cost_usd", where, source)


#: Node attributes the model reads as relative weights, by the kind that may carry them.
SHARE_ATTRS = {
    "precursor_source": "supply_share",
    "lab_region": "capacity_share",
    "market": "demand_share",
}


def check_shares(nodes: Sequence[Node], source: str) -> None:
    """Check the optional share weights: numbers >= 0, on their kind, not all zero."""
    for kind, attr in SHARE_ATTRS.items():
        given = []
        for node in nodes:
            if attr not in node.attrs:
                continue
            where = f"node {node.id!r}"
            if node.kind != kind:
                raise _wrong_kind(attr, kind, node, source)
            value = node.attrs[attr]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise NetworkError(
                    f"{source}: {where}: {attr} must be a number >= 0, got {value!r}"
                )
            _non_negative(float(value), attr, where, source)
            given.append(float(value))
        if given and sum(given) == 0 and len(given) == sum(n.kind == kind for n in nodes):
            raise NetworkError(
                f"{source}: every {kind} node has {attr} 0; at least one must be > 0"
            )


def check_arc(arc: Arc, source: str) -> None:
    """Check an arc's capacity, costs and detection probabilities."""
    where = _arc_where(arc)
    _non_negative(arc.capacity_kg_per_month, "capacity_kg_per_month", where, source)
    _non_negative(arc.cost_usd_per_kg, "cost_usd_per_kg", where, source)
    _probability(arc.detection, "detection", where, source)
    _non_negative(arc.interdiction_cost_usd, "interdiction_cost_usd", where, source)
    if arc.attrs.get("upgrade_cost_usd") is not None:
        _non_negative(arc.attrs["upgrade_cost_usd"], "upgrade_cost_usd", where, source)
    if arc.attrs.get("detection_upgraded") is not None:
        _probability(arc.attrs["detection_upgraded"], "detection_upgraded", where, source)


def check_ids(nodes: Sequence[Node], arcs: Sequence[Arc], source: str) -> None:
    """Check unique node ids, arc ends that exist, and one arc per node pair."""
    first: dict[str, int] = {}
    for i, node in enumerate(nodes):
        if node.id in first:
            raise NetworkError(
                f"{source}: node {node.id!r}: duplicate node id "
                f"(nodes #{first[node.id] + 1} and #{i + 1})"
            )
        first[node.id] = i
    seen: dict[tuple[str, str], int] = {}
    for i, arc in enumerate(arcs):
        for end, node_id in (("from", arc.tail), ("to", arc.head)):
            if node_id not in first:
                raise NetworkError(
                    f"{source}: {_arc_where(arc)}: unknown node {node_id!r} in {end!r}; "
                    "every arc end must be a node id"
                )
        if arc.key in seen:
            raise NetworkError(
                f"{source}: {_arc_where(arc)}: a second arc between the same two nodes "
                f"(arcs #{seen[arc.key] + 1} and #{i + 1}); "
                "arcs are identified by their (from, to) pair"
            )
        seen[arc.key] = i


def build_graph(nodes: Sequence[Node], arcs: Sequence[Arc]) -> nx.DiGraph:
    """Return a DiGraph with every node and arc attribute (fields and extras) on it."""
    graph = nx.DiGraph()
    for node in nodes:
        graph.add_node(node.id)
        graph.nodes[node.id].update(
            node.attrs,
            kind=node.kind,
            name=node.name,
            lat=node.lat,
            lon=node.lon,
            interdiction_cost_usd=node.interdiction_cost_usd,
        )
    for arc in arcs:
        graph.add_edge(arc.tail, arc.head)
        graph.edges[arc.tail, arc.head].update(
            arc.attrs,
            capacity_kg_per_month=arc.capacity_kg_per_month,
            cost_usd_per_kg=arc.cost_usd_per_kg,
            detection=arc.detection,
            interdiction_cost_usd=arc.interdiction_cost_usd,
        )
    return graph


def check_graph(graph: nx.DiGraph, nodes: Sequence[Node], arcs: Sequence[Arc], source: str) -> None:
    """Check the structure: sources and markets, direction, acyclicity, reachability."""
    kind = {node.id: node.kind for node in nodes}
    sources = [node.id for node in nodes if node.kind == "precursor_source"]
    markets = [node.id for node in nodes if node.kind == "market"]
    if not sources:
        raise NetworkError(f"{source}: the network has no precursor_source node")
    if not markets:
        raise NetworkError(f"{source}: the network has no market node")
    for arc in arcs:
        if kind[arc.head] == "precursor_source":
            raise NetworkError(
                f"{source}: {_arc_where(arc)}: arcs may not enter a precursor_source"
            )
        if kind[arc.tail] == "market":
            raise NetworkError(f"{source}: {_arc_where(arc)}: arcs may not leave a market")
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        cycle = None
    if cycle:
        path = " -> ".join(repr(tail) for tail, _ in cycle) + f" -> {cycle[0][0]!r}"
        raise NetworkError(f"{source}: cycle {path}: the network must be acyclic")
    reached: set[str] = set(sources)
    for src in sources:
        reached |= nx.descendants(graph, src)
    for market in markets:
        if market not in reached:
            raise NetworkError(
                f"{source}: node {market!r}: no precursor_source can reach this market"
            )
    reaches_market: set[str] = set(markets)
    for market in markets:
        reaches_market |= nx.ancestors(graph, market)
    for node in nodes:
        if node.id not in reaches_market:
            raise NetworkError(
                f"{source}: node {node.id!r}: dead end, no market can be reached "
                f"from this {node.kind} node"
            )


def check_od_weights(graph: nx.DiGraph, od_weights: Sequence[ODWeight], source: str) -> None:
    """Check that each pair names nodes, has weight >= 0, is unique and is connected."""
    seen: dict[tuple[str, str], int] = {}
    for i, od in enumerate(od_weights):
        where = f"od_weights[{i}] {od.source!r} -> {od.sink!r}"
        for end, node_id in (("source", od.source), ("sink", od.sink)):
            if node_id not in graph:
                raise NetworkError(
                    f"{source}: {where}: unknown node {node_id!r} in {end!r}; "
                    "source and sink must be node ids"
                )
        _non_negative(od.weight, "weight", where, source)
        pair = (od.source, od.sink)
        if pair in seen:
            raise NetworkError(
                f"{source}: {where}: duplicate source/sink pair "
                f"(od_weights[{seen[pair]}] and od_weights[{i}])"
            )
        seen[pair] = i
        if od.source == od.sink or not nx.has_path(graph, od.source, od.sink):
            raise NetworkError(
                f"{source}: {where}: sink {od.sink!r} cannot be reached from source {od.source!r}"
            )
