"""The demand side of issue 9 (docs/model-system.md, M6-M8): a market that clears through
its wholesale stock, no uncounted sink, pills and powder by mass, potency as the
lethal-dose share with post-window random walks, naloxone capped by bystanders,
depletion of the high-risk, and ``explain``'s accounting."""

import dataclasses

import numpy as np
import pytest

import borderflow
from borderflow.calibration.explain import MECHANISMS
from borderflow.calibration.explain import explain as attribute
from borderflow.errors import ParameterError
from borderflow.model import engine
from borderflow.model.checks import validate_run
from borderflow.model.drivers import HISTORY_EVENTS, decimal_year, model_months
from borderflow.model.steps import overdose, potency
from borderflow.policy import load_scenario, scenario_from_dict
from borderflow.policy.drivers import build
from borderflow.reference import simulate_reference
from parameter_draws import full_draws

LB = 0.45359237  # kg per lb
MONTHS = model_months()
YEAR = decimal_year(MONTHS)
T2025 = int(np.flatnonzero(MONTHS == np.datetime64("2025-01"))[0])
HISTORY_OTC = HISTORY_EVENTS.index("otc_naloxone")


def month(label: str) -> int:
    return int(np.flatnonzero(MONTHS == np.datetime64(label))[0])


def calendar(months: np.ndarray) -> np.ndarray:
    return months.astype("datetime64[Y]").astype(int) + 1970


# --------------------------------------------------------------------------------------
# a. No uncounted sink
# --------------------------------------------------------------------------------------

#: An unlimited substitute (heroin) at fentanyl's price and lethality: heroin's supply is
#: a million times the need it serves, the lethal-dose share does not scale the hazard
#: (elasticity 0), nobody buys less for a higher price, and neither the disruption nor
#: withdrawal changes anyone's hazard or treatment. Fentanyl's diffusion is slowed (and
#: freed of import costs) so that the heroin still on offer in 2035, h_s (1 − f) N_d,
#: stays above the need.
SINK_FREE = {"heroin_supply_scale": 1e6, "lethal_share_elasticity": 0.0,
             "price_elasticity": 0.0, "disruption_hazard_increase": 0.0,
             "withdrawal_treatment_seeking": 0.0, "substitution_share": 0.0,
             "diffusion_rate_per_year": 0.6, "diffusion_cost_elasticity": 0.0,
             "control_effectiveness": 1.0}


def test_a_supply_cut_with_an_equal_substitute_averts_no_opioid_death(net, status_quo):
    params = full_draws(3, seed=4, overrides=SINK_FREE)
    params["heroin_death_rate_per_year"] = params["fentanyl_death_rate_per_year"].copy()
    cut = build(scenario_from_dict({"name": "cut", "schema": 2, "levers": [
        {"lever": "precursor_control", "source": "all", "start": "2025-01",
         "intensity": 1.0}]}), net)
    runs = {
        "engine": lambda drivers: engine.run(net, drivers, params, arc_detail=False),
        "reference": lambda drivers: simulate_reference(net, drivers, params, members=[0, 2]),
    }
    for name, run in runs.items():
        base, after = run(status_quo), run(cut)
        for out in (base, after):  # the premise: heroin is never short, no need unmet
            assert (out["heroin_price_ratio"] == 1.0).all(), name
            assert out["unmet_share"].max() < 1e-12, name
        # the cut has teeth: no fentanyl at all reaches users a year on ...
        assert (after["supply_kg"][:, T2025:] == 0.0).all(), name
        assert (after["overdose_deaths"][:, T2025 + 12:] == 0.0).all(), name
        assert (base["overdose_deaths"][:, T2025 + 12:] > 0.0).all(), name
        # ... yet every opioid death it stops being a fentanyl death is a heroin death
        np.testing.assert_allclose(after["opioid_overdose_deaths"],
                                   base["opioid_overdose_deaths"], rtol=1e-6, err_msg=name)
        assert (after["heroin_deaths"][:, T2025 + 12:]
                > 2 * base["heroin_deaths"][:, T2025 + 12:]).all(), name


