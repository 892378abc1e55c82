"""A record's versions on the device, and the versions that amend, take back and resolve it."""

from datetime import UTC, datetime, timedelta

import pytest

from mobile_app.errors import MobileError
from mobile_app.services.chronology.history import EntryRevisions, HistoryService
from mobile_app.store import DeviceStore, SyncState
from shared.ids import new_id
from shared.models import ChronologyEntry, Practitioner
from shared.protocol import PulledVersion
from shared.vocabulary import (
    Agency,
    DatePrecision,
    EventType,
    InformationSource,
    Lifecycle,
    Role,
    Significance,
)

BASE_TIME = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def chronology_entry(
    child_id: str,
    *,
    author_id: str,
    day: int = 1,
    event_type: EventType = EventType.HOME_VISIT,
    agency: Agency = Agency.CSC,
    precision: DatePrecision = DatePrecision.EXACT,
    summary: str = "Home cold; no food in the fridge.",
) -> ChronologyEntry:
    """A synthetic entry about one child, written by a social worker."""
    return ChronologyEntry(
        child_ids=(child_id,),
        event_datetime=datetime(2026, 10, day, 10, 0, tzinfo=UTC),
        event_date_precision=precision,
        source_agency=agency,
        information_source=InformationSource.DIRECT_OBSERVATION,
        author_id=author_id,
        author_role=Role.SOCIAL_WORKER,
        event_type=event_type,
        summary=summary,
        action_taken="Discussed with mother.",
        significance=Significance.SIGNIFICANT,
    )


def pulled_version(
    case_id: str,
    record_id: str,
    payload: ChronologyEntry,
    seq: int,
    *,
    agency: Agency = Agency.CSC,
    replaces: tuple[str, ...] = (),
    reason: str = "",
    lifecycle: Lifecycle = Lifecycle.CURRENT,
) -> PulledVersion:
    """A version as the server sends it, signed by the entry's author."""
    return PulledVersion(
        version_id=new_id(),
        record_id=record_id,
        replaces_version_id=replaces[0] if replaces else None,
        also_replaces=replaces[1:],
        lifecycle=lifecycle,
        amend_reason=reason,
        case_id=case_id,
        device_time=BASE_TIME + timedelta(minutes=seq),
        payload=payload,
        server_seq=seq,
        author_id=payload.author_id,
        author_agency=agency,
        recorded_at=BASE_TIME + timedelta(minutes=seq),
    )


@pytest.fixture
def ids() -> tuple[str, str, str]:
    """A case, a child in it, and an entry's record id."""
    return new_id(), new_id(), new_id()


@pytest.fixture
def base(
    store: DeviceStore, ids: tuple[str, str, str], practitioner: Practitioner
) -> PulledVersion:
    """My own entry, made on my other phone and pulled here (only an author amends)."""
    case_id, child_id, record_id = ids
    payload = chronology_entry(child_id, author_id=practitioner.id)
    version = pulled_version(case_id, record_id, payload, 1)
    store.records.merge_pulled([version])
    return version


def rival_edits(store: DeviceStore, base: PulledVersion) -> tuple[PulledVersion, PulledVersion]:
    """Two amendments of the same version made apart, as the server sends both."""
    entry = base.payload
    assert isinstance(entry, ChronologyEntry)
    edits = tuple(
        pulled_version(
            base.case_id,
            base.record_id,
            entry.model_copy(update={"summary": text, "author_id": author}),
            seq,
            agency=agency,
            replaces=(base.version_id,),
            reason="Corrected after a call.",
        )
        for seq, text, author, agency in (
            (2, "Home cold; fridge empty.", new_id(), Agency.CSC),
            (3, "Home warm; some food.", new_id(), Agency.HEALTH_VISITING),
        )
    )
    store.records.merge_pulled(list(edits))
    return edits[0], edits[1]


