"""A record's history screen: versions in order, conflicts resolved, amendments with reasons."""

from datetime import UTC, datetime, timedelta

from mobile_app.services.records import NewRecord, RecordService
from mobile_app.services.visits.form_drafts import (
    KEPT_NOTICE,
    AmendmentDraft,
    FormDraftStore,
    form_draft_count,
)
from mobile_app.store import SyncState
from mobile_app.ui.controller import AppConfig
from shared.ids import new_id
from shared.models import ChronologyEntry
from shared.models.review import ReviewAction, ReviewDecision
from shared.protocol import PulledVersion, RecordVersion
from shared.vocabulary import Agency, Lifecycle
from tests.ui.conftest import Driver, FakeClock, FamilyIds, receive
from tests.ui.fake_server import PRACTITIONER
from tests.ui.kept_forms import (
    lock_in_background_and_unlock,
    lock_when_idle_and_unlock,
    on_disk,
    ticking,
)
from tests.ui.test_accessibility import problems

POLICE_TEXT = "Police called at night."


def entry_head(app: Driver, summary: str) -> PulledVersion:
    """The stored (pulled) version of the baby's entry with this summary."""
    for row in app.store.records.rows(record_type="chronology_entry"):
        version = app.store.records.get(row.version_id).version
        if isinstance(version.payload, ChronologyEntry) and version.payload.summary == summary:
            assert isinstance(version, PulledVersion)
            return version
    raise AssertionError(f"no entry {summary!r}")


def rival(base: PulledVersion, text: str, seq: int, agency: Agency) -> PulledVersion:
    """An amendment of base made by its author on another of their devices, as the server
    sends it (only an entry's author may change it)."""
    entry = base.payload
    assert isinstance(entry, ChronologyEntry)
    author = entry.author_id
    when = datetime(2026, 11, 2, 9, 0, tzinfo=UTC) + timedelta(minutes=seq)
    return PulledVersion(
        version_id=new_id(),
        record_id=base.record_id,
        replaces_version_id=base.version_id,
        amend_reason="Corrected after a call.",
        case_id=base.case_id,
        device_time=when,
        payload=entry.model_copy(update={"summary": text, "author_id": author}),
        server_seq=seq,
        author_id=author,
        author_agency=agency,
        recorded_at=when,
    )


async def in_conflict(app: Driver, seeded: FamilyIds) -> tuple[PulledVersion, ...]:
    """I amended my entry on two other phones apart; this device pulls both, then shows the
    child's chronology."""
    base = await my_entry(app)
    one = rival(base, "Police called at 2am; no arrest.", 20, PRACTITIONER.agency)
    two = rival(base, "Police called at 3am; father left.", 21, PRACTITIONER.agency)
    await receive(app, [one, two])
    await app.fc.tap(key=f"child.{seeded.baby_id}.chronology")
    return base, one, two


MY_TEXT = "Home visit: mother asleep at midday, baby in a wet nappy."


async def my_entry(app: Driver) -> PulledVersion:
    """An entry I wrote on my other phone, as pulled: only its author amends or takes it back."""
    police = entry_head(app, POLICE_TEXT)
    payload = police.payload
    assert isinstance(payload, ChronologyEntry)
    mine = police.model_copy(
        update={
            "record_id": new_id(),
            "version_id": new_id(),
            "server_seq": 40,
            "author_id": PRACTITIONER.id,
            "author_agency": PRACTITIONER.agency,
            "payload": payload.model_copy(
                update={
                    "summary": MY_TEXT,
                    "author_id": PRACTITIONER.id,
                    "author_role": PRACTITIONER.role,
                }
            ),
        }
    )
    await receive(app, [mine])
    return mine


async def open_history(app: Driver, summary: str) -> PulledVersion:
    base = entry_head(app, summary)
    await app.fc.tap(key=f"chron.entry.{base.record_id}.history")
    assert app.fc.has("screen.history")
    return base


async def test_a_conflict_shows_flagged_with_both_versions(app: Driver, seeded: FamilyIds) -> None:
    base, one, two = await in_conflict(app, seeded)
    fc = app.fc
    for version in (one, two):
        key = f"chron.entry.{base.record_id}.{version.version_id}"
        assert fc.has(f"{key}.conflict")
        assert fc.find(text=version.payload.summary)  # type: ignore[union-attr]
    assert not fc.find(text=MY_TEXT)  # replaced by both sides
    assert fc.value("chron.count") == "5 entries, newest first"


