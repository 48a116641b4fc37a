"""Results: engine arrays → labelled ``xarray`` datasets, and the paired metrics.

Pure functions over arrays; no I/O.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
import xarray as xr

from borderflow.model.engine import OUTPUT_DIMS
from borderflow.model.migration import ORIGINS
from borderflow.model.population import STATES
from borderflow.network import CompiledNetwork
from borderflow.outcomes import METRICS, OUTCOMES, SCALAR, SUMS, add_sums, engine_outputs

UNITS = {
    "delivered_kg": "kg/month (pure fentanyl), delivered to US markets",
    "flow_kg": "kg/month (pure fentanyl-equivalent) entering the arc",
    "seizures_kg": "kg/month (pure fentanyl-equivalent) seized on the arc",
    "supply_kg": "kg/month (fentanyl-equivalent) shipped by the precursor source",
    "lab_capacity_kg": "kg/month (pure fentanyl) lab capacity available",
    "lab_target_kg": "kg/month (pure fentanyl) capacity the labs rebuild toward",
    "production_kg": "kg/month (pure fentanyl) produced",
    "precursor_stock_kg": "kg (fentanyl-equivalent) precursor stock at month end",
    "lab_seizures_kg": "kg/month (fentanyl-equivalent) stock seized in takedowns",
    "lost_kg": "kg/month (fentanyl-equivalent) lost to yield and spoilage",
    "market_pull_kg": "kg/month (pure fentanyl) the US market asks of the supply chain "
    "(demand plus closing the wholesale stock's gap)",
    "mexico_seizures_kg": "kg/month (pure fentanyl-equivalent) seized by Mexico (its port "
    "interdiction and lab takedowns; not what US strikes destroy)",
    "strike_destroyed_kg": "kg/month (fentanyl-equivalent) precursor stock destroyed by US "
    "strikes",
    "seizures_lb_ports_of_entry": "lb/month (gross, as CBP counts) seized at ports of entry",
    "seizures_lb_between_ports": "lb/month (gross, as CBP counts) seized between ports",
    "crossing_flow_kg": "kg/month (pure fentanyl) sent to each crossing (before seizure)",
    "crossing_seizures_kg": "kg/month (pure fentanyl) seized at each crossing",
    "parameter_value": "per-member parameter draw (unit in the parameter registry)",
    "overdose_deaths": "deaths/month involving synthetic opioids (CDC T40.4)",
    "heroin_deaths": "deaths/month from heroin-only overdoses (not T40.4)",
    "opioid_overdose_deaths": "deaths/month from every opioid overdose the model represents "
    "(T40.4 plus heroin)",
    "price_usd_per_pure_gram": "USD per pure gram of fentanyl at retail",
    "wholesale_price_usd_per_pure_gram": "USD per pure gram of fentanyl at wholesale",
    "wholesale_stock_kg": "kg (pure fentanyl) held by US wholesalers at month end",
    "consumption_kg": "kg/month (pure fentanyl) sold to users",
    "heroin_kg": "kg/month (pure fentanyl-equivalent) of heroin bought by users",
    "heroin_price_ratio": "heroin price relative to its reference (shortage raises it)",
    "unmet_share": "share of the users' opioid need met by neither fentanyl nor heroin",
    "lethal_dose_share": "share of doses that exceed a lethal amount (pills and powder)",
    "naloxone_reversal_share": "share of otherwise fatal overdoses reversed by naloxone",
    "population": "persons in each state at month end",
    "encounters_by_origin": "southwest-border encounters/month by origin group",
    "encounters_at_ports": "southwest-border encounters/month at ports of entry",
    "encounters_between_ports": "southwest-border encounters/month between ports",
    "bp_workload": "Border Patrol processing hours over frontline hours (uncapped)",
    "guns_south": "firearms/month trafficked from the US to Mexico",
    "gun_stock_mexico": "US-sourced firearms held by criminal groups in Mexico (start of month)",
    "gun_homicides_mexico": "homicides/month in Mexico attributable to those guns and to "
    "US strikes",
    "cooperation": "US-Mexico cooperation index (0-1) at the start of the month",
    "trade_cost_usd": "USD/month of US GDP or welfare lost through trade (lost "
    "cooperation, border waits, a levied tariff)",
    "policy_cost_usd": "USD/month spent on the scenario's levers",
    "treatment_slots_used": "persons: MOUD slots added by levers that people fill (month end)",
    "fentanyl_share": "fentanyl's share of the illicit opioid supply (0-1)",
    "exposure": "fentanyl's share of the users' need met (sales over need, 0-1)",
    **{name: unit for name, (_, unit) in SUMS.items()},
}

#: Annual discount rate of costs and outcomes in cost-effectiveness ratios (US
#: practice, Second Panel on Cost-Effectiveness in Health and Medicine: 3 %).
DISCOUNT_RATE = 0.03
#: Bootstrap resamples (over members) and their seed for the ratios' intervals.
BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED = 1000, 20250


def to_dataset(
    arrays: Mapping[str, np.ndarray],
    net: CompiledNetwork,
    months: np.ndarray,
    members: np.ndarray,
    params: Mapping[str, np.ndarray],
    attrs: Mapping[str, object],
) -> xr.Dataset:
    """Label the engine's arrays as an ``xarray.Dataset`` (dims member, month, ...)."""
    crossings = net.nodes_of_kind("crossing")
    coords = {
        "member": members,
        "month": months.astype("datetime64[ns]"),
        "arc": list(net.arc_labels),
        "market": [net.node_ids[n] for n in net.nodes_of_kind("market")],
        "source": [net.node_ids[n] for n in net.nodes_of_kind("precursor_source")],
        "lab": [net.node_ids[n] for n in net.nodes_of_kind("lab_region")],
        "crossing": [net.node_ids[c] for c in crossings],
        "state": list(STATES),
        "origin": list(ORIGINS),
        "crossing_type": ("crossing", [net.crossing_type[c] for c in crossings]),
        "arc_from": ("arc", [a for a, _ in net.arc_ids]),
        "arc_to": ("arc", [b for _, b in net.arc_ids]),
        "parameter": list(params),
    }
    dims = {**OUTPUT_DIMS, "policy_cost_usd": ()}  # priced from the run (policy registry)
    data = {
        name: (("member", "month", *dims[name]), arrays[name], {"units": UNITS[name]})
        for name in dims
        if name in arrays
    }
    ds = xr.Dataset(data, coords=coords, attrs=dict(attrs))
    add_sums(ds)
    for name in SUMS:
        if name in ds:
            ds[name].attrs["units"] = UNITS[name]
    ds["parameter_value"] = (
        ("member", "parameter"),
        np.stack([np.asarray(v, dtype=float) for v in params.values()], axis=1),
        {"units": UNITS["parameter_value"]},
    )
    return ds


