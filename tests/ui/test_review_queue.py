"""The review queue on a supervisor's device, each decision made offline, and the returned
record on its author's device."""

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from mobile_app.services.records import RecordService
from mobile_app.services.visits.form_drafts import (
    KEPT_NOTICE,
    FormDraftStore,
    ReviewDraft,
    form_draft_count,
)
from mobile_app.ui.controller import AppConfig
from shared.ids import new_id
from shared.models import ChronologyEntry, Practitioner, Visit
from shared.models.review import ReviewAction, ReviewDecision
from tests.ui import fake_server
from tests.ui.conftest import Driver, FakeClock, FamilyIds, launch, receive
from tests.ui.fake_server import PRACTITIONER, FakeServer, pulled
from tests.ui.kept_forms import lock_in_background_and_unlock, on_disk
from tests.ui.review_builders import (
    OTHER_WORKER_ID,
    SUPERVISOR,
    T0,
    TeamRecords,
    entry,
    review_of,
    team_records,
)
from tests.ui.test_accessibility import problems


@pytest.fixture
def supervisor(monkeypatch: pytest.MonkeyPatch) -> Practitioner:
    """The fake server signs this device in as a supervisor."""
    monkeypatch.setattr(fake_server, "PRACTITIONER", SUPERVISOR)
    return SUPERVISOR


@pytest.fixture
async def sup(
    supervisor: Practitioner, seeded: FamilyIds, config: AppConfig, clock: FakeClock
) -> AsyncIterator[Driver]:
    """The supervisor's device, unlocked on the caseload."""
    # After every seeded record reached the server (1 November).
    clock.now = T0 + timedelta(days=14)
    driver = await launch(config)
    await driver.unlock()
    yield driver
    driver.flows.app.device.lock()
    driver.fc.close()


@pytest.fixture
async def team(sup: Driver, seeded: FamilyIds) -> TeamRecords:
    records = team_records(seeded.case_id, seeded.baby_id)
    await receive(sup, records.versions)
    return records


def decisions_waiting(driver: Driver) -> list[ReviewDecision]:
    pending = [driver.store.records.get(v).version.payload for v in driver.store.outbox.peek(99)]
    return [p for p in pending if isinstance(p, ReviewDecision)]


async def open_queue(driver: Driver) -> None:
    await driver.fc.tap(key="caseload.review")
    assert driver.fc.has("screen.review")


async def open_item(driver: Driver, version_id: str) -> None:
    """From the queue, open one record in full: the decisions sit below it."""
    await driver.fc.tap(key=f"review.{version_id}.open")
    assert driver.fc.has("screen.review_item")


async def test_the_caseload_offers_the_queue_with_its_length(
    sup: Driver, team: TeamRecords
) -> None:
    # Every record the device already held is new to a supervisor who never reviewed.
    button = sup.fc.one(key="caseload.review")
    assert button.content.startswith("Review queue (")
    await open_queue(sup)
    count = len(sup.state.review.rows) if sup.state.review else 0
    assert count >= 2  # the colleague's visit and entry at least
    assert button.content == f"Review queue ({count})"
    assert sup.fc.value("review.count") == f"{count} records waiting, highest risk first."


async def test_the_queue_is_oldest_first_with_waits_and_never_my_own(
    sup: Driver, team: TeamRecords
) -> None:
    await open_queue(sup)
    fc = sup.fc
    await fc.choose("age", key="review.filter.order")
    assert fc.value("review.count").endswith("waiting, oldest first.")
    order = shown_order(sup)
    assert order.index(team.visit_version) < order.index(team.entry_version)
    assert team.own_version not in order
    assert not fc.has(f"review.item.{team.own_version}")
    assert fc.value(f"review.item.{team.visit_version}.waited").endswith(". Waiting 14 days.")
    assert fc.value(f"review.item.{team.visit_version}.reasons") == (
        "New since your last review. Countersign: statutory visit on a plan."
    )
    assert fc.value(f"review.item.{team.entry_version}") == (
        "Chronology entry: Home visit: Nursery reports weight loss."
    )


