"""A bad server answer becomes a plain SyncError leaf, never a crash (MockTransport stands in
for the network's failures; the real server is exercised in tests/e2e)."""

import httpx
import pytest

from mobile_app.errors import ServerFault, ServerRefused, ServerUnreachable
from mobile_app.sync_client import SyncClient


def client_answering(handler: object) -> SyncClient:
    return SyncClient("http://doorstep.test", token="t", transport=httpx.MockTransport(handler))  # type: ignore[arg-type]


def test_connection_failure_is_unreachable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(ServerUnreachable, match="kept and will sync later"):
        client_answering(refuse).pull(0)


def test_timeout_is_unreachable() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(ServerUnreachable):
        client_answering(slow).pull(0)


def test_server_error_is_a_fault_with_plain_words() -> None:
    with pytest.raises(ServerFault, match=r"HTTP 500.*kept"):
        client_answering(lambda r: httpx.Response(500, text="Traceback ...")).pull(0)


def test_garbage_json_is_a_fault() -> None:
    with pytest.raises(ServerFault, match="could not be read"):
        client_answering(lambda r: httpx.Response(200, text="{not json")).pull(0)


def test_refusal_carries_the_servers_code_and_message() -> None:
    body = {"code": "invalid_credentials", "message": "Wrong username or password.", "details": {}}
    with pytest.raises(ServerRefused) as caught:
        client_answering(lambda r: httpx.Response(401, json=body)).login("u", "p", "d")
    assert caught.value.status == 401
    assert caught.value.code == "invalid_credentials"
    assert str(caught.value) == "Wrong username or password."


def test_token_is_sent_as_a_bearer_header() -> None:
    seen: list[str] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("authorization", ""))
        return httpx.Response(200, json={"items": [], "next_cursor": 0, "has_more": False})

    assert client_answering(record).pull(0).next_cursor == 0
    assert seen == ["Bearer t"]
