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
        "value_at_risk_usd_per_kg", "USD/kg (pure)", "loguniform", 10_000.0, 100_000.0,
        "5 adaptive routing",
        "anchor mexico_replacement_cost_pure: about USD 10,000 per pure kg in Mexico, up "
        "to about 100,000 inside the US (Scientific American op-ed; DEA figures)",
        "What traffickers perceive they lose per pure kg seized (prices perceived risk).",
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
        "substitution_share", "fraction", "uniform", 0.3, 0.9,
        "2 source substitution",
        "judgement: precursor controls displace more than they remove (unscheduled "
        "pre-precursors, other suppliers; DEA on 4-AP and 1-boc-4-AP after the 2017 and "
        "2022 schedulings); 30-90 % of the supply cut is replaced",
        "Long-run share of supply stopped by controls that other sources replace.",
        bounds=(0.0, 1.0),
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
        "6 seizures",
        "anchor powder_purity_2018_fspp: 5.3 % (DEA 2019 NDTA); swb_bulk_purity_pre2020 "
        "<10 %",
        "Purity of fentanyl powder crossing the border, mid-2018.",
        bounds=(1e-4, 1.0),
    ),
    Parameter(
        "powder_purity_2022", "fraction", "uniform", 0.15, 0.24,
        "6 seizures",
        "anchors powder_purity_2022 (19.2 %, DEA 2024 NDTA) and powder_purity_fy2023 "
        "(19.5 %, DEA)",
        "Purity of fentanyl powder crossing the border, mid-2022 and after.",
        bounds=(1e-4, 1.0),
    ),
    Parameter(
        "pill_fentanyl_mg", "mg per pill", "uniform", 1.5, 3.5,
        "6 seizures",
        "anchor dea_avg_mg_per_pill: 2.4 mg on average (range 0.2-9), DEA 2024 NDTA",
        "Fentanyl content of a counterfeit pill.",
        bounds=(1e-3, 100.0),
    ),
    Parameter(
        "pill_weight_mg", "mg per pill", "uniform", 80.0, 120.0,
        "6 seizures",
        "anchor pill_weight: about 100 mg per M30 tablet (unverified; wide range)",
        "Gross weight of a counterfeit pill.",
        bounds=(1.0, 1e4),
    ),
    Parameter(
        "pill_share_2018", "fraction", "uniform", 0.05, 0.25,
        "6 seizures",
        "anchor pill_share_of_seizures_count: 13.8 % of fentanyl seizure events were pills "
        "in 2018Q1 (Palamar et al. 2022); weight share is a gap, hence the range",
        "Share of pure fentanyl crossing by land that is in pills, mid-2018.",
        bounds=(0.0, 1.0),
    ),
    Parameter(
        "pill_share_2023", "fraction", "uniform", 0.30, 0.60,
        "6 seizures",
        "anchor pill_share_of_seizures_count: 49 % of seizure events were pills in 2023 "
        "(Palamar et al. 2024)",
        "Share of pure fentanyl crossing by land that is in pills, mid-2023 and after.",
        bounds=(0.0, 1.0),
    ),
    Parameter(
        "mail_purity", "fraction", "uniform", 0.50, 0.95,
        "6 seizures",
        "anchor swb_bulk_purity_pre2020: >90 % purity for China mail parcels (DEA NDTA)",
        "Purity of finished fentanyl in international mail.",
        bounds=(1e-4, 1.0),
    ),
)

