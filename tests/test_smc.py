"""The tempered SMC sampler recovers a known posterior."""

import numpy as np

from borderflow.calibration.smc import tempered_smc


def test_recovers_a_gaussian_posterior_inside_the_cube():
    mean, sd = np.array([0.3, 0.7]), np.array([0.05, 0.1])

    def loglik(u):
        return -0.5 * (((u - mean) / sd) ** 2).sum(axis=1)

    result = tempered_smc(loglik, dim=2, particles=2000, seed=1, moves=6)
    assert result.temperatures[-1] == 1.0
    np.testing.assert_allclose(result.u.mean(axis=0), mean, atol=0.01)
    np.testing.assert_allclose(result.u.std(axis=0), sd, rtol=0.12)
    # evidence: integral of the unnormalised Gaussian over the cube = 2π σ1 σ2
    assert abs(result.log_evidence - np.log(2 * np.pi * sd.prod())) < 0.1


def test_same_seed_same_particles():
    def loglik(u):
        return -((u - 0.5) ** 2).sum(axis=1) / 0.02

    a = tempered_smc(loglik, dim=3, particles=200, seed=5)
    b = tempered_smc(loglik, dim=3, particles=200, seed=5)
    np.testing.assert_array_equal(a.u, b.u)


def test_fixed_dimensions_are_only_resampled():
    def loglik(u):
        return -0.5 * ((u[:, 0] - 0.4) / 0.05) ** 2

    start = np.random.default_rng(3).random((500, 2))
    result = tempered_smc(loglik, dim=2, particles=500, seed=2, start=start,
                          move_dims=np.array([0]))
    assert set(np.round(result.u[:, 1], 12)) <= set(np.round(start[:, 1], 12))
    assert abs(result.u[:, 0].mean() - 0.4) < 0.01


def test_groups_give_a_cut_posterior_and_free_dimensions_keep_their_prior():
    """Dimension 1 is held per group, dimension 2 is free (integrated out): within each
    group the fitted dimension follows its posterior given that group's held value."""
    held_values = np.array([0.2, 0.45, 0.7])
    groups = np.arange(1500) % 3

    def loglik(u):
        return -0.5 * ((u[:, 0] + u[:, 1] - 1.0) / 0.05) ** 2

    start = np.random.default_rng(4).random((1500, 3))
    start[:, 1] = held_values[groups]
    result = tempered_smc(loglik, dim=3, particles=1500, seed=3, start=start, moves=6,
                          move_dims=np.array([0]), refresh_dims=np.array([2]),
                          groups=groups)
    for g, value in enumerate(held_values):
        inside = result.u[groups == g]
        assert np.all(inside[:, 1] == value)  # resampling never crosses groups
        assert abs(inside[:, 0].mean() - (1.0 - value)) < 0.01
        assert abs(inside[:, 0].std() - 0.05) < 0.01
    assert abs(result.u[:, 2].mean() - 0.5) < 0.03
    assert len(np.unique(result.u[:, 2])) == 1500
