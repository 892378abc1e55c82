"""Rule V1 at the ingest: future event times and late entries without a reason are refused."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from shared.rules.event_time import FUTURE_MESSAGE, LATE_ENTRY_MESSAGE
from sync_server.config import Settings, load_settings
from sync_server.demo import DemoSeed
from sync_server.errors import ConfigError
from sync_server.services import ServiceContainer
from tests.sync_server.server_builders import entry_payload, push, take_back, version

Headers = dict[str, str]
RECEIVED = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def received(services: ServiceContainer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services.sync, "_clock", lambda: RECEIVED)


def _entry(demo: DemoSeed, event: datetime, written: datetime, **extra: Any) -> dict[str, Any]:
    fam = demo.cases[0]
    sw_id = demo.practitioners["demo-sw"].id
    payload = entry_payload(sw_id, [fam.child_ids[0]], event_datetime=event.isoformat(), **extra)
    return {**version(fam.family_id, payload), "device_time": written.isoformat()}


async def _answer(client: AsyncTestClient[Any], sw: Headers, item: dict[str, Any]) -> tuple:
    [result] = await push(client, sw, [item])
    return result["status"], result["field"], result["message"]


async def test_a_future_event_time_is_refused_past_the_tolerance_only(
    client: AsyncTestClient[Any], sw: Headers, demo: DemoSeed
) -> None:
    five = RECEIVED + timedelta(minutes=5)
    assert (await _answer(client, sw, _entry(demo, five, five)))[0] == "accepted"
    over = five + timedelta(seconds=1)
    assert await _answer(client, sw, _entry(demo, over, over)) == (
        "rejected", "payload.event_datetime", FUTURE_MESSAGE,
    )  # fmt: skip


async def test_late_runs_from_the_writing_not_the_receipt(
    client: AsyncTestClient[Any], sw: Headers, demo: DemoSeed
) -> None:
    event = RECEIVED - timedelta(days=5)
    on_time = _entry(demo, event, event + timedelta(hours=24))  # synced 4 days later
    assert (await _answer(client, sw, on_time))[0] == "accepted"
    late = _entry(demo, event, event + timedelta(hours=24, seconds=1))
    assert await _answer(client, sw, late) == (
        "rejected", "payload.late_entry_reason", LATE_ENTRY_MESSAGE,
    )  # fmt: skip
    reason = "Written up after the court hearing."
    explained = _entry(demo, event, event + timedelta(days=2), late_entry_reason=reason)
    assert (await _answer(client, sw, explained))[0] == "accepted"


async def test_a_fast_device_time_does_not_make_a_prompt_entry_late(
    client: AsyncTestClient[Any], sw: Headers, demo: DemoSeed
) -> None:
    # An older app on a phone two days fast: written when received, at the latest.
    prompt = _entry(demo, RECEIVED - timedelta(hours=1), RECEIVED + timedelta(days=2))
    assert (await _answer(client, sw, prompt))[0] == "accepted"


async def test_a_record_with_a_future_time_can_still_be_taken_back(
    client: AsyncTestClient[Any], sw: Headers, demo: DemoSeed, services: ServiceContainer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    ahead = RECEIVED + timedelta(days=30)
    # Stored before V1 (a server that did not check): pushed on a clock 30 days on.
    monkeypatch.setattr(services.sync, "_clock", lambda: ahead)
    stored = _entry(demo, ahead, ahead)
    assert (await _answer(client, sw, stored))[0] == "accepted"
    monkeypatch.setattr(services.sync, "_clock", lambda: RECEIVED)
    withdrawn = {**take_back(stored, "entered_in_error"), "device_time": RECEIVED.isoformat()}
    assert (await _answer(client, sw, withdrawn))[0] == "accepted"


def test_the_tolerance_is_a_setting_with_the_prefix() -> None:
    assert Settings().clock_tolerance_seconds == 300
    assert load_settings({"DOORSTEP_CLOCK_TOLERANCE_SECONDS": "60"}).clock_tolerance_seconds == 60
    with pytest.raises(ConfigError, match=r"^clock_tolerance_seconds: "):
        Settings(clock_tolerance_seconds=-1)
