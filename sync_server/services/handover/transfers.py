"""Transfer a case whole to a practitioner in another team (Child Q finding 3).

Who may: a social worker (the lead practitioner, who holds the master chronology) holding
the case, or a supervisor whose team's caseload includes it (docs/domain.md, Roles: social workers
start transfers; supervisors read and manage the team caseload). A caller who does not
hold the case, a break-glass grantee included, gets a 404; one who holds it in another
role, a 403. The receiver must be a practitioner who can hold cases, in a different team
from the sender. The receiver is allocated; every allocation of the case in the sender's
team then ends, so those devices get the "left scope" marker on their next pull, while
other teams' allocations (e.g. a school nurse's) stay. The transfer is stored first, as a
transfer_out record with its facts and a chronology entry (services/transfer_record), made by
the sender; the pack is then built from what the sender sees, the stored transfer included,
and its id is audited with the transfer. All of it is one transaction. The receiver's first
pull brings every version of the case: nothing is copied, the allocation gives access.
"""

from collections.abc import Callable
from datetime import datetime

from pydantic import TypeAdapter

from shared.clock import utc_now
from shared.handover import TransferRequest, TransferResponse
from shared.ids import is_id
from shared.models import Practitioner
from shared.protocol import ItemStatus
from shared.vocabulary import Role
from sync_server.errors import Forbidden, NotFound, StorageError, ValidationFailed
from sync_server.repository import Repository
from sync_server.services.access.audit import AuditAction, AuditTrail
from sync_server.services.access.auth import Session
from sync_server.services.access.scope import caller_scope
from sync_server.services.caseload.allocations import AllocationService
from sync_server.services.handover.exports import (
    CASE_HOLDING_ROLES,
    ExportService,
)
from sync_server.services.handover.transfer_pack import case_holders, pack_practitioner
from sync_server.services.handover.transfer_record import transfer_versions
from sync_server.services.sync.bodies import decode
from sync_server.services.sync.sync import SyncService

TRANSFER_REQUEST = TypeAdapter(TransferRequest)
TRANSFERRING_ROLES = frozenset({Role.SOCIAL_WORKER, Role.SUPERVISOR})


class TransferService:
    """Move a case to another team: allocate the receiver, end the sender's team's holds."""

    def __init__(
        self,
        repository: Repository,
        exports: ExportService,
        allocations: AllocationService,
        sync: SyncService,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._repository = repository
        self._exports = exports
        self._allocations = allocations
        self._sync = sync
        self._clock = clock
        self._audit = AuditTrail(repository)

    def transfer_json(self, session: Session, case_id: str, body: bytes) -> TransferResponse:
        """Check a TransferRequest body, then transfer the case.

        Raises:
            InvalidJson, ValidationFailed: the body is not a valid TransferRequest.
            NotFound, Forbidden, ValidationFailed: see `transfer`.
        """
        return self.transfer(session, case_id, decode(TRANSFER_REQUEST, body))

    def transfer(
        self, session: Session, case_id: str, request: TransferRequest
    ) -> TransferResponse:
        """Transfer the case to request.to_username, audited; return what changed.

        Raises:
            NotFound: the caller does not hold the case (it is neither allocated to them nor,
                for a supervisor, to their team; a break-glass grant does not count) or
                it does not exist.
            Forbidden: the caller is neither a social worker nor a supervisor.
            ValidationFailed: to_username names nobody, someone in the caller's own team,
                or someone whose role cannot hold cases; or the case has no child recorded.
        """
        me = session.practitioner
        if not is_id(case_id) or not caller_scope(self._repository, me).holds(case_id):
            self._audit.for_session(AuditAction.CASE_TRANSFER_REFUSED, session, "case", case_id)
            raise NotFound()
        if me.role not in TRANSFERRING_ROLES:
            self._audit.for_session(AuditAction.CASE_TRANSFER_REFUSED, session, "case", case_id)
            raise Forbidden("Only a social worker or a supervisor can transfer a case.")
        receiver = self._receiver(me, request.to_username)
        leaving = [
            holder
            for holder in case_holders(self._repository, case_id)
            if holder.team == me.team and holder.id != receiver.id
        ]
        with self._repository.transaction():
            self._store_record(session, receiver, request, case_id)
            pack = self._exports.pack_for(session, case_id, None)
            self._allocations.allocate(receiver.username, case_id, actor_id=me.id)
            for holder in leaving:
                self._allocations.deallocate(holder.username, case_id, actor_id=me.id)
            self._audit.for_session(AuditAction.CASE_TRANSFERRED, session, "case", case_id)
            self._audit.for_session(AuditAction.CASE_TRANSFERRED, session, "practitioner",
                               receiver.id)  # fmt: skip
            self._audit.for_session(AuditAction.CASE_TRANSFERRED, session, "transfer_pack",
                               pack.pack_id)  # fmt: skip
        return TransferResponse(
            case_id=case_id,
            transferred_to=pack_practitioner(receiver),
            ended_allocations=[pack_practitioner(holder) for holder in leaving],
            pack_id=pack.pack_id,
            pack=pack,
        )

    def _store_record(
        self, session: Session, receiver: Practitioner, request: TransferRequest, case_id: str
    ) -> None:
        """Store the transfer's facts and its chronology entry, made by the caller."""
        before = self._exports.pack_for(session, case_id, None)
        if not before.children:
            raise ValidationFailed.on("case_id", "record the family's children before a transfer")
        versions = transfer_versions(session.practitioner, receiver, request, before, self._clock())
        outcomes = self._sync.store_for_holder(
            session.practitioner, session.device_id, case_id, versions
        )
        refused = [o for o in outcomes if o.status != ItemStatus.ACCEPTED]
        if refused:  # the server made these versions itself: a refusal is a fault, not input
            raise StorageError(f"the transfer record was not stored: {refused[0].message}")

    def _receiver(self, sender: Practitioner, username: str) -> Practitioner:
        found = self._repository.practitioner_login(username)
        if found is None:
            raise ValidationFailed.on("to_username", "no practitioner has this username")
        receiver = found[0]
        if receiver.team == sender.team:
            raise ValidationFailed.on("to_username", "must be a practitioner in another team")
        if receiver.role not in CASE_HOLDING_ROLES:
            raise ValidationFailed.on("to_username", "this practitioner's role cannot hold cases")
        return receiver