async def test_resolving_makes_one_version_naming_both_heads(
    app: Driver, seeded: FamilyIds
) -> None:
    base, one, two = await in_conflict(app, seeded)
    fc = app.fc
    await fc.tap(key=f"chron.entry.{base.record_id}.{one.version_id}.history")
    assert fc.value("history.summary") == "Chronology entry: 3 versions, 2 competing."
    assert fc.has("history.version.2.competing")
    assert fc.has("history.version.3.competing")

    await fc.tap(key="history.pick.3")
    assert fc.value("history.text") == "Police called at 3am; father left."
    await fc.enter_text("Both officers agree: 3am.", key="history.reason")
    await fc.tap(key="history.resolve")

    assert fc.value("message").startswith("Conflict resolved.")
    [queued] = app.store.outbox.peek(10)
    made = app.store.records.get(queued)
    assert made.state == SyncState.PENDING
    assert made.version.replaces_version_id == one.version_id
    assert made.version.also_replaces == (two.version_id,)
    assert made.version.amend_reason == "Both officers agree: 3am."
    assert isinstance(made.version.payload, ChronologyEntry)
    assert made.version.payload.summary == "Police called at 3am; father left."
    assert made.version.payload.author_id == PRACTITIONER.id
    assert fc.value("history.summary") == "Chronology entry: 4 versions, oldest first."
    assert not fc.has("history.resolve")

    await fc.tap(key="nav.chronology")
    assert fc.has("screen.chronology")
    assert not fc.find(text="Police called at 2am; no arrest.")
    assert fc.has(f"chron.entry.{base.record_id}")  # one line again, no conflict flag
    assert not fc.has(f"chron.entry.{base.record_id}.conflict")


async def test_a_resolution_can_be_new_text(app: Driver, seeded: FamilyIds) -> None:
    base, one, _ = await in_conflict(app, seeded)
    fc = app.fc
    await fc.tap(key=f"chron.entry.{base.record_id}.{one.version_id}.history")
    await fc.enter_text("Police called twice: 2am and 3am.", key="history.text")
    await fc.tap(key="history.resolve")
    assert fc.value("message").startswith("Give a reason")
    assert app.store.outbox.count() == 0
    await fc.enter_text("Merged both accounts.", key="history.reason")
    await fc.tap(key="history.resolve")
    [queued] = app.store.outbox.peek(10)
    payload = app.store.records.get(queued).version.payload
    assert isinstance(payload, ChronologyEntry)
    assert payload.summary == "Police called twice: 2am and 3am."


async def test_amend_requires_a_reason_then_lists_versions_in_order(
    app: Driver, seeded: FamilyIds
) -> None:
    fc = app.fc
    await my_entry(app)
    await fc.tap(key=f"child.{seeded.baby_id}.chronology")
    await open_history(app, MY_TEXT)
    assert fc.value("history.summary") == "Chronology entry: 1 version, oldest first."
    assert fc.value("history.text") == MY_TEXT

    await fc.enter_text("Police called at night; mother upset.", key="history.text")
    await fc.tap(key="history.amend")
    assert fc.value("message") == (
        "Give a reason for this change: it is kept with the record's history."
    )
    assert app.store.outbox.count() == 0

    await fc.enter_text("Added what the officer saw.", key="history.reason")
    await fc.tap(key="history.amend")
    assert fc.value("message").startswith("Amendment saved.")
    assert app.store.outbox.count() == 1
    assert fc.value("history.summary") == "Chronology entry: 2 versions, oldest first."
    assert fc.value("history.version.1.text") == MY_TEXT
    assert fc.value("history.version.2.text") == "Police called at night; mother upset."
    assert fc.value("history.version.2").endswith("by You (not synced yet)")
    assert fc.value("history.version.2.reason") == (
        "Replaces the version before. Reason: Added what the officer saw."
    )


