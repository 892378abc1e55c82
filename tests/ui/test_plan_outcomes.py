"""Plan outcomes (Child Q finding 1): everyone reads them with the consequence if missed; only
the social worker who holds the plan adds or changes one, and V4 names each missing field."""

from datetime import date

import pytest

from mobile_app.services.chronology.rule_records import current_records
from mobile_app.services.planning.plans import PlanRefused, PlanService
from mobile_app.services.visits.form_drafts import (
    KEPT_NOTICE,
    FormDraftStore,
    PlanOutcomeDraft,
    form_draft_count,
)
from mobile_app.ui.controller import AppConfig
from shared.ids import new_id
from shared.models import CPPlan, PlanOutcome
from shared.vocabulary import CPCategory
from tests.ui.conftest import Driver, FakeClock, FamilyIds, receive
from tests.ui.fake_server import PRACTITIONER, pulled
from tests.ui.kept_forms import (
    lock_in_background_and_unlock,
    lock_when_idle_and_unlock,
    on_disk,
    ticking,
)
from tests.ui.safeguarding_builders import SOCIAL_WORKER, RoleServer
from tests.ui.test_accessibility import problems

FILLED = {
    "danger_statement": "Everyone is worried Poppy goes hungry; she will lose weight.",
    "safety_goal": "Poppy has three meals a day.",
    "consequence_if_not_achieved": "A legal planning meeting will be held.",
    "measure": "Weight checked every two weeks.",
    "owner": "Mother, with the health visitor",
    "due": "2027-01-29",
    "progress_rating": "4",
}


def plan_records(ids: FamilyIds, lead_id: str) -> tuple[str, str, list[object]]:
    plan_id, outcome_id = new_id(), new_id()
    plan = CPPlan(
        child_ids=(ids.baby_id,),
        categories=(CPCategory.NEGLECT,),
        icpc_date=date(2026, 9, 1),
        visit_frequency_days=10,
        lead_practitioner_id=lead_id,
    )
    outcome = PlanOutcome(
        plan_id=plan_id,
        danger_statement="Poppy is left alone at night.",
        safety_goal="An adult is always at home with Poppy.",
        consequence_if_not_achieved="Poppy may have to live elsewhere.",
        measure="Unannounced visits find an adult at home.",
        owner="Parents",
        due=date(2026, 12, 18),
    )
    versions = [
        pulled(ids.case_id, plan_id, plan, 40),
        pulled(ids.case_id, outcome_id, outcome, 41),
    ]
    return plan_id, outcome_id, versions


def outcomes(app: Driver) -> list[PlanOutcome]:
    return [r.payload for r in current_records(app.store) if isinstance(r.payload, PlanOutcome)]


async def open_plan(app: Driver, ids: FamilyIds, lead_id: str) -> tuple[str, str]:
    plan_id, outcome_id, versions = plan_records(ids, lead_id)
    await receive(app, versions)
    await app.fc.tap(key=f"child.{ids.baby_id}.summary")
    await app.fc.tap(key="summary.plan")
    assert app.fc.has("screen.plan")
    return plan_id, outcome_id


async def test_a_health_visitor_reads_outcomes_but_cannot_change_them(
    app: Driver, seeded: FamilyIds
) -> None:
    plan_id, _ = await open_plan(app, seeded, SOCIAL_WORKER.id)
    key = f"plan.{plan_id}.outcome.0"
    assert app.fc.value(key) == "Goal: An adult is always at home with Poppy."
    assert app.fc.value(f"{key}.consequence") == (
        "If not achieved: Poppy may have to live elsewhere."
    )
    assert app.fc.has(f"plan.{plan_id}.read_only")
    assert not app.fc.has(f"plan.{plan_id}.add")
    assert not app.fc.has(f"{key}.edit")
    with pytest.raises(PlanRefused, match="holds this plan"):
        PlanService(app.store, PRACTITIONER).add_outcome(plan_id, FILLED)
    assert problems(app.fc) == []


