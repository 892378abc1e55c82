"""Storage of record versions: the ingest batch (hot path) and the sync queries.

The queries are portable (dialect.py): the PostgreSQL backend runs them too, and replaces
only the write that hands out server_seqs (postgres_versions.py).
Lookups pass their ids as one JSON array through `json_each`, so a batch of any size is one
statement with one parameter.
"""

import json
from collections.abc import Collection

from sync_server.repository.audit_chain import append_audit_row
from sync_server.repository.dialect import SqlConnection
from sync_server.repository.interface import (
    AuditEvent,
    KnownVersion,
    RestrictionRow,
    StoredVersion,
    Viewer,
)
from sync_server.repository.scope_sql import (
    HIDDEN_FROM_VIEWER,
    SEES_KIND,
    SqliteScopeQueries,
    has_hidden_records,
    inherit_restrictions,
    kind_params,
    select_origins,
    select_restrictions,
    viewer_params,
)

IDS = "(SELECT value FROM json_each(?))"
# A head is a version no other version replaces, through either kind of reference.
IS_HEAD = (
    "(NOT EXISTS (SELECT 1 FROM versions r WHERE r.replaces_version_id = v.version_id)"
    " AND NOT EXISTS (SELECT 1 FROM also_replaces a WHERE a.replaced_version_id = v.version_id))"
)
_REPLACERS_SQL = f"""
SELECT replaces_version_id, version_id, server_seq FROM versions
WHERE replaces_version_id IN {IDS}
UNION ALL
SELECT a.replaced_version_id, a.version_id, v.server_seq FROM also_replaces a
JOIN versions v ON v.version_id = a.version_id
WHERE a.replaced_version_id IN {IDS}
ORDER BY 3
"""
# Two steps: the page's server_seqs come from the (case_id, server_seq) index alone, sorted as
# bare integers; only then are those rows read by key. Sorting whole rows (payload_json
# included) of everything after the cursor cost 5x as much, on every page.
_PULL_SQL = (
    "SELECT server_seq, author_id, author_agency, recorded_at, payload_json"
    " FROM versions WHERE server_seq IN (SELECT server_seq FROM versions"
    f" WHERE case_id IN {IDS} AND server_seq > ?{{hidden}}{{kinds}}"
    " ORDER BY server_seq LIMIT ?) ORDER BY server_seq"
)
_PULL_ALL_SQL = _PULL_SQL.format(hidden="", kinds="")
# Only when the caller's cases hold a record hidden from them: a key probe per row (measured
# cheaper than NOT IN over the hidden ids).
_NOT_HIDDEN = f" AND NOT {HIDDEN_FROM_VIEWER}"
_PULL_SHOWN_SQL = _PULL_SQL.format(hidden=_NOT_HIDDEN, kinds="")
# Only for a reader limited to some kinds of record (a partner contributor).
_PULL_KINDS_SQL = _PULL_SQL.format(hidden="", kinds=f" AND {SEES_KIND}")
_PULL_SHOWN_KINDS_SQL = _PULL_SQL.format(hidden=_NOT_HIDDEN, kinds=f" AND {SEES_KIND}")
_HEADS_SQL = (
    f"SELECT v.record_id, v.version_id FROM versions v WHERE v.record_id IN {IDS}"
    f" AND {IS_HEAD} ORDER BY v.server_seq"
)

_CHILD_HEADS_SQL = (
    f"SELECT v.record_id, v.payload_json FROM versions v WHERE v.record_id IN {IDS}"
    f" AND v.record_type = 'child' AND {IS_HEAD} ORDER BY v.server_seq"
)

# One index probe per record, stopping at its oldest version (the first, which replaces
# nothing): a third of the time of reading every version of each record to find it.
_ORIGINAL_AUTHORS_SQL = (
    "SELECT value, (SELECT author_id FROM versions WHERE record_id = value"
    " AND replaces_version_id IS NULL ORDER BY server_seq LIMIT 1) FROM json_each(?)"
)


def ids_json(values: Collection[str]) -> str:
    """Return ids as one JSON array: the single parameter of an `IN json_each(?)` lookup."""
    return json.dumps(list(values))


def select_heads(conn: SqlConnection, record_ids: Collection[str]) -> dict[str, list[str]]:
    """Return, per record id, the version ids no other version replaces (oldest first)."""
    out: dict[str, list[str]] = {}
    if not record_ids:
        return out
    for record_id, version_id in conn.execute(_HEADS_SQL, (ids_json(record_ids),)):
        out.setdefault(record_id, []).append(version_id)
    return out