async def test_marking_entered_in_error_keeps_the_entry_flagged(
    app: Driver, seeded: FamilyIds
) -> None:
    fc = app.fc
    await my_entry(app)
    await fc.tap(key=f"child.{seeded.baby_id}.chronology")
    base = await open_history(app, MY_TEXT)
    await fc.enter_text("Recorded on the wrong child.", key="history.reason")
    await fc.tap(key="history.in_error")
    assert fc.value("message").startswith("Marked entered in error.")
    assert fc.has("history.version.2.lifecycle")
    [queued] = app.store.outbox.peek(10)
    assert app.store.records.get(queued).version.lifecycle == Lifecycle.ENTERED_IN_ERROR

    await fc.tap(key="nav.chronology")
    flag = f"chron.entry.{base.record_id}.lifecycle"
    assert fc.value(flag) == "Entered in error: Recorded on the wrong child."
    assert fc.find(text=MY_TEXT)  # still shown, never deleted


async def test_another_persons_entry_is_added_to_never_rewritten(
    app: Driver, seeded: FamilyIds
) -> None:
    fc = app.fc
    await fc.tap(key=f"child.{seeded.baby_id}.chronology")
    await open_history(app, POLICE_TEXT)  # a colleague's entry
    assert fc.value("history.not_yours").startswith("Only the person who wrote this entry")
    assert not fc.has("history.amend")
    assert not fc.has("history.withdraw")


async def test_opinion_words_in_an_amendment_get_a_soft_warning(
    app: Driver, seeded: FamilyIds
) -> None:
    fc = app.fc
    await my_entry(app)
    await fc.tap(key=f"child.{seeded.baby_id}.chronology")
    await open_history(app, MY_TEXT)
    assert not fc.has("history.opinion.0")
    await fc.enter_text("Mother seems low; I feel the home is unsafe.", key="history.text")
    await fc.tap(key="history.amend")  # no reason yet: the screen shows again, with warnings
    assert "seems" in fc.value("history.opinion.0")
    assert "I feel" in fc.value("history.opinion.1")
    await fc.enter_text("Recorded what I saw.", key="history.reason")
    await fc.tap(key="history.amend")
    saved = fc.value("message")
    assert saved.startswith("Amendment saved.")  # a warning never blocks
    assert "seems" in saved


async def test_locking_forgets_the_history_on_screen(app: Driver, seeded: FamilyIds) -> None:
    await app.fc.tap(key=f"child.{seeded.baby_id}.chronology")
    await open_history(app, POLICE_TEXT)
    app.flows.app.lock()
    await app.fc.settle()
    assert app.state.history is None
    assert app.fc.has("screen.unlock")


async def test_conflict_and_history_screens_are_accessible(app: Driver, seeded: FamilyIds) -> None:
    base, one, _ = await in_conflict(app, seeded)
    assert problems(app.fc) == []
    await app.fc.tap(key=f"chron.entry.{base.record_id}.{one.version_id}.history")
    assert problems(app.fc) == []
    await app.fc.tap(key="history.resolve")  # with a message on screen
    assert problems(app.fc) == []


def review_of(
    version: RecordVersion, action: ReviewAction, comment: str, seq: int
) -> PulledVersion:
    """A supervisor's review decision on one version, as the server sends it."""
    reviewer = new_id()
    when = datetime(2026, 11, 3, 10, 0, tzinfo=UTC) + timedelta(minutes=seq)
    decision = ReviewDecision(
        reviewed_record_id=version.record_id,
        reviewed_version_id=version.version_id,
        action=action,
        comment=comment,
        reviewer_id=reviewer,
        decided_at=when,
    )
    return PulledVersion(
        version_id=new_id(),
        record_id=new_id(),
        case_id=version.case_id,
        device_time=when,
        payload=decision,
        server_seq=seq,
        author_id=reviewer,
        author_agency=Agency.CSC,
        recorded_at=when,
    )


