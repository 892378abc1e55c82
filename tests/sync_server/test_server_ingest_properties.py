"""Laws of ingest: the stored versions, heads and conflict flags do not depend on push order,
batch split or retries (any order a device could produce: every edit after its base)."""

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.protocol import ItemStatus, RecordVersion
from sync_server.repository import open_sqlite_repository
from sync_server.services import ServiceContainer
from tests.sync_server.server_builders import entry_payload, fast_settings

# A forest of version trees: per record, each edit names the index of the version it replaces.
forests = st.lists(
    st.lists(st.integers(min_value=0, max_value=5), max_size=5).map(
        lambda parents: [min(p, i) for i, p in enumerate(parents)]
    ),
    min_size=1,
    max_size=4,
)


def _id(n: int, kind: int) -> str:
    return f"00000000-0000-7000-8{kind:03x}-{n:012x}"


def build(forest: list[list[int]], case_id: str, child_id: str, author_id: str) -> Any:
    """Return (versions by id, parent of each version, record of each version)."""
    versions: dict[str, RecordVersion] = {}
    parent: dict[str, str | None] = {}
    for r, edits in enumerate(forest):
        ids = [_id(r * 100, 1)] + [_id(r * 100 + i + 1, 1) for i in range(len(edits))]
        parents = [None] + [ids[p] for p in edits]
        for n, (vid, base) in enumerate(zip(ids, parents, strict=True)):
            payload = entry_payload(author_id, [child_id], summary=f"record {r} version {n}")
            versions[vid] = RecordVersion.model_validate(
                {"version_id": vid, "record_id": _id(r, 2), "replaces_version_id": base,
                 "case_id": case_id, "device_time": "2025-03-02T09:00:00Z", "payload": payload}
            )  # fmt: skip
            parent[vid] = base
    return versions, parent


def causal(order: list[str], parent: dict[str, str | None]) -> list[str]:
    """Reorder so each version comes after its base, otherwise keeping the given order."""
    out: list[str] = []
    done: set[str] = set()
    pending = list(order)
    while pending:
        ready = next(v for v in pending if parent[v] is None or parent[v] in done)
        pending.remove(ready)
        out.append(ready)
        done.add(ready)
    return out


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(forest=forests, data=st.data())
def test_any_causal_order_and_split_stores_the_same_heads(
    tmp_path: Path, forest: list[list[int]], data: st.DataObject
) -> None:
    repository = open_sqlite_repository(":memory:")
    try:
        services = ServiceContainer.build(fast_settings(tmp_path / "unused.db"), repository)
        seed = services.demo.seed("pw")
        case = seed.cases[0]
        sw = seed.practitioners["demo-sw"]
        versions, parent = build(forest, case.family_id, case.child_ids[0], sw.id)
        order = causal(data.draw(st.permutations(list(versions))), parent)
        cuts = data.draw(st.lists(st.booleans(), min_size=len(order), max_size=len(order)))
        retries = data.draw(st.lists(st.booleans(), min_size=len(order), max_size=len(order)))
        batches: list[list[str]] = [[]]
        for vid, cut in zip(order, cuts, strict=True):
            batches[-1].append(vid)
            if cut:
                batches.append([])
        first_status: dict[str, ItemStatus] = {}
        for batch, retry in zip(batches, retries, strict=False):
            for attempt in range(2 if retry else 1):
                results = services.sync.push(sw, None, [versions[v] for v in batch])
                for result in results:
                    first_status.setdefault(result.version_id, result.status)
                    if attempt:
                        assert result.status == ItemStatus.DUPLICATE

        seeded = {v.version_id for c in seed.cases for v in c.versions}
        assert repository.version_ids() == seeded | set(versions), "all stored, nothing extra"
        for n, vid in enumerate(order):
            base = parent[vid]
            rival_first = base is not None and any(parent[o] == base for o in order[:n])
            expected = ItemStatus.CONFLICT if rival_first else ItemStatus.ACCEPTED
            assert first_status[vid] == expected
        replaced = {p for p in parent.values() if p}
        expected_heads: dict[str, set[str]] = {}
        for vid, version in versions.items():
            if vid not in replaced:
                expected_heads.setdefault(version.record_id, set()).add(vid)
        heads = repository.heads({v.record_id for v in versions.values()})
        assert {r: set(h) for r, h in heads.items()} == expected_heads
        view = repository.chronology_heads(case.child_ids[0], {case.family_id})
        flags = {(h.version_id, h.head_count > 1) for h in view if h.version_id in versions}
        assert flags == {(vid, len(hs) > 1) for r, hs in expected_heads.items() for vid in hs}
    finally:
        repository.close()
