"""Seizures as the agencies count them: gross pounds at and between ports (M6), Mexico's.

The model moves pure fentanyl-equivalent kilograms. CBP weighs what it seizes: pills
and powder, gross. A pure kilogram crossing by land weighs
``g = s_pill / (m_f / m_pill) + (1 − s_pill) / π_powder`` gross kilograms, with the
pill share ``s_pill`` and powder purity ``π_powder`` moving linearly between their
anchor years; by mail it weighs ``1 / π_mail``.
"""

from __future__ import annotations

import numpy as np

KG_TO_LB = 2.20462262


def ramp(year: np.ndarray, y0: float, y1: float, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Linear from ``a`` at ``y0`` to ``b`` at ``y1``, flat outside, (M, T).

    Args:
        year: decimal year of each month, (T,).
        y0: year of the first anchor.
        y1: year of the second anchor.
        a: value at ``y0``, (M,).
        b: value at ``y1``, (M,).

    """
    w = np.clip((year - y0) / (y1 - y0), 0.0, 1.0)
    return a[:, None] + (b - a)[:, None] * w[None, :]


def powder_purity(year: np.ndarray, powder_purity_2018: np.ndarray,
                  powder_purity_2022: np.ndarray) -> np.ndarray:
    """Purity of powder fentanyl, pure kg per gross kg, by month, (M, T)."""
    return ramp(year, 2018.5, 2022.5, powder_purity_2018, powder_purity_2022)


def gross_per_pure(year: np.ndarray, pill_share_2018: np.ndarray, pill_share_2023: np.ndarray,
                   powder_purity_2018: np.ndarray, powder_purity_2022: np.ndarray,
                   pill_fentanyl_mg: np.ndarray, pill_weight_mg: np.ndarray) -> np.ndarray:
    """Gross kg per pure kg of fentanyl crossing by land, by month, (M, T).

    Args:
        year: decimal year of each month, (T,).
        pill_share_2018: share of pure fentanyl crossing in pills in mid-2018, (M,).
        pill_share_2023: the same in mid-2023, (M,).
        powder_purity_2018: powder purity in mid-2018, pure kg per gross kg, (M,).
        powder_purity_2022: the same in mid-2022, (M,).
        pill_fentanyl_mg: fentanyl in a pill, mg, (M,).
        pill_weight_mg: weight of a pill, mg, (M,).

    """
    pill_share = ramp(year, 2018.5, 2023.5, pill_share_2018, pill_share_2023)
    powder = powder_purity(year, powder_purity_2018, powder_purity_2022)
    pill_purity = (pill_fentanyl_mg / pill_weight_mg)[:, None]
    return pill_share / pill_purity + (1.0 - pill_share) / powder


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
    ports = KG_TO_LB * (seized_kg[:, poe_arc].sum(axis=1) * gross_per_pure
                        + seized_kg[:, mail_arc].sum(axis=1) * (1.0 / mail_purity))
    between = KG_TO_LB * seized_kg[:, between_arc].sum(axis=1) * gross_per_pure
    return ports, between


def mexico_kg(seized_kg: np.ndarray, lab_seized_kg: np.ndarray, mexico_arc: np.ndarray
              ) -> np.ndarray:
    """Mexican seizures this month, pure kg: arcs into Mexican nodes and labs, (M,).

    Args:
        seized_kg: pure kg seized on each arc, (M, arcs).
        lab_seized_kg: precursor destroyed in each lab region, kg, (M, labs).
        mexico_arc: arcs into Mexican ports, lab regions and staging areas, (arcs,).

    """
    return seized_kg[:, mexico_arc].sum(axis=1) + lab_seized_kg.sum(axis=1)


def crossing_flow_kg(flow_kg: np.ndarray, crossing_in: np.ndarray) -> np.ndarray:
    """Pure kg sent into each crossing this month, before its seizures, (M, crossings).

    Args:
        flow_kg: kg sent along each arc, (M, arcs).
        crossing_in: arcs into each crossing, padded with ``arcs``, (crossings, width).

    """
    padded = np.zeros((flow_kg.shape[0], flow_kg.shape[1] + 1))
    padded[:, :-1] = flow_kg
    return padded[:, crossing_in].sum(axis=2)
