"""Maximum-reliability-path (evader) interdiction (Morton, Pan & Saeger 2007).

An evader travels from an origin ``s`` to a destination ``t`` on the path most likely
to get through: the path maximising the product of ``p_k = 1 - detection_k`` over its
arcs. The interdictor spends a budget (USD) upgrading candidate arcs, those with an
``upgrade_cost_usd``; an upgrade lowers the arc's chance of getting through to
``r_k = 1 - detection_upgraded``. With origin–destination pairs ``w = (s, t)``
weighted ``q_w`` (summing to 1), the interdictor minimises the evader's expected
chance of getting through, ``sum_w q_w * pi_s^w`` -- a probability, *not* a weighted
sum of ``-log`` path lengths.

MPS07's MILP, with ``pi_i^w`` the chance of reaching ``t`` from ``i``:

    min  sum_w q_w pi_s^w
    s.t. pi_t^w = 1
         pi_i^w - p_k pi_j^w >= 0                          k = (i, j) not a candidate
         pi_i^w - r_k pi_j^w >= 0                          k a candidate
         pi_i^w - p_k pi_j^w >= -(p_k - r_k) u_j^w x_k     k a candidate
         sum_k c_k x_k <= budget,  x binary,  pi >= 0

where ``u_j^w`` is the most reliable ``j``–``t`` probability with no upgrades. An
upgraded arc then enforces only ``pi_i >= r_k pi_j`` (the last row is slack because
``pi_j <= u_j^w``), a plain arc ``pi_i >= p_k pi_j``; minimising ``pi_s`` makes it the
most reliable path's probability.

Pre-processing, per pair: only nodes reachable from ``s`` that can reach ``t`` (over
arcs with ``p > 0``) get a ``pi``, bounded above by ``u_i^w``; arcs with ``p = 0`` are
dropped. Candidates that cost more than the budget, or whose upgrade would not lower
``p`` (``r_k >= p_k``: legal but pointless), get no ``x``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp

from .greedy import greedy_plan
from .problem import InterdictionProblem, Solution
from .solvers import SOLVERS, Milp
from .verify import (
    arc_reliability,
    best_reliability_from,
    best_reliability_to,
    evader_value,
    reliability_graph,
)

PRUNE_TOLERANCE = 1e-12
"""Relative tolerance when testing whether reopening an upgraded arc helps the evader."""

GREEDY_START_MAX_WORK = 4_000_000
"""Largest ``upgradable arcs * arcs`` for which the greedy plan is computed as a MIP start.

