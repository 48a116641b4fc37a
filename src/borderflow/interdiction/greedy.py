"""A greedy interdiction heuristic, to show what the exact optimum gains over it.

Greedy repeatedly adds the affordable arc (or, for maxflow, node) with the largest
improvement of the objective per dollar, each improvement measured exactly by
re-scoring the plan with :mod:`.verify`, and stops when nothing affordable improves
the objective. To keep the number of re-scorings small it evaluates lazily (as
Minoux's accelerated greedy): each step ranks the items by a cheap *upper bound* on
their improvement (the flow an arc or node carries in a current max flow; for the
evader, how far an arc's upgrade could lower the pairs whose most reliable path it lies
on), capped by the item's last exact improvement while its bound has not grown since,
and re-scores them in that order until one re-scored in this step leads. The step's
choice is the exact greedy choice whenever improvements only shrink as the plan grows;
otherwise it is a close approximation.

Re-scoring changes one arc or node in a working copy of the graph under the current
plan and recomputes only what it can change (a max flow; the most reliable paths from
the sources whose best path uses the arc).

Units: costs in USD; objectives in kg per month (maxflow) or a probability (evader).
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from .problem import BUDGET_SLACK, InterdictionProblem, plan_cost
from .verify import (
    SUPER_SINK,
    SUPER_SOURCE,
    arc_reliability,
    evader_value,
    maxflow_graph,
    maxflow_value,
    reliability_graph,
)

GAIN_TOLERANCE = 1e-12
"""Improvements below this share of the baseline objective count as none."""


@dataclass(frozen=True)
class GreedyResult:
    """A greedy plan.

    Attributes
    ----------
    arcs : tuple of (tail, head)
        Arcs closed (maxflow) or upgraded (evader), in the order chosen.
    nodes : tuple of str
        Nodes closed (maxflow only).
    objective : float
        The plan's objective by :mod:`.verify` (kg per month or probability).
    cost_usd : float
        The plan's cost, USD.
    evaluations : int
        Exact re-scorings made.
    seconds : float
        Wall-clock time, s.

    """

    arcs: tuple[tuple[str, str], ...]
    nodes: tuple[str, ...]
    objective: float
    cost_usd: float
    evaluations: int
    seconds: float


def _lazy_greedy(
    costs: dict[Hashable, float],
    budget: float,
    state_of: Callable[[list[Hashable]], tuple[float, Any]],
    bounds: Callable[[Any, list[Hashable]], dict[Hashable, float]],
    value_with: Callable[[list[Hashable], Hashable], float],
    tolerance: float,
) -> tuple[list[Hashable], float, int]:
    """The greedy loop shared by both objectives; returns (plan, value, evaluations).

    Each step ranks the items by ``min(bound, last exact gain) / cost``, where the last
    exact gain is forgotten once the item's bound grows past the bound it had when it
    was evaluated, and evaluates items in that order until an item evaluated in this
    step leads.
    """
    plan: list[Hashable] = []
    remaining = budget
    value, state = state_of(plan)
    evaluations = 0
    known: dict[Hashable, tuple[float, float]] = {}  # item -> (exact gain, bound then)
    while True:
        heap = []
        for order, (item, bound) in enumerate(bounds(state, plan).items()):
            cost = costs[item]
            if bound <= tolerance or cost > remaining + budget * BUDGET_SLACK:
                continue
            key = bound
            if item in known and bound <= known[item][1] * (1.0 + 1e-9) + tolerance:
                key = min(bound, known[item][0])
            if key > tolerance:
                heapq.heappush(heap, (-key / max(cost, 1e-9), order, False, item, bound))
        best = None
        while heap:
            _, order, exact, item, bound = heapq.heappop(heap)
            if exact:
                best = item
                break
            gain = value - value_with(plan, item)
            evaluations += 1
            known[item] = (gain, bound)
            if gain > tolerance:
                heapq.heappush(heap, (-gain / max(costs[item], 1e-9), order, True, item, bound))
        if best is None:
            return plan, value, evaluations
        plan.append(best)
        remaining -= costs[best]
        value, state = state_of(plan)


def greedy_plan(problem: InterdictionProblem) -> GreedyResult:
    """Return the greedy plan for a prepared problem (see the module docstring)."""
    start = time.perf_counter()
    if problem.objective == "maxflow":
        plan, value, evaluations = _greedy_maxflow(problem)
    else:
        plan, value, evaluations = _greedy_evader(problem)
    arcs = tuple(item for item in plan if isinstance(item, tuple))
    nodes = tuple(item for item in plan if isinstance(item, str))
    return GreedyResult(
        arcs=arcs,
        nodes=nodes,
        objective=value,
        cost_usd=plan_cost(problem.network, problem.objective, arcs, nodes),
        evaluations=evaluations,
        seconds=time.perf_counter() - start,
    )


def _greedy_maxflow(problem: InterdictionProblem) -> tuple[list[Hashable], float, int]:
    net = problem.network
    base = maxflow_graph(net, problem.sources, problem.sinks)
    costs: dict[Hashable, float] = {
        arc.key: arc.interdiction_cost_usd
        for arc in net.arcs
        if problem.affordable(arc.interdiction_cost_usd) and arc.capacity_kg_per_month > 0
    }
    costs.update(
        {
            node.id: float(node.interdiction_cost_usd)
            for node in net.nodes
            if problem.affordable(node.interdiction_cost_usd)
        }
    )
    work = base.copy()

    def state_of(plan: list[Hashable]) -> tuple[float, Any]:
        nonlocal work
        work = base.copy()
        work.remove_edges_from([item for item in plan if isinstance(item, tuple)])
        work.remove_nodes_from([item for item in plan if isinstance(item, str)])
        value, flow = nx.maximum_flow(work, SUPER_SOURCE, SUPER_SINK)
        return float(value), flow

    def bounds(flow: dict, plan: list[Hashable]) -> dict[Hashable, float]:
        done = set(plan)
        out: dict[Hashable, float] = {}
        for item in costs:
            if item in done:
                continue
            if isinstance(item, tuple):
                out[item] = flow.get(item[0], {}).get(item[1], 0.0)
            else:
                out[item] = sum(flow.get(item, {}).values())
        return out

    def value_with(plan: list[Hashable], item: Hashable) -> float:
        if isinstance(item, tuple):
            if not work.has_edge(*item):
                return maxflow_value(work)
            data = work.edges[item]
            work.remove_edge(*item)
            value = maxflow_value(work)
            work.add_edge(*item, **data)
            return value
        if item not in work:
            return maxflow_value(work)
        edges = [*work.in_edges(item, data=True), *work.out_edges(item, data=True)]
        work.remove_node(item)
        value = maxflow_value(work)
        work.add_edges_from(edges)
        return value

    baseline = maxflow_value(base)
    return _lazy_greedy(
        costs,
        problem.budget_usd,
        state_of,
        bounds,
        value_with,
        GAIN_TOLERANCE * max(1.0, baseline),
    )


def _greedy_evader(problem: InterdictionProblem) -> tuple[list[Hashable], float, int]:
    net = problem.network
    costs: dict[Hashable, float] = {}
    for key in problem.upgraded:
        cost = float(net.arc(*key).attrs["upgrade_cost_usd"])
        if problem.affordable(cost):
            costs[key] = cost
    keys = [key for key in costs if isinstance(key, tuple)]
    index = {node.id: i for i, node in enumerate(net.nodes)}
    tails = np.array([index[key[0]] for key in keys], dtype=np.int64)
    heads = np.array([index[key[1]] for key in keys], dtype=np.int64)
    r = np.array([1.0 - problem.upgraded[key] for key in keys])
    n = len(net.nodes)
    pairs = problem.pairs
    detection = problem.upgraded_detection
    work = nx.DiGraph()
    forward: dict[str, np.ndarray] = {}
    affected: dict[Hashable, set[str]] = {}
    value_now = [0.0]

    def reach(source: str) -> np.ndarray:
        lengths = nx.single_source_dijkstra_path_length(work, source, weight="w")
        return _as_array(lengths, index, n)

    def state_of(plan: list[Hashable]) -> tuple[float, Any]:
        nonlocal work, forward
        work = reliability_graph(net, arc_reliability(net, plan, detection))
        forward = {s: reach(s) for s, _ in pairs}
        reverse = work.reverse(copy=False)
        backward = {
            t: _as_array(nx.single_source_dijkstra_path_length(reverse, t, weight="w"), index, n)
            for _, t in pairs
        }
        p_now = np.array([work[a][b]["p"] if work.has_edge(a, b) else 0.0 for a, b in keys])
        return evader_value(work, pairs), (backward, p_now)

    def bounds(state: Any, plan: list[Hashable]) -> dict[Hashable, float]:
        backward, p_now = state
        total = np.zeros(len(keys))
        hit: dict[str, np.ndarray] = {}
        for (s, t), weight in pairs.items():
            now = forward[s][index[t]]
            if now <= 0.0:
                continue
            through = forward[s][tails] * backward[t][heads]
            on_best = through * p_now >= now * (1.0 - 1e-12)
            total += np.where(on_best, weight * np.maximum(now - through * r, 0.0), 0.0)
            hit[s] = hit.get(s, np.zeros(len(keys), dtype=bool)) | on_best
        affected.clear()
        for s, mask in hit.items():
            for i in np.flatnonzero(mask):
                affected.setdefault(keys[i], set()).add(s)
        done = set(plan)
        return {key: float(total[i]) for i, key in enumerate(keys) if key not in done}

    def value_with(plan: list[Hashable], item: Hashable) -> float:
        tail, head = item
        data = dict(work.edges[tail, head]) if work.has_edge(tail, head) else None
        upgraded = 1.0 - problem.upgraded[item]
        if data is not None:
            work.remove_edge(tail, head)
        if upgraded > 0.0:
            work.add_edge(tail, head, w=-math.log(upgraded), p=upgraded)
        change = 0.0
        for s in affected.get(item, ()):
            after = reach(s)
            for (source, sink), weight in pairs.items():
                if source == s:
                    change += weight * (after[index[sink]] - forward[s][index[sink]])
        if work.has_edge(tail, head):
            work.remove_edge(tail, head)
        if data is not None:
            work.add_edge(tail, head, **data)
        return value_now[0] + change

    def tracked_state(plan: list[Hashable]) -> tuple[float, Any]:
        value, state = state_of(plan)
        value_now[0] = value
        return value, state

    return _lazy_greedy(
        costs, problem.budget_usd, tracked_state, bounds, value_with, GAIN_TOLERANCE
    )


def _as_array(lengths: dict[str, float], index: dict[str, int], n: int) -> np.ndarray:
    """Path lengths (``-log`` probabilities) as an array of probabilities over nodes."""
    out = np.zeros(n)
    for node, length in lengths.items():
        out[index[node]] = math.exp(-length)
    return out
