"""The supervisor's review queue: what enters it, what a review settles, and its order."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.ids import new_id
from shared.models.review import ReviewAction, ReviewDecision
from shared.rules import (
    CPPlanInput,
    DecisionInput,
    DecisionOption,
    EscalationInput,
    MeetingInput,
    TransferOutInput,
)
from shared.rules.inputs import MeetingType
from shared.supervision import (
    QueueItem,
    QueueReason,
    ReviewedRecord,
    TeamHead,
    countersign_reason,
    countersignature,
    review_queue,
)
from shared.vocabulary import EventType, Lifecycle, Significance, VisitType
from tests.shared.rules.builders import CHILD_ID, at, entry, visit

SUPERVISOR = new_id()
HV = new_id()
SW = new_id()
NOW = at(2026, 11, 20)
LAST_REVIEW = at(2026, 11, 16)
REVIEWED_ON = at(2026, 11, 19)
PLAN = CPPlanInput(record_id=new_id(), child_ids=(CHILD_ID,), start_date=date(2026, 9, 1))
R = QueueReason


def head(
    record: ReviewedRecord,
    recorded_at: datetime,
    *,
    author: str = HV,
    version_id: str | None = None,
    lifecycle: Lifecycle = Lifecycle.CURRENT,
) -> TeamHead:
    return TeamHead(
        version_id=version_id or new_id(),
        author_id=author,
        recorded_at=recorded_at,
        lifecycle=lifecycle,
        record=record,
    )


def review(
    of: TeamHead,
    action: ReviewAction = ReviewAction.COUNTERSIGN,
    *,
    by: str = SUPERVISOR,
    on: datetime = REVIEWED_ON,
) -> ReviewDecision:
    return ReviewDecision(
        reviewed_record_id=of.record_id,
        reviewed_version_id=of.version_id,
        action=action,
        comment="" if action == ReviewAction.COUNTERSIGN else "Please add the source.",
        escalation_stage=2 if action == ReviewAction.ESCALATE else None,
        reviewer_id=by,
        decided_at=on,
    )


def amend(old: TeamHead, recorded_at: datetime) -> TeamHead:
    """Return a new version of the same record (same content is enough for the queue)."""
    return head(old.record, recorded_at, author=old.author_id)


def queue(
    heads: list[TeamHead],
    decisions: Sequence[ReviewDecision] = (),
    *,
    last_review_at: datetime | None = LAST_REVIEW,
    now: datetime = NOW,
) -> list[QueueItem]:
    return review_queue(
        heads,
        decisions,
        [PLAN],
        supervisor_id=SUPERVISOR,
        last_review_at=last_review_at,
        now=now,
    )


def decision_on(trigger: str, choice: DecisionOption) -> DecisionInput:
    return DecisionInput(
        record_id=new_id(),
        trigger_entry_id=trigger,
        options_considered=(DecisionOption.REQUEST_STRATEGY_DISCUSSION, choice),
        decision=choice,
        rationale="Synthetic rationale.",
        decided_by=SW,
        decided_at=at(2026, 11, 18),
    )


def meeting(kind: MeetingType) -> MeetingInput:
    return MeetingInput(
        record_id=new_id(), child_ids=(CHILD_ID,), meeting_type=kind, held_on=date(2026, 11, 17)
    )


def escalation(resolved: bool) -> EscalationInput:
    return EscalationInput(
        record_id=new_id(),
        child_id=CHILD_ID,
        stage=1,
        opened_at=at(2026, 11, 2),
        resolved_at=at(2026, 11, 17) if resolved else None,
    )


# --- The team's records on 20 Nov 2026, the supervisor last reviewed on 16 Nov ---------------
INJURY = head(entry(at(2026, 11, 17), EventType.INJURY, Significance.SERIOUS), at(2026, 11, 17))
OLD_VISIT = head(visit(at(2026, 11, 10)), at(2026, 11, 10, 15))
NEW_ENTRY = head(entry(at(2026, 11, 18)), at(2026, 11, 18))
SEEN_ENTRY = head(entry(at(2026, 11, 12)), at(2026, 11, 12))
PRE_PLAN_VISIT = head(visit(at(2026, 8, 20)), at(2026, 8, 21))
TARGETED_VISIT = head(visit(at(2026, 11, 17, 9), VisitType.TARGETED), at(2026, 11, 17, 10))
NO_ACTION = head(
    decision_on(INJURY.record_id, DecisionOption.NO_ACTION), at(2026, 11, 18, 9), author=SW
)
STRATEGY = head(
    decision_on(INJURY.record_id, DecisionOption.REQUEST_STRATEGY_DISCUSSION),
    at(2026, 11, 1),
    author=SW,
)
PROF_ONLY = head(meeting(MeetingType.PROFESSIONALS_ONLY), at(2026, 11, 3), author=SW)
CORE_GROUP = head(meeting(MeetingType.CORE_GROUP), at(2026, 11, 4), author=SW)
TRANSFER = head(
    TransferOutInput(record_id=new_id(), child_ids=(CHILD_ID,), started_at=at(2026, 11, 5)),
    at(2026, 11, 5),
    author=SW,
)
CLOSED = head(escalation(resolved=True), at(2026, 11, 6), author=SW)
OPEN = head(escalation(resolved=False), at(2026, 11, 7), author=SW)
OWN = head(entry(at(2026, 11, 19)), at(2026, 11, 19), author=SUPERVISOR)

TEAM = [
    INJURY,
    OLD_VISIT,
    NEW_ENTRY,
    SEEN_ENTRY,
    PRE_PLAN_VISIT,
    TARGETED_VISIT,
    NO_ACTION,
    STRATEGY,
    PROF_ONLY,
    CORE_GROUP,
    TRANSFER,
    CLOSED,
    OPEN,
    OWN,
]


def test_the_queue_holds_new_and_unsigned_records_oldest_first_with_reasons() -> None:
    got = [(i.record_id, i.reasons) for i in queue(TEAM)]
    assert got == [
        (PROF_ONLY.record_id, (R.PROFESSIONALS_ONLY_MEETING,)),
        (TRANSFER.record_id, (R.TRANSFER_OUT,)),
        (CLOSED.record_id, (R.ESCALATION_CLOSURE,)),
        (OLD_VISIT.record_id, (R.STATUTORY_VISIT,)),
        (TARGETED_VISIT.record_id, (R.NEW,)),
        (INJURY.record_id, (R.NEW,)),
        (NO_ACTION.record_id, (R.NEW, R.NO_ACTION_DECISION)),
        (NEW_ENTRY.record_id, (R.NEW,)),
    ]


def test_each_item_says_how_long_it_has_waited_and_what_it_is() -> None:
    items = {i.record_id: i for i in queue(TEAM)}
    assert items[PROF_ONLY.record_id].waited == timedelta(days=17)
    assert items[OLD_VISIT.record_id].waited == timedelta(days=9, hours=21)
    visit_item = items[OLD_VISIT.record_id]
    assert (visit_item.record_type, visit_item.author_id) == ("visit", HV)
    assert visit_item.needs_countersignature
    assert not items[NEW_ENTRY.record_id].needs_countersignature


def test_a_decision_item_names_the_children_of_its_trigger_entry() -> None:
    items = {i.record_id: i for i in queue(TEAM)}
    assert items[NO_ACTION.record_id].child_ids == (CHILD_ID,)
    assert items[NO_ACTION.record_id].record_type == "decision_record"


def test_without_a_previous_review_everything_is_new() -> None:
    items = queue([SEEN_ENTRY, CORE_GROUP], last_review_at=None)
    assert [i.reasons for i in items] == [(R.NEW,), (R.NEW,)]


def test_a_countersigned_version_leaves_the_queue() -> None:
    assert queue([OLD_VISIT], [review(OLD_VISIT)]) == []


@pytest.mark.parametrize("action", [ReviewAction.RETURN, ReviewAction.ESCALATE])
def test_a_returned_or_escalated_version_leaves_the_supervisors_queue(
    action: ReviewAction,
) -> None:
    assert (
        queue([OLD_VISIT, NEW_ENTRY], [review(OLD_VISIT, action), review(NEW_ENTRY, action)]) == []
    )


def test_a_review_of_an_older_version_does_not_count_for_the_amended_version() -> None:
    amended = amend(OLD_VISIT, at(2026, 11, 12))
    items = queue([amended], [review(OLD_VISIT)])
    assert [(i.version_id, i.reasons) for i in items] == [
        (amended.version_id, (R.STATUTORY_VISIT,))
    ]
    assert countersignature(amended, [review(OLD_VISIT)]) is None


def test_a_returned_record_re_enters_the_queue_when_its_author_amends_it() -> None:
    returned = review(OLD_VISIT, ReviewAction.RETURN, on=at(2026, 11, 11))
    amended = amend(NEW_ENTRY, at(2026, 11, 14))
    returned_entry = review(NEW_ENTRY, ReviewAction.RETURN, on=at(2026, 11, 13))
    # Both amendments came in before the supervisor's last review: only the return brings
    # them back, and the entry needs no countersignature.
    items = queue([amend(OLD_VISIT, at(2026, 11, 12)), amended], [returned, returned_entry])
    assert [i.reasons for i in items] == [
        (R.AMENDED_AFTER_RETURN, R.STATUTORY_VISIT),
        (R.AMENDED_AFTER_RETURN,),
    ]


def test_an_amendment_after_a_return_then_a_countersignature_is_not_a_resubmission() -> None:
    second = amend(NEW_ENTRY, at(2026, 11, 13))
    third = amend(NEW_ENTRY, at(2026, 11, 15))
    decisions = [
        review(NEW_ENTRY, ReviewAction.RETURN, on=at(2026, 11, 12)),
        review(second, on=at(2026, 11, 14)),
    ]
    assert queue([third], decisions) == []


def test_nobody_settles_a_review_of_their_own_record() -> None:
    by_author = review(OLD_VISIT, by=HV)
    assert [i.record_id for i in queue([OLD_VISIT], [by_author])] == [OLD_VISIT.record_id]
    assert countersignature(OLD_VISIT, [by_author]) is None


def test_another_supervisors_countersignature_counts() -> None:
    colleague = review(OLD_VISIT, by=new_id())
    assert queue([OLD_VISIT], [colleague]) == []
    assert countersignature(OLD_VISIT, [review(OLD_VISIT, ReviewAction.RETURN), colleague]) == (
        colleague
    )


def test_the_supervisors_own_records_are_not_queued_for_them() -> None:
    assert queue([OWN]) == []


def test_a_withdrawn_record_is_shown_as_new_but_needs_no_countersignature() -> None:
    withdrawn = head(TRANSFER.record, at(2026, 11, 18), lifecycle=Lifecycle.WITHDRAWN)
    assert countersign_reason(withdrawn, [PLAN]) is None
    assert [i.reasons for i in queue([withdrawn])] == [(R.NEW,)]


def test_a_statutory_visit_needs_countersigning_only_while_the_child_is_on_a_plan() -> None:
    ended = PLAN.model_copy(update={"end_date": date(2026, 11, 1)})
    assert countersign_reason(OLD_VISIT, [PLAN]) == R.STATUTORY_VISIT
    assert countersign_reason(OLD_VISIT, [ended]) is None
    assert countersign_reason(OLD_VISIT, []) is None


def test_a_conflict_lists_each_head_separately() -> None:
    other = amend(NEW_ENTRY, at(2026, 11, 18, 13))
    items = queue([NEW_ENTRY, other], [review(NEW_ENTRY)])
    assert [i.version_id for i in items] == [other.version_id]


def test_a_version_recorded_after_now_has_waited_nothing() -> None:
    items = queue([NEW_ENTRY], now=at(2026, 11, 18, 11))
    assert items[0].waited == timedelta(0)


@pytest.mark.parametrize("name", ["now", "last_review_at"])
def test_naive_times_are_refused_naming_the_parameter(name: str) -> None:
    naive = datetime(2026, 11, 20, 12)
    times = {"now": NOW, "last_review_at": LAST_REVIEW, name: naive}
    with pytest.raises(ValueError, match=f"^{name}: "):
        queue(TEAM, now=times["now"], last_review_at=times["last_review_at"])


_DECISIONS = [
    review(OLD_VISIT, ReviewAction.RETURN, on=at(2026, 11, 11)),
    review(TRANSFER),
    review(NEW_ENTRY, by=HV),
    review(PROF_ONLY, ReviewAction.ESCALATE),
]
_HEADS = [*TEAM, amend(OLD_VISIT, at(2026, 11, 12)), amend(NEW_ENTRY, at(2026, 11, 19))]


@settings(max_examples=60, deadline=None)
@given(
    heads=st.permutations(_HEADS),
    decisions=st.permutations(_DECISIONS),
    repeats=st.lists(st.sampled_from(_HEADS), max_size=4),
)
def test_the_queue_does_not_depend_on_input_order_or_repeats(
    heads: list[TeamHead], decisions: list[ReviewDecision], repeats: list[TeamHead]
) -> None:
    assert queue([*heads, *repeats], decisions) == queue(_HEADS, _DECISIONS)


def test_a_no_action_decision_already_countersigned_in_the_record_needs_no_second_signature() -> (
    None
):
    record = NO_ACTION.record
    assert isinstance(record, DecisionInput)
    signed = record.model_copy(
        update={"countersigned_by": SUPERVISOR, "countersigned_at": at(2026, 11, 18, 10)}
    )
    self_signed = record.model_copy(update={"countersigned_by": record.decided_by})
    assert countersign_reason(head(signed, at(2026, 11, 18), author=SW), [PLAN]) is None
    assert countersign_reason(head(self_signed, at(2026, 11, 18), author=SW), [PLAN]) == (
        R.NO_ACTION_DECISION
    )


def test_heads_and_queue_items_travel_as_json_and_back() -> None:
    for team_head in TEAM:
        assert TeamHead.model_validate_json(team_head.model_dump_json()) == team_head
    for item in queue(TEAM):
        assert QueueItem.model_validate_json(item.model_dump_json()) == item


def test_a_visit_and_the_entry_made_from_it_are_one_item() -> None:
    made = at(2026, 11, 18)
    the_visit = head(visit(made), made)
    summary = entry(made)
    from_visit = summary.model_copy(
        update={"entry": summary.entry.model_copy(update={"visit_id": the_visit.record_id})}
    )
    gone_visit = entry(made)
    orphan = gone_visit.model_copy(
        update={"entry": gone_visit.entry.model_copy(update={"visit_id": new_id()})}
    )
    heads = [the_visit, head(from_visit, made), head(orphan, made)]

    items = queue(heads)

    # The entry of a visit not among the team's records is still read on its own.
    assert sorted(i.record_id for i in items) == sorted([the_visit.record_id, orphan.record_id])
    settled = queue(heads, [review(the_visit, on=at(2026, 11, 19))])
    assert [i.record_id for i in settled] == [orphan.record_id]
