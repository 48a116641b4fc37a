"""A sweep's results store: Parquet chunks catalogued in DuckDB, that loses nothing.

A store is a directory::

    DIR/manifest.json      the experiment (its hash, design, settings, chunking)
    DIR/experiment.yaml    the experiment file as it was run
    DIR/settings.parquet   one row per lever setting (setting 0: the baseline)
    DIR/members.parquet    one row per member: its parameter values
    DIR/chunks/*.parquet   one file per finished chunk: a row per member-run
    DIR/catalog.duckdb     the finished chunks: rows, file, SHA-256

Each chunk is written to a temporary file and renamed into place (atomic on one file
system), then catalogued in one DuckDB transaction by the sweep's single writer; a chunk
is finished when, and only when, it is catalogued. Reading checks every catalogued
file's SHA-256 first: a truncated or altered file is refused, never read. Readers open
the catalog read-only and wait while the writer holds it (it holds it only to insert).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from borderflow.errors import BorderflowError

MANIFEST = "manifest.json"
CATALOG = "catalog.duckdb"
CHUNKS = "chunks"
#: Seconds a reader waits for the writer to release the catalog.
LOCK_WAIT_SECONDS = 30.0
#: Identifying columns of every stored row; the others are outcomes.
KEYS = ("setting", "member")


class StoreError(BorderflowError):
    """A store that cannot be used as asked: missing, damaged, or another experiment's."""


class StoreWarning(UserWarning):
    """Something found in a store and mended: a damaged chunk that is run again."""


def manifest(store: str | Path) -> dict[str, Any]:
    """The store's manifest; a directory that is not a store is refused."""
    path = Path(store) / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError(f"{store} is not a sweep store (no {MANIFEST}): run "
                         "`borderflow sweep EXPERIMENT.yaml --store DIR` first") from None
    except (OSError, json.JSONDecodeError) as exc:
        raise StoreError(f"{path}: unreadable manifest ({exc})") from None


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _connect(store: Path, read_only: bool) -> Any:
    import duckdb

    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            con = duckdb.connect(str(store / CATALOG), read_only=read_only)
            break
        except duckdb.IOException as exc:  # the other side holds the lock
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise StoreError(f"{store / CATALOG}: {exc}") from None
            time.sleep(0.05)
    if not read_only:
        con.execute("CREATE TABLE IF NOT EXISTS chunks (chunk INTEGER PRIMARY KEY, "
                    "setting INTEGER, rows INTEGER, file VARCHAR, sha256 VARCHAR)")
    return con


def catalogue(store: str | Path, chunk: int, setting: int, table: pa.Table) -> None:
    """Write one finished chunk (atomically) and catalogue it: the single writer's job."""
    store = Path(store)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    data = sink.getvalue().to_pybytes()
    name = f"chunk-{chunk:06d}.parquet"
    write_atomic(store / CHUNKS / name, data)
    con = _connect(store, read_only=False)
    try:
        con.execute("INSERT OR REPLACE INTO chunks VALUES (?, ?, ?, ?, ?)",
                    [chunk, setting, table.num_rows, name, hashlib.sha256(data).hexdigest()])
    finally:
        con.close()


def finished(store: str | Path) -> dict[int, tuple[str, str, int]]:
    """Catalogued chunks: ``{chunk: (file, sha256, rows)}`` (empty before the first)."""
    store = Path(store)
    if not (store / CATALOG).exists():
        return {}
    con = _connect(store, read_only=True)
    try:
        if not con.execute("SELECT count(*) FROM information_schema.tables "
                           "WHERE table_name = 'chunks'").fetchone()[0]:
            return {}
        rows = con.execute("SELECT chunk, file, sha256, rows FROM chunks").fetchall()
    finally:
        con.close()
    return {int(c): (f, h, int(n)) for c, f, h, n in rows}


def damaged(store: str | Path, chunks: dict[int, tuple[str, str, int]]) -> dict[int, str]:
    """Catalogued chunks whose file is missing or not what was written: ``{chunk: why}``."""
    out = {}
    for chunk, (name, sha, _) in chunks.items():
        path = Path(store) / CHUNKS / name
        try:
            if hashlib.sha256(path.read_bytes()).hexdigest() != sha:
                out[chunk] = f"{path} is not the file written (truncated or altered)"
        except FileNotFoundError:
            out[chunk] = f"{path} is missing"
    return out


def checked(store: str | Path) -> tuple[dict[str, Any], dict[int, tuple[str, str, int]]]:
    """The manifest and the finished chunks, every file verified; damage is refused."""
    meta = manifest(store)
    chunks = finished(store)
    bad = damaged(store, chunks)
    if bad:
        first = next(iter(bad.values()))
        raise StoreError(f"{len(bad)} stored chunk(s) damaged, e.g. {first}: refusing to read "
                         "them; `borderflow sweep EXPERIMENT.yaml --store DIR --resume` "
                         "runs them again")
    return meta, chunks


def runs(store: str | Path) -> Any:
    """Every stored member-run as a DuckDB relation ordered by (setting, member).

    Returns ``(connection, relation)``; the connection is in memory (the catalog is
    not held) with views ``runs``, ``settings`` and ``members``.
    """
    import duckdb

    store = Path(store)
    _, chunks = checked(store)
    con = duckdb.connect()
    files = [str(store / CHUNKS / name) for name, _, _ in chunks.values()]
    if files:
        con.execute(f"CREATE VIEW runs AS SELECT * FROM read_parquet({_sql_list(files)}) "
                    "ORDER BY setting, member")
    else:
        con.execute("CREATE VIEW runs AS SELECT NULL::INTEGER AS setting, "
                    "NULL::INTEGER AS member WHERE false")
    for view in ("settings", "members"):
        con.execute(f"CREATE VIEW {view} AS SELECT * FROM "
                    f"read_parquet({_sql_list([str(store / (view + '.parquet'))])})")
    return con


def _sql_list(items: Iterable[str]) -> str:
    return "[" + ", ".join("'" + s.replace("'", "''") + "'" for s in items) + "]"


def digest(con: Any) -> str:
    """SHA-256 over every stored value in a canonical order.

    Rows by (setting, member), columns by name, each value as a little-endian float64:
    two stores compare in one line, whatever the workers and the chunking.
    """
    table = con.sql("SELECT * FROM runs").to_arrow_table()
    h = hashlib.sha256()
    for name in sorted(table.column_names):
        h.update(name.encode())
        h.update(np.ascontiguousarray(table.column(name).to_numpy(), dtype="<f8").tobytes())
    return h.hexdigest()


def sweep_results(store: str | Path) -> dict[str, Any]:
    """A store's summary: what ``borderflow results DIR --json`` prints.

    ``member_runs``, ``chunks_done``, ``chunks_total``, ``experiment_hash`` and
    ``digest`` (:func:`digest`), with the outcomes stored and the provenance.
    """
    meta, chunks = checked(store)
    con = runs(store)
    try:
        outcomes = [c for c in con.sql("SELECT * FROM runs LIMIT 0").to_arrow_table()
                    .column_names if c not in KEYS]
        return {
            "store": str(store),
            "experiment_hash": meta["experiment_hash"],
            "experiment": meta["experiment_file"],
            "chunks_done": len(chunks),
            "chunks_total": meta["chunks_total"],
            "member_runs": sum(rows for _, _, rows in chunks.values()),
            "member_runs_total": meta["member_runs_total"],
            "settings": meta["settings"],
            "members": meta["members"],
            "outcomes": outcomes,
            "digest": digest(con),
            "provenance": meta["provenance"],
        }
    finally:
        con.close()
