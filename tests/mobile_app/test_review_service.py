"""Supervision on a real encrypted device store: the queue, the three decisions made offline,
and the returned record on its author's device."""

from datetime import timedelta
from pathlib import Path

import pytest

from mobile_app.crypto import KdfParams
from mobile_app.services.records import RecordService
from mobile_app.services.supervision.review import ReviewRefused, ReviewService
from mobile_app.services.supervision.review_wording import waited_text
from mobile_app.store import DeviceStore, SyncState
from shared.ids import new_id
from shared.models import DecisionRecord, Escalation, Practitioner
from shared.models.review import ReviewAction, ReviewDecision
from shared.protocol import PulledVersion
from shared.vocabulary import DecisionOption
from tests.mobile_app.conftest import PASSPHRASE
from tests.ui.fake_server import pulled
from tests.ui.review_builders import (
    OTHER_WORKER_ID,
    SUPERVISOR,
    T0,
    TeamRecords,
    entry,
    review_of,
    team_records,
)

NOW = T0 + timedelta(days=5)


@pytest.fixture
def team(store: DeviceStore) -> TeamRecords:
    records = team_records(new_id(), new_id())
    store.records.merge_pulled(records.versions)
    return records


@pytest.fixture
def supervisor(store: DeviceStore) -> ReviewService:
    return ReviewService(store, SUPERVISOR)


def outbox_decisions(store: DeviceStore) -> list[ReviewDecision]:
    pending = [store.records.get(v).version.payload for v in store.outbox.peek(1000)]
    return [p for p in pending if isinstance(p, ReviewDecision)]


def test_queue_lists_the_team_oldest_first_without_my_own(
    supervisor: ReviewService, team: TeamRecords
) -> None:
    rows = supervisor.queue(NOW)
    assert [r.version_id for r in rows] == [team.visit_version, team.entry_version]
    visit, item = rows
    assert visit.needs_countersignature
    assert not item.needs_countersignature
    assert visit.reasons == (
        "New since your last review",
        "Countersign: statutory visit on a plan",
    )
    assert visit.kind == "Visit"
    assert visit.what.startswith("Statutory child protection visit")
    assert visit.waited == "Waiting 5 days"
    assert item.what == "Home visit: Nursery reports weight loss."


def test_a_practitioner_who_is_not_a_supervisor_has_no_queue_and_cannot_review(
    store: DeviceStore, practitioner: Practitioner, team: TeamRecords
) -> None:
    worker = ReviewService(store, practitioner)
    assert worker.queue(NOW) == []
    with pytest.raises(ReviewRefused, match="Only a supervisor"):
        worker.countersign(team.visit_version, NOW)
    assert store.outbox.count() == 0


def test_countersigning_offline_queues_a_decision_naming_the_version(
    store: DeviceStore, supervisor: ReviewService, team: TeamRecords
) -> None:
    made = supervisor.countersign(team.visit_version, NOW)
    [decision] = outbox_decisions(store)
    assert decision.action == ReviewAction.COUNTERSIGN
    assert decision.reviewed_version_id == team.visit_version
    assert decision.reviewer_id == SUPERVISOR.id
    assert decision.decided_at == NOW
    visit = store.records.get(team.visit_version).version
    assert made.case_id == visit.case_id
    assert decision.reviewed_record_id == visit.record_id
    assert store.records.get(made.version_id).state == SyncState.PENDING
    # The author's record is untouched: the review is a record of its own.
    assert store.records.get(team.visit_version).state == SyncState.SYNCED
    assert [r.version_id for r in supervisor.queue(NOW)] == [team.entry_version]


@pytest.mark.parametrize("comment", ["", "   "], ids=["empty", "blank"])
def test_return_and_escalate_need_a_comment(
    store: DeviceStore, supervisor: ReviewService, team: TeamRecords, comment: str
) -> None:
    with pytest.raises(ReviewRefused, match=r"^comment: say why you return"):
        supervisor.return_to_author(team.entry_version, NOW, comment)
    with pytest.raises(ReviewRefused, match=r"^comment: say why you escalate"):
        supervisor.escalate(team.entry_version, NOW, comment, 2)
    assert store.outbox.count() == 0


@pytest.mark.parametrize("stage", [0, 5], ids=["below", "above"])
def test_escalation_stage_must_be_on_the_ladder(
    store: DeviceStore, supervisor: ReviewService, team: TeamRecords, stage: int
) -> None:
    with pytest.raises(ReviewRefused, match=r"^escalation_stage: choose a stage from 1 to 4"):
        supervisor.escalate(team.entry_version, NOW, "Drift: no plan review.", stage)
    assert store.outbox.count() == 0


