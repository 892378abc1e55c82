"""A supervisor forwards what their team member recorded before a transfer (issue 13).

A version refused after a transfer stays on the practitioner's device. Their supervisor,
in person at that device, forwards it: the device sends the kept version with the
supervisor's username and password, checked like a sign-in (same limits, never kept or
logged). The version is then stored as if pushed by its author from that device (so the
device's own later retry is a duplicate, not a second copy), with the grace period waived
and nothing else: the case must be one a transfer from their team took from the author, and
what it records must have happened before their allocation ended. It is marked as a late
arrival forwarded by the supervisor, and audited in the supervisor's name.
"""

from pydantic import TypeAdapter

from shared.handover import HandoverForwardRequest
from shared.protocol import PushItemResult
from shared.vocabulary import Role
from sync_server.errors import Forbidden
from sync_server.repository import Repository
from sync_server.services.access.audit import AuditAction, AuditTrail
from sync_server.services.access.auth import AuthService, Session
from sync_server.services.sync.bodies import decode
from sync_server.services.sync.outcomes import to_result
from sync_server.services.sync.sync import SyncService

FORWARD_REQUEST = TypeAdapter(HandoverForwardRequest)
NOT_YOUR_SUPERVISOR = "Only a supervisor of your team can forward this record."


class HandoverForwardService:
    """Store a kept version a team member's supervisor forwards from the member's device."""

    def __init__(self, repository: Repository, auth: AuthService, sync: SyncService) -> None:
        self._auth = auth
        self._sync = sync
        self._audit = AuditTrail(repository)

    async def forward_json(
        self, session: Session, body: bytes, address: str | None = None
    ) -> PushItemResult:
        """Check a HandoverForwardRequest body and the supervisor's password; store the version.

        Returns the version's push result (accepted, duplicate, or refused with its reason).

        Raises:
            InvalidJson, ValidationFailed: the body is not a HandoverForwardRequest.
            TooManyRequests, InvalidCredentials: the supervisor's sign-in check failed.
            Forbidden: the countersigner is not a supervisor of the sender's team.
        """
        request = decode(FORWARD_REQUEST, body)
        supervisor = await self._auth.check_password(
            request.supervisor_username, request.supervisor_password, address
        )
        sender = session.practitioner
        version_id = request.version.version_id
        own = supervisor.id == sender.id  # a countersignature is another person's
        if own or supervisor.role != Role.SUPERVISOR or supervisor.team != sender.team:
            self._audit.record(
                AuditAction.HANDOVER_FORWARD_REFUSED, supervisor.id, session.device_id,
                subject_type="version", subject_id=version_id,
            )  # fmt: skip
            raise Forbidden(NOT_YOUR_SUPERVISOR)
        outcome = self._sync.forward(supervisor, sender, session.device_id, request.version)
        return to_result(outcome)