def test_history_lists_versions_oldest_first_with_author_reason_and_state(
    store: DeviceStore, practitioner: Practitioner, base: PulledVersion
) -> None:
    revisions = EntryRevisions(store, practitioner)
    mine = revisions.amend(base.record_id, "Home cold; no food seen.", "Typo in the summary.")
    history = HistoryService(store, practitioner.id).for_record(base.record_id)

    assert [v.version_id for v in history.versions] == [base.version_id, mine.version_id]
    first, second = history.versions
    assert first.author == "You"
    assert (first.replaces, first.is_head, first.state) == ((), False, SyncState.SYNCED)
    assert second.author == "You"
    assert second.replaces == (base.version_id,)
    assert second.reason == "Typo in the summary."
    assert (second.is_head, second.competing, second.state) == (True, False, SyncState.PENDING)
    assert second.text == "Home cold; no food seen."
    assert not history.in_conflict
    assert store.outbox.peek(10) == [mine.version_id]


def test_an_amendment_is_signed_by_the_person_who_makes_it(
    store: DeviceStore, practitioner: Practitioner, base: PulledVersion
) -> None:
    """The server refuses an entry version signed with another person's id."""
    version = EntryRevisions(store, practitioner).amend(base.record_id, "New text.", "Clearer.")
    assert isinstance(version.payload, ChronologyEntry)
    assert version.payload.author_id == practitioner.id
    assert version.payload.author_role == practitioner.role
    assert version.payload.source_agency == Agency.CSC  # where the information came from


def test_only_the_author_amends_or_takes_back_an_entry(
    store: DeviceStore, practitioner: Practitioner, ids: tuple[str, str, str]
) -> None:
    """A colleague or supervisor adds to another person's entry; they never rewrite it."""
    case_id, child_id, record_id = ids
    theirs = pulled_version(case_id, record_id, chronology_entry(child_id, author_id=new_id()), 1)
    store.records.merge_pulled([theirs])
    revisions = EntryRevisions(store, practitioner)

    assert not revisions.may_change(record_id)
    with pytest.raises(MobileError, match="Only the person who wrote this entry"):
        revisions.amend(record_id, "Rewritten.", "I disagree.")
    with pytest.raises(MobileError, match="Only the person who wrote this entry"):
        revisions.take_back(record_id, Lifecycle.WITHDRAWN, "I disagree.")
    assert store.outbox.count() == 0


def test_history_puts_a_replaced_version_first_even_when_it_arrived_last(
    store: DeviceStore, ids: tuple[str, str, str]
) -> None:
    case_id, child_id, record_id = ids
    first = pulled_version(case_id, record_id, chronology_entry(child_id, author_id=new_id()), 1)
    entry = first.payload
    assert isinstance(entry, ChronologyEntry)
    later = pulled_version(
        case_id,
        record_id,
        entry.model_copy(update={"summary": "Amended."}),
        2,
        replaces=(first.version_id,),
        reason="Wrong date.",
    )
    store.records.merge_pulled([later])
    store.records.merge_pulled([first])
    history = HistoryService(store).for_record(record_id)
    assert [v.version_id for v in history.versions] == [first.version_id, later.version_id]


def test_competing_versions_are_marked_and_resolving_names_both(
    store: DeviceStore, practitioner: Practitioner, base: PulledVersion
) -> None:
    one, two = rival_edits(store, base)
    history = HistoryService(store, practitioner.id).for_record(base.record_id)
    assert history.in_conflict
    assert [v.version_id for v in history.versions if v.competing] == [
        one.version_id,
        two.version_id,
    ]
    assert {v.author for v in history.heads} == {
        "Social worker, Children's social care",
        "Social worker, Health visiting",
    }

    resolution = EntryRevisions(store, practitioner).resolve(
        base.record_id, "Home cold; fridge empty.", "Agreed with both authors.", two.version_id
    )

    assert {resolution.replaces_version_id, *resolution.also_replaces} == {
        one.version_id,
        two.version_id,
    }
    after = HistoryService(store, practitioner.id).for_record(base.record_id)
    assert not after.in_conflict
    assert [v.version_id for v in after.heads] == [resolution.version_id]
    assert after.versions[-1].reason == "Agreed with both authors."
    assert store.outbox.peek(10) == [resolution.version_id]


