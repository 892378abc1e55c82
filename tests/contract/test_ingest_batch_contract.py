"""Conformance of IngestBatch on every backend: one push's reads and writes, in one transaction.

Insert (server_seqs, duplicates, undoing a failed batch), the lookups the ingest rules make
(known versions, heads and replacements, children and their current versions, kinds and
origins, first authors, plans, outcomes, practitioners' cases), restriction inheritance, and
the audit row and device contact a push writes with its versions.
"""

from dataclasses import replace

import pytest

from shared.ids import new_id
from shared.vocabulary import Role
from sync_server.errors import DuplicateVersion
from sync_server.repository import AuditEvent, NewVersion, Repository
from sync_server.repository.interface import ReplacementRow, RestrictionRow
from tests.contract.factories import (
    AT,
    about,
    device,
    fail_after_writing,
    make,
    person,
    resolution,
    store,
    with_payload,
)


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


def test_a_failed_batch_leaves_nothing_behind(repository: Repository) -> None:
    with pytest.raises(RuntimeError):
        fail_after_writing(repository, make(new_id()))
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


def test_lookups_of_nothing_find_nothing(repository: Repository) -> None:
    store(repository, [make(new_id())])
    with repository.ingest() as batch:
        assert batch.existing_records([]) == set()
        assert batch.replacing_versions([]) == {}
        assert batch.child_cases([]) == {}
        assert batch.heads([]) == {}
        assert batch.restrictions([]) == {}
        assert batch.record_kinds([]) == {}
        assert batch.record_origins([]) == {}
        assert batch.outcome_plans([]) == {}


def test_record_kinds_and_origins_give_the_type_case_and_first_agency(
    repository: Repository,
) -> None:
    case, elsewhere = new_id(), new_id()
    entry = make(case)._replace(author_agency="police")
    amended = make(case, replaces=entry)  # a later version by another agency
    visit = make(elsewhere, record_type="visit")._replace(author_agency="health_visiting")
    store(repository, [entry, amended, visit])
    asked = [entry.record_id, visit.record_id, new_id()]
    with repository.ingest() as batch:
        assert batch.record_kinds(asked) == {
            entry.record_id: ("chronology_entry", case),
            visit.record_id: ("visit", elsewhere),
        }
        assert batch.record_origins(asked) == {
            entry.record_id: ("chronology_entry", "police"),
            visit.record_id: ("visit", "health_visiting"),
        }
        # A record stored earlier in the same push is found too.
        late = make(case, record_type="analysis_note")._replace(author_agency="GP")
        batch.insert([late], [])
        assert batch.record_kinds([late.record_id]) == {late.record_id: ("analysis_note", case)}
        assert batch.record_origins([late.record_id]) == {late.record_id: ("analysis_note", "GP")}


def test_original_authors_name_the_first_versions_maker_whoever_edited_since(
    repository: Repository,
) -> None:
    case = new_id()
    first = make(case)._replace(author_id="first-author")
    edited = make(case, replaces=first)._replace(author_id="someone-else")
    alone = make(case)._replace(author_id="other-author")
    store(repository, [first, edited, alone])
    with repository.ingest() as batch:
        found = batch.original_authors([first.record_id, alone.record_id, new_id()])
        assert batch.original_authors([]) == {}
    assert found == {first.record_id: "first-author", alone.record_id: "other-author"}


def test_outcome_plans_name_the_plan_each_stored_outcome_version_names(
    repository: Repository,
) -> None:
    case = new_id()
    outcome = with_payload(make(case, record_type="plan_outcome"), plan_id="plan-1")
    moved = with_payload(make(case, replaces=outcome, record_type="plan_outcome"), plan_id="plan-2")
    no_plan = with_payload(make(case, record_type="plan_outcome"))
    # Only outcomes' plan_ids: not a visit naming one, nor a plan's other fields.
    visit = with_payload(make(case, record_type="visit"), plan_id="plan-3")
    plan = with_payload(make(case, record_type="cp_plan"), lead_practitioner_id="lead-1")
    asked = [outcome, moved, no_plan, visit, plan]
    store(repository, asked)
    with repository.ingest() as batch:
        found = batch.outcome_plans([v.version_id for v in asked])
    assert found == {outcome.version_id: "plan-1", moved.version_id: "plan-2"}


