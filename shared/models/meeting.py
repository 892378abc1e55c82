"""Meetings about a child: who was invited and came, what was decided, paperwork times.

docs/domain.md (Meetings); Child Q findings 5 (professionals-only meetings, rule V5) and 6 (late
paperwork).
"""

from typing import Literal, Self

from pydantic import Field, model_validator

from shared.ids import RecordId
from shared.models.base import DoorstepModel, LongText, NonEmptyLongText, RecordTime, ShortText
from shared.vocabulary import Agency, Attendance, MeetingType, ProfessionalsOnlyReason, Role


class Invitee(DoorstepModel):
    """Someone invited: a person by id (a parent, a father, a worker) or a role still to fill."""

    person_id: RecordId | None = None
    role: Role | None = None
    agency: Agency | None = None
    invited_at: RecordTime | None = None
    attendance: Attendance = Attendance.NOT_KNOWN

    @model_validator(mode="after")
    def _identified(self) -> Self:
        if self.person_id is None and self.role is None:
            raise ValueError("person_id: give the invitee's person id, or their role")
        return self


class Dissent(DoorstepModel):
    """A view that disagreed with the decision, and whose it was."""

    raised_by: ShortText
    view: NonEmptyLongText


class Meeting(DoorstepModel):
    """A meeting held about one or more children, with its decisions and distribution times."""

    record_type: Literal["meeting"] = "meeting"
    schema_version: Literal[1] = 1
    meeting_type: MeetingType
    child_ids: tuple[RecordId, ...] = Field(min_length=1)
    held_at: RecordTime
    chair_id: RecordId | None = None
    invitees: tuple[Invitee, ...] = Field(default=(), max_length=100)
    decisions: tuple[NonEmptyLongText, ...] = Field(default=(), max_length=50)
    rationale: LongText = ""
    dissent: tuple[Dissent, ...] = Field(default=(), max_length=50)
    s47_started: bool = False
    invitations_sent_at: RecordTime | None = None
    minutes_distributed_at: RecordTime | None = None
    plan_distributed_at: RecordTime | None = None
    reason_code: ProfessionalsOnlyReason | None = None
    chair_approved_by: RecordId | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        self._check_professionals_only()
        if self.s47_started and self.meeting_type != MeetingType.STRATEGY:
            raise ValueError("s47_started: only a strategy discussion starts section 47 enquiries")
        if self.invitations_sent_at is not None and self.invitations_sent_at > self.held_at:
            raise ValueError("invitations_sent_at: invitations go out before the meeting")
        for name in ("minutes_distributed_at", "plan_distributed_at"):
            sent = getattr(self, name)
            if sent is not None and sent < self.held_at:
                raise ValueError(f"{name}: paperwork is distributed after the meeting")
        return self

    def _check_professionals_only(self) -> None:
        # Child Q finding 5: excluding the family needs a listed reason and the chair's approval.
        if self.meeting_type != MeetingType.PROFESSIONALS_ONLY:
            if self.reason_code is not None:
                raise ValueError("reason_code: only a professionals-only meeting takes a reason")
            return
        if self.reason_code is None:
            raise ValueError("reason_code: say why the family cannot be at this meeting")
        if self.chair_approved_by is None:
            raise ValueError(
                "chair_approved_by: a professionals-only meeting needs the chair's approval"
            )
