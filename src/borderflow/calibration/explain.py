"""Why deaths changed from one year to the next, mechanism by mechanism: ``borderflow explain``.

For each mechanism, one counterfactual run holds the term that carries it at its mean
over the twelve months before the year explained (per member, from that January on),
everything else simulated as usual; the mechanism's contribution to the change is the
baseline's annual deaths minus the counterfactual's. What the held terms do not carry
(the size of the population at risk, treatment, interactions between mechanisms) is
the residual: the simulated change minus the sum of the contributions. All runs use the
same members, so every figure is paired.

Mechanisms and the term each holds (docs/model-system.md, M6-M8):

- ``potency``: the hazard factor of the lethal-dose share (DEA pill and powder testing);
- ``naloxone``: the share of fatal overdoses not reversed (kits, over-the-counter sales);
- ``depletion``: the mean hazard weight of the use-disorder population (the high-risk
  group's depletion);
- ``disruption``: the hazard rise from sales falling below their recent level;
- ``market``: the shares of the users' need met by fentanyl and heroin (supply, stocks,
  prices);
- ``covid``: the COVID-19 period's hazard factor.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from borderflow.model import engine
from borderflow.model.drivers import START, Drivers, model_months
from borderflow.network import CompiledNetwork

MECHANISMS: dict[str, str] = {
    "potency": "lethal-dose share of the supply (DEA pill and powder testing)",
    "naloxone": "naloxone reversals (kits; over-the-counter from September 2023)",
    "depletion": "depletion of those most at risk (mean hazard of people with OUD)",
    "disruption": "market disruption (sales below their recent level; Ray et al. 2023)",
    "market": "fentanyl and heroin reaching users (supply, stocks, prices)",
    "covid": "COVID-19 period hazard",
}
OUTCOME = "overdose_deaths"  # CDC T40.4, the record explained


def _summary(values: np.ndarray) -> dict[str, float]:
    p05, p50, p95 = np.quantile(values, [0.05, 0.5, 0.95])
    return {"median": float(p50), "p05": float(p05), "p95": float(p95)}


def explain(net: CompiledNetwork, drivers_for: Callable[[np.ndarray], Drivers],
            params: Mapping[str, np.ndarray],
            year: int, observed: Mapping[int, float] | None = None) -> dict:
    """Attribute the simulated change in T40.4 deaths from ``year − 1`` to ``year``.

    Args:
        net: the compiled network.
        drivers_for: a function of the month axis returning the status quo's drivers.
        params: per-member parameters, (M,) each.
        year: the calendar year explained; its months and the year before must lie
            in the model's horizon.
        observed: cited annual deaths by year, to show beside the simulated change.

    Returns:
        The ``explain --json`` document: the simulated deaths of both years, the change,
        each mechanism's contribution (deaths, median and 90 % interval, and median
        share of the median change) and the residual.

    """
    months = model_months(START, np.datetime64(f"{year}-12", "M"))
    drivers = drivers_for(months)
    years = months.astype("datetime64[Y]").astype(int) + 1970
    start = int(np.flatnonzero(years == year)[0])

    def annual(out: dict, y: int) -> np.ndarray:
        return out[OUTCOME][:, years == y].sum(axis=1)

    base = engine.run_chunked(net, drivers, params, arc_detail=False)
    before, after = annual(base, year - 1), annual(base, year)
    change = after - before
    contributions = {}
    total = np.zeros_like(change)
    for name, label in MECHANISMS.items():
        held = engine.run_chunked(net, drivers, params, arc_detail=False, hold={name: start})
        effect = after - annual(held, year)
        total += effect
        contributions[name] = {"description": label, **_summary(effect),
                               "share_of_change": float(np.median(effect)
                                                        / np.median(change))}
    residual = change - total
    doc = {
        "year": year,
        "outcome": OUTCOME,
        "members": len(change),
        "simulated": {str(year - 1): _summary(before), str(year): _summary(after)},
        "change": _summary(change),
        "mechanisms": contributions,
        "residual": {"description": "population at risk, treatment and interactions",
                     **_summary(residual),
                     "share_of_change": float(np.median(residual) / np.median(change))},
    }
    if observed is not None and year in observed and year - 1 in observed:
        doc["observed"] = {str(year - 1): observed[year - 1], str(year): observed[year],
                           "change": observed[year] - observed[year - 1]}
    return doc
