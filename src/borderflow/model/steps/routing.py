"""Route choice by recursive logit, capacity targets and the forward pass (M6).

The backward pass (docs/model.md steps 3-4) computes each node's expected cost-to-go
``V`` and each arc's choice probability ``P``, and the perceived survival ``R`` of a
kilogram from each node to the markets; :func:`targets` turns them into lab capacity
targets and the supply to order (steps 5-6); :func:`forward_pass` sends the supply
along the chosen arcs, through the labs, to the markets. Each pass runs level by level
(:class:`borderflow.model.layout.Level`), never enumerating a path.
"""

from __future__ import annotations

import numpy as np

from borderflow.model.drivers import CLOSED_ARC_COST_USD_PER_KG
from borderflow.model.layout import Layout
from borderflow.model.steps import labs

#: kg/month added to lab size variables so that ``ln(size)`` is finite.
LAB_SIZE_FLOOR_KG = 1e-6


def arc_costs(cost_usd_per_kg: np.ndarray, closed: np.ndarray, scheduled: np.ndarray,
              scheduling_cost_usd_per_kg: np.ndarray, logit_scale_usd_per_kg: np.ndarray,
              log_size_of_head: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Transport cost of each arc and its fixed utility in units of θ, each (M, arcs).

    Args:
        cost_usd_per_kg: the network's cost per arc, USD/kg, (arcs,).
        closed: 1 on arcs closed this month, else 0 (a prohibitive cost), (arcs,).
        scheduled: 1 on finished-fentanyl arcs under China's scheduling, else 0, (arcs,).
        scheduling_cost_usd_per_kg: the scheduling's added cost, USD/kg, (M,).
        logit_scale_usd_per_kg: ``θ``, (M,).
        log_size_of_head: ``ln A`` of each arc's head, 0 for labs (theirs moves), (arcs,).

    Returns ``(c, c/θ − ln A_head)``.

    """
    cost = (cost_usd_per_kg + CLOSED_ARC_COST_USD_PER_KG * closed
            + np.outer(scheduling_cost_usd_per_kg, scheduled))
    return cost, cost / logit_scale_usd_per_kg[:, None] - log_size_of_head


def arc_yield(n_arcs: int, into_lab: np.ndarray, synthesis_yield: np.ndarray) -> np.ndarray:
    """Share of a kilogram on each arc that is still product at its head, (M, arcs).

    The synthesis yield on arcs into lab regions, else 1.
    """
    mask = np.zeros(n_arcs, dtype=bool)
    mask[into_lab] = True
    return np.where(mask, synthesis_yield[:, None], 1.0)


def log_lab_size(capacity_kg: np.ndarray) -> np.ndarray:
    """``ln A`` of each lab region: its share of capacity (floored), (M, labs).

    Args:
        capacity_kg: capacity after destruction, kg per month, (M, labs).

    """
    size = capacity_kg + LAB_SIZE_FLOOR_KG
    return np.log(size / size.sum(axis=1, keepdims=True))


def logit_pass(
    lay: Layout,
    fixed: np.ndarray,
    risk: np.ndarray,
    log_lab_size: np.ndarray,
    value: np.ndarray,
    keep: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass and perceived survival (docs/model.md steps 3-4), in units of θ.

    Costs are divided by each member's logit scale θ once, so the log-sum-exp needs no
    scaling inside the loop: ``u/θ = c/θ + (v/θ) r̂ + V/θ − ln A``.

    Args:
        lay: index arrays of the network.
        fixed: ``(c_a − θ ln A_head)/θ`` for non-lab heads, per arc, (M, arcs).
        risk: perceived seizure probability per arc, (M, arcs).
        log_lab_size: ``ln A`` of each lab region (its share of capacity), (M, labs).
        value: value lost per kg seized over the logit scale, ``v_a/θ``, per arc (the
            replacement value accumulated up to the arc), (M, arcs).
        keep: fraction of a kg on the arc that is still product at its head
            (the yield ``y`` into labs, else 1), (M, arcs).

    Returns ``(V/θ, P, R)``: expected cost-to-go per node in units of θ (M, nodes),
    arc choice probabilities (M, arcs) and perceived survival per node (M, nodes).

    """
    m, n_nodes = fixed.shape[0], lay.n_nodes
    n_arcs = fixed.shape[1]
    # generalised cost of each arc without the head's cost-to-go; the last column is
    # the dummy arc of the padded neighbourhoods (never chosen)
    base = np.empty((m, n_arcs + 1))
    np.multiply(value, risk, out=base[:, :n_arcs])
    base[:, :n_arcs] += fixed
    base[:, n_arcs] = np.inf
    base[:, lay.into_lab] -= log_lab_size[:, lay.into_lab_col]
    survive = np.zeros((m, n_arcs + 1))
    np.multiply(1.0 - risk, keep, out=survive[:, :n_arcs])
    V = np.zeros((m, n_nodes + 1))
    R = np.ones((m, n_nodes + 1))
    R[:, n_nodes] = 0.0
    P = np.zeros((m, n_arcs + 1))
    for lv in lay.backward:
        e = base[:, lv.out_arcs]
        e += V[:, lv.out_heads]
        umin = e.min(axis=2)
        np.subtract(umin[:, :, None], e, out=e)
        np.exp(e, out=e)
        tot = e.sum(axis=2)
        V[:, lv.senders] = umin - np.log(tot)
        e /= tot[:, :, None]
        P[:, lv.out_arcs] = e
        e *= survive[:, lv.out_arcs]
        e *= R[:, lv.out_heads]
        R[:, lv.senders] = e.sum(axis=2)
    return V[:, :n_nodes], P[:, :n_arcs], R[:, :n_nodes]


def targets(
    lay: Layout, V: np.ndarray, R: np.ndarray, pull_kg: np.ndarray, lab_headroom: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Lab capacity targets and total supply ordered (steps 5-6).

    Args:
        lay: index arrays of the network.
        V: cost-to-go per node in units of θ, as :func:`logit_pass` returns it, (M, nodes).
        R: perceived survival per node, (M, nodes).
        pull_kg: the market pull ``D``, kg per month, (M,).
        lab_headroom: spare capacity kept over the need ``h``, a share, (M,).

    Returns ``(K*, S)``: capacity targets, kg per month (M, labs), and the precursor
    supply ordered from all sources, kg per month (M,).

    """
    v_lab = V[:, lay.labs]
    z = v_lab.min(axis=1, keepdims=True) - v_lab
    w = lay.lab_share * np.exp(z)
    w /= w.sum(axis=1, keepdims=True)
    need = pull_kg / (w * R[:, lay.labs]).sum(axis=1)
    k_star = (1.0 + lab_headroom)[:, None] * w * need[:, None]
    supply = pull_kg / (R[:, lay.sources] * lay.source_share).sum(axis=1)
    return k_star, supply


def forward_pass(
    lay: Layout,
    supply_kg: np.ndarray,
    choice: np.ndarray,
    passing: np.ndarray,
    stock_kg: np.ndarray,
    capacity_kg: np.ndarray,
    synthesis_yield: np.ndarray,
    precursor_holding_months: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Send the month's supply to the markets, level by level.

    Args:
        lay: index arrays of the network.
        supply_kg: precursor shipped from each source, kg per month, (M, sources).
        choice: arc choice probabilities ``P``, (M, arcs).
        passing: share of a kg sent along each arc that is not seized, (M, arcs).
        stock_kg: precursor stock after destruction, kg, (M, labs).
        capacity_kg: lab capacity after destruction, kg per month, (M, labs).
        synthesis_yield: kg of fentanyl per kg of precursor, (M,).
        precursor_holding_months: months of capacity a lab keeps in stock, (M,).

    Returns ``(flow_kg, sent_kg, stock_kg, lost_kg)``: kg sent along each arc
    (M, arcs), kg leaving each node (at a lab, its production; at a market, what it
    receives) (M, nodes), precursor stock at the end of the month (M, labs) and mass
    lost in labs (M,).

    """
    m, n_arcs = choice.shape
    send = np.zeros((m, lay.n_nodes))
    send[:, lay.sources] = supply_kg
    # padded: the last column is the dummy arc of the padded neighbourhoods, always 0
    flow = np.zeros((m, n_arcs + 1))
    arriving = np.zeros((m, n_arcs + 1))
    stock = stock_kg.copy()
    lost = np.zeros(m)
    for lv in lay.forward:
        if len(lv.receivers):
            send[:, lv.receivers] = arriving[:, lv.in_arcs].sum(axis=2)
        if len(lv.lab_cols):
            made, stock[:, lv.lab_cols], wasted = labs.synthesise(
                send[:, lv.lab_nodes], stock_kg[:, lv.lab_cols], capacity_kg[:, lv.lab_cols],
                synthesis_yield, precursor_holding_months,
            )
            lost += wasted
            send[:, lv.lab_nodes] = made
        f = send[:, lv.tails] * choice[:, lv.arcs]
        flow[:, lv.arcs] = f
        arriving[:, lv.arcs] = f * passing[:, lv.arcs]
    return flow[:, :n_arcs], send, stock, lost