def bytes_per_member(net: CompiledNetwork, n_months: int, n_parameters: int,
                     arc_detail: bool, outputs: Collection[str] | None = None) -> int:
    """Bytes one member takes in :func:`to_dataset`'s result (float64 series).

    ``outputs``: the engine outputs recorded (None: all).
    """
    from borderflow.model.engine import ARC_OUTPUTS

    size = {"arc": net.n_arcs, "market": len(net.nodes_of_kind("market")),
            "source": len(net.nodes_of_kind("precursor_source")),
            "lab": len(net.nodes_of_kind("lab_region")),
            "crossing": len(net.nodes_of_kind("crossing")), "state": len(STATES),
            "origin": len(ORIGINS)}
    values = sum(int(np.prod([size[d] for d in dims], dtype=int))
                 for name, dims in OUTPUT_DIMS.items()
                 if (arc_detail or name not in ARC_OUTPUTS)
                 and (outputs is None or name in outputs))
    return 8 * (n_months * (values + len(SUMS)) + n_parameters)


#: The engine outputs :func:`period_totals` and :func:`annual` read, with the monthly
#: supply and deliveries ``compare`` keeps: what a verb that reduces asks the engine to
#: record (``policy_cost_usd`` is priced from ``treatment_slots_used``).
TOTALS_OUTPUTS = frozenset(engine_outputs(
    {o.variable for o in OUTCOMES if o.variable}
    | {"delivered_kg", "supply_kg", "seizures_lb", "mexico_seizures_kg", "overdose_deaths",
       "opioid_overdose_deaths", "encounters", "gun_homicides_mexico", "trade_cost_usd",
       "treatment_slots_used", "cooperation", "crossing_flow_kg",
       "crossing_seizures_kg"}) - {"policy_cost_usd"})


