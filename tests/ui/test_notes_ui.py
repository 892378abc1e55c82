"""Supervision and analysis notes in the app (issue 6): a supervisor writes both, they show on
the child's screen apart from the facts, a health visitor is not offered them, a refusal names
the field, and a half-written note survives the auto-lock."""

import dataclasses
from datetime import timedelta

import pytest

from mobile_app.services.chronology.rule_records import current_records
from mobile_app.services.planning.note_drafts import note_draft_count
from mobile_app.ui.controller import AppConfig
from shared.ids import new_id
from shared.models import AnalysisNote, Meeting
from shared.models.review import SupervisionNote
from shared.vocabulary import MeetingType
from tests.ui.conftest import Driver, FakeClock, FamilyIds, launch, receive
from tests.ui.fake_server import pulled
from tests.ui.safeguarding_builders import SUPERVISOR, RoleServer
from tests.ui.test_accessibility import problems


async def open_child(app: Driver, ids: FamilyIds) -> None:
    await app.fc.tap(key=f"child.{ids.baby_id}.summary")
    assert app.fc.has("screen.summary")


async def open_notes(app: Driver, ids: FamilyIds) -> None:
    await open_child(app, ids)
    await app.fc.tap(key="summary.notes")
    assert app.fc.has("screen.notes")


def payloads(app: Driver) -> list[object]:
    return [r.payload for r in current_records(app.store)]


async def test_a_health_visitor_is_offered_neither_note(app: Driver, seeded: FamilyIds) -> None:
    await open_notes(app, seeded)
    assert app.fc.has("notes.read_only")
    assert not app.fc.has("notes.new_supervision")
    assert not app.fc.has("notes.new_analysis")
    assert app.fc.has("notes.none")
    assert problems(app.fc) == []


class TestSupervisor:
    @pytest.fixture
    def server(self) -> RoleServer:
        return RoleServer(SUPERVISOR)

    async def test_writes_both_notes_and_they_show_on_the_child_screen(
        self, app: Driver, seeded: FamilyIds
    ) -> None:
        await open_child(app, seeded)
        assert app.fc.value("summary.analysis") == "No chronology analysis on this device yet."
        await app.fc.tap(key="summary.notes")
        assert app.fc.has("notes.apart")

        await app.fc.tap(key="notes.new_supervision")
        await app.fc.enter_text("Plan drifting: two missed core groups.", key="notes.discussion")
        await app.fc.enter_text("Arrange a core group; Sam Okafor; 2099-01-04", key="notes.actions")
        await app.fc.tap(key="notes.save")
        assert app.state.message == "Supervision note saved. It will sync with your records."
        assert problems(app.fc) == []

        await app.fc.tap(key="notes.new_analysis")
        assert app.fc.value("notes.period_to") == app.flows.app.config.clock().date().isoformat()
        await app.fc.enter_text(
            "Cold home recurs after each change of carer.", key="notes.analysis"
        )
        await app.fc.tap(key="notes.save")
        assert app.state.message == "Chronology analysis saved. It will sync with your records."
        assert app.fc.value("notes.note.0").startswith("Chronology analysis, ")
        assert app.fc.value("notes.note.1").startswith("Supervision, ")

        await app.fc.tap(key="notes.back")
        assert app.fc.has("screen.summary")
        assert app.fc.value("summary.analysis").startswith("Last chronology analysis written ")
        assert app.fc.value("summary.note.0").endswith(", by You")
        assert app.fc.value("summary.note.1").startswith("Supervision, ")
        kinds = [type(p) for p in payloads(app) if isinstance(p, AnalysisNote | SupervisionNote)]
        assert sorted(k.__name__ for k in kinds) == ["AnalysisNote", "SupervisionNote"]
        assert app.store.outbox.count() == 2
        # Kept apart from the facts: the chronology does not show either note.
        await app.fc.tap(key="summary.chronology")
        assert not [t for t in app.fc.texts() if "Cold home recurs" in t or "core groups" in t]

    async def test_a_refusal_names_the_field_and_nothing_is_saved(
        self, app: Driver, seeded: FamilyIds
    ) -> None:
        await open_notes(app, seeded)
        await app.fc.tap(key="notes.new_analysis")
        await app.fc.tap(key="notes.save")
        assert app.state.message == (
            "analysis: write what the entries of this period show together"
        )
        await app.fc.enter_text("Recurring.", key="notes.analysis")
        await app.fc.enter_text("26/11/2026", key="notes.period_from")
        await app.fc.tap(key="notes.save")
        assert app.state.message == (
            "period_from: write a real date as year-month-day, for example 2026-11-20."
        )
        assert app.fc.has("notes.save"), "the form stays open with what was typed"
        assert app.store.outbox.count() == 0

    async def test_opening_a_form_saves_nothing_until_something_is_typed(
        self, app: Driver, seeded: FamilyIds
    ) -> None:
        """An untouched form is no unsynced work: it must not block another user's sign-in."""
        await open_notes(app, seeded)
        await app.fc.tap(key="notes.new_analysis")
        assert app.fc.value("notes.period_to") == app.flows.app.config.clock().date().isoformat()
        assert note_draft_count(app.store) == 0
        await app.fc.enter_text("Cold home recurs.", key="notes.analysis")
        assert note_draft_count(app.store) == 1

    async def test_an_analysis_due_before_a_planned_rcpc_is_shown(
        self, app: Driver, seeded: FamilyIds, clock: FakeClock
    ) -> None:
        planned = Meeting(
            meeting_type=MeetingType.RCPC,
            child_ids=(seeded.baby_id,),
            held_at=clock.now + timedelta(days=12),
            chair_id=new_id(),
        )
        await receive(app, [pulled(seeded.case_id, new_id(), planned, 70)])
        await open_child(app, seeded)
        due = app.fc.value("summary.analysis_due")
        assert due == (
            f"An analysis is due before the review conference on {planned.held_at:%a %d %b %Y}."
        )

    async def test_a_half_written_note_survives_the_auto_lock(
        self, seeded: FamilyIds, config: AppConfig, clock: FakeClock
    ) -> None:
        driver = await launch(dataclasses.replace(config, tick_seconds=0.01))
        try:
            await driver.unlock()
            await open_notes(driver, seeded)
            await driver.fc.tap(key="notes.new_analysis")
            await driver.fc.enter_text("Half a thought about the winter.", key="notes.analysis")
            clock.advance(minutes=6)
            await driver.fc.wait_for(lambda: driver.fc.has("screen.unlock"))
            assert driver.state.notes is None, "the lock forgets the screen"

            await driver.unlock()
            assert driver.fc.has("screen.notes"), "unlocking returns to the notes"
            assert driver.fc.one(key="notes.new_analysis").content == "Continue your analysis"
            await driver.fc.tap(key="notes.new_analysis")
            assert driver.fc.value("notes.analysis") == "Half a thought about the winter."
            await driver.fc.tap(key="notes.discard")
            assert driver.fc.one(key="notes.new_analysis").content == "Write a chronology analysis"
        finally:
            driver.flows.app.device.lock()
            driver.fc.close()
