"""Alerts and decision prompts over a case's current records, on the server clock.

The rules are the shared ones (`shared.rules`), so the server and the app compute the same
alerts from the same records. A caller sees what their chronology would show: the cases in
their scope (a supervisor: the team's caseload), less restricted records they may not read.
Every read of a child's or a case's alerts, and every refusal, is audited like a chronology
read.
"""

from collections.abc import Callable, Iterable
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from shared.clock import utc_now
from shared.ids import is_id
from shared.rules import (
    Alert,
    AlertCode,
    CaseRecords,
    DecisionOption,
    RuleSettings,
    Severity,
    caseload_alerts,
    compute_alerts,
    offered_options,
)
from shared.rules.bank_holidays import england_calendar
from shared.rules.calendar import local_date
from shared.vocabulary import Role
from sync_server.errors import Forbidden, NotFound
from sync_server.repository import Repository
from sync_server.services.access.audit import AuditAction, AuditTrail
from sync_server.services.access.auth import Session
from sync_server.services.access.scope import caller_scope, viewer
from sync_server.services.chronology.rule_inputs import (
    CurrentRecord,
    case_records,
    child_cases,
    current_records,
)

# No routine case access (docs/domain.md, Roles): IG officers, system administrators, and partner
# contributors, who see their own entries and a plan summary but no visit detail.
NO_ALERT_ROLES = frozenset({Role.IG_OFFICER, Role.SYS_ADMIN, Role.PARTNER_CONTRIBUTOR})


