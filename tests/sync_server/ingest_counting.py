"""Count the queries one ingest batch makes: proof that a lookup runs once per batch."""

from collections import Counter
from typing import Any

from shared.protocol import RecordVersion
from sync_server.repository import IngestBatch
from sync_server.services import ServiceContainer
from sync_server.services.sync.ingest import ingest
from sync_server.services.sync.push_rules import Pusher
from tests.sync_server.alert_builders import Family
from tests.sync_server.server_builders import Item

RECORDED_AT = "2025-03-11T09:00:00.000000Z"


class CountingBatch:
    """An ingest batch that counts the calls made to each of its queries."""

    def __init__(self, batch: IngestBatch) -> None:
        self._batch = batch
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        self.calls[name] += 1
        return getattr(self._batch, name)


def ingest_counting(services: ServiceContainer, family: Family, items: list[Item]) -> Counter[str]:
    """Ingest items as demo-sw, allocated the family's case; return the calls per query."""
    found = services.repository.practitioner_login("demo-sw")
    assert found is not None
    pusher = Pusher(found[0], None, frozenset({family.case_id}))
    versions = [RecordVersion.model_validate(item) for item in items]
    with services.repository.ingest() as batch:
        counting = CountingBatch(batch)
        outcomes = ingest(counting, pusher, versions, RECORDED_AT)
    assert {o.status for o in outcomes} == {"accepted"}, outcomes
    return counting.calls
