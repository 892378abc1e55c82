"""Exports: chronology PDFs (same filters as the JSON chronology) and transfer packs."""

from litestar import Controller, Response, get
from litestar.di import NamedDependency, Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, SkipValidation

from shared.chronology import ChronologyQuery
from shared.handover import TransferPack
from sync_server.controllers.filters import provide_filters
from sync_server.controllers.openapi import BEARER, errors
from sync_server.services import Session
from sync_server.services.handover.exports import ExportService

PDF = "application/pdf"
_PDF_OK: dict[int, ResponseSpec] = {
    200: ResponseSpec(data_container=bytes, description="an A4 PDF", media_type=PDF)
}


def pdf(document: bytes, name: str) -> Response[bytes]:
    """Return a PDF as a download."""
    disposition = f'attachment; filename="{name}.pdf"'
    return Response(document, media_type=PDF, headers={"Content-Disposition": disposition})


class ChildExportsController(Controller):
    """Exports of a child's records."""

    path = "/children"
    tags = ["exports"]  # noqa: RUF012
    security = BEARER
    dependencies = {"filters": Provide(provide_filters)}  # noqa: RUF012

    @get("/{child_id:str}/chronology.pdf", responses={**_PDF_OK, **errors(400, 401, 404)})
    async def chronology_pdf(
        self,
        child_id: FromPath[str],
        caller: NamedDependency[Session],
        exports: NamedDependency[ExportService],
        filters: NamedDependency[SkipValidation[ChronologyQuery]],
    ) -> Response[bytes]:
        """Export the child's chronology as a PDF, with the JSON chronology's filters."""
        return pdf(exports.child_chronology_pdf(caller, child_id, filters), "chronology")


class CaseExportsController(Controller):
    """Exports of a whole family (a case)."""

    path = "/cases"
    tags = ["exports"]  # noqa: RUF012
    security = BEARER
    dependencies = {"filters": Provide(provide_filters)}  # noqa: RUF012

    @get("/{case_id:str}/chronology.pdf", responses={**_PDF_OK, **errors(400, 401, 404)})
    async def chronology_pdf(
        self,
        case_id: FromPath[str],
        caller: NamedDependency[Session],
        exports: NamedDependency[ExportService],
        filters: NamedDependency[SkipValidation[ChronologyQuery]],
    ) -> Response[bytes]:
        """Export the family's chronology as a PDF, with the JSON chronology's filters."""
        return pdf(exports.case_chronology_pdf(caller, case_id, filters), "chronology")

    @get("/{case_id:str}/transfer-pack", responses=errors(401, 403, 404))
    async def transfer_pack(
        self,
        case_id: FromPath[str],
        caller: NamedDependency[Session],
        exports: NamedDependency[ExportService],
    ) -> TransferPack:
        """Export the case's transfer pack as JSON (schema: transfer-pack.v1)."""
        return exports.transfer_pack(caller, case_id)

    @get(
        "/{case_id:str}/transfer-pack.pdf",
        responses={**_PDF_OK, **errors(401, 403, 404)},
    )
    async def transfer_pack_pdf(
        self,
        case_id: FromPath[str],
        caller: NamedDependency[Session],
        exports: NamedDependency[ExportService],
    ) -> Response[bytes]:
        """Export the case's transfer pack as a PDF."""
        return pdf(exports.transfer_pack_pdf(caller, case_id), "transfer-pack")
