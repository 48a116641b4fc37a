"""The records of a network file: node and arc kinds, their fields, and their types.

A network file is parsed in two steps. This module does the first: it turns each raw
mapping (a node, an arc, an origin–destination weight) into a typed, immutable record
(:class:`Node`, :class:`Arc`, :class:`ODWeight`), translating every type error into
one :class:`~borderflow.errors.NetworkError` whose message names the file, the record
and the field. Value ranges and the graph itself are checked afterwards, on the typed
records (:mod:`borderflow.network.checks`).

Units: flows and capacities are pure fentanyl-equivalent kilograms per month
(``kg_per_month``); costs are US dollars (``usd``); ``detection`` is a probability per
kilogram moving on the arc.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from borderflow.errors import NetworkError

NODE_KINDS: tuple[str, ...] = (
    "precursor_source",
    "port",
    "lab_region",
    "staging",
    "crossing",
    "us_hub",
    "market",
)
"""Allowed node kinds, in the order a kilogram meets them."""

CROSSING_TYPES: tuple[str, ...] = ("port_of_entry", "between_ports", "international_mail")
#: The US Census Bureau's four regions, the optional ``census_region`` of a market (CDC
#: reports T40.4 deaths by them: ``cdc_synthetic_opioid_deaths_by_region``).
CENSUS_REGIONS: tuple[str, ...] = ("Northeast", "Midwest", "South", "West")
"""Allowed ``crossing_type`` values of a crossing node."""

TOP_LEVEL_FIELDS: tuple[str, ...] = ("name", "description", "nodes", "arcs", "od_weights")
"""Allowed top-level fields of a network file."""

ARC_NUMERIC_FIELDS: tuple[str, ...] = (
    "capacity_kg_per_month",
    "cost_usd_per_kg",
    "detection",
    "interdiction_cost_usd",
)
"""The required numeric fields of an arc."""

_R = TypeVar("_R", bound=BaseModel)

_ID_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]+$")

# What each field must be, as said in error messages.
_EXPECTED: dict[str, str] = {
    "id": "a string",
    "kind": "a string",
    "name": "a string",
    "lat": "a number (decimal degrees)",
    "lon": "a number (decimal degrees)",
    "interdiction_cost_usd": "a number (USD)",
    "crossing_type": "a string",
    "sector": "a string",
    "field_office": "a string",
    "from": "a node id (string)",
    "to": "a node id (string)",
    "capacity_kg_per_month": "a number (kg per month)",
    "cost_usd_per_kg": "a number (USD per kg)",
    "detection": "a number in [0, 1]",
    "finished_fentanyl": "true or false",
    "upgrade_cost_usd": "a number (USD)",
    "detection_upgraded": "a number in [0, 1]",
    "source": "a node id (string)",
    "sink": "a node id (string)",
    "weight": "a number",
}


@dataclass(frozen=True)
class Node:
    """A place on the network.

    Attributes
    ----------
    id : str
        Unique identifier, used by arcs (``from``/``to``) and scenarios.
    kind : str
        One of :data:`NODE_KINDS`.
    name : str
        Human-readable name.
    lat, lon : float
        Latitude and longitude in decimal degrees.
    interdiction_cost_usd : float or None
        Optional cost in USD per planning year of interdicting the whole node.
    attrs : dict
        Every other attribute given in the file (e.g. ``crossing_type``, ``sector``,
        ``field_office``), kept as given. Treat as read-only.

    """

    id: str
    kind: str
    name: str
    lat: float
    lon: float
    interdiction_cost_usd: float | None = None
    attrs: dict[str, Any] = field(default_factory=dict, hash=False, compare=True)

    @property
    def crossing_type(self) -> str | None:
        """The ``crossing_type`` of a crossing node, else ``None``."""
        return self.attrs.get("crossing_type")

    def to_dict(self) -> dict[str, Any]:
        """Return the node as a file record (the mapping it was read from)."""
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "lat": self.lat,
            "lon": self.lon,
        }
        if self.interdiction_cost_usd is not None:
            out["interdiction_cost_usd"] = self.interdiction_cost_usd
        out.update(self.attrs)
        return out


@dataclass(frozen=True)
class Arc:
    """A directed link ``tail -> head``, identified by that pair.

    Attributes
    ----------
    tail, head : str
        Node ids (``from`` and ``to`` in the file).
    capacity_kg_per_month : float
        Upper bound on flow, pure fentanyl-equivalent kg per month, >= 0.
    cost_usd_per_kg : float
        Traffickers' cost of moving one kilogram along the arc, USD per kg, >= 0.
    detection : float
        Nominal probability that a kilogram moving on the arc is seized, in [0, 1].
        The model scales it with a prior.
    interdiction_cost_usd : float
        Cost in USD per planning year of interdicting (closing) the arc, >= 0.
    attrs : dict
        Every other attribute given in the file (e.g. ``finished_fentanyl``,
        ``upgrade_cost_usd``, ``detection_upgraded``). Treat as read-only.

    """

    tail: str
    head: str
    capacity_kg_per_month: float
    cost_usd_per_kg: float
    detection: float
    interdiction_cost_usd: float
    attrs: dict[str, Any] = field(default_factory=dict, hash=False, compare=True)

    @property
    def key(self) -> tuple[str, str]:
        """The arc's identity, ``(tail, head)``."""
        return (self.tail, self.head)

    @property
    def label(self) -> str:
        """A compact label, ``"tail->head"``."""
        return f"{self.tail}->{self.head}"

    @property
    def finished_fentanyl(self) -> bool:
        """Whether the arc carries finished fentanyl (e.g. mailed from China)."""
        return bool(self.attrs.get("finished_fentanyl", False))

    def to_dict(self) -> dict[str, Any]:
        """Return the arc as a file record (the mapping it was read from)."""
        out: dict[str, Any] = {"from": self.tail, "to": self.head}
        for name in ARC_NUMERIC_FIELDS:
            out[name] = getattr(self, name)
        out.update(self.attrs)
        return out


