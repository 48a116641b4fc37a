"""Scenario files: name, description, levers, parameter overrides; validated at load.

Every failure is a :class:`~borderflow.errors.ScenarioError` that names the file and
lists every problem of the file at once, one a line, each with its line in the file
(when read from one), the field, what is allowed and what was given, e.g.::

    my.yaml: 2 problems:
      line 5: levers[1] (poe_inspection).crossing: is not a known field; did you mean
      'crossings'? the fields of poe_inspection: lever, start, end, crossings, intensity
      line 8: levers[2] (naloxone_distribution).start: the month must be 01-12, got 2026-13

(one problem fits on one line after the file's name). Levers are numbered from 1, as a
person counts them, and named by their kind; close names are suggested for unknown
fields, sections, lever kinds, parameters and node ids. The node ids a lever names are
checked against the network when the drivers are built
(:func:`borderflow.policy.drivers.build`), in the same form; when a file has other
problems too, they are checked against the shipped network at load, so one run reports
them all.

Scenario files state ``schema: 2``: levers in the units a government sets. A file
without it was written for the old units (fractions of supply or capacity, effort
multipliers) and is refused, so that no old file is silently reinterpreted.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
)

from borderflow.errors import BorderflowError, ParameterError, ScenarioError
from borderflow.io import parse_yaml, read_text, yaml_lines
from borderflow.policy.levers import Lever
from borderflow.policy.registry import BY_KIND, COST_BY_NAME, LEVER_KINDS, check_overrides


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
    #: ``(origin, text)`` of the file it was read from, for messages that point into it.
    _source: tuple[str, str] | None = PrivateAttr(default=None)

    @field_validator("parameters", mode="before")
    @classmethod
    def _known_parameters(cls, value: object) -> object:
        if isinstance(value, dict):
            try:
                check_overrides(value)
            except ParameterError as exc:
                raise ValueError(str(exc)) from None
        return value

    def __eq__(self, other: object) -> bool:
        """Equal fields: where a scenario was read from is not part of it."""
        if not isinstance(other, Scenario):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in type(self).model_fields)


# -- messages ------------------------------------------------------------------------------

#: The sections a person writes in a scenario file (``plan`` is written by
#: ``borderflow optimize --scenario-out``).
SECTIONS = ("schema", "name", "description", "levers", "parameters")
#: Most problems one message lists.
MAX_PROBLEMS = 30
#: Node ids a message lists in full (more: ``borderflow network`` lists them).
MAX_LISTED = 12

_HINTS = {
    "name": "letters, digits, '_' or '-'",
}


@dataclass(frozen=True)
class Problem:
    """One problem of a scenario: where it is and what is wrong there.

    Attributes:
        path: the field, as keys and 0-based list indices of the file's data
            (``("levers", 1, "start")``); said as ``levers[2] (kind).start``.
        text: what is wrong, what is allowed and what was given.
        at: where to look for its line, when not ``path`` (a parameter's line for a
            message said of ``parameters``).

    """

    path: tuple[Any, ...]
    text: str
    at: tuple[Any, ...] | None = None


def _kind_of(levers: Any, i: int) -> str | None:
    """The kind of lever ``i`` (a validated lever or a raw mapping), if it is a known one."""
    if not isinstance(levers, Sequence) or isinstance(levers, str) or not 0 <= i < len(levers):
        return None
    lever = levers[i]
    kind = lever.get("lever") if isinstance(lever, Mapping) else getattr(lever, "lever", None)
    return kind if isinstance(kind, str) and kind in LEVER_KINDS else None


def _label(path: tuple[Any, ...], levers: Any) -> str:
    """A field's path as a person reads it: ``levers[2] (naloxone_distribution).start``."""
    out, rest = "", path
    if len(path) >= 2 and path[0] == "levers" and isinstance(path[1], int):
        kind = _kind_of(levers, path[1])
        out = f"levers[{path[1] + 1}]" + (f" ({kind})" if kind else "")
        rest = path[2:]
    for part in rest:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _line(lines: Mapping[tuple[Any, ...], int], path: tuple[Any, ...]) -> int | None:
    """The line of ``path``, or of the nearest field that holds it."""
    for n in range(len(path), 0, -1):
        if path[:n] in lines:
            return lines[path[:n]]
    return None


