"""Exports: chronology PDFs and transfer packs (JSON or PDF), each audited as an export.

An export takes case content off the server, so it is written to the audit log as an
export (not only as the chronology read it starts with), with the pack's id when there is
one. Scope is what the caller holds: the cases allocated to them or, for a supervisor,
their team's caseload; any other case (or child) is a 404, its existence not revealed. A
break-glass grant lets its holder read a case, never export it: that too is a 404. A
transfer pack is the lead practitioner's handover document, so only roles that hold cases
may export one; a partner contributor, IG officer or administrator allocated the case is
refused with a 403 (docs/domain.md, Roles).
"""

from collections.abc import Callable
from datetime import datetime

from shared.chronology import ChronologyQuery
from shared.clock import utc_now
from shared.handover import PackAlert, TransferPack
from shared.ids import is_id
from shared.vocabulary import Role
from sync_server.errors import Forbidden, NotFound
from sync_server.repository import Repository
from sync_server.services.access.audit import AuditAction, AuditTrail
from sync_server.services.access.auth import Session
from sync_server.services.access.scope import caller_scope, viewer
from sync_server.services.chronology.alerts import AlertService
from sync_server.services.chronology.chronology import ChronologyService
from sync_server.services.handover.pdf_render import (
    DocumentStamp,
    chronology_pdf,
    transfer_pack_pdf,
)
from sync_server.services.handover.transfer_pack import (
    CaseSnapshot,
    TransferDetails,
    TransferPackBuilder,
    chronology_line,
)

CASE_HOLDING_ROLES = frozenset(
    {Role.HEALTH_VISITOR, Role.SCHOOL_NURSE, Role.SOCIAL_WORKER, Role.SUPERVISOR, Role.CP_CHAIR}
)


def describe_filters(filters: ChronologyQuery) -> str:
    """Return, in words, which entries a filtered chronology shows."""
    parts = []
    if filters.start is not None:
        parts.append(f"from {filters.start.isoformat()}")
    if filters.end is not None:
        parts.append(f"to {filters.end.isoformat()}")
    for label, values in (
        ("agency", filters.agencies),
        ("significance", filters.significances),
        ("neglect type", filters.neglect_types),
        ("event type", filters.event_types),
    ):
        if values:
            parts.append(f"{label}: {', '.join(sorted(v.value for v in values))}")
    return "Entries shown: " + ("; ".join(parts) if parts else "all")


def stamp_for(session: Session, at: datetime) -> DocumentStamp:
    """Return the generated-at-and-by stamp for a document the caller exports."""
    me = session.practitioner
    return DocumentStamp(at, f"{me.display_name} ({me.role.value}, {me.agency.value})")


