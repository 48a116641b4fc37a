"""Parameters as simulate draws them, for tests that run the engine or the reference.

The model's parameters and the levers' unit-cost priors (the policy registry's), and
the policy cost an engine run is priced at (``borderflow.api.simulate`` does the same).
"""

from __future__ import annotations

import numpy as np

from borderflow.model import parameters
from borderflow.policy.registry import COST_PRIORS, lever_parameters, policy_cost_usd


def full_draws(members, seed, overrides=None):
    """Model parameters and the levers' unit costs of ``members`` (a count or indices)."""
    idx = np.arange(members) if isinstance(members, int) else np.asarray(members)
    return {**parameters.sample(idx, seed=seed, overrides=overrides),
            **lever_parameters(idx, seed)}


def full_medians():
    """Prior medians of the model's parameters and of the levers' unit costs."""
    return {**parameters.prior_medians(), **{p.name: p.median for p in COST_PRIORS}}


def priced(out, drivers, draws):
    """An engine run's outputs with its policy cost, as ``simulate`` prices it."""
    return {**out, "policy_cost_usd": policy_cost_usd(draws, drivers,
                                                      out["treatment_slots_used"])}