@dataclass(frozen=True)
class ODWeight:
    """An origin–destination pair with a weight >= 0 (e.g. for interdiction planning)."""

    source: str
    sink: str
    weight: float

    def to_dict(self) -> dict[str, Any]:
        """Return the pair as a file record."""
        return {"source": self.source, "sink": self.sink, "weight": self.weight}


class _NodeRecord(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)

    id: str
    kind: str
    name: str
    lat: float
    lon: float
    interdiction_cost_usd: float | None = None
    crossing_type: str | None = None
    sector: str | None = None
    field_office: str | None = None


class _ArcRecord(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)

    tail: str = Field(alias="from")
    head: str = Field(alias="to")
    capacity_kg_per_month: float
    cost_usd_per_kg: float
    detection: float
    interdiction_cost_usd: float
    finished_fentanyl: bool | None = None
    upgrade_cost_usd: float | None = None
    detection_upgraded: float | None = None


class _ODRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    source: str
    sink: str
    weight: float


def show(value: Any, limit: int = 60) -> str:
    """Return ``repr(value)``, shortened to ``limit`` characters for a one-line message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def type_name(value: Any) -> str:
    """Return the YAML-ish name of a value's type, for messages."""
    if value is None:
        return "nothing (null)"
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )


def node_where(raw: Any, index: int) -> str:
    """Name a raw node record: ``node 'id'`` if it has a usable id, else ``node #i``."""
    if isinstance(raw, Mapping) and isinstance(raw.get("id"), str) and raw["id"]:
        return f"node {raw['id']!r}"
    return f"node #{index + 1}"


def arc_where(raw: Any, index: int) -> str:
    """Name a raw arc record: ``arc 'a' -> 'b'`` if both ends are strings, else ``arc #i``."""
    if isinstance(raw, Mapping):
        tail, head = raw.get("from"), raw.get("to")
        if isinstance(tail, str) and isinstance(head, str):
            return f"arc {tail!r} -> {head!r}"
    return f"arc #{index + 1}"


def _validate(model: type[_R], raw: Any, where: str, source: str) -> _R:
    """Validate ``raw`` against ``model``; raise one NetworkError naming the field."""
    if not isinstance(raw, Mapping):
        raise NetworkError(f"{source}: {where}: must be a mapping of fields, got {type_name(raw)}")
    for key in raw:
        if not isinstance(key, str):
            raise NetworkError(f"{source}: {where}: field names must be strings, got {show(key)}")
    try:
        return model.model_validate(dict(raw))
    except ValidationError as exc:
        raise NetworkError(_translate(exc, where, source)) from None


