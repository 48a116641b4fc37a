"""The parameter registry: every prior sourced and in range; draws reproducible."""

import numpy as np
import pytest

from borderflow.errors import ParameterError
from borderflow.model import parameters as registry


def test_every_parameter_has_unit_source_and_a_proper_prior():
    for p in registry.PARAMETERS:
        assert p.unit and p.source and p.mechanism and p.description, p.name
        assert p.dist in ("uniform", "loguniform")
        assert p.low < p.high
        assert p.bounds[0] <= p.low and p.high <= p.bounds[1], p.name
        if p.dist == "loguniform":
            assert p.low > 0


def test_draws_stay_in_their_priors_and_cover_them():
    draws = registry.sample(4000, seed=3)
    for p in registry.PARAMETERS:
        x = draws[p.name]
        assert (x >= p.low).all() and (x <= p.high).all(), p.name
        assert np.median(x) == pytest.approx(p.median, rel=0.05, abs=0.01 * (p.high - p.low))


def test_member_depends_only_on_seed_and_index():
    a = registry.sample([0, 1, 2, 3], seed=1)
    b = registry.sample([3, 1], seed=1)
    for name in registry.NAMES:
        np.testing.assert_array_equal(a[name][[3, 1]], b[name])
    assert not np.array_equal(a["synthesis_yield"], registry.sample(4, seed=2)["synthesis_yield"])


def test_overrides():
    draws = registry.sample(5, seed=0, overrides={"lab_headroom": 0.25})
    assert (draws["lab_headroom"] == 0.25).all()
    with pytest.raises(ParameterError, match="unknown parameter 'nope'"):
        registry.sample(2, overrides={"nope": 1})
    with pytest.raises(ParameterError, match=r"'synthesis_yield' must be in \[0.01, 1\]"):
        registry.sample(2, overrides={"synthesis_yield": 1.5})


def test_fitted_parameters_are_few_and_sourced():
    assert 0 < len(registry.FITTED) <= 20
    assert len(set(registry.FITTED)) == len(registry.FITTED)
    for name in registry.FITTED:
        p = registry.BY_NAME[name]
        assert p.mechanism and p.source


def test_params_cli_lists_fitted_and_writes_json(tmp_path, capsys):
    import json

    from borderflow.cli import main

    path = tmp_path / "params.json"
    assert main(["params", "--fitted", "--json", str(path)]) == 0
    out = capsys.readouterr().out
    assert f": {len(registry.FITTED)}" in out
    records = json.loads(path.read_text())["parameters"]
    assert [r["name"] for r in records] == list(registry.FITTED)
    assert all(r["fitted"] for r in records)
    assert main(["params", "--json", str(path)]) == 0
    capsys.readouterr()
    records = json.loads(path.read_text())["parameters"]
    from borderflow.policy.registry import COST_PRIORS

    assert [r["name"] for r in records] == [*registry.NAMES, *(p.name for p in COST_PRIORS)]
    assert sum(r["fitted"] for r in records) == len(registry.FITTED)


def test_observed_potency_inputs_have_priors_around_the_dea_values():
    # docs/model-system.md M7: each DEA purity observation is a parameter whose prior
    # carries the observation's uncertainty (DEA NDTAs: 5.3 %, 19.2 %, 19.5 %, 11.36 %)
    dea = {"powder_purity_2018": 0.053, "powder_purity_2022": 0.192,
           "powder_purity_2023": 0.195, "powder_purity_2024": 0.1136}
    for name, value in dea.items():
        p = registry.BY_NAME[name]
        assert p.low < value < p.high and p.bounds == (1e-4, 1.0), name
        assert "dea_fentanyl_lab_testing" in p.source, name
    # the removed parameters stay removed; the unbounded heroin supply is allowed
    for gone in ("pill_share_2018", "pill_share_2023", "pill_fentanyl_mg",
                 "treatment_entry_rate_per_year"):
        assert gone not in registry.BY_NAME
    assert registry.check_overrides({"heroin_supply_scale": 1e6}) == {"heroin_supply_scale": 1e6}
