"""The decision prompt (Child Q finding 2) on a social worker's and a supervisor's device:
options with a strategy discussion first, a rationale required, "no action" pending until a
different supervisor countersigns."""

from datetime import timedelta

import pytest

from mobile_app.services.chronology.rule_records import current_records
from mobile_app.services.visits.form_drafts import (
    KEPT_NOTICE,
    DecisionDraft,
    FormDraftStore,
    form_draft_count,
)
from shared.ids import new_id
from shared.models import DecisionRecord
from shared.models.review import ReviewDecision
from shared.rules import DecisionOption
from tests.ui.conftest import Driver, FakeClock, FamilyIds, receive
from tests.ui.kept_forms import lock_in_background_and_unlock, on_disk
from tests.ui.safeguarding_builders import (
    INJURY_SEEN,
    SOCIAL_WORKER,
    SUPERVISOR,
    TODAY,
    RoleServer,
    arrived,
    injury,
)
from tests.ui.test_accessibility import problems


@pytest.fixture
def clock() -> FakeClock:
    pinned = FakeClock()
    pinned.now = TODAY
    return pinned


@pytest.fixture
def server() -> RoleServer:
    """Signed in as a social worker."""
    return RoleServer(SOCIAL_WORKER)


async def open_decisions(app: Driver, seeded: FamilyIds) -> str:
    entry_id = new_id()
    await receive(app, [arrived(seeded.case_id, entry_id, injury(seeded.baby_id), 30, INJURY_SEEN)])
    await app.fc.tap(key=f"child.{seeded.baby_id}.summary")
    await app.fc.tap(key="summary.decisions")
    assert app.fc.has("screen.decision")
    return entry_id


def decisions(app: Driver) -> list[DecisionRecord]:
    return [r.payload for r in current_records(app.store) if isinstance(r.payload, DecisionRecord)]


async def test_options_start_with_a_strategy_discussion(app: Driver, seeded: FamilyIds) -> None:
    await open_decisions(app, seeded)
    view = app.state.decision
    assert view is not None
    injury_prompt = next(i for i, p in enumerate(view.prompts) if p.event_type == "injury")
    first = app.fc.one(key=f"decision.{injury_prompt}.request_strategy_discussion")
    assert first.content == "Request a strategy discussion"
    assert app.fc.has(f"decision.{injury_prompt}.no_action")
    assert problems(app.fc) == []


async def test_a_decision_needs_a_rationale_and_names_the_field(
    app: Driver, seeded: FamilyIds
) -> None:
    await open_decisions(app, seeded)
    await app.fc.tap(key="decision.0.refer_to_csc")
    assert app.state.message.startswith("rationale: ")
    assert decisions(app) == []


async def test_no_action_is_saved_and_stays_pending_countersignature(
    app: Driver, seeded: FamilyIds
) -> None:
    entry_id = await open_decisions(app, seeded)
    view = app.state.decision
    assert view is not None
    i = next(n for n, p in enumerate(view.prompts) if p.trigger_entry_id == entry_id)
    await app.fc.enter_text("Explanation fits the medical view.", key=f"decision.{i}.rationale")
    await app.fc.tap(key=f"decision.{i}.no_action")
    assert app.state.message == "Decision saved. It will sync with your records."
    (saved,) = decisions(app)
    assert saved.decision == DecisionOption.NO_ACTION
    assert saved.decided_by == SOCIAL_WORKER.id
    assert DecisionOption.REQUEST_STRATEGY_DISCUSSION in saved.options_considered
    assert app.fc.has(f"decision.{i}.pending_countersignature")
    assert app.store.outbox.count() == 1
    assert problems(app.fc) == []
    # a social worker cannot countersign: no countersigning list on their screen
    assert not app.fc.has("decision.waiting.0.countersign")


