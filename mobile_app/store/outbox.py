"""The outbox: versions made on this device, waiting to be pushed in the order they were made.

A version the server keeps failing on (5xx) is held back after a number of tries, so the rest
goes on; later versions of the same record wait behind it (they build on it). The
practitioner releases held versions to try them again.
"""

import json
from collections.abc import Collection, Iterable

from sqlite_utils import Database

from shared.clock import iso, utc_now

# A version is held back, or waits behind a held version of its own record.
_HELD_RECORDS = (
    "SELECT v2.record_id FROM outbox o2 JOIN versions v2 ON v2.version_id = o2.version_id "
    "WHERE o2.held_at IS NOT NULL"
)


class OutboxStore:
    """A FIFO of version ids; a version leaves only once the server has answered for it."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def enqueue(self, version_ids: Iterable[str]) -> None:
        """Queue versions for the next push (in one transaction with the caller's, if any)."""
        with self._db.atomic():
            self._db.conn.executemany(
                "INSERT INTO outbox (version_id) VALUES (?)", [(v,) for v in version_ids]
            )

    def peek(self, limit: int, skip_records: Collection[str] = ()) -> list[str]:
        """Return the oldest queued version ids, oldest first, leaving out held versions,
        those of a record with a held one, and those of skip_records."""
        rows = self._db.execute(
            "SELECT o.version_id FROM outbox o JOIN versions v ON v.version_id = o.version_id "
            f"WHERE v.record_id NOT IN ({_HELD_RECORDS}) "
            "AND v.record_id NOT IN (SELECT value FROM json_each(?)) ORDER BY o.seq LIMIT ?",
            [json.dumps(sorted(skip_records)), limit],
        ).fetchall()
        return [r[0] for r in rows]

    def count_server_failure(self, version_id: str, hold_after: int) -> bool:
        """Count one more 5xx answer for a version pushed alone; hold it back once it reaches
        hold_after. Returns True when it is now held."""
        with self._db.atomic():
            self._db.execute(
                "UPDATE outbox SET server_failures = server_failures + 1, held_at = CASE "
                "WHEN server_failures + 1 >= ? THEN ? ELSE held_at END WHERE version_id = ?",
                [hold_after, iso(utc_now()), version_id],
            )
            row = self._db.execute(
                "SELECT held_at FROM outbox WHERE version_id = ?", [version_id]
            ).fetchone()
        return row is not None and row[0] is not None

    def held(self) -> list[str]:
        """Return the versions held back after repeated server failures, oldest first."""
        sql = "SELECT version_id FROM outbox WHERE held_at IS NOT NULL ORDER BY seq"
        return [r[0] for r in self._db.execute(sql).fetchall()]

    def release_held(self) -> int:
        """Let every held version be tried again at the next sync; return how many."""
        with self._db.atomic():
            cursor = self._db.execute(
                "UPDATE outbox SET held_at = NULL, server_failures = 0 WHERE held_at IS NOT NULL"
            )
        return int(cursor.rowcount)

    def discard(self, version_ids: Iterable[str]) -> None:
        """Remove versions the server has answered for (absent ids are ignored)."""
        # One statement per call, not one per id: a pulled page discards a thousand ids, and
        # a first pull's outbox holds none of them.
        with self._db.atomic():
            self._db.execute(
                "DELETE FROM outbox WHERE version_id IN (SELECT value FROM json_each(?))",
                [json.dumps(list(version_ids))],
            )

    def count(self) -> int:
        """Return how many versions wait to be pushed."""
        return int(self._db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])
