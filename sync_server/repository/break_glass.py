"""Break-glass grants as storage sees them: the row, and the queries every backend answers.

A grant lets one practitioner read one case outside their scope until it expires. Grants
are append-only: an expired grant stays as the record of what was opened, when and why.
"""

from typing import NamedTuple, Protocol


class BreakGlassGrant(NamedTuple):
    """One break-glass grant; `team` is the grantee's team when it was granted."""

    id: str
    practitioner_id: str
    case_id: str
    team: str
    reason: str
    granted_at: str
    expires_at: str


class BreakGlassQueries(Protocol):
    """Store and find break-glass grants (ISO 8601 UTC times compare as text)."""

    def add_break_glass(self, grant: BreakGlassGrant) -> None:
        """Store a grant."""
        ...

    def live_break_glass(self, practitioner_id: str, at: str) -> frozenset[str]:
        """Return the cases the practitioner holds a grant for that has not expired at `at`."""
        ...

    def team_break_glass(self, team: str, since: str) -> list[BreakGlassGrant]:
        """Return the grants made to members of a team since `since`, newest first."""
        ...
