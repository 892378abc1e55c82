"""Professionals-only meetings (Child Q finding 5): a reason from the fixed list and the
chair's approval are required (V5); only a social worker or a conference chair records one."""

from datetime import UTC, datetime

import pytest

from mobile_app.services.chronology.rule_records import current_records
from mobile_app.services.planning.meetings import MeetingForm, MeetingRefused, MeetingService
from mobile_app.services.visits.form_drafts import (
    KEPT_NOTICE,
    FormDraftStore,
    MeetingDraft,
    form_draft_count,
)
from shared.ids import new_id
from shared.models import Meeting
from shared.vocabulary import MeetingType, ProfessionalsOnlyReason, Role
from tests.ui.conftest import Driver, FamilyIds, receive
from tests.ui.fake_server import PRACTITIONER, pulled
from tests.ui.kept_forms import lock_in_background_and_unlock, on_disk
from tests.ui.safeguarding_builders import SOCIAL_WORKER, RoleServer, practitioner
from tests.ui.test_accessibility import problems

CHAIR = practitioner(Role.CP_CHAIR, "chair-test")
POLICE = ProfessionalsOnlyReason.POLICE_INVESTIGATION.value


def meetings(app: Driver) -> list[Meeting]:
    return [r.payload for r in current_records(app.store) if isinstance(r.payload, Meeting)]


async def open_form(app: Driver, ids: FamilyIds) -> None:
    await app.fc.tap(key=f"child.{ids.baby_id}.summary")
    await app.fc.tap(key="summary.meeting")
    assert app.fc.has("screen.meeting")


async def test_a_health_visitor_cannot_record_one(app: Driver, seeded: FamilyIds) -> None:
    await open_form(app, seeded)
    assert app.fc.has("meeting.read_only")
    assert not app.fc.has("meeting.save")
    with pytest.raises(MeetingRefused, match="social worker or a conference chair"):
        MeetingService(app.store, PRACTITIONER).record(
            seeded.case_id, (seeded.baby_id,), MeetingForm(reason_code=POLICE)
        )
    assert problems(app.fc) == []


class TestSocialWorker:
    @pytest.fixture
    def server(self) -> RoleServer:
        return RoleServer(SOCIAL_WORKER)

    async def test_v5_asks_for_the_reason_then_the_chairs_approval(
        self, app: Driver, seeded: FamilyIds
    ) -> None:
        await open_form(app, seeded)
        assert app.fc.has("meeting.no_chair")
        await app.fc.tap(key="meeting.save")
        assert app.state.message == "reason_code: say why the family cannot be at this meeting"
        await app.fc.choose(POLICE, key="meeting.reason_code")
        await app.fc.tap(key="meeting.save")
        assert app.state.message == (
            "chair_approved_by: a professionals-only meeting needs the chair's approval"
        )
        assert meetings(app) == []
        assert app.store.outbox.count() == 0
        assert problems(app.fc) == []

    async def test_a_chair_known_to_the_case_approves(self, app: Driver, seeded: FamilyIds) -> None:
        conference = Meeting(
            meeting_type=MeetingType.ICPC,
            child_ids=(seeded.baby_id,),
            held_at=datetime(2026, 9, 1, 10, 0, tzinfo=UTC),
            chair_id=CHAIR.id,
        )
        # a core group chaired by a social worker: not a chair who approves
        core_group = Meeting(
            meeting_type=MeetingType.CORE_GROUP,
            child_ids=(seeded.baby_id,),
            held_at=datetime(2026, 10, 20, 10, 0, tzinfo=UTC),
            chair_id=new_id(),
        )
        await receive(
            app,
            [
                pulled(seeded.case_id, new_id(), conference, 60),
                pulled(seeded.case_id, new_id(), core_group, 61),
            ],
        )
        await open_form(app, seeded)
        assert not app.fc.has("meeting.no_chair")
        screen = app.state.meeting
        assert screen is not None
        assert [c.chair_id for c in screen.chairs] == [CHAIR.id]
        await app.fc.choose(POLICE, key="meeting.reason_code")
        await app.fc.choose(CHAIR.id, key="meeting.chair_approved_by")
        await app.fc.enter_text(
            "Share the police timeline.\nVisit jointly.", key="meeting.decisions"
        )
        await app.fc.tap(key="meeting.save")
        assert app.state.message == "Meeting recorded. It will sync with your records."
        (held,) = [m for m in meetings(app) if m.meeting_type == MeetingType.PROFESSIONALS_ONLY]
        assert held.reason_code == ProfessionalsOnlyReason.POLICE_INVESTIGATION
        assert held.chair_approved_by == CHAIR.id
        assert held.decisions == ("Share the police timeline.", "Visit jointly.")
        assert app.store.outbox.count() == 1

    async def test_a_chair_not_known_to_the_case_is_refused(
        self, app: Driver, seeded: FamilyIds
    ) -> None:
        service = MeetingService(app.store, SOCIAL_WORKER)
        with pytest.raises(MeetingRefused, match="chair_approved_by: pick a chair"):
            service.record(
                seeded.case_id,
                (seeded.baby_id,),
                MeetingForm(reason_code=POLICE, chair_approved_by=new_id()),
            )


