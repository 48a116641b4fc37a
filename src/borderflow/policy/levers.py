"""The policy levers: what each one does to the model, in which unit.

Each lever is a validated record (pydantic) with a start month, an optional end month
(inclusive) and an intensity in a stated unit: the schema of each kind. What each kind
does, costs and combines is declared in :mod:`borderflow.policy.registry`, from which
:func:`borderflow.policy.drivers.build` turns a scenario's levers into the model's
exogenous time series.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def _check_month(value: object) -> str:
    """``value`` as a month ``YYYY-MM`` in 2010-01 .. 2035-12; else a plain ValueError.

    YAML reads ``2026-01-01`` as a date: that is refused with the month it names, so the
    message shows what to write rather than a Python object.
    """
    if isinstance(value, dt.date):  # a datetime is a date too
        raise ValueError(f"write a month as YYYY-MM, e.g. {value:%Y-%m}, not a day; "
                         f"got {value.isoformat()[:10]}")
    text = str(value).strip()
    match = _MONTH.match(text)
    if not match:
        raise ValueError(f"write a month as YYYY-MM, e.g. 2026-01, got {text}")
    year, month = match.group(1), int(match.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f"the month must be 01-12, got {text}")
    if len(match.group(2)) != 2:
        raise ValueError(f"write a month as YYYY-MM, e.g. {year}-{month:02d}, got {text}")
    if not "2010" <= year <= "2035":
        raise ValueError(f"must be a month between 2010-01 and 2035-12, got {text}")
    return text


def as_targets(value: object) -> object:
    """A single node id (or ids separated by commas) where a list is expected: a list.

    ``regions: sinaloa`` means ``[sinaloa]`` and ``regions: sinaloa, jalisco`` means
    ``[sinaloa, jalisco]``; ``[all]`` means ``all``. Anything else is left to the type.
    """
    if isinstance(value, str) and value.strip() != "all":
        names = [part.strip() for part in value.split(",") if part.strip()]
        return names or value
    if isinstance(value, str):
        return "all"
    if isinstance(value, list) and value == ["all"]:
        return "all"
    return value


#: Node ids, or ``all``; one id (or ``a, b``) reads as a list of them.
Targets = Annotated[Literal["all"] | list[str], BeforeValidator(as_targets)]


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
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class PrecursorControl(_Lever):
    """Controls on a precursor source: listings, indictments, sanctions (mechanism 2).

    ``intensity``: share of the source's precursor exports to Mexico the new controls
    cover, in [0, 1]. The share of covered trade that actually stops is the member's
    ``control_effectiveness`` (a prior, not an input); the model replaces part of the
    stopped supply from other sources after a lag, at a cost.
    """

    lever: Literal["precursor_control"]
    source: str = Field(description="precursor_source node id, or 'all'")
    intensity: float = Field(ge=0.0, le=1.0,
                             description="share of the source's exports covered by controls")

    @field_validator("source", mode="before")
    @classmethod
    def _one_source(cls, value: object) -> object:
        """``[china]`` means ``china``; several sources need a lever each."""
        if isinstance(value, list) and len(value) == 1:
            return value[0]
        if isinstance(value, list) and len(value) > 1:
            names = ", ".join(str(v) for v in value)
            raise ValueError(f"one source per lever: write a precursor_control lever for "
                             f"each of {names}, or source: all")
        return value


class MexicanPortInterdiction(_Lever):
    """Mexico inspects precursor shipments at its entry points (mechanism 3).

    ``intensity``: customs and naval inspectors added at each named port, persons. The
    port's inspection effort becomes ``1 + added / mx_port_inspectors`` (the member's
    staff already there), and the model scales Mexico's whole effort by cooperation
    (mechanism 11). Several such levers add up.
    """

    lever: Literal["mexican_port_interdiction"]
    ports: Targets = Field(default="all", description="port node ids, or 'all'")
    intensity: float = Field(ge=0.0, le=100_000.0,
                             description="inspectors added per port, persons")


class PortOfEntryInspection(_Lever):
    """Scanning of passenger vehicles at US land ports of entry (mechanism 6).

    ``intensity``: share of passenger vehicles scanned by large-scale non-intrusive
    inspection (NII) at each named port, in [0, 1], from ``start`` (the history is 2 %
    in FY2020-21 and 8 % in FY2024, ``cbp_nii_scan_rates``). The port's inspection
    effort is ``(1 + η s) / (1 + η s_ref)`` with the member's scan effectiveness ``η``
    and ``s_ref`` the 2 % of 2020-22 the network's detection refers to; scanning more
    than the history costs trade through border waits (a rate below it lowers
    inspection, and no saving is counted). Of several on one port, the highest applies.
    """

    lever: Literal["poe_inspection"]
    crossings: Targets = Field(
        default="all", description="port_of_entry crossing node ids, or 'all'"
    )
    intensity: float = Field(ge=0.0, le=1.0,
                             description="share of passenger vehicles scanned (NII)")


class BetweenPortsEnforcement(_Lever):
    """More Border Patrol agents between ports of entry (mechanism 6).

    ``intensity``: Border Patrol agents added, persons, shared equally among the
    named sectors. A sector's effort is ``(1 + added / base)^β``: ``base`` its share of
    the 16,717 agents stationed at the southwest border (April 2017, anchor
    bp_agents_2017) and ``β`` the member's ``bp_agent_elasticity``. Several add up.
    """

    lever: Literal["between_ports_enforcement"]
    crossings: Targets = Field(
        default="all", description="between_ports crossing node ids, or 'all'"
    )
    intensity: float = Field(ge=0.0, le=100_000.0, description="agents added, persons")


class LabTakedowns(_Lever):
    """Mexican lab raids (mechanism 4).

    ``intensity``: raids a month added in each named region. A raid finds an active
    lab with probability ``raid_active_share`` (SEDENA: 89 % of 1,658 raids hit
    inactive labs) and an active lab is one of ``active_labs`` sharing the region's
    capacity; the model scales raids by cooperation (mechanism 11) and labs are
    rebuilt toward their target. Several levers add up.
    """

    lever: Literal["lab_takedowns"]
    regions: Targets = Field(default="all", description="lab_region node ids, or 'all'")
    intensity: float = Field(ge=0.0, le=10_000.0, description="raids added per month and region")


class MilitaryStrikes(_Lever):
    """US military strikes on labs (mechanism 4; its diplomatic side is mechanism 11).

    ``intensity``: strikes a year on each named region, spread evenly over the months
    from ``start`` (2 a year: one in the first month, one in the seventh). A strike
    destroys the ``strike_labs_reached`` active labs it finds, of the region's share
    of ``active_labs``; labs relocate to other regions, cooperation falls by
    ``strike_cooperation_drop`` per strike and violence rises. Several add up.
    """

    lever: Literal["military_strikes"]
    regions: Targets = Field(default="all", description="lab_region node ids, or 'all'")
    intensity: float = Field(ge=0.0, le=365.0, description="strikes per year and region")


class MexicanMigrationEnforcement(_Lever):
    """Mexico deploys personnel to stop migrants before the US border (mechanism 9).

    ``intensity``: National Guard and migration agents deployed, persons. The share of
    encounters prevented at baseline cooperation is ``1 − exp(−n / n₀)`` with the
    member's ``mx_migration_personnel_scale`` ``n₀`` (anchored on the June 2019
    deployment); the model scales it by cooperation. Several levers add up.
    """

    lever: Literal["mexican_migration_enforcement"]
    intensity: float = Field(ge=0.0, le=500_000.0, description="personnel deployed, persons")


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
    restrictive regime, 1.3 an open one (judgement: a rule is not a quantity; the
    calendar's regimes, e.g. Proclamation 10773, are fitted as such multipliers).
    Several levers multiply.
    """

    lever: Literal["asylum_regime"]
    intensity: float = Field(gt=0.0, le=5.0, description="x encounters (1 = status quo)")


