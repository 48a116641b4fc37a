"""People who use illicit opioids, treatment and overdose deaths (mechanism 8), over arrays.

States (persons): no use ``N``, misuse ``M``, opioid use disorder ``O``, MOUD treatment
``Tr``, remission ``Rm``. Each month, each state's exits (deaths included) are competing
risks: of ``n`` people whose rates sum to ``Λ`` per year, ``n (1 − e^{−Λ/12}) r_k / Λ``
take exit ``k``; nobody is created or lost. See docs/model-system.md, M7-M8.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STATES: tuple[str, ...] = ("no_use", "misuse", "oud", "treatment", "remission")
US_POPULATION_12_PLUS_2010 = 260e6  # persons aged 12+: 2010 Census, 308.7 M less ~49 M aged 0-11


@dataclass
class Population:
    """The five states, persons, each of shape (M,)."""

    N: np.ndarray
    M: np.ndarray
    O: np.ndarray  # noqa: E741 (the model's symbol)
    Tr: np.ndarray
    Rm: np.ndarray

    def stack(self) -> np.ndarray:
        """States as one array of shape (M, 5) in :data:`STATES` order."""
        return np.stack([self.N, self.M, self.O, self.Tr, self.Rm], axis=1)


def initial(p: dict, capacity0: np.ndarray) -> Population:
    """The January 2010 population (docs/model-system.md, new state)."""
    tr = np.minimum(0.5 * capacity0, 0.5 * p["oud_2010"])
    m, o, rm = p["misuse_2010"], p["oud_2010"], p["remission_2010"]
    n = US_POPULATION_12_PLUS_2010 - m - o - tr - rm
    return Population(n, m.copy(), o.copy(), tr, rm.copy())


def _exits(n: np.ndarray, total_rate: np.ndarray) -> np.ndarray:
    """People leaving a state this month, for a total exit rate per year."""
    return n * -np.expm1(-total_rate / 12.0)


def _share(rate: np.ndarray, total: np.ndarray) -> np.ndarray:
    return np.where(total > 0, rate / np.where(total > 0, total, 1.0), 0.0)


def step(pop: Population, p: dict, phi_f: np.ndarray, phi_h: np.ndarray,
         capacity: np.ndarray, prevention: float) -> tuple[Population, np.ndarray, np.ndarray]:
    """Advance one month.

    Args:
        pop: the states at the start of the month.
        p: parameters (per-member arrays).
        phi_f: fatal overdose hazard of a full user, fentanyl part, per person-year, (M,).
        phi_h: the heroin-only part, per person-year, (M,).
        capacity: MOUD capacity this month, persons, (M,).
        prevention: fraction by which initiation is reduced.

    Returns:
        The new states, fentanyl (T40.4) overdose deaths and heroin-only overdose
        deaths this month (persons).

    """
    death = phi_f + phi_h
    w_m, rr_t = p["misuse_use_weight"], p["treatment_death_ratio"]

    start = p["initiation_rate_per_year"] * (1.0 - prevention)
    out_n = _exits(pop.N, start)

    rate_m = p["progression_rate_per_year"] + p["misuse_exit_rate_per_year"] + w_m * death
    out_m = _exits(pop.M, rate_m)

    rate_o = p["treatment_entry_rate_per_year"] + p["remission_rate_per_year"] + death
    out_o = _exits(pop.O, rate_o)

    rate_t = (p["treatment_exit_oud_rate_per_year"] + p["treatment_exit_remission_rate_per_year"]
              + rr_t * death)
    out_t = _exits(pop.Tr, rate_t)

    out_r = _exits(pop.Rm, p["relapse_rate_per_year"])

    wanted = out_o * _share(p["treatment_entry_rate_per_year"], rate_o)
    room = np.maximum(0.0, capacity - (pop.Tr - out_t))
    entries = np.minimum(wanted, room)

    deaths_f = (out_m * _share(w_m * phi_f, rate_m) + out_o * _share(phi_f, rate_o)
                + out_t * _share(rr_t * phi_f, rate_t))
    deaths_h = (out_m * _share(w_m * phi_h, rate_m) + out_o * _share(phi_h, rate_o)
                + out_t * _share(rr_t * phi_h, rate_t))

    new = Population(
        N=pop.N - out_n + out_m * _share(p["misuse_exit_rate_per_year"], rate_m),
        M=pop.M - out_m + out_n,
        O=(pop.O - out_o + (wanted - entries)
           + out_m * _share(p["progression_rate_per_year"], rate_m)
           + out_t * _share(p["treatment_exit_oud_rate_per_year"], rate_t) + out_r),
        Tr=pop.Tr - out_t + entries,
        Rm=(pop.Rm - out_r + out_o * _share(p["remission_rate_per_year"], rate_o)
            + out_t * _share(p["treatment_exit_remission_rate_per_year"], rate_t)),
    )
    return new, deaths_f, deaths_h
