"""A sweep on 1 and 2 local Dask workers, and `simulate` on 2 threads, side by side.

Runs one sweep (2025-2034 from the stored end-of-window states; the baseline, two
levers alone at two intensities each and two combinations: 7 settings) into a fresh
store on 1 worker and on 2 workers, one engine thread per worker, and prints:

- member-runs per second on each, over the whole sweep (cluster start included) and
  between the first and the last chunk stored (steady state);
- the parallel efficiency of 2 workers (steady rate over twice 1 worker's; goal 80 %);
- ``simulate``'s rate on 2 threads for as many members (every output recorded, as a
  user calls it), and the 2-worker sweep against it;
- the projected time for 1,000,000 member-runs of 2025-2034 on 2 workers.

Usage: ``python benchmarks/sweep.py [--members 4000] [--chunk 1000]``
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import borderflow
from borderflow.sweeps import sweep

EXPERIMENT = """\
members: {members}
seed: 0
period: [2025, 2034]
sweep:
  design: lhs
  samples: 2
  chunk: {chunk}
  levers:
    - {{lever: poe_inspection, start: 2025-01, intensity: [0.05, 0.6]}}
    - {{lever: naloxone_distribution, start: 2025-01, intensity: [0, 8000000]}}
"""


def timed_sweep(experiment: Path, store: Path, workers: int) -> tuple[float, float, int]:
    """``(whole, steady, member_runs)``: member-runs per second and the runs stored."""
    marks: list[tuple[float, int]] = []
    start = time.perf_counter()
    summary = sweep(experiment, store, workers=workers,
                    progress=lambda p: marks.append((time.perf_counter(), p.member_runs)))
    whole = summary["member_runs"] / (time.perf_counter() - start)
    (t0, r0), (t1, r1) = marks[0], marks[-1]
    steady = (r1 - r0) / (t1 - t0) if t1 > t0 else whole
    return whole, steady, summary["member_runs"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=4000)
    parser.add_argument("--chunk", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        experiment = Path(tmp) / "sweep.yaml"
        experiment.write_text(EXPERIMENT.format(members=args.members, chunk=args.chunk))
        borderflow.simulate(members=2, start="2025-01")  # compile the engine once first
        one_whole, one, runs = timed_sweep(experiment, Path(tmp) / "one", 1)
        two_whole, two, _ = timed_sweep(experiment, Path(tmp) / "two", 2)
        begin = time.perf_counter()
        borderflow.simulate("status_quo", members=args.members, start="2025-01",
                            arc_detail=False, threads=2)
        simulated = args.members / (time.perf_counter() - begin)
    print(f"sweep: {runs:,} member-runs of 2025-2034 ({args.members:,} members x 7 "
          f"settings, chunks of {args.chunk:,})")
    print(f"1 worker: {one_whole:,.0f} member-runs/s over the sweep, {one:,.0f}/s steady")
    print(f"2 workers: {two_whole:,.0f} member-runs/s over the sweep, {two:,.0f}/s steady")
    print(f"parallel efficiency, 2 workers: {two / (2 * one):.0%} (goal 80 %)")
    print(f"simulate on 2 threads, {args.members:,} members, every output: "
          f"{simulated:,.0f} member-runs/s")
    hours = 1_000_000 / two / 3600
    print(f"projected time for 1,000,000 member-runs of 2025-2034 on 2 workers: "
          f"{hours * 60:.1f} min")
    print(f"sweep on 2 workers vs simulate on 2 threads: {two / simulated:.2f}x")


if __name__ == "__main__":
    main()
