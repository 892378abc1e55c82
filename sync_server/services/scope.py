"""Who may see what: the one place that answers "may this caller see this case, this record".

A caller's scope is the cases allocated to them; a supervisor's is every case allocated to
anyone in their team (DOMAIN.md 7), themselves included. A case that leaves that scope is a
"left scope" marker on the caller's next pull.

A live break-glass grant (services/break_glass.py) adds its case to what the caller may
*read* on the server, until it expires: `covers()` is True for it, so chronology, history
and alert reads answer. It never joins `cases`, so pull never sends it to a device, and
pushes (checked against allocations in push_rules) are never allowed by it. `holds()` is
the allocation-only test for acts that are not reads (transfers, exports).

An IG officer or a system administrator has no routine case access (DOMAIN.md 7): their
scope is empty even if a case was allocated to them by mistake.

Within scope, a restricted record is readable only by its owner agency (the agency of the
author who first restricted it) and by the roles its restricted versions name. Restriction
is per record and sticky: once any version of a record is restricted, every version of it,
earlier and later, is restricted, and a later version can narrow the named roles but never
widen them (a reader must pass every restricted version). A record the caller may not read
is treated exactly like one that does not exist.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from shared.clock import iso, utc_now
from shared.models import Practitioner
from shared.vocabulary import Role
from sync_server.repository import Repository
from sync_server.repository.interface import RestrictionRow, Viewer


@dataclass(frozen=True, slots=True)
class CallerScope:
    """The cases a caller may see now (case id to allocation id), the ones they left, and
    the ones a live break-glass grant lets them read on the server (never pulled)."""

    cases: dict[str, str]
    left: list[str]
    granted: frozenset[str] = field(default_factory=frozenset)

    def covers(self, case_id: str | None) -> bool:
        """Return True when the caller may read the case: allocated, or a live grant."""
        return case_id is not None and (case_id in self.cases or case_id in self.granted)

    def holds(self, case_id: str | None) -> bool:
        """Return True when the case is in the caller's allocated (or team) scope."""
        return case_id is not None and case_id in self.cases

    @property
    def readable_cases(self) -> frozenset[str]:
        """Every case the caller may read: their scope plus their live grants."""
        return frozenset(self.cases) | self.granted


# DOMAIN.md 7: IG officers work only through a SAR task; administrators see no case content.
NO_CASE_ROLES = frozenset({Role.IG_OFFICER, Role.SYS_ADMIN})


def caller_scope(
    repository: Repository,
    practitioner: Practitioner,
    clock: Callable[[], datetime] = utc_now,
) -> CallerScope:
    """Return the practitioner's scope (their team's caseload if a supervisor) and the
    cases their live break-glass grants open to reading (nothing for NO_CASE_ROLES)."""
    if practitioner.role in NO_CASE_ROLES:
        return CallerScope({}, [])
    granted = repository.live_break_glass(practitioner.id, iso(clock()))
    if practitioner.role == Role.SUPERVISOR:
        team = practitioner.team
        return CallerScope(
            repository.team_allocations(team), repository.team_ended_allocations(team), granted
        )
    return CallerScope(
        repository.allocations(practitioner.id),
        repository.ended_allocations(practitioner.id),
        granted,
    )


def push_scope(
    repository: Repository, practitioner: Practitioner
) -> tuple[frozenset[str], frozenset[str]]:
    """Return the cases a practitioner may push to (their allocations), and the team cases open
    to their reviews and supervision notes (a supervisor's team). Break-glass never counts."""
    if practitioner.role in NO_CASE_ROLES:
        return frozenset(), frozenset()
    team: frozenset[str] = frozenset()
    if practitioner.role == Role.SUPERVISOR:
        team = frozenset(repository.team_allocations(practitioner.team))
    return frozenset(repository.allocated_cases(practitioner.id)), team


def viewer(practitioner: Practitioner) -> Viewer:
    """Return the practitioner as restriction checks see them."""
    return Viewer(practitioner.agency.value, practitioner.role.value)


def may_read(reader: Viewer, rows: Iterable[RestrictionRow]) -> bool:
    """Return True when the reader passes every restriction row of a record (none: True)."""
    return all(row.owner_agency == reader.agency or reader.role in row.roles for row in rows)


def readable(
    repository: Repository, practitioner: Practitioner, record_ids: Iterable[str]
) -> set[str]:
    """Return the record ids among these the practitioner may read, restriction-wise."""
    ids = set(record_ids)
    reader = viewer(practitioner)
    hidden = {
        record_id
        for record_id, rows in repository.restrictions(ids).items()
        if not may_read(reader, rows)
    }
    return ids - hidden
