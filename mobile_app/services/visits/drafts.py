"""Visits in progress, kept sealed in the store after every change so a killed app loses nothing.

A draft holds the form as typed, not as validated: anything may still be missing. Finalising
turns it into records (see mobile_app.services.visits.finalise); only then is the draft deleted.
"""

import logging
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mobile_app.diagnostics import log_failure
from mobile_app.errors import StoreError
from mobile_app.services.sync.device_clock import corrected
from mobile_app.services.visits.actions import ActionDraft
from mobile_app.services.visits.scaling import ScaleDraft
from mobile_app.store import DeviceStore
from shared.clock import utc_now
from shared.ids import new_id
from shared.vocabulary import (
    AccessAttempt,
    ChildSighting,
    NotSeenAloneReason,
    Relationship,
    VisitAccess,
    VisitType,
)

DRAFT_KIND = "visit"
STEPS = ("people", "seen", "checklist", "voice", "father", "summary", "review")
# A visit without access is a short path: what was tried and the next step, then the check.
NO_ACCESS_STEPS = ("no_access", "review")
FatherAnswer = Literal["known", "new", "not_known"]
Attendance = Literal["present", "absent"]

log = logging.getLogger(__name__)


class ItemDraft(BaseModel):
    """One checklist item as rated so far."""

    rating: str | None = None
    evidence: str = ""


class VisitDraft(BaseModel):
    """A home visit being recorded: every field optional until the visit is finalised."""

    model_config = ConfigDict(extra="ignore", validate_assignment=False)

    draft_id: str = Field(default_factory=new_id)
    case_id: str
    child_id: str
    started_at: datetime = Field(default_factory=utc_now)
    step: int = 0
    visit_type: VisitType = VisitType.TARGETED
    access: VisitAccess = VisitAccess.GAINED
    access_attempts: list[AccessAttempt] = Field(default_factory=list)
    child_sighting: ChildSighting | None = None
    known_adults: dict[str, Attendance] = Field(default_factory=dict)
    others_present: list[str] = Field(default_factory=list)
    others_absent: list[str] = Field(default_factory=list)
    # Typed but not yet added: kept too, so a killed app loses not even that.
    typing_present: str = ""
    typing_absent: str = ""
    child_seen: bool | None = None
    seen_alone: bool | None = None
    not_seen_alone_reason: NotSeenAloneReason | None = None
    seen_awake: bool | None = None
    bedroom_seen: bool | None = None
    checklist: dict[str, ItemDraft] = Field(default_factory=dict)
    voice_of_child: str = ""
    father: FatherAnswer | None = None
    father_adult_id: str | None = None
    new_adult_name: str = ""
    new_adult_description: str = ""
    new_adult_relationship: Relationship = Relationship.BIRTH_FATHER
    father_not_known_reason: str = ""
    worries: str = ""
    working_well: str = ""
    next_steps: str = ""
    scaling: list[ScaleDraft] = Field(default_factory=list)
    actions: list[ActionDraft] = Field(default_factory=list)
    late_entry_reason: str = ""
    # Set only when the draft amends a finalised visit: the visit record, the version it
    # replaces, why it is amended, and when the visit ended (an amendment keeps the end).
    amends_record_id: str | None = None
    amends_version_id: str | None = None
    amend_reason: str = ""
    ended_at: datetime | None = None
    # An amendment keeps what the one-child form does not show: the visit's other children,
    # and every man it named as father or male carer (while the first one shown is kept).
    sibling_ids: list[str] = Field(default_factory=list)
    fathers_before: list[str] = Field(default_factory=list)

    @property
    def steps(self) -> tuple[str, ...]:
        """The steps this visit goes through: all seven, or the no-access path."""
        return STEPS if self.access == VisitAccess.GAINED else NO_ACCESS_STEPS

    @property
    def step_name(self) -> str:
        """The name of the step on screen."""
        return self.steps[max(0, min(self.step, len(self.steps) - 1))]

    @property
    def is_amendment(self) -> bool:
        """True when finalising this draft makes a new version of a finalised visit."""
        return self.amends_record_id is not None


class DraftService:
    """Saves, finds and deletes visit drafts in the sealed drafts table."""

    def __init__(self, store: DeviceStore) -> None:
        self._store = store

    def start(
        self, case_id: str, child_id: str, visit_type: VisitType, now: datetime | None = None
    ) -> VisitDraft:
        """Begin a visit for a child and store its (empty) draft at once; it starts `now` on
        the phone's clock, corrected by the server's (V1)."""
        started_at = corrected(self._store, now or utc_now())
        draft = VisitDraft(
            case_id=case_id, child_id=child_id, visit_type=visit_type, started_at=started_at
        )
        self.save(draft)
        return draft

    def save(self, draft: VisitDraft) -> None:
        """Seal and store the draft as it stands now."""
        self._store.drafts.put(draft.draft_id, draft.model_dump(mode="json"), kind=DRAFT_KIND)

    def get(self, draft_id: str) -> VisitDraft | None:
        """Return a draft, or None when there is none (or it cannot be read)."""
        try:
            stored = self._store.drafts.get(draft_id)
            return None if stored is None else VisitDraft.model_validate(stored)
        except (StoreError, ValidationError) as exc:
            # Kept in the store untouched: an unreadable draft is never deleted here.
            log_failure(log, f"Draft {draft_id} could not be read", exc)
            return None

    def all(self) -> list[VisitDraft]:
        """Return every readable draft of a new visit, oldest first.

        An amendment in progress is not a visit in progress: it is found by `amendment_for`.
        """
        return [d for d in self._readable() if not d.is_amendment]

    def _readable(self) -> list[VisitDraft]:
        draft_ids = self._store.drafts.keys()
        drafts = (self.get(draft_id) for draft_id in draft_ids)
        return [d for d in drafts if d is not None]

    def amendment_for(self, record_id: str) -> VisitDraft | None:
        """Return the amendment in progress of a finalised visit, if any."""
        mine = [d for d in self._readable() if d.amends_record_id == record_id]
        return mine[-1] if mine else None

    def for_child(self, child_id: str) -> VisitDraft | None:
        """Return the newest draft visit for a child, if any."""
        mine = [d for d in self.all() if d.child_id == child_id]
        return mine[-1] if mine else None

    def delete(self, draft_id: str) -> None:
        """Remove a draft (only once its visit is safely in the outbox)."""
        self._store.drafts.delete(draft_id)