def period_totals(ds: xr.Dataset, first_year: int, last_year: int) -> dict[str, xr.DataArray]:
    """Per-member totals over calendar years ``first_year``–``last_year`` inclusive.

    Every :data:`~borderflow.outcomes.SCALAR` outcome (its output summed over the
    period), plus what the paired metrics need: discounted costs, deaths and encounters,
    flow and seizures by crossing, the 2030 cooperation index and the period's lowest.
    """
    window = ds.sel(month=slice(f"{first_year}-01", f"{last_year}-12"))
    elapsed_years = np.arange(window.sizes["month"]) / 12.0
    discount = xr.DataArray((1.0 + DISCOUNT_RATE) ** -elapsed_years, dims="month",
                            coords={"month": window["month"]})
    cost = window["policy_cost_usd"] + window["trade_cost_usd"]
    totals = {name: window[o.variable].sum([d for d in window[o.variable].dims if d != "member"])
              for name, o in SCALAR.items()}
    return {
        **totals,
        "discounted_cost_usd": (cost * discount).sum("month"),
        "discounted_opioid_deaths": (window["opioid_overdose_deaths"] * discount).sum("month"),
        "discounted_encounters": (window["encounters"] * discount).sum("month"),
        "crossing_flow_kg": window["crossing_flow_kg"].sum("month"),
        "crossing_seizures_kg": window["crossing_seizures_kg"].sum("month"),
        "cooperation_2030": ds["cooperation"].sel(month=slice("2030-01", "2030-12")).mean("month"),
        "cooperation_lowest": window["cooperation"].min("month"),
    }


def displaced_share(base_flow: xr.DataArray, flow: xr.DataArray) -> xr.DataArray:
    """Half the sum over crossings of the absolute change in each crossing's share.

    Both arguments are per-member totals by crossing; 0 when nothing moves, 1 when
    everything does.
    """
    def shares(x: xr.DataArray) -> xr.DataArray:
        total = x.sum("crossing")
        return xr.where(total > 0, x / total.where(total > 0), 0.0)

    return 0.5 * abs(shares(flow) - shares(base_flow)).sum("crossing")


def summarize(values: xr.DataArray) -> dict[str, float]:
    """Median and 90 % interval (5th and 95th percentiles) over members."""
    q = np.quantile(np.asarray(values, dtype=float), [0.5, 0.05, 0.95])
    return {"median": float(q[0]), "p05": float(q[1]), "p95": float(q[2])}


