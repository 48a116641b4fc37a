"""Sweeps: the store loses nothing and depends on neither the workers nor the chunking."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from borderflow import store as st
from borderflow.discovery import discover, portfolio
from borderflow.sweeps import KILL_ONCE, plan, sweep

EXPERIMENT = """\
members: {members}
seed: 3
period: [2025, 2034]
sweep:
  design: lhs
  samples: 2
  chunk: {chunk}
  levers:
    - {{lever: poe_inspection, start: 2025-01, intensity: [0.05, 0.6]}}
    - {{lever: naloxone_distribution, start: 2025-01, intensity: [0, 8000000]}}
"""


def _experiment(tmp_path: Path, members: int = 12, chunk: int = 6) -> Path:
    path = tmp_path / f"sweep-{members}-{chunk}.yaml"
    path.write_text(EXPERIMENT.format(members=members, chunk=chunk))
    return path


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """A finished sweep on one worker: 7 settings x 12 members, chunks of 6."""
    tmp = tmp_path_factory.mktemp("clean")
    path = _experiment(tmp)
    return path, sweep(path, tmp / "store", workers=1)


def test_the_store_is_the_same_on_two_workers_and_other_chunks(clean, tmp_path):
    path, one = clean
    assert one["member_runs"] == one["member_runs_total"] == 7 * 12
    assert one["chunks_done"] == one["chunks_total"] == 7 * 2
    two = sweep(path, tmp_path / "two", workers=2)
    assert two["digest"] == one["digest"]
    # another chunking is another experiment file, with the same numbers
    other = sweep(_experiment(tmp_path, chunk=5), tmp_path / "five", workers=2)
    assert other["digest"] == one["digest"] and other["chunks_total"] == 7 * 3
    # every setting is paired with the baseline on the same members
    con = st.runs(tmp_path / "two")
    pairs = con.execute("SELECT count(DISTINCT member), count(*) FROM runs "
                        "GROUP BY setting").fetchall()
    assert set(pairs) == {(12, 12)}


def test_a_store_from_another_experiment_or_a_second_run_is_refused(clean, tmp_path):
    path, one = clean
    store = Path(one["store"])
    with pytest.raises(st.StoreError, match="already holds this sweep"):
        sweep(path, store, workers=1)
    with pytest.raises(st.StoreError, match="another experiment"):
        sweep(_experiment(tmp_path, members=10), store, workers=1, resume=True)
    # resuming a finished sweep runs nothing and keeps the digest
    assert sweep(path, store, workers=1, resume=True)["digest"] == one["digest"]


def test_a_truncated_chunk_is_refused_then_run_again_on_resume(clean, tmp_path):
    path, one = clean
    store = tmp_path / "store"
    sweep(path, store, workers=1)
    victim = sorted((store / st.CHUNKS).glob("*.parquet"))[3]
    victim.write_bytes(victim.read_bytes()[:200])
    with pytest.raises(st.StoreError, match="damaged"):
        st.sweep_results(store)
    assert sweep(path, store, workers=1, resume=True)["digest"] == one["digest"]


def test_a_worker_killed_mid_chunk_has_its_chunk_run_again(clean, tmp_path, monkeypatch):
    path, one = clean
    marker = tmp_path / "killed"
    monkeypatch.setenv(KILL_ONCE, str(marker))
    done = sweep(path, tmp_path / "store", workers=2)
    assert marker.exists()  # a worker did die
    assert done["chunks_done"] == done["chunks_total"]
    assert done["digest"] == one["digest"]


def test_a_sweep_killed_half_way_resumes_to_the_clean_store(tmp_path):
    path = _experiment(tmp_path, members=40, chunk=2)  # 7 x 20 = 140 chunks
    clean = sweep(path, tmp_path / "clean", workers=2)
    store = tmp_path / "killed"
    cmd = [sys.executable, "-m", "borderflow.cli", "sweep", str(path), "--store", str(store),
           "--workers", "2"]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if len(st.finished(store)) >= 20:
                break
        except st.StoreError:
            pass
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)  # the client, its cluster and its workers
    proc.wait()
    assert 20 <= len(st.finished(store)) < 140
    done = subprocess.run([*cmd, "--resume"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    resumed = st.sweep_results(store)
    assert resumed["member_runs"] == 7 * 40 and resumed["digest"] == clean["digest"]


def test_results_json_and_sql(clean):
    _, one = clean
    out = subprocess.run([sys.executable, "-m", "borderflow.cli", "results", one["store"],
                          "--json", "-"], capture_output=True, text=True, check=True)
    doc = json.loads(out.stdout)
    assert {"member_runs", "chunks_done", "chunks_total", "experiment_hash",
            "digest"} <= set(doc)
    assert doc["digest"] == one["digest"]
    exported = Path(one["store"]).parent / "export"
    subprocess.run([sys.executable, "-m", "borderflow.cli", "results", one["store"],
                    "--parquet", str(exported), "--csv", str(exported / "runs.csv")],
                   capture_output=True, check=True)
    assert pq.read_table(exported / "runs.parquet").num_rows == doc["member_runs"]
    assert pq.read_table(exported / "members.parquet").num_rows == 12
    assert len((exported / "runs.csv").read_text().splitlines()) == doc["member_runs"] + 1
    bad = subprocess.run([sys.executable, "-m", "borderflow.cli", "results", one["store"],
                          "--sql", "select nonsense from runs"], capture_output=True, text=True)
    assert bad.returncode == 2 and "--sql" in bad.stderr


def test_a_broken_sweep_file_names_the_field(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(EXPERIMENT.format(members=4, chunk=2).replace("design: lhs",
                                                                  "design: random"))
    with pytest.raises(Exception, match=r"bad.yaml: sweep.design"):
        plan(path)


# --- discovery and portfolios on stores whose answers are known ---------------------

def _synthetic_store(tmp_path: Path, outcome_of, n: int = 2000, settings=("baseline",)):
    """A store written through the store's own writer, with planted outcomes."""
    store = tmp_path / "synthetic"
    (store / st.CHUNKS).mkdir(parents=True)
    rng = np.random.default_rng(0)
    members = {"member": np.arange(n), "x1": rng.random(n), "x2": rng.random(n),
               "x3": rng.random(n)}
    pq.write_table(pa.table(members), store / "members.parquet")
    names = [s[0] if isinstance(s, tuple) else s for s in settings]
    level = [s[1] if isinstance(s, tuple) else np.nan for s in settings]
    pq.write_table(pa.table({"setting": np.arange(len(names)), "name": names, "lever": level}),
                   store / "settings.parquet")
    st.write_atomic(store / st.MANIFEST, json.dumps({
        "experiment_file": "synthetic", "experiment_hash": "0" * 64, "settings": len(names),
        "members": n, "chunk": n, "chunks_total": len(names),
        "member_runs_total": n * len(names), "levers": [], "period": [2025, 2034],
        "provenance": {}}).encode())
    for s in range(len(names)):
        deaths, cost = outcome_of(s, members)
        st.catalogue(store, s, s, pa.table({
            "setting": np.full(n, s), "member": members["member"],
            "opioid_overdose_deaths": deaths, "policy_cost_usd": cost}))
    return store


