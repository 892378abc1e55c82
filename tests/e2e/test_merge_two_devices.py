"""Two practitioners on the same family, each offline, sync into one chronology; a third
practitioner not allocated the family receives nothing of it."""

from pathlib import Path
from typing import Any

import pytest

from mobile_app.errors import ServerRefused
from mobile_app.services.security.account import AccountService
from mobile_app.store import DeviceStore
from shared.protocol import ChronologyResponse
from tests.e2e.conftest import PASSPHRASE, CliDevice, ServerProcess

pytestmark = pytest.mark.e2e


def by_type(records: list[dict[str, Any]], record_type: str) -> list[dict[str, Any]]:
    return [r for r in records if r.get("payload", {}).get("record_type") == record_type]


def test_two_devices_merge_and_a_stranger_sees_nothing(
    server: ServerProcess, tmp_path: Path
) -> None:
    hv = CliDevice(tmp_path / "hv").signed_in(server, "demo-hv")
    sw = CliDevice(tmp_path / "sw").signed_in(server, "demo-sw")
    hv_families = {r["case_id"] for r in by_type(hv.records(), "family")}
    sw_families = {r["case_id"] for r in by_type(sw.records(), "family")}
    assert len(hv_families) == 2
    assert len(sw_families) == 3
    assert hv_families < sw_families

    # Both record offline: nothing reaches the server until each syncs.
    assert "waiting to sync" in hv.run("demo", "--visits", "4", "--seed", "1")
    assert "waiting to sync" in sw.run("demo", "--visits", "6", "--seed", "2")
    assert '"pending": 0' not in hv.run("status", "--json")
    hv.run("sync")
    sw.run("sync")
    hv.run("sync")

    hv_records, sw_records = hv.records(), sw.records()
    for device in (hv, sw):
        assert '"pending": 0' in device.run("status", "--json")
    hv_id, sw_id = practitioner_id(hv.data), practitioner_id(sw.data)
    hv_authors = {r["payload"]["author_id"] for r in by_type(hv_records, "chronology_entry")}
    sw_authors = {r["payload"]["author_id"] for r in by_type(sw_records, "chronology_entry")}
    assert {hv_id, sw_id} <= hv_authors, "hv sees sw's entries on the shared families"
    assert {hv_id, sw_id} <= sw_authors, "sw sees hv's entries"
    # Nothing of the family hv is not allocated reaches hv's device.
    assert {r["case_id"] for r in hv_records} == hv_families

    # The server's merged chronology for a shared child holds both practitioners' entries.
    shared_case = next(iter(hv_families))
    child_id = next(
        r["record_id"] for r in by_type(hv_records, "child") if r["case_id"] == shared_case
    )
    chronology = chronology_as(hv.data, child_id)
    assert {hv_id, sw_id} <= {e.author_id for e in chronology.entries}
    assert {"health_visiting", "CSC"} <= {e.source_agency for e in chronology.entries}
    times = [e.event_datetime for e in chronology.entries]
    assert times == sorted(times)
    assert len({e.version_id for e in chronology.entries}) == len(chronology.entries)

    # demo-hv2 is in another team and not allocated: nothing at all, and no chronology.
    stranger = CliDevice(tmp_path / "hv2").signed_in(server, "demo-hv2")
    assert stranger.records() == []
    with pytest.raises(ServerRefused) as refused:
        chronology_as(stranger.data, child_id)
    assert refused.value.status == 404


def chronology_as(data: Path, child_id: str) -> ChronologyResponse:
    store = DeviceStore.unlock(data, PASSPHRASE)
    try:
        with AccountService(store).client() as client:
            return client.chronology(child_id)
    finally:
        store.close()


def practitioner_id(data: Path) -> str:
    store = DeviceStore.unlock(data, PASSPHRASE)
    try:
        return AccountService(store).session().practitioner.id
    finally:
        store.close()
