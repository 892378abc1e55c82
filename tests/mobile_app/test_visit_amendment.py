"""Amending a finalised visit (issue 6): prefilled from its current version, a reason
required, stored as a new version of the same visit; the chronology entry left to its author."""

from datetime import UTC, datetime, timedelta

import pytest

from mobile_app.errors import MobileError
from mobile_app.services.records import RecordService
from mobile_app.services.visits.actions import FOLLOW_UP, FOLLOW_UP_ACTION, ActionDraft
from mobile_app.services.visits.drafts import DraftService, ItemDraft, VisitDraft
from mobile_app.services.visits.finalise import FinaliseResult, FinaliseService
from mobile_app.services.visits.scaling import ScaleDraft
from mobile_app.services.visits.visit_amendment import VisitAmendments
from mobile_app.store import DeviceStore
from shared.ids import new_id
from shared.models import (
    ChecklistResponse,
    Child,
    ChronologyEntry,
    FatherQuestion,
    Practitioner,
    Visit,
)
from shared.protocol import PulledVersion
from shared.vocabulary import Agency, Lifecycle, NotSeenAloneReason, VisitType

START = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
FINALISED = START + timedelta(hours=1)
REASON = "Named who was present, as my supervisor asked."


def _child(store: DeviceStore, child_id: str) -> Child:
    [case] = RecordService(store).caseload()
    return case.children[child_id]


def _draft(ids: dict[str, str], **changes: object) -> VisitDraft:
    draft = VisitDraft(
        case_id=ids["case_id"],
        child_id=ids["child_id"],
        started_at=START,
        visit_type=VisitType.STATUTORY_CP,
        others_present=["mother"],
        others_absent=["maternal grandmother"],
        child_seen=True,
        seen_alone=False,
        not_seen_alone_reason=NotSeenAloneReason.PRE_VERBAL,
        seen_awake=True,
        bedroom_seen=True,
        checklist={"PHY.FOOD_INTAKE": ItemDraft(rating="some_concern", evidence="Bottle cold.")},
        voice_of_child="Settled when picked up.",
        father="not_known",
        father_not_known_reason="Mother would not say.",
        worries="Feeds missed.",
        working_well="Mother attends clinic.",
        next_steps="Weigh again next week.",
        scaling=[ScaleDraft(rated_by="mother", value=6),
                 ScaleDraft(rated_by="other", rated_by_other="Nan", value=5)],
        actions=[ActionDraft(action="Weigh baby", owner="Health visitor", due="2026-11-27")],
    )  # fmt: skip
    return draft.model_copy(update=changes)


def _finalise(
    store: DeviceStore, me: Practitioner, ids: dict[str, str], draft: VisitDraft
) -> FinaliseResult:
    service = FinaliseService(store, me, FINALISED)
    return service.finalise(draft, _child(store, ids["child_id"]))


@pytest.fixture
def visit_id(store: DeviceStore, practitioner: Practitioner, caseload: dict[str, str]) -> str:
    """A statutory visit I finalised on this device; returns its record id."""
    result = _finalise(store, practitioner, caseload, _draft(caseload))
    assert result.finalised is not None
    return result.finalised.visit.record_id


def _versions(store: DeviceStore, record_type: str) -> list[str]:
    return [r.version_id for r in store.records.rows(record_type=record_type)]


def test_the_form_reopens_as_the_visit_was_finalised(
    store: DeviceStore, practitioner: Practitioner, visit_id: str
) -> None:
    draft = VisitAmendments(store, practitioner).open(visit_id).draft
    [head] = store.records.head_ids(visit_id)
    assert (draft.amends_record_id, draft.amends_version_id) == (visit_id, head)
    assert draft.started_at == START
    assert draft.ended_at == FINALISED
    assert (draft.others_present, draft.others_absent) == (["mother"], ["maternal grandmother"])
    assert (draft.child_seen, draft.seen_alone, draft.seen_awake) == (True, False, True)
    assert draft.checklist == {
        "PHY.FOOD_INTAKE": ItemDraft(rating="some_concern", evidence="Bottle cold.")
    }
    assert (draft.father, draft.father_not_known_reason) == ("not_known", "Mother would not say.")
    assert [s.who() for s in draft.scaling] == ["mother", "Nan"]
    # Finalising added a follow-up for the unknown father: the form holds only what was typed.
    assert draft.next_steps == "Weigh again next week."
    assert [a.action for a in draft.actions] == ["Weigh baby"]


