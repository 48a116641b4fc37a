"""Outcomes: the one registry of what borderflow reports.

Every outcome a run is judged by is an :class:`Outcome` here: its name, unit, how it
is aggregated over the period, which way is better, how it is written and where it
appears. ``compare``'s metrics (:data:`METRICS`), the CLI and report tables
(:data:`TABLES`), the sensitivity outcomes (:data:`SCALAR`) and the EMA Workbench
adapter all derive from this list; nothing else defines an outcome. The two outputs
that are sums of the engine's (CBP seizures at and between ports; encounters at and
between ports) are defined once too (:data:`SUMS`).

Pure data and pure functions; no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass
from typing import Literal

#: Outputs that are sums of engine outputs, with the unit of the sum.
SUMS: dict[str, tuple[tuple[str, str], str]] = {
    "seizures_lb": (("seizures_lb_ports_of_entry", "seizures_lb_between_ports"),
                    "lb/month (gross, as CBP counts) seized by CBP at and between ports"),
    "encounters": (("encounters_at_ports", "encounters_between_ports"),
                   "southwest-border encounters/month, at and between ports"),
}


def add_sums(out: MutableMapping) -> MutableMapping:
    """Add the :data:`SUMS` to a mapping of engine outputs (arrays or DataArrays).

    A sum whose parts were not recorded is left out.
    """
    for name, ((first, second), _) in SUMS.items():
        if first in out and second in out:
            out[name] = out[first] + out[second]
    return out


def engine_outputs(names: Iterable[str]) -> set[str]:
    """The engine outputs behind these outputs and sums (each sum: its two parts)."""
    return {part for name in names for part in (SUMS[name][0] if name in SUMS else (name,))}


@dataclass(frozen=True)
class Outcome:
    """One outcome of a run, judged over a period (2025-2034 by default).

    Attributes:
        name: its key in ``compare``'s metrics and every ``--json`` document.
        unit: what it counts, in which unit, aggregated how.
        kind: how it is written: ``count`` (k/M/B), ``share`` (0-1, two decimals),
            ``usd`` (dollars) or ``ratio`` (a cost-effectiveness ratio, dollars).
        direction: which way is better for the people the policies serve:
            ``minimize``, ``maximize`` or ``none`` (descriptive, e.g. seizures).
        variable: for a period total of one output, the output summed over the
            period's months (and its other dims): what sensitivity and the EMA adapter
            compute; ``None`` for paired or derived metrics.
        header: its column header in the main tables (``None``: not shown there).
        table: which main table (0: deaths and supply; 1: border, cooperation, costs).

    """

    name: str
    unit: str
    kind: Literal["count", "share", "usd", "ratio"] = "count"
    direction: Literal["minimize", "maximize", "none"] = "none"
    variable: str | None = None
    header: str | None = None
    table: int | None = None


OUTCOMES: tuple[Outcome, ...] = (
    Outcome("overdose_deaths", "synthetic-opioid (T40.4) overdose deaths", direction="minimize",
            variable="overdose_deaths", header="overdose deaths\n(T40.4)", table=0),
    Outcome("opioid_overdose_deaths", "opioid overdose deaths (T40.4 plus heroin)",
            direction="minimize", variable="opioid_overdose_deaths",
            header="opioid overdose\ndeaths (all)", table=0),
    Outcome("deaths_averted", "opioid overdose deaths, status quo minus scenario, paired "
            "(positive: fewer deaths)", direction="maximize",
            header="opioid deaths\naverted", table=0),
    Outcome("kg_delivered_us", "kg (pure fentanyl) delivered to US markets",
            direction="minimize", variable="delivered_kg",
            header="delivered to US\n(kg, pure)", table=0),
    Outcome("kg_delivered_us_vs_status_quo", "kg (pure), scenario minus status quo, paired",
            direction="minimize", header="change vs\nstatus quo (kg)", table=0),
    Outcome("seizures_lb", "lb (gross) seized by CBP", variable="seizures_lb",
            header="seized by CBP\n(lb, gross)", table=0),
    Outcome("seizures_lb_vs_status_quo", "lb (gross), scenario minus status quo, paired"),
    Outcome("flow_displaced_share", "share of crossing flow displaced between crossings (0-1)",
            kind="share", header="flow displaced\n(share)", table=0),
    Outcome("encounters", "southwest-border encounters", variable="encounters",
            header="encounters", table=1),
    Outcome("cooperation_2030", "cooperation index (0-1), mean over 2030", kind="share",
            direction="maximize", header="cooperation\n2030", table=1),
    Outcome("cooperation_lowest", "cooperation index (0-1), lowest month of the period",
            kind="share", direction="maximize", header="cooperation\nlowest", table=1),
    Outcome("gun_homicides_mexico", "homicides in Mexico attributable to the US-sourced gun "
            "stock and to US strikes", direction="minimize", variable="gun_homicides_mexico",
            header="gun homicides\nMexico", table=1),
    Outcome("policy_cost_usd", "USD spent on the levers", kind="usd", direction="minimize",
            variable="policy_cost_usd", header="policy cost", table=1),
    Outcome("trade_cost_usd", "USD of US GDP or welfare lost through trade", kind="usd",
            direction="minimize", variable="trade_cost_usd", header="trade cost", table=1),
    Outcome("cost_per_death_averted_usd", "mean incremental cost (policy + trade, paired) "
            "over mean opioid deaths averted, both discounted at 3 %/yr from the period's "
            "start; 90 % interval from a seeded bootstrap over members; null with a reason "
            "where the mean averted is under one", kind="ratio", direction="minimize",
            header="cost per death\naverted", table=1),
    Outcome("cost_per_encounter_averted_usd", "the same for southwest-border encounters "
            "averted", kind="ratio", direction="minimize",
            header="cost per encounter\naverted", table=1),
)
BY_NAME = {o.name: o for o in OUTCOMES}

#: ``compare``'s metrics and their units (the order of every table and document).
METRICS = {o.name: o.unit for o in OUTCOMES}
#: Outcomes that are a period total of one output: sensitivity's and the EMA adapter's.
SCALAR = {o.name: o for o in OUTCOMES if o.variable is not None}
#: The main job's two tables: (title, [(metric, column header)]), shared by the CLI and
#: the HTML report so that both show the same numbers the same way.
TABLES: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = tuple(
    (title, tuple((o.name, o.header) for o in OUTCOMES
                  if o.table == i and o.header is not None))
    for i, title in enumerate(("Deaths and supply", "Border, cooperation and costs")))
