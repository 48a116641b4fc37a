"""borderflow as an EMA Workbench model (``ema-workbench`` 2.5.x).

EMA Workbench (Kwakkel 2017) speaks of *uncertainties* (X), *levers* (L), *outcomes*
(M) and the relations between them (R, here borderflow's model); a *scenario* sets
the uncertainties and a *policy* the levers. :func:`ema_model` maps borderflow's
vocabulary onto it:

- an uncertainty is a model parameter over its prior's range (``borderflow params``);
- a lever is a lever kind's intensity over its allowed range (``borderflow
  scenarios``), applied to all its targets from ``start``;
- an outcome is a period-total outcome (:data:`borderflow.outcomes.SCALAR`), its
  direction (minimise deaths, ...) the registry's, averaged over the ensemble.

Each experiment runs ``members`` members of the parameter source (the calibrated
posterior by default) with the experiment's uncertainties fixed at its values, so the
parameters it does not vary keep their calibrated spread, and returns each outcome's
ensemble mean. Use it with any EMA evaluator, sampler or optimiser::

    from ema_workbench import perform_experiments
    from borderflow.ema import ema_model

    model = ema_model(uncertainties=["control_effectiveness"],
                      levers=["precursor_control", "naloxone_distribution"])
    experiments, outcomes = perform_experiments(model, scenarios=50, policies=4)

EMA Workbench 2.5.x is a dependency (its 3.x needs Python >= 3.12).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from borderflow.errors import ParameterError
from borderflow.outcomes import SCALAR


def _workbench() -> Any:
    try:
        import ema_workbench
    except ImportError:  # pragma: no cover - depends on the environment
        raise ParameterError(
            "borderflow.ema needs EMA Workbench: pip install 'ema-workbench>=2.5,<3'"
        ) from None
    return ema_workbench


#: Outcomes an EMA model can return, and which way is better: the period-total outcomes
#: of the registry, and Mexican cooperation in 2030 (its yearly mean).
EMA_OUTCOMES = {**{name: o.direction for name, o in SCALAR.items()},
                "cooperation_2030": "maximize"}


def run_experiment(*, members: int, seed: int, parameters: str, network: str | None,
                   start: str, period: tuple[int, int], levers: Sequence[str],
                   outcomes: Sequence[str], lever_fields: tuple = (),
                   **values: float) -> dict[str, float]:
    """One experiment: the ensemble mean of each outcome for a scenario and a policy.

    ``values`` holds every uncertainty (a parameter's value) and every lever (its
    intensity), by name; ``lever_fields`` the other fields of each lever's entry (its
    targets), as ``(kind, {field: value})`` pairs. The run starts from the stored
    end-of-window states when the period does and records what the totals read.
    """
    from borderflow.api import simulate
    from borderflow.results import TOTALS_OUTPUTS, period_totals

    extra = dict(lever_fields)
    scenario = {
        "schema": 2,
        "name": "ema_experiment",
        "levers": [{"start": start, **extra.get(kind, {}), "lever": kind,
                    "intensity": float(values.pop(kind))} for kind in levers],
        "parameters": {name: float(v) for name, v in values.items()},
    }
    ds = simulate(scenario, members=members, seed=seed, parameters=parameters,
                  network=network, arc_detail=False, start=f"{period[0]}-01",
                  outputs=TOTALS_OUTPUTS)
    totals = period_totals(ds, *period)
    return {name: float(totals[name].mean("member")) for name in outcomes}


def ema_model(uncertainties: Sequence[str] = (), levers: Sequence[str] = (),
              outcomes: Sequence[str] | None = None, *, members: int = 20, seed: int = 0,
              parameters: str = "posterior", network: str | None = None,
              start: str = "2025-01", period: tuple[int, int] = (2025, 2034),
              name: str = "borderflow", lever_fields: tuple = ()) -> Any:
    """An ``ema_workbench.Model`` running borderflow.

    Args:
        uncertainties: parameter names (``borderflow params``), each varied over its
            prior's range.
        levers: lever kinds (``borderflow scenarios``) whose intensity is varied over its
            allowed range, applied to all targets from ``start``.
        outcomes: outcome names (default: every period-total outcome).
        members: ensemble members per experiment.
        seed: the ensemble's seed.
        parameters: ``"posterior"``, ``"prior"`` or a posterior file.
        network: a network file (default the shipped one).
        start: first month the levers act, YYYY-MM.
        period: first and last calendar year of the outcomes' totals.
        name: the model's name in EMA (an identifier).
        lever_fields: ``(kind, {field: value})`` pairs: a lever's targets (default: all).

    """
    from borderflow.model.parameters import BY_NAME
    from borderflow.policy.registry import REGISTRY, catalogue

    ema = _workbench()
    kinds = catalogue()
    # an EMA lever sets one intensity: arc levers name an arc (the optimiser sets them)
    arc_levers = {k.name for k in REGISTRY if k.targets == "arc"}
    unknown = [u for u in uncertainties if u not in BY_NAME]
    if unknown:
        raise ParameterError(f"unknown parameter(s) {', '.join(unknown)}; see `borderflow "
                             "params`")
    bad = [k for k in levers if k not in kinds or k in arc_levers]
    if bad:
        allowed = ", ".join(k for k in kinds if k not in arc_levers)
        raise ParameterError(f"lever(s) {', '.join(bad)} cannot be EMA levers; allowed: "
                             f"{allowed}")
    chosen = list(SCALAR) if outcomes is None else list(outcomes)
    missing = [o for o in chosen if o not in EMA_OUTCOMES]
    if missing:
        raise ParameterError(f"unknown outcome(s) {', '.join(missing)}; allowed: "
                             f"{', '.join(EMA_OUTCOMES)}")
    model = ema.Model(name, function=run_experiment)
    model.uncertainties = [ema.RealParameter(u, BY_NAME[u].low, BY_NAME[u].high)
                           for u in uncertainties]
    ranges = []
    for kind in levers:
        low, high = kinds[kind]["range"]  # type: ignore[misc]
        ranges.append(ema.RealParameter(kind, float(low), float(high)))
    model.levers = ranges
    direction = {"minimize": ema.ScalarOutcome.MINIMIZE,
                 "maximize": ema.ScalarOutcome.MAXIMIZE, "none": ema.ScalarOutcome.INFO}
    model.outcomes = [ema.ScalarOutcome(o, kind=direction[EMA_OUTCOMES[o]])
                      for o in chosen]
    model.constants = [ema.Constant(k, v) for k, v in (
        ("members", members), ("seed", seed), ("parameters", parameters),
        ("network", network), ("start", start), ("period", tuple(period)),
        ("levers", tuple(levers)), ("outcomes", tuple(chosen)),
        ("lever_fields", tuple(lever_fields)))]
    return model
