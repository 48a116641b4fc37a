"""Exact network interdiction: where to spend a budget to cut flow or catch an evader.

- :func:`optimize_interdiction` solves, to proven optimality, either Wood's (1993)
  maximum-flow interdiction (close arcs and nodes to minimise the max flow, kg per
  month) or Morton, Pan & Saeger's (2007) maximum-reliability-path interdiction
  (upgrade arcs' detection to minimise an evader's chance of getting through), as a
  MILP solved by HiGHS;
- :mod:`.verify` re-scores any plan with plain graph algorithms, independently;
- :mod:`.greedy` is a simple heuristic to compare against.

Every user error is one :class:`OptimizeError` (a
:class:`~borderflow.errors.BorderflowError`) with a one-line message.
"""

from __future__ import annotations

from .plan import InterdictionPlan, optimize_interdiction, score
from .problem import OBJECTIVES, InterdictionProblem, prepare
from .solvers import SOLVERS, Milp, MilpResult, OptimizeError
from .verify import verify_evader, verify_maxflow

__all__ = [
    "OBJECTIVES",
    "SOLVERS",
    "InterdictionPlan",
    "InterdictionProblem",
    "Milp",
    "MilpResult",
    "OptimizeError",
    "optimize_interdiction",
    "prepare",
    "score",
    "verify_evader",
    "verify_maxflow",
]
