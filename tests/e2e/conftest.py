"""The real server process on 127.0.0.1, and headless devices that talk to it over HTTP."""

import contextlib
import io
import json
import os
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

from mobile_app import cli
from mobile_app.crypto import new_kdf_params
from mobile_app.store import DeviceStore
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "demo-password-for-tests-only"
PASSPHRASE = "river-lantern-copper-42"
# The cheapest KDF the unit tests use: these proofs are about sync, not key derivation.
FAST_KDF = new_kdf_params(iterations=1, lanes=1, memory_kib=1024)


def server_env() -> dict[str, str]:
    """The environment of a server process: demo data signed in with DEMO_PASSWORD, hashed at
    the unit tests' Argon2 cost (the default costs each sign-in and each seeded person ~50 ms
    of CPU, and no test here is about the cost; test_server_app.py reads these settings).
    """
    return {
        **os.environ,
        "DOORSTEP_DEMO_PASSWORD": DEMO_PASSWORD,
        "DOORSTEP_PASSWORD_HASH_MEMORY_KIB": "64",
        "DOORSTEP_PASSWORD_HASH_ITERATIONS": "1",
    }


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
        env = server_env()
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
    """A headless device driven through `mobile_app.cli --data DIR ...`.

    Each command is a call of the CLI's own `main` in this process, unless `process` is set:
    then `python -m mobile_app.cli` in a child process, as a practitioner runs it. A child
    process costs a Python start-up per command (over a second of CPU importing the app), so
    only the tests about the CLI as a program (its exit codes and words) pay for it.
    """

    data: Path
    process: bool = False

    def run(self, *args: str, password: str = DEMO_PASSWORD, expect: int = 0) -> str:
        """Run one command; assert its exit code; return what it printed (stdout, then stderr)."""
        secrets = {"DOORSTEP_PASSPHRASE": PASSPHRASE, "DOORSTEP_PASSWORD": password}
        command = ["--data", str(self.data), *args]
        run = _run_child if self.process else _run_here
        code, out, err = run(command, secrets)
        assert code == expect, f"{args}: exit {code}\n{out}\n{err}"
        return out + err

    def records(self) -> list[dict[str, Any]]:
        """Every version on the device (`list --json`)."""
        return list(json.loads(self.run("list", "--json")))

    def set_up(self) -> "CliDevice":
        """Make the device's encrypted store with the app's own DeviceStore at the cheapest key
        derivation: the default costs about a second of CPU at every command that unlocks, and
        no test here is about that (tests/mobile_app/test_cli.py runs `init` itself)."""
        DeviceStore.create(self.data, PASSPHRASE, FAST_KDF).close()
        return self

    def signed_in(self, server: ServerProcess, username: str) -> "CliDevice":
        """Set up, sign in as username and run a first sync."""
        self.set_up()
        self.run("login", server.url, username)
        self.run("sync")
        return self


def _run_child(command: list[str], secrets: dict[str, str]) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "mobile_app.cli", *command],
        cwd=ROOT,
        env={**os.environ, **secrets},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


def _run_here(command: list[str], secrets: dict[str, str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    before = {name: os.environ.get(name) for name in secrets}
    os.environ.update(secrets)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(command)
            except SystemExit as exit_:  # argparse refusing the arguments
                code = exit_.code if isinstance(exit_.code, int) else 2
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return code, out.getvalue(), err.getvalue()