class SouthboundInspection(_Lever):
    """Officers inspecting southbound traffic for guns smuggled to Mexico (mechanism 10).

    ``intensity``: CBP officers assigned to outbound inspection, persons. The share of
    the southbound gun flow stopped is ``0.95 (1 − exp(−n / n₀))`` with the member's
    ``gun_officers_scale`` ``n₀``. Several levers add up.
    """

    lever: Literal["southbound_inspection"]
    intensity: float = Field(ge=0.0, le=100_000.0, description="officers assigned, persons")


class DiplomaticEngagement(_Lever):
    """Security assistance and engagement with Mexico that raise cooperation (mechanism 11).

    ``intensity``: USD a year of security assistance and engagement programmes. The
    engagement level is ``1 − exp(−usd / u₀)`` with the member's
    ``engagement_usd_scale`` ``u₀`` (Mérida-era funding); the cooperation target rises
    from its baseline ``c₀`` by ``(1 − c₀) g_e`` times it. Several levers add up.
    """

    lever: Literal["diplomatic_engagement"]
    intensity: float = Field(ge=0.0, le=1e11, description="USD per year")


class TradePressure(_Lever):
    """Tariffs threatened or applied on imports from Mexico to win cooperation (mechanism 11).

    ``intensity``: the tariff rate, a share of the imports' value, in [0, 1], from
    ``start`` to ``end``. It moves the cooperation target by the member's
    ``trade_pressure_response`` per unit of tariff, a prior anchored on June 2019 (a
    5 % tariff threatened, the Joint Declaration and National Guard deployment ten
    days later) that is negative for some members: pressure can lower cooperation.
    ``applied: true`` levies it, which costs trade (welfare loss); a threat costs none.
    Of several, the highest rate applies.
    """

    lever: Literal["trade_pressure"]
    intensity: float = Field(ge=0.0, le=1.0, description="tariff rate, share of import value")
    applied: bool = Field(default=False, description="levied (true) or only threatened")


class TreatmentExpansion(_Lever):
    """More treatment capacity for opioid use disorder (MOUD) (mechanism 8).

    ``intensity``: MOUD slots added, persons in treatment at once, in [0, 5 000 000].
    Several levers add up; only the slots people fill are charged.
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
    """Prevention programmes that lower initiation of illicit opioid misuse (mechanism 8).

    ``intensity``: USD a year spent on evidence-based prevention programmes. The share
    of initiation prevented is ``p_max (1 − exp(−usd / u₀))`` with the member's
    ``prevention_max_share`` and ``prevention_usd_scale``. Several levers add up.
    """

    lever: Literal["prevention"]
    intensity: float = Field(ge=0.0, le=1e11, description="USD per year")


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
    | TradePressure
    | TreatmentExpansion
    | NaloxoneDistribution
    | Prevention
    | ArcDetection
    | ArcClosure,
    Field(discriminator="lever"),
]
