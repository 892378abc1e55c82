"""A request that fails on a reused (pooled) connection is sent once more on a fresh one;
keep-alive times are set so the device lets go of an idle connection first (issue 14)."""

import httpx
import pytest

from mobile_app.errors import ServerUnreachable
from mobile_app.sync_client import SyncClient
from shared.connection import CLIENT_KEEPALIVE_S, SERVER_KEEPALIVE_S
from shared.protocol import PushRequest

EMPTY_PULL = {"items": [], "next_cursor": 0, "has_more": False}


class Network:
    """Answers pulls and pushes; the planned requests fail as a closed idle socket does."""

    def __init__(self, failures: list[type[httpx.TransportError]]) -> None:
        self.failures = failures
        self.calls: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request.url.path)
        if len(self.calls) > 1 and self.failures:
            raise self.failures.pop(0)("Server disconnected without sending a response.")
        if request.url.path == "/sync/push":
            return httpx.Response(200, json={"results": []})
        return httpx.Response(200, json=EMPTY_PULL)


def client(network: Network) -> SyncClient:
    return SyncClient("http://doorstep.test", token="t", transport=httpx.MockTransport(network))


@pytest.mark.parametrize(
    "error",
    [httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError],
    ids=lambda e: e.__name__,
)
def test_a_push_on_a_connection_the_server_closed_is_sent_once_more(
    error: type[httpx.TransportError],
) -> None:
    network = Network([error])
    with client(network) as device:
        device.pull(0)  # leaves its connection in the pool
        assert device.push(PushRequest(items=[])).results == []
    assert network.calls == ["/sync/pull", "/sync/push", "/sync/push"]


def test_a_second_failure_is_reported_not_retried_again() -> None:
    network = Network([httpx.RemoteProtocolError, httpx.RemoteProtocolError])
    with client(network) as device:
        device.pull(0)
        with pytest.raises(ServerUnreachable):
            device.push(PushRequest(items=[]))
    assert network.calls == ["/sync/pull", "/sync/push", "/sync/push"]


def test_a_first_request_that_fails_is_reported_at_once() -> None:
    """A fresh connection failing is a real outage (or a cut): nothing to retry."""

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("connection reset", request=request)

    with (
        SyncClient("http://doorstep.test", transport=httpx.MockTransport(refuse)) as device,
        pytest.raises(ServerUnreachable),
    ):
        device.push(PushRequest(items=[]))


def test_a_connection_closed_after_its_answer_is_not_reused_so_not_retried() -> None:
    network = Network([httpx.ReadError])

    def closing(request: httpx.Request) -> httpx.Response:
        response = network(request)
        response.headers["Connection"] = "close"
        return response

    with (
        SyncClient("http://doorstep.test", transport=httpx.MockTransport(closing)) as device,
    ):
        device.pull(0)
        with pytest.raises(ServerUnreachable):
            device.push(PushRequest(items=[]))
    assert network.calls == ["/sync/pull", "/sync/push"]


def test_the_device_drops_an_idle_connection_well_before_the_server_does() -> None:
    assert CLIENT_KEEPALIVE_S * 2 <= SERVER_KEEPALIVE_S
