"""Queries behind scope (both backends): a team's allocations, which records are restricted.

A restricted record has one `restricted_versions` row per restricted version (written at
ingest, only for those), holding its case, the agency that owns the restriction and the
roles it names. Pull first asks this small table whether the caller's cases hold a record
the caller may not read; when none does (the common case) the pull query is unchanged.

A reader limited to some kinds of record (Viewer.whole_types, a partner contributor) gets
one more condition on each version: `SEES_KIND`, the SQL twin of
services.access.scope.sees_kind (as `HIDDEN_FROM_VIEWER` is of scope.may_read:
tests/contract/test_read_rule_twins_contract.py checks on every backend that each answers as
its Python rule). Readers without that limit (everyone else) pull with the query unchanged.

A record that becomes hidden from a reader (a later version restricts it, or narrows its
named roles) must leave the devices that pulled it before: `withdrawal_candidates` finds,
from the same small table, the records whose first restricted version the reader fails lies
in a pull page's range and which had a version before it (so were readable for a while).

A record about a restricted entry (a review of it, a decision it triggered, a same-event link
naming it) is hidden alike. One pushed after the restriction inherits its rows at ingest,
keyed by its own version. One stored before gets, when a later version restricts the entry
(or narrows its roles), rows keyed by that restricting version: `inherit_restrictions`
writes them in one statement. Restriction being per record, such a row hides every version
of the record about it; keyed by the restricting version, it also tells withdrawal when the
record went hidden.
"""

import json
from collections.abc import Collection

from sync_server.repository.dialect import SqlConnection
from sync_server.repository.interface import (
    RestrictionRow,
    TeamAllocation,
    Viewer,
    WithdrawalCandidate,
)
from sync_server.repository.restriction_inheritance import (
    INSERT_RESTRICTION_SQL,
    inherit_existing_restrictions,
    inherit_restrictions,
    restriction_params,
    roles_text,
)

__all__ = [
    "INSERT_RESTRICTION_SQL",
    "inherit_existing_restrictions",
    "inherit_restrictions",
    "restriction_params",
    "roles_text",
]

# versions_sql builds on this module, so its `IDS` lookup is spelt again here.
_IDS = "(SELECT value FROM json_each(?))"

# Every allocation (live or ended) of every member of a team: what the team holds, and since
# when, is decided from these in services/access/team_caseload.py.
_TEAM_ALL_SQL = """
SELECT a.case_id, a.allocation_id, a.allocated_at, a.ended_at FROM allocations a
JOIN practitioners p ON p.id = a.practitioner_id
WHERE p.team = ?
"""
_RESTRICTIONS_SQL = (
    "SELECT record_id, version_id, case_id, owner_agency, roles FROM restricted_versions"
    f" WHERE record_id IN {_IDS} ORDER BY record_id, version_id"
)
# A reader fails a row unless it is of the owner agency or holds a role the row names.
_FAILS = "owner_agency <> ? AND instr(roles, ?) = 0"
_ANY_HIDDEN_SQL = f"SELECT 1 FROM restricted_versions WHERE case_id IN {_IDS} AND {_FAILS} LIMIT 1"
# On a `versions` row: a restriction row of its record that the reader fails.
HIDDEN_FROM_VIEWER = (
    "EXISTS (SELECT 1 FROM restricted_versions r WHERE r.record_id = versions.record_id"
    " AND r.owner_agency <> ? AND instr(r.roles, ?) = 0)"
)
# On a `versions` row: a type the reader reads whole, or a type they read when their own
# agency made the record's first version (the one replacing nothing). Mirrors scope.sees_kind.
SEES_KIND = (
    f"(versions.record_type IN {_IDS} OR (versions.record_type IN {_IDS} AND EXISTS"
    " (SELECT 1 FROM versions f WHERE f.record_id = versions.record_id"
    " AND f.replaces_version_id IS NULL AND f.author_agency = ?)))"
)
_ORIGINS_SQL = (
    "SELECT record_id, record_type, author_agency FROM versions"
    f" WHERE record_id IN {_IDS} AND replaces_version_id IS NULL"
)
# The records with a restricted row the reader fails keyed by a version in the range (a key
# probe per version in the range, which pull reads anyway; the row may be of another record,
# one about the restricted entry), then, for those only, the first such version: a record
# restricted from its first version is never a candidate (no earlier version was ever
# readable), and one that went hidden before the range was named then. `versions` is the
# record's first version, which must come before it went hidden.
_WITHDRAWAL_SQL = f"""
WITH recent AS (
    SELECT DISTINCT r.record_id FROM versions v
    JOIN restricted_versions r ON r.version_id = v.version_id
    WHERE v.case_id IN {_IDS} AND v.server_seq > ? AND v.server_seq <= ?
    AND r.owner_agency <> ? AND instr(r.roles, ?) = 0
), failing AS (
    SELECT r.record_id, min(v.server_seq) AS first_seq FROM recent
    JOIN restricted_versions r ON r.record_id = recent.record_id
    JOIN versions v ON v.version_id = r.version_id
    WHERE r.owner_agency <> ? AND instr(r.roles, ?) = 0
    GROUP BY r.record_id
)
SELECT failing.record_id, versions.case_id, hider.recorded_at FROM failing
JOIN versions hider ON hider.server_seq = failing.first_seq
JOIN versions ON versions.server_seq = (SELECT min(e.server_seq) FROM versions e
    WHERE e.record_id = failing.record_id)
WHERE failing.first_seq > ? AND versions.server_seq < failing.first_seq{{kinds}}
ORDER BY failing.first_seq, failing.record_id
"""
_WITHDRAWAL_ALL_SQL = _WITHDRAWAL_SQL.format(kinds="")
_WITHDRAWAL_KINDS_SQL = _WITHDRAWAL_SQL.format(kinds=f" AND {SEES_KIND}")
_ALLOCATION_STARTS_SQL = (
    f"SELECT allocation_id, allocated_at FROM allocations WHERE allocation_id IN {_IDS}"
)


