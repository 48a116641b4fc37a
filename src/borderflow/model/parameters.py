"""Every model parameter in one place: unit, prior, mechanism and source.

Priors come from ``shared/data/parameter_anchors.csv`` (copied into the package as the
``parameter_anchors`` series) and the literature, or say ``judgement`` with their range;
none is tuned to the series the model is later calibrated against (CDC deaths, CBP
seizures, encounters).

Sampling: member ``i`` of an ensemble with seed ``S`` draws all its parameters from
``numpy.random.default_rng(SeedSequence(S, spawn_key=(i,)))``, so any subset of members
reproduces exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from borderflow.errors import ParameterError

Distribution = Literal["uniform", "loguniform"]


@dataclass(frozen=True)
class Parameter:
    """One model parameter with its prior.

    Attributes:
        name: identifier used in scenario overrides and results.
        unit: physical unit of the value.
        dist: prior family, ``uniform`` or ``loguniform`` on ``[low, high]``.
        low, high: prior range (in ``unit``).
        mechanism: the DESIGN.md mechanism the parameter belongs to.
        source: citation (anchor id in ``parameter_anchors`` where one exists) or
            ``judgement`` with the reasoning behind the range.
        description: what the parameter means.
        bounds: hard limits a scenario override must respect (physical meaning).

    """

    name: str
    unit: str
    dist: Distribution
    low: float
    high: float
    mechanism: str
    source: str
    description: str
    bounds: tuple[float, float] = (0.0, math.inf)

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map uniform(0, 1) draws ``u`` to this prior (inverse CDF)."""
        if self.dist == "uniform":
            return self.low + (self.high - self.low) * u
        return np.exp(math.log(self.low) + (math.log(self.high) - math.log(self.low)) * u)

    @property
    def median(self) -> float:
        """Median of the prior, in ``unit``."""
        return float(self.from_unit(np.array(0.5)))