def _plan(case: str, lead: str, replaces: NewVersion | None = None) -> NewVersion:
    return with_payload(
        make(case, replaces=replaces, record_type="cp_plan"), lead_practitioner_id=lead
    )


def test_plan_leads_name_the_lead_of_every_current_version_of_a_plan(
    repository: Repository,
) -> None:
    case = new_id()
    first = _plan(case, "lead-1")
    handed = _plan(case, "lead-2", replaces=first)
    rival_a, rival_b = _plan(case, "lead-3"), _plan(case, "lead-4")
    rival_b = rival_b._replace(record_id=rival_a.record_id)
    not_a_plan = make(case)
    store(repository, [first, handed, rival_a, rival_b, not_a_plan])

    with repository.ingest() as batch:
        found = batch.plan_leads([first.record_id, rival_a.record_id, not_a_plan.record_id])
        assert batch.plan_leads([]) == {}

    assert found == {
        first.record_id: (case, frozenset({"lead-2"})),
        rival_a.record_id: (case, frozenset({"lead-3", "lead-4"})),
    }


def test_practitioner_cases_give_the_role_and_only_live_allocations(
    repository: Repository,
) -> None:
    chair, worker = person(role=Role.CP_CHAIR), person(role=Role.SOCIAL_WORKER)
    for someone in (chair, worker):
        repository.add_practitioner(someone, "not-a-real-hash", AT)
    kept, ended = new_id(), new_id()
    repository.allocate(chair.id, kept, AT)
    repository.allocate(chair.id, ended, AT)
    repository.deallocate(chair.id, ended, AT)

    with repository.ingest() as batch:
        found = batch.practitioner_cases([chair.id, worker.id, new_id()])
        assert batch.practitioner_cases([]) == {}

    assert found == {
        chair.id: ("cp_chair", frozenset({kept})),
        worker.id: ("social_worker", frozenset()),
    }


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


def test_a_batch_reads_the_restrictions_it_wrote_and_inherits_to_its_own_records(
    repository: Repository,
) -> None:
    """Restricting an entry and reviewing it in one push: the review gets the entry's row."""
    case = new_id()
    entry = make(case)
    store(repository, [entry])
    restricting = make(case, replaces=entry)
    review = about(case, "review_decision", reviewed_record_id=entry.record_id)
    roles = frozenset({"social_worker", "health_visitor"})
    row = RestrictionRow(entry.record_id, restricting.version_id, case, "CSC", roles)
    with repository.ingest() as batch:
        batch.insert([restricting, review], [], (), [row])
        assert batch.restrictions([entry.record_id, review.record_id]) == {entry.record_id: [row]}
        assert batch.inherit_restrictions([row]) == 1
        assert batch.restrictions([review.record_id]) == {
            review.record_id: [row._replace(record_id=review.record_id)]
        }


def test_a_pushes_audit_row_and_device_contact_commit_or_fail_with_it(
    repository: Repository,
) -> None:
    someone = person()
    repository.add_practitioner(someone, "not-a-real-hash", AT)
    phone = device(someone.id)
    repository.add_device(phone)
    pushed = AuditEvent("2025-03-02T09:00:00Z", someone.id, phone.id, "sync_push", "batch", "b")
    with repository.ingest() as batch:
        batch.insert([make(new_id())], [])
        batch.add_audit(pushed)
        batch.touch_device(phone.id, "2025-03-02T09:00:00Z")

    def failed_push() -> None:
        with repository.ingest() as batch:
            batch.touch_device(phone.id, "2025-03-03T09:00:00Z")
            batch.add_audit(replace(pushed, at="2025-03-03T09:00:00Z"))
            raise RuntimeError

    with pytest.raises(RuntimeError):
        failed_push()

    assert repository.audit_events() == [pushed]
    session = repository.device_session(phone.token_hash)
    assert session is not None
    assert session.last_seen_at == "2025-03-02T09:00:00Z"


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
