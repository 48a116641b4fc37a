"""Batched engine vs the plain-Python reference, side by side in one run.

Fixed configuration: the default network and ``status_quo``, 2010-01 to 2035-12; the
batched engine on 10,000 members (in chunks of ``CHUNK_MEMBERS``) and the reference on
the first 100 of the same members. Prints each one's member-months per second and, last,
``engine speedup vs reference: <ratio>x``.

Usage: ``python benchmarks/engine.py [--members 10000] [--reference-members 100]``
"""

from __future__ import annotations

import argparse
import time

from borderflow.api import CHUNK_MEMBERS
from borderflow.model import engine, parameters
from borderflow.network import load_network
from borderflow.policy import load_scenario
from borderflow.policy.drivers import build
from borderflow.reference import simulate_reference


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--reference-members", type=int, default=100)
    args = parser.parse_args()

    net = load_network().compile()
    drivers = build(load_scenario("status_quo"), net)
    months = drivers.n_months
    draws = parameters.sample(args.members, seed=0)

    start = time.perf_counter()
    for i in range(0, args.members, CHUNK_MEMBERS):
        engine.run(net, drivers, {k: v[i:i + CHUNK_MEMBERS] for k, v in draws.items()})
    engine_rate = args.members * months / (time.perf_counter() - start)

    first = {k: v[: args.reference_members] for k, v in draws.items()}
    start = time.perf_counter()
    simulate_reference(net, drivers, first)
    reference_rate = args.reference_members * months / (time.perf_counter() - start)

    print(f"network: {net.n_nodes} nodes, {net.n_arcs} arcs; {months} months")
    print(f"batched engine: {args.members} members, {engine_rate:,.0f} member-months/s")
    print(f"reference: {args.reference_members} members, {reference_rate:,.0f} member-months/s")
    print(f"engine speedup vs reference: {engine_rate / reference_rate:.1f}x")


if __name__ == "__main__":
    main()
