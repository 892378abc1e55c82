"""Builders for the server tests: settings, push items as JSON dicts, signed-in clients."""

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient

from shared.ids import new_id
from sync_server.config import Settings

PASSWORD = "correct horse battery staple"
BASE_TIME = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

Item = dict[str, Any]


def fast_settings(db_path: Path | str, *, demo: bool = True) -> Settings:
    """Settings for tests: a cheap Argon2 cost, demo data seeded with a known password."""
    return Settings(
        db_path=Path(db_path),
        demo=demo,
        demo_password=PASSWORD if demo else None,
        password_hash_memory_kib=64,
        password_hash_iterations=1,
    )


def entry_payload(author_id: str, child_ids: list[str], **overrides: Any) -> dict[str, Any]:
    """Return a valid chronology_entry payload."""
    payload: dict[str, Any] = {
        "record_type": "chronology_entry",
        "child_ids": child_ids,
        "event_datetime": BASE_TIME.isoformat(),
        "source_agency": "CSC",
        "information_source": "direct_observation",
        "author_id": author_id,
        "author_role": "social_worker",
        "event_type": "home_visit",
        "summary": "Visited at home; children seen.",
        "action_taken": "Plan reviewed.",
        "significance": "contextual",
    }
    payload.update(overrides)
    return payload


def version(
    case_id: str,
    payload: dict[str, Any],
    *,
    record_id: str | None = None,
    replaces: Item | None = None,
    version_id: str | None = None,
    also: list[Item] | None = None,
    reason: str = "",
    lifecycle: str = "current",
) -> Item:
    """Return a RecordVersion as a JSON dict; `replaces` (then `also`) are the versions this
    edits, and an edit needs a `reason`."""
    return {
        "version_id": version_id or new_id(),
        "record_id": replaces["record_id"] if replaces else (record_id or new_id()),
        "replaces_version_id": replaces["version_id"] if replaces else None,
        "also_replaces": [other["version_id"] for other in also or ()],
        "lifecycle": lifecycle,
        "amend_reason": reason,
        "case_id": case_id,
        "device_time": _written_at(payload),
        "payload": payload,
    }


def _written_at(payload: dict[str, Any]) -> str:
    """When the record was written: at its event for an entry or a visit (V1: not late, so no
    late-entry reason), else a day after BASE_TIME."""
    event = payload.get("start") or payload.get("event_datetime")
    return str(event) if event else (BASE_TIME + timedelta(days=1)).isoformat()


def entry(
    case_id: str,
    author_id: str,
    child_ids: list[str],
    *,
    replaces: Item | None = None,
    hours: float = 0,
    reason: str = "",
    **overrides: Any,
) -> Item:
    """Return a chronology entry version; `hours` moves its event time from BASE_TIME."""
    when = (BASE_TIME + timedelta(hours=hours)).isoformat()
    payload = entry_payload(author_id, child_ids, event_datetime=when, **overrides)
    return version(case_id, payload, replaces=replaces, reason=reason)


def edit(base: Item, *, reason: str = "Corrected after review.", **payload_changes: Any) -> Item:
    """Return a new version of base's record that replaces base, with a reason."""
    return version(
        base["case_id"], {**base["payload"], **payload_changes}, replaces=base, reason=reason
    )


def take_back(base: Item, lifecycle: str, reason: str = "Recorded on the wrong family.") -> Item:
    """Return a version withdrawing base's record, or marking it entered in error."""
    return version(
        base["case_id"], base["payload"], replaces=base, reason=reason, lifecycle=lifecycle
    )


def resolve(
    heads: list[Item], *, reason: str = "Merged both accounts.", **payload_changes: Any
) -> Item:
    """Return a version resolving a conflict: it replaces every one of heads."""
    first, *rest = heads
    return version(
        first["case_id"],
        {**first["payload"], **payload_changes},
        replaces=first,
        also=rest,
        reason=reason,
    )


async def sign_in(client: AsyncTestClient[Any], username: str) -> dict[str, str]:
    """Sign in a demo user; return the Authorization header for their new device."""
    response = await client.post(
        "/auth/login",
        json={"username": username, "password": PASSWORD, "device_name": f"{username} phone"},
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def push(client: AsyncTestClient[Any], headers: dict[str, str], items: list[Item]) -> Any:
    """Push items; assert a 200 and return the results list."""
    response = await client.post(
        "/sync/push", json={"protocol_version": 1, "items": items}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()["results"]


def stored_rows(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Return every row of the version tables, read through a separate connection."""
    conn = sqlite3.connect(db_path)
    try:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()  # noqa: S608
            for table in ("versions", "chronology_index", "also_replaces")
        }
    finally:
        conn.close()


def statutory_visit(case_id: str, child_id: str, hours_ago: float) -> Item:
    """Return a statutory visit on a plan child, seen alone and awake, that ended an hour after
    it began."""
    start = datetime.now(UTC) - timedelta(hours=hours_ago)
    payload = {
        "record_type": "visit",
        "child_ids": [child_id],
        "visit_type": "statutory_CP",
        "start": start.isoformat(),
        "end": (start + timedelta(hours=1)).isoformat(),
        "persons_present": [{"description": "mother"}],
        "child_seen": True,
        "seen_alone": True,
        "seen_awake": True,
        "father_or_male_carer": {"not_known_reason": "Mother declined to say."},
    }
    return version(case_id, payload)
