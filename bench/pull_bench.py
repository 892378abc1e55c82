"""Pull benchmark: a fresh device pulls a 10,000-entry caseload from the real server process.

Run: .venv/bin/python bench/pull_bench.py [--n 10000] [--runs 3] [--profile]

Each run starts `python -m sync_server --demo` on a free 127.0.0.1 port with a fresh database
and seeds the history over HTTP: demo-sw pushes N synthetic chronology entries (the same
~600-byte versions as sync_bench.py) across their three demo families, in batches of 1,000.
Then a fresh device (mobile_app DeviceStore in a temporary folder, the production KDF, the
real SyncService and SyncClient) signs in as demo-sw and syncs: it pulls every version
(N entries plus the demo families' own records), sealing each with AES-GCM and storing
it with its cursor page by page, as the app does. Only the sync is timed.

Beside it, `http_pull_entries_per_s` is the server's pull pages alone: the same caller pulls
everything from cursor 0 in pages of 500 over HTTP and parses each page with json.loads (no
device work), three passes per run, median. `--profile` runs each device pull under cProfile
and prints its top functions to stderr (where the time goes: HTTP, JSON and validation,
sealing, SQLite).

The baseline, in the same run, is plain sqlite3 `executemany` of the very rows the device
stored (same columns, the same ciphertext) into a fresh file with the device's own schema
(mobile_app.store.database migrations, WAL), in one transaction. Prints medians; the ratio
is the median of the per-run ratios.
"""

import argparse
import cProfile
import json
import os
import pstats
import secrets
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sync_bench import (  # a sibling script, not a package
    HOST,
    cases_and_children,
    encode_batches,
    free_port,
    make_items,
    push_all,
    start_server,
    stop_server,
)

from mobile_app.services.sync.sync import SyncService
from mobile_app.store import DeviceStore
from mobile_app.store.database import open_database
from mobile_app.sync_client import SyncClient

