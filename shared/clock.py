"""Time in one place, so every side stamps UTC the same way and tests can pin it."""

from datetime import UTC, datetime


def utc_now() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """Format an aware datetime as ISO 8601 in UTC with a Z suffix, always to the microsecond.

    Stored times are compared as text (a break-glass window's end, a lockout's): one fixed
    width keeps text order and time order the same. Python drops a zero fraction, and then
    "10:00:00.5Z" sorts before "10:00:00Z".
    """
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
