"""The wrong-passphrase count lives beside the device secret, so a copy of the data folder
cannot reset it (issue 14, "Unlock attempts survive a copy")."""

import json
import shutil
from pathlib import Path

import pytest

from mobile_app.crypto import KdfParams
from mobile_app.errors import UnlockDelayed, WrongPassphrase
from mobile_app.services.security.lock import UnlockBackoff
from mobile_app.services.security.session import DeviceSession
from mobile_app.store.database import open_database
from mobile_app.store.device_secret import MemorySecretStore
from tests.mobile_app.conftest import PASSPHRASE
from tests.mobile_app.test_device_security import FakeClock, _store_id

WRONG = "not-the-passphrase"


@pytest.fixture
def secrets() -> MemorySecretStore:
    return MemorySecretStore()


def _session(data_dir: Path, kdf: KdfParams, secrets: MemorySecretStore) -> DeviceSession:
    return DeviceSession(data_dir, kdf, secrets, FakeClock(), UnlockBackoff(max_failed=10))


def _wrong(session: DeviceSession, times: int) -> None:
    for _ in range(times):
        with pytest.raises(WrongPassphrase):
            session.derive_key(WRONG)


def _status(session: DeviceSession) -> tuple[int, int]:
    status = session.unlock_status()
    assert status is not None
    return status.failed, status.tries_left


def test_putting_back_a_copy_of_the_data_folder_does_not_reset_the_count(
    data_dir: Path, fast_kdf: KdfParams, secrets: MemorySecretStore, tmp_path: Path
) -> None:
    session = _session(data_dir, fast_kdf, secrets)
    session.create_key(PASSPHRASE)
    clean = tmp_path / "clean-copy"
    shutil.copytree(data_dir, clean)  # taken before any wrong guess
    _wrong(session, 3)
    shutil.rmtree(data_dir)
    shutil.copytree(clean, data_dir)  # guess, put the clean copy back, guess again...
    again = _session(data_dir, fast_kdf, secrets)
    assert _status(again) == (3, 7)
    with pytest.raises(UnlockDelayed):  # the wait after the third wrong try still holds
        again.derive_key(PASSPHRASE)


def test_the_data_folder_holds_no_count_to_edit(
    data_dir: Path, fast_kdf: KdfParams, secrets: MemorySecretStore
) -> None:
    session = _session(data_dir, fast_kdf, secrets)
    session.create_key(PASSPHRASE)
    _wrong(session, 2)
    db = open_database(data_dir)
    try:
        row = db.execute("SELECT failed_unlocks, next_try_at FROM keyring").fetchone()
    finally:
        db.close()
    assert row == (-1, None)
    assert _status(session) == (2, 8)


def test_an_edited_count_leaves_one_try_not_a_fresh_start(
    data_dir: Path, fast_kdf: KdfParams, secrets: MemorySecretStore
) -> None:
    session = _session(data_dir, fast_kdf, secrets)
    session.create_key(PASSPHRASE)
    _wrong(session, 2)
    store_id = _store_id(data_dir)
    sealed = json.loads(secrets.get_counter(store_id) or b"")
    sealed["body"] = json.dumps({"failed": 0, "next_try_at": None})  # its HMAC no longer fits
    secrets.put_counter(store_id, json.dumps(sealed).encode())
    assert _status(session) == (9, 1)


def test_a_missing_count_leaves_one_try_and_the_right_passphrase_restores_it(
    data_dir: Path, fast_kdf: KdfParams, tmp_path: Path
) -> None:
    secrets = MemorySecretStore()
    session = _session(data_dir, fast_kdf, secrets)
    session.create_key(PASSPHRASE)
    store_id = _store_id(data_dir)
    thief = MemorySecretStore()  # the secret copied, the count left behind
    thief._secrets[store_id] = secrets.get(store_id) or b""
    copied = _session(data_dir, fast_kdf, thief)
    assert _status(copied) == (9, 1)
    assert len(copied.derive_key(PASSPHRASE)) == 32
    assert _status(copied) == (0, 10)


def test_a_count_from_before_the_move_is_carried_over(
    data_dir: Path, fast_kdf: KdfParams, secrets: MemorySecretStore
) -> None:
    session = _session(data_dir, fast_kdf, secrets)
    session.create_key(PASSPHRASE)
    store_id = _store_id(data_dir)
    secrets._counters.clear()
    db = open_database(data_dir)
    try:
        db.execute("UPDATE keyring SET failed_unlocks = 2")
        db.conn.commit()
    finally:
        db.close()
    assert _status(session) == (2, 8)
    _wrong(session, 1)
    assert _status(session) == (3, 7)
    assert secrets.get_counter(store_id) is not None