async def test_countersign_works_offline_then_reaches_the_server(
    sup: Driver, team: TeamRecords, server: FakeServer
) -> None:
    server.mode = "down"
    await open_queue(sup)
    await open_item(sup, team.visit_version)
    await sup.fc.tap(key=f"review.{team.visit_version}.countersign")
    [decision] = decisions_waiting(sup)
    assert decision.action == ReviewAction.COUNTERSIGN
    assert decision.reviewed_version_id == team.visit_version
    assert decision.reviewer_id == SUPERVISOR.id
    assert sup.fc.has("screen.review")
    done = sup.fc.value(f"review.item.{team.visit_version}.done")
    assert done.startswith("Countersigned.")
    assert not sup.fc.has(f"review.{team.visit_version}.open"), "decided: nothing left to do"
    server.mode = "up"
    await sup.fc.tap(key="nav.caseload")
    await sup.fc.tap(key="caseload.sync")
    await sup.fc.wait_for(lambda: sup.store.outbox.count() == 0)
    assert len(server.pushed) == 1


async def test_return_needs_a_comment_then_records_it(sup: Driver, team: TeamRecords) -> None:
    await open_queue(sup)
    fc, vid = sup.fc, team.entry_version
    await open_item(sup, vid)
    await fc.tap(key=f"review.{vid}.return")
    said = fc.one(key=f"review.{vid}.comment").error
    assert said == "Say what a health visitor in Health visiting should change."
    assert not fc.has("message"), "said at the reason box, not in a banner"
    assert decisions_waiting(sup) == []
    await fc.enter_text("Say how much weight was lost.", key=f"review.{vid}.comment")
    await fc.tap(key=f"review.{vid}.return")
    [decision] = decisions_waiting(sup)
    assert (decision.action, decision.comment) == (
        ReviewAction.RETURN,
        "Say how much weight was lost.",
    )
    assert fc.value(f"review.item.{vid}.done").startswith(
        "Returned to a health visitor in Health visiting: Say how much weight was lost."
    )
    assert not fc.has("message")


async def test_escalate_needs_a_stage_and_a_comment(sup: Driver, team: TeamRecords) -> None:
    await open_queue(sup)
    fc, vid = sup.fc, team.entry_version
    await open_item(sup, vid)
    await fc.enter_text("Weight loss not acted on.", key=f"review.{vid}.comment")
    await fc.tap(key=f"review.{vid}.escalate")
    assert fc.value(f"review.{vid}.stage.problem") == "Choose the stage to escalate to, 1 to 4."
    assert decisions_waiting(sup) == []
    await fc.choose("2", key=f"review.{vid}.stage")
    await fc.tap(key=f"review.{vid}.escalate")
    [decision] = decisions_waiting(sup)
    assert decision.action == ReviewAction.ESCALATE
    assert (decision.escalation_stage, decision.comment) == (2, "Weight loss not acted on.")
    assert fc.value(f"review.item.{vid}.done").startswith(
        "Escalated to stage 2: Weight loss not acted on."
    )


async def test_mark_all_reviewed_leaves_what_needs_a_countersignature(
    sup: Driver, team: TeamRecords
) -> None:
    await open_queue(sup)
    await sup.fc.tap(key="review.finish")
    assert sup.state.review is not None
    assert [r.version_id for r in sup.state.review.rows] == [team.visit_version]
    await sup.fc.tap(key="nav.caseload")
    assert sup.fc.one(key="caseload.review").content == "Review queue (1)"


