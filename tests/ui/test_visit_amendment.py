"""A returned visit amended by its author in the visit form (issue 6): from the records returned
to them and from the visit's history; a reason required; a new version of the same visit."""

from mobile_app.services.records import NewRecord, RecordService
from shared.ids import new_id
from shared.models import Visit
from shared.models.review import ReviewAction
from shared.protocol import PulledVersion
from tests.ui.builders import visit_payload
from tests.ui.conftest import Driver, FamilyIds, receive
from tests.ui.fake_server import PRACTITIONER, pulled
from tests.ui.review_builders import OTHER_WORKER_ID, T0, entry, review_of

COMMENT = "Say who else was present."
REASON = "Added the grandmother, as my supervisor asked."
NO_REASON = "Say why you are amending this visit: the reason is kept with its history."


def _visit(seeded: FamilyIds, author_id: str, seq: int) -> PulledVersion:
    """A visit to the baby as the server sends it back, made by author_id."""
    payload = visit_payload(seeded.baby_id, T0).model_copy(update={"seen_awake": True})
    return pulled(seeded.case_id, new_id(), payload, seq, author_id=author_id)


async def _returned_visit(app: Driver, seeded: FamilyIds) -> PulledVersion:
    """My visit, and its return by my supervisor, arriving in one sync."""
    visit = _visit(seeded, PRACTITIONER.id, 300)
    await receive(app, [visit, review_of(visit, ReviewAction.RETURN, COMMENT, 301)])
    return visit


async def test_a_returned_visit_is_amended_from_the_returned_list(
    app: Driver, seeded: FamilyIds
) -> None:
    visit = await _returned_visit(app, seeded)
    fc = app.fc
    await fc.tap(key="caseload.returned.open")
    await fc.tap(key=f"returned.{visit.version_id}.amend")

    assert fc.has("screen.visit")
    assert fc.has("visit.amending")
    assert fc.value("visit.present.0") == "mother"  # prefilled from the visit
    await fc.tap(key="visit.goto.6")
    assert fc.one(key="visit.finalise").content == "Save amended visit"
    assert not fc.has("visit.late_reason")  # the visit was days ago, but amending is not late
    await fc.tap(key="visit.finalise")
    assert fc.value("visit.problem.0") == NO_REASON

    await fc.tap(key="visit.goto.0")
    await fc.enter_text("maternal grandmother", key="visit.present.new")
    await fc.tap(key="visit.present.add")
    await fc.tap(key="visit.goto.6")
    await fc.enter_text(REASON, key="visit.amend_reason")
    await fc.tap(key="visit.finalise")

    assert fc.has("screen.caseload")
    [head] = app.store.records.head_ids(visit.record_id)
    version = app.store.records.get(head).version
    assert version.replaces_version_id == visit.version_id
    assert version.amend_reason == REASON
    assert isinstance(version.payload, Visit)
    described = [p.description for p in version.payload.persons_present]
    assert described == ["mother", "maternal grandmother"]
    assert app.store.outbox.peek(9) == [head]
    assert not fc.has("caseload.returned")  # the new version is not the one returned


async def test_leaving_an_amendment_keeps_it_to_resume_and_not_as_a_new_visit(
    app: Driver, seeded: FamilyIds
) -> None:
    visit = await _returned_visit(app, seeded)
    fc = app.fc
    await fc.tap(key="caseload.returned.open")
    await fc.tap(key=f"returned.{visit.version_id}.amend")
    await fc.tap(key="visit.goto.5")
    await fc.enter_text("Typed, then the phone rang.", key="visit.worries")
    await fc.tap(key="visit.leave")
    assert fc.has("screen.caseload")

    # Recording a new visit for the child starts a fresh draft, not the amendment.
    await fc.tap(key=f"child.{seeded.baby_id}.visit")
    assert not fc.has("visit.amending")
    assert app.state.visit is not None
    assert app.state.visit.draft.worries == ""
    await fc.tap(key="visit.leave")
    await fc.tap(key="caseload.returned.open")
    await fc.tap(key=f"returned.{visit.version_id}.amend")
    assert fc.has("visit.amending")
    assert fc.value("visit.worries") == "Typed, then the phone rang."


