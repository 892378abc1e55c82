"""Small sealed values (server session, sync issues, drafts) and the clear sync cursor."""

import json
from typing import Any

from sqlite_utils import Database

from mobile_app.crypto import setting_aad
from mobile_app.errors import DecryptionFailed, StoreError
from mobile_app.store.cipher import ContentCipher


class SealedValues:
    """A sealed JSON value per (table, key); the associated data binds each to its key."""

    def __init__(self, db: Database, cipher: ContentCipher, table: str, key_column: str) -> None:
        self._db = db
        self._cipher = cipher
        self._table = table
        self._key = key_column

    def _aad(self, key: str) -> bytes:
        return setting_aad(f"{self._table}/{key}")

    def put(self, key: str, value: Any, **clear: str) -> None:
        """Seal and store a JSON-serialisable value under key, with optional clear columns."""
        sealed = self._cipher.encrypt(json.dumps(value).encode(), self._aad(key))
        cols = [self._key, *clear, "ciphertext"]
        marks = ", ".join("?" * len(cols))
        with self._db.atomic():
            self._db.execute(
                f"INSERT OR REPLACE INTO {self._table} ({', '.join(cols)}) VALUES ({marks})",
                [key, *clear.values(), sealed],
            )

    def get(self, key: str) -> Any:
        """Return the value under key, or None when absent."""
        row = self._db.execute(
            f"SELECT ciphertext FROM {self._table} WHERE {self._key} = ?",
            [key],
        ).fetchone()
        if row is None:
            return None
        try:
            return json.loads(self._cipher.decrypt(row[0], self._aad(key)))
        except DecryptionFailed as exc:
            raise StoreError(
                f"Stored {self._table} entry {key} failed its integrity check."
            ) from exc

    def delete(self, key: str) -> None:
        """Remove the value under key, if any."""
        with self._db.atomic():
            self._db.execute(f"DELETE FROM {self._table} WHERE {self._key} = ?", [key])

    def keys(self) -> list[str]:
        """Return every key held."""
        sql = f"SELECT {self._key} FROM {self._table} ORDER BY rowid"
        return [r[0] for r in self._db.execute(sql).fetchall()]


class CursorStore:
    """The last server sequence this device has safely stored (clear: it is not personal)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self) -> int:
        """Return the pull cursor, 0 before the first pull."""
        row = self._db.execute("SELECT server_seq FROM sync_cursor WHERE id = 1").fetchone()
        return int(row[0]) if row else 0

    def set(self, server_seq: int) -> None:
        """Advance the cursor (in one transaction with the pulled rows, if the caller has one)."""
        if server_seq < self.get():
            raise StoreError("The sync cursor cannot move backwards.")
        with self._db.atomic():
            self._db.execute(
                "INSERT OR REPLACE INTO sync_cursor (id, server_seq) VALUES (1, ?)", [server_seq]
            )

    def rewind(self) -> None:
        """Go back to 0, so the next pull fetches everything in scope again (merge is idempotent).

        Only a scope change does this: a case entered scope and its history is behind the cursor.
        """
        with self._db.atomic():
            self._db.execute("DELETE FROM sync_cursor WHERE id = 1")
