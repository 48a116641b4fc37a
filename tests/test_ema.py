"""borderflow driven by EMA Workbench (2.5.x), end to end on a small experiment."""

from __future__ import annotations

import numpy as np
import pytest

ema = pytest.importorskip("ema_workbench")

from borderflow.ema import ema_model  # noqa: E402
from borderflow.errors import ParameterError  # noqa: E402


def test_a_small_experiment_end_to_end():
    model = ema_model(uncertainties=["fentanyl_death_rate_per_year"],
                      levers=["naloxone_distribution"],
                      outcomes=["overdose_deaths", "policy_cost_usd", "encounters"],
                      members=4, period=(2025, 2029))
    with ema.SequentialEvaluator(model) as evaluator:
        experiments, outcomes = ema.perform_experiments(model, scenarios=3, policies=2,
                                                        evaluator=evaluator)
    assert len(experiments) == 6
    deaths = np.asarray(outcomes["overdose_deaths"])
    kits = experiments["naloxone_distribution"].to_numpy()
    rate = experiments["fentanyl_death_rate_per_year"].to_numpy()
    assert np.all(deaths > 0) and np.isfinite(outcomes["encounters"]).all()
    # paired within a scenario (same uncertainties): more kits, fewer deaths, more cost
    for r in np.unique(rate):
        pair = np.flatnonzero(rate == r)
        order = pair[np.argsort(kits[pair])]
        assert deaths[order[1]] < deaths[order[0]]
        assert outcomes["policy_cost_usd"][order[1]] > outcomes["policy_cost_usd"][order[0]]
    # a higher death rate kills more, whatever the kits: compare at the first policy
    first = experiments["policy"].to_numpy() == experiments["policy"].iloc[0]
    by_rate = np.argsort(rate[first])
    assert np.all(np.diff(deaths[first][by_rate]) > 0)
    # EMA's view of the vocabulary
    kinds = {o.name: o.kind for o in model.outcomes}
    assert kinds["overdose_deaths"] == ema.ScalarOutcome.MINIMIZE
    assert kinds["encounters"] == ema.ScalarOutcome.INFO
    (lever,) = model.levers
    assert (lever.lower_bound, lever.upper_bound) == (0.0, 100_000_000.0)


def test_bad_names_are_refused_with_what_is_allowed():
    with pytest.raises(ParameterError, match="unknown parameter\\(s\\) warp"):
        ema_model(uncertainties=["warp"])
    with pytest.raises(ParameterError, match="cannot be EMA levers; allowed: precursor_control"):
        ema_model(levers=["arc_closure"])
    with pytest.raises(ParameterError, match="unknown outcome\\(s\\) happiness"):
        ema_model(outcomes=["happiness"])