def test_escalating_records_the_stage_and_the_comment(
    store: DeviceStore, supervisor: ReviewService, team: TeamRecords
) -> None:
    supervisor.escalate(team.entry_version, NOW, "Weight loss not acted on.", 3)
    [decision] = outbox_decisions(store)
    assert decision.action == ReviewAction.ESCALATE
    assert (decision.escalation_stage, decision.comment) == (3, "Weight loss not acted on.")


def test_my_own_record_and_a_replaced_version_cannot_be_reviewed(
    store: DeviceStore, supervisor: ReviewService, team: TeamRecords
) -> None:
    with pytest.raises(ReviewRefused, match="record you wrote"):
        supervisor.countersign(team.own_version, NOW)
    entry_record = store.records.get(team.entry_version).version
    RecordService(store).amend(
        entry_record.record_id, entry_record.payload, reason="Typo in the summary."
    )
    with pytest.raises(ReviewRefused, match="has changed"):
        supervisor.countersign(team.entry_version, NOW)
    # Only the amendment (made on this device, so by me) waits: no review was recorded.
    assert outbox_decisions(store) == []


def test_marking_reviewed_keeps_only_what_needs_a_countersignature(
    supervisor: ReviewService, team: TeamRecords
) -> None:
    assert supervisor.last_review_at() is None
    supervisor.finish_review(NOW)
    assert supervisor.last_review_at() == NOW
    rows = supervisor.queue(NOW)
    assert [r.version_id for r in rows] == [team.visit_version]
    assert rows[0].reasons == ("Countersign: statutory visit on a plan",)


def _author_device(tmp_path: Path, fast_kdf: KdfParams) -> DeviceStore:
    return DeviceStore.create(tmp_path / "author", PASSPHRASE, fast_kdf)


def test_a_returned_record_shows_on_its_authors_device_until_amended(
    tmp_path: Path, fast_kdf: KdfParams, practitioner: Practitioner
) -> None:
    author = _author_device(tmp_path, fast_kdf)
    try:
        case_id, child_id = new_id(), new_id()
        mine = entry(child_id, practitioner.id, "Home cold.", 3)
        theirs = entry(child_id, OTHER_WORKER_ID, "Late to nursery.", 4)
        my_entry = pulled(case_id, new_id(), mine, 1, author_id=practitioner.id)
        other = pulled(case_id, new_id(), theirs, 2, author_id=OTHER_WORKER_ID)
        author.records.merge_pulled(
            [
                my_entry,
                other,
                review_of(my_entry, ReviewAction.RETURN, "Say who was in the home.", 3),
                review_of(other, ReviewAction.RETURN, "Not yours to see as returned.", 4),
            ]
        )
        service = ReviewService(author, practitioner)
        [item] = service.returned_to_me()
        assert (item.version_id, item.comment) == (my_entry.version_id, "Say who was in the home.")
        assert item.kind == "Chronology entry"
        assert item.what == "Home visit: Home cold."
        RecordService(author).amend(my_entry.record_id, mine, reason="Added who was there.")
        assert service.returned_to_me() == []
    finally:
        author.close()


def test_a_return_followed_by_a_countersignature_is_settled(
    tmp_path: Path, fast_kdf: KdfParams, practitioner: Practitioner
) -> None:
    author = _author_device(tmp_path, fast_kdf)
    try:
        case_id, child_id = new_id(), new_id()
        my_entry: PulledVersion = pulled(
            case_id,
            new_id(),
            entry(child_id, practitioner.id, "Home cold.", 3),
            1,
            author_id=practitioner.id,
        )
        returned = review_of(my_entry, ReviewAction.RETURN, "Say who was there.", 2)
        author.records.merge_pulled([my_entry, returned])
        assert len(ReviewService(author, practitioner).returned_to_me()) == 1
        later = ReviewDecision.model_validate(
            {
                **returned.payload.model_dump(),
                "action": ReviewAction.COUNTERSIGN,
                "comment": "",
                "decided_at": T0 + timedelta(days=4),
            }
        )
        author.records.merge_pulled([pulled(case_id, new_id(), later, 3)])
        assert ReviewService(author, practitioner).returned_to_me() == []
    finally:
        author.close()


