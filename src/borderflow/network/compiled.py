"""The network as read-only arrays in topological order, for the vectorised model.

Nodes are numbered in a deterministic topological order (ties broken by position in
the file), so every arc goes from a lower to a higher index. Arcs are sorted by
(tail index, position in the file) and stored in CSR form: the arcs leaving node
``n`` are ``out_ptr[n]:out_ptr[n + 1]``. A backward pass over nodes in reverse
order and a forward pass in order (the recursive logit of mechanism 5) therefore
touch each arc once, with no path enumeration.

Units: ``capacity_kg_per_month`` in pure fentanyl-equivalent kg per month,
``cost_usd_per_kg`` in USD per kg, ``interdiction_cost_usd`` in USD per planning year,
``detection`` a probability per kilogram.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from borderflow.errors import NetworkError
from borderflow.network.schema import NODE_KINDS

if TYPE_CHECKING:
    from borderflow.network.schema import Arc, Node


def _frozen(values: Any, dtype: type) -> np.ndarray:
    array = np.array(values, dtype=dtype)
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class CompiledNetwork:
    """Read-only arrays describing a validated network, nodes in topological order.

    Node arrays (length ``n_nodes``, index = topological position)
        ``node_ids``, ``node_kind``, ``node_names``, ``node_attrs`` (extras),
        ``crossing_type`` (``None`` for non-crossings), ``node_lat``, ``node_lon``
        (decimal degrees), ``node_interdiction_cost_usd`` (NaN where not given).
    Arc arrays (length ``n_arcs``, sorted by tail position then file order)
        ``arc_tail``, ``arc_head`` (int64 node indices, ``arc_tail < arc_head``),
        ``capacity_kg_per_month``, ``cost_usd_per_kg``, ``detection``,
        ``interdiction_cost_usd`` (float64), ``arc_ids`` (``(tail, head)`` id pairs),
        ``arc_labels`` (``"tail->head"``), ``arc_attrs`` (extras).
    CSR offsets
        ``out_ptr`` (length ``n_nodes + 1``): arcs leaving node ``n`` are
        ``out_ptr[n]:out_ptr[n + 1]``. ``in_arcs`` lists arc indices sorted by head
        (stable), and arcs entering ``n`` are ``in_arcs[in_ptr[n]:in_ptr[n + 1]]``.
    """

    node_ids: tuple[str, ...]
    node_kind: tuple[str, ...]
    node_names: tuple[str, ...]
    node_attrs: tuple[dict[str, Any], ...]
    crossing_type: tuple[str | None, ...]
    node_lat: np.ndarray
    node_lon: np.ndarray
    node_interdiction_cost_usd: np.ndarray
    arc_ids: tuple[tuple[str, str], ...]
    arc_labels: tuple[str, ...]
    arc_attrs: tuple[dict[str, Any], ...]
    arc_tail: np.ndarray
    arc_head: np.ndarray
    out_ptr: np.ndarray
    in_ptr: np.ndarray
    in_arcs: np.ndarray
    capacity_kg_per_month: np.ndarray
    cost_usd_per_kg: np.ndarray
    detection: np.ndarray
    interdiction_cost_usd: np.ndarray
    source: str = "<network>"
    fingerprint: str = ""  # SHA-256 of the network's content (Network.fingerprint)
    _node_pos: dict[str, int] = field(default_factory=dict, repr=False)
    _arc_pos: dict[tuple[str, str], int] = field(default_factory=dict, repr=False)

    @classmethod
    def from_parts(
        cls,
        nodes: Sequence[Node],
        arcs: Sequence[Arc],
        graph: nx.DiGraph,
        source: str = "<network>",
        fingerprint: str = "",
    ) -> CompiledNetwork:
        """Compile validated nodes and arcs (and their acyclic graph) into arrays."""
        file_pos = {node.id: i for i, node in enumerate(nodes)}
        order = list(nx.lexicographical_topological_sort(graph, key=file_pos.__getitem__))
        by_id = {node.id: node for node in nodes}
        topo = [by_id[node_id] for node_id in order]
        node_pos = {node_id: i for i, node_id in enumerate(order)}

        arc_order = sorted(range(len(arcs)), key=lambda i: (node_pos[arcs[i].tail], i))
        sorted_arcs = [arcs[i] for i in arc_order]
        tail = _frozen([node_pos[a.tail] for a in sorted_arcs], np.int64)
        head = _frozen([node_pos[a.head] for a in sorted_arcs], np.int64)
        n_nodes = len(topo)
        out_ptr = np.zeros(n_nodes + 1, dtype=np.int64)
        np.cumsum(np.bincount(tail, minlength=n_nodes), out=out_ptr[1:])
        out_ptr.setflags(write=False)
        in_ptr = np.zeros(n_nodes + 1, dtype=np.int64)
        np.cumsum(np.bincount(head, minlength=n_nodes), out=in_ptr[1:])
        in_ptr.setflags(write=False)
        in_arcs = _frozen(np.argsort(head, kind="stable"), np.int64)

        return cls(
            node_ids=tuple(order),
            node_kind=tuple(node.kind for node in topo),
            node_names=tuple(node.name for node in topo),
            node_attrs=tuple(dict(node.attrs) for node in topo),
            crossing_type=tuple(node.crossing_type for node in topo),
            node_lat=_frozen([node.lat for node in topo], np.float64),
            node_lon=_frozen([node.lon for node in topo], np.float64),
            node_interdiction_cost_usd=_frozen(
                [
                    np.nan if node.interdiction_cost_usd is None else node.interdiction_cost_usd
                    for node in topo
                ],
                np.float64,
            ),
            arc_ids=tuple(a.key for a in sorted_arcs),
            arc_labels=tuple(a.label for a in sorted_arcs),
            arc_attrs=tuple(dict(a.attrs) for a in sorted_arcs),
            arc_tail=tail,
            arc_head=head,
            out_ptr=out_ptr,
            in_ptr=in_ptr,
            in_arcs=in_arcs,
            capacity_kg_per_month=_frozen(
                [a.capacity_kg_per_month for a in sorted_arcs], np.float64
            ),
            cost_usd_per_kg=_frozen([a.cost_usd_per_kg for a in sorted_arcs], np.float64),
            detection=_frozen([a.detection for a in sorted_arcs], np.float64),
            interdiction_cost_usd=_frozen(
                [a.interdiction_cost_usd for a in sorted_arcs], np.float64
            ),
            source=source,
            fingerprint=fingerprint,
            _node_pos=node_pos,
            _arc_pos={a.key: i for i, a in enumerate(sorted_arcs)},
        )

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.node_ids)

    @property
    def n_arcs(self) -> int:
        """Number of arcs."""
        return len(self.arc_ids)

    def node_index(self, node_id: str) -> int:
        """Return the topological index of node ``node_id``."""
        try:
            return self._node_pos[node_id]
        except KeyError:
            raise NetworkError(f"{self.source}: unknown node {node_id!r}") from None

    def arc_index(self, tail: str, head: str) -> int:
        """Return the index of arc ``tail -> head`` in the arc arrays."""
        try:
            return self._arc_pos[(tail, head)]
        except KeyError:
            raise NetworkError(f"{self.source}: unknown arc {tail!r} -> {head!r}") from None

    def nodes_of_kind(self, kind: str) -> np.ndarray:
        """Return the int64 indices of the nodes of one kind, in topological order."""
        if kind not in NODE_KINDS:
            raise NetworkError(
                f"{self.source}: unknown kind {kind!r}; allowed kinds: {', '.join(NODE_KINDS)}"
            )
        return np.array([i for i, k in enumerate(self.node_kind) if k == kind], dtype=np.int64)

    def shares(self, nodes: np.ndarray, attr: str) -> np.ndarray:
        """Node attribute ``attr`` (e.g. ``supply_share``) of ``nodes``, normalised to sum 1.

        A node without the attribute weighs 1, so a kind without it gets equal shares
        (the loader guarantees that not every weight of a kind is 0).
        """
        w = np.array([float(self.node_attrs[n].get(attr, 1.0)) for n in nodes], dtype=float)
        return w / w.sum()

    def out_arcs(self, node: int | str) -> range:
        """Return the range of arc indices leaving ``node`` (an index or an id)."""
        n = self.node_index(node) if isinstance(node, str) else int(node)
        return range(int(self.out_ptr[n]), int(self.out_ptr[n + 1]))

    def arc_info(self, index: int) -> dict[str, Any]:
        """Return everything known about one arc as a flat mapping.

        Keys: ``from``, ``to``, ``tail_kind``, ``head_kind``, ``tail_crossing_type``,
        ``head_crossing_type``, the four numeric fields, then the arc's extras.
        """
        t, h = int(self.arc_tail[index]), int(self.arc_head[index])
        info: dict[str, Any] = {
            "from": self.node_ids[t],
            "to": self.node_ids[h],
            "tail_kind": self.node_kind[t],
            "head_kind": self.node_kind[h],
            "tail_crossing_type": self.crossing_type[t],
            "head_crossing_type": self.crossing_type[h],
            "capacity_kg_per_month": float(self.capacity_kg_per_month[index]),
            "cost_usd_per_kg": float(self.cost_usd_per_kg[index]),
            "detection": float(self.detection[index]),
            "interdiction_cost_usd": float(self.interdiction_cost_usd[index]),
        }
        info.update(self.arc_attrs[index])
        return info

    def arc_mask(self, predicate: Callable[[Mapping[str, Any]], bool]) -> np.ndarray:
        """Return a read-only boolean array: ``predicate(arc_info(a))`` for each arc ``a``.

        Example: arcs into ports of entry are
        ``arc_mask(lambda a: a["head_crossing_type"] == "port_of_entry")``.
        """
        return _frozen([bool(predicate(self.arc_info(a))) for a in range(self.n_arcs)], bool)
