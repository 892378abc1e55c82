"""The wrong-passphrase count, kept in the keystore beside the device secret, not in the data.

A copy of the data folder must not reset the count: put back an older copy (or copy it, guess,
and copy it back) and guessing would be unbounded. So the count and the next allowed try live
in the keystore with the device secret, sealed with an HMAC under a key derived from that
secret: only the keystore can make a valid count, and a count for another store does not fit.

The data folder's keyring row keeps `failed_unlocks = -1` once the count has moved: a count
then missing or failing its check is treated as damaged (the session allows one more try, not
a fresh start). A store from before this keeps its count in the row until its first count here.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from mobile_app.errors import NotInitialised
from mobile_app.store.device_secret import DeviceSecretStore

_MOVED = -1  # keyring.failed_unlocks once the count lives in the keystore
_MAC_LABEL = b"doorstep unlock attempts v1"


@dataclass(frozen=True)
class UnlockAttempts:
    """Failed unlocks in a row, and the earliest time the next try is allowed."""

    failed: int
    next_try_at: datetime | None
    damaged: bool = False  # the keystore's count is missing or failed its check


def _mac(secret: bytes, store_id: str, body: bytes) -> str:
    key = hmac.new(secret, _MAC_LABEL, hashlib.sha256).digest()
    return hmac.new(key, store_id.encode() + b"\x00" + body, hashlib.sha256).hexdigest()


def _keyring(db: Database) -> tuple[str, int, str | None]:
    row = db.execute("SELECT store_id, failed_unlocks, next_try_at FROM keyring WHERE id = 1")
    found = row.fetchone()
    if found is None:
        raise NotInitialised("This device has not been set up yet: run init first.")
    return str(found[0]), int(found[1]), found[2]


def unlock_attempts(db: Database, secrets: DeviceSecretStore) -> UnlockAttempts:
    """Return the failed-unlock count and next allowed try.

    Raises:
        NotInitialised: the device has no keyring.
    """
    store_id, in_row, next_in_row = _keyring(db)
    secret = secrets.get(store_id)
    if secret is None:  # nothing can unlock here anyway (DeviceKeyMissing follows)
        return UnlockAttempts(max(in_row, 0), None)
    sealed = secrets.get_counter(store_id)
    if sealed is None:
        if in_row == _MOVED:
            return UnlockAttempts(0, None, damaged=True)
        return UnlockAttempts(in_row, datetime.fromisoformat(next_in_row) if next_in_row else None)
    try:
        outer = json.loads(sealed)
        body = str(outer["body"]).encode()
        if not hmac.compare_digest(_mac(secret, store_id, body), str(outer["mac"])):
            return UnlockAttempts(0, None, damaged=True)
        inner = json.loads(body)
        next_try = inner["next_try_at"]
        return UnlockAttempts(
            int(inner["failed"]), datetime.fromisoformat(next_try) if next_try else None
        )
    except (ValueError, KeyError, TypeError):
        return UnlockAttempts(0, None, damaged=True)


def _write(
    db: Database, secrets: DeviceSecretStore, failed: int, next_try_at: datetime | None
) -> None:
    store_id = _keyring(db)[0]
    secret = secrets.get(store_id)
    if secret is None:
        return
    body = json.dumps(
        {"failed": failed, "next_try_at": next_try_at.isoformat() if next_try_at else None}
    )
    mac = _mac(secret, store_id, body.encode())
    secrets.put_counter(store_id, json.dumps({"body": body, "mac": mac}).encode())
    with db.atomic():
        db.execute(
            "UPDATE keyring SET failed_unlocks = ?, next_try_at = NULL WHERE id = 1", [_MOVED]
        )


def record_failed_unlock(
    db: Database, secrets: DeviceSecretStore, failed: int, next_try_at: datetime | None
) -> int:
    """Keep the new count of failed unlocks and when the next try is allowed; return it."""
    _write(db, secrets, failed, next_try_at)
    return failed


def clear_failed_unlocks(db: Database, secrets: DeviceSecretStore) -> None:
    """A right passphrase: the count starts again."""
    _write(db, secrets, 0, None)
