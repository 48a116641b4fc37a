"""Turn an interdiction plan into a scenario the dynamic model can run.

A ``maxflow`` plan closes arcs (``arc_closure``; a closed node closes every arc into it,
or out of it for a source); an ``evader`` plan sets the upgraded arcs' detection
(``arc_detection``). Each lever carries its stated annual cost, so ``borderflow run``
prices the plan, and the scenario keeps what the static optimiser promised
(:class:`~borderflow.policy.scenario.StaticPlan`) for the report to set beside the
dynamic model's answer.
"""

from __future__ import annotations

from typing import Any

from borderflow.network import Network
from borderflow.policy.scenario import scenario_from_dict

from .plan import InterdictionPlan

#: The unit of each objective, as the report states it.
UNITS = {"maxflow": "kg per month (max flow)", "evader": "probability of getting through"}


def plan_scenario(plan: InterdictionPlan, network: Network, start: str = "2025-01",
                  upgraded_detection: float | None = None, name: str | None = None
                  ) -> dict[str, Any]:
    """The scenario mapping (YAML-ready) of ``plan`` on ``network``, from ``start``.

    Args:
        plan: what :func:`~borderflow.interdiction.optimize_interdiction` returned.
        network: the network it was solved on.
        start: first month the levers act, ``YYYY-MM`` (default: the first month of
            the 2025-2034 period ``borderflow run`` reports).
        upgraded_detection: the detection given to upgraded arcs without their own
            ``detection_upgraded`` (as passed to the optimiser).
        name: the scenario's name (default ``<objective>_plan``).

    """
    levers: list[dict[str, Any]] = []
    if plan.objective_name == "evader":
        for tail, head in plan.interdicted:
            arc = network.arc(tail, head)
            detection = arc.attrs.get("detection_upgraded", upgraded_detection)
            levers.append({"lever": "arc_detection", "start": start, "from": tail, "to": head,
                           "detection": float(detection),
                           "cost_usd_per_year": float(arc.attrs["upgrade_cost_usd"])})
    else:
        for tail, head in plan.interdicted:
            levers.append(_closure(start, tail, head,
                                   network.arc(tail, head).interdiction_cost_usd))
        for node_id in plan.interdicted_nodes:
            node = network.node(node_id)
            arcs = [a for a in network.arcs if a.head == node_id] or [
                a for a in network.arcs if a.tail == node_id]
            share = float(node.interdiction_cost_usd or 0.0) / len(arcs)
            levers.extend(_closure(start, a.tail, a.head, share) for a in arcs)
    scenario = {
        "name": name or f"{plan.objective_name}_plan",
        "description": (
            f"Interdiction plan from `borderflow optimize --objective {plan.objective_name}` "
            f"with a budget of USD {plan.budget_usd:,.0f} a year (spent: "
            f"{plan.cost_usd:,.0f}); {len(levers)} arc levers from {start}."
        ),
        "schema": 2,
        "levers": levers,
        "plan": {
            "objective": plan.objective_name,
            "unit": UNITS[plan.objective_name],
            "budget_usd": float(plan.budget_usd),
            "baseline": float(plan.baseline),
            "optimum": float(plan.verified_objective),
            "start": start,
            "network": network.source,
        },
    }
    scenario_from_dict(scenario, "<plan scenario>")  # it must load as written
    return scenario


def _closure(start: str, tail: str, head: str, cost: float) -> dict[str, Any]:
    return {"lever": "arc_closure", "start": start, "from": tail, "to": head,
            "cost_usd_per_year": float(cost)}
