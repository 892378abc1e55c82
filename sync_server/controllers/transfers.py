"""POST /cases/{case_id}/transfers: hand a case whole to a practitioner in another team."""

from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.params import FromPath, RawBody

from shared.handover import TransferRequest, TransferResponse
from sync_server.controllers.openapi import BEARER, errors, raw_body
from sync_server.services import Session
from sync_server.services.handover.transfers import TransferService


class TransfersController(Controller):
    """Case transfers."""

    path = "/cases"
    tags = ["transfers"]  # noqa: RUF012
    security = BEARER

    @post(
        "/{case_id:str}/transfers",
        status_code=201,
        responses=errors(400, 401, 403, 404),
        dependencies=raw_body(TransferRequest),
    )
    async def transfer(
        self,
        case_id: FromPath[str],
        body: RawBody,
        caller: NamedDependency[Session],
        transfers: NamedDependency[TransferService],
    ) -> TransferResponse:
        """Transfer the case (a TransferRequest body); the answer carries the pack and its id."""
        return transfers.transfer_json(caller, case_id, body)
