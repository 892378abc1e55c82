"""Sync from the screen: offline is a state, faults are plain messages, drafts and outbox stay."""

import asyncio
import threading

import pytest

from mobile_app.services.visits.drafts import DraftService
from shared.protocol import ItemStatus
from tests.ui.conftest import Driver, FamilyIds, complete_draft, finalise_one
from tests.ui.fake_server import FakeServer

KEPT = "Your records are kept"


def prepare(app: Driver, seeded: FamilyIds) -> str:
    """A finalised visit waiting in the outbox, and a draft in progress; returns the draft id."""
    finalise_one(app, seeded)
    draft = complete_draft(seeded, voice_of_child="Said: 'no'.")
    DraftService(app.store).save(draft)
    app.flows.app.refresh()
    return draft.draft_id


def kept(app: Driver, draft_id: str) -> bool:
    """Everything made here is still on the device."""
    return app.store.outbox.count() == 3 and DraftService(app.store).get(draft_id) is not None


@pytest.mark.parametrize("mode", ["down", "timeout"])
async def test_no_server_is_an_offline_state_not_an_error(
    app: Driver, seeded: FamilyIds, server: FakeServer, mode: str
) -> None:
    draft_id = prepare(app, seeded)
    server.mode = mode
    await app.fc.tap(key="caseload.sync")
    assert app.fc.value("status.online").startswith("Offline")
    assert "could not be reached" in app.fc.value("sync.message")
    assert not app.fc.has("message")  # no error banner
    assert app.fc.value("status.pending") == "3 records waiting to sync"
    assert kept(app, draft_id)


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("500", "The server had a problem (HTTP 500)."),
        ("garbage", "The server's answer could not be read."),
    ],
    ids=["http-500", "garbage-json"],
)
async def test_a_bad_server_answer_is_a_plain_message_and_keeps_everything(
    app: Driver, seeded: FamilyIds, server: FakeServer, mode: str, words: str
) -> None:
    draft_id = prepare(app, seeded)
    server.mode = mode
    await app.fc.tap(key="caseload.sync")
    message = app.fc.value("sync.message")
    assert message.startswith(words)
    assert KEPT in message
    assert "Traceback" not in message
    assert kept(app, draft_id)
    assert app.fc.value("status.last_sync") == "Never synced on this device"


async def test_a_good_sync_sends_the_outbox_and_says_how_many(
    app: Driver, seeded: FamilyIds, server: FakeServer
) -> None:
    draft_id = prepare(app, seeded)
    waiting = app.store.outbox.peek(10)
    await app.fc.tap(key="nav.sync")
    assert app.fc.value("sync.message") == "Sync finished: Sent 3, received 0."
    assert server.pushed == waiting
    assert app.fc.value("status.pending") == "0 records waiting to sync"
    assert app.fc.value("status.online").startswith("Online")
    assert app.fc.value("status.last_sync").startswith("Last synced today at")
    assert DraftService(app.store).get(draft_id) is not None  # drafts never leave the device


async def test_sync_runs_in_the_background_with_counts(
    app: Driver, seeded: FamilyIds, server: FakeServer
) -> None:
    prepare(app, seeded)
    server.push_gate, server.pull_gate = threading.Event(), threading.Event()
    fc = app.fc
    await fc.tap(key="caseload.sync_screen")
    running = asyncio.create_task(fc.tap(key="sync.start"))
    await fc.wait_for(lambda: fc.has("sync.progress"))
    assert fc.value("sync.counts") == "Starting sync…"
    assert fc.one(key="sync.start").content == "Syncing…"
    await fc.tap(key="sync.start")  # a second tap does not start a second sync
    server.push_gate.set()
    await fc.wait_for(lambda: fc.has("sync.counts") and fc.value("sync.counts").startswith("Send"))
    assert fc.value("sync.counts") == "Sending 3 of 3"
    # the screen still answers while the sync waits on the network
    await fc.tap(key="nav.caseload")
    assert fc.has("screen.caseload")
    assert fc.has("sync.progress")
    server.pull_gate.set()
    await asyncio.wait_for(running, 5)
    await fc.wait_for(lambda: not fc.has("sync.progress"))
    assert fc.value("sync.message") == "Sync finished: Sent 3, received 0."
    assert len(server.pushed) == 3


@pytest.mark.parametrize(
    ("status", "title", "advice"),
    [
        (ItemStatus.CONFLICT, "in conflict", "ask your supervisor to check them"),
        (ItemStatus.REJECTED, "refused", "did not accept this record"),
    ],
    ids=["conflict", "rejected"],
)
async def test_conflicts_and_refusals_are_listed_with_what_to_do(
    app: Driver, seeded: FamilyIds, server: FakeServer, status: ItemStatus, title: str, advice: str
) -> None:
    prepare(app, seeded)
    server.push_status = status
    await app.fc.tap(key="caseload.sync")
    assert app.fc.value("status.issues").startswith("3 sync problems need your attention")
    await app.fc.tap(key="caseload.sync_screen")
    assert not app.fc.has("issues.none")
    assert len(app.state.issues) == 3
    issue = next(i for i in app.state.issues if i.title.startswith("Visit recorded"))
    assert title in app.fc.value(f"issue.{issue.version_id}")
    assert advice in app.fc.value(f"issue.{issue.version_id}.advice")
    if status == ItemStatus.REJECTED:
        assert app.fc.value(f"issue.{issue.version_id}.detail") == (
            "The summary: Summary is not allowed."
        )


async def test_a_withdrawn_sign_in_asks_to_sign_in_again(
    app: Driver, seeded: FamilyIds, server: FakeServer
) -> None:
    draft_id = prepare(app, seeded)
    server.mode = "revoked"
    await app.fc.tap(key="caseload.sync")
    assert app.fc.has("screen.sign_in")
    assert "sign in again" in app.fc.value("message")
    assert kept(app, draft_id)


async def test_connectivity_returning_starts_a_sync(
    app: Driver, seeded: FamilyIds, server: FakeServer
) -> None:
    prepare(app, seeded)
    connectivity = app.flows.connectivity
    await app.fc.fire(connectivity, "change", {"connectivity": ["none"]})
    assert app.fc.value("status.online").startswith("Offline")
    assert server.pushed == []
    await app.fc.fire(connectivity, "change", {"connectivity": ["wifi"]})
    assert len(server.pushed) == 3
    assert app.fc.value("status.online").startswith("Online")


async def test_resuming_the_app_syncs(app: Driver, seeded: FamilyIds, server: FakeServer) -> None:
    prepare(app, seeded)
    await app.fc.fire(app.fc.page, "app_lifecycle_state_change", {"state": "resume"})
    assert len(server.pushed) == 3
