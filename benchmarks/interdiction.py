"""Exact interdiction (HiGHS MILP) vs greedy on layered networks of growing size.

For each size (about that many arcs) one seeded layered network is generated
(``borderflow.network.synthetic.layered_network``: 4 precursor sources, 4 markets,
out-degree 3, 16 origin–destination pairs). A stated share of the arcs are candidates
(``--candidate-share``, default 0.5); the budget buys about ``--budget-share`` (5 %) of
all arcs at the mean candidate cost (USD 3 M). Both objectives are solved with a time
limit per case (``--time-limit``, default 600 s) and a greedy heuristic is run on the
same problem. Prints, per size and objective: arcs, binaries, rows, solve seconds,
status, gap, the MILP objective, its independent re-score, the baseline (nothing
interdicted), the greedy objective and the greedy/optimum ratio (>= 1: how much more
flow or evader success greedy leaves), then the largest size solved to optimality.

Usage: ``python benchmarks/interdiction.py [--sizes 100 1000 10000] [--time-limit 600]
[--candidate-share 0.5] [--objectives evader maxflow]``
"""

from __future__ import annotations

import argparse
import math
import os
import time

from borderflow.interdiction import optimize_interdiction, prepare
from borderflow.interdiction.evader import build_evader_milp
from borderflow.interdiction.greedy import greedy_plan
from borderflow.interdiction.maxflow import build_maxflow_milp
from borderflow.network import load_network
from borderflow.network.synthetic import layered_network

MEAN_CANDIDATE_COST_USD = 3.0e6  # the generator's default range is USD 1-5 M


def dimensions(n_arcs: int) -> tuple[int, int]:
    """Layers and width giving about ``n_arcs`` arcs with out-degree 3."""
    layers = max(2, round(math.sqrt(n_arcs) / 5))
    width = max(2, round(n_arcs / (1 + 3.1 * layers)))
    return layers, width


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--time-limit", type=float, default=600.0)
    parser.add_argument("--candidate-share", type=float, default=0.5)
    parser.add_argument("--budget-share", type=float, default=0.05)
    parser.add_argument("--objectives", nargs="+", default=["evader", "maxflow"])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    print(f"{os.cpu_count()} cores; candidates: {args.candidate_share:.0%} of arcs; budget: "
          f"{args.budget_share:.0%} of arcs at USD {MEAN_CANDIDATE_COST_USD:,.0f}; "
          f"time limit {args.time_limit:.0f} s per case")
    header = (f"{'size':>6} {'arcs':>6} {'objective':>9} {'binaries':>8} {'rows':>7} "
              f"{'solve_s':>8} {'status':>10} {'gap':>8} {'milp':>12} {'verified':>12} "
              f"{'baseline':>12} {'greedy':>12} {'greedy/opt':>10} {'greedy_s':>8}")
    print(header)
    print("-" * len(header))
    solved: dict[str, list[int]] = {objective: [] for objective in args.objectives}
    for size in args.sizes:
        layers, width = dimensions(size)
        net = load_network(layered_network(
            seed=args.seed, n_layers=layers, width=width, n_sources=4, n_sinks=4,
            out_degree=3, od_pairs=16, candidate_share=args.candidate_share,
        ))
        budget = args.budget_share * len(net.arcs) * MEAN_CANDIDATE_COST_USD
        for objective in args.objectives:
            problem = prepare(net, budget, objective)
            milp, _ = (build_maxflow_milp(problem) if objective == "maxflow"
                       else build_evader_milp(problem))
            start = time.perf_counter()
            plan = optimize_interdiction(net, budget, objective, time_limit_s=args.time_limit)
            total = time.perf_counter() - start
            greedy = greedy_plan(problem)
            opt = plan.verified_objective
            ratio = greedy.objective / opt if opt > 0 else (1.0 if greedy.objective == 0
                                                            else math.inf)
            if plan.status == "optimal":
                solved[objective].append(size)
            print(f"{size:>6} {len(net.arcs):>6} {objective:>9} {milp.n_integer:>8} "
                  f"{milp.n_rows:>7} {plan.solve_seconds:>8.2f} {plan.status:>10} "
                  f"{plan.gap:>8.2e} {plan.objective:>12.6g} {opt:>12.6g} "
                  f"{plan.baseline:>12.6g} {greedy.objective:>12.6g} {ratio:>10.4f} "
                  f"{greedy.seconds:>8.2f}", flush=True)
            if total - plan.solve_seconds > 60:
                print(f"       (set-up and verification took {total - plan.solve_seconds:.1f} s)")
    for objective, sizes in solved.items():
        largest = max(sizes) if sizes else None
        print(f"largest size solved to optimality within {args.time_limit:.0f} s, "
              f"{objective}: {largest if largest is not None else 'none'}")


if __name__ == "__main__":
    main()
