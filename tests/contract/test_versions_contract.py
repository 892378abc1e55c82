"""Conformance of VersionQueries on every backend: versions and cursors.

Transactions (nesting as savepoints), heads through both kinds of replacement, pull in
server order within scope, restriction rows and withdrawal, record origins, histories,
chronology heads per child and per case, and same-event link heads. What one push writes
and reads is in test_ingest_batch_contract.py; the read rules' SQL twins are held to the
Python rules in test_read_rule_twins_contract.py.
"""

import pytest

from shared.ids import new_id
from sync_server.repository import ChronologyIndexRow, Repository
from sync_server.repository.interface import RestrictionRow, Viewer
from tests.contract.factories import AT, about, fail_after_writing, make, resolution, store

HV = Viewer("health_visiting", "health_visitor")


def test_transactions_nest_as_savepoints(repository: Repository) -> None:
    case = new_id()
    outer, inner = make(case), make(case)
    with repository.transaction():
        store(repository, [outer])
        with pytest.raises(RuntimeError):
            fail_after_writing(repository, inner)
    assert repository.version_ids() == {outer.version_id}


def test_version_ids_are_every_stored_version(repository: Repository) -> None:
    assert repository.version_ids() == set()
    case = new_id()
    base = make(case)
    rows = [base, make(case, replaces=base), make(new_id())]
    store(repository, rows)
    assert repository.version_ids() == {v.version_id for v in rows}


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
    assert repository.heads([]) == {}


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


def test_restriction_rows_read_back_as_stored(repository: Repository) -> None:
    case = new_id()
    entry, open_entry = make(case), make(case)
    later = make(case, replaces=entry)
    # "worker" is part of "social_worker": roles must come back whole, each one.
    first = RestrictionRow(entry.record_id, entry.version_id, case, "CSC", frozenset({"worker"}))
    narrowed = RestrictionRow(
        entry.record_id, later.version_id, case, "health_visiting",
        frozenset({"social_worker", "health_visitor"}),
    )  # fmt: skip
    unnamed = RestrictionRow(entry.record_id, later.version_id, case, "police", frozenset())
    with repository.ingest() as batch:
        batch.insert([entry, open_entry, later], [], (), [first, narrowed, unnamed])
    found = repository.restrictions([entry.record_id, open_entry.record_id, new_id()])
    assert set(found) == {entry.record_id}
    assert sorted(found[entry.record_id], key=repr) == sorted([first, narrowed, unnamed], key=repr)
    assert repository.restrictions([]) == {}


def test_records_about_the_entry_are_withdrawn_with_it_only_if_they_came_before(
    repository: Repository,
) -> None:
    case = new_id()
    entry = make(case)
    review = about(case, "review_decision", reviewed_record_id=entry.record_id)
    [_, before] = store(repository, [entry, review])
    restricting = make(case, replaces=entry)._replace(recorded_at="2025-03-02T09:00:00Z")
    row = RestrictionRow(entry.record_id, restricting.version_id, case, "CSC", frozenset())
    late = about(case, "review_decision", reviewed_record_id=entry.record_id)
    late_row = RestrictionRow(late.record_id, late.version_id, case, "CSC", frozenset())
    with repository.ingest() as batch:
        [hidden_at] = batch.insert([restricting], [], (), [row])
        batch.inherit_restrictions([row])
    with repository.ingest() as batch:
        [late_seq] = batch.insert([late], [], (), [late_row])

    candidates = repository.withdrawal_candidates([case], before, late_seq, HV)
    expected = sorted([entry.record_id, review.record_id])
    assert [c.record_id for c in candidates] == expected
    assert {(c.case_id, c.hidden_at) for c in candidates} == {(case, restricting.recorded_at)}
    assert repository.withdrawal_candidates([case], hidden_at, late_seq, HV) == []
    csc = Viewer("CSC", "social_worker")
    assert repository.withdrawal_candidates([case], before, late_seq, csc) == []
    assert repository.withdrawal_candidates([], before, late_seq, HV) == []


def test_record_origins_give_the_type_and_first_versions_agency(repository: Repository) -> None:
    case = new_id()
    entry = make(case)._replace(author_agency="police")
    amended = make(case, replaces=entry)._replace(author_agency="CSC")
    note = make(case, record_type="visit_note")._replace(author_agency="health_visiting")
    store(repository, [entry, amended, note])
    assert repository.record_origins([entry.record_id, note.record_id, new_id()]) == {
        entry.record_id: ("chronology_entry", "police"),
        note.record_id: ("visit_note", "health_visiting"),
    }
    assert repository.record_origins([]) == {}


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


def test_child_case(repository: Repository) -> None:
    case = new_id()
    child = make(case, record_type="child")
    store(repository, [child, make(case)])
    assert repository.child_case(child.record_id) == case
    assert repository.child_case(new_id()) is None


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


def test_same_event_link_heads_are_every_links_heads_in_scope_in_server_order(
    repository: Repository,
) -> None:
    case, elsewhere, outside = new_id(), new_id(), new_id()
    link = about(case, "same_event_link", entry_record_ids=["e-1", "e-2"])
    edited = make(case, replaces=link, record_type="same_event_link")
    forked = about(elsewhere, "same_event_link", entry_record_ids=["e-3", "e-4"])
    left = make(elsewhere, replaces=forked, record_type="same_event_link")
    right = make(elsewhere, replaces=forked, record_type="same_event_link")
    not_a_link = make(case)
    out_of_scope = about(outside, "same_event_link", entry_record_ids=["e-5", "e-6"])
    store(repository, [forked, link, not_a_link, right, out_of_scope, edited, left])

    found = repository.same_event_link_heads([case, elsewhere])
    assert found == [
        (right.record_id, right.payload_json),
        (edited.record_id, edited.payload_json),
        (left.record_id, left.payload_json),
    ]
    assert repository.same_event_link_heads([]) == []
    assert repository.same_event_link_heads([new_id()]) == []
