"""A lost phone gives nothing away: the device secret, backoff on wrong passphrases, and the
crypto-shred that follows too many of them."""

import json
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from mobile_app.crypto import KdfParams, derive_wrapping_key, new_data_key, wrap_data_key
from mobile_app.errors import (
    ConfigError,
    DeviceKeyMissing,
    DeviceRevoked,
    DeviceWiped,
    NotInitialised,
    ServerRefused,
    UnlockDelayed,
    WrongPassphrase,
)
from mobile_app.services.planning.note_drafts import AnalysisForm, NoteDraftStore
from mobile_app.services.security.account import ServerSession
from mobile_app.services.security.lock import UnlockBackoff
from mobile_app.services.security.session import DeviceSession
from mobile_app.services.security.wipe import WipeReport, wipe_device
from mobile_app.services.security.withdrawal import Withdrawal, confirm_wipe, note_withdrawal
from mobile_app.store import DeviceStore
from mobile_app.store.database import DB_FILENAME, open_database
from mobile_app.store.device_secret import FileSecretStore, MemorySecretStore, file_secret_store
from mobile_app.sync_client import SyncClient
from shared.clock import utc_now
from shared.ids import new_id
from shared.models import Practitioner
from tests.e2e.conftest import ROOT, CliDevice, ServerProcess
from tests.mobile_app.conftest import PASSPHRASE


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = utc_now()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def secrets() -> MemorySecretStore:
    return MemorySecretStore()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _store_id(data_dir: Path) -> str:
    db = open_database(data_dir)
    try:
        return str(db.execute("SELECT store_id FROM keyring").fetchone()[0])
    finally:
        db.close()


