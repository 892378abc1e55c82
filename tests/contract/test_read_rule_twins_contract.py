"""The SQL twins of the read rules answer exactly as the one Python rule, on every backend.

Pull filters in SQL (repository/scope_sql.py): `HIDDEN_FROM_VIEWER` is the twin of
services.access.scope.may_read (pass every restriction row: the owner agency, or a role the
row names) and `SEES_KIND` of scope.sees_kind (a partner's kinds of record). Hypothesis makes
records (kinds, first agencies, later versions, restriction rows on any version) and readers,
stores them on a real database, and checks that pull returns every version of exactly the
records the Python rules let the reader read, and that withdrawal (the same twins, in
`withdrawal_candidates`) names exactly the records those rules saw go hidden in a page.
"""

from typing import Any, NamedTuple

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from shared.ids import new_id
from sync_server.repository import NewVersion, Repository
from sync_server.repository.interface import RestrictionRow, Viewer
from sync_server.services.access.scope import may_read, sees_kind
from tests.contract.factories import make

AGENCIES = ("CSC", "health_visiting", "police")
# "worker" is a part of "social_worker": a role must match whole, never as a substring.
ROLES = ("social_worker", "worker", "health_visitor", "partner_contributor")
KINDS = ("child", "chronology_entry", "same_event_link", "cp_plan", "visit_note")

kinds = st.frozensets(st.sampled_from(KINDS))
restriction = st.tuples(st.sampled_from(AGENCIES), st.frozensets(st.sampled_from(ROLES)))
record = st.fixed_dictionaries({
    "kind": st.sampled_from(KINDS),
    "agencies": st.lists(st.sampled_from(AGENCIES), min_size=1, max_size=3),
    # (index of the version it is keyed by, the rule)
    "restricted": st.lists(st.tuples(st.integers(0, 2), restriction), max_size=3),
})  # fmt: skip
viewer = st.builds(
    Viewer,
    st.sampled_from(AGENCIES),
    st.sampled_from(ROLES),
    st.one_of(st.none(), kinds),
    kinds,
)


class Stored(NamedTuple):
    """One generated record as stored: its versions, their server_seqs, its restriction rows."""

    versions: list[NewVersion]
    seqs: list[int]
    rows: list[RestrictionRow]


def _store(repository: Repository, case: str, spec: dict[str, Any]) -> Stored:
    versions: list[NewVersion] = []
    for agency in spec["agencies"]:
        base = versions[-1] if versions else None
        row = make(case, replaces=base, record_type=spec["kind"])
        versions.append(row._replace(author_agency=agency))
    rows = {
        RestrictionRow(
            versions[0].record_id,
            versions[min(at, len(versions) - 1)].version_id,
            case,
            owner,
            roles,
        )
        for at, (owner, roles) in spec["restricted"]
    }
    with repository.ingest() as batch:
        seqs = batch.insert(versions, [], (), sorted(rows, key=repr))
    return Stored(versions, seqs, list(rows))


def _readable(reader: Viewer, stored: Stored) -> bool:
    first = stored.versions[0]
    return sees_kind(reader, first.record_type, first.author_agency) and may_read(
        reader, stored.rows
    )


def _went_hidden_at(reader: Viewer, stored: Stored) -> int | None:
    """The server_seq of the first version keyed by a restriction row the reader fails."""
    failed = {row.version_id for row in stored.rows if not may_read(reader, [row])}
    seqs = [
        seq for v, seq in zip(stored.versions, stored.seqs, strict=True) if v.version_id in failed
    ]
    return min(seqs, default=None)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(records=st.lists(record, min_size=1, max_size=5), reader=viewer)
def test_pull_shows_exactly_what_may_read_and_sees_kind_allow(
    repository: Repository, records: list[dict[str, Any]], reader: Viewer
) -> None:
    case = new_id()  # each example its own case: the database is shared across examples
    expected: set[str] = set()
    everything: dict[str, str] = {}
    for spec in records:
        stored = _store(repository, case, spec)
        everything.update((v.payload_json, v.version_id) for v in stored.versions)
        if _readable(reader, stored):
            expected.update(v.version_id for v in stored.versions)
    pulled = repository.pull([case], 0, 1000, reader)
    assert {everything[v.payload_json] for v in pulled} == expected


# A partner's own-agency kind made by another agency, hidden by a later version: withdrawal
# must not name it, as pull never sent it (random examples reach this only now and then).
@example(
    records=[{"kind": "chronology_entry", "agencies": ["police", "CSC"],
              "restricted": [(1, ("police", frozenset()))]}],
    reader=Viewer("CSC", "worker", frozenset(), frozenset({"chronology_entry"})),
    window=(0, 2),
)  # fmt: skip
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    records=st.lists(record, min_size=1, max_size=5),
    reader=viewer,
    window=st.tuples(st.integers(0, 12), st.integers(0, 12)),
)
def test_withdrawal_names_exactly_the_records_the_python_rules_saw_go_hidden(
    repository: Repository, records: list[dict[str, Any]], reader: Viewer, window: tuple[int, int]
) -> None:
    """A record is named when the first version keyed by a restriction row the reader fails
    (may_read) lies in the page's range, an earlier version exists, and its kind is one the
    reader sees (sees_kind)."""
    case = new_id()
    stored = [_store(repository, case, spec) for spec in records]
    after = stored[0].seqs[0] - 1 + window[0]
    upto = after + window[1]
    expected = []
    for item in stored:
        hidden_at = _went_hidden_at(reader, item)
        first = item.versions[0]
        if (
            hidden_at is not None
            and after < hidden_at <= upto
            and item.seqs[0] < hidden_at
            and sees_kind(reader, first.record_type, first.author_agency)
        ):
            expected.append((hidden_at, first.record_id))
    found = repository.withdrawal_candidates([case], after, upto, reader)
    assert [c.record_id for c in found] == [record for _, record in sorted(expected)]
    assert {c.case_id for c in found} <= {case}
