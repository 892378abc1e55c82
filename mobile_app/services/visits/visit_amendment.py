"""Amending a finalised visit (issue 6): its author reopens it in the visit form, prefilled from
its current version, and finalising stores a new version of the same visit with a reason.

The visit's chronology entries are not rewritten: an entry is its own record with its own
history, so the author is offered their entries to amend separately (see `entries_of`).
A supervisor's review names the version it reviewed, so the new version goes back to them.
"""

from dataclasses import dataclass

from mobile_app.errors import MobileError
from mobile_app.services.offers import offered
from mobile_app.services.records import NewRecord, RecordService
from mobile_app.services.visits.actions import FOLLOW_UP_ACTION, FOLLOW_UP_LINE, ActionDraft
from mobile_app.services.visits.drafts import DraftService, ItemDraft, VisitDraft
from mobile_app.services.visits.scaling import RATERS, ScaleDraft
from mobile_app.services.visits.visits import ChildObservation, FinalisedVisit
from mobile_app.store import DeviceStore, StoredVersion
from shared.models import (
    ChecklistResponse,
    ChronologyEntry,
    Practitioner,
    SignificantAdult,
    Visit,
)
from shared.protocol import PulledVersion, RecordVersion
from shared.rules.permissions import Act

# Visit fields the form does not edit: an amendment keeps them as first recorded.
KEPT_FIELDS = {"announced", "home_conditions", "child_presentation", "parent_views"}
_RATERS = {key for key, _ in RATERS} - {"other"}
SET_ASIDE = (
    "This visit changed since you started amending it, so the form now shows its newest "
    "version: your earlier changes were set aside. Check them again before finalising."
)
REASON_KEPT = " Your reason is kept in the form."


@dataclass(frozen=True)
class OpenedAmendment:
    """The amendment draft to show, and what to tell the person about it (may be empty)."""

    draft: VisitDraft
    notice: str = ""


def made_by(version: RecordVersion, me_id: str) -> str:
    """Return who made a version: the server's word for a pulled one, else this device's user."""
    return version.author_id if isinstance(version, PulledVersion) else me_id


def _scale(rated_by: str, value: int) -> ScaleDraft:
    if rated_by in _RATERS:
        return ScaleDraft(rated_by=rated_by, value=value)
    return ScaleDraft(rated_by="other", rated_by_other=rated_by, value=value)


def _father_fields(visit: Visit) -> dict[str, object]:
    father = visit.father_or_male_carer
    if father is None:  # a visit without access asks no father question
        return {}
    if father.adult_ids:
        return {"father": "known", "father_adult_id": father.adult_ids[0]}
    return {"father": "not_known", "father_not_known_reason": father.not_known_reason}


def draft_from_visit(
    visit: RecordVersion, responses: list[ChecklistResponse], case_id: str
) -> VisitDraft:
    """Return a visit form filled in from a finalised visit, ready to amend.

    What finalising adds for an unknown father (a next-steps line and a follow-up action) is
    left out, so finalising the amendment adds it once, not twice.

    Raises:
        MobileError: the version is not a visit.
    """
    payload = visit.payload
    if not isinstance(payload, Visit):
        raise MobileError("Only a visit can be amended in the visit form.")
    child_id = payload.child_ids[0]
    known = {p.person_id: "present" for p in payload.persons_present if p.person_id}
    known |= {p.person_id: "absent" for p in payload.persons_expected_absent if p.person_id}
    answers = next((r.answers for r in responses if r.child_id == child_id), ())
    fathers = payload.father_or_male_carer.adult_ids if payload.father_or_male_carer else ()
    unknown_father = payload.father_or_male_carer is not None and not fathers
    next_steps = payload.next_steps
    if unknown_father:
        next_steps = "\n".join(
            line for line in next_steps.splitlines() if line.strip() != FOLLOW_UP_LINE
        )
    return VisitDraft.model_validate(
        {
            "case_id": case_id,
            "child_id": child_id,
            "started_at": payload.start,
            "visit_type": payload.visit_type,
            "access": payload.access,
            "access_attempts": list(payload.access_attempts),
            "child_sighting": payload.child_sighting,
            "known_adults": known,
            "others_present": [p.description for p in payload.persons_present if p.description],
            "others_absent": [
                p.description for p in payload.persons_expected_absent if p.description
            ],
            "child_seen": payload.child_seen,
            "seen_alone": payload.seen_alone if payload.child_seen else None,
            "not_seen_alone_reason": payload.not_seen_alone_reason,
            "seen_awake": payload.seen_awake,
            "bedroom_seen": payload.bedroom_seen,
            "checklist": {
                a.key: ItemDraft(rating=a.rating.value, evidence=a.evidence) for a in answers
            },
            "voice_of_child": payload.voice_of_child,
            **_father_fields(payload),
            "worries": payload.worries,
            "working_well": payload.working_well,
            "next_steps": next_steps,
            "scaling": [_scale(s.rated_by, s.value) for s in payload.scaling],
            "actions": [
                ActionDraft(action=a.action, owner=a.owner, due=a.due.isoformat())
                for a in payload.actions
                if not (unknown_father and a.action == FOLLOW_UP_ACTION)
            ],
            "late_entry_reason": payload.late_entry_reason,
            "amends_record_id": visit.record_id,
            "amends_version_id": visit.version_id,
            "ended_at": payload.end,
            "sibling_ids": list(payload.child_ids[1:]),
            "fathers_before": list(fathers),
        }
    )


