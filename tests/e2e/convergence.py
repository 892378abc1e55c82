"""Checks that a device, the server and a model of what was made agree after syncing.

Each check reads one side through the app's own services (the device) and the other through
the server's public API, and asserts they hold the same current versions and conflicts.
"""

from collections import Counter
from collections.abc import Iterable

from mobile_app.services.records import RecordService
from shared.protocol import RecordVersion
from tests.e2e.server_view import ServerView, heads_by_record
from tests.e2e.sync_devices import SyncDevice


def predicted_heads(made: Iterable[RecordVersion], record_id: str) -> set[str]:
    """The record's heads the model expects: the versions made that no other replaces."""
    versions = [v for v in made if v.record_id == record_id]
    replaced = {r for v in versions for r in v.replaced_ids()}
    return {v.version_id for v in versions if v.version_id not in replaced}


def history_agrees(view: ServerView, record_id: str, made: list[RecordVersion]) -> None:
    """The server's history of the record holds exactly the versions made, heads marked."""
    history = view.history(record_id)
    predicted = predicted_heads(made, record_id)
    assert {v.version_id for v in history.versions if v.is_head} == predicted
    assert history.in_conflict == (len(predicted) > 1)
    made_here = [v.version_id for v in made if v.record_id == record_id]
    assert sorted(v.version_id for v in history.versions) == sorted(made_here)


def device_agrees(phone: SyncDevice, as_user: ServerView) -> None:
    """Every record of the device's cases has the same heads here as on the server.

    `as_user` reads as the device's practitioner, so it sees exactly their scope. Versions
    the server refused are left out: the device keeps them, the server never had them.
    """
    held = {r: set(heads) for r, heads in phone.all_heads(with_refused=False).items()}
    in_scope = heads_by_record(as_user.all_versions(), cases=phone.children)
    assert held == in_scope, f"{phone.name} disagrees with the server on current versions"
    for case_id in phone.children:
        chronology_agrees(phone, as_user, case_id)


def chronology_agrees(phone: SyncDevice, as_user: ServerView, case_id: str) -> None:
    """The family's chronology on the server lists what the device's RecordService calls current.

    Same current versions, same entries in conflict, same lifecycle (withdrawn, in error),
    including entries a non-author's refused change named: a refused change is not current.
    """
    entries = as_user.case_chronology(case_id).entries
    current = [
        stored.version
        for stored in RecordService(phone.store).current("chronology_entry")
        if stored.version.case_id == case_id
    ]
    assert sorted(e.version_id for e in entries) == sorted(v.version_id for v in current)
    heads_per_record = Counter(v.record_id for v in current)
    device_conflicts = {record_id for record_id, n in heads_per_record.items() if n > 1}
    assert {e.record_id for e in entries if e.in_conflict} == device_conflicts
    lifecycles = {e.version_id: e.lifecycle for e in entries}
    assert lifecycles == {v.version_id: v.lifecycle for v in current}
