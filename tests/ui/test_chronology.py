"""A child's chronology on this device: newest first, filtered, with same-event suggestions."""

from datetime import UTC, datetime

from shared.ids import new_id
from shared.models import ChronologyEntry
from shared.vocabulary import (
    Agency,
    EventType,
    InformationSource,
    NeglectType,
    Role,
    Significance,
)
from tests.ui.conftest import Driver, FakeClock, FamilyIds, finalise_one, receive
from tests.ui.fake_server import pulled
from tests.ui.test_accessibility import problems


def summaries(app: Driver) -> list[str]:
    assert app.state.chronology is not None
    return [item.summary for item in app.state.chronology.items]


async def test_entries_for_the_child_newest_first(app: Driver, seeded: FamilyIds) -> None:
    await app.fc.tap(key=f"child.{seeded.baby_id}.chronology")
    assert app.fc.has("screen.chronology")
    assert summaries(app) == ["Weighed; gaining.", "Police called at night.", "Home cold; no food."]
    assert app.fc.value("chron.count") == "3 entries, newest first"
    for summary in summaries(app):
        assert app.fc.find(text=summary)  # each one is on screen
    assert not app.fc.find(text="Late to school.")  # the sibling's entry is not Poppy's


async def test_filter_by_agency_then_by_significance(app: Driver, seeded: FamilyIds) -> None:
    fc = app.fc
    await fc.tap(key=f"child.{seeded.baby_id}.chronology")
    options = [o.key for o in fc.one(key="chron.agency").options]
    assert options == ["all", "CSC", "health_visiting", "police"]
    await fc.choose("police", key="chron.agency")
    assert summaries(app) == ["Police called at night."]
    await fc.choose("all", key="chron.agency")
    await fc.choose("significant", key="chron.significance")
    assert summaries(app) == ["Home cold; no food."]
    await fc.choose("police", key="chron.agency")
    assert summaries(app) == []
    assert fc.value("chron.empty") == "No entries match on this device."
    await fc.choose("all", key="chron.significance")
    await fc.choose("all", key="chron.agency")
    assert len(summaries(app)) == 3


async def test_a_visit_finalised_here_joins_the_timeline_unsynced(
    app: Driver, seeded: FamilyIds
) -> None:
    finalise_one(app, seeded)
    await app.fc.tap(key=f"child.{seeded.baby_id}.chronology")
    assert app.state.chronology is not None
    newest = app.state.chronology.items[0]
    assert newest.summary.startswith("Home visit: Targeted visit.")
    assert app.fc.value(f"chron.entry.{newest.record_id}").endswith("Home visit (not synced yet)")
    await app.fc.choose("health_visiting", key="chron.agency")
    assert summaries(app)[0] == newest.summary  # the practitioner's own agency


def baby_entry(
    ids: FamilyIds,
    agency: Agency,
    day: int,
    text: str,
    event_type: EventType = EventType.HOME_VISIT,
    neglect: tuple[NeglectType, ...] = (),
) -> ChronologyEntry:
    """Another agency's entry about the baby."""
    return ChronologyEntry(
        child_ids=(ids.baby_id,),
        event_datetime=datetime(2026, 10, day, 11, 0, tzinfo=UTC),
        source_agency=agency,
        information_source=InformationSource.PROFESSIONAL_REPORT,
        author_id=new_id(),
        author_role=Role.PARTNER_CONTRIBUTOR,
        event_type=event_type,
        summary=text,
        no_action_reason="Shared with social care.",
        significance=Significance.SIGNIFICANT,
        neglect_types=neglect,
    )


def record_of(app: Driver, summary: str) -> str:
    assert app.state.chronology is not None
    [item] = [i for i in app.state.chronology.items if i.summary == summary]
    return item.record_id


async def test_two_agencies_same_day_and_type_are_suggested_until_linked(
    app: Driver, seeded: FamilyIds
) -> None:
    fc = app.fc
    police = baby_entry(seeded, Agency.POLICE, 1, "Officers found the home cold.")
    await receive(app, [pulled(seeded.case_id, new_id(), police, 30, agency=Agency.POLICE)])
    await fc.tap(key=f"child.{seeded.baby_id}.chronology")
    first, second = sorted(
        [record_of(app, "Home cold; no food."), record_of(app, "Officers found the home cold.")]
    )
    key = f"chron.suggest.{first}.{second}"
    assert fc.has("chron.suggestions")
    assert fc.value(key).startswith("Home visit on 01 Oct 2026: ")
    assert "Police entry of 01 Oct" in fc.value(key)
    assert problems(fc) == []

    await fc.tap(key=f"{key}.link")

    assert not fc.has(key)
    assert not fc.has("chron.suggestions")
    assert fc.value("message").startswith("Linked as the same event.")
    linked = fc.value(f"chron.entry.{first}.same_event")
    assert linked.startswith("Same event as: ")
    assert "01 Oct" in linked
    [queued] = app.store.outbox.peek(10)
    assert app.store.records.get(queued).version.record_type == "same_event_link"
    assert problems(fc) == []


