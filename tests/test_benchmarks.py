"""The benchmark scripts run (on a few members) and end with the line the checks read."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_engine_benchmark_runs_and_prints_the_speedup_last():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "engine.py"), "--members", "8",
         "--reference-members", "1"], capture_output=True, text=True, timeout=600, check=True)
    lines = done.stdout.strip().splitlines()
    assert re.fullmatch(r"engine speedup vs reference: [0-9.]+x", lines[-1]), lines[-1]


def test_sweep_benchmark_runs_and_prints_the_comparison_last():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "sweep.py"), "--members", "20",
         "--chunk", "10"], capture_output=True, text=True, timeout=900, check=True)
    lines = done.stdout.strip().splitlines()
    assert re.fullmatch(r"sweep on 2 workers vs simulate on 2 threads: [0-9.]+x", lines[-1])
    assert any(line.startswith("parallel efficiency, 2 workers:") for line in lines)
