"""Adaptive tempered sequential Monte Carlo over a unit hypercube (Del Moral et al. 2006).

The parameters are their prior CDFs ``u`` in [0, 1]^d, so the prior is uniform and a
particle's weight is its likelihood raised to the temperature. Each stage raises the
temperature as far as keeps the effective sample size at ``ess_fraction`` of the
particles (bisection), resamples, and moves every particle by random-walk Metropolis
steps whose proposal scale follows the particles' spread; proposals are reflected at
the cube's faces, which keeps them symmetric. Stops at temperature 1.

Dimensions that are not estimated are either held (kept at their start value) or
integrated out over their priors (``refresh_dims``): every proposal draws the latter
afresh from the prior, so a particle's likelihood is a one-draw unbiased estimate of the
likelihood marginalised over them (pseudo-marginal Metropolis-Hastings, Andrieu &
Roberts 2009), and the final particles get fresh prior draws of them. The estimated
dimensions then follow their marginal posterior and the refreshed ones keep their
prior: the data inform only the estimated parameters.

The likelihood is evaluated for all particles at once (the batched engine), so a stage
costs a few engine runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


@dataclass
class SMCResult:
    """Particles at temperature 1 (equally weighted) and the run's history."""

    u: np.ndarray  # (particles, d)
    log_likelihood: np.ndarray  # (particles,)
    temperatures: list[float] = field(default_factory=list)
    acceptance: list[float] = field(default_factory=list)
    log_evidence: float = 0.0


def _reflect(u: np.ndarray) -> np.ndarray:
    u = np.abs(u) % 2.0
    return np.where(u > 1.0, 2.0 - u, u)


def _next_temperature(loglik: np.ndarray, phi: float, ess_fraction: float,
                      groups: list[np.ndarray]) -> float:
    """Largest temperature step keeping every group's ESS >= ess_fraction of its size."""

    def ok(delta: float) -> bool:
        for g in groups:
            w = delta * (loglik[g] - loglik[g].max())
            w = np.exp(w - w.max())
            if w.sum() ** 2 / (w**2).sum() < ess_fraction * len(g):
                return False
        return True

    if ok(1.0 - phi):
        return 1.0
    lo, hi = 0.0, 1.0 - phi
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if ok(mid) else (lo, mid)
    return phi + max(lo, 1e-6)


def tempered_smc(
    log_likelihood: Callable[[np.ndarray], np.ndarray],
    dim: int,
    particles: int = 400,
    seed: int = 0,
    ess_fraction: float = 0.5,
    moves: int = 4,
    progress: Callable[[float], None] | None = None,
    start: np.ndarray | None = None,
    move_dims: np.ndarray | None = None,
    refresh_dims: np.ndarray | None = None,
    groups: np.ndarray | None = None,
) -> SMCResult:
    """Sample the posterior of ``u`` (uniform prior on the unit cube).

    Args:
        log_likelihood: maps ``u`` of shape (particles, dim) to log-likelihoods (particles,).
        dim: number of parameters.
        particles: number of particles.
        seed: random seed (resampling, proposals, acceptance).
        ess_fraction: effective-sample-size share kept at each temperature step.
        moves: Metropolis steps per stage.
        progress: called with the temperature after each stage.
        start: initial particles (prior draws), shape (particles, dim); default uniform.
        move_dims: the estimated dimensions, moved by the random walk (default all).
        refresh_dims: dimensions integrated out over the prior: redrawn at every
            proposal and at the end (see the module docstring). Dimensions in neither
            list keep their start values.
        groups: a group label per particle (default: one group). Each group is its own
            sampler (weights, resampling and proposal scales stay inside it); the
            temperature schedule is shared, each step keeping every group's ESS.

    """
    rng = np.random.default_rng(seed)
    u = rng.random((particles, dim)) if start is None else np.array(start, dtype=float)
    moving = np.zeros(dim, dtype=bool)
    moving[np.arange(dim) if move_dims is None else move_dims] = True
    fresh = np.zeros(dim, dtype=bool)
    if refresh_dims is not None:
        fresh[refresh_dims] = True
    if (fresh & moving).any():
        raise ValueError("a dimension cannot be both moved and refreshed")
    loglik = log_likelihood(u)
    label = np.zeros(particles, dtype=int) if groups is None else np.asarray(groups)
    members = [np.flatnonzero(label == g) for g in np.unique(label)]
    phi, result = 0.0, SMCResult(u, loglik)
    while phi < 1.0:
        new_phi = _next_temperature(loglik, phi, ess_fraction, members)
        idx = np.empty(particles, dtype=int)
        scale = np.empty_like(u)
        evidence = []
        for g in members:
            w = (new_phi - phi) * (loglik[g] - loglik[g].max())
            evidence.append(float(np.log(np.mean(np.exp(w))) + (new_phi - phi)
                                  * loglik[g].max()))
            w = np.exp(w - w.max())
            w /= w.sum()
            positions = (rng.random() + np.arange(len(g))) / len(g)
            idx[g] = g[np.minimum(np.searchsorted(np.cumsum(w), positions), len(g) - 1)]
        result.log_evidence += float(np.mean(evidence))
        u, loglik = u[idx], loglik[idx]
        for g in members:
            scale[g] = (2.38 / np.sqrt(moving.sum()) * np.maximum(u[g].std(axis=0), 1e-3)
                        * moving)
        phi = new_phi
        accepted = 0.0
        for _ in range(moves):
            proposal = _reflect(u + scale * rng.standard_normal(u.shape))
            proposal[:, fresh] = rng.random((particles, int(fresh.sum())))
            proposed = log_likelihood(proposal)
            accept = np.log(rng.random(particles)) < phi * (proposed - loglik)
            u = np.where(accept[:, None], proposal, u)
            loglik = np.where(accept, proposed, loglik)
            accepted += accept.mean() / moves
        result.temperatures.append(phi)
        result.acceptance.append(float(accepted))
        if progress is not None:
            progress(phi)
    if fresh.any():  # the refreshed dimensions keep their prior
        u[:, fresh] = rng.random((particles, int(fresh.sum())))
        loglik = log_likelihood(u)
    result.u, result.log_likelihood = u, loglik
    return result
