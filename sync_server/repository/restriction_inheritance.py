"""Restriction passing from a restricted record to the stored records about it (both backends).

The records about a record (a review, a decision, a same-event link, an analysis note, and
records about those) are found through version_fields, written at ingest: no query parses a
payload. A record is about another if any of its versions names it (its history shows them
all), and only within the same case. Costs one query per level of "about" (at most 8): only a
push restricting an existing record runs it. Which records a record is about is decided once,
in services.sync.ingest._named_records; tests/contract/test_inheritance_twin_contract.py
checks on every backend that this SQL reaches exactly the records that rule does.
"""

import json
import sqlite3
from collections.abc import Collection

from sync_server.repository.dialect import SqlConnection
from sync_server.repository.interface import RestrictionRow
from sync_server.repository.version_fields import ABOUT_FIELDS

MAX_DEPTH = 8
_ABOUT = ", ".join(f"'{field}'" for field in ABOUT_FIELDS)
_ABOUT_SQL = (
    "SELECT DISTINCT f.case_id, f.value, v.record_id FROM version_fields f"
    " JOIN versions v ON v.version_id = f.version_id"
    f" WHERE f.field IN ({_ABOUT}) AND f.case_id IN (SELECT value FROM json_each(?))"
    " AND f.value IN (SELECT value FROM json_each(?))"
)
INSERT_RESTRICTION_SQL = (
    "INSERT INTO restricted_versions (record_id, version_id, case_id, owner_agency, roles)"
    " VALUES (?, ?, ?, ?, ?)"
)
_INSERT_NEW_SQL = INSERT_RESTRICTION_SQL + " ON CONFLICT DO NOTHING"

Rule = tuple[str, str, str]  # the restricting version, the owner agency, the roles text
Reached = tuple[str, str, Rule]  # record id, case id, rule


def roles_text(roles: Collection[str]) -> str:
    """Return roles as the stored text: each in brackets, so `instr` finds whole roles only."""
    return "".join(f"[{role}]" for role in sorted(set(roles)))


def restriction_params(row: RestrictionRow) -> tuple[str, str, str, str, str]:
    """Return a restriction row as the parameters of its INSERT."""
    return row.record_id, row.version_id, row.case_id, row.owner_agency, roles_text(row.roles)


def _about(conn: SqlConnection, frontier: list[Reached]) -> dict[tuple[str, str], set[str]]:
    cases = json.dumps(sorted({case for _, case, _ in frontier}))
    records = json.dumps(sorted({record for record, _, _ in frontier}))
    found: dict[tuple[str, str], set[str]] = {}
    for case_id, named, record_id in conn.execute(_ABOUT_SQL, (cases, records)):
        found.setdefault((case_id, named), set()).add(record_id)
    return found


def inherit_restrictions(conn: SqlConnection, rows: Collection[RestrictionRow]) -> int:
    """Give the stored records about each restricted record (and about those) its
    restriction rows, keyed by the restricting version; return how many rows were written."""
    frontier: list[Reached] = [
        (row.record_id, row.case_id, (row.version_id, row.owner_agency, roles_text(row.roles)))
        for row in rows
    ]
    seen = set(frontier)
    written = 0
    for _ in range(MAX_DEPTH):
        if not frontier:
            break
        about = _about(conn, frontier)
        reached = [
            (record_id, case_id, rule)
            for named, case_id, rule in frontier
            for record_id in sorted(about.get((case_id, named), ()))
        ]
        frontier = [item for item in dict.fromkeys(reached) if item not in seen]
        seen.update(frontier)
        for record_id, case_id, (version_id, owner, roles) in frontier:
            cursor = conn.execute(_INSERT_NEW_SQL, (record_id, version_id, case_id, owner, roles))
            written += max(cursor.rowcount, 0)
    return written


# Schema step 0009 on SQLite, kept as it ran: it reads payloads with SQLite's JSON functions
# because version_fields (step 0012) did not exist yet. Nothing else runs it.
_LEGACY_INHERIT_SQL = """
WITH RECURSIVE hidden(record_id, version_id, case_id, owner_agency, roles, depth) AS (
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),
        json_extract(value, '$[2]'), json_extract(value, '$[3]'),
        json_extract(value, '$[4]'), 0
    FROM json_each(?)
    UNION
    SELECT v.record_id, hidden.version_id, v.case_id, hidden.owner_agency, hidden.roles,
        hidden.depth + 1
    FROM hidden JOIN versions v ON v.case_id = hidden.case_id
    WHERE hidden.depth < 8
    AND v.record_type IN ('review_decision', 'decision_record', 'same_event_link',
        'analysis_note')
    AND (json_extract(v.payload_json, '$.payload.reviewed_record_id') = hidden.record_id
        OR json_extract(v.payload_json, '$.payload.trigger_entry_id') = hidden.record_id
        OR hidden.record_id IN (SELECT value FROM
            json_each(v.payload_json, '$.payload.entry_record_ids'))
        OR hidden.record_id IN (SELECT value FROM
            json_each(v.payload_json, '$.payload.entry_ids')))
)
INSERT INTO restricted_versions (record_id, version_id, case_id, owner_agency, roles)
SELECT DISTINCT record_id, version_id, case_id, owner_agency, roles FROM hidden
WHERE depth > 0
"""


def inherit_existing_restrictions(conn: sqlite3.Connection) -> int:
    """Give the records about every restricted chronology entry its restriction rows (for
    entries restricted before restriction passed to records made earlier); return how many
    rows were written. Run once, by schema step 0009 on SQLite."""
    seeds = conn.execute(
        "SELECT json_group_array(json_array(r.record_id, r.version_id, r.case_id,"
        " r.owner_agency, r.roles)) FROM restricted_versions r JOIN versions v"
        " ON v.version_id = r.version_id AND v.record_id = r.record_id"
        " WHERE v.record_type = 'chronology_entry'"
    ).fetchone()[0]
    before = conn.total_changes  # rowcount is -1 for a statement starting WITH
    conn.execute(_LEGACY_INHERIT_SQL, (seeds,))
    return conn.total_changes - before
