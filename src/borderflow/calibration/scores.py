"""Scores of a predictive ensemble against observations (fractions, not percent)."""

from __future__ import annotations

import numpy as np


def mape(observed: np.ndarray, median: np.ndarray) -> float:
    """Mean absolute percentage error of the median, as a fraction (0.05 = 5 %)."""
    return float(np.mean(np.abs(median - observed) / np.abs(observed)))


def r2(observed: np.ndarray, median: np.ndarray) -> float:
    """Coefficient of determination of the median against the observations."""
    residual = np.sum((observed - median) ** 2)
    total = np.sum((observed - observed.mean()) ** 2)
    return float(1.0 - residual / total)


def coverage(observed: np.ndarray, low: np.ndarray, high: np.ndarray) -> float:
    """Share of observations inside their interval [low, high]."""
    return float(np.mean((observed >= low) & (observed <= high)))


def interval_score(observed: np.ndarray, low: np.ndarray, high: np.ndarray,
                   alpha: float = 0.10) -> float:
    """Mean interval score at level 1 − alpha (Gneiting & Raftery 2007, eq. 43).

    ``(u − l) + (2/α)(l − y)·1[y < l] + (2/α)(y − u)·1[y > u]``: the width plus a
    penalty for every observation outside; lower is better, in the data's unit.
    """
    below = np.maximum(low - observed, 0.0)
    above = np.maximum(observed - high, 0.0)
    return float(np.mean((high - low) + 2.0 / alpha * (below + above)))
