"""The benchmark scripts run (on a few members) and end with the line the checks read."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")
def test_dashboard_benchmark_prints_the_p95_line_last():
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "dashboard.py"),
                           "--changes", "2"], capture_output=True, text=True, timeout=600,
                          check=True)
    last = done.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"lever to chart p95: [0-9]+ ms quick, [0-9]+ ms full", last), last
