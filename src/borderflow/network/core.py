"""The :class:`Network` object and :func:`load_network`, the one door into it.

A :class:`Network` is immutable and always valid: constructing one runs every check
of :mod:`borderflow.network.checks`. Read files with :func:`load_network`, which also
turns every type error into a :class:`~borderflow.errors.NetworkError` naming the file,
the node or arc, and the field.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from borderflow.errors import NetworkError
from borderflow.io import parse_yaml, read_yaml
from borderflow.network.checks import (
    build_graph,
    check_arc,
    check_graph,
    check_ids,
    check_node,
    check_od_weights,
    check_shares,
)
from borderflow.network.compiled import CompiledNetwork
from borderflow.network.schema import (
    NODE_KINDS,
    Arc,
    Node,
    ODWeight,
    parse_document,
)

DEFAULT_NETWORK_FILE = "default.yaml"
"""File name of the shipped default network inside the ``borderflow.network`` package."""

DEFAULT_NETWORK_SOURCE = "borderflow/network/default.yaml"
"""How messages name the shipped default network."""


@dataclass(frozen=True)
class Network:
    """A validated supply-chain network: nodes, arcs and optional origin–destination weights.

    Constructing a Network checks value ranges and the graph (ids, cycles, reachability);
    the field types are trusted, so read untrusted data with :func:`load_network` or
    :meth:`from_dict`. Two networks are equal when their content is (``source`` is not
    compared).

    Attributes
    ----------
    nodes : tuple of Node
        In file order.
    arcs : tuple of Arc
        In file order; identified by ``(tail, head)``.
    od_weights : tuple of ODWeight
        Optional origin–destination pairs with weights >= 0.
    name, description : str or None
        Optional free text.
    source : str
        Where the network came from (a path, ``"<dict>"``, or the default's name);
        every error message starts with it.

    """

    nodes: tuple[Node, ...]
    arcs: tuple[Arc, ...]
    od_weights: tuple[ODWeight, ...] = ()
    name: str | None = None
    description: str | None = None
    source: str = field(default="<network>", compare=False)
    _graph: nx.DiGraph = field(init=False, repr=False, compare=False)
    _node_by_id: dict[str, Node] = field(init=False, repr=False, compare=False)
    _arc_by_key: dict[tuple[str, str], Arc] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("nodes", "arcs", "od_weights"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        for node in self.nodes:
            check_node(node, self.source)
        for arc in self.arcs:
            check_arc(arc, self.source)
        check_ids(self.nodes, self.arcs, self.source)
        check_shares(self.nodes, self.source)
        graph = build_graph(self.nodes, self.arcs)
        check_graph(graph, self.nodes, self.arcs, self.source)
        check_od_weights(graph, self.od_weights, self.source)
        object.__setattr__(self, "_graph", graph)
        object.__setattr__(self, "_node_by_id", {node.id: node for node in self.nodes})
        object.__setattr__(self, "_arc_by_key", {arc.key: arc for arc in self.arcs})

    # -- construction -------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "<dict>") -> Network:
        """Validate an already-parsed network mapping (the structure of a network file).

        Parameters
        ----------
        data : mapping
            Top-level ``nodes`` and ``arcs`` lists, optional ``name``,
            ``description`` and ``od_weights``.
        source : str
            How error messages name the origin of ``data``.

        Raises
        ------
        NetworkError
            On the first problem found, with a one-line message naming ``source``.

        """
        return cls(**parse_document(data, source), source=source)

    def to_dict(self) -> dict[str, Any]:
        """Return the network as the mapping of a network file (round-trips via from_dict)."""
        out: dict[str, Any] = {}
        if self.name is not None:
            out["name"] = self.name
        if self.description is not None:
            out["description"] = self.description
        out["nodes"] = [node.to_dict() for node in self.nodes]
        out["arcs"] = [arc.to_dict() for arc in self.arcs]
        if self.od_weights:
            out["od_weights"] = [od.to_dict() for od in self.od_weights]
        return copy.deepcopy(out)

    def with_arc_changes(
        self, changes: Mapping[tuple[str, str], Mapping[str, Any]], source: str | None = None
    ) -> Network:
        """Return a new, re-validated network with some arcs' fields replaced.

        Parameters
        ----------
        changes : mapping
            ``{(tail, head): {field: value, ...}}``; a field is one of the arc's
            numeric fields (e.g. ``detection``, ``capacity_kg_per_month``) or any
            extra attribute (e.g. ``detection_upgraded``). ``from``/``to`` cannot change.
        source : str, optional
            Name of the result in messages; default ``"<source> (changed)"``.

        Raises
        ------
        NetworkError
            For an unknown arc, an attempt to change ``from``/``to``, or a change
            that makes the network invalid.

        """
        name = source if source is not None else f"{self.source} (changed)"
        data = self.to_dict()
        position = {arc.key: i for i, arc in enumerate(self.arcs)}
        for key, fields in changes.items():
            tail, head = key
            if (tail, head) not in position:
                raise NetworkError(f"{name}: arc {tail!r} -> {head!r}: no such arc to change")
            for fixed in ("from", "to"):
                if fixed in fields:
                    raise NetworkError(
                        f"{name}: arc {tail!r} -> {head!r}: {fixed!r} cannot be changed; "
                        "remove the arc and add another"
                    )
            data["arcs"][position[(tail, head)]].update(copy.deepcopy(dict(fields)))
        return Network.from_dict(data, source=name)

    # -- lookups ------------------------------------------------------------------

    def node(self, node_id: str) -> Node:
        """Return the node with id ``node_id``."""
        try:
            return self._node_by_id[node_id]
        except KeyError:
            raise NetworkError(f"{self.source}: unknown node {node_id!r}") from None

    def arc(self, tail: str, head: str) -> Arc:
        """Return the arc ``tail -> head``."""
        try:
            return self._arc_by_key[(tail, head)]
        except KeyError:
            raise NetworkError(f"{self.source}: unknown arc {tail!r} -> {head!r}") from None

    def nodes_of_kind(self, kind: str) -> tuple[Node, ...]:
        """Return the nodes of one kind, in file order."""
        if kind not in NODE_KINDS:
            raise NetworkError(
                f"{self.source}: unknown kind {kind!r}; allowed kinds: {', '.join(NODE_KINDS)}"
            )
        return tuple(node for node in self.nodes if node.kind == kind)

    def graph(self) -> nx.DiGraph:
        """Return a fresh ``networkx.DiGraph`` with every node and arc attribute on it.

        Node attributes: ``kind``, ``name``, ``lat``, ``lon``, ``interdiction_cost_usd``
        and the extras; arc attributes: the numeric fields and the extras.
        """
        return self._graph.copy()

    def compile(self) -> CompiledNetwork:
        """Return the network as arrays in topological order (computed once, then cached)."""
        compiled = self.__dict__.get("_compiled")
        if compiled is None:
            compiled = CompiledNetwork.from_parts(
                self.nodes, self.arcs, self._graph, source=self.source,
                fingerprint=self.fingerprint(),
            )
            object.__setattr__(self, "_compiled", compiled)
        return compiled

    def fingerprint(self) -> str:
        """Return a SHA-256 hex digest of the network's content (not its source)."""
        text = json.dumps(self.to_dict(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def __repr__(self) -> str:
        counts = ", ".join(
            f"{kind}={sum(node.kind == kind for node in self.nodes)}" for kind in NODE_KINDS
        )
        n_nodes, n_arcs = len(self.nodes), len(self.arcs)
        return f"Network({self.source!r}: {n_nodes} nodes ({counts}), {n_arcs} arcs)"


@functools.cache
def _shipped_network() -> Network:
    """The shipped default network, read once a process (a Network is immutable)."""
    resource = resources.files("borderflow.network").joinpath(DEFAULT_NETWORK_FILE)
    text = resource.read_text(encoding="utf-8")
    return Network.from_dict(
        parse_yaml(text, DEFAULT_NETWORK_SOURCE, NetworkError), source=DEFAULT_NETWORK_SOURCE
    )


def load_network(
    path: str | os.PathLike[str] | Mapping[str, Any] | Network | None = None,
) -> Network:
    """Read and validate a network.

    Parameters
    ----------
    path : str, path-like, mapping, Network or None
        A YAML network file; ``None`` for the shipped default network
        (``borderflow/network/default.yaml``); an already-parsed mapping (validated
        as ``"<dict>"``); or a :class:`Network`, returned unchanged.

    Returns
    -------
    Network

    Raises
    ------
    NetworkError
        If the file is missing or unreadable, is not valid YAML, or does not
        validate; the one-line message names the file and the node or arc.

    """
    if path is None:
        return _shipped_network()
    if isinstance(path, Network):
        return path
    if isinstance(path, Mapping):
        return Network.from_dict(path, source="<dict>")
    if isinstance(path, str | os.PathLike):
        file = Path(path)
        return Network.from_dict(read_yaml(file, NetworkError, "network file"), source=str(file))
    raise NetworkError(
        f"load_network: expected a file path, a mapping or None, got {type(path).__name__}"
    )
