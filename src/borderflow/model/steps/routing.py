"""Route choice by recursive logit, capacity targets and the forward pass (M6).

The backward pass (docs/model.md steps 3-4) computes each node's expected cost-to-go
``V`` and each arc's choice probability ``P``, and the perceived survival ``R`` of a
kilogram from each node to the markets; :func:`targets` turns them into lab capacity
targets and the supply to order (steps 5-6); :func:`forward_pass` sends the supply
along the chosen arcs, through the labs, to the markets. Each pass visits the nodes once, in
the order :func:`borderflow.model.layout.layout` schedules, never enumerating a path;
the passes' loops are compiled (:mod:`borderflow.model.jit`).
"""

from __future__ import annotations

import numpy as np

from borderflow.model.drivers import CLOSED_ARC_COST_USD_PER_KG
from borderflow.model.jit import jit
from borderflow.model.layout import Layout
from borderflow.model.steps import labs

#: kg/month added to lab size variables so that ``ln(size)`` is finite.
LAB_SIZE_FLOOR_KG = 1e-6


@jit
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


@jit
def _row_min(x: np.ndarray) -> np.ndarray:
    """Each row's minimum (numba's ``min`` takes no axis)."""
    out = np.empty(x.shape[0])
    for i in range(x.shape[0]):
        out[i] = x[i].min()
    return out


def arc_yield(n_arcs: int, into_lab: np.ndarray, synthesis_yield: np.ndarray) -> np.ndarray:
    """Share of a kilogram on each arc that is still product at its head, (M, arcs).

    The synthesis yield on arcs into lab regions, else 1.
    """
    mask = np.zeros(n_arcs, dtype=bool)
    mask[into_lab] = True
    return np.where(mask, synthesis_yield[:, None], 1.0)


@jit
def log_lab_size(capacity_kg: np.ndarray) -> np.ndarray:
    """``ln A`` of each lab region: its share of capacity (floored), (M, labs).

    Args:
        capacity_kg: capacity after destruction, kg per month, (M, labs).

    """
    size = capacity_kg + LAB_SIZE_FLOOR_KG
    return np.log(size / size.sum(axis=1)[:, None])


