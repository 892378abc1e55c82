"""The audit trail: who did what, from which device, to which subject. Ids only, never content."""

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

from shared.clock import iso, utc_now
from sync_server.repository import AuditEvent, IngestBatch, Repository


class AuditAction(StrEnum):
    """The actions the audit log records."""

    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    SYNC_PUSH = "sync_push"
    SYNC_PULL = "sync_pull"
    CHRONOLOGY_READ = "chronology_read"
    CHRONOLOGY_READ_REFUSED = "chronology_read_refused"
    HISTORY_READ = "history_read"
    HISTORY_READ_REFUSED = "history_read_refused"
    DEVICE_REVOKED = "device_revoked"
    DEMO_SEEDED = "demo_seeded"
    CASE_ALLOCATED = "case_allocated"
    CASE_DEALLOCATED = "case_deallocated"


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
