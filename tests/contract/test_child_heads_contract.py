"""Conformance for IngestBatch.child_heads: the JSON of each child's current versions, the
visit rule's source of a date of birth (sync_server/services/sync/visit_rules.py)."""

from shared.ids import new_id
from sync_server.repository import ReplacementRow, Repository
from tests.contract.test_repository_contract import make, store


def test_child_heads_give_the_current_versions_of_children_only(repository: Repository) -> None:
    case = new_id()
    first = make(case, record_type="child")
    corrected = make(case, replaces=first, record_type="child")
    one_side, other_side = (make(case, record_id=new_id(), record_type="child") for _ in "ab")
    left = make(case, replaces=one_side, record_type="child")
    right = make(case, replaces=one_side, record_type="child")
    entry = make(case)
    store(repository, [first, corrected, one_side, left, right, entry, other_side])

    with repository.ingest() as batch:
        found = batch.child_heads([first.record_id, one_side.record_id, entry.record_id, new_id()])
        nothing = batch.child_heads([])

    assert found == {
        first.record_id: [corrected.payload_json],
        one_side.record_id: [left.payload_json, right.payload_json],  # a conflict: both sides
    }
    assert nothing == {}


def test_a_resolution_leaves_one_current_version_of_a_child(repository: Repository) -> None:
    case = new_id()
    base = make(case, record_type="child")
    left, right = (make(case, replaces=base, record_type="child") for _ in "ab")
    store(repository, [base, left, right])
    merged = make(case, replaces=left, record_type="child")
    store(repository, [merged], also=[ReplacementRow(right.version_id, merged.version_id)])

    with repository.ingest() as batch:
        assert batch.child_heads([base.record_id]) == {base.record_id: [merged.payload_json]}
