"""A chronology or a transfer pack made as a PDF from the app: asked of the server with the
filters on screen, handed to the share sheet, kept only in memory; offline says so plainly.
Also: counts are said with the right word ("1 entry")."""

from datetime import date

from mobile_app.services.handover.exports import OFFLINE, ExportFile
from tests.ui.conftest import Driver, FamilyIds
from tests.ui.fake_server import FakeServer


def sharing(app: Driver) -> list[ExportFile]:
    shared: list[ExportFile] = []

    async def share(file: ExportFile) -> None:
        shared.append(file)

    app.flows.exports.share = share
    return shared


async def test_the_chronology_pdf_carries_the_filters_on_screen(
    app: Driver, seeded: FamilyIds, server: FakeServer
) -> None:
    shared = sharing(app)
    fc = app.fc
    await fc.tap(key=f"child.{seeded.baby_id}.chronology")
    await fc.choose("police", key="chron.agency")
    await fc.choose("3m", key="chron.period")
    assert fc.value("chron.count") == "1 entry, newest first"
    await fc.tap(key="chron.pdf")
    (file,) = shared
    assert file.content.startswith(b"%PDF-")
    assert file.name == "chronology-poppy-quarmby.pdf"
    path, query = server.exports[-1]
    assert path == f"/children/{seeded.baby_id}/chronology.pdf"
    assert ("agency", "police") in query
    assert any(name == "from" and date.fromisoformat(value) for name, value in query)
    assert "ready to share" in fc.value("message")
    # Nothing of the PDF is written to the device's data folder.
    assert all(
        b"%PDF" not in p.read_bytes()
        for p in app.flows.app.config.data_dir.rglob("*")
        if p.is_file()
    )


async def test_the_whole_familys_transfer_pack_is_shared_as_a_pdf(
    app: Driver, seeded: FamilyIds, server: FakeServer
) -> None:
    shared = sharing(app)
    fc = app.fc
    await fc.tap(key=f"child.{seeded.baby_id}.chronology")
    await fc.tap(key="chron.transfer_pack")
    (file,) = shared
    assert file.name == "transfer-pack-quarmby-family.pdf"
    assert server.exports[-1][0] == f"/cases/{seeded.case_id}/transfer-pack.pdf"


async def test_offline_a_pdf_is_not_made_and_the_app_says_why(
    app: Driver, seeded: FamilyIds, server: FakeServer
) -> None:
    shared = sharing(app)
    fc = app.fc
    await fc.tap(key=f"child.{seeded.baby_id}.chronology")
    server.mode = "down"
    await fc.tap(key="chron.pdf")
    assert shared == []
    assert fc.value("message") == OFFLINE
