"""What each lever was read as: one line in words and in its unit, with warnings.

A lever's ``intensity`` is a quantity in the unit its kind declares (kits a year,
inspectors, a share of vehicles scanned, ...). A number meant in another unit runs
silently: ``naloxone_distribution`` at ``0.5`` is half a kit a year, not half of
anything. :func:`read_levers` says, for each lever of a scenario, what the model read
(the quantity in its unit, the places by their names in the network, the months) and
warns where the setting is outside its kind's plausible range or would weaken the
status quo (:class:`~borderflow.policy.registry.LeverKind`'s ``plausible``,
``status_quo`` and ``weaker``)::

    naloxone_distribution: +0.5 kits/yr from 2026-01 — below the plausible range
    100k–10M kits/yr: the lever is set in kits/yr, not as a fraction; see ...

Pure: it reads the scenario and the network, runs nothing, and raises only what
loading them raises.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from borderflow.display import money, quantity
from borderflow.network import CompiledNetwork, Network, load_network
from borderflow.policy.registry import BY_KIND, LeverKind
from borderflow.policy.scenario import Scenario, load_scenario

#: Where a reader finds a lever kind's unit, allowed and plausible ranges and sources.
SEE = "see `borderflow scenarios show {kind}`"


@dataclass(frozen=True)
class Reading:
    """What the model read one lever as.

    Attributes:
        kind: the lever's kind (its ``lever:`` tag).
        line: the lever in words: kind, places, quantity in its unit, months, and
            today's level where the setting replaces it.
        warnings: why the setting may not be what was meant (outside the plausible
            range, weaker than the status quo, unknown places); empty when none.

    ``str(reading)`` is the line with its warnings after a dash.

    """

    kind: str
    line: str
    warnings: tuple[str, ...] = ()

    def __str__(self) -> str:
        return " — ".join((self.line, *self.warnings))


@dataclass(frozen=True)
class _Said:
    """How a kind's quantity is said: ``template`` with ``{x}``, and its unit.

    ``unit``: ``%`` (a share, written as a percentage), ``usd`` (USD a year), ``x`` (a
    multiplier), ``p`` (a probability) or words appended to a count (``kits/yr``).
    """

    template: str
    unit: str


_SAID: dict[str, _Said] = {
    "precursor_control": _Said("controls cover {x} of precursor exports to Mexico", "%"),
    "mexican_port_interdiction": _Said("+{x} inspectors per port", "inspectors per port"),
    "lab_takedowns": _Said("+{x} raids a month per region", "raids a month per region"),
    "poe_inspection": _Said("scan {x} of passenger vehicles", "%"),
    "between_ports_enforcement": _Said("+{x} Border Patrol agents, shared among them",
                                       "agents"),
    "military_strikes": _Said("{x} strikes a year per region", "strikes a year per region"),
    "mexican_migration_enforcement": _Said("+{x} Mexican personnel on migration enforcement",
                                           "persons"),
    "processing_capacity": _Said("+{x} civilian processing staff", "persons"),
    "asylum_regime": _Said("{x} encounters", "x"),
    "southbound_inspection": _Said("+{x} officers inspecting southbound traffic for guns",
                                   "officers"),
    "diplomatic_engagement": _Said("+{x} of security assistance and engagement", "usd"),
    "trade_pressure": _Said("a {x} tariff on imports from Mexico", "%"),
    "treatment_expansion": _Said("+{x} MOUD slots (persons in treatment at once)", "slots"),
    "naloxone_distribution": _Said("+{x} kits/yr", "kits/yr"),
    "prevention": _Said("+{x} on prevention programmes", "usd"),
    "arc_detection": _Said("nominal detection {x} per kg", "p"),
    "arc_closure": _Said("closed", ""),
}

#: How "all" is said, by the node kind a lever targets.
_EVERY = {"precursor_source": "every precursor source", "port": "every Mexican port",
          "lab_region": "every lab region", "port_of_entry": "every port of entry",
          "between_ports": "every Border Patrol sector"}
#: The preposition before a kind's places.
_PREP = {"precursor_source": "on", "port": "at", "lab_region": "in", "port_of_entry": "at",
         "between_ports": "in"}
#: What a setting on the weaker side of today's level does, by kind.
_WEAKENS = {
    "poe_inspection": "it lowers inspection at those ports (the setting is the share of "
                      "vehicles scanned, not a change from today's)",
    "asylum_regime": "it raises encounters above today's rules",
    "arc_detection": "it lowers detection on the arc",
}


def _value(x: float, unit: str) -> str:
    """One quantity in its unit's way of writing."""
    if unit == "%":
        return f"{100 * x:.3g} %"
    if unit == "usd":
        return f"{money(x) if abs(x) >= 1e3 else f'${x:.3g}'} a year"
    if unit == "x":
        return f"x{x:.3g}"
    if unit == "p":
        return f"{x:.3g}"
    return quantity(x)


