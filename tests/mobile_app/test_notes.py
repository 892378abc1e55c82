"""Chronology analysis and supervision notes on a real encrypted device store (issue 6):
who may write which (as the server's push rules), the default period, the entries analysed,
newest first, kept apart from the chronology, readable refusals, and sealed drafts."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from mobile_app.crypto import KdfParams
from mobile_app.services.chronology.chronology import ChronologyService
from mobile_app.services.planning.note_drafts import AnalysisForm, NoteDraftStore, SupervisionForm
from mobile_app.services.planning.note_lines import notes_overview
from mobile_app.services.planning.notes import NoteRefused, NotesService, months_before
from mobile_app.store import DeviceStore
from mobile_app.store.database import DB_FILENAME
from shared.ids import new_id
from shared.models import AnalysisNote, ChronologyEntry, Meeting, Practitioner
from shared.models.review import SupervisionNote
from shared.vocabulary import EventType, InformationSource, MeetingType, Role, Significance
from tests.mobile_app.conftest import PASSPHRASE
from tests.mobile_app.safeguarding_builders import person, pulled

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
SUPERVISOR = person(Role.SUPERVISOR, "sup-test")
SOCIAL_WORKER = person(Role.SOCIAL_WORKER, "sw-test")
HEALTH_VISITOR = person(Role.HEALTH_VISITOR, "hv-test")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def service(store: DeviceStore, me: Practitioner, clock: Clock | None = None) -> NotesService:
    return NotesService(store, me, clock or Clock())


def entry(child_id: str, day: date) -> ChronologyEntry:
    return ChronologyEntry(
        child_ids=(child_id,),
        event_datetime=datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC),
        source_agency=SOCIAL_WORKER.agency,
        information_source=InformationSource.DIRECT_OBSERVATION,
        author_id=SOCIAL_WORKER.id,
        author_role=Role.SOCIAL_WORKER,
        event_type=EventType.HOME_VISIT,
        summary="Home cold; little food in the kitchen.",
        action_taken="Discussed with mother.",
        significance=Significance.SIGNIFICANT,
    )


def add_entries(store: DeviceStore, ids: dict[str, str], days: list[date]) -> list[str]:
    record_ids = [new_id() for _ in days]
    store.records.merge_pulled(
        [
            pulled(ids["case_id"], rid, entry(ids["child_id"], day), 10 + i)
            for i, (rid, day) in enumerate(zip(record_ids, days, strict=True))
        ]
    )
    return record_ids


def analysis(**changes: str) -> AnalysisForm:
    form = AnalysisForm(
        period_from="2026-08-26",
        period_to="2026-11-26",
        analysis="Cold home and missed feeds recur after each change of carer.",
        patterns="Missed feeds\nCold home",
    )
    return form.model_copy(update=changes)


def stored_payloads(store: DeviceStore) -> list[object]:
    return [store.records.get(v).version.payload for v in store.outbox.peek(100)]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 11, 26), 3, date(2026, 8, 26)),
        (date(2026, 5, 31), 3, date(2026, 2, 28)),
        (date(2028, 5, 31), 3, date(2028, 2, 29)),
        (date(2026, 2, 15), 3, date(2025, 11, 15)),
    ],
    ids=["same-day", "shorter-month", "leap-year", "across-new-year"],
)
def test_months_before_stays_in_the_calendar(day: date, months: int, expected: date) -> None:
    assert months_before(day, months) == expected


def test_a_supervisor_writes_an_analysis_of_the_periods_entries(
    store: DeviceStore, caseload: dict[str, str]
) -> None:
    inside, before = add_entries(store, caseload, [date(2026, 10, 1), date(2026, 6, 1)])
    notes = service(store, SUPERVISOR)
    assert notes.new_analysis(caseload["child_id"]) == AnalysisForm(
        period_from="2026-08-26", period_to="2026-11-26"
    )
    version = notes.write_analysis(caseload["case_id"], caseload["child_id"], analysis())
    note = version.payload
    assert isinstance(note, AnalysisNote)
    assert note.entry_ids == (inside,), "only the entries of the period are analysed"
    assert before not in note.entry_ids
    assert note.patterns == ("Missed feeds", "Cold home")
    assert (note.author_id, note.author_role) == (SUPERVISOR.id, Role.SUPERVISOR)
    assert stored_payloads(store) == [note], "queued for the next sync"
    (line,) = notes.notes_for(caseload["child_id"])
    assert line.kind == "analysis"
    assert line.author == "You"
    assert line.title == "Chronology analysis, 26 Aug 2026 to 26 Nov 2026"


def test_notes_never_appear_in_the_chronology(store: DeviceStore, caseload: dict[str, str]) -> None:
    add_entries(store, caseload, [date(2026, 10, 1)])
    notes = service(store, SUPERVISOR)
    notes.write_analysis(caseload["case_id"], caseload["child_id"], analysis())
    notes.write_supervision(
        caseload["case_id"], caseload["child_id"], SupervisionForm(discussion="Drift reviewed.")
    )
    timeline = ChronologyService(store, SUPERVISOR).for_child(caseload["child_id"])
    assert len(timeline) == 1
    assert {i.summary for i in timeline} == {"Home cold; little food in the kitchen."}


def test_the_next_analysis_starts_where_the_last_one_ended(
    store: DeviceStore, caseload: dict[str, str]
) -> None:
    clock = Clock()
    notes = service(store, SOCIAL_WORKER, clock)
    form = analysis(period_from="2026-09-01", period_to="2026-10-31")
    notes.write_analysis(caseload["case_id"], caseload["child_id"], form)
    clock.now = NOW + timedelta(days=30)
    assert notes.default_period(caseload["child_id"]) == (date(2026, 10, 31), date(2026, 12, 26))


def test_a_supervision_note_keeps_its_agreed_actions_and_notes_list_newest_first(
    store: DeviceStore, caseload: dict[str, str]
) -> None:
    clock = Clock()
    notes = service(store, SUPERVISOR, clock)
    notes.write_analysis(caseload["case_id"], caseload["child_id"], analysis())
    clock.now = NOW + timedelta(hours=2)
    form = SupervisionForm(
        discussion="Plan drifting: two missed core groups.",
        actions=(
            "Arrange a core group ; Sam Okafor ; 2026-12-04\n\nVisit unannounced; Lee; 2026-12-01"
        ),
    )
    version = notes.write_supervision(caseload["case_id"], caseload["child_id"], form)
    note = version.payload
    assert isinstance(note, SupervisionNote)
    assert note.held_at == NOW + timedelta(hours=2)
    assert [(a.action, a.owner, a.due) for a in note.agreed_actions] == [
        ("Arrange a core group", "Sam Okafor", date(2026, 12, 4)),
        ("Visit unannounced", "Lee", date(2026, 12, 1)),
    ]
    lines = notes.notes_for(caseload["child_id"])
    assert [line.kind for line in lines] == ["supervision", "analysis"]
    assert lines[0].details == (
        "Agreed: Arrange a core group (Sam Okafor, by 04 Dec 2026)",
        "Agreed: Visit unannounced (Lee, by 01 Dec 2026)",
    )


@pytest.mark.parametrize(
    ("me", "can_analyse", "can_supervise"),
    [
        (SUPERVISOR, True, True),
        (SOCIAL_WORKER, True, False),
        (HEALTH_VISITOR, False, False),
        (person(Role.PARTNER_CONTRIBUTOR, "school-test"), False, False),
        (person(Role.CP_CHAIR, "chair-test"), False, False),
    ],
    ids=["supervisor", "social-worker", "health-visitor", "partner", "chair"],
)
def test_the_app_offers_only_what_the_server_accepts(
    store: DeviceStore,
    caseload: dict[str, str],
    me: Practitioner,
    can_analyse: bool,
    can_supervise: bool,
) -> None:
    notes = service(store, me)
    assert (notes.can_analyse, notes.can_supervise) == (can_analyse, can_supervise)
    case_id, child_id = caseload["case_id"], caseload["child_id"]
    if not can_analyse:
        with pytest.raises(NoteRefused, match="social worker or a supervisor"):
            notes.write_analysis(case_id, child_id, analysis())
    if not can_supervise:
        with pytest.raises(NoteRefused, match="Only a supervisor"):
            notes.write_supervision(case_id, child_id, SupervisionForm(discussion="Discussed."))
    assert store.outbox.count() == 0, "a refused note is never queued"


SECRET = "Xylophone-Quince"  # typed text that a refusal must never repeat


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (analysis(analysis="  "), "analysis: write what the entries of this period show together"),
        (
            analysis(period_from="2026-11-20", period_to="2026-11-01"),
            "period_to: the period cannot end before it starts",
        ),
        (
            analysis(period_from=SECRET),
            "period_from: write a real date as year-month-day, for example 2026-11-20.",
        ),
        (analysis(period_to="2026-02-30"), "period_to: write a real date as year-month-day"),
        (analysis(period_from=""), "period_from: give a date, year-month-day."),
        (analysis(patterns="x" * 201), "patterns[0]: String should have at most 200 characters"),
    ],
    ids=["blank-analysis", "period-backwards", "not-a-date", "no-such-day", "no-date", "long"],
)
def test_an_analysis_refusal_names_the_field_not_the_text(
    store: DeviceStore, caseload: dict[str, str], form: AnalysisForm, message: str
) -> None:
    with pytest.raises(NoteRefused) as refused:
        service(store, SUPERVISOR).write_analysis(caseload["case_id"], caseload["child_id"], form)
    assert str(refused.value).startswith(message)
    assert SECRET not in str(refused.value)
    assert "x" * 20 not in str(refused.value)
    assert store.outbox.count() == 0


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (SupervisionForm(discussion=" "), "discussion: write what was discussed."),
        (
            SupervisionForm(discussion="Discussed.", actions=f"{SECRET}; Lee"),
            "agreed_actions: write line 1 as what; who; due date (year-month-day).",
        ),
        (
            SupervisionForm(discussion="Discussed.", actions="Visit; Lee; 2026-11-01"),
            "agreed_actions: line 1 is due before today.",
        ),
        (
            SupervisionForm(
                discussion="Discussed.", actions="Visit; Lee; 2026-12-01\n; ; 2027-01-01"
            ),
            "agreed_actions: line 2 needs what is to happen and who does it",
        ),
    ],
    ids=["blank-discussion", "action-not-three-parts", "action-overdue", "action-empty"],
)
def test_a_supervision_refusal_names_the_field(
    store: DeviceStore, caseload: dict[str, str], form: SupervisionForm, message: str
) -> None:
    notes = service(store, SUPERVISOR)
    with pytest.raises(NoteRefused) as refused:
        notes.write_supervision(caseload["case_id"], caseload["child_id"], form)
    assert str(refused.value).startswith(message)
    assert SECRET not in str(refused.value)
    assert store.outbox.count() == 0


def test_a_note_draft_is_sealed_survives_a_lock_and_is_only_its_writers(
    data_dir: Path, fast_kdf: KdfParams
) -> None:
    store = DeviceStore.create(data_dir, PASSPHRASE, fast_kdf)
    child_id = new_id()
    typed = analysis(analysis=f"Draft about {SECRET}")
    NoteDraftStore(store, SUPERVISOR.id).save(child_id, typed)
    store.close()
    assert SECRET.encode() not in (data_dir / DB_FILENAME).read_bytes(), "sealed at rest"

    store = DeviceStore.unlock(data_dir, PASSPHRASE)
    try:
        mine = NoteDraftStore(store, SUPERVISOR.id)
        assert mine.get(child_id, AnalysisForm) == typed
        assert mine.has(child_id, AnalysisForm)
        assert mine.get(child_id, SupervisionForm) is None
        assert NoteDraftStore(store, SOCIAL_WORKER.id).get(child_id, AnalysisForm) is None
        mine.drop(child_id, AnalysisForm)
        assert mine.get(child_id, AnalysisForm) is None
        assert store.drafts.keys() == [], "no visit draft is made by a note"
    finally:
        store.close()


def rcpc(child_id: str, held_at: datetime, kind: MeetingType = MeetingType.RCPC) -> Meeting:
    return Meeting(meeting_type=kind, child_ids=(child_id,), held_at=held_at, chair_id=new_id())


def test_an_analysis_is_due_before_a_planned_rcpc_until_one_is_written(
    store: DeviceStore, caseload: dict[str, str]
) -> None:
    case_id, child_id = caseload["case_id"], caseload["child_id"]
    assert not notes_overview(store, child_id, SUPERVISOR.id, NOW).analysis_due, "none planned"
    store.records.merge_pulled(
        [
            pulled(
                case_id, new_id(), rcpc(child_id, NOW - timedelta(days=90), MeetingType.ICPC), 20
            ),
            pulled(case_id, new_id(), rcpc(child_id, NOW + timedelta(days=10)), 21),
        ]
    )
    before = notes_overview(store, child_id, SUPERVISOR.id, NOW)
    assert before.analysis_due
    assert before.next_rcpc == date(2026, 12, 6)
    assert before.last_analysis_at is None
    service(store, SUPERVISOR).write_analysis(case_id, child_id, analysis())
    after = notes_overview(store, child_id, SUPERVISOR.id, NOW)
    assert not after.analysis_due
    assert after.last_analysis_at is not None
    assert [line.kind for line in after.latest] == ["analysis"]