J = "judgement: "

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "logit_scale_usd_per_kg", "USD/kg (pure)", "loguniform", 1000.0, 8000.0,
        "5 adaptive routing",
        "judgement: dispersion of route choice comparable to one crossing's smuggling "
        "cost (couriers are paid a few thousand USD per kg: anchors "
        "culiacan_vs_us_package, diluted_kg_price_chain)",
        "Scale theta of the recursive logit: cost differences of theta change odds by e.",
        bounds=(1.0, 1e7),
    ),
    Parameter(
        "precursor_value_usd_per_kg", "USD per fentanyl-equivalent kg", "loguniform",
        100.0, 2_000.0, "5 adaptive routing",
        "anchors precursor_price (~USD 500 a kg of precursor, 2023 indictments) and "
        "precursor_cost_per_kg_output (~USD 200 of precursor per kg of fentanyl, a cartel "
        "claim); judgement range for freight and the yield",
        "Replacement value lost per fentanyl-equivalent kg of precursor seized on its way "
        "to the labs.",
        bounds=(0.0, 1e7),
    ),
    Parameter(
        "value_at_risk_usd_per_kg", "USD/kg (pure)", "loguniform", 10_000.0, 50_000.0,
        "5 adaptive routing",
        "anchors mexico_replacement_cost_pure (about USD 10,000 per pure kg in Mexico), "
        "sinaloa_wholesale_kg (USD 35,000 a kilo in Sinaloa, 2020) and "
        "diluted_kg_price_chain (~USD 3,000 a diluted kilo at ~7 % in Mexico, ~43,000 "
        "a pure kg)",
        "Replacement value of a pure kg of fentanyl in Mexico: what traffickers lose per "
        "pure kg seized from the labs up to and across the border.",
    ),
    Parameter(
        "us_value_usd_per_kg", "USD/kg (pure)", "loguniform", 50_000.0, 300_000.0,
        "5 adaptive routing",
        "anchors mexico_replacement_cost_pure (up to about USD 100,000 a pure kg inside "
        "the US) and diluted_kg_price_chain (~USD 9,000-18,000 a diluted kilo at ~7 % in "
        "the southwest and northeast US, ~130,000-260,000 a pure kg)",
        "Replacement value of a pure kg of fentanyl inside the US: what traffickers lose "
        "per pure kg seized after the crossing.",
    ),
    Parameter(
        "risk_learning_months", "months", "uniform", 1.0, 12.0,
        "5 adaptive routing",
        "judgement: traffickers hear of seizures within weeks; 1-12 months",
        "Time constant with which perceived arc risk follows actual seizure rates.",
        bounds=(0.01, 1e4),
    ),
    Parameter(
        "detection_scale", "x nominal", "loguniform", 0.5, 2.0,
        "6 seizures",
        "anchor interdiction_rate_claim: officials believe 5-10 % of southwest-border "
        "fentanyl is caught (weak); judgement factor 2 either way on the network's "
        "nominal detection",
        "Multiplier on every arc's nominal detection probability.",
    ),
    Parameter(
        "synthesis_yield", "fraction", "uniform", 0.40, 0.78,
        "1 mass balance / production",
        "anchors synthesis_yield_gupta_onepot (about 40 %, Gupta et al. 2005) and "
        "synthesis_yield_optimized (73-78 %, Valdez, Leif & Mayer 2014)",
        "Fentanyl made per fentanyl-equivalent kg of precursor (stoichiometric = 1).",
        bounds=(0.01, 1.0),
    ),
    Parameter(
        "lab_rebuild_months", "months", "uniform", 0.5, 6.0,
        "4 lab replacement",
        "anchor lab_replacement_time (GAP: labs are small, cheap and quick to set up or "
        "move); judgement 2 weeks to 6 months",
        "Time constant with which lab capacity relaxes toward its target.",
        bounds=(0.01, 1e4),
    ),
    Parameter(
        "lab_headroom", "fraction", "uniform", 0.0, 0.5,
        "4 lab replacement",
        "judgement: spare capacity labs keep above expected need, 0-50 %",
        "Target capacity as a multiple (1 + headroom) of the production needed.",
        bounds=(0.0, 10.0),
    ),
    Parameter(
        "precursor_holding_months", "months", "uniform", 0.5, 3.0,
        "1 mass balance / production",
        "judgement: labs hold a few weeks to a few months of precursor",
        "Precursor stock a lab region can hold, in months of its available capacity.",
    ),
    Parameter(
        "substitution_share", "fraction", "uniform", 0.8, 1.0,
        "2 source substitution",
        "anchors meth_precursor_shock_price_recovery_time (the 1995 control tripled the "
        "price, which returned within 4 months), meth_precursor_shock_other_recovery_time "
        "(purity and admissions near their old levels within 18 months; Dobkin & Nicosia, "
        "AER 2009), the ephedrine and pseudoephedrine regulations' transient effects "
        "(Cunningham & Liu 2003) and fentanyl's own shifts NPP/ANPP -> 4-AP -> 1-boc-4-AP "
        "after the 2017, 2019 and 2022-24 listings: near-complete replacement",
        "Share of a blocked precursor supply that substitutes replace in the long run.",
        bounds=(0.0, 1.0),
    ),
    Parameter(
        "substitution_cost_usd_per_kg", "USD per fentanyl-equivalent kg", "loguniform",
        50.0, 1_000.0, "2 source substitution",
        "judgement: new suppliers and unscheduled pre-precursors needing extra synthesis "
        "steps cost of the order of the precursor itself (anchors precursor_price, ~USD "
        "500 a kg, and precursor_cost_per_kg_output, ~USD 200 a kg of fentanyl)",
        "Extra cost per kg of supply shipped by substitutes (enters the import cost).",
        bounds=(0.0, 1e7),
    ),
    Parameter(
        "substitution_months", "months", "uniform", 3.0, 18.0,
        "2 source substitution",
        "judgement: replacement within a season to a year and a half (recovery times "
        "after methamphetamine precursor regulations, Cunningham & Liu 2003-2005, were "
        "months)",
        "Time constant with which substitute supply builds up.",
        bounds=(0.01, 1e4),
    ),
    Parameter(
        "china_scheduling_cost_usd_per_kg", "USD/kg (pure)", "loguniform", 5_000.0, 50_000.0,
        "2 source substitution",
        "judgement: China's class-wide scheduling (May 2019, policy_calendar) ended most "
        "finished fentanyl shipped from China by mail; modelled as a cost added to "
        "finished-fentanyl routes large enough to close most of them",
        "Cost added per pure kg to finished-fentanyl routes from May 2019 on.",
    ),
    Parameter(
        "powder_purity_2018", "fraction", "uniform", 0.04, 0.08,
        "8 exposure and deaths",
        "DEA 2019 NDTA (FSPP): 5.3 % in 2018 (dea_fentanyl_lab_testing; anchor "
        "powder_purity_2018_fspp) for all exhibits; southwest-border bulk exhibits tested "
        "'on average at less than ten percent pure' (anchor swb_bulk_purity_pre2020); "
        "the range is the observation's uncertainty (judgement)",
        "Mean purity of fentanyl powder, calendar 2018 (an observed input).",
        bounds=(1e-4, 1.0),
    ),
    Parameter(
        "powder_purity_2022", "fraction", "uniform", 0.15, 0.24,
        "8 exposure and deaths",
        "DEA 2024 NDTA: 19.2 % in 2022 (dea_fentanyl_lab_testing; anchor powder_purity_2022); "
        "range as for 2018",
        "Mean purity of fentanyl powder, calendar 2022 (an observed input).",
        bounds=(1e-4, 1.0),
    ),
    Parameter(
        "powder_purity_2023", "fraction", "uniform", 0.15, 0.24,
        "8 exposure and deaths",
        "DEA release of Dec 2025 giving the FY2023 value, 19.5 % (dea_fentanyl_lab_testing; "
        "an in-window observation); range as for 2022",
        "Mean purity of fentanyl powder, FY2023 (an observed input).",
        bounds=(1e-4, 1.0),
    ),
    Parameter(
        "powder_purity_2024", "fraction", "uniform", 0.085, 0.14,
        "8 exposure and deaths",
        "DEA 2025 NDTA via Filter: 11.36 % in 2024 (dea_fentanyl_lab_testing); range of the "
        "same relative width as 2022's",
        "Mean purity of fentanyl powder, calendar 2024 (an observed input).",
        bounds=(1e-4, 1.0),
    ),
    Parameter(
        "lethal_pill_share_logit_error", "logit", "uniform", -0.4, 0.4,
        "8 exposure and deaths",
        J + "measurement error of the DEA share of pills with >= 2 mg on the logit scale: "
        "the FPP's 44 % and DEA's '4 in 10' for 2021, and FY2023's 76 % against calendar "
        "2023's 70 %, differ by 0.15-0.3 (dea_fentanyl_lab_testing)",
        "Error of the DEA lethal-pill-share series, added to its logit.",
        bounds=(-5.0, 5.0),
    ),
    Parameter(
        "pill_mass_share_scale", "x derived", "loguniform", 0.6, 1.6,
        "6 seizures",
        J + "the pill share of pure mass is derived from pills x mg per pill against powder "
        "weight x purity (fentanyl_seizures_pills_and_powder: 2018 and 2021 all-agency, "
        "2022-24 DEA only; pill weight ~100 mg unverified): factor 1.6 either way",
        "Multiplier on the derived share of pure fentanyl that is in pills.",
        bounds=(0.0, 10.0),
    ),
    Parameter(
        "purity_volatility_per_sqrt_year", "ln units/sqrt(yr)", "uniform", 0.1, 0.4,
        "8 exposure and deaths",
        J + "after 2024 log powder purity follows a random walk; the record's annual log "
        "changes were +0.32/yr (2018-22), +0.02 (2022-23), -0.54 (2023-24)",
        "Volatility of log powder purity after the data window.",
        bounds=(0.0, 5.0),
    ),
    Parameter(
        "lethal_share_volatility_per_sqrt_year", "logit/sqrt(yr)", "uniform", 0.2, 0.8,
        "8 exposure and deaths",
        J + "after 2024 the logit of the lethal pill share follows a random walk; the "
        "record's annual logit changes were +0.4 to +0.7 (2017-23) and -0.85 (2023-24)",
        "Volatility of the logit lethal pill share after the data window.",
        bounds=(0.0, 5.0),
    ),
    Parameter(
        "powder_lethal_purity", "fraction", "loguniform", 0.05, 0.25,
        "8 exposure and deaths",
        J + "a 0.1 g powder dose holds 2 mg at 2 % purity; tolerant users survive several "
        "times the 2 mg naive lethal dose (context_facts lethal dose), so half of doses "
        "are lethal at a purity of 5-25 %",
        "Powder purity at which half of powder doses exceed a lethal amount.",
        bounds=(1e-4, 1.0),
    ),
    Parameter(
        "dose_dispersion", "ln units", "uniform", 0.6, 1.4,
        "8 exposure and deaths",
        J + "log-sd of fentanyl per dose: tablets at the border held 0.012-6.6 mg (CFSRE "
        "2024) and powder 'almost none to 81.5 %' (DEA 2024 NDTA)",
        "Log-sd of the fentanyl in a powder dose around its mean.",
        bounds=(1e-3, 10.0),
    ),
    Parameter(
        "lethal_share_elasticity", "-", "uniform", 0.25, 1.25,
        "8 exposure and deaths",
        J + "fatal hazard proportional to the lethal-dose share (1); much less if users "
        "titrate to the strength they expect, so that only the unexpected part kills "
        "(0.25); somewhat more if a lethal supply also raises use (1.25)",
        "Elasticity of the fatal overdose hazard with respect to the lethal-dose share.",
        bounds=(0.0, 5.0),
    ),
    Parameter(
        "mail_purity", "fraction", "uniform", 0.50, 0.95,
        "6 seizures",
        "anchor swb_bulk_purity_pre2020: >90 % purity for China mail parcels (DEA NDTA)",
        "Purity of finished fentanyl in international mail.",
        bounds=(1e-4, 1.0),
    ),
)

