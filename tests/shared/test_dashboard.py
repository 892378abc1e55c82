"""The team dashboard: hand-built caseload with known figures and the records behind each."""

import json
import random
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.ids import new_id
from shared.models import (
    Child,
    ChronologyEntry,
    FatherQuestion,
    PersonPresent,
    SignificantAdult,
    Visit,
)
from shared.rules import (
    AdultRecord,
    CaseRecords,
    CPPlanInput,
    DecisionInput,
    DecisionOption,
    EntryRecord,
    EscalationInput,
    MeetingInput,
    VisitRecord,
)
from shared.rules.inputs import MeetingType
from shared.supervision import (
    DashboardSettings,
    DeviceSyncInput,
    DraftInput,
    FigureKey,
    TeamDashboard,
    team_dashboard,
)
from shared.synthetic import family_name, given_name
from shared.vocabulary import ChildStatus, CPCategory, EventType, Relationship, VisitType
from tests.shared.rules.builders import CALENDAR, at

NOW = at(2026, 6, 10)
A, B, C = new_id(), new_id(), new_id()
WORKER = new_id()
K = FigureKey
_rng = random.Random(6)
FATHER_NAME = f"{given_name(_rng, 'male')} {family_name(_rng)}"


def child(status: ChildStatus = ChildStatus.CP) -> Child:
    cp = status == ChildStatus.CP
    return Child(
        given_name="Test",
        family_name="Child",
        dob=date(2022, 5, 1),
        status=status,
        cp_categories=(CPCategory.NEGLECT,) if cp else (),
    )


def plan(child_id: str) -> CPPlanInput:
    return CPPlanInput(
        record_id=new_id(),
        child_ids=(child_id,),
        start_date=date(2026, 3, 2),
        visit_frequency_days=14,
    )


def statutory(child_id: str, start: datetime, *, alone: bool, bedroom: bool) -> VisitRecord:
    return VisitRecord(
        record_id=new_id(),
        visit=Visit(
            child_ids=(child_id,),
            visit_type=VisitType.STATUTORY_CP,
            start=start,
            end=start + timedelta(hours=1),
            persons_present=(PersonPresent(person_id=WORKER),),
            child_seen=True,
            seen_alone=alone,
            not_seen_alone_reason=None if alone else "parent_refused",
            bedroom_seen=bedroom,
            father_or_male_carer=FatherQuestion(not_known_reason="Mother declined to say."),
        ),
    )


def injury(child_id: str, when: datetime) -> EntryRecord:
    return EntryRecord(
        record_id=new_id(),
        recorded_at=when,
        entry=ChronologyEntry(
            child_ids=(child_id,),
            event_datetime=when,
            source_agency="health_visiting",
            information_source="direct_observation",
            author_id=WORKER,
            author_role="health_visitor",
            event_type=EventType.INJURY,
            summary="Synthetic bruise on the forearm.",
            significance="serious",
            action_taken="Discussed with the supervisor.",
        ),
    )


def father(child_id: str) -> AdultRecord:
    return AdultRecord(
        record_id=new_id(),
        agency_checks_done_on=date(2026, 3, 5),
        adult=SignificantAdult(
            child_ids=(child_id,), relationship=Relationship.BIRTH_FATHER, name=FATHER_NAME
        ),
    )


def conference(
    kind: MeetingType,
    held: date,
    children: tuple[str, ...],
    plan_sent: datetime | None,
    minutes_sent: datetime | None,
) -> MeetingInput:
    return MeetingInput(
        record_id=new_id(),
        child_ids=children,
        meeting_type=kind,
        held_on=held,
        plan_distributed_at=plan_sent,
        minutes_distributed_at=minutes_sent,
    )


