"""GET /children/{child_id}/chronology: a child's merged chronology."""

from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, SkipValidation

from shared.chronology import ChronologyQuery
from shared.protocol import ChronologyResponse
from sync_server.controllers.filters import provide_filters
from sync_server.controllers.openapi import BEARER, errors
from sync_server.services import ChronologyService, Session


class ChildrenController(Controller):
    """Views over a child's records."""

    path = "/children"
    tags = ["children"]  # noqa: RUF012
    security = BEARER
    dependencies = {"filters": Provide(provide_filters)}  # noqa: RUF012

    @get("/{child_id:str}/chronology", responses=errors(400, 401, 404))
    async def chronology(
        self,
        child_id: FromPath[str],
        caller: NamedDependency[Session],
        chronology: NamedDependency[ChronologyService],
        # already checked by provide_filters: passed as is, not re-validated by Litestar
        filters: NamedDependency[SkipValidation[ChronologyQuery]],
    ) -> ChronologyResponse:
        """Return the child's chronology, filtered (404 unless the child is in your cases)."""
        return chronology.for_child(caller, child_id, filters)
