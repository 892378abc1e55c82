"""The storage interface every backend implements, and the rows it speaks in.

Versions are append-only: a backend never updates or deletes one. Every write the sync
service makes for one push happens inside one `ingest()` batch, which is one transaction.
The conformance suite in tests/contract holds each backend to this contract.
"""

from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import NamedTuple, Protocol

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


class KnownVersion(NamedTuple):
    """What the ingest rules need to know about a version already stored."""

    version_id: str
    record_id: str
    record_type: str
    case_id: str
    content_hash: bytes
    server_seq: int


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


class IngestBatch(Protocol):
    """The reads and writes of one push, all inside one write transaction."""

    def known_versions(self, version_ids: Collection[str]) -> dict[str, KnownVersion]:
        """Return the stored versions among these ids."""
        ...

    def existing_records(self, record_ids: Collection[str]) -> set[str]:
        """Return the record ids among these that have at least one stored version."""
        ...

    def replacing_versions(self, base_ids: Collection[str]) -> dict[str, list[tuple[str, int]]]:
        """Return, per base version id, (version id, server_seq) of each stored version that
        replaces it, oldest first, whether it names the base in replaces_version_id or in
        also_replaces."""
        ...

    def child_cases(self, child_ids: Collection[str]) -> dict[str, str]:
        """Return the case id of each stored child record among these ids."""
        ...

    def heads(self, record_ids: Collection[str]) -> dict[str, list[str]]:
        """Return, per record id, the version ids no other version replaces (oldest first)."""
        ...

    def insert(
        self,
        versions: Sequence[NewVersion],
        index_rows: Sequence[ChronologyIndexRow],
        also_replaces: Sequence[ReplacementRow] = (),
    ) -> list[int]:
        """Store versions (in order), chronology index rows and the extra replaced ids of
        resolutions; return the new server_seqs.

        Raises:
            DuplicateVersion: a version id is already stored; the whole batch is undone.
        """
        ...

    def add_audit(self, event: AuditEvent) -> None:
        """Append one audit row in this transaction."""
        ...

    def touch_device(self, device_id: str, at: str) -> None:
        """Record that the device was seen now."""
        ...


class Repository(Protocol):
    """Everything the server stores: people, devices, allocations, versions and audit."""

    def transaction(self) -> AbstractContextManager[None]:
        """Open a write transaction; nested calls join the outer one (as a savepoint)."""
        ...

    def ingest(self) -> AbstractContextManager[IngestBatch]:
        """Open the write transaction for one push; everything commits or nothing does."""
        ...

    def pull(self, case_ids: Collection[str], cursor: int, limit: int) -> list[StoredVersion]:
        """Return up to `limit` versions in these cases with server_seq > cursor, ascending."""
        ...

    def child_case(self, child_id: str) -> str | None:
        """Return the case a child record belongs to, or None when there is no such child."""
        ...

    def chronology_heads(self, child_id: str, case_ids: Collection[str]) -> list[ChronologyHead]:
        """Return every head of every chronology entry record whose head names the child."""
        ...

    def case_chronology_heads(self, case_id: str) -> list[ChronologyHead]:
        """Return every head of every chronology entry record in the case, each once."""
        ...

    def record_case(self, record_id: str) -> str | None:
        """Return the case a record belongs to, or None when no version of it is stored."""
        ...

    def record_history(self, record_id: str) -> list[HistoryRow]:
        """Return every version of a record, in server order, each marked head or not."""
        ...

    def heads(self, record_ids: Collection[str]) -> dict[str, list[str]]:
        """Return, per record id, the version ids no other version replaces (oldest first).

        A version is replaced when another names it in replaces_version_id or also_replaces.
        """
        ...

    def version_ids(self) -> set[str]:
        """Return every stored version id (for audits and tests; not a hot path)."""
        ...

    def add_practitioner(self, practitioner: Practitioner, password_hash: str, at: str) -> None:
        """Store a practitioner with their password hash (PHC string)."""
        ...

    def practitioner_login(self, username: str) -> tuple[Practitioner, str] | None:
        """Return the practitioner with this username and their password hash, if any."""
        ...

    def practitioners(self, ids: Collection[str]) -> dict[str, Practitioner]:
        """Return the practitioners with these ids."""
        ...

    def allocate(self, practitioner_id: str, case_id: str, at: str) -> bool:
        """Allocate a case to a practitioner; return False when it already is (idempotent).

        A (re)allocation gets a new allocation id and clears any earlier end.
        """
        ...

    def deallocate(self, practitioner_id: str, case_id: str, at: str) -> bool:
        """End a live allocation (the row is kept); return False when there is none."""
        ...

    def allocated_cases(self, practitioner_id: str) -> frozenset[str]:
        """Return the case ids allocated to a practitioner."""
        ...

    def allocations(self, practitioner_id: str) -> dict[str, str]:
        """Return the live allocations of a practitioner: case id to allocation id."""
        ...

    def ended_allocations(self, practitioner_id: str) -> list[str]:
        """Return the case ids whose allocation to a practitioner has ended (and not restarted)."""
        ...

    def add_device(self, device: DeviceRecord) -> None:
        """Store a newly signed-in device."""
        ...

    def device_session(self, token_hash: str) -> DeviceSession | None:
        """Return the live device holding this token hash, or None if unknown or revoked."""
        ...

    def touch_device(self, device_id: str, at: str) -> None:
        """Record that the device was seen now."""
        ...

    def revoke_device(self, device_id: str, at: str) -> bool:
        """Revoke a device at once; return False when there is no live device with this id."""
        ...

    def add_audit(self, event: AuditEvent) -> None:
        """Append one audit row."""
        ...

    def audit_events(self, action: str | None = None) -> list[AuditEvent]:
        """Return audit rows, oldest first, optionally only one action."""
        ...

    def close(self) -> None:
        """Release the backend's connections."""
        ...
