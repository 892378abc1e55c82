"""Read queries behind the chronology and version-history views (portable SQL, dialect.py).

Heads are computed here, never stored: a head is a version that no other version replaces,
by its replaces_version_id or by an also_replaces row (versions_sql.IS_HEAD).
"""

from collections.abc import Collection

from sync_server.repository.dialect import SqlConnection
from sync_server.repository.interface import ChronologyHead, HistoryRow
from sync_server.repository.versions_sql import IDS, IS_HEAD, ids_json

# Every head of a record, with how many versions and heads the record has.
_HEAD_COLUMNS = """
head_counts AS (SELECT record_id, count(*) AS n FROM heads GROUP BY record_id)
SELECT h.version_id, h.record_id, h.case_id, h.author_id, h.author_agency, h.recorded_at,
    h.payload_json, (SELECT count(*) FROM versions c WHERE c.record_id = h.record_id),
    head_counts.n
FROM heads h JOIN head_counts ON head_counts.record_id = h.record_id
ORDER BY h.record_id, h.server_seq
"""

_CHILD_HEADS_SQL = f"""
WITH named AS (
    SELECT DISTINCT v.record_id FROM chronology_index ci
    JOIN versions v ON v.version_id = ci.version_id
    WHERE ci.child_id = ? AND v.case_id IN {IDS} AND {IS_HEAD}
),
heads AS (
    SELECT v.* FROM versions v JOIN named ON named.record_id = v.record_id WHERE {IS_HEAD}
),
{_HEAD_COLUMNS}
"""

_CASE_HEADS_SQL = f"""
WITH heads AS (
    SELECT v.* FROM versions v
    WHERE v.case_id = ? AND v.record_type = 'chronology_entry' AND {IS_HEAD}
),
{_HEAD_COLUMNS}
"""

_LINK_HEADS_SQL = f"""
SELECT v.record_id, v.payload_json FROM versions v
WHERE v.case_id IN {IDS} AND v.record_type = 'same_event_link' AND {IS_HEAD}
ORDER BY v.server_seq
"""

_HISTORY_SQL = f"""
SELECT v.server_seq, v.version_id, v.case_id, v.author_id, v.author_agency, v.recorded_at,
    {IS_HEAD}, v.payload_json
FROM versions v WHERE v.record_id = ? ORDER BY v.server_seq
"""


class SqliteChronologyQueries:
    """Chronology heads per child and per case, and one record's full history."""

    _conn: SqlConnection

    def child_case(self, child_id: str) -> str | None:
        """Return the case a child record belongs to, or None when there is no such child."""
        row = self._conn.execute(
            "SELECT case_id FROM versions WHERE record_id = ? AND record_type = 'child'"
            " ORDER BY server_seq LIMIT 1",
            (child_id,),
        ).fetchone()
        return None if row is None else str(row[0])

    def record_case(self, record_id: str) -> str | None:
        """Return the case a record belongs to, or None when no version of it is stored."""
        row = self._conn.execute(
            "SELECT case_id FROM versions WHERE record_id = ? ORDER BY server_seq LIMIT 1",
            (record_id,),
        ).fetchone()
        return None if row is None else str(row[0])

    def chronology_heads(self, child_id: str, case_ids: Collection[str]) -> list[ChronologyHead]:
        """Return every head of every chronology entry record whose head names the child."""
        if not case_ids:
            return []
        rows = self._conn.execute(_CHILD_HEADS_SQL, (child_id, ids_json(case_ids)))
        return [ChronologyHead(*row) for row in rows]

    def case_chronology_heads(self, case_id: str) -> list[ChronologyHead]:
        """Return every head of every chronology entry record in the case, each once.

        Ingest only accepts entries naming children of their own case, so these are the
        entries naming any child of the case.
        """
        rows = self._conn.execute(_CASE_HEADS_SQL, (case_id,))
        return [ChronologyHead(*row) for row in rows]

    def same_event_link_heads(self, case_ids: Collection[str]) -> list[tuple[str, str]]:
        """Return (record id, version JSON) of every head of every same-event link in these
        cases, in server order."""
        if not case_ids:
            return []
        rows = self._conn.execute(_LINK_HEADS_SQL, (ids_json(case_ids),))
        return [(record_id, payload_json) for record_id, payload_json in rows]

    def record_history(self, record_id: str) -> list[HistoryRow]:
        """Return every version of a record, in server order, each marked head or not."""
        rows = self._conn.execute(_HISTORY_SQL, (record_id,))
        return [
            HistoryRow(seq, vid, case, author, agency, at, bool(head), payload)
            for seq, vid, case, author, agency, at, head, payload in rows
        ]
