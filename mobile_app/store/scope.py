"""The device's scope: which cases it holds, under which allocation, and removing one."""

from collections.abc import Iterable, Mapping

from sqlite_utils import Database


class ScopeStore:
    """Case ids (with their allocation ids) whose whole history this device has fetched."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self) -> dict[str, str]:
        """Return case id to allocation id for every case held."""
        rows = self._db.execute("SELECT case_id, allocation_id FROM scope").fetchall()
        return {row[0]: row[1] for row in rows}

    def put(self, cases: Mapping[str, str]) -> None:
        """Record cases as held under these allocations (in the caller's transaction)."""
        with self._db.atomic():
            self._db.conn.executemany(
                "INSERT OR REPLACE INTO scope (case_id, allocation_id) VALUES (?, ?)",
                list(cases.items()),
            )

    def remove(self, case_ids: Iterable[str]) -> None:
        """Forget cases (absent ids are ignored)."""
        with self._db.atomic():
            self._db.conn.executemany(
                "DELETE FROM scope WHERE case_id = ?", [(c,) for c in case_ids]
            )
