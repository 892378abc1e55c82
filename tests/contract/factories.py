"""Rows the conformance modules store: versions, practitioners and devices (synthetic only)."""

import hashlib
import itertools
import json
from collections.abc import Sequence

from shared.ids import new_id
from shared.models import Practitioner
from shared.vocabulary import Agency, Role
from sync_server.repository import (
    AuditEvent,
    ChronologyIndexRow,
    DeviceRecord,
    NewVersion,
    ReplacementRow,
    Repository,
)

AT = "2025-03-01T09:00:00Z"
_counter = itertools.count()


def make(
    case_id: str,
    record_id: str | None = None,
    replaces: NewVersion | None = None,
    record_type: str = "chronology_entry",
) -> NewVersion:
    """Return a version row; the JSON is a stand-in (the repository does not parse it)."""
    version_id = new_id()
    body = f'{{"version_id":"{version_id}","n":{next(_counter)}}}'
    return NewVersion(
        version_id=version_id,
        record_id=replaces.record_id if replaces else (record_id or new_id()),
        record_type=record_type,
        replaces_version_id=replaces.version_id if replaces else None,
        case_id=case_id,
        author_id="author-1",
        author_agency="CSC",
        device_id=None,
        device_time=AT,
        recorded_at=AT,
        content_hash=hashlib.sha256(body.encode()).digest(),
        payload_json=body,
    )


def with_payload(version: NewVersion, **fields: object) -> NewVersion:
    """Return the version with a payload holding these fields (those ingest keeps as rows)."""
    payload = {"record_type": version.record_type, **fields}
    body = json.dumps({"version_id": version.version_id, "payload": payload})
    return version._replace(payload_json=body, content_hash=hashlib.sha256(body.encode()).digest())


def store(
    repository: Repository,
    versions: Sequence[NewVersion],
    child_id: str | None = None,
    also: Sequence[ReplacementRow] = (),
) -> list[int]:
    """Insert versions in one batch; chronology rows name child_id when given."""
    rows = [ChronologyIndexRow(child_id, v.version_id, AT) for v in versions] if child_id else []
    with repository.ingest() as batch:
        return batch.insert(versions, rows, also)


def resolution(
    case_id: str, heads: Sequence[NewVersion]
) -> tuple[NewVersion, list[ReplacementRow]]:
    """Return a version replacing every one of heads, and its also_replaces rows."""
    first, *rest = heads
    version = make(case_id, replaces=first)
    return version, [ReplacementRow(other.version_id, version.version_id) for other in rest]


def person(
    username: str | None = None,
    team: str = "T",
    role: Role = Role.HEALTH_VISITOR,
    agency: Agency = Agency.HEALTH_VISITING,
) -> Practitioner:
    """Return a practitioner not yet stored (a fresh username unless one is given)."""
    return Practitioner(id=new_id(), username=username or f"user-{new_id()}",
                        display_name="A Person", role=role, agency=agency, team=team)  # fmt: skip


def device(practitioner_id: str, created_at: str = AT) -> DeviceRecord:
    """Return a device of the practitioner not yet stored, with a token hash of its own."""
    return DeviceRecord(new_id(), practitioner_id, "tablet", new_id() + new_id(), created_at)


def about(case_id: str, record_type: str, **names: object) -> NewVersion:
    """Return a version of a record of this type whose payload names records as given."""
    return with_payload(make(case_id, record_type=record_type), **names)


def fail_after_writing(repository: Repository, version: NewVersion) -> None:
    """Store a version and an audit row in one push, then fail before it commits."""
    with repository.ingest() as batch:
        batch.insert([version], [])
        batch.add_audit(AuditEvent(AT, None, None, "sync_push"))
        raise RuntimeError
