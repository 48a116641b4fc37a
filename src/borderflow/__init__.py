"""borderflow: the fentanyl supply chain across the US–Mexico border, and the levers on it.

The public API is small:

- :func:`simulate` runs one scenario over an ensemble and returns an ``xarray.Dataset``;
- :func:`compare` runs scenarios against ``status_quo``, paired member by member, over
  a period (``period=(2026, 2030)``; default 2025-2034), with yearly values of deaths,
  costs, seizures, encounters and cooperation (``Comparison.annual``, ``by_year``);
- :func:`head_to_head` sets scenario A against B on the same members: each outcome's
  difference with its interval, the probability that A beats B, and (``budget=``) the
  same at equal spending;
- :func:`calibrate`, :func:`fit_report`, :func:`backtest`, :func:`record`,
  :func:`sensitivity` fit the model to the cited history and say how well, how well it
  forecast, and how sensitively (each takes ``network`` for a user's own network);
- :func:`explain` attributes a year's change in deaths to the model's mechanisms;
- :func:`optimize_interdiction` finds where an interdiction budget should go;
- :func:`levers` lists every lever: its unit, range and effectiveness and cost priors;
- :func:`load_network`, :func:`load_scenario` read and validate the input files;
- :class:`Experiment` describes a run once (network, scenarios, parameters, members,
  seed, period) for every verb above (``experiment=``);
- :mod:`borderflow.data` holds the cited history (``borderflow.data.load(name)``).

Names are imported lazily, so ``import borderflow`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

from borderflow.errors import (
    BorderflowError,
    NetworkError,
    OptimizeError,
    ParameterError,
    ScenarioError,
)

_LAZY = {
    "simulate": "borderflow.api",
    "compare": "borderflow.api",
    "head_to_head": "borderflow.api",
    "calibrate": "borderflow.api",
    "backtest": "borderflow.api",
    "fit_report": "borderflow.api",
    "record": "borderflow.api",
    "Experiment": "borderflow.experiment",
    "explain": "borderflow.api",
    "sensitivity": "borderflow.api",
    "optimize_interdiction": "borderflow.api",
    "levers": "borderflow.api",
    "load_network": "borderflow.network",
    "load_scenario": "borderflow.policy",
    "sweep": "borderflow.sweeps",
    "sweep_results": "borderflow.store",
    "discover": "borderflow.discovery",
    "portfolio": "borderflow.discovery",
}

__all__ = [
    "BorderflowError",
    "Experiment",
    "NetworkError",
    "OptimizeError",
    "ParameterError",
    "ScenarioError",
    "backtest",
    "calibrate",
    "compare",
    "data",
    "discover",
    "explain",
    "fit_report",
    "head_to_head",
    "levers",
    "load_network",
    "load_scenario",
    "optimize_interdiction",
    "portfolio",
    "record",
    "sensitivity",
    "simulate",
    "sweep",
    "sweep_results",
]
__version__ = "0.8.0"


def __dir__() -> list[str]:
    """Tab completion and ``dir(borderflow)`` show the lazily imported API too."""
    return sorted({*globals(), *__all__})


def __getattr__(name: str) -> Any:
    """Import the public API functions on first use."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    if name == "data":
        return importlib.import_module("borderflow.data")
    raise AttributeError(f"module 'borderflow' has no attribute {name!r}")
