"""Potency: the chance that a dose is lethal, and pills against powder by mass (mechanisms 6, 8).

What kills is not the mean purity but the chance that one dose holds more fentanyl than
its user can survive. The DEA's laboratory testing measures that directly for pills (the
share of counterfeit pills holding >= 2 mg, a potentially lethal dose) and gives the mean
purity of powder; the lethal-dose share of the supply mixes the two by their shares of
pure mass. These are *observed inputs* through 2024 (the data window): each observation
point enters as a parameter of each posterior particle with a prior that carries its
measurement uncertainty; after the window they follow a random walk whose monthly
shocks are handed in, keyed by (seed, member) (:func:`post_window_shocks`), so the
engine and the reference see the same paths. See docs/model-system.md, M7.

Pure functions over arrays; the member is the leading axis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy.special import ndtr

#: Last decimal year of the data window: months after it follow the post-window process.
WINDOW_END = 2025.0

#: Powder purity observations (DEA Fentanyl Signature Profiling Program and NDTAs;
#: ``dea_fentanyl_lab_testing``) as (parameter, decimal year of the period's middle).
#: Each value is a parameter whose prior carries the observation's uncertainty.
PURITY_POINTS: tuple[tuple[str, float], ...] = (
    ("powder_purity_2018", 2018.5),   # 5.3 %, calendar 2018 (DEA 2019 NDTA)
    ("powder_purity_2022", 2022.5),   # 19.2 %, calendar 2022 (DEA 2024 NDTA)
    ("powder_purity_2023", 2023.25),  # 19.5 %, FY2023 (DEA release, Dec 2025, FY2023 value)
    ("powder_purity_2024", 2024.5),   # 11.36 %, calendar 2024 (DEA 2025 NDTA)
)

#: Share of fentanyl pills holding >= 2 mg (DEA lab testing, ``dea_fentanyl_lab_testing``):
#: FPP 2017 and 2021 (LA County DPH citing DEA), DEA releases for Jan-Mar 2019, 2022,
#: 2023 and 2024. The FY2023 figure (76 %) and DEA's "4 in 10" for 2021 differ from the
#: calendar-year figures used by 0.1-0.3 on the logit scale: that is the measurement
#: uncertainty the parameter ``lethal_pill_share_logit_error`` carries.
LETHAL_PILL_SHARE: tuple[tuple[float, float], ...] = (
    (2017.5, 0.10), (2019.125, 0.27), (2021.5, 0.44), (2022.5, 0.60), (2023.5, 0.70),
    (2024.5, 0.50),
)

#: Mean fentanyl per pill, mg (DEA FPP 2017 and 2021 via LA County DPH; DEA 2024 and
#: 2025 NDTAs for 2022 and 2024).
MG_PER_PILL: tuple[tuple[float, float], ...] = (
    (2017.5, 1.3), (2021.5, 2.2), (2022.5, 2.4), (2024.5, 1.94),
)

#: Pills and powder seized, as cited (``fentanyl_seizures_pills_and_powder``): year,
#: pills, powder gross kg (``None``: the total fentanyl weight less the pills' weight),
#: total gross kg, source. 2018 and 2021 are all-agency HIDTA/NSS counts (Palamar et
#: al.), 2022-2024 DEA's own.
SEIZED_FORMS: tuple[tuple[float, float, float | None, float | None, str], ...] = (
    (2018.5, 290_304, 298.2, None, "HIDTA/NSS via LA County DPH (Palamar et al. 2022)"),
    (2021.5, 9_649_551, 2_416.0, None, "HIDTA/NSS via LA County DPH (Palamar et al. 2022)"),
    (2022.5, 50.6e6, 10_000 * 0.45359237, None, "DEA year-end release, Dec 2022"),
    (2023.5, 77e6, 12_000 * 0.45359237, None, "DEA release, Jan 2024"),
    (2024.5, 61.1e6, None, 21_936 * 0.45359237, "DEA 2025 NDTA (Center Square)"),
)
PILL_WEIGHT_KG = 100e-6  # gross kg per pill, ~100 mg M30 (anchor pill_weight, unverified)
PURITY_REFERENCE = 0.192  # powder purity of 2022 (DEA 2024 NDTA): prices' reference purity
LETHAL_SHARE_REFERENCE = 0.5  # lethal-dose share at which the fentanyl hazard is its parameter


def _interp(year: np.ndarray, points: Sequence[tuple[float, float]],
            window_end: float = WINDOW_END) -> np.ndarray:
    """Linear between the observations made before ``window_end``, flat outside."""
    xs, ys = zip(*known(points, window_end), strict=True)
    return np.interp(year, xs, ys)


def known(points: Sequence[tuple[float, object]], window_end: float = WINDOW_END
          ) -> tuple[tuple[float, object], ...]:
    """The observations ``(decimal year, value)`` made before ``window_end``.

    A forecaster whose data end at ``window_end`` knows only these; the first is kept
    whatever the window, so that every input has a value to hold.
    """
    return tuple(p for i, p in enumerate(points) if i == 0 or p[0] < window_end)


def pill_mass_share_points() -> tuple[tuple[float, float], ...]:
    """Share of seized pure fentanyl that was in pills, derived from mass, per year.

    Pills × mg per pill against powder weight × powder purity, with the DEA's reported
    values of the year (:data:`MG_PER_PILL` and the purity observations 5.3 %, 19.2 %,
    19.5 % and 11.36 %, linear between observations). 2024's powder weight is the total
    weight less the pills' (:data:`PILL_WEIGHT_KG` each). Values: 0.027 (2018), 0.053 (2021), 0.122
    (2022), 0.147 (2023), 0.214 (2024).
    """
    purity = ((2018.5, 0.053), (2022.5, 0.192), (2023.25, 0.195), (2024.5, 0.1136))
    out = []
    for year, pills, powder_kg, total_kg, _ in SEIZED_FORMS:
        pill_pure = pills * float(_interp(np.array(year), MG_PER_PILL)) * 1e-6
        powder = powder_kg if powder_kg is not None else total_kg - pills * PILL_WEIGHT_KG
        powder_pure = powder * float(_interp(np.array(year), purity))
        out.append((year, pill_pure / (pill_pure + powder_pure)))
    return tuple(out)


PILL_MASS_SHARE = pill_mass_share_points()


def post_window_shocks(members: Sequence[int] | np.ndarray, seed: int,
                       months: np.ndarray, year: np.ndarray,
                       window_end: float = WINDOW_END) -> np.ndarray:
    """Standard-normal monthly shocks of the post-window potency paths, (M, 2, T).

    Row 0 drives log powder purity, row 1 the logit of the lethal pill share. Zero in
    the window (``year < window_end``); after it, member ``i``'s shocks depend only on
    ``(seed, i)`` (a stream of their own, apart from the parameter draws).
    """
    after = year >= window_end
    out = np.zeros((len(members), 2, len(months)))
    for row, i in enumerate(members):
        rng = np.random.default_rng(np.random.SeedSequence([seed, 0x706F74], spawn_key=(int(i),)))
        out[row][:, after] = rng.standard_normal((2, int(after.sum())))
    return out


def observed_inputs(
    year: np.ndarray,
    purity_points: Mapping[str, np.ndarray],
    lethal_pill_share_logit_error: np.ndarray,
    pill_mass_share_scale: np.ndarray,
    purity_volatility_per_sqrt_year: np.ndarray,
    lethal_share_volatility_per_sqrt_year: np.ndarray,
    shocks: np.ndarray | None,
    window_end: float = WINDOW_END,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Powder purity, lethal pill share and pills' share of pure mass, each (M, T).

    Linear between observations (purity: in its logarithm), flat before the first; after
    the window each follows
    a random walk from its last value (log purity and logit of the lethal pill share;
    the pill mass share is held at 2024's, judgement).

    Args:
        year: decimal year of each month, (T,).
        purity_points: the :data:`PURITY_POINTS` parameters, fraction, (M,) each.
        lethal_pill_share_logit_error: measurement error of the DEA pill series on the
            logit scale, (M,).
        pill_mass_share_scale: multiplier on the derived pill mass shares, (M,).
        purity_volatility_per_sqrt_year: sd of log purity changes per sqrt(year), (M,).
        lethal_share_volatility_per_sqrt_year: sd of logit changes per sqrt(year), (M,).
        shocks: :func:`post_window_shocks` (M, 2, T), or None for no post-window change.
        window_end: decimal year the data end: observations from it on are unknown (a
            forecast record's origin; default the packaged window's end).

    """
    m = len(lethal_pill_share_logit_error)
    points = known([(y, name) for name, y in PURITY_POINTS], window_end)
    xs = np.array([y for y, _ in points])
    ys = np.stack([purity_points[name] for _, name in points], axis=1)  # (M, P)
    log_purity = np.stack([np.interp(year, xs, np.log(row)) for row in ys])
    lethal = _interp(year, LETHAL_PILL_SHARE, window_end)
    logit = np.log(lethal / (1.0 - lethal))[None, :] + lethal_pill_share_logit_error[:, None]
    pill_mass = np.clip(_interp(year, PILL_MASS_SHARE, window_end)[None, :]
                        * pill_mass_share_scale[:, None], 0.0, 1.0)
    if shocks is not None:
        step = np.sqrt(1.0 / 12.0)
        log_purity = log_purity + np.cumsum(shocks[:, 0], axis=1) * (
            purity_volatility_per_sqrt_year[:, None] * step)
        logit = logit + np.cumsum(shocks[:, 1], axis=1) * (
            lethal_share_volatility_per_sqrt_year[:, None] * step)
    purity = np.clip(np.exp(log_purity), 1e-3, 0.9)
    return purity, 1.0 / (1.0 + np.exp(-logit)), np.broadcast_to(pill_mass, (m, len(year)))


