"""The encrypted device store: locked by the passphrase, tamper-evident, nothing in clear."""

import hashlib
import sqlite3
from pathlib import Path

import pytest

from mobile_app.crypto import KdfParams
from mobile_app.errors import NotInitialised, RecordTampered, StoreError, WrongPassphrase
from mobile_app.services.records import NewRecord, RecordService
from mobile_app.store import DeviceStore, SyncState
from mobile_app.store.database import DB_FILENAME
from shared.ids import new_id
from shared.models import SignificantAdult
from shared.vocabulary import Lifecycle, Relationship
from tests.mobile_app.conftest import PASSPHRASE, pulled

SECRET_NAME = "Declan Thackray-Ormerod"


def adult(child_id: str, name: str = SECRET_NAME) -> SignificantAdult:
    return SignificantAdult(
        child_ids=(child_id,),
        relationship=Relationship.BIRTH_FATHER,
        name=name,
        involvement="Collects the children from nursery.",
    )


def folder_digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_wrong_passphrase_is_refused_and_changes_nothing(
    store: DeviceStore, data_dir: Path, caseload: dict[str, str]
) -> None:
    store.close()
    before = folder_digest(data_dir)
    with pytest.raises(WrongPassphrase, match="does not unlock"):
        DeviceStore.unlock(data_dir, "not the passphrase")
    assert folder_digest(data_dir) == before
    reopened = DeviceStore.unlock(data_dir, PASSPHRASE)
    assert len(reopened.records.rows()) == 2
    reopened.close()


def test_unlocking_a_folder_never_set_up_says_so(tmp_path: Path) -> None:
    with pytest.raises(NotInitialised):
        DeviceStore.unlock(tmp_path / "empty", PASSPHRASE)


def test_short_passphrase_is_refused(tmp_path: Path, fast_kdf: KdfParams) -> None:
    with pytest.raises(StoreError, match="at least 10"):
        DeviceStore.create(tmp_path / "d", "short", fast_kdf)


def test_setting_up_twice_is_refused(
    store: DeviceStore, data_dir: Path, fast_kdf: KdfParams
) -> None:
    with pytest.raises(StoreError, match="already set up"):
        DeviceStore.create(data_dir, "another long passphrase", fast_kdf)


def test_nothing_personal_is_in_clear_anywhere_in_the_data_folder(
    store: DeviceStore, data_dir: Path, caseload: dict[str, str]
) -> None:
    RecordService(store).record([NewRecord(caseload["case_id"], adult(caseload["child_id"]))])
    store.drafts.put("draft-1", {"voice_of_child": "Said: I am hungry at night"}, kind="visit")
    store.settings.put("session", {"token": "tok-SECRET-123", "username": "hv-test"})
    files = list(data_dir.iterdir())
    assert {f.name for f in files} >= {DB_FILENAME}
    blob = b"".join(f.read_bytes() for f in files)
    for needle in (
        SECRET_NAME,
        "Thackray",
        "Quarmby",
        "Poppy",
        "Weavers Row",
        "OX16",
        "hungry at night",
        "tok-SECRET-123",
        "hv-test",
        "nursery",
    ):
        assert needle.encode() not in blob, needle
        assert needle.encode("utf-16-le") not in blob, needle


def test_a_tampered_row_is_set_aside_and_the_rest_stay_readable(
    store: DeviceStore, data_dir: Path, caseload: dict[str, str]
) -> None:
    versions = RecordService(store).record(
        [
            NewRecord(caseload["case_id"], adult(caseload["child_id"], f"Adult {n}"))
            for n in range(3)
        ]
    )
    victim = versions[1].version_id
    with sqlite3.connect(data_dir / DB_FILENAME) as raw:
        (sealed,) = raw.execute(
            "SELECT ciphertext FROM versions WHERE version_id = ?", [victim]
        ).fetchone()
        flipped = sealed[:20] + bytes([sealed[20] ^ 0x01]) + sealed[21:]
        raw.execute("UPDATE versions SET ciphertext = ? WHERE version_id = ?", [flipped, victim])
    with pytest.raises(RecordTampered) as caught:
        store.records.get(victim)
    assert caught.value.version_id == victim
    assert "server" not in str(caught.value)  # it cannot know whether the server has a copy
    results = list(store.records.read_all("significant_adult"))
    assert [type(r).__name__ for r in results] == ["StoredVersion", "StoredVersion"]
    assert [e.version_id for e in store.records.quarantine.entries()] == [victim]


def test_swapping_ciphertexts_between_rows_is_detected(
    store: DeviceStore, data_dir: Path, caseload: dict[str, str]
) -> None:
    a, b = RecordService(store).record(
        [NewRecord(caseload["case_id"], adult(caseload["child_id"], n)) for n in ("A One", "B Two")]
    )
    with sqlite3.connect(data_dir / DB_FILENAME) as raw:
        rows = dict(raw.execute("SELECT version_id, ciphertext FROM versions").fetchall())
        raw.execute(
            "UPDATE versions SET ciphertext = ? WHERE version_id = ?",
            [rows[b.version_id], a.version_id],
        )
        raw.execute(
            "UPDATE versions SET ciphertext = ? WHERE version_id = ?",
            [rows[a.version_id], b.version_id],
        )
    for version in (a, b):
        with pytest.raises(RecordTampered):
            store.records.get(version.version_id)