M7, M8, M9, M10, M11 = ("7 risks and prices", "8 exposure and deaths",
                         "9 migration and border capacity", "10 guns south",
                         "11 cooperation and trade")
COST = "costs"

SYSTEM_PARAMETERS: tuple[Parameter, ...] = (
    # 7 risks, prices, demand
    Parameter("consumption_g_per_user_month", "g (pure) per user-month", "uniform", 0.1, 0.4, M7,
       "anchors dea_avg_mg_per_pill (2.4 mg a pill) and daily_fentanyl_dose_per_user (gap; "
       "heavy users take many pills a day): 3-13 mg a day; the Kilmer et al. 2022 bound "
       "(<10 t a year) is a calibration constraint, not used here",
       "Pure fentanyl-equivalent opioids a person with OUD takes in a month at reference "
       "prices (their need; heroin counted at its fentanyl equivalent).", (1e-4, 10.0)),
    Parameter("import_cost_share", "fraction of wholesale price", "uniform", 0.05, 0.4, M7,
       "anchor import_smuggling_share_of_retail (~1-10 % of retail, Reuter & Kleiman 1986, "
       "unverified) over the wholesale share of retail (0.15-0.5, below): 5-40 % of the "
       "wholesale price",
       "Share of the wholesale price per gross gram that moves with import costs "
       "(smuggling and seizure losses).", (0.0, 1.0)),
    Parameter("retail_price_usd_per_pure_gram", "USD per pure g", "loguniform", 300.0, 3000.0, M7,
       "anchor retail_price_per_pill: $1-10 a pill with ~2.4 mg (dea_avg_mg_per_pill) is "
       "~$400-4,000 per pure gram",
       "Retail price of a pure gram at the reference purity (19.2 %), month-0 import "
       "costs and a usual stock.", (1.0, 1e6)),
    Parameter("wholesale_share_of_retail", "fraction", "uniform", 0.15, 0.5, M7,
       "anchors cocaine_midlevel_oz_price_pure_kg_LA and cocaine_retail_price_pure_kg_US "
       "(27,000 vs 122,000 USD per pure kg, 22 %, Prime Numbers 2009) and "
       "us_heroin_wholesale_retail_margin_2007 ($60 of $131 retail, wholesale ~54 %)",
       "Wholesale price's share of the retail price at reference; the rest is an additive "
       "retail margin per pure gram (Caulkins & Reuter: markups are mostly additive).",
       (0.0, 1.0)),
    Parameter("stock_holding_months", "months", "uniform", 1.0, 4.0, M7,
       J + "wholesalers hold one to four months of sales (no fentanyl estimate; a "
       "shock reaches retail within months: meth_precursor_shock_price_recovery_time, "
       "the price tripled and recovered within 4 months)",
       "Usual wholesale stock, in months of demand at reference prices.", (0.05, 100.0)),
    Parameter("inventory_price_elasticity", "-", "uniform", 0.5, 1.5, M7,
       J + "informed by anchor meth_precursor_shock_price_multiplier (price x3 when the "
       "1995 precursor control cut supply; Dobkin & Nicosia 2009)",
       "Elasticity of the wholesale price with respect to the stock's cover (shortage "
       "raises it, glut lowers it).", (0.0, 10.0)),
    Parameter("price_elasticity", "-", "uniform", -1.2, -0.2, M7,
       "anchors heroin_price_elasticity_consensus_oas (-0.3), "
       "heroin_price_elasticity_saffer_chaloupka (-0.94), "
       "illicit_drug_price_elasticity_review_average (-0.9), "
       "heroin_price_elasticity_nondealing_users_oslo (-1.23), "
       "heroin_price_elasticity_caulkins_1995 (-1.5)",
       "Elasticity of opioid purchases with respect to their retail price.", (-5.0, 0.0)),
    Parameter("heroin_supply_scale", "x need", "uniform", 0.8, 1.2, M7,
       J + "before fentanyl the heroin market met its users' need within +-20 %; its "
       "supply declines as suppliers switch to fentanyl (1 - f) and does not grow when "
       "fentanyl is cut",
       "Heroin supply at a fentanyl share of 0, in units of the users' need.",
       (0.0, 1e9)),
    Parameter("misuse_use_weight", "x OUD use", "uniform", 0.1, 0.5, M7,
       J + "people who misuse without a use disorder use 10-50 % as much",
       "Consumption (and overdose exposure) of misuse relative to OUD.", (0.0, 1.0)),
    Parameter("fentanyl_share_2010", "fraction", "loguniform", 0.002, 0.02, M7,
       J + "fentanyl was a trace of the illicit opioid supply before the supplier-driven "
       "take-off from ~2013 (Pardo et al., RAND 2019)",
       "Fentanyl's share of the illicit opioid supply in January 2010.", (1e-6, 1.0)),
    Parameter("diffusion_rate_per_year", "1/year", "uniform", 0.5, 1.5, M7,
       J + "suppliers switched most markets within a few years (RAND 2019)",
       "Logistic rate at which fentanyl displaces heroin at baseline import costs."),
    Parameter("diffusion_cost_elasticity", "-", "uniform", 0.0, 2.0, M7,
       J + "higher import costs slow the switch from heroin",
       "Exponent of (baseline import cost / import cost) on the diffusion rate."),
    # 8 population and deaths
    Parameter("initiation_rate_per_year", "1/year", "loguniform", 3e-4, 2e-3, M8,
       J + "a few hundred thousand people a year start illicit opioid use (of ~260 M aged "
       "12+); Chen et al. 2019 model structure",
       "Rate at which people with no use start misusing illicit opioids.", (0.0, 1.0)),
    Parameter("prescription_transition_per_year", "persons/year", "uniform", 60e3, 250e3, M8,
       "anchors chen2019_exit_rates (prescription OUD -> illicit 0.071 a year) and "
       "nsduh_oud_2016 (1.8 M with a prescription pain-reliever use disorder): ~130,000 a "
       "year; judgement range for NSDUH's undercount (nsduh_undercount_multiplier) and the "
       "fall in prescribing",
       "People moving from prescription-opioid use disorder into the illicit market, "
       "2012 and before."),
    Parameter("prescription_transition_decline_per_year", "1/year", "uniform", 0.0, 0.15,
       M8, J + "opioid prescribing fell after its 2012 peak and prescription-opioid use "
       "disorder with it; the flow into the illicit market declines by 0-15 % a year "
       "from 2012",
       "Exponential decline of the prescription-to-illicit flow from 2012."),
    Parameter("progression_rate_per_year", "1/year", "uniform", 0.04, 0.10, M8,
       "anchor chen2019_exit_rates (nonmedical->OUD 0.06, OUD->illicit 0.071 a year)",
       "Rate from misuse to opioid use disorder."),
    Parameter("misuse_exit_rate_per_year", "1/year", "uniform", 0.2, 0.45, M8,
       "anchor chen2019_exit_rates (illicit-user exit 0.319 a year)",
       "Rate at which people who misuse stop."),
    Parameter("treatment_seeking_rate_per_year", "1/year", "uniform", 0.2, 0.6, M8,
       "derived from incidence: MOUD census 0.4-0.6 M in this population (capacity path; "
       "anchor moud_receipt_2021) x exit rate 1.0-1.6 a year (SOURCE_tx_exit_rates, "
       "bup_retention) / ~2 M with use disorder (heroin_fentanyl_use_disorder_SOURCE)",
       "Rate at which people with OUD seek MOUD (entries are capped by capacity)."),
    Parameter("withdrawal_treatment_seeking", "x per unmet share", "uniform", 0.0, 2.0, M8,
       J + "shortage and withdrawal push people into treatment (up to a tripling at a "
       "complete shortage); 0 allowed because treatment admissions fell after the 1995 "
       "meth precursor shock (meth_precursor_shock_treatment_admissions)",
       "Relative rise of treatment seeking per unit share of unmet opioid need."),
    Parameter("remission_rate_per_year", "1/year", "uniform", 0.05, 0.2, M8,
       "anchors chen2019_exit_rates (OUD exit 0.311 a year, deaths included) and "
       "natural_history_abstinence",
       "Rate of remission without treatment."),
    Parameter("treatment_exit_oud_rate_per_year", "1/year", "uniform", 0.78, 1.37, M8,
       "anchor SOURCE_tx_exit_rates (exit with use disorder: methadone 0.78, "
       "buprenorphine 1.37 a year)",
       "Rate of leaving MOUD with the disorder."),
    Parameter("treatment_exit_remission_rate_per_year", "1/year", "uniform", 0.2, 0.3, M8,
       "anchor SOURCE_tx_exit_rates (exit in remission: methadone 0.221, buprenorphine "
       "0.265 a year)",
       "Rate of leaving MOUD in remission."),
    Parameter("relapse_rate_per_year", "1/year", "uniform", 0.4, 0.75, M8,
       "anchor SOURCE_relapse_rate (0.583 a year)",
       "Rate from remission back to use disorder."),
    Parameter("oud_2010", "persons", "uniform", 0.8e6, 1.8e6, M8,
       "anchors chronic_heroin_users_2010 (~1.5 M, RAND 2014) and "
       "heroin_fentanyl_use_disorder_SOURCE (~2.1 M in 2019-2021)",
       "People with illicit-opioid use disorder in January 2010."),
    Parameter("misuse_2010", "persons", "uniform", 0.3e6, 1.0e6, M8,
       "anchor illicit_opioid_users_chen_model (0.93 M using illicit opioids in 2015)",
       "People misusing illicit opioids without a disorder in January 2010."),
    Parameter("remission_2010", "persons", "uniform", 0.2e6, 1.0e6, M8,
       J + "a remission pool comparable to the OUD population",
       "People in remission in January 2010."),
    Parameter("treatment_capacity_scale", "x path", "uniform", 0.6, 1.4, M8,
       "anchors moud_receipt_2021 (~1.3 M received MOUD in 2021, all OUD), "
       "methadone_otp_clients, bup_patients_annual; judgement path 0.2 M (2010) to 0.6 M "
       "(2021) for the illicit-opioid population",
       "Multiplier on the MOUD capacity path for this population."),
    Parameter("fentanyl_death_rate_per_year", "1/year", "uniform", 0.015, 0.06, M8,
       "anchor od_death_rate_illicit_OUD_SOURCE: 0.024-0.030 net of naloxone (2019-21) and "
       "0.037 without naloxone (2021); this hazard is gross of naloxone, at a lethal-dose "
       "share of 0.5 (judgement: 0.4-1.6 times SOURCE's 0.037)",
       "Fatal overdose hazard of a mean person with OUD fully exposed to fentanyl, "
       "before naloxone, when half of doses are lethal."),
    Parameter("heroin_death_rate_per_year", "1/year", "uniform", 0.003, 0.012, M8,
       "anchor chen2019_illicit_od_rate (0.005 a year in 2002, before fentanyl)",
       "Fatal overdose hazard of full heroin use."),
    Parameter("treatment_death_ratio", "x", "uniform", 0.2, 0.5, M8,
       "anchors moud_mortality_methadone_sordo (overdose 2.6 vs 12.7 per 1,000 PY), "
       "moud_mortality_bup_sordo (1.4 vs 4.6), moud_hr_post_overdose",
       "Overdose hazard in MOUD relative to out of treatment.", (0.0, 1.0)),
    Parameter("post_treatment_death_ratio", "x", "uniform", 2.5, 6.0, M8,
       "anchors ost_mortality_weeks1_2_after_stop_uk and ost_mortality_weeks3_4_after_stop_uk "
       "(4.8 and 4.3 per 100 PY vs 0.95 off treatment later and 1.3 off overall; Cornish "
       "et al. 2010), mmt_allcause_rr_first2wk_off_ireland (6.4 vs in treatment; Cousins "
       "et al. 2016), oat_post_cessation_mortality_trend (Sordo et al. 2017)",
       "Overdose hazard in the month after leaving MOUD relative to out of treatment."),
    Parameter("high_risk_share", "fraction", "uniform", 0.1, 0.4, M8,
       J + "people using alone, injecting or newly exposed to fentanyl; SUDORS: 56 % of "
       "IMF decedents had no pulse when responders arrived "
       "(imf_deaths_no_pulse_when_first_responders_arrived)",
       "Share of people entering use disorder who are at high overdose risk."),
    Parameter("high_risk_ratio", "x", "uniform", 2.0, 6.0, M8,
       J + "overdose mortality varies several-fold across people who use opioids "
       "(frailty; Vaupel, Manton & Stallard 1979 for the depletion it causes)",
       "Fatal hazard of the high-risk group relative to the others.", (1.0, 100.0)),
    Parameter("naloxone_kits_per_rx", "kits per retail Rx", "uniform", 1.5, 3.0, M8,
       "anchor naloxone_kits_and_deaths_averted_SOURCE (1.93 M kits in 2019, 2.57 M in "
       "2021) over naloxone_distribution's retail prescriptions (0.90 M in 2019, ~1.4 M "
       "in 2021): 2.1 and 1.8",
       "All naloxone kits distributed per retail prescription dispensed."),
    Parameter("naloxone_otc_gain", "fraction", "uniform", 0.1, 0.6, M8,
       J + "over-the-counter Narcan from September 2023 (policy_calendar): Emergent's 20-22 M "
       "doses in 2023 (US and Canada) against ~17 M distributed in 2021 (naloxone_"
       "distribution; narcan_doses_distributed_us_canada_2023) is +20-30 %",
       "Relative rise in kits distributed once naloxone is sold over the counter."),
    Parameter("naloxone_bystander_share", "fraction", "uniform", 0.25, 0.5, M8,
       "anchors sudors_bystander_present_share_opioid_deaths (44 %, 11 states), "
       "ri_bystander_present_share_all_od_deaths (48.7 %), "
       "tn_potential_bystander_present_share (24.8 %) (SUDORS)",
       "Share of otherwise fatal overdoses with a bystander able to act (naloxone's cap)."),
    Parameter("naloxone_half_kits", "kits per year", "loguniform", 3e6, 3e7, M8,
       "anchors naloxone_kits_and_deaths_averted_SOURCE (2.57 M kits averted ~12 % of "
       "deaths in 2021: 4-10 M kits at the bystander cap's range) and "
       "naloxone_kits_per_death_averted (227 kits a death, Coffin & Sullivan 2013)",
       "Kits a year at which 63 % of the bystander-reachable overdoses are reversed."),
    Parameter("disruption_hazard_increase", "x per disrupted share", "uniform", 0.0, 1.5, M8,
       "anchor seizure_fatal_od_obs_to_expected_7d_500m (fatal overdoses doubled within 7 "
       "days and 500 m of seizures, Ray et al. AJPH 2023); judgement for the national "
       "scale, 0 to 1.5 times a full disruption",
       "Relative rise of the fatal hazard per unit share by which sales fall below their "
       "recent level (users buying unfamiliar supply)."),
    Parameter("disruption_months", "months", "uniform", 1.0, 3.0, M8,
       J + "Ray et al.'s spikes cluster within 7-21 days (seizure_od_clustering_windows); "
       "recent sales remembered over one to three months",
       "Time over which recent sales are averaged for the disruption term.", (0.01, 100.0)),
    Parameter("covid_hazard_increase", "fraction", "uniform", 0.1, 0.5, M8,
       J + "isolation and disrupted services raised overdose fatality from March 2020 "
       "(DESIGN.md; policy_calendar COVID-19 period)",
       "Relative rise of the fatal overdose hazard at the start of the COVID-19 period."),
    Parameter("covid_adaptation_months", "months", "uniform", 6.0, 36.0, M8,
       J + "services and people adapted (take-home methadone and telehealth buprenorphine "
       "flexibilities from March 2020), so the excess hazard fades; 6-36 months",
       "Time constant with which the COVID-19 excess hazard fades inside the period.",
       (0.01, 1e4)),
    # 9 migration and border capacity
    Parameter("encounters_mexico_2015", "encounters/month", "loguniform", 10e3, 40e3, M9,
       J + "mid-2010s level, a factor of 2 either way", "Push index level, Mexico."),
    Parameter("encounters_nca_2015", "encounters/month", "loguniform", 8e3, 40e3, M9,
       J + "mid-2010s level, wide", "Push index level, northern Central America."),
    Parameter("encounters_other_2015", "encounters/month", "loguniform", 1e3, 10e3, M9,
       J + "mid-2010s level, wide", "Push index level, other nationalities."),
    Parameter("push_trend_mexico", "1/year", "uniform", -0.1, 0.1, M9, J + "flat, +-10 %/yr",
       "Exponential trend of the Mexican push index.", (-2.0, 2.0)),
    Parameter("push_trend_nca", "1/year", "uniform", 0.0, 0.25, M9,
       J + "violence and poverty in Guatemala, Honduras, El Salvador",
       "Exponential trend of the northern Central American push index.", (-2.0, 2.0)),
    Parameter("push_trend_other", "1/year", "uniform", 0.1, 0.5, M9,
       J + "rising extra-continental migration (Venezuela, Cuba, Haiti, ...)",
       "Exponential trend of the other-nationalities push index.", (-2.0, 2.0)),
    Parameter("enc_southern_border_program", "x", "uniform", 0.6, 1.0, M9,
       J + "Mexico's 2014 Southern Border Program (policy_calendar)",
       "Encounter multiplier while the event lasts."),
    Parameter("enc_enforcement_2017", "x", "uniform", 0.6, 1.0, M9,
       J + "executive order 13767 (policy_calendar)", "Encounter multiplier, 2017-2021."),
    Parameter("enc_mpp", "x", "uniform", 0.6, 1.0, M9,
       J + "Migrant Protection Protocols (policy_calendar)", "Encounter multiplier, MPP."),
    Parameter("enc_joint_declaration", "x", "uniform", 0.6, 1.0, M9,
       J + "US-Mexico joint declaration, National Guard deployment (policy_calendar)",
       "Encounter multiplier after June 2019."),
    Parameter("enc_title42", "x", "uniform", 1.0, 2.5, M9,
       "anchor title42_share_fy2021 (62 % expelled): expulsions without consequence "
       "inflated repeat crossings", "Encounter multiplier under Title 42."),
    Parameter("enc_border_restrictions", "x", "uniform", 0.3, 1.0, M9,
       J + "land-border travel restrictions, 2020-2021 (policy_calendar)",
       "Encounter multiplier during the restrictions."),
    Parameter("enc_administration_2021", "x", "uniform", 1.0, 3.0, M9,
       J + "2021 change of administration (policy_calendar)",
       "Encounter multiplier from January 2021."),
    Parameter("enc_parole_cbp_one", "x", "uniform", 0.6, 1.2, M9,
       J + "parole processes and CBP One appointments from January 2023",
       "Encounter multiplier from January 2023."),
    Parameter("enc_asylum_rule_2023", "x", "uniform", 0.5, 1.0, M9,
       J + "Circumvention of Lawful Pathways rule (policy_calendar)",
       "Encounter multiplier from May 2023."),
    Parameter("enc_asylum_proclamation_2024", "x", "uniform", 0.3, 1.0, M9,
       J + "Proclamation 10773 and the DHS/DOJ rule restrict asylum while encounters "
       "average 2,500 a day or more (policy_calendar, 2024-06-05); between no effect and "
       "the Title 42 closure's size",
       "Encounter multiplier from June 2024."),
    Parameter("deferral_share", "fraction", "uniform", 0.0, 0.7, M9,
       J + "many deterred migrants wait and try again (MPP returnees and metering "
       "waitlists in Mexican border cities; the surges after the 2017 lull and after "
       "the 2020 border closure); the rest give up",
       "Share of would-be migrants stopped by a deterrent regime who try again later.",
       (0.0, 1.0)),
    Parameter("deferral_months", "months", "uniform", 6.0, 36.0, M9,
       J + "waits in Mexican border cities ran from months to years",
       "Mean wait of a deferred migrant before trying again.", (1.0, 600.0)),
    Parameter("ports_share_title42", "x", "uniform", 0.1, 1.0, M9,
       J + "under Title 42 (March 2020 - May 2023, policy_calendar) asylum seekers could "
       "not present at ports of entry", "Multiplier on the ports share under Title 42."),
    Parameter("ports_share", "fraction", "uniform", 0.12, 0.30, M9,
       J + "a minority of southwest encounters are inadmissibles at ports",
       "Share of encounters at ports of entry before CBP One.", (0.0, 0.9)),
    Parameter("ports_share_cbp_one", "x", "uniform", 1.0, 3.0, M9,
       J + "CBP One appointments moved arrivals to ports from January 2023",
       "Multiplier on the ports share from January 2023."),
    Parameter("processing_hours", "agent-hours per encounter", "uniform", 2.0, 8.0, M9,
       "anchors processing_time_per_family (2-3 h paperwork), title42_processing_time "
       "(96 min), bp_custody_duration (~39 h in custody, care shared)",
       "Border Patrol hours one between-ports encounter takes."),
    Parameter("bp_hours_per_month", "agent-hours/month", "uniform", 1.2e6, 2.4e6, M9,
       "anchors bp_agents_2019_2023 (~19,500 agents) and bp_agents_frontline_share (61 % "
       "on southwest apprehension duty), ~160 h a month",
       "Frontline Border Patrol hours a month at the southwest border."),
    Parameter("port_diversion_threshold", "fraction", "uniform", 0.3, 0.6, M9,
       "anchor agent_diversion_2019 (25-60 % of agents diverted when port officers were "
       "reassigned)", "Border Patrol workload above which port officers are reassigned.",
       (0.0, 0.99)),
    Parameter("port_diversion_max", "fraction", "uniform", 0.02, 0.10, M9,
       "anchors ofo_officer_reassignment (731 of ~25,000 officers, ~3 %) and "
       "poe_closure_for_processing (Lukeville, December 2023)",
       "Largest share of port inspection effort diverted to processing.", (0.0, 1.0)),
    # 10 guns south
    Parameter("guns_south_per_year", "guns/year", "uniform", 135e3, 350e3, M10,
       "anchors guns_south_2022_lower_bound (>135,000), guns_south_per_year_mexgov "
       "(~200,000, GAO-21-322), guns_south_per_year_tbi (~253,000)",
       "Southbound firearms trafficked from the US at status quo."),
    Parameter("gun_homicide_attributable_share", "fraction", "uniform", 0.1, 0.5, M10,
       "anchors gun_supply_effect_dube (~30 % of gun killings near the border in the two "
       "years after the 2004 assault-weapons-ban expiry; Dube, Dube & Garcia-Ponce 2013), "
       "gun_supply_effect_chicoine (>=16.4 % of the 2004-2008 homicide increase) and "
       "us_sourced_share_traced (70 % of traced crime guns US-sourced): judgement 10-50 %",
       "Share of Mexico's firearm homicides attributable to the US-sourced gun stock at "
       "the status quo."),
    Parameter("gun_stock_years", "years", "uniform", 3.0, 15.0, M10,
       J + "guns stay in criminal use for years (seized, lost, worn out); 3-15 years",
       "Mean life of a trafficked gun in the criminal stock.", (0.1, 100.0)),
    Parameter("resilience_gun_elasticity", "-", "uniform", 0.0, 0.5, M10,
       J + "FLAGGED: firepower may make cartels more resilient (faster lab rebuilding); no "
       "estimate exists, hence 0 to 0.5",
       "Exponent linking the gun flow to lab rebuilding speed."),
    # 11 cooperation and trade
    Parameter("cooperation_baseline", "index 0-1", "uniform", 0.5, 0.8, M11,
       J + "working but partial cooperation (anchor merida_to_bicentennial)",
       "Status-quo cooperation index.", (0.01, 1.0)),
    Parameter("cooperation_recovery_months", "months", "uniform", 12.0, 60.0, M11,
       J + "frameworks are rebuilt over years (Merida declared dead July 2021, "
       "Bicentennial Framework October 2021, action plan 2022)",
       "Time constant with which cooperation returns to its target.", (0.1, 1e4)),
    Parameter("strike_cooperation_drop", "index per strike", "uniform", 0.05, 0.3, M11,
       J + "a unilateral strike on Mexican soil is a sovereignty crisis; one strike costs "
       "a tenth to a half of the baseline index (anchor military_action_trade_disruption: "
       "gap)", "Drop in cooperation per US strike.", (0.0, 1.0)),
    Parameter("engagement_gain", "fraction", "uniform", 0.2, 0.8, M11,
       J + "sustained diplomacy closes part of the gap to full cooperation",
       "Share of the gap to full cooperation closed at full engagement.", (0.0, 1.0)),
    Parameter("cooperation_event_shift", "index", "uniform", 0.02, 0.10, M11,
       J + "the dated turns of the record move the cooperation target by a few index "
       "points each, up with the June 2019 Joint Declaration and the October 2021 "
       "Bicentennial Framework, down with the July 2024 arrests in El Paso (Mexico said "
       "it had not been told); policy_calendar, anchor merida_to_bicentennial",
       "Shift of the cooperation target at each dated turn of the relationship.",
       (0.0, 0.5)),
    Parameter("trade_loss_share", "fraction of trade", "uniform", 0.02, 0.3, M11,
       "anchors border_inspection_disruption_2022 (~$1 B of US GDP a day during a nine-day "
       "inspection order), border_slowdown_cost_model and "
       "ofo_reassignment_trade_cost_2019; judgement on the scaling",
       "Share of bilateral trade lost per unit of cooperation lost (relative to baseline)."),
    Parameter("welfare_per_trade_lost", "USD per USD of trade lost", "uniform", 0.1, 1.35,
       M11, "upper: anchor border_slowdown_cost_model (a third of trade cut for three "
       "months, ~$51 B of the ~$1.7 B a day of anchor border_trade_per_day, costs $69 B "
       "of US GDP: 1.35 per USD); lower: judgement, a Harberger welfare triangle is a "
       "small share of the trade lost",
       "US GDP or welfare lost per USD of trade lost when cooperation breaks down.",
       (0.0, 10.0)),
    Parameter("trade_pressure_response", "index per unit tariff", "uniform", -0.5, 1.5, M11,
       J + "June 2019: a 5 % tariff threatened on all Mexican imports (rising to 25 %) "
       "ended ten days later in the Joint Declaration and the National Guard deployment "
       "(policy_calendar), a large move in cooperation for a small rate; a quarter of "
       "the prior is negative: pressure can harden the other side",
       "Move of the cooperation target per unit of tariff rate threatened or applied.",
       (-10.0, 10.0)),
    Parameter("import_demand_elasticity", "-", "uniform", 1.5, 4.0, M11,
       "Fajgelbaum, Goldberg, Kennedy & Khandelwal (QJE 2020) estimate ~2.5 for the "
       "2018 US tariffs; judgement on the range",
       "Elasticity of US imports from Mexico to a tariff: lost share 1 − (1 + τ)^−ε "
       "(welfare cost: the Harberger triangle τ ΔI / 2)."),
    Parameter("border_wait_cost_usd_per_year", "USD/yr per unit of scan rate added",
       "loguniform", 3.6e9, 3.6e10, M11,
       "anchor tx_2022_inspections_us_gdp_loss_per_day ($996 M of US GDP a day while every "
       "commercial vehicle was inspected, April 2022: ~$360 B a year at a scan rate of "
       "1); judgement that drive-through scanning costs 1-10 % of that delay",
       "US GDP lost to border waits per unit of NII scan rate added at every port."),
    # lever effectiveness: what a government quantity does physically
    Parameter("control_effectiveness", "fraction", "uniform", 0.3, 0.9, COST,
       J + "share of the precursor exports covered by new controls that stops: the DEA's "
       "1995 ephedrine control cut supply sharply (anchor meth_precursor_shock_price_"
       "recovery_time; Dobkin & Nicosia 2009), China's May 2019 class control ended most "
       "finished-fentanyl shipments, but indictments of firms abroad reach less",
       "Share of the covered exports that controls stop.", (0.0, 1.0)),
    Parameter("mx_port_inspectors", "persons per port", "loguniform", 100.0, 1000.0, COST,
       J + "customs and naval staff at a major Mexican container port (the Navy took over "
       "ports and customs in 2020)", "Inspectors already at a Mexican port.",
       (1.0, 1e6)),
    Parameter("scan_effectiveness", "effort per unit of scan rate", "loguniform", 5.0, 50.0,
       COST, "anchor nii_seizure_share (about 90 % of NII-linked seizures came from the 2 % "
       "of passenger vehicles and 15 % of trucks scanned, FY2020); judgement on the size: "
       "at a 2 % scan rate NII adds 10-100 % to a port's other inspection",
       "Inspection effort a port gains per unit of passenger-vehicle scan rate.",
       (0.0, 1e4)),
    Parameter("bp_agent_elasticity", "-", "uniform", 0.3, 1.0, COST,
       J + "diminishing returns of agents between ports (1: effort in proportion)",
       "Elasticity of between-ports effort to agents.", (0.0, 2.0)),
    Parameter("raid_active_share", "fraction", "uniform", 0.05, 0.15, COST,
       "anchor number_of_labs: SEDENA's 1,658 raids (December 2018 - August 2023) of "
       "which 89 % hit inactive labs; 24 of ~500 labs active in 2022 (5 %)",
       "Share of raids that find an active lab.", (0.0, 1.0)),
    Parameter("active_labs", "labs", "loguniform", 50.0, 1000.0, COST,
       J + "active fentanyl labs in Mexico: a few tonnes a year at ~2 kg a batch (anchor "
       "lab_batch_output), small and easy to conceal (anchor lab_replacement_time); "
       "SEDENA counted ~500 labs in 2022 (anchor number_of_labs)",
       "Active fentanyl labs sharing Mexico's capacity.", (1.0, 1e6)),
    Parameter("strike_labs_reached", "active labs per strike", "loguniform", 0.5, 5.0, COST,
       J + "a strike hits one site or a few; most sites raided are inactive (anchor "
       "number_of_labs, 89 %) and labs are small and easy to conceal (anchor "
       "lab_replacement_time)", "Active labs a strike destroys.", (0.0, 1e4)),
    Parameter("strike_relocation_share", "fraction", "uniform", 0.3, 0.9, COST,
       "anchor lab_replacement_time (labs are set up inexpensively and quickly, torn down "
       "and moved); judgement on the share",
       "Share of the capacity in a struck region that relocates to other regions at once.",
       (0.0, 1.0)),
    Parameter("strike_homicide_increase", "fraction per strike a year", "uniform", 0.0, 0.03,
       COST, J + "crackdowns and leadership removals raise homicides (Dell, AER 2015; "
       "Calderón, Robles, Díaz-Cayeros & Magaloni, JCR 2015); up to 3 % more firearm "
       "homicides for each strike a year",
       "Rise of Mexico's firearm homicides per strike a year (12-month memory).",
       (0.0, 1.0)),
    Parameter("mx_migration_personnel_scale", "persons", "loguniform", 4e4, 2e5, COST,
       J + "after the June 2019 Joint Declaration Mexico deployed about 21,000 National "
       "Guard to its borders; if they cut encounters by 10-40 % (enc_joint_declaration's "
       "prior spans 0-40 %), 1 − e^(−21,000/n₀) = 0.1-0.4 gives n₀ of 40,000-200,000",
       "Personnel whose deployment prevents 63 % of encounters at baseline cooperation."),
    Parameter("gun_officers_scale", "persons", "loguniform", 5e3, 5e4, COST,
       J + "outbound inspection stops a few thousand of ~200,000 guns a year with part-time "
       "officers; 1,000 dedicated officers would stop 2-18 %",
       "Officers whose southbound inspection stops 63 % of the guns (of at most 95 %)."),
    Parameter("engagement_usd_scale", "USD/yr", "loguniform", 2e8, 2e9, COST,
       "anchor us_security_aid_mexico_since_2008 (>$3 B since 2008, ~$200 M a year bought "
       "working but partial cooperation); judgement on the scale",
       "Annual security assistance that reaches 63 % of full engagement."),
    Parameter("prevention_usd_scale", "USD/yr", "loguniform", 1e9, 1e10, COST,
       J + "national school and community programmes cost billions a year to reach most "
       "young people", "Annual prevention spending that reaches 63 % of its top effect."),
    Parameter("prevention_max_share", "fraction", "uniform", 0.05, 0.3, COST,
       J + "evidence-based programmes cut initiation by a few to tens of percent",
       "Largest share of initiation prevention can avert.", (0.0, 1.0)),
)

