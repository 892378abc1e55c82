"""The outbox: versions made on this device, waiting to be pushed in the order they were made."""

from collections.abc import Iterable

from sqlite_utils import Database


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

    def peek(self, limit: int) -> list[str]:
        """Return the oldest queued version ids, oldest first."""
        rows = self._db.execute(
            "SELECT version_id FROM outbox ORDER BY seq LIMIT ?", [limit]
        ).fetchall()
        return [r[0] for r in rows]

    def discard(self, version_ids: Iterable[str]) -> None:
        """Remove versions the server has answered for (absent ids are ignored)."""
        with self._db.atomic():
            self._db.conn.executemany(
                "DELETE FROM outbox WHERE version_id = ?", [(v,) for v in version_ids]
            )

    def count(self) -> int:
        """Return how many versions wait to be pushed."""
        return int(self._db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])