async def test_a_colleagues_returned_visit_offers_no_amendment(
    app: Driver, seeded: FamilyIds
) -> None:
    """A colleague's visit stays theirs even when its current version is mine (a resolution
    made on my other phone): returned to me, it is listed, but only its first author amends
    it (the server's rule). My own returned visit and entry are listed beside it."""
    mine = _visit(seeded, PRACTITIONER.id, 300)
    theirs = _visit(seeded, OTHER_WORKER_ID, 301)
    my_version_of_theirs = theirs.model_copy(
        update={
            "version_id": new_id(),
            "replaces_version_id": theirs.version_id,
            "amend_reason": "Merged two edits.",
            "server_seq": 302,
            "author_id": PRACTITIONER.id,
        }
    )
    entry_version = pulled(
        seeded.case_id,
        new_id(),
        entry(seeded.baby_id, PRACTITIONER.id, "Home cold.", 18),
        303,
        author_id=PRACTITIONER.id,
    )
    returns = [
        review_of(v, ReviewAction.RETURN, "Why?", 304 + n)
        for n, v in enumerate((mine, my_version_of_theirs, entry_version))
    ]
    await receive(app, [mine, theirs, my_version_of_theirs, entry_version, *returns])
    await app.fc.tap(key="caseload.returned.open")
    assert app.fc.has(f"returned.{mine.version_id}.amend")
    assert app.fc.has(f"returned.{my_version_of_theirs.version_id}")
    assert not app.fc.has(f"returned.{my_version_of_theirs.version_id}.amend")
    # An entry is amended in its own history, not in the visit form.
    assert app.fc.has(f"returned.{entry_version.version_id}")
    assert not app.fc.has(f"returned.{entry_version.version_id}.amend")


async def test_the_visits_history_offers_its_author_the_amendment(
    app: Driver, seeded: FamilyIds
) -> None:
    visit = _visit(seeded, PRACTITIONER.id, 300)
    theirs = _visit(seeded, OTHER_WORKER_ID, 301)
    await receive(app, [visit, theirs])
    made = entry(seeded.baby_id, PRACTITIONER.id, "Home visit: baby seen.", 20).model_copy(
        update={"visit_id": visit.record_id}
    )
    [entry_version] = RecordService(app.store).record([NewRecord(seeded.case_id, made)])
    flows = app.flows
    flows.chronology.open(seeded.baby_id)
    flows.history.open(entry_version.record_id)
    await app.fc.settle()

    await app.fc.tap(key="history.visit")
    assert app.fc.value("history.summary") == "Visit: 1 version, oldest first."
    assert not app.fc.has("history.text")  # a visit is changed in the visit form
    await app.fc.tap(key="history.amend_visit")
    assert app.fc.has("visit.amending")
    assert app.state.visit is not None
    assert app.state.visit.draft.amends_version_id == visit.version_id

    await app.fc.tap(key="visit.leave")
    flows.chronology.open(seeded.baby_id)
    flows.history.open(theirs.record_id)
    await app.fc.settle()
    assert app.fc.has("history.not_yours")
    assert not app.fc.has("history.amend_visit")


async def test_the_amended_visit_shows_both_versions_and_the_reason_in_its_history(
    app: Driver, seeded: FamilyIds
) -> None:
    visit = await _returned_visit(app, seeded)
    fc = app.fc
    await fc.tap(key="caseload.returned.open")
    await fc.tap(key=f"returned.{visit.version_id}.amend")
    await fc.tap(key="visit.goto.6")
    await fc.enter_text(REASON, key="visit.amend_reason")
    await fc.tap(key="visit.finalise")

    app.flows.chronology.open(seeded.baby_id)
    app.flows.history.open(visit.record_id)
    await fc.settle()
    assert fc.value("history.summary") == "Visit: 2 versions, oldest first."
    assert fc.value("history.version.1.review.1").startswith("Returned to the author by ")
    assert fc.value("history.version.2.reason") == (
        f"Replaces the version before. Reason: {REASON}"
    )
