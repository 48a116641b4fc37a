"""The forecast record: calibrate through each origin year, forecast the next ones.

For each origin year ``o`` the model is calibrated on the targets through ``o`` with
its observed inputs ending there too (``window_end = o + 1``: DEA testing and naloxone
prescriptions observed later are unknown and potency follows its post-window random
walk from ``o + 1``; policy after ``o`` is applied as it happened, like a scenario).
It then forecasts each calibration series one and two years ahead, scored against
persistence and a three-year linear trend (:mod:`borderflow.calibration.backtest`) by
MAPE, 90 % coverage and interval score, and by the sign of each year's change. The
scores are pseudo-out-of-sample: the mechanisms were chosen having seen those years.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from borderflow.calibration.backtest import baselines, score
from borderflow.calibration.calibrate import Posterior, calibrate
from borderflow.calibration.fit import predictive
from borderflow.calibration.targets import LAST_YEAR, TARGETS, annual_totals
from borderflow.model import engine
from borderflow.model.drivers import START, decimal_year, model_months
from borderflow.model.steps import potency
from borderflow.network import CompiledNetwork, load_network
from borderflow.outcomes import add_sums
from borderflow.policy import load_scenario
from borderflow.policy.drivers import build

HORIZONS = (1, 2)
FORECASTERS = ("model", "persistence", "trend")


def forecasts(posterior: Posterior, origin: int, net: CompiledNetwork, members: int,
              seed: int = 0) -> dict[str, dict[int, np.ndarray]]:
    """Predictive draws of every target for the years after ``origin``, (members,) each.

    The posterior's members run the status quo to the end of ``origin + 2`` with the
    data ending at ``origin + 1``.
    """
    last = min(origin + max(HORIZONS), LAST_YEAR)
    months = model_months(START, np.datetime64(f"{last}-12", "M"))
    drivers = build(load_scenario("status_quo"), net, months)
    idx = np.arange(members)
    window = origin + 1.0
    shocks = potency.post_window_shocks(idx, seed, months, decimal_year(months), window)
    out = engine.run_chunked(net, drivers, posterior.parameters(idx), arc_detail=False,
                             shocks=shocks, window_end=window)
    add_sums(out)
    draws: dict[str, dict[int, np.ndarray]] = {}
    for i, target in enumerate(TARGETS):
        annual = annual_totals(out[target.variable], months, target.period)
        years = [origin + h for h in HORIZONS if origin + h <= last]
        sim = predictive(target, annual.sel(year=years).values, seed + i)
        draws[target.name] = {year: sim[:, k] for k, year in enumerate(years)}
    return draws


def sign_right(observed: dict[int, float], forecast: dict[int, float], origin: int,
               year: int) -> bool | None:
    """Whether the forecast change of ``year`` from the year before has the record's sign.

    The forecast change is taken from the record of ``year − 1`` when that is the
    origin, else from the forecaster's own value of ``year − 1``; ``None`` when the
    record lacks either year.
    """
    if year not in observed or year - 1 not in observed:
        return None
    before = observed[year - 1] if year - 1 <= origin else forecast[year - 1]
    return bool(np.sign(forecast[year] - before) == np.sign(observed[year] - observed[year - 1]))


def forecast_record(origins: Sequence[int] = tuple(range(2018, 2024)), particles: int = 400,
                    members: int = 400, seed: int = 0,
                    progress: Callable[[str], None] | None = None,
                    network: CompiledNetwork | None = None) -> dict:
    """The ``borderflow record --json`` document.

    Per origin, the forecasts (median, p05, p95 by series and year); per series and
    horizon, each forecaster's MAPE, 90 % coverage, interval score and share of signs
    right, over the origins whose forecast year is inside the data window. ``network``:
    the compiled network to calibrate and forecast on (default the shipped one).
    """
    net = network or load_network().compile()
    per_origin: dict[str, dict] = {}
    pooled: dict[str, dict[int, dict[str, list]]] = {}
    for origin in origins:
        if progress is not None:
            progress(f"calibrating through {origin}")
        posterior = calibrate(particles=particles, through=origin, seed=seed, network=net,
                              window_end=origin + 1.0)
        draws = forecasts(posterior, origin, net, members, seed)
        entry = {}
        for target in TARGETS:
            record = target.observed(LAST_YEAR)
            history = record[record.index <= origin]
            if len(history) < 2:
                continue
            observed = {int(y): float(v) for y, v in record.items()}
            years = sorted(draws[target.name])
            horizons = np.array(years) - origin
            base = baselines(history.values.astype(float), horizons)
            series_entry = {}
            medians: dict[str, dict[int, float]] = {f: {} for f in FORECASTERS}
            for k, year in enumerate(years):
                q05, q50, q95 = np.quantile(draws[target.name][year], [0.05, 0.5, 0.95])
                series_entry[str(year)] = {"median": float(q50), "p05": float(q05),
                                           "p95": float(q95),
                                           "observed": observed.get(year)}
                bands = {"model": (q50, q05, q95),
                         **{f: (b[0][k], b[1][k], b[2][k]) for f, b in base.items()}}
                for name, (mid, low, high) in bands.items():
                    medians[name][year] = float(mid)
                    if year in observed:
                        cell = pooled.setdefault(target.name, {}).setdefault(
                            int(horizons[k]), {f: [] for f in FORECASTERS})
                        cell[name].append((observed[year], float(mid), float(low),
                                           float(high)))
            for name in FORECASTERS:
                for year in years:
                    hit = sign_right(observed, medians[name], origin, year)
                    if hit is not None:
                        pooled[target.name][year - origin].setdefault(
                            f"{name}_signs", []).append(hit)
            entry[target.name] = series_entry
        per_origin[str(origin)] = entry
    summary: dict[str, dict] = {}
    for series, by_h in pooled.items():
        summary[series] = {}
        for h, cell in sorted(by_h.items()):
            row = {}
            for name in FORECASTERS:
                points = cell.get(name, [])
                if not points:
                    continue
                y, mid, low, high = (np.array(v) for v in zip(*points, strict=True))
                signs = cell.get(f"{name}_signs", [])
                row[name] = {"points": len(y), **score(y, mid, low, high),
                             "sign_right": float(np.mean(signs)) if signs else None}
            summary[series][str(h)] = row
    return {"origins": [int(o) for o in origins], "particles": particles,
            "members": members, "seed": seed, "forecasts": per_origin, "scores": summary}