def _translate(exc: ValidationError, where: str, source: str) -> str:
    """Turn the first pydantic error into a one-line message."""
    err = exc.errors(include_url=False)[0]
    name = str(err["loc"][0]) if err["loc"] else "?"
    expected = _EXPECTED.get(name, "a valid value")
    if err["type"] == "missing":
        return f"{source}: {where}: missing required field {name!r} ({expected})"
    if err["type"] == "extra_forbidden":
        allowed = ", ".join(_ODRecord.model_fields)
        return f"{source}: {where}: unknown field {name!r}; allowed: {allowed}"
    return f"{source}: {where}: field {name!r} must be {expected}, got {show(err['input'])}"


def _extras(record: BaseModel, optional: tuple[str, ...]) -> dict[str, Any]:
    """Collect the optional known attributes that were given, then the unknown extras."""
    attrs = {
        name: getattr(record, name)
        for name in optional
        if name in record.model_fields_set and getattr(record, name) is not None
    }
    attrs.update(record.model_extra or {})
    return attrs


def parse_node(raw: Any, index: int, source: str) -> Node:
    """Type-check one raw node mapping (the ``index``-th in the file) into a :class:`Node`."""
    where = node_where(raw, index)
    rec = _validate(_NodeRecord, raw, where, source)
    if not _ID_PATTERN.match(rec.id):
        raise NetworkError(
            f"{source}: node #{index + 1}: field 'id' must be an identifier of letters, "
            f"digits, '_', '.' or '-', got {show(rec.id)}"
        )
    return Node(
        id=rec.id,
        kind=rec.kind,
        name=rec.name,
        lat=rec.lat,
        lon=rec.lon,
        interdiction_cost_usd=rec.interdiction_cost_usd,
        attrs=_extras(rec, ("crossing_type", "sector", "field_office")),
    )


def parse_arc(raw: Any, index: int, source: str) -> Arc:
    """Type-check one raw arc mapping (the ``index``-th in the file) into an :class:`Arc`."""
    rec = _validate(_ArcRecord, raw, arc_where(raw, index), source)
    return Arc(
        tail=rec.tail,
        head=rec.head,
        capacity_kg_per_month=rec.capacity_kg_per_month,
        cost_usd_per_kg=rec.cost_usd_per_kg,
        detection=rec.detection,
        interdiction_cost_usd=rec.interdiction_cost_usd,
        attrs=_extras(rec, ("finished_fentanyl", "upgrade_cost_usd", "detection_upgraded")),
    )


def parse_od_weight(raw: Any, index: int, source: str) -> ODWeight:
    """Type-check one raw ``od_weights`` entry into an :class:`ODWeight`."""
    rec = _validate(_ODRecord, raw, f"od_weights[{index}]", source)
    return ODWeight(source=rec.source, sink=rec.sink, weight=rec.weight)


def parse_document(data: Any, source: str) -> dict[str, Any]:
    """Type-check a whole parsed network document.

    Returns a mapping with ``name``, ``description`` (str or None), ``nodes``,
    ``arcs`` and ``od_weights`` (tuples of records). Value ranges and the graph are
    not checked here.
    """
    if not isinstance(data, Mapping):
        got = "an empty document" if data is None else type_name(data)
        raise NetworkError(
            f"{source}: the network must be a mapping with 'nodes' and 'arcs', got {got}"
        )
    for key in data:
        if key not in TOP_LEVEL_FIELDS:
            raise NetworkError(
                f"{source}: unknown top-level field {show(key)}; "
                f"allowed: {', '.join(TOP_LEVEL_FIELDS)}"
            )
    for key in ("nodes", "arcs"):
        if key not in data:
            raise NetworkError(
                f"{source}: missing required top-level field {key!r} (a list of {key})"
            )
    for key in ("nodes", "arcs", "od_weights"):
        value = data.get(key, [])
        if not isinstance(value, list) and not (key == "od_weights" and value is None):
            raise NetworkError(
                f"{source}: top-level field {key!r} must be a list, got {type_name(value)}"
            )
    for key in ("name", "description"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise NetworkError(
                f"{source}: top-level field {key!r} must be a string, got {show(data[key])}"
            )
    return {
        "name": data.get("name"),
        "description": data.get("description"),
        "nodes": tuple(parse_node(raw, i, source) for i, raw in enumerate(data["nodes"])),
        "arcs": tuple(parse_arc(raw, i, source) for i, raw in enumerate(data["arcs"])),
        "od_weights": tuple(
            parse_od_weight(raw, i, source) for i, raw in enumerate(data.get("od_weights") or [])
        ),
    }
