"""A fresh device's first pull from the real server, many pages long: every version the server
sends is stored once, opens (decrypts and validates), and says exactly what the server sent."""

import json
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest

from mobile_app.services.security.account import AccountService
from mobile_app.services.sync import sync as sync_module
from mobile_app.store import DeviceStore, StoredVersion
from shared.protocol import PulledVersion
from tests.e2e.test_sync_resilience import record_visits, signed_in_store

pytestmark = pytest.mark.e2e


def server_items(url: str, token: str) -> dict[str, dict[str, Any]]:
    """Every version the server lets this caller pull, read with plain json (not the app)."""
    items: dict[str, dict[str, Any]] = {}
    cursor = 0
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as http:
        while True:
            page = json.loads(http.get("/sync/pull", params={"cursor": cursor}).content)
            items.update((item["version_id"], item) for item in page["items"])
            cursor = page["next_cursor"]
            if not page["has_more"]:
                return items


def test_every_pulled_version_is_stored_once_opens_and_matches_the_server(
    server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    author = signed_in_store(tmp_path / "author", server, "demo-sw")
    try:
        record_visits(author, 12)
        with AccountService(author).client() as client:
            sync_module.SyncService(author, client).sync()
    finally:
        author.close()

    monkeypatch.setattr(sync_module, "PULL_PAGE", 7)  # many pages, fetched ahead
    fresh: DeviceStore = signed_in_store(tmp_path / "fresh", server, "demo-sw")
    try:
        expected = server_items(server.url, AccountService(fresh).session().token)
        opened = list(fresh.records.read_all())
        rows = fresh.records.rows()
    finally:
        fresh.close()

    assert len(expected) > 7 * 5, "the pull spans many pages"
    ids = [row.version_id for row in rows]
    assert len(ids) == len(set(ids)), "no version is stored twice"
    assert set(ids) == set(expected)
    assert all(isinstance(v, StoredVersion) for v in opened), "every version opens"
    for stored in opened:
        assert isinstance(stored, StoredVersion)
        assert stored.version.model_dump(mode="json") == _as_model(expected[stored.version_id])
    # The clear columns are ids and sync state only; the record itself is ciphertext.
    conn = sqlite3.connect(tmp_path / "fresh" / "doorstep-device.db")
    try:
        blob = b"".join(row[0] for row in conn.execute("SELECT ciphertext FROM versions"))
    finally:
        conn.close()
    assert b"payload" not in blob
    assert b"record_type" not in blob


def _as_model(item: dict[str, Any]) -> dict[str, Any]:
    """The server's item as the device's model would write it (defaults filled in)."""
    return PulledVersion.model_validate(item).model_dump(mode="json")
