"""Issue 13.5: a family moves to another authority. Two real servers on two databases:
Oxfordshire exports the case as a signed bundle, Buckinghamshire imports it, a practitioner
there pulls the history and records after it; Oxfordshire keeps the case closed."""

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.ids import new_id
from tests.e2e.conftest import DEMO_PASSWORD, ROOT, CliDevice, ServerProcess

SENDER, RECEIVER = "Oxfordshire", "Buckinghamshire"


def admin(server: ServerProcess, authority: str, *args: str, expect: int = 0) -> str:
    """Run one administrator command against a server's database, as that authority."""
    folder = server.db.parent
    env = {
        **os.environ,
        "DOORSTEP_AUTHORITY_NAME": authority,
        "DOORSTEP_TRANSFER_KEY_FILE": str(folder.parent / f"{folder.name}-keys" / "transfer.key"),
        "DOORSTEP_TRUSTED_AUTHORITIES_FILE": str(folder.parent / f"{folder.name}-trusted.toml"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "sync_server", *args, "--db", str(server.db)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == expect, f"{args}: {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, ...]]:
    root = tmp_path_factory.mktemp("authorities")
    (root / "a").mkdir()
    (root / "b").mkdir()
    a = ServerProcess(root / "a" / "server.db").start()
    b = ServerProcess(root / "b" / "server.db").start()
    yield a, b
    a.stop()
    b.stop()


def _token(server: ServerProcess, username: str) -> dict[str, str]:
    answer = httpx.post(f"{server.url}/auth/login", json={
        "username": username, "password": DEMO_PASSWORD, "device_name": f"{username} phone",
    }, timeout=30)  # fmt: skip
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def _one(db: Path, sql: str, *params: str) -> Any:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchone()


def _entry(case_id: str, author_id: str, child_id: str, summary: str) -> dict[str, Any]:
    when = (datetime.now(UTC) - timedelta(minutes=30)).isoformat()
    return {
        "version_id": new_id(), "record_id": new_id(), "case_id": case_id,
        "device_time": datetime.now(UTC).isoformat(), "lifecycle": "current",
        "payload": {
            "record_type": "chronology_entry", "child_ids": [child_id], "event_datetime": when,
            "source_agency": "CSC", "information_source": "direct_observation",
            "author_id": author_id, "author_role": "social_worker", "event_type": "home_visit",
            "summary": summary, "action_taken": "Introduced myself.", "significance": "contextual",
        },
    }  # fmt: skip


def _push(server: ServerProcess, headers: dict[str, str], item: dict[str, Any]) -> Any:
    answer = httpx.post(f"{server.url}/sync/push", headers=headers, timeout=30,
                        json={"protocol_version": 1, "items": [item]})  # fmt: skip
    assert answer.status_code == 200, answer.text
    return answer.json()["results"][0]


def test_a_family_moves_to_another_authority(
    servers: tuple[ServerProcess, ServerProcess], tmp_path: Path
) -> None:
    a, b = servers
    case_id, child_id = _one(
        a.db,
        "SELECT v.case_id, v.record_id FROM versions v JOIN allocations al ON al.case_id ="
        " v.case_id JOIN practitioners p ON p.id = al.practitioner_id WHERE p.username ="
        " 'demo-sw' AND v.record_type = 'child' ORDER BY v.server_seq LIMIT 1",
    )
    key_line = admin(a, SENDER, "transfer-key").splitlines()[0]
    assert key_line.startswith(f'{SENDER} = "ed25519:')
    trust = b.db.parent.parent / "b-trusted.toml"
    trust.write_text(f"[authorities]\n{key_line}\n", encoding="utf-8")
    bundle = tmp_path / "family.doorstep"
    sent_count = _one(a.db, "SELECT count(*) FROM versions WHERE case_id = ?", case_id)[0]

    said = admin(a, SENDER, "export-transfer", case_id, "--to", RECEIVER, "--by", "demo-sw",
                 "--out", str(bundle))  # fmt: skip
    assert f"{sent_count} versions" in said
    assert bundle.stat().st_mode & 0o777 == 0o600

    # The sender: the case is closed, a previous holder's push is refused naming where it went.
    sw_a = _token(a, "demo-sw")
    sw_a_id = _one(a.db, "SELECT id FROM practitioners WHERE username = 'demo-sw'")[0]
    late = _push(a, sw_a, _entry(case_id, sw_a_id, child_id, "Visited; family packing."))
    assert late["status"] == "rejected"
    assert f"moved to {RECEIVER}" in late["message"]
    assert _one(a.db, "SELECT count(*) FROM versions WHERE case_id = ?", case_id)[0] == sent_count
    admin(a, SENDER, "allocate", "demo-sw", case_id, expect=2)

    # The receiver: imported once, with provenance; a second import stores nothing.
    said = admin(b, RECEIVER, "import-transfer", str(bundle), "--to", "demo-sw")
    assert f"{sent_count} versions stored" in said
    total = _one(b.db, "SELECT count(*) FROM versions")[0]
    assert "nothing stored" in admin(b, RECEIVER, "import-transfer", str(bundle), "--to", "demo-sw")
    assert _one(b.db, "SELECT count(*) FROM versions")[0] == total

    # A practitioner on B pulls the history to a device, then records after it.
    device = CliDevice(tmp_path / "phone").signed_in(b, "demo-sw")
    assert sum(1 for r in device.records() if r["case_id"] == case_id) == sent_count
    sw_b = _token(b, "demo-sw")
    sw_b_id = _one(b.db, "SELECT id FROM practitioners WHERE username = 'demo-sw'")[0]
    mine = _push(b, sw_b, _entry(case_id, sw_b_id, child_id, "First visit in our area."))
    assert mine["status"] == "accepted"
    last_imported = _one(b.db, "SELECT max(server_seq) FROM versions v JOIN received_versions r"
                               " ON r.version_id = v.version_id")[0]  # fmt: skip
    assert mine["server_seq"] > last_imported
    chronology = httpx.get(f"{b.url}/cases/{case_id}/chronology", headers=sw_b, timeout=30)
    assert chronology.status_code == 200, chronology.text
    entries = chronology.json()["entries"]
    assert entries[-1]["summary"] == "First visit in our area."
    assert entries[-1]["received_from"] is None
    assert all(e["received_from"].startswith(f"received from {SENDER} on") for e in entries[:-1])
    assert len(entries) > 1
    pack = httpx.get(f"{b.url}/cases/{case_id}/transfer-pack", headers=sw_b, timeout=30)
    assert pack.status_code == 200, pack.text
    lines = {line["version_id"]: line for line in pack.json()["chronology"]}
    assert lines[mine["version_id"]]["received_from"] is None
    received = [line for key, line in lines.items() if key != mine["version_id"]]
    assert received
    assert all(line["received_from"].startswith(f"received from {SENDER}") for line in received)
    device.run("sync")
    assert any(r["version_id"] == mine["version_id"] for r in device.records())


def test_a_bundle_from_an_unknown_authority_is_refused(
    servers: tuple[ServerProcess, ServerProcess], tmp_path: Path
) -> None:
    a, b = servers
    case_id = _one(a.db, "SELECT al.case_id FROM allocations al JOIN practitioners p ON p.id ="
                         " al.practitioner_id WHERE p.username = 'demo-sw' AND al.ended_at IS"
                         " NULL ORDER BY al.case_id LIMIT 1")[0]  # fmt: skip
    bundle = tmp_path / "stranger.doorstep"
    admin(a, "Elsewhere", "export-transfer", case_id, "--to", RECEIVER, "--by", "demo-sw",
          "--out", str(bundle))  # fmt: skip
    before = _one(b.db, "SELECT count(*) FROM versions")[0]
    said = admin(b, RECEIVER, "import-transfer", str(bundle), "--to", "demo-sw", expect=2)
    assert "Elsewhere is not on this server's list of trusted authorities" in said
    assert _one(b.db, "SELECT count(*) FROM versions")[0] == before
