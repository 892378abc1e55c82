"""Supervisors see what they sign (issue 12): each queued record opens read-only in full before
Countersign / Return / Escalate; the queue filters by kind and worker and sorts by risk or age;
the outcome of a decision shows beside its item; and no id is shown on any supervision screen."""

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import flet as ft
import pytest

from mobile_app.services.supervision.dashboard import TEAM_NAMES
from mobile_app.ui.controller import AppConfig
from shared.checklist import load_checklist
from shared.ids import new_id
from shared.models import (
    ChecklistAnswer,
    ChecklistResponse,
    FatherQuestion,
    Practitioner,
    SafetyScale,
    VisitAction,
)
from shared.vocabulary import ChecklistRating, VisitType
from tests.mobile_app.test_dashboard_service import dashboard_json
from tests.ui import fake_server
from tests.ui.conftest import Driver, FakeClock, FamilyIds, launch, receive
from tests.ui.fake_server import FakeServer, pulled
from tests.ui.review_builders import (
    OTHER_WORKER_ID,
    SUPERVISOR,
    T0,
    WORKER_ID,
    TeamRecords,
    entry,
    team_records,
)
from tests.ui.test_accessibility import problems
from tests.ui.test_review_queue import open_item, open_queue

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
FIELD_NAME = re.compile(r"\b[a-z]+_[a-z_]+\b")  # "visit_type", "not_known_reason"
VOICE = "Poppy reached for her bottle and cried when it was taken away."
EVIDENCE = "Two empty bottles, no formula in the kitchen; Poppy was hungry."
ACTION = "Refer to the infant feeding team"
REASON = "Say what the mother said about the formula running out."


@pytest.fixture
def supervisor(monkeypatch: pytest.MonkeyPatch) -> Practitioner:
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
    clock.now = T0 + timedelta(days=14)
    server.dashboard = dashboard_json(seeded.baby_id, new_id(), clock.now)
    driver = await launch(config)
    await driver.unlock()
    # The team's names, as the last dashboard gave them.
    driver.store.settings.put(TEAM_NAMES, {WORKER_ID: "Jo Bloggs", OTHER_WORKER_ID: "Sam Patel"})
    yield driver
    driver.flows.app.device.lock()
    driver.fc.close()


@pytest.fixture
async def team(sup: Driver, seeded: FamilyIds) -> TeamRecords:
    records = team_records(seeded.case_id, seeded.baby_id)
    await receive(sup, [*records.versions, *full_visit(seeded)])
    return records


def full_visit(ids: FamilyIds) -> list[object]:
    """A statutory visit by Jo Bloggs with a significant concern, the child's voice, the
    father named, the scale and an action; and its checklist."""
    visit_id = new_id()
    start = T0 + timedelta(days=2)
    visit = (
        team_records(ids.case_id, ids.baby_id)
        .versions[1]
        .payload.model_copy(
            update={
                "visit_type": VisitType.STATUTORY_CP,
                "start": start,
                "end": start + timedelta(hours=1),
                "voice_of_child": VOICE,
                "father_or_male_carer": FatherQuestion(adult_ids=(ids.father_id,)),
                "scaling": (SafetyScale(rated_by="practitioner", value=3),),
                "actions": (VisitAction(action=ACTION, owner="Jo Bloggs", due=start.date()),),
            }
        )
    )
    checklist = ChecklistResponse(
        child_id=ids.baby_id,
        visit_id=visit_id,
        assessed_at=start,
        assessor_id=WORKER_ID,
        age_band="0-1",
        answers=(
            ChecklistAnswer(
                key="PHY.FOOD_INTAKE",
                rating=ChecklistRating.SIGNIFICANT_CONCERN,
                evidence=EVIDENCE,
            ),
            ChecklistAnswer(key="PHY.HYGIENE", rating=ChecklistRating.MEETS_NEEDS),
        ),
    )
    late = start + timedelta(hours=2)
    return [
        pulled(ids.case_id, visit_id, visit, 400, author_id=WORKER_ID, recorded_at=late),
        pulled(ids.case_id, new_id(), checklist, 401, author_id=WORKER_ID, recorded_at=late),
    ]


