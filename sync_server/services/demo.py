"""Demo seeding: synthetic practitioners, three families, allocations. Runs once per database."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from shared.clock import iso, utc_now
from shared.ids import new_id
from shared.models import Practitioner
from shared.protocol import ItemStatus
from shared.synthetic import family_name, given_name
from shared.vocabulary import Agency, Role
from sync_server.errors import StorageError
from sync_server.repository import Repository
from sync_server.services.audit import AuditAction, AuditTrail
from sync_server.services.auth import AuthService
from sync_server.services.demo_cases import DemoCase, build_cases
from sync_server.services.sync import SyncService

DEMO_SEED = 20_240_501  # fixed, so the demo people and families are the same on every machine

# username, role, agency, team, the families (1-3) allocated
DEMO_PEOPLE: tuple[tuple[str, Role, Agency, str, tuple[int, ...]], ...] = (
    ("demo-hv", Role.HEALTH_VISITOR, Agency.HEALTH_VISITING, "North Oxon", (1, 2)),
    ("demo-sw", Role.SOCIAL_WORKER, Agency.CSC, "North Oxon", (1, 2, 3)),
    ("demo-sup", Role.SUPERVISOR, Agency.CSC, "North Oxon", (1, 2, 3)),
    ("demo-hv2", Role.HEALTH_VISITOR, Agency.HEALTH_VISITING, "South Oxon", ()),
)
DEMO_AUTHOR = "demo-sw"


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
            cases = build_cases(rng, now, author)
            for username, *_, families in DEMO_PEOPLE:
                for number in families:
                    self._repository.allocate(
                        people[username].id, cases[number - 1].family_id, iso(now)
                    )
            versions = [version for case in cases for version in case.versions]
            results = self._sync.push(author, None, versions)
            if any(result.status != ItemStatus.ACCEPTED for result in results):
                raise StorageError("the demo data was not accepted; nothing was stored")
            self._audit.record(AuditAction.DEMO_SEEDED, None, None)
        return DemoSeed(created=True, practitioners=people, cases=tuple(cases))