def _copy(data_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copied"
    shutil.copytree(data_dir, copy)
    return copy


# -- 1. the device secret -----------------------------------------------------------------


def test_a_copied_folder_with_the_right_passphrase_but_no_device_secret_stays_shut(
    data_dir: Path, tmp_path: Path, fast_kdf: KdfParams, secrets: MemorySecretStore
) -> None:
    DeviceStore.create(data_dir, PASSPHRASE, fast_kdf, secrets).close()
    copy = _copy(data_dir, tmp_path)
    with pytest.raises(DeviceKeyMissing, match="missing from its keystore"):
        DeviceStore.unlock(copy, PASSPHRASE, MemorySecretStore())
    DeviceStore.unlock(copy, PASSPHRASE, secrets).close()  # on the phone itself it opens


def test_a_copied_folder_with_another_devices_secret_stays_shut(
    data_dir: Path, tmp_path: Path, fast_kdf: KdfParams, secrets: MemorySecretStore
) -> None:
    DeviceStore.create(data_dir, PASSPHRASE, fast_kdf, secrets).close()
    copy = _copy(data_dir, tmp_path)
    thief = MemorySecretStore()
    thief.create(_store_id(copy))  # a guessed secret under the same store id
    with pytest.raises(WrongPassphrase):
        DeviceStore.unlock(copy, PASSPHRASE, thief)


def test_a_tampered_wrapped_key_does_not_unlock(
    data_dir: Path, fast_kdf: KdfParams, secrets: MemorySecretStore
) -> None:
    DeviceStore.create(data_dir, PASSPHRASE, fast_kdf, secrets).close()
    db = open_database(data_dir)
    wrapped = bytearray(db.execute("SELECT wrapped_key FROM keyring").fetchone()[0])
    wrapped[-1] ^= 1
    db.execute("UPDATE keyring SET wrapped_key = ?", [bytes(wrapped)])
    db.conn.commit()
    db.close()
    with pytest.raises(WrongPassphrase):
        DeviceStore.unlock(data_dir, PASSPHRASE, secrets)


def test_a_store_made_before_device_secrets_opens_and_is_rebound_to_this_device(
    data_dir: Path, tmp_path: Path, fast_kdf: KdfParams, secrets: MemorySecretStore
) -> None:
    """Migration guard: a key_version 1 keyring (passphrase only) still opens, once."""
    db = open_database(data_dir)
    store_id, data_key = new_id(), new_data_key()
    old_wrap = wrap_data_key(derive_wrapping_key(PASSPHRASE, fast_kdf), data_key, store_id)
    db.execute(
        "INSERT INTO keyring (id, store_id, kdf_salt, kdf_iterations, kdf_lanes, kdf_memory_kib, "
        "wrapped_key) VALUES (1, ?, ?, ?, ?, ?, ?)",
        [
            store_id,
            fast_kdf.salt,
            fast_kdf.iterations,
            fast_kdf.lanes,
            fast_kdf.memory_kib,
            old_wrap,
        ],
    )
    db.conn.commit()
    db.close()
    old_copy = _copy(data_dir, tmp_path)

    session = DeviceSession(data_dir, fast_kdf, secrets)
    assert session.derive_key(PASSPHRASE) == data_key
    db = open_database(data_dir)
    version, wrapped = db.execute("SELECT key_version, wrapped_key FROM keyring").fetchone()
    db.close()
    assert version == 2
    assert wrapped != old_wrap
    assert secrets.get(store_id) is not None
    assert session.derive_key(PASSPHRASE) == data_key  # and keeps opening
    # A copy taken after the upgrade needs the device secret like any new store.
    with pytest.raises(DeviceKeyMissing):
        DeviceStore.unlock(_copy(data_dir, tmp_path / "later"), PASSPHRASE, MemorySecretStore())
    assert old_copy.exists()


def test_the_file_keystore_keeps_a_private_file_outside_the_data_folder(
    tmp_path: Path, data_dir: Path, fast_kdf: KdfParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    keystore = tmp_path / "keystore"
    monkeypatch.setenv("DOORSTEP_KEYSTORE", str(keystore))
    DeviceStore.create(data_dir, PASSPHRASE, fast_kdf).close()
    count_file, key_file = sorted(keystore.iterdir())  # the unlock count, and the secret
    assert key_file.name == f"{_store_id(data_dir)}.key"
    assert count_file.name == f"{_store_id(data_dir)}.attempts"
    assert stat.S_IMODE(count_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(keystore.stat().st_mode) == 0o700
    assert not list(data_dir.rglob("*.key"))
    DeviceStore.unlock(data_dir, PASSPHRASE).close()
    FileSecretStore(keystore).destroy(key_file.stem)
    assert not key_file.exists()
    assert not count_file.exists()
    with pytest.raises(DeviceKeyMissing):
        DeviceStore.unlock(data_dir, PASSPHRASE)


def test_a_keystore_inside_the_data_folder_is_refused(data_dir: Path) -> None:
    with pytest.raises(ConfigError, match="DOORSTEP_KEYSTORE must be outside the data folder"):
        file_secret_store(data_dir, data_dir / "keys")


def test_a_damaged_key_file_is_a_clear_error(tmp_path: Path) -> None:
    keystore = FileSecretStore(tmp_path / "keystore")
    store_id = new_id()
    keystore.create(store_id)
    (tmp_path / "keystore" / f"{store_id}.key").write_bytes(b"short")
    with pytest.raises(Exception, match="damaged key"):
        keystore.get(store_id)


@pytest.mark.parametrize(
    "bad", ["../escape", "a/b", "", "x" * 65], ids=["dots", "slash", "empty", "long"]
)
def test_a_store_id_that_is_not_a_plain_id_never_becomes_a_path(tmp_path: Path, bad: str) -> None:
    with pytest.raises(Exception, match="not a plain id"):
        FileSecretStore(tmp_path).create(bad)
    assert not list(tmp_path.iterdir())


# -- 2. failed unlocks back off, then erase ---------------------------------------------------


def test_waits_grow_after_the_free_tries_and_stop_growing() -> None:
    backoff = UnlockBackoff(max_failed=10)
    waits = [backoff.wait_after(n).total_seconds() for n in range(1, 10)]
    assert waits == [0, 0, 30, 60, 120, 240, 480, 900, 900]
    assert backoff.tries_left(7) == 3


def test_wrong_passphrases_count_down_and_then_make_the_next_try_wait(
    data_dir: Path, fast_kdf: KdfParams, secrets: MemorySecretStore, clock: FakeClock
) -> None:
    session = DeviceSession(data_dir, fast_kdf, secrets, clock, UnlockBackoff(max_failed=10))
    session.create_key(PASSPHRASE)
    with pytest.raises(WrongPassphrase, match="9 tries left"):
        session.derive_key("not-the-passphrase")
    with pytest.raises(WrongPassphrase, match="8 tries left"):
        session.derive_key("not-the-passphrase")
    with pytest.raises(WrongPassphrase, match=r"7 tries left.*Wait 30 seconds"):
        session.derive_key("not-the-passphrase")
    # Even the right passphrase waits: the counter is enforced before anything is tried.
    with pytest.raises(UnlockDelayed, match="Try again in 30 seconds") as waited:
        session.derive_key(PASSPHRASE)
    assert waited.value.seconds == 31
    status = session.unlock_status()
    assert status is not None
    assert (status.failed, status.tries_left) == (3, 7)
    # The count survives the app being closed: a new session reads it from the store.
    clock.advance(seconds=29)
    with pytest.raises(UnlockDelayed):
        DeviceSession(data_dir, fast_kdf, secrets, clock).derive_key(PASSPHRASE)
    clock.advance(seconds=2)
    assert len(session.derive_key(PASSPHRASE)) == 32
    status = session.unlock_status()
    assert status is not None
    assert (status.failed, status.wait_seconds) == (0, 0)


def test_the_last_allowed_wrong_passphrase_erases_keys_and_data_and_says_what_was_lost(
    data_dir: Path,
    fast_kdf: KdfParams,
    clock: FakeClock,
    caseload: dict[str, str],
    store: DeviceStore,
) -> None:
    store.drafts.put("draft-1", {"note": "synthetic"}, kind="visit")
    store.db.execute("INSERT INTO outbox (version_id) SELECT version_id FROM versions")
    store.db.conn.commit()
    store_id = _store_id(data_dir)
    store.close()
    keystore = file_secret_store(data_dir)  # where the conftest store keeps its secret
    assert keystore.get(store_id) is not None
    session = DeviceSession(data_dir, fast_kdf, keystore, clock, UnlockBackoff(max_failed=3))
    for _ in range(2):
        with pytest.raises(WrongPassphrase):
            session.derive_key("not-the-passphrase")
    clock.advance(hours=1)
    with pytest.raises(DeviceWiped) as wiped:
        session.derive_key("not-the-passphrase")
    assert str(wiped.value) == (
        "Too many wrong passphrases: this device has erased its keys and data. "
        "2 unsynced records and 1 unfinished draft that had not reached the server were lost. "
        "Set the device up again and sign in to carry on."
    )
    assert keystore.get(store_id) is None
    assert not (data_dir / DB_FILENAME).exists()
    assert not session.is_set_up()
    assert session.unlock_status() is None
    with pytest.raises(NotInitialised):
        DeviceStore.unlock(data_dir, PASSPHRASE, keystore)


def test_a_wipe_tells_whoever_listens(
    data_dir: Path, fast_kdf: KdfParams, secrets: MemorySecretStore, clock: FakeClock
) -> None:
    heard: list[str] = []
    session = DeviceSession(data_dir, fast_kdf)
    session.configure_security(secrets, clock, UnlockBackoff(), heard.append)
    session.open(session.create_key(PASSPHRASE))
    message = session.wipe(
        "This device was withdrawn by your organisation; its data has been removed."
    )
    assert heard == [message]
    assert message.startswith("This device was withdrawn by your organisation")
    assert "No unsynced work was lost." in message
    assert not session.unlocked
    assert not session.is_set_up()


# -- 3. the organisation withdraws the device -----------------------------------------------


def _answering(status: int, code: str) -> httpx.MockTransport:
    body = {"code": code, "message": "Refused.", "details": {}}
    return httpx.MockTransport(lambda _: httpx.Response(status, json=body))


def test_the_device_revoked_answer_is_its_own_error() -> None:
    with (
        SyncClient("http://127.0.0.1:1", "t", transport=_answering(401, "device_revoked")) as c,
        pytest.raises(DeviceRevoked, match="withdrawn by your organisation"),
    ):
        c.pull(0)
    with (
        SyncClient("http://127.0.0.1:1", "t", transport=_answering(401, "unauthorised")) as c,
        pytest.raises(ServerRefused),
    ):
        c.pull(0)


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[ServerProcess]:
    """The real sync server process with its demo data."""
    running = ServerProcess(tmp_path / "server.db").start()
    yield running
    running.stop()


@pytest.mark.e2e
def test_a_withdrawn_cli_device_erases_itself_on_its_next_sync(
    demo_server: ServerProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = demo_server
    keystore = tmp_path / "keystore"
    monkeypatch.setenv("DOORSTEP_KEYSTORE", str(keystore))
    device = CliDevice(tmp_path / "device", process=True).signed_in(server, "demo-hv")
    device.run("demo", "--visits", "1", "--seed", "3")
    subprocess.run(
        [sys.executable, "-m", "sync_server", "revoke-user", "--db", str(server.db), "demo-hv"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=60,
    )
    out = device.run("sync", expect=4)
    assert "This device was withdrawn by your organisation; its data has been removed." in out
    assert "unsynced record" in out
    assert not (device.data / DB_FILENAME).exists()
    assert not list(keystore.iterdir())


# -- 4. the withdrawn device confirms its wipe ------------------------------------------------

CONFIRMED = {
    "device_id": "device-1",
    "confirmed_at": "2026-11-26T09:00:00Z",
    "unsynced_records": 2,
    "unfinished_drafts": 1,
}


def _withdrawal() -> Withdrawal:
    return Withdrawal("http://127.0.0.1:1", "device-1", "revoked-token", WipeReport(2, 1))


def test_a_wipe_confirmation_sends_counts_only_with_the_devices_own_token() -> None:
    seen: list[httpx.Request] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=CONFIRMED)

    assert confirm_wipe(_withdrawal(), httpx.MockTransport(server))

    [request] = seen
    assert (request.method, request.url.path) == ("POST", "/devices/device-1/wipe-confirmation")
    assert request.headers["authorization"] == "Bearer revoked-token"
    assert json.loads(request.content) == {"unsynced_records": 2, "unfinished_drafts": 1}


def _dropped(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("the network dropped", request=request)


@pytest.mark.parametrize(
    "server",
    [
        _dropped,
        lambda _: httpx.Response(500, json={"code": "internal_error", "message": "x"}),
        lambda _: httpx.Response(
            401, json={"code": "not_authenticated", "message": "No.", "details": {}}
        ),
        lambda _: httpx.Response(200, content=b"not the answer"),
    ],
    ids=["network_dropped", "server_fault", "refused", "garbled"],
)
def test_a_confirmation_that_fails_is_given_up_after_one_try(
    server: Callable[[httpx.Request], httpx.Response],
) -> None:
    calls: list[str] = []

    def counting(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return server(request)

    assert not confirm_wipe(_withdrawal(), httpx.MockTransport(counting))
    assert len(calls) == 1


def test_a_device_never_signed_in_has_no_wipe_to_confirm(store: DeviceStore) -> None:
    assert note_withdrawal(store) is None
    assert not confirm_wipe(None)


def test_the_withdrawal_is_read_before_the_wipe_and_hides_its_token(
    store: DeviceStore, practitioner: Practitioner, data_dir: Path
) -> None:
    session = ServerSession(
        server_url="http://127.0.0.1:1",
        device_id="device-1",
        token="revoked-token",
        practitioner=practitioner,
    )
    store.settings.put("session", session.model_dump(mode="json"))
    store.drafts.put("draft-1", {"step": "notes"}, kind="visit")
    NoteDraftStore(store, practitioner.id).save(new_id(), AnalysisForm(analysis="Half typed."))

    withdrawal = note_withdrawal(store)
    store_id = _store_id(data_dir)
    store.close()
    keystore = file_secret_store(data_dir)
    wiped = wipe_device(data_dir, keystore)

    # Read before the wipe: after it there is no session, key or draft left to read.
    assert keystore.get(store_id) is None
    assert not (data_dir / DB_FILENAME).exists()
    assert wiped == WipeReport(unsynced=0, drafts=2)
    assert withdrawal is not None
    assert (withdrawal.server_url, withdrawal.device_id, withdrawal.token) == (
        "http://127.0.0.1:1",
        "device-1",
        "revoked-token",
    )
    assert withdrawal.lost == WipeReport(unsynced=0, drafts=2)  # a visit and a note
    assert "revoked-token" not in repr(withdrawal)