async def test_mark_all_reviewed_says_which_begun_comments_it_discarded(
    sup: Driver, team: TeamRecords
) -> None:
    await open_queue(sup)
    await open_item(sup, team.entry_version)
    await sup.fc.enter_text("Say who else was there.", key=f"review.{team.entry_version}.comment")
    await sup.fc.tap(key="review.back")
    await open_item(sup, team.visit_version)
    await sup.fc.enter_text("Kept: it waits.", key=f"review.{team.visit_version}.comment")
    await sup.fc.tap(key="review.back")

    await sup.fc.tap(key="review.finish")

    assert sup.fc.value("message").endswith("1 comment you had begun was discarded.")
    await open_item(sup, team.visit_version)
    assert sup.fc.value(f"review.{team.visit_version}.comment") == "Kept: it waits."


async def test_a_practitioner_sees_no_queue(app: Driver) -> None:
    assert not app.fc.has("caseload.review")
    assert not app.fc.has("caseload.returned")


async def test_a_returned_record_shows_on_the_authors_device_until_amended(
    app: Driver, seeded: FamilyIds
) -> None:
    mine = entry(seeded.baby_id, PRACTITIONER.id, "Home cold; heating off.", 18)
    my_entry = pulled(seeded.case_id, new_id(), mine, 300, author_id=PRACTITIONER.id)
    colleague = pulled(
        seeded.case_id,
        new_id(),
        entry(seeded.baby_id, OTHER_WORKER_ID, "Seen at clinic.", 19),
        301,
        author_id=OTHER_WORKER_ID,
    )
    await receive(
        app,
        [
            my_entry,
            colleague,
            review_of(my_entry, ReviewAction.RETURN, "Say who was in the home.", 302),
            review_of(colleague, ReviewAction.RETURN, "Not for this author.", 303),
        ],
    )
    fc = app.fc
    assert fc.value("caseload.returned").startswith("Returned to you (1)")
    await fc.tap(key="caseload.returned.open")
    assert fc.has("screen.review")
    assert not fc.has("review.count")  # not a supervisor: no queue
    assert fc.value(f"returned.{my_entry.version_id}.comment") == "Say who was in the home."
    assert not fc.has(f"returned.{colleague.version_id}")
    await fc.tap(key=f"returned.{my_entry.version_id}.open")
    assert fc.has("screen.history")
    assert fc.has("history.amend")  # my entry: mine to amend
    RecordService(app.store).amend(my_entry.record_id, mine, reason="Added who was there.")
    app.flows.app.show_caseload()
    await fc.settle()
    assert not fc.has("caseload.returned")


async def test_locking_forgets_the_queue(sup: Driver, team: TeamRecords) -> None:
    await open_queue(sup)
    await sup.fc.tap(key="nav.lock")
    assert sup.state.review is None
    assert not sup.fc.has(f"review.item.{team.visit_version}")


async def test_the_decision_names_the_version_not_the_authors_entry(
    sup: Driver, team: TeamRecords
) -> None:
    """Supervisors add to an entry, never edit it: the entry stays as its author wrote it."""
    before = sup.store.records.get(team.entry_version).version.payload
    await open_queue(sup)
    await open_item(sup, team.entry_version)
    await sup.fc.enter_text(
        "Ask the nursery for weights.", key=f"review.{team.entry_version}.comment"
    )
    await sup.fc.tap(key=f"review.{team.entry_version}.return")
    heads = RecordService(sup.store).current("chronology_entry")
    kept = [h.version.payload for h in heads if h.version.version_id == team.entry_version]
    assert kept == [before]
    assert isinstance(before, ChronologyEntry)


async def test_the_review_screens_pass_the_accessibility_rules(
    sup: Driver, team: TeamRecords
) -> None:
    fc = sup.fc
    assert problems(fc) == []
    await open_queue(sup)
    assert problems(fc) == []
    await open_item(sup, team.entry_version)
    await fc.tap(key=f"review.{team.entry_version}.return")  # with a problem at the box
    assert problems(fc) == []
    await fc.tap(key="review.back")
    await open_item(sup, team.visit_version)
    assert problems(fc) == []
    await fc.tap(key=f"review.detail.trends.{team_child(team)}")
    assert problems(fc) == []


