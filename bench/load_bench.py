"""Load: D simulated devices pushing and pulling against the real server for S seconds.

Run: .venv/bin/python bench/load_bench.py [--devices 50] [--seconds 20] [--batch 10]
     [--db postgresql://USER@HOST/DB] [--workers N] [--think-ms 0]

With --db the server runs on a fresh database created beside the one the URL names (the
role needs CREATEDB) and dropped at the end; tests/postgres_server.py starts a throwaway
PostgreSQL for it.

The server is the real process (`python -m sync_server --demo`, a fresh SQLite file unless --db
names a PostgreSQL database); this script is the load generator, in its own process. Each
simulated device signs in on its own (its own token) as one of the demo case workers, then
loops until the time is up: push a batch of new chronology entries for its cases, pull what
is new since its cursor, wait --think-ms. Closed loop: with no think time every device sends
its next request as soon as the last is answered, so the figures are the server's capacity
and the latency a device sees at that load.

At the end a supervisor's fresh device pulls everything once and the script checks that every
version the server acknowledged is stored exactly once. Prints name=value lines; exits 1 if a
version was lost or duplicated, or anything failed.
"""

import argparse
import asyncio
import contextlib
import json
import secrets
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_postgres import fresh_database
from sync_bench import HOST, free_port, start_server, stop_server

from shared.ids import new_id

PUSHERS = ("demo-hv", "demo-sw")  # demo case workers allocated families 1 and 2
CHECKER = "demo-sup"  # allocated every demo family: sees every version pushed
SUMMARY = "Visit: children seen in the living room; fridge nearly empty; agreed food bank."


@dataclass
class Device:
    """One simulated phone: its client, what it may write about, what it was told."""

    client: httpx.AsyncClient
    author: dict[str, Any]
    children: list[tuple[str, str]]  # (case id, child id)
    cursor: int = 0
    acknowledged: list[str] = field(default_factory=list)
    push_ms: list[float] = field(default_factory=list)
    pull_ms: list[float] = field(default_factory=list)
    errors: int = 0


def entry(device: Device, n: int) -> dict[str, Any]:
    """Return one new chronology entry version, every field as a device sends it."""
    case_id, child_id = device.children[n % len(device.children)]
    when = (datetime(2026, 1, 5, 9, 0, tzinfo=UTC) + timedelta(minutes=n)).isoformat()
    author = device.author
    return {
        "version_id": new_id(), "record_id": new_id(), "replaces_version_id": None,
        "also_replaces": [], "lifecycle": "current", "amend_reason": "",
        "case_id": case_id, "device_time": when,
        "payload": {
            "record_type": "chronology_entry", "child_ids": [child_id],
            "event_datetime": when, "source_agency": author["agency"],
            "information_source": "direct_observation", "author_id": author["id"],
            "author_role": author["role"], "event_type": "home_visit", "summary": SUMMARY,
            "action_taken": "Visit again in 5 days.", "significance": "contextual",
        },
    }  # fmt: skip


async def sign_in(
    base: str, username: str, password: str, name: str
) -> tuple[httpx.AsyncClient, dict[str, Any]]:
    """Return a client signed in as a new device of username, and who that is."""
    client = httpx.AsyncClient(base_url=base, timeout=60)
    body = {"username": username, "password": password, "device_name": name}
    login = (await client.post("/auth/login", json=body)).raise_for_status().json()
    client.headers["Authorization"] = f"Bearer {login['token']}"
    return client, login["practitioner"]


async def pull(device: Device) -> list[dict[str, Any]]:
    """Pull every page after the device's cursor; return the items."""
    items: list[dict[str, Any]] = []
    while True:
        page = (await device.client.get("/sync/pull", params={"cursor": device.cursor})).json()
        items.extend(page["items"])
        device.cursor = page["next_cursor"]
        if not page["has_more"]:
            return items


async def new_device(base: str, username: str, password: str, name: str) -> Device:
    """Sign a device in and take its first pull (the caseload it may write about)."""
    client, practitioner = await sign_in(base, username, password, name)
    device = Device(client, practitioner, [])
    for item in await pull(device):
        if item["payload"]["record_type"] == "child":
            device.children.append((item["case_id"], item["record_id"]))
    if not device.children:
        raise RuntimeError(f"{username} has no children on their caseload")
    return device


