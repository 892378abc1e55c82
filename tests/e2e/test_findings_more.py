"""Child Q findings 5, 6 and 7 end to end: the real server process, in-process devices using
the app's own services and sync client, and sync between them.

Finding 5: a professionals-only meeting is refused on the social worker's device without a
reason or the chair's approval (V5); with both it is recorded offline, syncs, waits in the
supervisor's review queue for a countersignature, and leaves it once countersigned.

Finding 6: conferences recorded offline with their paperwork times give, over HTTP, the
exact share sent on time per month against the 80% standard, in England's working days.

Finding 7: a health visitor's chronology entry linked to the social worker's plan outcome
reaches the social worker's device and the server's chronology, in event order.
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Protocol, TypeVar

import httpx
import pytest
from pydantic import BaseModel

from mobile_app.services.chronology.chronology import ChronologyService
from mobile_app.services.planning.meetings import MeetingForm, MeetingRefused, MeetingService
from mobile_app.services.planning.plans import PlanService
from mobile_app.services.records import NewRecord, RecordService
from mobile_app.services.supervision.review import ReviewService
from mobile_app.services.supervision.review_wording import REASONS
from mobile_app.services.sync.sync import SyncReport
from shared.clock import utc_now
from shared.ids import new_id
from shared.models import ChronologyEntry, CPPlan, Meeting, Practitioner
from shared.models.review import ReviewAction
from shared.protocol import ChronologyResponse
from shared.rules import PeriodTimeliness
from shared.supervision import QueueReason
from shared.vocabulary import (
    Agency,
    CPCategory,
    EventType,
    InformationSource,
    MeetingType,
    NeglectType,
    PlanCompliance,
    ProfessionalsOnlyReason,
    Role,
    Significance,
)
from sync_server.repository import open_sqlite_repository
from tests.e2e.conftest import ServerProcess
from tests.e2e.server_view import ServerView
from tests.e2e.sync_devices import SyncDevice, transport

pytestmark = pytest.mark.e2e

_Answer = TypeVar("_Answer", bound=BaseModel)


class SignIn(Protocol):
    """Signs a demo practitioner in on a new in-process device."""

    def __call__(self, username: str) -> SyncDevice: ...


@pytest.fixture
def sign_in(server: ServerProcess, tmp_path: Path) -> Iterator[SignIn]:
    """New devices signed in to the real server, closed after the test."""
    made: list[SyncDevice] = []

    def device(username: str) -> SyncDevice:
        made.append(SyncDevice.sign_in(username, tmp_path / username, server.url, username))
        return made[-1]

    yield device
    for phone in made:
        phone.close()


def synced(device: SyncDevice) -> SyncReport:
    """Sync the device; every version it pushed is accepted."""
    report = device.sync()
    assert (report.rejected, report.conflicts) == ([], []), report
    return report


def get_as(
    server: ServerProcess,
    device: SyncDevice,
    path: str,
    answer: type[_Answer],
    params: dict[str, str] | None = None,
) -> _Answer:
    """GET an endpoint of the real server with the device's own session."""
    headers = {"Authorization": f"Bearer {device.token}"}
    with httpx.Client(base_url=server.url, headers=headers, transport=transport()) as http:
        response = http.get(path, params=params)
    assert response.status_code == 200, response.text
    return answer.model_validate_json(response.content)


def add_chair(server: ServerProcess, case_id: str) -> str:
    """Store a conference chair allocated to the case in the running server's database (an
    administrator's act); return their practitioner id."""
    chair = Practitioner(
        id=new_id(), username=f"chair-{new_id()}", display_name="Test conference chair",
        role=Role.CP_CHAIR, agency=Agency.CSC, team="North Oxon",
    )  # fmt: skip
    repository = open_sqlite_repository(server.db)
    try:
        now = utc_now().isoformat()
        repository.add_practitioner(chair, "no-password-this-chair-never-signs-in", now)
        repository.allocate(chair.id, case_id, now)
    finally:
        repository.close()
    return chair.id