Greedy takes about 2 s at 1,000 arcs all upgradable (10^6) but minutes at 10,000 arcs,
more than the start saves, so larger problems start without it."""


def build_evader_milp(
    problem: InterdictionProblem,
) -> tuple[Milp, list[tuple[int, tuple[str, str]]]]:
    """Build the (strengthened) MPS07 MILP for an evader problem.

    Returns the :class:`~.solvers.Milp` and ``(column, arc key)`` for each upgradable arc.
    """
    net = problem.network
    p = arc_reliability(net)
    graph = reliability_graph(net, p)
    r: dict[tuple[str, str], float] = {}
    for arc in net.arcs:
        if arc.key not in problem.upgraded:
            continue
        if not problem.affordable(float(arc.attrs["upgrade_cost_usd"])):
            continue
        r_k = 1.0 - problem.upgraded[arc.key]
        if r_k < p[arc.key]:
            r[arc.key] = r_k
    all_upgraded = reliability_graph(net, {**p, **r})

    sources_of: dict[str, dict[str, float]] = {}
    for (source, sink), weight in problem.pairs.items():
        sources_of.setdefault(sink, {})[source] = weight
    reach_from = {
        source: set(best_reliability_from(graph, source)) for source, _ in problem.pairs
    }

    c: list[float] = []
    col_lower: list[float] = []
    col_upper: list[float] = []
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    row_lower: list[float] = []
    x_terms: list[tuple[int, tuple[str, str], float]] = []  # (row, arc, coefficient of x)

    def add_row(entries: list[tuple[int, float]], lower: float) -> int:
        row = len(row_lower)
        for col, val in entries:
            rows.append(row)
            cols.append(col)
            vals.append(val)
        row_lower.append(lower)
        return row

    for sink, weights in sources_of.items():
        upper = best_reliability_to(graph, sink)  # u: no upgrades
        lower = best_reliability_to(all_upgraded, sink)  # l: every candidate upgraded
        reached = set().union(*(reach_from[source] for source in weights))
        keep = reached & set(upper)
        if not keep & set(weights):
            continue  # every pair to this sink is cut off already: pi_s = 0
        pi: dict[str, int] = {}
        for node in sorted(keep):
            pi[node] = len(c)
            c.append(weights.get(node, 0.0))
            col_lower.append(1.0 if node == sink else lower.get(node, 0.0))
            col_upper.append(1.0 if node == sink else upper[node])
        for tail, head, data in graph.edges(data=True):
            if tail not in keep or head not in keep or tail == sink:
                continue
            key = (tail, head)
            p_k = data["p"]
            step = [(pi[tail], 1.0), (pi[head], -p_k)]
            if key not in r:
                add_row(step, 0.0)
                continue
            r_k = r[key]
            # pi_i >= p pi_j - (p - r) z and z = x pi_j, with McCormick's upper envelopes
            # z <= u_j x and z <= pi_j - l_j (1 - x) (MPS07 is the case l_j = 0).
            row = add_row(step, 0.0)
            x_terms.append((row, key, (p_k - r_k) * upper[head]))
            l_j = lower.get(head, 0.0)
            if r_k > 0.0 or l_j > 0.0:
                row = add_row([(pi[tail], 1.0), (pi[head], -r_k)], (p_k - r_k) * l_j)
                if l_j > 0.0:
                    x_terms.append((row, key, (p_k - r_k) * l_j))

    x_col: dict[tuple[str, str], int] = {}
    for row, key, coef in x_terms:
        if key not in x_col:
            x_col[key] = len(c)
            c.append(0.0)
            col_lower.append(0.0)
            col_upper.append(1.0)
        rows.append(row)
        cols.append(x_col[key])
        vals.append(coef)
    row_upper = [math.inf] * len(row_lower)
    budget = problem.budget_usd
    paid = [key for key in x_col if float(net.arc(*key).attrs["upgrade_cost_usd"]) > 0]
    if paid and budget > 0:
        add_row(
            [(x_col[key], float(net.arc(*key).attrs["upgrade_cost_usd"]) / budget) for key in paid],
            -math.inf,
        )
        row_upper.append(1.0)

    n_cols = len(c)
    integer = np.zeros(n_cols, dtype=bool)
    integer[list(x_col.values())] = True
    milp = Milp(
        c=np.array(c),
        A=sp.csr_matrix((vals, (rows, cols)), shape=(len(row_lower), n_cols)),
        row_lower=np.array(row_lower),
        row_upper=np.array(row_upper),
        col_lower=np.array(col_lower),
        col_upper=np.array(col_upper),
        integer=integer,
        objective_scale=1.0,
    )
    return milp, [(col, key) for key, col in x_col.items()]


def solve_evader(
    problem: InterdictionProblem,
    *,
    solver: str = "highs",
    time_limit_s: float | None = None,
    threads: int | None = None,
) -> Solution:
    """Solve an evader interdiction problem; the plan is pruned of useless upgrades.

    The greedy plan (:func:`.greedy.greedy_plan`) is handed to the solver as a MIP start,
    so it prunes with a good incumbent from the first node, unless the problem is too big
    for greedy to be cheap (:data:`GREEDY_START_MAX_WORK`).
    """
    milp, choices = build_evader_milp(problem)
    start_seconds = 0.0  # the MIP start is part of the solve: its time is counted
    if choices and len(choices) * len(problem.network.arcs) <= GREEDY_START_MAX_WORK:
        greedy = greedy_plan(problem)
        chosen, start_seconds = set(greedy.arcs), greedy.seconds
        milp = dataclasses.replace(milp, start=(
            np.array([col for col, _ in choices], dtype=np.int64),
            np.array([1.0 if key in chosen else 0.0 for _, key in choices]),
        ))
    result = SOLVERS[solver](milp, time_limit_s=time_limit_s, threads=threads)
    arcs = tuple(key for col, key in choices if result.x[col] > 0.5)
    return Solution(
        objective=result.objective,
        bound=result.bound,
        gap=result.gap,
        arcs=prune_evader(problem, arcs),
        nodes=(),
        seconds=start_seconds + result.seconds,
        status=result.status,
    )


def prune_evader(
    problem: InterdictionProblem, arcs: Iterable[tuple[str, str]]
) -> tuple[tuple[str, str], ...]:
    """Drop upgrades that do not lower the evader's chance.

    Undoing the upgrade of ``(i, j)`` alone can only help the evader of pair ``(s, t)``
    if ``f(i) * p * g(j)`` beats the current ``pi_s``, where ``f`` and ``g`` are the
    most reliable probabilities from ``s`` and to ``t`` under the plan. The upgrades
    that help no pair are undone together if that leaves the objective unchanged, else
    the dearest of them alone; repeated until every upgrade left helps some pair.
    """
    net = problem.network
    plan = list(dict.fromkeys(arcs))
    base = arc_reliability(net)
    detection = problem.upgraded_detection
    while plan:
        graph = reliability_graph(net, arc_reliability(net, plan, detection))
        forward = {s: best_reliability_from(graph, s) for s, _ in problem.pairs}
        backward = {t: best_reliability_to(graph, t) for _, t in problem.pairs}
        useless = []
        for key in plan:
            tail, head = key
            helps = False
            for source, sink in problem.pairs:
                now = forward[source].get(sink, 0.0)
                undone = (
                    forward[source].get(tail, 0.0) * base[key] * backward[sink].get(head, 0.0)
                )
                if undone > now * (1.0 + PRUNE_TOLERANCE):
                    helps = True
                    break
            if not helps:
                useless.append(key)
        if not useless:
            break
        value = evader_value(graph, problem.pairs)
        rest = [key for key in plan if key not in set(useless)]
        after = evader_value(
            reliability_graph(net, arc_reliability(net, rest, detection)), problem.pairs
        )
        if len(useless) > 1 and after <= value * (1.0 + PRUNE_TOLERANCE):
            plan = rest
        else:
            cost = {key: float(net.arc(*key).attrs.get("upgrade_cost_usd", 0.0)) for key in useless}
            plan.remove(max(useless, key=lambda key: cost[key]))
    return tuple(plan)
