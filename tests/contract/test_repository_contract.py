"""Conformance suite for the Repository interface: insert, duplicates, heads (through both
kinds of replacement), pull, chronology and history queries, scope."""

import hashlib
import itertools
from collections.abc import Sequence

import pytest

from shared.ids import new_id
from shared.models import Practitioner
from sync_server.errors import DuplicateVersion
from sync_server.repository import (
    AuditEvent,
    ChronologyIndexRow,
    DeviceRecord,
    NewVersion,
    ReplacementRow,
    Repository,
)

AT = "2025-03-01T09:00:00Z"
_counter = itertools.count()


def make(
    case_id: str,
    record_id: str | None = None,
    replaces: NewVersion | None = None,
    record_type: str = "chronology_entry",
) -> NewVersion:
    """Return a version row; the JSON is a stand-in (the repository does not parse it)."""
    version_id = new_id()
    body = f'{{"version_id":"{version_id}","n":{next(_counter)}}}'
    return NewVersion(
        version_id=version_id,
        record_id=replaces.record_id if replaces else (record_id or new_id()),
        record_type=record_type,
        replaces_version_id=replaces.version_id if replaces else None,
        case_id=case_id,
        author_id="author-1",
        author_agency="CSC",
        device_id=None,
        device_time=AT,
        recorded_at=AT,
        content_hash=hashlib.sha256(body.encode()).digest(),
        payload_json=body,
    )


def store(
    repository: Repository,
    versions: Sequence[NewVersion],
    child_id: str | None = None,
    also: Sequence[ReplacementRow] = (),
) -> list[int]:
    """Insert versions in one batch; chronology rows name child_id when given."""
    rows = [ChronologyIndexRow(child_id, v.version_id, AT) for v in versions] if child_id else []
    with repository.ingest() as batch:
        return batch.insert(versions, rows, also)


def resolution(
    case_id: str, heads: Sequence[NewVersion]
) -> tuple[NewVersion, list[ReplacementRow]]:
    """Return a version replacing every one of heads, and its also_replaces rows."""
    first, *rest = heads
    version = make(case_id, replaces=first)
    return version, [ReplacementRow(other.version_id, version.version_id) for other in rest]


def test_insert_assigns_increasing_consecutive_seqs(repository: Repository) -> None:
    case = new_id()
    first = store(repository, [make(case), make(case)])
    second = store(repository, [make(case), make(case), make(case)])
    assert first == [first[0], first[0] + 1]
    assert second == [first[-1] + 1 + i for i in range(3)]
    assert store(repository, []) == []


def test_known_versions_report_what_is_stored(repository: Repository) -> None:
    case = new_id()
    a, b = make(case), make(case, record_type="visit")
    seqs = store(repository, [a, b])
    with repository.ingest() as batch:
        known = batch.known_versions([a.version_id, b.version_id, new_id()])
    assert set(known) == {a.version_id, b.version_id}
    assert known[b.version_id].record_type == "visit"
    assert known[a.version_id].content_hash == a.content_hash
    assert [known[v.version_id].server_seq for v in (a, b)] == seqs


@pytest.mark.parametrize("where", ["already-stored", "twice-in-batch"])
def test_a_version_id_is_stored_once_and_the_batch_is_undone(
    repository: Repository, where: str
) -> None:
    case = new_id()
    stored = make(case)
    store(repository, [stored])
    before = repository.version_ids()
    fresh = make(case)
    again = [stored] if where == "already-stored" else [make(case)] * 2
    with pytest.raises(DuplicateVersion):
        store(repository, [fresh, *again])
    assert repository.version_ids() == before


def _fail_after_writing(repository: Repository, version: NewVersion) -> None:
    with repository.ingest() as batch:
        batch.insert([version], [])
        batch.add_audit(AuditEvent(AT, None, None, "sync_push"))
        raise RuntimeError


def test_a_failed_batch_leaves_nothing_behind(repository: Repository) -> None:
    with pytest.raises(RuntimeError):
        _fail_after_writing(repository, make(new_id()))
    assert repository.version_ids() == set()
    assert repository.audit_events() == []


def test_lookups_inside_a_batch(repository: Repository) -> None:
    case = new_id()
    base = make(case)
    child = make(case, record_type="child")
    one, two = make(case, replaces=base), make(case, replaces=base)
    seqs = store(repository, [base, child, one, two])
    fixed, also = resolution(case, [two, one])
    [fixed_seq] = store(repository, [fixed], also=also)
    with repository.ingest() as batch:
        assert batch.existing_records([base.record_id, new_id()]) == {base.record_id}
        assert batch.replacing_versions([base.version_id, one.version_id, two.version_id]) == {
            base.version_id: [(one.version_id, seqs[2]), (two.version_id, seqs[3])],
            one.version_id: [(fixed.version_id, fixed_seq)],  # through also_replaces
            two.version_id: [(fixed.version_id, fixed_seq)],
        }
        assert batch.child_cases([child.record_id, base.record_id]) == {child.record_id: case}
        assert batch.known_versions([]) == {}
        assert batch.heads([base.record_id, child.record_id]) == {
            base.record_id: [fixed.version_id],
            child.record_id: [child.version_id],
        }