class _QueueEntry(BaseModel):
    record_id: str
    version_id: str
    reasons: list[QueueReason]
    needs_countersignature: bool


class _Queue(BaseModel):
    items: list[_QueueEntry]


def server_queue(server: ServerProcess, supervisor: SyncDevice) -> dict[str, _QueueEntry]:
    """GET /review/queue as the supervisor, by record id."""
    queue = get_as(server, supervisor, "/review/queue", _Queue)
    return {item.record_id: item for item in queue.items}


def test_finding_5_professionals_only_meeting_needs_a_reason_a_chair_and_a_countersignature(
    server: ServerProcess, sign_in: SignIn
) -> None:
    sw = sign_in("demo-sw")
    sup = sign_in("demo-sup")
    case_id = sorted(sw.children)[0]
    children = tuple(sw.children[case_id])

    # The case's initial conference names its chair: the chair who can approve later meetings
    # (the server accepts only a conference chair allocated to the case).
    chair_id = add_chair(server, case_id)
    icpc = Meeting(
        meeting_type=MeetingType.ICPC,
        child_ids=children,
        held_at=utc_now() - timedelta(days=20),
        chair_id=chair_id,
    )
    (conference,) = RecordService(sw.store).record([NewRecord(case_id, icpc)])
    meetings = MeetingService(sw.store, sw.me)
    assert chair_id in {choice.chair_id for choice in meetings.chairs(case_id)}

    decisions = "Share the police disclosure with the core group only."
    rationale = "The disclosure cannot be discussed with the family present yet."
    outbox = sw.outbox()
    with pytest.raises(MeetingRefused) as no_reason:
        meetings.record(
            case_id,
            children,
            MeetingForm(chair_approved_by=chair_id, decisions=decisions, rationale=rationale),
        )
    assert str(no_reason.value) == "reason_code: say why the family cannot be at this meeting"
    police = ProfessionalsOnlyReason.POLICE_INVESTIGATION
    with pytest.raises(MeetingRefused, match=r"^chair_approved_by: .*chair's approval"):
        meetings.record(case_id, children, MeetingForm(reason_code=police, decisions=decisions))
    assert sw.outbox() == outbox, "a refused meeting queues nothing"

    form = MeetingForm(police, chair_id, decisions, rationale)
    made = meetings.record(case_id, children, form)
    assert {conference.version_id, made.version_id} <= sw.pending()
    assert synced(sw).accepted == 2
    assert made.version_id not in sw.pending()

    # The supervisor's device and the server both queue it for a countersignature.
    synced(sup)
    review = ReviewService(sup.store, sup.me)
    rows = {row.record_id: row for row in review.queue(utc_now())}
    row = rows[made.record_id]
    assert row.version_id == made.version_id
    assert row.needs_countersignature
    assert REASONS[QueueReason.PROFESSIONALS_ONLY_MEETING] in row.reasons
    assert not rows[conference.record_id].needs_countersignature  # a conference is only new
    on_server = server_queue(server, sup)[made.record_id]
    assert on_server.needs_countersignature
    assert QueueReason.PROFESSIONALS_ONLY_MEETING in on_server.reasons

    review.countersign(row.version_id, utc_now())
    assert made.record_id not in {r.record_id for r in review.queue(utc_now())}
    synced(sup)
    assert made.record_id not in server_queue(server, sup)

    # The social worker's device receives the countersignature; it stays out of every queue.
    synced(sw)
    (signed,) = ReviewService(sw.store, sw.me).decisions_for(made.record_id)
    assert (signed.action, signed.reviewer_id) == (ReviewAction.COUNTERSIGN, sup.me.id)
    assert signed.reviewed_version_id == made.version_id
    synced(sup)
    assert made.record_id not in {r.record_id for r in review.queue(utc_now())}
    assert made.record_id not in server_queue(server, sup)


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


