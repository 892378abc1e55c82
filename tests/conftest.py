"""Settings for the whole test run."""

import logging
from pathlib import Path
from typing import Any

import pytest

# The throwaway PostgreSQL server and its per-test databases (postgres_server, postgres_url).
pytest_plugins = ["tests.postgres_server"]

# flet logs "Session was garbage collected" at INFO whenever the collector gets to a session,
# often after pytest's summary: keep the run's last line pytest's own.
logging.getLogger("flet").setLevel(logging.WARNING)


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: none without it
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """With -n: each test file on one worker, the browser tests together (worker_scheduling.py).

    An explicit --dist mode other than pytest-xdist's default is left to pytest-xdist.
    """
    if config.getvalue("dist") != "load":
        return None
    from tests.worker_scheduling import FileScheduling  # noqa: PLC0415 (only under xdist)

    return FileScheduling(config, log)


@pytest.fixture(autouse=True)
def _keystore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Device secrets of a test live in its own tmp folder (subprocesses inherit it)."""
    monkeypatch.setenv("DOORSTEP_KEYSTORE", str(tmp_path / "keystore"))
    monkeypatch.setenv("DOORSTEP_SIGNIN_KEY_FILE", str(tmp_path / "server-keys" / "signin.key"))