def _report(origin: str, problems: Sequence[Problem], levers: Any,
            lines: Mapping[tuple[Any, ...], int]) -> str:
    """One message: the file's name, then each problem (in the file's order) on a line."""
    rows: list[tuple[float, str]] = []
    for problem in problems:
        line = _line(lines, problem.at if problem.at is not None else problem.path)
        where = f"line {line}: " if line is not None else ""
        row = f"{where}{_label(problem.path, levers)}: {problem.text}"
        if row not in (r for _, r in rows):
            rows.append((math.inf if line is None else line, row))
    rows.sort(key=lambda r: r[0])  # stable: the validator's order within a line
    if len(rows) == 1:
        return f"{origin}: {rows[0][1]}"
    shown = [f"  {row}" for _, row in rows[:MAX_PROBLEMS]]
    if len(rows) > MAX_PROBLEMS:
        shown.append(f"  ... and {len(rows) - MAX_PROBLEMS} more")
    return "\n".join([f"{origin}: {len(rows)} problems:", *shown])


def problems_message(scenario: Scenario, problems: Sequence[Problem]) -> str:
    """The message of problems found in a validated scenario (e.g. unknown node ids).

    Named by the file the scenario was read from, with lines, when it was read from one;
    else by the scenario's name.
    """
    source = scenario._source
    origin, lines = (source[0], yaml_lines(source[1])) if source else (scenario.name, {})
    return _report(origin, problems, scenario.levers, lines)


def _then(text: str, more: str) -> str:
    """``text; more``, or ``text? more`` after a question."""
    return f"{text} {more}" if text.endswith("?") else f"{text}; {more}"


def _show(value: Any) -> str:
    """A value given in a file, as it was written (no Python object reprs)."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    text = repr(value)
    if isinstance(value, list | dict):  # as YAML writes it: [a, b], {lever: x}
        try:
            text = yaml.safe_dump(value, default_flow_style=True, width=1000).strip()
        except yaml.YAMLError:
            pass
    if len(text) <= 60:
        return text
    if isinstance(value, Mapping):
        return f"a mapping of {', '.join(map(str, list(value)[:6]))}"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    return text[:57] + "..."


def _num(x: float) -> str:
    """A bound or a number as a person writes it: 100000, 0.5, 1e11."""
    if float(x).is_integer() and abs(x) < 1e10:
        return str(int(x))
    if abs(x) >= 1e10:
        return _sci(x)
    return f"{x:g}"


def _sci(x: float) -> str:
    """``5e6``, ``2.5e6``: a number with a power of ten, as YAML reads it."""
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    exponent = math.floor(math.log10(abs(x)))
    mantissa = round(x / 10**exponent, 6)
    return f"{mantissa:g}e{exponent}"


def closest(name: Any, choices: Sequence[str], cutoff: float = 0.6) -> str | None:
    """The choice closest to ``name`` (case, spaces and '-' aside first), if any is close.

    ``cutoff``: the least similarity (difflib's ratio, 0-1) of a suggestion.
    """
    if not isinstance(name, str) or not choices:
        return None
    norm = re.sub(r"[\s\-]+", "_", name.strip()).lower()
    if norm in choices:
        return norm
    found = difflib.get_close_matches(norm, list(choices), n=1, cutoff=cutoff)
    return found[0] if found else None


def _fields(model: type[BaseModel]) -> list[str]:
    """A model's fields as a file names them (aliases: ``from``, ``to``), ``lever`` first."""
    names = [info.alias or name for name, info in model.model_fields.items()]
    return sorted(names, key=lambda n: n != "lever")


def _info(model: type[BaseModel] | None, name: Any) -> Any:
    """The field ``name`` (or alias) of ``model``, or None."""
    if model is None:
        return None
    for field, info in model.model_fields.items():
        if name in (field, info.alias):
            return info
    return None


def _bounds(info: Any) -> dict[str, float]:
    out: dict[str, float] = {}
    for meta in getattr(info, "metadata", ()):
        for key in ("ge", "gt", "le", "lt"):
            if getattr(meta, key, None) is not None:
                out[key] = float(getattr(meta, key))
    return out


def _allowed(bounds: Mapping[str, float]) -> str:
    """``in [0, 1]``, ``in (0, 5]``, ``at least 0``."""
    lo = ("[", bounds["ge"]) if "ge" in bounds else ("(", bounds["gt"]) if "gt" in bounds else None
    hi = ("]", bounds["le"]) if "le" in bounds else (")", bounds["lt"]) if "lt" in bounds else None
    if lo and hi:
        return f"in {lo[0]}{_num(lo[1])}, {_num(hi[1])}{hi[0]}"
    if lo:
        return f"{'at least' if lo[0] == '[' else 'above'} {_num(lo[1])}"
    if hi:
        return f"{'at most' if hi[0] == ']' else 'below'} {_num(hi[1])}"
    return "a number"


def _is_share(unit: str) -> bool:
    return "share" in unit or "rate" in unit or "probability" in unit


_WORDS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "millions": 1e6,
          "b": 1e9, "bn": 1e9, "billion": 1e9, "billions": 1e9}


