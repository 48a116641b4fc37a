"""Levers scaled to a budget: comparing policies at equal spending.

Two scenarios that spend different amounts are not comparable on deaths averted alone:
:func:`at_budget` scales a scenario's levers by one common factor until their mean cost
a year over a period equals a budget, so that two policies can be compared dollar for
dollar.

What is scaled: each lever that has a budget cost (the registry's cost items) has its
quantity multiplied by the factor, within its allowed range; levers without a budget
cost (a tariff, whose cost is trade, and the arc levers of an optimiser's plan, whose
cost is stated) are kept as they are and their cost counts toward the budget. The cost
is the registry's: each cost item's activity by month times the ensemble's mean unit
cost (the same draws the run prices with). MOUD slots are priced here as added, not as
filled (the run charges only filled slots), so a treatment lever at a budget spends at
most that budget. Trade costs (border waits, lost cooperation) are not part of the
budget: the comparison reports them beside it.

Pure functions of the scenario, the network and the unit costs; no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from scipy.optimize import brentq

from borderflow.errors import ParameterError
from borderflow.network import CompiledNetwork
from borderflow.policy.drivers import build
from borderflow.policy.registry import BY_KIND, catalogue
from borderflow.policy.scenario import Scenario


def _scalable(scenario: Scenario) -> list[int]:
    """Indices of the levers scaled: those with an intensity and a budget cost."""
    return [i for i, lever in enumerate(scenario.levers)
            if hasattr(lever, "intensity") and BY_KIND[lever.lever].cost is not None]


def scaled(scenario: Scenario, factor: float) -> Scenario:
    """The scenario with each costed lever's quantity times ``factor`` (within its range)."""
    ranges = catalogue()
    levers = list(scenario.levers)
    for i in _scalable(scenario):
        lever = levers[i]
        top = ranges[lever.lever]["range"][1]  # type: ignore[index]
        value = lever.intensity * factor
        levers[i] = lever.model_copy(update={"intensity": min(value, top) if top else value})
    return scenario.model_copy(update={"levers": levers})


def cost_usd_per_year(scenario: Scenario, net: CompiledNetwork,
                      unit_costs: Mapping[str, float], period: tuple[int, int]) -> float:
    """Mean cost a year of a scenario's levers over calendar years ``period``, USD.

    Args:
        scenario: the levers.
        net: the compiled network the levers act on.
        unit_costs: ``cost_<item>`` → the ensemble's mean unit cost.
        period: first and last calendar year, inclusive.

    """
    drivers = build(scenario, net)
    years = drivers.months.astype("datetime64[Y]").astype(int) + 1970
    inside = (years >= period[0]) & (years <= period[1])
    prices = np.array([unit_costs[f"cost_{item}"] for item in drivers.cost_items])
    per_month = drivers.activity[inside] @ prices / 12.0
    return float(per_month.sum() / (period[1] - period[0] + 1))


def at_budget(scenario: Scenario, budget_usd_per_year: float, net: CompiledNetwork,
              unit_costs: Mapping[str, float], period: tuple[int, int]
              ) -> tuple[Scenario, float]:
    """The scenario scaled to spend ``budget_usd_per_year`` on average over ``period``.

    Returns the scaled scenario (named ``<name>_at_budget``) and the factor its costed
    levers' quantities were multiplied by. Raises :class:`ParameterError` when the
    budget cannot be met: the scenario has no costed lever, its uncosted levers alone
    cost more, or its levers at the top of their ranges cost less.
    """
    if not _scalable(scenario):
        raise ParameterError(
            f"{scenario.name}: no lever with a budget cost to scale (a tariff's cost is "
            "trade, an arc lever's is stated); compare it without --budget")

    def gap(factor: float) -> float:
        return cost_usd_per_year(scaled(scenario, factor), net, unit_costs,
                                 period) - budget_usd_per_year

    if gap(0.0) > 0:
        raise ParameterError(
            f"{scenario.name}: its levers without a budget cost alone spend "
            f"${gap(0.0) + budget_usd_per_year:,.0f} a year, over the budget")
    ranges = catalogue()
    tops = [ranges[lever.lever]["range"][1] / lever.intensity  # type: ignore[index, operator]
            for lever in (scenario.levers[i] for i in _scalable(scenario))
            if lever.intensity > 0]
    if not tops:
        raise ParameterError(f"{scenario.name}: every costed lever is set to 0; nothing "
                             "to scale to a budget")
    top = max(tops)
    if gap(top) < 0:
        raise ParameterError(
            f"{scenario.name}: at the top of their ranges its levers spend "
            f"${gap(top) + budget_usd_per_year:,.0f} a year, under the budget of "
            f"${budget_usd_per_year:,.0f}")
    factor = brentq(gap, 0.0, top, xtol=1e-12, rtol=1e-10)
    out = scaled(scenario, factor)
    return out.model_copy(update={"name": f"{scenario.name}_at_budget"}), float(factor)
