"""People who use illicit opioids, treatment and overdose deaths (mechanism 8), over arrays.

States (persons): no use ``N``, misuse ``M``, opioid use disorder at high risk ``OH``
and at lower risk ``OL``, MOUD treatment ``Tr``, the month after leaving treatment
``Rc``, remission ``Rm``. Each month, each state's exits (deaths included) are
competing risks: of ``n`` people whose rates sum to ``Λ`` per year,
``n (1 − e^{−Λ/12}) r_k / Λ`` take exit ``k``; nobody is created or lost.

Two mechanisms a homogeneous cohort misses:

- **Depletion of those most at risk** (frailty; Vaupel, Manton & Stallard 1979): a
  share of people entering use disorder (``high_risk_share``) die at
  ``high_risk_ratio`` times the rate of the others, the mix normalised so that an
  entering cohort's mean hazard is the parameter's. When the hazard surges, the
  high-risk group is depleted faster than it is replenished and the mean hazard falls.
- **From prescription opioids**: people with a prescription-opioid use disorder move
  to the illicit market (Chen et al. 2019's "OUD → illicit" transition), entering use
  disorder directly from ``N`` (:func:`prescription_inflow`).
- **Leaving treatment**: overdose mortality in the first weeks after MOUD ends is
  several times that off treatment (Cornish et al., BMJ 2010; Cousins et al.,
  Addiction 2016; Sordo et al., BMJ 2017); ``Rc`` holds people for one month on
  average at ``post_treatment_ratio`` times the hazard.

See docs/model-system.md, M8.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from borderflow.model.jit import jit

STATES: tuple[str, ...] = ("no_use", "misuse", "oud_high_risk", "oud_lower_risk", "treatment",
                           "post_treatment", "remission")
US_POPULATION_12_PLUS_2010 = 260e6  # persons aged 12+: 2010 Census, 308.7 M less ~49 M aged 0-11
POST_TREATMENT_EXIT_PER_YEAR = 12.0  # the post-treatment state lasts one month on average
PRESCRIBING_PEAK_YEAR = 2012.0  # US opioid prescribing peaked in 2012 (judgement anchor)


class Population(NamedTuple):
    """The seven states, persons, each of shape (M,)."""

    N: np.ndarray
    M: np.ndarray
    OH: np.ndarray
    OL: np.ndarray
    Tr: np.ndarray
    Rc: np.ndarray
    Rm: np.ndarray


@jit
def stack(pop: Population) -> np.ndarray:
    """States as one array of shape (M, 7) in :data:`STATES` order."""
    return np.stack((pop.N, pop.M, pop.OH, pop.OL, pop.Tr, pop.Rc, pop.Rm), axis=1)


@jit
def users(pop: Population, misuse_use_weight: np.ndarray) -> np.ndarray:
    """People who buy opioids, weighted by use: ``OH + OL + Rc + w_M M``."""
    return pop.OH + pop.OL + pop.Rc + misuse_use_weight * pop.M


class Rates(NamedTuple):
    """Transition rates (per year) and hazard weights of the states, each (M,)."""

    initiation: np.ndarray
    progression: np.ndarray
    misuse_exit: np.ndarray
    treatment_seeking: np.ndarray
    withdrawal_seeking: np.ndarray
    remission: np.ndarray
    treatment_exit_oud: np.ndarray
    treatment_exit_remission: np.ndarray
    relapse: np.ndarray
    high_share: np.ndarray
    weight_misuse: np.ndarray
    weight_high: np.ndarray
    weight_lower: np.ndarray
    weight_treatment: np.ndarray
    weight_post: np.ndarray


def rates(p: Mapping[str, np.ndarray]) -> Rates:
    """The population's rates from the parameters (docs/model-system.md, M8)."""
    s, r = p["high_risk_share"], p["high_risk_ratio"]
    norm = s * r + (1.0 - s)  # an entering cohort's mean hazard multiplier is 1
    return Rates(
        initiation=p["initiation_rate_per_year"],
        progression=p["progression_rate_per_year"],
        misuse_exit=p["misuse_exit_rate_per_year"],
        treatment_seeking=p["treatment_seeking_rate_per_year"],
        withdrawal_seeking=p["withdrawal_treatment_seeking"],
        remission=p["remission_rate_per_year"],
        treatment_exit_oud=p["treatment_exit_oud_rate_per_year"],
        treatment_exit_remission=p["treatment_exit_remission_rate_per_year"],
        relapse=p["relapse_rate_per_year"],
        high_share=s,
        weight_misuse=p["misuse_use_weight"],
        weight_high=r / norm,
        weight_lower=1.0 / norm,
        weight_treatment=p["treatment_death_ratio"],
        weight_post=p["post_treatment_death_ratio"],
    )


def initial(p: Mapping[str, np.ndarray], capacity0: np.ndarray) -> Population:
    """The January 2010 population (docs/model-system.md, new state)."""
    tr = np.minimum(0.5 * capacity0, 0.5 * p["oud_2010"])
    m, o, rm = p["misuse_2010"], p["oud_2010"], p["remission_2010"]
    s = p["high_risk_share"]
    n = US_POPULATION_12_PLUS_2010 - m - o - tr - rm
    return Population(n, m.copy(), s * o, (1.0 - s) * o, tr, np.zeros_like(o), rm.copy())


