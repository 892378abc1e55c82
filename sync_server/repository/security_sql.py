"""Sign-in counters and withdrawn devices' wipe confirmations (schema step 0008; portable SQL)."""

import json

from sync_server.repository.dialect import SqlConnection
from sync_server.repository.security_queries import (
    DeviceWipe,
    FailureWindow,
    SignInLock,
    TokenDevice,
)


class SqliteSecurityQueries:
    """Sign-in counters and wipe confirmations on the repository's one connection."""

    _conn: SqlConnection

    def signin_failures(self, key: str, since: str) -> FailureWindow:
        """Return the key's failures after `since`."""
        count, oldest = self._conn.execute(
            "SELECT count(*), min(at) FROM signin_failures WHERE key = ? AND at > ?",
            (key, since),
        ).fetchone()
        return FailureWindow(count, oldest)

    def add_signin_failure(self, key: str, at: str) -> int:
        """Count one failure of the key; return its id."""
        row = self._conn.execute(
            "INSERT INTO signin_failures (key, at) VALUES (?, ?) RETURNING id", (key, at)
        ).fetchone()
        return int(row[0])

    def drop_signin_failure(self, failure_id: int) -> None:
        """Take back one counted failure."""
        self._conn.execute("DELETE FROM signin_failures WHERE id = ?", (failure_id,))

    def prune_signin_failures(self, before: str) -> None:
        """Forget every failure at or before `before`."""
        self._conn.execute("DELETE FROM signin_failures WHERE at <= ?", (before,))

    def signin_lock(self, user_key: str) -> SignInLock:
        """Return the username's run of failures and lockout."""
        row = self._conn.execute(
            "SELECT consecutive, locked_until FROM signin_locks WHERE user_key = ?", (user_key,)
        ).fetchone()
        return SignInLock(*row) if row else SignInLock()

    def put_signin_lock(self, user_key: str, lock: SignInLock) -> None:
        """Store the username's run of failures and lockout."""
        self._conn.execute(
            "INSERT INTO signin_locks (user_key, consecutive, locked_until) VALUES (?, ?, ?)"
            " ON CONFLICT (user_key) DO UPDATE SET consecutive = excluded.consecutive,"
            " locked_until = excluded.locked_until",
            (user_key, lock.consecutive, lock.locked_until),
        )

    def forget_signin_user(self, user_key: str) -> None:
        """Forget the username's failures, run and lockout."""
        self._conn.execute("DELETE FROM signin_failures WHERE key = ?", (user_key,))
        self._conn.execute("DELETE FROM signin_locks WHERE user_key = ?", (user_key,))

    def token_device(self, token_hash: str) -> TokenDevice | None:
        """Return the device holding this token hash, revoked or not."""
        row = self._conn.execute(
            "SELECT id, practitioner_id, revoked_at FROM devices WHERE token_hash = ?",
            (token_hash,),
        ).fetchone()
        return TokenDevice(*row) if row else None

    def confirm_device_wipe(self, wipe: DeviceWipe) -> bool:
        """Record a revoked device's wipe once; return False when nothing changed."""
        cursor = self._conn.execute(
            "UPDATE devices SET wipe_confirmed_at = ?, wipe_unsynced_records = ?,"
            " wipe_unfinished_drafts = ?"
            " WHERE id = ? AND revoked_at IS NOT NULL AND wipe_confirmed_at IS NULL",
            (wipe.confirmed_at, wipe.unsynced_records, wipe.unfinished_drafts, wipe.device_id),
        )
        return cursor.rowcount == 1

    def device_wipes(self, device_ids: list[str]) -> dict[str, DeviceWipe]:
        """Return the recorded wipes of these devices."""
        rows = self._conn.execute(
            "SELECT id, wipe_confirmed_at, wipe_unsynced_records, wipe_unfinished_drafts"
            " FROM devices WHERE id IN (SELECT value FROM json_each(?))"
            " AND wipe_confirmed_at IS NOT NULL",
            (json.dumps(device_ids),),
        ).fetchall()
        return {row[0]: DeviceWipe(*row) for row in rows}