# (type, held, plan sent, minutes sent). Due dates, checked by hand against England's bank
# holidays: the plan within 1 working day, the minutes within 15. March 2026 has no bank
# holiday; Good Friday (3 April), Easter Monday (6 April) and May Day (4 May) fall after.
CONFERENCES = (
    # Friday: plan due Monday 9th; minutes due 27th. Both on time.
    (MeetingType.ICPC, date(2026, 3, 6), date(2026, 3, 9), date(2026, 3, 27)),
    # Minutes due Monday 30th, sent the 31st: late.
    (MeetingType.RCPC, date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 31)),
    (MeetingType.ICPC, date(2026, 3, 11), date(2026, 3, 11), date(2026, 3, 20)),
    # Plan due Wednesday 18th, sent the 19th: late. Minutes due 9 April (Easter): on time.
    (MeetingType.RCPC, date(2026, 3, 17), date(2026, 3, 19), date(2026, 4, 1)),
    # Minutes due 15 April: on time only because Easter's two days do not count.
    (MeetingType.ICPC, date(2026, 3, 23), date(2026, 3, 24), date(2026, 4, 15)),
    # Thursday before Easter: plan due Tuesday 7 April, minutes 27 April. Both on time.
    (MeetingType.RCPC, date(2026, 4, 2), date(2026, 4, 7), date(2026, 4, 27)),
    # Plan due the 14th, sent the 15th: late. Minutes due 5 May (after May Day): on time.
    (MeetingType.ICPC, date(2026, 4, 13), date(2026, 4, 15), date(2026, 5, 5)),
)
MARCH = PeriodTimeliness(
    period="2026-03",
    due=10,
    on_time=8,
    late=2,
    pending=0,
    share_on_time=0.8,
    standard=0.8,
    meets_standard=True,
)
APRIL = PeriodTimeliness(
    period="2026-04",
    due=4,
    on_time=3,
    late=1,
    pending=0,
    share_on_time=0.75,
    standard=0.8,
    meets_standard=False,
)


class _Report(BaseModel):
    scope: str
    standard: float
    periods: list[PeriodTimeliness]


def test_finding_6_conference_paperwork_timeliness_per_month_against_80_percent(
    server: ServerProcess, sign_in: SignIn
) -> None:
    sw = sign_in("demo-sw")
    sup = sign_in("demo-sup")
    case_id = sorted(sw.children)[-1]
    children = tuple(sw.children[case_id])
    meetings = [
        Meeting(
            meeting_type=kind,
            child_ids=children,
            held_at=_at(held, 10),
            plan_distributed_at=_at(plan, 12),
            minutes_distributed_at=_at(minutes, 12),
        )
        for kind, held, plan, minutes in CONFERENCES
    ]
    # A core group is no conference: its missing paperwork must not count.
    core_group = Meeting(
        meeting_type=MeetingType.CORE_GROUP, child_ids=children, held_at=_at(date(2026, 3, 12), 10)
    )
    made = RecordService(sw.store).record([NewRecord(case_id, m) for m in [*meetings, core_group]])
    assert {v.version_id for v in made} <= sw.pending()
    assert synced(sw).accepted == len(made)

    months = {"from": "2026-03", "to": "2026-04"}
    for reader, scope in ((sw, "allocation"), (sup, "team")):
        report = get_as(server, reader, "/reports/timeliness", _Report, months)
        assert (report.scope, report.standard) == (scope, 0.8)
        assert report.periods == [MARCH, APRIL]


OUTCOME = {
    "danger_statement": "Everyone is worried the baby misses weight checks and goes hungry.",
    "safety_goal": "The baby is weighed at clinic every two weeks and gains weight.",
    "consequence_if_not_achieved": "The case goes to a legal planning meeting.",
    "measure": "Clinic weights every two weeks.",
    "owner": "Mother, with the health visitor",
    "due": "2027-03-31",
}


