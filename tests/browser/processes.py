"""The field app as a child process: `python -m mobile_app` serving its web build on 127.0.0.1."""

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.e2e.conftest import ROOT
from tests.ports import free_port

ARTIFACTS = ROOT / "test-artifacts" / "browser"
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 10
# What the app logs when it hit an error it could only turn into a generic message.
APP_FAILURES = re.compile(
    r"Traceback \(most recent call last\)|Unhandled error in a screen handler"
    r"|Rendering \w+: \w+ at |Sync stopped unexpectedly"
)


def app_profile(path: Path, server_url: str) -> Path:
    """Write a copy of the repository's flet.toml that points the app at server_url."""
    text, count = re.subn(
        r"(?m)^server_url\s*=.*$",
        f'server_url = "{server_url}"',
        (ROOT / "flet.toml").read_text(encoding="utf-8"),
    )
    assert count == 1, "flet.toml should have exactly one server_url line"
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class AppProcess:
    """One device: the app's web build on a port of its own, with its own data folder."""

    folder: Path
    server_url: str
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log(self) -> Path:
        return self.folder / "app.log"

    def start(self) -> "AppProcess":
        """Start the app and wait until its web server answers."""
        return self.launch().ready()

    def launch(self) -> "AppProcess":
        """Start the app's process (see `ready`)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "FLET_FORCE_WEB_SERVER": "1",
            "FLET_WEB_NO_CDN": "1",
            "FLET_SERVER_IP": "127.0.0.1",
            "FLET_SERVER_PORT": str(self.port),
            "DOORSTEP_DATA": str(self.data),
            "DOORSTEP_PROFILE": str(app_profile(self.folder / "flet.toml", self.server_url)),
            "PYTHONUNBUFFERED": "1",
            # The app under test is this checkout's, whatever folder the device runs in.
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
            ),
        }
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "mobile_app"],
                cwd=self.folder,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    def ready(self) -> "AppProcess":
        """Wait until the app's web server answers."""
        assert self.process, "launch() the app first"
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the app exited early:\n{self.log_text()}")
            try:
                if httpx.get(self.url, timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the app did not answer in {START_TIMEOUT_S} s:\n{self.log_text()}")

    def stop(self) -> None:
        """Stop the app (the device's data folder stays)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT_S)
        self.process = None

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def failures(self) -> list[str]:
        """Lines of the app's log that show an error it did not handle."""
        return [line for line in self.log_text().splitlines() if APP_FAILURES.search(line)]


def keep_log(log: Path | None, name: str) -> None:
    """Copy a process's log beside the screenshots, for whoever reads a failed run."""
    if log is not None and log.exists():
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / name).write_bytes(log.read_bytes())
