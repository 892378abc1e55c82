"""Making a PDF from the app and handing it to the phone's share sheet: a chronology with the
filters on screen, or a family's transfer pack.

The share sheet is a Flet service that waits on the phone; tests give the flow their own
`share` function instead (see FLET-TESTING notes: anything that waits on the client hangs).
"""

import asyncio
from collections.abc import Awaitable, Callable

import flet as ft

from mobile_app.errors import MobileError
from mobile_app.services.handover.exports import ExportFile, ExportService
from mobile_app.ui.controller import AppController
from mobile_app.ui.flows.base import ScreenFlow

ShareFn = Callable[[ExportFile], Awaitable[None]]


def share_sheet(service: ft.Share, picker: ft.FilePicker) -> ShareFn:
    """Hand a file to the platform share sheet; where the browser has none (a desktop
    browser running the web build), save it as a download instead."""

    async def share(file: ExportFile) -> None:
        try:
            await service.share_files(
                [ft.ShareFile.from_bytes(file.content, mime_type=file.mime_type, name=file.name)],
                subject=file.name,
            )
        except RuntimeError:  # the browser has no share sheet (no navigator.canShare)
            await picker.save_file(file_name=file.name, src_bytes=file.content)

    return share


class ExportFlow(ScreenFlow):
    """Asks the server for a PDF, then shares it; says in plain words what happened."""

    def __init__(self, app: AppController) -> None:
        self._app = app
        self.share: ShareFn | None = None  # set by the app at start, or by a test
        self.last: ExportFile | None = None  # what was shared last (kept only in memory)

    async def chronology(self) -> None:
        """Share the chronology on screen as a PDF, with its filters."""
        screen = self._app.state.chronology
        if screen is None:
            raise MobileError("Open a chronology first.")
        filters = screen.filters(self._app.config.clock().date())
        row = screen.child
        name = f"{row.name} family" if screen.family else row.name
        await self._send(
            lambda service: service.chronology(
                name, row.child_id, row.case_id, filters, family=screen.family
            ),
            f"The chronology of {name}",
        )

    async def transfer_pack(self, family_name: str, case_id: str) -> None:
        """Share the family's transfer pack as a PDF."""
        await self._send(
            lambda service: service.transfer_pack(family_name, case_id),
            f"The {family_name} family's transfer pack",
        )

    async def _send(self, make: Callable[[ExportService], ExportFile], what: str) -> None:
        if self.share is None:
            raise MobileError("Sharing is not available on this device.")
        service = ExportService(self._app.store, self._app.config.transport)
        self._app.state.working(f"Asking the server for the PDF: {what.lower()}...")
        try:
            file = await asyncio.to_thread(make, service)  # the screen stays responsive
        finally:
            self._app.state.working("")
        self.last = file
        await self.share(file)
        size = len(file.content) // 1024 + 1
        self._app.state.say(f"{what} is ready to share ({size} KB).", "done")
