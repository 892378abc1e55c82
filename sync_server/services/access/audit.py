"""The audit trail: who did what, from which device, to which subject. Ids only, never content."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from shared.clock import iso, utc_now
from shared.ids import is_id
from shared.models import Practitioner
from sync_server.repository import AuditEvent, IngestBatch, Repository
from sync_server.repository.interface import AUDIT_GENESIS_HASH, AuditRow, audit_row_hash


class AuditAction(StrEnum):
    """The actions the audit log records."""

    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGIN_THROTTLED = "login_throttled"
    SYNC_PUSH = "sync_push"
    SYNC_PULL = "sync_pull"
    CHRONOLOGY_READ = "chronology_read"
    CHRONOLOGY_READ_REFUSED = "chronology_read_refused"
    HISTORY_READ = "history_read"
    HISTORY_READ_REFUSED = "history_read_refused"
    DEVICE_REVOKED = "device_revoked"
    PRACTITIONER_REVOKED = "practitioner_revoked"
    DEVICES_LISTED = "devices_listed"
    DEMO_SEEDED = "demo_seeded"
    CASE_ALLOCATED = "case_allocated"
    CASE_DEALLOCATED = "case_deallocated"
    CHRONOLOGY_EXPORTED = "chronology_exported"
    TRANSFER_PACK_EXPORTED = "transfer_pack_exported"
    EXPORT_REFUSED = "export_refused"
    CASE_TRANSFERRED = "case_transferred"
    CASE_TRANSFER_REFUSED = "case_transfer_refused"
    HANDOVER_ARRIVAL = "handover_arrival"
    HANDOVER_FORWARDED = "handover_forwarded"
    HANDOVER_FORWARD_REFUSED = "handover_forward_refused"
    REVIEW_QUEUE_READ = "review_queue_read"
    TEAM_DASHBOARD_READ = "team_dashboard_read"
    REVIEWS_READ = "reviews_read"
    REVIEWS_READ_REFUSED = "reviews_read_refused"
    SUPERVISION_REFUSED = "supervision_refused"
    BREAK_GLASS_GRANTED = "break_glass_granted"
    BREAK_GLASS_REFUSED = "break_glass_refused"
    BREAK_GLASS_REVIEWED = "break_glass_reviewed"
    DEVICE_WIPE_CONFIRMED = "device_wipe_confirmed"
    # Transfers between authorities (services/handover/authority_export.py, authority_import.py)
    CASE_SENT_TO_AUTHORITY = "case_sent_to_authority"
    CASE_RECEIVED_FROM_AUTHORITY = "case_received_from_authority"
    TRANSFER_BUNDLE_REFUSED = "transfer_bundle_refused"
    TRANSFER_BUNDLE_REPEATED = "transfer_bundle_repeated"
    TRANSFER_KEY_SHOWN = "transfer_key_shown"
    # Practitioners and cases from the council's systems (people_cli.py)
    PRACTITIONER_ADDED = "practitioner_added"
    PRACTITIONER_ADD_REFUSED = "practitioner_add_refused"
    CASE_OPENED = "case_opened"
    CASELOAD_IMPORTED = "caseload_imported"
    CASELOAD_IMPORT_REFUSED = "caseload_import_refused"


class SignedIn(Protocol):
    """Who is asking: a signed-in practitioner on a device (services.auth.Session)."""

    @property
    def practitioner(self) -> Practitioner: ...

    @property
    def device_id(self) -> str | None: ...


class AuditTrail:
    """Append audit rows, on their own or inside a push's transaction."""

    def __init__(self, repository: Repository, clock: Callable[[], datetime] = utc_now) -> None:
        self._repository = repository
        self._clock = clock

    def event(
        self,
        action: AuditAction,
        actor_id: str | None,
        device_id: str | None,
        *,
        subject_type: str | None = None,
        subject_id: str | None = None,
    ) -> AuditEvent:
        """Return an audit event stamped now."""
        return AuditEvent(
            iso(self._clock()), actor_id, device_id, action.value, subject_type, subject_id
        )

    def record(
        self,
        action: AuditAction,
        actor_id: str | None,
        device_id: str | None,
        *,
        subject_type: str | None = None,
        subject_id: str | None = None,
        batch: IngestBatch | None = None,
    ) -> None:
        """Append one audit row now (inside `batch` when given, so it commits with it)."""
        event = self.event(
            action, actor_id, device_id, subject_type=subject_type, subject_id=subject_id
        )
        (batch or self._repository).add_audit(event)

    def for_session(
        self, action: AuditAction, session: SignedIn | None, subject_type: str, subject_id: str
    ) -> None:
        """Append one row for a signed-in caller; a subject id that is not a well-formed id
        (a guess, a typo) is left out rather than written."""
        self.record(
            action,
            session.practitioner.id if session else None,
            session.device_id if session else None,
            subject_type=subject_type,
            subject_id=subject_id if is_id(subject_id) else None,
        )


@dataclass(frozen=True, slots=True)
class ChainReport:
    """What walking the audit chain found: how many rows, and the first broken one if any."""

    count: int
    broken_id: int | None = None

    @property
    def ok(self) -> bool:
        """True when every row links to the one before and its hash matches its fields."""
        return self.broken_id is None


def verify_chain(rows: Iterable[AuditRow]) -> ChainReport:
    """Walk audit rows in id order; report the first whose link or hash does not hold."""
    expected_prev = AUDIT_GENESIS_HASH
    count = 0
    for row in rows:
        count += 1
        intact = row.prev_hash == expected_prev and row.hash == audit_row_hash(
            expected_prev, row.id, row.event
        )
        if not intact or row.hash is None:
            return ChainReport(count, row.id)
        expected_prev = row.hash
    return ChainReport(count)
