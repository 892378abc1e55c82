"""The storage interface for the team dashboard's device figure: when each device last synced."""

from typing import NamedTuple, Protocol


class TeamDevice(NamedTuple):
    """A live (not revoked) device of a team member, and when the server last saw it."""

    device_id: str
    practitioner_id: str
    last_seen_at: str | None


class TeamDeviceQueries(Protocol):
    """The device queries a team dashboard needs."""

    def team_devices(self, team: str) -> list[TeamDevice]:
        """Return the live devices of the team's members whose access is not revoked."""
        ...