J = "judgement: "
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
       "Pure fentanyl a person with OUD would use in a month if all their supply were "
       "fentanyl.", (1e-4, 10.0)),
    Parameter("import_cost_share", "fraction of retail price", "uniform", 0.01, 0.10, M7,
       "anchor import_smuggling_share_of_retail: ~1-10 % (Reuter & Kleiman 1986; "
       "unverified, hence the wide range)",
       "Share of the retail price that moves with traffickers' import costs.", (0.0, 1.0)),
    Parameter("retail_price_usd_per_pure_gram", "USD per pure g", "loguniform", 300.0, 3000.0, M7,
       "anchor retail_price_per_pill: $1-10 a pill with ~2.4 mg (dea_avg_mg_per_pill) is "
       "~$400-4,000 per pure gram",
       "Retail price of a pure gram of fentanyl at baseline import costs.", (1.0, 1e6)),
    Parameter("price_elasticity", "-", "uniform", -0.7, -0.1, M7,
       J + "demand for opioids by dependent users is inelastic (-0.1 to -0.7)",
       "Elasticity of fentanyl consumption with respect to its retail price.", (-5.0, 0.0)),
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
    Parameter("progression_rate_per_year", "1/year", "uniform", 0.04, 0.10, M8,
       "anchor chen2019_exit_rates (nonmedical->OUD 0.06, OUD->illicit 0.071 a year)",
       "Rate from misuse to opioid use disorder."),
    Parameter("misuse_exit_rate_per_year", "1/year", "uniform", 0.2, 0.45, M8,
       "anchor chen2019_exit_rates (illicit-user exit 0.319 a year)",
       "Rate at which people who misuse stop."),
    Parameter("treatment_entry_rate_per_year", "1/year", "uniform", 0.5, 1.2, M8,
       "anchor SOURCE_tx_engagement_HUD (59-64 % of people with heroin/fentanyl use "
       "disorder engaged in treatment within a year: -ln(1 - 0.6) = 0.9 a year)",
       "Rate at which people with OUD seek MOUD (entries are capped by capacity)."),
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
    Parameter("fentanyl_death_rate_per_year", "1/year", "uniform", 0.015, 0.045, M8,
       "anchor od_death_rate_illicit_OUD_SOURCE (0.024-0.030 fatal overdoses per "
       "person-year with heroin/fentanyl use disorder, 2019-2021)",
       "Fatal overdose hazard of a person with OUD fully exposed to fentanyl."),
    Parameter("heroin_death_rate_per_year", "1/year", "uniform", 0.003, 0.012, M8,
       "anchor chen2019_illicit_od_rate (0.005 a year in 2002, before fentanyl)",
       "Fatal overdose hazard of heroin-only use."),
    Parameter("treatment_death_ratio", "x", "uniform", 0.2, 0.5, M8,
       "anchors moud_mortality_methadone_sordo (overdose 2.6 vs 12.7 per 1,000 PY), "
       "moud_mortality_bup_sordo (1.4 vs 4.6), moud_hr_post_overdose",
       "Overdose hazard in MOUD relative to out of treatment.", (0.0, 1.0)),
    Parameter("naloxone_half_kits", "kits per year", "loguniform", 1e7, 5e7, M8,
       "anchors naloxone_kits_and_deaths_averted_SOURCE (2.57 M kits averted ~10,600 "
       "deaths in 2021, ~12 %) and naloxone_kits_per_death_averted (6 %)",
       "Kits a year at which 63 % of fatal overdoses would be reversed."),
    Parameter("covid_hazard_increase", "fraction", "uniform", 0.1, 0.5, M8,
       J + "isolation and disrupted services raised overdose fatality from March 2020 "
       "(DESIGN.md; policy_calendar COVID-19 period)",
       "Relative rise of the fatal overdose hazard during the COVID-19 period."),
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
    Parameter("homicides_per_gun", "homicides per gun", "uniform", 0.001, 0.01, M10,
       "anchor gun_supply_effect_dube: >=158-239 additional deaths a year near the border "
       "after the 2004 assault-weapons-ban expiry (Dube, Dube & Garcia-Ponce 2013); "
       "judgement on the size of that supply shock",
       "Homicides in Mexico per trafficked gun."),
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
    Parameter("strike_cooperation_drop", "index per strike", "uniform", 0.2, 0.6, M11,
       J + "a unilateral strike collapses cooperation (anchor "
       "military_action_trade_disruption: gap)", "Drop in cooperation per full strike."),
    Parameter("engagement_gain", "fraction", "uniform", 0.2, 0.8, M11,
       J + "sustained diplomacy closes part of the gap to full cooperation",
       "Share of the gap to full cooperation closed at full engagement.", (0.0, 1.0)),
    Parameter("trade_loss_share", "fraction of trade", "uniform", 0.02, 0.3, M11,
       "anchors border_inspection_disruption_2022 (~$1 B of US GDP a day during a nine-day "
       "inspection order), border_slowdown_cost_model and "
       "ofo_reassignment_trade_cost_2019; judgement on the scaling",
       "Share of bilateral trade lost per unit of cooperation lost (relative to baseline)."),
    # costs (USD per year per unit of the lever's cost driver)
    Parameter("cost_precursor_control", "USD/yr per share of supply stopped", "loguniform", 1e8,
       2e9, COST, J + "indictments, sanctions, diplomacy with China",
       "Annual cost of stopping all precursor supply (scaled by the share stopped)."),
    Parameter("cost_mexican_port_interdiction", "USD/yr per added effort", "loguniform", 5e7,
       5e8, COST, "anchor us_security_aid_mexico_since_2008 (>$3 B since 2008, ~$200 M a "
       "year); judgement", "Annual cost of one more unit of Mexican port effort."),
    Parameter("cost_lab_takedowns", "USD/yr per monthly share destroyed", "loguniform", 1e9, 2e10,
       COST, J + "sustained operations (5 %/month costs 1/20 of this)",
       "Annual cost of destroying all lab capacity each month."),
    Parameter("cost_poe_inspection", "USD/yr per added effort", "loguniform", 3e8, 3e9, COST,
       "anchors nii_scan_rate_* and nii_targets (scanning build-out); judgement",
       "Annual cost of doubling inspection at every port of entry."),
    Parameter("cost_between_ports_enforcement", "USD/yr per added effort", "loguniform", 1e9,
       5e9, COST, J + "Border Patrol payroll scale (~19,500 agents)",
       "Annual cost of doubling enforcement between ports."),
    Parameter("cost_military_strikes", "USD per strike", "loguniform", 5e7, 1e9, COST,
       J + "air and special operations", "Cost of one strike month."),
    Parameter("cost_mexican_migration_enforcement", "USD/yr per share prevented", "loguniform",
       2e8, 2e9, COST, J + "National Guard deployments, US support",
       "Annual cost of preventing all encounters (scaled by the share)."),
    Parameter("cost_processing_capacity", "USD per staff-year", "uniform", 80e3, 130e3, COST,
       "anchor processing_coordinators (1,200 civilian positions planned); judgement on "
       "pay and overhead", "Annual cost of one civilian processing staff member."),
    Parameter("cost_asylum_regime", "USD/yr per unit |ln multiplier|", "loguniform", 1e8, 2e9,
       COST, J + "adjudication and detention capacity a regime switch needs",
       "Annual cost of an asylum-regime switch."),
    Parameter("cost_southbound_inspection", "USD/yr per share stopped", "loguniform", 2e8, 3e9,
       COST, J + "outbound inspection at every port", "Annual cost of stopping all guns."),
    Parameter("cost_diplomatic_engagement", "USD/yr at full intensity", "loguniform", 2e7, 3e8,
       COST, J + "high-level dialogues, programmes (Bicentennial Framework)",
       "Annual cost of full diplomatic engagement."),
    Parameter("cost_treatment_expansion", "USD per slot-year", "uniform", 5e3, 15e3, COST,
       J + "methadone ~$6,500 and buprenorphine ~$5,000-15,000 a patient-year (NIDA)",
       "Annual cost of one MOUD treatment slot."),
    Parameter("cost_naloxone", "USD per kit", "uniform", 20.0, 80.0, COST,
       J + "generic injectable ~$20-40, nasal spray ~$45 over the counter",
       "Cost of one naloxone kit distributed."),
    Parameter("cost_prevention", "USD/yr per share of initiation prevented", "loguniform", 5e8,
       5e9, COST, J + "school and community programmes at national scale",
       "Annual cost of preventing all initiation (scaled by the share)."),
    Parameter("cost_arc_detection", "USD per USD of stated cost", "uniform", 1.0, 1.5, COST,
       J + "public programmes overrun their stated cost; the stated cost comes from the "
       "network's upgrade_cost_usd", "Realised over stated cost of an arc upgrade."),
    Parameter("cost_arc_closure", "USD per USD of stated cost", "uniform", 1.0, 1.5, COST,
       J + "as cost_arc_detection; the stated cost is the arc's interdiction_cost_usd",
       "Realised over stated cost of closing an arc."),
)

PARAMETERS = PARAMETERS + SYSTEM_PARAMETERS


BY_NAME: dict[str, Parameter] = {p.name: p for p in PARAMETERS}
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


def check_overrides(overrides: Mapping[str, float]) -> dict[str, float]:
    """Validate parameter overrides: known names, finite values inside hard bounds."""
    out: dict[str, float] = {}
    for name, value in overrides.items():
        if name not in BY_NAME:
            raise ParameterError(
                f"unknown parameter '{name}'; allowed: {', '.join(NAMES)}"
            )
        p = BY_NAME[name]
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

#: The parameters calibration estimates (at most 15, each tied to a mechanism and a
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


def as_records(names: Sequence[str] | None = None) -> list[dict[str, object]]:
    """Parameters (all, or those named) as plain records, with a ``fitted`` flag."""
    chosen = PARAMETERS if names is None else tuple(BY_NAME[n] for n in names)
    return [
        {"name": p.name, "unit": p.unit, "distribution": p.dist, "low": p.low,
         "high": p.high, "mechanism": p.mechanism, "source": p.source,
         "description": p.description, "fitted": p.name in FITTED}
        for p in chosen
    ]
