"""PDFs the server makes from records this practitioner may see: a chronology with the
filters on screen, and a family's transfer pack for the team taking the case on.

The server decides who may have each PDF and audits every one it makes; the app keeps a PDF
in memory only until it is handed to the phone's share sheet, never in its data folder.
"""

from dataclasses import dataclass

import httpx

from mobile_app.errors import MobileError, ServerFault, ServerRefused, ServerUnreachable
from mobile_app.services.security.account import AccountService
from mobile_app.store import DeviceStore
from mobile_app.sync_client import SyncClient
from shared.chronology import ChronologyQuery

PDF = "application/pdf"
OFFLINE = (
    "A PDF is made by the server, and it cannot be reached now. Try again when you have signal."
)


@dataclass(frozen=True)
class ExportFile:
    """A file to hand to the share sheet: its name and what it holds."""

    name: str
    content: bytes
    mime_type: str = PDF


def _slug(name: str) -> str:
    return "-".join("".join(c for c in part if c.isalnum()) for part in name.split()).lower()


class ExportService:
    """Asks the server for a PDF on the practitioner's behalf.

    The session is read from the store when the service is made; fetching touches only the
    network, so it may run off the screen's thread.
    """

    def __init__(self, store: DeviceStore, transport: httpx.BaseTransport | None = None) -> None:
        self._session = AccountService(store).session()
        self._transport = transport

    def chronology(
        self, name: str, child_id: str, case_id: str, filters: ChronologyQuery, *, family: bool
    ) -> ExportFile:
        """The chronology PDF of a child (or the whole family), with the filters given."""
        path = (
            f"/cases/{case_id}/chronology.pdf" if family else f"/children/{child_id}/chronology.pdf"
        )
        content = self._fetch(path, filters.parameters())
        return ExportFile(f"chronology-{_slug(name)}.pdf", content)

    def transfer_pack(self, family_name: str, case_id: str) -> ExportFile:
        """The family's transfer pack as a PDF."""
        content = self._fetch(f"/cases/{case_id}/transfer-pack.pdf", [])
        return ExportFile(f"transfer-pack-{_slug(family_name)}-family.pdf", content)

    def _fetch(self, path: str, query: list[tuple[str, str]]) -> bytes:
        try:
            session = self._session
            with SyncClient(session.server_url, session.token, transport=self._transport) as client:
                return client.pdf(path, query)
        except ServerUnreachable as exc:
            raise MobileError(OFFLINE) from exc
        except ServerRefused as exc:
            raise MobileError(f"The server would not make this PDF: {exc}") from exc
        except ServerFault as exc:
            raise MobileError(str(exc)) from exc
