"""TLS pinning: the app talks only to the server whose public key it was deployed with, and a
wrong server gets nothing beyond the TLS handshake. Plain http only to this machine."""

import base64
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from mobile_app.config import AppProfile, load_profile
from mobile_app.errors import ConfigError, ServerFault, ServerNotTrusted
from mobile_app.sync_client import SyncClient, pinned_transport
from tests.e2e.conftest import DEMO_PASSWORD, ServerProcess
from tests.tls_identity import TlsIdentity, make_identity


def profile(url: str, pin: str = "") -> AppProfile:
    return AppProfile.model_validate(
        {
            "organisation": "Test Partnership",
            "server_url": url,
            "auto_lock_minutes": 5,
            "offline_window_days": 14,
            "tls_pin": pin,
        }
    )


@pytest.fixture(scope="module")
def identity(tmp_path_factory: pytest.TempPathFactory) -> TlsIdentity:
    return make_identity(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def other_identity(tmp_path_factory: pytest.TempPathFactory) -> TlsIdentity:
    return make_identity(tmp_path_factory.mktemp("other-tls"))


# -- against the real sync server over HTTPS ----------------------------------------------


@pytest.fixture(scope="module")
def https_server(
    tmp_path_factory: pytest.TempPathFactory, identity: TlsIdentity
) -> Iterator[ServerProcess]:
    running = ServerProcess(
        tmp_path_factory.mktemp("server") / "server.db",
        extra_args=("--tls-cert", str(identity.cert), "--tls-key", str(identity.key)),
        ca_cert=identity.cert,
    ).start()
    yield running
    running.stop()


@pytest.mark.e2e
def test_the_pinned_server_is_used(https_server: ServerProcess, identity: TlsIdentity) -> None:
    transport = pinned_transport(profile(https_server.url, identity.pin))
    assert transport is not None
    with SyncClient(https_server.url, transport=transport) as client:
        answer = client.login("demo-hv", DEMO_PASSWORD, "pinned tablet")
    assert answer.practitioner.username == "demo-hv"


@pytest.mark.e2e
def test_a_server_with_another_key_is_refused(
    https_server: ServerProcess, other_identity: TlsIdentity
) -> None:
    transport = pinned_transport(profile(https_server.url, other_identity.pin))
    assert transport is not None
    with (
        SyncClient(https_server.url, transport=transport) as client,
        pytest.raises(ServerNotTrusted, match="not the pinned one"),
    ):
        client.login("demo-hv", DEMO_PASSWORD, "pinned tablet")


# -- nothing beyond the handshake reaches a wrong server -------------------------------------


def _whole_request(data: bytes) -> bool:
    head, found, body = data.partition(b"\r\n\r\n")
    if not found:
        return False
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value)
    return True


@dataclass
class TlsListener:
    """A bare TLS server that records every application byte a client sends it."""

    identity: TlsIdentity
    received: list[bytes] = field(default_factory=list)
    handshakes: int = 0

    def __post_init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(10)
        self.url = f"https://127.0.0.1:{self._server.getsockname()[1]}"
        self._thread = threading.Thread(target=self._serve_one, daemon=True)
        self._thread.start()

    def _serve_one(self) -> None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.identity.cert, self.identity.key)
        conn, _ = self._server.accept()
        with conn, context.wrap_socket(conn, server_side=True) as tls:
            self.handshakes += 1
            tls.settimeout(5)
            answered = False
            try:
                while chunk := tls.recv(65536):
                    self.received.append(chunk)
                    if not answered and _whole_request(b"".join(self.received)):
                        tls.sendall(
                            b"HTTP/1.1 503 Service Unavailable\r\n"
                            b"Content-Length: 0\r\nConnection: close\r\n\r\n"
                        )
                        answered = True
            except (OSError, ssl.SSLError):
                return

    def join(self) -> None:
        self._thread.join(10)
        self._server.close()


def test_a_wrong_server_completes_the_handshake_and_receives_nothing(
    identity: TlsIdentity, other_identity: TlsIdentity
) -> None:
    impostor = TlsListener(other_identity)
    transport = pinned_transport(profile(impostor.url, identity.pin))
    assert transport is not None
    with (
        SyncClient(impostor.url, token="device-token", transport=transport) as client,
        pytest.raises(ServerNotTrusted),
    ):
        client.login("demo-hv", "a-password", "tablet")
    impostor.join()
    assert impostor.handshakes == 1
    assert impostor.received == []


def test_the_listener_does_see_a_request_when_the_pin_matches(identity: TlsIdentity) -> None:
    """Guards the test above: the listener would have recorded a request had one been sent."""
    listener = TlsListener(identity)
    transport = pinned_transport(profile(listener.url, identity.pin))
    assert transport is not None
    with SyncClient(listener.url, transport=transport) as client, pytest.raises(ServerFault):
        client.login("demo-hv", "a-password", "tablet")
    listener.join()
    assert b"".join(listener.received).startswith(b"POST /auth/login")


# -- the profile ---------------------------------------------------------------------------


def test_no_pin_or_plain_http_needs_no_pinning_transport(identity: TlsIdentity) -> None:
    assert pinned_transport(profile("https://doorstep.example")) is None
    assert pinned_transport(profile("http://127.0.0.1:8000", identity.pin)) is None


def _write_profile(tmp_path: Path, url: str, pin: str = "") -> Path:
    path = tmp_path / "flet.toml"
    path.write_text(
        "[doorstep]\n"
        'organisation = "Test Partnership"\n'
        f'server_url = "{url}"\n'
        "auto_lock_minutes = 5\n"
        "offline_window_days = 14\n"
        f'tls_pin = "{pin}"\n'
    )
    return path


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]:8000", "https://x.example"],
    ids=["loopback", "localhost", "ipv6 loopback", "https"],
)
def test_https_or_this_machine_is_accepted(tmp_path: Path, url: str) -> None:
    assert load_profile(_write_profile(tmp_path, url)).server_url.host


@pytest.mark.parametrize(
    "url", ["http://doorstep.example", "http://10.0.0.5:8000"], ids=["name", "lan address"]
)
def test_plain_http_to_another_machine_is_refused_naming_server_url(
    tmp_path: Path, url: str
) -> None:
    with pytest.raises(ConfigError, match="setting 'server_url': plain http") as refused:
        load_profile(_write_profile(tmp_path, url))
    assert url not in str(refused.value)


@pytest.mark.parametrize(
    "pin", ["not base64!", base64.b64encode(b"too short").decode()], ids=["garbage", "short"]
)
def test_a_pin_that_is_not_a_sha256_is_refused_naming_tls_pin(tmp_path: Path, pin: str) -> None:
    with pytest.raises(ConfigError, match="setting 'tls_pin'") as refused:
        load_profile(_write_profile(tmp_path, "https://x.example", pin))
    assert pin not in str(refused.value)