def cost_effectiveness(extra_cost: np.ndarray, averted: np.ndarray, what: str
                       ) -> dict[str, float | str | None]:
    """Mean incremental cost over mean units averted, with a bootstrap 90 % interval.

    Args:
        extra_cost: per member, discounted incremental cost (USD).
        averted: per member, discounted units averted (deaths, encounters).
        what: the unit averted, for the reason given when there is no ratio.

    Returns ``{"value", "p05", "p95"}``, or the same keys ``None`` with a ``reason``
    when the mean averted is under one unit (a ratio over a fraction of a death means
    nothing). Interval bounds are ``None`` where a resample averts nothing on average.

    """
    cost, units = np.asarray(extra_cost, dtype=float), np.asarray(averted, dtype=float)
    if units.mean() < 1.0:
        return {"value": None, "p05": None, "p95": None,
                "reason": f"mean {what} averted is {units.mean():.3g}, under one"}
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    rows = rng.integers(0, len(units), size=(BOOTSTRAP_RESAMPLES, len(units)))
    mean_units = units[rows].mean(axis=1)
    ratios = np.where(mean_units > 0, cost[rows].mean(axis=1)
                      / np.where(mean_units > 0, mean_units, 1.0), np.inf)
    p05, p95 = np.quantile(ratios, [0.05, 0.95], method="inverted_cdf")  # no inf − inf
    finite = lambda x: float(x) if np.isfinite(x) else None  # noqa: E731
    return {"value": float(cost.mean() / units.mean()), "p05": finite(p05), "p95": finite(p95)}


def paired_metrics(
    base: Mapping[str, xr.DataArray], scen: Mapping[str, xr.DataArray]
) -> dict[str, dict[str, float] | None]:
    """The metrics of one scenario against the baseline, paired member by member.

    The cost-effectiveness ratios are :func:`cost_effectiveness` of the discounted
    totals (:data:`DISCOUNT_RATE`).
    """
    averted = base["opioid_overdose_deaths"] - scen["opioid_overdose_deaths"]
    out: dict[str, dict[str, float] | None] = {
        name: summarize(scen[name]) for name in METRICS if name in scen}
    out["kg_delivered_us_vs_status_quo"] = summarize(
        scen["kg_delivered_us"] - base["kg_delivered_us"]
    )
    out["seizures_lb_vs_status_quo"] = summarize(scen["seizures_lb"] - base["seizures_lb"])
    out["flow_displaced_share"] = summarize(
        displaced_share(base["crossing_flow_kg"], scen["crossing_flow_kg"])
    )
    out["deaths_averted"] = summarize(averted)
    extra_cost = scen["discounted_cost_usd"] - base["discounted_cost_usd"]
    out["cost_per_death_averted_usd"] = cost_effectiveness(
        extra_cost, base["discounted_opioid_deaths"] - scen["discounted_opioid_deaths"],
        "opioid deaths")
    out["cost_per_encounter_averted_usd"] = cost_effectiveness(
        extra_cost, base["discounted_encounters"] - scen["discounted_encounters"],
        "encounters")
    return {name: out[name] for name in METRICS}


def annual(ds: xr.Dataset) -> xr.Dataset:
    """Calendar-year totals for the report's fan charts (cooperation: yearly mean)."""
    per_month = xr.Dataset(
        {
            "delivered_kg": ds["delivered_kg"].sum("market"),
            "seizures_lb": ds["seizures_lb"],
            "mexico_seizures_kg": ds["mexico_seizures_kg"],
            "overdose_deaths": ds["overdose_deaths"],
            "opioid_overdose_deaths": ds["opioid_overdose_deaths"],
            "encounters": ds["encounters"],
            "gun_homicides_mexico": ds["gun_homicides_mexico"],
            "policy_cost_usd": ds["policy_cost_usd"],
            "trade_cost_usd": ds["trade_cost_usd"],
        }
    )
    yearly = per_month.groupby("month.year").sum("month")
    yearly["cooperation"] = ds["cooperation"].groupby("month.year").mean("month")
    return yearly.transpose("member", "year")


def fiscal_year_totals(values: xr.DataArray) -> xr.DataArray:
    """Sum a monthly variable by US federal fiscal year (October–September).

    Fiscal year ``Y`` runs from October ``Y − 1`` to September ``Y``, as CBP counts.
    Only complete fiscal years are returned.
    """
    months = values["month"].dt
    fy = xr.where(months.month >= 10, months.year + 1, months.year).rename("fiscal_year")
    counts = values["month"].groupby(fy).count()
    totals = values.groupby(fy).sum("month")
    return totals.sel(fiscal_year=counts["fiscal_year"][counts == 12])


