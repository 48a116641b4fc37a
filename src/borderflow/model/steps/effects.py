"""What a lever's quantity does physically, through the members' effectiveness.

Levers are set in the units a government controls (persons, raids, strikes, scan
rates, USD, a controls' coverage); each function here maps one such quantity to the
physical effect the mechanisms use, through parameters with their own priors, so a
result never merely restates its input.
"""

from __future__ import annotations

import numpy as np

from borderflow.model.drivers import SCAN_RATE_REFERENCE
from borderflow.model.jit import jit


@jit
def stopped_share(coverage: np.ndarray, control_effectiveness: np.ndarray) -> np.ndarray:
    """Share of each source's precursor supply stopped by controls in a month, (M, sources).

    Args:
        coverage: share of each source's exports the controls cover, (sources,).
        control_effectiveness: share of the covered exports that stops, (M,).

    """
    return control_effectiveness[:, None] * coverage


@jit
def lab_share_reached(hits: np.ndarray, active_labs_per_hit: np.ndarray,
                      active_labs: np.ndarray, lab_share: np.ndarray) -> np.ndarray:
    """Share of each lab region's capacity that a month's raids or strikes destroy, (M, labs).

    A region holds ``N s_l`` of the ``N`` active labs (``s_l`` its capacity share); each
    hit destroys ``a`` active labs of it at random, so ``n`` hits leave
    ``(1 − a / (N s_l))^n`` of its capacity.

    Args:
        hits: raids or strikes on each region in the month, (labs,).
        active_labs_per_hit: active labs one hit destroys ``a`` (a raid: the share of
            raids finding an active lab), (M,).
        active_labs: active labs in Mexico ``N``, (M,).
        lab_share: each region's share of capacity, (labs,).

    """
    reached = np.zeros((len(active_labs), len(hits)))
    if not hits.any():  # a month without hits reaches nothing (x^0 = 1)
        return reached
    labs_there = active_labs[:, None] * np.maximum(lab_share, 1e-12)  # (M, labs)
    each = np.minimum(1.0, active_labs_per_hit[:, None] / labs_there)
    return 1.0 - (1.0 - each) ** hits


def saturating(amount: np.ndarray, scale: np.ndarray, top: np.ndarray | float = 1.0
               ) -> np.ndarray:
    """``top (1 − exp(−x / x₀))``: an effect with diminishing returns, (M, T).

    Args:
        amount: the quantity by month ``x`` (persons, USD a year), (T,).
        scale: the amount ``x₀`` that reaches 63 % of the top effect, (M,).
        top: the largest effect, scalar or (M,).

    """
    top_m = np.broadcast_to(np.asarray(top, dtype=float), scale.shape)[:, None]
    return top_m * -np.expm1(-amount[None, :] / scale[:, None])


@jit
def us_effort(scan_rate: np.ndarray, agents: np.ndarray, scan_effectiveness: np.ndarray,
              bp_agent_elasticity: np.ndarray) -> np.ndarray:
    """US-side inspection effort multiplier on each arc, (M, arcs).

    At a port of entry ``(1 + η s) / (1 + η s_ref)`` with scan rate ``s`` and the
    reference rate :data:`~borderflow.model.drivers.SCAN_RATE_REFERENCE` (2 %, 2020-22)
    the nominal detection refers to; between ports ``(1 + n)^β`` with ``n`` the agents
    added relative to the sector's own. 1 on every other arc.

    Args:
        scan_rate: passenger-vehicle NII scan rate on arcs into ports of entry, the
            reference rate elsewhere, (arcs,).
        agents: relative agents added on arcs into between-ports crossings, (arcs,).
        scan_effectiveness: ``η``, effort per unit of scan rate, (M,).
        bp_agent_elasticity: ``β``, (M,).

    """
    eta = scan_effectiveness[:, None]
    scans = (1.0 + eta * scan_rate[None, :]) / (1.0 + eta * SCAN_RATE_REFERENCE)
    return scans * (1.0 + agents[None, :]) ** bp_agent_elasticity[:, None]


@jit
def port_effort(inspectors: np.ndarray, mx_port_inspectors: np.ndarray) -> np.ndarray:
    """Mexican-side inspection effort multiplier on each arc, (M, arcs).

    ``1 + added / staff`` on arcs into Mexican ports: independent inspections grow with
    the inspectors; 1 elsewhere.

    Args:
        inspectors: inspectors added at the port each arc enters, 0 elsewhere, (arcs,).
        mx_port_inspectors: inspectors already at a port, (M,).

    """
    return 1.0 + inspectors[None, :] / mx_port_inspectors[:, None]
