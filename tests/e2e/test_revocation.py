"""An administrator finds and revokes a lost device, then a leaver, against the running server:
the tokens stop working on the very next request, the withdrawn device wipes itself and says
so to the server, and the audit chain stays intact."""

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from mobile_app.crypto import new_kdf_params
from mobile_app.services.demo import record_demo_visits
from mobile_app.services.records import RecordService
from mobile_app.services.security.account import AccountService
from mobile_app.services.security.lock import UnlockBackoff
from mobile_app.services.security.session import DeviceSession
from mobile_app.services.security.wipe import WITHDRAWN
from mobile_app.services.security.withdrawal import NOT_TOLD, TOLD
from mobile_app.services.sync.background_sync import BackgroundSync
from mobile_app.services.visits.visits import VisitService
from mobile_app.store.database import DB_FILENAME
from mobile_app.store.device_secret import MemorySecretStore
from mobile_app.sync_client import SyncClient
from shared.clock import utc_now
from shared.device_wipe import WipeConfirmation
from tests.e2e.conftest import DEMO_PASSWORD, PASSPHRASE, ROOT, CliDevice, ServerProcess

pytestmark = pytest.mark.e2e


def admin(server: ServerProcess, *args: str, expect: int = 0) -> str:
    command, *rest = args
    done = subprocess.run(
        [sys.executable, "-m", "sync_server", command, "--db", str(server.db), *rest],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == expect, done.stderr
    return done.stdout + done.stderr


def login(server: ServerProcess, username: str, device_name: str) -> httpx.Response:
    return httpx.post(
        f"{server.url}/auth/login",
        json={"username": username, "password": DEMO_PASSWORD, "device_name": device_name},
        timeout=30,
    )


def bearer(answer: httpx.Response) -> dict[str, str]:
    token: str = answer.json()["token"]
    return {"Authorization": f"Bearer {token}"}


def listed(server: ServerProcess, *username: str) -> dict[str, list[str]]:
    lines = admin(server, "list-devices", *username).splitlines()
    assert lines[0].startswith("device_id\tusername\tname")
    return {line.split("\t")[0]: line.split("\t") for line in lines[1:]}


def test_a_lost_device_found_in_the_listing_is_revoked_at_once(server: ServerProcess) -> None:
    lost = login(server, "demo-hv", "e2e lost tablet")
    kept = login(server, "demo-hv", "e2e kept tablet")
    assert httpx.get(f"{server.url}/me", headers=bearer(lost)).status_code == 200

    devices = listed(server, "demo-hv")
    [device_id] = [d for d, row in devices.items() if row[2] == "e2e lost tablet"]
    assert device_id == lost.json()["device_id"]
    assert "revoked" in admin(server, "revoke-device", device_id)

    refused = httpx.get(f"{server.url}/sync/pull", headers=bearer(lost))
    assert refused.status_code == 401
    body: dict[str, Any] = refused.json()
    assert body["code"] == "device_revoked"
    assert body["message"]
    assert httpx.get(f"{server.url}/me", headers=bearer(kept)).status_code == 200
    assert listed(server, "demo-hv")[device_id][5] != "-"


def test_a_revoked_user_loses_every_device_and_cannot_sign_in(server: ServerProcess) -> None:
    first, second = login(server, "demo-hv2", "e2e one"), login(server, "demo-hv2", "e2e two")

    out = admin(server, "revoke-user", "demo-hv2")

    assert "2 device(s) revoked" in out
    for answer in (first, second):
        me = httpx.get(f"{server.url}/me", headers=bearer(answer))
        assert me.json()["code"] == "device_revoked"
    assert login(server, "demo-hv2", "e2e three").json()["code"] == "invalid_credentials"


def test_the_audit_chain_holds_while_the_server_writes(server: ServerProcess) -> None:
    for n in range(3):
        login(server, "demo-sw", f"e2e audit {n}")
    out = admin(server, "verify-audit")
    assert out.startswith("OK: ")
    assert int(out.split()[1]) > 10


# -- a withdrawn device confirms its wipe --------------------------------------------------

FAST_KDF = new_kdf_params(iterations=1, lanes=1, memory_kib=1024)
WIPE_COLUMNS = ["revoked_at", "wipe_confirmed_at", "unsynced_lost", "drafts_lost"]


def wipe_columns(server: ServerProcess, username: str, device_id: str) -> dict[str, str]:
    lines = admin(server, "list-devices", username).splitlines()
    header = lines[0].split("\t")
    assert header[5:] == WIPE_COLUMNS
    rows = {line.split("\t")[0]: line.split("\t") for line in lines[1:]}
    return dict(zip(header[5:], rows[device_id][5:], strict=True))


def wipe_audit(server: ServerProcess, device_id: str) -> list[tuple[str, str]]:
    with sqlite3.connect(server.db) as conn:
        rows = conn.execute(
            "SELECT actor_id, subject_type FROM audit_log"
            " WHERE action = 'device_wipe_confirmed' AND device_id = ?",
            (device_id,),
        ).fetchall()
    conn.close()
    return rows


class AppDevice:
    """The field app's own services in this process: session, store, sync, on a fresh folder."""

    def __init__(self, data_dir: Path, server: ServerProcess, username: str) -> None:
        self.session = DeviceSession(
            data_dir, new_kdf_params(iterations=1, lanes=1, memory_kib=1024)
        )
        self.session.configure_security(MemorySecretStore(), utc_now, UnlockBackoff())
        store = self.session.open(self.session.create_key(PASSPHRASE))
        AccountService(store).sign_in(server.url, username, DEMO_PASSWORD, "e2e app tablet")
        self.signed_in = AccountService(store).session()
        self.data_dir = data_dir

    def record_offline(self, visits: int) -> int:
        """Record synthetic visits that have not reached the server; return the outbox size."""
        store = self.session.store
        records = RecordService(store)
        visit_service = VisitService(records, self.signed_in.practitioner)
        record_demo_visits(records, visit_service, visits, seed=11)
        return store.outbox.count()


def test_a_withdrawn_app_wipes_itself_then_confirms_and_the_listing_shows_it(
    server: ServerProcess, tmp_path: Path
) -> None:
    device = AppDevice(tmp_path / "device", server, "demo-sup")
    assert BackgroundSync(device.session).run().state == "done"
    pending = device.record_offline(2)
    assert pending > 0
    device_id = device.signed_in.device_id
    admin(server, "revoke-device", device_id)

    outcome = BackgroundSync(device.session).run()

    assert outcome.state == "failed"
    assert outcome.message.startswith(WITHDRAWN)
    assert outcome.message.endswith(TOLD)
    assert not device.session.unlocked
    assert not (device.data_dir / DB_FILENAME).exists()
    columns = wipe_columns(server, "demo-sup", device_id)
    assert columns["revoked_at"] != "-"
    assert columns["wipe_confirmed_at"] != "-"
    assert (columns["unsynced_lost"], columns["drafts_lost"]) == (str(pending), "0")
    [(actor_id, subject_type)] = wipe_audit(server, device_id)
    assert (actor_id, subject_type) == (device.signed_in.practitioner.id, "device")
    assert admin(server, "verify-audit").startswith("OK: ")

    # A replay through the app's own client changes nothing and answers the first record.
    with SyncClient(server.url, device.signed_in.token) as client:
        replay = client.confirm_wipe(device_id, WipeConfirmation(unsynced_records=0))
    assert (replay.confirmed_at, replay.unsynced_records) == (
        columns["wipe_confirmed_at"],
        pending,
    )
    assert len(wipe_audit(server, device_id)) == 1


def test_a_wipe_whose_confirmation_is_cut_off_still_wipes_and_the_server_says_unconfirmed(
    server: ServerProcess, tmp_path: Path
) -> None:
    device = AppDevice(tmp_path / "device", server, "demo-sup")
    admin(server, "revoke-device", device.signed_in.device_id)
    network = httpx.HTTPTransport()

    def cut_at_confirmation(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/devices/"):
            raise httpx.ConnectError("the network dropped", request=request)
        return network.handle_request(request)

    outcome = BackgroundSync(device.session, httpx.MockTransport(cut_at_confirmation)).run()

    network.close()
    assert outcome.message.startswith(WITHDRAWN)
    assert outcome.message.endswith(NOT_TOLD)
    assert not (device.data_dir / DB_FILENAME).exists()
    columns = wipe_columns(server, "demo-sup", device.signed_in.device_id)
    assert columns["revoked_at"] != "-"
    assert columns["wipe_confirmed_at"] == "-"
    assert wipe_audit(server, device.signed_in.device_id) == []


def test_a_withdrawn_cli_device_confirms_its_wipe_with_the_unsynced_count(
    server: ServerProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOORSTEP_KEYSTORE", str(tmp_path / "keystore"))
    device = CliDevice(tmp_path / "cli-device", process=True).signed_in(server, "demo-sup")
    device.run("demo", "--visits", "1", "--seed", "3")
    pending = json.loads(device.run("status", "--json"))["pending"]
    assert pending > 0
    [device_id] = [d for d, row in listed(server, "demo-sup").items() if row[2] == "doorstep-cli"]
    admin(server, "revoke-device", device_id)

    out = device.run("sync", expect=4)

    assert WITHDRAWN in out
    assert TOLD in out
    assert not (device.data / DB_FILENAME).exists()
    columns = wipe_columns(server, "demo-sup", device_id)
    assert columns["wipe_confirmed_at"] != "-"
    assert columns["unsynced_lost"] == str(pending)
