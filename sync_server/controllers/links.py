"""GET /children/{child_id}/same-event-suggestions: entries that may record one event."""

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from sync_server.controllers.openapi import BEARER, errors
from sync_server.services import ChronologyService, Session
from sync_server.services.chronology.same_event import SameEventSuggestions


class LinksController(Controller):
    """Same-event links between a child's chronology entries."""

    path = "/children"
    tags = ["links"]  # noqa: RUF012
    security = BEARER

    @get("/{child_id:str}/same-event-suggestions", responses=errors(401, 404))
    async def suggestions(
        self,
        child_id: FromPath[str],
        caller: NamedDependency[Session],
        chronology: NamedDependency[ChronologyService],
    ) -> SameEventSuggestions:
        """Return pairs of the child's entries that may record one event, not yet linked
        (404 unless the child is in your scope)."""
        return chronology.same_event_suggestions(caller, child_id)