def select_restrictions(
    conn: SqlConnection, record_ids: Collection[str]
) -> dict[str, list[RestrictionRow]]:
    """Return the restriction rows of each restricted record among these ids."""
    out: dict[str, list[RestrictionRow]] = {}
    if not record_ids:
        return out
    rows = conn.execute(_RESTRICTIONS_SQL, (json.dumps(list(record_ids)),))
    for record_id, version_id, case_id, owner_agency, roles in rows:
        named = frozenset(roles[1:-1].split("][")) if roles else frozenset()
        out.setdefault(record_id, []).append(
            RestrictionRow(record_id, version_id, case_id, owner_agency, named)
        )
    return out


def select_origins(conn: SqlConnection, record_ids: Collection[str]) -> dict[str, tuple[str, str]]:
    """Return (record type, agency of whoever pushed its first version) of each stored record
    among these ids."""
    if not record_ids:
        return {}
    rows = conn.execute(_ORIGINS_SQL, (json.dumps(list(record_ids)),))
    return {record_id: (kind, agency) for record_id, kind, agency in rows}


def viewer_params(viewer: Viewer | None) -> tuple[str, str]:
    """Return the (agency, bracketed role) parameters of a visibility check.

    No viewer matches no agency and no role ("[]" is never stored): they read no
    restricted record.
    """
    return ("", "[]") if viewer is None else (viewer.agency, f"[{viewer.role}]")


def kind_params(viewer: Viewer) -> tuple[str, str, str]:
    """Return the (whole types, own types, agency) parameters of `SEES_KIND`."""
    whole = sorted(viewer.whole_types or ())
    return json.dumps(whole), json.dumps(sorted(viewer.own_types)), viewer.agency


def has_hidden_records(conn: SqlConnection, case_ids_json: str, reader: tuple[str, str]) -> bool:
    """Return True when these cases (a JSON array) hold a record the reader may not read."""
    return conn.execute(_ANY_HIDDEN_SQL, (case_ids_json, *reader)).fetchone() is not None


class SqliteScopeQueries:
    """A team's live and ended case allocations, and the restriction rows of records."""

    _conn: SqlConnection

    def team_allocation_history(self, team: str) -> list[TeamAllocation]:
        """Return every stored allocation (live or ended) of any case to a member of the team."""
        return [TeamAllocation(*row) for row in self._conn.execute(_TEAM_ALL_SQL, (team,))]

    def restrictions(self, record_ids: Collection[str]) -> dict[str, list[RestrictionRow]]:
        """Return the restriction rows of each restricted record among these ids."""
        return select_restrictions(self._conn, record_ids)

    def record_origins(self, record_ids: Collection[str]) -> dict[str, tuple[str, str]]:
        """Return (record type, agency of whoever pushed its first version) of each stored
        record among these ids."""
        return select_origins(self._conn, record_ids)

    def withdrawal_candidates(
        self, case_ids: Collection[str], after: int, upto: int, viewer: Viewer
    ) -> list[WithdrawalCandidate]:
        """Return the records in these cases hidden from the viewer whose first restricted
        version the viewer fails has after < server_seq <= upto, when an earlier version of
        the record exists (and, for a viewer limited to some kinds of record, it is of one
        of them). Costs one probe when nothing in the cases is hidden from the viewer, else a
        key probe per version in the range (which pull reads anyway)."""
        if not case_ids:
            return []
        cases, reader = json.dumps(list(case_ids)), viewer_params(viewer)
        if not has_hidden_records(self._conn, cases, reader):
            return []  # the common case: nothing in these cases is hidden from the reader
        params: tuple[str | int, ...] = (cases, after, upto, *reader, *reader, after)
        sql = _WITHDRAWAL_ALL_SQL
        if viewer.whole_types is not None:
            sql, params = _WITHDRAWAL_KINDS_SQL, (*params, *kind_params(viewer))
        return [WithdrawalCandidate(*row) for row in self._conn.execute(sql, params)]

    def allocation_starts(self, allocation_ids: Collection[str]) -> dict[str, str]:
        """Return when each of these allocations began (allocation id to allocated_at)."""
        if not allocation_ids:
            return {}
        rows = self._conn.execute(_ALLOCATION_STARTS_SQL, (json.dumps(list(allocation_ids)),))
        return dict(rows)
