"""The rows the storage interface speaks in: what a backend is given and what it returns."""

import hashlib
import json
from dataclasses import dataclass
from typing import NamedTuple

from shared.models import Practitioner


class NewVersion(NamedTuple):
    """A version to store; its server_seq is assigned by the backend on insert."""

    version_id: str
    record_id: str
    record_type: str
    replaces_version_id: str | None
    case_id: str
    author_id: str
    author_agency: str
    device_id: str | None
    device_time: str
    recorded_at: str
    content_hash: bytes
    payload_json: str


class ChronologyIndexRow(NamedTuple):
    """One (child, chronology entry version) pair, with the event time as sortable UTC."""

    child_id: str
    version_id: str
    event_time: str


class ReplacementRow(NamedTuple):
    """A version a resolution replaces beyond its first (its `also_replaces`)."""

    replaced_version_id: str
    version_id: str


class RestrictionRow(NamedTuple):
    """A restricted version: the agency owning its record's restriction and the roles named.

    A record is restricted once any version of it is; a reader must pass every row of it
    (be of the owner agency, or hold a role the row names). A record about a restricted entry
    (a review, a decision, a same-event link) carries the entry's rows as its own: keyed by
    its own version when pushed after the restriction, by the restricting version of the
    entry when it was stored before.
    """

    record_id: str
    version_id: str
    case_id: str
    owner_agency: str
    roles: frozenset[str]


class Viewer(NamedTuple):
    """Who reads, as restriction sees them: their agency and their role.

    A reader limited to some kinds of record (a partner contributor) also names them: the
    record types they read whole, and those they read only when a practitioner of their own
    agency made the record's first version. `whole_types` None means no such limit.
    """

    agency: str
    role: str
    whole_types: frozenset[str] | None = None
    own_types: frozenset[str] = frozenset()


class WithdrawalCandidate(NamedTuple):
    """A record hidden from a reader now that was readable before: the first restricted
    version the reader fails (its record, case and receipt time) came after an earlier one."""

    record_id: str
    case_id: str
    hidden_at: str


class TeamAllocation(NamedTuple):
    """One stored allocation of a case to a team member, live (ended_at None) or ended."""

    case_id: str
    allocation_id: str
    allocated_at: str
    ended_at: str | None


class KnownVersion(NamedTuple):
    """What the ingest rules need to know about a version already stored."""

    version_id: str
    record_id: str
    record_type: str
    case_id: str
    content_hash: bytes
    server_seq: int
    author_id: str
    device_id: str | None = None  # the device that first sent it


class StoredVersion(NamedTuple):
    """A stored version as pull serves it: the version JSON plus the server's own fields."""

    server_seq: int
    author_id: str
    author_agency: str
    recorded_at: str
    payload_json: str


class ChronologyHead(NamedTuple):
    """A current (head) version of a chronology entry record, with its record's counts."""

    version_id: str
    record_id: str
    case_id: str
    author_id: str
    author_agency: str
    recorded_at: str
    payload_json: str
    version_count: int
    head_count: int


class HistoryRow(NamedTuple):
    """One version of a record as its history shows it, with whether it is a head."""

    server_seq: int
    version_id: str
    case_id: str
    author_id: str
    author_agency: str
    recorded_at: str
    is_head: bool
    payload_json: str


@dataclass(frozen=True, slots=True)
class DeviceRecord:
    """A signed-in device; only the sha256 of its token is ever stored."""

    id: str
    practitioner_id: str
    name: str
    token_hash: str
    created_at: str


@dataclass(frozen=True, slots=True)
class DeviceSession:
    """A live (not revoked) device and the practitioner it signs in."""

    device_id: str
    practitioner: Practitioner
    last_seen_at: str | None


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One append-only audit row: ids only, never content."""

    at: str
    actor_id: str | None
    device_id: str | None
    action: str
    subject_type: str | None = None
    subject_id: str | None = None


# The prev_hash of the first audit row: the chain starts from a known, fixed value.
AUDIT_GENESIS_HASH = "0" * 64


def audit_row_hash(prev_hash: str, row_id: int, event: AuditEvent) -> str:
    """Return the chain hash of one audit row: SHA-256 of a canonical JSON array of its fields."""
    fields = (prev_hash, row_id, event.at, event.actor_id, event.device_id, event.action,
              event.subject_type, event.subject_id)  # fmt: skip
    canonical = json.dumps(fields, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class AuditRow:
    """A stored audit row with its place in the hash chain."""

    id: int
    event: AuditEvent
    prev_hash: str | None
    hash: str | None


@dataclass(frozen=True, slots=True)
class DeviceListing:
    """A device as an administrator reviews it (no token hash)."""

    id: str
    username: str
    name: str
    created_at: str
    last_seen_at: str | None
    revoked_at: str | None
