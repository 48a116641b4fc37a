"""Mixed-integer linear programs as plain data, and the solvers that take them.

A :class:`Milp` is a minimisation problem ``min c @ x`` subject to
``row_lower <= A @ x <= row_upper`` and ``col_lower <= x <= col_upper``, with the
columns flagged in ``integer`` restricted to integers. A solver is a function
``solve(problem, *, time_limit_s=None, threads=None) -> MilpResult``; the registry
:data:`SOLVERS` maps names to them. The interdiction models build a :class:`Milp` and
never talk to a solver library themselves.

Only HiGHS (through ``highspy``) is registered. It is imported when first used.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from borderflow.errors import OptimizeError

REL_GAP_ABS_SCALE = 1e-9
"""The absolute MIP gap HiGHS may stop at, as a share of :attr:`Milp.objective_scale`."""

FEASIBILITY_TOLERANCE = 1e-9
"""Primal and MIP feasibility tolerance passed to HiGHS (its default is 1e-7 / 1e-6)."""


@dataclass(frozen=True)
class Milp:
    """A mixed-integer linear minimisation problem as arrays.

    Attributes
    ----------
    c : ndarray, shape (n,)
        Objective coefficients (minimised).
    A : scipy.sparse matrix, shape (m, n)
        Constraint matrix (any sparse format; converted to CSR).
    row_lower, row_upper : ndarray, shape (m,)
        Row bounds (``-inf``/``inf`` where absent).
    col_lower, col_upper : ndarray, shape (n,)
        Variable bounds.
    integer : ndarray of bool, shape (n,)
        Which variables must take integer values.
    objective_scale : float
        A typical size of the objective (e.g. its value with nothing interdicted);
        the absolute gap tolerance is ``1e-9`` times it.
    offset : float
        A constant added to the objective.
    start : tuple of (ndarray of int, ndarray of float), optional
        A feasible (possibly partial) assignment ``(columns, values)`` to start from, e.g.
        a heuristic plan's binaries; the solver fills in the rest and uses it as its
        first incumbent. Ignored by the solver if it is not feasible.

    """

    c: np.ndarray
    A: sp.spmatrix | sp.sparray
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integer: np.ndarray
    objective_scale: float = 1.0
    offset: float = 0.0
    start: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def n_cols(self) -> int:
        """Number of variables."""
        return int(self.c.shape[0])

    @property
    def n_rows(self) -> int:
        """Number of constraints."""
        return int(self.row_lower.shape[0])

    @property
    def n_integer(self) -> int:
        """Number of integer variables."""
        return int(np.count_nonzero(self.integer))


@dataclass(frozen=True)
class MilpResult:
    """What a solver found.

    Attributes
    ----------
    x : ndarray
        The best solution found (integer columns rounded to the nearest integer).
    objective : float
        Its objective value.
    bound : float
        The proven lower bound on the optimum.
    gap : float
        ``|objective - bound| / max(|objective|, tiny)``; 0 when solved to optimality.
    seconds : float
        Wall-clock solve time in seconds.
    status : str
        ``"optimal"`` or ``"time_limit"`` (a feasible but maybe not optimal solution).

    """

    x: np.ndarray
    objective: float
    bound: float
    gap: float
    seconds: float
    status: str


@contextmanager
def _quiet_fds() -> Iterator[None]:
    """Send file descriptors 1 and 2 to ``/dev/null`` while the block runs.

    HiGHS writes its banner from C++ when the first ``Highs`` object of a process is
    made, before any option can be set, so it has to be silenced at the descriptor
    level. Process-wide while it lasts (a few microseconds).
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, ValueError):  # pragma: no cover - closed or replaced
            pass
    saved: list[tuple[int, int]] = []
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        for fd in (1, 2):
            try:
                saved.append((fd, os.dup(fd)))
            except OSError:  # pragma: no cover - descriptor not open
                continue
            os.dup2(devnull, fd)
        yield
    finally:
        for fd, copy in saved:
            os.dup2(copy, fd)
            os.close(copy)
        os.close(devnull)


def _new_highs() -> Any:
    """Return a silent ``highspy.Highs`` instance (no banner, no log)."""
    import highspy

    with _quiet_fds():
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("log_to_console", False)
    return highs


