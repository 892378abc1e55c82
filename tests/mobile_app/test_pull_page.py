"""A pulled page is sealed as the server's own JSON, and only after every byte of it is
validated: a faulty or hostile server cannot plant an invalid record on the device."""

import json
import sqlite3
from pathlib import Path

import httpx
import pytest

from mobile_app import pull_page
from mobile_app.crypto import AeadCipher, new_data_key, record_aad
from mobile_app.errors import ServerFault
from mobile_app.pull_page import read_pull_page
from mobile_app.services.sync.sync import SyncService
from mobile_app.store import DeviceStore
from mobile_app.sync_client import SyncClient
from shared.ids import new_id
from shared.models import Child, Family
from shared.protocol import PulledVersion, PullResponse
from tests.mobile_app.conftest import pulled
from tests.mobile_app.test_sync_scope import CHILD, FAMILY


def family_page(case_id: str, children: int = 2) -> list[PulledVersion]:
    """A family and its children as the server holds them."""
    payloads: list[Family | Child] = [FAMILY, *[CHILD] * children]
    return [
        pulled(case_id, case_id if i == 0 else new_id(), payload, i + 1)
        for i, payload in enumerate(payloads)
    ]


def page_text(items: list[str], **envelope: object) -> bytes:
    """A pull page with its items spliced in as given (the server splices stored JSON)."""
    fields = {"next_cursor": 3, "has_more": False, **envelope}
    rest = json.dumps(fields)[1:]
    return ('{"protocol_version": 1, "items": [' + ", ".join(items) + "], " + rest).encode()


def item_texts(versions: list[PulledVersion]) -> list[str]:
    # Not the model's own compact form: the reader must keep the server's bytes as they are.
    return [json.dumps(json.loads(v.model_dump_json()), indent=1) for v in versions]


def test_each_item_keeps_the_exact_json_it_was_validated_from() -> None:
    versions = family_page(new_id())
    texts = item_texts(versions)
    page = read_pull_page(page_text(texts))
    assert page.items == versions
    received = page.received_json()
    assert [received[v.version_id] for v in versions] == [t.encode() for t in texts]
    assert page.next_cursor == 3


def test_a_changed_item_loses_its_received_json() -> None:
    page = read_pull_page(page_text(item_texts(family_page(new_id()))))
    changed = page.items[0].model_copy(update={"server_seq": 99})
    copy = page.model_copy(update={"items": [changed, *page.items[1:]]})
    assert set(copy.received_json()) == {v.version_id for v in page.items[1:]}


@pytest.mark.parametrize(
    ("mangle", "why"),
    [
        (lambda t: t.replace('"lifecycle": "current"', '"lifecycle": "shredded"', 1), "bad value"),
        (lambda t: t.replace("{", '{"planted": 1, ', 1), "unknown field"),
        (lambda t: t.replace('"server_seq": 1', '"server_seq": "one"', 1), "bad type"),
        (lambda t: t + ", 7", "an item that is not a record"),
        (lambda t: t + ",", "a trailing comma"),
    ],
)
def test_a_bad_item_refuses_the_whole_page(mangle: object, why: str) -> None:
    texts = item_texts(family_page(new_id()))
    texts[0] = mangle(texts[0])  # type: ignore[operator]
    with pytest.raises(ValueError):  # noqa: PT011 - any reason the page cannot be read
        read_pull_page(page_text(texts))


@pytest.mark.parametrize(
    "body",
    [
        b'{"items": [], "next_cursor": 0, "has_more": false} trailing',
        b'{"items": [], "items": [], "next_cursor": 0, "has_more": false}',
        b'{"items": [] "next_cursor": 0, "has_more": false}',
        b'{"next_cursor": 0, "has_more": false}',
        b'{"items": {}, "next_cursor": 0, "has_more": false}',
        b'{"items": [',
        b'{"items": [' + b"[" * 50_000 + b"]" * 50_000 + b'], "next_cursor": 0, "has_more": false}',
        b"\xff\xfe not UTF-8",
        b"",
    ],
)
def test_a_malformed_page_is_refused(body: bytes) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - any reason the page cannot be read
        read_pull_page(body)


