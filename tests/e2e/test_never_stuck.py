"""Sync never gets stuck (issue 14), against the real server process: a damaged row on the
device, a version the server keeps failing on, and a kept-alive connection the server closed."""

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mobile_app.services.sync.set_aside import NO_SERVER_COPY, RERECORD_ADVICE
from mobile_app.services.sync.sync import SyncService
from mobile_app.store.database import DB_FILENAME
from mobile_app.sync_client import SyncClient
from tests.e2e.conftest import CliDevice, ServerProcess
from tests.e2e.idle_proxy import IdleCloseProxy
from tests.e2e.poison_proxy import PoisonProxy
from tests.e2e.server_view import ServerView
from tests.e2e.sync_devices import SyncDevice, transport


def on_server(server: ServerProcess) -> list[str]:
    with ServerView.signed_in(server.url, "demo-sw", "checker") as view:
        return [v.version_id for v in view.all_versions()]


def pending(device: CliDevice) -> list[str]:
    return [r["version_id"] for r in device.records() if r["state"] == "pending"]


def status(device: CliDevice) -> dict[str, Any]:
    return dict(json.loads(device.run("status", "--json")))


def flip_a_bit(data: Path, version_id: str) -> None:
    with sqlite3.connect(data / DB_FILENAME) as raw:
        (sealed,) = raw.execute(
            "SELECT ciphertext FROM versions WHERE version_id = ?", [version_id]
        ).fetchone()
        flipped = sealed[:40] + bytes([sealed[40] ^ 0x10]) + sealed[41:]
        raw.execute(
            "UPDATE versions SET ciphertext = ? WHERE version_id = ?", [flipped, version_id]
        )


def test_one_damaged_unsynced_row_is_set_aside_and_the_rest_syncs(
    server: ServerProcess, tmp_path: Path
) -> None:
    """Regression: one flipped bit made `sync` exit 2, push none of the other 11, claim the
    server held a safe copy of a version it never had, and stop new visits being recorded."""
    hv = CliDevice(tmp_path / "hv").signed_in(server, "demo-hv")
    while len(waiting := pending(hv)) < 12:
        hv.run("demo", "--visits", "1", "--seed", str(len(waiting)))
    waiting = waiting[:12]
    victim = waiting[5]
    flip_a_bit(hv.data, victim)

    out = hv.run("sync")  # exit 0: one damaged row no longer stops sync

    assert "could not be opened and was set aside" in out
    assert "safe" not in out
    held = set(on_server(server))
    assert set(waiting) - {victim} <= held
    assert victim not in held
    now = status(hv)
    assert (now["pending"], now["set_aside"]) == (0, 1)
    (aside,) = now["set_aside_records"]
    assert aside["version_id"] == victim
    assert NO_SERVER_COPY in aside["detail"]
    assert aside["what_to_do"] == RERECORD_ADVICE
    assert [r for r in hv.records() if r["state"] == "set_aside"] == [aside]
    assert "What to do: Record it again from your paper notes" in hv.run("status")

    hv.run("demo", "--visits", "1", "--seed", "99")  # recording works beside the damaged row
    fresh = pending(hv)
    assert fresh
    hv.run("sync")
    assert set(fresh) <= set(on_server(server))
    assert status(hv)["cursor"] > 0


@pytest.fixture
def poison(server: ServerProcess) -> Iterator[PoisonProxy]:
    proxy = PoisonProxy(server.url).start()
    yield proxy
    proxy.stop()


def test_a_version_the_server_keeps_failing_on_is_set_aside_and_can_be_sent_again(
    server: ServerProcess, poison: PoisonProxy, tmp_path: Path
) -> None:
    sw = CliDevice(tmp_path / "sw")
    sw.set_up()
    sw.run("login", poison.url, "demo-sw")
    sw.run("sync")
    sw.run("demo", "--visits", "2", "--seed", "4")
    waiting = pending(sw)
    bad = waiting[len(waiting) // 2]
    poison.poisoned.add(bad)

    for _ in range(4):
        out = sw.run("sync")
        assert "not sent: the server had a problem" in out
    assert set(waiting) - {bad} <= set(on_server(server)), "the rest of the outbox went on"
    out = sw.run("sync")  # the fifth failure (flet.toml push_tries_before_set_aside = 5)
    assert "set aside: the server failed on it every time" in out
    now = status(sw)
    assert now["held_back"] == 1
    assert [(r["version_id"], r["state"]) for r in now["set_aside_records"]] == [(bad, "held")]
    refused = poison.refused
    sw.run("sync")
    assert poison.refused == refused, "a held version is not sent again until asked"

    poison.poisoned.clear()
    assert "1 record(s) will be sent again" in sw.run("retry")
    sw.run("sync")
    ids = on_server(server)
    assert bad in ids
    assert len(ids) == len(set(ids)), "nothing stored twice"
    assert (status(sw)["pending"], status(sw)["held_back"]) == (0, 0)


@pytest.mark.parametrize("lose", ["request", "answer"])
def test_a_push_on_a_kept_alive_connection_the_server_closed_is_retried_once(
    server: ServerProcess, tmp_path: Path, lose: str
) -> None:
    phone = SyncDevice.sign_in("idle-phone", tmp_path / "phone", server.url, "demo-sw")
    case_id = sorted(phone.children)[0]
    made = phone.record_entries(case_id, phone.children[case_id][0], ["One.", "Two.", "Three."])
    proxy = IdleCloseProxy(server.port, lose).start()  # type: ignore[arg-type]
    try:
        with SyncClient(proxy.url, phone.token, transport=transport()) as client:
            client.pull(phone.store.cursor.get(), 1)  # its connection stays in the pool
            report = SyncService(phone.store, client).sync()  # push on that connection
    finally:
        proxy.stop()
        phone.close()
    assert proxy.cuts == 1
    assert proxy.accepted == 2, "one retry, on a fresh connection"
    ids = [v.version_id for v in made]
    expected = (3, 0) if lose == "request" else (0, 3)  # a lost answer: stored, then duplicate
    assert (report.accepted, report.duplicates) == expected
    stored = on_server(server)
    assert all(stored.count(v) == 1 for v in ids), "nothing stored twice"