def test_the_amended_record_comes_back_to_the_supervisor(
    store: DeviceStore, supervisor: ReviewService, team: TeamRecords
) -> None:
    target = next(v for v in team.versions if v.version_id == team.entry_version)
    store.records.merge_pulled([review_of(target, ReviewAction.RETURN, "Add the weight.", 300)])
    supervisor.finish_review(NOW)
    assert [r.version_id for r in supervisor.queue(NOW)] == [team.visit_version]
    amended = PulledVersion.model_validate(
        {
            **pulled(target.case_id, target.record_id, target.payload, 301).model_dump(),
            "replaces_version_id": target.version_id,
            "amend_reason": "Weight added.",
            "author_id": OTHER_WORKER_ID,
            "recorded_at": NOW + timedelta(hours=1),
        }
    )
    store.records.merge_pulled([amended])
    rows = supervisor.queue(NOW + timedelta(hours=2))
    assert [r.version_id for r in rows] == [team.visit_version, amended.version_id]
    assert rows[1].reasons == ("New since your last review", "Amended after you returned it")


@pytest.mark.parametrize(
    ("waited", "text"),
    [
        (timedelta(minutes=59), "Waiting less than an hour"),
        (timedelta(hours=1), "Waiting 1 hour"),
        (timedelta(hours=47), "Waiting 47 hours"),
        (timedelta(days=2, hours=5), "Waiting 2 days"),
    ],
    ids=["minutes", "one-hour", "hours", "days"],
)
def test_waited_text(waited: timedelta, text: str) -> None:
    assert waited_text(waited) == text


def test_a_comment_too_long_is_refused_naming_the_field_not_the_text(
    store: DeviceStore, supervisor: ReviewService, team: TeamRecords
) -> None:
    text = "Concern " * 600
    with pytest.raises(ReviewRefused) as refused:
        supervisor.return_to_author(team.entry_version, NOW, text)
    assert str(refused.value).startswith("comment: String should have at most 4000 characters")
    assert "Concern" not in str(refused.value)
    assert store.outbox.count() == 0


def test_a_records_history_lists_its_reviews_oldest_first(
    store: DeviceStore, supervisor: ReviewService, team: TeamRecords
) -> None:
    target = next(v for v in team.versions if v.version_id == team.entry_version)
    store.records.merge_pulled([review_of(target, ReviewAction.RETURN, "Add the weight.", 300)])
    supervisor.countersign(team.entry_version, NOW)
    history = supervisor.decisions_for(target.record_id)
    assert [(d.action, d.comment) for d in history] == [
        (ReviewAction.RETURN, "Add the weight."),
        (ReviewAction.COUNTERSIGN, ""),
    ]
    assert supervisor.decisions_for(new_id()) == []


def test_a_no_action_decision_and_a_closed_escalation_wait_for_a_countersignature(
    store: DeviceStore, supervisor: ReviewService
) -> None:
    case_id, child_id, trigger = new_id(), new_id(), new_id()
    decision = DecisionRecord(
        trigger_entry_id=trigger,
        child_ids=(child_id,),
        question="Act on the bruise seen at nursery?",
        options_considered=(DecisionOption.REQUEST_STRATEGY_DISCUSSION, DecisionOption.NO_ACTION),
        decision=DecisionOption.NO_ACTION,
        rationale="Explained by a fall seen by staff.",
        decided_by=OTHER_WORKER_ID,
        decided_at=T0,
    )
    closed = Escalation(
        child_ids=(child_id,),
        subject="Housing did not attend core group.",
        stage=2,
        raised_by=OTHER_WORKER_ID,
        raised_at=T0,
        resolved_at=T0 + timedelta(days=1),
        resolution="Housing lead attends from now on.",
    )
    store.records.merge_pulled(
        [
            pulled(case_id, new_id(), decision, 1, author_id=OTHER_WORKER_ID, recorded_at=T0),
            pulled(case_id, new_id(), closed, 2, author_id=OTHER_WORKER_ID, recorded_at=NOW),
        ]
    )
    supervisor.finish_review(NOW + timedelta(hours=1))
    rows = supervisor.queue(NOW + timedelta(hours=2))
    assert [(r.kind, r.what, r.reasons) for r in rows] == [
        (
            "Decision",
            "Decision: No action. Act on the bruise seen at nursery?",
            ("Countersign: no action after an incident",),
        ),
        (
            "Escalation",
            "Escalation stage 2: Housing did not attend core group.",
            ("Countersign: escalation closed",),
        ),
    ]
    assert rows[1].waited == "Waiting 2 hours"
    assert rows[1].children == "A child not on this device"