def full_visit_version(sup: Driver) -> str:
    assert sup.state.review is not None
    [row] = [r for r in sup.state.review.rows if r.worker == "Jo Bloggs" and r.concern]
    return row.version_id


def texts(driver: Driver) -> str:
    return "\n".join(driver.fc.texts())


def descendant_of(control: object, ancestor: object) -> bool:
    parent = getattr(control, "parent", None)
    while parent is not None:
        if parent is ancestor:
            return True
        parent = getattr(parent, "parent", None)
    return False


async def test_a_visit_reads_in_full_before_any_decision(sup: Driver, team: TeamRecords) -> None:
    await open_queue(sup)
    vid = full_visit_version(sup)
    # The queue decides nothing: one tap opens the record, the decisions sit below it.
    assert not sup.fc.has(f"review.{vid}.countersign")
    await open_item(sup, vid)
    shown = texts(sup)
    prompt = next(
        i.prompt for d in load_checklist().domains for i in d.items if i.key == "PHY.FOOD_INTAKE"
    )
    assert f"Significant concern. Physical care: {prompt} Evidence: {EVIDENCE}" in shown
    assert "PHY.HYGIENE" not in shown
    assert "Meets needs" not in shown  # concerns only
    assert VOICE in shown
    assert "Recorded: Kieran Lomax (Birth father)." in shown
    assert "Practitioner: 3 out of 10." in shown
    assert f"{ACTION}. Who: Jo Bloggs. By " in shown
    assert sup.fc.value("review.detail.about") == "Poppy Quarmby. Quarmby family, Banbury."
    assert sup.fc.value("review.detail.waited").startswith("By Jo Bloggs. Waiting ")
    assert sup.fc.value("review.detail.risk").startswith("Significant on the checklist.")
    assert sup.fc.value("review.detail.versions") == "1 version, oldest first."
    for key in ("countersign", "return", "escalate"):
        assert sup.fc.has(f"review.{vid}.{key}")
    assert sup.fc.one(key=f"review.{vid}.return").content == "Return to Jo Bloggs"
    assert problems(sup.fc) == []


async def test_an_entry_reads_with_its_history(sup: Driver, team: TeamRecords) -> None:
    first = next(v for v in team.versions if v.version_id == team.entry_version)
    amended = entry(sup_child(team), OTHER_WORKER_ID, "Nursery reports 300 g weight loss.", 21)
    second = pulled(
        first.case_id,
        first.record_id,
        amended,
        500,
        author_id=OTHER_WORKER_ID,
        recorded_at=T0 + timedelta(days=3),
    ).model_copy(update={"replaces_version_id": first.version_id, "amend_reason": "Weight added."})
    await receive(sup, [second])
    await open_queue(sup)
    await open_item(sup, second.version_id)
    shown = texts(sup)
    assert "Nursery reports 300 g weight loss." in shown
    assert "Significance: Significant." in shown
    assert sup.fc.value("review.detail.versions") == "2 versions, oldest first."
    assert "Nursery reports weight loss." in shown  # the first version, in its history
    assert "Replaces the version before. Reason: Weight added." in shown


def sup_child(team: TeamRecords) -> str:
    return team.versions[1].payload.child_ids[0]  # type: ignore[union-attr]


def shown_rows(sup: Driver) -> list[str]:
    """The version ids of the items the queue shows, in screen order."""
    view = sup.fc.one(key="screen.review")
    order: list[str] = []

    def walk(control: object) -> None:
        key = getattr(control, "key", None)
        if isinstance(key, str) and re.fullmatch(r"review\.item\.[^.]+", key):
            order.append(key.removeprefix("review.item."))
        for name in ("controls", "content"):
            child = getattr(control, name, None)
            for c in child if isinstance(child, list) else [child]:
                if isinstance(c, ft.BaseControl):
                    walk(c)

    walk(view)
    return order


