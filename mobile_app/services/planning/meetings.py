"""Professionals-only meetings recorded on the device (Child Q finding 5, rule V5).

Meeting without the family needs a reason from the fixed list and the chair's approval. A
conference chair approves their own meeting; a social worker names a chair already known to
this case (one who chaired one of its child protection conferences). The V5 messages are the
model's own.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from mobile_app.errors import MobileError
from mobile_app.services.chronology.rule_records import current_records
from mobile_app.services.offers import offered
from mobile_app.services.records import NewRecord, RecordService
from mobile_app.services.sync.device_clock import corrected_clock
from mobile_app.services.sync.form_errors import form_error_text
from mobile_app.store import DeviceStore
from shared.clock import utc_now
from shared.models import Meeting, Practitioner
from shared.protocol import RecordVersion
from shared.rules.inputs import CONFERENCES
from shared.rules.permissions import Act, may_approve_meeting
from shared.vocabulary import MeetingType, ProfessionalsOnlyReason

REASONS: dict[ProfessionalsOnlyReason, str] = {
    ProfessionalsOnlyReason.INFO_CANNOT_BE_SHARED_SAFELY: (
        "Information cannot be shared with the family safely"
    ),
    ProfessionalsOnlyReason.POLICE_INVESTIGATION: "A police investigation is under way",
    ProfessionalsOnlyReason.INTERAGENCY_DISAGREEMENT: "Agencies disagree and must resolve it",
    ProfessionalsOnlyReason.DRIFT_REVIEW: "Review of drift in the plan",
    ProfessionalsOnlyReason.DISGUISED_COMPLIANCE_CONCERN: "Concern about disguised compliance",
}


class MeetingRefused(MobileError):
    """This meeting cannot be recorded as asked; the message says why."""


@dataclass(frozen=True)
class ChairChoice:
    """A chair who can approve: their practitioner id, and how the form names them."""

    chair_id: str
    label: str


@dataclass(frozen=True)
class MeetingForm:
    """What the practitioner fills in for a professionals-only meeting."""

    reason_code: str = ""
    chair_approved_by: str = ""
    decisions: str = ""
    rationale: str = ""


class MeetingService:
    """Record a professionals-only meeting about children of one case."""

    def __init__(
        self, store: DeviceStore, me: Practitioner, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self._store = store
        self._me = me
        self._clock = corrected_clock(store, clock)  # V1: the server-corrected time

    @property
    def can_record(self) -> bool:
        """Return True when my role may record a meeting (as the server also checks)."""
        return offered(self._me, "meeting", Act.CREATE)

    def chairs(self, case_id: str) -> list[ChairChoice]:
        """Return who can approve: me if I am a chair, then the case's conference chairs."""
        out: list[ChairChoice] = []
        if may_approve_meeting(self._me.role):
            out.append(ChairChoice(self._me.id, "I approve, as the chair"))
        held: dict[str, datetime] = {}
        for r in current_records(self._store):
            meeting = r.payload
            if (
                r.case_id == case_id
                and isinstance(meeting, Meeting)
                and meeting.meeting_type in CONFERENCES
                and meeting.chair_id
            ):
                held[meeting.chair_id] = max(
                    meeting.held_at, held.get(meeting.chair_id, meeting.held_at)
                )
        for chair_id, last in sorted(held.items(), key=lambda kv: kv[1], reverse=True):
            if chair_id != self._me.id:
                out.append(ChairChoice(chair_id, f"The chair of the conference of {last:%d %b %Y}"))
        return out

    def record(self, case_id: str, child_ids: tuple[str, ...], form: MeetingForm) -> RecordVersion:
        """Record a professionals-only meeting held now, offline; it syncs with the next sync.

        Raises:
            MeetingRefused: my role may not record meetings, the chair named is not one this
                case knows, or V5 is not met (no reason, no chair's approval).
        """
        if not self.can_record:
            raise MeetingRefused("Only a social worker or a conference chair can record a meeting.")
        approved = form.chair_approved_by or None
        if approved is not None and approved not in {c.chair_id for c in self.chairs(case_id)}:
            raise MeetingRefused("chair_approved_by: pick a chair from the list")
        decisions = tuple(line.strip() for line in form.decisions.splitlines() if line.strip())
        try:
            meeting = Meeting(
                meeting_type=MeetingType.PROFESSIONALS_ONLY,
                child_ids=child_ids,
                held_at=self._clock(),
                chair_id=approved,
                decisions=decisions,
                rationale=form.rationale.strip(),
                reason_code=form.reason_code or None,
                chair_approved_by=approved,
            )
        except ValidationError as exc:
            raise MeetingRefused(form_error_text(exc)) from exc
        return RecordService(self._store).record([NewRecord(case_id, meeting)])[0]