def prescription_inflow(year: np.ndarray, transition_per_year: np.ndarray,
                        decline_per_year: np.ndarray) -> np.ndarray:
    """People a year moving from prescription-opioid use disorder to illicit use, (M, T).

    Constant to 2012, then declining exponentially with prescribing.
    """
    since = np.maximum(0.0, year - PRESCRIBING_PEAK_YEAR)
    return transition_per_year[:, None] * np.exp(-decline_per_year[:, None] * since[None, :])


@jit
def risk_mix(pop: Population, r: Rates) -> np.ndarray:
    """Mean hazard multiplier of the use-disorder population out of treatment (OH, OL)."""
    total = pop.OH + pop.OL
    return np.where(total > 0, (pop.OH * r.weight_high + pop.OL * r.weight_lower)
                    / np.where(total > 0, total, 1.0), 1.0)


@jit
def _exits(n: np.ndarray, total_rate: np.ndarray) -> np.ndarray:
    """People leaving a state this month, for a total exit rate per year."""
    return n * -np.expm1(-total_rate / 12.0)


@jit
def _share(rate: np.ndarray, total: np.ndarray) -> np.ndarray:
    return np.where(total > 0, rate / np.where(total > 0, total, 1.0), 0.0)


@jit
def step(pop: Population, r: Rates, fentanyl_hazard_per_year: np.ndarray,
         heroin_hazard_per_year: np.ndarray, treatment_capacity: np.ndarray,
         prevention: float, unmet_share: np.ndarray, prescription_inflow_per_year: np.ndarray,
         mix_scale: np.ndarray | float = 1.0) -> tuple[Population, np.ndarray, np.ndarray]:
    """Advance one month.

    Args:
        pop: the states at the start of the month.
        r: the rates (:func:`rates`).
        fentanyl_hazard_per_year: fatal overdose hazard of a mean user from fentanyl,
            per person-year, (M,).
        heroin_hazard_per_year: the heroin part, per person-year, (M,).
        treatment_capacity: MOUD capacity this month, persons, (M,).
        prevention: fraction by which initiation is reduced.
        unmet_share: share of the users' opioid need the market did not meet this
            month (withdrawal), in [0, 1], (M,); it raises treatment seeking.
        prescription_inflow_per_year: people moving from prescription-opioid use
            disorder into the illicit market this month, persons per year, (M,).
        mix_scale: multiplier on the hazards of OH and OL (1; the explain analysis
            holds the risk mix with it).

    Returns:
        The new states, fentanyl (T40.4) and heroin overdose deaths this month
        (persons).

    """
    phi = fentanyl_hazard_per_year + heroin_hazard_per_year
    w_h, w_l = r.weight_high * mix_scale, r.weight_lower * mix_scale
    seek = r.treatment_seeking * (1.0 + r.withdrawal_seeking * unmet_share)

    out_n = _exits(pop.N, r.initiation * (1.0 - prevention))
    from_rx = np.minimum(prescription_inflow_per_year / 12.0, pop.N - out_n)
    rate_m = r.progression + r.misuse_exit + r.weight_misuse * phi
    out_m = _exits(pop.M, rate_m)
    rate_h = seek + r.remission + w_h * phi
    out_h = _exits(pop.OH, rate_h)
    rate_l = seek + r.remission + w_l * phi
    out_l = _exits(pop.OL, rate_l)
    rate_t = r.treatment_exit_oud + r.treatment_exit_remission + r.weight_treatment * phi
    out_t = _exits(pop.Tr, rate_t)
    rate_c = POST_TREATMENT_EXIT_PER_YEAR + r.weight_post * phi
    out_c = _exits(pop.Rc, rate_c)
    out_r = _exits(pop.Rm, r.relapse)

    want_h, want_l = out_h * _share(seek, rate_h), out_l * _share(seek, rate_l)
    wanted = want_h + want_l
    room = np.maximum(0.0, treatment_capacity - (pop.Tr - out_t))
    admitted = _share(np.minimum(wanted, room), wanted)  # share of seekers admitted

    into_oud = (out_m * _share(r.progression, rate_m) + out_r + from_rx
                + out_c * _share(POST_TREATMENT_EXIT_PER_YEAR, rate_c))
    new = Population(
        N=pop.N - out_n - from_rx + out_m * _share(r.misuse_exit, rate_m),
        M=pop.M - out_m + out_n,
        OH=pop.OH - out_h + want_h * (1.0 - admitted) + r.high_share * into_oud,
        OL=pop.OL - out_l + want_l * (1.0 - admitted) + (1.0 - r.high_share) * into_oud,
        Tr=pop.Tr - out_t + wanted * admitted,
        Rc=pop.Rc - out_c + out_t * _share(r.treatment_exit_oud, rate_t),
        Rm=(pop.Rm - out_r + (out_h * _share(r.remission, rate_h)
                              + out_l * _share(r.remission, rate_l))
            + out_t * _share(r.treatment_exit_remission, rate_t)),
    )
    def deaths(hazard: np.ndarray) -> np.ndarray:
        return (out_m * _share(r.weight_misuse * hazard, rate_m)
                + out_h * _share(w_h * hazard, rate_h) + out_l * _share(w_l * hazard, rate_l)
                + out_t * _share(r.weight_treatment * hazard, rate_t)
                + out_c * _share(r.weight_post * hazard, rate_c))

    return new, deaths(fentanyl_hazard_per_year), deaths(heroin_hazard_per_year)
