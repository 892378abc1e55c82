"""GET /cases/{case_id}/chronology: a family's merged chronology."""

from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, SkipValidation

from shared.chronology import ChronologyQuery
from shared.protocol import CaseChronologyResponse
from sync_server.controllers.filters import provide_filters
from sync_server.controllers.openapi import BEARER, errors
from sync_server.services import ChronologyService, Session


class CasesController(Controller):
    """Views over a whole family (a case)."""

    path = "/cases"
    tags = ["cases"]  # noqa: RUF012
    security = BEARER
    dependencies = {"filters": Provide(provide_filters)}  # noqa: RUF012

    @get("/{case_id:str}/chronology", responses=errors(400, 401, 404))
    async def chronology(
        self,
        case_id: FromPath[str],
        caller: NamedDependency[Session],
        chronology: NamedDependency[ChronologyService],
        # already checked by provide_filters: passed as is, not re-validated by Litestar
        filters: NamedDependency[SkipValidation[ChronologyQuery]],
    ) -> CaseChronologyResponse:
        """Return the family's chronology, each entry once (404 unless the case is yours)."""
        return chronology.for_case(caller, case_id, filters)