def test_finding_7_an_entry_linked_to_the_plan_reaches_every_chronology_in_event_order(
    server: ServerProcess, sign_in: SignIn
) -> None:
    sw = sign_in("demo-sw")
    hv = sign_in("demo-hv")
    case_id = sorted(set(sw.children) & set(hv.children))[0]
    child_id = hv.children[case_id][0]

    # The social worker holds the plan and states its outcome.
    plan = CPPlan(
        child_ids=(child_id,),
        categories=(CPCategory.NEGLECT,),
        icpc_date=date.today() - timedelta(days=95),
        visit_frequency_days=10,
        lead_practitioner_id=sw.me.id,
    )
    (made_plan,) = RecordService(sw.store).record([NewRecord(case_id, plan)])
    PlanService(sw.store, sw.me).add_outcome(made_plan.record_id, OUTCOME)
    synced(sw)

    # The health visitor reads the outcome, then records a missed weight check against it.
    synced(hv)
    (view,) = [
        v
        for v in PlanService(hv.store, hv.me).for_child(child_id)
        if v.plan_id == made_plan.record_id
    ]
    (outcome,) = view.outcomes
    # The missed check fell between the child's two latest events, so it lands among them.
    latest, before = ChronologyService(hv.store).for_child(child_id)[:2]
    entry = ChronologyEntry(
        child_ids=(child_id,),
        event_datetime=before.event_datetime + (latest.event_datetime - before.event_datetime) / 2,
        source_agency=hv.me.agency,
        information_source=InformationSource.DOCUMENT,
        author_id=hv.me.id,
        author_role=hv.me.role,
        event_type=EventType.WAS_NOT_BROUGHT,
        summary="Baby was not brought to the clinic weight check.",
        action_taken="New appointment sent; the social worker told.",
        significance=Significance.SIGNIFICANT,
        neglect_types=(NeglectType.NUTRITIONAL,),
        linked_plan_outcome_ids=(outcome.record_id,),
        plan_compliance=PlanCompliance.NOT_MET,
        late_entry_reason="Added when the clinic's missed-appointment list was checked.",
    )
    (made,) = RecordService(hv.store).record([NewRecord(case_id, entry)])
    synced(hv)
    synced(sw)
    synced(hv)

    # The server's chronology: oldest event first, the entry among the others by event time.
    server_lines = get_as(
        server, sw, f"/children/{child_id}/chronology", ChronologyResponse
    ).entries
    order = [line.record_id for line in server_lines]
    assert order[-3:] == [before.record_id, made.record_id, latest.record_id]
    assert server_lines == sorted(server_lines, key=lambda line: line.event_datetime)
    ours = server_lines[-2]
    assert (ours.event_datetime, ours.author_id) == (entry.event_datetime, hv.me.id)
    assert ours.linked_plan_outcome_ids == [outcome.record_id]
    assert ours.plan_compliance == PlanCompliance.NOT_MET
    with ServerView(server.url, sw.token) as as_sw:
        held = as_sw.history(made.record_id).versions[-1].payload
    assert isinstance(held, ChronologyEntry)
    assert held.linked_plan_outcome_ids == (outcome.record_id,)
    assert held.plan_compliance == PlanCompliance.NOT_MET

    # The social worker's device: the same entries, newest first, the link kept.
    device_lines = ChronologyService(sw.store).for_child(child_id)
    assert [i.record_id for i in device_lines] == order[::-1]
    (item,) = [i for i in device_lines if i.record_id == made.record_id]
    assert item.synced
    # One line shape on both sides: the device's line says what the server's says.
    assert item.linked_plan_outcome_ids == ours.linked_plan_outcome_ids == [outcome.record_id]
    assert item.plan_compliance == ours.plan_compliance == PlanCompliance.NOT_MET
    assert (item.version_id, item.recorded_at) == (ours.version_id, ours.recorded_at)
    (stored,) = [
        s
        for s in RecordService(sw.store).current("chronology_entry")
        if s.version.record_id == made.record_id
    ]
    on_device = stored.version.payload
    assert isinstance(on_device, ChronologyEntry)
    assert on_device.linked_plan_outcome_ids == (outcome.record_id,)
    assert on_device.plan_compliance == PlanCompliance.NOT_MET
