"""The small pure helpers the ingest hot path relies on."""

from datetime import datetime

import pytest

from shared.ids import new_id
from shared.models import ChronologyEntry
from shared.protocol import RecordVersion
from sync_server.services.sync.ingest import _to_json, device_time, event_time
from tests.sync_server.server_builders import entry

TIMES = ["2025-03-01T09:00:00+01:00", "2025-03-01T09:00:00.123Z", "2025-10-26T01:30:00-05:30",
         "2024-12-31T23:59:59.999999+00:00"]  # fmt: skip


@pytest.mark.parametrize("when", TIMES)
def test_device_time_is_read_back_from_the_canonical_json(when: str) -> None:
    """amend_reason comes before device_time in the JSON: a trap there must not be read."""
    trap = 'a "device_time":"1999-01-01" trap'
    item = entry(new_id(), new_id(), [new_id()], summary=trap)
    item.update(replaces_version_id=new_id(), amend_reason=trap, device_time=when)
    version = RecordVersion.model_validate(item)
    got = device_time(_to_json(version))
    assert datetime.fromisoformat(got) == version.device_time
    assert datetime.fromisoformat(got).utcoffset() == version.device_time.utcoffset()


@pytest.mark.parametrize("when", TIMES)
def test_event_time_is_fixed_width_utc(when: str) -> None:
    payload = entry(new_id(), new_id(), [new_id()])["payload"]
    payload["event_datetime"] = when
    parsed = ChronologyEntry.model_validate(payload)
    text = event_time(parsed)
    assert len(text) == len("2025-03-01T08:00:00.000000Z")
    assert text.endswith("Z")
    assert datetime.fromisoformat(text) == parsed.event_datetime


def test_event_time_text_order_is_time_order() -> None:
    entries = []
    for when in TIMES:
        payload = entry(new_id(), new_id(), [new_id()])["payload"]
        payload["event_datetime"] = when
        entries.append(ChronologyEntry.model_validate(payload))
    by_text = sorted(entries, key=event_time)
    assert by_text == sorted(entries, key=lambda e: e.event_datetime)
