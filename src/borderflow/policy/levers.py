"""The policy levers: what each one does to the model, in which unit.

Each lever is a validated record (pydantic) with a start month, an optional end month
(inclusive) and an intensity in a stated unit. :func:`borderflow.policy.drivers.build`
turns a scenario's levers into the model's exogenous time series.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _check_month(value: object) -> str:
    text = str(value)
    match = _MONTH.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError("must be a month written YYYY-MM, e.g. 2025-01")
    if not "2010" <= match.group(1) <= "2035":
        raise ValueError("must be a month between 2010-01 and 2035-12")
    return text


Targets = Literal["all"] | list[str]


class _Lever(BaseModel):
    """Fields every lever has."""

    model_config = ConfigDict(extra="forbid")

    start: str = Field(description="first month the lever acts, YYYY-MM")
    end: str | None = Field(default=None, description="last month it acts (inclusive)")

    @field_validator("start", "end", mode="before")
    @classmethod
    def _month(cls, value: object) -> object:
        return None if value is None else _check_month(value)

    @model_validator(mode="after")
    def _ordered(self) -> _Lever:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end ({self.end}) is before start ({self.start})")
        return self


class PrecursorControl(_Lever):
    """Indictments, scheduling or sanctions against a precursor source (mechanism 2).

    ``intensity``: fraction of the source's supply stopped, in [0, 1]; the model
    replaces part of it from other sources after a lag.
    """

    lever: Literal["precursor_control"]
    source: str = Field(description="precursor_source node id, or 'all'")
    intensity: float = Field(ge=0.0, le=1.0, description="fraction of supply stopped")


class _Inspection(_Lever):
    """An inspection effort multiplier on a set of arcs.

    ``intensity``: inspection effort relative to the status quo (1 = unchanged, 2 =
    twice as many independent inspections: detection ``d`` becomes ``1 − (1 − d)²``).
    """

    intensity: float = Field(ge=0.0, le=100.0, description="x status-quo inspection effort")


class MexicanPortInterdiction(_Inspection):
    """Mexico inspects precursor shipments at its entry points (mechanism 3).

    A Mexican-side effort (``Drivers.effort_mx``): the model scales the added effort by
    cooperation (mechanism 11). Several such levers multiply.
    """

    lever: Literal["mexican_port_interdiction"]
    ports: Targets = Field(default="all", description="port node ids, or 'all'")


class PortOfEntryInspection(_Inspection):
    """More inspection at US ports of entry (mechanism 6)."""

    lever: Literal["poe_inspection"]
    crossings: Targets = Field(
        default="all", description="port_of_entry crossing node ids, or 'all'"
    )


class BetweenPortsEnforcement(_Inspection):
    """More Border Patrol enforcement between ports of entry (mechanism 6)."""

    lever: Literal["between_ports_enforcement"]
    crossings: Targets = Field(
        default="all", description="between_ports crossing node ids, or 'all'"
    )


class LabTakedowns(_Lever):
    """Mexican lab takedowns (mechanism 4).

    ``intensity``: fraction of the region's lab capacity (and precursor stock)
    destroyed each month at baseline cooperation, in [0, 1]; the model scales it by
    cooperation (mechanism 11) and capacity is rebuilt toward its target. Several
    levers combine as ``1 − Π(1 − x)``.
    """

    lever: Literal["lab_takedowns"]
    regions: Targets = Field(default="all", description="lab_region node ids, or 'all'")
    intensity: float = Field(ge=0.0, le=1.0, description="fraction destroyed per month")


class MilitaryStrikes(_Lever):
    """Military strikes on labs: physical destruction at once (mechanism 4).

    ``intensity``: fraction of the region's lab capacity (and stock) destroyed in each
    strike month, in [0, 1]. One strike at ``start``, repeated every
    ``repeat_every_months`` until ``end`` when that is given. Its diplomatic side
    (cooperation, trade) is mechanism 11. Several strike levers in the same month
    combine as ``1 − Π(1 − x)``.
    """

    lever: Literal["military_strikes"]
    regions: Targets = Field(default="all", description="lab_region node ids, or 'all'")
    intensity: float = Field(ge=0.0, le=1.0, description="fraction destroyed per strike")
    repeat_every_months: int | None = Field(default=None, ge=1, le=600)


class MexicanMigrationEnforcement(_Lever):
    """Mexico stops migrants before they reach the US border (mechanism 9).

    ``intensity``: fraction of the month's encounters prevented at baseline
    cooperation, in [0, 1]; the model scales it by cooperation (mechanism 11).
    Several such levers combine as ``1 − Π(1 − x)``.
    """

    lever: Literal["mexican_migration_enforcement"]
    intensity: float = Field(
        ge=0.0, le=1.0, description="fraction of encounters prevented at baseline cooperation"
    )


class ProcessingCapacity(_Lever):
    """Civilian staff who process migrants so Border Patrol agents can patrol (mechanism 9).

    ``intensity``: civilian processing staff added, persons, in [0, 100 000]; each adds
    160 hours a month to Border Patrol's processing capacity. Several levers add up.
    """

    lever: Literal["processing_capacity"]
    intensity: float = Field(
        ge=0.0, le=100_000.0, description="civilian processing staff added, persons"
    )


class AsylumRegime(_Lever):
    """A switch of US asylum policy that scales encounters (mechanism 9).

    ``intensity``: multiplier on encounters, in (0, 5]; 1 = status quo, e.g. 0.7 a
    restrictive regime, 1.3 an open one. Several levers multiply.
    """

    lever: Literal["asylum_regime"]
    intensity: float = Field(gt=0.0, le=5.0, description="x encounters (1 = status quo)")


class SouthboundInspection(_Lever):
    """Inspection of southbound traffic for guns smuggled to Mexico (mechanism 10).

    ``intensity``: fraction of the southbound gun flow stopped, in [0, 0.95]. Several
    levers combine as ``1 − Π(1 − x)``, capped at 0.95.
    """

    lever: Literal["southbound_inspection"]
    intensity: float = Field(ge=0.0, le=0.95, description="fraction of southbound guns stopped")


class DiplomaticEngagement(_Lever):
    """Diplomatic engagement with Mexico that raises cooperation (mechanism 11).

    ``intensity``: engagement intensity in [0, 1]; the cooperation target rises from
    its baseline ``c0`` by ``(1 − c0) g_e`` times it. Several levers take the largest,
    capped at 1.
    """

    lever: Literal["diplomatic_engagement"]
    intensity: float = Field(ge=0.0, le=1.0, description="engagement intensity, 0-1")


class TreatmentExpansion(_Lever):
    """More treatment capacity for opioid use disorder (MOUD) (mechanism 8).

    ``intensity``: MOUD slots added, persons in treatment at once, in [0, 5 000 000].
    Several levers add up.
    """

    lever: Literal["treatment_expansion"]
    intensity: float = Field(
        ge=0.0, le=5_000_000.0, description="MOUD slots added, persons in treatment at once"
    )


class NaloxoneDistribution(_Lever):
    """More naloxone in the community, which averts fatal overdoses (mechanism 8).

    ``intensity``: naloxone kits added per year, in [0, 100 000 000]. Several levers
    add up.
    """

    lever: Literal["naloxone_distribution"]
    intensity: float = Field(
        ge=0.0, le=100_000_000.0, description="naloxone kits added per year"
    )


class Prevention(_Lever):
    """Prevention that lowers initiation of illicit opioid misuse (mechanism 8).

    ``intensity``: fraction by which initiation is reduced, in [0, 1]. Several levers
    combine as ``1 − Π(1 − x)``.
    """

    lever: Literal["prevention"]
    intensity: float = Field(ge=0.0, le=1.0, description="fraction of initiation prevented")


class _ArcLever(_Lever):
    """A lever on one arc of the network, named by its ``from`` and ``to`` node ids.

    ``cost_usd_per_year``: the stated annual cost of acting on the arc (e.g. the arc's
    ``interdiction_cost_usd`` or ``upgrade_cost_usd`` in an optimiser's plan); the model
    prices it with a cost-overrun factor (parameters ``cost_arc_detection``,
    ``cost_arc_closure``).
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    tail: str = Field(alias="from", description="node id the arc leaves")
    head: str = Field(alias="to", description="node id the arc enters")
    cost_usd_per_year: float = Field(default=0.0, ge=0.0, allow_inf_nan=False,
                                     description="stated annual cost, USD")


class ArcDetection(_ArcLever):
    """Set one arc's nominal detection from a month (an upgrade of its inspection).

    ``detection``: the arc's new nominal detection probability per kilogram, in [0, 1],
    replacing the network's value while the lever acts; the model scales it as it
    scales every nominal detection (``detection_scale``). Of several on one arc, the
    highest applies.
    """

    lever: Literal["arc_detection"]
    detection: float = Field(ge=0.0, le=1.0, description="nominal detection probability")


class ArcClosure(_ArcLever):
    """Close one arc from a month: traffickers cannot use it (a network interdiction).

    The model gives a closed arc a prohibitive cost (``CLOSED_ARC_COST_USD_PER_KG``), so
    the route choice sends nothing along it while another route is open, and a detection
    of 1: whatever is sent along it when every route is closed is stopped.
    """

    lever: Literal["arc_closure"]


Lever = Annotated[
    PrecursorControl
    | MexicanPortInterdiction
    | PortOfEntryInspection
    | BetweenPortsEnforcement
    | LabTakedowns
    | MilitaryStrikes
    | MexicanMigrationEnforcement
    | ProcessingCapacity
    | AsylumRegime
    | SouthboundInspection
    | DiplomaticEngagement
    | TreatmentExpansion
    | NaloxoneDistribution
    | Prevention
    | ArcDetection
    | ArcClosure,
    Field(discriminator="lever"),
]

LEVER_KINDS: tuple[str, ...] = (
    "precursor_control",
    "mexican_port_interdiction",
    "lab_takedowns",
    "poe_inspection",
    "between_ports_enforcement",
    "military_strikes",
    "mexican_migration_enforcement",
    "processing_capacity",
    "asylum_regime",
    "southbound_inspection",
    "diplomatic_engagement",
    "treatment_expansion",
    "naloxone_distribution",
    "prevention",
    "arc_detection",
    "arc_closure",
)