class _View(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AlertItem(_View):
    """One alert as the API shows it: who it is for, when it is due, what it is about."""

    code: AlertCode
    child_id: str
    severity: Severity
    overdue: bool
    due: date | None
    audience: list[str]
    message: str
    record_ids: list[str]

    @classmethod
    def of(cls, alert: Alert) -> "AlertItem":
        """Return the API view of a rule's alert."""
        return cls(
            code=alert.code,
            child_id=alert.child_id,
            severity=alert.severity,
            overdue=alert.severity == Severity.OVERDUE,
            due=alert.due,
            audience=[a.value for a in alert.audience],
            message=alert.message,
            record_ids=list(alert.record_ids),
        )


class ChildAlerts(_View):
    """One child's open alerts, most pressing first."""

    child_id: str
    case_id: str
    alerts: list[AlertItem]


class ChildAlertsResponse(ChildAlerts):
    """GET /children/{child_id}/alerts."""

    as_of: datetime


class CaseloadAlertsResponse(_View):
    """GET /me/alerts: the caller's caseload, children with alerts, most urgent child first."""

    as_of: datetime
    children: list[ChildAlerts]


class PendingDecision(_View):
    """An incident on a CP case still needing a decision that counts (Child Q finding 2)."""

    trigger_entry_id: str
    child_ids: list[str]
    event_type: str
    significance: str
    due: date | None
    overdue: bool
    message: str
    options: list[DecisionOption]
    decision_ids: list[str]


class PendingDecisionsResponse(_View):
    """GET /cases/{case_id}/decisions/pending."""

    case_id: str
    as_of: datetime
    pending: list[PendingDecision]


class AlertService:
    """Compute alerts and decision prompts for cases in the caller's scope."""

    def __init__(
        self,
        repository: Repository,
        audit: AuditTrail,
        settings: RuleSettings | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._repository = repository
        self._audit = audit
        self._settings = settings or RuleSettings()
        self.clock = clock  # the server clock; tests pin it

    def for_child(self, session: Session, child_id: str) -> ChildAlertsResponse:
        """Return the child's open alerts; the read (or refusal) is audited.

        Raises:
            Forbidden: the caller's role receives no alerts.
            NotFound: no such child, or not in the caller's scope (the two look the same).
        """
        _check_role(session)
        found = self._repository.child_case(child_id) if is_id(child_id) else None
        case_id = self._check_scope(session, "child", child_id, found)
        now = self.clock()
        everyone = case_records(self._current(session, [case_id]))
        records = [r for r in everyone if r.child_id == child_id]
        alerts = [AlertItem.of(alert) for alert in self._caseload_alerts(records, now)]
        self._audit_read(session, "child", child_id)
        return ChildAlertsResponse(child_id=child_id, case_id=case_id, as_of=now, alerts=alerts)

    def for_caseload(self, session: Session) -> CaseloadAlertsResponse:
        """Return the alerts of every child in the caller's scope; each case read is audited.

        Raises:
            Forbidden: the caller's role receives no alerts.
        """
        _check_role(session)
        now = self.clock()
        cases = caller_scope(self._repository, session.practitioner).cases
        records = self._current(session, cases)
        where = child_cases(records)
        found = self._caseload_alerts(case_records(records), now)
        grouped: dict[str, list[AlertItem]] = {}
        for alert in found:  # most urgent first, so children come in urgency order too
            grouped.setdefault(alert.child_id, []).append(AlertItem.of(alert))
        for case_id in sorted(cases):
            self._audit_read(session, "case", case_id)
        return CaseloadAlertsResponse(
            as_of=now,
            children=[
                ChildAlerts(child_id=child_id, case_id=where[child_id], alerts=items)
                for child_id, items in grouped.items()
            ],
        )

    def pending_decisions(self, session: Session, case_id: str) -> PendingDecisionsResponse:
        """Return the case's incidents still waiting for a decision that counts (A6).

        Raises:
            Forbidden: the caller's role receives no alerts.
            NotFound: the case is not in the caller's scope (or does not exist).
        """
        _check_role(session)
        self._check_scope(session, "case", case_id, case_id if is_id(case_id) else None)
        now = self.clock()
        pending: dict[str, PendingDecision] = {}
        for records in case_records(self._current(session, [case_id])):
            for alert in self._rule_alerts(records, now):
                if alert.code == AlertCode.A6:
                    _merge_pending(pending, records, alert)
        self._audit_read(session, "case", case_id)
        order = sorted(pending.values(), key=lambda p: (p.due or date.max, p.trigger_entry_id))
        return PendingDecisionsResponse(case_id=case_id, as_of=now, pending=order)

    def _current(self, session: Session, case_ids: Iterable[str]) -> list[CurrentRecord]:
        return current_records(self._repository, case_ids, viewer(session.practitioner))

    def _rule_alerts(self, records: CaseRecords, now: datetime) -> list[Alert]:
        return compute_alerts(records, now, england_calendar(local_date(now)), self._settings)

    def _caseload_alerts(self, caseload: Iterable[CaseRecords], now: datetime) -> list[Alert]:
        calendar = england_calendar(local_date(now))
        return caseload_alerts(caseload, now, calendar, self._settings)

    def _check_scope(
        self, session: Session, subject_type: str, subject_id: str, case_id: str | None
    ) -> str:
        """Return the case id when the case is in the caller's scope; otherwise audit, refuse."""
        scope = caller_scope(self._repository, session.practitioner)
        if case_id is not None and scope.covers(case_id):
            return case_id
        self._audit.for_session(
            AuditAction.CHRONOLOGY_READ_REFUSED, session, subject_type, subject_id
        )
        raise NotFound()

    def _audit_read(self, session: Session, subject_type: str, subject_id: str) -> None:
        self._audit.for_session(AuditAction.CHRONOLOGY_READ, session, subject_type, subject_id)


def _check_role(session: Session) -> None:
    if session.practitioner.role in NO_ALERT_ROLES:
        raise Forbidden()


def _merge_pending(pending: dict[str, PendingDecision], records: CaseRecords, alert: Alert) -> None:
    """Add an A6 alert to the pending list, one item per trigger entry whatever it names."""
    entries = {e.record_id: e.entry for e in records.entries}
    trigger = next(record_id for record_id in alert.record_ids if record_id in entries)
    held = pending.get(trigger)
    if held is not None:
        children = sorted({*held.child_ids, records.child_id})
        pending[trigger] = held.model_copy(update={"child_ids": children})
        return
    entry = entries[trigger]
    pending[trigger] = PendingDecision(
        trigger_entry_id=trigger,
        child_ids=[records.child_id],
        event_type=entry.event_type.value,
        significance=entry.significance.value,
        due=alert.due,
        overdue=alert.severity == Severity.OVERDUE,
        message=alert.message,
        options=list(offered_options()),
        decision_ids=[record_id for record_id in alert.record_ids if record_id != trigger],
    )