async def test_reviews_show_on_the_version_they_name_with_who_and_why(
    app: Driver, seeded: FamilyIds
) -> None:
    fc = app.fc
    base = await my_entry(app)
    elsewhere = base.model_copy(update={"record_id": new_id(), "version_id": new_id()})
    await receive(
        app,
        [
            review_of(base, ReviewAction.RETURN, "Say who called the police.", 30),
            review_of(elsewhere, ReviewAction.RETURN, "Another record's return.", 29),
        ],
    )
    await fc.tap(key=f"child.{seeded.baby_id}.chronology")
    await open_history(app, MY_TEXT)
    returned = fc.value("history.version.1.review.1")
    assert returned.startswith("Returned to the author by Supervisor, Children's social care,")
    assert returned.endswith("Comment: Say who called the police.")

    await fc.enter_text("Police called at night by a neighbour.", key="history.text")
    await fc.enter_text("Named who called, as asked.", key="history.reason")
    await fc.tap(key="history.amend")
    assert not fc.has("history.version.2.review.1")  # the return named version 1 only
    [queued] = app.store.outbox.peek(10)
    amended = app.store.records.get(queued).version

    await receive(app, [review_of(amended, ReviewAction.COUNTERSIGN, "", 31)])
    await fc.tap(key="nav.chronology")
    await fc.tap(key=f"chron.entry.{base.record_id}.history")
    signed = fc.value("history.version.2.review.1")
    assert signed.startswith("Countersigned by Supervisor, Children's social care,")
    assert signed.endswith(".")
    assert "Comment" not in signed
    assert fc.has("history.version.1.review.1")
    assert not fc.has("history.version.1.review.2")  # another record's review is not here


async def test_a_review_made_here_shows_as_yours_until_it_syncs(
    app: Driver, seeded: FamilyIds
) -> None:
    base = entry_head(app, POLICE_TEXT)
    decision = ReviewDecision(
        reviewed_record_id=base.record_id,
        reviewed_version_id=base.version_id,
        action=ReviewAction.ESCALATE,
        comment="Third police call this month.",
        escalation_stage=2,
        reviewer_id=PRACTITIONER.id,
        decided_at=datetime(2026, 11, 3, 10, 0, tzinfo=UTC),
    )
    RecordService(app.store).record([NewRecord(case_id=base.case_id, payload=decision)])
    await app.fc.tap(key=f"child.{seeded.baby_id}.chronology")
    await open_history(app, POLICE_TEXT)
    line = app.fc.value("history.version.1.review.1")
    assert line.startswith("Escalated to stage 2 by You, ")
    assert line.endswith("(not synced yet). Comment: Third police call this month.")


AMENDED = "Home visit: mother asleep at midday, baby in a wet nappy and hungry."
WHY = "Added what the health visitor saw at the cot."


async def reopen_my_entry(app: Driver, seeded: FamilyIds) -> None:
    await app.fc.tap(key=f"child.{seeded.baby_id}.chronology")
    await open_history(app, MY_TEXT)


async def test_an_amendment_being_written_survives_the_auto_lock_until_saved(
    seeded: FamilyIds, config: AppConfig, clock: FakeClock
) -> None:
    async with ticking(config) as driver:
        fc = driver.fc
        await my_entry(driver)
        await reopen_my_entry(driver, seeded)
        await fc.enter_text(AMENDED, key="history.text")
        await fc.enter_text(WHY, key="history.reason")
        await lock_when_idle_and_unlock(driver, clock)
        assert AMENDED.encode() not in on_disk(driver)
        assert WHY.encode() not in on_disk(driver)

        await reopen_my_entry(driver, seeded)
        assert fc.value("history.kept") == KEPT_NOTICE
        assert fc.value("history.text") == AMENDED
        assert fc.value("history.reason") == WHY
        await fc.tap(key="history.amend")
        assert fc.value("message").startswith("Amendment saved.")
        assert fc.value("history.version.2.text") == AMENDED
        assert form_draft_count(driver.store) == 0
        assert not fc.has("history.kept")


async def test_a_kept_change_can_be_discarded(app: Driver, seeded: FamilyIds) -> None:
    await my_entry(app)
    await reopen_my_entry(app, seeded)
    await app.fc.enter_text(AMENDED, key="history.text")
    await lock_in_background_and_unlock(app)
    await reopen_my_entry(app, seeded)
    await app.fc.tap(key="history.discard")
    assert app.fc.value("message") == "Your change was discarded."
    assert app.fc.value("history.text") == MY_TEXT
    assert form_draft_count(app.store) == 0


async def test_another_practitioners_amendment_is_not_shown(app: Driver, seeded: FamilyIds) -> None:
    mine = await my_entry(app)
    other = AmendmentDraft(text="Someone else's words.", reason="Theirs.")
    FormDraftStore(app.store, new_id()).save("amendment", mine.record_id, other)
    await reopen_my_entry(app, seeded)
    assert app.fc.value("history.text") == MY_TEXT
    assert app.fc.value("history.reason") == ""
    assert not app.fc.has("history.kept")