def test_outbox_keeps_the_order_records_were_made_in(
    store: DeviceStore, caseload: dict[str, str]
) -> None:
    service = RecordService(store)
    made = [
        service.record([NewRecord(caseload["case_id"], adult(caseload["child_id"], f"N {i}"))])
        for i in range(5)
    ]
    assert store.outbox.peek(100) == [v[0].version_id for v in made]
    assert store.outbox.count() == 5
    assert all(r.state == SyncState.PENDING for r in store.records.rows("significant_adult"))


def test_amend_names_the_version_it_replaces(store: DeviceStore, caseload: dict[str, str]) -> None:
    service = RecordService(store)
    (first,) = service.record([NewRecord(caseload["case_id"], adult(caseload["child_id"]))])
    second = service.amend(
        first.record_id, adult(caseload["child_id"], "Declan Thackray"), reason="Surname spelt"
    )
    assert second.replaces_version_id == first.version_id
    assert second.amend_reason == "Surname spelt"
    assert second.record_id == first.record_id
    assert store.records.head_ids(first.record_id) == [second.version_id]
    current = service.current("significant_adult")
    assert [c.version.version_id for c in current] == [second.version_id]


def test_pulled_versions_are_stored_once_and_the_cursor_never_goes_back(
    store: DeviceStore, caseload: dict[str, str]
) -> None:
    cases = RecordService(store).caseload()
    assert [c.family.family_name for c in cases] == ["Quarmby"]
    assert list(cases[0].children) == [caseload["child_id"]]
    family_version = store.records.rows("family")[0]
    again = store.records.get(family_version.version_id).version
    assert store.records.merge_pulled([again]) == 0  # type: ignore[list-item]
    assert len(store.records.rows()) == 2
    with pytest.raises(StoreError, match="backwards"):
        store.cursor.set(1)
    new_child = pulled(caseload["case_id"], new_id(), cases[0].children[caseload["child_id"]], 3)
    assert store.records.merge_pulled([new_child]) == 1


def test_a_conflict_is_resolved_by_one_version_replacing_every_head(
    store: DeviceStore, caseload: dict[str, str]
) -> None:
    service = RecordService(store)
    (first,) = service.record([NewRecord(caseload["case_id"], adult(caseload["child_id"]))])
    mine = service.amend(first.record_id, adult(caseload["child_id"], "Mine"), reason="spelling")
    theirs = pulled(caseload["case_id"], first.record_id, adult(caseload["child_id"], "Theirs"), 9)
    theirs = theirs.model_copy(
        update={"replaces_version_id": first.version_id, "amend_reason": "new phone"}
    )
    store.records.merge_pulled([theirs])
    assert set(store.records.head_ids(first.record_id)) == {mine.version_id, theirs.version_id}
    with pytest.raises(StoreError, match="resolve the conflict"):
        service.amend(first.record_id, adult(caseload["child_id"]), reason="again")
    fixed = service.resolve(first.record_id, adult(caseload["child_id"], "Both"), reason="merged")
    assert set(fixed.replaced_ids()) == {mine.version_id, theirs.version_id}
    assert store.records.head_ids(first.record_id) == [fixed.version_id]
    assert [c.version.version_id for c in service.current("significant_adult")] == [
        fixed.version_id
    ]


def test_withdrawing_a_record_is_a_version_not_a_deletion(
    store: DeviceStore, caseload: dict[str, str]
) -> None:
    service = RecordService(store)
    (first,) = service.record([NewRecord(caseload["case_id"], adult(caseload["child_id"]))])
    gone = service.amend(
        first.record_id, first.payload, reason="Wrong family", lifecycle=Lifecycle.ENTERED_IN_ERROR
    )
    assert gone.lifecycle == Lifecycle.ENTERED_IN_ERROR
    assert store.records.get(first.version_id).version == first
    assert len(store.records.rows(record_id=first.record_id)) == 2


def test_an_edited_clear_column_is_caught_as_tampering(
    store: DeviceStore, data_dir: Path, caseload: dict[str, str]
) -> None:
    """Regression: clear columns drive heads and scope, so they must match the sealed version."""
    service = RecordService(store)
    (first,) = service.record([NewRecord(caseload["case_id"], adult(caseload["child_id"]))])
    second = service.amend(first.record_id, adult(caseload["child_id"], "New"), reason="typo")
    with sqlite3.connect(data_dir / DB_FILENAME) as raw:
        raw.execute(
            "UPDATE versions SET replaces_version_id = NULL WHERE version_id = ?",
            [second.version_id],
        )
    with pytest.raises(RecordTampered):
        store.records.get(second.version_id)
    assert store.records.get(first.version_id).version == first
