"""GET /records/{record_id}/versions: one record's whole version history."""

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from shared.protocol import RecordHistoryResponse
from sync_server.controllers.openapi import BEARER, errors
from sync_server.services import HistoryService, Session


class RecordsController(Controller):
    """Views over one record."""

    path = "/records"
    tags = ["records"]  # noqa: RUF012
    security = BEARER

    @get("/{record_id:str}/versions", responses=errors(401, 404))
    async def versions(
        self,
        record_id: FromPath[str],
        caller: NamedDependency[Session],
        history: NamedDependency[HistoryService],
    ) -> RecordHistoryResponse:
        """Return every version of the record, oldest first (404 unless its case is yours)."""
        return history.for_record(caller, record_id)
