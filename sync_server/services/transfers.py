"""Transfer a case whole to a practitioner in another team (Child Q finding 3).

Who may: a social worker (the lead practitioner, who holds the master chronology) holding
the case, or a supervisor whose team's caseload includes it (DOMAIN.md 7: social workers
start transfers; supervisors read and manage the team caseload). A caller who does not
hold the case, a break-glass grantee included, gets a 404; one who holds it in another
role, a 403. The receiver must be a practitioner who can hold cases, in a different team
from the sender. The receiver is allocated; every allocation of the case in the sender's
team then ends, so those devices get the "left scope" marker on their next pull, while
other teams' allocations (e.g. a school nurse's) stay. The pack is built first, from what
the sender sees, and its id is audited with the transfer. The receiver's first pull brings
every version of the case: nothing is copied, the allocation gives access.
"""

from pydantic import TypeAdapter

from shared.handover import TransferRequest, TransferResponse
from shared.ids import is_id
from shared.models import Practitioner
from shared.vocabulary import Role
from sync_server.errors import Forbidden, NotFound, ValidationFailed
from sync_server.repository import Repository
from sync_server.services.allocations import AllocationService
from sync_server.services.audit import AuditAction, AuditTrail
from sync_server.services.auth import Session
from sync_server.services.bodies import decode
from sync_server.services.exports import (
    CASE_HOLDING_ROLES,
    ExportService,
)
from sync_server.services.scope import caller_scope
from sync_server.services.transfer_pack import TransferDetails, case_holders, pack_practitioner

TRANSFER_REQUEST = TypeAdapter(TransferRequest)
TRANSFERRING_ROLES = frozenset({Role.SOCIAL_WORKER, Role.SUPERVISOR})


class TransferService:
    """Move a case to another team: allocate the receiver, end the sender's team's holds."""

    def __init__(
        self, repository: Repository, exports: ExportService, allocations: AllocationService
    ) -> None:
        self._repository = repository
        self._exports = exports
        self._allocations = allocations
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
                or someone whose role cannot hold cases.
        """
        me = session.practitioner
        if not is_id(case_id) or not caller_scope(self._repository, me).holds(case_id):
            self._audit.for_session(AuditAction.CASE_TRANSFER_REFUSED, session, "case", case_id)
            raise NotFound()
        if me.role not in TRANSFERRING_ROLES:
            self._audit.for_session(AuditAction.CASE_TRANSFER_REFUSED, session, "case", case_id)
            raise Forbidden("Only a social worker or a supervisor can transfer a case.")
        receiver = self._receiver(me, request.to_username)
        details = TransferDetails(receiver, request.reason, request.housing_provider_informed)
        pack = self._exports.pack_for(session, case_id, details)
        leaving = [
            holder
            for holder in case_holders(self._repository, case_id)
            if holder.team == me.team and holder.id != receiver.id
        ]
        with self._repository.transaction():
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