class TestSupervisor:
    @pytest.fixture
    def server(self) -> RoleServer:
        """Signed in as a supervisor."""
        return RoleServer(SUPERVISOR)

    async def test_countersigning_no_action_closes_the_prompt(
        self, app: Driver, seeded: FamilyIds
    ) -> None:
        entry_id, decision_id = new_id(), new_id()
        decided = DecisionRecord(
            trigger_entry_id=entry_id,
            child_ids=(seeded.baby_id,),
            question="What should happen after the injury?",
            options_considered=(
                DecisionOption.REQUEST_STRATEGY_DISCUSSION,
                DecisionOption.NO_ACTION,
            ),
            decision=DecisionOption.NO_ACTION,
            rationale="Explanation fits the medical view.",
            decided_by=SOCIAL_WORKER.id,
            decided_at=INJURY_SEEN + timedelta(hours=2),
        )
        await receive(
            app,
            [
                arrived(seeded.case_id, entry_id, injury(seeded.baby_id), 30, INJURY_SEEN),
                arrived(seeded.case_id, decision_id, decided, 31, INJURY_SEEN + timedelta(hours=2)),
            ],
        )
        await app.fc.tap(key=f"child.{seeded.baby_id}.summary")
        await app.fc.tap(key="summary.decisions")
        view = app.state.decision
        assert view is not None
        i = next(n for n, p in enumerate(view.prompts) if p.trigger_entry_id == entry_id)
        assert app.fc.has(f"decision.{i}.pending_countersignature")
        await app.fc.tap(key="decision.waiting.0.countersign")
        assert app.state.message == "Countersigned. It will sync with your records."
        (signed,) = [
            r.payload for r in current_records(app.store) if isinstance(r.payload, ReviewDecision)
        ]
        assert signed.reviewer_id == SUPERVISOR.id
        assert signed.reviewed_record_id == decision_id
        assert decisions(app)[0].countersigned_by is None  # the decider's record is untouched
        after = app.state.decision
        assert after is not None
        assert entry_id not in {p.trigger_entry_id for p in after.prompts}
        assert not app.fc.has("decision.waiting.0.countersign")


async def test_locking_forgets_the_decision_screen(app: Driver, seeded: FamilyIds) -> None:
    await open_decisions(app, seeded)
    assert app.state.decision is not None
    app.flows.app.lock()
    await app.fc.settle()
    assert app.state.decision is None
    assert app.fc.has("screen.unlock")


RATIONALE = "Bruise on the cheek of a baby who does not crawl: a strategy discussion is needed."


async def reopen_decisions(app: Driver, seeded: FamilyIds) -> None:
    await app.fc.tap(key=f"child.{seeded.baby_id}.summary")
    await app.fc.tap(key="summary.decisions")
    assert app.fc.has("screen.decision")


async def test_a_rationale_being_written_survives_the_lock_until_the_decision_is_saved(
    app: Driver, seeded: FamilyIds
) -> None:
    entry_id = await open_decisions(app, seeded)
    view = app.state.decision
    assert view is not None
    i = next(n for n, p in enumerate(view.prompts) if p.trigger_entry_id == entry_id)
    await app.fc.enter_text(RATIONALE, key=f"decision.{i}.rationale")
    assert not app.fc.has("decision.kept")
    assert form_draft_count(app.store) == 1
    await lock_in_background_and_unlock(app)
    assert RATIONALE.encode() not in on_disk(app)
    assert b"strategy discussion is needed" not in on_disk(app)

    await reopen_decisions(app, seeded)
    assert app.fc.value(f"decision.{i}.rationale") == RATIONALE
    assert app.fc.value("decision.kept") == KEPT_NOTICE
    await app.fc.tap(key=f"decision.{i}.request_strategy_discussion")
    assert app.state.message == "Decision saved. It will sync with your records."
    (saved,) = decisions(app)
    assert saved.rationale == RATIONALE
    assert form_draft_count(app.store) == 0


async def test_each_decision_takes_its_own_rationale(app: Driver, seeded: FamilyIds) -> None:
    """Regression: one rationale box served every decision on the screen."""
    await open_decisions(app, seeded)
    view = app.state.decision
    assert view is not None
    open_prompts = [n for n, p in enumerate(view.prompts) if not p.awaiting_countersignature]
    for n in open_prompts:
        await app.fc.enter_text(f"Reason {n}.", key=f"decision.{n}.rationale")
    assert {app.fc.value(f"decision.{n}.rationale") for n in open_prompts} == {
        f"Reason {n}." for n in open_prompts
    }
    first = open_prompts[0]
    await app.fc.tap(key=f"decision.{first}.request_strategy_discussion")
    (saved,) = decisions(app)
    assert saved.rationale == f"Reason {first}."


async def test_another_practitioners_rationale_is_not_shown(app: Driver, seeded: FamilyIds) -> None:
    FormDraftStore(app.store, new_id()).save(
        "decision", seeded.baby_id, DecisionDraft(rationale="Someone else's reasons.")
    )
    await open_decisions(app, seeded)
    assert app.fc.value("decision.0.rationale") == ""
    assert not app.fc.has("decision.kept")
    assert "Someone else's reasons." not in app.fc.texts()


async def test_a_rationale_with_nothing_left_to_decide_is_dropped(
    app: Driver, seeded: FamilyIds
) -> None:
    """Decided on another device: kept unseen, it would count as unsynced work for ever."""
    drafts = FormDraftStore(app.store, SOCIAL_WORKER.id)
    drafts.save("decision", seeded.sibling_id, DecisionDraft(rationale="Too late."))
    app.flows.decisions.open(seeded.sibling_id)  # no button: nothing waits for a decision
    await app.fc.settle()
    assert app.fc.has("decision.none")
    assert not app.fc.has("decision.0.rationale")
    assert form_draft_count(app.store) == 0
