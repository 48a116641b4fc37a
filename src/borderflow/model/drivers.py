"""The model's exogenous inputs: lever and history time series, same for every member.

A :class:`Drivers` is plain data built by :mod:`borderflow.policy` from a scenario and
the dated history; the engine and the reference both read it and nothing else of the
scenario. See ``docs/model.md`` for the symbols.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

START = np.datetime64("2010-01", "M")
END = np.datetime64("2035-12", "M")


def model_months(start: np.datetime64 = START, end: np.datetime64 = END) -> np.ndarray:
    """Monthly time axis (``datetime64[M]``) from ``start`` to ``end`` inclusive."""
    return np.arange(start, end + 1, dtype="datetime64[M]")


def decimal_year(months: np.ndarray) -> np.ndarray:
    """Decimal year of the middle of each month: ``year + (month − 1 + 0.5) / 12``."""
    m = months.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    return 1970.0 + (m + 0.5) / 12.0


@dataclass(frozen=True)
class Drivers:
    """Exogenous time series of one scenario (T months).

    Attributes:
        months: ``datetime64[M]`` axis, shape (T,).
        effort: inspection effort multiplier per arc (1 = status quo), shape (T, arcs).
        control: fraction of each precursor source's supply stopped, in [0, 1],
            shape (T, sources) with sources in topological order.
        destroyed: fraction of lab capacity and stock destroyed at the start of each
            month, in [0, 1], shape (T, labs) with lab regions in topological order.
        scheduled: 1 where China's class-wide scheduling applies to a
            finished-fentanyl arc (from 2019-05), else 0, shape (T, arcs).

    """

    months: np.ndarray
    effort: np.ndarray
    control: np.ndarray
    destroyed: np.ndarray
    scheduled: np.ndarray

    @property
    def n_months(self) -> int:
        """Number of monthly steps T."""
        return len(self.months)
