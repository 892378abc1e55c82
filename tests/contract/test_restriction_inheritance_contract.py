"""Conformance: records about a restricted entry (reviews, decisions, links, and records about
those) stored before a later version restricted it get its rows, and are withdrawn with it."""

import json

from shared.ids import new_id
from sync_server.repository import NewVersion, Repository
from sync_server.repository.interface import RestrictionRow, Viewer
from tests.contract.test_repository_contract import make, store

HV = Viewer("health_visiting", "health_visitor")


def about(case_id: str, record_type: str, **names: object) -> NewVersion:
    """Return a version of a record of this type whose payload names records as given."""
    row = make(case_id, record_type=record_type)
    body = {"version_id": row.version_id, "payload": {"record_type": record_type, **names}}
    return row._replace(payload_json=json.dumps(body))


def test_records_about_a_newly_restricted_entry_get_its_rows_keyed_by_its_version(
    repository: Repository,
) -> None:
    case, elsewhere = new_id(), new_id()
    entry, other = make(case), make(case)
    review = about(case, "review_decision", reviewed_record_id=entry.record_id)
    decision = about(case, "decision_record", trigger_entry_id=entry.record_id)
    link = about(case, "same_event_link", entry_record_ids=[other.record_id, entry.record_id])
    of_decision = about(case, "review_decision", reviewed_record_id=decision.record_id)
    unrelated = about(case, "review_decision", reviewed_record_id=other.record_id)
    other_case = about(elsewhere, "decision_record", trigger_entry_id=entry.record_id)
    store(repository, [entry, other, review, decision, link, of_decision, unrelated, other_case])
    restricting = make(case, replaces=entry)
    row = RestrictionRow(entry.record_id, restricting.version_id, case, "CSC", frozenset())
    with repository.ingest() as batch:
        batch.insert([restricting], [], (), [row])
        written = batch.inherit_restrictions([row])
        assert batch.inherit_restrictions([]) == 0

    named = [review, decision, link, of_decision]
    assert written == len(named)
    found = repository.restrictions([r.record_id for r in [*named, unrelated, other_case]])
    assert found == {r.record_id: [row._replace(record_id=r.record_id)] for r in named}


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
