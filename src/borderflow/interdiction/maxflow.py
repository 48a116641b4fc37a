"""Maximum-flow interdiction (Wood 1993): close arcs and nodes to minimise the max flow.

The interdictor spends a budget ``R`` (USD) closing arcs (cost ``interdiction_cost_usd``)
and nodes (cost ``Node.interdiction_cost_usd`` where given) to minimise the maximum
flow (kg per month) from the sources to the sinks. Wood's single-level MILP dualises
the inner max flow into a min cut:

    min  sum_k u_k beta_k
    s.t. beta_k + gamma_k >= alpha_i - alpha_j   for every arc k = (i, j)
         alpha_s = 1 (sources), alpha_t = 0 (sinks)
         sum_k r_k gamma_k <= R
         gamma binary; alpha, beta in [0, 1]

``alpha_i = 1`` puts node ``i`` on the source side of the cut, ``beta_k = 1`` cuts arc
``k`` at its capacity ``u_k`` and ``gamma_k = 1`` interdicts it. For fixed ``gamma``
the remaining LP is a min-cut LP, whose matrix is totally unimodular, so only
``gamma`` needs to be integer and the optimum equals the max flow left after the plan.

An interdictable node ``v`` is split into ``v_in`` (its in-arcs) and ``v_out`` (its
out-arcs) joined by an arc of capacity ``min(sum of in-capacities, sum of
out-capacities)`` (unbounded on the side of a source or sink; either way it never
binds) whose interdiction cost is the node's. A split source is fed at ``v_in`` and a
split sink drains from ``v_out``, so closing a source or sink node removes its flow.

Pre-processing: arcs of capacity 0 and nodes on no source–sink path are dropped, and
arcs and nodes costing more than the budget get no ``gamma``.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable

import networkx as nx
import numpy as np
import scipy.sparse as sp
from networkx.algorithms.flow import preflow_push

from .problem import InterdictionProblem, Solution
from .solvers import SOLVERS, Milp
from .verify import SUPER_SINK, SUPER_SOURCE, apply_maxflow_plan, maxflow_graph


def _reach(starts: Iterable[str], step: dict[str, list[str]]) -> set[str]:
    """Nodes reachable from ``starts`` following ``step`` (breadth first)."""
    seen = set(starts)
    queue = deque(seen)
    while queue:
        for nxt in step.get(queue.popleft(), []):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def build_maxflow_milp(
    problem: InterdictionProblem, objective_scale: float = 1.0
) -> tuple[Milp, list[tuple[int, tuple[str, str] | str]]]:
    """Build Wood's MILP for a maxflow problem.

    Returns the :class:`~.solvers.Milp` and the choices: ``(column, arc key)`` for an
    interdictable arc, ``(column, node id)`` for an interdictable node.
    """
    net = problem.network
    sources, sinks = set(problem.sources), set(problem.sinks)
    arcs = [arc for arc in net.arcs if arc.capacity_kg_per_month > 0]
    succ: dict[str, list[str]] = {}
    pred: dict[str, list[str]] = {}
    for arc in arcs:
        succ.setdefault(arc.tail, []).append(arc.head)
        pred.setdefault(arc.head, []).append(arc.tail)
    relevant = _reach(sources, succ) & _reach(sinks, pred)
    arcs = [arc for arc in arcs if arc.tail in relevant and arc.head in relevant]

    # Node copies: index of each node's in-copy and out-copy (the same when not split).
    in_copy: dict[str, int] = {}
    out_copy: dict[str, int] = {}
    split: list[str] = []
    n_alpha = 0
    for node in net.nodes:
        if node.id not in relevant:
            continue
        in_copy[node.id] = n_alpha
        if problem.affordable(node.interdiction_cost_usd):
            split.append(node.id)
            n_alpha += 1
        out_copy[node.id] = n_alpha
        n_alpha += 1
    alpha_lower = np.zeros(n_alpha)
    alpha_upper = np.ones(n_alpha)
    for node in sources & relevant:
        alpha_lower[in_copy[node]] = 1.0
    for node in sinks & relevant:
        alpha_upper[out_copy[node]] = 0.0

    # Model arcs: (tail copy, head copy, capacity, cost or None, what it interdicts).
    model_arcs: list[tuple[int, int, float, float | None, tuple[str, str] | str]] = []
    in_cap: dict[str, float] = {}
    out_cap: dict[str, float] = {}
    for arc in arcs:
        cost = arc.interdiction_cost_usd if problem.affordable(arc.interdiction_cost_usd) else None
        model_arcs.append(
            (out_copy[arc.tail], in_copy[arc.head], arc.capacity_kg_per_month, cost, arc.key)
        )
        out_cap[arc.tail] = out_cap.get(arc.tail, 0.0) + arc.capacity_kg_per_month
        in_cap[arc.head] = in_cap.get(arc.head, 0.0) + arc.capacity_kg_per_month
    for node_id in split:
        through_in = math.inf if node_id in sources else in_cap.get(node_id, 0.0)
        through_out = math.inf if node_id in sinks else out_cap.get(node_id, 0.0)
        cost = net.node(node_id).interdiction_cost_usd
        model_arcs.append(
            (in_copy[node_id], out_copy[node_id], min(through_in, through_out), cost, node_id)
        )

    n_arcs = len(model_arcs)
    interdictable = [k for k, item in enumerate(model_arcs) if item[3] is not None]
    n_gamma = len(interdictable)
    beta0, gamma0 = n_alpha, n_alpha + n_arcs
    n_cols = gamma0 + n_gamma

    rows, cols, vals = [], [], []
    gamma_col = {k: gamma0 + g for g, k in enumerate(interdictable)}
    for k, (tail, head, _, _, _) in enumerate(model_arcs):
        # beta_k + gamma_k - alpha_tail + alpha_head >= 0
        rows += [k, k, k]
        cols += [beta0 + k, tail, head]
        vals += [1.0, -1.0, 1.0]
        if k in gamma_col:
            rows.append(k)
            cols.append(gamma_col[k])
            vals.append(1.0)
    row_lower = [0.0] * n_arcs
    row_upper = [math.inf] * n_arcs
    budget = problem.budget_usd
    paid = [k for k in interdictable if (model_arcs[k][3] or 0.0) > 0]
    if paid and budget > 0:
        # The budget row, scaled to 1: sum_k (r_k / R) gamma_k <= 1.
        for k in paid:
            rows.append(n_arcs)
            cols.append(gamma_col[k])
            vals.append(float(model_arcs[k][3] or 0.0) / budget)
        row_lower.append(-math.inf)
        row_upper.append(1.0)

    c = np.zeros(n_cols)
    c[beta0:gamma0] = [item[2] for item in model_arcs]
    integer = np.zeros(n_cols, dtype=bool)
    integer[gamma0:] = True
    col_lower = np.concatenate([alpha_lower, np.zeros(n_arcs + n_gamma)])
    col_upper = np.concatenate([alpha_upper, np.ones(n_arcs + n_gamma)])
    milp = Milp(
        c=c,
        A=sp.csr_matrix((vals, (rows, cols)), shape=(len(row_lower), n_cols)),
        row_lower=np.array(row_lower),
        row_upper=np.array(row_upper),
        col_lower=col_lower,
        col_upper=col_upper,
        integer=integer,
        objective_scale=objective_scale,
    )
    choices = [(gamma_col[k], model_arcs[k][4]) for k in interdictable]
    return milp, choices


def solve_maxflow(
    problem: InterdictionProblem,
    *,
    solver: str = "highs",
    objective_scale: float = 1.0,
    time_limit_s: float | None = None,
    threads: int | None = None,
) -> Solution:
    """Solve a maxflow interdiction problem; the plan is pruned of useless closures."""
    milp, choices = build_maxflow_milp(problem, objective_scale)
    result = SOLVERS[solver](milp, time_limit_s=time_limit_s, threads=threads)
    arcs = tuple(what for col, what in choices if isinstance(what, tuple) and result.x[col] > 0.5)
    nodes = tuple(what for col, what in choices if isinstance(what, str) and result.x[col] > 0.5)
    arcs, nodes = prune_maxflow(problem, arcs, nodes)
    return Solution(
        objective=result.objective,
        bound=result.bound,
        gap=result.gap,
        arcs=arcs,
        nodes=nodes,
        seconds=result.seconds,
        status=result.status,
    )


def source_side(graph: nx.DiGraph) -> set:
    """Nodes reachable from the super source in the residual graph of a maximum flow."""
    residual = preflow_push(graph, SUPER_SOURCE, SUPER_SINK)
    seen = {SUPER_SOURCE}
    queue = deque(seen)
    while queue:
        node = queue.popleft()
        for nxt, edge in residual[node].items():
            if nxt not in seen and edge["flow"] < edge["capacity"]:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def prune_maxflow(
    problem: InterdictionProblem, arcs: Iterable[tuple[str, str]], nodes: Iterable[str]
) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """Drop closures that do not lower the max flow, all at once and exactly.

    Arcs at a closed node are dropped. Then, with ``S`` the nodes reachable from the
    sources in the residual graph of a max flow after the plan, a closed arc ``(i, j)``
    is kept only if ``i`` is in ``S`` and ``j`` is not, and a closed node only if it is
    a source or an open arc of positive capacity enters it from ``S``. Reopening all
    the others leaves ``S`` closed in the residual graph, so the max flow is unchanged.
    """
    nodes = tuple(dict.fromkeys(nodes))
    closed = set(nodes)
    arcs = tuple(
        arc for arc in dict.fromkeys(arcs) if arc[0] not in closed and arc[1] not in closed
    )
    if not arcs and not nodes:
        return arcs, nodes
    net = problem.network
    graph = apply_maxflow_plan(maxflow_graph(net, problem.sources, problem.sinks), arcs, nodes)
    side = source_side(graph)
    keep_arcs = tuple(arc for arc in arcs if arc[0] in side and arc[1] not in side)
    cut = set(arcs)
    sources = set(problem.sources)
    keep_nodes = tuple(
        node
        for node in nodes
        if node in sources
        or any(
            arc.head == node
            and arc.capacity_kg_per_month > 0
            and arc.tail in side
            and arc.key not in cut
            for arc in net.arcs
        )
    )
    return keep_arcs, keep_nodes