# --------------------------------------------------------------------------------------
# b. A market that clears
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_b_halving_the_precursor_supply_raises_prices_and_cuts_consumption(net, status_quo,
                                                                            seed):
    params = full_draws(4, seed=seed, overrides={"substitution_share": 0.0,
                                                        "control_effectiveness": 1.0})
    coverage = status_quo.coverage.copy()
    coverage[T2025:] = 0.5  # half of every source's supply stopped from 2025-01
    halved = dataclasses.replace(status_quo, coverage=coverage)
    base = engine.run(net, status_quo, params, arc_detail=False)
    cut = engine.run(net, halved, params, arc_detail=False)
    first_half = slice(T2025, T2025 + 6)  # 2025-01 to 2025-06
    for key in ("wholesale_price_usd_per_pure_gram", "price_usd_per_pure_gram"):
        assert (cut[key][:, first_half].mean(1) > base[key][:, first_half].mean(1)).all(), key
    # the shortage comes from the stock: it is drawn below the status quo's at once
    assert (cut["wholesale_stock_kg"][:, T2025] < base["wholesale_stock_kg"][:, T2025]).all()
    year_2025 = slice(T2025, T2025 + 12)
    assert (cut["consumption_kg"][:, year_2025].sum(1)
            < base["consumption_kg"][:, year_2025].sum(1)).all()
    np.testing.assert_array_equal(cut["consumption_kg"][:, :T2025],
                                  base["consumption_kg"][:, :T2025])


# --------------------------------------------------------------------------------------
# c. Pills and powder by mass
# --------------------------------------------------------------------------------------


def test_c_pill_mass_shares_are_derived_from_the_cited_seizures():
    points = potency.pill_mass_share_points()
    assert [year for year, _ in points] == [2018.5, 2021.5, 2022.5, 2023.5, 2024.5]
    # 2023 by hand (DEA release, Jan 2024): 77 M pills at 2.17 mg (the DEA means of 2.4 mg
    # in 2022 and 1.94 mg in 2024, mid-way), 12,000 lb of powder at the purity of mid-2023
    # (19.5 % in FY2023 and 11.36 % in 2024, linear)
    mg = 2.4 + (1.94 - 2.4) * (2023.5 - 2022.5) / (2024.5 - 2022.5)
    assert mg == pytest.approx(2.17, rel=1e-12)
    purity = 0.195 + (0.1136 - 0.195) * (2023.5 - 2023.25) / (2024.5 - 2023.25)
    pills_kg = 77e6 * mg * 1e-6
    powder_kg = 12_000 * LB * purity
    assert points[3][1] == pytest.approx(pills_kg / (pills_kg + powder_kg), rel=1e-12)
    # the values docs/model-system.md quotes
    np.testing.assert_allclose([share for _, share in points],
                               [0.027, 0.053, 0.122, 0.147, 0.214], atol=5e-4)
    assert potency.PILL_MASS_SHARE == points


def test_c_gross_per_pure_gives_back_the_dea_total_weight_of_2024():
    # DEA 2025 NDTA: 61.1 M pills and 21,936 lb of fentanyl in all in 2024; pills weigh
    # 100 mg and hold 1.94 mg; powder at 11.36 % (the DEA's value)
    pills, total_kg, purity = 61.1e6, 21_936 * LB, 0.1136
    pure_kg = pills * 1.94e-6 + (total_kg - pills * 100e-6) * purity
    share = potency.pill_mass_share_points()[4][1]
    assert share == pytest.approx(pills * 1.94e-6 / pure_kg, rel=1e-12)
    year = np.array([2024.5])
    _, _, pill_mass = potency.observed_inputs(
        year, {name: np.array([purity]) for name, _ in potency.PURITY_POINTS},
        np.zeros(1), np.ones(1), np.zeros(1), np.zeros(1), None)
    assert pill_mass[0, 0] == share  # scale 1, at the observation
    gross = potency.gross_per_pure(np.array([[purity]]), pill_mass, year)
    assert gross[0, 0] * pure_kg / LB == pytest.approx(21_936, rel=1e-9)


