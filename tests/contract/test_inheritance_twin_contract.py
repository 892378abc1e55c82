"""Restriction inheritance in SQL answers as the one Python rule, on every backend.

A record stored before an entry was restricted gets the entry's rows when the restricting
version is stored (repository/restriction_inheritance.py reads version_fields in SQL). Which
records a record is about is services.sync.ingest._named_records (the rule for records pushed
after); restriction passes along it, through records about those, within the entry's case.
Hypothesis makes entries and records about them (some in another case, some edited to name
another record), restricts an entry, and checks that exactly the records the Python rule
reaches get its rows.
"""

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.ids import new_id
from shared.models import AnalysisNote, DecisionRecord
from shared.models.link import SameEventLink
from shared.models.review import ReviewDecision
from sync_server.repository import NewVersion, Repository
from sync_server.repository.interface import RestrictionRow
from sync_server.services.sync.ingest import _named_records
from tests.contract.factories import make

# record type -> (its model, the field naming what it is about, whether that is a list)
ABOUT: dict[str, tuple[Any, str, bool]] = {
    "review_decision": (ReviewDecision, "reviewed_record_id", False),
    "decision_record": (DecisionRecord, "trigger_entry_id", False),
    "same_event_link": (SameEventLink, "entry_record_ids", True),
    "analysis_note": (AnalysisNote, "entry_ids", True),
}
ENTRIES = 3

# Each names records by their place among those made before it (entries first).
naming = st.lists(st.integers(0, 20), min_size=1, max_size=2)
about_spec = st.fixed_dictionaries({
    "kind": st.sampled_from(sorted(ABOUT)),
    "names": naming,
    "edit": st.one_of(st.none(), naming),  # a later version naming (perhaps) others
    "elsewhere": st.booleans(),  # stored in another case
})  # fmt: skip


def _version(case: str, kind: str, names: list[str], base: NewVersion | None) -> NewVersion:
    row = make(case, replaces=base, record_type=kind)
    field, many = ABOUT[kind][1:]
    value: Any = names if many else names[0]
    body = {"version_id": row.version_id, "payload": {"record_type": kind, field: value}}
    return row._replace(payload_json=json.dumps(body))


def _named(kind: str, names: list[str]) -> set[str]:
    model, field, many = ABOUT[kind]
    payload = model.model_construct(**{field: names if many else names[0]})
    return set(_named_records(payload))


def _reached(entry: str, case: str, about: dict[str, tuple[str, set[str]]]) -> set[str]:
    hidden, frontier = {entry}, {entry}
    while frontier:
        frontier = {
            record for record, (where, named) in about.items()
            if where == case and record not in hidden and named & frontier
        }  # fmt: skip
        hidden |= frontier
    return hidden - {entry}


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(specs=st.lists(about_spec, max_size=7), which=st.integers(0, ENTRIES - 1))
def test_exactly_the_records_the_python_rule_reaches_inherit_the_restriction(
    repository: Repository, specs: list[dict[str, Any]], which: int
) -> None:
    case, elsewhere = new_id(), new_id()
    stored = [make(case) for _ in range(ENTRIES)]
    ids = [v.record_id for v in stored]
    about: dict[str, tuple[str, set[str]]] = {}
    for spec in specs:
        where = elsewhere if spec["elsewhere"] else case
        names = [ids[n % len(ids)] for n in spec["names"]]
        first = _version(where, spec["kind"], names, None)
        stored.append(first)
        named = _named(spec["kind"], names)
        if spec["edit"] is not None:
            later = [ids[n % len(ids)] for n in spec["edit"]]
            stored.append(_version(where, spec["kind"], later, first))
            named |= _named(spec["kind"], later)
        ids.append(first.record_id)
        about[first.record_id] = (where, named)
    with repository.ingest() as batch:
        batch.insert(stored, [])
    entry = stored[which]
    restricting = make(case, replaces=entry)
    row = RestrictionRow(entry.record_id, restricting.version_id, case, "CSC", frozenset({"x"}))
    with repository.ingest() as batch:
        batch.insert([restricting], [], (), [row])
        batch.inherit_restrictions([row])
    found = repository.restrictions(about.keys())
    got = {
        record for record, rows in found.items()
        if any(r.version_id == restricting.version_id for r in rows)
    }  # fmt: skip
    assert got == _reached(entry.record_id, case, about)
