"""A case leaves a practitioner's allocation and comes back, with the real server process:
the device removes it (keeping the visit it had not synced, as rejected), then gets its whole
history again."""

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.admin_here import admin_here
from tests.e2e.conftest import CliDevice, ServerProcess

pytestmark = pytest.mark.e2e


def allocation(server: ServerProcess, command: str, username: str, case_id: str) -> str:
    return admin_here(server, command, username, case_id)


def ids(records: list[dict[str, Any]], case_id: str) -> set[str]:
    return {r["version_id"] for r in records if r["case_id"] == case_id}


def test_deallocated_case_leaves_the_device_and_comes_back_whole(
    server: ServerProcess, tmp_path: Path
) -> None:
    hv = CliDevice(tmp_path / "hv").signed_in(server, "demo-hv")
    synced = hv.records()
    families = sorted({r["case_id"] for r in synced})
    assert len(families) == 2

    hv.run("demo", "--visits", "4", "--seed", "5")  # offline: waiting in the outbox
    pending = [r for r in hv.records() if r["state"] == "pending"]
    case_a = pending[0]["case_id"]
    history_a = ids(synced, case_a)
    unsynced_a = {r["version_id"] for r in pending if r["case_id"] == case_a}
    [other] = [f for f in families if f != case_a]

    assert "no longer allocated" in allocation(server, "deallocate", "demo-hv", case_a)
    hv.run("sync")
    after = hv.records()
    left = [r for r in after if r["case_id"] == case_a]
    assert {r["version_id"] for r in left} == unsynced_a, "only the unsynced visit stays"
    assert {r["state"] for r in left} == {"rejected"}
    assert ids(synced, other) <= ids(after, other)
    assert {r["state"] for r in after if r["case_id"] == other} == {"synced"}

    assert "allocated to" in allocation(server, "allocate", "demo-hv", case_a)
    hv.run("sync")
    back = hv.records()
    assert history_a <= ids(back, case_a), "the whole history of the case came back"
    assert unsynced_a <= ids(back, case_a)
    assert {r["state"] for r in back if r["version_id"] in unsynced_a} == {"rejected"}