def lethal_dose_share(
    purity: np.ndarray, lethal_pill_share: np.ndarray, pill_mass_share: np.ndarray,
    powder_lethal_purity: np.ndarray, dose_dispersion: np.ndarray,
) -> np.ndarray:
    """Share of doses that exceed a lethal amount, (M, T).

    Pills: the DEA's measured share. Powder: a dose's fentanyl is lognormal around the
    purity with log-sd ``dose_dispersion``, lethal above ``powder_lethal_purity``
    (the purity at which half of powder doses are lethal for a typical user), so the
    share is ``Φ(ln(purity / powder_lethal_purity) / dose_dispersion)``. Mixed by pure
    mass.
    """
    powder = ndtr(np.log(purity / powder_lethal_purity[:, None]) / dose_dispersion[:, None])
    return pill_mass_share * lethal_pill_share + (1.0 - pill_mass_share) * powder


def hazard_factor(lethal_share: np.ndarray, lethal_share_elasticity: np.ndarray) -> np.ndarray:
    """Fatal-hazard multiplier of the lethal-dose share, 1 at :data:`LETHAL_SHARE_REFERENCE`."""
    return (lethal_share / LETHAL_SHARE_REFERENCE) ** lethal_share_elasticity[:, None]


def gross_per_pure(purity: np.ndarray, pill_mass_share: np.ndarray, year: np.ndarray,
                   window_end: float = WINDOW_END) -> np.ndarray:
    """Gross kg per pure kg crossing by land (pills and powder by mass), (M, T).

    A pill weighs :data:`PILL_WEIGHT_KG` and holds the DEA's mean mg (flat outside the
    observations); powder is at its purity.
    """
    pill_purity = _interp(year, MG_PER_PILL, window_end) * 1e-6 / PILL_WEIGHT_KG
    return pill_mass_share / pill_purity[None, :] + (1.0 - pill_mass_share) / purity