def _as_written(text: str) -> float | None:
    """What a person meant by ``5,000,000``, ``5 000 000``, ``$5M`` or ``5 million``."""
    t = text.strip().lower().replace("usd", "").replace("$", "").strip()
    match = re.fullmatch(r"([0-9][0-9,_ ]*(?:\.[0-9]+)?)\s*([a-z]*)", t)
    if not match:
        return None
    digits, word = match.group(1).replace(",", "").replace("_", "").replace(" ", ""), match.group(2)
    if word and word not in _WORDS:
        return None
    try:
        return float(digits) * _WORDS.get(word, 1.0)
    except ValueError:
        return None


def _not_a_number(value: Any, unit: str) -> str:
    """Why ``value`` is no number, and how to write the one the person meant."""
    in_unit = f"a number in the lever's unit ({unit})"
    if value is None:
        return f"is empty: give {in_unit}"
    if not isinstance(value, str):
        return f"must be {in_unit}, got {_show(value)}"
    text = value.strip()
    if text.endswith("%"):
        try:
            share = float(text[:-1].strip()) / 100.0
        except ValueError:
            share = None
        if share is not None and _is_share(unit):
            return f"{text!r} is not a number: write {_num(share)} (the unit is a share: {unit})"
        return (f"{text!r} is not a number: write {in_unit}; a percentage is written as a "
                f"share, e.g. 0.6 for 60 %, and only where the unit is a share")
    if re.fullmatch(r"[0-9]+,[0-9]{1,2}|[0-9]+,[0-9]{4,}", text):
        return (f"{text!r} is not a number: write {text.replace(',', '.')} with a decimal "
                f"point ({unit})")
    meant = _as_written(text)
    if meant is not None:
        plain = _num(meant) if meant < 1e16 else _sci(meant)
        alt = _sci(meant)
        either = f"{plain} or {alt}" if alt != plain else plain
        return (f"{text!r} is not a number: write {either} (no thousands separators, "
                f"words or currency signs); the unit is {unit}")
    return f"{text!r} is not a number: write {in_unit}"


