"""Finalising a visit draft: rule V3 in plain words, then the records, then the outbox.

`visit_problems` lists what is missing, one plain sentence each; `visit_warnings` what is worth
a second look without stopping anything. `FinaliseService.finalise` refuses while anything is
missing; otherwise it builds the Visit (with its safety scale and actions), the checklist
answers and any new adult, stores them through VisitService (one transaction, queued for
sync), and only then deletes the draft.

Rule V1 (shared.rules.event_time) on the phone's clock corrected by the server's: a visit is
late when it started more than 24 hours before it is finalised (the time of writing, whenever
it syncs), and a visit whose start or end is in the future is not finalised.

A draft that amends a finalised visit needs a reason instead of a late-entry reason, and is
stored as a new version of that visit (and of its checklist answers, when they changed); the
visit's chronology entry is left as it was, for its author to amend on its own.
"""

from dataclasses import dataclass, field
from datetime import datetime

from pydantic import ValidationError

from mobile_app.errors import MobileError
from mobile_app.services.records import RecordService
from mobile_app.services.sync.device_clock import corrected
from mobile_app.services.visits.actions import FOLLOW_UP_LINE, build_actions, follow_up_action
from mobile_app.services.visits.drafts import DraftService, VisitDraft
from mobile_app.services.visits.scaling import build_scaling, scale_warnings
from mobile_app.services.visits.visit_amendment import VisitAmendments
from mobile_app.services.visits.visit_gaps import visit_gaps
from mobile_app.services.visits.visits import ChildObservation, FinalisedVisit, VisitService
from mobile_app.services.wording import checklist_items, visit_summary
from mobile_app.store import DeviceStore
from shared.checklist import age_band_on
from shared.clock import utc_now
from shared.ids import new_id
from shared.models import (
    ChecklistAnswer,
    Child,
    FatherQuestion,
    PersonPresent,
    Practitioner,
    SignificantAdult,
    Visit,
)
from shared.rules.event_time import FUTURE_MESSAGE, LATE_ENTRY_MESSAGE, EventClock
from shared.rules.event_time import is_late as written_late
from shared.validation import FieldError, field_errors
from shared.visit_completeness import MESSAGES as V3_MESSAGES
from shared.vocabulary import ChecklistRating, NotSeenAloneReason, VisitAccess

REASON_MAX = 1000
UNREADABLE_ANSWER = (
    "An answer on this visit could not be read: go back over the checklist and who was present."
)


@dataclass
class FinaliseResult:
    """Either the problems that stop the visit being finalised, or what was stored."""

    problems: list[str] = field(default_factory=list)
    finalised: FinalisedVisit | None = None
    # For an amendment: my chronology entries made from the visit, unchanged, to offer.
    entry_ids: tuple[str, ...] = ()


def is_late(draft: VisitDraft, now: datetime) -> bool:
    """True when a new visit is being finalised more than 24 hours after it started (V1);
    `now` is the time of writing on the corrected clock.

    An amendment is never late: the visit was recorded when it was, and the amendment
    carries its own reason.
    """
    return not draft.is_amendment and written_late(draft.started_at, now)


def is_late_on(store: DeviceStore, draft: VisitDraft, phone_time: datetime) -> bool:
    """`is_late` at a time read from the phone's clock, corrected by the server's."""
    return is_late(draft, corrected(store, phone_time))


def _time_problems(draft: VisitDraft, now: datetime) -> list[str]:
    """V1: a visit that has not happened yet is not finalised (start or end in the future)."""
    latest = EventClock(now).latest
    times = (draft.started_at, draft.ended_at)
    return [FUTURE_MESSAGE] if any(t is not None and t > latest for t in times) else []


def _amendment_problems(draft: VisitDraft) -> list[str]:
    if not draft.is_amendment:
        return []
    reason = draft.amend_reason.strip()
    if not reason:
        return ["Say why you are amending this visit: the reason is kept with its history."]
    if len(reason) > REASON_MAX:
        return [f"Keep the reason for the amendment to {REASON_MAX:,} characters or fewer."]
    return []


def _plain(error: FieldError) -> str:
    # V3's own words need no field name; anything else names the field it is about.
    return error.message if error.field in V3_MESSAGES else f"{error.field}: {error.message}"


def visit_problems(draft: VisitDraft, child: Child, now: datetime) -> list[str]:
    """Return what stops this visit being finalised (rule V3, from shared.visit_completeness
    by way of visit_gaps, then V1 and the amendment's reason), in plain words."""
    problems = [gap.text for gap in visit_gaps(draft, child)]
    problems += _time_problems(draft, now)
    if is_late(draft, now) and not draft.late_entry_reason.strip():
        problems.append(LATE_ENTRY_MESSAGE)
    return problems + _amendment_problems(draft)


def visit_warnings(draft: VisitDraft) -> list[str]:
    """Return what is worth a second look but does not stop the visit being finalised."""
    if draft.access != VisitAccess.GAINED:
        return []
    out = scale_warnings(draft.scaling)
    if draft.child_seen and not draft.voice_of_child.strip():
        out.append("Nothing is written for the child's voice: their words, or how they behaved.")
    return out


def _persons(draft: VisitDraft, attendance: str, others: list[str]) -> tuple[PersonPresent, ...]:
    known = [PersonPresent(person_id=k) for k, v in draft.known_adults.items() if v == attendance]
    return (*known, *(PersonPresent(description=o.strip()) for o in others if o.strip()))