class TestChair:
    @pytest.fixture
    def server(self) -> RoleServer:
        return RoleServer(CHAIR)

    async def test_the_chair_approves_their_own_meeting(
        self, app: Driver, seeded: FamilyIds
    ) -> None:
        await open_form(app, seeded)
        await app.fc.choose(ProfessionalsOnlyReason.DRIFT_REVIEW.value, key="meeting.reason_code")
        await app.fc.choose(CHAIR.id, key="meeting.chair_approved_by")
        await app.fc.tap(key="meeting.save")
        (held,) = meetings(app)
        assert held.chair_approved_by == CHAIR.id
        assert held.reason_code == ProfessionalsOnlyReason.DRIFT_REVIEW

    async def test_a_meeting_being_written_survives_the_lock_until_recorded(
        self, app: Driver, seeded: FamilyIds
    ) -> None:
        await open_form(app, seeded)
        drift = ProfessionalsOnlyReason.DRIFT_REVIEW.value
        await app.fc.choose(drift, key="meeting.reason_code")
        await app.fc.choose(CHAIR.id, key="meeting.chair_approved_by")
        await app.fc.enter_text(DECISIONS, key="meeting.decisions")
        await app.fc.enter_text(RATIONALE, key="meeting.rationale")
        await lock_in_background_and_unlock(app)
        assert RATIONALE.encode() not in on_disk(app)

        await open_form(app, seeded)
        assert app.fc.value("meeting.kept") == KEPT_NOTICE
        assert app.fc.value("meeting.reason_code") == drift
        assert app.fc.value("meeting.chair_approved_by") == CHAIR.id
        assert app.fc.value("meeting.decisions") == DECISIONS
        assert app.fc.value("meeting.rationale") == RATIONALE
        await app.fc.tap(key="meeting.save")
        assert app.state.message == "Meeting recorded. It will sync with your records."
        (held,) = meetings(app)
        assert held.decisions == ("Ask the police for their timeline.", "Meet again in a week.")
        assert form_draft_count(app.store) == 0
        await open_form(app, seeded)
        assert not app.fc.has("meeting.kept")
        assert app.fc.value("meeting.rationale") == ""


DECISIONS = "Ask the police for their timeline.\nMeet again in a week."
RATIONALE = "The father is under investigation for the injury."


class TestSocialWorkerDrafts:
    @pytest.fixture
    def server(self) -> RoleServer:
        return RoleServer(SOCIAL_WORKER)

    async def test_a_kept_meeting_can_be_discarded(self, app: Driver, seeded: FamilyIds) -> None:
        await open_form(app, seeded)
        await app.fc.enter_text(RATIONALE, key="meeting.rationale")
        await lock_in_background_and_unlock(app)
        await open_form(app, seeded)
        assert app.fc.value("meeting.rationale") == RATIONALE
        await app.fc.tap(key="meeting.discard")
        assert app.state.message == "Meeting discarded."
        assert form_draft_count(app.store) == 0
        await open_form(app, seeded)
        assert app.fc.value("meeting.rationale") == ""
        assert meetings(app) == []

    async def test_another_practitioners_meeting_is_not_shown(
        self, app: Driver, seeded: FamilyIds
    ) -> None:
        other = MeetingDraft(reason_code=POLICE, rationale="Someone else's rationale.")
        FormDraftStore(app.store, new_id()).save("meeting", seeded.baby_id, other)
        await open_form(app, seeded)
        assert not app.fc.has("meeting.kept")
        assert app.fc.value("meeting.rationale") == ""
        assert app.fc.value("meeting.reason_code") == ""
