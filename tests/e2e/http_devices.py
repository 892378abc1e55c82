"""Devices that speak the sync protocol over raw HTTP to several server processes at once.

Lighter than SyncDevice (no encrypted store): a concurrency test needs many devices pushing
and pulling at the same moment, each choosing which server process a request goes to, and
keeping everything it was told so it can be checked afterwards.
"""

from collections import Counter
from dataclasses import dataclass, field

import httpx

from shared.clock import utc_now
from shared.ids import new_id
from shared.models import ChronologyEntry, Practitioner
from shared.protocol import (
    LoginResponse,
    PullResponse,
    PushItemResult,
    PushRequest,
    RecordVersion,
)
from shared.vocabulary import EventType, InformationSource, Significance
from tests.e2e.conftest import DEMO_PASSWORD
from tests.e2e.sync_devices import transport


@dataclass
class HttpDevice:
    """One signed-in device: a client per server process, its cursor and what it pulled."""

    name: str
    me: Practitioner
    clients: list[httpx.Client]  # one per server process, all with this device's token
    children: dict[str, list[str]] = field(default_factory=dict)  # case id -> child ids
    cursor: int = 0
    pulled: Counter[str] = field(default_factory=Counter)  # version id -> times pulled

    @classmethod
    def sign_in(cls, name: str, urls: list[str], username: str) -> "HttpDevice":
        """Sign in through the first process; the token is good on every one."""
        with httpx.Client(base_url=urls[0], timeout=30, transport=transport()) as client:
            body = {"username": username, "password": DEMO_PASSWORD, "device_name": name}
            answer = client.post("/auth/login", json=body).raise_for_status()
        login = LoginResponse.model_validate_json(answer.content)
        headers = {"Authorization": f"Bearer {login.token}"}
        clients = [
            httpx.Client(base_url=url, headers=headers, timeout=60, transport=transport())
            for url in urls
        ]
        device = cls(name, login.practitioner, clients)
        for version in device.pull_all(0):
            if version.payload.record_type == "child":
                device.children.setdefault(version.case_id, []).append(version.record_id)
        return device

    def close(self) -> None:
        """Close every client."""
        for client in self.clients:
            client.close()

    def pull_page(self, process: int, limit: int) -> PullResponse:
        """Pull one page after the cursor from one process, and move the cursor past it."""
        answer = self.clients[process % len(self.clients)].get(
            "/sync/pull", params={"cursor": self.cursor, "limit": limit}
        )
        page = PullResponse.model_validate_json(answer.raise_for_status().content)
        self.pulled.update(v.version_id for v in page.items)
        assert page.next_cursor >= self.cursor, "a cursor went backwards"
        self.cursor = page.next_cursor
        return page

    def pull_all(self, process: int, limit: int = 500) -> list[RecordVersion]:
        """Pull every page after the cursor, alternating processes from `process`."""
        items: list[RecordVersion] = []
        while True:
            page = self.pull_page(process, limit)
            items += page.items
            process += 1
            if not page.has_more:
                return items

    def push(self, process: int, versions: list[RecordVersion]) -> list[PushItemResult]:
        """Push one batch to one process; return its results in order."""
        body = PushRequest(items=versions).model_dump_json()
        answer = self.clients[process % len(self.clients)].post(
            "/sync/push", content=body, headers={"Content-Type": "application/json"}
        )
        assert answer.status_code == 200, answer.text
        return [PushItemResult.model_validate(r) for r in answer.json()["results"]]

    def new_entry(self, case_id: str) -> RecordVersion:
        """A new chronology entry about the case's first child, made by this device."""
        now = utc_now()
        payload = ChronologyEntry(
            child_ids=(self.children[case_id][0],),
            event_datetime=now,
            source_agency=self.me.agency,
            information_source=InformationSource.DIRECT_OBSERVATION,
            author_id=self.me.id,
            author_role=self.me.role,
            event_type=EventType.HOME_VISIT,
            summary=f"Synthetic: home visit recorded on {self.name}.",
            action_taken="Discussed with the parent at the visit.",
            significance=Significance.CONTEXTUAL,
        )
        return RecordVersion(
            version_id=new_id(),
            record_id=new_id(),
            case_id=case_id,
            device_time=utc_now(),
            payload=payload,
        )

    def amendment(self, head: RecordVersion) -> RecordVersion:
        """This device's amendment of a head it holds (its author's own entry)."""
        assert isinstance(head.payload, ChronologyEntry)
        payload = head.payload.model_copy(update={"summary": f"Synthetic: amended on {self.name}."})
        return RecordVersion(
            version_id=new_id(),
            record_id=head.record_id,
            replaces_version_id=head.version_id,
            amend_reason="Corrected after speaking to the family.",
            case_id=head.case_id,
            device_time=utc_now(),
            payload=payload,
        )