class ExportService:
    """Export chronologies as PDFs and transfer packs as JSON or PDF, audited."""

    def __init__(
        self,
        repository: Repository,
        chronology: ChronologyService,
        alerts: AlertService,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._repository = repository
        self._chronology = chronology
        self._alerts = alerts
        self._clock = clock
        self._audit = AuditTrail(repository, clock)
        self.builder = TransferPackBuilder(repository, clock)

    def child_chronology_pdf(
        self, session: Session, child_id: str, filters: ChronologyQuery
    ) -> bytes:
        """Return the child's filtered chronology as a PDF.

        Raises:
            NotFound: the child is not in a case the caller holds (see `case_chronology_pdf`)
                or does not exist.
        """
        found = self._repository.child_case(child_id) if is_id(child_id) else None
        self._check_export(session, "child", child_id, found)
        response = self._chronology.for_child(session, child_id, filters)
        case_id = found or ""
        child = self._snapshot(session, case_id).children.get(child_id)
        name = f"{child.given_name} {child.family_name}" if child else "a child"
        lines = [chronology_line(item) for item in response.entries]
        stamp = stamp_for(session, self._clock())
        document = chronology_pdf(f"Chronology of {name}", describe_filters(filters), lines, stamp)
        self._audit.for_session(AuditAction.CHRONOLOGY_EXPORTED, session, "child", child_id)
        return document

    def case_chronology_pdf(
        self, session: Session, case_id: str, filters: ChronologyQuery
    ) -> bytes:
        """Return the family's filtered chronology as a PDF.

        Raises:
            NotFound: the caller does not hold the case (it is neither allocated to them nor,
                for a supervisor, to their team; a break-glass grant does not count) or
                it does not exist.
        """
        self._check_export(session, "case", case_id, case_id if is_id(case_id) else None)
        response = self._chronology.for_case(session, case_id, filters)
        family = self._snapshot(session, case_id).family
        name = f"the {family.family_name} family" if family else "a family"
        lines = [chronology_line(item) for item in response.entries]
        stamp = stamp_for(session, self._clock())
        document = chronology_pdf(f"Chronology of {name}", describe_filters(filters), lines, stamp)
        self._audit.for_session(AuditAction.CHRONOLOGY_EXPORTED, session, "case", case_id)
        return document

    def transfer_pack(self, session: Session, case_id: str) -> TransferPack:
        """Return the case's transfer pack, audited as an export with its pack id.

        Raises:
            NotFound: the caller does not hold the case (it is neither allocated to them nor,
                for a supervisor, to their team; a break-glass grant does not count) or
                it does not exist.
            Forbidden: the caller's role does not hold cases (docs/domain.md, Roles).
        """
        pack = self.pack_for(session, case_id, None)
        self._audit_pack(session, pack)
        return pack

    def transfer_pack_pdf(self, session: Session, case_id: str) -> bytes:
        """Return the case's transfer pack as a PDF, audited as an export.

        Raises:
            NotFound: the caller does not hold the case (it is neither allocated to them nor,
                for a supervisor, to their team; a break-glass grant does not count) or
                it does not exist.
            Forbidden: the caller's role does not hold cases (docs/domain.md, Roles).
        """
        pack = self.pack_for(session, case_id, None)
        document = transfer_pack_pdf(pack, stamp_for(session, pack.generated_at))
        self._audit_pack(session, pack)
        return document

    def _audit_pack(self, session: Session, pack: TransferPack) -> None:
        case_id = pack.family.case_id
        self._audit.for_session(AuditAction.TRANSFER_PACK_EXPORTED, session, "case", case_id)
        self._audit.for_session(
            AuditAction.TRANSFER_PACK_EXPORTED, session, "transfer_pack", pack.pack_id
        )

    def _snapshot(self, session: Session, case_id: str) -> CaseSnapshot:
        return CaseSnapshot.load(self._repository, case_id, viewer(session.practitioner))

    def pack_for(
        self, session: Session, case_id: str, transfer: TransferDetails | None
    ) -> TransferPack:
        """Build (without auditing the export) the pack of a case the caller may export.

        Raises:
            NotFound: the caller does not hold the case (it is neither allocated to them nor,
                for a supervisor, to their team; a break-glass grant does not count) or
                it does not exist.
            Forbidden: the caller's role does not hold cases.
        """
        self._check_export(session, "case", case_id, case_id if is_id(case_id) else None)
        chronology = self._chronology.for_case(session, case_id).entries
        pack = self.builder.build(session.practitioner, case_id, chronology, transfer)
        return pack.model_copy(update={"open_alerts": self._open_alerts(session, pack)})

    def _check_export(
        self, session: Session, subject_type: str, subject_id: str, case_id: str | None
    ) -> None:
        """Refuse, audited, unless a case-holding role holds the case: a partner may not
        export (docs/domain.md, Roles) and a break-glass grant reads but never exports.

        Raises:
            Forbidden: the case is the caller's but their role does not hold cases.
            NotFound: the caller does not hold the case (a break-glass grant does not
                count) or it does not exist.
        """
        held = caller_scope(self._repository, session.practitioner).holds(case_id)
        if held and session.practitioner.role in CASE_HOLDING_ROLES:
            return
        self._audit.for_session(AuditAction.EXPORT_REFUSED, session, subject_type, subject_id)
        raise Forbidden() if held else NotFound()

    def _open_alerts(self, session: Session, pack: TransferPack) -> list[PackAlert]:
        return [
            PackAlert(
                code=alert.code.value,
                child_id=alert.child_id,
                severity=alert.severity.value,
                overdue=alert.overdue,
                due=alert.due,
                message=alert.message,
            )
            for child in pack.children
            for alert in self._alerts.for_child(session, child.child_id).alerts
        ]
