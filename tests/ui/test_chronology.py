"""A child's chronology on this device: newest first, filtered by agency and significance."""

from tests.ui.conftest import Driver, FamilyIds, finalise_one


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
