"""Sync ingest benchmark: the real server process against raw sqlite3 on the same rows.

Run: .venv/bin/python bench/sync_bench.py [--n 20000] [--batch 1000] [--runs 3]
     [--db postgresql://USER@HOST/DB]   (the server on PostgreSQL: bench_postgres.py)

Each run starts `python -m sync_server --demo` on a free 127.0.0.1 port with a fresh database,
signs in as demo-sw over HTTP, and pushes N synthetic chronology entries (~600 bytes of JSON
each, every RecordVersion field sent as a device sends it) for the allocated cases in batches.
The baseline, in the same run, is plain sqlite3 `executemany` of the same rows into a fresh WAL
file with the server's own DDL (versions table + chronology index + the also_replaces side
table, which new entries never write; same keys, constraints and indexes), in one
transaction. Prints medians; the ratio is the median of the per-run ratios
(docs/architecture.md, Performance: same run, median of 3).
"""

import argparse
import hashlib
import json
import os
import secrets
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from bench_postgres import fresh_database, raw_postgres  # a sibling script, not a package
from pydantic import TypeAdapter

from shared.ids import new_id
from shared.models import ChronologyEntry
from shared.protocol import PullResponse, RecordVersion
from sync_server.repository.sqlite_schema import (
    ALSO_REPLACES_DDL,
    INSERT_INDEX_SQL,
    INSERT_VERSION_SQL,
    VERSIONS_DDL,
)
from sync_server.services.sync.ingest import event_time

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
READY_TIMEOUT_S = 60.0
RAW_REPEATS = 3
PULL = TypeAdapter(PullResponse)
VERSION = TypeAdapter(RecordVersion)
SUMMARY = "Unannounced visit: children seen; little food in the kitchen."


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(
    db: Path | str, port: int, password: str, extra: list[str] | None = None
) -> subprocess.Popen[bytes]:
    """Start the real server process and wait (bounded) until /health answers."""
    env = {**os.environ, "DOORSTEP_DEMO_PASSWORD": password}
    cmd = [sys.executable, "-m", "sync_server", "--db", str(db), "--port", str(port), "--demo"]
    cmd += extra or []
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early with status {proc.returncode}")
        try:
            if httpx.get(f"http://{HOST}:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    stop_server(proc)
    raise RuntimeError("server did not become ready")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server process we started (terminate, then kill if it lingers)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def cases_and_children(client: httpx.Client) -> list[tuple[str, list[str]]]:
    """Pull the caller's versions and return (case id, child ids) per allocated family."""
    children: dict[str, list[str]] = {}
    cursor = 0
    for _ in range(1000):
        page = PULL.validate_json(client.get("/sync/pull", params={"cursor": cursor}).content)
        for item in page.items:
            if item.payload.record_type == "child":
                children.setdefault(item.case_id, []).append(item.record_id)
        cursor = page.next_cursor
        if not page.has_more:
            break
    return sorted(children.items())


def make_items(n: int, author_id: str, cases: list[tuple[str, list[str]]]) -> list[dict[str, Any]]:
    """Return n valid chronology entry versions (~600 bytes of JSON each)."""
    start = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
    items: list[dict[str, Any]] = []
    for i in range(n):
        case_id, child_ids = cases[i % len(cases)]
        items.append(
            {
                "version_id": new_id(),
                "record_id": new_id(),
                # every field, as a device's model_dump_json() sends it
                "replaces_version_id": None,
                "also_replaces": [],
                "lifecycle": "current",
                "amend_reason": "",
                "case_id": case_id,
                "device_time": (start + timedelta(minutes=i)).isoformat(),
                "payload": {
                    "record_type": "chronology_entry",
                    "child_ids": [child_ids[i % len(child_ids)]],
                    "event_datetime": (start + timedelta(minutes=i)).isoformat(),
                    "source_agency": "CSC",
                    "information_source": "direct_observation",
                    "author_id": author_id,
                    "author_role": "social_worker",
                    "event_type": "home_visit",
                    "summary": SUMMARY,
                    "action_taken": "Visit again in 5 days.",
                    "significance": "significant",
                },
            }
        )
    return items


def encode_batches(items: list[dict[str, Any]], batch: int) -> list[bytes]:
    """Return the push bodies, compact JSON as a client sends it."""
    return [
        json.dumps(
            {"protocol_version": 1, "items": items[i : i + batch]}, separators=(",", ":")
        ).encode()
        for i in range(0, len(items), batch)
    ]


def push_all(client: httpx.Client, bodies: list[bytes]) -> float:
    """Push the bodies one after another; return the seconds taken."""
    headers = {"Content-Type": "application/json"}
    accepted = 0
    started = time.perf_counter()
    for body in bodies:
        response = client.post("/sync/push", content=body, headers=headers)
        response.raise_for_status()
        results = response.json()["results"]
        accepted += sum(r["status"] == "accepted" for r in results)
    elapsed = time.perf_counter() - started
    expected = sum(body.count(b'"version_id"') for body in bodies)
    if accepted != expected:
        raise RuntimeError(f"only {accepted} of {expected} versions were accepted")
    return elapsed


def baseline_rows(
    items: list[dict[str, Any]], author_id: str
) -> tuple[list[tuple[Any, ...]], list[tuple[str, str, str]]]:
    """Return the same rows the server stores for items: version rows and index rows."""
    recorded_at = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    rows: list[tuple[Any, ...]] = []
    index: list[tuple[str, str, str]] = []
    for item in items:
        version = VERSION.validate_python(item)
        body = version.model_dump_json()
        rows.append((
            version.version_id, version.record_id, "chronology_entry", None, version.case_id,
            author_id, "CSC", new_id(), version.device_time.isoformat(), recorded_at,
            hashlib.sha256(body.encode()).digest(), body,
        ))  # fmt: skip
        assert isinstance(version.payload, ChronologyEntry)
        when = event_time(version.payload)
        index.extend((child_id, version.version_id, when) for child_id in version.payload.child_ids)
    return rows, index


def raw_sqlite(path: Path, rows: list[tuple[Any, ...]], index: list[tuple[str, str, str]]) -> float:
    """executemany the rows into a fresh WAL file with the server's DDL; return seconds."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        for statement in (*VERSIONS_DDL, *ALSO_REPLACES_DDL):
            conn.execute(statement)
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(INSERT_VERSION_SQL, rows)
        conn.executemany(INSERT_INDEX_SQL, index)
        conn.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        conn.close()


def ingest(db: Path | str, n: int, batch: int) -> tuple[float, list[dict[str, Any]], str]:
    """Push n entries to a fresh server on db; return (seconds, the items, the author id)."""
    password = secrets.token_urlsafe(16)
    port = free_port()
    proc = start_server(db, port, password)
    try:
        with httpx.Client(base_url=f"http://{HOST}:{port}", timeout=120) as client:
            login = client.post(
                "/auth/login",
                json={"username": "demo-sw", "password": password, "device_name": "bench"},
            ).json()
            client.headers["Authorization"] = f"Bearer {login['token']}"
            author_id = login["practitioner"]["id"]
            items = make_items(n, author_id, cases_and_children(client))
            return push_all(client, encode_batches(items, batch)), items, author_id
    finally:
        stop_server(proc)


def one_postgres_run(url: str, n: int, batch: int) -> tuple[float, float]:
    """Return (server ingest rows/s, raw psycopg rows/s), each into a fresh database."""
    with fresh_database(url, "doorstep_bench_server") as server_db:
        ingest_s, items, author_id = ingest(server_db, n, batch)
    rows, index = baseline_rows(items, author_id)
    raw = []
    for i in range(RAW_REPEATS):
        with fresh_database(url, f"doorstep_bench_raw_{i}") as raw_db:
            raw.append(raw_postgres(raw_db, rows, index))
    return n / ingest_s, n / statistics.median(raw)


def one_run(n: int, batch: int) -> tuple[float, float]:
    """Return (server ingest rows/s, raw sqlite rows/s) for one fresh server and database."""
    with tempfile.TemporaryDirectory(prefix="doorstep-bench-") as tmp:
        folder = Path(tmp)
        ingest_s, items, author_id = ingest(folder / "server.db", n, batch)
        rows, index = baseline_rows(items, author_id)
        # The baseline takes well under a second: three fresh files, so one hiccup of a
        # shared machine does not decide it.
        raw_s = statistics.median(
            raw_sqlite(folder / f"raw-{i}.db", rows, index) for i in range(RAW_REPEATS)
        )
    return n / ingest_s, n / raw_s


BASELINES = {
    "sqlite": "raw sqlite3 executemany of the same N version rows plus their chronology "
    "index rows, one transaction, fresh WAL file (synchronous=FULL), schema from "
    "sync_server.repository.sqlite_schema VERSIONS_DDL + ALSO_REPLACES_DDL (same columns, "
    "keys, constraints, indexes as the server)",
    "postgresql": "raw psycopg executemany (pipeline mode) of the same N version rows plus "
    "their chronology index rows, one transaction, a fresh database on the same server, "
    "schema from the same DDL as PostgreSQL reads it (schema_steps.postgres_ddl)",
}


def report(args: argparse.Namespace, results: list[tuple[float, float]], backend: str) -> None:
    """Print the medians as name=value lines."""
    ingest_rate = statistics.median(r[0] for r in results)
    raw = statistics.median(r[1] for r in results)
    # Each run's ratio compares rows pushed and raw rows inserted minutes apart on the same
    # machine; the median of those ratios is steadier than a ratio of two medians.
    ratio = statistics.median(r[0] / r[1] for r in results)
    item_bytes = len(encode_batches(make_items(100, new_id(), [(new_id(), [new_id()])]), 100)[0])
    print(f"n={args.n} batch={args.batch} runs={args.runs} item_json_bytes~{item_bytes // 100}")
    print("per_run_ingest/raw=" + " ".join(f"{i:.0f}/{r:.0f}={i / r:.3f}" for i, r in results))
    print(f"ingest_entries_per_s={ingest_rate:.0f}")
    print(f"raw_{backend}_rows_per_s={raw:.0f}")
    print(f"ingest_vs_raw_{backend}={ratio:.3f}")
    print(f"baseline={BASELINES[backend]}")


def main() -> None:
    """Run the benchmark and print name=value lines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="entries per run")
    parser.add_argument("--batch", type=int, default=1000, help="entries per push")
    parser.add_argument("--runs", type=int, default=3, help="runs; medians are reported")
    parser.add_argument("--db", help="postgresql:// URL: bench the server on PostgreSQL")
    args = parser.parse_args()
    if args.db:
        results = [one_postgres_run(args.db, args.n, args.batch) for _ in range(args.runs)]
        report(args, results, "postgresql")
    else:
        report(args, [one_run(args.n, args.batch) for _ in range(args.runs)], "sqlite")


if __name__ == "__main__":
    main()
