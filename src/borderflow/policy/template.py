"""Scenario files to start from: a shipped one's text, or a new one for chosen levers.

:func:`scenario_template` writes a valid ``schema: 2`` file with each lever's unit, its
allowed range and the places it can target in comments, and an intensity taken from
the shipped scenario that uses the lever kind (so the file runs as it is, and its
numbers are the library's own, with their sources in that scenario's description).
"""

from __future__ import annotations

from importlib import resources

from borderflow.errors import ScenarioError
from borderflow.network import load_network
from borderflow.policy.registry import BY_KIND, LEVER_KINDS, catalogue, unit
from borderflow.policy.scenario import closest, load_scenario, shipped_names

#: First month of a new file's levers: the first month after the data window.
START = "2025-01"


def shipped_text(name: str) -> str:
    """The text of a shipped scenario file, comments and all."""
    if name not in shipped_names():
        raise ScenarioError(f"unknown scenario '{name}'; shipped: {', '.join(shipped_names())}")
    return resources.files("borderflow.policy").joinpath(
        "scenarios", f"{name}.yaml").read_text(encoding="utf-8")


def _shipped_lever(kind: str) -> object | None:
    """The first lever of this kind in the shipped scenarios, if any."""
    for name in shipped_names():
        for lever in load_scenario(name).levers:
            if lever.lever == kind:
                return lever
    return None


def _number(x: float) -> str:
    """A YAML number as people write it: ``5000000``, ``0.4``, ``2e+09`` → ``2e9``."""
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:g}".replace("e+", "e")


def scenario_template(name: str, kinds: list[str]) -> str:
    """A valid scenario file named ``name`` with one lever of each kind in ``kinds``.

    Raises :class:`ScenarioError` for an unknown kind (with the closest name) and for
    the arc levers, whose arcs come from ``borderflow optimize --scenario-out``.
    """
    if not kinds:
        raise ScenarioError("name at least one lever: --lever KIND (`borderflow scenarios` "
                            "lists them)")
    net = load_network()
    info = catalogue()
    lines = ["schema: 2", f"name: {name}", "description: >-",
             "  Say here what this scenario is and where its numbers come from: the report's",
             "  legend and key findings quote it.", "levers:"]
    for kind in kinds:
        if kind not in LEVER_KINDS:
            close = closest(kind, LEVER_KINDS)
            hint = f"did you mean '{close}'? " if close else ""
            raise ScenarioError(f"--lever: unknown lever kind {kind!r}; {hint}known: "
                                f"{', '.join(LEVER_KINDS)}")
        targets = BY_KIND[kind].targets
        if targets == "arc":
            raise ScenarioError(f"--lever {kind}: arc levers name an arc of the network and "
                                "its stated cost; `borderflow optimize --scenario-out FILE` "
                                "writes them")
        lo, hi = info[kind]["range"]  # type: ignore[misc]
        example = _shipped_lever(kind)
        value = example.intensity if example is not None else lo  # type: ignore[attr-defined]
        lines += [f"  - lever: {kind}",
                  f"    # {unit(kind)}; allowed {_number(lo)} to {_number(hi)}"]
        plausible = info[kind].get("plausible")
        if plausible:
            lines.append(f"    # plausible {_number(plausible[0])} to "  # type: ignore[index]
                         f"{_number(plausible[1])}")  # type: ignore[index]
        if targets is not None:
            field, node_kind = targets  # type: ignore[misc]
            nodes = [n for n in net.nodes if n.kind == node_kind
                     or (n.kind == "crossing" and n.crossing_type == node_kind)]
            ids = ", ".join(n.id for n in nodes)
            some = "one id of" if field == "source" else "a list of ids from"
            lines.append(f"    {field}: all    # or {some}: [{ids}]")
        lines += [f"    start: {START}    # first month it acts, YYYY-MM",
                  "    # end: 2030-12    # last month it acts (leave out: to the end)",
                  f"    intensity: {_number(value)}    # {unit(kind)}"]
        if kind == "trade_pressure":
            lines.append("    applied: false    # true: the tariff is levied, not only "
                         "threatened")
    return "\n".join(lines) + "\n"
