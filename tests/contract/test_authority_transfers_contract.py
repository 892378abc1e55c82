"""Bundles sent to and received from other authorities: every backend must answer alike."""

import hashlib

from shared.ids import new_id
from sync_server.repository import NewVersion, Repository
from sync_server.repository.authority_transfers import (
    Provenance,
    ReceivedAuthor,
    ReceivedBundle,
    SentBundle,
)

AUTHOR = ReceivedAuthor(new_id(), "Sam Okafor", "social_worker", "CSC", "Banbury")


def _version(case_id: str, author_id: str) -> NewVersion:
    payload = '{"stand_in":true}'
    return NewVersion(
        new_id(), new_id(), "family", None, case_id, author_id, "CSC", None,
        "2025-03-01T09:00:00Z", "2025-03-01T09:00:01Z",
        hashlib.sha256(payload.encode()).digest(), payload,
    )  # fmt: skip


def _sent(case_id: str, at: str) -> SentBundle:
    return SentBundle(new_id(), case_id, "Buckinghamshire", at, new_id(), "ab" * 32, 1)


def _received(case_id: str, at: str, count: int = 0) -> ReceivedBundle:
    return ReceivedBundle(new_id(), case_id, "Oxfordshire", "2025-01-01T00:00:00Z", at,
                          "cd" * 32, new_id(), count)  # fmt: skip


def test_a_case_is_closed_from_its_latest_sending_until_it_is_received_back(
    repository: Repository,
) -> None:
    gone, back, still = new_id(), new_id(), new_id()
    assert repository.closed_cases([gone]) == {}
    first = _sent(gone, "2025-03-01T09:00:00Z")
    repository.add_sent_bundle(first)
    repository.add_sent_bundle(_sent(back, "2025-03-01T09:00:00Z"))
    # Stamps of different precision still compare as times.
    repository.add_received_bundle(_received(back, "2025-03-01T09:00:00.5Z"), [], [])
    repository.add_received_bundle(_received(still, "2025-02-01T09:00:00Z"), [], [])
    later = _sent(still, "2025-03-01T09:00:00.000001Z")
    repository.add_sent_bundle(later)

    assert repository.closed_cases([gone, back, still, new_id()]) == {gone: first, still: later}
    assert repository.closed_cases([]) == {}


def test_received_versions_carry_their_provenance_and_their_authors_name(
    repository: Repository,
) -> None:
    case_id = new_id()
    mine, theirs = _version(case_id, new_id()), _version(case_id, AUTHOR.practitioner_id)
    with repository.ingest() as batch:
        batch.insert([theirs, mine], [])
    bundle = _received(case_id, "2025-03-02T10:00:00Z", 1)
    repository.add_received_bundle(bundle, [theirs.version_id], [AUTHOR])

    assert repository.received_bundle(bundle.bundle_id) == bundle
    assert repository.received_bundle(new_id()) is None
    assert repository.provenance([theirs.version_id, mine.version_id]) == {
        theirs.version_id: Provenance("Oxfordshire", "2025-03-02T10:00:00Z", AUTHOR)
    }
    assert repository.case_versions(case_id) == [theirs, mine]  # every column, server order
