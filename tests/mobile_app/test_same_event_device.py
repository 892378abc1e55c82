"""Same-event suggestions and links on the device: the shared rule (tests/shared/test_same_event.py)
over the entries this device holds."""

from datetime import date
from typing import Any

import pytest

from mobile_app.errors import MobileError
from mobile_app.services.chronology.history import EntryRevisions
from mobile_app.services.chronology.same_event import SameEventService, linked_entries
from mobile_app.services.records import NewRecord, RecordService
from mobile_app.store import DeviceStore
from shared.ids import new_id
from shared.models import Practitioner
from shared.models.link import SameEventLink
from shared.protocol import PulledVersion
from shared.vocabulary import Agency, DatePrecision, EventType, Lifecycle
from tests.mobile_app.test_history_service import chronology_entry, pulled_version

Ids = tuple[str, str]


@pytest.fixture
def ids() -> Ids:
    """A case and a child in it."""
    return new_id(), new_id()


def pull_entry(
    store: DeviceStore,
    ids: Ids,
    seq: int,
    agency: Agency,
    author_id: str | None = None,
    **entry: Any,
) -> PulledVersion:
    """Store one agency's entry about the child, as pulled from the server."""
    case_id, child_id = ids
    author = author_id or new_id()
    payload = chronology_entry(child_id, author_id=author, agency=agency, **entry)
    version = pulled_version(case_id, new_id(), payload, seq, agency=agency)
    store.records.merge_pulled([version])
    return version


def test_two_agencies_on_one_date_and_type_are_suggested_until_linked(
    store: DeviceStore, practitioner: Practitioner, ids: Ids
) -> None:
    police = pull_entry(store, ids, 1, Agency.POLICE, day=8)
    social = pull_entry(store, ids, 2, Agency.CSC, day=8)
    pull_entry(store, ids, 3, Agency.SCHOOL, day=9)  # another day: not the same event
    service = SameEventService(store, practitioner)

    [suggestion] = service.suggestions(ids[1])
    assert set(suggestion.entry_record_ids) == {police.record_id, social.record_id}
    assert suggestion.event_date == date(2026, 10, 8)
    assert suggestion.event_type == "home_visit"
    assert set(suggestion.author_agencies) == {"police", "CSC"}

    link = service.link(ids[1], suggestion.entry_record_ids)

    assert service.suggestions(ids[1]) == []
    assert isinstance(link.payload, SameEventLink)
    assert link.payload.made_by == practitioner.id
    assert link.case_id == ids[0]
    assert store.outbox.peek(10) == [link.version_id]
    assert linked_entries(store) == {
        police.record_id: [social.record_id],
        social.record_id: [police.record_id],
    }


def test_a_withdrawn_link_brings_the_suggestion_back(
    store: DeviceStore, practitioner: Practitioner, ids: Ids
) -> None:
    first = pull_entry(store, ids, 1, Agency.POLICE)
    second = pull_entry(store, ids, 2, Agency.CSC)
    service = SameEventService(store, practitioner)
    link = service.link(ids[1], (first.record_id, second.record_id))
    RecordService(store).amend(
        link.record_id, link.payload, reason="Two events.", lifecycle=Lifecycle.WITHDRAWN
    )
    assert linked_entries(store) == {}
    assert len(service.suggestions(ids[1])) == 1


def test_my_own_entry_made_here_is_compared_as_mine(
    store: DeviceStore, practitioner: Practitioner, ids: Ids
) -> None:
    police = pull_entry(store, ids, 1, Agency.POLICE)
    mine = chronology_entry(ids[1], author_id=practitioner.id, agency=Agency.HEALTH_VISITING)
    [made] = RecordService(store).record([NewRecord(ids[0], mine)])
    [suggestion] = SameEventService(store, practitioner).suggestions(ids[1])
    pair = dict(zip(suggestion.entry_record_ids, suggestion.author_agencies, strict=True))
    assert pair == {police.record_id: "police", made.record_id: "health_visiting"}


def test_entries_in_conflict_or_taken_back_are_not_suggested(
    store: DeviceStore, practitioner: Practitioner, ids: Ids
) -> None:
    police = pull_entry(store, ids, 1, Agency.POLICE)
    social = pull_entry(store, ids, 2, Agency.CSC, author_id=practitioner.id)  # mine
    EntryRevisions(store, practitioner).take_back(
        social.record_id, Lifecycle.ENTERED_IN_ERROR, "Wrong child."
    )
    assert SameEventService(store, practitioner).suggestions(ids[1]) == []
    with pytest.raises(MobileError, match="has changed on this device"):
        SameEventService(store, practitioner).link(ids[1], (police.record_id, social.record_id))


@pytest.mark.parametrize(
    ("first", "second", "suggested"),
    [
        ({"day": 8}, {"day": 8, "event_type": EventType.INJURY}, False),
        ({"day": 8}, {"day": 11, "precision": DatePrecision.APPROX}, True),
        ({"day": 8}, {"day": 12, "precision": DatePrecision.APPROX}, False),
        ({"day": 8, "precision": DatePrecision.DATE_ONLY}, {"day": 8}, True),
    ],
    ids=["other_event_type", "approx_within_3_days", "approx_4_days_off", "date_only_same_day"],
)
def test_the_rule_on_type_and_date(
    store: DeviceStore,
    practitioner: Practitioner,
    ids: Ids,
    first: dict[str, object],
    second: dict[str, object],
    suggested: bool,
) -> None:
    pull_entry(store, ids, 1, Agency.POLICE, **first)
    pull_entry(store, ids, 2, Agency.CSC, **second)
    found = SameEventService(store, practitioner).suggestions(ids[1])
    assert len(found) == int(suggested)


def test_one_author_twice_is_not_a_suggestion(
    store: DeviceStore, practitioner: Practitioner, ids: Ids
) -> None:
    for _ in range(2):
        mine = chronology_entry(ids[1], author_id=practitioner.id, agency=Agency.HEALTH_VISITING)
        RecordService(store).record([NewRecord(ids[0], mine)])
    assert SameEventService(store, practitioner).suggestions(ids[1]) == []


@pytest.mark.parametrize("chosen", [1, 0], ids=["one_entry", "unknown_entry"])
def test_a_link_needs_two_current_entries_of_the_child(
    store: DeviceStore, practitioner: Practitioner, ids: Ids, chosen: int
) -> None:
    entry = pull_entry(store, ids, 1, Agency.POLICE)
    pair = (entry.record_id, entry.record_id) if chosen else (entry.record_id, new_id())
    with pytest.raises(MobileError):
        SameEventService(store, practitioner).link(ids[1], pair)
    assert store.outbox.count() == 0
