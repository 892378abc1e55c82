"""Conformance for a large push batch: the size PostgreSQL stores by COPY rather than by a
pipeline of INSERTs (repository/postgres_versions.py), held to the same answers as a small one.

Text and bytes that COPY's format must escape (tabs, newlines, backslashes, `\\N`, non-ASCII,
hash bytes 0x00, 0x09, 0x0a, 0x5c) come back exactly as they went in.
"""

import hashlib

import pytest

from shared.ids import new_id
from sync_server.errors import DuplicateVersion
from sync_server.repository import ChronologyIndexRow, NewVersion, ReplacementRow, Repository
from sync_server.repository.postgres_versions import COPY_FROM
from tests.contract.factories import AT, make

LARGE = COPY_FROM + 20
AWKWARD = 'tab\there, line\nbreak, back\\slash, \\N, "quoted", café, 👶'
AWKWARD_HASH = bytes([0x00, 0x09, 0x0A, 0x5C, 0x4E, 0xFF]) + bytes(26)


def awkward(case_id: str, n: int) -> NewVersion:
    """A version whose JSON and hash hold every character COPY's text format escapes."""
    version_id = new_id()
    body = f'{{"version_id":"{version_id}","summary":"{AWKWARD}","n":{n}}}'
    hashed = AWKWARD_HASH if n == 0 else hashlib.sha256(body.encode()).digest()
    return make(case_id)._replace(
        version_id=version_id, payload_json=body, content_hash=hashed, device_id=f"dev\t{n}"
    )


def test_a_large_batch_is_stored_in_order_and_reads_back_exactly(repository: Repository) -> None:
    case, child = new_id(), new_id()
    versions = [awkward(case, n) for n in range(LARGE)]
    rows = [ChronologyIndexRow(child, v.version_id, f"2025-03-01T09:{n % 60:02}:00Z") for n, v in
            enumerate(versions)]  # fmt: skip
    with repository.ingest() as batch:
        seqs = batch.insert(versions, rows)
    assert seqs == list(range(seqs[0], seqs[0] + LARGE))
    with repository.ingest() as batch:
        known = batch.known_versions([v.version_id for v in versions])
    assert {k: (s.server_seq, s.content_hash, s.device_id) for k, s in known.items()} == {
        v.version_id: (seq, v.content_hash, v.device_id)
        for v, seq in zip(versions, seqs, strict=True)
    }
    [history] = [repository.record_history(versions[0].record_id)]
    assert history[0].payload_json == versions[0].payload_json
    assert AWKWARD in history[0].payload_json
    heads = repository.chronology_heads(child, {case})
    assert sorted(h.version_id for h in heads) == sorted(v.version_id for v in versions)


def test_a_large_batch_of_edits_writes_every_side_row(repository: Repository) -> None:
    case = new_id()
    base = make(case)
    left, right = make(case, replaces=base), make(case, replaces=base)
    with repository.ingest() as batch:
        batch.insert([base, left, right], [])
    fixed = make(case, replaces=left)
    filler = [make(case) for _ in range(LARGE)]
    with repository.ingest() as batch:
        batch.insert([*filler, fixed], [], [ReplacementRow(right.version_id, fixed.version_id)])
    assert repository.heads([base.record_id]) == {base.record_id: [fixed.version_id]}


@pytest.mark.parametrize("size", [2, LARGE])
def test_a_stored_version_id_undoes_a_batch_of_any_size(repository: Repository, size: int) -> None:
    case = new_id()
    stored = make(case)
    with repository.ingest() as batch:
        batch.insert([stored], [ChronologyIndexRow(new_id(), stored.version_id, AT)])
    before = repository.version_ids()
    fresh = [make(case) for _ in range(size - 1)]
    with pytest.raises(DuplicateVersion), repository.ingest() as batch:
        batch.insert([*fresh, stored], [ChronologyIndexRow(new_id(), stored.version_id, AT)])
    assert repository.version_ids() == before
