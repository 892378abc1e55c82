"""Alerts on the caseload and child screens: each child's count and most urgent alert, the
full list before the visit, and a health visitor sees a decision prompt but cannot decide."""

import pytest

from shared.ids import new_id
from tests.ui.conftest import Driver, FakeClock, FamilyIds, receive
from tests.ui.safeguarding_builders import INJURY_SEEN, TODAY, arrived, injury
from tests.ui.test_accessibility import problems


@pytest.fixture
def clock() -> FakeClock:
    pinned = FakeClock()
    pinned.now = TODAY
    return pinned


async def test_caseload_shows_each_childs_alert_count_and_most_urgent(
    app: Driver, seeded: FamilyIds
) -> None:
    entry_id = new_id()
    await receive(app, [arrived(seeded.case_id, entry_id, injury(seeded.baby_id), 30, INJURY_SEEN)])
    shown = app.fc.value(f"child.{seeded.baby_id}.alerts")
    row = app.state.overview.child(seeded.baby_id) if app.state.overview else None
    assert row is not None
    assert shown.startswith(f"{len(row.alerts.alerts)} alerts. ")
    assert row.alerts.most_urgent is not None
    assert shown.endswith(row.alerts.most_urgent.message)
    # the injury's decision prompt is among them, due today (one working day after it)
    (a6,) = [a for a in row.alerts.alerts if entry_id in a.record_ids]
    assert a6.code == "A6"
    assert a6.due == TODAY.date()
    # The sibling is not on a plan: an injury to Poppy raises no decision prompt for him.
    sibling = app.state.overview.child(seeded.sibling_id) if app.state.overview else None
    assert sibling is not None
    assert "A6" not in {a.code for a in sibling.alerts.alerts}
    assert problems(app.fc) == []


async def test_child_screen_lists_alerts_and_a_health_visitor_sees_the_prompt_read_only(
    app: Driver, seeded: FamilyIds
) -> None:
    entry_id = new_id()
    await receive(app, [arrived(seeded.case_id, entry_id, injury(seeded.baby_id), 30, INJURY_SEEN)])
    await app.fc.tap(key=f"child.{seeded.baby_id}.summary")
    shown = [t for t in app.fc.texts() if "decision is needed on the injury entry" in t]
    assert shown
    assert shown[0].startswith("Due: ")
    assert app.fc.has("summary.alert.0")
    await app.fc.tap(key="summary.decisions")
    assert app.fc.has("screen.decision")
    assert app.fc.has("decision.0.read_only")
    assert not app.fc.has("decision.0.no_action")
    assert not app.fc.has("decision.0.rationale")
    await app.fc.tap(key="nav.caseload")
    assert app.fc.has("screen.caseload")
