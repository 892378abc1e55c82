"""Rule V1 at its boundaries: the clock tolerance and the 24-hour late-entry threshold."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.models import Meeting, PlanOutcome
from shared.models.adult import AgencyCheck
from shared.models.meeting import Invitee
from shared.rules.event_time import (
    DEFAULT_CLOCK_TOLERANCE,
    LATE_ENTRY_AFTER,
    EventClock,
    first_made,
    is_late,
    made_at,
    needs_late_reason,
)
from shared.vocabulary import EventType, MeetingType, Relationship
from tests.shared.rules.builders import CHILD_ID, adult, at, entry, visit

NOW = at(2026, 6, 1, 10)
SECOND = timedelta(seconds=1)


def test_the_defaults_are_five_minutes_and_twenty_four_hours() -> None:
    assert (
        timedelta(minutes=5),
        timedelta(hours=24),
    ) == (DEFAULT_CLOCK_TOLERANCE, LATE_ENTRY_AFTER)


@pytest.mark.parametrize(
    ("ahead", "refused"),
    [
        (timedelta(0), False),
        (DEFAULT_CLOCK_TOLERANCE, False),
        (DEFAULT_CLOCK_TOLERANCE + SECOND, True),
    ],
    ids=["now", "exactly-the-tolerance", "one-second-over"],
)
def test_an_event_time_is_refused_one_second_past_the_tolerance(
    ahead: timedelta, refused: bool
) -> None:
    clock = EventClock(NOW)
    assert (clock.future_field(entry(NOW + ahead).entry) == "event_datetime") is refused
    start = NOW + ahead - timedelta(hours=1)  # the end is what runs into the future
    assert (clock.future_field(visit(start).visit) == "end") is refused


def test_a_setting_other_than_the_default_moves_the_boundary() -> None:
    strict = EventClock(NOW, timedelta(0))
    assert strict.future_field(entry(NOW + SECOND).entry) == "event_datetime"
    assert strict.future_field(entry(NOW).entry) is None


def test_nested_and_day_event_times_are_checked_and_named() -> None:
    meeting = Meeting(
        meeting_type=MeetingType.CORE_GROUP,
        child_ids=(CHILD_ID,),
        held_at=NOW - timedelta(days=1),
        invitees=(
            Invitee(role="health_visitor"),
            Invitee(role="school_nurse", invited_at=NOW + timedelta(days=3)),
        ),
    )
    assert EventClock(NOW).future_field(meeting) == "invitees.1.invited_at"
    dad = adult(Relationship.BIRTH_FATHER).adult
    tomorrow = dad.model_copy(
        update={"agency_checks": (AgencyCheck(done_on=date(2026, 6, 2), result="Police: none."),)}
    )
    assert EventClock(NOW).future_field(tomorrow) == "agency_checks.0.done_on"
    today = tomorrow.model_copy(
        update={"agency_checks": (AgencyCheck(done_on=date(2026, 6, 1), result="Police: none."),)}
    )
    assert EventClock(NOW).future_field(today) is None


def test_planned_and_due_times_in_the_future_are_not_event_times() -> None:
    outcome = PlanOutcome(
        plan_id=CHILD_ID,
        danger_statement="Synthetic: the children go hungry if nothing changes.",
        safety_goal="Food in the home every day.",
        consequence_if_not_achieved="Legal advice sought.",
        measure="Seen at each visit.",
        owner="Parents",
        due=date(2026, 9, 1),
    )
    assert EventClock(NOW).future_field(outcome) is None


@pytest.mark.parametrize(
    ("gap", "late"),
    [
        (LATE_ENTRY_AFTER - SECOND, False),
        (LATE_ENTRY_AFTER, False),
        (LATE_ENTRY_AFTER + SECOND, True),
    ],
    ids=["under", "exactly-24-hours", "one-second-over"],
)
def test_late_is_more_than_24_hours_between_event_and_writing(gap: timedelta, late: bool) -> None:
    assert is_late(NOW - gap, NOW) is late
    assert needs_late_reason(visit(NOW - gap).visit, NOW) is late
    assert needs_late_reason(entry(NOW - gap, EventType.HOME_VISIT).entry, NOW) is late


def test_a_late_entry_with_its_reason_needs_nothing_more() -> None:
    late = visit(NOW - timedelta(days=3)).visit
    explained = late.model_copy(update={"late_entry_reason": "Written up after the court hearing."})
    assert needs_late_reason(late, NOW)
    assert not needs_late_reason(explained, NOW)
    blank = late.model_copy(update={"late_entry_reason": "   "})
    assert needs_late_reason(blank, NOW)


def test_a_version_is_made_at_its_device_time_never_later_than_its_receipt() -> None:
    device = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert made_at(device, None) == device  # not received yet: the device's word
    assert made_at(device, device + timedelta(hours=3)) == device  # synced later
    fast = device + timedelta(days=2)  # a device clock set ahead
    assert made_at(fast, device) == device


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c"]),
            st.datetimes(timezones=st.just(UTC)),
            st.none() | st.datetimes(timezones=st.just(UTC)),
        ),
        max_size=12,
    )
)
def test_a_record_is_first_made_at_the_earliest_made_at_of_its_versions(
    versions: list[tuple[str, datetime, datetime | None]],
) -> None:
    first = first_made(
        (record_id, made_at(device, received)) for record_id, device, received in versions
    )

    assert set(first) == {record_id for record_id, _, _ in versions}
    for record_id, earliest in first.items():
        times = [(d, r) for i, d, r in versions if i == record_id]
        assert earliest == min(min(d, r) if r is not None else d for d, r in times)