def test_prim_finds_a_planted_box(tmp_path):
    def outcome(s, m):  # deaths high inside x1 > 0.6 and x2 < 0.3
        inside = (m["x1"] > 0.6) & (m["x2"] < 0.3)
        return np.where(inside, 100.0, 10.0), np.zeros(len(inside))

    store = _synthetic_store(tmp_path, outcome)
    found = discover(store, "opioid_overdose_deaths", above=50, policy="baseline")
    limits = found["chosen"]["limits"]
    assert set(limits) == {"x1", "x2"}
    assert abs(limits["x1"][0] - 0.6) < 0.03 and abs(limits["x2"][1] - 0.3) < 0.03
    assert found["chosen"]["density"] >= 0.8 and found["chosen"]["coverage"] > 0.8


def test_portfolio_picks_the_known_best_by_each_rule(tmp_path):
    # deaths averted per member: a steady (+10 everywhere), b risky (+30 or -20),
    # c great but over budget; baseline deaths 1000
    def outcome(s, m):
        n = len(m["member"])
        good = m["x1"] > 0.3  # 70 % of members
        averted = [np.zeros(n), np.full(n, 10.0), np.where(good, 30.0, -20.0),
                   np.full(n, 50.0)][s]
        cost = [0.0, 5e7, 5e7, 5e9][s] * 10  # over the 10-year period
        return 1000.0 - averted, np.full(n, cost)

    store = _synthetic_store(tmp_path, outcome, n=1000,
                             settings=("baseline", ("a", 1.0), ("b", 2.0), ("c", 3.0)))
    median = portfolio(store, 1e8, rule="median")
    assert median["chosen"]["name"] == "b" and median["candidates"] == 2
    assert portfolio(store, 1e8, rule="p10")["chosen"]["name"] == "a"
    # regret against the best of a and b for each member: a falls 20 short where b
    # does well, b 30 short where a does: minimax regret picks a
    regret = portfolio(store, 1e8, rule="regret")
    assert regret["chosen"]["name"] == "a"
    assert regret["chosen"]["max_regret"] == pytest.approx(20.0)


def test_portfolio_search_writes_a_pareto_set_of_valid_scenarios(clean, tmp_path):
    from borderflow.discovery import search
    from borderflow.policy import load_scenario

    _, one = clean
    found = search(one["store"], budget_usd_per_year=5e8, nfe=12, members=4,
                   out=tmp_path / "pareto")
    assert found["solutions"] == len(found["files"]) >= 1
    for row, path in zip(found["pareto"], found["files"], strict=True):
        scen = load_scenario(path)
        assert {lv.lever for lv in scen.levers} == {"poe_inspection", "naloxone_distribution"}
        assert row["policy_cost_usd"] / 10 <= 5e8 * 1.000001  # the budget constraint
