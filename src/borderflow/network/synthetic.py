"""Random layered networks in the network file format, for tests and benchmarks.

:func:`layered_network` returns a mapping that :func:`borderflow.network.load_network`
accepts: precursor sources in the first layer, markets in the last, and intermediate
layers of ports, lab regions, staging cities, crossings and US hubs between them. Every
arc goes from one layer to the next (or, with ``skip_share``, two layers on), so the
graph is acyclic; every node has an arc to the next layer and an arc from the one
before, so every node reaches a market and every market is reached from a source.

A chosen subset of arcs are *candidates* for interdiction planning: they carry an
affordable ``interdiction_cost_usd``, an ``upgrade_cost_usd`` and a
``detection_upgraded``. Every other arc costs ``non_candidate_cost_usd`` to interdict
(more than any budget used with it) and has no upgrade fields.

Units: capacities in kg per month, costs in USD, detection a probability.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from borderflow.network.schema import CROSSING_TYPES

INTERMEDIATE_KINDS: tuple[str, ...] = ("port", "lab_region", "staging", "crossing", "us_hub")
"""Node kinds of the intermediate layers, in order from the sources to the markets."""


def _layer_kind(layer: int, n_layers: int) -> str:
    """Kind of the nodes of intermediate layer ``layer`` (1-based) of ``n_layers``."""
    position = (layer - 1) * len(INTERMEDIATE_KINDS) // max(n_layers, 1)
    return INTERMEDIATE_KINDS[min(position, len(INTERMEDIATE_KINDS) - 1)]


def _cost(rng: np.random.Generator, low_high: tuple[float, float]) -> float:
    """A cost in USD drawn uniformly from ``low_high`` and rounded to USD 100,000."""
    low, high = low_high
    value = round(float(rng.uniform(low, high)), -5)
    return float(min(max(value, low), high))


def layered_network(
    *,
    seed: int,
    n_layers: int = 3,
    width: int = 4,
    n_sources: int = 2,
    n_sinks: int = 2,
    out_degree: int = 2,
    skip_share: float = 0.1,
    candidate_arcs: int | None = None,
    candidate_share: float | None = None,
    candidate_cost_usd: tuple[float, float] = (1.0e6, 5.0e6),
    non_candidate_cost_usd: float = 1.0e15,
    node_cost_share: float = 0.0,
    zero_capacity_share: float = 0.0,
    od_pairs: int | None = None,
) -> dict[str, Any]:
    """Return a random layered network as a network-file mapping.

    Parameters
    ----------
    seed : int
        Seed of the one random generator used (``numpy.random.default_rng``).
    n_layers : int
        Number of intermediate layers (>= 1).
    width : int
        Nodes per intermediate layer (>= 1).
    n_sources, n_sinks : int
        Number of ``precursor_source`` nodes (first layer) and ``market`` nodes (last).
    out_degree : int
        Arcs from each node to distinct nodes of the next layer (capped at its size).
    skip_share : float
        Chance that a node also gets an arc to a node two layers on.
    candidate_arcs : int, optional
        How many arcs (chosen at random) are candidates.
    candidate_share : float, optional
        Or the share of arcs, in [0, 1], that are candidates (rounded). All arcs are
        candidates when neither is given.
    candidate_cost_usd : (float, float)
        Range of the candidates' ``interdiction_cost_usd`` and ``upgrade_cost_usd``,
        USD, each drawn independently and rounded to USD 100,000.
    non_candidate_cost_usd : float
        ``interdiction_cost_usd`` of the other arcs, USD.
    node_cost_share : float
        Share of nodes (of every kind) that get a node ``interdiction_cost_usd``
        drawn from ``candidate_cost_usd``.
    zero_capacity_share : float
        Chance that an arc has capacity 0.
    od_pairs : int, optional
        Number of ``od_weights`` entries: distinct (source, market) pairs with the
        market reachable, chosen at random (all such pairs if fewer), weights in
        [0.5, 2]. No ``od_weights`` when ``None``.

    Returns
    -------
    dict
        ``{"name", "nodes", "arcs"[, "od_weights"]}`` in the documented format.
        Capacities are whole kg per month in [10, 100]; detection in [0.01, 0.30];
        a candidate's ``detection_upgraded`` is its detection plus [0.2, 0.6], at most
        0.99.

    """
    if n_layers < 1 or width < 1 or n_sources < 1 or n_sinks < 1 or out_degree < 1:
        raise ValueError("n_layers, width, n_sources, n_sinks and out_degree must be >= 1")
    rng = np.random.default_rng(seed)
    layers: list[list[str]] = [[f"src{i}" for i in range(n_sources)]]
    layers += [[f"n{ell}_{i}" for i in range(width)] for ell in range(1, n_layers + 1)]
    layers.append([f"mkt{i}" for i in range(n_sinks)])

    nodes: list[dict[str, Any]] = []
    last = len(layers) - 1
    for ell, layer in enumerate(layers):
        kind = (
            "precursor_source"
            if ell == 0
            else "market"
            if ell == last
            else _layer_kind(ell, n_layers)
        )
        for i, node_id in enumerate(layer):
            node: dict[str, Any] = {
                "id": node_id,
                "kind": kind,
                "name": node_id,
                "lat": round(-60.0 + 120.0 * ell / last, 3),
                "lon": round(-170.0 + 340.0 * (i + 0.5) / len(layer), 3),
            }
            if kind == "crossing":
                node["crossing_type"] = CROSSING_TYPES[int(rng.integers(len(CROSSING_TYPES)))]
            if node_cost_share > 0 and rng.random() < node_cost_share:
                node["interdiction_cost_usd"] = _cost(rng, candidate_cost_usd)
            nodes.append(node)

    pairs: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()

    def add(tail: str, head: str) -> None:
        if (tail, head) not in seen:
            seen.add((tail, head))
            pairs.append((tail, head))

    for ell in range(last):
        here, after = layers[ell], layers[ell + 1]
        for tail in here:
            k = min(out_degree, len(after))
            for j in rng.choice(len(after), size=k, replace=False):
                add(tail, after[int(j)])
            if ell + 2 <= last and ell > 0 and rng.random() < skip_share:
                further = layers[ell + 2]
                add(tail, further[int(rng.integers(len(further)))])
        entered = {head for _, head in pairs}
        for head in after:
            if head not in entered:
                add(here[int(rng.integers(len(here)))], head)

    if candidate_arcs is not None:
        n_candidates = min(candidate_arcs, len(pairs))
    elif candidate_share is not None:
        n_candidates = min(round(candidate_share * len(pairs)), len(pairs))
    else:
        n_candidates = len(pairs)
    candidates = set(rng.choice(len(pairs), size=n_candidates, replace=False).tolist())
    arcs: list[dict[str, Any]] = []
    for index, (tail, head) in enumerate(pairs):
        capacity = 0.0 if rng.random() < zero_capacity_share else float(rng.integers(10, 101))
        detection = round(float(rng.uniform(0.01, 0.30)), 4)
        arc: dict[str, Any] = {
            "from": tail,
            "to": head,
            "capacity_kg_per_month": capacity,
            "cost_usd_per_kg": round(float(rng.uniform(100.0, 2000.0)), 0),
            "detection": detection,
            "interdiction_cost_usd": float(non_candidate_cost_usd),
        }
        if index in candidates:
            arc["interdiction_cost_usd"] = _cost(rng, candidate_cost_usd)
            arc["upgrade_cost_usd"] = _cost(rng, candidate_cost_usd)
            arc["detection_upgraded"] = min(
                0.99, round(detection + float(rng.uniform(0.2, 0.6)), 4)
            )
        arcs.append(arc)

    data: dict[str, Any] = {"name": f"layered network (seed {seed})", "nodes": nodes, "arcs": arcs}
    if od_pairs is not None:
        reachable = _reachable_pairs(layers[0], set(layers[-1]), pairs)
        chosen = rng.permutation(len(reachable))[: max(0, od_pairs)]
        data["od_weights"] = [
            {
                "source": reachable[int(i)][0],
                "sink": reachable[int(i)][1],
                "weight": round(float(rng.uniform(0.5, 2.0)), 3),
            }
            for i in sorted(chosen.tolist())
        ]
    return data


def _reachable_pairs(
    sources: list[str], sinks: set[str], arcs: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """All (source, sink) pairs with the sink reachable from the source, in order."""
    out_of: dict[str, list[str]] = {}
    for tail, head in arcs:
        out_of.setdefault(tail, []).append(head)
    found: list[tuple[str, str]] = []
    for source in sources:
        seen = {source}
        stack = [source]
        while stack:
            for head in out_of.get(stack.pop(), []):
                if head not in seen:
                    seen.add(head)
                    stack.append(head)
        found += [(source, sink) for sink in sorted(seen & sinks)]
    return found
