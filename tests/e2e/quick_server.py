"""The real server process, started as conftest's ServerProcess does, but polled cheaply.

A state machine starts (and SIGKILL-restarts) a server per example; conftest's start polls
/health with a new httpx client per try, and each costs ~80 ms of CA loading here. This one
polls through one client sharing a TLS context, and restarts after a SIGKILL.
"""

import subprocess
import sys
import time

import httpx

from tests.e2e.conftest import ROOT, ServerProcess, server_env
from tests.e2e.sync_devices import transport

START_TIMEOUT_S = 30
POLL_S = 0.05


class QuickServerProcess(ServerProcess):
    """`python -m sync_server --demo` on a fixed port and database file (or, with
    `extra_args=("--db", URL)`, a PostgreSQL database: argparse keeps the later --db)."""

    def start(self) -> "QuickServerProcess":
        """Start the server and wait until /health answers.

        Raises:
            RuntimeError: the process exited, or did not answer within START_TIMEOUT_S.
        """
        env = server_env()
        self.log = self.db.with_suffix(".log")
        command = [sys.executable, "-m", "sync_server", "--db", str(self.db)]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--demo", *self.extra_args]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        with httpx.Client(transport=transport(), timeout=1) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"server exited early:\n{self.log.read_text()}")
                try:
                    if client.get(f"{self.url}/health").status_code == 200:
                        return self
                except httpx.TransportError:
                    time.sleep(POLL_S)
        self.stop()
        raise RuntimeError(f"server did not answer /health in time:\n{self.log.read_text()}")

    def restart_after_kill(self) -> None:
        """Wait for the killed process to end, then start again on the same file and port."""
        if self.process is not None:
            self.process.wait(10)
        self.process = None
        self.start()