PASSPHRASE = "bench-lantern-copper-42"
PUSH_BATCH = 1000
HTTP_PAGE = 500
HTTP_PASSES = 3
SELECT_ROWS = (
    "SELECT version_id, record_id, record_type, case_id, replaces_version_id, also_replaces,"
    " state, server_seq, ciphertext FROM versions"
)
INSERT_ROWS = (
    "INSERT INTO versions (version_id, record_id, record_type, case_id, replaces_version_id,"
    " also_replaces, state, server_seq, ciphertext) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def seed(url: str, password: str, n: int) -> None:
    """Push n chronology entries as demo-sw over HTTP."""
    with httpx.Client(base_url=url, timeout=120) as client:
        login = client.post(
            "/auth/login",
            json={"username": "demo-sw", "password": password, "device_name": "seeder"},
        ).json()
        client.headers["Authorization"] = f"Bearer {login['token']}"
        items = make_items(n, login["practitioner"]["id"], cases_and_children(client))
        push_all(client, encode_batches(items, PUSH_BATCH))


def device_pull(
    url: str, password: str, data_dir: Path, profile: bool = False
) -> tuple[int, float, float]:
    """Set up a fresh device, sign in and sync; return (versions pulled, seconds, CPU
    seconds of this process: both of its threads, not the server's)."""
    store = DeviceStore.create(data_dir, PASSPHRASE)
    main, ahead = (cProfile.Profile(), cProfile.Profile()) if profile else (None, None)
    try:
        with SyncClient(url) as anonymous:
            token = anonymous.login("demo-sw", password, "bench-device").token
        with SyncClient(url, token=token) as client:
            if ahead:
                profile_ahead(client, ahead)
            started, cpu = time.perf_counter(), time.process_time()
            if main:
                main.enable()
            report = SyncService(store, client).sync()
            if main:
                main.disable()
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        store.close()
    if main and ahead:
        print_profile("device thread (storing pages)", main)
        print_profile("fetch-ahead thread (downloading pages)", ahead)
    return report.pulled, elapsed, cpu


def profile_ahead(client: SyncClient, profiler: cProfile.Profile) -> None:
    """Profile the downloads made on the fetch-ahead thread (cProfile sees one thread only)."""
    name = "pull_body" if hasattr(client, "pull_body") else "pull"  # older code: pull
    download = getattr(client, name)
    on_main = threading.main_thread()

    def profiled(cursor: int, limit: int = 500) -> Any:
        if threading.current_thread() is on_main:
            return download(cursor, limit)  # inside the main thread's own profile
        return profiler.runcall(download, cursor, limit)

    setattr(client, name, profiled)


# Where the time goes, by the functions that spend it (own time, not cumulative).
CATEGORIES = (
    ("sqlite", ("sqlite3.Connection", "sqlite3.Cursor")),
    ("sealing", ("AESGCM", "urandom", "SchemaSerializer", "record_aad")),
    ("validation", ("SchemaValidator",)),
    ("json_scan", ("make_scanner", "c_make_scanner", "pull_page.py", "'decode' of 'bytes'")),
    ("http", ("socket", "httpx", "httpcore", "h11", "ssl", "selectors")),
    ("waiting", ("acquire", "wait")),
)


def print_profile(title: str, profiler: cProfile.Profile) -> None:
    """Print own time by category, then the top functions, to stderr."""
    stats = pstats.Stats(profiler, stream=sys.stderr)
    totals: dict[str, float] = {}
    for func, (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        name = f"{func[0]}:{func[2]}"  # file and function; a built-in's names its type
        kind = next((k for k, marks in CATEGORIES if any(m in name for m in marks)), "other")
        totals[kind] = totals.get(kind, 0.0) + own
    line = " ".join(f"{k}={v:.3f}s" for k, v in sorted(totals.items(), key=lambda kv: -kv[1]))
    print(f"== {title}: {line}", file=sys.stderr)
    stats.sort_stats("tottime").print_stats(12)


def http_pull(url: str, password: str) -> float:
    """Pull every page over HTTP and parse it, no device work; return entries per second."""
    rates = []
    with httpx.Client(base_url=url, timeout=120) as client:
        login = client.post(
            "/auth/login",
            json={"username": "demo-sw", "password": password, "device_name": "http-reader"},
        ).json()
        client.headers["Authorization"] = f"Bearer {login['token']}"
        for _ in range(HTTP_PASSES):
            cursor, entries = 0, 0
            started = time.perf_counter()
            while True:
                params = {"cursor": cursor, "limit": HTTP_PAGE}
                page = json.loads(client.get("/sync/pull", params=params).content)
                entries += len(page["items"])
                cursor = page["next_cursor"]
                if not page["has_more"]:
                    break
            rates.append(entries / (time.perf_counter() - started))
    return statistics.median(rates)


def raw_sqlite(device_dir: Path, raw_dir: Path) -> tuple[int, float, float]:
    """executemany the device's stored version rows into a fresh device-schema file."""
    source = sqlite3.connect(device_dir / "doorstep-device.db")
    try:
        rows = source.execute(SELECT_ROWS).fetchall()
    finally:
        source.close()
    open_database(raw_dir).close()  # the device's schema, by its own migrations
    conn = sqlite3.connect(raw_dir / "doorstep-device.db", isolation_level=None)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(INSERT_ROWS, rows)
        conn.execute("COMMIT")
        return len(rows), time.perf_counter() - started, time.process_time() - cpu
    finally:
        conn.close()


def one_run(n: int, profile: bool = False) -> tuple[float, float, int, float, float]:
    """Return (device pull versions/s, raw sqlite rows/s, versions, HTTP pull entries/s, the
    pull's CPU over raw sqlite's CPU per row) for one fresh server."""
    password = secrets.token_urlsafe(16)
    with tempfile.TemporaryDirectory(prefix="doorstep-pull-bench-") as tmp:
        folder = Path(tmp)
        port = free_port()
        url = f"http://{HOST}:{port}"
        proc = start_server(folder / "server.db", port, password)
        try:
            seed(url, password, n)
            pulled, pull_s, pull_cpu = device_pull(url, password, folder / "device", profile)
            http_rate = http_pull(url, password)
        finally:
            stop_server(proc)
        rows, raw_s, raw_cpu = raw_sqlite(folder / "device", folder / "raw")
        if rows != pulled:
            raise RuntimeError(f"the device stored {rows} versions but pulled {pulled}")
    return pulled / pull_s, rows / raw_s, pulled, http_rate, raw_cpu / pull_cpu


def main() -> None:
    """Run the benchmark and print name=value lines."""
    # Benchmark stores are throwaway: their device secrets go to a throwaway keystore too.
    os.environ.setdefault("DOORSTEP_KEYSTORE", tempfile.mkdtemp(prefix="doorstep-bench-keys-"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="entries seeded per run")
    parser.add_argument("--runs", type=int, default=3, help="runs; medians are reported")
    parser.add_argument("--profile", action="store_true", help="cProfile each device pull")
    args = parser.parse_args()
    results = [one_run(args.n, args.profile) for _ in range(args.runs)]
    pull = statistics.median(r[0] for r in results)
    raw = statistics.median(r[1] for r in results)
    ratio = statistics.median(r[0] / r[1] for r in results)
    print(f"n={args.n} versions_pulled={results[0][2]} runs={args.runs}")
    print("per_run_pull/raw=" + " ".join(f"{p:.0f}/{r:.0f}={p / r:.3f}" for p, r, *_ in results))
    print(f"pull_entries_per_s={pull:.0f}")
    print(f"pull_seconds_for_caseload={results[0][2] / pull:.2f}")
    print(f"raw_sqlite_rows_per_s={raw:.0f}")
    print(f"pull_vs_raw_sqlite={ratio:.3f}")
    print(f"http_pull_entries_per_s={statistics.median(r[3] for r in results):.0f}")
    # Less moved by other load on the machine: the device's own CPU (its two threads) per
    # version against raw sqlite's CPU per row.
    print(f"pull_vs_raw_sqlite_cpu={statistics.median(r[4] for r in results):.3f}")
    print(
        "baseline=raw sqlite3 executemany of the same rows the device stored (clear ids + "
        "AES-GCM ciphertext) into a fresh file with the device schema "
        "(mobile_app.store.database migrations, WAL), one transaction; the pull includes HTTP, "
        "JSON parsing and validation, sealing, and a transaction per page (the first 250 versions, "
        "then 1,000)"
    )


if __name__ == "__main__":
    main()