PARAMETERS = PARAMETERS + SYSTEM_PARAMETERS


BY_NAME: dict[str, Parameter] = {p.name: p for p in PARAMETERS}

#: The replacement values of the stages a seizure can hit, in the order of
#: ``model.layout.VALUE_STAGE_OF_TAIL``: precursor, fentanyl in Mexico, fentanyl in the US.
VALUE_STAGES: tuple[str, ...] = ("precursor_value_usd_per_kg", "value_at_risk_usd_per_kg",
                                 "us_value_usd_per_kg")
NAMES: tuple[str, ...] = tuple(BY_NAME)


def member_uniforms(members: Sequence[int] | np.ndarray, seed: int) -> np.ndarray:
    """Uniform(0, 1) draws, one row per member, that depend only on (seed, member).

    Returns an array of shape (len(members), len(PARAMETERS)).
    """
    rows = [
        np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(int(i),))).random(
            len(PARAMETERS)
        )
        for i in members
    ]
    return np.array(rows, dtype=float).reshape(len(rows), len(PARAMETERS))


def check_overrides(overrides: Mapping[str, float],
                    known: Mapping[str, Parameter] | None = None) -> dict[str, float]:
    """Validate parameter overrides: known names, finite values inside hard bounds.

    ``known``: the parameters an override may name (default: the model's).
    """
    known = BY_NAME if known is None else known
    out: dict[str, float] = {}
    for name, value in overrides.items():
        if name not in known:
            raise ParameterError(
                f"unknown parameter '{name}'; allowed: {', '.join(known)}"
            )
        p = known[name]
        lo, hi = p.bounds
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise ParameterError(
                f"parameter '{name}' must be a number in [{lo:g}, {hi:g}] {p.unit}, "
                f"got {value!r}"
            ) from None
        if not (math.isfinite(x) and lo <= x <= hi):
            raise ParameterError(
                f"parameter '{name}' must be in [{lo:g}, {hi:g}] {p.unit}, got {value!r}"
            )
        out[name] = x
    return out


