"""Transfers between authorities, in process: a bundle from server A (Oxfordshire) imported
into server B (Buckinghamshire), each on its own SQLite file; corruption always refused."""

import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar

from sync_server.app import create_app
from sync_server.demo import DemoSeed
from sync_server.errors import ValidationFailed
from sync_server.repository import Repository
from sync_server.services import ServiceContainer
from sync_server.services.handover.authority_export import AuthorityExport, ExportRequest
from sync_server.services.handover.authority_import import AuthorityImport
from sync_server.services.handover.authority_keys import TrustList, public_key_line, signing_key
from sync_server.services.handover.transfer_bundle import BundleRefused
from tests.sync_server.server_builders import fast_settings

SENDER, RECEIVER = "Oxfordshire", "Buckinghamshire"


class Side:
    """One authority's server, in process."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir()
        self.db = folder / "server.db"
        self.app: Litestar = create_app(fast_settings(self.db))
        self.services: ServiceContainer = self.app.state["services"]
        self.demo: DemoSeed = self.app.state["demo"]
        self.key = signing_key(folder.parent / f"{folder.name}.key")

    @property
    def repository(self) -> Repository:
        return self.services.repository

    def counts(self) -> tuple[int, ...]:
        with sqlite3.connect(self.db) as conn:
            return tuple(
                conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
                for table in ("versions", "chronology_index", "restricted_versions",
                              "bundles_received", "received_versions", "allocations")
            )  # fmt: skip


def importer(side: Side, trusted: TrustList) -> AuthorityImport:
    return AuthorityImport(side.repository, side.services.allocations, trusted, RECEIVER)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Side, Side, bytes, TrustList]:
    root = tmp_path_factory.mktemp("authorities")
    a, b = Side(root / "a"), Side(root / "b")
    export = AuthorityExport(a.repository, a.services.exports, a.services.allocations, a.key,
                             SENDER)  # fmt: skip
    out = root / "bundle.doorstep"
    export.export(ExportRequest(a.demo.cases[0].family_id, RECEIVER, "demo-sw", out))
    trusted = TrustList({SENDER: public_key_line(a.key.public_key())})
    return a, b, out.read_bytes(), trusted


def test_export_closes_the_case_on_the_sender(world: tuple[Side, Side, bytes, TrustList]) -> None:
    a, _, raw, _ = world
    case_id = a.demo.cases[0].family_id
    assert a.repository.case_practitioners(case_id) == frozenset()
    assert a.repository.closed_cases([case_id])[case_id].to_authority == RECEIVER
    with pytest.raises(ValidationFailed, match="closed here"):
        a.services.allocations.allocate("demo-sw", case_id)
    events = a.repository.audit_events("case_sent_to_authority")
    subjects = {e.subject_type: e.subject_id for e in events}
    assert len(events) == 3  # the case, the bundle and its transfer pack
    assert subjects["case"] == case_id
    assert subjects["transfer_pack"] not in {None, "", case_id, subjects["bundle"]}
    assert raw.count(b"\n") == 2


def test_import_stores_the_history_once_with_its_provenance(
    world: tuple[Side, Side, bytes, TrustList],
) -> None:
    a, b, raw, trusted = world
    case_id = a.demo.cases[0].family_id
    sent = {v.version_id: v for v in a.repository.case_versions(case_id)}

    first = importer(b, trusted).import_bundle(raw, "demo-hv2")
    after_first = b.counts()
    again = importer(b, trusted).import_bundle(raw, "demo-hv2")

    assert not first.repeated
    assert again.repeated
    assert after_first == b.counts()  # nothing stored twice
    received = {v.version_id: v for v in b.repository.case_versions(case_id)}
    assert received == sent  # every column as the sender stored it
    assert b.repository.case_practitioners(case_id) == {b.demo.practitioners["demo-hv2"].id}
    provenance = b.repository.provenance(sent)
    assert {p.from_authority for p in provenance.values()} == {SENDER}
    heads = b.repository.case_chronology_heads(case_id)
    assert heads
    assert all(h.version_id in provenance for h in heads)


def _refused_and_nothing_stored(b: Side, trusted: TrustList, raw: bytes) -> None:
    before = b.counts()
    with pytest.raises(BundleRefused):
        importer(b, trusted).import_bundle(raw, "demo-hv2")
    assert b.counts() == before


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_changed_byte_is_refused_and_nothing_stored(
    world: tuple[Side, Side, bytes, TrustList], data: st.DataObject
) -> None:
    _, b, raw, trusted = world
    at = data.draw(st.integers(0, len(raw) - 1), label="at")
    flip = data.draw(st.integers(1, 255), label="xor")
    changed = raw[:at] + bytes([raw[at] ^ flip]) + raw[at + 1 :]
    _refused_and_nothing_stored(b, trusted, changed)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_cut_short_bundle_is_refused_and_nothing_stored(
    world: tuple[Side, Side, bytes, TrustList], data: st.DataObject
) -> None:
    _, b, raw, trusted = world
    _refused_and_nothing_stored(b, trusted, raw[: data.draw(st.integers(0, len(raw) - 1))])


def test_unknown_signer_and_wrong_key_are_refused(
    world: tuple[Side, Side, bytes, TrustList], tmp_path: Path
) -> None:
    _, b, raw, _ = world
    stranger = signing_key(tmp_path / "other.key").public_key()
    for trusted, reason in (
        (TrustList({}), "not on this server's list of trusted authorities"),
        (TrustList({SENDER: public_key_line(stranger)}), "does not match"),
    ):
        before = b.counts()
        with pytest.raises(BundleRefused, match=reason):
            importer(b, trusted).import_bundle(raw, "demo-hv2")
        assert b.counts() == before
    assert b.repository.audit_events("transfer_bundle_refused")


def test_a_version_id_clashing_with_a_local_version_refuses_the_whole_bundle(
    world: tuple[Side, Side, bytes, TrustList], tmp_path: Path
) -> None:
    a, _, raw, trusted = world
    c = Side(tmp_path / "c")
    taken = a.repository.case_versions(a.demo.cases[0].family_id)[-1]
    with c.repository.ingest() as batch:  # a different version here under the same id
        batch.insert([taken._replace(case_id="another-case", content_hash=b"\x01" * 32)], [])
    before = c.counts()
    with pytest.raises(BundleRefused, match="id of a different version"):
        importer(c, trusted).import_bundle(raw, "demo-hv2")
    assert c.counts() == before
