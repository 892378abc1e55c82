"""The storage interface every backend implements, and the rows it speaks in.

Versions are append-only: a backend never updates or deletes one. Every write the sync
service makes for one push happens inside one `ingest()` batch, which is one transaction.
The conformance suite in tests/contract holds each backend to this contract.
"""

import hashlib
import json
from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from shared.models import Practitioner
from sync_server.repository.authority_transfers import AuthorityTransferQueries
from sync_server.repository.break_glass import BreakGlassQueries
from sync_server.repository.device_queries import TeamDeviceQueries
from sync_server.repository.handover import HandoverQueries
from sync_server.repository.security_queries import SecurityQueries


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
        restricted: Sequence[RestrictionRow] = (),
    ) -> list[int]:
        """Store versions (in order), chronology index rows, the extra replaced ids of
        resolutions and the rows of restricted versions; return the new server_seqs.

        Raises:
            DuplicateVersion: a version id is already stored; the whole batch is undone.
        """
        ...

    def restrictions(self, record_ids: Collection[str]) -> dict[str, list[RestrictionRow]]:
        """Return the restriction rows of each restricted record among these ids."""
        ...

    def inherit_restrictions(self, rows: Collection[RestrictionRow]) -> int:
        """Give the stored records about each restricted record (reviews, decisions and
        same-event links in its case, and records about those) its restriction rows, keyed
        by the restricting version; return how many rows were written.

        Call after `insert`: records stored earlier in the same batch are found too.
        """
        ...

    def record_kinds(self, record_ids: Collection[str]) -> dict[str, tuple[str, str]]:
        """Return (record type, case id) of each stored record among these ids."""
        ...

    def original_authors(self, record_ids: Collection[str]) -> dict[str, str]:
        """Return who pushed the first version (the one replacing nothing) of each stored
        record among these ids."""
        ...

    def record_origins(self, record_ids: Collection[str]) -> dict[str, tuple[str, str]]:
        """Return (record type, agency of whoever pushed its first version) of each stored
        record among these ids."""
        ...

    def outcome_plans(self, version_ids: Collection[str]) -> dict[str, str]:
        """Return the plan_id each stored plan_outcome version among these ids names."""
        ...

    def plan_leads(self, plan_ids: Collection[str]) -> dict[str, tuple[str, frozenset[str]]]:
        """Return, per stored cp_plan among these record ids, its case id and the
        lead_practitioner_id each of its current (head) versions names."""
        ...

    def practitioner_cases(
        self, practitioner_ids: Collection[str]
    ) -> dict[str, tuple[str, frozenset[str]]]:
        """Return, per known practitioner among these ids, their role and the cases allocated
        to them now (ended allocations left out)."""
        ...

    def add_audit(self, event: AuditEvent) -> None:
        """Append one audit row in this transaction."""
        ...

    def touch_device(self, device_id: str, at: str) -> None:
        """Record that the device was seen now."""
        ...


class Repository(
    BreakGlassQueries,
    TeamDeviceQueries,
    SecurityQueries,
    AuthorityTransferQueries,
    HandoverQueries,
    Protocol,
):
    """Everything the server stores: people, devices, allocations, versions and audit."""

    def transaction(self) -> AbstractContextManager[None]:
        """Open a write transaction; nested calls join the outer one (as a savepoint)."""
        ...

    def ingest(self) -> AbstractContextManager[IngestBatch]:
        """Open the write transaction for one push; everything commits or nothing does."""
        ...

    def pull(
        self, case_ids: Collection[str], cursor: int, limit: int, viewer: Viewer | None = None
    ) -> list[StoredVersion]:
        """Return up to `limit` versions in these cases with server_seq > cursor, ascending,
        leaving out restricted records the viewer may not read (all of them for no viewer)."""
        ...

    def restrictions(self, record_ids: Collection[str]) -> dict[str, list[RestrictionRow]]:
        """Return the restriction rows of each restricted record among these ids."""
        ...

    def withdrawal_candidates(
        self, case_ids: Collection[str], after: int, upto: int, viewer: Viewer
    ) -> list[WithdrawalCandidate]:
        """Return the records in these cases hidden from the viewer whose first restricted
        version the viewer fails has after < server_seq <= upto, when an earlier version of
        the record exists (and, for a viewer limited to some kinds of record, it is of one of
        them), in the order they went hidden.

        A record about a restricted entry is hidden by the version restricting the entry
        (its rows are keyed by it, see `IngestBatch.inherit_restrictions`), so it is named
        on the same page as the entry when it was stored before that version.
        """
        ...

    def allocation_starts(self, allocation_ids: Collection[str]) -> dict[str, str]:
        """Return when each of these allocations began (allocation id to allocated_at)."""
        ...

    def record_origins(self, record_ids: Collection[str]) -> dict[str, tuple[str, str]]:
        """Return (record type, agency of whoever pushed its first version) of each stored
        record among these ids."""
        ...

    def team_allocation_history(self, team: str) -> list[TeamAllocation]:
        """Return every stored allocation (live or ended) of any case to a member of the team.

        Only each member's latest allocation of a case is kept (a reallocation overwrites it);
        services.access.team_caseload decides from these what the team holds.
        """
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

    def same_event_link_heads(self, case_ids: Collection[str]) -> list[tuple[str, str]]:
        """Return (record id, version JSON) of every head of every same-event link in these
        cases, in server order."""
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

    def case_practitioners(self, case_id: str) -> frozenset[str]:
        """Return the ids of the practitioners the case is allocated to now."""
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

    def revoked_token(self, token_hash: str) -> bool:
        """Return True when this token hash belongs to a revoked device."""
        ...

    def devices(self, practitioner_id: str | None = None) -> list[DeviceListing]:
        """Return every device (or one practitioner's), oldest first."""
        ...

    def revoke_practitioner(self, practitioner_id: str, at: str) -> list[str]:
        """Refuse a practitioner's sign-in from now on and revoke their live devices; return
        the ids of the devices revoked."""
        ...

    def practitioner_revoked(self, practitioner_id: str) -> bool:
        """Return True when the practitioner's access has been revoked."""
        ...

    def add_audit(self, event: AuditEvent) -> None:
        """Append one audit row; the backend chains it to the row before (prev_hash, hash)."""
        ...

    def audit_chain(self) -> list[AuditRow]:
        """Return every audit row with its chain hashes, in id order."""
        ...

    def audit_events(self, action: str | None = None) -> list[AuditEvent]:
        """Return audit rows, oldest first, optionally only one action."""
        ...

    def close(self) -> None:
        """Release the backend's connections."""
        ...
