"""The payload fields queries read, taken out of a version's JSON once, when it is stored.

Only these record types have fields a query reads; every other version costs nothing here.
Which fields name a record a version is about mirrors services.ingest._named_records: change
both together (the restriction inheritance contract tests hold them to each other).
"""

import json
from collections.abc import Iterable
from typing import Any

from sync_server.repository.dialect import SqlConnection
from sync_server.repository.interface import NewVersion
from sync_server.repository.schema_ddl import INSERT_VERSION_FIELD_SQL

# record type -> the payload fields kept; a list field gives one row per item.
KEPT_FIELDS: dict[str, tuple[str, ...]] = {
    "review_decision": ("reviewed_record_id",),
    "decision_record": ("trigger_entry_id",),
    "same_event_link": ("entry_record_ids",),
    "analysis_note": ("entry_ids",),
    "cp_plan": ("lead_practitioner_id",),
    "plan_outcome": ("plan_id",),
}
# The fields naming a record this one is about (restriction passes along them).
ABOUT_FIELDS = ("reviewed_record_id", "trigger_entry_id", "entry_record_ids", "entry_ids")

FieldRow = tuple[str, str, str, str]  # version_id, field, value, case_id


def field_rows(
    version_id: str, record_type: str, case_id: str, payload_json: str
) -> list[FieldRow]:
    """Return the version_fields rows of one version (none for most record types)."""
    kept = KEPT_FIELDS.get(record_type)
    if not kept:
        return []
    body: Any = json.loads(payload_json)
    payload = body.get("payload") if isinstance(body, dict) else None
    if not isinstance(payload, dict):
        return []
    rows: list[FieldRow] = []
    for field in kept:
        found = payload.get(field)
        values = found if isinstance(found, list) else [found]
        rows.extend(
            (version_id, field, value, case_id)
            for value in dict.fromkeys(values)
            if isinstance(value, str)
        )
    return rows


def versions_field_rows(versions: Iterable[NewVersion]) -> list[FieldRow]:
    """Return the version_fields rows of a batch of versions."""
    return [
        row
        for v in versions
        if v.record_type in KEPT_FIELDS
        for row in field_rows(v.version_id, v.record_type, v.case_id, v.payload_json)
    ]


def backfill_version_fields(conn: SqlConnection) -> None:
    """Write the rows of every version stored before the table existed (schema step 0012)."""
    kinds = ", ".join(f"'{kind}'" for kind in KEPT_FIELDS)
    stored = conn.execute(
        "SELECT version_id, record_type, case_id, payload_json FROM versions"
        f" WHERE record_type IN ({kinds})"
    ).fetchall()
    rows = [row for version in stored for row in field_rows(*version)]
    if rows:
        conn.executemany(INSERT_VERSION_FIELD_SQL, rows)
