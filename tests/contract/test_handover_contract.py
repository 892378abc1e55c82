"""Conformance of HandoverQueries on every backend (issue 13): ended allocations, transfers,
and the marks of versions accepted from the team that held a case before its transfer."""

from shared.ids import new_id
from sync_server.repository import NewVersion, Repository
from sync_server.repository.handover import HandoverArrival
from tests.contract.factories import AT, make, person, store

MONDAY, TUESDAY = "2025-03-03T09:00:00Z", "2025-03-04T09:00:00Z"


def _member(repository: Repository) -> str:
    someone = person()
    repository.add_practitioner(someone, "$argon2id$stand-in", AT)
    return someone.id


def _arrival(
    version: NewVersion, arrived_at: str, forwarded_by: str | None = None
) -> HandoverArrival:
    return HandoverArrival(version.version_id, version.case_id, "previous-worker", MONDAY,
                           "transfer-1", "Banbury", arrived_at, forwarded_by)  # fmt: skip


def test_allocation_ends_only_for_cases_the_practitioner_no_longer_holds(
    repository: Repository,
) -> None:
    leaver, colleague = _member(repository), _member(repository)
    ended, held, back, never, theirs = (new_id() for _ in range(5))
    for case in (ended, held, back):
        repository.allocate(leaver, case, MONDAY)
    repository.allocate(colleague, theirs, MONDAY)
    repository.deallocate(leaver, ended, TUESDAY)
    repository.deallocate(leaver, back, TUESDAY)
    repository.allocate(leaver, back, "2025-03-05T09:00:00Z")  # allocated again: not ended
    repository.deallocate(colleague, theirs, TUESDAY)

    asked = [ended, held, back, never, theirs]
    assert repository.allocation_ends(leaver, asked) == {ended: TUESDAY}
    assert repository.allocation_ends(colleague, asked) == {theirs: TUESDAY}
    assert repository.allocation_ends(leaver, [held]) == {}
    assert repository.allocation_ends(leaver, []) == {}


def test_transfer_versions_are_the_cases_transfers_oldest_first(repository: Repository) -> None:
    case, elsewhere, outside = new_id(), new_id(), new_id()
    first = make(case, record_type="transfer_out")._replace(author_id="sender-1")
    amended = make(case, replaces=first, record_type="transfer_out")
    other = make(elsewhere, record_type="transfer_out")._replace(author_id="sender-2")
    store(repository, [first, make(case), other, make(outside, record_type="transfer_out")])
    store(repository, [amended])

    assert repository.transfer_versions([case, elsewhere]) == [
        (case, first.record_id, "sender-1", first.payload_json),
        (elsewhere, other.record_id, "sender-2", other.payload_json),
        (case, first.record_id, amended.author_id, amended.payload_json),
    ]
    assert repository.transfer_versions([new_id()]) == []
    assert repository.transfer_versions([]) == []


def test_arrivals_are_read_back_per_case_in_arrival_order(repository: Repository) -> None:
    case, elsewhere = new_id(), new_id()
    # In version id order, so that arriving in the opposite order is told apart from it.
    first, second, third = sorted((make(case) for _ in range(3)), key=lambda v: v.version_id)
    theirs = make(elsewhere)
    store(repository, [first, second, third, theirs, make(case)])
    late = _arrival(first, "2025-03-04T10:00:00Z")
    forwarded = _arrival(second, "2025-03-04T09:30:00Z", forwarded_by="supervisor-1")
    tied = _arrival(third, "2025-03-04T09:30:00Z")  # same moment: by version id
    other = _arrival(theirs, "2025-03-04T09:00:00Z")
    repository.add_handover_arrivals([late, tied, other, forwarded])
    repository.add_handover_arrivals([])

    assert repository.handover_arrivals([case]) == [forwarded, tied, late]
    assert repository.handover_arrivals([case, elsewhere]) == [other, forwarded, tied, late]
    assert repository.handover_arrivals([new_id()]) == []
    assert repository.handover_arrivals([]) == []


def test_arrival_seqs_are_the_late_arrivals_within_a_pull_page(repository: Repository) -> None:
    case, elsewhere = new_id(), new_id()
    versions = [make(case), make(case), make(case), make(elsewhere), make(case)]
    seqs = store(repository, versions)
    marked = [versions[i] for i in (0, 2, 3, 4)]
    repository.add_handover_arrivals([_arrival(v, TUESDAY) for v in marked])

    assert repository.arrival_seqs([case], 0, seqs[-1]) == {seqs[0], seqs[2], seqs[4]}
    # The page is (after, upto]: its first seq is out, its last in.
    assert repository.arrival_seqs([case], seqs[0], seqs[2]) == {seqs[2]}
    assert repository.arrival_seqs([case, elsewhere], seqs[2], seqs[3]) == {seqs[3]}
    assert repository.arrival_seqs([case], seqs[2], seqs[3]) == set()
    assert repository.arrival_seqs([case], seqs[-1], seqs[-1] + 10) == set()
    assert repository.arrival_seqs([], 0, seqs[-1]) == set()