# Child A: overdue visit, twice not seen alone, no father on record but "not known, because"
# answered at each visit (so not counted as not recorded: F4), an undecided injury, a late
# escalation, and an ICPC whose minutes went out late.
A_VISITS = (
    statutory(A, at(2026, 5, 1), alone=False, bedroom=True),
    statutory(A, at(2026, 5, 15), alone=False, bedroom=True),
)
A_INJURY = injury(A, at(2026, 6, 8))
A_ESCALATION = EscalationInput(record_id=new_id(), child_id=A, stage=1, opened_at=at(2026, 6, 1))
ICPC_A = conference(MeetingType.ICPC, date(2026, 3, 2), (A,), at(2026, 3, 3), at(2026, 4, 10))
# A and B are siblings: one review conference, sent on time, held in both children's records.
RCPC_AB = conference(MeetingType.RCPC, date(2026, 5, 1), (A, B), at(2026, 5, 1), at(2026, 5, 8))
# Held yesterday, nothing sent yet: both items pending, not late.
ICPC_C = conference(MeetingType.ICPC, date(2026, 6, 9), (C,), None, None)
CORE_A = conference(MeetingType.CORE_GROUP, date(2026, 3, 9), (A,), None, None)

# Child B: seen alone, visited on time, father recorded, injury decided; bedroom not seen.
B_INJURY = injury(B, at(2026, 6, 8))
B_DECISION = DecisionInput(
    record_id=new_id(),
    trigger_entry_id=B_INJURY.record_id,
    options_considered=(DecisionOption.REQUEST_STRATEGY_DISCUSSION,),
    decision=DecisionOption.REQUEST_STRATEGY_DISCUSSION,
    rationale="Synthetic rationale.",
    decided_by=WORKER,
    decided_at=at(2026, 6, 8, 15),
)

CASELOAD = (
    CaseRecords(
        child_id=A,
        child=child(),
        visits=A_VISITS,
        entries=(A_INJURY,),
        plans=(plan(A),),
        meetings=(ICPC_A, RCPC_AB, CORE_A),
        escalations=(A_ESCALATION,),
    ),
    CaseRecords(
        child_id=B,
        child=child(),
        visits=(
            statutory(B, at(2026, 5, 25), alone=True, bedroom=False),
            statutory(B, at(2026, 6, 5), alone=True, bedroom=False),
        ),
        entries=(B_INJURY,),
        adults=(father(B),),
        plans=(plan(B),),
        meetings=(RCPC_AB,),
        decisions=(B_DECISION,),
    ),
    CaseRecords(child_id=C, child=child(ChildStatus.UNIVERSAL), meetings=(ICPC_C,)),
)

OLD_DRAFT = DraftInput(
    draft_id=new_id(), author_id=WORKER, child_ids=(B, A), started_at=at(2026, 6, 8)
)
NEW_DRAFT = DraftInput(draft_id=new_id(), author_id=WORKER, started_at=at(2026, 6, 10, 9))
DRAFTS = (OLD_DRAFT, NEW_DRAFT)
RECENT = DeviceSyncInput(device_id=new_id(), practitioner_id=WORKER, last_synced_at=at(2026, 6, 9))
QUIET = DeviceSyncInput(device_id=new_id(), practitioner_id=WORKER, last_synced_at=at(2026, 6, 1))
NEVER = DeviceSyncInput(device_id=new_id(), practitioner_id=WORKER)
DEVICES = (RECENT, QUIET, NEVER)


def dashboard(
    caseload: tuple[CaseRecords, ...] | list[CaseRecords] = CASELOAD,
    limits: DashboardSettings | None = None,
) -> TeamDashboard:
    return team_dashboard(
        caseload, DRAFTS, DEVICES, now=NOW, calendar=CALENDAR, dashboard_settings=limits
    )


def children_of(board: TeamDashboard, key: FigureKey) -> list[tuple[str, ...]]:
    return [item.child_ids for item in board.figure(key).items]


def test_each_case_figure_counts_the_right_children() -> None:
    board = dashboard()
    counts = {f.key: f.count for f in board.figures}
    assert counts == {
        K.VISITS_OVERDUE: 1,
        K.NOT_SEEN_ALONE: 1,
        K.NO_FATHER_RECORDED: 1,
        K.INCIDENTS_WITHOUT_DECISION: 1,
        K.ESCALATIONS_PAST_DUE: 1,
        K.STALE_DRAFTS: 1,
        K.UNSYNCED_DEVICES: 2,
    }
    assert children_of(board, K.VISITS_OVERDUE) == [(A,)]
    assert children_of(board, K.NO_FATHER_RECORDED) == [(C,)]


