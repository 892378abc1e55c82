"""The real server process on 127.0.0.1, and headless devices that talk to it over HTTP."""

import json
import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "demo-password-for-tests-only"
PASSPHRASE = "river-lantern-copper-42"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServerProcess:
    """A `python -m sync_server` child process on a port of its own."""

    db: Path
    port: int = field(default_factory=free_port)
    log: Path | None = None
    process: subprocess.Popen[bytes] | None = None
    extra_args: tuple[str, ...] = ()
    # The certificate the server presents (with --tls-cert): the URL is https and clients trust it.
    ca_cert: Path | None = None

    @property
    def url(self) -> str:
        scheme = "https" if self.ca_cert else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    @property
    def verify(self) -> ssl.SSLContext | bool:
        return ssl.create_default_context(cafile=str(self.ca_cert)) if self.ca_cert else True

    def start(self) -> "ServerProcess":
        env = {**os.environ, "DOORSTEP_DEMO_PASSWORD": DEMO_PASSWORD}
        self.log = self.db.with_suffix(".log")
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "sync_server",
                    "--db",
                    str(self.db),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--demo",
                    *self.extra_args,
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        # One client for every poll: each new one loads the CA bundle again (~80 ms).
        with httpx.Client(timeout=1, verify=self.verify) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"server exited early:\n{self.log.read_text()}")
                try:
                    if client.get(f"{self.url}/health").status_code == 200:
                        return self
                except httpx.TransportError:
                    time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not answer /health in 30 s:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server with demo data, shared by a module's tests."""
    running = ServerProcess(tmp_path_factory.mktemp("server") / "server.db").start()
    yield running
    running.stop()


@dataclass
class CliDevice:
    """A headless device: `python -m mobile_app.cli --data DIR ...` in a child process."""

    data: Path

    def run(self, *args: str, password: str = DEMO_PASSWORD, expect: int = 0) -> str:
        env = {**os.environ, "DOORSTEP_PASSPHRASE": PASSPHRASE, "DOORSTEP_PASSWORD": password}
        done = subprocess.run(
            [sys.executable, "-m", "mobile_app.cli", "--data", str(self.data), *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == expect, (
            f"{args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
        )
        return done.stdout + done.stderr

    def records(self) -> list[dict[str, Any]]:
        return list(json.loads(self.run("list", "--json")))

    def signed_in(self, server: ServerProcess, username: str) -> "CliDevice":
        self.run("init")
        self.run("login", server.url, username)
        self.run("sync")
        return self
