"""The lever registry: every lever kind, declared once (the L of XLRM).

Each :class:`LeverKind` says what a lever of that kind is and does: its schema (the
pydantic model in :mod:`borderflow.policy.levers`, which holds its unit and allowed
range), the nodes it targets, how its setting enters the model's drivers (how several
levers of the kind combine), its cost driver and the prior of its unit cost, and the
model parameters that carry its effectiveness. Everything else derives from this
list: :data:`LEVER_KINDS`, :data:`COST_ITEMS` (the columns of ``Drivers.activity``),
the cost priors (:data:`COST_PRIORS`), :func:`borderflow.policy.drivers.build` (a loop
over it), the lever catalogue (``borderflow scenarios``) and the EMA adapter.

The unit-cost priors are not model parameters: the model never reads them, and
:func:`policy_cost_usd` prices each lever's activity after a run. Each is drawn per
(seed, member) from a stream of its own (:func:`lever_parameters`), so adding a lever
that maps onto the existing drivers changes neither the model's hash nor any other
draw, and needs no refit. The reference implementation keeps its own copy of
:data:`COST_ITEMS`; a test holds it equal to this one.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from borderflow.model import parameters as model_parameters
from borderflow.model.drivers import Drivers
from borderflow.model.parameters import Parameter
from borderflow.policy import levers as schema

J = "judgement: "
COST = "costs"


@dataclass
class Settings:
    """The levers' settings, combined kind by kind, as :func:`build` accumulates them.

    Per node (T, nodes of the kind): ``inspectors`` (Mexican ports), ``scan_set`` (port
    of entry scan rate, -1 where no lever sets it), ``agents`` (between-ports
    sectors), ``uncovered`` (share of each source's exports no control covers),
    ``raids`` and ``strikes`` (lab regions). Per month (T,): ``personnel``, ``staff``,
    ``asylum``, ``officers``, ``engagement``, ``tariff``, ``levied``, ``slots``,
    ``kits``, ``prevention``. Per arc (T, arcs): ``upgraded`` (-1 where none) and
    ``closed``; ``arc_usd`` the stated annual cost of the arc levers by kind.
    ``scan_added``: the scan rate added over the history, mean over ports, (T,).
    """

    months: np.ndarray
    inspectors: np.ndarray
    scan_set: np.ndarray
    agents: np.ndarray
    uncovered: np.ndarray
    raids: np.ndarray
    strikes: np.ndarray
    personnel: np.ndarray
    staff: np.ndarray
    asylum: np.ndarray
    officers: np.ndarray
    engagement: np.ndarray
    tariff: np.ndarray
    levied: np.ndarray
    slots: np.ndarray
    kits: np.ndarray
    prevention: np.ndarray
    upgraded: np.ndarray
    closed: np.ndarray
    arc_usd: dict[str, np.ndarray] = field(default_factory=dict)
    scan_added: np.ndarray | None = None
    coverage_of_supply: np.ndarray | None = None  # controls' coverage of all supply, (T,)

    @classmethod
    def empty(cls, months: np.ndarray, n_ports: int, n_poes: int, n_sectors: int,
              n_sources: int, n_labs: int, n_arcs: int) -> Settings:
        """No lever set: the status quo."""
        t_n = len(months)
        zeros = lambda *shape: np.zeros((t_n, *shape))  # noqa: E731
        return cls(
            months=months, inspectors=zeros(n_ports), scan_set=np.full((t_n, n_poes), -1.0),
            agents=zeros(n_sectors), uncovered=np.ones((t_n, n_sources)),
            raids=zeros(n_labs), strikes=zeros(n_labs), personnel=zeros(), staff=zeros(),
            asylum=np.ones(t_n), officers=zeros(), engagement=zeros(), tariff=zeros(),
            levied=zeros(), slots=zeros(), kits=zeros(), prevention=zeros(),
            upgraded=np.full((t_n, n_arcs), -1.0), closed=zeros(n_arcs),
            arc_usd={"arc_detection": zeros(), "arc_closure": zeros()})


#: ``apply(settings, lever, on, cols)``: add one lever's setting (``on``: its months,
#: (T,) bool; ``cols``: the target nodes' columns, or an arc index for arc levers).
Apply = Callable[[Settings, Any, np.ndarray, Any], None]


def _add(name: str) -> Apply:
    """Levers of the kind add up in the per-month series ``name``."""
    def apply(s: Settings, lever: Any, on: np.ndarray, cols: Any) -> None:
        getattr(s, name)[on] += lever.intensity
    return apply


def _add_nodes(name: str, split: bool = False) -> Apply:
    """Levers of the kind add up per target node (``split``: shared among them)."""
    def apply(s: Settings, lever: Any, on: np.ndarray, cols: Any) -> None:
        getattr(s, name)[np.ix_(on, cols)] += lever.intensity / (len(cols) if split else 1)
    return apply


def _cover(s: Settings, lever: Any, on: np.ndarray, cols: Any) -> None:
    """Controls combine as coverage: ``1 − Π(1 − x)``."""
    s.uncovered[np.ix_(on, cols)] *= 1.0 - lever.intensity


def _scan(s: Settings, lever: Any, on: np.ndarray, cols: Any) -> None:
    """Of several scan rates on one port, the highest applies."""
    s.scan_set[np.ix_(on, cols)] = np.maximum(s.scan_set[np.ix_(on, cols)], lever.intensity)


def _strikes(s: Settings, lever: Any, on: np.ndarray, cols: Any) -> None:
    """``intensity`` strikes a year, spread evenly over the months from ``start``."""
    x = lever.intensity
    since = s.months.astype(np.int64) - np.datetime64(lever.start, "M").astype(np.int64)
    # strike j falls in month floor(12 j / rate): ceil(rate (k + 1) / 12) by month k
    upto = np.ceil(x * (since + 1) / 12.0 - 1e-9) - np.ceil(x * since / 12.0 - 1e-9)
    s.strikes[np.ix_(on, cols)] += np.where(since >= 0, upto, 0.0)[on, None]


def _asylum(s: Settings, lever: Any, on: np.ndarray, cols: Any) -> None:
    """Asylum regimes multiply."""
    s.asylum[on] *= lever.intensity


def _tariff(s: Settings, lever: Any, on: np.ndarray, cols: Any) -> None:
    """Of several tariffs the highest applies; ``applied`` levies it."""
    s.tariff[on] = np.maximum(s.tariff[on], lever.intensity)
    if lever.applied:
        s.levied[on] = np.maximum(s.levied[on], lever.intensity)


def _arc_detection(s: Settings, lever: Any, on: np.ndarray, arc: Any) -> None:
    """Of several detections set on one arc, the highest applies."""
    s.upgraded[on, arc] = np.maximum(s.upgraded[on, arc], lever.detection)
    s.arc_usd["arc_detection"][on] += lever.cost_usd_per_year


def _arc_closure(s: Settings, lever: Any, on: np.ndarray, arc: Any) -> None:
    s.closed[on, arc] = 1.0
    s.arc_usd["arc_closure"][on] += lever.cost_usd_per_year


@dataclass(frozen=True)
class LeverKind:
    """One lever kind.

    Attributes:
        name: its ``lever:`` tag in scenario files.
        model: its schema (unit and allowed range of its setting).
        targets: ``(field, node kind)`` of the nodes it acts on (``crossing`` kinds
            name the crossing type), ``"arc"`` for an arc lever, None for national.
        apply: how its setting enters the drivers (:data:`Apply`).
        activity: its cost driver by month, (T,), from the combined settings, in the
            unit of its cost prior; None: its cost is trade (the engine's).
        cost: the prior of its unit cost (``cost_<name>``), None when ``activity`` is.
        effectiveness: model parameters that map its setting to its physical effect.
        plausible: the range of settings a government has made or could make, in the
            lever's unit: a setting outside it is allowed but likely a mistake (a
            fraction given for a count, a typo); None where the setting is all or nothing.
        plausible_source: the anchors of ``parameter_anchors.csv`` it rests on, or
            ``judgement: ...`` with the reasoning.
        status_quo: the setting today's history amounts to, where a lever's setting
            replaces the history rather than adding to it (a scan rate, a rule); None
            where a lever only adds.
        status_quo_source: ``status_quo`` said for people, with its source (e.g. ``8 %
            in FY2024 (anchor nii_scan_rate_fy2024_structural)``).
        weaker: which side of today's level weakens the status quo: ``below`` (a scan
            rate under today's lowers inspection), ``above`` (an encounter multiplier
            over 1 raises encounters); None where no setting can.

    """

    name: str
    model: type
    targets: tuple[str, str] | str | None
    apply: Apply
    activity: Callable[[Settings], np.ndarray] | None
    cost: Parameter | None
    effectiveness: tuple[str, ...]
    plausible: tuple[float, float] | None = None
    plausible_source: str = ""
    status_quo: float | None = None
    status_quo_source: str = ""
    weaker: Literal["below", "above"] | None = None


def _cost(name: str, unit: str, dist: str, low: float, high: float, source: str,
          description: str) -> Parameter:
    return Parameter(f"cost_{name}", unit, dist, low, high, COST, source,  # type: ignore[arg-type]
                     description)


REGISTRY: tuple[LeverKind, ...] = (
    LeverKind(
        "precursor_control", schema.PrecursorControl, ("source", "precursor_source"), _cover,
        lambda s: s.coverage_of_supply,
        _cost("precursor_control", "USD/yr per unit of coverage of all supply", "loguniform",
              1e8, 2e9, J + "indictments, sanctions, diplomacy with China",
              "Annual cost of controls covering all precursor supply (scaled by coverage)."),
        ("control_effectiveness", "substitution_share", "substitution_months",
         "substitution_cost_usd_per_kg"),
        plausible=(0.05, 1.0),
        plausible_source=J + "a listing, indictment or sanction reaches part of a source's "
        "exports: China's 2024 listing of 4-AP, 1-boc-4-AP and norfentanyl (anchor "
        "china_4ap_boc4ap_norfentanyl_controls_effective) is read as covering 0.3-0.7 of "
        "its exports (drivers.LISTING_2024_COVERAGE); under 5 % is a control of no "
        "consequence, and coverage cannot pass 100 %"),
    LeverKind(
        "mexican_port_interdiction", schema.MexicanPortInterdiction, ("ports", "port"),
        _add_nodes("inspectors"), lambda s: s.inspectors.sum(axis=1),
        _cost("mexican_port_interdiction", "USD per inspector-year", "loguniform", 2e4, 1e5,
              "anchor us_security_aid_mexico_since_2008 (US support of Mexican inspection); "
              "judgement on pay, equipment and training",
              "Annual cost of one more Mexican port inspector."),
        ("mx_port_inspectors",),
        plausible=(10.0, 2000.0),
        plausible_source=J + "from a tenth of the smallest to twice the largest staff a major "
        "Mexican port is taken to have today (prior mx_port_inspectors, 100-1,000 persons)"),
    LeverKind(
        "lab_takedowns", schema.LabTakedowns, ("regions", "lab_region"), _add_nodes("raids"),
        lambda s: 12.0 * s.raids.sum(axis=1),  # raids a year
        _cost("lab_takedowns", "USD per raid", "loguniform", 2e4, 5e5,
              J + "a military operation of dozens of soldiers for a day or more",
              "Cost of one lab raid."),
        ("raid_active_share", "active_labs"),
        plausible=(1.0, 100.0),
        plausible_source="anchor number_of_labs (SEDENA: 1,658 raids December 2018 - August "
        "2023, ~29 a month nationwide); judgement: from one more raid a month in a region to "
        "100, about fourteen times SEDENA's national pace over four regions"),
    LeverKind(
        "poe_inspection", schema.PortOfEntryInspection, ("crossings", "port_of_entry"), _scan,
        lambda s: s.scan_added,  # scan rate added over the history, mean over ports
        _cost("poe_inspection", "USD/yr per unit of scan rate at every port", "loguniform",
              1e9, 1e10, "anchors nii_targets and nii_scan_rate_* (the NII build-out toward "
              "40 % of passenger vehicles); judgement",
              "Annual cost of scanning every passenger vehicle at every port (scaled)."),
        ("scan_effectiveness", "border_wait_cost_usd_per_year"),
        plausible=(0.08, 1.0),
        plausible_source="anchors nii_scan_rate_fy2024_structural (8 % of passenger vehicles "
        "scanned in FY2024) and nii_targets (CBP's stated 40 %); a share cannot pass 100 %",
        status_quo=0.08,
        status_quo_source="8 % in FY2024 (anchor nii_scan_rate_fy2024_structural; the model "
        "holds the history's rate after FY2024)",
        weaker="below"),
    LeverKind(
        "between_ports_enforcement", schema.BetweenPortsEnforcement,
        ("crossings", "between_ports"), _add_nodes("agents", split=True),
        lambda s: s.agents.sum(axis=1),
        _cost("between_ports_enforcement", "USD per agent-year", "uniform", 1.5e5, 2.5e5,
              J + "Border Patrol pay, benefits and support",
              "Annual cost of one more Border Patrol agent."),
        ("bp_agent_elasticity",),
        plausible=(100.0, 10_000.0),
        plausible_source="anchors bp_agents_2017 (16,717 agents at the southwest border in "
        "April 2017) and bp_statutory_minimum (21,370 agents, ~4,600 more than in 2017); "
        "judgement: from one sector's reinforcement to ten thousand, well past the minimum"),
    LeverKind(
        "military_strikes", schema.MilitaryStrikes, ("regions", "lab_region"), _strikes,
        lambda s: 12.0 * s.strikes.sum(axis=1),  # strikes a year at this month's rate
        _cost("military_strikes", "USD per strike", "loguniform", 5e7, 1e9,
              J + "air and special operations", "Cost of one strike."),
        ("strike_labs_reached", "active_labs", "strike_relocation_share",
         "strike_cooperation_drop", "strike_homicide_increase", "welfare_per_trade_lost"),
        plausible=(0.5, 24.0),
        plausible_source=J + "no precedent (anchor military_action_trade_disruption: no "
        "estimate found); from one strike in two years to two a month on a region"),
    LeverKind(
        "mexican_migration_enforcement", schema.MexicanMigrationEnforcement, None,
        _add("personnel"), lambda s: s.personnel,
        _cost("mexican_migration_enforcement", "USD per person-year", "uniform", 1e4, 4e4,
              J + "National Guard pay and logistics, US support",
              "Annual cost of one more person deployed."),
        ("mx_migration_personnel_scale",),
        plausible=(1000.0, 100_000.0),
        plausible_source=J + "Mexico deployed about 21,000 National Guard after the June 2019 "
        "Joint Declaration (policy_calendar; prior mx_migration_personnel_scale); from a "
        "twentieth of that to about five times it"),
    LeverKind(
        "processing_capacity", schema.ProcessingCapacity, None, _add("staff"),
        lambda s: s.staff,
        _cost("processing_capacity", "USD per staff-year", "uniform", 80e3, 130e3,
              "anchor processing_coordinators (1,200 civilian positions planned); judgement "
              "on pay and overhead", "Annual cost of one civilian processing staff member."),
        ("processing_hours",),
        plausible=(100.0, 20_000.0),
        plausible_source="anchor processing_coordinators (a goal of 1,200 civilian processing "
        "positions, 2021); judgement: from a tenth of that to about sixteen times it"),
    LeverKind(
        "asylum_regime", schema.AsylumRegime, None, _asylum,
        lambda s: np.abs(np.log(s.asylum)),
        _cost("asylum_regime", "USD/yr per unit |ln multiplier|", "loguniform", 1e8, 2e9,
              J + "adjudication and detention capacity a regime switch needs",
              "Annual cost of an asylum-regime switch."),
        (),  # a rule, read as its encounter multiplier (judgement)
        plausible=(0.3, 3.0),
        plausible_source=J + "the calendar's regimes, fitted as encounter multipliers, span "
        "x0.3 (land-border restrictions, Proclamation 10773) to x3 (the 2021 change of "
        "administration): the priors enc_* of the model's parameters",
        status_quo=1.0,
        status_quo_source="x1: today's rules (the fitted calendar's regimes)",
        weaker="above"),
    LeverKind(
        "southbound_inspection", schema.SouthboundInspection, None, _add("officers"),
        lambda s: s.officers,
        _cost("southbound_inspection", "USD per officer-year", "uniform", 1.5e5, 2.5e5,
              J + "CBP officer pay, benefits and support",
              "Annual cost of one officer on outbound inspection."),
        ("gun_officers_scale", "resilience_gun_elasticity"),
        plausible=(100.0, 5000.0),
        plausible_source="anchor ofo_cbp_officers_2017_2018 (~23,000 CBP officers at the "
        "ports); judgement: from a hundred to about a fifth of them on outbound inspection"),
    LeverKind(
        "diplomatic_engagement", schema.DiplomaticEngagement, None, _add("engagement"),
        lambda s: s.engagement,
        _cost("diplomatic_engagement", "USD per USD", "uniform", 1.0, 1.2,
              J + "the stated assistance plus administration", "Realised over stated cost."),
        ("engagement_usd_scale", "engagement_gain"),
        plausible=(2e7, 2e9),
        plausible_source="anchor us_security_aid_mexico_since_2008 (more than USD 3 B since "
        "2008, ~USD 200 M a year); judgement: from a tenth to ten times that"),
    LeverKind(
        "trade_pressure", schema.TradePressure, None, _tariff, None, None,
        ("trade_pressure_response", "import_demand_elasticity"),
        plausible=(0.05, 0.25),
        plausible_source=J + "June 2019: a 5 % tariff on all Mexican imports threatened, to "
        "rise to 25 % (policy_calendar; prior trade_pressure_response)"),
    LeverKind(
        "treatment_expansion", schema.TreatmentExpansion, None, _add("slots"),
        lambda s: s.slots,  # priced on the slots filled (the engine's treatment_slots_used)
        _cost("treatment_expansion", "USD per slot-year", "uniform", 5e3, 15e3,
              J + "methadone ~$6,500 and buprenorphine ~$5,000-15,000 a patient-year (NIDA)",
              "Annual cost of one MOUD treatment slot."),
        ("treatment_seeking_rate_per_year", "treatment_death_ratio",
         "treatment_exit_remission_rate_per_year"),
        plausible=(1e4, 5e6),
        plausible_source="anchors moud_receipt_2021 (~1.3 M people on MOUD), "
        "us_adults_needing_oud_treatment_count_2022 (~9.4 M adults needing treatment) and "
        "moud_receipt_share_among_needing_2022 (25.1 % of them on MOUD, so ~7 M not); "
        "judgement: from a state programme's 10,000 slots to 5 M"),
    LeverKind(
        "naloxone_distribution", schema.NaloxoneDistribution, None, _add("kits"),
        lambda s: s.kits,
        _cost("naloxone_distribution", "USD per kit", "uniform", 20.0, 80.0,
              J + "generic injectable ~$20-40, nasal spray ~$45 over the counter",
              "Cost of one naloxone kit distributed."),
        ("naloxone_bystander_share", "naloxone_half_kits"),
        plausible=(1e5, 1e7),
        plausible_source="anchors naloxone_kits_and_deaths_averted_SOURCE (1.93 M kits in "
        "2019, 2.57 M in 2021) and narcan_doses_distributed_us_canada_2023 (~22 M doses, ~11 "
        "M two-dose kits, in 2023); judgement: from a large state programme's 100,000 kits "
        "a year to about the whole US distribution of 2023"),
    LeverKind(
        "prevention", schema.Prevention, None, _add("prevention"), lambda s: s.prevention,
        _cost("prevention", "USD per USD", "uniform", 1.0, 1.2,
              J + "the stated spending plus administration", "Realised over stated cost."),
        ("prevention_usd_scale", "prevention_max_share"),
        plausible=(1e7, 1e10),
        plausible_source=J + "from one state's programmes to national school and community "
        "programmes (prior prevention_usd_scale, USD 1-10 B a year)"),
    LeverKind(
        "arc_detection", schema.ArcDetection, "arc", _arc_detection,
        lambda s: s.arc_usd["arc_detection"],
        _cost("arc_detection", "USD per USD of stated cost", "uniform", 1.0, 1.5,
              J + "public programmes overrun their stated cost; the stated cost comes from "
              "the network's upgrade_cost_usd", "Realised over stated cost of an arc upgrade."),
        ("detection_scale",),
        plausible=(0.005, 0.3),
        plausible_source="anchor interdiction_rate_claim (officials believe 5-10 % of the "
        "fentanyl crossing the southwest border is caught); judgement: the shipped network's "
        "nominal detections run 0.005-0.08 and its priced upgrades 0.06-0.22; above 0.3 on "
        "one arc passes any upgrade it prices",
        status_quo_source="the arc's own nominal detection in the network",
        weaker="below"),
    LeverKind(
        "arc_closure", schema.ArcClosure, "arc", _arc_closure,
        lambda s: s.arc_usd["arc_closure"],
        _cost("arc_closure", "USD per USD of stated cost", "uniform", 1.0, 1.5,
              J + "as cost_arc_detection; the stated cost is the arc's interdiction_cost_usd",
              "Realised over stated cost of closing an arc."),
        (),
        plausible=None,
        plausible_source="a closure is all or nothing: no quantity to range"),
)
BY_KIND: dict[str, LeverKind] = {k.name: k for k in REGISTRY}

#: Every lever kind, in the registry's order.
LEVER_KINDS: tuple[str, ...] = tuple(BY_KIND)
#: The levers with a budget cost: the columns of ``Drivers.activity``.
COST_ITEMS: tuple[str, ...] = tuple(k.name for k in REGISTRY if k.cost is not None)
#: The unit-cost priors, ``cost_<item>``.
COST_PRIORS: tuple[Parameter, ...] = tuple(k.cost for k in REGISTRY if k.cost is not None)
COST_BY_NAME: dict[str, Parameter] = {p.name: p for p in COST_PRIORS}


def lever_parameters(members: Sequence[int] | np.ndarray, seed: int,
                     overrides: Mapping[str, float] | None = None) -> dict[str, np.ndarray]:
    """Each member's draw of every unit-cost prior, (members,) each.

    Member ``i``'s draw of ``cost_x`` depends only on ``(seed, "cost_x", i)``: each prior
    has a stream of its own, so adding a lever changes no other draw. ``overrides``
    (validated by :func:`check_overrides`) fix a value for every member.
    """
    idx = np.asarray(members, dtype=int)
    fixed = overrides or {}
    out = {}
    top = int(idx.max()) + 1 if len(idx) else 0
    for p in COST_PRIORS:
        if p.name in fixed:
            out[p.name] = np.full(len(idx), float(fixed[p.name]))
            continue
        stream = np.random.default_rng([seed, zlib.crc32(p.name.encode())])
        out[p.name] = p.from_unit(stream.random(top)[idx])
    return out


def check_overrides(overrides: Mapping[str, float]) -> dict[str, float]:
    """Validate overrides of model parameters and unit-cost priors alike."""
    return model_parameters.check_overrides(overrides,
                                            {**model_parameters.BY_NAME, **COST_BY_NAME})


def policy_cost_usd(unit_costs: Mapping[str, np.ndarray], drivers: Drivers,
                    slots_used: np.ndarray, first_month: int = 0) -> np.ndarray:
    """The levers' own cost, USD per month, (M, T) from month index ``first_month``.

    Each cost item's driver (the column of ``drivers.activity`` its ``cost_items`` name)
    times the member's unit cost a year, over 12; treatment is charged for the added
    slots people fill (``slots_used``, (M, T), the engine's ``treatment_slots_used``),
    not for empty ones.
    """
    activity = drivers.activity[first_month:]
    total = np.zeros(slots_used.shape)
    for i, item in enumerate(drivers.cost_items):
        price = unit_costs[f"cost_{item}"][:, None]
        if item == "treatment_expansion":
            total += price * slots_used / 12.0
        elif np.any(activity[:, i] != 0):
            total += price * activity[None, :, i] / 12.0
    return total


def unit(kind: str) -> str:
    """The unit a lever's quantity is set in (its ``intensity``, or an arc lever's)."""
    fields = BY_KIND[kind].model.model_fields  # type: ignore[attr-defined]
    if "intensity" in fields:
        return str(fields["intensity"].description)
    if "detection" in fields:
        return "nominal detection probability of the arc (and USD a year, stated)"
    return "closed or not (and USD a year, stated)"


def catalogue() -> dict[str, dict[str, object]]:
    """Every lever kind: unit, allowed and plausible ranges, what it does, priors.

    ``plausible``: ``[low, high]`` in the lever's unit (None for an all-or-nothing
    lever), with its ``plausible_source``; ``status_quo``: today's level where a setting
    replaces it, its source and which side of it (``weaker``) weakens it, else None.
    """
    def prior(p: Parameter) -> dict[str, object]:
        return {"parameter": p.name, "unit": p.unit, "distribution": p.dist, "low": p.low,
                "high": p.high, "source": p.source, "description": p.description}

    out: dict[str, dict[str, object]] = {}
    for kind in REGISTRY:
        intensity = kind.model.model_fields.get("intensity")  # type: ignore[attr-defined]
        bounds = {}
        for meta in intensity.metadata if intensity is not None else ():
            for key in ("ge", "gt", "le"):
                if getattr(meta, key, None) is not None:
                    bounds[key] = getattr(meta, key)
        out[kind.name] = {
            "unit": unit(kind.name),
            "range": [bounds.get("ge", bounds.get("gt")), bounds.get("le")],
            "what": " ".join((kind.model.__doc__ or "").split("\n\n")[0].split()),
            "effectiveness": [prior(model_parameters.BY_NAME[n]) for n in kind.effectiveness],
            "cost": None if kind.cost is None else prior(kind.cost),
            "plausible": None if kind.plausible is None else list(kind.plausible),
            "plausible_source": kind.plausible_source,
            "status_quo": (None if kind.weaker is None else
                           {"value": kind.status_quo, "source": kind.status_quo_source,
                            "weaker": kind.weaker}),
        }
    return out
