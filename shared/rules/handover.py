"""Handover grace (issue 13): what the previous team recorded before a transfer still arrives.

A practitioner who recorded a visit offline and then lost the case to a transfer must not lose
the visit at the door of the sync: that is the broken handover the review describes. The
server accepts a version from a practitioner whose allocation a transfer ended when what it
records happened no later than the allocation's end and it is pushed within the grace period
after that end (exactly the grace period is still in time). The version keeps its author and
is marked "recorded by the previous team before the transfer". Outside those bounds it is
refused with a reason naming the transfer; a supervisor of the sender's team may forward a
version that missed only the grace period.

The moment a version records is its earliest event time (a visit's start, an entry's event),
or, for a record with none (a significant adult, a family), when it was written.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from shared.protocol import RecordVersion
from shared.rules.calendar import local_date
from shared.rules.event_time import event_times
from shared.rules.model import when

DEFAULT_HANDOVER_GRACE: Final = timedelta(days=30)
BEFORE_TRANSFER_LABEL: Final = "recorded by the previous team before the transfer"
TRANSFERRED_WORDS: Final = "this case was transferred to "


@dataclass(frozen=True, slots=True)
class Handover:
    """A practitioner's allocation of a case that a transfer ended, and where the case went."""

    ended_at: datetime
    receiving_team: str
    transfer_record_id: str


def recorded_moment(version: RecordVersion) -> datetime:
    """Return when what the version records happened: its earliest event time, else when it
    was written (a calendar day counts from its start, in UTC)."""
    moments = [
        value if isinstance(value, datetime) else datetime(value.year, value.month, value.day,
                                                           tzinfo=version.device_time.tzinfo)
        for _, value in event_times(version.payload)
    ]  # fmt: skip
    return min(moments) if moments else version.device_time


def transfer_words(handover: Handover) -> str:
    """Name the transfer as a practitioner reads it: team and date."""
    return f"{TRANSFERRED_WORDS}{handover.receiving_team} on {_day(handover.ended_at)}"


def handover_refusal(
    version: RecordVersion,
    handover: Handover,
    received_at: datetime,
    grace: timedelta,
    forwarded: bool = False,
) -> str | None:
    """Return why a version from the previous team is refused, or None when it is accepted.

    Args:
        version: the pushed version, of a case the pusher held until `handover.ended_at`.
        handover: the pusher's ended allocation and the transfer that ended it.
        received_at: when the server received the push.
        grace: how long after the allocation ended such a version is still accepted.
        forwarded: a supervisor of the sender's team forwards it (the grace period is waived).
    """
    if recorded_moment(version) > handover.ended_at:
        return (
            f"{transfer_words(handover)}, before this happened, so it is no longer yours to "
            "record: pass it to the receiving team"
        )
    if not forwarded and received_at - handover.ended_at > grace:
        deadline = handover.ended_at + grace
        return (
            f"{transfer_words(handover)}; what you recorded before then could be sent until "
            f"{_day(deadline)}. Ask your supervisor to forward it to the receiving team"
        )
    return None


def is_transfer_refusal(message: str | None) -> bool:
    """True when a push refusal is the handover rule's (it names the transfer)."""
    return bool(message) and str(message).startswith(TRANSFERRED_WORDS)


def _day(moment: datetime) -> str:
    return when(local_date(moment))
