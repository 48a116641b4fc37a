"""Seizures as the agencies count them: gross pounds at and between ports (M6), Mexico's.

The model moves pure fentanyl-equivalent kilograms. CBP weighs what it seizes: pills
and powder, gross. A pure kilogram crossing by land weighs
``g = s_pill / (m_f / m_pill) + (1 − s_pill) / π_powder`` gross kilograms, with the
pills' share of pure mass ``s_pill`` and the powder purity ``π_powder`` the observed
inputs of :mod:`~borderflow.model.steps.potency` (which computes ``g``); by mail it
weighs ``1 / π_mail``.
"""

from __future__ import annotations

import numpy as np

from borderflow.model.jit import jit

KG_TO_LB = 2.20462262


@jit
def cbp_lb(seized_kg: np.ndarray, poe_arc: np.ndarray, mail_arc: np.ndarray,
           between_arc: np.ndarray, gross_per_pure: np.ndarray, mail_purity: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:
    """CBP's fentanyl seizures this month, gross lb, at ports and between ports, each (M,).

    Args:
        seized_kg: pure kg seized on each arc, (M, arcs).
        poe_arc: arcs into land ports of entry, bool (arcs,).
        mail_arc: arcs into international mail facilities (counted at ports), (arcs,).
        between_arc: arcs into between-ports crossings, (arcs,).
        gross_per_pure: gross kg per pure kg by land this month, (M,).
        mail_purity: purity of fentanyl by mail, pure kg per gross kg, (M,).

    """
    m = seized_kg.shape[0]
    poe, mail, between = np.zeros(m), np.zeros(m), np.zeros(m)
    for i in range(m):
        for a in range(seized_kg.shape[1]):
            if poe_arc[a]:
                poe[i] += seized_kg[i, a]
            elif mail_arc[a]:
                mail[i] += seized_kg[i, a]
            elif between_arc[a]:
                between[i] += seized_kg[i, a]
    return (KG_TO_LB * (poe * gross_per_pure + mail * (1.0 / mail_purity)),
            KG_TO_LB * between * gross_per_pure)


@jit
def mexico_kg(seized_kg: np.ndarray, lab_seized_kg: np.ndarray, mexico_arc: np.ndarray
              ) -> np.ndarray:
    """Mexico's own seizures this month, pure kg, (M,).

    Arcs into Mexican nodes and its lab takedowns, not what US strikes destroy.

    Args:
        seized_kg: pure kg seized on each arc, (M, arcs).
        lab_seized_kg: precursor Mexico's takedowns destroyed in each lab region, kg,
            (M, labs).
        mexico_arc: arcs into Mexican ports, lab regions and staging areas, (arcs,).

    """
    total = lab_seized_kg.sum(axis=1)
    for i in range(seized_kg.shape[0]):
        on_arcs = 0.0
        for a in range(seized_kg.shape[1]):
            if mexico_arc[a]:
                on_arcs += seized_kg[i, a]
        total[i] += on_arcs
    return total


@jit
def into_crossings(kg_on_arcs: np.ndarray, crossing_in: np.ndarray) -> np.ndarray:
    """Pure kg on the arcs into each crossing this month, summed by crossing, (M, crossings).

    Of the flow: what is sent to each crossing, before its seizures; of the seizures:
    what is seized there (the crossing's inspection acts on the arcs into it).

    Args:
        kg_on_arcs: kg sent (or seized) along each arc, (M, arcs).
        crossing_in: arcs into each crossing, padded with ``arcs``, (crossings, width).

    """
    out = np.zeros((kg_on_arcs.shape[0], crossing_in.shape[0]))
    for c in range(crossing_in.shape[0]):
        for a in crossing_in[c]:
            if a < kg_on_arcs.shape[1]:
                out[:, c] += kg_on_arcs[:, a]
    return out