def test_heads_follow_replacements_and_keep_conflicts(repository: Repository) -> None:
    case = new_id()
    chain = [make(case)]
    chain.append(make(case, replaces=chain[-1]))
    chain.append(make(case, replaces=chain[-1]))
    fork = make(case)
    left, right = make(case, replaces=fork), make(case, replaces=fork)
    store(repository, [*chain, fork, left, right])
    heads = repository.heads([chain[0].record_id, fork.record_id, new_id()])
    assert heads == {
        chain[0].record_id: [chain[-1].version_id],
        fork.record_id: [left.version_id, right.version_id],
    }


def test_pull_is_in_seq_order_within_scope(repository: Repository) -> None:
    mine, other = new_id(), new_id()
    rows = [make(mine), make(other), make(mine), make(mine), make(other), make(mine)]
    seqs = store(repository, rows)
    expected = [s for s, r in zip(seqs, rows, strict=True) if r.case_id == mine]
    page = repository.pull({mine}, 0, 3)
    assert [p.server_seq for p in page] == expected[:3]
    assert page[0].payload_json == rows[0].payload_json
    rest = repository.pull({mine}, page[-1].server_seq, 10)
    assert [p.server_seq for p in rest] == expected[3:]
    assert repository.pull({mine}, seqs[-1], 10) == []
    assert repository.pull(set(), 0, 10) == []
    assert len(repository.pull({mine, other}, 0, 100)) == len(rows)


def test_chronology_heads_name_the_child_within_scope(repository: Repository) -> None:
    case, child, other_child = new_id(), new_id(), new_id()
    kept = make(case)
    edited = make(case)
    edit = make(case, replaces=edited)
    fork = make(case)
    fork_a, fork_b = make(case, replaces=fork), make(case, replaces=fork)
    store(repository, [kept, edited, edit, fork, fork_a, fork_b], child)
    store(repository, [make(case)], other_child)
    heads = {h.version_id: h for h in repository.chronology_heads(child, {case})}
    assert set(heads) == {kept.version_id, edit.version_id, fork_a.version_id, fork_b.version_id}
    assert (heads[edit.version_id].version_count, heads[edit.version_id].head_count) == (2, 1)
    assert (heads[fork_a.version_id].version_count, heads[fork_a.version_id].head_count) == (3, 2)
    assert repository.chronology_heads(child, {new_id()}) == []
    assert repository.chronology_heads(new_id(), {case}) == []


def test_child_case(repository: Repository) -> None:
    case = new_id()
    child = make(case, record_type="child")
    store(repository, [child, make(case)])
    assert repository.child_case(child.record_id) == case
    assert repository.child_case(new_id()) is None


def _practitioner(username: str) -> Practitioner:
    return Practitioner(id=new_id(), username=username, display_name="A Person",
                        role="health_visitor", agency="health_visiting", team="T")  # fmt: skip


def test_practitioners_allocations_and_devices(repository: Repository) -> None:
    person = _practitioner("someone")
    repository.add_practitioner(person, "$argon2id$stand-in", AT)
    assert repository.practitioner_login("someone") == (person, "$argon2id$stand-in")
    assert repository.practitioner_login("nobody") is None
    assert repository.practitioners([person.id, new_id()]) == {person.id: person}
    case = new_id()
    repository.allocate(person.id, case, AT)
    repository.allocate(person.id, case, AT)
    assert repository.allocated_cases(person.id) == {case}
    device = DeviceRecord(new_id(), person.id, "tablet", "ab" * 32, AT)
    repository.add_device(device)
    session = repository.device_session("ab" * 32)
    assert session is not None
    assert session.practitioner == person
    repository.touch_device(device.id, "2025-03-02T09:00:00Z")
    session = repository.device_session("ab" * 32)
    assert session is not None
    assert session.last_seen_at == "2025-03-02T09:00:00Z"
    assert repository.revoke_device(device.id, AT)
    assert repository.device_session("ab" * 32) is None
    assert not repository.revoke_device(device.id, AT)


