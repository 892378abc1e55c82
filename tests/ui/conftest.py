"""UI fixtures: a real encrypted store in tmp_path, a fake clock, a fake server, a fake client."""

import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mobile_app.config import AppProfile
from mobile_app.crypto import KdfParams, new_kdf_params
from mobile_app.services.security.account import AccountService
from mobile_app.services.visits.drafts import VisitDraft
from mobile_app.services.visits.finalise import FinaliseService
from mobile_app.store import DeviceStore
from mobile_app.ui.app import start
from mobile_app.ui.controller import AppConfig
from mobile_app.ui.flows import Flows
from mobile_app.ui.state import AppState
from shared.clock import utc_now
from shared.ids import new_id
from shared.models import (
    Address,
    Child,
    ChronologyEntry,
    Family,
    SignificantAdult,
)
from shared.vocabulary import (
    Agency,
    ChildStatus,
    CPCategory,
    EventType,
    InformationSource,
    NotSeenAloneReason,
    Relationship,
    Role,
    Significance,
)
from tests.ui.fake_client import FakeClient
from tests.ui.fake_server import PRACTITIONER, FakeServer, pulled

PASSPHRASE = "amber-kettle-orchard-7"
SERVER_URL = "https://doorstep.test"


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = utc_now()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move time forward."""
        self.now += timedelta(**delta)


@pytest.fixture(autouse=True)
def no_error_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """A handler failure is logged and shown as a message: the test must not hide one."""
    yield
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, errors


@pytest.fixture
def fast_kdf() -> KdfParams:
    return new_kdf_params(iterations=1, lanes=1, memory_kib=1024)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server() -> FakeServer:
    """The fake server, reached through the transport the app is configured with."""
    return FakeServer()


@pytest.fixture
def config(tmp_path: Path, fast_kdf: KdfParams, clock: FakeClock, server: FakeServer) -> AppConfig:
    profile = AppProfile(
        organisation="Test Partnership",
        server_url=SERVER_URL,  # type: ignore[arg-type]
        auto_lock_minutes=5,
        offline_window_days=14,
    )
    return AppConfig(
        data_dir=tmp_path / "device",
        profile=profile,
        kdf=fast_kdf,
        clock=clock,
        transport=server.transport(),
        tick_seconds=3600,
    )


@dataclass(frozen=True)
class FamilyIds:
    """Ids of the seeded family."""

    case_id: str
    baby_id: str
    sibling_id: str
    father_id: str


def _entry(
    child_id: str, agency: Agency, significance: Significance, day: int, text: str
) -> ChronologyEntry:
    return ChronologyEntry(
        child_ids=(child_id,),
        event_datetime=datetime(2026, 10, day, 10, 0, tzinfo=UTC),
        source_agency=agency,
        information_source=InformationSource.DIRECT_OBSERVATION,
        author_id=new_id(),
        author_role=Role.SOCIAL_WORKER,
        event_type=EventType.HOME_VISIT,
        summary=text,
        action_taken="Discussed with mother.",
        significance=significance,
    )


def family_versions(ids: FamilyIds) -> list[Any]:
    """The family as the server would send it: household, two children, a father, entries."""
    today = date.today()
    family = Family(
        family_name="Quarmby",
        address=Address(line1="12 Weavers Row", town="Banbury", postcode="OX16 4AB"),
    )
    baby = Child(
        given_name="Poppy",
        family_name="Quarmby",
        dob=today - timedelta(days=120),
        status=ChildStatus.CP,
        cp_categories=(CPCategory.NEGLECT,),
    )
    sibling = Child(given_name="Alfie", family_name="Quarmby", dob=today - timedelta(days=6 * 366))
    father = SignificantAdult(
        child_ids=(ids.baby_id, ids.sibling_id),
        relationship=Relationship.BIRTH_FATHER,
        name="Kieran Lomax",
    )
    c = ids.case_id
    entries = [
        _entry(ids.baby_id, Agency.CSC, Significance.SIGNIFICANT, 1, "Home cold; no food."),
        _entry(
            ids.baby_id, Agency.HEALTH_VISITING, Significance.CONTEXTUAL, 15, "Weighed; gaining."
        ),
        _entry(ids.baby_id, Agency.POLICE, Significance.SERIOUS, 8, "Police called at night."),
        _entry(ids.sibling_id, Agency.SCHOOL, Significance.CONTEXTUAL, 9, "Late to school."),
    ]
    return [
        pulled(c, c, family, 1),
        pulled(c, ids.baby_id, baby, 2),
        pulled(c, ids.sibling_id, sibling, 3),
        pulled(c, ids.father_id, father, 4),
        # Each entry reaches the server an hour after the event it records.
        *(
            pulled(c, new_id(), e, seq, recorded_at=e.event_datetime + timedelta(hours=1))
            for seq, e in enumerate(entries, start=5)
        ),
    ]


@pytest.fixture
def family() -> FamilyIds:
    return FamilyIds(new_id(), new_id(), new_id(), new_id())


@pytest.fixture
def seeded(config: AppConfig, family: FamilyIds, server: FakeServer) -> FamilyIds:
    """A device already set up, signed in, and holding the family (as after a first sync)."""
    store = DeviceStore.create(config.data_dir, PASSPHRASE, config.kdf)
    try:
        AccountService(store, server.transport()).sign_in(
            SERVER_URL, "hv-test", "right-password", "test"
        )
        store.records.merge_pulled(family_versions(family))
        store.cursor.set(8)
    finally:
        store.close()
    return family


@dataclass
class Driver:
    """The app in a fake client: find, tap, type; and its state for assertions."""

    fc: FakeClient
    flows: Flows

    @property
    def state(self) -> AppState:
        return self.flows.state

    @property
    def store(self) -> DeviceStore:
        return self.flows.app.store

    async def unlock(self, passphrase: str = PASSPHRASE) -> None:
        """Type the passphrase and tap Unlock."""
        await self.fc.enter_text(passphrase, key="unlock.passphrase")
        await self.fc.tap(key="unlock.submit")


async def launch(config: AppConfig) -> Driver:
    """Start the app in a new fake client, as opening it on the phone does."""
    fc = FakeClient()
    flows = await fc.run_main(lambda page: start(page, config))
    return Driver(fc, flows)


@pytest.fixture
async def ui(config: AppConfig) -> AsyncIterator[Driver]:
    driver = await launch(config)
    yield driver
    driver.flows.app.device.lock()
    driver.fc.close()


@pytest.fixture
async def locked(seeded: FamilyIds, config: AppConfig) -> AsyncIterator[Driver]:
    """The seeded device, opened: the lock screen."""
    driver = await launch(config)
    yield driver
    driver.flows.app.device.lock()
    driver.fc.close()


@pytest.fixture
async def app(locked: Driver) -> Driver:
    """The seeded device, unlocked: the caseload."""
    await locked.unlock()
    assert locked.fc.has("screen.caseload")
    return locked


def complete_draft(ids: FamilyIds, **changes: Any) -> VisitDraft:
    """A visit draft for the baby with every V3 answer given."""
    draft = VisitDraft(
        case_id=ids.case_id,
        child_id=ids.baby_id,
        others_present=["mother"],
        child_seen=True,
        seen_alone=False,
        not_seen_alone_reason=NotSeenAloneReason.PRE_VERBAL,
        seen_awake=True,
        bedroom_seen=True,
        father="known",
        father_adult_id=ids.father_id,
    )
    return draft.model_copy(update=changes)


def finalise_one(driver: Driver, ids: FamilyIds) -> None:
    """Put a finalised visit (3 versions) in the open app's outbox."""
    store = driver.store
    overview = driver.state.overview
    baby = overview.child(ids.baby_id) if overview else None
    assert baby is not None
    result = FinaliseService(store, PRACTITIONER).finalise(complete_draft(ids), baby.child)
    assert result.finalised is not None
    driver.flows.app.refresh()


async def receive(driver: Driver, versions: list[Any]) -> None:
    """Records arrive as from a sync; the caseload is read again and shown."""
    driver.store.records.merge_pulled(versions)
    driver.flows.app.refresh()
    await driver.fc.settle()