# --------------------------------------------------------------------------------------
# d. Potency: observed inputs, then random walks keyed by (seed, member)
# --------------------------------------------------------------------------------------


def _lethal_share(p, shocks=None):
    purity, pill, mass = potency.observed_inputs(
        YEAR, {name: p[name] for name, _ in potency.PURITY_POINTS},
        p["lethal_pill_share_logit_error"], p["pill_mass_share_scale"],
        p["purity_volatility_per_sqrt_year"], p["lethal_share_volatility_per_sqrt_year"], shocks)
    return potency.lethal_dose_share(purity, pill, mass, p["powder_lethal_purity"],
                                     p["dose_dispersion"])


def test_d_the_lethal_dose_share_fell_from_2023_to_2024_for_every_prior_member(net, status_quo):
    p = full_draws(1000, seed=5)
    share = _lethal_share(p)
    years = calendar(MONTHS)
    assert (share[:, years == 2024].mean(1) < share[:, years == 2023].mean(1)).all()
    assert ((share > 0) & (share < 1)).all()
    # the engine records the same series
    few = {k: v[:3] for k, v in p.items()}
    out = engine.run(net, status_quo, few, arc_detail=False)
    np.testing.assert_allclose(out["lethal_dose_share"], share[:3], rtol=1e-12)


def test_d_potency_is_flat_after_2024_without_shocks_and_walks_with_them(net, status_quo):
    members = np.array([0, 1, 2, 3])
    p = full_draws(members, seed=8)
    flat = engine.run(net, status_quo, p, arc_detail=False)
    last = month("2024-07")  # the last observation is at 2024.5
    assert (flat["lethal_dose_share"][:, last:] == flat["lethal_dose_share"][:, [last]]).all()
    runs = {}
    for seed in (1, 2):
        shocks = potency.post_window_shocks(members, seed, MONTHS, YEAR)
        assert shocks.shape == (4, 2, len(MONTHS))
        assert (shocks[:, :, :T2025] == 0.0).all() and (shocks[:, :, T2025:] != 0.0).all()
        runs[seed] = engine.run(net, status_quo, p, arc_detail=False, shocks=shocks)
        walked = runs[seed]["lethal_dose_share"]
        assert (np.ptp(walked[:, T2025:], axis=1) > 0.01).all()
        np.testing.assert_allclose(walked, _lethal_share(p, shocks), rtol=1e-12)
    # history through 2024 does not depend on the seed (nor on there being shocks) ...
    for key in flat:
        np.testing.assert_array_equal(runs[1][key][:, :T2025], flat[key][:, :T2025], key)
        np.testing.assert_array_equal(runs[2][key][:, :T2025], flat[key][:, :T2025], key)
    # ... the future does
    after = (slice(None), slice(T2025 + 1, None))
    assert (runs[1]["lethal_dose_share"][after] != runs[2]["lethal_dose_share"][after]).any(1).all()
    assert (runs[1]["overdose_deaths"][after] != runs[2]["overdose_deaths"][after]).any(1).all()
    # member i's path depends only on (seed, i): subsets reproduce exactly
    rows = [3, 1]
    sub = potency.post_window_shocks(members[rows], 1, MONTHS, YEAR)
    np.testing.assert_array_equal(sub, potency.post_window_shocks(members, 1, MONTHS, YEAR)[rows])
    part = engine.run(net, status_quo, {k: v[rows] for k, v in p.items()}, arc_detail=False,
                      shocks=sub)
    for key in ("lethal_dose_share", "overdose_deaths", "consumption_kg"):
        np.testing.assert_array_equal(part[key], runs[1][key][rows], key)
    # and the reference walks the same paths
    ref = simulate_reference(net, status_quo, p, members=[2],
                             shocks=potency.post_window_shocks(members, 2, MONTHS, YEAR))
    np.testing.assert_allclose(ref["lethal_dose_share"], runs[2]["lethal_dose_share"][[2]],
                               rtol=1e-9)
    np.testing.assert_allclose(ref["overdose_deaths"], runs[2]["overdose_deaths"][[2]],
                               rtol=1e-9)