def shown_order(driver: Driver) -> list[str]:
    """The version ids of the queue's items in the order the screen shows them."""
    prefix, order = "review.item.", []
    for control in driver.fc.all_controls():
        key = getattr(control, "key", None)
        if isinstance(key, str) and key.startswith(prefix) and key.count(".") == 2:
            order.append(key.removeprefix(prefix))
    return order


def team_child(team: TeamRecords) -> str:
    visit = next(v for v in team.versions if v.version_id == team.visit_version)
    assert isinstance(visit.payload, Visit)
    return visit.payload.child_ids[0]


async def test_a_return_arriving_alone_in_a_sync_still_shows_on_the_caseload(
    app: Driver, seeded: FamilyIds
) -> None:
    """A sync that brings only a review changes no caseload figure; the banner still updates."""
    mine = entry(seeded.baby_id, PRACTITIONER.id, "Home cold; heating off.", 18)
    my_entry = pulled(seeded.case_id, new_id(), mine, 300, author_id=PRACTITIONER.id)
    await receive(app, [my_entry])
    assert not app.fc.has("caseload.returned")

    await receive(app, [review_of(my_entry, ReviewAction.RETURN, "Say who was there.", 301)])

    assert app.fc.value("caseload.returned").startswith("Returned to you (1)")


COMMENT = "The weight loss was not passed to the GP: say who will tell them."


async def test_a_comment_being_written_survives_the_lock_until_decided(
    sup: Driver, team: TeamRecords
) -> None:
    fc, vid = sup.fc, team.entry_version
    await open_queue(sup)
    await open_item(sup, vid)
    await fc.enter_text(COMMENT, key=f"review.{vid}.comment")
    await fc.choose("3", key=f"review.{vid}.stage")
    await lock_in_background_and_unlock(sup)
    assert COMMENT.encode() not in on_disk(sup)
    assert b"passed to the GP" not in on_disk(sup)

    await open_queue(sup)
    assert fc.value(f"review.{vid}.kept") == KEPT_NOTICE
    assert not fc.has(f"review.{team.visit_version}.kept"), "only the version written on"
    await open_item(sup, vid)
    assert fc.value(f"review.{vid}.kept") == KEPT_NOTICE
    assert fc.value(f"review.{vid}.comment") == COMMENT
    assert fc.value(f"review.{vid}.stage") == "3"
    await fc.tap(key=f"review.{vid}.escalate")
    [decision] = decisions_waiting(sup)
    assert (decision.escalation_stage, decision.comment) == (3, COMMENT)
    assert form_draft_count(sup.store) == 0


async def test_another_supervisors_comment_is_not_shown(sup: Driver, team: TeamRecords) -> None:
    vid = team.entry_version
    record_id = sup.store.records.get(vid).version.record_id
    other = ReviewDraft(comment="Someone else's comment.", stage="4")
    FormDraftStore(sup.store, new_id()).save("review", record_id, other, vid)
    await open_queue(sup)
    assert not sup.fc.has(f"review.{vid}.kept")
    await open_item(sup, vid)
    assert sup.fc.value(f"review.{vid}.comment") == ""
    assert not sup.fc.has(f"review.{vid}.kept")


async def test_a_comment_on_a_version_no_longer_waiting_is_dropped(
    sup: Driver, team: TeamRecords
) -> None:
    """Decided elsewhere: kept unseen, it would count as unsynced work for ever."""
    drafts = FormDraftStore(sup.store, SUPERVISOR.id)
    drafts.save("review", new_id(), ReviewDraft(comment="Gone."), new_id())
    vid = team.entry_version
    record_id = sup.store.records.get(vid).version.record_id
    drafts.save("review", record_id, ReviewDraft(comment="Still waiting."), vid)
    await open_queue(sup)
    assert form_draft_count(sup.store) == 1
    await open_item(sup, vid)
    assert sup.fc.value(f"review.{vid}.comment") == "Still waiting."
