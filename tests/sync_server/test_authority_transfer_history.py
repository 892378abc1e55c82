"""After a transfer between authorities: the received history stays as it was sent (restricted
entries included, and withheld alike), and a family moving back reopens the case."""

from pathlib import Path

from shared.protocol import RecordVersion
from sync_server.services.access.auth import Session
from sync_server.services.handover.authority_export import AuthorityExport, ExportRequest
from sync_server.services.handover.authority_import import AuthorityImport
from sync_server.services.handover.authority_keys import TrustList, public_key_line
from sync_server.services.sync.bodies import RECORD_VERSION
from sync_server.services.sync.closed_cases import closed_message
from sync_server.services.sync.push_rules import NOT_ALLOCATED
from tests.sync_server.server_builders import Item, edit, entry
from tests.sync_server.test_authority_transfer import RECEIVER, SENDER, Side


def _push(side: Side, username: str, *items: Item) -> list[tuple[str, str | None]]:
    who = side.demo.practitioners[username]
    versions: list[RecordVersion] = [RECORD_VERSION.validate_python(i) for i in items]
    results = side.services.sync.push(who, None, versions)
    return [(r.status.value, r.message) for r in results]


def _send(source: Side, frm: str, to: str, by: str, out: Path) -> bytes:
    export = AuthorityExport(source.repository, source.services.exports,
                             source.services.allocations, source.key, frm)  # fmt: skip
    export.export(ExportRequest(source.demo.cases[0].family_id, to, by, out))
    return out.read_bytes()


def _receive(
    side: Side, authority: str, sender: str, sender_side: Side, raw: bytes, to: str
) -> None:
    trusted = TrustList({sender: public_key_line(sender_side.key.public_key())})
    AuthorityImport(side.repository, side.services.allocations, trusted, authority).import_bundle(
        raw, to
    )


def test_received_history_is_read_only_and_restrictions_travel(tmp_path: Path) -> None:
    a, b = Side(tmp_path / "a"), Side(tmp_path / "b")
    case = a.demo.cases[0]
    sw_a = a.demo.practitioners["demo-sw"]
    secret = entry(case.family_id, sw_a.id, [case.child_ids[0]], summary="Disclosure.",
                   restricted=True, restricted_roles=["supervisor"])  # fmt: skip
    plain = entry(case.family_id, sw_a.id, [case.child_ids[0]], hours=1)
    assert _push(a, "demo-sw", secret, plain) == [("accepted", None)] * 2
    raw = _send(a, SENDER, RECEIVER, "demo-sw", tmp_path / "bundle")
    _receive(b, RECEIVER, SENDER, a, raw, "demo-hv2")

    assert b.repository.restrictions([secret["record_id"]]) == a.repository.restrictions(
        [secret["record_id"]]
    )
    hv2 = b.demo.practitioners["demo-hv2"]  # a health visitor: not CSC, not a supervisor
    seen = b.services.chronology.for_case(Session(hv2, "d"), case.family_id).entries
    summaries = {e.record_id: e for e in seen}
    assert secret["record_id"] not in summaries
    assert summaries[plain["record_id"]].received_from is not None
    assert summaries[plain["record_id"]].author_name == sw_a.display_name

    # Nobody here made the received entries: none of them can be amended here.
    sw_b = b.demo.practitioners["demo-sw"]
    b.services.allocations.allocate("demo-sw", case.family_id)
    changed = edit(plain, summary="Rewritten.")
    changed["payload"]["author_id"] = sw_b.id
    [(status, message)] = _push(b, "demo-sw", changed)
    assert status == "rejected"
    assert message is not None
    assert "only the entry's author may change it" in message


def test_a_family_moving_back_reopens_the_case_and_stores_only_what_is_new(
    tmp_path: Path,
) -> None:
    a, b = Side(tmp_path / "a"), Side(tmp_path / "b")
    case = a.demo.cases[0]
    raw = _send(a, SENDER, RECEIVER, "demo-sw", tmp_path / "out")
    hv = a.demo.practitioners["demo-hv"]
    late = entry(case.family_id, hv.id, [case.child_ids[0]], author_role="health_visitor",
                 source_agency="health_visiting")  # fmt: skip
    [(status, message)] = _push(a, "demo-hv", late)  # held the case until it was sent
    sent = a.repository.closed_cases([case.family_id])[case.family_id]
    assert (status, message) == ("rejected", closed_message(RECEIVER, sent.exported_at))
    [(status, message)] = _push(a, "demo-hv2", late)  # never held it: told nothing more
    assert (status, message) == ("rejected", NOT_ALLOCATED)

    _receive(b, RECEIVER, SENDER, a, raw, "demo-sw")
    sw_b = b.demo.practitioners["demo-sw"]
    there = entry(case.family_id, sw_b.id, [case.child_ids[0]], hours=2)
    assert _push(b, "demo-sw", there) == [("accepted", None)]
    back = _send_back(b, a, tmp_path / "back")
    before = {v.version_id for v in a.repository.case_versions(case.family_id)}
    _receive(a, SENDER, RECEIVER, b, back, "demo-sw")

    after = {v.version_id for v in a.repository.case_versions(case.family_id)}
    assert after - before == {there["version_id"]}
    assert a.repository.closed_cases([case.family_id]) == {}
    assert a.repository.case_practitioners(case.family_id) == {a.demo.practitioners["demo-sw"].id}


def _send_back(b: Side, a: Side, out: Path) -> bytes:
    export = AuthorityExport(b.repository, b.services.exports, b.services.allocations, b.key,
                             RECEIVER)  # fmt: skip
    export.export(ExportRequest(a.demo.cases[0].family_id, SENDER, "demo-sw", out))
    return out.read_bytes()
