"""Rule V1 (docs/domain.md, Validation rules): a record's event times are not in the future, and a
late one says why.

One rule for both sides. The server refuses a pushed version whose event time is later than
its receipt plus a small tolerance (clocks drift); the device refuses to finalise one later
than its own clock corrected by the server's. An entry or a visit written more than 24 hours
after the event needs `late_entry_reason`, measured from when the practitioner wrote it (the
version's device time, on a device clock corrected by the server's), never from when it synced.

Event times are the moments something happened: a visit's start and end, an entry's event,
a decision, a meeting and its paperwork, a review. Times set ahead on purpose (a due date, an
escalation's deadline, a plan's review) are not event times and are never checked here.
Calendar days that record something done (agency checks, a GCP2 assessment) are checked
against today's date in England.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from shared.models import ChronologyEntry, RecordPayload, Visit
from shared.rules.calendar import local_date

DEFAULT_CLOCK_TOLERANCE = timedelta(minutes=5)
LATE_ENTRY_AFTER = timedelta(hours=24)

FUTURE_MESSAGE = (
    "This time is in the future: a record says what has already happened. "
    "Check the date and time, and the phone's clock."
)
LATE_ENTRY_MESSAGE = (
    "This was written more than 24 hours after it happened: say why it is being recorded late."
)

# Record type -> its event-time fields; "list[].field" is a field of each item of a list.
EVENT_TIME_FIELDS: dict[str, tuple[str, ...]] = {
    "visit": ("start", "end"),
    "chronology_entry": ("event_datetime",),
    "checklist_response": ("assessed_at",),
    "decision_record": ("decided_at", "countersigned_at"),
    "escalation": ("raised_at", "resolved_at"),
    "meeting": (
        "held_at",
        "invitations_sent_at",
        "minutes_distributed_at",
        "plan_distributed_at",
        "invitees[].invited_at",
    ),
    "review_decision": ("decided_at",),
    "supervision_note": ("held_at",),
    "transfer_out": ("started_at", "notified_at", "acknowledged_at"),
    "significant_adult": ("last_seen_at", "agency_checks[].done_on"),
    "gcp2_reference": ("assessed_on",),
}


def event_times(payload: RecordPayload) -> Iterator[tuple[str, datetime | date]]:
    """Yield (field path, value) for each event time the record holds (unset ones skipped)."""
    for name in EVENT_TIME_FIELDS.get(payload.record_type, ()):
        list_name, _, item_field = name.partition("[].")
        if not item_field:
            value = getattr(payload, name)
            if value is not None:
                yield name, value
            continue
        for index, item in enumerate(getattr(payload, list_name)):
            value = getattr(item, item_field)
            if value is not None:
                yield f"{list_name}.{index}.{item_field}", value


@dataclass(frozen=True, slots=True)
class EventClock:
    """The latest event time a record may hold, on a clock that is right (the server's, or
    the device's corrected by it), allowing `tolerance` for drift."""

    now: datetime
    tolerance: timedelta = DEFAULT_CLOCK_TOLERANCE

    @property
    def latest(self) -> datetime:
        """The latest acceptable event time."""
        return self.now + self.tolerance

    def future_field(self, payload: RecordPayload) -> str | None:
        """Return the path of the first event time later than `latest`, or None if none is."""
        latest = self.latest
        today = local_date(latest)
        for name, value in event_times(payload):
            if isinstance(value, datetime):
                if value > latest:
                    return name
            elif value > today:
                return name
        return None


def late_event(payload: RecordPayload) -> datetime | None:
    """Return the moment V1's late-entry rule measures from: a visit's start, an entry's event
    (None for records that carry no late-entry reason)."""
    if isinstance(payload, Visit):
        return payload.start
    if isinstance(payload, ChronologyEntry):
        return payload.event_datetime
    return None


def is_late(event: datetime, written_at: datetime) -> bool:
    """True when the event is more than 24 hours before it was written (exactly 24 is not)."""
    return written_at - event > LATE_ENTRY_AFTER


def made_at(device_time: datetime, received_at: datetime | None) -> datetime:
    """When a version was made: its device time, never later than the server's receipt of it
    (None while not received), so a device clock set ahead can neither make a prompt entry
    late nor buy a record's deadline more time."""
    return device_time if received_at is None else min(device_time, received_at)


def first_made(made: Iterable[tuple[str, datetime]]) -> dict[str, datetime]:
    """Return record id -> when the record was first made: the earliest `made_at` of its
    versions, given (record id, made at) for each version."""
    first: dict[str, datetime] = {}
    for record_id, at in made:
        first[record_id] = min(at, first.get(record_id, at))
    return first


def needs_late_reason(payload: RecordPayload, written_at: datetime) -> bool:
    """True when a record's first version is late (V1) and gives no late-entry reason."""
    event = late_event(payload)
    if event is None or not is_late(event, written_at):
        return False
    return not getattr(payload, "late_entry_reason", "").strip()