class IngestReads:
    """The reads (and small writes) of one push, on a connection inside its write transaction."""

    def __init__(self, conn: SqlConnection) -> None:
        self._conn = conn

    def known_versions(self, version_ids: Collection[str]) -> dict[str, KnownVersion]:
        """Return the stored versions among these ids."""
        if not version_ids:
            return {}
        rows = self._conn.execute(
            "SELECT version_id, record_id, record_type, case_id, content_hash, server_seq,"
            f" author_id, device_id FROM versions WHERE version_id IN {IDS}",
            (ids_json(version_ids),),
        )
        return {row[0]: KnownVersion(*row) for row in rows}

    def existing_records(self, record_ids: Collection[str]) -> set[str]:
        """Return the record ids among these that have at least one stored version."""
        if not record_ids:
            return set()
        rows = self._conn.execute(
            f"SELECT DISTINCT record_id FROM versions WHERE record_id IN {IDS}",
            (ids_json(record_ids),),
        )
        return {row[0] for row in rows}

    def replacing_versions(self, base_ids: Collection[str]) -> dict[str, list[tuple[str, int]]]:
        """Return, per base version id, (version id, server_seq) of each stored version that
        replaces it, oldest first, whether it names the base in replaces_version_id or in
        also_replaces."""
        out: dict[str, list[tuple[str, int]]] = {}
        if not base_ids:
            return out
        ids = ids_json(base_ids)
        for base_id, version_id, seq in self._conn.execute(_REPLACERS_SQL, (ids, ids)):
            out.setdefault(base_id, []).append((version_id, seq))
        return out

    def child_cases(self, child_ids: Collection[str]) -> dict[str, str]:
        """Return the case id of each stored child record among these ids."""
        if not child_ids:
            return {}
        rows = self._conn.execute(
            "SELECT record_id, case_id FROM versions"
            f" WHERE record_id IN {IDS} AND record_type = 'child'",
            (ids_json(child_ids),),
        )
        return dict(rows)

    def heads(self, record_ids: Collection[str]) -> dict[str, list[str]]:
        """Return, per record id, the version ids no other version replaces (oldest first)."""
        return select_heads(self._conn, record_ids)

    def child_heads(self, child_ids: Collection[str]) -> dict[str, list[str]]:
        """Return, per stored child record among these ids, the JSON of its current versions
        (those no other version replaces, oldest first) as it was pushed."""
        out: dict[str, list[str]] = {}
        if child_ids:
            for child_id, body in self._conn.execute(_CHILD_HEADS_SQL, (ids_json(child_ids),)):
                out.setdefault(child_id, []).append(body)
        return out

    def restrictions(self, record_ids: Collection[str]) -> dict[str, list[RestrictionRow]]:
        """Return the restriction rows of each restricted record among these ids."""
        return select_restrictions(self._conn, record_ids)

    def inherit_restrictions(self, rows: Collection[RestrictionRow]) -> int:
        """Give the stored records about each restricted record (reviews, decisions and
        same-event links in its case, and records about those) its restriction rows, keyed
        by the restricting version; return how many rows were written."""
        return inherit_restrictions(self._conn, rows)

    def record_kinds(self, record_ids: Collection[str]) -> dict[str, tuple[str, str]]:
        """Return (record type, case id) of each stored record among these ids."""
        if not record_ids:
            return {}
        rows = self._conn.execute(
            "SELECT DISTINCT record_id, record_type, case_id FROM versions"
            f" WHERE record_id IN {IDS}",
            (ids_json(record_ids),),
        )
        return {record_id: (kind, case_id) for record_id, kind, case_id in rows}

    def original_authors(self, record_ids: Collection[str]) -> dict[str, str]:
        """Return who pushed the first version (the one replacing nothing) of each stored
        record among these ids."""
        if not record_ids:
            return {}
        rows = self._conn.execute(_ORIGINAL_AUTHORS_SQL, (ids_json(record_ids),))
        return {record_id: author for record_id, author in rows if author is not None}

    def record_origins(self, record_ids: Collection[str]) -> dict[str, tuple[str, str]]:
        """Return (record type, agency of whoever pushed its first version) of each stored
        record among these ids."""
        return select_origins(self._conn, record_ids)

    # Push rules for plans and professionals-only meetings (docs/domain.md, Plans, Meetings, Roles):
    # one statement each per batch, and only for batches holding plans, outcomes or approvals.
    def outcome_plans(self, version_ids: Collection[str]) -> dict[str, str]:
        """Return the plan_id each stored plan_outcome version among these ids names."""
        if not version_ids:
            return {}
        rows = self._conn.execute(
            "SELECT version_id, value FROM version_fields"
            f" WHERE version_id IN {IDS} AND field = 'plan_id'",
            (ids_json(version_ids),),
        )
        return dict(rows.fetchall())

    def plan_leads(self, plan_ids: Collection[str]) -> dict[str, tuple[str, frozenset[str]]]:
        """Return, per stored cp_plan among these record ids, its case id and the
        lead_practitioner_id each of its current (head) versions names."""
        out: dict[str, tuple[str, frozenset[str]]] = {}
        if not plan_ids:
            return out
        rows = self._conn.execute(
            "SELECT v.record_id, v.case_id, f.value FROM versions v"
            " LEFT JOIN version_fields f ON f.version_id = v.version_id"
            " AND f.field = 'lead_practitioner_id'"
            f" WHERE v.record_id IN {IDS} AND v.record_type = 'cp_plan' AND {IS_HEAD}",
            (ids_json(plan_ids),),
        )
        for plan_id, case_id, lead in rows:
            leads = out[plan_id][1] if plan_id in out else frozenset()
            out[plan_id] = (case_id, leads | {lead})
        return out

    def practitioner_cases(
        self, practitioner_ids: Collection[str]
    ) -> dict[str, tuple[str, frozenset[str]]]:
        """Return, per known practitioner among these ids, their role and the cases allocated
        to them now (ended allocations left out)."""
        found: dict[str, tuple[str, set[str]]] = {}
        if not practitioner_ids:
            return {}
        rows = self._conn.execute(
            "SELECT p.id, p.role, a.case_id FROM practitioners p LEFT JOIN allocations a"
            " ON a.practitioner_id = p.id AND a.ended_at IS NULL"
            f" WHERE p.id IN {IDS}",
            (ids_json(practitioner_ids),),
        )
        for person_id, role, case_id in rows:
            cases = found.setdefault(person_id, (role, set()))[1]
            if case_id is not None:
                cases.add(case_id)
        return {person: (role, frozenset(cases)) for person, (role, cases) in found.items()}

    def add_audit(self, event: AuditEvent) -> None:
        """Append one audit row in this transaction (which holds the write lock)."""
        append_audit_row(self._conn, event)

    def touch_device(self, device_id: str, at: str) -> None:
        """Record that the device was seen now."""
        self._conn.execute("UPDATE devices SET last_seen_at = ? WHERE id = ?", (at, device_id))


