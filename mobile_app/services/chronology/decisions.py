"""Decision prompts after a serious entry on a CP case (A6, Child Q finding 2), on the device.

The prompt comes from the same rule the server runs. A social worker or supervisor records a
DecisionRecord offline; every option offered counts as considered, so requesting a strategy
discussion is always among them. "No action" stays pending until a supervisor other than the
decider countersigns it, by amending the decision record (the server's alert rules read the
countersignature from the decision record itself).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from pydantic import ValidationError

from mobile_app.errors import MobileError
from mobile_app.services.chronology.alerts import DeviceAlertService
from mobile_app.services.chronology.rule_records import current_records
from mobile_app.services.offers import offered
from mobile_app.services.records import NewRecord, RecordService
from mobile_app.services.supervision.review import ReviewRefused, ReviewService
from mobile_app.services.sync.device_clock import corrected_clock
from mobile_app.services.sync.form_errors import form_error_text
from mobile_app.store import DeviceStore
from shared.clock import utc_now
from shared.models import ChronologyEntry, DecisionRecord, Practitioner
from shared.models.review import ReviewDecision
from shared.protocol import RecordVersion
from shared.rules import AlertCode, DecisionInput, DecisionOption, Severity, offered_options
from shared.rules.calendar import local_date
from shared.rules.permissions import Act, may_countersign
from shared.rules.settings import RuleSettings
from shared.supervision.queue import countersigned


class DecisionRefused(MobileError):
    """This decision cannot be recorded as asked; the message says why."""


@dataclass(frozen=True)
class PendingDecision:
    """An incident still waiting for a decision that counts, and what the prompt offers."""

    trigger_entry_id: str
    case_id: str
    child_ids: tuple[str, ...]
    event_type: str
    event_day: date
    due: date | None
    overdue: bool
    message: str
    options: tuple[DecisionOption, ...]
    # A "no action" decision recorded but not yet countersigned, if there is one.
    awaiting_countersignature: str | None = None


@dataclass(frozen=True)
class DecisionEntry:
    """A decision record on this device, for a supervisor's countersigning list."""

    record_id: str
    case_id: str
    version_id: str
    record: DecisionRecord


def _unsigned(
    record_id: str, version_id: str, record: DecisionRecord, reviews: list[ReviewDecision]
) -> bool:
    """True while neither the record nor a review of this version countersigns it."""
    decision = DecisionInput.from_record(record_id, record)
    return countersigned(decision, version_id, record.decided_by, reviews).countersigned_by is None


def _refused(exc: ValidationError) -> DecisionRefused:
    return DecisionRefused(form_error_text(exc))


class DecisionService:
    """Read the decision prompts, record a decision, countersign a "no action"."""

    def __init__(
        self,
        store: DeviceStore,
        me: Practitioner,
        clock: Callable[[], datetime] = utc_now,
        rules: RuleSettings | None = None,
    ) -> None:
        self._store = store
        self._me = me
        self._clock = corrected_clock(store, clock)  # V1: the server-corrected time
        self._rules = rules

    @property
    def can_decide(self) -> bool:
        """True when my role may record a decision (as the server also checks)."""
        return offered(self._me, "decision_record", Act.CREATE)

    @property
    def can_countersign(self) -> bool:
        """True when I may countersign: in a review decision, as a countersigning role."""
        return may_countersign(self._me.role) and offered(self._me, "review_decision", Act.CREATE)

    def pending(self, case_id: str | None = None) -> list[PendingDecision]:
        """Return the incidents waiting for a decision, soonest due first (one per entry)."""
        records = current_records(self._store)
        entries = {
            r.record_id: (r.case_id, r.payload)
            for r in records
            if isinstance(r.payload, ChronologyEntry)
        }
        unsigned = {
            r.payload.trigger_entry_id: r.record_id
            for r in records
            if isinstance(r.payload, DecisionRecord)
            and r.payload.decision == DecisionOption.NO_ACTION
            and r.payload.countersigned_by is None
        }
        found: dict[str, PendingDecision] = {}
        alerts = DeviceAlertService(self._store, self._rules, clock=self._clock).caseload()
        for child in alerts.values():
            for alert in child.alerts:
                if alert.code != AlertCode.A6:
                    continue
                trigger = next(i for i in alert.record_ids if i in entries)
                entry_case, entry = entries[trigger]
                if case_id is not None and entry_case != case_id:
                    continue
                assert isinstance(entry, ChronologyEntry)
                found.setdefault(
                    trigger,
                    PendingDecision(
                        trigger_entry_id=trigger,
                        case_id=entry_case,
                        child_ids=entry.child_ids,
                        event_type=entry.event_type.value,
                        event_day=local_date(entry.event_datetime),
                        due=alert.due,
                        overdue=alert.severity == Severity.OVERDUE,
                        message=alert.message,
                        options=offered_options(),
                        awaiting_countersignature=unsigned.get(trigger),
                    ),
                )
        return sorted(found.values(), key=lambda p: (p.due or date.max, p.trigger_entry_id))

    def decide(
        self, prompt: PendingDecision, decision: DecisionOption, rationale: str
    ) -> RecordVersion:
        """Record a decision on a prompt, offline; it syncs with the next sync.

        Raises:
            DecisionRefused: the practitioner's role may not decide, or the rationale is missing.
        """
        if not self.can_decide:
            raise DecisionRefused("Only a social worker or a supervisor can record a decision.")
        now = self._clock()
        try:
            record = DecisionRecord(
                trigger_entry_id=prompt.trigger_entry_id,
                child_ids=prompt.child_ids,
                question=f"What should happen after the {prompt.event_type.replace('_', ' ')} "
                f"entry of {prompt.event_day:%d %b %Y}?",
                options_considered=prompt.options,
                decision=decision,
                rationale=rationale,
                decided_by=self._me.id,
                decided_at=now,
            )
        except ValidationError as exc:
            raise _refused(exc) from exc
        return RecordService(self._store).record([NewRecord(prompt.case_id, record)])[0]

    def awaiting_countersignature(self) -> list[DecisionEntry]:
        """Return the "no action" decisions on this device still waiting for a countersignature."""
        reviews = ReviewService(self._store, self._me).decisions()
        return [
            DecisionEntry(r.record_id, r.case_id, r.version_id, r.payload)
            for r in current_records(self._store)
            if isinstance(r.payload, DecisionRecord)
            and r.payload.decision == DecisionOption.NO_ACTION
            and _unsigned(r.record_id, r.version_id, r.payload, reviews)
        ]

    def countersign(self, decision_record_id: str) -> RecordVersion:
        """Countersign a "no action" decision as a supervisor: a review of its current version
        (issue 6: a supervisor adds to the decider's record, never edits it).

        Raises:
            DecisionRefused: not a supervisor, the decider themself, or nothing to countersign.
        """
        if not self.can_countersign:
            raise DecisionRefused("Only a supervisor can countersign a decision.")
        waiting = {d.record_id: d for d in self.awaiting_countersignature()}
        held = waiting.get(decision_record_id)
        if held is None:
            raise DecisionRefused("That decision is not waiting for a countersignature here.")
        if held.record.decided_by == self._me.id:
            raise DecisionRefused("A decision needs another supervisor's countersignature.")
        try:
            return ReviewService(self._store, self._me).countersign(
                held.version_id, self._clock(), "No action agreed at countersignature."
            )
        except ReviewRefused as exc:
            raise DecisionRefused(str(exc)) from exc
