"""The supply-chain network: file format, validation, and compiled arrays.

- :func:`load_network` reads and validates a YAML network file (or the shipped
  default, or an already-parsed mapping) into a :class:`Network`;
- :meth:`Network.compile` gives a :class:`CompiledNetwork` of read-only numpy arrays
  in topological order for the vectorised model;
- every problem is one :class:`~borderflow.errors.NetworkError` whose one-line
  message names the file and the node or arc.

The format is documented in ``docs/network-format.md``. Flows and capacities are pure
fentanyl-equivalent kilograms per month.
"""

from __future__ import annotations

from borderflow.network.compiled import CompiledNetwork
from borderflow.network.core import (
    DEFAULT_NETWORK_FILE,
    DEFAULT_NETWORK_SOURCE,
    Network,
    load_network,
)
from borderflow.network.schema import CROSSING_TYPES, NODE_KINDS, Arc, Node, ODWeight

__all__ = [
    "CROSSING_TYPES",
    "DEFAULT_NETWORK_FILE",
    "DEFAULT_NETWORK_SOURCE",
    "NODE_KINDS",
    "Arc",
    "CompiledNetwork",
    "Network",
    "Node",
    "ODWeight",
    "load_network",
]