class VisitAmendments:
    """Who may amend a visit, and the amendment drafts: opened, resumed, or started afresh."""

    def __init__(self, store: DeviceStore, me: Practitioner) -> None:
        self._store = store
        self._records = RecordService(store)
        self._me = me

    def _head(self, record_id: str) -> StoredVersion | None:
        heads = self._store.records.head_ids(record_id)
        if len(heads) != 1:
            return None
        stored = self._store.records.get(heads[0])
        return stored if isinstance(stored.version.payload, Visit) else None

    def _author(self, record_id: str) -> str | None:
        # The server's rule: the visit is its first version's author's, whoever amended it.
        first = [
            r for r in self._store.records.rows(record_id=record_id) if not r.replaces_version_id
        ]
        if not first:
            return None
        return made_by(self._store.records.get(first[0].version_id).version, self._me.id)

    def may_amend(self, record_id: str) -> bool:
        """True when this is a visit I made first, with one current version (no conflict)."""
        return self._head(record_id) is not None and self._mine(record_id)

    def _mine(self, record_id: str) -> bool:
        return offered(self._me, "visit", Act.CHANGE, first_author=self._author(record_id))

    def current(self, record_id: str) -> RecordVersion:
        """Return the visit's current version, when I may amend it.

        Raises:
            MobileError: not a visit on this device, not mine, or in conflict.
        """
        head = self._head(record_id)
        if head is None:
            raise MobileError(
                "That visit is not on this device, or has competing versions: sync, then "
                "look again."
            )
        if not self._mine(record_id):
            raise MobileError(
                "Only the practitioner who recorded this visit can amend it: add a review or "
                "a new entry instead."
            )
        return head.version

    def open(self, record_id: str) -> OpenedAmendment:
        """Resume the amendment of this visit, or start one from its current version.

        An amendment started from a version that has since been replaced is set aside, and the
        notice says so: resumed, it would hide the newer version's changes. Its reason, which
        still explains why the author is amending, is carried into the fresh draft.

        Raises:
            MobileError: the visit cannot be amended by me here.
        """
        head = self.current(record_id)
        drafts = DraftService(self._store)
        held = drafts.amendment_for(record_id)
        if held is not None and held.amends_version_id == head.version_id:
            return OpenedAmendment(held)
        responses = [
            s.version.payload
            for s in self._records.current("checklist_response")
            if isinstance(s.version.payload, ChecklistResponse)
            and s.version.payload.visit_id == record_id
        ]
        draft = draft_from_visit(head, responses, head.case_id)
        notice = ""
        if held is not None:
            draft.amend_reason = held.amend_reason
            notice = SET_ASIDE + (REASON_KEPT if held.amend_reason.strip() else "")
        with self._store.atomic():
            if held is not None:
                drafts.delete(held.draft_id)
            drafts.save(draft)
        return OpenedAmendment(draft, notice)

    def store(
        self,
        draft: VisitDraft,
        visit: Visit,
        observation: ChildObservation,
        new_adults: dict[str, SignificantAdult],
    ) -> FinalisedVisit:
        """Store a checked amendment as a new version of its visit, then let the draft go.

        Any new adult is recorded, and the checklist answers get a new version when they
        changed, all in one transaction with the visit.

        Raises:
            MobileError: the visit is not mine, or has changed since the draft was opened.
        """
        record_id = draft.amends_record_id or ""
        current = self.current(record_id)
        if current.version_id != draft.amends_version_id:
            raise MobileError(
                "This visit has changed since you opened it: leave, then amend it again from "
                "its newest version."
            )
        kept = current.payload.model_dump(include=KEPT_FIELDS)
        amended = Visit.model_validate(visit.model_dump() | kept)
        reason = draft.amend_reason.strip()
        adults = [NewRecord(draft.case_id, a, record_id=i) for i, a in new_adults.items()]
        with self._store.atomic():
            added = self._records.record(adults) if adults else []
            version = self._records.amend(record_id, amended, reason=reason)
            answers = self._answers(record_id, draft, observation, reason)
            DraftService(self._store).delete(draft.draft_id)
        return FinalisedVisit(version, [*added, version, *answers])

    def _answers(
        self, visit_id: str, draft: VisitDraft, observation: ChildObservation, reason: str
    ) -> list[RecordVersion]:
        """Store the checklist answers anew when they changed: amended, or added if none."""
        held = next(
            (
                s.version
                for s in self._records.current("checklist_response")
                if isinstance(s.version.payload, ChecklistResponse)
                and s.version.payload.visit_id == visit_id
                and s.version.payload.child_id == observation.child_id
            ),
            None,
        )
        before = (
            held.payload.answers if held and isinstance(held.payload, ChecklistResponse) else ()
        )
        if before == observation.answers:
            return []
        response = ChecklistResponse(
            child_id=observation.child_id,
            visit_id=visit_id,
            assessed_at=draft.started_at,
            assessor_id=self._me.id,
            age_band=observation.age_band,
            answers=observation.answers,
        )
        if held is None:
            return self._records.record([NewRecord(draft.case_id, response)])
        return [self._records.amend(held.record_id, response, reason=reason)]

    def entries_of(self, visit_record_id: str) -> list[str]:
        """Return the record ids of my chronology entries made from this visit."""
        return [
            s.version.record_id
            for s in self._records.current("chronology_entry")
            if isinstance(s.version.payload, ChronologyEntry)
            and s.version.payload.visit_id == visit_record_id
            and s.version.payload.author_id == self._me.id
        ]
