"""Bad input never becomes a 500: any JSON (or not-JSON) gets a 200 with per-item answers
or a 400 in the error shape, and a refused item stores nothing."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.protocol import PushResponse
from sync_server.demo import DemoSeed, seed_demo
from sync_server.errors import InvalidJson, ValidationFailed
from sync_server.repository import open_sqlite_repository
from sync_server.services import ServiceContainer, Session
from tests.sync_server.server_builders import entry, fast_settings

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = ["version_id", "record_id", "replaces_version_id", "case_id", "device_time", "payload"]
PAYLOAD_FIELDS = ["record_type", "child_ids", "event_datetime", "author_id", "summary",
                  "significance", "event_type", "action_taken"]  # fmt: skip


@pytest.fixture(scope="module")
def world() -> Iterator[tuple[ServiceContainer, DemoSeed]]:
    repository = open_sqlite_repository(":memory:")
    services = ServiceContainer.build(fast_settings(Path("unused.db")), repository)
    yield services, seed_demo(services, "pw")
    repository.close()


def _check(services: ServiceContainer, session: Session, body: bytes, n_items: int | None) -> None:
    before = services.repository.version_ids()
    try:
        out = services.sync.push_json(session, body)
    except (InvalidJson, ValidationFailed):
        assert services.repository.version_ids() == before
        return
    results = PushResponse.model_validate_json(out).results
    if n_items is not None:
        assert len(results) == n_items
    refused = {r.version_id for r in results if r.status == "rejected"}
    assert not (refused - {""}) & (services.repository.version_ids() - before)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(field=st.sampled_from(FIELDS), in_payload=st.sampled_from([None, *PAYLOAD_FIELDS]),
       value=json_values)  # fmt: skip
def test_a_mangled_item_is_answered_not_crashed(
    world: tuple[ServiceContainer, DemoSeed], field: str, in_payload: str | None, value: Any
) -> None:
    services, seed = world
    sw = seed.practitioners["demo-sw"]
    fam = seed.cases[0]
    item = entry(fam.family_id, sw.id, [fam.child_ids[0]])
    if in_payload:
        item["payload"][in_payload] = value
    else:
        item[field] = value
    body = json.dumps({"items": [item, entry(fam.family_id, sw.id, [fam.child_ids[1]])]})
    _check(services, Session(sw, "fuzz"), body.encode(), 2)


@settings(max_examples=150, deadline=None)
@given(body=st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode()))
def test_any_body_is_a_200_or_a_400(world: tuple[ServiceContainer, DemoSeed], body: bytes) -> None:
    services, seed = world
    _check(services, Session(seed.practitioners["demo-sw"], "fuzz"), body, None)
