"""Sweeps: lever settings × ensemble members, run as chunks on Dask, stored as they finish.

An experiment file (:mod:`borderflow.experiment`) with a ``sweep:`` section names the
levers to vary and their ranges, and how to sample them::

    members: 2000            # posterior particles (or prior draws) 0 … 1999
    seed: 0
    period: [2025, 2034]
    sweep:
      design: lhs            # grid | lhs | sobol
      samples: 48            # settings drawn (grid: points per lever)
      chunk: 500             # members per task
      levers:
        - {lever: poe_inspection, start: 2025-01, intensity: [1.0, 3.0]}
        - {lever: naloxone_distribution, start: 2025-01, intensity: [0, 2000000]}

The settings are the baseline (setting 0: the experiment's baseline scenario, no lever
added), each lever alone at ``samples`` evenly spaced intensities (so a portfolio can be
held against the single levers), and ``samples`` combinations of all the levers drawn
by the design over their ranges (a range left out is the registry's allowed range).
Every setting runs on the same members: member ``i``'s parameters and random paths
depend only on ``(seed, i)``, as in :func:`borderflow.simulate`, so any setting is paired
with the baseline member by member, and the stored numbers do not depend on the number
of workers or on the chunking. Each task runs one setting on a block of ``chunk``
members from the stored end-of-window state (one engine thread a worker) and returns
each member's period totals (:func:`borderflow.results.period_totals`); the client, the
store's single writer, writes and catalogues it (:mod:`borderflow.store`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from borderflow import store as st
from borderflow.errors import BorderflowError, ScenarioError
from borderflow.io import read_yaml

#: Environment of the local workers. Dask's own sets ``MALLOC_TRIM_THRESHOLD_`` low so
#: that workers give memory back, which also freezes glibc's mmap threshold at 128 kB:
#: every array the engine allocates is then mapped and unmapped, and a sweep spent as
#: much time in page faults as in the model (measured). Arrays come from the heap and
#: are reused instead; one engine thread per worker process.
WORKER_ENVIRONMENT = {"MALLOC_TRIM_THRESHOLD_": str(1 << 30),
                      "MALLOC_MMAP_THRESHOLD_": str(1 << 28), "OMP_NUM_THREADS": "1",
                      "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                      "NUMBA_NUM_THREADS": "1"}


class SweepLever(BaseModel):
    """One lever of a sweep: a scenario-file lever whose intensity is a range."""

    model_config = ConfigDict(extra="allow")

    lever: str
    start: str = "2025-01"
    intensity: list[float] | None = Field(default=None, min_length=2, max_length=2)


class SweepSpec(BaseModel):
    """The ``sweep:`` section of an experiment file."""

    model_config = ConfigDict(extra="forbid")

    design: Literal["grid", "lhs", "sobol"] = "lhs"
    samples: int = Field(default=16, ge=1, le=100_000)
    chunk: int = Field(default=250, ge=1)
    levers: list[SweepLever] = Field(min_length=1)

    @field_validator("levers")
    @classmethod
    def _distinct(cls, levers: list[SweepLever]) -> list[SweepLever]:
        names = [lv.lever for lv in levers]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"lever(s) {', '.join(twice)} listed twice")
        return levers


@dataclass(frozen=True)
class Plan:
    """A sweep, ready to run: its settings, members and chunks."""

    experiment_file: str
    experiment_hash: str
    baseline: str
    parameters: str
    network: str | None
    members: int
    seed: int
    period: tuple[int, int]
    chunk: int
    levers: tuple[dict[str, Any], ...]  # each swept lever's scenario entry, no intensity
    intensities: np.ndarray  # (settings, levers), NaN where a lever is off
    names: tuple[str, ...]  # each setting's name

    @property
    def blocks(self) -> int:
        """Member blocks per setting."""
        return -(-self.members // self.chunk)

    @property
    def chunks_total(self) -> int:
        """Tasks: settings × member blocks."""
        return len(self.names) * self.blocks

    def task(self, i: int) -> tuple[int, range]:
        """Chunk ``i``: its setting and its members."""
        setting, block = divmod(i, self.blocks)
        first = block * self.chunk
        return setting, range(first, min(first + self.chunk, self.members))

    def scenario(self, setting: int) -> dict[str, Any]:
        """Setting ``setting`` as a scenario mapping (on top of the baseline's levers)."""
        from borderflow.policy import load_scenario

        base = load_scenario(self.baseline)
        added = [{**lever, "intensity": float(x)}
                 for lever, x in zip(self.levers, self.intensities[setting], strict=True)
                 if not np.isnan(x)]
        return {"schema": 2, "name": self.names[setting],
                "description": f"sweep setting {setting} on {base.name}",
                "levers": [*(lv.model_dump(mode="json", by_alias=True, exclude_none=True)
                             for lv in base.levers), *added],
                "parameters": dict(base.parameters)}


def _ranges(spec: SweepSpec) -> np.ndarray:
    from borderflow.policy.registry import BY_KIND, catalogue

    kinds = catalogue()
    out = []
    for i, lever in enumerate(spec.levers):
        if lever.lever not in BY_KIND:
            raise ScenarioError(f"sweep.levers[{i + 1}]: unknown lever {lever.lever!r}; "
                                f"allowed: {', '.join(kinds)}")
        low, high = lever.intensity or kinds[lever.lever]["range"]  # type: ignore[misc]
        if low is None or high is None:
            raise ScenarioError(f"sweep.levers[{i + 1}] ({lever.lever}): give intensity: "
                                f"[low, high] ({kinds[lever.lever]['unit']}); the registry's "
                                "range is open")
        if not high >= low:
            raise ScenarioError(f"sweep.levers[{i + 1}] ({lever.lever}): intensity "
                                f"[{low}, {high}] is not a range")
        out.append((float(low), float(high)))
    return np.array(out)


def design(spec: SweepSpec, seed: int) -> tuple[np.ndarray, tuple[str, ...]]:
    """The settings: ``(intensities (settings, levers), names)``; NaN where a lever is off.

    Setting 0 is the baseline; then each lever alone at ``samples`` evenly spaced
    intensities; then ``samples`` combinations by the design (a grid's is the full
    factorial of ``samples`` points a lever).
    """
    from scipy.stats import qmc

    ranges = _ranges(spec)
    k, n = len(ranges), spec.samples
    low, high = ranges[:, 0], ranges[:, 1]
    rows: list[np.ndarray] = [np.full(k, np.nan)]
    names = ["baseline"]
    for j, lever in enumerate(spec.levers):
        for i, x in enumerate(np.linspace(low[j], high[j], n)):
            row = np.full(k, np.nan)
            row[j] = x
            rows.append(row)
            names.append(f"{lever.lever}-{i}")
    if k > 1:
        if spec.design == "grid":
            axes = np.meshgrid(*[np.linspace(a, b, n) for a, b in ranges], indexing="ij")
            combos = np.stack([a.ravel() for a in axes], axis=1)
        else:
            sampler = (qmc.LatinHypercube(d=k, seed=seed) if spec.design == "lhs"
                       else qmc.Sobol(d=k, scramble=True, seed=seed))
            combos = qmc.scale(sampler.random(n), low, high)
        for i, row in enumerate(combos):
            rows.append(row)
            names.append(f"{spec.design}-{i}")
    return np.array(rows), tuple(names)


def plan(experiment_file: str | Path) -> Plan:
    """Read a sweep experiment file; a broken one names the file, the field and why."""
    from borderflow.calibration.calibrate import model_hash
    from borderflow.experiment import Experiment

    path = Path(experiment_file)
    raw = read_yaml(path, ScenarioError, "experiment file")
    if not isinstance(raw, dict) or "sweep" not in raw:
        raise ScenarioError(f"{path}: no sweep: section (the levers to vary, see "
                            "examples/sweep.yaml)")
    try:
        spec = SweepSpec.model_validate(raw["sweep"])
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ScenarioError(f"{path}: sweep.{where}: {err['msg']}") from None
    exp = Experiment.from_file(path)
    if exp.scenarios:
        raise ScenarioError(f"{path}: scenarios: a sweep runs its own settings; put the "
                            "levers to vary under sweep.levers")
    intensities, names = design(spec, exp.seed)
    levers = tuple({k: v for k, v in lv.model_dump(exclude_none=True).items()
                    if k != "intensity"} for lv in spec.levers)
    canonical = json.dumps({"experiment": raw, "model_hash": model_hash()}, sort_keys=True,
                           default=str)
    made = Plan(str(path), hashlib.sha256(canonical.encode()).hexdigest(), str(exp.baseline),
                str(exp.parameters), None if exp.network is None else str(exp.network),
                exp.members, exp.seed, tuple(exp.period), spec.chunk,  # type: ignore[arg-type]
                levers, intensities, names)
    for setting in {0, 1, len(names) - 1}:  # the levers validate as a scenario would
        _check_scenario(made, setting, path)
    return made


def _check_scenario(made: Plan, setting: int, path: Path) -> None:
    from borderflow.policy import load_scenario

    try:
        load_scenario(made.scenario(setting))
    except BorderflowError as exc:
        raise ScenarioError(f"{path}: sweep setting {made.names[setting]}: {exc}") from None


def run_chunk(made: Plan, i: int) -> pa.Table:
    """Task ``i``: one setting on one block of members; each member's period totals."""
    from borderflow.api import simulate
    from borderflow.results import TOTALS_OUTPUTS, period_totals

    setting, members = made.task(i)
    _fault_injection(i)
    first, last = made.period
    ds = simulate(made.scenario(setting), members=list(members), seed=made.seed,
                  parameters=made.parameters, network=made.network, arc_detail=False,
                  start=f"{first}-01", outputs=TOTALS_OUTPUTS, threads=1)
    totals = period_totals(ds, first, last)
    columns = {"setting": np.full(len(members), setting, dtype=np.int64),
               "member": np.asarray(members, dtype=np.int64)}
    for name, values in totals.items():
        if values.dims == ("member",):
            columns[name] = np.asarray(values.values, dtype=np.float64)
    return pa.table(columns)


#: Tests only: a marker file; the first task to find it missing creates it and kills
#: its worker process (the scheduler must then run the chunk again elsewhere).
KILL_ONCE = "BORDERFLOW_TEST_KILL_WORKER_ONCE"


def _fault_injection(chunk: int) -> None:
    marker = os.environ.get(KILL_ONCE)
    if marker and chunk > 0:
        try:
            with open(marker, "x"):
                pass
        except FileExistsError:
            return
        os._exit(1)


def _write_start(made: Plan, store: Path) -> None:
    """A new store: manifest, settings, members' parameters, the experiment file."""
    import pyarrow.parquet as pq

    from borderflow.api import _parameter_source, parameters_for
    from borderflow.policy import load_scenario
    from borderflow.provenance import provenance

    (store / st.CHUNKS).mkdir(parents=True, exist_ok=True)
    shutil.copyfile(made.experiment_file, store / "experiment.yaml")
    settings = {"setting": np.arange(len(made.names)), "name": list(made.names)}
    for j, lever in enumerate(made.levers):
        settings[lever["lever"]] = made.intensities[:, j]
    pq.write_table(pa.table(settings), store / "settings.parquet")
    source = _parameter_source(made.parameters)
    ids = np.arange(made.members)
    draws = parameters_for(load_scenario(made.baseline), ids, made.seed, source)
    pq.write_table(pa.table({"member": ids, **{k: np.asarray(v, dtype=float)
                                              for k, v in draws.items()}}),
                   store / "members.parquet")
    from borderflow.network import load_network

    net = load_network(made.network).compile()
    meta = {
        "experiment_file": made.experiment_file, "experiment_hash": made.experiment_hash,
        "settings": len(made.names), "members": made.members, "chunk": made.chunk,
        "chunks_total": made.chunks_total,
        "member_runs_total": len(made.names) * made.members,
        "levers": list(made.levers), "period": list(made.period), "seed": made.seed,
        "parameters": made.parameters, "network": made.network, "baseline": made.baseline,
        "provenance": provenance(net, source, made.seed),
    }
    st.write_atomic(store / st.MANIFEST, json.dumps(meta, indent=1, default=str).encode())


def prepare(made: Plan, store: str | Path, resume: bool) -> list[int]:
    """Create or reopen ``store`` for ``made``; the chunks still to run.

    A store made by another experiment (or model) is refused; an existing store is
    reused only with ``resume``. On resume, catalogued chunks whose files are damaged or
    missing are run again (and said so).
    """
    store = Path(store)
    if (store / st.MANIFEST).exists():
        meta = st.manifest(store)
        if meta["experiment_hash"] != made.experiment_hash:
            raise st.StoreError(
                f"{store} holds another experiment's results ({meta['experiment_file']}, "
                f"hash {meta['experiment_hash'][:12]}; this one: {made.experiment_hash[:12]}"
                "): the experiment file or the model changed; sweep into a new --store")
        if not resume:
            raise st.StoreError(f"{store} already holds this sweep: add --resume to finish "
                                "it, or give a new --store")
    else:  # the manifest is written last: a start cut short leaves only its own files
        started = {st.CHUNKS, "experiment.yaml", "settings.parquet", "members.parquet"}
        if store.exists() and any(p.name not in started and not p.name.startswith(".")
                                  for p in store.iterdir()):
            raise st.StoreError(f"{store} exists and is not a sweep store: give a new or "
                                "empty directory")
        _write_start(made, store)
    done = st.finished(store)
    for chunk, why in st.damaged(store, done).items():
        warnings.warn(f"chunk {chunk} will run again: {why}", st.StoreWarning, stacklevel=2)
        done.pop(chunk)
    return [i for i in range(made.chunks_total) if i not in done]


@dataclass(frozen=True)
class Progress:
    """One finished chunk, for a progress bar."""

    chunks_done: int
    chunks_total: int
    member_runs: int
    seconds: float


def sweep(experiment_file: str | Path, store: str | Path, scheduler: str = "local",
          workers: int | None = None, resume: bool = False,
          progress: Callable[[Progress], None] | None = None) -> dict[str, Any]:
    """Run a sweep into ``store`` (see the module's docstring); its summary.

    Args:
        experiment_file: an experiment file with a ``sweep:`` section.
        store: the results directory (new, or this sweep's with ``resume``).
        scheduler: ``"local"`` (a ``LocalCluster`` of ``workers`` processes, one thread
            each) or a running scheduler's address, ``tcp://HOST:PORT``.
        workers: local worker processes (default: one per core).
        resume: finish an interrupted sweep: skip the catalogued chunks.
        progress: called after each chunk is stored.

    """
    made = plan(experiment_file)
    todo = prepare(made, store, resume)
    already = made.chunks_total - len(todo)
    start = time.perf_counter()
    runs = 0
    for n, (i, table) in enumerate(_results(made, todo, scheduler, workers, store), 1):
        st.catalogue(store, i, made.task(i)[0], table)
        runs += table.num_rows
        if progress is not None:
            progress(Progress(already + n, made.chunks_total, runs,
                              time.perf_counter() - start))
    return st.sweep_results(store)


def _results(made: Plan, todo: list[int], scheduler: str, workers: int | None,
             store: str | Path) -> Iterator[tuple[int, pa.Table]]:
    """Run the chunks on Dask; yield each as it finishes (any order)."""
    if not todo:
        return
    import dask
    from dask.distributed import Client, LocalCluster, as_completed

    if scheduler == "local":
        with dask.config.set({f"distributed.nanny.pre-spawn-environ.{k}": v
                              for k, v in WORKER_ENVIRONMENT.items()}):
            cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1,
                                   threads_per_worker=1, processes=True, dashboard_address=None,
                                   local_directory=str(Path(store) / ".dask"))
        client = Client(cluster)
    else:
        cluster, client = None, Client(scheduler)
    try:
        futures = {client.submit(run_chunk, made, i, retries=2,
                                 key=f"chunk-{made.experiment_hash[:8]}-{i}"): i for i in todo}
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
