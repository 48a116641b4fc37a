"""Out-of-sample skill: calibrate through a year, forecast the rest of the window.

Calendar series are cut after December of ``through`` and fiscal series after the
fiscal year ending in September of ``through``; the years after it, up to the end of the
shipped window (2024), are forecast and scored against two naive baselines:
persistence of the last observed year, and a linear trend through the last three. The
baselines' 90 % intervals come from the spread of the series' own year-on-year log
changes up to ``through``, widening with the square root of the horizon.
"""

from __future__ import annotations

import numpy as np

from borderflow.calibration import scores
from borderflow.calibration.fit import predictive
from borderflow.calibration.targets import LAST_YEAR, TARGETS

Z90 = 1.6448536269514722  # standard normal 95th percentile


def score(observed: np.ndarray, median: np.ndarray, low: np.ndarray, high: np.ndarray
          ) -> dict[str, float]:
    """MAPE of the median, coverage and interval score of the 90 % interval."""
    return {"mape": scores.mape(observed, median),
            "coverage_90": scores.coverage(observed, low, high),
            "interval_score_90": scores.interval_score(observed, low, high)}


def baselines(history: np.ndarray, horizons: np.ndarray) -> dict[str, tuple]:
    """Persistence and 3-year linear-trend forecasts with log-change intervals.

    ``history`` is the series up to ``through`` (oldest first), ``horizons`` the years
    ahead (1, 2, ...). Returns ``{name: (median, low, high)}``.
    """
    changes = np.diff(np.log(history))
    sd = float(changes.std(ddof=1)) if len(changes) > 1 else float(abs(changes).mean())
    spread = np.exp(Z90 * sd * np.sqrt(horizons))
    last = history[-1]
    recent = history[-3:]
    slope = np.polyfit(np.arange(len(recent)), recent, 1)[0] if len(recent) > 1 else 0.0
    trend = np.maximum(last + slope * horizons, 1e-9)
    return {
        "persistence": (np.full(len(horizons), last), last / spread, last * spread),
        "trend": (trend, trend / spread, trend * spread),
    }


def backtest_report(through: int, simulated: dict, seed: int = 0) -> dict:
    """The ``backtest --json`` document.

    ``simulated[name]`` holds annual series (dims member, year) of a posterior fitted
    through ``through``.
    """
    out = {}
    for i, target in enumerate(TARGETS):
        everything = target.observed(LAST_YEAR)
        history = everything[everything.index <= through]
        future = everything[everything.index > through]
        if len(future) == 0 or len(history) == 0:
            continue
        years = list(future.index)
        draws = predictive(target, simulated[target.name].sel(year=years).values, seed + i)
        q05, q50, q95 = np.quantile(draws, [0.05, 0.5, 0.95], axis=0)
        y = future.values.astype(float)
        entry = {"points": len(y), "model": score(y, q50, q05, q95)}
        horizons = np.array(years) - history.index[-1]
        for name, (median, low, high) in baselines(history.values.astype(float),
                                                   horizons).items():
            entry[name] = score(y, median, low, high)
        out[target.name] = entry
    return {"through": through, "series": out}
