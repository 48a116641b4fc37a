"""The optimiser's front door: :func:`optimize_interdiction` and :class:`InterdictionPlan`.

:func:`optimize_interdiction` validates its arguments (:func:`.problem.prepare`),
builds the exact MILP of the chosen objective (:mod:`.maxflow` or :mod:`.evader`),
solves it with a registered solver (:data:`.solvers.SOLVERS`), drops closures or
upgrades that do not change the objective, and re-scores the plan independently
(:mod:`.verify`).

Units: budgets and costs in USD per planning year; the maxflow objective in kg per
month; the evader objective a probability in [0, 1].
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .evader import solve_evader
from .maxflow import solve_maxflow
from .problem import InterdictionProblem, check_solver, plan_cost, prepare
from .solvers import OptimizeError
from .verify import NetworkLike, verify_evader, verify_maxflow

__all__ = ["InterdictionPlan", "OptimizeError", "optimize_interdiction", "score"]


@dataclass(frozen=True)
class InterdictionPlan:
    """An optimal (or best-found) interdiction plan.

    Attributes
    ----------
    objective_name : str
        ``"evader"`` or ``"maxflow"``.
    budget_usd : float
        The budget, USD per planning year.
    objective : float
        The solver's objective value: the max flow left (kg per month) or the
        evader's weighted chance of getting through (probability).
    bound : float
        The solver's proven lower bound on the optimum (same unit).
    gap : float
        Relative gap ``|objective - bound| / |objective|``; 0 when proven optimal.
    verified_objective : float
        The plan re-scored by :mod:`.verify`, independently of the solver.
    interdicted : tuple of (tail, head)
        Arcs closed (maxflow) or upgraded (evader).
    interdicted_nodes : tuple of str
        Nodes closed (maxflow only).
    cost_usd : float
        What the plan costs, USD per planning year (<= budget).
    baseline : float
        The objective with nothing interdicted (by :mod:`.verify`).
    solve_seconds : float
        Solver wall-clock time, s.
    solver : str
        The solver's registered name.
    sources, sinks : tuple of str
        The node ids used as sources and sinks.
    status : str
        ``"optimal"``, or ``"time_limit"`` when the solver stopped early (see ``gap``).

    """

    objective_name: str
    budget_usd: float
    objective: float
    bound: float
    gap: float
    verified_objective: float
    interdicted: tuple[tuple[str, str], ...]
    interdicted_nodes: tuple[str, ...]
    cost_usd: float
    baseline: float
    solve_seconds: float
    solver: str
    sources: tuple[str, ...]
    sinks: tuple[str, ...]
    status: str = "optimal"

    def to_json(self) -> dict[str, Any]:
        """Return the plan as a JSON-ready mapping (non-finite numbers become None)."""
        return {
            "objective": _finite(self.objective),
            "bound": _finite(self.bound),
            "gap": _finite(self.gap),
            "verified_objective": _finite(self.verified_objective),
            "interdicted": [{"from": tail, "to": head} for tail, head in self.interdicted],
            "interdicted_nodes": list(self.interdicted_nodes),
            "solve_seconds": self.solve_seconds,
            "objective_name": self.objective_name,
            "budget_usd": self.budget_usd,
            "cost_usd": self.cost_usd,
            "baseline": _finite(self.baseline),
            "status": self.status,
            "solver": self.solver,
            "sources": list(self.sources),
            "sinks": list(self.sinks),
        }


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def score(
    problem: InterdictionProblem, arcs: Iterable[tuple[str, str]] = (), nodes: Iterable[str] = ()
) -> float:
    """Score a plan for a prepared problem with :mod:`.verify` (its objective's unit)."""
    if problem.objective == "maxflow":
        return verify_maxflow(problem.network, problem.sources, problem.sinks, arcs, nodes)
    return verify_evader(problem.network, problem.pairs, arcs, problem.upgraded_detection)


def optimize_interdiction(
    network: NetworkLike,
    budget_usd: float,
    objective: str = "evader",
    *,
    sources: str | Iterable[str] | None = None,
    sinks: str | Iterable[str] | None = None,
    upgraded_detection: float | None = None,
    solver: str = "highs",
    time_limit_s: float | None = None,
    threads: int | None = None,
) -> InterdictionPlan:
    """Find the interdiction plan that minimises an objective within a budget.

    Parameters
    ----------
    network : Network, mapping, path or None
        Anything :func:`borderflow.network.load_network` accepts (None: the default).
    budget_usd : float
        Budget in USD per planning year, finite and >= 0. Budget 0 still buys
        anything that costs nothing.
    objective : str
        ``"evader"``: upgrade arcs (``upgrade_cost_usd``) to minimise the evader's
        weighted chance of getting through on its most reliable path (Morton, Pan &
        Saeger 2007); ``"maxflow"``: close arcs and nodes (``interdiction_cost_usd``)
        to minimise the max flow in kg per month (Wood 1993).
    sources, sinks : node id or iterable of node ids, optional
        Default: the ``precursor_source`` and the ``market`` nodes. For the evader,
        the origin–destination pairs are the network's ``od_weights`` among them,
        else every reachable pair, equally weighted.
    upgraded_detection : float, optional
        Detection in [0, 1] after an upgrade for arcs without ``detection_upgraded``.
    solver : str
        A name in :data:`borderflow.interdiction.solvers.SOLVERS`.
    time_limit_s : float, optional
        Solver time limit in seconds; when reached, the best plan found is returned
        with ``status="time_limit"`` and its gap.
    threads : int, optional
        Solver threads (the solver's default when not given).

    Returns
    -------
    InterdictionPlan

    Raises
    ------
    OptimizeError
        On a bad argument (one line naming it and the value) or a solver failure.
    NetworkError
        If the network does not load.

    """
    check_solver(solver)
    problem = prepare(
        network,
        budget_usd,
        objective,
        sources=sources,
        sinks=sinks,
        upgraded_detection=upgraded_detection,
    )
    baseline = score(problem)
    if problem.objective == "maxflow":
        solution = solve_maxflow(
            problem,
            solver=solver,
            objective_scale=baseline,
            time_limit_s=time_limit_s,
            threads=threads,
        )
    else:
        solution = solve_evader(problem, solver=solver, time_limit_s=time_limit_s, threads=threads)
    return InterdictionPlan(
        objective_name=problem.objective,
        budget_usd=problem.budget_usd,
        objective=solution.objective,
        bound=solution.bound,
        gap=solution.gap,
        verified_objective=score(problem, solution.arcs, solution.nodes),
        interdicted=solution.arcs,
        interdicted_nodes=solution.nodes,
        cost_usd=plan_cost(problem.network, problem.objective, solution.arcs, solution.nodes),
        baseline=baseline,
        solve_seconds=solution.seconds,
        solver=solver,
        sources=problem.sources,
        sinks=problem.sinks,
        status=solution.status,
    )
