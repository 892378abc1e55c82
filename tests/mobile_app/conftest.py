"""Device fixtures: a real store in a temporary folder, with a cheap KDF to keep tests quick."""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from mobile_app.crypto import KdfParams, new_kdf_params
from mobile_app.store import DeviceStore
from shared.ids import new_id
from shared.models import Address, Child, Family, Practitioner
from shared.protocol import PulledVersion
from shared.vocabulary import Agency, ChildStatus, CPCategory, Role

PASSPHRASE = "amber-kettle-orchard-7"


@pytest.fixture
def fast_kdf() -> KdfParams:
    """Argon2id at its cheapest: the real algorithm, a test-sized cost."""
    return new_kdf_params(iterations=1, lanes=1, memory_kib=1024)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "device"


@pytest.fixture
def store(data_dir: Path, fast_kdf: KdfParams) -> Iterator[DeviceStore]:
    opened = DeviceStore.create(data_dir, PASSPHRASE, fast_kdf)
    yield opened
    opened.close()


@pytest.fixture
def practitioner() -> Practitioner:
    return Practitioner(
        id=new_id(),
        username="hv-test",
        display_name="Test Visitor",
        role=Role.HEALTH_VISITOR,
        agency=Agency.HEALTH_VISITING,
        team="North",
    )


def pulled(case_id: str, record_id: str, payload: Family | Child, seq: int) -> PulledVersion:
    """A version as the server would send it."""
    now = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    return PulledVersion(
        version_id=new_id(),
        record_id=record_id,
        case_id=case_id,
        device_time=now,
        payload=payload,
        server_seq=seq,
        author_id=new_id(),
        author_agency=Agency.CSC,
        recorded_at=now,
    )


@pytest.fixture
def caseload(store: DeviceStore) -> dict[str, str]:
    """One synthetic family with a baby, as pulled from the server; returns its ids."""
    case_id, child_id = new_id(), new_id()
    family = Family(
        family_name="Quarmby",
        address=Address(line1="12 Weavers Row", town="Banbury", postcode="OX16 4AB"),
    )
    child = Child(
        given_name="Poppy",
        family_name="Quarmby",
        dob=date(2026, 6, 1),
        status=ChildStatus.CP,
        cp_categories=(CPCategory.NEGLECT,),
    )
    store.records.merge_pulled(
        [pulled(case_id, case_id, family, 1), pulled(case_id, child_id, child, 2)]
    )
    store.cursor.set(2)
    return {"case_id": case_id, "child_id": child_id}
