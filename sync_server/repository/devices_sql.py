"""Queries behind the team dashboard's device figure (portable SQL, dialect.py)."""

from sync_server.repository.device_queries import TeamDevice
from sync_server.repository.dialect import SqlConnection

# Revoking a practitioner revokes their devices too, so the device's own mark is enough.
_TEAM_DEVICES_SQL = """
SELECT d.id, d.practitioner_id, d.last_seen_at FROM devices d
JOIN practitioners p ON p.id = d.practitioner_id
WHERE p.team = ? AND d.revoked_at IS NULL
ORDER BY d.practitioner_id, d.created_at, d.id
"""


class SqliteDeviceQueries:
    """The live devices of a team, with when each was last seen."""

    _conn: SqlConnection

    def team_devices(self, team: str) -> list[TeamDevice]:
        """Return the live devices of the team's members, by practitioner then age."""
        return [TeamDevice(*row) for row in self._conn.execute(_TEAM_DEVICES_SQL, (team,))]
