"""The headless device says why the server refused a version, in the words of the app's sync
screen: `sync`, `status` and `list --json` all give the reason and what to do."""

import json
from datetime import timedelta
from pathlib import Path

from mobile_app.services.records import NewRecord, RecordService
from mobile_app.services.security.account import AccountService
from mobile_app.store import DeviceStore
from shared.clock import utc_now
from shared.models import Child, ChronologyEntry
from shared.rules.event_time import FUTURE_MESSAGE
from shared.vocabulary import EventType, InformationSource, Significance
from tests.e2e.conftest import PASSPHRASE, CliDevice, ServerProcess

REASON = f"When it happened: {FUTURE_MESSAGE}"


def keep_an_entry_dated_ahead(data: Path) -> str:
    """Put an entry dated 30 days ahead in the device's outbox, as a phone kept offline from
    before the rule would hold it; returns its version id."""
    store = DeviceStore.unlock(data, PASSPHRASE)
    try:
        me = AccountService(store).session().practitioner
        records = RecordService(store)
        child = next(
            s.version for s in records.current("child") if isinstance(s.version.payload, Child)
        )
        entry = ChronologyEntry(
            child_ids=(child.record_id,),
            event_datetime=utc_now() + timedelta(days=30),
            source_agency=me.agency,
            information_source=InformationSource.DIRECT_OBSERVATION,
            author_id=me.id,
            author_role=me.role,
            event_type=EventType.HOME_VISIT,
            summary="Synthetic: a note dated ahead.",
            action_taken="Discussed with the parent.",
            significance=Significance.CONTEXTUAL,
        )
        [kept] = records.record([NewRecord(child.case_id, entry)])
        return kept.version_id
    finally:
        store.close()


def test_the_cli_says_why_a_version_was_refused(server: ServerProcess, tmp_path: Path) -> None:
    hv = CliDevice(tmp_path / "hv", process=True).signed_in(server, "demo-hv")
    version_id = keep_an_entry_dated_ahead(hv.data)

    said = hv.run("sync")
    assert REASON in said
    assert "What to do: The server did not accept this record." in said
    assert "payload." not in said  # never the server's field path

    status = json.loads(hv.run("status", "--json"))
    [issue] = status["sync_issues"]
    assert issue["detail"] == REASON
    assert REASON in hv.run("status")

    [row] = [r for r in hv.records() if r["version_id"] == version_id]
    assert row["why"] == REASON