class TestLeadSocialWorker:
    @pytest.fixture
    def server(self) -> RoleServer:
        return RoleServer(SOCIAL_WORKER)

    async def test_v4_names_every_missing_field_and_saves_nothing(
        self, app: Driver, seeded: FamilyIds
    ) -> None:
        plan_id, _ = await open_plan(app, seeded, SOCIAL_WORKER.id)
        await app.fc.tap(key=f"plan.{plan_id}.add")
        await app.fc.tap(key="plan.form.save")
        message = app.state.message
        for field in ("danger_statement", "safety_goal", "consequence_if_not_achieved"):
            assert f"{field}: " in message
        assert "say what happens to the child if this is not achieved" in message
        assert "due: " in message
        assert len(outcomes(app)) == 1
        assert problems(app.fc) == []  # the open form, for screen readers

    async def test_the_plan_holder_adds_an_outcome(self, app: Driver, seeded: FamilyIds) -> None:
        plan_id, _ = await open_plan(app, seeded, SOCIAL_WORKER.id)
        await app.fc.tap(key=f"plan.{plan_id}.add")
        for name, value in FILLED.items():
            await app.fc.enter_text(value, key=f"plan.form.{name}")
        await app.fc.tap(key="plan.form.save")
        assert app.state.message == "Outcome saved. It will sync with your records."
        added = next(o for o in outcomes(app) if o.safety_goal == FILLED["safety_goal"])
        assert added.due == date(2027, 1, 29)
        assert added.progress_rating == 4
        assert app.store.outbox.count() == 1
        assert not app.fc.has("plan.form")
        assert app.fc.value(f"plan.{plan_id}.outcome.1") == "Goal: Poppy has three meals a day."

    async def test_a_change_needs_a_reason_and_makes_a_new_version(
        self, app: Driver, seeded: FamilyIds
    ) -> None:
        plan_id, _ = await open_plan(app, seeded, SOCIAL_WORKER.id)
        await app.fc.tap(key=f"plan.{plan_id}.outcome.0.edit")
        assert app.fc.value("plan.form.owner") == "Parents"
        await app.fc.enter_text("Parents, checked by the social worker", key="plan.form.owner")
        await app.fc.tap(key="plan.form.save")
        assert app.state.message == "reason: say why this outcome is changing"
        await app.fc.enter_text("Agreed at core group.", key="plan.form.reason")
        await app.fc.tap(key="plan.form.save")
        (changed,) = outcomes(app)
        assert changed.owner == "Parents, checked by the social worker"
        assert changed.safety_goal == "An adult is always at home with Poppy."
        assert app.store.outbox.count() == 1

    async def test_a_social_worker_who_does_not_hold_the_plan_only_reads(
        self, app: Driver, seeded: FamilyIds
    ) -> None:
        plan_id, _ = await open_plan(app, seeded, new_id())
        assert app.fc.has(f"plan.{plan_id}.read_only")
        assert not app.fc.has(f"plan.{plan_id}.add")

    async def test_an_outcome_being_written_survives_the_auto_lock_until_saved(
        self, seeded: FamilyIds, config: AppConfig, clock: FakeClock
    ) -> None:
        async with ticking(config) as driver:
            plan_id, _ = await open_plan(driver, seeded, SOCIAL_WORKER.id)
            await driver.fc.tap(key=f"plan.{plan_id}.add")
            typed = ("danger_statement", "safety_goal")
            for name in typed:
                await driver.fc.enter_text(FILLED[name], key=f"plan.form.{name}")
            await lock_when_idle_and_unlock(driver, clock)
            assert FILLED["danger_statement"].encode() not in on_disk(driver)

            await reopen_plan(driver, seeded)
            assert driver.fc.value("plan.form.kept") == KEPT_NOTICE
            for name in typed:
                assert driver.fc.value(f"plan.form.{name}") == FILLED[name]
            for name, value in FILLED.items():
                if name not in typed:
                    await driver.fc.enter_text(value, key=f"plan.form.{name}")
            await driver.fc.tap(key="plan.form.save")
            assert driver.state.message == "Outcome saved. It will sync with your records."
            assert any(o.safety_goal == FILLED["safety_goal"] for o in outcomes(driver))
            assert form_draft_count(driver.store) == 0
            assert not driver.fc.has("plan.form")

    async def test_a_change_kept_from_before_can_be_discarded(
        self, app: Driver, seeded: FamilyIds
    ) -> None:
        plan_id, _ = await open_plan(app, seeded, SOCIAL_WORKER.id)
        await app.fc.tap(key=f"plan.{plan_id}.outcome.0.edit")
        await app.fc.enter_text("Grandmother", key="plan.form.owner")
        await lock_in_background_and_unlock(app)
        await reopen_plan(app, seeded)
        assert app.fc.value("plan.form.owner") == "Grandmother"
        assert app.fc.value("plan.form.reason") == "", "a change keeps its reason box"
        await app.fc.tap(key="plan.form.discard")
        assert app.state.message == "Outcome discarded."
        assert not app.fc.has("plan.form")
        assert form_draft_count(app.store) == 0
        assert outcomes(app)[0].owner == "Parents"

    async def test_another_practitioners_outcome_is_not_shown(
        self, app: Driver, seeded: FamilyIds
    ) -> None:
        plan_id, _, versions = plan_records(seeded, SOCIAL_WORKER.id)
        other = PlanOutcomeDraft(plan_id=plan_id, fields={"safety_goal": "Someone else's goal"})
        FormDraftStore(app.store, new_id()).save("plan_outcome", seeded.baby_id, other)
        await receive(app, versions)
        await reopen_plan(app, seeded)
        assert not app.fc.has("plan.form")
        assert "Someone else's goal" not in app.fc.texts()

    async def test_a_change_begun_on_an_older_version_never_undoes_a_newer_one(
        self, app: Driver, seeded: FamilyIds
    ) -> None:
        plan_id, outcome_id, versions = plan_records(seeded, SOCIAL_WORKER.id)
        await receive(app, versions)
        await reopen_plan(app, seeded)
        await app.fc.tap(key=f"plan.{plan_id}.outcome.0.edit")
        await app.fc.enter_text("Grandmother", key="plan.form.owner")
        await app.fc.enter_text("Agreed at core group.", key="plan.form.reason")
        newer = versions[1].payload.model_copy(update={"measure": "Weekly unannounced visits."})
        amended = pulled(seeded.case_id, outcome_id, newer, 42).model_copy(
            update={"replaces_version_id": versions[1].version_id, "amend_reason": "Core group."}
        )
        await receive(app, [amended])

        await app.fc.tap(key="plan.form.save")
        assert "changed after you began" in app.state.message
        assert outcomes(app)[0].owner == "Parents", "nothing saved over the newer version"
        assert app.fc.value("plan.form.owner") == "Grandmother", "my change is kept"
        assert app.fc.value("plan.form.measure") == "Weekly unannounced visits."
        await app.fc.tap(key="plan.form.save")

        (changed,) = outcomes(app)
        assert (changed.owner, changed.measure) == ("Grandmother", "Weekly unannounced visits.")


async def reopen_plan(app: Driver, ids: FamilyIds) -> None:
    await app.fc.tap(key=f"child.{ids.baby_id}.summary")
    await app.fc.tap(key="summary.plan")
    assert app.fc.has("screen.plan")