def _say(err: Mapping[str, Any], path: tuple[Any, ...], data: Mapping[str, Any]) -> str:
    """What one pydantic error means, in words: what is allowed, what was given."""
    kind, value = err["type"], err.get("input")
    msg = str(err["msg"]).removeprefix("Value error, ")
    levers = data.get("levers")
    in_lever = len(path) >= 2 and path[0] == "levers" and isinstance(path[1], int)
    lever_kind = _kind_of(levers, path[1]) if in_lever else None
    model: type[BaseModel] | None = (
        BY_KIND[lever_kind].model if lever_kind else  # type: ignore[assignment]
        StaticPlan if path[:1] == ("plan",) else Scenario if len(path) == 1 else None)
    name = path[-1] if path else None
    info = _info(model, name) if len(path) in (1, 2, 3) else None
    described = str(getattr(info, "description", "") or "")
    unit = described or "its unit"
    if kind == "extra_forbidden":
        if lever_kind and len(path) == 3:
            allowed = _fields(BY_KIND[lever_kind].model)  # type: ignore[arg-type]
            close = closest(name, allowed)
            text = "is not a known field"
            if close:
                text += f"; did you mean {close!r}?"
            else:
                others = [k for k in LEVER_KINDS if _info(BY_KIND[k].model, name) is not None]
                if others:
                    text += f" of {lever_kind} (it is a field of {', '.join(others)})"
            return _then(text, f"the fields of {lever_kind}: {', '.join(allowed)}")
        if len(path) == 1:
            close = closest(name, [*SECTIONS, "plan"])
            text = f"is not a known field, got {_show(value)}"
            if close:
                text += f"; did you mean {close!r}?"
            return _then(text, f"a scenario file's sections are {', '.join(SECTIONS)} (and "
                         "plan, written by `borderflow optimize`)")
        allowed = _fields(model) if model is not None else []
        close = closest(name, allowed)
        text = "is not a known field" + (f"; did you mean {close!r}?" if close else "")
        return _then(text, f"its fields: {', '.join(allowed)}") if allowed else text
    if kind == "missing":
        hint = _HINTS.get(str(name)) or described
        return "is required" + (f" ({hint})" if hint else "")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        text = f"must be {_allowed(_bounds(info))}" + (f" ({described})" if described else "")
        text += f", got {_show(value)}"
        if isinstance(value, int | float) and _is_share(described) and 5 <= value <= 100:
            text += (f"; a share is written as a fraction (for {_num(value)} % write "
                     f"{_num(value / 100)})")
        return text
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "finite_number"):
        return _not_a_number(value, unit)
    if kind in ("bool_parsing", "bool_type"):
        return f"must be true or false, got {_show(value)}"
    targets = BY_KIND[lever_kind].targets if lever_kind else None
    if isinstance(targets, tuple) and len(path) >= 3 and path[2] == targets[0]:
        what = targets[1]
        if len(path) == 4:
            return f"must be a {what} id, got {_show(value)}"
        if kind in ("literal_error", "list_type"):
            return (f"give {what} ids as a list ({targets[0]}: [a, b]), one id, or all; "
                    f"got {_show(value)}")
        if kind == "string_type":
            return f"must be one {what} id or all, got {_show(value)}"
    if value is None and kind.endswith("_type"):
        if path == ("levers",):
            return "is empty: list the levers ('- lever: <kind>' entries), or write levers: []"
        return "is empty" + (f": give {described}" if described else "")
    if path == ("levers",) and kind == "list_type":
        return ("must be a list: begin each lever with '- ' (  - lever: poe_inspection), "
                f"got {_show(value)}")
    if path == ("parameters",) and kind == "dict_type":
        return ("must be a mapping of parameter names to values (one 'name: value' a line), "
                f"got {_show(value)}")
    if kind == "string_pattern_mismatch" and path == ("name",):
        fixed = re.sub(r"[^A-Za-z0-9_\-]+", "_", str(value)).strip("_")
        return (f"must be letters, digits, '_' or '-' (no spaces), got {_show(value)}"
                + (f"; e.g. {fixed}" if fixed else ""))
    if kind == "string_too_short":
        return "is empty" + (f": give {_HINTS[str(name)]}" if str(name) in _HINTS else "")
    if kind == "literal_error":
        return f"must be {err.get('ctx', {}).get('expected', msg)}, got {_show(value)}"
    text = msg[:1].lower() + msg[1:]
    if kind == "value_error" or "got" in text:
        return text
    return f"{text}, got {_show(value)}"


def _lever_problem(err: Mapping[str, Any], i: int, data: Mapping[str, Any]) -> Problem | None:
    """Errors of a lever as a whole: no kind, an unknown kind, not a mapping."""
    kind, raw = err["type"], data["levers"][i]
    kinds = ", ".join(LEVER_KINDS)
    if kind == "union_tag_invalid":
        tag = raw.get("lever") if isinstance(raw, Mapping) else None
        if tag is None or tag == "":
            return Problem(("levers", i, "lever"), f"is empty; give one of {kinds}")
        close = closest(tag, LEVER_KINDS)
        if close:  # the list of every kind only when no name is close
            return Problem(("levers", i, "lever"),
                           f"unknown lever {_show(tag)}; did you mean {close!r}?")
        return Problem(("levers", i, "lever"), f"unknown lever {_show(tag)}; allowed: {kinds}")
    if kind == "union_tag_not_found":
        text = f"each lever needs a 'lever' field, one of {kinds}"
        keys = [str(k) for k in raw] if isinstance(raw, Mapping) else []
        near = difflib.get_close_matches("lever", keys, n=1, cutoff=0.6)
        named = [k for k in keys if raw.get(k) in LEVER_KINDS]
        if near:
            text += f"; did you mean 'lever' for {near[0]!r}?"
        elif named:
            text += f"; write lever: {raw[named[0]]} (not {named[0]}: {raw[named[0]]})"
        return Problem(("levers", i), text)
    if kind == "model_attributes_type":
        if isinstance(raw, str) and closest(raw, LEVER_KINDS):
            kind_name = closest(raw, LEVER_KINDS)
            return Problem(("levers", i), f"a lever is a mapping, got {_show(raw)}; write "
                           f"'- lever: {kind_name}' and its start and intensity on the "
                           "lines below, indented like 'lever'")
        return Problem(("levers", i), "a lever is a mapping of lever, start, intensity, ...; "
                       f"got {_show(raw)}")
    return None


