"""In-process devices for sync tests: a real encrypted store, the app's own services and client.

Each `SyncDevice` is what a phone runs, minus the UI: RecordService makes versions, SyncService
syncs them over HTTP to the real server process (directly, or through a TcpProxy).
"""

import ssl
from dataclasses import dataclass
from pathlib import Path

import httpx

from mobile_app.services.records import NewRecord, RecordService
from mobile_app.services.security.account import AccountService
from mobile_app.services.sync.sync import SyncReport, SyncService
from mobile_app.store import DeviceStore, SyncState
from mobile_app.sync_client import SyncClient
from shared.clock import utc_now
from shared.models import ChronologyEntry, Practitioner
from shared.protocol import RecordVersion
from shared.vocabulary import EventType, InformationSource, Lifecycle, Significance
from tests.e2e.conftest import DEMO_PASSWORD, FAST_KDF, PASSPHRASE

PROXY_TIMEOUT_S = 30.0
# Loading the CA bundle costs ~80 ms per httpx client on this machine; the servers here are
# plain HTTP on loopback, so every client shares one context instead.
TLS = ssl.create_default_context()


def transport() -> httpx.HTTPTransport:
    """A fresh HTTP transport that reuses the shared TLS context."""
    return httpx.HTTPTransport(verify=TLS)


class CloseEachRequest(httpx.HTTPTransport):
    """Asks for a fresh connection per request, so a proxy can fault one request of a sync."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.headers["Connection"] = "close"
        return super().handle_request(request)


@dataclass
class SyncDevice:
    """One signed-in phone: its store, who uses it, and the cases it holds."""

    name: str
    store: DeviceStore
    me: Practitioner
    children: dict[str, list[str]]  # case id -> child record ids, families in name order

    @classmethod
    def sign_in(cls, name: str, data: Path, server_url: str, username: str) -> "SyncDevice":
        """Set up a new device store, sign in as `username` and run a first sync."""
        store = DeviceStore.create(data, PASSPHRASE, FAST_KDF)
        me = AccountService(store, transport()).sign_in(server_url, username, DEMO_PASSWORD, name)
        device = cls(name, store, me, {})
        device.sync()
        # Ordered by the demo's seeded names, not by ids (random per server), so a run of
        # the state machine picks the same family and child on every machine.
        device.children = {
            case.case_id: sorted(case.children, key=lambda c: case.children[c].given_name)
            for case in RecordService(store).caseload()
        }
        return device

    @property
    def token(self) -> str:
        """This device's bearer token."""
        return AccountService(self.store).session().token

    def close(self) -> None:
        """Close the device's store."""
        self.store.close()

    def record_entries(
        self, case_id: str, child_id: str, summaries: list[str]
    ) -> list[RecordVersion]:
        """Record new chronology entries offline; return their first versions in order."""
        now = utc_now()
        entries = [
            NewRecord(
                case_id,
                ChronologyEntry(
                    child_ids=(child_id,),
                    event_datetime=now,
                    source_agency=self.me.agency,
                    information_source=InformationSource.DIRECT_OBSERVATION,
                    author_id=self.me.id,
                    author_role=self.me.role,
                    event_type=EventType.HOME_VISIT,
                    summary=summary,
                    action_taken="Discussed with the parent at the visit.",
                    significance=Significance.CONTEXTUAL,
                ),
            )
            for summary in summaries
        ]
        return RecordService(self.store).record(entries)

    def amend(
        self, record_id: str, summary: str, lifecycle: Lifecycle = Lifecycle.CURRENT
    ) -> RecordVersion:
        """Amend the record's single head here (or withdraw it, or mark it in error)."""
        payload = self._my_payload(self.heads(record_id)[0], summary)
        reason = "Corrected after speaking to the family."
        if lifecycle != Lifecycle.CURRENT:
            reason = f"Marked {lifecycle.value} after review."
        return RecordService(self.store).amend(
            record_id, payload, reason=reason, lifecycle=lifecycle
        )

    def resolve(self, record_id: str, summary: str) -> RecordVersion:
        """Resolve the record's conflict with one version naming every head."""
        payload = self._my_payload(self.heads(record_id)[0], summary)
        return RecordService(self.store).resolve(
            record_id, payload, reason="Joined both accounts of the visit."
        )

    def _my_payload(self, version_id: str, summary: str) -> ChronologyEntry:
        base = self.store.records.get(version_id).version.payload
        assert isinstance(base, ChronologyEntry)
        update = {"summary": summary, "author_id": self.me.id, "author_role": self.me.role}
        return ChronologyEntry.model_validate({**base.model_dump(), **update})

    def heads(self, record_id: str) -> list[str]:
        """The record's current versions on this device (two or more: a conflict)."""
        return self.store.records.head_ids(record_id)

    def all_heads(
        self, record_type: str | None = None, *, with_refused: bool = True
    ) -> dict[str, list[str]]:
        """Every record (of this type, if given) on the device, with its current versions.

        `with_refused=False` leaves out versions the server refused, as if never made: what
        the device holds in common with the server.
        """
        rows = self.store.records.rows(record_type=record_type)
        if not with_refused:
            rows = [row for row in rows if row.state != SyncState.REJECTED]
        replaced = {r for row in rows for r in (row.replaces_version_id, *row.also_replaces)}
        heads: dict[str, list[str]] = {}
        for row in rows:
            versions = heads.setdefault(row.record_id, [])
            if row.version_id not in replaced:
                versions.append(row.version_id)
        return heads

    def version_ids(self) -> list[str]:
        """Every version stored on the device, in storage order."""
        return [row.version_id for row in self.store.records.rows()]

    def refused(self) -> dict[str, str]:
        """Versions the server refused, each with the record it belongs to."""
        rows = self.store.records.rows()
        return {row.version_id: row.record_id for row in rows if row.state == SyncState.REJECTED}

    def pending(self) -> set[str]:
        """Versions the device still believes the server has not acknowledged."""
        rows = self.store.records.rows()
        return {row.version_id for row in rows if row.state == SyncState.PENDING}

    def outbox(self) -> list[str]:
        """The outbox, oldest first."""
        return self.store.outbox.peek(1_000_000)

    def sync(self) -> SyncReport:
        """Sync straight to the server, as the app does."""
        with AccountService(self.store, transport()).client() as client:
            return SyncService(self.store, client).sync()

    def sync_via(self, url: str) -> SyncReport:
        """Sync through another address (a proxy), one connection per request."""
        close_each = CloseEachRequest(verify=TLS)
        client = SyncClient(url, self.token, PROXY_TIMEOUT_S, transport=close_each)
        with client:
            return SyncService(self.store, client).sync()
