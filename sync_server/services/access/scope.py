"""Who may see what: the one place that answers "may this caller see this case, this record".

A caller's scope is the cases allocated to them; a supervisor's is every case allocated to
anyone in their team (docs/domain.md, Roles), themselves included (team_caseload.py). A case
that leaves that scope is a "left scope" marker on the caller's next pull.

A live break-glass grant (services/access/break_glass.py) adds its case to what the caller may
*read* on the server, until it expires: `covers()` is True for it, so chronology, history
and alert reads answer. It never joins `cases`, so pull never sends it to a device, and
pushes (checked against allocations in push_rules) are never allowed by it. `holds()` is
the allocation-only test for acts that are not reads (transfers, exports).

An IG officer or a system administrator has no routine case access (docs/domain.md, Roles): their
scope is empty even if a case was allocated to them by mistake.

Within scope, a restricted record is readable only by its owner agency (the agency of the
author who first restricted it) and by the roles its restricted versions name. Restriction
is per record and sticky: once any version of a record is restricted, every version of it,
earlier and later, is restricted, and a later version can narrow the named roles but never
widen them (a reader must pass every restricted version). A record the caller may not read
is treated exactly like one that does not exist.

A partner contributor (school, housing, police liaison) reads, within their scope, only
what docs/domain.md (Roles) gives them, "own entries plus plan summary", no visit detail: the child
and family records they need to add an entry (reduced: services/access/partner_view.py), the plan
(cp_plan, plan_outcome), and the chronology entries and same-event links their own agency
made (the agency of the record's first version; every later version of such a record comes
with it). `viewer()` carries that limit to every reader: `readable()` checks it with
`sees_kind`, and pull (and so every view built on `current_records`) with its SQL twin, so
no read path can forget it.

Hiding reaches back to devices. A record that becomes hidden from a caller (a later version
restricts it or narrows its roles) while they could read it is "withdrawn" on their next
pull: `withdrawn_records` names it, and only it, so a record the caller could never read
(restricted from its first version, or hidden before their allocation began) is never
named. A review, decision or same-event link about an entry carries the entry's restriction
(services/sync/ingest.py writes its rows, whether it was stored before the restriction or after),
so every read path hides it with the entry, and withdrawal names it with the entry when the
caller could read it before. A change of the read rules themselves (as when partners were
narrowed) bumps READ_RULES_GENERATION: a device that last pulled under another generation
drops what it holds from the server and pulls again, so nothing read under the older rules
stays.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from shared.clock import iso, utc_now
from shared.models import Practitioner
from shared.vocabulary import Role
from sync_server.repository import Repository
from sync_server.repository.interface import RestrictionRow, Viewer
from sync_server.services.access.team_caseload import team_caseload

# Bump when a read rule narrows (what some role may read shrinks): every device then
# re-downloads what it may read now. 1: partner contributors limited to docs/domain.md (Roles).
# 2: partners given child and family records reduced (services/access/partner_view.py).
READ_RULES_GENERATION = 2


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


# docs/domain.md (Roles): IG officers work only through a SAR task; administrators see no case
# content.
NO_CASE_ROLES = frozenset({Role.IG_OFFICER, Role.SYS_ADMIN})
# docs/domain.md (Roles): a partner reads their own agency's entries plus the plan summary. They
# read every child, family, plan and outcome record of their cases, but the child and family ones
# only reduced to what names the child (services/access/partner_view.py): the app needs them to
# show the child and add an entry, not the child's health or the adults' difficulties.
PARTNER_WHOLE_TYPES = frozenset({"child", "family", "cp_plan", "plan_outcome"})
PARTNER_REDUCED_TYPES = frozenset({"child", "family"})
PARTNER_OWN_TYPES = frozenset({"chronology_entry", "same_event_link"})


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
        held = team_caseload(repository.team_allocation_history(practitioner.team))
        return CallerScope(held.live, held.left, granted)
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
        team = frozenset(team_caseload(repository.team_allocation_history(practitioner.team)).live)
    return frozenset(repository.allocated_cases(practitioner.id)), team


def viewer(practitioner: Practitioner) -> Viewer:
    """Return the practitioner as read checks see them (with a partner's kinds of record)."""
    agency, role = practitioner.agency.value, practitioner.role.value
    if practitioner.role == Role.PARTNER_CONTRIBUTOR:
        return Viewer(agency, role, PARTNER_WHOLE_TYPES, PARTNER_OWN_TYPES)
    return Viewer(agency, role)


def may_read(reader: Viewer, rows: Iterable[RestrictionRow]) -> bool:
    """Return True when the reader passes every restriction row of a record (none: True).

    Pull's SQL twin is repository.scope_sql.HIDDEN_FROM_VIEWER (its negation), held to this
    by tests/contract/test_read_rule_twins_contract.py.
    """
    return all(row.owner_agency == reader.agency or reader.role in row.roles for row in rows)


def sees_kind(reader: Viewer, record_type: str, first_agency: str) -> bool:
    """Return True when the reader's kinds of record admit this one (no limit: True).

    `first_agency` is the agency of whoever pushed the record's first version. The SQL twin
    of this predicate is repository.scope_sql.SEES_KIND: change both together
    (tests/contract/test_read_rule_twins_contract.py holds them to one answer).
    """
    if reader.whole_types is None:
        return True
    if record_type in reader.whole_types:
        return True
    return record_type in reader.own_types and first_agency == reader.agency


def readable(
    repository: Repository, practitioner: Practitioner, record_ids: Iterable[str]
) -> set[str]:
    """Return the record ids among these the practitioner may read: restriction-wise, and
    for a partner, by kind of record (an unknown id is then left out too)."""
    ids = set(record_ids)
    reader = viewer(practitioner)
    if reader.whole_types is not None:
        origins = repository.record_origins(ids)
        ids = {i for i in ids if i in origins and sees_kind(reader, *origins[i])}
    hidden = {
        record_id
        for record_id, rows in repository.restrictions(ids).items()
        if not may_read(reader, rows)
    }
    return ids - hidden


def withdrawn_records(
    repository: Repository,
    scope: CallerScope,
    reader: Viewer,
    after: int,
    upto: int,
) -> list[str]:
    """Return the ids of records in the caller's cases that became hidden from them between
    server_seq `after` (exclusive) and `upto`, and that they could read before.

    "Could read before" means the record had a version before the first restricted one the
    reader fails, and that version came while the case was in the caller's current
    allocation: a record hidden before their allocation began is never named.
    """
    candidates = repository.withdrawal_candidates(scope.cases.keys(), after, upto, reader)
    if not candidates:
        return []
    starts = repository.allocation_starts({scope.cases[c.case_id] for c in candidates})
    out: list[str] = []
    for candidate in candidates:
        began = starts.get(scope.cases[candidate.case_id])
        if began is not None and _moment(candidate.hidden_at) > _moment(began):
            out.append(candidate.record_id)
    return out


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
