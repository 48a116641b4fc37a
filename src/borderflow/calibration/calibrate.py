"""Calibrate the fitted parameters to the annual targets by tempered SMC.

Each particle is a whole parameter vector (prior CDF values ``u`` of every parameter in
the registry). The fitted parameters (``model.parameters.FITTED``) are moved by the
sampler; the others keep the prior draw their particle started with and are reweighted
and resampled with it, so their uncertainty carries into the posterior. The likelihood
is the negative-binomial observation model of every target, plus soft constraints:
pure fentanyl consumed in 2021 under 10 t (Kilmer et al. 2022) and the share of CBP's
fentanyl weight seized at ports of entry, FY2019-FY2023, inside 83-92 %.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from borderflow.calibration.smc import tempered_smc
from borderflow.calibration.targets import LAST_YEAR, TARGETS, annual_totals, log_likelihood
from borderflow.errors import BorderflowError
from borderflow.model import engine
from borderflow.model.drivers import START, model_months
from borderflow.model.parameters import FITTED, NAMES, PARAMETERS, member_uniforms
from borderflow.network import CompiledNetwork, load_network
from borderflow.policy import load_scenario
from borderflow.policy.drivers import build

#: The files holding the model's equations and its parameter registry: the posterior is
#: stamped with their hash, and is stale when any of them changes.
MODEL_FILES = ("model/drivers.py", "model/engine.py", "model/market.py",
               "model/migration.py", "model/parameters.py", "model/population.py")
POSTERIOR_FILE = "posterior.json"
KILMER_2021_KG = 10_000.0  # pure fentanyl consumed in the US in 2021, upper bound (kg)
POE_SHARE = (0.83, 0.92)  # share of CBP fentanyl weight seized at ports, FY2019-FY2023
# Soft-constraint widths (judgement): a Gaussian penalty per 1,000 kg above the Kilmer
# bound and per 2 percentage points outside the ports-of-entry range.
KILMER_WIDTH_KG, POE_SHARE_WIDTH = 1000.0, 0.02


def model_hash() -> str:
    """SHA-256 of the model's equation and registry files (front ends excluded)."""
    root = resources.files("borderflow")
    digest = hashlib.sha256()
    for name in MODEL_FILES:
        digest.update(name.encode())
        digest.update(root.joinpath(name).read_bytes())
    return digest.hexdigest()


def parameters_from_unit(u: np.ndarray) -> dict[str, np.ndarray]:
    """Parameter values from prior CDF values ``u`` (particles, all parameters)."""
    return {p.name: p.from_unit(u[:, j]) for j, p in enumerate(PARAMETERS)}


def _soft_constraints(out: dict[str, np.ndarray], months: np.ndarray) -> np.ndarray:
    penalty = np.zeros(out["delivered_kg"].shape[0])
    calendar = annual_totals(out["delivered_kg"].sum(axis=2), months, "calendar")
    if 2021 in calendar["year"].values:  # only inside the calibration window
        excess = (np.maximum(0.0, calendar.sel(year=2021).values - KILMER_2021_KG)
                  / KILMER_WIDTH_KG)
        penalty -= 0.5 * excess**2
    fiscal_ports = annual_totals(out["seizures_lb_ports_of_entry"], months, "fiscal")
    fiscal_all = annual_totals(out["seizures_lb"], months, "fiscal")
    years = [y for y in range(2019, 2024) if y in fiscal_all["year"].values]
    if years:
        share = (fiscal_ports.sel(year=years).sum("year")
                 / fiscal_all.sel(year=years).sum("year")).values
        low, high = POE_SHARE
        outside = np.maximum(0.0, low - share) + np.maximum(0.0, share - high)
        penalty -= 0.5 * (outside / POE_SHARE_WIDTH) ** 2
    return penalty


def log_posterior_function(net: CompiledNetwork, through: int = LAST_YEAR
                           ) -> Callable[[np.ndarray], np.ndarray]:
    """The log-likelihood of particles ``u`` given the targets through ``through``."""
    months = model_months(START, np.datetime64(f"{through}-12", "M"))
    drivers = build(load_scenario("status_quo"), net, months)

    def log_likelihood_of(u: np.ndarray) -> np.ndarray:
        params = parameters_from_unit(u)
        out = engine.run_chunked(net, drivers, params, arc_detail=False)
        out["seizures_lb"] = out["seizures_lb_ports_of_entry"] + out["seizures_lb_between_ports"]
        total = _soft_constraints(out, months)
        for target in TARGETS:
            simulated = annual_totals(out[target.variable], months, target.period)
            total = total + log_likelihood(target, simulated, through)
        return np.where(np.isfinite(total), total, -np.inf)

    return log_likelihood_of


@dataclass(frozen=True)
class Posterior:
    """A calibrated ensemble: prior CDF values of every parameter, per particle."""

    u: np.ndarray  # (particles, parameters) in registry order
    names: tuple[str, ...]
    fitted: tuple[str, ...]
    through: int
    model_hash: str
    temperatures: tuple[float, ...]
    log_evidence: float

    def to_json(self) -> dict:
        """A JSON-able document (what the package ships)."""
        return {
            "model_hash": self.model_hash, "through": self.through,
            "names": list(self.names), "fitted": list(self.fitted),
            "temperatures": list(self.temperatures), "log_evidence": self.log_evidence,
            "u": np.round(self.u, 10).tolist(),
        }

    @classmethod
    def from_json(cls, doc: dict) -> Posterior:
        """Read :meth:`to_json`'s document."""
        return cls(np.asarray(doc["u"], dtype=float), tuple(doc["names"]),
                   tuple(doc["fitted"]), int(doc["through"]), doc["model_hash"],
                   tuple(doc["temperatures"]), float(doc["log_evidence"]))

    def parameters(self, members: np.ndarray) -> dict[str, np.ndarray]:
        """Parameter values of ensemble members: member ``i`` is particle ``i mod N``."""
        if self.names != NAMES:
            raise BorderflowError("the posterior's parameters are not the model's: refit "
                                  "with `borderflow calibrate`")
        return parameters_from_unit(self.u[np.asarray(members) % len(self.u)])


def calibrate(particles: int = 600, through: int = LAST_YEAR, seed: int = 0,
              network: CompiledNetwork | None = None,
              progress: Callable[[float], None] | None = None) -> Posterior:
    """Fit the posterior of the parameters to the targets through ``through``."""
    net = network or load_network().compile()
    fitted_dims = np.array([NAMES.index(n) for n in FITTED])
    start = member_uniforms(np.arange(particles), seed)
    result = tempered_smc(log_posterior_function(net, through), dim=len(NAMES),
                          particles=particles, seed=seed, start=start,
                          move_dims=fitted_dims, progress=progress)
    return Posterior(result.u, NAMES, FITTED, through, model_hash(),
                     tuple(result.temperatures), result.log_evidence)


def shipped_path() -> Path:
    """Where the package keeps its posterior."""
    return Path(str(resources.files("borderflow.calibration").joinpath(POSTERIOR_FILE)))


def load_posterior(path: str | Path | None = None) -> Posterior:
    """The shipped posterior (or one written by ``borderflow calibrate --out``)."""
    if path is None and not shipped_path().is_file():
        raise BorderflowError(
            "no calibrated posterior ships yet: run `borderflow calibrate` or pass a "
            "posterior file"
        )
    file = Path(path) if path is not None else shipped_path()
    if not file.is_file():
        raise BorderflowError(f"{file}: posterior file not found")
    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
        return Posterior.from_json(doc)
    except (ValueError, KeyError, TypeError):
        raise BorderflowError(f"{file}: not a borderflow posterior file") from None