def solve_highs(
    problem: Milp, *, time_limit_s: float | None = None, threads: int | None = None
) -> MilpResult:
    """Solve a :class:`Milp` with HiGHS to proven optimality (relative gap 0).

    Parameters
    ----------
    problem : Milp
        The problem.
    time_limit_s : float, optional
        Wall-clock limit in seconds; on reaching it the best solution so far is
        returned with ``status="time_limit"`` and its gap.
    threads : int, optional
        HiGHS ``threads`` option; its default when not given.

    Raises
    ------
    OptimizeError
        If HiGHS finds the problem infeasible or unbounded, fails, or stops at the
        time limit without any feasible solution.

    """
    import highspy

    if problem.n_cols == 0:  # nothing to decide (HiGHS calls an empty model "Empty")
        return MilpResult(
            x=np.zeros(0),
            objective=float(problem.offset),
            bound=float(problem.offset),
            gap=0.0,
            seconds=0.0,
            status="optimal",
        )
    highs = _new_highs()
    highs.setOptionValue("mip_rel_gap", 0.0)
    scale = max(1.0, abs(float(problem.objective_scale)))
    highs.setOptionValue("mip_abs_gap", REL_GAP_ABS_SCALE * scale)
    highs.setOptionValue("primal_feasibility_tolerance", FEASIBILITY_TOLERANCE)
    highs.setOptionValue("mip_feasibility_tolerance", FEASIBILITY_TOLERANCE)
    if time_limit_s is not None:
        highs.setOptionValue("time_limit", float(time_limit_s))
    if threads is not None:
        highs.setOptionValue("threads", int(threads))

    matrix = sp.csr_matrix(problem.A)
    matrix.sum_duplicates()
    lp = highspy.HighsLp()
    lp.num_col_ = problem.n_cols
    lp.num_row_ = problem.n_rows
    lp.col_cost_ = np.asarray(problem.c, dtype=np.float64)
    lp.offset_ = float(problem.offset)
    lp.col_lower_ = np.asarray(problem.col_lower, dtype=np.float64)
    lp.col_upper_ = np.asarray(problem.col_upper, dtype=np.float64)
    lp.row_lower_ = np.asarray(problem.row_lower, dtype=np.float64)
    lp.row_upper_ = np.asarray(problem.row_upper, dtype=np.float64)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = problem.n_cols
    lp.a_matrix_.num_row_ = problem.n_rows
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data.astype(np.float64)
    if problem.n_integer:
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
            for flag in np.asarray(problem.integer, dtype=bool)
        ]
    status = highs.passModel(lp)
    if status == highspy.HighsStatus.kError:
        raise OptimizeError("HiGHS rejected the model (passModel returned an error)")
    if problem.start is not None and len(problem.start[0]):
        index = np.asarray(problem.start[0], dtype=np.int32)
        value = np.asarray(problem.start[1], dtype=np.float64)
        # HiGHS checks the start and drops it if infeasible.
        highs.setSolution(len(index), index, value)

    start = time.perf_counter()
    highs.run()
    seconds = time.perf_counter() - start

    model_status = highs.getModelStatus()
    info = highs.getInfo()
    has_solution = info.primal_solution_status == highspy.kSolutionStatusFeasible
    if model_status == highspy.HighsModelStatus.kOptimal:
        outcome = "optimal"
    elif model_status == highspy.HighsModelStatus.kTimeLimit and has_solution:
        outcome = "time_limit"
    elif model_status == highspy.HighsModelStatus.kTimeLimit:
        raise OptimizeError(
            f"HiGHS reached the time limit of {time_limit_s} s before finding a feasible plan"
        )
    else:
        raise OptimizeError(
            f"HiGHS stopped without an optimal plan: {highs.modelStatusToString(model_status)}"
        )

    x = np.array(highs.getSolution().col_value, dtype=np.float64)
    integer = np.asarray(problem.integer, dtype=bool)
    x[integer] = np.round(x[integer])
    objective = float(info.objective_function_value)
    if problem.n_integer:
        bound = float(info.mip_dual_bound)
        gap = float(info.mip_gap)
    else:
        bound, gap = objective, 0.0
    if outcome == "optimal":
        bound = min(bound, objective) if math.isfinite(bound) else objective
        gap = _gap(objective, bound)
    elif not math.isfinite(gap):
        gap = _gap(objective, bound)
    return MilpResult(
        x=x, objective=objective, bound=bound, gap=gap, seconds=seconds, status=outcome
    )


def _gap(objective: float, bound: float) -> float:
    """Relative gap as HiGHS defines it: ``|objective - bound| / |objective|``."""
    if not math.isfinite(bound):
        return math.inf
    diff = abs(objective - bound)
    if diff <= 1e-12 * max(1.0, abs(objective)):
        return 0.0
    return diff / max(abs(objective), 1e-12)


Solver = Callable[..., MilpResult]

SOLVERS: dict[str, Solver] = {"highs": solve_highs}
"""Registered MILP solvers by name."""