# --------------------------------------------------------------------------------------
# e. Naloxone
# --------------------------------------------------------------------------------------


def test_e_naloxone_reverses_at_most_the_bystander_share(net, status_quo, draws):
    rows = {k: v[:4] for k, v in draws.items()}
    b = rows["naloxone_bystander_share"][:, None]
    most = build(scenario_from_dict({"name": "most", "schema": 2, "levers": [
        {"lever": "naloxone_distribution", "start": "2025-01", "intensity": 1e8}]}), net)
    kits = status_quo.naloxone_kits.copy()
    kits[T2025:] = 1e12  # beyond any lever's range: every kit anyone could want
    flood = dataclasses.replace(status_quo, naloxone_kits=kits)
    for drivers in (status_quo, most, flood):
        out = engine.run(net, drivers, rows, arc_detail=False)
        assert (out["naloxone_reversal_share"] <= b).all()
    # so many kits reach every overdose a bystander can act on, and no more
    np.testing.assert_allclose(out["naloxone_reversal_share"][:, T2025:],
                               np.broadcast_to(b, (4, len(MONTHS) - T2025)), rtol=1e-12)


def test_e_over_the_counter_sales_raise_kits_from_september_2023(net, status_quo, draws):
    rows = {k: v[:3] for k, v in draws.items()}
    otc = status_quo.history[:, HISTORY_OTC]
    sept = month("2023-09")
    assert otc[sept - 1] == 0.0 and otc[sept] == pytest.approx(24 / 30)
    kits = overdose.naloxone_kits(YEAR, otc, status_quo.naloxone_kits,
                                  rows["naloxone_kits_per_rx"], rows["naloxone_otc_gain"])
    # retail prescriptions are flat after 2022.5 (1,675,474 a year): kits step up by the
    # OTC gain, pro rata in September 2023
    rx = 1_675_474.0 * rows["naloxone_kits_per_rx"]
    np.testing.assert_allclose(kits[:, sept - 1], rx, rtol=1e-12)
    np.testing.assert_allclose(kits[:, sept], rx * (1 + rows["naloxone_otc_gain"] * 24 / 30),
                               rtol=1e-12)
    np.testing.assert_allclose(kits[:, -1], rx * (1 + rows["naloxone_otc_gain"]), rtol=1e-12)
    # and in the model: reversals rise from that month, and only from it
    with_otc = engine.run(net, status_quo, rows, arc_detail=False)
    without = engine.run(net, status_quo, {**rows, "naloxone_otc_gain": np.zeros(3)},
                         arc_detail=False)
    a, a0 = with_otc["naloxone_reversal_share"], without["naloxone_reversal_share"]
    np.testing.assert_array_equal(a[:, :sept], a0[:, :sept])
    assert (a[:, sept:] > a0[:, sept:]).all()
    assert (with_otc["overdose_deaths"][:, sept:].sum(1)
            < without["overdose_deaths"][:, sept:].sum(1)).all()


# --------------------------------------------------------------------------------------
# f. Population: depletion of the high-risk group
# --------------------------------------------------------------------------------------


