"""Global sensitivity of an outcome to the parameters, with SALib.

A problem is plain data (``{num_vars, names, bounds}``). borderflow's parameters are
sampled as their prior CDF values on [0, 1], so each parameter varies over its whole
prior; the model maps them back through the registry. Sobol: first- and total-order
indices with bootstrap confidence intervals (Saltelli sampling). Morris: μ* and σ of the
elementary effects.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

METHODS = ("sobol", "morris")


def problem(names: Sequence[str], bounds: Sequence[Sequence[float]] | None = None) -> dict:
    """A SALib problem over ``names``, on the unit cube unless ``bounds`` are given."""
    return {"num_vars": len(names), "names": list(names),
            "bounds": [list(b) for b in bounds] if bounds else [[0.0, 1.0]] * len(names)}


def indices(spec: dict, model: Callable[[np.ndarray], np.ndarray], method: str = "sobol",
            samples: int = 256, seed: int = 0) -> dict[str, dict[str, float]]:
    """Sensitivity indices of ``model`` (rows of X → outcomes) per parameter.

    Returns ``{name: {"S1", "S1_conf", "ST", "ST_conf"}}`` for Sobol and
    ``{name: {"mu_star", "mu_star_conf", "sigma"}}`` for Morris.
    """
    if method == "sobol":
        from SALib.analyze import sobol as analyze
        from SALib.sample import sobol as sample

        x = sample.sample(spec, samples, calc_second_order=False, seed=seed)
        result = analyze.analyze(spec, model(x), calc_second_order=False, seed=seed)
        keys = ("S1", "S1_conf", "ST", "ST_conf")
    elif method == "morris":
        from SALib.analyze import morris as analyze
        from SALib.sample import morris as sample

        x = sample.sample(spec, samples, num_levels=4, seed=seed)
        result = analyze.analyze(spec, x, model(x), num_levels=4, seed=seed)
        keys = ("mu_star", "mu_star_conf", "sigma")
    else:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    return {name: {k: float(result[k][i]) for k in keys}
            for i, name in enumerate(spec["names"])}