def _parameter_problems(given: Mapping[Any, Any]) -> list[Problem]:
    """Each parameter override's problem: an unknown name (with the closest), a bad value."""
    from borderflow.model.parameters import BY_NAME

    known = [*BY_NAME, *COST_BY_NAME]
    out = []
    for name, value in given.items():
        if name not in known:
            close = closest(name, known)
            hint = f"did you mean {close!r}? " if close else ""
            out.append(Problem(("parameters",), f"unknown parameter {name!r}; {hint}allowed: "
                               "the names `borderflow params` lists", ("parameters", name)))
            continue
        try:
            check_overrides({name: value})
        except ParameterError as exc:
            out.append(Problem(("parameters",), str(exc), ("parameters", name)))
    return out


def _clean(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """A pydantic location as the file's path: no union tags, no union member names."""
    out: list[Any] = []
    for part in loc:
        if len(out) == 2 and out[0] == "levers" and isinstance(out[1], int) and (
                part in LEVER_KINDS):
            continue  # the union member's tag
        if isinstance(part, str) and ("[" in part or part.startswith("function-")):
            continue  # literal['all'], list[str]: members of a union
        out.append(part)
    return tuple(out)


def _problems(exc: ValidationError, data: Mapping[str, Any]) -> list[Problem]:
    """Every problem a validation error holds, each once, in words."""
    out: list[Problem] = []
    parameters_done = False
    for err in exc.errors():
        path = _clean(tuple(err["loc"]))
        if path == ("parameters",) and err["type"] == "value_error":
            if not parameters_done and isinstance(data.get("parameters"), Mapping):
                out += _parameter_problems(data["parameters"])
            parameters_done = True
            continue
        if len(path) == 2 and path[0] == "levers" and isinstance(path[1], int):
            problem = _lever_problem(err, path[1], data)
            if problem is not None:
                out.append(problem)
                continue
        text = _say(err, path, data)
        at = (*path, "end") if len(path) == 2 and text.startswith("end ") else None
        out.append(Problem(path, text, at))
    return out


def _shipped_network_problems(data: Mapping[str, Any], flagged: set[tuple[Any, ...]]
                              ) -> list[Problem]:
    """Node ids the file's levers name that the shipped network lacks.

    Checked at load only when the file has other problems too, so that one run reports
    them all; a file that validates has its ids checked against the network it runs on.
    """
    from borderflow.network import load_network
    from borderflow.policy.drivers import target_problems

    levers = data.get("levers")
    if not isinstance(levers, list):
        return []
    try:
        net = load_network().compile()
    except BorderflowError:
        return []
    found = target_problems(levers, net, "the shipped network")
    return [p for p in found if p.path not in flagged and p.path[:2] not in flagged]


def _validate(data: Any, origin: str, text: str | None = None) -> Scenario:
    """Validate a parsed scenario; ``text``, the file's, gives each problem its line."""
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{origin}: a scenario must be a mapping with name, levers, ...; "
            f"got {type(data).__name__ if data is not None else 'an empty file'}"
        )
    if "schema" not in data and "schema_version" not in data:
        raise ScenarioError(f"{origin}: schema: missing; this file is for the old units: "
                            + _OLD_UNITS)
    version = data.get("schema", data.get("schema_version"))
    if version != SCHEMA or isinstance(version, bool):
        raise ScenarioError(f"{origin}: schema: must be {SCHEMA}, got {version!r}; "
                            + _OLD_UNITS)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems = _problems(exc, data)
        flagged = {p.path for p in problems}
        problems += _shipped_network_problems(data, flagged)
        lines = yaml_lines(text) if text is not None else {}
        raise ScenarioError(_report(origin, problems, data.get("levers"), lines)) from None
    if text is not None:
        scenario._source = (origin, text)
    return scenario


def scenario_from_dict(data: Any, origin: str = "<scenario>") -> Scenario:
    """Validate a parsed scenario mapping; ``origin`` names it in error messages."""
    return _validate(data, origin)


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
            close = closest(spec, shipped_names())
            hint = f"did you mean {close!r}? " if close else ""
            raise ScenarioError(
                f"unknown scenario '{spec}'; {hint}shipped: {', '.join(shipped_names())} "
                "(or give the path of a .yaml file)"
            )
        source = f"{spec}.yaml"
        text = shipped.read_text(encoding="utf-8")
        return _validate(parse_yaml(text, source, ScenarioError), source, text)
    path = Path(spec)
    text = read_text(path, ScenarioError, "scenario file")
    return _validate(parse_yaml(text, str(path), ScenarioError), str(path), text)