def test_an_amendment_is_a_new_version_of_the_visit_and_leaves_its_entry(
    store: DeviceStore, practitioner: Practitioner, caseload: dict[str, str], visit_id: str
) -> None:
    [entry_version] = _versions(store, "chronology_entry")
    [first] = store.records.head_ids(visit_id)
    waiting = store.outbox.count()
    draft = VisitAmendments(store, practitioner).open(visit_id).draft
    draft.others_present.append("maternal grandmother")
    draft.others_absent = []
    draft.amend_reason = f"  {REASON} "

    result = _finalise(store, practitioner, caseload, draft)

    assert result.problems == []
    assert result.finalised is not None
    version = result.finalised.visit
    assert version.record_id == visit_id
    assert version.replaces_version_id == first
    assert version.amend_reason == REASON
    assert version.lifecycle == Lifecycle.CURRENT
    assert store.records.head_ids(visit_id) == [version.version_id]
    amended = version.payload
    assert isinstance(amended, Visit)
    assert [p.description for p in amended.persons_present] == ["mother", "maternal grandmother"]
    assert amended.end == FINALISED  # the visit ended when it ended, not when amended
    assert amended.next_steps.count(FOLLOW_UP) == 1
    assert [a.action for a in amended.actions].count(FOLLOW_UP_ACTION) == 1
    # Only the visit changed: the checklist answers and the entry are as they were.
    assert store.outbox.count() == waiting + 1
    assert _versions(store, "chronology_entry") == [entry_version]
    entry = store.records.get(entry_version).version
    assert result.entry_ids == (entry.record_id,)
    assert DraftService(store).amendment_for(visit_id) is None


def test_an_amendment_needs_a_reason(
    store: DeviceStore, practitioner: Practitioner, caseload: dict[str, str], visit_id: str
) -> None:
    draft = VisitAmendments(store, practitioner).open(visit_id).draft
    result = _finalise(
        store, practitioner, caseload, draft.model_copy(update={"amend_reason": " "})
    )
    assert result.finalised is None
    assert result.problems == [
        "Say why you are amending this visit: the reason is kept with its history."
    ]
    assert len(store.records.rows(record_id=visit_id)) == 1


def test_an_amendment_is_never_late_though_the_visit_started_days_ago(
    store: DeviceStore, practitioner: Practitioner, caseload: dict[str, str], visit_id: str
) -> None:
    draft = VisitAmendments(store, practitioner).open(visit_id).draft
    draft.amend_reason = REASON
    result = FinaliseService(store, practitioner, START + timedelta(days=5)).finalise(
        draft, _child(store, caseload["child_id"])
    )
    assert result.problems == []


def test_changed_checklist_answers_are_amended_with_the_same_reason(
    store: DeviceStore, practitioner: Practitioner, caseload: dict[str, str], visit_id: str
) -> None:
    [response_version] = _versions(store, "checklist_response")
    draft = VisitAmendments(store, practitioner).open(visit_id).draft
    draft.checklist["PHY.HYGIENE"] = ItemDraft(rating="meets_needs")
    draft.amend_reason = REASON
    assert _finalise(store, practitioner, caseload, draft).finalised is not None
    [new] = [v for v in _versions(store, "checklist_response") if v != response_version]
    version = store.records.get(new).version
    assert version.replaces_version_id == response_version
    assert version.amend_reason == REASON
    assert isinstance(version.payload, ChecklistResponse)
    assert version.payload.visit_id == visit_id
    assert {a.key for a in version.payload.answers} == {"PHY.FOOD_INTAKE", "PHY.HYGIENE"}


def test_an_amendment_in_progress_is_a_sealed_draft_resumed_not_a_new_visit(
    store: DeviceStore, practitioner: Practitioner, caseload: dict[str, str], visit_id: str
) -> None:
    amendments = VisitAmendments(store, practitioner)
    draft = amendments.open(visit_id).draft
    draft.worries = "Typed before the app was closed."
    DraftService(store).save(draft)
    assert amendments.open(visit_id).draft.worries == "Typed before the app was closed."
    drafts = DraftService(store)
    assert drafts.all() == []
    assert drafts.for_child(caseload["child_id"]) is None
    assert len(store.drafts.keys()) == 1