#: Months after a plan starts at which :func:`plan_response` reads the dynamic model.
RESPONSE_MONTHS = {"first_month": 0, "after_1_year": 12, "after_2_years": 24}


def monthly_change(monthly: xr.Dataset, baseline: str, scenario: str) -> xr.Dataset:
    """Paired relative change per member and month, scenario over baseline minus 1.

    ``delivered_kg``: kilograms reaching US markets; ``getting_through``: the share of
    the kilograms shipped from the sources that reaches them (the dynamic model's
    analogue of the evader's chance of getting through).
    """
    base, scen = monthly.sel(scenario=baseline), monthly.sel(scenario=scenario)
    return xr.Dataset({
        "delivered_kg": scen["delivered_kg"] / base["delivered_kg"] - 1.0,
        "getting_through": (scen["delivered_kg"] / scen["supply_kg"])
        / (base["delivered_kg"] / base["supply_kg"]) - 1.0,
    }).drop_vars("scenario", errors="ignore")


def plan_response(monthly: xr.Dataset, baseline: str, scenario: str, start: str,
                  last_year: int = 2034) -> dict[str, dict[str, dict[str, float]]]:
    """What the dynamic model gives for a plan starting in month ``start``.

    For ``delivered_kg`` and ``getting_through`` (see :func:`monthly_change`): the
    paired relative change (fractions, −0.1 = 10 % less) in the plan's first month,
    a year and two years in, and over every month from ``start`` through
    ``last_year`` (summed kilograms), each as ``{"median", "p05", "p95"}``.
    """
    change = monthly_change(monthly, baseline, scenario)
    first = np.datetime64(start, "M")
    months = monthly["month"].values.astype("datetime64[M]")
    out: dict[str, dict[str, dict[str, float]]] = {}
    for name in change.data_vars:
        entry = {}
        for label, offset in RESPONSE_MONTHS.items():
            month = first + offset
            if month in months:
                entry[label] = summarize(change[name].sel(month=month))
        window = monthly.sel(month=(months >= first) & (months <= np.datetime64(
            f"{last_year}-12", "M")))
        if name == "delivered_kg":
            totals = window["delivered_kg"].sum("month")
            entry["through_" + str(last_year)] = summarize(
                totals.sel(scenario=scenario) / totals.sel(scenario=baseline) - 1.0)
        else:
            ratio = window["delivered_kg"].sum("month") / window["supply_kg"].sum("month")
            entry["through_" + str(last_year)] = summarize(
                ratio.sel(scenario=scenario) / ratio.sel(scenario=baseline) - 1.0)
        out[name] = entry
    return out


def crossing_changes(base: Mapping[str, xr.DataArray], scen: Mapping[str, xr.DataArray],
                     names: Mapping[str, str]) -> dict[str, dict[str, object]]:
    """Where displaced flow goes: each crossing's period flow and seizures against base.

    Args:
        base: per-member period totals (:func:`period_totals`) of the baseline, with
            ``crossing_flow_kg`` and ``crossing_seizures_kg`` (dims member, crossing).
        scen: the same of the scenario.
        names: each crossing id's real name.

    Returns ``{crossing_id: {"name", "flow_kg", "flow_kg_change", "seizures_kg_change"}}``:
    the scenario's flow sent to the crossing (pure kg over the period) and the paired
    changes (scenario minus baseline) of flow and seizures, each a :func:`summarize`;
    crossings ordered by the largest median change of flow, either way.

    """
    flow, seized = scen["crossing_flow_kg"], scen["crossing_seizures_kg"]
    d_flow = flow - base["crossing_flow_kg"]
    d_seized = seized - base["crossing_seizures_kg"]
    out = {
        str(c): {"name": names.get(str(c), str(c)),
                 "flow_kg": summarize(flow.sel(crossing=c)),
                 "flow_kg_change": summarize(d_flow.sel(crossing=c)),
                 "seizures_kg_change": summarize(d_seized.sel(crossing=c))}
        for c in flow["crossing"].values}
    return dict(sorted(out.items(), key=lambda kv: -abs(kv[1]["flow_kg_change"]["median"])))


