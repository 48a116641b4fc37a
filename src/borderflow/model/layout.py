"""Index arrays derived once from a compiled network, read by the engine's steps.

A :class:`Layout` holds no numbers of the model, only where things are: the sources,
labs and markets, the levels of the backward and forward passes (``docs/model.md``,
"How the engine evaluates the passes"), and which arcs count as Mexican seizures or
lead into each kind of crossing.
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Level:
    """Nodes handled together in one vectorised step of a pass.

    Neighbourhoods are padded to rectangles so that sums and minima run along a
    trailing axis: ``out_arcs`` (senders × max out-degree) lists the active arcs
    leaving each sender, padded with the dummy arc index ``n_arcs``; ``out_heads``
    their heads, padded with the dummy node ``n_nodes``; ``in_arcs`` (receivers × max
    in-degree) the arcs entering each receiver, padded with ``n_arcs``. ``arcs`` and
    ``tails`` list the real arcs leaving the senders, flat. ``lab_cols`` are the
    positions among labs of the senders that are lab regions, ``lab_nodes`` their
    node indices.
    """

    senders: np.ndarray
    out_arcs: np.ndarray
    out_heads: np.ndarray
    arcs: np.ndarray
    tails: np.ndarray
    receivers: np.ndarray
    in_arcs: np.ndarray
    lab_cols: np.ndarray
    lab_nodes: np.ndarray


@dataclass(frozen=True)
class Layout:
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
    backward: tuple[Level, ...]  # by height above the markets, lowest first
    forward: tuple[Level, ...]  # by depth below the sources, shallowest first
    mexico_arc: np.ndarray  # per arc: bool
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


def _level(net: CompiledNetwork, senders: list[int], receivers: list[int],
           active: np.ndarray, lab_pos: np.ndarray) -> Level:
    groups = [np.arange(net.out_ptr[n], net.out_ptr[n + 1]) for n in senders]
    groups = [g[active[g]] for g in groups]
    arcs = np.concatenate(groups) if groups else np.zeros(0, dtype=np.int64)
    out_arcs = _padded(groups, net.n_arcs)
    heads = np.append(net.arc_head, net.n_nodes)[out_arcs]
    ins = [net.in_arcs[net.in_ptr[n]:net.in_ptr[n + 1]] for n in receivers]
    senders_arr = np.array(senders, dtype=np.int64)
    lab_senders = senders_arr[lab_pos[senders_arr] >= 0]
    return Level(
        senders=senders_arr,
        out_arcs=out_arcs,
        out_heads=heads,
        arcs=arcs,
        tails=net.arc_tail[arcs],
        receivers=np.array(receivers, dtype=np.int64),
        in_arcs=_padded(ins, net.n_arcs),
        lab_cols=lab_pos[lab_senders],
        lab_nodes=lab_senders,
    )


def _schedule(net: CompiledNetwork, is_market: np.ndarray, lab_pos: np.ndarray
              ) -> tuple[tuple[Level, ...], tuple[Level, ...]]:
    """Group nodes into levels: by height for the backward pass, depth for the forward.

    Arcs out of markets are inactive (markets absorb). Every node of a level depends
    only on nodes of earlier levels, so a level is one set of array operations.
    """
    active = ~is_market[net.arc_tail]
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
    backward = tuple(
        _level(net, [int(n) for n in np.flatnonzero(height == h)], [], active, lab_pos)
        for h in range(1, int(height.max()) + 1)
    )
    forward = tuple(
        _level(
            net,
            [int(n) for n in np.flatnonzero(depth == d) if height[n] > 0],
            [int(n) for n in np.flatnonzero(depth == d)] if d > 0 else [],
            active,
            lab_pos,
        )
        for d in range(int(depth.max()) + 1)
    )
    return backward, forward


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
    backward, forward = _schedule(net, kinds == "market", lab_pos)
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
        backward=backward,
        forward=forward,
        mexico_arc=np.isin(head_kind, MEXICO_KINDS),
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