def test_amending_an_entry_in_conflict_is_refused_until_it_is_resolved(
    store: DeviceStore, practitioner: Practitioner, base: PulledVersion
) -> None:
    rival_edits(store, base)
    with pytest.raises(MobileError, match="resolve the conflict"):
        EntryRevisions(store, practitioner).amend(base.record_id, "Other text.", "Because.")
    assert store.outbox.count() == 0


def test_only_the_entrys_author_resolves_its_conflict(
    store: DeviceStore, practitioner: Practitioner, ids: tuple[str, str, str]
) -> None:
    """The server takes a resolution only from the person who made the first version."""
    case_id, child_id, record_id = ids
    theirs = pulled_version(case_id, record_id, chronology_entry(child_id, author_id=new_id()), 1)
    store.records.merge_pulled([theirs])
    one, _ = rival_edits(store, theirs)
    revisions = EntryRevisions(store, practitioner)

    assert not revisions.may_change(record_id)
    with pytest.raises(MobileError, match="can resolve it"):
        revisions.resolve(record_id, "Home cold.", "Agreed with both.", one.version_id)
    assert store.outbox.count() == 0
    assert len(store.records.head_ids(record_id)) == 2


def test_resolving_without_a_conflict_is_refused(
    store: DeviceStore, practitioner: Practitioner, base: PulledVersion
) -> None:
    with pytest.raises(MobileError, match="no conflict"):
        EntryRevisions(store, practitioner).resolve(
            base.record_id, "Text.", "Reason.", base.version_id
        )


@pytest.mark.parametrize("reason", ["", "   "], ids=["empty", "blank"])
def test_every_change_needs_a_reason(
    store: DeviceStore, practitioner: Practitioner, base: PulledVersion, reason: str
) -> None:
    revisions = EntryRevisions(store, practitioner)
    with pytest.raises(MobileError, match="Give a reason"):
        revisions.amend(base.record_id, "New text.", reason)
    with pytest.raises(MobileError, match="Give a reason"):
        revisions.take_back(base.record_id, Lifecycle.WITHDRAWN, reason)
    assert store.outbox.count() == 0


def test_text_too_long_names_the_field_and_not_the_text(
    store: DeviceStore, practitioner: Practitioner, base: PulledVersion
) -> None:
    secret = "Kieran said " + "x" * 1000
    with pytest.raises(MobileError) as caught:
        EntryRevisions(store, practitioner).amend(base.record_id, secret, "Added detail.")
    assert str(caught.value).startswith("summary:")
    assert "Kieran" not in str(caught.value)


@pytest.mark.parametrize(
    "lifecycle", [Lifecycle.WITHDRAWN, Lifecycle.ENTERED_IN_ERROR], ids=["withdrawn", "in_error"]
)
def test_taking_an_entry_back_is_a_version_with_its_lifecycle_and_reason(
    store: DeviceStore, practitioner: Practitioner, base: PulledVersion, lifecycle: Lifecycle
) -> None:
    version = EntryRevisions(store, practitioner).take_back(
        base.record_id, lifecycle, "Recorded on the wrong child."
    )
    assert version.lifecycle == lifecycle
    assert version.replaces_version_id == base.version_id
    history = HistoryService(store, practitioner.id).for_record(base.record_id)
    assert [v.lifecycle for v in history.versions] == [Lifecycle.CURRENT, lifecycle]
    assert history.versions[-1].text == "Home cold; no food in the fridge."  # kept, not erased


def test_taking_back_as_current_is_refused(
    store: DeviceStore, practitioner: Practitioner, base: PulledVersion
) -> None:
    with pytest.raises(MobileError, match="withdrawn or entered in error"):
        EntryRevisions(store, practitioner).take_back(base.record_id, Lifecycle.CURRENT, "Why.")


def test_unchanged_text_is_not_an_amendment(
    store: DeviceStore, practitioner: Practitioner, base: PulledVersion
) -> None:
    with pytest.raises(MobileError, match="unchanged"):
        EntryRevisions(store, practitioner).amend(
            base.record_id, " Home cold; no food in the fridge. ", "No change."
        )


def test_a_record_not_on_the_device_has_no_history(store: DeviceStore) -> None:
    with pytest.raises(MobileError, match="not on this device"):
        HistoryService(store).for_record(new_id())