async def test_no_suggestion_for_different_days(app: Driver, seeded: FamilyIds) -> None:
    await app.fc.tap(key=f"child.{seeded.baby_id}.chronology")
    assert app.state.chronology is not None
    assert app.state.chronology.suggestions == []
    assert not app.fc.has("chron.suggestions")


async def test_filter_by_period_neglect_type_and_event_type(
    app: Driver, seeded: FamilyIds, clock: FakeClock
) -> None:
    fc = app.fc
    clock.now = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)  # back: never idle
    injury = baby_entry(
        seeded,
        Agency.ACUTE,
        19,
        "Bruise seen at A&E.",
        event_type=EventType.INJURY,
        neglect=(NeglectType.SUPERVISORY,),
    )
    await receive(app, [pulled(seeded.case_id, new_id(), injury, 31, agency=Agency.ACUTE)])
    await fc.tap(key=f"child.{seeded.baby_id}.chronology")
    options = [o.key for o in fc.one(key="chron.event_type").options]
    assert options == ["all", "home_visit", "injury"]

    await fc.choose("injury", key="chron.event_type")
    assert summaries(app) == ["Bruise seen at A&E."]
    await fc.choose("all", key="chron.event_type")
    await fc.choose("supervisory", key="chron.neglect_type")
    assert summaries(app) == ["Bruise seen at A&E."]
    await fc.choose("nutritional", key="chron.neglect_type")
    assert summaries(app) == []
    await fc.choose("all", key="chron.neglect_type")
    await fc.choose("30d", key="chron.period")
    assert summaries(app) == ["Bruise seen at A&E.", "Weighed; gaining."]
    await fc.choose("3m", key="chron.period")
    assert len(summaries(app)) == 4
    await fc.choose("all", key="chron.period")
    assert len(summaries(app)) == 4


async def test_entries_on_one_instant_keep_a_stable_order(app: Driver, seeded: FamilyIds) -> None:
    """Ties on event time come out in one order whatever order they arrived in: the server's
    (record id order), read backwards like the rest of the newest-first list."""
    twins = [baby_entry(seeded, Agency.POLICE, 3, f"Tie {n}.") for n in range(3)]
    record_ids = sorted(new_id() for _ in twins)
    mixed = [record_ids[1], record_ids[2], record_ids[0]]  # neither ascending nor descending
    arrived = [
        pulled(seeded.case_id, rid, entry, 40 + n, agency=Agency.POLICE)
        for n, (rid, entry) in enumerate(zip(mixed, twins, strict=True))
    ]
    await receive(app, arrived)
    await app.fc.tap(key=f"child.{seeded.baby_id}.chronology")
    assert app.state.chronology is not None
    ties = [i.record_id for i in app.state.chronology.items if i.summary.startswith("Tie")]
    assert ties == record_ids[::-1]


async def test_the_whole_family_shows_each_entry_once(app: Driver, seeded: FamilyIds) -> None:
    fc = app.fc
    both = baby_entry(seeded, Agency.HOUSING, 12, "Eviction notice served.")
    both = both.model_copy(update={"child_ids": (seeded.baby_id, seeded.sibling_id)})
    await receive(app, [pulled(seeded.case_id, new_id(), both, 32, agency=Agency.HOUSING)])
    await fc.tap(key=f"child.{seeded.baby_id}.chronology")
    assert "Late to school." not in summaries(app)
    assert fc.value("chron.scope.title") == "Poppy Quarmby's entries"

    await fc.tap(key="chron.scope")

    assert fc.value("chron.scope.title") == "The family's entries"
    assert summaries(app) == [
        "Weighed; gaining.",
        "Eviction notice served.",
        "Late to school.",
        "Police called at night.",
        "Home cold; no food.",
    ]
    shared_entry = record_of(app, "Eviction notice served.")
    assert fc.value(f"chron.entry.{shared_entry}.about") == "About: Poppy Quarmby, Alfie Quarmby."
    assert [o.key for o in fc.one(key="chron.agency").options] == [
        "all",
        "CSC",
        "health_visiting",
        "housing",
        "police",
        "school",
    ]
    await fc.choose("school", key="chron.agency")
    assert summaries(app) == ["Late to school."]
    await fc.tap(key="chron.scope")
    assert fc.value("chron.agency") == "all"  # Poppy has no school entries to filter by
    assert len(summaries(app)) == 4
    assert problems(fc) == []