async def drive(device: Device, batch: int, until: float, think_s: float) -> None:
    """Push a batch, pull, wait; again until the time is up."""
    n = 0
    while time.monotonic() < until:
        items = [entry(device, n + i) for i in range(batch)]
        n += batch
        body = json.dumps({"protocol_version": 1, "items": items}, separators=(",", ":"))
        started = time.perf_counter()
        try:
            response = await device.client.post(
                "/sync/push", content=body, headers={"Content-Type": "application/json"}
            )
            response.raise_for_status()
        except httpx.HTTPError:
            device.errors += 1
            continue
        device.push_ms.append((time.perf_counter() - started) * 1000)
        for result in response.json()["results"]:
            if result["status"] == "accepted":
                device.acknowledged.append(result["version_id"])
            else:  # every version here is new and valid: anything else is a fault
                device.errors += 1
        started = time.perf_counter()
        try:
            await pull(device)
        except httpx.HTTPError:
            device.errors += 1
        device.pull_ms.append((time.perf_counter() - started) * 1000)
        if think_s:
            await asyncio.sleep(think_s)


def percentile(values: list[float], share: float) -> float:
    """Return the value below which `share` of values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


async def load(base: str, password: str, args: argparse.Namespace) -> int:
    """Run the load, print the figures; return how many versions were lost, doubled or failed."""
    devices = []
    for i in range(args.devices):  # one at a time: sign-in is deliberately slow
        username = PUSHERS[i % len(PUSHERS)]
        devices.append(await new_device(base, username, password, f"load-{i}"))
    started = time.monotonic()
    until = started + args.seconds
    await asyncio.gather(*(drive(d, args.batch, until, args.think_ms / 1000) for d in devices))
    elapsed = time.monotonic() - started
    pushes = [ms for d in devices for ms in d.push_ms]
    pulls = [ms for d in devices for ms in d.pull_ms]
    acknowledged = [v for d in devices for v in d.acknowledged]
    checker = await new_device(base, CHECKER, password, "load-checker")
    checker.cursor = 0  # its first pull only looked for children: read everything again
    stored = Counter(item["version_id"] for item in await pull(checker))
    lost = sum(1 for v in acknowledged if stored[v] == 0)
    duplicated = sum(1 for v in acknowledged if stored[v] > 1)
    for device in (*devices, checker):
        await device.client.aclose()
    print(f"devices={args.devices} seconds={elapsed:.1f} batch={args.batch}")
    print(f"backend={'postgresql' if args.db else 'sqlite'} workers={args.workers}")
    print(f"pushes_per_s={len(pushes) / elapsed:.1f}")
    print(f"versions_per_s={len(acknowledged) / elapsed:.0f}")
    print(f"push_p50_ms={statistics.median(pushes) if pushes else 0:.0f}")
    print(f"push_p95_ms={percentile(pushes, 0.95):.0f}")
    print(f"pull_p95_ms={percentile(pulls, 0.95):.0f}")
    print(f"errors={sum(d.errors for d in devices)}")
    print(f"acknowledged={len(acknowledged)} lost={lost} duplicated={duplicated}")
    return lost + duplicated + sum(d.errors for d in devices)


def main() -> None:
    """Start the server, run the load against it, stop it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--batch", type=int, default=10, help="versions per push")
    parser.add_argument("--think-ms", type=float, default=0, help="pause between rounds")
    parser.add_argument("--db", help="a PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    args = parser.parse_args()
    password = secrets.token_urlsafe(16)
    with contextlib.ExitStack() as stack:
        if args.db:  # a fresh database beside the one named, dropped at the end
            db: Path | str = stack.enter_context(fresh_database(args.db, "doorstep_load"))
        else:
            db = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "server.db"
        port = free_port()
        extra = ["--workers", str(args.workers)] if args.workers > 1 else []
        proc = start_server(db, port, password, extra)
        try:
            bad = asyncio.run(load(f"http://{HOST}:{port}", password, args))
        finally:
            stop_server(proc)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