def _range(bounds: tuple[float, float], unit: str) -> str:
    """A plausible range in its unit: ``100k–10M kits/yr``, ``8–100 %``."""
    lo, hi = bounds
    if unit == "%":
        return f"{100 * lo:.3g}–{100 * hi:.3g} %"
    if unit == "usd":
        return f"{money(lo)}–{money(hi)} a year"
    if unit == "x":
        return f"x{lo:.3g}–x{hi:.3g}"
    if unit == "p":
        return f"{lo:.3g}–{hi:.3g} per kg"
    return f"{quantity(lo)}–{quantity(hi)} {unit}"


def _short(name: str) -> str:
    """A node's name without its parenthesis: ``China (Wuhan, ...)`` -> ``China``."""
    return name.split(" (")[0].strip() or name


def _join(names: Sequence[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return "; ".join(names[:-1]) + " and " + names[-1]


class _Places:
    """The network's nodes and arcs as the reading needs them, from either form."""

    def __init__(self, network: Network | CompiledNetwork) -> None:
        if isinstance(network, CompiledNetwork):
            rows = zip(network.node_ids, network.node_kind, network.node_names,
                       network.crossing_type, strict=True)
            arcs = zip(network.arc_ids, network.detection, strict=True)
        else:
            rows = ((n.id, n.kind, n.name, n.crossing_type) for n in network.nodes)
            arcs = ((a.key, a.detection) for a in network.arcs)
        self.source = network.source
        self.name: dict[str, str] = {}
        self.of_kind: dict[str, list[str]] = {}
        for node_id, kind, name, crossing in rows:
            self.name[node_id] = _short(name)
            self.of_kind.setdefault(crossing if kind == "crossing" else kind, []).append(node_id)
        self.detection = {tuple(key): float(d) for key, d in arcs}

    def targets(self, node_kind: str, wanted: str | list[str]) -> tuple[str, list[str]]:
        """The places said in words, and warnings for names the network lacks."""
        known = self.of_kind.get(node_kind, [])
        if wanted == "all":
            return f"{_EVERY[node_kind]} ({len(known)})", []
        ids = [wanted] if isinstance(wanted, str) else list(wanted)
        unknown = [i for i in ids if i not in known]
        what = _EVERY[node_kind].removeprefix("every ")
        notes = [f"{i!r} is not a {what} of the network ({self.source})" for i in unknown]
        return _join([self.name.get(i, i) for i in ids]), notes


def _when(lever: Any) -> str:
    return f"from {lever.start}" + (f" to {lever.end}" if lever.end else "")


def _today(kind: LeverKind) -> str:
    """Today's level in a few words: ``8 % in FY2024``."""
    return _short(kind.status_quo_source)


def _range_warnings(kind: LeverKind, x: float, weakened: bool) -> list[str]:
    """Outside the plausible range (below it only when not already said as weaker)."""
    if kind.plausible is None or x == 0.0:  # 0 is said as doing nothing
        return []
    unit = _SAID[kind.name].unit
    lo, hi = kind.plausible
    see = SEE.format(kind=kind.name)
    if x < lo and not weakened:
        hint = ""
        if 0 < x <= 1 and unit not in ("%", "x", "p"):
            shown = "USD/yr" if unit == "usd" else unit
            hint = f": the lever is set in {shown}, not as a fraction"
        return [f"below the plausible range {_range(kind.plausible, unit)}{hint}; {see}"]
    if x > hi:
        return [f"above the plausible range {_range(kind.plausible, unit)}; {see}"]
    return []


def _weaker(kind: LeverKind, x: float, today: float | None) -> bool:
    """Whether ``x`` sits on the weaker side of today's level ``today``."""
    if kind.weaker is None or today is None:
        return False
    return x < today if kind.weaker == "below" else x > today


def _asylum(x: float) -> str:
    """Which way a multiplier moves encounters, said against today's rules."""
    if x == 1.0:
        return "(today's rules: no change in encounters)"
    way, regime = ("fewer", "restrictive") if x < 1.0 else ("more", "open")
    return f"({regime}: {abs(1.0 - x) * 100:.3g} % {way} encounters than under today's rules)"


def _read_one(lever: Any, places: _Places) -> Reading:
    kind = BY_KIND[lever.lever]
    said = _SAID[kind.name]
    notes: list[str] = []
    where = ""
    today = kind.status_quo
    if kind.targets == "arc":
        key = (lever.tail, lever.head)
        tail, head = (places.name.get(n, n) for n in key)
        where = f" on {tail} → {head}"
        today = places.detection.get(key)
        if today is None:
            notes.append(f"no arc {lever.tail!r} -> {lever.head!r} in the network "
                         f"({places.source})")
    elif kind.targets is not None:
        field, node_kind = kind.targets
        named, unknown = places.targets(node_kind, getattr(lever, field))
        where = f" {_PREP[node_kind]} {named}"
        notes += unknown
    x = float(getattr(lever, "intensity", getattr(lever, "detection", 1.0)))
    quantity = said.template.format(x=_value(x, said.unit))
    parts = [f"{kind.name}{where}: {quantity}"]
    if kind.name == "trade_pressure":
        parts.append("levied" if lever.applied else "threatened only (not levied)")
    if kind.targets == "arc" and getattr(lever, "cost_usd_per_year", 0.0):
        parts.append(f"stated cost {money(lever.cost_usd_per_year)} a year")
    line = ", ".join(parts) + " " + _when(lever)
    if kind.name == "asylum_regime":
        line += " " + _asylum(x)
    elif kind.name == "arc_detection" and today is not None:
        line += f" (network: {today:.3g})"
    elif kind.status_quo is not None:
        line += f" (history: {_today(kind)})"
    weakened = _weaker(kind, x, today)
    warnings = list(notes)
    if weakened:
        level = _value(today, said.unit) if today is not None else ""  # type: ignore[arg-type]
        warnings.append(f"weakens the status quo: {_value(x, said.unit)} is "
                        f"{kind.weaker} today's {level}; {_WEAKENS.get(kind.name, '')}"
                        .rstrip("; "))
    warnings += _range_warnings(kind, x, weakened)
    if x == 0.0 and kind.weaker is None and "intensity" in type(lever).model_fields:
        warnings.append("intensity 0: the lever does nothing")
    return Reading(kind.name, line, tuple(warnings))


ScenarioLike = Scenario | str | Path | dict
NetworkLike = Network | CompiledNetwork | str | Path | None


def read_levers(scenario: ScenarioLike, network: NetworkLike = None) -> list[Reading]:
    """What the model reads each lever of ``scenario`` as, in its order.

    Args:
        scenario: a :class:`~borderflow.policy.Scenario`, a shipped scenario's name, a
            scenario file's path or a mapping (loaded with
            :func:`~borderflow.policy.load_scenario`).
        network: the network the levers' places are named from: a
            :class:`~borderflow.network.Network`, its compiled form, a network file's
            path, or None for the shipped one.

    Returns:
        One :class:`Reading` per lever (none for a scenario without levers). A
        lever's warnings say when its setting is outside its kind's plausible range,
        weakens the status quo (a scan rate under today's, an encounter multiplier
        over 1, an arc's detection under the network's), names a place the network
        lacks, or sets nothing.

    Raises:
        ScenarioError, NetworkError: as loading the scenario or the network does.

    """
    scen = load_scenario(scenario)
    net = network if isinstance(network, Network | CompiledNetwork) else load_network(network)
    places = _Places(net)
    return [_read_one(lever, places) for lever in scen.levers]


#: The kinds :func:`read_levers` can say (every registry kind; a test holds them equal).
SAID_KINDS: tuple[str, ...] = tuple(_SAID)

__all__ = ["SAID_KINDS", "SEE", "Reading", "read_levers"]
