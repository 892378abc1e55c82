"""The sync screen lists records set aside so sync could go on, with what to do (issue 14)."""

from mobile_app.store import DeviceStore
from tests.ui.conftest import Driver, FamilyIds, finalise_one
from tests.ui.fake_server import FakeServer


def damage(store: DeviceStore, version_id: str) -> None:
    """Flip one bit of a version's sealed row, as failing storage would."""
    (sealed,) = store.db.execute(
        "SELECT ciphertext FROM versions WHERE version_id = ?", [version_id]
    ).fetchone()
    flipped = sealed[:30] + bytes([sealed[30] ^ 0x01]) + sealed[31:]
    with store.atomic():
        store.db.execute(
            "UPDATE versions SET ciphertext = ? WHERE version_id = ?", [flipped, version_id]
        )


async def test_a_damaged_unsent_record_is_listed_with_re_record_advice_and_the_rest_is_sent(
    app: Driver, seeded: FamilyIds, server: FakeServer
) -> None:
    finalise_one(app, seeded)
    waiting = app.store.outbox.peek(10)
    victim = waiting[1]
    damage(app.store, victim)
    await app.fc.tap(key="caseload.sync")
    assert "could not be opened and was set aside" in app.fc.value("sync.message")
    assert server.pushed == [v for v in waiting if v != victim]
    await app.fc.tap(key="caseload.sync_screen")
    assert app.fc.has("aside.intro")
    assert "could not be opened" in app.fc.value(f"issue.{victim}")
    assert "never confirmed receiving it" in app.fc.value(f"issue.{victim}.detail")
    assert "Record it again from your paper notes" in app.fc.value(f"issue.{victim}.advice")
    assert not app.fc.has("aside.restore"), "no server copy to fetch"


async def test_a_damaged_synced_record_offers_the_server_copy(
    app: Driver, seeded: FamilyIds, server: FakeServer
) -> None:
    finalise_one(app, seeded)
    victim = app.store.outbox.peek(10)[0]
    await app.fc.tap(key="caseload.sync")
    damage(app.store, victim)
    app.flows.app.refresh()
    await app.fc.tap(key="caseload.sync_screen")
    assert "The server has a copy" in app.fc.value(f"issue.{victim}.detail")
    await app.fc.tap(key="aside.restore")
    (entry,) = app.store.records.quarantine.entries()
    assert entry.restore_asked