def test_the_same_version_twice_in_a_page_is_refused() -> None:
    texts = item_texts(family_page(new_id()))
    with pytest.raises(ValueError, match="twice"):
        read_pull_page(page_text([*texts, texts[1]]))


def test_bad_pulled_data_is_refused_in_plain_words_and_nothing_is_stored(
    store: DeviceStore,
) -> None:
    texts = item_texts(family_page(new_id()))
    # Two valid records, then one whose case id is not an id.
    texts[-1] = texts[-1].replace('"case_id": "', '"case_id": "not an id ', 1)
    body = page_text(texts)
    client = SyncClient(
        "http://doorstep.test",
        token="t",
        transport=httpx.MockTransport(lambda request: httpx.Response(200, content=body)),
    )
    with client, pytest.raises(ServerFault) as caught:
        SyncService(store, client).sync()
    assert str(caught.value) == (
        "The server's answer could not be read. Your records are kept and will sync later."
    )
    assert store.records.rows() == []
    assert store.cursor.get() == 0


def test_a_pulled_page_is_stored_once_sealed_as_received_and_reads_back(
    store: DeviceStore, data_dir: Path
) -> None:
    versions = family_page(new_id(), children=3)
    texts = item_texts(versions)
    body = page_text(texts)
    client = SyncClient(
        "http://doorstep.test",
        token="t",
        transport=httpx.MockTransport(lambda request: httpx.Response(200, content=body)),
    )
    with client:
        assert SyncService(store, client).sync().pulled == len(versions)
        assert SyncService(store, client).sync().pulled == 0  # the same page again: merged
    stored = [s for s in store.records.read_all() if not isinstance(s, Exception)]
    assert [s.version for s in stored] == versions  # each once, decrypted and validated
    assert store.cursor.get() == 3
    # What is sealed is the server's JSON, byte for byte, not a re-encoding.
    conn = sqlite3.connect(data_dir / "doorstep-device.db")
    try:
        sealed = dict(conn.execute("SELECT version_id, ciphertext FROM versions").fetchall())
    finally:
        conn.close()
    cipher = store.records._cipher
    for version, text in zip(versions, texts, strict=True):
        aad = record_aad(version.record_type, version.record_id, version.version_id)
        assert cipher.decrypt(sealed[version.version_id], aad) == text.encode()


def test_a_page_from_a_fake_or_a_copy_is_sealed_from_its_models(store: DeviceStore) -> None:
    versions = family_page(new_id())
    page = PullResponse(items=versions, next_cursor=3, has_more=False)
    assert store.records.merge_pulled(page.items) == len(versions)
    assert [s.version for s in store.records.read_all()] == versions  # type: ignore[union-attr]


def test_many_messages_are_sealed_each_under_its_own_nonce() -> None:
    cipher = AeadCipher(new_data_key())
    messages = [(f"record {i}".encode(), f"aad {i}".encode()) for i in range(50)]
    sealed = cipher.encrypt_many(messages)
    assert len({s[:12] for s in sealed}) == len(messages)
    assert [cipher.decrypt(s, aad) for s, (_, aad) in zip(sealed, messages, strict=True)] == [
        m for m, _ in messages
    ]


def test_pulled_commits_skip_the_disk_wait_only_inside_the_pull(store: DeviceStore) -> None:
    def level() -> int:
        return int(store.db.execute("PRAGMA synchronous").fetchone()[0])

    durable = level()
    inside: list[int] = []

    def failing_pull() -> None:
        with store.refetchable():
            inside.append(level())
            raise RuntimeError("a failed pull")

    with pytest.raises(RuntimeError):
        failing_pull()
    assert inside == [1]  # NORMAL
    assert level() == durable == 2  # FULL again for everything recorded on the device