def test_not_seen_alone_counts_the_seen_alone_trigger_of_a3_not_the_bedroom_one() -> None:
    """Guards the wording the dashboard uses to split A3's two triggers."""
    item = dashboard().figure(K.NOT_SEEN_ALONE).items[0]
    assert item.child_ids == (A,)
    assert set(item.record_ids) == {v.record_id for v in A_VISITS}


def test_each_figure_opens_the_records_behind_it() -> None:
    board = dashboard()
    assert board.figure(K.INCIDENTS_WITHOUT_DECISION).items[0].record_ids == (A_INJURY.record_id,)
    escalation = board.figure(K.ESCALATIONS_PAST_DUE).items[0]
    assert escalation.record_ids == (A_ESCALATION.record_id,)
    assert escalation.due == date(2026, 6, 3)
    assert board.figure(K.VISITS_OVERDUE).items[0].record_ids == (A_VISITS[-1].record_id,)


def test_drafts_older_than_a_day_name_their_author_and_children() -> None:
    (item,) = dashboard().figure(K.STALE_DRAFTS).items
    assert item.record_ids == (OLD_DRAFT.draft_id,)
    assert item.practitioner_id == WORKER
    assert item.child_ids == tuple(sorted((A, B)))


def test_devices_silent_for_days_or_never_synced_are_listed() -> None:
    items = dashboard().figure(K.UNSYNCED_DEVICES).items
    assert {i.record_ids for i in items} == {(QUIET.device_id,), (NEVER.device_id,)}
    assert {i.detail for i in items} == {"Never synced.", "Last synced Mon 1 Jun 2026."}


def test_the_thresholds_are_settings() -> None:
    board = dashboard(limits=DashboardSettings(draft_stale_hours=1, device_unsynced_days=10))
    assert board.figure(K.STALE_DRAFTS).count == 2
    assert [i.record_ids for i in board.figure(K.UNSYNCED_DEVICES).items] == [(NEVER.device_id,)]


def test_paperwork_on_time_against_the_standard_counts_a_shared_conference_once() -> None:
    paperwork = dashboard().paperwork
    assert (paperwork.on_time, paperwork.late, paperwork.pending) == (3, 1, 2)
    assert paperwork.share_on_time == pytest.approx(0.75)
    assert (paperwork.standard, paperwork.meets_standard) == (0.8, False)
    assert paperwork.late_meeting_ids == (ICPC_A.record_id,)
    assert [p.period for p in paperwork.periods] == ["2026-03", "2026-05", "2026-06"]


def test_an_empty_team_has_zero_figures_and_no_paperwork_share() -> None:
    board = team_dashboard([], [], [], now=NOW, calendar=CALENDAR)
    assert all(f.count == 0 and f.items == () for f in board.figures)
    assert (board.paperwork.share_on_time, board.paperwork.meets_standard) == (None, None)


def test_the_dashboard_travels_as_json_and_back() -> None:
    board = dashboard()
    text = board.model_dump_json()
    assert TeamDashboard.model_validate_json(text) == board
    figures = {f["key"]: f["count"] for f in json.loads(text)["figures"]}
    assert figures["no_father_or_male_carer"] == 1


def test_a_naive_now_is_refused_naming_the_parameter() -> None:
    with pytest.raises(ValueError, match=r"^now: "):
        team_dashboard(CASELOAD, [], [], now=datetime(2026, 6, 10, 12), calendar=CALENDAR)


@settings(max_examples=25, deadline=None)
@given(caseload=st.permutations(CASELOAD), extra=st.lists(st.sampled_from(CASELOAD), max_size=2))
def test_the_dashboard_does_not_depend_on_caseload_order_or_repeats(
    caseload: list[CaseRecords], extra: list[CaseRecords]
) -> None:
    assert dashboard([*caseload, *extra]) == dashboard()
