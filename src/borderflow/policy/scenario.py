"""Scenario files: name, description, levers, parameter overrides; validated at load.

Every failure is a :class:`~borderflow.errors.ScenarioError` whose one-line message
names the file, the field, what is allowed and what was given, e.g.::

    my.yaml: levers[0].intensity: must be <= 1 (share of the source's exports covered
    by controls), got 1.5

Scenario files state ``schema: 2``: levers in the units a government sets. A file
without it was written for the old units (fractions of supply or capacity, effort
multipliers) and is refused, so that no old file is silently reinterpreted.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from borderflow.errors import ParameterError, ScenarioError
from borderflow.io import parse_yaml, read_yaml
from borderflow.policy.levers import Lever
from borderflow.policy.registry import LEVER_KINDS, check_overrides


class StaticPlan(BaseModel):
    """What a static interdiction optimiser promised for the plan a scenario holds.

    Written by ``borderflow optimize --scenario-out``; the report sets it beside what
    the dynamic model gives once traffickers reroute and labs are rebuilt.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    objective: Literal["evader", "maxflow"]
    unit: str = Field(description="the objective's unit")
    budget_usd: float = Field(ge=0.0, allow_inf_nan=False)
    baseline: float = Field(ge=0.0, allow_inf_nan=False,
                            description="the objective with nothing interdicted")
    optimum: float = Field(ge=0.0, allow_inf_nan=False,
                           description="the objective with the plan (verified)")
    start: str = Field(description="first month of the plan's levers, YYYY-MM")
    network: str = ""

    @property
    def promised_change(self) -> float:
        """Relative change of the objective the plan promises (−0.3 = 30 % less)."""
        return self.optimum / self.baseline - 1.0 if self.baseline > 0 else 0.0


#: The scenario format this version reads.
SCHEMA = 2

_OLD_UNITS = (
    "levers are now read in the units a government sets (controls' coverage of a "
    "source's exports, inspectors, raids a month, strikes a year, a scan rate, agents, "
    "personnel, officers, USD a year, kits, slots, a tariff rate) instead of fractions "
    "of supply or capacity and effort multipliers; convert each lever's intensity "
    "(`borderflow scenarios` lists every unit) and add `schema: 2`"
)


class Scenario(BaseModel):
    """A policy scenario: levers with start months and intensities, and overrides."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    schema_version: Literal[2] = Field(default=SCHEMA, alias="schema",
                                       description="the scenario format, 2")
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_\-]+$")
    description: str = ""
    levers: list[Lever] = Field(default_factory=list)
    parameters: dict[str, float] = Field(default_factory=dict)
    plan: StaticPlan | None = None

    @field_validator("parameters", mode="before")
    @classmethod
    def _known_parameters(cls, value: object) -> object:
        if isinstance(value, dict):
            try:
                check_overrides(value)
            except ParameterError as exc:
                raise ValueError(str(exc)) from None
        return value


def _where(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in LEVER_KINDS:  # pydantic inserts the union member's tag: drop it
            continue
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


_HINTS = {
    "name": "letters, digits, '_' or '-'",
    "lever": "one of " + ", ".join(LEVER_KINDS),
}


def _message(origin: str, exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = _where(err["loc"])
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if err["type"] == "extra_forbidden":
        msg = "is not a known field"
    elif err["type"] == "union_tag_invalid":
        msg = f"unknown lever; allowed: {', '.join(LEVER_KINDS)}"
        return f"{origin}: {where}.lever: {msg}, got {err['ctx'].get('tag')!r}"
    elif err["type"] == "union_tag_not_found":
        kinds = ", ".join(LEVER_KINDS)
        return f"{origin}: {where}: each lever needs a 'lever' field, one of {kinds}"
    elif err["type"] == "missing":
        return f"{origin}: {where}: is required"
    last = str(err["loc"][-1]) if err["loc"] else ""
    hint = _HINTS.get(last)
    got = err.get("input")
    text = f"{origin}: {where}: {msg[0].lower() + msg[1:]}"
    if hint and hint not in text:
        text += f" ({hint})"
    if err["type"] not in ("value_error",) or "got" not in text:
        text += f", got {got!r}"
    return text


def scenario_from_dict(data: Any, origin: str = "<scenario>") -> Scenario:
    """Validate a parsed scenario mapping; ``origin`` names it in error messages."""
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{origin}: a scenario must be a mapping with name, levers, ...; "
            f"got {type(data).__name__}"
        )
    if "schema" not in data and "schema_version" not in data:
        raise ScenarioError(f"{origin}: schema: missing; this file is for the old units: "
                            + _OLD_UNITS)
    version = data.get("schema", data.get("schema_version"))
    if version != SCHEMA or isinstance(version, bool):
        raise ScenarioError(f"{origin}: schema: must be {SCHEMA}, got {version!r}; "
                            + _OLD_UNITS)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_message(origin, exc)) from None


def shipped_names() -> list[str]:
    """Names of the scenarios shipped with borderflow, ``status_quo`` first."""
    files = resources.files("borderflow.policy").joinpath("scenarios")
    names = sorted(p.name[:-5] for p in files.iterdir() if p.name.endswith(".yaml"))
    names.remove("status_quo")
    return ["status_quo", *names]


def load_scenario(spec: str | Path | Scenario | dict) -> Scenario:
    """Load a scenario: a shipped name, a YAML file path, a mapping or a Scenario."""
    if isinstance(spec, Scenario):
        return spec
    if isinstance(spec, dict):
        return scenario_from_dict(spec)
    text_spec = str(spec)
    if isinstance(spec, str) and "/" not in text_spec and not text_spec.endswith(
        (".yaml", ".yml")
    ):
        shipped = resources.files("borderflow.policy").joinpath("scenarios", f"{spec}.yaml")
        if not shipped.is_file():
            raise ScenarioError(
                f"unknown scenario '{spec}'; shipped: {', '.join(shipped_names())} "
                "(or give the path of a .yaml file)"
            )
        source = f"{spec}.yaml"
        return scenario_from_dict(
            parse_yaml(shipped.read_text(encoding="utf-8"), source, ScenarioError), source)
    path = Path(spec)
    return scenario_from_dict(read_yaml(path, ScenarioError, "scenario file"), str(path))