def sample(
    members: int | Sequence[int] | np.ndarray,
    seed: int = 0,
    overrides: Mapping[str, float] | None = None,
) -> dict[str, np.ndarray]:
    """Draw parameters from their priors for the given members.

    Args:
        members: a count ``n`` (members ``0 … n−1``) or explicit member indices.
        seed: ensemble seed; member ``i`` depends only on ``(seed, i)``.
        overrides: parameter values fixed for every member (validated).

    Returns:
        ``{name: array of shape (n_members,)}`` in each parameter's unit.

    """
    idx = np.arange(members) if isinstance(members, int) else np.asarray(members)
    fixed = check_overrides(overrides or {})
    u = member_uniforms(idx, seed)
    out = {}
    for j, p in enumerate(PARAMETERS):
        out[p.name] = np.full(len(idx), fixed[p.name]) if p.name in fixed else p.from_unit(
            u[:, j]
        )
    return out


def prior_medians(overrides: Mapping[str, float] | None = None) -> dict[str, float]:
    """Prior medians of every parameter (with overrides applied)."""
    fixed = check_overrides(overrides or {})
    return {p.name: fixed.get(p.name, p.median) for p in PARAMETERS}

#: The parameters calibration estimates (at most 20, each tied to a mechanism and a
#: sourced prior; the three regime effects, enc_title42, enc_administration_2021 and
#: ports_share_title42, are dated events of the policy calendar). The others are held at
#: their prior median or keep their prior (borderflow.calibration.calibrate says which).
FITTED: tuple[str, ...] = (
    "fentanyl_death_rate_per_year",
    "covid_hazard_increase",
    "oud_2010",
    "fentanyl_share_2010",
    "diffusion_rate_per_year",
    "powder_purity_2018",
    "lethal_share_elasticity",
    "detection_scale",
    "encounters_mexico_2015",
    "encounters_nca_2015",
    "encounters_other_2015",
    "push_trend_other",
    "enc_title42",
    "enc_administration_2021",
    "ports_share",
    "ports_share_title42",
)


def as_records(names: Sequence[str] | None = None,
               extra: Sequence[Parameter] = ()) -> list[dict[str, object]]:
    """Parameters (all, or those named, then ``extra``) as records with a ``fitted`` flag."""
    chosen = (PARAMETERS if names is None else tuple(BY_NAME[n] for n in names)) + tuple(extra)
    return [
        {"name": p.name, "unit": p.unit, "distribution": p.dist, "low": p.low,
         "high": p.high, "mechanism": p.mechanism, "source": p.source,
         "description": p.description, "fitted": p.name in FITTED}
        for p in chosen
    ]
