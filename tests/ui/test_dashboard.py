"""The team dashboard on a supervisor's device: figures that open their lists, the paperwork
chart with its words, this device's own stale drafts, and nothing stale when offline."""

import asyncio
import threading
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from mobile_app.services.supervision.dashboard import (
    NEEDS_CONNECTION,
    OUTSIDE_CASELOAD,
    THIS_DEVICE_ONLY,
)
from mobile_app.services.visits.drafts import DraftService
from mobile_app.ui.controller import AppConfig
from shared.ids import new_id
from shared.models import Practitioner
from shared.vocabulary import VisitType
from tests.mobile_app.test_dashboard_service import dashboard_json
from tests.ui import fake_server
from tests.ui.conftest import Driver, FakeClock, FamilyIds, launch
from tests.ui.fake_server import FakeServer
from tests.ui.review_builders import SUPERVISOR, T0
from tests.ui.test_accessibility import problems

OUTSIDER = new_id()  # a child on the team's caseload but not on this device


@pytest.fixture
def supervisor(monkeypatch: pytest.MonkeyPatch) -> Practitioner:
    """The fake server signs this device in as a supervisor."""
    monkeypatch.setattr(fake_server, "PRACTITIONER", SUPERVISOR)
    return SUPERVISOR


@pytest.fixture
async def sup(
    supervisor: Practitioner,
    seeded: FamilyIds,
    config: AppConfig,
    clock: FakeClock,
    server: FakeServer,
) -> AsyncIterator[Driver]:
    """The supervisor's device, unlocked on the caseload; the server has a dashboard."""
    clock.now = T0 + timedelta(days=14)
    server.dashboard = dashboard_json(seeded.baby_id, OUTSIDER, clock.now)
    driver = await launch(config)
    await driver.unlock()
    yield driver
    driver.flows.app.device.lock()
    driver.fc.close()


async def open_dashboard(driver: Driver) -> None:
    await driver.fc.tap(key="caseload.dashboard")
    await driver.fc.wait_for(lambda: driver.fc.has("screen.dashboard"))
    await driver.fc.wait_for(lambda: driver.state.dashboard is not None)
    await driver.fc.settle()


async def test_each_figure_shows_its_count_and_opens_the_list_behind_it(sup: Driver) -> None:
    await open_dashboard(sup)
    fc = sup.fc
    assert fc.one(key="dashboard.visits_overdue").content == "Visits overdue: 2"
    assert fc.one(key="dashboard.escalations_past_due").content.endswith(": 0")
    assert not fc.has("dashboard.visits_overdue.line.0")  # closed until tapped

    await fc.tap(key="dashboard.visits_overdue")
    await fc.settle()
    first = fc.value("dashboard.visits_overdue.line.0")
    second = fc.value("dashboard.visits_overdue.line.1")
    # The device holds this child: named with the family; the other only as outside it.
    assert first == "Poppy Quarmby (Quarmby family, Banbury): Visit overdue."
    assert second == f"{OUTSIDE_CASELOAD}: Visit overdue."
    assert OUTSIDER not in " ".join(fc.texts())
    assert problems(fc) == []

    await fc.tap(key="dashboard.visits_overdue")  # tapped again: the list closes
    await fc.settle()
    assert not fc.has("dashboard.visits_overdue.line.0")


async def test_paperwork_is_drawn_against_the_standard_and_said_in_words(sup: Driver) -> None:
    await open_dashboard(sup)
    fc = sup.fc
    assert fc.has("dashboard.paperwork.chart")
    text = fc.value("dashboard.paperwork.text")
    assert text.startswith("Overall 75% on time against the 80% standard")
    assert "2026-09: 100% on time (meets)" in text
    assert "2026-10: 50% on time (below)" in text
    assert problems(fc) == []

    assert fc.one(key="dashboard.paperwork").content == "Conference paperwork sent on time: 75%"
    await fc.tap(key="dashboard.paperwork")  # the list behind it: the meetings sent late
    await fc.settle()
    outside = "A conference about a child outside this device's caseload"
    assert fc.value("dashboard.paperwork.line.0") == f"Paperwork sent late: {outside}."
    assert fc.value("dashboard.paperwork.line.1") == f"Paperwork sent late: {outside}."


async def test_drafts_older_than_a_day_are_this_devices_own(sup: Driver, seeded: FamilyIds) -> None:
    drafts = DraftService(sup.store)
    old = drafts.start(
        seeded.case_id,
        seeded.sibling_id,
        VisitType.TARGETED,
        now=sup.flows.app.config.clock() - timedelta(days=2),
    )
    await open_dashboard(sup)
    fc = sup.fc
    assert fc.one(key="dashboard.drafts_older_than_a_day").content.endswith(": 1")
    assert fc.value("dashboard.drafts_older_than_a_day.note") == THIS_DEVICE_ONLY
    await fc.tap(key="dashboard.drafts_older_than_a_day")
    await fc.settle()
    line = fc.value("dashboard.drafts_older_than_a_day.line.0")
    assert line.startswith("Alfie Quarmby (Quarmby family, Banbury): Draft started ")
    assert old.draft_id not in line


async def test_offline_it_says_a_connection_is_needed_and_shows_nothing_stale(
    sup: Driver, server: FakeServer
) -> None:
    await open_dashboard(sup)
    assert sup.fc.has("dashboard.visits_overdue")
    server.mode = "down"
    await sup.fc.tap(key="dashboard.refresh")
    await sup.fc.wait_for(lambda: sup.fc.has("dashboard.offline"))
    assert sup.fc.value("dashboard.offline") == NEEDS_CONNECTION
    assert not sup.fc.has("dashboard.visits_overdue")
    assert not sup.fc.has("dashboard.paperwork.chart")


async def test_a_refusal_is_said_in_plain_words(sup: Driver, server: FakeServer) -> None:
    server.dashboard = None
    await sup.fc.tap(key="caseload.dashboard")
    await sup.fc.wait_for(lambda: sup.state.message != "")
    assert sup.state.message == "Only a team supervisor sees the dashboard."
    assert sup.fc.has("screen.caseload")


async def test_the_review_queue_offers_the_dashboard_too(sup: Driver) -> None:
    await sup.fc.tap(key="caseload.review")
    assert sup.fc.has("screen.review")
    await sup.fc.tap(key="review.dashboard")
    await sup.fc.wait_for(lambda: sup.fc.has("dashboard.visits_overdue"))


async def test_locking_forgets_the_dashboard(sup: Driver) -> None:
    await open_dashboard(sup)
    await sup.fc.tap(key="nav.lock")
    assert sup.state.dashboard is None
    assert sup.fc.has("screen.unlock")


async def test_an_answer_arriving_after_the_app_locked_is_not_shown(
    sup: Driver, server: FakeServer
) -> None:
    server.dashboard_gate = threading.Event()
    fetching = asyncio.create_task(sup.fc.tap(key="caseload.dashboard"))
    await sup.fc.wait_for(lambda: sup.state.busy != "")
    sup.flows.app.lock()
    said = sup.state.message
    server.dashboard_gate.set()
    await asyncio.wait_for(fetching, 5)
    assert sup.state.dashboard is None
    assert sup.state.message == said  # not a complaint about the locked store either
    assert sup.fc.has("screen.unlock")


async def test_a_practitioner_who_supervises_no_one_has_no_dashboard_button(app: Driver) -> None:
    assert app.fc.has("screen.caseload")
    assert not app.fc.has("caseload.dashboard")
