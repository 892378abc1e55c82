"""Demo seeding: synthetic practitioners, three families, allocations. Runs once per database.

Besides the case workers there is a conference chair and a school (a partner contributor),
both on the second family only, so the demo shows a chair approving a professionals-only
meeting and a partner reading its own entries and the plan (docs/domain.md, Roles).
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from shared.clock import iso, utc_now
from shared.ids import new_id
from shared.models import Practitioner
from shared.protocol import ItemStatus, RecordVersion
from shared.synthetic import family_name, given_name
from shared.vocabulary import Agency, Role
from sync_server.demo.cases import DemoCase, DemoCast, build_cases
from sync_server.errors import StorageError
from sync_server.repository import Repository
from sync_server.services.access.audit import AuditAction, AuditTrail
from sync_server.services.access.auth import AuthService
from sync_server.services.sync.sync import SyncService

DEMO_SEED = 20_240_501  # fixed, so the demo people and families are the same on every machine

# username, role, agency, team, the families (1-3) allocated
DEMO_PEOPLE: tuple[tuple[str, Role, Agency, str, tuple[int, ...]], ...] = (
    ("demo-hv", Role.HEALTH_VISITOR, Agency.HEALTH_VISITING, "North Oxon", (1, 2)),
    ("demo-sw", Role.SOCIAL_WORKER, Agency.CSC, "North Oxon", (1, 2, 3)),
    ("demo-sup", Role.SUPERVISOR, Agency.CSC, "North Oxon", (1, 2, 3)),
    ("demo-hv2", Role.HEALTH_VISITOR, Agency.HEALTH_VISITING, "South Oxon", ()),
    ("demo-chair", Role.CP_CHAIR, Agency.CSC, "Safeguarding Unit", (2,)),
    ("demo-school", Role.PARTNER_CONTRIBUTOR, Agency.SCHOOL, "Demo Primary School", (2,)),
)
DEMO_AUTHOR = "demo-sw"
DEMO_CHAIR = "demo-chair"
DEMO_SCHOOL = "demo-school"


@dataclass(frozen=True, slots=True)
class DemoSeed:
    """What seeding did: `created` is False when the demo data was already there."""

    created: bool
    practitioners: dict[str, Practitioner] = field(default_factory=dict)  # by username
    cases: tuple[DemoCase, ...] = ()  # family 1, 2, 3


class DemoService:
    """Seed the demo data, once, in one transaction."""

    def __init__(
        self,
        repository: Repository,
        auth: AuthService,
        sync: SyncService,
        audit: AuditTrail,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._repository = repository
        self._auth = auth
        self._sync = sync
        self._audit = audit
        self._clock = clock

    def seed(self, password: str) -> DemoSeed:
        """Create the demo practitioners, families and allocations unless already present.

        Raises:
            StorageError: a demo version was not accepted; nothing is stored.
        """
        rng = random.Random(DEMO_SEED)
        now = self._clock()
        with self._repository.transaction():
            if self._repository.practitioner_login(DEMO_AUTHOR) is not None:
                return DemoSeed(created=False)
            people = {}
            for username, role, agency, team, _ in DEMO_PEOPLE:
                sex = rng.choice(("female", "male"))
                people[username] = Practitioner(
                    id=new_id(),
                    username=username,
                    display_name=f"{given_name(rng, sex)} {family_name(rng)}",
                    role=role,
                    agency=agency,
                    team=team,
                )
                self._auth.add_practitioner(people[username], password)
            author = people[DEMO_AUTHOR]
            cast = DemoCast(author, people[DEMO_CHAIR], people[DEMO_SCHOOL])
            cases = build_cases(rng, now, cast)
            for username, *_, families in DEMO_PEOPLE:
                for number in families:
                    self._repository.allocate(
                        people[username].id, cases[number - 1].family_id, iso(now)
                    )
            for pusher, versions in _by_pusher(author, cases):
                self._push(pusher, versions)
            self._audit.record(AuditAction.DEMO_SEEDED, None, None)
        return DemoSeed(created=True, practitioners=people, cases=tuple(cases))

    def _push(self, pusher: Practitioner, versions: list[RecordVersion]) -> None:
        results = self._sync.push(pusher, None, versions)
        if any(result.status != ItemStatus.ACCEPTED for result in results):
            raise StorageError("the demo data was not accepted; nothing was stored")


def _by_pusher(
    lead: Practitioner, cases: list[DemoCase]
) -> list[tuple[Practitioner, list[RecordVersion]]]:
    """Group the cases' versions by who pushes them, the lead first (the others' records name
    the lead's children and cases), each group in the cases' order."""
    groups: dict[str, tuple[Practitioner, list[RecordVersion]]] = {lead.id: (lead, [])}
    for case in cases:
        for version in case.versions:
            pusher = case.pushed_by.get(version.version_id, lead)
            groups.setdefault(pusher.id, (pusher, []))[1].append(version)
    return list(groups.values())
