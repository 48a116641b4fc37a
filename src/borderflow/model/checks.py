"""Invariants every run of the model can be held to, checked on its output arrays.

:func:`validate_run` takes the output of any implementation of the model — the batched
engine (:func:`borderflow.model.engine.run`, :func:`~borderflow.model.engine.run_chunked`)
or the plain-Python reference (:func:`borderflow.reference.simulate_reference`), which
return the same names — and checks, for every member and month:

- ``finite``: no NaN or infinity in any output;
- ``non-negative``: no output below 0 (kilograms, pounds, people, prices, costs);
- ``share in [0, 1]``: ``fentanyl_share``, ``exposure``, ``cooperation``, ``unmet_share``,
  ``lethal_dose_share`` and ``naloxone_reversal_share``;
- ``mass balance``: supply + precursor stock at the start of the month = arc seizures
  + lab seizures + lost + delivered + stock at the end of the month (every flow in pure
  fentanyl-equivalent kg; lab seizures take precursor out of the stock before the
  month's production), relative to supply + stock at the start;
- ``market balance``: the wholesale stock at the end of a month is last month's plus
  what was delivered less what was sold; ``opioid_overdose_deaths`` is the T40.4 and
  heroin deaths together;
- ``people conserved``: the seven population states plus cumulative fentanyl and
  heroin overdose deaths stay at the first month's total;

and, when the network is given:

- ``dimensions``: each output's trailing dimensions match the network's;
- ``seizures within flow``: no arc's seizures exceed its flow;
- ``crossing flow``: each crossing's flow is the flow on the arcs entering it;
- ``Mexican seizures``: Mexico's own seizures plus what US strikes destroyed equal the
  seizures on arcs into Mexican ports, lab regions and staging areas plus lab seizures.

Each check runs when the outputs it reads are present: without the per-arc arrays
(``arc_detail=False``) the mass balance and the per-arc checks cannot be made and are
skipped. Exact bounds (non-negative, shares) are checked strictly; identities to the
relative tolerance ``tol``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from borderflow.errors import InvariantError
from borderflow.model.engine import OUTPUT_DIMS
from borderflow.model.layout import MEXICO_KINDS

#: Outputs that are shares, bounded by 0 and 1.
SHARES = ("fentanyl_share", "exposure", "cooperation", "unmet_share", "lethal_dose_share",
          "naloxone_reversal_share")
#: What leaves the month's mass (supply + stock at the start), besides the end stock.
MASS_OUT = ("seizures_kg", "lab_seizures_kg", "lost_kg", "delivered_kg")


def _per_month(a: np.ndarray) -> np.ndarray:
    """Sum over the trailing dimensions: (M, T, ...) -> (M, T)."""
    return a.reshape(a.shape[0], a.shape[1], -1).sum(axis=2)


def _cell(name: str, idx: tuple[int, ...]) -> str:
    """``name`` with the trailing index of a cell, e.g. ``flow_kg[12]``."""
    return name + (f"[{', '.join(str(i) for i in idx[2:])}]" if len(idx) > 2 else "")


class _Report:
    """Collects one message per broken check, naming its worst member and month."""

    def __init__(self, months: Sequence[Any] | None) -> None:
        self.months = months
        self.violations: list[str] = []

    def _month(self, t: int) -> str:
        if self.months is None:
            return f"month index {t}"
        label = np.datetime_as_string(np.datetime64(self.months[t], "M"))
        return f"month {label} (index {t})"

    def flag(self, check: str, bad: np.ndarray, badness: np.ndarray,
             describe: Callable[[tuple[int, ...]], str]) -> None:
        """Record ``check`` if any cell of ``bad`` (M, T, ...) is true.

        The message names the worst cell (largest ``badness``), described by
        ``describe(index)``, and how many member-months break the check.
        """
        if not bad.any():
            return
        worst = np.where(bad, badness, -np.inf)
        idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(worst)), bad.shape))
        count = int(bad.reshape(bad.shape[0], bad.shape[1], -1).any(axis=2).sum())
        more = ("" if count == 1 else " (and 1 more member-month)" if count == 2
                else f" (and {count - 1} more member-months)")
        self.violations.append(
            f"{check}: member {idx[0]}, {self._month(idx[1])}: {describe(idx)}{more}"
        )

    def identity(self, check: str, what: str, got: np.ndarray, want: np.ndarray,
                 scale: np.ndarray, tol: float) -> None:
        """Record ``check`` where ``|got − want| > tol |scale|`` (each (M, T, ...))."""
        residual = np.abs(got - want) / np.maximum(np.abs(scale), 1e-300)
        self.flag(check, residual > tol, residual, lambda idx: (
            f"{_cell(what, idx)} is {got[idx]:.12g}, expected {want[idx]:.12g} (relative "
            f"residual {residual[idx]:.2e} > tol {tol:g})"))


def validate_run(
    out: Mapping[str, np.ndarray],
    *,
    net: Any = None,
    months: Sequence[Any] | None = None,
    tol: float = 1e-9,
) -> None:
    """Check a run's outputs against the model's invariants (see the module docstring).

    Args:
        out: output arrays of shape (M, T, ...), named as in
            :data:`borderflow.model.engine.OUTPUT_DIMS` (any subset).
        net: the network the run used (a ``CompiledNetwork``, or anything with its
            ``node_kind``, ``arc_head`` and ``nodes_of_kind``), for the checks against
            the network; optional.
        months: the run's month axis (``Drivers.months``), to name months as YYYY-MM;
            optional (months are then named by index).
        tol: relative tolerance of the identities (mass balance, people conserved,
            crossing flow, Mexican seizures, seizures within flow).

    Raises:
        InvariantError: with one message per broken check, each naming the check, the
            worst member and month, the values, and how many member-months break it.

    """
    report = _Report(months)
    arrays = {k: np.asarray(v, dtype=float) for k, v in out.items()}
    for name, a in arrays.items():
        report.flag("finite", ~np.isfinite(a), np.ones(a.shape),
                    lambda idx, a=a, name=name: f"{_cell(name, idx)} is {a[idx]}")
        report.flag("non-negative", a < 0, -a,
                    lambda idx, a=a, name=name: f"{_cell(name, idx)} is {a[idx]:.12g} < 0")
    for name in SHARES:
        if name in arrays:
            a = arrays[name]
            outside = np.maximum(-a, a - 1.0)
            report.flag("share in [0, 1]", outside > 0, outside,
                        lambda idx, a=a, name=name: f"{name} is {a[idx]:.17g}")
    _mass_balance(arrays, report, tol)
    _market_balance(arrays, report, tol)
    _people(arrays, report, tol)
    if net is not None:
        _against_network(arrays, net, report, tol)
    if report.violations:
        raise InvariantError(report.violations)


def _mass_balance(a: Mapping[str, np.ndarray], report: _Report, tol: float) -> None:
    if not all(k in a for k in ("supply_kg", "precursor_stock_kg", *MASS_OUT)):
        return
    stock = _per_month(a["precursor_stock_kg"])
    before = np.concatenate([np.zeros_like(stock[:, :1]), stock[:, :-1]], axis=1)
    available = _per_month(a["supply_kg"]) + before
    accounted = sum(_per_month(a[k]) for k in MASS_OUT) + stock
    report.identity("mass balance", "seized + lost + delivered + end stock (kg)", accounted,
                    available, available, tol)


def _market_balance(a: Mapping[str, np.ndarray], report: _Report, tol: float) -> None:
    if not all(k in a for k in ("wholesale_stock_kg", "delivered_kg", "consumption_kg")):
        return
    stock = a["wholesale_stock_kg"]
    delivered = _per_month(a["delivered_kg"])
    # month t's end stock is month t−1's plus month t's deliveries less its sales; the
    # first month (whose opening stock is not an output) is compared with itself, so
    # that index t of the arrays compared is month t
    def from_first(x: np.ndarray) -> np.ndarray:
        return np.concatenate([stock[:, :1], x], axis=1)

    want = from_first(stock[:, :-1] + delivered[:, 1:] - a["consumption_kg"][:, 1:])
    scale = from_first(stock[:, :-1] + delivered[:, 1:])
    report.identity("market balance", "wholesale stock (kg)", stock, want, scale, tol)
    if all(k in a for k in ("opioid_overdose_deaths", "overdose_deaths", "heroin_deaths")):
        both = a["overdose_deaths"] + a["heroin_deaths"]
        report.identity("opioid deaths", "opioid_overdose_deaths", a["opioid_overdose_deaths"],
                        both, both, tol)


def _people(a: Mapping[str, np.ndarray], report: _Report, tol: float) -> None:
    if not all(k in a for k in ("population", "overdose_deaths", "heroin_deaths")):
        return
    deaths = np.cumsum(a["overdose_deaths"] + a["heroin_deaths"], axis=1)
    total = _per_month(a["population"]) + deaths
    first = np.broadcast_to(total[:, :1], total.shape)
    report.identity("people conserved", "population + cumulative overdose deaths", total,
                    first, first, tol)


def _against_network(a: Mapping[str, np.ndarray], net: Any, report: _Report,
                     tol: float) -> None:
    kinds = np.array(net.node_kind)
    heads = np.asarray(net.arc_head)
    crossings = net.nodes_of_kind("crossing")
    sizes = {"market": len(net.nodes_of_kind("market")), "arc": len(heads),
             "source": len(net.nodes_of_kind("precursor_source")),
             "lab": len(net.nodes_of_kind("lab_region")), "crossing": len(crossings)}
    misshapen = []
    for name, arr in a.items():
        dims = OUTPUT_DIMS.get(name)
        if dims is None:
            continue
        got = arr.shape[2:]
        if len(got) != len(dims) or any(d in sizes and sizes[d] != n
                                        for d, n in zip(dims, got, strict=True)):
            want = ", ".join(f"{d}={sizes.get(d, 'any')}" for d in dims)
            misshapen.append(f"dimensions: {name} has trailing shape {got}, the network "
                             f"needs ({want})")
    report.violations += misshapen
    if misshapen or "flow_kg" not in a or "seizures_kg" not in a:
        return
    flow, seized = a["flow_kg"], a["seizures_kg"]
    over = seized - flow
    report.flag("seizures within flow", over > tol * flow, over, lambda idx: (
        f"{_cell('seizures_kg', idx)} is {seized[idx]:.12g} > flow {flow[idx]:.12g}"))
    if "crossing_flow_kg" in a:
        into = np.stack([flow[:, :, heads == c].sum(axis=2) for c in crossings], axis=2)
        report.identity("crossing flow", "crossing_flow_kg", a["crossing_flow_kg"], into, into,
                        tol)
    if "crossing_seizures_kg" in a:
        at = np.stack([seized[:, :, heads == c].sum(axis=2) for c in crossings], axis=2)
        report.identity("crossing seizures", "crossing_seizures_kg", a["crossing_seizures_kg"],
                        at, at, tol)
    if all(k in a for k in ("mexico_seizures_kg", "lab_seizures_kg", "strike_destroyed_kg")):
        mexican = np.isin(kinds[heads], MEXICO_KINDS)
        want = seized[:, :, mexican].sum(axis=2) + _per_month(a["lab_seizures_kg"])
        report.identity("Mexican seizures", "mexico_seizures_kg + strike_destroyed_kg",
                        a["mexico_seizures_kg"] + a["strike_destroyed_kg"], want, want, tol)
