"""A child's timeline: open it, filter it, and link two agencies' entries of one event."""

from mobile_app.errors import MobileError
from mobile_app.services.caseload.overview import ChildRow
from mobile_app.services.chronology.chronology import ChronologyService
from mobile_app.services.chronology.same_event import SameEventService
from mobile_app.ui.controller import AppController
from mobile_app.ui.flows.base import HubFlow
from mobile_app.ui.flows.export import ExportFlow
from mobile_app.ui.screens import ChronologyScreen
from shared.chronology import ChronologyQuery
from shared.protocol import ChronologyItem

_FILTERS = frozenset({"agency", "significance", "period", "neglect_type", "event_type"})


class ChronologyFlow(HubFlow):
    """Opens a child's timeline, filters it, and links two agencies' entries of one event."""

    def __init__(self, app: AppController, exports: ExportFlow) -> None:
        super().__init__(app)
        self._exports = exports

    async def pdf(self) -> None:
        """Share the timeline on screen, with its filters, as a PDF."""
        await self._exports.chronology()

    async def transfer_pack(self, family_name: str, case_id: str) -> None:
        """Share the family's transfer pack."""
        await self._exports.transfer_pack(family_name, case_id)

    def open(self, child_id: str) -> None:
        """Show the child's chronology, newest first, unfiltered."""
        row = self._app.child_row(child_id)
        if row is None:
            return
        me = self._app.me()
        service = ChronologyService(self._app.store, me)
        self._app.state.open_chronology(
            ChronologyScreen(
                row,
                service.for_child(child_id),
                service.agencies(child_id),
                event_types=service.event_types(child_id),
                suggestions=SameEventService(self._app.store, me).suggestions(child_id),
            )
        )

    def filter(self, **choices: str) -> None:
        """Show only matching entries; choices: agency, significance, period, neglect_type,
        event_type ("" for all)."""
        screen = self._app.state.chronology
        if screen is None:
            return
        for name in choices:
            if name not in _FILTERS:
                raise MobileError(f"{name}: the chronology cannot be filtered by that.")
        screen.choose(**choices)
        self._reload(screen)

    def show_family(self, on: bool) -> None:
        """Show the whole family's entries (each once), or only the child's again."""
        screen = self._app.state.chronology
        if screen is None:
            return
        service = ChronologyService(self._app.store)
        everything = self._read(service, screen.child, on, None)
        screen.scope(
            on,
            sorted({item.source_agency for item in everything}),
            sorted({item.event_type for item in everything}),
        )
        self._reload(screen)

    @staticmethod
    def _read(
        service: ChronologyService,
        child: ChildRow,
        family: bool,
        filters: ChronologyQuery | None,
    ) -> list[ChronologyItem]:
        if family:
            return service.for_case(child.case_id, filters)
        return service.for_child(child.child_id, filters)

    def _reload(self, screen: ChronologyScreen) -> None:
        me = self._app.me()
        filters = screen.filters(self._app.config.clock().date())
        child_id = screen.child.child_id
        service = ChronologyService(self._app.store, me)
        screen.show(
            self._read(service, screen.child, screen.family, filters),
            SameEventService(self._app.store, me).suggestions(child_id),
        )

    def link(self, first_id: str, second_id: str) -> None:
        """Link two entries as one event (a new record, synced later) and say so."""
        screen = self._app.state.chronology
        if screen is None:
            return
        SameEventService(self._app.store, self._app.me()).link(
            screen.child.child_id, (first_id, second_id)
        )
        self._reload(screen)
        self._app.state.say(
            "Linked as the same event. The link will sync with your records.", "done"
        )
