"""Laws of ingest: the stored versions, heads and conflict flags do not depend on push order,
batch split or retries (any order a device could produce: every version after all it
replaces). Histories mix plain edits, stale edits (conflicts), resolutions naming several
versions, withdrawals and entries marked in error.
"""

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.protocol import ItemStatus, RecordVersion
from shared.vocabulary import Lifecycle
from sync_server.demo import seed_demo
from sync_server.repository import open_sqlite_repository
from sync_server.services import ServiceContainer
from tests.sync_server.server_builders import entry_payload, fast_settings

# Per record, its later versions: (indexes of the earlier versions it replaces, lifecycle).
Record = list[tuple[list[int], Lifecycle]]


def _heads(replaced_by_index: list[list[int]]) -> list[int]:
    replaced = {p for parents in replaced_by_index for p in parents}
    return [i for i in range(len(replaced_by_index)) if i not in replaced]


@st.composite
def records(draw: st.DrawFn) -> Record:
    """One record's history: each later version edits one version, any few, or every head."""
    out: Record = []
    replaced: list[list[int]] = [[]]  # the first version replaces nothing
    for i in range(1, draw(st.integers(min_value=1, max_value=6))):
        kind = draw(st.sampled_from(["edit", "several", "resolve"]))
        if kind == "resolve":
            parents = _heads(replaced)
        elif kind == "several":
            earlier = st.integers(min_value=0, max_value=i - 1)
            parents = draw(st.lists(earlier, min_size=1, max_size=3, unique=True))
        else:
            parents = [draw(st.integers(min_value=0, max_value=i - 1))]
        out.append((parents, draw(st.sampled_from(list(Lifecycle)))))
        replaced.append(parents)
    return out


forests = st.lists(records(), min_size=1, max_size=4)


def _id(n: int, kind: int) -> str:
    return f"00000000-0000-7000-8{kind:03x}-{n:012x}"


def build(
    forest: list[Record], case_id: str, child_id: str, author_id: str
) -> tuple[dict[str, RecordVersion], dict[str, tuple[str, ...]]]:
    """Return (versions by id, the ids each version replaces)."""
    versions: dict[str, RecordVersion] = {}
    replaces: dict[str, tuple[str, ...]] = {}
    for r, later in enumerate(forest):
        ids = [_id(r * 100 + n, 1) for n in range(len(later) + 1)]
        history: list[tuple[list[int], Lifecycle]] = [([], Lifecycle.CURRENT), *later]
        for n, (parents, lifecycle) in enumerate(history):
            named = [ids[p] for p in parents]
            payload = entry_payload(author_id, [child_id], summary=f"record {r} version {n}")
            versions[ids[n]] = RecordVersion.model_validate(
                {"version_id": ids[n], "record_id": _id(r, 2),
                 "replaces_version_id": named[0] if named else None,
                 "also_replaces": named[1:], "lifecycle": lifecycle,
                 "amend_reason": "reviewed" if named else "", "case_id": case_id,
                 "device_time": "2025-03-02T09:00:00Z", "payload": payload}
            )  # fmt: skip
            replaces[ids[n]] = tuple(named)
    return versions, replaces


def causal(order: list[str], replaces: dict[str, tuple[str, ...]]) -> list[str]:
    """Reorder so each version comes after all it replaces, otherwise keeping the order."""
    out: list[str] = []
    done: set[str] = set()
    pending = list(order)
    while pending:
        ready = next(v for v in pending if set(replaces[v]) <= done)
        pending.remove(ready)
        out.append(ready)
        done.add(ready)
    return out


def expected_answer(
    vid: str, before: list[str], replaces: dict[str, tuple[str, ...]], record: dict[str, str]
) -> tuple[ItemStatus, list[str]]:
    """The rule, stated over the whole stored history: conflict when another version already
    replaces one of those this one replaces, unless it replaces every current head."""
    named = set(replaces[vid])
    if not named:
        return ItemStatus.ACCEPTED, []
    same = [v for v in before if record[v] == record[vid]]
    heads = {v for v in same if not any(v in replaces[o] for o in same)}
    if heads <= named:
        return ItemStatus.ACCEPTED, []
    rivals = [o for o in before if named & set(replaces[o]) and o not in named]
    return (ItemStatus.CONFLICT if rivals else ItemStatus.ACCEPTED), rivals


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(forest=forests, data=st.data())
def test_any_causal_order_and_split_stores_the_same_heads(
    tmp_path: Path, forest: list[Record], data: st.DataObject
) -> None:
    repository = open_sqlite_repository(":memory:")
    try:
        services = ServiceContainer.build(fast_settings(tmp_path / "unused.db"), repository)
        seed = seed_demo(services, "pw")
        case = seed.cases[0]
        sw = seed.practitioners["demo-sw"]
        versions, replaces = build(forest, case.family_id, case.child_ids[0], sw.id)
        record = {vid: v.record_id for vid, v in versions.items()}
        order = causal(data.draw(st.permutations(list(versions))), replaces)
        cuts = data.draw(st.lists(st.booleans(), min_size=len(order), max_size=len(order)))
        retries = data.draw(st.lists(st.booleans(), min_size=len(order), max_size=len(order)))
        batches: list[list[str]] = [[]]
        for vid, cut in zip(order, cuts, strict=True):
            batches[-1].append(vid)
            if cut:
                batches.append([])
        first: dict[str, Any] = {}
        for batch, retry in zip(batches, retries, strict=False):
            for attempt in range(2 if retry else 1):
                results = services.sync.push(sw, None, [versions[v] for v in batch])
                for result in results:
                    first.setdefault(result.version_id, result)
                    if attempt:
                        assert result.status == ItemStatus.DUPLICATE

        seeded = {v.version_id for c in seed.cases for v in c.versions}
        assert repository.version_ids() == seeded | set(versions), "all stored, nothing extra"
        for n, vid in enumerate(order):
            status, rivals = expected_answer(vid, order[:n], replaces, record)
            assert (first[vid].status, first[vid].conflicting_version_ids) == (status, rivals)
        replaced = {p for named in replaces.values() for p in named}
        expected_heads: dict[str, set[str]] = {}
        for vid in versions:
            if vid not in replaced:
                expected_heads.setdefault(record[vid], set()).add(vid)
        heads = repository.heads(set(record.values()))
        assert {r: set(h) for r, h in heads.items()} == expected_heads
        expected_flags = {(vid, len(hs) > 1) for hs in expected_heads.values() for vid in hs}
        for view in (
            repository.chronology_heads(case.child_ids[0], {case.family_id}),
            repository.case_chronology_heads(case.family_id),
        ):
            flags = {(h.version_id, h.head_count > 1) for h in view if h.version_id in versions}
            assert flags == expected_flags, "withdrawn and in-error heads are listed too"
        for record_id, record_heads in expected_heads.items():
            history = repository.record_history(record_id)
            in_order = [v for v in order if record[v] == record_id]
            assert [row.version_id for row in history] == in_order
            assert {row.version_id for row in history if row.is_head} == record_heads
    finally:
        repository.close()
