"""Batched engine vs the plain-Python reference, side by side in one run.

Fixed configuration: the default network and ``status_quo``, 2010-01 to 2035-12; the
batched engine on 10,000 members (``engine.run_chunked``, as ``simulate`` runs it: member
chunks on one thread per core), recording what ``borderflow run`` records (``compare``'s
outputs, :data:`borderflow.api.COMPARE_OUTPUTS`), and the reference on the first 100 of
the same members (which records everything). Both compute every quantity of the model.
Prints each one's member-months per second; the engine's rate on one thread, when it
records every output (``simulate``'s default) and when it also stores the per-arc flow
and seizure arrays; the rate of a 2025-2034 forecast resumed from the shipped
posterior's stored end-of-window states (what ``simulate(start="2025-01")`` runs); the
process's peak memory over those runs; the single-thread ratio and, last,
``engine speedup vs reference: <ratio>x`` (the engine as shipped vs the reference).

Usage: ``python benchmarks/engine.py [--members 10000] [--reference-members 100]``
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np

from borderflow.api import COMPARE_OUTPUTS
from borderflow.calibration.calibrate import load_posterior
from borderflow.model import engine, parameters
from borderflow.model.drivers import START, model_months
from borderflow.network import load_network
from borderflow.policy import load_scenario, registry
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
    draws = {**parameters.sample(args.members, seed=0),
             **registry.lever_parameters(range(args.members), seed=0)}

    def engine_rate(arc_detail: bool, workers: int | None, outputs=COMPARE_OUTPUTS) -> float:
        start = time.perf_counter()
        out = engine.run_chunked(net, drivers, draws, arc_detail=arc_detail, workers=workers,
                                 outputs=outputs)
        # priced as simulate prices it (the reference computes the policy cost in its loop)
        registry.policy_cost_usd(draws, drivers, out["treatment_slots_used"])
        return args.members * months / (time.perf_counter() - start)

    # compile the engine first (once after installing; cached beside the package)
    engine.run(net, drivers, {k: v[:2] for k, v in draws.items()}, arc_detail=False)
    single = engine_rate(arc_detail=False, workers=1)
    rate = engine_rate(arc_detail=False, workers=None)

    # the forecast window from the shipped posterior's stored end-of-window states,
    # 2025-01 to 2034-12, recording what `borderflow run` records
    posterior = load_posterior()
    window = build(load_scenario("status_quo"), net,
                   model_months(START, np.datetime64("2034-12", "M")))
    t0 = int(np.flatnonzero(window.months == np.datetime64("2025-01", "M"))[0])
    members = np.arange(args.members)  # member i is particle i mod N
    forecast_draws = {**posterior.parameters(members),
                      **registry.lever_parameters(members, seed=0)}
    start_state = posterior.start_state(members)
    begin = time.perf_counter()
    out = engine.run_chunked(net, window, forecast_draws, arc_detail=False,
                             start=(t0, start_state), outputs=COMPARE_OUTPUTS)
    registry.policy_cost_usd(forecast_draws, window, out["treatment_slots_used"], t0)
    forecast_rate = args.members * (window.n_months - t0) / (time.perf_counter() - begin)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # kB on Linux
    every_rate = engine_rate(arc_detail=False, workers=None, outputs=None)
    detail_rate = engine_rate(arc_detail=True, workers=None, outputs=None)

    first = {k: v[: args.reference_members] for k, v in draws.items()}
    start = time.perf_counter()
    simulate_reference(net, drivers, first)
    reference_rate = args.reference_members * months / (time.perf_counter() - start)

    print(f"network: {net.n_nodes} nodes, {net.n_arcs} arcs; {months} months")
    cores = os.cpu_count()
    print(f"batched engine, 1 thread: {args.members} members, {single:,.0f} member-months/s")
    print(f"batched engine, {cores} threads (as simulate runs it): {args.members} members, "
          f"{rate:,.0f} member-months/s")
    print(f"batched engine, {cores} threads, recording every output: "
          f"{every_rate:,.0f} member-months/s")
    print(f"batched engine, {cores} threads, recording every output and the per-arc arrays: "
          f"{detail_rate:,.0f} member-months/s")
    print(f"batched engine, {cores} threads, 2025-2034 from the stored end-of-window state: "
          f"{args.members} members, {forecast_rate:,.0f} member-months/s "
          f"({args.members * (window.n_months - t0) / forecast_rate:.2f} s for the window)")
    print(f"reference (plain Python, 1 thread): {args.reference_members} members, "
          f"{reference_rate:,.0f} member-months/s")
    print(f"peak memory (resident) running what `borderflow run` records for "
          f"{args.members} members, 2010-2035 and 2025-2034: {peak:.2f} GB")
    print(f"engine speedup vs reference, 1 thread each: {single / reference_rate:.1f}x")
    print(f"engine speedup vs reference: {rate / reference_rate:.1f}x")


if __name__ == "__main__":
    main()
