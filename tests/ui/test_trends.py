"""A child's trends: the safety scale and the checklist concerns, drawn and said in words."""

from collections.abc import AsyncIterator
from datetime import timedelta

import flet_charts as fch
import pytest

from mobile_app.services.chronology.trends import child_trends
from mobile_app.services.records import RecordService
from mobile_app.ui.controller import AppConfig
from shared.models import Visit
from shared.vocabulary import Lifecycle
from tests.ui import fake_server
from tests.ui.conftest import Driver, FakeClock, FamilyIds, launch, receive
from tests.ui.review_builders import SUPERVISOR, T0, checklist, rated_visit, team_records
from tests.ui.test_accessibility import problems


@pytest.fixture
async def rated(app: Driver, seeded: FamilyIds) -> FamilyIds:
    """Three visits to the baby with ratings, and two checklists; one visit to the sibling."""
    c, baby = seeded.case_id, seeded.baby_id
    await receive(
        app,
        [
            rated_visit(baby, 15, 400, c, practitioner=4),
            rated_visit(baby, 1, 401, c, practitioner=6, mother=8),
            rated_visit(baby, 8, 402, c, practitioner=5, mother=8),
            rated_visit(seeded.sibling_id, 9, 403, c, practitioner=2),
            checklist(baby, 1, 404, c, some=1, significant=0),
            checklist(baby, 15, 405, c, some=1, significant=2),
        ],
    )
    return seeded


async def test_safety_scale_is_drawn_per_rater_oldest_first(app: Driver, rated: FamilyIds) -> None:
    fc = app.fc
    await fc.tap(key=f"child.{rated.baby_id}.trends")
    assert fc.has("screen.trends")
    chart = fc.one(key="trends.scale.chart")
    assert isinstance(chart, fch.LineChart)
    lines = [[(p.x, p.y) for p in series.points] for series in chart.data_series]
    assert lines == [[(0, 6), (1, 5), (2, 4)], [(0, 8), (1, 8)]]  # the sibling's 2 is not here
    assert (chart.min_y, chart.max_y) == (0, 10)
    assert fc.value("trends.scale.practitioner") == (
        "Practitioner: 6 on 01 Oct, 5 on 08 Oct, 4 on 15 Oct. Down 1 since the previous rating."
    )
    assert fc.value("trends.scale.mother") == (
        "Mother: 8 on 01 Oct, 8 on 08 Oct. No change since the previous rating."
    )


async def test_checklist_concerns_are_drawn_per_visit(app: Driver, rated: FamilyIds) -> None:
    fc = app.fc
    await fc.tap(key=f"child.{rated.baby_id}.trends")
    assert problems(fc) == []  # both charts and their words on screen
    chart = fc.one(key="trends.concerns.chart")
    assert isinstance(chart, fch.BarChart)
    assert [[rod.to_y for rod in group.rods] for group in chart.groups] == [[1], [3]]
    assert fc.value("trends.concerns.text") == (
        "01 Oct: 1 concern (0 significant); 15 Oct: 3 concerns (2 significant)"
    )


async def test_a_child_with_nothing_rated_says_so(app: Driver, seeded: FamilyIds) -> None:
    fc = app.fc
    await fc.tap(key=f"child.{seeded.sibling_id}.trends")
    assert fc.value("trends.scale.empty") == "No safety scale recorded yet."
    assert fc.value("trends.concerns.empty") == "No checklist completed yet."
    assert not fc.find(type_=fch.LineChart)
    await fc.tap(key="nav.caseload")
    assert fc.has("screen.caseload")


def test_a_withdrawn_visit_leaves_the_trend(app: Driver, rated: FamilyIds) -> None:
    records = RecordService(app.store)
    baby_visits = [
        (s.version.payload.start, s.version.record_id, s.version.payload)
        for s in records.current("visit")
        if isinstance(s.version.payload, Visit) and rated.baby_id in s.version.payload.child_ids
    ]
    _, record_id, payload = min(baby_visits)
    records.amend(record_id, payload, reason="Wrong child.", lifecycle=Lifecycle.ENTERED_IN_ERROR)
    trend = child_trends(app.store, rated.baby_id)
    assert [p.value for p in trend.series("practitioner")] == [5, 4]


@pytest.fixture
def signs_in_as_supervisor(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake server signs the device in as a supervisor (before `seeded` signs in)."""
    monkeypatch.setattr(fake_server, "PRACTITIONER", SUPERVISOR)


@pytest.fixture
async def supervisor_app(
    signs_in_as_supervisor: None, seeded: FamilyIds, config: AppConfig, clock: FakeClock
) -> AsyncIterator[Driver]:
    clock.now = T0 + timedelta(days=14)
    driver = await launch(config)
    await driver.unlock()
    yield driver
    driver.flows.app.device.lock()
    driver.fc.close()


async def test_a_supervisor_opens_trends_from_the_queue_and_comes_back(
    supervisor_app: Driver, seeded: FamilyIds
) -> None:
    sup, c = supervisor_app, seeded.case_id
    team = team_records(c, seeded.baby_id)
    await receive(sup, [*team.versions, rated_visit(seeded.baby_id, 2, 410, c, practitioner=3)])
    await sup.fc.tap(key="caseload.review")
    await sup.fc.tap(key=f"review.{team.entry_version}.open")  # trends sit on the record
    await sup.fc.tap(key=f"review.detail.trends.{seeded.baby_id}")
    assert sup.fc.value("trends.child").startswith("Poppy Quarmby")
    assert sup.fc.value("trends.scale.practitioner") == "Practitioner: 3 on 02 Oct."
    await sup.fc.tap(key="nav.review")
    assert sup.fc.has(f"review.item.{team.entry_version}")
