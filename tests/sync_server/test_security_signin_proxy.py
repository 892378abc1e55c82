"""Sign-in limits per client address behind a reverse proxy (SECURITY.md, issue 7).

X-Forwarded-For is read only from a trusted proxy, and only up to the first hop that is not
one; the real server process proves it end to end (uvicorn's own proxy handling, which trusts
127.0.0.1 by default, must not get there first).
"""

from collections.abc import Iterator
from ipaddress import ip_network
from pathlib import Path

import httpx
import pytest

from sync_server.__main__ import _parse, _settings
from sync_server.config import ProxyNetwork, load_settings, parse_trusted_proxies
from sync_server.errors import ConfigError
from sync_server.services.access.client_address import client_address
from tests.e2e.conftest import ServerProcess

PROXY = "10.0.0.5"
PROXIES: tuple[ProxyNetwork, ...] = (ip_network(PROXY), ip_network("10.1.0.0/16"))
ADDRESS_LIMIT = 3


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.9", ["198.51.100.1"], "203.0.113.9"),
        ("10.0.0.5", ["198.51.100.1"], "198.51.100.1"),
        ("10.0.0.5", ["1.2.3.4, 198.51.100.1"], "198.51.100.1"),
        ("10.0.0.5", ["1.2.3.4, 198.51.100.1, 10.1.2.3"], "198.51.100.1"),
        ("10.0.0.5", ["1.2.3.4", "198.51.100.1, 10.1.2.3"], "198.51.100.1"),
        ("10.0.0.5", ["10.1.9.9, 10.1.2.3"], "10.1.9.9"),
        ("10.0.0.5", [], "10.0.0.5"),
        ("10.0.0.5", ["198.51.100.1, not-an-address"], "10.0.0.5"),
        ("10.0.0.5", ["198.51.100.1:51000"], "198.51.100.1"),
        ("10.0.0.5", ["[2001:db8::7]:443"], "2001:db8::7"),
        ("::ffff:10.0.0.5", ["198.51.100.1"], "198.51.100.1"),
        ("testclient", ["198.51.100.1"], "testclient"),
        (None, ["198.51.100.1"], None),
    ],
    ids=[
        "untrusted-peer-spoofing-is-ignored",
        "trusted-proxy-names-the-client",
        "client-written-hops-left-of-the-client-are-ignored",
        "a-chain-of-trusted-proxies-is-walked",
        "several-header-lines-read-as-one-list",
        "all-hops-trusted-the-nearest-to-the-client-stands",
        "no-header-the-proxy-stands",
        "a-hop-that-is-no-address-stops-the-walk",
        "ipv4-with-port",
        "bracketed-ipv6-with-port",
        "ipv4-mapped-peer",
        "peer-not-an-address",
        "no-peer",
    ],
)
def test_the_client_address_is_read_from_trusted_proxies_only(
    peer: str | None, forwarded: list[str], expected: str | None
) -> None:
    assert client_address(peer, forwarded, PROXIES) == expected


def test_with_no_trusted_proxies_the_header_is_never_read() -> None:
    assert client_address(PROXY, ["198.51.100.1"], ()) == PROXY


def test_trusted_proxies_come_from_the_environment_as_a_list() -> None:
    settings = load_settings({"DOORSTEP_TRUSTED_PROXIES": "10.0.0.5, 10.1.0.0/16 ::1"})

    assert settings.trusted_proxies == (*PROXIES, ip_network("::1"))
    assert load_settings({}).trusted_proxies == ()


def test_a_bad_trusted_proxy_is_refused_naming_the_setting_not_the_value() -> None:
    with pytest.raises(ConfigError) as refused:
        parse_trusted_proxies(["10.0.0.5", "proxy.internal.example"])

    assert refused.value.message.startswith("trusted_proxies: ")
    assert "proxy.internal.example" not in refused.value.message


def test_trusted_proxies_on_the_command_line_replace_the_environments(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DOORSTEP_TRUSTED_PROXIES", "192.0.2.1")
    flags = ["--trusted-proxy", PROXY, "--trusted-proxy", "10.1.0.0/16"]

    from_flags, _ = _settings(_parse(flags))
    from_env, _ = _settings(_parse([]))

    assert from_flags.trusted_proxies == PROXIES
    assert from_env.trusted_proxies == (ip_network("192.0.2.1"),)
    with pytest.raises(ConfigError, match=r"^trusted_proxies: "):
        _settings(_parse(["--trusted-proxy", "not-an-address"]))


def _server(tmp: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Iterator[ServerProcess]:
    monkeypatch.setenv("DOORSTEP_SIGNIN_MAX_FAILURES_PER_ADDRESS", str(ADDRESS_LIMIT))
    monkeypatch.setenv("DOORSTEP_PASSWORD_HASH_MEMORY_KIB", "64")
    monkeypatch.setenv("DOORSTEP_PASSWORD_HASH_ITERATIONS", "1")
    monkeypatch.delenv("DOORSTEP_TRUSTED_PROXIES", raising=False)
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    running = ServerProcess(tmp / "server.db", extra_args=args).start()
    yield running
    running.stop()


@pytest.fixture
def direct_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServerProcess]:
    """The real server with no trusted proxy: clients reach it directly."""
    yield from _server(tmp_path, monkeypatch)


@pytest.fixture
def proxied_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServerProcess]:
    """The real server trusting 127.0.0.1 as its reverse proxy."""
    yield from _server(tmp_path, monkeypatch, "--trusted-proxy", "127.0.0.1")


def _wrong_sign_in(client: httpx.Client, attempt: int, forwarded_for: str) -> int:
    """A failed sign-in under a new username each time, so only the address count grows."""
    body = {"username": f"guess-{attempt}", "password": "not it", "device_name": "tab"}
    headers = {"X-Forwarded-For": forwarded_for}
    return client.post("/auth/login", json=body, headers=headers).status_code


@pytest.mark.e2e
def test_a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(
    direct_server: ServerProcess,
) -> None:
    """Regression: one client must not dodge its address limit by inventing proxy hops."""
    with httpx.Client(base_url=direct_server.url, timeout=10) as client:
        statuses = [_wrong_sign_in(client, n, f"198.51.100.{n}") for n in range(ADDRESS_LIMIT + 1)]

    assert statuses == [401] * ADDRESS_LIMIT + [429]


@pytest.mark.e2e
def test_behind_a_trusted_proxy_two_clients_are_limited_separately(
    proxied_server: ServerProcess,
) -> None:
    with httpx.Client(base_url=proxied_server.url, timeout=10) as client:
        first = [_wrong_sign_in(client, n, "198.51.100.1") for n in range(ADDRESS_LIMIT + 1)]
        # the client writes its own hop first; the proxy appends the address it really saw
        second = _wrong_sign_in(client, 99, "198.51.100.1, 198.51.100.2")
        first_again = _wrong_sign_in(client, 100, "203.0.113.50, 198.51.100.1")

    assert first == [401] * ADDRESS_LIMIT + [429]
    assert second == 401, "another client behind the same proxy is not limited by the first"
    assert first_again == 429, "a hop written by the client does not give it a new address"