async def test_the_queue_filters_by_kind_and_worker_and_sorts_by_risk_or_age(
    sup: Driver, team: TeamRecords
) -> None:
    await open_queue(sup)
    assert sup.state.review is not None
    rows = {r.version_id: r for r in sup.state.review.rows}
    by_risk = shown_rows(sup)
    assert set(by_risk) == set(rows)
    ranks = [rows[v].significance for v in by_risk]
    assert ranks == sorted(ranks, reverse=True), "highest risk first by default"
    assert rows[by_risk[0]].concern == "Serious"  # the police call-out, whatever its age
    # A visit with a significant concern before an older one with none.
    assert by_risk.index(full_visit_version(sup)) < by_risk.index(team.visit_version)

    await sup.fc.choose("age", key="review.filter.order")
    by_age = shown_rows(sup)
    ages = [rows[v].recorded_at for v in by_age]
    assert ages == sorted(ages)  # type: ignore[type-var]
    assert by_age != by_risk

    await sup.fc.choose("visit", key="review.filter.kind")
    assert {rows[v].record_type for v in shown_rows(sup)} == {"visit"}
    assert len(shown_rows(sup)) == 2
    workers = dict(opts(sup, "review.filter.worker"))
    assert workers[WORKER_ID].startswith("Jo Bloggs (")
    await sup.fc.choose("", key="review.filter.kind")
    await sup.fc.choose(OTHER_WORKER_ID, key="review.filter.worker")
    assert shown_rows(sup) == [team.entry_version]
    assert dict(opts(sup, "review.filter.worker"))[OTHER_WORKER_ID] == "Sam Patel (1)"
    kinds = dict(opts(sup, "review.filter.kind"))
    assert kinds["visit"] == "Visits (2)"


def opts(sup: Driver, key: str) -> list[tuple[str, str]]:
    menu = sup.fc.one(key=key)
    return [(o.key, o.text) for o in menu.options]


async def test_the_outcome_shows_beside_the_item_acted_on(sup: Driver, team: TeamRecords) -> None:
    await open_queue(sup)
    vid = full_visit_version(sup)
    await open_item(sup, vid)
    await sup.fc.enter_text(REASON, key=f"review.{vid}.comment")
    await sup.fc.tap(key=f"review.{vid}.return")

    assert sup.fc.has("screen.review")
    done = sup.fc.one(key=f"review.item.{vid}.done")
    assert done.value.startswith(f"Returned to Jo Bloggs: {REASON}")
    title = sup.fc.one(key=f"review.item.{vid}")
    group = title.parent.parent  # the item's own column: its title, lines and outcome
    assert descendant_of(done, group), "beside the item, not elsewhere on the screen"
    assert not sup.fc.has("message"), "no banner to linger after the next action"
    others = [v for v in shown_rows(sup) if v != vid]
    assert all(not sup.fc.has(f"review.item.{v}.done") for v in others)

    # The next action's outcome sits beside its own item; the first stays beside its own.
    await open_item(sup, team.visit_version)
    await sup.fc.tap(key=f"review.{team.visit_version}.countersign")
    assert sup.fc.value(f"review.item.{team.visit_version}.done").startswith("Countersigned.")
    assert sup.fc.value(f"review.item.{vid}.done").startswith("Returned to Jo Bloggs")
    # Opened afresh from the caseload, the queue starts clean.
    await sup.fc.tap(key="nav.caseload")
    await open_queue(sup)
    assert not sup.fc.has(f"review.item.{vid}.done")


async def test_no_id_or_field_name_shows_on_any_supervision_screen(
    sup: Driver, team: TeamRecords
) -> None:
    await open_queue(sup)
    assert sup.state.review is not None
    screens = {"queue": texts(sup)}
    for row in list(sup.state.review.rows):
        await open_item(sup, row.version_id)
        screens[f"detail {row.kind}"] = texts(sup)
        await sup.fc.tap(key="review.back")
    await sup.fc.tap(key="nav.caseload")
    await sup.fc.tap(key="caseload.dashboard")
    await sup.fc.wait_for(lambda: sup.state.dashboard is not None)
    await sup.fc.settle()
    assert sup.state.dashboard is not None
    for figure in sup.state.dashboard.board.figures:
        await sup.fc.tap(key=f"dashboard.{figure.key}")
    await sup.fc.tap(key="dashboard.paperwork")
    screens["dashboard"] = texts(sup)
    for name, shown in screens.items():
        assert not UUID.search(shown), (name, UUID.search(shown))
        assert not FIELD_NAME.search(shown), (name, FIELD_NAME.search(shown))
        for raw in ("rec-0", "dev-1", "prac-1", "m1"):
            assert raw not in shown.split(), (name, raw)
