"""Index arrays derived once from a compiled network, read by the engine's steps.

A :class:`Layout` holds no numbers of the model, only where things are: the sources,
labs and markets, the levels of the backward and forward passes (``docs/model.md``,
"How the engine evaluates the passes"), and which arcs count as Mexican seizures or
lead into each kind of crossing.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from borderflow.network import CompiledNetwork

#: Kinds of node whose incoming arcs' seizures are Mexican seizures.
MEXICO_KINDS = ("port", "lab_region", "staging")
#: What a seizure on an arc loses: the replacement value accumulated up to the arc, i.e.
#: at its tail. Precursor leaving a source or a Mexican port (stage 0), fentanyl from the
#: labs up to and across the border (1), fentanyl inside the US, after a crossing (2);
#: finished fentanyl shipped from a source (``finished_fentanyl: true``) is at stage 1.
#: Each stage has its replacement value (``model.parameters.VALUE_STAGES``).
VALUE_STAGE_OF_TAIL = {"precursor_source": 0, "port": 0, "lab_region": 1, "staging": 1,
                       "crossing": 2, "us_hub": 2}



class Layout(NamedTuple):
    """Index arrays derived once from the compiled network (:func:`layout`)."""

    n_nodes: int
    n_arcs: int
    sources: np.ndarray
    labs: np.ndarray
    markets: np.ndarray
    lab_pos: np.ndarray  # per node: position among labs, or -1
    source_share: np.ndarray  # per source, sums to 1
    lab_share: np.ndarray  # per lab, sums to 1
    log_size_fixed: np.ndarray  # per node: ln(size) for non-lab nodes, 0 for labs
    into_lab: np.ndarray  # arcs whose head is a lab region
    into_lab_col: np.ndarray  # for those arcs: the head's position among labs
    arc_head: np.ndarray  # per arc: head node
    head_lab: np.ndarray  # per arc: its head's position among labs, or -1
    active_ptr: np.ndarray  # active arcs leaving node n: active_arcs[ptr[n]:ptr[n + 1]]
    active_arcs: np.ndarray  # arcs not leaving a market (markets absorb), by tail
    in_ptr: np.ndarray  # arcs entering node n: in_arcs[in_ptr[n]:in_ptr[n + 1]]
    in_arcs: np.ndarray
    backward: np.ndarray  # nodes with an active arc out, by height above the markets
    forward: np.ndarray  # every node, by depth below the sources
    mexico_arc: np.ndarray  # per arc: bool
    mexico_arcs: np.ndarray  # the arcs whose detection is Mexico's
    value_stage: np.ndarray  # per arc: 0 precursor, 1 fentanyl
    poe_arc: np.ndarray  # per arc: bool, land port of entry
    mail_arc: np.ndarray  # per arc: bool, international mail
    between_arc: np.ndarray  # per arc: bool
    between_cols: np.ndarray  # indices of the arcs into between-ports crossings
    poe_cols: np.ndarray  # indices of the arcs into port-of-entry crossings
    crossing_in: np.ndarray  # (crossings, max in-degree): arcs entering, padded with n_arcs


def _padded(groups: list[np.ndarray], pad: int) -> np.ndarray:
    width = max((len(g) for g in groups), default=0)
    out = np.full((len(groups), max(width, 1)), pad, dtype=np.int64)
    for i, g in enumerate(groups):
        out[i, : len(g)] = g
    return out


def _schedule(net: CompiledNetwork, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The order of the two passes: nodes by height, then all nodes by depth.

    A node's height is one more than its highest successor's along active arcs (0 at
    the markets), its depth one more than its deepest predecessor's (0 at the sources).
    The backward pass visits the nodes with an active arc out by rising height, so
    every head is done before its tails; the forward pass visits every node by rising
    depth, so every tail is done before its heads. No path is ever enumerated.
    """
    height = np.zeros(net.n_nodes, dtype=np.int64)
    for n in range(net.n_nodes - 1, -1, -1):
        arcs = np.arange(net.out_ptr[n], net.out_ptr[n + 1])
        arcs = arcs[active[arcs]]
        if len(arcs):
            height[n] = 1 + height[net.arc_head[arcs]].max()
    depth = np.zeros(net.n_nodes, dtype=np.int64)
    for n in range(net.n_nodes):
        ins = net.in_arcs[net.in_ptr[n]:net.in_ptr[n + 1]]
        if len(ins):
            depth[n] = 1 + depth[net.arc_tail[ins]].max()
    senders = np.flatnonzero(height > 0)
    return (senders[np.argsort(height[senders], kind="stable")],
            np.argsort(depth, kind="stable"))


def layout(net: CompiledNetwork) -> Layout:
    """The index arrays of ``net`` that the steps read."""
    kinds = np.array(net.node_kind)
    sources = net.nodes_of_kind("precursor_source")
    labs = net.nodes_of_kind("lab_region")
    markets = net.nodes_of_kind("market")
    lab_pos = np.full(net.n_nodes, -1)
    lab_pos[labs] = np.arange(len(labs))
    log_size = np.zeros(net.n_nodes)
    log_size[markets] = np.log(net.shares(markets, "demand_share"))
    active = kinds[net.arc_tail] != "market"
    backward, forward = _schedule(net, active)
    active_arcs = np.flatnonzero(active)  # arcs are stored sorted by tail
    active_ptr = np.searchsorted(net.arc_tail[active_arcs], np.arange(net.n_nodes + 1))
    head_kind = kinds[net.arc_head]
    head_ct = np.array([net.crossing_type[h] or "" for h in net.arc_head])
    crossing = head_kind == "crossing"
    return Layout(
        n_nodes=net.n_nodes,
        n_arcs=net.n_arcs,
        sources=sources,
        labs=labs,
        markets=markets,
        lab_pos=lab_pos,
        source_share=net.shares(sources, "supply_share"),
        lab_share=net.shares(labs, "capacity_share"),
        log_size_fixed=log_size,
        into_lab=np.flatnonzero(lab_pos[net.arc_head] >= 0),
        into_lab_col=lab_pos[net.arc_head][lab_pos[net.arc_head] >= 0],
        arc_head=np.asarray(net.arc_head, dtype=np.int64),
        head_lab=lab_pos[net.arc_head],
        active_ptr=active_ptr.astype(np.int64),
        active_arcs=active_arcs.astype(np.int64),
        in_ptr=np.asarray(net.in_ptr, dtype=np.int64),
        in_arcs=np.asarray(net.in_arcs, dtype=np.int64),
        backward=backward.astype(np.int64),
        forward=forward.astype(np.int64),
        mexico_arc=np.isin(head_kind, MEXICO_KINDS),
        mexico_arcs=np.flatnonzero(np.isin(head_kind, MEXICO_KINDS)),
        value_stage=np.array([
            1 if attrs.get("finished_fentanyl", False) else VALUE_STAGE_OF_TAIL[kind]
            for kind, attrs in zip(kinds[net.arc_tail], net.arc_attrs, strict=True)
        ], dtype=np.int64),
        poe_arc=crossing & (head_ct == "port_of_entry"),
        mail_arc=crossing & (head_ct == "international_mail"),
        between_arc=crossing & (head_ct == "between_ports"),
        between_cols=np.flatnonzero(crossing & (head_ct == "between_ports")),
        poe_cols=np.flatnonzero(crossing & (head_ct == "port_of_entry")),
        crossing_in=_padded(
            [net.in_arcs[net.in_ptr[c]:net.in_ptr[c + 1]] for c in net.nodes_of_kind("crossing")],
            net.n_arcs,
        ),
    )
