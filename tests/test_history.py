"""History sanity with prior draws: catches unit errors (kg vs lb, pure vs gross)."""

import numpy as np
import pytest

from borderflow import data, simulate
from borderflow.results import fiscal_year_totals


@pytest.fixture(scope="module")
def status_quo_prior():
    return simulate("status_quo", members=200, seed=0, parameters="prior", arc_detail=False)


@pytest.mark.parametrize("fiscal_year", [2021, 2022, 2023, 2024])
def test_cbp_fentanyl_seizures_within_factor_four(status_quo_prior, fiscal_year):
    # Seizures are the model's known miss: CBP's rose tenfold FY2019-FY2023 while its
    # national take-off saturates by 2019 (the regional take-off is issue 11), so FY2023's
    # prior median is ~3x low. A factor 4 still catches a pure-for-gross error (~11x:
    # 10.9 gross lb per pure lb in 2023, DEA pills and powder by mass).
    cited = data.cbp_fentanyl_seizures_lb()[fiscal_year]
    simulated = fiscal_year_totals(status_quo_prior["seizures_lb"]).sel(fiscal_year=fiscal_year)
    median = float(simulated.median("member"))
    assert cited / 4 <= median <= cited * 4, (fiscal_year, median, cited)


def test_fiscal_year_totals_are_october_to_september(status_quo_prior):
    monthly = status_quo_prior["seizures_lb"].isel(member=0)
    fy = fiscal_year_totals(monthly)
    by_hand = float(monthly.sel(month=slice("2020-10", "2021-09")).sum())
    assert float(fy.sel(fiscal_year=2021)) == pytest.approx(by_hand, rel=1e-12)
    assert int(fy["fiscal_year"].min()) == 2011  # FY2010 is incomplete (starts 2009-10)
    assert int(fy["fiscal_year"].max()) == 2035


def test_share_seized_at_ports_of_entry_is_plausible(status_quo_prior):
    window = status_quo_prior.sel(month=slice("2018-10", "2023-09"))
    share = window["seizures_lb_ports_of_entry"].sum("month") / window["seizures_lb"].sum("month")
    # CBP: 83-92 % of fentanyl weight seized at ports of entry, FY2019-FY2023
    assert 0.6 < float(np.median(share)) < 0.99


@pytest.mark.parametrize("year", [2019, 2020, 2021, 2022, 2023, 2024])
def test_synthetic_opioid_deaths_within_factor_three(status_quo_prior, year):
    cited = data.annual_synthetic_opioid_deaths()[year]
    deaths = status_quo_prior["overdose_deaths"].sel(month=str(year)).sum("month")
    median = float(deaths.median("member"))
    assert cited / 3 <= median <= cited * 3, (year, median, cited)


@pytest.mark.parametrize("fiscal_year", [2019, 2020, 2021, 2022, 2023, 2024])
def test_southwest_encounters_within_factor_three(status_quo_prior, fiscal_year):
    frame = data.load("cbp_southwest_encounters_fy").set_index("fiscal_year")
    cited = frame.loc[fiscal_year, "border_patrol"] + frame.loc[fiscal_year, "ports_of_entry"]
    simulated = fiscal_year_totals(status_quo_prior["encounters"]).sel(fiscal_year=fiscal_year)
    median = float(simulated.median("member"))
    assert cited / 3 <= median <= cited * 3, (fiscal_year, median, cited)
