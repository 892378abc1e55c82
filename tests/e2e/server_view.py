"""What the server holds, read through its public HTTP API with one practitioner's token."""

from collections.abc import Collection
from typing import TypeVar

import httpx
from pydantic import BaseModel

from mobile_app.sync_client import SyncClient
from shared.protocol import (
    MAX_PULL_LIMIT,
    CaseChronologyResponse,
    PulledVersion,
    PullResponse,
    RecordHistoryResponse,
    RecordVersion,
)
from tests.e2e.conftest import DEMO_PASSWORD
from tests.e2e.sync_devices import TLS, CloseEachRequest, transport

_Answer = TypeVar("_Answer", bound=BaseModel)


class ServerView:
    """Reads the server's versions, record histories and case chronologies."""

    def __init__(self, url: str, token: str) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        # A fresh connection per read: behind a balancer (server_pair.py), a kept-alive one can
        # still lead to a process just killed, and the read then fails with "Server
        # disconnected" (seen once in a run on four busy workers) instead of reaching the other.
        close_each = CloseEachRequest(verify=TLS)
        self._http = httpx.Client(base_url=url, headers=headers, timeout=30, transport=close_each)

    @classmethod
    def signed_in(cls, url: str, username: str, device_name: str) -> "ServerView":
        """Sign in as a demo practitioner on a device of its own, and read as them."""
        with SyncClient(url, transport=transport()) as client:
            token = client.login(username, DEMO_PASSWORD, device_name).token
        return cls(url, token)

    def __enter__(self) -> "ServerView":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def all_versions(self) -> list[PulledVersion]:
        """Every version in the caller's scope, pulled from cursor 0 to the end."""
        versions: list[PulledVersion] = []
        cursor = 0
        while True:
            params = {"cursor": cursor, "limit": MAX_PULL_LIMIT}
            page = self._get("/sync/pull", PullResponse, params)
            versions += page.items
            cursor = page.next_cursor
            if not page.has_more:
                return versions

    def history(self, record_id: str) -> RecordHistoryResponse:
        """Every version of one record, heads marked."""
        return self._get(f"/records/{record_id}/versions", RecordHistoryResponse)

    def case_chronology(self, case_id: str) -> CaseChronologyResponse:
        """The family's merged chronology: each entry's current version(s)."""
        return self._get(f"/cases/{case_id}/chronology", CaseChronologyResponse)

    def _get(
        self, path: str, answer: type[_Answer], params: dict[str, int] | None = None
    ) -> _Answer:
        response = self._http.get(path, params=params)
        response.raise_for_status()
        return answer.model_validate_json(response.content)


def heads_by_record(
    versions: list[PulledVersion], cases: Collection[str] | None = None
) -> dict[str, set[str]]:
    """Each record's current versions (those no other version replaces), by record id.

    Only records of the given cases when `cases` is given.
    """
    entries = [v for v in versions if cases is None or v.case_id in cases]
    replaced = {r for v in entries for r in v.replaced_ids()}
    heads: dict[str, set[str]] = {}
    for version in entries:
        record_heads = heads.setdefault(version.record_id, set())
        if version.version_id not in replaced:
            record_heads.add(version.version_id)
    return heads


def as_made(pulled: PulledVersion) -> RecordVersion:
    """The version as its device made it, without what the server added."""
    return RecordVersion.model_validate(pulled.model_dump(include=set(RecordVersion.model_fields)))
