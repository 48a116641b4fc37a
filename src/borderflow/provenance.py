"""Provenance: what a result was computed from, recorded on every result.

Package version, the hash of the model's equations, the network (its file and the
SHA-256 of its content), the data the run and its parameters rest on, how the
parameters were drawn and the seed. Two results with the same provenance come from
the same computation; a result whose model hash differs from today's came from other
equations.
"""

from __future__ import annotations

from borderflow import __version__
from borderflow.calibration.calibrate import Posterior, model_hash
from borderflow.calibration.targets import LAST_YEAR
from borderflow.network import CompiledNetwork

#: The data every run rests on (drivers and observed inputs): the packaged series.
PACKAGED = f"packaged cited series (window to {LAST_YEAR})"


def describe_parameters(source: Posterior | None) -> str:
    """How an ensemble's parameters were drawn, for tables, reports and provenance."""
    if source is None:
        return "prior draws (uncalibrated)"
    fitted_on = "" if not source.network_fingerprint else (
        f", network {source.network_fingerprint[:12]}")
    return (f"calibrated posterior ({len(source.u)} particles, {len(source.fitted)} fitted "
            f"parameters, data through {source.through} ({source.data}{fitted_on}); "
            f"{len(source.held)} others keep their prior, one draw per group of a modular "
            "calibration)")


def provenance(network: CompiledNetwork, source: Posterior | None, seed: int
               ) -> dict[str, object]:
    """The provenance record of a result computed on ``network`` from ``source``."""
    return {
        "borderflow_version": __version__,
        "model_hash": model_hash(),
        "network": network.source,
        "network_fingerprint": network.fingerprint,
        "data": PACKAGED,
        "parameters": describe_parameters(source),
        "seed": seed,
    }
