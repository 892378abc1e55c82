"""GET /children/{child_id}/chronology: a child's merged chronology."""

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from shared.protocol import ChronologyResponse
from sync_server.controllers.openapi import BEARER, errors
from sync_server.services import ChronologyService, Session


class ChildrenController(Controller):
    """Views over a child's records."""

    path = "/children"
    tags = ["children"]  # noqa: RUF012
    security = BEARER

    @get("/{child_id:str}/chronology", responses=errors(401, 404))
    async def chronology(
        self,
        child_id: FromPath[str],
        caller: NamedDependency[Session],
        chronology: NamedDependency[ChronologyService],
    ) -> ChronologyResponse:
        """Return the child's chronology (404 unless the child is in one of your cases)."""
        return chronology.for_child(caller, child_id)
