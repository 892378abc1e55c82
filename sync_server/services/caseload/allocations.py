"""Allocation use cases: give a practitioner a case, or take it away (re-allocation, closure).

An ended allocation is kept, not deleted: its case id is the "left scope" marker the
practitioner's devices receive on their next pull, which makes them remove the case.
Every change is written to the audit log.
"""

from collections.abc import Callable
from datetime import datetime

from shared.clock import iso, utc_now
from sync_server.errors import NotFound, ValidationFailed
from sync_server.repository import Repository
from sync_server.services.access.audit import AuditAction, AuditTrail


class AllocationService:
    """Allocate and deallocate cases, audited."""

    def __init__(
        self,
        repository: Repository,
        audit: AuditTrail,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._repository = repository
        self._audit = audit
        self._clock = clock

    def allocate(self, username: str, case_id: str, actor_id: str | None = None) -> bool:
        """Allocate a case to the user; return False when it already was.

        Raises:
            NotFound: no practitioner has this username.
            ValidationFailed: the case was sent to another authority (it is closed here).
        """
        practitioner_id = self._practitioner_id(username)
        closed = self._repository.closed_cases([case_id]).get(case_id)
        if closed is not None:  # sent to another authority (services/handover/authority_export.py)
            raise ValidationFailed.on(
                "case_id", f"this case was sent to {closed.to_authority}: it is closed here"
            )
        with self._repository.transaction():
            changed = self._repository.allocate(practitioner_id, case_id, iso(self._clock()))
            if changed:
                self._record(AuditAction.CASE_ALLOCATED, actor_id, practitioner_id, case_id)
        return changed

    def deallocate(self, username: str, case_id: str, actor_id: str | None = None) -> bool:
        """End the user's allocation of a case; return False when there was none.

        Raises:
            NotFound: no practitioner has this username.
        """
        practitioner_id = self._practitioner_id(username)
        with self._repository.transaction():
            changed = self._repository.deallocate(practitioner_id, case_id, iso(self._clock()))
            if changed:
                self._record(AuditAction.CASE_DEALLOCATED, actor_id, practitioner_id, case_id)
        return changed

    def _practitioner_id(self, username: str) -> str:
        found = self._repository.practitioner_login(username)
        if found is None:
            raise NotFound(f"No practitioner with username {username!r}.")
        return found[0].id

    def _record(
        self, action: AuditAction, actor_id: str | None, practitioner_id: str, case_id: str
    ) -> None:
        # The subject is the case; whose allocation changed goes in a second row's subject.
        self._audit.record(action, actor_id, None, subject_type="case", subject_id=case_id)
        self._audit.record(
            action, actor_id, None, subject_type="practitioner", subject_id=practitioner_id
        )