def per_member(base: Mapping[str, xr.DataArray], scen: Mapping[str, xr.DataArray]
               ) -> dict[str, np.ndarray]:
    """Each outcome's value per member (paired against ``base`` where it is a change).

    The period totals, ``deaths_averted``, the cooperation indices, and the
    cost-effectiveness ratios member by member: discounted incremental cost over
    discounted units averted, ``inf`` where a member averts none (no finite cost buys
    a death that is not averted). The ``_vs_status_quo`` changes and the displaced
    share are left out: between two scenarios they are the difference of their totals.
    """
    values = {name: np.asarray(scen[name], dtype=float) for name in METRICS if name in scen}
    values["deaths_averted"] = np.asarray(
        base["opioid_overdose_deaths"] - scen["opioid_overdose_deaths"], dtype=float)
    extra = np.asarray(scen["discounted_cost_usd"] - base["discounted_cost_usd"], dtype=float)
    for name, units in (("cost_per_death_averted_usd", "discounted_opioid_deaths"),
                        ("cost_per_encounter_averted_usd", "discounted_encounters")):
        averted = np.asarray(base[units] - scen[units], dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            values[name] = np.where(averted > 0, extra / np.where(averted > 0, averted, 1.0),
                                    np.inf)
    return values


def share_better(x: np.ndarray, y: np.ndarray, direction: str = "minimize") -> float:
    """Share of paired members in which ``x`` is better than ``y``, ties counted half.

    ``direction``: ``minimize`` (lower is better) or ``maximize``.
    """
    better = x < y if direction == "minimize" else x > y
    return float(np.mean(better) + 0.5 * np.mean(x == y))


def head_to_head(a: Mapping[str, np.ndarray], b: Mapping[str, np.ndarray]
                 ) -> dict[str, dict[str, object]]:
    """Scenario A against scenario B, paired member by member, on every outcome.

    Args:
        a: :func:`per_member` values of scenario A.
        b: the same of scenario B, on the same members.

    Returns ``{outcome: {"unit", "better", "a", "b", "difference", "probability_a_better",
    "tied_share"}}``: each side's median and 90 % interval, the paired difference A − B
    (median and 90 % interval; ``None`` for a ratio, whose per-member difference is
    undefined where a member averts nothing), the share of members in which A is better,
    ties counted half (``None`` for descriptive outcomes), and the share of members in
    which the two are equal (1: the levers do not touch the outcome). Members are draws
    of the calibrated posterior, so that share is the posterior probability that A
    beats B.

    """
    out: dict[str, dict[str, object]] = {}
    for o in OUTCOMES:
        if o.name not in a or o.name not in b:
            continue
        x, y = a[o.name], b[o.name]
        finite = np.isfinite(x) & np.isfinite(y)
        p = None if o.direction == "none" else share_better(x, y, o.direction)
        out[o.name] = {
            "unit": o.unit, "better": o.direction,
            "a": _finite_summary(x), "b": _finite_summary(y),
            "difference": (summarize(x - y) if o.kind != "ratio" and finite.all() else None),
            "probability_a_better": p,
            "tied_share": float((x == y).mean()),
        }
    return out


def _finite_summary(values: np.ndarray) -> dict[str, float | None]:
    """:func:`summarize`, with ``None`` for quantiles that are infinite (ratios)."""
    with np.errstate(invalid="ignore"):  # inf − inf between two infinite order statistics
        stats = summarize(values)
    return {k: (v if np.isfinite(v) else None) for k, v in stats.items()}
