"""Turn a scenario's levers and the dated history into the model's drivers.

The history that every scenario shares comes from the cited data:

- China's class-wide control of fentanyl-related substances took effect on
  2019-05-01, which the model applies to arcs marked ``finished_fentanyl: true``
  (``scheduled``);
- the dated events of :data:`~borderflow.model.drivers.HISTORY_EVENTS`, each the
  fraction of a month's days inside its ``[start, end)`` window (``history``);
- China's listing of 4-AP, 1-boc-4-AP and norfentanyl from 2024-09-01, a coverage of
  :data:`LISTING_2024_COVERAGE` of the exports of the sources with ``country: CN``
  (``coverage``);
- the passenger-vehicle NII scan rate at the land ports of entry (``scan_rate``),
  from ``cbp_nii_scan_rates``: 2 % in FY2020 and FY2021, 8 % in FY2024, linear in
  between, held before and after.

Levers are read in the unit a government sets (persons, raids, strikes, scan rates,
USD, kits, slots, a tariff rate, controls' coverage); the model maps each to its
physical effect through the members' effectiveness parameters. Levers of the same kind
combine by their unit: coverage as ``1 − Π(1 − x)``, counts and amounts add, scan
rates and tariffs take the highest, the asylum regime multiplies (each kind's rule is
declared in :mod:`borderflow.policy.registry`). ``activity`` holds each lever's cost
driver in the unit of its ``cost_*`` prior, one column per registry cost item.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from functools import cache
from types import MappingProxyType
from typing import Any

import numpy as np

from borderflow import data
from borderflow.errors import DataError, ScenarioError
from borderflow.model.drivers import (
    HISTORY_EVENTS,
    SCAN_RATE_REFERENCE,
    Drivers,
    decimal_year,
    model_months,
)
from borderflow.network import CompiledNetwork
from borderflow.policy.levers import as_targets
from borderflow.policy.registry import BY_KIND, COST_ITEMS, REGISTRY, Settings
from borderflow.policy.scenario import MAX_LISTED, Problem, Scenario, problems_message

#: policy_calendar: China's class-wide control took effect on 2019-05-01 (a test checks this).
CHINA_CLASS_SCHEDULING = np.datetime64("2019-05", "M")
#: policy_calendar: China added the precursors 4-AP, 1-boc-4-AP and norfentanyl to its
#: control list from 2024-09-01 (a test checks this).
CHINA_LISTING_2024 = np.datetime64("2024-09", "M")
#: Share of China's precursor exports the 2024 listing covers (judgement, 0.3-0.7: the
#: two precursors traffickers turned to after the 2022 NPP/ANPP controls, not their
#: own precursors nor other routes); the share of it that stops is the members'
#: ``control_effectiveness``, and substitutes replace it at a cost, as for a lever.
LISTING_2024_COVERAGE = 0.5

#: Each history event's ``policy_calendar`` row: its start date, a phrase of its
#: ``event`` text, and where its window ends: ``None`` = the row's own ``end`` (open
#: when empty), or the name of the event whose start ends it.
CALENDAR_ROWS: dict[str, tuple[str, str, str | None]] = {
    "southern_border_program": ("2014-07-07", "Southern Border Program", None),
    "enforcement_2017": ("2017-01-25", "executive order 13767", "administration_2021"),
    "mpp": ("2019-01-29", "Migrant Protection Protocols in force", None),
    "joint_declaration": ("2019-06-07", "Joint Declaration", None),
    "covid": ("2020-03-13", "COVID-19", None),
    "title42": ("2020-03-20", "Title 42 expulsions", None),
    "border_restrictions": ("2020-03-21", "Land-border restrictions", None),
    "administration_2021": ("2021-01-20", "Change of US administration", None),
    "parole_cbp_one": ("2023-01-05", "CBP One", None),
    "asylum_rule_2023": ("2023-05-11", "Circumvention of Lawful Pathways", None),
    "otc_naloxone": ("2023-09-07", "Over-the-counter naloxone", None),
    "asylum_proclamation_2024": ("2024-06-05", "Proclamation 10773", None),
    "bicentennial": ("2021-10-08", "Bicentennial Framework", None),
    "zambada_arrest": ("2024-07-25", "Zambada", None),
}

#: The end of an open window: after every month the model can simulate.
_OPEN = np.datetime64("9999-12-31", "D")

#: Southwest border agents the between-ports sectors share: 16,717 stationed at the
#: US-Mexico border in April 2017 (anchor bp_agents_2017, WOLA / DHS OIG).
BORDER_PATROL_AGENTS = 16_717.0

#: Mexico's own lab raids a month in the status quo: SEDENA's 1,658 raids from December
#: 2018 to August 2023, 57 months (anchor number_of_labs; synthetic-drug labs, most of
#: them inactive), spread over the lab regions by capacity share and held over the run.
BASELINE_RAIDS_PER_MONTH = 1658.0 / 57.0


@cache
def history_windows() -> Mapping[str, tuple[np.datetime64, np.datetime64 | None]]:
    """Each event of ``HISTORY_EVENTS``: its ``[start, end)`` days, ``end`` None if open.

    Read once from ``policy_calendar``; every event must match exactly one row (by
    start date and a phrase of the ``event`` text), else :class:`DataError`.
    """
    calendar = data.load("policy_calendar")
    rows = {}
    for event in HISTORY_EVENTS:
        start, phrase, _ = CALENDAR_ROWS[event]
        hit = calendar[
            (calendar["start"].astype(str) == start)
            & calendar["event"].astype(str).str.contains(phrase, regex=False)
        ]
        if len(hit) != 1:
            raise DataError(
                f"policy_calendar: history event {event!r} needs exactly one row starting "
                f"{start} whose event text contains {phrase!r}; found {len(hit)}"
            )
        rows[event] = hit.iloc[0]
    windows: dict[str, tuple[np.datetime64, np.datetime64 | None]] = {}
    for event in HISTORY_EVENTS:
        ends_with = CALENDAR_ROWS[event][2]
        row = rows[event]
        if ends_with is not None:
            end = rows[ends_with]["start"]
        else:
            end = row["end"]
        start = np.datetime64(str(row["start"]), "D")
        stop = None if not isinstance(end, str) or not end else np.datetime64(end, "D")
        if stop is not None and stop <= start:
            raise DataError(f"policy_calendar: event {event!r} ends ({stop}) before {start}")
        windows[event] = (start, stop)
    return MappingProxyType(windows)


def history(months: np.ndarray) -> np.ndarray:
    """Fraction of each month's days inside each event's window, shape (T, events)."""
    first = months.astype("datetime64[M]").astype("datetime64[D]")
    after = (months.astype("datetime64[M]") + 1).astype("datetime64[D]")
    days = (after - first).astype(np.int64)
    out = np.zeros((len(months), len(HISTORY_EVENTS)))
    for j, event in enumerate(HISTORY_EVENTS):
        start, stop = history_windows()[event]
        stop = _OPEN if stop is None else stop
        inside = np.minimum(after, stop) - np.maximum(first, start)
        out[:, j] = np.maximum(inside.astype(np.int64), 0) / days
    return out


@cache
def _scan_points() -> tuple[np.ndarray, np.ndarray]:
    """Fiscal-year midpoints (decimal years) and passenger-vehicle NII scan rates."""
    table = data.load("cbp_nii_scan_rates")
    rows = table[(table["metric"] == "large-scale NII scan rate")
                 & table["vehicle_type"].astype(str).str.startswith("passenger")
                 & table["period"].astype(str).str.fullmatch(r"FY\d{4}")]
    if len(rows) < 2:
        raise DataError("cbp_nii_scan_rates: needs passenger-vehicle scan rates of two "
                        "fiscal years")
    # a fiscal year runs October to September: its middle is April 1 of its year
    years = np.array([int(str(p)[2:]) + 0.25 for p in rows["period"]])
    rates = np.array([data.parse_value(str(v))[0] / 100.0 for v in rows["value"]])
    order = np.argsort(years)
    return years[order], rates[order]


def scan_rate_history(months: np.ndarray) -> np.ndarray:
    """Passenger-vehicle NII scan rate at the southwest land ports by month, (T,).

    Linear between the fiscal years of ``cbp_nii_scan_rates`` (FY2020 2 %, FY2021
    "<2" read as 2 %, FY2024 8 %), held at the first before and the last after.
    """
    years, rates = _scan_points()
    return np.interp(decimal_year(months), years, rates)


def _active(months: np.ndarray, start: str, end: str | None) -> np.ndarray:
    """Boolean mask of the months a lever acts in (end inclusive)."""
    mask = months >= np.datetime64(start, "M")
    if end is not None:
        mask &= months <= np.datetime64(end, "M")
    return mask


def _pick(net: CompiledNetwork, wanted: str | list[str], allowed: np.ndarray) -> np.ndarray:
    """Indices (into ``allowed``) of the nodes a lever names (checked by target_problems)."""
    ids = [net.node_ids[n] for n in allowed]
    if wanted == "all":
        return np.arange(len(ids))
    names = [wanted] if isinstance(wanted, str) else wanted
    return np.array([ids.index(name) for name in names], dtype=int)


def _node_sets(net: CompiledNetwork) -> dict[str, np.ndarray]:
    """The nodes each kind of lever target names: by node kind, crossings by type."""
    return {"precursor_source": net.nodes_of_kind("precursor_source"),
            "lab_region": net.nodes_of_kind("lab_region"), "port": net.nodes_of_kind("port"),
            "port_of_entry": _crossings(net, "port_of_entry"),
            "between_ports": _crossings(net, "between_ports")}


def _unknown(name: object, what: str, ids: list[str], net: CompiledNetwork, where: str) -> str:
    """Why ``name`` is no ``what`` of the network: the closest id, its kind, the allowed."""
    text = f"unknown {what} {name!r}{where}"
    if isinstance(name, str):
        norm = re.sub(r"[\s\-]+", "_", name.strip()).lower()
        close = difflib.get_close_matches(norm, ids, n=1, cutoff=0.6)
        if norm in ids and norm.replace("_", "") == name.lower().replace("_", ""):
            text += f"; ids are lower case: did you mean {norm!r}?"
        elif norm in ids:
            text += f"; ids are lower case with '_' between words: did you mean {norm!r}?"
        elif close:
            text += f"; did you mean {close[0]!r}?"
        elif name in net.node_ids:
            j = net.node_ids.index(name)
            other = net.crossing_type[j] if net.node_kind[j] == "crossing" else net.node_kind[j]
            acting = [k.name for k in REGISTRY
                      if isinstance(k.targets, tuple) and k.targets[1] == other]
            said = f"{other} crossing" if net.node_kind[j] == "crossing" else other
            text += f"; it is a {said}" + (f" ({', '.join(acting)} acts on those)"
                                           if acting else "")
    sep = " " if text.endswith("?") else "; "
    if len(ids) <= MAX_LISTED:
        return text + f"{sep}allowed: {', '.join([*ids, 'all'] if what != 'node' else ids)}"
    return text + f"{sep}`borderflow network` lists the ids"


def target_problems(levers: Sequence[Any], net: CompiledNetwork, where: str = ""
                    ) -> list[Problem]:
    """Every node id and arc the levers name that ``net`` lacks, one :class:`Problem` each.

    ``levers``: validated levers or a file's raw lever mappings (anything else is left
    to the schema); ``where`` names the network in the messages (``"the shipped
    network"``).
    """
    nodes = _node_sets(net)
    suffix = f" in {where}" if where else ""
    out: list[Problem] = []
    for i, lever in enumerate(levers):
        raw = isinstance(lever, Mapping)
        kind_name = lever.get("lever") if raw else getattr(lever, "lever", None)
        if not isinstance(kind_name, str) or kind_name not in BY_KIND:
            continue
        kind = BY_KIND[kind_name]
        if kind.targets == "arc":
            ends = (lever.get("from"), lever.get("to")) if raw else (lever.tail, lever.head)
            missing = False
            for field, node in zip(("from", "to"), ends, strict=True):
                if isinstance(node, str) and node not in net.node_ids:
                    missing = True
                    out.append(Problem(("levers", i, field),
                                       _unknown(node, "node", list(net.node_ids), net, suffix)))
            tail, head = ends
            if not missing and isinstance(tail, str) and isinstance(head, str) and (
                    (tail, head) not in net.arc_ids):
                heads = [h for t, h in net.arc_ids if t == tail]
                text = (f"no arc {tail!r} -> {head!r} in "
                        + (where or f"the network ({net.source})"))
                if heads and len(heads) <= MAX_LISTED:
                    text += f"; arcs from {tail!r} go to {', '.join(heads)}"
                out.append(Problem(("levers", i), text))
            continue
        if kind.targets is None:
            continue
        field, node_kind = kind.targets
        wanted = (lever.get(field, "all") if raw else getattr(lever, field))
        if raw:
            wanted = as_targets(wanted)
            if isinstance(wanted, list) and len(wanted) == 1 and field == "source":
                wanted = wanted[0]
        if wanted == "all":
            continue
        names = [wanted] if isinstance(wanted, str) else wanted
        if not isinstance(names, list):
            continue
        ids = [net.node_ids[n] for n in nodes[node_kind]]
        for j, name in enumerate(names):
            if isinstance(name, str) and name not in ids:
                path = ("levers", i, field) if isinstance(wanted, str) or len(names) == 1 else (
                    "levers", i, field, j)
                out.append(Problem(path, _unknown(name, node_kind, ids, net, suffix)))
    return out


def _crossings(net: CompiledNetwork, crossing_type: str) -> np.ndarray:
    return np.array(
        [n for n in net.nodes_of_kind("crossing") if net.crossing_type[n] == crossing_type],
        dtype=int,
    )


def _on_arcs(net: CompiledNetwork, nodes: np.ndarray, by_node: np.ndarray,
             fill: float) -> np.ndarray:
    """Per-node values (T, nodes) on the arcs entering each node, ``fill`` elsewhere."""
    out = np.full((by_node.shape[0], net.n_arcs), fill)
    for k, node in enumerate(nodes):
        out[:, net.arc_head == node] = by_node[:, k : k + 1]
    return out


def build(
    scenario: Scenario, net: CompiledNetwork, months: np.ndarray | None = None
) -> Drivers:
    """Drivers (T months) of ``scenario`` on ``net``; default months 2010-01 to 2035-12.

    A loop over the scenario's levers: each applies as its kind's
    :class:`~borderflow.policy.registry.LeverKind` declares, on the nodes it names.
    """
    months = model_months() if months is None else months
    problems = target_problems(scenario.levers, net)
    if problems:
        raise ScenarioError(problems_message(scenario, problems))
    t_n = len(months)
    nodes = _node_sets(net)
    sources, labs = nodes["precursor_source"], nodes["lab_region"]
    ports, poes, sectors = nodes["port"], nodes["port_of_entry"], nodes["between_ports"]
    finished = np.array([bool(a.get("finished_fentanyl", False)) for a in net.arc_attrs])
    scheduled = np.outer(months >= CHINA_CLASS_SCHEDULING, finished).astype(float)
    history_scan = scan_rate_history(months)
    s = Settings.empty(months, len(ports), len(poes), len(sectors), len(sources), len(labs),
                       net.n_arcs)

    for lever in scenario.levers:
        kind = BY_KIND[lever.lever]
        on = _active(months, lever.start, lever.end)
        if kind.targets == "arc":
            where = net.arc_index(lever.tail, lever.head)
        elif kind.targets is not None:
            field, node_kind = kind.targets
            where = _pick(net, getattr(lever, field), nodes[node_kind])
        else:
            where = None
        kind.apply(s, lever, on, where)

    scan = np.where(s.scan_set >= 0.0, s.scan_set, history_scan[:, None])
    s.scan_added = (np.maximum(scan - history_scan[:, None], 0.0).mean(axis=1)
                    if len(poes) else np.zeros(t_n))
    coverage = 1.0 - s.uncovered  # the levers'
    s.coverage_of_supply = coverage @ net.shares(sources, "supply_share")
    chinese = np.array([net.node_attrs[n].get("country") == "CN" for n in sources], dtype=bool)
    listed = np.outer(months >= CHINA_LISTING_2024, chinese) * LISTING_2024_COVERAGE
    per_sector = BORDER_PATROL_AGENTS / max(len(sectors), 1)
    activity = np.column_stack([BY_KIND[item].activity(s) for item in COST_ITEMS]).astype(float)
    return Drivers(
        months=months,
        scan_rate=_on_arcs(net, poes, scan, SCAN_RATE_REFERENCE),
        agents=_on_arcs(net, sectors, s.agents / per_sector, 0.0),
        inspectors=_on_arcs(net, ports, s.inspectors, 0.0),
        coverage=1.0 - (1.0 - coverage) * (1.0 - listed),
        raids=s.raids + BASELINE_RAIDS_PER_MONTH * net.shares(labs, "capacity_share")[None, :],
        strikes=s.strikes,
        scheduled=scheduled,
        detection=np.where(s.upgraded >= 0.0, s.upgraded, np.tile(net.detection, (t_n, 1))),
        closed=s.closed,
        mx_personnel=s.personnel,
        processing_staff=s.staff,
        asylum_regime=s.asylum,
        gun_officers=s.officers,
        engagement_usd=s.engagement,
        tariff=s.tariff,
        tariff_applied=s.levied,
        treatment_slots=s.slots,
        naloxone_kits=s.kits,
        prevention_usd=s.prevention,
        history=history(months),
        scan_added=s.scan_added,
        activity=activity,
        cost_items=COST_ITEMS,
    )
