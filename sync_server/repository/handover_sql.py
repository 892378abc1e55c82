"""Handover queries (issue 13), portable SQL both backends run (dialect.py)."""

from collections.abc import Collection

from sync_server.repository.dialect import SqlConnection
from sync_server.repository.handover import HandoverArrival
from sync_server.repository.versions_sql import IDS, ids_json

_ENDED_SQL = (
    "SELECT case_id, ended_at FROM allocations WHERE practitioner_id = ?"
    f" AND ended_at IS NOT NULL AND case_id IN {IDS}"
)
_TRANSFERS_SQL = (
    "SELECT case_id, record_id, author_id, payload_json FROM versions"
    f" WHERE record_type = 'transfer_out' AND case_id IN {IDS} ORDER BY server_seq"
)
_COLUMNS = (
    "version_id, case_id, author_id, allocation_ended_at, transfer_record_id, receiving_team,"
    " arrived_at, forwarded_by"
)


class SqliteHandoverQueries:
    """HandoverQueries on the repository's one connection."""

    _conn: SqlConnection

    def allocation_ends(self, practitioner_id: str, case_ids: Collection[str]) -> dict[str, str]:
        """Return, per case among these, when the practitioner's allocation of it ended (only
        cases not allocated to them now)."""
        if not case_ids:
            return {}
        rows = self._conn.execute(_ENDED_SQL, (practitioner_id, ids_json(case_ids)))
        return dict(rows)

    def transfer_versions(self, case_ids: Collection[str]) -> list[tuple[str, str, str, str]]:
        """Return (case id, record id, author id, version JSON) of each transfer_out version
        in these cases, oldest first."""
        if not case_ids:
            return []
        return [tuple(row) for row in self._conn.execute(_TRANSFERS_SQL, (ids_json(case_ids),))]

    def add_handover_arrivals(self, arrivals: Collection[HandoverArrival]) -> None:
        """Store the marks of versions accepted from the previous team."""
        self._conn.executemany(
            f"INSERT INTO handover_arrivals ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            arrivals,
        )

    def arrival_seqs(self, case_ids: Collection[str], after: int, upto: int) -> set[int]:
        """Return the server_seqs of late arrivals in these cases within (after, upto]."""
        if not case_ids:
            return set()
        rows = self._conn.execute(
            "SELECT v.server_seq FROM handover_arrivals h"
            " JOIN versions v ON v.version_id = h.version_id"
            f" WHERE h.case_id IN {IDS} AND v.server_seq > ? AND v.server_seq <= ?",
            (ids_json(case_ids), after, upto),
        )
        return {row[0] for row in rows}

    def handover_arrivals(self, case_ids: Collection[str]) -> list[HandoverArrival]:
        """Return the late arrivals in these cases, oldest first."""
        if not case_ids:
            return []
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM handover_arrivals WHERE case_id IN {IDS}"
            " ORDER BY arrived_at, version_id",
            (ids_json(case_ids),),
        )
        return [HandoverArrival(*row) for row in rows]
