"""Queries for break-glass grants (table `break_glass_grants`, migration 0007), both backends."""

from sync_server.repository.break_glass import BreakGlassGrant
from sync_server.repository.dialect import SqlConnection

_COLUMNS = "id, practitioner_id, case_id, team, reason, granted_at, expires_at"


class SqliteBreakGlassQueries:
    """Break-glass grants (portable SQL, dialect.py)."""

    _conn: SqlConnection

    def add_break_glass(self, grant: BreakGlassGrant) -> None:
        """Store a grant."""
        self._conn.execute(
            f"INSERT INTO break_glass_grants ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            list(grant),
        )

    def live_break_glass(self, practitioner_id: str, at: str) -> frozenset[str]:
        """Return the cases the practitioner holds a grant for that has not expired at `at`."""
        rows = self._conn.execute(
            "SELECT DISTINCT case_id FROM break_glass_grants"
            " WHERE practitioner_id = ? AND expires_at > ?",
            [practitioner_id, at],
        ).fetchall()
        return frozenset(str(row[0]) for row in rows)

    def team_break_glass(self, team: str, since: str) -> list[BreakGlassGrant]:
        """Return the grants made to members of a team since `since`, newest first."""
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM break_glass_grants WHERE team = ? AND granted_at >= ?"
            " ORDER BY granted_at DESC, id",
            [team, since],
        ).fetchall()
        return [BreakGlassGrant(*row) for row in rows]
