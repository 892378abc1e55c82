"""HTTPS: the real server process serves TLS with a certificate made here, and HSTS with it."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sync_server.config import Settings
from sync_server.errors import ConfigError
from tests.e2e.conftest import ROOT, ServerProcess
from tests.tls_identity import make_identity


@pytest.fixture(scope="module")
def https_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    folder = tmp_path_factory.mktemp("https")
    identity = make_identity(folder)
    cert, key = identity.cert, identity.key
    server = ServerProcess(
        folder / "server.db",
        extra_args=("--tls-cert", str(cert), "--tls-key", str(key)),
        ca_cert=cert,
    ).start()
    yield server
    server.stop()


def test_the_server_answers_over_https_with_hsts(https_server: ServerProcess) -> None:
    assert https_server.url.startswith("https://")
    response = httpx.get(f"{https_server.url}/health", verify=https_server.verify)
    assert response.status_code == 200
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_client_that_does_not_trust_the_certificate_is_refused(
    https_server: ServerProcess,
) -> None:
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{https_server.url}/health")


def test_plain_http_gets_no_answer_on_the_https_port(https_server: ServerProcess) -> None:
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{https_server.port}/health", timeout=2)


def _run_server(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sync_server", *args],
        cwd=ROOT,
        env={**os.environ, "DOORSTEP_DB": os.devnull},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_server_refuses_to_start_with_only_a_certificate(tmp_path: Path) -> None:
    cert = make_identity(tmp_path).cert
    done = _run_server("--db", str(tmp_path / "s.db"), "--tls-cert", str(cert))
    assert done.returncode == 2
    assert "tls_cert, tls_key: give both" in done.stderr


def test_the_server_refuses_a_missing_key_file(tmp_path: Path) -> None:
    cert = make_identity(tmp_path).cert
    missing = tmp_path / "absent-key.pem"
    done = _run_server("--db", str(tmp_path / "s.db"), "--tls-cert", str(cert), "--tls-key",
                       str(missing))  # fmt: skip
    assert done.returncode == 2
    assert "tls_key: there is no file at this path" in done.stderr


def test_settings_refuse_a_key_without_a_certificate() -> None:
    with pytest.raises(ConfigError, match="tls_cert, tls_key"):
        Settings(tls_key=Path("key.pem"))
