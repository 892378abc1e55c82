"""The SQL twins of the read rules answer exactly as the one Python rule, on every backend.

Pull filters in SQL (repository/sqlite_scope.py): `HIDDEN_FROM_VIEWER` is the twin of
services.access.scope.may_read (pass every restriction row: the owner agency, or a role the
row names) and `SEES_KIND` of scope.sees_kind (a partner's kinds of record). Hypothesis makes
records (kinds, first agencies, later versions, restriction rows on any version) and readers,
stores them on a real database, and checks that pull returns every version of exactly the
records the Python rules let the reader read.
"""

from collections.abc import Sequence
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.ids import new_id
from sync_server.repository import NewVersion, Repository
from sync_server.repository.interface import RestrictionRow, Viewer
from sync_server.services.access.scope import may_read, sees_kind
from tests.contract.test_repository_contract import make

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


def _store(
    repository: Repository, case: str, spec: dict[str, Any]
) -> tuple[list[NewVersion], list[RestrictionRow]]:
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
        batch.insert(versions, [], (), sorted(rows, key=repr))
    return versions, list(rows)


def _expected(reader: Viewer, versions: Sequence[NewVersion], rows: list[RestrictionRow]) -> bool:
    first = versions[0]
    return sees_kind(reader, first.record_type, first.author_agency) and may_read(reader, rows)


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
        versions, rows = _store(repository, case, spec)
        everything.update((v.payload_json, v.version_id) for v in versions)
        if _expected(reader, versions, rows):
            expected.update(v.version_id for v in versions)
    pulled = repository.pull([case], 0, 1000, reader)
    assert {everything[v.payload_json] for v in pulled} == expected