def _father(draft: VisitDraft) -> tuple[FatherQuestion, dict[str, SignificantAdult]]:
    if draft.father == "known" and draft.father_adult_id:
        if draft.fathers_before[:1] == [draft.father_adult_id]:
            return FatherQuestion(adult_ids=tuple(draft.fathers_before)), {}
        return FatherQuestion(adult_ids=(draft.father_adult_id,)), {}
    if draft.father == "new":
        adult_id = new_id()
        adult = SignificantAdult(
            child_ids=(draft.child_id,),
            relationship=draft.new_adult_relationship,
            name=draft.new_adult_name.strip() or None,
            description_if_unidentified=draft.new_adult_description.strip() or None,
        )
        return FatherQuestion(adult_ids=(adult_id,)), {adult_id: adult}
    return FatherQuestion(not_known_reason=draft.father_not_known_reason.strip()), {}


def build_visit(
    draft: VisitDraft, child: Child, end: datetime, me: Practitioner
) -> tuple[Visit, ChildObservation, dict[str, SignificantAdult]]:
    """Turn a complete draft into the Visit, its checklist answers and any new adult."""
    band = age_band_on(child.dob, draft.started_at.date())
    if draft.access != VisitAccess.GAINED:
        return _no_access_visit(draft, end), ChildObservation(draft.child_id, band, ()), {}
    father, new_adults = _father(draft)
    next_steps = draft.next_steps.strip()
    actions = build_actions(draft.actions)
    if draft.father == "not_known":
        next_steps = "\n".join(s for s in (next_steps, FOLLOW_UP_LINE) if s)
        actions += (follow_up_action(me.display_name, draft.started_at.date()),)
    seen_alone = bool(draft.child_seen and draft.seen_alone)
    visit = Visit(
        child_ids=(draft.child_id, *draft.sibling_ids),
        visit_type=draft.visit_type,
        start=draft.started_at,
        end=draft.ended_at or max(end, draft.started_at),
        persons_present=_persons(draft, "present", draft.others_present),
        persons_expected_absent=_persons(draft, "absent", draft.others_absent),
        child_seen=bool(draft.child_seen),
        seen_alone=seen_alone,
        not_seen_alone_reason=None if seen_alone else draft.not_seen_alone_reason,
        seen_awake=draft.seen_awake,
        bedroom_seen=draft.bedroom_seen,
        voice_of_child=draft.voice_of_child,
        father_or_male_carer=father,
        worries=draft.worries,
        working_well=draft.working_well,
        next_steps=next_steps,
        scaling=build_scaling(draft.scaling),
        actions=actions,
        late_entry_reason=draft.late_entry_reason,
    )
    items = checklist_items(child, draft.started_at)
    answers = tuple(
        ChecklistAnswer(
            key=item.key,
            rating=ChecklistRating(draft.checklist[item.key].rating or ""),
            evidence=draft.checklist[item.key].evidence.strip(),
        )
        for item in items
        if item.key in draft.checklist and draft.checklist[item.key].rating
    )
    return visit, ChildObservation(draft.child_id, band, answers), new_adults


def _no_access_visit(draft: VisitDraft, end: datetime) -> Visit:
    """The visit as it happened: what was tried, whether the child was glimpsed, what next."""
    return Visit(
        child_ids=(draft.child_id, *draft.sibling_ids),
        visit_type=draft.visit_type,
        start=draft.started_at,
        end=draft.ended_at or max(end, draft.started_at),
        access=draft.access,
        access_attempts=tuple(dict.fromkeys(draft.access_attempts)),
        child_sighting=draft.child_sighting,
        persons_expected_absent=_persons(draft, "absent", draft.others_absent),
        child_seen=False,
        seen_alone=False,
        not_seen_alone_reason=NotSeenAloneReason.CHILD_ABSENT,
        next_steps=draft.next_steps.strip(),
        actions=build_actions(draft.actions),
        late_entry_reason=draft.late_entry_reason,
    )


class FinaliseService:
    """Checks a draft, stores its records in the outbox, then lets the draft go."""

    def __init__(
        self, store: DeviceStore, practitioner: Practitioner, now: datetime | None = None
    ) -> None:
        self._store = store
        self._me = practitioner
        self._now = now

    def finalise(self, draft: VisitDraft, child: Child) -> FinaliseResult:
        """Finalise the draft, or say in plain words what is still missing."""
        # V1: the time of writing, on the phone's clock corrected by the server's.
        now = corrected(self._store, self._now or utc_now())
        problems = visit_problems(draft, child, now)
        if problems:
            return FinaliseResult(problems=problems)
        try:
            visit, observation, new_adults = build_visit(draft, child, now, self._me)
        except ValidationError as exc:
            return FinaliseResult(problems=[_plain(e) for e in field_errors(exc)])
        except ValueError:
            # e.g. an unknown checklist rating: its message would repeat what was stored
            return FinaliseResult(problems=[UNREADABLE_ANSWER])
        if draft.is_amendment:
            amendments = VisitAmendments(self._store, self._me)
            try:
                amended = amendments.store(draft, visit, observation, new_adults)
            except MobileError as exc:
                return FinaliseResult(problems=[str(exc)])
            entry_ids = tuple(amendments.entries_of(amended.visit.record_id))
            return FinaliseResult(finalised=amended, entry_ids=entry_ids)
        records = RecordService(self._store, written_at=now)
        # One transaction: a crash can leave the draft or the finalised visit, never both
        # (both would finalise the same visit twice under new ids).
        with self._store.atomic():
            done = VisitService(records, self._me).finalise(
                draft.case_id,
                visit,
                [] if visit.attempted_only else [observation],
                summary=visit_summary(visit, observation),
                action_taken=visit.next_steps or "Visit recorded; next steps to be agreed.",
                new_adults=new_adults,
            )
            DraftService(self._store).delete(draft.draft_id)
        return FinaliseResult(finalised=done)