def test_f_the_hazard_surge_depletes_the_high_risk_group(net, status_quo, draws):
    out = engine.run(net, status_quo, draws, arc_detail=False)
    validate_run(out, net=net, months=status_quo.months)  # people conserved, among others
    oud = out["population"][:, :, 2] + out["population"][:, :, 3]
    high = out["population"][:, :, 2] / oud
    s_H = draws["high_risk_share"]
    assert (draws["high_risk_ratio"] > 1).all()
    before, after = high[:, month("2018-12")], high[:, month("2022-12")]
    # everyone entering use disorder is high-risk with probability s_H; the high-risk die
    # faster, so their share falls below s_H, and further through the 2019-2022 surge
    assert (after < before).all() and (before < s_H).all()
    deaths = lambda y: out["overdose_deaths"][:, calendar(MONTHS) == y].sum(1)  # noqa: E731
    assert (deaths(2022) > 1.3 * deaths(2018)).all()  # the surge
    # with equal risk (ratio 1) nobody is depleted: the share stays at s_H
    even = engine.run(net, status_quo, {**draws, "high_risk_ratio": np.ones(len(s_H))},
                      arc_detail=False)
    pop = even["population"]
    np.testing.assert_allclose(pop[:, :, 2] / (pop[:, :, 2] + pop[:, :, 3]),
                               np.broadcast_to(s_H[:, None], high.shape), rtol=1e-9)


# --------------------------------------------------------------------------------------
# g. explain: the contributions and the residual add up to the change
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def explain_setup(net):
    scen = load_scenario("status_quo")
    return lambda months: build(scen, net, months)


def _member(params, i):
    return {k: v[[i]] for k, v in params.items()}


def test_g_contributions_and_residual_add_up_member_by_member(net, explain_setup):
    params = full_draws(4, seed=12)
    for i in range(4):
        doc = attribute(net, explain_setup, _member(params, i), 2024)
        # one member: every summary is that member's value
        total = sum(doc["mechanisms"][m]["median"] for m in MECHANISMS)
        assert total + doc["residual"]["median"] == pytest.approx(doc["change"]["median"],
                                                                  rel=1e-9, abs=1e-9)
        change = doc["simulated"]["2024"]["median"] - doc["simulated"]["2023"]["median"]
        assert doc["change"]["median"] == pytest.approx(change, rel=1e-12)
        # the DEA inputs fell from 2023 to 2024: potency explains fewer deaths
        assert doc["mechanisms"]["potency"]["median"] < 0.0


def test_g_naloxone_explains_nothing_without_over_the_counter_sales(net, explain_setup):
    # retail prescriptions are flat after mid-2022, so without the OTC gain the
    # naloxone term of 2024 equals its 2023 mean
    params = full_draws(2, seed=13, overrides={"naloxone_otc_gain": 0.0})
    doc = attribute(net, explain_setup, params, 2024)
    naloxone = doc["mechanisms"]["naloxone"]
    # (to rounding: the held term is a mean of twelve equal monthly values)
    assert (naloxone["median"], naloxone["p05"], naloxone["p95"]) == pytest.approx(
        (0.0, 0.0, 0.0), abs=1e-6)
    with_otc = attribute(net, explain_setup,
                         full_draws(2, seed=13, overrides={"naloxone_otc_gain": 0.5}),
                         2024)["mechanisms"]["naloxone"]
    assert with_otc["p95"] < 0.0  # OTC sales from 2023-09 reverse more in 2024


def test_g_api_explain_document():
    doc = borderflow.explain(year=2024, members=12, seed=3, parameters="prior")
    assert doc["year"] == 2024 and doc["outcome"] == "overdose_deaths" and doc["members"] == 12
    assert set(doc["mechanisms"]) == set(MECHANISMS)
    for entry in (*doc["mechanisms"].values(), doc["residual"], doc["change"]):
        assert entry["p05"] <= entry["median"] <= entry["p95"]
    assert doc["mechanisms"]["potency"]["p95"] < 0.0
    assert doc["observed"] == {"2023": 72776.0, "2024": 47735.0, "change": -25041.0}
    with pytest.raises(ParameterError, match=r"year must be in \[2014, 2024\]"):
        borderflow.explain(year=2025, members=2, parameters="prior")

