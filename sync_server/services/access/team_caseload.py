"""A team's caseload: the cases its members hold now, since when, and the ones it let go.

A supervisor's scope is every case live-allocated to anyone in their team (docs/domain.md,
Roles). Their device keeps a case under an allocation id; that id must change exactly when the
team let the case go and took it back (the device then re-downloads it, in case something
was hidden or withdrawn meanwhile), and must not change when the case only moves between
members. So the id is that of the allocation that started the case's current unbroken
stretch of team holding: the team's allocations of the case in allocated_at order, a new
stretch starting at one made when none was live.

The store keeps only each member's latest allocation of a case (a reallocation overwrites
it), so a stretch whose first holder left and was allocated again within it starts, as far as
the rows show, at a later allocation: the id then changes once more than it must. That costs
a re-download, never a missed one: every real gap is also a gap in the rows.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sync_server.repository.interface import TeamAllocation


@dataclass(frozen=True, slots=True)
class TeamCaseload:
    """The cases a team holds now (case id to the id of its stretch) and the ones it let go."""

    live: dict[str, str]
    left: list[str]


def _moment(text: str | None) -> datetime | None:
    # Compared parsed: isoformat() drops a zero microsecond, so stored text does not sort as
    # time does.
    return None if text is None else datetime.fromisoformat(text)


class _Stretch:
    """An unbroken stretch of a case's team allocations, walked in allocated_at order."""

    def __init__(self, first_id: str, until: datetime | None) -> None:
        self.first_id = first_id
        self.until = until  # the latest end so far; None while an allocation is live

    def live_at(self, at: datetime) -> bool:
        """Return True when an allocation of the stretch is still live at `at`.

        An end at the very instant of the next allocation counts as a break: a pull may
        have seen the case leave the team in between, so its device must re-download.
        """
        return self.until is None or self.until > at

    def extend(self, ended_at: datetime | None) -> None:
        """Take in an allocation that began while the stretch was live."""
        if self.until is not None and (ended_at is None or ended_at > self.until):
            self.until = ended_at


def team_caseload(allocations: Iterable[TeamAllocation]) -> TeamCaseload:
    """Return what a team holds from every stored allocation of its members (live or ended)."""
    rows = sorted(
        (row.case_id, datetime.fromisoformat(row.allocated_at), row.allocation_id,
         _moment(row.ended_at))
        for row in allocations
    )  # fmt: skip
    stretches: dict[str, _Stretch] = {}
    for case_id, allocated_at, allocation_id, ended_at in rows:
        stretch = stretches.get(case_id)
        if stretch is None or not stretch.live_at(allocated_at):
            stretches[case_id] = _Stretch(allocation_id, ended_at)
        else:
            stretch.extend(ended_at)
    live = {case: held.first_id for case, held in stretches.items() if held.until is None}
    return TeamCaseload(live, sorted(stretches.keys() - live.keys()))