@jit
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
    arc choice probabilities (M, arcs) and perceived survival per node (M, nodes);
    0, 0 and 1 at the markets, where routes end.

    """
    m = fixed.shape[0]
    V, P, R = np.empty((m, lay.n_nodes)), np.empty((m, lay.n_arcs)), np.empty((m, lay.n_nodes))
    _backward(fixed, risk, log_lab_size, value, keep, lay.backward, lay.active_ptr,
              lay.active_arcs, lay.arc_head, lay.head_lab, V, P, R)
    return V, P, R


#: Members the backward pass steps together: its inner loops run along them (SIMD).
BLOCK = 16


@jit
def _backward(fixed: np.ndarray, risk: np.ndarray, log_lab_size: np.ndarray,
              value: np.ndarray, keep: np.ndarray, order: np.ndarray, ptr: np.ndarray,
              arcs: np.ndarray, head: np.ndarray, head_lab: np.ndarray, V: np.ndarray,
              P: np.ndarray, R: np.ndarray) -> None:
    """:func:`logit_pass`'s loops, node by node, for :data:`BLOCK` members at a time.

    Per block: each arc's cost without its head's cost-to-go and its perceived
    survival, then the nodes in order (a single way out is chosen for sure); the block's
    values are laid out member-last so that the innermost loops run along members.
    Writes V, P and R.
    """
    m, n_arcs = fixed.shape
    n_nodes = V.shape[1]
    base, survive = np.empty((n_arcs, BLOCK)), np.empty((n_arcs, BLOCK))
    v, r, p = np.zeros((n_nodes, BLOCK)), np.ones((n_nodes, BLOCK)), np.zeros((n_arcs, BLOCK))
    umin, total, survival = np.empty(BLOCK), np.empty(BLOCK), np.empty(BLOCK)
    for first_member in range(0, m, BLOCK):
        size = min(BLOCK, m - first_member)
        for a in range(n_arcs):
            lab = head_lab[a]
            for j in range(size):
                i = first_member + j
                cost = value[i, a] * risk[i, a] + fixed[i, a]
                if lab >= 0:
                    cost -= log_lab_size[i, lab]
                base[a, j] = cost
                survive[a, j] = (1.0 - risk[i, a]) * keep[i, a]
        for n in order:
            first, last = ptr[n], ptr[n + 1]
            if last - first == 1:
                a = arcs[first]
                h = head[a]
                for j in range(BLOCK):
                    v[n, j] = base[a, j] + v[h, j]
                    p[a, j] = 1.0
                    r[n, j] = survive[a, j] * r[h, j]
                continue
            umin[:] = np.inf
            for k in range(first, last):  # p holds the costs, then exp, then shares
                a = arcs[k]
                h = head[a]
                for j in range(BLOCK):
                    p[a, j] = base[a, j] + v[h, j]
                    umin[j] = min(umin[j], p[a, j])
            total[:] = 0.0
            for k in range(first, last):
                a = arcs[k]
                for j in range(BLOCK):
                    p[a, j] = np.exp(umin[j] - p[a, j])
                    total[j] += p[a, j]
            for j in range(BLOCK):
                v[n, j] = umin[j] - np.log(total[j])
                total[j] = 1.0 / total[j]
                survival[j] = 0.0
            for k in range(first, last):
                a = arcs[k]
                h = head[a]
                for j in range(BLOCK):
                    p[a, j] *= total[j]
                    survival[j] += p[a, j] * survive[a, j] * r[h, j]
            for j in range(BLOCK):
                r[n, j] = survival[j]
        for j in range(size):
            i = first_member + j
            for n in range(n_nodes):
                V[i, n], R[i, n] = v[n, j], r[n, j]
            for a in range(n_arcs):
                P[i, a] = p[a, j]


@jit
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
    z = _row_min(v_lab)[:, None] - v_lab
    w = lay.lab_share * np.exp(z)
    w /= w.sum(axis=1)[:, None]
    need = pull_kg / (w * R[:, lay.labs]).sum(axis=1)
    k_star = (1.0 + lab_headroom)[:, None] * w * need[:, None]
    supply = pull_kg / (R[:, lay.sources] * lay.source_share).sum(axis=1)
    return k_star, supply


@jit
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
    """Send the month's supply to the markets, node by node in order of depth.

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
    send, flow = np.zeros((m, lay.n_nodes)), np.zeros((m, n_arcs))
    send[:, lay.sources] = supply_kg
    stock, lost = stock_kg.copy(), np.zeros(m)
    _forward(choice, passing, stock_kg, capacity_kg, synthesis_yield, precursor_holding_months,
             lay.forward, lay.active_ptr, lay.active_arcs, lay.in_ptr, lay.in_arcs, lay.lab_pos,
             send, flow, stock, lost)
    return flow, send, stock, lost


@jit
def _forward(choice: np.ndarray, passing: np.ndarray, stock_kg: np.ndarray,
             capacity_kg: np.ndarray, synthesis_yield: np.ndarray, holding_months: np.ndarray,
             order: np.ndarray, ptr: np.ndarray, arcs: np.ndarray, in_ptr: np.ndarray,
             in_arcs: np.ndarray, lab_pos: np.ndarray, send: np.ndarray, flow: np.ndarray,
             stock: np.ndarray, lost: np.ndarray) -> None:
    """:func:`forward_pass`'s loops, member by member (writes send, flow, stock, lost).

    A node receives what arrives on its arcs in, a lab region with a way out turns it
    (with its stock) into fentanyl, and the node sends it along its active arcs.
    """
    arriving = np.zeros(choice.shape[1])
    for i in range(choice.shape[0]):
        arriving[:] = 0.0
        for n in order:
            if in_ptr[n + 1] > in_ptr[n]:
                total = 0.0
                for k in range(in_ptr[n], in_ptr[n + 1]):
                    total += arriving[in_arcs[k]]
                send[i, n] = total
            col = lab_pos[n]
            if col >= 0 and ptr[n + 1] > ptr[n]:
                made, stock[i, col], wasted = labs.synthesise(
                    send[i, n], stock_kg[i, col], capacity_kg[i, col], synthesis_yield[i],
                    holding_months[i])
                lost[i] += wasted
                send[i, n] = made
            for k in range(ptr[n], ptr[n + 1]):
                a = arcs[k]
                f = send[i, n] * choice[i, a]
                flow[i, a] = f
                arriving[a] = f * passing[i, a]