def test_an_ended_allocation_is_kept_as_a_marker_and_a_new_one_gets_a_new_id(
    repository: Repository,
) -> None:
    person = _practitioner("mover")
    repository.add_practitioner(person, "$argon2id$stand-in", AT)
    kept, moved = sorted([new_id(), new_id()])
    assert repository.allocate(person.id, kept, AT)
    assert repository.allocate(person.id, moved, AT)
    first = repository.allocations(person.id)
    assert set(first) == {kept, moved}
    assert repository.deallocate(person.id, moved, AT)
    assert not repository.deallocate(person.id, moved, AT)
    assert repository.allocations(person.id) == {kept: first[kept]}
    assert repository.allocated_cases(person.id) == {kept}
    assert repository.ended_allocations(person.id) == [moved]
    assert repository.case_practitioners(moved) == frozenset()
    assert repository.case_practitioners(kept) == {person.id}
    assert repository.allocate(person.id, moved, AT)
    again = repository.allocations(person.id)
    assert again[kept] == first[kept]
    assert again[moved] != first[moved]
    assert repository.ended_allocations(person.id) == []


def test_transactions_nest_as_savepoints(repository: Repository) -> None:
    case = new_id()
    outer, inner = make(case), make(case)
    with repository.transaction():
        store(repository, [outer])
        with pytest.raises(RuntimeError):
            _fail_after_writing(repository, inner)
    assert repository.version_ids() == {outer.version_id}


def test_audit_is_kept_in_order(repository: Repository) -> None:
    events = [AuditEvent(AT, "a", "d", "login"), AuditEvent(AT, "a", "d", "sync_pull", "x", "y")]
    for event in events:
        repository.add_audit(event)
    assert repository.audit_events() == events
    assert repository.audit_events("login") == events[:1]


def test_a_resolution_replaces_every_version_it_names(repository: Repository) -> None:
    case, child = new_id(), new_id()
    base = make(case)
    left, right, third = (make(case, replaces=base) for _ in range(3))
    store(repository, [base, left, right, third], child)
    partial, partial_also = resolution(case, [left, right])
    store(repository, [partial], child, partial_also)
    record = base.record_id
    assert repository.heads([record]) == {record: [third.version_id, partial.version_id]}
    whole, whole_also = resolution(case, [partial, third])
    [whole_seq] = store(repository, [whole], child, whole_also)
    assert repository.heads([record]) == {record: [whole.version_id]}
    [head] = repository.chronology_heads(child, {case})
    assert (head.version_id, head.version_count, head.head_count) == (whole.version_id, 6, 1)
    [head] = repository.case_chronology_heads(case)
    assert head.version_id == whole.version_id
    history = repository.record_history(record)
    assert [row.is_head for row in history] == [False] * 5 + [True]
    assert history[-1].server_seq == whole_seq


def test_case_chronology_heads_list_each_entry_once(repository: Repository) -> None:
    case, first_child, second_child = new_id(), new_id(), new_id()
    both = make(case)
    with repository.ingest() as batch:
        batch.insert(
            [both],
            [ChronologyIndexRow(c, both.version_id, AT) for c in (first_child, second_child)],
        )
    fork = make(case)
    fork_a, fork_b = make(case, replaces=fork), make(case, replaces=fork)
    store(repository, [fork, fork_a, fork_b], first_child)
    store(repository, [make(case, record_type="visit"), make(new_id())], first_child)
    heads = repository.case_chronology_heads(case)
    assert sorted(h.version_id for h in heads) == sorted(
        [both.version_id, fork_a.version_id, fork_b.version_id]
    )
    counts = {h.version_id: (h.version_count, h.head_count, h.author_agency) for h in heads}
    assert counts[both.version_id] == (1, 1, "CSC")
    assert counts[fork_a.version_id] == (3, 2, "CSC")
    assert repository.case_chronology_heads(new_id()) == []


def test_record_history_and_case(repository: Repository) -> None:
    case = new_id()
    base = make(case)
    mine, theirs = make(case, replaces=base), make(case, replaces=base)
    seqs = store(repository, [base, mine, make(case), theirs])
    history = repository.record_history(base.record_id)
    assert [(h.server_seq, h.version_id, h.is_head) for h in history] == [
        (seqs[0], base.version_id, False),
        (seqs[1], mine.version_id, True),
        (seqs[3], theirs.version_id, True),
    ]
    assert history[0].payload_json == base.payload_json
    assert (history[0].case_id, history[0].author_id, history[0].author_agency) == (
        case, "author-1", "CSC")  # fmt: skip
    assert repository.record_case(base.record_id) == case
    assert repository.record_case(new_id()) is None
    assert repository.record_history(new_id()) == []


def test_a_failed_batch_leaves_no_also_replaces_row(repository: Repository) -> None:
    """The side table is written in the batch's transaction: undone with it."""
    case = new_id()
    base = make(case)
    left, right = make(case, replaces=base), make(case, replaces=base)
    store(repository, [base, left, right])
    fixed, also = resolution(case, [left, right])
    with pytest.raises(DuplicateVersion):
        store(repository, [fixed, base], also=also)
    assert repository.heads([base.record_id]) == {
        base.record_id: [left.version_id, right.version_id]
    }