def test_an_amendment_of_a_replaced_version_is_refused_and_restarted(
    store: DeviceStore, practitioner: Practitioner, caseload: dict[str, str], visit_id: str
) -> None:
    amendments = VisitAmendments(store, practitioner)
    stale = amendments.open(visit_id).draft
    stale.amend_reason = REASON
    fresh = stale.model_copy(update={"worries": "Changed elsewhere first."})
    assert _finalise(store, practitioner, caseload, fresh).finalised is not None
    store.drafts.put(stale.draft_id, stale.model_dump(mode="json"), kind="visit")

    result = _finalise(store, practitioner, caseload, stale)

    assert result.finalised is None
    assert "changed since you opened it" in result.problems[0]
    stale.worries = "Typed in the set-aside amendment."
    DraftService(store).save(stale)
    opened = amendments.open(visit_id)
    reopened = opened.draft
    assert reopened.draft_id != stale.draft_id
    assert reopened.worries == "Changed elsewhere first."
    # Not a silent loss: the person is told, and the reason they typed is still there.
    assert "your earlier changes were set aside" in opened.notice
    assert "Your reason is kept" in opened.notice
    assert reopened.amend_reason == REASON
    assert store.drafts.keys() == [reopened.draft_id]
    assert amendments.open(visit_id).notice == ""


def test_only_the_visits_author_may_amend_it(
    store: DeviceStore, practitioner: Practitioner, caseload: dict[str, str]
) -> None:
    draft = _draft(caseload)
    result = _finalise(store, practitioner, caseload, draft)
    assert result.finalised is not None
    theirs = result.finalised.visit
    # The same visit as the server sends it back, made by a colleague.
    colleague = PulledVersion(
        **theirs.model_dump(exclude={"record_id", "version_id"}),
        record_id="0190f0a0-0000-7000-8000-000000000001",
        version_id="0190f0a0-0000-7000-8000-000000000002",
        server_seq=50,
        author_id="0190f0a0-0000-7000-8000-000000000003",
        author_agency=Agency.CSC,
        recorded_at=FINALISED,
    )
    store.records.merge_pulled([colleague])
    amendments = VisitAmendments(store, practitioner)
    assert amendments.may_amend(theirs.record_id)
    assert not amendments.may_amend(colleague.record_id)
    with pytest.raises(MobileError, match="Only the practitioner who recorded this visit"):
        amendments.open(colleague.record_id)
    [entry] = [v for v in result.finalised.versions if isinstance(v.payload, ChronologyEntry)]
    assert not amendments.may_amend(entry.record_id)  # an entry is amended in its history


def _siblings_visit(
    store: DeviceStore, practitioner: Practitioner, visit_id: str
) -> tuple[str, tuple[str, str]]:
    """Replace the visit, as my other phone did, by one covering two children and two men;
    return the sibling's id and the men's ids."""
    [head] = store.records.head_ids(visit_id)
    first = store.records.get(head).version
    assert isinstance(first.payload, Visit)
    sibling, fathers = new_id(), (new_id(), new_id())
    payload = first.payload.model_copy(
        update={
            "child_ids": (*first.payload.child_ids, sibling),
            "father_or_male_carer": FatherQuestion(adult_ids=fathers),
        }
    )
    store.records.merge_pulled(
        [
            PulledVersion(
                **first.model_dump(
                    exclude={"version_id", "payload", "replaces_version_id", "amend_reason"}
                ),
                version_id=new_id(),
                replaces_version_id=head,
                amend_reason="Both children were seen.",
                payload=payload,
                server_seq=60,
                author_id=practitioner.id,
                author_agency=Agency.HEALTH_VISITING,
                recorded_at=FINALISED,
            )
        ]
    )
    return sibling, fathers


def test_amending_a_siblings_visit_keeps_every_child_and_every_man(
    store: DeviceStore, practitioner: Practitioner, caseload: dict[str, str], visit_id: str
) -> None:
    sibling, fathers = _siblings_visit(store, practitioner, visit_id)
    draft = VisitAmendments(store, practitioner).open(visit_id).draft
    assert (draft.father, draft.father_adult_id) == ("known", fathers[0])
    draft.worries = "Feeds missed twice."
    draft.amend_reason = REASON

    result = _finalise(store, practitioner, caseload, draft)

    assert result.finalised is not None
    amended = result.finalised.visit.payload
    assert isinstance(amended, Visit)
    assert amended.worries == "Feeds missed twice."
    assert amended.child_ids == (caseload["child_id"], sibling)
    assert amended.father_or_male_carer.adult_ids == fathers


def test_a_father_changed_in_the_amendment_replaces_the_men_named_before(
    store: DeviceStore, practitioner: Practitioner, caseload: dict[str, str], visit_id: str
) -> None:
    sibling, _ = _siblings_visit(store, practitioner, visit_id)
    draft = VisitAmendments(store, practitioner).open(visit_id).draft
    draft.father_adult_id = other = new_id()
    draft.amend_reason = REASON

    result = _finalise(store, practitioner, caseload, draft)

    assert result.finalised is not None
    amended = result.finalised.visit.payload
    assert isinstance(amended, Visit)
    assert amended.father_or_male_carer.adult_ids == (other,)
    assert amended.child_ids == (caseload["child_id"], sibling)