class SqliteVersionQueries(SqliteScopeQueries):
    """Read-only queries over stored versions for sync (and, inherited, for scope)."""

    _conn: SqlConnection

    def pull(
        self, case_ids: Collection[str], cursor: int, limit: int, viewer: Viewer | None = None
    ) -> list[StoredVersion]:
        """Return up to `limit` versions in these cases with server_seq > cursor, ascending,
        leaving out restricted records the viewer may not read (all of them for no viewer)
        and, for a viewer limited to some kinds of record, the records outside them."""
        if not case_ids:
            return []
        cases = ids_json(case_ids)
        reader = viewer_params(viewer)
        hidden = has_hidden_records(self._conn, cases, reader)
        params: tuple[str | int, ...] = (cases, cursor, *reader) if hidden else (cases, cursor)
        if viewer is not None and viewer.whole_types is not None:
            sql = _PULL_SHOWN_KINDS_SQL if hidden else _PULL_KINDS_SQL
            params += kind_params(viewer)
        else:
            sql = _PULL_SHOWN_SQL if hidden else _PULL_ALL_SQL
        rows = self._conn.execute(sql, (*params, limit))
        return [StoredVersion(*row) for row in rows]

    def heads(self, record_ids: Collection[str]) -> dict[str, list[str]]:
        """Return, per record id, the version ids no other version replaces (oldest first)."""
        return select_heads(self._conn, record_ids)

    def version_ids(self) -> set[str]:
        """Return every stored version id (for audits and tests; not a hot path)."""
        return {row[0] for row in self._conn.execute("SELECT version_id FROM versions")}
