"""The storage interface every backend implements, one protocol per aggregate.

Versions are append-only: a backend never updates or deletes one. Every write the sync
service makes for one push happens inside one `ingest()` batch, which is one transaction.
Each aggregate's protocol has its own conformance module in tests/contract, which every
backend passes (tests/contract/test_protocol_coverage.py checks each method is exercised).
The rows these protocols speak in are in rows.py.
"""

from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from shared.models import Practitioner
from sync_server.repository.authority_transfers import AuthorityTransferQueries
from sync_server.repository.break_glass import BreakGlassQueries
from sync_server.repository.device_queries import TeamDeviceQueries
from sync_server.repository.handover import HandoverQueries
from sync_server.repository.rows import (
    AUDIT_GENESIS_HASH,
    AuditEvent,
    AuditRow,
    ChronologyHead,
    ChronologyIndexRow,
    DeviceListing,
    DeviceRecord,
    DeviceSession,
    HistoryRow,
    KnownVersion,
    NewVersion,
    ReplacementRow,
    RestrictionRow,
    StoredVersion,
    TeamAllocation,
    Viewer,
    WithdrawalCandidate,
    audit_row_hash,
)
from sync_server.repository.security_queries import SecurityQueries


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

    def child_heads(self, child_ids: Collection[str]) -> dict[str, list[str]]:
        """Return, per stored child record among these ids, the JSON of its current versions
        (oldest first) as it was pushed: what the visit rule reads a date of birth from."""
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


class VersionQueries(Protocol):
    """Versions and cursors: the append-only versions, what a push reads and writes, pulls,
    histories and chronology heads."""

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

    def record_origins(self, record_ids: Collection[str]) -> dict[str, tuple[str, str]]:
        """Return (record type, agency of whoever pushed its first version) of each stored
        record among these ids."""
        ...

    def heads(self, record_ids: Collection[str]) -> dict[str, list[str]]:
        """Return, per record id, the version ids no other version replaces (oldest first).

        A version is replaced when another names it in replaces_version_id or also_replaces.
        """
        ...

    def version_ids(self) -> set[str]:
        """Return every stored version id (for audits and tests; not a hot path)."""
        ...

    def record_history(self, record_id: str) -> list[HistoryRow]:
        """Return every version of a record, in server order, each marked head or not."""
        ...

    def record_case(self, record_id: str) -> str | None:
        """Return the case a record belongs to, or None when no version of it is stored."""
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

    def same_event_link_heads(self, case_ids: Collection[str]) -> list[tuple[str, str]]:
        """Return (record id, version JSON) of every head of every same-event link in these
        cases, in server order."""
        ...


class ScopeQueries(Protocol):
    """Scope and allocations: which practitioner holds which case, and since when."""

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

    def allocation_starts(self, allocation_ids: Collection[str]) -> dict[str, str]:
        """Return when each of these allocations began (allocation id to allocated_at)."""
        ...

    def team_allocation_history(self, team: str) -> list[TeamAllocation]:
        """Return every stored allocation (live or ended) of any case to a member of the team.

        Only each member's latest allocation of a case is kept (a reallocation overwrites it);
        services.access.team_caseload decides from these what the team holds.
        """
        ...


class PeopleQueries(Protocol):
    """People: practitioners and their sign-in credentials."""

    def add_practitioner(self, practitioner: Practitioner, password_hash: str, at: str) -> None:
        """Store a practitioner with their password hash (PHC string)."""
        ...

    def practitioner_login(self, username: str) -> tuple[Practitioner, str] | None:
        """Return the practitioner with this username and their password hash, if any."""
        ...

    def practitioners(self, ids: Collection[str]) -> dict[str, Practitioner]:
        """Return the practitioners with these ids."""
        ...


class DeviceQueries(Protocol):
    """Devices: each device's token, last contact and revocation."""

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


class AuditQueries(Protocol):
    """The audit log: one hash chain, append-only."""

    def add_audit(self, event: AuditEvent) -> None:
        """Append one audit row; the backend chains it to the row before (prev_hash, hash)."""
        ...

    def audit_chain(self) -> list[AuditRow]:
        """Return every audit row with its chain hashes, in id order."""
        ...

    def audit_events(self, action: str | None = None) -> list[AuditEvent]:
        """Return audit rows, oldest first, optionally only one action."""
        ...


class Repository(
    VersionQueries,
    ScopeQueries,
    PeopleQueries,
    DeviceQueries,
    AuditQueries,
    BreakGlassQueries,
    TeamDeviceQueries,
    SecurityQueries,
    AuthorityTransferQueries,
    HandoverQueries,
    Protocol,
):
    """Everything the server stores: every aggregate's protocol, and closing."""

    # How many callers may use the repository at once, each from its own thread: 1 for
    # SQLite (one connection, one request at a time), the pool's size for PostgreSQL.
    concurrent_callers: int

    def close(self) -> None:
        """Release the backend's connections."""
        ...


__all__ = [
    "AUDIT_GENESIS_HASH",
    "AuditEvent",
    "AuditQueries",
    "AuditRow",
    "ChronologyHead",
    "ChronologyIndexRow",
    "DeviceListing",
    "DeviceQueries",
    "DeviceRecord",
    "DeviceSession",
    "HistoryRow",
    "IngestBatch",
    "KnownVersion",
    "NewVersion",
    "PeopleQueries",
    "ReplacementRow",
    "Repository",
    "RestrictionRow",
    "ScopeQueries",
    "StoredVersion",
    "TeamAllocation",
    "VersionQueries",
    "Viewer",
    "WithdrawalCandidate",
    "audit_row_hash",
]