def compact_page(versions: list[PulledVersion], between: str = ",") -> bytes:
    """A pull page laid out as the server writes it: compact JSON, nothing between items."""
    items = between.join(v.model_dump_json() for v in versions)
    return (
        b'{"protocol_version":1,"items":[' + items.encode() + b'],"next_cursor":3,"has_more":false}'
    )


def test_the_servers_compact_page_is_split_exactly_where_the_scanner_would() -> None:
    versions = family_page(new_id(), children=4)
    text = compact_page(versions).decode()
    assert pull_page._walk(text, pull_page._split) == pull_page._walk(text, pull_page._elements)
    page = read_pull_page(compact_page(versions))
    assert page.items == versions
    assert list(page.received_json().values()) == [v.model_dump_json().encode() for v in versions]


def test_a_record_whose_words_look_like_the_split_is_read_whole() -> None:
    # A quote inside text is escaped, so the cut between records cannot occur inside it.
    words = 'the note ends },{"schema_version":1,"version_id":"x"} and [{"}]'
    versions = family_page(new_id())
    versions[0] = versions[0].model_copy(
        update={"payload": FAMILY.model_copy(update={"access_notes": words})}
    )
    page = read_pull_page(compact_page(versions))
    assert page.items == versions
    assert page.items[0].payload.access_notes == words  # type: ignore[union-attr]


def test_a_page_laid_out_otherwise_is_read_by_walking_every_item() -> None:
    versions = family_page(new_id(), children=3)
    for between in (", ", ",\n", " ,"):
        page = read_pull_page(compact_page(versions, between))
        assert page.items == versions


def test_a_misleading_split_falls_back_to_the_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    # A cut that also falls inside records: the pieces fail, and the page is walked instead.
    monkeypatch.setattr(pull_page, "_NEXT_RECORD", '","')
    versions = family_page(new_id(), children=2)
    page = read_pull_page(compact_page(versions))
    assert page.items == versions
    assert list(page.received_json().values()) == [v.model_dump_json().encode() for v in versions]


@pytest.mark.parametrize("bad", [0, 2, -1])
def test_one_bad_record_in_the_servers_layout_refuses_the_page(bad: int) -> None:
    versions = family_page(new_id(), children=3)
    texts = [v.model_dump_json() for v in versions]
    texts[bad] = texts[bad].replace('"lifecycle":"current"', '"lifecycle":"shredded"', 1)
    body = (
        b'{"protocol_version":1,"items":['
        + ",".join(texts).encode()
        + b'],"next_cursor":3,"has_more":false}'
    )
    with pytest.raises(ValueError):  # noqa: PT011 - any reason the page cannot be read
        read_pull_page(body)


@pytest.mark.parametrize(
    "tail",
    [
        ',"items":[]}',  # items named twice, the second empty
        ',"scope":[{"schema_version":1},{"schema_version":1}]}',  # the cut in the envelope
        '],"left_scope":[]}',
        "",  # cut off after the items
    ],
)
def test_a_bad_envelope_after_the_servers_items_refuses_the_page(tail: str) -> None:
    body = compact_page(family_page(new_id())).decode()
    items_end = body.rindex('],"next_cursor"') + 1
    body = body[:items_end] + tail if not tail else body[:-1] + tail
    with pytest.raises(ValueError):  # noqa: PT011 - any reason the page cannot be read
        read_pull_page(body.encode())


def test_versions_stored_many_to_a_statement_are_each_stored_once(store: DeviceStore) -> None:
    # A SQLite built with few parameters allowed: 2 rows to a statement, so 7 rows take 4.
    store.db.conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 20)
    case_id = new_id()
    versions = family_page(case_id, children=6)
    assert store.records.merge_pulled(versions) == len(versions)
    rows = store.records.rows(case_id=case_id)
    assert sorted((r.version_id, r.server_seq) for r in rows) == sorted(
        (v.version_id, v.server_seq) for v in versions
    )
    assert {r.record_type for r in rows} == {"family", "child"}
    assert [s.version for s in store.records.read_all()] == versions  # type: ignore[union-attr]
    assert store.records.merge_pulled(versions) == 0  # the same page again: nothing added
